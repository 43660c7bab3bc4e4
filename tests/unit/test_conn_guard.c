/* Request deadlines (src/http/conn_guard.c): a connection that has not
 * delivered a complete request within the timeout since it opened or since
 * its previous answer is shut down, however often it sends a byte; one
 * whose request is in is left alone. Checked on socket pairs, with the
 * default timeout of `inbeeld serve` and the sweep's clock given, and once
 * with the watcher thread itself. */
#include "http/http_internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#define SEC INT64_C(1000)

static unsigned default_timeout(void)
{
    ib_http_config cfg;
    ib_http_config_defaults(&cfg);
    return cfg.timeout_s;
}

/* Whether the server side of the pair (fds[0]) was shut down: the client
 * side reads the end of the stream. */
static bool was_shut(int fds[2])
{
    struct pollfd p = {.fd = fds[1], .events = POLLIN};
    char c;
    return poll(&p, 1, 0) == 1 && read(fds[1], &c, 1) == 0;
}

static void default_deadline_is_30_seconds(void **state)
{
    (void)state;
    assert_int_equal(default_timeout(), 30);
    assert_false(ib_conn_deadline_passed(1000, 1000 + 30 * SEC - 1, 30));
    assert_true(ib_conn_deadline_passed(1000, 1000 + 30 * SEC, 30));
    assert_false(ib_conn_deadline_passed(0, INT64_MAX / 2, 30));   /* request in */
}

static void slow_request_shut_at_deadline_not_before(void **state)
{
    (void)state;
    ib_conn_guard *g;
    ib_err err;
    assert_int_equal(ib_conn_guard_new(&g, default_timeout(), &err), IB_OK);
    int fds[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    int64_t opened = ib_conn_guard_now_ms();
    ib_conn_watch *w = ib_conn_guard_add(g, fds[0]);
    assert_non_null(w);
    /* Bytes keep coming (MHD's idle timeout never fires), but no request. */
    assert_int_equal(ib_conn_guard_sweep(g, opened + 29 * SEC), 0);
    assert_false(was_shut(fds));
    assert_int_equal(ib_conn_guard_sweep(g, opened + 31 * SEC), 1);
    assert_true(was_shut(fds));
    assert_int_equal(ib_conn_guard_sweep(g, opened + 60 * SEC), 0);  /* once */
    assert_int_equal(ib_conn_guard_dropped(g), 1);
    ib_conn_guard_remove(g, w);
    ib_conn_guard_stop(g);
    close(fds[0]);
    close(fds[1]);
}

static void request_in_has_no_deadline_until_answered(void **state)
{
    (void)state;
    ib_conn_guard *g;
    ib_err err;
    assert_int_equal(ib_conn_guard_new(&g, default_timeout(), &err), IB_OK);
    int fds[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    ib_conn_watch *w = ib_conn_guard_add(g, fds[0]);
    ib_conn_watch_request_in(w);            /* a long import being stored */
    int64_t now = ib_conn_guard_now_ms();
    assert_int_equal(ib_conn_guard_sweep(g, now + 3600 * SEC), 0);
    assert_false(was_shut(fds));
    ib_conn_watch_answered(w);              /* kept alive: the next request */
    int64_t answered = ib_conn_guard_now_ms();
    assert_int_equal(ib_conn_guard_sweep(g, answered + 29 * SEC), 0);
    assert_int_equal(ib_conn_guard_sweep(g, answered + 31 * SEC), 1);
    assert_true(was_shut(fds));
    ib_conn_guard_stop(g);                  /* frees the watch left */
    close(fds[0]);
    close(fds[1]);
}

static void removed_watch_is_left_alone(void **state)
{
    (void)state;
    ib_conn_guard *g;
    ib_err err;
    assert_int_equal(ib_conn_guard_new(&g, 1, &err), IB_OK);
    int fds[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    ib_conn_guard_remove(g, ib_conn_guard_add(g, fds[0]));
    assert_int_equal(ib_conn_guard_sweep(g, ib_conn_guard_now_ms() + 60 * SEC), 0);
    assert_false(was_shut(fds));
    ib_conn_guard_remove(g, NULL);          /* an unguarded connection */
    ib_conn_guard_stop(g);
    close(fds[0]);
    close(fds[1]);
}

static void watcher_thread_shuts_within_a_second_of_deadline(void **state)
{
    (void)state;
    ib_conn_guard *g;
    ib_err err;
    assert_int_equal(ib_conn_guard_new(&g, 1, &err), IB_OK);
    assert_int_equal(ib_conn_guard_start(g, &err), IB_OK);
    int fds[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    int64_t opened = ib_conn_guard_now_ms();
    ib_conn_guard_add(g, fds[0]);
    struct pollfd p = {.fd = fds[1], .events = POLLIN};
    assert_int_equal(poll(&p, 1, 2000), 1);
    int64_t shut = ib_conn_guard_now_ms();
    char c;
    assert_int_equal(read(fds[1], &c, 1), 0);
    assert_true(shut - opened >= 1 * SEC && shut - opened < 2 * SEC);
    ib_conn_guard_stop(g);
    close(fds[0]);
    close(fds[1]);
}

static void zero_timeout_refused(void **state)
{
    (void)state;
    ib_conn_guard *g;
    ib_err err;
    assert_int_equal(ib_conn_guard_new(&g, 0, &err), IB_EINVAL);
    assert_null(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(default_deadline_is_30_seconds),
        cmocka_unit_test(slow_request_shut_at_deadline_not_before),
        cmocka_unit_test(request_in_has_no_deadline_until_answered),
        cmocka_unit_test(removed_watch_is_left_alone),
        cmocka_unit_test(watcher_thread_shuts_within_a_second_of_deadline),
        cmocka_unit_test(zero_timeout_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
