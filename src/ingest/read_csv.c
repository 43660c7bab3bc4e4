/* read_csv.c — the CSV driver of an import run: header line, then every
 * record through the shared row step. Reader errors (bad quoting, invalid
 * UTF-8, binary bytes, oversized fields) reject that record and the reader
 * resynchronises; only I/O errors end the file. */
#include "ingest/csv.h"
#include "ingest/ingest_internal.h"

#include <stdio.h>
#include <string.h>

/* A reader error as a row rejection: the reader's column counts characters
 * within the line, not fields, so it goes into the message. */
static void reject_syntax(ib_run *run, const ib_err *ce)
{
    ib_err e = *ce;
    size_t n = strlen(e.msg);
    if (ce->column > 0 && n < sizeof e.msg)
        snprintf(e.msg + n, sizeof e.msg - n, " (teken %d)", ce->column);
    e.column = 0;
    e.field[0] = '\0';
    if (e.line == 0)
        e.line = 1;
    ib_run_reject(run, &e);
}

static void reject_count(ib_run *run, const ib_header *h, const ib_csv_row *row)
{
    ib_err e;
    if (row->count > h->ncols)
        ib_err_set_at(&e, IB_EINVAL, row->line, h->ncols + 1, "",
                      "te veel velden: %d, de kopregel heeft er %d",
                      row->count, h->ncols);
    else {
        int c = h->column_at[row->count];
        ib_err_set_at(&e, IB_EINVAL, row->line, row->count + 1,
                      c >= 0 ? run->type->columns[c].name : "",
                      "te weinig velden: %d, de kopregel heeft er %d",
                      row->count, h->ncols);
    }
    ib_run_reject(run, &e);
}

/* Reads and matches the header; returns 1 when usable, 0 when the file is
 * rejected (problems recorded), or a negative I/O code. */
static int read_header(ib_run *run, ib_csv *csv, ib_csv_row *row,
                       ib_header *h, ib_err *err)
{
    ib_err e;
    int r = ib_csv_next(csv, row, &e);
    if (r == IB_EIO) {
        *err = e;
        return r;
    }
    if (r < 0) {
        reject_syntax(run, &e);
        return 0;
    }
    if (r == 0) {
        ib_err_set_at(&e, IB_EINVAL, 1, 0, "",
                      "leeg bestand: de kopregel ontbreekt");
        ib_run_reject(run, &e);
        return 0;
    }
    ib_value names[IB_CSV_FIELDS_MAX];
    for (int i = 0; i < row->count; i++)
        names[i] = (ib_value){row->fields[i].s, row->fields[i].len};
    int problems = ib_header_match(run->type, names, row->count, row->line, h,
                                   ib_run_reject_cb, run);
    return problems == 0;
}

int ib_run_csv(ib_run *run, ib_csv *csv, ib_err *err)
{
    ib_csv_row row;
    ib_header h;
    ib_value v[IB_COLUMNS_MAX];
    const ib_record_type *t = run->type;
    int r = read_header(run, csv, &row, &h, err);
    if (r <= 0)
        return r;
    ib_row_in in = {t, v, h.position, 0, ib_csv_separator(csv) == ';'};
    uint64_t total = ib_csv_bytes_total(csv);
    for (;;) {
        ib_err e;
        r = ib_csv_next(csv, &row, &e);
        if (r == 0)
            break;
        if (r == IB_EIO) {
            *err = e;
            return r;
        }
        run->file->read++;
        if (r < 0)
            reject_syntax(run, &e);
        else if (row.count != h.ncols)
            reject_count(run, &h, &row);
        else {
            for (int c = 0; c < t->ncolumns; c++) {
                int f = h.field_of[c];
                v[c] = f >= 0 ? (ib_value){row.fields[f].s, row.fields[f].len}
                              : (ib_value){"", 0};
            }
            in.line = row.line;
            if ((r = ib_run_row(run, &in, err)) != IB_OK)
                return r;
        }
        if (ib_run_progress(run, ib_csv_bytes_read(csv), total, false))
            return ib_err_set(err, IB_ELIMIT, "import afgebroken");
    }
    if (ib_run_progress(run, ib_csv_bytes_read(csv), total, true))
        return ib_err_set(err, IB_ELIMIT, "import afgebroken");
    return IB_OK;
}
