/* Login rate limit (src/http/rate_limit.c): a burst of N, then one
 * attempt every 60/N seconds, per address; no reset at the turn of a
 * minute. */
#include "http/http_internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>

#define SEC INT64_C(1000000)

static bool take(ib_rate_limiter *rl, const char *addr, int64_t t, unsigned *retry)
{
    return ib_rate_take(rl, addr, t, retry);
}

static void burst_then_refused_with_retry_after(void **state)
{
    (void)state;
    ib_rate_limiter rl;
    ib_rate_init(&rl, 3);
    unsigned retry = 99;
    int64_t t = 1000 * SEC;
    for (int i = 0; i < 3; i++) {
        assert_true(take(&rl, "10.0.0.1", t, &retry));
        assert_int_equal(retry, 0);
    }
    assert_false(take(&rl, "10.0.0.1", t, &retry));
    assert_int_equal(retry, 20);              /* one attempt per 20 s */
    assert_false(take(&rl, "10.0.0.1", t + 19 * SEC, &retry));
    assert_int_equal(retry, 1);
    assert_true(take(&rl, "10.0.0.1", t + 20 * SEC, &retry));
    assert_false(take(&rl, "10.0.0.1", t + 20 * SEC, &retry));
    ib_rate_destroy(&rl);
}

/* The failure CI once saw: a count per calendar minute started again when
 * the attempts straddled the minute, letting 2N through in a second. */
static void turn_of_the_minute_gives_no_new_burst(void **state)
{
    (void)state;
    ib_rate_limiter rl;
    ib_rate_init(&rl, 3);
    unsigned retry;
    int64_t t = 59 * SEC + SEC / 2;           /* half a second before 1:00 */
    for (int i = 0; i < 3; i++)
        assert_true(take(&rl, "a", t, &retry));
    assert_false(take(&rl, "a", 60 * SEC, &retry));
    assert_false(take(&rl, "a", 61 * SEC, &retry));
    ib_rate_destroy(&rl);
}

static void addresses_are_counted_apart(void **state)
{
    (void)state;
    ib_rate_limiter rl;
    ib_rate_init(&rl, 1);
    unsigned retry;
    assert_true(take(&rl, "a", SEC, &retry));
    assert_false(take(&rl, "a", SEC, &retry));
    assert_true(take(&rl, "b", SEC, &retry));
    assert_true(take(&rl, "a", 61 * SEC, &retry));   /* a full minute later */
    ib_rate_destroy(&rl);
}

/* A full table takes over the slot idle longest; a busy address keeps its
 * count while many others come and go. */
static void full_table_forgets_idle_addresses_first(void **state)
{
    (void)state;
    ib_rate_limiter rl;
    ib_rate_init(&rl, 2);
    unsigned retry;
    int64_t t = 100 * SEC;
    assert_true(take(&rl, "busy", t + 50 * SEC, &retry));
    assert_true(take(&rl, "busy", t + 50 * SEC, &retry));
    char addr[32];
    for (int i = 0; i < IB_HTTP_RATE_SLOTS + 10; i++) {
        snprintf(addr, sizeof addr, "10.1.%d.%d", i / 256, i % 256);
        assert_true(take(&rl, addr, t, &retry));
    }
    assert_false(take(&rl, "busy", t + 50 * SEC, &retry));
    ib_rate_destroy(&rl);
}

static void high_rates_still_limit(void **state)
{
    (void)state;
    ib_rate_limiter rl;
    ib_rate_init(&rl, 1000000);
    unsigned retry;
    int allowed = 0;
    for (int i = 0; i < 1000001; i++)
        allowed += take(&rl, "a", 5 * SEC, &retry);
    assert_int_equal(allowed, 1000000);
    assert_int_equal(retry, 1);
    ib_rate_destroy(&rl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(burst_then_refused_with_retry_after),
        cmocka_unit_test(turn_of_the_minute_gives_no_new_burst),
        cmocka_unit_test(addresses_are_counted_apart),
        cmocka_unit_test(full_table_forgets_idle_addresses_first),
        cmocka_unit_test(high_rates_still_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
