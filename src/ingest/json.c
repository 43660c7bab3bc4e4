/* json.c — the JSON driver of an import run: an array of objects whose keys
 * are the CSV column names. Values are strings, numbers (written as the
 * exchange format's text) or null (empty), then go through the same row
 * step as CSV rows, so validation and messages are the same; the "line" of
 * a rejection is the 1-based element number. */
#include "ingest/ingest_internal.h"

#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void reject(ib_run *run, long line, const char *field, const char *msg)
{
    ib_err e;
    ib_err_set_at(&e, IB_EINVAL, line, 0, field, "%s", msg);
    ib_run_reject(run, &e);
}

/* The shortest decimal text that reads back as x. */
static void real_text(double x, char *buf, size_t size)
{
    snprintf(buf, size, "%.15g", x);
    if (strtod(buf, NULL) != x)
        snprintf(buf, size, "%.17g", x);
}

/* One value into v (text in scratch when converted); false when rejected. */
static bool value_of(ib_run *run, long line, const char *key, json_t *j,
                     ib_value *v, char *scratch, size_t size)
{
    char msg[160];
    switch (json_typeof(j)) {
    case JSON_STRING:
        v->s = json_string_value(j);
        v->len = json_string_length(j);
        if (strlen(v->s) != v->len) {
            reject(run, line, key, "bevat een NUL-teken");
            return false;
        }
        return true;
    case JSON_INTEGER:
        snprintf(scratch, size, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
        break;
    case JSON_REAL:
        if (!isfinite(json_real_value(j))) {
            reject(run, line, key, "is geen eindig getal");
            return false;
        }
        real_text(json_real_value(j), scratch, size);
        break;
    case JSON_NULL:
        scratch[0] = '\0';
        break;
    default:
        snprintf(msg, sizeof msg, "moet tekst, een getal of null zijn");
        reject(run, line, key, msg);
        return false;
    }
    v->s = scratch;
    v->len = strlen(scratch);
    return true;
}

/* Fills v from the object's keys; false when the element is rejected. */
static bool element_values(ib_run *run, long line, json_t *obj, ib_value *v,
                           char (*scratch)[40])
{
    const ib_record_type *t = run->type;
    const char *key;
    json_t *j;
    bool seen[IB_COLUMNS_MAX] = {false};
    char msg[256], shown[64];
    for (int c = 0; c < t->ncolumns; c++)
        v[c] = (ib_value){"", 0};
    json_object_foreach(obj, key, j) {
        int c = ib_record_column(t, key, strlen(key));
        ib_show(key, strlen(key), shown, sizeof shown);
        if (c < 0) {
            snprintf(msg, sizeof msg, "onbekend veld '%s'", shown);
            reject(run, line, shown, msg);
            return false;
        }
        if (seen[c]) {
            snprintf(msg, sizeof msg, "veld '%s' komt twee keer voor",
                     t->columns[c].name);
            reject(run, line, t->columns[c].name, msg);
            return false;
        }
        seen[c] = true;
        if (!value_of(run, line, t->columns[c].name, j, &v[c], scratch[c],
                      sizeof scratch[c]))
            return false;
    }
    return true;
}

/* ------------------------------------------------------------ the stream
 * The array is read one element at a time, so that a file of any length
 * holds one element in memory: jansson decodes each object from a callback
 * that hands it one byte at a time (it then takes exactly the object's
 * bytes, and the reader knows where the next one starts), while the reader
 * itself walks the array's brackets and commas and counts lines and
 * characters for the messages, as jansson does: a character is a UTF-8
 * sequence. */

typedef struct jstream {
    const char *mem;                   /* the text in memory, or */
    FILE *f;                           /* a file */
    size_t len;                        /* of mem; of the file when known */
    unsigned char buf[65536];
    size_t bpos, blen;
    uint64_t consumed;                 /* bytes */
    int line, column;                  /* of the last byte consumed */
    bool io_error;
} jstream;

static int js_peek(jstream *s)
{
    if (s->mem)
        return s->consumed < s->len ? (unsigned char)s->mem[s->consumed] : EOF;
    if (s->bpos == s->blen) {
        s->blen = fread(s->buf, 1, sizeof s->buf, s->f);
        s->bpos = 0;
        if (s->blen == 0) {
            s->io_error = ferror(s->f) != 0;
            return EOF;
        }
    }
    return s->buf[s->bpos];
}

static int js_get(jstream *s)
{
    int c = js_peek(s);
    if (c == EOF)
        return EOF;
    s->consumed++;
    if (!s->mem)
        s->bpos++;
    if (c == '\n') {
        s->line++;
        s->column = 0;
    } else if ((c & 0xC0) != 0x80) {
        s->column++;
    }
    return c;
}

static int js_skip_space(jstream *s)
{
    int c;
    while ((c = js_peek(s)) == ' ' || c == '\t' || c == '\n' || c == '\r')
        js_get(s);
    return c;
}

static size_t js_feed(void *buffer, size_t size, void *data)
{
    (void)size;
    int c = js_get(data);
    if (c == EOF)
        return 0;
    *(char *)buffer = (char)c;
    return 1;
}

/* Skips one value that is not an object (it is rejected as an element):
 * through its strings and nested brackets, up to the ',' or ']' after it. */
static void js_skip_value(jstream *s)
{
    int depth = 0, c;
    bool in_string = false;
    while ((c = js_peek(s)) != EOF) {
        if (in_string) {
            js_get(s);
            if (c == '\\')
                js_get(s);
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (depth == 0 && (c == ',' || c == ']'))
            return;
        js_get(s);
        if (c == '"')
            in_string = true;
        else if (c == '[' || c == '{')
            depth++;
        else if (c == ']' || c == '}')
            depth--;
    }
}

static void syntax_error(ib_run *run, int line, int column, const char *what)
{
    char msg[256];
    snprintf(msg, sizeof msg, "geen geldige JSON (regel %d, teken %d): %s",
             line, column, what);
    reject(run, 0, "", msg);
}

/* The error at the stream's next character, as jansson words it. */
static void unexpected(ib_run *run, jstream *s, const char *expected)
{
    int c = js_peek(s);
    char what[96];
    if (c == EOF) {
        snprintf(what, sizeof what, "%s near end of file", expected);
        syntax_error(run, s->line, s->column, what);
        return;
    }
    js_get(s);
    snprintf(what, sizeof what, "%s near '%c'", expected,
             c >= 0x20 && c < 0x7f ? c : '?');
    syntax_error(run, s->line, s->column, what);
}

/* One object from the stream; NULL (rejected) when it is not valid JSON. */
static json_t *js_object(ib_run *run, jstream *s)
{
    int line = s->line, column = s->column;
    json_error_t jerr;
    json_t *obj = json_load_callback(js_feed, s, JSON_REJECT_DUPLICATES |
                                     JSON_DISABLE_EOF_CHECK, &jerr);
    if (!obj) {
        /* jansson counts from where this object began */
        int l = line + jerr.line - 1;
        int col = jerr.line == 1 ? column + jerr.column : jerr.column;
        syntax_error(run, l, col, jerr.text);
    }
    return obj;
}

static int progress(ib_run *run, const jstream *s, bool done)
{
    uint64_t total = s->len ? s->len : s->consumed;
    return ib_run_progress(run, s->consumed, total, done);
}

/* One element (the line number of messages is its position); false when
 * the array cannot be read on (a syntax error, now rejected). */
static bool element(ib_run *run, jstream *s, long line, ib_value *v,
                    char (*scratch)[40], int *rc, ib_err *err)
{
    run->file->read++;
    if (js_peek(s) != '{') {
        if (js_peek(s) == ',' || js_peek(s) == ']' || js_peek(s) == EOF) {
            run->file->read--;
            unexpected(run, s, "unexpected token");
            return false;
        }
        js_skip_value(s);
        reject(run, line, "", "element is geen object");
        return true;
    }
    json_t *obj = js_object(run, s);
    if (!obj)
        return false;
    if (element_values(run, line, obj, v, scratch)) {
        ib_row_in in = {run->type, v, NULL, line, false};
        *rc = ib_run_row(run, &in, err);
    }
    json_decref(obj);
    return true;
}

/* Reads the array; *rc gets a storage error or a cancellation. */
static void read_array(ib_run *run, jstream *s, int *rc, ib_err *err)
{
    ib_value v[IB_COLUMNS_MAX];
    char scratch[IB_COLUMNS_MAX][40];
    int c = js_skip_space(s);
    if (c != '[') {
        if (c == EOF)
            unexpected(run, s, "'[' or '{' expected");
        else
            reject(run, 0, "", "verwacht een JSON-array van objecten");
        return;
    }
    js_get(s);
    if (js_skip_space(s) == ']') {
        js_get(s);
    } else {
        for (long line = 1;; line++) {
            js_skip_space(s);
            if (!element(run, s, line, v, scratch, rc, err) || *rc != IB_OK)
                return;
            if (progress(run, s, false)) {
                *rc = ib_err_set(err, IB_ELIMIT, "import afgebroken");
                return;
            }
            c = js_skip_space(s);
            if (c == ']') {
                js_get(s);
                break;
            }
            if (c != ',') {
                unexpected(run, s, "',' or ']' expected");
                return;
            }
            js_get(s);
        }
    }
    if (js_skip_space(s) != EOF)
        unexpected(run, s, "end of file expected");
}

static int run_stream(ib_run *run, jstream *s, ib_err *err)
{
    int rc = IB_OK;
    s->line = 1;
    read_array(run, s, &rc, err);
    if (rc == IB_OK && s->io_error)
        return ib_err_set(err, IB_EIO, "leesfout in %s", run->file->path);
    if (rc == IB_OK && progress(run, s, true))
        rc = ib_err_set(err, IB_ELIMIT, "import afgebroken");
    return rc;
}

int ib_run_json(ib_run *run, const char *data, size_t len, ib_err *err)
{
    jstream *s = calloc(1, sizeof *s);
    if (!s)
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    s->mem = data;
    s->len = len;
    int rc = run_stream(run, s, err);
    free(s);
    return rc;
}

int ib_run_json_file(ib_run *run, FILE *f, uint64_t size, ib_err *err)
{
    jstream *s = calloc(1, sizeof *s);
    if (!s)
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    s->f = f;
    s->len = size;
    int rc = run_stream(run, s, err);
    free(s);
    return rc;
}
