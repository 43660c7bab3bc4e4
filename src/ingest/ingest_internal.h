/* ingest_internal.h — shared inside the ingest module: the description of
 * each record kind (columns, the pure row parser, key, store and export
 * adapters), the value validators the parsers are built from, header
 * matching and the per-file import run used by the CSV and JSON drivers. */
#ifndef IB_INGEST_INTERNAL_H
#define IB_INGEST_INTERNAL_H

#include "ingest/ingest.h"

#define IB_COLUMNS_MAX 12     /* columns of the widest kind */

/* What a *_ref column refers to, for "onbekende persoon 'P9'". */
typedef enum { IB_REFTO_NONE, IB_REFTO_PERSON, IB_REFTO_ORGANISATION,
               IB_REFTO_LOCATION } ib_refto;

typedef struct ib_column {
    const char *name;
    bool required;            /* the column must be present and non-empty */
    ib_refto refto;
} ib_column;

/* One field's text: s is NUL-terminated at s[len]. */
typedef struct ib_value {
    const char *s;
    size_t len;
} ib_value;

/* Everything a row parser sees: the values by column id of the kind, the
 * file position of each column (for messages; 0 when absent or JSON), the
 * line and whether ',' decimals are allowed (';' files). */
typedef struct ib_row_in {
    const struct ib_record_type *type;
    const ib_value *v;
    const int *position;
    long line;
    bool allow_comma;
} ib_row_in;

/* Room for any record. */
typedef union ib_record {
    ib_person person;
    ib_stay stay;
    ib_registration registration;
    ib_organisation organisation;
    ib_employment employment;
    ib_location location;
    ib_housing housing;
    ib_life_event life_event;
    ib_contact contact;
} ib_record;

/* Scratch text for formatting one record for export. */
typedef struct ib_fmt_buf {
    char text[IB_COLUMNS_MAX][32];
} ib_fmt_buf;

typedef int (*ib_record_cb)(void *ctx, const void *rec);

typedef struct ib_record_type {
    ib_kind kind;
    const ib_column *columns;
    int ncolumns;
    const int *key;           /* column ids of the identity key, -1 ended */
    /* Pure: values -> record. IB_OK, or IB_EINVAL with err set at the line,
     * the column's file position and its name. Touches no database. */
    int (*parse)(const ib_row_in *in, void *rec, ib_err *err);
    int (*put)(ib_store *st, void *rec, ib_put_result *res, ib_err *err);
    /* Writes the record's columns as text into out[ncolumns] (pointing
     * into the record or buf). */
    void (*format)(const void *rec, ib_fmt_buf *buf, const char **out);
    int (*each)(ib_store *st, const ib_filter *f, ib_record_cb cb, void *ctx,
                ib_err *err);
} ib_record_type;

const ib_record_type *ib_record_type_of(ib_kind kind);

/* Generates the store adapters of a kind file: put() and each() in terms
 * of ib_store_put_NAME and ib_store_each_NAME for record type T. */
typedef struct ib_each_adapt {
    ib_record_cb cb;
    void *ctx;
} ib_each_adapt;
#define IB_RECORD_ADAPTERS(T, NAME)                                          \
    static int put(ib_store *st, void *rec, ib_put_result *res, ib_err *err) \
    {                                                                        \
        return ib_store_put_##NAME(st, (T *)rec, res, err);                  \
    }                                                                        \
    static int each_cb(void *ctx, const T *r)                                \
    {                                                                        \
        const ib_each_adapt *a = ctx;                                        \
        return a->cb(a->ctx, r);                                             \
    }                                                                        \
    static int each(ib_store *st, const ib_filter *f, ib_record_cb cb,       \
                    void *ctx, ib_err *err)                                  \
    {                                                                        \
        ib_each_adapt a = {cb, ctx};                                         \
        return ib_store_each_##NAME(st, f, each_cb, &a, err);                \
    }

extern const ib_record_type ib_organisation_type, ib_location_type,
    ib_person_type, ib_stay_type, ib_registration_type, ib_employment_type,
    ib_housing_type, ib_life_event_type, ib_contact_type;

/* Column id of name (ASCII case-insensitive), -1 when unknown. */
int ib_record_column(const ib_record_type *t, const char *name, size_t len);

/* 64-bit hash of the identity key of a row, from its values. */
uint64_t ib_record_key_hash(const ib_row_in *in);

/* ------------------------------------------------------------ values */

/* Each validator reads column col of in; on error it fills err (line,
 * file column, column name, Dutch message) and returns IB_EINVAL. An empty
 * value of a required column is an error; otherwise empty means unknown. */
int ib_val_error(const ib_row_in *in, int col, ib_err *err, const char *fmt,
                 ...) __attribute__((format(printf, 4, 5)));
int ib_val_text(const ib_row_in *in, int col, char *dst, size_t size,
                ib_err *err);
int ib_val_date(const ib_row_in *in, int col, ib_date *out, ib_err *err);
int ib_val_code(const ib_row_in *in, int col, const ib_code_name *table,
                int dflt, int *out, ib_err *err);
int ib_val_end_date(const ib_row_in *in, int col, int start_col,
                    ib_date start, ib_date *out, ib_err *err);
int ib_val_bsn(const ib_row_in *in, int col, char out[10], ib_err *err);
int ib_val_country(const ib_row_in *in, int col, char out[3], ib_err *err);
int ib_val_language(const ib_row_in *in, int col, char out[3], ib_err *err);
int ib_val_municipality(const ib_row_in *in, int col, char out[7],
                        ib_err *err);
int ib_val_postcode(const ib_row_in *in, int col, char out[7], ib_err *err);
int ib_val_house_number(const ib_row_in *in, int col,
                        char out[IB_HOUSENR_MAX + 1], ib_err *err);
int ib_val_kvk(const ib_row_in *in, int col, char out[9], ib_err *err);
int ib_val_money(const ib_row_in *in, int col, ib_cents *out, ib_err *err);
/* A decimal with at most two decimals in hundredths; min exclusive when
 * min_exclusive, max inclusive (both in hundredths). */
int ib_val_hundredths(const ib_row_in *in, int col, int64_t min,
                      bool min_exclusive, int64_t max, const char *what,
                      int64_t *out, ib_err *err);
int ib_val_count(const ib_row_in *in, int col, int32_t max, int32_t *out,
                 ib_err *err);
int ib_val_sector(const ib_row_in *in, int col, char *out, ib_err *err);

/* Hundredths as the shortest decimal ("40", "37.5", "12.25"). */
char *ib_fmt_hundredths(int64_t v, char *buf, size_t size);
/* Writes a printable, at most max-byte copy of s (control characters and
 * broken UTF-8 replaced by '?', "..." when cut) into buf. */
const char *ib_show(const char *s, size_t len, char *buf, size_t size);
/* Replaces control characters and invalid UTF-8 in s by '?', in place. */
void ib_sanitise_utf8(char *s);

/* ------------------------------------------------------------ header */

/* The mapping from a file's header to the kind's columns. */
typedef struct ib_header {
    int ncols;                          /* fields in the header line */
    int field_of[IB_COLUMNS_MAX];       /* column id -> field index, -1 */
    int position[IB_COLUMNS_MAX];       /* column id -> 1-based position, 0 */
    int column_at[IB_COLUMNS_MAX];      /* field index -> column id */
} ib_header;

/* Matches header names to the columns of t. Reports every problem through
 * reject (unknown, duplicate, empty name, missing required column) and
 * returns the number of problems (0: usable). */
typedef void (*ib_reject_fn)(void *ctx, const ib_err *e);
int ib_header_match(const ib_record_type *t, const ib_value *names, int n,
                    long line, ib_header *h, ib_reject_fn reject, void *ctx);

/* ------------------------------------------------------------ run */

/* Duplicate-key detection within one file: 64-bit key hashes with the line
 * that first used them (open addressing). Hash and line share a slot, so
 * that adding a key touches one cache line of a table of many megabytes. */
/* A slot is an ib_key_line (store.h): key 0 is an empty slot. The same
 * layout lets a full table be sorted and handed to the spill in place. */
typedef ib_key_line ib_key_slot;

typedef struct ib_keyset {
    ib_key_slot *slots;
    size_t cap, count;
    /* The table's bound in slots (a power of two): when it is full, its
     * keys move to the spill on disk and it starts empty again, so that a
     * file of any length holds the same memory. */
    size_t max_cap;
    ib_keyspill *spill;                 /* NULL until the table first fills */
    /* A blocked Bloom filter of the spilled keys: 64-byte blocks, so that
     * asking costs one cache miss, and only a "maybe" asks the disk. */
    uint64_t *bloom;
    size_t bloom_blocks;                /* a power of two */
} ib_keyset;

/* The state of importing one file or array. */
typedef struct ib_run {
    ib_store *st;                       /* NULL: check only */
    const ib_import_options *opt;
    const ib_record_type *type;
    ib_import_file_report *file;
    int64_t sender_id;
    ib_keyset keys;
    ib_record rec;
    int file_index, file_count;
    int64_t next_progress_rows;
    int64_t last_progress_ns;
    bool own_tx;                        /* false: inside the caller's */
} ib_run;

/* Appends a rejection to the file report (counts it; keeps the first
 * IB_IMPORT_REJECTIONS_MAX). */
void ib_run_reject(ib_run *run, const ib_err *e);
/* A stored row's warning, for the report. */
void ib_run_warn(ib_run *run, const ib_err *e);
void ib_run_reject_cb(void *ctx, const ib_err *e);
/* Parses, checks the key and stores one row. Returns IB_OK (row stored or
 * rejected and recorded) or a negative code that aborts the file. */
int ib_run_row(ib_run *run, const ib_row_in *in, ib_err *err);
/* Calls the progress callback when due (or always when done); nonzero
 * means cancelled. */
int ib_run_progress(ib_run *run, uint64_t bytes_read, uint64_t bytes_total,
                    bool done);

/* Transaction around one file: begin (and resolve the sender), and end
 * (commit with the audit entry, or roll back), setting the file status. */
int ib_run_begin(ib_run *run, ib_err *err);
int ib_run_end(ib_run *run, int rc, ib_err *err);
void ib_run_free(ib_run *run);

/* Adds an empty file entry to rep; NULL when out of memory. */
ib_import_file_report *ib_report_add_file(ib_import_report *rep,
                                          const char *path, ib_kind kind,
                                          bool json);

/* The CSV and JSON drivers: read one source into run (transaction handled
 * by the caller). */
struct ib_csv;
int ib_run_csv(ib_run *run, struct ib_csv *csv, ib_err *err);
int ib_run_json(ib_run *run, const char *data, size_t len, ib_err *err);
/* The same, read from an open file of the given size (0 unknown) one
 * element at a time. */
int ib_run_json_file(ib_run *run, FILE *f, uint64_t size, ib_err *err);

/* Runs one source as a whole file: report entry, transaction, driver. */
int ib_import_one(ib_store *st, const ib_import_options *opt,
                  ib_import_report *rep, ib_kind kind, const char *path,
                  bool json, const char *data, size_t len, int index,
                  int count, ib_err *err);

#endif
