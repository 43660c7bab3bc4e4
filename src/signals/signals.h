/* signals.h — signals: the work the registry's data asks for. Which
 * signals are active on a reference date (docs/signals.md, the exact
 * rules), over linked persons (docs/linkage.md), and the inbox that gives
 * them an owner, a state and a history.
 *
 * Library code: returns errors in ib_err, never prints. */
#ifndef IB_SIGNALS_H
#define IB_SIGNALS_H

#include "core/core.h"
#include "store/store.h"

#include <stdbool.h>
#include <stdint.h>

/* ------------------------------------------------------------ kinds */

/* In the order of docs/signals.md; the codes are the exchange texts
 * ("not_registered", "overcrowded", "job_and_bed", "one_year_offer",
 * "information_moment", "no_address"). */
typedef enum {
    IB_SIG_NOT_REGISTERED, IB_SIG_OVERCROWDED, IB_SIG_JOB_AND_BED,
    IB_SIG_ONE_YEAR_OFFER, IB_SIG_INFORMATION_MOMENT, IB_SIG_NO_ADDRESS,
    IB_SIG_KIND_COUNT
} ib_signal_kind;

extern const ib_code_name ib_signal_kind_codes[];

/* ------------------------------------------------------------ settings */

/* The thresholds of the rules, with the defaults of docs/signals.md. */
typedef struct ib_signal_settings {
    int registration_months;   /* not_registered: 4 */
    int64_t min_area_m2;       /* overcrowded: m2 per person, hundredths: 1200 */
    int job_loss_days;         /* job_and_bed: 30 */
    int offer_months;          /* one_year_offer: 12 */
    int information_days;      /* information_moment: 90 */
    int address_days;          /* no_address: 30 */
} ib_signal_settings;

void ib_signal_settings_default(ib_signal_settings *s);

/* ------------------------------------------------------------ active signals */

#define IB_SIGNAL_KEY_MAX (2 * IB_REF_MAX + 16)

/* One active signal on the reference date. Its identity is (kind, subject,
 * key): the same condition found on a later date is the same signal. */
typedef struct ib_active_signal {
    ib_signal_kind kind;
    bool location;                        /* the subject is a location, else a person */
    /* The person's id (the linked person, people.id) or the location
     * record's id. */
    int64_t subject_id;
    /* The record that names the subject: the sender that delivered the
     * stay, else the record that raised the condition (docs/signals.md). */
    int64_t subject_sender_id;
    char subject_sender[IB_REF_MAX + 1];  /* that sender's ref */
    char subject_ref[IB_REF_MAX + 1];
    /* That record's store id (persons.id, or the location's id): what a
     * read of the signal is audited under. */
    int64_t subject_record_id;
    /* As docs/signals.md writes it: "2024-02-20", "EM2|2024-02-20",
     * "child_birth|2025-05-01", "" for overcrowded. */
    char key[IB_SIGNAL_KEY_MAX + 1];
    /* The subject's municipality (CBS code, "" unknown), for routing, the
     * inbox's scope and the analysts' counts: a location's own; a person's
     * from the registration covering the date, else the location of the
     * housing covering it, else the latest of either. */
    char municipality[7];
    /* The day the condition began to hold (arrival + 4 months, the day
     * after the job ended, the trigger, ...): the inbox's due dates count
     * from it. */
    ib_date since;
    /* What the explanation names ("in Nederland sinds 3 maart 2025, niet
     * ingeschreven in de BRP"): the arrival, the job's end or the trigger;
     * for overcrowded the occupancy, capacity (-1 unknown) and floor area
     * (hundredths of m2, IB_CENTS_NONE unknown). */
    ib_date date;
    int32_t occupancy, capacity;
    int64_t floor_area;
} ib_active_signal;

typedef struct ib_signal_list {
    ib_active_signal *v;
    size_t n, cap;
} ib_signal_list;

void ib_signal_list_free(ib_signal_list *l);

/* The signals active on day `at`, over every sender's data, in the order
 * (kind, subject_sender, subject_ref, key). *out is set (empty on error);
 * the caller frees it with ib_signal_list_free. IB_EINVAL for settings out
 * of range (docs/signals.md "Settings"). */
int ib_signals_active(ib_store *st, ib_date at, const ib_signal_settings *s,
                      ib_signal_list *out, ib_err *err);

/* The registry loaded once for several questions: the inbox evaluates
 * the rules and then asks, for each signal that lapsed, why; the CLI times
 * loading and evaluating apart. ib_signals_active and ib_signal_ended_why
 * load it for one question each. */
typedef struct ib_signal_data ib_signal_data;

/* Reads every sender's data (one consistent state). Caller frees with
 * ib_signal_data_free. */
int ib_signal_data_load(ib_store *st, ib_signal_data **out, ib_err *err);
void ib_signal_data_free(ib_signal_data *d);
/* As ib_signals_active, over loaded data. */
int ib_signal_data_active(const ib_signal_data *d, ib_date at,
                          const ib_signal_settings *s, ib_signal_list *out,
                          ib_err *err);
/* As ib_signal_ended_why, over loaded data. */
int ib_signal_data_ended_why(const ib_signal_data *d, const ib_active_signal *was,
                             ib_date at, const ib_signal_settings *s,
                             char *nl, size_t nl_len, char *en, size_t en_len,
                             ib_err *err);

/* ------------------------------------------------------------ explanations */

/* Why the signal is there and what to do, in plain Dutch (english false)
 * or English, for the inbox ("In Nederland sinds 3 maart 2025, niet
 * ingeschreven in de BRP." / "Nodig de persoon uit om zich in te
 * schrijven ..."). Always NUL-terminated, truncated to the buffers. */
void ib_signal_explain(const ib_active_signal *sig, bool english,
                       char *why, size_t why_len, char *todo, size_t todo_len);

/* Why a signal that was active is not active on `at` any more, for the
 * inbox's history when it lapses by itself, in Dutch and English
 * ("vervallen: ingeschreven in de BRP op 3 maart 2026" / "lapsed:
 * registered in the BRP on 3 March 2026"; for a person erased or a
 * condition with no single cause: "vervallen: de voorwaarde geldt niet
 * meer op 7 december 2026"). `was` is the signal as it was last found;
 * its person is found by subject_id, or when that person was linked into
 * another since, by its record. IB_ECONFLICT when `was` is still active on
 * `at`; IB_EINVAL for settings out of range. */
int ib_signal_ended_why(ib_store *st, const ib_active_signal *was, ib_date at,
                        const ib_signal_settings *s, char *nl, size_t nl_len,
                        char *en, size_t en_len, ib_err *err);

/* ================================================================ the inbox
 * Signals as work (docs/inbox.md): the stored signals of the store
 * (ib_signal_row) with a state, an owner, a due date and a history; the
 * transitions between states in one table (inbox.c); routing of new
 * signals to teams; the settings; the evaluation that keeps the stored
 * signals in step with the rules; and the counts analysts see. */

/* ------------------------------------------------------------ settings */

/* The rules' thresholds, and per kind the days a signal is due after the
 * day its condition began to hold. */
typedef struct ib_inbox_settings {
    ib_signal_settings rules;
    int due_days[IB_SIG_KIND_COUNT];
} ib_inbox_settings;

/* The settings by name, for the command line and the API. A value is an
 * integer, in hundredths where `hundredths` (min_area_m2: 1200 is 12
 * m2). Names: the rules' fields, and "due_days.KIND" per kind. */
typedef struct ib_inbox_setting {
    const char *name;
    const char *unit;             /* "months", "days", "m2" */
    int64_t min, max, def;
    bool hundredths;
    const char *about_nl, *about_en;
} ib_inbox_setting;
extern const ib_inbox_setting ib_inbox_setting_list[];
extern const size_t ib_inbox_nsettings;

void ib_inbox_settings_default(ib_inbox_settings *s);
/* The stored settings over the defaults. */
int ib_inbox_settings_load(ib_store *st, ib_inbox_settings *out, ib_err *err);
/* Setting i of ib_inbox_setting_list in s. */
int64_t ib_inbox_setting_get(const ib_inbox_settings *s, size_t i);
/* The index of a setting's name; -1 when there is none. */
long ib_inbox_setting_find(const char *name);
/* Value as text: "4", "12.5" (hundredths); and back (IB_EINVAL naming
 * the range when out of it or not a number). */
void ib_inbox_setting_format(size_t i, int64_t v, char *out, size_t size);
int ib_inbox_setting_parse(size_t i, const char *text, int64_t *v, ib_err *err);
/* Stores setting `name` (IB_EINVAL: unknown, or out of its range),
 * audited with its old and new value; the next evaluation applies it. */
int ib_inbox_setting_set(ib_store *st, const char *name, int64_t value, ib_err *err);
/* All settings as one line of text, to tell whether they changed since
 * an evaluation. */
void ib_inbox_settings_text(const ib_inbox_settings *s, char *out, size_t size);

/* ------------------------------------------------------------ states and transitions */

/* How a signal was handled (done), and what the states and outcomes are
 * called. */
extern const ib_code_name ib_signal_outcome_codes[];
const char *ib_inbox_state_label(ib_signal_state s, bool english);
const char *ib_inbox_outcome_label(const char *code, bool english);

typedef enum { IB_BY_PERSON, IB_BY_RULES } ib_transition_by;
enum { IB_NEEDS_OWNER = 1, IB_NEEDS_OUTCOME = 2, IB_NEEDS_REASON = 4 };

/* One row of the transition table: from a state (-1: a signal found for
 * the first time) to a state, by a person or by the rules, and what it
 * asks for. Every transition not in the table is refused. */
typedef struct ib_inbox_transition {
    int from;
    ib_signal_state to;
    ib_transition_by by;
    unsigned needs;
    const char *nl, *en;          /* what the step is called */
} ib_inbox_transition;
extern const ib_inbox_transition ib_inbox_transitions[];
extern const size_t ib_inbox_ntransitions;

/* The row from -> to that `by` may make; NULL when the table has none. */
const ib_inbox_transition *ib_inbox_transition_find(int from, ib_signal_state to,
                                                    ib_transition_by by);
/* The states a person may move a signal in `from` to, as bits
 * (1 << ib_signal_state); and as text ("in_progress, unfounded", "geen"
 * when none). */
unsigned ib_inbox_allowed(ib_signal_state from);
void ib_inbox_allowed_text(ib_signal_state from, char *out, size_t size);

/* What a person asks: the state to go to; the owner (to in_progress; kind
 * IB_OWNER_NONE: the asking user); the outcome code (to done); the reason
 * (to unfounded). */
typedef struct ib_inbox_change {
    ib_signal_state to;
    ib_signal_owner owner;
    const char *outcome;
    const char *reason;
} ib_inbox_change;

/* Makes change c to signal id as user `by` (NULL: the command line, which
 * sees every signal) on `day`, with a history line and an audit entry (the
 * store's actor), in the caller's transaction or its own; the signal after
 * it in *out (may be NULL). Errors: IB_ENOTFOUND no such signal or `by`
 * may not see it; IB_ECONFLICT the table does not allow it (the message
 * names what is allowed from its state); IB_EINVAL a missing or unknown
 * outcome, a missing or too long reason, an owner for a step without one;
 * IB_EDENIED the owner may not see the signal (a user outside its scope,
 * disabled or of another role; a team none of whose members may). */
int ib_inbox_change_state(ib_store *st, const ib_user *by, int64_t id,
                          const ib_inbox_change *c, ib_date day, ib_signal_row *out,
                          ib_err *err);
/* Gives signals ids[0..n) to owner: open or in progress becomes in
 * progress with that owner (as ib_inbox_change_state). All or none, in one
 * transaction; *failed is the id that was refused (0: none). */
int ib_inbox_assign(ib_store *st, const ib_user *by, const int64_t *ids, size_t n,
                    const ib_signal_owner *owner, ib_date day, int64_t *failed,
                    ib_err *err);
/* "user:NAME" / "team:NAME" into owner (id and kind; IB_ENOTFOUND for an
 * unknown user or team, IB_EINVAL for another form). */
int ib_inbox_owner_parse(ib_store *st, const char *text, ib_signal_owner *owner,
                         ib_err *err);
void ib_inbox_owner_text(const ib_signal_owner *o, char *out, size_t size);

/* ------------------------------------------------------------ scope */

/* Fills the scope of q for user u (docs/inbox.md): an administrator every
 * signal; a caseworker the signals of persons in its municipalities or
 * sent by its organisation; an inspector the signals of locations in its
 * municipalities; an analyst and an agency none (persons and locations
 * false). q keeps pointing into u. */
int ib_inbox_scope(ib_store *st, const ib_user *u, ib_signal_query *q, ib_err *err);
/* Whether u may see signal id (and so own it). */
int ib_inbox_user_sees(ib_store *st, const ib_user *u, int64_t id, bool *sees,
                       ib_err *err);

/* ------------------------------------------------------------ routing */

/* The team a new signal of kind in municipality goes to (docs/inbox.md):
 * the route for both, else for the kind, else for the municipality, else
 * the route for any; team->kind IB_OWNER_NONE when there is none. */
int ib_inbox_route(ib_store *st, const char *kind, const char *municipality,
                   ib_signal_owner *team, ib_err *err);

/* ------------------------------------------------------------ evaluation */

/* What an evaluation did. */
typedef struct ib_inbox_report {
    ib_date at;
    int64_t found;          /* active on `at` */
    int64_t opened;         /* new signals */
    int64_t lapsed;         /* open or in progress, no longer active */
    int64_t reopened;       /* lapsed, active again */
    int64_t moved;          /* following a person linked into another */
    int64_t updated;        /* stored signals brought up to date */
    bool written;           /* anything stored (false: it changed nothing) */
} ib_inbox_report;

/* Evaluates the rules on day `at` with the stored settings and brings the
 * stored signals in step, in one transaction: new ones open (routed, due
 * after their kind's due days), known ones updated, open or in-progress
 * ones no longer active lapse (their history says why:
 * ib_signal_ended_why), lapsed ones active again reopen. Done and
 * unfounded signals are left as they are. Evaluating again with nothing
 * changed writes nothing. actor names who asked, for the evaluation's
 * audit entry (changes by the rules are the actor "regels").
 * IB_ECONFLICT when `at` lies before the last evaluation's day (the
 * history goes forward). */
int ib_inbox_evaluate(ib_store *st, ib_date at, const char *actor,
                      ib_inbox_report *rep, ib_err *err);
/* Whether an evaluation on `today` would read anything the last one did
 * not: another day, data version or settings, or none before. */
int ib_inbox_evaluation_due(ib_store *st, ib_date today, bool *due, ib_err *err);

/* ------------------------------------------------------------ explanations */

/* A stored signal as the rules found it (for ib_signal_explain and
 * ib_signal_ended_why); false when its kind is unknown. */
bool ib_inbox_active_of(const ib_signal_row *r, ib_active_signal *out);
/* Why the stored signal is there and what to do ("" for an unknown
 * kind). */
void ib_inbox_explain(const ib_signal_row *r, bool english, char *why, size_t why_len,
                      char *todo, size_t todo_len);

/* ------------------------------------------------------------ counts for analysts */

/* Counts of signals per kind, state and municipality, and how long
 * handling took (first found to done or unfounded), with the monitor's
 * disclosure control (docs/monitor.md "Disclosure control"): every count
 * is perturbed by the cell-key method, the signal's id keyed with the
 * key file's secret giving its record key; a median of fewer than
 * IB_INBOX_MIN_CLOSED signals is withheld. `exact` (administrators asking
 * for detail) does neither. */
#define IB_INBOX_MIN_CLOSED 10

typedef struct ib_inbox_count_query {
    const char (*municipalities)[7];  /* scope: NULL everywhere */
    int nmunicipalities;
    const char *kind;                 /* NULL: every kind */
    const char *municipality;         /* NULL: every municipality */
    bool exact;
} ib_inbox_count_query;

/* One kind in one municipality ("" unknown; total: all of them). */
typedef struct ib_inbox_count_row {
    char municipality[7];
    bool total;
    ib_signal_kind kind;
    int64_t count[IB_SIGNAL_STATE_COUNT];
    int64_t closed;                   /* done or unfounded */
    double median_days;               /* -1: withheld or none closed */
} ib_inbox_count_row;

typedef struct ib_inbox_counts {
    ib_inbox_count_row *rows;         /* municipality rows, then the totals */
    size_t n;
    bool perturbed;
} ib_inbox_counts;

/* Every municipality with a signal in scope gets a row per kind, and each
 * kind a total row. Caller frees with ib_inbox_counts_free. */
int ib_inbox_counts_get(ib_store *st, const ib_inbox_count_query *q, ib_inbox_counts *out,
                        ib_err *err);
void ib_inbox_counts_free(ib_inbox_counts *c);

/* The number of signals open or in progress at the end of day from,
 * from + step, ... up to `to`, from their history (perturbed as the
 * counts). At most IB_INBOX_POINTS_MAX points; *out allocated (caller
 * frees). */
#define IB_INBOX_POINTS_MAX 1000
typedef struct ib_inbox_point {
    ib_date day;
    int64_t open;
} ib_inbox_point;
int ib_inbox_open_over_time(ib_store *st, const ib_inbox_count_query *q, ib_date from,
                            ib_date to, int step, ib_inbox_point **out, size_t *n,
                            ib_err *err);

#endif
