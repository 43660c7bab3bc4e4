/* sqlite_wal.c — waiting for locks and checkpointing the write-ahead logs
 * (the database's and the read log's):
 * a busy handler with short waits, no automatic checkpoints for a
 * connection whose owner runs them itself (the server), the checkpoint. */
#include "sqlite_internal.h"

#include <time.h>

/* Microseconds the busy handler has slept after n calls for one lock. */
static int64_t busy_waited_us(int n)
{
    if (n < 10)
        return (int64_t)n * 100;
    if (n < 30)
        return 1000 + (int64_t)(n - 10) * 500;
    return 11000 + (int64_t)(n - 30) * 2000;
}

/* Waits for a lock in short steps (0.1 ms, then 0.5 ms, then 2 ms) up to
 * the connection's budget. sqlite3_busy_timeout sleeps in growing steps of
 * up to 100 ms, so a writer that finds the lock taken for a moment may
 * sleep on long after it was freed; under many short transactions (the
 * server) that stretched the latency tail. */
int ib_sq_busy_wait(void *arg, int n)
{
    const ib_sqlite *s = arg;
    int64_t waited = busy_waited_us(n);
    if (waited >= (int64_t)s->busy_budget_ms * 1000)
        return 0;
    int64_t step = busy_waited_us(n + 1) - waited;
    struct timespec ts = {0, (long)(step * 1000)};
    nanosleep(&ts, NULL);
    return 1;
}

void ib_sq_set_busy_handler(ib_sqlite *s, int budget_ms)
{
    s->busy_budget_ms = budget_ms;
    sqlite3_busy_handler(s->db, ib_sq_busy_wait, s);
}

int ib_sq_manual_checkpoints(ib_store *st, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    static const char sql[] = "PRAGMA wal_autocheckpoint = 0;"
                              " PRAGMA journal_size_limit = 67108864";
    s->manual_checkpoints = true;      /* and the read log's, when it opens */
    int rc = ib_sq_exec(s, sql, err);
    if (rc == IB_OK && s->reads && sqlite3_exec(s->reads, sql, NULL, NULL, NULL) != SQLITE_OK)
        rc = ib_sq_reads_error(s, sqlite3_errcode(s->reads), err);
    return rc;
}

/* One file's checkpoint; *done and *wal_pages as ib_store_checkpoint's. */
static int checkpoint_file(ib_sqlite *s, sqlite3 *db, bool truncate, int64_t *wal_pages,
                           bool *done)
{
    int budget = s->busy_budget_ms;
    if (truncate)          /* writers are held off while it waits: briefly */
        s->busy_budget_ms = IB_CHECKPOINT_WAIT_MS;
    int log = 0, copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(
        db, NULL, truncate ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE,
        &log, &copied);
    s->busy_budget_ms = budget;
    *wal_pages = log > 0 ? log : 0;
    *done = false;
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)  /* readers or a writer: later */
        return SQLITE_OK;
    *done = rc == SQLITE_OK && (truncate || log == copied);
    return rc;
}

/* The database's log, then the read log's (when the database has one). */
int ib_sq_checkpoint(ib_store *st, unsigned files, ib_checkpoint_mode mode,
                     int64_t *wal_pages, bool *done, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    bool truncate = mode == IB_CHECKPOINT_TRUNCATE;
    *done = true;
    int rc = files & IB_WAL_DATABASE ? checkpoint_file(s, s->db, truncate, wal_pages, done)
                                     : SQLITE_OK;
    if (rc != SQLITE_OK)
        return ib_sq_error(s, rc, err);
    if (!(files & IB_WAL_READS))
        return IB_OK;
    bool present;
    int found = ib_sq_reads_existing(s, &present, err);
    if (found != IB_OK || !present)
        return found;
    int64_t reads_pages = 0;
    bool reads_done = false;
    if ((rc = checkpoint_file(s, s->reads, truncate, &reads_pages, &reads_done)) != SQLITE_OK)
        return ib_sq_reads_error(s, rc, err);
    if (reads_pages > *wal_pages)
        *wal_pages = reads_pages;
    *done = *done && reads_done;
    return IB_OK;
}
