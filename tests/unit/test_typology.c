/* test_typology.c — the typology on day R, every boundary by hand: exactly
 * 130 % of WML (vulnerable, since <=), one cent more; exactly L days so far
 * (passer-by) and L + 1; the WML change day; the knowledge-migrant criterion
 * under and from 30, with a 29 February birthday; permanent next to agency;
 * who is in scope; the all-months basis; the table by group. */
#include "monitor_fixture.h"

static ib_mtype type_on(const ib_mdata *d, uint32_t p, const char *at,
                        int32_t L, ib_mbasis basis)
{
    ib_mtypology_opts o;
    ib_mtypology_opts_init(&o, D(at));
    if (L)
        o.long_after = L;
    o.basis = basis;
    uint32_t s;
    if (!ib_typology_subject(d, p, o.at, &s))
        return IB_TYPE_COUNT;                     /* not in scope */
    return ib_typology_of(d, p, s, &o);
}

#define POINT IB_BASIS_POINT
#define MONTHS IB_BASIS_ALL_MONTHS

/* WML 2025-01-01 2437.07 (130 %: 3168.191), 2025-07-01 2496.00 (130 %:
 * 3244.80). */
static void test_vulnerable_at_exactly_130(void **state)
{
    (void)state;
    ib_mdata d;
    ib_mdata_init(&d);
    int32_t org = fx_org(&d, "u", IB_ORG_AGENCY);
    uint32_t a = fx_person(&d, "a", "1990-01-01", "PL", IB_SEX_M, IB_CAT_LABOUR);
    fx_stay(&d, a, "2025-01-01", NULL);
    fx_emp(&d, a, "2025-01-01", NULL, IB_CONTRACT_AGENCY, 324480, org, org);
    uint32_t b = fx_person(&d, "b", "1990-01-01", "PL", IB_SEX_M, IB_CAT_LABOUR);
    fx_stay(&d, b, "2025-01-01", NULL);
    fx_emp(&d, b, "2025-01-01", NULL, IB_CONTRACT_TEMPORARY, 324481, org, -1);
    fx_finish(&d);
    /* exactly 130 % on the WML change day */
    assert_int_equal(type_on(&d, a, "2025-07-01", 0, POINT),
                     IB_TYPE_VULNERABLE_PASSER);
    /* the day before, WML is lower: 3244.80 > 3168.191 */
    assert_int_equal(type_on(&d, a, "2025-06-30", 0, POINT), IB_TYPE_OTHER);
    /* one cent above 130 % */
    assert_int_equal(type_on(&d, b, "2025-07-01", 0, POINT), IB_TYPE_OTHER);
    ib_mdata_free(&d);
}

/* Arrival 2023-01-01; on 2024-12-30 the stay so far is 730 days. */
static void test_length_boundary(void **state)
{
    (void)state;
    ib_mdata d;
    ib_mdata_init(&d);
    int32_t org = fx_org(&d, "u", IB_ORG_AGENCY);
    uint32_t a = fx_person(&d, "a", "1990-01-01", "PL", IB_SEX_M, IB_CAT_LABOUR);
    fx_stay(&d, a, "2023-01-01", NULL);
    fx_emp(&d, a, "2023-01-01", NULL, IB_CONTRACT_AGENCY, 150000, org, org);
    fx_finish(&d);
    assert_int_equal(D("2024-12-30") - D("2023-01-01") + 1, 730);
    assert_int_equal(type_on(&d, a, "2024-12-30", 0, POINT),
                     IB_TYPE_VULNERABLE_PASSER);
    assert_int_equal(type_on(&d, a, "2024-12-31", 0, POINT),
                     IB_TYPE_CHRONIC_VULNERABLE);
    /* --long-after 365: 2024-01-01 is day 366 */
    assert_int_equal(type_on(&d, a, "2023-12-31", 365, POINT),
                     IB_TYPE_VULNERABLE_PASSER);
    assert_int_equal(type_on(&d, a, "2024-01-01", 365, POINT),
                     IB_TYPE_CHRONIC_VULNERABLE);
    ib_mdata_free(&d);
}

/* K 2025: 5688 (30+), 4171 (under 30). Born 29 February 1996: 29 on
 * 2026-02-28, 30 on 2026-03-01 (rows after 2025 fall back to 2025). */
static void test_knowledge_criterion_and_age(void **state)
{
    (void)state;
    ib_mdata d;
    ib_mdata_init(&d);
    int32_t org = fx_org(&d, "asml", IB_ORG_EMPLOYER);
    uint32_t a = fx_person(&d, "a", "1996-02-29", "IN", IB_SEX_M,
                           IB_CAT_KNOWLEDGE);
    fx_stay(&d, a, "2025-06-01", NULL);
    fx_emp(&d, a, "2025-06-01", NULL, IB_CONTRACT_TEMPORARY, 417100, org, -1);
    uint32_t b = fx_person(&d, "b", "1996-02-29", "IN", IB_SEX_M,
                           IB_CAT_KNOWLEDGE);
    fx_stay(&d, b, "2025-06-01", NULL);
    fx_emp(&d, b, "2025-06-01", NULL, IB_CONTRACT_TEMPORARY, 417099, org, -1);
    fx_finish(&d);
    assert_int_equal(ib_ref_knowledge(29, D("2026-02-28")), 417100);
    assert_int_equal(ib_ref_knowledge(30, D("2026-03-01")), 568800);
    assert_int_equal(type_on(&d, a, "2026-02-28", 0, POINT),
                     IB_TYPE_RICH_PASSER);
    assert_int_equal(type_on(&d, a, "2026-03-01", 0, POINT), IB_TYPE_OTHER);
    assert_int_equal(type_on(&d, b, "2026-02-28", 0, POINT), IB_TYPE_OTHER);
    ib_mdata_free(&d);
}

static void test_durable_and_permanent(void **state)
{
    (void)state;
    ib_mdata d;
    ib_mdata_init(&d);
    int32_t org = fx_org(&d, "x", IB_ORG_EMPLOYER);
    /* long stay, permanent, wage exactly K (30+, 2024: 5331) */
    uint32_t a = fx_person(&d, "a", "1980-01-01", "DE", IB_SEX_V, IB_CAT_LABOUR);
    fx_stay(&d, a, "2020-01-01", NULL);
    fx_emp(&d, a, "2020-01-01", NULL, IB_CONTRACT_PERMANENT, 533100, org, -1);
    /* long stay, rich but not permanent: other */
    uint32_t b = fx_person(&d, "b", "1980-01-01", "DE", IB_SEX_V, IB_CAT_LABOUR);
    fx_stay(&d, b, "2020-01-01", NULL);
    fx_emp(&d, b, "2020-01-01", NULL, IB_CONTRACT_TEMPORARY, 600000, org, -1);
    /* agency next to permanent, low wage: not vulnerable */
    uint32_t c = fx_person(&d, "c", "1980-01-01", "DE", IB_SEX_V, IB_CAT_LABOUR);
    fx_stay(&d, c, "2020-01-01", NULL);
    fx_emp(&d, c, "2020-01-01", NULL, IB_CONTRACT_AGENCY, 100000, org, org);
    fx_emp(&d, c, "2023-01-01", NULL, IB_CONTRACT_PERMANENT, 50000, org, -1);
    /* no employment at all: other */
    uint32_t e = fx_person(&d, "e", "1980-01-01", "DE", IB_SEX_V, IB_CAT_LABOUR);
    fx_stay(&d, e, "2020-01-01", NULL);
    fx_finish(&d);
    assert_int_equal(type_on(&d, a, "2024-06-01", 0, POINT),
                     IB_TYPE_DURABLE_RICH);
    assert_int_equal(type_on(&d, b, "2024-06-01", 0, POINT), IB_TYPE_OTHER);
    assert_int_equal(type_on(&d, c, "2022-06-01", 0, POINT),
                     IB_TYPE_CHRONIC_VULNERABLE);
    assert_int_equal(type_on(&d, c, "2024-06-01", 0, POINT), IB_TYPE_OTHER);
    assert_int_equal(type_on(&d, e, "2024-06-01", 0, POINT), IB_TYPE_OTHER);
    ib_mdata_free(&d);
}

static void test_scope(void **state)
{
    (void)state;
    ib_mdata d;
    ib_mdata_init(&d);
    uint32_t a = fx_person(&d, "a", "1980-01-01", "SY", IB_SEX_M,
                           IB_CAT_STATUS_HOLDER);
    fx_stay(&d, a, "2020-01-01", NULL);
    uint32_t b = fx_person(&d, "b", "1980-01-01", "PL", IB_SEX_M, IB_CAT_LABOUR);
    fx_stay(&d, b, "2020-01-01", "2024-06-01");
    fx_finish(&d);
    assert_int_equal(type_on(&d, a, "2024-06-01", 0, POINT), IB_TYPE_COUNT);
    /* departure on R: no longer present */
    assert_int_equal(type_on(&d, b, "2024-06-01", 0, POINT), IB_TYPE_COUNT);
    assert_int_equal(type_on(&d, b, "2024-05-31", 0, POINT), IB_TYPE_OTHER);
    assert_int_equal(type_on(&d, b, "2019-12-31", 0, POINT), IB_TYPE_COUNT);
    ib_mdata_free(&d);
}

/* all-months: the first of every month in [arrival, R] counts. */
static void test_all_months(void **state)
{
    (void)state;
    ib_mdata d;
    ib_mdata_init(&d);
    int32_t org = fx_org(&d, "u", IB_ORG_AGENCY);
    /* agency from arrival, but a gap over 2024-03-01 */
    uint32_t a = fx_person(&d, "a", "1990-01-01", "PL", IB_SEX_M, IB_CAT_LABOUR);
    fx_stay(&d, a, "2024-01-15", NULL);
    fx_emp(&d, a, "2024-01-15", "2024-02-29", IB_CONTRACT_AGENCY, 150000, org, org);
    fx_emp(&d, a, "2024-03-02", NULL, IB_CONTRACT_AGENCY, 150000, org, org);
    /* arrives on the first: that day counts; job starts the day after */
    uint32_t b = fx_person(&d, "b", "1990-01-01", "PL", IB_SEX_M, IB_CAT_LABOUR);
    fx_stay(&d, b, "2024-01-01", NULL);
    fx_emp(&d, b, "2024-01-02", NULL, IB_CONTRACT_AGENCY, 150000, org, org);
    /* arrives mid-month, R in the same month: only R counts */
    uint32_t c = fx_person(&d, "c", "1990-01-01", "PL", IB_SEX_M, IB_CAT_LABOUR);
    fx_stay(&d, c, "2024-05-10", NULL);
    fx_emp(&d, c, "2024-05-20", NULL, IB_CONTRACT_AGENCY, 150000, org, org);
    fx_finish(&d);
    assert_int_equal(type_on(&d, a, "2024-02-29", 0, MONTHS),
                     IB_TYPE_VULNERABLE_PASSER);
    assert_int_equal(type_on(&d, a, "2024-06-01", 0, POINT),
                     IB_TYPE_VULNERABLE_PASSER);
    assert_int_equal(type_on(&d, a, "2024-06-01", 0, MONTHS), IB_TYPE_OTHER);
    assert_int_equal(type_on(&d, b, "2024-06-01", 0, MONTHS), IB_TYPE_OTHER);
    assert_int_equal(type_on(&d, c, "2024-05-31", 0, MONTHS),
                     IB_TYPE_VULNERABLE_PASSER);
    ib_mdata_free(&d);
}

static void test_table_by_group(void **state)
{
    (void)state;
    ib_mdata d;
    ib_mdata_init(&d);
    int32_t org = fx_org(&d, "u", IB_ORG_AGENCY);
    int32_t loc = fx_location(&d, "h", "GM0983", IB_LOC_SHARED_HOUSE, 10,
                              IB_CENTS_NONE, org);
    for (int i = 0; i < 12; i++) {
        char ref[8];
        snprintf(ref, sizeof ref, "p%d", i);
        uint32_t p = fx_person(&d, ref, "1990-01-01", i < 8 ? "PL" : "IN",
                               IB_SEX_M, IB_CAT_LABOUR);
        fx_stay(&d, p, "2024-01-01", NULL);
        if (i < 5)
            fx_emp(&d, p, "2024-01-01", NULL, IB_CONTRACT_AGENCY, 150000, org, org);
        if (i < 3)
            fx_reg(&d, p, IB_REG_BRP, "GM0518", "2024-01-01", NULL);
        else if (i < 6)
            fx_housing(&d, p, loc, "2024-01-01", NULL, org);
    }
    fx_finish(&d);
    ib_mtypology_opts o;
    ib_mtypology_opts_init(&o, D("2024-06-01"));
    ib_mtable t;
    ib_err err;
    assert_int_equal(ib_monitor_typology(&d, &o, IB_GROUP_EU, &t, &err), IB_OK);
    assert_int_equal(t.nrows, 2);
    assert_int_equal(t.ncols, IB_TYPE_COUNT);
    assert_string_equal(t.keys[0], "EU");
    assert_string_equal(t.keys[1], "non-EU");
    assert_int_equal(ib_mtable_get(&t, 0, IB_TYPE_VULNERABLE_PASSER), 5);
    assert_int_equal(ib_mtable_get(&t, 0, IB_TYPE_OTHER), 3);
    assert_int_equal(ib_mtable_get(&t, 1, IB_TYPE_OTHER), 4);
    assert_int_equal(ib_mtable_get(&t, 2, IB_TYPE_COUNT), 12);   /* grand */
    double share;
    assert_true(ib_mtable_share(&t, 0, IB_TYPE_VULNERABLE_PASSER, &share));
    assert_true(share == 5.0 / 8.0);
    ib_msuppress_opts so;
    ib_msuppress_opts_init(&so);
    assert_int_equal(ib_mtable_suppress(&t, &so, &err), IB_OK);
    assert_false(ib_mtable_share(&t, 0, IB_TYPE_VULNERABLE_PASSER, &share));
    ib_mtable_free(&t);

    assert_int_equal(ib_monitor_typology(&d, &o, IB_GROUP_MUNICIPALITY, &t,
                                         &err), IB_OK);
    assert_int_equal(t.nrows, 3);
    assert_string_equal(t.keys[0], "GM0518");   /* BRP */
    assert_string_equal(t.keys[1], "GM0983");   /* housing, no BRP */
    assert_string_equal(t.keys[2], "unknown");
    assert_int_equal(ib_mtable_get(&t, 0, IB_TYPE_COUNT), 3);
    assert_int_equal(ib_mtable_get(&t, 1, IB_TYPE_COUNT), 3);
    assert_int_equal(ib_mtable_get(&t, 2, IB_TYPE_COUNT), 6);
    ib_mtable_free(&t);
    ib_mdata_free(&d);
}

static void test_names(void **state)
{
    (void)state;
    ib_mbasis b;
    ib_err err;
    assert_int_equal(ib_mbasis_parse("all-months", &b, &err), IB_OK);
    assert_int_equal(b, IB_BASIS_ALL_MONTHS);
    assert_int_equal(ib_mbasis_parse("monthly", &b, &err), IB_EINVAL);
    assert_string_equal(ib_mtype_name(IB_TYPE_DURABLE_RICH),
                        "durably_perspective_rich");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vulnerable_at_exactly_130),
        cmocka_unit_test(test_length_boundary),
        cmocka_unit_test(test_knowledge_criterion_and_age),
        cmocka_unit_test(test_durable_and_permanent),
        cmocka_unit_test(test_scope),
        cmocka_unit_test(test_all_months),
        cmocka_unit_test(test_table_by_group),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
