/* tied.c — tied housing, the one rule that the monitor, the API and the web
 * application's person and location pages share (spec "Housing on day R"):
 * a bed is tied on day d when the organisation that provides it is the
 * employer or the agency of one of the person's jobs covering d. A provider
 * that is not (or no longer) the person's employer or agency is a landlord,
 * not a tie. */
#include "monitor/monitor.h"

/* As the monitor's ib_mcovers: an unknown start (the exchange format
 * requires one) is no limit. */
static bool job_covers(const ib_tie_job *j, ib_date day)
{
    return j->start <= day && (j->end == IB_DATE_NONE || day <= j->end);
}

bool ib_tie_job_ties(const ib_tie_job *j, int64_t provider, ib_date day)
{
    return provider >= 0 && job_covers(j, day) &&
           (j->employer == provider || j->agency == provider);
}

bool ib_tied_on(int64_t provider, const ib_tie_job *jobs, size_t n, ib_date day)
{
    for (size_t i = 0; i < n; i++)
        if (ib_tie_job_ties(&jobs[i], provider, day))
            return true;
    return false;
}

/* a <= b, where IB_DATE_NONE as an end is "open", later than any day. */
static bool end_before(ib_date a, ib_date b)
{
    return b == IB_DATE_NONE || (a != IB_DATE_NONE && a < b);
}

/* Adds [start, end] to the periods in order of start, merging a period
 * that overlaps or touches (ends the day before) another. */
static size_t add_period(ib_tie_period *p, size_t n, size_t cap, ib_date start,
                         ib_date end)
{
    size_t i = 0;
    while (i < n && p[i].start <= start)
        i++;
    if (n == cap)
        return n;
    for (size_t k = n; k > i; k--)
        p[k] = p[k - 1];
    p[i] = (ib_tie_period){start, end};
    n++;
    size_t w = 0;                       /* merge neighbours in one pass */
    for (size_t r = 1; r < n; r++) {
        bool touches = p[w].end == IB_DATE_NONE || p[r].start <= p[w].end + 1;
        if (touches) {
            if (!end_before(p[r].end, p[w].end))
                p[w].end = p[r].end;
        } else {
            p[++w] = p[r];
        }
    }
    return w + 1;
}

size_t ib_tied_periods(int64_t provider, ib_date start, ib_date end,
                       const ib_tie_job *jobs, size_t n, ib_tie_period *out,
                       size_t cap)
{
    size_t count = 0;
    if (provider < 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        const ib_tie_job *j = &jobs[i];
        if (j->employer != provider && j->agency != provider)
            continue;
        ib_date from = j->start > start ? j->start : start;
        ib_date to = end_before(j->end, end) ? j->end : end;
        if (to != IB_DATE_NONE && to < from)
            continue;                   /* the job and the bed do not meet */
        count = add_period(out, count, cap, from, to);
    }
    return count;
}
