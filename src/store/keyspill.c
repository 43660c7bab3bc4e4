/* keyspill.c — the import's overflow for duplicate keys (see store.h): a
 * table keyed by the 64-bit hash itself (the rowid, so one B-tree and no
 * index), in an anonymous temporary database: SQLite's "" file name, a
 * file of its own that is deleted on close. Nothing in it needs to
 * survive a crash, hence no journal and no syncs. */
#include "store/store_internal.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

struct ib_keyspill {
    sqlite3 *db;
    sqlite3_stmt *insert, *find;
};

/* Page cache of the spill: 8 MiB, whatever the file's size. */
#define SPILL_CACHE_KIB 8192

static int spill_error(ib_keyspill *s, int rc, ib_err *err)
{
    return ib_err_set(err, (rc & 0xff) == SQLITE_FULL ? IB_EIO : IB_ESTORE,
                      "tijdelijke sleutelopslag: %s",
                      s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
}

int ib_keyspill_open(ib_keyspill **out, ib_err *err)
{
    *out = NULL;
    ib_keyspill *s = calloc(1, sizeof *s);
    if (!s)
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    char pragmas[160];
    snprintf(pragmas, sizeof pragmas,
             "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
             "PRAGMA cache_size = -%d;"
             "CREATE TABLE k (h INTEGER PRIMARY KEY, line INTEGER NOT NULL);",
             SPILL_CACHE_KIB);
    int rc = sqlite3_open_v2("", &s->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(s->db, pragmas, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(s->db, "INSERT INTO k (h, line) VALUES (?, ?)",
                                -1, &s->insert, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(s->db, "SELECT line FROM k WHERE h = ?", -1,
                                &s->find, NULL);
    if (rc != SQLITE_OK) {
        int code = spill_error(s, rc, err);
        ib_keyspill_close(s);
        return code;
    }
    *out = s;
    return IB_OK;
}

int ib_keyspill_add(ib_keyspill *s, const ib_key_line *keys, size_t n,
                    ib_err *err)
{
    int rc = sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL);
    for (size_t i = 0; i < n && rc == SQLITE_OK; i++) {
        sqlite3_bind_int64(s->insert, 1, (sqlite3_int64)keys[i].key);
        sqlite3_bind_int64(s->insert, 2, keys[i].line);
        rc = sqlite3_step(s->insert);
        sqlite3_reset(s->insert);
        if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        int code = spill_error(s, rc, err);
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return code;
    }
    return IB_OK;
}

int ib_keyspill_find(ib_keyspill *s, uint64_t key, uint32_t *line, ib_err *err)
{
    *line = 0;
    sqlite3_bind_int64(s->find, 1, (sqlite3_int64)key);
    int rc = sqlite3_step(s->find);
    if (rc == SQLITE_ROW)
        *line = (uint32_t)sqlite3_column_int64(s->find, 0);
    sqlite3_reset(s->find);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return spill_error(s, rc, err);
    return IB_OK;
}

void ib_keyspill_close(ib_keyspill *s)
{
    if (!s)
        return;
    sqlite3_finalize(s->insert);
    sqlite3_finalize(s->find);
    sqlite3_close(s->db);
    free(s);
}
