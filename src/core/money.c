/* money.c — euros as integer cents: parsing the exchange format's decimals
 * exactly (no floating point) and formatting them back. */
#include "core/core.h"

#include <stdio.h>

#define IB_MONEY_MAX_CENTS 1000000000LL   /* 10,000,000 euros */

int ib_money_parse(const char *s, size_t len, bool allow_comma, ib_cents *out,
                   ib_err *err)
{
    int64_t whole = 0, frac = 0;
    size_t i = 0, int_digits = 0, frac_digits = 0;
    int shown = (int)(len > 40 ? 40 : len);

    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, int_digits++) {
        whole = whole * 10 + (s[i] - '0');
        if (whole * 100 > IB_MONEY_MAX_CENTS)
            return ib_err_set(err, IB_EINVAL, "bedrag %.*s is te groot",
                              shown, s);
    }
    if (i < len && (s[i] == '.' || (s[i] == ',' && allow_comma))) {
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, frac_digits++)
            if (frac_digits < 2)
                frac = frac * 10 + (s[i] - '0');
        if (frac_digits == 0 || frac_digits > 2)
            return ib_err_set(err, IB_EINVAL,
                              "'%.*s' is geen bedrag (hoogstens twee decimalen)",
                              shown, s);
        if (frac_digits == 1)
            frac *= 10;
    } else if (i < len && s[i] == ',') {
        return ib_err_set(err, IB_EINVAL,
                          "'%.*s': decimale komma alleen in bestanden met ';' "
                          "als scheidingsteken; gebruik een punt", shown, s);
    }
    if (int_digits == 0 || i != len)
        return ib_err_set(err, IB_EINVAL, "'%.*s' is geen bedrag", shown, s);
    *out = whole * 100 + frac;
    if (*out > IB_MONEY_MAX_CENTS)
        return ib_err_set(err, IB_EINVAL, "bedrag %.*s is te groot", shown, s);
    return IB_OK;
}

char *ib_money_format(ib_cents c, char *buf, size_t size)
{
    if (size == 0)
        return buf;
    if (c == IB_CENTS_NONE) {
        buf[0] = '\0';
        return buf;
    }
    const char *sign = c < 0 ? "-" : "";
    uint64_t a = c < 0 ? (uint64_t)(-(c + 1)) + 1 : (uint64_t)c;
    snprintf(buf, size, "%s%llu.%02llu", sign, (unsigned long long)(a / 100),
             (unsigned long long)(a % 100));
    return buf;
}
