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

typedef struct ib_demo_opts {
    int64_t persons;             /* 1 .. IB_DEMO_PERSONS_MAX */
    uint64_t seed;
    ib_date at;                  /* reference date R ("now"), >= 2010-12-31 */
    ib_demo_progress_cb progress;
    void *progress_ctx;
} ib_demo_opts;

/* Defaults: 5,000 persons, seed 1, R = 2025-12-31, no progress. */
void ib_demo_opts_init(ib_demo_opts *o);

typedef struct ib_demo_summary {
    int64_t rows[IB_KIND_COUNT]; /* data rows written per file (ib_kind) */
    int64_t present;             /* persons with a stay covering R */
} ib_demo_summary;

/* Generates o->persons persons with their organisations and locations and
 * writes organisations.csv, locations.csv, persons.csv, stays.csv,
 * registrations.csv, employments.csv, housings.csv and life_events.csv into
 * dir (created when missing; existing files are overwritten). Refs are
 * P000001.., L0001.., O001.. (zero-padded, wider for large runs); no
 * event or episode is dated after o->at (a location's certified_until may
 * be). sum may be NULL. Returns IB_OK, IB_EINVAL (bad
 * options), IB_EIO (dir or a file could not be written), IB_ENOMEM, or
 * IB_ELIMIT when the progress callback cancelled. */
int ib_demo_generate(const ib_demo_opts *o, const char *dir,
                     ib_demo_summary *sum, ib_err *err);

#endif
