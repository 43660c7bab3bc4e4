/* sqlite_signals.c — the SQLite side of the inbox of signals: the signals
 * and their history, the inbox's scoped list, settings, evaluations, teams
 * and routes. Fixed statements with bound parameters; the generic layer
 * (signals.c) has checked what arrives and writes the audit entries. */
#include "store/sqlite_internal.h"

#include <stdlib.h>
#include <string.h>

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

/* Text that may be empty but not NULL ("" municipality, kind of a route). */
static void bind_str(sqlite3_stmt *q, int i, const char *v)
{
    sqlite3_bind_text(q, i, v, -1, SQLITE_STATIC);
}

static int code_of(sqlite3_stmt *q, int i, const ib_code_name *codes, int *out,
                   ib_err *err)
{
    const char *t = (const char *)sqlite3_column_text(q, i);
    if (!t || ib_code_parse(codes, t, strlen(t), out) != IB_OK)
        return ib_err_set(err, IB_ESTORE, "onbekende code '%s' in de signalen",
                          t ? t : "");
    return IB_OK;
}

/* ------------------------------------------------------------ signals */

#define SIG_COLS                                                               \
    "s.id, s.kind, s.subject, s.subject_id, s.subject_sender_id,"              \
    " coalesce(se.ref, ''), s.subject_ref, s.key, s.municipality, s.state,"    \
    " s.owner_kind, s.owner_id, CASE s.owner_kind"                             \
    " WHEN 'user' THEN (SELECT u.name FROM users u WHERE u.id = s.owner_id)"   \
    " WHEN 'team' THEN (SELECT t.name FROM teams t WHERE t.id = s.owner_id)"   \
    " END, s.outcome, s.reason, s.since, s.due, s.first_found, s.last_found,"  \
    " s.closed_on, s.event_date, s.occupancy, s.capacity, s.floor_area,"      \
    " s.subject_record_id"
#define SIG_FROM " FROM signals s LEFT JOIN senders se ON se.id = s.subject_sender_id"

static int decode_signal(sqlite3_stmt *q, ib_signal_row *r, ib_err *err)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(q, 0);
    IB_SQ_COL_STR(q, 1, r->kind);
    const char *subject = (const char *)sqlite3_column_text(q, 2);
    r->location = subject && strcmp(subject, "location") == 0;
    r->subject_id = sqlite3_column_int64(q, 3);
    r->subject_sender_id = sqlite3_column_int64(q, 4);
    IB_SQ_COL_STR(q, 5, r->subject_sender);
    IB_SQ_COL_STR(q, 6, r->subject_ref);
    IB_SQ_COL_STR(q, 7, r->key);
    IB_SQ_COL_STR(q, 8, r->municipality);
    int code = 0;
    int rc = code_of(q, 9, ib_signal_state_codes, &code, err);
    if (rc)
        return rc;
    r->state = (ib_signal_state)code;
    if (sqlite3_column_type(q, 10) != SQLITE_NULL) {
        if ((rc = code_of(q, 10, ib_owner_kind_codes, &code, err)) != IB_OK)
            return rc;
        r->owner.kind = (ib_owner_kind)code;
        r->owner.id = sqlite3_column_int64(q, 11);
        IB_SQ_COL_STR(q, 12, r->owner.name);
    }
    IB_SQ_COL_STR(q, 13, r->outcome);
    IB_SQ_COL_STR(q, 14, r->reason);
    r->since = ib_sq_col_date(q, 15);
    r->due = ib_sq_col_date(q, 16);
    r->first_found = ib_sq_col_date(q, 17);
    r->last_found = ib_sq_col_date(q, 18);
    r->closed_on = ib_sq_col_date(q, 19);
    r->date = ib_sq_col_date(q, 20);
    r->occupancy = (int32_t)ib_sq_col_opt(q, 21, -1);
    r->capacity = (int32_t)ib_sq_col_opt(q, 22, -1);
    r->floor_area = ib_sq_col_opt(q, 23, IB_CENTS_NONE);
    r->subject_record_id = sqlite3_column_int64(q, 24);
    return IB_OK;
}

/* ?1 kind, ?2 subject, ?3 subject_id, ?4 key, ?5 subject_sender_id,
 * ?6 subject_ref, ?7 municipality, ?8 state, ?9 owner_kind, ?10 owner_id,
 * ?11 outcome, ?12 reason, ?13 since, ?14 due, ?15 first_found,
 * ?16 last_found, ?17 closed_on, ?18 event_date, ?19 occupancy,
 * ?20 capacity, ?21 floor_area, ?22 subject_record_id (and ?23 id for an
 * update). */
static void bind_signal(sqlite3_stmt *q, const ib_signal_row *r)
{
    bind_str(q, 1, r->kind);
    bind_str(q, 2, r->location ? "location" : "person");
    sqlite3_bind_int64(q, 3, r->subject_id);
    bind_str(q, 4, r->key);
    sqlite3_bind_int64(q, 5, r->subject_sender_id);
    bind_str(q, 6, r->subject_ref);
    bind_str(q, 7, r->municipality);
    bind_str(q, 8, ib_code_text(ib_signal_state_codes, (int)r->state));
    if (r->owner.kind != IB_OWNER_NONE) {
        bind_str(q, 9, ib_code_text(ib_owner_kind_codes, (int)r->owner.kind));
        sqlite3_bind_int64(q, 10, r->owner.id);
    }
    IB_SQ_BIND_STR(q, 11, r->outcome);
    IB_SQ_BIND_STR(q, 12, r->reason);
    ib_sq_bind_date(q, 13, r->since);
    ib_sq_bind_date(q, 14, r->due);
    ib_sq_bind_date(q, 15, r->first_found);
    ib_sq_bind_date(q, 16, r->last_found);
    ib_sq_bind_date(q, 17, r->closed_on);
    ib_sq_bind_date(q, 18, r->date);
    ib_sq_bind_opt(q, 19, r->occupancy, -1);
    ib_sq_bind_opt(q, 20, r->capacity, -1);
    ib_sq_bind_opt(q, 21, r->floor_area, IB_CENTS_NONE);
    sqlite3_bind_int64(q, 22, r->subject_record_id);
}

int ib_sq_signal_write(ib_store *st, ib_signal_row *r, bool insert, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = ib_sq_cached(
        s, insert ? "INSERT INTO signals (kind, subject, subject_id, key,"
                    " subject_sender_id, subject_ref, municipality, state,"
                    " owner_kind, owner_id, outcome, reason, since, due,"
                    " first_found, last_found, closed_on, event_date, occupancy,"
                    " capacity, floor_area, subject_record_id) VALUES (?1, ?2, ?3,"
                    " ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
                    " ?17, ?18, ?19, ?20, ?21, ?22)"
                  : "UPDATE signals SET kind = ?1, subject = ?2, subject_id = ?3,"
                    " key = ?4, subject_sender_id = ?5, subject_ref = ?6,"
                    " municipality = ?7, state = ?8, owner_kind = ?9,"
                    " owner_id = ?10, outcome = ?11, reason = ?12, since = ?13,"
                    " due = ?14, first_found = ?15, last_found = ?16,"
                    " closed_on = ?17, event_date = ?18, occupancy = ?19,"
                    " capacity = ?20, floor_area = ?21, subject_record_id = ?22"
                    " WHERE id = ?23",
        &q, err);
    if (rc)
        return rc;
    bind_signal(q, r);
    if (!insert)
        sqlite3_bind_int64(q, 23, r->id);
    int64_t changed = 0;
    int step = sqlite3_step(q);
    ib_sq_release(s, q);
    if (step == SQLITE_CONSTRAINT_UNIQUE)
        return ib_err_set(err, IB_ECONFLICT, "er is al een signaal %s voor dit "
                          "onderwerp met sleutel '%s'", r->kind, r->key);
    if (step != SQLITE_DONE)
        return ib_sq_error(s, step, err);
    changed = sqlite3_changes64(s->db);
    if (insert)
        r->id = sqlite3_last_insert_rowid(s->db);
    else if (changed == 0)
        return ib_err_set(err, IB_ENOTFOUND, "signaal %lld bestaat niet",
                          (long long)r->id);
    return IB_OK;
}

int ib_sq_signal_change_add(ib_store *st, ib_signal_change *c, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, "INSERT INTO signal_history (signal_id, at, day, actor,"
                             " from_state, to_state, owner, why, why_en)"
                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &q, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(q, 1, c->signal_id);
    bind_str(q, 2, c->at);
    sqlite3_bind_int(q, 3, c->day);
    bind_str(q, 4, c->actor);
    if (c->from >= 0)
        bind_str(q, 5, ib_code_text(ib_signal_state_codes, c->from));
    bind_str(q, 6, ib_code_text(ib_signal_state_codes, (int)c->to));
    IB_SQ_BIND_STR(q, 7, c->owner);
    bind_str(q, 8, c->why);
    IB_SQ_BIND_STR(q, 9, c->why_en);
    rc = run_final(s, q, NULL, err);
    if (rc == IB_OK)
        c->id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

int ib_sq_signal_mark_found(ib_store *st, const char *ids_json, ib_date day, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, "UPDATE signals SET last_found = ?1 WHERE id IN"
                             " (SELECT value FROM json_each(?2)) AND last_found <> ?1",
                          &q, err);
    if (rc)
        return rc;
    sqlite3_bind_int(q, 1, day);
    bind_str(q, 2, ids_json);
    return run_final(s, q, NULL, err);
}

static int each_rows(ib_sqlite *s, sqlite3_stmt *q, ib_signal_row_cb cb, void *ctx,
                     ib_err *err)
{
    ib_signal_row *r = malloc(sizeof *r);
    if (!r) {
        ib_sq_release(s, q);
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    }
    int rc = 0, step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        if ((rc = decode_signal(q, r, err)) != 0 || (rc = cb(ctx, r)) != 0)
            break;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = ib_sq_error(s, step, err);
    ib_sq_release(s, q);
    free(r);
    return rc;
}

int ib_sq_signal_each(ib_store *st, ib_signal_row_cb cb, void *ctx, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, "SELECT " SIG_COLS SIG_FROM " ORDER BY s.id", &q, err);
    return rc ? rc : each_rows(s, q, cb, ctx, err);
}

int ib_sq_signal_each_change(ib_store *st, int64_t signal_id, ib_signal_change_cb cb,
                             void *ctx, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, "SELECT id, signal_id, at, day, actor, from_state,"
                             " to_state, owner, why, why_en FROM signal_history"
                             " WHERE ?1 = 0 OR signal_id = ?1 ORDER BY signal_id, id",
                          &q, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(q, 1, signal_id);
    ib_signal_change c;
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        memset(&c, 0, sizeof c);
        c.id = sqlite3_column_int64(q, 0);
        c.signal_id = sqlite3_column_int64(q, 1);
        IB_SQ_COL_STR(q, 2, c.at);
        c.day = (ib_date)sqlite3_column_int(q, 3);
        IB_SQ_COL_STR(q, 4, c.actor);
        int code = -1;
        if (sqlite3_column_type(q, 5) != SQLITE_NULL &&
            (rc = code_of(q, 5, ib_signal_state_codes, &code, err)) != IB_OK)
            break;
        c.from = code;
        if ((rc = code_of(q, 6, ib_signal_state_codes, &code, err)) != IB_OK)
            break;
        c.to = (ib_signal_state)code;
        IB_SQ_COL_STR(q, 7, c.owner);
        IB_SQ_COL_STR(q, 8, c.why);
        IB_SQ_COL_STR(q, 9, c.why_en);
        if ((rc = cb(ctx, &c)) != 0)
            break;
    }
    if (rc == 0 && step != SQLITE_DONE && step != SQLITE_ROW)
        rc = ib_sq_error(s, step, err);
    ib_sq_release(s, q);
    return rc;
}

/* ------------------------------------------------------------ the inbox's list */

/* ?1 persons, ?2 locations (0/1), ?3 the scope's municipalities as a JSON
 * array (NULL: everywhere), ?4 the sender whose persons are in scope too,
 * ?5 id, ?6 kind, ?7 states as a JSON array (NULL: any), ?8 owner filter
 * (ib_owner_filter), ?9 owner kind, ?10 owner id or the user of "mine",
 * ?11 municipality, ?12 overdue on (NULL: any), ?13 subject id; ?14 limit,
 * ?15 offset. A person's scope is all its records together (as the person
 * query's, sqlite_users.c): one of them from the sender, or with a
 * registration or a housing in the municipalities (an episode belongs to
 * its record's sender, so the episodes' unique indexes find them).
 * The scope is looked up for each signal (the persons' records by
 * people_id, their registrations and housings by the episodes' unique
 * indexes): for a caseworker's 17,000 signals that costs a third of
 * working out every person in its municipalities first (bench/RESULTS.md,
 * "Inbox"). */
#define IN_MUNIS " IN (SELECT value FROM json_each(?3))"
#define SCOPE                                                                 \
    " ((?1 AND s.subject = 'person' AND (?3 IS NULL OR EXISTS (SELECT 1"      \
    " FROM persons pp WHERE pp.people_id = s.subject_id AND (pp.sender_id = ?4" \
    " OR EXISTS (SELECT 1 FROM registrations r WHERE r.sender_id = pp.sender_id" \
    " AND r.person_id = pp.id AND r.municipality" IN_MUNIS ")"                \
    " OR EXISTS (SELECT 1 FROM housings h JOIN locations l ON l.id = h.location_id" \
    " WHERE h.sender_id = pp.sender_id AND h.person_id = pp.id"               \
    " AND l.municipality" IN_MUNIS ")))))"                                    \
    " OR (?2 AND s.subject = 'location' AND (?3 IS NULL OR EXISTS (SELECT 1"  \
    " FROM locations l2 WHERE l2.id = s.subject_id AND l2.municipality" IN_MUNIS "))))"
#define SIG_FILTERS                                                           \
    " (?6 IS NULL OR s.kind = ?6)"                                            \
    " AND (?7 IS NULL OR s.state IN (SELECT value FROM json_each(?7)))"       \
    " AND (?8 = 0 OR (?8 = 1 AND s.owner_kind IS NULL)"                       \
    " OR (?8 = 2 AND s.owner_kind = ?9 AND s.owner_id = ?10)"                 \
    " OR (?8 = 3 AND ((s.owner_kind = 'user' AND s.owner_id = ?10)"           \
    " OR (s.owner_kind = 'team' AND s.owner_id IN"                            \
    " (SELECT m.team_id FROM team_members m WHERE m.user_id = ?10)))))"       \
    " AND (?11 IS NULL OR s.municipality = ?11)"                              \
    " AND (?12 IS NULL OR (s.state IN ('open', 'in_progress') AND s.due < ?12))" \
    " AND (?13 = 0 OR s.subject_id = ?13)"
/* The filters before the scope, for certain (a CASE is evaluated in its
 * order): a filter that leaves few signals spares the scope's look-ups. */
#define SIG_WHERE " WHERE ?5 = 0 AND CASE WHEN" SIG_FILTERS " THEN" SCOPE " ELSE 0 END"
/* One signal by its id: the primary key first, then the rest for it. */
#define SIG_WHERE_ID " WHERE s.id = ?5 AND CASE WHEN" SIG_FILTERS " THEN" SCOPE " ELSE 0 END"
/* The page and, in the same pass, how many match: the signals that match
 * are sorted by their order and id alone, and only the page's rows are
 * read in full. */
#define SIG_PAGE(order)                                                       \
    "SELECT " SIG_COLS ", p.total FROM (SELECT s.id AS id, count(*) OVER ()"  \
    " AS total FROM signals s" SIG_WHERE " ORDER BY " order                   \
    " LIMIT ?14 OFFSET ?15) p JOIN signals s ON s.id = p.id"                  \
    " LEFT JOIN senders se ON se.id = s.subject_sender_id ORDER BY " order

static const char *const sig_sql[IB_SSORT_COUNT][2] = {
    [IB_SSORT_DUE] = {SIG_PAGE("s.due, s.id"), SIG_PAGE("s.due DESC, s.id DESC")},
    [IB_SSORT_SINCE] = {SIG_PAGE("s.since, s.id"), SIG_PAGE("s.since DESC, s.id DESC")},
    [IB_SSORT_ID] = {SIG_PAGE("s.id"), SIG_PAGE("s.id DESC")},
};
static const char sig_by_id_sql[] =
    "SELECT " SIG_COLS ", 1" SIG_FROM SIG_WHERE_ID " LIMIT ?14 OFFSET ?15";

/* ["open","lapsed"] of the bits in mask; "" for none. */
static void states_json(unsigned mask, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    if (!mask)
        return;
    n += (size_t)snprintf(out, size, "[");
    for (int i = 0; i < IB_SIGNAL_STATE_COUNT && n < size; i++)
        if (mask & (1u << i))
            n += (size_t)snprintf(out + n, size - n, "%s\"%s\"", n > 1 ? "," : "",
                                  ib_code_text(ib_signal_state_codes, i));
    if (n < size)
        snprintf(out + n, size - n, "]");
}

static void bind_query(sqlite3_stmt *q, const ib_signal_query *sq, const char *munis,
                       const char *states)
{
    sqlite3_bind_int(q, 1, sq->persons ? 1 : 0);
    sqlite3_bind_int(q, 2, sq->locations ? 1 : 0);
    if (munis)
        bind_str(q, 3, munis);
    sqlite3_bind_int64(q, 4, sq->scope_sender_id);
    sqlite3_bind_int64(q, 5, sq->id);
    if (sq->kind)
        bind_str(q, 6, sq->kind);
    if (states[0])
        bind_str(q, 7, states);
    sqlite3_bind_int(q, 8, (int)sq->owner);
    if (sq->owner == IB_OWNERF_IS) {
        bind_str(q, 9, ib_code_text(ib_owner_kind_codes, (int)sq->owner_is.kind));
        sqlite3_bind_int64(q, 10, sq->owner_is.id);
    } else if (sq->owner == IB_OWNERF_MINE) {
        sqlite3_bind_int64(q, 10, sq->mine_user);
    }
    if (sq->municipality)
        bind_str(q, 11, sq->municipality);
    ib_sq_bind_date(q, 12, sq->overdue_on);
    sqlite3_bind_int64(q, 13, sq->subject_id);
}

typedef struct page_ctx {
    ib_signal_row_cb cb;
    void *ctx;
    int64_t *total;
    sqlite3_stmt *q;
} page_ctx;

static int page_row(void *ctx, const ib_signal_row *r)
{
    page_ctx *pc = ctx;
    *pc->total = sqlite3_column_int64(pc->q, 25);
    return pc->cb ? pc->cb(pc->ctx, r) : 0;
}

int ib_sq_signal_query(ib_store *st, const ib_signal_query *sq, const char *munis_json,
                       ib_signal_row_cb cb, void *ctx, int64_t *total, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    char states[128];
    states_json(sq->states, states, sizeof states);
    int sort = sq->sort >= 0 && sq->sort < IB_SSORT_COUNT ? (int)sq->sort : 0;
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, sq->id ? sig_by_id_sql : sig_sql[sort][sq->descending ? 1 : 0],
                          &q, err);
    if (rc)
        return rc;
    bind_query(q, sq, munis_json, states);
    sqlite3_bind_int64(q, 14, sq->limit > 0 ? sq->limit : 1);
    sqlite3_bind_int64(q, 15, sq->offset > 0 ? sq->offset : 0);
    page_ctx pc = {sq->limit > 0 ? cb : NULL, ctx, total, q};
    *total = -1;
    rc = each_rows(s, q, page_row, &pc, err);
    if (rc || *total >= 0)
        return rc == 0 && *total < 0 ? 0 : rc;
    /* A page past the end (or none asked): count on their own. */
    if (sq->id) {
        *total = 0;
        return IB_OK;
    }
    if ((rc = ib_sq_cached(s, "SELECT count(*) FROM signals s" SIG_WHERE, &q, err)) != IB_OK)
        return rc;
    bind_query(q, sq, munis_json, states);
    int step = sqlite3_step(q);
    *total = step == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    ib_sq_release(s, q);
    return step == SQLITE_ROW ? IB_OK : ib_sq_error(s, step, err);
}

/* ------------------------------------------------------------ settings, evaluations */

int ib_sq_signal_settings_each(ib_store *st, ib_setting_cb cb, void *ctx, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, "SELECT name, value FROM signal_settings ORDER BY name",
                          &q, err);
    if (rc)
        return rc;
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW)
        if ((rc = cb(ctx, (const char *)sqlite3_column_text(q, 0),
                     sqlite3_column_int64(q, 1))) != 0)
            break;
    if (rc == 0 && step != SQLITE_DONE)
        rc = ib_sq_error(s, step, err);
    ib_sq_release(s, q);
    return rc;
}

int ib_sq_signal_setting_put(ib_store *st, const char *name, int64_t value, int64_t *old,
                             bool *had, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, "SELECT value FROM signal_settings WHERE name = ?1", &q, err);
    if (rc)
        return rc;
    bind_str(q, 1, name);
    int step = sqlite3_step(q);
    *had = step == SQLITE_ROW;
    if (*had)
        *old = sqlite3_column_int64(q, 0);
    ib_sq_release(s, q);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return ib_sq_error(s, step, err);
    if ((rc = ib_sq_cached(s, "INSERT INTO signal_settings (name, value) VALUES (?1, ?2)"
                              " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                           &q, err)) != IB_OK)
        return rc;
    bind_str(q, 1, name);
    sqlite3_bind_int64(q, 2, value);
    return run_final(s, q, NULL, err);
}

int ib_sq_signal_evaluation_add(ib_store *st, ib_signal_evaluation *ev, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, "INSERT INTO signal_evaluations (at, day, actor,"
                             " data_version, settings, found, opened, lapsed,"
                             " reopened, updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
                             " ?7, ?8, ?9, ?10)", &q, err);
    if (rc)
        return rc;
    bind_str(q, 1, ev->at);
    sqlite3_bind_int(q, 2, ev->day);
    bind_str(q, 3, ev->actor);
    bind_str(q, 4, ev->data_version);
    bind_str(q, 5, ev->settings);
    sqlite3_bind_int64(q, 6, ev->found);
    sqlite3_bind_int64(q, 7, ev->opened);
    sqlite3_bind_int64(q, 8, ev->lapsed);
    sqlite3_bind_int64(q, 9, ev->reopened);
    sqlite3_bind_int64(q, 10, ev->updated);
    rc = run_final(s, q, NULL, err);
    if (rc == IB_OK)
        ev->id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

int ib_sq_signal_evaluation_last(ib_store *st, ib_signal_evaluation *ev, bool *found,
                                 ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, "SELECT id, at, day, actor, data_version, settings, found,"
                             " opened, lapsed, reopened, updated FROM signal_evaluations"
                             " ORDER BY id DESC LIMIT 1", &q, err);
    if (rc)
        return rc;
    memset(ev, 0, sizeof *ev);
    int step = sqlite3_step(q);
    *found = step == SQLITE_ROW;
    if (*found) {
        ev->id = sqlite3_column_int64(q, 0);
        IB_SQ_COL_STR(q, 1, ev->at);
        ev->day = (ib_date)sqlite3_column_int(q, 2);
        IB_SQ_COL_STR(q, 3, ev->actor);
        IB_SQ_COL_STR(q, 4, ev->data_version);
        IB_SQ_COL_STR(q, 5, ev->settings);
        ev->found = sqlite3_column_int64(q, 6);
        ev->opened = sqlite3_column_int64(q, 7);
        ev->lapsed = sqlite3_column_int64(q, 8);
        ev->reopened = sqlite3_column_int64(q, 9);
        ev->updated = sqlite3_column_int64(q, 10);
    }
    ib_sq_release(s, q);
    return step == SQLITE_ROW || step == SQLITE_DONE ? IB_OK : ib_sq_error(s, step, err);
}

/* ------------------------------------------------------------ teams */

int ib_sq_team_insert(ib_store *st, ib_team *t, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, "INSERT INTO teams (name, created_at) VALUES (?1, ?2)",
                          &q, err);
    if (rc)
        return rc;
    bind_str(q, 1, t->name);
    bind_str(q, 2, t->created_at);
    int step = sqlite3_step(q);
    ib_sq_release(s, q);
    if (step == SQLITE_CONSTRAINT_UNIQUE)
        return ib_err_set(err, IB_ECONFLICT, "team '%s' bestaat al", t->name);
    if (step != SQLITE_DONE)
        return ib_sq_error(s, step, err);
    t->id = sqlite3_last_insert_rowid(s->db);
    return IB_OK;
}

#define TEAM_SELECT                                                           \
    "SELECT t.id, t.name, t.created_at, (SELECT count(*) FROM team_members m" \
    " WHERE m.team_id = t.id) FROM teams t"

static void decode_team(sqlite3_stmt *q, ib_team *t)
{
    memset(t, 0, sizeof *t);
    t->id = sqlite3_column_int64(q, 0);
    IB_SQ_COL_STR(q, 1, t->name);
    IB_SQ_COL_STR(q, 2, t->created_at);
    t->members = sqlite3_column_int64(q, 3);
}

int ib_sq_team_get(ib_store *st, const char *name, int64_t id, ib_team *out, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, name ? TEAM_SELECT " WHERE t.name = ?1"
                                  : TEAM_SELECT " WHERE t.id = ?1", &q, err);
    if (rc)
        return rc;
    if (name)
        bind_str(q, 1, name);
    else
        sqlite3_bind_int64(q, 1, id);
    int step = sqlite3_step(q);
    if (step == SQLITE_ROW)
        decode_team(q, out);
    ib_sq_release(s, q);
    if (step == SQLITE_DONE)
        return name ? ib_err_set(err, IB_ENOTFOUND, "team '%s' bestaat niet", name)
                    : ib_err_set(err, IB_ENOTFOUND, "team %lld bestaat niet",
                                 (long long)id);
    return step == SQLITE_ROW ? IB_OK : ib_sq_error(s, step, err);
}

int ib_sq_team_each(ib_store *st, int64_t user_id, ib_team_cb cb, void *ctx, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, TEAM_SELECT " WHERE ?1 = 0 OR t.id IN (SELECT team_id"
                                         " FROM team_members WHERE user_id = ?1)"
                                         " ORDER BY t.name", &q, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(q, 1, user_id);
    ib_team t;
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        decode_team(q, &t);
        if ((rc = cb(ctx, &t)) != 0)
            break;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = ib_sq_error(s, step, err);
    ib_sq_release(s, q);
    return rc;
}

int ib_sq_team_member_set(ib_store *st, int64_t team_id, int64_t user_id, bool member,
                          int64_t *changed, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, member ? "INSERT OR IGNORE INTO team_members (team_id,"
                                      " user_id) VALUES (?1, ?2)"
                                    : "DELETE FROM team_members WHERE team_id = ?1"
                                      " AND user_id = ?2", &q, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(q, 1, team_id);
    sqlite3_bind_int64(q, 2, user_id);
    return run_final(s, q, changed, err);
}

int ib_sq_team_each_member(ib_store *st, int64_t team_id, int64_t *ids, size_t max,
                           size_t *n, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, "SELECT m.user_id FROM team_members m JOIN users u"
                             " ON u.id = m.user_id WHERE m.team_id = ?1"
                             " ORDER BY u.name", &q, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(q, 1, team_id);
    *n = 0;
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        if (*n == max) {
            ib_sq_release(s, q);
            return ib_err_set(err, IB_ELIMIT, "team %lld heeft meer dan %zu leden",
                              (long long)team_id, max);
        }
        ids[(*n)++] = sqlite3_column_int64(q, 0);
    }
    ib_sq_release(s, q);
    return step == SQLITE_DONE ? IB_OK : ib_sq_error(s, step, err);
}

/* ------------------------------------------------------------ routes */

int ib_sq_route_insert(ib_store *st, ib_signal_route *r, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, "INSERT INTO signal_routes (kind, municipality, team_id)"
                             " VALUES (?1, ?2, ?3)", &q, err);
    if (rc)
        return rc;
    bind_str(q, 1, r->kind);
    bind_str(q, 2, r->municipality);
    sqlite3_bind_int64(q, 3, r->team_id);
    int step = sqlite3_step(q);
    ib_sq_release(s, q);
    if (step == SQLITE_CONSTRAINT_UNIQUE)
        return ib_err_set(err, IB_ECONFLICT, "er is al een route voor soort '%s' en "
                          "gemeente '%s'", r->kind[0] ? r->kind : "*",
                          r->municipality[0] ? r->municipality : "*");
    if (step != SQLITE_DONE)
        return ib_sq_error(s, step, err);
    r->id = sqlite3_last_insert_rowid(s->db);
    return IB_OK;
}

int ib_sq_route_delete(ib_store *st, int64_t id, int64_t *deleted, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, "DELETE FROM signal_routes WHERE id = ?1", &q, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(q, 1, id);
    return run_final(s, q, deleted, err);
}

int ib_sq_route_each(ib_store *st, ib_signal_route_cb cb, void *ctx, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q;
    int rc = ib_sq_cached(s, "SELECT r.id, r.kind, r.municipality, r.team_id, t.name"
                             " FROM signal_routes r JOIN teams t ON t.id = r.team_id"
                             " ORDER BY r.kind, r.municipality", &q, err);
    if (rc)
        return rc;
    ib_signal_route r;
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        memset(&r, 0, sizeof r);
        r.id = sqlite3_column_int64(q, 0);
        IB_SQ_COL_STR(q, 1, r.kind);
        IB_SQ_COL_STR(q, 2, r.municipality);
        r.team_id = sqlite3_column_int64(q, 3);
        IB_SQ_COL_STR(q, 4, r.team);
        if ((rc = cb(ctx, &r)) != 0)
            break;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = ib_sq_error(s, step, err);
    ib_sq_release(s, q);
    return rc;
}
