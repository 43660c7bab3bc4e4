/* cox_concordance.c — Harrell's concordance of a Cox model's linear
 * predictor on counting-process data, with the infinitesimal-jackknife
 * standard error, as coxph's fit$concordance (R survival's concordancefit
 * with reverse = TRUE, timewt "n", timefix = FALSE; Therneau & Atkinson,
 * "Concordance", survival vignette). A pair is a death at time t and a row at
 * risk at t ((start, stop] contains t) that is not itself a death at t;
 * concordant when the death has the larger linear predictor. O(n log n):
 * one sweep over the death times with two Fenwick trees over the ranks of
 * the predictor (rows at risk; deaths so far). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/cox_internal.h"
#include "monitor/surv_internal.h"

typedef struct fenwick { uint32_t *t; size_t n; } fenwick;

static void fw_add(fenwick *f, size_t r, int32_t v)
{
    for (size_t i = r + 1; i <= f->n; i += i & (~i + 1))
        f->t[i - 1] += (uint32_t)v;
}

/* Count of entries with rank < r. */
static uint32_t fw_below(const fenwick *f, size_t r)
{
    uint32_t s = 0;
    for (size_t i = r; i > 0; i -= i & (~i + 1))
        s += f->t[i - 1];
    return s;
}

typedef struct conc_state {
    fenwick risk, dead;
    uint32_t n_dead;
    uint32_t *rank;
    uint32_t *ent;               /* per row: deaths below, equal, above at entry */
    long double saa, sab, sbb;   /* sums of a², a b, b² (a = c − d, b = c + d + t) */
} conc_state;

static void snapshot(const conc_state *s, uint32_t r, uint32_t out[3])
{
    uint32_t below = fw_below(&s->dead, r), upto = fw_below(&s->dead, r + 1);
    out[0] = below;
    out[1] = upto - below;
    out[2] = s->n_dead - upto;
}

/* Closes row pos: as a member of risk sets it was compared with the deaths
 * since its entry (concordant when the death ranks above it); c0/d0/t0 are
 * its counts as a death. */
static void finish_row(conc_state *s, size_t pos, double c0, double d0,
                       double t0)
{
    uint32_t now[3];
    snapshot(s, s->rank[pos], now);
    const uint32_t *e = s->ent + 3 * pos;
    double c = c0 + (double)(now[2] - e[2]);
    double d = d0 + (double)(now[0] - e[0]);
    double t = t0 + (double)(now[1] - e[1]);
    long double a = c - d, b = c + d + t;
    s->saa += a * a;
    s->sab += a * b;
    s->sbb += b * b;
}

static int ranks(const cox_work *w, uint32_t *rank, size_t *n_ranks)
{
    uint32_t *ord = malloc((w->m ? w->m : 1) * sizeof *ord);
    if (!ord)
        return -1;
    for (size_t i = 0; i < w->m; i++)
        ord[i] = (uint32_t)i;
    if (ib_surv_sort(ord, w->m, w->eta)) {
        free(ord);
        return -1;
    }
    uint32_t r = 0;
    for (size_t i = 0; i < w->m; i++) {
        if (i > 0 && w->eta[ord[i]] != w->eta[ord[i - 1]])
            r++;
        rank[ord[i]] = r;
    }
    *n_ranks = w->m ? (size_t)r + 1 : 0;
    free(ord);
    return 0;
}

int ib_cox_concordance(const cox_work *w, ib_cox_model *f, ib_err *err)
{
    const size_t m = w->m;
    conc_state s = {0};
    size_t nr = 0;
    uint32_t *tie_cnt = NULL;
    s.rank = malloc((m ? m : 1) * sizeof *s.rank);
    s.ent = malloc((m ? m : 1) * 3 * sizeof *s.ent);
    if (!s.rank || !s.ent || ranks(w, s.rank, &nr))
        goto nomem;
    s.risk = (fenwick){calloc(nr, sizeof(uint32_t)), nr};
    s.dead = (fenwick){calloc(nr, sizeof(uint32_t)), nr};
    tie_cnt = calloc(nr, sizeof *tie_cnt);
    if (!s.risk.t || !s.dead.t || !tie_cnt)
        goto nomem;

    double C = 0, D = 0, T = 0, TY = 0;
    size_t ia = m, so = m;   /* ascending = walking the descending orders back */
    for (size_t k = 0; k < w->nd; k++) {
        const double t = w->dtime[k];
        for (; ia > 0 && w->start_s[ia - 1] < t; ia--) {
            size_t pos = w->start_pos[ia - 1];
            fw_add(&s.risk, s.rank[pos], 1);
            snapshot(&s, s.rank[pos], s.ent + 3 * pos);
        }
        for (; so > 0 && w->stop_s[so - 1] < t; so--) {
            size_t pos = so - 1;
            if (w->ev_s[pos])
                continue;            /* closed at its own death time */
            fw_add(&s.risk, s.rank[pos], -1);
            finish_row(&s, pos, 0, 0, 0);
        }
        size_t lo = so;              /* rows so-1 down to lo have stop == t */
        while (lo > 0 && w->stop_s[lo - 1] == t)
            lo--;
        for (size_t pos = lo; pos < so; pos++)
            if (w->ev_s[pos])
                fw_add(&s.risk, s.rank[pos], -1);
        uint32_t at_risk = fw_below(&s.risk, nr);
        double deaths = 0, tied_xy = 0;
        for (size_t pos = lo; pos < so; pos++) {
            if (!w->ev_s[pos])
                continue;
            uint32_t r = s.rank[pos];
            uint32_t below = fw_below(&s.risk, r), upto = fw_below(&s.risk, r + 1);
            double c = below, d = at_risk - upto, tx = upto - below;
            C += c;
            D += d;
            T += tx;
            finish_row(&s, pos, c, d, tx);
            tied_xy += tie_cnt[r]++;
            deaths++;
        }
        TY += deaths * (deaths - 1) / 2 - tied_xy;
        for (size_t pos = lo; pos < so; pos++)
            if (w->ev_s[pos]) {
                tie_cnt[s.rank[pos]] = 0;
                fw_add(&s.dead, s.rank[pos], 1);
                s.n_dead++;
            }
    }
    for (; so > 0; so--)
        if (!w->ev_s[so - 1])
            finish_row(&s, so - 1, 0, 0, 0);

    double N = C + D + T;
    f->n_concordant = C;
    f->n_discordant = D;
    f->n_tied_x = T;
    f->n_tied_y = TY;
    if (N > 0) {
        /* concordancefit: dfbeta_i = (a_i − somer b_i) / N, var = Σ dfbeta² / 4 */
        long double somer = (C - D) / N;
        long double v = (s.saa - 2 * somer * s.sab + somer * somer * s.sbb) /
                        ((long double)N * N);
        f->concordance = (C + T / 2) / N;
        f->concordance_se = sqrt((double)(v > 0 ? v : 0) / 4);
    }
    free(s.rank);
    free(s.ent);
    free(s.risk.t);
    free(s.dead.t);
    free(tie_cnt);
    return IB_OK;
nomem:
    free(s.rank);
    free(s.ent);
    free(s.risk.t);
    free(s.dead.t);
    free(tie_cnt);
    return ib_err_set(err, IB_ENOMEM, "Cox: geen geheugen voor de concordantie");
}
