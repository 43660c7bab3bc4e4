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

#endif
