/* chain.c — the chain layout of the demo: the same simulated persons as
 * the single layout, but delivered the way the chain knows them. The
 * municipality knows who is registered (BRP or RNI) with their stays,
 * registrations and life events, and records its contact moments with them; every agency, employer and housing
 * provider knows only the persons it employs or houses, under its own
 * refs and in its own spelling, with its own organisations and locations.
 * One sub-folder per sender, and senders.txt lists them in import order
 * (docs/demo-data.md, "The chain layout"). */
#include <stdlib.h>
#include <string.h>

#include "demo/demo_internal.h"

#define STREAM_CHAIN (UINT64_C(7) << 59)        /* + person index */
#define STREAM_CHAIN_LOC (UINT64_C(9) << 58)    /* + location index */

/* Shares (docs/demo-data.md): persons given the name and birth date of an
 * earlier person of the same nationality and sex; records of organisations
 * that leave out a BSN they could know (of a namesake: half); BSN-less
 * records with a slip in the name or birth date; agency houses that a
 * housing provider owns and lists too. */
#define P_NAMESAKE 0.005
#define P_NO_BSN 0.04
#define P_NO_BSN_NAMESAKE 0.5
#define P_LOOKALIKE 0.006
#define P_HOSTED 0.3

enum { SK_MUNICIPALITY, SK_AGENCY, SK_EMPLOYER, SK_PROVIDER, SK_SHELTER };

/* How each kind of sender writes: person and location refs (prefix and
 * zero padding), names, addresses. */
static const struct {
    const char *folder;        /* before the organisation's name */
    const char *person, *location;
    int person_width, location_width;
    int spelling;
    bool postcode_space;
    char addition_sep;
} kinds[] = {
    [SK_MUNICIPALITY] = {"gemeente-", "", "", 0, 0, SPELL_AS_IS, false, 0},
    [SK_AGENCY] = {"uitzendbureau-", "W", "LOC", 6, 4, SPELL_UPPER, false, '-'},
    [SK_EMPLOYER] = {"werkgever-", "PNR", "HUIS", 0, 0, SPELL_PLAIN, false, 0},
    [SK_PROVIDER] = {"huisvester-", "H", "VHE", 6, 6, SPELL_AS_IS, true, ' '},
    [SK_SHELTER] = {"huisvester-", "CL", "OPV", 5, 3, SPELL_PLAIN, true, '-'},
};

typedef struct dsender {
    uint8_t kind;              /* SK_* */
    int32_t org;               /* organisation index, -1: the municipality */
    char ref[96];              /* sender ref and folder name */
    dout files[IB_KIND_COUNT];
    bool has[IB_KIND_COUNT];   /* the files this sender delivers */
    int64_t persons, locations, clients;
    int32_t *client;           /* agency: its number for each employer, 0 none */
} dsender;

/* A person as the senders know it: name and birth date (a namesake's are
 * another person's). */
typedef struct dident {
    const char *family, *given;
    ib_date birth;
    bool set, namesake;
} dident;

struct dchain {
    dsender *s;
    size_t n;
    int32_t *of_org;           /* sender of each organisation, -1 none */
    int32_t *loc_local;        /* number at the provider's sender, 0 none */
    int32_t *loc_host;         /* housing provider that also lists it, -1 */
    int32_t *loc_host_local;
    size_t n_locs;             /* the locations built with the world */
    dorgattr *attr;
    dident *last;              /* per nationality and sex: the latest person */
    int32_t *seen;             /* scratch: the senders of one person */
    size_t n_seen, cap_seen;
    int64_t without_bsn, namesakes, lookalikes;
};

/* ------------------------------------------------------------ senders */

static uint8_t kind_of_org(uint8_t org_kind)
{
    switch (org_kind) {
    case IB_ORG_AGENCY: return SK_AGENCY;
    case IB_ORG_EMPLOYER: return SK_EMPLOYER;
    case IB_ORG_HOUSING_PROVIDER: return SK_PROVIDER;
    case IB_ORG_WELFARE: return SK_SHELTER;
    default: return SK_MUNICIPALITY;      /* not a sender */
    }
}

/* "uitzendbureau-flexwerk", "werkgever-kwekerij-de-vries-2", ... */
static void sender_ref(const dworld *w, size_t org, uint8_t kind, char *out,
                       size_t n)
{
    char name[128], slug[96];
    org_name_text(w, org, name, sizeof name);
    char *cut = strstr(name, " Uitzendbureau B.V.");
    if (cut)
        memmove(cut, cut + strlen(" Uitzendbureau B.V."),
                strlen(cut + strlen(" Uitzendbureau B.V.")) + 1);
    spell_slug(name, slug, sizeof slug);
    snprintf(out, n, "%s%s", kinds[kind].folder, slug);
}

static int open_files(dsender *sd, const char *root, ib_err *err)
{
    char dir[4096];
    if (snprintf(dir, sizeof dir, "%s/%s", root, sd->ref) >= (int)sizeof dir)
        return ib_err_set(err, IB_EINVAL, "pad te lang: %s", root);
    int rc = demo_make_dir(dir, err);
    for (int k = 0; k < IB_KIND_COUNT && rc == IB_OK; k++) {
        if (!sd->has[k])
            continue;
        char name[64];
        snprintf(name, sizeof name, "%s.csv", ib_kind_file_stem((ib_kind)k));
        rc = sd->kind == SK_MUNICIPALITY
                 ? out_open(&sd->files[k], dir, name, demo_headers[k], err)
                 : out_open_lazy(&sd->files[k], dir, name, demo_headers[k], err);
    }
    return rc;
}

static void set_files(dsender *sd, bool has_beds)
{
    if (sd->kind == SK_MUNICIPALITY) {
        sd->has[IB_KIND_PERSON] = sd->has[IB_KIND_STAY] = true;
        sd->has[IB_KIND_REGISTRATION] = sd->has[IB_KIND_LIFE_EVENT] = true;
        sd->has[IB_KIND_CONTACT] = true;
        return;
    }
    sd->has[IB_KIND_ORGANISATION] = sd->has[IB_KIND_PERSON] = true;
    sd->has[IB_KIND_STAY] = true;
    bool works = sd->kind == SK_AGENCY || sd->kind == SK_EMPLOYER;
    sd->has[IB_KIND_EMPLOYMENT] = works;
    sd->has[IB_KIND_LOCATION] = sd->has[IB_KIND_HOUSING] = !works || has_beds;
}

/* The municipality first, then the organisations in ref order. */
static int add_senders(dchain *ch, const dctx *c)
{
    const dworld *w = &c->w;
    ch->s = calloc(w->n_orgs + 1, sizeof *ch->s);
    ch->of_org = malloc(w->n_orgs * sizeof *ch->of_org);
    if (!ch->s || !ch->of_org)
        return IB_ENOMEM;
    dsender *m = &ch->s[ch->n++];
    m->kind = SK_MUNICIPALITY;
    m->org = -1;
    snprintf(m->ref, sizeof m->ref, "%s", IB_DEMO_MUNICIPALITY_SENDER);
    set_files(m, false);
    for (size_t i = 0; i < w->n_orgs; i++) {
        uint8_t kind = kind_of_org(w->orgs[i].kind);
        ch->of_org[i] = -1;
        if (kind == SK_MUNICIPALITY)
            continue;
        dsender *sd = &ch->s[ch->n];
        sd->kind = kind;
        sd->org = (int32_t)i;
        sender_ref(w, i, kind, sd->ref, sizeof sd->ref);
        set_files(sd, w->own[i].n > 0);
        if (kind == SK_AGENCY) {
            sd->client = calloc(w->employers, sizeof *sd->client);
            if (!sd->client)
                return IB_ENOMEM;
        }
        ch->of_org[i] = (int32_t)ch->n++;
    }
    return IB_OK;
}

/* Every location's number at the sender of its provider; some agency
 * houses are rented from a housing provider, which lists them too (the
 * same address, written its own way). */
static int number_locations(dchain *ch, const dctx *c)
{
    const dworld *w = &c->w;
    ch->n_locs = w->n_locs;
    ch->loc_local = calloc(w->n_locs, sizeof *ch->loc_local);
    ch->loc_host = malloc(w->n_locs * sizeof *ch->loc_host);
    ch->loc_host_local = calloc(w->n_locs, sizeof *ch->loc_host_local);
    if (!ch->loc_local || !ch->loc_host || !ch->loc_host_local)
        return IB_ENOMEM;
    for (size_t i = 0; i < w->n_locs; i++) {
        const dloc *l = &w->locs[i];
        ch->loc_host[i] = -1;
        if (l->provider < 0 || ch->of_org[l->provider] < 0)
            continue;
        ch->loc_local[i] = (int32_t)++ch->s[ch->of_org[l->provider]].locations;
        drng r;
        drng_seed(&r, c->seed, STREAM_CHAIN_LOC + i);
        if (w->orgs[l->provider].kind != IB_ORG_AGENCY ||
            l->kind != IB_LOC_SHARED_HOUSE || !drng_chance(&r, P_HOSTED))
            continue;
        int32_t host = (int32_t)(w->first_provider +
                                 (size_t)drng_int(&r, (int32_t)w->providers));
        ch->loc_host[i] = host;
        ch->loc_host_local[i] = (int32_t)++ch->s[ch->of_org[host]].locations;
    }
    return IB_OK;
}

int chain_open(dchain **out, const dctx *c, const char *dir, ib_err *err)
{
    dchain *ch = calloc(1, sizeof *ch);
    if (!ch)
        return ib_err_set(err, IB_ENOMEM, "geen geheugen voor de keten");
    *out = ch;
    ch->last = calloc(demo_n_nations * 2, sizeof *ch->last);
    if (!ch->last || add_senders(ch, c) != IB_OK ||
        number_locations(ch, c) != IB_OK || org_attrs(c, &ch->attr) != IB_OK)
        return ib_err_set(err, IB_ENOMEM, "geen geheugen voor de keten");
    int rc = IB_OK;
    for (size_t k = 0; k < ch->n && rc == IB_OK; k++)
        rc = open_files(&ch->s[k], dir, err);
    return rc;
}

/* ------------------------------------------------------------ refs */

static void local_ref(const dsender *sd, int64_t n, char *out, size_t size)
{
    snprintf(out, size, "%s%0*lld", kinds[sd->kind].person, kinds[sd->kind].person_width,
             (long long)n);
}

/* The municipality's person number: ten digits, a bijection of the index
 * (7368787 is prime to 9 x 10^9). */
static void municipal_ref(const dctx *c, int64_t idx, char *out, size_t size)
{
    uint64_t v = ((uint64_t)idx * 7368787u + c->seed % 1000003u) % 9000000000u;
    snprintf(out, size, "%llu", (unsigned long long)(1000000000u + v));
}

static void location_ref(const dsender *sd, int64_t n, char *out, size_t size)
{
    snprintf(out, size, "%s%0*lld", kinds[sd->kind].location,
             kinds[sd->kind].location_width, (long long)n);
}

/* An agency's own number for an employer it places workers at. */
static void client_ref(dsender *sd, const dworld *w, int32_t employer, char *out,
                       size_t size)
{
    int32_t *k = &sd->client[(size_t)employer - w->first_employer];
    if (*k == 0)
        *k = (int32_t)++sd->clients;
    snprintf(out, size, "REL%04d", *k);
}

/* ------------------------------------------------------------ a person */

static int32_t sender_of_job(const dchain *ch, const djob *j)
{
    return ch->of_org[j->agency >= 0 ? j->agency : j->employer];
}

static int32_t sender_of_house(const dchain *ch, const dhouse *h)
{
    return h->provider >= 0 && h->loc >= 0 ? ch->of_org[h->provider] : -1;
}

static bool add_seen(dchain *ch, int32_t s)
{
    if (s < 0)
        return true;
    for (size_t k = 0; k < ch->n_seen; k++)
        if (ch->seen[k] == s)
            return true;
    if (ch->n_seen == ch->cap_seen) {
        size_t cap = ch->cap_seen ? 2 * ch->cap_seen : 16;
        int32_t *nv = realloc(ch->seen, cap * sizeof *nv);
        if (!nv)
            return false;
        ch->seen = nv;
        ch->cap_seen = cap;
    }
    ch->seen[ch->n_seen++] = s;
    return true;
}

/* Whether sender s has an episode (job or housing) starting in stay st. */
static bool knows_stay(const dchain *ch, const dperson *p, int32_t s,
                       const dstay *st)
{
    for (size_t i = 0; i < p->jobs.n; i++) {
        ib_date d = p->jobs.v[i].start;
        if (sender_of_job(ch, &p->jobs.v[i]) == s && d >= st->arrival &&
            (st->departure == IB_DATE_NONE || d < st->departure))
            return true;
    }
    for (size_t i = 0; i < p->houses.n; i++) {
        ib_date d = p->houses.v[i].start;
        if (sender_of_house(ch, &p->houses.v[i]) == s && d >= st->arrival &&
            (st->departure == IB_DATE_NONE || d < st->departure))
            return true;
    }
    return false;
}

/* Who the person is to the chain; now and then the name and birth date of
 * the latest earlier person of the same nationality and sex (born within
 * five years): a namesake, whom only the BSN tells apart. */
static void identify(dchain *ch, const dperson *p, drng *r, dident *id)
{
    dident *last = &ch->last[p->nation * 2 + (p->sex == IB_SEX_M)];
    dident own = {person_family_name(p), person_given_name(p), p->birth, true, false};
    *id = own;
    if (drng_chance(r, P_NAMESAKE) && last->set &&
        llabs((long long)last->birth - (long long)p->birth) <= 5 * 365) {
        *id = *last;
        id->namesake = true;
        ch->namesakes++;
    }
    *last = own;
}

static void write_org_record(dchain *ch, const dctx *c, const dperson *p,
                             int32_t s, const dident *id, drng *r)
{
    const dworld *w = &c->w;
    dsender *sd = &ch->s[s];
    char pref[40], fam[192], giv[192], a[128], b[128];
    local_ref(sd, ++sd->persons, pref, sizeof pref);
    dpersonrow pr = {pref, p->has_brp, fam, giv, id->birth};
    if (pr.bsn && drng_chance(r, id->namesake ? P_NO_BSN_NAMESAKE : P_NO_BSN)) {
        pr.bsn = false;
        ch->without_bsn++;
    }
    spell_name(id->family, kinds[sd->kind].spelling, fam, sizeof fam);
    spell_name(id->given, kinds[sd->kind].spelling, giv, sizeof giv);
    if (!pr.bsn && drng_chance(r, P_LOOKALIKE) &&
        spell_lookalike(r, fam, giv, &pr.birth))
        ch->lookalikes++;
    person_row(&sd->files[IB_KIND_PERSON], c, p, &pr);
    for (size_t i = 0; i < p->stays.n; i++)
        if (knows_stay(ch, p, s, &p->stays.v[i]))
            stay_row(&sd->files[IB_KIND_STAY], c, pref, &p->stays.v[i]);
    for (size_t i = 0; i < p->jobs.n; i++) {
        const djob *j = &p->jobs.v[i];
        if (sender_of_job(ch, j) != s)
            continue;
        if (j->agency >= 0)
            client_ref(sd, w, j->employer, a, sizeof a);
        employment_rows(&sd->files[IB_KIND_EMPLOYMENT], c, p, j, pref,
                        j->agency >= 0 ? a : sd->ref,
                        j->agency >= 0 ? sd->ref : NULL);
    }
    for (size_t i = 0; i < p->houses.n; i++) {
        const dhouse *h = &p->houses.v[i];
        if (sender_of_house(ch, h) != s || ch->loc_local[h->loc] == 0)
            continue;
        location_ref(sd, ch->loc_local[h->loc], b, sizeof b);
        housing_row(&sd->files[IB_KIND_HOUSING], c, pref, h, b, sd->ref);
    }
}

static void write_municipal_record(dchain *ch, const dctx *c, const dperson *p,
                                   const dident *id)
{
    dsender *sd = &ch->s[0];
    char pref[40];
    municipal_ref(c, p->idx, pref, sizeof pref);
    sd->persons++;
    dpersonrow pr = {pref, p->has_brp, id->family, id->given, id->birth};
    person_row(&sd->files[IB_KIND_PERSON], c, p, &pr);
    for (size_t i = 0; i < p->stays.n; i++)
        stay_row(&sd->files[IB_KIND_STAY], c, pref, &p->stays.v[i]);
    for (size_t i = 0; i < p->regs.n; i++)
        registration_row(&sd->files[IB_KIND_REGISTRATION], c, pref, &p->regs.v[i]);
    for (size_t i = 0; i < p->events.n; i++)
        life_event_row(&sd->files[IB_KIND_LIFE_EVENT], c, pref, &p->events.v[i]);
    for (size_t i = 0; i < p->contacts.n; i++)
        contact_row(&sd->files[IB_KIND_CONTACT], c, p, pref, &p->contacts.v[i]);
}

int chain_person(dchain *ch, const dctx *c, const dperson *p)
{
    drng r;
    drng_seed(&r, c->seed, STREAM_CHAIN + (uint64_t)p->idx);
    dident id;
    identify(ch, p, &r, &id);
    if (p->regs.n > 0)
        write_municipal_record(ch, c, p, &id);
    ch->n_seen = 0;
    for (size_t i = 0; i < p->jobs.n; i++)
        if (!add_seen(ch, sender_of_job(ch, &p->jobs.v[i])))
            return IB_ENOMEM;
    for (size_t i = 0; i < p->houses.n; i++)
        if (!add_seen(ch, sender_of_house(ch, &p->houses.v[i])))
            return IB_ENOMEM;
    for (size_t k = 0; k < ch->n_seen; k++)
        write_org_record(ch, c, p, ch->seen[k], &id, &r);
    return IB_OK;
}

/* ------------------------------------------------------------ closing */

static void write_org(dchain *ch, const dctx *c, dsender *sd, size_t org,
                      const char *ref)
{
    char name[128];
    org_name_text(&c->w, org, name, sizeof name);
    org_row(&sd->files[IB_KIND_ORGANISATION], ref, name, ch->attr[org].kvk,
            c->w.orgs[org].kind, ch->attr[org].cert);
}

/* Each sender's own row, and an agency's the employers it placed at: the
 * KvK number is the organisation's, whoever writes it. */
static void write_organisations(dchain *ch, const dctx *c)
{
    const dworld *w = &c->w;
    for (size_t k = 1; k < ch->n; k++) {
        dsender *sd = &ch->s[k];
        write_org(ch, c, sd, (size_t)sd->org, sd->ref);
        if (!sd->client)
            continue;
        for (size_t e = 0; e < w->employers; e++) {
            if (sd->client[e] == 0)
                continue;
            char ref[32];
            snprintf(ref, sizeof ref, "REL%04d", sd->client[e]);
            write_org(ch, c, sd, w->first_employer + e, ref);
        }
    }
}

static void write_location(dchain *ch, const dctx *c, size_t i,
                           const dlocrow *f, int32_t org, int32_t number)
{
    dsender *sd = &ch->s[ch->of_org[org]];
    char ref[64];
    location_ref(sd, number, ref, sizeof ref);
    dlocstyle st = {ref, sd->ref, kinds[sd->kind].postcode_space,
                    kinds[sd->kind].addition_sep};
    location_row(&sd->files[IB_KIND_LOCATION], c, i, f, &st);
}

static void write_locations(dchain *ch, const dctx *c)
{
    for (size_t i = 0; i < ch->n_locs; i++) {
        if (ch->loc_local[i] == 0)
            continue;
        dlocrow f;
        location_fields(c, i, &f);
        write_location(ch, c, i, &f, c->w.locs[i].provider, ch->loc_local[i]);
        if (ch->loc_host[i] >= 0)
            write_location(ch, c, i, &f, ch->loc_host[i], ch->loc_host_local[i]);
    }
}

static int write_manifest(const dchain *ch, const char *dir, ib_err *err)
{
    dout o;
    int rc = out_open(&o, dir, IB_DEMO_SENDERS_FILE,
                      "# folder sender_ref, in import order", err);
    if (rc != IB_OK)
        return rc;
    for (size_t k = 0; k < ch->n; k++) {
        put_str(&o, ch->s[k].ref);
        put_chr(&o, ' ');
        put_str(&o, ch->s[k].ref);
        end_row(&o);
    }
    return out_close(&o, err);
}

int chain_close(dchain *ch, const dctx *c, const char *dir, bool write,
                ib_demo_summary *sum, ib_err *err)
{
    int rc = IB_OK;
    if (write) {
        write_organisations(ch, c);
        write_locations(ch, c);
        rc = write_manifest(ch, dir, err);
    }
    for (size_t k = 0; k < ch->n; k++) {
        dsender *sd = &ch->s[k];
        for (int f = 0; f < IB_KIND_COUNT; f++) {
            ib_err cerr;
            sum->rows[f] += sd->files[f].rows;
            if (out_close(&sd->files[f], &cerr) != IB_OK && rc == IB_OK) {
                rc = cerr.code;
                if (err)
                    *err = cerr;
            }
        }
        free(sd->client);
    }
    sum->senders = (int64_t)ch->n;
    sum->without_bsn = ch->without_bsn;
    sum->namesakes = ch->namesakes;
    sum->lookalikes = ch->lookalikes;
    free(ch->s);
    free(ch->of_org);
    free(ch->loc_local);
    free(ch->loc_host);
    free(ch->loc_host_local);
    free(ch->attr);
    free(ch->last);
    free(ch->seen);
    free(ch);
    return rc;
}
