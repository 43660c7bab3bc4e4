/* sqlite_users.c — the SQLite side of users, sessions, API tokens,
 * inspections and the API's scoped person query. Every statement is a fixed
 * string with bound parameters; the generic layer (users.c, inspections.c)
 * has already validated and hashed what arrives here. */
#include "sqlite_internal.h"

#include <stdlib.h>
#include <string.h>

/* The connection's kept statement for sql in *q (every request checks a
 * token or session and its user); give it back with ib_sq_release. On
 * failure fills err. */
static int prepare(ib_sqlite *s, const char *sql, sqlite3_stmt **q, ib_err *err)
{
    return ib_sq_cached(s, sql, q, err);
}

/* Steps a statement that returns no rows and releases it; *changes (when
 * not NULL) receives the number of rows changed. */
static int run_final(ib_sqlite *s, sqlite3_stmt *q, int64_t *changes, ib_err *err)
{
    int rc = sqlite3_step(q);
    ib_sq_release(s, q);
    if (rc != SQLITE_DONE)
        return ib_sq_error(s, rc, err);
    if (changes)
        *changes = sqlite3_changes64(s->db);
    return IB_OK;
}

/* ------------------------------------------------------------ users */

#define USER_COLS "id, name, role, organisation, municipalities, disabled," \
                  " failed_logins, locked_until, created_at, password_hash"

static int decode_user(sqlite3_stmt *q, ib_user *u, char *pwhash, size_t size,
                       ib_err *err)
{
    memset(u, 0, sizeof *u);
    u->id = sqlite3_column_int64(q, 0);
    IB_SQ_COL_STR(q, 1, u->name);
    const char *role = (const char *)sqlite3_column_text(q, 2);
    int code = 0;
    if (!role || ib_code_parse(ib_role_codes, role, strlen(role), &code) != IB_OK)
        return ib_err_set(err, IB_ESTORE, "onbekende rol in de database");
    u->role = (ib_role)code;
    IB_SQ_COL_STR(q, 3, u->organisation);
    char munis[IB_USER_MUNIS_MAX * 7 + 1];
    IB_SQ_COL_STR(q, 4, munis);
    int rc = ib_user_parse_municipalities(u, munis, err);
    if (rc)
        return rc;
    u->disabled = sqlite3_column_int(q, 5) != 0;
    u->failed_logins = sqlite3_column_int(q, 6);
    u->locked_until = sqlite3_column_int64(q, 7);
    IB_SQ_COL_STR(q, 8, u->created_at);
    if (pwhash)
        ib_sq_col_text(q, 9, pwhash, size);
    return IB_OK;
}

/* "GM0518,GM0599" */
static void join_munis(const ib_user *u, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; i < u->nmunicipalities && n + 8 < size; i++) {
        if (i)
            out[n++] = ',';
        size_t len = strnlen(u->municipalities[i], 6);
        memcpy(out + n, u->municipalities[i], len);
        n += len;
        out[n] = '\0';
    }
}

int ib_sq_user_insert(ib_store *st, ib_user *u, const char *pwhash, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = prepare(s, "INSERT INTO users (name, password_hash, role, organisation,"
                        " municipalities, disabled, failed_logins, locked_until,"
                        " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 0, ?7)",
                     &q, err);
    if (rc)
        return rc;
    char munis[IB_USER_MUNIS_MAX * 7 + 1];
    join_munis(u, munis, sizeof munis);
    sqlite3_bind_text(q, 1, u->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, pwhash, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, ib_code_text(ib_role_codes, (int)u->role), -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, u->organisation, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 5, munis, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 6, u->disabled ? 1 : 0);
    sqlite3_bind_text(q, 7, u->created_at, -1, SQLITE_STATIC);
    rc = run_final(s, q, NULL, err);
    if (rc == IB_OK)
        u->id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

int ib_sq_user_get(ib_store *st, const char *name, int64_t id, ib_user *out,
                   char *pwhash, size_t pwhash_size, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = prepare(s, name ? "SELECT " USER_COLS " FROM users WHERE name = ?1"
                             : "SELECT " USER_COLS " FROM users WHERE id = ?1",
                     &q, err);
    if (rc)
        return rc;
    if (name)
        sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(q, 1, id);
    int step = sqlite3_step(q);
    if (step == SQLITE_ROW)
        rc = decode_user(q, out, pwhash, pwhash_size, err);
    else if (step == SQLITE_DONE)
        rc = name ? ib_err_set(err, IB_ENOTFOUND, "gebruiker '%s' bestaat niet", name)
                  : ib_err_set(err, IB_ENOTFOUND, "gebruiker %lld bestaat niet",
                               (long long)id);
    else
        rc = ib_sq_error(s, step, err);
    ib_sq_release(s, q);
    return rc;
}

int ib_sq_user_each(ib_store *st, ib_user_cb cb, void *ctx, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = prepare(s, "SELECT " USER_COLS " FROM users ORDER BY name", &q, err);
    if (rc)
        return rc;
    ib_user u;
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        if ((rc = decode_user(q, &u, NULL, 0, err)) != 0 ||
            (rc = cb(ctx, &u)) != 0)
            break;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = ib_sq_error(s, step, err);
    ib_sq_release(s, q);
    return rc;
}

int ib_sq_user_update(ib_store *st, const ib_user *u, const char *pwhash, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = prepare(s, "UPDATE users SET role = ?2, organisation = ?3,"
                        " municipalities = ?4, disabled = ?5, failed_logins = ?6,"
                        " locked_until = ?7,"
                        " password_hash = coalesce(?8, password_hash) WHERE id = ?1",
                     &q, err);
    if (rc)
        return rc;
    char munis[IB_USER_MUNIS_MAX * 7 + 1];
    join_munis(u, munis, sizeof munis);
    sqlite3_bind_int64(q, 1, u->id);
    sqlite3_bind_text(q, 2, ib_code_text(ib_role_codes, (int)u->role), -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, u->organisation, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, munis, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 5, u->disabled ? 1 : 0);
    sqlite3_bind_int(q, 6, u->failed_logins);
    sqlite3_bind_int64(q, 7, u->locked_until);
    if (pwhash)
        sqlite3_bind_text(q, 8, pwhash, -1, SQLITE_STATIC);
    int64_t changed = 0;
    rc = run_final(s, q, &changed, err);
    if (rc == IB_OK && changed == 0)
        rc = ib_err_set(err, IB_ENOTFOUND, "gebruiker %lld bestaat niet",
                        (long long)u->id);
    return rc;
}

/* ------------------------------------------------------------ sessions */

int ib_sq_session_insert(ib_store *st, const char *hash, ib_session *se, int64_t now,
                         ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = prepare(s, "INSERT INTO sessions (token_hash, user_id, csrf, created_at,"
                        " expires_at) VALUES (?1, ?2, ?3, ?4, ?5)", &q, err);
    if (rc)
        return rc;
    sqlite3_bind_text(q, 1, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, se->user_id);
    sqlite3_bind_text(q, 3, se->csrf, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 4, now);
    sqlite3_bind_int64(q, 5, se->expires_at);
    rc = run_final(s, q, NULL, err);
    if (rc == IB_OK)
        se->id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

int ib_sq_session_get(ib_store *st, const char *hash, ib_session *out, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = prepare(s, "SELECT id, user_id, expires_at, csrf FROM sessions"
                        " WHERE token_hash = ?1", &q, err);
    if (rc)
        return rc;
    sqlite3_bind_text(q, 1, hash, -1, SQLITE_STATIC);
    int step = sqlite3_step(q);
    if (step == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        out->id = sqlite3_column_int64(q, 0);
        out->user_id = sqlite3_column_int64(q, 1);
        out->expires_at = sqlite3_column_int64(q, 2);
        IB_SQ_COL_STR(q, 3, out->csrf);
    } else if (step == SQLITE_DONE) {
        rc = ib_err_set(err, IB_ENOTFOUND, "sessie onbekend of verlopen");
    } else {
        rc = ib_sq_error(s, step, err);
    }
    ib_sq_release(s, q);
    return rc;
}

int ib_sq_session_delete(ib_store *st, const char *hash, int64_t user_id,
                         int64_t expired, int64_t *deleted, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = prepare(s, "DELETE FROM sessions WHERE token_hash = ?1"
                        " OR user_id = ?2 OR expires_at < ?3", &q, err);
    if (rc)
        return rc;
    if (hash)
        sqlite3_bind_text(q, 1, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, user_id ? user_id : -1);
    sqlite3_bind_int64(q, 3, expired ? expired : INT64_MIN);
    return run_final(s, q, deleted, err);
}

/* ------------------------------------------------------------ API tokens */

int ib_sq_token_insert(ib_store *st, const char *hash, ib_api_token *t, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = prepare(s, "INSERT INTO api_tokens (token_hash, user_id, label,"
                        " created_at) VALUES (?1, ?2, ?3, ?4)", &q, err);
    if (rc)
        return rc;
    sqlite3_bind_text(q, 1, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, t->user_id);
    sqlite3_bind_text(q, 3, t->label, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 4, t->created_at);
    rc = run_final(s, q, NULL, err);
    if (rc == IB_OK)
        t->id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

static void decode_token(sqlite3_stmt *q, ib_api_token *t)
{
    memset(t, 0, sizeof *t);
    t->id = sqlite3_column_int64(q, 0);
    t->user_id = sqlite3_column_int64(q, 1);
    IB_SQ_COL_STR(q, 2, t->label);
    t->created_at = sqlite3_column_int64(q, 3);
    t->revoked = sqlite3_column_type(q, 4) != SQLITE_NULL;
}

int ib_sq_token_get(ib_store *st, const char *hash, ib_api_token *out, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = prepare(s, "SELECT id, user_id, label, created_at, revoked_at"
                        " FROM api_tokens WHERE token_hash = ?1"
                        " AND revoked_at IS NULL", &q, err);
    if (rc)
        return rc;
    sqlite3_bind_text(q, 1, hash, -1, SQLITE_STATIC);
    int step = sqlite3_step(q);
    if (step == SQLITE_ROW)
        decode_token(q, out);
    else if (step == SQLITE_DONE)
        rc = ib_err_set(err, IB_ENOTFOUND, "API-token onbekend of ingetrokken");
    else
        rc = ib_sq_error(s, step, err);
    ib_sq_release(s, q);
    return rc;
}

int ib_sq_token_each(ib_store *st, int64_t user_id, ib_api_token_cb cb, void *ctx,
                     ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = prepare(s, "SELECT id, user_id, label, created_at, revoked_at"
                        " FROM api_tokens WHERE user_id = ?1 ORDER BY id", &q, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(q, 1, user_id);
    ib_api_token t;
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        decode_token(q, &t);
        if ((rc = cb(ctx, &t)) != 0)
            break;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = ib_sq_error(s, step, err);
    ib_sq_release(s, q);
    return rc;
}

int ib_sq_token_revoke(ib_store *st, int64_t user_id, int64_t id, int64_t now,
                       int64_t *changed, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = prepare(s, "UPDATE api_tokens SET revoked_at = ?3 WHERE user_id = ?1"
                        " AND (?2 = 0 OR id = ?2) AND revoked_at IS NULL", &q, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(q, 1, user_id);
    sqlite3_bind_int64(q, 2, id);
    sqlite3_bind_int64(q, 3, now);
    return run_final(s, q, changed, err);
}

/* ------------------------------------------------------------ inspections */

#define INSPECTION_COLS "id, location_id, inspection_date, inspector, findings," \
                        " persons_found, outcome"

static int decode_inspection(sqlite3_stmt *q, ib_inspection *in, ib_err *err)
{
    memset(in, 0, sizeof *in);
    in->id = sqlite3_column_int64(q, 0);
    in->location_id = sqlite3_column_int64(q, 1);
    in->date = (ib_date)sqlite3_column_int64(q, 2);
    IB_SQ_COL_STR(q, 3, in->inspector);
    IB_SQ_COL_STR(q, 4, in->findings);
    in->persons_found = (int32_t)ib_sq_col_opt(q, 5, -1);
    const char *o = (const char *)sqlite3_column_text(q, 6);
    int code = 0;
    if (!o || ib_code_parse(ib_outcome_codes, o, strlen(o), &code) != IB_OK)
        return ib_err_set(err, IB_ESTORE, "onbekende uitkomst in de database");
    in->outcome = (ib_outcome)code;
    return IB_OK;
}

int ib_sq_inspection_write(ib_store *st, ib_inspection *in, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = prepare(s, in->id
        ? "UPDATE inspections SET location_id = ?2, inspection_date = ?3,"
          " inspector = ?4, findings = ?5, persons_found = ?6, outcome = ?7"
          " WHERE id = ?1"
        : "INSERT INTO inspections (location_id, inspection_date, inspector,"
          " findings, persons_found, outcome) VALUES (?2, ?3, ?4, ?5, ?6, ?7)",
        &q, err);
    if (rc)
        return rc;
    if (in->id)
        sqlite3_bind_int64(q, 1, in->id);
    sqlite3_bind_int64(q, 2, in->location_id);
    sqlite3_bind_int64(q, 3, in->date);
    sqlite3_bind_text(q, 4, in->inspector, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 5, in->findings, -1, SQLITE_STATIC);
    if (in->persons_found >= 0)
        sqlite3_bind_int(q, 6, in->persons_found);
    sqlite3_bind_text(q, 7, ib_code_text(ib_outcome_codes, (int)in->outcome), -1,
                      SQLITE_STATIC);
    int64_t changed = 0;
    rc = run_final(s, q, &changed, err);
    if (rc == IB_OK && in->id == 0)
        in->id = sqlite3_last_insert_rowid(s->db);
    else if (rc == IB_OK && changed == 0)
        rc = ib_err_set(err, IB_ENOTFOUND, "inspectie %lld bestaat niet",
                        (long long)in->id);
    return rc;
}

int ib_sq_inspection_get(ib_store *st, int64_t id, ib_inspection *out, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = prepare(s, "SELECT " INSPECTION_COLS " FROM inspections WHERE id = ?1",
                     &q, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(q, 1, id);
    int step = sqlite3_step(q);
    if (step == SQLITE_ROW)
        rc = decode_inspection(q, out, err);
    else if (step == SQLITE_DONE)
        rc = ib_err_set(err, IB_ENOTFOUND, "inspectie %lld bestaat niet", (long long)id);
    else
        rc = ib_sq_error(s, step, err);
    ib_sq_release(s, q);
    return rc;
}

int ib_sq_inspection_delete(ib_store *st, int64_t id, int64_t *deleted, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = prepare(s, "DELETE FROM inspections WHERE id = ?1", &q, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(q, 1, id);
    return run_final(s, q, deleted, err);
}

int ib_sq_inspection_each(ib_store *st, int64_t location_id, ib_inspection_cb cb,
                          void *ctx, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = prepare(s, "SELECT " INSPECTION_COLS " FROM inspections"
                        " WHERE ?1 = 0 OR location_id = ?1"
                        " ORDER BY inspection_date, id", &q, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(q, 1, location_id);
    ib_inspection *in = malloc(sizeof *in);   /* findings make it large */
    if (!in) {
        ib_sq_release(s, q);
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    }
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        if ((rc = decode_inspection(q, in, err)) != 0 || (rc = cb(ctx, in)) != 0)
            break;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = ib_sq_error(s, step, err);
    free(in);
    ib_sq_release(s, q);
    return rc;
}

/* ------------------------------------------------------------ person query */

/* ?1 sender (0 all), ?2 person id (0 all), ?3 municipalities as a JSON array
 * (NULL: no scope), ?4 ref, ?5 nationality, ?6 LIKE pattern of family_name,
 * ?7 limit, ?8 offset, ?9 birth date, ?10 the sender whose persons are in
 * the municipality scope too (0: none), ?11 the day R of the unregistered
 * filter (NULL: none): a stay present on R (arrival <= R < departure) for
 * R - arrival + 1 > 120 days, and no brp registration covering R (start <=
 * R <= end), as src/monitor/registration.c counts them; a person (?2, the
 * scope, the stays and registrations) is all its records together. */
#define PQ_WHERE                                                              \
    " WHERE (?1 = 0 OR x.sender_id = ?1) AND (?2 = 0 OR x.people_id = ?2)"    \
    " AND (?3 IS NULL OR x.sender_id = ?10 OR x.people_id IN ("               \
    "SELECT pp.people_id FROM persons pp WHERE pp.id IN ("                    \
    "SELECT r.person_id FROM registrations r WHERE r.municipality IN"         \
    " (SELECT value FROM json_each(?3))"                                      \
    " UNION SELECT h.person_id FROM housings h JOIN locations l"              \
    " ON l.id = h.location_id WHERE l.municipality IN"                        \
    " (SELECT value FROM json_each(?3)))))"                                   \
    " AND (?4 IS NULL OR x.ref = ?4) AND (?5 IS NULL OR x.nationality = ?5)"  \
    " AND (?6 IS NULL OR x.family_name LIKE ?6 ESCAPE '\\')"                  \
    " AND (?9 IS NULL OR x.birth_date = ?9)"                                  \
    " AND (?11 IS NULL OR x.people_id IN ("                                   \
    "SELECT ps.people_id FROM stays s JOIN persons ps ON ps.id = s.person_id" \
    " WHERE s.arrival <= ?11"                                                 \
    " AND (s.departure IS NULL OR ?11 < s.departure) AND ?11 - s.arrival >= 120" \
    " EXCEPT SELECT pr.people_id FROM registrations r"                        \
    " JOIN persons pr ON pr.id = r.person_id WHERE r.kind = 'brp'"            \
    " AND r.start_date <= ?11 AND (r.end_date IS NULL OR ?11 <= r.end_date)))"
/* One row per person (docs/linkage.md): of the records that match, the one
 * the person's fixed attributes come from (with a BSN, updated last). An
 * agency's query matches its own records only, so it sees its own. */
#define PQ_SELECT                                                             \
    "SELECT x.id, x.sender_id, x.ref, x.bsn_enc, x.family_name,"              \
    " x.given_names, x.birth_date, x.sex, x.nationality, x.language,"         \
    " x.category, x.people_id FROM (SELECT x.*, row_number() OVER"            \
    " (PARTITION BY x.people_id ORDER BY x.bsn_hash IS NOT NULL DESC,"        \
    " x.updated_at DESC, x.id DESC) AS pick FROM persons x" PQ_WHERE ") x"    \
    " WHERE x.pick = 1 ORDER BY "
#define PQ_PAGE " LIMIT ?7 OFFSET ?8"

/* [sort][descending] */
static const char *const pq_sql[IB_PSORT_COUNT][2] = {
    [IB_PSORT_ID] = {PQ_SELECT "x.people_id" PQ_PAGE, PQ_SELECT "x.people_id DESC" PQ_PAGE},
    [IB_PSORT_REF] = {PQ_SELECT "x.ref, x.people_id" PQ_PAGE,
                      PQ_SELECT "x.ref DESC, x.people_id DESC" PQ_PAGE},
    [IB_PSORT_FAMILY_NAME] = {PQ_SELECT "x.family_name, x.people_id" PQ_PAGE,
                              PQ_SELECT "x.family_name DESC, x.people_id DESC" PQ_PAGE},
    [IB_PSORT_BIRTH_DATE] = {PQ_SELECT "x.birth_date, x.people_id" PQ_PAGE,
                             PQ_SELECT "x.birth_date DESC, x.people_id DESC" PQ_PAGE},
};

static void bind_query(sqlite3_stmt *q, const ib_person_query *pq,
                       const char *munis_json, const char *like)
{
    sqlite3_bind_int64(q, 1, pq->sender_id);
    sqlite3_bind_int64(q, 2, pq->person_id);
    if (munis_json)
        sqlite3_bind_text(q, 3, munis_json, -1, SQLITE_STATIC);
    if (pq->ref)
        sqlite3_bind_text(q, 4, pq->ref, -1, SQLITE_STATIC);
    if (pq->nationality)
        sqlite3_bind_text(q, 5, pq->nationality, -1, SQLITE_STATIC);
    if (like)
        sqlite3_bind_text(q, 6, like, -1, SQLITE_STATIC);
    if (pq->by_birth_date)
        sqlite3_bind_int(q, 9, pq->birth_date);
    sqlite3_bind_int64(q, 10, pq->scope_sender_id);
    if (pq->by_unregistered)
        sqlite3_bind_int(q, 11, pq->unregistered_on);
}

/* family_name prefix as a LIKE pattern with %, _ and \ escaped. */
static char *like_prefix(const char *prefix)
{
    size_t n = strlen(prefix);
    char *out = malloc(2 * n + 2);
    if (!out)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (prefix[i] == '%' || prefix[i] == '_' || prefix[i] == '\\')
            out[j++] = '\\';
        out[j++] = prefix[i];
    }
    out[j++] = '%';
    out[j] = '\0';
    return out;
}

int ib_sq_query_persons(ib_store *st, const ib_person_query *pq, const char *munis_json,
                        ib_person_cb cb, void *ctx, int64_t *total, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    char *like = NULL;
    if (pq->family_name && !(like = like_prefix(pq->family_name)))
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    sqlite3_stmt *q = NULL;
    int rc = prepare(s, "SELECT count(DISTINCT x.people_id) FROM persons x" PQ_WHERE, &q, err);
    if (rc)
        goto done;
    bind_query(q, pq, munis_json, like);
    int step = sqlite3_step(q);
    if (step == SQLITE_ROW)
        *total = sqlite3_column_int64(q, 0);
    ib_sq_release(s, q);
    q = NULL;
    if (step != SQLITE_ROW) {
        rc = ib_sq_error(s, step, err);
        goto done;
    }
    if (pq->limit <= 0 || !cb)
        goto done;
    int sort = pq->sort >= 0 && pq->sort < IB_PSORT_COUNT ? (int)pq->sort : 0;
    if ((rc = prepare(s, pq_sql[sort][pq->descending ? 1 : 0], &q, err)) != IB_OK)
        goto done;
    bind_query(q, pq, munis_json, like);
    sqlite3_bind_int64(q, 7, pq->limit);
    sqlite3_bind_int64(q, 8, pq->offset > 0 ? pq->offset : 0);
    ib_person p;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        if ((rc = ib_sq_decode_person(s, q, &p, err)) != 0 || (rc = cb(ctx, &p)) != 0)
            break;
    }
    sodium_memzero(p.bsn, sizeof p.bsn);
    if (rc == 0 && step != SQLITE_DONE)
        rc = ib_sq_error(s, step, err);
done:
    ib_sq_release(s, q);
    free(like);
    return rc;
}
