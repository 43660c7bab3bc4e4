/* cox_internal.h — the Cox engine's working state shared by cox.c,
 * cox_stats.c and cox_concordance.c; not part of any public interface. */
#ifndef IB_COX_INTERNAL_H
#define IB_COX_INTERNAL_H

#include "monitor/survival.h"

/* Rows at risk at some death time, sorted once. "Stop order" is decreasing
 * stop time; "start order" decreasing start time. */
typedef struct cox_work {
    size_t m, p, pp;             /* rows used, covariates, p (p + 1) / 2 */
    ib_cox_ties ties;
    double *xs;                  /* m × p centred, scaled covariates, stop order */
    size_t x_bytes;              /* of xs and of xt (ib_table_alloc) */
    bool xt_is_x;                /* xt is the caller's X (x_is_scratch) */
    double *xt;                  /* the same rows in start order */
    double *stop_s;              /* stop times, stop order */
    unsigned char *ev_s;         /* events, stop order */
    double *start_s;             /* start times, start order */
    uint32_t *start_pos;         /* start order -> stop-order position */
    size_t row_bytes;            /* the block of these four (ib_table_alloc;
                                    by pattern also eta, pat_s and pat_t) */
    bool rows_in_x;              /* that block lies in the caller's scratch X */
    double *eta;                 /* final linear predictor, stop order (for the
                                    concordance; filled by ib_cox_finish in
                                    the memory of xs, which it replaces, or
                                    by pattern in the row block) */
    size_t nd;                   /* distinct death times */
    double *dtime;               /* ascending */
    double *haz;                 /* hazard increments, descending death time */
    double *scale;               /* per covariate: xs = (x − center) × scale */
    double *center;              /* column means (inside the scale block) */
    /* scratch (one block starting at a) */
    double *a, *a2, *u, *oldbeta, *tmp, *c, *c2, *im;
    /* covariate patterns (cox_patterns.c): the distinct rows of X. When
     * there are few, the sweep counts the rows of each at risk instead of
     * adding and removing every row's terms, and xs, xt are not made */
    size_t n_pat;                /* 0: the sweep goes by row */
    uint32_t *pat_s;             /* pattern of each row, stop order, */
    uint32_t *pat_t;             /* and start order (in the row block) */
    double *pat_x;               /* n_pat × p, centred and scaled as xs */
    double *pat_eta, *pat_r;     /* n_pat each: beta'x, exp (the same block) */
    double *cnt, *dcnt;          /* n_pat each: rows at risk, deaths now */
} cox_work;

/* The sorted copies above from d (cox_order.c): centre, scale, the rows in
 * use in both orders, the death times; checks that every covariate is
 * finite. Calls o->release_x once it no longer reads d->X. */
int ib_cox_prepare(const ib_cox_data *d, const ib_cox_opts *o, cox_work *w,
                   double *means, ib_err *err);
/* One likelihood sweep at beta; fills u, imat (p × p) and w->haz. */
double ib_cox_pass(cox_work *w, const double *beta, double *u, double *imat);
/* The deaths at one death time: denom, w->a and w->c hold the sums over
 * the rows at risk without them, denom2, w->a2 and w->c2 over them alone.
 * Adds their terms to *loglik, u and w->im (Efron: in `deaths` equal steps;
 * Breslow: at once), leaves the sums of all rows at risk in denom, w->a and
 * w->c, and returns the hazard increment. */
double ib_cox_deaths(cox_work *w, double deaths, double *denom, double denom2,
                     double *u, double *loglik);
/* Numbers the distinct covariate rows of d->X (ib_cox_prepare, once the
 * rows in use, w->m, and the death times, w->nd, are known): kept when
 * there are at most max and counting them at every death time costs less
 * than sweeping the rows. Then w->n_pat, pat_x (raw values, centred and
 * scaled by ib_cox_prepare) and the per-pattern arrays are set, and the
 * pattern of every row of d is returned (ib_table_alloc, d->n entries; the
 * caller frees it). Otherwise (or out of memory) NULL, n_pat 0: the sweep
 * goes by row. The fit is the same either way, up to rounding. */
uint32_t *ib_cox_number_patterns(const ib_cox_data *d, cox_work *w,
                                 size_t max);
/* The linear predictor of every row in stop order for the concordance
 * (w->eta, which the sweep by pattern keeps in its row block). */
void ib_cox_pattern_eta(cox_work *w, const double *beta);
/* ib_cox_pass by pattern (n_pat > 0). */
double ib_cox_pass_patterns(cox_work *w, const double *beta, double *u,
                            double *imat);
void ib_cox_patterns_free(cox_work *w);
/* LDL' with R's cholesky2 tolerance rule; returns the rank. */
int ib_cox_ldl(double *a, size_t p, double toler);
void ib_cox_ldl_solve(const double *a, size_t p, double *y);
/* Generalised inverse from the factor (0 rows/columns for dropped pivots);
 * col is p scratch doubles. */
void ib_cox_ldl_inverse(const double *a, size_t p, double *inv, double *col);
/* After Newton–Raphson: coefficients on the original scale, variance, tests,
 * baseline hazard and concordance into f. imat holds the factored
 * information at the final beta (scaled). */
int ib_cox_finish(const ib_cox_data *d, const ib_cox_opts *o, cox_work *w,
                  double *beta, double *imat, ib_cox_model *f, ib_err *err);
/* Dense ranks of eta[0..m) (equal values share one, -0.0 and 0.0 too) into
 * rank, their count into *n_ranks: through a hash table of the distinct
 * values when there are at most distinct_max, else a radix sort of all
 * rows. 0, or -1 when out of memory. */
int ib_cox_ranks(const double *eta, size_t m, uint32_t *rank, size_t *n_ranks,
                 size_t distinct_max);
/* Concordance of w->eta with the survival times, as R's concordancefit
 * (reverse = TRUE, timewt "n") with its infinitesimal-jackknife variance. */
int ib_cox_concordance(const cox_work *w, ib_cox_model *f, ib_err *err);

#endif
