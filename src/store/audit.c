/* audit.c — the hash-chained audit logs (the change log and the read log,
 * see store.h), backend-neutral: every entry's hash is a keyed BLAKE2b-256
 * over the previous entry's hash and the entry's own canonical fields, so
 * changing, inserting or removing an entry breaks the chain at that point
 * (keyed: one cannot recompute it without the key; a key per log, so an
 * entry moved from one log to the other does not fit either). */
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void ib_audit_now(char out[32])
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 32 - n, ".%03dZ", (int)(ts.tv_nsec / 1000000) % 1000);
}

static void put_i64(crypto_generichash_state *h, int64_t v)
{
    uint8_t b[8];
    uint64_t u = (uint64_t)v;
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(u >> (8 * i));
    crypto_generichash_update(h, b, sizeof b);
}

static void put_str(crypto_generichash_state *h, const char *s, size_t max)
{
    size_t len = strnlen(s, max);
    put_i64(h, (int64_t)len);
    crypto_generichash_update(h, (const uint8_t *)s, len);
}

#define PUT_STR(h, field) put_str((h), (field), sizeof(field))

size_t ib_audit_detail_head(const char *detail)
{
    const char *mark = strstr(detail, IB_AUDIT_PURPOSE);
    return mark ? (size_t)(mark - detail) : strlen(detail);
}

void ib_audit_purpose_hash(const uint8_t key[crypto_generichash_KEYBYTES],
                           const char *detail, char out_hex[2 * IB_AUDIT_HASH_BYTES + 1])
{
    const char *mark = strstr(detail, IB_AUDIT_PURPOSE);
    const char *purpose = mark ? mark + strlen(IB_AUDIT_PURPOSE) : "";
    uint8_t out[IB_AUDIT_HASH_BYTES];
    crypto_generichash(out, sizeof out, (const uint8_t *)purpose, strlen(purpose), key,
                       crypto_generichash_KEYBYTES);
    sodium_bin2hex(out_hex, 2 * IB_AUDIT_HASH_BYTES + 1, out, sizeof out);
}

void ib_audit_hash(const uint8_t key[crypto_generichash_KEYBYTES], const char *prev_hex,
                   const ib_audit_entry *e, const char *purpose_hash,
                   char out_hex[2 * IB_AUDIT_HASH_BYTES + 1])
{
    uint8_t prev[IB_AUDIT_HASH_BYTES] = {0}, out[IB_AUDIT_HASH_BYTES];
    size_t plen = 0;
    /* The first entry chains to 32 zero bytes. */
    if (prev_hex && prev_hex[0])
        sodium_hex2bin(prev, sizeof prev, prev_hex, strlen(prev_hex), NULL, &plen,
                       NULL);
    crypto_generichash_state h;
    crypto_generichash_init(&h, key, crypto_generichash_KEYBYTES, sizeof out);
    crypto_generichash_update(&h, prev, sizeof prev);
    put_i64(&h, e->id);
    PUT_STR(&h, e->at);
    PUT_STR(&h, e->actor);
    PUT_STR(&h, e->action);
    PUT_STR(&h, e->entity);
    put_i64(&h, e->entity_id);
    put_i64(&h, e->person_id);
    if (purpose_hash) {
        put_str(&h, e->detail, ib_audit_detail_head(e->detail));
        put_str(&h, purpose_hash, 2 * IB_AUDIT_HASH_BYTES);
    } else {
        PUT_STR(&h, e->detail);
    }
    crypto_generichash_final(&h, out, sizeof out);
    sodium_bin2hex(out_hex, 2 * IB_AUDIT_HASH_BYTES + 1, out, sizeof out);
}

/* e with its time and (when it names none) the store's actor. */
static void stamp(const ib_store *st, ib_audit_entry *e)
{
    e->id = 0;
    ib_audit_now(e->at);
    if (!e->actor[0])
        ib_strlcpy(e->actor, st->actor, sizeof e->actor);
}

static int audit_append(ib_store *st, const ib_audit_entry *in, ib_err *err)
{
    ib_audit_entry e = *in;
    stamp(st, &e);
    return st->ops->audit_append(st, &e, err);
}

int ib_store_audit(ib_store *st, const ib_audit_entry *e, ib_err *err)
{
    ib_err_clear(err);
    if (!e->action[0] || !e->entity[0])
        return ib_err_set(err, IB_EINVAL, "auditregel zonder actie of soort");
    if (st->in_tx)
        return audit_append(st, e, err);
    int rc = ib_store_begin(st, err);
    if (rc != IB_OK)
        return rc;
    rc = audit_append(st, e, err);
    if (rc == IB_OK)
        return ib_store_commit(st, err);
    ib_store_rollback(st, NULL);
    return rc;
}

int ib_store_audit_reads(ib_store *st, const ib_audit_entry *e, size_t n, ib_err *err)
{
    ib_err_clear(err);
    for (size_t i = 0; i < n; i++)
        if (!e[i].action[0] || !e[i].entity[0])
            return ib_err_set(err, IB_EINVAL, "auditregel zonder actie of soort");
    if (n == 0)
        return IB_OK;
    ib_audit_entry *stamped = malloc(n * sizeof *stamped);
    if (!stamped)
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    memcpy(stamped, e, n * sizeof *stamped);
    for (size_t i = 0; i < n; i++)
        stamp(st, &stamped[i]);
    int rc = st->ops->reads_append(st, stamped, n, err);
    free(stamped);
    return rc;
}

int ib_store_audit_update(ib_store *st, const char *entity, int64_t entity_id,
                          int64_t person_id, const char *detail, ib_err *err)
{
    ib_audit_entry e = {.entity_id = entity_id, .person_id = person_id};
    ib_strlcpy(e.action, "update", sizeof e.action);
    ib_strlcpy(e.entity, entity, sizeof e.entity);
    ib_strlcpy(e.detail, detail, sizeof e.detail);
    return audit_append(st, &e, err);
}

typedef struct each_ctx {
    ib_audit_cb cb;
    void *ctx;
    /* Merging: the change log's entries, waiting for their turn between
     * the read log's. */
    ib_audit_entry *changes;
    size_t n, cap, next;
} each_ctx;

static int each_row(void *ctx, const ib_audit_row *row, ib_err *err)
{
    (void)err;
    each_ctx *ec = ctx;
    return ec->cb(ec->ctx, &row->e);
}

static int keep_change(void *ctx, const ib_audit_row *row, ib_err *err)
{
    each_ctx *ec = ctx;
    if (ec->n == ec->cap) {
        size_t cap = ec->cap ? 2 * ec->cap : 64;
        ib_audit_entry *p = realloc(ec->changes, cap * sizeof *p);
        if (!p)
            return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
        ec->changes = p;
        ec->cap = cap;
    }
    ec->changes[ec->n++] = row->e;
    return 0;
}

/* Hands on the kept changes up to `at` (all when at is NULL); the
 * timestamps are ISO 8601 of one width, so text order is time order. */
static int changes_until(each_ctx *ec, const char *at)
{
    int stop = 0;
    while (!stop && ec->next < ec->n &&
           (!at || strcmp(ec->changes[ec->next].at, at) <= 0))
        stop = ec->cb(ec->ctx, &ec->changes[ec->next++]);
    return stop;
}

static int merge_read(void *ctx, const ib_audit_row *row, ib_err *err)
{
    (void)err;
    each_ctx *ec = ctx;
    int stop = changes_until(ec, row->e.at);
    return stop ? stop : ec->cb(ec->ctx, &row->e);
}

int ib_store_each_audit(ib_store *st, int64_t person_id, ib_audit_cb cb,
                        void *ctx, ib_err *err)
{
    ib_err_clear(err);
    each_ctx ec = {cb, ctx, NULL, 0, 0, 0};
    int rc = st->ops->audit_scan(st, IB_AUDIT_CHANGES, person_id, keep_change, &ec, err);
    if (rc == 0)
        rc = st->ops->audit_scan(st, IB_AUDIT_READS, person_id, merge_read, &ec, err);
    if (rc == 0)
        rc = changes_until(&ec, NULL);
    free(ec.changes);
    return rc;
}

int ib_store_each_audit_change(ib_store *st, int64_t person_id, ib_audit_cb cb,
                               void *ctx, ib_err *err)
{
    ib_err_clear(err);
    each_ctx ec = {cb, ctx, NULL, 0, 0, 0};
    return st->ops->audit_scan(st, IB_AUDIT_CHANGES, person_id, each_row, &ec, err);
}

int ib_store_forget_reads(ib_store *st, const char *reason, ib_err *err)
{
    ib_err_clear(err);
    if (!reason || !reason[0])
        return ib_err_set(err, IB_EINVAL, "geef een reden");
    if (!st->ops->reads_forget)
        return ib_err_set(err, IB_ENOTFOUND, "de database kent geen leeslog");
    char id[64] = "";
    int rc = ib_store_begin(st, err);
    if (rc == IB_OK)
        rc = st->ops->reads_forget(st, id, sizeof id, err);
    if (rc == IB_OK) {
        ib_audit_entry e = {0};
        ib_strlcpy(e.action, "forget-reads", sizeof e.action);
        ib_strlcpy(e.entity, "audit", sizeof e.entity);
        snprintf(e.detail, sizeof e.detail, "leeslog %.40s vergeten: %.180s", id, reason);
        rc = audit_append(st, &e, err);
    }
    if (rc == IB_OK)
        return ib_store_commit(st, err);
    if (st->in_tx)
        ib_store_rollback(st, NULL);
    return rc;
}

int ib_store_audit_adopt_heads(ib_store *st, bool *adopted, ib_err *err)
{
    ib_err_clear(err);
    *adopted = false;
    ib_audit_heads raw;
    int rc = st->ops->audit_heads(st, &raw, err);
    if (rc)
        return rc;
    bool changes = !raw.changes[0], reads = raw.reads_log[0] && !raw.reads[0];
    if (!changes && !reads)
        return IB_OK;
    if ((rc = ib_store_begin(st, err)) != IB_OK)
        return rc;
    ib_audit_entry e = {0};
    ib_strlcpy(e.action, "adopt-heads", sizeof e.action);
    ib_strlcpy(e.entity, "audit", sizeof e.entity);
    snprintf(e.detail, sizeof e.detail, "kop vastgelegd voor %s (database van voor de "
             "koppen)", changes && reads ? "wijzigingslog en leeslog"
                        : changes ? "wijzigingslog" : "leeslog");
    rc = st->ops->adopt_heads(st, err);
    if (rc == IB_OK)
        rc = audit_append(st, &e, err);
    if (rc == IB_OK && (rc = ib_store_commit(st, err)) == IB_OK)
        *adopted = true;
    if (rc != IB_OK && st->in_tx)
        ib_store_rollback(st, NULL);
    return rc;
}

int ib_store_prepare_reads(ib_store *st, ib_err *err)
{
    ib_err_clear(err);
    return st->ops->prepare_reads ? st->ops->prepare_reads(st, err) : IB_OK;
}
