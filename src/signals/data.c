/* data.c — the signals' copy of the registry: the rows of a scan added
 * kind by kind, then finished into arrays grouped by linked person (CSR
 * offsets), with organisations merged by KvK number and locations by
 * address (docs/linkage.md). Sized for a national registry: refs live in
 * one string arena, an episode is a few integers. */
#include "signals/sig_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ id maps */

/* Store id -> index. Rows come from the store in table order, ascending
 * and nearly dense ids for SQLite: then a flat array indexed by id - base
 * answers with one load; otherwise binary search over the sorted pairs. */
typedef struct idpair {
    int64_t id;
    uint32_t idx;
} idpair;

typedef struct sig_idmap {
    idpair *v;
    size_t n, cap;
    bool sorted, sealed;
    int64_t base;
    uint32_t *dense;
    size_t dense_n;
} sig_idmap;

struct sig_build {
    size_t cap_senders, cap_orgs, cap_locations, cap_records;
    size_t cap[SIG_EPISODE_KINDS];
    uint32_t *owner[SIG_EPISODE_KINDS];   /* record index of each episode */
    size_t owner_cap[SIG_EPISODE_KINDS];
    sig_idmap senders, orgs, locations;
};

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

static void idmap_free(sig_idmap *m)
{
    if (!m)
        return;
    free(m->v);
    free(m->dense);
    memset(m, 0, sizeof *m);
}

static int idmap_add(sig_idmap *m, int64_t id, uint32_t idx)
{
    if (grow((void **)&m->v, &m->cap, m->n + 1, sizeof *m->v))
        return IB_ENOMEM;
    if (m->n == 0)
        m->sorted = true;
    else if (id <= m->v[m->n - 1].id)
        m->sorted = false;
    m->v[m->n++] = (idpair){id, idx};
    if (m->sealed) {                   /* added after a look-up: seal again */
        free(m->dense);
        m->dense = NULL;
        m->dense_n = 0;
        m->sealed = false;
    }
    return IB_OK;
}

static int cmp_idpair(const void *a, const void *b)
{
    int64_t x = ((const idpair *)a)->id, y = ((const idpair *)b)->id;
    return (x > y) - (x < y);
}

/* Sorts the pairs and, when the ids span at most about twice their number,
 * builds the flat index (a failed allocation only means binary search). */
static void idmap_seal(sig_idmap *m)
{
    m->sealed = true;
    if (!m->sorted && m->n > 1)
        qsort(m->v, m->n, sizeof *m->v, cmp_idpair);
    m->sorted = true;
    if (!m->n)
        return;
    uint64_t span = (uint64_t)m->v[m->n - 1].id - (uint64_t)m->v[0].id + 1;
    if (span > 2 * (uint64_t)m->n + 1024 ||
        !(m->dense = malloc((size_t)span * sizeof *m->dense)))
        return;
    memset(m->dense, 0xff, (size_t)span * sizeof *m->dense);
    m->base = m->v[0].id;
    m->dense_n = (size_t)span;
    for (size_t i = 0; i < m->n; i++)
        m->dense[m->v[i].id - m->base] = m->v[i].idx;
}

static uint32_t idmap_find(sig_idmap *m, int64_t id)
{
    if (!m->sealed)
        idmap_seal(m);
    if (m->dense) {
        if (id < m->base || (uint64_t)(id - m->base) >= m->dense_n)
            return SIG_NONE;
        return m->dense[id - m->base];
    }
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->v[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->n && m->v[lo].id == id ? m->v[lo].idx : SIG_NONE;
}

/* ------------------------------------------------------------ strings */

static int add_string(sig_data *d, const char *s, uint32_t *off)
{
    if (!s)
        s = "";
    size_t len = strlen(s) + 1;
    if (d->strings_len + len > UINT32_MAX - 1)
        return IB_ELIMIT;
    if (grow((void **)&d->strings, &d->strings_cap, d->strings_len + len, 1))
        return IB_ENOMEM;
    memcpy(d->strings + d->strings_len, s, len);
    *off = (uint32_t)d->strings_len;
    d->strings_len += len;
    return IB_OK;
}

const char *sig_str(const sig_data *d, uint32_t off)
{
    return off < d->strings_len ? d->strings + off : "";
}

void sig_address_key(const char *postcode, const char *number, char *out,
                     size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    if (!postcode || !number || !postcode[0] || !number[0] || size < 4)
        return;
    for (const char *p = postcode; *p && n + 2 < size; p++)
        if (*p != ' ')
            out[n++] = (char)toupper((unsigned char)*p);
    out[n++] = '|';
    bool sep = false;
    for (const char *p = number; *p && n + 2 < size; p++) {
        if (*p == '-' || *p == ' ') {
            sep = true;
            continue;
        }
        if (sep && out[n - 1] != '|')
            out[n++] = '-';
        sep = false;
        out[n++] = (char)toupper((unsigned char)*p);
    }
    out[n] = '\0';
}

/* ------------------------------------------------------------ adding rows */

void sig_data_init(sig_data *d)
{
    memset(d, 0, sizeof *d);
}

static void build_free(struct sig_build *b)
{
    if (!b)
        return;
    for (int k = 0; k < SIG_EPISODE_KINDS; k++)
        free(b->owner[k]);
    idmap_free(&b->senders);
    idmap_free(&b->orgs);
    idmap_free(&b->locations);
    free(b);
}

void sig_data_free(sig_data *d)
{
    if (!d)
        return;
    free(d->senders);
    free(d->orgs);
    free(d->locations);
    free(d->records);
    free(d->persons);
    free(d->person_records);
    free(d->record_off);
    free(d->stays);
    free(d->regs);
    free(d->emps);
    free(d->housings);
    free(d->events);
    free(d->contacts);
    for (int k = 0; k < SIG_EPISODE_KINDS; k++)
        free(d->off[k]);
    free(d->strings);
    idmap_free(d->record_map);
    free(d->record_map);
    build_free(d->build);
    memset(d, 0, sizeof *d);
}

static int need_build(sig_data *d)
{
    if (!d->build && !(d->build = calloc(1, sizeof *d->build)))
        return IB_ENOMEM;
    if (!d->record_map && !(d->record_map = calloc(1, sizeof *d->record_map)))
        return IB_ENOMEM;
    return IB_OK;
}

static uint32_t index_of(sig_idmap *m, int64_t id)
{
    return id ? idmap_find(m, id) : SIG_NONE;
}

int sig_add_sender(sig_data *d, int64_t id, const char *ref)
{
    if (need_build(d) || grow((void **)&d->senders, &d->build->cap_senders,
                              d->n_senders + 1, sizeof *d->senders))
        return IB_ENOMEM;
    sig_sender *s = &d->senders[d->n_senders];
    s->id = id;
    int rc = add_string(d, ref, &s->ref);
    if (rc == IB_OK)
        rc = idmap_add(&d->build->senders, id, (uint32_t)d->n_senders);
    if (rc == IB_OK)
        d->n_senders++;
    return rc;
}

int sig_add_org(sig_data *d, const ib_scan_org *o)
{
    if (d->n_orgs >= SIG_NONE - 1)
        return IB_ELIMIT;
    if (need_build(d) || grow((void **)&d->orgs, &d->build->cap_orgs,
                              d->n_orgs + 1, sizeof *d->orgs))
        return IB_ENOMEM;
    sig_org *x = &d->orgs[d->n_orgs];
    memset(x, 0, sizeof *x);
    x->id = o->id;
    x->sender = index_of(&d->build->senders, o->sender_id);
    if (x->sender == SIG_NONE)
        return IB_ESTORE;
    x->canon = (uint32_t)d->n_orgs;
    ib_strlcpy(x->kvk, o->kvk, sizeof x->kvk);
    int rc = add_string(d, o->ref, &x->ref);
    if (rc == IB_OK)
        rc = idmap_add(&d->build->orgs, o->id, (uint32_t)d->n_orgs);
    if (rc == IB_OK)
        d->n_orgs++;
    return rc;
}

int sig_add_location(sig_data *d, const ib_scan_location *l)
{
    if (d->n_locations >= SIG_NONE - 1)
        return IB_ELIMIT;
    if (need_build(d) || grow((void **)&d->locations, &d->build->cap_locations,
                              d->n_locations + 1, sizeof *d->locations))
        return IB_ENOMEM;
    sig_location *x = &d->locations[d->n_locations];
    memset(x, 0, sizeof *x);
    x->id = l->id;
    x->sender = index_of(&d->build->senders, l->sender_id);
    if (x->sender == SIG_NONE)
        return IB_ESTORE;
    x->canon = (uint32_t)d->n_locations;
    x->capacity = l->capacity;
    x->floor_area = l->floor_area_m2;
    ib_strlcpy(x->municipality, l->municipality, sizeof x->municipality);
    sig_address_key(l->postcode, l->house_number, x->address, sizeof x->address);
    int rc = add_string(d, l->ref, &x->ref);
    if (rc == IB_OK)
        rc = idmap_add(&d->build->locations, l->id, (uint32_t)d->n_locations);
    if (rc == IB_OK)
        d->n_locations++;
    return rc;
}

int sig_add_person(sig_data *d, const ib_scan_person *p)
{
    if (d->n_records >= SIG_NONE - 1)
        return IB_ELIMIT;
    if (need_build(d) || grow((void **)&d->records, &d->build->cap_records,
                              d->n_records + 1, sizeof *d->records))
        return IB_ENOMEM;
    sig_record *x = &d->records[d->n_records];
    memset(x, 0, sizeof *x);
    x->id = p->id;
    x->person_id = p->person_id ? p->person_id : p->id;
    x->sender = index_of(&d->build->senders, p->sender_id);
    if (x->sender == SIG_NONE)
        return IB_ESTORE;
    x->person = SIG_NONE;
    int rc = add_string(d, p->ref, &x->ref);
    if (rc == IB_OK)
        rc = idmap_add(d->record_map, p->id, (uint32_t)d->n_records);
    if (rc == IB_OK)
        d->n_records++;
    return rc;
}

/* The index of the record with store id record_id (SIG_NONE unknown). */
static uint32_t record_of(sig_data *d, int64_t record_id)
{
    return need_build(d) ? SIG_NONE : index_of(d->record_map, record_id);
}

/* Appends one episode of kind k (elem bytes at rec) delivered by record r
 * (an index). */
static int add_episode(sig_data *d, int k, void **arr, size_t elem, uint32_t r,
                       const void *rec)
{
    if (need_build(d))
        return IB_ENOMEM;
    struct sig_build *b = d->build;
    if (r == SIG_NONE)
        return IB_ESTORE;
    if (d->n[k] >= SIG_NONE - 1)
        return IB_ELIMIT;
    size_t ocap = b->owner_cap[k];
    if (grow(arr, &b->cap[k], d->n[k] + 1, elem) ||
        grow((void **)&b->owner[k], &ocap, d->n[k] + 1, sizeof(uint32_t)))
        return IB_ENOMEM;
    b->owner_cap[k] = ocap;
    memcpy((char *)*arr + d->n[k] * elem, rec, elem);
    b->owner[k][d->n[k]++] = r;
    return IB_OK;
}

int sig_add_stay(sig_data *d, const ib_scan_stay *s)
{
    sig_stay x = {s->arrival, s->departure, record_of(d, s->person_id)};
    return add_episode(d, SIG_STAY, (void **)&d->stays, sizeof x, x.record, &x);
}

int sig_add_registration(sig_data *d, const ib_scan_registration *r)
{
    sig_reg x;
    memset(&x, 0, sizeof x);
    x.start = r->start;
    x.end = r->end;
    x.kind = (uint8_t)r->kind;
    ib_strlcpy(x.municipality, r->municipality, sizeof x.municipality);
    return add_episode(d, SIG_REG, (void **)&d->regs, sizeof x,
                       record_of(d, r->person_id), &x);
}

int sig_add_employment(sig_data *d, const ib_scan_employment *e)
{
    uint32_t r = record_of(d, e->person_id);
    if (!d->build)
        return IB_ENOMEM;
    sig_emp x = {e->start, e->end, r, index_of(&d->build->orgs, e->employer_id),
                 index_of(&d->build->orgs, e->agency_id)};
    if (x.employer == SIG_NONE || (e->agency_id && x.agency == SIG_NONE))
        return IB_ESTORE;
    return add_episode(d, SIG_EMP, (void **)&d->emps, sizeof x, r, &x);
}

int sig_add_housing(sig_data *d, const ib_scan_housing *h)
{
    uint32_t r = record_of(d, h->person_id);
    if (!d->build)
        return IB_ENOMEM;
    sig_housing x = {h->start, h->end, r, index_of(&d->build->locations, h->location_id),
                     index_of(&d->build->orgs, h->provided_by_id)};
    if (x.location == SIG_NONE || (h->provided_by_id && x.provided_by == SIG_NONE))
        return IB_ESTORE;
    return add_episode(d, SIG_HOUSING, (void **)&d->housings, sizeof x, r, &x);
}

int sig_add_life_event(sig_data *d, const ib_scan_life_event *ev)
{
    sig_event x = {ev->date, (uint8_t)ev->event};
    return add_episode(d, SIG_EVENT, (void **)&d->events, sizeof x,
                       record_of(d, ev->person_id), &x);
}

int sig_add_contact(sig_data *d, const ib_scan_contact *c)
{
    sig_contact x = {c->date, (uint8_t)c->kind};
    return add_episode(d, SIG_CONTACT, (void **)&d->contacts, sizeof x,
                       record_of(d, c->person_id), &x);
}

/* ------------------------------------------------------------ finishing */

/* Each organisation with the KvK number of one with a lower store id is
 * one with it (docs/linkage.md: the first sender's record stands for it);
 * the same for locations at one address. keys[i] is the key of item i
 * ("" none); canon[i] receives the item that stands for it. */
typedef struct keyed {
    const char *key;
    int64_t id;
    uint32_t idx;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->id > y->id) - (x->id < y->id);
}

static int merge_by_key(size_t n, const char *(*key_of)(const sig_data *, size_t),
                        const sig_data *d, int64_t (*id_of)(const sig_data *, size_t),
                        uint32_t *canon, size_t stride_bytes)
{
    keyed *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return IB_ENOMEM;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const char *k = key_of(d, i);
        if (k[0])
            v[m++] = (keyed){k, id_of(d, i), (uint32_t)i};
    }
    if (m > 1)
        qsort(v, m, sizeof *v, cmp_keyed);
    for (size_t j = 0, first = 0; j < m; j++) {
        if (j && strcmp(v[j].key, v[j - 1].key) != 0)
            first = j;
        *(uint32_t *)((char *)canon + v[j].idx * stride_bytes) = v[first].idx;
    }
    free(v);
    return IB_OK;
}

static const char *org_key(const sig_data *d, size_t i) { return d->orgs[i].kvk; }
static int64_t org_id(const sig_data *d, size_t i) { return d->orgs[i].id; }
static const char *loc_key(const sig_data *d, size_t i) { return d->locations[i].address; }
static int64_t loc_id(const sig_data *d, size_t i) { return d->locations[i].id; }

typedef struct person_pair {
    int64_t person_id;
    uint32_t record;
} person_pair;

static int cmp_person_pair(const void *a, const void *b)
{
    const person_pair *x = a, *y = b;
    if (x->person_id != y->person_id)
        return (x->person_id > y->person_id) - (x->person_id < y->person_id);
    return (x->record > y->record) - (x->record < y->record);
}

/* Persons in id order, each with its records. */
static int group_records(sig_data *d)
{
    size_t n = d->n_records;
    person_pair *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return IB_ENOMEM;
    bool ordered = true;
    for (size_t i = 0; i < n; i++) {
        v[i] = (person_pair){d->records[i].person_id, (uint32_t)i};
        if (i && cmp_person_pair(&v[i - 1], &v[i]) > 0)
            ordered = false;
    }
    if (!ordered && n > 1)
        qsort(v, n, sizeof *v, cmp_person_pair);
    size_t np = 0;
    for (size_t i = 0; i < n; i++)
        if (!i || v[i].person_id != v[i - 1].person_id)
            np++;
    d->persons = malloc((np ? np : 1) * sizeof *d->persons);
    d->record_off = malloc((np + 1) * sizeof *d->record_off);
    d->person_records = malloc((n ? n : 1) * sizeof *d->person_records);
    if (!d->persons || !d->record_off || !d->person_records) {
        free(v);
        return IB_ENOMEM;
    }
    size_t p = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && v[i].person_id != v[i - 1].person_id)
            p++;
        if (!i || v[i].person_id != v[i - 1].person_id) {
            d->persons[p].id = v[i].person_id;
            d->record_off[p] = (uint32_t)i;
        }
        d->person_records[i] = v[i].record;
        d->records[v[i].record].person = (uint32_t)p;
    }
    d->record_off[np] = (uint32_t)n;
    d->n_persons = np;
    free(v);
    return IB_OK;
}

/* Puts the episodes of kind k in person order (a stable counting sort) and
 * builds its offsets. */
static int group_kind(sig_data *d, int k, void **arr, size_t elem)
{
    size_t n = d->n[k], np = d->n_persons;
    uint32_t *owner = d->build ? d->build->owner[k] : NULL;
    uint32_t *off = calloc(np + 1, sizeof *off);
    if (!off)
        return IB_ENOMEM;
    bool ordered = true;
    uint32_t prev = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t p = d->records[owner[i]].person;
        off[p + 1]++;
        if (i && p < prev)
            ordered = false;
        prev = p;
    }
    for (size_t p = 0; p < np; p++)
        off[p + 1] += off[p];
    if (!ordered) {
        char *out = malloc(n * elem);
        uint32_t *pos = malloc((np ? np : 1) * sizeof *pos);
        if (!out || !pos) {
            free(out);
            free(pos);
            free(off);
            return IB_ENOMEM;
        }
        memcpy(pos, off, np * sizeof *pos);
        for (size_t i = 0; i < n; i++) {
            uint32_t p = d->records[owner[i]].person;
            memcpy(out + (size_t)pos[p]++ * elem, (char *)*arr + i * elem, elem);
        }
        free(pos);
        free(*arr);
        *arr = out;
    }
    d->off[k] = off;
    return IB_OK;
}

int sig_data_finish(sig_data *d, ib_err *err)
{
    if (need_build(d))
        return ib_err_set(err, IB_ENOMEM, "geheugen vol bij het laden van de signalen");
    struct {
        void **arr;
        size_t elem;
    } kinds[SIG_EPISODE_KINDS] = {
        [SIG_STAY] = {(void **)&d->stays, sizeof *d->stays},
        [SIG_REG] = {(void **)&d->regs, sizeof *d->regs},
        [SIG_EMP] = {(void **)&d->emps, sizeof *d->emps},
        [SIG_HOUSING] = {(void **)&d->housings, sizeof *d->housings},
        [SIG_EVENT] = {(void **)&d->events, sizeof *d->events},
        [SIG_CONTACT] = {(void **)&d->contacts, sizeof *d->contacts},
    };
    int rc = IB_OK;
    if (d->n_orgs)
        rc = merge_by_key(d->n_orgs, org_key, d, org_id, &d->orgs[0].canon,
                          sizeof *d->orgs);
    if (!rc && d->n_locations)
        rc = merge_by_key(d->n_locations, loc_key, d, loc_id,
                          &d->locations[0].canon, sizeof *d->locations);
    if (!rc)
        rc = group_records(d);
    for (int k = 0; !rc && k < SIG_EPISODE_KINDS; k++)
        rc = group_kind(d, k, kinds[k].arr, kinds[k].elem);
    if (rc)
        return ib_err_set(err, IB_ENOMEM, "geheugen vol bij het laden van de signalen");
    if (d->n_records)
        idmap_find(d->record_map, d->records[0].id);   /* sealed for look-ups */
    build_free(d->build);
    d->build = NULL;
    return IB_OK;
}

/* ------------------------------------------------------------ look-ups */

uint32_t sig_person_index(const sig_data *d, int64_t person_id)
{
    size_t lo = 0, hi = d->n_persons;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->persons[mid].id < person_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->n_persons && d->persons[lo].id == person_id ? (uint32_t)lo
                                                               : SIG_NONE;
}

uint32_t sig_record_by_id(const sig_data *d, int64_t record_id)
{
    return d->record_map && record_id ? idmap_find(d->record_map, record_id)
                                      : SIG_NONE;
}

uint32_t sig_record_index(const sig_data *d, int64_t sender_id, const char *ref)
{
    for (size_t i = 0; i < d->n_records; i++) {
        const sig_record *r = &d->records[i];
        if (d->senders[r->sender].id == sender_id &&
            strcmp(sig_str(d, r->ref), ref) == 0)
            return (uint32_t)i;
    }
    return SIG_NONE;
}

/* ------------------------------------------------------------ loading */

typedef struct loader {
    sig_data *d;
    ib_err *err;
} loader;

static int failed(loader *L, int rc, const char *what, int64_t id)
{
    if (rc == IB_OK)
        return 0;
    if (rc == IB_ENOMEM)
        return ib_err_set(L->err, rc, "geheugen vol bij het laden van de signalen");
    if (rc == IB_ELIMIT)
        return ib_err_set(L->err, rc, "te veel gegevens voor de signalen (%s)", what);
    return ib_err_set(L->err, rc, "%s %lld verwijst naar een onbekend record", what,
                      (long long)id);
}

static int on_sender(void *ctx, int64_t id, const char *ref)
{
    loader *L = ctx;
    return failed(L, sig_add_sender(L->d, id, ref), "afzender", id);
}

static int on_org(void *ctx, const ib_scan_org *o)
{
    loader *L = ctx;
    return failed(L, sig_add_org(L->d, o), "organisatie", o->id);
}

static int on_location(void *ctx, const ib_scan_location *l)
{
    loader *L = ctx;
    return failed(L, sig_add_location(L->d, l), "locatie", l->id);
}

static int on_person(void *ctx, const ib_scan_person *p)
{
    loader *L = ctx;
    return failed(L, sig_add_person(L->d, p), "persoon", p->id);
}

static int on_stay(void *ctx, const ib_scan_stay *s)
{
    loader *L = ctx;
    return failed(L, sig_add_stay(L->d, s), "verblijf", s->id);
}

static int on_reg(void *ctx, const ib_scan_registration *r)
{
    loader *L = ctx;
    return failed(L, sig_add_registration(L->d, r), "inschrijving", r->id);
}

static int on_emp(void *ctx, const ib_scan_employment *e)
{
    loader *L = ctx;
    return failed(L, sig_add_employment(L->d, e), "dienstverband", e->id);
}

static int on_housing(void *ctx, const ib_scan_housing *h)
{
    loader *L = ctx;
    return failed(L, sig_add_housing(L->d, h), "huisvesting", h->id);
}

static int on_event(void *ctx, const ib_scan_life_event *ev)
{
    loader *L = ctx;
    return failed(L, sig_add_life_event(L->d, ev), "gebeurtenis", ev->id);
}

static int on_contact(void *ctx, const ib_scan_contact *c)
{
    loader *L = ctx;
    return failed(L, sig_add_contact(L->d, c), "contact", c->id);
}

int sig_data_load(ib_store *st, sig_data *d, ib_err *err)
{
    loader L = {.d = d, .err = err};
    ib_scan_handler h = {
        .ctx = &L, .sender = on_sender, .organisation = on_org,
        .location = on_location, .person = on_person, .stay = on_stay,
        .registration = on_reg, .employment = on_emp, .housing = on_housing,
        .life_event = on_event, .contact = on_contact,
    };
    ib_err_clear(err);
    sig_data_init(d);
    int rc = ib_store_scan(st, 0, &h, err);
    if (!rc)
        rc = sig_data_finish(d, err);
    if (rc) {
        if (err && err->code == IB_OK)
            ib_err_set(err, rc, "laden van de signalen mislukt");
        sig_data_free(d);
    }
    return rc;
}
