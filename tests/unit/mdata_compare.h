/* mdata_compare.h — field-by-field equality of two ib_mdata (every array,
 * strings compared as text), for test_mdata_load.c and test_snapshot.c. */
#ifndef IB_TEST_MDATA_COMPARE_H
#define IB_TEST_MDATA_COMPARE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "monitor/monitor.h"

static void same_offsets(const uint32_t *a, const uint32_t *b, size_t np)
{
    for (size_t p = 0; p <= np; p++)
        assert_int_equal(a[p], b[p]);
}

static void same_data(const ib_mdata *a, const ib_mdata *b)
{
    assert_int_equal(a->n_senders, b->n_senders);
    for (size_t i = 0; i < a->n_senders; i++)
        assert_int_equal(a->sender_ids[i], b->sender_ids[i]);
    assert_int_equal(a->n_orgs, b->n_orgs);
    for (size_t i = 0; i < a->n_orgs; i++) {
        assert_string_equal(ib_mdata_str(a, a->orgs[i].ref),
                            ib_mdata_str(b, b->orgs[i].ref));
        assert_string_equal(ib_mdata_str(a, a->orgs[i].name),
                            ib_mdata_str(b, b->orgs[i].name));
        assert_int_equal(a->orgs[i].kind, b->orgs[i].kind);
    }
    assert_int_equal(a->n_locations, b->n_locations);
    for (size_t i = 0; i < a->n_locations; i++) {
        const ib_mlocation *x = &a->locations[i], *y = &b->locations[i];
        assert_string_equal(ib_mdata_str(a, x->ref), ib_mdata_str(b, y->ref));
        assert_int_equal(x->floor_area, y->floor_area);
        assert_int_equal(x->capacity, y->capacity);
        assert_int_equal(x->provider, y->provider);
        assert_int_equal(x->municipality, y->municipality);
        assert_int_equal(x->kind, y->kind);
    }
    assert_int_equal(a->n_persons, b->n_persons);
    for (size_t i = 0; i < a->n_persons; i++) {
        const ib_mperson *x = &a->persons[i], *y = &b->persons[i];
        assert_string_equal(ib_mdata_str(a, x->ref), ib_mdata_str(b, y->ref));
        assert_int_equal(x->sender, y->sender);
        assert_int_equal(x->birth, y->birth);
        assert_memory_equal(x->nationality, y->nationality, 3);
        assert_int_equal(x->sex, y->sex);
        assert_int_equal(x->category, y->category);
        assert_int_equal(x->flags, y->flags);
    }
    size_t np = a->n_persons;
    assert_int_equal(a->n_stays, b->n_stays);
    same_offsets(a->stay_off, b->stay_off, np);
    for (size_t i = 0; i < a->n_stays; i++) {
        assert_int_equal(a->stays[i].arrival, b->stays[i].arrival);
        assert_int_equal(a->stays[i].departure, b->stays[i].departure);
    }
    assert_int_equal(a->n_regs, b->n_regs);
    same_offsets(a->reg_off, b->reg_off, np);
    for (size_t i = 0; i < a->n_regs; i++) {
        assert_int_equal(a->regs[i].start, b->regs[i].start);
        assert_int_equal(a->regs[i].end, b->regs[i].end);
        assert_int_equal(a->regs[i].municipality, b->regs[i].municipality);
        assert_int_equal(a->regs[i].kind, b->regs[i].kind);
    }
    assert_int_equal(a->n_emps, b->n_emps);
    same_offsets(a->emp_off, b->emp_off, np);
    for (size_t i = 0; i < a->n_emps; i++) {
        const ib_memp *x = &a->emps[i], *y = &b->emps[i];
        assert_int_equal(x->start, y->start);
        assert_int_equal(x->end, y->end);
        assert_int_equal(x->wage, y->wage);
        assert_int_equal(x->employer, y->employer);
        assert_int_equal(x->agency, y->agency);
        assert_int_equal(x->contract, y->contract);
    }
    assert_int_equal(a->n_housings, b->n_housings);
    same_offsets(a->housing_off, b->housing_off, np);
    for (size_t i = 0; i < a->n_housings; i++) {
        const ib_mhousing *x = &a->housings[i], *y = &b->housings[i];
        assert_int_equal(x->start, y->start);
        assert_int_equal(x->end, y->end);
        assert_int_equal(x->location, y->location);
        assert_int_equal(x->provided_by, y->provided_by);
    }
    assert_int_equal(a->n_events, b->n_events);
    same_offsets(a->event_off, b->event_off, np);
    for (size_t i = 0; i < a->n_events; i++) {
        assert_int_equal(a->events[i].date, b->events[i].date);
        assert_int_equal(a->events[i].kind, b->events[i].kind);
    }
}

#endif
