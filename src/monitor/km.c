/* km.c — Kaplan–Meier product-limit curves with Greenwood standard errors
 * and log(-log) confidence bands, retention at given days, restricted mean
 * and median; every rule as R survival's survfit.km, summary.survfit and
 * survmean (Therneau & Grambsch 2000, §2.1; Kalbfleisch & Prentice 2002). */
#include "monitor/survival.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

#include "monitor/surv_internal.h"

int ib_surv_year_day(int years)
{
    return (int)floor(years * 365.25);
}

void ib_km_curve_free(ib_km_curve *c)
{
    if (!c)
        return;
    free(c->time);
    *c = (ib_km_curve){0};
}

/* Selects the stays of group g (all when g < 0), validating them. */
static int km_select(const ib_surv_data *d, int g, uint32_t **rows,
                     size_t *m, ib_err *err)
{
    if (d->n >= UINT32_MAX)
        return ib_err_set(err, IB_ELIMIT, "te veel verblijven (%zu)", d->n);
    uint32_t *r = malloc((d->n ? d->n : 1) * sizeof *r);
    if (!r)
        return ib_err_set(err, IB_ENOMEM, "geen geheugen voor %zu verblijven",
                          d->n);
    size_t k = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (!(d->time[i] > 0) || !isfinite(d->time[i])) {
            free(r);
            return ib_err_set(err, IB_EINVAL,
                              "verblijf %zu: duur %g is niet positief", i + 1,
                              d->time[i]);
        }
        if (d->event[i] != 0 && d->event[i] != 1) {
            free(r);
            return ib_err_set(err, IB_EINVAL,
                              "verblijf %zu: event %d is geen 0 of 1", i + 1,
                              d->event[i]);
        }
        if (d->group) {
            if (d->group[i] < 0 || (size_t)d->group[i] >= d->n_groups) {
                free(r);
                return ib_err_set(err, IB_EINVAL,
                                  "verblijf %zu: groep %d buiten 0..%zu",
                                  i + 1, d->group[i], d->n_groups);
            }
            if (g >= 0 && d->group[i] != g)
                continue;
        }
        r[k++] = (uint32_t)i;
    }
    *rows = r;
    *m = k;
    return IB_OK;
}

/* R's survfit_confint(conf.type = "log-log"): NA where S is 0 or 1. */
static void loglog_bounds(double s, double se, double z, double *lo,
                          double *hi)
{
    if (!(s > 0 && s < 1) || !isfinite(se)) {
        *lo = *hi = NAN;
        return;
    }
    double ls = log(s), se2 = z * se / ls;
    *lo = exp(-exp(log(-ls) - se2));
    *hi = exp(-exp(log(-ls) + se2));
}

int ib_km_fit(const ib_surv_data *d, int group, ib_km_curve *out, ib_err *err)
{
    *out = (ib_km_curve){0};
    uint32_t *rows = NULL;
    size_t m = 0;
    int rc = km_select(d, d->group ? group : -1, &rows, &m, err);
    if (rc)
        return rc;
    if (ib_surv_sort(rows, m, d->time)) {
        free(rows);
        return ib_err_set(err, IB_ENOMEM, "geen geheugen om te sorteren");
    }
    size_t nt = 0;
    for (size_t i = 0; i < m; i++)
        if (i == 0 || d->time[rows[i]] != d->time[rows[i - 1]])
            nt++;
    /* one block of 8 arrays */
    double *blk = malloc((nt ? nt : 1) * 8 * sizeof *blk);
    if (!blk) {
        free(rows);
        return ib_err_set(err, IB_ENOMEM, "geen geheugen voor de curve");
    }
    out->time = blk;
    out->n_risk = blk + nt;
    out->n_event = blk + 2 * nt;
    out->n_censor = blk + 3 * nt;
    out->surv = blk + 4 * nt;
    out->std_err = blk + 5 * nt;
    out->lower = blk + 6 * nt;
    out->upper = blk + 7 * nt;
    out->n = m;
    out->n_times = nt;

    const double z = gsl_cdf_ugaussian_Pinv(0.975);
    double s = 1, varhaz = 0;
    size_t k = 0;
    for (size_t i = 0; i < m;) {
        double t = d->time[rows[i]];
        double ev = 0, ce = 0, at_risk = (double)(m - i);
        for (; i < m && d->time[rows[i]] == t; i++) {
            if (d->event[rows[i]])
                ev++;
            else
                ce++;
        }
        /* product limit; Greenwood: var(log S) = sum d / (n (n - d)) */
        if (ev > 0) {
            s *= (at_risk - ev) / at_risk;
            varhaz += ev / (at_risk * (at_risk - ev));   /* Inf when n = d */
        }
        out->time[k] = t;
        out->n_risk[k] = at_risk;
        out->n_event[k] = ev;
        out->n_censor[k] = ce;
        out->surv[k] = s;
        out->std_err[k] = sqrt(varhaz);
        loglog_bounds(s, out->std_err[k], z, &out->lower[k], &out->upper[k]);
        out->n_events += (size_t)ev;
        k++;
    }
    free(rows);
    return IB_OK;
}

/* Index of the last curve time <= t, or -1. */
static long last_at_or_before(const ib_km_curve *c, double t)
{
    size_t lo = 0, hi = c->n_times;   /* first index with time > t */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->time[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (long)lo - 1;
}

void ib_km_at(const ib_km_curve *c, double t, ib_km_point *out)
{
    *out = (ib_km_point){.time = t};
    long i = last_at_or_before(c, t);
    if (i < 0) {
        /* R's summary.survfit uses its added time-0 row here */
        out->surv = 1;
        out->std_err = 0;
        out->lower = out->upper = 1;
        out->n_risk = (double)c->n;
        return;
    }
    size_t k = (size_t)i;
    out->surv = c->surv[k];
    out->std_err = c->surv[k] * c->std_err[k];   /* NaN at S = 0, as R */
    out->lower = c->lower[k];
    out->upper = c->upper[k];
    if (c->time[k] == t)
        out->n_risk = c->n_risk[k];
    else if (k + 1 < c->n_times)
        out->n_risk = c->n_risk[k + 1];
    else {
        out->n_risk = 0;
        out->is_beyond = true;
    }
}

/* survmean's minmin: the first time the curve y is below one half (NA
 * values skipped); at a flat stretch exactly at one half, the midpoint to
 * the next lower step. */
static double median_of(const ib_km_curve *c, const double *y)
{
    const double tol = sqrt(DBL_EPSILON);
    size_t first = SIZE_MAX;
    for (size_t i = 0; i < c->n_times; i++) {
        if (isnan(y[i]) || !(y[i] < 0.5 + tol))
            continue;
        if (first == SIZE_MAX) {
            first = i;
            if (!(fabs(y[i] - 0.5) < tol))
                return c->time[i];
            continue;
        }
        if (y[i] < y[first])
            return (c->time[first] + c->time[i]) / 2;
    }
    return first == SIZE_MAX ? NAN : c->time[first];
}

void ib_km_summarise(const ib_km_curve *c, double horizon, ib_km_summary *out)
{
    *out = (ib_km_summary){.horizon = horizon};
    /* Area under the step curve from 0 to the horizon; its variance is
     * sum over event times t_k <= horizon of A_k^2 d_k / (n_k (n_k - d_k)),
     * A_k the area from t_k to the horizon (survmean; 0 when n_k = d_k). */
    double area = 0, var = 0, prev_t = 0, prev_s = 1;
    size_t kept = 0;
    while (kept < c->n_times && c->time[kept] <= horizon)
        kept++;
    /* area from each kept time to the horizon, walking backwards */
    double tail = 0;
    double next_t = horizon;
    for (size_t i = kept; i-- > 0;) {
        tail += (next_t - c->time[i]) * c->surv[i];
        next_t = c->time[i];
        double nr = c->n_risk[i], ne = c->n_event[i];
        double hh = (nr - ne) == 0 ? 0 : ne / (nr * (nr - ne));
        var += tail * tail * hh;
    }
    for (size_t i = 0; i < kept; i++) {
        area += (c->time[i] - prev_t) * prev_s;
        prev_t = c->time[i];
        prev_s = c->surv[i];
    }
    area += (horizon - prev_t) * prev_s;
    out->rmean = area;
    out->se_rmean = sqrt(var);
    out->median = median_of(c, c->surv);
    out->median_lower = median_of(c, c->lower);
    out->median_upper = median_of(c, c->upper);
}
