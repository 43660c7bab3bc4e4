/* api_residents.c — who lives at a housing location, for the housing
 * register in the web application: occupancy of every visible location on
 * one day (overcrowded first needs it for the whole list), and for one
 * location its current residents and its occupancy on the first of each
 * month. A housing episode covers day d when start <= d <= end (as the
 * monitor counts, spec "Housing on day R"), and a resident's bed is tied on
 * that day by the monitor's rule (api_ties.c). Residents are person-level
 * data: each one listed is an audited read. */
#include "http/http_internal.h"

#include <stdlib.h>
#include <string.h>

#define MONTHS_MAX 240              /* occupancy series: at most 20 years */

static bool covers(const ib_housing *h, ib_date d)
{
    return h->start != IB_DATE_NONE && h->start <= d &&
           (h->end == IB_DATE_NONE || d <= h->end);
}

/* ?date=YYYY-MM-DD, default today; false (400 answered) when invalid. */
static bool query_date(hreq *req, hresp *resp, ib_date *out)
{
    const char *s = ib_query(req, "date");
    ib_err err;
    *out = ib_date_today();
    if (s && ib_date_parse(s, strlen(s), out, &err) != IB_OK) {
        ib_problem_bad_request(resp, "date: een datum JJJJ-MM-DD.",
                               "date: a date YYYY-MM-DD.");
        return false;
    }
    return true;
}

/* ------------------------------------------------------------ all locations */

typedef struct occ_entry {
    int64_t location_id;
    int64_t occupants;
} occ_entry;

typedef struct occ_ctx {
    const hreq *req;
    occ_entry *v;
    size_t n, cap;
    ib_date day;
} occ_ctx;

static int occ_location(void *ctx, const ib_location *l)
{
    occ_ctx *oc = ctx;
    if (!ib_location_visible(oc->req, l))
        return 0;
    if (oc->n == oc->cap) {
        size_t cap = oc->cap ? 2 * oc->cap : 256;
        occ_entry *v = realloc(oc->v, cap * sizeof *v);
        if (!v)
            return IB_ENOMEM;
        oc->v = v;
        oc->cap = cap;
    }
    oc->v[oc->n++] = (occ_entry){l->meta.id, 0};
    return 0;
}

static int cmp_entry(const void *a, const void *b)
{
    int64_t x = ((const occ_entry *)a)->location_id, y = ((const occ_entry *)b)->location_id;
    return (x > y) - (x < y);
}

static int occ_housing(void *ctx, const ib_housing *h)
{
    occ_ctx *oc = ctx;
    /* No visible location: nothing to count (and bsearch wants an array). */
    if (oc->n == 0 || !covers(h, oc->day))
        return 0;
    occ_entry key = {h->location_id, 0};
    occ_entry *e = bsearch(&key, oc->v, oc->n, sizeof *oc->v, cmp_entry);
    if (e)
        e->occupants++;
    return 0;
}

int ib_api_occupancy(hreq *req, hresp *resp)
{
    static const char *const params[] = {"date", "purpose", NULL};
    ib_date day;
    if (ib_query_only(req, resp, params) || !query_date(req, resp, &day))
        return 0;
    ib_filter f = {.sender_id = req->user.role == IB_ROLE_AGENCY ? req->sender_scope : 0};
    occ_ctx oc = {.req = req, .day = day};
    ib_err err;
    int rc = ib_store_begin_read(req->st, &err);   /* one snapshot, no write lock */
    if (rc == IB_OK)
        rc = ib_store_each_location(req->st, &f, occ_location, &oc, &err);
    if (rc == IB_OK) {
        if (oc.n)
            qsort(oc.v, oc.n, sizeof *oc.v, cmp_entry);
        rc = ib_store_each_housing(req->st, &f, occ_housing, &oc, &err);
    }
    rc = ib_request_end_read(req, rc, &err);
    if (rc) {
        free(oc.v);
        if (rc == IB_ENOMEM)
            ib_err_set(&err, IB_ENOMEM, "onvoldoende geheugen");
        return ib_problem_from_err(resp, &err);
    }
    json_t *items = json_array();
    for (size_t i = 0; i < oc.n; i++)
        json_array_append_new(items, json_pack("{s:I, s:I}", "location_id",
                                               (json_int_t)oc.v[i].location_id,
                                               "occupants", (json_int_t)oc.v[i].occupants));
    free(oc.v);
    char buf[IB_DATE_STRLEN];
    return ib_json_answer(resp, 200,
                          json_pack("{s:s, s:o}", "date", ib_date_format(day, buf),
                                    "items", items),
                          true);
}

/* ------------------------------------------------------------ one location */

typedef struct res_ctx {
    hreq *req;
    json_t *residents;
    ib_ties *ties;              /* the residents' beds, tied on the day */
    ib_date day, first_month;
    int64_t months[MONTHS_MAX];
    int nmonths;
    int64_t occupants;
    ib_err err;
    int rc;
} res_ctx;

static ib_date month_add(ib_date m, int k)
{
    int y, mo, d;
    ib_date_to_ymd(m, &y, &mo, &d);
    int t = y * 12 + (mo - 1) + k;
    return ib_date_from_ymd(t / 12, t % 12 + 1, 1);
}

static int res_housing(void *ctx, const ib_housing *h)
{
    res_ctx *rc = ctx;
    for (int k = 0; k < rc->nmonths; k++)
        if (covers(h, month_add(rc->first_month, k)))
            rc->months[k]++;
    if (!covers(h, rc->day))
        return 0;
    rc->occupants++;
    char s[IB_DATE_STRLEN], e[IB_DATE_STRLEN];
    /* "tied" and "provided_by_name" are added by ib_ties_finish */
    json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:o, s:o}", "housing_id",
                          (json_int_t)h->meta.id, "person_id", (json_int_t)h->person_id,
                          "person_ref", h->person_ref, "start_date",
                          ib_date_format(h->start, s), "end_date",
                          h->end == IB_DATE_NONE ? json_null()
                                                 : json_string(ib_date_format(h->end, e)),
                          "provided_by_ref",
                          h->provided_by_ref[0] ? json_string(h->provided_by_ref)
                                                : json_null());
    json_array_append_new(rc->residents, o);
    if (ib_ties_add_bed(rc->ties, o, h))
        return rc->rc = ib_err_set(&rc->err, IB_ENOMEM, "geheugen vol");
    rc->rc = ib_audit_request(rc->req, "read", "housing", h->meta.id, h->person_id,
                              &rc->err);
    return rc->rc;
}

/* The jobs of the residents, for the tie rule: each one's own (an
 * agency's: its own records only). */
static int res_job(void *ctx, const ib_employment *e)
{
    return ib_ties_add_job(ctx, NULL, e);
}

static int residents_jobs(hreq *req, res_ctx *c, ib_err *err)
{
    int rc = IB_OK;
    json_t *seen = json_object();
    size_t i;
    json_t *r;
    json_array_foreach(c->residents, i, r) {
        int64_t id = json_integer_value(json_object_get(r, "person_id"));
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)id);
        if (rc || json_object_get(seen, key))
            continue;
        json_object_set_new(seen, key, json_true());
        ib_filter f = {.person_id = id,
                       .sender_id = req->user.role == IB_ROLE_AGENCY ? req->sender_scope : 0};
        rc = ib_store_each_employment(req->st, &f, res_job, c->ties, err);
    }
    json_decref(seen);
    return rc;
}

/* The earliest start of the location's episodes, to begin the series. */
static int first_start(void *ctx, const ib_housing *h)
{
    ib_date *first = ctx;
    if (h->start != IB_DATE_NONE && (*first == IB_DATE_NONE || h->start < *first))
        *first = h->start;
    return 0;
}

int ib_api_location_residents(hreq *req, hresp *resp)
{
    static const char *const params[] = {"date", "purpose", NULL};
    ib_date day;
    ib_location l;
    if (ib_query_only(req, resp, params) || !query_date(req, resp, &day) ||
        !ib_load_location(req, resp, &l))
        return 0;
    int64_t id = l.meta.id;
    ib_err err;
    int rc;
    ib_filter f = {.location_id = id,
                   .sender_id = req->user.role == IB_ROLE_AGENCY ? req->sender_scope : 0};
    res_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return ib_problem(resp, 503, "Tijdelijk niet beschikbaar", "Temporarily unavailable",
                          NULL, NULL);
    c->req = req;
    c->day = day;
    c->residents = json_array();
    c->ties = ib_ties_new(day);
    ib_date first = IB_DATE_NONE;
    rc = ib_store_begin_read(req->st, &err);  /* audit entries queued */
    if (rc == IB_OK)
        rc = ib_store_each_housing(req->st, &f, first_start, &first, &err);
    if (rc == IB_OK && first != IB_DATE_NONE && first <= day) {
        ib_date last = ib_date_month_start(day);
        c->first_month = ib_date_month_start(first);
        int y0, m0, y1, m1, d;
        ib_date_to_ymd(c->first_month, &y0, &m0, &d);
        ib_date_to_ymd(last, &y1, &m1, &d);
        int n = (y1 - y0) * 12 + (m1 - m0) + 1;
        if (n > MONTHS_MAX) {
            c->first_month = month_add(last, -(MONTHS_MAX - 1));
            n = MONTHS_MAX;
        }
        c->nmonths = n;
    }
    if (rc == IB_OK && !c->ties)
        rc = ib_err_set(&err, IB_ENOMEM, "geheugen vol");
    if (rc == IB_OK)
        rc = ib_store_each_housing(req->st, &f, res_housing, c, &err);
    if (rc == IB_OK)
        rc = residents_jobs(req, c, &err);
    if (rc == IB_OK)
        rc = ib_ties_finish(req, c->ties, &err);
    rc = ib_request_end_read(req, rc, &err);
    ib_ties_free(c->ties);
    if (rc) {
        json_decref(c->residents);
        int status = ib_problem_from_err(resp, c->rc ? &c->err : &err);
        free(c);
        return status;
    }
    json_t *series = json_array();
    char buf[IB_DATE_STRLEN];
    for (int k = 0; k < c->nmonths; k++)
        json_array_append_new(series, json_pack("{s:s, s:I}", "date",
                                                ib_date_format(month_add(c->first_month, k),
                                                               buf),
                                                "occupants", (json_int_t)c->months[k]));
    json_t *o = json_pack("{s:I, s:s, s:o, s:I, s:o, s:o}", "location_id", (json_int_t)id,
                          "date", ib_date_format(day, buf), "capacity",
                          l.capacity < 0 ? json_null() : json_integer(l.capacity),
                          "occupants", (json_int_t)c->occupants, "residents", c->residents,
                          "occupancy", series);
    free(c);
    return ib_json_answer(resp, 200, o, true);
}
