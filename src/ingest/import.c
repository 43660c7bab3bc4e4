/* import.c — importing one file (or JSON array) as one transaction: the
 * per-row step shared by the CSV and JSON drivers (parse, duplicate key,
 * store, turning store refusals into row rejections), the rejection list,
 * progress and the commit/rollback with its audit entry. */
#include "ingest/ingest_internal.h"
#include "ingest/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* ------------------------------------------------------------ rejections */

/* Appends e to a list of the report (rejections or warnings); counts it
 * as omitted beyond IB_IMPORT_REJECTIONS_MAX or when out of memory. */
static void report_add(ib_import_rejection **list, size_t *n, int64_t *omitted,
                       const ib_err *e)
{
    if (*n >= IB_IMPORT_REJECTIONS_MAX) {
        (*omitted)++;
        return;
    }
    if ((*n & (*n - 1)) == 0) {                 /* 0, 1, 2, 4, .. */
        size_t cap = *n ? *n * 2 : 8;
        ib_import_rejection *p = realloc(*list, cap * sizeof *p);
        if (!p) {
            (*omitted)++;
            return;
        }
        *list = p;
    }
    ib_import_rejection *r = &(*list)[(*n)++];
    r->line = e->line;
    r->column = e->column;
    ib_strlcpy(r->field, e->field, sizeof r->field);
    ib_strlcpy(r->msg, e->msg, sizeof r->msg);
    ib_sanitise_utf8(r->field);
    ib_sanitise_utf8(r->msg);
}

void ib_run_reject(ib_run *run, const ib_err *e)
{
    ib_import_file_report *f = run->file;
    f->rejected++;
    report_add(&f->rejections, &f->nrejections, &f->rejections_omitted, e);
}

void ib_run_warn(ib_run *run, const ib_err *e)
{
    ib_import_file_report *f = run->file;
    report_add(&f->warnings, &f->nwarnings, &f->warnings_omitted, e);
}

void ib_run_reject_cb(void *ctx, const ib_err *e)
{
    ib_run_reject(ctx, e);
}

/* ------------------------------------------------------------ keys */

#define KEY_MEMORY_DEFAULT ((size_t)64 << 20)
#define BLOOM_BYTES ((size_t)16 << 20)

static void keyset_free(ib_keyset *k)
{
    ib_table_free(k->slots, k->cap * sizeof *k->slots);
    ib_table_free(k->bloom, k->bloom_blocks * 64);
    ib_keyspill_close(k->spill);
    memset(k, 0, sizeof *k);
}

/* The largest power of two of slots that fits the memory (at least 1024). */
static size_t keyset_max_cap(size_t bytes)
{
    size_t cap = 1024;
    while (cap * 2 * sizeof(ib_key_slot) <= bytes)
        cap *= 2;
    return cap;
}

static int keyset_grow(ib_keyset *k)
{
    size_t cap = k->cap ? k->cap * 2 : 1024;
    ib_key_slot *slots = ib_table_alloc(cap * sizeof *slots);
    if (!slots)
        return IB_ENOMEM;
    for (size_t i = 0; i < k->cap; i++) {
        if (!k->slots[i].key)
            continue;
        size_t j = (size_t)k->slots[i].key & (cap - 1);
        while (slots[j].key)
            j = (j + 1) & (cap - 1);
        slots[j] = k->slots[i];
    }
    ib_table_free(k->slots, k->cap * sizeof *k->slots);
    k->slots = slots;
    k->cap = cap;
    return IB_OK;
}

/* ---- the Bloom filter of the spilled keys: a block of 512 bits chosen by
 * the key's high bits, four bits in it from a second mix of the key. */

static uint64_t *bloom_block(const ib_keyset *k, uint64_t h)
{
    return k->bloom + ((h >> 32) & (k->bloom_blocks - 1)) * 8;
}

static void bloom_add(ib_keyset *k, uint64_t h)
{
    uint64_t *b = bloom_block(k, h), g = h * 0x9E3779B97F4A7C15ULL;
    for (int i = 0; i < 4; i++, g >>= 9)
        b[(g >> 6) & 7] |= (uint64_t)1 << (g & 63);
}

static bool bloom_maybe(const ib_keyset *k, uint64_t h)
{
    const uint64_t *b = bloom_block(k, h);
    uint64_t g = h * 0x9E3779B97F4A7C15ULL;
    for (int i = 0; i < 4; i++, g >>= 9)
        if (!(b[(g >> 6) & 7] & ((uint64_t)1 << (g & 63))))
            return false;
    return true;
}

/* Sorts keys by their signed value (the spill's integer order) in place:
 * the C library's qsort may take a buffer as large as the table to merge
 * into, which is the memory the spill is there to save. Quicksort on the
 * median of three, the smaller side by recursion (depth at most log2 n),
 * short runs by insertion. */
static int64_t key_of(const ib_key_line *k)
{
    return (int64_t)k->key;
}

static void insertion_sort(ib_key_line *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        ib_key_line x = v[i];
        size_t j = i;
        for (; j > 0 && key_of(&v[j - 1]) > key_of(&x); j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

static void swap_keys(ib_key_line *a, ib_key_line *b)
{
    ib_key_line t = *a;
    *a = *b;
    *b = t;
}

static void sort_keys(ib_key_line *v, size_t n)
{
    while (n > 16) {
        ib_key_line *mid = v + n / 2, *last = v + n - 1;
        if (key_of(mid) < key_of(v))
            swap_keys(mid, v);
        if (key_of(last) < key_of(v))
            swap_keys(last, v);
        if (key_of(last) < key_of(mid))
            swap_keys(last, mid);
        int64_t pivot = key_of(mid);
        size_t i = 0, j = n - 1;
        for (;;) {
            while (key_of(&v[i]) < pivot)
                i++;
            while (key_of(&v[j]) > pivot)
                j--;
            if (i >= j)
                break;
            swap_keys(&v[i++], &v[j--]);
        }
        /* v[0..j] <= pivot <= v[j+1..n) */
        size_t left = j + 1;
        if (left < n - left) {
            sort_keys(v, left);
            v += left;
            n -= left;
        } else {
            sort_keys(v + left, n - left);
            n = left;
        }
    }
    insertion_sort(v, n);
}

/* Moves every key of the full table to the spill (in key order, which the
 * spill's B-tree takes fastest) and empties the table, without memory
 * beyond the table's own. */
static int keyset_spill(ib_keyset *k, ib_err *err)
{
    int rc = IB_OK;
    if (!k->spill) {
        k->bloom_blocks = BLOOM_BYTES / 64;
        k->bloom = ib_table_alloc(BLOOM_BYTES);
        if (!k->bloom)
            return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
        if ((rc = ib_keyspill_open(&k->spill, err)) != IB_OK)
            return rc;
    }
    /* the keys to the front of the table, then sorted there */
    size_t n = 0;
    for (size_t i = 0; i < k->cap; i++)
        if (k->slots[i].key) {
            bloom_add(k, k->slots[i].key);
            k->slots[n++] = k->slots[i];
        }
    sort_keys(k->slots, n);
    rc = ib_keyspill_add(k->spill, k->slots, n, err);
    memset(k->slots, 0, k->cap * sizeof *k->slots);
    k->count = 0;
    return rc;
}

/* Starts loading the slot of h into the cache: in a file of millions of
 * rows nearly every new key's slot is a cache miss, which the row's parse
 * can then overlap. */
static void keyset_prefetch(const ib_keyset *k, uint64_t h)
{
    if (k->cap)
        __builtin_prefetch(&k->slots[(size_t)h & (k->cap - 1)], 1);
    if (k->bloom)
        __builtin_prefetch(bloom_block(k, h));
}

/* The line of an earlier key h among the spilled ones, or 0. */
static int keyset_spilled_line(const ib_keyset *k, uint64_t h, long *earlier,
                               ib_err *err)
{
    uint32_t line = 0;
    int rc = IB_OK;
    if (k->spill && bloom_maybe(k, h))
        rc = ib_keyspill_find(k->spill, h, &line, err);
    *earlier = line;
    return rc;
}

/* Adds h with its line; when h is already there, *earlier gets that line
 * and nothing is added. */
static int keyset_add(ib_keyset *k, uint64_t h, long line, long *earlier,
                      ib_err *err)
{
    *earlier = 0;
    bool full = (k->count + 1) * 4 > k->cap * 3;
    if (full && k->cap < k->max_cap && keyset_grow(k) != IB_OK)
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    size_t j = (size_t)h & (k->cap - 1);
    while (k->slots[j].key) {
        if (k->slots[j].key == h) {
            *earlier = k->slots[j].line;
            return IB_OK;
        }
        j = (j + 1) & (k->cap - 1);
    }
    int rc = keyset_spilled_line(k, h, earlier, err);
    if (rc != IB_OK || *earlier)
        return rc;
    if (full && k->cap >= k->max_cap) {
        if ((rc = keyset_spill(k, err)) != IB_OK)
            return rc;
        j = (size_t)h & (k->cap - 1);    /* the table is empty now */
    }
    k->slots[j].key = h;
    k->slots[j].line = line > (long)UINT32_MAX ? UINT32_MAX : (uint32_t)line;
    k->count++;
    return IB_OK;
}

static void key_names(const ib_record_type *t, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (const int *k = t->key; *k >= 0 && used < size; k++) {
        int n = snprintf(buf + used, size - used, "%s%s",
                         k == t->key ? "" : ", ", t->columns[*k].name);
        if (n < 0)
            return;
        used += (size_t)n;
    }
}

static int check_duplicate(ib_run *run, const ib_row_in *in, uint64_t key,
                           bool *dup, ib_err *err)
{
    long earlier;
    *dup = false;
    int rc = keyset_add(&run->keys, key, in->line, &earlier, err);
    if (rc != IB_OK)
        return rc;
    if (earlier == 0)
        return IB_OK;
    char keys[128];
    ib_err e;
    key_names(run->type, keys, sizeof keys);
    ib_val_error(in, run->type->key[0], &e,
                 "dubbel: dezelfde sleutel (%s) als %s %ld", keys,
                 run->file->json ? "element" : "regel", earlier);
    ib_run_reject(run, &e);
    *dup = true;
    return IB_OK;
}

/* ------------------------------------------------------------ store */

static const char *refto_noun(ib_refto r)
{
    switch (r) {
    case IB_REFTO_PERSON: return "persoon";
    case IB_REFTO_LOCATION: return "locatie";
    case IB_REFTO_ORGANISATION: return "organisatie";
    default: return "verwijzing";
    }
}

static void reject_not_found(ib_run *run, const ib_row_in *in,
                             const ib_err *se)
{
    ib_err e;
    char shown[80];
    int c = ib_record_column(run->type, se->field, strlen(se->field));
    if (c < 0) {
        ib_err_set_at(&e, IB_EINVAL, in->line, 0, se->field, "%s", se->msg);
    } else {
        ib_show(in->v[c].s, in->v[c].len, shown, sizeof shown);
        ib_val_error(in, c, &e, "onbekende %s '%s' (niet aangeleverd door "
                     "deze afzender)", refto_noun(run->type->columns[c].refto),
                     shown);
    }
    ib_run_reject(run, &e);
}

/* The stored stay a refused stay overlaps, for the message. */
typedef struct overlap_find {
    const ib_stay *s;
    ib_date arrival, departure;
    bool found;
} overlap_find;

static int find_overlap_cb(void *ctx, const ib_stay *o)
{
    overlap_find *f = ctx;
    ib_date a_end = f->s->departure == IB_DATE_NONE ? INT32_MAX : f->s->departure;
    ib_date b_end = o->departure == IB_DATE_NONE ? INT32_MAX : o->departure;
    if (o->arrival == f->s->arrival || o->arrival > a_end ||
        f->s->arrival > b_end)
        return 0;
    f->arrival = o->arrival;
    f->departure = o->departure;
    f->found = true;
    return 1;
}

static void reject_overlap(ib_run *run, const ib_row_in *in, const ib_err *se)
{
    ib_err e;
    const ib_stay *s = &run->rec.stay;
    ib_person p;
    overlap_find f = {s, 0, 0, false};
    int arrival_col = ib_record_column(run->type, "arrival_date", 12);
    if (run->type->kind != IB_KIND_STAY) {
        ib_err_set_at(&e, IB_EINVAL, in->line, 0, se->field, "%s", se->msg);
        ib_run_reject(run, &e);
        return;
    }
    if (ib_store_get_person(run->st, run->sender_id, s->person_ref, &p,
                            NULL) == IB_OK) {
        ib_filter flt = {run->sender_id, p.person_id, 0};
        ib_store_each_stay(run->st, &flt, find_overlap_cb, &f, NULL);
    }
    char a[IB_DATE_STRLEN], d[IB_DATE_STRLEN];
    if (!f.found)
        ib_val_error(in, arrival_col, &e,
                     "verblijf overlapt met een ander verblijf van deze "
                     "persoon");
    else if (f.departure == IB_DATE_NONE)
        ib_val_error(in, arrival_col, &e,
                     "verblijf overlapt met het verblijf vanaf %s (nog "
                     "aanwezig) van deze persoon", ib_date_format(f.arrival, a));
    else
        ib_val_error(in, arrival_col, &e,
                     "verblijf overlapt met het verblijf van %s tot en met %s "
                     "van deze persoon", ib_date_format(f.arrival, a),
                     ib_date_format(f.departure, d));
    ib_run_reject(run, &e);
}

/* One sender, two refs for one person: stored and linked (the same BSN is
 * one person, docs/linkage.md), with a warning naming both refs. */
static void warn_two_refs(ib_run *run, const ib_row_in *in, const ib_person *p)
{
    ib_err e;
    int c = ib_record_column(run->type, "bsn", 3);
    ib_err_set_at(&e, IB_OK, in->line, c >= 0 && in->position ? in->position[c] : 0,
                  "bsn", "persoon '%s' heeft hetzelfde BSN als persoon '%s' van deze "
                  "afzender: gekoppeld als één persoon (twee sleutels voor één persoon?)",
                  p->ref, p->linked_ref);
    ib_run_warn(run, &e);
}

/* A store refusal of one row becomes its rejection; anything else is
 * returned and aborts the file. */
static int store_row(ib_run *run, const ib_row_in *in, ib_err *err)
{
    ib_put_result res = IB_PUT_UNCHANGED;
    ib_err se;
    ib_err_clear(&se);
    ((ib_meta *)(void *)&run->rec)->sender_id = run->sender_id;
    int rc = run->type->put(run->st, &run->rec, &res, &se);
    switch (rc) {
    case IB_OK:
        if (run->type->kind == IB_KIND_PERSON && run->rec.person.linked_ref[0])
            warn_two_refs(run, in, &run->rec.person);
        if (res == IB_PUT_INSERTED)
            run->file->inserted++;
        else if (res == IB_PUT_UPDATED)
            run->file->updated++;
        else
            run->file->unchanged++;
        return IB_OK;
    case IB_ENOTFOUND:
        reject_not_found(run, in, &se);
        return IB_OK;
    case IB_ECONFLICT:
        reject_overlap(run, in, &se);
        return IB_OK;
    case IB_EINVAL: {
        ib_err e;
        int c = ib_record_column(run->type, se.field, strlen(se.field));
        ib_err_set_at(&e, IB_EINVAL, in->line,
                      c >= 0 && in->position ? in->position[c] : 0, se.field,
                      "%s", se.msg);
        ib_run_reject(run, &e);
        return IB_OK;
    }
    default:
        if (err)
            *err = se;
        return rc;
    }
}

static const ib_kind refto_kind[] = {
    [IB_REFTO_PERSON] = IB_KIND_PERSON,
    [IB_REFTO_ORGANISATION] = IB_KIND_ORGANISATION,
    [IB_REFTO_LOCATION] = IB_KIND_LOCATION,
};

/* Asks the store to load the cache entries of the row's refs (and of its
 * own ref, for persons, organisations and locations) while the row is
 * parsed and hashed: in a large import most are cache misses. */
static void prefetch_refs(const ib_run *run, const ib_row_in *in)
{
    const ib_record_type *t = run->type;
    for (int c = 0; c < t->ncolumns; c++)
        if (t->columns[c].refto != IB_REFTO_NONE && in->v[c].len > 0)
            ib_store_prefetch_ref(run->st, refto_kind[t->columns[c].refto],
                                  run->sender_id, in->v[c].s, in->v[c].len);
    if (t->kind == IB_KIND_PERSON || t->kind == IB_KIND_ORGANISATION ||
        t->kind == IB_KIND_LOCATION)
        ib_store_prefetch_ref(run->st, t->kind, run->sender_id,
                              in->v[t->key[0]].s, in->v[t->key[0]].len);
}

int ib_run_row(ib_run *run, const ib_row_in *in, ib_err *err)
{
    ib_err e;
    bool dup;
    uint64_t key = ib_record_key_hash(in);
    keyset_prefetch(&run->keys, key);
    if (run->st)
        prefetch_refs(run, in);
    if (run->type->parse(in, &run->rec, &e) != IB_OK) {
        ib_run_reject(run, &e);
        return IB_OK;
    }
    int rc = check_duplicate(run, in, key, &dup, err);
    if (rc != IB_OK)
        return rc;
    if (dup || !run->st)
        return IB_OK;
    return store_row(run, in, err);
}

/* ------------------------------------------------------------ progress */

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#define PROGRESS_NS 100000000     /* 100 ms */

int ib_run_progress(ib_run *run, uint64_t bytes_read, uint64_t bytes_total,
                    bool done)
{
    const ib_import_options *o = run->opt;
    if (!o || !o->progress)
        return 0;
    int64_t rows = run->file->read;
    bool due = done;
    if (o->progress_rows > 0 && rows >= run->next_progress_rows) {
        run->next_progress_rows = rows + o->progress_rows;
        due = true;
    }
    /* Reading the clock every 256 rows keeps its cost out of the profile. */
    if (!due && (rows == 1 || (rows & 255) == 0)) {
        int64_t t = now_ns();
        if (rows == 1 || t - run->last_progress_ns >= PROGRESS_NS)
            due = true;
    }
    if (!due)
        return 0;
    run->last_progress_ns = now_ns();
    const ib_import_file_report *f = run->file;
    ib_import_progress p = {f->path, run->type->kind, run->file_index,
                            run->file_count, bytes_read, bytes_total, rows,
                            done,
                            done ? IB_IMPORT_PHASE_FINISH : IB_IMPORT_PHASE_ROWS,
                            f->inserted + f->updated + f->unchanged,
                            f->rejected};
    return o->progress(o->progress_ctx, &p);
}

/* ------------------------------------------------------------ transaction */

int ib_run_begin(ib_run *run, ib_err *err)
{
    run->keys.max_cap = keyset_max_cap(run->opt && run->opt->key_memory
                                           ? run->opt->key_memory
                                           : KEY_MEMORY_DEFAULT);
    if (run->opt && run->opt->progress_rows > 0)
        run->next_progress_rows = run->opt->progress_rows;
    if (!run->st)
        return IB_OK;
    if (!run->opt || !run->opt->sender_ref || !run->opt->sender_ref[0])
        return ib_err_set(err, IB_EINVAL, "geen afzender opgegeven");
    int rc = IB_OK;
    run->own_tx = !ib_store_in_transaction(run->st);
    /* Bulk: every row goes through ib_store_put_*, which resolve refs. */
    if (run->own_tx && (rc = ib_store_begin_bulk(run->st, err)) != IB_OK)
        return rc;
    rc = ib_store_sender(run->st, run->opt->sender_ref, true, &run->sender_id,
                         err);
    if (rc != IB_OK && run->own_tx)
        ib_store_rollback(run->st, NULL);
    return rc;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int audit(ib_run *run, ib_err *err)
{
    const ib_import_file_report *f = run->file;
    ib_audit_entry a;
    memset(&a, 0, sizeof a);
    ib_strlcpy(a.actor, run->opt->actor ? run->opt->actor : "import",
               sizeof a.actor);
    ib_strlcpy(a.action, "import", sizeof a.action);
    ib_strlcpy(a.entity, ib_kind_file_stem(run->type->kind), sizeof a.entity);
    char detail[512];
    snprintf(detail, sizeof detail,
             "%.120s (afzender %.64s): %lld gelezen, %lld nieuw, %lld "
             "gewijzigd, %lld ongewijzigd, %lld afgewezen",
             base_name(f->path), run->opt->sender_ref, (long long)f->read,
             (long long)f->inserted, (long long)f->updated,
             (long long)f->unchanged, (long long)f->rejected);
    ib_strlcpy(a.detail, detail, sizeof a.detail);
    return ib_store_audit(run->st, &a, err);
}

static void zero_stored(ib_import_file_report *f)
{
    f->inserted = f->updated = f->unchanged = 0;
}

int ib_run_end(ib_run *run, int rc, ib_err *err)
{
    ib_import_file_report *f = run->file;
    bool rejected = f->rejected > 0;
    if (rc < 0) {
        if (run->st && run->own_tx)
            ib_store_rollback(run->st, NULL);
        f->status = IB_FILE_FAILED;
        ib_strlcpy(f->failure, err && err->msg[0] ? err->msg
                                                  : ib_err_code_name(rc),
                   sizeof f->failure);
        zero_stored(f);
        return rc;
    }
    if (!run->st || run->opt->dry_run || (rejected && !run->opt->partial)) {
        if (run->st && run->own_tx &&
            (rc = ib_store_rollback(run->st, err)) != IB_OK)
            return ib_run_end(run, rc, err);
        f->status = rejected ? IB_FILE_REJECTED : IB_FILE_CHECKED;
        if (rejected)
            zero_stored(f);
        return IB_OK;
    }
    if ((rc = audit(run, err)) != IB_OK ||
        (run->own_tx && (rc = ib_store_commit(run->st, err)) != IB_OK))
        return ib_run_end(run, rc, err);
    f->status = rejected ? IB_FILE_PARTIAL : IB_FILE_COMMITTED;
    return IB_OK;
}

void ib_run_free(ib_run *run)
{
    keyset_free(&run->keys);
}

/* ------------------------------------------------------------ one file */

/* The input of one file: the CSV reader, or for JSON an open file (or the
 * text already in memory). */
typedef struct source {
    struct ib_csv *csv;
    FILE *json_file;
    uint64_t json_size;
} source;

static int open_source(const char *path, bool json, const char *data,
                       size_t len, source *src, ib_err *err)
{
    memset(src, 0, sizeof *src);
    if (!json)
        return data ? ib_csv_open_mem(&src->csv, data, len, err)
                    : ib_csv_open_file(&src->csv, path, err);
    if (data)
        return IB_OK;
    src->json_file = fopen(path, "rb");
    if (!src->json_file)
        return ib_err_set(err, IB_EIO, "kan %s niet openen", path);
    struct stat sb;
    if (fstat(fileno(src->json_file), &sb) == 0 && sb.st_size > 0)
        src->json_size = (uint64_t)sb.st_size;
    return IB_OK;
}

static void close_source(source *src)
{
    ib_csv_close(src->csv);
    if (src->json_file)
        fclose(src->json_file);
}

static int run_source(ib_run *run, bool json, const char *data, size_t len,
                      source *src, ib_err *err)
{
    if (!json)
        return ib_run_csv(run, src->csv, err);
    if (src->json_file)
        return ib_run_json_file(run, src->json_file, src->json_size, err);
    return ib_run_json(run, data, len, err);
}

int ib_import_one(ib_store *st, const ib_import_options *opt,
                  ib_import_report *rep, ib_kind kind, const char *path,
                  bool json, const char *data, size_t len, int index,
                  int count, ib_err *err)
{
    static const ib_import_options no_options;
    ib_run run;
    memset(&run, 0, sizeof run);
    run.st = st;
    run.opt = opt ? opt : &no_options;
    run.type = ib_record_type_of(kind);
    run.file_index = index;
    run.file_count = count;
    run.file = ib_report_add_file(rep, path, kind, json);
    if (!run.type || !run.file)
        return ib_err_set(err, run.type ? IB_ENOMEM : IB_EINVAL,
                          run.type ? "onvoldoende geheugen" : "onbekende soort");
    source src;
    int rc = open_source(path, json, data, len, &src, err);
    if (rc == IB_OK)
        rc = ib_run_begin(&run, err);
    if (rc == IB_OK) {
        rc = run_source(&run, json, data, len, &src, err);
        rc = ib_run_end(&run, rc, err);
    } else {
        run.st = NULL;                  /* nothing begun */
        ib_run_end(&run, rc, err);
    }
    close_source(&src);
    ib_run_free(&run);
    return rc;
}
