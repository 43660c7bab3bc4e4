/* overcrowded.c — the location rule of docs/signals.md: more occupants on
 * R than beds, or less floor area per occupant than the norm. Occupants
 * are distinct linked persons with a housing covering R at the address
 * (the senders' records of one address are one location; the first
 * sender's record, the lowest store id, stands for it and gives its
 * capacity and floor area). `since` is the first day of the run of days,
 * up to R, on which the location was overcrowded. */
#include "signals/sig_internal.h"

#include <stdlib.h>
#include <string.h>

static bool is_overcrowded(const sig_location *l, int64_t occupancy, int64_t min_area)
{
    if (l->capacity >= 0 && occupancy > l->capacity)
        return true;
    /* hundredths of m2 on both sides: exact */
    return l->floor_area != IB_CENTS_NONE && occupancy >= 1 &&
           l->floor_area < occupancy * min_area;
}

/* Occupancy on at of every location that stands for an address. */
static int occupancy_on(const sig_data *d, ib_date at, uint32_t **occ_out)
{
    uint32_t *occ = calloc(d->n_locations ? d->n_locations : 1, sizeof *occ);
    if (!occ)
        return IB_ENOMEM;
    for (size_t p = 0; p < d->n_persons; p++) {
        uint32_t lo = d->off[SIG_HOUSING][p], hi = d->off[SIG_HOUSING][p + 1];
        for (uint32_t i = lo; i < hi; i++) {
            const sig_housing *h = &d->housings[i];
            if (!sig_covers(h->start, h->end, at))
                continue;
            uint32_t loc = d->locations[h->location].canon;
            bool seen = false;          /* a person counts once per location */
            for (uint32_t j = lo; j < i && !seen; j++)
                seen = sig_covers(d->housings[j].start, d->housings[j].end, at) &&
                       d->locations[d->housings[j].location].canon == loc;
            if (!seen)
                occ[loc]++;
        }
    }
    *occ_out = occ;
    return IB_OK;
}

/* ------------------------------------------------------------ since */

/* One person's days at one flagged location, up to at. */
typedef struct stint {
    uint32_t slot;                     /* the flagged location */
    uint32_t person;
    ib_date start, end;                /* end <= at */
} stint;

static int cmp_stint(const void *a, const void *b)
{
    const stint *x = a, *y = b;
    if (x->slot != y->slot) return x->slot < y->slot ? -1 : 1;
    if (x->person != y->person) return x->person < y->person ? -1 : 1;
    return (x->start > y->start) - (x->start < y->start);
}

typedef struct change {
    ib_date day;
    int delta;
} change;

static int cmp_change(const void *a, const void *b)
{
    ib_date x = ((const change *)a)->day, y = ((const change *)b)->day;
    return (x > y) - (x < y);
}

/* The first day of the run of overcrowded days that reaches at, from the
 * stints [lo, hi) of one location (sorted by person and start). */
static ib_date run_start(const sig_location *l, const stint *v, size_t lo,
                         size_t hi, ib_date at, int64_t min_area, change *ch)
{
    size_t n = 0;
    /* one person's overlapping or touching stints count once */
    for (size_t i = lo; i < hi;) {
        ib_date start = v[i].start, end = v[i].end;
        size_t j = i + 1;
        while (j < hi && v[j].person == v[i].person && v[j].start <= end + 1) {
            if (v[j].end > end)
                end = v[j].end;
            j++;
        }
        ch[n++] = (change){start, +1};
        if (end < at)
            ch[n++] = (change){end + 1, -1};
        i = j;
    }
    if (n > 1)
        qsort(ch, n, sizeof *ch, cmp_change);
    int64_t occ = 0;
    ib_date since = IB_DATE_NONE;
    for (size_t i = 0; i < n;) {
        ib_date day = ch[i].day;
        for (; i < n && ch[i].day == day; i++)
            occ += ch[i].delta;
        bool over = is_overcrowded(l, occ, min_area);
        if (!over)
            since = IB_DATE_NONE;
        else if (since == IB_DATE_NONE)
            since = day;
    }
    return since;
}

/* The day each flagged location's current overcrowding began: slot[loc]
 * is the flagged location's number (SIG_NONE: not flagged), since[] is
 * filled by number. */
static int compute_since(const sig_data *d, ib_date at, const uint32_t *slot,
                         const uint32_t *flagged, size_t n_flagged,
                         int64_t min_area, ib_date *since)
{
    size_t n = 0, cap = 0;
    stint *v = NULL;
    for (size_t p = 0; p < d->n_persons; p++)
        for (uint32_t i = d->off[SIG_HOUSING][p]; i < d->off[SIG_HOUSING][p + 1]; i++) {
            const sig_housing *h = &d->housings[i];
            uint32_t s = slot[d->locations[h->location].canon];
            if (s == SIG_NONE || h->start > at)
                continue;
            if (n == cap) {
                size_t nc = cap ? 2 * cap : 256;
                stint *nv = realloc(v, nc * sizeof *nv);
                if (!nv) {
                    free(v);
                    return IB_ENOMEM;
                }
                v = nv;
                cap = nc;
            }
            ib_date end = h->end == IB_DATE_NONE || h->end > at ? at : h->end;
            v[n++] = (stint){s, (uint32_t)p, h->start, end};
        }
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_stint);
    change *ch = malloc((2 * n + 1) * sizeof *ch);
    if (!ch) {
        free(v);
        return IB_ENOMEM;
    }
    for (size_t f = 0; f < n_flagged; f++)
        since[f] = at;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && v[j].slot == v[i].slot)
            j++;
        ib_date s = run_start(&d->locations[flagged[v[i].slot]], v, i, j, at,
                              min_area, ch);
        if (s != IB_DATE_NONE)
            since[v[i].slot] = s;
        i = j;
    }
    free(ch);
    free(v);
    return IB_OK;
}

/* ------------------------------------------------------------ the rule */

int sig_overcrowded(const sig_data *d, ib_date at, const ib_signal_settings *s,
                    ib_signal_list *out, ib_err *err)
{
    uint32_t *occ = NULL, *slot = NULL, *flagged = NULL;
    ib_date *since = NULL;
    int rc = occupancy_on(d, at, &occ);
    size_t nl = d->n_locations, nf = 0;
    if (rc == IB_OK) {
        slot = malloc((nl ? nl : 1) * sizeof *slot);
        flagged = malloc((nl ? nl : 1) * sizeof *flagged);
        if (!slot || !flagged)
            rc = IB_ENOMEM;
    }
    for (size_t i = 0; rc == IB_OK && i < nl; i++) {
        slot[i] = SIG_NONE;
        const sig_location *l = &d->locations[i];
        if (l->canon == i && is_overcrowded(l, occ[i], s->min_area_m2)) {
            slot[i] = (uint32_t)nf;
            flagged[nf++] = (uint32_t)i;
        }
    }
    if (rc == IB_OK && nf) {
        since = malloc(nf * sizeof *since);
        rc = since ? compute_since(d, at, slot, flagged, nf, s->min_area_m2, since)
                   : IB_ENOMEM;
    }
    for (size_t f = 0; rc == IB_OK && f < nf; f++) {
        const sig_location *l = &d->locations[flagged[f]];
        const sig_sender *snd = &d->senders[l->sender];
        ib_active_signal sig;
        memset(&sig, 0, sizeof sig);
        sig.kind = IB_SIG_OVERCROWDED;
        sig.location = true;
        sig.subject_id = l->id;
        sig.subject_record_id = l->id;
        sig.subject_sender_id = snd->id;
        ib_strlcpy(sig.subject_sender, sig_str(d, snd->ref), sizeof sig.subject_sender);
        ib_strlcpy(sig.subject_ref, sig_str(d, l->ref), sizeof sig.subject_ref);
        ib_strlcpy(sig.municipality, l->municipality, sizeof sig.municipality);
        sig.since = since[f];
        sig.date = since[f];
        sig.occupancy = (int32_t)occ[flagged[f]];
        sig.capacity = l->capacity;
        sig.floor_area = l->floor_area;
        rc = sig_list_add(out, &sig);
    }
    free(occ);
    free(slot);
    free(flagged);
    free(since);
    if (rc)
        return ib_err_set(err, IB_ENOMEM, "geheugen vol bij de signalen");
    return IB_OK;
}
