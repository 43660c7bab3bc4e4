/* cox_stats.c — what follows a Cox fit: coefficients and their variance on
 * the original scale, the likelihood-ratio, Wald and score tests (as R's
 * coxph / summary.coxph), the baseline cumulative hazard (as survfit.coxph)
 * and the expected stay of a covariate profile. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "monitor/cox_internal.h"

static double chisq_p(double x, int df)
{
    if (df <= 0 || !isfinite(x))
        return df <= 0 ? 1 : NAN;
    return gsl_cdf_chisq_Q(x > 0 ? x : 0, df);
}

/* coxph.wtest: b' V⁻¹ b with V factored by the cholesky2 rule. */
static double wald(const ib_cox_model *f, double toler, double *scratch)
{
    size_t p = f->p, q = 0;
    size_t *ix = malloc(p * sizeof *ix);
    if (!ix)
        return NAN;
    for (size_t j = 0; j < p; j++)
        if (!f->is_aliased[j])
            ix[q++] = j;
    if (q == 0) {
        free(ix);
        return 0;
    }
    double *v = scratch, *b = scratch + q * q;
    for (size_t i = 0; i < q; i++) {
        b[i] = f->coef[ix[i]];
        for (size_t j = 0; j < q; j++)
            v[i * q + j] = f->var[ix[i] * p + ix[j]];
    }
    double *sol = b + q;
    memcpy(sol, b, q * sizeof *b);
    ib_cox_ldl(v, q, toler);
    ib_cox_ldl_solve(v, q, sol);
    double t = 0;
    for (size_t i = 0; i < q; i++)
        t += b[i] * sol[i];
    free(ix);
    return t;
}

static int baseline(const cox_work *w, ib_cox_model *f, ib_err *err)
{
    size_t nd = w->nd;
    f->bh_time = malloc(2 * (nd ? nd : 1) * sizeof *f->bh_time);
    if (!f->bh_time)
        return ib_err_set(err, IB_ENOMEM, "Cox: geen geheugen");
    f->bh_cumhaz = f->bh_time + nd;
    f->n_times = nd;
    /* the pass used risks exp(β'(x − center)); R's reference is `means` */
    double lp = 0;
    for (size_t j = 0; j < f->p; j++)
        if (!f->is_aliased[j])
            lp += f->coef[j] * (f->means[j] - w->center[j]);
    double h = 0, r = exp(lp);
    for (size_t k = 0; k < nd; k++) {
        h += w->haz[nd - 1 - k] * r;   /* the pass walks death times downwards */
        f->bh_time[k] = w->dtime[k];
        f->bh_cumhaz[k] = h;
    }
    return IB_OK;
}

int ib_cox_finish(const ib_cox_data *d, const ib_cox_opts *o, cox_work *w,
                  double *beta, double *imat, ib_cox_model *f, ib_err *err)
{
    const size_t p = w->p;
    double *scratch = malloc((2 * p * p + 4 * p) * sizeof *scratch);
    if (!scratch)
        return ib_err_set(err, IB_ENOMEM, "Cox: geen geheugen");
    ib_cox_ldl_inverse(imat, p, f->var, scratch);
    if (o->concordance && w->n_pat) {
        ib_cox_pattern_eta(w, beta);
    } else if (o->concordance) {
        /* the linear predictor β'(x − centre) of every row used, written
         * over xs: eta[k] lies in a row already read (k <= k p) */
        w->eta = w->xs;
        for (size_t k = 0; k < w->m; k++) {
            double e = 0;
            for (size_t j = 0; j < p; j++)
                e += beta[j] * w->xs[k * p + j];
            w->eta[k] = e;
        }
    }
    /* back to the original scale (agfit4: beta × scale, var × scale²) */
    for (size_t i = 0; i < p; i++) {
        beta[i] *= w->scale[i];
        for (size_t j = 0; j < p; j++)
            f->var[i * p + j] *= w->scale[i] * w->scale[j];
    }
    const double z975 = gsl_cdf_ugaussian_Pinv(0.975);
    f->df = 0;
    for (size_t j = 0; j < p; j++) {
        /* agreg.fit: which.sing <- diag(vmat) == 0 when rank < nvar */
        f->is_aliased[j] = f->rank < (int)p && f->var[j * p + j] == 0;
        if (f->is_aliased[j]) {
            f->coef[j] = f->hr[j] = f->se[j] = f->z[j] = f->pvalue[j] = NAN;
            f->hr_lower[j] = f->hr_upper[j] = NAN;
            continue;
        }
        f->df++;
        double b = beta[j], se = sqrt(f->var[j * p + j]);
        f->coef[j] = b;
        f->hr[j] = exp(b);
        f->se[j] = se;
        f->z[j] = b / se;
        f->pvalue[j] = 2 * gsl_cdf_ugaussian_Q(fabs(b / se));
        f->hr_lower[j] = exp(b - z975 * se);
        f->hr_upper[j] = exp(b + z975 * se);
    }
    f->lr_test = 2 * (f->loglik - f->loglik_null);
    f->lr_p = chisq_p(f->lr_test, f->df);
    f->score_p = chisq_p(f->score_test, f->df);
    f->wald_test = wald(f, o->toler_chol, scratch);
    f->wald_p = chisq_p(f->wald_test, f->df);
    free(scratch);
    if (d->id) {
        uint32_t mx = 0;
        for (size_t i = 0; i < d->n; i++)
            if (d->id[i] > mx)
                mx = d->id[i];
        unsigned char *seen = calloc((size_t)mx + 1, 1);
        if (!seen)
            return ib_err_set(err, IB_ENOMEM, "Cox: geen geheugen");
        for (size_t i = 0; i < d->n; i++) {
            f->n_stays += !seen[d->id[i]];
            seen[d->id[i]] = 1;
        }
        free(seen);
    }
    int rc = baseline(w, f, err);
    if (rc)
        return rc;
    f->concordance = f->concordance_se = NAN;
    if (o->concordance)
        return ib_cox_concordance(w, f, err);
    return IB_OK;
}

/* β'(x − means) over the estimable coefficients. */
static double linear_predictor(const ib_cox_model *m, const double *x)
{
    double lp = 0;
    for (size_t j = 0; j < m->p; j++)
        if (!m->is_aliased[j])
            lp += m->coef[j] * (x[j] - m->means[j]);
    return lp;
}

double ib_cox_survival(const ib_cox_model *m, const double *x, double t)
{
    size_t lo = 0, hi = m->n_times;      /* death times <= t */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->bh_time[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    double h = lo ? m->bh_cumhaz[lo - 1] : 0;
    return exp(-h * exp(linear_predictor(m, x)));
}

int ib_cox_expected_stay(const ib_cox_model *m, const double *x,
                         double horizon, double *out, ib_err *err)
{
    if (!(horizon > 0) || !isfinite(horizon))
        return ib_err_set(err, IB_EINVAL, "verwachte verblijfsduur: horizon "
                                          "%g is niet positief", horizon);
    for (size_t j = 0; j < m->p; j++)
        if (!isfinite(x[j]))
            return ib_err_set(err, IB_EINVAL, "verwachte verblijfsduur: "
                                              "waarde van %s is niet eindig",
                              m->names[j]);
    /* area under the step function S(t|x) from 0 (S = 1) to the horizon,
     * as survmean on survfit(fit, newdata = x) */
    double r = exp(linear_predictor(m, x)), area = 0, prev_t = 0, prev_s = 1;
    for (size_t k = 0; k < m->n_times && m->bh_time[k] <= horizon; k++) {
        area += (m->bh_time[k] - prev_t) * prev_s;
        prev_t = m->bh_time[k];
        prev_s = exp(-m->bh_cumhaz[k] * r);
    }
    *out = area + (horizon - prev_t) * prev_s;
    return IB_OK;
}
