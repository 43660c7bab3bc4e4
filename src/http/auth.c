/* auth.c — who is asking: a Bearer API token in the Authorization header,
 * or the session cookie set at login; the user must exist and not be
 * disabled. An agency is scoped to the sender of its organisation. */
#include "http/http_internal.h"

#include <string.h>
#include <time.h>

/* The value of cookie `name` in a Cookie header, copied into out. */
static bool cookie_value(const char *header, const char *name, char *out, size_t size)
{
    size_t nlen = strlen(name);
    for (const char *p = header; p && *p;) {
        while (*p == ' ' || *p == ';')
            p++;
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
            size_t vlen = len - nlen - 1;
            if (vlen >= size)
                return false;
            memcpy(out, p + nlen + 1, vlen);
            out[vlen] = '\0';
            return true;
        }
        p = end;
    }
    return false;
}

static int load_user(hreq *req, int64_t user_id, ib_err *err)
{
    int rc = ib_user_get_by_id(req->st, user_id, &req->user, err);
    if (rc == IB_ENOTFOUND || (rc == IB_OK && req->user.disabled)) {
        req->auth = IB_AUTH_NONE;
        ib_err_clear(err);
        return IB_OK;
    }
    if (rc)
        return rc;
    req->sender_scope = 0;
    if (req->user.role == IB_ROLE_AGENCY || req->user.role == IB_ROLE_CASEWORKER) {
        int64_t id = 0;
        rc = ib_store_sender(req->st, req->user.organisation, false, &id, err);
        if (rc == IB_ENOTFOUND) {
            id = -1;                   /* nothing delivered yet: sees nothing */
            ib_err_clear(err);
        } else if (rc) {
            return rc;
        }
        req->sender_scope = id;
    }
    return IB_OK;
}

static int identify(hreq *req, ib_err *err)
{
    req->auth = IB_AUTH_NONE;
    const char *authz = ib_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
    if (authz && strncmp(authz, "Bearer ", 7) == 0) {
        ib_api_token t;
        int rc = ib_api_token_find(req->st, authz + 7, &t, err);
        if (rc == IB_ENOTFOUND) {
            ib_err_clear(err);
            return IB_OK;
        }
        if (rc)
            return rc;
        req->auth = IB_AUTH_TOKEN;
        return load_user(req, t.user_id, err);
    }
    const char *cookies = ib_header(req, MHD_HTTP_HEADER_COOKIE);
    if (!cookies || !cookie_value(cookies, IB_HTTP_SESSION_COOKIE, req->session_token,
                                  sizeof req->session_token))
        return IB_OK;
    int rc = ib_session_find(req->st, req->session_token, (int64_t)time(NULL),
                             &req->session, err);
    if (rc == IB_ENOTFOUND) {
        ib_err_clear(err);
        return IB_OK;
    }
    if (rc)
        return rc;
    req->auth = IB_AUTH_SESSION;
    return load_user(req, req->session.user_id, err);
}

/* The token or session, the user and the sender in one read transaction:
 * one read lock and one look at the log instead of three (after any commit
 * of another connection each look discards the connection's page cache). */
int ib_auth_identify(hreq *req, ib_err *err)
{
    if (ib_store_in_transaction(req->st) || ib_store_in_read(req->st))
        return identify(req, err);
    int rc = ib_store_begin_read(req->st, err);
    if (rc == IB_OK)
        rc = identify(req, err);
    ib_err end_err;
    int end = ib_store_in_read(req->st) ? ib_store_end_read(req->st, &end_err) : IB_OK;
    if (rc == IB_OK && end != IB_OK) {
        *err = end_err;
        rc = end;
    }
    return rc;
}
