/* binding.c — what binds people to the Netherlands (spec "Cox proportional
 * hazards"): the Cox model on the counting-process intervals with any
 * binding factors and group dummies, and the expected stay of SEO's
 * subgroups (004: working single, with partner, not working, with home). */
#include "monitor/mon_internal.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ profiles */

typedef struct seo_profile {
    const char *label;
    bool employed, partner, children, home_owner;
} seo_profile;

static const seo_profile seo[] = {
    {"werkend, alleenstaand", true, false, false, false},
    {"werkend, met partner", true, true, false, false},
    {"werkend, partner en kinderen", true, true, true, false},
    {"werkend, partner en eigen woning", true, true, false, true},
    {"niet werkend, alleenstaand", false, false, false, false},
};
#define N_SEO (sizeof seo / sizeof seo[0])

static double profile_value(const seo_profile *sp, bool eu, const char *name)
{
    if (strcmp(name, "employed") == 0) return sp->employed;
    if (strcmp(name, "partner") == 0) return sp->partner;
    if (strcmp(name, "children") == 0) return sp->children;
    if (strcmp(name, "home_owner") == 0) return sp->home_owner;
    if (strcmp(name, "eu") == 0) return eu;
    /* working at the minimum wage: wage_ratio 1, income_130/200 0 */
    if (strcmp(name, "wage_ratio") == 0) return sp->employed ? 1.0 : 0.0;
    return 0.0;
}

static void free_profiles(ib_mprofile *pr, size_t n)
{
    for (size_t i = 0; pr && i < n; i++)
        free(pr[i].x);
    free(pr);
}

int ib_monitor_seo_profiles(const char *const *names, size_t p,
                            ib_mprofile **out, size_t *n, ib_err *err)
{
    bool has_eu = false;
    for (size_t j = 0; j < p; j++)
        has_eu |= strcmp(names[j], "eu") == 0;
    size_t variants = has_eu ? 2 : 1, total = N_SEO * variants;
    ib_mprofile *pr = calloc(total, sizeof *pr);
    if (!pr)
        return ib_err_set(err, IB_ENOMEM, "geheugen vol");
    for (size_t v = 0; v < variants; v++)
        for (size_t i = 0; i < N_SEO; i++) {
            ib_mprofile *q = &pr[v * N_SEO + i];
            bool eu = has_eu && v == 0;
            snprintf(q->label, sizeof q->label, "%s%s", seo[i].label,
                     !has_eu ? "" : eu ? " (EU)" : " (niet-EU)");
            if (!(q->x = calloc(p ? p : 1, sizeof *q->x))) {
                free_profiles(pr, total);
                return ib_err_set(err, IB_ENOMEM, "geheugen vol");
            }
            for (size_t j = 0; j < p; j++)
                q->x[j] = profile_value(&seo[i], eu, names[j]);
        }
    *out = pr;
    *n = total;
    return IB_OK;
}

/* ------------------------------------------------------------ model */

static void release_design_x(void *ctx)
{
    ib_mdesign_free_x(ctx);
}

int ib_monitor_cox_design(ib_mdesign *x, const char *const *names, size_t p,
                          const ib_cox_opts *co, double horizon_days,
                          ib_mcox_result *out, ib_err *err)
{
    memset(out, 0, sizeof *out);
    int rc = IB_OK;
    if (!(horizon_days > 0))
        rc = ib_err_set(err, IB_EINVAL, "de horizon moet positief zijn");
    else if (p == 0 || x->p != p)
        rc = ib_err_set(err, IB_EINVAL, "geen covariaten gekozen");
    else if (x->n == 0)
        rc = ib_err_set(err, IB_EINVAL,
                        "geen verblijven in de selectie: geen model");
    if (rc) {
        ib_mdesign_free(x);
        return rc;
    }
    out->horizon = horizon_days;
    out->n_stays = x->n_stays;
    out->n_events = x->n_events;
    out->n_intervals = x->n;
    ib_cox_opts o;
    if (co)
        o = *co;
    else
        ib_cox_opts_init(&o);
    o.release_x = release_design_x;      /* the engine keeps its own copy */
    o.release_ctx = x;
    o.x_is_scratch = true;               /* and may use X for its second */
    ib_cox_data cd = {x->n, x->p, x->start, x->stop, x->event, x->X, names,
                      x->stay};
    rc = ib_cox_fit(&cd, &o, &out->model, err);
    ib_mdesign_free(x);
    if (rc) {
        memset(&out->model, 0, sizeof out->model);
        return rc;
    }
    rc = ib_monitor_seo_profiles(names, p, &out->profiles, &out->n_profiles,
                                 err);
    for (size_t i = 0; !rc && i < out->n_profiles; i++)
        rc = ib_cox_expected_stay(&out->model, out->profiles[i].x,
                                  horizon_days,
                                  &out->profiles[i].expected_stay, err);
    if (rc)
        ib_mcox_result_free(out);
    return rc;
}

int ib_monitor_cox(const ib_mdata *d, const ib_msurv_opts *o,
                   const char *const *names, size_t p, const ib_cox_opts *co,
                   double horizon_days, ib_mcox_result *out, ib_err *err)
{
    memset(out, 0, sizeof *out);
    if (!(horizon_days > 0))
        return ib_err_set(err, IB_EINVAL, "de horizon moet positief zijn");
    if (p == 0)
        return ib_err_set(err, IB_EINVAL, "geen covariaten gekozen");
    ib_mdesign x;
    int rc = ib_monitor_design(d, o, names, p, &x, err);
    if (rc)
        return rc;
    return ib_monitor_cox_design(&x, names, p, co, horizon_days, out, err);
}

void ib_mcox_result_free(ib_mcox_result *r)
{
    if (!r)
        return;
    if (r->model.p)
        ib_cox_model_free(&r->model);
    free_profiles(r->profiles, r->n_profiles);
    memset(r, 0, sizeof *r);
}

/* ------------------------------------------------------------ dummies */

/* The design's name of level `key` of group g, or false when it has none. */
static bool dummy_name(ib_group g, int32_t key, char *buf, size_t size)
{
    char label[IB_MLABEL_MAX];
    ib_group_label(g, key, label, sizeof label);
    if (strcmp(label, "unknown") == 0)
        return false;
    switch (g) {
    case IB_GROUP_EU: case IB_GROUP_CEE: case IB_GROUP_SOUTH:
        /* one dummy, 1 for the group: the reference is always the rest */
        snprintf(buf, size, "%s", ib_group_name(g));
        return key == 0;
    case IB_GROUP_NATIONALITY:
        snprintf(buf, size, "nationality_%s", label);
        return true;
    case IB_GROUP_CATEGORY:
        snprintf(buf, size, "category_%s", label);
        return true;
    case IB_GROUP_SEX:
        snprintf(buf, size, "sex_%s", label);
        return true;
    case IB_GROUP_AGE: {
        snprintf(buf, size, "age_%s", label);
        char *dash = strchr(buf, '-');
        if (dash)
            *dash = '_';
        return true;
    }
    case IB_GROUP_COHORT:
        snprintf(buf, size, "cohort_%s", label);
        return true;
    case IB_GROUP_FIRST_BRP:
    case IB_GROUP_MUNICIPALITY:
        snprintf(buf, size, "first_brp_%s", label);
        return true;
    case IB_GROUP_ALL:
    case IB_GROUP_COUNT: break;
    }
    return false;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

int ib_monitor_group_dummies(const ib_mdata *d, const ib_msurv_opts *o,
                             ib_group g, char ***names, size_t *n,
                             char ref[IB_MLABEL_MAX], ib_err *err)
{
    *names = NULL;
    *n = 0;
    ref[0] = '\0';
    if (g == IB_GROUP_MUNICIPALITY)
        g = IB_GROUP_FIRST_BRP;
    if (g == IB_GROUP_ALL || (unsigned)g >= IB_GROUP_COUNT)
        return IB_OK;
    ib_msurv sv;
    int rc = ib_monitor_stays(d, o, &sv, err);
    if (rc)
        return rc;
    int32_t *keys = malloc((sv.n ? sv.n : 1) * sizeof *keys);
    char **out = calloc(sv.n ? sv.n : 1, sizeof *out);
    if (!keys || !out) {
        rc = ib_err_set(err, IB_ENOMEM, "geheugen vol");
        goto done;
    }
    for (size_t i = 0; i < sv.n; i++)
        keys[i] = ib_group_key(g, &sv.stays[i].attr, IB_MUNI_NONE);
    qsort(keys, sv.n, sizeof *keys, cmp_i32);
    /* the reference: the level with the most stays (first on a tie); for
     * eu, cee and south the rest (key 1), whose dummy is the group's 0 */
    bool two_levels = g == IB_GROUP_EU || g == IB_GROUP_CEE ||
                      g == IB_GROUP_SOUTH;
    int32_t ref_key = two_levels ? 1 : 0;
    size_t best = 0;
    for (size_t i = 0, j; !two_levels && i < sv.n; i = j) {
        for (j = i; j < sv.n && keys[j] == keys[i]; j++)
            ;
        if (j - i > best) {
            best = j - i;
            ref_key = keys[i];
        }
    }
    if (sv.n)
        ib_group_label(g, ref_key, ref, IB_MLABEL_MAX);
    for (size_t i = 0, j; i < sv.n; i = j) {
        for (j = i; j < sv.n && keys[j] == keys[i]; j++)
            ;
        char name[IB_MLABEL_MAX + 16];
        if (keys[i] == ref_key || !dummy_name(g, keys[i], name, sizeof name))
            continue;
        if (!(out[*n] = strdup(name))) {
            rc = ib_err_set(err, IB_ENOMEM, "geheugen vol");
            goto done;
        }
        (*n)++;
    }
done:
    if (rc) {
        for (size_t i = 0; out && i < *n; i++)
            free(out[i]);
        free(out);
        out = NULL;
        *n = 0;
    }
    *names = out;
    free(keys);
    ib_msurv_free(&sv);
    return rc;
}
