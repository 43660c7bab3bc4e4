/* registration.c — registration coverage on day R (spec "Registration"):
 * the stays present on R by BRP, RNI or no registration, per group, and the
 * persons present more than 120 days without a BRP registration (the
 * four-month rule for registering as a resident). */
#include "monitor/mon_internal.h"

#include <stdlib.h>
#include <string.h>

static const char *const cover_names[IB_COVER_COUNT] = {"brp", "rni", "none"};

const char *ib_mcover_name(ib_mcover c)
{
    return (unsigned)c < IB_COVER_COUNT ? cover_names[c] : NULL;
}

/* BRP wins over RNI when both cover R: a resident registration is the
 * stronger one, and RNI registrations are often not ended when a person
 * moves into the BRP. */
ib_mcover ib_registration_on(const ib_mdata *d, uint32_t p, ib_date at,
                             int16_t *municipality)
{
    bool brp = false, rni = false;
    *municipality = IB_MUNI_NONE;
    for (uint32_t i = d->reg_off[p]; i < d->reg_off[p + 1]; i++) {
        const ib_mreg *r = &d->regs[i];
        if (!ib_mcovers(r->start, r->end, at))
            continue;
        if (r->kind == IB_REG_BRP) {
            brp = true;
            *municipality = r->municipality;   /* sorted: latest start wins */
        } else {
            rni = true;
        }
    }
    return brp ? IB_COVER_BRP : rni ? IB_COVER_RNI : IB_COVER_NONE;
}

void ib_munreg_list_free(ib_munreg_list *l)
{
    if (!l)
        return;
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

static int add_unreg(ib_munreg_list *l, size_t *cap, const ib_munreg *u)
{
    if (l->n == *cap) {
        size_t nc = *cap ? 2 * *cap : 64;
        ib_munreg *v = realloc(l->items, nc * sizeof *v);
        if (!v)
            return IB_ENOMEM;
        l->items = v;
        *cap = nc;
    }
    l->items[l->n++] = *u;
    return IB_OK;
}

/* Municipality of the housing covering R (latest start), or none. */
static int16_t housing_municipality(const ib_mdata *d, uint32_t p, ib_date at)
{
    int16_t m = IB_MUNI_NONE;
    for (uint32_t i = d->housing_off[p]; i < d->housing_off[p + 1]; i++)
        if (ib_mcovers(d->housings[i].start, d->housings[i].end, at))
            m = d->locations[d->housings[i].location].municipality;
    return m;
}

static int count_person(const ib_mdata *d, uint32_t p, ib_date at, ib_group g,
                        const ib_mcellkey *ck, ib_mpairs *ps,
                        ib_munreg_list *unreg, size_t *ucap)
{
    uint32_t s = ib_mstay_on(d, p, at);
    if (s == UINT32_MAX)
        return IB_OK;
    int16_t brp_muni;
    ib_mcover c = ib_registration_on(d, p, at, &brp_muni);
    int16_t muni = brp_muni != IB_MUNI_NONE ? brp_muni
                                            : housing_municipality(d, p, at);
    ib_mstay st;
    ib_monitor_stay(d, p, s, at, &st);
    if (ib_mpairs_add(ps, ib_group_key(g, &st.attr, muni), (int32_t)c,
                      ib_mrecord_key(ck, d, p)))
        return IB_ENOMEM;
    int32_t days = at - d->stays[s].arrival + 1;
    if (unreg && c != IB_COVER_BRP && days > 120) {
        ib_munreg u = {p, s, days, c, housing_municipality(d, p, at)};
        return add_unreg(unreg, ucap, &u);
    }
    return IB_OK;
}

int ib_monitor_registration(const ib_mdata *d, ib_date at, ib_group g,
                            ib_mtable *out, ib_munreg_list *unreg,
                            ib_err *err)
{
    return ib_monitor_registration_keyed(d, at, g, NULL, out, unreg, err);
}

int ib_monitor_registration_keyed(const ib_mdata *d, ib_date at, ib_group g,
                                  const ib_mcellkey *ck, ib_mtable *out,
                                  ib_munreg_list *unreg, ib_err *err)
{
    ib_mpairs ps = {0};
    size_t ucap = 0;
    if (unreg)
        memset(unreg, 0, sizeof *unreg);
    for (uint32_t p = 0; p < d->n_persons; p++)
        if (count_person(d, p, at, g, ck, &ps, unreg, &ucap)) {
            free(ps.v);
            ib_munreg_list_free(unreg);
            return ib_err_set(err, IB_ENOMEM, "geheugen vol");
        }
    ib_mcolumn cols[IB_COVER_COUNT];
    memset(cols, 0, sizeof cols);
    for (int c = 0; c < IB_COVER_COUNT; c++) {
        snprintf(cols[c].name, sizeof cols[c].name, "%s", cover_names[c]);
        cols[c].is_count = true;
    }
    int rc = ib_mtable_from_pairs(out, "registration", g, &ps, IB_COVER_COUNT,
                                  cols, err);
    if (rc)
        ib_munreg_list_free(unreg);
    return rc;
}
