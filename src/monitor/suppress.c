/* suppress.c — small-cell suppression of result tables (spec "Suppression"):
 * primary suppression of counts < k, secondary suppression so that no
 * suppressed count can be derived from the shown cells and totals.
 *
 * The table with its totals is a grid whose lines (a row with its row total,
 * a column with its column total) each add up. A suppressed cell is exactly
 * derivable when it is the only suppressed cell of a line, or, with totals
 * both ways, when it is a bridge in the bipartite graph of lines joined by
 * suppressed cells (signing the totals -1 makes every line sum to 0, and the
 * unknowns of a zero-sum grid are determined exactly on the bridges). */
#include "monitor/mon_internal.h"

#include <stdlib.h>
#include <string.h>

void ib_msuppress_opts_init(ib_msuppress_opts *o)
{
    o->k = 10;
    o->zero_is_safe = false;
}

/* The grid of count cells: gr rows (table rows, then the totals row when
 * columns have totals) x gc columns (the count columns, then the row total
 * when rows have totals). */
typedef struct grid {
    ib_mtable *t;
    size_t gr, gc;
    size_t *col;             /* grid column -> table column */
} grid;

static size_t cell_index(const grid *g, size_t i, size_t j)
{
    return i * (g->t->ncols + 1) + g->col[j];
}

static int64_t value(const grid *g, size_t i, size_t j)
{
    return g->t->values[cell_index(g, i, j)];
}

static uint8_t *flag(const grid *g, size_t i, size_t j)
{
    return &g->t->flags[cell_index(g, i, j)];
}

static int grid_init(grid *g, ib_mtable *t)
{
    g->t = t;
    g->gr = t->nrows + (t->col_totals ? 1 : 0);
    g->col = malloc((t->ncols + 1) * sizeof *g->col);
    if (!g->col)
        return IB_ENOMEM;
    g->gc = 0;
    for (size_t c = 0; c < t->ncols; c++)
        if (t->cols[c].is_count)
            g->col[g->gc++] = c;
    if (t->row_totals)
        g->col[g->gc++] = t->ncols;
    return IB_OK;
}

static void primary(const grid *g, const ib_msuppress_opts *o)
{
    for (size_t i = 0; i < g->gr; i++)
        for (size_t j = 0; j < g->gc; j++) {
            int64_t v = value(g, i, j);
            if (v == IB_MVALUE_NONE || v >= o->k || (v == 0 && o->zero_is_safe))
                continue;
            *flag(g, i, j) = IB_MCELL_PRIMARY;
        }
}

/* A line: row i (horizontal) or column j (vertical) of the grid. */
typedef struct line { bool vertical; size_t at; } line;

static size_t line_len(const grid *g, line l)
{
    return l.vertical ? g->gr : g->gc;
}

static void line_cell(line l, size_t k, size_t *i, size_t *j)
{
    *i = l.vertical ? k : l.at;
    *j = l.vertical ? l.at : k;
}

/* The smallest shown cell of line l (first of equals): its position in the
 * line, or SIZE_MAX when none. */
static size_t smallest_shown(const grid *g, line l)
{
    size_t best = SIZE_MAX, i, j;
    int64_t bv = 0;
    for (size_t k = 0; k < line_len(g, l); k++) {
        line_cell(l, k, &i, &j);
        int64_t v = value(g, i, j);
        if (*flag(g, i, j) || v == IB_MVALUE_NONE)
            continue;
        if (best == SIZE_MAX || v < bv) {
            best = k;
            bv = v;
        }
    }
    return best;
}

static size_t suppressed_in(const grid *g, line l)
{
    size_t n = 0, i, j;
    for (size_t k = 0; k < line_len(g, l); k++) {
        line_cell(l, k, &i, &j);
        n += *flag(g, i, j) != 0;
    }
    return n;
}

static bool suppress_smallest(const grid *g, line l)
{
    size_t k = smallest_shown(g, l), i, j;
    if (k == SIZE_MAX)
        return false;
    line_cell(l, k, &i, &j);
    *flag(g, i, j) = IB_MCELL_SECONDARY;
    return true;
}

/* One pass of the line rule; true when something was suppressed. */
static bool lines_pass(const grid *g)
{
    bool changed = false;
    if (g->t->row_totals)
        for (size_t i = 0; i < g->gr; i++) {
            line l = {false, i};
            if (suppressed_in(g, l) == 1)
                changed |= suppress_smallest(g, l);
        }
    if (g->t->col_totals)
        for (size_t j = 0; j < g->gc; j++) {
            line l = {true, j};
            if (suppressed_in(g, l) == 1)
                changed |= suppress_smallest(g, l);
        }
    return changed;
}

/* ------------------------------------------------------------ bridges */

/* Graph: vertices 0..gr-1 are grid rows, gr..gr+gc-1 grid columns; an edge
 * per suppressed cell. Adjacency in CSR form. */
typedef struct graph {
    size_t nv, ne;
    size_t *off, *adj_v, *adj_e;     /* neighbour and edge id per slot */
    size_t *edge_i, *edge_j;         /* cell of each edge */
} graph;

static void graph_free(graph *G)
{
    free(G->off); free(G->adj_v); free(G->adj_e);
    free(G->edge_i); free(G->edge_j);
}

static int graph_build(const grid *g, graph *G)
{
    memset(G, 0, sizeof *G);
    G->nv = g->gr + g->gc;
    for (size_t i = 0; i < g->gr; i++)
        for (size_t j = 0; j < g->gc; j++)
            G->ne += *flag(g, i, j) != 0;
    G->off = calloc(G->nv + 1, sizeof *G->off);
    G->adj_v = malloc((2 * G->ne + 1) * sizeof *G->adj_v);
    G->adj_e = malloc((2 * G->ne + 1) * sizeof *G->adj_e);
    G->edge_i = malloc((G->ne + 1) * sizeof *G->edge_i);
    G->edge_j = malloc((G->ne + 1) * sizeof *G->edge_j);
    if (!G->off || !G->adj_v || !G->adj_e || !G->edge_i || !G->edge_j)
        return IB_ENOMEM;
    size_t e = 0;
    for (size_t i = 0; i < g->gr; i++)
        for (size_t j = 0; j < g->gc; j++)
            if (*flag(g, i, j)) {
                G->edge_i[e] = i;
                G->edge_j[e++] = j;
                G->off[i + 1]++;
                G->off[g->gr + j + 1]++;
            }
    for (size_t v = 0; v < G->nv; v++)
        G->off[v + 1] += G->off[v];
    size_t *pos = malloc((G->nv + 1) * sizeof *pos);
    if (!pos)
        return IB_ENOMEM;
    memcpy(pos, G->off, (G->nv + 1) * sizeof *pos);
    for (e = 0; e < G->ne; e++) {
        size_t a = G->edge_i[e], b = g->gr + G->edge_j[e];
        G->adj_v[pos[a]] = b; G->adj_e[pos[a]++] = e;
        G->adj_v[pos[b]] = a; G->adj_e[pos[b]++] = e;
    }
    free(pos);
    return IB_OK;
}

/* Tarjan's bridge finding, iterative. Returns the first bridge's edge id in
 * *bridge (SIZE_MAX when none). */
static int find_bridge(const graph *G, size_t *bridge)
{
    size_t nv = G->nv;
    size_t *disc = calloc(nv, sizeof *disc), *low = calloc(nv, sizeof *low);
    size_t *it = calloc(nv, sizeof *it), *pe = calloc(nv, sizeof *pe);
    size_t *stack = calloc(nv + 1, sizeof *stack);
    *bridge = SIZE_MAX;
    if (!disc || !low || !it || !pe || !stack) {
        free(disc); free(low); free(it); free(pe); free(stack);
        return IB_ENOMEM;
    }
    size_t time = 0;
    for (size_t root = 0; root < nv && *bridge == SIZE_MAX; root++) {
        if (disc[root])
            continue;
        size_t sp = 0;
        stack[sp++] = root;
        disc[root] = low[root] = ++time;
        pe[root] = SIZE_MAX;
        it[root] = G->off[root];
        while (sp && *bridge == SIZE_MAX) {
            size_t v = stack[sp - 1];
            if (it[v] < G->off[v + 1]) {
                size_t w = G->adj_v[it[v]], e = G->adj_e[it[v]];
                it[v]++;
                if (e == pe[v])
                    continue;
                if (disc[w]) {
                    if (disc[w] < low[v]) low[v] = disc[w];
                    continue;
                }
                disc[w] = low[w] = ++time;
                pe[w] = e;
                it[w] = G->off[w];
                stack[sp++] = w;
                continue;
            }
            sp--;
            if (sp) {
                size_t u = stack[sp - 1];
                if (low[v] < low[u]) low[u] = low[v];
                if (low[v] > disc[u])
                    *bridge = pe[v];
            }
        }
    }
    free(disc); free(low); free(it); free(pe); free(stack);
    return IB_OK;
}

/* Suppresses the smallest shown cell in the row or column of a bridge. */
static int bridge_pass(const grid *g, bool *changed)
{
    graph G;
    size_t e;
    *changed = false;
    int rc = graph_build(g, &G);
    if (!rc)
        rc = find_bridge(&G, &e);
    if (!rc && e != SIZE_MAX) {
        line row = {false, G.edge_i[e]}, col = {true, G.edge_j[e]};
        size_t kr = smallest_shown(g, row), kc = smallest_shown(g, col), i, j;
        int64_t vr = 0, vc = 0;
        if (kr != SIZE_MAX) { line_cell(row, kr, &i, &j); vr = value(g, i, j); }
        if (kc != SIZE_MAX) { line_cell(col, kc, &i, &j); vc = value(g, i, j); }
        if (kr != SIZE_MAX && (kc == SIZE_MAX || vr <= vc))
            *changed = suppress_smallest(g, row);
        else if (kc != SIZE_MAX)
            *changed = suppress_smallest(g, col);
    }
    graph_free(&G);
    return rc;
}

int ib_mtable_suppress(ib_mtable *t, const ib_msuppress_opts *o, ib_err *err)
{
    ib_msuppress_opts def;
    if (!o) {
        ib_msuppress_opts_init(&def);
        o = &def;
    }
    if (o->k < 1)
        return ib_err_set(err, IB_EINVAL, "drempel k moet minstens 1 zijn");
    grid g;
    if (grid_init(&g, t))
        return ib_err_set(err, IB_ENOMEM, "geheugen vol");
    memset(t->flags, 0, (t->nrows + 1) * (t->ncols + 1));
    t->k = o->k;
    primary(&g, o);
    int rc = IB_OK;
    for (;;) {
        if (lines_pass(&g))
            continue;
        bool changed = false;
        if (t->row_totals && t->col_totals && (rc = bridge_pass(&g, &changed)))
            break;
        if (!changed)
            break;
    }
    free(g.col);
    return rc ? ib_err_set(err, IB_ENOMEM, "geheugen vol") : IB_OK;
}
