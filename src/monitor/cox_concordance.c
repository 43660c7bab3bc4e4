/* cox_concordance.c — Harrell's concordance of a Cox model's linear
 * predictor on counting-process data, with the infinitesimal-jackknife
 * standard error, as coxph's fit$concordance (R survival's concordancefit
 * with reverse = TRUE, timewt "n", timefix = FALSE; Therneau & Atkinson,
 * "Concordance", survival vignette). A pair is a death at time t and a row at
 * risk at t ((start, stop] contains t) that is not itself a death at t;
 * concordant when the death has the larger linear predictor. O(n log n):
 * one sweep over the death times with two Fenwick trees over the ranks of
 * the predictor (rows at risk; deaths so far). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "monitor/cox_internal.h"
#include "monitor/surv_internal.h"

typedef struct fenwick { uint32_t *t; size_t n; } fenwick;

static void fw_add(fenwick *f, size_t r, int32_t v)
{
    for (size_t i = r + 1; i <= f->n; i += i & (~i + 1))
        f->t[i - 1] += (uint32_t)v;
}

/* Count of entries with rank < r. */
static uint32_t fw_below(const fenwick *f, size_t r)
{
    uint32_t s = 0;
    for (size_t i = r; i > 0; i -= i & (~i + 1))
        s += f->t[i - 1];
    return s;
}

typedef struct conc_state {
    fenwick risk, dead;
    uint32_t n_dead;
    uint32_t *rank;
    uint32_t *ent;               /* per row: deaths below, equal, above at entry */
    long double saa, sab, sbb;   /* sums of a², a b, b² (a = c − d, b = c + d + t) */
} conc_state;

static void snapshot(const conc_state *s, uint32_t r, uint32_t out[3])
{
    uint32_t below = fw_below(&s->dead, r), upto = fw_below(&s->dead, r + 1);
    out[0] = below;
    out[1] = upto - below;
    out[2] = s->n_dead - upto;
}

/* Closes row pos: as a member of risk sets it was compared with the deaths
 * since its entry (concordant when the death ranks above it); c0/d0/t0 are
 * its counts as a death. */
static void finish_row(conc_state *s, size_t pos, double c0, double d0,
                       double t0)
{
    uint32_t now[3];
    snapshot(s, s->rank[pos], now);
    const uint32_t *e = s->ent + 3 * pos;
    double c = c0 + (double)(now[2] - e[2]);
    double d = d0 + (double)(now[0] - e[0]);
    double t = t0 + (double)(now[1] - e[1]);
    long double a = c - d, b = c + d + t;
    s->saa += a * a;
    s->sab += a * b;
    s->sbb += b * b;
}

/* Dense ranks through a radix sort of all rows. */
static int ranks_by_sort(const double *eta, size_t m, uint32_t *rank,
                         size_t *n_ranks)
{
    uint32_t *ord = malloc((m ? m : 1) * sizeof *ord);
    if (!ord)
        return -1;
    for (size_t i = 0; i < m; i++)
        ord[i] = (uint32_t)i;
    if (ib_surv_sort(ord, m, eta)) {
        free(ord);
        return -1;
    }
    uint32_t r = 0;
    for (size_t i = 0; i < m; i++) {
        if (i > 0 && eta[ord[i]] != eta[ord[i - 1]])
            r++;
        rank[ord[i]] = r;
    }
    *n_ranks = m ? (size_t)r + 1 : 0;
    free(ord);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* First slot of value e in a table of 2^bits slots. */
static size_t slot_of(double e, unsigned bits)
{
    uint64_t u;
    memcpy(&u, &e, sizeof u);
    return (size_t)((u * UINT64_C(0x9E3779B97F4A7C15)) >> (64 - bits));
}

/* The predictor of a few categorical covariates takes few distinct values:
 * those are collected in an open-addressing table (small enough to stay in
 * the cache), sorted, and every row mapped through its slot, instead of
 * sorting all rows. Returns 1 when there are more than distinct_max
 * distinct values, -1 when out of memory. */
static int ranks_by_table(const double *eta, size_t m, uint32_t *rank,
                          size_t *n_ranks, size_t distinct_max)
{
    unsigned bits = 1;
    while (((size_t)1 << bits) < 2 * distinct_max)
        bits++;
    const size_t slots = (size_t)1 << bits;
    double *key = malloc(slots * sizeof *key);
    uint32_t *slot_rank = malloc(slots * sizeof *slot_rank);
    double *distinct = malloc(distinct_max * sizeof *distinct);
    int rc = key && slot_rank && distinct ? 0 : -1;
    size_t nd = 0;
    for (size_t i = 0; i < slots && !rc; i++)
        slot_rank[i] = UINT32_MAX;             /* empty */
    for (size_t i = 0; i < m && !rc; i++) {
        double e = eta[i] == 0 ? 0.0 : eta[i]; /* -0.0 is 0.0 */
        size_t h = slot_of(e, bits);
        while (slot_rank[h] != UINT32_MAX && key[h] != e)
            h = (h + 1) & (slots - 1);
        if (slot_rank[h] == UINT32_MAX) {
            if (nd == distinct_max) {
                rc = 1;
                break;
            }
            key[h] = e;
            slot_rank[h] = 0;
            distinct[nd++] = e;
        }
        rank[i] = (uint32_t)h;                 /* the slot, for now */
    }
    if (!rc) {
        qsort(distinct, nd, sizeof *distinct, cmp_double);
        for (size_t r = 0; r < nd; r++) {
            size_t h = slot_of(distinct[r], bits);
            while (key[h] != distinct[r])
                h = (h + 1) & (slots - 1);
            slot_rank[h] = (uint32_t)r;
        }
        for (size_t i = 0; i < m; i++)
            rank[i] = slot_rank[rank[i]];
        *n_ranks = nd;
    }
    free(key);
    free(slot_rank);
    free(distinct);
    return rc;
}

int ib_cox_ranks(const double *eta, size_t m, uint32_t *rank, size_t *n_ranks,
                 size_t distinct_max)
{
    int rc = distinct_max ? ranks_by_table(eta, m, rank, n_ranks, distinct_max)
                          : 1;
    return rc == 1 ? ranks_by_sort(eta, m, rank, n_ranks) : rc;
}

int ib_cox_concordance(const cox_work *w, ib_cox_model *f, ib_err *err)
{
    const size_t m = w->m;
    conc_state s = {0};
    size_t nr = 0;
    uint32_t *tie_cnt = NULL;
    const size_t rows_bytes = (m ? m : 1) * 4 * sizeof(uint32_t);
    s.rank = ib_table_alloc(rows_bytes);       /* rank, then ent */
    s.ent = s.rank ? s.rank + (m ? m : 1) : NULL;
    if (!s.rank ||
        ib_cox_ranks(w->eta, m, s.rank, &nr, (size_t)1 << 16))
        goto nomem;
    s.risk = (fenwick){calloc(nr, sizeof(uint32_t)), nr};
    s.dead = (fenwick){calloc(nr, sizeof(uint32_t)), nr};
    tie_cnt = calloc(nr, sizeof *tie_cnt);
    if (!s.risk.t || !s.dead.t || !tie_cnt)
        goto nomem;

    double C = 0, D = 0, T = 0, TY = 0;
    size_t ia = m, so = m;   /* ascending = walking the descending orders back */
    for (size_t k = 0; k < w->nd; k++) {
        const double t = w->dtime[k];
        for (; ia > 0 && w->start_s[ia - 1] < t; ia--) {
            size_t pos = w->start_pos[ia - 1];
            fw_add(&s.risk, s.rank[pos], 1);
            snapshot(&s, s.rank[pos], s.ent + 3 * pos);
        }
        for (; so > 0 && w->stop_s[so - 1] < t; so--) {
            size_t pos = so - 1;
            if (w->ev_s[pos])
                continue;            /* closed at its own death time */
            fw_add(&s.risk, s.rank[pos], -1);
            finish_row(&s, pos, 0, 0, 0);
        }
        size_t lo = so;              /* rows so-1 down to lo have stop == t */
        while (lo > 0 && w->stop_s[lo - 1] == t)
            lo--;
        for (size_t pos = lo; pos < so; pos++)
            if (w->ev_s[pos])
                fw_add(&s.risk, s.rank[pos], -1);
        uint32_t at_risk = fw_below(&s.risk, nr);
        double deaths = 0, tied_xy = 0;
        for (size_t pos = lo; pos < so; pos++) {
            if (!w->ev_s[pos])
                continue;
            uint32_t r = s.rank[pos];
            uint32_t below = fw_below(&s.risk, r), upto = fw_below(&s.risk, r + 1);
            double c = below, d = at_risk - upto, tx = upto - below;
            C += c;
            D += d;
            T += tx;
            finish_row(&s, pos, c, d, tx);
            tied_xy += tie_cnt[r]++;
            deaths++;
        }
        TY += deaths * (deaths - 1) / 2 - tied_xy;
        for (size_t pos = lo; pos < so; pos++)
            if (w->ev_s[pos]) {
                tie_cnt[s.rank[pos]] = 0;
                fw_add(&s.dead, s.rank[pos], 1);
                s.n_dead++;
            }
    }
    for (; so > 0; so--)
        if (!w->ev_s[so - 1])
            finish_row(&s, so - 1, 0, 0, 0);

    double N = C + D + T;
    f->n_concordant = C;
    f->n_discordant = D;
    f->n_tied_x = T;
    f->n_tied_y = TY;
    if (N > 0) {
        /* concordancefit: dfbeta_i = (a_i − somer b_i) / N, var = Σ dfbeta² / 4 */
        long double somer = (C - D) / N;
        long double v = (s.saa - 2 * somer * s.sab + somer * somer * s.sbb) /
                        ((long double)N * N);
        f->concordance = (C + T / 2) / N;
        f->concordance_se = sqrt((double)(v > 0 ? v : 0) / 4);
    }
    ib_table_free(s.rank, rows_bytes);
    free(s.risk.t);
    free(s.dead.t);
    free(tie_cnt);
    return IB_OK;
nomem:
    ib_table_free(s.rank, rows_bytes);
    free(s.risk.t);
    free(s.dead.t);
    free(tie_cnt);
    return ib_err_set(err, IB_ENOMEM, "Cox: geen geheugen voor de concordantie");
}
