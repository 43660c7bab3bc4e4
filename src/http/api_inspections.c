/* api_inspections.c — housing inspections: list, create, read, replace,
 * delete. An inspector works on locations in its municipalities (others are
 * "not found"); the inspector of a new or changed inspection is the user.
 * Writes are audited by the store. */
#include "http/http_internal.h"

#include <stdlib.h>
#include <string.h>

int ib_http_parse_inspection(const char *json, size_t len, ib_inspection *out,
                             ib_err *err)
{
    ib_err_clear(err);
    memset(out, 0, sizeof *out);
    out->persons_found = -1;
    json_error_t jerr;
    json_t *j = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!j || !json_is_object(j)) {
        json_decref(j);
        return ib_err_set(err, IB_EINVAL, "geen geldig JSON-object");
    }
    int rc = IB_OK;
    const char *key;
    json_t *v;
    bool have_loc = false, have_date = false, have_outcome = false;
    json_object_foreach(j, key, v) {
        if (strcmp(key, "location_id") == 0) {
            if (!json_is_integer(v) || json_integer_value(v) <= 0) {
                rc = ib_err_set_at(err, IB_EINVAL, 0, 0, key, "een positief getal");
                break;
            }
            out->location_id = json_integer_value(v);
            have_loc = true;
        } else if (strcmp(key, "date") == 0) {
            const char *s = json_string_value(v);
            if (!s || ib_date_parse(s, json_string_length(v), &out->date, err) != IB_OK) {
                rc = ib_err_set_at(err, IB_EINVAL, 0, 0, key, "een datum JJJJ-MM-DD");
                break;
            }
            have_date = true;
        } else if (strcmp(key, "findings") == 0) {
            const char *s = json_string_value(v);
            if (!s || json_string_length(v) > IB_FINDINGS_MAX ||
                strlen(s) != json_string_length(v)) {
                rc = ib_err_set_at(err, IB_EINVAL, 0, 0, key,
                                   "tekst van hoogstens %d tekens", IB_FINDINGS_MAX);
                break;
            }
            memcpy(out->findings, s, json_string_length(v) + 1);
        } else if (strcmp(key, "persons_found") == 0) {
            if (json_is_null(v)) {
                out->persons_found = -1;
            } else if (!json_is_integer(v) || json_integer_value(v) < 0 ||
                       json_integer_value(v) > 100000) {
                rc = ib_err_set_at(err, IB_EINVAL, 0, 0, key,
                                   "een aantal van 0 tot 100000, of null");
                break;
            } else {
                out->persons_found = (int32_t)json_integer_value(v);
            }
        } else if (strcmp(key, "outcome") == 0) {
            const char *s = json_string_value(v);
            int code = 0;
            if (!s || ib_code_parse(ib_outcome_codes, s, json_string_length(v), &code)) {
                rc = ib_err_set_at(err, IB_EINVAL, 0, 0, key,
                                   "compliant, defects, violation of no_access");
                break;
            }
            out->outcome = (ib_outcome)code;
            have_outcome = true;
        } else if (strcmp(key, "id") != 0 && strcmp(key, "inspector") != 0) {
            rc = ib_err_set_at(err, IB_EINVAL, 0, 0, "", "onbekend veld '%.40s'", key);
            break;
        }
    }
    json_decref(j);
    if (rc == IB_OK && (!have_loc || !have_date || !have_outcome))
        rc = ib_err_set_at(err, IB_EINVAL, 0, 0,
                           !have_loc ? "location_id" : !have_date ? "date" : "outcome",
                           "verplicht veld ontbreekt");
    return rc;
}

static json_t *inspection_json(const ib_inspection *in)
{
    char d[IB_DATE_STRLEN];
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:o, s:s}", "id", (json_int_t)in->id,
                     "location_id", (json_int_t)in->location_id, "date",
                     ib_date_format(in->date, d), "inspector", in->inspector, "findings",
                     in->findings, "persons_found",
                     in->persons_found < 0 ? json_null()
                                           : json_integer(in->persons_found),
                     "outcome", ib_code_text(ib_outcome_codes, (int)in->outcome));
}

/* Whether the user may work on inspections of location_id; IB_ENOTFOUND
 * when the location is absent or out of scope. */
static int location_in_scope(hreq *req, int64_t location_id, ib_err *err)
{
    ib_location l;
    int rc = ib_store_get_location_by_id(req->st, location_id, &l, err);
    if (rc)
        return rc;
    if (req->user.role == IB_ROLE_ADMIN ||
        ib_user_has_municipality(&req->user, l.municipality))
        return IB_OK;
    return ib_err_set(err, IB_ENOTFOUND, "locatie %lld niet gevonden",
                      (long long)location_id);
}

typedef struct insp_list {
    hreq *req;
    json_t *items;
    int64_t skip, take, total;
    int64_t last_loc;
    bool last_ok;
    int rc;
    ib_err err;
} insp_list;

static int insp_item(void *ctx, const ib_inspection *in)
{
    insp_list *il = ctx;
    if (in->location_id != il->last_loc) {
        il->last_loc = in->location_id;
        int rc = location_in_scope(il->req, in->location_id, &il->err);
        il->last_ok = rc == IB_OK;
        if (rc && rc != IB_ENOTFOUND)
            return il->rc = rc;
    }
    if (!il->last_ok)
        return 0;
    int64_t i = il->total++;
    if (i >= il->skip && i < il->skip + il->take)
        json_array_append_new(il->items, inspection_json(in));
    return 0;
}

static const char *const only_purpose[] = {"purpose", NULL};

int ib_api_inspections_list(hreq *req, hresp *resp)
{
    static const char *const params[] = {"page", "pageSize", "location", "purpose", NULL};
    int64_t page, size, loc = 0;
    if (ib_query_only(req, resp, params) || !ib_query_page(req, resp, &page, &size))
        return 0;
    const char *l = ib_query(req, "location");
    if (l && !ib_http_parse_id(l, &loc))
        return ib_problem_bad_request(resp, "location: een positief getal.",
                                      "location: a positive integer.");
    insp_list il = {.req = req, .items = json_array(), .skip = (page - 1) * size,
                    .take = size, .last_loc = -1};
    ib_err err;
    int rc = ib_inspection_each(req->st, loc, insp_item, &il, &err);
    if (rc) {
        json_decref(il.items);
        return ib_problem_from_err(resp, il.rc ? &il.err : &err);
    }
    json_t *o = json_pack("{s:o, s:I, s:I, s:I}", "items", il.items, "page",
                          (json_int_t)page, "pageSize", (json_int_t)size, "total",
                          (json_int_t)il.total);
    return ib_json_answer(resp, 200, o, true);
}

/* Reads and checks the body of a create or replace into *in. */
static bool read_inspection(hreq *req, hresp *resp, ib_inspection *in)
{
    const char *ct = ib_header(req, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (!ct || strncmp(ct, "application/json", 16) != 0 ||
        (ct[16] != '\0' && ct[16] != ';')) {
        ib_problem(resp, 415, "Verkeerd inhoudstype", "Unsupported media type",
                   "Stuur JSON met Content-Type: application/json.",
                   "Send JSON with Content-Type: application/json.");
        return false;
    }
    if (req->body_len > IB_HTTP_JSON_BODY_MAX) {
        ib_problem(resp, 413, "Verzoek te groot", "Request too large", NULL, NULL);
        return false;
    }
    ib_err err;
    if (ib_http_parse_inspection(req->body, req->body_len, in, &err) != IB_OK) {
        ib_problem_from_err(resp, &err);
        return false;
    }
    if (location_in_scope(req, in->location_id, &err) != IB_OK) {
        if (err.code == IB_ENOTFOUND)
            ib_problem(resp, 422, "Onbekende locatie", "Unknown location",
                       "location_id: deze locatie bestaat niet of valt buiten uw "
                       "gemeenten.",
                       "location_id: this location does not exist or lies outside "
                       "your municipalities.");
        else
            ib_problem_from_err(resp, &err);
        return false;
    }
    ib_strlcpy(in->inspector, req->user.name, sizeof in->inspector);
    return true;
}

int ib_api_inspections_create(hreq *req, hresp *resp)
{
    if (ib_query_only(req, resp, only_purpose))
        return 0;
    ib_inspection *in = malloc(sizeof *in);
    if (!in)
        return ib_problem(resp, 503, "Tijdelijk niet beschikbaar",
                          "Temporarily unavailable", NULL, NULL);
    ib_err err;
    if (read_inspection(req, resp, in)) {
        in->id = 0;
        if (ib_inspection_put(req->st, in, &err) != IB_OK)
            ib_problem_from_err(resp, &err);
        else
            ib_json_answer(resp, 201, inspection_json(in), false);
    }
    free(in);
    return 0;
}

/* Loads inspection {id} within scope into *in; answers 404 otherwise. */
static bool load_inspection(hreq *req, hresp *resp, ib_inspection *in)
{
    int64_t id;
    ib_err err;
    if (!ib_http_parse_id(req->params[0], &id)) {
        ib_problem_not_found(resp);
        return false;
    }
    int rc = ib_inspection_get(req->st, id, in, &err);
    if (rc == IB_OK)
        rc = location_in_scope(req, in->location_id, &err);
    if (rc) {
        ib_problem_from_err(resp, &err);
        return false;
    }
    return true;
}

int ib_api_inspections_get(hreq *req, hresp *resp)
{
    if (ib_query_only(req, resp, only_purpose))
        return 0;
    ib_inspection *in = malloc(sizeof *in);
    if (!in)
        return ib_problem(resp, 503, "Tijdelijk niet beschikbaar",
                          "Temporarily unavailable", NULL, NULL);
    if (load_inspection(req, resp, in))
        ib_json_answer(resp, 200, inspection_json(in), true);
    free(in);
    return 0;
}

int ib_api_inspections_put(hreq *req, hresp *resp)
{
    if (ib_query_only(req, resp, only_purpose))
        return 0;
    ib_inspection *old = malloc(sizeof *old), *in = malloc(sizeof *in);
    ib_err err;
    if (!old || !in) {
        ib_problem(resp, 503, "Tijdelijk niet beschikbaar", "Temporarily unavailable",
                   NULL, NULL);
    } else if (load_inspection(req, resp, old) && read_inspection(req, resp, in)) {
        in->id = old->id;
        if (ib_inspection_put(req->st, in, &err) != IB_OK)
            ib_problem_from_err(resp, &err);
        else
            ib_json_answer(resp, 200, inspection_json(in), false);
    }
    free(old);
    free(in);
    return 0;
}

int ib_api_inspections_delete(hreq *req, hresp *resp)
{
    if (ib_query_only(req, resp, only_purpose))
        return 0;
    ib_inspection *in = malloc(sizeof *in);
    ib_err err;
    if (!in)
        return ib_problem(resp, 503, "Tijdelijk niet beschikbaar",
                          "Temporarily unavailable", NULL, NULL);
    if (load_inspection(req, resp, in)) {
        if (ib_inspection_delete(req->st, in->id, &err) != IB_OK)
            ib_problem_from_err(resp, &err);
        else
            resp->status = 204;
    }
    free(in);
    return 0;
}
