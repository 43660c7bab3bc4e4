/* sqlite_link.c — one person across the chain, for the SQLite backend: the
 * linkage rules applied as a person record is written (docs/linkage.md
 * rules 1-4), manual links and unlinks (rule 5) and the review list.
 *
 * A person is a row of `people`; every record (a `persons` row: one
 * sender's person) points to its person (people_id) and remembers the
 * person it was made with (own_people_id; NULL when it joined another
 * person at once), so that an unlink gives it back. Everything here runs
 * inside the caller's transaction: links change with the rows. */
#include "sqlite_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

/* ------------------------------------------------------------ helpers */

int64_t ib_sq_now_us(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

/* Runs sql with up to three integer parameters, expecting no rows. */
static int exec3(ib_sqlite *s, const char *sql, int64_t a, int64_t b, int64_t c,
                 ib_err *err)
{
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, sql, &q, err);
    if (rc)
        return rc;
    int n = sqlite3_bind_parameter_count(q);
    if (n >= 1) sqlite3_bind_int64(q, 1, a);
    if (n >= 2) sqlite3_bind_int64(q, 2, b);
    if (n >= 3) sqlite3_bind_int64(q, 3, c);
    rc = sqlite3_step(q);
    ib_sq_release(s, q);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? IB_OK : ib_sq_error(s, rc, err);
}

/* The first column of the first row of sql (two integer parameters) in
 * *out; IB_ENOTFOUND when there is no row or it is NULL. */
static int query_i64(ib_sqlite *s, const char *sql, int64_t a, int64_t b,
                     int64_t *out, ib_err *err)
{
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, sql, &q, err);
    if (rc)
        return rc;
    int n = sqlite3_bind_parameter_count(q);
    if (n >= 1) sqlite3_bind_int64(q, 1, a);
    if (n >= 2) sqlite3_bind_int64(q, 2, b);
    rc = sqlite3_step(q);
    bool has = rc == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL;
    if (has)
        *out = sqlite3_column_int64(q, 0);
    ib_sq_release(s, q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return ib_sq_error(s, rc, err);
    return has ? IB_OK : IB_ENOTFOUND;
}

int ib_sq_new_person(ib_sqlite *s, int64_t *id, ib_err *err)
{
    int rc = exec3(s, "INSERT INTO people (merged_into) VALUES (NULL)", 0, 0, 0, err);
    if (rc == IB_OK)
        *id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

/* A change-log entry about a link, inside the open transaction. */
static int audit_link(ib_sqlite *s, const char *action, int64_t record, int64_t person,
                      const char *detail, ib_err *err)
{
    ib_audit_entry e = {.entity_id = record, .person_id = person};
    ib_strlcpy(e.action, action, sizeof e.action);
    ib_strlcpy(e.entity, "person", sizeof e.entity);
    ib_strlcpy(e.detail, detail, sizeof e.detail);
    return ib_store_audit(&s->base, &e, err);
}

/* ------------------------------------------------------------ the records of a person */

typedef struct link_rec {
    int64_t id, sender, people, own, bsn_hash, identity;
    ib_date birth;
    char family[IB_NAME_MAX + 1], given[IB_NAME_MAX + 1];
    char rule[16];
} link_rec;

#define REC_COLS "id, sender_id, people_id, own_people_id, bsn_hash, identity_hash," \
                 " birth_date, family_name, given_names, link_rule"

static void decode_rec(sqlite3_stmt *q, link_rec *r)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(q, 0);
    r->sender = sqlite3_column_int64(q, 1);
    r->people = sqlite3_column_int64(q, 2);
    r->own = sqlite3_column_int64(q, 3);
    r->bsn_hash = sqlite3_column_int64(q, 4);
    r->identity = sqlite3_column_int64(q, 5);
    r->birth = ib_sq_col_date(q, 6);
    IB_SQ_COL_STR(q, 7, r->family);
    IB_SQ_COL_STR(q, 8, r->given);
    IB_SQ_COL_STR(q, 9, r->rule);
}

static int get_rec(ib_sqlite *s, int64_t id, link_rec *r, ib_err *err)
{
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, "SELECT " REC_COLS " FROM persons WHERE id = ?1", &q, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(q, 1, id);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        decode_rec(q, r);
    ib_sq_release(s, q);
    if (rc == SQLITE_DONE)
        return ib_err_set(err, IB_ENOTFOUND, "record %lld bestaat niet", (long long)id);
    return rc == SQLITE_ROW ? IB_OK : ib_sq_error(s, rc, err);
}

/* What each_rec calls for a record; a non-zero return stops. */
typedef int (*rec_fn)(ib_sqlite *s, const link_rec *r, void *ctx, ib_err *err);

/* Calls fn for every record that sql selects with REC_COLS (parameters a
 * and, when the statement has a second one, b); stops at a non-zero
 * return. The records are read first: fn may write to the same table. */
static int each_rec2(ib_sqlite *s, const char *sql, int64_t a, int64_t b, rec_fn fn,
                     void *ctx, ib_err *err)
{
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, sql, &q, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(q, 1, a);
    if (sqlite3_bind_parameter_count(q) >= 2)
        sqlite3_bind_int64(q, 2, b);
    link_rec *recs = NULL;
    size_t n = 0, cap = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 8;
            link_rec *p = realloc(recs, nc * sizeof *p);
            if (!p) {
                free(recs);
                ib_sq_release(s, q);
                return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
            }
            recs = p;
            cap = nc;
        }
        decode_rec(q, &recs[n++]);
    }
    ib_sq_release(s, q);
    if (rc != SQLITE_DONE) {
        free(recs);
        return ib_sq_error(s, rc, err);
    }
    rc = IB_OK;
    for (size_t i = 0; i < n && rc == IB_OK; i++)
        rc = fn(s, &recs[i], ctx, err);
    free(recs);
    return rc;
}

static int each_rec(ib_sqlite *s, const char *sql, int64_t a, rec_fn fn, void *ctx,
                    ib_err *err)
{
    return each_rec2(s, sql, a, 0, fn, ctx, err);
}

#define RECS_OF_PERSON "SELECT " REC_COLS " FROM persons WHERE people_id = ?1 ORDER BY id"

/* How many other records the person of record r holds. */
static int other_records(ib_sqlite *s, const link_rec *r, int64_t *n, ib_err *err)
{
    *n = 0;
    int rc = query_i64(s, "SELECT count(*) FROM persons WHERE people_id = ?1 AND id <> ?2",
                       r->people, r->id, n, err);
    return rc == IB_ENOTFOUND ? IB_OK : rc;
}

/* ------------------------------------------------------------ conflicts */

/* Whether the records of persons a and b together hold two different BSNs
 * (rule 2). */
static int bsn_conflict(ib_sqlite *s, int64_t a, int64_t b, bool *conflict, ib_err *err)
{
    int64_t n = 0;
    int rc = query_i64(s, "SELECT count(DISTINCT bsn_hash) FROM persons"
                          " WHERE people_id IN (?1, ?2) AND bsn_hash IS NOT NULL",
                       a, b, &n, err);
    *conflict = rc == IB_OK && n > 1;
    return rc == IB_ENOTFOUND ? IB_OK : rc;
}

/* Whether a pair of records of persons a and b was declared different. */
static int declared_different(ib_sqlite *s, int64_t a, int64_t b, bool *different,
                              ib_err *err)
{
    int64_t n = 0;
    int rc = query_i64(s, "SELECT count(*) FROM persons x JOIN persons y"
                          " ON y.people_id = ?2 JOIN link_reviews v"
                          " ON v.record_a = min(x.id, y.id) AND v.record_b = max(x.id, y.id)"
                          " WHERE x.people_id = ?1 AND v.state = 'different'", a, b, &n, err);
    *different = rc == IB_OK && n > 0;
    return rc == IB_ENOTFOUND ? IB_OK : rc;
}

/* Whether a pair of records of persons a and b is on the review list, in
 * any state. */
static int persons_paired(ib_sqlite *s, int64_t a, int64_t b, bool *paired, ib_err *err)
{
    int64_t n = 0;
    /* Every pair of their records, each looked up in the unique index. */
    int rc = query_i64(s, "SELECT count(*) FROM persons x JOIN persons y"
                          " ON y.people_id = ?2 JOIN link_reviews v"
                          " ON v.record_a = min(x.id, y.id) AND v.record_b = max(x.id, y.id)"
                          " WHERE x.people_id = ?1", a, b, &n, err);
    *paired = rc == IB_OK && n > 0;
    return rc == IB_ENOTFOUND ? IB_OK : rc;
}

/* ------------------------------------------------------------ merging */

/* Moves every record of person `from` into person `into` (the rule each
 * moved record now holds: rule), and marks `from` as merged. */
static int merge_persons(ib_sqlite *s, int64_t into, int64_t from, const char *rule,
                         ib_err *err)
{
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, "UPDATE persons SET people_id = ?1, link_rule = ?3"
                             " WHERE people_id = ?2", &q, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(q, 1, into);
    sqlite3_bind_int64(q, 2, from);
    sqlite3_bind_text(q, 3, rule, -1, SQLITE_STATIC);
    rc = sqlite3_step(q);
    ib_sq_release(s, q);
    if (rc != SQLITE_DONE)
        return ib_sq_error(s, rc, err);
    /* Open pairs whose records are now one person are settled by it. */
    sqlite3_stmt *q2;
    /* Each pair of the person's records looked up in the unique index,
     * not every open pair scanned. */
    if ((rc = ib_sq_cached(s, "UPDATE link_reviews SET state = 'linked', decided_by = ?2,"
                              " decided_at = ?3, decision_reason = ?4 WHERE state = 'open'"
                              " AND id IN (SELECT v.id FROM persons x JOIN persons y"
                              " ON y.people_id = ?1 AND y.id > x.id JOIN link_reviews v"
                              " ON v.record_a = x.id AND v.record_b = y.id"
                              " WHERE x.people_id = ?1)", &q2, err)) != IB_OK)
        return rc;
    char at[32], why[64];
    ib_audit_now(at);
    snprintf(why, sizeof why, "één persoon geworden (%lld)", (long long)into);
    sqlite3_bind_int64(q2, 1, into);
    sqlite3_bind_text(q2, 2, s->base.actor, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q2, 3, at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q2, 4, why, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(q2);
    ib_sq_release(s, q2);
    if (rc != SQLITE_DONE)
        return ib_sq_error(s, rc, err);
    /* Persons merged into `from` earlier now lead to `into` too. */
    rc = exec3(s, "UPDATE people SET merged_into = ?1 WHERE id = ?2", into, from, 0, err);
    if (!rc) rc = exec3(s, "UPDATE people SET merged_into = ?1 WHERE merged_into = ?2",
                        into, from, 0, err);
    s->registry_changed = true;
    return rc;
}

/* ------------------------------------------------------------ review pairs */

static int add_review(ib_sqlite *s, int64_t a, int64_t b, const char *reason, int score,
                      ib_err *err)
{
    if (a == b)
        return IB_OK;
    if (a > b) {
        int64_t t = a;
        a = b;
        b = t;
    }
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, "INSERT INTO link_reviews (record_a, record_b, reason, score,"
                             " state, created_at) VALUES (?1, ?2, ?3, ?4, 'open', ?5)"
                             " ON CONFLICT (record_a, record_b) DO NOTHING", &q, err);
    if (rc)
        return rc;
    char at[32];
    ib_audit_now(at);
    sqlite3_bind_int64(q, 1, a);
    sqlite3_bind_int64(q, 2, b);
    sqlite3_bind_text(q, 3, reason, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 4, score);
    sqlite3_bind_text(q, 5, at, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(q);
    ib_sq_release(s, q);
    return rc == SQLITE_DONE ? IB_OK : ib_sq_error(s, rc, err);
}

/* Rule 4: how alike two records' names are, in thousandths; 0 when they
 * are not look-alikes (Jaro-Winkler below 0.92 on family or given names,
 * also with the two swapped). */
static int name_likeness(const link_rec *x, const link_rec *y)
{
    char fx[IB_NAME_NORM_MAX], gx[IB_NAME_NORM_MAX];
    char fy[IB_NAME_NORM_MAX], gy[IB_NAME_NORM_MAX];
    if (ib_name_normalise(x->family, fx, sizeof fx) || ib_name_normalise(x->given, gx, sizeof gx) ||
        ib_name_normalise(y->family, fy, sizeof fy) || ib_name_normalise(y->given, gy, sizeof gy))
        return 0;
    double f = ib_jaro_winkler(fx, fy), g = ib_jaro_winkler(gx, gy);
    double straight = f < g ? f : g;
    double fs = ib_jaro_winkler(fx, gy), gs = ib_jaro_winkler(gx, fy);
    double swapped = fs < gs ? fs : gs;
    double best = straight > swapped ? straight : swapped;
    return best >= 0.92 ? (int)(best * 1000.0 + 0.5) : 0;
}

/* One pair per person: a look-alike of a person known to several senders
 * is proposed once, with the first of its records that looks alike. */
#define ALIKE_PERSONS_MAX 64
typedef struct alike_ctx {
    const link_rec *x;
    int64_t paired[ALIKE_PERSONS_MAX];
    int npaired;
} alike_ctx;

static int consider_alike(ib_sqlite *s, const link_rec *y, void *ctxp, ib_err *err)
{
    alike_ctx *c = ctxp;
    const link_rec *x = c->x;
    if (y->people == x->people || (x->bsn_hash && y->bsn_hash))
        return IB_OK;           /* one person already, or rule 2 decides */
    for (int i = 0; i < c->npaired; i++)
        if (c->paired[i] == y->people)
            return IB_OK;
    if (!ib_birth_dates_look_alike(x->birth, y->birth))
        return IB_OK;
    int score = name_likeness(x, y);
    if (!score)
        return IB_OK;
    if (c->npaired < ALIKE_PERSONS_MAX)
        c->paired[c->npaired++] = y->people;
    /* The two persons were paired before (open, or decided: a decision is
     * kept for the persons, whichever of their records comes next). */
    bool paired = false;
    int rc = persons_paired(s, x->people, y->people, &paired, err);
    if (rc || paired)
        return rc;
    return add_review(s, x->id, y->id, "look-alike", score, err);
}

/* ------------------------------------------------------------ dates without a BSN */

static bool nobsn_in_range(ib_date d)
{
    return d != IB_DATE_NONE && d >= SQ_NOBSN_FIRST && d - SQ_NOBSN_FIRST < SQ_NOBSN_DAYS;
}

static void nobsn_set(ib_sqlite *s, ib_date d)
{
    if (nobsn_in_range(d)) {
        uint32_t i = (uint32_t)(d - SQ_NOBSN_FIRST);
        s->nobsn_dates[i / 64] |= UINT64_C(1) << (i % 64);
    }
}

/* Whether a record without a BSN may have birth date d. */
static bool nobsn_maybe(const ib_sqlite *s, ib_date d)
{
    if (!nobsn_in_range(d))
        return true;
    uint32_t i = (uint32_t)(d - SQ_NOBSN_FIRST);
    return (s->nobsn_dates[i / 64] >> (i % 64)) & 1;
}

static int nobsn_load(ib_sqlite *s, ib_err *err)
{
    if (s->nobsn_valid)
        return IB_OK;
    memset(s->nobsn_dates, 0, sizeof s->nobsn_dates);
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, "SELECT DISTINCT birth_date FROM persons"
                             " WHERE bsn_hash IS NULL", &q, err);
    if (rc)
        return rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        nobsn_set(s, ib_sq_col_date(q, 0));
    ib_sq_release(s, q);
    if (rc != SQLITE_DONE)
        return ib_sq_error(s, rc, err);
    s->nobsn_valid = true;
    return IB_OK;
}

/* Rule 4 for record x: every record with a birth date that looks alike
 * and a name close enough becomes a pair to review. A record with a BSN
 * is compared with the records without one only (two BSNs decide by
 * themselves). */
static int find_look_alikes(ib_sqlite *s, const link_rec *x, ib_err *err)
{
    /* Both names are compared (or both swapped): without one, nothing can
     * look alike, and nameless records are no candidates either. */
    if (x->birth == IB_DATE_NONE || !x->family[0] || !x->given[0])
        return IB_OK;
    ib_date dates[IB_BIRTH_VARIANTS_MAX];
    int n = ib_birth_date_variants(x->birth, dates, IB_BIRTH_VARIANTS_MAX);
    alike_ctx ctx = {.x = x};
    int rc = nobsn_load(s, err);
    if (rc)
        return rc;
    if (!x->bsn_hash)
        nobsn_set(s, x->birth);
    /* Records with x's exact identity are rule 3's (linked, or a pair to
     * review as ambiguous): the ranges of the index on (birth date,
     * identity) below and above it, and without one, hold the rest, so
     * that a delivery of many identical records costs no pair per two. */
    static const char *const with_bsn[] = {
        "SELECT " REC_COLS " FROM persons WHERE birth_date = ?1 AND bsn_hash IS NULL"
        " AND identity_hash < ?2 AND family_name <> '' AND given_names <> ''",
        "SELECT " REC_COLS " FROM persons WHERE birth_date = ?1 AND bsn_hash IS NULL"
        " AND identity_hash > ?2 AND family_name <> '' AND given_names <> ''",
    };
    static const char *const without_bsn[] = {
        "SELECT " REC_COLS " FROM persons WHERE birth_date = ?1"
        " AND identity_hash < ?2 AND family_name <> '' AND given_names <> ''",
        "SELECT " REC_COLS " FROM persons WHERE birth_date = ?1"
        " AND identity_hash > ?2 AND family_name <> '' AND given_names <> ''",
    };
    const char *const *sql = x->bsn_hash ? with_bsn : without_bsn;
    for (int i = 0; i < n && rc == IB_OK; i++) {
        if (x->bsn_hash && !nobsn_maybe(s, dates[i]))
            continue;
        for (int k = 0; k < 2 && rc == IB_OK; k++)
            rc = each_rec2(s, sql[k], dates[i], x->identity, consider_alike, &ctx, err);
    }
    return rc;
}

/* ------------------------------------------------------------ rule 3 */

typedef struct identity_ctx {
    const link_rec *x;
    int64_t found[2];           /* distinct persons found, up to two */
    int64_t found_rec[2];       /* a record of each */
    int nfound;
    bool same_sender;           /* the one person holds a record of x's sender */
} identity_ctx;

static int collect_identity(ib_sqlite *s, const link_rec *y, void *ctxp, ib_err *err)
{
    (void)s;
    (void)err;
    identity_ctx *c = ctxp;
    if (y->people == c->x->people || c->nfound == 2)
        return IB_OK;           /* two persons make it ambiguous: enough */
    for (int i = 0; i < c->nfound; i++)
        if (c->found[i] == y->people)
            return IB_OK;
    c->found[c->nfound] = y->people;
    c->found_rec[c->nfound] = y->id;
    c->nfound++;
    return IB_OK;
}

static int holds_sender(ib_sqlite *s, int64_t person, int64_t sender, bool *holds,
                        ib_err *err)
{
    int64_t n = 0;
    int rc = query_i64(s, "SELECT count(*) FROM persons WHERE people_id = ?1"
                          " AND sender_id = ?2", person, sender, &n, err);
    *holds = rc == IB_OK && n > 0;
    return rc == IB_ENOTFOUND ? IB_OK : rc;
}

/* Rule 3 for record x without a BSN that is a person of its own: linked to
 * the one person that has a record with the same identity, when that
 * person holds no other record of x's sender and nobody declared them
 * different; ambiguous or blocked: pairs to review. *linked tells. */
static int link_by_identity(ib_sqlite *s, link_rec *x, bool *linked, ib_err *err)
{
    *linked = false;
    if (x->bsn_hash || !x->identity)
        return IB_OK;
    identity_ctx c = {.x = x};
    /* The first record of each person with this identity, two persons at
     * most: enough to tell one from several (the index on identity and
     * person stops the look-up there). */
    int rc = each_rec(s, "SELECT " REC_COLS " FROM persons WHERE id IN (SELECT min(id)"
                         " FROM persons WHERE identity_hash = ?1 GROUP BY people_id LIMIT 3)",
                      x->identity, collect_identity, &c, err);
    if (rc || c.nfound == 0)
        return rc;
    if (c.nfound > 1) {
        for (int i = 0; i < 2 && rc == IB_OK; i++)
            rc = add_review(s, x->id, c.found_rec[i], "ambiguous", 1000, err);
        return rc;
    }
    bool holds = false, different = false;
    if ((rc = holds_sender(s, c.found[0], x->sender, &holds, err)) != IB_OK ||
        (rc = declared_different(s, x->people, c.found[0], &different, err)) != IB_OK)
        return rc;
    if (holds)
        return add_review(s, x->id, c.found_rec[0], "same-sender", 1000, err);
    if (different)
        return IB_OK;
    int64_t from = x->people;
    if ((rc = merge_persons(s, c.found[0], from, "identity", err)) != IB_OK)
        return rc;
    x->people = c.found[0];
    *linked = true;
    char detail[128];
    snprintf(detail, sizeof detail, "regel 3: gekoppeld op naam, geboortedatum en"
             " nationaliteit (persoon %lld opgegaan in %lld)", (long long)from,
             (long long)c.found[0]);
    return audit_link(s, "link", x->id, c.found[0], detail, err);
}

/* After a record with a BSN and an identity is written: records without a
 * BSN with the same identity that are persons of their own may now link
 * (rule 3 seen from the other side). */
static int relink_identity_peer(ib_sqlite *s, const link_rec *y, void *ctx, ib_err *err)
{
    (void)ctx;
    if (y->bsn_hash || y->rule[0])
        return IB_OK;
    int64_t others = 0;
    int rc = other_records(s, y, &others, err);
    if (rc)
        return rc;
    if (others > 0)
        return IB_OK;
    link_rec x = *y;
    bool linked;
    return link_by_identity(s, &x, &linked, err);
}

/* ------------------------------------------------------------ at import */

/* Rule 1 before the insert: the person of another record with the same
 * BSN, or 0; *same_sender_ref receives the ref of such a record of the
 * same sender (one sender, two keys for one person). */
int ib_sq_person_by_bsn(ib_sqlite *s, int64_t bsn_hash, int64_t sender, int64_t self,
                        int64_t *people, char *same_sender_ref, size_t ref_size,
                        ib_err *err)
{
    *people = 0;
    if (same_sender_ref && ref_size)
        same_sender_ref[0] = '\0';
    if (!bsn_hash)
        return IB_OK;
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, "SELECT people_id, sender_id, ref FROM persons"
                             " WHERE bsn_hash = ?1 AND id <> ?2 ORDER BY people_id", &q, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(q, 1, bsn_hash);
    sqlite3_bind_int64(q, 2, self);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (!*people)
            *people = sqlite3_column_int64(q, 0);
        if (same_sender_ref && ref_size && !same_sender_ref[0] &&
            sqlite3_column_int64(q, 1) == sender)
            ib_sq_col_text(q, 2, same_sender_ref, ref_size);
    }
    ib_sq_release(s, q);
    return rc == SQLITE_DONE ? IB_OK : ib_sq_error(s, rc, err);
}

/* After a new record is inserted (its person chosen by rule 1, or its own):
 * rule 3 for it, or for the records without a BSN that it may complete;
 * rule 4 for what stays unlinked. */
int ib_sq_link_new_record(ib_sqlite *s, int64_t record, ib_err *err)
{
    link_rec x;
    int rc = get_rec(s, record, &x, err);
    if (rc)
        return rc;
    bool linked = false;
    if (!x.bsn_hash) {
        rc = link_by_identity(s, &x, &linked, err);
    } else if (x.identity) {
        rc = each_rec(s, "SELECT " REC_COLS " FROM persons WHERE identity_hash = ?1"
                         " AND bsn_hash IS NULL", x.identity, relink_identity_peer, NULL, err);
    }
    if (rc == IB_OK && !linked && !x.rule[0])
        rc = find_look_alikes(s, &x, err);
    return rc;
}

/* Gives record r a person of its own again: the one it was made with, or a
 * new one when it never had one or that one still holds other records. */
static int detach(ib_sqlite *s, const link_rec *r, int64_t *to, ib_err *err)
{
    int64_t target = r->own, others = 0;
    int rc = IB_OK;
    if (target && target != r->people) {
        rc = query_i64(s, "SELECT count(*) FROM persons WHERE people_id = ?1", target, 0,
                       &others, err);
        if (rc && rc != IB_ENOTFOUND)
            return rc;
        if (others)
            target = 0;
    } else {
        target = 0;
    }
    if (!target && (rc = ib_sq_new_person(s, &target, err)) != IB_OK)
        return rc;
    rc = exec3(s, "UPDATE people SET merged_into = NULL WHERE id = ?1", target, 0, 0, err);
    if (!rc) rc = exec3(s, "UPDATE persons SET people_id = ?1, own_people_id = ?1,"
                           " link_rule = NULL WHERE id = ?2", target, r->id, 0, err);
    s->registry_changed = true;
    *to = target;
    return rc;
}

/* After a stored record's BSN or identity changed: it leaves a person whose
 * BSN it no longer shares (rule 2 first), and links afresh. */
int ib_sq_link_changed_record(ib_sqlite *s, int64_t record, bool bsn_changed,
                              bool identity_changed, char *same_sender_ref,
                              size_t ref_size, ib_err *err)
{
    link_rec x;
    int rc = get_rec(s, record, &x, err);
    if (rc)
        return rc;
    int64_t others = 0;
    if ((rc = other_records(s, &x, &others, err)) != IB_OK)
        return rc;
    if (others > 0) {
        /* Another BSN in the person, or a BSN link that no longer holds. */
        int64_t conflicting = 0;
        rc = query_i64(s, "SELECT count(*) FROM persons p JOIN persons me ON me.id = ?2"
                          " WHERE p.people_id = ?1 AND p.id <> ?2 AND p.bsn_hash IS NOT NULL"
                          " AND p.bsn_hash IS NOT me.bsn_hash",
                       x.people, x.id, &conflicting, err);
        if (rc && rc != IB_ENOTFOUND)
            return rc;
        /* A link holds while no BSN contradicts it and what made it is
         * unchanged; a manual one holds while no BSN contradicts it. */
        bool keep = !conflicting &&
                    !(strcmp(x.rule, "bsn") == 0 && bsn_changed) &&
                    !(strcmp(x.rule, "identity") == 0 && (identity_changed || bsn_changed));
        if (keep && !x.rule[0] && bsn_changed)
            keep = false;   /* the founder's BSN changed: it links afresh */
        if (!keep) {
            int64_t to;
            if ((rc = detach(s, &x, &to, err)) != IB_OK)
                return rc;
            x.people = to;
            x.rule[0] = '\0';
        }
    }
    if (x.bsn_hash) {
        int64_t people = 0;
        rc = ib_sq_person_by_bsn(s, x.bsn_hash, x.sender, x.id, &people, same_sender_ref,
                                 ref_size, err);
        if (rc == IB_OK && people && people != x.people) {
            rc = merge_persons(s, people, x.people, "bsn", err);
            x.people = people;
            if (rc == IB_OK)
                return exec3(s, "UPDATE persons SET link_rule = 'bsn' WHERE id = ?1 AND"
                                " people_id = ?2", x.id, people, 0, err);
        }
        if (rc)
            return rc;
    }
    return ib_sq_link_new_record(s, record, err);
}

/* ------------------------------------------------------------ reading */

int ib_sq_resolve_person(ib_store *st, int64_t id, int64_t *current, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    int64_t merged = 0;
    int rc = query_i64(s, "SELECT coalesce(merged_into, 0) FROM people WHERE id = ?1", id, 0,
                       &merged, err);
    if (rc == IB_ENOTFOUND)
        return ib_err_set(err, IB_ENOTFOUND, "persoon %lld bestaat niet", (long long)id);
    if (rc)
        return rc;
    *current = merged ? merged : id;
    if (!merged) {
        /* A person without records (all unlinked or erased) is no person. */
        int64_t n = 0;
        rc = query_i64(s, "SELECT count(*) FROM persons WHERE people_id = ?1", id, 0, &n, err);
        if (rc == IB_OK && n == 0)
            return ib_err_set(err, IB_ENOTFOUND, "persoon %lld bestaat niet", (long long)id);
    }
    return rc == IB_ENOTFOUND ? IB_OK : rc;
}

int ib_sq_person_of_record(ib_store *st, int64_t record_id, int64_t *person_id, ib_err *err)
{
    int rc = query_i64(ib_sq(st), "SELECT people_id FROM persons WHERE id = ?1", record_id, 0,
                       person_id, err);
    if (rc == IB_ENOTFOUND)
        return ib_err_set(err, IB_ENOTFOUND, "record %lld bestaat niet", (long long)record_id);
    return rc;
}

int ib_sq_each_record(ib_store *st, int64_t person_id, int64_t sender_id, ib_person_record_cb cb,
                      void *ctx, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, "SELECT x.id, x.sender_id, x.ref, x.bsn_enc, x.family_name,"
                             " x.given_names, x.birth_date, x.sex, x.nationality, x.language,"
                             " x.category, x.people_id, s.ref, x.link_rule, x.updated_at"
                             " FROM persons x JOIN senders s ON s.id = x.sender_id"
                             " WHERE x.people_id = ?1 AND (?2 = 0 OR x.sender_id = ?2)"
                             " ORDER BY x.id", &q, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(q, 1, person_id);
    sqlite3_bind_int64(q, 2, sender_id);
    ib_person_record r;
    int n = 0, step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        memset(&r, 0, sizeof r);
        if ((rc = ib_sq_decode_person(s, q, &r.p, err)) != IB_OK)
            break;
        IB_SQ_COL_STR(q, 12, r.sender_ref);
        char rule[16];
        IB_SQ_COL_STR(q, 13, rule);
        int code = IB_LINK_OWN;
        ib_code_parse(ib_link_rule_codes, rule, strlen(rule), &code);
        r.rule = (ib_link_rule)code;
        r.updated_at = sqlite3_column_int64(q, 14);
        n++;
        if ((rc = cb(ctx, &r)) != 0)
            break;
    }
    sodium_memzero(r.p.bsn, sizeof r.p.bsn);
    if (rc == IB_OK && step != SQLITE_DONE)
        rc = ib_sq_error(s, step, err);
    ib_sq_release(s, q);
    if (rc == IB_OK && n == 0)
        return ib_err_set(err, IB_ENOTFOUND, "persoon %lld bestaat niet", (long long)person_id);
    return rc;
}

/* ------------------------------------------------------------ by hand */

int ib_sq_link_persons(ib_store *st, int64_t a, int64_t b, const char *reason,
                       int64_t *into, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    int64_t ca = 0, cb = 0;
    int rc = ib_sq_resolve_person(st, a, &ca, err);
    if (!rc) rc = ib_sq_resolve_person(st, b, &cb, err);
    if (rc)
        return rc;
    if (ca == cb)
        return ib_err_set(err, IB_ECONFLICT, "persoon %lld en %lld zijn al één persoon",
                          (long long)a, (long long)b);
    bool conflict;
    if ((rc = bsn_conflict(s, ca, cb, &conflict, err)) != IB_OK)
        return rc;
    if (conflict)
        return ib_err_set(err, IB_ECONFLICT, "koppelen geweigerd: persoon %lld en %lld hebben"
                          " verschillende BSN's (regel 2)", (long long)ca, (long long)cb);
    int64_t keep = ca < cb ? ca : cb, gone = ca < cb ? cb : ca;
    if ((rc = merge_persons(s, keep, gone, "manual", err)) != IB_OK)
        return rc;
    /* The records that were here first keep the rule they joined by. */
    char detail[256];
    snprintf(detail, sizeof detail, "regel 5: persoon %lld gekoppeld aan %lld: %s",
             (long long)gone, (long long)keep, reason);
    rc = audit_link(s, "link", 0, keep, detail, err);
    if (rc == IB_OK && into)
        *into = keep;
    return rc;
}

typedef struct same_bsn_ctx {
    const link_rec *x;
    bool same;
} same_bsn_ctx;

static int check_same_bsn(ib_sqlite *s, const link_rec *y, void *ctxp, ib_err *err)
{
    (void)s;
    (void)err;
    same_bsn_ctx *c = ctxp;
    if (y->id != c->x->id && c->x->bsn_hash && y->bsn_hash == c->x->bsn_hash)
        c->same = true;
    return IB_OK;
}

int ib_sq_unlink_record(ib_store *st, int64_t record_id, const char *reason,
                        int64_t *person_id, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    link_rec x;
    int rc = get_rec(s, record_id, &x, err);
    if (rc)
        return rc;
    int64_t others = 0;
    if ((rc = other_records(s, &x, &others, err)) != IB_OK)
        return rc;
    if (others == 0)
        return ib_err_set(err, IB_EINVAL, "record %lld is niet aan een ander gekoppeld",
                          (long long)record_id);
    same_bsn_ctx c = {&x, false};
    if ((rc = each_rec(s, RECS_OF_PERSON, x.people, check_same_bsn, &c, err)) != IB_OK)
        return rc;
    if (c.same)
        return ib_err_set(err, IB_ECONFLICT, "ontkoppelen geweigerd: een ander record van"
                          " deze persoon heeft hetzelfde BSN (regel 1)");
    int64_t to;
    if ((rc = detach(s, &x, &to, err)) != IB_OK)
        return rc;
    char detail[256];
    snprintf(detail, sizeof detail, "regel 5: record %lld uit persoon %lld, nu persoon %lld: %s",
             (long long)record_id, (long long)x.people, (long long)to, reason);
    rc = audit_link(s, "unlink", record_id, x.people, detail, err);
    if (!rc) rc = audit_link(s, "unlink", record_id, to, detail, err);
    if (rc == IB_OK && person_id)
        *person_id = to;
    return rc;
}

/* ------------------------------------------------------------ reviews */

int ib_sq_each_review(ib_store *st, int state, int64_t id, ib_review_cb cb, void *ctx,
                      ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, "SELECT v.id, v.record_a, v.record_b, a.people_id, b.people_id,"
                             " v.reason, v.score, v.state, v.created_at, v.decided_by,"
                             " v.decided_at, v.decision_reason FROM link_reviews v"
                             " JOIN persons a ON a.id = v.record_a"
                             " JOIN persons b ON b.id = v.record_b"
                             " WHERE (?1 IS NULL OR v.state = ?1) AND (?2 = 0 OR v.id = ?2)"
                             " ORDER BY v.id", &q, err);
    if (rc)
        return rc;
    const char *name = state >= 0 ? ib_code_text(ib_review_state_codes, state) : NULL;
    if (name)
        sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, id);
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        ib_link_review r;
        memset(&r, 0, sizeof r);
        r.id = sqlite3_column_int64(q, 0);
        r.record_a = sqlite3_column_int64(q, 1);
        r.record_b = sqlite3_column_int64(q, 2);
        r.person_a = sqlite3_column_int64(q, 3);
        r.person_b = sqlite3_column_int64(q, 4);
        IB_SQ_COL_STR(q, 5, r.reason);
        r.score = sqlite3_column_int(q, 6);
        char st_text[16];
        IB_SQ_COL_STR(q, 7, st_text);
        int code = IB_REVIEW_OPEN;
        ib_code_parse(ib_review_state_codes, st_text, strlen(st_text), &code);
        r.state = (ib_review_state)code;
        IB_SQ_COL_STR(q, 8, r.created_at);
        IB_SQ_COL_STR(q, 9, r.decided_by);
        IB_SQ_COL_STR(q, 10, r.decided_at);
        IB_SQ_COL_STR(q, 11, r.decision_reason);
        if ((rc = cb(ctx, &r)) != 0)
            break;
    }
    if (rc == IB_OK && step != SQLITE_DONE && step != SQLITE_ROW)
        rc = ib_sq_error(s, step, err);
    ib_sq_release(s, q);
    return rc;
}

int ib_sq_decide_review(ib_store *st, const ib_link_review *r, bool same, const char *reason,
                        ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    int rc;
    sqlite3_stmt *q;
    /* The decision first: linking settles the other open pairs of the two
     * persons, and this one is decided by a person. */
    if ((rc = ib_sq_cached(s, "UPDATE link_reviews SET state = ?2, decided_by = ?3,"
                              " decided_at = ?4, decision_reason = ?5"
                              " WHERE id = ?1 AND state = 'open'", &q, err)) != IB_OK)
        return rc;
    char at[32];
    ib_audit_now(at);
    sqlite3_bind_int64(q, 1, r->id);
    sqlite3_bind_text(q, 2, same ? "linked" : "different", -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, st->actor, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 4, at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 5, reason, -1, SQLITE_TRANSIENT);
    int step = sqlite3_step(q);
    ib_sq_release(s, q);
    if (step != SQLITE_DONE)
        return ib_sq_error(s, step, err);
    if (sqlite3_changes(s->db) == 0)
        return ib_err_set(err, IB_ECONFLICT, "paar %lld is al beoordeeld", (long long)r->id);
    if (same && r->person_a != r->person_b &&
        (rc = ib_sq_link_persons(st, r->person_a, r->person_b, reason, NULL, err)) != IB_OK)
        return rc;
    char detail[256];
    snprintf(detail, sizeof detail, "regel 4: paar %lld (record %lld en %lld): %s: %s",
             (long long)r->id, (long long)r->record_a, (long long)r->record_b,
             same ? "dezelfde persoon" : "niet dezelfde persoon", reason);
    rc = audit_link(s, "review", r->record_a, r->person_a, detail, err);
    if (!rc && r->person_b != r->person_a)
        rc = audit_link(s, "review", r->record_b, r->person_b, detail, err);
    return rc;
}

/* ------------------------------------------------------------ a database from before linkage */

static int fill_identities(ib_sqlite *s, ib_err *err)
{
    sqlite3_stmt *q = NULL, *u = NULL;
    int rc = sqlite3_prepare_v2(s->db, "SELECT id, family_name, given_names, birth_date,"
                                       " nationality FROM persons", -1, &q, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(s->db, "UPDATE persons SET identity_hash = ?2 WHERE id = ?1",
                                -1, &u, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        ib_person p;
        memset(&p, 0, sizeof p);
        IB_SQ_COL_STR(q, 1, p.family_name);
        IB_SQ_COL_STR(q, 2, p.given_names);
        p.birth_date = ib_sq_col_date(q, 3);
        IB_SQ_COL_STR(q, 4, p.nationality);
        int64_t h = ib_identity_hash(&s->base.crypto, &p);
        sqlite3_bind_int64(u, 1, sqlite3_column_int64(q, 0));
        if (h)
            sqlite3_bind_int64(u, 2, h);
        else
            sqlite3_bind_null(u, 2);
        rc = sqlite3_step(u);
        sqlite3_reset(u);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    sqlite3_finalize(q);
    sqlite3_finalize(u);
    return rc == SQLITE_DONE || rc == SQLITE_OK ? IB_OK : ib_sq_error(s, rc, err);
}

/* Rule 1 over everything stored: the records of one BSN join the person of
 * the lowest id among them. */
static int link_bsn_groups(ib_sqlite *s, ib_err *err)
{
    return ib_sq_exec(s,
        "CREATE TEMP TABLE link_bsn AS SELECT people_id AS pid, (SELECT min(y.people_id)"
        " FROM persons y WHERE y.bsn_hash = x.bsn_hash) AS into_id FROM persons x"
        " WHERE x.bsn_hash IS NOT NULL;"
        "DELETE FROM link_bsn WHERE pid = into_id;"
        "UPDATE persons SET link_rule = 'bsn', people_id = (SELECT into_id FROM link_bsn"
        " WHERE pid = persons.people_id) WHERE people_id IN (SELECT pid FROM link_bsn);"
        "UPDATE people SET merged_into = (SELECT into_id FROM link_bsn WHERE pid = people.id)"
        " WHERE id IN (SELECT pid FROM link_bsn);"
        "DROP TABLE link_bsn;", err);
}

static int link_identity_one(ib_sqlite *s, const link_rec *r, void *ctx, ib_err *err)
{
    (void)ctx;
    link_rec x = *r;
    bool linked;
    return link_by_identity(s, &x, &linked, err);
}

int ib_sq_link_backfill(ib_sqlite *s, ib_err *err)
{
    int64_t done = 0;
    int rc = query_i64(s, "SELECT count(*) FROM store_meta WHERE name = 'linkage'", 0, 0,
                       &done, err);
    if ((rc && rc != IB_ENOTFOUND) || done)
        return rc == IB_ENOTFOUND ? IB_OK : rc;
    if ((rc = ib_store_begin(&s->base, err)) != IB_OK)
        return rc;
    rc = fill_identities(s, err);
    if (!rc) rc = link_bsn_groups(s, err);
    if (!rc) rc = each_rec(s, "SELECT " REC_COLS " FROM persons WHERE bsn_hash IS NULL"
                              " AND identity_hash IS NOT NULL AND ?1 = ?1 ORDER BY id", 0,
                           link_identity_one, NULL, err);
    if (!rc) rc = ib_sq_exec(s, "INSERT INTO store_meta (name, value) VALUES ('linkage', 1)",
                             err);
    s->registry_changed = true;
    if (rc == IB_OK)
        return ib_store_commit(&s->base, err);
    ib_err keep = err ? *err : (ib_err){0};
    ib_store_rollback(&s->base, NULL);
    if (err)
        *err = keep;
    return rc;
}
