/* api_signals.c — the inbox of signals (docs/inbox.md): the list with its
 * filters, one signal with its history, a person's step (the transition
 * table refuses the rest with 409 naming what is allowed), bulk
 * assignment, an evaluation on demand, the settings, the teams for the
 * assignment picker, and the counts and open signals over time for
 * analysts. Scope: a caseworker the signals of persons in its scope, an
 * inspector those of locations in its municipalities, an administrator
 * all; reads of a person's signal are audited as reads of the person. */
#include "http/http_internal.h"
#include "signals/signals.h"

#include <stdlib.h>
#include <string.h>

#define WHY_LEN 512

/* ------------------------------------------------------------ JSON */

static json_t *date_json(ib_date d)
{
    char buf[IB_DATE_STRLEN];
    return d == IB_DATE_NONE ? json_null() : json_string(ib_date_format(d, buf));
}

static json_t *opt_str(const char *s)
{
    return s && s[0] ? json_string(s) : json_null();
}

static json_t *owner_json(const ib_signal_owner *o)
{
    if (o->kind == IB_OWNER_NONE)
        return json_null();
    return json_pack("{s:s, s:I, s:s}", "type", ib_code_text(ib_owner_kind_codes, (int)o->kind),
                     "id", (json_int_t)o->id, "name", o->name);
}

static bool is_overdue(const ib_signal_row *r, ib_date today)
{
    return (r->state == IB_SIGNAL_OPEN || r->state == IB_SIGNAL_IN_PROGRESS) &&
           r->due < today;
}

static json_t *signal_json(const ib_signal_row *r, bool english, ib_date today)
{
    char why[WHY_LEN], todo[WHY_LEN];
    ib_inbox_explain(r, english, why, sizeof why, todo, sizeof todo);
    json_t *subject = json_pack("{s:s, s:I, s:s, s:s}", "type",
                                r->location ? "location" : "person", "id",
                                (json_int_t)r->subject_id, "sender", r->subject_sender,
                                "ref", r->subject_ref);
    return json_pack("{s:I, s:s, s:o, s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:b, s:o,"
                     " s:o, s:o, s:s, s:s}",
                     "id", (json_int_t)r->id, "kind", r->kind, "subject", subject, "key",
                     r->key, "municipality", opt_str(r->municipality), "state",
                     ib_code_text(ib_signal_state_codes, (int)r->state), "owner",
                     owner_json(&r->owner), "outcome", opt_str(r->outcome), "reason",
                     opt_str(r->reason), "since", date_json(r->since), "due",
                     date_json(r->due), "overdue", is_overdue(r, today), "first_found",
                     date_json(r->first_found), "last_found", date_json(r->last_found),
                     "closed_on", date_json(r->closed_on), "why", why, "todo", todo);
}

/* ?lang=nl (default) or en: false with 400 answered otherwise. */
static bool take_lang(hreq *req, hresp *resp, bool *english)
{
    const char *l = ib_query(req, "lang");
    *english = l && strcmp(l, "en") == 0;
    if (l && !*english && strcmp(l, "nl") != 0) {
        ib_problem_bad_request(resp, "lang: nl of en.", "lang: nl or en.");
        return false;
    }
    return true;
}

/* A problem with the signal it is about (bulk assignment). */
static int problem_with_id(hresp *resp, unsigned status, const char *title_nl,
                           const char *title_en, const ib_err *err, int64_t id)
{
    ib_problem(resp, status, title_nl, title_en, err->msg, NULL);
    json_t *o = json_loadb(resp->body, resp->len, 0, NULL);
    if (!o)
        return 0;
    json_object_set_new(o, "signal_id", json_integer((json_int_t)id));
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (text) {
        free(resp->body);
        resp->body = text;
        resp->len = strlen(text);
    }
    return 0;
}

/* How a refused step is answered: 409 not allowed from this state, 422 an
 * owner that may not have it, 404 a signal that is not there for this
 * user (with the signal's id, for a bulk assignment). */
static int problem_of_step(hresp *resp, const ib_err *err, int64_t id)
{
    switch (err->code) {
    case IB_ECONFLICT:
        return problem_with_id(resp, 409, "Overgang niet toegestaan",
                               "Transition not allowed", err, id);
    case IB_EDENIED:
        return problem_with_id(resp, 422, "Eigenaar niet toegestaan", "Owner not allowed",
                               err, id);
    case IB_ENOTFOUND:
        return problem_with_id(resp, 404, "Niet gevonden", "Not found", err, id);
    default:
        return ib_problem_from_err(resp, err);
    }
}

/* ------------------------------------------------------------ the list */

typedef struct list_ctx {
    hreq *req;
    json_t *items;
    bool english;
    ib_date today;
    int rc;
    ib_err err;
} list_ctx;

static int list_item(void *ctx, const ib_signal_row *r)
{
    list_ctx *lc = ctx;
    json_array_append_new(lc->items, signal_json(r, lc->english, lc->today));
    if (!r->location &&
        (lc->rc = ib_audit_request(lc->req, "read", "signal", r->id, r->subject_id,
                                   &lc->err)) != IB_OK)
        return lc->rc;
    return 0;
}

/* "open,in_progress" into bits; false when a name is unknown. */
static bool parse_states(const char *s, unsigned *bits)
{
    *bits = 0;
    while (*s) {
        const char *end = strchr(s, ',');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        int code;
        if (ib_code_parse(ib_signal_state_codes, s, n, &code) != IB_OK)
            return false;
        *bits |= 1u << code;
        s += n + (end ? 1 : 0);
    }
    return *bits != 0;
}

/* ?owner=me|none|user:NAME|team:NAME. */
static bool take_owner(hreq *req, hresp *resp, ib_signal_query *q)
{
    const char *o = ib_query(req, "owner");
    ib_err err;
    if (!o)
        return true;
    if (strcmp(o, "me") == 0) {
        q->owner = IB_OWNERF_MINE;
        q->mine_user = req->user.id;
    } else if (strcmp(o, "none") == 0) {
        q->owner = IB_OWNERF_NONE;
    } else if (ib_inbox_owner_parse(req->st, o, &q->owner_is, &err) == IB_OK) {
        q->owner = IB_OWNERF_IS;
    } else if (err.code == IB_ENOTFOUND) {
        q->owner = IB_OWNERF_IS;            /* nobody: an empty page */
        q->owner_is = (ib_signal_owner){.kind = IB_OWNER_USER, .id = -1};
    } else {
        ib_problem_bad_request(resp, "owner: me, none, user:NAAM of team:NAAM.",
                               "owner: me, none, user:NAME or team:NAME.");
        return false;
    }
    return true;
}

static bool take_filters(hreq *req, hresp *resp, ib_signal_query *q)
{
    const char *kind = ib_query(req, "kind"), *state = ib_query(req, "state"),
               *muni = ib_query(req, "municipality"), *overdue = ib_query(req, "overdue"),
               *person = ib_query(req, "person"), *loc = ib_query(req, "location"),
               *sort = ib_query(req, "sort");
    int code;
    if (kind && ib_code_parse(ib_signal_kind_codes, kind, strlen(kind), &code) != IB_OK) {
        ib_problem_bad_request(resp, "kind: not_registered, overcrowded, job_and_bed, "
                                     "one_year_offer, information_moment of no_address.",
                               "kind: not_registered, overcrowded, job_and_bed, "
                               "one_year_offer, information_moment or no_address.");
        return false;
    }
    q->kind = kind;
    if (state && !parse_states(state, &q->states)) {
        ib_problem_bad_request(resp, "state: open, in_progress, done, unfounded, lapsed "
                                     "(met komma's).",
                               "state: open, in_progress, done, unfounded, lapsed "
                               "(comma-separated).");
        return false;
    }
    if (muni && !ib_municipality_is_valid(muni, strlen(muni))) {
        ib_problem_bad_request(resp, "municipality: een CBS-code GM0000.",
                               "municipality: a CBS code GM0000.");
        return false;
    }
    q->municipality = muni;
    if (overdue && strcmp(overdue, "true") != 0 && strcmp(overdue, "false") != 0) {
        ib_problem_bad_request(resp, "overdue: true of false.", "overdue: true or false.");
        return false;
    }
    q->overdue_on = overdue && strcmp(overdue, "true") == 0 ? ib_date_today() : IB_DATE_NONE;
    int64_t id = 0;
    if ((person && loc) || (person && !ib_http_parse_id(person, &id)) ||
        (loc && !ib_http_parse_id(loc, &id))) {
        ib_problem_bad_request(resp, "person of location: één positief getal.",
                               "person or location: one positive integer.");
        return false;
    }
    if (person)
        q->locations = false;
    if (loc)
        q->persons = false;
    q->subject_id = id;
    static const struct { const char *name; ib_signal_sort sort; } sorts[] = {
        {"due", IB_SSORT_DUE}, {"since", IB_SSORT_SINCE}, {"id", IB_SSORT_ID}};
    if (sort) {
        q->descending = sort[0] == '-';
        bool found = false;
        for (size_t i = 0; i < sizeof sorts / sizeof *sorts; i++)
            if (strcmp(sort + (q->descending ? 1 : 0), sorts[i].name) == 0) {
                q->sort = sorts[i].sort;
                found = true;
            }
        if (!found) {
            ib_problem_bad_request(resp, "sort: due, since of id, met - voor aflopend.",
                                   "sort: due, since or id, prefixed - for descending.");
            return false;
        }
    }
    return take_owner(req, resp, q);
}

int ib_api_signals_list(hreq *req, hresp *resp)
{
    static const char *const params[] = {
        "page", "pageSize", "kind", "state", "owner", "municipality", "overdue", "person",
        "location", "sort", "lang", "purpose", NULL};
    int64_t page, size;
    bool english;
    if (ib_query_only(req, resp, params) || !ib_query_page(req, resp, &page, &size) ||
        !take_lang(req, resp, &english))
        return 0;
    ib_err err;
    ib_signal_query q = {.overdue_on = IB_DATE_NONE, .limit = size,
                         .offset = (page - 1) * size};
    if (ib_inbox_scope(req->st, &req->user, &q, &err) != IB_OK)
        return ib_problem_from_err(resp, &err);
    if (!take_filters(req, resp, &q))
        return 0;
    list_ctx lc = {.req = req, .items = json_array(), .english = english,
                   .today = ib_date_today()};
    int64_t total = 0;
    int rc = ib_store_begin_read(req->st, &err);
    if (rc == IB_OK)
        rc = ib_store_signal_query(req->st, &q, list_item, &lc, &total, &err);
    rc = ib_request_end_read(req, rc, &err);
    if (rc) {
        json_decref(lc.items);
        return ib_problem_from_err(resp, lc.rc ? &lc.err : &err);
    }
    json_t *o = json_pack("{s:o, s:I, s:I, s:I}", "items", lc.items, "page", (json_int_t)page,
                          "pageSize", (json_int_t)size, "total", (json_int_t)total);
    return ib_json_answer(resp, 200, o, true);
}

/* ------------------------------------------------------------ one signal */

typedef struct history_ctx {
    json_t *lines;
    bool english;
} history_ctx;

static int history_line(void *ctx, const ib_signal_change *c)
{
    history_ctx *hc = ctx;
    const char *why = hc->english && c->why_en[0] ? c->why_en : c->why;
    json_array_append_new(
        hc->lines,
        json_pack("{s:s, s:o, s:s, s:o, s:s, s:o, s:s}", "at", c->at, "day",
                  date_json(c->day), "actor", c->actor, "from",
                  c->from < 0 ? json_null()
                              : json_string(ib_code_text(ib_signal_state_codes, c->from)),
                  "to", ib_code_text(ib_signal_state_codes, (int)c->to), "owner",
                  opt_str(c->owner), "why", why));
    return 0;
}

/* The steps a person may take from the signal's state. */
static json_t *steps_json(ib_signal_state from, bool english)
{
    json_t *a = json_array();
    for (size_t i = 0; i < ib_inbox_ntransitions; i++) {
        const ib_inbox_transition *t = &ib_inbox_transitions[i];
        if (t->from != (int)from || t->by != IB_BY_PERSON)
            continue;
        json_t *needs = json_array();
        if (t->needs & IB_NEEDS_OWNER)
            json_array_append_new(needs, json_string("owner"));
        if (t->needs & IB_NEEDS_OUTCOME)
            json_array_append_new(needs, json_string("outcome"));
        if (t->needs & IB_NEEDS_REASON)
            json_array_append_new(needs, json_string("reason"));
        json_array_append_new(a, json_pack("{s:s, s:s, s:o}", "to",
                                           ib_code_text(ib_signal_state_codes, (int)t->to),
                                           "name", english ? t->en : t->nl, "needs", needs));
    }
    return a;
}

/* Signal {id} when the user may see it (404 otherwise, also when it does
 * not exist); its history into the answer. */
static bool load_signal(hreq *req, hresp *resp, ib_signal_row *r)
{
    int64_t id;
    ib_err err;
    bool sees = false;
    if (!ib_http_parse_id(req->params[0], &id)) {
        ib_problem_not_found(resp);
        return false;
    }
    int rc = ib_inbox_user_sees(req->st, &req->user, id, &sees, &err);
    if (rc == IB_OK && sees)
        rc = ib_store_signal_get(req->st, id, r, &err);
    if (rc && rc != IB_ENOTFOUND) {
        ib_problem_from_err(resp, &err);
        return false;
    }
    if (rc || !sees) {
        ib_problem_not_found(resp);
        return false;
    }
    return true;
}

static int answer_signal(hreq *req, hresp *resp, const ib_signal_row *r, bool english,
                         unsigned status, ib_err *err)
{
    history_ctx hc = {json_array(), english};
    int rc = ib_store_signal_each_change(req->st, r->id, history_line, &hc, err);
    if (rc) {
        json_decref(hc.lines);
        return ib_problem_from_err(resp, err);
    }
    json_t *o = signal_json(r, english, ib_date_today());
    json_object_set_new(o, "history", hc.lines);
    json_object_set_new(o, "transitions", steps_json(r->state, english));
    return ib_json_answer(resp, status, o, status == 200 && strcmp(req->method, "GET") == 0);
}

int ib_api_signals_get(hreq *req, hresp *resp)
{
    static const char *const params[] = {"lang", "purpose", NULL};
    bool english;
    if (ib_query_only(req, resp, params) || !take_lang(req, resp, &english))
        return 0;
    ib_err err;
    if (ib_store_begin_read(req->st, &err) != IB_OK)
        return ib_problem_from_err(resp, &err);
    ib_signal_row *r = malloc(sizeof *r);
    if (!r) {
        ib_request_end_read(req, IB_OK, &err);
        return ib_problem(resp, 503, "Tijdelijk niet beschikbaar", "Temporarily unavailable",
                          NULL, NULL);
    }
    if (load_signal(req, resp, r)) {
        int rc = r->location ? IB_OK
                             : ib_audit_request(req, "read", "signal", r->id, r->subject_id,
                                                &err);
        if (rc)
            ib_problem_from_err(resp, &err);
        else
            answer_signal(req, resp, r, english, 200, &err);
    }
    int rc = ib_request_end_read(req, IB_OK, &err);
    if (rc)
        ib_problem_from_err(resp, &err);
    free(r);
    return 0;
}

/* ------------------------------------------------------------ a step */

/* The optional string field name of o into *out (NULL when absent or
 * null); false with 400 answered when it is not a string. */
static bool opt_field(hresp *resp, json_t *o, const char *name, const char **out)
{
    json_t *v = json_object_get(o, name);
    *out = NULL;
    if (!v || json_is_null(v))
        return true;
    if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v)) {
        char nl[96], en[96];
        snprintf(nl, sizeof nl, "%s: een tekst.", name);
        snprintf(en, sizeof en, "%s: a string.", name);
        ib_problem_bad_request(resp, nl, en);
        return false;
    }
    *out = json_string_value(v);
    return true;
}

/* Only the fields of `allowed` in o; false with 400 answered otherwise. */
static bool only_fields(hresp *resp, json_t *o, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        bool ok = false;
        for (const char *const *a = allowed; *a; a++)
            ok |= strcmp(key, *a) == 0;
        if (!ok) {
            char nl[128], en[128];
            snprintf(nl, sizeof nl, "Onbekend veld '%.40s'.", key);
            snprintf(en, sizeof en, "Unknown field '%.40s'.", key);
            ib_problem_bad_request(resp, nl, en);
            return false;
        }
    }
    return true;
}

int ib_api_signals_transition(hreq *req, hresp *resp)
{
    static const char *const params[] = {"lang", "purpose", NULL};
    static const char *const fields[] = {"to", "owner", "outcome", "reason", NULL};
    bool english;
    if (ib_query_only(req, resp, params) || !take_lang(req, resp, &english))
        return 0;
    int64_t id;
    if (!ib_http_parse_id(req->params[0], &id))
        return ib_problem_not_found(resp);
    json_t *body = ib_json_body(req, resp);
    if (!body)
        return 0;
    const char *to = NULL, *owner = NULL;
    ib_inbox_change c = {0};
    int code = 0;
    ib_err err;
    ib_signal_row *r = malloc(sizeof *r);
    if (!r)
        ib_problem(resp, 503, "Tijdelijk niet beschikbaar", "Temporarily unavailable", NULL,
                   NULL);
    else if (only_fields(resp, body, fields) && opt_field(resp, body, "to", &to) &&
             opt_field(resp, body, "owner", &owner) &&
             opt_field(resp, body, "outcome", &c.outcome) &&
             opt_field(resp, body, "reason", &c.reason)) {
        if (!to || ib_code_parse(ib_signal_state_codes, to, strlen(to), &code) != IB_OK) {
            ib_problem_bad_request(resp, "to: open, in_progress, done of unfounded.",
                                   "to: open, in_progress, done or unfounded.");
        } else {
            c.to = (ib_signal_state)code;
            int rc = owner ? ib_inbox_owner_parse(req->st, owner, &c.owner, &err) : IB_OK;
            if (rc == IB_EINVAL)
                ib_problem_bad_request(resp, "owner: user:NAAM of team:NAAM.",
                                       "owner: user:NAME or team:NAME.");
            else if (rc == IB_ENOTFOUND)
                problem_with_id(resp, 422, "Onbekende eigenaar", "Unknown owner", &err, id);
            else if (rc)
                ib_problem_from_err(resp, &err);
            else if ((rc = ib_inbox_change_state(req->st, &req->user, id, &c,
                                                 ib_date_today(), r, &err)) != IB_OK)
                problem_of_step(resp, &err, id);
            else if ((rc = ib_store_signal_get(req->st, id, r, &err)) != IB_OK)
                ib_problem_from_err(resp, &err);
            else
                answer_signal(req, resp, r, english, 200, &err);
        }
    }
    json_decref(body);
    free(r);
    return 0;
}

/* ------------------------------------------------------------ bulk assignment */

#define ASSIGN_MAX 500

int ib_api_signals_assign(hreq *req, hresp *resp)
{
    static const char *const params[] = {"purpose", NULL};
    static const char *const fields[] = {"ids", "owner", NULL};
    if (ib_query_only(req, resp, params))
        return 0;
    json_t *body = ib_json_body(req, resp);
    if (!body)
        return 0;
    const char *owner_text = NULL;
    json_t *ids = json_object_get(body, "ids");
    int64_t *v = NULL;
    size_t n = 0;
    if (!only_fields(resp, body, fields) || !opt_field(resp, body, "owner", &owner_text))
        goto done;
    if (!owner_text || !json_is_array(ids) || json_array_size(ids) == 0 ||
        json_array_size(ids) > ASSIGN_MAX) {
        ib_problem_bad_request(resp, "Geef ids (1 tot 500 signalen) en owner "
                                     "(user:NAAM of team:NAAM).",
                               "Give ids (1 to 500 signals) and owner (user:NAME or "
                               "team:NAME).");
        goto done;
    }
    n = json_array_size(ids);
    if (!(v = malloc(n * sizeof *v))) {
        ib_problem(resp, 503, "Tijdelijk niet beschikbaar", "Temporarily unavailable", NULL,
                   NULL);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_array_get(ids, i);
        if (!json_is_integer(x) || json_integer_value(x) <= 0) {
            ib_problem_bad_request(resp, "ids: positieve gehele getallen.",
                                   "ids: positive integers.");
            goto done;
        }
        v[i] = json_integer_value(x);
    }
    ib_err err;
    ib_signal_owner owner;
    int64_t failed = 0;
    int rc = ib_inbox_owner_parse(req->st, owner_text, &owner, &err);
    if (rc == IB_EINVAL)
        ib_problem_bad_request(resp, "owner: user:NAAM of team:NAAM.",
                               "owner: user:NAME or team:NAME.");
    else if (rc == IB_ENOTFOUND)
        problem_with_id(resp, 422, "Onbekende eigenaar", "Unknown owner", &err, 0);
    else if (rc)
        ib_problem_from_err(resp, &err);
    else if (ib_inbox_assign(req->st, &req->user, v, n, &owner, ib_date_today(), &failed,
                             &err) != IB_OK)
        problem_of_step(resp, &err, failed);
    else
        ib_json_answer(resp, 200,
                       json_pack("{s:I, s:O, s:o}", "assigned", (json_int_t)n, "ids", ids,
                                 "owner", owner_json(&owner)),
                       false);
done:
    free(v);
    json_decref(body);
    return 0;
}

/* ------------------------------------------------------------ evaluation on demand */

static json_t *report_json(const ib_inbox_report *rep)
{
    return json_pack("{s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:b}", "at", date_json(rep->at),
                     "found", (json_int_t)rep->found, "opened", (json_int_t)rep->opened,
                     "lapsed", (json_int_t)rep->lapsed, "reopened",
                     (json_int_t)rep->reopened, "moved", (json_int_t)rep->moved, "updated",
                     (json_int_t)rep->updated, "written", rep->written);
}

int ib_api_signals_evaluate(hreq *req, hresp *resp)
{
    static const char *const params[] = {"at", "purpose", NULL};
    if (ib_query_only(req, resp, params))
        return 0;
    ib_date today = ib_date_today(), at = today;
    const char *s = ib_query(req, "at");
    ib_err err;
    if (s && (ib_date_parse(s, strlen(s), &at, &err) != IB_OK || at > today))
        return ib_problem_bad_request(resp, "at: een datum JJJJ-MM-DD, niet na vandaag.",
                                      "at: a date YYYY-MM-DD, not after today.");
    char actor[80];
    snprintf(actor, sizeof actor, "user:%s", req->user.name);
    ib_inbox_report rep;
    if (ib_signal_evaluator_run(req->srv ? req->srv->signals : NULL, req->st, at, actor,
                                &rep, &err) != IB_OK)
        return ib_problem_from_err(resp, &err);
    return ib_json_answer(resp, 200, report_json(&rep), false);
}

/* ------------------------------------------------------------ settings */

static json_t *settings_json(const ib_inbox_settings *s)
{
    json_t *o = json_object(), *due = json_object();
    for (size_t i = 0; i < ib_inbox_nsettings; i++) {
        const ib_inbox_setting *d = &ib_inbox_setting_list[i];
        int64_t v = ib_inbox_setting_get(s, i);
        json_t *value = d->hundredths ? json_real((double)v / 100.0) : json_integer(v);
        if (strncmp(d->name, "due_days.", 9) == 0)
            json_object_set_new(due, d->name + 9, value);
        else
            json_object_set_new(o, d->name, value);
    }
    json_object_set_new(o, "due_days", due);
    return o;
}

int ib_api_signal_settings_get(hreq *req, hresp *resp)
{
    static const char *const params[] = {"purpose", NULL};
    if (ib_query_only(req, resp, params))
        return 0;
    ib_inbox_settings s;
    ib_err err;
    if (ib_inbox_settings_load(req->st, &s, &err) != IB_OK)
        return ib_problem_from_err(resp, &err);
    return ib_json_answer(resp, 200, settings_json(&s), true);
}

/* One value of a PUT: a number in its range, into values[i]. */
static bool setting_value(hresp *resp, size_t i, json_t *v, int64_t *out)
{
    const ib_inbox_setting *d = &ib_inbox_setting_list[i];
    double x = json_is_number(v) ? json_number_value(v) : -1.0;
    double scaled = d->hundredths ? x * 100.0 : x;
    int64_t value = (int64_t)(scaled + (scaled >= 0 ? 0.5 : -0.5));
    bool whole = d->hundredths || json_is_integer(v);
    if (!json_is_number(v) || !whole || value < d->min || value > d->max ||
        (d->hundredths && (scaled - (double)value > 1e-6 || (double)value - scaled > 1e-6))) {
        char lo[24], hi[24], nl[160], en[160];
        ib_inbox_setting_format(i, d->min, lo, sizeof lo);
        ib_inbox_setting_format(i, d->max, hi, sizeof hi);
        snprintf(nl, sizeof nl, "%s: een getal van %s tot en met %s.", d->name, lo, hi);
        snprintf(en, sizeof en, "%s: a number from %s to %s.", d->name, lo, hi);
        ib_problem(resp, 400, "Ongeldige invoer", "Invalid input", nl, en);
        return false;
    }
    *out = value;
    return true;
}

/* The PUT body onto values/given (flat names; due_days an object). */
static bool read_settings(hresp *resp, json_t *body, int64_t *values, bool *given)
{
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        if (strcmp(key, "due_days") == 0 && json_is_object(v)) {
            const char *kind;
            json_t *days;
            json_object_foreach(v, kind, days) {
                char name[64];
                snprintf(name, sizeof name, "due_days.%s", kind);
                long i = ib_inbox_setting_find(name);
                if (i < 0) {
                    ib_problem_bad_request(resp, "due_days: per soort van signaal.",
                                           "due_days: per kind of signal.");
                    return false;
                }
                if (!setting_value(resp, (size_t)i, days, &values[i]))
                    return false;
                given[i] = true;
            }
            continue;
        }
        long i = strncmp(key, "due_days", 8) == 0 ? -1 : ib_inbox_setting_find(key);
        if (i < 0) {
            char nl[128], en[128];
            snprintf(nl, sizeof nl, "Onbekende instelling '%.40s'.", key);
            snprintf(en, sizeof en, "Unknown setting '%.40s'.", key);
            ib_problem_bad_request(resp, nl, en);
            return false;
        }
        if (!setting_value(resp, (size_t)i, v, &values[i]))
            return false;
        given[i] = true;
    }
    return true;
}

int ib_api_signal_settings_put(hreq *req, hresp *resp)
{
    static const char *const params[] = {"purpose", NULL};
    if (ib_query_only(req, resp, params))
        return 0;
    json_t *body = ib_json_body(req, resp);
    if (!body)
        return 0;
    int64_t values[64];
    bool given[64] = {0};
    ib_inbox_settings s;
    ib_err err;
    int rc = IB_OK;
    if (ib_inbox_nsettings <= 64 && read_settings(resp, body, values, given)) {
        ib_inbox_settings before;
        rc = ib_inbox_settings_load(req->st, &before, &err);
        if (!rc) rc = ib_store_begin(req->st, &err);
        /* Only what changes is written (and audited). */
        for (size_t i = 0; rc == IB_OK && i < ib_inbox_nsettings; i++)
            if (given[i] && values[i] != ib_inbox_setting_get(&before, i))
                rc = ib_inbox_setting_set(req->st, ib_inbox_setting_list[i].name, values[i],
                                          &err);
        if (ib_store_in_transaction(req->st)) {
            if (rc == IB_OK)
                rc = ib_store_commit(req->st, &err);
            else
                ib_store_rollback(req->st, NULL);
        }
        if (!rc) rc = ib_inbox_settings_load(req->st, &s, &err);
        if (rc)
            ib_problem_from_err(resp, &err);
        else {
            ib_signal_evaluator_poke(req->srv ? req->srv->signals : NULL);
            ib_json_answer(resp, 200, settings_json(&s), false);
        }
    }
    json_decref(body);
    return 0;
}

/* ------------------------------------------------------------ teams */

typedef struct teams_ctx {
    ib_store *st;
    json_t *items;
    int rc;
    ib_err err;
} teams_ctx;

static int member_json(void *ctx, const ib_user *u)
{
    json_array_append_new(ctx, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)u->id, "name",
                                         u->name, "role",
                                         ib_code_text(ib_role_codes, (int)u->role)));
    return 0;
}

static int team_json(void *ctx, const ib_team *t)
{
    teams_ctx *tc = ctx;
    json_t *members = json_array();
    /* Members are read after the team list (one statement at a time). */
    json_array_append_new(tc->items, json_pack("{s:I, s:s, s:o}", "id", (json_int_t)t->id,
                                               "name", t->name, "members", members));
    return 0;
}

int ib_api_teams_list(hreq *req, hresp *resp)
{
    static const char *const params[] = {"purpose", NULL};
    if (ib_query_only(req, resp, params))
        return 0;
    teams_ctx tc = {.st = req->st, .items = json_array()};
    ib_err err;
    int rc = ib_team_each(req->st, 0, team_json, &tc, &err);
    for (size_t i = 0; rc == IB_OK && i < json_array_size(tc.items); i++) {
        json_t *t = json_array_get(tc.items, i);
        rc = ib_team_each_member(req->st, json_integer_value(json_object_get(t, "id")),
                                 member_json, json_object_get(t, "members"), &err);
    }
    if (rc) {
        json_decref(tc.items);
        return ib_problem_from_err(resp, &err);
    }
    return ib_json_answer(resp, 200, json_pack("{s:o}", "items", tc.items), true);
}

/* ------------------------------------------------------------ counts for analysts */

/* The scope and filters of the counts: an analyst with municipalities sees
 * those only (as in the monitor); detail=true (administrators) exact.
 * False with a problem answered. */
static bool count_query(hreq *req, hresp *resp, ib_inbox_count_query *q)
{
    const char *kind = ib_query(req, "kind"), *muni = ib_query(req, "municipality"),
               *detail = ib_query(req, "detail");
    int code;
    if (kind && ib_code_parse(ib_signal_kind_codes, kind, strlen(kind), &code) != IB_OK) {
        ib_problem_bad_request(resp, "kind: een soort van signaal.", "kind: a kind of signal.");
        return false;
    }
    if (muni && !ib_municipality_is_valid(muni, strlen(muni))) {
        ib_problem_bad_request(resp, "municipality: een CBS-code GM0000.",
                               "municipality: a CBS code GM0000.");
        return false;
    }
    if (detail && strcmp(detail, "true") != 0 && strcmp(detail, "false") != 0) {
        ib_problem_bad_request(resp, "detail: true of false.", "detail: true or false.");
        return false;
    }
    q->kind = kind;
    q->municipality = muni;
    q->exact = detail && strcmp(detail, "true") == 0;
    if (q->exact && req->user.role != IB_ROLE_ADMIN) {
        ib_problem_forbidden(resp);
        return false;
    }
    if (req->user.nmunicipalities > 0) {
        q->municipalities = (const char(*)[7])req->user.municipalities;
        q->nmunicipalities = req->user.nmunicipalities;
    }
    return true;
}

static json_t *count_row_json(const ib_inbox_count_row *r)
{
    json_t *o = json_pack("{s:s}", "kind", ib_code_text(ib_signal_kind_codes, (int)r->kind));
    if (!r->total)
        json_object_set_new(o, "municipality", opt_str(r->municipality));
    for (int s = 0; s < IB_SIGNAL_STATE_COUNT; s++)
        json_object_set_new(o, ib_code_text(ib_signal_state_codes, s),
                            json_integer((json_int_t)r->count[s]));
    json_object_set_new(o, "closed", json_integer((json_int_t)r->closed));
    json_object_set_new(o, "median_days",
                        r->median_days < 0 ? json_null() : json_real(r->median_days));
    return o;
}

int ib_api_signals_counts(hreq *req, hresp *resp)
{
    static const char *const params[] = {"kind", "municipality", "detail", "purpose", NULL};
    ib_inbox_count_query q = {0};
    if (ib_query_only(req, resp, params) || !count_query(req, resp, &q))
        return 0;
    ib_inbox_counts c;
    ib_err err;
    if (ib_inbox_counts_get(req->st, &q, &c, &err) != IB_OK)
        return ib_problem_from_err(resp, &err);
    json_t *rows = json_array(), *totals = json_array();
    for (size_t i = 0; i < c.n; i++)
        json_array_append_new(c.rows[i].total ? totals : rows, count_row_json(&c.rows[i]));
    json_t *o = json_pack("{s:b, s:i, s:o, s:o}", "perturbed", c.perturbed, "min_closed",
                          IB_INBOX_MIN_CLOSED, "rows", rows, "totals", totals);
    ib_inbox_counts_free(&c);
    return ib_json_answer(resp, 200, o, true);
}

int ib_api_signals_over_time(hreq *req, hresp *resp)
{
    static const char *const params[] = {"kind", "municipality", "detail", "from", "to",
                                         "interval", "purpose", NULL};
    ib_inbox_count_query q = {0};
    if (ib_query_only(req, resp, params) || !count_query(req, resp, &q))
        return 0;
    const char *from_s = ib_query(req, "from"), *to_s = ib_query(req, "to"),
               *interval = ib_query(req, "interval");
    ib_date to = ib_date_today(), from;
    ib_err err;
    int step = 1;
    if (interval && strcmp(interval, "week") == 0)
        step = 7;
    else if (interval && strcmp(interval, "day") != 0)
        return ib_problem_bad_request(resp, "interval: day of week.", "interval: day or week.");
    if (to_s && ib_date_parse(to_s, strlen(to_s), &to, &err) != IB_OK)
        return ib_problem_bad_request(resp, "to: een datum JJJJ-MM-DD.",
                                      "to: a date YYYY-MM-DD.");
    from = to - (step == 7 ? 52 * 7 : 90);
    if (from_s && ib_date_parse(from_s, strlen(from_s), &from, &err) != IB_OK)
        return ib_problem_bad_request(resp, "from: een datum JJJJ-MM-DD.",
                                      "from: a date YYYY-MM-DD.");
    if (from > to || (to - from) / step >= IB_INBOX_POINTS_MAX)
        return ib_problem_bad_request(resp, "from tot en met to: hoogstens 1000 punten, "
                                            "from niet na to.",
                                      "from through to: at most 1000 points, from not "
                                      "after to.");
    from = to - ((to - from) / step) * step;   /* the last point is `to` */
    ib_inbox_point *p = NULL;
    size_t n = 0;
    if (ib_inbox_open_over_time(req->st, &q, from, to, step, &p, &n, &err) != IB_OK)
        return ib_problem_from_err(resp, &err);
    json_t *points = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(points, json_pack("{s:o, s:I}", "date", date_json(p[i].day),
                                                "open", (json_int_t)p[i].open));
    free(p);
    json_t *o = json_pack("{s:s, s:b, s:o}", "interval", step == 7 ? "week" : "day",
                          "perturbed", !q.exact, "points", points);
    return ib_json_answer(resp, 200, o, true);
}
