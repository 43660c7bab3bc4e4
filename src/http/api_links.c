/* api_links.c — one person across the chain over the API (docs/linkage.md):
 * the pairs of records that may be one person (rule 4) with both records
 * side by side and their decision, links and unlinks by hand (rule 5).
 * For administrators, and for caseworkers where every person concerned is
 * in their scope (scope.c); a pair or person outside it is "not found".
 * Reading a pair is a read of personal data, audited as a person read;
 * every decision, link and unlink is audited by the store. */
#include "http/http_internal.h"

#include <stdlib.h>
#include <string.h>

#define REASON_MAX 200      /* the audit entry holds the reason with its context */

/* ------------------------------------------------------------ records */

static json_t *opt_str(const char *s)
{
    return s && s[0] ? json_string(s) : json_null();
}

static json_t *date_json(ib_date d)
{
    char buf[IB_DATE_STRLEN];
    return d == IB_DATE_NONE ? json_null() : json_string(ib_date_format(d, buf));
}

static json_t *record_json(const ib_person_record *r)
{
    const ib_person *p = &r->p;
    char masked[16] = "";
    if (p->bsn[0])
        snprintf(masked, sizeof masked, "*****%s", p->bsn + 5);
    return json_pack("{s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:o}",
                     "record_id", (json_int_t)p->meta.id, "person_id",
                     (json_int_t)p->person_id, "sender", r->sender_ref, "person_ref",
                     p->ref, "bsn_masked", opt_str(masked), "family_name",
                     opt_str(p->family_name), "given_names", opt_str(p->given_names),
                     "birth_date", date_json(p->birth_date), "sex",
                     opt_str(ib_code_text(ib_sex_codes, (int)p->sex)), "nationality",
                     p->nationality, "category",
                     ib_code_text(ib_category_codes, (int)p->category), "linked_by",
                     opt_str(ib_code_text(ib_link_rule_codes, (int)r->rule)));
}

typedef struct find_ctx {
    int64_t id;
    ib_person_record *out;
} find_ctx;

static int find_record_cb(void *ctx, const ib_person_record *r)
{
    find_ctx *f = ctx;
    if (r->p.meta.id != f->id)
        return 0;
    *f->out = *r;
    return 1;
}

/* Record record_id with its person and sender; IB_ENOTFOUND when absent. */
static int get_record(hreq *req, int64_t record_id, ib_person_record *out, ib_err *err)
{
    int64_t person;
    memset(out, 0, sizeof *out);
    int rc = ib_store_person_of_record(req->st, record_id, &person, err);
    if (rc)
        return rc;
    find_ctx f = {record_id, out};
    rc = ib_store_each_record(req->st, person, 0, find_record_cb, &f, err);
    if (rc < 0)
        return rc;
    if (out->p.meta.id != record_id)
        return ib_err_set(err, IB_ENOTFOUND, "record bestaat niet");
    return IB_OK;
}

/* ------------------------------------------------------------ pairs */

typedef struct pair {
    ib_link_review r;
    ib_person_record a, b;
} pair;

static void pair_clear(pair *p)
{
    sodium_memzero(p->a.p.bsn, sizeof p->a.p.bsn);
    sodium_memzero(p->b.p.bsn, sizeof p->b.p.bsn);
}

/* Loads both records of review r; *ok: whether the user sees both persons. */
static int load_pair(hreq *req, const ib_link_review *r, pair *out, bool *ok, ib_err *err)
{
    bool ok_b = false;
    *ok = false;
    out->r = *r;
    int rc = get_record(req, r->record_a, &out->a, err);
    if (!rc) rc = get_record(req, r->record_b, &out->b, err);
    if (!rc) rc = ib_person_visible(req, &out->a.p, ok, err);
    if (!rc && *ok) rc = ib_person_visible(req, &out->b.p, &ok_b, err);
    *ok = *ok && ok_b;
    return rc;
}

static json_t *pair_json(const pair *p)
{
    const ib_link_review *r = &p->r;
    unsigned d = ib_person_differences(&p->a.p, &p->b.p);
    json_t *diff = json_array();
    for (int i = 0; i < IB_DIFF_COUNT; i++)
        if (d & (1u << i))
            json_array_append_new(diff, json_string(ib_person_diff_names[i]));
    bool open = r->state == IB_REVIEW_OPEN;
    return json_pack("{s:I, s:s, s:f, s:s, s:s, s:o, s:o, s:o, s:[o, o], s:o}", "id",
                     (json_int_t)r->id, "reason", r->reason, "score",
                     (double)r->score / 1000.0, "state",
                     ib_code_text(ib_review_state_codes, (int)r->state), "created_at",
                     r->created_at, "decided_by", open ? json_null() : opt_str(r->decided_by),
                     "decided_at", open ? json_null() : opt_str(r->decided_at),
                     "decision_reason", open ? json_null() : opt_str(r->decision_reason),
                     "records", record_json(&p->a), record_json(&p->b), "differences",
                     diff);
}

/* The two records are shown: a read of each person's data. */
static int audit_pair(hreq *req, const pair *p, ib_err *err)
{
    int rc = ib_audit_request(req, "read", "person", p->a.p.meta.id, p->a.p.person_id, err);
    if (!rc)
        rc = ib_audit_request(req, "read", "person", p->b.p.meta.id, p->b.p.person_id, err);
    return rc;
}

typedef struct reviews_ctx {
    ib_link_review *v;
    size_t n, cap;
} reviews_ctx;

static int keep_review(void *ctx, const ib_link_review *r)
{
    reviews_ctx *c = ctx;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        ib_link_review *p = realloc(c->v, cap * sizeof *p);
        if (!p)
            return IB_ENOMEM;
        c->v = p;
        c->cap = cap;
    }
    c->v[c->n++] = *r;
    return 0;
}

int ib_api_duplicates_list(hreq *req, hresp *resp)
{
    static const char *const params[] = {"page", "pageSize", "state", "purpose", NULL};
    int64_t page, size;
    if (ib_query_only(req, resp, params) || !ib_query_page(req, resp, &page, &size))
        return 0;
    const char *state = ib_query(req, "state");
    int code = IB_REVIEW_OPEN;
    if (state && strcmp(state, "all") == 0)
        code = -1;
    else if (state && ib_code_parse(ib_review_state_codes, state, strlen(state), &code))
        return ib_problem_bad_request(resp, "state: open, linked, different of all.",
                                      "state: open, linked, different or all.");
    ib_err err;
    reviews_ctx c = {0};
    json_t *items = json_array();
    int64_t total = 0, skip = (page - 1) * size;
    /* One snapshot for the list; the audit entries are queued. */
    int rc = ib_store_begin_read(req->st, &err);
    if (rc == IB_OK)
        rc = ib_store_each_review(req->st, code, keep_review, &c, &err);
    if (rc == IB_ENOMEM)
        ib_err_set(&err, IB_ENOMEM, "geheugen vol");
    for (size_t i = 0; rc == IB_OK && i < c.n; i++) {
        pair p;
        bool ok = false;
        /* An open pair whose records another link made one person (a
         * record alike to two records of one person) has nothing left to
         * decide: not shown. */
        if (c.v[i].state == IB_REVIEW_OPEN && c.v[i].person_a == c.v[i].person_b)
            continue;
        rc = load_pair(req, &c.v[i], &p, &ok, &err);
        if (rc == IB_OK && ok) {
            int64_t at = total++;
            if (at >= skip && at < skip + size) {
                json_array_append_new(items, pair_json(&p));
                rc = audit_pair(req, &p, &err);
            }
        }
        pair_clear(&p);
    }
    rc = ib_request_end_read(req, rc, &err);
    free(c.v);
    if (rc) {
        json_decref(items);
        return ib_problem_from_err(resp, &err);
    }
    return ib_json_answer(resp, 200,
                          json_pack("{s:o, s:I, s:I, s:I}", "items", items, "page",
                                    (json_int_t)page, "pageSize", (json_int_t)size,
                                    "total", (json_int_t)total),
                          true);
}

/* Pair {id} of the path when the user sees both its persons; otherwise a
 * problem is answered (404 for absent and out of scope alike). */
static bool load_pair_of_path(hreq *req, hresp *resp, pair *p)
{
    int64_t id;
    ib_link_review r;
    ib_err err;
    bool ok = false;
    memset(p, 0, sizeof *p);
    if (!ib_http_parse_id(req->params[0], &id)) {
        ib_problem_not_found(resp);
        return false;
    }
    int rc = ib_store_get_review(req->st, id, &r, &err);
    if (!rc) rc = load_pair(req, &r, p, &ok, &err);
    if (!rc && !ok)
        rc = ib_err_set(&err, IB_ENOTFOUND, "paar niet gevonden");
    if (rc) {
        pair_clear(p);
        ib_problem_from_err(resp, &err);
        return false;
    }
    return true;
}

static const char *const only_purpose[] = {"purpose", NULL};

int ib_api_duplicates_get(hreq *req, hresp *resp)
{
    if (ib_query_only(req, resp, only_purpose))
        return 0;
    ib_err err;
    if (ib_store_begin_read(req->st, &err) != IB_OK)
        return ib_problem_from_err(resp, &err);
    pair p;
    if (!load_pair_of_path(req, resp, &p)) {
        ib_request_end_read(req, IB_OK, &err);
        return 0;
    }
    json_t *o = pair_json(&p);
    int rc = audit_pair(req, &p, &err);
    pair_clear(&p);
    rc = ib_request_end_read(req, rc, &err);
    if (rc) {
        json_decref(o);
        return ib_problem_from_err(resp, &err);
    }
    return ib_json_answer(resp, 200, o, true);
}

/* ------------------------------------------------------------ bodies */

/* The reason of a decision, link or unlink: 1 to REASON_MAX bytes of text
 * without control characters, not only spaces. */
static bool reason_ok(const char *s)
{
    if (!s)
        return false;
    size_t n = strlen(s);
    if (n == 0 || n > REASON_MAX || !s[strspn(s, " ")])
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return false;
    return true;
}

static int bad_reason(hresp *resp)
{
    return ib_problem_bad_request(resp, "reason: de reden, 1 tot 200 tekens zonder "
                                        "stuurtekens (verplicht, komt in het auditlog).",
                                  "reason: the reason, 1 to 200 characters without "
                                  "control characters (required, kept in the audit).");
}

/* The JSON body with its fields "reason" (a string, in *reason) and `key`
 * (in *value); NULL with a problem answered for anything else. Caller
 * decrefs. */
static json_t *body_with(hreq *req, hresp *resp, const char *key, json_t **value,
                         const char **reason)
{
    json_t *j = ib_json_body(req, resp);
    if (!j)
        return NULL;
    const char *k;
    json_t *v;
    *value = NULL;
    *reason = NULL;
    json_object_foreach(j, k, v) {
        if (strcmp(k, "reason") == 0 && json_is_string(v) &&
            strlen(json_string_value(v)) == json_string_length(v)) {
            *reason = json_string_value(v);
        } else if (strcmp(k, key) == 0) {
            *value = v;
        } else {
            char nl[160], en[160];
            snprintf(nl, sizeof nl, "Onbekend of ongeldig veld '%.40s'; verwacht %s en "
                                    "reason.", k, key);
            snprintf(en, sizeof en, "Unknown or invalid field '%.40s'; expected %s and "
                                    "reason.", k, key);
            json_decref(j);
            ib_problem_bad_request(resp, nl, en);
            return NULL;
        }
    }
    return j;
}

/* ------------------------------------------------------------ writes */

int ib_api_duplicates_decide(hreq *req, hresp *resp)
{
    if (ib_query_only(req, resp, only_purpose))
        return 0;
    json_t *same = NULL;
    const char *reason = NULL;
    json_t *j = body_with(req, resp, "same", &same, &reason);
    if (!j)
        return 0;
    if (!json_is_boolean(same)) {
        json_decref(j);
        return ib_problem_bad_request(resp, "same: true (zelfde persoon) of false (niet "
                                            "dezelfde persoon).",
                                      "same: true (the same person) or false (not the "
                                      "same person).");
    }
    if (!reason_ok(reason)) {
        json_decref(j);
        return bad_reason(resp);
    }
    pair p;
    if (!load_pair_of_path(req, resp, &p)) {
        json_decref(j);
        return 0;
    }
    pair_clear(&p);
    ib_err err;
    int rc = ib_store_decide_review(req->st, p.r.id, json_is_true(same), reason, &err);
    json_decref(j);
    if (rc)
        return ib_problem_from_err(resp, &err);
    /* The answer shows the pair as decided (its records: a read). */
    ib_link_review r;
    bool ok = false;
    rc = ib_store_get_review(req->st, p.r.id, &r, &err);
    if (!rc) rc = load_pair(req, &r, &p, &ok, &err);
    json_t *o = rc ? NULL : pair_json(&p);
    if (!rc) rc = audit_pair(req, &p, &err);
    pair_clear(&p);
    if (rc) {
        json_decref(o);
        return ib_problem_from_err(resp, &err);
    }
    return ib_json_answer(resp, 200, o, false);
}

/* Person idtext when the user may see it (whole: the caller's role is
 * caseworker or admin); a problem answered otherwise. */
static bool visible_person(hreq *req, hresp *resp, const char *idtext, int64_t *person)
{
    int64_t id;
    ib_person p;
    ib_err err;
    bool ok = false;
    if (!idtext || !ib_http_parse_id(idtext, &id)) {
        ib_problem_not_found(resp);
        return false;
    }
    int rc = ib_store_get_person_by_id(req->st, id, &p, &err);
    if (!rc) rc = ib_person_visible(req, &p, &ok, &err);
    sodium_memzero(p.bsn, sizeof p.bsn);
    if (!rc && !ok)
        rc = ib_err_set(&err, IB_ENOTFOUND, "persoon niet gevonden");
    if (rc) {
        ib_problem_from_err(resp, &err);
        return false;
    }
    *person = p.person_id;
    return true;
}

int ib_api_person_link(hreq *req, hresp *resp)
{
    if (ib_query_only(req, resp, only_purpose))
        return 0;
    json_t *other = NULL;
    const char *reason = NULL;
    json_t *j = body_with(req, resp, "person", &other, &reason);
    if (!j)
        return 0;
    if (!json_is_integer(other) || json_integer_value(other) <= 0) {
        json_decref(j);
        return ib_problem_bad_request(resp, "person: het nummer van de andere persoon.",
                                      "person: the id of the other person.");
    }
    if (!reason_ok(reason)) {
        json_decref(j);
        return bad_reason(resp);
    }
    char other_text[24];
    snprintf(other_text, sizeof other_text, "%lld", (long long)json_integer_value(other));
    int64_t a, b, into = 0;
    if (!visible_person(req, resp, req->params[0], &a) ||
        !visible_person(req, resp, other_text, &b)) {
        json_decref(j);
        return 0;
    }
    ib_err err;
    int rc = ib_store_link_persons(req->st, a, b, reason, &into, &err);
    json_decref(j);
    if (rc)
        return ib_problem_from_err(resp, &err);
    return ib_json_answer(resp, 200, json_pack("{s:I, s:[I, I]}", "id", (json_int_t)into,
                                               "linked", (json_int_t)a, (json_int_t)b),
                          false);
}

int ib_api_person_unlink(hreq *req, hresp *resp)
{
    static const char *const params[] = {"reason", "purpose", NULL};
    if (ib_query_only(req, resp, params))
        return 0;
    const char *reason = ib_query(req, "reason");
    json_t *j = NULL;
    if (req->body_len > 0) {
        json_t *none = NULL;
        const char *in_body = NULL;
        if (!(j = body_with(req, resp, "-", &none, &in_body)))
            return 0;
        if (in_body && reason) {
            json_decref(j);
            return ib_problem_bad_request(resp, "Geef de reden in de query of in de "
                                                "body, niet in beide.",
                                          "Give the reason in the query or in the body, "
                                          "not both.");
        }
        if (in_body)
            reason = in_body;
    }
    if (!reason_ok(reason)) {
        json_decref(j);
        return bad_reason(resp);
    }
    int64_t person, record, of = 0, now = 0;
    ib_err err;
    if (!visible_person(req, resp, req->params[0], &person)) {
        json_decref(j);
        return 0;
    }
    int rc = ib_http_parse_id(req->params[1], &record)
                 ? ib_store_person_of_record(req->st, record, &of, &err)
                 : ib_err_set(&err, IB_ENOTFOUND, "record niet gevonden");
    if (!rc && of != person)      /* not a record of this person: not found */
        rc = ib_err_set(&err, IB_ENOTFOUND, "record niet gevonden");
    if (!rc)
        rc = ib_store_unlink_record(req->st, record, reason, &now, &err);
    json_decref(j);
    if (rc)
        return ib_problem_from_err(resp, &err);
    return ib_json_answer(resp, 200,
                          json_pack("{s:I, s:I, s:I}", "id", (json_int_t)person,
                                    "record_id", (json_int_t)record, "record_person_id",
                                    (json_int_t)now),
                          false);
}
