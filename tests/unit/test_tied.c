/* test_tied.c — tied housing, the one rule of tied.c: a bed is tied on a
 * day a job of the person covering that day has the bed's provider as
 * employer or agency; the periods of a bed's episode on which it is tied
 * hold exactly the days ib_tied_on says, merged where jobs touch, and a
 * provider that employs the person at another time is no tie. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "monitor/monitor.h"

static ib_date D(const char *s)
{
    ib_date d;
    ib_err err;
    assert_int_equal(ib_date_parse(s, 10, &d, &err), IB_OK);
    return d;
}

enum { AGENCY = 1, EMPLOYER = 2, LANDLORD = 3, OTHER = 4 };

static void test_tied_on_a_day(void **state)
{
    (void)state;
    ib_tie_job jobs[] = {
        {D("2023-01-01"), D("2023-06-30"), EMPLOYER, AGENCY},
        {D("2024-01-01"), IB_DATE_NONE, OTHER, -1},
    };
    /* the agency and the employer tie on the job's days, both ends included */
    assert_true(ib_tied_on(AGENCY, jobs, 2, D("2023-01-01")));
    assert_true(ib_tied_on(EMPLOYER, jobs, 2, D("2023-06-30")));
    assert_false(ib_tied_on(AGENCY, jobs, 2, D("2022-12-31")));
    assert_false(ib_tied_on(AGENCY, jobs, 2, D("2023-07-01")));
    /* a landlord is never a tie, nor is no provider (a negative number),
     * even beside a job without an agency (-1) */
    assert_false(ib_tied_on(LANDLORD, jobs, 2, D("2023-03-01")));
    assert_false(ib_tied_on(-1, jobs, 2, D("2024-03-01")));
    /* an ongoing job ties every day from its start */
    assert_true(ib_tied_on(OTHER, jobs, 2, D("2030-01-01")));
    assert_false(ib_tied_on(OTHER, jobs, 0, D("2030-01-01")));
}

/* Every day of [from, to] is in one of the periods exactly when
 * ib_tied_on holds on it. */
static void same_as_each_day(int64_t provider, ib_date from, ib_date to,
                             const ib_tie_job *jobs, size_t n,
                             const ib_tie_period *p, size_t np)
{
    for (ib_date d = from; d <= to; d++) {
        bool in = false;
        for (size_t i = 0; i < np; i++)
            in |= p[i].start <= d && (p[i].end == IB_DATE_NONE || d <= p[i].end);
        assert_int_equal(in, ib_tied_on(provider, jobs, n, d));
    }
}

static void test_periods_of_an_episode(void **state)
{
    (void)state;
    /* out of order; the second touches the third (ends the day before it
     * starts), the last one overlaps nothing of the bed */
    ib_tie_job jobs[] = {
        {D("2023-05-01"), D("2023-08-31"), EMPLOYER, AGENCY},
        {D("2023-01-01"), D("2023-02-28"), OTHER, AGENCY},
        {D("2023-03-01"), D("2023-03-31"), AGENCY, -1},
        {D("2022-01-01"), D("2022-02-01"), AGENCY, -1},
        {D("2023-02-01"), D("2023-12-31"), LANDLORD + 10, -1},
    };
    ib_tie_period p[8];
    ib_date from = D("2023-02-15"), to = D("2023-12-31");
    size_t n = ib_tied_periods(AGENCY, from, to, jobs, 5, p, 8);
    assert_int_equal(n, 2);
    assert_int_equal(p[0].start, from);               /* the bed starts later */
    assert_int_equal(p[0].end, D("2023-03-31"));      /* two jobs merged */
    assert_int_equal(p[1].start, D("2023-05-01"));
    assert_int_equal(p[1].end, D("2023-08-31"));
    same_as_each_day(AGENCY, from, to, jobs, 5, p, n);
    /* the employer only in the first job */
    n = ib_tied_periods(EMPLOYER, from, to, jobs, 5, p, 8);
    assert_int_equal(n, 1);
    same_as_each_day(EMPLOYER, from, to, jobs, 5, p, n);
    /* a landlord: no period; a bed with no provider: none */
    assert_int_equal(ib_tied_periods(LANDLORD, from, to, jobs, 5, p, 8), 0);
    assert_int_equal(ib_tied_periods(-1, from, to, jobs, 5, p, 8), 0);
}

static void test_open_ends(void **state)
{
    (void)state;
    ib_tie_job jobs[] = {
        {D("2024-01-01"), IB_DATE_NONE, AGENCY, -1},
        {D("2023-06-01"), D("2024-02-01"), AGENCY, -1},
    };
    ib_tie_period p[4];
    /* an ongoing bed and an ongoing job: one open period from the job */
    size_t n = ib_tied_periods(AGENCY, D("2023-09-01"), IB_DATE_NONE, jobs, 2, p, 4);
    assert_int_equal(n, 1);
    assert_int_equal(p[0].start, D("2023-09-01"));
    assert_int_equal(p[0].end, IB_DATE_NONE);
    /* a bed that ended: the period ends with it */
    n = ib_tied_periods(AGENCY, D("2023-09-01"), D("2024-03-01"), jobs, 2, p, 4);
    assert_int_equal(n, 1);
    assert_int_equal(p[0].end, D("2024-03-01"));
    same_as_each_day(AGENCY, D("2023-09-01"), D("2024-03-01"), jobs, 2, p, n);
    /* a bed that ended before the job: nothing */
    assert_int_equal(ib_tied_periods(AGENCY, D("2022-01-01"), D("2023-05-31"), jobs, 2, p, 4), 0);
    /* no more periods than room for */
    ib_tie_job apart[] = {
        {D("2023-01-01"), D("2023-01-10"), AGENCY, -1},
        {D("2023-02-01"), D("2023-02-10"), AGENCY, -1},
        {D("2023-03-01"), D("2023-03-10"), AGENCY, -1},
    };
    assert_int_equal(ib_tied_periods(AGENCY, D("2023-01-01"), IB_DATE_NONE, apart, 3, p, 2), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tied_on_a_day),
        cmocka_unit_test(test_periods_of_an_episode),
        cmocka_unit_test(test_open_ends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
