/* test_core.c — dates, money, BSN, postcode and the ISO code tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

static ib_date d(const char *s)
{
    ib_date out = IB_DATE_NONE;
    ib_err err;
    assert_int_equal(ib_date_parse(s, strlen(s), &out, &err), IB_OK);
    return out;
}

static const char *fmt(ib_date x)
{
    static char buf[IB_DATE_STRLEN];
    return ib_date_format(x, buf);
}

static void test_date_epoch_and_roundtrip(void **state)
{
    (void)state;
    assert_int_equal(ib_date_from_ymd(1970, 1, 1), 0);
    assert_int_equal(ib_date_from_ymd(2000, 3, 1), 11017);
    assert_int_equal(ib_date_from_ymd(1969, 12, 31), -1);
    /* Every day from 1800 to 2200 survives a round trip through y-m-d. */
    for (ib_date x = ib_date_from_ymd(1800, 1, 1);
         x <= ib_date_from_ymd(2200, 1, 1); x++) {
        int y, m, dd;
        ib_date_to_ymd(x, &y, &m, &dd);
        assert_true(ib_date_is_valid_ymd(y, m, dd));
        assert_int_equal(ib_date_from_ymd(y, m, dd), x);
    }
    assert_string_equal(fmt(d("2024-02-29")), "2024-02-29");
    assert_string_equal(fmt(IB_DATE_NONE), "");
}

static void test_date_parse_errors(void **state)
{
    (void)state;
    ib_date x;
    ib_err err;
    const char *bad[] = {"2023-02-29", "2023-13-01", "2023-00-10", "2023-1-01",
                         "23-01-01", "2023/01/01", "2023-01-01 ", "", "abcd-ef-gh",
                         "1799-12-31", "2200-01-01", "2100-02-29"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(ib_date_parse(bad[i], strlen(bad[i]), &x, &err), IB_EINVAL);
    ib_date_parse("2023-02-30", 10, &x, &err);
    assert_string_equal(err.msg, "2023-02-30 bestaat niet");
    ib_date_parse("2023/02/01", 10, &x, &err);
    assert_non_null(strstr(err.msg, "JJJJ-MM-DD"));
    assert_int_equal(ib_date_parse("2000-02-29", 10, &x, &err), IB_OK);
}

static void test_date_add_years_and_age(void **state)
{
    (void)state;
    assert_string_equal(fmt(ib_date_add_years(d("2006-02-28"), 18)), "2024-02-28");
    assert_string_equal(fmt(ib_date_add_years(d("2004-02-29"), 18)), "2022-03-01");
    assert_string_equal(fmt(ib_date_add_years(d("2004-02-29"), 20)), "2024-02-29");
    assert_string_equal(fmt(ib_date_add_years(d("2010-07-15"), -1)), "2009-07-15");
    assert_int_equal(ib_date_age_years(d("1995-06-10"), d("2025-06-09")), 29);
    assert_int_equal(ib_date_age_years(d("1995-06-10"), d("2025-06-10")), 30);
    assert_string_equal(fmt(ib_date_month_start(d("2025-06-10"))), "2025-06-01");
    assert_true(ib_date_today() > d("2024-01-01"));
}

static ib_cents money(const char *s, bool comma)
{
    ib_cents c = 0;
    ib_err err;
    assert_int_equal(ib_money_parse(s, strlen(s), comma, &c, &err), IB_OK);
    return c;
}

static void test_money(void **state)
{
    (void)state;
    assert_int_equal(money("2496", false), 249600);
    assert_int_equal(money("2496.5", false), 249650);
    assert_int_equal(money("2496.05", false), 249605);
    assert_int_equal(money("0.01", false), 1);
    assert_int_equal(money("2496,05", true), 249605);
    ib_cents c;
    ib_err err;
    const char *bad[] = {"", "-5", "1.234", "1.", ".5", "1,000.00", "1e3",
                         "12 34", "10000000.01", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(ib_money_parse(bad[i], strlen(bad[i]), false, &c, &err),
                         IB_EINVAL);
    assert_int_equal(ib_money_parse("12,50", 5, false, &c, &err), IB_EINVAL);
    assert_non_null(strstr(err.msg, "decimale komma"));
    char buf[32];
    assert_string_equal(ib_money_format(249605, buf, sizeof buf), "2496.05");
    assert_string_equal(ib_money_format(7, buf, sizeof buf), "0.07");
    assert_string_equal(ib_money_format(IB_CENTS_NONE, buf, sizeof buf), "");
}

static void test_bsn(void **state)
{
    (void)state;
    assert_true(ib_bsn_is_valid("111222333", 9));
    assert_true(ib_bsn_is_valid("123456782", 9));
    assert_false(ib_bsn_is_valid("123456789", 9));
    assert_false(ib_bsn_is_valid("000000000", 9));
    assert_false(ib_bsn_is_valid("11122233", 8));
    assert_false(ib_bsn_is_valid("1112223334", 10));
    assert_false(ib_bsn_is_valid("11122233a", 9));
}

static void test_postcode_and_codes(void **state)
{
    (void)state;
    char pc[7];
    ib_err err;
    assert_int_equal(ib_postcode_normalise("2511AB", 6, pc, &err), IB_OK);
    assert_string_equal(pc, "2511AB");
    assert_int_equal(ib_postcode_normalise("2511 AB", 7, pc, &err), IB_OK);
    assert_string_equal(pc, "2511AB");
    const char *bad[] = {"0511AB", "2511ab", "2511A", "2511  AB", "25110AB",
                         "2511SS", "2511SA", "2511SD", "ABCDEF"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(ib_postcode_normalise(bad[i], strlen(bad[i]), pc, &err),
                         IB_EINVAL);
    assert_true(ib_municipality_is_valid("GM0518", 6));
    assert_false(ib_municipality_is_valid("GM518", 5));
    assert_false(ib_municipality_is_valid("gm0518", 6));
    assert_true(ib_kvk_is_valid("12345678", 8));
    assert_false(ib_kvk_is_valid("1234567", 7));
    ib_cefr lvl;
    assert_int_equal(ib_cefr_parse("B1", 2, &lvl), IB_OK);
    assert_int_equal(lvl, IB_CEFR_B1);
    assert_int_equal(ib_cefr_parse("B3", 2, &lvl), IB_EINVAL);
    assert_string_equal(ib_cefr_name(IB_CEFR_C2), "C2");
}

static void test_countries_and_languages(void **state)
{
    (void)state;
    assert_true(ib_country_is_valid("PL"));
    assert_true(ib_country_is_valid("XX"));
    assert_false(ib_country_is_valid("UK"));
    assert_false(ib_country_is_valid("pl"));
    assert_false(ib_country_is_valid("POL"));
    assert_string_equal(ib_country_name("RO"), "Romania");
    assert_true(ib_country_is_eu("PL"));
    assert_true(ib_country_is_eu("NO"));
    assert_false(ib_country_is_eu("GB"));
    assert_false(ib_country_is_eu("IN"));
    assert_true(ib_country_is_cee("BG"));
    assert_false(ib_country_is_cee("ES"));
    assert_true(ib_country_is_south("PT"));
    assert_false(ib_country_is_south("PL"));
    assert_true(ib_language_is_valid("pl"));
    assert_false(ib_language_is_valid("xx"));
    assert_string_equal(ib_language_name("ro"), "Romanian");
}

static void test_errors_and_strings(void **state)
{
    (void)state;
    ib_err err;
    assert_int_equal(ib_err_set_at(&err, IB_EINVAL, 12, 3, "bsn", "x %d", 5), IB_EINVAL);
    assert_int_equal(err.line, 12);
    assert_int_equal(err.column, 3);
    assert_string_equal(err.field, "bsn");
    assert_string_equal(err.msg, "x 5");
    ib_err_clear(&err);
    assert_int_equal(err.code, IB_OK);
    assert_int_equal(ib_err_set(NULL, IB_EIO, "ignored"), IB_EIO);
    char small[4];
    assert_false(ib_strlcpy(small, "abcdef", sizeof small));
    assert_string_equal(small, "abc");
    assert_true(ib_strlcpy(small, "ab", sizeof small));
    static const ib_code_name t[] = {{0, ""}, {1, "one"}, {2, "two"}, {0, NULL}};
    int v;
    assert_int_equal(ib_code_parse(t, "two", 3, &v), IB_OK);
    assert_int_equal(v, 2);
    assert_int_equal(ib_code_parse(t, "tw", 2, &v), IB_EINVAL);
    char list[64];
    assert_string_equal(ib_code_list(t, list, sizeof list), "one, two");
    assert_string_equal(ib_code_text(t, 1), "one");
}

static void test_option_numbers(void **state)
{
    (void)state;
    long n = 0;
    double x = 0;
    assert_true(ib_parse_long("2017", 1900, 2200, &n));
    assert_int_equal(n, 2017);
    assert_true(ib_parse_long("1900", 1900, 2200, &n));   /* bounds included */
    assert_true(ib_parse_long("2200", 1900, 2200, &n));
    assert_false(ib_parse_long("1899", 1900, 2200, &n));
    assert_false(ib_parse_long("2017x", 1900, 2200, &n)); /* whole string */
    assert_false(ib_parse_long("", 1900, 2200, &n));
    assert_false(ib_parse_long("99999999999999999999", 0, 10, &n));
    assert_true(ib_parse_positive("2.5", 100, &x));
    assert_true(x == 2.5);
    assert_true(ib_parse_positive("100", 100, &x));
    assert_false(ib_parse_positive("0", 100, &x));         /* strictly > 0 */
    assert_false(ib_parse_positive("-1", 100, &x));
    assert_false(ib_parse_positive("nan", 100, &x));
    assert_false(ib_parse_positive("100.5", 100, &x));
    assert_false(ib_parse_positive("1e", 100, &x));
}

/* Large hash tables: zeroed, writable end to end, huge-page aligned from
 * 2 MiB on; small ones from calloc. */
static void test_table_alloc(void **state)
{
    (void)state;
    const size_t sizes[] = {16, (size_t)2 << 20, ((size_t)5 << 20) + 24};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        size_t n = sizes[i];
        unsigned char *p = ib_table_alloc(n);
        assert_non_null(p);
        if (n >= ((size_t)2 << 20))
            assert_int_equal((uintptr_t)p % ((size_t)2 << 20), 0);
        size_t nonzero = 0;
        for (size_t j = 0; j < n; j++)
            nonzero += p[j] != 0;
        assert_int_equal(nonzero, 0);
        p[0] = 1;
        p[n - 1] = 2;
        assert_int_equal(p[0] + p[n - 1], 3);
        ib_table_free(p, n);
    }
    ib_table_free(NULL, 0);
}

static void assert_csv_field(const char *in, const char *want)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    ib_csv_put_field(f, in);
    fclose(f);
    assert_string_equal(buf, want);
    free(buf);
}

static void test_csv_field(void **state)
{
    (void)state;
    assert_csv_field("Wójcik", "Wójcik");
    assert_csv_field("", "");
    assert_csv_field("a,b", "\"a,b\"");
    assert_csv_field("zeg \"ja\"", "\"zeg \"\"ja\"\"\"");
    assert_csv_field("twee\nregels", "\"twee\nregels\"");
    assert_csv_field("cr\r", "\"cr\r\"");
    assert_csv_field("a;b", "a;b");             /* only , is our separator */
}

/* Formula injection (OWASP "CSV Injection"): a cell a spreadsheet would
 * run gets a quote in front; numbers stay numbers. */
static void test_csv_formula_guard(void **state)
{
    (void)state;
    assert_csv_field("=HYPERLINK(\"http://x\",\"y\")",
                     "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    assert_csv_field("@SUM(A1:A9)", "'@SUM(A1:A9)");
    assert_csv_field("+31 6 1234", "'+31 6 1234");
    assert_csv_field("-1+2", "'-1+2");
    assert_csv_field("-", "'-");
    assert_csv_field("\tcmd", "'\tcmd");
    assert_csv_field("\rcmd", "\"'\rcmd\"");
    assert_csv_field("=1,2", "\"'=1,2\"");
    /* plain numbers, as the monitor writes them, are kept */
    assert_csv_field("-3.5", "-3.5");
    assert_csv_field("+2", "+2");
    assert_csv_field("-1.5e-05", "-1.5e-05");
    assert_csv_field("-.5", "-.5");
    assert_csv_field("-1e", "'-1e");
    assert_csv_field("-.", "'-.");
    /* harmless starts stay as they are, also Dutch names with a quote */
    assert_csv_field("'s-Hertogenbosch", "'s-Hertogenbosch");
    assert_csv_field("a=b", "a=b");
    assert_csv_field("<10", "<10");
    /* a value that starts with the guard itself gets one more */
    assert_csv_field("'=x", "''=x");
    assert_csv_field("''-y", "'''-y");

    /* ib_csv_unguard undoes exactly what the guard did, for every value */
    const char *values[] = {"=x", "'=x", "''=x", "-3.5", "'-3.5", "-a",
                            "'s-Hertogenbosch", "'", "''", "", "@", "\t",
                            "plain", "+", "'+1"};
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        char guarded[32];
        snprintf(guarded, sizeof guarded, "%s%s",
                 ib_csv_needs_guard(values[i]) ? "'" : "", values[i]);
        assert_string_equal(ib_csv_unguard(guarded), values[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_epoch_and_roundtrip),
        cmocka_unit_test(test_date_parse_errors),
        cmocka_unit_test(test_date_add_years_and_age),
        cmocka_unit_test(test_money),
        cmocka_unit_test(test_bsn),
        cmocka_unit_test(test_postcode_and_codes),
        cmocka_unit_test(test_countries_and_languages),
        cmocka_unit_test(test_errors_and_strings),
        cmocka_unit_test(test_option_numbers),
        cmocka_unit_test(test_csv_field),
        cmocka_unit_test(test_csv_formula_guard),
        cmocka_unit_test(test_table_alloc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
