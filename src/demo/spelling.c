/* spelling.c — how the senders of a chain demo write the same name: as it
 * is (with diacritics), without diacritics, or in capitals without them;
 * and the deliberate slips that make a record a look-alike (two letters
 * swapped, day and month swapped, one digit of the day changed). */
#include <string.h>

#include "demo/demo_internal.h"

/* The non-ASCII letters of the name tables (tables.c) and how a sender
 * without diacritics writes them. Ł and ı have no decomposition, so a
 * Unicode normalisation keeps them; a clerk writes L and I. */
static const struct {
    const char *utf8, *ascii;
} plain[] = {
    {"Ç", "C"}, {"É", "E"}, {"á", "a"}, {"ã", "a"}, {"é", "e"}, {"ê", "e"},
    {"í", "i"}, {"ó", "o"}, {"ü", "u"}, {"ý", "y"}, {"ā", "a"}, {"ć", "c"},
    {"Č", "C"}, {"č", "c"}, {"ē", "e"}, {"ī", "i"}, {"ı", "i"}, {"Ł", "L"},
    {"ł", "l"}, {"ń", "n"}, {"ņ", "n"}, {"ř", "r"}, {"ś", "s"}, {"Ş", "S"},
    {"ş", "s"}, {"š", "s"}, {"ź", "z"}, {"ö", "o"}, {"ä", "a"}, {"ő", "o"},
    {"ú", "u"}, {"ž", "z"}, {"ę", "e"}, {"ą", "a"}, {"ż", "z"}, {"ğ", "g"},
};

/* Length of the UTF-8 sequence that starts with byte b (1 for a stray
 * continuation byte, so that the loop always advances). */
static size_t utf8_len(unsigned char b)
{
    return b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
}

/* ASCII text for the UTF-8 sequence at s (len bytes): from the table, or
 * nothing for a letter it does not know. */
static const char *plain_of(const char *s, size_t len)
{
    for (size_t k = 0; k < sizeof plain / sizeof plain[0]; k++)
        if (strlen(plain[k].utf8) == len && memcmp(plain[k].utf8, s, len) == 0)
            return plain[k].ascii;
    return "";
}

void spell_name(const char *in, int style, char *out, size_t n)
{
    size_t o = 0;
    if (n == 0)
        return;
    for (const char *s = in; *s && o + 1 < n;) {
        unsigned char b = (unsigned char)*s;
        size_t len = utf8_len(b);
        if (strnlen(s, len) < len)
            break;
        if (style == SPELL_AS_IS || b < 0x80) {
            if (o + len >= n)
                break;
            memcpy(out + o, s, len);
            o += len;
        } else {
            for (const char *a = plain_of(s, len); *a && o + 1 < n; a++)
                out[o++] = *a;
        }
        s += len;
    }
    out[o] = '\0';
    if (style == SPELL_UPPER)
        for (size_t k = 0; k < o; k++)
            if (out[k] >= 'a' && out[k] <= 'z')
                out[k] = (char)(out[k] - 'a' + 'A');
}

static bool is_ascii_letter(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* Swaps two different adjacent ASCII letters, not in the first two (so
 * that the name stays close: Jaro-Winkler about 0.95 and more) and not at
 * the end. Names under six bytes are left alone. */
static bool swap_letters(drng *r, char *s)
{
    size_t len = strlen(s), cand[64], nc = 0;
    if (len < 6)
        return false;
    for (size_t k = 2; k + 2 < len && nc < 64; k++)
        if (is_ascii_letter(s[k]) && is_ascii_letter(s[k + 1]) && s[k] != s[k + 1])
            cand[nc++] = k;
    if (nc == 0)
        return false;
    size_t k = cand[drng_int(r, (int32_t)nc)];
    char t = s[k];
    s[k] = s[k + 1];
    s[k + 1] = t;
    return true;
}

/* Day and month swapped (only where that gives another valid date). */
static bool swap_day_month(ib_date *birth)
{
    int y, m, d;
    ib_date_to_ymd(*birth, &y, &m, &d);
    if (d > 12 || d == m)
        return false;
    *birth = ib_date_from_ymd(y, d, m);
    return true;
}

/* The last digit of the day one off (14 -> 15, 19 -> 18, 28 -> 27): valid in
 * every month; the 30th and 31st are left alone. */
static bool change_day_digit(ib_date *birth)
{
    int y, m, d;
    ib_date_to_ymd(*birth, &y, &m, &d);
    if (d >= 30)
        return false;
    int nd = d % 10 == 9 || d == 28 ? d - 1 : d + 1;
    *birth = ib_date_from_ymd(y, m, nd);
    return true;
}

bool spell_lookalike(drng *r, char *family, char *given, ib_date *birth)
{
    double u = drng_unif(r);
    if (u < 0.5 && (swap_letters(r, family) || swap_letters(r, given)))
        return true;
    if (u < 0.75 && swap_day_month(birth))
        return true;
    if (change_day_digit(birth))
        return true;
    return swap_day_month(birth) || swap_letters(r, family) ||
           swap_letters(r, given);
}

void spell_slug(const char *name, char *out, size_t n)
{
    size_t o = 0;
    bool dash = false;
    if (n == 0)
        return;
    for (const char *s = name; *s && o + 2 < n; s++) {
        char ch = *s;
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
            if (dash && o > 0)
                out[o++] = '-';
            out[o++] = ch;
            dash = false;
        } else {
            dash = true;
        }
    }
    out[o] = '\0';
}
