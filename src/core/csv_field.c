/* csv_field.c — one CSV field out, for every CSV that inbeeld writes for
 * people to open in a spreadsheet (monitor figures, intervals, import
 * reports), guarded against formula injection; the exchange-format export
 * has a writer of its own that keeps every value exactly (ingest/csv.c). */
#include "core/core.h"

#include <string.h>

/* A plain decimal number ("-3.5", "+2", "1e-05", ".5"): what a spreadsheet
 * reads as a number and never as a formula, so it is kept as it is. */
static bool is_plain_number(const char *s)
{
    s += *s == '-' || *s == '+';
    size_t whole = strspn(s, "0123456789");
    s += whole;
    size_t frac = 0;
    if (*s == '.') {
        frac = strspn(s + 1, "0123456789");
        s += 1 + frac;
    }
    if (whole + frac == 0)
        return false;
    if (*s == 'e' || *s == 'E') {
        s++;
        s += *s == '-' || *s == '+';
        size_t exp = strspn(s, "0123456789");
        if (exp == 0)
            return false;
        s += exp;
    }
    return *s == '\0';
}

bool ib_csv_needs_guard(const char *s)
{
    /* Leading quotes are skipped so that a value that itself starts with
     * the guard is guarded again: ib_csv_unguard can then undo every
     * guard exactly. */
    const char *p = s + strspn(s, "'");
    return *p && strchr("=+-@\t\r", *p) && !is_plain_number(s);
}

const char *ib_csv_unguard(const char *s)
{
    return s[0] == '\'' && ib_csv_needs_guard(s + 1) ? s + 1 : s;
}

void ib_csv_put_field(FILE *f, const char *s)
{
    const char *guard = ib_csv_needs_guard(s) ? "'" : "";
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(guard, f);
        fputs(s, f);
        return;
    }
    fputc('"', f);
    fputs(guard, f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}
