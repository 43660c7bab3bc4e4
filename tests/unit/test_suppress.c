/* test_suppress.c — small-cell suppression on hand-made tables: one small
 * cell in a row gets a partner; a 2-D table gets a rectangle; a suppressed
 * cell that is a bridge between two rectangles (derivable through several
 * lines) gets one more; zeros (literal spec vs zero_is_safe); a small total;
 * non-count columns; and the texts and shares shown ("<10" for a small
 * cell, "verborgen" for one hidden to protect another). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "monitor/monitor.h"

#define P IB_MCELL_PRIMARY
#define S IB_MCELL_SECONDARY

/* A table of nr x nc counts (row-major), totals as asked. */
static void make(ib_mtable *t, size_t nr, size_t nc, const int64_t *v,
                 bool row_totals, bool col_totals)
{
    ib_mcolumn cols[8];
    memset(cols, 0, sizeof cols);
    for (size_t c = 0; c < nc; c++) {
        snprintf(cols[c].name, sizeof cols[c].name, "c%zu", c);
        cols[c].is_count = true;
    }
    const char *key = "row";
    assert_int_equal(ib_mtable_init(t, "t", 1, &key, nc, cols, row_totals,
                                    col_totals), IB_OK);
    for (size_t r = 0; r < nr; r++) {
        char label[24];
        snprintf(label, sizeof label, "r%zu", r);
        const char *k = label;
        assert_int_equal(ib_mtable_add_row(t, &k), (long)r);
        for (size_t c = 0; c < nc; c++)
            *ib_mtable_at(t, r, c) = v[r * nc + c];
    }
    ib_mtable_sum(t);
}

static void suppress(ib_mtable *t, int64_t k, bool zero_is_safe)
{
    ib_msuppress_opts o = {k, zero_is_safe};
    ib_err err;
    assert_int_equal(ib_mtable_suppress(t, &o, &err), IB_OK);
}

/* Flags of the whole grid, totals included, row-major. */
static void expect(const ib_mtable *t, const uint8_t *want)
{
    size_t w = t->ncols + 1;
    for (size_t i = 0; i < (t->nrows + 1) * w; i++) {
        if (t->flags[i] != want[i])
            print_error("cell %zu,%zu: flag %d, want %d\n", i / w, i % w,
                        t->flags[i], want[i]);
        assert_int_equal(t->flags[i], want[i]);
    }
}

static void test_one_row(void **state)
{
    (void)state;
    const int64_t v[] = {3, 20, 30};
    ib_mtable t;
    make(&t, 1, 3, v, true, false);
    suppress(&t, 10, false);
    const uint8_t want[] = {P, S, 0, 0, 0, 0, 0, 0};
    expect(&t, want);
    char buf[16];
    assert_string_equal(ib_mtable_text(&t, 0, 0, buf, sizeof buf), "<10");
    /* 20 is hidden only to protect the 3: it says so, not "<10" */
    assert_string_equal(ib_mtable_text(&t, 0, 1, buf, sizeof buf), "verborgen");
    assert_string_equal(ib_mtable_text(&t, 0, 3, buf, sizeof buf), "53");
    ib_mtable_free(&t);
}

static void test_rectangle(void **state)
{
    (void)state;
    const int64_t v[] = {5, 20, 30,
                         15, 25, 40,
                         12, 18, 50};
    ib_mtable t;
    make(&t, 3, 3, v, true, true);
    assert_int_equal(ib_mtable_get(&t, 3, 3), 215);
    suppress(&t, 10, false);
    const uint8_t want[] = {P, S, 0, 0,
                            0, 0, 0, 0,
                            S, S, 0, 0,
                            0, 0, 0, 0};
    expect(&t, want);
    double share;
    assert_false(ib_mtable_share(&t, 0, 0, &share));
    assert_true(ib_mtable_share(&t, 0, 2, &share));
    assert_true(share == 30.0 / 55.0);
    ib_mtable_free(&t);
}

/* Two rectangles of small cells joined by (0,2): every line holds two or
 * more suppressed cells, yet (0,2) = (R0 + R1) - (C0 + C1) - shown cells.
 * The smallest shown cell of its row (50) or column (60) joins: 50. */
static void test_bridge(void **state)
{
    (void)state;
    const int64_t v[] = {1, 2, 3, 50,
                         4, 5, 60, 70,
                         80, 90, 6, 7,
                         60, 70, 8, 9};
    ib_mtable t;
    make(&t, 4, 4, v, true, true);
    suppress(&t, 10, false);
    const uint8_t want[] = {P, P, P, S, 0,
                            P, P, 0, 0, 0,
                            0, 0, P, P, 0,
                            0, 0, P, P, 0,
                            0, 0, 0, 0, 0};
    expect(&t, want);
    ib_mtable_free(&t);
}

static void test_zeros(void **state)
{
    (void)state;
    const int64_t v[] = {0, 40, 30,
                         20, 25, 40};
    ib_mtable t;
    make(&t, 2, 3, v, true, true);
    suppress(&t, 10, false);         /* literal: 0 < 10 */
    const uint8_t lit[] = {P, 0, S, 0,
                           S, 0, S, 0,
                           0, 0, 0, 0};
    expect(&t, lit);
    suppress(&t, 10, true);          /* zero_is_safe: nothing to hide */
    const uint8_t safe[12] = {0};
    expect(&t, safe);
    char buf[16];
    assert_string_equal(ib_mtable_text(&t, 0, 0, buf, sizeof buf), "0");
    ib_mtable_free(&t);
}

/* A row total under k hides the whole row, and the column partners. */
static void test_small_total(void **state)
{
    (void)state;
    const int64_t v[] = {3, 5,
                         30, 40,
                         25, 11};
    ib_mtable t;
    make(&t, 3, 2, v, true, true);
    suppress(&t, 10, false);
    const uint8_t want[] = {P, P, P,
                            0, 0, 0,
                            S, S, S,
                            0, 0, 0};
    expect(&t, want);
    ib_mtable_free(&t);
}

static void test_non_count_columns(void **state)
{
    (void)state;
    const ib_mcolumn cols[] = {{"persons", 0, true}, {"capacity", 0, false},
                               {"area", 2, false}};
    const char *key = "loc";
    ib_mtable t;
    assert_int_equal(ib_mtable_init(&t, "t", 1, &key, 3, cols, false, false),
                     IB_OK);
    const char *k = "l0";
    assert_int_equal(ib_mtable_add_row(&t, &k), 0);
    *ib_mtable_at(&t, 0, 0) = 3;
    *ib_mtable_at(&t, 0, 1) = 2;
    *ib_mtable_at(&t, 0, 2) = 1205;
    ib_mtable_sum(&t);
    suppress(&t, 10, false);
    assert_false(ib_mtable_is_shown(&t, 0, 0));
    assert_true(ib_mtable_is_shown(&t, 0, 1));
    char buf[16];
    assert_string_equal(ib_mtable_text(&t, 0, 2, buf, sizeof buf), "12.05");
    assert_string_equal(ib_mtable_text(&t, 0, 3, buf, sizeof buf), "");
    ib_msuppress_opts o = {0, false};
    ib_err err;
    assert_int_equal(ib_mtable_suppress(&t, &o, &err), IB_EINVAL);
    ib_mtable_free(&t);
}

/* Many rows: stays stable and every line ends with 0 or >= 2 suppressed. */
static void test_larger_table_is_stable(void **state)
{
    (void)state;
    int64_t v[40 * 5];
    unsigned x = 12345;
    for (size_t i = 0; i < 40 * 5; i++) {
        x = x * 1103515245u + 12345u;
        v[i] = (int64_t)((x >> 16) % 40);
    }
    ib_mtable t;
    make(&t, 40, 5, v, true, true);
    suppress(&t, 10, false);
    size_t w = t.ncols + 1;
    for (size_t r = 0; r <= t.nrows; r++) {
        int n = 0;
        for (size_t c = 0; c < w; c++)
            n += t.flags[r * w + c] != 0;
        assert_true(n == 0 || n >= 2);
    }
    for (size_t c = 0; c < w; c++) {
        int n = 0;
        for (size_t r = 0; r <= t.nrows; r++)
            n += t.flags[r * w + c] != 0;
        assert_true(n == 0 || n >= 2);
    }
    ib_mtable_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_row),
        cmocka_unit_test(test_rectangle),
        cmocka_unit_test(test_bridge),
        cmocka_unit_test(test_zeros),
        cmocka_unit_test(test_small_total),
        cmocka_unit_test(test_non_count_columns),
        cmocka_unit_test(test_larger_table_is_stable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
