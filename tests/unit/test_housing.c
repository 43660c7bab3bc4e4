/* test_housing.c — housing on day R: occupancy (a person once per location,
 * episodes ending the day before R or starting the day after left out),
 * overcrowding against capacity and the floor-area norm at the exact
 * boundary, tied housing, providers and the work-live matrix. */
#include "monitor_fixture.h"

static void test_occupancy_and_overcrowding(void **state)
{
    (void)state;
    ib_mdata d;
    ib_mdata_init(&d);
    /* 24.00 m2 for 2 persons = exactly the norm: not overcrowded */
    int32_t l0 = fx_location(&d, "l0", "GM0983", IB_LOC_SHARED_HOUSE, -1, 2400, -1);
    /* 23.99 m2 for 2: overcrowded */
    int32_t l1 = fx_location(&d, "l1", "GM0983", IB_LOC_SHARED_HOUSE, 5, 2399, -1);
    /* capacity 1, 2 persons: overcrowded; unknown area */
    int32_t l2 = fx_location(&d, "l2", "GM0518", IB_LOC_OTHER, 1, IB_CENTS_NONE, -1);
    ib_date R = D("2024-06-01");
    const char *refs[] = {"a", "b", "c", "e", "f", "g"};
    uint32_t p[6];
    for (int i = 0; i < 6; i++) {
        p[i] = fx_person(&d, refs[i], "1990-01-01", "PL", IB_SEX_M, IB_CAT_LABOUR);
        fx_stay(&d, p[i], "2024-01-01", NULL);
    }
    fx_housing(&d, p[0], l0, "2024-01-01", "2024-06-01", -1);   /* ends on R */
    fx_housing(&d, p[0], l0, "2024-06-01", NULL, -1);           /* same loc */
    fx_housing(&d, p[1], l0, "2024-06-01", NULL, -1);           /* starts on R */
    fx_housing(&d, p[2], l0, "2024-01-01", "2024-05-31", -1);   /* ended */
    fx_housing(&d, p[2], l0, "2024-06-02", NULL, -1);           /* not yet */
    fx_housing(&d, p[3], l1, "2024-01-01", NULL, -1);
    fx_housing(&d, p[4], l1, "2024-01-01", NULL, -1);
    fx_housing(&d, p[5], l2, "2024-01-01", NULL, -1);
    fx_housing(&d, p[4], l2, "2024-01-01", NULL, -1);           /* two homes */
    fx_finish(&d);
    uint32_t *occ;
    ib_err err;
    assert_int_equal(ib_monitor_occupancy(&d, R, &occ, &err), IB_OK);
    assert_int_equal(occ[l0], 2);
    assert_int_equal(occ[l1], 2);
    assert_int_equal(occ[l2], 2);
    assert_false(ib_location_is_overcrowded(&d.locations[l0], 2, 1200));
    assert_true(ib_location_is_overcrowded(&d.locations[l1], 2, 1200));
    assert_true(ib_location_is_overcrowded(&d.locations[l2], 2, 1200));
    assert_false(ib_location_is_overcrowded(&d.locations[l2], 1, 1200));
    assert_true(ib_location_is_overcrowded(&d.locations[l0], 2, 1201));
    free(occ);

    ib_mhousing_opts o;
    ib_mhousing_opts_init(&o, R);
    ib_mtable t;
    assert_int_equal(ib_monitor_housing_locations(&d, &o, &t, &err), IB_OK);
    assert_int_equal(t.nrows, 3);
    char buf[32];
    assert_string_equal(ib_mtable_text(&t, 1, 2, buf, sizeof buf), "23.99");
    assert_string_equal(ib_mtable_text(&t, 1, 3, buf, sizeof buf), "12.00");
    assert_string_equal(ib_mtable_text(&t, 0, 1, buf, sizeof buf), "");
    assert_int_equal(ib_mtable_get(&t, 1, 4), 1);
    assert_int_equal(ib_mtable_get(&t, 0, 4), 0);
    assert_string_equal(t.keys[2 * 3 + 2], "other");
    ib_mtable_free(&t);

    assert_int_equal(ib_monitor_housing_municipalities(&d, &o, &t, &err), IB_OK);
    assert_int_equal(t.nrows, 2);
    assert_string_equal(t.keys[0], "GM0518");
    assert_int_equal(ib_mtable_get(&t, 0, 0), 2);    /* housed */
    assert_int_equal(ib_mtable_get(&t, 0, 1), 2);    /* in overcrowded */
    assert_int_equal(ib_mtable_get(&t, 1, 0), 4);
    assert_int_equal(ib_mtable_get(&t, 1, 1), 2);
    assert_int_equal(ib_mtable_get(&t, 1, 3), 2);    /* locations occupied */
    assert_int_equal(ib_mtable_get(&t, 1, 4), 1);    /* of which overcrowded */
    assert_int_equal(ib_mtable_get(&t, 2, 0), 6);    /* column total */
    ib_mtable_free(&t);
    ib_mdata_free(&d);
}

static void test_tied_providers_worklive(void **state)
{
    (void)state;
    ib_mdata d;
    ib_mdata_init(&d);
    int32_t agency = fx_org(&d, "uit", IB_ORG_AGENCY);
    int32_t farm = fx_org(&d, "boer", IB_ORG_EMPLOYER);
    int32_t corp = fx_org(&d, "corp", IB_ORG_HOUSING_PROVIDER);
    int32_t mixed = fx_org(&d, "mix", IB_ORG_EMPLOYER);
    int32_t l0 = fx_location(&d, "l0", "GM0983", IB_LOC_SHORT_STAY_FACILITY, 50,
                             IB_CENTS_NONE, agency);
    int32_t l1 = fx_location(&d, "l1", "GM1507", IB_LOC_SHARED_HOUSE, 8,
                             IB_CENTS_NONE, farm);
    fx_location(&d, "l2", "GM0518", IB_LOC_OTHER, 8, IB_CENTS_NONE, mixed);
    fx_location(&d, "l3", "GM0363", IB_LOC_OTHER, 8, IB_CENTS_NONE, mixed);
    ib_date R = D("2024-06-01");
    uint32_t p[5];
    for (int i = 0; i < 5; i++) {
        char ref[4] = {'p', (char)('0' + i), 0, 0};
        p[i] = fx_person(&d, ref, "1990-01-01", "PL", IB_SEX_M, IB_CAT_LABOUR);
        fx_stay(&d, p[i], "2024-01-01", NULL);
    }
    /* p0: agency job at the farm, bed from the agency: tied */
    fx_emp(&d, p[0], "2024-01-01", NULL, IB_CONTRACT_AGENCY, 200000, farm, agency);
    fx_housing(&d, p[0], l0, "2024-01-01", NULL, agency);
    /* p1: job ended the day before R, bed from the agency: not tied */
    fx_emp(&d, p[1], "2024-01-01", "2024-05-31", IB_CONTRACT_AGENCY, 200000,
           farm, agency);
    fx_housing(&d, p[1], l0, "2024-01-01", NULL, agency);
    /* p2: employed by the farm directly, bed from the farm: tied */
    fx_emp(&d, p[2], "2024-01-01", NULL, IB_CONTRACT_TEMPORARY, 200000, farm, -1);
    fx_housing(&d, p[2], l0, "2024-01-01", NULL, farm);
    /* p3: bed from a corporation: not tied; employer with mixed places */
    fx_emp(&d, p[3], "2024-01-01", NULL, IB_CONTRACT_PERMANENT, 300000, mixed, -1);
    fx_housing(&d, p[3], l1, "2024-01-01", NULL, corp);
    /* p4: provider unknown */
    fx_housing(&d, p[4], l1, "2024-01-01", NULL, -1);
    fx_finish(&d);
    assert_true(ib_housing_is_tied(&d, p[0], &d.housings[d.housing_off[p[0]]], R));
    assert_false(ib_housing_is_tied(&d, p[1], &d.housings[d.housing_off[p[1]]], R));
    assert_true(ib_housing_is_tied(&d, p[2], &d.housings[d.housing_off[p[2]]], R));
    assert_false(ib_housing_is_tied(&d, p[3], &d.housings[d.housing_off[p[3]]], R));

    ib_mhousing_opts o;
    ib_mhousing_opts_init(&o, R);
    ib_mtable t;
    ib_err err;
    assert_int_equal(ib_monitor_housing_providers(&d, &o, &t, &err), IB_OK);
    assert_int_equal(t.nrows, 3);
    assert_string_equal(t.keys[0], "uit");
    assert_int_equal(ib_mtable_get(&t, 0, 0), 2);
    assert_int_equal(ib_mtable_get(&t, 0, 1), 1);
    assert_string_equal(t.keys[1 * 3], "boer");
    assert_int_equal(ib_mtable_get(&t, 1, 1), 1);
    assert_string_equal(t.keys[2 * 3 + 2], "housing_provider");
    assert_int_equal(ib_mtable_get(&t, 2, 1), 0);
    ib_mtable_free(&t);

    assert_int_equal(ib_monitor_housing_municipalities(&d, &o, &t, &err), IB_OK);
    assert_string_equal(t.keys[0], "GM0983");
    assert_int_equal(ib_mtable_get(&t, 0, 2), 2);    /* tied in GM0983 */
    ib_mtable_free(&t);

    /* farm -> GM1507 (its one location); mixed -> unknown; agency's own
     * location does not make p0's employer (the farm) known elsewhere */
    assert_int_equal(ib_monitor_worklive(&d, &o, &t, &err), IB_OK);
    assert_int_equal(t.nrows, 2);
    assert_int_equal(t.ncols, 3);
    assert_string_equal(t.cols[0].name, "GM1507");
    assert_string_equal(t.cols[1].name, "unknown");
    assert_string_equal(t.cols[2].name, "no_employment");
    assert_string_equal(t.keys[0], "GM0983");
    assert_int_equal(ib_mtable_get(&t, 0, 0), 2);    /* p0, p2 */
    assert_int_equal(ib_mtable_get(&t, 0, 2), 1);    /* p1 */
    assert_int_equal(ib_mtable_get(&t, 1, 1), 1);    /* p3 */
    assert_int_equal(ib_mtable_get(&t, 1, 2), 1);    /* p4 */
    assert_int_equal(ib_mtable_get(&t, 2, 3), 5);
    ib_mtable_free(&t);
    ib_mdata_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_occupancy_and_overcrowding),
        cmocka_unit_test(test_tied_providers_worklive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
