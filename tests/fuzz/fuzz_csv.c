/* fuzz_csv.c — libFuzzer target for the CSV reader and writer. Reads every
 * record of the input (going on after errors) and aborts when an invariant
 * breaks: the answers must not depend on the read size, fields must be
 * valid UTF-8 within the limits, and writing the records with the writer
 * and reading them back must give the same fields. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

static int is_utf8(const unsigned char *p, size_t len)
{
    for (size_t i = 0; i < len;) {
        unsigned char b = p[i];
        size_t n = b < 0x80 ? 1 : b < 0xC2 ? 0 : b < 0xE0 ? 2 : b < 0xF0 ? 3
                 : b < 0xF5 ? 4 : 0;
        if (n == 0 || i + n > len)
            return 0;
        for (size_t k = 1; k < n; k++)
            if ((p[i + k] & 0xC0) != 0x80)
                return 0;
        if ((b == 0xE0 && p[i + 1] < 0xA0) || (b == 0xED && p[i + 1] > 0x9F) ||
            (b == 0xF0 && p[i + 1] < 0x90) || (b == 0xF4 && p[i + 1] > 0x8F))
            return 0;
        i += n;
    }
    return 1;
}

/* Reads all of data with the given read size; writes a transcript of every
 * answer to log and, when rows is not NULL, the records' fields to rows
 * and the records through the writer to csv. Returns the separator. */
static char read_all(const uint8_t *data, size_t size, size_t read_size,
                     FILE *log, FILE *rows, FILE *csv, int *errors)
{
    ib_csv *c;
    ib_err err;
    static ib_csv_row row;
    check(ib_csv_open_mem(&c, (const char *)data, size, &err) == IB_OK);
    ib_csv_set_read_size(c, read_size);
    char sep = ib_csv_separator(c);
    check(sep == ',' || sep == ';');
    if (csv)
        fprintf(csv, "x%cy\n", sep);   /* fixes the separator on re-reading */
    long last_line = 0;
    uint64_t last_read = ib_csv_bytes_read(c);
    size_t calls = 0;
    int r;
    while ((r = ib_csv_next(c, &row, &err)) != 0) {
        check(++calls <= size + 1);
        check(ib_csv_bytes_read(c) >= last_read);
        check(ib_csv_bytes_read(c) <= ib_csv_bytes_total(c));
        last_read = ib_csv_bytes_read(c);
        if (r < 0) {
            check(err.line >= 1 && err.column >= 1 && err.msg[0]);
            fprintf(log, "E %d %ld:%d %s\n", r, err.line, err.column, err.msg);
            ++*errors;
            continue;
        }
        check(r == 1);
        check(row.line > last_line);
        last_line = row.line;
        check(row.count >= 1 && row.count <= IB_CSV_FIELDS_MAX);
        fprintf(log, "L %ld %d\n", row.line, row.count);
        const char *ptrs[IB_CSV_FIELDS_MAX];
        for (int i = 0; i < row.count; i++) {
            const ib_csv_field *f = &row.fields[i];
            check(f->len <= IB_CSV_FIELD_MAX && strlen(f->s) == f->len);
            check(is_utf8((const unsigned char *)f->s, f->len));
            check(f->column >= 1);
            fprintf(log, "%d %zu:", f->column, f->len);
            fwrite(f->s, 1, f->len, log);
            if (rows) {
                fprintf(rows, "%zu:", f->len);
                fwrite(f->s, 1, f->len, rows);
            }
            ptrs[i] = f->s;
        }
        if (rows)
            fputc('\n', rows);
        if (csv)
            check(ib_csv_write_row(csv, ptrs, row.count, sep) == IB_OK);
    }
    check(ib_csv_next(c, &row, &err) == 0);
    check(ib_csv_bytes_read(c) == size);
    ib_csv_close(c);
    return sep;
}

static FILE *mem_open(char **buf, size_t *len)
{
    FILE *f = open_memstream(buf, len);
    if (!f)
        abort();
    return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *log1 = NULL, *log2 = NULL, *rows1 = NULL, *rows2 = NULL, *csv = NULL,
         *log3 = NULL;
    size_t nlog1, nlog2, nrows1, nrows2, ncsv, nlog3;
    FILE *flog1 = mem_open(&log1, &nlog1), *frows1 = mem_open(&rows1, &nrows1),
         *fcsv = mem_open(&csv, &ncsv);
    int errors = 0;
    char sep = read_all(data, size, 0, flog1, frows1, fcsv, &errors);
    check(fclose(flog1) == 0 && fclose(frows1) == 0 && fclose(fcsv) == 0);

    /* the same answers with small reads (not too small: every refill
     * parses the record again from its start) */
    size_t rs = size <= 2048 ? 1 + (size ? (size_t)data[0] % 16 : 0)
                             : 509 + size / 16;
    FILE *flog2 = mem_open(&log2, &nlog2);
    read_all(data, size, rs, flog2, NULL, NULL, &errors);
    check(fclose(flog2) == 0);
    check(nlog1 == nlog2 && memcmp(log1, log2, nlog1) == 0);

    /* written records read back as the same fields, without errors */
    FILE *flog3 = mem_open(&log3, &nlog3), *frows2 = mem_open(&rows2, &nrows2);
    errors = 0;
    char sep2 = read_all((const uint8_t *)csv, ncsv, 0, flog3, frows2, NULL,
                         &errors);
    check(fclose(flog3) == 0 && fclose(frows2) == 0);
    check(sep2 == sep);
    check(errors == 0);
    /* rows2 starts with the "x,y" line written first */
    const char *hdr = "1:x1:y\n";
    check(nrows2 == nrows1 + strlen(hdr));
    check(memcmp(rows2, hdr, strlen(hdr)) == 0);
    check(memcmp(rows2 + strlen(hdr), rows1, nrows1) == 0);

    free(log1);
    free(log2);
    free(log3);
    free(rows1);
    free(rows2);
    free(csv);
    return 0;
}
