/* bench_cox.c — times ib_cox_fit on synthetic counting-process data: stays
 * of about four intervals in integer days with 8 covariates (7 binary, one
 * wage ratio), departures drawn from a proportional hazard. Optionally
 * writes the data as CSV so that R's coxph can be timed on the same rows
 * (tests/r/bench_cox.R).
 * usage: ib_surv_bench N_INTERVALS [OUT.csv] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "monitor/survival.h"

static uint64_t rng = 0x9e3779b97f4a7c15u;

static double unif(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return ((double)(rng >> 11) + 0.5) / 9007199254740992.0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

enum { P = 8 };

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s N_INTERVALS [OUT.csv]\n", argv[0]);
        return 2;
    }
    size_t n = (size_t)strtoull(argv[1], NULL, 10);
    double *start = malloc(n * sizeof *start), *stop = malloc(n * sizeof *stop);
    double *X = malloc(n * P * sizeof *X);
    int *event = malloc(n * sizeof *event);
    uint32_t *id = malloc(n * sizeof *id);
    if (!start || !stop || !X || !event || !id) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    static const double beta[P] = {-0.4, -0.6, 0.3, -0.25, -0.5, -0.7, -1.0, 0.35};
    size_t i = 0;
    uint32_t stay = 0;
    while (i < n) {
        double x[P];
        for (int j = 0; j < P; j++)
            x[j] = unif() < 0.4;
        x[3] = x[0] != 0 ? floor(80 + 160 * unif()) / 100 : 0;
        double cens = floor(30 + 3970 * unif()), t = 0;
        while (i < n) {
            double lp = 0;
            for (int j = 0; j < P; j++)
                lp += beta[j] * x[j];
            double te = t + fmax(1, ceil(-log(unif()) / (0.0012 * exp(lp))));
            double tc = t + floor(20 + 430 * unif());
            double s = fmin(te, fmin(tc, cens));
            start[i] = t;
            stop[i] = s;
            event[i] = s == te && te <= fmin(tc, cens);
            for (int j = 0; j < P; j++)
                X[i * P + j] = x[j];
            id[i] = stay;
            i++;
            if (event[i - 1] || s == cens)
                break;
            t = s;
            int k = (int)(unif() * P);
            if (k == 3)
                x[3] = floor(80 + 160 * unif()) / 100;
            else if (k != 7)
                x[k] = 1 - x[k];
        }
        stay++;
    }
    if (argc > 2) {
        FILE *f = fopen(argv[2], "w");
        if (!f) {
            perror(argv[2]);
            return 1;
        }
        fprintf(f, "id,start,stop,event,x1,x2,x3,x4,x5,x6,x7,x8\n");
        for (size_t r = 0; r < n; r++) {
            fprintf(f, "%u,%g,%g,%d", id[r], start[r], stop[r], event[r]);
            for (int j = 0; j < P; j++)
                fprintf(f, ",%g", X[r * P + j]);
            fputc('\n', f);
        }
        fclose(f);
    }
    ib_cox_data d = {.n = n, .p = P, .start = start, .stop = stop,
                     .event = event, .X = X, .id = id};
    ib_cox_opts o;
    ib_cox_opts_init(&o);
    ib_cox_model m;
    ib_err err;
    for (int conc = 0; conc < 2; conc++) {
        o.concordance = conc;
        double t0 = now();
        if (ib_cox_fit(&d, &o, &m, &err)) {
            fprintf(stderr, "fit: %s\n", err.msg);
            return 1;
        }
        double t1 = now();
        printf("%zu intervals, %zu stays, %zu events, p %d: fit %.2f s "
               "(%s concordance), %d iterations, loglik %.10g\n",
               m.n_intervals, m.n_stays, m.n_events, P, t1 - t0,
               conc ? "with" : "without", m.iter, m.loglik);
        if (conc)
            for (int j = 0; j < P; j++)
                printf("  %s %.10f (se %.10f)\n", m.names[j], m.coef[j], m.se[j]);
        ib_cox_model_free(&m);
    }
    free(start);
    free(stop);
    free(X);
    free(event);
    free(id);
    return 0;
}
