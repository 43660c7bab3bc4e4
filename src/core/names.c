/* names.c — comparing persons' names and birth dates for record linkage
 * (docs/linkage.md): the normal form of a name, Jaro–Winkler similarity and
 * birth dates that look alike. Unicode work (NFKD, marks, case folding) is
 * utf8proc's, the library Julia and PostgreSQL's tooling rely on. */
#include "core/core.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* The characters that separate the parts of a name: after normalisation a
 * run of them is one space. */
static bool is_separator(unsigned char c)
{
    return c == '-' || c == '\'' || c == '.' || c == ' ' || c == '\t' ||
           c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

int ib_name_normalise(const char *in, char *out, size_t size)
{
    utf8proc_uint8_t *mapped = NULL;
    if (!out || size == 0)
        return IB_EINVAL;
    out[0] = '\0';
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)(in ? in : ""), 0, &mapped,
                                      UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPAT |
                                      UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK |
                                      UTF8PROC_CASEFOLD);
    if (n < 0)
        return n == UTF8PROC_ERROR_NOMEM ? IB_ENOMEM : IB_EINVAL;
    size_t len = 0;
    bool pending_space = false;
    int rc = IB_OK;
    for (utf8proc_ssize_t i = 0; i < n; i++) {
        unsigned char c = mapped[i];
        if (is_separator(c)) {
            pending_space = len > 0;
            continue;
        }
        if (len + (pending_space ? 2 : 1) >= size) {
            rc = IB_ELIMIT;
            break;
        }
        if (pending_space)
            out[len++] = ' ';
        pending_space = false;
        out[len++] = (char)c;
    }
    out[len] = '\0';
    free(mapped);
    return rc;
}

/* Decodes UTF-8 into code points; returns how many (at most max), or -1
 * for text that is not UTF-8. */
static long decode(const char *s, int32_t *cp, long max)
{
    long n = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(s);
    while (left > 0 && n < max) {
        utf8proc_int32_t c;
        utf8proc_ssize_t used = utf8proc_iterate(p, left, &c);
        if (used <= 0)
            return -1;
        cp[n++] = c;
        p += used;
        left -= used;
    }
    return n;
}

#define JW_MAX 256          /* code points compared; names are shorter */

static double jaro(const int32_t *a, long la, const int32_t *b, long lb)
{
    if (la == 0 || lb == 0)
        return 0.0;
    long window = (la > lb ? la : lb) / 2 - 1;
    if (window < 0)
        window = 0;
    bool amatch[JW_MAX] = {0}, bmatch[JW_MAX] = {0};
    long matches = 0;
    for (long i = 0; i < la; i++) {
        long lo = i > window ? i - window : 0;
        long hi = i + window + 1 < lb ? i + window + 1 : lb;
        for (long j = lo; j < hi; j++) {
            if (!bmatch[j] && a[i] == b[j]) {
                amatch[i] = bmatch[j] = true;
                matches++;
                break;
            }
        }
    }
    if (matches == 0)
        return 0.0;
    long transpositions = 0;
    for (long i = 0, j = 0; i < la; i++) {
        if (!amatch[i])
            continue;
        while (!bmatch[j])
            j++;
        if (a[i] != b[j])
            transpositions++;
        j++;
    }
    double m = (double)matches;
    return (m / (double)la + m / (double)lb + (m - (double)transpositions / 2.0) / m) / 3.0;
}

double ib_jaro_winkler(const char *a, const char *b)
{
    int32_t ca[JW_MAX], cb[JW_MAX];
    long la = decode(a ? a : "", ca, JW_MAX), lb = decode(b ? b : "", cb, JW_MAX);
    if (la <= 0 || lb <= 0)
        return 0.0;
    double j = jaro(ca, la, cb, lb);
    long prefix = 0;
    while (prefix < 4 && prefix < la && prefix < lb && ca[prefix] == cb[prefix])
        prefix++;
    return j + (double)prefix * 0.1 * (1.0 - j);
}

/* YYYYMMDD of a date as 8 digits. */
static void date_digits(ib_date d, char out[9])
{
    int y, m, day;
    ib_date_to_ymd(d, &y, &m, &day);
    for (int i = 3; i >= 0; i--, y /= 10)
        out[i] = (char)('0' + (y % 10 + 10) % 10);
    out[4] = (char)('0' + m / 10);
    out[5] = (char)('0' + m % 10);
    out[6] = (char)('0' + day / 10);
    out[7] = (char)('0' + day % 10);
    out[8] = '\0';
}

bool ib_birth_dates_look_alike(ib_date a, ib_date b)
{
    if (a == IB_DATE_NONE || b == IB_DATE_NONE)
        return false;
    if (a == b)
        return true;
    int ya, ma, da, yb, mb, db;
    ib_date_to_ymd(a, &ya, &ma, &da);
    ib_date_to_ymd(b, &yb, &mb, &db);
    if (ya == yb && ma == db && da == mb)
        return true;
    char x[9], y[9];
    date_digits(a, x);
    date_digits(b, y);
    int differ = 0;
    for (int i = 0; i < 8; i++)
        differ += x[i] != y[i];
    return differ == 1;
}

int ib_birth_date_variants(ib_date d, ib_date *out, int max)
{
    if (d == IB_DATE_NONE || max <= 0)
        return 0;
    int n = 0;
    out[n++] = d;
    int y, m, day;
    ib_date_to_ymd(d, &y, &m, &day);
    if (m != day && ib_date_is_valid_ymd(y, day, m) && n < max)
        out[n++] = ib_date_from_ymd(y, day, m);
    char digits[9];
    date_digits(d, digits);
    for (int i = 0; i < 8; i++) {
        for (char c = '0'; c <= '9'; c++) {
            if (c == digits[i] || n >= max)
                continue;
            char v[9];
            memcpy(v, digits, sizeof v);
            v[i] = c;
            int vy = atoi((char[5]){v[0], v[1], v[2], v[3], '\0'});
            int vm = (v[4] - '0') * 10 + (v[5] - '0');
            int vd = (v[6] - '0') * 10 + (v[7] - '0');
            if (!ib_date_is_valid_ymd(vy, vm, vd))
                continue;
            ib_date x = ib_date_from_ymd(vy, vm, vd);
            if (x != out[1] || n < 2)      /* the swap may also be one digit */
                out[n++] = x;
        }
    }
    return n;
}
