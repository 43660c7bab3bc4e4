/* sqlite_put.c — upserts for the SQLite backend. Refs resolve through the
 * ref caches (sqlite.c keeps them valid across transactions); new episodes cost one INSERT ... ON CONFLICT
 * DO NOTHING, re-sent ones a look-up and a content-hash comparison, changed
 * ones an UPDATE and an audit entry. Validation failures (unknown ref,
 * overlapping stay) are detected before anything is written. */
#include "sqlite_internal.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------ refs */

/* Misses after which the cache counts the sender's rows and decides when
 * loading them all beats looking them up one by one. */
#define PRELOAD_PROBE 256

typedef struct ref_spec {
    sq_stmt_id find, all, count;
    const char *noun;
} ref_spec;

static const ref_spec ref_specs[SQ_REF_KINDS] = {
    [SQ_REF_ORG] = {SQ_ORG_FIND, SQ_ORG_ALL, SQ_ORG_COUNT, "organisatie"},
    [SQ_REF_LOC] = {SQ_LOC_FIND, SQ_LOC_ALL, SQ_LOC_COUNT, "locatie"},
    [SQ_REF_PERSON] = {SQ_PERSON_FIND, SQ_PERSON_ALL, SQ_PERSON_COUNT, "persoon"},
};

static int preload_refs(ib_sqlite *s, sq_ref_kind k, ib_refmap *m, ib_err *err)
{
    sqlite3_stmt *q;
    int rc = ib_sq_stmt(s, ref_specs[k].all, &q, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(q, 1, m->sender_id);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        char ref[IB_REF_MAX + 1];
        ib_sq_col_text(q, 2, ref, sizeof ref);
        if (ib_refmap_put(m, ref, sqlite3_column_int64(q, 0),
                          sqlite3_column_int64(q, 1)) != IB_OK) {
            sqlite3_reset(q);
            return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
        }
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return ib_sq_error(s, rc, err);
    m->complete = m->preload_at != LONG_MAX;   /* not when it overflowed */
    return IB_OK;
}

static int plan_preload(ib_sqlite *s, sq_ref_kind k, ib_refmap *m, ib_err *err)
{
    sqlite3_stmt *q;
    int rc = ib_sq_stmt(s, ref_specs[k].count, &q, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(q, 1, m->sender_id);
    rc = sqlite3_step(q);
    int64_t n = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    sqlite3_reset(q);
    if (rc != SQLITE_ROW)
        return ib_sq_error(s, rc, err);
    /* One keyed look-up costs about as much as loading eight rows; a sender
     * with more refs than a map holds is never loaded whole. */
    m->preload_at = n >= (int64_t)IB_REFMAP_MAX_ENTRIES ? LONG_MAX
                    : n / 8 > PRELOAD_PROBE ? (long)(n / 8) : PRELOAD_PROBE;
    return IB_OK;
}

static int select_ref(ib_sqlite *s, sq_ref_kind k, ib_refmap *m, const char *ref,
                      int64_t *id, int64_t *hash, ib_err *err)
{
    sqlite3_stmt *q;
    int rc = ib_sq_stmt(s, ref_specs[k].find, &q, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(q, 1, m->sender_id);
    ib_sq_bind_text(q, 2, ref, IB_REF_MAX + 1);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(q, 0);
        *hash = sqlite3_column_int64(q, 1);
    }
    sqlite3_reset(q);
    if (rc == SQLITE_DONE)
        return IB_ENOTFOUND;
    if (rc != SQLITE_ROW)
        return ib_sq_error(s, rc, err);
    if (ib_refmap_put(m, ref, *id, *hash) != IB_OK)
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    return IB_OK;
}

/* (sender, ref) → id and content hash. IB_ENOTFOUND, without a message,
 * when the sender has no such row. */
static int ref_lookup(ib_sqlite *s, sq_ref_kind k, int64_t sender, const char *ref,
                      int64_t *id, int64_t *hash, ib_err *err)
{
    ib_refmap *m = &s->refs[k];
    if (m->sender_id != sender)
        ib_refmap_reset(m, sender);
    const ib_refmap_slot *sl = ib_refmap_find(m, ref);
    if (!sl && !m->complete) {
        int rc = IB_OK;
        if (++m->misses == PRELOAD_PROBE)
            rc = plan_preload(s, k, m, err);
        if (rc == IB_OK && m->preload_at && m->misses >= m->preload_at)
            rc = preload_refs(s, k, m, err);
        else if (rc == IB_OK)
            return select_ref(s, k, m, ref, id, hash, err);
        if (rc)
            return rc;
        sl = ib_refmap_find(m, ref);
    }
    if (!sl)
        return IB_ENOTFOUND;
    *id = sl->id;
    *hash = sl->content_hash;
    return IB_OK;
}

void ib_sq_prefetch_ref(ib_store *st, ib_kind kind, int64_t sender_id,
                        const char *ref, size_t len)
{
    sq_ref_kind k = kind == IB_KIND_PERSON ? SQ_REF_PERSON
                    : kind == IB_KIND_ORGANISATION ? SQ_REF_ORG
                    : kind == IB_KIND_LOCATION ? SQ_REF_LOC : SQ_REF_KINDS;
    ib_sqlite *s = ib_sq(st);
    if (k != SQ_REF_KINDS && s->refs[k].sender_id == sender_id)
        ib_refmap_prefetch(&s->refs[k], ref, len);
}

/* Resolves a *_ref column; "" resolves to 0 (none) when optional. */
static int resolve(ib_sqlite *s, sq_ref_kind k, int64_t sender, const char *ref,
                   const char *field, int64_t *id, ib_err *err)
{
    int64_t hash;
    *id = 0;
    if (!ref[0])
        return IB_OK;
    int rc = ref_lookup(s, k, sender, ref, id, &hash, err);
    if (rc == IB_ENOTFOUND)
        return ib_err_set_at(err, IB_ENOTFOUND, 0, 0, field,
                             "%s '%s' onbekend bij afzender", ref_specs[k].noun, ref);
    return rc;
}

/* ------------------------------------------------------------ binding */

/* The resolved ids and hash of one put, shared by its statements. */
typedef struct put_keys {
    int64_t sender, person, a, b;       /* a, b: the kind's other references */
    int64_t hash, id;
    ib_bsn_sealed *bsn;                 /* persons: sealed just before writing */
    /* persons: the identity hash (rule 3), when written (Unix µs), and the
     * person a new record belongs to (docs/linkage.md) */
    int64_t identity, updated, people, own_people;
    const char *link_rule;              /* NULL: a person of its own */
} put_keys;

typedef int (*bind_fn)(sqlite3_stmt *q, const void *rec, const put_keys *k);

static int bind_org(sqlite3_stmt *q, const void *rec, const put_keys *k)
{
    const ib_organisation *o = rec;
    int rc = ib_sq_bind_i64(q, 1, k->sender);
    rc |= IB_SQ_BIND_STR(q, 2, o->ref);
    rc |= IB_SQ_BIND_STR(q, 3, o->name);
    rc |= IB_SQ_BIND_STR(q, 4, o->kvk);
    rc |= ib_sq_bind_text(q, 5, ib_code_text(ib_org_kind_codes, (int)o->kind), 32);
    rc |= ib_sq_bind_text(q, 6, ib_code_text(ib_cert_codes, (int)o->certified), 32);
    rc |= ib_sq_bind_i64(q, 7, k->hash);
    rc |= ib_sq_bind_i64(q, 8, k->id);
    return rc;
}

static int bind_loc(sqlite3_stmt *q, const void *rec, const put_keys *k)
{
    const ib_location *l = rec;
    int rc = ib_sq_bind_i64(q, 1, k->sender);
    rc |= IB_SQ_BIND_STR(q, 2, l->ref);
    rc |= IB_SQ_BIND_STR(q, 3, l->postcode);
    rc |= IB_SQ_BIND_STR(q, 4, l->house_number);
    rc |= IB_SQ_BIND_STR(q, 5, l->municipality);
    rc |= ib_sq_bind_text(q, 6, ib_code_text(ib_location_kind_codes, (int)l->kind), 32);
    rc |= ib_sq_bind_opt(q, 7, l->capacity < 0 ? -1 : l->capacity, -1);
    rc |= ib_sq_bind_opt(q, 8, l->floor_area_m2, IB_CENTS_NONE);
    rc |= ib_sq_bind_id(q, 9, k->a);
    rc |= ib_sq_bind_date(q, 10, l->certified_until);
    rc |= ib_sq_bind_i64(q, 11, k->hash);
    rc |= ib_sq_bind_i64(q, 12, k->id);
    return rc;
}

static int bind_person(sqlite3_stmt *q, const void *rec, const put_keys *k)
{
    const ib_person *p = rec;
    const ib_bsn_sealed *b = k->bsn;
    int rc = ib_sq_bind_i64(q, 1, k->sender);
    rc |= IB_SQ_BIND_STR(q, 2, p->ref);
    rc |= ib_sq_bind_blob(q, 3, b->enc, b->present ? b->enc_len : 0);
    rc |= ib_sq_bind_opt(q, 4, b->present ? b->hash : 0, 0);
    rc |= IB_SQ_BIND_STR(q, 5, p->family_name);
    rc |= IB_SQ_BIND_STR(q, 6, p->given_names);
    rc |= ib_sq_bind_date(q, 7, p->birth_date);
    rc |= ib_sq_bind_text(q, 8, ib_code_text(ib_sex_codes, (int)p->sex), 32);
    rc |= IB_SQ_BIND_STR(q, 9, p->nationality);
    rc |= IB_SQ_BIND_STR(q, 10, p->language);
    rc |= ib_sq_bind_text(q, 11, ib_code_text(ib_category_codes, (int)p->category), 32);
    rc |= ib_sq_bind_i64(q, 12, k->hash);
    rc |= ib_sq_bind_i64(q, 13, k->id);
    rc |= ib_sq_bind_opt(q, 14, k->identity, 0);
    rc |= ib_sq_bind_i64(q, 15, k->updated);
    rc |= ib_sq_bind_id(q, 16, k->people);
    rc |= ib_sq_bind_id(q, 17, k->own_people);
    if (sqlite3_bind_parameter_count(q) >= 18)
        rc |= k->link_rule ? sqlite3_bind_text(q, 18, k->link_rule, -1, SQLITE_STATIC)
                           : sqlite3_bind_null(q, 18);
    return rc;
}

static int bind_stay(sqlite3_stmt *q, const void *rec, const put_keys *k)
{
    const ib_stay *s = rec;
    int rc = ib_sq_bind_i64(q, 1, k->sender);
    rc |= ib_sq_bind_i64(q, 2, k->person);
    rc |= ib_sq_bind_date(q, 3, s->arrival);
    rc |= ib_sq_bind_date(q, 4, s->departure);
    rc |= ib_sq_bind_i64(q, 5, k->hash);
    rc |= ib_sq_bind_i64(q, 6, k->id);
    return rc;
}

static int bind_reg(sqlite3_stmt *q, const void *rec, const put_keys *k)
{
    const ib_registration *r = rec;
    int rc = ib_sq_bind_i64(q, 1, k->sender);
    rc |= ib_sq_bind_i64(q, 2, k->person);
    rc |= ib_sq_bind_text(q, 3, ib_code_text(ib_reg_kind_codes, (int)r->kind), 32);
    rc |= IB_SQ_BIND_STR(q, 4, r->municipality);
    rc |= ib_sq_bind_date(q, 5, r->start);
    rc |= ib_sq_bind_date(q, 6, r->end);
    rc |= ib_sq_bind_i64(q, 7, k->hash);
    rc |= ib_sq_bind_i64(q, 8, k->id);
    return rc;
}

static int bind_emp(sqlite3_stmt *q, const void *rec, const put_keys *k)
{
    const ib_employment *e = rec;
    char sector[2] = {e->sector, '\0'};
    int rc = ib_sq_bind_i64(q, 1, k->sender);
    rc |= ib_sq_bind_i64(q, 2, k->person);
    rc |= ib_sq_bind_i64(q, 3, k->a);
    rc |= ib_sq_bind_id(q, 4, k->b);
    rc |= ib_sq_bind_text(q, 5, ib_code_text(ib_contract_codes, (int)e->contract), 32);
    rc |= ib_sq_bind_date(q, 6, e->start);
    rc |= ib_sq_bind_date(q, 7, e->end);
    rc |= ib_sq_bind_opt(q, 8, e->hours_per_week, IB_CENTS_NONE);
    rc |= ib_sq_bind_opt(q, 9, e->monthly_wage, IB_CENTS_NONE);
    if (sqlite3_bind_parameter_count(q) >= 10)
        rc |= e->sector ? sqlite3_bind_text(q, 10, sector, 1, SQLITE_TRANSIENT)
                        : sqlite3_bind_null(q, 10);
    rc |= ib_sq_bind_i64(q, 11, k->hash);
    rc |= ib_sq_bind_i64(q, 12, k->id);
    return rc;
}

static int bind_hou(sqlite3_stmt *q, const void *rec, const put_keys *k)
{
    const ib_housing *h = rec;
    int rc = ib_sq_bind_i64(q, 1, k->sender);
    rc |= ib_sq_bind_i64(q, 2, k->person);
    rc |= ib_sq_bind_i64(q, 3, k->a);
    rc |= ib_sq_bind_id(q, 4, k->b);
    rc |= ib_sq_bind_date(q, 5, h->start);
    rc |= ib_sq_bind_date(q, 6, h->end);
    rc |= ib_sq_bind_i64(q, 7, k->hash);
    rc |= ib_sq_bind_i64(q, 8, k->id);
    return rc;
}

static int bind_evt(sqlite3_stmt *q, const void *rec, const put_keys *k)
{
    const ib_life_event *ev = rec;
    int rc = ib_sq_bind_i64(q, 1, k->sender);
    rc |= ib_sq_bind_i64(q, 2, k->person);
    rc |= ib_sq_bind_text(q, 3, ib_code_text(ib_event_codes, (int)ev->event), 32);
    rc |= ib_sq_bind_date(q, 4, ev->date);
    rc |= ib_sq_bind_i64(q, 5, k->hash);
    return rc;
}

static int bind_con(sqlite3_stmt *q, const void *rec, const put_keys *k)
{
    const ib_contact *c = rec;
    int rc = ib_sq_bind_i64(q, 1, k->sender);
    rc |= ib_sq_bind_i64(q, 2, k->person);
    rc |= ib_sq_bind_text(q, 3, ib_code_text(ib_contact_kind_codes, (int)c->kind), 32);
    rc |= ib_sq_bind_date(q, 4, c->date);
    rc |= ib_sq_bind_text(q, 5, ib_code_text(ib_channel_codes, (int)c->channel), 32);
    rc |= IB_SQ_BIND_STR(q, 6, c->topics);
    rc |= IB_SQ_BIND_STR(q, 7, c->language);
    rc |= ib_sq_bind_text(q, 8, ib_code_text(ib_understood_codes, (int)c->understood), 32);
    rc |= ib_sq_bind_i64(q, 9, k->hash);
    rc |= ib_sq_bind_i64(q, 10, k->id);
    return rc;
}

/* Binds and runs a write statement. */
static int run(ib_sqlite *s, sq_stmt_id id, bind_fn bind, const void *rec,
               const put_keys *k, ib_err *err)
{
    sqlite3_stmt *q;
    int rc = ib_sq_stmt(s, id, &q, err);
    if (rc)
        return rc;
    if ((rc = bind(q, rec, k)) != SQLITE_OK) {
        sqlite3_reset(q);
        return ib_sq_error(s, rc, err);
    }
    return ib_sq_done(s, q, err);
}

/* ------------------------------------------------------------ ref-keyed kinds */

typedef struct keyed_spec {
    sq_ref_kind kind;
    sq_stmt_id ins, upd;
    bind_fn bind;
    const char *entity;                 /* audit entity */
    /* Runs before an INSERT or UPDATE (not for unchanged rows); may be NULL. */
    int (*before_write)(ib_sqlite *s, const void *rec, put_keys *k, ib_err *err);
} keyed_spec;

/* Before a person record is written: its sealed BSN and identity hash, and
 * for a new record the person it belongs to (rule 1: the person of a
 * record with the same BSN; else a person of its own). */
static int seal_person(ib_sqlite *s, const void *rec, put_keys *k, ib_err *err)
{
    const ib_person *p = rec;
    int rc = ib_bsn_seal(&s->base.crypto, p->bsn, k->sender, p->ref, k->bsn, err);
    if (rc)
        return rc;
    k->identity = ib_identity_hash(&s->base.crypto, p);
    k->updated = ib_sq_now_us();
    if (k->id != 0)
        return IB_OK;
    k->link_rule = NULL;
    k->own_people = 0;
    rc = ib_sq_person_by_bsn(s, k->bsn->present ? k->bsn->hash : 0, k->sender, 0,
                             &k->people, s->same_sender_ref, sizeof s->same_sender_ref,
                             err);
    if (rc == IB_OK && k->people)
        k->link_rule = "bsn";
    else if (rc == IB_OK && (rc = ib_sq_new_person(s, &k->people, err)) == IB_OK)
        k->own_people = k->people;
    return rc;
}

/* A change-log entry about a change to record `record`'s data (its own row
 * or an episode of it) names the record's person (docs/linkage.md), as
 * every read entry does: the person's audit is read by person id, and a
 * record id is no person id (ids of different sequences, and record ids
 * are used again after an erasure). */
static int audit_record_update(ib_sqlite *s, const char *entity, int64_t entity_id,
                               int64_t record, const char *detail, ib_err *err)
{
    int64_t person = 0;
    int rc = record ? ib_sq_person_of_record(&s->base, record, &person, err) : IB_OK;
    if (rc == IB_OK)
        rc = ib_store_audit_update(&s->base, entity, entity_id, person, detail, err);
    return rc;
}

static int write_keyed(ib_sqlite *s, const keyed_spec *sp, const char *ref,
                       const void *rec, put_keys *k, ib_put_result *res,
                       ib_err *err)
{
    int rc = sp->before_write ? sp->before_write(s, rec, k, err) : IB_OK;
    if (rc)
        return rc;
    if (k->id == 0) {
        if ((rc = run(s, sp->ins, sp->bind, rec, k, err)) != IB_OK)
            return rc;
        k->id = sqlite3_last_insert_rowid(s->db);
        *res = IB_PUT_INSERTED;
        return IB_OK;
    }
    if ((rc = run(s, sp->upd, sp->bind, rec, k, err)) != IB_OK)
        return rc;
    char detail[160];
    snprintf(detail, sizeof detail, "%s '%s' gewijzigd", ref_specs[sp->kind].noun, ref);
    rc = audit_record_update(s, sp->entity, k->id, sp->kind == SQ_REF_PERSON ? k->id : 0,
                             detail, err);
    if (rc == IB_OK)
        *res = IB_PUT_UPDATED;
    return rc;
}

static int upsert_keyed(ib_sqlite *s, const keyed_spec *sp, const char *ref,
                        const void *rec, put_keys *k, ib_put_result *res,
                        ib_err *err)
{
    int64_t old = 0;
    k->id = 0;
    int rc = ref_lookup(s, sp->kind, k->sender, ref, &k->id, &old, err);
    if (rc != IB_OK && rc != IB_ENOTFOUND)
        return rc;
    if (rc == IB_OK && old == k->hash) {
        *res = IB_PUT_UNCHANGED;
        return IB_OK;
    }
    if ((rc = write_keyed(s, sp, ref, rec, k, res, err)) != IB_OK)
        return rc;
    if (ib_refmap_put(&s->refs[sp->kind], ref, k->id, k->hash) != IB_OK)
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    return IB_OK;
}

int ib_sq_put_organisation(ib_store *st, ib_organisation *o, const ib_put_info *pi,
                           ib_put_result *res, ib_err *err)
{
    static const keyed_spec sp = {SQ_REF_ORG, SQ_ORG_INSERT, SQ_ORG_UPDATE, bind_org,
                                  "organisation", NULL};
    put_keys k = {.sender = o->meta.sender_id, .hash = pi->content_hash};
    int rc = upsert_keyed(ib_sq(st), &sp, o->ref, o, &k, res, err);
    if (rc == IB_OK)
        o->meta.id = k.id;
    return rc;
}

int ib_sq_put_location(ib_store *st, ib_location *l, const ib_put_info *pi,
                       ib_put_result *res, ib_err *err)
{
    static const keyed_spec sp = {SQ_REF_LOC, SQ_LOC_INSERT, SQ_LOC_UPDATE, bind_loc,
                                  "location", NULL};
    ib_sqlite *s = ib_sq(st);
    put_keys k = {.sender = l->meta.sender_id, .hash = pi->content_hash};
    int rc = resolve(s, SQ_REF_ORG, k.sender, l->provider_ref, "provider_ref", &k.a, err);
    if (!rc) rc = upsert_keyed(s, &sp, l->ref, l, &k, res, err);
    if (rc == IB_OK) {
        l->meta.id = k.id;
        l->provider_id = k.a;
    }
    return rc;
}

/* The link-relevant columns of a stored record before it is replaced. */
static int old_link_keys(ib_sqlite *s, int64_t id, int64_t *bsn_hash, int64_t *identity,
                         ib_err *err)
{
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, "SELECT bsn_hash, identity_hash FROM persons WHERE id = ?1",
                          &q, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(q, 1, id);
    rc = sqlite3_step(q);
    *bsn_hash = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    *identity = rc == SQLITE_ROW ? sqlite3_column_int64(q, 1) : 0;
    ib_sq_release(s, q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? IB_OK : ib_sq_error(s, rc, err);
}

int ib_sq_put_person(ib_store *st, ib_person *p, const ib_put_info *pi,
                     ib_put_result *res, ib_err *err)
{
    static const keyed_spec sp = {SQ_REF_PERSON, SQ_PERSON_INSERT, SQ_PERSON_UPDATE,
                                  bind_person, "person", seal_person};
    ib_sqlite *s = ib_sq(st);
    ib_bsn_sealed bsn;
    put_keys k = {.sender = p->meta.sender_id, .hash = pi->content_hash, .bsn = &bsn};
    int64_t old_bsn = 0, old_identity = 0, known = 0, known_hash = 0;
    s->same_sender_ref[0] = '\0';
    int rc = ref_lookup(s, SQ_REF_PERSON, k.sender, p->ref, &known, &known_hash, err);
    if (rc == IB_OK && known_hash != k.hash)
        rc = old_link_keys(s, known, &old_bsn, &old_identity, err);
    else if (rc == IB_ENOTFOUND)
        rc = IB_OK;
    if (rc == IB_OK)
        rc = upsert_keyed(s, &sp, p->ref, p, &k, res, err);
    if (rc == IB_OK && *res == IB_PUT_INSERTED)
        rc = ib_sq_link_new_record(s, k.id, err);
    else if (rc == IB_OK && *res == IB_PUT_UPDATED) {
        int64_t new_bsn = bsn.present ? bsn.hash : 0;
        if (new_bsn != old_bsn || k.identity != old_identity)
            rc = ib_sq_link_changed_record(s, k.id, new_bsn != old_bsn,
                                           k.identity != old_identity, s->same_sender_ref,
                                           sizeof s->same_sender_ref, err);
    }
    if (rc == IB_OK) {
        p->meta.id = k.id;
        ib_strlcpy(p->linked_ref, s->same_sender_ref, sizeof p->linked_ref);
    }
    return rc;
}

/* ------------------------------------------------------------ episodes */

typedef struct episode_spec {
    ib_kind kind;
    sq_stmt_id ins, find, upd;          /* upd SQ_STMT_COUNT: all content is key */
    bind_fn bind;
    const char *entity;
    /* Names the episode by its key, for the audit and errors. */
    void (*describe)(const void *rec, char *buf, size_t size);
} episode_spec;

static void describe_reg(const void *rec, char *buf, size_t size)
{
    const ib_registration *r = rec;
    char when[IB_DATE_STRLEN];
    snprintf(buf, size, "inschrijving %s van persoon '%s' vanaf %s",
             ib_code_text(ib_reg_kind_codes, (int)r->kind), r->person_ref,
             ib_date_format(r->start, when));
}

static void describe_emp(const void *rec, char *buf, size_t size)
{
    const ib_employment *e = rec;
    char when[IB_DATE_STRLEN];
    snprintf(buf, size, "dienstverband van persoon '%s' bij '%s' vanaf %s",
             e->person_ref, e->employer_ref, ib_date_format(e->start, when));
}

static void describe_hou(const void *rec, char *buf, size_t size)
{
    const ib_housing *h = rec;
    char when[IB_DATE_STRLEN];
    snprintf(buf, size, "huisvesting van persoon '%s' op '%s' vanaf %s",
             h->person_ref, h->location_ref, ib_date_format(h->start, when));
}

static void describe_evt(const void *rec, char *buf, size_t size)
{
    const ib_life_event *ev = rec;
    char when[IB_DATE_STRLEN];
    snprintf(buf, size, "levensgebeurtenis %s van persoon '%s' op %s",
             ib_code_text(ib_event_codes, (int)ev->event), ev->person_ref,
             ib_date_format(ev->date, when));
}

static void describe_con(const void *rec, char *buf, size_t size)
{
    const ib_contact *c = rec;
    char when[IB_DATE_STRLEN];
    snprintf(buf, size, "contactmoment %s met persoon '%s' op %s",
             ib_code_text(ib_contact_kind_codes, (int)c->kind), c->person_ref,
             ib_date_format(c->date, when));
}

/* Looks the episode up by its natural key: IB_OK with k->id and *old set,
 * IB_ENOTFOUND, or an error. */
static int find_episode(ib_sqlite *s, const episode_spec *sp, const void *rec,
                        put_keys *k, int64_t *old, ib_err *err)
{
    sqlite3_stmt *q;
    int rc = ib_sq_stmt(s, sp->find, &q, err);
    if (rc)
        return rc;
    if ((rc = sp->bind(q, rec, k)) == SQLITE_OK)
        rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        k->id = sqlite3_column_int64(q, 0);
        *old = sqlite3_column_int64(q, 1);
    }
    sqlite3_reset(q);
    if (rc == SQLITE_ROW)
        return IB_OK;
    return rc == SQLITE_DONE ? IB_ENOTFOUND : ib_sq_error(s, rc, err);
}

static int replace_episode(ib_sqlite *s, const episode_spec *sp, const void *rec,
                           put_keys *k, int64_t old, ib_put_result *res, ib_err *err)
{
    if (old == k->hash || sp->upd == SQ_STMT_COUNT) {
        *res = IB_PUT_UNCHANGED;
        return IB_OK;
    }
    int rc = run(s, sp->upd, sp->bind, rec, k, err);
    if (rc)
        return rc;
    char text[256];
    sp->describe(rec, text, sizeof text - 10);
    ib_strlcpy(text + strlen(text), " gewijzigd", 11);
    rc = audit_record_update(s, sp->entity, k->id, k->person, text, err);
    if (rc == IB_OK)
        *res = IB_PUT_UPDATED;
    return rc;
}

/* Inserts the episode, or finds the one with its natural key and replaces
 * it when the content differs. Whether to try the INSERT or the look-up
 * first follows the previous put of the kind, so that both a new file and
 * a re-sent one cost one statement a row. */
static int upsert_episode(ib_sqlite *s, const episode_spec *sp, const void *rec,
                          put_keys *k, ib_put_result *res, ib_err *err)
{
    int64_t old = 0;
    int rc;
    bool *resending = &s->resending[sp->kind];
    if (*resending) {
        rc = find_episode(s, sp, rec, k, &old, err);
        if (rc != IB_ENOTFOUND)
            return rc ? rc : replace_episode(s, sp, rec, k, old, res, err);
        *resending = false;
    }
    if ((rc = run(s, sp->ins, sp->bind, rec, k, err)) != IB_OK)
        return rc;
    if (sqlite3_changes(s->db) > 0) {
        k->id = sqlite3_last_insert_rowid(s->db);
        *res = IB_PUT_INSERTED;
        return IB_OK;
    }
    *resending = true;
    rc = find_episode(s, sp, rec, k, &old, err);
    if (rc == IB_ENOTFOUND) {
        char text[200];
        sp->describe(rec, text, sizeof text);
        return ib_err_set(err, IB_ESTORE, "%s: bestaande rij niet terug te vinden",
                          text);
    }
    return rc ? rc : replace_episode(s, sp, rec, k, old, res, err);
}

static bool stays_overlap(ib_date a1, ib_date d1, ib_date a2, ib_date d2)
{
    /* A stay occupies [arrival, departure): leaving and arriving on the
     * same day do not overlap; an open departure lasts forever. */
    int64_t e1 = d1 == IB_DATE_NONE ? INT64_MAX : d1;
    int64_t e2 = d2 == IB_DATE_NONE ? INT64_MAX : d2;
    return a1 < e2 && a2 < e1;
}

/* Finds the person's stay with the same arrival (the key) and any other
 * stay that overlaps; IB_ECONFLICT naming the first overlapping one. */
static int check_stays(ib_sqlite *s, const ib_stay *st, put_keys *k,
                       int64_t *old_hash, ib_err *err)
{
    sqlite3_stmt *q;
    int rc = ib_sq_stmt(s, SQ_STAY_OF_PERSON, &q, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(q, 1, k->sender);
    sqlite3_bind_int64(q, 2, k->person);
    ib_date clash = IB_DATE_NONE;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        ib_date a = ib_sq_col_date(q, 1), d = ib_sq_col_date(q, 2);
        if (a == st->arrival) {
            k->id = sqlite3_column_int64(q, 0);
            *old_hash = sqlite3_column_int64(q, 3);
        } else if (stays_overlap(a, d, st->arrival, st->departure) &&
                   (clash == IB_DATE_NONE || a < clash)) {
            clash = a;
        }
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return ib_sq_error(s, rc, err);
    if (clash != IB_DATE_NONE) {
        char buf[IB_DATE_STRLEN];
        return ib_err_set_at(err, IB_ECONFLICT, 0, 0, "arrival_date",
                             "verblijf overlapt met verblijf vanaf %s",
                             ib_date_format(clash, buf));
    }
    return IB_OK;
}

int ib_sq_put_stay(ib_store *st, ib_stay *sy, const ib_put_info *pi,
                   ib_put_result *res, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    put_keys k = {.sender = sy->meta.sender_id, .hash = pi->content_hash};
    int64_t old = 0;
    int rc = resolve(s, SQ_REF_PERSON, k.sender, sy->person_ref, "person_ref",
                     &k.person, err);
    if (!rc) rc = check_stays(s, sy, &k, &old, err);
    if (rc)
        return rc;
    if (k.id == 0) {
        rc = run(s, SQ_STAY_INSERT, bind_stay, sy, &k, err);
        k.id = sqlite3_last_insert_rowid(s->db);
        *res = IB_PUT_INSERTED;
    } else if (old == k.hash) {
        *res = IB_PUT_UNCHANGED;
    } else {
        char when[IB_DATE_STRLEN], detail[160];
        snprintf(detail, sizeof detail, "verblijf van persoon '%s' vanaf %s gewijzigd",
                 sy->person_ref, ib_date_format(sy->arrival, when));
        rc = run(s, SQ_STAY_UPDATE, bind_stay, sy, &k, err);
        if (!rc) rc = audit_record_update(s, "stay", k.id, k.person, detail, err);
        *res = IB_PUT_UPDATED;
    }
    if (rc == IB_OK) {
        sy->meta.id = k.id;
        sy->person_id = k.person;
    }
    return rc;
}

int ib_sq_put_registration(ib_store *st, ib_registration *r, const ib_put_info *pi,
                           ib_put_result *res, ib_err *err)
{
    static const episode_spec sp = {IB_KIND_REGISTRATION, SQ_REG_INSERT, SQ_REG_FIND, SQ_REG_UPDATE,
                                    bind_reg, "registration", describe_reg};
    ib_sqlite *s = ib_sq(st);
    put_keys k = {.sender = r->meta.sender_id, .hash = pi->content_hash};
    int rc = resolve(s, SQ_REF_PERSON, k.sender, r->person_ref, "person_ref",
                     &k.person, err);
    if (rc)
        return rc;
    rc = upsert_episode(s, &sp, r, &k, res, err);
    if (rc == IB_OK) {
        r->meta.id = k.id;
        r->person_id = k.person;
    }
    return rc;
}

int ib_sq_put_employment(ib_store *st, ib_employment *e, const ib_put_info *pi,
                         ib_put_result *res, ib_err *err)
{
    static const episode_spec sp = {IB_KIND_EMPLOYMENT, SQ_EMP_INSERT, SQ_EMP_FIND, SQ_EMP_UPDATE,
                                    bind_emp, "employment", describe_emp};
    ib_sqlite *s = ib_sq(st);
    put_keys k = {.sender = e->meta.sender_id, .hash = pi->content_hash};
    int rc = resolve(s, SQ_REF_PERSON, k.sender, e->person_ref, "person_ref",
                     &k.person, err);
    if (!rc) rc = resolve(s, SQ_REF_ORG, k.sender, e->employer_ref, "employer_ref",
                          &k.a, err);
    if (!rc) rc = resolve(s, SQ_REF_ORG, k.sender, e->agency_ref, "agency_ref",
                          &k.b, err);
    if (rc)
        return rc;
    rc = upsert_episode(s, &sp, e, &k, res, err);
    if (rc == IB_OK) {
        e->meta.id = k.id;
        e->person_id = k.person;
        e->employer_id = k.a;
        e->agency_id = k.b;
    }
    return rc;
}

int ib_sq_put_housing(ib_store *st, ib_housing *h, const ib_put_info *pi,
                      ib_put_result *res, ib_err *err)
{
    static const episode_spec sp = {IB_KIND_HOUSING, SQ_HOU_INSERT, SQ_HOU_FIND, SQ_HOU_UPDATE,
                                    bind_hou, "housing", describe_hou};
    ib_sqlite *s = ib_sq(st);
    put_keys k = {.sender = h->meta.sender_id, .hash = pi->content_hash};
    int rc = resolve(s, SQ_REF_PERSON, k.sender, h->person_ref, "person_ref",
                     &k.person, err);
    if (!rc) rc = resolve(s, SQ_REF_LOC, k.sender, h->location_ref, "location_ref",
                          &k.a, err);
    if (!rc) rc = resolve(s, SQ_REF_ORG, k.sender, h->provided_by_ref,
                          "provided_by_ref", &k.b, err);
    if (rc)
        return rc;
    rc = upsert_episode(s, &sp, h, &k, res, err);
    if (rc == IB_OK) {
        h->meta.id = k.id;
        h->person_id = k.person;
        h->location_id = k.a;
        h->provided_by_id = k.b;
    }
    return rc;
}

int ib_sq_put_life_event(ib_store *st, ib_life_event *ev, const ib_put_info *pi,
                         ib_put_result *res, ib_err *err)
{
    /* A life event is all key: re-sent it is unchanged by definition. */
    static const episode_spec sp = {IB_KIND_LIFE_EVENT, SQ_EVT_INSERT, SQ_EVT_FIND, SQ_STMT_COUNT,
                                    bind_evt, "life_event", describe_evt};
    ib_sqlite *s = ib_sq(st);
    put_keys k = {.sender = ev->meta.sender_id, .hash = pi->content_hash};
    int rc = resolve(s, SQ_REF_PERSON, k.sender, ev->person_ref, "person_ref",
                     &k.person, err);
    if (rc)
        return rc;
    rc = upsert_episode(s, &sp, ev, &k, res, err);
    if (rc == IB_OK) {
        ev->meta.id = k.id;
        ev->person_id = k.person;
    }
    return rc;
}

int ib_sq_put_contact(ib_store *st, ib_contact *c, const ib_put_info *pi,
                      ib_put_result *res, ib_err *err)
{
    static const episode_spec sp = {IB_KIND_CONTACT, SQ_CON_INSERT, SQ_CON_FIND, SQ_CON_UPDATE,
                                    bind_con, "contact", describe_con};
    ib_sqlite *s = ib_sq(st);
    put_keys k = {.sender = c->meta.sender_id, .hash = pi->content_hash};
    int rc = resolve(s, SQ_REF_PERSON, k.sender, c->person_ref, "person_ref",
                     &k.person, err);
    if (rc)
        return rc;
    rc = upsert_episode(s, &sp, c, &k, res, err);
    if (rc == IB_OK) {
        c->meta.id = k.id;
        c->person_id = k.person;
    }
    return rc;
}
