/* test_store.c — the SQLite store: opening and keys, migrations, upserts with
 * their inserted/unchanged/updated outcomes, ref resolution, stay overlap,
 * rollback, BSN encryption at rest, readers and the audit chain. Every test
 * works in its own temporary folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"
#include "store/sqlite_internal.h"      /* the connection, for its pragmas */
#include "temp_store.h"

typedef struct fixture {
    char dir[64];
    char db[128];
    char key[128];
    ib_store *st;
    int64_t sender;
} fixture;

/* ------------------------------------------------------------ helpers */

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    ts_make_dir(fx->dir, sizeof fx->dir, "store");
    snprintf(fx->db, sizeof fx->db, "%s/t.db", fx->dir);
    snprintf(fx->key, sizeof fx->key, "%s/t.db.key", fx->dir);
    fx->st = ts_open(fx->db, NULL, true);
    ib_err err;
    assert_int_equal(ib_store_sender(fx->st, "s1", true, &fx->sender, &err), IB_OK);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    ib_store_close(fx->st);
    ts_remove_dir(fx->dir);
    free(fx);
    return 0;
}

static ib_date d(const char *s)
{
    ib_date out;
    ib_err err;
    assert_int_equal(ib_date_parse(s, strlen(s), &out, &err), IB_OK);
    return out;
}

/* A valid BSN from an 8-digit seed (the 9th digit makes the 11-check). */
static void make_bsn(long seed, char out[10])
{
    for (;; seed++) {
        snprintf(out, 10, "%08ld", 10000000 + seed % 89999999);
        int sum = 0;
        for (int i = 0; i < 8; i++)
            sum += (9 - i) * (out[i] - '0');
        int last = sum % 11;
        if (last <= 9) {
            out[8] = (char)('0' + last);
            out[9] = '\0';
            if (ib_bsn_is_valid(out, 9))
                return;
        }
    }
}

static ib_person person(int64_t sender, const char *ref, const char *bsn)
{
    ib_person p;
    memset(&p, 0, sizeof p);
    p.meta.sender_id = sender;
    ib_strlcpy(p.ref, ref, sizeof p.ref);
    ib_strlcpy(p.bsn, bsn ? bsn : "", sizeof p.bsn);
    ib_strlcpy(p.family_name, "Kowalski", sizeof p.family_name);
    ib_strlcpy(p.given_names, "Jan", sizeof p.given_names);
    p.birth_date = d("1990-05-17");
    p.sex = IB_SEX_M;
    ib_strlcpy(p.nationality, "PL", sizeof p.nationality);
    ib_strlcpy(p.language, "pl", sizeof p.language);
    p.category = IB_CAT_LABOUR;
    return p;
}

static ib_organisation org(int64_t sender, const char *ref, ib_org_kind kind)
{
    ib_organisation o;
    memset(&o, 0, sizeof o);
    o.meta.sender_id = sender;
    ib_strlcpy(o.ref, ref, sizeof o.ref);
    snprintf(o.name, sizeof o.name, "Bedrijf %s", ref);
    ib_strlcpy(o.kvk, "12345678", sizeof o.kvk);
    o.kind = kind;
    o.certified = IB_CERT_NEN4400;
    return o;
}

static ib_location location(int64_t sender, const char *ref, const char *provider)
{
    ib_location l;
    memset(&l, 0, sizeof l);
    l.meta.sender_id = sender;
    ib_strlcpy(l.ref, ref, sizeof l.ref);
    ib_strlcpy(l.postcode, "1234AB", sizeof l.postcode);
    ib_strlcpy(l.house_number, "12-A", sizeof l.house_number);
    ib_strlcpy(l.municipality, "GM0518", sizeof l.municipality);
    l.kind = IB_LOC_SHARED_HOUSE;
    l.capacity = 8;
    l.floor_area_m2 = 12050;
    ib_strlcpy(l.provider_ref, provider ? provider : "", sizeof l.provider_ref);
    l.certified_until = d("2026-01-01");
    return l;
}

static ib_stay stay(int64_t sender, const char *pref, const char *arr, const char *dep)
{
    ib_stay s;
    memset(&s, 0, sizeof s);
    s.meta.sender_id = sender;
    ib_strlcpy(s.person_ref, pref, sizeof s.person_ref);
    s.arrival = d(arr);
    s.departure = dep ? d(dep) : IB_DATE_NONE;
    return s;
}

static ib_employment employment(int64_t sender, const char *pref, const char *emp,
                                const char *agency, const char *start)
{
    ib_employment e;
    memset(&e, 0, sizeof e);
    e.meta.sender_id = sender;
    ib_strlcpy(e.person_ref, pref, sizeof e.person_ref);
    ib_strlcpy(e.employer_ref, emp, sizeof e.employer_ref);
    ib_strlcpy(e.agency_ref, agency ? agency : "", sizeof e.agency_ref);
    e.contract = agency ? IB_CONTRACT_AGENCY : IB_CONTRACT_PERMANENT;
    e.start = d(start);
    e.end = IB_DATE_NONE;
    e.hours_per_week = 4000;
    e.monthly_wage = 250000;
    e.sector = 'C';
    return e;
}

static ib_housing housing(int64_t sender, const char *pref, const char *loc,
                          const char *by, const char *start)
{
    ib_housing h;
    memset(&h, 0, sizeof h);
    h.meta.sender_id = sender;
    ib_strlcpy(h.person_ref, pref, sizeof h.person_ref);
    ib_strlcpy(h.location_ref, loc, sizeof h.location_ref);
    ib_strlcpy(h.provided_by_ref, by ? by : "", sizeof h.provided_by_ref);
    h.start = d(start);
    h.end = IB_DATE_NONE;
    return h;
}

static void begin(ib_store *st)
{
    ib_err err;
    assert_int_equal(ib_store_begin(st, &err), IB_OK);
}

static void commit(ib_store *st)
{
    ib_err err;
    int rc = ib_store_commit(st, &err);
    if (rc)
        print_error("commit: %s\n", err.msg);
    assert_int_equal(rc, IB_OK);
}

#define PUT_OK(fn, st, rec, want)                                               \
    do {                                                                        \
        ib_put_result res_;                                                     \
        ib_err err_;                                                            \
        int rc_ = fn((st), (rec), &res_, &err_);                                \
        if (rc_)                                                                \
            print_error("%s: %s (%s)\n", #fn, err_.msg, err_.field);            \
        assert_int_equal(rc_, IB_OK);                                           \
        assert_int_equal(res_, (want));                                         \
    } while (0)

static bool file_contains(const char *path, const char *needle)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t cap = 1 << 20, n = 0, got;
    char *buf = malloc(cap);
    assert_non_null(buf);
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    fclose(f);
    size_t k = strlen(needle);
    bool found = false;
    for (size_t i = 0; !found && i + k <= n; i++)
        found = memcmp(buf + i, needle, k) == 0;
    free(buf);
    return found;
}

/* ------------------------------------------------------------ opening */

static void test_open_create_and_reopen(void **state)
{
    fixture *fx = *state;
    assert_int_equal(ib_store_schema_version(fx->st), ib_store_schema_latest());
    assert_true(ib_store_schema_latest() >= 1);
    struct stat sb;
    assert_int_equal(stat(fx->key, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(sb.st_size, 32);
    ib_store_close(fx->st);

    /* Reopening twice applies nothing new: migrations are idempotent. */
    for (int i = 0; i < 2; i++) {
        fx->st = ts_open(fx->db, NULL, i == 0);
        ib_store_close(fx->st);
    }
    assert_int_equal(raw_count(fx->db, "SELECT count(*) FROM schema_migrations"),
                     ib_store_schema_latest());
    assert_int_equal(raw_count(fx->db, "SELECT count(*) FROM senders"), 1);
    fx->st = ts_open(fx->db, NULL, false);
    int64_t id;
    ib_err err;
    assert_int_equal(ib_store_sender(fx->st, "s1", false, &id, &err), IB_OK);
    assert_int_equal(id, fx->sender);
    assert_int_equal(ib_store_sender(fx->st, "nope", false, &id, &err), IB_ENOTFOUND);
    char mode[16] = "";
    sqlite3 *h;
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_open(fx->db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    ib_strlcpy(mode, (const char *)sqlite3_column_text(q, 0), sizeof mode);
    sqlite3_finalize(q);
    sqlite3_close(h);
    assert_string_equal(mode, "wal");
}

static void test_open_errors(void **state)
{
    fixture *fx = *state;
    ib_store *st = NULL;
    ib_err err;
    char path[256];
    ib_store_options plain = {NULL, false};

    snprintf(path, sizeof path, "%s/none.db", fx->dir);
    assert_int_equal(ib_store_open(&st, path, &plain, &err), IB_ENOTFOUND);
    assert_null(st);
    assert_non_null(strstr(err.msg, "inbeeld init"));

    assert_int_equal(ib_store_open(&st, "postgresql://localhost/x", &plain, &err),
                     IB_EINVAL);
    assert_string_equal(err.msg, "PostgreSQL-ondersteuning is nog niet ingebouwd");

    /* Missing key: a clear message naming the path; no silent new key. */
    ib_store_close(fx->st);
    fx->st = NULL;
    assert_int_equal(rename(fx->key, path), 0);
    assert_int_equal(ib_store_open(&st, fx->db, &plain, &err), IB_ECRYPTO);
    assert_non_null(strstr(err.msg, "sleutelbestand ontbreekt"));
    assert_non_null(strstr(err.msg, fx->key));
    ib_store_options create = {NULL, true};
    assert_int_equal(ib_store_open(&st, fx->db, &create, &err), IB_ECRYPTO);
    assert_int_equal(access(fx->key, F_OK), -1);

    /* Another database's key is the wrong key. */
    char other[256], other_key[256];
    snprintf(other, sizeof other, "%s/other.db", fx->dir);
    snprintf(other_key, sizeof other_key, "%s/other.db.key", fx->dir);
    ib_store_close(ts_open(other, NULL, true));
    ib_store_options wrong = {other_key, false};
    assert_int_equal(ib_store_open(&st, fx->db, &wrong, &err), IB_ECRYPTO);
    assert_non_null(strstr(err.msg, "verkeerde sleutel"));
    assert_int_equal(rename(path, fx->key), 0);

    /* A database from a newer program is refused. */
    raw_sql(fx->db, "INSERT INTO schema_migrations VALUES (999, 'toekomst')");
    assert_int_equal(ib_store_open(&st, fx->db, &plain, &err), IB_EVERSION);
    assert_non_null(strstr(err.msg, "999"));
    raw_sql(fx->db, "DELETE FROM schema_migrations WHERE version = 999");

    /* Not a database at all. */
    snprintf(path, sizeof path, "%s/junk.db", fx->dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (int i = 0; i < 512; i++)
        fputs("dit is geen database ", f);
    fclose(f);
    assert_int_equal(ib_store_open(&st, path, &plain, &err), IB_ESTORE);
    assert_null(st);
    fx->st = ts_open(fx->db, NULL, false);
}

/* ------------------------------------------------------------ puts */

static void test_put_outside_transaction(void **state)
{
    fixture *fx = *state;
    ib_person p = person(fx->sender, "P1", NULL);
    ib_put_result res;
    ib_err err;
    assert_int_equal(ib_store_put_person(fx->st, &p, &res, &err), IB_EINVAL);
    assert_non_null(strstr(err.msg, "transactie"));
    assert_int_equal(ib_store_commit(fx->st, &err), IB_EINVAL);
    begin(fx->st);
    assert_int_equal(ib_store_begin(fx->st, &err), IB_EINVAL);   /* no nesting */
    p.meta.sender_id = 0;
    assert_int_equal(ib_store_put_person(fx->st, &p, &res, &err), IB_EINVAL);
    commit(fx->st);
}

static void test_put_person_outcomes(void **state)
{
    fixture *fx = *state;
    ib_err err;
    ib_person p = person(fx->sender, "P1", "123456782");
    begin(fx->st);
    PUT_OK(ib_store_put_person, fx->st, &p, IB_PUT_INSERTED);
    int64_t id = p.meta.id;
    assert_true(id > 0);
    PUT_OK(ib_store_put_person, fx->st, &p, IB_PUT_UNCHANGED);
    commit(fx->st);

    /* Unchanged across transactions (cache rebuilt from the database). */
    begin(fx->st);
    PUT_OK(ib_store_put_person, fx->st, &p, IB_PUT_UNCHANGED);
    assert_int_equal(p.meta.id, id);
    ib_strlcpy(p.family_name, "Nowak", sizeof p.family_name);
    PUT_OK(ib_store_put_person, fx->st, &p, IB_PUT_UPDATED);
    assert_int_equal(p.meta.id, id);
    ib_strlcpy(p.bsn, "111222333", sizeof p.bsn);      /* BSN is content too */
    PUT_OK(ib_store_put_person, fx->st, &p, IB_PUT_UPDATED);
    commit(fx->st);

    ib_person got;
    assert_int_equal(ib_store_get_person(fx->st, fx->sender, "P1", &got, &err), IB_OK);
    assert_string_equal(got.family_name, "Nowak");
    assert_string_equal(got.bsn, "111222333");
    assert_string_equal(got.nationality, "PL");
    assert_string_equal(got.language, "pl");
    assert_int_equal(got.sex, IB_SEX_M);
    assert_int_equal(got.birth_date, d("1990-05-17"));

    ib_store_counts n;
    assert_int_equal(ib_store_count(fx->st, &n, &err), IB_OK);
    assert_int_equal(n.rows[IB_KIND_PERSON], 1);
    assert_int_equal(n.audit_entries, 2);            /* one per update */
    assert_int_equal(raw_count(fx->db, "SELECT count(*) FROM audit WHERE action ="
                                       " 'update' AND entity = 'person' AND detail"
                                       " LIKE '%P1%'"), 2);
}

static void put_world(fixture *fx)
{
    begin(fx->st);
    ib_organisation o = org(fx->sender, "E1", IB_ORG_EMPLOYER);
    PUT_OK(ib_store_put_organisation, fx->st, &o, IB_PUT_INSERTED);
    o = org(fx->sender, "A1", IB_ORG_AGENCY);
    PUT_OK(ib_store_put_organisation, fx->st, &o, IB_PUT_INSERTED);
    ib_location l = location(fx->sender, "L1", "A1");
    PUT_OK(ib_store_put_location, fx->st, &l, IB_PUT_INSERTED);
    assert_true(l.provider_id > 0);
    ib_person p = person(fx->sender, "P1", "123456782");
    PUT_OK(ib_store_put_person, fx->st, &p, IB_PUT_INSERTED);
    p = person(fx->sender, "P2", NULL);
    PUT_OK(ib_store_put_person, fx->st, &p, IB_PUT_INSERTED);
    commit(fx->st);
}

static void test_put_every_kind(void **state)
{
    fixture *fx = *state;
    put_world(fx);
    begin(fx->st);

    ib_organisation o = org(fx->sender, "E1", IB_ORG_EMPLOYER);
    PUT_OK(ib_store_put_organisation, fx->st, &o, IB_PUT_UNCHANGED);
    o.certified = IB_CERT_BOTH;
    PUT_OK(ib_store_put_organisation, fx->st, &o, IB_PUT_UPDATED);

    ib_location l = location(fx->sender, "L1", "A1");
    PUT_OK(ib_store_put_location, fx->st, &l, IB_PUT_UNCHANGED);
    l.capacity = 4;
    PUT_OK(ib_store_put_location, fx->st, &l, IB_PUT_UPDATED);

    ib_stay s = stay(fx->sender, "P1", "2019-03-01", NULL);
    PUT_OK(ib_store_put_stay, fx->st, &s, IB_PUT_INSERTED);
    PUT_OK(ib_store_put_stay, fx->st, &s, IB_PUT_UNCHANGED);
    s.departure = d("2020-01-01");
    PUT_OK(ib_store_put_stay, fx->st, &s, IB_PUT_UPDATED);

    ib_registration r = {.meta.sender_id = fx->sender, .kind = IB_REG_BRP,
                         .start = d("2019-04-01"), .end = IB_DATE_NONE};
    ib_strlcpy(r.person_ref, "P1", sizeof r.person_ref);
    ib_strlcpy(r.municipality, "GM0518", sizeof r.municipality);
    PUT_OK(ib_store_put_registration, fx->st, &r, IB_PUT_INSERTED);
    PUT_OK(ib_store_put_registration, fx->st, &r, IB_PUT_UNCHANGED);
    r.end = d("2019-12-31");
    PUT_OK(ib_store_put_registration, fx->st, &r, IB_PUT_UPDATED);
    r.kind = IB_REG_RNI;                              /* another key */
    PUT_OK(ib_store_put_registration, fx->st, &r, IB_PUT_INSERTED);

    ib_employment e = employment(fx->sender, "P1", "E1", "A1", "2019-03-04");
    PUT_OK(ib_store_put_employment, fx->st, &e, IB_PUT_INSERTED);
    assert_true(e.person_id > 0 && e.employer_id > 0 && e.agency_id > 0);
    PUT_OK(ib_store_put_employment, fx->st, &e, IB_PUT_UNCHANGED);
    e.monthly_wage = 260000;
    PUT_OK(ib_store_put_employment, fx->st, &e, IB_PUT_UPDATED);
    ib_strlcpy(e.agency_ref, "", sizeof e.agency_ref);
    e.contract = IB_CONTRACT_TEMPORARY;
    PUT_OK(ib_store_put_employment, fx->st, &e, IB_PUT_UPDATED);
    assert_int_equal(e.agency_id, 0);

    ib_housing h = housing(fx->sender, "P1", "L1", "E1", "2019-03-01");
    PUT_OK(ib_store_put_housing, fx->st, &h, IB_PUT_INSERTED);
    PUT_OK(ib_store_put_housing, fx->st, &h, IB_PUT_UNCHANGED);
    h.end = d("2019-09-30");
    PUT_OK(ib_store_put_housing, fx->st, &h, IB_PUT_UPDATED);

    ib_life_event ev = {.meta.sender_id = fx->sender, .event = IB_EVENT_CHILD_BIRTH,
                        .date = d("2021-02-03")};
    ib_strlcpy(ev.person_ref, "P1", sizeof ev.person_ref);
    PUT_OK(ib_store_put_life_event, fx->st, &ev, IB_PUT_INSERTED);
    PUT_OK(ib_store_put_life_event, fx->st, &ev, IB_PUT_UNCHANGED);

    ib_contact c = {.meta.sender_id = fx->sender, .kind = IB_CONTACT_INFORMATION,
                    .date = d("2019-03-05"), .channel = IB_CHANNEL_DESK,
                    .understood = IB_UNDERSTOOD_PARTLY};
    ib_strlcpy(c.person_ref, "P1", sizeof c.person_ref);
    ib_strlcpy(c.topics, "registration housing", sizeof c.topics);
    ib_strlcpy(c.language, "pl", sizeof c.language);
    PUT_OK(ib_store_put_contact, fx->st, &c, IB_PUT_INSERTED);
    assert_true(c.meta.id > 0 && c.person_id > 0);
    PUT_OK(ib_store_put_contact, fx->st, &c, IB_PUT_UNCHANGED);
    c.understood = IB_UNDERSTOOD_YES;
    PUT_OK(ib_store_put_contact, fx->st, &c, IB_PUT_UPDATED);
    c.kind = IB_CONTACT_CAREER_OFFER;                 /* another key */
    PUT_OK(ib_store_put_contact, fx->st, &c, IB_PUT_INSERTED);
    commit(fx->st);

    ib_store_counts n;
    ib_err err;
    assert_int_equal(ib_store_count(fx->st, &n, &err), IB_OK);
    assert_int_equal(n.senders, 1);
    assert_int_equal(n.rows[IB_KIND_ORGANISATION], 2);
    assert_int_equal(n.rows[IB_KIND_LOCATION], 1);
    assert_int_equal(n.rows[IB_KIND_PERSON], 2);
    assert_int_equal(n.rows[IB_KIND_STAY], 1);
    assert_int_equal(n.rows[IB_KIND_REGISTRATION], 2);
    assert_int_equal(n.rows[IB_KIND_EMPLOYMENT], 1);
    assert_int_equal(n.rows[IB_KIND_HOUSING], 1);
    assert_int_equal(n.rows[IB_KIND_LIFE_EVENT], 1);
    assert_int_equal(n.rows[IB_KIND_CONTACT], 2);
    assert_int_equal(n.audit_entries, 8);             /* the UPDATED above */
    int64_t checked = 0;
    assert_int_equal(ib_store_audit_verify(fx->st, &checked, &err), IB_OK);
    assert_int_equal(checked, 8);
    assert_int_equal(raw_count(fx->db, "SELECT count(*) FROM audit WHERE entity = 'contact'"
                                       " AND detail = 'contactmoment information met"
                                       " persoon ''P1'' op 2019-03-05 gewijzigd'"), 1);
}

static void expect_notfound(int rc, const ib_err *err, const char *field,
                            const char *text)
{
    assert_int_equal(rc, IB_ENOTFOUND);
    assert_string_equal(err->field, field);
    if (!strstr(err->msg, text))
        print_error("message '%s' lacks '%s'\n", err->msg, text);
    assert_non_null(strstr(err->msg, text));
    assert_non_null(strstr(err->msg, "onbekend bij afzender"));
}

static void test_unknown_refs(void **state)
{
    fixture *fx = *state;
    put_world(fx);
    int64_t other;
    ib_err err;
    ib_put_result res;
    assert_int_equal(ib_store_sender(fx->st, "s2", true, &other, &err), IB_OK);
    begin(fx->st);

    ib_employment e = employment(fx->sender, "P1", "X9", NULL, "2019-01-01");
    expect_notfound(ib_store_put_employment(fx->st, &e, &res, &err), &err,
                    "employer_ref", "organisatie 'X9'");
    e = employment(fx->sender, "P1", "E1", "X8", "2019-01-01");
    expect_notfound(ib_store_put_employment(fx->st, &e, &res, &err), &err,
                    "agency_ref", "organisatie 'X8'");
    e = employment(fx->sender, "P9", "E1", NULL, "2019-01-01");
    expect_notfound(ib_store_put_employment(fx->st, &e, &res, &err), &err,
                    "person_ref", "persoon 'P9'");
    ib_housing h = housing(fx->sender, "P1", "L9", NULL, "2019-01-01");
    expect_notfound(ib_store_put_housing(fx->st, &h, &res, &err), &err,
                    "location_ref", "locatie 'L9'");
    h = housing(fx->sender, "P1", "L1", "X7", "2019-01-01");
    expect_notfound(ib_store_put_housing(fx->st, &h, &res, &err), &err,
                    "provided_by_ref", "organisatie 'X7'");
    ib_location l = location(fx->sender, "L2", "X6");
    expect_notfound(ib_store_put_location(fx->st, &l, &res, &err), &err,
                    "provider_ref", "organisatie 'X6'");
    /* Refs resolve within the sender only. */
    ib_stay s = stay(other, "P1", "2019-01-01", NULL);
    expect_notfound(ib_store_put_stay(fx->st, &s, &res, &err), &err, "person_ref",
                    "persoon 'P1'");
    /* Nothing was written by the rejected rows; the transaction goes on. */
    e = employment(fx->sender, "P1", "E1", NULL, "2019-01-01");
    PUT_OK(ib_store_put_employment, fx->st, &e, IB_PUT_INSERTED);
    commit(fx->st);
    ib_store_counts n;
    assert_int_equal(ib_store_count(fx->st, &n, &err), IB_OK);
    assert_int_equal(n.rows[IB_KIND_EMPLOYMENT], 1);
    assert_int_equal(n.rows[IB_KIND_HOUSING], 0);
    assert_int_equal(n.rows[IB_KIND_LOCATION], 1);
}

/* A code outside its table (a caller's bad cast, a corrupt value) is
 * refused before anything is written, naming the field. */
static void test_invalid_codes_rejected(void **state)
{
    fixture *fx = *state;
    put_world(fx);
    ib_err err;
    ib_put_result res;
    begin(fx->st);
    ib_organisation o = org(fx->sender, "E2", IB_ORG_EMPLOYER);
    o.kind = (ib_org_kind)99;
    assert_int_equal(ib_store_put_organisation(fx->st, &o, &res, &err), IB_EINVAL);
    assert_string_equal(err.field, "kind");
    o = org(fx->sender, "E2", IB_ORG_EMPLOYER);
    o.certified = (ib_cert)-1;
    assert_int_equal(ib_store_put_organisation(fx->st, &o, &res, &err), IB_EINVAL);
    assert_string_equal(err.field, "certified");
    ib_location l = location(fx->sender, "L2", "A1");
    l.kind = (ib_location_kind)42;
    assert_int_equal(ib_store_put_location(fx->st, &l, &res, &err), IB_EINVAL);
    assert_string_equal(err.field, "kind");
    ib_person p = person(fx->sender, "P3", NULL);
    p.category = (ib_category)77;
    assert_int_equal(ib_store_put_person(fx->st, &p, &res, &err), IB_EINVAL);
    assert_string_equal(err.field, "category");
    ib_employment e = employment(fx->sender, "P1", "E1", NULL, "2019-01-01");
    e.contract = (ib_contract)13;
    assert_int_equal(ib_store_put_employment(fx->st, &e, &res, &err), IB_EINVAL);
    assert_string_equal(err.field, "contract");
    ib_contact c = {.meta.sender_id = fx->sender, .kind = (ib_contact_kind)9,
                    .date = d("2019-03-05")};
    ib_strlcpy(c.person_ref, "P1", sizeof c.person_ref);
    assert_int_equal(ib_store_put_contact(fx->st, &c, &res, &err), IB_EINVAL);
    assert_string_equal(err.field, "kind");
    c.kind = IB_CONTACT_OTHER;
    c.channel = (ib_channel)-2;
    assert_int_equal(ib_store_put_contact(fx->st, &c, &res, &err), IB_EINVAL);
    assert_string_equal(err.field, "channel");
    c.channel = IB_CHANNEL_NONE;
    c.understood = (ib_understood)4;
    assert_int_equal(ib_store_put_contact(fx->st, &c, &res, &err), IB_EINVAL);
    assert_string_equal(err.field, "understood");
    c.understood = IB_UNDERSTOOD_NO;
    /* Topics as the catalogue orders them, each once, one space between. */
    static const char *const unnormalised[] = {"housing registration", "health  taxes",
                                               " help", "leave leave", "pension"};
    for (size_t i = 0; i < sizeof unnormalised / sizeof *unnormalised; i++) {
        ib_strlcpy(c.topics, unnormalised[i], sizeof c.topics);
        assert_int_equal(ib_store_put_contact(fx->st, &c, &res, &err), IB_EINVAL);
        assert_string_equal(err.field, "topics");
    }
    ib_strlcpy(c.topics, "registration housing", sizeof c.topics);
    ib_strlcpy(c.language, "xx", sizeof c.language);
    assert_int_equal(ib_store_put_contact(fx->st, &c, &res, &err), IB_EINVAL);
    assert_string_equal(err.field, "language");
    c.date = IB_DATE_NONE;
    c.language[0] = '\0';
    assert_int_equal(ib_store_put_contact(fx->st, &c, &res, &err), IB_EINVAL);
    assert_string_equal(err.field, "date");
    /* A code whose name is "" (unknown sex) is a valid code. */
    p = person(fx->sender, "P3", NULL);
    p.sex = IB_SEX_UNKNOWN;
    PUT_OK(ib_store_put_person, fx->st, &p, IB_PUT_INSERTED);
    commit(fx->st);
    ib_store_counts n;
    assert_int_equal(ib_store_count(fx->st, &n, &err), IB_OK);
    assert_int_equal(n.rows[IB_KIND_ORGANISATION], 2);
    assert_int_equal(n.rows[IB_KIND_LOCATION], 1);
    assert_int_equal(n.rows[IB_KIND_PERSON], 3);
    assert_int_equal(n.rows[IB_KIND_EMPLOYMENT], 0);
    assert_int_equal(n.rows[IB_KIND_CONTACT], 0);
}

typedef struct contacts_seen {
    ib_contact v[4];
    int n;
} contacts_seen;

static int on_contact(void *ctx, const ib_contact *c)
{
    contacts_seen *s = ctx;
    assert_true(s->n < 4);
    s->v[s->n++] = *c;
    return 0;
}

/* Contacts come back as put, ordered by date and then kind. */
static void test_contacts_read_back(void **state)
{
    fixture *fx = *state;
    put_world(fx);
    begin(fx->st);
    static const struct { ib_contact_kind kind; const char *date; } put[] = {
        {IB_CONTACT_OTHER, "2020-05-01"}, {IB_CONTACT_CAREER_OFFER, "2020-02-01"},
        {IB_CONTACT_INFORMATION, "2020-05-01"}};
    for (size_t i = 0; i < 3; i++) {
        ib_contact c = {.meta.sender_id = fx->sender, .kind = put[i].kind,
                        .date = d(put[i].date), .channel = IB_CHANNEL_VISIT,
                        .understood = IB_UNDERSTOOD_NO};
        ib_strlcpy(c.person_ref, "P2", sizeof c.person_ref);
        ib_strlcpy(c.topics, i == 1 ? "" : "work_contract transport", sizeof c.topics);
        ib_strlcpy(c.language, i == 1 ? "" : "ro", sizeof c.language);
        PUT_OK(ib_store_put_contact, fx->st, &c, IB_PUT_INSERTED);
    }
    commit(fx->st);
    ib_person p2;
    ib_err err;
    assert_int_equal(ib_store_get_person(fx->st, fx->sender, "P2", &p2, &err), IB_OK);
    contacts_seen s = {.n = 0};
    ib_filter f = {.person_id = p2.person_id};
    assert_int_equal(ib_store_each_contact(fx->st, &f, on_contact, &s, &err), IB_OK);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.v[0].kind, IB_CONTACT_CAREER_OFFER);
    assert_string_equal(s.v[0].topics, "");
    assert_string_equal(s.v[0].language, "");
    assert_int_equal(s.v[1].kind, IB_CONTACT_INFORMATION);
    assert_int_equal(s.v[2].kind, IB_CONTACT_OTHER);
    assert_int_equal(s.v[2].date, d("2020-05-01"));
    assert_int_equal(s.v[2].channel, IB_CHANNEL_VISIT);
    assert_string_equal(s.v[2].topics, "work_contract transport");
    assert_string_equal(s.v[2].language, "ro");
    assert_int_equal(s.v[2].understood, IB_UNDERSTOOD_NO);
    assert_string_equal(s.v[2].person_ref, "P2");
    assert_int_equal(s.v[2].person_id, p2.person_id);
    assert_int_equal(s.v[2].meta.sender_id, fx->sender);
    /* Another person's filter sees none of them. */
    ib_person p1;
    assert_int_equal(ib_store_get_person(fx->st, fx->sender, "P1", &p1, &err), IB_OK);
    s.n = 0;
    f.person_id = p1.person_id;
    assert_int_equal(ib_store_each_contact(fx->st, &f, on_contact, &s, &err), IB_OK);
    assert_int_equal(s.n, 0);
}

static void test_topics_normalise(void **state)
{
    (void)state;
    char out[IB_TOPICS_MAX + 1], bad[16];
    const char *in = "  leave housing registration  housing ";
    assert_int_equal(ib_topics_normalise(in, strlen(in), out, bad, sizeof bad), IB_OK);
    assert_string_equal(out, "registration housing leave");
    assert_int_equal(ib_topics_normalise("", 0, out, bad, sizeof bad), IB_OK);
    assert_string_equal(out, "");
    in = "registration work_contract housing health taxes safe_work dismissal"
         " self_employment dutch_language transport help leave";
    assert_int_equal(ib_topics_normalise(in, strlen(in), out, bad, sizeof bad), IB_OK);
    assert_string_equal(out, in);
    in = "health Housing pensions_and_more";
    assert_int_equal(ib_topics_normalise(in, strlen(in), out, bad, sizeof bad), IB_EINVAL);
    assert_string_equal(bad, "Housing");
    in = "health,taxes";
    assert_int_equal(ib_topics_normalise(in, strlen(in), out, bad, 5), IB_EINVAL);
    assert_string_equal(bad, "heal");                 /* cut to its room */
}

/* Erasure removes the person and every record of theirs, nothing else;
 * inside a caller's transaction a rollback undoes it; the chain holds. */
static void test_erase_person(void **state)
{
    fixture *fx = *state;
    put_world(fx);
    ib_err err;
    begin(fx->st);
    ib_stay s = stay(fx->sender, "P1", "2019-01-01", NULL);
    PUT_OK(ib_store_put_stay, fx->st, &s, IB_PUT_INSERTED);
    s = stay(fx->sender, "P2", "2019-01-01", NULL);
    PUT_OK(ib_store_put_stay, fx->st, &s, IB_PUT_INSERTED);
    ib_employment e = employment(fx->sender, "P1", "E1", NULL, "2019-01-01");
    PUT_OK(ib_store_put_employment, fx->st, &e, IB_PUT_INSERTED);
    ib_housing h = housing(fx->sender, "P1", "L1", NULL, "2019-01-01");
    PUT_OK(ib_store_put_housing, fx->st, &h, IB_PUT_INSERTED);
    ib_contact c = {.meta.sender_id = fx->sender, .kind = IB_CONTACT_INFORMATION,
                    .date = d("2019-01-10")};
    ib_strlcpy(c.person_ref, "P1", sizeof c.person_ref);
    PUT_OK(ib_store_put_contact, fx->st, &c, IB_PUT_INSERTED);
    ib_strlcpy(c.person_ref, "P2", sizeof c.person_ref);
    PUT_OK(ib_store_put_contact, fx->st, &c, IB_PUT_INSERTED);
    commit(fx->st);
    ib_person p1;
    assert_int_equal(ib_store_get_person(fx->st, fx->sender, "P1", &p1, &err), IB_OK);

    assert_int_equal(ib_store_erase_person(fx->st, p1.meta.id, "t", "", NULL, &err),
                     IB_EINVAL);
    assert_int_equal(ib_store_erase_person(fx->st, 999999, "t", "r", NULL, &err),
                     IB_ENOTFOUND);
    begin(fx->st);
    ib_erase_report rep;
    assert_int_equal(ib_store_erase_person(fx->st, p1.meta.id, "t", "r", &rep, &err), IB_OK);
    assert_int_equal(ib_store_rollback(fx->st, &err), IB_OK);
    assert_int_equal(ib_store_get_person(fx->st, fx->sender, "P1", &p1, &err), IB_OK);

    assert_int_equal(ib_store_erase_person(fx->st, p1.meta.id, "user:x", "verzoek", &rep,
                                           &err), IB_OK);
    assert_int_equal(rep.removed[IB_KIND_PERSON], 1);
    assert_int_equal(rep.removed[IB_KIND_STAY], 1);
    assert_int_equal(rep.removed[IB_KIND_EMPLOYMENT], 1);
    assert_int_equal(rep.removed[IB_KIND_HOUSING], 1);
    assert_int_equal(rep.removed[IB_KIND_CONTACT], 1);
    assert_int_equal(ib_store_get_person(fx->st, fx->sender, "P1", &p1, &err), IB_ENOTFOUND);
    ib_store_counts n;
    assert_int_equal(ib_store_count(fx->st, &n, &err), IB_OK);
    assert_int_equal(n.rows[IB_KIND_PERSON], 1);
    assert_int_equal(n.rows[IB_KIND_STAY], 1);
    assert_int_equal(n.rows[IB_KIND_LOCATION], 1);
    assert_int_equal(n.rows[IB_KIND_CONTACT], 1);
    assert_int_equal(raw_count(fx->db, "SELECT count(*) FROM audit WHERE action = 'erase'"
                                       " AND detail LIKE '%, 1 contactmomenten'"), 1);
    assert_int_equal(raw_count(fx->db, "SELECT count(*) FROM audit WHERE action = 'erase'"
                                       " AND actor = 'user:x' AND detail LIKE"
                                       " 'reden: verzoek; verwijderd: persoon, 1 verblijven%'"),
                     1);
    int64_t checked = 0;
    assert_int_equal(ib_store_audit_verify(fx->st, &checked, &err), IB_OK);
    /* The ref may come back: a new person, not a stale cached id. */
    begin(fx->st);
    ib_person again = person(fx->sender, "P1", NULL);
    PUT_OK(ib_store_put_person, fx->st, &again, IB_PUT_INSERTED);
    s = stay(fx->sender, "P1", "2020-01-01", NULL);
    PUT_OK(ib_store_put_stay, fx->st, &s, IB_PUT_INSERTED);
    commit(fx->st);
}

static void test_stay_overlap(void **state)
{
    fixture *fx = *state;
    put_world(fx);
    ib_err err;
    ib_put_result res;
    begin(fx->st);
    ib_stay s = stay(fx->sender, "P1", "2019-03-01", "2019-06-01");
    PUT_OK(ib_store_put_stay, fx->st, &s, IB_PUT_INSERTED);
    /* Arriving on the day of departure is allowed. */
    s = stay(fx->sender, "P1", "2019-06-01", "2019-09-01");
    PUT_OK(ib_store_put_stay, fx->st, &s, IB_PUT_INSERTED);
    /* Arriving before the earlier departure is not. */
    s = stay(fx->sender, "P1", "2019-05-31", "2019-06-01");
    assert_int_equal(ib_store_put_stay(fx->st, &s, &res, &err), IB_ECONFLICT);
    assert_string_equal(err.msg, "verblijf overlapt met verblijf vanaf 2019-03-01");
    /* An open stay after both is fine; one before a later open stay is not. */
    s = stay(fx->sender, "P1", "2020-01-01", NULL);
    PUT_OK(ib_store_put_stay, fx->st, &s, IB_PUT_INSERTED);
    s = stay(fx->sender, "P1", "2021-01-01", "2021-02-01");
    assert_int_equal(ib_store_put_stay(fx->st, &s, &res, &err), IB_ECONFLICT);
    assert_non_null(strstr(err.msg, "2020-01-01"));
    /* A wide stay spanning everything names the first it overlaps. */
    s = stay(fx->sender, "P1", "2018-01-01", NULL);
    assert_int_equal(ib_store_put_stay(fx->st, &s, &res, &err), IB_ECONFLICT);
    assert_non_null(strstr(err.msg, "2019-03-01"));
    /* Changing a stay is not an overlap with itself, but may be with others. */
    s = stay(fx->sender, "P1", "2019-06-01", "2019-08-01");
    PUT_OK(ib_store_put_stay, fx->st, &s, IB_PUT_UPDATED);
    s = stay(fx->sender, "P1", "2019-06-01", "2020-02-01");
    assert_int_equal(ib_store_put_stay(fx->st, &s, &res, &err), IB_ECONFLICT);
    /* Another person's stays are no concern; bad periods are input errors. */
    s = stay(fx->sender, "P2", "2019-05-31", NULL);
    PUT_OK(ib_store_put_stay, fx->st, &s, IB_PUT_INSERTED);
    s = stay(fx->sender, "P2", "2010-05-31", "2010-05-31");
    assert_int_equal(ib_store_put_stay(fx->st, &s, &res, &err), IB_EINVAL);
    commit(fx->st);
    ib_store_counts n;
    assert_int_equal(ib_store_count(fx->st, &n, &err), IB_OK);
    assert_int_equal(n.rows[IB_KIND_STAY], 4);
}

static void test_rollback_leaves_nothing(void **state)
{
    fixture *fx = *state;
    ib_err err;
    ib_put_result res;
    begin(fx->st);
    ib_organisation o = org(fx->sender, "E1", IB_ORG_EMPLOYER);
    PUT_OK(ib_store_put_organisation, fx->st, &o, IB_PUT_INSERTED);
    for (int i = 0; i < 600; i++) {               /* past the cache preload */
        char ref[16];
        snprintf(ref, sizeof ref, "R%d", i);
        ib_person p = person(fx->sender, ref, NULL);
        PUT_OK(ib_store_put_person, fx->st, &p, IB_PUT_INSERTED);
        ib_stay s = stay(fx->sender, ref, "2019-01-01", NULL);
        PUT_OK(ib_store_put_stay, fx->st, &s, IB_PUT_INSERTED);
    }
    assert_int_equal(ib_store_rollback(fx->st, &err), IB_OK);
    ib_store_counts n;
    assert_int_equal(ib_store_count(fx->st, &n, &err), IB_OK);
    for (int k = 0; k < IB_KIND_COUNT; k++)
        assert_int_equal(n.rows[k], 0);
    /* The ref caches forgot the rolled-back rows. */
    begin(fx->st);
    ib_stay s = stay(fx->sender, "R5", "2019-01-01", NULL);
    assert_int_equal(ib_store_put_stay(fx->st, &s, &res, &err), IB_ENOTFOUND);
    ib_employment e = employment(fx->sender, "R5", "E1", NULL, "2019-01-01");
    assert_int_equal(ib_store_put_employment(fx->st, &e, &res, &err), IB_ENOTFOUND);
    ib_person p = person(fx->sender, "R5", NULL);
    PUT_OK(ib_store_put_person, fx->st, &p, IB_PUT_INSERTED);
    PUT_OK(ib_store_put_stay, fx->st, &s, IB_PUT_INSERTED);
    assert_int_equal(ib_store_rollback(fx->st, &err), IB_OK);
    assert_int_equal(ib_store_rollback(fx->st, &err), IB_EINVAL);
    /* Closing with an open transaction rolls it back. */
    begin(fx->st);
    PUT_OK(ib_store_put_person, fx->st, &p, IB_PUT_INSERTED);
    ib_store_close(fx->st);
    fx->st = ts_open(fx->db, NULL, false);
    assert_int_equal(ib_store_count(fx->st, &n, &err), IB_OK);
    assert_int_equal(n.rows[IB_KIND_PERSON], 0);
}

/* PRAGMA foreign_keys of the store's own connection. */
static int64_t foreign_keys_of(ib_store *st)
{
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(ib_sq(st)->db, "PRAGMA foreign_keys", -1,
                                        &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    int64_t on = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return on;
}

/* A bulk transaction turns the connection's foreign keys off for its own
 * duration only: after a commit, a rollback or a failed begin they are on
 * again, and an ordinary transaction never has them off. */
static void test_bulk_restores_foreign_keys(void **state)
{
    fixture *fx = *state;
    ib_err err;
    assert_int_equal(foreign_keys_of(fx->st), 1);
    assert_int_equal(ib_store_begin_bulk(fx->st, &err), IB_OK);
    assert_int_equal(foreign_keys_of(fx->st), 0);
    ib_person p = person(fx->sender, "P1", NULL);
    PUT_OK(ib_store_put_person, fx->st, &p, IB_PUT_INSERTED);
    ib_stay s = stay(fx->sender, "P1", "2019-01-01", NULL);
    PUT_OK(ib_store_put_stay, fx->st, &s, IB_PUT_INSERTED);
    commit(fx->st);
    assert_int_equal(foreign_keys_of(fx->st), 1);

    assert_int_equal(ib_store_begin_bulk(fx->st, &err), IB_OK);
    assert_int_equal(ib_store_begin_bulk(fx->st, &err), IB_EINVAL); /* nested */
    assert_int_equal(foreign_keys_of(fx->st), 0);
    assert_int_equal(ib_store_rollback(fx->st, &err), IB_OK);
    assert_int_equal(foreign_keys_of(fx->st), 1);

    begin(fx->st);
    assert_int_equal(foreign_keys_of(fx->st), 1);
    assert_int_equal(ib_store_rollback(fx->st, &err), IB_OK);

    /* Another connection holds the write lock: the bulk begin fails and
     * leaves the foreign keys on. */
    sqlite3 *h;
    assert_int_equal(sqlite3_open(fx->db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_busy_timeout(ib_sq(fx->st)->db, 10);
    assert_int_not_equal(ib_store_begin_bulk(fx->st, &err), IB_OK);
    assert_false(ib_store_in_transaction(fx->st));
    assert_int_equal(foreign_keys_of(fx->st), 1);
    sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(h);

    assert_int_equal(raw_count(fx->db, "SELECT count(*) FROM pragma_foreign_key_check"),
                     0);
}

/* The ref caches outlive a commit (the files of one import share them),
 * but not a commit by another connection: a person it deleted is unknown
 * afterwards (not a dangling id, which no foreign key would catch in a
 * bulk load), and one it added is found, even after the cache had loaded
 * all of the sender's persons. */
static void test_refs_after_other_connection(void **state)
{
    fixture *fx = *state;
    ib_err err;
    ib_put_result res;
    assert_int_equal(ib_store_begin_bulk(fx->st, &err), IB_OK);
    for (int i = 0; i < 600; i++) {               /* past the cache preload */
        char ref[16];
        snprintf(ref, sizeof ref, "R%d", i);
        ib_person p = person(fx->sender, ref, NULL);
        PUT_OK(ib_store_put_person, fx->st, &p, IB_PUT_INSERTED);
    }
    commit(fx->st);
    /* Same connection, next transaction: the cached refs resolve. */
    assert_int_equal(ib_store_begin_bulk(fx->st, &err), IB_OK);
    ib_stay s = stay(fx->sender, "R1", "2019-01-01", NULL);
    PUT_OK(ib_store_put_stay, fx->st, &s, IB_PUT_INSERTED);
    commit(fx->st);

    raw_sql(fx->db, "DELETE FROM persons WHERE ref = 'R5';"
                    "INSERT INTO persons (sender_id, ref, birth_date, nationality,"
                    " category, content_hash) SELECT sender_id, 'N1', birth_date,"
                    " nationality, category, 1 FROM persons WHERE ref = 'R6'");
    assert_int_equal(ib_store_begin_bulk(fx->st, &err), IB_OK);
    s = stay(fx->sender, "R5", "2019-01-01", NULL);
    assert_int_equal(ib_store_put_stay(fx->st, &s, &res, &err), IB_ENOTFOUND);
    s = stay(fx->sender, "N1", "2019-01-01", NULL);
    PUT_OK(ib_store_put_stay, fx->st, &s, IB_PUT_INSERTED);
    s = stay(fx->sender, "R7", "2019-01-01", NULL);
    PUT_OK(ib_store_put_stay, fx->st, &s, IB_PUT_INSERTED);
    commit(fx->st);
    assert_int_equal(raw_count(fx->db, "SELECT count(*) FROM pragma_foreign_key_check"),
                     0);
    assert_int_equal(raw_count(fx->db, "SELECT count(*) FROM stays"), 3);
}

/* Many rows: the ref cache switches from look-ups to a full load, and a
 * miss after that is a definite "unknown". */
static void test_many_refs(void **state)
{
    fixture *fx = *state;
    ib_err err;
    ib_put_result res;
    enum { N = 3000 };
    begin(fx->st);
    for (int i = 0; i < N; i++) {
        char ref[16], bsn[10];
        snprintf(ref, sizeof ref, "P%05d", i);
        make_bsn(i * 7919L, bsn);
        ib_person p = person(fx->sender, ref, bsn);
        PUT_OK(ib_store_put_person, fx->st, &p, IB_PUT_INSERTED);
    }
    commit(fx->st);
    begin(fx->st);
    for (int i = 0; i < N; i++) {
        char ref[16];
        snprintf(ref, sizeof ref, "P%05d", (i * 37) % N);
        ib_stay s = stay(fx->sender, ref, "2019-01-01", NULL);
        PUT_OK(ib_store_put_stay, fx->st, &s, IB_PUT_INSERTED);
    }
    ib_stay s = stay(fx->sender, "P99999", "2019-01-01", NULL);
    assert_int_equal(ib_store_put_stay(fx->st, &s, &res, &err), IB_ENOTFOUND);
    for (int i = 0; i < N; i++) {
        char ref[16], bsn[10];
        snprintf(ref, sizeof ref, "P%05d", i);
        make_bsn(i * 7919L, bsn);
        ib_person p = person(fx->sender, ref, bsn);
        PUT_OK(ib_store_put_person, fx->st, &p, IB_PUT_UNCHANGED);
    }
    commit(fx->st);
    ib_store_counts n;
    assert_int_equal(ib_store_count(fx->st, &n, &err), IB_OK);
    assert_int_equal(n.rows[IB_KIND_STAY], N);
}

/* ------------------------------------------------------------ BSN */

typedef struct found {
    int n;
    char refs[4][IB_REF_MAX + 1];
    char bsn[10];
} found;

static int on_found(void *ctx, const ib_person *p)
{
    found *f = ctx;
    if (f->n < 4)
        ib_strlcpy(f->refs[f->n], p->ref, sizeof f->refs[0]);
    ib_strlcpy(f->bsn, p->bsn, sizeof f->bsn);
    f->n++;
    return 0;
}

static void test_bsn_encrypted_and_found(void **state)
{
    fixture *fx = *state;
    ib_err err;
    int64_t s2;
    assert_int_equal(ib_store_sender(fx->st, "s2", true, &s2, &err), IB_OK);
    begin(fx->st);
    ib_person p = person(fx->sender, "P1", "123456782");
    PUT_OK(ib_store_put_person, fx->st, &p, IB_PUT_INSERTED);
    p = person(s2, "Q7", "123456782");                /* same person elsewhere */
    PUT_OK(ib_store_put_person, fx->st, &p, IB_PUT_INSERTED);
    p = person(fx->sender, "P2", "111222333");
    PUT_OK(ib_store_put_person, fx->st, &p, IB_PUT_INSERTED);
    commit(fx->st);

    found f = {0};
    assert_int_equal(ib_store_find_person_by_bsn(fx->st, "123456782", on_found, &f,
                                                 &err), IB_OK);
    assert_int_equal(f.n, 2);
    assert_string_equal(f.refs[0], "P1");
    assert_string_equal(f.refs[1], "Q7");
    assert_string_equal(f.bsn, "123456782");
    memset(&f, 0, sizeof f);
    char bsn[10];
    make_bsn(4242, bsn);
    assert_int_equal(ib_store_find_person_by_bsn(fx->st, bsn, on_found, &f, &err), IB_OK);
    assert_int_equal(f.n, 0);
    assert_int_equal(ib_store_find_person_by_bsn(fx->st, "123456789", on_found, &f,
                                                 &err), IB_EINVAL);

    /* Neither the database nor its WAL holds a BSN in clear. */
    char wal[256];
    snprintf(wal, sizeof wal, "%s-wal", fx->db);
    assert_false(file_contains(fx->db, "123456782"));
    assert_false(file_contains(wal, "123456782"));
    ib_store_close(fx->st);
    fx->st = NULL;
    assert_false(file_contains(fx->db, "123456782"));
    assert_false(file_contains(fx->db, "111222333"));
    assert_true(file_contains(fx->db, "Kowalski"));   /* the check can see text */

    /* A ciphertext moved to another row does not decrypt there. */
    raw_sql(fx->db, "UPDATE persons SET bsn_enc = (SELECT bsn_enc FROM persons"
                    " WHERE ref = 'P1') WHERE ref = 'P2'");
    fx->st = ts_open(fx->db, NULL, false);
    ib_person got;
    assert_int_equal(ib_store_get_person(fx->st, fx->sender, "P1", &got, &err), IB_OK);
    assert_string_equal(got.bsn, "123456782");
    assert_int_equal(ib_store_get_person(fx->st, fx->sender, "P2", &got, &err),
                     IB_ECRYPTO);
}

/* ------------------------------------------------------------ readers */

typedef struct collected {
    int n;
    char line[16][400];
} collected;

static int on_person(void *ctx, const ib_person *p)
{
    collected *c = ctx;
    snprintf(c->line[c->n++ % 16], sizeof c->line[0], "%lld:%s", (long long)p->meta.sender_id,
             p->ref);
    return 0;
}

static int on_employment(void *ctx, const ib_employment *e)
{
    collected *c = ctx;
    char b[IB_DATE_STRLEN];
    snprintf(c->line[c->n++ % 16], sizeof c->line[0], "%s@%s/%s %s %c %lld",
             e->person_ref, e->employer_ref, e->agency_ref, ib_date_format(e->start, b),
             e->sector ? e->sector : '-', (long long)e->monthly_wage);
    return 0;
}

static int on_housing(void *ctx, const ib_housing *h)
{
    collected *c = ctx;
    char b[IB_DATE_STRLEN];
    snprintf(c->line[c->n++ % 16], sizeof c->line[0], "%s@%s/%s %s", h->person_ref, h->location_ref,
             h->provided_by_ref, ib_date_format(h->start, b));
    return 0;
}

static int on_stay(void *ctx, const ib_stay *s)
{
    collected *c = ctx;
    char a[IB_DATE_STRLEN], b[IB_DATE_STRLEN];
    snprintf(c->line[c->n++ % 16], sizeof c->line[0], "%s %s-%s", s->person_ref,
             ib_date_format(s->arrival, a), ib_date_format(s->departure, b));
    return 0;
}

static int stop_after_one(void *ctx, const ib_stay *s)
{
    (void)s;
    (*(int *)ctx)++;
    return 42;
}

static int on_location(void *ctx, const ib_location *l)
{
    collected *c = ctx;
    snprintf(c->line[c->n++ % 16], sizeof c->line[0], "%s %s %s cap %d prov %s", l->ref, l->postcode,
             l->house_number, l->capacity, l->provider_ref);
    return 0;
}

static int on_org(void *ctx, const ib_organisation *o)
{
    collected *c = ctx;
    snprintf(c->line[c->n++ % 16], sizeof c->line[0], "%s %s %s", o->ref,
             ib_code_text(ib_org_kind_codes, (int)o->kind),
             ib_code_text(ib_cert_codes, (int)o->certified));
    return 0;
}

static int on_sender(void *ctx, int64_t id, const char *ref)
{
    collected *c = ctx;
    snprintf(c->line[c->n++ % 16], sizeof c->line[0], "%lld:%s", (long long)id, ref);
    return 0;
}

static void test_readers(void **state)
{
    fixture *fx = *state;
    ib_err err;
    int64_t s2;
    assert_int_equal(ib_store_sender(fx->st, "s2", true, &s2, &err), IB_OK);
    put_world(fx);
    begin(fx->st);
    ib_person p = person(s2, "P1", NULL);            /* same ref, other sender */
    PUT_OK(ib_store_put_person, fx->st, &p, IB_PUT_INSERTED);
    p = person(fx->sender, "P0", NULL);              /* inserted last */
    PUT_OK(ib_store_put_person, fx->st, &p, IB_PUT_INSERTED);
    ib_employment e = employment(fx->sender, "P2", "E1", NULL, "2020-01-01");
    e.sector = 0;
    e.monthly_wage = IB_CENTS_NONE;
    PUT_OK(ib_store_put_employment, fx->st, &e, IB_PUT_INSERTED);
    e = employment(fx->sender, "P1", "E1", "A1", "2020-05-01");
    PUT_OK(ib_store_put_employment, fx->st, &e, IB_PUT_INSERTED);
    e = employment(fx->sender, "P1", "E1", NULL, "2019-05-01");
    PUT_OK(ib_store_put_employment, fx->st, &e, IB_PUT_INSERTED);
    ib_stay s = stay(fx->sender, "P1", "2019-03-01", "2019-06-01");
    PUT_OK(ib_store_put_stay, fx->st, &s, IB_PUT_INSERTED);
    s = stay(fx->sender, "P1", "2018-03-01", "2018-06-01");
    PUT_OK(ib_store_put_stay, fx->st, &s, IB_PUT_INSERTED);
    ib_housing h = housing(fx->sender, "P2", "L1", NULL, "2019-02-01");
    PUT_OK(ib_store_put_housing, fx->st, &h, IB_PUT_INSERTED);
    h = housing(fx->sender, "P1", "L1", "A1", "2019-03-01");
    PUT_OK(ib_store_put_housing, fx->st, &h, IB_PUT_INSERTED);
    commit(fx->st);

    collected c = {0};
    assert_int_equal(ib_store_each_sender(fx->st, on_sender, &c, &err), IB_OK);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.line[0], "1:s1");

    memset(&c, 0, sizeof c);
    assert_int_equal(ib_store_each_person(fx->st, NULL, on_person, &c, &err), IB_OK);
    assert_int_equal(c.n, 4);
    assert_string_equal(c.line[0], "1:P1");
    assert_string_equal(c.line[1], "1:P2");
    assert_string_equal(c.line[2], "1:P0");
    assert_string_equal(c.line[3], "2:P1");
    memset(&c, 0, sizeof c);
    ib_filter f = {.sender_id = s2};
    assert_int_equal(ib_store_each_person(fx->st, &f, on_person, &c, &err), IB_OK);
    assert_int_equal(c.n, 1);

    /* By sender, then person, then date; refs joined in. */
    memset(&c, 0, sizeof c);
    assert_int_equal(ib_store_each_employment(fx->st, NULL, on_employment, &c, &err),
                     IB_OK);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.line[0], "P1@E1/ 2019-05-01 C 250000");
    assert_string_equal(c.line[1], "P1@E1/A1 2020-05-01 C 250000");
    assert_string_equal(c.line[2], "P2@E1/ 2020-01-01 - -9223372036854775808");

    ib_person p2;
    assert_int_equal(ib_store_get_person(fx->st, fx->sender, "P2", &p2, &err), IB_OK);
    memset(&c, 0, sizeof c);
    f = (ib_filter){.person_id = p2.meta.id};
    assert_int_equal(ib_store_each_employment(fx->st, &f, on_employment, &c, &err),
                     IB_OK);
    assert_int_equal(c.n, 1);

    memset(&c, 0, sizeof c);
    assert_int_equal(ib_store_each_stay(fx->st, NULL, on_stay, &c, &err), IB_OK);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.line[0], "P1 2018-03-01-2018-06-01");
    int calls = 0;
    assert_int_equal(ib_store_each_stay(fx->st, NULL, stop_after_one, &calls, &err), 42);
    assert_int_equal(calls, 1);

    ib_location l;
    assert_int_equal(ib_store_get_location(fx->st, 0, "L1", &l, &err), IB_OK);
    assert_string_equal(l.provider_ref, "A1");
    assert_int_equal(l.floor_area_m2, 12050);
    assert_int_equal(l.certified_until, d("2026-01-01"));
    memset(&c, 0, sizeof c);
    f = (ib_filter){.location_id = l.meta.id};
    assert_int_equal(ib_store_each_housing(fx->st, &f, on_housing, &c, &err), IB_OK);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.line[0], "P2@L1/ 2019-02-01");
    assert_string_equal(c.line[1], "P1@L1/A1 2019-03-01");
    memset(&c, 0, sizeof c);
    assert_int_equal(ib_store_each_location(fx->st, NULL, on_location, &c, &err), IB_OK);
    assert_string_equal(c.line[0], "L1 1234AB 12-A cap 8 prov A1");
    memset(&c, 0, sizeof c);
    assert_int_equal(ib_store_each_organisation(fx->st, NULL, on_org, &c, &err), IB_OK);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.line[1], "A1 agency nen4400");

    ib_organisation o;
    assert_int_equal(ib_store_get_organisation_by_id(fx->st, l.provider_id, &o, &err),
                     IB_OK);
    assert_string_equal(o.ref, "A1");
    assert_int_equal(ib_store_get_organisation_by_id(fx->st, 999, &o, &err),
                     IB_ENOTFOUND);

    /* A ref used by two senders needs the sender. */
    assert_int_equal(ib_store_get_person(fx->st, 0, "P1", &p, &err), IB_ECONFLICT);
    assert_int_equal(ib_store_get_person(fx->st, s2, "P1", &p, &err), IB_OK);
    assert_int_equal(p.meta.sender_id, s2);
    assert_int_equal(ib_store_get_person(fx->st, 0, "P2", &p, &err), IB_OK);
    assert_int_equal(ib_store_get_person(fx->st, 0, "nobody", &p, &err), IB_ENOTFOUND);
    assert_non_null(strstr(err.msg, "nobody"));
}

/* An iterator may be nested in another of the same kind. */
typedef struct nest_ctx {
    ib_store *st;
    int inner;
} nest_ctx;

static int count_stay(void *ctx, const ib_stay *s)
{
    (void)s;
    ((nest_ctx *)ctx)->inner++;
    return 0;
}

static int outer_stay(void *ctx, const ib_stay *s)
{
    nest_ctx *nc = ctx;
    ib_err err;
    ib_filter f = {0};
    (void)s;
    return ib_store_each_stay(nc->st, &f, count_stay, nc, &err);
}

static void test_nested_iterators(void **state)
{
    fixture *fx = *state;
    put_world(fx);
    begin(fx->st);
    ib_stay s = stay(fx->sender, "P1", "2019-03-01", NULL);
    PUT_OK(ib_store_put_stay, fx->st, &s, IB_PUT_INSERTED);
    s = stay(fx->sender, "P2", "2019-03-01", NULL);
    PUT_OK(ib_store_put_stay, fx->st, &s, IB_PUT_INSERTED);
    commit(fx->st);
    nest_ctx nc = {fx->st, 0};
    ib_err err;
    assert_int_equal(ib_store_each_stay(fx->st, NULL, outer_stay, &nc, &err), IB_OK);
    assert_int_equal(nc.inner, 4);
}

/* ------------------------------------------------------------ audit */

typedef struct audit_seen {
    int n;
    int64_t last_id;
    char at[32];
} audit_seen;

static int on_audit(void *ctx, const ib_audit_entry *e)
{
    audit_seen *a = ctx;
    a->n++;
    a->last_id = e->id;
    ib_strlcpy(a->at, e->at, sizeof a->at);
    return 0;
}

static void add_audit(ib_store *st, const char *action, int64_t person_id)
{
    ib_audit_entry e = {.entity_id = person_id, .person_id = person_id};
    ib_strlcpy(e.action, action, sizeof e.action);
    ib_strlcpy(e.entity, "person", sizeof e.entity);
    ib_strlcpy(e.detail, "test", sizeof e.detail);
    ib_err err;
    assert_int_equal(ib_store_audit(st, &e, &err), IB_OK);
}

static void test_audit_chain(void **state)
{
    fixture *fx = *state;
    ib_err err;
    ib_store_set_actor(fx->st, "user:jansen");
    for (int i = 1; i <= 5; i++)
        add_audit(fx->st, "read", i % 2);
    begin(fx->st);                              /* inside a transaction too */
    add_audit(fx->st, "import", 0);
    commit(fx->st);
    int64_t checked = 0;
    assert_int_equal(ib_store_audit_verify(fx->st, &checked, &err), IB_OK);
    assert_int_equal(checked, 6);

    audit_seen a = {0};
    assert_int_equal(ib_store_each_audit(fx->st, 1, on_audit, &a, &err), IB_OK);
    assert_int_equal(a.n, 3);
    assert_int_equal(strlen(a.at), 24);                  /* 2024-05-01T12:34:56.789Z */
    assert_int_equal(a.at[10], 'T');
    assert_int_equal(a.at[23], 'Z');
    assert_int_equal(raw_count(fx->db, "SELECT count(*) FROM audit WHERE actor ="
                                       " 'user:jansen'"), 6);

    /* Changing an entry behind the store's back breaks the chain there. */
    ib_store_close(fx->st);
    raw_sql(fx->db, "UPDATE audit SET detail = 'anders' WHERE id = 3");
    fx->st = ts_open(fx->db, NULL, false);
    assert_int_equal(ib_store_audit_verify(fx->st, &checked, &err), IB_ECONFLICT);
    assert_non_null(strstr(err.msg, "regel 3"));
    assert_int_equal(checked, 2);
    ib_store_close(fx->st);
    raw_sql(fx->db, "UPDATE audit SET detail = 'test' WHERE id = 3");
    fx->st = ts_open(fx->db, NULL, false);
    assert_int_equal(ib_store_audit_verify(fx->st, &checked, &err), IB_OK);

    /* So does removing one. */
    ib_store_close(fx->st);
    raw_sql(fx->db, "DELETE FROM audit WHERE id = 4");
    fx->st = ts_open(fx->db, NULL, false);
    assert_int_equal(ib_store_audit_verify(fx->st, &checked, &err), IB_ECONFLICT);
    assert_non_null(strstr(err.msg, "regel 4"));
}

/* A read's purpose is free text: erasing the person blanks it in the read
 * log (others' stay), and the chain, which holds it by a hash of its own,
 * still verifies; changing a purpose, or blanking one of a person not
 * erased, does not. */
static void test_erase_blanks_read_purposes(void **state)
{
    fixture *fx = *state;
    put_world(fx);
    ib_err err;
    ib_person p1, p2;
    assert_int_equal(ib_store_get_person(fx->st, fx->sender, "P1", &p1, &err), IB_OK);
    assert_int_equal(ib_store_get_person(fx->st, fx->sender, "P2", &p2, &err), IB_OK);
    ib_audit_entry r[3] = {{.person_id = p1.meta.id}, {.person_id = p2.meta.id},
                           {.person_id = p1.meta.id}};
    for (int i = 0; i < 3; i++) {
        r[i].entity_id = r[i].person_id;
        ib_strlcpy(r[i].action, "read", sizeof r[i].action);
        ib_strlcpy(r[i].entity, "person", sizeof r[i].entity);
        snprintf(r[i].detail, sizeof r[i].detail, "GET /api/v1/persons/%lld%s",
                 (long long)r[i].person_id, i == 2 ? "" : "; doel: vraag van mevrouw K.");
    }
    assert_int_equal(ib_store_audit_reads(fx->st, r, 3, &err), IB_OK);
    assert_int_equal(ib_store_erase_person(fx->st, p1.meta.id, "t", "verzoek", NULL, &err),
                     IB_OK);
    char reads[200], sql[200];
    snprintf(reads, sizeof reads, "%s.reads", fx->db);
    assert_int_equal(raw_count(reads, "SELECT count(*) FROM audit WHERE detail LIKE"
                                      " '%mevrouw K.%'"), 1);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM audit WHERE person_id = %lld AND"
             " detail = 'GET /api/v1/persons/%lld'", (long long)p1.meta.id,
             (long long)p1.meta.id);
    assert_int_equal(raw_count(reads, sql), 2);
    int64_t checked;
    assert_int_equal(ib_store_audit_verify(fx->st, &checked, &err), IB_OK);

    ib_store_close(fx->st);
    raw_sql(reads, "UPDATE audit SET detail = replace(detail, 'mevrouw', 'meneer')");
    fx->st = ts_open(fx->db, NULL, false);
    assert_int_equal(ib_store_audit_verify(fx->st, &checked, &err), IB_ECONFLICT);
    assert_non_null(strstr(err.msg, "het doel gewijzigd of weggehaald"));
    ib_store_close(fx->st);
    raw_sql(reads, "UPDATE audit SET detail = substr(detail, 1, instr(detail, ';') - 1)"
                   " WHERE detail LIKE '%doel:%'");
    fx->st = ts_open(fx->db, NULL, false);
    assert_int_equal(ib_store_audit_verify(fx->st, &checked, &err), IB_ECONFLICT);
    assert_non_null(strstr(err.msg, "niet gewist"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_create_and_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_put_outside_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_put_person_outcomes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_put_every_kind, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_refs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_codes_rejected, setup, teardown),
        cmocka_unit_test(test_topics_normalise),
        cmocka_unit_test_setup_teardown(test_contacts_read_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_erase_person, setup, teardown),
        cmocka_unit_test_setup_teardown(test_erase_blanks_read_purposes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stay_overlap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_refs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bulk_restores_foreign_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refs_after_other_connection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bsn_encrypted_and_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_readers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nested_iterators, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_chain, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
