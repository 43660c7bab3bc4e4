/* api_exports.c — GET /api/v1/exports/{kind}: one kind of the registry as
 * one file of the exchange format (CSV, the same writer as `inbeeld
 * export`) or as an XLSX workbook of that table. Scoped exactly as the
 * list endpoint of the kind: an agency its own sender's records, a
 * caseworker the persons in its municipalities or sent by its organisation
 * (and their episodes) and the locations in its municipalities, an inspector locations there and organisations. The BSN
 * column stays empty: the API never hands out a BSN in clear. Every person
 * in a download is audited as a person-level read. */
#include "http/http_internal.h"
#include "figures/figures.h"
#include "ingest/ingest.h"

#include <stdlib.h>
#include <string.h>

typedef struct export_kind {
    const char *name;            /* path segment, as the list endpoint */
    ib_kind kind;
    bool has_persons;
} export_kind;

static const export_kind kinds[] = {
    {"persons", IB_KIND_PERSON, true},
    {"stays", IB_KIND_STAY, true},
    {"registrations", IB_KIND_REGISTRATION, true},
    {"employments", IB_KIND_EMPLOYMENT, true},
    {"housings", IB_KIND_HOUSING, true},
    {"life-events", IB_KIND_LIFE_EVENT, true},
    {"contacts", IB_KIND_CONTACT, true},
    {"organisations", IB_KIND_ORGANISATION, false},
    {"locations", IB_KIND_LOCATION, false},
};

/* ------------------------------------------------------------ scope */

/* Sorted, unique person ids. */
typedef struct id_set {
    int64_t *v;
    size_t n, cap;
} id_set;

static int id_set_add(id_set *s, int64_t id)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 256;
        int64_t *v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return IB_ENOMEM;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = id;
    return IB_OK;
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void id_set_seal(id_set *s)
{
    if (s->n)
        qsort(s->v, s->n, sizeof *s->v, cmp_id);
    size_t o = 0;
    for (size_t i = 0; i < s->n; i++)
        if (o == 0 || s->v[o - 1] != s->v[i])
            s->v[o++] = s->v[i];
    s->n = o;
}

static bool id_set_has(const id_set *s, int64_t id)
{
    return s->n > 0 && bsearch(&id, s->v, s->n, sizeof *s->v, cmp_id) != NULL;
}

typedef struct export_ctx {
    hreq *req;
    const export_kind *kind;
    bool by_municipality;        /* caseworker / inspector */
    id_set visible;              /* caseworker: the persons in scope */
    id_set exported;             /* the persons written, for the audit */
} export_ctx;

static int collect_person(void *ctx, const ib_person *p)
{
    return id_set_add(ctx, p->person_id);
}

/* The persons a caseworker may see: those of the person list's scope. */
static int load_visible(hreq *req, id_set *s, ib_err *err)
{
    ib_person_query q = {.limit = INT64_MAX};
    ib_person_scope(req, &q);
    int64_t total = 0;
    int rc = ib_store_query_persons(req->st, &q, collect_person, s, &total, err);
    if (rc == IB_ENOMEM)
        ib_err_set(err, IB_ENOMEM, "geheugen vol");
    id_set_seal(s);
    return rc;
}

/* The person a row belongs to (docs/linkage.md): for a person row its
 * person_id, not its record id, as for the episodes. */
static int64_t person_of(ib_kind kind, const void *rec)
{
    switch (kind) {
    case IB_KIND_PERSON: return ((const ib_person *)rec)->person_id;
    case IB_KIND_STAY: return ((const ib_stay *)rec)->person_id;
    case IB_KIND_REGISTRATION: return ((const ib_registration *)rec)->person_id;
    case IB_KIND_EMPLOYMENT: return ((const ib_employment *)rec)->person_id;
    case IB_KIND_HOUSING: return ((const ib_housing *)rec)->person_id;
    case IB_KIND_LIFE_EVENT: return ((const ib_life_event *)rec)->person_id;
    case IB_KIND_CONTACT: return ((const ib_contact *)rec)->person_id;
    default: return 0;
    }
}

static int keep_record(void *ctx, const void *rec, ib_err *err)
{
    export_ctx *x = ctx;
    ib_kind kind = x->kind->kind;
    if (kind == IB_KIND_LOCATION)
        return !x->by_municipality ||
               ib_user_has_municipality(&x->req->user,
                                        ((const ib_location *)rec)->municipality);
    if (!x->kind->has_persons)
        return 1;
    int64_t person = person_of(kind, rec);
    if (x->by_municipality && !id_set_has(&x->visible, person))
        return 0;
    if (id_set_add(&x->exported, person))
        return ib_err_set(err, IB_ENOMEM, "geheugen vol");
    return 1;
}

/* One read entry per person in the download. */
static int audit_persons(export_ctx *x, ib_err *err)
{
    id_set_seal(&x->exported);
    for (size_t i = 0; i < x->exported.n; i++) {
        int rc = ib_audit_request(x->req, "read", "person", x->exported.v[i],
                                  x->exported.v[i], err);
        if (rc)
            return rc;
    }
    return IB_OK;
}

/* ------------------------------------------------------------ answer */

static const export_kind *find_kind(const char *name)
{
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (strcmp(kinds[i].name, name) == 0)
            return &kinds[i];
    return NULL;
}

/* Which format: format=csv|xlsx, else the Accept header, else CSV. */
static int take_format(hreq *req, hresp *resp, bool *xlsx)
{
    const char *f = ib_query(req, "format");
    const char *acc = ib_header(req, MHD_HTTP_HEADER_ACCEPT);
    *xlsx = f ? strcmp(f, "xlsx") == 0 : acc && strstr(acc, "spreadsheetml");
    if (f && !*xlsx && strcmp(f, "csv") != 0) {
        ib_problem_bad_request(resp, "format: csv of xlsx.", "format: csv or xlsx.");
        return IB_EINVAL;
    }
    return IB_OK;
}

/* Sender (admin: sender= or every sender; agency: its own) and the
 * municipality scope of caseworkers and inspectors. */
static int scope(hreq *req, hresp *resp, export_ctx *x, ib_export_kind_opts *o,
                 ib_err *err)
{
    const char *sender = ib_query(req, "sender");
    ib_role role = req->user.role;
    if (sender && role != IB_ROLE_ADMIN) {
        ib_problem_forbidden(resp);
        return IB_EDENIED;
    }
    if (role == IB_ROLE_INSPECTOR && x->kind->has_persons) {
        ib_problem_forbidden(resp);
        return IB_EDENIED;
    }
    if (role == IB_ROLE_AGENCY)
        o->filter.sender_id = req->sender_scope;
    if (sender) {
        int rc = ib_store_sender(req->st, sender, false, &o->filter.sender_id, err);
        if (rc) {
            ib_problem_from_err(resp, err);
            return rc;
        }
    }
    x->by_municipality = role == IB_ROLE_CASEWORKER || role == IB_ROLE_INSPECTOR;
    if (role == IB_ROLE_CASEWORKER && x->kind->has_persons) {
        int rc = load_visible(req, &x->visible, err);
        if (rc) {
            ib_problem_from_err(resp, err);
            return rc;
        }
    }
    return IB_OK;
}

static int answer_file(hresp *resp, const export_kind *k, bool xlsx, char *text,
                       size_t len)
{
    const char *stem = ib_kind_file_stem(k->kind);
    if (xlsx) {
        char *book = NULL;
        size_t blen = 0;
        ib_err err;
        int rc = ib_mo_csv_to_xlsx(text, len, stem, false, &book, &blen, &err);
        free(text);
        if (rc)
            return ib_problem_from_err(resp, &err);
        text = book;
        len = blen;
    }
    free(resp->body);
    resp->body = text;
    resp->len = len;
    resp->status = 200;
    resp->content_type = xlsx ? "application/vnd.openxmlformats-officedocument."
                                "spreadsheetml.sheet"
                              : "text/csv; charset=utf-8";
    snprintf(resp->disposition, sizeof resp->disposition,
             "attachment; filename=\"%s.%s\"", stem, xlsx ? "xlsx" : "csv");
    return 0;
}

int ib_api_exports(hreq *req, hresp *resp)
{
    static const char *const params[] = {"format", "sender", "purpose", NULL};
    const export_kind *k = find_kind(req->params[0]);
    if (!k)
        return ib_problem_not_found(resp);
    bool xlsx;
    if (ib_query_only(req, resp, params) || take_format(req, resp, &xlsx))
        return 0;
    export_ctx x = {.req = req, .kind = k};
    ib_export_kind_opts o = {.keep = keep_record, .keep_ctx = &x, .omit_bsn = true};
    ib_err err;
    ib_err_clear(&err);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = NULL;
    /* One snapshot in a read transaction (no write lock): the file and the
     * persons its audit entries name; the entries are queued and the
     * answer waits for their commit. */
    int rc = ib_store_begin_read(req->st, &err);
    if (rc) {
        ib_problem_from_err(resp, &err);
        goto done;
    }
    if (scope(req, resp, &x, &o, &err)) {
        ib_request_end_read(req, IB_OK, &err);
        goto done;
    }
    if (!(mem = open_memstream(&text, &len)))
        rc = ib_err_set(&err, IB_ENOMEM, "geheugen vol");
    if (!rc)
        rc = ib_export_kind(req->st, k->kind, &o, mem, NULL, &err);
    if (mem && fclose(mem) != 0 && !rc)
        rc = ib_err_set(&err, IB_ENOMEM, "geheugen vol");
    if (!rc)
        rc = audit_persons(&x, &err);
    rc = ib_request_end_read(req, rc, &err);
    if (rc) {
        free(text);
        ib_problem_from_err(resp, &err);
        goto done;
    }
    answer_file(resp, k, xlsx, text, len);
done:
    free(x.visible.v);
    free(x.exported.v);
    return 0;
}
