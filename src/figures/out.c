/* out.c — output helpers of the monitor figures (CLI and API): the JSON writer,
 * Dutch numbers for the readable tables, CSV fields, and result tables as
 * text, CSV or JSON (with the suppression the library applied). */
#include "figures/figures.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int ib_mo_format_parse(const char *s, ib_mo_format *out)
{
    static const char *const names[] = {"table", "csv", "json"};
    for (int i = 0; i < 3; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (ib_mo_format)i;
            return IB_OK;
        }
    return IB_EINVAL;
}

/* ------------------------------------------------------------ JSON */

void ib_json_init(ib_json *j, FILE *f)
{
    memset(j, 0, sizeof *j);
    j->f = f;
}

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* Separator, indentation and key before a value. */
static void json_item(ib_json *j, const char *key)
{
    int d = j->depth;
    if (d > 0) {
        if (j->has_items[d])
            fputc(',', j->f);
        if (j->is_compact[d])
            fputs(j->has_items[d] ? " " : "", j->f);
        else
            fprintf(j->f, "\n%*s", 2 * d, "");
        j->has_items[d] = true;
    }
    if (key) {
        json_string(j->f, key);
        fputs(": ", j->f);
    }
}

static void json_open(ib_json *j, const char *key, char c, bool compact)
{
    json_item(j, key);
    fputc(c, j->f);
    if (j->depth + 1 < IB_JSON_DEPTH) {
        j->depth++;
        j->has_items[j->depth] = false;
        j->is_compact[j->depth] = compact;
        j->closer[j->depth] = c == '{' ? '}' : ']';
    }
}

void ib_json_object(ib_json *j, const char *key) { json_open(j, key, '{', false); }

void ib_json_array(ib_json *j, const char *key, bool compact)
{
    json_open(j, key, '[', compact);
}

void ib_json_end(ib_json *j)
{
    int d = j->depth;
    if (d == 0)
        return;
    bool compact = j->is_compact[d], items = j->has_items[d];
    j->depth--;
    if (items && !compact)
        fprintf(j->f, "\n%*s", 2 * j->depth, "");
    fputc(j->closer[d], j->f);
}

void ib_json_str(ib_json *j, const char *key, const char *v)
{
    json_item(j, key);
    json_string(j->f, v);
}

void ib_json_num(ib_json *j, const char *key, double v)
{
    json_item(j, key);
    if (isnan(v))
        fputs("null", j->f);
    else if (isinf(v))
        fputs(v > 0 ? "1e999" : "-1e999", j->f);
    else
        fprintf(j->f, "%.17g", v);
}

void ib_json_int(ib_json *j, const char *key, int64_t v)
{
    json_item(j, key);
    fprintf(j->f, "%" PRId64, v);
}

void ib_json_bool(ib_json *j, const char *key, bool v)
{
    json_item(j, key);
    fputs(v ? "true" : "false", j->f);
}

void ib_json_null(ib_json *j, const char *key)
{
    json_item(j, key);
    fputs("null", j->f);
}

void ib_json_finish(ib_json *j)
{
    while (j->depth > 0)
        ib_json_end(j);
    fputc('\n', j->f);
}

/* ------------------------------------------------------------ numbers */

char *ib_mo_nl(double v, int decimals, char *buf, size_t size)
{
    if (isnan(v)) {
        snprintf(buf, size, "–");
        return buf;
    }
    if (isinf(v)) {
        snprintf(buf, size, "%s∞", v < 0 ? "-" : "");
        return buf;
    }
    char raw[64];
    snprintf(raw, sizeof raw, "%.*f", decimals, fabs(v));
    char *dot = strchr(raw, '.');
    size_t int_len = dot ? (size_t)(dot - raw) : strlen(raw);
    char out[96];
    size_t o = 0;
    /* a rounded zero keeps no minus sign */
    if (v < 0 && strspn(raw, "0.") != strlen(raw))
        out[o++] = '-';
    for (size_t i = 0; i < int_len; i++) {
        if (i > 0 && (int_len - i) % 3 == 0)
            out[o++] = '.';
        out[o++] = raw[i];
    }
    if (dot) {
        out[o++] = ',';
        for (const char *p = dot + 1; *p && o < sizeof out - 1; p++)
            out[o++] = *p;
    }
    out[o] = '\0';
    snprintf(buf, size, "%s", out);
    return buf;
}

char *ib_mo_count(double v, int64_t k, char *buf, size_t size)
{
    if (k > 0 && v < (double)k) {
        snprintf(buf, size, "<%" PRId64, k);
        return buf;
    }
    return ib_mo_nl(v, 0, buf, size);
}

char *ib_mo_csvnum(double v, char *buf, size_t size)
{
    if (isnan(v))
        snprintf(buf, size, "%s", "");
    else if (isinf(v))
        snprintf(buf, size, "%s", v > 0 ? "Inf" : "-Inf");
    else
        snprintf(buf, size, "%.17g", v);
    return buf;
}

/* ------------------------------------------------------------ tables */

#define CELL 48

static size_t text_width(const char *s)
{
    /* count UTF-8 code points, not bytes */
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void pad(FILE *f, const char *s, size_t width, bool right)
{
    size_t w = text_width(s);
    if (right)
        fprintf(f, "%*s%s", (int)(width > w ? width - w : 0), "", s);
    else
        fprintf(f, "%s%*s", s, (int)(width > w ? width - w : 0), "");
}

/* Text of a cell for the readable table: Dutch thousands and decimals. */
static const char *cell_text(const ib_mtable *t, size_t r, size_t c,
                             char *buf, size_t size)
{
    if (!ib_mtable_is_shown(t, r, c) ||
        ib_mtable_get(t, r, c) == IB_MVALUE_NONE)
        return ib_mtable_text(t, r, c, buf, size);
    int64_t v = ib_mtable_get(t, r, c);
    unsigned dec = c < t->ncols ? t->cols[c].decimals : 0;
    double scale = 1;
    for (unsigned i = 0; i < dec; i++)
        scale *= 10;
    return ib_mo_nl((double)v / scale, (int)dec, buf, size);
}

typedef const char *(*cell_fn)(const ib_mtable *t, size_t r, size_t c,
                               char *buf, size_t size);

static const char *share_text(const ib_mtable *t, size_t r, size_t c,
                              char *buf, size_t size)
{
    double s;
    if (c == t->ncols)
        return ib_mtable_is_shown(t, r, c) ? "100 %" : "";
    if (!t->cols[c].is_count || !ib_mtable_share(t, r, c, &s)) {
        snprintf(buf, size, "%s", ib_mtable_is_shown(t, r, c) ? "" : "·");
        return buf;
    }
    char n[32];
    snprintf(buf, size, "%s %%", ib_mo_nl(100 * s, 1, n, sizeof n));
    return buf;
}

static void text_block(FILE *f, const ib_mtable *t, cell_fn cell)
{
    size_t ncols = t->ncols + (t->row_totals ? 1 : 0);
    size_t nrows = t->nrows + (t->col_totals ? 1 : 0);
    size_t wk[8] = {0}, wv[64] = {0};
    size_t nk = t->nkeys < 8 ? t->nkeys : 8, nv = ncols < 64 ? ncols : 64;
    char buf[CELL];
    for (size_t k = 0; k < nk; k++)
        wk[k] = text_width(t->key_names[k]);
    if (t->col_totals && nk)
        wk[0] = wk[0] > 6 ? wk[0] : 6;
    for (size_t c = 0; c < nv; c++)
        wv[c] = text_width(c < t->ncols ? t->cols[c].name : "totaal");
    for (size_t r = 0; r < nrows; r++) {
        for (size_t k = 0; r < t->nrows && k < nk; k++) {
            size_t w = text_width(t->keys[r * t->nkeys + k]);
            wk[k] = w > wk[k] ? w : wk[k];
        }
        for (size_t c = 0; c < nv; c++) {
            size_t w = text_width(cell(t, r, c, buf, sizeof buf));
            wv[c] = w > wv[c] ? w : wv[c];
        }
    }
    for (size_t k = 0; k < nk; k++) {
        pad(f, t->key_names[k], wk[k], false);
        fputs("  ", f);
    }
    for (size_t c = 0; c < nv; c++) {
        pad(f, c < t->ncols ? t->cols[c].name : "totaal", wv[c], true);
        fputs(c + 1 < nv ? "  " : "\n", f);
    }
    for (size_t r = 0; r < nrows; r++) {
        for (size_t k = 0; k < nk; k++) {
            pad(f, r < t->nrows ? t->keys[r * t->nkeys + k]
                                : k == 0 ? "totaal" : "", wk[k], false);
            fputs("  ", f);
        }
        for (size_t c = 0; c < nv; c++) {
            pad(f, cell(t, r, c, buf, sizeof buf), wv[c], true);
            fputs(c + 1 < nv ? "  " : "\n", f);
        }
    }
}

#define PERTURBED_NOTE \
    "\nAantallen licht verstoord ter bescherming van personen (hooguit 3 " \
    "ernaast; 1 en 2 komen niet voor, 0 kan 0 tot 3 zijn); totalen apart " \
    "verstoord, dus niet precies de som.\n"

static void table_text(FILE *f, const ib_mtable *t, bool with_shares)
{
    fprintf(f, "%s\n\n", t->title);
    if (t->nrows == 0) {
        fputs("(geen rijen)\n", f);
        return;
    }
    text_block(f, t, cell_text);
    if (t->k > 0)
        fprintf(f, "\n<%" PRId64 ": minder dan %" PRId64 " personen; "
                   IB_MCELL_HIDDEN_TEXT ": afgeschermd zodat een andere cel "
                   "niet uit de totalen volgt (kan elk aantal zijn).\n",
                t->k, t->k);
    if (t->perturbed)
        fputs(PERTURBED_NOTE, f);
    if (with_shares && t->row_totals) {
        fprintf(f, "\nAandeel in het rijtotaal (%%)\n\n");
        text_block(f, t, share_text);
    }
}

static void table_csv(FILE *f, const ib_mtable *t)
{
    char buf[CELL];
    for (size_t k = 0; k < t->nkeys; k++) {
        ib_csv_put_field(f, t->key_names[k]);
        fputc(',', f);
    }
    for (size_t c = 0; c < t->ncols; c++) {
        ib_csv_put_field(f, t->cols[c].name);
        fputs(c + 1 < t->ncols || t->row_totals ? "," : "\n", f);
    }
    if (t->row_totals)
        fputs("total\n", f);
    size_t nrows = t->nrows + (t->col_totals ? 1 : 0);
    size_t ncols = t->ncols + (t->row_totals ? 1 : 0);
    for (size_t r = 0; r < nrows; r++) {
        for (size_t k = 0; k < t->nkeys; k++) {
            ib_csv_put_field(f, r < t->nrows ? t->keys[r * t->nkeys + k]
                                           : k == 0 ? "total" : "");
            fputc(',', f);
        }
        for (size_t c = 0; c < ncols; c++) {
            ib_csv_put_field(f, ib_mtable_text(t, r, c, buf, sizeof buf));
            fputs(c + 1 < ncols ? "," : "\n", f);
        }
    }
}

/* A cell as a JSON value: number, "<k" when suppressed as small, "verborgen"
 * when hidden to protect another cell, null when unknown. */
static void json_cell(ib_json *j, const char *key, const ib_mtable *t,
                      size_t r, size_t c)
{
    char buf[CELL];
    int64_t v = ib_mtable_get(t, r, c);
    if (!ib_mtable_is_shown(t, r, c))
        ib_json_str(j, key, ib_mtable_text(t, r, c, buf, sizeof buf));
    else if (v == IB_MVALUE_NONE)
        ib_json_null(j, key);
    else if (c < t->ncols && t->cols[c].decimals)
        ib_json_num(j, key, atof(ib_mtable_text(t, r, c, buf, sizeof buf)));
    else
        ib_json_int(j, key, v);
}

void ib_mo_table_json(ib_json *j, const char *key, const ib_mtable *t)
{
    ib_json_object(j, key);
    ib_json_str(j, "title", t->title);
    if (t->k > 0)
        ib_json_int(j, "suppressed_below", t->k);
    else
        ib_json_null(j, "suppressed_below");
    ib_json_bool(j, "perturbed", t->perturbed);
    ib_json_array(j, "keys", true);
    for (size_t k = 0; k < t->nkeys; k++)
        ib_json_str(j, NULL, t->key_names[k]);
    ib_json_end(j);
    ib_json_array(j, "columns", true);
    for (size_t c = 0; c < t->ncols; c++)
        ib_json_str(j, NULL, t->cols[c].name);
    ib_json_end(j);
    ib_json_array(j, "rows", false);
    for (size_t r = 0; r < t->nrows; r++) {
        ib_json_object(j, NULL);
        for (size_t k = 0; k < t->nkeys; k++)
            ib_json_str(j, t->key_names[k], t->keys[r * t->nkeys + k]);
        for (size_t c = 0; c < t->ncols; c++)
            json_cell(j, t->cols[c].name, t, r, c);
        if (t->row_totals)
            json_cell(j, "total", t, r, t->ncols);
        ib_json_end(j);
    }
    ib_json_end(j);
    if (t->col_totals) {
        ib_json_object(j, "totals");
        for (size_t c = 0; c < t->ncols; c++)
            json_cell(j, t->cols[c].name, t, t->nrows, c);
        if (t->row_totals)
            json_cell(j, "total", t, t->nrows, t->ncols);
        ib_json_end(j);
    }
    ib_json_end(j);
}

void ib_mo_table(FILE *f, const ib_mtable *t, ib_mo_format fmt,
                 bool with_shares)
{
    if (fmt == IB_MO_CSV) {
        table_csv(f, t);
    } else if (fmt == IB_MO_JSON) {
        ib_json j;
        ib_json_init(&j, f);
        ib_mo_table_json(&j, NULL, t);
        ib_json_finish(&j);
    } else {
        table_text(f, t, with_shares);
    }
}
