/* cox_order.c — the Cox engine's working copies: the rows at risk at some
 * death time, by decreasing stop and by decreasing start, with centred and
 * scaled covariates. Times become integer keys (whole days as they are,
 * other times by rank), so that both orders come from counting sorts and the
 * covariate rows are moved by scatters that read their source in order: a
 * gather by a sorted permutation would miss the cache on every row. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "monitor/cox_internal.h"
#include "monitor/surv_internal.h"

/* Times as keys 0 .. nk-1 in the order of the times: time − base for whole
 * days (no sort at all), else the rank among the distinct times. */
typedef struct time_keys {
    uint32_t *stop, *start;      /* per row (one block from ib_table_alloc) */
    size_t n;
    size_t nk;
    double base;                 /* whole days: time = base + key */
    double *value;               /* ranks: time of each key; NULL for days */
} time_keys;

static void time_keys_free(time_keys *k)
{
    ib_table_free(k->stop, 2 * k->n * sizeof *k->stop);
    free(k->value);
    *k = (time_keys){0};
}

static double key_time(const time_keys *k, uint32_t key)
{
    return k->value ? k->value[key] : k->base + key;
}

/* Whether every time is a whole number whose range is small enough for a
 * counting sort (a few buckets per row at most); *lo receives the least. */
static bool are_whole_days(const ib_cox_data *d, double *lo)
{
    double mn = d->start[0], mx = d->stop[0];
    for (size_t i = 0; i < d->n; i++) {
        double a = d->start[i], b = d->stop[i];
        if (a != floor(a) || b != floor(b))
            return false;
        mn = a < mn ? a : mn;
        mx = b > mx ? b : mx;
    }
    *lo = mn;
    return mx - mn < 4.0 * (double)d->n + 65536.0;
}

/* Keys by rank: start and stop times sorted together (radix sort). */
static int rank_keys(const ib_cox_data *d, time_keys *k)
{
    const size_t n = d->n;
    if (n > UINT32_MAX / 2)
        return IB_ELIMIT;
    double *t = malloc(2 * n * sizeof *t);
    uint32_t *ord = malloc(2 * n * sizeof *ord);
    k->value = malloc(2 * n * sizeof *k->value);
    if (!t || !ord || !k->value) {
        free(t);
        free(ord);
        return IB_ENOMEM;
    }
    memcpy(t, d->start, n * sizeof *t);
    memcpy(t + n, d->stop, n * sizeof *t);
    for (size_t i = 0; i < 2 * n; i++)
        ord[i] = (uint32_t)i;
    int rc = ib_surv_sort(ord, 2 * n, t) ? IB_ENOMEM : IB_OK;
    size_t r = 0;
    for (size_t i = 0; !rc && i < 2 * n; i++) {
        uint32_t row = ord[i];
        if (i > 0 && t[row] != t[ord[i - 1]])
            r++;
        k->value[r] = t[row];
        if (row < n)
            k->start[row] = (uint32_t)r;
        else
            k->stop[row - n] = (uint32_t)(r);
    }
    k->nk = r + 1;
    free(t);
    free(ord);
    return rc;
}

static int time_keys_init(const ib_cox_data *d, time_keys *k)
{
    const size_t n = d->n;
    *k = (time_keys){.n = n};
    k->stop = ib_table_alloc(2 * n * sizeof *k->stop);
    if (!k->stop)
        return IB_ENOMEM;
    k->start = k->stop + n;
    double lo;
    if (!are_whole_days(d, &lo))
        return rank_keys(d, k);
    double hi = lo;
    for (size_t i = 0; i < n; i++) {
        k->start[i] = (uint32_t)(d->start[i] - lo);
        k->stop[i] = (uint32_t)(d->stop[i] - lo);
        hi = d->stop[i] > hi ? d->stop[i] : hi;
    }
    k->base = lo;
    k->nk = (size_t)(hi - lo) + 1;
    return IB_OK;
}

/* The distinct death times (ascending) into w, and cum[key]: how many of
 * them are <= the key's time. A row is at risk at some death time (R's
 * `ignore` is false) when cum differs between its start and its stop. */
static int death_times(const ib_cox_data *d, const time_keys *k, cox_work *w,
                       uint32_t *cum)
{
    memset(cum, 0, k->nk * sizeof *cum);
    for (size_t i = 0; i < d->n; i++)
        if (d->event[i])
            cum[k->stop[i]] = 1;
    size_t nd = 0;
    for (size_t key = 0; key < k->nk; key++)
        nd += cum[key];
    w->dtime = malloc((nd ? nd : 1) * sizeof *w->dtime);
    if (!w->dtime)
        return IB_ENOMEM;
    uint32_t q = 0;
    for (size_t key = 0; key < k->nk; key++) {
        if (cum[key])
            w->dtime[q++] = key_time(k, (uint32_t)key);
        cum[key] = q;
    }
    w->nd = nd;
    return IB_OK;
}

/* Turns counts per key into first positions in decreasing key order. */
static void positions_descending(uint32_t *cnt, size_t nk)
{
    uint32_t sum = 0;
    for (size_t key = nk; key-- > 0;) {
        uint32_t c = cnt[key];
        cnt[key] = sum;
        sum += c;
    }
}

/* One sequential pass over X: every value finite, the column means over all
 * rows (the centre) and R's reported means: 0 for a covariate whose values
 * all lie in {-1, 0, 1} (coxph's nocenter), the column mean otherwise. */
static int column_means(const ib_cox_data *d, cox_work *w, double *means,
                        ib_err *err)
{
    const size_t n = d->n, p = d->p;
    double *acc = w->scale;                  /* scratch until the scale */
    bool *centred = calloc(p, sizeof *centred);
    if (!centred)
        return ib_err_set(err, IB_ENOMEM, "Cox: geen geheugen");
    memset(acc, 0, p * sizeof *acc);
    for (size_t i = 0; i < n; i++) {
        const double *x = d->X + i * p;
        bool finite = true;
        for (size_t j = 0; j < p; j++) {
            acc[j] += x[j];
            centred[j] |= x[j] != 0 && x[j] != 1 && x[j] != -1;
            finite &= isfinite(x[j]);
        }
        for (size_t j = 0; !finite && j < p; j++)
            if (!isfinite(x[j])) {
                free(centred);
                return ib_err_set(err, IB_EINVAL,
                                  "Cox: interval %zu: covariaat %zu is geen "
                                  "eindig getal", i + 1, j + 1);
            }
    }
    for (size_t j = 0; j < p; j++) {
        w->center[j] = acc[j] / (double)n;
        means[j] = centred[j] ? w->center[j] : 0;
    }
    free(centred);
    return IB_OK;
}

/* Rows in use, centred, scattered to their places in decreasing stop order
 * (ties in row order); their start keys come along for the second sort.
 * Also sums |x − centre| per covariate (acc[0..p); acc[p..2p) is scratch)
 * and notes the covariates that are constant over the rows in use. */
static void scatter_by_stop(const ib_cox_data *d, const time_keys *k,
                            const uint32_t *cum, uint32_t *next, cox_work *w,
                            uint32_t *start_key, double *acc, bool *constant)
{
    const size_t n = d->n, p = d->p;
    double *first = acc + p;                 /* the first row in use */
    bool seen = false;
    for (size_t j = 0; j < p; j++) {
        acc[j] = 0;
        constant[j] = true;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t ks = k->stop[i], kt = k->start[i];
        if (cum[ks] == cum[kt])
            continue;
        size_t pos = next[ks]++;
        const double *x = d->X + i * p;
        double *xs = w->xs + pos * p;
        if (!seen)
            for (size_t j = 0; j < p; j++)
                first[j] = x[j] - w->center[j];
        seen = true;
        for (size_t j = 0; j < p; j++) {
            xs[j] = x[j] - w->center[j];
            acc[j] += fabs(xs[j]);
            constant[j] &= xs[j] == first[j];
        }
        w->stop_s[pos] = key_time(k, ks);
        w->ev_s[pos] = (unsigned char)d->event[i];
        start_key[pos] = kt;
    }
}

/* Scales the rows in stop order in place (agfit4.c: by 1 / mean |x − centre|
 * over the rows used; a covariate constant over them is set to exactly 0,
 * so that it is found aliased whatever the rounding) and scatters each into
 * the start order. next holds the first positions by decreasing start. */
static void scale_and_scatter_by_start(const time_keys *k,
                                       const uint32_t *start_key,
                                       uint32_t *next, const bool *constant,
                                       cox_work *w)
{
    const size_t m = w->m, p = w->p;
    for (size_t pos = 0; pos < m; pos++) {
        double *xs = w->xs + pos * p;
        for (size_t j = 0; j < p; j++)
            xs[j] = constant[j] ? 0 : xs[j] * w->scale[j];
        size_t t = next[start_key[pos]]++;
        double *xt = w->xt + t * p;
        for (size_t j = 0; j < p; j++)   /* p is small: no call to memcpy */
            xt[j] = xs[j];
        w->start_s[t] = key_time(k, start_key[pos]);
        w->start_pos[t] = (uint32_t)pos;
    }
}

/* The sweep by pattern needs no copy of the covariates, only its row block
 * (stop_s, start_s, eta, start_pos, pat_s, pat_t, ev_s): in the caller's X
 * when that is scratch and large enough, for its pages are already there,
 * where new ones cost a fault and zeroing each. X is then released after
 * the fit. */
static int alloc_pattern_rows(const ib_cox_data *d, const ib_cox_opts *o,
                              cox_work *w)
{
    const size_t m = w->m ? w->m : 1;
    w->row_bytes = m * (3 * sizeof(double) + 3 * sizeof(uint32_t) + 1);
    w->rows_in_x = o->x_is_scratch &&
                   w->row_bytes <= d->n * w->p * sizeof *d->X;
    w->xt_is_x = w->rows_in_x;
    w->stop_s = w->rows_in_x ? (double *)(uintptr_t)d->X
                             : ib_table_alloc(w->row_bytes);
    if (!w->stop_s)
        return IB_ENOMEM;
    w->start_s = w->stop_s + m;
    w->eta = w->start_s + m;
    w->start_pos = (uint32_t *)(w->eta + m);
    w->pat_s = w->start_pos + m;
    w->pat_t = w->pat_s + m;
    w->ev_s = (unsigned char *)(w->pat_t + m);
    return IB_OK;
}

/* xt goes in the caller's X when that is scratch: its pages are already
 * there, where new ones cost a fault and zeroing each (m <= n rows). */
static int alloc_work(const ib_cox_data *d, const ib_cox_opts *o, cox_work *w)
{
    const size_t m = w->m ? w->m : 1, p = w->p;
    w->haz = malloc((w->nd ? w->nd : 1) * sizeof *w->haz);
    if (!w->haz)
        return IB_ENOMEM;
    if (w->n_pat)
        return alloc_pattern_rows(d, o, w);
    w->x_bytes = m * p * sizeof *w->xs;
    w->xs = ib_table_alloc(w->x_bytes);
    w->xt_is_x = o->x_is_scratch;
    w->xt = w->xt_is_x ? (double *)(uintptr_t)d->X : ib_table_alloc(w->x_bytes);
    /* stop_s, start_s, start_pos, ev_s: one block, widest first */
    w->row_bytes = m * (2 * sizeof(double) + sizeof(uint32_t) + 1);
    w->stop_s = ib_table_alloc(w->row_bytes);
    if (!w->xs || !w->xt || !w->stop_s)
        return IB_ENOMEM;
    w->start_s = w->stop_s + m;
    w->start_pos = (uint32_t *)(w->start_s + m);
    w->ev_s = (unsigned char *)(w->start_pos + m);
    return IB_OK;
}

/* The sweep by pattern: the pattern of each row in use scattered to its
 * place in decreasing stop order instead of its covariates; use[q] counts
 * the rows in use of pattern q. */
static void scatter_patterns_by_stop(const ib_cox_data *d, const time_keys *k,
                                     const uint32_t *cum, uint32_t *next,
                                     const uint32_t *pat_in, cox_work *w,
                                     uint32_t *start_key, double *use)
{
    memset(use, 0, w->n_pat * sizeof *use);
    for (size_t i = 0; i < d->n; i++) {
        uint32_t ks = k->stop[i], kt = k->start[i];
        if (cum[ks] == cum[kt])
            continue;
        size_t pos = next[ks]++;
        w->pat_s[pos] = pat_in[i];
        use[pat_in[i]]++;
        w->stop_s[pos] = key_time(k, ks);
        w->ev_s[pos] = (unsigned char)d->event[i];
        start_key[pos] = kt;
    }
}

/* scatter_by_stop's sums over the rows in use, from the patterns and their
 * counts: acc[j] = sum |x − centre|, constant[j] whether all are equal. */
static void pattern_spread(const cox_work *w, const double *use, double *acc,
                           bool *constant)
{
    const size_t p = w->p;
    const double *first = NULL;
    for (size_t j = 0; j < p; j++) {
        acc[j] = 0;
        constant[j] = true;
    }
    for (size_t q = 0; q < w->n_pat; q++) {
        if (use[q] == 0)
            continue;
        const double *x = w->pat_x + q * p;
        for (size_t j = 0; j < p; j++) {
            double v = x[j] - w->center[j];
            acc[j] += use[q] * fabs(v);
            constant[j] &= !first || v == first[j] - w->center[j];
        }
        if (!first)
            first = x;
    }
}

/* The patterns centred and scaled as scale_and_scatter_by_start does the
 * rows, and the start order of the rows' patterns. */
static void scale_patterns_and_order_by_start(const time_keys *k,
                                              const uint32_t *start_key,
                                              uint32_t *next,
                                              const bool *constant,
                                              cox_work *w)
{
    const size_t p = w->p;
    for (size_t q = 0; q < w->n_pat; q++) {
        double *x = w->pat_x + q * p;
        for (size_t j = 0; j < p; j++)
            x[j] = constant[j] ? 0 : (x[j] - w->center[j]) * w->scale[j];
    }
    for (size_t pos = 0; pos < w->m; pos++) {
        size_t t = next[start_key[pos]]++;
        w->pat_t[t] = w->pat_s[pos];
        w->start_s[t] = key_time(k, start_key[pos]);
        w->start_pos[t] = (uint32_t)pos;
    }
}

int ib_cox_prepare(const ib_cox_data *d, const ib_cox_opts *o, cox_work *w,
                   double *means, ib_err *err)
{
    const size_t p = w->p;
    time_keys k;
    uint32_t *cum = NULL, *next = NULL, *start_key = NULL, *pat_in = NULL;
    bool *constant = NULL;
    double *acc = NULL;
    w->scale = malloc(2 * p * sizeof *w->scale);
    if (!w->scale)
        return ib_err_set(err, IB_ENOMEM, "Cox: geen geheugen");
    w->center = w->scale + p;
    int rc = column_means(d, w, means, err);
    if (rc)
        return rc;
    rc = time_keys_init(d, &k);
    if (rc == IB_ELIMIT) {
        time_keys_free(&k);
        return ib_err_set(err, IB_ELIMIT, "Cox: te veel intervallen (%zu)",
                          d->n);
    }
    if (!rc) {
        cum = malloc(k.nk * sizeof *cum);
        next = calloc(k.nk, sizeof *next);
        acc = malloc(2 * p * sizeof *acc);
        constant = malloc(p * sizeof *constant);
        rc = cum && next && acc && constant ? death_times(d, &k, w, cum)
                                            : IB_ENOMEM;
    }
    if (rc)
        goto fail;
    size_t m = 0;
    for (size_t i = 0; i < d->n; i++)
        if (cum[k.stop[i]] != cum[k.start[i]]) {
            next[k.stop[i]]++;
            m++;
        }
    w->m = m;
    pat_in = ib_cox_number_patterns(d, w, o->patterns_max);
    start_key = ib_table_alloc((m ? m : 1) * sizeof *start_key);
    if (!start_key || alloc_work(d, o, w)) {
        rc = IB_ENOMEM;
        goto fail;
    }
    positions_descending(next, k.nk);
    if (w->n_pat) {
        /* the per-pattern counts of the rows in use go in w->cnt */
        scatter_patterns_by_stop(d, &k, cum, next, pat_in, w, start_key,
                                 w->cnt);
        pattern_spread(w, w->cnt, acc, constant);
    } else {
        scatter_by_stop(d, &k, cum, next, w, start_key, acc, constant);
    }
    if (o->release_x && !w->xt_is_x)   /* d->X is not read after this */
        o->release_x(o->release_ctx);
    for (size_t j = 0; j < p; j++)
        w->scale[j] = (!constant[j] && acc[j] > 0) ? (double)m / acc[j] : 1;
    memset(next, 0, k.nk * sizeof *next);
    for (size_t pos = 0; pos < m; pos++)
        next[start_key[pos]]++;
    positions_descending(next, k.nk);
    if (w->n_pat)
        scale_patterns_and_order_by_start(&k, start_key, next, constant, w);
    else
        scale_and_scatter_by_start(&k, start_key, next, constant, w);
fail:
    ib_table_free(pat_in, d->n * sizeof *pat_in);
    time_keys_free(&k);
    free(cum);
    free(next);
    ib_table_free(start_key, (w->m ? w->m : 1) * sizeof *start_key);
    free(acc);
    free(constant);
    if (rc)
        return ib_err_set(err, IB_ENOMEM,
                          "Cox: geen geheugen voor %zu intervallen", d->n);
    return IB_OK;
}
