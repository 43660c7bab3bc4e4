/* test_retention.c — the survival figures per group (retention.c) and the
 * Cox model with SEO profiles and group dummies (binding.c) on hand-made
 * registries: group labels and order, the cohort filter, retention read off
 * the curve at day floor(n x 365.25), municipality as first BRP, the
 * reference level of dummies, and the profile vectors. The numerics
 * themselves are checked against R (tests/r). */
#include "monitor_fixture.h"

#include <math.h>

#define R_DAY "2025-01-01"

/* Six stays: PL x3 (2017, 2017, 2020), RO x1 (2017), IN x2 (2017, 2018).
 * Departures chosen so that the EU curve has known steps. */
static ib_mdata registry(void)
{
    ib_mdata d;
    ib_mdata_init(&d);
    assert_true(ib_mdata_add_sender(&d, 1) >= 0);
    const struct { const char *ref, *nat, *arr, *dep; } s[] = {
        {"a", "PL", "2017-03-01", "2017-09-01"},     /* 184 days */
        {"b", "PL", "2017-05-01", "2019-05-01"},     /* 730 days */
        {"c", "PL", "2020-01-01", NULL},
        {"d", "RO", "2017-06-01", NULL},
        {"e", "IN", "2017-02-01", "2018-08-01"},
        {"f", "IN", "2018-02-01", NULL},
    };
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        uint32_t p = fx_person(&d, s[i].ref, "1990-01-01", s[i].nat, IB_SEX_M,
                               IB_CAT_LABOUR);
        fx_stay(&d, p, s[i].arr, s[i].dep);
        if (i == 0)
            fx_reg(&d, p, IB_REG_BRP, "GM0518", "2017-03-05", NULL);
        if (i == 3)
            fx_emp(&d, p, "2017-06-01", NULL, IB_CONTRACT_PERMANENT, 300000,
                   fx_org(&d, "o", IB_ORG_EMPLOYER), IB_MIDX_NONE);
    }
    fx_finish(&d);
    return d;
}

static void test_groups_and_retention(void **state)
{
    (void)state;
    ib_mdata d = registry();
    ib_msurv_opts o = {.at = D(R_DAY)};
    ib_msurv_result r;
    ib_err err;
    assert_int_equal(ib_monitor_survival(&d, &o, IB_GROUP_EU, 3652, &r, &err),
                     IB_OK);
    assert_int_equal(r.all.n, 6);
    assert_int_equal(r.all.n_events, 3);
    assert_int_equal(r.n_groups, 2);
    assert_string_equal(r.groups[0].label, "EU");
    assert_string_equal(r.groups[1].label, "non-EU");
    assert_int_equal(r.groups[0].n, 4);
    assert_int_equal(r.groups[0].n_events, 2);
    /* EU: departures at 184 (4 at risk) and 730 (3 at risk): S(365) = 3/4,
     * S(1095) = 3/4 x 2/3 = 1/2 */
    assert_int_equal(r.groups[0].retention[0].time, 365);
    assert_true(fabs(r.groups[0].retention[0].surv - 0.75) < 1e-15);
    assert_true(fabs(r.groups[0].retention[1].surv - 0.5) < 1e-15);
    assert_true(fabs(r.groups[0].retention[0].n_risk - 3) < 1e-15);
    /* stays of 2017 are censored by day 2923 at the latest: 10 years lies
     * beyond the follow-up */
    assert_true(r.groups[0].retention[3].is_beyond);
    assert_true(r.has_logrank);
    assert_int_equal(r.logrank.df, 1);
    ib_msurv_result_free(&r);
    ib_mdata_free(&d);
}

static void test_cohort_and_municipality(void **state)
{
    (void)state;
    ib_mdata d = registry();
    ib_msurv_opts o = {.at = D(R_DAY), .cohort = 2017};
    ib_msurv_result r;
    ib_err err;
    assert_int_equal(ib_monitor_survival(&d, &o, IB_GROUP_MUNICIPALITY, 3652,
                                         &r, &err), IB_OK);
    assert_int_equal(r.group, IB_GROUP_FIRST_BRP);
    assert_int_equal(r.all.n, 4);                 /* a, b, d, e */
    assert_int_equal(r.n_groups, 2);
    assert_string_equal(r.groups[0].label, "GM0518");
    assert_int_equal(r.groups[0].n, 1);
    assert_string_equal(r.groups[1].label, "unknown");
    ib_msurv_result_free(&r);

    /* a cohort without stays: an empty curve, no groups, no error */
    o.cohort = 2001;
    assert_int_equal(ib_monitor_survival(&d, &o, IB_GROUP_EU, 3652, &r, &err),
                     IB_OK);
    assert_int_equal(r.all.n, 0);
    assert_int_equal(r.n_groups, 0);
    ib_msurv_result_free(&r);
    assert_int_equal(ib_monitor_survival(&d, &o, IB_GROUP_EU, 0, &r, &err),
                     IB_EINVAL);
    ib_mdata_free(&d);
}

/* Sorting the stays by time first changes no figure. */
static void test_sorted_stays_same_figures(void **state)
{
    (void)state;
    ib_mdata d = registry();
    ib_msurv_opts o = {.at = D(R_DAY)};
    ib_msurv sv;
    ib_err err;
    assert_int_equal(ib_monitor_stays(&d, &o, &sv, &err), IB_OK);
    ib_msurv_result a, b;
    assert_int_equal(ib_monitor_survival_stays(&sv, IB_GROUP_NATIONALITY, 3652,
                                               true, &a, &err), IB_OK);
    assert_int_equal(ib_msurv_sort_by_time(&sv, &err), IB_OK);
    for (size_t i = 1; i < sv.n; i++)
        assert_true(sv.stays[i - 1].time <= sv.stays[i].time);
    assert_int_equal(ib_monitor_survival_stays(&sv, IB_GROUP_NATIONALITY, 3652,
                                               true, &b, &err), IB_OK);
    assert_int_equal(a.n_groups, 3);
    assert_int_equal(b.n_groups, 3);
    for (size_t g = 0; g < a.n_groups; g++) {
        assert_string_equal(a.groups[g].label, b.groups[g].label);
        assert_int_equal(a.groups[g].n, b.groups[g].n);
        for (int y = 0; y < IB_MRET_N; y++)
            assert_true(a.groups[g].retention[y].surv ==
                        b.groups[g].retention[y].surv);
        assert_true(a.groups[g].summary.rmean == b.groups[g].summary.rmean);
    }
    assert_true(a.has_logrank && b.has_logrank);
    assert_true(a.logrank.chisq == b.logrank.chisq);
    ib_msurv_result_free(&a);
    ib_msurv_result_free(&b);
    ib_msurv_free(&sv);
    ib_mdata_free(&d);
}

static void test_group_dummies(void **state)
{
    (void)state;
    ib_mdata d = registry();
    ib_msurv_opts o = {.at = D(R_DAY)};
    char **names, ref[IB_MLABEL_MAX];
    size_t n;
    ib_err err;
    assert_int_equal(ib_monitor_group_dummies(&d, &o, IB_GROUP_NATIONALITY,
                                              &names, &n, ref, &err), IB_OK);
    assert_string_equal(ref, "PL");               /* the most stays */
    assert_int_equal(n, 2);
    assert_string_equal(names[0], "nationality_IN");
    assert_string_equal(names[1], "nationality_RO");
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    assert_int_equal(ib_monitor_group_dummies(&d, &o, IB_GROUP_EU, &names, &n,
                                              ref, &err), IB_OK);
    assert_int_equal(n, 1);
    assert_string_equal(names[0], "eu");
    assert_string_equal(ref, "non-EU");
    free(names[0]);
    free(names);
    ib_mdata_free(&d);
}

static void test_profiles(void **state)
{
    (void)state;
    const char *names[] = {"employed", "agency", "wage_ratio", "partner",
                           "home_owner", "eu"};
    ib_mprofile *pr;
    size_t n;
    ib_err err;
    assert_int_equal(ib_monitor_seo_profiles(names, 6, &pr, &n, &err), IB_OK);
    assert_int_equal(n, 10);                      /* 5 profiles x EU/non-EU */
    assert_string_equal(pr[0].label, "werkend, alleenstaand (EU)");
    const double working_single_eu[] = {1, 0, 1, 0, 0, 1};
    const double home_non_eu[] = {1, 0, 1, 1, 1, 0};
    const double not_working_non_eu[] = {0, 0, 0, 0, 0, 0};
    for (size_t j = 0; j < 6; j++) {
        assert_true(pr[0].x[j] == working_single_eu[j]);
        assert_true(pr[8].x[j] == home_non_eu[j]);
        assert_true(pr[9].x[j] == not_working_non_eu[j]);
    }
    assert_string_equal(pr[9].label, "niet werkend, alleenstaand (niet-EU)");
    for (size_t i = 0; i < n; i++)
        free(pr[i].x);
    free(pr);
    /* without eu: five profiles, no EU suffix */
    assert_int_equal(ib_monitor_seo_profiles(names, 2, &pr, &n, &err), IB_OK);
    assert_int_equal(n, 5);
    assert_string_equal(pr[1].label, "werkend, met partner");
    for (size_t i = 0; i < n; i++)
        free(pr[i].x);
    free(pr);
}

static void test_cox_result(void **state)
{
    (void)state;
    ib_mdata d = registry();
    ib_msurv_opts o = {.at = D(R_DAY)};
    const char *names[] = {"eu", "employed"};
    ib_cox_opts co;
    ib_cox_opts_init(&co);
    ib_mcox_result r;
    ib_err err;
    assert_int_equal(ib_monitor_cox(&d, &o, names, 2, &co, 3652, &r, &err),
                     IB_OK);
    assert_int_equal(r.n_stays, 6);
    assert_int_equal(r.n_events, 3);
    assert_int_equal(r.n_profiles, 10);
    for (size_t i = 0; i < r.n_profiles; i++)
        assert_true(r.profiles[i].expected_stay > 0 &&
                    r.profiles[i].expected_stay <= 3652);
    ib_mcox_result_free(&r);
    assert_int_equal(ib_monitor_cox(&d, &o, names, 0, &co, 3652, &r, &err),
                     IB_EINVAL);
    const char *bad[] = {"planet"};
    assert_int_equal(ib_monitor_cox(&d, &o, bad, 1, &co, 3652, &r, &err),
                     IB_EINVAL);
    o.cohort = 2001;
    assert_int_equal(ib_monitor_cox(&d, &o, names, 2, &co, 3652, &r, &err),
                     IB_EINVAL);
    ib_mdata_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_groups_and_retention),
        cmocka_unit_test(test_cohort_and_municipality),
        cmocka_unit_test(test_sorted_stays_same_figures),
        cmocka_unit_test(test_group_dummies),
        cmocka_unit_test(test_profiles),
        cmocka_unit_test(test_cox_result),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
