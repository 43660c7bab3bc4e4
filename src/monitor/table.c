/* table.c — ib_mtable, the one shape in which the monitor hands a figure to
 * the programs (table, CSV, JSON): key columns, value columns with totals
 * and suppression flags; and the sorted-pairs counter the grouped figures
 * are built with. */
#include "monitor/mon_internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

int ib_mtable_init(ib_mtable *t, const char *title, size_t nkeys,
                   const char *const *key_names, size_t ncols,
                   const ib_mcolumn *cols, bool row_totals, bool col_totals)
{
    memset(t, 0, sizeof *t);
    snprintf(t->title, sizeof t->title, "%s", title ? title : "");
    t->nkeys = nkeys;
    t->ncols = ncols;
    t->row_totals = row_totals;
    t->col_totals = col_totals;
    t->key_names = calloc(nkeys ? nkeys : 1, sizeof *t->key_names);
    t->cols = calloc(ncols ? ncols : 1, sizeof *t->cols);
    t->values = calloc(ncols + 1, sizeof *t->values);     /* totals row */
    t->flags = calloc(ncols + 1, sizeof *t->flags);
    t->ckeys = calloc(ncols + 1, sizeof *t->ckeys);
    if (!t->key_names || !t->cols || !t->values || !t->flags || !t->ckeys) {
        ib_mtable_free(t);
        return IB_ENOMEM;
    }
    for (size_t i = 0; i < nkeys; i++)
        snprintf(t->key_names[i], IB_MLABEL_MAX, "%s", key_names[i]);
    if (ncols)
        memcpy(t->cols, cols, ncols * sizeof *cols);
    return IB_OK;
}

void ib_mtable_free(ib_mtable *t)
{
    if (!t)
        return;
    free(t->key_names);
    free(t->cols);
    free(t->keys);
    free(t->values);
    free(t->flags);
    free(t->ckeys);
    memset(t, 0, sizeof *t);
}

long ib_mtable_add_row(ib_mtable *t, const char *const *keys)
{
    size_t w = t->ncols + 1;
    if (t->nrows == t->cap) {
        size_t nc = t->cap ? 2 * t->cap : 16;
        void *k = realloc(t->keys, nc * (t->nkeys ? t->nkeys : 1) *
                                       sizeof *t->keys);
        if (!k)
            return IB_ENOMEM;
        t->keys = k;
        int64_t *v = realloc(t->values, (nc + 1) * w * sizeof *v);
        if (!v)
            return IB_ENOMEM;
        t->values = v;
        uint8_t *f = realloc(t->flags, (nc + 1) * w * sizeof *f);
        if (!f)
            return IB_ENOMEM;
        t->flags = f;
        uint32_t *ck = realloc(t->ckeys, (nc + 1) * w * sizeof *ck);
        if (!ck)
            return IB_ENOMEM;
        t->ckeys = ck;
        t->cap = nc;
    }
    size_t r = t->nrows++;
    /* the totals row moves down one */
    memcpy(t->values + t->nrows * w, t->values + r * w, w * sizeof *t->values);
    memcpy(t->flags + t->nrows * w, t->flags + r * w, w);
    memcpy(t->ckeys + t->nrows * w, t->ckeys + r * w, w * sizeof *t->ckeys);
    memset(t->values + r * w, 0, w * sizeof *t->values);
    memset(t->flags + r * w, 0, w);
    memset(t->ckeys + r * w, 0, w * sizeof *t->ckeys);
    for (size_t i = 0; i < t->nkeys; i++)
        snprintf(t->keys[r * t->nkeys + i], IB_MLABEL_MAX, "%s", keys[i]);
    return (long)r;
}

int64_t *ib_mtable_at(ib_mtable *t, size_t r, size_t c)
{
    return &t->values[r * (t->ncols + 1) + c];
}

uint32_t *ib_mtable_key_at(ib_mtable *t, size_t r, size_t c)
{
    return &t->ckeys[r * (t->ncols + 1) + c];
}

int64_t ib_mtable_get(const ib_mtable *t, size_t r, size_t c)
{
    return t->values[r * (t->ncols + 1) + c];
}

/* A total's cell key is the sum of its cells' keys: a total counts the
 * contributors of its cells, so it is keyed as if counted directly. */
void ib_mtable_sum(ib_mtable *t)
{
    size_t w = t->ncols + 1, tr = t->nrows * w;
    for (size_t c = 0; c < w; c++) {
        t->values[tr + c] = t->col_totals ? 0 : IB_MVALUE_NONE;
        t->ckeys[tr + c] = 0;
    }
    for (size_t r = 0; r < t->nrows; r++) {
        int64_t rowsum = 0;
        uint32_t rowkey = 0;
        for (size_t c = 0; c < t->ncols; c++) {
            int64_t v = t->values[r * w + c];
            uint32_t key = t->ckeys[r * w + c];
            if (v == IB_MVALUE_NONE)
                continue;
            if (t->cols[c].is_count) {
                rowsum += v;
                rowkey += key;
            }
            if (t->col_totals) {
                t->values[tr + c] += v;
                t->ckeys[tr + c] += key;
            }
        }
        t->values[r * w + t->ncols] = t->row_totals ? rowsum : IB_MVALUE_NONE;
        t->ckeys[r * w + t->ncols] = t->row_totals ? rowkey : 0;
        if (t->col_totals && t->row_totals) {
            t->values[tr + t->ncols] += rowsum;
            t->ckeys[tr + t->ncols] += rowkey;
        }
    }
}

bool ib_mtable_is_shown(const ib_mtable *t, size_t r, size_t c)
{
    return t->flags[r * (t->ncols + 1) + c] == 0;
}

const char *ib_mtable_text(const ib_mtable *t, size_t r, size_t c, char *buf,
                           size_t size)
{
    int64_t v = ib_mtable_get(t, r, c);
    uint8_t flag = t->flags[r * (t->ncols + 1) + c];
    if (flag == IB_MCELL_SECONDARY) {
        snprintf(buf, size, "%s", IB_MCELL_HIDDEN_TEXT);
        return buf;
    }
    if (flag) {
        snprintf(buf, size, "<%" PRId64, t->k);
        return buf;
    }
    if (v == IB_MVALUE_NONE) {
        snprintf(buf, size, "%s", "");
        return buf;
    }
    unsigned dec = c < t->ncols ? t->cols[c].decimals : 0;
    if (dec == 0) {
        snprintf(buf, size, "%" PRId64, v);
        return buf;
    }
    int64_t scale = 1;
    for (unsigned i = 0; i < dec; i++)
        scale *= 10;
    int64_t a = v < 0 ? -v : v;
    snprintf(buf, size, "%s%" PRId64 ".%0*" PRId64, v < 0 ? "-" : "",
             a / scale, (int)dec, a % scale);
    return buf;
}

bool ib_mtable_share(const ib_mtable *t, size_t r, size_t c, double *out)
{
    int64_t v = ib_mtable_get(t, r, c), tot = ib_mtable_get(t, r, t->ncols);
    if (!t->row_totals || !ib_mtable_is_shown(t, r, c) ||
        !ib_mtable_is_shown(t, r, t->ncols) || v == IB_MVALUE_NONE ||
        tot <= 0)
        return false;
    *out = (double)v / (double)tot;
    return true;
}

/* ------------------------------------------------------------ pairs */

int ib_mpairs_add(ib_mpairs *ps, int32_t row, int32_t col, uint32_t key)
{
    if (ps->n == ps->cap) {
        size_t nc = ps->cap ? 2 * ps->cap : 256;
        ib_mpair *v = realloc(ps->v, nc * sizeof *v);
        if (!v)
            return IB_ENOMEM;
        ps->v = v;
        ps->cap = nc;
    }
    ps->v[ps->n++] = (ib_mpair){row, col, key};
    return IB_OK;
}

static int cmp_pair(const void *a, const void *b)
{
    const ib_mpair *x = a, *y = b;
    if (x->row != y->row)
        return (x->row > y->row) - (x->row < y->row);
    return (x->col > y->col) - (x->col < y->col);
}

int ib_mtable_from_pairs(ib_mtable *t, const char *title, ib_group g,
                         ib_mpairs *ps, size_t ncols, const ib_mcolumn *cols,
                         ib_err *err)
{
    const char *key_name = ib_group_name(g);
    int rc = ib_mtable_init(t, title, 1, &key_name, ncols, cols, true, true);
    if (ps->n)
        qsort(ps->v, ps->n, sizeof *ps->v, cmp_pair);
    long row = -1;
    for (size_t i = 0; !rc && i < ps->n; i++) {
        if (i == 0 || ps->v[i].row != ps->v[i - 1].row) {
            char label[IB_MLABEL_MAX];
            const char *k = ib_group_label(g, ps->v[i].row, label, sizeof label);
            if ((row = ib_mtable_add_row(t, &k)) < 0)
                rc = IB_ENOMEM;
        }
        if (!rc && ps->v[i].col >= 0 && (size_t)ps->v[i].col < ncols) {
            (*ib_mtable_at(t, (size_t)row, (size_t)ps->v[i].col))++;
            *ib_mtable_key_at(t, (size_t)row, (size_t)ps->v[i].col) += ps->v[i].key;
        }
    }
    free(ps->v);
    memset(ps, 0, sizeof *ps);
    if (rc) {
        ib_mtable_free(t);
        return ib_err_set(err, IB_ENOMEM, "geheugen vol");
    }
    ib_mtable_sum(t);
    return IB_OK;
}
