/* audit_queue.c — group commit of the audit entries of reads: request
 * threads queue their entries and one writer thread, with a store
 * connection of its own, appends whatever has queued up to the read log
 * (store.h) in one transaction, while the requests wait for that commit
 * before they answer. One writer instead of every worker taking SQLite's
 * write lock in turn: a commit per batch instead of per read, and no
 * queueing for the lock. Writes that are transactions themselves
 * (imports, inspections) append their entry to the change log inside
 * their own transaction. */
#include "http/http_internal.h"

#include <stdlib.h>
#include <string.h>

/* At most this many entries in one transaction (a large export queues one
 * per person): the lock is given up between them. */
#define BATCH_MAX 1024

/* What to call for a ticket whose last entry a batch settled. */
typedef struct then_call {
    void (*fn)(void *arg);
    void *arg;
} then_call;

/* Entries and, beside each, the ticket of the request that waits for it;
 * `then` holds the calls a batch makes (at most one per entry). */
typedef struct entry_list {
    ib_audit_entry *e;
    ib_audit_ticket **t;
    then_call *then;
    size_t n, cap;
} entry_list;

struct ib_audit_queue {
    ib_store *st;                   /* the writer's connection */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t work;            /* entries queued, or stop asked */
    pthread_cond_t done;            /* a batch is committed or failed */
    entry_list queued;              /* waiting for the writer */
    entry_list writing;             /* the writer's, lock not held */
    bool stopping;
};

static void list_free(entry_list *l)
{
    free(l->e);
    free(l->t);
    free(l->then);
    memset(l, 0, sizeof *l);
}

static bool list_grow(entry_list *l)
{
    size_t cap = l->cap ? 2 * l->cap : 64;
    ib_audit_entry *e = realloc(l->e, cap * sizeof *e);
    if (!e)
        return false;
    l->e = e;
    ib_audit_ticket **t = realloc(l->t, cap * sizeof *t);
    if (!t)
        return false;
    l->t = t;
    then_call *then = realloc(l->then, cap * sizeof *then);
    if (!then)
        return false;
    l->then = then;
    l->cap = cap;
    return true;
}

/* Settles entries [from, from + n) of the writer's list, then makes the
 * calls of the tickets left with nothing pending, outside the lock: such a
 * call hands the request back (its ticket is not touched after it). */
static void settle(ib_audit_queue *q, size_t from, size_t n, bool failed)
{
    then_call *calls = q->writing.then;
    size_t ncalls = 0;
    pthread_mutex_lock(&q->lock);
    for (size_t i = from; i < from + n; i++) {
        ib_audit_ticket *t = q->writing.t[i];
        t->pending--;
        if (failed)
            t->failed = true;
        if (t->pending == 0 && t->then) {
            calls[ncalls++] = (then_call){t->then, t->then_arg};
            t->then = NULL;
        }
    }
    pthread_cond_broadcast(&q->done);
    pthread_mutex_unlock(&q->lock);
    for (size_t i = 0; i < ncalls; i++)
        calls[i].fn(calls[i].arg);
}

static void write_batch(ib_audit_queue *q)
{
    for (size_t off = 0; off < q->writing.n; off += BATCH_MAX) {
        size_t n = q->writing.n - off < BATCH_MAX ? q->writing.n - off : BATCH_MAX;
        ib_err err;
        int rc = ib_store_audit_reads(q->st, q->writing.e + off, n, &err);
        settle(q, off, n, rc != IB_OK);
    }
    q->writing.n = 0;
}

/* Whatever queued while the last batch was written is the next batch: no
 * timer, so a lone request waits for one commit only. On stop, the queue
 * is drained before the thread ends. */
static void *writer_main(void *arg)
{
    ib_audit_queue *q = arg;
    pthread_mutex_lock(&q->lock);
    for (;;) {
        while (q->queued.n == 0 && !q->stopping)
            pthread_cond_wait(&q->work, &q->lock);
        if (q->queued.n == 0)
            break;
        entry_list next = q->queued;
        q->queued = q->writing;
        q->writing = next;
        pthread_mutex_unlock(&q->lock);
        write_batch(q);
        pthread_mutex_lock(&q->lock);
    }
    pthread_mutex_unlock(&q->lock);
    return NULL;
}

int ib_audit_queue_start(ib_audit_queue **out, ib_store *st, ib_err *err)
{
    *out = NULL;
    ib_audit_queue *q = calloc(1, sizeof *q);
    if (!q)
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    q->st = st;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->work, NULL);
    pthread_cond_init(&q->done, NULL);
    if (pthread_create(&q->thread, NULL, writer_main, q) != 0) {
        pthread_mutex_destroy(&q->lock);
        pthread_cond_destroy(&q->work);
        pthread_cond_destroy(&q->done);
        free(q);
        return ib_err_set(err, IB_ENOMEM, "kan de schrijver van het auditlog niet "
                                          "starten");
    }
    *out = q;
    return IB_OK;
}

int ib_audit_queue_add(ib_audit_queue *q, const ib_audit_entry *e, ib_audit_ticket *t,
                       ib_err *err)
{
    ib_err_clear(err);
    if (!e->action[0] || !e->entity[0])
        return ib_err_set(err, IB_EINVAL, "auditregel zonder actie of soort");
    pthread_mutex_lock(&q->lock);
    int rc = IB_OK;
    if (q->stopping)
        rc = ib_err_set(err, IB_ESTORE, "de server stopt; auditlog gesloten");
    else if (q->queued.n == q->queued.cap && !list_grow(&q->queued))
        rc = ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    if (rc == IB_OK) {
        q->queued.e[q->queued.n] = *e;
        q->queued.t[q->queued.n] = t;
        q->queued.n++;
        t->pending++;
        pthread_cond_signal(&q->work);
    }
    pthread_mutex_unlock(&q->lock);
    return rc;
}

int ib_audit_queue_wait(ib_audit_queue *q, ib_audit_ticket *t, ib_err *err)
{
    pthread_mutex_lock(&q->lock);
    while (t->pending > 0)
        pthread_cond_wait(&q->done, &q->lock);
    pthread_mutex_unlock(&q->lock);
    return ib_audit_ticket_result(t, err);
}

bool ib_audit_queue_then(ib_audit_queue *q, ib_audit_ticket *t, void (*fn)(void *arg),
                         void *arg)
{
    pthread_mutex_lock(&q->lock);
    bool pending = t->pending > 0;
    if (pending) {
        t->then = fn;
        t->then_arg = arg;
    }
    pthread_mutex_unlock(&q->lock);
    return pending;
}

int ib_audit_ticket_result(const ib_audit_ticket *t, ib_err *err)
{
    ib_err_clear(err);
    if (t->failed)
        return ib_err_set(err, IB_ESTORE, "de toegang kon niet in het auditlog "
                                          "worden vastgelegd");
    return IB_OK;
}

void ib_audit_queue_stop(ib_audit_queue *q)
{
    if (!q)
        return;
    pthread_mutex_lock(&q->lock);
    q->stopping = true;
    pthread_cond_signal(&q->work);
    pthread_mutex_unlock(&q->lock);
    pthread_join(q->thread, NULL);
    list_free(&q->queued);
    list_free(&q->writing);
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->work);
    pthread_cond_destroy(&q->done);
    free(q);
}
