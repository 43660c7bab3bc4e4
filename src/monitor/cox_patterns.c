/* cox_patterns.c — the Cox likelihood sweep by covariate pattern. With
 * categorical covariates (work, contract, partner, EU, group dummies) the
 * millions of intervals share a few hundred distinct covariate vectors, and
 * rows with the same vector have the same risk score: the risk-set sums are
 * sum over patterns of (rows at risk) × r × x, so the sweep only counts rows
 * in and out and forms the sums once per death time, with one exp per
 * pattern instead of two per row. The counts are exact, so no sum drifts
 * from adding and removing rows. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "monitor/cox_internal.h"

static inline size_t tri(size_t i, size_t j) { return i * (i + 1) / 2 + j; }

/* FNV-1a over the bytes of one covariate row. */
static uint64_t row_hash(const double *x, size_t p)
{
    const unsigned char *b = (const unsigned char *)x;
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < p * sizeof *x; i++)
        h = (h ^ b[i]) * 1099511628211u;
    return h;
}

void ib_cox_patterns_free(cox_work *w)
{
    free(w->pat_x);
    free(w->pat_eta);
    w->n_pat = 0;
    w->pat_s = w->pat_t = NULL;
    w->pat_x = w->pat_eta = w->pat_r = w->cnt = w->dcnt = NULL;
}

/* The pattern of every row of d->X (bitwise equal rows) into pat_in, their
 * values into w->pat_x; false when there are more than max. slot is a
 * power-of-two open-addressing table. */
static bool number_rows(const ib_cox_data *d, cox_work *w, size_t max,
                        uint32_t *slot, size_t cap, uint32_t *pat_in)
{
    const size_t p = w->p, row = p * sizeof *d->X;
    for (size_t i = 0; i < d->n; i++) {
        const double *x = d->X + i * p;
        size_t h = (size_t)row_hash(x, p) & (cap - 1);
        while (slot[h] != UINT32_MAX &&
               memcmp(w->pat_x + (size_t)slot[h] * p, x, row) != 0)
            h = (h + 1) & (cap - 1);
        if (slot[h] == UINT32_MAX) {
            if (w->n_pat == max)
                return false;
            memcpy(w->pat_x + w->n_pat * p, x, row);
            slot[h] = (uint32_t)w->n_pat++;
        }
        pat_in[i] = slot[h];
    }
    return true;
}

uint32_t *ib_cox_number_patterns(const ib_cox_data *d, cox_work *w,
                                 size_t max)
{
    w->n_pat = 0;
    if (max == 0 || max > UINT32_MAX / 4)
        return NULL;
    size_t cap = 64;
    while (cap < 2 * max)
        cap *= 2;
    uint32_t *slot = malloc(cap * sizeof *slot);
    uint32_t *pat_in = ib_table_alloc(d->n * sizeof *pat_in);
    w->pat_x = malloc(max * w->p * sizeof *w->pat_x);
    bool ok = slot && pat_in && w->pat_x;
    if (ok) {
        memset(slot, 0xff, cap * sizeof *slot);
        ok = number_rows(d, w, max, slot, cap, pat_in);
    }
    free(slot);
    /* counting costs (patterns × death times) against (rows entering and
     * leaving): both then form the same p (p + 3) / 2 sums per item */
    ok = ok && (double)w->n_pat * (double)w->nd <= 2.0 * (double)w->m;
    if (ok) {
        w->pat_eta = malloc(4 * w->n_pat * sizeof *w->pat_eta);
        ok = w->pat_eta != NULL;
    }
    if (!ok) {
        ib_table_free(pat_in, d->n * sizeof *pat_in);
        ib_cox_patterns_free(w);
        return NULL;
    }
    w->pat_r = w->pat_eta + w->n_pat;
    w->cnt = w->pat_r + w->n_pat;
    w->dcnt = w->cnt + w->n_pat;
    return pat_in;
}

void ib_cox_pattern_eta(cox_work *w, const double *beta)
{
    const size_t p = w->p;
    for (size_t q = 0; q < w->n_pat; q++) {
        double e = 0;
        for (size_t j = 0; j < p; j++)
            e += beta[j] * w->pat_x[q * p + j];
        w->pat_eta[q] = e;
    }
    for (size_t k = 0; k < w->m; k++)
        w->eta[k] = w->pat_eta[w->pat_s[k]];
}

/* sums += k × r × (1, x, x x') for one pattern's k rows. */
static void add_rows(size_t p, double k, double r, const double *x,
                     double *denom, double *a, double *c)
{
    double kr = k * r;
    *denom += kr;
    for (size_t i = 0; i < p; i++) {
        double rx = kr * x[i];
        a[i] += rx;
        double *ci = c + tri(i, 0);
        for (size_t j = 0; j <= i; j++)
            ci[j] += rx * x[j];
    }
}

/* The sums over the rows at risk (cnt) and over the deaths now (dcnt), the
 * deaths' own terms of the log-likelihood and score; then the deaths join
 * the rows at risk. */
static void sums_from_counts(cox_work *w, double *denom, double *denom2,
                             double *u, double *loglik)
{
    const size_t p = w->p;
    *denom = *denom2 = 0;
    memset(w->a, 0, p * sizeof *w->a);
    memset(w->a2, 0, p * sizeof *w->a2);
    memset(w->c, 0, w->pp * sizeof *w->c);
    memset(w->c2, 0, w->pp * sizeof *w->c2);
    for (size_t q = 0; q < w->n_pat; q++) {
        const double *x = w->pat_x + q * p, k = w->cnt[q], d = w->dcnt[q];
        if (k > 0)
            add_rows(p, k, w->pat_r[q], x, denom, w->a, w->c);
        if (d == 0)
            continue;
        add_rows(p, d, w->pat_r[q], x, denom2, w->a2, w->c2);
        *loglik += d * w->pat_eta[q];
        for (size_t i = 0; i < p; i++)
            u[i] += d * x[i];
        w->cnt[q] = k + d;
        w->dcnt[q] = 0;
    }
}

/* The walk of ib_cox_pass (agfit4.c's order: at each death time drop the
 * rows whose start is at or after it, add those whose stop is at or after
 * it, the deaths apart), counting rows per pattern. */
double ib_cox_pass_patterns(cox_work *w, const double *beta, double *u,
                            double *imat)
{
    const size_t m = w->m, p = w->p;
    for (size_t q = 0; q < w->n_pat; q++) {
        double e = 0;
        for (size_t j = 0; j < p; j++)
            e += beta[j] * w->pat_x[q * p + j];
        w->pat_eta[q] = e;
        w->pat_r[q] = exp(e);
        w->cnt[q] = w->dcnt[q] = 0;
    }
    memset(u, 0, p * sizeof *u);
    memset(w->im, 0, w->pp * sizeof *w->im);
    double loglik = 0;
    size_t person = 0, indx1 = 0, it = 0;
    while (person < m) {
        size_t k = person;
        while (k < m && !w->ev_s[k])
            k++;
        if (k == m)
            break;
        const double dtime = w->stop_s[k];
        for (; indx1 < m && w->start_s[indx1] >= dtime; indx1++)
            w->cnt[w->pat_t[indx1]]--;
        double deaths = 0;
        for (; person < m && w->stop_s[person] >= dtime; person++) {
            uint32_t q = w->pat_s[person];
            if (w->ev_s[person]) {
                w->dcnt[q]++;
                deaths++;
            } else {
                w->cnt[q]++;
            }
        }
        double denom, denom2;
        sums_from_counts(w, &denom, &denom2, u, &loglik);
        w->haz[it++] = ib_cox_deaths(w, deaths, &denom, denom2, u, &loglik);
    }
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j <= i; j++)
            imat[i * p + j] = imat[j * p + i] = w->im[tri(i, j)];
    return loglik;
}
