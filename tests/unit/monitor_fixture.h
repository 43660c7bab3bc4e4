/* monitor_fixture.h — helpers for the monitor's unit tests: build an
 * ib_mdata in memory from dates written as text, one record per call.
 * Included by tests/unit/test_{timeline,typology,housing,registration}.c. */
#ifndef IB_MONITOR_FIXTURE_H
#define IB_MONITOR_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "monitor/monitor.h"

#define NONE IB_DATE_NONE

static inline ib_date D(const char *s)
{
    ib_date out;
    ib_err err;
    assert_int_equal(ib_date_parse(s, strlen(s), &out, &err), IB_OK);
    return out;
}

static inline uint32_t fx_person(ib_mdata *d, const char *ref, const char *birth,
                                 const char *nat, ib_sex sex, ib_category cat)
{
    ib_mperson p;
    memset(&p, 0, sizeof p);
    p.birth = birth ? D(birth) : IB_DATE_NONE;
    memcpy(p.nationality, nat, 2);
    p.sex = (uint8_t)sex;
    p.category = (uint8_t)cat;
    int i = ib_mdata_add_person(d, ref, &p);
    assert_true(i >= 0);
    return (uint32_t)i;
}

static inline int32_t fx_org(ib_mdata *d, const char *ref, ib_org_kind kind)
{
    int i = ib_mdata_add_org(d, ref, ref, kind);
    assert_true(i >= 0);
    return i;
}

/* floor_area in hundredths of m2 (IB_CENTS_NONE unknown), capacity -1
 * unknown. */
static inline int32_t fx_location(ib_mdata *d, const char *ref,
                                  const char *muni, ib_location_kind kind,
                                  int32_t capacity, int64_t floor_area,
                                  int32_t provider)
{
    ib_mlocation l;
    memset(&l, 0, sizeof l);
    l.floor_area = floor_area;
    l.capacity = capacity;
    l.provider = provider;
    l.municipality = ib_muni_from_code(muni);
    l.kind = (uint8_t)kind;
    int i = ib_mdata_add_location(d, ref, &l);
    assert_true(i >= 0);
    return i;
}

static inline void fx_stay(ib_mdata *d, uint32_t p, const char *arr,
                           const char *dep)
{
    assert_true(ib_mdata_add_stay(d, p, D(arr), dep ? D(dep) : NONE) >= 0);
}

/* wage in cents, -1 unknown. */
static inline void fx_emp(ib_mdata *d, uint32_t p, const char *start,
                          const char *end, ib_contract c, int32_t wage,
                          int32_t employer, int32_t agency)
{
    ib_memp e = {D(start), end ? D(end) : NONE, wage, employer, agency,
                 (uint8_t)c};
    assert_true(ib_mdata_add_emp(d, p, &e) >= 0);
}

static inline void fx_housing(ib_mdata *d, uint32_t p, int32_t loc,
                              const char *start, const char *end,
                              int32_t provided_by)
{
    ib_mhousing h = {D(start), end ? D(end) : NONE, loc, provided_by};
    assert_true(ib_mdata_add_housing(d, p, &h) >= 0);
}

static inline void fx_reg(ib_mdata *d, uint32_t p, ib_reg_kind kind,
                          const char *muni, const char *start, const char *end)
{
    ib_mreg r = {D(start), end ? D(end) : NONE,
                 muni ? ib_muni_from_code(muni) : IB_MUNI_NONE, (uint8_t)kind};
    assert_true(ib_mdata_add_reg(d, p, &r) >= 0);
}

static inline void fx_event(ib_mdata *d, uint32_t p, ib_event_kind kind,
                            const char *date)
{
    assert_true(ib_mdata_add_event(d, p, kind, D(date)) >= 0);
}

static inline void fx_finish(ib_mdata *d)
{
    ib_err err;
    int rc = ib_mdata_finish(d, &err);
    if (rc)
        print_error("finish: %s\n", err.msg);
    assert_int_equal(rc, IB_OK);
}

#endif
