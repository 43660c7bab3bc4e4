/* test_reference.c — the compiled WML and knowledge-migrant tables equal
 * reference/wml.csv and reference/knowledge_migrant.csv row for row (so a
 * new published amount added to one and not the other fails here), and the
 * look-ups by date: latest valid_from <= d, the first row before it, the
 * lower criterion under 30. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "monitor/monitor.h"

static ib_date D(const char *s)
{
    ib_date out;
    ib_err err;
    assert_int_equal(ib_date_parse(s, strlen(s), &out, &err), IB_OK);
    return out;
}

/* Splits a CSV line without quotes into at most n fields; returns count.
 * Every one of the n slots is set (those past the line's end to ""), so a
 * caller reads no uninitialised pointer whatever the count was. */
static size_t split(char *line, char **f, size_t n)
{
    size_t k = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line; k < n;) {
        f[k++] = p;
        char *c = strchr(p, ',');
        if (!c)
            break;
        *c = '\0';
        p = c + 1;
    }
    for (size_t i = k; i < n; i++)
        f[i] = line + strlen(line);
    return k;
}

static ib_cents money(const char *s)
{
    ib_cents c;
    ib_err err;
    if (!*s)
        return IB_CENTS_NONE;
    assert_int_equal(ib_money_parse(s, strlen(s), false, &c, &err), IB_OK);
    return c;
}

static FILE *open_ref(const char *name, char *header, size_t size)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", IB_REFERENCE_DIR, name);
    FILE *f = fopen(path, "r");
    if (!f)
        print_error("cannot open %s\n", path);
    assert_non_null(f);
    assert_non_null(fgets(header, (int)size, f));
    return f;
}

static void test_wml_equals_csv(void **state)
{
    (void)state;
    char line[256];
    FILE *f = open_ref("wml.csv", line, sizeof line);
    assert_string_equal(line, "valid_from,monthly_eur,hourly_eur\n");
    size_t n, i = 0;
    const ib_ref_wml_row *rows = ib_ref_wml_rows(&n);
    while (fgets(line, sizeof line, f)) {
        char *fl[3];
        assert_int_equal(split(line, fl, 3), 3);
        assert_true(i < n);
        assert_int_equal(rows[i].valid_from, D(fl[0]));
        assert_int_equal(rows[i].monthly, money(fl[1]));
        assert_int_equal(rows[i].hourly, money(fl[2]));
        if (i)
            assert_true(rows[i].valid_from > rows[i - 1].valid_from);
        i++;
    }
    assert_int_equal(i, n);
    fclose(f);
}

static void test_knowledge_equals_csv(void **state)
{
    (void)state;
    char line[256];
    FILE *f = open_ref("knowledge_migrant.csv", line, sizeof line);
    assert_string_equal(line,
        "valid_from,monthly_30_plus_eur,monthly_under_30_eur\n");
    size_t n, i = 0;
    const ib_ref_knowledge_row *rows = ib_ref_knowledge_rows(&n);
    while (fgets(line, sizeof line, f)) {
        char *fl[3];
        assert_int_equal(split(line, fl, 3), 3);
        assert_true(i < n);
        assert_int_equal(rows[i].valid_from, D(fl[0]));
        assert_int_equal(rows[i].monthly_30_plus, money(fl[1]));
        assert_int_equal(rows[i].monthly_under_30, money(fl[2]));
        if (i)
            assert_true(rows[i].valid_from > rows[i - 1].valid_from);
        i++;
    }
    assert_int_equal(i, n);
    fclose(f);
}

static void test_lookups(void **state)
{
    (void)state;
    assert_int_equal(ib_ref_wml(D("2010-06-01")), 150180);   /* before: first */
    assert_int_equal(ib_ref_wml(D("2015-01-01")), 150180);
    assert_int_equal(ib_ref_wml(D("2023-06-30")), 193440);
    assert_int_equal(ib_ref_wml(D("2023-07-01")), 199500);   /* change day */
    assert_int_equal(ib_ref_wml(D("2030-01-01")), 249600);   /* after: last */
    assert_int_equal(ib_ref_knowledge(29, D("2024-12-31")), 390900);
    assert_int_equal(ib_ref_knowledge(30, D("2024-12-31")), 533100);
    assert_int_equal(ib_ref_knowledge(30, D("2025-01-01")), 568800);
    assert_int_equal(ib_ref_knowledge(18, D("2014-01-01")), 307100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wml_equals_csv),
        cmocka_unit_test(test_knowledge_equals_csv),
        cmocka_unit_test(test_lookups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
