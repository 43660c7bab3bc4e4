/* fields.c — the value validators the record parsers are built from: one
 * function per kind of column (text, date, code, BSN, postcode, money, ...),
 * each filling a Dutch message with line, column and column name. The happy
 * path does no formatting and no allocation; messages are built only for
 * rejected values. */
#include "ingest/ingest_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define SHOW_MAX 48   /* bytes of a rejected value quoted in a message */

static const ib_value *val(const ib_row_in *in, int col)
{
    return &in->v[col];
}

static const char *col_name(const ib_row_in *in, int col)
{
    return in->type->columns[col].name;
}

static bool is_required(const ib_row_in *in, int col)
{
    return in->type->columns[col].required;
}

/* Adds line, column and name to an error whose message a core function
 * already wrote. */
static int locate(const ib_row_in *in, int col, ib_err *err)
{
    if (err) {
        err->code = IB_EINVAL;
        err->line = in->line;
        err->column = in->position ? in->position[col] : 0;
        ib_strlcpy(err->field, col_name(in, col), sizeof err->field);
    }
    return IB_EINVAL;
}

int ib_val_error(const ib_row_in *in, int col, ib_err *err, const char *fmt,
                 ...)
{
    if (!err)
        return IB_EINVAL;
    locate(in, col, err);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return IB_EINVAL;
}

/* The rejected value, printable and short, for a message. */
#define SHOWN(in, col, buf) \
    ib_show(val(in, col)->s, val(in, col)->len, buf, sizeof buf)

static int empty_required(const ib_row_in *in, int col, ib_err *err)
{
    return ib_val_error(in, col, err, "verplicht veld is leeg");
}

int ib_val_text(const ib_row_in *in, int col, char *dst, size_t size,
                ib_err *err)
{
    const ib_value *v = val(in, col);
    if (v->len == 0) {
        dst[0] = '\0';
        return is_required(in, col) ? empty_required(in, col, err) : IB_OK;
    }
    if (v->len >= size)
        return ib_val_error(in, col, err, "te lang (max %zu tekens)",
                            size - 1);
    const unsigned char *s = (const unsigned char *)v->s;
    for (size_t i = 0; i < v->len; i++)
        if (s[i] < 0x20 || s[i] == 0x7F)
            return ib_val_error(in, col, err,
                                "bevat een stuurteken (zoals een tab of "
                                "regeleinde) op positie %zu", i + 1);
    memcpy(dst, v->s, v->len);
    dst[v->len] = '\0';
    return IB_OK;
}

int ib_val_date(const ib_row_in *in, int col, ib_date *out, ib_err *err)
{
    const ib_value *v = val(in, col);
    if (v->len == 0) {
        *out = IB_DATE_NONE;
        return is_required(in, col) ? empty_required(in, col, err) : IB_OK;
    }
    if (ib_date_parse(v->s, v->len, out, err) != IB_OK)
        return locate(in, col, err);
    return IB_OK;
}

int ib_val_end_date(const ib_row_in *in, int col, int start_col,
                    ib_date start, ib_date *out, ib_err *err)
{
    if (ib_val_date(in, col, out, err) != IB_OK)
        return IB_EINVAL;
    if (*out != IB_DATE_NONE && start != IB_DATE_NONE && *out < start) {
        char a[IB_DATE_STRLEN], b[IB_DATE_STRLEN];
        return ib_val_error(in, col, err, "%s %s ligt vóór %s %s",
                            col_name(in, col), ib_date_format(*out, a),
                            col_name(in, start_col), ib_date_format(start, b));
    }
    return IB_OK;
}

int ib_val_code(const ib_row_in *in, int col, const ib_code_name *table,
                int dflt, int *out, ib_err *err)
{
    const ib_value *v = val(in, col);
    char list[256];
    if (v->len == 0) {
        *out = dflt;
        if (!is_required(in, col))
            return IB_OK;
        return ib_val_error(in, col, err, "verplicht veld is leeg; kies uit: %s",
                            ib_code_list(table, list, sizeof list));
    }
    if (ib_code_parse(table, v->s, v->len, out) == IB_OK)
        return IB_OK;
    char shown[SHOW_MAX + 4];
    return ib_val_error(in, col, err, "'%s' is geen geldige waarde; kies uit: %s%s",
                        SHOWN(in, col, shown),
                        ib_code_list(table, list, sizeof list),
                        is_required(in, col) ? "" : " (of leeg)");
}

static bool all_digits(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return len > 0;
}

int ib_val_bsn(const ib_row_in *in, int col, char out[10], ib_err *err)
{
    const ib_value *v = val(in, col);
    char shown[SHOW_MAX + 4];
    out[0] = '\0';
    if (v->len == 0)
        return is_required(in, col) ? empty_required(in, col, err) : IB_OK;
    if (v->len != 9 || !all_digits(v->s, v->len))
        return ib_val_error(in, col, err, "'%s' is geen BSN (9 cijfers)",
                            SHOWN(in, col, shown));
    if (!ib_bsn_is_valid(v->s, v->len))
        return ib_val_error(in, col, err,
                            "%s is geen geldig BSN (elfproef)", v->s);
    memcpy(out, v->s, 10);
    return IB_OK;
}

/* Copies a two-letter code whose validity the caller decides. */
static int two_letters(const ib_row_in *in, int col, char out[3],
                       bool (*is_valid)(const char *), const char *what,
                       ib_err *err)
{
    const ib_value *v = val(in, col);
    out[0] = '\0';
    if (v->len == 0)
        return is_required(in, col) ? empty_required(in, col, err) : IB_OK;
    if (v->len == 2 && is_valid(v->s)) {
        memcpy(out, v->s, 3);
        return IB_OK;
    }
    char shown[SHOW_MAX + 4];
    return ib_val_error(in, col, err, "'%s' is geen %s",
                        SHOWN(in, col, shown), what);
}

int ib_val_country(const ib_row_in *in, int col, char out[3], ib_err *err)
{
    return two_letters(in, col, out, ib_country_is_valid,
                       "landcode (ISO 3166-1: twee hoofdletters zoals PL of "
                       "RO; XX voor staatloos of onbekend)", err);
}

int ib_val_language(const ib_row_in *in, int col, char out[3], ib_err *err)
{
    return two_letters(in, col, out, ib_language_is_valid,
                       "taalcode (ISO 639-1: twee kleine letters zoals pl of "
                       "ro)", err);
}

int ib_val_municipality(const ib_row_in *in, int col, char out[7],
                        ib_err *err)
{
    const ib_value *v = val(in, col);
    out[0] = '\0';
    if (v->len == 0)
        return is_required(in, col) ? empty_required(in, col, err) : IB_OK;
    if (!ib_municipality_is_valid(v->s, v->len)) {
        char shown[SHOW_MAX + 4];
        return ib_val_error(in, col, err,
                            "'%s' is geen CBS-gemeentecode (GM en vier cijfers, "
                            "zoals GM0518)", SHOWN(in, col, shown));
    }
    memcpy(out, v->s, 7);
    return IB_OK;
}

int ib_val_postcode(const ib_row_in *in, int col, char out[7], ib_err *err)
{
    const ib_value *v = val(in, col);
    out[0] = '\0';
    if (v->len == 0)
        return is_required(in, col) ? empty_required(in, col, err) : IB_OK;
    if (ib_postcode_normalise(v->s, v->len, out, err) != IB_OK)
        return locate(in, col, err);
    return IB_OK;
}

static bool is_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
           (c >= 'a' && c <= 'z');
}

/* 1-99999 without a leading zero, then optionally '-' or ' ' and 1-6
 * letters or digits; without a separator the addition starts with a
 * letter ("12A"). */
static bool is_house_number(const char *s, size_t len)
{
    size_t i = 0;
    if (len == 0 || s[0] < '1' || s[0] > '9')
        return false;
    while (i < len && i < 6 && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i > 5)
        return false;
    if (i == len)
        return true;
    if (s[i] == '-' || s[i] == ' ')
        i++;
    else if (s[i] >= '0' && s[i] <= '9')
        return false;
    size_t add = len - i;
    if (add < 1 || add > 6)
        return false;
    for (; i < len; i++)
        if (!is_alnum(s[i]))
            return false;
    return true;
}

int ib_val_house_number(const ib_row_in *in, int col,
                        char out[IB_HOUSENR_MAX + 1], ib_err *err)
{
    const ib_value *v = val(in, col);
    out[0] = '\0';
    if (v->len == 0)
        return is_required(in, col) ? empty_required(in, col, err) : IB_OK;
    if (v->len > IB_HOUSENR_MAX || !is_house_number(v->s, v->len)) {
        char shown[SHOW_MAX + 4];
        return ib_val_error(in, col, err,
                            "'%s' is geen huisnummer (1 tot en met 99999, "
                            "eventueel met toevoeging, zoals 12, 12A of 12-A)",
                            SHOWN(in, col, shown));
    }
    memcpy(out, v->s, v->len + 1);
    return IB_OK;
}

int ib_val_kvk(const ib_row_in *in, int col, char out[9], ib_err *err)
{
    const ib_value *v = val(in, col);
    out[0] = '\0';
    if (v->len == 0)
        return is_required(in, col) ? empty_required(in, col, err) : IB_OK;
    if (!ib_kvk_is_valid(v->s, v->len)) {
        char shown[SHOW_MAX + 4];
        return ib_val_error(in, col, err, "'%s' is geen KvK-nummer (8 cijfers)",
                            SHOWN(in, col, shown));
    }
    memcpy(out, v->s, 9);
    return IB_OK;
}

int ib_val_money(const ib_row_in *in, int col, ib_cents *out, ib_err *err)
{
    const ib_value *v = val(in, col);
    *out = IB_CENTS_NONE;
    if (v->len == 0)
        return is_required(in, col) ? empty_required(in, col, err) : IB_OK;
    if (ib_money_parse(v->s, v->len, in->allow_comma, out, err) != IB_OK)
        return locate(in, col, err);
    return IB_OK;
}

/* Digits, then optionally a decimal mark and one or two digits. */
static bool parse_hundredths(const char *s, size_t len, bool allow_comma,
                             int64_t *out, bool *comma_refused)
{
    int64_t whole = 0, frac = 0;
    size_t i = 0, fd = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        if (i >= 12)
            return false;
        whole = whole * 10 + (s[i] - '0');
    }
    if (i == 0)
        return false;
    if (i < len && s[i] == ',' && !allow_comma) {
        *comma_refused = true;
        return false;
    }
    if (i < len && (s[i] == '.' || s[i] == ',')) {
        for (i++; i < len && s[i] >= '0' && s[i] <= '9' && fd < 2; i++, fd++)
            frac = frac * 10 + (s[i] - '0');
        if (fd == 0)
            return false;
        if (fd == 1)
            frac *= 10;
    }
    if (i != len)
        return false;
    *out = whole * 100 + frac;
    return true;
}

int ib_val_hundredths(const ib_row_in *in, int col, int64_t min,
                      bool min_exclusive, int64_t max, const char *what,
                      int64_t *out, ib_err *err)
{
    const ib_value *v = val(in, col);
    char shown[SHOW_MAX + 4];
    bool comma_refused = false;
    *out = IB_CENTS_NONE;
    if (v->len == 0)
        return is_required(in, col) ? empty_required(in, col, err) : IB_OK;
    int64_t x;
    if (!parse_hundredths(v->s, v->len, in->allow_comma, &x, &comma_refused)) {
        if (comma_refused)
            return ib_val_error(in, col, err,
                                "'%s': decimale komma alleen in bestanden met "
                                "';' als scheidingsteken; gebruik een punt",
                                SHOWN(in, col, shown));
        return ib_val_error(in, col, err,
                            "'%s' is geen getal (cijfers met hoogstens twee "
                            "decimalen)", SHOWN(in, col, shown));
    }
    if (x < min || (min_exclusive && x == min) || x > max)
        return ib_val_error(in, col, err, "'%s' is geen geldig %s",
                            SHOWN(in, col, shown), what);
    *out = x;
    return IB_OK;
}

int ib_val_count(const ib_row_in *in, int col, int32_t max, int32_t *out,
                 ib_err *err)
{
    const ib_value *v = val(in, col);
    *out = -1;
    if (v->len == 0)
        return is_required(in, col) ? empty_required(in, col, err) : IB_OK;
    int64_t x = 0;
    bool ok = all_digits(v->s, v->len) && v->len <= 10;
    for (size_t i = 0; ok && i < v->len; i++)
        x = x * 10 + (v->s[i] - '0');
    if (!ok || x > max) {
        char shown[SHOW_MAX + 4];
        return ib_val_error(in, col, err,
                            "'%s' is geen geldig aantal (een geheel getal van "
                            "0 tot en met %d)", SHOWN(in, col, shown), (int)max);
    }
    *out = (int32_t)x;
    return IB_OK;
}

int ib_val_sector(const ib_row_in *in, int col, char *out, ib_err *err)
{
    const ib_value *v = val(in, col);
    *out = 0;
    if (v->len == 0)
        return is_required(in, col) ? empty_required(in, col, err) : IB_OK;
    if (v->len != 1 || v->s[0] < 'A' || v->s[0] > 'U') {
        char shown[SHOW_MAX + 4];
        return ib_val_error(in, col, err,
                            "'%s' is geen SBI-sectie (één hoofdletter, A tot "
                            "en met U)", SHOWN(in, col, shown));
    }
    *out = v->s[0];
    return IB_OK;
}

char *ib_fmt_hundredths(int64_t v, char *buf, size_t size)
{
    if (v == IB_CENTS_NONE) {
        if (size)
            buf[0] = '\0';
        return buf;
    }
    long long whole = (long long)(v / 100), frac = (long long)(v % 100);
    if (frac < 0)
        frac = -frac;
    if (frac == 0)
        snprintf(buf, size, "%lld", whole);
    else if (frac % 10 == 0)
        snprintf(buf, size, "%lld.%lld", whole, frac / 10);
    else
        snprintf(buf, size, "%lld.%02lld", whole, frac);
    return buf;
}

/* ------------------------------------------------------------ display */

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if none. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char b = s[0], lo = 0x80, hi = 0xBF;
    size_t k;
    if (b < 0x80)
        return 1;
    if (b >= 0xC2 && b <= 0xDF)
        k = 2;
    else if (b >= 0xE0 && b <= 0xEF) {
        k = 3;
        lo = b == 0xE0 ? 0xA0 : 0x80;
        hi = b == 0xED ? 0x9F : 0xBF;
    } else if (b >= 0xF0 && b <= 0xF4) {
        k = 4;
        lo = b == 0xF0 ? 0x90 : 0x80;
        hi = b == 0xF4 ? 0x8F : 0xBF;
    } else
        return 0;
    if (k > n)
        return 0;
    for (size_t i = 1; i < k; i++) {
        if (s[i] < lo || s[i] > hi)
            return 0;
        lo = 0x80;
        hi = 0xBF;
    }
    return k;
}

const char *ib_show(const char *s, size_t len, char *buf, size_t size)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t o = 0, i = 0;
    if (size < 5) {
        if (size)
            buf[0] = '\0';
        return buf;
    }
    size_t room = size - 4;          /* keep space for "..." and NUL */
    while (i < len) {
        size_t k = utf8_len(u + i, len - i);
        size_t out_k = k ? k : 1;
        if (o + out_k > room) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        if (k == 0 || (k == 1 && (u[i] < 0x20 || u[i] == 0x7F)))
            buf[o++] = '?';
        else {
            memcpy(buf + o, s + i, k);
            o += k;
        }
        i += out_k;
    }
    buf[o] = '\0';
    return buf;
}

void ib_sanitise_utf8(char *s)
{
    unsigned char *u = (unsigned char *)s;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        size_t k = utf8_len(u + i, n - i);
        if (k == 0 || (k == 1 && (u[i] < 0x20 || u[i] == 0x7F))) {
            u[i++] = '?';
            continue;
        }
        i += k;
    }
}
