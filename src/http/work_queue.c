/* work_queue.c — requests waiting for the next free worker, oldest first.
 *
 * libmicrohttpd serves a connection only in the thread that accepted it,
 * and the kernel hands new connections to its threads unevenly: under
 * wrk's 64 connections three of eight threads got them all, so one slow
 * request held up some twenty connections while other threads idled
 * (bench/RESULTS.md, HTTP). Now an MHD thread only reads a request and
 * writes its answer; once the body is in, the connection is suspended and
 * its request queued here, and whichever worker is free takes the oldest.
 *
 * The queue links the items themselves (ib_work in the caller's struct),
 * so pushing never allocates and never fails for want of room: there are
 * never more items than suspended connections. */
#include "http/http_internal.h"

#include <stdlib.h>

struct ib_work_queue {
    ib_work_fn fn;
    void *ctx;
    pthread_t *workers;
    unsigned nworkers;
    pthread_mutex_t lock;
    pthread_cond_t ready;           /* an item queued, or stop asked */
    ib_work *head, *tail;
    bool stopping;
    bool joined;                    /* the workers have ended */
};

/* The oldest item, or NULL once stopping and nothing is left: a stop lets
 * the workers serve what was queued before it. */
static ib_work *take(ib_work_queue *q)
{
    pthread_mutex_lock(&q->lock);
    while (!q->head && !q->stopping)
        pthread_cond_wait(&q->ready, &q->lock);
    ib_work *w = q->head;
    if (w) {
        q->head = w->next;
        if (!q->head)
            q->tail = NULL;
        w->next = NULL;
    }
    pthread_mutex_unlock(&q->lock);
    return w;
}

static void *worker_main(void *arg)
{
    ib_work_queue *q = arg;
    for (ib_work *w; (w = take(q));)
        q->fn(w, q->ctx);
    return NULL;
}

static void stop_workers(ib_work_queue *q, unsigned started)
{
    pthread_mutex_lock(&q->lock);
    q->stopping = true;
    pthread_cond_broadcast(&q->ready);
    pthread_mutex_unlock(&q->lock);
    for (unsigned i = 0; i < started; i++)
        pthread_join(q->workers[i], NULL);
    q->joined = true;
}

static void queue_free(ib_work_queue *q)
{
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->ready);
    free(q->workers);
    free(q);
}

int ib_work_queue_start(ib_work_queue **out, unsigned workers, ib_work_fn fn,
                        void *ctx, ib_err *err)
{
    *out = NULL;
    if (workers == 0 || !fn)
        return ib_err_set(err, IB_EINVAL, "een werkrij heeft werkers en een taak nodig");
    ib_work_queue *q = calloc(1, sizeof *q);
    if (!q || !(q->workers = calloc(workers, sizeof *q->workers))) {
        free(q);
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    }
    q->fn = fn;
    q->ctx = ctx;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->ready, NULL);
    for (; q->nworkers < workers; q->nworkers++)
        if (pthread_create(&q->workers[q->nworkers], NULL, worker_main, q) != 0) {
            stop_workers(q, q->nworkers);
            queue_free(q);
            return ib_err_set(err, IB_ENOMEM, "kan geen %u werkthreads starten", workers);
        }
    *out = q;
    return IB_OK;
}

bool ib_work_queue_push(ib_work_queue *q, ib_work *w)
{
    pthread_mutex_lock(&q->lock);
    bool taken = !q->stopping;
    if (taken) {
        w->next = NULL;
        if (q->tail)
            q->tail->next = w;
        else
            q->head = w;
        q->tail = w;
        pthread_cond_signal(&q->ready);
    }
    pthread_mutex_unlock(&q->lock);
    return taken;
}

void ib_work_queue_stop(ib_work_queue *q)
{
    if (q && !q->joined)
        stop_workers(q, q->nworkers);
}

void ib_work_queue_free(ib_work_queue *q)
{
    if (!q)
        return;
    ib_work_queue_stop(q);
    queue_free(q);
}
