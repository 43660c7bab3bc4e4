/* typology.c — the typology on day R (spec "Typology on day R"): labour and
 * knowledge migrants with a stay covering R, by length of stay (<= L or > L)
 * and perspective (vulnerable: agency/temporary, no permanent, wage <= 130 %
 * of WML; perspective-rich: wage >= the knowledge-migrant criterion, for
 * long stays also permanent), on R alone or on every first of the month. */
#include "monitor/mon_internal.h"

#include <stdlib.h>
#include <string.h>

static const char *const type_names[IB_TYPE_COUNT] = {
    "vulnerable_passer_by", "perspective_rich_passer_by",
    "chronically_vulnerable", "durably_perspective_rich", "other"};

const char *ib_mtype_name(ib_mtype t)
{
    return (unsigned)t < IB_TYPE_COUNT ? type_names[t] : NULL;
}

int ib_mbasis_parse(const char *s, ib_mbasis *out, ib_err *err)
{
    if (s && strcmp(s, "point") == 0)
        *out = IB_BASIS_POINT;
    else if (s && strcmp(s, "all-months") == 0)
        *out = IB_BASIS_ALL_MONTHS;
    else
        return ib_err_set(err, IB_EINVAL,
                          "onbekende basis '%.40s'; kies point of all-months",
                          s ? s : "");
    return IB_OK;
}

void ib_mtypology_opts_init(ib_mtypology_opts *o, ib_date at)
{
    o->at = at;
    o->long_after = 730;
    o->basis = IB_BASIS_POINT;
    o->cellkey = NULL;
}

bool ib_typology_subject(const ib_mdata *d, uint32_t p, ib_date at,
                         uint32_t *stay)
{
    uint8_t cat = d->persons[p].category;
    if (cat != IB_CAT_LABOUR && cat != IB_CAT_KNOWLEDGE)
        return false;
    uint32_t s = ib_mstay_on(d, p, at);
    if (s == UINT32_MAX)
        return false;
    *stay = s;
    return true;
}

/* The perspective criteria on one day. */
typedef struct criteria {
    bool vulnerable;         /* agency/temporary, no permanent, <= 130 % */
    bool rich;               /* wage >= K(age on day, day) */
    bool permanent;
} criteria;

static criteria criteria_on(const ib_mdata *d, uint32_t p, ib_date day)
{
    ib_mvalues v;
    criteria c;
    ib_monitor_values_at(d, p, day, &v);
    bool flex = (v.flags & (1u << IB_TV_AGENCY)) || v.temporary;
    c.permanent = (v.flags & (1u << IB_TV_PERMANENT)) != 0;
    /* "wage_ratio <= 1.30": 100 x wage <= 130 x WML, exactly in cents */
    c.vulnerable = flex && !c.permanent && 100 * v.wage <= 130 * v.wml;
    ib_date birth = d->persons[p].birth;
    int age = birth == IB_DATE_NONE ? 30 : ib_date_age_years(birth, day);
    c.rich = v.wage >= ib_ref_knowledge(age, day);
    return c;
}

/* The type on one day, given the length axis decided on R. */
static ib_mtype type_of(const criteria *c, bool long_stay)
{
    if (!long_stay && c->vulnerable) return IB_TYPE_VULNERABLE_PASSER;
    if (!long_stay && c->rich) return IB_TYPE_RICH_PASSER;
    if (long_stay && c->vulnerable) return IB_TYPE_CHRONIC_VULNERABLE;
    if (long_stay && c->permanent && c->rich) return IB_TYPE_DURABLE_RICH;
    return IB_TYPE_OTHER;
}

/* all-months: the same type's criteria on every first of a month in
 * [arrival, R]. */
static bool held_every_month(const ib_mdata *d, uint32_t p, ib_date arrival,
                             ib_date at, ib_mtype t, bool long_stay)
{
    int y, m, dd;
    ib_date_to_ymd(arrival, &y, &m, &dd);
    if (dd != 1 && ++m > 12) {
        m = 1;
        y++;
    }
    for (ib_date day = ib_date_from_ymd(y, m, 1); day <= at;) {
        criteria c = criteria_on(d, p, day);
        if (type_of(&c, long_stay) != t)
            return false;
        if (++m > 12) {
            m = 1;
            y++;
        }
        day = ib_date_from_ymd(y, m, 1);
    }
    return true;
}

ib_mtype ib_typology_of(const ib_mdata *d, uint32_t p, uint32_t s,
                        const ib_mtypology_opts *o)
{
    ib_date arrival = d->stays[s].arrival;
    int64_t so_far = (int64_t)o->at - arrival + 1;
    bool long_stay = so_far > o->long_after;
    criteria c = criteria_on(d, p, o->at);
    ib_mtype t = type_of(&c, long_stay);
    if (t != IB_TYPE_OTHER && o->basis == IB_BASIS_ALL_MONTHS &&
        !held_every_month(d, p, arrival, o->at, t, long_stay))
        return IB_TYPE_OTHER;
    return t;
}

int ib_monitor_typology(const ib_mdata *d, const ib_mtypology_opts *o,
                        ib_group g, ib_mtable *out, ib_err *err)
{
    ib_mpairs ps = {0};
    for (uint32_t p = 0; p < d->n_persons; p++) {
        uint32_t s;
        if (!ib_typology_subject(d, p, o->at, &s))
            continue;
        ib_mstay st;
        ib_monitor_stay(d, p, s, o->at, &st);
        int16_t muni = g == IB_GROUP_MUNICIPALITY
                           ? ib_monitor_municipality_on(d, p, o->at)
                           : IB_MUNI_NONE;
        int32_t key = ib_group_key(g, &st.attr, muni);
        if (ib_mpairs_add(&ps, key, (int32_t)ib_typology_of(d, p, s, o),
                          ib_mrecord_key(o->cellkey, d, p))) {
            free(ps.v);
            return ib_err_set(err, IB_ENOMEM, "geheugen vol");
        }
    }
    ib_mcolumn cols[IB_TYPE_COUNT];
    for (int t = 0; t < IB_TYPE_COUNT; t++) {
        memset(&cols[t], 0, sizeof cols[t]);
        snprintf(cols[t].name, sizeof cols[t].name, "%s", type_names[t]);
        cols[t].is_count = true;
    }
    return ib_mtable_from_pairs(out, "typology", g, &ps, IB_TYPE_COUNT, cols,
                                err);
}
