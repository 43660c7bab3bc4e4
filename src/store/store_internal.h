/* store_internal.h — private to the store module: the backend interface
 * (an ops table behind every ib_store), the keys and hashes shared by all
 * backends, the audit chain, the migrations and the ref→id caches. */
#ifndef IB_STORE_INTERNAL_H
#define IB_STORE_INTERNAL_H

#include <sodium.h>

#include "store/store.h"

/* ------------------------------------------------------------ crypto */

#define IB_KEY_BYTES 32                 /* master key in the key file */
#define IB_BSN_NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define IB_BSN_SEALED_MAX (IB_BSN_NONCE_BYTES + 9 + \
                           crypto_aead_xchacha20poly1305_ietf_ABYTES)
#define IB_AUDIT_HASH_BYTES 32          /* BLAKE2b-256, stored as 64 hex */
#define IB_KEYCHECK_BYTES 16

/* Subkeys derived from the master key with crypto_kdf; the master key itself
 * is wiped after derivation. The nonce of each BSN encryption is a random
 * per-session prefix plus a counter: unique without a syscall per row. */
typedef struct ib_crypto {
    uint8_t bsn_key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
    uint8_t lookup_key[crypto_generichash_KEYBYTES];
    uint8_t row_key[crypto_shorthash_KEYBYTES];
    uint8_t audit_key[crypto_generichash_KEYBYTES];   /* the change log */
    uint8_t reads_key[crypto_generichash_KEYBYTES];   /* the read log */
    uint8_t cellkey_key[crypto_shorthash_KEYBYTES];   /* monitor record keys */
    uint8_t head_key[crypto_generichash_KEYBYTES];    /* both logs' heads */
    uint8_t purpose_key[crypto_generichash_KEYBYTES]; /* reads' purposes */
    uint8_t keycheck[IB_KEYCHECK_BYTES];
    uint8_t nonce_prefix[IB_BSN_NONCE_BYTES - 8];
    uint64_t nonce_counter;
    bool loaded;
    bool key_exposed;            /* group or others may access the key file */
    char key_path[4096];
} ib_crypto;

/* Whether pw may be a password of user (password.c): IB_PASSWORD_MIN to
 * IB_PASSWORD_MAX bytes and not weak by libpwquality (palindromes such as
 * all spaces or one repeated character, the user name, dictionary words,
 * too simple). IB_EINVAL with a Dutch message saying why; IB_EIO when the
 * dictionary cannot be loaded; IB_ENOMEM. */
int ib_password_check(const char *pw, const char *user, ib_err *err);

/* Loads the key file, or creates it (32 random bytes, mode 0600) when
 * missing and may_create. IB_ECRYPTO naming the path when missing, followed
 * by `hint` (what the clerk should do). */
int ib_crypto_load(ib_crypto *c, const char *path, bool may_create,
                   const char *hint, bool *created, ib_err *err);
void ib_crypto_wipe(ib_crypto *c);

/* A BSN ready to store: ciphertext with nonce, and its keyed look-up hash
 * (64 bits of a keyed BLAKE2b: an integer index is smaller and faster than
 * a blob one; readers confirm a match by decrypting). */
typedef struct ib_bsn_sealed {
    bool present;
    uint8_t enc[IB_BSN_SEALED_MAX];
    size_t enc_len;
    int64_t hash;
} ib_bsn_sealed;

/* The associated data binds a ciphertext to its row's (sender, ref), so that
 * a BSN copied to another person's row does not decrypt. */
int ib_bsn_seal(ib_crypto *c, const char *bsn, int64_t sender_id,
                const char *ref, ib_bsn_sealed *out, ib_err *err);
int ib_bsn_open(const ib_crypto *c, const uint8_t *enc, size_t len,
                int64_t sender_id, const char *ref, char out[10], ib_err *err);
int64_t ib_bsn_lookup_hash(const ib_crypto *c, const char *bsn);

/* Keyed SipHash of a canonical serialisation of a record's content (all
 * fields a sender delivers, refs rather than ids, BSN in clear). Equal
 * hashes mean "re-sent unchanged". */
int64_t ib_hash_organisation(const ib_crypto *c, const ib_organisation *o);
int64_t ib_hash_location(const ib_crypto *c, const ib_location *l);
int64_t ib_hash_person(const ib_crypto *c, const ib_person *p);
int64_t ib_hash_stay(const ib_crypto *c, const ib_stay *s);
int64_t ib_hash_registration(const ib_crypto *c, const ib_registration *r);
int64_t ib_hash_employment(const ib_crypto *c, const ib_employment *e);
int64_t ib_hash_housing(const ib_crypto *c, const ib_housing *h);
int64_t ib_hash_life_event(const ib_crypto *c, const ib_life_event *ev);
int64_t ib_hash_contact(const ib_crypto *c, const ib_contact *ct);
/* Keyed 64-bit hash of a person's identity for rule 3 of the linkage
 * (docs/linkage.md): normalised family name, normalised given names, birth
 * date and nationality. 0 when the record has no family or given name (it
 * cannot be linked without a BSN). */
int64_t ib_identity_hash(const ib_crypto *c, const ib_person *p);

/* ------------------------------------------------------------ audit */

/* hash = BLAKE2b-256 keyed with key (the log's: ib_crypto audit_key or
 * reads_key) over prev_hash || canonical fields of e, in hex. With a
 * purpose_hash (the read log's entries since purposes can be erased), the
 * detail counts up to its purpose (IB_AUDIT_PURPOSE) and the purpose by
 * that hash: blanking the purpose leaves the chain intact. NULL: the whole
 * detail (the change log, and read entries from before). */
void ib_audit_hash(const uint8_t key[crypto_generichash_KEYBYTES], const char *prev_hex,
                   const ib_audit_entry *e, const char *purpose_hash,
                   char out_hex[2 * IB_AUDIT_HASH_BYTES + 1]);
/* The keyed hash (ib_crypto purpose_key) of the purpose in detail ("" when
 * it has none); the length of detail before its purpose. */
void ib_audit_purpose_hash(const uint8_t key[crypto_generichash_KEYBYTES],
                           const char *detail, char out_hex[2 * IB_AUDIT_HASH_BYTES + 1]);
size_t ib_audit_detail_head(const char *detail);
/* "2024-05-01T12:34:56.789Z" */
void ib_audit_now(char out[32]);

/* The head of one audit log (audit_head.c): how far the log goes, and how
 * far the other log went when this one last committed (the cross-link),
 * kept beside the log and MACed with the head key. A chain proves only the
 * entries that are left; the head proves how many there were, so removing
 * the last entries (or all of them) shows. An attacker who can write the
 * database but not read the key file cannot make a head for a shorter log;
 * an old head put back with an old log is caught by the other log's link
 * (when it committed since) or by a saved anchor (ib_audit_anchor). */
#define IB_AUDIT_LOG_ID 33              /* "changes" or a read log's id, NUL */
#define IB_AUDIT_HEX (2 * IB_AUDIT_HASH_BYTES + 1)
#define IB_AUDIT_HEAD_TEXT 384
typedef struct ib_audit_head {
    char log[IB_AUDIT_LOG_ID];          /* IB_AUDIT_CHANGES_ID or the read log's id */
    int64_t count;                      /* entries, = the last entry's id */
    char hash[IB_AUDIT_HEX];            /* the last entry's hash; "" when none */
    char link_log[IB_AUDIT_LOG_ID];     /* the other log; "" when none seen */
    int64_t link_count;
    char link_hash[IB_AUDIT_HEX];
} ib_audit_head;
#define IB_AUDIT_CHANGES_ID "changes"

/* The head as stored: its fields and their MAC, as one line of text. */
void ib_audit_head_format(const ib_crypto *c, const ib_audit_head *h,
                          char out[IB_AUDIT_HEAD_TEXT]);
/* Reads a stored head and checks its MAC; IB_ECONFLICT naming `log` when
 * it is malformed or its MAC does not fit (changed, or another key). */
int ib_audit_head_parse(const ib_crypto *c, const char *text, const char *log,
                        ib_audit_head *h, ib_err *err);

/* ------------------------------------------------------------ migrations */

typedef enum { IB_DIALECT_SQLITE, IB_DIALECT_POSTGRES } ib_dialect;

/* Number of migrations; they are numbered 1..ib_migration_count(). */
int ib_migration_count(void);
/* The SQL of migration `version` for a dialect, NUL-terminated in a freshly
 * allocated buffer (caller frees with free). NULL when out of memory. */
char *ib_migration_sql(int version, ib_dialect dialect);

/* ------------------------------------------------------------ ref caches */

/* An open-addressing map ref → (id, content hash) for one sender and one
 * kind (persons, organisations or locations). `complete` means every stored
 * row of the sender is in the map, so a miss is a definite "unknown". */
typedef struct ib_refmap_slot {
    int64_t id;                 /* 0: empty slot */
    int64_t content_hash;
    uint32_t hash;
    uint32_t off;               /* offset of the ref in the string arena */
} ib_refmap_slot;

typedef struct ib_refmap {
    int64_t sender_id;
    bool complete;
    long misses;
    long preload_at;            /* misses after which to load all; 0 unknown */
    ib_refmap_slot *slots;
    size_t cap, count;          /* cap is a power of two */
    char *strings;
    size_t str_len, str_cap;
} ib_refmap;

void ib_refmap_reset(ib_refmap *m, int64_t sender_id);
void ib_refmap_free(ib_refmap *m);
/* Finds ref; NULL when absent. */
ib_refmap_slot *ib_refmap_find(const ib_refmap *m, const char *ref);
/* Starts loading the slot where ref (len bytes) is or would be into the
 * CPU cache. */
void ib_refmap_prefetch(const ib_refmap *m, const char *ref, size_t len);
/* The most refs a map holds: with a load of at most 1/2, 48 MiB of slots
 * and the refs' text. A sender with more is served by look-ups, the map
 * then caching the refs used last. */
#define IB_REFMAP_MAX_ENTRIES ((size_t)1 << 20)
/* Adds or updates ref; IB_ENOMEM on allocation failure. A new ref when the
 * map is full empties it first (it is then no longer complete, and never
 * preloaded again). */
int ib_refmap_put(ib_refmap *m, const char *ref, int64_t id, int64_t content_hash);

/* ------------------------------------------------------------ backends */

/* What the generic layer computes before handing a put to the backend: the
 * content hash. (A person's BSN is sealed by the backend with ib_bsn_seal,
 * only when the row is actually written.) */
typedef struct ib_put_info {
    int64_t content_hash;
} ib_put_info;

typedef enum { IB_AUDIT_CHANGES, IB_AUDIT_READS } ib_audit_log;

/* One audit row as stored, for verification. */
typedef struct ib_audit_row {
    ib_audit_entry e;
    char hash[2 * IB_AUDIT_HASH_BYTES + 1];
    char purpose_hash[2 * IB_AUDIT_HASH_BYTES + 1];   /* "": none (see ib_audit_hash) */
} ib_audit_row;
typedef int (*ib_audit_row_cb)(void *ctx, const ib_audit_row *row, ib_err *err);

/* Both logs' heads as stored ("" where there is none) and the read log's
 * id ("" when the database has no read log), for ib_store_audit_verify. */
typedef struct ib_audit_heads {
    char changes[IB_AUDIT_HEAD_TEXT];
    char reads[IB_AUDIT_HEAD_TEXT];
    char reads_log[IB_AUDIT_LOG_ID];
} ib_audit_heads;

typedef struct ib_store_ops {
    const char *name;
    void (*close)(ib_store *st);
    /* bulk: see ib_store_begin_bulk. */
    int (*begin)(ib_store *st, bool bulk, ib_err *err);
    /* ib_store_prefetch_ref; may be NULL. */
    void (*prefetch_ref)(ib_store *st, ib_kind kind, int64_t sender_id,
                         const char *ref, size_t len);
    int (*commit)(ib_store *st, ib_err *err);
    int (*rollback)(ib_store *st, ib_err *err);
    /* ib_store_begin_read, ib_store_end_read. */
    int (*begin_read)(ib_store *st, ib_err *err);
    int (*end_read)(ib_store *st, ib_err *err);
    int (*sender)(ib_store *st, const char *ref, bool create, int64_t *id, ib_err *err);

    int (*put_organisation)(ib_store *st, ib_organisation *o, const ib_put_info *pi, ib_put_result *res, ib_err *err);
    int (*put_location)(ib_store *st, ib_location *l, const ib_put_info *pi, ib_put_result *res, ib_err *err);
    int (*put_person)(ib_store *st, ib_person *p, const ib_put_info *pi, ib_put_result *res, ib_err *err);
    int (*put_stay)(ib_store *st, ib_stay *s, const ib_put_info *pi, ib_put_result *res, ib_err *err);
    int (*put_registration)(ib_store *st, ib_registration *r, const ib_put_info *pi, ib_put_result *res, ib_err *err);
    int (*put_employment)(ib_store *st, ib_employment *e, const ib_put_info *pi, ib_put_result *res, ib_err *err);
    int (*put_housing)(ib_store *st, ib_housing *h, const ib_put_info *pi, ib_put_result *res, ib_err *err);
    int (*put_life_event)(ib_store *st, ib_life_event *ev, const ib_put_info *pi, ib_put_result *res, ib_err *err);
    int (*put_contact)(ib_store *st, ib_contact *c, const ib_put_info *pi, ib_put_result *res, ib_err *err);

    int (*each_sender)(ib_store *st, ib_sender_cb cb, void *ctx, ib_err *err);
    int (*each_person)(ib_store *st, const ib_filter *f, ib_person_cb cb, void *ctx, ib_err *err);
    int (*each_stay)(ib_store *st, const ib_filter *f, ib_stay_cb cb, void *ctx, ib_err *err);
    int (*each_registration)(ib_store *st, const ib_filter *f, ib_registration_cb cb, void *ctx, ib_err *err);
    int (*each_organisation)(ib_store *st, const ib_filter *f, ib_organisation_cb cb, void *ctx, ib_err *err);
    int (*each_employment)(ib_store *st, const ib_filter *f, ib_employment_cb cb, void *ctx, ib_err *err);
    int (*each_location)(ib_store *st, const ib_filter *f, ib_location_cb cb, void *ctx, ib_err *err);
    int (*each_housing)(ib_store *st, const ib_filter *f, ib_housing_cb cb, void *ctx, ib_err *err);
    int (*each_life_event)(ib_store *st, const ib_filter *f, ib_life_event_cb cb, void *ctx, ib_err *err);
    int (*each_contact)(ib_store *st, const ib_filter *f, ib_contact_cb cb, void *ctx, ib_err *err);

    /* ib_store_scan, read transaction included. */
    int (*scan)(ib_store *st, int64_t sender_id, const ib_scan_handler *h, ib_err *err);

    int (*get_person)(ib_store *st, int64_t sender_id, const char *ref, ib_person *out, ib_err *err);
    int (*get_location)(ib_store *st, int64_t sender_id, const char *ref, ib_location *out, ib_err *err);
    int (*get_organisation_by_id)(ib_store *st, int64_t id, ib_organisation *out, ib_err *err);
    /* Persons whose BSN has this look-up hash (may include collisions). */
    int (*find_person_by_bsn_hash)(ib_store *st, int64_t hash, ib_person_cb cb, void *ctx, ib_err *err);
    int (*count)(ib_store *st, ib_store_counts *out, ib_err *err);

    /* Appends e (at/actor filled) to the change log with the next id and
     * the chained hash. */
    int (*audit_append)(ib_store *st, const ib_audit_entry *e, ib_err *err);
    /* Appends e[0..n) (at/actor filled) to the read log in one transaction
     * of its own, creating the log when the database has none yet. */
    int (*reads_append)(ib_store *st, const ib_audit_entry *e, size_t n, ib_err *err);
    /* Rows of one log in id order; person_id 0 for all. No rows from a read
     * log that was never made. */
    int (*audit_scan)(ib_store *st, ib_audit_log log, int64_t person_id,
                      ib_audit_row_cb cb, void *ctx, ib_err *err);
    /* For ib_store_audit_verify, after both chains: whatever finds a
     * person's reads beside the chain (an index) agrees with it. May be
     * NULL. */
    int (*reads_check_index)(ib_store *st, ib_err *err);
    /* Both logs' stored heads, for ib_store_audit_verify. */
    int (*audit_heads)(ib_store *st, ib_audit_heads *out, ib_err *err);
    /* ib_store_erase_person, inside its transaction: blanks the purposes
     * of the person's entries in the read log. May be NULL. */
    int (*reads_erase_purposes)(ib_store *st, int64_t person_id, ib_err *err);
    /* ib_store_audit_adopt_heads, inside its transaction: heads for the
     * logs without one, at their ends as they are. */
    int (*adopt_heads)(ib_store *st, ib_err *err);
    /* ib_store_forget_reads, inside its transaction: the forgotten log's id
     * in id. May be NULL (no read log to forget). */
    int (*reads_forget)(ib_store *st, char *id, size_t size, ib_err *err);
    /* ib_store_prepare_reads; may be NULL (nothing to prepare). */
    int (*prepare_reads)(ib_store *st, ib_err *err);
    /* ib_store_map_file. */
    int (*map_file)(ib_store *st, int64_t bytes, ib_err *err);
    /* ib_store_manual_checkpoints; ib_store_checkpoint, outside a transaction. */
    int (*manual_checkpoints)(ib_store *st, ib_err *err);
    int (*checkpoint)(ib_store *st, unsigned files, ib_checkpoint_mode mode, int64_t *wal_pages,
                      bool *done, ib_err *err);

    /* Users, sessions, API tokens, inspections (checked and hashed by the
     * generic layer, users.c and inspections.c). Token secrets arrive as
     * their hex hash. */
    int (*user_insert)(ib_store *st, ib_user *u, const char *pwhash, ib_err *err);
    /* By name, or by id when name is NULL; pwhash (may be NULL) receives
     * the stored argon2id string. */
    int (*user_get)(ib_store *st, const char *name, int64_t id, ib_user *out,
                    char *pwhash, size_t pwhash_size, ib_err *err);
    int (*user_each)(ib_store *st, ib_user_cb cb, void *ctx, ib_err *err);
    /* Writes role, organisation, municipalities, disabled, failures and
     * lockout of u->id; and the password hash unless pwhash is NULL. */
    int (*user_update)(ib_store *st, const ib_user *u, const char *pwhash, ib_err *err);
    int (*session_insert)(ib_store *st, const char *hash, ib_session *s, int64_t now, ib_err *err);
    int (*session_get)(ib_store *st, const char *hash, ib_session *out, ib_err *err);
    /* Deletes the session with this hash (when not NULL), every session of
     * user_id (when not 0), and every session expired before `expired`
     * (when not 0); *deleted counts them. */
    int (*session_delete)(ib_store *st, const char *hash, int64_t user_id,
                          int64_t expired, int64_t *deleted, ib_err *err);
    int (*token_insert)(ib_store *st, const char *hash, ib_api_token *t, ib_err *err);
    int (*token_get)(ib_store *st, const char *hash, ib_api_token *out, ib_err *err);
    int (*token_each)(ib_store *st, int64_t user_id, ib_api_token_cb cb, void *ctx, ib_err *err);
    /* Revokes token id of user_id (id 0: all of them); *changed counts. */
    int (*token_revoke)(ib_store *st, int64_t user_id, int64_t id, int64_t now,
                        int64_t *changed, ib_err *err);
    int (*inspection_write)(ib_store *st, ib_inspection *in, ib_err *err);
    int (*inspection_get)(ib_store *st, int64_t id, ib_inspection *out, ib_err *err);
    int (*inspection_delete)(ib_store *st, int64_t id, int64_t *deleted, ib_err *err);
    int (*inspection_each)(ib_store *st, int64_t location_id, ib_inspection_cb cb, void *ctx, ib_err *err);
    int (*query_persons)(ib_store *st, const ib_person_query *q, const char *munis_json,
                         ib_person_cb cb, void *ctx, int64_t *total, ib_err *err);
    /* Deletes person_id's records of every kind and the person (inside the
     * caller's transaction); removed[kind] receives the rows deleted. */
    int (*erase_person)(ib_store *st, int64_t person_id, int64_t removed[IB_KIND_COUNT],
                        ib_err *err);
    /* One person across the chain (ib_store_resolve_person ...); the
     * writers run inside the generic layer's transaction. */
    int (*resolve_person)(ib_store *st, int64_t id, int64_t *current, ib_err *err);
    int (*each_record)(ib_store *st, int64_t person_id, int64_t sender_id,
                       ib_person_record_cb cb, void *ctx, ib_err *err);
    int (*person_of_record)(ib_store *st, int64_t record_id, int64_t *person_id,
                            ib_err *err);
    int (*link_persons)(ib_store *st, int64_t a, int64_t b, const char *reason,
                        int64_t *into, ib_err *err);
    int (*unlink_record)(ib_store *st, int64_t record_id, const char *reason,
                         int64_t *person_id, ib_err *err);
    int (*each_review)(ib_store *st, int state, int64_t id, ib_review_cb cb, void *ctx,
                       ib_err *err);
    int (*decide_review)(ib_store *st, const ib_link_review *r, bool same,
                         const char *reason, ib_err *err);
    /* ib_store_data_version. */
    int (*data_version)(ib_store *st, char out[IB_DATA_VERSION_LEN], ib_err *err);
    /* The database file's path, or NULL when there is none. */
    const char *(*file_path)(ib_store *st);
} ib_store_ops;

/* The part of every store that the generic layer owns; a backend embeds it
 * as its first member and casts. */
struct ib_store {
    const ib_store_ops *ops;
    ib_crypto crypto;
    char actor[64];
    bool in_tx;
    bool in_read;               /* ib_store_begin_read */
    int schema_version;
    /* An erasure in the open transaction: delete the snapshot on commit. */
    bool erase_pending;
};

/* Backend constructors (sqlite.c; postgres.c later). */
int ib_sqlite_open(ib_store **out, const char *path, const ib_store_options *opt,
                   ib_err *err);

/* Runs fn inside the caller's transaction or, when none is open, in one of
 * its own (committed when fn succeeds, rolled back with fn's error kept
 * otherwise). users.c. */
int ib_store_in_tx(ib_store *st, int (*fn)(ib_store *, void *, ib_err *), void *arg,
                   ib_err *err);

/* An "update" audit entry for a replaced row, inside the open transaction. */
int ib_store_audit_update(ib_store *st, const char *entity, int64_t entity_id,
                          int64_t person_id, const char *detail, ib_err *err);

#endif
