/* data.c — the monitor's in-memory data: compact records grouped by person
 * (CSR offsets), built either in memory (tests) or from the store's lean
 * scan (ib_store_scan: table order, ids only). Sized for a national
 * deployment: 1 M persons, 5 M employments fit in ~250 MB; rows imported in
 * person order need no re-sorting on load. */
/* qsort_r (glibc): the persons are sorted by a comparison that needs the
 * loader's record sources, and loads may run in several threads at once. */
#define _GNU_SOURCE
#include "monitor/monitor.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Per kind of episode while building: the owning person of each record. */
enum { K_STAY, K_REG, K_EMP, K_HOUSING, K_EVENT, K_COUNT };

struct ib_mbuild {
    uint32_t *owner[K_COUNT];
    size_t cap[K_COUNT];
    size_t cap_persons, cap_locations, cap_orgs, cap_senders;
};

/* ------------------------------------------------------------ helpers */

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return IB_OK;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n += n / 2 + 64;
    void *p = realloc(*arr, n * elem);
    if (!p)
        return IB_ENOMEM;
    *arr = p;
    *cap = n;
    return IB_OK;
}

static uint32_t add_string(ib_mdata *d, const char *s)
{
    if (!s || !*s)
        return IB_MREF_NONE;
    size_t len = strlen(s) + 1;
    if (d->strings_len + len > UINT32_MAX - 1)
        return IB_MREF_NONE - 1;       /* caller checks: arena full */
    if (grow((void **)&d->strings, &d->strings_cap, d->strings_len + len, 1))
        return IB_MREF_NONE - 1;
    memcpy(d->strings + d->strings_len, s, len);
    uint32_t off = (uint32_t)d->strings_len;
    d->strings_len += len;
    return off;
}

#define STR_FAILED (IB_MREF_NONE - 1)

const char *ib_mdata_str(const ib_mdata *d, uint32_t off)
{
    return off == IB_MREF_NONE || off >= d->strings_len ? "" : d->strings + off;
}

/* ------------------------------------------------------------ building */

void ib_mdata_init(ib_mdata *d)
{
    memset(d, 0, sizeof *d);
}

/* The arrays of data built or loaded record by record. */
static void free_arrays(ib_mdata *d)
{
    free(d->persons);
    free(d->stays); free(d->stay_off);
    free(d->regs); free(d->reg_off);
    free(d->emps); free(d->emp_off);
    free(d->housings); free(d->housing_off);
    free(d->events); free(d->event_off);
    free(d->locations);
    free(d->orgs);
    free(d->sender_ids);
    free(d->strings);
}

void ib_mdata_free(ib_mdata *d)
{
    if (!d)
        return;
    if (d->region && d->region_mapped)
        munmap(d->region, d->region_len);          /* every array lies in it */
    else if (d->region)
        ib_table_free(d->region, d->region_len);
    else
        free_arrays(d);
    if (d->build) {
        for (int k = 0; k < K_COUNT; k++)
            free(d->build->owner[k]);
        free(d->build);
    }
    memset(d, 0, sizeof *d);
}

static int need_build(ib_mdata *d)
{
    if (!d->build && !(d->build = calloc(1, sizeof *d->build)))
        return IB_ENOMEM;
    return IB_OK;
}

int ib_mdata_add_sender(ib_mdata *d, int64_t store_id)
{
    if (need_build(d) ||
        grow((void **)&d->sender_ids, &d->build->cap_senders,
             d->n_senders + 1, sizeof *d->sender_ids))
        return IB_ENOMEM;
    d->sender_ids[d->n_senders] = store_id;
    return (int)d->n_senders++;
}

int ib_mdata_add_org(ib_mdata *d, const char *ref, const char *name,
                     ib_org_kind kind)
{
    if (d->n_orgs >= INT32_MAX)
        return IB_ELIMIT;
    if (need_build(d) || grow((void **)&d->orgs, &d->build->cap_orgs,
                              d->n_orgs + 1, sizeof *d->orgs))
        return IB_ENOMEM;
    ib_morg *o = &d->orgs[d->n_orgs];
    o->kind = (uint8_t)kind;
    o->merged = 0;
    if ((o->ref = add_string(d, ref)) == STR_FAILED ||
        (o->name = add_string(d, name)) == STR_FAILED)
        return IB_ENOMEM;
    return (int)d->n_orgs++;
}

int ib_mdata_add_location(ib_mdata *d, const char *ref, const ib_mlocation *l)
{
    if (d->n_locations >= INT32_MAX)
        return IB_ELIMIT;
    if (need_build(d) || grow((void **)&d->locations, &d->build->cap_locations,
                              d->n_locations + 1, sizeof *d->locations))
        return IB_ENOMEM;
    ib_mlocation *x = &d->locations[d->n_locations];
    *x = *l;
    if ((x->ref = add_string(d, ref)) == STR_FAILED)
        return IB_ENOMEM;
    return (int)d->n_locations++;
}

int ib_mdata_add_person(ib_mdata *d, const char *ref, const ib_mperson *p)
{
    if (d->n_persons >= INT32_MAX)
        return IB_ELIMIT;
    if (need_build(d) || grow((void **)&d->persons, &d->build->cap_persons,
                              d->n_persons + 1, sizeof *d->persons))
        return IB_ENOMEM;
    ib_mperson *x = &d->persons[d->n_persons];
    *x = *p;
    x->nationality[2] = '\0';
    x->flags = (uint8_t)((ib_country_is_eu(x->nationality) ? IB_MP_EU : 0) |
                         (ib_country_is_cee(x->nationality) ? IB_MP_CEE : 0) |
                         (ib_country_is_south(x->nationality) ? IB_MP_SOUTH : 0));
    if ((x->ref = add_string(d, ref)) == STR_FAILED)
        return IB_ENOMEM;
    return (int)d->n_persons++;
}

/* Appends one episode record of kind k owned by person. */
static int add_episode(ib_mdata *d, int k, void **arr, size_t *n,
                       size_t elem, uint32_t person, const void *rec)
{
    if (person >= d->n_persons)
        return IB_EINVAL;
    if (*n >= UINT32_MAX - 1)
        return IB_ELIMIT;
    if (need_build(d))
        return IB_ENOMEM;
    struct ib_mbuild *b = d->build;
    size_t cap = b->cap[k];
    if (grow(arr, &cap, *n + 1, elem))
        return IB_ENOMEM;
    size_t ocap = b->cap[k];
    if (grow((void **)&b->owner[k], &ocap, *n + 1, sizeof(uint32_t)))
        return IB_ENOMEM;
    b->cap[k] = cap < ocap ? cap : ocap;
    memcpy((char *)*arr + *n * elem, rec, elem);
    b->owner[k][*n] = person;
    return (int)((*n)++ & INT32_MAX);
}

int ib_mdata_add_stay(ib_mdata *d, uint32_t person, ib_date arrival,
                      ib_date departure)
{
    ib_mstay_rec s = {arrival, departure};
    return add_episode(d, K_STAY, (void **)&d->stays, &d->n_stays, sizeof s,
                       person, &s);
}

int ib_mdata_add_reg(ib_mdata *d, uint32_t person, const ib_mreg *r)
{
    return add_episode(d, K_REG, (void **)&d->regs, &d->n_regs, sizeof *r,
                       person, r);
}

int ib_mdata_add_emp(ib_mdata *d, uint32_t person, const ib_memp *e)
{
    return add_episode(d, K_EMP, (void **)&d->emps, &d->n_emps, sizeof *e,
                       person, e);
}

int ib_mdata_add_housing(ib_mdata *d, uint32_t person, const ib_mhousing *h)
{
    return add_episode(d, K_HOUSING, (void **)&d->housings, &d->n_housings,
                       sizeof *h, person, h);
}

int ib_mdata_add_event(ib_mdata *d, uint32_t person, ib_event_kind kind,
                       ib_date date)
{
    if (kind != IB_EVENT_PARTNER_START && kind != IB_EVENT_PARTNER_END &&
        kind != IB_EVENT_CHILD_BIRTH)
        return 0;
    ib_mevent ev = {date, (uint8_t)kind};
    return add_episode(d, K_EVENT, (void **)&d->events, &d->n_events,
                       sizeof ev, person, &ev);
}

/* ------------------------------------------------------------ finishing */

/* The order of a person's episodes: by date (every compact record starts
 * with its date), ties broken as the store's iterators order them, so that
 * the order does not depend on the order of reading. Stays have no ties (a
 * person's arrivals differ); registrations, life events: by code text;
 * employments, housings: by employer, location (indexes in (sender, id)
 * order, and a person's records name those of its own sender only). */
typedef int (*rec_cmp)(const void *a, const void *b);

static ib_date rec_date(const void *rec)
{
    ib_date v;
    memcpy(&v, rec, sizeof v);
    return v;
}

static int by_date(const void *a, const void *b)
{
    ib_date x = rec_date(a), y = rec_date(b);
    return (x > y) - (x < y);
}

static int by_code_text(const ib_code_name *codes, int x, int y)
{
    return strcmp(ib_code_text(codes, x), ib_code_text(codes, y));
}

static int reg_order(const void *a, const void *b)
{
    int c = by_date(a, b);
    return c ? c : by_code_text(ib_reg_kind_codes, ((const ib_mreg *)a)->kind,
                                ((const ib_mreg *)b)->kind);
}

static int emp_order(const void *a, const void *b)
{
    int c = by_date(a, b);
    int32_t x = ((const ib_memp *)a)->employer;
    int32_t y = ((const ib_memp *)b)->employer;
    return c ? c : (x > y) - (x < y);
}

static int housing_order(const void *a, const void *b)
{
    int c = by_date(a, b);
    int32_t x = ((const ib_mhousing *)a)->location;
    int32_t y = ((const ib_mhousing *)b)->location;
    return c ? c : (x > y) - (x < y);
}

static int event_order(const void *a, const void *b)
{
    int c = by_date(a, b);
    return c ? c : by_code_text(ib_event_codes, ((const ib_mevent *)a)->kind,
                                ((const ib_mevent *)b)->kind);
}

/* Stable insertion sort of the records [lo, hi): a person has few, and
 * they mostly come in order, so this is linear there. */
static void sort_range(char *arr, size_t lo, size_t hi, size_t elem,
                       rec_cmp cmp)
{
    char tmp[64];
    for (size_t i = lo + 1; i < hi; i++) {
        ib_date prev = rec_date(arr + (i - 1) * elem);
        ib_date cur = rec_date(arr + i * elem);
        if (prev < cur || (prev == cur && cmp(arr + (i - 1) * elem,
                                              arr + i * elem) <= 0))
            continue;
        memcpy(tmp, arr + i * elem, elem);
        size_t j = i;
        while (j > lo && cmp(arr + (j - 1) * elem, tmp) > 0) {
            memcpy(arr + j * elem, arr + (j - 1) * elem, elem);
            j--;
        }
        memcpy(arr + j * elem, tmp, elem);
    }
}

/* Builds the offsets of kind k and, when the records are not already in
 * person order, permutes them (counting sort, stable). */
static int group_kind(ib_mdata *d, uint32_t *owner, void **arr, size_t n,
                      size_t elem, rec_cmp cmp, uint32_t **off_out)
{
    size_t np = d->n_persons;
    uint32_t *off = calloc(np + 1, sizeof *off);
    if (!off)
        return IB_ENOMEM;
    bool ordered = true;
    for (size_t i = 0; i < n; i++) {
        off[owner[i] + 1]++;
        if (i && owner[i] < owner[i - 1])
            ordered = false;
    }
    for (size_t p = 0; p < np; p++)
        off[p + 1] += off[p];
    if (!ordered && n) {
        char *out = malloc(n * elem);
        uint32_t *pos = malloc(np * sizeof *pos);
        if (!out || !pos) {
            free(out); free(pos); free(off);
            return IB_ENOMEM;
        }
        memcpy(pos, off, np * sizeof *pos);
        for (size_t i = 0; i < n; i++)
            memcpy(out + (size_t)pos[owner[i]]++ * elem,
                   (char *)*arr + i * elem, elem);
        free(pos);
        free(*arr);
        *arr = out;
    }
    for (size_t p = 0; p < np; p++)
        sort_range(*arr, off[p], off[p + 1], elem, cmp);
    *off_out = off;
    return IB_OK;
}

static int check_stays(const ib_mdata *d, ib_err *err)
{
    for (size_t i = 0; i < d->n_stays; i++) {
        const ib_mstay_rec *s = &d->stays[i];
        if (s->arrival == IB_DATE_NONE ||
            (s->departure != IB_DATE_NONE && s->departure <= s->arrival)) {
            char a[IB_DATE_STRLEN], b[IB_DATE_STRLEN];
            return ib_err_set(err, IB_EINVAL,
                              "verblijf %s-%s: vertrek ligt niet na aankomst",
                              ib_date_format(s->arrival, a),
                              ib_date_format(s->departure, b));
        }
    }
    return IB_OK;
}

int ib_mdata_finish(ib_mdata *d, ib_err *err)
{
    if (need_build(d))
        return ib_err_set(err, IB_ENOMEM, "geheugen vol");
    uint32_t **owner = d->build->owner;
    struct {
        void **arr;
        size_t n, elem;
        rec_cmp cmp;
        uint32_t **off;
    } k[K_COUNT] = {
        {(void **)&d->stays, d->n_stays, sizeof *d->stays, by_date,
         &d->stay_off},
        {(void **)&d->regs, d->n_regs, sizeof *d->regs, reg_order, &d->reg_off},
        {(void **)&d->emps, d->n_emps, sizeof *d->emps, emp_order, &d->emp_off},
        {(void **)&d->housings, d->n_housings, sizeof *d->housings,
         housing_order, &d->housing_off},
        {(void **)&d->events, d->n_events, sizeof *d->events, event_order,
         &d->event_off},
    };
    for (int i = 0; i < K_COUNT; i++) {
        free(*k[i].off);
        *k[i].off = NULL;
        if (group_kind(d, owner[i], k[i].arr, k[i].n, k[i].elem, k[i].cmp,
                       k[i].off))
            return ib_err_set(err, IB_ENOMEM, "geheugen vol");
    }
    for (int i = 0; i < K_COUNT; i++)
        free(owner[i]);
    free(d->build);
    d->build = NULL;
    return check_stays(d, err);
}

/* ------------------------------------------------------------ loading */

/* Store id -> index. The scan hands rows over in table order, for SQLite
 * ascending and nearly dense ids: then a flat array indexed by id - base
 * answers a look-up with one load; otherwise binary search over the pairs
 * sorted by id. Each pair also keeps the sender index of its record, to put
 * the records in (sender, id) order. */
typedef struct idpair {
    int64_t id;
    uint32_t idx;
    uint32_t sender;
} idpair;

typedef struct idmap {
    idpair *v;
    size_t n, cap;
    bool unsorted;            /* ids did not arrive ascending */
    bool sealed;              /* v sorted by id, dense built when worth it */
    int64_t base;
    uint32_t *dense;          /* index by id - base, UINT32_MAX: no record */
    size_t dense_n;
} idmap;

static void idmap_free(idmap *m)
{
    free(m->v);
    free(m->dense);
}

static int idmap_add(idmap *m, int64_t id, uint32_t idx, uint32_t sender)
{
    if (grow((void **)&m->v, &m->cap, m->n + 1, sizeof *m->v))
        return IB_ENOMEM;
    if (m->n && id <= m->v[m->n - 1].id)
        m->unsorted = true;
    m->v[m->n++] = (idpair){id, idx, sender};
    return IB_OK;
}

static int cmp_by_id(const void *a, const void *b)
{
    int64_t x = ((const idpair *)a)->id, y = ((const idpair *)b)->id;
    return (x > y) - (x < y);
}

/* Sorts the pairs by id and, when the ids span at most about twice their
 * number, builds the flat index (a failed allocation only means binary
 * search). */
static void idmap_seal(idmap *m)
{
    m->sealed = true;
    if (m->unsorted)
        qsort(m->v, m->n, sizeof *m->v, cmp_by_id);
    m->unsorted = false;
    if (!m->n)
        return;
    uint64_t span = (uint64_t)m->v[m->n - 1].id - (uint64_t)m->v[0].id + 1;
    if (span > 2 * (uint64_t)m->n + 1024 || !(m->dense = malloc(span * 4)))
        return;
    memset(m->dense, 0xff, span * 4);
    m->base = m->v[0].id;
    m->dense_n = span;
    for (size_t i = 0; i < m->n; i++)
        m->dense[m->v[i].id - m->base] = m->v[i].idx;
}

/* Index of id, or -1. The first look-up seals the map: records of a kind
 * are only looked up once all of them are read. */
static int64_t idmap_find(idmap *m, int64_t id)
{
    if (!m->sealed)
        idmap_seal(m);
    if (m->dense) {
        if (id < m->base || (uint64_t)(id - m->base) >= m->dense_n)
            return -1;
        uint32_t idx = m->dense[id - m->base];
        return idx == UINT32_MAX ? -1 : (int64_t)idx;
    }
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->v[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->n && m->v[lo].id == id ? (int64_t)m->v[lo].idx : -1;
}

static bool pair_before(const idpair *a, const idpair *b)
{
    return a->sender < b->sender || (a->sender == b->sender && a->id < b->id);
}

static int cmp_by_sender_id(const void *a, const void *b)
{
    const idpair *x = a, *y = b;
    return pair_before(x, y) ? -1 : pair_before(y, x) ? 1 : 0;
}

/* Puts the records arr[0..m->n) of one kind, read in the store's table
 * order, in (sender, id) order, the order of the store's iterators, which
 * the figures list them in; renumbers the map to match. Called once the
 * kind is read, before any look-up. */
static int order_by_sender(idmap *m, void *arr, size_t elem)
{
    bool ordered = true;
    for (size_t i = 1; i < m->n && ordered; i++)
        ordered = pair_before(&m->v[i - 1], &m->v[i]);
    if (ordered)
        return IB_OK;
    char *out = malloc(m->n * elem);
    if (!out)
        return IB_ENOMEM;
    qsort(m->v, m->n, sizeof *m->v, cmp_by_sender_id);
    for (size_t j = 0; j < m->n; j++) {
        memcpy(out + j * elem, (char *)arr + (size_t)m->v[j].idx * elem, elem);
        m->v[j].idx = (uint32_t)j;
    }
    memcpy(arr, out, m->n * elem);
    free(out);
    m->unsorted = true;
    return IB_OK;
}

/* A stay as read, before the stays of one person's records are joined. */
typedef struct pending_stay {
    uint32_t person;
    int64_t record;
    ib_date arrival, departure;
} pending_stay;

/* Which record a person's fixed attributes come from (docs/linkage.md):
 * one with a BSN before one without, then the one updated last. */
typedef struct person_source {
    bool has_bsn;
    int64_t updated_at, record;
} person_source;

/* The key that makes records of several senders one organisation (KvK) or
 * one address (postcode and house number), by store id. */
typedef struct keyed {
    char key[8 + IB_HOUSENR_MAX + 2];
    int64_t id;
} keyed;

typedef struct keyed_list {
    keyed *v;
    size_t n, cap;
    uint32_t *canon;            /* by index: the index that stands for it */
} keyed_list;

typedef struct loader {
    ib_mdata *d;
    idmap senders, orgs, locations;
    keyed_list org_keys, loc_keys;
    /* Records are linked into persons: record id -> person id, and person
     * id -> index of the person in d->persons. */
    idmap records, persons;
    int64_t *record_person;     /* person id of records.v[i].idx */
    size_t n_records, cap_records;
    person_source *source;      /* by person index */
    size_t cap_source;
    pending_stay *stays;
    size_t n_stays, cap_stays;
    ib_err *err;
} loader;

static int loader_fail(loader *L, int rc, const char *what, int64_t id)
{
    if (rc == IB_ENOMEM)
        return ib_err_set(L->err, IB_ENOMEM, "geheugen vol bij het laden");
    return ib_err_set(L->err, rc, "%s %lld verwijst naar onbekend record",
                      what, (long long)id);
}

static int32_t opt_index(idmap *m, int64_t id)
{
    int64_t i = id ? idmap_find(m, id) : -1;
    return i < 0 ? IB_MIDX_NONE : (int32_t)i;
}

/* The index of the organisation or location that stands for id: the first
 * of the senders' records with the same key. */
static int32_t canon_index(idmap *m, const keyed_list *k, int64_t id)
{
    int32_t i = opt_index(m, id);
    return i == IB_MIDX_NONE || !k->canon ? i : (int32_t)k->canon[i];
}

static int add_key(keyed_list *k, const char *key, int64_t id)
{
    if (!key[0])
        return IB_OK;
    if (grow((void **)&k->v, &k->cap, k->n + 1, sizeof *k->v))
        return IB_ENOMEM;
    keyed *x = &k->v[k->n++];
    ib_strlcpy(x->key, key, sizeof x->key);
    x->id = id;
    return IB_OK;
}

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* Once a kind is read and ordered: each record with the key of an earlier
 * one (lowest store id) is merged into it. merged[i] (stride bytes apart,
 * the records' flag) is set for those. */
static int build_canon(idmap *m, keyed_list *k, size_t n, uint8_t *merged, size_t stride)
{
    free(k->canon);
    if (!(k->canon = malloc((n ? n : 1) * sizeof *k->canon)))
        return IB_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        k->canon[i] = (uint32_t)i;
        merged[i * stride] = 0;
    }
    if (k->n > 1)
        qsort(k->v, k->n, sizeof *k->v, cmp_keyed);
    for (size_t j = 1; j < k->n; j++) {
        size_t first = j - 1;
        while (first > 0 && strcmp(k->v[first - 1].key, k->v[j].key) == 0)
            first--;
        if (strcmp(k->v[first].key, k->v[j].key) != 0)
            continue;
        int64_t to = idmap_find(m, k->v[first].id), from = idmap_find(m, k->v[j].id);
        if (to < 0 || from < 0)
            continue;
        k->canon[from] = (uint32_t)to;
        merged[(size_t)from * stride] = 1;
    }
    return IB_OK;
}

/* "12-a", "12 A", "12-A": the house number with its addition after '-'
 * or a space upper case (docs/linkage.md). */
static void address_key(const char *postcode, const char *number, char *out, size_t size)
{
    size_t n = 0;
    for (const char *p = postcode; *p && n + 1 < size; p++)
        if (*p != ' ')
            out[n++] = (char)toupper((unsigned char)*p);
    if (n + 1 < size)
        out[n++] = '|';
    bool sep = false;
    for (const char *p = number; *p && n + 1 < size; p++) {
        if (*p == '-' || *p == ' ') {
            sep = true;
            continue;
        }
        if (sep && n + 2 < size && out[n - 1] != '|')
            out[n++] = '-';
        sep = false;
        out[n++] = (char)toupper((unsigned char)*p);
    }
    out[n] = '\0';
    if (!postcode[0] || !number[0])
        out[0] = '\0';
}

/* The sender index of a record (0 when unknown, which the store's foreign
 * keys rule out). */
static uint32_t sender_index(loader *L, int64_t sender_id)
{
    int64_t s = idmap_find(&L->senders, sender_id);
    return s < 0 ? 0 : (uint32_t)s;
}

static int on_sender(void *ctx, int64_t id, const char *ref)
{
    loader *L = ctx;
    (void)ref;
    int i = ib_mdata_add_sender(L->d, id);
    if (i < 0 || idmap_add(&L->senders, id, (uint32_t)i, (uint32_t)i))
        return loader_fail(L, IB_ENOMEM, "afzender", id);
    return 0;
}

static int on_org(void *ctx, const ib_scan_org *o)
{
    loader *L = ctx;
    int i = ib_mdata_add_org(L->d, o->ref, o->name, o->kind);
    if (i < 0 || idmap_add(&L->orgs, o->id, (uint32_t)i,
                           sender_index(L, o->sender_id)) ||
        add_key(&L->org_keys, o->kvk, o->id))
        return loader_fail(L, i == IB_ELIMIT ? IB_ELIMIT : IB_ENOMEM,
                           "organisatie", o->id);
    return 0;
}

static int on_location(void *ctx, const ib_scan_location *l)
{
    loader *L = ctx;
    ib_mlocation x = {
        .floor_area = l->floor_area_m2,
        .capacity = l->capacity,
        .provider = canon_index(&L->orgs, &L->org_keys, l->provider_id),
        .municipality = ib_muni_from_code(l->municipality),
        .kind = (uint8_t)l->kind,
    };
    char key[sizeof ((keyed *)0)->key];
    address_key(l->postcode, l->house_number, key, sizeof key);
    int i = ib_mdata_add_location(L->d, l->ref, &x);
    if (i < 0 || idmap_add(&L->locations, l->id, (uint32_t)i,
                           sender_index(L, l->sender_id)) ||
        add_key(&L->loc_keys, key, l->id))
        return loader_fail(L, i == IB_ELIMIT ? IB_ELIMIT : IB_ENOMEM,
                           "locatie", l->id);
    return 0;
}

static bool source_before(const person_source *a, const person_source *b)
{
    if (a->has_bsn != b->has_bsn)
        return a->has_bsn;
    if (a->updated_at != b->updated_at)
        return a->updated_at > b->updated_at;
    return a->record > b->record;
}

static int add_record(loader *L, int64_t record, int64_t person_id, uint32_t sender)
{
    if (grow((void **)&L->record_person, &L->cap_records, L->n_records + 1,
             sizeof *L->record_person) ||
        idmap_add(&L->records, record, (uint32_t)L->n_records, sender))
        return IB_ENOMEM;
    L->record_person[L->n_records++] = person_id;
    return IB_OK;
}

static int on_person(void *ctx, const ib_scan_person *p)
{
    loader *L = ctx;
    ib_mperson x = {
        .sender = sender_index(L, p->sender_id),
        .birth = p->birth_date,
        .sex = (uint8_t)p->sex,
        .category = (uint8_t)p->category,
    };
    memcpy(x.nationality, p->nationality, 2);
    int64_t person_id = p->person_id ? p->person_id : p->id;
    if (add_record(L, p->id, person_id, x.sender))
        return loader_fail(L, IB_ENOMEM, "persoon", p->id);
    /* Every record adds a candidate; on_kind_done keeps one per person. */
    int i = ib_mdata_add_person(L->d, p->ref, &x);
    if (i < 0 || grow((void **)&L->source, &L->cap_source, (size_t)i + 1, sizeof *L->source))
        return loader_fail(L, i == IB_ELIMIT ? IB_ELIMIT : IB_ENOMEM, "persoon", p->id);
    L->source[i] = (person_source){p->has_bsn, p->updated_at, p->id};
    if (idmap_add(&L->persons, person_id, (uint32_t)i, x.sender))
        return loader_fail(L, IB_ENOMEM, "persoon", p->id);
    return 0;
}

static int cmp_person_then_source(const void *a, const void *b, void *ctx)
{
    const idpair *x = a, *y = b;
    const person_source *src = ctx;
    if (x->id != y->id)
        return (x->id > y->id) - (x->id < y->id);
    bool xf = source_before(&src[x->idx], &src[y->idx]);
    bool yf = source_before(&src[y->idx], &src[x->idx]);
    return xf ? -1 : yf ? 1 : 0;
}

/* One person for each person id: the candidate of the record the fixed
 * attributes come from; the other candidates are dropped. */
static int keep_one_per_person(loader *L)
{
    idmap *m = &L->persons;
    ib_mdata *d = L->d;
    if (m->n > 1)
        qsort_r(m->v, m->n, sizeof *m->v, cmp_person_then_source, L->source);
    size_t kept = 0;
    for (size_t j = 0; j < m->n; j++) {
        if (kept && m->v[kept - 1].id == m->v[j].id)
            continue;
        m->v[kept++] = m->v[j];
    }
    if (kept == m->n) {
        m->unsorted = false;
        return IB_OK;
    }
    /* Compact the person array to the kept candidates, in their order. */
    ib_mperson *out = malloc((kept ? kept : 1) * sizeof *out);
    if (!out)
        return IB_ENOMEM;
    for (size_t j = 0; j < kept; j++) {
        out[j] = d->persons[m->v[j].idx];
        m->v[j].idx = (uint32_t)j;
    }
    memcpy(d->persons, out, kept * sizeof *out);
    free(out);
    d->n_persons = kept;
    m->n = kept;
    m->unsorted = false;
    return IB_OK;
}

static int cmp_pending_stay(const void *a, const void *b)
{
    const pending_stay *x = a, *y = b;
    if (x->person != y->person)
        return (x->person > y->person) - (x->person < y->person);
    return (x->arrival > y->arrival) - (x->arrival < y->arrival);
}

/* The stays of a person's records, joined: stays of different records that
 * overlap or touch (one ends the day before the other begins, or on the
 * same day) are one stay from the earliest arrival to the latest departure
 * (open when one is open); the stays of one record stay as they are
 * (docs/linkage.md). */
static int join_stays(loader *L)
{
    if (L->n_stays > 1)
        qsort(L->stays, L->n_stays, sizeof *L->stays, cmp_pending_stay);
    size_t i = 0;
    while (i < L->n_stays) {
        pending_stay cur = L->stays[i++];
        while (i < L->n_stays && L->stays[i].person == cur.person &&
               L->stays[i].record != cur.record &&
               (cur.departure == IB_DATE_NONE ||
                L->stays[i].arrival <= cur.departure + 1)) {
            const pending_stay *n = &L->stays[i++];
            if (cur.departure != IB_DATE_NONE &&
                (n->departure == IB_DATE_NONE || n->departure > cur.departure))
                cur.departure = n->departure;
        }
        if (ib_mdata_add_stay(L->d, cur.person, cur.arrival, cur.departure) < 0)
            return IB_ENOMEM;
    }
    free(L->stays);
    L->stays = NULL;
    L->n_stays = L->cap_stays = 0;
    return IB_OK;
}

/* Organisations, locations and persons in (sender, id) order before the
 * next kind refers to them. */
static int on_kind_done(void *ctx, ib_kind kind)
{
    loader *L = ctx;
    ib_mdata *d = L->d;
    int rc = IB_OK;
    if (kind == IB_KIND_ORGANISATION) {
        rc = order_by_sender(&L->orgs, d->orgs, sizeof *d->orgs);
        if (!rc && d->n_orgs)
            rc = build_canon(&L->orgs, &L->org_keys, d->n_orgs, &d->orgs[0].merged,
                             sizeof *d->orgs);
    } else if (kind == IB_KIND_LOCATION) {
        rc = order_by_sender(&L->locations, d->locations, sizeof *d->locations);
        if (!rc && d->n_locations)
            rc = build_canon(&L->locations, &L->loc_keys, d->n_locations,
                             &d->locations[0].merged, sizeof *d->locations);
    }
    else if (kind == IB_KIND_PERSON) {
        rc = keep_one_per_person(L);
        if (!rc) rc = order_by_sender(&L->persons, d->persons, sizeof *d->persons);
    } else if (kind == IB_KIND_STAY)
        rc = join_stays(L);
    return rc ? loader_fail(L, rc == IB_ENOMEM ? IB_ENOMEM : rc, "verblijf", 0) : 0;
}

/* The person index of the record an episode belongs to, or -1. */
static int64_t person_of_record(loader *L, int64_t record)
{
    int64_t r = idmap_find(&L->records, record);
    return r < 0 ? -1 : idmap_find(&L->persons, L->record_person[r]);
}

/* The person index of an episode, or a failure code. */
#define PERSON_OF(L, pid, what, rec_id)                                        \
    int64_t person_ = person_of_record((L), (pid));                            \
    if (person_ < 0)                                                           \
        return loader_fail((L), IB_ESTORE, (what), (rec_id))

static int added(loader *L, int rc, const char *what, int64_t id)
{
    return rc < 0 ? loader_fail(L, rc, what, id) : 0;
}

static int on_stay(void *ctx, const ib_scan_stay *s)
{
    loader *L = ctx;
    PERSON_OF(L, s->person_id, "verblijf", s->id);
    if (grow((void **)&L->stays, &L->cap_stays, L->n_stays + 1, sizeof *L->stays))
        return loader_fail(L, IB_ENOMEM, "verblijf", s->id);
    L->stays[L->n_stays++] = (pending_stay){(uint32_t)person_, s->person_id,
                                            s->arrival, s->departure};
    return 0;
}

static int on_reg(void *ctx, const ib_scan_registration *r)
{
    loader *L = ctx;
    PERSON_OF(L, r->person_id, "inschrijving", r->id);
    ib_mreg x = {r->start, r->end, ib_muni_from_code(r->municipality),
                 (uint8_t)r->kind};
    return added(L, ib_mdata_add_reg(L->d, (uint32_t)person_, &x),
                 "inschrijving", r->id);
}

static int on_emp(void *ctx, const ib_scan_employment *e)
{
    loader *L = ctx;
    PERSON_OF(L, e->person_id, "dienstverband", e->id);
    if (e->monthly_wage != IB_CENTS_NONE &&
        (e->monthly_wage < 0 || e->monthly_wage > INT32_MAX))
        return ib_err_set(L->err, IB_ELIMIT,
                          "dienstverband %lld: maandloon buiten bereik",
                          (long long)e->id);
    ib_memp x = {
        .start = e->start, .end = e->end,
        .wage = e->monthly_wage == IB_CENTS_NONE ? -1 : (int32_t)e->monthly_wage,
        .employer = canon_index(&L->orgs, &L->org_keys, e->employer_id),
        .agency = canon_index(&L->orgs, &L->org_keys, e->agency_id),
        .contract = (uint8_t)e->contract,
    };
    return added(L, ib_mdata_add_emp(L->d, (uint32_t)person_, &x),
                 "dienstverband", e->id);
}

static int on_housing(void *ctx, const ib_scan_housing *h)
{
    loader *L = ctx;
    PERSON_OF(L, h->person_id, "huisvesting", h->id);
    int32_t loc = canon_index(&L->locations, &L->loc_keys, h->location_id);
    if (loc == IB_MIDX_NONE)
        return loader_fail(L, IB_ESTORE, "huisvesting", h->id);
    ib_mhousing x = {h->start, h->end, loc,
                     canon_index(&L->orgs, &L->org_keys, h->provided_by_id)};
    return added(L, ib_mdata_add_housing(L->d, (uint32_t)person_, &x),
                 "huisvesting", h->id);
}

static int on_event(void *ctx, const ib_scan_life_event *ev)
{
    loader *L = ctx;
    PERSON_OF(L, ev->person_id, "gebeurtenis", ev->id);
    return added(L, ib_mdata_add_event(L->d, (uint32_t)person_, ev->event,
                                       ev->date), "gebeurtenis", ev->id);
}

/* The version the scan reads at; kept only for the whole registry. */
static int on_data_version(void *ctx, const char *version)
{
    loader *L = ctx;
    ib_strlcpy(L->d->data_version, version, sizeof L->d->data_version);
    return 0;
}

int ib_mdata_load(ib_store *st, const ib_filter *f, ib_mdata *d, ib_err *err)
{
    loader L = {.d = d, .err = err};
    bool whole = !f || f->sender_id == 0;
    ib_scan_handler h = {
        .ctx = &L, .sender = on_sender, .organisation = on_org,
        .location = on_location, .person = on_person, .stay = on_stay,
        .registration = on_reg, .employment = on_emp, .housing = on_housing,
        .life_event = on_event, .kind_done = on_kind_done,
        .data_version = whole ? on_data_version : NULL,
    };
    ib_err_clear(err);
    ib_mdata_init(d);
    int rc = ib_store_scan(st, f ? f->sender_id : 0, &h, err);
    if (!rc)
        rc = ib_mdata_finish(d, err);
    idmap_free(&L.senders);
    idmap_free(&L.orgs);
    idmap_free(&L.locations);
    idmap_free(&L.persons);
    idmap_free(&L.records);
    free(L.org_keys.v);
    free(L.org_keys.canon);
    free(L.loc_keys.v);
    free(L.loc_keys.canon);
    free(L.record_person);
    free(L.source);
    free(L.stays);
    if (rc) {
        if (err && err->code == IB_OK)
            ib_err_set(err, rc, "laden mislukt");
        ib_mdata_free(d);
    }
    return rc;
}
