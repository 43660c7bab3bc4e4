/* test_signals.c — the signal rules of docs/signals.md at their
 * boundaries, on registries built by hand from the scan records the store
 * hands over: exactly 4 months, 31 January + 1 month, the 30 days after a
 * job, contacts on the trigger day and after R, RNI, occupancy equal to
 * capacity, exactly 12 m² per person, records dated after R, two senders'
 * records of one person, settings changed; keys, naming, municipality,
 * order; and the explanations (why, what to do, why it lapsed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "signals/sig_internal.h"

/* ------------------------------------------------------------ fixture */

typedef struct fx {
    sig_data d;
    int64_t next;                      /* store ids, unique over kinds */
    bool finished;
    ib_signal_list l;
} fx;

static ib_date D(const char *s)
{
    ib_date out;
    ib_err err;
    if (!s)
        return IB_DATE_NONE;
    assert_int_equal(ib_date_parse(s, strlen(s), &out, &err), IB_OK);
    return out;
}

static void fx_init(fx *f)
{
    memset(f, 0, sizeof *f);
    sig_data_init(&f->d);
    f->next = 100;
}

static void fx_free(fx *f)
{
    sig_data_free(&f->d);
    ib_signal_list_free(&f->l);
}

static int64_t fx_sender(fx *f, const char *ref)
{
    int64_t id = ++f->next;
    assert_int_equal(sig_add_sender(&f->d, id, ref), IB_OK);
    return id;
}

static int64_t fx_org(fx *f, int64_t sender, const char *ref, const char *kvk)
{
    ib_scan_org o = {.id = ++f->next, .sender_id = sender, .ref = ref, .name = ref,
                     .kind = IB_ORG_AGENCY};
    ib_strlcpy(o.kvk, kvk ? kvk : "", sizeof o.kvk);
    assert_int_equal(sig_add_org(&f->d, &o), IB_OK);
    return o.id;
}

/* area in hundredths of m2 (IB_CENTS_NONE unknown), beds -1 unknown */
static int64_t fx_loc(fx *f, int64_t sender, const char *ref, const char *postcode,
                      const char *number, const char *muni, int32_t beds, int64_t area)
{
    ib_scan_location l = {.id = ++f->next, .sender_id = sender, .ref = ref,
                          .kind = IB_LOC_SHARED_HOUSE, .capacity = beds,
                          .floor_area_m2 = area};
    ib_strlcpy(l.municipality, muni, sizeof l.municipality);
    ib_strlcpy(l.postcode, postcode, sizeof l.postcode);
    ib_strlcpy(l.house_number, number, sizeof l.house_number);
    assert_int_equal(sig_add_location(&f->d, &l), IB_OK);
    return l.id;
}

/* A person record; person 0: a person of its own. */
static int64_t fx_rec(fx *f, int64_t sender, const char *ref, int64_t person)
{
    ib_scan_person p = {.id = ++f->next, .sender_id = sender, .ref = ref,
                        .birth_date = D("1990-01-01"), .nationality = "PL",
                        .person_id = person};
    if (!person)
        p.person_id = p.id;
    assert_int_equal(sig_add_person(&f->d, &p), IB_OK);
    return p.id;
}

static void fx_stay(fx *f, int64_t rec, const char *arrival, const char *departure)
{
    ib_scan_stay s = {++f->next, rec, D(arrival), D(departure)};
    assert_int_equal(sig_add_stay(&f->d, &s), IB_OK);
}

static void fx_reg(fx *f, int64_t rec, ib_reg_kind kind, const char *muni,
                   const char *start, const char *end)
{
    ib_scan_registration r = {.id = ++f->next, .person_id = rec, .kind = kind,
                              .start = D(start), .end = D(end)};
    ib_strlcpy(r.municipality, muni, sizeof r.municipality);
    assert_int_equal(sig_add_registration(&f->d, &r), IB_OK);
}

static void fx_emp(fx *f, int64_t rec, int64_t employer, int64_t agency,
                   const char *start, const char *end)
{
    ib_scan_employment e = {.id = ++f->next, .person_id = rec, .employer_id = employer,
                            .agency_id = agency, .contract = IB_CONTRACT_AGENCY,
                            .start = D(start), .end = D(end),
                            .monthly_wage = IB_CENTS_NONE};
    assert_int_equal(sig_add_employment(&f->d, &e), IB_OK);
}

static void fx_housing(fx *f, int64_t rec, int64_t loc, int64_t provided_by,
                       const char *start, const char *end)
{
    ib_scan_housing h = {++f->next, rec, loc, provided_by, D(start), D(end)};
    assert_int_equal(sig_add_housing(&f->d, &h), IB_OK);
}

static void fx_event(fx *f, int64_t rec, ib_event_kind kind, const char *date)
{
    ib_scan_life_event ev = {++f->next, rec, kind, D(date)};
    assert_int_equal(sig_add_life_event(&f->d, &ev), IB_OK);
}

static void fx_contact(fx *f, int64_t rec, ib_contact_kind kind, const char *date)
{
    ib_scan_contact c = {++f->next, rec, kind, D(date)};
    assert_int_equal(sig_add_contact(&f->d, &c), IB_OK);
}

/* Evaluates on R with settings s (NULL: the defaults); f->l holds them. */
static size_t fx_eval_with(fx *f, const char *at, const ib_signal_settings *s)
{
    ib_err err;
    if (!f->finished) {
        assert_int_equal(sig_data_finish(&f->d, &err), IB_OK);
        f->finished = true;
    }
    ib_signal_settings def;
    ib_signal_settings_default(&def);
    ib_signal_list_free(&f->l);
    int rc = sig_evaluate(&f->d, D(at), s ? s : &def, &f->l, &err);
    if (rc)
        print_error("%s\n", err.msg);
    assert_int_equal(rc, IB_OK);
    return f->l.n;
}

static size_t fx_eval(fx *f, const char *at)
{
    return fx_eval_with(f, at, NULL);
}

/* The number of signals of a kind in f->l. */
static size_t count(const fx *f, ib_signal_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < f->l.n; i++)
        n += f->l.v[i].kind == kind;
    return n;
}

/* The signal (kind, sender, ref, key), or NULL. */
static const ib_active_signal *find(const fx *f, ib_signal_kind kind,
                                    const char *sender, const char *ref,
                                    const char *key)
{
    for (size_t i = 0; i < f->l.n; i++) {
        const ib_active_signal *s = &f->l.v[i];
        if (s->kind == kind && strcmp(s->subject_sender, sender) == 0 &&
            strcmp(s->subject_ref, ref) == 0 && strcmp(s->key, key) == 0)
            return s;
    }
    return NULL;
}

static bool has(const fx *f, ib_signal_kind kind, const char *ref, const char *key)
{
    for (size_t i = 0; i < f->l.n; i++)
        if (f->l.v[i].kind == kind && strcmp(f->l.v[i].subject_ref, ref) == 0 &&
            strcmp(f->l.v[i].key, key) == 0)
            return true;
    return false;
}

static char *fmt(ib_date d, char buf[IB_DATE_STRLEN])
{
    return ib_date_format(d, buf);
}

/* ------------------------------------------------------------ dates */

static void test_add_months(void **state)
{
    (void)state;
    char b[IB_DATE_STRLEN];
    assert_string_equal(fmt(sig_add_months(D("2025-01-31"), 1), b), "2025-03-01");
    assert_string_equal(fmt(sig_add_months(D("2024-01-31"), 1), b), "2024-03-01");
    assert_string_equal(fmt(sig_add_months(D("2024-01-29"), 1), b), "2024-02-29");
    assert_string_equal(fmt(sig_add_months(D("2023-01-29"), 1), b), "2023-03-01");
    assert_string_equal(fmt(sig_add_months(D("2023-10-31"), 4), b), "2024-03-01");
    assert_string_equal(fmt(sig_add_months(D("2023-11-30"), 3), b), "2024-03-01");
    assert_string_equal(fmt(sig_add_months(D("2023-12-15"), 1), b), "2024-01-15");
    assert_string_equal(fmt(sig_add_months(D("2024-02-29"), 12), b), "2025-03-01");
    assert_string_equal(fmt(sig_add_months(D("2024-03-31"), 0), b), "2024-03-31");
    assert_true(sig_covers(D("2024-01-01"), IB_DATE_NONE, D("2024-01-01")));
    assert_true(sig_covers(D("2024-01-01"), D("2024-01-05"), D("2024-01-05")));
    assert_false(sig_covers(D("2024-01-01"), D("2024-01-05"), D("2024-01-06")));
    assert_false(sig_covers(D("2024-01-02"), IB_DATE_NONE, D("2024-01-01")));
}

/* ------------------------------------------------------------ not_registered */

static void test_not_registered_four_months(void **state)
{
    (void)state;
    fx f;
    fx_init(&f);
    int64_t g = fx_sender(&f, "gemeente");
    int64_t a = fx_rec(&f, g, "A", 0);
    int64_t b = fx_rec(&f, g, "B", 0);
    fx_stay(&f, a, "2024-01-15", NULL);
    fx_stay(&f, b, "2023-10-31", NULL);     /* + 4 months: 31 Feb -> 1 March */
    fx_eval(&f, "2024-05-14");
    assert_false(has(&f, IB_SIG_NOT_REGISTERED, "A", "2024-01-15"));
    assert_true(has(&f, IB_SIG_NOT_REGISTERED, "B", "2023-10-31"));
    fx_eval(&f, "2024-05-15");                /* exactly 4 months */
    const ib_active_signal *s = find(&f, IB_SIG_NOT_REGISTERED, "gemeente", "A",
                                     "2024-01-15");
    assert_non_null(s);
    char buf[IB_DATE_STRLEN];
    assert_string_equal(fmt(s->since, buf), "2024-05-15");
    assert_string_equal(fmt(s->date, buf), "2024-01-15");
    assert_false(s->location);
    fx_eval(&f, "2024-02-29");
    assert_false(has(&f, IB_SIG_NOT_REGISTERED, "B", "2023-10-31"));
    fx_eval(&f, "2024-03-01");
    s = find(&f, IB_SIG_NOT_REGISTERED, "gemeente", "B", "2023-10-31");
    assert_non_null(s);
    assert_string_equal(fmt(s->since, buf), "2024-03-01");
    fx_free(&f);
}

static void test_not_registered_registrations(void **state)
{
    (void)state;
    fx f;
    fx_init(&f);
    int64_t g = fx_sender(&f, "gemeente");
    const char *refs[] = {"brp", "brp_ended", "brp_on_R", "rni", "brp_after_R",
                          "left_on_R", "left_after_R", "arrives_after_R"};
    int64_t r[8];
    for (int i = 0; i < 8; i++)
        r[i] = fx_rec(&f, g, refs[i], 0);
    for (int i = 0; i < 5; i++)
        fx_stay(&f, r[i], "2023-01-01", NULL);
    fx_stay(&f, r[5], "2023-01-01", "2024-06-01");
    fx_stay(&f, r[6], "2023-01-01", "2024-06-02");
    fx_stay(&f, r[7], "2024-06-02", NULL);
    fx_reg(&f, r[0], IB_REG_BRP, "GM0518", "2023-02-01", NULL);
    fx_reg(&f, r[1], IB_REG_BRP, "GM0518", "2023-02-01", "2024-05-31");
    fx_reg(&f, r[2], IB_REG_BRP, "GM0518", "2024-06-01", NULL);
    fx_reg(&f, r[3], IB_REG_RNI, "", "2023-02-01", NULL);
    fx_reg(&f, r[4], IB_REG_BRP, "GM0518", "2024-06-02", NULL);
    fx_eval(&f, "2024-06-01");
    assert_false(has(&f, IB_SIG_NOT_REGISTERED, "brp", "2023-01-01"));
    assert_true(has(&f, IB_SIG_NOT_REGISTERED, "brp_ended", "2023-01-01"));
    assert_false(has(&f, IB_SIG_NOT_REGISTERED, "brp_on_R", "2023-01-01"));
    assert_true(has(&f, IB_SIG_NOT_REGISTERED, "rni", "2023-01-01"));
    assert_true(has(&f, IB_SIG_NOT_REGISTERED, "brp_after_R", "2023-01-01"));
    assert_false(has(&f, IB_SIG_NOT_REGISTERED, "left_on_R", "2023-01-01"));
    assert_true(has(&f, IB_SIG_NOT_REGISTERED, "left_after_R", "2023-01-01"));
    assert_int_equal(count(&f, IB_SIG_NOT_REGISTERED), 4);
    /* the stay of arrives_after_R is not known on R: nothing at all */
    for (size_t i = 0; i < f.l.n; i++)
        assert_string_not_equal(f.l.v[i].subject_ref, "arrives_after_R");
    fx_free(&f);
}

/* ------------------------------------------------------------ no_address */

static void test_no_address(void **state)
{
    (void)state;
    fx f;
    fx_init(&f);
    int64_t g = fx_sender(&f, "gemeente");
    int64_t h = fx_sender(&f, "huisvester");
    int64_t loc = fx_loc(&f, h, "L1", "1234AB", "1", "GM0599", 10, IB_CENTS_NONE);
    int64_t a = fx_rec(&f, g, "A", 0);
    int64_t b = fx_rec(&f, g, "B", 0);
    int64_t c = fx_rec(&f, g, "C", 0);
    int64_t hb = fx_rec(&f, h, "HB", 0);
    int64_t hc = fx_rec(&f, h, "HC", 0);
    fx_stay(&f, a, "2024-05-02", NULL);       /* + 30 days = 2024-06-01 */
    fx_stay(&f, b, "2024-01-01", NULL);
    fx_stay(&f, c, "2024-01-01", NULL);
    fx_housing(&f, hb, loc, 0, "2024-01-01", "2024-05-31");   /* ended before R */
    fx_housing(&f, hc, loc, 0, "2024-06-02", NULL);           /* after R */
    fx_eval(&f, "2024-05-31");
    assert_false(has(&f, IB_SIG_NO_ADDRESS, "A", "2024-05-02"));
    fx_eval(&f, "2024-06-01");
    const ib_active_signal *s = find(&f, IB_SIG_NO_ADDRESS, "gemeente", "A", "2024-05-02");
    assert_non_null(s);
    char buf[IB_DATE_STRLEN];
    assert_string_equal(fmt(s->since, buf), "2024-06-01");
    /* the housings are other records' (unlinked here): B and C have none */
    assert_true(has(&f, IB_SIG_NO_ADDRESS, "B", "2024-01-01"));
    assert_true(has(&f, IB_SIG_NO_ADDRESS, "C", "2024-01-01"));
    fx_free(&f);
}

static void test_no_address_linked_housing(void **state)
{
    (void)state;
    fx f;
    fx_init(&f);
    int64_t g = fx_sender(&f, "gemeente");
    int64_t h = fx_sender(&f, "huisvester");
    int64_t loc = fx_loc(&f, h, "L1", "1234AB", "1", "GM0599", 10, IB_CENTS_NONE);
    int64_t b = fx_rec(&f, g, "B", 0);
    int64_t c = fx_rec(&f, g, "C", 0);
    int64_t hb = fx_rec(&f, h, "HB", b);      /* linked to B */
    int64_t hc = fx_rec(&f, h, "HC", c);      /* linked to C */
    fx_stay(&f, b, "2024-01-01", NULL);
    fx_stay(&f, c, "2024-01-01", NULL);
    fx_housing(&f, hb, loc, 0, "2024-01-01", "2024-06-01");   /* ends on R */
    fx_housing(&f, hc, loc, 0, "2024-01-01", "2024-05-31");   /* day before */
    fx_eval(&f, "2024-06-01");
    assert_false(has(&f, IB_SIG_NO_ADDRESS, "B", "2024-01-01"));
    assert_true(has(&f, IB_SIG_NO_ADDRESS, "C", "2024-01-01"));
    assert_int_equal(count(&f, IB_SIG_NO_ADDRESS), 1);
    /* named by the municipality's record, which delivered the stay */
    assert_non_null(find(&f, IB_SIG_NO_ADDRESS, "gemeente", "C", "2024-01-01"));
    /* no housing on R: the municipality of the latest */
    assert_string_equal(find(&f, IB_SIG_NO_ADDRESS, "gemeente", "C", "2024-01-01")
                            ->municipality, "GM0599");
    fx_free(&f);
}

/* ------------------------------------------------------------ job_and_bed */

/* One worker of an agency housed by the agency; the job ends on `end`. */
static void job_fixture(fx *f, const char *ref, const char *end, bool stay)
{
    int64_t g = fx_sender(f, "gemeente");
    int64_t u = fx_sender(f, "uitzendbureau");
    int64_t em = fx_org(f, u, "EM2", "12345678");
    int64_t ag = fx_org(f, u, "AG1", "87654321");
    int64_t loc = fx_loc(f, u, "HUIS1", "1234AB", "1", "GM0599", 10, IB_CENTS_NONE);
    int64_t m = fx_rec(f, g, "M1", 0);
    int64_t w = fx_rec(f, u, ref, m);
    if (stay)
        fx_stay(f, m, "2023-01-01", NULL);
    fx_emp(f, w, em, ag, "2024-02-20", end);
    fx_housing(f, w, loc, ag, "2024-02-20", NULL);
}

static void test_job_and_bed_thirty_days(void **state)
{
    (void)state;
    const char *R = "2024-06-01";
    struct { const char *end; bool in; } cases[] = {
        {"2024-05-02", true},            /* e = R - 30 */
        {"2024-05-01", false},           /* e = R - 31 */
        {"2024-05-31", true},            /* the day before R */
        {"2024-06-01", false},           /* e = R: the job covers R */
        {"2024-06-10", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        fx f;
        fx_init(&f);
        job_fixture(&f, "W1", cases[i].end, true);
        fx_eval(&f, R);
        const ib_active_signal *s = find(&f, IB_SIG_JOB_AND_BED, "gemeente", "M1",
                                         "EM2|2024-02-20");
        if (cases[i].in != (s != NULL))
            print_error("job ending %s\n", cases[i].end);
        assert_int_equal(cases[i].in, s != NULL);
        if (s) {
            char buf[IB_DATE_STRLEN];
            assert_string_equal(fmt(s->date, buf), cases[i].end);
            assert_int_equal(s->since, D(cases[i].end) + 1);
        }
        assert_int_equal(count(&f, IB_SIG_JOB_AND_BED), cases[i].in ? 1 : 0);
        fx_free(&f);
    }
}

static void test_job_and_bed_named_by_record(void **state)
{
    (void)state;
    fx f;
    fx_init(&f);
    job_fixture(&f, "W1", "2024-05-20", false);   /* no stay: the agency's record */
    fx_eval(&f, "2024-06-01");
    assert_non_null(find(&f, IB_SIG_JOB_AND_BED, "uitzendbureau", "W1",
                         "EM2|2024-02-20"));
    assert_int_equal(f.l.n, 1);
    fx_free(&f);
}

static void test_job_and_bed_organisations(void **state)
{
    (void)state;
    fx f;
    fx_init(&f);
    int64_t u = fx_sender(&f, "uitzendbureau");
    int64_t h = fx_sender(&f, "huisvester");
    int64_t em = fx_org(&f, u, "EM2", "12345678");
    int64_t other = fx_org(&f, u, "EM3", "");
    int64_t same_kvk = fx_org(&f, h, "BV-X", "12345678");    /* the employer */
    int64_t no_kvk = fx_org(&f, h, "EM3", "");               /* same ref, not one */
    int64_t loc = fx_loc(&f, h, "VHE1", "1234AB", "1", "GM0599", 10, IB_CENTS_NONE);
    int64_t w1 = fx_rec(&f, u, "W1", 0);
    int64_t w2 = fx_rec(&f, u, "W2", 0);
    int64_t w3 = fx_rec(&f, u, "W3", 0);
    int64_t h1 = fx_rec(&f, h, "H1", w1);
    int64_t h2 = fx_rec(&f, h, "H2", w2);
    int64_t h3 = fx_rec(&f, h, "H3", w3);
    /* W1: the provider's BV-X is the employer by KvK number */
    fx_emp(&f, w1, em, 0, "2024-01-01", "2024-05-20");
    fx_housing(&f, h1, loc, same_kvk, "2024-01-01", NULL);
    /* W2: EM3 of two senders without a KvK number: two organisations */
    fx_emp(&f, w2, other, 0, "2024-01-01", "2024-05-20");
    fx_housing(&f, h2, loc, no_kvk, "2024-01-01", NULL);
    /* W3: a new job with the same organisation covers R */
    fx_emp(&f, w3, em, 0, "2024-01-01", "2024-05-20");
    fx_emp(&f, w3, em, 0, "2024-05-25", NULL);
    fx_housing(&f, h3, loc, same_kvk, "2024-01-01", NULL);
    fx_eval(&f, "2024-06-01");
    assert_non_null(find(&f, IB_SIG_JOB_AND_BED, "uitzendbureau", "W1", "EM2|2024-01-01"));
    assert_int_equal(count(&f, IB_SIG_JOB_AND_BED), 1);
    fx_free(&f);
}

/* ------------------------------------------------------------ one_year_offer */

static void test_one_year_offer(void **state)
{
    (void)state;
    fx f;
    fx_init(&f);
    int64_t g = fx_sender(&f, "gemeente");
    int64_t i = fx_sender(&f, "informatiepunt");
    const char *refs[] = {"both", "career_after_R", "course_before", "course_only",
                          "none"};
    int64_t r[5], c[5];
    for (int k = 0; k < 5; k++) {
        r[k] = fx_rec(&f, g, refs[k], 0);
        c[k] = fx_rec(&f, i, refs[k], r[k]);   /* the contacts: another sender */
    }
    for (int k = 0; k < 5; k++)
        fx_stay(&f, r[k], "2023-01-31", NULL);  /* + 12 months = 2024-01-31 */
    fx_contact(&f, c[0], IB_CONTACT_LANGUAGE_COURSE_OFFER, "2023-01-31");
    fx_contact(&f, c[0], IB_CONTACT_CAREER_OFFER, "2024-02-01");     /* on R */
    fx_contact(&f, c[1], IB_CONTACT_LANGUAGE_COURSE_OFFER, "2023-03-01");
    fx_contact(&f, c[1], IB_CONTACT_CAREER_OFFER, "2024-02-02");     /* after R */
    fx_contact(&f, c[2], IB_CONTACT_LANGUAGE_COURSE_OFFER, "2023-01-30");
    fx_contact(&f, c[2], IB_CONTACT_CAREER_OFFER, "2023-05-01");
    fx_contact(&f, c[3], IB_CONTACT_LANGUAGE_COURSE_OFFER, "2023-05-01");
    fx_contact(&f, c[3], IB_CONTACT_INFORMATION, "2023-05-01");
    fx_eval(&f, "2024-01-30");
    assert_int_equal(count(&f, IB_SIG_ONE_YEAR_OFFER), 0);
    fx_eval(&f, "2024-02-01");
    assert_false(has(&f, IB_SIG_ONE_YEAR_OFFER, "both", "2023-01-31"));
    assert_true(has(&f, IB_SIG_ONE_YEAR_OFFER, "career_after_R", "2023-01-31"));
    assert_true(has(&f, IB_SIG_ONE_YEAR_OFFER, "course_before", "2023-01-31"));
    assert_true(has(&f, IB_SIG_ONE_YEAR_OFFER, "course_only", "2023-01-31"));
    const ib_active_signal *s = find(&f, IB_SIG_ONE_YEAR_OFFER, "gemeente", "none",
                                     "2023-01-31");
    assert_non_null(s);
    char buf[IB_DATE_STRLEN];
    assert_string_equal(fmt(s->since, buf), "2024-01-31");
    assert_int_equal(count(&f, IB_SIG_ONE_YEAR_OFFER), 4);
    fx_free(&f);
}

/* ------------------------------------------------------------ information_moment */

static void test_information_moment(void **state)
{
    (void)state;
    fx f;
    fx_init(&f);
    int64_t g = fx_sender(&f, "gemeente");
    const char *R = "2024-06-01";
    int64_t a = fx_rec(&f, g, "A", 0), b = fx_rec(&f, g, "B", 0),
            c = fx_rec(&f, g, "C", 0), d = fx_rec(&f, g, "D", 0),
            e = fx_rec(&f, g, "E", 0), k = fx_rec(&f, g, "K", 0),
            x = fx_rec(&f, g, "X", 0);
    fx_stay(&f, a, "2024-03-04", NULL);       /* R - 89: in */
    fx_stay(&f, b, "2024-03-03", NULL);       /* R - 90: out */
    fx_stay(&f, c, "2024-06-01", NULL);       /* R: in */
    fx_stay(&f, d, "2024-04-01", NULL);       /* contact on the trigger day */
    fx_contact(&f, d, IB_CONTACT_INFORMATION, "2024-04-01");
    fx_stay(&f, e, "2024-04-01", NULL);       /* contacts before and after */
    fx_contact(&f, e, IB_CONTACT_INFORMATION, "2024-03-31");
    fx_contact(&f, e, IB_CONTACT_INFORMATION, "2024-06-02");
    fx_contact(&f, e, IB_CONTACT_OTHER, "2024-05-01");
    fx_stay(&f, k, "2020-01-01", NULL);       /* life events as triggers */
    fx_event(&f, k, IB_EVENT_CHILD_BIRTH, "2024-05-01");
    fx_event(&f, k, IB_EVENT_PARTNER_START, "2024-05-10");
    fx_event(&f, k, IB_EVENT_HOME_PURCHASE, "2024-06-02");   /* after R */
    fx_event(&f, k, IB_EVENT_PARTNER_END, "2024-05-20");     /* no trigger */
    fx_contact(&f, k, IB_CONTACT_INFORMATION, "2024-05-05");  /* covers the birth */
    fx_stay(&f, x, "2024-01-01", "2024-05-31");              /* left: no stay open */
    fx_event(&f, x, IB_EVENT_CHILD_BIRTH, "2024-05-01");
    fx_eval(&f, R);
    assert_true(has(&f, IB_SIG_INFORMATION_MOMENT, "A", "arrival|2024-03-04"));
    assert_false(has(&f, IB_SIG_INFORMATION_MOMENT, "B", "arrival|2024-03-03"));
    assert_true(has(&f, IB_SIG_INFORMATION_MOMENT, "C", "arrival|2024-06-01"));
    assert_false(has(&f, IB_SIG_INFORMATION_MOMENT, "D", "arrival|2024-04-01"));
    assert_true(has(&f, IB_SIG_INFORMATION_MOMENT, "E", "arrival|2024-04-01"));
    assert_false(has(&f, IB_SIG_INFORMATION_MOMENT, "K", "child_birth|2024-05-01"));
    const ib_active_signal *s = find(&f, IB_SIG_INFORMATION_MOMENT, "gemeente", "K",
                                     "partner_start|2024-05-10");
    assert_non_null(s);
    assert_int_equal(s->since, D("2024-05-10"));
    assert_int_equal(count(&f, IB_SIG_INFORMATION_MOMENT), 4);
    fx_free(&f);
}

/* ------------------------------------------------------------ overcrowded */

static void test_overcrowded_capacity_and_area(void **state)
{
    (void)state;
    fx f;
    fx_init(&f);
    int64_t h = fx_sender(&f, "huisvester");
    int64_t full = fx_loc(&f, h, "FULL", "1234AB", "1", "GM0599", 2, IB_CENTS_NONE);
    int64_t over = fx_loc(&f, h, "OVER", "1234AB", "2", "GM0599", 2, IB_CENTS_NONE);
    int64_t norm = fx_loc(&f, h, "NORM", "1234AB", "3", "GM0518", -1, 2400);
    int64_t small = fx_loc(&f, h, "SMALL", "1234AB", "4", "GM0518", 10, 2399);
    int64_t empty = fx_loc(&f, h, "EMPTY", "1234AB", "5", "GM0518", 0, 0);
    (void)empty;
    int64_t p[7];
    char ref[8];
    for (int i = 0; i < 7; i++) {
        snprintf(ref, sizeof ref, "P%d", i);
        p[i] = fx_rec(&f, h, ref, 0);
    }
    fx_housing(&f, p[0], full, 0, "2024-01-01", NULL);
    fx_housing(&f, p[0], full, 0, "2024-02-01", NULL);       /* one person, twice */
    fx_housing(&f, p[1], full, 0, "2024-01-01", "2024-06-01");
    fx_housing(&f, p[2], over, 0, "2024-01-01", NULL);
    fx_housing(&f, p[3], over, 0, "2024-01-01", NULL);
    fx_housing(&f, p[4], over, 0, "2024-03-01", NULL);       /* the third: since */
    fx_housing(&f, p[5], norm, 0, "2024-01-01", NULL);
    fx_housing(&f, p[6], norm, 0, "2024-01-01", NULL);       /* 24.00 / 2 = 12 */
    fx_housing(&f, p[5], small, 0, "2024-01-01", NULL);
    fx_housing(&f, p[6], small, 0, "2024-01-01", NULL);      /* 23.99 / 2 < 12 */
    fx_eval(&f, "2024-06-01");
    assert_int_equal(count(&f, IB_SIG_OVERCROWDED), 2);
    const ib_active_signal *s = find(&f, IB_SIG_OVERCROWDED, "huisvester", "OVER", "");
    assert_non_null(s);
    assert_true(s->location);
    assert_int_equal(s->occupancy, 3);
    assert_int_equal(s->capacity, 2);
    assert_int_equal(s->since, D("2024-03-01"));
    assert_string_equal(s->municipality, "GM0599");
    s = find(&f, IB_SIG_OVERCROWDED, "huisvester", "SMALL", "");
    assert_non_null(s);
    assert_int_equal(s->occupancy, 2);
    assert_int_equal(s->floor_area, 2399);
    assert_int_equal(s->since, D("2024-01-01"));
    /* before the third occupant OVER was within its beds */
    fx_eval(&f, "2024-02-29");
    assert_null(find(&f, IB_SIG_OVERCROWDED, "huisvester", "OVER", ""));
    fx_free(&f);
}

/* Two senders list one address; the occupants are linked persons of two
 * senders: each counts once. The run of overcrowded days began when the
 * third person came, after a gap. */
static void test_overcrowded_merged_address(void **state)
{
    (void)state;
    fx f;
    fx_init(&f);
    int64_t h = fx_sender(&f, "huisvester");
    int64_t u = fx_sender(&f, "uitzendbureau");
    /* the store normalises postcodes; house numbers come as written */
    int64_t l1 = fx_loc(&f, h, "VHE1", "1234AB", "12 a", "GM0599", 2, IB_CENTS_NONE);
    int64_t l2 = fx_loc(&f, u, "LOC7", "1234AB", "12-a", "GM0599", 5, IB_CENTS_NONE);
    int64_t a = fx_rec(&f, h, "HA", 0), b = fx_rec(&f, h, "HB", 0);
    int64_t a2 = fx_rec(&f, u, "UA", a);     /* HA's person */
    int64_t c = fx_rec(&f, u, "UC", 0);
    fx_housing(&f, a, l1, 0, "2024-01-01", NULL);
    fx_housing(&f, a2, l2, 0, "2024-01-01", NULL);
    fx_housing(&f, b, l1, 0, "2024-01-01", NULL);
    fx_housing(&f, c, l2, 0, "2024-02-01", "2024-02-10");
    fx_housing(&f, c, l2, 0, "2024-04-01", NULL);
    fx_eval(&f, "2024-02-05");
    const ib_active_signal *s = find(&f, IB_SIG_OVERCROWDED, "huisvester", "VHE1", "");
    assert_non_null(s);
    assert_int_equal(s->occupancy, 3);
    assert_int_equal(s->since, D("2024-02-01"));
    fx_eval(&f, "2024-03-01");
    assert_int_equal(count(&f, IB_SIG_OVERCROWDED), 0);
    fx_eval(&f, "2024-06-01");
    s = find(&f, IB_SIG_OVERCROWDED, "huisvester", "VHE1", "");
    assert_non_null(s);
    assert_int_equal(s->capacity, 2);                  /* the first record's */
    assert_int_equal(s->since, D("2024-04-01"));
    assert_int_equal(count(&f, IB_SIG_OVERCROWDED), 1);
    fx_free(&f);
}

/* ------------------------------------------------------------ one person, two senders */

static void test_linked_person_one_subject(void **state)
{
    (void)state;
    fx f;
    fx_init(&f);
    int64_t a = fx_sender(&f, "a-bureau");
    int64_t g = fx_sender(&f, "gemeente");
    int64_t m = fx_rec(&f, g, "M1", 0);
    int64_t w = fx_rec(&f, a, "W1", m);
    int64_t x = fx_rec(&f, a, "W2", 0);
    int64_t y = fx_rec(&f, g, "M2", x);
    /* the agency's stay and the municipality's touch: one stay from the
     * earliest arrival, named by the record that delivered it */
    fx_stay(&f, w, "2023-01-01", "2023-03-01");
    fx_stay(&f, m, "2023-03-02", NULL);
    /* two senders deliver the same arrival: the lower sender ref names */
    fx_stay(&f, y, "2023-05-01", NULL);
    fx_stay(&f, x, "2023-05-01", "2023-09-01");
    fx_eval(&f, "2024-06-01");
    assert_true(has(&f, IB_SIG_NOT_REGISTERED, "W1", "2023-01-01"));
    assert_true(has(&f, IB_SIG_NO_ADDRESS, "W1", "2023-01-01"));
    assert_true(has(&f, IB_SIG_NOT_REGISTERED, "W2", "2023-05-01"));
    assert_int_equal(count(&f, IB_SIG_NOT_REGISTERED), 2);
    const ib_active_signal *s = find(&f, IB_SIG_NOT_REGISTERED, "a-bureau", "W1",
                                     "2023-01-01");
    assert_non_null(s);
    assert_int_equal(s->subject_id, m);
    assert_int_equal(s->subject_record_id, w);
    /* a gap of a day more: two stays; the open one is the municipality's */
    fx_free(&f);
    fx_init(&f);
    a = fx_sender(&f, "a-bureau");
    g = fx_sender(&f, "gemeente");
    m = fx_rec(&f, g, "M1", 0);
    w = fx_rec(&f, a, "W1", m);
    fx_stay(&f, w, "2023-01-01", "2023-03-01");
    fx_stay(&f, m, "2023-03-03", NULL);
    fx_eval(&f, "2024-06-01");
    assert_true(has(&f, IB_SIG_NOT_REGISTERED, "M1", "2023-03-03"));
    assert_int_equal(f.l.n, 3);            /* and no_address, one_year_offer */
    fx_free(&f);
}

/* Stays of one record that touch stay apart; a third record's stay joins
 * them all. */
static void test_stays_joined_through_a_third(void **state)
{
    (void)state;
    fx f;
    fx_init(&f);
    int64_t g = fx_sender(&f, "gemeente");
    int64_t u = fx_sender(&f, "uitzendbureau");
    int64_t m = fx_rec(&f, g, "M", 0);
    int64_t w = fx_rec(&f, u, "W", m);
    fx_stay(&f, m, "2023-01-01", "2023-02-01");
    fx_stay(&f, m, "2023-02-01", NULL);
    (void)w;
    fx_eval(&f, "2024-06-01");
    assert_true(has(&f, IB_SIG_NOT_REGISTERED, "M", "2023-02-01"));
    assert_int_equal(count(&f, IB_SIG_NOT_REGISTERED), 1);
    fx_free(&f);
    fx_init(&f);
    g = fx_sender(&f, "gemeente");
    u = fx_sender(&f, "uitzendbureau");
    m = fx_rec(&f, g, "M", 0);
    w = fx_rec(&f, u, "W", m);
    fx_stay(&f, m, "2023-01-01", "2023-02-01");
    fx_stay(&f, m, "2023-02-01", NULL);
    fx_stay(&f, w, "2023-01-20", "2023-02-10");
    fx_eval(&f, "2024-06-01");
    assert_true(has(&f, IB_SIG_NOT_REGISTERED, "M", "2023-01-01"));
    assert_int_equal(count(&f, IB_SIG_NOT_REGISTERED), 1);
    fx_free(&f);
}

/* ------------------------------------------------------------ municipality, order */

static void test_municipality_and_order(void **state)
{
    (void)state;
    fx f;
    fx_init(&f);
    int64_t g = fx_sender(&f, "gemeente");
    int64_t h = fx_sender(&f, "huisvester");
    int64_t loc = fx_loc(&f, h, "L", "1234AB", "1", "GM0855", -1, IB_CENTS_NONE);
    int64_t a = fx_rec(&f, g, "A", 0), b = fx_rec(&f, g, "B", 0),
            c = fx_rec(&f, g, "C", 0), d = fx_rec(&f, g, "D", 0);
    int64_t hb = fx_rec(&f, h, "HB", b), hd = fx_rec(&f, h, "HD", d);
    for (int64_t r = a; r <= d; r++)
        fx_stay(&f, r, "2023-01-01", NULL);
    fx_reg(&f, a, IB_REG_RNI, "GM0518", "2023-02-01", NULL);          /* RNI covering */
    fx_housing(&f, hb, loc, 0, "2023-02-01", NULL);                   /* housing */
    fx_reg(&f, c, IB_REG_RNI, "GM0599", "2023-02-01", "2023-03-01");  /* latest of */
    fx_housing(&f, hd, loc, 0, "2023-02-01", "2023-04-01");           /* either */
    fx_reg(&f, d, IB_REG_RNI, "GM0599", "2023-02-01", "2023-03-01");
    fx_eval(&f, "2024-06-01");
    assert_string_equal(find(&f, IB_SIG_NOT_REGISTERED, "gemeente", "A", "2023-01-01")
                            ->municipality, "GM0518");
    assert_string_equal(find(&f, IB_SIG_NOT_REGISTERED, "gemeente", "B", "2023-01-01")
                            ->municipality, "GM0855");
    assert_string_equal(find(&f, IB_SIG_NOT_REGISTERED, "gemeente", "C", "2023-01-01")
                            ->municipality, "GM0599");
    /* the same start: the registration */
    assert_string_equal(find(&f, IB_SIG_NOT_REGISTERED, "gemeente", "D", "2023-01-01")
                            ->municipality, "GM0599");
    /* kind, sender, ref, key */
    for (size_t i = 1; i < f.l.n; i++) {
        const ib_active_signal *x = &f.l.v[i - 1], *y = &f.l.v[i];
        assert_true(x->kind <= y->kind);
        if (x->kind == y->kind) {
            int cmp = strcmp(x->subject_sender, y->subject_sender);
            if (!cmp) cmp = strcmp(x->subject_ref, y->subject_ref);
            if (!cmp) cmp = strcmp(x->key, y->key);
            assert_true(cmp < 0);
        }
    }
    assert_int_equal(f.l.v[0].kind, IB_SIG_NOT_REGISTERED);
    assert_string_equal(f.l.v[0].subject_ref, "A");
    assert_int_equal(f.l.v[f.l.n - 1].kind, IB_SIG_NO_ADDRESS);
    fx_free(&f);
}

/* ------------------------------------------------------------ settings */

static void test_settings_changed(void **state)
{
    (void)state;
    fx f;
    fx_init(&f);
    int64_t g = fx_sender(&f, "gemeente");
    int64_t u = fx_sender(&f, "uitzendbureau");
    int64_t ag = fx_org(&f, u, "AG", "");
    int64_t loc = fx_loc(&f, u, "L", "1234AB", "1", "GM0599", 10, 2399);
    int64_t a = fx_rec(&f, g, "A", 0);
    int64_t w = fx_rec(&f, u, "W", a);
    int64_t o = fx_rec(&f, u, "O", 0);
    fx_stay(&f, a, "2024-01-15", NULL);
    fx_emp(&f, w, ag, 0, "2024-01-20", "2024-05-20");
    fx_housing(&f, w, loc, ag, "2024-01-20", NULL);
    fx_housing(&f, o, loc, 0, "2024-01-20", NULL);
    ib_signal_settings s;
    ib_signal_settings_default(&s);
    fx_eval_with(&f, "2024-06-01", &s);
    assert_int_equal(count(&f, IB_SIG_NOT_REGISTERED), 1);
    assert_int_equal(count(&f, IB_SIG_OVERCROWDED), 1);
    assert_int_equal(count(&f, IB_SIG_JOB_AND_BED), 1);
    assert_int_equal(count(&f, IB_SIG_INFORMATION_MOMENT), 0);
    s.registration_months = 5;
    s.min_area_m2 = 1199;
    s.job_loss_days = 11;
    s.information_days = 140;
    s.offer_months = 4;
    s.address_days = 0;
    fx_eval_with(&f, "2024-06-01", &s);
    assert_int_equal(count(&f, IB_SIG_NOT_REGISTERED), 0);
    assert_int_equal(count(&f, IB_SIG_OVERCROWDED), 0);
    assert_int_equal(count(&f, IB_SIG_JOB_AND_BED), 0);
    assert_true(has(&f, IB_SIG_INFORMATION_MOMENT, "A", "arrival|2024-01-15"));
    assert_true(has(&f, IB_SIG_ONE_YEAR_OFFER, "A", "2024-01-15"));
    s.job_loss_days = 12;                 /* e = R - 12 */
    fx_eval_with(&f, "2024-06-01", &s);
    assert_int_equal(count(&f, IB_SIG_JOB_AND_BED), 1);
    s.registration_months = -1;
    ib_signal_list l;
    ib_err err;
    assert_int_equal(sig_evaluate(&f.d, D("2024-06-01"), &s, &l, &err), IB_EINVAL);
    assert_non_null(strstr(err.msg, "registration_months"));
    assert_int_equal(l.n, 0);
    fx_free(&f);
}

/* ------------------------------------------------------------ explanations */

static void test_explain(void **state)
{
    (void)state;
    char why[512], todo[512], d[SIG_DATE_TEXT];
    assert_string_equal(sig_date_text(D("2025-03-03"), false, d), "3 maart 2025");
    assert_string_equal(sig_date_text(D("2025-03-03"), true, d), "3 March 2025");
    assert_string_equal(sig_date_text(D("2026-12-07"), false, d), "7 december 2026");
    ib_active_signal s;
    memset(&s, 0, sizeof s);
    s.kind = IB_SIG_NOT_REGISTERED;
    s.date = D("2025-03-03");
    ib_signal_explain(&s, false, why, sizeof why, todo, sizeof todo);
    assert_string_equal(why, "In Nederland sinds 3 maart 2025, niet ingeschreven in de BRP.");
    assert_non_null(strstr(todo, "in te schrijven in de BRP"));
    ib_signal_explain(&s, true, why, sizeof why, todo, sizeof todo);
    assert_string_equal(why, "In the Netherlands since 3 March 2025, not registered in the BRP.");
    assert_non_null(strstr(todo, "register in the BRP"));
    s.kind = IB_SIG_INFORMATION_MOMENT;
    s.date = D("2025-05-01");
    ib_strlcpy(s.key, "child_birth|2025-05-01", sizeof s.key);
    ib_signal_explain(&s, false, why, sizeof why, todo, sizeof todo);
    assert_non_null(strstr(why, "Een kind geboren op 1 mei 2025"));
    assert_non_null(strstr(todo, "informatiegesprek"));
    s.kind = IB_SIG_JOB_AND_BED;
    ib_strlcpy(s.key, "EM2|2024-02-20", sizeof s.key);
    s.date = D("2025-05-31");
    ib_signal_explain(&s, true, why, sizeof why, todo, sizeof todo);
    assert_non_null(strstr(why, "The job with EM2 ended on 31 May 2025"));
    s.kind = IB_SIG_OVERCROWDED;
    s.since = D("2025-01-02");
    s.occupancy = 3;
    s.capacity = -1;
    s.floor_area = 3550;
    ib_signal_explain(&s, false, why, sizeof why, todo, sizeof todo);
    assert_string_equal(why, "Overbewoond sinds 2 januari 2025: 3 bewoners op 35,5 m², "
                             "11,83 m² per persoon, minder dan de norm.");
    assert_non_null(strstr(todo, "inspectie"));
    s.capacity = 2;
    ib_signal_explain(&s, true, why, sizeof why, todo, sizeof todo);
    assert_string_equal(why, "Overcrowded since 2 January 2025: 3 occupants for 2 beds.");
    s.kind = IB_SIG_NO_ADDRESS;
    ib_signal_explain(&s, false, why, 16, todo, 8);     /* truncated, terminated */
    assert_int_equal(strlen(why), 15);
    assert_int_equal(strlen(todo), 7);
    for (int k = 0; k < IB_SIG_KIND_COUNT; k++) {
        s.kind = (ib_signal_kind)k;
        ib_signal_explain(&s, k % 2, why, sizeof why, todo, sizeof todo);
        assert_true(strlen(why) > 10 && strlen(todo) > 10);
    }
    assert_string_equal(ib_code_text(ib_signal_kind_codes, IB_SIG_INFORMATION_MOMENT),
                        "information_moment");
}

/* The signal of kind/ref/key found on `at`, copied into *out. */
static void keep(fx *f, const char *at, ib_signal_kind kind, const char *ref,
                 const char *key, ib_active_signal *out)
{
    fx_eval(f, at);
    for (size_t i = 0; i < f->l.n; i++)
        if (f->l.v[i].kind == kind && strcmp(f->l.v[i].subject_ref, ref) == 0 &&
            strcmp(f->l.v[i].key, key) == 0) {
            *out = f->l.v[i];
            return;
        }
    fail_msg("no signal %s %s on %s", ref, key, at);
}

static void ended(fx *f, const ib_active_signal *was, const char *at,
                  const char *nl_want, const char *en_want)
{
    char nl[256], en[256];
    ib_signal_settings s;
    ib_signal_settings_default(&s);
    ib_err err;
    int rc = sig_ended_why(&f->d, was, D(at), &s, nl, sizeof nl, en, sizeof en, &err);
    if (rc)
        print_error("%s\n", err.msg);
    assert_int_equal(rc, IB_OK);
    assert_string_equal(nl, nl_want);
    if (en_want)
        assert_string_equal(en, en_want);
}

static void test_ended_why(void **state)
{
    (void)state;
    fx f;
    fx_init(&f);
    int64_t g = fx_sender(&f, "gemeente");
    int64_t u = fx_sender(&f, "uitzendbureau");
    int64_t em = fx_org(&f, u, "EM2", "12345678");
    int64_t loc = fx_loc(&f, u, "L", "1234AB", "1", "GM0599", 1, IB_CENTS_NONE);
    int64_t a = fx_rec(&f, g, "A", 0), b = fx_rec(&f, g, "B", 0),
            c = fx_rec(&f, g, "C", 0), e = fx_rec(&f, g, "E", 0);
    int64_t wa = fx_rec(&f, u, "WA", a), wb = fx_rec(&f, u, "WB", b);
    fx_stay(&f, a, "2025-01-10", NULL);
    fx_stay(&f, b, "2025-01-10", "2026-04-01");
    fx_stay(&f, c, "2025-01-10", NULL);
    fx_stay(&f, e, "2026-02-01", NULL);
    fx_reg(&f, a, IB_REG_BRP, "GM0599", "2026-03-03", NULL);
    /* A: job with EM2 until 2026-01-31, bed from EM2 until 2026-02-15 */
    fx_emp(&f, wa, em, 0, "2025-01-10", "2026-01-31");
    fx_housing(&f, wa, loc, em, "2025-01-10", "2026-02-15");
    /* B: job ends, bed stays, new job with the same employer */
    fx_emp(&f, wb, em, 0, "2025-01-10", "2026-01-31");
    fx_emp(&f, wb, em, 0, "2026-02-10", NULL);
    fx_housing(&f, wb, loc, em, "2025-01-10", NULL);
    /* C: offers of both kinds, then an address */
    fx_contact(&f, c, IB_CONTACT_LANGUAGE_COURSE_OFFER, "2026-02-01");
    fx_contact(&f, c, IB_CONTACT_CAREER_OFFER, "2026-02-20");
    fx_housing(&f, c, loc, 0, "2026-03-01", NULL);
    /* E: arrived, informed later */
    fx_contact(&f, e, IB_CONTACT_INFORMATION, "2026-03-05");

    ib_active_signal was;
    keep(&f, "2026-02-01", IB_SIG_NOT_REGISTERED, "A", "2025-01-10", &was);
    ended(&f, &was, "2026-03-03", "vervallen: ingeschreven in de BRP op 3 maart 2026",
          "lapsed: registered in the BRP on 3 March 2026");
    keep(&f, "2026-02-01", IB_SIG_NOT_REGISTERED, "B", "2025-01-10", &was);
    ended(&f, &was, "2026-04-01", "vervallen: vertrokken uit Nederland op 1 april 2026",
          "lapsed: left the Netherlands on 1 April 2026");
    keep(&f, "2026-02-01", IB_SIG_JOB_AND_BED, "A", "EM2|2025-01-10", &was);
    ended(&f, &was, "2026-02-16",
          "vervallen: het bed van de werkgever of het uitzendbureau eindigde op 15 februari 2026",
          "lapsed: the bed from the employer or agency ended on 15 February 2026");
    keep(&f, "2026-02-01", IB_SIG_JOB_AND_BED, "B", "EM2|2025-01-10", &was);
    ended(&f, &was, "2026-02-10",
          "vervallen: weer aan het werk bij dezelfde werkgever of hetzelfde uitzendbureau "
          "sinds 10 februari 2026", NULL);
    keep(&f, "2026-02-01", IB_SIG_ONE_YEAR_OFFER, "C", "2025-01-10", &was);
    ended(&f, &was, "2026-02-20",
          "vervallen: taalcursus aangeboden op 1 februari 2026 en loopbaanbegeleiding "
          "aangeboden op 20 februari 2026",
          "lapsed: language course offered on 1 February 2026 and career guidance "
          "offered on 20 February 2026");
    keep(&f, "2026-02-11", IB_SIG_NO_ADDRESS, "C", "2025-01-10", &was);
    ended(&f, &was, "2026-03-01",
          "vervallen: een bed op een bekend adres sinds 1 maart 2026",
          "lapsed: a bed at a known address since 1 March 2026");
    keep(&f, "2026-03-01", IB_SIG_INFORMATION_MOMENT, "E", "arrival|2026-02-01", &was);
    ended(&f, &was, "2026-03-05", "vervallen: informatiegesprek gehouden op 5 maart 2026",
          "lapsed: information contact held on 5 March 2026");
    keep(&f, "2026-02-01", IB_SIG_OVERCROWDED, "L", "", &was);
    assert_int_equal(was.occupancy, 2);
    ended(&f, &was, "2026-02-16", "vervallen: op 16 februari 2026 weer binnen de grenzen: "
          "1 bewoner", "lapsed: within limits again on 16 February 2026: 1 occupant");

    /* still active: refused */
    keep(&f, "2026-02-01", IB_SIG_NOT_REGISTERED, "C", "2025-01-10", &was);
    char nl[128], en[128];
    ib_signal_settings s;
    ib_signal_settings_default(&s);
    ib_err err;
    assert_int_equal(sig_ended_why(&f.d, &was, D("2026-02-02"), &s, nl, sizeof nl, en,
                                   sizeof en, &err), IB_ECONFLICT);
    /* settings changed: no single cause */
    s.registration_months = 20;
    assert_int_equal(sig_ended_why(&f.d, &was, D("2026-02-02"), &s, nl, sizeof nl, en,
                                   sizeof en, &err), IB_OK);
    assert_string_equal(nl, "vervallen: de voorwaarde geldt niet meer op 2 februari 2026");
    assert_string_equal(en, "lapsed: the condition no longer holds on 2 February 2026");
    /* a person no longer there (erased) */
    was.subject_id = 999999;
    was.subject_record_id = 999999;
    ib_strlcpy(was.subject_ref, "GONE", sizeof was.subject_ref);
    ended(&f, &was, "2026-02-02",
          "vervallen: de voorwaarde geldt niet meer op 2 februari 2026", NULL);
    fx_free(&f);
}

/* The 30 days after the job pass while the bed stays. */
static void test_ended_job_window(void **state)
{
    (void)state;
    fx f;
    fx_init(&f);
    job_fixture(&f, "W1", "2024-05-20", true);
    ib_active_signal was;
    keep(&f, "2024-06-01", IB_SIG_JOB_AND_BED, "M1", "EM2|2024-02-20", &was);
    fx_eval(&f, "2024-06-19");
    assert_int_equal(count(&f, IB_SIG_JOB_AND_BED), 1);       /* e = R - 30 */
    ended(&f, &was, "2024-06-20",
          "vervallen: meer dan 30 dagen na het einde van het werk op 20 mei 2024",
          "lapsed: more than 30 days after the job ended on 20 May 2024");
    fx_free(&f);
}

/* A signal found for a person found again when the person was linked into
 * another since: by the record that named it. */
static void test_ended_after_link(void **state)
{
    (void)state;
    fx f;
    fx_init(&f);
    int64_t g = fx_sender(&f, "gemeente");
    int64_t a = fx_rec(&f, g, "A", 0);
    fx_stay(&f, a, "2025-01-10", NULL);
    fx_reg(&f, a, IB_REG_BRP, "GM0599", "2026-03-03", NULL);
    ib_active_signal was;
    keep(&f, "2026-02-01", IB_SIG_NOT_REGISTERED, "A", "2025-01-10", &was);
    was.subject_id = 424242;              /* absorbed by a link */
    ended(&f, &was, "2026-03-04", "vervallen: ingeschreven in de BRP op 3 maart 2026",
          NULL);
    fx_free(&f);
}

/* Rows that name unknown records are refused. */
static void test_unknown_references(void **state)
{
    (void)state;
    sig_data d;
    sig_data_init(&d);
    assert_int_equal(sig_add_sender(&d, 1, "s"), IB_OK);
    ib_scan_person p = {.id = 5, .sender_id = 1, .ref = "P", .person_id = 5};
    assert_int_equal(sig_add_person(&d, &p), IB_OK);
    ib_scan_person q = {.id = 6, .sender_id = 2, .ref = "Q"};
    assert_int_equal(sig_add_person(&d, &q), IB_ESTORE);
    ib_scan_stay s = {7, 99, D("2024-01-01"), IB_DATE_NONE};
    assert_int_equal(sig_add_stay(&d, &s), IB_ESTORE);
    ib_scan_housing h = {8, 5, 77, 0, D("2024-01-01"), IB_DATE_NONE};
    assert_int_equal(sig_add_housing(&d, &h), IB_ESTORE);
    ib_err err;
    assert_int_equal(sig_data_finish(&d, &err), IB_OK);
    assert_int_equal(d.n_persons, 1);
    ib_signal_list l;
    ib_signal_settings set;
    ib_signal_settings_default(&set);
    assert_int_equal(sig_evaluate(&d, D("2024-06-01"), &set, &l, &err), IB_OK);
    assert_int_equal(l.n, 0);
    ib_signal_list_free(&l);
    sig_data_free(&d);
    /* an empty registry */
    sig_data_init(&d);
    assert_int_equal(sig_data_finish(&d, &err), IB_OK);
    assert_int_equal(sig_evaluate(&d, D("2024-06-01"), &set, &l, &err), IB_OK);
    assert_int_equal(l.n, 0);
    ib_signal_list_free(&l);
    sig_data_free(&d);
    char key[32];
    sig_address_key("1234 ab", "12 a", key, sizeof key);
    assert_string_equal(key, "1234AB|12-A");
    sig_address_key("1234AB", "12-a", key, sizeof key);
    assert_string_equal(key, "1234AB|12-A");
    sig_address_key("1234AB", "", key, sizeof key);
    assert_string_equal(key, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_months),
        cmocka_unit_test(test_not_registered_four_months),
        cmocka_unit_test(test_not_registered_registrations),
        cmocka_unit_test(test_no_address),
        cmocka_unit_test(test_no_address_linked_housing),
        cmocka_unit_test(test_job_and_bed_thirty_days),
        cmocka_unit_test(test_job_and_bed_named_by_record),
        cmocka_unit_test(test_job_and_bed_organisations),
        cmocka_unit_test(test_one_year_offer),
        cmocka_unit_test(test_information_moment),
        cmocka_unit_test(test_overcrowded_capacity_and_area),
        cmocka_unit_test(test_overcrowded_merged_address),
        cmocka_unit_test(test_linked_person_one_subject),
        cmocka_unit_test(test_stays_joined_through_a_third),
        cmocka_unit_test(test_municipality_and_order),
        cmocka_unit_test(test_settings_changed),
        cmocka_unit_test(test_explain),
        cmocka_unit_test(test_ended_why),
        cmocka_unit_test(test_ended_job_window),
        cmocka_unit_test(test_ended_after_link),
        cmocka_unit_test(test_unknown_references),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
