/* sqlite_internal.h — private to the SQLite backend (sqlite.c: connection,
 * migrations, transactions, senders, audit; sqlite_put.c: upserts;
 * sqlite_read.c: iterators and look-ups; sqlite_scan.c: the lean scan for
 * statistics). */
#ifndef IB_STORE_SQLITE_INTERNAL_H
#define IB_STORE_SQLITE_INTERNAL_H

#include <sqlite3.h>

#include "store/store_internal.h"

/* The statements of the write path, prepared once and kept. */
typedef enum {
    SQ_SENDER_GET, SQ_SENDER_ADD,
    SQ_ORG_FIND, SQ_ORG_ALL, SQ_ORG_COUNT, SQ_ORG_INSERT, SQ_ORG_UPDATE,
    SQ_LOC_FIND, SQ_LOC_ALL, SQ_LOC_COUNT, SQ_LOC_INSERT, SQ_LOC_UPDATE,
    SQ_PERSON_FIND, SQ_PERSON_ALL, SQ_PERSON_COUNT, SQ_PERSON_INSERT,
    SQ_PERSON_UPDATE,
    SQ_STAY_OF_PERSON, SQ_STAY_INSERT, SQ_STAY_UPDATE,
    SQ_REG_INSERT, SQ_REG_FIND, SQ_REG_UPDATE,
    SQ_EMP_INSERT, SQ_EMP_FIND, SQ_EMP_UPDATE,
    SQ_HOU_INSERT, SQ_HOU_FIND, SQ_HOU_UPDATE,
    SQ_EVT_INSERT, SQ_EVT_FIND,
    SQ_CON_INSERT, SQ_CON_FIND, SQ_CON_UPDATE,
    SQ_AUDIT_LAST, SQ_AUDIT_INSERT, SQ_DATA_VERSION,
    SQ_STMT_COUNT
} sq_stmt_id;

/* The kinds that others refer to by ref, each with a ref cache. */
typedef enum { SQ_REF_ORG, SQ_REF_LOC, SQ_REF_PERSON, SQ_REF_KINDS } sq_ref_kind;

/* Birth dates 1870-01-01 .. 2049-05-xx (days since 1970 from -36524). */
#define SQ_NOBSN_FIRST (-36524)
#define SQ_NOBSN_DAYS (1 << 16)
#define SQ_FILTER_MASKS 8               /* sender | person | location */
#define SQ_CACHED_MAX 64                /* look-up statements kept by SQL text */

typedef struct ib_sqlite {
    ib_store base;                      /* first: an ib_sqlite is an ib_store */
    sqlite3 *db;
    sqlite3_stmt *stmts[SQ_STMT_COUNT];
    sqlite3_stmt *each[IB_KIND_COUNT][SQ_FILTER_MASKS];
    /* Look-up statements (users, tokens, senders, one record, BEGIN and
     * COMMIT of a read) kept by their SQL text, see ib_sq_cached. */
    sqlite3_stmt *cached[SQ_CACHED_MAX];
    ib_refmap refs[SQ_REF_KINDS];
    /* Per kind: the last put found its key stored (a re-sent file), so look
     * it up before trying to insert. */
    bool resending[IB_KIND_COUNT];
    /* Bulk settings (foreign keys off) may be in effect. */
    bool bulk;
    /* PRAGMA data_version when the ref caches were last known valid. */
    bool refs_checked;
    int64_t refs_version;
    /* The open transaction changed a registry table (update hook), and its
     * new data version is written (see write_data_version in sqlite.c). */
    bool registry_changed;
    bool version_written;
    /* How long the busy handler waits for a lock, in ms (sqlite_wal.c). */
    int busy_budget_ms;
    /* ib_store_manual_checkpoints was called (the read log follows). */
    bool manual_checkpoints;
    /* The read log (sqlite_reads.c): its own connection, opened when first
     * needed, with its two statements. */
    sqlite3 *reads;
    sqlite3_stmt *reads_last, *reads_insert, *reads_head_get, *reads_head_put;
    /* The last entry indexed in a run, as this connection last saw it. */
    int64_t reads_indexed_to;
    /* The log's id, when the database could not yet be told it (its write
     * lock was held too long): told at the next append. */
    char reads_id_untold[33];
    /* The open transaction appended to the change log: where the log
     * ended before its first entry and where it ends now, for the head
     * written at commit (sqlite_heads.c). */
    bool changes_appended;
    int64_t changes_before, changes_last;
    char changes_before_hash[IB_AUDIT_HEX], changes_last_hash[IB_AUDIT_HEX];
    /* forget-reads in the open transaction: the head links no read log. */
    bool reads_link_reset;
    /* ib_store_audit_adopt_heads in the open transaction: a change log
     * without a head gets one at commit. */
    bool heads_adopt;
    /* The last person put was linked by BSN to this sender's record with
     * this ref (one sender, two keys for one person); "" otherwise. */
    char same_sender_ref[IB_REF_MAX + 1];
    /* The birth dates of the records without a BSN, as bits from day
     * SQ_NOBSN_FIRST on (sqlite_link.c): a record with a BSN looks for
     * look-alikes only on the dates set. Rebuilt after ib_sq_refs_clear. */
    bool nobsn_valid;
    uint64_t nobsn_dates[SQ_NOBSN_DAYS / 64];
} ib_sqlite;

static inline ib_sqlite *ib_sq(ib_store *st) { return (ib_sqlite *)st; }

/* sqlite_wal.c: waiting for locks in short steps, for at most budget_ms;
 * ib_store_manual_checkpoints; ib_store_checkpoint. */
void ib_sq_set_busy_handler(ib_sqlite *s, int budget_ms);
/* The busy handler itself (arg: the ib_sqlite), for its other connection. */
int ib_sq_busy_wait(void *arg, int n);
int ib_sq_manual_checkpoints(ib_store *st, ib_err *err);
int ib_sq_checkpoint(ib_store *st, unsigned files, ib_checkpoint_mode mode, int64_t *wal_pages,
                     bool *done, ib_err *err);

/* Fills err from a SQLite result code; returns the ib error code. */
int ib_sq_error(ib_sqlite *s, int rc, ib_err *err);
/* The cached statement `id` in *q, reset and ready to bind. */
int ib_sq_stmt(ib_sqlite *s, sq_stmt_id id, sqlite3_stmt **q, ib_err *err);
/* The statement for sql in *q, ready to bind: the connection's kept one
 * (prepared on first use, so a request does not parse its look-ups again),
 * or a fresh one when that one is in use by an outer loop or no slot is
 * left. Give it back with ib_sq_release. */
int ib_sq_cached(ib_sqlite *s, const char *sql, sqlite3_stmt **q, ib_err *err);
/* Resets a kept statement and clears its bindings (bound text may point
 * into the caller's stack); finalizes a fresh one. NULL is a no-op. */
void ib_sq_release(ib_sqlite *s, sqlite3_stmt *q);
/* Steps q to completion (no rows expected) and resets it. */
int ib_sq_done(ib_sqlite *s, sqlite3_stmt *q, ib_err *err);
int ib_sq_exec(ib_sqlite *s, const char *sql, ib_err *err);
/* Forgets every cached ref (new transaction, rollback). */
void ib_sq_refs_clear(ib_sqlite *s);

/* Binding helpers. Indexes beyond the statement's last parameter are
 * skipped, so one bind function serves a kind's INSERT, FIND and UPDATE,
 * which number their parameters alike. Empty text, IB_DATE_NONE,
 * IB_CENTS_NONE and id 0 are stored as NULL. */
int ib_sq_bind_i64(sqlite3_stmt *q, int i, int64_t v);
int ib_sq_bind_id(sqlite3_stmt *q, int i, int64_t id);
int ib_sq_bind_date(sqlite3_stmt *q, int i, ib_date d);
int ib_sq_bind_opt(sqlite3_stmt *q, int i, int64_t v, int64_t none);
int ib_sq_bind_text(sqlite3_stmt *q, int i, const char *s, size_t max);
int ib_sq_bind_blob(sqlite3_stmt *q, int i, const void *p, size_t n);
#define IB_SQ_BIND_STR(q, i, field) ib_sq_bind_text((q), (i), (field), sizeof(field))

/* Column helpers: NULL reads as "", IB_DATE_NONE, `none` or 0. */
void ib_sq_col_text(sqlite3_stmt *q, int i, char *dst, size_t size);
ib_date ib_sq_col_date(sqlite3_stmt *q, int i);
int64_t ib_sq_col_opt(sqlite3_stmt *q, int i, int64_t none);
#define IB_SQ_COL_STR(q, i, field) ib_sq_col_text((q), (i), (field), sizeof(field))

/* Upserts (sqlite_put.c). */
void ib_sq_prefetch_ref(ib_store *st, ib_kind kind, int64_t sender_id,
                        const char *ref, size_t len);
int ib_sq_put_organisation(ib_store *st, ib_organisation *o, const ib_put_info *pi, ib_put_result *res, ib_err *err);
int ib_sq_put_location(ib_store *st, ib_location *l, const ib_put_info *pi, ib_put_result *res, ib_err *err);
int ib_sq_put_person(ib_store *st, ib_person *p, const ib_put_info *pi, ib_put_result *res, ib_err *err);
int ib_sq_put_stay(ib_store *st, ib_stay *s, const ib_put_info *pi, ib_put_result *res, ib_err *err);
int ib_sq_put_registration(ib_store *st, ib_registration *r, const ib_put_info *pi, ib_put_result *res, ib_err *err);
int ib_sq_put_employment(ib_store *st, ib_employment *e, const ib_put_info *pi, ib_put_result *res, ib_err *err);
int ib_sq_put_housing(ib_store *st, ib_housing *h, const ib_put_info *pi, ib_put_result *res, ib_err *err);
int ib_sq_put_life_event(ib_store *st, ib_life_event *ev, const ib_put_info *pi, ib_put_result *res, ib_err *err);
int ib_sq_put_contact(ib_store *st, ib_contact *c, const ib_put_info *pi, ib_put_result *res, ib_err *err);

/* Linkage (sqlite_link.c), inside the caller's transaction. */
int64_t ib_sq_now_us(void);
/* A new, empty person; its id in *id. */
int ib_sq_new_person(ib_sqlite *s, int64_t *id, ib_err *err);
/* The person of another record (not self) with this BSN look-up hash, or 0;
 * same_sender_ref receives the ref of such a record of `sender`. */
int ib_sq_person_by_bsn(ib_sqlite *s, int64_t bsn_hash, int64_t sender, int64_t self,
                        int64_t *people, char *same_sender_ref, size_t ref_size,
                        ib_err *err);
/* Rules 3 and 4 after a new record is inserted. */
int ib_sq_link_new_record(ib_sqlite *s, int64_t record, ib_err *err);
/* After a stored record's BSN or identity changed. */
int ib_sq_link_changed_record(ib_sqlite *s, int64_t record, bool bsn_changed,
                              bool identity_changed, char *same_sender_ref,
                              size_t ref_size, ib_err *err);

/* Links the records of a database made before linkage, once (rules 1 and
 * 3 over everything stored; store_meta 'linkage' marks it done). */
int ib_sq_link_backfill(ib_sqlite *s, ib_err *err);
int ib_sq_resolve_person(ib_store *st, int64_t id, int64_t *current, ib_err *err);
int ib_sq_person_of_record(ib_store *st, int64_t record_id, int64_t *person_id, ib_err *err);
int ib_sq_each_record(ib_store *st, int64_t person_id, int64_t sender_id, ib_person_record_cb cb,
                      void *ctx, ib_err *err);
int ib_sq_link_persons(ib_store *st, int64_t a, int64_t b, const char *reason,
                       int64_t *into, ib_err *err);
int ib_sq_unlink_record(ib_store *st, int64_t record_id, const char *reason,
                        int64_t *person_id, ib_err *err);
int ib_sq_each_review(ib_store *st, int state, int64_t id, ib_review_cb cb, void *ctx,
                      ib_err *err);
int ib_sq_decide_review(ib_store *st, const ib_link_review *r, bool same, const char *reason,
                        ib_err *err);

/* Readers (sqlite_read.c). */
int ib_sq_each_sender(ib_store *st, ib_sender_cb cb, void *ctx, ib_err *err);
int ib_sq_each_person(ib_store *st, const ib_filter *f, ib_person_cb cb, void *ctx, ib_err *err);
int ib_sq_each_stay(ib_store *st, const ib_filter *f, ib_stay_cb cb, void *ctx, ib_err *err);
int ib_sq_each_registration(ib_store *st, const ib_filter *f, ib_registration_cb cb, void *ctx, ib_err *err);
int ib_sq_each_organisation(ib_store *st, const ib_filter *f, ib_organisation_cb cb, void *ctx, ib_err *err);
int ib_sq_each_employment(ib_store *st, const ib_filter *f, ib_employment_cb cb, void *ctx, ib_err *err);
int ib_sq_each_location(ib_store *st, const ib_filter *f, ib_location_cb cb, void *ctx, ib_err *err);
int ib_sq_each_housing(ib_store *st, const ib_filter *f, ib_housing_cb cb, void *ctx, ib_err *err);
int ib_sq_each_life_event(ib_store *st, const ib_filter *f, ib_life_event_cb cb, void *ctx, ib_err *err);
int ib_sq_each_contact(ib_store *st, const ib_filter *f, ib_contact_cb cb, void *ctx, ib_err *err);
/* The scan for statistics (sqlite_scan.c). */
int ib_sq_scan(ib_store *st, int64_t sender_id, const ib_scan_handler *h, ib_err *err);
int ib_sq_get_person(ib_store *st, int64_t sender_id, const char *ref, ib_person *out, ib_err *err);
int ib_sq_get_location(ib_store *st, int64_t sender_id, const char *ref, ib_location *out, ib_err *err);
int ib_sq_get_organisation_by_id(ib_store *st, int64_t id, ib_organisation *out, ib_err *err);
int ib_sq_find_person_by_bsn_hash(ib_store *st, int64_t hash, ib_person_cb cb, void *ctx, ib_err *err);
int ib_sq_count(ib_store *st, ib_store_counts *out, ib_err *err);
int ib_sq_audit_scan(ib_store *st, ib_audit_log log, int64_t person_id,
                     ib_audit_row_cb cb, void *ctx, ib_err *err);

/* Both logs' tables have the same columns (sqlite.c). The last entry's id
 * (0: none) and hash ("" for none), stepped and reset: SQLITE_DONE or an
 * error. Inserting e with its hash, stepped and reset: SQLITE_DONE or an
 * error. */
int ib_sq_audit_last(sqlite3_stmt *last, int64_t *id, char prev[2 * IB_AUDIT_HASH_BYTES + 1]);
int ib_sq_audit_insert(sqlite3_stmt *insert, const ib_audit_entry *e, const char *hash,
                       const char *purpose_hash);

/* The read log (sqlite_reads.c). ib_sq_reads_open: the connection, made
 * when missing only if create (else IB_ENOTFOUND when the database never
 * had one). */
int ib_sq_reads_open(ib_sqlite *s, bool create, ib_err *err);
/* The connection when the database has a read log: *present false (and
 * IB_OK) when it never made one, so there is nothing to read. */
int ib_sq_reads_existing(ib_sqlite *s, bool *present, ib_err *err);
/* A person's entries in the read log, in id order (?1: the person). */
extern const char ib_sq_reads_by_person[];
int ib_sq_reads_append(ib_store *st, const ib_audit_entry *e, size_t n, ib_err *err);
int ib_sq_reads_prepare(ib_store *st, ib_err *err);
int ib_sq_reads_forget(ib_store *st, char *id, size_t size, ib_err *err);
int ib_sq_reads_check_runs(ib_store *st, ib_err *err);
int ib_sq_reads_erase_purposes(ib_store *st, int64_t person_id, ib_err *err);
int ib_sq_reads_error(ib_sqlite *s, int rc, ib_err *err);
void ib_sq_reads_close(ib_sqlite *s);
/* The heads of both logs (sqlite_heads.c). ib_sq_changes_appended: entry
 * id (with the hash of the one before it, and its own) was appended in the
 * open transaction. ib_sq_changes_head_commit: before the COMMIT, moves
 * the change log's head to where the transaction's entries end.
 * ib_sq_changes_head_start: the head of a new database's empty change log,
 * in a transaction of its own. */
void ib_sq_changes_appended(ib_sqlite *s, int64_t id, const char *prev, const char *hash);
int ib_sq_changes_head_commit(ib_sqlite *s, ib_err *err);
int ib_sq_changes_head_start(ib_sqlite *s, ib_err *err);
/* Inside the read log's transaction: the head of a new, empty read log
 * with this id; moving the head from (before, before_hash) to (last,
 * last_hash) after a group of entries. SQLite result codes (SQLITE_OK or
 * SQLITE_DONE on success). */
int ib_sq_reads_head_start(ib_sqlite *s, const char *id);
int ib_sq_reads_head_advance(ib_sqlite *s, int64_t before, const char *before_hash,
                             int64_t last, const char *last_hash);
int ib_sq_audit_heads(ib_store *st, ib_audit_heads *out, ib_err *err);
/* ib_store_audit_adopt_heads, inside its transaction: a read log without a
 * head gets one at its end now (in a transaction of its own there), the
 * change log at commit. */
int ib_sq_adopt_heads(ib_store *st, ib_err *err);

/* Row decoders shared with sqlite_users.c (columns as in read_specs). */
int ib_sq_decode_org(sqlite3_stmt *q, ib_organisation *o, ib_err *err);
int ib_sq_decode_loc(sqlite3_stmt *q, ib_location *l, ib_err *err);
int ib_sq_decode_person(ib_sqlite *s, sqlite3_stmt *q, ib_person *p, ib_err *err);

/* Users, sessions, tokens, inspections, person queries (sqlite_users.c). */
int ib_sq_user_insert(ib_store *st, ib_user *u, const char *pwhash, ib_err *err);
int ib_sq_user_get(ib_store *st, const char *name, int64_t id, ib_user *out,
                   char *pwhash, size_t pwhash_size, ib_err *err);
int ib_sq_user_each(ib_store *st, ib_user_cb cb, void *ctx, ib_err *err);
int ib_sq_user_update(ib_store *st, const ib_user *u, const char *pwhash, ib_err *err);
int ib_sq_session_insert(ib_store *st, const char *hash, ib_session *s, int64_t now, ib_err *err);
int ib_sq_session_get(ib_store *st, const char *hash, ib_session *out, ib_err *err);
int ib_sq_session_delete(ib_store *st, const char *hash, int64_t user_id,
                         int64_t expired, int64_t *deleted, ib_err *err);
int ib_sq_token_insert(ib_store *st, const char *hash, ib_api_token *t, ib_err *err);
int ib_sq_token_get(ib_store *st, const char *hash, ib_api_token *out, ib_err *err);
int ib_sq_token_each(ib_store *st, int64_t user_id, ib_api_token_cb cb, void *ctx, ib_err *err);
int ib_sq_token_revoke(ib_store *st, int64_t user_id, int64_t id, int64_t now,
                       int64_t *changed, ib_err *err);
int ib_sq_inspection_write(ib_store *st, ib_inspection *in, ib_err *err);
int ib_sq_inspection_get(ib_store *st, int64_t id, ib_inspection *out, ib_err *err);
int ib_sq_inspection_delete(ib_store *st, int64_t id, int64_t *deleted, ib_err *err);
int ib_sq_inspection_each(ib_store *st, int64_t location_id, ib_inspection_cb cb,
                          void *ctx, ib_err *err);
int ib_sq_query_persons(ib_store *st, const ib_person_query *q, const char *munis_json,
                        ib_person_cb cb, void *ctx, int64_t *total, ib_err *err);
int ib_sq_erase_person(ib_store *st, int64_t person_id, int64_t removed[IB_KIND_COUNT],
                       ib_err *err);

/* Finalizes the cached iterator statements. */
void ib_sq_read_close(ib_sqlite *s);

#endif
