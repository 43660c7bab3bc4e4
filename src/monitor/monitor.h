/* monitor.h — the monitor module: the data the monitor reads (compact arrays
 * per person, loaded once from the store), stays as survival data and their
 * counting-process intervals, the typology, registration coverage, housing
 * on a reference day, small-cell suppression and the result tables.
 * Exact definitions: spec/monitor.md; choices it leaves open are documented
 * here, at the function that makes them, and in docs/monitor.md. */
#ifndef IB_MONITOR_H
#define IB_MONITOR_H

#include <stdio.h>

#include "core/core.h"
#include "monitor/survival.h"
#include "store/store.h"

/* ================================================= reference tables */

/* The statutory minimum wage (WML, full-time, 21+) and the IND salary
 * criterion for knowledge migrants, compiled in from the CSV files in reference/
 * (test_reference keeps them in sync). Amounts in cents. */
typedef struct ib_ref_wml_row {
    ib_date valid_from;
    ib_cents monthly;
    ib_cents hourly;             /* IB_CENTS_NONE before 2024 */
} ib_ref_wml_row;

typedef struct ib_ref_knowledge_row {
    ib_date valid_from;
    ib_cents monthly_30_plus;
    ib_cents monthly_under_30;
} ib_ref_knowledge_row;

/* The compiled rows, ordered by valid_from; *n receives the row count. */
const ib_ref_wml_row *ib_ref_wml_rows(size_t *n);
const ib_ref_knowledge_row *ib_ref_knowledge_rows(size_t *n);

/* WML(d): monthly amount of the row with the latest valid_from <= d; before
 * the first row, the first row's amount. */
ib_cents ib_ref_wml(ib_date d);
/* K(age, d): the knowledge-migrant criterion in force on d (same row rule as
 * WML), the lower amount when age (completed years) is under 30. */
ib_cents ib_ref_knowledge(int age, ib_date d);

/* =================================================== monitor data */

/* Age bands at arrival. Ages outside 18-66 (minors, 67+) and unknown birth
 * dates fall in IB_AGE_OTHER ("other"). */
typedef enum { IB_AGE_18_24, IB_AGE_25_34, IB_AGE_35_44, IB_AGE_45_54,
               IB_AGE_55_66, IB_AGE_OTHER, IB_AGE_COUNT } ib_age_band;
ib_age_band ib_age_band_of(int age);
/* "18-24", ..., "55-66", "other". */
const char *ib_age_band_name(ib_age_band b);

/* Municipalities are kept as the number of their CBS code ("GM0518" = 518);
 * IB_MUNI_NONE when unknown. */
#define IB_MUNI_NONE ((int16_t)-1)
int16_t ib_muni_from_code(const char *gm);      /* IB_MUNI_NONE if invalid */
/* "GM0518", or "" for IB_MUNI_NONE; buf of at least 7 bytes. */
char *ib_muni_format(int16_t m, char buf[7]);

#define IB_MREF_NONE UINT32_MAX   /* no string (offset into ib_mdata.strings) */
#define IB_MIDX_NONE (-1)         /* no organisation / location */

/* Person flags. */
enum { IB_MP_EU = 1, IB_MP_CEE = 2, IB_MP_SOUTH = 4 };

/* Compact records: only what the monitor uses. Strings live in one arena
 * (ib_mdata.strings) and are referred to by offset. */
typedef struct ib_mperson {
    uint32_t ref;            /* person_ref */
    uint32_t sender;         /* index into ib_mdata.sender_ids */
    ib_date birth;           /* IB_DATE_NONE unknown */
    char nationality[3];
    uint8_t sex;             /* ib_sex */
    uint8_t category;        /* ib_category */
    uint8_t flags;           /* IB_MP_* */
} ib_mperson;

typedef struct ib_mstay_rec {
    ib_date arrival;
    ib_date departure;       /* IB_DATE_NONE while present */
} ib_mstay_rec;

typedef struct ib_mreg {
    ib_date start, end;      /* end IB_DATE_NONE: ongoing */
    int16_t municipality;    /* IB_MUNI_NONE when empty */
    uint8_t kind;            /* ib_reg_kind */
} ib_mreg;

typedef struct ib_memp {
    ib_date start, end;
    int32_t wage;            /* monthly, cents; -1 unknown (counts as 0) */
    int32_t employer;        /* organisation index */
    int32_t agency;          /* organisation index or IB_MIDX_NONE */
    uint8_t contract;        /* ib_contract */
} ib_memp;

typedef struct ib_mhousing {
    ib_date start, end;
    int32_t location;        /* location index */
    int32_t provided_by;     /* organisation index or IB_MIDX_NONE */
} ib_mhousing;

/* Life events the monitor uses: partner_start, partner_end, child_birth
 * (home_purchase/home_sale are not part of any definition and are dropped). */
typedef struct ib_mevent {
    ib_date date;
    uint8_t kind;            /* ib_event_kind */
} ib_mevent;

typedef struct ib_mlocation {
    uint32_t ref;            /* location_ref */
    int64_t floor_area;      /* m2 in hundredths, IB_CENTS_NONE unknown */
    int32_t capacity;        /* -1 unknown */
    int32_t provider;        /* organisation index or IB_MIDX_NONE */
    int16_t municipality;
    uint8_t kind;            /* ib_location_kind */
    /* 1: another sender's location at the same address (docs/linkage.md)
     * stands for this one; no episode refers to it and the figures leave
     * it out. */
    uint8_t merged;
} ib_mlocation;

typedef struct ib_morg {
    uint32_t ref, name;
    uint8_t kind;            /* ib_org_kind */
    uint8_t merged;          /* 1: another sender's with the same KvK stands for it */
} ib_morg;

/* Everything the monitor reads, grouped by person: the episodes of person i
 * of kind X are X[X_off[i] .. X_off[i+1]), sorted by start (stays by
 * arrival, events by date). Indexes are uint32: up to 4e9 records. */
typedef struct ib_mdata {
    size_t n_persons, n_stays, n_regs, n_emps, n_housings, n_events;
    size_t n_locations, n_orgs, n_senders;
    ib_mperson *persons;
    ib_mstay_rec *stays;      uint32_t *stay_off;
    ib_mreg *regs;            uint32_t *reg_off;
    ib_memp *emps;            uint32_t *emp_off;
    ib_mhousing *housings;    uint32_t *housing_off;
    ib_mevent *events;        uint32_t *event_off;
    ib_mlocation *locations;
    ib_morg *orgs;
    int64_t *sender_ids;      /* store ids of the senders */
    char *strings;            /* arena of NUL-terminated strings */
    size_t strings_len, strings_cap;
    /* The store's data version (ib_store_data_version) this was read at,
     * when it holds the whole registry (all senders); "" otherwise. */
    char data_version[IB_DATA_VERSION_LEN];
    /* Read from a snapshot: the arrays lie in this one region (freed as a
     * whole by ib_mdata_free; a mapping of the file when region_mapped),
     * and the data is read-only: nothing may be added. NULL otherwise. */
    void *region;
    size_t region_len;
    bool region_mapped;
    /* building state (private to data.c) */
    struct ib_mbuild *build;
} ib_mdata;

/* Loads persons, stays, registrations, employments, housings, the partner
 * and child events, locations and organisations from the store (all senders,
 * or f->sender_id only). Only compact fields are kept (no names, no BSN).
 * On success *d owns its arrays: free with ib_mdata_free. */
int ib_mdata_load(ib_store *st, const ib_filter *f, ib_mdata *d, ib_err *err);

/* ============================================== snapshot of the data
 * A binary copy of a whole-registry ib_mdata beside the database
 * (ib_store_snapshot_path: "<db>.monitor"), so that a monitor command or
 * the server reads the registry whole (mapped, or with one read) instead
 * of a scan of every row. The file holds the arrays as they are in memory
 * (each at a multiple of 64 bytes) after a header (magic, format version,
 * record sizes, counts, the data version it was read at, a checksum of
 * the header and one of the arrays). It is
 * used only when all of that checks out, its arrays are consistent (every
 * index in range, offsets ordered, codes known) and its data version is
 * the store's current one; otherwise it is ignored and rebuilt. It holds
 * person refs, birth dates and nationalities: mode 0600, and
 * ib_store_erase_person deletes it. Same machine architecture only (the
 * header tells another apart). */

/* Writes d (whose data_version must be set) to path atomically: a
 * temporary file in the same folder (mode 0600), fsync, rename, fsync of
 * the folder. IB_EINVAL without a data version, IB_EIO naming the path. */
int ib_mdata_snapshot_write(const ib_mdata *d, const char *path, ib_err *err);
/* How a snapshot is read: not at all; into memory of the process's own
 * (for data kept long: a file truncated in place later cannot touch it);
 * or mapped read-only from the file, which saves the copy and the zeroing
 * of fresh memory (for a command that ends soon). */
typedef enum { IB_MSNAP_OFF, IB_MSNAP_COPY, IB_MSNAP_MAP } ib_msnap_mode;

/* Reads the snapshot at path into *d (initialised here; caller frees with
 * ib_mdata_free) when its data version is `version` (non-empty); mode
 * IB_MSNAP_COPY or IB_MSNAP_MAP.
 * IB_ENOTFOUND when there is no file, IB_ECONFLICT when it is of another
 * data version, IB_ESTORE when it is damaged or inconsistent (the message
 * says what), IB_ENOMEM, IB_EIO. On failure *d is empty. */
int ib_mdata_snapshot_read(const char *path, const char *version,
                           ib_msnap_mode mode, ib_mdata *d, ib_err *err);

/* How ib_mdata_load_snapshot went. */
typedef struct ib_msnap_info {
    bool used;               /* read from the snapshot */
    bool written;            /* loaded from the store, snapshot (re)written */
    char why[200];           /* why not used, or why not written; "" */
} ib_msnap_info;

/* The whole registry (all senders) as ib_mdata_load with no filter, from
 * the snapshot beside the database when it is current (read as mode
 * says); otherwise loaded from the store and written as the new snapshot
 * (a failure to write only shows in info->why). With IB_MSNAP_OFF the file
 * is neither read nor written. The snapshot is not written when the data
 * version changed while loading, and removed again when it changed during
 * the rename (an erasure in between must not leave its person behind).
 * Errors as ib_mdata_load. */
int ib_mdata_load_snapshot(ib_store *st, ib_msnap_mode mode, ib_mdata *d,
                           ib_msnap_info *info, ib_err *err);

/* Building in memory (the loader uses this, and so can tests): init, add
 * senders/organisations/locations/persons, then their episodes by person
 * index, then finish, which groups and sorts. Add functions return the new
 * index (>= 0) or a negative IB_E* code. */
void ib_mdata_init(ib_mdata *d);
void ib_mdata_free(ib_mdata *d);
int ib_mdata_add_sender(ib_mdata *d, int64_t store_id);
int ib_mdata_add_org(ib_mdata *d, const char *ref, const char *name,
                     ib_org_kind kind);
/* l->ref is ignored; ref is copied. */
int ib_mdata_add_location(ib_mdata *d, const char *ref, const ib_mlocation *l);
/* p->ref is ignored; ref is copied; flags are derived from nationality. */
int ib_mdata_add_person(ib_mdata *d, const char *ref, const ib_mperson *p);
int ib_mdata_add_stay(ib_mdata *d, uint32_t person, ib_date arrival,
                      ib_date departure);
int ib_mdata_add_reg(ib_mdata *d, uint32_t person, const ib_mreg *r);
int ib_mdata_add_emp(ib_mdata *d, uint32_t person, const ib_memp *e);
int ib_mdata_add_housing(ib_mdata *d, uint32_t person, const ib_mhousing *h);
/* Events of other kinds than partner_start/partner_end/child_birth are
 * accepted and dropped (returns 0). */
int ib_mdata_add_event(ib_mdata *d, uint32_t person, ib_event_kind kind,
                       ib_date date);
/* Groups the episodes by person and sorts them by date. IB_EINVAL when a
 * stay's departure is not after its arrival. */
int ib_mdata_finish(ib_mdata *d, ib_err *err);

/* The string at offset off ("" for IB_MREF_NONE). */
const char *ib_mdata_str(const ib_mdata *d, uint32_t off);

/* Whether person p lies in one of the municipalities munis[0..n) (CBS
 * numbers, ib_muni_from_code): one of their registrations is there, or one
 * of their housings is at a location there (the API's person scope). */
bool ib_mdata_person_in(const ib_mdata *d, uint32_t p, const int16_t *munis,
                        size_t n);
/* The persons of src that lie in one of the municipalities, with all their
 * records (stays, registrations, employments, housings and events, also
 * those elsewhere), and every sender, organisation and location. Every
 * figure computed on *out is the figure of that municipality or region.
 * On success *out is finished (ib_mdata_finish); caller frees it with
 * ib_mdata_free. */
int ib_mdata_in_municipalities(const ib_mdata *src, const int16_t *munis,
                               size_t n, ib_mdata *out, ib_err *err);

/* ============================================ covariates on a day */

/* The time-varying binding factors of spec "Time-varying binding factors".
 * IB_TV_WAGE_RATIO is numeric; the others are 0/1 flags. */
typedef enum { IB_TV_EMPLOYED, IB_TV_PERMANENT, IB_TV_AGENCY,
               IB_TV_SELF_EMPLOYED, IB_TV_WAGE_RATIO, IB_TV_INCOME_130,
               IB_TV_INCOME_200, IB_TV_PARTNER, IB_TV_CHILDREN,
               IB_TV_HOME_OWNER, IB_TV_COUNT } ib_tv;
/* "employed", "permanent", ..., "home_owner"; NULL out of range. */
const char *ib_tv_name(ib_tv tv);

/* A set of time-varying covariates: bit (1u << tv) for each member. The
 * intervals of a stay are cut only where a member of the set changes. */
typedef uint32_t ib_tv_set;
#define IB_TV_ALL ((ib_tv_set)((1u << IB_TV_COUNT) - 1))

/* The values of one person on one day. Besides the spec's flags also
 * `temporary` (a covering temporary employment), which the typology needs. */
typedef struct ib_mvalues {
    uint32_t flags;          /* bit (1u << ib_tv) for the 0/1 covariates */
    bool temporary;
    int64_t wage;            /* sum of covering monthly wages, cents */
    int64_t wml;             /* WML on the day, cents */
} ib_mvalues;

/* Evaluates the covariates of person p on day `day` (spec definitions;
 * partner: on a day with both a partner_start and a partner_end, the
 * partner_start counts as the latest, i.e. the person has a partner). */
void ib_monitor_values_at(const ib_mdata *d, uint32_t p, ib_date day,
                          ib_mvalues *v);
/* wage / WML as a double. */
double ib_mvalues_wage_ratio(const ib_mvalues *v);
/* Whether two days' values differ in a covariate of set: a flag, or the
 * exact wage ratio when wage_ratio is in the set. */
bool ib_mvalues_differ(const ib_mvalues *a, const ib_mvalues *b,
                       ib_tv_set set);
/* Value of covariate tv as a double (flags 0/1, wage_ratio numeric). */
double ib_mvalues_get(const ib_mvalues *v, ib_tv tv);

/* ============================================ stays as survival data */

/* Fixed attributes of a stay. */
typedef struct ib_mattr {
    char nationality[3];
    uint8_t sex;             /* ib_sex */
    uint8_t category;        /* ib_category */
    uint8_t age_band;        /* ib_age_band, age at arrival */
    uint8_t flags;           /* IB_MP_EU / CEE / SOUTH */
    int16_t cohort;          /* calendar year of arrival */
    int16_t first_brp;       /* municipality of the person's BRP registration
                                with the earliest start_date <= R */
} ib_mattr;

/* One stay as survival data. */
typedef struct ib_mstay {
    uint32_t person;         /* index into ib_mdata.persons */
    uint32_t stay;           /* index into ib_mdata.stays */
    uint32_t stay_no;        /* 1-based number of the stay within the person */
    int32_t time;            /* T in days (> 0) */
    uint8_t event;           /* 1: departure <= R; 0: censored */
    ib_mattr attr;
} ib_mstay;

typedef struct ib_msurv_opts {
    ib_date at;              /* R */
    bool first_only;         /* --stays first: each person's earliest stay */
    int cohort;              /* --cohort: only stays arriving in this calendar
                                year; 0 (default) all cohorts */
} ib_msurv_opts;

typedef struct ib_msurv {
    ib_mstay *stays;
    size_t n;
} ib_msurv;

/* Fills *st for stay s (index into d->stays) of person p. Returns false when
 * the stay arrives after R (left out). */
bool ib_monitor_stay(const ib_mdata *d, uint32_t p, uint32_t s, ib_date at,
                     ib_mstay *st);
/* All stays with arrival <= R (or each person's first stay, when that
 * arrives <= R), of o->cohort when set. Caller frees with ib_msurv_free. */
int ib_monitor_stays(const ib_mdata *d, const ib_msurv_opts *o, ib_msurv *out,
                     ib_err *err);
void ib_msurv_free(ib_msurv *s);
/* Orders the stays by T (stable), which every survival figure reads them
 * in; the figures do not depend on the order. */
int ib_msurv_sort_by_time(ib_msurv *sv, ib_err *err);

/* ================================= counting-process intervals */

/* (start, stop] in days since arrival; event only on the stay's last. */
typedef struct ib_minterval {
    int32_t start, stop;
    uint8_t event;
    ib_mvalues v;
} ib_minterval;

/* Cuts one stay into intervals (spec "Time-varying binding factors"): values
 * on day arrival+k apply to (k, k+1], and a new interval starts at every k
 * in 1..T-1 where a covariate of `set` differs from the day before (IB_TV_ALL:
 * any). Only candidate days of the set are evaluated (episode starts, ends +
 * 1, partner events, child births and 18th birthdays, WML valid_from dates).
 * wage_ratio counts as a value: a WML change cuts the interval of a person
 * with a wage (not of one without) when wage_ratio is in the set, because
 * the ratio itself changes even when no flag does. Each interval's values
 * hold only the set's covariates (the others read 0): they are not followed.
 * Cutting at fewer days merges adjacent intervals whose covariates of the
 * set are equal, which leaves every Cox risk set, and so the fit, the same.
 * *buf (capacity *cap) is grown as needed and reused; *n receives the count.
 * Caller frees *buf. */
int ib_monitor_stay_intervals(const ib_mdata *d, const ib_mstay *s,
                              ib_date at, ib_tv_set set, ib_minterval **buf,
                              size_t *n, size_t *cap, ib_err *err);

/* Calls cb for every interval (cut for `set`) of every stay of
 * ib_monitor_stays (the same selection: first_only, cohort), in person and
 * stay order. A non-zero return of cb stops and is returned. */
typedef int (*ib_minterval_cb)(void *ctx, const ib_mstay *s,
                               const ib_minterval *iv);
int ib_monitor_each_interval(const ib_mdata *d, const ib_msurv_opts *o,
                             ib_tv_set set, ib_minterval_cb cb, void *ctx,
                             ib_err *err);

/* Writes the intervals cut for `set` as CSV: person_ref, stay (number within
 * the person), start, stop, event, the fixed covariates nationality, eu,
 * cee, south, sex, category, age_band, cohort, first_brp, then one column
 * per time-varying covariate of the set, in ib_tv order (0/1; wage_ratio as
 * the shortest decimal that reads back as the same double, so that R fits
 * exactly what inbeeld fits). IB_TV_ALL gives every factor and a cut at
 * every change. IB_EIO on a write error. */
int ib_monitor_write_intervals(FILE *out, const ib_mdata *d,
                               const ib_msurv_opts *o, ib_tv_set set,
                               ib_err *err);
/* The time-varying covariates among the design names[0..p) (ib_monitor_design
 * names; fixed dummies and unknown names add nothing). */
ib_tv_set ib_monitor_tv_set(const char *const *names, size_t p);

/* Dense design for the Cox engine: n intervals, cut only where one of the
 * chosen time-varying covariates changes (ib_monitor_tv_set of the names),
 * p covariates, X row-major (X[i * p + j]). Names: the time-varying names (ib_tv_name), and fixed
 * dummies eu, cee, south, sex_M|V|X, category_<code> (labour, knowledge,
 * ...), age_<band> (age_18_24, ..., age_55_66, age_other), nationality_<CC>,
 * cohort_<YYYY>, first_brp_<GMxxxx>. */
typedef struct ib_mdesign {
    size_t n, p;
    double *start, *stop;
    int *event;
    double *X;
    uint32_t *stay;          /* per interval: index into ib_mdata.stays */
    size_t n_stays, n_events;
    size_t cap;              /* rows the arrays have room for (ib_table_alloc;
                                free with ib_mdesign_free, X with
                                ib_mdesign_free_x) */
} ib_mdesign;

/* Builds the design. IB_EINVAL naming the first unknown covariate name.
 * Caller frees with ib_mdesign_free. */
int ib_monitor_design(const ib_mdata *d, const ib_msurv_opts *o,
                      const char *const *names, size_t p, ib_mdesign *out,
                      ib_err *err);
void ib_mdesign_free(ib_mdesign *x);
/* Frees only the covariate matrix (X becomes NULL). */
void ib_mdesign_free_x(ib_mdesign *x);

/* ======================================================== groups */

/* Grouping variables for tables and survival curves. */
typedef enum {
    IB_GROUP_ALL,            /* one row: "all" */
    IB_GROUP_EU,             /* "EU" / "non-EU" */
    IB_GROUP_CEE,            /* "CEE" / "non-CEE" */
    IB_GROUP_SOUTH,          /* "south" / "non-south" */
    IB_GROUP_NATIONALITY,    /* "PL", ... */
    IB_GROUP_CATEGORY,       /* "labour", ... */
    IB_GROUP_SEX,            /* "M", "V", "X", "unknown" */
    IB_GROUP_AGE,            /* age band at arrival */
    IB_GROUP_COHORT,         /* arrival year */
    IB_GROUP_FIRST_BRP,      /* municipality of first BRP registration */
    IB_GROUP_MUNICIPALITY,   /* municipality on R: of the BRP registration
                                covering R, else of the housing covering R */
    IB_GROUP_COUNT
} ib_group;

/* "all", "eu", "cee", "south", "nationality", "category", "sex", "age",
 * "cohort", "first_brp", "municipality". */
const char *ib_group_name(ib_group g);
int ib_group_parse(const char *name, ib_group *out, ib_err *err);
/* Whether the group is a fixed attribute of a stay (all but municipality),
 * usable for survival curves. */
bool ib_group_is_fixed(ib_group g);
/* Key of a stay in group g (municipality_on_r used only by
 * IB_GROUP_MUNICIPALITY). Keys sort in presentation order. */
int32_t ib_group_key(ib_group g, const ib_mattr *a, int16_t municipality_on_r);
/* Label of a key ("PL", "GM0518", "2017", "unknown", ...). */
const char *ib_group_label(ib_group g, int32_t key, char *buf, size_t size);

/* The person's municipality on day R: of the BRP registration covering R
 * (latest start), else of the housing covering R (latest start), else
 * IB_MUNI_NONE. */
int16_t ib_monitor_municipality_on(const ib_mdata *d, uint32_t p, ib_date at);

/* ================================================= result tables */

/* A figure as a table: key columns (labels) and value columns (int64).
 * Counts of persons are suppressible; other columns carry `decimals` (the
 * value is scaled by 10^decimals, e.g. m2 in hundredths). Totals, when
 * present, are sums of the cells: row totals over the count columns, column
 * totals over the rows. Value IB_MVALUE_NONE prints as "" (unknown). */
#define IB_MVALUE_NONE INT64_MIN
#define IB_MLABEL_MAX 64

enum { IB_MCELL_PRIMARY = 1, IB_MCELL_SECONDARY = 2 };

typedef struct ib_mcolumn {
    char name[IB_MLABEL_MAX];
    uint8_t decimals;
    bool is_count;           /* a count of persons: subject to suppression */
} ib_mcolumn;

typedef struct ib_mtable {
    char title[128];
    size_t nkeys, ncols, nrows;
    char (*key_names)[IB_MLABEL_MAX];   /* nkeys */
    ib_mcolumn *cols;                   /* ncols */
    char (*keys)[IB_MLABEL_MAX];        /* nrows x nkeys */
    int64_t *values;   /* (nrows + 1) x (ncols + 1): row r col c at
                          r * (ncols + 1) + c; c == ncols the row total,
                          r == nrows the column totals */
    uint8_t *flags;    /* IB_MCELL_*, same layout */
    uint32_t *ckeys;   /* cell keys (sum of the contributors' record keys,
                          mod 2^32), same layout; 0 where no keys were given */
    bool row_totals, col_totals;
    int64_t k;         /* suppression threshold used (0: not suppressed) */
    bool perturbed;    /* counts perturbed by the cell-key method */
    size_t cap;        /* rows allocated */
} ib_mtable;

/* Starts an empty table with the given key and value columns. */
int ib_mtable_init(ib_mtable *t, const char *title, size_t nkeys,
                   const char *const *key_names, size_t ncols,
                   const ib_mcolumn *cols, bool row_totals, bool col_totals);
void ib_mtable_free(ib_mtable *t);
/* Appends a row with nkeys labels and zero values; returns its index or a
 * negative IB_E* code. */
long ib_mtable_add_row(ib_mtable *t, const char *const *keys);
/* Cell access (r < nrows, c < ncols). */
int64_t *ib_mtable_at(ib_mtable *t, size_t r, size_t c);
/* The cell key of a cell (r < nrows, c < ncols), to add contributors'
 * record keys to as the cell is counted. */
uint32_t *ib_mtable_key_at(ib_mtable *t, size_t r, size_t c);
int64_t ib_mtable_get(const ib_mtable *t, size_t r, size_t c);
/* Computes the totals and their cell keys (call after filling, before
 * suppressing or perturbing). */
void ib_mtable_sum(ib_mtable *t);
/* Text of a cell, totals included (r == nrows, c == ncols): the number (with
 * its decimals), "<k" when suppressed because it is small (primary),
 * IB_MCELL_HIDDEN_TEXT when hidden to protect another cell (secondary; it
 * may hold any number), "" when unknown. */
#define IB_MCELL_HIDDEN_TEXT "verborgen"

const char *ib_mtable_text(const ib_mtable *t, size_t r, size_t c, char *buf,
                           size_t size);
/* Whether the cell is shown (not suppressed). */
bool ib_mtable_is_shown(const ib_mtable *t, size_t r, size_t c);
/* Share of cell (r, c) in its row total (r may be nrows). False when the
 * cell or the row total is suppressed, or the total is 0. */
bool ib_mtable_share(const ib_mtable *t, size_t r, size_t c, double *out);

/* Suppression options: k (default 10); zero_is_safe false (default) follows
 * the spec literally: 0 is fewer than k, so a 0 is shown as "<10" too. */
typedef struct ib_msuppress_opts {
    int64_t k;
    bool zero_is_safe;
} ib_msuppress_opts;
void ib_msuppress_opts_init(ib_msuppress_opts *o);

/* Primary suppression of every count cell (totals included) < k, then
 * secondary suppression until no suppressed value can be derived from the
 * shown cells and totals: a line (row or column with its total) with exactly
 * one suppressed cell gets its smallest other shown cell suppressed; when
 * rows and columns both have totals, a suppressed cell that is a bridge in
 * the graph of suppressed cells (hence exactly derivable through several
 * lines) gets the smallest shown cell of its row or column suppressed too.
 * Repeats until stable. Non-count columns are never suppressed. Roles
 * allowed detail simply do not call this. */
int ib_mtable_suppress(ib_mtable *t, const ib_msuppress_opts *o, ib_err *err);

/* ============================================ disclosure control
 * The cell-key method (docs/monitor.md "Disclosure control"): every person
 * has a fixed random record key, a keyed hash of their sender and
 * person_ref under a secret from the key file (ib_store_cellkey_secret);
 * a cell's key is the sum of its contributors' record keys mod 2^32; the
 * published count is count + noise(count, cell key) from the perturbation
 * table below. The same persons in a cell give the same noise in every
 * table and request, so asking again does not average the noise away, and
 * differences of tables stay noisy. */

typedef struct ib_mcellkey {
    uint8_t secret[IB_CELLKEY_SECRET_BYTES];
} ib_mcellkey;

/* Record key of person p: SipHash-2-4 keyed with the secret over the
 * sender's store id and the person_ref, the low 32 bits. 0 when ck is
 * NULL (no perturbation asked). */
uint32_t ib_mrecord_key(const ib_mcellkey *ck, const ib_mdata *d, uint32_t p);
/* Record key of location l (for counts of locations), likewise over its
 * location_ref and municipality. 0 when ck is NULL. */
uint32_t ib_mlocation_key(const ib_mcellkey *ck, const ib_mdata *d, size_t l);

/* The perturbation table (ptable). A cell key falls in one of
 * IB_PTABLE_SLOTS equal slots of [0, 2^32); a row of the table gives each
 * noise value a number of slots. Counts 0 are published as 0 (no
 * contributors, no key); counts from IB_PTABLE_FULL up get noise
 * -2..+2, each on 6 of the 30 slots; counts 1-4 have rows of their own
 * so that no 1 or 2 is ever published (1, 2 become 0 or 3). Every row has
 * mean 0 and variance 2 over the slots; |noise| <= IB_PTABLE_MAX_NOISE. */
#define IB_PTABLE_SLOTS 30
#define IB_PTABLE_MAX_NOISE 3
#define IB_PTABLE_FULL 5
typedef struct ib_ptable_entry {
    int noise;
    unsigned slots;          /* of IB_PTABLE_SLOTS */
} ib_ptable_entry;
/* The row of count (>= 0) into out (room for 5); returns its length. */
size_t ib_ptable_row(int64_t count, ib_ptable_entry out[5]);
/* The slot of a cell key: floor(key * IB_PTABLE_SLOTS / 2^32). */
unsigned ib_ptable_slot(uint32_t cell_key);
/* The noise for count with cell key, and the published count. */
int ib_ptable_noise(int64_t count, uint32_t cell_key);
int64_t ib_ptable_perturb(int64_t count, uint32_t cell_key);

/* Perturbs every count cell of t, totals included, by its cell key (the
 * totals on their own: they no longer need to add up), and marks t
 * perturbed. Unknown cells and non-count columns stay. Once only: a table
 * already perturbed is left as it is. Call after ib_mtable_sum. */
void ib_mtable_perturb(ib_mtable *t);

/* ======================================== survival figures by group */

/* Retention is reported after these years (spec "Kaplan–Meier and
 * log-rank"): 1, 3, 5 and 10. */
#define IB_MRET_N 4
extern const int ib_mret_years[IB_MRET_N];

/* The Kaplan–Meier figures of one group: the curve, retention after each
 * of ib_mret_years (S at ib_surv_year_day(n), CI, numbers at risk) and the
 * restricted mean (and median) up to the horizon. */
typedef struct ib_msurv_group {
    char label[IB_MLABEL_MAX];
    int32_t key;                 /* ib_group_key */
    size_t n, n_events;
    ib_km_curve curve;
    ib_km_point retention[IB_MRET_N];
    ib_km_summary summary;
} ib_msurv_group;

typedef struct ib_msurv_result {
    ib_group group;              /* as used: municipality becomes first_brp */
    double horizon;              /* days */
    ib_msurv_group all;          /* every selected stay */
    size_t n_groups;             /* 0 for IB_GROUP_ALL */
    ib_msurv_group *groups;      /* in ib_group_key order */
    bool has_logrank;            /* two or more groups and a test possible */
    ib_logrank logrank;          /* group i of the test is groups[i] */
    char logrank_note[128];      /* why there is no test, when there is none */
} ib_msurv_result;

/* Kaplan–Meier per group g of the stays selected by o (spec "Stays as
 * survival data"), retention, restricted mean up to horizon_days (> 0) and
 * the log-rank test between the groups. Survival curves need a fixed
 * attribute: IB_GROUP_MUNICIPALITY is taken as the municipality of first BRP
 * registration (the spec's grouping for stays). Caller frees with
 * ib_msurv_result_free. */
int ib_monitor_survival(const ib_mdata *d, const ib_msurv_opts *o, ib_group g,
                        double horizon_days, ib_msurv_result *out,
                        ib_err *err);
/* The same on stays already selected (ib_monitor_stays), so that several
 * groupings share one selection; with_logrank false leaves the test out
 * (has_logrank false, no note). Stays sorted by time beforehand
 * (ib_msurv_sort_by_time) are read in order and need no sort: the way to
 * compute many groupings of one selection. */
int ib_monitor_survival_stays(const ib_msurv *sv, ib_group g,
                              double horizon_days, bool with_logrank,
                              ib_msurv_result *out, ib_err *err);
void ib_msurv_result_free(ib_msurv_result *r);

/* ============================================ Cox on binding factors */

/* A covariate profile with its expected stay (restricted mean of the
 * model's survival curve up to the horizon, days). */
typedef struct ib_mprofile {
    char label[IB_MLABEL_MAX];
    double *x;                   /* p values, in the model's covariate order */
    double expected_stay;
} ib_mprofile;

typedef struct ib_mcox_result {
    ib_cox_model model;
    size_t n_stays, n_events, n_intervals;
    double horizon;              /* days */
    size_t n_profiles;
    ib_mprofile *profiles;
} ib_mcox_result;

/* SEO's subgroups (004) as profiles over the covariates names[0..p): working
 * single, working with partner, working with partner and children, working
 * with partner and own home, not working single; each for EU and non-EU when
 * `eu` is a covariate. A profile sets employed, partner, children,
 * home_owner and eu as named; wage_ratio is 1 (the minimum wage) when
 * working; every other covariate is 0 (no permanent or agency contract,
 * under 130 % of WML, the reference level of every dummy). Caller frees
 * each x and the array (ib_mcox_result_free does). */
int ib_monitor_seo_profiles(const char *const *names, size_t p,
                            ib_mprofile **out, size_t *n, ib_err *err);

/* Fits the Cox model on the intervals of the stays selected by o with the
 * covariates names[0..p) (ib_monitor_design names) and computes the
 * expected stay up to horizon_days for the SEO profiles. Caller frees with
 * ib_mcox_result_free. */
int ib_monitor_cox(const ib_mdata *d, const ib_msurv_opts *o,
                   const char *const *names, size_t p, const ib_cox_opts *co,
                   double horizon_days, ib_mcox_result *out, ib_err *err);
/* The same on a design already built (ib_monitor_design), which it
 * consumes: the covariate matrix is freed as soon as the engine holds its
 * own sorted copy, and the rest of the design after the fit, so that a
 * caller that also frees its ib_mdata before the fit keeps the peak memory
 * near two copies of the covariates. x is freed on every return. */
int ib_monitor_cox_design(ib_mdesign *x, const char *const *names, size_t p,
                          const ib_cox_opts *co, double horizon_days,
                          ib_mcox_result *out, ib_err *err);
void ib_mcox_result_free(ib_mcox_result *r);

/* Dummy covariate names for the levels of group g among the stays selected
 * by o, as ib_monitor_design knows them (nationality_PL, age_25_34, ...),
 * leaving out the reference level: the level with the most stays. Levels
 * that have no dummy name (unknown sex or municipality) fall in the
 * reference. *names receives *n malloc'ed strings and ref the reference
 * label; caller frees each and the array. */
int ib_monitor_group_dummies(const ib_mdata *d, const ib_msurv_opts *o,
                             ib_group g, char ***names, size_t *n,
                             char ref[IB_MLABEL_MAX], ib_err *err);

/* ====================================================== typology */

typedef enum { IB_TYPE_VULNERABLE_PASSER, IB_TYPE_RICH_PASSER,
               IB_TYPE_CHRONIC_VULNERABLE, IB_TYPE_DURABLE_RICH,
               IB_TYPE_OTHER, IB_TYPE_COUNT } ib_mtype;
/* "vulnerable_passer_by", "perspective_rich_passer_by",
 * "chronically_vulnerable", "durably_perspective_rich", "other". */
const char *ib_mtype_name(ib_mtype t);

typedef enum { IB_BASIS_POINT, IB_BASIS_ALL_MONTHS } ib_mbasis;
int ib_mbasis_parse(const char *s, ib_mbasis *out, ib_err *err);

typedef struct ib_mtypology_opts {
    ib_date at;              /* R */
    int32_t long_after;      /* L in days, default 730 */
    ib_mbasis basis;         /* default point */
    const ib_mcellkey *cellkey;  /* record keys into the cell keys; NULL
                                    (default): none */
} ib_mtypology_opts;
void ib_mtypology_opts_init(ib_mtypology_opts *o, ib_date at);

/* Whether the person (category labour or knowledge) is in the typology on R:
 * it has a stay covering R (arrival <= R < departure); *stay receives it. */
bool ib_typology_subject(const ib_mdata *d, uint32_t p, ib_date at,
                         uint32_t *stay);
/* The type of person p with stay s on R. all-months: the criteria of the
 * type found on R must also hold on every first day of a month that lies in
 * [arrival, R], each day judged with that day's covering employments, WML
 * and K(age on that day, that day); the length axis (<= L or > L) is judged
 * on R. A stay failing a month is "other". */
ib_mtype ib_typology_of(const ib_mdata *d, uint32_t p, uint32_t s,
                        const ib_mtypology_opts *o);
/* Counts per group (rows) and type (columns), with row and column totals.
 * Caller frees out with ib_mtable_free. */
int ib_monitor_typology(const ib_mdata *d, const ib_mtypology_opts *o,
                        ib_group g, ib_mtable *out, ib_err *err);

/* ==================================================== registration */

typedef enum { IB_COVER_BRP, IB_COVER_RNI, IB_COVER_NONE, IB_COVER_COUNT }
    ib_mcover;
/* "brp", "rni", "none". */
const char *ib_mcover_name(ib_mcover c);
/* The registration of person p on R: BRP when a brp registration covers R
 * (also when an rni one does too), else RNI when an rni one does, else none.
 * *municipality receives the covering BRP registration's municipality
 * (latest start) or IB_MUNI_NONE. */
ib_mcover ib_registration_on(const ib_mdata *d, uint32_t p, ib_date at,
                             int16_t *municipality);

/* A person present more than 120 days (R - arrival + 1 > 120) without a BRP
 * registration covering R. */
typedef struct ib_munreg {
    uint32_t person;
    uint32_t stay;
    int32_t days_present;
    ib_mcover cover;         /* rni or none */
    int16_t municipality;    /* of the housing covering R, or none */
} ib_munreg;

typedef struct ib_munreg_list {
    ib_munreg *items;
    size_t n;
} ib_munreg_list;
void ib_munreg_list_free(ib_munreg_list *l);

/* Registration coverage on R of the stays present on R (all categories), per
 * group g (IB_GROUP_MUNICIPALITY: the BRP municipality, else the housing
 * municipality on R) and coverage (brp, rni, none), with totals. When
 * unreg is not NULL it receives the persons present > 120 days without BRP.
 * Caller frees both. */
int ib_monitor_registration(const ib_mdata *d, ib_date at, ib_group g,
                            ib_mtable *out, ib_munreg_list *unreg,
                            ib_err *err);
/* The same with the record keys of ck (may be NULL) in the cell keys. */
int ib_monitor_registration_keyed(const ib_mdata *d, ib_date at, ib_group g,
                                  const ib_mcellkey *ck, ib_mtable *out,
                                  ib_munreg_list *unreg, ib_err *err);

/* ======================================================== housing */

typedef struct ib_mhousing_opts {
    ib_date at;
    int64_t m2_norm;         /* floor-area norm per person in hundredths of
                                m2; default 1200 (12 m2) */
    const ib_mcellkey *cellkey;  /* record keys into the cell keys; NULL
                                    (default): none */
} ib_mhousing_opts;
void ib_mhousing_opts_init(ib_mhousing_opts *o, ib_date at);

/* Occupancy of location l on R: persons with a housing episode at l covering
 * R (a person counts once per location). */
typedef struct ib_moccupancy {
    uint32_t *persons;       /* per location */
} ib_moccupancy;
/* Per location: occupancy on R. Caller frees *occ with free(). */
int ib_monitor_occupancy(const ib_mdata *d, ib_date at, uint32_t **occ,
                         ib_err *err);
/* Overcrowded: occupancy > capacity (when known), or floor area known and
 * floor_area < occupancy x norm (both in hundredths of m2, exact). */
bool ib_location_is_overcrowded(const ib_mlocation *l, uint32_t occupancy,
                                int64_t m2_norm);
/* Whether housing h of person p is tied on R: provided_by is the employer or
 * the agency of an employment of p covering R (ib_tied_on's rule). */
bool ib_housing_is_tied(const ib_mdata *d, uint32_t p, const ib_mhousing *h,
                        ib_date at);

/* Tied housing, the one rule (tied.c) that the monitor above, the API and
 * the web application share: a bed is tied on day d when its provider is
 * the employer or the agency of a job of the person covering d (start <= d
 * <= end; end IB_DATE_NONE is ongoing). Organisations are numbers the
 * caller gives, the same number for the records of one organisation (the
 * monitor's index per KvK number); a negative number is no organisation. */
typedef struct ib_tie_job {
    ib_date start, end;
    int64_t employer, agency;
} ib_tie_job;
typedef struct ib_tie_period {
    ib_date start, end;          /* end IB_DATE_NONE: open */
} ib_tie_period;
/* Whether job j ties a bed from provider on day. */
bool ib_tie_job_ties(const ib_tie_job *j, int64_t provider, ib_date day);
/* Whether one of the n jobs ties a bed from provider on day. */
bool ib_tied_on(int64_t provider, const ib_tie_job *jobs, size_t n, ib_date day);
/* The days of the bed's episode [start, end] on which it is tied, as
 * periods in order, overlapping and touching ones merged, at most cap of
 * them written to out; returns how many. A day is in a period exactly when
 * ib_tied_on holds on it. */
size_t ib_tied_periods(int64_t provider, ib_date start, ib_date end,
                       const ib_tie_job *jobs, size_t n, ib_tie_period *out,
                       size_t cap);

/* Per location (keys location_ref, municipality, kind): occupancy,
 * capacity, floor_area_m2, m2_per_person, overcrowded (0/1). Locations
 * with occupancy 0 are listed too. No totals; for inspectors. With
 * o->cellkey the occupancy is perturbed here (the table comes back
 * perturbed) and m2_per_person and overcrowded are computed from the
 * perturbed occupancy: derived from the exact one they would give it away
 * (floor_area / m2_per_person; the m2 norm at which a location turns
 * overcrowded). */
int ib_monitor_housing_locations(const ib_mdata *d, const ib_mhousing_opts *o,
                                 ib_mtable *out, ib_err *err);
/* Per municipality of housing: persons housed on R, of whom in an
 * overcrowded location, of whom tied; locations occupied, of which
 * overcrowded (counts of locations, keyed by ib_mlocation_key). Column
 * totals. A person housed in two municipalities on R
 * counts in both. */
int ib_monitor_housing_municipalities(const ib_mdata *d,
                                      const ib_mhousing_opts *o,
                                      ib_mtable *out, ib_err *err);
/* Per organisation that provides housing covering R (keys org_ref, name,
 * kind): persons housed, of whom tied (employed by it on R). */
int ib_monitor_housing_providers(const ib_mdata *d, const ib_mhousing_opts *o,
                                 ib_mtable *out, ib_err *err);
/* Work-live matrix: persons housed on R by municipality of housing (rows) x
 * municipality of the employer (columns, "unknown" included), with totals.
 * The employer's municipality is known only when every location whose
 * provider is that employer lies in one municipality (the exchange format
 * has no work address; this is the only place an organisation is tied to a
 * municipality). Per person: the covering housing and the covering
 * employment with the latest start. */
int ib_monitor_worklive(const ib_mdata *d, const ib_mhousing_opts *o,
                        ib_mtable *out, ib_err *err);

#endif
