/* date.c — calendar dates as day numbers since 1970-01-01 (proleptic
 * Gregorian). Conversions use Howard Hinnant's civil-from-days algorithms,
 * exact for every date and free of time zones and tables. */
#include "core/core.h"

#include <stdio.h>
#include <time.h>

bool ib_date_is_leap_year(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int ib_date_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && ib_date_is_leap_year(year))
        return 29;
    return days[month - 1];
}

bool ib_date_is_valid_ymd(int year, int month, int day)
{
    return month >= 1 && month <= 12 && day >= 1 &&
           day <= ib_date_days_in_month(year, month);
}

ib_date ib_date_from_ymd(int year, int month, int day)
{
    /* Shift the year to start in March so the leap day is the last one. */
    int y = month <= 2 ? year - 1 : year;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;                                  /* [0, 399] */
    int mp = (month + 9) % 12;                                /* March = 0 */
    int doy = (153 * mp + 2) / 5 + day - 1;                   /* [0, 365] */
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* [0, 146096] */
    return (ib_date)(era * 146097 + doe - 719468);
}

void ib_date_to_ymd(ib_date d, int *year, int *month, int *day)
{
    int z = d + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int dd = doy - (153 * mp + 2) / 5 + 1;
    int mm = mp < 10 ? mp + 3 : mp - 9;
    int yy = yoe + era * 400 + (mm <= 2);
    if (year) *year = yy;
    if (month) *month = mm;
    if (day) *day = dd;
}

static int digits_value(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int ib_date_parse(const char *s, size_t len, ib_date *out, ib_err *err)
{
    int y, m, d;
    if (len != 10 || s[4] != '-' || s[7] != '-' || digits_value(s, 4, &y) ||
        digits_value(s + 5, 2, &m) || digits_value(s + 8, 2, &d))
        return ib_err_set(err, IB_EINVAL,
                          "'%.*s' is geen datum van de vorm JJJJ-MM-DD",
                          (int)(len > 40 ? 40 : len), s);
    if (!ib_date_is_valid_ymd(y, m, d))
        return ib_err_set(err, IB_EINVAL, "%.10s bestaat niet", s);
    if (y < 1800 || y > 2199)
        return ib_err_set(err, IB_EINVAL, "%.10s ligt buiten 1800-2199", s);
    *out = ib_date_from_ymd(y, m, d);
    return IB_OK;
}

char *ib_date_format(ib_date d, char buf[IB_DATE_STRLEN])
{
    if (d == IB_DATE_NONE) {
        buf[0] = '\0';
        return buf;
    }
    int y, m, dd;
    ib_date_to_ymd(d, &y, &m, &dd);
    if (y < 0 || y > 9999) {
        buf[0] = '\0';
        return buf;
    }
    snprintf(buf, IB_DATE_STRLEN, "%04d-%02d-%02d", y, m, dd);
    return buf;
}

ib_date ib_date_add_years(ib_date d, int years)
{
    int y, m, dd;
    ib_date_to_ymd(d, &y, &m, &dd);
    y += years;
    if (m == 2 && dd == 29 && !ib_date_is_leap_year(y)) {
        m = 3;                       /* 29 February -> 1 March */
        dd = 1;
    }
    return ib_date_from_ymd(y, m, dd);
}

int ib_date_age_years(ib_date birth, ib_date d)
{
    int by, bm, bd, y, m, dd;
    ib_date_to_ymd(birth, &by, &bm, &bd);
    ib_date_to_ymd(d, &y, &m, &dd);
    int age = y - by;
    if (m < bm || (m == bm && dd < bd))
        age--;
    return age;
}

ib_date ib_date_today(void)
{
    return (ib_date)(time(NULL) / 86400);
}

ib_date ib_date_month_start(ib_date d)
{
    int y, m, dd;
    ib_date_to_ymd(d, &y, &m, &dd);
    return ib_date_from_ymd(y, m, 1);
}
