/* logrank.c — the k-group log-rank test, as R survival's survdiff (rho = 0,
 * survdiff2.c): observed and expected departures per group and the
 * hypergeometric variance matrix (Therneau & Grambsch 2000, §2.2). */
#include "monitor/survival.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

#include "monitor/surv_internal.h"

void ib_logrank_free(ib_logrank *lr)
{
    if (!lr)
        return;
    free(lr->n);
    *lr = (ib_logrank){0};
}

/* Solves V x = b for a small symmetric positive definite V (k × k, row-major,
 * overwritten) by Cholesky; returns false when V is singular. */
static bool solve_spd(double *v, double *b, size_t k)
{
    for (size_t j = 0; j < k; j++) {
        double dj = v[j * k + j];
        for (size_t l = 0; l < j; l++)
            dj -= v[j * k + l] * v[j * k + l];
        /* relative singularity threshold against the original diagonal */
        if (!(dj > 1e-12 * fabs(v[j * k + j])) || !(dj > 0))
            return false;
        dj = sqrt(dj);
        v[j * k + j] = dj;
        for (size_t i = j + 1; i < k; i++) {
            double s = v[i * k + j];
            for (size_t l = 0; l < j; l++)
                s -= v[i * k + l] * v[j * k + l];
            v[i * k + j] = s / dj;
        }
    }
    for (size_t i = 0; i < k; i++) {          /* L y = b */
        double s = b[i];
        for (size_t l = 0; l < i; l++)
            s -= v[i * k + l] * b[l];
        b[i] = s / v[i * k + i];
    }
    for (size_t i = k; i-- > 0;) {            /* L' x = y */
        double s = b[i];
        for (size_t l = i + 1; l < k; l++)
            s -= v[l * k + i] * b[l];
        b[i] = s / v[i * k + i];
    }
    return true;
}

/* Accumulates observed, expected and variance over the distinct times of
 * the sorted stays: at a time with d departures among n at risk, n_j of them
 * in group j, E_j += d n_j / n and V_jl += d (n − d) / (n (n − 1)) ·
 * n_j (δ_jl − n_l / n); no variance when n = 1. */
static void accumulate(const ib_surv_data *d, const uint32_t *rows,
                       ib_logrank *out, double *risk, double *dead)
{
    size_t k = out->n_groups, n = d->n;
    for (size_t g = 0; g < k; g++)
        risk[g] = out->n[g];
    for (size_t i = 0; i < n;) {
        double t = d->time[rows[i]], deaths = 0, nrisk = (double)(n - i);
        size_t j = i;
        for (size_t g = 0; g < k; g++)
            dead[g] = 0;
        for (; j < n && d->time[rows[j]] == t; j++) {
            if (d->event[rows[j]]) {
                deaths++;
                dead[d->group[rows[j]]]++;
            }
        }
        if (deaths > 0) {
            for (size_t g = 0; g < k; g++) {
                out->observed[g] += dead[g];
                out->expected[g] += deaths * risk[g] / nrisk;
            }
            if (nrisk > 1) {
                double kt = deaths * (nrisk - deaths) / (nrisk * (nrisk - 1));
                for (size_t g = 0; g < k; g++)
                    for (size_t l = 0; l < k; l++)
                        out->var[g * k + l] +=
                            kt * risk[g] * ((g == l ? 1.0 : 0.0) - risk[l] / nrisk);
            }
        }
        for (; i < j; i++)
            risk[d->group[rows[i]]]--;
    }
}

int ib_logrank_test(const ib_surv_data *d, ib_logrank *out, ib_err *err)
{
    *out = (ib_logrank){0};
    if (!d->group || d->n_groups < 2)
        return ib_err_set(err, IB_EINVAL, "log-rank: minstens twee groepen nodig");
    if (d->n >= UINT32_MAX)
        return ib_err_set(err, IB_ELIMIT, "te veel verblijven (%zu)", d->n);
    size_t k = d->n_groups, n = d->n;
    for (size_t i = 0; i < n; i++) {
        if (!(d->time[i] > 0) || !isfinite(d->time[i]) ||
            (d->event[i] != 0 && d->event[i] != 1) || d->group[i] < 0 ||
            (size_t)d->group[i] >= k)
            return ib_err_set(err, IB_EINVAL,
                              "verblijf %zu: ongeldige duur, event of groep",
                              i + 1);
    }
    int rc = IB_ENOMEM;
    uint32_t *rows = malloc((n ? n : 1) * sizeof *rows);
    double *blk = calloc(k * (k + 5) + 1, sizeof *blk);
    double *vv = NULL, *b = NULL;
    if (!rows || !blk)
        goto nomem;
    out->n_groups = k;
    out->n = blk;
    out->observed = blk + k;
    out->expected = blk + 2 * k;
    double *risk = blk + 3 * k, *dead = blk + 4 * k;
    out->var = blk + 5 * k;
    for (size_t i = 0; i < n; i++) {
        rows[i] = (uint32_t)i;
        out->n[d->group[i]]++;
    }
    size_t with_stays = 0;
    for (size_t g = 0; g < k; g++)
        with_stays += out->n[g] > 0;
    if (with_stays < 2) {
        rc = ib_err_set(err, IB_EINVAL, "log-rank: minder dan twee groepen "
                                        "met verblijven");
        goto fail;
    }
    if (ib_surv_sort(rows, n, d->time))
        goto nomem;
    accumulate(d, rows, out, risk, dead);

    /* survdiff: keep the groups with expected > 0, drop the first of them */
    size_t *use = malloc(k * sizeof *use), nu = 0;
    if (!use)
        goto nomem;
    for (size_t g = 0; g < k; g++)
        if (out->expected[g] > 0)
            use[nu++] = g;
    out->df = nu > 0 ? (int)nu - 1 : 0;
    if (nu < 2) {
        out->chisq = 0;
        out->p = 1;
        free(use);
        free(rows);
        return IB_OK;
    }
    size_t q = nu - 1;
    vv = malloc(q * q * sizeof *vv);
    b = malloc(q * sizeof *b);
    if (!vv || !b) {
        free(use);
        goto nomem;
    }
    for (size_t i = 0; i < q; i++) {
        size_t gi = use[i + 1];
        b[i] = out->observed[gi] - out->expected[gi];
        for (size_t j = 0; j < q; j++)
            vv[i * q + j] = out->var[gi * k + use[j + 1]];
    }
    free(use);
    double *x = malloc(q * sizeof *x);
    if (!x)
        goto nomem;
    for (size_t i = 0; i < q; i++)
        x[i] = b[i];
    if (!solve_spd(vv, x, q)) {
        free(x);
        rc = ib_err_set(err, IB_EINVAL, "log-rank: variantiematrix is singulier");
        goto fail;
    }
    out->chisq = 0;
    for (size_t i = 0; i < q; i++)
        out->chisq += x[i] * b[i];
    free(x);
    out->p = gsl_cdf_chisq_Q(out->chisq, (double)out->df);
    free(vv);
    free(b);
    free(rows);
    return IB_OK;

nomem:
    rc = ib_err_set(err, IB_ENOMEM, "log-rank: geen geheugen");
fail:
    free(vv);
    free(b);
    free(rows);
    free(blk);
    *out = (ib_logrank){0};
    return rc;
}
