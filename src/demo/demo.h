/* demo.h — the demo data generator: a synthetic population of labour
 * migrants and newcomers written as exchange-format CSV files, with
 * departures drawn from a documented hazard model (docs/demo-data.md) that
 * is calibrated to CBS's retention figures and SEO's typology. The same
 * options give byte-identical files. */
#ifndef IB_DEMO_H
#define IB_DEMO_H

#include "core/core.h"
#include "store/store.h"

/* The most persons one run generates (BSNs are built from a 7-digit core). */
#define IB_DEMO_PERSONS_MAX 10000000

/* Progress: persons generated so far of the total. Return 0 to go on; any
 * other value cancels the run (ib_demo_generate returns IB_ELIMIT). */
typedef int (*ib_demo_progress_cb)(void *ctx, int64_t done, int64_t total);

/* single: one folder, one sender. chain: one sub-folder per sender (the
 * municipality, agencies, employers, housing providers), each with its own
 * refs, spelling and view of the persons, and senders.txt listing them in
 * import order (docs/demo-data.md, "The chain layout"). */
typedef enum { IB_DEMO_LAYOUT_SINGLE, IB_DEMO_LAYOUT_CHAIN } ib_demo_layout;

/* "single" or "chain"; IB_EINVAL with a message otherwise. */
int ib_demo_layout_parse(const char *s, ib_demo_layout *out, ib_err *err);

/* The chain layout's list of sub-folders: lines "FOLDER SENDER_REF" in
 * import order after one comment line starting with '#'. */
#define IB_DEMO_SENDERS_FILE "senders.txt"
/* The chain's municipality: the first sender. */
#define IB_DEMO_MUNICIPALITY_SENDER "gemeente-GM0599"

typedef struct ib_demo_opts {
    int64_t persons;             /* 1 .. IB_DEMO_PERSONS_MAX */
    uint64_t seed;
    ib_date at;                  /* reference date R ("now"), >= 2010-12-31 */
    ib_demo_layout layout;       /* default single */
    ib_demo_progress_cb progress;
    void *progress_ctx;
} ib_demo_opts;

/* Defaults: 5,000 persons, seed 1, R = 2025-12-31, single layout, no
 * progress. */
void ib_demo_opts_init(ib_demo_opts *o);

typedef struct ib_demo_summary {
    int64_t rows[IB_KIND_COUNT]; /* data rows written per file (ib_kind),
                                    over all senders */
    int64_t present;             /* persons with a stay covering R */
    /* chain layout only (0 for single): */
    int64_t senders;             /* sub-folders */
    int64_t without_bsn;         /* records of persons with a BSN, without it */
    int64_t namesakes;           /* persons with another's name and birth date */
    int64_t lookalikes;          /* BSN-less records with a slip in name or date */
} ib_demo_summary;

/* Generates o->persons persons with their organisations and locations. The
 * single layout writes organisations.csv, locations.csv, persons.csv,
 * stays.csv, registrations.csv, employments.csv, housings.csv,
 * life_events.csv and contacts.csv into dir (created when missing;
 * existing files are overwritten), with refs P000001.., L0001.., O001.. (zero-padded, wider
 * for large runs). The chain layout writes the files each sender delivers
 * into dir/SENDER/ and the list IB_DEMO_SENDERS_FILE into dir. No event or
 * episode is dated after o->at (a location's certified_until may be). sum
 * may be NULL. Returns IB_OK, IB_EINVAL (bad
 * options), IB_EIO (dir or a file could not be written), IB_ENOMEM, or
 * IB_ELIMIT when the progress callback cancelled. */
int ib_demo_generate(const ib_demo_opts *o, const char *dir,
                     ib_demo_summary *sum, ib_err *err);

#endif
