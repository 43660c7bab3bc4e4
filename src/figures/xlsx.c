/* xlsx.c — a CSV document of the monitor or of an export as an XLSX
 * workbook (libxlsxwriter): the same table, numbers as numbers so that a
 * spreadsheet can compute with them, suppressed cells ("<10") and labels
 * as text. One converter keeps the CSV and XLSX downloads identical. */
#include "figures/figures.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

/* Reads one CSV field at *p (quoted as ib_csv_put_field writes: "" inside
 * quotes is one "), into buf; *p moves past the field; *eol tells whether
 * the line ended after it. */
static void next_field(const char **p, const char *end, char *buf, size_t size,
                       bool *eol)
{
    const char *s = *p;
    size_t n = 0;
    bool quoted = s < end && *s == '"';
    if (quoted)
        s++;
    while (s < end) {
        if (quoted && *s == '"') {
            if (s + 1 < end && s[1] == '"') {
                s++;
            } else {
                quoted = false;
                s++;
                continue;
            }
        } else if (!quoted && (*s == ',' || *s == '\n' || *s == '\r')) {
            break;
        }
        if (n + 1 < size)
            buf[n++] = *s;
        s++;
    }
    buf[n] = '\0';
    *eol = s >= end || *s != ',';
    if (s < end && *s == '\r')
        s++;
    if (s < end)
        s++;
    *p = s;
}

/* A number when the whole text is a finite decimal number that reads back
 * as the same text: codes with a leading zero ("0518", a KvK number) and
 * digit strings beyond a double's 15 digits stay text. */
static bool as_number(const char *s, double *out)
{
    const char *d = s + (*s == '-');
    if (!*s || strlen(s) > 40 || (d[0] == '0' && d[1] >= '0' && d[1] <= '9') ||
        strspn(d, "0123456789") > 15)
        return false;
    char *e;
    errno = 0;
    double v = strtod(s, &e);
    if (*e || errno || !isfinite(v))
        return false;
    *out = v;
    return true;
}

static int write_sheet(lxw_workbook *wb, const char *sheet, const char *csv,
                       size_t len, bool guarded)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, sheet);
    lxw_format *bold = workbook_add_format(wb);
    if (!ws || !bold)
        return IB_ENOMEM;
    format_set_bold(bold);
    const char *p = csv, *end = csv + len;
    char field[1024];
    lxw_row_t row = 0;
    lxw_col_t col = 0;
    while (p < end && row < LXW_ROW_MAX) {
        bool eol;
        next_field(&p, end, field, sizeof field, &eol);
        const char *cell = guarded ? ib_csv_unguard(field) : field;
        double v;
        lxw_error e = LXW_NO_ERROR;
        if (row > 0 && as_number(cell, &v))
            e = worksheet_write_number(ws, row, col, v, NULL);
        else if (cell[0])
            e = worksheet_write_string(ws, row, col, cell, row == 0 ? bold : NULL);
        if (e != LXW_NO_ERROR)
            return IB_EIO;
        col++;
        if (eol) {
            row++;
            col = 0;
        }
    }
    return IB_OK;
}

/* The whole file f into a malloc'ed buffer. */
static int slurp(FILE *f, char **out, size_t *out_len)
{
    if (fseek(f, 0, SEEK_END) != 0)
        return IB_EIO;
    long size = ftell(f);
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0)
        return IB_EIO;
    char *buf = malloc(size ? (size_t)size : 1);
    if (!buf)
        return IB_ENOMEM;
    if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        return IB_EIO;
    }
    *out = buf;
    *out_len = (size_t)size;
    return IB_OK;
}

int ib_mo_csv_to_xlsx(const char *csv, size_t len, const char *sheet, bool guarded,
                      char **out, size_t *out_len, ib_err *err)
{
    /* libxlsxwriter 1.1.4 writes only to a file: a private temporary one,
     * removed at once. */
    char path[] = "/tmp/inbeeld-xlsx-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return ib_err_set(err, IB_EIO, "tijdelijk bestand: %s", strerror(errno));
    close(fd);
    int rc = IB_ENOMEM;
    lxw_workbook *wb = workbook_new(path);
    if (wb) {
        rc = write_sheet(wb, sheet, csv, len, guarded);
        if (workbook_close(wb) != LXW_NO_ERROR && rc == IB_OK)
            rc = IB_EIO;
    }
    FILE *f = rc == IB_OK ? fopen(path, "rb") : NULL;
    if (rc == IB_OK)
        rc = f ? slurp(f, out, out_len) : IB_EIO;
    if (f)
        fclose(f);
    unlink(path);
    if (rc != IB_OK)
        return ib_err_set(err, rc, rc == IB_ENOMEM ? "geheugen vol"
                                                   : "XLSX schrijven mislukt");
    return IB_OK;
}
