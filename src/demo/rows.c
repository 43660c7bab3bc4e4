/* rows.c — writing the demo data as exchange-format CSV (docs/formats.md):
 * buffered output with hand-rolled number and date formatting (a million
 * persons are some ten million rows), the rows of organisations, locations
 * and each person. No value holds a comma, quote or line break, so nothing
 * needs quoting. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "demo/demo_internal.h"

#define OUT_CAP (1u << 20)
#define OUT_LAZY_CAP 4096u
#define OUT_ROW_MAX 1024u
#define STREAM_LOC (UINT64_C(3) << 61)
#define STREAM_ORG (UINT64_C(5) << 60)

/* ------------------------------------------------------------ output */

/* The buffer with the header line in it; the file is opened by the caller. */
static int out_init(dout *o, const char *dir, const char *name,
                    const char *header, size_t cap, ib_err *err)
{
    memset(o, 0, sizeof *o);
    size_t n = strlen(header);
    int plen = snprintf(NULL, 0, "%s/%s", dir, name);
    o->path = malloc((size_t)plen + 1);
    o->buf = malloc(cap);
    if (!o->path || !o->buf || n + 1 > cap / 2) {
        free(o->path);
        free(o->buf);
        memset(o, 0, sizeof *o);
        return ib_err_set(err, IB_ENOMEM, "geen geheugen voor %s", name);
    }
    snprintf(o->path, (size_t)plen + 1, "%s/%s", dir, name);
    o->cap = cap;
    /* Rows are far shorter than OUT_ROW_MAX, so one always fits after a flush. */
    o->flush_at = cap - (cap > 4 * OUT_ROW_MAX ? OUT_ROW_MAX : cap / 2);
    memcpy(o->buf, header, n);
    o->buf[n] = '\n';
    o->len = n + 1;
    return IB_OK;
}

int out_open(dout *o, const char *dir, const char *name, const char *header,
             ib_err *err)
{
    int rc = out_init(o, dir, name, header, OUT_CAP, err);
    if (rc != IB_OK)
        return rc;
    o->f = fopen(o->path, "wb");
    if (!o->f) {
        rc = ib_err_set(err, IB_EIO, "%s kan niet worden geschreven: %s", o->path,
                        strerror(errno));
        free(o->buf);
        free(o->path);
        memset(o, 0, sizeof *o);
    }
    return rc;
}

int out_open_lazy(dout *o, const char *dir, const char *name, const char *header,
                  ib_err *err)
{
    int rc = out_init(o, dir, name, header, OUT_LAZY_CAP, err);
    if (rc == IB_OK)
        o->lazy = true;
    return rc;
}

/* A lazy file is opened for each flush: created by the first, appended to
 * by the next ones. */
static void out_flush(dout *o)
{
    if (o->lazy) {
        o->f = fopen(o->path, o->created ? "ab" : "wb");
        o->created = true;
        if (!o->f) {
            o->failed = true;
            o->len = 0;
            return;
        }
    }
    if (o->len && fwrite(o->buf, 1, o->len, o->f) != o->len)
        o->failed = true;
    o->len = 0;
    if (o->lazy) {
        if (fclose(o->f) != 0)
            o->failed = true;
        o->f = NULL;
    }
}

int out_close(dout *o, ib_err *err)
{
    int rc = IB_OK;
    if (o->buf && (o->f || o->lazy)) {
        if (o->len > 0)
            out_flush(o);
        if ((o->f && fclose(o->f) != 0) || o->failed)
            rc = ib_err_set(err, IB_EIO, "schrijven van %s mislukt", o->path);
    }
    free(o->buf);
    free(o->path);
    memset(o, 0, sizeof *o);
    return rc;
}

void put_str(dout *o, const char *s)
{
    size_t n = strlen(s);
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

void put_chr(dout *o, char ch)
{
    o->buf[o->len++] = ch;
}

void put_uint(dout *o, uint64_t v, int width)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width)
        tmp[n++] = '0';
    while (n)
        o->buf[o->len++] = tmp[--n];
}

void put_ref(dout *o, char prefix, int64_t n, int width)
{
    put_chr(o, prefix);
    put_uint(o, (uint64_t)n, width);
}

void put_date(dout *o, const dctx *c, ib_date d)
{
    if (d == IB_DATE_NONE)
        return;
    const char *text = dcal_text(&c->cal, d);
    if (text) {
        memcpy(o->buf + o->len, text, 10);
        o->len += 10;
        return;
    }
    int y, m, dd;
    ib_date_to_ymd(d, &y, &m, &dd);
    put_uint(o, (uint64_t)y, 4);
    put_chr(o, '-');
    put_uint(o, (uint64_t)m, 2);
    put_chr(o, '-');
    put_uint(o, (uint64_t)dd, 2);
}

/* Hundredths as "1234.56", "1234.5" or "1234". */
void put_hundredths(dout *o, int64_t v)
{
    put_uint(o, (uint64_t)(v / 100), 1);
    int frac = (int)(v % 100);
    if (frac == 0)
        return;
    put_chr(o, '.');
    put_chr(o, (char)('0' + frac / 10));
    if (frac % 10)
        put_chr(o, (char)('0' + frac % 10));
}

void put_sep(dout *o)
{
    put_chr(o, ',');
}

void end_row(dout *o)
{
    put_chr(o, '\n');
    o->rows++;
    if (o->len > o->flush_at)
        out_flush(o);
}

/* "O001", "L0001", "P000001": a prefix and a zero-padded number. */
void ref_text(char *buf, size_t n, char prefix, int64_t v, int width)
{
    snprintf(buf, n, "%c%0*lld", prefix, width, (long long)v);
}

/* ------------------------------------------------------------ organisations */

void org_name_text(const dworld *w, size_t i, char *buf, size_t n)
{
    static const char *const pre[] = {"Flex", "Euro", "Werk", "Inter", "Agri",
        "Logi", "Polder", "Tulp", "Noord", "Delta"};
    static const char *const post[] = {"werk", "staff", "force", "jobs",
        "people", "plus"};
    static const char *const nl[] = {"de Vries", "Jansen", "van Dijk", "Bakker",
        "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos",
        "Vos"};
    const dorg *g = &w->orgs[i];
    char num[24] = "";
    switch (g->kind) {
    case IB_ORG_AGENCY:
        if (i >= 60)
            snprintf(num, sizeof num, " %zu", i / 60 + 1);
        snprintf(buf, n, "%s%s%s Uitzendbureau B.V.", pre[i % 10],
                 post[(i / 10) % 6], num);
        return;
    case IB_ORG_EMPLOYER: {
        size_t k = i - w->first_employer;
        const char *what;
        switch (g->sector) {
        case 'A': what = "Kwekerij"; break;
        case 'C': what = g->knowledge ? "High Tech Systems" : "Voedingsbedrijf"; break;
        case 'H': what = "Distributiecentrum"; break;
        case 'F': what = "Bouwbedrijf"; break;
        case 'G': what = "Groothandel"; break;
        case 'I': what = "Hotel"; break;
        case 'J': what = "Software"; break;
        case 'M': what = "Ingenieursbureau"; break;
        case 'Q': what = "Zorggroep"; break;
        default: what = "Hogeschool"; break;
        }
        if (k >= 12)
            snprintf(num, sizeof num, " %zu", k / 12 + 1);
        snprintf(buf, n, "%s %s%s", what, nl[k % 12], num);
        return;
    }
    case IB_ORG_HOUSING_PROVIDER: {
        size_t k = i - w->first_provider;
        if (k >= 12)
            snprintf(num, sizeof num, " %zu", k / 12 + 1);
        snprintf(buf, n, "Woonstichting %s%s", nl[k % 12], num);
        return;
    }
    case IB_ORG_MUNICIPALITY: {
        static const char *const m[] = {"Gemeente Den Haag", "Gemeente Rotterdam",
                                        "Gemeente Amsterdam"};
        snprintf(buf, n, "%s", m[i - w->first_municipality]);
        return;
    }
    case IB_ORG_WELFARE:
        snprintf(buf, n, "%s", i == w->first_welfare
                                   ? "Stichting Nachtopvang Haaglanden"
                                   : "Leger des Heils Zuid");
        return;
    default:
        snprintf(buf, n, "Stichting Informatiepunt Arbeidsmigranten");
        return;
    }
}

static ib_cert org_cert(drng *r, const dorg *g)
{
    static const double agency[] = {0.15, 0.30, 0.15, 0.40};
    if (g->kind == IB_ORG_AGENCY)
        return (ib_cert)drng_pick(r, agency, 4);
    if (g->kind == IB_ORG_HOUSING_PROVIDER || (g->kind == IB_ORG_EMPLOYER &&
                                              g->sector == 'A'))
        return drng_chance(r, 0.4) ? IB_CERT_SNF : IB_CERT_NONE;
    return IB_CERT_NONE;
}

int org_attrs(const dctx *c, dorgattr **out)
{
    const dworld *w = &c->w;
    dorgattr *a = malloc(w->n_orgs * sizeof *a);
    if (!a)
        return IB_ENOMEM;
    drng r;
    drng_seed(&r, c->seed, STREAM_ORG);
    for (size_t i = 0; i < w->n_orgs; i++) {
        /* a bijection onto 8-digit numbers; one in ten not known */
        bool known = !drng_chance(&r, 0.1);
        a[i].kvk = (uint32_t)(10000000 + (i * 7919 + c->seed % 1000) % 90000000);
        a[i].kvk_known = known;
        a[i].cert = (uint8_t)org_cert(&r, &w->orgs[i]);
    }
    *out = a;
    return IB_OK;
}

void org_row(dout *o, const char *ref, const char *name, uint32_t kvk,
             uint8_t kind, uint8_t cert)
{
    put_str(o, ref);
    put_sep(o);
    put_str(o, name);
    put_sep(o);
    if (kvk)
        put_uint(o, kvk, 8);
    put_sep(o);
    put_str(o, ib_code_text(ib_org_kind_codes, kind));
    put_sep(o);
    put_str(o, ib_code_text(ib_cert_codes, cert));
    end_row(o);
}

int rows_organisations(dout *o, const dctx *c)
{
    const dworld *w = &c->w;
    dorgattr *a;
    if (org_attrs(c, &a) != IB_OK)
        return IB_ENOMEM;
    for (size_t i = 0; i < w->n_orgs; i++) {
        char ref[24], name[128];
        ref_text(ref, sizeof ref, 'O', (int64_t)i + 1, w->org_width);
        org_name_text(w, i, name, sizeof name);
        org_row(o, ref, name, a[i].kvk_known ? a[i].kvk : 0, w->orgs[i].kind,
                a[i].cert);
    }
    free(a);
    return IB_OK;
}

/* ------------------------------------------------------------ locations */

/* Beds and floor area, set from the occupancy on R: most locations have
 * room to spare, the crowd-prone ones hold more persons than beds or less
 * than 12 m2 each. */
static void loc_size(drng *r, const dloc *l, int64_t *cap, int64_t *area)
{
    int64_t occ = l->occupancy;
    bool household = l->kind == IB_LOC_PRIVATE_RENTAL ||
                     l->kind == IB_LOC_CORPORATION_RENTAL ||
                     l->kind == IB_LOC_OWNER_OCCUPIED;
    int64_t min_cap = household ? drng_range(r, 2, 5)
                      : l->kind == IB_LOC_SHARED_HOUSE ? drng_range(r, 4, 8)
                                                       : drng_range(r, 20, 60);
    if (l->crowd && occ >= 2) {
        if (drng_chance(r, 0.5)) {
            *cap = (int64_t)((double)occ * (0.6 + 0.3 * drng_unif(r)));
            *area = (int64_t)((double)occ * (1300 + 500 * drng_unif(r)));
        } else {
            *cap = occ + drng_int(r, 2);
            *area = (int64_t)((double)occ * (700 + 400 * drng_unif(r)));
        }
        return;
    }
    double spare = 1.0 + 0.5 * drng_unif(r);
    *cap = (int64_t)ceil((double)occ * spare);
    if (*cap < min_cap)
        *cap = min_cap;
    double per = household ? 2200 + 1800 * drng_unif(r) : 1300 + 800 * drng_unif(r);
    *area = (int64_t)((double)*cap * per);
}

void location_fields(const dctx *c, size_t i, dlocrow *f)
{
    const dloc *l = &c->w.locs[i];
    const dmuni *m = &demo_munis[l->muni];
    drng r;
    drng_seed(&r, c->seed, STREAM_LOC + i);
    memset(f, 0, sizeof *f);
    f->pc_digits = drng_range(&r, m->pc_lo, m->pc_hi);
    f->pc[0] = (char)('A' + drng_int(&r, 26));
    f->pc[1] = (char)('A' + drng_int(&r, 26));
    if (f->pc[0] == 'S' && (f->pc[1] == 'A' || f->pc[1] == 'D' || f->pc[1] == 'S'))
        f->pc[1] = 'T';                   /* SA, SD and SS are not issued */
    f->number = drng_range(&r, 1, 240);
    if (l->kind == IB_LOC_SHARED_HOUSE && drng_chance(&r, 0.12))
        f->addition = (char)('A' + drng_int(&r, 4));
    loc_size(&r, l, &f->cap, &f->area);
    if (f->area < 100)
        f->area = 100;
    f->cap_known = l->kind != IB_LOC_OWNER_OCCUPIED || drng_chance(&r, 0.3);
    f->area_known = f->cap_known && !drng_chance(&r, 0.05);
    bool certifiable = l->provider >= 0 && l->kind != IB_LOC_PRIVATE_RENTAL &&
                       l->kind != IB_LOC_CORPORATION_RENTAL;
    f->certified = certifiable && drng_chance(&r, 0.6)
                       ? c->at + drng_range(&r, -300, 900)
                       : IB_DATE_NONE;
}

void location_row(dout *o, const dctx *c, size_t i, const dlocrow *f,
                  const dlocstyle *st)
{
    const dloc *l = &c->w.locs[i];
    put_str(o, st->ref);
    put_sep(o);
    put_uint(o, (uint64_t)f->pc_digits, 4);
    if (st->postcode_space)
        put_chr(o, ' ');
    put_chr(o, f->pc[0]);
    put_chr(o, f->pc[1]);
    put_sep(o);
    put_uint(o, (uint64_t)f->number, 1);
    if (f->addition) {
        if (st->addition_sep)
            put_chr(o, st->addition_sep);
        put_chr(o, f->addition);
    }
    put_sep(o);
    put_str(o, demo_munis[l->muni].code);
    put_sep(o);
    put_str(o, ib_code_text(ib_location_kind_codes, l->kind));
    put_sep(o);
    if (f->cap_known)
        put_uint(o, (uint64_t)f->cap, 1);
    put_sep(o);
    if (f->area_known)
        put_hundredths(o, f->area);
    put_sep(o);
    if (st->provider_ref)
        put_str(o, st->provider_ref);
    put_sep(o);
    put_date(o, c, f->certified);
    end_row(o);
}

void rows_locations(dout *o, const dctx *c)
{
    const dworld *w = &c->w;
    for (size_t i = 0; i < w->n_locs; i++) {
        char ref[24], prov[24];
        dlocrow f;
        location_fields(c, i, &f);
        ref_text(ref, sizeof ref, 'L', (int64_t)i + 1, w->loc_width);
        if (w->locs[i].provider >= 0)
            ref_text(prov, sizeof prov, 'O', w->locs[i].provider + 1, w->org_width);
        dlocstyle st = {ref, w->locs[i].provider >= 0 ? prov : NULL, false, '-'};
        location_row(o, c, i, &f, &st);
    }
}

/* ------------------------------------------------------------ persons */

/* A unique valid BSN per person: a 7-digit core (a bijection of the
 * index), an eighth digit chosen so that the 11-check digit is not 10,
 * then the check digit. */
void put_bsn(dout *o, const dctx *c, int64_t idx)
{
    uint64_t core = ((uint64_t)idx * 7368787u + 1234567u + c->seed % 10000000u * 7919u) %
                    10000000u;
    int d[9];
    for (int k = 6; k >= 0; k--) {
        d[k] = (int)(core % 10);
        core /= 10;
    }
    int sum = 0;
    for (int k = 0; k < 7; k++)
        sum += (9 - k) * d[k];
    for (int h = 1; h <= 10; h++) {
        int hh = h % 10, check = (sum + 2 * hh) % 11;
        if (check < 10) {
            d[7] = hh;
            d[8] = check;
            break;
        }
    }
    for (int k = 0; k < 9; k++)
        put_chr(o, (char)('0' + d[k]));
}

const char *person_family_name(const dperson *p)
{
    return demo_nations[p->nation].names->family[p->family_name];
}

const char *person_given_name(const dperson *p)
{
    const dnames *n = demo_nations[p->nation].names;
    return p->sex == IB_SEX_M ? n->male[p->given_name] : n->female[p->given_name];
}

void person_row(dout *o, const dctx *c, const dperson *p, const dpersonrow *r)
{
    const dnation *n = &demo_nations[p->nation];
    put_str(o, r->ref);
    put_sep(o);
    if (r->bsn)
        put_bsn(o, c, p->idx);
    put_sep(o);
    put_str(o, r->family);
    put_sep(o);
    put_str(o, r->given);
    put_sep(o);
    put_date(o, c, r->birth);
    put_sep(o);
    put_str(o, ib_code_text(ib_sex_codes, p->sex));
    put_sep(o);
    put_str(o, n->code);
    put_sep(o);
    put_str(o, n->language);
    put_sep(o);
    put_str(o, ib_code_text(ib_category_codes, p->category));
    end_row(o);
}

static void begin_row(dout *o, const char *pref)
{
    put_str(o, pref);
    put_sep(o);
}

static ib_date known_end(const dctx *c, ib_date end)
{
    return end == IB_DATE_NONE || end > c->at ? IB_DATE_NONE : end;
}

void stay_row(dout *o, const dctx *c, const char *pref, const dstay *s)
{
    begin_row(o, pref);
    put_date(o, c, s->arrival);
    put_sep(o);
    put_date(o, c, s->departure);
    end_row(o);
}

void registration_row(dout *o, const dctx *c, const char *pref, const dreg *r)
{
    begin_row(o, pref);
    put_str(o, r->kind == IB_REG_BRP ? "brp" : "rni");
    put_sep(o);
    if (r->muni >= 0)
        put_str(o, demo_munis[r->muni].code);
    put_sep(o);
    put_date(o, c, r->start);
    put_sep(o);
    put_date(o, c, known_end(c, r->end));
    end_row(o);
}

void life_event_row(dout *o, const dctx *c, const char *pref, const devent *e)
{
    begin_row(o, pref);
    put_str(o, ib_code_text(ib_event_codes, e->kind));
    put_sep(o);
    put_date(o, c, e->date);
    end_row(o);
}

/* The topics as their codes in the catalogue's order, one space between. */
static void put_topics(dout *o, uint16_t topics)
{
    bool first = true;
    for (int t = 0; ib_topic_codes[t].name; t++) {
        if (!(topics & (1u << ib_topic_codes[t].code)))
            continue;
        if (!first)
            put_chr(o, ' ');
        put_str(o, ib_topic_codes[t].name);
        first = false;
    }
}

void contact_row(dout *o, const dctx *c, const dperson *p, const char *pref,
                 const dcontact *x)
{
    static const char *const languages[] = {"", NULL, "en", "nl"};
    begin_row(o, pref);
    put_date(o, c, x->date);
    put_sep(o);
    put_str(o, ib_code_text(ib_contact_kind_codes, x->kind));
    put_sep(o);
    put_str(o, ib_code_text(ib_channel_codes, x->channel));
    put_sep(o);
    put_topics(o, x->topics);
    put_sep(o);
    put_str(o, x->language == DLANG_OWN ? demo_nations[p->nation].language
                                        : languages[x->language]);
    put_sep(o);
    put_str(o, ib_code_text(ib_understood_codes, x->understood));
    end_row(o);
}

/* One row per calendar year of a job: wages are revised every January
 * (and a knowledge migrant's on the 30th birthday). */
void employment_rows(dout *o, const dctx *c, const dperson *p, const djob *j,
                     const char *pref, const char *employer, const char *agency)
{
    ib_date end = known_end(c, j->end);
    ib_date last = end == IB_DATE_NONE ? c->at : end;
    for (ib_date s = j->start; s <= last;) {
        ib_date next = dcal_jan1(&c->cal, dcal_year(&c->cal, s) + 1);
        if (j->refk && s < p->turns_30 && p->turns_30 < next)
            next = p->turns_30;          /* the wage rises at 30 */
        ib_date e = next - 1 < last ? next - 1 : end;
        begin_row(o, pref);
        put_str(o, employer);
        put_sep(o);
        if (agency)
            put_str(o, agency);
        put_sep(o);
        put_str(o, ib_code_text(ib_contract_codes, j->contract));
        put_sep(o);
        put_date(o, c, s);
        put_sep(o);
        put_date(o, c, e);
        put_sep(o);
        put_hundredths(o, j->hours);
        put_sep(o);
        if (!j->wage_unknown)
            put_hundredths(o, work_wage(c, p, j, s));
        put_sep(o);
        put_chr(o, j->sector);
        end_row(o);
        s = next;
    }
}

void housing_row(dout *o, const dctx *c, const char *pref, const dhouse *h,
                 const char *location, const char *provided_by)
{
    begin_row(o, pref);
    put_str(o, location);
    put_sep(o);
    put_date(o, c, h->start);
    put_sep(o);
    put_date(o, c, known_end(c, h->end));
    put_sep(o);
    if (provided_by)
        put_str(o, provided_by);
    end_row(o);
}

void rows_person(dout *files, const dctx *c, const dperson *p)
{
    const dworld *w = &c->w;
    char pref[24], a[24], b[24];
    ref_text(pref, sizeof pref, 'P', p->idx + 1, w->person_width);
    dpersonrow pr = {pref, p->has_brp, person_family_name(p), person_given_name(p),
                     p->birth};
    person_row(&files[IB_KIND_PERSON], c, p, &pr);
    for (size_t i = 0; i < p->stays.n; i++)
        stay_row(&files[IB_KIND_STAY], c, pref, &p->stays.v[i]);
    for (size_t i = 0; i < p->regs.n; i++)
        registration_row(&files[IB_KIND_REGISTRATION], c, pref, &p->regs.v[i]);
    for (size_t i = 0; i < p->jobs.n; i++) {
        const djob *j = &p->jobs.v[i];
        ref_text(a, sizeof a, 'O', j->employer + 1, w->org_width);
        if (j->agency >= 0)
            ref_text(b, sizeof b, 'O', j->agency + 1, w->org_width);
        employment_rows(&files[IB_KIND_EMPLOYMENT], c, p, j, pref, a,
                        j->agency >= 0 ? b : NULL);
    }
    for (size_t i = 0; i < p->houses.n; i++) {
        const dhouse *h = &p->houses.v[i];
        ref_text(a, sizeof a, 'L', h->loc + 1, w->loc_width);
        if (h->provider >= 0)
            ref_text(b, sizeof b, 'O', h->provider + 1, w->org_width);
        housing_row(&files[IB_KIND_HOUSING], c, pref, h, a,
                    h->provider >= 0 ? b : NULL);
    }
    for (size_t i = 0; i < p->events.n; i++)
        life_event_row(&files[IB_KIND_LIFE_EVENT], c, pref, &p->events.v[i]);
    for (size_t i = 0; i < p->contacts.n; i++)
        contact_row(&files[IB_KIND_CONTACT], c, p, pref, &p->contacts.v[i]);
}
