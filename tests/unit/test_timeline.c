/* test_timeline.c — stays as survival data (T, event, censoring, fixed
 * attributes, --stays first) and their counting-process intervals (cuts at
 * episode starts and ends, partner events, the day a child turns 18, WML
 * changes, exact 130 % / 200 %), the intervals CSV and the Cox design; and
 * loading the same from a SQLite store. Every boundary checked by hand. */
#include "monitor_fixture.h"

#include <math.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"

#define BIT(tv) (1u << (tv))

static ib_mstay stay_of(const ib_mdata *d, uint32_t p, uint32_t k, ib_date at)
{
    ib_mstay s;
    assert_true(ib_monitor_stay(d, p, d->stay_off[p] + k, at, &s));
    return s;
}

/* The intervals of stay k of person p as an array the test frees. */
static ib_minterval *cut(const ib_mdata *d, uint32_t p, uint32_t k, ib_date at,
                         size_t *n)
{
    ib_mstay s = stay_of(d, p, k, at);
    ib_minterval *buf = NULL;
    size_t cap = 0;
    ib_err err;
    assert_int_equal(ib_monitor_stay_intervals(d, &s, at, IB_TV_ALL, &buf, n,
                                               &cap, &err),
                     IB_OK);
    return buf;
}

/* ------------------------------------------------------------ survival */

static void test_event_and_censoring(void **state)
{
    (void)state;
    ib_mdata d;
    ib_mdata_init(&d);
    uint32_t a = fx_person(&d, "a", "1990-01-01", "PL", IB_SEX_M, IB_CAT_LABOUR);
    fx_stay(&d, a, "2020-01-01", "2020-03-01");   /* departs before R */
    fx_stay(&d, a, "2021-01-01", "2022-01-01");   /* departs on R */
    fx_stay(&d, a, "2022-01-01", "2022-01-02");   /* arrives on R, departs after */
    fx_stay(&d, a, "2022-02-01", NULL);           /* arrives after R */
    fx_finish(&d);
    ib_date R = D("2022-01-01");

    ib_mstay s = stay_of(&d, a, 0, R);
    assert_int_equal(s.event, 1);
    assert_int_equal(s.time, 60);                 /* 31 + 29 (leap 2020) */
    s = stay_of(&d, a, 1, R);
    assert_int_equal(s.event, 1);                 /* departure <= R */
    assert_int_equal(s.time, 365);
    s = stay_of(&d, a, 2, R);
    assert_int_equal(s.event, 0);                 /* departure after R unknown */
    assert_int_equal(s.time, 1);                  /* R - arrival + 1 */
    assert_int_equal(s.stay_no, 3);
    ib_mstay x;
    assert_false(ib_monitor_stay(&d, a, d.stay_off[a] + 3, R, &x));

    ib_msurv_opts o = {.at = R};
    ib_msurv sv;
    ib_err err;
    assert_int_equal(ib_monitor_stays(&d, &o, &sv, &err), IB_OK);
    assert_int_equal(sv.n, 3);
    ib_msurv_free(&sv);
    o.first_only = true;
    assert_int_equal(ib_monitor_stays(&d, &o, &sv, &err), IB_OK);
    assert_int_equal(sv.n, 1);
    assert_int_equal(sv.stays[0].time, 60);
    ib_msurv_free(&sv);
    ib_mdata_free(&d);
}

static void test_fixed_attributes(void **state)
{
    (void)state;
    ib_mdata d;
    ib_mdata_init(&d);
    /* 25th birthday on the arrival day: band 25-34 */
    uint32_t a = fx_person(&d, "a", "1995-03-10", "PL", IB_SEX_V, IB_CAT_LABOUR);
    fx_stay(&d, a, "2020-03-10", NULL);
    fx_reg(&d, a, IB_REG_RNI, NULL, "2020-03-10", "2020-06-30");
    fx_reg(&d, a, IB_REG_BRP, "GM0518", "2020-07-01", "2021-01-01");
    fx_reg(&d, a, IB_REG_BRP, "GM0363", "2021-01-02", NULL);
    /* one day short of 25: 18-24 */
    uint32_t b = fx_person(&d, "b", "1995-03-11", "GB", IB_SEX_M, IB_CAT_KNOWLEDGE);
    fx_stay(&d, b, "2020-03-10", NULL);
    fx_reg(&d, b, IB_REG_BRP, "GM0518", "2023-01-01", NULL);   /* after R */
    /* 17 and 67 at arrival: other */
    uint32_t c = fx_person(&d, "c", "2003-01-01", "RO", IB_SEX_X, IB_CAT_LABOUR);
    fx_stay(&d, c, "2020-12-31", NULL);
    uint32_t e = fx_person(&d, "e", "1953-01-01", "ES", IB_SEX_UNKNOWN, IB_CAT_LABOUR);
    fx_stay(&d, e, "2020-01-01", NULL);
    uint32_t f = fx_person(&d, "f", "1953-01-02", "NO", IB_SEX_UNKNOWN, IB_CAT_LABOUR);
    fx_stay(&d, f, "2020-01-01", NULL);
    fx_finish(&d);
    ib_date R = D("2022-01-01");

    ib_mstay s = stay_of(&d, a, 0, R);
    assert_int_equal(s.attr.age_band, IB_AGE_25_34);
    assert_int_equal(s.attr.cohort, 2020);
    assert_int_equal(s.attr.first_brp, 518);
    assert_int_equal(s.attr.flags, IB_MP_EU | IB_MP_CEE);
    assert_int_equal(s.attr.sex, IB_SEX_V);
    s = stay_of(&d, b, 0, R);
    assert_int_equal(s.attr.age_band, IB_AGE_18_24);
    assert_int_equal(s.attr.first_brp, IB_MUNI_NONE);
    assert_int_equal(s.attr.flags, 0);            /* the UK is not EU */
    assert_int_equal(stay_of(&d, c, 0, R).attr.age_band, IB_AGE_OTHER);
    assert_int_equal(stay_of(&d, e, 0, R).attr.age_band, IB_AGE_OTHER); /* 67 */
    assert_int_equal(stay_of(&d, e, 0, R).attr.flags, IB_MP_EU | IB_MP_SOUTH);
    assert_int_equal(stay_of(&d, f, 0, R).attr.age_band, IB_AGE_55_66); /* 66 */
    assert_int_equal(stay_of(&d, f, 0, R).attr.flags, IB_MP_EU);        /* EEA */

    char buf[16];
    assert_string_equal(ib_group_label(IB_GROUP_FIRST_BRP,
        ib_group_key(IB_GROUP_FIRST_BRP, &s.attr, IB_MUNI_NONE), buf, sizeof buf),
        "unknown");
    s = stay_of(&d, a, 0, R);
    assert_string_equal(ib_group_label(IB_GROUP_NATIONALITY,
        ib_group_key(IB_GROUP_NATIONALITY, &s.attr, 0), buf, sizeof buf), "PL");
    assert_string_equal(ib_group_label(IB_GROUP_EU,
        ib_group_key(IB_GROUP_EU, &s.attr, 0), buf, sizeof buf), "EU");
    ib_group g;
    ib_err err;
    assert_int_equal(ib_group_parse("cohort", &g, &err), IB_OK);
    assert_int_equal(g, IB_GROUP_COHORT);
    assert_int_equal(ib_group_parse("nope", &g, &err), IB_EINVAL);
    ib_mdata_free(&d);
}

static void test_bad_stay_rejected(void **state)
{
    (void)state;
    ib_mdata d;
    ib_mdata_init(&d);
    uint32_t a = fx_person(&d, "a", "1990-01-01", "PL", IB_SEX_M, IB_CAT_LABOUR);
    fx_stay(&d, a, "2020-01-01", "2020-01-01");
    ib_err err;
    assert_int_equal(ib_mdata_finish(&d, &err), IB_EINVAL);
    ib_mdata_free(&d);
}

/* ------------------------------------------------------------ intervals */

static void test_employment_cuts(void **state)
{
    (void)state;
    ib_mdata d;
    ib_mdata_init(&d);
    int32_t org = fx_org(&d, "boer", IB_ORG_EMPLOYER);
    uint32_t a = fx_person(&d, "a", "1990-01-01", "PL", IB_SEX_M, IB_CAT_LABOUR);
    fx_stay(&d, a, "2022-01-01", "2022-03-01");   /* T = 59, event */
    /* covers 2022-01-11 .. 2022-01-21: k = 10 .. 20 */
    fx_emp(&d, a, "2022-01-11", "2022-01-21", IB_CONTRACT_AGENCY, -1, org, org);
    /* starts after the departure: plays no part */
    fx_emp(&d, a, "2022-03-01", NULL, IB_CONTRACT_PERMANENT, 300000, org, -1);
    fx_finish(&d);
    size_t n;
    ib_minterval *iv = cut(&d, a, 0, D("2022-12-31"), &n);
    assert_int_equal(n, 3);
    assert_int_equal(iv[0].start, 0);
    assert_int_equal(iv[0].stop, 10);
    assert_int_equal(iv[0].event, 0);
    assert_int_equal(iv[0].v.flags & BIT(IB_TV_EMPLOYED), 0);
    assert_int_equal(iv[1].start, 10);
    assert_int_equal(iv[1].stop, 21);             /* end + 1 */
    assert_int_equal(iv[1].v.flags, BIT(IB_TV_EMPLOYED) | BIT(IB_TV_AGENCY));
    assert_int_equal(iv[1].v.wage, 0);            /* unknown wage counts 0 */
    assert_int_equal(iv[2].start, 21);
    assert_int_equal(iv[2].stop, 59);
    assert_int_equal(iv[2].event, 1);
    assert_int_equal(iv[2].v.flags, 0);
    free(iv);
    ib_mdata_free(&d);
}

static void test_episode_before_arrival_and_censoring(void **state)
{
    (void)state;
    ib_mdata d;
    ib_mdata_init(&d);
    int32_t org = fx_org(&d, "x", IB_ORG_EMPLOYER);
    int32_t home = fx_location(&d, "h", "GM0518", IB_LOC_OWNER_OCCUPIED, 4,
                               IB_CENTS_NONE, -1);
    uint32_t a = fx_person(&d, "a", "1990-01-01", "PL", IB_SEX_M, IB_CAT_LABOUR);
    fx_stay(&d, a, "2022-01-01", "2023-06-01");   /* departs after R */
    fx_emp(&d, a, "2021-06-01", NULL, IB_CONTRACT_PERMANENT, 100000, org, -1);
    fx_housing(&d, a, home, "2022-01-11", NULL, -1);
    fx_event(&d, a, IB_EVENT_PARTNER_START, "2022-02-01");   /* k = 31 */
    fx_event(&d, a, IB_EVENT_PARTNER_START, "2022-04-01");   /* after R */
    fx_finish(&d);
    ib_date R = D("2022-03-01");
    size_t n;
    ib_minterval *iv = cut(&d, a, 0, R, &n);
    assert_int_equal(n, 3);
    assert_int_equal(iv[0].start, 0);
    assert_int_equal(iv[0].stop, 10);
    assert_true(iv[0].v.flags & BIT(IB_TV_EMPLOYED));
    assert_true(iv[0].v.flags & BIT(IB_TV_PERMANENT));
    assert_false(iv[0].v.flags & BIT(IB_TV_HOME_OWNER));
    assert_true(iv[1].v.flags & BIT(IB_TV_HOME_OWNER));
    assert_false(iv[1].v.flags & BIT(IB_TV_PARTNER));
    assert_int_equal(iv[2].start, 31);
    assert_true(iv[2].v.flags & BIT(IB_TV_PARTNER));
    assert_int_equal(iv[2].stop, 60);             /* R - arrival + 1 */
    assert_int_equal(iv[2].event, 0);
    free(iv);
    ib_mdata_free(&d);
}

/* A child born 29 February 2004 turns 18 on 1 March 2022. */
static void test_child_turns_18(void **state)
{
    (void)state;
    ib_mdata d;
    ib_mdata_init(&d);
    uint32_t a = fx_person(&d, "a", "1980-01-01", "RO", IB_SEX_V, IB_CAT_LABOUR);
    fx_stay(&d, a, "2022-02-01", NULL);
    fx_event(&d, a, IB_EVENT_CHILD_BIRTH, "2004-02-29");
    fx_finish(&d);
    ib_mvalues v;
    ib_monitor_values_at(&d, a, D("2022-02-28"), &v);
    assert_true(v.flags & BIT(IB_TV_CHILDREN));
    ib_monitor_values_at(&d, a, D("2022-03-01"), &v);
    assert_false(v.flags & BIT(IB_TV_CHILDREN));
    size_t n;
    ib_minterval *iv = cut(&d, a, 0, D("2022-12-31"), &n);
    assert_int_equal(n, 2);
    assert_int_equal(iv[0].stop, 28);             /* 2022-03-01 - 2022-02-01 */
    assert_true(iv[0].v.flags & BIT(IB_TV_CHILDREN));
    assert_int_equal(iv[1].start, 28);
    assert_false(iv[1].v.flags & BIT(IB_TV_CHILDREN));
    free(iv);
    ib_mdata_free(&d);
}

static void test_partner_events(void **state)
{
    (void)state;
    ib_mdata d;
    ib_mdata_init(&d);
    uint32_t a = fx_person(&d, "a", "1980-01-01", "RO", IB_SEX_V, IB_CAT_LABOUR);
    fx_stay(&d, a, "2022-01-01", NULL);
    fx_event(&d, a, IB_EVENT_PARTNER_START, "2021-05-01");
    fx_event(&d, a, IB_EVENT_PARTNER_END, "2022-01-10");
    fx_event(&d, a, IB_EVENT_PARTNER_END, "2022-01-20");     /* same day: */
    fx_event(&d, a, IB_EVENT_PARTNER_START, "2022-01-20");   /* start counts */
    fx_finish(&d);
    size_t n;
    ib_minterval *iv = cut(&d, a, 0, D("2022-12-31"), &n);
    assert_int_equal(n, 3);
    assert_true(iv[0].v.flags & BIT(IB_TV_PARTNER));
    assert_int_equal(iv[0].stop, 9);
    assert_false(iv[1].v.flags & BIT(IB_TV_PARTNER));
    assert_int_equal(iv[1].stop, 19);
    assert_true(iv[2].v.flags & BIT(IB_TV_PARTNER));
    free(iv);
    ib_mdata_free(&d);
}

/* WML 2022-01-01 1725.00, 2022-07-01 1756.20: 130 % of 1725.00 is exactly
 * 2242.50. A WML change cuts a stay with a wage, not one without. */
static void test_wage_ratio_and_wml_change(void **state)
{
    (void)state;
    ib_mdata d;
    ib_mdata_init(&d);
    int32_t org = fx_org(&d, "x", IB_ORG_EMPLOYER);
    uint32_t a = fx_person(&d, "a", "1990-01-01", "PL", IB_SEX_M, IB_CAT_LABOUR);
    fx_stay(&d, a, "2022-06-01", NULL);
    fx_emp(&d, a, "2022-06-01", NULL, IB_CONTRACT_TEMPORARY, 224250, org, -1);
    uint32_t b = fx_person(&d, "b", "1990-01-01", "PL", IB_SEX_M, IB_CAT_LABOUR);
    fx_stay(&d, b, "2022-06-01", NULL);
    fx_emp(&d, b, "2022-06-01", NULL, IB_CONTRACT_TEMPORARY, -1, org, -1);
    uint32_t c = fx_person(&d, "c", "1990-01-01", "PL", IB_SEX_M, IB_CAT_LABOUR);
    fx_stay(&d, c, "2022-06-01", NULL);
    fx_emp(&d, c, "2022-06-01", NULL, IB_CONTRACT_TEMPORARY, 224249, org, -1);
    fx_emp(&d, c, "2022-06-01", NULL, IB_CONTRACT_SELF_EMPLOYED, 120751, org, -1);
    fx_finish(&d);
    ib_date R = D("2022-08-01");
    size_t n;
    ib_minterval *iv = cut(&d, a, 0, R, &n);
    assert_int_equal(n, 2);
    assert_true(iv[0].v.flags & BIT(IB_TV_INCOME_130));      /* exactly 130 % */
    assert_false(iv[0].v.flags & BIT(IB_TV_INCOME_200));
    assert_int_equal(iv[0].stop, 30);                        /* 2022-07-01 */
    assert_false(iv[1].v.flags & BIT(IB_TV_INCOME_130));
    assert_true(ib_mvalues_get(&iv[0].v, IB_TV_WAGE_RATIO) == 1.3);
    assert_true(ib_mvalues_get(&iv[1].v, IB_TV_WAGE_RATIO) ==
                224250.0 / 175620.0);
    free(iv);
    iv = cut(&d, b, 0, R, &n);
    assert_int_equal(n, 1);                                  /* ratio 0 */
    free(iv);
    iv = cut(&d, c, 0, R, &n);
    /* 2242.49 + 1207.51 = 3450.00 = exactly 200 % of 1725.00 */
    assert_true(iv[0].v.flags & BIT(IB_TV_INCOME_200));
    assert_true(iv[0].v.flags & BIT(IB_TV_SELF_EMPLOYED));
    assert_int_equal(n, 2);
    free(iv);
    ib_mdata_free(&d);
}

/* ------------------------------------------------------------ outputs */

static ib_mdata small_data(void)
{
    ib_mdata d;
    ib_mdata_init(&d);
    int32_t org = fx_org(&d, "x", IB_ORG_AGENCY);
    uint32_t a = fx_person(&d, "a,1", "1990-01-01", "PL", IB_SEX_M, IB_CAT_LABOUR);
    fx_stay(&d, a, "2022-01-01", "2022-02-01");
    fx_emp(&d, a, "2022-01-11", NULL, IB_CONTRACT_AGENCY, 200000, org, org);
    fx_reg(&d, a, IB_REG_BRP, "GM0518", "2022-01-05", NULL);
    uint32_t b = fx_person(&d, "b", "1980-01-01", "IN", IB_SEX_V, IB_CAT_KNOWLEDGE);
    fx_stay(&d, b, "2022-01-15", NULL);
    fx_finish(&d);
    return d;
}

static void test_csv_writer(void **state)
{
    (void)state;
    ib_mdata d = small_data();
    FILE *f = tmpfile();
    assert_non_null(f);
    ib_msurv_opts o = {.at = D("2022-03-01")};
    ib_err err;
    assert_int_equal(ib_monitor_write_intervals(f, &d, &o, IB_TV_ALL, &err),
                     IB_OK);
    rewind(f);
    char line[512];
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line,
        "person_ref,sender_id,stay,start,stop,event,nationality,eu,cee,south,sex,category,"
        "age_band,cohort,first_brp,employed,permanent,agency,self_employed,"
        "wage_ratio,income_130,income_200,partner,children,home_owner\n");
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "\"a,1\",0,1,0,10,0,PL,1,1,0,M,labour,25-34,2022,"
                              "GM0518,0,0,0,0,0,0,0,0,0,0\n");
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "\"a,1\",0,1,10,31,1,PL,1,1,0,M,labour,25-34,2022,"
                              "GM0518,1,0,1,0,1.1594202898550725,0,0,0,0,0\n");
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "b,0,1,0,46,0,IN,0,0,0,V,knowledge,35-44,2022,,"
                              "0,0,0,0,0,0,0,0,0,0\n");
    assert_null(fgets(line, sizeof line, f));
    fclose(f);
    ib_mdata_free(&d);
}

static void test_design(void **state)
{
    (void)state;
    ib_mdata d = small_data();
    ib_msurv_opts o = {.at = D("2022-03-01")};
    const char *names[] = {"employed", "wage_ratio", "eu", "sex_V",
                           "category_knowledge", "age_25_34", "nationality_IN",
                           "cohort_2022", "first_brp_GM0518"};
    ib_mdesign x;
    ib_err err;
    assert_int_equal(ib_monitor_design(&d, &o, names, 9, &x, &err), IB_OK);
    assert_int_equal(x.n, 3);
    assert_int_equal(x.p, 9);
    assert_int_equal(x.n_stays, 2);
    assert_int_equal(x.n_events, 1);
    assert_true(x.start[1] == 10 && x.stop[1] == 31 && x.event[1] == 1);
    const double row1[9] = {1, 200000.0 / 172500.0, 1, 0, 0, 1, 0, 1, 1};
    const double row2[9] = {0, 0, 0, 1, 1, 0, 1, 1, 0};
    for (int j = 0; j < 9; j++) {
        assert_true(x.X[1 * 9 + j] == row1[j]);
        assert_true(x.X[2 * 9 + j] == row2[j]);
    }
    ib_mdesign_free(&x);
    const char *bad[] = {"employed", "nationality_QQ"};
    assert_int_equal(ib_monitor_design(&d, &o, bad, 2, &x, &err), IB_EINVAL);
    assert_non_null(strstr(err.msg, "nationality_QQ"));
    assert_null(x.X);
    ib_mdata_free(&d);
}

/* ------------------------------------------------------------ merged cuts */

/* Persons whose wage changes while no other factor does, with tied
 * departure days and partners: stay i lasts 60 × (1 + i % 9) days (ties),
 * 2 of 3 end by R; a job from arrival with a raise on day 45 and, for every
 * fourth person, a gap without work before it; half lose the job in their
 * last 30 or 45 days; a partner for every third. */
static ib_mdata wage_change_data(void)
{
    ib_mdata d;
    ib_mdata_init(&d);
    int32_t org = fx_org(&d, "agency", IB_ORG_AGENCY);
    char ref[16], a[IB_DATE_STRLEN], b[IB_DATE_STRLEN], c[IB_DATE_STRLEN];
    for (int i = 0; i < 60; i++) {
        snprintf(ref, sizeof ref, "p%02d", i);
        uint32_t p = fx_person(&d, ref, "1990-01-01", i % 2 ? "PL" : "IN",
                               IB_SEX_M, IB_CAT_LABOUR);
        ib_date arr = D("2021-01-01") + 11 * i;
        ib_date dep = arr + 60 * (1 + i % 9);
        fx_stay(&d, p, ib_date_format(arr, a),
                i % 3 ? ib_date_format(dep, b) : NULL);
        ib_contract ct = i % 5 ? IB_CONTRACT_AGENCY : IB_CONTRACT_PERMANENT;
        fx_emp(&d, p, ib_date_format(arr, a), ib_date_format(arr + 44, b), ct,
               180000 + 1000 * i, org, org);
        ib_date next = arr + 45 + (i % 4 == 0 ? 30 * (1 + i % 3) : 0);
        fx_emp(&d, p, ib_date_format(next, c),
               i % 4 >= 2 ? ib_date_format(dep - 15 * (i % 4), b) : NULL, ct,
               210000 + 500 * i, org, org);
        if (i % 3 == 1)
            fx_event(&d, p, IB_EVENT_PARTNER_START,
                     ib_date_format(arr + 20 * (i % 7), a));
    }
    fx_finish(&d);
    return d;
}

/* The design as it was before the cut followed the chosen covariates: every
 * interval of every factor's change, the chosen columns filled in. */
typedef struct full_design {
    size_t n, cap, p;
    double *start, *stop, *X;
    int *event;
    const char *const *names;
} full_design;

static int full_row(void *ctx, const ib_mstay *s, const ib_minterval *iv)
{
    full_design *f = ctx;
    assert_true(f->n < f->cap);
    f->start[f->n] = iv->start;
    f->stop[f->n] = iv->stop;
    f->event[f->n] = iv->event;
    for (size_t j = 0; j < f->p; j++) {
        double *x = &f->X[f->n * f->p + j];
        if (strcmp(f->names[j], "eu") == 0)
            *x = (s->attr.flags & IB_MP_EU) ? 1 : 0;
        else
            for (int tv = 0; tv < IB_TV_COUNT; tv++)
                if (strcmp(f->names[j], ib_tv_name((ib_tv)tv)) == 0)
                    *x = ib_mvalues_get(&iv->v, (ib_tv)tv);
    }
    f->n++;
    return 0;
}

static void assert_same_fit(const ib_cox_model *a, const ib_cox_model *b)
{
    for (size_t j = 0; j < a->p; j++) {
        assert_true(fabs(a->coef[j] - b->coef[j]) <= 1e-9 * fabs(a->coef[j]));
        assert_true(fabs(a->se[j] - b->se[j]) <= 1e-9 * a->se[j]);
    }
    assert_true(fabs(a->loglik - b->loglik) <= 1e-12 * fabs(a->loglik));
    assert_true(fabs(a->loglik_null - b->loglik_null) <=
                1e-12 * fabs(a->loglik_null));
    assert_true(fabs(a->score_test - b->score_test) <= 1e-9 * a->score_test);
    assert_true(fabs(a->wald_test - b->wald_test) <= 1e-9 * a->wald_test);
    assert_int_equal(a->iter, b->iter);
    /* the concordance too; not its standard error, whose infinitesimal
     * jackknife sums over rows (as R's), so it follows the cut */
    assert_true(a->concordance == b->concordance);
    assert_true(a->n_concordant == b->n_concordant &&
                a->n_discordant == b->n_discordant &&
                a->n_tied_x == b->n_tied_x && a->n_tied_y == b->n_tied_y);
    assert_int_equal(a->n_events, b->n_events);
    /* the model's survival curve (baseline hazard at other means) */
    const double x[] = {1, 1, 0, 1};
    for (double t = 30; t <= 540; t += 30)
        assert_true(fabs(ib_cox_survival(a, x, t) - ib_cox_survival(b, x, t))
                    <= 1e-12);
}

/* The design cuts a stay only where a chosen covariate changes: a raise
 * alone (wage_ratio, income_130 not chosen) merges two intervals into one,
 * and the fit on the merged intervals is the fit on the unmerged ones
 * (every risk set, with its ties, is the same), with Efron and Breslow. */
static void test_design_merges_unchosen_changes(void **state)
{
    (void)state;
    ib_mdata d = wage_change_data();
    ib_msurv_opts o = {.at = D("2023-01-01")};
    const char *names[] = {"employed", "agency", "partner", "eu"};
    ib_err err;

    /* one person: one interval for the chosen, two for all factors */
    ib_mstay s = stay_of(&d, 1, 0, o.at);
    ib_minterval *buf = NULL;
    size_t n_all, n_chosen, cap = 0;
    ib_tv_set set = ib_monitor_tv_set(names, 4);
    assert_int_equal(set, (1u << IB_TV_EMPLOYED) | (1u << IB_TV_AGENCY) |
                          (1u << IB_TV_PARTNER));
    assert_int_equal(ib_monitor_stay_intervals(&d, &s, o.at, IB_TV_ALL, &buf,
                                               &n_all, &cap, &err), IB_OK);
    assert_int_equal(n_all, 3);           /* raise, partner on day 20 */
    assert_int_equal(ib_monitor_stay_intervals(&d, &s, o.at, set, &buf,
                                               &n_chosen, &cap, &err), IB_OK);
    assert_int_equal(n_chosen, 2);        /* partner only */
    assert_int_equal(buf[0].stop, 20);
    assert_int_equal(buf[1].v.wage, 0);   /* not followed: reads 0 */
    free(buf);

    ib_mdesign x;
    assert_int_equal(ib_monitor_design(&d, &o, names, 4, &x, &err), IB_OK);
    size_t bound = 8 * 60;
    full_design f = {0, bound, 4, malloc(bound * sizeof(double)),
                     malloc(bound * sizeof(double)),
                     malloc(bound * 4 * sizeof(double)),
                     malloc(bound * sizeof(int)), names};
    assert_non_null(f.start && f.stop && f.X && f.event);
    assert_int_equal(ib_monitor_each_interval(&d, &o, IB_TV_ALL, full_row, &f,
                                              &err), IB_OK);
    assert_true(x.n < f.n);
    assert_int_equal(x.n_stays, 60);

    for (int ties = IB_COX_EFRON; ties <= IB_COX_BRESLOW; ties++) {
        ib_cox_opts co;
        ib_cox_opts_init(&co);
        co.ties = (ib_cox_ties)ties;
        ib_cox_data merged = {x.n, 4, x.start, x.stop, x.event, x.X, names,
                              x.stay};
        ib_cox_data full = {f.n, 4, f.start, f.stop, f.event, f.X, names,
                            NULL};
        ib_cox_model a, b;
        assert_int_equal(ib_cox_fit(&full, &co, &a, &err), IB_OK);
        assert_int_equal(ib_cox_fit(&merged, &co, &b, &err), IB_OK);
        assert_true(a.has_converged && b.has_converged);
        assert_int_equal(a.n_intervals, f.n);
        assert_int_equal(b.n_intervals, x.n);
        assert_same_fit(&a, &b);
        ib_cox_model_free(&a);
        ib_cox_model_free(&b);
    }
    free(f.start);
    free(f.stop);
    free(f.X);
    free(f.event);
    ib_mdesign_free(&x);
    ib_mdata_free(&d);
}

/* ------------------------------------------------------------ store */

static void put_ok(int rc, const ib_err *err)
{
    if (rc)
        print_error("put: %s (%s)\n", err->msg, err->field);
    assert_int_equal(rc, IB_OK);
}

static void fill_store(ib_store *st, int64_t sender)
{
    ib_err err;
    ib_put_result res;
    ib_organisation o = {.meta.sender_id = sender, .kind = IB_ORG_AGENCY};
    strcpy(o.ref, "uit");
    strcpy(o.name, "Uitzendbureau");
    put_ok(ib_store_put_organisation(st, &o, &res, &err), &err);
    ib_location l = {.meta.sender_id = sender, .kind = IB_LOC_SHARED_HOUSE,
                     .capacity = 4, .floor_area_m2 = 6000,
                     .certified_until = IB_DATE_NONE};
    strcpy(l.ref, "huis");
    strcpy(l.postcode, "5911AA");
    strcpy(l.house_number, "1");
    strcpy(l.municipality, "GM0983");
    strcpy(l.provider_ref, "uit");
    put_ok(ib_store_put_location(st, &l, &res, &err), &err);
    ib_person p = {.meta.sender_id = sender, .birth_date = D("1990-05-17"),
                   .sex = IB_SEX_M, .category = IB_CAT_LABOUR};
    strcpy(p.ref, "p1");
    strcpy(p.nationality, "PL");
    put_ok(ib_store_put_person(st, &p, &res, &err), &err);
    ib_stay s = {.meta.sender_id = sender, .arrival = D("2022-01-01"),
                 .departure = IB_DATE_NONE};
    strcpy(s.person_ref, "p1");
    put_ok(ib_store_put_stay(st, &s, &res, &err), &err);
    ib_employment e = {.meta.sender_id = sender, .contract = IB_CONTRACT_AGENCY,
                       .start = D("2022-01-11"), .end = IB_DATE_NONE,
                       .hours_per_week = IB_CENTS_NONE, .monthly_wage = 200000};
    strcpy(e.person_ref, "p1");
    strcpy(e.employer_ref, "uit");
    strcpy(e.agency_ref, "uit");
    put_ok(ib_store_put_employment(st, &e, &res, &err), &err);
    ib_housing h = {.meta.sender_id = sender, .start = D("2022-01-01"),
                    .end = IB_DATE_NONE};
    strcpy(h.person_ref, "p1");
    strcpy(h.location_ref, "huis");
    strcpy(h.provided_by_ref, "uit");
    put_ok(ib_store_put_housing(st, &h, &res, &err), &err);
    ib_life_event ev = {.meta.sender_id = sender,
                        .event = IB_EVENT_HOME_PURCHASE, .date = D("2022-02-01")};
    strcpy(ev.person_ref, "p1");
    put_ok(ib_store_put_life_event(st, &ev, &res, &err), &err);
}

static void test_load_from_store(void **state)
{
    (void)state;
    char dir[] = "/tmp/ib_mon_XXXXXX", db[64], key[64];
    assert_non_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/t.db", dir);
    snprintf(key, sizeof key, "%s/t.db.key", dir);
    ib_store_options opt = {.key_path = key, .create = true};
    ib_store *st = NULL;
    ib_err err;
    int64_t sender;
    put_ok(ib_store_open(&st, db, &opt, &err), &err);
    put_ok(ib_store_sender(st, "s1", true, &sender, &err), &err);
    put_ok(ib_store_begin(st, &err), &err);
    fill_store(st, sender);
    put_ok(ib_store_commit(st, &err), &err);

    ib_mdata d;
    put_ok(ib_mdata_load(st, NULL, &d, &err), &err);
    assert_int_equal(d.n_persons, 1);
    assert_int_equal(d.n_stays, 1);
    assert_int_equal(d.n_emps, 1);
    assert_int_equal(d.n_housings, 1);
    assert_int_equal(d.n_events, 0);              /* home_purchase dropped */
    assert_string_equal(ib_mdata_str(&d, d.persons[0].ref), "p1");
    assert_int_equal(d.locations[0].municipality, 983);
    assert_int_equal(d.locations[0].floor_area, 6000);
    assert_int_equal(d.emps[0].employer, d.housings[0].provided_by);
    assert_true(ib_housing_is_tied(&d, 0, &d.housings[0], D("2022-02-01")));
    size_t n;
    ib_minterval *iv = cut(&d, 0, 0, D("2022-03-01"), &n);
    assert_int_equal(n, 2);
    assert_int_equal(iv[1].start, 10);
    free(iv);
    ib_mdata_free(&d);
    ib_store_close(st);
    unlink(db);
    unlink(key);
    char wal[80];
    snprintf(wal, sizeof wal, "%s-wal", db);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", db);
    unlink(wal);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event_and_censoring),
        cmocka_unit_test(test_fixed_attributes),
        cmocka_unit_test(test_bad_stay_rejected),
        cmocka_unit_test(test_employment_cuts),
        cmocka_unit_test(test_episode_before_arrival_and_censoring),
        cmocka_unit_test(test_child_turns_18),
        cmocka_unit_test(test_partner_events),
        cmocka_unit_test(test_wage_ratio_and_wml_change),
        cmocka_unit_test(test_csv_writer),
        cmocka_unit_test(test_design),
        cmocka_unit_test(test_design_merges_unchosen_changes),
        cmocka_unit_test(test_load_from_store),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
