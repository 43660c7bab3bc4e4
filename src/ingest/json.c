/* json.c — the JSON driver of an import run: an array of objects whose keys
 * are the CSV column names. Values are strings, numbers (written as the
 * exchange format's text) or null (empty), then go through the same row
 * step as CSV rows, so validation and messages are the same; the "line" of
 * a rejection is the 1-based element number. */
#include "ingest/ingest_internal.h"

#include <jansson.h>
#include <math.h>
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

int ib_run_json(ib_run *run, const char *data, size_t len, ib_err *err)
{
    json_error_t jerr;
    char msg[256];
    json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        snprintf(msg, sizeof msg, "geen geldige JSON (regel %d, teken %d): %s",
                 jerr.line, jerr.column, jerr.text);
        reject(run, 0, "", msg);
        return IB_OK;
    }
    if (!json_is_array(root)) {
        reject(run, 0, "", "verwacht een JSON-array van objecten");
        json_decref(root);
        return IB_OK;
    }
    ib_value v[IB_COLUMNS_MAX];
    char scratch[IB_COLUMNS_MAX][40];
    ib_row_in in = {run->type, v, NULL, 0, false};
    size_t i;
    json_t *el;
    int rc = IB_OK;
    json_array_foreach(root, i, el) {
        long line = (long)i + 1;
        run->file->read++;
        if (!json_is_object(el))
            reject(run, line, "", "element is geen object");
        else if (element_values(run, line, el, v, scratch)) {
            in.line = line;
            if ((rc = ib_run_row(run, &in, err)) != IB_OK)
                break;
        }
        if (ib_run_progress(run, (uint64_t)(i + 1), json_array_size(root),
                            false)) {
            rc = ib_err_set(err, IB_ELIMIT, "import afgebroken");
            break;
        }
    }
    if (rc == IB_OK && ib_run_progress(run, json_array_size(root),
                                       json_array_size(root), true))
        rc = ib_err_set(err, IB_ELIMIT, "import afgebroken");
    json_decref(root);
    return rc;
}
