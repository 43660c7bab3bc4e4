/* test_users.c — users, sessions, API tokens, inspections and the scoped
 * person query of the store: argon2id passwords never stored in clear,
 * lockout after repeated failures, disable ending sessions and tokens,
 * session expiry, token revocation, audited writes with an intact chain,
 * and the municipality/sender scope of the person query. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "temp_store.h"

typedef struct fixture {
    char dir[64];
    char db[128];
    char key[128];
    ib_store *st;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    ts_make_dir(f->dir, sizeof f->dir, "users");
    snprintf(f->db, sizeof f->db, "%s/t.db", f->dir);
    snprintf(f->key, sizeof f->key, "%s/t.key", f->dir);
    f->st = ts_open(f->db, f->key, true);
    ib_store_set_actor(f->st, "test");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ib_store_close(f->st);
    ts_remove_dir(f->dir);
    free(f);
    return 0;
}

static void make_user(ib_user *u, const char *name, ib_role role, const char *org,
                      const char *munis)
{
    ib_err err;
    memset(u, 0, sizeof *u);
    ib_strlcpy(u->name, name, sizeof u->name);
    u->role = role;
    ib_strlcpy(u->organisation, org, sizeof u->organisation);
    assert_int_equal(ib_user_parse_municipalities(u, munis, &err), IB_OK);
}

/* A value from the database by a fixed query with one text parameter. */
static void query_text(const fixture *f, const char *sql, const char *arg,
                       char *out, size_t size)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    sqlite3_bind_text(q, 1, arg, -1, SQLITE_STATIC);
    out[0] = '\0';
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
        snprintf(out, size, "%s", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    sqlite3_close(db);
}

static void test_add_and_login(void **state)
{
    fixture *f = *state;
    ib_user u, got;
    ib_err err;
    bool locked;
    make_user(&u, "jansen", IB_ROLE_CASEWORKER, "gemeente-westland", "GM1783,GM0518");
    assert_int_equal(ib_user_add(f->st, &u, "geheim-wachtwoord-1", &err), IB_OK);
    assert_true(u.id > 0);

    /* Stored as argon2id, never in clear. */
    char hash[256];
    query_text(f, "SELECT password_hash FROM users WHERE name = ?1", "jansen", hash,
               sizeof hash);
    assert_non_null(strstr(hash, "$argon2id$"));
    assert_null(strstr(hash, "geheim"));

    assert_int_equal(ib_user_get(f->st, "jansen", &got, &err), IB_OK);
    assert_int_equal(got.role, IB_ROLE_CASEWORKER);
    assert_int_equal(got.nmunicipalities, 2);
    assert_true(ib_user_has_municipality(&got, "GM0518"));
    assert_false(ib_user_has_municipality(&got, "GM0599"));

    assert_int_equal(ib_user_authenticate(f->st, "jansen", "geheim-wachtwoord-1", 1000,
                                          &got, &locked, &err), IB_OK);
    assert_int_equal(got.id, u.id);
    assert_int_equal(ib_user_authenticate(f->st, "jansen", "fout-wachtwoord", 1000,
                                          &got, &locked, &err), IB_EDENIED);
    assert_int_equal(ib_user_authenticate(f->st, "nobody", "geheim-wachtwoord-1", 1000,
                                          &got, &locked, &err), IB_EDENIED);

    /* Duplicate names, bad names, roles, passwords and municipalities. */
    assert_int_equal(ib_user_add(f->st, &u, "geheim-wachtwoord-1", &err), IB_ECONFLICT);
    ib_user bad;
    make_user(&bad, "x y", IB_ROLE_ADMIN, "org", "");
    assert_int_equal(ib_user_add(f->st, &bad, "geheim-wachtwoord-1", &err), IB_EINVAL);
    make_user(&bad, "kort", IB_ROLE_ADMIN, "org", "");
    assert_int_equal(ib_user_add(f->st, &bad, "kort", &err), IB_EINVAL);
    make_user(&bad, "norole", IB_ROLE_ADMIN, "org", "");
    bad.role = (ib_role)42;
    assert_int_equal(ib_user_add(f->st, &bad, "geheim-wachtwoord-1", &err), IB_EINVAL);
    make_user(&bad, "noorg", IB_ROLE_ADMIN, "", "");
    assert_int_equal(ib_user_add(f->st, &bad, "geheim-wachtwoord-1", &err), IB_EINVAL);
    assert_int_equal(ib_user_parse_municipalities(&bad, "GM05188", &err), IB_EINVAL);
    assert_int_equal(ib_user_parse_municipalities(&bad, "GM0518,'; DROP", &err),
                     IB_EINVAL);

    int64_t checked = 0;
    assert_int_equal(ib_store_audit_verify(f->st, &checked, &err), IB_OK);
    assert_true(checked >= 3);                 /* insert, login, a failure */
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The fastest of three logins, in seconds. */
static double login_time(fixture *f, const char *name, const char *password)
{
    double best = 1e9;
    ib_user got;
    bool locked;
    ib_err err;
    for (int i = 0; i < 3; i++) {
        double t0 = seconds_now();
        assert_int_equal(ib_user_authenticate(f->st, name, password, 1000, &got, &locked,
                                              &err), IB_EDENIED);
        double t = seconds_now() - t0;
        best = t < best ? t : best;
    }
    return best;
}

/* An unknown user name takes as long as a wrong password (a password
 * hash is checked either way), so timing does not reveal who has an
 * account. Without the dummy check an unknown name answers in well under
 * a millisecond against tens of milliseconds for argon2id. */
static void test_unknown_user_constant_time(void **state)
{
    fixture *f = *state;
    ib_user u;
    ib_err err;
    make_user(&u, "pietersen", IB_ROLE_ANALYST, "cbs", "");
    assert_int_equal(ib_user_add(f->st, &u, "geheim-wachtwoord-1", &err), IB_OK);
    double wrong = login_time(f, "pietersen", "fout-wachtwoord");
    double unknown = login_time(f, "niemand", "fout-wachtwoord");
    print_message("wrong password %.1f ms, unknown user %.1f ms\n", wrong * 1e3,
                  unknown * 1e3);
    assert_true(unknown > 0.5 * wrong);
}

static void test_lockout(void **state)
{
    fixture *f = *state;
    ib_user u, got;
    ib_err err;
    bool locked = false;
    make_user(&u, "de.vries", IB_ROLE_AGENCY, "flexwerk", "");
    assert_int_equal(ib_user_add(f->st, &u, "correct-horse-1", &err), IB_OK);
    for (int i = 0; i < IB_LOGIN_FAILS_MAX; i++) {
        assert_int_equal(ib_user_authenticate(f->st, "de.vries", "wrong-password",
                                              5000, &got, &locked, &err), IB_EDENIED);
        assert_int_equal(locked, i == IB_LOGIN_FAILS_MAX - 1);
    }
    /* Locked: even the right password is refused, with the same message. */
    char msg[256];
    snprintf(msg, sizeof msg, "%s", err.msg);
    assert_int_equal(ib_user_authenticate(f->st, "de.vries", "correct-horse-1", 5001,
                                          &got, &locked, &err), IB_EDENIED);
    assert_true(locked);
    assert_string_equal(err.msg, msg);
    /* After the lockout the right password works and resets the count. */
    assert_int_equal(ib_user_authenticate(f->st, "de.vries", "correct-horse-1",
                                          5000 + IB_LOCKOUT_SECONDS + 1, &got,
                                          &locked, &err), IB_OK);
    assert_int_equal(got.failed_logins, 0);
    /* A new password clears a lockout at once. */
    for (int i = 0; i < IB_LOGIN_FAILS_MAX; i++)
        ib_user_authenticate(f->st, "de.vries", "wrong-password", 9000, &got, &locked,
                             &err);
    assert_true(locked);
    assert_int_equal(ib_user_set_password(f->st, "de.vries", "nieuw-wachtwoord", &err),
                     IB_OK);
    assert_int_equal(ib_user_authenticate(f->st, "de.vries", "nieuw-wachtwoord", 9001,
                                          &got, &locked, &err), IB_OK);
    assert_int_equal(ib_user_authenticate(f->st, "de.vries", "correct-horse-1", 9001,
                                          &got, &locked, &err), IB_EDENIED);
}

static void test_sessions_and_tokens(void **state)
{
    fixture *f = *state;
    ib_user u, got;
    ib_err err;
    bool locked;
    make_user(&u, "agent", IB_ROLE_AGENCY, "flexwerk", "");
    assert_int_equal(ib_user_add(f->st, &u, "uitzend-sleutel-7", &err), IB_OK);

    char tok[IB_TOKEN_STRLEN], tok2[IB_TOKEN_STRLEN];
    ib_session s, found;
    assert_int_equal(ib_session_create(f->st, u.id, 100, 60, tok, &s, &err), IB_OK);
    assert_int_equal(strlen(tok), IB_TOKEN_STRLEN - 1);
    assert_int_equal(strlen(s.csrf), IB_TOKEN_STRLEN - 1);
    assert_string_not_equal(tok, s.csrf);
    assert_int_equal(ib_session_find(f->st, tok, 120, &found, &err), IB_OK);
    assert_int_equal(found.user_id, u.id);
    assert_string_equal(found.csrf, s.csrf);
    /* Expired, unknown, malformed. */
    assert_int_equal(ib_session_find(f->st, tok, 160, &found, &err), IB_ENOTFOUND);
    assert_int_equal(ib_session_find(f->st, "nonsense", 120, &found, &err), IB_ENOTFOUND);
    char other[IB_TOKEN_STRLEN];
    memcpy(other, tok, sizeof other);
    other[0] = other[0] == 'A' ? 'B' : 'A';
    assert_int_equal(ib_session_find(f->st, other, 120, &found, &err), IB_ENOTFOUND);
    /* The token is stored hashed. */
    char stored[256];
    query_text(f, "SELECT count(*) FROM sessions WHERE token_hash = ?1", tok, stored,
               sizeof stored);
    assert_string_equal(stored, "0");
    /* Logout. */
    assert_int_equal(ib_session_end(f->st, tok, &err), IB_OK);
    assert_int_equal(ib_session_find(f->st, tok, 120, &found, &err), IB_ENOTFOUND);
    assert_int_equal(ib_session_end(f->st, tok, &err), IB_ENOTFOUND);

    /* API tokens: found until revoked; another user cannot revoke them. */
    ib_api_token t, tf;
    assert_int_equal(ib_api_token_create(f->st, u.id, "dagelijkse levering", 200, tok2,
                                         &t, &err), IB_OK);
    assert_int_equal(ib_api_token_find(f->st, tok2, &tf, &err), IB_OK);
    assert_int_equal(tf.id, t.id);
    assert_int_equal(ib_api_token_revoke(f->st, u.id + 99, t.id, &err), IB_ENOTFOUND);
    assert_int_equal(ib_api_token_revoke(f->st, u.id, t.id, &err), IB_OK);
    assert_int_equal(ib_api_token_find(f->st, tok2, &tf, &err), IB_ENOTFOUND);
    assert_int_equal(ib_api_token_revoke(f->st, u.id, t.id, &err), IB_ENOTFOUND);
    assert_int_equal(ib_api_token_create(f->st, u.id, "", 200, tok2, &t, &err), IB_EINVAL);

    /* Disabling ends sessions and revokes tokens; login is refused. */
    assert_int_equal(ib_session_create(f->st, u.id, 300, 600, tok, &s, &err), IB_OK);
    assert_int_equal(ib_api_token_create(f->st, u.id, "feed", 300, tok2, &t, &err), IB_OK);
    assert_int_equal(ib_user_set_disabled(f->st, "agent", true, &err), IB_OK);
    assert_int_equal(ib_session_find(f->st, tok, 301, &found, &err), IB_ENOTFOUND);
    assert_int_equal(ib_api_token_find(f->st, tok2, &tf, &err), IB_ENOTFOUND);
    assert_int_equal(ib_user_authenticate(f->st, "agent", "uitzend-sleutel-7", 302, &got,
                                          &locked, &err), IB_EDENIED);
    assert_int_equal(ib_api_token_create(f->st, u.id, "feed", 300, tok2, &t, &err),
                     IB_EDENIED);
    assert_int_equal(ib_user_set_disabled(f->st, "agent", false, &err), IB_OK);
    assert_int_equal(ib_user_authenticate(f->st, "agent", "uitzend-sleutel-7", 303, &got,
                                          &locked, &err), IB_OK);
    int64_t checked;
    assert_int_equal(ib_store_audit_verify(f->st, &checked, &err), IB_OK);
}

static int count_user(void *ctx, const ib_user *u)
{
    (void)u;
    (*(int *)ctx)++;
    return 0;
}

/* Weak passwords are refused with a Dutch reason, by ib_user_add (for a
 * new user "pietersen") and ib_user_set_password (for "de.vries") alike;
 * nothing is stored then. */
static void assert_refused_on_add(fixture *f, const char *pw, const char *why)
{
    ib_user u;
    ib_err err;
    make_user(&u, "pietersen", IB_ROLE_ANALYST, "cbs", "");
    assert_int_equal(ib_user_add(f->st, &u, pw, &err), IB_EINVAL);
    if (!strstr(err.msg, why))
        print_error("add '%s': %s\n", pw, err.msg);
    assert_non_null(strstr(err.msg, why));
}

static void assert_refused_on_passwd(fixture *f, const char *pw, const char *why)
{
    ib_err err;
    assert_int_equal(ib_user_set_password(f->st, "de.vries", pw, &err), IB_EINVAL);
    if (!strstr(err.msg, why))
        print_error("passwd '%s': %s\n", pw, err.msg);
    assert_non_null(strstr(err.msg, why));
}

static void test_weak_passwords(void **state)
{
    fixture *f = *state;
    ib_user u, got;
    ib_err err;
    make_user(&u, "de.vries", IB_ROLE_ADMIN, "gemeente", "");
    assert_int_equal(ib_user_add(f->st, &u, "correct-horse-1", &err), IB_OK);
    static const char *const weak[][2] = {
        {"          ", "achterstevoren hetzelfde"},   /* all spaces */
        {"aaaaaaaaaaaa", "achterstevoren hetzelfde"}, /* one character */
        {"password12", "woordenboek"},
        {"gemeente01", "woordenboek"},                 /* Dutch (wdutch) */
        {"1234567890", "te eenvoudig"},
        {"kort", "te kort"},
    };
    for (size_t i = 0; i < sizeof weak / sizeof *weak; i++) {
        assert_refused_on_add(f, weak[i][0], weak[i][1]);
        assert_refused_on_passwd(f, weak[i][0], weak[i][1]);
    }
    assert_refused_on_add(f, "pietersen12", "gebruikersnaam");
    assert_refused_on_passwd(f, "xde.vries-99", "gebruikersnaam");
    assert_int_equal(ib_user_get(f->st, "pietersen", &got, &err), IB_ENOTFOUND);
    bool locked;
    assert_int_equal(ib_user_authenticate(f->st, "de.vries", "correct-horse-1", 1000,
                                          &got, &locked, &err), IB_OK);
}

static void test_list_users(void **state)
{
    fixture *f = *state;
    ib_user u;
    ib_err err;
    make_user(&u, "b-user", IB_ROLE_ANALYST, "cbs", "");
    assert_int_equal(ib_user_add(f->st, &u, "password-123", &err), IB_OK);
    make_user(&u, "a-user", IB_ROLE_ADMIN, "gemeente", "GM0518");
    assert_int_equal(ib_user_add(f->st, &u, "password-123", &err), IB_OK);
    int n = 0;
    assert_int_equal(ib_user_each(f->st, count_user, &n, &err), IB_OK);
    assert_int_equal(n, 2);
}

/* A small registry: two persons registered in GM0518, one housed at a
 * location in GM0599, one with no municipality, from two senders. */
static void load_registry(fixture *f, int64_t *s1, int64_t *s2, int64_t *loc_id)
{
    ib_err err;
    ib_put_result res;
    assert_int_equal(ib_store_sender(f->st, "bureau-a", true, s1, &err), IB_OK);
    assert_int_equal(ib_store_sender(f->st, "bureau-b", true, s2, &err), IB_OK);
    assert_int_equal(ib_store_begin(f->st, &err), IB_OK);
    const char *refs[] = {"p1", "p2", "p3", "p4"};
    const char *names[] = {"Kowalski", "Kowalska", "Popescu", "O'Brien%_"};
    for (int i = 0; i < 4; i++) {
        ib_person p = {.meta.sender_id = i < 3 ? *s1 : *s2,
                       .birth_date = ib_date_from_ymd(1990 + i, 1, 1),
                       .category = IB_CAT_LABOUR};
        ib_strlcpy(p.ref, refs[i], sizeof p.ref);
        ib_strlcpy(p.family_name, names[i], sizeof p.family_name);
        ib_strlcpy(p.nationality, i == 2 ? "RO" : "PL", sizeof p.nationality);
        assert_int_equal(ib_store_put_person(f->st, &p, &res, &err), IB_OK);
    }
    for (int i = 0; i < 2; i++) {
        ib_registration r = {.meta.sender_id = *s1, .kind = IB_REG_BRP,
                             .start = ib_date_from_ymd(2020, 1, 1), .end = IB_DATE_NONE};
        ib_strlcpy(r.person_ref, refs[i], sizeof r.person_ref);
        ib_strlcpy(r.municipality, "GM0518", sizeof r.municipality);
        assert_int_equal(ib_store_put_registration(f->st, &r, &res, &err), IB_OK);
    }
    ib_location l = {.meta.sender_id = *s1, .kind = IB_LOC_SHARED_HOUSE,
                     .capacity = 4, .floor_area_m2 = IB_CENTS_NONE,
                     .certified_until = IB_DATE_NONE};
    ib_strlcpy(l.ref, "L1", sizeof l.ref);
    ib_strlcpy(l.postcode, "2611AA", sizeof l.postcode);
    ib_strlcpy(l.house_number, "1", sizeof l.house_number);
    ib_strlcpy(l.municipality, "GM0599", sizeof l.municipality);
    assert_int_equal(ib_store_put_location(f->st, &l, &res, &err), IB_OK);
    *loc_id = l.meta.id;
    ib_housing h = {.meta.sender_id = *s1, .start = ib_date_from_ymd(2021, 1, 1),
                    .end = IB_DATE_NONE};
    ib_strlcpy(h.person_ref, "p3", sizeof h.person_ref);
    ib_strlcpy(h.location_ref, "L1", sizeof h.location_ref);
    assert_int_equal(ib_store_put_housing(f->st, &h, &res, &err), IB_OK);
    assert_int_equal(ib_store_commit(f->st, &err), IB_OK);
}

typedef struct collect {
    char refs[8][IB_REF_MAX + 1];
    int n;
} collect;

static int collect_person(void *ctx, const ib_person *p)
{
    collect *c = ctx;
    if (c->n < 8)
        ib_strlcpy(c->refs[c->n++], p->ref, IB_REF_MAX + 1);
    return 0;
}

static void test_person_query(void **state)
{
    fixture *f = *state;
    int64_t s1, s2, loc;
    load_registry(f, &s1, &s2, &loc);
    ib_err err;
    int64_t total;
    collect c = {0};

    ib_person_query q = {.limit = 10};
    assert_int_equal(ib_store_query_persons(f->st, &q, collect_person, &c, &total, &err),
                     IB_OK);
    assert_int_equal(total, 4);
    assert_int_equal(c.n, 4);

    static const char gm0518[][7] = {"GM0518"};
    static const char both[][7] = {"GM0518", "GM0599"};
    static const char none[][7] = {"GM1783"};
    memset(&c, 0, sizeof c);
    q = (ib_person_query){.municipalities = gm0518, .nmunicipalities = 1, .limit = 10,
                          .sort = IB_PSORT_REF, .descending = true};
    assert_int_equal(ib_store_query_persons(f->st, &q, collect_person, &c, &total, &err),
                     IB_OK);
    assert_int_equal(total, 2);
    assert_string_equal(c.refs[0], "p2");
    assert_string_equal(c.refs[1], "p1");

    q.municipalities = both;
    q.nmunicipalities = 2;
    assert_int_equal(ib_store_query_persons(f->st, &q, NULL, NULL, &total, &err), IB_OK);
    assert_int_equal(total, 3);
    q.municipalities = none;
    q.nmunicipalities = 1;
    assert_int_equal(ib_store_query_persons(f->st, &q, NULL, NULL, &total, &err), IB_OK);
    assert_int_equal(total, 0);
    /* A caseworker's own sender widens the municipality scope. */
    q.scope_sender_id = s2;
    assert_int_equal(ib_store_query_persons(f->st, &q, NULL, NULL, &total, &err), IB_OK);
    assert_int_equal(total, 1);
    q.municipalities = gm0518;
    assert_int_equal(ib_store_query_persons(f->st, &q, NULL, NULL, &total, &err), IB_OK);
    assert_int_equal(total, 3);

    /* Sender scope, filters, pagination; LIKE wildcards are literal. */
    q = (ib_person_query){.sender_id = s2, .limit = 10};
    assert_int_equal(ib_store_query_persons(f->st, &q, NULL, NULL, &total, &err), IB_OK);
    assert_int_equal(total, 1);
    q = (ib_person_query){.family_name = "kowal", .limit = 1, .offset = 1,
                          .sort = IB_PSORT_FAMILY_NAME};
    memset(&c, 0, sizeof c);
    assert_int_equal(ib_store_query_persons(f->st, &q, collect_person, &c, &total, &err),
                     IB_OK);
    assert_int_equal(total, 2);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.refs[0], "p1");      /* Kowalska < Kowalski */
    q = (ib_person_query){.family_name = "%", .limit = 10};
    assert_int_equal(ib_store_query_persons(f->st, &q, NULL, NULL, &total, &err), IB_OK);
    assert_int_equal(total, 0);
    q = (ib_person_query){.family_name = "O'Brien%_", .limit = 10};
    assert_int_equal(ib_store_query_persons(f->st, &q, NULL, NULL, &total, &err), IB_OK);
    assert_int_equal(total, 1);
    q = (ib_person_query){.nationality = "RO", .ref = "p3", .limit = 10};
    assert_int_equal(ib_store_query_persons(f->st, &q, NULL, NULL, &total, &err), IB_OK);
    assert_int_equal(total, 1);
    q = (ib_person_query){.ref = "p1' OR '1'='1", .limit = 10};
    assert_int_equal(ib_store_query_persons(f->st, &q, NULL, NULL, &total, &err), IB_OK);
    assert_int_equal(total, 0);

    ib_person p;
    assert_int_equal(ib_store_get_person(f->st, s1, "p3", &p, &err), IB_OK);
    bool in = false;
    assert_int_equal(ib_store_person_in_municipalities(f->st, p.meta.id, both + 1, 1,
                                                       &in, &err), IB_OK);
    assert_true(in);
    assert_int_equal(ib_store_person_in_municipalities(f->st, p.meta.id, gm0518, 1,
                                                       &in, &err), IB_OK);
    assert_false(in);
    ib_person byid;
    assert_int_equal(ib_store_get_person_by_id(f->st, p.meta.id, &byid, &err), IB_OK);
    assert_string_equal(byid.ref, "p3");
    assert_int_equal(ib_store_get_person_by_id(f->st, 999, &byid, &err), IB_ENOTFOUND);
    ib_location l;
    assert_int_equal(ib_store_get_location_by_id(f->st, loc, &l, &err), IB_OK);
    assert_string_equal(l.municipality, "GM0599");
    assert_int_equal(ib_store_get_location_by_id(f->st, loc + 5, &l, &err), IB_ENOTFOUND);
}

static void put_stay(fixture *f, int64_t sender, const char *ref, ib_date arrival,
                     ib_date departure)
{
    ib_err err;
    ib_put_result res;
    ib_stay s = {.meta.sender_id = sender, .arrival = arrival, .departure = departure};
    ib_strlcpy(s.person_ref, ref, sizeof s.person_ref);
    assert_int_equal(ib_store_put_stay(f->st, &s, &res, &err), IB_OK);
}

/* The unregistered filter: present on R for more than 120 days (R - arrival
 * + 1 > 120) and no BRP registration covering R. */
static void test_person_query_unregistered(void **state)
{
    fixture *f = *state;
    int64_t s1, s2, loc;
    load_registry(f, &s1, &s2, &loc);
    ib_err err;
    ib_date jan1 = ib_date_from_ymd(2024, 1, 1);
    assert_int_equal(ib_store_begin(f->st, &err), IB_OK);
    put_stay(f, s1, "p1", jan1, IB_DATE_NONE);            /* BRP since 2020 */
    put_stay(f, s1, "p3", jan1, IB_DATE_NONE);            /* no BRP */
    put_stay(f, s2, "p4", jan1, ib_date_from_ymd(2024, 3, 1));
    assert_int_equal(ib_store_commit(f->st, &err), IB_OK);
    collect c;
    memset(&c, 0, sizeof c);
    int64_t total = 0;
    /* 30 April 2024 is day 121 of the stays that began on 1 January. */
    ib_person_query q = {.limit = 10, .by_unregistered = true,
                         .unregistered_on = ib_date_from_ymd(2024, 4, 30)};
    assert_int_equal(ib_store_query_persons(f->st, &q, collect_person, &c, &total, &err),
                     IB_OK);
    assert_int_equal(total, 1);
    assert_string_equal(c.refs[0], "p3");
    q.unregistered_on = ib_date_from_ymd(2024, 4, 29);      /* day 120 */
    assert_int_equal(ib_store_query_persons(f->st, &q, NULL, NULL, &total, &err), IB_OK);
    assert_int_equal(total, 0);
    /* The municipality scope still applies: p3 is housed in GM0599. */
    static const char gm0518[][7] = {"GM0518"}, gm0599[][7] = {"GM0599"};
    q.unregistered_on = ib_date_from_ymd(2024, 6, 1);
    q.municipalities = gm0518;
    q.nmunicipalities = 1;
    assert_int_equal(ib_store_query_persons(f->st, &q, NULL, NULL, &total, &err), IB_OK);
    assert_int_equal(total, 0);
    q.municipalities = gm0599;
    assert_int_equal(ib_store_query_persons(f->st, &q, NULL, NULL, &total, &err), IB_OK);
    assert_int_equal(total, 1);
}

static int count_inspection(void *ctx, const ib_inspection *in)
{
    (void)in;
    (*(int *)ctx)++;
    return 0;
}

static void test_inspections(void **state)
{
    fixture *f = *state;
    int64_t s1, s2, loc;
    load_registry(f, &s1, &s2, &loc);
    ib_err err;
    static ib_inspection in, got;
    memset(&in, 0, sizeof in);
    in.location_id = loc;
    in.date = ib_date_from_ymd(2024, 3, 1);
    ib_strlcpy(in.inspector, "inspecteur1", sizeof in.inspector);
    ib_strlcpy(in.findings, "6 bedden, 4 toegestaan", sizeof in.findings);
    in.persons_found = 6;
    in.outcome = IB_OUTCOME_VIOLATION;
    assert_int_equal(ib_inspection_put(f->st, &in, &err), IB_OK);
    assert_true(in.id > 0);
    assert_int_equal(ib_inspection_get(f->st, in.id, &got, &err), IB_OK);
    assert_string_equal(got.findings, "6 bedden, 4 toegestaan");
    assert_int_equal(got.persons_found, 6);
    assert_int_equal(got.outcome, IB_OUTCOME_VIOLATION);

    got.outcome = IB_OUTCOME_COMPLIANT;
    got.persons_found = -1;
    assert_int_equal(ib_inspection_put(f->st, &got, &err), IB_OK);
    assert_int_equal(ib_inspection_get(f->st, in.id, &got, &err), IB_OK);
    assert_int_equal(got.outcome, IB_OUTCOME_COMPLIANT);
    assert_int_equal(got.persons_found, -1);

    /* Unknown location, missing date, bad outcome, absent id. */
    ib_inspection bad = in;
    bad.id = 0;
    bad.location_id = loc + 100;
    assert_int_equal(ib_inspection_put(f->st, &bad, &err), IB_ENOTFOUND);
    assert_int_equal(bad.id, 0);
    bad.location_id = loc;
    bad.date = IB_DATE_NONE;
    assert_int_equal(ib_inspection_put(f->st, &bad, &err), IB_EINVAL);
    bad.date = in.date;
    bad.outcome = (ib_outcome)9;
    assert_int_equal(ib_inspection_put(f->st, &bad, &err), IB_EINVAL);
    bad.outcome = IB_OUTCOME_DEFECTS;
    bad.id = 4242;
    assert_int_equal(ib_inspection_put(f->st, &bad, &err), IB_ENOTFOUND);

    int n = 0;
    assert_int_equal(ib_inspection_each(f->st, loc, count_inspection, &n, &err), IB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ib_inspection_delete(f->st, in.id, &err), IB_OK);
    assert_int_equal(ib_inspection_delete(f->st, in.id, &err), IB_ENOTFOUND);
    assert_int_equal(ib_inspection_get(f->st, in.id, &got, &err), IB_ENOTFOUND);
    int64_t checked;
    assert_int_equal(ib_store_audit_verify(f->st, &checked, &err), IB_OK);
    assert_true(checked >= 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_and_login, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lockout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_user_constant_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sessions_and_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_users, setup, teardown),
        cmocka_unit_test_setup_teardown(test_weak_passwords, setup, teardown),
        cmocka_unit_test_setup_teardown(test_person_query, setup, teardown),
        cmocka_unit_test_setup_teardown(test_person_query_unregistered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inspections, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
