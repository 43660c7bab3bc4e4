/* test_inbox.c — the inbox of signals: the transition table (every pair of
 * states, allowed or refused with the allowed ones named), the evaluation
 * (new, refreshed, lapsed with the rules' reason, reopened with the
 * history kept, following a linked person; evaluating twice writes
 * nothing; no evaluation back in time), routing and release to a team,
 * owners within the scope only (users, teams, bulk all or none), the
 * inbox's scoped list, settings, and erasure of a person's signals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signals/signals.h"
#include "store/store.h"
#include "temp_store.h"

typedef struct fx {
    char dir[64], db[128];
    ib_store *st;
    int64_t s1, s2;
    ib_user admin, cw_in, cw_out, cw_muni, insp, insp_out, analyst;
} fx;

static void ok(int rc, const ib_err *err)
{
    if (rc)
        print_error("%s (%s)\n", err->msg, err->field);
    assert_int_equal(rc, IB_OK);
}

static ib_date day(const char *s)
{
    ib_date d;
    ib_err err;
    if (!s)
        return IB_DATE_NONE;
    assert_int_equal(ib_date_parse(s, strlen(s), &d, &err), IB_OK);
    return d;
}

/* ------------------------------------------------------------ records */

static void person(fx *f, int64_t s, const char *ref)
{
    ib_person p = {.meta.sender_id = s, .birth_date = day("1990-01-01"),
                   .category = IB_CAT_LABOUR};
    ib_strlcpy(p.ref, ref, sizeof p.ref);
    ib_strlcpy(p.nationality, "PL", sizeof p.nationality);
    ib_put_result res;
    ib_err err;
    ok(ib_store_put_person(f->st, &p, &res, &err), &err);
}

static void stay(fx *f, int64_t s, const char *ref, const char *arrival)
{
    ib_stay x = {.meta.sender_id = s, .arrival = day(arrival), .departure = IB_DATE_NONE};
    ib_strlcpy(x.person_ref, ref, sizeof x.person_ref);
    ib_put_result res;
    ib_err err;
    ok(ib_store_put_stay(f->st, &x, &res, &err), &err);
}

static void reg(fx *f, const char *ref, ib_reg_kind kind, const char *muni,
                const char *start, const char *end)
{
    ib_registration x = {.meta.sender_id = f->s1, .kind = kind, .start = day(start),
                         .end = day(end)};
    ib_strlcpy(x.person_ref, ref, sizeof x.person_ref);
    ib_strlcpy(x.municipality, muni, sizeof x.municipality);
    ib_put_result res;
    ib_err err;
    ok(ib_store_put_registration(f->st, &x, &res, &err), &err);
}

static void location(fx *f, const char *ref, const char *muni, int beds)
{
    ib_location l = {.meta.sender_id = f->s1, .kind = IB_LOC_SHARED_HOUSE, .capacity = beds,
                     .floor_area_m2 = IB_CENTS_NONE, .certified_until = IB_DATE_NONE};
    ib_strlcpy(l.ref, ref, sizeof l.ref);
    ib_strlcpy(l.postcode, "2671AA", sizeof l.postcode);
    ib_strlcpy(l.house_number, ref, sizeof l.house_number);
    ib_strlcpy(l.municipality, muni, sizeof l.municipality);
    ib_put_result res;
    ib_err err;
    ok(ib_store_put_location(f->st, &l, &res, &err), &err);
}

static void housing(fx *f, const char *ref, const char *loc, const char *start)
{
    ib_housing h = {.meta.sender_id = f->s1, .start = day(start), .end = IB_DATE_NONE};
    ib_strlcpy(h.person_ref, ref, sizeof h.person_ref);
    ib_strlcpy(h.location_ref, loc, sizeof h.location_ref);
    ib_put_result res;
    ib_err err;
    ok(ib_store_put_housing(f->st, &h, &res, &err), &err);
}

/* A user as the store reads it back; its password hash is a placeholder
 * (nobody logs in here, and argon2id for every user of every test would
 * take most of the test's time). */
static void user(fx *f, ib_user *u, const char *name, ib_role role, const char *org,
                 const char *munis)
{
    ib_err err;
    char sql[400];
    snprintf(sql, sizeof sql, "INSERT INTO users (name, password_hash, role, organisation,"
             " municipalities, created_at) VALUES ('%s', '-', '%s', '%s', '%s', 'nu')", name,
             ib_code_text(ib_role_codes, (int)role), org, munis);
    raw_sql(f->db, sql);
    ok(ib_user_get(f->st, name, u, &err), &err);
}

/* P1 (sender gemeente) here since 2025-01-01 without BRP and without a
 * bed, with an RNI registration in GM0001: on 2025-06-01 not_registered
 * and no_address. L1 in GM0001 has one bed and two occupants (P2, P3,
 * without stays): overcrowded. */
static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    ts_make_dir(f->dir, sizeof f->dir, "inbox");
    snprintf(f->db, sizeof f->db, "%s/t.db", f->dir);
    f->st = ts_open(f->db, NULL, true);
    ib_store_set_actor(f->st, "test");
    ib_err err;
    ok(ib_store_sender(f->st, "gemeente", true, &f->s1, &err), &err);
    ok(ib_store_sender(f->st, "bureau", true, &f->s2, &err), &err);
    ok(ib_store_begin(f->st, &err), &err);
    location(f, "L1", "GM0001", 1);
    person(f, f->s1, "P1");
    person(f, f->s1, "P2");
    person(f, f->s1, "P3");
    stay(f, f->s1, "P1", "2025-01-01");
    reg(f, "P1", IB_REG_RNI, "GM0001", "2025-01-10", NULL);
    housing(f, "P2", "L1", "2025-05-20");
    housing(f, "P3", "L1", "2025-05-20");
    ok(ib_store_commit(f->st, &err), &err);
    user(f, &f->admin, "admin", IB_ROLE_ADMIN, "gemeente", "");
    user(f, &f->cw_in, "cw_in", IB_ROLE_CASEWORKER, "gemeente", "");
    user(f, &f->cw_out, "cw_out", IB_ROLE_CASEWORKER, "elders", "GM0002");
    user(f, &f->cw_muni, "cw_muni", IB_ROLE_CASEWORKER, "elders", "GM0001");
    user(f, &f->insp, "insp", IB_ROLE_INSPECTOR, "gemeente", "GM0001");
    user(f, &f->insp_out, "insp_out", IB_ROLE_INSPECTOR, "elders", "GM0002");
    user(f, &f->analyst, "analyst", IB_ROLE_ANALYST, "cbs", "");
    ib_team t = {0};
    ib_strlcpy(t.name, "t", sizeof t.name);
    ok(ib_team_add(f->st, &t, &err), &err);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    ib_store_close(f->st);
    ts_remove_dir(f->dir);
    free(f);
    return 0;
}

static ib_inbox_report evaluate(fx *f, const char *on)
{
    ib_inbox_report rep;
    ib_err err;
    ok(ib_inbox_evaluate(f->st, day(on), "test", &rep, &err), &err);
    return rep;
}

static long count(fx *f, const char *sql)
{
    return raw_count(f->db, sql);
}

/* The id of the signal of kind (there is one of each). */
static int64_t signal_of(fx *f, const char *kind)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT id FROM signals WHERE kind = '%s'", kind);
    return count(f, sql);
}

static ib_signal_row get(fx *f, int64_t id)
{
    ib_signal_row r;
    ib_err err;
    ok(ib_store_signal_get(f->st, id, &r, &err), &err);
    return r;
}

static ib_signal_owner owner_of(fx *f, const char *text)
{
    ib_signal_owner o;
    ib_err err;
    ok(ib_inbox_owner_parse(f->st, text, &o, &err), &err);
    return o;
}

/* ------------------------------------------------------------ evaluation */

static void test_evaluate_twice_changes_nothing(void **state)
{
    fx *f = *state;
    ib_inbox_report rep = evaluate(f, "2025-06-01");
    assert_int_equal(rep.found, 3);
    assert_int_equal(rep.opened, 3);
    assert_true(rep.written);
    assert_int_equal(count(f, "SELECT count(*) FROM signals WHERE state = 'open'"), 3);
    assert_int_equal(count(f, "SELECT count(*) FROM signal_history"), 3);
    ib_signal_row r = get(f, signal_of(f, "not_registered"));
    assert_string_equal(r.key, "2025-01-01");
    assert_string_equal(r.subject_ref, "P1");
    assert_string_equal(r.subject_sender, "gemeente");
    assert_int_equal(r.first_found, day("2025-06-01"));
    /* Due 28 days after the condition began: 2025-05-01 + 28. */
    assert_int_equal(r.since, day("2025-05-01"));
    assert_int_equal(r.due, day("2025-05-29"));
    char why[512], todo[512];
    ib_inbox_explain(&r, false, why, sizeof why, todo, sizeof todo);
    assert_non_null(strstr(why, "BRP"));
    assert_true(todo[0] != '\0');

    long audit = count(f, "SELECT count(*) FROM audit");
    long evals = count(f, "SELECT count(*) FROM signal_evaluations");
    bool due = true;
    ib_err err;
    ok(ib_inbox_evaluation_due(f->st, day("2025-06-01"), &due, &err), &err);
    assert_false(due);
    rep = evaluate(f, "2025-06-01");
    assert_false(rep.written);
    assert_int_equal(rep.opened + rep.lapsed + rep.reopened + rep.updated + rep.moved, 0);
    assert_int_equal(count(f, "SELECT count(*) FROM audit"), audit);
    assert_int_equal(count(f, "SELECT count(*) FROM signal_evaluations"), evals);
    assert_int_equal(count(f, "SELECT count(*) FROM signal_history"), 3);

    /* A later day: found again, no new history. */
    ok(ib_inbox_evaluation_due(f->st, day("2025-06-02"), &due, &err), &err);
    assert_true(due);
    rep = evaluate(f, "2025-06-02");
    assert_int_equal(rep.updated, 3);
    assert_int_equal(rep.opened, 0);
    assert_int_equal(count(f, "SELECT count(*) FROM signal_history"), 3);
    assert_int_equal(count(f, "SELECT count(*) FROM signals WHERE last_found = "
                              "(SELECT day FROM signal_evaluations ORDER BY id DESC)"), 3);

    /* Back in time: refused, nothing written. */
    ib_inbox_report back;
    assert_int_equal(ib_inbox_evaluate(f->st, day("2025-05-31"), "test", &back, &err),
                     IB_ECONFLICT);
    assert_non_null(strstr(err.msg, "2025-06-02"));
}

static void test_lapse_and_reopen(void **state)
{
    fx *f = *state;
    evaluate(f, "2025-06-01");
    int64_t id = signal_of(f, "not_registered");
    ib_err err;
    ok(ib_store_begin(f->st, &err), &err);
    reg(f, "P1", IB_REG_BRP, "GM0001", "2025-06-10", NULL);
    ok(ib_store_commit(f->st, &err), &err);
    ib_inbox_report rep = evaluate(f, "2025-06-15");
    assert_int_equal(rep.lapsed, 1);
    assert_int_equal(get(f, id).state, IB_SIGNAL_LAPSED);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM signal_history WHERE signal_id = %lld"
             " AND to_state = 'lapsed' AND actor = 'regels' AND from_state = 'open'"
             " AND why LIKE 'vervallen:%%BRP%%' AND why_en LIKE 'lapsed:%%'", (long long)id);
    assert_int_equal(count(f, sql), 1);
    /* The no_address signal holds on: untouched. */
    assert_int_equal(get(f, signal_of(f, "no_address")).state, IB_SIGNAL_OPEN);

    /* The registration ends: the same condition returns, the same signal. */
    ok(ib_store_begin(f->st, &err), &err);
    reg(f, "P1", IB_REG_BRP, "GM0001", "2025-06-10", "2025-06-20");
    ok(ib_store_commit(f->st, &err), &err);
    rep = evaluate(f, "2025-07-01");
    assert_int_equal(rep.reopened, 1);
    assert_int_equal(rep.opened, 0);
    ib_signal_row r = get(f, id);
    assert_int_equal(r.state, IB_SIGNAL_OPEN);
    assert_int_equal(r.first_found, day("2025-06-01"));
    assert_int_equal(r.due, day("2025-07-01") + 28);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM signal_history WHERE signal_id = %lld",
             (long long)id);
    assert_int_equal(count(f, sql), 3);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM signal_history WHERE signal_id = %lld"
             " AND from_state = 'lapsed' AND to_state = 'open' AND why LIKE 'heropend:%%'",
             (long long)id);
    assert_int_equal(count(f, sql), 1);
}

static void test_done_stays_done(void **state)
{
    fx *f = *state;
    evaluate(f, "2025-06-01");
    int64_t id = signal_of(f, "not_registered");
    ib_err err;
    ib_inbox_change take = {.to = IB_SIGNAL_IN_PROGRESS, .owner = owner_of(f, "user:cw_in")};
    ok(ib_inbox_change_state(f->st, NULL, id, &take, day("2025-06-02"), NULL, &err), &err);
    ib_inbox_change done = {.to = IB_SIGNAL_DONE, .outcome = "contacted"};
    ok(ib_inbox_change_state(f->st, NULL, id, &done, day("2025-06-03"), NULL, &err), &err);
    ib_signal_row r = get(f, id);
    assert_int_equal(r.closed_on, day("2025-06-03"));
    assert_string_equal(r.outcome, "contacted");
    /* The condition lapses and returns: a done signal is left as it is. */
    ok(ib_store_begin(f->st, &err), &err);
    reg(f, "P1", IB_REG_BRP, "GM0001", "2025-06-10", "2025-06-20");
    ok(ib_store_commit(f->st, &err), &err);
    evaluate(f, "2025-06-15");
    evaluate(f, "2025-07-01");
    assert_int_equal(get(f, id).state, IB_SIGNAL_DONE);
}

static void test_follow_linked_person(void **state)
{
    fx *f = *state;
    ib_err err;
    /* Q (bureau) is made first: a link keeps the lower id. */
    ok(ib_store_begin(f->st, &err), &err);
    person(f, f->s2, "Q");
    person(f, f->s1, "P4");
    stay(f, f->s1, "P4", "2025-01-01");
    ok(ib_store_commit(f->st, &err), &err);
    evaluate(f, "2025-06-01");
    int64_t p4 = count(f, "SELECT people_id FROM persons WHERE ref = 'P4'");
    int64_t q = count(f, "SELECT people_id FROM persons WHERE ref = 'Q'");
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT id FROM signals WHERE kind = 'not_registered'"
             " AND subject_id = %lld", (long long)p4);
    int64_t id = count(f, sql);
    int64_t into = 0;
    ok(ib_store_link_persons(f->st, p4, q, "test: one person", &into, &err), &err);
    assert_int_equal(into, q);
    ib_inbox_report rep = evaluate(f, "2025-06-02");
    assert_int_equal(rep.moved, 2);            /* not_registered and no_address */
    assert_int_equal(rep.opened, 0);
    assert_int_equal(rep.lapsed, 0);
    ib_signal_row r = get(f, id);
    assert_int_equal(r.subject_id, q);
    assert_int_equal(r.state, IB_SIGNAL_OPEN);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM signal_history WHERE signal_id = %lld"
             " AND why LIKE 'gevolgd:%%'", (long long)id);
    assert_int_equal(count(f, sql), 1);
}

/* ------------------------------------------------------------ the transition table */

/* Puts signal id in state s by the store (not by a person's step). */
static void force_state(fx *f, int64_t id, ib_signal_state s)
{
    ib_signal_row r = get(f, id);
    ib_err err;
    r.state = s;
    r.owner = s == IB_SIGNAL_IN_PROGRESS ? owner_of(f, "user:cw_in") : (ib_signal_owner){0};
    r.outcome[0] = r.reason[0] = '\0';
    ib_signal_change ch = {.day = day("2025-06-01"), .from = -1, .to = s};
    ch.from = (int)get(f, id).state;
    ib_strlcpy(ch.why, "test", sizeof ch.why);
    ok(ib_store_signal_update(f->st, &r, &ch, &err), &err);
}

static void test_transition_table(void **state)
{
    fx *f = *state;
    /* By a person: exactly these. */
    const unsigned O = 1u << IB_SIGNAL_OPEN, P = 1u << IB_SIGNAL_IN_PROGRESS,
                   D = 1u << IB_SIGNAL_DONE, U = 1u << IB_SIGNAL_UNFOUNDED;
    const unsigned want[IB_SIGNAL_STATE_COUNT] = {
        [IB_SIGNAL_OPEN] = P | U, [IB_SIGNAL_IN_PROGRESS] = P | D | U | O,
        [IB_SIGNAL_DONE] = 0, [IB_SIGNAL_UNFOUNDED] = 0, [IB_SIGNAL_LAPSED] = 0};
    for (int s = 0; s < IB_SIGNAL_STATE_COUNT; s++)
        assert_int_equal(ib_inbox_allowed((ib_signal_state)s), want[s]);
    /* By the rules: found, lapse from open and in progress, reopen. */
    assert_non_null(ib_inbox_transition_find(-1, IB_SIGNAL_OPEN, IB_BY_RULES));
    assert_non_null(ib_inbox_transition_find(IB_SIGNAL_OPEN, IB_SIGNAL_LAPSED, IB_BY_RULES));
    assert_non_null(
        ib_inbox_transition_find(IB_SIGNAL_IN_PROGRESS, IB_SIGNAL_LAPSED, IB_BY_RULES));
    assert_non_null(ib_inbox_transition_find(IB_SIGNAL_LAPSED, IB_SIGNAL_OPEN, IB_BY_RULES));
    assert_null(ib_inbox_transition_find(IB_SIGNAL_DONE, IB_SIGNAL_LAPSED, IB_BY_RULES));
    assert_null(ib_inbox_transition_find(IB_SIGNAL_LAPSED, IB_SIGNAL_OPEN, IB_BY_PERSON));

    /* Every pair tried on a stored signal. */
    evaluate(f, "2025-06-01");
    int64_t id = signal_of(f, "not_registered");
    ib_err err;
    ok(ib_team_set_member(f->st, owner_of(f, "team:t").id, f->cw_in.id, true, &err), &err);
    for (int from = 0; from < IB_SIGNAL_STATE_COUNT; from++) {
        for (int to = 0; to < IB_SIGNAL_STATE_COUNT; to++) {
            force_state(f, id, (ib_signal_state)from);
            ib_inbox_change c = {.to = (ib_signal_state)to};
            if (to == IB_SIGNAL_IN_PROGRESS)
                c.owner = owner_of(f, from == IB_SIGNAL_IN_PROGRESS ? "team:t" : "user:cw_in");
            if (to == IB_SIGNAL_DONE)
                c.outcome = "registered";
            if (to == IB_SIGNAL_UNFOUNDED)
                c.reason = "woont in Duitsland";
            ib_signal_row after;
            int rc = ib_inbox_change_state(f->st, NULL, id, &c, day("2025-06-05"), &after,
                                           &err);
            bool allowed = want[from] & (1u << to);
            if (allowed) {
                ok(rc, &err);
                assert_int_equal(after.state, to);
                assert_int_equal(get(f, id).state, to);
            } else {
                assert_int_equal(rc, IB_ECONFLICT);
                char text[128];
                ib_inbox_allowed_text((ib_signal_state)from, text, sizeof text);
                assert_non_null(strstr(err.msg, text));
                assert_int_equal(get(f, id).state, from);
            }
        }
    }
    /* What a step asks for. */
    force_state(f, id, IB_SIGNAL_IN_PROGRESS);
    ib_inbox_change c = {.to = IB_SIGNAL_DONE};
    assert_int_equal(ib_inbox_change_state(f->st, NULL, id, &c, day("2025-06-05"), NULL,
                                           &err), IB_EINVAL);
    c.outcome = "gedaan";
    assert_int_equal(ib_inbox_change_state(f->st, NULL, id, &c, day("2025-06-05"), NULL,
                                           &err), IB_EINVAL);
    assert_non_null(strstr(err.msg, "registered"));
    c = (ib_inbox_change){.to = IB_SIGNAL_UNFOUNDED, .reason = "  "};
    assert_int_equal(ib_inbox_change_state(f->st, NULL, id, &c, day("2025-06-05"), NULL,
                                           &err), IB_EINVAL);
    static const char *const unclean[] = {"twee\nregels", "\xc3\x28", "\xed\xa0\x80",
                                          "\xc0\xaf"};
    for (size_t i = 0; i < sizeof unclean / sizeof *unclean; i++) {
        c.reason = unclean[i];
        assert_int_equal(ib_inbox_change_state(f->st, NULL, id, &c, day("2025-06-05"), NULL,
                                               &err), IB_EINVAL);
    }
    c.reason = "woont in Łódź, België";
    ok(ib_inbox_change_state(f->st, NULL, id, &c, day("2025-06-05"), NULL, &err), &err);
    force_state(f, id, IB_SIGNAL_IN_PROGRESS);
    c = (ib_inbox_change){.to = IB_SIGNAL_OPEN, .owner = owner_of(f, "user:cw_in")};
    assert_int_equal(ib_inbox_change_state(f->st, NULL, id, &c, day("2025-06-05"), NULL,
                                           &err), IB_EINVAL);
    assert_int_equal(get(f, id).state, IB_SIGNAL_IN_PROGRESS);
}

/* ------------------------------------------------------------ owners and scope */

static int64_t seen_by(fx *f, const ib_user *u)
{
    ib_signal_query q = {.overdue_on = IB_DATE_NONE, .limit = 10};
    int64_t total = -1;
    ib_err err;
    ok(ib_inbox_scope(f->st, u, &q, &err), &err);
    ok(ib_store_signal_query(f->st, &q, NULL, NULL, &total, &err), &err);
    return total;
}

static void test_scope_of_the_list(void **state)
{
    fx *f = *state;
    evaluate(f, "2025-06-01");
    assert_int_equal(seen_by(f, &f->admin), 3);
    assert_int_equal(seen_by(f, &f->cw_in), 2);     /* its organisation sent P1 */
    assert_int_equal(seen_by(f, &f->cw_muni), 2);   /* P1's RNI registration: GM0001 */
    assert_int_equal(seen_by(f, &f->cw_out), 0);
    assert_int_equal(seen_by(f, &f->insp), 1);      /* L1 */
    assert_int_equal(seen_by(f, &f->insp_out), 0);
    assert_int_equal(seen_by(f, &f->analyst), 0);
    bool sees = true;
    ib_err err;
    ok(ib_inbox_user_sees(f->st, &f->cw_out, signal_of(f, "no_address"), &sees, &err), &err);
    assert_false(sees);
    ok(ib_inbox_user_sees(f->st, &f->insp, signal_of(f, "overcrowded"), &sees, &err), &err);
    assert_true(sees);

    /* Filters: kind, state, mine, overdue, paging. */
    ib_signal_query q = {.persons = true, .locations = true, .overdue_on = IB_DATE_NONE,
                         .kind = "no_address", .limit = 10};
    int64_t total;
    ok(ib_store_signal_query(f->st, &q, NULL, NULL, &total, &err), &err);
    assert_int_equal(total, 1);
    q.kind = NULL;
    q.overdue_on = day("2025-02-08");      /* no_address due 2025-02-07 */
    ok(ib_store_signal_query(f->st, &q, NULL, NULL, &total, &err), &err);
    assert_int_equal(total, 1);
    q.overdue_on = day("2025-05-30");      /* not_registered due 2025-05-29 */
    ok(ib_store_signal_query(f->st, &q, NULL, NULL, &total, &err), &err);
    assert_int_equal(total, 2);
    q.overdue_on = IB_DATE_NONE;
    q.limit = 1;
    q.offset = 5;                            /* past the end: still the total */
    ok(ib_store_signal_query(f->st, &q, NULL, NULL, &total, &err), &err);
    assert_int_equal(total, 3);
    ib_inbox_change take = {.to = IB_SIGNAL_IN_PROGRESS};
    ok(ib_inbox_change_state(f->st, &f->cw_in, signal_of(f, "no_address"), &take,
                             day("2025-06-02"), NULL, &err), &err);
    q = (ib_signal_query){.persons = true, .locations = true, .overdue_on = IB_DATE_NONE,
                          .owner = IB_OWNERF_MINE, .mine_user = f->cw_in.id, .limit = 10};
    ok(ib_store_signal_query(f->st, &q, NULL, NULL, &total, &err), &err);
    assert_int_equal(total, 1);
    q.states = 1u << IB_SIGNAL_OPEN;
    q.owner = IB_OWNERF_ANY;
    ok(ib_store_signal_query(f->st, &q, NULL, NULL, &total, &err), &err);
    assert_int_equal(total, 2);
}

static void test_owner_within_scope(void **state)
{
    fx *f = *state;
    evaluate(f, "2025-06-01");
    int64_t nr = signal_of(f, "not_registered"), na = signal_of(f, "no_address"),
            oc = signal_of(f, "overcrowded");
    ib_err err;
    ib_inbox_change c = {.to = IB_SIGNAL_IN_PROGRESS, .owner = owner_of(f, "user:cw_out")};
    assert_int_equal(ib_inbox_change_state(f->st, NULL, nr, &c, day("2025-06-02"), NULL,
                                           &err), IB_EDENIED);
    assert_non_null(strstr(err.msg, "cw_out"));
    c.owner = owner_of(f, "user:insp");                /* not a person's */
    assert_int_equal(ib_inbox_change_state(f->st, NULL, nr, &c, day("2025-06-02"), NULL,
                                           &err), IB_EDENIED);
    c.owner = owner_of(f, "user:cw_in");               /* not a location's */
    assert_int_equal(ib_inbox_change_state(f->st, NULL, oc, &c, day("2025-06-02"), NULL,
                                           &err), IB_EDENIED);
    c.owner = owner_of(f, "user:insp");
    ok(ib_inbox_change_state(f->st, NULL, oc, &c, day("2025-06-02"), NULL, &err), &err);
    /* A user out of scope acting: the signal is not there for it. */
    c.owner = owner_of(f, "user:cw_in");
    assert_int_equal(ib_inbox_change_state(f->st, &f->cw_out, nr, &c, day("2025-06-02"),
                                           NULL, &err), IB_ENOTFOUND);
    /* A disabled user owns nothing. */
    ok(ib_user_set_disabled(f->st, "cw_muni", true, &err), &err);
    c.owner = owner_of(f, "user:cw_muni");
    assert_int_equal(ib_inbox_change_state(f->st, NULL, nr, &c, day("2025-06-02"), NULL,
                                           &err), IB_EDENIED);

    /* A team: when one of its members may see the signal. */
    ok(ib_team_set_member(f->st, owner_of(f, "team:t").id, f->cw_out.id, true, &err), &err);
    c.owner = owner_of(f, "team:t");
    assert_int_equal(ib_inbox_change_state(f->st, NULL, nr, &c, day("2025-06-02"), NULL,
                                           &err), IB_EDENIED);
    ok(ib_team_set_member(f->st, c.owner.id, f->cw_in.id, true, &err), &err);
    ok(ib_inbox_change_state(f->st, NULL, nr, &c, day("2025-06-02"), NULL, &err), &err);
    assert_int_equal(get(f, nr).owner.kind, IB_OWNER_TEAM);

    /* Bulk: all or none; the one refused is named. */
    int64_t ids[] = {nr, na, oc};
    int64_t failed = 0;
    ib_signal_owner to = owner_of(f, "user:cw_in");
    assert_int_equal(ib_inbox_assign(f->st, NULL, ids, 3, &to, day("2025-06-03"), &failed,
                                     &err), IB_EDENIED);
    assert_int_equal(failed, oc);
    assert_int_equal(get(f, nr).owner.kind, IB_OWNER_TEAM);
    assert_int_equal(get(f, na).state, IB_SIGNAL_OPEN);
    ok(ib_inbox_assign(f->st, &f->cw_in, ids, 2, &to, day("2025-06-03"), &failed, &err),
       &err);
    assert_int_equal(get(f, nr).owner.id, f->cw_in.id);
    assert_int_equal(get(f, na).state, IB_SIGNAL_IN_PROGRESS);
    /* Again: already theirs, nothing to do. */
    long lines = count(f, "SELECT count(*) FROM signal_history");
    ok(ib_inbox_assign(f->st, &f->cw_in, ids, 2, &to, day("2025-06-03"), &failed, &err),
       &err);
    assert_int_equal(count(f, "SELECT count(*) FROM signal_history"), lines);
}

static void test_routing_and_release(void **state)
{
    fx *f = *state;
    ib_err err;
    ib_team west = {0}, local = {0};
    ib_strlcpy(west.name, "west", sizeof west.name);
    ib_strlcpy(local.name, "gm0001", sizeof local.name);
    ok(ib_team_add(f->st, &west, &err), &err);
    ok(ib_team_add(f->st, &local, &err), &err);
    assert_int_equal(ib_team_add(f->st, &west, &err), IB_ECONFLICT);
    ib_signal_route r1 = {.team_id = west.id}, r2 = {.team_id = local.id};
    ib_strlcpy(r1.kind, "not_registered", sizeof r1.kind);
    ib_strlcpy(r2.municipality, "GM0001", sizeof r2.municipality);
    ok(ib_signal_route_add(f->st, &r1, &err), &err);
    ok(ib_signal_route_add(f->st, &r2, &err), &err);
    assert_int_equal(ib_signal_route_add(f->st, &r1, &err), IB_ECONFLICT);
    ib_signal_route bad = {.team_id = west.id};
    ib_strlcpy(bad.municipality, "XX12", sizeof bad.municipality);
    assert_int_equal(ib_signal_route_add(f->st, &bad, &err), IB_EINVAL);

    evaluate(f, "2025-06-01");
    int64_t nr = signal_of(f, "not_registered"), na = signal_of(f, "no_address");
    ib_signal_row r = get(f, nr);
    assert_int_equal(r.owner.kind, IB_OWNER_TEAM);   /* the kind's route before the */
    assert_int_equal(r.owner.id, west.id);           /* municipality's */
    assert_string_equal(r.owner.name, "west");
    assert_int_equal(get(f, na).owner.id, local.id);
    assert_int_equal(get(f, signal_of(f, "overcrowded")).owner.id, local.id);

    ib_inbox_change take = {.to = IB_SIGNAL_IN_PROGRESS};
    ok(ib_inbox_change_state(f->st, &f->cw_in, nr, &take, day("2025-06-02"), &r, &err), &err);
    assert_int_equal(r.owner.kind, IB_OWNER_USER);
    assert_int_equal(r.owner.id, f->cw_in.id);
    ib_inbox_change release = {.to = IB_SIGNAL_OPEN};
    ok(ib_inbox_change_state(f->st, &f->cw_in, nr, &release, day("2025-06-03"), &r, &err),
       &err);
    assert_int_equal(r.owner.id, west.id);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM signal_history WHERE signal_id = %lld"
             " AND why = 'vrijgegeven; terug naar team:west' AND actor = 'test'",
             (long long)nr);
    assert_int_equal(count(f, sql), 1);
    ok(ib_signal_route_remove(f->st, r1.id, &err), &err);
    assert_int_equal(ib_signal_route_remove(f->st, r1.id, &err), IB_ENOTFOUND);
    ib_signal_owner t;
    ok(ib_inbox_route(f->st, "not_registered", "GM0001", &t, &err), &err);
    assert_int_equal(t.id, local.id);
    assert_true(count(f, "SELECT count(*) FROM audit WHERE entity = 'signal_route'") >= 3);
}

/* ------------------------------------------------------------ settings, erasure */

static void test_settings(void **state)
{
    fx *f = *state;
    ib_err err;
    ib_inbox_settings s;
    ok(ib_inbox_settings_load(f->st, &s, &err), &err);
    assert_int_equal(s.rules.registration_months, 4);
    assert_int_equal(s.due_days[IB_SIG_NO_ADDRESS], 7);
    assert_int_equal(ib_inbox_setting_set(f->st, "registration_months", 0, &err), IB_EINVAL);
    assert_int_equal(ib_inbox_setting_set(f->st, "onbekend", 3, &err), IB_EINVAL);
    long i = ib_inbox_setting_find("min_area_m2");
    assert_true(i >= 0);
    int64_t v = 0;
    ok(ib_inbox_setting_parse((size_t)i, "12,5", &v, &err), &err);
    assert_int_equal(v, 1250);
    assert_int_equal(ib_inbox_setting_parse((size_t)i, "0.5", &v, &err), IB_EINVAL);
    char text[24];
    ib_inbox_setting_format((size_t)i, 1250, text, sizeof text);
    assert_string_equal(text, "12.50");

    evaluate(f, "2025-06-01");
    ok(ib_inbox_setting_set(f->st, "registration_months", 6, &err), &err);
    ok(ib_inbox_setting_set(f->st, "due_days.overcrowded", 3, &err), &err);
    assert_int_equal(count(f, "SELECT count(*) FROM audit WHERE entity = 'signal_setting'"
                              " AND detail = 'registration_months: standaard -> 6'"), 1);
    bool due = false;
    ok(ib_inbox_evaluation_due(f->st, day("2025-06-01"), &due, &err), &err);
    assert_true(due);
    ib_inbox_report rep = evaluate(f, "2025-06-01");
    assert_int_equal(rep.lapsed, 1);               /* six months: not yet */
    assert_int_equal(get(f, signal_of(f, "not_registered")).state, IB_SIGNAL_LAPSED);
}

static void test_erase_person(void **state)
{
    fx *f = *state;
    evaluate(f, "2025-06-01");
    ib_err err;
    ib_inbox_change take = {.to = IB_SIGNAL_IN_PROGRESS, .owner = owner_of(f, "user:cw_in")};
    ok(ib_inbox_change_state(f->st, NULL, signal_of(f, "no_address"), &take,
                             day("2025-06-02"), NULL, &err), &err);
    int64_t p1 = count(f, "SELECT people_id FROM persons WHERE ref = 'P1'");
    ok(ib_store_erase_person(f->st, p1, "test", "verzoek van betrokkene", NULL, &err), &err);
    assert_int_equal(count(f, "SELECT count(*) FROM signals WHERE subject = 'person'"), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM signal_history WHERE signal_id NOT IN"
                              " (SELECT id FROM signals)"), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM signals"), 1);
    int64_t checked = 0;
    ok(ib_store_audit_verify(f->st, &checked, &err), &err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_evaluate_twice_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lapse_and_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_done_stays_done, setup, teardown),
        cmocka_unit_test_setup_teardown(test_follow_linked_person, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transition_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scope_of_the_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_owner_within_scope, setup, teardown),
        cmocka_unit_test_setup_teardown(test_routing_and_release, setup, teardown),
        cmocka_unit_test_setup_teardown(test_settings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_erase_person, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
