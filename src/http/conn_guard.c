/* conn_guard.c — the deadline of a request. libmicrohttpd's connection
 * timeout is an idle timeout: a client that sends a header byte every few
 * seconds is never idle and holds its connection (and its slot of the
 * connection limit) for ever. Here every connection is registered when
 * MHD accepts it, and a watcher thread shuts down each one that has not
 * delivered a complete request (head and body) within the timeout since
 * it was opened or since its previous answer. A request that is in (being
 * handled, an import being stored, its answer being sent) has no deadline.
 *
 * The watcher only calls shutdown(2) on the socket; MHD's own thread then
 * reads the end of the stream and closes the connection as if the client
 * had gone. MHD notifies MHD_CONNECTION_NOTIFY_CLOSED before it closes the
 * descriptor, and the watch leaves the list under the same lock the
 * watcher holds, so the watcher never touches a descriptor that was closed
 * and perhaps reused. */
#include "http/http_internal.h"

#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#define SWEEP_MS 250

struct ib_conn_watch {
    struct ib_conn_watch *prev, *next;
    int fd;
    /* Monotonic ms since which the connection waits for a complete
     * request; 0 while a request is in. Written by MHD's threads. */
    _Atomic int64_t waiting_since_ms;
    bool shut;                      /* shut down once; guarded by the list */
};

struct ib_conn_guard {
    unsigned timeout_s;
    pthread_mutex_t lock;           /* the list and stopping */
    pthread_cond_t wake;            /* stop asked */
    ib_conn_watch *head;
    bool stopping;
    bool started;                   /* the watcher thread runs */
    pthread_t thread;
    atomic_uint dropped;
};

int64_t ib_conn_guard_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    /* Never 0, which means "not waiting". */
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000 + 1;
}

bool ib_conn_deadline_passed(int64_t waiting_since_ms, int64_t now_ms,
                             unsigned timeout_s)
{
    return waiting_since_ms != 0 &&
           now_ms - waiting_since_ms >= (int64_t)timeout_s * 1000;
}

ib_conn_watch *ib_conn_guard_add(ib_conn_guard *g, int fd)
{
    ib_conn_watch *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;               /* unguarded; MHD's idle timeout still holds */
    w->fd = fd;
    atomic_store(&w->waiting_since_ms, ib_conn_guard_now_ms());
    pthread_mutex_lock(&g->lock);
    w->next = g->head;
    if (g->head)
        g->head->prev = w;
    g->head = w;
    pthread_mutex_unlock(&g->lock);
    return w;
}

void ib_conn_guard_remove(ib_conn_guard *g, ib_conn_watch *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&g->lock);
    if (w->prev)
        w->prev->next = w->next;
    else
        g->head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    pthread_mutex_unlock(&g->lock);
    free(w);
}

void ib_conn_watch_request_in(ib_conn_watch *w)
{
    if (w)
        atomic_store(&w->waiting_since_ms, 0);
}

void ib_conn_watch_answered(ib_conn_watch *w)
{
    if (w)
        atomic_store(&w->waiting_since_ms, ib_conn_guard_now_ms());
}

unsigned ib_conn_guard_sweep(ib_conn_guard *g, int64_t now_ms)
{
    unsigned n = 0;
    pthread_mutex_lock(&g->lock);
    for (ib_conn_watch *w = g->head; w; w = w->next) {
        if (w->shut || !ib_conn_deadline_passed(atomic_load(&w->waiting_since_ms),
                                                now_ms, g->timeout_s))
            continue;
        shutdown(w->fd, SHUT_RDWR);
        w->shut = true;
        n++;
    }
    pthread_mutex_unlock(&g->lock);
    atomic_fetch_add(&g->dropped, n);
    return n;
}

unsigned ib_conn_guard_dropped(ib_conn_guard *g)
{
    return atomic_load(&g->dropped);
}

static void *watcher_main(void *arg)
{
    ib_conn_guard *g = arg;
    pthread_mutex_lock(&g->lock);
    while (!g->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += SWEEP_MS * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&g->wake, &g->lock, &until);
        if (g->stopping)
            break;
        pthread_mutex_unlock(&g->lock);
        ib_conn_guard_sweep(g, ib_conn_guard_now_ms());
        pthread_mutex_lock(&g->lock);
    }
    pthread_mutex_unlock(&g->lock);
    return NULL;
}

static void guard_free(ib_conn_guard *g)
{
    while (g->head)
        ib_conn_guard_remove(g, g->head);
    pthread_mutex_destroy(&g->lock);
    pthread_cond_destroy(&g->wake);
    free(g);
}

int ib_conn_guard_new(ib_conn_guard **out, unsigned timeout_s, ib_err *err)
{
    *out = NULL;
    if (timeout_s == 0)
        return ib_err_set(err, IB_EINVAL, "de time-out van een aanvraag is 0");
    ib_conn_guard *g = calloc(1, sizeof *g);
    if (!g)
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    g->timeout_s = timeout_s;
    pthread_mutex_init(&g->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&g->wake, &attr);
    pthread_condattr_destroy(&attr);
    *out = g;
    return IB_OK;
}

int ib_conn_guard_start(ib_conn_guard *g, ib_err *err)
{
    if (pthread_create(&g->thread, NULL, watcher_main, g) != 0)
        return ib_err_set(err, IB_ENOMEM, "kan de bewaker van de verbindingen niet starten");
    g->started = true;
    return IB_OK;
}

void ib_conn_guard_stop(ib_conn_guard *g)
{
    if (!g)
        return;
    if (g->started) {
        pthread_mutex_lock(&g->lock);
        g->stopping = true;
        pthread_cond_signal(&g->wake);
        pthread_mutex_unlock(&g->lock);
        pthread_join(g->thread, NULL);
    }
    guard_free(g);
}

/* ------------------------------------------------------------ MHD's side */

void ib_conn_guard_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    ib_conn_guard *g = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context = ci ? ib_conn_guard_add(g, ci->connect_fd) : NULL;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        ib_conn_guard_remove(g, *socket_context);
        *socket_context = NULL;
    }
}

static ib_conn_watch *watch_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

void ib_conn_guard_request_in(struct MHD_Connection *c)
{
    ib_conn_watch_request_in(watch_of(c));
}

void ib_conn_guard_answered(struct MHD_Connection *c)
{
    ib_conn_watch_answered(watch_of(c));
}
