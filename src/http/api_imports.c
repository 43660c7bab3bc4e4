/* api_imports.c — POST /api/v1/imports: one file of the exchange format as
 * CSV (text/csv) or a JSON array of records (application/json), of the kind
 * named by ?kind=. The answer is the import report (200 when stored, 422
 * when rows were rejected and nothing stored). An agency (its daily feed)
 * and a caseworker (its forms: new persons, corrections of what its
 * organisation sent) import as their own organisation; an administrator
 * names the sender. A client that names its upload (?upload=ID) can follow
 * the import from another connection: GET /api/v1/imports/progress/{id}
 * answers its phase and counts, to the user who started it only. */
#include "http/http_internal.h"
#include "ingest/ingest.h"

#include <stdlib.h>
#include <string.h>

static bool parse_kind(const char *s, ib_kind *out)
{
    for (int k = 0; k < IB_KIND_COUNT; k++)
        if (strcmp(s, ib_kind_file_stem((ib_kind)k)) == 0) {
            *out = (ib_kind)k;
            return true;
        }
    return false;
}

static bool parse_bool(const char *s, bool *out)
{
    if (!s)
        return true;
    if (strcmp(s, "true") == 0)
        *out = true;
    else if (strcmp(s, "false") == 0)
        *out = false;
    else
        return false;
    return true;
}

/* "text/csv" or "application/json", with optional parameters. */
static bool media_is(const char *ct, const char *type)
{
    size_t n = strlen(type);
    return ct && strncmp(ct, type, n) == 0 && (ct[n] == '\0' || ct[n] == ';');
}

/* The import's progress callback: into the server's uploads table. */
typedef struct upload_ctx {
    ib_uploads *uploads;
    int slot;
} upload_ctx;

static int on_progress(void *ctx, const ib_import_progress *p)
{
    upload_ctx *uc = ctx;
    ib_uploads_update(uc->uploads, uc->slot, p);
    return 0;
}

static int run_import(hreq *req, hresp *resp, ib_kind kind, bool csv,
                      const ib_import_options *base);

int ib_api_imports(hreq *req, hresp *resp)
{
    static const char *const params[] = {"kind", "sender", "partial", "dry_run",
                                         "upload", "purpose", NULL};
    if (ib_query_only(req, resp, params))
        return 0;
    const char *kind_s = ib_query(req, "kind"), *sender = ib_query(req, "sender");
    ib_kind kind;
    bool partial = false, dry_run = false;
    if (!kind_s || !parse_kind(kind_s, &kind))
        return ib_problem_bad_request(resp, "kind: organisations, locations, persons, "
                                            "stays, registrations, employments, "
                                            "housings, life_events of contacts.",
                                      "kind: organisations, locations, persons, stays, "
                                      "registrations, employments, housings, "
                                      "life_events or contacts.");
    if (!parse_bool(ib_query(req, "partial"), &partial) ||
        !parse_bool(ib_query(req, "dry_run"), &dry_run))
        return ib_problem_bad_request(resp, "partial en dry_run: true of false.",
                                      "partial and dry_run: true or false.");
    if (req->user.role == IB_ROLE_AGENCY || req->user.role == IB_ROLE_CASEWORKER) {
        if (sender && strcmp(sender, req->user.organisation) != 0)
            return ib_problem(resp, 403, "Geen toegang", "Forbidden",
                              "U levert alleen als uw eigen organisatie.",
                              "You deliver only as your own organisation.");
        sender = req->user.organisation;
    } else if (!sender || !sender[0] || strlen(sender) > IB_REF_MAX) {
        return ib_problem_bad_request(resp, "sender: de afzender (1 tot 64 tekens).",
                                      "sender: the sender (1 to 64 characters).");
    }
    const char *ct = ib_header(req, MHD_HTTP_HEADER_CONTENT_TYPE);
    bool csv = media_is(ct, "text/csv");
    if (!csv && !media_is(ct, "application/json"))
        return ib_problem(resp, 415, "Verkeerd inhoudstype", "Unsupported media type",
                          "Stuur text/csv (een bestand) of application/json (een "
                          "lijst van records).",
                          "Send text/csv (a file) or application/json (an array of "
                          "records).");
    const char *upload = ib_query(req, "upload");
    if (upload && !ib_upload_id_is_valid(upload))
        return ib_problem_bad_request(resp, "upload: 1 tot 64 letters, cijfers, - of _.",
                                      "upload: 1 to 64 letters, digits, - or _.");
    char actor[64];
    snprintf(actor, sizeof actor, "user:%s", req->user.name);
    ib_import_options opt = {.sender_ref = sender, .actor = actor, .partial = partial,
                             .dry_run = dry_run};
    if (!upload)
        return run_import(req, resp, kind, csv, &opt);
    upload_ctx uc = {req->srv->uploads, 0};
    ib_err err;
    int rc = ib_uploads_begin(uc.uploads, upload, req->user.id, kind, &uc.slot, &err);
    if (rc == IB_ELIMIT)
        return ib_problem(resp, 503, "Tijdelijk niet beschikbaar", "Temporarily unavailable",
                          "Er lopen te veel leveringen tegelijk; probeer het zo opnieuw.",
                          "Too many deliveries are running; try again shortly.");
    if (rc != IB_OK)
        return ib_problem_from_err(resp, &err);
    opt.progress = on_progress;
    opt.progress_ctx = &uc;
    rc = run_import(req, resp, kind, csv, &opt);
    ib_uploads_end(uc.uploads, uc.slot, resp->status);
    return rc;
}

/* Imports the body and answers the report. */
static int run_import(hreq *req, hresp *resp, ib_kind kind, bool csv,
                      const ib_import_options *base)
{
    ib_import_options opt = *base;
    bool dry_run = opt.dry_run;
    char name[64];
    snprintf(name, sizeof name, "%s.%s", ib_kind_file_stem(kind), csv ? "csv" : "json");
    ib_import_report rep;
    ib_import_report_init(&rep);
    ib_err err;
    ib_err_clear(&err);
    int rc = csv ? ib_import_csv_mem(req->st, kind, name, req->body, req->body_len,
                                     &opt, &rep, &err)
                 : ib_import_json(req->st, kind, name, req->body, req->body_len, &opt,
                                  &rep, &err);
    if (rc != IB_OK && rc != IB_EINVAL) {
        ib_import_report_free(&rep);
        return ib_problem_from_err(resp, &err);
    }
    if (!dry_run) {
        ib_import_file_report tot;
        ib_import_report_totals(&rep, &tot);
        ib_err aerr;
        snprintf(req->purpose + strlen(req->purpose),
                 sizeof req->purpose - strlen(req->purpose), "%s%s %lld %s",
                 req->purpose[0] ? "; " : "", name, (long long)tot.read,
                 tot.read == 1 ? "rij" : "rijen");
        if (ib_audit_request(req, "import", ib_kind_file_stem(kind), 0, 0, &aerr)) {
            ib_import_report_free(&rep);
            return ib_problem_from_err(resp, &aerr);
        }
    }
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    int wrc = mem ? ib_import_report_write_json(&rep, mem) : IB_ENOMEM;
    if (mem)
        fclose(mem);
    ib_import_report_free(&rep);
    if (wrc != IB_OK) {
        free(text);
        return ib_problem(resp, 503, "Tijdelijk niet beschikbaar",
                          "Temporarily unavailable", NULL, NULL);
    }
    free(resp->body);
    resp->body = text;
    resp->len = len;
    resp->status = rc == IB_OK ? 200 : 422;
    /* Stored: the inbox looks at once whether the data changed. */
    if (rc == IB_OK && !dry_run && req->srv)
        ib_signal_evaluator_poke(req->srv->signals);
    resp->content_type = "application/json";
    return 0;
}

/* GET /api/v1/imports/progress/{id}: where the named upload is. Only its
 * own user sees it: for anyone else it does not exist (404). */
int ib_api_import_progress(hreq *req, hresp *resp)
{
    static const char *const params[] = {"purpose", NULL};
    if (ib_query_only(req, resp, params))
        return 0;
    ib_upload_state u;
    if (!ib_upload_id_is_valid(req->params[0]) ||
        !ib_uploads_get(req->srv->uploads, req->params[0], req->user.id, &u))
        return ib_problem_not_found(resp);
    const char *phase = u.finished ? "done"
                        : u.phase == IB_IMPORT_PHASE_FINISH ? "finishing" : "rows";
    json_t *percent = json_null();
    if (u.finished)
        percent = json_integer(100);
    else if (u.size > 0)
        percent = json_integer((json_int_t)(100.0 * (double)u.position / (double)u.size));
    json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:I, s:I, s:I, s:o}", "id", u.id, "kind",
                          ib_kind_file_stem(u.kind), "phase", phase, "percent", percent,
                          "rows", (json_int_t)u.rows, "stored", (json_int_t)u.stored,
                          "rejected", (json_int_t)u.rejected, "status",
                          u.finished ? json_integer(u.status) : json_null());
    return ib_json_answer(resp, 200, o, false);
}
