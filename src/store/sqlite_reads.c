/* sqlite_reads.c — the read log (see store.h): a SQLite database of its own
 * beside the registry, "<db>.reads", on a second connection of the store
 * that is opened when first needed. Its commits (one per group of the
 * server's look-ups) never touch the registry's file, so they do not make
 * the registry's readers drop their page caches and memory maps.
 *
 * The two files know each other: the read log holds a random id, and the
 * database remembers it ('reads_log' in store_meta) once the log exists.
 * A read log that is missing, or that belongs to another database, is an
 * error at open: deleting or swapping the file is tampering, not a fresh
 * start.
 *
 * Finding a person's entries needs an index by person, but an ordinary
 * one costs a page write per entry (each entry lands on another leaf, and
 * every commit writes whole pages to the write-ahead log): about 5 KB of
 * log per look-up, and copying it back at every checkpoint, was the
 * largest cost left in a look-up. So the entries are appended without an
 * index, and every RUN_ENTRIES entries they are indexed in one sorted
 * "run": keys (run, person, id), where the run number (the last id it
 * covers) only grows, so each run is appended at the end of the index, a
 * few bytes an entry. A person's entries are a seek in each run plus a
 * scan of the unindexed entries after the last run (fewer than
 * RUN_ENTRIES, found by id). */
#include "sqlite_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ID_HEX 33                       /* 16 random bytes in hex, and NUL */

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS reads_meta (name TEXT PRIMARY KEY,"
    " value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL,"
    " actor TEXT NOT NULL, action TEXT NOT NULL, entity TEXT NOT NULL,"
    " entity_id INTEGER NOT NULL, person_id INTEGER NOT NULL,"
    " detail TEXT NOT NULL, hash TEXT NOT NULL, purpose_hash TEXT);"
    "CREATE TABLE IF NOT EXISTS reads_runs (run INTEGER PRIMARY KEY);"
    "CREATE TABLE IF NOT EXISTS person_runs (run INTEGER NOT NULL,"
    " person_id INTEGER NOT NULL, id INTEGER NOT NULL,"
    " PRIMARY KEY (run, person_id, id)) WITHOUT ROWID;"
    "INSERT OR IGNORE INTO reads_meta VALUES ('indexed_to', '0');";

/* Entries a run indexes: a run takes a few milliseconds to make, and a
 * person's look-up scans at most this many entries beyond the runs. */
#define RUN_ENTRIES 8192

const char ib_sq_reads_by_person[] =
    "SELECT a.id, a.at, a.actor, a.action, a.entity, a.entity_id, a.person_id,"
    " a.detail, a.hash, a.purpose_hash FROM reads_runs r"      /* CROSS JOIN: runs outermost */
    " CROSS JOIN person_runs p ON p.run = r.run AND p.person_id = ?1"
    " CROSS JOIN audit a ON a.id = p.id"
    " UNION ALL"
    " SELECT id, at, actor, action, entity, entity_id, person_id, detail, hash,"
    " purpose_hash FROM audit WHERE id > (SELECT CAST(value AS INTEGER) FROM reads_meta"
    " WHERE name = 'indexed_to') AND person_id = ?1"
    " ORDER BY 1";

int ib_sq_reads_error(ib_sqlite *s, int rc, ib_err *err)
{
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
        return ib_err_set(err, IB_ESTORE, "het leeslog is bezet door een ander "
                                          "proces; probeer het later opnieuw");
    if ((rc & 0xff) == SQLITE_FULL)
        return ib_err_set(err, IB_EIO, "de schijf is vol (leeslog)");
    const char *path = s->reads ? sqlite3_db_filename(s->reads, "main") : NULL;
    return ib_err_set(err, IB_ESTORE, "leeslog %s: %s", path ? path : "",
                      s->reads ? sqlite3_errmsg(s->reads) : sqlite3_errstr(rc));
}

static int reads_exec(ib_sqlite *s, const char *sql, ib_err *err)
{
    int rc = sqlite3_exec(s->reads, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? IB_OK : ib_sq_reads_error(s, rc, err);
}

/* One text value of a query on db into out ("" when there is no row). */
static int query_text(sqlite3 *db, const char *sql, char *out, size_t size)
{
    sqlite3_stmt *q = NULL;
    out[0] = '\0';
    int rc = sqlite3_prepare_v2(db, sql, -1, &q, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW)
        ib_sq_col_text(q, 0, out, size);
    sqlite3_finalize(q);
    return rc == SQLITE_ROW ? SQLITE_DONE : rc;
}

/* The id of the read log the database knows ("" when it has none yet). */
static int known_id(ib_sqlite *s, char *out, size_t size, ib_err *err)
{
    int rc = query_text(s->db, "SELECT value FROM store_meta WHERE name = 'reads_log'",
                        out, size);
    return rc == SQLITE_DONE ? IB_OK : ib_sq_error(s, rc, err);
}

/* Read logs from before purposes could be erased lack the column of their
 * hashes; their entries keep NULL there (chained over the whole detail). */
static int add_purpose_column(ib_sqlite *s, ib_err *err)
{
    char n[24];
    int rc = query_text(s->reads, "SELECT count(*) FROM pragma_table_info('audit')"
                                  " WHERE name = 'purpose_hash'", n, sizeof n);
    if (rc != SQLITE_DONE)
        return ib_sq_reads_error(s, rc, err);
    return strcmp(n, "0") == 0
        ? reads_exec(s, "ALTER TABLE audit ADD COLUMN purpose_hash TEXT", err)
        : IB_OK;
}

/* The schema and the log's id, once (another process may race us: both
 * run this under the log's write lock, and the first id stays). */
static int make_schema(ib_sqlite *s, char id[ID_HEX], ib_err *err)
{
    uint8_t raw[(ID_HEX - 1) / 2];
    char fresh[ID_HEX], sql[128];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(fresh, sizeof fresh, raw, sizeof raw);
    snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO reads_meta VALUES ('database', '%s')",
             fresh);
    int rc = reads_exec(s, "BEGIN IMMEDIATE", err);
    if (rc == IB_OK && (rc = reads_exec(s, schema, err)) == IB_OK &&
        (rc = add_purpose_column(s, err)) == IB_OK && (rc = reads_exec(s, sql, err)) == IB_OK) {
        /* A log made just now gets the head of its empty chain; one that
         * was there keeps its own (or, missing, stays without: verify). */
        int src = sqlite3_changes(s->reads) == 1 ? ib_sq_reads_head_start(s, fresh)
                                                 : SQLITE_OK;
        rc = src == SQLITE_OK ? reads_exec(s, "COMMIT", err) : ib_sq_reads_error(s, src, err);
    }
    if (rc != IB_OK) {
        sqlite3_exec(s->reads, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    int src = query_text(s->reads, "SELECT value FROM reads_meta WHERE name = 'database'",
                         id, ID_HEX);
    return src == SQLITE_DONE ? IB_OK : ib_sq_reads_error(s, src, err);
}

/* Records the log's id in the database. Not possible inside a transaction
 * of the caller's, nor while another holds the write lock (a long import):
 * then it is kept and told at the next append; until then the log is
 * merely not yet missed if deleted. */
static void remember_id(ib_sqlite *s, const char *id)
{
    ib_strlcpy(s->reads_id_untold, id, sizeof s->reads_id_untold);
    if (s->base.in_tx || s->base.in_read)
        return;
    char sql[128];
    snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO store_meta (name, value)"
                              " VALUES ('reads_log', '%s')", id);
    ib_err err;
    if (ib_sq_exec(s, "BEGIN IMMEDIATE", &err) != IB_OK)
        return;
    if (ib_sq_exec(s, sql, &err) == IB_OK && ib_sq_exec(s, "COMMIT", &err) == IB_OK) {
        s->reads_id_untold[0] = '\0';
        return;
    }
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static int set_pragmas(ib_sqlite *s, ib_err *err)
{
    sqlite3_busy_handler(s->reads, ib_sq_busy_wait, s);
    int rc = reads_exec(s, "PRAGMA journal_mode = WAL", err);
    if (!rc) rc = reads_exec(s, "PRAGMA synchronous = NORMAL", err);
    if (!rc && s->manual_checkpoints)
        rc = reads_exec(s, "PRAGMA wal_autocheckpoint = 0;"
                           " PRAGMA journal_size_limit = 67108864", err);
    return rc;
}

static int prepare_statements(ib_sqlite *s, ib_err *err)
{
    int rc = sqlite3_prepare_v3(s->reads, "SELECT id, hash FROM audit ORDER BY id DESC"
                                          " LIMIT 1", -1, SQLITE_PREPARE_PERSISTENT,
                                &s->reads_last, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v3(s->reads, "INSERT INTO audit (id, at, actor, action,"
                                          " entity, entity_id, person_id, detail, hash,"
                                          " purpose_hash) VALUES (?1, ?2, ?3, ?4, ?5,"
                                          " ?6, ?7, ?8, ?9, ?10)",
                                -1, SQLITE_PREPARE_PERSISTENT, &s->reads_insert, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v3(s->reads, "SELECT value FROM reads_meta WHERE name = 'head'",
                                -1, SQLITE_PREPARE_PERSISTENT, &s->reads_head_get, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v3(s->reads, "UPDATE reads_meta SET value = ?1"
                                          " WHERE name = 'head'",
                                -1, SQLITE_PREPARE_PERSISTENT, &s->reads_head_put, NULL);
    return rc == SQLITE_OK ? IB_OK : ib_sq_reads_error(s, rc, err);
}

int ib_sq_reads_open(ib_sqlite *s, bool create, ib_err *err)
{
    if (s->reads)
        return IB_OK;
    char path[4096], known[ID_HEX], id[ID_HEX];
    int rc = ib_store_reads_path(&s->base, path, sizeof path, err);
    if (rc)
        return rc;
    if ((rc = known_id(s, known, sizeof known, err)) != IB_OK)
        return rc;
    if (access(path, F_OK) != 0) {
        if (known[0])
            return ib_err_set(err, IB_ECONFLICT,
                              "het leeslog %s ontbreekt; zet het terug uit de "
                              "reservekopie (de database heeft er een; is het "
                              "verloren: inbeeld audit forget-reads)", path);
        if (!create)
            return ib_err_set(err, IB_ENOTFOUND, "nog geen leeslog");
        /* 0600 before SQLite makes it 0644; its -wal and -shm follow */
        if (ib_create_private(path) != 0)
            return ib_err_set(err, IB_EIO, "kan leeslog %s niet aanmaken: %s",
                              path, strerror(errno));
    }
    int src = sqlite3_open_v2(path, &s->reads,
                          SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                          NULL);
    if (src != SQLITE_OK) {
        rc = ib_sq_reads_error(s, src, err);
        ib_sq_reads_close(s);
        return rc;
    }
    sqlite3_extended_result_codes(s->reads, 1);
    rc = set_pragmas(s, err);
    if (rc == IB_OK)
        rc = make_schema(s, id, err);
    if (rc == IB_OK && known[0] && strcmp(known, id) != 0)
        rc = ib_err_set(err, IB_ECONFLICT, "het leeslog %s hoort bij een andere "
                                           "database", path);
    if (rc == IB_OK && !known[0])
        remember_id(s, id);
    if (rc == IB_OK)
        rc = prepare_statements(s, err);
    if (rc != IB_OK)
        ib_sq_reads_close(s);
    return rc;
}

int ib_sq_reads_existing(ib_sqlite *s, bool *present, ib_err *err)
{
    int rc = ib_sq_reads_open(s, false, err);
    *present = rc == IB_OK;
    if (rc != IB_ENOTFOUND)
        return rc;
    ib_err_clear(err);
    return IB_OK;
}

/* The runs are derived data outside the hash chain, so audit verify checks
 * them too: deleting a run's row would hide a read from the person's
 * report. Every entry up to indexed_to that names a person is in exactly
 * the run that covers it, and nothing else is. */
int ib_sq_reads_check_runs(ib_store *st, ib_err *err)
{
    static const char sql[] =
        "SELECT (SELECT count(*) FROM audit WHERE person_id <> 0 AND id <="
        "   (SELECT CAST(value AS INTEGER) FROM reads_meta WHERE name = 'indexed_to')),"
        " (SELECT count(*) FROM person_runs),"
        " (SELECT count(*) FROM person_runs p JOIN audit a"
        "   ON a.id = p.id AND a.person_id = p.person_id"
        "   WHERE p.run = (SELECT min(r.run) FROM reads_runs r WHERE r.run >= p.id)),"
        " (SELECT coalesce(max(run), 0) FROM reads_runs) ="
        "   (SELECT CAST(value AS INTEGER) FROM reads_meta WHERE name = 'indexed_to')";
    ib_sqlite *s = ib_sq(st);
    bool present;
    int rc = ib_sq_reads_existing(s, &present, err);
    if (rc != IB_OK || !present)
        return rc;
    sqlite3_stmt *q = NULL;
    int src = sqlite3_prepare_v2(s->reads, sql, -1, &q, NULL);
    if (src == SQLITE_OK && (src = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t entries = sqlite3_column_int64(q, 0), rows = sqlite3_column_int64(q, 1),
                right = sqlite3_column_int64(q, 2);
        bool covered = sqlite3_column_int(q, 3) != 0;
        rc = entries == rows && rows == right && covered
            ? IB_OK
            : ib_err_set(err, IB_ECONFLICT,
                         "leeslog (auditlog van het inzien): de index per persoon "
                         "klopt niet (%lld regels, %lld in de index, %lld juist): "
                         "een overzicht per persoon kan regels missen",
                         (long long)entries, (long long)rows, (long long)right);
    }
    sqlite3_finalize(q);
    return src == SQLITE_ROW ? rc : ib_sq_reads_error(s, src, err);
}

int ib_sq_reads_forget(ib_store *st, char *id, size_t size, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    char path[4096], wal[4112];
    int rc = ib_store_reads_path(st, path, sizeof path, err);
    if (rc)
        return rc;
    snprintf(wal, sizeof wal, "%s-wal", path);
    if (access(path, F_OK) == 0 || access(wal, F_OK) == 0)
        return ib_err_set(err, IB_ECONFLICT,
                          "het leeslog %s (of zijn -wal) is er nog; alleen een "
                          "leeslog dat verloren is, kan worden vergeten", path);
    if ((rc = known_id(s, id, size, err)) != IB_OK)
        return rc;
    if (!id[0])
        return ib_err_set(err, IB_ENOTFOUND, "de database kent geen leeslog");
    s->reads_link_reset = true;     /* the change log's head forgets it too */
    return ib_sq_exec(s, "DELETE FROM store_meta WHERE name = 'reads_log'", err);
}

/* The person's entries are found as ib_sq_reads_by_person finds them (a
 * seek per run, then the entries after the last run), not by a scan of the
 * whole log. Entries from before purposes had a hash of their own keep
 * theirs: blanking it would break the chain. */
int ib_sq_reads_erase_purposes(ib_store *st, int64_t person_id, ib_err *err)
{
    static const char sql[] =
        "UPDATE audit SET detail = substr(detail, 1, instr(detail, '" IB_AUDIT_PURPOSE "') - 1)"
        " WHERE instr(detail, '" IB_AUDIT_PURPOSE "') > 0 AND purpose_hash IS NOT NULL"
        " AND (id IN (SELECT p.id FROM reads_runs r CROSS JOIN person_runs p"
        "   ON p.run = r.run AND p.person_id = ?1)"
        " OR (id > (SELECT CAST(value AS INTEGER) FROM reads_meta"
        "   WHERE name = 'indexed_to') AND person_id = ?1))";
    ib_sqlite *s = ib_sq(st);
    bool present;
    int rc = ib_sq_reads_existing(s, &present, err);
    if (rc != IB_OK || !present)
        return rc;
    if ((rc = reads_exec(s, "BEGIN IMMEDIATE", err)) != IB_OK)
        return rc;
    sqlite3_stmt *q = NULL;
    int src = sqlite3_prepare_v2(s->reads, sql, -1, &q, NULL);
    if (src == SQLITE_OK && (src = sqlite3_bind_int64(q, 1, person_id)) == SQLITE_OK)
        src = sqlite3_step(q);
    sqlite3_finalize(q);
    if (src == SQLITE_DONE)
        src = sqlite3_exec(s->reads, "COMMIT", NULL, NULL, NULL);
    if (src == SQLITE_OK)
        return IB_OK;
    rc = ib_sq_reads_error(s, src, err);
    sqlite3_exec(s->reads, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

int ib_sq_reads_prepare(ib_store *st, ib_err *err)
{
    return ib_sq_reads_open(ib_sq(st), true, err);
}

/* Indexes the entries after the last run as a new run, once there are
 * RUN_ENTRIES of them. Their commit is done: when this fails, they are
 * found by the scan after the runs until a later run takes them. */
static void index_run(ib_sqlite *s, int64_t last_id)
{
    if (last_id - s->reads_indexed_to < RUN_ENTRIES ||
        sqlite3_exec(s->reads, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return;
    char from[24], to[24], sql[320];
    int rc = query_text(s->reads, "SELECT value FROM reads_meta WHERE name = 'indexed_to'",
                        from, sizeof from);
    if (rc == SQLITE_DONE)
        rc = query_text(s->reads, "SELECT max(id) FROM audit", to, sizeof to);
    int64_t first = strtoll(from, NULL, 10), last = strtoll(to, NULL, 10);
    if (rc == SQLITE_DONE && last - first >= RUN_ENTRIES) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO person_runs SELECT %lld, person_id, id FROM audit"
                 " WHERE id > %lld AND id <= %lld AND person_id <> 0"
                 " ORDER BY person_id, id;"
                 "INSERT INTO reads_runs VALUES (%lld);"
                 "UPDATE reads_meta SET value = '%lld' WHERE name = 'indexed_to'",
                 (long long)last, (long long)first, (long long)last, (long long)last,
                 (long long)last);
        rc = sqlite3_exec(s->reads, sql, NULL, NULL, NULL);
        first = last;
    }
    if (rc == SQLITE_DONE || rc == SQLITE_OK)
        rc = sqlite3_exec(s->reads, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        sqlite3_exec(s->reads, "ROLLBACK", NULL, NULL, NULL);
        return;
    }
    s->reads_indexed_to = first;
}

int ib_sq_reads_append(ib_store *st, const ib_audit_entry *e, size_t n, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    int rc = ib_sq_reads_open(s, true, err);
    if (rc == IB_OK && s->reads_id_untold[0]) {
        char id[ID_HEX];
        ib_strlcpy(id, s->reads_id_untold, sizeof id);
        remember_id(s, id);
    }
    if (rc == IB_OK)
        rc = reads_exec(s, "BEGIN IMMEDIATE", err);
    if (rc)
        return rc;
    ib_audit_entry row;
    char before_hash[IB_AUDIT_HEX], prev[IB_AUDIT_HEX], hash[IB_AUDIT_HEX],
        purpose[IB_AUDIT_HEX];
    int64_t id, before;
    int src = ib_sq_audit_last(s->reads_last, &id, prev);
    before = id;
    memcpy(before_hash, prev, sizeof before_hash);
    for (size_t i = 0; src == SQLITE_DONE && i < n; i++) {
        row = e[i];
        row.id = ++id;
        ib_audit_purpose_hash(st->crypto.purpose_key, row.detail, purpose);
        ib_audit_hash(st->crypto.reads_key, prev, &row, purpose, hash);
        src = ib_sq_audit_insert(s->reads_insert, &row, hash, purpose);
        memcpy(prev, hash, sizeof prev);
    }
    if (src == SQLITE_DONE)         /* one head (one MAC) per group */
        src = ib_sq_reads_head_advance(s, before, before_hash, id, prev);
    if (src == SQLITE_DONE)
        src = sqlite3_exec(s->reads, "COMMIT", NULL, NULL, NULL);
    if (src == SQLITE_OK || src == SQLITE_DONE) {
        index_run(s, id);
        return IB_OK;
    }
    rc = ib_sq_reads_error(s, src, err);
    sqlite3_exec(s->reads, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

void ib_sq_reads_close(ib_sqlite *s)
{
    sqlite3_finalize(s->reads_last);
    sqlite3_finalize(s->reads_insert);
    sqlite3_finalize(s->reads_head_get);
    sqlite3_finalize(s->reads_head_put);
    sqlite3_close(s->reads);
    s->reads_last = s->reads_insert = s->reads_head_get = s->reads_head_put = NULL;
    s->reads = NULL;
}
