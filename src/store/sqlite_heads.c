/* sqlite_heads.c — the SQLite side of the audit logs' heads (see
 * store_internal.h): the change log's in store_meta ('audit_head'),
 * written at the commit of every transaction that appended to it; the read
 * log's in its own reads_meta ('head'), written in the transaction of each
 * group of reads, so one MAC per commit, not per entry.
 *
 * A head moves on only from where its log ended before the transaction: a
 * head that does not fit its log (entries removed behind the store's back)
 * stays as it is, for verify to report, rather than being made anew over
 * the shortened log. Its link to the other log moves only forward along
 * that log: to the other log's head when that one still holds the entry
 * the link named before. */
#include "sqlite_internal.h"

#include <stdio.h>
#include <string.h>

static const char changes_head_sql[] =
    "SELECT value FROM store_meta WHERE name = 'audit_head'";
static const char reads_head_sql[] = "SELECT value FROM reads_meta WHERE name = 'head'";
static const char hash_at_sql[] = "SELECT hash FROM audit WHERE id = ?1";

/* Steps q (bound), copying the first column of its row into out ("" when
 * there is none), and resets it: SQLITE_DONE or an error. */
static int step_text(sqlite3_stmt *q, char *out, size_t size)
{
    out[0] = '\0';
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        ib_sq_col_text(q, 0, out, size);
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? SQLITE_DONE : rc;
}

/* One query without parameters on db, prepared for this call only. */
static int query_text(sqlite3 *db, const char *sql, char *out, size_t size)
{
    sqlite3_stmt *q = NULL;
    out[0] = '\0';
    int rc = sqlite3_prepare_v2(db, sql, -1, &q, NULL);
    if (rc == SQLITE_OK)
        rc = step_text(q, out, size);
    sqlite3_finalize(q);
    return rc;
}

/* The hash of entry id of the log in db ("" when there is none). */
static int hash_at(sqlite3 *db, int64_t id, char out[IB_AUDIT_HEX])
{
    sqlite3_stmt *q = NULL;
    out[0] = '\0';
    int rc = sqlite3_prepare_v2(db, hash_at_sql, -1, &q, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_bind_int64(q, 1, id)) == SQLITE_OK)
        rc = step_text(q, out, IB_AUDIT_HEX);
    sqlite3_finalize(q);
    return rc;
}

/* A stored head that parses and whose MAC fits; false for none. */
static bool read_head(const ib_sqlite *s, const char *text, ib_audit_head *h)
{
    return text[0] && ib_audit_head_parse(&s->base.crypto, text, "", h, NULL) == IB_OK;
}

/* The other log's head `other` (in other_db) may become the link of a head
 * whose link was `old`: the same log, no shorter, and still holding the
 * entry the old link named. */
static bool link_may_move(sqlite3 *other_db, const ib_audit_head *old,
                          const ib_audit_head *other)
{
    if (old->link_log[0] && strcmp(old->link_log, other->log) != 0)
        return false;
    if (other->count < old->link_count)
        return false;
    if (old->link_count == 0)
        return true;
    char hash[IB_AUDIT_HEX];
    return hash_at(other_db, old->link_count, hash) == SQLITE_DONE &&
           strcmp(hash, old->link_hash) == 0;
}

static void set_link(ib_audit_head *h, const ib_audit_head *other)
{
    ib_strlcpy(h->link_log, other->log, sizeof h->link_log);
    h->link_count = other->count;
    ib_strlcpy(h->link_hash, other->hash, sizeof h->link_hash);
}

/* ------------------------------------------------------------ change log */

void ib_sq_changes_appended(ib_sqlite *s, int64_t id, const char *prev, const char *hash)
{
    if (!s->changes_appended) {
        s->changes_appended = true;
        s->changes_before = id - 1;
        ib_strlcpy(s->changes_before_hash, prev, sizeof s->changes_before_hash);
    }
    s->changes_last = id;
    ib_strlcpy(s->changes_last_hash, hash, sizeof s->changes_last_hash);
}

/* The change head's link to the read log: to the read log's head when it
 * may move there (a read log that cannot be opened now, a lost one, leaves
 * the link as it was; forget-reads clears it). */
static void link_reads(ib_sqlite *s, ib_audit_head *head)
{
    if (s->reads_link_reset) {
        head->link_log[0] = head->link_hash[0] = '\0';
        head->link_count = 0;
        return;
    }
    ib_err ignored;
    char text[IB_AUDIT_HEAD_TEXT];
    ib_audit_head rh;
    if (!s->reads && ib_sq_reads_open(s, false, &ignored) != IB_OK)
        return;
    if (query_text(s->reads, reads_head_sql, text, sizeof text) == SQLITE_DONE &&
        read_head(s, text, &rh) && link_may_move(s->reads, head, &rh))
        set_link(head, &rh);
}

static int write_changes_head(ib_sqlite *s, const ib_audit_head *h, ib_err *err)
{
    char text[IB_AUDIT_HEAD_TEXT];
    sqlite3_stmt *q = NULL;
    ib_audit_head_format(&s->base.crypto, h, text);
    int rc = ib_sq_cached(s, "INSERT OR REPLACE INTO store_meta (name, value)"
                             " VALUES ('audit_head', ?1)", &q, err);
    if (rc)
        return rc;
    sqlite3_bind_text(q, 1, text, -1, SQLITE_TRANSIENT);
    rc = ib_sq_done(s, q, err);
    ib_sq_release(s, q);
    return rc;
}

int ib_sq_changes_head_commit(ib_sqlite *s, ib_err *err)
{
    if (!s->changes_appended)
        return IB_OK;
    char text[IB_AUDIT_HEAD_TEXT];
    sqlite3_stmt *q = NULL;
    int rc = ib_sq_cached(s, changes_head_sql, &q, err);
    if (rc)
        return rc;
    int src = step_text(q, text, sizeof text);
    ib_sq_release(s, q);
    if (src != SQLITE_DONE)
        return ib_sq_error(s, src, err);
    ib_audit_head head;
    bool fits = read_head(s, text, &head) && strcmp(head.log, IB_AUDIT_CHANGES_ID) == 0 &&
                head.count == s->changes_before &&
                strcmp(head.hash, s->changes_before_hash) == 0;
    if (!fits && !(s->heads_adopt && !text[0]))
        return IB_OK;               /* stays as it is: verify reports it */
    if (!fits)                      /* adopted: from nothing */
        head = (ib_audit_head){.log = IB_AUDIT_CHANGES_ID};
    head.count = s->changes_last;
    ib_strlcpy(head.hash, s->changes_last_hash, sizeof head.hash);
    link_reads(s, &head);
    return write_changes_head(s, &head, err);
}

int ib_sq_changes_head_start(ib_sqlite *s, ib_err *err)
{
    ib_audit_head h = {.log = IB_AUDIT_CHANGES_ID};
    char text[IB_AUDIT_HEAD_TEXT], sql[IB_AUDIT_HEAD_TEXT + 96];
    ib_audit_head_format(&s->base.crypto, &h, text);
    snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO store_meta (name, value)"
                              " VALUES ('audit_head', '%s')", text);
    int rc = ib_sq_exec(s, "BEGIN IMMEDIATE", err);
    if (rc == IB_OK && (rc = ib_sq_exec(s, sql, err)) == IB_OK)
        return ib_sq_exec(s, "COMMIT", err);
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* ------------------------------------------------------------ read log */

int ib_sq_reads_head_start(ib_sqlite *s, const char *id)
{
    ib_audit_head h = {0};
    char text[IB_AUDIT_HEAD_TEXT], sql[IB_AUDIT_HEAD_TEXT + 64];
    ib_strlcpy(h.log, id, sizeof h.log);
    ib_audit_head_format(&s->base.crypto, &h, text);
    snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO reads_meta VALUES ('head', '%s')",
             text);
    return sqlite3_exec(s->reads, sql, NULL, NULL, NULL);
}

/* The read head's link to the change log: to the change log's committed
 * head when it may move there. Not while this connection has a transaction
 * open on the database: its changes may yet be rolled back. */
static void link_changes(ib_sqlite *s, ib_audit_head *head)
{
    char text[IB_AUDIT_HEAD_TEXT];
    ib_audit_head ch;
    sqlite3_stmt *q = NULL;
    if (s->base.in_tx || ib_sq_cached(s, changes_head_sql, &q, NULL) != IB_OK)
        return;
    int rc = step_text(q, text, sizeof text);
    ib_sq_release(s, q);
    if (rc == SQLITE_DONE && read_head(s, text, &ch) && link_may_move(s->db, head, &ch))
        set_link(head, &ch);
}

int ib_sq_reads_head_advance(ib_sqlite *s, int64_t before, const char *before_hash,
                             int64_t last, const char *last_hash)
{
    char text[IB_AUDIT_HEAD_TEXT];
    ib_audit_head head;
    int rc = step_text(s->reads_head_get, text, sizeof text);
    if (rc != SQLITE_DONE)
        return rc;
    if (!read_head(s, text, &head) || head.count != before ||
        strcmp(head.hash, before_hash) != 0)
        return SQLITE_DONE;         /* stays as it is: verify reports it */
    head.count = last;
    ib_strlcpy(head.hash, last_hash, sizeof head.hash);
    link_changes(s, &head);
    ib_audit_head_format(&s->base.crypto, &head, text);
    sqlite3_stmt *q = s->reads_head_put;
    rc = sqlite3_bind_text(q, 1, text, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc;
}

/* ------------------------------------------------------------ verify */

int ib_sq_audit_heads(ib_store *st, ib_audit_heads *out, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    memset(out, 0, sizeof *out);
    int rc = query_text(s->db, changes_head_sql, out->changes, sizeof out->changes);
    if (rc != SQLITE_DONE)
        return ib_sq_error(s, rc, err);
    bool present;
    int found = ib_sq_reads_existing(s, &present, err);
    if (found != IB_OK || !present)
        return found;
    rc = query_text(s->reads, reads_head_sql, out->reads, sizeof out->reads);
    if (rc == SQLITE_DONE)
        rc = query_text(s->reads, "SELECT value FROM reads_meta WHERE name = 'database'",
                        out->reads_log, sizeof out->reads_log);
    return rc == SQLITE_DONE ? IB_OK : ib_sq_reads_error(s, rc, err);
}

/* ------------------------------------------------------------ adopting */

/* The read log's head at its end, when it has none. */
static int adopt_reads_head(ib_sqlite *s, ib_err *err)
{
    char text[IB_AUDIT_HEAD_TEXT];
    ib_audit_head h = {0};
    int rc = sqlite3_exec(s->reads, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = step_text(s->reads_head_get, text, sizeof text);
    if (rc == SQLITE_DONE && !text[0]) {
        rc = query_text(s->reads, "SELECT value FROM reads_meta WHERE name = 'database'",
                        h.log, sizeof h.log);
        if (rc == SQLITE_DONE)
            rc = ib_sq_audit_last(s->reads_last, &h.count, h.hash);
        if (rc == SQLITE_DONE) {
            ib_audit_head_format(&s->base.crypto, &h, text);
            sqlite3_stmt *q = NULL;
            rc = sqlite3_prepare_v2(s->reads, "INSERT INTO reads_meta VALUES ('head', ?1)",
                                    -1, &q, NULL);
            if (rc == SQLITE_OK && (rc = sqlite3_bind_text(q, 1, text, -1,
                                                           SQLITE_STATIC)) == SQLITE_OK)
                rc = sqlite3_step(q);
            sqlite3_finalize(q);
        }
    }
    if (rc == SQLITE_DONE || rc == SQLITE_OK)
        rc = sqlite3_exec(s->reads, "COMMIT", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        return IB_OK;
    int ret = ib_sq_reads_error(s, rc, err);
    sqlite3_exec(s->reads, "ROLLBACK", NULL, NULL, NULL);
    return ret;
}

int ib_sq_adopt_heads(ib_store *st, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    bool present;
    int rc = ib_sq_reads_existing(s, &present, err);
    if (rc == IB_OK && present)
        rc = adopt_reads_head(s, err);
    s->heads_adopt = rc == IB_OK;
    return rc;
}
