/* demo_internal.h — shared by the files of the demo generator: the random
 * number generator, the built-in tables (nationalities, names,
 * municipalities), the world of organisations and locations, one person's
 * simulated life and the row writers. Nothing here is public. */
#ifndef IB_DEMO_INTERNAL_H
#define IB_DEMO_INTERNAL_H

#include <stdio.h>

#include "demo/demo.h"
#include "monitor/monitor.h"

/* ------------------------------------------------------------ rng.c */

/* xoshiro256** (Blackman & Vigna 2018), seeded through splitmix64, so that
 * every (seed, stream) pair gives an independent, platform-independent
 * sequence: each person draws from its own stream, which keeps a person's
 * life the same whatever else changes around it. */
typedef struct drng {
    uint64_t s[4];
} drng;

void drng_seed(drng *r, uint64_t seed, uint64_t stream);
uint64_t drng_next(drng *r);
double drng_unif(drng *r);                   /* [0, 1) */
int32_t drng_int(drng *r, int32_t n);        /* 0 .. n-1, n > 0 */
int32_t drng_range(drng *r, int32_t lo, int32_t hi);   /* lo .. hi */
bool drng_chance(drng *r, double p);
/* Index drawn with probability w[i] / sum(w) (n > 0, sum > 0). */
size_t drng_pick(drng *r, const double *w, size_t n);
/* Index i with cum[i-1] <= u * cum[n-1] < cum[i]: cum is a running sum. */
size_t drng_pick_cum(drng *r, const double *cum, size_t n);
/* Exponential with the given mean. */
double drng_exp(drng *r, double mean);

/* ------------------------------------------------------------ tables.c */

typedef struct dnames {
    const char *const *family;
    const char *const *male;
    const char *const *female;
    int n_family, n_male, n_female;
} dnames;

/* Category mixes (probabilities in ib_category order). */
enum { MIX_CEE, MIX_EU_WEST, MIX_BALKAN, MIX_UKRAINE, MIX_INDIA, MIX_TURKEY,
       MIX_REFUGEE, MIX_CHINA, MIX_ANGLO, MIX_BRAZIL, MIX_PHILIPPINES,
       MIX_COUNT };

typedef struct dnation {
    const char *code;          /* ISO 3166-1 alpha-2 */
    double weight;             /* share of arrivals, after CBS where known */
    const char *language;      /* ISO 639-1 */
    int mix;                   /* MIX_* */
    const dnames *names;
} dnation;

typedef struct dmuni {
    const char *code;          /* CBS code */
    double weight;
    int pc_lo, pc_hi;          /* range of the four postcode digits */
} dmuni;

extern const dnation demo_nations[];
extern const size_t demo_n_nations;
extern const double demo_category_mix[MIX_COUNT][6];
extern const dmuni demo_munis[];
extern const size_t demo_n_munis;
/* Arrival weight of a calendar year (2010 onwards). */
double demo_year_weight(int year);

/* ------------------------------------------------------------ world.c */

/* Organisations, in ref order: agencies, employers, housing providers,
 * municipalities, welfare organisations, other. */
typedef struct dorg {
    uint8_t kind;              /* ib_org_kind */
    char sector;               /* employers: SBI section */
    bool knowledge;            /* employer of knowledge migrants */
    int16_t home_muni;         /* index into demo_munis */
    double weight;             /* relative size */
} dorg;

typedef struct dloc {
    uint8_t kind;              /* ib_location_kind */
    bool crowd;                /* prone to overcrowding */
    int16_t muni;              /* index into demo_munis */
    int32_t provider;          /* org index, -1 none */
    uint32_t occupancy;        /* persons housed here on R */
} dloc;

/* A weighted set of locations to draw from. */
typedef struct dpool {
    uint32_t *loc;
    double *cum;
    size_t n;
} dpool;

enum { POOL_SHARED, POOL_SHORT_STAY, POOL_PRIVATE, POOL_CORPORATION,
       POOL_HOTEL, POOL_OTHER, POOL_COUNT };

typedef struct dworld {
    dorg *orgs;
    size_t n_orgs;
    size_t agencies, employers, providers;  /* counts; in that order */
    size_t first_employer, first_provider, first_municipality, first_welfare;
    double *agency_cum;        /* running sums of agency weights */
    uint32_t *lab_emp, *know_emp;           /* employer org indexes */
    double *lab_cum, *know_cum;
    size_t n_lab, n_know;
    dloc *locs;
    size_t n_locs, cap_locs, n_pool_locs;
    dpool pools[POOL_COUNT];   /* not tied: by kind */
    dpool *own;                /* per org: the locations it owns (tied beds) */
    int org_width, loc_width, person_width;
} dworld;

int world_build(dworld *w, uint64_t seed, int64_t persons, ib_err *err);
void world_free(dworld *w);
/* A new owner-occupied home in municipality muni; its index or -1. */
int64_t world_new_home(dworld *w, int16_t muni);
size_t world_pick(const dworld *w, const dpool *p, drng *r);

/* ------------------------------------------------------------ person */

typedef struct djob {
    ib_date start, end;        /* end IB_DATE_NONE: ongoing on R */
    int32_t employer, agency;  /* org indexes, agency -1 */
    float ratio;               /* wage relative to WML, or to K for refk */
    uint16_t hours;            /* hundredths */
    uint8_t contract;          /* ib_contract */
    bool refk;                 /* wage set against the knowledge criterion */
    bool wage_unknown;
    char sector;
} djob;

/* A home bought during the simulation is created as a location only when
 * the person is final (person 0 may be redrawn): loc HOME_NEW, muni set. */
#define HOME_NEW (-2)
typedef struct dhouse {
    ib_date start, end;
    int32_t loc, provider;     /* provider -1: not known */
    int16_t muni;              /* HOME_NEW: municipality of the home */
} dhouse;

typedef struct dreg {
    ib_date start, end;
    uint8_t kind;              /* ib_reg_kind */
    int16_t muni;              /* -1 none (rni) */
} dreg;

typedef struct devent {
    ib_date date;
    uint8_t kind;              /* ib_event_kind */
} devent;

typedef struct dstay {
    ib_date arrival, departure;
} dstay;

/* The language a contact was held in: the person's own (its nation's),
 * English, Dutch, or not recorded. */
enum { DLANG_NONE, DLANG_OWN, DLANG_EN, DLANG_NL };

typedef struct dcontact {
    ib_date date;
    uint8_t kind;              /* ib_contact_kind */
    uint8_t channel;           /* ib_channel */
    uint8_t language;          /* DLANG_* */
    uint8_t understood;        /* ib_understood */
    uint16_t topics;           /* bit i: topic code i of ib_topic_codes */
} dcontact;

#define DVEC(T) struct { T *v; size_t n, cap; }

/* One person's whole history, filled by person_generate and written by
 * rows_write_person. The vectors are reused from person to person. */
typedef struct dperson {
    int64_t idx;               /* 0-based; ref P<idx+1> */
    drng rng;
    size_t nation;
    bool eu;
    uint8_t category, sex;
    ib_date birth;
    int family_name, given_name;
    double skill;              /* 0..1: wage level within the contract */
    bool partner, owner, bought;   /* bought: a home, once in a lifetime */
    ib_date last_child;            /* latest child_birth, NONE none */
    ib_date child_until;           /* the youngest child turns 18 */
    ib_date turns_30;              /* K's higher amount from this day */
    ib_date last_family_event;     /* one partner/child event a month */
    bool has_brp;
    DVEC(djob) jobs;
    DVEC(dhouse) houses;
    DVEC(dreg) regs;
    DVEC(devent) events;
    DVEC(dstay) stays;
    DVEC(dcontact) contacts;   /* contacts.c, once the person is final */
    bool oom;                  /* a vector could not grow */
} dperson;

/* The departure hazard: baseline by origin (EU/EEA, other) and band of
 * years since arrival, and hazard ratios (person.c, docs/demo-data.md). */
typedef struct dmodel {
    double base[2][5];
    double category[6];        /* ib_category order */
    double not_working;        /* labour, knowledge and other only */
    double agency, temporary, self_employed;   /* vs permanent */
    double tied_housing;
    double income_200;
    double partner;
    double children_eu, children_non_eu;
    double home_owner;
} dmodel;

extern const dmodel demo_model_default;

/* ------------------------------------------------------------ calendar.c */

typedef struct dcal {
    ib_date jan1[202];         /* 1 January of 1900 .. 2101 */
    ib_date first;             /* text[0] is this day */
    size_t n;
    char (*text)[10];          /* "YYYY-MM-DD" of each day, 1900-2100 */
    const ib_ref_wml_row *wml;
    const ib_ref_knowledge_row *know;
    size_t n_wml, n_know;
} dcal;

int dcal_init(dcal *k);
void dcal_free(dcal *k);
int dcal_year(const dcal *k, ib_date d);
ib_date dcal_jan1(const dcal *k, int year);
/* The 10 characters of "YYYY-MM-DD" (not terminated), NULL outside the table. */
const char *dcal_text(const dcal *k, ib_date d);
/* As ib_ref_wml and ib_ref_knowledge, by binary search. */
ib_cents dcal_wml(const dcal *k, ib_date d);
ib_cents dcal_knowledge(const dcal *k, int age, ib_date d);

typedef struct dctx {
    dworld w;
    dcal cal;
    dmodel model;
    ib_date at;                /* R */
    uint64_t seed;
    int64_t persons;
    double year_cum[64];       /* running arrival weights per year from 2010 */
    int n_years;
} dctx;

void person_free(dperson *p);
/* Creates the person's bought homes as locations and counts occupancy on R;
 * IB_ENOMEM when the location table cannot grow. */
int person_finish(dctx *c, dperson *p);
/* Simulates person idx (its arrival, life in the Netherlands, departure). */
void person_generate(dctx *c, dperson *p, int64_t idx);

/* contacts.c: the person's contact moments, from a stream of their own. */
void contacts_generate(const dctx *c, dperson *p);

/* Helpers shared by person.c, work.c and home.c. */
void *dvec_grow(void *v, size_t *cap, size_t size, bool *oom);
#define DPUSH(p, vec, val)                                                   \
    do {                                                                     \
        if ((vec).n == (vec).cap) {                                          \
            void *nv_ = dvec_grow((vec).v, &(vec).cap, sizeof *(vec).v,      \
                                  &(p)->oom);                                \
            if (!nv_) break;                                                 \
            (vec).v = nv_;                                                   \
        }                                                                    \
        (vec).v[(vec).n++] = (val);                                          \
    } while (0)

/* State of the stay being simulated. */
typedef struct dstate {
    ib_date arrival;
    int job;                   /* index into jobs of the open job, -1 none */
    ib_date next_job;          /* a job search ends on this day; NONE idle */
    int house;                 /* open housing, -1 none */
    int brp, rni;              /* open registrations, -1 none */
    ib_date brp_due;           /* planned BRP registration, NONE none */
} dstate;

/* work.c */
void work_start_stay(dctx *c, dperson *p, dstate *s);
void work_step(dctx *c, dperson *p, dstate *s, ib_date t, ib_date t1);
void work_close(dperson *p, dstate *s, ib_date dep);
/* The day from which job j's wage on day d holds: 1 January, the job's
 * start, or a knowledge migrant's 30th birthday. */
ib_date work_wage_from(const dctx *c, const dperson *p, const djob *j, ib_date d);
/* Monthly wage in cents of job j on day d. */
int64_t work_wage(const dctx *c, const dperson *p, const djob *j, ib_date d);
bool work_is_tied(const dperson *p, const dstate *s);

/* home.c */
void home_start_stay(dctx *c, dperson *p, dstate *s);
void home_after_job_start(dctx *c, dperson *p, dstate *s, ib_date t);
/* After job `job` ended on day e: tied housing ends too (on or before
 * limit, the last day being simulated). */
void home_after_job_end(dctx *c, dperson *p, dstate *s, int job, ib_date e,
                        ib_date limit);
void home_step(dctx *c, dperson *p, dstate *s, ib_date t, ib_date t1);
void home_buy(dctx *c, dperson *p, dstate *s, ib_date t);
void home_family_move(dctx *c, dperson *p, dstate *s, ib_date t);
void home_close(dctx *c, dperson *p, dstate *s, ib_date dep);

/* ------------------------------------------------------------ rows.c */

/* A CSV file being written through a buffer. A lazy one (out_open_lazy) is
 * opened only to flush its small buffer and closed again, so that a chain
 * demo can write thousands of files without holding them open. */
typedef struct dout {
    FILE *f;
    char *buf, *path;
    size_t len, cap, flush_at;
    int64_t rows;
    bool lazy, created, failed;
} dout;

int out_open(dout *o, const char *dir, const char *name, const char *header,
             ib_err *err);
int out_open_lazy(dout *o, const char *dir, const char *name, const char *header,
                  ib_err *err);
/* Writes what is left (a lazy file that never flushed gets its header) and
 * frees the buffer; IB_EIO when any write failed. */
int out_close(dout *o, ib_err *err);

/* Formatting into the buffer; end_row ends the line and flushes when due.
 * No value holds a comma, quote or line break, so nothing is quoted. */
void put_str(dout *o, const char *s);
void put_chr(dout *o, char ch);
void put_uint(dout *o, uint64_t v, int width);
void put_ref(dout *o, char prefix, int64_t n, int width);
void put_date(dout *o, const dctx *c, ib_date d);
void put_hundredths(dout *o, int64_t v);
void put_sep(dout *o);
void end_row(dout *o);
/* The person's BSN (valid 11-check, unique per index and seed). */
void put_bsn(dout *o, const dctx *c, int64_t idx);
/* "O001": prefix and zero-padded number. */
void ref_text(char *buf, size_t n, char prefix, int64_t v, int width);

/* Organisations: name, and the KvK number and certificate of each (drawn
 * in one sequence for all organisations). */
typedef struct dorgattr {
    uint32_t kvk;              /* 8 digits */
    bool kvk_known;            /* the single layout leaves one in ten out */
    uint8_t cert;              /* ib_cert */
} dorgattr;

void org_name_text(const dworld *w, size_t i, char *buf, size_t n);
/* *out: one per organisation, caller frees; IB_ENOMEM. */
int org_attrs(const dctx *c, dorgattr **out);
/* kvk 0: empty. */
void org_row(dout *o, const char *ref, const char *name, uint32_t kvk,
             uint8_t kind, uint8_t cert);

/* A location's address and size, the same whoever writes it. */
typedef struct dlocrow {
    int pc_digits;
    char pc[2];                /* the postcode letters */
    int number;
    char addition;             /* house number addition letter, 0 none */
    int64_t cap, area;         /* beds, m2 in hundredths */
    bool cap_known, area_known;
    ib_date certified;         /* certified_until, IB_DATE_NONE none */
} dlocrow;

/* How a sender writes a location: its ref, the provider's ref (NULL none),
 * "1234 AB" or "1234AB", and "12-A", "12 A" or "12A" (addition_sep 0). */
typedef struct dlocstyle {
    const char *ref, *provider_ref;
    bool postcode_space;
    char addition_sep;
} dlocstyle;

void location_fields(const dctx *c, size_t i, dlocrow *f);
void location_row(dout *o, const dctx *c, size_t i, const dlocrow *f,
                  const dlocstyle *st);

/* A person row as one sender writes it. */
typedef struct dpersonrow {
    const char *ref;
    bool bsn;
    const char *family, *given;
    ib_date birth;
} dpersonrow;

const char *person_family_name(const dperson *p);
const char *person_given_name(const dperson *p);
void person_row(dout *o, const dctx *c, const dperson *p, const dpersonrow *r);
/* Episode rows under person ref pref. */
void stay_row(dout *o, const dctx *c, const char *pref, const dstay *s);
void registration_row(dout *o, const dctx *c, const char *pref, const dreg *r);
void life_event_row(dout *o, const dctx *c, const char *pref, const devent *e);
void contact_row(dout *o, const dctx *c, const dperson *p, const char *pref,
                 const dcontact *x);
/* One row per calendar year of job j; agency NULL: none. */
void employment_rows(dout *o, const dctx *c, const dperson *p, const djob *j,
                     const char *pref, const char *employer, const char *agency);
void housing_row(dout *o, const dctx *c, const char *pref, const dhouse *h,
                 const char *location, const char *provided_by);

/* The header line of each file (ib_kind order). */
extern const char *const demo_headers[IB_KIND_COUNT];

/* The single layout: one folder, refs O001, L0001, P000001. */
int rows_organisations(dout *o, const dctx *c);
void rows_locations(dout *o, const dctx *c);
/* Writes the person's rows; files indexed by ib_kind. */
void rows_person(dout *files, const dctx *c, const dperson *p);

/* ------------------------------------------------------------ spelling.c */

/* How a sender writes names: as they are, without diacritics, or in
 * capitals without diacritics. */
enum { SPELL_AS_IS, SPELL_PLAIN, SPELL_UPPER };

/* in written in the style into out (n bytes, always terminated). */
void spell_name(const char *in, int style, char *out, size_t n);
/* Makes a record a look-alike of the person: two letters of a name
 * swapped, or day and month of the birth date swapped, or one digit of the
 * day changed. false when none applies (short names, 30th or 31st). */
bool spell_lookalike(drng *r, char *family, char *given, ib_date *birth);
/* Lower-case letters and digits, runs of anything else one '-'. */
void spell_slug(const char *name, char *out, size_t n);

/* ------------------------------------------------------------ chain.c */

typedef struct dchain dchain;

/* The senders, their sub-folders of dir and their files; *out is set
 * (also on failure: close it with chain_close). */
int chain_open(dchain **out, const dctx *c, const char *dir, ib_err *err);
/* Writes the person as each sender that knows it. */
int chain_person(dchain *ch, const dctx *c, const dperson *p);
/* write: the organisations, locations and senders.txt too (false after a
 * failure). Adds the counts to sum, closes the files and frees ch. */
int chain_close(dchain *ch, const dctx *c, const char *dir, bool write,
                ib_demo_summary *sum, ib_err *err);

/* ------------------------------------------------------------ demo.c */

/* mkdir -p. */
int demo_make_dir(const char *dir, ib_err *err);

#endif
