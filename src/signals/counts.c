/* counts.c — what analysts see of the inbox: counts of signals per kind,
 * state and municipality, the median time to handle, and the number open
 * over time from the history; every count perturbed by the monitor's
 * cell-key method (docs/monitor.md "Disclosure control") with a record key
 * per signal, and medians of fewer than IB_INBOX_MIN_CLOSED withheld, as
 * the monitor withholds survival figures of fewer than k stays. */
#include "signals/sig_internal.h"
#include "monitor/monitor.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* Domain separation from the monitor's person ('P') and location ('L')
 * record keys. */
enum { DOMAIN_SIGNAL = 'S' };

static uint32_t signal_key(const uint8_t secret[IB_CELLKEY_SECRET_BYTES], int64_t id)
{
    uint8_t buf[9], out[crypto_shorthash_BYTES];
    uint64_t u = (uint64_t)id;
    buf[0] = DOMAIN_SIGNAL;
    for (int i = 0; i < 8; i++)
        buf[1 + i] = (uint8_t)(u >> (8 * i));
    crypto_shorthash(out, buf, sizeof buf, secret);
    return (uint32_t)out[0] | (uint32_t)out[1] << 8 | (uint32_t)out[2] << 16 |
           (uint32_t)out[3] << 24;
}

static bool in_scope(const ib_inbox_count_query *q, const ib_signal_row *r)
{
    if (q->kind && strcmp(q->kind, r->kind) != 0)
        return false;
    if (q->municipality && strcmp(q->municipality, r->municipality) != 0)
        return false;
    if (!q->municipalities)
        return true;
    for (int i = 0; i < q->nmunicipalities; i++)
        if (strcmp(q->municipalities[i], r->municipality) == 0)
            return true;
    return false;
}

/* ------------------------------------------------------------ counts */

/* A row being counted: its exact counts and cell keys, and the days it
 * took to handle each closed signal. */
typedef struct acc {
    ib_inbox_count_row row;
    uint32_t keys[IB_SIGNAL_STATE_COUNT];
    uint32_t closed_key;
    int32_t *days;
    size_t ndays, cap;
} acc;

typedef struct count_ctx {
    const ib_inbox_count_query *q;
    uint8_t secret[IB_CELLKEY_SECRET_BYTES];
    acc *rows;
    size_t n, cap;
} count_ctx;

static acc *row_for(count_ctx *c, const char *municipality, bool total, ib_signal_kind kind)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->rows[i].row.kind == kind && c->rows[i].row.total == total &&
            strcmp(c->rows[i].row.municipality, municipality) == 0)
            return &c->rows[i];
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 32;
        acc *v = realloc(c->rows, cap * sizeof *v);
        if (!v)
            return NULL;
        c->rows = v;
        c->cap = cap;
    }
    acc *a = &c->rows[c->n++];
    memset(a, 0, sizeof *a);
    ib_strlcpy(a->row.municipality, total ? "" : municipality, sizeof a->row.municipality);
    a->row.total = total;
    a->row.kind = kind;
    return a;
}

static int add_to(acc *a, const ib_signal_row *r, uint32_t key)
{
    a->row.count[r->state]++;
    a->keys[r->state] += key;
    bool closed = r->state == IB_SIGNAL_DONE || r->state == IB_SIGNAL_UNFOUNDED;
    if (!closed || r->closed_on == IB_DATE_NONE)
        return 0;
    a->row.closed++;
    a->closed_key += key;
    if (a->ndays == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 16;
        int32_t *v = realloc(a->days, cap * sizeof *v);
        if (!v)
            return IB_ENOMEM;
        a->days = v;
        a->cap = cap;
    }
    int32_t d = r->closed_on - r->first_found;
    a->days[a->ndays++] = d > 0 ? d : 0;
    return 0;
}

static int count_row(void *ctx, const ib_signal_row *r)
{
    count_ctx *c = ctx;
    int kind;
    if (!in_scope(c->q, r) ||
        ib_code_parse(ib_signal_kind_codes, r->kind, strlen(r->kind), &kind) != IB_OK)
        return 0;
    uint32_t key = c->q->exact ? 0 : signal_key(c->secret, r->id);
    acc *m = row_for(c, r->municipality, false, (ib_signal_kind)kind);
    acc *t = m ? row_for(c, "", true, (ib_signal_kind)kind) : NULL;
    if (!m || !t)
        return IB_ENOMEM;
    int rc = add_to(m, r, key);
    return rc ? rc : add_to(t, r, key);
}

static int cmp_days(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static int cmp_rows(const void *a, const void *b)
{
    const ib_inbox_count_row *x = a, *y = b;
    if (x->total != y->total)
        return x->total ? 1 : -1;
    int c = strcmp(x->municipality, y->municipality);
    return c ? c : (int)x->kind - (int)y->kind;
}

/* The median of a's days, perturbation of its counts. */
static void finish(acc *a, bool exact)
{
    ib_inbox_count_row *r = &a->row;
    r->median_days = -1;
    if (a->ndays > 0 && (exact || a->ndays >= IB_INBOX_MIN_CLOSED)) {
        if (a->ndays > 1)
            qsort(a->days, a->ndays, sizeof *a->days, cmp_days);
        size_t m = a->ndays / 2;
        r->median_days = a->ndays % 2 ? a->days[m]
                                      : ((double)a->days[m - 1] + (double)a->days[m]) / 2.0;
    }
    if (exact)
        return;
    for (int s = 0; s < IB_SIGNAL_STATE_COUNT; s++)
        r->count[s] = ib_ptable_perturb(r->count[s], a->keys[s]);
    r->closed = ib_ptable_perturb(r->closed, a->closed_key);
}

/* Every kind of every municipality seen gets a row, also with nothing in
 * it: which cells exist says nothing. */
static int fill_grid(count_ctx *c)
{
    size_t seen = c->n;
    for (size_t i = 0; i < seen; i++) {
        if (c->rows[i].row.total)
            continue;
        char muni[7];
        ib_strlcpy(muni, c->rows[i].row.municipality, sizeof muni);
        for (int k = 0; k < IB_SIG_KIND_COUNT; k++) {
            const char *code = ib_code_text(ib_signal_kind_codes, k);
            if (c->q->kind && strcmp(c->q->kind, code) != 0)
                continue;
            if (!row_for(c, muni, false, (ib_signal_kind)k) ||
                !row_for(c, "", true, (ib_signal_kind)k))
                return IB_ENOMEM;
        }
    }
    return 0;
}

int ib_inbox_counts_get(ib_store *st, const ib_inbox_count_query *q, ib_inbox_counts *out,
                        ib_err *err)
{
    memset(out, 0, sizeof *out);
    count_ctx c = {.q = q};
    ib_store_cellkey_secret(st, c.secret);
    int rc = ib_store_signal_each(st, count_row, &c, err);
    if (rc == IB_OK)
        rc = fill_grid(&c);
    if (rc == IB_OK && !(out->rows = malloc((c.n + 1) * sizeof *out->rows)))
        rc = IB_ENOMEM;
    for (size_t i = 0; i < c.n; i++) {
        if (rc == IB_OK) {
            finish(&c.rows[i], q->exact);
            out->rows[out->n++] = c.rows[i].row;
        }
        free(c.rows[i].days);
    }
    free(c.rows);
    sodium_memzero(c.secret, sizeof c.secret);
    if (rc) {
        ib_inbox_counts_free(out);
        return rc == IB_ENOMEM ? ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen") : rc;
    }
    if (out->n > 1)
        qsort(out->rows, out->n, sizeof *out->rows, cmp_rows);
    out->perturbed = !q->exact;
    return IB_OK;
}

void ib_inbox_counts_free(ib_inbox_counts *c)
{
    free(c->rows);
    memset(c, 0, sizeof *c);
}

/* ------------------------------------------------------------ open over time */

typedef struct counted {
    int64_t id;
    uint32_t key;
} counted;

typedef struct time_ctx {
    const ib_inbox_count_query *q;
    uint8_t secret[IB_CELLKEY_SECRET_BYTES];
    counted *v;                        /* the signals in scope, by id */
    size_t n, cap;
    ib_date from, to;
    int step;
    size_t npoints;
    int64_t *count;
    uint32_t *keys;
    /* The signal being walked: its key, the day and state of its last
     * line. */
    int64_t signal;
    const counted *cur;
    ib_date day;
    int state;
} time_ctx;

static int keep_signal(void *ctx, const ib_signal_row *r)
{
    time_ctx *t = ctx;
    if (!in_scope(t->q, r))
        return 0;
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 1024;
        counted *v = realloc(t->v, cap * sizeof *v);
        if (!v)
            return IB_ENOMEM;
        t->v = v;
        t->cap = cap;
    }
    t->v[t->n++] = (counted){r->id, t->q->exact ? 0 : signal_key(t->secret, r->id)};
    return 0;
}

static int cmp_counted(const void *a, const void *b)
{
    int64_t x = ((const counted *)a)->id, y = ((const counted *)b)->id;
    return (x > y) - (x < y);
}

/* The points in [a, b) count the current signal when state is open or in
 * progress (b IB_DATE_NONE: up to the last point). */
static void count_span(time_ctx *t, ib_date a, ib_date b, int state)
{
    if (!t->cur || (state != IB_SIGNAL_OPEN && state != IB_SIGNAL_IN_PROGRESS))
        return;
    int64_t first = a <= t->from ? 0 : ((int64_t)a - t->from + t->step - 1) / t->step;
    int64_t end = b == IB_DATE_NONE ? (int64_t)t->npoints
                  : b <= t->from    ? 0
                                    : ((int64_t)b - t->from + t->step - 1) / t->step;
    if (end > (int64_t)t->npoints)
        end = (int64_t)t->npoints;
    for (int64_t k = first; k < end; k++) {
        t->count[k]++;
        t->keys[k] += t->cur->key;
    }
}

static int walk_line(void *ctx, const ib_signal_change *c)
{
    time_ctx *t = ctx;
    if (c->signal_id != t->signal) {
        count_span(t, t->day, IB_DATE_NONE, t->state);
        counted probe = {c->signal_id, 0};
        t->signal = c->signal_id;
        t->cur = t->n ? bsearch(&probe, t->v, t->n, sizeof probe, cmp_counted) : NULL;
        t->state = -1;
        t->day = c->day;
    } else if (c->day != t->day) {
        count_span(t, t->day, c->day, t->state);
        t->day = c->day;
    }
    t->state = (int)c->to;
    return 0;
}

int ib_inbox_open_over_time(ib_store *st, const ib_inbox_count_query *q, ib_date from,
                            ib_date to, int step, ib_inbox_point **out, size_t *n,
                            ib_err *err)
{
    *out = NULL;
    *n = 0;
    if (from == IB_DATE_NONE || to == IB_DATE_NONE || to < from || step < 1)
        return ib_err_set(err, IB_EINVAL, "ongeldige periode");
    int64_t npoints = ((int64_t)to - from) / step + 1;
    if (npoints > IB_INBOX_POINTS_MAX)
        return ib_err_set(err, IB_ELIMIT, "hoogstens %d punten", IB_INBOX_POINTS_MAX);
    time_ctx t = {.q = q, .from = from, .to = to, .step = step,
                  .npoints = (size_t)npoints, .state = -1};
    ib_store_cellkey_secret(st, t.secret);
    t.count = calloc(t.npoints, sizeof *t.count);
    t.keys = calloc(t.npoints, sizeof *t.keys);
    ib_inbox_point *p = malloc(t.npoints * sizeof *p);
    int rc = t.count && t.keys && p ? IB_OK : IB_ENOMEM;
    if (rc == IB_OK)
        rc = ib_store_signal_each(st, keep_signal, &t, err);
    if (rc == IB_OK && t.n > 1)
        qsort(t.v, t.n, sizeof *t.v, cmp_counted);
    if (rc == IB_OK)
        rc = ib_store_signal_each_change(st, 0, walk_line, &t, err);
    if (rc == IB_OK) {
        count_span(&t, t.day, IB_DATE_NONE, t.state);
        for (size_t k = 0; k < t.npoints; k++)
            p[k] = (ib_inbox_point){(ib_date)(from + (int64_t)k * step),
                                    q->exact ? t.count[k]
                                             : ib_ptable_perturb(t.count[k], t.keys[k])};
    }
    sodium_memzero(t.secret, sizeof t.secret);
    free(t.v);
    free(t.count);
    free(t.keys);
    if (rc) {
        free(p);
        return rc == IB_ENOMEM ? ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen") : rc;
    }
    *out = p;
    *n = t.npoints;
    return IB_OK;
}
