/* driver.c — prints inbeeld's survival figures for one case file as
 * "key,value" lines, for tests/r/compare.R to set beside R's. The case is a
 * CSV with header id,start,stop,event,group[,covariates...]: intervals of
 * stays. A stay's time and event are those of its last interval (largest
 * stop), its group that interval's group.
 *
 * usage: ib_surv_driver CASE.csv TIMES HORIZONS PROFILES
 *   TIMES, HORIZONS: comma-separated days; PROFILES: covariate vectors
 *   separated by ';' (values by ','), or "-" for none. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/survival.h"

typedef struct vec { double *v; size_t n, cap; } vec;

static void push(vec *a, double x)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 64;
        a->v = realloc(a->v, a->cap * sizeof *a->v);
        if (!a->v) {
            fprintf(stderr, "out of memory\n");
            exit(2);
        }
    }
    a->v[a->n++] = x;
}

static vec parse_list(const char *s, char sep)
{
    vec out = {0};
    if (!s || strcmp(s, "-") == 0 || !*s)
        return out;
    const char *p = s;
    while (*p) {
        char *end;
        push(&out, strtod(p, &end));
        p = end;
        if (*p == sep)
            p++;
        else if (*p)
            p++;
    }
    return out;
}

static void put(const char *key, double v)
{
    if (isnan(v))
        printf("%s,NA\n", key);
    else if (isinf(v))
        printf("%s,%s\n", key, v > 0 ? "Inf" : "-Inf");
    else
        printf("%s,%.17g\n", key, v);
}

static void putf(double v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
#include <stdarg.h>
static void putf(double v, const char *fmt, ...)
{
    char key[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(key, sizeof key, fmt, ap);
    va_end(ap);
    put(key, v);
}

typedef struct table {
    size_t n, p;
    vec id, start, stop, event, group, X;
    char names[64][64];
} table;

static int read_case(const char *path, table *t)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return -1;
    }
    char line[8192];
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return -1;
    }
    size_t cols = 0;
    for (char *tok = strtok(line, ",\r\n"); tok; tok = strtok(NULL, ",\r\n")) {
        if (cols >= 5 && cols - 5 < 64)
            snprintf(t->names[cols - 5], sizeof t->names[0], "%s", tok);
        cols++;
    }
    if (cols < 5 || cols - 5 > 64) {
        fclose(f);
        return -1;
    }
    t->p = cols - 5;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '\n' || line[0] == '\0')
            continue;
        char *p = line, *end;
        double v[5 + 64];
        for (size_t c = 0; c < cols; c++) {
            v[c] = strtod(p, &end);
            p = end;
            if (*p == ',')
                p++;
        }
        push(&t->id, v[0]);
        push(&t->start, v[1]);
        push(&t->stop, v[2]);
        push(&t->event, v[3]);
        push(&t->group, v[4]);
        for (size_t c = 5; c < cols; c++)
            push(&t->X, v[c]);
        t->n++;
    }
    fclose(f);
    return 0;
}

static void print_km(const ib_km_curve *c, const char *g, const vec *times,
                     const vec *horizons)
{
    for (size_t i = 0; i < c->n_times; i++) {
        putf(c->time[i], "km|%s|%zu|time", g, i + 1);
        putf(c->n_risk[i], "km|%s|%zu|n.risk", g, i + 1);
        putf(c->n_event[i], "km|%s|%zu|n.event", g, i + 1);
        putf(c->n_censor[i], "km|%s|%zu|n.censor", g, i + 1);
        putf(c->surv[i], "km|%s|%zu|surv", g, i + 1);
        putf(c->std_err[i], "km|%s|%zu|std.err", g, i + 1);
        putf(c->lower[i], "km|%s|%zu|lower", g, i + 1);
        putf(c->upper[i], "km|%s|%zu|upper", g, i + 1);
    }
    for (size_t i = 0; i < times->n; i++) {
        ib_km_point pt;
        ib_km_at(c, times->v[i], &pt);
        if (pt.is_beyond)
            continue;   /* R's summary(times=) drops it */
        putf(pt.surv, "ret|%s|%g|surv", g, times->v[i]);
        putf(pt.std_err, "ret|%s|%g|std.err", g, times->v[i]);
        putf(pt.lower, "ret|%s|%g|lower", g, times->v[i]);
        putf(pt.upper, "ret|%s|%g|upper", g, times->v[i]);
        putf(pt.n_risk, "ret|%s|%g|n.risk", g, times->v[i]);
    }
    for (size_t i = 0; i < horizons->n; i++) {
        ib_km_summary s;
        ib_km_summarise(c, horizons->v[i], &s);
        putf(s.rmean, "rmean|%s|%g|rmean", g, horizons->v[i]);
        putf(s.se_rmean, "rmean|%s|%g|se", g, horizons->v[i]);
        putf(s.median, "rmean|%s|%g|median", g, horizons->v[i]);
        putf(s.median_lower, "rmean|%s|%g|lcl", g, horizons->v[i]);
        putf(s.median_upper, "rmean|%s|%g|ucl", g, horizons->v[i]);
    }
}

static int run_cox(const table *t, const int *event, ib_cox_ties ties,
                   const vec *horizons, const vec *profiles)
{
    const char *tn = ties == IB_COX_EFRON ? "efron" : "breslow";
    const char *names[64];
    uint32_t *id = malloc(t->n * sizeof *id);
    for (size_t j = 0; j < t->p; j++)
        names[j] = t->names[j];
    for (size_t i = 0; i < t->n; i++)
        id[i] = (uint32_t)t->id.v[i];
    ib_cox_data d = {.n = t->n, .p = t->p, .start = t->start.v,
                     .stop = t->stop.v, .event = event, .X = t->X.v,
                     .names = names, .id = id};
    ib_cox_opts o;
    ib_cox_opts_init(&o);
    o.ties = ties;
    ib_cox_model m;
    ib_err err;
    int rc = ib_cox_fit(&d, &o, &m, &err);
    free(id);
    if (rc) {
        printf("cox|%s|error,%d\n", tn, rc);
        fprintf(stderr, "cox %s: %s\n", tn, err.msg);
        return 0;
    }
    for (size_t j = 0; j < m.p; j++) {
        putf(m.coef[j], "cox|%s|coef|%s", tn, m.names[j]);
        putf(m.se[j], "cox|%s|se|%s", tn, m.names[j]);
        putf(m.hr[j], "cox|%s|hr|%s", tn, m.names[j]);
        putf(m.z[j], "cox|%s|z|%s", tn, m.names[j]);
        putf(m.pvalue[j], "cox|%s|p|%s", tn, m.names[j]);
        putf(m.hr_lower[j], "cox|%s|lower|%s", tn, m.names[j]);
        putf(m.hr_upper[j], "cox|%s|upper|%s", tn, m.names[j]);
    }
    putf(m.loglik_null, "cox|%s|loglik0", tn);
    putf(m.loglik, "cox|%s|loglik", tn);
    putf(m.lr_test, "cox|%s|lr", tn);
    putf(m.lr_p, "cox|%s|lr.p", tn);
    putf(m.wald_test, "cox|%s|wald", tn);
    putf(m.wald_p, "cox|%s|wald.p", tn);
    putf(m.score_test, "cox|%s|score", tn);
    putf(m.score_p, "cox|%s|score.p", tn);
    putf(m.df, "cox|%s|df", tn);
    putf(m.iter, "cox|%s|iter", tn);
    putf(m.concordance, "cox|%s|concordance", tn);
    putf(m.concordance_se, "cox|%s|concordance.se", tn);
    putf(m.n_concordant, "cox|%s|concordant", tn);
    putf(m.n_discordant, "cox|%s|discordant", tn);
    putf(m.n_tied_x, "cox|%s|tied.x", tn);
    putf(m.n_tied_y, "cox|%s|tied.y", tn);
    putf((double)m.n_intervals, "cox|%s|n", tn);
    putf((double)m.n_events, "cox|%s|nevent", tn);
    putf((double)m.n_stays, "cox|%s|nstays", tn);
    for (size_t k = 0; k < m.n_times; k++)
        putf(m.bh_cumhaz[k], "cox|%s|cumhaz|%g", tn, m.bh_time[k]);
    size_t np = t->p ? profiles->n / t->p : 0;
    for (size_t q = 0; q < np; q++)
        for (size_t h = 0; h < horizons->n; h++) {
            double es;
            if (ib_cox_expected_stay(&m, profiles->v + q * t->p, horizons->v[h],
                                     &es, &err) == 0)
                putf(es, "cox|%s|expstay|%zu|%g", tn, q + 1, horizons->v[h]);
        }
    ib_cox_model_free(&m);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s CASE.csv TIMES HORIZONS PROFILES\n", argv[0]);
        return 2;
    }
    table t = {0};
    if (read_case(argv[1], &t))
        return 2;
    vec times = parse_list(argv[2], ','), horizons = parse_list(argv[3], ',');
    vec profiles = {0};
    for (const char *p = argv[4]; strcmp(argv[4], "-") != 0 && *p;) {
        char *end;
        push(&profiles, strtod(p, &end));
        p = end;
        if (*p)
            p++;
    }
    /* stays: the last interval of each id */
    size_t max_id = 0;
    for (size_t i = 0; i < t.n; i++)
        if ((size_t)t.id.v[i] > max_id)
            max_id = (size_t)t.id.v[i];
    long *last = malloc((max_id + 1) * sizeof *last);
    for (size_t i = 0; i <= max_id; i++)
        last[i] = -1;
    for (size_t i = 0; i < t.n; i++) {
        size_t k = (size_t)t.id.v[i];
        if (last[k] < 0 || t.stop.v[i] > t.stop.v[last[k]])
            last[k] = (long)i;
    }
    vec st = {0};
    int *sev = malloc((max_id + 1) * sizeof *sev), *sg = malloc((max_id + 1) * sizeof *sg);
    size_t ns = 0, ng = 0;
    for (size_t k = 0; k <= max_id; k++) {
        if (last[k] < 0)
            continue;
        push(&st, t.stop.v[last[k]]);
        sev[ns] = (int)t.event.v[last[k]];
        sg[ns] = (int)t.group.v[last[k]];
        if ((size_t)sg[ns] + 1 > ng)
            ng = (size_t)sg[ns] + 1;
        ns++;
    }
    ib_surv_data sd = {.n = ns, .time = st.v, .event = sev, .group = sg,
                       .n_groups = ng};
    ib_err err;
    ib_km_curve c;
    if (ib_km_fit(&sd, -1, &c, &err)) {
        fprintf(stderr, "km: %s\n", err.msg);
        return 1;
    }
    print_km(&c, "all", &times, &horizons);
    ib_km_curve_free(&c);
    for (size_t g = 0; g < ng; g++) {
        if (ib_km_fit(&sd, (int)g, &c, &err)) {
            fprintf(stderr, "km: %s\n", err.msg);
            return 1;
        }
        char lab[32];
        snprintf(lab, sizeof lab, "g%zu", g);
        if (c.n > 0)
            print_km(&c, lab, &times, &horizons);
        ib_km_curve_free(&c);
    }
    ib_logrank lr;
    if (ng >= 2 && ib_logrank_test(&sd, &lr, &err) == 0) {
        put("logrank|chisq", lr.chisq);
        put("logrank|df", lr.df);
        put("logrank|p", lr.p);
        for (size_t g = 0; g < ng; g++) {
            if (lr.n[g] == 0)
                continue;
            putf(lr.observed[g], "logrank|obs|g%zu", g);
            putf(lr.expected[g], "logrank|exp|g%zu", g);
            for (size_t h = 0; h < ng; h++)
                if (lr.n[h] > 0)
                    putf(lr.var[g * ng + h], "logrank|var|g%zu|g%zu", g, h);
        }
        ib_logrank_free(&lr);
    } else if (ng >= 2) {
        fprintf(stderr, "logrank: %s\n", err.msg);
    }
    if (t.p > 0) {
        int *ev = malloc(t.n * sizeof *ev);
        for (size_t i = 0; i < t.n; i++)
            ev[i] = (int)t.event.v[i];
        run_cox(&t, ev, IB_COX_EFRON, &horizons, &profiles);
        run_cox(&t, ev, IB_COX_BRESLOW, &horizons, &profiles);
        free(ev);
    }
    free(last);
    free(sev);
    free(sg);
    free(st.v);
    free(times.v);
    free(horizons.v);
    free(profiles.v);
    free(t.id.v);
    free(t.start.v);
    free(t.stop.v);
    free(t.event.v);
    free(t.group.v);
    free(t.X.v);
    return 0;
}
