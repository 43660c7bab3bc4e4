/* test_cox.c — the Cox engine against R survival 3.5-3 (coxph on
 * tests/r/cases/ties.csv and collinear.csv, figures hard-coded to 15
 * digits, compared at relative 1e-6), and its refusals on bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "monitor/cox_internal.h"
#include "monitor/survival.h"

#define assert_close(a, b)                                                  \
    do {                                                                    \
        double a_ = (a), b_ = (b);                                          \
        if (!(fabs(a_ - b_) <= 1e-9 || fabs(a_ - b_) <= 1e-6 * fabs(b_)))   \
            fail_msg("%s = %.15g, expected %.15g", #a, a_, b_);             \
    } while (0)

/* tests/r/cases/ties.csv: one interval (0, stop] per stay; x1, x2 */
static const double STOP[] = {5, 5, 5, 5, 8, 8, 8, 8, 12, 12, 12, 15, 20, 20,
                              20, 25, 3, 3, 30, 30};
static const int EV[] = {1, 1, 0, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1,
                         0, 0};
static const double X[] = {1, 0.5, 0, 1.2, 1, 0.3, 0, 2.0, 1, 0.7, 0, 1.1,
                           1, 0.2, 0, 1.9, 1, 0.9, 1, 0.4, 0, 1.5, 0, 0.8,
                           1, 1.3, 0, 0.6, 1, 1.0, 0, 0.1, 1, 1.4, 0, 0.9,
                           1, 0.5, 0, 1.6};
static double START[20];

static ib_cox_data ties_data(void)
{
    static const char *const names[] = {"x1", "x2"};
    return (ib_cox_data){.n = 20, .p = 2, .start = START, .stop = STOP,
                         .event = EV, .X = X, .names = names};
}

static void test_efron_matches_r(void **state)
{
    (void)state;
    ib_cox_data d = ties_data();
    ib_cox_opts o;
    ib_cox_opts_init(&o);
    ib_cox_model m;
    ib_err err;
    assert_int_equal(ib_cox_fit(&d, &o, &m, &err), IB_OK);
    assert_string_equal(m.names[1], "x2");
    assert_close(m.coef[0], 0.165789044964873);
    assert_close(m.coef[1], 0.242141586677878);
    assert_close(m.se[0], 0.605941594780547);
    assert_close(m.se[1], 0.57542314042398);
    assert_close(m.hr[0], exp(0.165789044964873));
    assert_close(m.loglik_null, -27.7749736671633);
    assert_close(m.loglik, -27.6710607345992);
    assert_close(m.score_test, 0.203342525672972);
    assert_close(m.wald_test, 0.20258496353641);
    assert_close(m.lr_test, 2 * (-27.6710607345992 + 27.7749736671633));
    assert_int_equal(m.df, 2);
    assert_int_equal(m.iter, 3);
    assert_true(m.has_converged);
    assert_close(m.concordance, 0.508403361344538);
    assert_close(m.concordance_se, 0.112788117853415);
    assert_int_equal(m.n_intervals, 20);
    assert_int_equal(m.n_events, 12);
    /* expected stay of x1 = 1, x2 = 0.5 up to 100 days (survmean) */
    double es;
    const double prof[] = {1, 0.5};
    assert_int_equal(ib_cox_expected_stay(&m, prof, 100, &es, &err), IB_OK);
    assert_close(es, 34.0133498891738);
    assert_close(ib_cox_survival(&m, prof, 0), 1);
    assert_int_equal(ib_cox_expected_stay(&m, prof, -1, &es, &err), IB_EINVAL);
    ib_cox_model_free(&m);
}

static void test_breslow_matches_r(void **state)
{
    (void)state;
    ib_cox_data d = ties_data();
    ib_cox_opts o;
    ib_cox_opts_init(&o);
    o.ties = IB_COX_BRESLOW;
    ib_cox_model m;
    ib_err err;
    assert_int_equal(ib_cox_fit(&d, &o, &m, &err), IB_OK);
    assert_close(m.coef[0], 0.111790182533517);
    assert_close(m.coef[1], 0.193406903009012);
    assert_close(m.se[0], 0.607356400326987);
    assert_close(m.se[1], 0.575336933997907);
    assert_close(m.loglik_null, -28.5348487125794);
    assert_close(m.loglik, -28.4733456257153);
    assert_close(m.score_test, 0.121134464264632);
    assert_close(m.wald_test, 0.120859892660619);
    assert_close(m.concordance, 0.5);
    assert_close(m.concordance_se, 0.113678565197216);
    double es;
    const double prof[] = {1, 0.5};
    assert_int_equal(ib_cox_expected_stay(&m, prof, 100, &es, &err), IB_OK);
    assert_close(es, 36.4741419822856);
    ib_cox_model_free(&m);
}

/* tests/r/cases/collinear.csv: k constant, c3 = c1 + c2: both NA in R */
static void test_aliased_covariates(void **state)
{
    (void)state;
    static const double stop[] = {5, 7, 9, 11, 4, 13, 15, 6, 8, 10, 12, 14};
    static const int ev[] = {1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1};
    static const double x[] = {
        1, 2, 0, 1, 0, 2, 1, 1, 1, 2, 1, 2, 0, 2, 0, 0, 1, 2, 0, 1, 0, 2, 1, 1,
        1, 2, 1, 2, 0, 2, 0, 0, 0, 2, 1, 1, 1, 2, 0, 1, 0, 2, 0, 0, 1, 2, 1, 2};
    double start[12] = {0};
    ib_cox_data d = {.n = 12, .p = 4, .start = start, .stop = stop,
                     .event = ev, .X = x};
    ib_cox_model m;
    ib_err err;
    assert_int_equal(ib_cox_fit(&d, NULL, &m, &err), IB_OK);
    assert_string_equal(m.names[0], "x1");
    assert_false(m.is_aliased[0]);
    assert_true(m.is_aliased[1]);
    assert_false(m.is_aliased[2]);
    assert_true(m.is_aliased[3]);
    assert_true(isnan(m.coef[1]) && isnan(m.coef[3]));
    assert_close(m.coef[0], -0.200582954313607);
    assert_close(m.coef[2], -1.19205401496846);
    assert_close(m.loglik_null, -16.6550099854867);
    assert_close(m.loglik, -15.3918303459906);
    assert_int_equal(m.df, 2);
    assert_int_equal(m.rank, 2);
    ib_cox_model_free(&m);
}

static void test_refusals(void **state)
{
    (void)state;
    ib_cox_data d = ties_data();
    ib_cox_model m;
    ib_err err;
    static const int none[20] = {0};
    d.event = none;
    assert_int_equal(ib_cox_fit(&d, NULL, &m, &err), IB_EINVAL);
    assert_non_null(strstr(err.msg, "geen vertrekken"));
    d = ties_data();
    double bad_start[20] = {0};
    bad_start[6] = 8;                       /* start == stop */
    d.start = bad_start;
    assert_int_equal(ib_cox_fit(&d, NULL, &m, &err), IB_EINVAL);
    assert_non_null(strstr(err.msg, "interval 7"));
    d = ties_data();
    double xnan[40];
    memcpy(xnan, X, sizeof xnan);
    xnan[5] = NAN;
    d.X = xnan;
    assert_int_equal(ib_cox_fit(&d, NULL, &m, &err), IB_EINVAL);
    assert_non_null(strstr(err.msg, "interval 3: covariaat 2"));
    d = ties_data();
    d.n = 0;
    assert_int_equal(ib_cox_fit(&d, NULL, &m, &err), IB_EINVAL);
    ib_cox_model_free(&m);                  /* freeing a failed fit is safe */
}

/* Splitting a stay into intervals with the same covariates changes nothing
 * (the counting-process likelihood is the same). */
static void test_split_invariance(void **state)
{
    (void)state;
    ib_cox_data d = ties_data();
    ib_cox_model a, b;
    ib_err err;
    assert_int_equal(ib_cox_fit(&d, NULL, &a, &err), IB_OK);
    double st[40], sp[40], xx[80];
    int ev[40];
    uint32_t id[40];
    size_t n = 0;
    for (size_t i = 0; i < 20; i++) {
        double cut = floor(STOP[i] / 2);
        double bounds[3] = {0, cut, STOP[i]};
        for (int k = 0; k < 2; k++) {
            st[n] = bounds[k];
            sp[n] = bounds[k + 1];
            ev[n] = k == 1 ? EV[i] : 0;
            xx[2 * n] = X[2 * i];
            xx[2 * n + 1] = X[2 * i + 1];
            id[n] = (uint32_t)i;
            n++;
        }
    }
    ib_cox_data s = {.n = n, .p = 2, .start = st, .stop = sp, .event = ev,
                     .X = xx, .id = id};
    assert_int_equal(ib_cox_fit(&s, NULL, &b, &err), IB_OK);
    assert_int_equal(b.n_stays, 20);
    assert_int_equal(b.n_intervals, 40);
    for (size_t j = 0; j < 2; j++) {
        assert_close(b.coef[j], a.coef[j]);
        assert_close(b.se[j], a.se[j]);
    }
    assert_close(b.loglik, a.loglik);
    assert_close(b.concordance, a.concordance);
    ib_cox_model_free(&a);
    ib_cox_model_free(&b);
}

/* Only the order of the times counts: whole days take a counting sort,
 * fractional times or a range too wide for one are ranked first; all three
 * give the same fit. */
static void test_time_keys(void **state)
{
    (void)state;
    ib_cox_data d = ties_data();
    ib_cox_model a, b;
    ib_err err;
    assert_int_equal(ib_cox_fit(&d, NULL, &a, &err), IB_OK);
    const double shift[2] = {0.25, 1e9};       /* fractional; wide range */
    const double factor[2] = {0.5, 1e5};
    for (int v = 0; v < 2; v++) {
        double st[20], sp[20];
        for (size_t i = 0; i < 20; i++) {
            st[i] = START[i] * factor[v] + shift[v];
            sp[i] = STOP[i] * factor[v] + shift[v];
        }
        d.start = st;
        d.stop = sp;
        assert_int_equal(ib_cox_fit(&d, NULL, &b, &err), IB_OK);
        for (size_t j = 0; j < 2; j++) {
            assert_close(b.coef[j], a.coef[j]);
            assert_close(b.se[j], a.se[j]);
        }
        assert_close(b.loglik, a.loglik);
        assert_close(b.score_test, a.score_test);
        assert_close(b.concordance, a.concordance);
        assert_close(b.concordance_se, a.concordance_se);
        assert_int_equal(b.n_times, a.n_times);
        for (size_t k = 0; k < a.n_times; k++) {
            assert_close(b.bh_time[k], a.bh_time[k] * factor[v] + shift[v]);
            assert_close(b.bh_cumhaz[k], a.bh_cumhaz[k]);
        }
        ib_cox_model_free(&b);
    }
    ib_cox_model_free(&a);
}

/* Ranks through the table of distinct values equal those of the sort, with
 * -0.0 and 0.0 as one value; a table too small falls back to the sort. */
static void test_eta_ranks(void **state)
{
    (void)state;
    enum { M = 5000 };
    static double eta[M];
    static uint32_t by_table[M], by_sort[M], small[M];
    for (size_t i = 0; i < M; i++)
        eta[i] = (double)((i * 7919) % 613) / 7 - 40;   /* 613 values */
    eta[10] = -0.0;
    eta[11] = 0.0;
    size_t n_table, n_sort, n_small;
    assert_int_equal(ib_cox_ranks(eta, M, by_table, &n_table, 1 << 16), 0);
    assert_int_equal(ib_cox_ranks(eta, M, by_sort, &n_sort, 0), 0);
    assert_int_equal(ib_cox_ranks(eta, M, small, &n_small, 100), 0);
    assert_int_equal(n_table, n_sort);
    assert_int_equal(n_small, n_sort);
    assert_true(n_sort >= 613 && n_sort <= 614);
    assert_int_equal(by_table[10], by_table[11]);
    for (size_t i = 0; i < M; i++) {
        assert_int_equal(by_table[i], by_sort[i]);
        assert_int_equal(small[i], by_sort[i]);
        assert_true((eta[i] < eta[0]) == (by_table[i] < by_table[0]));
    }
}

static void count_release(void *ctx) { (*(int *)ctx)++; }

/* With X as scratch the engine keeps its second copy in X: the same fit,
 * and release_x called once, after it. */
static void test_x_as_scratch(void **state)
{
    (void)state;
    ib_cox_data d = ties_data();
    ib_cox_model a, b;
    ib_err err;
    assert_int_equal(ib_cox_fit(&d, NULL, &a, &err), IB_OK);
    double scratch[40];
    memcpy(scratch, X, sizeof scratch);
    d.X = scratch;
    int released = 0;
    ib_cox_opts o;
    ib_cox_opts_init(&o);
    o.release_x = count_release;
    o.release_ctx = &released;
    o.x_is_scratch = true;
    assert_int_equal(ib_cox_fit(&d, &o, &b, &err), IB_OK);
    assert_int_equal(released, 1);
    for (size_t j = 0; j < 2; j++) {
        assert_close(b.coef[j], a.coef[j]);
        assert_close(b.se[j], a.se[j]);
    }
    assert_close(b.loglik, a.loglik);
    assert_close(b.concordance, a.concordance);
    assert_close(b.concordance_se, a.concordance_se);
    ib_cox_model_free(&a);
    ib_cox_model_free(&b);
}

/* 1000 stays of three intervals each, (0, a], (a, b], (b, T] with days
 * from a small range (many ties), x1 and x2 fixed (2 and 3 levels), x3
 * changing between the intervals: 12 covariate patterns among 3000 rows. */
typedef struct pattern_data {
    double start[3000], stop[3000], X[3000 * 3];
    int event[3000];
    uint32_t id[3000];
} pattern_data;

static void fill_pattern_data(pattern_data *pd)
{
    uint32_t seed = 12345;
    size_t n = 0;
    for (uint32_t s = 0; s < 1000; s++) {
        seed = seed * 1103515245u + 12345u;
        double a = 1 + (seed >> 16) % 20, b = a + 1 + (seed >> 8) % 15;
        double T = b + 1 + (seed >> 20) % 40;
        double x1 = s % 2, x2 = (s / 2) % 3;
        double bounds[4] = {0, a, b, T};
        for (int k = 0; k < 3; k++, n++) {
            pd->start[n] = bounds[k];
            pd->stop[n] = bounds[k + 1];
            pd->event[n] = k == 2 && (seed >> 4) % 3 != 0;
            pd->X[3 * n] = x1;
            pd->X[3 * n + 1] = x2;
            pd->X[3 * n + 2] = (double)((s + (uint32_t)k) % 2);
            pd->id[n] = s;
        }
    }
}

/* Two ways of summing the same terms: equal but for rounding. */
#define assert_same(a, b)                                                   \
    do {                                                                    \
        double a_ = (a), b_ = (b);                                          \
        if (!(fabs(a_ - b_) <= 1e-10 * fabs(b_)))                           \
            fail_msg("%s = %.17g, by row %.17g", #a, a_, b_);               \
    } while (0)

/* Few distinct covariate vectors: the sweep counts rows per pattern, and
 * gives the fit of the sweep row by row (Efron and Breslow). */
static void test_pattern_sweep(void **state)
{
    (void)state;
    static pattern_data pd;
    fill_pattern_data(&pd);
    ib_cox_data d = {.n = 3000, .p = 3, .start = pd.start, .stop = pd.stop,
                     .event = pd.event, .X = pd.X, .id = pd.id};
    for (int ties = IB_COX_EFRON; ties <= IB_COX_BRESLOW; ties++) {
        ib_cox_opts o;
        ib_cox_opts_init(&o);
        o.ties = (ib_cox_ties)ties;
        ib_cox_model byrow, bypat;
        ib_err err;
        assert_int_equal(ib_cox_fit(&d, &o, &bypat, &err), IB_OK);
        o.patterns_max = 0;
        assert_int_equal(ib_cox_fit(&d, &o, &byrow, &err), IB_OK);
        assert_int_equal(bypat.n_patterns, 12);
        assert_int_equal(byrow.n_patterns, 0);
        for (size_t j = 0; j < 3; j++) {
            assert_true(fabs(bypat.coef[j]) > 1e-3);
            assert_same(bypat.coef[j], byrow.coef[j]);
            assert_same(bypat.se[j], byrow.se[j]);
        }
        assert_same(bypat.loglik_null, byrow.loglik_null);
        assert_same(bypat.loglik, byrow.loglik);
        assert_same(bypat.score_test, byrow.score_test);
        assert_same(bypat.wald_test, byrow.wald_test);
        assert_int_equal(bypat.iter, byrow.iter);
        assert_same(bypat.concordance, byrow.concordance);
        assert_same(bypat.concordance_se, byrow.concordance_se);
        const double x[] = {1, 2, 0};
        for (double t = 5; t <= 70; t += 5)
            assert_same(ib_cox_survival(&bypat, x, t),
                         ib_cox_survival(&byrow, x, t));
        ib_cox_model_free(&byrow);
        ib_cox_model_free(&bypat);
    }
}

typedef struct poison { double *x; size_t n; int calls; } poison;

/* Release of X: count it and spoil X, so that a read after it shows. */
static void poison_release(void *ctx)
{
    poison *q = ctx;
    q->calls++;
    memset(q->x, 0xff, q->n * sizeof *q->x);
}

/* By pattern with X as scratch, the engine's rows go in X's memory: the
 * same fit as without, and X released once, after the fit. */
static void test_pattern_rows_in_scratch_x(void **state)
{
    (void)state;
    static pattern_data pd;
    static double x5[3000 * 5];
    fill_pattern_data(&pd);
    for (size_t i = 0; i < 3000; i++) {
        memcpy(x5 + 5 * i, pd.X + 3 * i, 3 * sizeof *x5);
        x5[5 * i + 3] = (pd.id[i] / 6) % 2;
        x5[5 * i + 4] = (pd.id[i] / 12) % 2;
    }
    ib_cox_data d = {.n = 3000, .p = 5, .start = pd.start, .stop = pd.stop,
                     .event = pd.event, .X = x5, .id = pd.id};
    ib_cox_model a, b;
    ib_err err;
    assert_int_equal(ib_cox_fit(&d, NULL, &a, &err), IB_OK);
    assert_int_equal(a.n_patterns, 48);
    static double scratch[3000 * 5];
    memcpy(scratch, x5, sizeof scratch);
    poison q = {scratch, 3000 * 5, 0};
    ib_cox_opts o;
    ib_cox_opts_init(&o);
    o.release_x = poison_release;
    o.release_ctx = &q;
    o.x_is_scratch = true;
    d.X = scratch;
    assert_int_equal(ib_cox_fit(&d, &o, &b, &err), IB_OK);
    assert_int_equal(q.calls, 1);
    assert_int_equal(b.n_patterns, 48);
    for (size_t j = 0; j < 5; j++) {
        assert_same(b.coef[j], a.coef[j]);
        assert_same(b.se[j], a.se[j]);
    }
    assert_same(b.loglik, a.loglik);
    assert_same(b.concordance, a.concordance);
    assert_same(b.concordance_se, a.concordance_se);
    ib_cox_model_free(&a);
    ib_cox_model_free(&b);
}

/* More patterns than allowed, or too many for counting to pay: by row. */
static void test_pattern_limits(void **state)
{
    (void)state;
    static pattern_data pd;
    fill_pattern_data(&pd);
    ib_cox_data d = {.n = 3000, .p = 3, .start = pd.start, .stop = pd.stop,
                     .event = pd.event, .X = pd.X, .id = pd.id};
    ib_cox_opts o;
    ib_cox_opts_init(&o);
    o.patterns_max = 11;
    ib_cox_model m;
    ib_err err;
    assert_int_equal(ib_cox_fit(&d, &o, &m, &err), IB_OK);
    assert_int_equal(m.n_patterns, 0);
    ib_cox_model_free(&m);
    /* the ties data: 20 rows, 20 patterns, 7 death times */
    ib_cox_data t = ties_data();
    assert_int_equal(ib_cox_fit(&t, NULL, &m, &err), IB_OK);
    assert_int_equal(m.n_patterns, 0);
    ib_cox_model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_efron_matches_r),
        cmocka_unit_test(test_breslow_matches_r),
        cmocka_unit_test(test_aliased_covariates),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_split_invariance),
        cmocka_unit_test(test_time_keys),
        cmocka_unit_test(test_eta_ranks),
        cmocka_unit_test(test_x_as_scratch),
        cmocka_unit_test(test_pattern_sweep),
        cmocka_unit_test(test_pattern_limits),
        cmocka_unit_test(test_pattern_rows_in_scratch_x),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
