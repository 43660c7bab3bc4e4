/* The server's audit writer (src/http/audit_queue.c): a request that does
 * not wait for its entries (ib_audit_queue_then) is handed back once, by
 * the writer, after they are committed, or after the commit failed, with
 * the failure in its ticket; a ticket with nothing pending is the
 * caller's at once. The read log is held locked from another connection
 * so that the entries are surely still pending when the request asks. */
#include "http/http_internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <time.h>

#include "temp_store.h"

typedef struct fixture {
    char dir[128];
    char db[160];
    char reads[176];
    ib_store *st;
    ib_audit_queue *q;
} fixture;

/* A request's side: its ticket, and how often it was handed back. */
typedef struct request {
    ib_audit_ticket ticket;
    pthread_mutex_t lock;
    pthread_cond_t back;
    unsigned handed_back;
} request;

static int setup(void **state)
{
    fixture *fx = test_calloc(1, sizeof *fx);
    ts_make_dir(fx->dir, sizeof fx->dir, "auditq");
    snprintf(fx->db, sizeof fx->db, "%s/t.db", fx->dir);
    snprintf(fx->reads, sizeof fx->reads, "%s.reads", fx->db);
    fx->st = ts_open(fx->db, NULL, true);
    ib_err err;
    assert_int_equal(ib_store_prepare_reads(fx->st, &err), IB_OK);
    assert_int_equal(ib_audit_queue_start(&fx->q, fx->st, &err), IB_OK);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    ib_audit_queue_stop(fx->q);
    ib_store_close(fx->st);
    ts_remove_dir(fx->dir);
    test_free(fx);
    return 0;
}

static void request_init(request *r)
{
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->back, NULL);
}

static void request_destroy(request *r)
{
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->back);
}

static void hand_back(void *arg)
{
    request *r = arg;
    pthread_mutex_lock(&r->lock);
    r->handed_back++;
    pthread_cond_broadcast(&r->back);
    pthread_mutex_unlock(&r->lock);
}

/* Whether it was handed back within a minute (not a measure of speed: a
 * bound, so that a request never handed back fails instead of hanging). */
static bool await_hand_back(request *r)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 60;
    pthread_mutex_lock(&r->lock);
    int rc = 0;
    while (r->handed_back == 0 && rc == 0)
        rc = pthread_cond_timedwait(&r->back, &r->lock, &until);
    bool back = r->handed_back > 0;
    pthread_mutex_unlock(&r->lock);
    return back;
}

static void add_reads(fixture *fx, request *r, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        ib_audit_entry e = {.entity_id = i + 1, .person_id = i + 1};
        snprintf(e.actor, sizeof e.actor, "user:test");
        snprintf(e.action, sizeof e.action, "read");
        snprintf(e.entity, sizeof e.entity, "person");
        ib_err err;
        assert_int_equal(ib_audit_queue_add(fx->q, &e, &r->ticket, &err), IB_OK);
    }
}

/* The read log's write lock, held from a connection of the test's own. */
static sqlite3 *lock_reads(const fixture *fx)
{
    sqlite3 *h;
    assert_int_equal(sqlite3_open(fx->reads, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    return h;
}

static void unlock_reads(sqlite3 *h)
{
    assert_int_equal(sqlite3_exec(h, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
}

/* n reads of r added while the read log is locked, so that they are
 * surely pending when r asks to be handed back; then the lock is let go
 * and r is handed back by the writer. */
static void add_pending_then_settle(fixture *fx, request *r, unsigned n)
{
    sqlite3 *lock = lock_reads(fx);
    add_reads(fx, r, n);
    assert_true(ib_audit_queue_then(fx->q, &r->ticket, hand_back, r));
    unlock_reads(lock);
    assert_true(await_hand_back(r));
}

static void handed_back_once_after_commit(void **state)
{
    fixture *fx = *state;
    request r;
    request_init(&r);
    add_pending_then_settle(fx, &r, 3);
    ib_err err;
    assert_int_equal(ib_audit_ticket_result(&r.ticket, &err), IB_OK);
    /* Nothing left to call: a later batch does not hand it back again. */
    request other;
    request_init(&other);
    add_reads(fx, &other, 1);
    assert_int_equal(ib_audit_queue_wait(fx->q, &other.ticket, &err), IB_OK);
    assert_int_equal(r.handed_back, 1);
    assert_int_equal(r.ticket.pending, 0);
    assert_int_equal(raw_count(fx->reads, "SELECT count(*) FROM audit"), 4);
    request_destroy(&r);
    request_destroy(&other);
}

static void failed_commit_handed_back_with_failure(void **state)
{
    fixture *fx = *state;
    raw_sql(fx->reads, "CREATE TRIGGER audit_full BEFORE INSERT ON audit"
                       " BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END");
    request r;
    request_init(&r);
    add_pending_then_settle(fx, &r, 2);
    ib_err err;
    assert_int_equal(ib_audit_ticket_result(&r.ticket, &err), IB_ESTORE);
    assert_non_null(strstr(err.msg, "auditlog"));
    assert_int_equal(r.handed_back, 1);
    assert_int_equal(raw_count(fx->reads, "SELECT count(*) FROM audit"), 0);
    request_destroy(&r);
}

static void nothing_pending_stays_with_the_caller(void **state)
{
    fixture *fx = *state;
    request r;
    request_init(&r);
    assert_false(ib_audit_queue_then(fx->q, &r.ticket, hand_back, &r));
    add_reads(fx, &r, 1);
    ib_err err;
    assert_int_equal(ib_audit_queue_wait(fx->q, &r.ticket, &err), IB_OK);
    assert_false(ib_audit_queue_then(fx->q, &r.ticket, hand_back, &r));
    assert_int_equal(r.handed_back, 0);
    request_destroy(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(handed_back_once_after_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(failed_commit_handed_back_with_failure, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(nothing_pending_stays_with_the_caller, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
