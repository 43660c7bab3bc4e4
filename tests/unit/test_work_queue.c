/* Request workers (src/http/work_queue.c): items are served oldest first,
 * each exactly once, and a stop serves everything queued before it while
 * refusing what comes after. */
#include "http/http_internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <time.h>

#define ITEMS 4096

typedef struct item {
    ib_work work;
    unsigned index;
    atomic_uint served;
} item;

/* What the workers saw; the first item served can be held at a gate. */
typedef struct log {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    bool hold_first, first_running, gate_open;
    unsigned order[ITEMS];
    unsigned n;
} log;

static log *log_new(bool hold_first)
{
    log *l = test_calloc(1, sizeof *l);
    pthread_mutex_init(&l->lock, NULL);
    pthread_cond_init(&l->changed, NULL);
    l->hold_first = hold_first;
    return l;
}

static void log_free(log *l)
{
    pthread_mutex_destroy(&l->lock);
    pthread_cond_destroy(&l->changed);
    test_free(l);
}

static void serve(ib_work *w, void *ctx)
{
    log *l = ctx;
    item *it = (item *)(void *)((char *)w - offsetof(item, work));
    pthread_mutex_lock(&l->lock);
    bool first = l->n == 0;
    l->order[l->n++] = it->index;
    if (first && l->hold_first) {
        l->first_running = true;
        pthread_cond_broadcast(&l->changed);
        while (!l->gate_open)
            pthread_cond_wait(&l->changed, &l->lock);
    }
    pthread_mutex_unlock(&l->lock);
    atomic_fetch_add(&it->served, 1);
}

static void open_gate(log *l)
{
    pthread_mutex_lock(&l->lock);
    l->gate_open = true;
    pthread_cond_broadcast(&l->changed);
    pthread_mutex_unlock(&l->lock);
}

static void await_first(log *l)
{
    pthread_mutex_lock(&l->lock);
    while (!l->first_running)
        pthread_cond_wait(&l->changed, &l->lock);
    pthread_mutex_unlock(&l->lock);
}

static item *items_new(void)
{
    item *it = test_calloc(ITEMS, sizeof *it);
    for (unsigned i = 0; i < ITEMS; i++)
        it[i].index = i;
    return it;
}

/* A queue of one worker, busy with item 0 (held at the gate). */
static ib_work_queue *busy_queue(log **l, item **it)
{
    *l = log_new(true);
    *it = items_new();
    ib_work_queue *q;
    ib_err err;
    assert_int_equal(ib_work_queue_start(&q, 1, serve, *l, &err), IB_OK);
    assert_true(ib_work_queue_push(q, &(*it)[0].work));
    await_first(*l);
    return q;
}

/* One worker held on the first item while 99 more queue up: it then
 * serves them in the order they came. */
static void served_oldest_first(void **state)
{
    (void)state;
    log *l;
    item *it;
    ib_work_queue *q = busy_queue(&l, &it);
    for (unsigned i = 1; i < 100; i++)
        assert_true(ib_work_queue_push(q, &it[i].work));
    open_gate(l);
    ib_work_queue_free(q);
    assert_int_equal(l->n, 100);
    for (unsigned i = 0; i < 100; i++)
        assert_int_equal(l->order[i], i);
    test_free(it);
    log_free(l);
}

typedef struct pusher {
    ib_work_queue *q;
    item *from;
    unsigned n, refused;
} pusher;

/* (cmocka's asserts belong to the test's own thread: this counts.) */
static void *push_all(void *arg)
{
    pusher *p = arg;
    for (unsigned i = 0; i < p->n; i++)
        p->refused += !ib_work_queue_push(p->q, &p->from[i].work);
    return NULL;
}

/* Eight workers, four threads pushing at once: every item is served once. */
static void each_served_once(void **state)
{
    (void)state;
    log *l = log_new(false);
    item *it = items_new();
    ib_work_queue *q;
    ib_err err;
    assert_int_equal(ib_work_queue_start(&q, 8, serve, l, &err), IB_OK);
    pthread_t t[4];
    pusher p[4];
    for (unsigned i = 0; i < 4; i++) {
        p[i] = (pusher){q, it + i * (ITEMS / 4), ITEMS / 4, 0};
        assert_int_equal(pthread_create(&t[i], NULL, push_all, &p[i]), 0);
    }
    for (unsigned i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(p[i].refused, 0);
    }
    ib_work_queue_free(q);
    assert_int_equal(l->n, ITEMS);
    for (unsigned i = 0; i < ITEMS; i++)
        assert_int_equal(atomic_load(&it[i].served), 1);
    test_free(it);
    log_free(l);
}

static void *stop_queue(void *arg)
{
    ib_work_queue_stop(arg);
    return NULL;
}

/* A stop asked while the only worker is busy: what was queued before it is
 * still served, once, before the stop returns; what comes after it is
 * refused, for the caller to serve (the server handles such a request in
 * libmicrohttpd's own thread). */
static void stop_serves_queue_then_refuses(void **state)
{
    (void)state;
    log *l;
    item *it;
    ib_work_queue *q = busy_queue(&l, &it);
    for (unsigned i = 1; i <= 10; i++)
        assert_true(ib_work_queue_push(q, &it[i].work));
    pthread_t stopper;
    assert_int_equal(pthread_create(&stopper, NULL, stop_queue, q), 0);
    /* Pushes go on until the stop has begun: the first refusal. */
    unsigned accepted = 11;
    struct timespec pause = {0, 100 * 1000};
    while (ib_work_queue_push(q, &it[accepted].work)) {
        assert_true(++accepted < ITEMS);
        nanosleep(&pause, NULL);
    }
    open_gate(l);
    pthread_join(stopper, NULL);
    assert_int_equal(l->n, accepted);
    for (unsigned i = 0; i < ITEMS; i++)
        assert_int_equal(atomic_load(&it[i].served), i < accepted ? 1 : 0);
    assert_false(ib_work_queue_push(q, &it[ITEMS - 1].work));
    ib_work_queue_stop(q);                    /* again: nothing */
    ib_work_queue_free(q);
    assert_int_equal(l->n, accepted);
    test_free(it);
    log_free(l);
}

static void start_refuses_no_workers(void **state)
{
    (void)state;
    ib_work_queue *q = (ib_work_queue *)&q;
    ib_err err;
    assert_int_equal(ib_work_queue_start(&q, 0, serve, NULL, &err), IB_EINVAL);
    assert_null(q);
    assert_true(strlen(err.msg) > 0);
    ib_work_queue_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(served_oldest_first),
        cmocka_unit_test(each_served_once),
        cmocka_unit_test(stop_serves_queue_then_refuses),
        cmocka_unit_test(start_refuses_no_workers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
