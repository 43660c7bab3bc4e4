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
#define STREAM_LOC (UINT64_C(3) << 61)
#define STREAM_ORG (UINT64_C(5) << 60)

/* ------------------------------------------------------------ output */

int out_open(dout *o, const char *dir, const char *name, const char *header,
             ib_err *err)
{
    char path[4096];
    memset(o, 0, sizeof *o);
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        return ib_err_set(err, IB_EINVAL, "pad te lang: %s", dir);
    o->buf = malloc(OUT_CAP);
    if (!o->buf)
        return ib_err_set(err, IB_ENOMEM, "geen geheugen voor %s", name);
    o->f = fopen(path, "wb");
    if (!o->f) {
        free(o->buf);
        o->buf = NULL;
        return ib_err_set(err, IB_EIO, "%s kan niet worden geschreven: %s", path,
                          strerror(errno));
    }
    size_t n = strlen(header);
    memcpy(o->buf, header, n);
    o->buf[n] = '\n';
    o->len = n + 1;
    return IB_OK;
}

static void out_flush(dout *o)
{
    if (o->len && fwrite(o->buf, 1, o->len, o->f) != o->len)
        o->failed = true;
    o->len = 0;
}

int out_close(dout *o, ib_err *err)
{
    int rc = IB_OK;
    if (o->f) {
        out_flush(o);
        if (fclose(o->f) != 0 || o->failed)
            rc = ib_err_set(err, IB_EIO, "schrijven van de demobestanden mislukt");
    }
    free(o->buf);
    o->f = NULL;
    o->buf = NULL;
    return rc;
}

static void put_str(dout *o, const char *s)
{
    size_t n = strlen(s);
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void put_chr(dout *o, char ch)
{
    o->buf[o->len++] = ch;
}

static void put_uint(dout *o, uint64_t v, int width)
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

static void put_ref(dout *o, char prefix, int64_t n, int width)
{
    put_chr(o, prefix);
    put_uint(o, (uint64_t)n, width);
}

static void put_date(dout *o, const dctx *c, ib_date d)
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
static void put_hundredths(dout *o, int64_t v)
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

static void put_sep(dout *o)
{
    put_chr(o, ',');
}

static void end_row(dout *o)
{
    put_chr(o, '\n');
    o->rows++;
    if (o->len > OUT_CAP - 4096)
        out_flush(o);
}

/* ------------------------------------------------------------ organisations */

static void org_name(dout *o, const dworld *w, size_t i)
{
    static const char *const pre[] = {"Flex", "Euro", "Werk", "Inter", "Agri",
        "Logi", "Polder", "Tulp", "Noord", "Delta"};
    static const char *const post[] = {"werk", "staff", "force", "jobs",
        "people", "plus"};
    static const char *const nl[] = {"de Vries", "Jansen", "van Dijk", "Bakker",
        "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos",
        "Vos"};
    const dorg *g = &w->orgs[i];
    char num[16] = "";
    switch (g->kind) {
    case IB_ORG_AGENCY:
        if (i >= 60)
            snprintf(num, sizeof num, " %zu", i / 60 + 1);
        put_str(o, pre[i % 10]);
        put_str(o, post[(i / 10) % 6]);
        put_str(o, num);
        put_str(o, " Uitzendbureau B.V.");
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
        put_str(o, what);
        put_chr(o, ' ');
        put_str(o, nl[k % 12]);
        put_str(o, num);
        return;
    }
    case IB_ORG_HOUSING_PROVIDER:
        put_str(o, "Woonstichting ");
        put_str(o, nl[(i - w->first_provider) % 12]);
        if (i - w->first_provider >= 12) {
            snprintf(num, sizeof num, " %zu", (i - w->first_provider) / 12 + 1);
            put_str(o, num);
        }
        return;
    case IB_ORG_MUNICIPALITY: {
        static const char *const m[] = {"Gemeente Den Haag", "Gemeente Rotterdam",
                                        "Gemeente Amsterdam"};
        put_str(o, m[i - w->first_municipality]);
        return;
    }
    case IB_ORG_WELFARE:
        put_str(o, i == w->first_welfare ? "Stichting Nachtopvang Haaglanden"
                                         : "Leger des Heils Zuid");
        return;
    default:
        put_str(o, "Stichting Informatiepunt Arbeidsmigranten");
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

void rows_organisations(dout *o, const dctx *c)
{
    const dworld *w = &c->w;
    drng r;
    drng_seed(&r, c->seed, STREAM_ORG);
    for (size_t i = 0; i < w->n_orgs; i++) {
        const dorg *g = &w->orgs[i];
        put_ref(o, 'O', (int64_t)i + 1, w->org_width);
        put_sep(o);
        org_name(o, w, i);
        put_sep(o);
        if (!drng_chance(&r, 0.1))   /* a bijection onto 8-digit numbers */
            put_uint(o, 10000000 + (i * 7919 + c->seed % 1000) % 90000000, 8);
        put_sep(o);
        put_str(o, ib_code_text(ib_org_kind_codes, g->kind));
        put_sep(o);
        put_str(o, ib_code_text(ib_cert_codes, (int)org_cert(&r, g)));
        end_row(o);
    }
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

static void put_postcode(dout *o, drng *r, const dmuni *m)
{
    put_uint(o, (uint64_t)drng_range(r, m->pc_lo, m->pc_hi), 4);
    char a = (char)('A' + drng_int(r, 26)), b = (char)('A' + drng_int(r, 26));
    if (a == 'S' && (b == 'A' || b == 'D' || b == 'S'))
        b = 'T';                          /* SA, SD and SS are not issued */
    put_chr(o, a);
    put_chr(o, b);
}

static void location_row(dout *o, const dctx *c, size_t i)
{
    const dworld *w = &c->w;
    const dloc *l = &w->locs[i];
    drng r;
    drng_seed(&r, c->seed, STREAM_LOC + i);
    put_ref(o, 'L', (int64_t)i + 1, w->loc_width);
    put_sep(o);
    put_postcode(o, &r, &demo_munis[l->muni]);
    put_sep(o);
    put_uint(o, (uint64_t)drng_range(&r, 1, 240), 1);
    if (l->kind == IB_LOC_SHARED_HOUSE && drng_chance(&r, 0.12)) {
        put_chr(o, '-');
        put_chr(o, (char)('A' + drng_int(&r, 4)));
    }
    put_sep(o);
    put_str(o, demo_munis[l->muni].code);
    put_sep(o);
    put_str(o, ib_code_text(ib_location_kind_codes, l->kind));
    put_sep(o);
    int64_t cap, area;
    loc_size(&r, l, &cap, &area);
    bool known = l->kind != IB_LOC_OWNER_OCCUPIED || drng_chance(&r, 0.3);
    if (known)
        put_uint(o, (uint64_t)cap, 1);
    put_sep(o);
    if (known && !drng_chance(&r, 0.05))
        put_hundredths(o, area < 100 ? 100 : area);
    put_sep(o);
    if (l->provider >= 0)
        put_ref(o, 'O', l->provider + 1, w->org_width);
    put_sep(o);
    bool certifiable = l->provider >= 0 && l->kind != IB_LOC_PRIVATE_RENTAL &&
                       l->kind != IB_LOC_CORPORATION_RENTAL;
    if (certifiable && drng_chance(&r, 0.6))
        put_date(o, c, c->at + drng_range(&r, -300, 900));
    end_row(o);
}

void rows_locations(dout *o, const dctx *c)
{
    for (size_t i = 0; i < c->w.n_locs; i++)
        location_row(o, c, i);
}

/* ------------------------------------------------------------ persons */

/* A unique valid BSN per person: a 7-digit core (a bijection of the
 * index), an eighth digit chosen so that the 11-check digit is not 10,
 * then the check digit. */
static void put_bsn(dout *o, const dctx *c, int64_t idx)
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

static void person_row(dout *o, const dctx *c, const dperson *p)
{
    const dnation *n = &demo_nations[p->nation];
    put_ref(o, 'P', p->idx + 1, c->w.person_width);
    put_sep(o);
    if (p->has_brp)
        put_bsn(o, c, p->idx);
    put_sep(o);
    put_str(o, n->names->family[p->family_name]);
    put_sep(o);
    put_str(o, p->sex == IB_SEX_M ? n->names->male[p->given_name]
                                  : n->names->female[p->given_name]);
    put_sep(o);
    put_date(o, c, p->birth);
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

static void person_ref(dout *o, const dctx *c, const dperson *p)
{
    put_ref(o, 'P', p->idx + 1, c->w.person_width);
    put_sep(o);
}

static ib_date known_end(const dctx *c, ib_date end)
{
    return end == IB_DATE_NONE || end > c->at ? IB_DATE_NONE : end;
}

/* One row per calendar year of a job: wages are revised every January. */
static void employment_rows(dout *o, const dctx *c, const dperson *p,
                            const djob *j)
{
    const dworld *w = &c->w;
    ib_date end = known_end(c, j->end);
    ib_date last = end == IB_DATE_NONE ? c->at : end;
    for (ib_date s = j->start; s <= last;) {
        ib_date next = dcal_jan1(&c->cal, dcal_year(&c->cal, s) + 1);
        ib_date e = next - 1 < last ? next - 1 : end;
        person_ref(o, c, p);
        put_ref(o, 'O', j->employer + 1, w->org_width);
        put_sep(o);
        if (j->agency >= 0)
            put_ref(o, 'O', j->agency + 1, w->org_width);
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

static void put_reg(dout *o, const dctx *c, const dperson *p, const dreg *r)
{
    person_ref(o, c, p);
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

static void put_house(dout *o, const dctx *c, const dperson *p, const dhouse *h)
{
    person_ref(o, c, p);
    put_ref(o, 'L', h->loc + 1, c->w.loc_width);
    put_sep(o);
    put_date(o, c, h->start);
    put_sep(o);
    put_date(o, c, known_end(c, h->end));
    put_sep(o);
    if (h->provider >= 0)
        put_ref(o, 'O', h->provider + 1, c->w.org_width);
    end_row(o);
}

void rows_person(dout *files, const dctx *c, const dperson *p)
{
    person_row(&files[IB_KIND_PERSON], c, p);
    for (size_t i = 0; i < p->stays.n; i++) {
        dout *o = &files[IB_KIND_STAY];
        person_ref(o, c, p);
        put_date(o, c, p->stays.v[i].arrival);
        put_sep(o);
        put_date(o, c, p->stays.v[i].departure);
        end_row(o);
    }
    for (size_t i = 0; i < p->regs.n; i++)
        put_reg(&files[IB_KIND_REGISTRATION], c, p, &p->regs.v[i]);
    for (size_t i = 0; i < p->jobs.n; i++)
        employment_rows(&files[IB_KIND_EMPLOYMENT], c, p, &p->jobs.v[i]);
    for (size_t i = 0; i < p->houses.n; i++)
        put_house(&files[IB_KIND_HOUSING], c, p, &p->houses.v[i]);
    for (size_t i = 0; i < p->events.n; i++) {
        dout *o = &files[IB_KIND_LIFE_EVENT];
        person_ref(o, c, p);
        put_str(o, ib_code_text(ib_event_codes, p->events.v[i].kind));
        put_sep(o);
        put_date(o, c, p->events.v[i].date);
        end_row(o);
    }
}
