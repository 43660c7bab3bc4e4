/* api_session.c — logging in and out (session cookie plus CSRF token), who
 * am I, and the user's own long-lived API tokens (shown once, stored
 * hashed, revocable). Also /healthz and the OpenAPI document. */
#include "http/http_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const only_purpose[] = {"purpose", NULL};
static const char *const no_params[] = {NULL};

json_t *ib_api_user_json(const ib_user *u)
{
    json_t *munis = json_array();
    for (int i = 0; i < u->nmunicipalities; i++)
        json_array_append_new(munis, json_string(u->municipalities[i]));
    return json_pack("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)u->id, "name",
                     u->name, "role", ib_code_text(ib_role_codes, (int)u->role),
                     "organisation", u->organisation, "municipalities", munis);
}

int ib_api_healthz(hreq *req, hresp *resp)
{
    if (ib_query_only(req, resp, no_params))
        return 0;
    return ib_json_answer(resp, 200,
                          json_pack("{s:s, s:i}", "status", "ok", "schema",
                                    ib_store_schema_version(req->st)),
                          false);
}

int ib_api_openapi(hreq *req, hresp *resp)
{
    if (ib_query_only(req, resp, no_params))
        return 0;
    char *copy = malloc(ib_openapi_json_len + 1);
    if (!copy)
        return ib_problem(resp, 503, "Tijdelijk niet beschikbaar",
                          "Temporarily unavailable", NULL, NULL);
    memcpy(copy, ib_openapi_json, ib_openapi_json_len);
    copy[ib_openapi_json_len] = '\0';
    free(resp->body);
    resp->body = copy;
    resp->len = ib_openapi_json_len;
    resp->status = 200;
    resp->content_type = "application/json";
    resp->etag = true;
    return 0;
}

int ib_api_login(hreq *req, hresp *resp)
{
    if (ib_query_only(req, resp, no_params))
        return 0;
    unsigned retry = 0;
    struct timespec mono;
    clock_gettime(CLOCK_MONOTONIC, &mono);
    int64_t now_us = (int64_t)mono.tv_sec * 1000000 + mono.tv_nsec / 1000;
    if (!ib_rate_take(&req->srv->login_rate, req->remote, now_us, &retry)) {
        resp->retry_after = retry;
        return ib_problem(resp, 429, "Te veel aanmeldpogingen", "Too many login attempts",
                          "Wacht even en probeer het opnieuw.",
                          "Wait a moment and try again.");
    }
    json_t *body = ib_json_body(req, resp);
    if (!body)
        return 0;
    const char *name = NULL, *password = NULL;
    json_error_t jerr;
    if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:s, s:s}", "username", &name,
                       "password", &password) != 0) {
        json_decref(body);
        return ib_problem_bad_request(resp, "Verwacht {\"username\", \"password\"}.",
                                      "Expected {\"username\", \"password\"}.");
    }
    ib_err err;
    ib_user u;
    bool locked = false;
    int64_t now = (int64_t)time(NULL);
    int rc = ib_user_authenticate(req->st, name, password, now, &u, &locked, &err);
    json_decref(body);
    if (rc == IB_EDENIED)
        return ib_problem(resp, 401, "Aanmelden mislukt", "Login failed",
                          "Gebruikersnaam of wachtwoord onjuist, of het account is "
                          "geblokkeerd.",
                          "Wrong username or password, or the account is locked.");
    if (rc)
        return ib_problem_from_err(resp, &err);
    char token[IB_TOKEN_STRLEN];
    ib_session s;
    if ((rc = ib_session_create(req->st, u.id, now, req->srv->cfg.session_ttl, token,
                                &s, &err)) != IB_OK)
        return ib_problem_from_err(resp, &err);
    snprintf(resp->set_cookie, sizeof resp->set_cookie,
             "%s=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Strict%s",
             IB_HTTP_SESSION_COOKIE, token, (long long)req->srv->cfg.session_ttl,
             req->srv->cfg.secure_cookies ? "; Secure" : "");
    sodium_memzero(token, sizeof token);
    req->user = u;
    req->auth = IB_AUTH_SESSION;
    return ib_json_answer(resp, 201,
                          json_pack("{s:o, s:s, s:I}", "user", ib_api_user_json(&u),
                                    "csrf_token", s.csrf, "expires_at",
                                    (json_int_t)s.expires_at),
                          false);
}

int ib_api_me(hreq *req, hresp *resp)
{
    if (ib_query_only(req, resp, only_purpose))
        return 0;
    json_t *o = json_pack("{s:o, s:s}", "user", ib_api_user_json(&req->user), "auth",
                          req->auth == IB_AUTH_SESSION ? "session" : "token");
    if (o && req->auth == IB_AUTH_SESSION) {
        json_object_set_new(o, "csrf_token", json_string(req->session.csrf));
        json_object_set_new(o, "expires_at", json_integer(req->session.expires_at));
    }
    return ib_json_answer(resp, 200, o, false);
}

int ib_api_logout(hreq *req, hresp *resp)
{
    if (ib_query_only(req, resp, only_purpose))
        return 0;
    if (req->auth != IB_AUTH_SESSION)
        return ib_problem_bad_request(resp, "Afmelden kan alleen met een sessie; "
                                            "trek een API-token in met DELETE "
                                            "/api/v1/tokens/{id}.",
                                      "Logging out needs a session; revoke an API "
                                      "token with DELETE /api/v1/tokens/{id}.");
    ib_err err;
    int rc = ib_session_end(req->st, req->session_token, &err);
    if (rc == IB_OK)
        rc = ib_audit_request(req, "logout", "user", req->user.id, 0, &err);
    if (rc)
        return ib_problem_from_err(resp, &err);
    snprintf(resp->set_cookie, sizeof resp->set_cookie,
             "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s",
             IB_HTTP_SESSION_COOKIE, req->srv->cfg.secure_cookies ? "; Secure" : "");
    resp->status = 204;
    return 0;
}

static int token_json(void *ctx, const ib_api_token *t)
{
    json_array_append_new(ctx, json_pack("{s:I, s:s, s:I, s:b}", "id", (json_int_t)t->id,
                                         "label", t->label, "created_at",
                                         (json_int_t)t->created_at, "revoked",
                                         t->revoked));
    return 0;
}

int ib_api_tokens_list(hreq *req, hresp *resp)
{
    if (ib_query_only(req, resp, only_purpose))
        return 0;
    json_t *items = json_array();
    ib_err err;
    if (ib_api_token_each(req->st, req->user.id, token_json, items, &err) != IB_OK) {
        json_decref(items);
        return ib_problem_from_err(resp, &err);
    }
    return ib_json_answer(resp, 200, json_pack("{s:o}", "items", items), true);
}

int ib_api_tokens_create(hreq *req, hresp *resp)
{
    if (ib_query_only(req, resp, only_purpose))
        return 0;
    json_t *body = ib_json_body(req, resp);
    if (!body)
        return 0;
    const char *label = NULL;
    json_error_t jerr;
    if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:s}", "label", &label) != 0) {
        json_decref(body);
        return ib_problem_bad_request(resp, "Verwacht {\"label\"}.", "Expected {\"label\"}.");
    }
    char token[IB_TOKEN_STRLEN];
    ib_api_token t;
    ib_err err;
    int rc = ib_api_token_create(req->st, req->user.id, label, (int64_t)time(NULL),
                                 token, &t, &err);
    json_decref(body);
    if (rc)
        return ib_problem_from_err(resp, &err);
    rc = ib_json_answer(resp, 201,
                        json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)t.id,
                                  "label", t.label, "token", token, "created_at",
                                  (json_int_t)t.created_at),
                        false);
    sodium_memzero(token, sizeof token);
    return rc;
}

int ib_api_tokens_revoke(hreq *req, hresp *resp)
{
    if (ib_query_only(req, resp, only_purpose))
        return 0;
    int64_t id;
    if (!ib_http_parse_id(req->params[0], &id))
        return ib_problem_not_found(resp);
    ib_err err;
    if (ib_api_token_revoke(req->st, req->user.id, id, &err) != IB_OK)
        return ib_problem_from_err(resp, &err);
    resp->status = 204;
    return 0;
}
