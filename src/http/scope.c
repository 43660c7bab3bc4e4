/* scope.c — which persons and locations a user may see, one rule for every
 * endpoint that shows them (the person list and page, the episodes, the
 * audit of a person, the exports): an administrator everything; an agency
 * what its organisation sent; a caseworker the persons in its
 * municipalities and those its own organisation sent, and the locations in
 * its municipalities; an inspector the locations in its municipalities;
 * an analyst no records. */
#include "http/http_internal.h"

bool ib_person_scope(const hreq *req, ib_person_query *q)
{
    switch (req->user.role) {
    case IB_ROLE_ADMIN:
        return true;
    case IB_ROLE_AGENCY:
        q->sender_id = req->sender_scope;
        return true;
    case IB_ROLE_CASEWORKER:
        q->municipalities = (const char(*)[7])req->user.municipalities;
        q->nmunicipalities = req->user.nmunicipalities;
        q->scope_sender_id = req->sender_scope;
        return true;
    default:
        return false;
    }
}

int ib_person_visible(hreq *req, const ib_person *p, bool *ok, ib_err *err)
{
    *ok = false;
    ib_person_query q = {.person_id = p->person_id};
    if (!ib_person_scope(req, &q))
        return IB_OK;
    if (req->user.role == IB_ROLE_ADMIN) {
        *ok = true;
        return IB_OK;
    }
    /* The sender decides for an agency, and settles it for a caseworker's
     * own organisation without asking the store. */
    if (p->meta.sender_id == req->sender_scope) {
        *ok = true;
        return IB_OK;
    }
    /* A person is all its records (docs/linkage.md): an agency sees it
     * when one of them is its own, a caseworker when one lies in scope. */
    int64_t total = 0;
    int rc = ib_store_query_persons(req->st, &q, NULL, NULL, &total, err);
    *ok = rc == IB_OK && total > 0;
    return rc;
}

bool ib_location_visible(const hreq *req, const ib_location *l)
{
    switch (req->user.role) {
    case IB_ROLE_ADMIN:
        return true;
    case IB_ROLE_AGENCY:
        return l->meta.sender_id == req->sender_scope;
    case IB_ROLE_CASEWORKER:
    case IB_ROLE_INSPECTOR:
        return ib_user_has_municipality(&req->user, l->municipality);
    default:
        return false;
    }
}
