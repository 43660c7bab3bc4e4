/* test_km.c — Kaplan–Meier, retention, restricted mean and log-rank on tiny
 * data computed by hand, and on tests/r/cases/ties.csv with R's figures
 * (survival 3.5-3) hard-coded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "monitor/survival.h"

#define assert_close(a, b)                                                  \
    do {                                                                    \
        double a_ = (a), b_ = (b);                                          \
        if (!(fabs(a_ - b_) <= 1e-9 || fabs(a_ - b_) <= 1e-6 * fabs(b_)))   \
            fail_msg("%s = %.15g, expected %.15g", #a, a_, b_);             \
    } while (0)

/* T = 1+, 2, 2, 3+, 4, 4, 5 (+: censored) */
static const double T7[] = {1, 2, 2, 3, 4, 4, 5};
static const int E7[] = {0, 1, 1, 0, 1, 1, 1};

static void test_km_by_hand(void **state)
{
    (void)state;
    ib_surv_data d = {.n = 7, .time = T7, .event = E7};
    ib_km_curve c;
    ib_err err;
    assert_int_equal(ib_km_fit(&d, -1, &c, &err), IB_OK);
    assert_int_equal(c.n_times, 5);
    assert_int_equal(c.n_events, 5);
    /* time 1: censoring only, S = 1, bounds NA as R */
    assert_close(c.surv[0], 1);
    assert_true(isnan(c.lower[0]) && isnan(c.upper[0]));
    assert_close(c.n_censor[0], 1);
    /* time 2: 6 at risk, 2 leave: S = 4/6; var log S = 2 / (6 * 4) */
    assert_close(c.n_risk[1], 6);
    assert_close(c.surv[1], 4.0 / 6);
    assert_close(c.std_err[1], sqrt(2.0 / 24));
    /* log(-log) bounds from R: 0.194616637, 0.9044342 */
    assert_true(fabs(c.lower[1] - 0.194616637) < 1e-8);
    assert_true(fabs(c.upper[1] - 0.9044342) < 1e-7);
    /* time 4: 3 at risk, 2 leave: S = 4/6 * 1/3 */
    assert_close(c.surv[3], 4.0 / 18);
    assert_close(c.std_err[3], sqrt(2.0 / 24 + 2.0 / 3));
    /* time 5: the last one leaves: S = 0, se Inf, bounds NA */
    assert_close(c.surv[4], 0);
    assert_true(isinf(c.std_err[4]));
    assert_true(isnan(c.lower[4]));

    ib_km_point pt;
    ib_km_at(&c, 0.5, &pt);                 /* before the first time */
    assert_close(pt.surv, 1);
    assert_close(pt.lower, 1);
    assert_close(pt.n_risk, 7);
    ib_km_at(&c, 2.5, &pt);                 /* between times: next n.risk */
    assert_close(pt.surv, 4.0 / 6);
    assert_close(pt.std_err, 4.0 / 6 * sqrt(2.0 / 24));
    assert_close(pt.n_risk, 4);
    assert_false(pt.is_beyond);
    ib_km_at(&c, 6, &pt);
    assert_true(pt.is_beyond);
    assert_close(pt.n_risk, 0);

    /* restricted mean to 3: 1·1 + (4/6)·1 ... = 2 + 2/3 (R: 2.6666667,
     * se 0.1924501); to 10: 3.5555556, se 0.4843221; median 4 [2, NA] */
    ib_km_summary s;
    ib_km_summarise(&c, 3, &s);
    assert_close(s.rmean, 2 + 2.0 / 3);
    assert_true(fabs(s.se_rmean - 0.1924501) < 1e-7);
    ib_km_summarise(&c, 10, &s);
    assert_true(fabs(s.rmean - 3.5555556) < 1e-7);
    assert_true(fabs(s.se_rmean - 0.4843221) < 1e-7);
    assert_close(s.median, 4);
    assert_close(s.median_lower, 2);
    assert_true(isnan(s.median_upper));
    ib_km_curve_free(&c);
}

static void test_year_days(void **state)
{
    (void)state;
    assert_int_equal(ib_surv_year_day(1), 365);
    assert_int_equal(ib_surv_year_day(3), 1095);
    assert_int_equal(ib_surv_year_day(5), 1826);
    assert_int_equal(ib_surv_year_day(10), 3652);
}

/* Stays of tests/r/cases/ties.csv */
static const double TT[] = {5, 5, 5, 5, 8, 8, 8, 8, 12, 12, 12, 15, 20, 20,
                            20, 25, 3, 3, 30, 30};
static const int TE[] = {1, 1, 0, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1,
                         0, 0};
static const int TG[] = {0, 1, 0, 2, 1, 0, 2, 2, 1, 0, 1, 0, 2, 1, 0, 2, 1, 0,
                         2, 0};

static void test_km_and_logrank_against_r(void **state)
{
    (void)state;
    ib_surv_data d = {.n = 20, .time = TT, .event = TE, .group = TG,
                      .n_groups = 3};
    ib_km_curve c;
    ib_err err;
    assert_int_equal(ib_km_fit(&d, -1, &c, &err), IB_OK);
    static const double surv[] = {0.95, 0.791666666666667, 0.678571428571428,
                                  0.475, 0.475, 0.316666666666667,
                                  0.211111111111111, 0.211111111111111};
    static const double lower[] = {0.69474319325657, 0.535447778221491,
                                   0.418449204047903, 0.226988193452196};
    assert_int_equal(c.n_times, 8);
    for (size_t i = 0; i < 8; i++)
        assert_close(c.surv[i], surv[i]);
    for (size_t i = 0; i < 4; i++)
        assert_close(c.lower[i], lower[i]);
    assert_close(c.upper[0], 0.992802228593397);
    assert_close(c.std_err[1], 0.117229220156408);
    ib_km_summary s;
    ib_km_summarise(&c, 20, &s);
    assert_close(s.rmean, 13.78928571428571);
    assert_close(s.se_rmean, 1.51933493153806);
    assert_close(s.median, 12);
    assert_close(s.median_lower, 8);
    assert_close(s.median_upper, 25);
    ib_km_curve_free(&c);

    /* one group alone */
    assert_int_equal(ib_km_fit(&d, 2, &c, &err), IB_OK);
    assert_int_equal(c.n, 6);
    ib_km_curve_free(&c);

    ib_logrank lr;
    assert_int_equal(ib_logrank_test(&d, &lr, &err), IB_OK);
    assert_close(lr.chisq, 0.160273264549335);
    assert_int_equal(lr.df, 2);
    assert_close(lr.observed[0], 5);
    assert_close(lr.expected[0], 4.48095238095238);
    assert_close(lr.expected[1], 2.93809523809524);
    assert_close(lr.expected[2], 4.58095238095238);
    assert_true(lr.p > 0.92 && lr.p < 0.93);
    ib_logrank_free(&lr);
}

static void test_logrank_edges(void **state)
{
    (void)state;
    ib_err err;
    ib_logrank lr;
    /* group 1 without departures, group 2 with one member */
    static const double t[] = {1, 2, 3, 4, 5, 6};
    static const int e[] = {1, 0, 1, 0, 1, 1};
    static const int g[] = {0, 1, 0, 1, 2, 0};
    ib_surv_data d = {.n = 6, .time = t, .event = e, .group = g, .n_groups = 3};
    assert_int_equal(ib_logrank_test(&d, &lr, &err), IB_OK);
    assert_int_equal(lr.df, 2);
    assert_close(lr.observed[1], 0);
    assert_true(lr.expected[1] > 0);
    ib_logrank_free(&lr);
    /* nobody leaves: chi-square 0, df 0, p 1 */
    static const int none[] = {0, 0, 0, 0, 0, 0};
    d.event = none;
    assert_int_equal(ib_logrank_test(&d, &lr, &err), IB_OK);
    assert_int_equal(lr.df, 0);
    assert_close(lr.p, 1);
    ib_logrank_free(&lr);
    /* one group only: an error, not a crash */
    static const int one[] = {0, 0, 0, 0, 0, 0};
    d.event = e;
    d.group = one;
    assert_int_equal(ib_logrank_test(&d, &lr, &err), IB_EINVAL);
    /* bad input is named */
    static const double bad[] = {1, 2, -3, 4, 5, 6};
    d.group = g;
    d.time = bad;
    assert_int_equal(ib_logrank_test(&d, &lr, &err), IB_EINVAL);
    ib_km_curve c;
    assert_int_equal(ib_km_fit(&d, -1, &c, &err), IB_EINVAL);
    assert_non_null(strstr(err.msg, "verblijf 3"));
}

static void test_km_empty_and_single(void **state)
{
    (void)state;
    ib_err err;
    ib_km_curve c;
    static const double t[] = {100};
    static const int e[] = {1};
    ib_surv_data d = {.n = 1, .time = t, .event = e};
    assert_int_equal(ib_km_fit(&d, -1, &c, &err), IB_OK);
    assert_close(c.surv[0], 0);
    ib_km_summary s;
    ib_km_summarise(&c, 365, &s);
    assert_close(s.rmean, 100);
    assert_close(s.se_rmean, 0);
    ib_km_curve_free(&c);
    d.n = 0;
    assert_int_equal(ib_km_fit(&d, -1, &c, &err), IB_OK);
    assert_int_equal(c.n_times, 0);
    ib_km_curve_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_km_by_hand),
        cmocka_unit_test(test_year_days),
        cmocka_unit_test(test_km_and_logrank_against_r),
        cmocka_unit_test(test_logrank_edges),
        cmocka_unit_test(test_km_empty_and_single),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
