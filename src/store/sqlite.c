/* sqlite.c — the SQLite backend: opening (pragmas, migrations, key check),
 * the statement cache, transactions, senders and appending to the audit
 * chain. Upserts are in sqlite_put.c, readers in sqlite_read.c. */
#include "sqlite_internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Parameters are numbered per kind so that one bind function fills the
 * INSERT, FIND and UPDATE of that kind (see ib_sq_bind_i64). */
static const char *const stmt_sql[SQ_STMT_COUNT] = {
    [SQ_SENDER_GET] = "SELECT id FROM senders WHERE ref = ?1",
    [SQ_SENDER_ADD] = "INSERT INTO senders (ref, created_at) VALUES (?1, ?2)",

    [SQ_ORG_FIND] = "SELECT id, content_hash FROM organisations"
                    " WHERE sender_id = ?1 AND ref = ?2",
    [SQ_ORG_ALL] = "SELECT id, content_hash, ref FROM organisations WHERE sender_id = ?1",
    [SQ_ORG_COUNT] = "SELECT count(*) FROM organisations WHERE sender_id = ?1",
    [SQ_ORG_INSERT] = "INSERT INTO organisations (sender_id, ref, name, kvk, kind,"
                      " certified, content_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [SQ_ORG_UPDATE] = "UPDATE organisations SET name = ?3, kvk = ?4, kind = ?5,"
                      " certified = ?6, content_hash = ?7"
                      " WHERE id = ?8 AND sender_id = ?1 AND ref = ?2",

    [SQ_LOC_FIND] = "SELECT id, content_hash FROM locations"
                    " WHERE sender_id = ?1 AND ref = ?2",
    [SQ_LOC_ALL] = "SELECT id, content_hash, ref FROM locations WHERE sender_id = ?1",
    [SQ_LOC_COUNT] = "SELECT count(*) FROM locations WHERE sender_id = ?1",
    [SQ_LOC_INSERT] = "INSERT INTO locations (sender_id, ref, postcode, house_number,"
                      " municipality, kind, capacity, floor_area, provider_id,"
                      " certified_until, content_hash)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    [SQ_LOC_UPDATE] = "UPDATE locations SET postcode = ?3, house_number = ?4,"
                      " municipality = ?5, kind = ?6, capacity = ?7, floor_area = ?8,"
                      " provider_id = ?9, certified_until = ?10, content_hash = ?11"
                      " WHERE id = ?12 AND sender_id = ?1 AND ref = ?2",

    [SQ_PERSON_FIND] = "SELECT id, content_hash FROM persons"
                       " WHERE sender_id = ?1 AND ref = ?2",
    [SQ_PERSON_ALL] = "SELECT id, content_hash, ref FROM persons WHERE sender_id = ?1",
    [SQ_PERSON_COUNT] = "SELECT count(*) FROM persons WHERE sender_id = ?1",
    /* ?13 is the row's id, used by the UPDATE only. */
    [SQ_PERSON_INSERT] = "INSERT INTO persons (sender_id, ref, bsn_enc, bsn_hash,"
                         " family_name, given_names, birth_date, sex, nationality,"
                         " language, category, content_hash, identity_hash,"
                         " updated_at, people_id, own_people_id, link_rule)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
                         " ?14, ?15, ?16, ?17, ?18)",
    [SQ_PERSON_UPDATE] = "UPDATE persons SET bsn_enc = ?3, bsn_hash = ?4,"
                         " family_name = ?5, given_names = ?6, birth_date = ?7,"
                         " sex = ?8, nationality = ?9, language = ?10, category = ?11,"
                         " content_hash = ?12, identity_hash = ?14, updated_at = ?15"
                         " WHERE id = ?13 AND sender_id = ?1 AND ref = ?2",

    [SQ_STAY_OF_PERSON] = "SELECT id, arrival, departure, content_hash FROM stays"
                          " WHERE sender_id = ?1 AND person_id = ?2",
    [SQ_STAY_INSERT] = "INSERT INTO stays (sender_id, person_id, arrival, departure,"
                       " content_hash) VALUES (?1, ?2, ?3, ?4, ?5)",
    [SQ_STAY_UPDATE] = "UPDATE stays SET departure = ?4, content_hash = ?5"
                       " WHERE id = ?6 AND sender_id = ?1 AND person_id = ?2"
                       " AND arrival = ?3",

    [SQ_REG_INSERT] = "INSERT INTO registrations (sender_id, person_id, kind,"
                      " municipality, start_date, end_date, content_hash)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT"
                      " (sender_id, person_id, start_date, kind) DO NOTHING",
    [SQ_REG_FIND] = "SELECT id, content_hash FROM registrations WHERE sender_id = ?1"
                    " AND person_id = ?2 AND start_date = ?5 AND kind = ?3",
    [SQ_REG_UPDATE] = "UPDATE registrations SET municipality = ?4, end_date = ?6,"
                      " content_hash = ?7 WHERE id = ?8 AND sender_id = ?1"
                      " AND person_id = ?2",

    [SQ_EMP_INSERT] = "INSERT INTO employments (sender_id, person_id, employer_id,"
                      " agency_id, contract, start_date, end_date, hours_per_week,"
                      " monthly_wage, sector, content_hash)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT"
                      " (sender_id, person_id, start_date, employer_id) DO NOTHING",
    [SQ_EMP_FIND] = "SELECT id, content_hash FROM employments WHERE sender_id = ?1"
                    " AND person_id = ?2 AND start_date = ?6 AND employer_id = ?3",
    [SQ_EMP_UPDATE] = "UPDATE employments SET agency_id = ?4, contract = ?5,"
                      " end_date = ?7, hours_per_week = ?8, monthly_wage = ?9,"
                      " sector = ?10, content_hash = ?11 WHERE id = ?12"
                      " AND sender_id = ?1 AND person_id = ?2",

    [SQ_HOU_INSERT] = "INSERT INTO housings (sender_id, person_id, location_id,"
                      " provided_by_id, start_date, end_date, content_hash)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT"
                      " (sender_id, person_id, start_date, location_id) DO NOTHING",
    [SQ_HOU_FIND] = "SELECT id, content_hash FROM housings WHERE sender_id = ?1"
                    " AND person_id = ?2 AND start_date = ?5 AND location_id = ?3",
    [SQ_HOU_UPDATE] = "UPDATE housings SET provided_by_id = ?4, end_date = ?6,"
                      " content_hash = ?7 WHERE id = ?8 AND sender_id = ?1"
                      " AND person_id = ?2",

    [SQ_EVT_INSERT] = "INSERT INTO life_events (sender_id, person_id, event,"
                      " event_date, content_hash) VALUES (?1, ?2, ?3, ?4, ?5)"
                      " ON CONFLICT (sender_id, person_id, event_date, event) DO NOTHING",
    [SQ_EVT_FIND] = "SELECT id, content_hash FROM life_events WHERE sender_id = ?1"
                    " AND person_id = ?2 AND event_date = ?4 AND event = ?3",

    [SQ_CON_INSERT] = "INSERT INTO contacts (sender_id, person_id, kind, contact_date,"
                      " channel, topics, language, understood, content_hash)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT"
                      " (sender_id, person_id, contact_date, kind) DO NOTHING",
    [SQ_CON_FIND] = "SELECT id, content_hash FROM contacts WHERE sender_id = ?1"
                    " AND person_id = ?2 AND contact_date = ?4 AND kind = ?3",
    [SQ_CON_UPDATE] = "UPDATE contacts SET channel = ?5, topics = ?6, language = ?7,"
                      " understood = ?8, content_hash = ?9 WHERE id = ?10"
                      " AND sender_id = ?1 AND person_id = ?2",

    [SQ_AUDIT_LAST] = "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
    [SQ_DATA_VERSION] = "SELECT value FROM store_meta WHERE name = 'data_version'",
    [SQ_AUDIT_INSERT] = "INSERT INTO audit (id, at, actor, action, entity, entity_id,"
                        " person_id, detail, hash)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
};

/* ------------------------------------------------------------ helpers */

int ib_sq_error(ib_sqlite *s, int rc, ib_err *err)
{
    const char *why = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return ib_err_set(err, IB_ESTORE, "de database is bezet door een ander "
                                          "proces; probeer het later opnieuw");
    case SQLITE_FULL:
        return ib_err_set(err, IB_EIO, "de schijf is vol: %s", why);
    case SQLITE_NOMEM:
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen voor de database");
    case SQLITE_READONLY:
    case SQLITE_PERM:
        return ib_err_set(err, IB_ESTORE, "de database is alleen-lezen: %s", why);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return ib_err_set(err, IB_ESTORE,
                          "het bestand is beschadigd of geen inbeeld-database: %s", why);
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
        return ib_err_set(err, IB_EIO, "database niet te openen of te schrijven: %s",
                          why);
    case SQLITE_CONSTRAINT:
        return ib_err_set(err, IB_ECONFLICT, "in strijd met opgeslagen gegevens: %s",
                          why);
    default:
        return ib_err_set(err, IB_ESTORE, "databasefout: %s", why);
    }
}

int ib_sq_stmt(ib_sqlite *s, sq_stmt_id id, sqlite3_stmt **out, ib_err *err)
{
    sqlite3_stmt *q = s->stmts[id];
    if (q) {
        sqlite3_reset(q);
        *out = q;
        return IB_OK;
    }
    *out = NULL;
    int rc = sqlite3_prepare_v3(s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                                &q, NULL);
    if (rc != SQLITE_OK)
        return ib_sq_error(s, rc, err);
    s->stmts[id] = q;
    *out = q;
    return IB_OK;
}

int ib_sq_cached(ib_sqlite *s, const char *sql, sqlite3_stmt **out, ib_err *err)
{
    sqlite3_stmt **free_slot = NULL;
    bool in_use = false;
    for (size_t i = 0; i < SQ_CACHED_MAX; i++) {
        sqlite3_stmt *q = s->cached[i];
        if (!q) {
            free_slot = free_slot ? free_slot : &s->cached[i];
        } else if (strcmp(sqlite3_sql(q), sql) == 0) {
            if (!sqlite3_stmt_busy(q)) {
                *out = q;
                return IB_OK;
            }
            in_use = true;
        }
    }
    bool keep = free_slot && !in_use;
    *out = NULL;
    int rc = sqlite3_prepare_v3(s->db, sql, -1, keep ? SQLITE_PREPARE_PERSISTENT : 0,
                                out, NULL);
    if (rc != SQLITE_OK)
        return ib_sq_error(s, rc, err);
    if (keep)
        *free_slot = *out;
    return IB_OK;
}

void ib_sq_release(ib_sqlite *s, sqlite3_stmt *q)
{
    if (!q)
        return;
    for (size_t i = 0; i < SQ_CACHED_MAX; i++)
        if (s->cached[i] == q) {
            sqlite3_reset(q);
            sqlite3_clear_bindings(q);
            return;
        }
    sqlite3_finalize(q);
}

/* Runs one kept statement that returns no rows (BEGIN, COMMIT). */
static int exec_cached(ib_sqlite *s, const char *sql, ib_err *err)
{
    sqlite3_stmt *q = NULL;
    int rc = ib_sq_cached(s, sql, &q, err);
    if (rc)
        return rc;
    rc = sqlite3_step(q);
    ib_sq_release(s, q);
    return rc == SQLITE_DONE ? IB_OK : ib_sq_error(s, rc, err);
}

int ib_sq_done(ib_sqlite *s, sqlite3_stmt *q, ib_err *err)
{
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW)
        return IB_OK;
    return ib_sq_error(s, rc, err);
}

int ib_sq_exec(ib_sqlite *s, const char *sql, ib_err *err)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? IB_OK : ib_sq_error(s, rc, err);
}

void ib_sq_refs_clear(ib_sqlite *s)
{
    s->nobsn_valid = false;
    for (int k = 0; k < SQ_REF_KINDS; k++)
        ib_refmap_reset(&s->refs[k], 0);
}

static bool in_range(sqlite3_stmt *q, int i)
{
    return i <= sqlite3_bind_parameter_count(q);
}

int ib_sq_bind_i64(sqlite3_stmt *q, int i, int64_t v)
{
    return in_range(q, i) ? sqlite3_bind_int64(q, i, v) : SQLITE_OK;
}

int ib_sq_bind_opt(sqlite3_stmt *q, int i, int64_t v, int64_t none)
{
    if (!in_range(q, i))
        return SQLITE_OK;
    return v == none ? sqlite3_bind_null(q, i) : sqlite3_bind_int64(q, i, v);
}

int ib_sq_bind_id(sqlite3_stmt *q, int i, int64_t id)
{
    return ib_sq_bind_opt(q, i, id, 0);
}

int ib_sq_bind_date(sqlite3_stmt *q, int i, ib_date d)
{
    return ib_sq_bind_opt(q, i, d, IB_DATE_NONE);
}

int ib_sq_bind_text(sqlite3_stmt *q, int i, const char *s, size_t max)
{
    if (!in_range(q, i))
        return SQLITE_OK;
    size_t n = strnlen(s, max);
    return n ? sqlite3_bind_text(q, i, s, (int)n, SQLITE_STATIC)
             : sqlite3_bind_null(q, i);
}

int ib_sq_bind_blob(sqlite3_stmt *q, int i, const void *p, size_t n)
{
    if (!in_range(q, i))
        return SQLITE_OK;
    return n ? sqlite3_bind_blob(q, i, p, (int)n, SQLITE_STATIC)
             : sqlite3_bind_null(q, i);
}

void ib_sq_col_text(sqlite3_stmt *q, int i, char *dst, size_t size)
{
    const unsigned char *t = sqlite3_column_text(q, i);
    size_t n = (size_t)sqlite3_column_bytes(q, i);
    if (!t)
        n = 0;
    if (n >= size)
        n = size - 1;
    if (n)
        memcpy(dst, t, n);
    dst[n] = '\0';
}

int64_t ib_sq_col_opt(sqlite3_stmt *q, int i, int64_t none)
{
    /* NULL reads as 0, so only a 0 needs the (costlier) type check. */
    int64_t v = sqlite3_column_int64(q, i);
    return v == 0 && sqlite3_column_type(q, i) == SQLITE_NULL ? none : v;
}

ib_date ib_sq_col_date(sqlite3_stmt *q, int i)
{
    return (ib_date)ib_sq_col_opt(q, i, IB_DATE_NONE);
}

/* ------------------------------------------------------------ data version */

/* The tables whose rows make up the registry (ib_store_scan reads them). */
static bool is_registry_table(const char *table)
{
    static const char *const tables[] = {
        "senders", "organisations", "locations", "persons", "stays",
        "registrations", "employments", "housings", "life_events", "contacts",
        "people"};
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++)
        if (strcmp(table, tables[i]) == 0)
            return true;
    return false;
}

/* sqlite3_update_hook: every inserted, updated or deleted row of every
 * statement on this connection passes here, whatever code wrote it, so no
 * write path can forget to mark the registry changed. */
static void note_row_change(void *ctx, int op, const char *db, const char *table,
                            sqlite3_int64 rowid)
{
    ib_sqlite *s = ctx;
    (void)op; (void)db; (void)rowid;
    if (!s->registry_changed && is_registry_table(table))
        s->registry_changed = true;
}

/* sqlite3_commit_hook: a commit that changed the registry without a new
 * data version (a write outside sq_commit, such as an autocommit
 * statement) is turned into a rollback rather than leaving copies of the
 * registry wrongly current. */
static int refuse_unversioned_commit(void *ctx)
{
    const ib_sqlite *s = ctx;
    return s->registry_changed && !s->version_written;
}

/* sqlite3_rollback_hook, and after a commit: the next transaction starts
 * clean. */
static void forget_changes(void *ctx)
{
    ib_sqlite *s = ctx;
    s->registry_changed = false;
    s->version_written = false;
    s->changes_appended = false;
    s->reads_link_reset = false;
    s->heads_adopt = false;
}

/* A new random data version, written last in the transaction that changed
 * the registry. */
static int write_data_version(ib_sqlite *s, ib_err *err)
{
    uint8_t raw[(IB_DATA_VERSION_LEN - 1) / 2];
    char hex[IB_DATA_VERSION_LEN];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO store_meta (name, value)"
                                       " VALUES ('data_version', ?1)", -1, &q, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(q, 1, hex, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE)
        return ib_sq_error(s, rc, err);
    s->version_written = true;
    return IB_OK;
}

static int sq_data_version(ib_store *st, char out[IB_DATA_VERSION_LEN], ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = ib_sq_stmt(s, SQ_DATA_VERSION, &q, err);
    if (rc)
        return rc;
    out[0] = '\0';
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        ib_sq_col_text(q, 0, out, IB_DATA_VERSION_LEN);
    sqlite3_reset(q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? IB_OK : ib_sq_error(s, rc, err);
}

static const char *sq_file_path(ib_store *st)
{
    const char *path = sqlite3_db_filename(ib_sq(st)->db, "main");
    return path && path[0] ? path : NULL;
}

/* ------------------------------------------------------------ transactions */

static int query_int(ib_sqlite *s, const char *sql, int64_t *out, ib_err *err);

/* Bulk mode (ib_store_begin_bulk) on or off. The puts resolve every
 * reference within the transaction, so SQLite's foreign-key checks (a
 * parent seek per reference and a statement journal per row) only repeat
 * them. The pragma takes effect only outside a transaction, so the result
 * is verified: a connection never goes on with its foreign keys silently
 * off. (A 512 MiB page cache during bulk loads was measured too: the same
 * CPU time at 1M persons for 350 MB more memory, so the cache stays.) */
static int set_bulk(ib_sqlite *s, bool on, ib_err *err)
{
    int64_t fk = -1;
    if (on)
        s->bulk = true;                  /* may be half on from here */
    int rc = ib_sq_exec(s, on ? "PRAGMA foreign_keys = OFF"
                              : "PRAGMA foreign_keys = ON", err);
    if (!rc) rc = query_int(s, "PRAGMA foreign_keys", &fk, err);
    if (!rc && fk != (on ? 0 : 1))
        rc = ib_err_set(err, IB_ESTORE, "foreign keys konden niet %s worden",
                        on ? "uitgezet" : "aangezet");
    if (!rc && !on)
        s->bulk = false;
    return rc;
}

/* After a transaction: leaves bulk mode (when on); rc is the outcome so far. */
static int end_bulk(ib_sqlite *s, int rc, ib_err *err)
{
    if (!s->bulk)
        return rc;
    int brc = set_bulk(s, false, rc ? NULL : err);
    return rc ? rc : brc;
}

/* The ref caches stay valid from one transaction to the next (the files
 * of one import share them) unless another connection has committed in
 * between: PRAGMA data_version changes only for others' commits. Called
 * inside the transaction, when no one else can commit. A rollback and an
 * erase forget the caches themselves. */
static int check_refs(ib_sqlite *s, ib_err *err)
{
    int64_t version;
    int rc = query_int(s, "PRAGMA data_version", &version, err);
    if (rc)
        return rc;
    if (!s->refs_checked || version != s->refs_version)
        ib_sq_refs_clear(s);
    s->refs_version = version;
    s->refs_checked = true;
    return IB_OK;
}

static int sq_begin(ib_store *st, bool bulk, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    /* A bulk mode that could not be left before is left now, or nothing. */
    int rc = s->bulk ? set_bulk(s, false, err) : IB_OK;
    if (!rc && bulk) rc = set_bulk(s, true, err);
    forget_changes(s);
    /* IMMEDIATE takes the write lock now: no deadlock upgrading later. */
    if (!rc) rc = ib_sq_exec(s, "BEGIN IMMEDIATE", err);
    if (!rc && (rc = check_refs(s, err)) != IB_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc ? end_bulk(s, rc, NULL) : IB_OK;
}

static int sq_rollback(ib_store *st, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    ib_sq_refs_clear(s);                 /* ids of rolled-back rows are gone */
    int rc = IB_OK;
    if (!sqlite3_get_autocommit(s->db))  /* else SQLite already rolled back */
        rc = ib_sq_exec(s, "ROLLBACK", err);
    return end_bulk(s, rc, err);
}

/* A deferred BEGIN takes no lock; the snapshot is fixed by the first read
 * (WAL mode), so the reads after it see the same data. */
static int sq_begin_read(ib_store *st, ib_err *err)
{
    return exec_cached(ib_sq(st), "BEGIN", err);
}

static int sq_end_read(ib_store *st, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    if (sqlite3_get_autocommit(s->db))  /* SQLite already ended it */
        return IB_OK;
    return exec_cached(s, "COMMIT", err);
}

static int sq_commit(ib_store *st, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    int rc = s->registry_changed ? write_data_version(s, err) : IB_OK;
    if (!rc) rc = ib_sq_changes_head_commit(s, err);
    if (!rc) rc = ib_sq_exec(s, "COMMIT", err);
    if (rc != IB_OK) {
        sq_rollback(st, NULL);
        return rc;
    }
    forget_changes(s);
    return end_bulk(s, IB_OK, err);
}

/* ------------------------------------------------------------ senders */

static int sq_sender(ib_store *st, const char *ref, bool create, int64_t *id,
                     ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = ib_sq_stmt(s, SQ_SENDER_GET, &q, err);
    if (rc)
        return rc;
    sqlite3_bind_text(q, 1, ref, -1, SQLITE_STATIC);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    if (rc == SQLITE_ROW)
        return IB_OK;
    if (rc != SQLITE_DONE)
        return ib_sq_error(s, rc, err);
    if (!create)
        return ib_err_set(err, IB_ENOTFOUND, "afzender '%s' onbekend", ref);

    bool own_tx = !st->in_tx;
    if (own_tx && (rc = sq_begin(st, false, err)) != IB_OK)
        return rc;
    char at[32];
    ib_audit_now(at);
    rc = ib_sq_stmt(s, SQ_SENDER_ADD, &q, err);
    if (rc == IB_OK) {
        sqlite3_bind_text(q, 1, ref, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, at, -1, SQLITE_STATIC);
        rc = ib_sq_done(s, q, err);
    }
    if (rc == IB_OK)
        *id = sqlite3_last_insert_rowid(s->db);
    if (own_tx)
        rc = rc == IB_OK ? sq_commit(st, err) : (sq_rollback(st, NULL), rc);
    return rc;
}

/* ------------------------------------------------------------ audit */

int ib_sq_audit_last(sqlite3_stmt *last, int64_t *id, char prev[2 * IB_AUDIT_HASH_BYTES + 1])
{
    int rc = sqlite3_step(last);
    *id = 0;
    prev[0] = '\0';
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(last, 0);
        ib_sq_col_text(last, 1, prev, 2 * IB_AUDIT_HASH_BYTES + 1);
    }
    sqlite3_reset(last);
    return rc == SQLITE_ROW ? SQLITE_DONE : rc;
}

int ib_sq_audit_insert(sqlite3_stmt *q, const ib_audit_entry *e, const char *hash,
                       const char *purpose_hash)
{
    int rc = sqlite3_bind_int64(q, 1, e->id);
    rc |= sqlite3_bind_text(q, 2, e->at, -1, SQLITE_STATIC);
    rc |= sqlite3_bind_text(q, 3, e->actor, (int)strnlen(e->actor, sizeof e->actor), SQLITE_STATIC);
    rc |= sqlite3_bind_text(q, 4, e->action, (int)strnlen(e->action, sizeof e->action), SQLITE_STATIC);
    rc |= sqlite3_bind_text(q, 5, e->entity, (int)strnlen(e->entity, sizeof e->entity), SQLITE_STATIC);
    rc |= sqlite3_bind_int64(q, 6, e->entity_id);
    rc |= sqlite3_bind_int64(q, 7, e->person_id);
    rc |= sqlite3_bind_text(q, 8, e->detail, (int)strnlen(e->detail, sizeof e->detail), SQLITE_STATIC);
    rc |= sqlite3_bind_text(q, 9, hash, -1, SQLITE_STATIC);
    if (purpose_hash)
        rc |= sqlite3_bind_text(q, 10, purpose_hash, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(q);
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);             /* bound text points into e */
    return rc;
}

static int sq_audit_append(ib_store *st, const ib_audit_entry *in, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *last, *ins;
    int rc = ib_sq_stmt(s, SQ_AUDIT_LAST, &last, err);
    if (rc == IB_OK)
        rc = ib_sq_stmt(s, SQ_AUDIT_INSERT, &ins, err);
    if (rc)
        return rc;
    ib_audit_entry e = *in;
    char prev[2 * IB_AUDIT_HASH_BYTES + 1], hash[2 * IB_AUDIT_HASH_BYTES + 1];
    if ((rc = ib_sq_audit_last(last, &e.id, prev)) != SQLITE_DONE)
        return ib_sq_error(s, rc, err);
    e.id++;
    ib_audit_hash(st->crypto.audit_key, prev, &e, NULL, hash);
    if ((rc = ib_sq_audit_insert(ins, &e, hash, NULL)) != SQLITE_DONE)
        return ib_sq_error(s, rc, err);
    ib_sq_changes_appended(s, e.id, prev, hash);
    return IB_OK;
}

static int sq_map_file(ib_store *st, int64_t bytes, ib_err *err)
{
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA mmap_size = %lld", (long long)(bytes > 0 ? bytes : 0));
    return ib_sq_exec(ib_sq(st), sql, err);
}

/* ------------------------------------------------------------ open, close */

static void sq_close(ib_store *st)
{
    ib_sqlite *s = ib_sq(st);
    for (int i = 0; i < SQ_STMT_COUNT; i++)
        sqlite3_finalize(s->stmts[i]);
    for (int i = 0; i < SQ_CACHED_MAX; i++)
        sqlite3_finalize(s->cached[i]);
    ib_sq_read_close(s);
    ib_sq_reads_close(s);
    for (int k = 0; k < SQ_REF_KINDS; k++)
        ib_refmap_free(&s->refs[k]);
    sqlite3_close(s->db);            /* NULL is a no-op */
    ib_crypto_wipe(&s->base.crypto);
    free(s);
}

static const ib_store_ops sqlite_ops = {
    .name = "sqlite",
    .close = sq_close,
    .begin = sq_begin,
    .prefetch_ref = ib_sq_prefetch_ref,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .begin_read = sq_begin_read,
    .end_read = sq_end_read,
    .sender = sq_sender,
    .put_organisation = ib_sq_put_organisation,
    .put_location = ib_sq_put_location,
    .put_person = ib_sq_put_person,
    .put_stay = ib_sq_put_stay,
    .put_registration = ib_sq_put_registration,
    .put_employment = ib_sq_put_employment,
    .put_housing = ib_sq_put_housing,
    .put_life_event = ib_sq_put_life_event,
    .put_contact = ib_sq_put_contact,
    .each_sender = ib_sq_each_sender,
    .each_person = ib_sq_each_person,
    .each_stay = ib_sq_each_stay,
    .each_registration = ib_sq_each_registration,
    .each_organisation = ib_sq_each_organisation,
    .each_employment = ib_sq_each_employment,
    .each_location = ib_sq_each_location,
    .each_housing = ib_sq_each_housing,
    .each_life_event = ib_sq_each_life_event,
    .each_contact = ib_sq_each_contact,
    .scan = ib_sq_scan,
    .get_person = ib_sq_get_person,
    .get_location = ib_sq_get_location,
    .get_organisation_by_id = ib_sq_get_organisation_by_id,
    .find_person_by_bsn_hash = ib_sq_find_person_by_bsn_hash,
    .count = ib_sq_count,
    .audit_append = sq_audit_append,
    .reads_append = ib_sq_reads_append,
    .audit_scan = ib_sq_audit_scan,
    .map_file = sq_map_file,
    .prepare_reads = ib_sq_reads_prepare,
    .reads_forget = ib_sq_reads_forget,
    .reads_check_index = ib_sq_reads_check_runs,
    .audit_heads = ib_sq_audit_heads,
    .adopt_heads = ib_sq_adopt_heads,
    .reads_erase_purposes = ib_sq_reads_erase_purposes,
    .manual_checkpoints = ib_sq_manual_checkpoints,
    .checkpoint = ib_sq_checkpoint,
    .user_insert = ib_sq_user_insert,
    .user_get = ib_sq_user_get,
    .user_each = ib_sq_user_each,
    .user_update = ib_sq_user_update,
    .session_insert = ib_sq_session_insert,
    .session_get = ib_sq_session_get,
    .session_delete = ib_sq_session_delete,
    .token_insert = ib_sq_token_insert,
    .token_get = ib_sq_token_get,
    .token_each = ib_sq_token_each,
    .token_revoke = ib_sq_token_revoke,
    .inspection_write = ib_sq_inspection_write,
    .inspection_get = ib_sq_inspection_get,
    .inspection_delete = ib_sq_inspection_delete,
    .inspection_each = ib_sq_inspection_each,
    .query_persons = ib_sq_query_persons,
    .erase_person = ib_sq_erase_person,
    .resolve_person = ib_sq_resolve_person,
    .each_record = ib_sq_each_record,
    .person_of_record = ib_sq_person_of_record,
    .link_persons = ib_sq_link_persons,
    .unlink_record = ib_sq_unlink_record,
    .each_review = ib_sq_each_review,
    .decide_review = ib_sq_decide_review,
    .data_version = sq_data_version,
    .file_path = sq_file_path,
};

/* One integer from a query without parameters; *out 0 when no row. */
static int query_int(ib_sqlite *s, const char *sql, int64_t *out, ib_err *err)
{
    sqlite3_stmt *q = NULL;
    *out = 0;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &q, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(q);
        if (rc == SQLITE_ROW)
            *out = sqlite3_column_int64(q, 0);
    }
    sqlite3_finalize(q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? IB_OK : ib_sq_error(s, rc, err);
}

static int set_pragmas(ib_sqlite *s, ib_err *err)
{
    ib_sq_set_busy_handler(s, 5000);
    /* WAL: readers do not block the writer; NORMAL is durable across
     * process crashes (power loss may lose the last commits, never
     * consistency). The page cache matters for bulk index inserts. */
    int rc = ib_sq_exec(s, "PRAGMA journal_mode = WAL", err);
    if (!rc) rc = ib_sq_exec(s, "PRAGMA synchronous = NORMAL", err);
    if (!rc) rc = ib_sq_exec(s, "PRAGMA foreign_keys = ON", err);
    if (!rc) rc = ib_sq_exec(s, "PRAGMA cache_size = -131072", err);
    return rc;
}

static int read_version(ib_sqlite *s, int *version, ib_err *err)
{
    int64_t n = 0, v = 0;
    int rc = query_int(s, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                          " AND name = 'schema_migrations'", &n, err);
    if (rc == IB_OK && n > 0)
        rc = query_int(s, "SELECT coalesce(max(version), 0) FROM schema_migrations",
                       &v, err);
    *version = (int)v;
    return rc;
}

/* Applies migration `version` in its own transaction, unless another
 * process got there first. */
static int migrate_one(ib_sqlite *s, int version, ib_err *err)
{
    char *sql = NULL;
    int have = 0, rc = ib_sq_exec(s, "BEGIN IMMEDIATE", err);
    if (rc)
        return rc;
    rc = ib_sq_exec(s, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                       "version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)", err);
    if (!rc) rc = read_version(s, &have, err);
    if (rc || have >= version)
        goto done;
    if (!(sql = ib_migration_sql(version, IB_DIALECT_SQLITE))) {
        rc = ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
        goto done;
    }
    if ((rc = ib_sq_exec(s, sql, err)) != IB_OK) {
        char why[200];
        ib_strlcpy(why, err ? err->msg : "", sizeof why);
        ib_err_set(err, rc, "schemamigratie %d mislukt: %s", version, why);
        goto done;
    }
    char at[32], ins[128];
    ib_audit_now(at);
    snprintf(ins, sizeof ins, "INSERT INTO schema_migrations VALUES (%d, '%s')",
             version, at);
    rc = ib_sq_exec(s, ins, err);
    /* A migration that changes registry rows renews the data version in its
     * own SQL (migration 4 does). */
    s->version_written = true;
done:
    free(sql);
    if (rc == IB_OK)
        return ib_sq_exec(s, "COMMIT", err);
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* *fresh: the database had no schema yet (a new one). */
static int migrate(ib_sqlite *s, bool *fresh, ib_err *err)
{
    int latest = ib_migration_count(), v = 0;
    int rc = read_version(s, &v, err);
    if (rc)
        return rc;
    *fresh = v == 0;
    if (v > latest)
        return ib_err_set(err, IB_EVERSION,
                          "de database heeft schemaversie %d, dit programma kent "
                          "t/m %d; installeer een nieuwere inbeeld", v, latest);
    for (int next = v + 1; next <= latest; next++)
        if ((rc = migrate_one(s, next, err)) != IB_OK)
            return rc;
    s->base.schema_version = latest;
    return IB_OK;
}

/* Reads the stored key check value; *found false when the database has none
 * yet (new database). */
static int read_keycheck(ib_sqlite *s, uint8_t out[IB_KEYCHECK_BYTES], bool *found,
                         ib_err *err)
{
    sqlite3_stmt *q = NULL;
    *found = false;
    int rc = sqlite3_prepare_v2(s->db, "SELECT value FROM store_meta"
                                       " WHERE name = 'key_check'", -1, &q, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW &&
        sqlite3_column_bytes(q, 0) == IB_KEYCHECK_BYTES) {
        memcpy(out, sqlite3_column_blob(q, 0), IB_KEYCHECK_BYTES);
        *found = true;
    }
    sqlite3_finalize(q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? IB_OK : ib_sq_error(s, rc, err);
}

static int write_keycheck(ib_sqlite *s, ib_err *err)
{
    sqlite3_stmt *q = NULL;
    int rc = ib_sq_exec(s, "BEGIN IMMEDIATE", err);
    if (rc)
        return rc;
    int src = sqlite3_prepare_v2(s->db, "INSERT INTO store_meta (name, value)"
                                        " VALUES ('key_check', ?1)", -1, &q, NULL);
    if (src == SQLITE_OK) {
        sqlite3_bind_blob(q, 1, s->base.crypto.keycheck, IB_KEYCHECK_BYTES,
                          SQLITE_STATIC);
        src = sqlite3_step(q);
    }
    sqlite3_finalize(q);
    if (src != SQLITE_DONE) {
        rc = ib_sq_error(s, src, err);
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    return ib_sq_exec(s, "COMMIT", err);
}

/* The key must match the database: a database that has stored BSNs never
 * gets a fresh key silently, and a wrong key file is named at open. */
static int load_key(ib_sqlite *s, const char *db_path, const ib_store_options *opt,
                    ib_err *err)
{
    char path[4096];
    const char *kp = opt->key_path;
    if (!kp) {
        int n = snprintf(path, sizeof path, "%s.key", db_path);
        if (n < 0 || (size_t)n >= sizeof path)
            return ib_err_set(err, IB_EINVAL, "pad van de database te lang");
        kp = path;
    }
    uint8_t stored[IB_KEYCHECK_BYTES];
    bool has_check, created;
    int rc = read_keycheck(s, stored, &has_check, err);
    if (rc)
        return rc;
    const char *hint = has_check
        ? "zet de bewaarde kopie terug of geef het juiste pad met --key"
        : "maak het met 'inbeeld init'";
    rc = ib_crypto_load(&s->base.crypto, kp, opt->create && !has_check, hint,
                        &created, err);
    if (rc)
        return rc;
    if (!has_check)
        return write_keycheck(s, err);
    if (sodium_memcmp(stored, s->base.crypto.keycheck, IB_KEYCHECK_BYTES) != 0)
        return ib_err_set(err, IB_ECRYPTO,
                          "sleutelbestand %s hoort niet bij deze database "
                          "(verkeerde sleutel)", kp);
    return IB_OK;
}

/* Process-wide and once, before SQLite initialises: no memory statistics,
 * whose global mutex costs a lock and an unlock per allocation (several per
 * row written). Has no effect when the program initialised SQLite first. */
static void configure_sqlite(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int ib_sqlite_open(ib_store **out, const char *path, const ib_store_options *opt,
                   ib_err *err)
{
    static pthread_once_t configured = PTHREAD_ONCE_INIT;
    pthread_once(&configured, configure_sqlite);
    if (!opt->create && access(path, F_OK) != 0)
        return ib_err_set(err, IB_ENOTFOUND,
                          "bestaat niet; maak hem met 'inbeeld init --db %s'", path);
    /* SQLite would create the file 0644; made 0600 first, its -wal and
     * -shm files follow. */
    if (opt->create && ib_create_private(path) != 0)
        return ib_err_set(err, IB_EIO, "kan %s niet aanmaken: %s", path,
                          strerror(errno));
    ib_sqlite *s = calloc(1, sizeof *s);
    if (!s)
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    s->base.ops = &sqlite_ops;
    ib_store_set_actor(&s->base, NULL);
    /* One ib_store is used by one thread at a time (its caches are not
     * shared), so SQLite need not lock the connection. */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
                (opt->create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &s->db, flags, NULL);
    if (rc != SQLITE_OK) {
        rc = ib_sq_error(s, rc, err);
        goto fail;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_update_hook(s->db, note_row_change, s);
    sqlite3_commit_hook(s->db, refuse_unversioned_commit, s);
    sqlite3_rollback_hook(s->db, forget_changes, s);
    bool fresh = false;
    if ((rc = set_pragmas(s, err)) != IB_OK || (rc = migrate(s, &fresh, err)) != IB_OK ||
        (rc = load_key(s, path, opt, err)) != IB_OK)
        goto fail;
    /* Only a new database gets a head for its empty change log here: one
     * whose head is missing later may have lost entries with it. */
    if (fresh && (rc = ib_sq_changes_head_start(s, err)) != IB_OK)
        goto fail;
    if ((rc = ib_sq_link_backfill(s, err)) != IB_OK)
        goto fail;
    *out = &s->base;
    return IB_OK;
fail:
    sq_close(&s->base);
    return rc;
}
