/* csv.h — internal to the ingest module: a strict, streaming RFC 4180 reader
 * for the exchange format (UTF-8 with optional BOM, ',' or ';' chosen from
 * the header line, quoted fields with embedded separators, quotes and line
 * breaks, LF or CRLF), and a writer that quotes only where needed.
 * The reader never trusts its input: bounded field and line sizes, NUL
 * bytes and invalid UTF-8 are errors with line and column, never crashes. */
#ifndef IB_INGEST_CSV_H
#define IB_INGEST_CSV_H

#include <stdio.h>
#include "core/core.h"

#define IB_CSV_FIELD_MAX 4096     /* bytes in one field */
#define IB_CSV_FIELDS_MAX 64      /* fields in one record */

typedef struct ib_csv ib_csv;

typedef struct ib_csv_field {
    const char *s;                /* NUL-terminated, unquoted, valid UTF-8 */
    size_t len;
    int column;                   /* 1-based character column where it starts */
} ib_csv_field;

typedef struct ib_csv_row {
    long line;                    /* 1-based line on which the record starts */
    int count;                    /* number of fields */
    ib_csv_field fields[IB_CSV_FIELDS_MAX];
} ib_csv_row;

/* Opens a file (path) or a memory buffer (not copied; must outlive the
 * reader). The separator is detected from the first line: ';' when the
 * header line contains a ';' outside quotes and no ',', else ','. */
int ib_csv_open_file(ib_csv **out, const char *path, ib_err *err);
int ib_csv_open_mem(ib_csv **out, const char *data, size_t len, ib_err *err);
void ib_csv_close(ib_csv *c);

/* Reads the next record into row (fields stay valid until the next call).
 * Returns 1 when a record was read, 0 at the end of the input, or a negative
 * IB_E* code with err->line and err->column set. Empty lines are skipped.
 * After an error the reader resynchronises at the next line break outside
 * quotes, so the caller may continue to collect further errors. */
int ib_csv_next(ib_csv *c, ib_csv_row *row, ib_err *err);

/* Testing aid: each internal read takes in at most n bytes (n >= 1; 0
 * restores the default), so that tests and fuzzing exercise records that
 * straddle reads. Results never depend on it. */
void ib_csv_set_read_size(ib_csv *c, size_t n);

char ib_csv_separator(const ib_csv *c);
/* Progress: bytes consumed so far and the total size (0 when unknown). */
uint64_t ib_csv_bytes_read(const ib_csv *c);
uint64_t ib_csv_bytes_total(const ib_csv *c);

/* Writes one field, quoted when it holds a separator, quote, CR or LF, or
 * starts/ends with a space. */
int ib_csv_write_field(FILE *f, const char *s, size_t len, char sep);
/* Writes a whole record of n NUL-terminated fields and a LF. */
int ib_csv_write_row(FILE *f, const char *const *fields, int n, char sep);

#endif
