/* report.c — the import report: its bookkeeping and the three writers,
 * text for a clerk (Dutch), JSON for the API and CSV for a spreadsheet. */
#include "ingest/csv.h"
#include "ingest/ingest_internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

void ib_import_report_init(ib_import_report *rep)
{
    memset(rep, 0, sizeof *rep);
}

void ib_import_report_free(ib_import_report *rep)
{
    if (!rep)
        return;
    for (size_t i = 0; i < rep->nfiles; i++) {
        free(rep->files[i].path);
        free(rep->files[i].rejections);
        free(rep->files[i].warnings);
    }
    free(rep->files);
    memset(rep, 0, sizeof *rep);
}

ib_import_file_report *ib_report_add_file(ib_import_report *rep,
                                          const char *path, ib_kind kind,
                                          bool json)
{
    ib_import_file_report *files =
        realloc(rep->files, (rep->nfiles + 1) * sizeof *files);
    if (!files)
        return NULL;
    rep->files = files;
    ib_import_file_report *f = &files[rep->nfiles];
    memset(f, 0, sizeof *f);
    f->path = strdup(path ? path : "");
    if (!f->path)
        return NULL;
    ib_sanitise_utf8(f->path);
    f->kind = kind;
    f->json = json;
    f->status = IB_FILE_PENDING;
    rep->nfiles++;
    return f;
}

void ib_import_report_totals(const ib_import_report *rep,
                             ib_import_file_report *t)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < rep->nfiles; i++) {
        const ib_import_file_report *f = &rep->files[i];
        t->read += f->read;
        t->inserted += f->inserted;
        t->updated += f->updated;
        t->unchanged += f->unchanged;
        t->rejected += f->rejected;
        t->rejections_omitted += f->rejections_omitted;
    }
}

static const char *status_name(ib_file_status s)
{
    static const char *const names[] = {"pending", "committed", "partial",
                                        "rejected", "checked", "failed"};
    return (unsigned)s < sizeof names / sizeof *names ? names[s] : "?";
}

/* ------------------------------------------------------------ text */

static const char *plural(int64_t n, const char *one, const char *more)
{
    return n == 1 ? one : more;
}

static void text_counts(FILE *out, const ib_import_file_report *f,
                        bool dry_run)
{
    fprintf(out, "%lld %s gelezen", (long long)f->read,
            f->json ? plural(f->read, "element", "elementen")
                    : plural(f->read, "regel", "regels"));
    /* a check without a database has no store outcome to tell */
    if (f->status == IB_FILE_COMMITTED || f->status == IB_FILE_PARTIAL ||
        (f->status == IB_FILE_CHECKED && dry_run))
        fprintf(out, ": %lld nieuw, %lld gewijzigd, %lld ongewijzigd",
                (long long)f->inserted, (long long)f->updated,
                (long long)f->unchanged);
    if (f->rejected)
        fprintf(out, ", %lld afgewezen", (long long)f->rejected);
}

static void text_file_line(FILE *out, const ib_import_file_report *f,
                           bool dry_run)
{
    fprintf(out, "%s: ", f->path);
    switch (f->status) {
    case IB_FILE_PENDING:
        fprintf(out, "niet ingelezen (import afgebroken)\n");
        return;
    case IB_FILE_FAILED:
        fprintf(out, "afgebroken: %s; niets opgeslagen\n", f->failure);
        return;
    case IB_FILE_COMMITTED:
        fprintf(out, "opgeslagen — ");
        break;
    case IB_FILE_PARTIAL:
        fprintf(out, "deels opgeslagen — ");
        break;
    case IB_FILE_REJECTED:
        fprintf(out, "afgewezen — ");
        break;
    case IB_FILE_CHECKED:
        fprintf(out, "%s — ", dry_run ? "gecontroleerd (proefimport)"
                                      : "gecontroleerd");
        break;
    }
    text_counts(out, f, dry_run);
    if (f->status == IB_FILE_REJECTED || f->status == IB_FILE_CHECKED)
        fprintf(out, "; niets opgeslagen");
    fputc('\n', out);
}

static void text_rejection(FILE *out, const ib_import_file_report *f,
                           const ib_import_rejection *r)
{
    fputs("  ", out);
    if (r->line > 0)
        fprintf(out, "%s %ld", f->json ? "element" : "regel", r->line);
    if (r->column > 0)
        fprintf(out, "%skolom %d", r->line > 0 ? ", " : "", r->column);
    if (r->field[0])
        fprintf(out, "%s(%s)", r->line > 0 || r->column > 0 ? " " : "",
                r->field);
    fprintf(out, "%s%s\n", r->line > 0 || r->column > 0 || r->field[0]
                               ? ": " : "", r->msg);
}

int ib_import_report_write_text(const ib_import_report *rep, FILE *out)
{
    for (size_t i = 0; i < rep->nfiles; i++) {
        const ib_import_file_report *f = &rep->files[i];
        text_file_line(out, f, rep->dry_run);
        for (size_t k = 0; k < f->nrejections; k++)
            text_rejection(out, f, &f->rejections[k]);
        for (size_t k = 0; k < f->nwarnings; k++) {
            ib_import_rejection w = f->warnings[k];
            char msg[sizeof w.msg];
            snprintf(msg, sizeof msg, "waarschuwing: %s", w.msg);
            ib_strlcpy(w.msg, msg, sizeof w.msg);
            text_rejection(out, f, &w);
        }
        if (f->warnings_omitted)
            fprintf(out, "  ... en nog %lld %s (niet getoond)\n",
                    (long long)f->warnings_omitted,
                    plural(f->warnings_omitted, "waarschuwing", "waarschuwingen"));
        if (f->rejections_omitted)
            fprintf(out, "  ... en nog %lld afgewezen %s (niet getoond)\n",
                    (long long)f->rejections_omitted,
                    f->json ? plural(f->rejections_omitted, "element",
                                     "elementen")
                            : plural(f->rejections_omitted, "regel", "regels"));
    }
    ib_import_file_report t;
    ib_import_report_totals(rep, &t);
    fprintf(out, "totaal: %zu %s, %lld %s gelezen, %lld nieuw, %lld gewijzigd, "
            "%lld ongewijzigd, %lld afgewezen\n", rep->nfiles,
            plural((int64_t)rep->nfiles, "bestand", "bestanden"),
            (long long)t.read, plural(t.read, "regel", "regels"),
            (long long)t.inserted, (long long)t.updated,
            (long long)t.unchanged, (long long)t.rejected);
    return ferror(out) ? IB_EIO : IB_OK;
}

/* ------------------------------------------------------------ JSON */

static json_t *json_rejection(const ib_import_rejection *r)
{
    return json_pack("{s:I, s:i, s:s, s:s}", "line", (json_int_t)r->line,
                     "column", r->column, "field", r->field, "message",
                     r->msg);
}

static json_t *json_counts(const ib_import_file_report *f)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:I}", "read", (json_int_t)f->read,
                     "inserted", (json_int_t)f->inserted, "updated",
                     (json_int_t)f->updated, "unchanged",
                     (json_int_t)f->unchanged, "rejected",
                     (json_int_t)f->rejected);
}

static json_t *json_file(const ib_import_file_report *f)
{
    json_t *o = json_counts(f), *list = json_array();
    if (!o || !list)
        goto fail;
    if (json_object_set_new(o, "file", json_string(f->path)) ||
        json_object_set_new(o, "kind",
                            json_string(ib_kind_file_stem(f->kind))) ||
        json_object_set_new(o, "format", json_string(f->json ? "json" : "csv")) ||
        json_object_set_new(o, "status", json_string(status_name(f->status))) ||
        json_object_set_new(o, "rejections_omitted",
                            json_integer(f->rejections_omitted)))
        goto fail;
    if (f->status == IB_FILE_FAILED &&
        json_object_set_new(o, "failure", json_string(f->failure)))
        goto fail;
    for (size_t k = 0; k < f->nrejections; k++)
        if (json_array_append_new(list, json_rejection(&f->rejections[k])))
            goto fail;
    if (json_object_set_new(o, "rejections", list))
        goto fail_o;
    json_t *warnings = json_array();
    for (size_t k = 0; warnings && k < f->nwarnings; k++)
        if (json_array_append_new(warnings, json_rejection(&f->warnings[k]))) {
            json_decref(warnings);
            warnings = NULL;
        }
    if (!warnings || json_object_set_new(o, "warnings", warnings) ||
        json_object_set_new(o, "warnings_omitted", json_integer(f->warnings_omitted)))
        goto fail_o;
    return o;
fail:
    json_decref(list);
fail_o:
    json_decref(o);
    return NULL;
}

int ib_import_report_write_json(const ib_import_report *rep, FILE *out)
{
    json_t *root = json_object(), *files = json_array();
    int rc = IB_ENOMEM;
    bool ok = true;
    if (!root || !files)
        goto done;
    for (size_t i = 0; i < rep->nfiles; i++) {
        const ib_import_file_report *f = &rep->files[i];
        ok = ok && f->rejected == 0 && f->status != IB_FILE_FAILED &&
             f->status != IB_FILE_PENDING;
        if (json_array_append_new(files, json_file(f)))
            goto done;
    }
    ib_import_file_report t;
    ib_import_report_totals(rep, &t);
    if (json_object_set_new(root, "ok", json_boolean(ok)) ||
        json_object_set_new(root, "dry_run", json_boolean(rep->dry_run)) ||
        json_object_set(root, "files", files) ||
        json_object_set_new(root, "totals", json_counts(&t)))
        goto done;
    rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) ||
                 fputc('\n', out) == EOF
             ? IB_EIO
             : IB_OK;
done:
    json_decref(files);
    json_decref(root);
    return rc;
}

/* ------------------------------------------------------------ CSV */

/* The report is a table for people, opened in a spreadsheet: its cells
 * (messages quote the rejected values) are guarded against formulas. */
static void write_report_row(FILE *out, const char *const row[5])
{
    for (int i = 0; i < 5; i++) {
        if (i > 0)
            fputc(',', out);
        ib_csv_put_field(out, row[i]);
    }
    fputc('\n', out);
}

int ib_import_report_write_csv(const ib_import_report *rep, FILE *out)
{
    static const char *const header[] = {"file", "line", "column", "field",
                                         "message"};
    write_report_row(out, header);
    for (size_t i = 0; i < rep->nfiles; i++) {
        const ib_import_file_report *f = &rep->files[i];
        char line[24], col[16];
        if (f->status == IB_FILE_FAILED) {
            const char *row[] = {f->path, "", "", "", f->failure};
            write_report_row(out, row);
        }
        for (size_t k = 0; k < f->nrejections; k++) {
            const ib_import_rejection *r = &f->rejections[k];
            snprintf(line, sizeof line, "%ld", r->line);
            snprintf(col, sizeof col, "%d", r->column);
            const char *row[] = {f->path, line, col, r->field, r->msg};
            write_report_row(out, row);
        }
    }
    return ferror(out) ? IB_EIO : IB_OK;
}
