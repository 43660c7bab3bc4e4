/* test_registration.c — registration coverage on day R: BRP, RNI or none
 * per municipality (the BRP one, else the housing one), BRP winning over an
 * RNI registration that covers R too, and the persons present more than 120
 * days without BRP (day 120 itself is not yet a signal). */
#include "monitor_fixture.h"

static void test_coverage_on_r(void **state)
{
    (void)state;
    ib_mdata d;
    ib_mdata_init(&d);
    int32_t loc = fx_location(&d, "h", "GM0983", IB_LOC_SHARED_HOUSE, 8,
                              IB_CENTS_NONE, -1);
    /* BRP and RNI both cover R: BRP */
    uint32_t a = fx_person(&d, "a", "1990-01-01", "PL", IB_SEX_M, IB_CAT_LABOUR);
    fx_stay(&d, a, "2024-01-01", NULL);
    fx_reg(&d, a, IB_REG_RNI, NULL, "2024-01-01", NULL);
    fx_reg(&d, a, IB_REG_BRP, "GM0518", "2024-03-01", NULL);
    /* RNI only, housed in GM0983, day 121 */
    uint32_t b = fx_person(&d, "b", "1990-01-01", "RO", IB_SEX_M, IB_CAT_LABOUR);
    fx_stay(&d, b, "2024-02-01", NULL);
    fx_reg(&d, b, IB_REG_RNI, NULL, "2024-02-01", NULL);
    fx_housing(&d, b, loc, "2024-02-01", NULL, -1);
    /* nothing, day 120 exactly: counted as none, not listed */
    uint32_t c = fx_person(&d, "c", "1990-01-01", "BG", IB_SEX_V, IB_CAT_FAMILY);
    fx_stay(&d, c, "2024-02-02", NULL);
    /* BRP ended the day before R: none; housing in GM0983; listed */
    uint32_t e = fx_person(&d, "e", "1990-01-01", "BG", IB_SEX_V, IB_CAT_LABOUR);
    fx_stay(&d, e, "2023-01-01", NULL);
    fx_reg(&d, e, IB_REG_BRP, "GM0518", "2023-01-01", "2024-05-30");
    fx_housing(&d, e, loc, "2023-01-01", NULL, -1);
    /* departed: not present */
    uint32_t f = fx_person(&d, "f", "1990-01-01", "BG", IB_SEX_V, IB_CAT_LABOUR);
    fx_stay(&d, f, "2023-01-01", "2024-05-31");
    fx_finish(&d);
    ib_date R = D("2024-05-31");
    assert_int_equal(R - D("2024-02-01") + 1, 121);
    assert_int_equal(R - D("2024-02-02") + 1, 120);

    int16_t m;
    assert_int_equal(ib_registration_on(&d, a, R, &m), IB_COVER_BRP);
    assert_int_equal(m, 518);
    assert_int_equal(ib_registration_on(&d, b, R, &m), IB_COVER_RNI);
    assert_int_equal(ib_registration_on(&d, e, R, &m), IB_COVER_NONE);

    ib_mtable t;
    ib_munreg_list un;
    ib_err err;
    assert_int_equal(ib_monitor_registration(&d, R, IB_GROUP_MUNICIPALITY, &t,
                                             &un, &err), IB_OK);
    assert_int_equal(t.nrows, 3);
    assert_string_equal(t.keys[0], "GM0518");
    assert_string_equal(t.keys[1], "GM0983");
    assert_string_equal(t.keys[2], "unknown");
    assert_int_equal(ib_mtable_get(&t, 0, IB_COVER_BRP), 1);
    assert_int_equal(ib_mtable_get(&t, 1, IB_COVER_RNI), 1);
    assert_int_equal(ib_mtable_get(&t, 1, IB_COVER_NONE), 1);
    assert_int_equal(ib_mtable_get(&t, 2, IB_COVER_NONE), 1);
    assert_int_equal(ib_mtable_get(&t, 3, IB_COVER_COUNT), 4);
    assert_string_equal(t.cols[IB_COVER_RNI].name, "rni");
    assert_int_equal(un.n, 2);
    assert_int_equal(un.items[0].person, b);
    assert_int_equal(un.items[0].days_present, 121);
    assert_int_equal(un.items[0].cover, IB_COVER_RNI);
    assert_int_equal(un.items[0].municipality, 983);
    assert_int_equal(un.items[1].person, e);
    ib_munreg_list_free(&un);
    ib_mtable_free(&t);
    ib_mdata_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_coverage_on_r),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
