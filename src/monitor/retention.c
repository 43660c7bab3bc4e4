/* retention.c — how long stays last, per group (spec "Kaplan–Meier and
 * log-rank"): the Kaplan–Meier curve of every group, retention after 1, 3,
 * 5 and 10 years, the restricted mean stay and the log-rank test between the
 * groups. The numerics are the survival engine's (km.c, logrank.c). */
#include "monitor/mon_internal.h"

#include <stdlib.h>
#include <string.h>

const int ib_mret_years[IB_MRET_N] = {1, 3, 5, 10};

typedef struct keyed {
    int32_t key;
    uint32_t stay;           /* index into the ib_msurv */
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key)
        return (x->key > y->key) - (x->key < y->key);
    return (x->stay > y->stay) - (x->stay < y->stay);
}

static int fill_group(ib_msurv_group *g, const ib_surv_data *sd, int group,
                      double horizon, ib_err *err)
{
    int rc = ib_km_fit(sd, group, &g->curve, err);
    if (rc)
        return rc;
    g->n = g->curve.n;
    g->n_events = g->curve.n_events;
    for (int i = 0; i < IB_MRET_N; i++)
        ib_km_at(&g->curve, ib_surv_year_day(ib_mret_years[i]),
                 &g->retention[i]);
    ib_km_summarise(&g->curve, horizon, &g->summary);
    return IB_OK;
}

/* Gives every stay its group index (keys sorted) and labels the groups. */
static int assign_groups(const ib_msurv *sv, ib_group g, int *group,
                         ib_msurv_result *out, ib_err *err)
{
    keyed *k = malloc((sv->n ? sv->n : 1) * sizeof *k);
    if (!k)
        return ib_err_set(err, IB_ENOMEM, "geheugen vol");
    for (size_t i = 0; i < sv->n; i++)
        k[i] = (keyed){ib_group_key(g, &sv->stays[i].attr, IB_MUNI_NONE),
                       (uint32_t)i};
    qsort(k, sv->n, sizeof *k, cmp_keyed);
    size_t ng = 0;
    for (size_t i = 0; i < sv->n; i++)
        if (i == 0 || k[i].key != k[i - 1].key)
            ng++;
    out->groups = calloc(ng ? ng : 1, sizeof *out->groups);
    if (!out->groups) {
        free(k);
        return ib_err_set(err, IB_ENOMEM, "geheugen vol");
    }
    out->n_groups = ng;
    size_t gi = 0;
    for (size_t i = 0; i < sv->n; i++) {
        if (i > 0 && k[i].key != k[i - 1].key)
            gi++;
        if (i == 0 || k[i].key != k[i - 1].key) {
            out->groups[gi].key = k[i].key;
            ib_group_label(g, k[i].key, out->groups[gi].label,
                           sizeof out->groups[gi].label);
        }
        group[k[i].stay] = (int)gi;
    }
    free(k);
    return IB_OK;
}

static int compute(const ib_msurv *sv, ib_group g, double horizon,
                   ib_msurv_result *out, ib_err *err)
{
    size_t n = sv->n ? sv->n : 1;
    double *time = malloc(n * sizeof *time);
    int *event = malloc(n * sizeof *event);
    int *group = malloc(n * sizeof *group);
    int rc = IB_OK;
    if (!time || !event || !group) {
        rc = ib_err_set(err, IB_ENOMEM, "geheugen vol");
        goto done;
    }
    for (size_t i = 0; i < sv->n; i++) {
        time[i] = sv->stays[i].time;
        event[i] = sv->stays[i].event;
    }
    ib_surv_data sd = {sv->n, time, event, NULL, 0};
    if ((rc = fill_group(&out->all, &sd, -1, horizon, err)))
        goto done;
    ib_strlcpy(out->all.label, "all", sizeof out->all.label);
    if (g == IB_GROUP_ALL)
        goto done;
    if ((rc = assign_groups(sv, g, group, out, err)))
        goto done;
    sd.group = group;
    sd.n_groups = out->n_groups;
    for (size_t i = 0; i < out->n_groups && !rc; i++)
        rc = fill_group(&out->groups[i], &sd, (int)i, horizon, err);
    if (rc)
        goto done;
    if (out->n_groups < 2) {
        snprintf(out->logrank_note, sizeof out->logrank_note,
                 "één groep: geen toets");
        goto done;
    }
    ib_err lerr;
    ib_err_clear(&lerr);
    if (ib_logrank_test(&sd, &out->logrank, &lerr) == IB_OK)
        out->has_logrank = true;
    else
        snprintf(out->logrank_note, sizeof out->logrank_note, "%s", lerr.msg);
done:
    free(time);
    free(event);
    free(group);
    return rc;
}

int ib_monitor_survival(const ib_mdata *d, const ib_msurv_opts *o, ib_group g,
                        double horizon_days, ib_msurv_result *out,
                        ib_err *err)
{
    memset(out, 0, sizeof *out);
    if (!(horizon_days > 0))
        return ib_err_set(err, IB_EINVAL, "de horizon moet positief zijn");
    if (g == IB_GROUP_MUNICIPALITY)
        g = IB_GROUP_FIRST_BRP;       /* a stay's fixed municipality */
    if ((unsigned)g >= IB_GROUP_COUNT)
        return ib_err_set(err, IB_EINVAL, "onbekende groepering");
    out->group = g;
    out->horizon = horizon_days;
    ib_msurv sv;
    int rc = ib_monitor_stays(d, o, &sv, err);
    if (rc)
        return rc;
    rc = compute(&sv, g, horizon_days, out, err);
    ib_msurv_free(&sv);
    if (rc)
        ib_msurv_result_free(out);
    return rc;
}

void ib_msurv_result_free(ib_msurv_result *r)
{
    if (!r)
        return;
    ib_km_curve_free(&r->all.curve);
    for (size_t i = 0; i < r->n_groups; i++)
        ib_km_curve_free(&r->groups[i].curve);
    free(r->groups);
    if (r->has_logrank)
        ib_logrank_free(&r->logrank);
    memset(r, 0, sizeof *r);
}
