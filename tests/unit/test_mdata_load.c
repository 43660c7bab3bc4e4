/* test_mdata_load.c — the monitor's loader (ib_mdata_load) reads the
 * store's lean scan in table order and must give exactly the data that the
 * ordered iterators give: organisations, locations and persons in (sender,
 * id) order, each person's episodes by date with ties as the store orders
 * them. Checked by hand on the ties (from the store and in memory), and
 * field by field against a reference built from ib_store_each_* (dense ids,
 * far-apart ids, one sender). */
#include "registry_fixture.h"

#include "monitor/monitor.h"
#include "mdata_compare.h"

/* ------------------------------------------------------------ the reference */

/* Store ids in the order the reference added them: index = position. */
typedef struct ids {
    int64_t v[64];
    int n;
} ids;

static int32_t index_of(const ids *m, int64_t id)
{
    for (int i = 0; i < m->n; i++)
        if (m->v[i] == id)
            return i;
    return IB_MIDX_NONE;
}

typedef struct ref_loader {
    ib_mdata *d;
    ids senders, orgs, locations, persons;
} ref_loader;

static uint32_t person_of(ref_loader *L, int64_t id)
{
    int32_t i = index_of(&L->persons, id);
    assert_true(i >= 0);
    return (uint32_t)i;
}

static int ref_sender(void *ctx, int64_t id, const char *ref)
{
    ref_loader *L = ctx;
    (void)ref;
    assert_true(ib_mdata_add_sender(L->d, id) >= 0);
    L->senders.v[L->senders.n++] = id;
    return 0;
}

static int ref_org(void *ctx, const ib_organisation *o)
{
    ref_loader *L = ctx;
    assert_true(ib_mdata_add_org(L->d, o->ref, o->name, o->kind) >= 0);
    L->orgs.v[L->orgs.n++] = o->meta.id;
    return 0;
}

static int ref_location(void *ctx, const ib_location *l)
{
    ref_loader *L = ctx;
    ib_mlocation x = {.floor_area = l->floor_area_m2, .capacity = l->capacity,
                      .provider = index_of(&L->orgs, l->provider_id),
                      .municipality = ib_muni_from_code(l->municipality),
                      .kind = (uint8_t)l->kind};
    assert_true(ib_mdata_add_location(L->d, l->ref, &x) >= 0);
    L->locations.v[L->locations.n++] = l->meta.id;
    return 0;
}

static int ref_person(void *ctx, const ib_person *p)
{
    ref_loader *L = ctx;
    ib_mperson x = {.sender = (uint32_t)index_of(&L->senders, p->meta.sender_id),
                    .birth = p->birth_date, .sex = (uint8_t)p->sex,
                    .category = (uint8_t)p->category};
    memcpy(x.nationality, p->nationality, 2);
    assert_true(ib_mdata_add_person(L->d, p->ref, &x) >= 0);
    L->persons.v[L->persons.n++] = p->person_id;   /* episodes name the person */
    return 0;
}

static int ref_stay(void *ctx, const ib_stay *s)
{
    ref_loader *L = ctx;
    assert_true(ib_mdata_add_stay(L->d, person_of(L, s->person_id), s->arrival,
                                  s->departure) >= 0);
    return 0;
}

static int ref_reg(void *ctx, const ib_registration *r)
{
    ref_loader *L = ctx;
    ib_mreg x = {r->start, r->end, ib_muni_from_code(r->municipality),
                 (uint8_t)r->kind};
    assert_true(ib_mdata_add_reg(L->d, person_of(L, r->person_id), &x) >= 0);
    return 0;
}

static int ref_emp(void *ctx, const ib_employment *e)
{
    ref_loader *L = ctx;
    ib_memp x = {.start = e->start, .end = e->end,
                 .wage = e->monthly_wage == IB_CENTS_NONE ? -1
                                                           : (int32_t)e->monthly_wage,
                 .employer = index_of(&L->orgs, e->employer_id),
                 .agency = index_of(&L->orgs, e->agency_id),
                 .contract = (uint8_t)e->contract};
    assert_true(ib_mdata_add_emp(L->d, person_of(L, e->person_id), &x) >= 0);
    return 0;
}

static int ref_housing(void *ctx, const ib_housing *h)
{
    ref_loader *L = ctx;
    ib_mhousing x = {h->start, h->end, index_of(&L->locations, h->location_id),
                     index_of(&L->orgs, h->provided_by_id)};
    assert_true(ib_mdata_add_housing(L->d, person_of(L, h->person_id), &x) >= 0);
    return 0;
}

static int ref_event(void *ctx, const ib_life_event *ev)
{
    ref_loader *L = ctx;
    assert_true(ib_mdata_add_event(L->d, person_of(L, ev->person_id), ev->event,
                                   ev->date) >= 0);
    return 0;
}

/* The monitor data as the ordered iterators give it. */
static void reference_load(ib_store *st, int64_t sender, ib_mdata *d)
{
    ref_loader *L = calloc(1, sizeof *L);
    assert_non_null(L);
    L->d = d;
    ib_mdata_init(d);
    ib_filter f = {sender, 0, 0};
    ib_err err;
    rf_ok(ib_store_each_sender(st, ref_sender, L, &err), &err);
    rf_ok(ib_store_each_organisation(st, &f, ref_org, L, &err), &err);
    rf_ok(ib_store_each_location(st, &f, ref_location, L, &err), &err);
    rf_ok(ib_store_each_person(st, &f, ref_person, L, &err), &err);
    rf_ok(ib_store_each_stay(st, &f, ref_stay, L, &err), &err);
    rf_ok(ib_store_each_registration(st, &f, ref_reg, L, &err), &err);
    rf_ok(ib_store_each_employment(st, &f, ref_emp, L, &err), &err);
    rf_ok(ib_store_each_housing(st, &f, ref_housing, L, &err), &err);
    rf_ok(ib_store_each_life_event(st, &f, ref_event, L, &err), &err);
    rf_ok(ib_mdata_finish(d, &err), &err);
    free(L);
}

static void load_ok(ib_store *st, int64_t sender, ib_mdata *d)
{
    ib_filter f = {sender, 0, 0};
    ib_err err;
    rf_ok(ib_mdata_load(st, &f, d, &err), &err);
}

/* ------------------------------------------------------------ tests */

static const char *org_ref(const ib_mdata *d, int32_t i)
{
    return i == IB_MIDX_NONE ? "-" : ib_mdata_str(d, d->orgs[i].ref);
}

/* The order by hand: persons and organisations by sender, then id; A's
 * episodes by date, ties as the store orders them. */
static void test_order_by_hand(void **state)
{
    (void)state;
    registry r;
    registry_open(&r, false);
    ib_mdata d;
    load_ok(r.st, 0, &d);
    assert_int_equal(d.n_persons, 4);
    const char *persons[] = {"A", "B", "D", "C"};
    for (uint32_t p = 0; p < 4; p++)
        assert_string_equal(ib_mdata_str(&d, d.persons[p].ref), persons[p]);
    assert_int_equal(d.persons[3].sender, 1);
    assert_int_equal(d.n_orgs, 4);
    const char *orgs[] = {"O1", "O2", "O3", "O1"};
    for (int32_t o = 0; o < 4; o++)
        assert_string_equal(org_ref(&d, o), orgs[o]);

    /* A (person 0): stays 2019, 2020, 2021, 2022 */
    assert_int_equal(d.stay_off[1] - d.stay_off[0], 4);
    for (uint32_t k = 1; k < 4; k++)
        assert_true(d.stays[k - 1].arrival < d.stays[k].arrival);
    assert_int_equal(d.stays[0].arrival, rf_date("2019-01-01"));
    /* registrations: brp 2019, brp 2020, rni 2020 ('brp' < 'rni'), brp 2021 */
    assert_int_equal(d.reg_off[1], 4);
    assert_int_equal(d.regs[1].start, rf_date("2020-01-01"));
    assert_int_equal(d.regs[1].kind, IB_REG_BRP);
    assert_int_equal(d.regs[2].start, rf_date("2020-01-01"));
    assert_int_equal(d.regs[2].kind, IB_REG_RNI);
    assert_int_equal(d.regs[2].municipality, IB_MUNI_NONE);
    /* employments on one day: employer O2 (lower id) before O3 */
    assert_int_equal(d.emp_off[1], 2);
    assert_string_equal(org_ref(&d, d.emps[0].employer), "O2");
    assert_string_equal(org_ref(&d, d.emps[0].agency), "O1");
    assert_int_equal(d.emps[0].wage, 210000);
    assert_string_equal(org_ref(&d, d.emps[1].employer), "O3");
    assert_int_equal(d.emps[1].agency, IB_MIDX_NONE);
    assert_int_equal(d.emps[1].wage, -1);
    /* housings on one day: L1 (lower id) before L2 */
    assert_int_equal(d.housing_off[1], 2);
    assert_string_equal(ib_mdata_str(&d, d.locations[d.housings[0].location].ref),
                        "L1");
    assert_string_equal(org_ref(&d, d.housings[0].provided_by), "O1");
    assert_int_equal(d.housings[1].provided_by, IB_MIDX_NONE);
    /* events: child_birth 2019, then on 2020-06-01 partner_end before
     * partner_start (code text order); home_purchase dropped */
    assert_int_equal(d.event_off[1], 3);
    assert_int_equal(d.events[0].kind, IB_EVENT_CHILD_BIRTH);
    assert_int_equal(d.events[1].kind, IB_EVENT_PARTNER_END);
    assert_int_equal(d.events[2].kind, IB_EVENT_PARTNER_START);
    /* the second location has no provider and unknown size */
    assert_int_equal(d.locations[1].provider, IB_MIDX_NONE);
    assert_int_equal(d.locations[1].capacity, -1);
    assert_int_equal(d.locations[1].floor_area, IB_CENTS_NONE);
    ib_mdata_free(&d);
    registry_close(&r);
}

/* Field by field against the ordered iterators: dense and far-apart ids,
 * all senders and each one. */
static void test_same_as_ordered_iterators(void **state)
{
    (void)state;
    for (int sparse = 0; sparse < 2; sparse++) {
        registry r;
        registry_open(&r, sparse);
        int64_t senders[] = {0, r.s1, r.s2};
        for (int i = 0; i < 3; i++) {
            ib_mdata got, want;
            load_ok(r.st, senders[i], &got);
            reference_load(r.st, senders[i], &want);
            assert_true(got.n_persons > 0);
            same_data(&got, &want);
            ib_mdata_free(&got);
            ib_mdata_free(&want);
        }
        registry_close(&r);
    }
}

/* ib_mdata_finish breaks ties on a date as the store orders them, whatever
 * the order the records were added in. */
static void test_finish_breaks_ties(void **state)
{
    (void)state;
    ib_mdata d;
    ib_mdata_init(&d);
    assert_int_equal(ib_mdata_add_sender(&d, 1), 0);
    assert_int_equal(ib_mdata_add_org(&d, "O1", "Een", IB_ORG_EMPLOYER), 0);
    assert_int_equal(ib_mdata_add_org(&d, "O2", "Twee", IB_ORG_EMPLOYER), 1);
    ib_mlocation l = {.provider = IB_MIDX_NONE, .municipality = 518};
    assert_int_equal(ib_mdata_add_location(&d, "L1", &l), 0);
    assert_int_equal(ib_mdata_add_location(&d, "L2", &l), 1);
    ib_mperson p = {.birth = rf_date("1990-01-01"), .nationality = "PL"};
    assert_int_equal(ib_mdata_add_person(&d, "A", &p), 0);
    ib_date day = rf_date("2020-06-01"), later = rf_date("2020-07-01");
    ib_mreg rni = {day, IB_DATE_NONE, IB_MUNI_NONE, IB_REG_RNI};
    ib_mreg brp = {day, IB_DATE_NONE, 518, IB_REG_BRP};
    ib_mreg brp_later = {later, IB_DATE_NONE, 363, IB_REG_BRP};
    assert_true(ib_mdata_add_reg(&d, 0, &brp_later) >= 0);
    assert_true(ib_mdata_add_reg(&d, 0, &rni) >= 0);
    assert_true(ib_mdata_add_reg(&d, 0, &brp) >= 0);
    ib_memp e2 = {day, IB_DATE_NONE, 1000, 1, IB_MIDX_NONE, IB_CONTRACT_PERMANENT};
    ib_memp e1 = {day, IB_DATE_NONE, 2000, 0, IB_MIDX_NONE, IB_CONTRACT_PERMANENT};
    assert_true(ib_mdata_add_emp(&d, 0, &e2) >= 0);
    assert_true(ib_mdata_add_emp(&d, 0, &e1) >= 0);
    ib_mhousing h2 = {day, IB_DATE_NONE, 1, IB_MIDX_NONE};
    ib_mhousing h1 = {day, IB_DATE_NONE, 0, IB_MIDX_NONE};
    assert_true(ib_mdata_add_housing(&d, 0, &h2) >= 0);
    assert_true(ib_mdata_add_housing(&d, 0, &h1) >= 0);
    assert_true(ib_mdata_add_event(&d, 0, IB_EVENT_PARTNER_START, day) >= 0);
    assert_true(ib_mdata_add_event(&d, 0, IB_EVENT_CHILD_BIRTH, later) >= 0);
    assert_true(ib_mdata_add_event(&d, 0, IB_EVENT_PARTNER_END, day) >= 0);
    ib_err err;
    rf_ok(ib_mdata_finish(&d, &err), &err);
    assert_int_equal(d.regs[0].kind, IB_REG_BRP);     /* 'brp' < 'rni' */
    assert_int_equal(d.regs[1].kind, IB_REG_RNI);
    assert_int_equal(d.regs[2].start, later);
    assert_int_equal(d.emps[0].employer, 0);
    assert_int_equal(d.emps[0].wage, 2000);
    assert_int_equal(d.housings[0].location, 0);
    assert_int_equal(d.events[0].kind, IB_EVENT_PARTNER_END);
    assert_int_equal(d.events[1].kind, IB_EVENT_PARTNER_START);
    assert_int_equal(d.events[2].kind, IB_EVENT_CHILD_BIRTH);
    ib_mdata_free(&d);
}

/* An episode whose person is missing (a broken database) is an error that
 * names it, and leaves nothing allocated. */
static void test_dangling_person(void **state)
{
    (void)state;
    registry r;
    registry_open(&r, false);
    rf_sql(&r, "PRAGMA foreign_keys = OFF; UPDATE stays SET person_id = 777"
               " WHERE id = (SELECT max(id) FROM stays)");
    ib_mdata d;
    ib_err err;
    assert_int_equal(ib_mdata_load(r.st, NULL, &d, &err), IB_ESTORE);
    assert_non_null(strstr(err.msg, "verblijf"));
    assert_null(d.persons);
    assert_int_equal(d.n_persons, 0);
    registry_close(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_by_hand),
        cmocka_unit_test(test_same_as_ordered_iterators),
        cmocka_unit_test(test_finish_breaks_ties),
        cmocka_unit_test(test_dangling_person),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
