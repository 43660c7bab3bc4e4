/* test_store_scan.c — the lean scan for statistics (ib_store_scan): every
 * field of every kind equals what the full iterators return for the same
 * row, for all senders and for one; kinds in dependency order with
 * kind_done after each; skipped kinds; a callback's stop value; an unknown
 * code in the database; the read transaction is closed afterwards, and a
 * scan inside the caller's transaction sees its uncommitted rows. */
#include "registry_fixture.h"

/* ------------------------------------------------------------ collecting */

/* What one scan saw: every row of every kind, copied (strings included). */
typedef struct seen {
    int64_t senders[8];
    int nsenders;
    ib_scan_org orgs[16];
    char org_refs[16][IB_REF_MAX + 1], org_names[16][IB_ORGNAME_MAX + 1];
    int norgs;
    ib_scan_location locs[16];
    char loc_refs[16][IB_REF_MAX + 1];
    int nlocs;
    ib_scan_person persons[16];
    char person_refs[16][IB_REF_MAX + 1];
    int npersons;
    ib_scan_stay stays[32];
    int nstays;
    ib_scan_registration regs[32];
    int nregs;
    ib_scan_employment emps[32];
    int nemps;
    ib_scan_housing housings[32];
    int nhousings;
    ib_scan_life_event events[32];
    int nevents;
    ib_scan_contact contacts[32];
    int ncontacts;
    ib_kind done[IB_KIND_COUNT + 1];
    int ndone;
    int calls, stop_after;             /* stop_after 0: never stop */
} seen;

/* Counts a row; returns the stop value once stop_after rows were seen. */
static int count_row(seen *s)
{
    return ++s->calls == s->stop_after ? 42 : 0;
}

static int on_sender(void *ctx, int64_t id, const char *ref)
{
    seen *s = ctx;
    (void)ref;
    assert_true(s->nsenders < 8);
    s->senders[s->nsenders++] = id;
    return count_row(s);
}

static int on_org(void *ctx, const ib_scan_org *o)
{
    seen *s = ctx;
    assert_true(s->norgs < 16);
    ib_strlcpy(s->org_refs[s->norgs], o->ref, sizeof s->org_refs[0]);
    ib_strlcpy(s->org_names[s->norgs], o->name, sizeof s->org_names[0]);
    s->orgs[s->norgs++] = *o;
    return count_row(s);
}

static int on_location(void *ctx, const ib_scan_location *l)
{
    seen *s = ctx;
    assert_true(s->nlocs < 16);
    ib_strlcpy(s->loc_refs[s->nlocs], l->ref, sizeof s->loc_refs[0]);
    s->locs[s->nlocs++] = *l;
    return count_row(s);
}

static int on_person(void *ctx, const ib_scan_person *p)
{
    seen *s = ctx;
    assert_true(s->npersons < 16);
    ib_strlcpy(s->person_refs[s->npersons], p->ref, sizeof s->person_refs[0]);
    s->persons[s->npersons++] = *p;
    return count_row(s);
}

#define COLLECT(fn, type, arr, n, cap)                                          \
    static int fn(void *ctx, const type *x)                                     \
    {                                                                           \
        seen *s = ctx;                                                          \
        assert_true(s->n < (cap));                                              \
        s->arr[s->n++] = *x;                                                    \
        return count_row(s);                                                    \
    }

COLLECT(on_stay, ib_scan_stay, stays, nstays, 32)
COLLECT(on_reg, ib_scan_registration, regs, nregs, 32)
COLLECT(on_emp, ib_scan_employment, emps, nemps, 32)
COLLECT(on_housing, ib_scan_housing, housings, nhousings, 32)
COLLECT(on_event, ib_scan_life_event, events, nevents, 32)
COLLECT(on_contact, ib_scan_contact, contacts, ncontacts, 32)

static int on_done(void *ctx, ib_kind kind)
{
    seen *s = ctx;
    assert_true(s->ndone < IB_KIND_COUNT);
    s->done[s->ndone++] = kind;
    return 0;
}

static ib_scan_handler all_kinds(seen *s)
{
    return (ib_scan_handler){
        .ctx = s, .sender = on_sender, .organisation = on_org,
        .location = on_location, .person = on_person, .stay = on_stay,
        .registration = on_reg, .employment = on_emp, .housing = on_housing,
        .life_event = on_event, .contact = on_contact, .kind_done = on_done};
}

static void scan_ok(registry *r, int64_t sender, const ib_scan_handler *h)
{
    ib_err err;
    rf_ok(ib_store_scan(r->st, sender, h, &err), &err);
}

/* ------------------------------------------------------------ the oracle */

/* The full iterators walk the same rows in their own order; each row must
 * be in the scan with the same fields. `hits` counts the rows compared. */
typedef struct check {
    const seen *s;
    int hits;
} check;

static int check_org(void *ctx, const ib_organisation *o)
{
    check *c = ctx;
    for (int i = 0; i < c->s->norgs; i++)
        if (c->s->orgs[i].id == o->meta.id) {
            assert_int_equal(c->s->orgs[i].sender_id, o->meta.sender_id);
            assert_string_equal(c->s->org_refs[i], o->ref);
            assert_string_equal(c->s->org_names[i], o->name);
            assert_int_equal(c->s->orgs[i].kind, o->kind);
            c->hits++;
            return 0;
        }
    fail_msg("organisation %lld missing from the scan", (long long)o->meta.id);
    return 1;
}

static int check_location(void *ctx, const ib_location *l)
{
    check *c = ctx;
    for (int i = 0; i < c->s->nlocs; i++)
        if (c->s->locs[i].id == l->meta.id) {
            const ib_scan_location *x = &c->s->locs[i];
            assert_int_equal(x->sender_id, l->meta.sender_id);
            assert_string_equal(c->s->loc_refs[i], l->ref);
            assert_string_equal(x->municipality, l->municipality);
            assert_int_equal(x->kind, l->kind);
            assert_int_equal(x->capacity, l->capacity);
            assert_int_equal(x->floor_area_m2, l->floor_area_m2);
            assert_int_equal(x->provider_id, l->provider_id);
            c->hits++;
            return 0;
        }
    fail_msg("location %lld missing from the scan", (long long)l->meta.id);
    return 1;
}

/* The scan's episodes name their record; the iterators name the person it
 * belongs to (docs/linkage.md). */
static int64_t person_of(const check *c, int64_t record)
{
    for (int i = 0; i < c->s->npersons; i++)
        if (c->s->persons[i].id == record)
            return c->s->persons[i].person_id;
    return -1;
}

static int check_person(void *ctx, const ib_person *p)
{
    check *c = ctx;
    for (int i = 0; i < c->s->npersons; i++)
        if (c->s->persons[i].id == p->meta.id) {
            const ib_scan_person *x = &c->s->persons[i];
            assert_int_equal(x->sender_id, p->meta.sender_id);
            assert_string_equal(c->s->person_refs[i], p->ref);
            assert_int_equal(x->birth_date, p->birth_date);
            assert_int_equal(x->sex, p->sex);
            assert_string_equal(x->nationality, p->nationality);
            assert_int_equal(x->category, p->category);
            c->hits++;
            return 0;
        }
    fail_msg("person %lld missing from the scan", (long long)p->meta.id);
    return 1;
}

static int check_stay(void *ctx, const ib_stay *st)
{
    check *c = ctx;
    for (int i = 0; i < c->s->nstays; i++)
        if (c->s->stays[i].id == st->meta.id) {
            const ib_scan_stay *x = &c->s->stays[i];
            assert_int_equal(person_of(c, x->person_id), st->person_id);
            assert_int_equal(x->arrival, st->arrival);
            assert_int_equal(x->departure, st->departure);
            c->hits++;
            return 0;
        }
    fail_msg("stay %lld missing from the scan", (long long)st->meta.id);
    return 1;
}

static int check_reg(void *ctx, const ib_registration *r)
{
    check *c = ctx;
    for (int i = 0; i < c->s->nregs; i++)
        if (c->s->regs[i].id == r->meta.id) {
            const ib_scan_registration *x = &c->s->regs[i];
            assert_int_equal(person_of(c, x->person_id), r->person_id);
            assert_int_equal(x->kind, r->kind);
            assert_string_equal(x->municipality, r->municipality);
            assert_int_equal(x->start, r->start);
            assert_int_equal(x->end, r->end);
            c->hits++;
            return 0;
        }
    fail_msg("registration %lld missing from the scan", (long long)r->meta.id);
    return 1;
}

static int check_emp(void *ctx, const ib_employment *e)
{
    check *c = ctx;
    for (int i = 0; i < c->s->nemps; i++)
        if (c->s->emps[i].id == e->meta.id) {
            const ib_scan_employment *x = &c->s->emps[i];
            assert_int_equal(person_of(c, x->person_id), e->person_id);
            assert_int_equal(x->employer_id, e->employer_id);
            assert_int_equal(x->agency_id, e->agency_id);
            assert_int_equal(x->contract, e->contract);
            assert_int_equal(x->start, e->start);
            assert_int_equal(x->end, e->end);
            assert_int_equal(x->monthly_wage, e->monthly_wage);
            c->hits++;
            return 0;
        }
    fail_msg("employment %lld missing from the scan", (long long)e->meta.id);
    return 1;
}

static int check_housing(void *ctx, const ib_housing *h)
{
    check *c = ctx;
    for (int i = 0; i < c->s->nhousings; i++)
        if (c->s->housings[i].id == h->meta.id) {
            const ib_scan_housing *x = &c->s->housings[i];
            assert_int_equal(person_of(c, x->person_id), h->person_id);
            assert_int_equal(x->location_id, h->location_id);
            assert_int_equal(x->provided_by_id, h->provided_by_id);
            assert_int_equal(x->start, h->start);
            assert_int_equal(x->end, h->end);
            c->hits++;
            return 0;
        }
    fail_msg("housing %lld missing from the scan", (long long)h->meta.id);
    return 1;
}

static int check_event(void *ctx, const ib_life_event *ev)
{
    check *c = ctx;
    for (int i = 0; i < c->s->nevents; i++)
        if (c->s->events[i].id == ev->meta.id) {
            assert_int_equal(c->s->events[i].person_id, ev->person_id);
            assert_int_equal(c->s->events[i].event, ev->event);
            assert_int_equal(c->s->events[i].date, ev->date);
            c->hits++;
            return 0;
        }
    fail_msg("life event %lld missing from the scan", (long long)ev->meta.id);
    return 1;
}

static int check_contact(void *ctx, const ib_contact *ct)
{
    check *c = ctx;
    for (int i = 0; i < c->s->ncontacts; i++)
        if (c->s->contacts[i].id == ct->meta.id) {
            const ib_scan_contact *x = &c->s->contacts[i];
            assert_int_equal(person_of(c, x->person_id), ct->person_id);
            assert_int_equal(x->kind, ct->kind);
            assert_int_equal(x->date, ct->date);
            c->hits++;
            return 0;
        }
    fail_msg("contact %lld missing from the scan", (long long)ct->meta.id);
    return 1;
}

/* Every row of the iterators is in the scan, and the scan has no others. */
static void same_as_iterators(registry *r, int64_t sender, const seen *s)
{
    ib_filter f = {sender, 0, 0};
    ib_err err;
    check c = {s, 0};
    rf_ok(ib_store_each_organisation(r->st, &f, check_org, &c, &err), &err);
    assert_int_equal(c.hits, s->norgs);
    c.hits = 0;
    rf_ok(ib_store_each_location(r->st, &f, check_location, &c, &err), &err);
    assert_int_equal(c.hits, s->nlocs);
    c.hits = 0;
    rf_ok(ib_store_each_person(r->st, &f, check_person, &c, &err), &err);
    assert_int_equal(c.hits, s->npersons);
    c.hits = 0;
    rf_ok(ib_store_each_stay(r->st, &f, check_stay, &c, &err), &err);
    assert_int_equal(c.hits, s->nstays);
    c.hits = 0;
    rf_ok(ib_store_each_registration(r->st, &f, check_reg, &c, &err), &err);
    assert_int_equal(c.hits, s->nregs);
    c.hits = 0;
    rf_ok(ib_store_each_employment(r->st, &f, check_emp, &c, &err), &err);
    assert_int_equal(c.hits, s->nemps);
    c.hits = 0;
    rf_ok(ib_store_each_housing(r->st, &f, check_housing, &c, &err), &err);
    assert_int_equal(c.hits, s->nhousings);
    c.hits = 0;
    rf_ok(ib_store_each_life_event(r->st, &f, check_event, &c, &err), &err);
    assert_int_equal(c.hits, s->nevents);
    c.hits = 0;
    rf_ok(ib_store_each_contact(r->st, &f, check_contact, &c, &err), &err);
    assert_int_equal(c.hits, s->ncontacts);
}

/* ------------------------------------------------------------ tests */

static void test_scan_equals_iterators(void **state)
{
    (void)state;
    for (int sparse = 0; sparse < 2; sparse++) {
        registry r;
        registry_open(&r, sparse);
        seen *s = calloc(1, sizeof *s);
        assert_non_null(s);
        ib_scan_handler h = all_kinds(s);
        scan_ok(&r, 0, &h);
        assert_int_equal(s->nsenders, 2);
        assert_int_equal(s->senders[0], r.s1);     /* in id order */
        assert_int_equal(s->senders[1], r.s2);
        assert_int_equal(s->norgs, 4);
        assert_int_equal(s->nlocs, 3);
        assert_int_equal(s->npersons, 4);
        assert_int_equal(s->nstays, 7);
        assert_int_equal(s->nregs, 5);
        assert_int_equal(s->nemps, 4);
        assert_int_equal(s->nhousings, 3);
        assert_int_equal(s->nevents, 5);           /* home_purchase included */
        assert_int_equal(s->ncontacts, 4);
        same_as_iterators(&r, 0, s);
        /* kind_done once per kind, in dependency order */
        assert_int_equal(s->ndone, IB_KIND_COUNT);
        for (int k = 0; k < IB_KIND_COUNT; k++)
            assert_int_equal(s->done[k], (ib_kind)k);
        free(s);
        registry_close(&r);
    }
}

static void test_scan_one_sender(void **state)
{
    (void)state;
    registry r;
    registry_open(&r, false);
    seen *s = calloc(1, sizeof *s);
    assert_non_null(s);
    ib_scan_handler h = all_kinds(s);
    scan_ok(&r, r.s2, &h);
    assert_int_equal(s->nsenders, 2);              /* senders: always all */
    assert_int_equal(s->norgs, 1);
    assert_int_equal(s->nlocs, 1);
    assert_int_equal(s->npersons, 1);
    assert_string_equal(s->person_refs[0], "C");
    assert_int_equal(s->nstays + s->nregs + s->nemps + s->nhousings + s->nevents +
                     s->ncontacts, 6);
    same_as_iterators(&r, r.s2, s);
    free(s);
    registry_close(&r);
}

/* Kinds without a callback are not read and get no kind_done. */
static void test_scan_skips_kinds(void **state)
{
    (void)state;
    registry r;
    registry_open(&r, false);
    seen *s = calloc(1, sizeof *s);
    assert_non_null(s);
    ib_scan_handler h = {.ctx = s, .person = on_person, .stay = on_stay,
                         .kind_done = on_done};
    scan_ok(&r, 0, &h);
    assert_int_equal(s->nsenders, 0);
    assert_int_equal(s->npersons, 4);
    assert_int_equal(s->nstays, 7);
    assert_int_equal(s->norgs + s->nlocs + s->nregs + s->nemps + s->nhousings +
                     s->nevents + s->ncontacts, 0);
    assert_int_equal(s->ndone, 2);
    assert_int_equal(s->done[0], IB_KIND_PERSON);
    assert_int_equal(s->done[1], IB_KIND_STAY);
    free(s);
    registry_close(&r);
}

/* A callback's stop value comes back, and no transaction is left open: the
 * next write transaction starts. */
static void test_scan_stops(void **state)
{
    (void)state;
    registry r;
    registry_open(&r, false);
    for (int stop = 1; stop <= 30; stop += 7) {
        seen *s = calloc(1, sizeof *s);
        assert_non_null(s);
        s->stop_after = stop;
        ib_scan_handler h = all_kinds(s);
        ib_err err;
        assert_int_equal(ib_store_scan(r.st, 0, &h, &err), 42);
        assert_int_equal(s->calls, stop);
        assert_false(ib_store_in_transaction(r.st));
        rf_begin(&r);
        rf_commit(&r);
        free(s);
    }
    registry_close(&r);
}

static void test_scan_unknown_code(void **state)
{
    (void)state;
    registry r;
    registry_open(&r, false);
    rf_sql(&r, "UPDATE employments SET contract = 'zzp' WHERE id ="
               " (SELECT min(id) FROM employments)");
    seen *s = calloc(1, sizeof *s);
    assert_non_null(s);
    ib_scan_handler h = all_kinds(s);
    ib_err err;
    assert_int_equal(ib_store_scan(r.st, 0, &h, &err), IB_ESTORE);
    assert_non_null(strstr(err.msg, "zzp"));
    assert_int_equal(s->nemps, 0);
    rf_begin(&r);
    rf_commit(&r);
    free(s);
    registry_close(&r);
}

/* Inside the caller's transaction the scan sees its uncommitted rows and
 * leaves the transaction to the caller. */
static void test_scan_in_transaction(void **state)
{
    (void)state;
    registry r;
    registry_open(&r, false);
    rf_begin(&r);
    rf_person(&r, r.s2, "E", "1999-09-09", IB_SEX_M, "LT", IB_CAT_LABOUR);
    seen *s = calloc(1, sizeof *s);
    assert_non_null(s);
    ib_scan_handler h = {.ctx = s, .person = on_person};
    scan_ok(&r, r.s2, &h);
    assert_int_equal(s->npersons, 2);
    assert_true(ib_store_in_transaction(r.st));
    ib_err err;
    rf_ok(ib_store_rollback(r.st, &err), &err);
    memset(s, 0, sizeof *s);
    h.ctx = s;
    scan_ok(&r, r.s2, &h);
    assert_int_equal(s->npersons, 1);
    free(s);
    registry_close(&r);
}

static void test_scan_bad_sender(void **state)
{
    (void)state;
    registry r;
    registry_open(&r, false);
    seen s;
    memset(&s, 0, sizeof s);
    ib_scan_handler h = all_kinds(&s);
    ib_err err;
    assert_int_equal(ib_store_scan(r.st, -1, &h, &err), IB_EINVAL);
    assert_int_equal(s.calls, 0);
    registry_close(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan_equals_iterators),
        cmocka_unit_test(test_scan_one_sender),
        cmocka_unit_test(test_scan_skips_kinds),
        cmocka_unit_test(test_scan_stops),
        cmocka_unit_test(test_scan_unknown_code),
        cmocka_unit_test(test_scan_in_transaction),
        cmocka_unit_test(test_scan_bad_sender),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
