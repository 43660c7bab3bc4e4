/* api_registry.c — reading the registry: persons (a page with filters and
 * sorting, one person with their timeline), the episode collections,
 * locations, organisations, and aggregate counts for analysts. Scope (the
 * rules are in scope.c): an agency sees its own sender's records, a
 * caseworker persons in its municipalities or sent by its organisation and
 * locations in its municipalities, an inspector locations in its
 * municipalities; a record outside the scope is "not found". Every
 * person-level read is audited, with the purpose the client gives. */
#include "http/http_internal.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ JSON of records */

static json_t *date_json(ib_date d)
{
    char buf[IB_DATE_STRLEN];
    return d == IB_DATE_NONE ? json_null() : json_string(ib_date_format(d, buf));
}

static json_t *opt_int(int64_t v, int64_t none)
{
    return v == none ? json_null() : json_integer(v);
}

static json_t *opt_str(const char *s)
{
    return s[0] ? json_string(s) : json_null();
}

/* Hundredths as a number with two decimals (money, hours, floor area). */
static json_t *hundredths(int64_t v)
{
    return v == IB_CENTS_NONE ? json_null() : json_real((double)v / 100.0);
}

static json_t *person_json(const ib_person *p)
{
    char masked[16] = "";
    if (p->bsn[0])
        snprintf(masked, sizeof masked, "*****%s", p->bsn + 5);
    return json_pack("{s:I, s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:s}",
                     "id", (json_int_t)p->person_id, "sender_id",
                     (json_int_t)p->meta.sender_id, "person_ref", p->ref, "bsn_masked",
                     opt_str(masked), "family_name", opt_str(p->family_name),
                     "given_names", opt_str(p->given_names), "birth_date",
                     date_json(p->birth_date), "sex",
                     opt_str(ib_code_text(ib_sex_codes, (int)p->sex)), "nationality",
                     p->nationality, "language", opt_str(p->language), "category",
                     ib_code_text(ib_category_codes, (int)p->category));
}

static json_t *stay_json(const ib_stay *s)
{
    return json_pack("{s:I, s:I, s:s, s:o, s:o}", "id", (json_int_t)s->meta.id,
                     "person_id", (json_int_t)s->person_id, "person_ref", s->person_ref,
                     "arrival_date", date_json(s->arrival), "departure_date",
                     date_json(s->departure));
}

static json_t *registration_json(const ib_registration *r)
{
    return json_pack("{s:I, s:I, s:s, s:s, s:o, s:o, s:o}", "id",
                     (json_int_t)r->meta.id, "person_id", (json_int_t)r->person_id,
                     "person_ref", r->person_ref, "kind",
                     ib_code_text(ib_reg_kind_codes, (int)r->kind), "municipality",
                     opt_str(r->municipality), "start_date", date_json(r->start),
                     "end_date", date_json(r->end));
}

static json_t *employment_json(const ib_employment *e)
{
    char sector[2] = {e->sector, '\0'};
    return json_pack("{s:I, s:I, s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:o}", "id",
                     (json_int_t)e->meta.id, "person_id", (json_int_t)e->person_id,
                     "person_ref", e->person_ref, "employer_ref", e->employer_ref,
                     "agency_ref", opt_str(e->agency_ref), "contract",
                     ib_code_text(ib_contract_codes, (int)e->contract), "start_date",
                     date_json(e->start), "end_date", date_json(e->end),
                     "hours_per_week", hundredths(e->hours_per_week), "monthly_wage",
                     hundredths(e->monthly_wage), "sector", opt_str(sector));
}

static json_t *housing_json(const ib_housing *h)
{
    return json_pack("{s:I, s:I, s:s, s:I, s:s, s:o, s:o, s:o}", "id",
                     (json_int_t)h->meta.id, "person_id", (json_int_t)h->person_id,
                     "person_ref", h->person_ref, "location_id",
                     (json_int_t)h->location_id, "location_ref", h->location_ref,
                     "provided_by_ref", opt_str(h->provided_by_ref), "start_date",
                     date_json(h->start), "end_date", date_json(h->end));
}

static json_t *life_event_json(const ib_life_event *ev)
{
    return json_pack("{s:I, s:I, s:s, s:s, s:o}", "id", (json_int_t)ev->meta.id,
                     "person_id", (json_int_t)ev->person_id, "person_ref",
                     ev->person_ref, "event", ib_code_text(ib_event_codes, (int)ev->event),
                     "date", date_json(ev->date));
}

static json_t *contact_json(const ib_contact *c)
{
    return json_pack("{s:I, s:I, s:s, s:o, s:s, s:o, s:o, s:o, s:o}", "id",
                     (json_int_t)c->meta.id, "person_id", (json_int_t)c->person_id,
                     "person_ref", c->person_ref, "date", date_json(c->date), "kind",
                     ib_code_text(ib_contact_kind_codes, (int)c->kind), "channel",
                     opt_str(ib_code_text(ib_channel_codes, (int)c->channel)), "topics",
                     opt_str(c->topics), "language", opt_str(c->language), "understood",
                     opt_str(ib_code_text(ib_understood_codes, (int)c->understood)));
}

static json_t *location_json(const ib_location *l)
{
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "id",
                     (json_int_t)l->meta.id, "sender_id", (json_int_t)l->meta.sender_id,
                     "location_ref", l->ref, "postcode", l->postcode, "house_number",
                     l->house_number, "municipality", l->municipality, "kind",
                     ib_code_text(ib_location_kind_codes, (int)l->kind), "capacity",
                     opt_int(l->capacity, -1), "floor_area_m2",
                     hundredths(l->floor_area_m2), "provider_ref",
                     opt_str(l->provider_ref), "certified_until",
                     date_json(l->certified_until));
}

static json_t *organisation_json(const ib_organisation *o)
{
    return json_pack("{s:I, s:I, s:s, s:s, s:o, s:s, s:o}", "id",
                     (json_int_t)o->meta.id, "sender_id", (json_int_t)o->meta.sender_id,
                     "org_ref", o->ref, "name", o->name, "kvk", opt_str(o->kvk), "kind",
                     ib_code_text(ib_org_kind_codes, (int)o->kind), "certified",
                     opt_str(ib_code_text(ib_cert_codes, (int)o->certified)));
}

/* ------------------------------------------------------------ senders */

static int add_sender(void *ctx, int64_t id, const char *ref)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    return json_object_set_new(ctx, key, json_string(ref)) ? IB_ENOMEM : 0;
}

/* The senders' refs by id (keys are decimal ids), to say who delivered each
 * record; NULL with err filled on failure. Caller decrefs. */
static json_t *load_senders(hreq *req, ib_err *err)
{
    json_t *m = json_object();
    int rc = m ? ib_store_each_sender(req->st, add_sender, m, err) : IB_ENOMEM;
    if (rc == IB_OK)
        return m;
    if (rc == IB_ENOMEM)
        ib_err_set(err, IB_ENOMEM, "geheugen vol");
    json_decref(m);
    return NULL;
}

/* o with "sender": the ref of the sender that delivered the record, so that
 * a caseworker sees which records its own organisation may correct. */
static json_t *with_sender(json_t *o, json_t *senders, int64_t sender_id)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)sender_id);
    json_t *ref = json_object_get(senders, key);
    json_object_set_new(o, "sender", ref ? json_incref(ref) : json_string(""));
    return o;
}

static json_t *page_json(json_t *items, int64_t page, int64_t size, int64_t total)
{
    return json_pack("{s:o, s:I, s:I, s:I}", "items", items, "page", (json_int_t)page,
                     "pageSize", (json_int_t)size, "total", (json_int_t)total);
}

/* ------------------------------------------------------------ scope */

static int copy_first_person(void *ctx, const ib_person *p)
{
    *(ib_person *)ctx = *p;
    return 1;
}

/* An agency sees a person through its own record only (docs/linkage.md:
 * that another sender knows the person is not shown to it): *p becomes
 * the agency's record of the person, IB_ENOTFOUND when it has none. */
static int own_record(hreq *req, ib_person *p, ib_err *err)
{
    ib_person_query q = {.sender_id = req->sender_scope, .person_id = p->person_id,
                         .limit = 1};
    ib_person own;
    int64_t total = 0;
    memset(&own, 0, sizeof own);
    int rc = ib_store_query_persons(req->st, &q, copy_first_person, &own, &total, err);
    sodium_memzero(p->bsn, sizeof p->bsn);
    if (rc < 0)
        return rc;
    if (total == 0)
        return IB_ENOTFOUND;
    *p = own;
    sodium_memzero(own.bsn, sizeof own.bsn);
    return IB_OK;
}

/* Loads person {id} if visible; otherwise answers 404 and returns false. */
static bool load_person(hreq *req, hresp *resp, const char *idtext, ib_person *p)
{
    int64_t id;
    ib_err err;
    bool ok = false;
    if (!ib_http_parse_id(idtext, &id)) {
        ib_problem_not_found(resp);
        return false;
    }
    int rc = ib_store_get_person_by_id(req->st, id, p, &err);
    if (rc == IB_OK && req->user.role == IB_ROLE_AGENCY)
        rc = own_record(req, p, &err);
    if (rc == IB_OK)
        rc = ib_person_visible(req, p, &ok, &err);
    if (rc == IB_ENOTFOUND) {
        sodium_memzero(p->bsn, sizeof p->bsn);
        ib_problem_not_found(resp);
        return false;
    }
    if (rc) {
        ib_problem_from_err(resp, &err);
        return false;
    }
    if (!ok) {
        sodium_memzero(p->bsn, sizeof p->bsn);
        ib_problem_not_found(resp);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------ persons */

typedef struct list_ctx {
    hreq *req;
    json_t *items;
    json_t *senders;            /* load_senders() */
    int64_t skip, take, total;
    int64_t last_person;
    ib_err err;
    int rc;
} list_ctx;

static int audit_person_read(list_ctx *lc, int64_t person_id, const char *entity,
                             int64_t entity_id)
{
    if (person_id == lc->last_person)     /* one entry per person a page */
        return 0;
    lc->last_person = person_id;
    lc->rc = ib_audit_request(lc->req, "read", entity, entity_id, person_id, &lc->err);
    return lc->rc;
}

/* A list reads one snapshot in a read transaction (no write lock; its
 * audit entries are queued, see ib_request_end_read), senders included. */
static int begin_list(hreq *req, list_ctx *lc, ib_err *err)
{
    int rc = ib_store_begin_read(req->st, err);
    if (rc == IB_OK && !(lc->senders = load_senders(req, err)))
        rc = err->code;
    return rc;
}

static int person_item(void *ctx, const ib_person *p)
{
    list_ctx *lc = ctx;
    json_array_append_new(lc->items,
                          with_sender(person_json(p), lc->senders, p->meta.sender_id));
    return audit_person_read(lc, p->person_id, "person", p->meta.id);
}

static const char *const person_params[] = {
    "page", "pageSize", "sort", "ref", "nationality", "family_name", "birth_date",
    "unregistered_on", "bsn", "purpose", NULL};

/* ?unregistered_on=R: the caseworker's work list of persons present on R
 * for more than 120 days without a BRP registration (the monitor's
 * four-month rule). A list of persons to act on, so for caseworkers (in
 * their scope) and administrators, not for an agency. False with a
 * problem answered when refused or malformed. */
static bool take_unregistered(hreq *req, hresp *resp, ib_person_query *q)
{
    const char *on = ib_query(req, "unregistered_on");
    ib_err err;
    if (!on)
        return true;
    if (req->user.role != IB_ROLE_CASEWORKER && req->user.role != IB_ROLE_ADMIN) {
        ib_problem_forbidden(resp);
        return false;
    }
    if (ib_date_parse(on, strlen(on), &q->unregistered_on, &err) != IB_OK) {
        ib_problem_bad_request(resp, "unregistered_on: een datum JJJJ-MM-DD.",
                               "unregistered_on: a date YYYY-MM-DD.");
        return false;
    }
    q->by_unregistered = true;
    return true;
}

/* ?bsn=: the persons with exactly this BSN (compared through the store's
 * keyed hash) that the user may see, one row per person as in the list
 * (docs/linkage.md): the records the BSN finds are gathered into their
 * persons first, then each person is shown as the list shows it (an
 * agency: through its own record, never another sender's). Usually one
 * person, so one page. */
typedef struct bsn_ctx {
    int64_t *ids;               /* the persons found, without repeats */
    size_t n, cap;
} bsn_ctx;

static int bsn_record(void *ctx, const ib_person *p)
{
    bsn_ctx *bc = ctx;
    for (size_t i = 0; i < bc->n; i++)
        if (bc->ids[i] == p->person_id)
            return 0;
    if (bc->n == bc->cap) {
        size_t cap = bc->cap ? 2 * bc->cap : 4;
        int64_t *v = realloc(bc->ids, cap * sizeof *v);
        if (!v)
            return IB_ENOMEM;
        bc->ids = v;
        bc->cap = cap;
    }
    bc->ids[bc->n++] = p->person_id;
    return 0;
}

/* Person bc->ids[i] as the list shows it to this user, into lc->items when
 * it falls on the page; *shown counts the visible ones. */
static int bsn_person(list_ctx *lc, int64_t id, int64_t skip, int64_t take,
                      int64_t *shown, ib_err *err)
{
    ib_person p;
    bool ok = false;
    int rc = ib_store_get_person_by_id(lc->req->st, id, &p, err);
    if (rc == IB_OK && lc->req->user.role == IB_ROLE_AGENCY)
        rc = own_record(lc->req, &p, err);
    if (rc == IB_OK)
        rc = ib_person_visible(lc->req, &p, &ok, err);
    if (rc == IB_OK && ok) {
        int64_t i = (*shown)++;
        if (i >= skip && i < skip + take && person_item(lc, &p) != 0)
            rc = lc->rc;
        if (rc)
            *err = lc->err;
    }
    sodium_memzero(p.bsn, sizeof p.bsn);
    return rc == IB_ENOTFOUND ? IB_OK : rc;
}

static int persons_by_bsn(hreq *req, hresp *resp, const char *bsn, int64_t page,
                          int64_t size)
{
    if (!ib_bsn_is_valid(bsn, strlen(bsn)))
        return ib_problem_bad_request(resp, "bsn: 9 cijfers die de elfproef doorstaan.",
                                      "bsn: 9 digits passing the 11-check.");
    ib_err err;
    list_ctx lc = {.req = req, .items = json_array()};
    bsn_ctx bc = {0};
    int64_t shown = 0;
    int rc = begin_list(req, &lc, &err);
    if (rc == IB_OK) {
        rc = ib_store_find_person_by_bsn(req->st, bsn, bsn_record, &bc, &err);
        if (rc == IB_ENOMEM)
            ib_err_set(&err, IB_ENOMEM, "onvoldoende geheugen");
    }
    for (size_t i = 0; rc == IB_OK && i < bc.n; i++)
        rc = bsn_person(&lc, bc.ids[i], (page - 1) * size, size, &shown, &err);
    free(bc.ids);
    rc = ib_request_end_read(req, rc, &err);
    json_decref(lc.senders);
    if (rc) {
        json_decref(lc.items);
        return ib_problem_from_err(resp, &err);
    }
    return ib_json_answer(resp, 200, page_json(lc.items, page, size, shown), true);
}

int ib_api_persons_list(hreq *req, hresp *resp)
{
    int64_t page, size;
    if (ib_query_only(req, resp, person_params) || !ib_query_page(req, resp, &page, &size))
        return 0;
    ib_person_query q = {.limit = size, .offset = (page - 1) * size};
    static const struct { const char *name; ib_person_sort sort; } sorts[] = {
        {"id", IB_PSORT_ID}, {"person_ref", IB_PSORT_REF},
        {"family_name", IB_PSORT_FAMILY_NAME}, {"birth_date", IB_PSORT_BIRTH_DATE}};
    const char *sort = ib_query(req, "sort");
    if (sort) {
        q.descending = sort[0] == '-';
        const char *key = sort + (q.descending ? 1 : 0);
        bool found = false;
        for (size_t i = 0; i < sizeof sorts / sizeof *sorts; i++)
            if (strcmp(key, sorts[i].name) == 0) {
                q.sort = sorts[i].sort;
                found = true;
            }
        if (!found)
            return ib_problem_bad_request(resp, "sort: id, person_ref, family_name of "
                                                "birth_date, met - voor aflopend.",
                                          "sort: id, person_ref, family_name or "
                                          "birth_date, prefixed - for descending.");
    }
    if (ib_query(req, "bsn"))
        return persons_by_bsn(req, resp, ib_query(req, "bsn"), page, size);
    q.ref = ib_query(req, "ref");
    q.nationality = ib_query(req, "nationality");
    q.family_name = ib_query(req, "family_name");
    const char *born = ib_query(req, "birth_date");
    ib_err derr;
    if (born && ib_date_parse(born, strlen(born), &q.birth_date, &derr) != IB_OK)
        return ib_problem_bad_request(resp, "birth_date: een datum JJJJ-MM-DD.",
                                      "birth_date: a date YYYY-MM-DD.");
    q.by_birth_date = born != NULL;
    if (!take_unregistered(req, resp, &q))
        return 0;
    if ((q.ref && (!q.ref[0] || strlen(q.ref) > IB_REF_MAX)) ||
        (q.nationality && !ib_country_is_valid(q.nationality)) ||
        (q.family_name && (!q.family_name[0] || strlen(q.family_name) > IB_NAME_MAX)))
        return ib_problem_bad_request(resp, "ref (1-64 tekens), nationality (ISO-code) "
                                            "of family_name (1-128 tekens) ongeldig.",
                                      "ref (1-64 characters), nationality (ISO code) or "
                                      "family_name (1-128 characters) is invalid.");
    ib_person_scope(req, &q);
    ib_err err;
    list_ctx lc = {.req = req, .items = json_array()};
    int64_t total = 0;
    int rc = begin_list(req, &lc, &err);
    if (rc == IB_OK)
        rc = ib_store_query_persons(req->st, &q, person_item, &lc, &total, &err);
    rc = ib_request_end_read(req, rc, &err);
    json_decref(lc.senders);
    if (rc) {
        json_decref(lc.items);
        return ib_problem_from_err(resp, lc.rc ? &lc.err : &err);
    }
    return ib_json_answer(resp, 200, page_json(lc.items, page, size, total), true);
}

typedef struct timeline_ctx {
    json_t *stays, *registrations, *employments, *housings, *events, *contacts;
    json_t *senders;
    ib_ties *ties;              /* the jobs' and beds' organisations */
    ib_store *st;
    ib_err *err;
} timeline_ctx;

#define TIMELINE_ITEM(fn, type, tojson, list)                                  \
    static int fn(void *ctx, const type *rec)                                  \
    {                                                                          \
        timeline_ctx *tc = ctx;                                                \
        json_t *o = with_sender(tojson(rec), tc->senders, rec->meta.sender_id); \
        return json_array_append_new(tc->list, o) ? -1 : 0;                    \
    }
TIMELINE_ITEM(tl_stay, ib_stay, stay_json, stays)
TIMELINE_ITEM(tl_reg, ib_registration, registration_json, registrations)
TIMELINE_ITEM(tl_evt, ib_life_event, life_event_json, events)
TIMELINE_ITEM(tl_con, ib_contact, contact_json, contacts)

static int tl_emp(void *ctx, const ib_employment *e)
{
    timeline_ctx *tc = ctx;
    json_t *o = with_sender(employment_json(e), tc->senders, e->meta.sender_id);
    if (json_array_append_new(tc->employments, o))
        return -1;
    return ib_ties_add_job(tc->ties, o, e);
}

/* A bed in the timeline also says where it is: the location's address. */
static int tl_hou(void *ctx, const ib_housing *h)
{
    timeline_ctx *tc = ctx;
    json_t *o = with_sender(housing_json(h), tc->senders, h->meta.sender_id);
    if (json_array_append_new(tc->housings, o))
        return -1;
    ib_location l;
    int rc = ib_store_get_location_by_id(tc->st, h->location_id, &l, tc->err);
    if (rc != IB_OK && rc != IB_ENOTFOUND)
        return rc;
    bool found = rc == IB_OK;
    json_object_set_new(o, "postcode", found ? json_string(l.postcode) : json_null());
    json_object_set_new(o, "house_number", found ? json_string(l.house_number) : json_null());
    json_object_set_new(o, "municipality", found ? json_string(l.municipality) : json_null());
    return ib_ties_add_bed(tc->ties, o, h);
}

/* ------------------------------------------------------------ a person's records */

typedef struct records_ctx {
    json_t *items, *senders;
    const ib_person *shown;         /* the record the person's attributes come from */
    bool differ[5];                 /* birth_date, sex, nationality, category, names */
} records_ctx;

static int record_item(void *ctx, const ib_person_record *r)
{
    records_ctx *c = ctx;
    const ib_person *p = &r->p, *b = c->shown;
    c->differ[0] |= p->birth_date != b->birth_date;
    c->differ[1] |= p->sex != b->sex && p->sex != IB_SEX_UNKNOWN && b->sex != IB_SEX_UNKNOWN;
    c->differ[2] |= strcmp(p->nationality, b->nationality) != 0;
    c->differ[3] |= p->category != b->category;
    char f1[IB_NAME_NORM_MAX], f2[IB_NAME_NORM_MAX], g1[IB_NAME_NORM_MAX], g2[IB_NAME_NORM_MAX];
    if (ib_name_normalise(p->family_name, f1, sizeof f1) == IB_OK &&
        ib_name_normalise(b->family_name, f2, sizeof f2) == IB_OK &&
        ib_name_normalise(p->given_names, g1, sizeof g1) == IB_OK &&
        ib_name_normalise(b->given_names, g2, sizeof g2) == IB_OK)
        c->differ[4] |= strcmp(f1, f2) != 0 || strcmp(g1, g2) != 0;
    json_t *o = with_sender(person_json(p), c->senders, p->meta.sender_id);
    json_object_set_new(o, "record_id", json_integer((json_int_t)p->meta.id));
    json_object_set_new(o, "linked_by",
                        opt_str(ib_code_text(ib_link_rule_codes, (int)r->rule)));
    json_object_del(o, "id");
    json_array_append_new(c->items, o);
    return 0;
}

/* The records the senders delivered for this person, and the fixed
 * attributes on which they disagree (docs/linkage.md): for every role that
 * may see a person whole (not an agency). */
static int add_records(hreq *req, json_t *o, const ib_person *p, json_t *senders,
                       ib_err *err)
{
    records_ctx c = {.items = json_array(), .senders = senders, .shown = p};
    int rc = ib_store_each_record(req->st, p->person_id, 0, record_item, &c, err);
    if (rc) {
        json_decref(c.items);
        return rc;
    }
    static const char *const names[] = {"birth_date", "sex", "nationality", "category",
                                        "names"};
    json_t *conflicts = json_array();
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (c.differ[i])
            json_array_append_new(conflicts, json_string(names[i]));
    json_t *person = json_object_get(o, "person");
    json_object_set_new(person, "records", c.items);
    json_object_set_new(person, "conflicts", conflicts);
    return IB_OK;
}

static const char *const only_purpose[] = {"purpose", NULL};

int ib_api_persons_get(hreq *req, hresp *resp)
{
    if (ib_query_only(req, resp, only_purpose))
        return 0;
    /* One snapshot for the whole page (a person never beside another
     * version of their timeline), and one read lock instead of one per
     * statement; the audit entry is queued (see ib_request_end_read). */
    ib_err err;
    if (ib_store_begin_read(req->st, &err) != IB_OK)
        return ib_problem_from_err(resp, &err);
    ib_person p;
    if (!load_person(req, resp, req->params[0], &p)) {
        ib_request_end_read(req, IB_OK, &err);
        return 0;
    }
    timeline_ctx tc = {json_array(), json_array(), json_array(), json_array(),
                       json_array(), json_array(), load_senders(req, &err),
                       ib_ties_new(IB_DATE_NONE), req->st, &err};
    json_t *o = json_pack("{s:o, s:{s:o, s:o, s:o, s:o, s:o, s:o}}", "person",
                          with_sender(person_json(&p), tc.senders, p.meta.sender_id),
                          "timeline", "stays", tc.stays, "registrations",
                          tc.registrations, "employments", tc.employments, "housings",
                          tc.housings, "life_events", tc.events, "contacts", tc.contacts);
    ib_filter f = {.person_id = p.person_id};
    int rc = tc.senders ? IB_OK : err.code;
    if (!rc && !tc.ties)
        rc = ib_err_set(&err, IB_ENOMEM, "geheugen vol");
    if (req->user.role == IB_ROLE_AGENCY)
        f.sender_id = req->sender_scope;      /* its own episodes only */
    else if (!rc)
        rc = add_records(req, o, &p, tc.senders, &err);
    sodium_memzero(p.bsn, sizeof p.bsn);
    if (!rc) rc = ib_audit_request(req, "read", "person", p.meta.id, p.person_id, &err);
    if (!rc) rc = ib_store_each_stay(req->st, &f, tl_stay, &tc, &err);
    if (!rc) rc = ib_store_each_registration(req->st, &f, tl_reg, &tc, &err);
    if (!rc) rc = ib_store_each_employment(req->st, &f, tl_emp, &tc, &err);
    if (!rc) rc = ib_store_each_housing(req->st, &f, tl_hou, &tc, &err);
    if (!rc) rc = ib_store_each_life_event(req->st, &f, tl_evt, &tc, &err);
    if (!rc) rc = ib_store_each_contact(req->st, &f, tl_con, &tc, &err);
    /* names, certification and tied housing; an agency's from its own
     * records only, as the monitor's --sender */
    if (!rc) rc = ib_ties_finish(req, tc.ties, &err);
    rc = ib_request_end_read(req, rc, &err);
    json_decref(tc.senders);
    ib_ties_free(tc.ties);
    if (rc) {
        json_decref(o);
        return ib_problem_from_err(resp, &err);
    }
    return ib_json_answer(resp, 200, o, true);
}

/* ------------------------------------------------------------ episodes */

#define EPISODE_ITEM(fn, type, tojson)                                         \
    static int fn(void *ctx, const type *rec)                                  \
    {                                                                          \
        list_ctx *lc = ctx;                                                    \
        int64_t i = lc->total++;                                               \
        if (i < lc->skip || i >= lc->skip + lc->take)                          \
            return 0;                                                          \
        json_array_append_new(lc->items, with_sender(tojson(rec), lc->senders,  \
                                                     rec->meta.sender_id));    \
        return audit_person_read(lc, rec->person_id, "person", rec->person_id); \
    }
EPISODE_ITEM(ep_stay, ib_stay, stay_json)
EPISODE_ITEM(ep_reg, ib_registration, registration_json)
EPISODE_ITEM(ep_emp, ib_employment, employment_json)
EPISODE_ITEM(ep_hou, ib_housing, housing_json)
EPISODE_ITEM(ep_evt, ib_life_event, life_event_json)
EPISODE_ITEM(ep_con, ib_contact, contact_json)

static int episodes(hreq *req, hresp *resp, ib_kind kind)
{
    static const char *const params[] = {"page", "pageSize", "person", "purpose", NULL};
    int64_t page, size;
    if (ib_query_only(req, resp, params) || !ib_query_page(req, resp, &page, &size))
        return 0;
    ib_filter f = {0};
    const char *person = ib_query(req, "person");
    if (person) {
        ib_person p;
        if (!load_person(req, resp, person, &p))
            return 0;
        sodium_memzero(p.bsn, sizeof p.bsn);
        f.person_id = p.person_id;
    } else if (req->user.role == IB_ROLE_CASEWORKER) {
        return ib_problem_bad_request(resp, "Geef de persoon: ?person=ID.",
                                      "Name the person: ?person=ID.");
    }
    if (req->user.role == IB_ROLE_AGENCY)
        f.sender_id = req->sender_scope;
    ib_err err;
    list_ctx lc = {.req = req, .items = json_array(), .skip = (page - 1) * size,
                   .take = size};
    int rc = begin_list(req, &lc, &err);
    if (rc == IB_OK) {
        switch (kind) {
        case IB_KIND_STAY: rc = ib_store_each_stay(req->st, &f, ep_stay, &lc, &err); break;
        case IB_KIND_REGISTRATION:
            rc = ib_store_each_registration(req->st, &f, ep_reg, &lc, &err);
            break;
        case IB_KIND_EMPLOYMENT:
            rc = ib_store_each_employment(req->st, &f, ep_emp, &lc, &err);
            break;
        case IB_KIND_HOUSING: rc = ib_store_each_housing(req->st, &f, ep_hou, &lc, &err); break;
        case IB_KIND_CONTACT: rc = ib_store_each_contact(req->st, &f, ep_con, &lc, &err); break;
        default: rc = ib_store_each_life_event(req->st, &f, ep_evt, &lc, &err); break;
        }
    }
    rc = ib_request_end_read(req, rc, &err);
    json_decref(lc.senders);
    if (rc) {
        json_decref(lc.items);
        return ib_problem_from_err(resp, lc.rc ? &lc.err : &err);
    }
    return ib_json_answer(resp, 200, page_json(lc.items, page, size, lc.total), true);
}

int ib_api_stays(hreq *req, hresp *resp) { return episodes(req, resp, IB_KIND_STAY); }
int ib_api_registrations(hreq *req, hresp *resp)
{
    return episodes(req, resp, IB_KIND_REGISTRATION);
}
int ib_api_employments(hreq *req, hresp *resp)
{
    return episodes(req, resp, IB_KIND_EMPLOYMENT);
}
int ib_api_housings(hreq *req, hresp *resp) { return episodes(req, resp, IB_KIND_HOUSING); }
int ib_api_life_events(hreq *req, hresp *resp)
{
    return episodes(req, resp, IB_KIND_LIFE_EVENT);
}
int ib_api_contacts(hreq *req, hresp *resp) { return episodes(req, resp, IB_KIND_CONTACT); }

/* ------------------------------------------------------------ locations */

typedef struct loc_ctx {
    hreq *req;
    json_t *items;
    const char *municipality;
    int64_t skip, take, total;
} loc_ctx;

static int loc_item(void *ctx, const ib_location *l)
{
    loc_ctx *lc = ctx;
    if (!ib_location_visible(lc->req, l) ||
        (lc->municipality && strcmp(lc->municipality, l->municipality) != 0))
        return 0;
    int64_t i = lc->total++;
    if (i >= lc->skip && i < lc->skip + lc->take)
        json_array_append_new(lc->items, location_json(l));
    return 0;
}

int ib_api_locations_list(hreq *req, hresp *resp)
{
    static const char *const params[] = {"page", "pageSize", "municipality", "purpose",
                                         NULL};
    int64_t page, size;
    if (ib_query_only(req, resp, params) || !ib_query_page(req, resp, &page, &size))
        return 0;
    const char *muni = ib_query(req, "municipality");
    if (muni && !ib_municipality_is_valid(muni, strlen(muni)))
        return ib_problem_bad_request(resp, "municipality: GM en 4 cijfers.",
                                      "municipality: GM and 4 digits.");
    ib_filter f = {.sender_id = req->user.role == IB_ROLE_AGENCY ? req->sender_scope : 0};
    loc_ctx lc = {req, json_array(), muni, (page - 1) * size, size, 0};
    ib_err err;
    if (ib_store_each_location(req->st, &f, loc_item, &lc, &err) != IB_OK) {
        json_decref(lc.items);
        return ib_problem_from_err(resp, &err);
    }
    return ib_json_answer(resp, 200, page_json(lc.items, page, size, lc.total), true);
}

bool ib_load_location(hreq *req, hresp *resp, ib_location *l)
{
    int64_t id;
    ib_err err;
    if (!ib_http_parse_id(req->params[0], &id)) {
        ib_problem_not_found(resp);
        return false;
    }
    if (ib_store_get_location_by_id(req->st, id, l, &err) != IB_OK) {
        ib_problem_from_err(resp, &err);
        return false;
    }
    if (!ib_location_visible(req, l)) {
        ib_problem_not_found(resp);
        return false;
    }
    return true;
}

/* One location, with the name of its provider (the list has the ref). */
int ib_api_locations_get(hreq *req, hresp *resp)
{
    ib_location l;
    if (ib_query_only(req, resp, only_purpose) || !ib_load_location(req, resp, &l))
        return 0;
    ib_organisation o;
    ib_err err;
    int rc = l.provider_id ? ib_store_get_organisation_by_id(req->st, l.provider_id, &o, &err)
                           : IB_ENOTFOUND;
    if (rc != IB_OK && rc != IB_ENOTFOUND)
        return ib_problem_from_err(resp, &err);
    json_t *j = location_json(&l);
    json_object_set_new(j, "provider_name", rc == IB_OK ? json_string(o.name) : json_null());
    return ib_json_answer(resp, 200, j, true);
}

/* ------------------------------------------------------------ organisations */

static int org_item(void *ctx, const ib_organisation *o)
{
    loc_ctx *lc = ctx;
    int64_t i = lc->total++;
    if (i >= lc->skip && i < lc->skip + lc->take)
        json_array_append_new(lc->items, organisation_json(o));
    return 0;
}

int ib_api_organisations_list(hreq *req, hresp *resp)
{
    static const char *const params[] = {"page", "pageSize", "purpose", NULL};
    int64_t page, size;
    if (ib_query_only(req, resp, params) || !ib_query_page(req, resp, &page, &size))
        return 0;
    ib_filter f = {.sender_id = req->user.role == IB_ROLE_AGENCY ? req->sender_scope : 0};
    loc_ctx lc = {req, json_array(), NULL, (page - 1) * size, size, 0};
    ib_err err;
    if (ib_store_each_organisation(req->st, &f, org_item, &lc, &err) != IB_OK) {
        json_decref(lc.items);
        return ib_problem_from_err(resp, &err);
    }
    return ib_json_answer(resp, 200, page_json(lc.items, page, size, lc.total), true);
}

int ib_api_organisations_get(hreq *req, hresp *resp)
{
    if (ib_query_only(req, resp, only_purpose))
        return 0;
    int64_t id;
    ib_organisation o;
    ib_err err;
    if (!ib_http_parse_id(req->params[0], &id))
        return ib_problem_not_found(resp);
    int rc = ib_store_get_organisation_by_id(req->st, id, &o, &err);
    if (rc)
        return ib_problem_from_err(resp, &err);
    if (req->user.role == IB_ROLE_AGENCY && o.meta.sender_id != req->sender_scope)
        return ib_problem_not_found(resp);
    return ib_json_answer(resp, 200, organisation_json(&o), true);
}

/* ------------------------------------------------------------ statistics */

/* Counts below this are shown as "<10" (small-cell suppression, as the
 * monitor does). */
#define SMALL_CELL 10

static json_t *suppressed(int64_t n)
{
    return n > 0 && n < SMALL_CELL ? json_string("<10") : json_integer(n);
}

int ib_api_statistics(hreq *req, hresp *resp)
{
    if (ib_query_only(req, resp, only_purpose))
        return 0;
    ib_store_counts c;
    ib_err err;
    if (ib_store_count(req->st, &c, &err) != IB_OK)
        return ib_problem_from_err(resp, &err);
    json_t *counts = json_object();
    for (int k = 0; k < IB_KIND_COUNT; k++)
        json_object_set_new(counts, ib_kind_file_stem((ib_kind)k), suppressed(c.rows[k]));
    return ib_json_answer(resp, 200,
                          json_pack("{s:o, s:i}", "counts", counts, "suppression_k",
                                    SMALL_CELL),
                          true);
}
