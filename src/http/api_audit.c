/* api_audit.c — reading the audit log through the API: "who looked at this
 * person" for a caseworker on the person's page (the same entries as
 * `inbeeld audit show`), and the history of an organisation's deliveries
 * (imports) for the imports page. Reading the audit of a person is itself
 * audited. */
#include "http/http_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct audit_ctx {
    json_t *items;              /* oldest first; newest_page() reverses */
} audit_ctx;

static int audit_item(void *ctx, const ib_audit_entry *e)
{
    audit_ctx *ac = ctx;
    json_array_append_new(ac->items,
                          json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)e->id,
                                    "at", e->at, "actor", e->actor, "action", e->action,
                                    "entity", e->entity, "detail", e->detail));
    return 0;
}

/* The page [skip, skip+take) of items taken from the end (newest first). */
static json_t *newest_page(json_t *items, int64_t page, int64_t size)
{
    json_t *out = json_array();
    int64_t n = (int64_t)json_array_size(items);
    for (int64_t i = (page - 1) * size; i < page * size && i < n; i++)
        json_array_append(out, json_array_get(items, (size_t)(n - 1 - i)));
    json_t *o = json_pack("{s:o, s:I, s:I, s:I}", "items", out, "page", (json_int_t)page,
                          "pageSize", (json_int_t)size, "total", (json_int_t)n);
    json_decref(items);
    return o;
}

int ib_api_person_audit(hreq *req, hresp *resp)
{
    static const char *const params[] = {"page", "pageSize", "purpose", NULL};
    int64_t page, size, id;
    if (ib_query_only(req, resp, params) || !ib_query_page(req, resp, &page, &size))
        return 0;
    if (!ib_http_parse_id(req->params[0], &id))
        return ib_problem_not_found(resp);
    ib_person p;
    ib_err err;
    bool ok = false;
    int rc = ib_store_get_person_by_id(req->st, id, &p, &err);
    sodium_memzero(p.bsn, sizeof p.bsn);
    if (rc == IB_OK)
        rc = ib_person_visible(req, &p, &ok, &err);
    if (rc)
        return ib_problem_from_err(resp, &err);
    if (!ok)
        return ib_problem_not_found(resp);
    /* An id absorbed by a link answers for the person it joined, as the
     * person page does (ib_store_get_person_by_id follows it). */
    id = p.person_id;
    audit_ctx ac = {.items = json_array()};
    rc = ib_audit_request(req, "read", "audit", id, id, &err);
    if (rc == IB_OK)            /* the list shows this very look */
        rc = ib_audit_request_flush(req, &err);
    if (rc == IB_OK)
        rc = ib_store_each_audit(req->st, id, audit_item, &ac, &err);
    if (rc) {
        json_decref(ac.items);
        return ib_problem_from_err(resp, &err);
    }
    return ib_json_answer(resp, 200, newest_page(ac.items, page, size), false);
}

/* A delivery leaves two audit entries: the store's, written inside the
 * import's transaction when rows were stored ("persons.csv (afzender X): 3
 * gelezen, 3 nieuw, ..."), and the API's, written for every request that
 * was not a dry run ("POST /api/v1/imports; doel: persons.csv 3 rijen").
 * The history pairs them: an API entry right after the store's entry of the
 * same user and kind was stored; one without it was rejected (nothing
 * stored). A store entry without an API entry is a delivery by the CLI. */
typedef struct delivery_ctx {
    json_t *items;
    json_t *actors;             /* only these actors (keys "user:NAME"), or NULL */
    ib_audit_entry pending;     /* a store entry not yet paired */
    bool has_pending;
} delivery_ctx;

static json_t *delivery_json(const ib_audit_entry *e, const char *detail, bool stored,
                             const char *result)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:o}", "id", (json_int_t)e->id, "at",
                     e->at, "actor", e->actor, "kind", e->entity, "detail", detail, "stored",
                     stored, "result", result ? json_string(result) : json_null());
}

/* The store's entry "persons.csv (afzender X): 3 gelezen, ..." as the file
 * and sender (file, size) and the counts (*counts); the whole as the file
 * when it has no ": ". */
static void split_store_detail(const char *detail, char *file, size_t size,
                               const char **counts)
{
    const char *colon = strstr(detail, "): ");
    size_t n = colon ? (size_t)(colon - detail) + 1 : strlen(detail);
    snprintf(file, size, "%.*s", (int)n, detail);
    *counts = colon ? colon + 3 : NULL;
}

/* A delivery by the CLI: only the store's entry. */
static void flush_pending(delivery_ctx *dc)
{
    if (dc->has_pending) {
        char file[sizeof dc->pending.detail];
        const char *counts;
        split_store_detail(dc->pending.detail, file, sizeof file, &counts);
        json_array_append_new(dc->items, delivery_json(&dc->pending, file, true, counts));
    }
    dc->has_pending = false;
}

static int delivery_item(void *ctx, const ib_audit_entry *e)
{
    delivery_ctx *dc = ctx;
    if (strcmp(e->action, "import") != 0 ||
        (dc->actors && !json_object_get(dc->actors, e->actor)))
        return 0;
    if (strncmp(e->detail, "POST ", 5) != 0) {      /* the store's entry */
        flush_pending(dc);
        dc->pending = *e;
        dc->has_pending = true;
        return 0;
    }
    bool paired = dc->has_pending && dc->pending.id == e->id - 1 &&
                  strcmp(dc->pending.actor, e->actor) == 0 &&
                  strcmp(dc->pending.entity, e->entity) == 0;
    if (!paired)
        flush_pending(dc);
    const char *purpose = strstr(e->detail, "doel: ");
    char file[sizeof dc->pending.detail];
    const char *counts = NULL;
    if (paired)
        split_store_detail(dc->pending.detail, file, sizeof file, &counts);
    json_array_append_new(dc->items,
                          delivery_json(e, purpose ? purpose + 6 : e->detail, paired, counts));
    if (paired)
        dc->has_pending = false;
    return 0;
}

/* The actors of one organisation's users ("user:NAME"), as a set. */
typedef struct org_ctx {
    const char *organisation;
    json_t *actors;
} org_ctx;

static int org_user(void *ctx, const ib_user *u)
{
    org_ctx *oc = ctx;
    char actor[80];
    if (strcmp(u->organisation, oc->organisation) != 0)
        return 0;
    snprintf(actor, sizeof actor, "user:%s", u->name);
    return json_object_set_new(oc->actors, actor, json_true()) ? IB_ENOMEM : 0;
}

/* An agency or a caseworker sees the deliveries of its organisation's users
 * (the records they deliver are the organisation's), an admin everyone's.
 * This scans the audit log, which is fine for a municipality; a national
 * deployment wants an index on action. */
int ib_api_imports_history(hreq *req, hresp *resp)
{
    static const char *const params[] = {"page", "pageSize", "purpose", NULL};
    int64_t page, size;
    if (ib_query_only(req, resp, params) || !ib_query_page(req, resp, &page, &size))
        return 0;
    delivery_ctx dc = {.items = json_array()};
    org_ctx oc = {req->user.organisation, NULL};
    ib_err err;
    int rc = IB_OK;
    if (req->user.role != IB_ROLE_ADMIN) {
        dc.actors = oc.actors = json_object();
        rc = ib_user_each(req->st, org_user, &oc, &err);
        if (rc == IB_ENOMEM)
            ib_err_set(&err, IB_ENOMEM, "geheugen vol");
    }
    if (rc == IB_OK)
        rc = ib_store_each_audit_change(req->st, 0, delivery_item, &dc, &err);
    json_decref(dc.actors);
    if (rc != IB_OK) {
        json_decref(dc.items);
        return ib_problem_from_err(resp, &err);
    }
    flush_pending(&dc);
    return ib_json_answer(resp, 200, newest_page(dc.items, page, size), false);
}
