/* bench_monitor.c — where the monitor's time goes on a real database: each
 * phase of `inbeeld monitor survival` and `monitor cox` timed on its own,
 * in one process (bench/monitor/run.sh prints these beside R).
 * usage: ib_monitor_bench DB AT COVARIATES GROUPINGS
 *   COVARIATES  comma list for the Cox fit (design names)
 *   GROUPINGS   comma list of --by groups for the survival figures
 * Prints "phase wall_seconds cpu_seconds" lines and the peak RSS. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "monitor/monitor.h"

/* Wall and CPU seconds of this process: on a shared machine the CPU
 * seconds do not grow with other processes' load. */
typedef struct stamp {
    double wall, cpu;
} stamp;

static double seconds(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static stamp stamp_now(void)
{
    return (stamp){seconds(CLOCK_MONOTONIC), seconds(CLOCK_PROCESS_CPUTIME_ID)};
}

/* Adds the time since `since` to *acc. */
static void add_since(stamp *acc, stamp since)
{
    stamp t = stamp_now();
    acc->wall += t.wall - since.wall;
    acc->cpu += t.cpu - since.cpu;
}

/* "phase wall_seconds cpu_seconds" */
static void report(const char *phase, stamp since)
{
    stamp d = {0, 0};
    add_since(&d, since);
    printf("%s %.3f %.3f\n", phase, d.wall, d.cpu);
}

static int split(char *s, char **out, int max)
{
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(s, ",", &save); t && n < max;
         t = strtok_r(NULL, ",", &save))
        out[n++] = t;
    return n;
}

static int count_interval(void *ctx, const ib_mstay *s, const ib_minterval *iv)
{
    (void)s;
    (void)iv;
    (*(size_t *)ctx)++;
    return 0;
}

static int fail(const char *what, const ib_err *err)
{
    fprintf(stderr, "ib_monitor_bench: %s: %s\n", what, err->msg);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: ib_monitor_bench DB AT COVARIATES GROUPINGS\n");
        return 2;
    }
    ib_err err;
    ib_err_clear(&err);
    ib_date at;
    if (ib_date_parse(argv[2], strlen(argv[2]), &at, &err))
        return fail("AT", &err);
    char *covs[64], *groups[32];
    int p = split(argv[3], covs, 64), ng = split(argv[4], groups, 32);

    stamp t = stamp_now();
    ib_store *st = NULL;
    ib_store_options so = {.key_path = NULL, .create = false};
    if (ib_store_open(&st, argv[1], &so, &err))
        return fail("open", &err);
    ib_mdata d;
    if (ib_mdata_load(st, NULL, &d, &err))
        return fail("load", &err);
    ib_store_close(st);
    report("load", t);

    ib_msurv_opts o = {.at = at};
    t = stamp_now();
    ib_msurv sv;
    if (ib_monitor_stays(&d, &o, &sv, &err))
        return fail("stays", &err);
    report("stays", t);
    t = stamp_now();
    if (ib_msurv_sort_by_time(&sv, &err))
        return fail("sort", &err);
    report("stays_sort_by_time", t);

    /* KM + retention + restricted mean for every grouping, then the same
     * with the log-rank tests: the difference is the tests' time */
    stamp km = {0, 0}, km_lr = {0, 0};
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < ng; i++) {
            ib_group g;
            if (ib_group_parse(groups[i], &g, &err))
                return fail("grouping", &err);
            ib_msurv_result r;
            t = stamp_now();
            if (ib_monitor_survival_stays(&sv, g, 3652, pass == 1, &r, &err))
                return fail("survival", &err);
            add_since(pass ? &km_lr : &km, t);
            ib_msurv_result_free(&r);
        }
    printf("km_retention_all_groupings %.3f %.3f\n", km.wall, km.cpu);
    printf("logrank_all_groupings %.3f %.3f\n", km_lr.wall - km.wall,
           km_lr.cpu - km.cpu);
    ib_msurv_free(&sv);

    /* the cut at every change of any factor (the full export), then at the
     * changes of the model's covariates (what the design cuts) */
    t = stamp_now();
    size_t n_all = 0, n_iv = 0;
    if (ib_monitor_each_interval(&d, &o, IB_TV_ALL, count_interval, &n_all,
                                 &err))
        return fail("intervals", &err);
    report("intervals_cut_all_factors", t);
    t = stamp_now();
    ib_tv_set set = ib_monitor_tv_set((const char *const *)covs, (size_t)p);
    if (ib_monitor_each_interval(&d, &o, set, count_interval, &n_iv, &err))
        return fail("intervals", &err);
    report("intervals_cut", t);
    printf("n_intervals_all_factors %zu\n", n_all);

    t = stamp_now();
    ib_mdesign x;
    if (ib_monitor_design(&d, &o, (const char *const *)covs, (size_t)p, &x,
                          &err))
        return fail("design", &err);
    report("design", t);

    ib_cox_data cd = {x.n, x.p, x.start, x.stop, x.event, x.X,
                      (const char *const *)covs, x.stay};
    ib_cox_opts co;
    ib_cox_opts_init(&co);
    co.concordance = false;
    ib_cox_model m;
    t = stamp_now();
    if (ib_cox_fit(&cd, &co, &m, &err))
        return fail("cox", &err);
    report("cox_fit", t);
    printf("cox_iterations %d\ncox_patterns %zu\n", m.iter, m.n_patterns);
    ib_cox_model_free(&m);
    co.concordance = true;
    t = stamp_now();
    if (ib_cox_fit(&cd, &co, &m, &err))
        return fail("cox", &err);
    report("cox_fit_with_concordance", t);
    ib_mprofile *pr;
    size_t np;
    t = stamp_now();
    if (ib_monitor_seo_profiles((const char *const *)covs, (size_t)p, &pr, &np,
                                &err))
        return fail("profiles", &err);
    for (size_t i = 0; i < np; i++) {
        double e;
        if (ib_cox_expected_stay(&m, pr[i].x, 3652, &e, &err))
            return fail("expected stay", &err);
        free(pr[i].x);
    }
    free(pr);
    report("expected_stays", t);
    printf("n_intervals %zu\nn_stays %zu\n", x.n, x.n_stays);
    ib_cox_model_free(&m);
    /* what `monitor cox` runs after the design: the fit with concordance
     * that consumes the design (its X as scratch) and the profiles */
    ib_mcox_result cr;
    t = stamp_now();
    if (ib_monitor_cox_design(&x, (const char *const *)covs, (size_t)p, NULL,
                              3652, &cr, &err))
        return fail("cox on the design", &err);
    report("cox_command_fit", t);
    ib_mcox_result_free(&cr);
    ib_mdata_free(&d);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak_rss_mb %.0f\n", (double)ru.ru_maxrss / 1024);
    return 0;
}
