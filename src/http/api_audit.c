/* api_audit.c — reading the audit log through the API: "who looked at this
 * person" for a caseworker on the person's page (the same entries as
 * `inbeeld audit show`), and the history of a user's deliveries (imports)
 * for the imports page. Reading the audit of a person is itself audited. */
#include "http/http_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct audit_ctx {
    json_t *items;              /* newest first after the scan */
    const char *action;         /* only this action, or NULL */
    const char *actor;          /* only this actor, or NULL */
} audit_ctx;

static int audit_item(void *ctx, const ib_audit_entry *e)
{
    audit_ctx *ac = ctx;
    if ((ac->action && strcmp(e->action, ac->action) != 0) ||
        (ac->actor && strcmp(e->actor, ac->actor) != 0))
        return 0;
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
    bool ok = req->user.role == IB_ROLE_ADMIN;
    int rc = ib_store_get_person_by_id(req->st, id, &p, &err);
    sodium_memzero(p.bsn, sizeof p.bsn);
    if (rc == IB_OK && req->user.role == IB_ROLE_CASEWORKER)
        rc = ib_store_person_in_municipalities(
            req->st, id, (const char(*)[7])req->user.municipalities,
            req->user.nmunicipalities, &ok, &err);
    if (rc)
        return ib_problem_from_err(resp, &err);
    if (!ok)
        return ib_problem_not_found(resp);
    audit_ctx ac = {.items = json_array()};
    rc = ib_audit_request(req, "read", "audit", id, id, &err);
    if (rc == IB_OK)
        rc = ib_store_each_audit(req->st, id, audit_item, &ac, &err);
    if (rc) {
        json_decref(ac.items);
        return ib_problem_from_err(resp, &err);
    }
    return ib_json_answer(resp, 200, newest_page(ac.items, page, size), false);
}

/* Deliveries are audited as action "import" with the file and its row count
 * in the detail (api_imports.c). An agency sees its own user's, an admin
 * everyone's. This scans the audit log, which is fine for a municipality;
 * a national deployment wants an index on action. */
int ib_api_imports_history(hreq *req, hresp *resp)
{
    static const char *const params[] = {"page", "pageSize", "purpose", NULL};
    int64_t page, size;
    if (ib_query_only(req, resp, params) || !ib_query_page(req, resp, &page, &size))
        return 0;
    char actor[80];
    snprintf(actor, sizeof actor, "user:%s", req->user.name);
    audit_ctx ac = {.items = json_array(), .action = "import",
                    .actor = req->user.role == IB_ROLE_ADMIN ? NULL : actor};
    ib_err err;
    if (ib_store_each_audit(req->st, 0, audit_item, &ac, &err) != IB_OK) {
        json_decref(ac.items);
        return ib_problem_from_err(resp, &err);
    }
    return ib_json_answer(resp, 200, newest_page(ac.items, page, size), false);
}
