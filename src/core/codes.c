/* codes.c — validated codes of the field: BSN (11-check), Dutch postcode,
 * CBS municipality code, KvK number, CEFR level and the generic code-table
 * helpers. Countries and languages live in iso.c. */
#include "core/core.h"

#include <stdio.h>
#include <string.h>

static bool all_digits(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool ib_bsn_is_valid(const char *s, size_t len)
{
    if (len != 9 || !all_digits(s, len))
        return false;
    int sum = 0;
    for (int i = 0; i < 8; i++)
        sum += (9 - i) * (s[i] - '0');
    sum -= s[8] - '0';
    /* All zeros passes the arithmetic but is not a number ever issued. */
    return sum % 11 == 0 && memcmp(s, "000000000", 9) != 0;
}

int ib_postcode_normalise(const char *s, size_t len, char out[7], ib_err *err)
{
    int shown = (int)(len > 20 ? 20 : len);
    if ((len != 6 && len != 7) || (len == 7 && s[4] != ' '))
        goto bad;
    const char *letters = s + (len == 7 ? 5 : 4);
    if (!all_digits(s, 4) || s[0] == '0')
        goto bad;
    for (int i = 0; i < 2; i++)
        if (letters[i] < 'A' || letters[i] > 'Z')
            goto bad;
    if (letters[0] == 'S' &&
        (letters[1] == 'A' || letters[1] == 'D' || letters[1] == 'S'))
        return ib_err_set(err, IB_EINVAL,
                          "postcode %.*s bestaat niet (SA, SD en SS worden niet "
                          "uitgegeven)", shown, s);
    memcpy(out, s, 4);
    out[4] = letters[0];
    out[5] = letters[1];
    out[6] = '\0';
    return IB_OK;
bad:
    return ib_err_set(err, IB_EINVAL,
                      "'%.*s' is geen postcode (vier cijfers en twee "
                      "hoofdletters, zoals 2511AB)", shown, s);
}

bool ib_municipality_is_valid(const char *s, size_t len)
{
    return len == 6 && s[0] == 'G' && s[1] == 'M' && all_digits(s + 2, 4);
}

bool ib_kvk_is_valid(const char *s, size_t len)
{
    return len == 8 && all_digits(s, len);
}

static const char *const cefr_names[IB_CEFR_COUNT] = {
    "A0", "A1", "A2", "B1", "B2", "C1", "C2"};

int ib_cefr_parse(const char *s, size_t len, ib_cefr *out)
{
    for (int i = 0; i < IB_CEFR_COUNT; i++)
        if (len == 2 && memcmp(s, cefr_names[i], 2) == 0) {
            *out = (ib_cefr)i;
            return IB_OK;
        }
    return IB_EINVAL;
}

const char *ib_cefr_name(ib_cefr level)
{
    return (unsigned)level < IB_CEFR_COUNT ? cefr_names[level] : "?";
}

int ib_code_parse(const ib_code_name *table, const char *s, size_t len,
                  int *out)
{
    for (const ib_code_name *c = table; c->name; c++)
        if (strlen(c->name) == len && memcmp(c->name, s, len) == 0) {
            *out = c->code;
            return IB_OK;
        }
    return IB_EINVAL;
}

const char *ib_code_text(const ib_code_name *table, int code)
{
    for (const ib_code_name *c = table; c->name; c++)
        if (c->code == code)
            return c->name;
    return "";
}

bool ib_code_is_known(const ib_code_name *table, int code)
{
    for (const ib_code_name *c = table; c->name; c++)
        if (c->code == code)
            return true;
    return false;
}

const char *ib_code_list(const ib_code_name *table, char *buf, size_t size)
{
    size_t used = 0;
    if (size == 0)
        return buf;
    buf[0] = '\0';
    for (const ib_code_name *c = table; c->name; c++) {
        if (c->name[0] == '\0')
            continue;                     /* the empty "unknown" value */
        int n = snprintf(buf + used, size - used, "%s%s",
                         used ? ", " : "", c->name);
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
    }
    return buf;
}
