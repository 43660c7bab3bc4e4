/* retention.c — how long stays last, per group (spec "Kaplan–Meier and
 * log-rank"): the Kaplan–Meier curve of every group, retention after 1, 3,
 * 5 and 10 years, the restricted mean stay and the log-rank test between the
 * groups. The numerics are the survival engine's (km.c, logrank.c). */
#include "monitor/mon_internal.h"
#include "monitor/surv_internal.h"

#include <stdlib.h>
#include <string.h>

const int ib_mret_years[IB_MRET_N] = {1, 3, 5, 10};

static int fill_group(ib_msurv_group *g, const ib_surv_data *sd,
                      double horizon, ib_err *err)
{
    int rc = ib_km_fit(sd, -1, &g->curve, err);
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

/* Position of key in the sorted keys[0..n) (binary search), or where it
 * would go. */
static size_t key_pos(const int32_t *keys, size_t n, int32_t key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (keys[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The distinct group keys of the stays, sorted (a few hundred at most:
 * nationalities), and each stay's group index. */
static int assign_groups(const ib_msurv *sv, const uint32_t *order,
                         ib_group g, int *group, int32_t **keys_out,
                         size_t *ng_out, ib_err *err)
{
    size_t ng = 0, cap = 16;
    int32_t *keys = malloc(cap * sizeof *keys);
    if (!keys)
        return ib_err_set(err, IB_ENOMEM, "geheugen vol");
    int32_t last = 0;
    for (size_t i = 0; i < sv->n; i++) {
        int32_t k = ib_group_key(g, &sv->stays[order[i]].attr, IB_MUNI_NONE);
        group[i] = k;                      /* the key for now */
        if (i > 0 && k == last)
            continue;
        last = k;
        size_t pos = key_pos(keys, ng, k);
        if (pos < ng && keys[pos] == k)
            continue;
        if (ng == cap) {
            int32_t *more = realloc(keys, 2 * cap * sizeof *keys);
            if (!more) {
                free(keys);
                return ib_err_set(err, IB_ENOMEM, "geheugen vol");
            }
            keys = more;
            cap *= 2;
        }
        memmove(keys + pos + 1, keys + pos, (ng - pos) * sizeof *keys);
        keys[pos] = k;
        ng++;
    }
    for (size_t i = 0; i < sv->n; i++)
        group[i] = (int)key_pos(keys, ng, group[i]);
    *keys_out = keys;
    *ng_out = ng;
    return IB_OK;
}

/* The stays of every group in one contiguous block (a counting sort), so
 * that each group's curve reads only its own stays. */
static int fit_groups(ib_msurv_result *out, const ib_msurv *sv,
                      const double *time, const int *event, const int *group,
                      const int32_t *keys, ib_group g, double horizon,
                      ib_err *err)
{
    size_t ng = out->n_groups, n = sv->n;
    size_t *off = calloc(ng + 1, sizeof *off);
    double *gt = malloc((n ? n : 1) * sizeof *gt);
    int *ge = malloc((n ? n : 1) * sizeof *ge);
    int rc = IB_OK;
    if (!off || !gt || !ge) {
        rc = ib_err_set(err, IB_ENOMEM, "geheugen vol");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        off[group[i] + 1]++;
    for (size_t k = 0; k < ng; k++)
        off[k + 1] += off[k];
    for (size_t i = 0; i < n; i++) {
        size_t pos = off[group[i]]++;
        gt[pos] = time[i];
        ge[pos] = event[i];
    }
    for (size_t k = ng; k > 0; k--)       /* back to the starts */
        off[k] = off[k - 1];
    off[0] = 0;
    for (size_t k = 0; k < ng && !rc; k++) {
        ib_msurv_group *gr = &out->groups[k];
        gr->key = keys[k];
        ib_group_label(g, keys[k], gr->label, sizeof gr->label);
        ib_surv_data sub = {off[k + 1] - off[k], gt + off[k], ge + off[k],
                            NULL, 0};
        rc = fill_group(gr, &sub, horizon, err);
    }
done:
    free(off);
    free(gt);
    free(ge);
    return rc;
}

int ib_monitor_survival_stays(const ib_msurv *sv, ib_group g,
                              double horizon_days, bool with_logrank,
                              ib_msurv_result *out, ib_err *err)
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
    size_t n = sv->n ? sv->n : 1;
    double *time = malloc(n * sizeof *time);
    int *event = malloc(n * sizeof *event);
    int *group = malloc(n * sizeof *group);
    uint32_t *order = malloc(n * sizeof *order);
    int32_t *keys = NULL;
    int rc = IB_OK;
    if (!time || !event || !group || !order) {
        rc = ib_err_set(err, IB_ENOMEM, "geheugen vol");
        goto done;
    }
    /* sorted by time once: the curves and the test then find their stays
     * in order (the groups are partitioned stably) and need no sort */
    for (size_t i = 0; i < sv->n; i++) {
        order[i] = (uint32_t)i;
        time[i] = sv->stays[i].time;
    }
    if (ib_surv_sort(order, sv->n, time)) {
        rc = ib_err_set(err, IB_ENOMEM, "geheugen vol");
        goto done;
    }
    for (size_t i = 0; i < sv->n; i++) {
        time[i] = sv->stays[order[i]].time;
        event[i] = sv->stays[order[i]].event;
    }
    ib_surv_data sd = {sv->n, time, event, NULL, 0};
    if ((rc = fill_group(&out->all, &sd, horizon_days, err)))
        goto done;
    ib_strlcpy(out->all.label, "all", sizeof out->all.label);
    if (g == IB_GROUP_ALL)
        goto done;
    if ((rc = assign_groups(sv, order, g, group, &keys, &out->n_groups,
                            err)))
        goto done;
    if (!(out->groups = calloc(out->n_groups ? out->n_groups : 1,
                               sizeof *out->groups))) {
        out->n_groups = 0;
        rc = ib_err_set(err, IB_ENOMEM, "geheugen vol");
        goto done;
    }
    rc = fit_groups(out, sv, time, event, group, keys, g, horizon_days, err);
    if (rc || !with_logrank)
        goto done;
    if (out->n_groups < 2) {
        snprintf(out->logrank_note, sizeof out->logrank_note,
                 "één groep: geen toets");
        goto done;
    }
    sd.group = group;
    sd.n_groups = out->n_groups;
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
    free(order);
    free(keys);
    if (rc)
        ib_msurv_result_free(out);
    return rc;
}

int ib_msurv_sort_by_time(ib_msurv *sv, ib_err *err)
{
    size_t n = sv->n;
    if (n < 2)
        return IB_OK;
    double *time = malloc(n * sizeof *time);
    uint32_t *order = malloc(n * sizeof *order);
    ib_mstay *sorted = malloc(n * sizeof *sorted);
    int rc = IB_OK;
    if (!time || !order || !sorted) {
        rc = ib_err_set(err, IB_ENOMEM, "geheugen vol");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        time[i] = sv->stays[i].time;
        order[i] = (uint32_t)i;
    }
    if (ib_surv_sort(order, n, time)) {
        rc = ib_err_set(err, IB_ENOMEM, "geheugen vol");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        sorted[i] = sv->stays[order[i]];
    free(sv->stays);
    sv->stays = sorted;
    sorted = NULL;
done:
    free(time);
    free(order);
    free(sorted);
    return rc;
}

int ib_monitor_survival(const ib_mdata *d, const ib_msurv_opts *o, ib_group g,
                        double horizon_days, ib_msurv_result *out,
                        ib_err *err)
{
    memset(out, 0, sizeof *out);
    ib_msurv sv;
    int rc = ib_monitor_stays(d, o, &sv, err);
    if (rc)
        return rc;
    rc = ib_monitor_survival_stays(&sv, g, horizon_days, true, out, err);
    ib_msurv_free(&sv);
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
