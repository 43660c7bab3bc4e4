/* answer.c — what every handler needs: problem+json answers in Dutch and
 * English (RFC 9457), JSON answers, query parameters checked against a
 * whitelist, pagination, JSON bodies within their limits, and the audit
 * entry of a request. */
#include "http/http_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ answers */

int ib_problem(hresp *resp, unsigned status, const char *title_nl,
               const char *title_en, const char *detail_nl, const char *detail_en)
{
    json_t *o = json_pack("{s:s, s:s, s:i, s:{s:s, s:s}}", "type", "about:blank",
                          "title", title_nl, "status", (int)status, "title_i18n",
                          "nl", title_nl, "en", title_en);
    if (o && detail_nl) {
        json_object_set_new(o, "detail", json_string(detail_nl));
        json_object_set_new(o, "detail_i18n",
                            json_pack("{s:s, s:s}", "nl", detail_nl, "en",
                                      detail_en ? detail_en : detail_nl));
    }
    free(resp->body);
    resp->body = o ? json_dumps(o, JSON_COMPACT) : NULL;
    resp->len = resp->body ? strlen(resp->body) : 0;
    resp->status = status;
    resp->content_type = "application/problem+json";
    resp->etag = false;
    json_decref(o);
    return 0;
}

int ib_problem_bad_request(hresp *resp, const char *detail_nl, const char *detail_en)
{
    return ib_problem(resp, 400, "Ongeldig verzoek", "Bad request", detail_nl, detail_en);
}

int ib_problem_not_found(hresp *resp)
{
    return ib_problem(resp, 404, "Niet gevonden", "Not found",
                      "Deze bron bestaat niet of valt buiten uw bevoegdheid.",
                      "This resource does not exist or lies outside your scope.");
}

int ib_problem_forbidden(hresp *resp)
{
    return ib_problem(resp, 403, "Geen toegang", "Forbidden",
                      "Uw rol geeft geen toegang tot deze bron.",
                      "Your role does not give access to this resource.");
}

int ib_problem_from_err(hresp *resp, const ib_err *err)
{
    char detail[400];
    if (err->field[0])
        snprintf(detail, sizeof detail, "%s: %s", err->field, err->msg);
    else
        snprintf(detail, sizeof detail, "%s", err->msg);
    switch (err->code) {
    case IB_EINVAL:
        return ib_problem(resp, 400, "Ongeldige invoer", "Invalid input", detail, NULL);
    case IB_ENOTFOUND:
        return ib_problem_not_found(resp);
    case IB_ECONFLICT:
        return ib_problem(resp, 409, "Conflict", "Conflict", detail, NULL);
    case IB_ELIMIT:
        return ib_problem(resp, 413, "Te groot", "Too large", detail, NULL);
    case IB_EDENIED:
        return ib_problem_forbidden(resp);
    default:
        /* Storage and other internal failures: no internals to the client. */
        return ib_problem(resp, 503, "Tijdelijk niet beschikbaar",
                          "Temporarily unavailable",
                          "De server kon het verzoek nu niet afhandelen; probeer het "
                          "later opnieuw.",
                          "The server could not handle the request now; try again "
                          "later.");
    }
}

int ib_json_answer(hresp *resp, unsigned status, json_t *body, bool etag)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (!text)
        return ib_problem(resp, 503, "Tijdelijk niet beschikbaar",
                          "Temporarily unavailable", NULL, NULL);
    free(resp->body);
    resp->body = text;
    resp->len = strlen(text);
    resp->status = status;
    resp->content_type = "application/json";
    resp->etag = etag;
    return 0;
}

/* ------------------------------------------------------------ requests */

const char *ib_query(const hreq *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *ib_header(const hreq *req, const char *name)
{
    return req->conn ? MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name)
                     : NULL;
}

typedef struct only_ctx {
    const char *const *allowed;
    const char *bad;
} only_ctx;

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    (void)kind;
    (void)value;
    only_ctx *oc = cls;
    for (const char *const *a = oc->allowed; *a; a++)
        if (strcmp(*a, key) == 0)
            return MHD_YES;
    oc->bad = key;
    return MHD_NO;
}

int ib_query_only(hreq *req, hresp *resp, const char *const *allowed)
{
    only_ctx oc = {allowed, NULL};
    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, check_arg, &oc);
    if (!oc.bad)
        return IB_OK;
    char nl[160], en[160];
    snprintf(nl, sizeof nl, "Onbekende parameter '%.64s'.", oc.bad);
    snprintf(en, sizeof en, "Unknown parameter '%.64s'.", oc.bad);
    ib_problem_bad_request(resp, nl, en);
    return IB_EINVAL;
}

static bool parse_count(const char *s, int64_t min, int64_t max, int64_t *out)
{
    if (!s || !*s || strlen(s) > 9)
        return false;
    int64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (*p - '0');
    }
    if (v < min || v > max)
        return false;
    *out = v;
    return true;
}

bool ib_query_page(hreq *req, hresp *resp, int64_t *page, int64_t *size)
{
    const char *p = ib_query(req, "page"), *s = ib_query(req, "pageSize");
    *page = 1;
    *size = 20;
    if ((p && !parse_count(p, 1, 100000000, page)) ||
        (s && !parse_count(s, 1, IB_HTTP_PAGE_SIZE_MAX, size))) {
        ib_problem_bad_request(resp, "page moet een geheel getal vanaf 1 zijn, "
                                     "pageSize van 1 tot 100.",
                               "page must be an integer from 1, pageSize from 1 "
                               "to 100.");
        return false;
    }
    return true;
}

bool ib_http_parse_id(const char *s, int64_t *out)
{
    if (!s || !*s || strlen(s) > 18 || s[0] == '0')
        return false;
    int64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (*p - '0');
    }
    *out = v;
    return true;
}

json_t *ib_json_body(hreq *req, hresp *resp)
{
    const char *ct = ib_header(req, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (!ct || strncmp(ct, "application/json", 16) != 0 ||
        (ct[16] != '\0' && ct[16] != ';')) {
        ib_problem(resp, 415, "Verkeerd inhoudstype", "Unsupported media type",
                   "Stuur JSON met Content-Type: application/json.",
                   "Send JSON with Content-Type: application/json.");
        return NULL;
    }
    if (req->body_len > IB_HTTP_JSON_BODY_MAX) {
        ib_problem(resp, 413, "Verzoek te groot", "Request too large",
                   "Een JSON-verzoek is hoogstens 64 KiB.",
                   "A JSON request is at most 64 KiB.");
        return NULL;
    }
    json_error_t jerr;
    json_t *j = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (!j || !json_is_object(j)) {
        char nl[300], en[300];
        snprintf(nl, sizeof nl, "Geen geldig JSON-object: %s (regel %d, kolom %d).",
                 j ? "verwacht een object" : jerr.text, jerr.line, jerr.column);
        snprintf(en, sizeof en, "Not a valid JSON object: %s (line %d, column %d).",
                 j ? "expected an object" : jerr.text, jerr.line, jerr.column);
        json_decref(j);
        ib_problem_bad_request(resp, nl, en);
        return NULL;
    }
    return j;
}

int ib_audit_request(hreq *req, const char *action, const char *entity,
                     int64_t entity_id, int64_t person_id, ib_err *err)
{
    ib_audit_entry e = {.entity_id = entity_id, .person_id = person_id};
    snprintf(e.actor, sizeof e.actor, "user:%s", req->user.name);
    ib_strlcpy(e.action, action, sizeof e.action);
    ib_strlcpy(e.entity, entity, sizeof e.entity);
    snprintf(e.detail, sizeof e.detail, "%s %.100s%s%s", req->method, req->path,
             req->purpose[0] ? "; doel: " : "", req->purpose);
    if (strcmp(action, "read") != 0)            /* a change: the change log */
        return ib_store_audit(req->st, &e, err);
    if (!req->srv || !req->srv->audit)
        return ib_store_audit_reads(req->st, &e, 1, err);
    return ib_audit_queue_add(req->srv->audit, &e, &req->audit, err);
}

int ib_request_end_read(hreq *req, int rc, ib_err *err)
{
    ib_err end_err;
    if (!ib_store_in_read(req->st))
        return rc;
    int end = ib_store_end_read(req->st, &end_err);
    if (rc == IB_OK && end != IB_OK) {
        *err = end_err;
        return end;
    }
    return rc;
}

int ib_audit_request_flush(hreq *req, ib_err *err)
{
    ib_err_clear(err);
    if (!req->srv || !req->srv->audit)
        return IB_OK;
    return ib_audit_queue_wait(req->srv->audit, &req->audit, err);
}
