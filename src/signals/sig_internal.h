/* sig_internal.h — the signals module inside: a compact copy of the
 * registry (every sender's records, grouped into linked persons, with
 * organisations merged by KvK number and locations by address) and the
 * rules as pure functions of it, so that unit tests build the data by hand
 * from the same scan records the store hands over. */
#ifndef IB_SIG_INTERNAL_H
#define IB_SIG_INTERNAL_H

#include "signals/signals.h"

#define SIG_NONE UINT32_MAX            /* no index */

typedef struct sig_sender {
    int64_t id;
    uint32_t ref;                      /* string offset */
} sig_sender;

typedef struct sig_org {
    int64_t id;
    uint32_t sender, ref;              /* sender index, string offset */
    uint32_t canon;                    /* the organisation it is one with */
    char kvk[9];
} sig_org;

typedef struct sig_location {
    int64_t id;
    uint32_t sender, ref;
    uint32_t canon;                    /* the location at the same address */
    int32_t capacity;                  /* -1 unknown */
    int64_t floor_area;                /* hundredths of m2, IB_CENTS_NONE */
    char municipality[7];
    char address[8 + IB_HOUSENR_MAX + 2];   /* "1234AB|12-A", "" unknown */
} sig_location;

/* One sender's person row; person is the index of its linked person. */
typedef struct sig_record {
    int64_t id, person_id;
    uint32_t sender, ref;
    uint32_t person;
} sig_record;

typedef struct sig_person {
    int64_t id;                        /* people.id */
} sig_person;

/* Episodes; record is the index of the record that delivered it (while
 * building: its store id, in the _id fields). */
typedef struct sig_stay {
    ib_date arrival, departure;
    uint32_t record;
} sig_stay;

typedef struct sig_reg {
    ib_date start, end;
    uint8_t kind;                      /* ib_reg_kind */
    char municipality[7];
} sig_reg;

typedef struct sig_emp {
    ib_date start, end;
    uint32_t record;
    uint32_t employer, agency;         /* organisation indexes, SIG_NONE */
} sig_emp;

typedef struct sig_housing {
    ib_date start, end;
    uint32_t record;
    uint32_t location;                 /* location index (as delivered) */
    uint32_t provided_by;              /* organisation index, SIG_NONE */
} sig_housing;

typedef struct sig_event {
    ib_date date;
    uint8_t kind;                      /* ib_event_kind */
} sig_event;

typedef struct sig_contact {
    ib_date date;
    uint8_t kind;                      /* ib_contact_kind */
} sig_contact;

enum { SIG_STAY, SIG_REG, SIG_EMP, SIG_HOUSING, SIG_EVENT, SIG_CONTACT,
       SIG_EPISODE_KINDS };

struct sig_build;
struct sig_idmap;

/* The registry as the rules read it. Episodes of a kind are grouped by
 * person: person p's stays are stays[stay_off[p] .. stay_off[p + 1]). */
typedef struct sig_data {
    sig_sender *senders;
    sig_org *orgs;
    sig_location *locations;
    sig_record *records;
    sig_person *persons;
    uint32_t *person_records;          /* record indexes grouped by person */
    uint32_t *record_off;              /* n_persons + 1 */
    sig_stay *stays;
    sig_reg *regs;
    sig_emp *emps;
    sig_housing *housings;
    sig_event *events;
    sig_contact *contacts;
    uint32_t *off[SIG_EPISODE_KINDS];  /* n_persons + 1 each */
    size_t n_senders, n_orgs, n_locations, n_records, n_persons;
    size_t n[SIG_EPISODE_KINDS];
    char *strings;
    size_t strings_len, strings_cap;
    struct sig_idmap *record_map;      /* record store id -> index */
    struct sig_build *build;           /* while building */
} sig_data;

/* ------------------------------------------------------------ building
 * Add the rows of a scan (ib_store_scan) kind by kind in its dependency
 * order (senders, organisations, locations, persons, then the episodes in
 * any order), then finish once: records are grouped into persons and
 * organisations and locations merged. Each add returns IB_OK, IB_ENOMEM,
 * IB_ELIMIT, or IB_ESTORE for a row that names an unknown sender, record,
 * organisation or location. */
void sig_data_init(sig_data *d);
void sig_data_free(sig_data *d);
int sig_add_sender(sig_data *d, int64_t id, const char *ref);
int sig_add_org(sig_data *d, const ib_scan_org *o);
int sig_add_location(sig_data *d, const ib_scan_location *l);
int sig_add_person(sig_data *d, const ib_scan_person *p);
int sig_add_stay(sig_data *d, const ib_scan_stay *s);
int sig_add_registration(sig_data *d, const ib_scan_registration *r);
int sig_add_employment(sig_data *d, const ib_scan_employment *e);
int sig_add_housing(sig_data *d, const ib_scan_housing *h);
int sig_add_life_event(sig_data *d, const ib_scan_life_event *ev);
int sig_add_contact(sig_data *d, const ib_scan_contact *c);
int sig_data_finish(sig_data *d, ib_err *err);

/* Loads the whole registry (every sender) with one scan. */
int sig_data_load(ib_store *st, sig_data *d, ib_err *err);

const char *sig_str(const sig_data *d, uint32_t off);

/* The index of the person with people.id id, or SIG_NONE. */
uint32_t sig_person_index(const sig_data *d, int64_t person_id);
/* The index of the record with store id record_id, or SIG_NONE. */
uint32_t sig_record_by_id(const sig_data *d, int64_t record_id);
/* The index of the record (sender store id, ref), or SIG_NONE (a linear
 * search: for one look-up). */
uint32_t sig_record_index(const sig_data *d, int64_t sender_id, const char *ref);

/* "1234AB|12-A": postcode and house number as one address (docs/signals.md:
 * the addition after '-' or a space in upper case); "" when either is
 * missing. */
void sig_address_key(const char *postcode, const char *number, char *out,
                     size_t size);

/* ------------------------------------------------------------ the rules */

/* d + n months: the same day of the month n months later; a day that month
 * does not have becomes the first of the next month (31 January + 1 month
 * = 1 March). */
ib_date sig_add_months(ib_date d, int n);
/* start <= day and (end unknown or day <= end). */
bool sig_covers(ib_date start, ib_date end, ib_date day);

/* A person's stays as one person has them on `at`: the stays of its
 * records that arrived by `at`, those of different records that overlap
 * or touch joined into one (earliest arrival, latest departure, open when
 * one is; a departure after `at` is not known yet and leaves it open).
 * record: the record that delivered the earliest arrival (ties: the lower
 * sender ref, then person ref). */
typedef struct sig_joined {
    ib_date arrival, departure;
    uint32_t record;
} sig_joined;

/* Joins person p's stays into *out (caller frees; *n may be 0). */
int sig_person_stays(const sig_data *d, uint32_t p, ib_date at,
                     sig_joined **out, size_t *n);

int sig_settings_check(const ib_signal_settings *s, ib_err *err);

/* The person rules for person p (rules.c) and the location rule
 * (overcrowded.c): their signals on `at` appended to out, unsorted. */
int sig_evaluate_person(const sig_data *d, uint32_t p, ib_date at,
                        const ib_signal_settings *s, ib_signal_list *out);
int sig_overcrowded(const sig_data *d, ib_date at, const ib_signal_settings *s,
                    ib_signal_list *out, ib_err *err);

/* The signals active on `at`, in the order of ib_signals_active. */
int sig_evaluate(const sig_data *d, ib_date at, const ib_signal_settings *s,
                 ib_signal_list *out, ib_err *err);

/* Why `was` is not active on `at` (ib_signal_ended_why) over loaded data;
 * IB_ECONFLICT when it is still active. */
int sig_ended_why(const sig_data *d, const ib_active_signal *was, ib_date at,
                  const ib_signal_settings *s, char *nl, size_t nl_len,
                  char *en, size_t en_len, ib_err *err);

/* Dates as people read them: "3 maart 2025" / "3 March 2025". */
#define SIG_DATE_TEXT 24
char *sig_date_text(ib_date d, bool english, char out[SIG_DATE_TEXT]);

int sig_list_add(ib_signal_list *l, const ib_active_signal *s);

/* inbox.c: how specific route r is for a new signal of kind in
 * municipality (4: both, 3: the kind, 2: the municipality, 1: any); 0 when
 * it does not apply. */
int sig_route_rank(const ib_signal_route *r, const char *kind, const char *municipality);

#endif
