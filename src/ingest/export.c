/* export.c — the registry written back in the exchange format, one folder
 * per sender with every kind's file, so that importing a folder with
 * --sender <folder name> reproduces the same content (and exporting again
 * gives the same bytes); and one kind as one file, narrowed to a scope (the
 * API's downloads). */
#include "ingest/csv.h"
#include "ingest/ingest_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct sender {
    int64_t id;
    char *ref;
} sender;

typedef struct sender_list {
    sender *v;
    size_t n, cap;
    int64_t only;               /* 0: all */
    bool nomem;
} sender_list;

static int collect_sender(void *ctx, int64_t id, const char *ref)
{
    sender_list *l = ctx;
    if (l->only && id != l->only)
        return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        sender *v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            l->nomem = true;
            return 1;
        }
        l->v = v;
        l->cap = cap;
    }
    if (!(l->v[l->n].ref = strdup(ref))) {
        l->nomem = true;
        return 1;
    }
    l->v[l->n++].id = id;
    return 0;
}

static void senders_free(sender_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].ref);
    free(l->v);
}

/* A sender ref as one safe folder name: '/', '\\', '%', control bytes and
 * a leading '.' become %XX. */
static void folder_name(const char *ref, char *out, size_t size)
{
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)ref;
         *p && o + 4 < size; p++) {
        bool esc = *p == '/' || *p == '\\' || *p == '%' || *p < 0x20 ||
                   *p == 0x7F || (p == (const unsigned char *)ref && *p == '.');
        if (esc)
            o += (size_t)snprintf(out + o, size - o, "%%%02X", *p);
        else
            out[o++] = (char)*p;
    }
    out[o] = '\0';
    if (o == 0)
        snprintf(out, size, "%%00");
}

static int make_dir(const char *path, ib_err *err)
{
    /* the folders hold personal data, BSNs in clear: the owner's only */
    if (mkdir(path, 0700) == 0 || errno == EEXIST)
        return IB_OK;
    return ib_err_set(err, IB_EIO, "kan map %s niet maken: %s", path,
                      strerror(errno));
}

typedef struct writer {
    FILE *f;
    const ib_record_type *type;
    int64_t rows;
} writer;

static int write_record(void *ctx, const void *rec)
{
    writer *w = ctx;
    ib_fmt_buf buf;
    const char *fields[IB_COLUMNS_MAX];
    w->type->format(rec, &buf, fields);
    if (ib_csv_write_row(w->f, fields, w->type->ncolumns, ',') != IB_OK)
        return IB_EIO;
    w->rows++;
    return 0;
}

static int write_kind(ib_store *st, const char *folder, int64_t sender_id,
                      const ib_record_type *t, int64_t *rows, ib_err *err)
{
    char path[4200];
    const char *header[IB_COLUMNS_MAX];
    int n = snprintf(path, sizeof path, "%s/%s.csv", folder,
                     ib_kind_file_stem(t->kind));
    if (n < 0 || (size_t)n >= sizeof path)
        return ib_err_set(err, IB_EINVAL, "pad te lang: %s", folder);
    writer w = {ib_fopen_private(path), t, 0};
    if (!w.f)
        return ib_err_set(err, IB_EIO, "kan %s niet schrijven: %s", path,
                          strerror(errno));
    for (int c = 0; c < t->ncolumns; c++)
        header[c] = t->columns[c].name;
    int rc = ib_csv_write_row(w.f, header, t->ncolumns, ',');
    if (rc == IB_OK) {
        ib_filter f = {sender_id, 0, 0};
        ib_err_clear(err);
        rc = t->each(st, &f, write_record, &w, err);
        if (rc == IB_EIO && !err->msg[0])
            ib_err_set(err, IB_EIO, "kan %s niet schrijven", path);
    }
    if (fclose(w.f) != 0 && rc == IB_OK)
        rc = ib_err_set(err, IB_EIO, "kan %s niet schrijven: %s", path,
                        strerror(errno));
    *rows = w.rows;
    return rc;
}

static int export_sender(ib_store *st, const char *dir, const sender *s,
                         ib_export_summary *sum, ib_err *err)
{
    char name[IB_REF_MAX * 3 + 8], folder[4096];
    folder_name(s->ref, name, sizeof name);
    int n = snprintf(folder, sizeof folder, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof folder)
        return ib_err_set(err, IB_EINVAL, "pad te lang: %s", dir);
    int rc = make_dir(folder, err);
    for (int k = 0; rc == IB_OK && k < IB_KIND_COUNT; k++) {
        int64_t rows = 0;
        rc = write_kind(st, folder, s->id, ib_record_type_of((ib_kind)k),
                        &rows, err);
        sum->rows[k] += rows;
    }
    if (rc == IB_OK)
        sum->senders++;
    return rc;
}

int ib_export(ib_store *st, const char *dir, int64_t sender_id,
              ib_export_summary *sum, ib_err *err)
{
    ib_export_summary local;
    sender_list l = {NULL, 0, 0, sender_id, false};
    if (!sum)
        sum = &local;
    memset(sum, 0, sizeof *sum);
    ib_err_clear(err);
    int rc = make_dir(dir, err);
    if (rc == IB_OK)
        rc = ib_store_each_sender(st, collect_sender, &l, err);
    if (l.nomem)
        rc = ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    if (rc == IB_OK && sender_id && l.n == 0)
        rc = ib_err_set(err, IB_ENOTFOUND, "afzender %lld bestaat niet",
                        (long long)sender_id);
    for (size_t i = 0; rc == IB_OK && i < l.n; i++)
        rc = export_sender(st, dir, &l.v[i], sum, err);
    senders_free(&l);
    return rc;
}

/* ------------------------------------------------------------ one kind */

typedef struct kind_writer {
    writer w;
    const ib_export_kind_opts *o;
    ib_err *err;
} kind_writer;

static int write_selected(void *ctx, const void *rec)
{
    kind_writer *kw = ctx;
    const ib_export_kind_opts *o = kw->o;
    if (o->keep) {
        int keep = o->keep(o->keep_ctx, rec, kw->err);
        if (keep <= 0)
            return keep;
    }
    if (o->omit_bsn && kw->w.type->kind == IB_KIND_PERSON) {
        ib_person p = *(const ib_person *)rec;
        p.bsn[0] = '\0';
        int rc = write_record(&kw->w, &p);
        memset(&p, 0, sizeof p);
        return rc;
    }
    return write_record(&kw->w, rec);
}

int ib_export_kind(ib_store *st, ib_kind kind, const ib_export_kind_opts *o,
                   FILE *out, int64_t *rows, ib_err *err)
{
    const ib_record_type *t = ib_record_type_of(kind);
    const char *header[IB_COLUMNS_MAX];
    for (int c = 0; c < t->ncolumns; c++)
        header[c] = t->columns[c].name;
    kind_writer kw = {{out, t, 0}, o, err};
    ib_err_clear(err);
    int rc = ib_csv_write_row(out, header, t->ncolumns, ',');
    if (rc == IB_OK)
        rc = t->each(st, &o->filter, write_selected, &kw, err);
    if (rc == IB_EIO && !err->msg[0])
        ib_err_set(err, IB_EIO, "kan %s niet schrijven", ib_kind_file_stem(kind));
    if (rows)
        *rows = kw.w.rows;
    return rc;
}
