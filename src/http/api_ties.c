/* api_ties.c — what the organisations of a person's jobs and beds add to an
 * answer: their names, an agency's certification, and whether a bed is
 * tied to the job by the monitor's own rule (monitor/tied.c: the bed's
 * provider is the person's employer or agency on that day; the records of
 * one KvK number are one organisation, as in the monitor). Used by a
 * person's timeline and a location's residents. */
#include "http/http_internal.h"
#include "monitor/monitor.h"

#include <stdlib.h>
#include <string.h>

typedef struct tie_org {
    int64_t id;
    int64_t same_as;            /* index of the first org of its KvK number */
    ib_organisation o;
    bool found;
} tie_org;

typedef struct tie_emp {
    json_t *o;
    int64_t person_id, employer, agency;    /* store ids, 0 none */
    ib_date start, end;
} tie_emp;

typedef struct tie_bed {
    json_t *o;
    int64_t person_id, provider;
    ib_date start, end;
} tie_bed;

struct ib_ties {
    tie_emp *emps;
    size_t n_emps, cap_emps;
    tie_bed *beds;
    size_t n_beds, cap_beds;
    tie_org *orgs;
    size_t n_orgs, cap_orgs;
    ib_date day;
};

static int grow(void **v, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return IB_OK;
    size_t n = *cap ? 2 * *cap : 16;
    while (n < need)
        n *= 2;
    void *p = realloc(*v, n * size);
    if (!p)
        return IB_ENOMEM;
    *v = p;
    *cap = n;
    return IB_OK;
}

ib_ties *ib_ties_new(ib_date day)
{
    ib_ties *t = calloc(1, sizeof *t);
    if (t)
        t->day = day;
    return t;
}

void ib_ties_free(ib_ties *t)
{
    if (!t)
        return;
    free(t->emps);
    free(t->beds);
    free(t->orgs);
    free(t);
}

int ib_ties_add_job(ib_ties *t, json_t *o, const ib_employment *e)
{
    if (grow((void **)&t->emps, &t->cap_emps, t->n_emps + 1, sizeof *t->emps))
        return IB_ENOMEM;
    t->emps[t->n_emps++] = (tie_emp){o, e->person_id, e->employer_id, e->agency_id,
                                     e->start, e->end};
    return IB_OK;
}

int ib_ties_add_bed(ib_ties *t, json_t *o, const ib_housing *h)
{
    if (grow((void **)&t->beds, &t->cap_beds, t->n_beds + 1, sizeof *t->beds))
        return IB_ENOMEM;
    t->beds[t->n_beds++] = (tie_bed){o, h->person_id, h->provided_by_id, h->start, h->end};
    return IB_OK;
}

/* The index of organisation id in t->orgs, loaded from the store the first
 * time; -1 for id 0 (none). */
static int64_t org_index(hreq *req, ib_ties *t, int64_t id, int *rc, ib_err *err)
{
    if (id == 0)
        return -1;
    for (size_t i = 0; i < t->n_orgs; i++)
        if (t->orgs[i].id == id)
            return (int64_t)i;
    if (grow((void **)&t->orgs, &t->cap_orgs, t->n_orgs + 1, sizeof *t->orgs)) {
        *rc = ib_err_set(err, IB_ENOMEM, "geheugen vol");
        return -1;
    }
    tie_org *g = &t->orgs[t->n_orgs];
    memset(g, 0, sizeof *g);
    g->id = id;
    int r = ib_store_get_organisation_by_id(req->st, id, &g->o, err);
    if (r != IB_OK && r != IB_ENOTFOUND) {
        *rc = r;
        return -1;
    }
    g->found = r == IB_OK;
    g->same_as = (int64_t)t->n_orgs;
    for (size_t i = 0; g->found && g->o.kvk[0] && i < t->n_orgs; i++)
        if (t->orgs[i].found && strcmp(t->orgs[i].o.kvk, g->o.kvk) == 0) {
            g->same_as = t->orgs[i].same_as;
            break;
        }
    return (int64_t)t->n_orgs++;
}

static json_t *org_name(const ib_ties *t, int64_t i)
{
    return i >= 0 && t->orgs[i].found ? json_string(t->orgs[i].o.name) : json_null();
}

static json_t *date_or_null(ib_date d)
{
    char buf[IB_DATE_STRLEN];
    return d == IB_DATE_NONE ? json_null() : json_string(ib_date_format(d, buf));
}

/* The organisation as the tie rule compares it: one number per KvK number. */
static int64_t org_key(const ib_ties *t, int64_t i)
{
    return i >= 0 ? t->orgs[i].same_as : -1;
}

/* Bed b's tie: on t->day when one is set (a location's residents), else
 * over its episode: tied on at least one day, and on which days. */
static int bed_tie(const ib_ties *t, const tie_bed *b, int64_t provider,
                   const int64_t (*keys)[2])
{
    size_t n = 0;
    ib_tie_job *jobs = malloc((t->n_emps ? t->n_emps : 1) * sizeof *jobs);
    ib_tie_period *periods = malloc((t->n_emps ? t->n_emps : 1) * sizeof *periods);
    if (!jobs || !periods) {
        free(jobs);
        free(periods);
        return IB_ENOMEM;
    }
    for (size_t i = 0; i < t->n_emps; i++)
        if (t->emps[i].person_id == b->person_id)
            jobs[n++] = (ib_tie_job){t->emps[i].start, t->emps[i].end, keys[i][0], keys[i][1]};
    int64_t key = org_key(t, provider);
    if (t->day != IB_DATE_NONE) {
        json_object_set_new(b->o, "tied", json_boolean(ib_tied_on(key, jobs, n, t->day)));
    } else {
        size_t np = ib_tied_periods(key, b->start, b->end, jobs, n, periods, n);
        json_t *list = json_array();
        for (size_t i = 0; i < np; i++)
            json_array_append_new(list, json_pack("{s:o, s:o}", "start_date",
                                                  date_or_null(periods[i].start),
                                                  "end_date", date_or_null(periods[i].end)));
        json_object_set_new(b->o, "tied", json_boolean(np > 0));
        json_object_set_new(b->o, "tied_periods", list);
    }
    free(jobs);
    free(periods);
    return IB_OK;
}

int ib_ties_finish(hreq *req, ib_ties *t, ib_err *err)
{
    int rc = IB_OK;
    int64_t (*keys)[2] = malloc((t->n_emps ? t->n_emps : 1) * sizeof *keys);
    if (!keys)
        return ib_err_set(err, IB_ENOMEM, "geheugen vol");
    for (size_t i = 0; rc == IB_OK && i < t->n_emps; i++) {
        const tie_emp *e = &t->emps[i];
        int64_t emp = org_index(req, t, e->employer, &rc, err);
        int64_t ag = rc ? -1 : org_index(req, t, e->agency, &rc, err);
        if (rc)
            break;
        keys[i][0] = emp;
        keys[i][1] = ag;
        if (!e->o)
            continue;
        json_object_set_new(e->o, "employer_name", org_name(t, emp));
        json_object_set_new(e->o, "agency_name", org_name(t, ag));
        const char *cert = ag >= 0 && t->orgs[ag].found
            ? ib_code_text(ib_cert_codes, (int)t->orgs[ag].o.certified) : NULL;
        json_object_set_new(e->o, "agency_certified",
                            cert && cert[0] ? json_string(cert) : json_null());
    }
    /* the tie rule compares organisations by KvK number */
    for (size_t i = 0; rc == IB_OK && i < t->n_emps; i++) {
        keys[i][0] = org_key(t, keys[i][0]);
        keys[i][1] = org_key(t, keys[i][1]);
    }
    for (size_t i = 0; rc == IB_OK && i < t->n_beds; i++) {
        const tie_bed *b = &t->beds[i];
        int64_t prov = org_index(req, t, b->provider, &rc, err);
        if (rc)
            break;
        json_object_set_new(b->o, "provided_by_name", org_name(t, prov));
        if (bed_tie(t, b, prov, (const int64_t (*)[2])keys))
            rc = ib_err_set(err, IB_ENOMEM, "geheugen vol");
    }
    free(keys);
    return rc;
}
