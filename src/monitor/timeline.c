/* timeline.c — stays as survival data (T, event, fixed attributes) and their
 * counting-process intervals with the time-varying binding factors (spec
 * "Stays as survival data", "Time-varying binding factors"): the values of a
 * person on a day, the cut of a stay at candidate change days, the intervals
 * CSV writer and the dense design the Cox engine fits. */
#include "monitor/mon_internal.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ values */

static const char *const tv_names[IB_TV_COUNT] = {
    "employed", "permanent", "agency", "self_employed", "wage_ratio",
    "income_130", "income_200", "partner", "children", "home_owner"};

const char *ib_tv_name(ib_tv tv)
{
    return (unsigned)tv < IB_TV_COUNT ? tv_names[tv] : NULL;
}

#define BIT(tv) (1u << (tv))

/* income_130 and income_200 from the wage and the WML. */
static void income_flags(ib_mvalues *v)
{
    v->flags &= ~(BIT(IB_TV_INCOME_130) | BIT(IB_TV_INCOME_200));
    /* exact comparisons in cents: 100 x wage >= 130 x WML */
    if (100 * v->wage >= 130 * v->wml)
        v->flags |= BIT(IB_TV_INCOME_130);
    if (100 * v->wage >= 200 * v->wml)
        v->flags |= BIT(IB_TV_INCOME_200);
}

static void employment_values(const ib_mdata *d, uint32_t p, ib_date day,
                              ib_mvalues *v)
{
    for (uint32_t i = d->emp_off[p]; i < d->emp_off[p + 1]; i++) {
        const ib_memp *e = &d->emps[i];
        if (!ib_mcovers(e->start, e->end, day))
            continue;
        v->flags |= BIT(IB_TV_EMPLOYED);
        if (e->contract == IB_CONTRACT_PERMANENT)
            v->flags |= BIT(IB_TV_PERMANENT);
        else if (e->contract == IB_CONTRACT_AGENCY)
            v->flags |= BIT(IB_TV_AGENCY);
        else if (e->contract == IB_CONTRACT_SELF_EMPLOYED)
            v->flags |= BIT(IB_TV_SELF_EMPLOYED);
        else if (e->contract == IB_CONTRACT_TEMPORARY)
            v->temporary = true;
        if (e->wage > 0)                 /* unknown (-1) counts 0 */
            v->wage += e->wage;
    }
    income_flags(v);
}

/* day < birth + 18 years. Those 18 years are 6,573 to 6,575 days for every
 * birth from 1800 to 2199 (3 to 5 leap days; 29 February to 1 March): the
 * calendar decides only near them. */
static bool is_under_18(ib_date birth, ib_date day)
{
    int32_t days = day - birth;
    if (days < 6570)
        return true;
    if (days > 6580)
        return false;
    return day < ib_date_add_years(birth, 18);
}

/* partner: the latest partner event on or before day is a start (a start
 * and an end on the same day: the start counts as latest); children: a
 * birth b with b <= day < b + 18 years. */
static void event_values(const ib_mdata *d, uint32_t p, ib_date day,
                         ib_mvalues *v)
{
    ib_date latest = IB_DATE_NONE;
    bool partner = false;
    for (uint32_t i = d->event_off[p]; i < d->event_off[p + 1]; i++) {
        const ib_mevent *ev = &d->events[i];
        if (ev->date > day)
            break;                          /* sorted by date */
        if (ev->kind == IB_EVENT_CHILD_BIRTH) {
            if (is_under_18(ev->date, day))
                v->flags |= BIT(IB_TV_CHILDREN);
            continue;
        }
        bool start = ev->kind == IB_EVENT_PARTNER_START;
        if (ev->date > latest || (ev->date == latest && start)) {
            latest = ev->date;
            partner = start;
        }
    }
    if (partner)
        v->flags |= BIT(IB_TV_PARTNER);
}

static void housing_values(const ib_mdata *d, uint32_t p, ib_date day,
                           ib_mvalues *v)
{
    for (uint32_t i = d->housing_off[p]; i < d->housing_off[p + 1]; i++) {
        const ib_mhousing *h = &d->housings[i];
        if (ib_mcovers(h->start, h->end, day) &&
            d->locations[h->location].kind == IB_LOC_OWNER_OCCUPIED) {
            v->flags |= BIT(IB_TV_HOME_OWNER);
            return;
        }
    }
}

/* The values on day with the WML of that day given. */
static void values_on(const ib_mdata *d, uint32_t p, ib_date day,
                      ib_cents wml, ib_mvalues *v)
{
    memset(v, 0, sizeof *v);
    v->wml = wml;
    employment_values(d, p, day, v);
    event_values(d, p, day, v);
    housing_values(d, p, day, v);
}

void ib_monitor_values_at(const ib_mdata *d, uint32_t p, ib_date day,
                          ib_mvalues *v)
{
    values_on(d, p, day, ib_ref_wml(day), v);
}

/* The WML row of ascending days without a search per day (as ib_ref_wml:
 * the first row also before it). */
typedef struct wml_cursor {
    const ib_ref_wml_row *rows;
    size_t n, i;
} wml_cursor;

static ib_cents wml_on(wml_cursor *w, ib_date day)
{
    while (w->i + 1 < w->n && w->rows[w->i + 1].valid_from <= day)
        w->i++;
    return w->rows[w->i].monthly;
}

double ib_mvalues_wage_ratio(const ib_mvalues *v)
{
    return v->wml > 0 ? (double)v->wage / (double)v->wml : 0.0;
}

static int64_t gcd64(int64_t a, int64_t b)
{
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* wage_a / wml_a == wage_b / wml_b exactly (fractions in lowest terms). */
static bool same_ratio(const ib_mvalues *a, const ib_mvalues *b)
{
    if (a->wage == 0 || b->wage == 0)
        return a->wage == b->wage;
    int64_t ga = gcd64(a->wage, a->wml), gb = gcd64(b->wage, b->wml);
    return a->wage / ga == b->wage / gb && a->wml / ga == b->wml / gb;
}

bool ib_mvalues_differ(const ib_mvalues *a, const ib_mvalues *b,
                       ib_tv_set set)
{
    if ((a->flags ^ b->flags) & set)
        return true;
    return (set & BIT(IB_TV_WAGE_RATIO)) && !same_ratio(a, b);
}

/* The values of the set alone: what an interval cut for the set knows. */
static ib_mvalues values_in(const ib_mvalues *v, ib_tv_set set)
{
    ib_mvalues out = *v;
    out.flags &= set;
    out.temporary = false;
    if (!(set & BIT(IB_TV_WAGE_RATIO)))
        out.wage = 0;
    return out;
}

ib_tv_set ib_monitor_tv_set(const char *const *names, size_t p)
{
    ib_tv_set set = 0;
    for (size_t j = 0; j < p; j++)
        for (int tv = 0; names[j] && tv < IB_TV_COUNT; tv++)
            if (strcmp(names[j], tv_names[tv]) == 0)
                set |= BIT(tv);
    return set;
}

double ib_mvalues_get(const ib_mvalues *v, ib_tv tv)
{
    if (tv == IB_TV_WAGE_RATIO)
        return ib_mvalues_wage_ratio(v);
    return (v->flags & BIT(tv)) ? 1.0 : 0.0;
}

/* ------------------------------------------------------------ stays */

/* Municipality of the person's BRP registration with the earliest start on
 * or before R (registrations are sorted by start). */
static int16_t first_brp(const ib_mdata *d, uint32_t p, ib_date at)
{
    for (uint32_t i = d->reg_off[p]; i < d->reg_off[p + 1]; i++) {
        const ib_mreg *r = &d->regs[i];
        if (r->start > at)
            break;
        if (r->kind == IB_REG_BRP)
            return r->municipality;
    }
    return IB_MUNI_NONE;
}

bool ib_monitor_stay(const ib_mdata *d, uint32_t p, uint32_t s, ib_date at,
                     ib_mstay *st)
{
    const ib_mstay_rec *r = &d->stays[s];
    const ib_mperson *pe = &d->persons[p];
    if (r->arrival > at)
        return false;
    memset(st, 0, sizeof *st);
    st->person = p;
    st->stay = s;
    st->stay_no = s - d->stay_off[p] + 1;
    if (r->departure != IB_DATE_NONE && r->departure <= at) {
        st->event = 1;
        st->time = r->departure - r->arrival;
    } else {
        st->time = at - r->arrival + 1;      /* still present on day R */
    }
    memcpy(st->attr.nationality, pe->nationality, 3);
    st->attr.sex = pe->sex;
    st->attr.category = pe->category;
    st->attr.flags = pe->flags;
    st->attr.age_band = (uint8_t)(pe->birth == IB_DATE_NONE
        ? IB_AGE_OTHER
        : ib_age_band_of(ib_date_age_years(pe->birth, r->arrival)));
    int y;
    ib_date_to_ymd(r->arrival, &y, NULL, NULL);
    st->attr.cohort = (int16_t)y;
    st->attr.first_brp = first_brp(d, p, at);
    return true;
}

int ib_monitor_stays(const ib_mdata *d, const ib_msurv_opts *o, ib_msurv *out,
                     ib_err *err)
{
    out->stays = NULL;
    out->n = 0;
    size_t cap = o->first_only ? d->n_persons : d->n_stays;
    if (cap && !(out->stays = malloc(cap * sizeof *out->stays)))
        return ib_err_set(err, IB_ENOMEM, "geheugen vol");
    for (uint32_t p = 0; p < d->n_persons; p++) {
        uint32_t end = d->stay_off[p + 1];
        if (o->first_only && end > d->stay_off[p])
            end = d->stay_off[p] + 1;
        for (uint32_t s = d->stay_off[p]; s < end; s++)
            if (ib_monitor_stay(d, p, s, o->at, &out->stays[out->n]) &&
                (!o->cohort || out->stays[out->n].attr.cohort == o->cohort))
                out->n++;
    }
    return IB_OK;
}

void ib_msurv_free(ib_msurv *s)
{
    if (!s)
        return;
    free(s->stays);
    s->stays = NULL;
    s->n = 0;
}

/* ------------------------------------------------------------ intervals */

/* Which records can change a covariate of the set: employments (contract
 * flags and wages), WML rows (through the wage), housings, partner events,
 * child births. A record kind no member depends on yields no candidate. */
#define FROM_WML (BIT(IB_TV_WAGE_RATIO) | BIT(IB_TV_INCOME_130) |              \
                  BIT(IB_TV_INCOME_200))
#define FROM_EMPLOYMENT (BIT(IB_TV_EMPLOYED) | BIT(IB_TV_PERMANENT) |          \
                         BIT(IB_TV_AGENCY) | BIT(IB_TV_SELF_EMPLOYED) |        \
                         FROM_WML)
#define FROM_HOUSING BIT(IB_TV_HOME_OWNER)
#define FROM_EVENTS (BIT(IB_TV_PARTNER) | BIT(IB_TV_CHILDREN))

/* Days on which a covariate can change: the first day an episode covers, the
 * day after it ends, event dates, 18th birthdays, WML changes. An upper
 * bound of every set's candidates. */
static size_t candidate_bound(const ib_mdata *d, uint32_t p)
{
    size_t nwml;
    ib_ref_wml_rows(&nwml);
    return 2 * (size_t)(d->emp_off[p + 1] - d->emp_off[p]) +
           2 * (size_t)(d->housing_off[p + 1] - d->housing_off[p]) +
           2 * (size_t)(d->event_off[p + 1] - d->event_off[p]) + nwml;
}

static void add_day(ib_date *c, size_t *n, ib_date day, ib_date lo, ib_date hi)
{
    if (day != IB_DATE_NONE && day > lo && day <= hi)
        c[(*n)++] = day;
}

/* The days records start or end (c[0..n), returned, unsorted), then the
 * WML changes (c[n..n + *n_wml), ascending as the table). */
static size_t collect_candidates(const ib_mdata *d, uint32_t p, ib_date lo,
                                 ib_date hi, ib_tv_set set, ib_date *c,
                                 size_t *n_wml)
{
    size_t n = 0;
    for (uint32_t i = d->emp_off[p];
         (set & FROM_EMPLOYMENT) && i < d->emp_off[p + 1]; i++) {
        add_day(c, &n, d->emps[i].start, lo, hi);
        if (d->emps[i].end != IB_DATE_NONE)
            add_day(c, &n, d->emps[i].end + 1, lo, hi);
    }
    for (uint32_t i = d->housing_off[p];
         (set & FROM_HOUSING) && i < d->housing_off[p + 1]; i++) {
        add_day(c, &n, d->housings[i].start, lo, hi);
        if (d->housings[i].end != IB_DATE_NONE)
            add_day(c, &n, d->housings[i].end + 1, lo, hi);
    }
    for (uint32_t i = d->event_off[p];
         (set & FROM_EVENTS) && i < d->event_off[p + 1]; i++) {
        add_day(c, &n, d->events[i].date, lo, hi);
        if (d->events[i].kind == IB_EVENT_CHILD_BIRTH)
            add_day(c, &n, ib_date_add_years(d->events[i].date, 18), lo, hi);
    }
    size_t nwml, nw = 0;
    const ib_ref_wml_row *w = ib_ref_wml_rows(&nwml);
    for (size_t i = 0; (set & FROM_WML) && i < nwml; i++)
        add_day(c + n, &nw, w[i].valid_from, lo, hi);
    *n_wml = nw;
    return n;
}

static int cmp_date(const void *a, const void *b)
{
    ib_date x = *(const ib_date *)a, y = *(const ib_date *)b;
    return (x > y) - (x < y);
}

/* A stay has a few dozen candidates as a rule, in runs already sorted
 * (each kind's records by date): an insertion sort beats qsort's merge
 * sort (and its calls of cmp_date) there. */
static void sort_dates(ib_date *c, size_t n)
{
    if (n > 256) {
        qsort(c, n, sizeof *c, cmp_date);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        ib_date v = c[i];
        size_t j = i;
        for (; j > 0 && c[j - 1] > v; j--)
            c[j] = c[j - 1];
        c[j] = v;
    }
}

static int push_interval(ib_minterval **buf, size_t *n, size_t *cap,
                         int32_t start, int32_t stop, uint8_t event,
                         const ib_mvalues *v)
{
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 16;
        ib_minterval *b = realloc(*buf, nc * sizeof *b);
        if (!b)
            return IB_ENOMEM;
        *buf = b;
        *cap = nc;
    }
    (*buf)[(*n)++] = (ib_minterval){start, stop, event, *v};
    return IB_OK;
}

/* The next candidate day of the two ascending lists (record days c, WML
 * days w), past its copies in both; *is_wml_only when no record starts or
 * ends on it. */
static ib_date next_day(const ib_date *c, size_t nc, size_t *i,
                        const ib_date *w, size_t nw, size_t *j,
                        bool *is_wml_only)
{
    ib_date day = *i < nc ? c[*i] : w[*j];
    if (*j < nw && w[*j] < day)
        day = w[*j];
    *is_wml_only = !(*i < nc && c[*i] == day);
    while (*i < nc && c[*i] == day)
        (*i)++;
    while (*j < nw && w[*j] == day)
        (*j)++;
    return day;
}

/* Walks the candidate days and emits an interval at every change of a
 * covariate of the set. On a day when only the WML changes, only the
 * income flags can (the wage is the day before's): no records are read. */
static int cut_stay(const ib_mdata *d, const ib_mstay *s, ib_date arrival,
                    ib_tv_set set, const ib_date *c, size_t nc,
                    const ib_date *w, size_t nw, ib_minterval **buf,
                    size_t *n, size_t *cap)
{
    ib_mvalues all, cur, next;      /* all: every value of the last day read */
    int32_t start = 0;
    wml_cursor wml = {0};
    wml.rows = ib_ref_wml_rows(&wml.n);
    values_on(d, s->person, arrival, wml_on(&wml, arrival), &all);
    cur = values_in(&all, set);
    for (size_t i = 0, j = 0; i < nc || j < nw;) {
        bool is_wml_only;
        ib_date day = next_day(c, nc, &i, w, nw, &j, &is_wml_only);
        if (is_wml_only) {
            next = all;
            next.wml = wml_on(&wml, day);
            income_flags(&next);
        } else {
            values_on(d, s->person, day, wml_on(&wml, day), &next);
        }
        all = next;
        if (!ib_mvalues_differ(&cur, &next, set))
            continue;
        int32_t k = day - arrival;
        if (push_interval(buf, n, cap, start, k, 0, &cur))
            return IB_ENOMEM;
        start = k;
        cur = values_in(&next, set);
    }
    return push_interval(buf, n, cap, start, s->time, s->event, &cur);
}

/* The person's locations lie anywhere in a table of hundreds of
 * thousands: ask for them now, so that the memory fetches overlap the
 * collecting and sorting of the candidates instead of stalling the first
 * evaluation of home_owner. */
static void prefetch_locations(const ib_mdata *d, uint32_t p, ib_tv_set set)
{
    for (uint32_t i = d->housing_off[p];
         (set & FROM_HOUSING) && i < d->housing_off[p + 1]; i++)
        __builtin_prefetch(&d->locations[d->housings[i].location]);
}

int ib_monitor_stay_intervals(const ib_mdata *d, const ib_mstay *s,
                              ib_date at, ib_tv_set set, ib_minterval **buf,
                              size_t *n, size_t *cap, ib_err *err)
{
    (void)at;       /* days after R never matter: the stay ends by R */
    ib_date arrival = d->stays[s->stay].arrival;
    prefetch_locations(d, s->person, set);
    ib_date small[256], *c = small;
    size_t bound = candidate_bound(d, s->person);
    if (bound > sizeof small / sizeof small[0] &&
        !(c = malloc(bound * sizeof *c)))
        return ib_err_set(err, IB_ENOMEM, "geheugen vol");
    /* candidate k in 1 .. T-1: days arrival+1 .. arrival+T-1 */
    size_t nw;
    size_t nc = collect_candidates(d, s->person, arrival,
                                   arrival + s->time - 1, set, c, &nw);
    sort_dates(c, nc);
    *n = 0;
    int rc = cut_stay(d, s, arrival, set, c, nc, c + nc, nw, buf, n, cap);
    if (c != small)
        free(c);
    return rc ? ib_err_set(err, IB_ENOMEM, "geheugen vol") : IB_OK;
}

int ib_monitor_each_interval(const ib_mdata *d, const ib_msurv_opts *o,
                             ib_tv_set set, ib_minterval_cb cb, void *ctx,
                             ib_err *err)
{
    ib_minterval *buf = NULL;
    size_t n = 0, cap = 0;
    int rc = IB_OK;
    for (uint32_t p = 0; p < d->n_persons && !rc; p++) {
        uint32_t end = d->stay_off[p + 1];
        if (o->first_only && end > d->stay_off[p])
            end = d->stay_off[p] + 1;
        for (uint32_t s = d->stay_off[p]; s < end && !rc; s++) {
            ib_mstay st;
            if (!ib_monitor_stay(d, p, s, o->at, &st) ||
                (o->cohort && st.attr.cohort != o->cohort))
                continue;
            rc = ib_monitor_stay_intervals(d, &st, o->at, set, &buf, &n,
                                           &cap, err);
            for (size_t i = 0; i < n && !rc; i++)
                rc = cb(ctx, &st, &buf[i]);
        }
    }
    free(buf);
    return rc;
}

/* ------------------------------------------------------------ CSV */

/* ",x" with the shortest of %.15g/%.16g/%.17g that reads back as x. */
static void put_double(FILE *f, double x)
{
    char buf[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    fprintf(f, ",%s", buf);
}

typedef struct csv_ctx {
    FILE *f;
    const ib_mdata *d;
    ib_tv_set set;           /* the time-varying columns */
} csv_ctx;

static int write_row(void *ctx, const ib_mstay *s, const ib_minterval *iv)
{
    csv_ctx *c = ctx;
    const ib_mattr *a = &s->attr;
    char muni[7];
    const ib_mperson *p = &c->d->persons[s->person];
    ib_csv_put_field(c->f, ib_mdata_str(c->d, p->ref));
    fprintf(c->f, ",%lld,%u,%d,%d,%d,",
            (long long)(p->sender < c->d->n_senders ? c->d->sender_ids[p->sender] : 0),
            s->stay_no, iv->start, iv->stop, iv->event);
    ib_csv_put_field(c->f, a->nationality);
    fprintf(c->f, ",%d,%d,%d,%s,%s,%s,%d,%s",
            !!(a->flags & IB_MP_EU), !!(a->flags & IB_MP_CEE),
            !!(a->flags & IB_MP_SOUTH), ib_code_text(ib_sex_codes, a->sex),
            ib_code_text(ib_category_codes, a->category),
            ib_age_band_name((ib_age_band)a->age_band), a->cohort,
            ib_muni_format(a->first_brp, muni));
    for (int tv = 0; tv < IB_TV_COUNT; tv++) {
        if (!(c->set & BIT(tv)))
            continue;
        if (tv == IB_TV_WAGE_RATIO)
            put_double(c->f, ib_mvalues_wage_ratio(&iv->v));
        else
            fprintf(c->f, ",%d", (iv->v.flags & BIT(tv)) ? 1 : 0);
    }
    fputc('\n', c->f);
    return ferror(c->f) ? IB_EIO : 0;
}

int ib_monitor_write_intervals(FILE *out, const ib_mdata *d,
                               const ib_msurv_opts *o, ib_tv_set set,
                               ib_err *err)
{
    fputs("person_ref,sender_id,stay,start,stop,event,nationality,eu,cee,south,sex,"
          "category,age_band,cohort,first_brp", out);
    for (int tv = 0; tv < IB_TV_COUNT; tv++)
        if (set & BIT(tv))
            fprintf(out, ",%s", tv_names[tv]);
    fputc('\n', out);
    csv_ctx c = {out, d, set};
    int rc = ib_monitor_each_interval(d, o, set, write_row, &c, err);
    if (rc == IB_EIO || (!rc && fflush(out)))
        return ib_err_set(err, IB_EIO, "schrijven van de intervallen mislukt");
    return rc;
}

/* ------------------------------------------------------------ design */

typedef enum { COL_TV, COL_EU, COL_CEE, COL_SOUTH, COL_SEX, COL_CATEGORY,
               COL_AGE, COL_NATIONALITY, COL_COHORT, COL_FIRST_BRP } col_kind;

typedef struct design_col {
    col_kind kind;
    int param;               /* tv, code, band, year, municipality */
    char nat[3];
} design_col;

static bool parse_code(const ib_code_name *table, const char *s, int *out)
{
    return *s && ib_code_parse(table, s, strlen(s), out) == IB_OK;
}

static bool parse_fixed(const char *name, design_col *c)
{
    if (strcmp(name, "eu") == 0) { c->kind = COL_EU; return true; }
    if (strcmp(name, "cee") == 0) { c->kind = COL_CEE; return true; }
    if (strcmp(name, "south") == 0) { c->kind = COL_SOUTH; return true; }
    if (strncmp(name, "sex_", 4) == 0) {
        c->kind = COL_SEX;
        return parse_code(ib_sex_codes, name + 4, &c->param);
    }
    if (strncmp(name, "category_", 9) == 0) {
        c->kind = COL_CATEGORY;
        return parse_code(ib_category_codes, name + 9, &c->param);
    }
    if (strncmp(name, "age_", 4) == 0) {
        c->kind = COL_AGE;
        for (int b = 0; b < IB_AGE_COUNT; b++) {
            char want[16];
            snprintf(want, sizeof want, "%s", ib_age_band_name((ib_age_band)b));
            char *dash = strchr(want, '-');
            if (dash)
                *dash = '_';
            if (strcmp(name + 4, want) == 0) {
                c->param = b;
                return true;
            }
        }
        return false;
    }
    if (strncmp(name, "nationality_", 12) == 0) {
        c->kind = COL_NATIONALITY;
        memcpy(c->nat, name + 12, 2);
        c->nat[2] = '\0';
        return strlen(name + 12) == 2 && ib_country_is_valid(c->nat);
    }
    if (strncmp(name, "cohort_", 7) == 0) {
        char *end;
        long y = strtol(name + 7, &end, 10);
        c->kind = COL_COHORT;
        c->param = (int)y;
        return end != name + 7 && !*end && y >= 1800 && y <= 2199;
    }
    if (strncmp(name, "first_brp_", 10) == 0) {
        c->kind = COL_FIRST_BRP;
        c->param = ib_muni_from_code(name + 10);
        return c->param != IB_MUNI_NONE;
    }
    return false;
}

static int parse_column(const char *name, design_col *c, ib_err *err)
{
    memset(c, 0, sizeof *c);
    for (int tv = 0; name && tv < IB_TV_COUNT; tv++)
        if (strcmp(name, tv_names[tv]) == 0) {
            c->kind = COL_TV;
            c->param = tv;
            return IB_OK;
        }
    if (name && parse_fixed(name, c))
        return IB_OK;
    /* the list fits ib_err's 256 bytes with a name of up to 30 */
    return ib_err_set(err, IB_EINVAL,
        "onbekende covariaat '%.30s' (bekend: employed, permanent, agency, "
        "self_employed, wage_ratio, income_130, income_200, partner, "
        "children, home_owner, eu, cee, south, sex_V, category_labour, "
        "age_25_34, nationality_PL, cohort_2017, first_brp_GM0518)",
        name ? name : "");
}

static double column_value(const design_col *c, const ib_mstay *s,
                           const ib_minterval *iv)
{
    const ib_mattr *a = &s->attr;
    switch (c->kind) {
    case COL_TV: return ib_mvalues_get(&iv->v, (ib_tv)c->param);
    case COL_EU: return (a->flags & IB_MP_EU) ? 1 : 0;
    case COL_CEE: return (a->flags & IB_MP_CEE) ? 1 : 0;
    case COL_SOUTH: return (a->flags & IB_MP_SOUTH) ? 1 : 0;
    case COL_SEX: return a->sex == c->param;
    case COL_CATEGORY: return a->category == c->param;
    case COL_AGE: return a->age_band == c->param;
    case COL_NATIONALITY: return memcmp(a->nationality, c->nat, 2) == 0;
    case COL_COHORT: return a->cohort == c->param;
    case COL_FIRST_BRP: return a->first_brp == c->param;
    }
    return 0;
}

typedef struct design_ctx {
    ib_mdesign *x;
    const design_col *cols;
    uint32_t last_stay;
    double *fixed;           /* p: the current stay's fixed columns */
    size_t *tv_col, n_tv;    /* the time-varying columns */
} design_ctx;

static void design_arrays_free(ib_mdesign *x)
{
    ib_table_free(x->start, x->cap * sizeof *x->start);
    ib_table_free(x->stop, x->cap * sizeof *x->stop);
    ib_table_free(x->event, x->cap * sizeof *x->event);
    ib_table_free(x->stay, x->cap * sizeof *x->stay);
    ib_mdesign_free_x(x);
}

/* Room for `rows` rows, the rows so far copied over. The first call
 * reserves an upper bound of all rows: only the pages written are ever
 * backed, in huge pages where the system gives them (ib_table_alloc), and
 * nothing moves; doubling with realloc moved hundreds of megabytes and
 * faulted them in 4 KiB pages. */
static int design_reserve(ib_mdesign *x, size_t rows)
{
    ib_mdesign old = *x, nw = *x;
    nw.cap = rows;
    nw.start = ib_table_alloc(rows * sizeof *nw.start);
    nw.stop = ib_table_alloc(rows * sizeof *nw.stop);
    nw.event = ib_table_alloc(rows * sizeof *nw.event);
    nw.stay = ib_table_alloc(rows * sizeof *nw.stay);
    nw.X = x->p ? ib_table_alloc(rows * x->p * sizeof *nw.X) : NULL;
    if (!nw.start || !nw.stop || !nw.event || !nw.stay || (x->p && !nw.X)) {
        design_arrays_free(&nw);
        return IB_ENOMEM;
    }
    if (old.n) {
        memcpy(nw.start, old.start, old.n * sizeof *nw.start);
        memcpy(nw.stop, old.stop, old.n * sizeof *nw.stop);
        memcpy(nw.event, old.event, old.n * sizeof *nw.event);
        memcpy(nw.stay, old.stay, old.n * sizeof *nw.stay);
        if (x->p)
            memcpy(nw.X, old.X, old.n * x->p * sizeof *nw.X);
    }
    design_arrays_free(&old);
    *x = nw;
    return IB_OK;
}

/* At most one interval per candidate day of a stay, plus one. */
static size_t interval_bound(const ib_mdata *d, const ib_msurv_opts *o)
{
    size_t rows = 0;
    for (uint32_t p = 0; p < d->n_persons; p++) {
        size_t stays = d->stay_off[p + 1] - d->stay_off[p];
        if (o->first_only && stays > 1)
            stays = 1;
        rows += stays * (candidate_bound(d, p) + 1);
    }
    return rows ? rows : 1;
}

static int design_row(void *ctx, const ib_mstay *s, const ib_minterval *iv)
{
    design_ctx *c = ctx;
    ib_mdesign *x = c->x;
    if (x->n == x->cap && design_reserve(x, 2 * x->cap))
        return IB_ENOMEM;
    size_t i = x->n++;
    x->start[i] = iv->start;
    x->stop[i] = iv->stop;
    x->event[i] = iv->event;
    x->stay[i] = s->stay;
    if (i == 0 || s->stay != c->last_stay) {
        x->n_stays++;
        /* the fixed columns once per stay, not per interval */
        for (size_t j = 0; j < x->p; j++)
            c->fixed[j] = c->cols[j].kind == COL_TV
                              ? 0 : column_value(&c->cols[j], s, iv);
    }
    if (x->p) {
        double *row = x->X + i * x->p;
        for (size_t j = 0; j < x->p; j++)   /* p is small: no memcpy call */
            row[j] = c->fixed[j];
        for (size_t t = 0; t < c->n_tv; t++) {
            size_t j = c->tv_col[t];
            row[j] = ib_mvalues_get(&iv->v, (ib_tv)c->cols[j].param);
        }
    }
    c->last_stay = s->stay;
    x->n_events += iv->event;
    return 0;
}

int ib_monitor_design(const ib_mdata *d, const ib_msurv_opts *o,
                      const char *const *names, size_t p, ib_mdesign *out,
                      ib_err *err)
{
    memset(out, 0, sizeof *out);
    design_col *cols = p ? calloc(p, sizeof *cols) : NULL;
    double *fixed = p ? malloc(p * sizeof *fixed) : NULL;
    size_t *tv_col = p ? malloc(p * sizeof *tv_col) : NULL;
    if (p && (!cols || !fixed || !tv_col)) {
        free(cols);
        free(fixed);
        free(tv_col);
        return ib_err_set(err, IB_ENOMEM, "geheugen vol");
    }
    int rc = IB_OK;
    size_t n_tv = 0;
    for (size_t j = 0; j < p && !rc; j++) {
        rc = parse_column(names[j], &cols[j], err);
        if (!rc && cols[j].kind == COL_TV)
            tv_col[n_tv++] = j;
    }
    out->p = p;
    design_ctx c = {out, cols, 0, fixed, tv_col, n_tv};
    /* the bound, or less when so much address space is refused */
    for (size_t rows = interval_bound(d, o); !rc; rows /= 2)
        if (!design_reserve(out, rows) || rows < 2048)
            break;
    if (!rc && !out->start)
        rc = IB_ENOMEM;
    /* cut only where a chosen covariate changes: merging adjacent intervals
     * with equal covariates leaves every risk set, and the fit, the same */
    if (!rc)
        rc = ib_monitor_each_interval(d, o, ib_monitor_tv_set(names, p),
                                      design_row, &c, err);
    free(cols);
    free(fixed);
    free(tv_col);
    if (rc == IB_ENOMEM)
        ib_err_set(err, IB_ENOMEM, "geheugen vol");
    if (rc)
        ib_mdesign_free(out);
    return rc;
}

void ib_mdesign_free(ib_mdesign *x)
{
    if (!x)
        return;
    design_arrays_free(x);
    memset(x, 0, sizeof *x);
}

void ib_mdesign_free_x(ib_mdesign *x)
{
    ib_table_free(x->X, x->cap * x->p * sizeof *x->X);
    x->X = NULL;
}
