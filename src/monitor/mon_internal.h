/* mon_internal.h — small helpers shared by the monitor's own files (not part
 * of the public interface in monitor.h). */
#ifndef IB_MON_INTERNAL_H
#define IB_MON_INTERNAL_H

#include "monitor/monitor.h"

/* An episode covers day when start <= day and (no end or day <= end). */
static inline bool ib_mcovers(ib_date start, ib_date end, ib_date day)
{
    return start <= day && (end == IB_DATE_NONE || day <= end);
}

/* A stay is present on day when arrival <= day < departure (the departure
 * day itself is the event: T = departure - arrival). */
static inline bool ib_mpresent(const ib_mstay_rec *s, ib_date day)
{
    return s->arrival <= day &&
           (s->departure == IB_DATE_NONE || day < s->departure);
}

/* The person's stay present on day, or UINT32_MAX. */
static inline uint32_t ib_mstay_on(const ib_mdata *d, uint32_t p, ib_date day)
{
    for (uint32_t s = d->stay_off[p]; s < d->stay_off[p + 1]; s++)
        if (ib_mpresent(&d->stays[s], day))
            return s;
    return UINT32_MAX;
}

/* Sorts int32 pairs (row key, column) and counts runs: the building block of
 * the grouped tables. */
typedef struct ib_mpair { int32_t row, col; uint32_t key; } ib_mpair;
typedef struct ib_mpairs { ib_mpair *v; size_t n, cap; } ib_mpairs;
/* key: the contributor's record key (ib_mrecord_key), summed into the
 * cell key. */
int ib_mpairs_add(ib_mpairs *ps, int32_t row, int32_t col, uint32_t key);
/* Builds a table with one key column (group g) and the given columns from the
 * pairs (col is the column index); rows are the distinct row keys in order.
 * Frees the pairs. */
int ib_mtable_from_pairs(ib_mtable *t, const char *title, ib_group g,
                         ib_mpairs *ps, size_t ncols, const ib_mcolumn *cols,
                         ib_err *err);

#endif
