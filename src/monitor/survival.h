/* survival.h — the survival statistics engine of the monitor: Kaplan–Meier
 * curves with Greenwood errors and log(-log) bands, retention, restricted
 * mean, log-rank tests and the Cox model on counting-process intervals.
 * Pure numerics on arrays: no store, no I/O. Every figure equals R's
 * survival package (3.5) on the same data; tests/r/compare.sh checks that.
 * Missing values ("NA" in R) are NAN. */
#ifndef IB_SURVIVAL_H
#define IB_SURVIVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* ======================================================= stays (KM, log-rank) */

/* Right-censored data: n stays with time T > 0 (days; any positive finite
 * number is accepted) and event 1 (departure) or 0 (censored). group is
 * NULL (one group) or gives each stay a group 0 .. n_groups-1. */
typedef struct ib_surv_data {
    size_t n;
    const double *time;
    const int *event;
    const int *group;
    size_t n_groups;
} ib_surv_data;

/* Day that ends year n of a stay: floor(n × 365.25) (365, 1095, 1826, 3652). */
int ib_surv_year_day(int years);

/* A Kaplan–Meier curve as R's survfit(Surv(T, event) ~ 1,
 * conf.type = "log-log"): one row per distinct time with an event or a
 * censoring. std_err is R's `std.err`: the Greenwood standard error of
 * log S (cumulative-hazard scale), Inf once S reaches 0. lower/upper are the
 * 95 % log(-log) bounds, NAN where S is 1 or 0 (as R). */
typedef struct ib_km_curve {
    size_t n;            /* stays in the curve */
    size_t n_events;
    size_t n_times;
    double *time;
    double *n_risk, *n_event, *n_censor;
    double *surv, *std_err, *lower, *upper;
} ib_km_curve;

/* Fits the curve of the stays in group `group` (or all stays when group < 0
 * or d->group is NULL). IB_EINVAL on a bad time/event/group (naming the
 * stay), IB_ENOMEM. An empty selection gives a curve with n_times 0.
 * Caller frees with ib_km_curve_free. */
int ib_km_fit(const ib_surv_data *d, int group, ib_km_curve *out, ib_err *err);
void ib_km_curve_free(ib_km_curve *c);

/* The curve at day t, as R's summary(fit, times = t): S of the last curve
 * time <= t; std_err is the standard error of S (not of log S); n_risk the
 * number of stays with T >= t. Before the first curve time: S 1, se 0, bounds
 * 1. After the last curve time R drops the row (extend = FALSE): then
 * is_beyond is set, S is the last value and n_risk 0 (R's extend = TRUE). */
typedef struct ib_km_point {
    double time, surv, std_err, lower, upper, n_risk;
    bool is_beyond;
} ib_km_point;
void ib_km_at(const ib_km_curve *c, double t, ib_km_point *out);

/* Restricted mean up to horizon and its standard error, the median and its
 * 95 % bounds, as R's summary(fit, rmean = horizon)$table ("rmean",
 * "se(rmean)", "median", "0.95LCL", "0.95UCL"); NAN where R gives NA. */
typedef struct ib_km_summary {
    double horizon, rmean, se_rmean, median, median_lower, median_upper;
} ib_km_summary;
void ib_km_summarise(const ib_km_curve *c, double horizon,
                     ib_km_summary *out);

/* Log-rank test between the groups of d, as R's survdiff(Surv(T, event) ~ g)
 * (rho = 0): observed, expected and the variance matrix per group; the
 * chi-square uses the groups with expected > 0, dropping the first of them
 * (R's generalised inverse); df = that number of groups − 1; p from the
 * chi-square upper tail (1 when df is 0). Groups without stays have n 0 and
 * take no part. IB_EINVAL when d->group is NULL, fewer than two groups have
 * stays, or the variance matrix is singular. Caller frees with
 * ib_logrank_free. */
typedef struct ib_logrank {
    size_t n_groups;
    double *n, *observed, *expected;
    double *var;                 /* n_groups × n_groups, row-major */
    double chisq;
    int df;
    double p;
} ib_logrank;
int ib_logrank_test(const ib_surv_data *d, ib_logrank *out, ib_err *err);
void ib_logrank_free(ib_logrank *lr);

/* ====================================================== Cox (counting process) */

typedef enum { IB_COX_EFRON = 0, IB_COX_BRESLOW = 1 } ib_cox_ties;

/* n intervals (start, stop] with start < stop, event 0/1, a dense row-major
 * covariate matrix X (X[i * p + j]). names (optional) are copied into the
 * model. id (optional) numbers the stay of each interval (dense, small
 * integers such as ib_mdesign.stay) and is used only to count stays. */
typedef struct ib_cox_data {
    size_t n, p;
    const double *start, *stop;
    const int *event;
    const double *X;
    const char *const *names;
    const uint32_t *id;
} ib_cox_data;

/* R's coxph.control defaults: eps 1e-9, iter.max 30, toler.chol
 * .Machine$double.eps^0.75. ib_cox_opts_init fills them (Efron ties,
 * concordance with its standard error). */
typedef struct ib_cox_opts {
    ib_cox_ties ties;
    int iter_max;
    double eps;
    double toler_chol;
    bool concordance;            /* compute the concordance (one extra sort) */
    /* Called once, as soon as the engine holds its own sorted copy of the
     * covariates and no longer reads d->X, so that the caller can free X
     * and keep the peak memory near two copies instead of three; NULL (the
     * default): not called. */
    void (*release_x)(void *ctx);
    void *release_ctx;
    /* true: d->X is the caller's scratch (it is not read after the fit, and
     * release_x frees it): the engine overwrites it with its second sorted
     * copy instead of allocating one, and calls release_x after the fit
     * rather than as soon as it holds the first copy. */
    bool x_is_scratch;
    /* Rows that share one covariate vector share every term of the
     * likelihood: with at most this many distinct vectors (and when it is
     * cheaper) the engine sweeps the risk sets by counting the rows of each
     * (ib_cox_opts_init: 4096; 0: always row by row). The fit is the same
     * up to rounding. */
    size_t patterns_max;
} ib_cox_opts;
void ib_cox_opts_init(ib_cox_opts *o);

typedef struct ib_cox_model {
    size_t p;
    char **names;                /* "x1", ... when none were given */
    ib_cox_ties ties;
    /* per covariate; NAN for an aliased one (R: NA, "X matrix deemed to be
     * singular"): a constant covariate or one collinear with earlier ones */
    double *coef, *hr, *se, *z, *pvalue, *hr_lower, *hr_upper;
    bool *is_aliased;
    double *means;               /* column means of X (R's fit$means) */
    double *var;                 /* p × p inverse information, 0 where aliased */
    double loglik_null, loglik;
    int df;                      /* estimable coefficients */
    double lr_test, lr_p, wald_test, wald_p, score_test, score_p;
    int rank;                    /* rank of the information matrix */
    int iter;
    bool has_converged;
    int n_halving;
    /* concordance as coxph's fit$concordance (reverse = TRUE, timewt "n") */
    double concordance, concordance_se;
    double n_concordant, n_discordant, n_tied_x, n_tied_y;
    size_t n_intervals, n_events, n_stays;   /* n_stays 0 when no id given */
    size_t n_patterns;           /* distinct covariate vectors the sweep
                                    counted rows by; 0: it went row by row
                                    (ib_cox_opts.patterns_max) */
    /* Baseline cumulative hazard at the distinct event times for covariates
     * at `means`, as R's survfit(fit) default for the same ties method
     * (Breslow; Efron → Fleming–Harrington-type increments, ctype 2). */
    size_t n_times;
    double *bh_time, *bh_cumhaz;
} ib_cox_model;

/* Fits the proportional hazards model by Newton–Raphson with step halving,
 * exactly as R's agreg.fit / agfit4.c (Therneau & Grambsch 2000, ch. 3).
 * Errors (IB_EINVAL, message names the row or covariate): no rows, no
 * events, start >= stop, a non-finite value; IB_ELIMIT beyond 2^32 − 2
 * intervals; IB_EINVAL when the fit breaks down numerically. A constant or
 * collinear covariate is not an error: it is marked is_aliased (NAN
 * coefficient), as R does. Not converging within iter_max is not an error:
 * has_converged is false. Caller frees with ib_cox_model_free. */
int ib_cox_fit(const ib_cox_data *d, const ib_cox_opts *o, ib_cox_model *out,
               ib_err *err);
void ib_cox_model_free(ib_cox_model *m);

/* Predicted survival S(t|x) = exp(−H0(t) · exp(β'(x − means))) for the
 * covariate profile x (p values; aliased covariates are ignored), at time t. */
double ib_cox_survival(const ib_cox_model *m, const double *x, double t);

/* Expected stay: restricted mean of S(t|x) from 0 up to horizon, as R's
 * summary(survfit(fit, newdata = x), rmean = horizon)$table["rmean"].
 * IB_EINVAL for a horizon <= 0 or a non-finite profile. */
int ib_cox_expected_stay(const ib_cox_model *m, const double *x,
                         double horizon, double *out, ib_err *err);

#endif
