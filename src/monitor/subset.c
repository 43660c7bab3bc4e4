/* subset.c — the monitor data of some municipalities: the persons who lie
 * in one of them (as the API's person scope: a registration there, or a
 * housing at a location there) with all their records, so that every figure
 * can be computed for a municipality or a region exactly as for the whole. */
#include <stdlib.h>

#include "monitor/monitor.h"

static bool has_muni(const int16_t *munis, size_t n, int16_t m)
{
    for (size_t i = 0; i < n; i++)
        if (munis[i] == m)
            return true;
    return false;
}

bool ib_mdata_person_in(const ib_mdata *d, uint32_t p, const int16_t *munis,
                        size_t n)
{
    for (uint32_t i = d->reg_off[p]; i < d->reg_off[p + 1]; i++)
        if (has_muni(munis, n, d->regs[i].municipality))
            return true;
    for (uint32_t i = d->housing_off[p]; i < d->housing_off[p + 1]; i++) {
        int32_t l = d->housings[i].location;
        if (l >= 0 && (size_t)l < d->n_locations &&
            has_muni(munis, n, d->locations[l].municipality))
            return true;
    }
    return false;
}

/* Senders, organisations and locations are copied whole, so that their
 * indexes stay valid in the episodes copied after them. */
static int copy_tables(const ib_mdata *s, ib_mdata *o)
{
    for (size_t i = 0; i < s->n_senders; i++)
        if (ib_mdata_add_sender(o, s->sender_ids[i]) < 0)
            return IB_ENOMEM;
    for (size_t i = 0; i < s->n_orgs; i++) {
        const ib_morg *g = &s->orgs[i];
        int rc = ib_mdata_add_org(o, ib_mdata_str(s, g->ref), ib_mdata_str(s, g->name),
                                  (ib_org_kind)g->kind);
        if (rc < 0)
            return rc;
        o->orgs[rc].merged = g->merged;
    }
    for (size_t i = 0; i < s->n_locations; i++) {
        const ib_mlocation *l = &s->locations[i];
        int rc = ib_mdata_add_location(o, ib_mdata_str(s, l->ref), l);
        if (rc < 0)
            return rc;
    }
    return IB_OK;
}

/* Person p of s with every record of theirs, as person `to` of o. */
static int copy_person(const ib_mdata *s, uint32_t p, ib_mdata *o)
{
    int to = ib_mdata_add_person(o, ib_mdata_str(s, s->persons[p].ref), &s->persons[p]);
    if (to < 0)
        return to;
    uint32_t q = (uint32_t)to;
    int rc = 0;
    for (uint32_t i = s->stay_off[p]; rc >= 0 && i < s->stay_off[p + 1]; i++)
        rc = ib_mdata_add_stay(o, q, s->stays[i].arrival, s->stays[i].departure);
    for (uint32_t i = s->reg_off[p]; rc >= 0 && i < s->reg_off[p + 1]; i++)
        rc = ib_mdata_add_reg(o, q, &s->regs[i]);
    for (uint32_t i = s->emp_off[p]; rc >= 0 && i < s->emp_off[p + 1]; i++)
        rc = ib_mdata_add_emp(o, q, &s->emps[i]);
    for (uint32_t i = s->housing_off[p]; rc >= 0 && i < s->housing_off[p + 1]; i++)
        rc = ib_mdata_add_housing(o, q, &s->housings[i]);
    for (uint32_t i = s->event_off[p]; rc >= 0 && i < s->event_off[p + 1]; i++)
        rc = ib_mdata_add_event(o, q, (ib_event_kind)s->events[i].kind,
                                s->events[i].date);
    return rc < 0 ? rc : IB_OK;
}

int ib_mdata_in_municipalities(const ib_mdata *src, const int16_t *munis, size_t n,
                               ib_mdata *out, ib_err *err)
{
    ib_mdata_init(out);
    int rc = copy_tables(src, out);
    for (uint32_t p = 0; rc == IB_OK && p < src->n_persons; p++)
        if (ib_mdata_person_in(src, p, munis, n))
            rc = copy_person(src, p, out);
    if (rc == IB_OK)
        return ib_mdata_finish(out, err);
    ib_mdata_free(out);
    ib_mdata_init(out);
    return rc == IB_ELIMIT ? ib_err_set(err, rc, "te veel gegevens voor de monitor")
                           : ib_err_set(err, IB_ENOMEM, "geheugen vol");
}
