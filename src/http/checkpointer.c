/* checkpointer.c — the server's checkpoints of SQLite's write-ahead log,
 * off the request path: its connections commit without checkpointing
 * (wal_autocheckpoint off), and this thread, with a connection of its own,
 * runs a passive checkpoint (no locks, no waiting) every CHECKPOINT_MS.
 * Readers that keep the log in use can stop it from starting over, so
 * when it has grown past TRUNCATE_PAGES a truncating checkpoint empties
 * it, holding off writers for at most IB_CHECKPOINT_WAIT_MS while it waits
 * for older readers (readers are never blocked), and tried again next
 * time when it could not.
 *
 * The read log is checkpointed every READS_EVERY rounds only. It is
 * written all the time under load (every look-up), and each checkpoint
 * syncs two files; one that catches up also makes the next commit start
 * the log over, which syncs its header inside that commit, the one the
 * waiting look-ups are answered after. The database itself changes at
 * deliveries, whose log the short round keeps short. */
#include "http/http_internal.h"

#include <stdlib.h>
#include <time.h>

#define CHECKPOINT_MS 100
#define TRUNCATE_PAGES 8192           /* 32 MiB of 4 KiB pages */
#define READS_EVERY 10                /* rounds: once a second */

struct ib_checkpointer {
    ib_store *st;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;            /* stop asked */
    bool stopping;
};

static void checkpoint_once(ib_store *st, unsigned files)
{
    int64_t pages = 0;
    bool done = false;
    ib_err err;
    /* A failure here (disk full) shows at the next commit of a request;
     * the next round tries again. */
    if (ib_store_checkpoint(st, files, IB_CHECKPOINT_PASSIVE, &pages, &done, &err) ==
            IB_OK &&
        pages >= TRUNCATE_PAGES)
        ib_store_checkpoint(st, files, IB_CHECKPOINT_TRUNCATE, &pages, &done, &err);
}

static void *checkpointer_main(void *arg)
{
    ib_checkpointer *c = arg;
    unsigned round = 0;
    pthread_mutex_lock(&c->lock);
    while (!c->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += CHECKPOINT_MS * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&c->wake, &c->lock, &until);
        if (c->stopping)
            break;
        pthread_mutex_unlock(&c->lock);
        round++;
        checkpoint_once(c->st, round % READS_EVERY == 0 ? IB_WAL_BOTH : IB_WAL_DATABASE);
        pthread_mutex_lock(&c->lock);
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

int ib_checkpointer_start(ib_checkpointer **out, ib_store *st, ib_err *err)
{
    *out = NULL;
    ib_checkpointer *c = calloc(1, sizeof *c);
    if (!c)
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    c->st = st;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&c->wake, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&c->lock, NULL);
    if (pthread_create(&c->thread, NULL, checkpointer_main, c) != 0) {
        pthread_mutex_destroy(&c->lock);
        pthread_cond_destroy(&c->wake);
        free(c);
        return ib_err_set(err, IB_ENOMEM, "kan de checkpoint-draad niet starten");
    }
    *out = c;
    return IB_OK;
}

void ib_checkpointer_stop(ib_checkpointer *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    c->stopping = true;
    pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->lock);
    pthread_join(c->thread, NULL);
    pthread_mutex_destroy(&c->lock);
    pthread_cond_destroy(&c->wake);
    free(c);
}
