/* cox.c — Cox proportional hazards on counting-process intervals
 * (start, stop]: Newton–Raphson with step halving on the Efron or Breslow
 * partial likelihood, with the semantics of R survival's agreg.fit and
 * agfit4.c (Therneau & Grambsch 2000, ch. 3): rows sorted once by stop and by
 * start, risk-set sums kept by adding intervals as they enter and removing
 * them as they leave, O(n p²) per iteration. Tests and the baseline hazard
 * are in cox_stats.c, the concordance in cox_concordance.c, the sorted
 * working copies in cox_order.c. */
#include "monitor/survival.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "monitor/cox_internal.h"

void ib_cox_opts_init(ib_cox_opts *o)
{
    *o = (ib_cox_opts){
        .ties = IB_COX_EFRON,
        .iter_max = 30,
        .eps = 1e-9,
        .toler_chol = pow(DBL_EPSILON, 0.75),   /* .Machine$double.eps^.75 */
        .concordance = true,
        .patterns_max = 4096,
    };
}

/* ------------------------------------------------------------ linear algebra
 * Generalised Cholesky (LDL') with R's cholesky2 rule: a pivot below
 * toler × (largest diagonal) is taken as 0, its row and column dropped;
 * the rank is the number of pivots kept. a is p × p row-major, symmetric;
 * on return its lower triangle holds L (unit diagonal implied) and the
 * diagonal D. */
int ib_cox_ldl(double *a, size_t p, double toler)
{
    double eps = 0;
    for (size_t i = 0; i < p; i++)
        if (a[i * p + i] > eps)
            eps = a[i * p + i];
    eps = eps == 0 ? toler : eps * toler;
    int rank = 0;
    for (size_t i = 0; i < p; i++) {
        double piv = a[i * p + i];
        if (!isfinite(piv) || piv < eps) {
            a[i * p + i] = 0;
            for (size_t j = i + 1; j < p; j++)
                a[j * p + i] = 0;
            continue;
        }
        rank++;
        for (size_t j = i + 1; j < p; j++) {
            double t = a[j * p + i] / piv;
            a[j * p + i] = t;
            a[j * p + j] -= t * t * piv;
            for (size_t k = j + 1; k < p; k++)
                a[k * p + j] -= t * a[k * p + i];
        }
    }
    return rank;
}

/* Solves (LDL') x = y in place; components of dropped pivots are 0. */
void ib_cox_ldl_solve(const double *a, size_t p, double *y)
{
    for (size_t i = 0; i < p; i++) {
        double t = y[i];
        for (size_t j = 0; j < i; j++)
            t -= y[j] * a[i * p + j];
        y[i] = t;
    }
    for (size_t i = p; i-- > 0;) {
        if (a[i * p + i] == 0) {
            y[i] = 0;
            continue;
        }
        double t = y[i] / a[i * p + i];
        for (size_t j = i + 1; j < p; j++)
            t -= y[j] * a[j * p + i];
        y[i] = t;
    }
}

/* Generalised inverse from the factor: column by column; rows and columns
 * of dropped pivots are 0 (as chinv2). inv is p × p. */
void ib_cox_ldl_inverse(const double *a, size_t p, double *inv, double *col)
{
    for (size_t k = 0; k < p; k++) {
        for (size_t i = 0; i < p; i++)
            col[i] = i == k ? 1 : 0;
        ib_cox_ldl_solve(a, p, col);
        for (size_t i = 0; i < p; i++)
            inv[i * p + k] = col[i];
    }
    for (size_t i = 0; i < p; i++) {
        if (a[i * p + i] == 0)
            for (size_t j = 0; j < p; j++)
                inv[i * p + j] = inv[j * p + i] = 0;
        for (size_t j = 0; j < i; j++) {   /* symmetrise rounding */
            double v = (inv[i * p + j] + inv[j * p + i]) / 2;
            inv[i * p + j] = inv[j * p + i] = v;
        }
    }
}

/* ---------------------------------------------------------------- the pass */

static inline size_t tri(size_t i, size_t j) { return i * (i + 1) / 2 + j; }

static void zero_sums(cox_work *w, double *denom, double *a, double *c)
{
    *denom = 0;
    memset(a, 0, w->p * sizeof *a);
    memset(c, 0, w->pp * sizeof *c);
}

/* One sweep over the data at beta (scaled, centred covariates): the log
 * partial likelihood, score u, information imat (p × p, full) and the
 * baseline hazard increment at each death time (descending time order).
 * The loop follows agfit4.c: walk rows by decreasing stop; at each death time
 * first drop the rows whose start is at or after it, then add the rows whose
 * stop is at or after it; deaths enter through separate sums so that the
 * Efron approximation can add them in d equal parts (T&G §3.3). */
static inline double dot(const double *beta, const double *x, size_t p)
{
    double e = 0;
    for (size_t j = 0; j < p; j++)
        e += beta[j] * x[j];
    return e;
}

double ib_cox_pass(cox_work *w, const double *beta, double *u, double *imat)
{
    if (w->n_pat)
        return ib_cox_pass_patterns(w, beta, u, imat);
    const size_t m = w->m, p = w->p, pp = w->pp;
    const double *xs = w->xs, *xt = w->xt;
    double *a = w->a, *c = w->c, *a2 = w->a2, *c2 = w->c2, *im = w->im;
    memset(u, 0, p * sizeof *u);
    memset(im, 0, pp * sizeof *im);
    double denom, loglik = 0;
    zero_sums(w, &denom, a, c);
    size_t person = 0, indx1 = 0, nrisk = 0, it = 0;
    while (person < m) {
        size_t k = person;
        while (k < m && !w->ev_s[k])
            k++;
        if (k == m)
            break;
        const double dtime = w->stop_s[k];
        /* remove the rows no longer at risk (start >= dtime); the start-order
         * copy of the covariates keeps this sweep sequential in memory */
        for (; indx1 < m; indx1++) {
            if (w->start_s[indx1] < dtime)
                break;
            nrisk--;
            if (nrisk == 0) {
                zero_sums(w, &denom, a, c);
                continue;
            }
            const double *x = xt + indx1 * p, r = exp(dot(beta, x, p));
            denom -= r;
            for (size_t i = 0; i < p; i++) {
                double rx = r * x[i];
                a[i] -= rx;
                double *ci = c + tri(i, 0);
                for (size_t j = 0; j <= i; j++)
                    ci[j] -= rx * x[j];
            }
        }
        /* add the rows with stop >= dtime; deaths into separate sums */
        double denom2 = 0, deaths = 0;
        memset(a2, 0, p * sizeof *a2);
        memset(c2, 0, pp * sizeof *c2);
        for (; person < m && w->stop_s[person] >= dtime; person++) {
            const double *x = xs + person * p, eta = dot(beta, x, p);
            const double r = exp(eta);
            nrisk++;
            double *as = a, *cs = c;
            if (w->ev_s[person]) {
                deaths++;
                denom2 += r;
                loglik += eta;
                for (size_t i = 0; i < p; i++)
                    u[i] += x[i];
                as = a2;
                cs = c2;
            } else {
                denom += r;
            }
            for (size_t i = 0; i < p; i++) {
                double rx = r * x[i];
                as[i] += rx;
                double *ci = cs + tri(i, 0);
                for (size_t j = 0; j <= i; j++)
                    ci[j] += rx * x[j];
            }
        }
        w->haz[it++] = ib_cox_deaths(w, deaths, &denom, denom2, u, &loglik);
    }
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j <= i; j++)
            imat[i * p + j] = imat[j * p + i] = im[tri(i, j)];
    return loglik;
}

/* Efron: the d deaths leave the risk set in d equal steps (T&G §3.3): step
 * k = 1..d sees D_k = denom + t_k denom2, a_k = a + t_k a2, c_k = c + t_k c2
 * with t_k = k / d, and adds -log D_k to the log-likelihood, -a_k / D_k to
 * the score and (c_k - a_k a_k' / D_k) / D_k to the information. Summed,
 * those are the sums at the risk set times five scalar series of the D_k,
 * so the work is O(d) + O(p²) per death time rather than O(d p²). */
static double efron_deaths(cox_work *w, double deaths, double *denom,
                           double denom2, double *u, double *loglik)
{
    const size_t p = w->p;
    double *a = w->a, *c = w->c, *im = w->im;
    const double *a2 = w->a2, *c2 = w->c2;
    double s0 = 0, s1 = 0, q0 = 0, q1 = 0, q2 = 0;
    for (double k = 1; k <= deaths; k++) {
        double t = k / deaths, dk = *denom + t * denom2, wk = 1 / dk;
        *loglik -= log(dk);
        s0 += wk;                /* survfit.coxph ctype 2: sum_k 1/D_k */
        s1 += t * wk;
        q0 += wk * wk;
        q1 += t * wk * wk;
        q2 += t * t * wk * wk;
    }
    for (size_t i = 0; i < p; i++) {
        u[i] -= a[i] * s0 + a2[i] * s1;
        for (size_t j = 0; j <= i; j++)
            im[tri(i, j)] += c[tri(i, j)] * s0 + c2[tri(i, j)] * s1 -
                             (a[i] * a[j] * q0 +
                              (a[i] * a2[j] + a2[i] * a[j]) * q1 +
                              a2[i] * a2[j] * q2);
    }
    /* the deaths are at risk for the death times below */
    *denom += denom2;
    for (size_t i = 0; i < p; i++) {
        a[i] += a2[i];
        for (size_t j = 0; j <= i; j++)
            c[tri(i, j)] += c2[tri(i, j)];
    }
    return s0;
}

double ib_cox_deaths(cox_work *w, double deaths, double *denom, double denom2,
                     double *u, double *loglik)
{
    if (w->ties == IB_COX_EFRON && deaths > 1)
        return efron_deaths(w, deaths, denom, denom2, u, loglik);
    const size_t p = w->p;
    double *a = w->a, *c = w->c, *im = w->im;
    const double *a2 = w->a2, *c2 = w->c2;
    *denom += denom2;
    *loglik -= deaths * log(*denom);
    for (size_t i = 0; i < p; i++) {
        a[i] += a2[i];
        double mean = a[i] / *denom;
        u[i] -= deaths * mean;
        for (size_t j = 0; j <= i; j++) {
            c[tri(i, j)] += c2[tri(i, j)];
            im[tri(i, j)] += deaths * ((c[tri(i, j)] - mean * a[j]) / *denom);
        }
    }
    return deaths / *denom;
}

/* --------------------------------------------------------------- set-up */

static void work_free(cox_work *w)
{
    ib_table_free(w->xs, w->x_bytes);
    if (!w->xt_is_x)
        ib_table_free(w->xt, w->x_bytes);
    if (!w->rows_in_x)     /* with start_s, start_pos, ev_s (and by pattern) */
        ib_table_free(w->stop_s, w->row_bytes);
    ib_cox_patterns_free(w);
    free(w->haz);
    free(w->dtime);
    free(w->scale);
    free(w->a);
    *w = (cox_work){0};
}

/* The caller's X held the start-order copy (x_is_scratch): done with it. */
static void release_scratch_x(cox_work *w, const ib_cox_opts *o)
{
    if (!w->xt_is_x)
        return;
    if (o->release_x)
        o->release_x(o->release_ctx);
    w->xt_is_x = false;
    w->xt = NULL;
}

static int validate(const ib_cox_data *d, size_t *n_events, ib_err *err)
{
    if (d->n == 0)
        return ib_err_set(err, IB_EINVAL, "Cox: geen intervallen");
    if (d->p == 0)
        return ib_err_set(err, IB_EINVAL, "Cox: geen covariaten");
    if (d->n >= UINT32_MAX - 1)
        return ib_err_set(err, IB_ELIMIT, "Cox: te veel intervallen (%zu)",
                          d->n);
    size_t ne = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (!isfinite(d->start[i]) || !isfinite(d->stop[i]) ||
            !(d->start[i] < d->stop[i]))
            return ib_err_set(err, IB_EINVAL,
                              "Cox: interval %zu: start %g is niet kleiner "
                              "dan stop %g", i + 1, d->start[i], d->stop[i]);
        if (d->event[i] != 0 && d->event[i] != 1)
            return ib_err_set(err, IB_EINVAL,
                              "Cox: interval %zu: event %d is geen 0 of 1",
                              i + 1, d->event[i]);
        ne += (size_t)d->event[i];
    }
    if (ne == 0)
        return ib_err_set(err, IB_EINVAL,
                          "Cox: geen vertrekken (events); het model kan niet "
                          "geschat worden");
    *n_events = ne;
    return IB_OK;
}

static int alloc_model(const ib_cox_data *d, ib_cox_model *f, ib_err *err)
{
    const size_t p = d->p;
    f->p = p;
    f->names = calloc(p, sizeof *f->names);
    double *blk = calloc(8 * p + p * p, sizeof *blk);
    f->is_aliased = calloc(p, sizeof *f->is_aliased);
    if (!f->names || !blk || !f->is_aliased) {
        free(blk);
        return ib_err_set(err, IB_ENOMEM, "Cox: geen geheugen");
    }
    f->coef = blk;
    f->hr = blk + p;
    f->se = blk + 2 * p;
    f->z = blk + 3 * p;
    f->pvalue = blk + 4 * p;
    f->hr_lower = blk + 5 * p;
    f->hr_upper = blk + 6 * p;
    f->means = blk + 7 * p;
    f->var = blk + 8 * p;
    for (size_t j = 0; j < p; j++) {
        char buf[32];
        const char *nm = d->names && d->names[j] ? d->names[j] : NULL;
        if (!nm) {
            snprintf(buf, sizeof buf, "x%zu", j + 1);
            nm = buf;
        }
        size_t len = strlen(nm);
        f->names[j] = malloc(len + 1);
        if (!f->names[j])
            return ib_err_set(err, IB_ENOMEM, "Cox: geen geheugen");
        memcpy(f->names[j], nm, len + 1);
    }
    return IB_OK;
}

void ib_cox_model_free(ib_cox_model *m)
{
    if (!m)
        return;
    if (m->names)
        for (size_t j = 0; j < m->p; j++)
            free(m->names[j]);
    free(m->names);
    free(m->coef);
    free(m->is_aliased);
    free(m->bh_time);
    *m = (ib_cox_model){0};
}

/* ------------------------------------------------------ Newton–Raphson */

/* The iteration of agfit4.c: iteration 0 evaluates at beta = 0 (null
 * log-likelihood, score test) and takes the first Newton step; later ones
 * accept a step when the log-likelihood did not decrease and the rank of the
 * information did not change, else halve back towards the last good beta;
 * stop when |1 − best/new| <= eps after an accepted step. */
static int newton(cox_work *w, const ib_cox_opts *o, ib_cox_model *f,
                  double *beta, double *imat, ib_err *err)
{
    const size_t p = w->p;
    double *u = w->u, *oldbeta = w->oldbeta, *tmp = w->tmp;
    double best, newlk = ib_cox_pass(w, beta, u, imat);
    f->loglik_null = newlk;
    best = newlk;
    int rank = ib_cox_ldl(imat, p, o->toler_chol);
    memcpy(tmp, u, p * sizeof *u);
    ib_cox_ldl_solve(imat, p, tmp);
    f->score_test = 0;
    for (size_t i = 0; i < p; i++)
        f->score_test += u[i] * tmp[i];
    if (!isfinite(newlk))
        return ib_err_set(err, IB_EINVAL, "Cox: log-likelihood is niet eindig "
                                          "bij beta = 0");
    int halving = 0, iter;
    bool converged = false;
    if (o->iter_max == 0) {
        f->iter = 0;
        f->rank = rank;
        f->loglik = newlk;
        f->has_converged = false;
        return IB_OK;
    }
    for (size_t i = 0; i < p; i++) {
        oldbeta[i] = beta[i];
        beta[i] += tmp[i];
    }
    for (iter = 1; iter <= o->iter_max; iter++) {
        newlk = ib_cox_pass(w, beta, u, imat);
        int fail = 0;
        for (size_t i = 0; i < p; i++)
            if (!isfinite(imat[i * p + i]))
                fail++;
        if (iter == 1 && !isfinite(newlk))
            return ib_err_set(err, IB_EINVAL,
                              "Cox: numerieke overloop na de eerste stap");
        int rank2 = ib_cox_ldl(imat, p, o->toler_chol);
        fail += !isfinite(newlk) + abs(rank - rank2);
        if (fail == 0 && halving == 0 && fabs(1 - best / newlk) <= o->eps) {
            converged = true;
            break;
        }
        if (iter == o->iter_max) {
            if (o->iter_max > 1 && (newlk - best) / best < -o->eps) {
                /* agfit4: go back to the last good beta and its imat */
                memcpy(beta, oldbeta, p * sizeof *beta);
                newlk = ib_cox_pass(w, beta, u, imat);
                ib_cox_ldl(imat, p, o->toler_chol);
            }
            break;
        }
        if (fail > 0 || newlk < best) {
            halving++;
            f->n_halving++;
            for (size_t i = 0; i < p; i++)
                beta[i] = (oldbeta[i] * halving + beta[i]) / (halving + 1.0);
        } else {
            halving = 0;
            best = newlk;
            ib_cox_ldl_solve(imat, p, u);
            for (size_t i = 0; i < p; i++) {
                oldbeta[i] = beta[i];
                beta[i] += u[i];
            }
        }
    }
    if (!isfinite(newlk))
        return ib_err_set(err, IB_EINVAL, "Cox: de schatting liep numeriek vast");
    f->iter = converged ? iter : o->iter_max;
    f->has_converged = converged;
    f->rank = rank;
    f->loglik = newlk;
    return IB_OK;
}

int ib_cox_fit(const ib_cox_data *d, const ib_cox_opts *o, ib_cox_model *out,
               ib_err *err)
{
    *out = (ib_cox_model){0};
    ib_cox_opts defaults;
    if (!o) {
        ib_cox_opts_init(&defaults);
        o = &defaults;
    }
    size_t n_events = 0;
    int rc = validate(d, &n_events, err);
    if (rc)
        return rc;
    cox_work w = {.p = d->p, .pp = d->p * (d->p + 1) / 2, .ties = o->ties};
    double *imat = NULL;
    rc = alloc_model(d, out, err);
    if (rc)
        goto fail;
    out->ties = o->ties;
    out->n_intervals = d->n;
    out->n_events = n_events;
    rc = ib_cox_prepare(d, o, &w, out->means, err);
    if (rc)
        goto fail;
    out->n_patterns = w.n_pat;
    const size_t p = d->p;
    /* scratch: a, a2, u, oldbeta, tmp, beta (p each); c, c2, im (pp); imat */
    w.a = calloc(6 * p + 3 * w.pp, sizeof *w.a);
    imat = malloc(p * p * sizeof *imat);
    if (!w.a || !imat) {
        rc = ib_err_set(err, IB_ENOMEM, "Cox: geen geheugen");
        goto fail;
    }
    w.a2 = w.a + p;
    w.u = w.a + 2 * p;
    w.oldbeta = w.a + 3 * p;
    w.tmp = w.a + 4 * p;
    double *beta = w.a + 5 * p;
    w.c = w.a + 6 * p;
    w.c2 = w.c + w.pp;
    w.im = w.c2 + w.pp;
    rc = newton(&w, o, out, beta, imat, err);
    if (rc)
        goto fail;
    rc = ib_cox_finish(d, o, &w, beta, imat, out, err);
    if (rc)
        goto fail;
    free(imat);
    release_scratch_x(&w, o);
    work_free(&w);
    return IB_OK;
fail:
    free(imat);
    release_scratch_x(&w, o);
    work_free(&w);
    ib_cox_model_free(out);
    return rc;
}
