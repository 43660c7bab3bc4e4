/* ingest.h — the exchange format in and out (spec/exchange-format.md,
 * docs/formats.md): validating import of CSV files and JSON arrays into the
 * store, one transaction per file, with a report a clerk can act on; report
 * writers (text, JSON, CSV); and the export that writes the registry back in
 * the same format. */
#ifndef IB_INGEST_H
#define IB_INGEST_H

#include <stdio.h>
#include "store/store.h"

/* ------------------------------------------------------------ report */

/* At most this many rejected rows are kept per file; the rest are counted
 * in ib_import_file_report.rejections_omitted. */
#define IB_IMPORT_REJECTIONS_MAX 1000

/* One rejected row (or header problem). `line` is the 1-based line on which
 * the CSV record starts (for JSON: the 1-based element number), `column` the
 * 1-based column of the field in the file (its position in the header; 0
 * when the column is absent or not known), `field` the column name ("" when
 * the problem is not one field's, e.g. a malformed line). */
typedef struct ib_import_rejection {
    long line;
    int column;
    char field[48];
    char msg[256];
} ib_import_rejection;

typedef enum {
    IB_FILE_PENDING,     /* not reached: an earlier file aborted the import */
    IB_FILE_COMMITTED,   /* every row stored */
    IB_FILE_PARTIAL,     /* opt->partial: good rows stored, some rejected */
    IB_FILE_REJECTED,    /* rows rejected, nothing stored (rolled back) */
    IB_FILE_CHECKED,     /* dry run or check: validated, nothing stored */
    IB_FILE_FAILED       /* I/O or storage error: rolled back, import aborted */
} ib_file_status;

typedef struct ib_import_file_report {
    char *path;                  /* as given (directory entries joined) */
    ib_kind kind;
    bool json;                   /* line numbers are element numbers */
    ib_file_status status;
    int64_t read;                /* data rows read (header excluded) */
    int64_t inserted, updated, unchanged; /* stored; 0 unless committed */
    int64_t rejected;            /* rows rejected (header problems included) */
    ib_import_rejection *rejections;      /* the first IB_IMPORT_REJECTIONS_MAX */
    size_t nrejections;
    int64_t rejections_omitted;
    char failure[256];           /* IB_FILE_FAILED: what went wrong */
    /* Rows stored with something the sender should know (the first
     * IB_IMPORT_REJECTIONS_MAX; the rest counted): one sender's two refs
     * that the same BSN makes one person (docs/linkage.md). */
    ib_import_rejection *warnings;
    size_t nwarnings;
    int64_t warnings_omitted;
} ib_import_file_report;

typedef struct ib_import_report {
    ib_import_file_report *files; /* in the order imported */
    size_t nfiles;
    bool dry_run;
} ib_import_report;

void ib_import_report_init(ib_import_report *rep);
void ib_import_report_free(ib_import_report *rep);
/* Sums over all files (status-independent counts). */
void ib_import_report_totals(const ib_import_report *rep,
                             ib_import_file_report *total);

/* Report writers. Text: one summary line per file and one indented line per
 * rejected row, then a total line (Dutch, for a clerk). JSON: one object
 * {"ok", "files": [...], "totals"}. CSV: header file,line,column,field,message
 * and one row per rejection, its cells guarded against spreadsheet formulas
 * (ib_csv_put_field). Return IB_OK or IB_EIO / IB_ENOMEM. */
int ib_import_report_write_text(const ib_import_report *rep, FILE *out);
int ib_import_report_write_json(const ib_import_report *rep, FILE *out);
int ib_import_report_write_csv(const ib_import_report *rep, FILE *out);

/* ------------------------------------------------------------ import */

/* Where an import of one file is. */
typedef enum {
    IB_IMPORT_PHASE_ROWS,        /* reading rows: each checked, then stored */
    IB_IMPORT_PHASE_FINISH       /* every row read; committing (or rolling
                                  * back) the file's transaction follows */
} ib_import_phase;

/* Progress of a running import, for a progress bar. */
typedef struct ib_import_progress {
    const char *path;            /* file being read */
    ib_kind kind;
    int file_index, file_count;  /* 0-based index among the files */
    uint64_t bytes_read, bytes_total;  /* of this file; total 0 if unknown
                                        * (JSON: elements, not bytes) */
    int64_t rows;                /* rows read (and checked) in this file */
    bool done;                   /* last call for this file */
    ib_import_phase phase;       /* IB_IMPORT_PHASE_FINISH when done */
    int64_t stored;              /* rows stored so far (not yet committed) */
    int64_t rejected;            /* rows rejected so far */
} ib_import_progress;

/* Returns 0 to continue; anything else cancels the import (the current file
 * is rolled back, ib_import returns IB_ELIMIT). */
typedef int (*ib_import_progress_cb)(void *ctx, const ib_import_progress *p);

typedef struct ib_import_options {
    const char *sender_ref;      /* whose keys these are; created if new */
    const char *actor;           /* for the audit trail; NULL keeps the store's */
    bool partial;                /* commit good rows, report the bad ones */
    bool dry_run;                /* validate against the store, store nothing */
    ib_import_progress_cb progress;
    void *progress_ctx;
    /* The callback runs about every 100 ms, after the first row, and when a
     * file ends; with progress_rows > 0 also after every progress_rows rows
     * (test hooks that need an exact row). */
    int64_t progress_rows;
    /* Memory for the duplicate-key check of one file, in bytes (0: 64 MiB,
     * 16 bytes a row up to about 3 million rows); a longer file moves its
     * keys to a temporary file and keeps this bound. Tests set it small. */
    size_t key_memory;
} ib_import_options;

/* Imports files of the exchange format. paths are files or directories (a
 * directory contributes its *.csv and *.json files, other files are
 * ignored). A file is recognised by its name, case-insensitive:
 * organisations, locations, persons, stays, registrations, employments,
 * housings, life_events, contacts, with .csv or .json (a JSON file holds
 * one array of objects). An unrecognised name fails the whole call before anything is
 * read (IB_EINVAL, err names the file and the expected names). Files are
 * imported in dependency order (the order of ib_kind), whatever the order
 * of the arguments; each file is one transaction: every row or none (unless
 * opt->partial). rep (initialised by the caller) receives one entry per
 * file. Returns IB_OK when every row of every file was stored, IB_EINVAL
 * when rows were rejected (see rep), or another negative code when an I/O
 * or storage error aborted the import (err says why; the current file was
 * rolled back, files before it stay committed). */
int ib_import(ib_store *st, const char *const *paths, int npaths,
              const ib_import_options *opt, ib_import_report *rep,
              ib_err *err);

/* Imports CSV text of one kind held in memory (e.g. an HTTP upload); name
 * is what the report calls it. Same rules and return codes as ib_import.
 * With st NULL nothing is stored and references are not checked (as
 * ib_check_csv_mem); the same holds for ib_import_json. */
int ib_import_csv_mem(ib_store *st, ib_kind kind, const char *name,
                      const char *data, size_t len,
                      const ib_import_options *opt, ib_import_report *rep,
                      ib_err *err);

/* Imports a JSON array of objects of one kind (the API's form of the
 * exchange format): keys are the CSV column names, values strings, numbers
 * or null (= empty). Same validation, messages and return codes as the CSV
 * import; a rejection's line is the 1-based element number and its column
 * is 0. */
int ib_import_json(ib_store *st, ib_kind kind, const char *name,
                   const char *data, size_t len,
                   const ib_import_options *opt, ib_import_report *rep,
                   ib_err *err);

/* Validates CSV text of one kind without a database: header, syntax, every
 * value and duplicate keys within the text (not references or overlaps,
 * which need the stored data). Appends one file report with status
 * IB_FILE_CHECKED or IB_FILE_REJECTED; returns IB_OK, IB_EINVAL or
 * IB_ENOMEM. Used by the fuzz targets. */
int ib_check_csv_mem(ib_kind kind, const char *name, const char *data,
                     size_t len, ib_import_report *rep, ib_err *err);

/* The kind a file name stands for ("Persons.CSV" -> IB_KIND_PERSON), with
 * *is_json telling the extension; IB_EINVAL when the name is not one of
 * them. Only the last path component is looked at. */
int ib_import_kind_of_name(const char *path, ib_kind *kind, bool *is_json);

/* ------------------------------------------------------------ export */

typedef struct ib_export_summary {
    int senders;                 /* sender folders written */
    int64_t rows[IB_KIND_COUNT]; /* data rows written per kind */
} ib_export_summary;

/* Writes the registry in the exchange format: DIR/<sender_ref>/<kind>.csv
 * for every kind (a header line even when empty), ',' separator, ISO dates,
 * money as 1234.56, BSN in clear. sender_id 0 exports every sender. Creates
 * the folders; overwrites existing files. A sender_ref that is not a safe
 * folder name is written with '%XX' escapes ('/' -> %2F, a leading '.' ->
 * %2E). Importing the files with --sender <ref> reproduces the content. */
int ib_export(ib_store *st, const char *dir, int64_t sender_id,
              ib_export_summary *sum, ib_err *err);

/* Decides whether a record goes into a one-kind export: rec is the kind's
 * store record (ib_person, ib_stay, ..., ib_location, ib_organisation).
 * Returns 1 to write it, 0 to leave it out, a negative IB_E* code to stop
 * (returned by ib_export_kind with err as the callback filled it). */
typedef int (*ib_export_keep_fn)(void *ctx, const void *rec, ib_err *err);

typedef struct ib_export_kind_opts {
    ib_filter filter;            /* sender (0: all), person (0: all) */
    ib_export_keep_fn keep;      /* NULL: every record of the filter */
    void *keep_ctx;
    bool omit_bsn;               /* persons: the bsn column left empty */
} ib_export_kind_opts;

/* Writes the records of one kind as one exchange-format file to out: the
 * header line, then a row per record the filter and keep select, in the
 * store's order, formatted as ib_export does. *rows (may be NULL)
 * receives the data rows written. IB_EIO on a write error. */
int ib_export_kind(ib_store *st, ib_kind kind, const ib_export_kind_opts *o,
                   FILE *out, int64_t *rows, ib_err *err);

#endif
