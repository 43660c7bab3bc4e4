/* header.c — matching a file's header line to the columns of its kind: by
 * name, in any order, ASCII case-insensitive. Unknown, duplicate and empty
 * names and missing required columns are reported, each with its place. */
#include "ingest/ingest_internal.h"

#include <stdio.h>
#include <string.h>

static void column_list(const ib_record_type *t, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < t->ncolumns; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
                         t->columns[i].name);
        if (n < 0 || (size_t)n >= size - used)
            return;
        used += (size_t)n;
    }
}

static void problem(ib_reject_fn reject, void *ctx, long line, int column,
                    const char *field, const char *msg)
{
    ib_err e;
    ib_err_clear(&e);
    e.code = IB_EINVAL;
    e.line = line;
    e.column = column;
    ib_strlcpy(e.field, field, sizeof e.field);
    ib_strlcpy(e.msg, msg, sizeof e.msg);
    reject(ctx, &e);
}

int ib_header_match(const ib_record_type *t, const ib_value *names, int n,
                    long line, ib_header *h, ib_reject_fn reject, void *ctx)
{
    char msg[512], shown[64], list[200];
    int problems = 0;
    h->ncols = n;
    for (int c = 0; c < IB_COLUMNS_MAX; c++) {
        h->field_of[c] = -1;
        h->position[c] = 0;
        h->column_at[c] = -1;
    }
    for (int i = 0; i < n; i++) {
        const ib_value *v = &names[i];
        ib_show(v->s, v->len, shown, sizeof shown);
        int c = ib_record_column(t, v->s, v->len);
        if (v->len == 0) {
            snprintf(msg, sizeof msg, "kolomnaam is leeg");
        } else if (c < 0) {
            column_list(t, list, sizeof list);
            snprintf(msg, sizeof msg, "onbekende kolom '%s'; verwacht: %s",
                     shown, list);
        } else if (h->field_of[c] >= 0) {
            snprintf(msg, sizeof msg, "kolom '%s' komt twee keer voor (ook "
                     "kolom %d)", t->columns[c].name, h->position[c]);
        } else {
            h->field_of[c] = i;
            h->position[c] = i + 1;
            if (i < IB_COLUMNS_MAX)
                h->column_at[i] = c;
            continue;
        }
        problem(reject, ctx, line, i + 1, c >= 0 ? t->columns[c].name : shown,
                msg);
        problems++;
    }
    for (int c = 0; c < t->ncolumns; c++) {
        if (!t->columns[c].required || h->field_of[c] >= 0)
            continue;
        snprintf(msg, sizeof msg, "verplichte kolom '%s' ontbreekt",
                 t->columns[c].name);
        problem(reject, ctx, line, 0, t->columns[c].name, msg);
        problems++;
    }
    return problems;
}
