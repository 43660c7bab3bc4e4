/* test_linkage.c — one person across the chain (docs/linkage.md): name
 * normalisation, Jaro-Winkler and look-alike birth dates; the rules as the
 * store applies them at import (same BSN, never two BSNs, exact identity
 * without a BSN, ambiguity and look-alikes to review); manual links and
 * unlinks; ids never reused after an erasure; the monitor's data over
 * persons with the stays of several senders joined. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/monitor.h"
#include "store/store.h"
#include "temp_store.h"

typedef struct fixture {
    char dir[64], db[128];
    ib_store *st;
    int64_t gm, ua, hp;            /* municipality, agency, housing provider */
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    ts_make_dir(fx->dir, sizeof fx->dir, "linkage");
    snprintf(fx->db, sizeof fx->db, "%s/t.db", fx->dir);
    fx->st = ts_open(fx->db, NULL, true);
    ib_err err;
    assert_int_equal(ib_store_sender(fx->st, "gemeente", true, &fx->gm, &err), IB_OK);
    assert_int_equal(ib_store_sender(fx->st, "uitzendbureau", true, &fx->ua, &err), IB_OK);
    assert_int_equal(ib_store_sender(fx->st, "huisvester", true, &fx->hp, &err), IB_OK);
    ib_store_set_actor(fx->st, "test");
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

static ib_person rec(int64_t sender, const char *ref, const char *bsn, const char *family,
                     const char *given, const char *birth)
{
    ib_person p;
    memset(&p, 0, sizeof p);
    p.meta.sender_id = sender;
    ib_strlcpy(p.ref, ref, sizeof p.ref);
    ib_strlcpy(p.bsn, bsn ? bsn : "", sizeof p.bsn);
    ib_strlcpy(p.family_name, family, sizeof p.family_name);
    ib_strlcpy(p.given_names, given, sizeof p.given_names);
    p.birth_date = d(birth);
    p.sex = IB_SEX_V;
    ib_strlcpy(p.nationality, "PL", sizeof p.nationality);
    p.category = IB_CAT_LABOUR;
    return p;
}

/* Puts p in its own transaction; returns its person id. */
static int64_t put(fixture *fx, ib_person *p)
{
    ib_err err;
    ib_put_result res;
    assert_int_equal(ib_store_begin(fx->st, &err), IB_OK);
    int rc = ib_store_put_person(fx->st, p, &res, &err);
    if (rc)
        print_error("put %s: %s\n", p->ref, err.msg);
    assert_int_equal(rc, IB_OK);
    assert_int_equal(ib_store_commit(fx->st, &err), IB_OK);
    int64_t person;
    assert_int_equal(ib_store_person_of_record(fx->st, p->meta.id, &person, &err), IB_OK);
    return person;
}

static long open_reviews(fixture *fx)
{
    return raw_count(fx->db, "SELECT count(*) FROM link_reviews WHERE state = 'open'");
}

/* ------------------------------------------------------------ names */

static void normalised(const char *in, const char *want)
{
    char out[IB_NAME_NORM_MAX];
    assert_int_equal(ib_name_normalise(in, out, sizeof out), IB_OK);
    assert_string_equal(out, want);
}

static void test_normalise(void **state)
{
    (void)state;
    normalised("Wójcik-Nowak ", "wojcik nowak");
    normalised("Ştefan", "stefan");
    normalised("  VAN  DER   Berg ", "van der berg");
    normalised("O'Neill", "o neill");
    normalised("St. -  Jean", "st jean");
    normalised("ŁUKASZ", "łukasz");          /* Ł has no decomposition */
    normalised("Straße", "strasse");         /* case folding */
    normalised("ＡＢＣ", "abc");             /* compatibility forms */
    normalised("", "");
    char small[4];
    assert_int_equal(ib_name_normalise("abcdef", small, sizeof small), IB_ELIMIT);
    assert_int_equal(ib_name_normalise("\xff\xfe", small, sizeof small), IB_EINVAL);
}

static void test_jaro_winkler(void **state)
{
    (void)state;
    /* Winkler's classic examples */
    assert_true(fabs(ib_jaro_winkler("martha", "marhta") - 0.9611) < 1e-4);
    assert_true(fabs(ib_jaro_winkler("dwayne", "duane") - 0.84) < 1e-4);
    assert_true(fabs(ib_jaro_winkler("dixon", "dicksonx") - 0.8133) < 1e-4);
    assert_true(ib_jaro_winkler("kowalski", "kowalski") == 1.0);
    assert_true(ib_jaro_winkler("", "kowalski") == 0.0);
    assert_true(ib_jaro_winkler("kowalski", "kowalsky") >= 0.92);
    assert_true(ib_jaro_winkler("kowalski", "nowak") < 0.92);
    /* by code point, not byte */
    assert_true(fabs(ib_jaro_winkler("łukasz", "lukasz") - ib_jaro_winkler("xukasz", "lukasz"))
                < 1e-9);
}

static void test_birth_dates(void **state)
{
    (void)state;
    assert_true(ib_birth_dates_look_alike(d("1990-05-07"), d("1990-05-07")));
    assert_true(ib_birth_dates_look_alike(d("1990-05-07"), d("1990-07-05")));  /* swap */
    assert_true(ib_birth_dates_look_alike(d("1990-05-07"), d("1980-05-07")));  /* digit */
    assert_true(ib_birth_dates_look_alike(d("1990-05-07"), d("1990-05-27")));
    assert_false(ib_birth_dates_look_alike(d("1990-05-07"), d("1991-05-08")));
    assert_false(ib_birth_dates_look_alike(d("1990-05-07"), d("1990-06-08")));
    ib_date v[IB_BIRTH_VARIANTS_MAX];
    int n = ib_birth_date_variants(d("1990-05-07"), v, IB_BIRTH_VARIANTS_MAX);
    assert_true(n > 2 && n <= IB_BIRTH_VARIANTS_MAX);
    assert_int_equal(v[0], d("1990-05-07"));
    for (int i = 0; i < n; i++)
        assert_true(ib_birth_dates_look_alike(d("1990-05-07"), v[i]));
}

/* ------------------------------------------------------------ rules 1-3 */

static void test_same_bsn_links(void **state)
{
    fixture *fx = *state;
    ib_person a = rec(fx->gm, "G1", "111222333", "Wójcik", "Anna", "1990-05-07");
    ib_person b = rec(fx->ua, "U77", "111222333", "WOJCIK", "ANNA MARIA", "1990-07-05");
    int64_t pa = put(fx, &a), pb = put(fx, &b);
    assert_int_equal(pa, pb);               /* whatever else differs */
    ib_person c = rec(fx->hp, "H9", "123456782", "Wójcik", "Anna", "1990-05-07");
    assert_int_not_equal(put(fx, &c), pa);  /* rule 2: never across BSNs */
    /* re-sending the same records changes no link */
    assert_int_equal(put(fx, &a), pa);
    assert_int_equal(put(fx, &b), pa);
    assert_int_equal(raw_count(fx->db, "SELECT count(DISTINCT people_id) FROM persons"), 2);
}

static void test_same_sender_two_keys(void **state)
{
    fixture *fx = *state;
    ib_person a = rec(fx->ua, "U1", "111222333", "Nowak", "Jan", "1985-01-02");
    ib_person b = rec(fx->ua, "U2", "111222333", "Nowak", "Jan", "1985-01-02");
    int64_t pa = put(fx, &a);
    assert_string_equal(a.linked_ref, "");
    assert_int_equal(put(fx, &b), pa);
    assert_string_equal(b.linked_ref, "U1");   /* for the import report */
}

static void test_identity_without_bsn(void **state)
{
    fixture *fx = *state;
    ib_person a = rec(fx->gm, "G1", "111222333", "Wójcik-Nowak", "Anna", "1990-05-07");
    int64_t pa = put(fx, &a);
    ib_person b = rec(fx->ua, "U1", NULL, "WOJCIK NOWAK", "ANNA", "1990-05-07");
    assert_int_equal(put(fx, &b), pa);
    /* another nationality: no link (and no look-alike: the names are equal
     * but rule 4 proposes it) */
    ib_person c = rec(fx->hp, "H1", NULL, "Wojcik Nowak", "Anna", "1990-05-07");
    ib_strlcpy(c.nationality, "RO", sizeof c.nationality);
    assert_int_not_equal(put(fx, &c), pa);
    assert_true(open_reviews(fx) >= 1);
}

static void test_identity_from_the_other_side(void **state)
{
    fixture *fx = *state;
    /* the record without a BSN comes first; the one with it later */
    ib_person b = rec(fx->ua, "U1", NULL, "SZABO", "ISTVAN", "1979-11-30");
    int64_t pb = put(fx, &b);
    ib_person a = rec(fx->gm, "G1", "111222333", "Szabó", "István", "1979-11-30");
    int64_t pa = put(fx, &a);
    int64_t now;
    ib_err err;
    assert_int_equal(ib_store_person_of_record(fx->st, b.meta.id, &now, &err), IB_OK);
    assert_int_equal(now, pa);
    /* the absorbed id leads to the person it joined */
    int64_t current;
    assert_int_equal(ib_store_resolve_person(fx->st, pb, &current, &err), IB_OK);
    assert_int_equal(current, pa);
}

static void test_identity_ambiguous(void **state)
{
    fixture *fx = *state;
    ib_person a = rec(fx->gm, "G1", "111222333", "Popescu", "Ion", "1988-03-04");
    ib_person b = rec(fx->gm, "G2", "123456782", "Popescu", "Ion", "1988-03-04");
    int64_t pa = put(fx, &a), pb = put(fx, &b);
    assert_int_not_equal(pa, pb);
    ib_person c = rec(fx->ua, "U1", NULL, "POPESCU", "ION", "1988-03-04");
    int64_t pc = put(fx, &c);
    assert_int_not_equal(pc, pa);
    assert_int_not_equal(pc, pb);
    assert_int_equal(raw_count(fx->db, "SELECT count(*) FROM link_reviews"
                                       " WHERE reason = 'ambiguous'"), 2);
}

static void test_identity_blocked_by_same_sender(void **state)
{
    fixture *fx = *state;
    ib_person a = rec(fx->ua, "U1", "111222333", "Kovacs", "Eva", "1991-02-03");
    int64_t pa = put(fx, &a);
    ib_person b = rec(fx->ua, "U2", NULL, "Kovacs", "Eva", "1991-02-03");
    assert_int_not_equal(put(fx, &b), pa);    /* the person already has a U-record */
    assert_int_equal(raw_count(fx->db, "SELECT count(*) FROM link_reviews"
                                       " WHERE reason = 'same-sender'"), 1);
}

/* ------------------------------------------------------------ rule 4 */

static void test_look_alikes_to_review(void **state)
{
    fixture *fx = *state;
    ib_person a = rec(fx->gm, "G1", "111222333", "Kowalski", "Jan", "1990-05-07");
    int64_t pa = put(fx, &a);
    /* a typo and a swapped day and month: not linked, proposed */
    ib_person b = rec(fx->ua, "U1", NULL, "KOWALSKY", "JAN", "1990-07-05");
    int64_t pb = put(fx, &b);
    assert_int_not_equal(pa, pb);
    assert_int_equal(open_reviews(fx), 1);
    /* given and family name swapped */
    ib_person c = rec(fx->hp, "H1", NULL, "Jan", "Kowalski", "1990-05-07");
    put(fx, &c);
    assert_true(open_reviews(fx) >= 2);
    /* far apart: nothing */
    ib_person e = rec(fx->hp, "H2", NULL, "Nowak", "Piotr", "1990-05-07");
    long before = open_reviews(fx);
    put(fx, &e);
    assert_int_equal(open_reviews(fx), before);
}

static int first_review(void *ctx, const ib_link_review *r)
{
    *(ib_link_review *)ctx = *r;
    return 1;
}

static void test_decisions(void **state)
{
    fixture *fx = *state;
    ib_err err;
    ib_person a = rec(fx->gm, "G1", "111222333", "Kowalski", "Jan", "1990-05-07");
    ib_person b = rec(fx->ua, "U1", NULL, "KOWALSKY", "JAN", "1990-05-07");
    int64_t pa = put(fx, &a), pb = put(fx, &b);
    ib_link_review r;
    assert_int_equal(ib_store_each_review(fx->st, IB_REVIEW_OPEN, first_review, &r, &err), 1);
    assert_int_equal(ib_store_decide_review(fx->st, r.id, false, "", &err), IB_EINVAL);
    assert_int_equal(ib_store_decide_review(fx->st, r.id, false, "andere moeder", &err), IB_OK);
    assert_int_equal(ib_store_decide_review(fx->st, r.id, true, "toch", &err), IB_ECONFLICT);
    /* a pair declared different is not proposed again */
    put(fx, &b);
    b.language[0] = 'n';
    b.language[1] = 'l';
    put(fx, &b);
    assert_int_equal(open_reviews(fx), 0);
    assert_int_not_equal(pa, pb);
    /* the decision is in the audit */
    assert_true(raw_count(fx->db, "SELECT count(*) FROM audit WHERE action = 'review'") >= 1);
}

static void test_review_link_and_unlink(void **state)
{
    fixture *fx = *state;
    ib_err err;
    ib_person a = rec(fx->gm, "G1", "111222333", "Kowalski", "Jan", "1990-05-07");
    ib_person b = rec(fx->ua, "U1", NULL, "KOWALSKY", "JAN", "1990-05-07");
    int64_t pa = put(fx, &a), pb = put(fx, &b);
    ib_link_review r;
    assert_int_equal(ib_store_each_review(fx->st, IB_REVIEW_OPEN, first_review, &r, &err), 1);
    assert_int_equal(ib_store_decide_review(fx->st, r.id, true, "zelfde paspoort", &err), IB_OK);
    int64_t now;
    assert_int_equal(ib_store_person_of_record(fx->st, b.meta.id, &now, &err), IB_OK);
    assert_int_equal(now, pa < pb ? pa : pb);
    /* unlink restores both persons as they were */
    int64_t back;
    assert_int_equal(ib_store_unlink_record(fx->st, b.meta.id, "", &back, &err), IB_EINVAL);
    assert_int_equal(ib_store_unlink_record(fx->st, b.meta.id, "vergissing", &back, &err), IB_OK);
    assert_int_equal(back, pb);
    assert_int_equal(ib_store_person_of_record(fx->st, a.meta.id, &now, &err), IB_OK);
    assert_int_equal(now, pa);
    assert_int_equal(ib_store_unlink_record(fx->st, b.meta.id, "nog eens", &back, &err),
                     IB_EINVAL);      /* alone already */
    assert_true(raw_count(fx->db, "SELECT count(*) FROM audit WHERE action = 'unlink'") >= 1);
}

/* A pair whose two records become one person another way (a manual link)
 * is settled with it, not left open. */
static void test_link_settles_open_pairs(void **state)
{
    fixture *fx = *state;
    ib_err err;
    ib_person a = rec(fx->gm, "G1", "111222333", "Kowalski", "Jan", "1990-05-07");
    ib_person b = rec(fx->ua, "U1", NULL, "KOWALSKY", "JAN", "1990-05-07");
    int64_t pa = put(fx, &a), pb = put(fx, &b);
    assert_int_equal(open_reviews(fx), 1);
    int64_t into;
    assert_int_equal(ib_store_link_persons(fx->st, pa, pb, "paspoort gezien", &into, &err),
                     IB_OK);
    assert_int_equal(open_reviews(fx), 0);
    assert_int_equal(raw_count(fx->db, "SELECT count(*) FROM link_reviews WHERE state = 'linked'"),
                     1);
}

static void test_manual_link_rules(void **state)
{
    fixture *fx = *state;
    ib_err err;
    ib_person a = rec(fx->gm, "G1", "111222333", "A", "B", "1990-05-07");
    ib_person b = rec(fx->ua, "U1", "123456782", "C", "D", "1970-01-01");
    ib_person c = rec(fx->hp, "H1", NULL, "E", "F", "1960-01-01");
    int64_t pa = put(fx, &a), pb = put(fx, &b), pc = put(fx, &c);
    int64_t into;
    assert_int_equal(ib_store_link_persons(fx->st, pa, pb, "zelfde", &into, &err), IB_ECONFLICT);
    assert_non_null(strstr(err.msg, "BSN"));
    assert_int_equal(ib_store_link_persons(fx->st, pa, pc, "", &into, &err), IB_EINVAL);
    assert_int_equal(ib_store_link_persons(fx->st, pa, pc, "zelfde persoon", &into, &err),
                     IB_OK);
    /* rule 2 through a third record: c (no BSN) now holds a's BSN, so b
     * may not join */
    assert_int_equal(ib_store_link_persons(fx->st, pb, pc, "zelfde", &into, &err), IB_ECONFLICT);
    /* a record sharing its BSN with another of the person cannot leave */
    ib_person a2 = rec(fx->ua, "U2", "111222333", "A", "B", "1990-05-07");
    assert_int_equal(put(fx, &a2), pa);
    int64_t back;
    assert_int_equal(ib_store_unlink_record(fx->st, a2.meta.id, "weg", &back, &err), IB_ECONFLICT);
}

static void test_bsn_change_splits(void **state)
{
    fixture *fx = *state;
    ib_person a = rec(fx->gm, "G1", "111222333", "Nagy", "Zoltan", "1980-01-01");
    ib_person b = rec(fx->ua, "U1", "111222333", "NAGY", "ZOLTAN", "1980-01-01");
    int64_t pa = put(fx, &a);
    assert_int_equal(put(fx, &b), pa);
    /* the agency corrects the BSN: b leaves (rule 2) */
    ib_strlcpy(b.bsn, "123456782", sizeof b.bsn);
    assert_int_not_equal(put(fx, &b), pa);
    ib_err err;
    int64_t now;
    assert_int_equal(ib_store_person_of_record(fx->st, a.meta.id, &now, &err), IB_OK);
    assert_int_equal(now, pa);
}

/* ------------------------------------------------------------ ids */

static void test_ids_never_reused(void **state)
{
    fixture *fx = *state;
    ib_err err;
    ib_person a = rec(fx->gm, "G1", "111222333", "A", "B", "1990-05-07");
    ib_person b = rec(fx->gm, "G2", "123456782", "C", "D", "1991-05-07");
    put(fx, &a);
    int64_t pb = put(fx, &b);
    assert_int_equal(ib_store_erase_person(fx->st, pb, "test", "verzoek", NULL, &err), IB_OK);
    ib_person c = rec(fx->gm, "G3", NULL, "E", "F", "1992-05-07");
    int64_t pc = put(fx, &c);
    assert_true(pc > pb);
    int64_t current;
    assert_int_equal(ib_store_resolve_person(fx->st, pb, &current, &err), IB_ENOTFOUND);
    /* and after reopening the database */
    ib_store_close(fx->st);
    fx->st = ts_open(fx->db, NULL, false);
    assert_int_equal(ib_store_erase_person(fx->st, pc, "test", "verzoek", NULL, &err), IB_OK);
    ib_person e = rec(fx->gm, "G4", NULL, "G", "H", "1993-05-07");
    assert_true(put(fx, &e) > pc);
}

/* ------------------------------------------------------------ the monitor */

static void put_stay(fixture *fx, int64_t sender, const char *ref, const char *arr,
                     const char *dep)
{
    ib_stay s;
    memset(&s, 0, sizeof s);
    s.meta.sender_id = sender;
    ib_strlcpy(s.person_ref, ref, sizeof s.person_ref);
    s.arrival = d(arr);
    s.departure = dep ? d(dep) : IB_DATE_NONE;
    ib_err err;
    ib_put_result res;
    assert_int_equal(ib_store_begin(fx->st, &err), IB_OK);
    assert_int_equal(ib_store_put_stay(fx->st, &s, &res, &err), IB_OK);
    assert_int_equal(ib_store_commit(fx->st, &err), IB_OK);
}

static void test_monitor_over_persons(void **state)
{
    fixture *fx = *state;
    ib_person a = rec(fx->gm, "G1", "111222333", "Nowak", "Ewa", "1990-05-07");
    ib_person b = rec(fx->ua, "U1", "111222333", "NOWAK", "EWA", "1990-05-07");
    ib_person c = rec(fx->hp, "H1", NULL, "Other", "One", "1970-01-01");
    ib_strlcpy(b.nationality, "RO", sizeof b.nationality);   /* a conflict */
    put(fx, &a);
    put(fx, &b);
    put(fx, &c);
    put_stay(fx, fx->gm, "G1", "2020-01-01", "2020-06-01");
    put_stay(fx, fx->ua, "U1", "2020-06-02", "2021-01-01");   /* touches */
    put_stay(fx, fx->gm, "G1", "2022-01-01", NULL);
    put_stay(fx, fx->ua, "U1", "2021-12-01", "2022-02-01");   /* overlaps an open one */
    put_stay(fx, fx->hp, "H1", "2020-01-01", "2020-02-01");
    ib_mdata md;
    ib_err err;
    assert_int_equal(ib_mdata_load(fx->st, NULL, &md, &err), IB_OK);
    assert_int_equal(md.n_persons, 2);
    assert_int_equal(md.n_stays, 3);
    /* the linked person: two stays, joined across the senders */
    size_t linked = md.persons[0].birth == d("1990-05-07") ? 0 : 1;
    uint32_t from = md.stay_off[linked], to = md.stay_off[linked + 1];
    assert_int_equal(to - from, 2);
    assert_int_equal(md.stays[from].arrival, d("2020-01-01"));
    assert_int_equal(md.stays[from].departure, d("2021-01-01"));
    assert_int_equal(md.stays[from + 1].arrival, d("2021-12-01"));
    assert_int_equal(md.stays[from + 1].departure, IB_DATE_NONE);
    /* fixed attributes: both have a BSN, the agency's was updated last */
    assert_memory_equal(md.persons[linked].nationality, "RO", 2);
    ib_mdata_free(&md);
    /* one sender's view: its own records only */
    ib_filter f = {.sender_id = fx->gm};
    assert_int_equal(ib_mdata_load(fx->st, &f, &md, &err), IB_OK);
    assert_int_equal(md.n_persons, 1);
    assert_int_equal(md.n_stays, 2);
    ib_mdata_free(&md);
}

static void put_org(fixture *fx, int64_t sender, const char *ref, const char *kvk)
{
    ib_organisation o;
    memset(&o, 0, sizeof o);
    o.meta.sender_id = sender;
    ib_strlcpy(o.ref, ref, sizeof o.ref);
    ib_strlcpy(o.name, ref, sizeof o.name);
    ib_strlcpy(o.kvk, kvk, sizeof o.kvk);
    o.kind = IB_ORG_AGENCY;
    ib_err err;
    ib_put_result res;
    assert_int_equal(ib_store_begin(fx->st, &err), IB_OK);
    assert_int_equal(ib_store_put_organisation(fx->st, &o, &res, &err), IB_OK);
    assert_int_equal(ib_store_commit(fx->st, &err), IB_OK);
}

static void put_location_and_bed(fixture *fx, int64_t sender, const char *loc_ref,
                                 const char *postcode, const char *number,
                                 const char *provider, const char *person_ref)
{
    ib_location l;
    memset(&l, 0, sizeof l);
    l.meta.sender_id = sender;
    ib_strlcpy(l.ref, loc_ref, sizeof l.ref);
    ib_strlcpy(l.postcode, postcode, sizeof l.postcode);
    ib_strlcpy(l.house_number, number, sizeof l.house_number);
    ib_strlcpy(l.municipality, "GM0518", sizeof l.municipality);
    l.kind = IB_LOC_SHARED_HOUSE;
    l.capacity = 4;
    l.floor_area_m2 = IB_CENTS_NONE;
    ib_strlcpy(l.provider_ref, provider, sizeof l.provider_ref);
    l.certified_until = IB_DATE_NONE;
    ib_housing h;
    memset(&h, 0, sizeof h);
    h.meta.sender_id = sender;
    ib_strlcpy(h.person_ref, person_ref, sizeof h.person_ref);
    ib_strlcpy(h.location_ref, loc_ref, sizeof h.location_ref);
    ib_strlcpy(h.provided_by_ref, provider, sizeof h.provided_by_ref);
    h.start = d("2021-01-01");
    h.end = IB_DATE_NONE;
    ib_err err;
    ib_put_result res;
    assert_int_equal(ib_store_begin(fx->st, &err), IB_OK);
    assert_int_equal(ib_store_put_location(fx->st, &l, &res, &err), IB_OK);
    int rc = ib_store_put_housing(fx->st, &h, &res, &err);
    if (rc)
        print_error("housing: %s\n", err.msg);
    assert_int_equal(rc, IB_OK);
    assert_int_equal(ib_store_commit(fx->st, &err), IB_OK);
}

/* Organisations with one KvK number are one organisation, locations at one
 * address (postcode and house number, the addition's spelling aside) one
 * location: occupancy and tied housing count across senders. */
static void test_organisations_and_addresses(void **state)
{
    fixture *fx = *state;
    ib_person a = rec(fx->ua, "U1", "111222333", "A", "B", "1990-05-07");
    ib_person b = rec(fx->hp, "H1", "123456782", "C", "D", "1991-05-07");
    put(fx, &a);
    put(fx, &b);
    put_org(fx, fx->ua, "SELF", "12345678");
    put_org(fx, fx->hp, "FLEX-BV", "12345678");
    put_location_and_bed(fx, fx->ua, "L1", "1234AB", "12-a", "SELF", "U1");
    put_location_and_bed(fx, fx->hp, "HUIS-9", "1234AB", "12 A", "FLEX-BV", "H1");
    ib_mdata md;
    ib_err err;
    assert_int_equal(ib_mdata_load(fx->st, NULL, &md, &err), IB_OK);
    assert_int_equal(md.n_locations, 2);
    assert_int_equal(md.locations[0].merged + md.locations[1].merged, 1);
    assert_int_equal(md.orgs[0].merged + md.orgs[1].merged, 1);
    /* both beds at the one location, both provided by the one organisation */
    assert_int_equal(md.housings[0].location, md.housings[1].location);
    assert_false(md.locations[md.housings[0].location].merged);
    assert_int_equal(md.housings[0].provided_by, md.housings[1].provided_by);
    assert_false(md.orgs[md.housings[0].provided_by].merged);
    ib_mdata_free(&md);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalise),
        cmocka_unit_test(test_jaro_winkler),
        cmocka_unit_test(test_birth_dates),
        cmocka_unit_test_setup_teardown(test_same_bsn_links, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_sender_two_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identity_without_bsn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identity_from_the_other_side, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identity_ambiguous, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identity_blocked_by_same_sender, setup, teardown),
        cmocka_unit_test_setup_teardown(test_look_alikes_to_review, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decisions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_review_link_and_unlink, setup, teardown),
        cmocka_unit_test_setup_teardown(test_link_settles_open_pairs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_manual_link_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bsn_change_splits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids_never_reused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_monitor_over_persons, setup, teardown),
        cmocka_unit_test_setup_teardown(test_organisations_and_addresses, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
