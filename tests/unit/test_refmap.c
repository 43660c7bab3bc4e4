/* test_refmap.c — the store's ref cache: finds what was put, updates in
 * place, and stays bounded: a new ref beyond IB_REFMAP_MAX_ENTRIES empties
 * the map, which then no longer claims to hold every ref of its sender. */
#include "store/store_internal.h"

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

static void test_put_find_update(void **state)
{
    (void)state;
    ib_refmap m = {0};
    ib_refmap_reset(&m, 7);
    assert_null(ib_refmap_find(&m, "P1"));
    assert_int_equal(ib_refmap_put(&m, "P1", 11, 101), IB_OK);
    assert_int_equal(ib_refmap_put(&m, "P2", 12, 102), IB_OK);
    assert_int_equal(ib_refmap_put(&m, "P1", 11, 201), IB_OK);
    assert_int_equal(m.count, 2);
    const ib_refmap_slot *sl = ib_refmap_find(&m, "P1");
    assert_non_null(sl);
    assert_int_equal(sl->id, 11);
    assert_int_equal(sl->content_hash, 201);
    assert_null(ib_refmap_find(&m, "P3"));
    ib_refmap_free(&m);
}

static void test_bounded(void **state)
{
    (void)state;
    ib_refmap m = {0};
    ib_refmap_reset(&m, 7);
    char ref[32];
    for (size_t i = 0; i < IB_REFMAP_MAX_ENTRIES; i++) {
        snprintf(ref, sizeof ref, "P%zu", i);
        assert_int_equal(ib_refmap_put(&m, ref, (int64_t)i + 1, 0), IB_OK);
    }
    m.complete = true;
    size_t cap = m.cap;
    /* a ref already there is updated in place, even when full */
    assert_int_equal(ib_refmap_put(&m, "P5", 6, 99), IB_OK);
    assert_int_equal(m.count, IB_REFMAP_MAX_ENTRIES);
    assert_true(m.complete);
    /* a new one starts over */
    assert_int_equal(ib_refmap_put(&m, "NEW", 42, 0), IB_OK);
    assert_int_equal(m.count, 1);
    assert_true(m.cap < cap);
    assert_false(m.complete);
    assert_int_equal(m.sender_id, 7);
    assert_int_equal(m.preload_at, LONG_MAX);
    assert_null(ib_refmap_find(&m, "P5"));
    assert_int_equal(ib_refmap_find(&m, "NEW")->id, 42);
    ib_refmap_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_find_update),
        cmocka_unit_test(test_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
