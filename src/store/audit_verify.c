/* audit_verify.c — checking the audit trail: both hash chains recomputed
 * entry by entry, each log against its head (entries removed at the end
 * show) and against the other log's link to it (an older copy put back
 * shows), the read log's index by person, and on request both logs against
 * an anchor saved elsewhere. Backend-neutral. */
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { WANT_HEAD, WANT_LINK, WANT_ANCHOR, WANTS };

/* The persons erased, as the change log says: only their reads may have
 * lost their purposes. */
typedef struct erased_set {
    int64_t *ids;
    size_t n, cap;
} erased_set;

static int erased_add(erased_set *es, int64_t id, ib_err *err)
{
    if (es->n == es->cap) {
        size_t cap = es->cap ? 2 * es->cap : 16;
        int64_t *p = realloc(es->ids, cap * sizeof *p);
        if (!p)
            return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
        es->ids = p;
        es->cap = cap;
    }
    es->ids[es->n++] = id;
    return IB_OK;
}

static bool is_erased(const erased_set *es, int64_t id)
{
    for (size_t i = 0; i < es->n; i++)
        if (es->ids[i] == id)
            return true;
    return false;
}

typedef struct chain_ctx {
    const uint8_t *key;
    const uint8_t *purpose_key;
    erased_set *erased;                 /* the change log fills it, the read log asks */
    const char *log;                    /* for the messages */
    int64_t checked;
    int64_t last_id;
    char prev[IB_AUDIT_HEX];
    /* Entries whose hashes the checks after the scan need: the one the
     * log's head, the other log's link and the anchor name (0: none). */
    int64_t want[WANTS];
    char got[WANTS][IB_AUDIT_HEX];
} chain_ctx;

/* A read's purpose is what its hash says, or (blanked) one of an erased
 * person's. */
static int check_purpose(const chain_ctx *vc, const ib_audit_row *row, ib_err *err)
{
    char got[IB_AUDIT_HEX];
    ib_audit_purpose_hash(vc->purpose_key, row->e.detail, got);
    if (strcmp(got, row->purpose_hash) == 0)
        return IB_OK;
    if (!strstr(row->e.detail, IB_AUDIT_PURPOSE) && is_erased(vc->erased, row->e.person_id))
        return IB_OK;
    return ib_err_set(err, IB_ECONFLICT, "%s: bij regel %lld is het doel gewijzigd of "
                                         "weggehaald, en persoon %lld is niet gewist",
                      vc->log, (long long)row->e.id, (long long)row->e.person_id);
}

static int verify_row(void *ctx, const ib_audit_row *row, ib_err *err)
{
    chain_ctx *vc = ctx;
    char want[IB_AUDIT_HEX];
    const char *purpose = row->purpose_hash[0] ? row->purpose_hash : NULL;
    ib_audit_hash(vc->key, vc->prev, &row->e, purpose, want);
    if (row->e.id != vc->last_id + 1 || strcmp(want, row->hash) != 0)
        return ib_err_set(err, IB_ECONFLICT,
                          "%s verbroken bij regel %lld: een regel is "
                          "gewijzigd, ingevoegd of verwijderd", vc->log,
                          (long long)(row->e.id != vc->last_id + 1 ? vc->last_id + 1
                                                                   : row->e.id));
    if (purpose && check_purpose(vc, row, err) != IB_OK)
        return IB_ECONFLICT;
    if (!vc->purpose_key && strcmp(row->e.action, "erase") == 0 &&
        strcmp(row->e.entity, "person") == 0 &&
        erased_add(vc->erased, row->e.person_id, err) != IB_OK)
        return IB_ENOMEM;
    vc->last_id = row->e.id;
    memcpy(vc->prev, row->hash, sizeof vc->prev);
    for (int i = 0; i < WANTS; i++)
        if (vc->want[i] == row->e.id)
            memcpy(vc->got[i], row->hash, sizeof vc->got[i]);
    vc->checked++;
    return 0;
}

/* The log reaches entry `count` and that entry's hash is `hash`, as `who`
 * (its head, the other log, the anchor) saw it: the log is no shorter and,
 * up to there, the same. */
static int check_reach(const chain_ctx *vc, int slot, int64_t count, const char *hash,
                       const char *who, ib_err *err)
{
    if (count == 0)
        return IB_OK;
    if (vc->last_id < count)
        return ib_err_set(err, IB_ECONFLICT,
                          "%s ingekort: volgens %s had het %lld regels, er zijn er "
                          "nog %lld; de laatste regels zijn verwijderd of een oudere "
                          "kopie is teruggezet", vc->log, who, (long long)count,
                          (long long)vc->last_id);
    if (strcmp(vc->got[slot], hash) != 0)
        return ib_err_set(err, IB_ECONFLICT,
                          "%s: regel %lld is niet die van %s; het log is ingekort en "
                          "weer aangevuld, of vervangen", vc->log, (long long)count, who);
    return IB_OK;
}

typedef struct heads {
    ib_audit_head changes, reads;
    bool has_reads;                     /* the database has a read log */
    char reads_log[IB_AUDIT_LOG_ID];
} heads;

/* Both heads, their MACs checked. A log without a head may have lost its
 * last entries together with it: only a new database or read log gets one
 * (see sqlite_heads.c), so a missing head is an error, never made anew. */
static int read_heads(ib_store *st, heads *h, ib_err *err)
{
    ib_audit_heads raw;
    memset(h, 0, sizeof *h);
    int rc = st->ops->audit_heads(st, &raw, err);
    if (rc)
        return rc;
    if (!raw.changes[0])
        return ib_err_set(err, IB_ECONFLICT, "wijzigingslog: de kop (hoeveel regels er "
                                             "zijn) ontbreekt; regels aan het eind "
                                             "kunnen ongemerkt verwijderd zijn");
    rc = ib_audit_head_parse(&st->crypto, raw.changes, "wijzigingslog", &h->changes, err);
    if (rc == IB_OK && strcmp(h->changes.log, IB_AUDIT_CHANGES_ID) != 0)
        rc = ib_err_set(err, IB_ECONFLICT, "wijzigingslog: de kop is die van een ander log");
    if (rc || !raw.reads_log[0])
        return rc;
    h->has_reads = true;
    ib_strlcpy(h->reads_log, raw.reads_log, sizeof h->reads_log);
    if (!raw.reads[0])
        return ib_err_set(err, IB_ECONFLICT, "leeslog: de kop (hoeveel regels er zijn) "
                                             "ontbreekt; regels aan het eind kunnen "
                                             "ongemerkt verwijderd zijn");
    rc = ib_audit_head_parse(&st->crypto, raw.reads, "leeslog", &h->reads, err);
    if (rc == IB_OK && strcmp(h->reads.log, raw.reads_log) != 0)
        rc = ib_err_set(err, IB_ECONFLICT, "leeslog: de kop is die van een ander leeslog");
    return rc;
}

/* The change log's link names the read log there is (or none). */
static int check_reads_identity(const heads *h, const char *what, const char *log,
                                int64_t count, ib_err *err)
{
    if (!log[0] || count == 0)
        return IB_OK;
    if (!h->has_reads)
        return ib_err_set(err, IB_ECONFLICT, "leeslog ontbreekt, maar %s telt er %lld "
                                             "regels in", what, (long long)count);
    if (strcmp(log, h->reads_log) != 0)
        return ib_err_set(err, IB_ECONFLICT, "leeslog: dit is een ander leeslog dan %s "
                                             "kent (vervangen)", what);
    return IB_OK;
}

static int check_heads(const heads *h, const chain_ctx *changes, const chain_ctx *reads,
                       ib_err *err)
{
    int rc = check_reach(changes, WANT_HEAD, h->changes.count, h->changes.hash,
                         "de kop", err);
    if (!rc && h->has_reads)
        rc = check_reach(reads, WANT_HEAD, h->reads.count, h->reads.hash, "de kop", err);
    if (!rc && h->has_reads && h->reads.link_log[0])
        rc = check_reach(changes, WANT_LINK, h->reads.link_count, h->reads.link_hash,
                         "het leeslog", err);
    if (!rc)
        rc = check_reads_identity(h, "het wijzigingslog", h->changes.link_log,
                                  h->changes.link_count, err);
    if (!rc && h->changes.link_log[0])
        rc = check_reach(reads, WANT_LINK, h->changes.link_count, h->changes.link_hash,
                         "het wijzigingslog", err);
    return rc;
}

static int check_anchor(const heads *h, const ib_audit_anchor *a, const chain_ctx *changes,
                        const chain_ctx *reads, ib_err *err)
{
    int rc = check_reach(changes, WANT_ANCHOR, a->changes, a->changes_hash, "het anker",
                         err);
    if (!rc)
        rc = check_reads_identity(h, "het anker", a->reads_log, a->reads, err);
    if (!rc && a->reads_log[0])
        rc = check_reach(reads, WANT_ANCHOR, a->reads, a->reads_hash, "het anker", err);
    return rc;
}

static void fill_anchor(const heads *h, const chain_ctx *changes, const chain_ctx *reads,
                        ib_audit_anchor *now)
{
    memset(now, 0, sizeof *now);
    ib_audit_now(now->at);
    now->changes = changes->last_id;
    ib_strlcpy(now->changes_hash, changes->prev, sizeof now->changes_hash);
    if (!h->has_reads)
        return;
    ib_strlcpy(now->reads_log, h->reads_log, sizeof now->reads_log);
    now->reads = reads->last_id;
    ib_strlcpy(now->reads_hash, reads->prev, sizeof now->reads_hash);
}

int ib_store_audit_verify_anchor(ib_store *st, const ib_audit_anchor *expect,
                                 ib_audit_anchor *now, int64_t *checked, ib_err *err)
{
    ib_err_clear(err);
    if (checked)
        *checked = 0;
    /* The heads first: the logs only grow, so the chains read after them
     * reach at least as far. */
    heads h;
    int rc = read_heads(st, &h, err);
    if (rc)
        return rc;
    erased_set erased = {NULL, 0, 0};
    chain_ctx changes = {.key = st->crypto.audit_key, .erased = &erased,
                         .log = "wijzigingslog"};
    chain_ctx reads = {.key = st->crypto.reads_key, .purpose_key = st->crypto.purpose_key,
                       .erased = &erased, .log = "leeslog"};
    changes.want[WANT_HEAD] = h.changes.count;
    reads.want[WANT_HEAD] = h.reads.count;
    changes.want[WANT_LINK] = h.reads.link_count;
    reads.want[WANT_LINK] = h.changes.link_count;
    changes.want[WANT_ANCHOR] = expect ? expect->changes : 0;
    reads.want[WANT_ANCHOR] = expect ? expect->reads : 0;
    rc = st->ops->audit_scan(st, IB_AUDIT_CHANGES, 0, verify_row, &changes, err);
    if (rc == IB_OK)
        rc = st->ops->audit_scan(st, IB_AUDIT_READS, 0, verify_row, &reads, err);
    if (rc == IB_OK)
        rc = check_heads(&h, &changes, &reads, err);
    if (rc == IB_OK && expect)
        rc = check_anchor(&h, expect, &changes, &reads, err);
    if (rc == IB_OK && st->ops->reads_check_index)
        rc = st->ops->reads_check_index(st, err);
    if (rc == IB_OK && now)
        fill_anchor(&h, &changes, &reads, now);
    if (checked)
        *checked = changes.checked + reads.checked;
    free(erased.ids);
    return rc;
}

int ib_store_audit_verify(ib_store *st, int64_t *checked, ib_err *err)
{
    return ib_store_audit_verify_anchor(st, NULL, NULL, checked, err);
}
