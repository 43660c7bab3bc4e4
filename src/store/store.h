/* store.h — inbeeld's data model and storage interface.
 * The record types of the exchange format, and the operations the rest of
 * the program needs on them. Callers see no SQL and no backend types: the
 * SQLite backend (sqlite.c) is the default, a PostgreSQL backend plugs in
 * behind the same functions (selected by the "postgresql://" prefix). */
#ifndef IB_STORE_H
#define IB_STORE_H

#include "core/core.h"

/* ------------------------------------------------------------ limits */

#define IB_REF_MAX 64          /* sender keys: person_ref, org_ref, ... */
#define IB_NAME_MAX 128        /* family_name, given_names */
#define IB_ORGNAME_MAX 200     /* organisation name */
#define IB_HOUSENR_MAX 16      /* "12-A" */
#define IB_TOPICS_MAX 160      /* a contact's topics: every code once fits */

/* ------------------------------------------------------------ code tables */

typedef enum { IB_SEX_UNKNOWN, IB_SEX_M, IB_SEX_V, IB_SEX_X } ib_sex;
typedef enum { IB_CAT_LABOUR, IB_CAT_KNOWLEDGE, IB_CAT_STATUS_HOLDER,
               IB_CAT_FAMILY, IB_CAT_STUDENT, IB_CAT_OTHER } ib_category;
typedef enum { IB_REG_BRP, IB_REG_RNI } ib_reg_kind;
typedef enum { IB_ORG_AGENCY, IB_ORG_EMPLOYER, IB_ORG_HOUSING_PROVIDER,
               IB_ORG_WELFARE, IB_ORG_MUNICIPALITY, IB_ORG_OTHER } ib_org_kind;
typedef enum { IB_CERT_NONE, IB_CERT_NEN4400, IB_CERT_SNF, IB_CERT_BOTH } ib_cert;
typedef enum { IB_CONTRACT_AGENCY, IB_CONTRACT_TEMPORARY, IB_CONTRACT_PERMANENT,
               IB_CONTRACT_SELF_EMPLOYED } ib_contract;
typedef enum { IB_LOC_SHORT_STAY_FACILITY, IB_LOC_SHARED_HOUSE,
               IB_LOC_PRIVATE_RENTAL, IB_LOC_CORPORATION_RENTAL,
               IB_LOC_OWNER_OCCUPIED, IB_LOC_HOTEL_OR_RECREATION,
               IB_LOC_OTHER } ib_location_kind;
typedef enum { IB_EVENT_PARTNER_START, IB_EVENT_PARTNER_END,
               IB_EVENT_CHILD_BIRTH, IB_EVENT_HOME_PURCHASE,
               IB_EVENT_HOME_SALE } ib_event_kind;
/* Contact moments (docs/signals.md): what the contact was, how it was held,
 * and whether the person understood (a comprehension check). */
typedef enum { IB_CONTACT_INFORMATION, IB_CONTACT_LANGUAGE_COURSE_OFFER,
               IB_CONTACT_CAREER_OFFER, IB_CONTACT_OTHER } ib_contact_kind;
typedef enum { IB_CHANNEL_NONE, IB_CHANNEL_DESK, IB_CHANNEL_PHONE,
               IB_CHANNEL_VISIT, IB_CHANNEL_ONLINE, IB_CHANNEL_LETTER,
               IB_CHANNEL_OTHER } ib_channel;
typedef enum { IB_UNDERSTOOD_UNKNOWN, IB_UNDERSTOOD_YES, IB_UNDERSTOOD_PARTLY,
               IB_UNDERSTOOD_NO } ib_understood;

/* Text of each code as in the exchange format ("" for unknown sex and no
 * certification), {0, NULL}-terminated, for ib_code_parse/ib_code_text. */
extern const ib_code_name ib_sex_codes[];
extern const ib_code_name ib_category_codes[];
extern const ib_code_name ib_reg_kind_codes[];
extern const ib_code_name ib_org_kind_codes[];
extern const ib_code_name ib_cert_codes[];
extern const ib_code_name ib_contract_codes[];
extern const ib_code_name ib_location_kind_codes[];
extern const ib_code_name ib_event_codes[];
extern const ib_code_name ib_contact_kind_codes[];
extern const ib_code_name ib_channel_codes[];     /* "" for none */
extern const ib_code_name ib_understood_codes[];  /* "" for not checked */
/* The information catalogue's national topics (the twelve themes), the
 * codes a contact's topics may name; the index is the code. */
extern const ib_code_name ib_topic_codes[];

/* Normalises a contact's topics (len bytes of s, not necessarily
 * terminated): codes of ib_topic_codes separated by one or more spaces,
 * written into out as the catalogue orders them, each once, with one space
 * between ("" for none). IB_EINVAL for a code the catalogue does not have,
 * copied (at most bad_size - 1 bytes, printable or not) into bad. */
int ib_topics_normalise(const char *s, size_t len, char out[IB_TOPICS_MAX + 1],
                        char *bad, size_t bad_size);

/* ------------------------------------------------------------ records */

/* Every record carries its store identity; id is 0 for a record not (yet)
 * stored. Refs are the sender's own keys; a record belongs to one sender. */
typedef struct ib_meta {
    int64_t id;
    int64_t sender_id;
} ib_meta;

/* Optional numbers use -1 (counts) or IB_CENTS_NONE (decimals scaled by
 * 100: euros in cents, hours and square metres in hundredths). */

typedef struct ib_person {
    ib_meta meta;
    char ref[IB_REF_MAX + 1];
    char bsn[10];                      /* "" unknown; clear text in memory only */
    char family_name[IB_NAME_MAX + 1];
    char given_names[IB_NAME_MAX + 1];
    ib_date birth_date;
    ib_sex sex;
    char nationality[3];
    char language[3];                  /* "" unknown */
    ib_category category;
    /* The person this record belongs to (docs/linkage.md): the id persons
     * are known by in the API, the CLI and the audit. Filled by reads. */
    int64_t person_id;
    /* Filled by ib_store_put_person: the ref of another record of the same
     * sender that the same BSN linked this one to ("" none), for the
     * import report's warning. */
    char linked_ref[IB_REF_MAX + 1];
} ib_person;

typedef struct ib_stay {
    ib_meta meta;
    int64_t person_id;
    char person_ref[IB_REF_MAX + 1];
    ib_date arrival;
    ib_date departure;                 /* IB_DATE_NONE while present */
} ib_stay;

typedef struct ib_registration {
    ib_meta meta;
    int64_t person_id;
    char person_ref[IB_REF_MAX + 1];
    ib_reg_kind kind;
    char municipality[7];              /* "" allowed for rni */
    ib_date start, end;
} ib_registration;

typedef struct ib_organisation {
    ib_meta meta;
    char ref[IB_REF_MAX + 1];
    char name[IB_ORGNAME_MAX + 1];
    char kvk[9];                       /* "" unknown */
    ib_org_kind kind;
    ib_cert certified;
} ib_organisation;

typedef struct ib_employment {
    ib_meta meta;
    int64_t person_id;
    int64_t employer_id;
    int64_t agency_id;                 /* 0 when none */
    char person_ref[IB_REF_MAX + 1];
    char employer_ref[IB_REF_MAX + 1];
    char agency_ref[IB_REF_MAX + 1];   /* "" when none */
    ib_contract contract;
    ib_date start, end;
    int64_t hours_per_week;            /* hundredths, IB_CENTS_NONE unknown */
    ib_cents monthly_wage;             /* IB_CENTS_NONE unknown */
    char sector;                       /* SBI section 'A'..'U', 0 unknown */
} ib_employment;

typedef struct ib_location {
    ib_meta meta;
    char ref[IB_REF_MAX + 1];
    char postcode[7];                  /* normalised "1234AB" */
    char house_number[IB_HOUSENR_MAX + 1];
    char municipality[7];
    ib_location_kind kind;
    int32_t capacity;                  /* beds, -1 unknown */
    int64_t floor_area_m2;             /* hundredths, IB_CENTS_NONE unknown */
    int64_t provider_id;               /* 0 when none */
    char provider_ref[IB_REF_MAX + 1];
    ib_date certified_until;           /* IB_DATE_NONE unknown */
} ib_location;

typedef struct ib_housing {
    ib_meta meta;
    int64_t person_id;
    int64_t location_id;
    int64_t provided_by_id;            /* 0 when unknown */
    char person_ref[IB_REF_MAX + 1];
    char location_ref[IB_REF_MAX + 1];
    char provided_by_ref[IB_REF_MAX + 1];
    ib_date start, end;
} ib_housing;

typedef struct ib_life_event {
    ib_meta meta;
    int64_t person_id;
    char person_ref[IB_REF_MAX + 1];
    ib_event_kind event;
    ib_date date;
} ib_life_event;

/* A contact moment with the person (docs/formats.md, contacts.csv): what
 * it was, how it was held, the topics discussed and whether the person
 * understood. No free text: notes about a person are not exchanged. */
typedef struct ib_contact {
    ib_meta meta;
    int64_t person_id;
    char person_ref[IB_REF_MAX + 1];
    ib_date date;
    ib_contact_kind kind;
    ib_channel channel;                /* IB_CHANNEL_NONE unknown */
    char topics[IB_TOPICS_MAX + 1];    /* normalised (ib_topics_normalise) */
    char language[3];                  /* ISO 639-1, "" unknown */
    ib_understood understood;          /* IB_UNDERSTOOD_UNKNOWN not checked */
} ib_contact;

/* The record kinds, in dependency order (a kind only refers to earlier ones). */
typedef enum {
    IB_KIND_ORGANISATION, IB_KIND_LOCATION, IB_KIND_PERSON, IB_KIND_STAY,
    IB_KIND_REGISTRATION, IB_KIND_EMPLOYMENT, IB_KIND_HOUSING,
    IB_KIND_LIFE_EVENT, IB_KIND_CONTACT, IB_KIND_COUNT
} ib_kind;

/* "organisations", "locations", ...: the file stem of each kind. */
const char *ib_kind_file_stem(ib_kind kind);

/* The identity of an episode within its sender (documented in
 * docs/formats.md): stays by (person_ref, arrival_date), registrations by
 * (person_ref, kind, start_date), employments by (person_ref, employer_ref,
 * start_date), housings by (person_ref, location_ref, start_date), life
 * events by (person_ref, event, date), contacts by (person_ref, date,
 * kind). */

/* ------------------------------------------------------------ the store */

/* One connection; use an ib_store from one thread at a time (open one per
 * thread). */
typedef struct ib_store ib_store;

typedef struct ib_store_options {
    const char *key_path;   /* key file for BSN encryption; NULL: "<db>.key" */
    bool create;            /* create the database and key when missing */
} ib_store_options;

/* Opens (and with opt->create, creates) the database at `location`: a file
 * path for SQLite, or a "postgresql://" URL. Applies pending migrations.
 * On success *out owns the connection; free with ib_store_close. */
int ib_store_open(ib_store **out, const char *location,
                  const ib_store_options *opt, ib_err *err);
void ib_store_close(ib_store *st);
/* The path of the key file st loaded when others than its owner (its group
 * or anyone) may read or write it, as they should not; NULL when it is the
 * owner's only. For the CLI and the server to warn. */
const char *ib_store_exposed_key(const ib_store *st);

/* Schema version of the open database, and the newest this program knows. */
int ib_store_schema_version(ib_store *st);
int ib_store_schema_latest(void);

/* Transactions. Every write happens inside one; nesting is not allowed. */
int ib_store_begin(ib_store *st, ib_err *err);
/* Begins a transaction for a bulk load through the ib_store_put_*
 * functions (and audit entries) only. The puts resolve every reference
 * within the transaction itself, so the backend may skip its own checks of
 * those references (SQLite: foreign keys) until the transaction ends.
 * Deleting or writing rows any other way inside it is not allowed. */
int ib_store_begin_bulk(ib_store *st, ib_err *err);
/* A hint that a put will soon resolve ref (len bytes, not necessarily
 * NUL-terminated), a ref of the sender to a person, organisation or
 * location (kind): the backend may start loading its cache entry into the
 * CPU cache, so that the miss overlaps the caller's work (a bulk load
 * calls this before parsing the row). Changes no result. */
void ib_store_prefetch_ref(ib_store *st, ib_kind kind, int64_t sender_id,
                           const char *ref, size_t len);
int ib_store_commit(ib_store *st, ib_err *err);
int ib_store_rollback(ib_store *st, ib_err *err);
/* Whether a transaction is open (callers that run inside a caller's
 * transaction leave it to the caller). A read transaction is not one. */
bool ib_store_in_transaction(const ib_store *st);
/* A read transaction: every read until ib_store_end_read sees one snapshot
 * of the data, and no write lock is taken (SQLite: a deferred BEGIN in WAL
 * mode, so an import's transaction goes on beside it and neither waits).
 * Nothing may be written inside it, audit entries included: ib_store_begin
 * and the writers refuse (IB_EINVAL) until it ends. Not nested, and not
 * inside a transaction. */
int ib_store_begin_read(ib_store *st, ib_err *err);
int ib_store_end_read(ib_store *st, ib_err *err);
bool ib_store_in_read(const ib_store *st);

/* Who is writing, for the audit trail ("cli:import", "user:jansen"). */
void ib_store_set_actor(ib_store *st, const char *actor);

/* The id of the sender with the given ref; with create, adds it. Returns
 * IB_ENOTFOUND when absent and !create. */
int ib_store_sender(ib_store *st, const char *sender_ref, bool create,
                    int64_t *id, ib_err *err);

typedef enum { IB_PUT_INSERTED, IB_PUT_UPDATED, IB_PUT_UNCHANGED } ib_put_result;

/* Upserts keyed by (sender, key): insert when new; when the key exists with
 * the same content nothing changes; with other content the row is replaced
 * and an audit entry written. Must be called inside a transaction.
 * Reference fields (*_ref) are resolved within the sender: IB_ENOTFOUND
 * with err->field naming the column when a referenced person, organisation
 * or location does not exist. ib_store_put_stay returns IB_ECONFLICT when
 * the stay overlaps another stay of the person. The id fields of the record
 * are filled on success. A put that fails with IB_EINVAL, IB_ENOTFOUND or
 * IB_ECONFLICT has written nothing: the transaction can go on (--partial).
 * Stays occupy [arrival, departure): arriving on the day of an earlier
 * departure is no overlap. */
int ib_store_put_organisation(ib_store *st, ib_organisation *o, ib_put_result *res, ib_err *err);
int ib_store_put_location(ib_store *st, ib_location *l, ib_put_result *res, ib_err *err);
int ib_store_put_person(ib_store *st, ib_person *p, ib_put_result *res, ib_err *err);
int ib_store_put_stay(ib_store *st, ib_stay *s, ib_put_result *res, ib_err *err);
int ib_store_put_registration(ib_store *st, ib_registration *r, ib_put_result *res, ib_err *err);
int ib_store_put_employment(ib_store *st, ib_employment *e, ib_put_result *res, ib_err *err);
int ib_store_put_housing(ib_store *st, ib_housing *h, ib_put_result *res, ib_err *err);
int ib_store_put_life_event(ib_store *st, ib_life_event *ev, ib_put_result *res, ib_err *err);
/* IB_EINVAL also for topics that are not normalised (ib_topics_normalise)
 * or a language that is not an ISO 639-1 code. */
int ib_store_put_contact(ib_store *st, ib_contact *c, ib_put_result *res, ib_err *err);

/* ------------------------------------------------------------ reading */

/* Filter for the iterators: sender_id 0 means all senders, person_id 0 all
 * persons, location_id 0 all locations. Rows come ordered by sender, then
 * person (or location), then date. The callback returns 0 to continue, any
 * other value stops the iteration and is returned. */
typedef struct ib_filter {
    int64_t sender_id;
    int64_t person_id;
    int64_t location_id;
} ib_filter;

typedef int (*ib_sender_cb)(void *ctx, int64_t id, const char *ref);
typedef int (*ib_person_cb)(void *ctx, const ib_person *p);
typedef int (*ib_stay_cb)(void *ctx, const ib_stay *s);
typedef int (*ib_registration_cb)(void *ctx, const ib_registration *r);
typedef int (*ib_organisation_cb)(void *ctx, const ib_organisation *o);
typedef int (*ib_employment_cb)(void *ctx, const ib_employment *e);
typedef int (*ib_location_cb)(void *ctx, const ib_location *l);
typedef int (*ib_housing_cb)(void *ctx, const ib_housing *h);
typedef int (*ib_life_event_cb)(void *ctx, const ib_life_event *ev);
typedef int (*ib_contact_cb)(void *ctx, const ib_contact *c);

int ib_store_each_sender(ib_store *st, ib_sender_cb cb, void *ctx, ib_err *err);
/* Persons come with their BSN decrypted. */
int ib_store_each_person(ib_store *st, const ib_filter *f, ib_person_cb cb, void *ctx, ib_err *err);
int ib_store_each_stay(ib_store *st, const ib_filter *f, ib_stay_cb cb, void *ctx, ib_err *err);
int ib_store_each_registration(ib_store *st, const ib_filter *f, ib_registration_cb cb, void *ctx, ib_err *err);
int ib_store_each_organisation(ib_store *st, const ib_filter *f, ib_organisation_cb cb, void *ctx, ib_err *err);
int ib_store_each_employment(ib_store *st, const ib_filter *f, ib_employment_cb cb, void *ctx, ib_err *err);
int ib_store_each_location(ib_store *st, const ib_filter *f, ib_location_cb cb, void *ctx, ib_err *err);
int ib_store_each_housing(ib_store *st, const ib_filter *f, ib_housing_cb cb, void *ctx, ib_err *err);
int ib_store_each_life_event(ib_store *st, const ib_filter *f, ib_life_event_cb cb, void *ctx, ib_err *err);
int ib_store_each_contact(ib_store *st, const ib_filter *f, ib_contact_cb cb, void *ctx, ib_err *err);

/* Look-ups by the sender's ref; sender_id 0 searches all senders and
 * returns IB_ECONFLICT when the ref is used by more than one. */
int ib_store_get_person(ib_store *st, int64_t sender_id, const char *ref, ib_person *out, ib_err *err);
int ib_store_get_location(ib_store *st, int64_t sender_id, const char *ref, ib_location *out, ib_err *err);
int ib_store_get_organisation_by_id(ib_store *st, int64_t id, ib_organisation *out, ib_err *err);
/* Finds persons by BSN (compared through the keyed hash, never in clear). */
int ib_store_find_person_by_bsn(ib_store *st, const char *bsn, ib_person_cb cb, void *ctx, ib_err *err);

/* ------------------------------------------------------------ scans for statistics
 * The whole registry in a lean form, for the monitor: store ids instead of
 * refs to other records, codes, day numbers and amounts; no names of
 * persons, no BSN. Unlike the iterators above, rows of a kind come in no
 * particular order (the backend's cheapest: table order); the kinds come in
 * dependency order (senders, organisations, locations, persons, stays,
 * registrations, employments, housings, life events, contacts). Strings
 * are valid during the callback only. */

/* kvk: organisations with the same KvK number are one organisation, and
 * locations with the same postcode and house number one address
 * (docs/linkage.md). */
typedef struct ib_scan_org {
    int64_t id, sender_id;
    const char *ref, *name;
    ib_org_kind kind;
    char kvk[9];                       /* "" unknown */
} ib_scan_org;

typedef struct ib_scan_location {
    int64_t id, sender_id;
    const char *ref;
    char municipality[7];
    ib_location_kind kind;
    int32_t capacity;                  /* beds, -1 unknown */
    int64_t floor_area_m2;             /* hundredths, IB_CENTS_NONE unknown */
    int64_t provider_id;               /* 0 when none */
    char postcode[7];                  /* normalised "1234AB" */
    char house_number[IB_HOUSENR_MAX + 1];
} ib_scan_location;

/* A person record (one sender's); person_id is the person it belongs to
 * (docs/linkage.md), has_bsn and updated_at tell which record's fixed
 * attributes the person takes (with a BSN, updated last). */
typedef struct ib_scan_person {
    int64_t id, sender_id;
    const char *ref;
    ib_date birth_date;
    ib_sex sex;
    char nationality[3];
    ib_category category;
    int64_t person_id;
    bool has_bsn;
    int64_t updated_at;
} ib_scan_person;

typedef struct ib_scan_stay {
    int64_t id, person_id;
    ib_date arrival, departure;        /* departure IB_DATE_NONE while present */
} ib_scan_stay;

typedef struct ib_scan_registration {
    int64_t id, person_id;
    ib_reg_kind kind;
    char municipality[7];              /* "" allowed for rni */
    ib_date start, end;
} ib_scan_registration;

typedef struct ib_scan_employment {
    int64_t id, person_id, employer_id;
    int64_t agency_id;                 /* 0 when none */
    ib_contract contract;
    ib_date start, end;
    ib_cents monthly_wage;             /* IB_CENTS_NONE unknown */
} ib_scan_employment;

typedef struct ib_scan_housing {
    int64_t id, person_id, location_id;
    int64_t provided_by_id;            /* 0 when unknown */
    ib_date start, end;
} ib_scan_housing;

typedef struct ib_scan_life_event {
    int64_t id, person_id;
    ib_event_kind event;
    ib_date date;
} ib_scan_life_event;

/* A contact moment; person_id is the record (persons.id), as for the
 * episodes above. */
typedef struct ib_scan_contact {
    int64_t id, person_id;
    ib_contact_kind kind;
    ib_date date;
} ib_scan_contact;

/* What to do with each row; a NULL callback skips its kind (it is not
 * read). Senders come in id order. kind_done, when set, is called after
 * the last row of each record kind that was read. Every callback returns 0
 * to go on; any other value stops the scan and is returned. */
typedef struct ib_scan_handler {
    void *ctx;
    ib_sender_cb sender;
    int (*organisation)(void *ctx, const ib_scan_org *o);
    int (*location)(void *ctx, const ib_scan_location *l);
    int (*person)(void *ctx, const ib_scan_person *p);
    int (*stay)(void *ctx, const ib_scan_stay *s);
    int (*registration)(void *ctx, const ib_scan_registration *r);
    int (*employment)(void *ctx, const ib_scan_employment *e);
    int (*housing)(void *ctx, const ib_scan_housing *h);
    int (*life_event)(void *ctx, const ib_scan_life_event *ev);
    int (*contact)(void *ctx, const ib_scan_contact *c);
    int (*kind_done)(void *ctx, ib_kind kind);
    /* When set, called first, inside the scan's read transaction, with the
     * data version (ib_store_data_version) of the state the scan reads. */
    int (*data_version)(void *ctx, const char *version);
} ib_scan_handler;

/* Reads every row of the kinds h asks for, of all senders (sender_id 0) or
 * of one: that sender's organisations, locations and persons and the
 * episodes it delivered; senders are always all. The scan sees one
 * consistent state of the database (one read transaction, unless the
 * caller has one open). IB_ESTORE for a code the program does not know. */
int ib_store_scan(ib_store *st, int64_t sender_id, const ib_scan_handler *h,
                  ib_err *err);

/* ------------------------------------------------------------ data version
 * A random token of 32 hex digits that the store replaces in the commit of
 * every transaction that changes the registry: senders, organisations,
 * locations, persons, stays, registrations, employments, housings, life
 * events and contacts, whatever the write (puts that insert or update,
 * erasures, any later write path). Audit entries, users, sessions, API
 * tokens and inspections leave it alone, and so does a re-sent unchanged
 * row. Copies of
 * the registry (the monitor's snapshot, the server's cache) keep the version
 * they were read at and are current while it is unchanged. Random rather
 * than a counter: a restored backup cannot make an old copy match again.
 * Not seen: changes made outside inbeeld (the sqlite3 shell). */

#define IB_DATA_VERSION_LEN 33     /* 32 hex digits and NUL */

/* The current data version (committed state, or the caller's open
 * transaction); "" when the database has none, which matches no copy. */
int ib_store_data_version(ib_store *st, char out[IB_DATA_VERSION_LEN],
                          ib_err *err);

/* The monitor's snapshot of the registry is kept beside the database as
 * "<db>.monitor" (src/monitor/snapshot.c writes it). Writes its path into
 * out; IB_ENOTFOUND for a backend without a database file, IB_ELIMIT when
 * it does not fit. ib_store_erase_person removes the file after its commit:
 * it holds person refs and birth dates. */
int ib_store_snapshot_path(ib_store *st, char *out, size_t size, ib_err *err);

/* The secret the monitor derives its record keys from (cell-key
 * perturbation, docs/monitor.md "Disclosure control"): a subkey of the key
 * file, derived as the store's other keys are, so that every table of the
 * same database perturbs the same persons the same way, and nobody without
 * the key file can compute the noise. Copies IB_CELLKEY_SECRET_BYTES bytes
 * into out; the caller wipes them when done. */
#define IB_CELLKEY_SECRET_BYTES 16
void ib_store_cellkey_secret(const ib_store *st,
                             uint8_t out[IB_CELLKEY_SECRET_BYTES]);

/* Row counts per kind, for summaries. */
typedef struct ib_store_counts {
    int64_t senders;
    int64_t rows[IB_KIND_COUNT];
    int64_t audit_entries;            /* the change log */
    int64_t audit_reads;              /* the read log */
} ib_store_counts;
int ib_store_count(ib_store *st, ib_store_counts *out, ib_err *err);

/* ------------------------------------------------------------ audit */

/* The audit trail is two hash-chained logs with keys of their own:
 *  - the change log, in the database: every change (a delivery, an
 *    inspection, a user, an erasure) appends its entry inside the change's
 *    own transaction, so the two commit together or not at all;
 *  - the read log, in a database file of its own beside it ("<db>.reads"):
 *    every read of personal data, which changes nothing and so needs no
 *    atomicity with the registry. Its many small commits (the server's
 *    look-ups) leave the registry's file untouched, so the page caches and
 *    memory maps of the registry's readers stay valid between them.
 * The database records which read log belongs to it: a missing or foreign
 * read log is an error, never silently started anew. */
/* What follows this in an entry's detail is the purpose the reader gave
 * ("GET /api/v1/persons/7; doel: klantvraag"): free text, so erasing the
 * person blanks it in the read log (the chain holds it by its hash). */
#define IB_AUDIT_PURPOSE "; doel: "
typedef struct ib_audit_entry {
    int64_t id;
    char at[32];              /* ISO 8601 UTC timestamp, filled by the store */
    char actor[64];
    char action[32];          /* "insert", "update", "read", "erase", ... */
    char entity[32];
    int64_t entity_id;
    int64_t person_id;
    char detail[256];
} ib_audit_entry;
/* Appends an entry to the change log (inside the current transaction if
 * one is open, else in its own). `entity` is a table name ("person"),
 * entity_id its id or 0, person_id the person it concerns or 0. */
int ib_store_audit(ib_store *st, const ib_audit_entry *e, ib_err *err);
/* Appends n entries of reads to the read log in order, in one transaction
 * of its own there (a group commit: the server's audit writer collects the
 * entries of many requests); either all are stored or none (the error
 * returned). Independent of a transaction open on the database. */
int ib_store_audit_reads(ib_store *st, const ib_audit_entry *e, size_t n, ib_err *err);
typedef int (*ib_audit_cb)(void *ctx, const ib_audit_entry *e);
/* The whole trail: both logs merged in time order (a change before a read
 * of the same millisecond); person_id 0 for every entry. */
int ib_store_each_audit(ib_store *st, int64_t person_id, ib_audit_cb cb, void *ctx, ib_err *err);
/* The change log only, in order. */
int ib_store_each_audit_change(ib_store *st, int64_t person_id, ib_audit_cb cb, void *ctx,
                               ib_err *err);
/* Recomputes both chains, checks each log against its head (how many
 * entries it had: the last ones removed, or the whole log emptied, shows)
 * and against the other log's link to it (an older copy put back shows),
 * and that the read log's index by person holds every entry once;
 * IB_ECONFLICT naming the log and what is wrong. *checked: the entries
 * checked in both. */
int ib_store_audit_verify(ib_store *st, int64_t *checked, ib_err *err);

/* For a database from before the logs had heads: gives each log without a
 * head one at its end as it is, and records that in the change log
 * ("adopt-heads"); *adopted false (and nothing written) when both have
 * one. Whatever was removed from a log before is not seen by the heads
 * (only by an anchor saved earlier), so `inbeeld init` does this, never a
 * normal write. */
int ib_store_audit_adopt_heads(ib_store *st, bool *adopted, ib_err *err);

/* How far both logs go: the anchor that `inbeeld audit anchor` prints for
 * safekeeping elsewhere (as transparency logs publish their tree heads).
 * A later verify against it shows any log that is shorter than the anchor
 * or differs from it up to there, even when database and read log were
 * both put back from an older copy. */
typedef struct ib_audit_anchor {
    char at[32];                        /* when it was taken */
    int64_t changes;                    /* entries in the change log */
    char changes_hash[65];              /* its last entry's hash ("" none) */
    char reads_log[33];                 /* the read log's id ("" none) */
    int64_t reads;
    char reads_hash[65];
} ib_audit_anchor;
/* ib_store_audit_verify, and then: when expect is not NULL, both logs
 * against it (IB_ECONFLICT naming the log); when now is not NULL, the
 * anchor of the logs as verified. */
int ib_store_audit_verify_anchor(ib_store *st, const ib_audit_anchor *expect,
                                 ib_audit_anchor *now, int64_t *checked, ib_err *err);
/* The anchor as text, a few lines; and back (IB_EINVAL naming the line
 * that does not fit). */
void ib_audit_anchor_format(const ib_audit_anchor *a, char *out, size_t size);
int ib_audit_anchor_parse(const char *text, ib_audit_anchor *out, ib_err *err);
/* For a read log that is lost beyond repair (no backup): in one
 * transaction, the database forgets it and appends a change-log entry
 * ("forget-reads", the old log's id and the reason), so that the next read
 * starts a new, empty read log. IB_ECONFLICT while the log's file (or its
 * -wal file) is still there, IB_ENOTFOUND when the database has none. */
int ib_store_forget_reads(ib_store *st, const char *reason, ib_err *err);
/* Opens the read log now, making it when the database has none yet, so
 * that a missing or foreign log shows at once (the server, at its start)
 * rather than at the first read. */
int ib_store_prepare_reads(ib_store *st, ib_err *err);
/* The read log's path ("<db>.reads") in out; IB_ENOTFOUND for a backend
 * without a database file, IB_ELIMIT when it does not fit. */
int ib_store_reads_path(ib_store *st, char *out, size_t size, ib_err *err);

/* ------------------------------------------------------------ checkpoints */

/* Copies committed pages from the write-ahead logs of `files` (a mask of
 * ib_wal_file) into the database and the read log.
 * IB_CHECKPOINT_PASSIVE takes no lock and waits for no one (it copies what
 * no reader still needs); IB_CHECKPOINT_TRUNCATE copies everything and
 * empties the log file, holding off writers while it waits (at most
 * IB_CHECKPOINT_WAIT_MS) for readers of older pages: *done false when it
 * had to give up. *wal_pages: pages in the longer log after the checkpoint
 * (0 after a truncate). Not inside a transaction. */
typedef enum { IB_CHECKPOINT_PASSIVE, IB_CHECKPOINT_TRUNCATE } ib_checkpoint_mode;
typedef enum { IB_WAL_DATABASE = 1, IB_WAL_READS = 2, IB_WAL_BOTH = 3 } ib_wal_file;
#define IB_CHECKPOINT_WAIT_MS 50
int ib_store_checkpoint(ib_store *st, unsigned files, ib_checkpoint_mode mode,
                        int64_t *wal_pages, bool *done, ib_err *err);
/* From now on st's commits do not checkpoint (as SQLite does by default
 * once the log holds 1,000 pages): the caller runs ib_store_checkpoint,
 * the server from a thread of its own. A log file that grew in a burst is
 * cut back to 64 MiB when the log starts over. */
int ib_store_manual_checkpoints(ib_store *st, ib_err *err);

/* Reads the database file through a memory map of up to `bytes` (0: not):
 * no copy of each page into the connection's own cache and no system call
 * per page, and one copy in memory for all connections. Worth it where
 * reads far outnumber commits to the database (the server's requests,
 * whose audit entries go to the read log): a read transaction that finds
 * another connection's commit drops the whole map and starts it over,
 * which costs more than it saves when that happens at every look-up. */
int ib_store_map_file(ib_store *st, int64_t bytes, ib_err *err);

/* ------------------------------------------------------------ erasure */

/* What an erasure removed: rows per kind (persons: 1). */
typedef struct ib_erase_report {
    int64_t removed[IB_KIND_COUNT];
} ib_erase_report;

/* Erases person person_id (GDPR art. 17): every stay, registration,
 * employment, housing, life event and contact of theirs and the person
 * itself, in one transaction (the caller's, or its own), then appends an audit entry
 * (action "erase", the actor and the reason, and what was removed). The
 * audit entries about the person stay: they are the proof of processing and
 * part of the hash chain, which stays verifiable; they hold ids, no
 * personal data. After the commit (the caller's, when inside one) the
 * monitor's snapshot beside the database is deleted (ib_store_snapshot_path);
 * IB_EIO from that commit when it could not be, the erasure itself being
 * done. IB_ENOTFOUND when there is no such person; IB_EINVAL without a
 * reason. */
int ib_store_erase_person(ib_store *st, int64_t person_id, const char *actor,
                          const char *reason, ib_erase_report *rep, ib_err *err);

/* ------------------------------------------------------------ one person across the chain
 * Records of different senders that describe one migrant are linked into
 * one person (docs/linkage.md): by the same BSN at once (rule 1), never
 * across different BSNs (rule 2), by the same normalised names, birth date
 * and nationality when a record has no BSN and the match is unambiguous
 * (rule 3). Look-alikes become review pairs for a person to decide (rule
 * 4); people link and unlink by hand with a reason (rule 5). A person's
 * id is never used again once erased; an id absorbed by a link leads to
 * the person it joined (ib_store_resolve_person). Every write below runs
 * in the caller's transaction or its own, and is audited (the actor from
 * ib_store_set_actor). */

typedef enum { IB_LINK_OWN, IB_LINK_BSN, IB_LINK_IDENTITY, IB_LINK_MANUAL } ib_link_rule;
extern const ib_code_name ib_link_rule_codes[];   /* "", "bsn", "identity", "manual" */

typedef struct ib_person_record {
    ib_person p;                      /* meta.id: the record's id; BSN decrypted */
    char sender_ref[IB_REF_MAX + 1];
    ib_link_rule rule;                /* how it joined its person */
    int64_t updated_at;               /* Unix microseconds of its last change */
} ib_person_record;
typedef int (*ib_person_record_cb)(void *ctx, const ib_person_record *r);

/* The person that id is now: id itself, or the person it was linked into.
 * IB_ENOTFOUND for an id that never was or was erased. */
int ib_store_resolve_person(ib_store *st, int64_t id, int64_t *current, ib_err *err);
/* The records of a person, oldest first; sender_id 0: of every sender,
 * else only that sender's (an agency's view). IB_ENOTFOUND when the person
 * has none (within that sender). */
int ib_store_each_record(ib_store *st, int64_t person_id, int64_t sender_id,
                         ib_person_record_cb cb, void *ctx, ib_err *err);
/* The person record id belongs to, in *person_id. */
int ib_store_person_of_record(ib_store *st, int64_t record_id, int64_t *person_id,
                              ib_err *err);
/* Links persons a and b into one (the lower id stays, in *into).
 * IB_ECONFLICT when their records hold two different BSNs (rule 2) or a is
 * b; IB_EINVAL without a reason; IB_ENOTFOUND for an unknown person. */
int ib_store_link_persons(ib_store *st, int64_t a, int64_t b, const char *reason,
                          int64_t *into, ib_err *err);
/* Takes record record_id out of its person: it becomes the person it was
 * made with again (or a new one), in *person_id. IB_ECONFLICT when another
 * record of the person has the same BSN (rule 1 holds), IB_EINVAL when it
 * is its person's only record or without a reason. */
int ib_store_unlink_record(ib_store *st, int64_t record_id, const char *reason,
                           int64_t *person_id, ib_err *err);

/* The fixed attributes on which two records of (maybe) one person
 * disagree, as bits: names compare normalised (ib_name_normalise), an
 * unknown sex disagrees with nothing. ib_person_diff_names[i] names bit i
 * ("birth_date", "sex", "nationality", "category", "names"). */
enum { IB_DIFF_BIRTH_DATE = 1, IB_DIFF_SEX = 2, IB_DIFF_NATIONALITY = 4,
       IB_DIFF_CATEGORY = 8, IB_DIFF_NAMES = 16 };
#define IB_DIFF_COUNT 5
extern const char *const ib_person_diff_names[IB_DIFF_COUNT];
unsigned ib_person_differences(const ib_person *a, const ib_person *b);

typedef enum { IB_REVIEW_OPEN, IB_REVIEW_LINKED, IB_REVIEW_DIFFERENT } ib_review_state;
extern const ib_code_name ib_review_state_codes[];  /* "open", "linked", "different" */

/* A pair of records that may be one person (rule 4), or that rule 3 could
 * not decide; record_a < record_b. */
typedef struct ib_link_review {
    int64_t id, record_a, record_b;
    int64_t person_a, person_b;       /* their persons now */
    char reason[16];                  /* "look-alike", "ambiguous", "same-sender" */
    int score;                        /* name likeness in thousandths */
    ib_review_state state;
    char created_at[32];
    char decided_by[64], decided_at[32], decision_reason[256];
} ib_link_review;
typedef int (*ib_review_cb)(void *ctx, const ib_link_review *r);

/* The review pairs in a state (-1: all), oldest first. */
int ib_store_each_review(ib_store *st, int state, ib_review_cb cb, void *ctx,
                         ib_err *err);
int ib_store_get_review(ib_store *st, int64_t id, ib_link_review *out, ib_err *err);
/* Decides an open pair: same (the two persons are linked, as
 * ib_store_link_persons) or different (never proposed again). IB_ECONFLICT
 * when the pair is decided already or linking is refused (rule 2). */
int ib_store_decide_review(ib_store *st, int64_t id, bool same, const char *reason,
                           ib_err *err);

/* ------------------------------------------------------------ people who use inbeeld
 * Users, their sessions and API tokens, and housing inspections (the
 * records the API adds to the registry). Passwords are stored as argon2id
 * strings (libsodium crypto_pwhash_str); session and API tokens are random
 * 256-bit values of which only a BLAKE2b hash is stored. */

typedef enum { IB_ROLE_CASEWORKER, IB_ROLE_INSPECTOR, IB_ROLE_AGENCY,
               IB_ROLE_ANALYST, IB_ROLE_ADMIN } ib_role;
extern const ib_code_name ib_role_codes[];   /* "caseworker", ... */

#define IB_USERNAME_MAX 64
#define IB_USER_MUNIS_MAX 16       /* municipalities per user */
#define IB_PASSWORD_MIN 10         /* characters */
#define IB_PASSWORD_MAX 256
#define IB_LOGIN_FAILS_MAX 5       /* failed logins before a lockout */
#define IB_LOCKOUT_SECONDS 900     /* how long a lockout lasts */
#define IB_TOKEN_STRLEN 44         /* 43 base64url characters plus NUL */

typedef struct ib_user {
    int64_t id;
    char name[IB_USERNAME_MAX + 1];
    ib_role role;
    /* The organisation the user works for, as a sender ref: an agency user
     * sees and delivers only the records of this sender. */
    char organisation[IB_REF_MAX + 1];
    char municipalities[IB_USER_MUNIS_MAX][7];   /* CBS codes */
    int nmunicipalities;
    bool disabled;
    int failed_logins;
    int64_t locked_until;      /* Unix seconds; 0 when not locked */
    char created_at[32];
} ib_user;

/* Parses "GM0518,GM0599" into u->municipalities (empty text: none).
 * IB_EINVAL naming the bad code, IB_ELIMIT beyond IB_USER_MUNIS_MAX. */
int ib_user_parse_municipalities(ib_user *u, const char *list, ib_err *err);
/* Whether municipality `code` is one of the user's. */
bool ib_user_has_municipality(const ib_user *u, const char *code);

/* Adds a user (name: 1-64 letters, digits, '.', '-', '_', '@'; password:
 * IB_PASSWORD_MIN..IB_PASSWORD_MAX bytes, not weak: libpwquality refuses
 * palindromes such as all spaces, the user name, dictionary words and
 * simple sequences, and the message says why). Fills u->id. IB_ECONFLICT when
 * the name is taken; IB_EINVAL for a bad name, role, organisation or
 * password. Audited (actor from ib_store_set_actor). */
int ib_user_add(ib_store *st, ib_user *u, const char *password, ib_err *err);
/* By name (case-sensitive) or by id; IB_ENOTFOUND when absent. */
int ib_user_get(ib_store *st, const char *name, ib_user *out, ib_err *err);
int ib_user_get_by_id(ib_store *st, int64_t id, ib_user *out, ib_err *err);
typedef int (*ib_user_cb)(void *ctx, const ib_user *u);
/* Every user in name order. */
int ib_user_each(ib_store *st, ib_user_cb cb, void *ctx, ib_err *err);
/* Disables or enables a user; disabling ends its sessions and revokes its
 * API tokens. Audited. */
int ib_user_set_disabled(ib_store *st, const char *name, bool disabled, ib_err *err);
/* Sets a new password (checked as by ib_user_add), clears failures and
 * lockout, ends every session. Audited. */
int ib_user_set_password(ib_store *st, const char *name, const char *password,
                         ib_err *err);
/* Checks a login at time `now` (Unix seconds). A wrong password counts a
 * failure; IB_LOGIN_FAILS_MAX failures in a row lock the account for
 * IB_LOCKOUT_SECONDS. Unknown user, wrong password, disabled and locked all
 * return IB_EDENIED with the same message (nothing to learn from it);
 * *locked tells the caller the account is locked (for its log). On success
 * failures are reset and *out is filled. Audited (login, login-failed). */
int ib_user_authenticate(ib_store *st, const char *name, const char *password,
                         int64_t now, ib_user *out, bool *locked, ib_err *err);

typedef struct ib_session {
    int64_t id;
    int64_t user_id;
    int64_t expires_at;        /* Unix seconds */
    char csrf[IB_TOKEN_STRLEN];
} ib_session;

/* Starts a session for user_id lasting ttl seconds from now; writes the
 * secret token (to hand to the client once) into token and the session,
 * with its CSRF token, into *out. Expired sessions are purged here. */
int ib_session_create(ib_store *st, int64_t user_id, int64_t now, int64_t ttl,
                      char token[IB_TOKEN_STRLEN], ib_session *out, ib_err *err);
/* The live session of a token at time now; IB_ENOTFOUND when unknown or
 * expired. */
int ib_session_find(ib_store *st, const char *token, int64_t now,
                    ib_session *out, ib_err *err);
/* Ends a session (logout); IB_ENOTFOUND when there is none. */
int ib_session_end(ib_store *st, const char *token, ib_err *err);

typedef struct ib_api_token {
    int64_t id;
    int64_t user_id;
    char label[65];
    int64_t created_at;        /* Unix seconds */
    bool revoked;
} ib_api_token;

/* Creates a long-lived API token for user_id; the secret is written into
 * token and is never retrievable again (only its hash is stored). Audited. */
int ib_api_token_create(ib_store *st, int64_t user_id, const char *label,
                        int64_t now, char token[IB_TOKEN_STRLEN],
                        ib_api_token *out, ib_err *err);
/* The unrevoked token with this secret; IB_ENOTFOUND otherwise. */
int ib_api_token_find(ib_store *st, const char *token, ib_api_token *out,
                      ib_err *err);
typedef int (*ib_api_token_cb)(void *ctx, const ib_api_token *t);
/* The tokens of one user (revoked ones included), oldest first. */
int ib_api_token_each(ib_store *st, int64_t user_id, ib_api_token_cb cb,
                      void *ctx, ib_err *err);
/* Revokes token id of user_id; IB_ENOTFOUND when the user has no such
 * token. Audited. */
int ib_api_token_revoke(ib_store *st, int64_t user_id, int64_t id, ib_err *err);

/* ------------------------------------------------------------ inspections */

typedef enum { IB_OUTCOME_COMPLIANT, IB_OUTCOME_DEFECTS, IB_OUTCOME_VIOLATION,
               IB_OUTCOME_NO_ACCESS } ib_outcome;
extern const ib_code_name ib_outcome_codes[]; /* "compliant", "defects", ... */

#define IB_FINDINGS_MAX 4000

typedef struct ib_inspection {
    int64_t id;
    int64_t location_id;
    ib_date date;
    char inspector[IB_USERNAME_MAX + 1];
    char findings[IB_FINDINGS_MAX + 1];
    int32_t persons_found;     /* -1 unknown */
    ib_outcome outcome;
} ib_inspection;

/* Inserts (in->id 0; fills it) or replaces (in->id set; IB_ENOTFOUND when
 * absent) an inspection. IB_EINVAL for a missing date or inspector, a
 * negative count or an unknown outcome; IB_ENOTFOUND when the location does
 * not exist. Audited. */
int ib_inspection_put(ib_store *st, ib_inspection *in, ib_err *err);
int ib_inspection_get(ib_store *st, int64_t id, ib_inspection *out, ib_err *err);
/* Deletes an inspection; IB_ENOTFOUND when absent. Audited. */
int ib_inspection_delete(ib_store *st, int64_t id, ib_err *err);
typedef int (*ib_inspection_cb)(void *ctx, const ib_inspection *in);
/* Inspections of one location (0: all), by date then id. */
int ib_inspection_each(ib_store *st, int64_t location_id, ib_inspection_cb cb,
                       void *ctx, ib_err *err);

/* ------------------------------------------------------------ scoped queries
 * The API's person list: one page of persons that match a filter and lie
 * within a scope, and the total number of matches. A person lies in a
 * municipality when one of their registrations is there or one of their
 * housings is at a location there. */

typedef enum { IB_PSORT_ID, IB_PSORT_REF, IB_PSORT_FAMILY_NAME,
               IB_PSORT_BIRTH_DATE, IB_PSORT_COUNT } ib_person_sort;

typedef struct ib_person_query {
    int64_t sender_id;         /* 0: all senders */
    int64_t person_id;         /* 0: all persons */
    const char (*municipalities)[7];  /* scope; NULL: everywhere */
    int nmunicipalities;
    /* With a municipality scope: the persons this sender sent are in scope
     * too (a caseworker's own organisation); 0: none. */
    int64_t scope_sender_id;
    const char *ref;           /* exact person_ref; NULL: any */
    const char *nationality;   /* exact; NULL: any */
    const char *family_name;   /* prefix, case-insensitive; NULL: any */
    bool by_birth_date;        /* only persons born on birth_date */
    ib_date birth_date;
    /* Only persons present on unregistered_on for more than 120 days
     * without a BRP registration covering that day (the monitor's
     * four-month rule, ib_monitor_registration). */
    bool by_unregistered;
    ib_date unregistered_on;
    ib_person_sort sort;
    bool descending;
    int64_t limit, offset;     /* limit 0: no rows, only the total */
} ib_person_query;

int ib_store_query_persons(ib_store *st, const ib_person_query *q,
                           ib_person_cb cb, void *ctx, int64_t *total,
                           ib_err *err);
/* Whether a person or a location lies in one of the municipalities. */
int ib_store_person_in_municipalities(ib_store *st, int64_t person_id,
                                      const char (*munis)[7], int n,
                                      bool *in, ib_err *err);
/* A location by its store id; IB_ENOTFOUND when absent. */
int ib_store_get_location_by_id(ib_store *st, int64_t id, ib_location *out,
                                ib_err *err);
/* A person by its store id (BSN decrypted); IB_ENOTFOUND when absent. */
int ib_store_get_person_by_id(ib_store *st, int64_t id, ib_person *out,
                              ib_err *err);

/* ------------------------------------------------------------ key spill
 * Where the import's duplicate-key check keeps the keys of a file that
 * no longer fit its bounded table in memory: a private temporary database
 * on disk (deleted when closed), apart from the registry and its
 * transactions, with a small fixed page cache. Keys are 64-bit hashes,
 * each with the line that first used it. */

typedef struct ib_keyspill ib_keyspill;

typedef struct ib_key_line {
    uint64_t key;
    uint32_t line;
} ib_key_line;

int ib_keyspill_open(ib_keyspill **out, ib_err *err);
/* Adds n keys (none already present). Sorted by key they go in faster. */
int ib_keyspill_add(ib_keyspill *s, const ib_key_line *keys, size_t n,
                    ib_err *err);
/* *line gets the key's line, or 0 when the key is not there. */
int ib_keyspill_find(ib_keyspill *s, uint64_t key, uint32_t *line,
                     ib_err *err);
void ib_keyspill_close(ib_keyspill *s);

#endif
