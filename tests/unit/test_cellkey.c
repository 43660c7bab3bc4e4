/* test_cellkey.c — the cell-key perturbation: the ptable's promised
 * properties (bounded noise, mean 0 and variance 2 over the cell keys, no
 * published 1 or 2, nothing negative), the slot of a cell key, record keys
 * that depend on the person and the secret only (not on the data they sit
 * in), perturbed tables (totals on their own, once only, non-counts kept),
 * the same cell perturbed the same in differently filtered data, and the
 * housing locations view deriving nothing from the exact occupancy. */
#include "monitor_fixture.h"

static void test_ptable_properties(void **state)
{
    (void)state;
    for (int64_t count = 0; count <= 60; count++) {
        ib_ptable_entry row[5];
        size_t n = ib_ptable_row(count, row);
        long slots = 0, sum = 0, sum2 = 0;
        for (size_t i = 0; i < n; i++) {
            int64_t out = count + row[i].noise;
            slots += row[i].slots;
            sum += (long)row[i].slots * row[i].noise;
            sum2 += (long)row[i].slots * row[i].noise * row[i].noise;
            assert_true(row[i].slots > 0);
            assert_true(abs(row[i].noise) <= IB_PTABLE_MAX_NOISE);
            assert_true(out >= 0);
            assert_true(out != 1 && out != 2);       /* never published */
            if (count >= IB_PTABLE_FULL)
                assert_true(abs(row[i].noise) <= 2);
        }
        assert_int_equal(slots, IB_PTABLE_SLOTS);
        assert_int_equal(sum, 0);                    /* mean 0 */
        /* variance 2 (60 / 30), 0 for a 0: nobody to protect */
        assert_int_equal(sum2, count == 0 ? 0 : 2 * IB_PTABLE_SLOTS);
        if (count > 0)
            assert_true(n >= 2);                     /* never exact for sure */
    }
}

/* The first cell key of each slot, and the last of the slot before. */
static uint32_t first_key_of(unsigned slot)
{
    uint64_t k = ((uint64_t)slot << 32) / IB_PTABLE_SLOTS;
    while (((k * IB_PTABLE_SLOTS) >> 32) < slot)
        k++;
    return (uint32_t)k;
}

static void test_slots_and_noise_follow_the_row(void **state)
{
    (void)state;
    assert_int_equal(ib_ptable_slot(0), 0);
    assert_int_equal(ib_ptable_slot(UINT32_MAX), IB_PTABLE_SLOTS - 1);
    for (unsigned s = 1; s < IB_PTABLE_SLOTS; s++) {
        assert_int_equal(ib_ptable_slot(first_key_of(s)), s);
        assert_int_equal(ib_ptable_slot(first_key_of(s) - 1), s - 1);
    }
    for (int64_t count = 0; count <= 8; count++) {
        ib_ptable_entry row[5];
        size_t n = ib_ptable_row(count, row);
        unsigned s = 0;
        for (size_t i = 0; i < n; i++)
            for (unsigned j = 0; j < row[i].slots; j++, s++) {
                assert_int_equal(ib_ptable_noise(count, first_key_of(s)),
                                 row[i].noise);
                assert_int_equal(ib_ptable_perturb(count, first_key_of(s)),
                                 count + row[i].noise);
            }
    }
}

static ib_mcellkey secret(uint8_t fill)
{
    ib_mcellkey ck;
    memset(ck.secret, fill, sizeof ck.secret);
    return ck;
}

static void test_record_keys(void **state)
{
    (void)state;
    ib_mcellkey a = secret(1), b = secret(2);
    ib_mdata d1, d2;
    ib_mdata_init(&d1);
    ib_mdata_init(&d2);
    uint32_t x1 = fx_person(&d1, "P1", "1990-01-01", "PL", IB_SEX_M, IB_CAT_LABOUR);
    uint32_t y1 = fx_person(&d1, "P2", "1990-01-01", "PL", IB_SEX_M, IB_CAT_LABOUR);
    fx_person(&d2, "P0", "1980-01-01", "RO", IB_SEX_V, IB_CAT_LABOUR);
    uint32_t x2 = fx_person(&d2, "P1", "1990-01-01", "PL", IB_SEX_M, IB_CAT_LABOUR);
    fx_finish(&d1);
    fx_finish(&d2);
    /* the same person in other data, at another index: the same key */
    assert_int_equal(ib_mrecord_key(&a, &d1, x1), ib_mrecord_key(&a, &d2, x2));
    assert_int_not_equal(ib_mrecord_key(&a, &d1, x1), ib_mrecord_key(&a, &d1, y1));
    assert_int_not_equal(ib_mrecord_key(&a, &d1, x1), ib_mrecord_key(&b, &d1, x1));
    assert_int_equal(ib_mrecord_key(NULL, &d1, x1), 0);
    ib_mdata_free(&d1);
    ib_mdata_free(&d2);
}

static void test_table_perturbation(void **state)
{
    (void)state;
    static const ib_mcolumn cols[] = {{"a", 0, true}, {"b", 0, true},
                                      {"m2", 2, false}};
    const char *key = "row", *r0 = "r0", *r1 = "r1";
    ib_mtable t;
    assert_int_equal(ib_mtable_init(&t, "t", 1, &key, 3, cols, true, true), IB_OK);
    assert_int_equal(ib_mtable_add_row(&t, &r0), 0);
    assert_int_equal(ib_mtable_add_row(&t, &r1), 1);
    const int64_t v[2][3] = {{1, 40, 1234}, {7, 0, 999}};
    const uint32_t k[2][3] = {{first_key_of(0), 0x9e3779b9u, 5},
                              {first_key_of(29), 0, 6}};
    for (size_t r = 0; r < 2; r++)
        for (size_t c = 0; c < 3; c++) {
            *ib_mtable_at(&t, r, c) = v[r][c];
            *ib_mtable_key_at(&t, r, c) = k[r][c];
        }
    ib_mtable_sum(&t);
    /* totals are keyed by the sum of their cells' keys */
    assert_int_equal(t.ckeys[0 * 4 + 3], (uint32_t)(k[0][0] + k[0][1]));
    assert_int_equal(t.ckeys[2 * 4 + 0], (uint32_t)(k[0][0] + k[1][0]));
    assert_int_equal(t.ckeys[2 * 4 + 3],
                     (uint32_t)(k[0][0] + k[0][1] + k[1][0] + k[1][1]));
    int64_t before[12];
    memcpy(before, t.values, sizeof before);
    ib_mtable_perturb(&t);
    assert_true(t.perturbed);
    for (size_t r = 0; r < 3; r++)
        for (size_t c = 0; c < 4; c++) {
            int64_t was = before[r * 4 + c], now = t.values[r * 4 + c];
            if (c == 2) {
                assert_int_equal(now, was);          /* not a count */
                continue;
            }
            assert_int_equal(now, ib_ptable_perturb(was, t.ckeys[r * 4 + c]));
        }
    assert_int_equal(ib_mtable_get(&t, 0, 0), 0);    /* 1, slot 0: -1 */
    assert_int_equal(ib_mtable_get(&t, 1, 0), 9);    /* 7, slot 29: +2 */
    assert_int_equal(ib_mtable_get(&t, 1, 1), 0);    /* a 0 stays 0 */
    int64_t once[12];
    memcpy(once, t.values, sizeof once);
    ib_mtable_perturb(&t);                           /* once only */
    assert_memory_equal(once, t.values, sizeof once);
    ib_mtable_free(&t);
}

/* Registration in one municipality, with and without persons elsewhere:
 * the cell of the same persons is published the same (a filter cannot be
 * told from noise), and the totals differ from the sums. */
static void add_registered(ib_mdata *d, const char *ref, const char *muni)
{
    uint32_t p = fx_person(d, ref, "1990-01-01", "PL", IB_SEX_M, IB_CAT_LABOUR);
    fx_stay(d, p, "2023-01-01", NULL);
    fx_reg(d, p, IB_REG_BRP, muni, "2023-01-02", NULL);
}

static int64_t cell_of(const ib_mtable *t, const char *row, size_t c)
{
    for (size_t r = 0; r < t->nrows; r++)
        if (strcmp(t->keys[r * t->nkeys], row) == 0)
            return ib_mtable_get(t, r, c);
    fail_msg("no row %s", row);
    return -1;
}

static void test_same_persons_same_noise(void **state)
{
    (void)state;
    ib_mcellkey ck = secret(7);
    ib_mdata d1, d2;
    ib_mdata_init(&d1);
    ib_mdata_init(&d2);
    char ref[16];
    for (int i = 0; i < 30; i++) {
        snprintf(ref, sizeof ref, "A%02d", i);
        add_registered(&d1, ref, "GM0518");
        add_registered(&d2, ref, "GM0518");
    }
    for (int i = 0; i < 4; i++) {
        snprintf(ref, sizeof ref, "B%02d", i);
        add_registered(&d2, ref, "GM0344");
    }
    fx_finish(&d1);
    fx_finish(&d2);
    ib_mtable t1, t2;
    ib_err err;
    ib_date R = D("2024-06-01");
    assert_int_equal(ib_monitor_registration_keyed(&d1, R, IB_GROUP_MUNICIPALITY, &ck,
                                                   &t1, NULL, &err), IB_OK);
    assert_int_equal(ib_monitor_registration_keyed(&d2, R, IB_GROUP_MUNICIPALITY, &ck,
                                                   &t2, NULL, &err), IB_OK);
    ib_mtable_perturb(&t1);
    ib_mtable_perturb(&t2);
    assert_int_equal(cell_of(&t1, "GM0518", IB_COVER_BRP),
                     cell_of(&t2, "GM0518", IB_COVER_BRP));
    int64_t b = cell_of(&t2, "GM0344", IB_COVER_BRP);
    assert_true(b == 3 || b == 6);                   /* 4: row_4 */
    ib_mtable_free(&t1);
    ib_mtable_free(&t2);
    ib_mdata_free(&d1);
    ib_mdata_free(&d2);
}

/* m2_per_person and overcrowded follow the published occupancy: floor
 * area / m2_per_person gives the perturbed count, never the exact one. */
static void test_locations_derive_from_the_published_occupancy(void **state)
{
    (void)state;
    ib_mdata d;
    ib_mdata_init(&d);
    int32_t l[3];
    l[0] = fx_location(&d, "l0", "GM0983", IB_LOC_SHARED_HOUSE, -1, 4800, -1);
    l[1] = fx_location(&d, "l1", "GM0983", IB_LOC_SHARED_HOUSE, -1, 3000, -1);
    l[2] = fx_location(&d, "l2", "GM0983", IB_LOC_SHARED_HOUSE, -1, 9000, -1);
    const int occupants[3] = {1, 2, 4};
    char ref[16];
    for (int i = 0, n = 0; i < 3; i++)
        for (int j = 0; j < occupants[i]; j++, n++) {
            snprintf(ref, sizeof ref, "P%d", n);
            uint32_t p = fx_person(&d, ref, "1990-01-01", "PL", IB_SEX_M, IB_CAT_LABOUR);
            fx_stay(&d, p, "2023-01-01", NULL);
            fx_housing(&d, p, l[i], "2023-01-01", NULL, -1);
        }
    fx_finish(&d);
    ib_mcellkey ck = secret(3);
    ib_mhousing_opts o;
    ib_mhousing_opts_init(&o, D("2024-06-01"));
    o.cellkey = &ck;
    ib_mtable t;
    ib_err err;
    assert_int_equal(ib_monitor_housing_locations(&d, &o, &t, &err), IB_OK);
    assert_true(t.perturbed);
    for (size_t r = 0; r < 3; r++) {
        int64_t occ = ib_mtable_get(&t, r, 0);
        assert_true(occ != 1 && occ != 2);
        assert_true(occ == 0 || occ >= 3);
        int64_t per = ib_mtable_get(&t, r, 3);
        if (occ == 0) {
            assert_true(per == IB_MVALUE_NONE);
        } else {
            int64_t area = ib_mtable_get(&t, r, 2);
            assert_int_equal(per, (area + occ / 2) / occ);
            assert_int_equal(ib_mtable_get(&t, r, 4),
                             ib_location_is_overcrowded(&d.locations[r],
                                                        (uint32_t)occ, 1200));
        }
    }
    ib_mtable_free(&t);
    ib_mdata_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ptable_properties),
        cmocka_unit_test(test_slots_and_noise_follow_the_row),
        cmocka_unit_test(test_record_keys),
        cmocka_unit_test(test_table_perturbation),
        cmocka_unit_test(test_same_persons_same_noise),
        cmocka_unit_test(test_locations_derive_from_the_published_occupancy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
