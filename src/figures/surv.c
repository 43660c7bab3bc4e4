/* surv.c — how the survival and Cox results are written (`inbeeld monitor`
 * and the API): a readable Dutch table with units, CSV in long form
 * (group,figure,value: every figure one line, easy to filter), or JSON with
 * every number at full precision (what the R comparison reads). */
#include "figures/figures.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *ties_name(ib_cox_ties t)
{
    return t == IB_COX_BRESLOW ? "breslow" : "efron";
}

/* p-value for people: "< 0,001" below a thousandth, else 3 decimals. */
static char *p_text(double p, char *buf, size_t size)
{
    char n[32];
    if (isnan(p))
        snprintf(buf, size, "–");
    else if (p < 0.001)
        snprintf(buf, size, "< 0,001");
    else
        snprintf(buf, size, "%s", ib_mo_nl(p, 3, n, sizeof n));
    return buf;
}

/* What suppression hides of one group: its number of stays, of
 * departures, and the numbers at risk after each retention year (and with
 * them the retention figures read from those stays): 0 shown, else
 * IB_MCELL_PRIMARY (fewer than k) or IB_MCELL_SECONDARY (hidden so that
 * another does not follow from the totals; it may hold any number). */
typedef struct surv_shown {
    uint8_t n, events, at_risk[IB_MRET_N];
} surv_shown;

static const surv_shown all_hidden = {
    IB_MCELL_PRIMARY, IB_MCELL_PRIMARY,
    {IB_MCELL_PRIMARY, IB_MCELL_PRIMARY, IB_MCELL_PRIMARY, IB_MCELL_PRIMARY}};

static uint8_t hidden_flag(const ib_mtable *t, size_t r, size_t c)
{
    return t->flags[r * (t->ncols + 1) + c];
}

static int64_t count_of(double v)
{
    return (int64_t)llround(v);
}

static void fill_counts(ib_mtable *t, size_t row, const ib_msurv_group *g)
{
    *ib_mtable_at(t, row, 0) = (int64_t)g->n;
    *ib_mtable_at(t, row, 1) = (int64_t)g->n_events;
    for (int i = 0; i < IB_MRET_N; i++)
        *ib_mtable_at(t, row, 2 + (size_t)i) = count_of(g->retention[i].n_risk);
}

/* Suppression of the survival counts as spec "Suppression" asks: the
 * groups' stays, departures and numbers at risk form a table whose column
 * totals are the "all" group (the groups split the stays), so that
 * ib_mtable_suppress hides every count under k and whatever would give one
 * away through the totals. Returns n_groups + 1 entries (the last: all),
 * everything shown when k is 0; NULL when memory ran out (the caller then
 * shows nothing). Caller frees. */
static surv_shown *survival_shown(const ib_msurv_result *r, int64_t k)
{
    size_t ng = r->n_groups;
    surv_shown *sh = calloc(ng + 1, sizeof *sh);
    if (!sh)
        return NULL;
    if (k <= 0)
        return sh;                      /* calloc: everything shown */
    static const char *const key_names[] = {"group"};
    ib_mcolumn cols[2 + IB_MRET_N] = {{"n", 0, true}, {"events", 0, true}};
    for (int y = 0; y < IB_MRET_N; y++) {
        snprintf(cols[2 + y].name, sizeof cols[2 + y].name, "at_risk_%dy",
                 ib_mret_years[y]);
        cols[2 + y].is_count = true;
    }
    ib_mtable t = {0};
    ib_err err;
    bool ok = ib_mtable_init(&t, "survival", 1, key_names, 2 + IB_MRET_N, cols,
                             false, ng > 0) == IB_OK;
    for (size_t i = 0; ok && i < (ng ? ng : 1); i++) {
        const ib_msurv_group *g = ng ? &r->groups[i] : &r->all;
        const char *key = g->label;
        long row = ib_mtable_add_row(&t, &key);
        if (row < 0)
            ok = false;
        else
            fill_counts(&t, (size_t)row, g);
    }
    ib_msuppress_opts so;
    ib_msuppress_opts_init(&so);
    so.k = k;
    if (ok) {
        ib_mtable_sum(&t);
        ok = ib_mtable_suppress(&t, &so, &err) == IB_OK;
    }
    for (size_t i = 0; ok && i <= ng; i++) {
        /* the all group is the totals row, or the only row */
        size_t row = ng ? i : 0;
        sh[i].n = hidden_flag(&t, row, 0);
        sh[i].events = hidden_flag(&t, row, 1);
        for (int y = 0; y < IB_MRET_N; y++)
            sh[i].at_risk[y] = hidden_flag(&t, row, 2 + (size_t)y);
    }
    ib_mtable_free(&t);
    if (!ok) {
        free(sh);
        return NULL;
    }
    return sh;
}

/* The shown parts of group i (n_groups: the all group). */
static const surv_shown *shown_of(const surv_shown *sh, size_t i)
{
    return sh ? &sh[i] : &all_hidden;
}

static bool is_hidden_point(const ib_km_point *pt, const surv_shown *sh, int y)
{
    return pt->is_beyond || sh->at_risk[y];
}

/* Curve rows shown: all, or with suppression those before the first time
 * with fewer than k at risk. */
static size_t curve_rows(const ib_km_curve *c, int64_t k)
{
    if (k <= 0)
        return c->n_times;
    size_t i = 0;
    while (i < c->n_times && c->n_risk[i] >= (double)k)
        i++;
    return i;
}

/* ============================================================ text */

/* A count, or why suppression hides it (hidden: a surv_shown flag): "<k"
 * when it is small, "verborgen" when it protects another. */
static char *shown_count(double v, uint8_t hidden, int64_t k, char *buf,
                         size_t size)
{
    if (hidden == IB_MCELL_SECONDARY) {
        snprintf(buf, size, "%s", IB_MCELL_HIDDEN_TEXT);
        return buf;
    }
    if (hidden) {
        snprintf(buf, size, "<%" PRId64, k);
        return buf;
    }
    return ib_mo_nl(v, 0, buf, size);
}

static void group_text(FILE *f, const ib_msurv_group *g, double horizon,
                       int64_t k, const surv_shown *sh)
{
    char a[48], b[48], c[48], d[48];
    if (sh->n) {
        fprintf(f, "%s — %s verblijven: %s\n\n", g->label,
                shown_count((double)g->n, sh->n, k, a, sizeof a),
                sh->n == IB_MCELL_SECONDARY
                    ? "afgeschermd ter bescherming van een andere groep"
                    : "te weinig om cijfers te tonen");
        return;
    }
    fprintf(f, "%s — %s verblijven, waarvan %s vertrokken\n", g->label,
            ib_mo_nl((double)g->n, 0, a, sizeof a),
            shown_count((double)g->n_events, sh->events, k, b, sizeof b));
    fprintf(f, "  na        nog hier   95%%-BI             nog in beeld\n");
    for (int i = 0; i < IB_MRET_N; i++) {
        const ib_km_point *pt = &g->retention[i];
        char when[16];
        snprintf(when, sizeof when, "%d jaar", ib_mret_years[i]);
        if (pt->is_beyond) {
            fprintf(f, "  %-8s  %8s   (nog niemand zo lang gevolgd)\n", when,
                    "–  ");
            continue;
        }
        if (is_hidden_point(pt, sh, i)) {
            fprintf(f, "  %-8s  %8s   %-17s  %s\n", when, "·  ", "",
                    shown_count(pt->n_risk, sh->at_risk[i], k, a, sizeof a));
            continue;
        }
        char s[32], ci[64];
        snprintf(s, sizeof s, "%s %%", ib_mo_nl(100 * pt->surv, 1, a, sizeof a));
        if (isnan(pt->lower))
            snprintf(ci, sizeof ci, "–");
        else
            snprintf(ci, sizeof ci, "%s – %s %%",
                     ib_mo_nl(100 * pt->lower, 1, b, sizeof b),
                     ib_mo_nl(100 * pt->upper, 1, c, sizeof c));
        fprintf(f, "  %-8s  %8s   %-17s  %s\n", when, s, ci,
                ib_mo_nl(pt->n_risk, 0, d, sizeof d));
    }
    const ib_km_summary *sm = &g->summary;
    fprintf(f, "  gemiddelde verblijfsduur binnen %s jaar: %s jaar "
               "(SE %s jaar; %s dagen)\n",
            ib_mo_nl(horizon / 365.25, 0, a, sizeof a),
            ib_mo_nl(sm->rmean / 365.25, 2, b, sizeof b),
            ib_mo_nl(sm->se_rmean / 365.25, 2, c, sizeof c),
            ib_mo_nl(sm->rmean, 0, d, sizeof d));
    if (isnan(sm->median))
        fprintf(f, "  mediane verblijfsduur: nog niet bereikt (meer dan de "
                   "helft is er nog)\n\n");
    else
        fprintf(f, "  mediane verblijfsduur: %s jaar (%s dagen)\n\n",
                ib_mo_nl(sm->median / 365.25, 2, a, sizeof a),
                ib_mo_nl(sm->median, 0, b, sizeof b));
}

static void curve_text(FILE *f, const ib_msurv_group *g, int64_t k,
                       const surv_shown *sh)
{
    if (sh->n)
        return;
    const ib_km_curve *c = &g->curve;
    size_t rows = curve_rows(c, k);
    char a[48], b[48], e[48], h[48];
    fprintf(f, "Curve %s: dag, in beeld, vertrokken, nog hier, 95%%-BI\n",
            g->label);
    for (size_t i = 0; i < rows; i++)
        fprintf(f, "  %6.0f  %8.0f  %6.0f  %8s %%  %s – %s %%\n", c->time[i],
                c->n_risk[i], c->n_event[i],
                ib_mo_nl(100 * c->surv[i], 2, a, sizeof a),
                ib_mo_nl(100 * c->lower[i], 2, b, sizeof b),
                ib_mo_nl(100 * c->upper[i], 2, e, sizeof e));
    if (rows < c->n_times)
        fprintf(f, "  (verder: minder dan %s in beeld)\n",
                ib_mo_nl((double)k, 0, h, sizeof h));
    fputc('\n', f);
}

static void survival_text(FILE *f, const ib_msurv_result *r,
                          const ib_mo_opts *o, const surv_shown *sh)
{
    size_t ng = r->n_groups;
    char at[IB_DATE_STRLEN], a[48], b[48];
    fprintf(f, "Verblijfsduur: wie is er nog na 1, 3, 5 en 10 jaar? "
               "(Kaplan–Meier)\n");
    fprintf(f, "Peildatum %s", ib_date_format(o->at, at));
    if (o->cohort)
        fprintf(f, " · aankomstcohort %d", o->cohort);
    fprintf(f, " · per %s · 95%%-betrouwbaarheidsinterval (log-log)\n\n",
            ib_group_name(r->group));
    if (r->n_groups == 0 || r->group == IB_GROUP_ALL)
        group_text(f, &r->all, r->horizon, o->k, shown_of(sh, ng));
    for (size_t i = 0; i < r->n_groups; i++)
        group_text(f, &r->groups[i], r->horizon, o->k, shown_of(sh, i));
    if (r->n_groups >= 2) {
        if (r->has_logrank)
            fprintf(f, "Log-rank-toets (verschillen de groepen?): chi² = %s, "
                       "vrijheidsgraden %d, p %s%s\n",
                    ib_mo_nl(r->logrank.chisq, 2, a, sizeof a), r->logrank.df,
                    r->logrank.p < 0.001 ? "" : "= ",
                    p_text(r->logrank.p, b, sizeof b));
        else
            fprintf(f, "Log-rank-toets: niet mogelijk (%s)\n",
                    r->logrank_note);
    }
    if (o->k > 0)
        fprintf(f, "\n<%" PRId64 " en ·: minder dan %" PRId64
                   " verblijven in beeld; zulke cijfers worden niet "
                   "getoond. " IB_MCELL_HIDDEN_TEXT ": afgeschermd zodat een "
                   "ander aantal niet uit de totalen volgt (kan elk aantal "
                   "zijn).\n", o->k, o->k);
    if (o->curve) {
        fputc('\n', f);
        if (r->n_groups == 0)
            curve_text(f, &r->all, o->k, shown_of(sh, ng));
        for (size_t i = 0; i < r->n_groups; i++)
            curve_text(f, &r->groups[i], o->k, shown_of(sh, i));
    }
}

/* ============================================================ CSV */

static void csv_line(FILE *f, const char *group, const char *figure, double v)
{
    char buf[48];
    ib_csv_put_field(f, group);
    fputc(',', f);
    ib_csv_put_field(f, figure);
    fprintf(f, ",%s\n", ib_mo_csvnum(v, buf, sizeof buf));
}

static void csv_text(FILE *f, const char *group, const char *figure,
                     const char *v)
{
    ib_csv_put_field(f, group);
    fputc(',', f);
    ib_csv_put_field(f, figure);
    fputc(',', f);
    ib_csv_put_field(f, v);
    fputc('\n', f);
}

static void group_csv(FILE *f, const ib_msurv_group *g, bool curve, int64_t k,
                      const surv_shown *sh)
{
    char fig[64], buf[32];
    if (sh->n) {
        csv_text(f, g->label, "n", shown_count((double)g->n, sh->n, k, buf, sizeof buf));
        return;
    }
    csv_line(f, g->label, "n", (double)g->n);
    if (!sh->events)
        csv_line(f, g->label, "events", (double)g->n_events);
    else
        csv_text(f, g->label, "events", shown_count(0, sh->events, k, buf, sizeof buf));
    for (int i = 0; i < IB_MRET_N; i++) {
        const ib_km_point *pt = &g->retention[i];
        int y = ib_mret_years[i];
        snprintf(fig, sizeof fig, "at_risk_%dy", y);
        if (sh->at_risk[i])
            csv_text(f, g->label, fig, shown_count(0, sh->at_risk[i], k, buf, sizeof buf));
        else
            csv_line(f, g->label, fig, pt->n_risk);
        if (is_hidden_point(pt, sh, i))
            continue;
        snprintf(fig, sizeof fig, "retention_%dy", y);
        csv_line(f, g->label, fig, pt->surv);
        snprintf(fig, sizeof fig, "retention_%dy_se", y);
        csv_line(f, g->label, fig, pt->std_err);
        snprintf(fig, sizeof fig, "retention_%dy_lower", y);
        csv_line(f, g->label, fig, pt->lower);
        snprintf(fig, sizeof fig, "retention_%dy_upper", y);
        csv_line(f, g->label, fig, pt->upper);
    }
    csv_line(f, g->label, "rmean_days", g->summary.rmean);
    csv_line(f, g->label, "rmean_se_days", g->summary.se_rmean);
    csv_line(f, g->label, "median_days", g->summary.median);
    if (!curve)
        return;
    size_t rows = curve_rows(&g->curve, k);
    for (size_t i = 0; i < rows; i++) {
        snprintf(fig, sizeof fig, "curve_day_%.0f_surv", g->curve.time[i]);
        csv_line(f, g->label, fig, g->curve.surv[i]);
        snprintf(fig, sizeof fig, "curve_day_%.0f_lower", g->curve.time[i]);
        csv_line(f, g->label, fig, g->curve.lower[i]);
        snprintf(fig, sizeof fig, "curve_day_%.0f_upper", g->curve.time[i]);
        csv_line(f, g->label, fig, g->curve.upper[i]);
        snprintf(fig, sizeof fig, "curve_day_%.0f_at_risk", g->curve.time[i]);
        csv_line(f, g->label, fig, g->curve.n_risk[i]);
    }
}

static void survival_csv(FILE *f, const ib_msurv_result *r,
                         const ib_mo_opts *o, const surv_shown *sh)
{
    fputs("group,figure,value\n", f);
    if (r->n_groups == 0)
        group_csv(f, &r->all, o->curve, o->k, shown_of(sh, 0));
    for (size_t i = 0; i < r->n_groups; i++)
        group_csv(f, &r->groups[i], o->curve, o->k, shown_of(sh, i));
    if (r->has_logrank) {
        csv_line(f, "log-rank", "chisq", r->logrank.chisq);
        csv_line(f, "log-rank", "df", r->logrank.df);
        csv_line(f, "log-rank", "p", r->logrank.p);
    }
}

/* ============================================================ JSON */

static void point_json(ib_json *j, const ib_km_point *pt, int years, int64_t k,
                       uint8_t hidden)
{
    ib_json_object(j, NULL);
    ib_json_int(j, "years", years);
    ib_json_int(j, "day", ib_surv_year_day(years));
    if (hidden) {
        char buf[32];
        ib_json_str(j, "n_risk", shown_count(0, hidden, k, buf, sizeof buf));
        ib_json_bool(j, "suppressed", true);
        ib_json_end(j);
        return;
    }
    ib_json_num(j, "n_risk", pt->n_risk);
    ib_json_bool(j, "beyond_follow_up", pt->is_beyond);
    ib_json_num(j, "surv", pt->surv);
    ib_json_num(j, "std_err", pt->std_err);
    ib_json_num(j, "lower", pt->lower);
    ib_json_num(j, "upper", pt->upper);
    ib_json_end(j);
}

static void column_json(ib_json *j, const char *key, const double *v, size_t n)
{
    ib_json_array(j, key, true);
    for (size_t i = 0; i < n; i++)
        ib_json_num(j, NULL, v[i]);
    ib_json_end(j);
}

static void group_json(ib_json *j, const char *key, const ib_msurv_group *g,
                       bool curve, int64_t k, const surv_shown *sh)
{
    char buf[32];
    ib_json_object(j, key);
    ib_json_str(j, "group", g->label);
    if (sh->n) {
        ib_json_str(j, "n", shown_count(0, sh->n, k, buf, sizeof buf));
        ib_json_bool(j, "suppressed", true);
        ib_json_end(j);
        return;
    }
    ib_json_int(j, "n", (int64_t)g->n);
    if (!sh->events)
        ib_json_int(j, "events", (int64_t)g->n_events);
    else
        ib_json_str(j, "events", shown_count(0, sh->events, k, buf, sizeof buf));
    ib_json_array(j, "retention", false);
    for (int i = 0; i < IB_MRET_N; i++)
        point_json(j, &g->retention[i], ib_mret_years[i], k, sh->at_risk[i]);
    ib_json_end(j);
    ib_json_object(j, "restricted_mean");
    ib_json_num(j, "horizon_days", g->summary.horizon);
    ib_json_num(j, "rmean_days", g->summary.rmean);
    ib_json_num(j, "se_days", g->summary.se_rmean);
    ib_json_num(j, "median_days", g->summary.median);
    ib_json_num(j, "median_lower", g->summary.median_lower);
    ib_json_num(j, "median_upper", g->summary.median_upper);
    ib_json_end(j);
    if (curve) {
        const ib_km_curve *c = &g->curve;
        size_t rows = curve_rows(c, k);
        ib_json_object(j, "curve");
        column_json(j, "time", c->time, rows);
        column_json(j, "n_risk", c->n_risk, rows);
        column_json(j, "n_event", c->n_event, rows);
        column_json(j, "n_censor", c->n_censor, rows);
        column_json(j, "surv", c->surv, rows);
        column_json(j, "std_err", c->std_err, rows);
        column_json(j, "lower", c->lower, rows);
        column_json(j, "upper", c->upper, rows);
        ib_json_bool(j, "truncated", rows < c->n_times);
        ib_json_end(j);
    }
    ib_json_end(j);
}

static void header_json(ib_json *j, const char *figure, const ib_mo_opts *o)
{
    char at[IB_DATE_STRLEN];
    ib_json_str(j, "figure", figure);
    ib_json_str(j, "at", ib_date_format(o->at, at));
    if (o->cohort)
        ib_json_int(j, "cohort", o->cohort);
    else
        ib_json_null(j, "cohort");
    if (o->k > 0)
        ib_json_int(j, "suppressed_below", o->k);
    else
        ib_json_null(j, "suppressed_below");
}

static void survival_json(FILE *f, const ib_msurv_result *r,
                          const ib_mo_opts *o, const surv_shown *sh)
{
    ib_json j;
    ib_json_init(&j, f);
    ib_json_object(&j, NULL);
    header_json(&j, "survival", o);
    ib_json_str(&j, "by", ib_group_name(r->group));
    ib_json_num(&j, "horizon_days", r->horizon);
    group_json(&j, "all", &r->all, o->curve, o->k, shown_of(sh, r->n_groups));
    ib_json_array(&j, "groups", false);
    for (size_t i = 0; i < r->n_groups; i++)
        group_json(&j, NULL, &r->groups[i], o->curve, o->k, shown_of(sh, i));
    ib_json_end(&j);
    if (r->has_logrank) {
        const ib_logrank *lr = &r->logrank;
        ib_json_object(&j, "logrank");
        ib_json_num(&j, "chisq", lr->chisq);
        ib_json_int(&j, "df", lr->df);
        ib_json_num(&j, "p", lr->p);
        column_json(&j, "observed", lr->observed, lr->n_groups);
        column_json(&j, "expected", lr->expected, lr->n_groups);
        column_json(&j, "var", lr->var, lr->n_groups * lr->n_groups);
        ib_json_end(&j);
    } else {
        ib_json_null(&j, "logrank");
        if (r->logrank_note[0])
            ib_json_str(&j, "logrank_note", r->logrank_note);
    }
    ib_json_finish(&j);
}

void ib_mo_survival(FILE *f, const ib_msurv_result *r, const ib_mo_opts *o)
{
    surv_shown *sh = survival_shown(r, o->k);
    switch (o->fmt) {
    case IB_MO_CSV: survival_csv(f, r, o, sh); break;
    case IB_MO_JSON: survival_json(f, r, o, sh); break;
    case IB_MO_TABLE: survival_text(f, r, o, sh); break;
    }
    free(sh);
}

/* ============================================================ Cox */

static void cox_text(FILE *f, const ib_mcox_result *r, const ib_mo_opts *o)
{
    const ib_cox_model *m = &r->model;
    char at[IB_DATE_STRLEN], a[48], b[48], c[48], d[48], e[48], g[48], h[48];
    fprintf(f, "Wat bindt mensen aan Nederland? Cox-model voor de kans op "
               "vertrek (%s)\n", m->ties == IB_COX_BRESLOW ? "Breslow" : "Efron");
    fprintf(f, "Peildatum %s", ib_date_format(o->at, at));
    if (o->cohort)
        fprintf(f, " · aankomstcohort %d", o->cohort);
    fprintf(f, " · %s verblijven, %s vertrekken, %s intervallen\n",
            ib_mo_nl((double)r->n_stays, 0, a, sizeof a),
            ib_mo_nl((double)r->n_events, 0, b, sizeof b),
            ib_mo_nl((double)r->n_intervals, 0, c, sizeof c));
    if (o->reference)
        fprintf(f, "Groep %s: vergeleken met %s (referentie)\n", o->by,
                o->reference);
    fputc('\n', f);
    size_t w = 10;
    for (size_t i = 0; i < m->p; i++)
        w = strlen(m->names[i]) > w ? strlen(m->names[i]) : w;
    fprintf(f, "%-*s  %11s  %8s  %-19s  %8s  %7s  %8s\n", (int)w, "covariaat",
            "coëfficiënt", "HR", "95%-BI van de HR", "SE", "z", "p");
    for (size_t i = 0; i < m->p; i++) {
        if (m->is_aliased[i]) {
            fprintf(f, "%-*s  (niet te schatten: constant of samenhangend met "
                       "andere covariaten)\n", (int)w, m->names[i]);
            continue;
        }
        char ci[48];
        snprintf(ci, sizeof ci, "%s – %s", ib_mo_nl(m->hr_lower[i], 3, d, sizeof d),
                 ib_mo_nl(m->hr_upper[i], 3, e, sizeof e));
        fprintf(f, "%-*s  %11s  %8s  %-19s  %8s  %7s  %8s\n", (int)w,
                m->names[i], ib_mo_nl(m->coef[i], 4, a, sizeof a),
                ib_mo_nl(m->hr[i], 3, b, sizeof b), ci,
                ib_mo_nl(m->se[i], 4, c, sizeof c),
                ib_mo_nl(m->z[i], 2, g, sizeof g),
                p_text(m->pvalue[i], h, sizeof h));
    }
    fprintf(f, "\nHR (hazard ratio) < 1: wie dit kenmerk heeft, vertrekt op elk "
               "moment minder snel (blijft langer);\nHR > 1: vertrekt sneller. "
               "HR 0,60 = 40 %% minder kans op vertrek, de rest gelijk.\n\n");
    fprintf(f, "Toetsen of het model iets verklaart (vrijheidsgraden %d):\n",
            m->df);
    fprintf(f, "  likelihood-ratio  %12s   p %s\n",
            ib_mo_nl(m->lr_test, 2, a, sizeof a), p_text(m->lr_p, b, sizeof b));
    fprintf(f, "  Wald              %12s   p %s\n",
            ib_mo_nl(m->wald_test, 2, a, sizeof a),
            p_text(m->wald_p, b, sizeof b));
    fprintf(f, "  score (log-rank)  %12s   p %s\n",
            ib_mo_nl(m->score_test, 2, a, sizeof a),
            p_text(m->score_p, b, sizeof b));
    fprintf(f, "Concordantie: %s (SE %s): kans dat van twee verblijven het "
               "model het eerdere vertrek goed voorspelt\n",
            ib_mo_nl(m->concordance, 3, a, sizeof a),
            ib_mo_nl(m->concordance_se, 3, b, sizeof b));
    fprintf(f, "Log-likelihood %s (zonder covariaten %s); %d iteraties%s\n\n",
            ib_mo_nl(m->loglik, 2, a, sizeof a),
            ib_mo_nl(m->loglik_null, 2, b, sizeof b), m->iter,
            m->has_converged ? "" : " — NIET GECONVERGEERD");
    fprintf(f, "Verwachte verblijfsduur binnen %s jaar (beperkt gemiddelde van "
               "de modelcurve)\n", ib_mo_nl(r->horizon / 365.25, 0, a, sizeof a));
    for (size_t i = 0; i < r->n_profiles; i++)
        fprintf(f, "  %-42s %6s jaar\n", r->profiles[i].label,
                ib_mo_nl(r->profiles[i].expected_stay / 365.25, 1, a, sizeof a));
    fprintf(f, "Profielen: niet genoemde covariaten 0 (geen vast of "
               "uitzendcontract, loon op het minimumloon).\n");
}

static void cox_csv(FILE *f, const ib_mcox_result *r)
{
    const ib_cox_model *m = &r->model;
    fputs("term,figure,value\n", f);
    for (size_t i = 0; i < m->p; i++) {
        csv_line(f, m->names[i], "coef", m->coef[i]);
        csv_line(f, m->names[i], "hr", m->hr[i]);
        csv_line(f, m->names[i], "se", m->se[i]);
        csv_line(f, m->names[i], "z", m->z[i]);
        csv_line(f, m->names[i], "p", m->pvalue[i]);
        csv_line(f, m->names[i], "hr_lower", m->hr_lower[i]);
        csv_line(f, m->names[i], "hr_upper", m->hr_upper[i]);
    }
    csv_line(f, "model", "n_stays", (double)r->n_stays);
    csv_line(f, "model", "n_events", (double)r->n_events);
    csv_line(f, "model", "n_intervals", (double)r->n_intervals);
    csv_line(f, "model", "loglik_null", m->loglik_null);
    csv_line(f, "model", "loglik", m->loglik);
    csv_line(f, "model", "df", m->df);
    csv_line(f, "model", "lr", m->lr_test);
    csv_line(f, "model", "lr_p", m->lr_p);
    csv_line(f, "model", "wald", m->wald_test);
    csv_line(f, "model", "wald_p", m->wald_p);
    csv_line(f, "model", "score", m->score_test);
    csv_line(f, "model", "score_p", m->score_p);
    csv_line(f, "model", "concordance", m->concordance);
    csv_line(f, "model", "concordance_se", m->concordance_se);
    csv_line(f, "model", "iter", m->iter);
    for (size_t i = 0; i < r->n_profiles; i++)
        csv_line(f, r->profiles[i].label, "expected_stay_days",
                 r->profiles[i].expected_stay);
}

static void cox_json(FILE *f, const ib_mcox_result *r, const ib_mo_opts *o)
{
    const ib_cox_model *m = &r->model;
    ib_json j;
    ib_json_init(&j, f);
    ib_json_object(&j, NULL);
    header_json(&j, "cox", o);
    ib_json_str(&j, "ties", ties_name(m->ties));
    if (o->reference) {
        ib_json_str(&j, "by", o->by);
        ib_json_str(&j, "reference", o->reference);
    }
    ib_json_int(&j, "n_stays", (int64_t)r->n_stays);
    ib_json_int(&j, "n_events", (int64_t)r->n_events);
    ib_json_int(&j, "n_intervals", (int64_t)r->n_intervals);
    ib_json_array(&j, "coefficients", false);
    for (size_t i = 0; i < m->p; i++) {
        ib_json_object(&j, NULL);
        ib_json_str(&j, "name", m->names[i]);
        ib_json_bool(&j, "aliased", m->is_aliased[i]);
        ib_json_num(&j, "coef", m->coef[i]);
        ib_json_num(&j, "hr", m->hr[i]);
        ib_json_num(&j, "se", m->se[i]);
        ib_json_num(&j, "z", m->z[i]);
        ib_json_num(&j, "p", m->pvalue[i]);
        ib_json_num(&j, "hr_lower", m->hr_lower[i]);
        ib_json_num(&j, "hr_upper", m->hr_upper[i]);
        ib_json_end(&j);
    }
    ib_json_end(&j);
    ib_json_num(&j, "loglik_null", m->loglik_null);
    ib_json_num(&j, "loglik", m->loglik);
    ib_json_int(&j, "df", m->df);
    ib_json_object(&j, "tests");
    ib_json_num(&j, "lr", m->lr_test);
    ib_json_num(&j, "lr_p", m->lr_p);
    ib_json_num(&j, "wald", m->wald_test);
    ib_json_num(&j, "wald_p", m->wald_p);
    ib_json_num(&j, "score", m->score_test);
    ib_json_num(&j, "score_p", m->score_p);
    ib_json_end(&j);
    ib_json_object(&j, "concordance");
    ib_json_num(&j, "concordance", m->concordance);
    ib_json_num(&j, "se", m->concordance_se);
    ib_json_num(&j, "concordant", m->n_concordant);
    ib_json_num(&j, "discordant", m->n_discordant);
    ib_json_num(&j, "tied_x", m->n_tied_x);
    ib_json_num(&j, "tied_y", m->n_tied_y);
    ib_json_end(&j);
    ib_json_int(&j, "iterations", m->iter);
    ib_json_bool(&j, "converged", m->has_converged);
    ib_json_num(&j, "horizon_days", r->horizon);
    ib_json_array(&j, "profiles", false);
    for (size_t i = 0; i < r->n_profiles; i++) {
        ib_json_object(&j, NULL);
        ib_json_str(&j, "label", r->profiles[i].label);
        column_json(&j, "x", r->profiles[i].x, m->p);
        ib_json_num(&j, "expected_stay_days", r->profiles[i].expected_stay);
        ib_json_end(&j);
    }
    ib_json_end(&j);
    ib_json_finish(&j);
}

void ib_mo_cox(FILE *f, const ib_mcox_result *r, const ib_mo_opts *o)
{
    switch (o->fmt) {
    case IB_MO_CSV: cox_csv(f, r); break;
    case IB_MO_JSON: cox_json(f, r, o); break;
    case IB_MO_TABLE: cox_text(f, r, o); break;
    }
}
