/* registry_fixture.h — a small registry in a temporary SQLite store whose
 * table order differs from the iterators' order in every way the lean scan
 * (ib_store_scan) and the monitor's loader must undo: two senders whose
 * rows interleave, episodes delivered later with earlier dates, ties on one
 * date (two registrations, employments, housings, life events and contacts
 * of one person on the same day, delivered in the opposite of the store's
 * order),
 * optional values missing, and (when `sparse`) person and organisation ids
 * far apart. Shared by test_store_scan.c and test_mdata_load.c. */
#ifndef IB_TEST_REGISTRY_FIXTURE_H
#define IB_TEST_REGISTRY_FIXTURE_H

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
#include <unistd.h>

#include "store/store.h"

typedef struct registry {
    char dir[64], db[128];
    ib_store *st;
    int64_t s1, s2;                    /* sender ids */
} registry;

static ib_date rf_date(const char *s)
{
    ib_date out;
    ib_err err;
    if (!s)
        return IB_DATE_NONE;
    assert_int_equal(ib_date_parse(s, strlen(s), &out, &err), IB_OK);
    return out;
}

static void rf_ok(int rc, const ib_err *err)
{
    if (rc)
        print_error("%s (%s)\n", err->msg, err->field);
    assert_int_equal(rc, IB_OK);
}

static void rf_sql(registry *r, const char *sql)
{
    sqlite3 *h;
    assert_int_equal(sqlite3_open(r->db, &h), SQLITE_OK);
    int rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        print_error("%s: %s\n", sql, sqlite3_errmsg(h));
    assert_int_equal(rc, SQLITE_OK);
    sqlite3_close(h);
}

static void rf_org(registry *r, int64_t s, const char *ref, ib_org_kind kind)
{
    ib_organisation o = {.meta.sender_id = s, .kind = kind};
    ib_strlcpy(o.ref, ref, sizeof o.ref);
    snprintf(o.name, sizeof o.name, "Bedrijf %s", ref);
    ib_put_result res;
    ib_err err;
    rf_ok(ib_store_put_organisation(r->st, &o, &res, &err), &err);
}

static void rf_location(registry *r, int64_t s, const char *ref,
                        const char *muni, const char *provider, int32_t beds)
{
    ib_location l = {.meta.sender_id = s, .kind = IB_LOC_SHARED_HOUSE,
                     .capacity = beds,
                     .floor_area_m2 = beds < 0 ? IB_CENTS_NONE : 100 * beds,
                     .certified_until = IB_DATE_NONE};
    ib_strlcpy(l.ref, ref, sizeof l.ref);
    ib_strlcpy(l.postcode, "5911AA", sizeof l.postcode);
    /* An address of its own: locations at one address are one location
     * across senders (docs/linkage.md). */
    snprintf(l.house_number, sizeof l.house_number, "%d%s", (int)s, ref);
    ib_strlcpy(l.municipality, muni, sizeof l.municipality);
    ib_strlcpy(l.provider_ref, provider ? provider : "", sizeof l.provider_ref);
    ib_put_result res;
    ib_err err;
    rf_ok(ib_store_put_location(r->st, &l, &res, &err), &err);
}

static void rf_person(registry *r, int64_t s, const char *ref, const char *birth,
                      ib_sex sex, const char *nat, ib_category cat)
{
    ib_person p = {.meta.sender_id = s, .birth_date = rf_date(birth), .sex = sex,
                   .category = cat};
    ib_strlcpy(p.ref, ref, sizeof p.ref);
    ib_strlcpy(p.nationality, nat, sizeof p.nationality);
    ib_put_result res;
    ib_err err;
    rf_ok(ib_store_put_person(r->st, &p, &res, &err), &err);
}

static void rf_stay(registry *r, int64_t s, const char *p, const char *arr,
                    const char *dep)
{
    ib_stay x = {.meta.sender_id = s, .arrival = rf_date(arr),
                 .departure = rf_date(dep)};
    ib_strlcpy(x.person_ref, p, sizeof x.person_ref);
    ib_put_result res;
    ib_err err;
    rf_ok(ib_store_put_stay(r->st, &x, &res, &err), &err);
}

static void rf_reg(registry *r, int64_t s, const char *p, ib_reg_kind kind,
                   const char *muni, const char *start, const char *end)
{
    ib_registration x = {.meta.sender_id = s, .kind = kind,
                         .start = rf_date(start), .end = rf_date(end)};
    ib_strlcpy(x.person_ref, p, sizeof x.person_ref);
    ib_strlcpy(x.municipality, muni, sizeof x.municipality);
    ib_put_result res;
    ib_err err;
    rf_ok(ib_store_put_registration(r->st, &x, &res, &err), &err);
}

static void rf_emp(registry *r, int64_t s, const char *p, const char *employer,
                   const char *agency, const char *start, const char *end,
                   ib_cents wage)
{
    ib_employment x = {.meta.sender_id = s,
                       .contract = agency ? IB_CONTRACT_AGENCY
                                          : IB_CONTRACT_PERMANENT,
                       .start = rf_date(start), .end = rf_date(end),
                       .hours_per_week = IB_CENTS_NONE, .monthly_wage = wage};
    ib_strlcpy(x.person_ref, p, sizeof x.person_ref);
    ib_strlcpy(x.employer_ref, employer, sizeof x.employer_ref);
    ib_strlcpy(x.agency_ref, agency ? agency : "", sizeof x.agency_ref);
    ib_put_result res;
    ib_err err;
    rf_ok(ib_store_put_employment(r->st, &x, &res, &err), &err);
}

static void rf_housing(registry *r, int64_t s, const char *p, const char *loc,
                       const char *by, const char *start, const char *end)
{
    ib_housing x = {.meta.sender_id = s, .start = rf_date(start),
                    .end = rf_date(end)};
    ib_strlcpy(x.person_ref, p, sizeof x.person_ref);
    ib_strlcpy(x.location_ref, loc, sizeof x.location_ref);
    ib_strlcpy(x.provided_by_ref, by ? by : "", sizeof x.provided_by_ref);
    ib_put_result res;
    ib_err err;
    rf_ok(ib_store_put_housing(r->st, &x, &res, &err), &err);
}

static void rf_event(registry *r, int64_t s, const char *p, ib_event_kind ev,
                     const char *date)
{
    ib_life_event x = {.meta.sender_id = s, .event = ev, .date = rf_date(date)};
    ib_strlcpy(x.person_ref, p, sizeof x.person_ref);
    ib_put_result res;
    ib_err err;
    rf_ok(ib_store_put_life_event(r->st, &x, &res, &err), &err);
}

static void rf_contact(registry *r, int64_t s, const char *p, ib_contact_kind kind,
                       const char *date, ib_channel channel, const char *topics,
                       const char *language, ib_understood understood)
{
    ib_contact x = {.meta.sender_id = s, .kind = kind, .date = rf_date(date),
                    .channel = channel, .understood = understood};
    ib_strlcpy(x.person_ref, p, sizeof x.person_ref);
    ib_strlcpy(x.topics, topics, sizeof x.topics);
    ib_strlcpy(x.language, language, sizeof x.language);
    ib_put_result res;
    ib_err err;
    rf_ok(ib_store_put_contact(r->st, &x, &res, &err), &err);
}

static void rf_begin(registry *r)
{
    ib_err err;
    rf_ok(ib_store_begin(r->st, &err), &err);
}

static void rf_commit(registry *r)
{
    ib_err err;
    rf_ok(ib_store_commit(r->st, &err), &err);
}

/* Person A (s1) has every tie; B (s1) little; C (s2) one of each; D (s1)
 * comes after C, so that s1's persons are not one run of ids. */
static void registry_fill(registry *r, bool sparse)
{
    int64_t s1 = r->s1, s2 = r->s2;
    rf_begin(r);
    rf_org(r, s1, "O1", IB_ORG_AGENCY);
    rf_org(r, s1, "O2", IB_ORG_EMPLOYER);
    rf_location(r, s1, "L1", "GM0518", "O1", 6);
    rf_location(r, s1, "L2", "GM0363", NULL, -1);
    rf_person(r, s1, "A", "1990-05-17", IB_SEX_M, "PL", IB_CAT_LABOUR);
    rf_person(r, s1, "B", "1970-01-01", IB_SEX_UNKNOWN, "RO", IB_CAT_OTHER);
    rf_commit(r);

    rf_begin(r);
    rf_org(r, s2, "O1", IB_ORG_EMPLOYER);
    rf_location(r, s2, "L1", "GM0983", "O1", 12);
    rf_person(r, s2, "C", "1985-02-01", IB_SEX_V, "BG", IB_CAT_KNOWLEDGE);
    rf_stay(r, s2, "C", "2021-03-01", NULL);
    rf_reg(r, s2, "C", IB_REG_BRP, "GM0983", "2021-03-05", NULL);
    rf_emp(r, s2, "C", "O1", NULL, "2021-03-02", NULL, 400000);
    rf_housing(r, s2, "C", "L1", "O1", "2021-03-01", NULL);
    rf_event(r, s2, "C", IB_EVENT_PARTNER_START, "2021-04-01");
    rf_contact(r, s2, "C", IB_CONTACT_CAREER_OFFER, "2021-05-01", IB_CHANNEL_NONE,
               "", "", IB_UNDERSTOOD_UNKNOWN);
    rf_commit(r);

    rf_begin(r);
    rf_org(r, s1, "O3", IB_ORG_EMPLOYER);
    rf_person(r, s1, "D", "2000-12-31", IB_SEX_X, "NL", IB_CAT_STUDENT);
    rf_commit(r);
    if (sparse) {
        /* Ids far apart: the loader cannot index them directly. */
        rf_sql(r, "UPDATE organisations SET id = 900000 WHERE ref = 'O3'");
        rf_sql(r, "UPDATE persons SET id = 5000000 WHERE ref = 'D'");
    }

    rf_begin(r);
    rf_stay(r, s1, "A", "2021-01-01", "2021-06-01");
    rf_stay(r, s1, "A", "2020-01-01", "2020-05-01");
    rf_stay(r, s1, "B", "2022-02-01", NULL);
    rf_stay(r, s1, "A", "2022-01-01", NULL);
    rf_reg(r, s1, "A", IB_REG_RNI, "", "2020-01-01", NULL);
    rf_reg(r, s1, "A", IB_REG_BRP, "GM0518", "2021-01-01", "2021-06-01");
    rf_reg(r, s1, "A", IB_REG_BRP, "GM0518", "2020-01-01", "2020-05-01");
    rf_emp(r, s1, "A", "O3", NULL, "2020-02-01", NULL, IB_CENTS_NONE);
    rf_emp(r, s1, "A", "O2", "O1", "2020-02-01", "2020-04-30", 210000);
    rf_emp(r, s1, "D", "O3", NULL, "2023-01-02", NULL, 300000);
    rf_housing(r, s1, "A", "L2", NULL, "2020-01-01", "2020-04-30");
    rf_housing(r, s1, "A", "L1", "O1", "2020-01-01", NULL);
    rf_event(r, s1, "A", IB_EVENT_PARTNER_START, "2020-06-01");
    rf_event(r, s1, "A", IB_EVENT_PARTNER_END, "2020-06-01");
    rf_event(r, s1, "A", IB_EVENT_HOME_PURCHASE, "2020-07-01");
    rf_event(r, s1, "A", IB_EVENT_CHILD_BIRTH, "2019-01-01");
    rf_stay(r, s1, "D", "2023-01-01", NULL);
    rf_contact(r, s1, "A", IB_CONTACT_LANGUAGE_COURSE_OFFER, "2020-03-01",
               IB_CHANNEL_LETTER, "dutch_language", "", IB_UNDERSTOOD_UNKNOWN);
    rf_contact(r, s1, "A", IB_CONTACT_INFORMATION, "2020-03-01", IB_CHANNEL_DESK,
               "registration housing", "pl", IB_UNDERSTOOD_PARTLY);
    rf_contact(r, s1, "A", IB_CONTACT_INFORMATION, "2020-01-05", IB_CHANNEL_PHONE,
               "", "en", IB_UNDERSTOOD_YES);
    rf_commit(r);

    /* A later delivery with earlier dates. */
    rf_begin(r);
    rf_stay(r, s1, "A", "2019-01-01", "2019-02-01");
    rf_reg(r, s1, "A", IB_REG_BRP, "GM0363", "2019-01-01", "2019-02-01");
    rf_commit(r);
}

static void registry_open(registry *r, bool sparse)
{
    memset(r, 0, sizeof *r);
    snprintf(r->dir, sizeof r->dir, "/tmp/ib_reg_XXXXXX");
    assert_non_null(mkdtemp(r->dir));
    snprintf(r->db, sizeof r->db, "%s/t.db", r->dir);
    ib_store_options opt = {.key_path = NULL, .create = true};
    ib_err err;
    rf_ok(ib_store_open(&r->st, r->db, &opt, &err), &err);
    rf_ok(ib_store_sender(r->st, "s1", true, &r->s1, &err), &err);
    rf_ok(ib_store_sender(r->st, "s2", true, &r->s2, &err), &err);
    registry_fill(r, sparse);
}

static void registry_close(registry *r)
{
    ib_store_close(r->st);
    DIR *d = opendir(r->dir);
    if (d) {
        struct dirent *e;
        char path[512];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(path, sizeof path, "%s/%s", r->dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(r->dir);
}

#endif
