/* stays.c — dates the rules count with ("d + N months", "covers") and a
 * person's stays as the rules see them on a date: the stays of the
 * person's records joined where they overlap or touch (docs/linkage.md),
 * only what was known on that date. */
#include "signals/sig_internal.h"

#include <stdlib.h>
#include <string.h>

ib_date sig_add_months(ib_date d, int n)
{
    int y, m, day;
    ib_date_to_ymd(d, &y, &m, &day);
    int months = y * 12 + (m - 1) + n;
    y = months / 12;
    m = months % 12 + 1;
    if (day > ib_date_days_in_month(y, m))    /* 31 January + 1 = 1 March */
        return ib_date_from_ymd(y, m, ib_date_days_in_month(y, m)) + 1;
    return ib_date_from_ymd(y, m, day);
}

bool sig_covers(ib_date start, ib_date end, ib_date day)
{
    return start != IB_DATE_NONE && start <= day &&
           (end == IB_DATE_NONE || day <= end);
}

/* Whether two stays overlap or touch: one ends on the day the other
 * begins, or the day before. */
static bool stays_touch(const sig_stay *a, const sig_stay *b)
{
    return (a->departure == IB_DATE_NONE || b->arrival <= a->departure + 1) &&
           (b->departure == IB_DATE_NONE || a->arrival <= b->departure + 1);
}

/* The record that names a joined stay: the earlier arrival, then the lower
 * sender ref, then the lower person ref. */
static bool names_before(const sig_data *d, ib_date arr_a, uint32_t a,
                         ib_date arr_b, uint32_t b)
{
    if (arr_a != arr_b)
        return arr_a < arr_b;
    const sig_record *x = &d->records[a], *y = &d->records[b];
    int c = strcmp(sig_str(d, d->senders[x->sender].ref),
                   sig_str(d, d->senders[y->sender].ref));
    if (c)
        return c < 0;
    return strcmp(sig_str(d, x->ref), sig_str(d, y->ref)) < 0;
}

static uint32_t find_root(uint32_t *parent, uint32_t i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

int sig_person_stays(const sig_data *d, uint32_t p, ib_date at,
                     sig_joined **out, size_t *n)
{
    uint32_t lo = d->off[SIG_STAY][p], hi = d->off[SIG_STAY][p + 1];
    *out = NULL;
    *n = 0;
    size_t k = 0;
    for (uint32_t i = lo; i < hi; i++)
        if (d->stays[i].arrival <= at)
            k++;
    if (!k)
        return IB_OK;
    /* one block: the joined stays first (what the caller frees), then the
     * work arrays */
    sig_joined *j = malloc(k * (sizeof *j + 2 * sizeof(uint32_t)));
    if (!j)
        return IB_ENOMEM;
    uint32_t *which = (uint32_t *)(void *)(j + k);   /* 4-aligned as j */
    uint32_t *parent = which + k;
    k = 0;
    for (uint32_t i = lo; i < hi; i++)
        if (d->stays[i].arrival <= at) {
            parent[k] = (uint32_t)k;
            which[k++] = i;
        }
#define V(x) (&d->stays[which[x]])
    /* Stays of different records that overlap or touch are one, also
     * through a third; the stays of one record stay apart. */
    for (size_t a = 0; a < k; a++)
        for (size_t b = a + 1; b < k; b++)
            if (V(a)->record != V(b)->record && stays_touch(V(a), V(b))) {
                uint32_t ra = find_root(parent, (uint32_t)a);
                uint32_t rb = find_root(parent, (uint32_t)b);
                if (ra != rb)
                    parent[rb] = ra;
            }
    size_t m = 0;
    for (size_t a = 0; a < k; a++) {
        if (find_root(parent, (uint32_t)a) != a)
            continue;
        sig_joined x = {V(a)->arrival, V(a)->departure, V(a)->record};
        for (size_t b = 0; b < k; b++) {
            if (b == a || find_root(parent, (uint32_t)b) != a)
                continue;
            const sig_stay *s = V(b);
            if (names_before(d, s->arrival, s->record, x.arrival, x.record)) {
                x.arrival = s->arrival;
                x.record = s->record;
            }
            if (x.departure != IB_DATE_NONE &&
                (s->departure == IB_DATE_NONE || s->departure > x.departure))
                x.departure = s->departure;
        }
        j[m++] = x;
    }
#undef V
    *out = j;
    *n = m;
    return IB_OK;
}
