/* core.h — inbeeld's foundation: the error type, dates, money and the
 * validated codes of the field (BSN, postcode, CBS municipality, ISO country
 * and language, CEFR). Every other module includes this header; it depends
 * on nothing but libc. */
#ifndef IB_CORE_H
#define IB_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---------------------------------------------------------------- errors */

/* Error codes: 0 is success, every failure is negative. */
enum {
    IB_OK = 0,
    IB_EINVAL = -1,   /* bad input: a value, a row, a file */
    IB_ENOMEM = -2,   /* allocation failed */
    IB_EIO = -3,      /* reading or writing a file failed */
    IB_ESTORE = -4,   /* the database refused or failed */
    IB_ENOTFOUND = -5,/* the thing asked for does not exist */
    IB_ECONFLICT = -6,/* conflicts with stored data (overlap, duplicate) */
    IB_ECRYPTO = -7,  /* key missing, decryption failed */
    IB_ELIMIT = -8,   /* a size or count limit was exceeded */
    IB_EDENIED = -9,  /* not allowed for this user */
    IB_EVERSION = -10 /* database schema newer than this program */
};

/* One error type for every module: the callee fills it, the caller decides
 * whether and how to show it. `line` and `column` are 0 when not relevant;
 * `field` names the column (CSV) or field (JSON) where known. */
typedef struct ib_err {
    int code;
    long line;
    int column;
    char field[48];
    char msg[256];
} ib_err;

/* Clears err (code IB_OK, empty message). err may be NULL. */
void ib_err_clear(ib_err *err);

/* Sets code and a printf-style message; returns code so that callers can
 * write `return ib_err_set(err, IB_EINVAL, "...")`. err may be NULL. */
int ib_err_set(ib_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like ib_err_set, also recording where (line, column, field name). */
int ib_err_set_at(ib_err *err, int code, long line, int column,
                  const char *field, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* A short name for an error code ("invalid input", "storage error", ...). */
const char *ib_err_code_name(int code);

/* ----------------------------------------------------------------- dates */

/* A calendar date as days since 1970-01-01 (proleptic Gregorian), so that
 * differences and comparisons are plain integer arithmetic. */
typedef int32_t ib_date;
#define IB_DATE_NONE INT32_MIN  /* unknown / empty / ongoing */

#define IB_DATE_STRLEN 11       /* "YYYY-MM-DD" plus NUL */

/* Days since 1970-01-01 of y-m-d; no validation (use ib_date_is_valid_ymd). */
ib_date ib_date_from_ymd(int year, int month, int day);
/* Splits a date into year, month (1-12), day (1-31). */
void ib_date_to_ymd(ib_date d, int *year, int *month, int *day);
bool ib_date_is_leap_year(int year);
int ib_date_days_in_month(int year, int month);
bool ib_date_is_valid_ymd(int year, int month, int day);

/* Parses exactly "YYYY-MM-DD" (years 1800-2199) into *out. Returns IB_OK or
 * IB_EINVAL with a message naming the problem ("2023-02-30 bestaat niet"). */
int ib_date_parse(const char *s, size_t len, ib_date *out, ib_err *err);
/* Writes "YYYY-MM-DD" (or "" for IB_DATE_NONE) into buf[IB_DATE_STRLEN]. */
char *ib_date_format(ib_date d, char buf[IB_DATE_STRLEN]);

/* The same month and day n years later; 29 February becomes 1 March when the
 * target year is not a leap year (the spec's "b + 18 years"). */
ib_date ib_date_add_years(ib_date d, int years);
/* Completed years between birth and d (age on day d). */
int ib_date_age_years(ib_date birth, ib_date d);
/* Today in UTC. */
ib_date ib_date_today(void);
/* First day of the month that d lies in. */
ib_date ib_date_month_start(ib_date d);

/* ----------------------------------------------------------------- money */

/* Money in euro cents. */
typedef int64_t ib_cents;
#define IB_CENTS_NONE INT64_MIN

/* Parses "1234", "1234.5", "1234.56" (decimal point '.'; also ',' when
 * allow_comma) into cents. At most two decimals, no sign, no thousands
 * separators, at most 10,000,000 euros. */
int ib_money_parse(const char *s, size_t len, bool allow_comma, ib_cents *out,
                   ib_err *err);
/* Writes "1234.56" (always two decimals) into buf; "" for IB_CENTS_NONE. */
char *ib_money_format(ib_cents c, char *buf, size_t size);

/* ---------------------------------------------------------------- numbers */

/* Whole-string parses of option and query values: true and *out set when
 * s is a decimal integer in [lo, hi] (resp. a number in (0, hi]) with
 * nothing before or after it. */
bool ib_parse_long(const char *s, long lo, long hi, long *out);
bool ib_parse_positive(const char *s, double hi, double *out);

/* CSV for spreadsheets. A cell that starts with = + - @ tab or carriage
 * return is a formula to Excel and LibreOffice (=HYPERLINK(...) sends data
 * away on a click), so such a cell gets a single quote in front, as OWASP
 * advises ("CSV Injection"); plain numbers such as -3.5 stay numbers. A
 * value that starts with quotes before such a character gets one more, so
 * that the guard can be taken off again exactly. */
bool ib_csv_needs_guard(const char *s);
/* s without the guard ib_csv_put_field put in front of it (s itself when it
 * has none); for readers of such a CSV that want the value back. */
const char *ib_csv_unguard(const char *s);
/* Writes s as one CSV field (RFC 4180), guarded (see above): as it is, or
 * in double quotes with quotes doubled when it holds a comma, quote or line
 * break. Not for the exchange format, which keeps values exactly. */
void ib_csv_put_field(FILE *f, const char *s);

/* ------------------------------------------------------------------ codes */

/* BSN (burgerservicenummer): 9 digits passing the 11-check
 * (9a+8b+7c+6d+5e+4f+3g+2h-1i divisible by 11, not all zero). */
bool ib_bsn_is_valid(const char *s, size_t len);

/* Dutch postcode "1234AB" or "1234 AB" (first digit not 0, letters A-Z; SA,
 * SD and SS are not issued). On success writes the normalised "1234AB"
 * into out[7]. */
int ib_postcode_normalise(const char *s, size_t len, char out[7], ib_err *err);

/* CBS municipality code "GM" followed by 4 digits. */
bool ib_municipality_is_valid(const char *s, size_t len);

/* ISO 3166-1 alpha-2 country codes, plus "XX" (stateless/unknown). */
bool ib_country_is_valid(const char *code2);
/* EU-27 or EEA (IS, LI, NO); the United Kingdom is not. */
bool ib_country_is_eu(const char *code2);
/* Central and Eastern Europe: BG CZ EE HR HU LT LV PL RO SI SK. */
bool ib_country_is_cee(const char *code2);
/* Southern Europe: ES GR IT PT CY MT. */
bool ib_country_is_south(const char *code2);
/* English short name of a country ("Poland"), NULL when unknown. */
const char *ib_country_name(const char *code2);

/* ISO 639-1 two-letter language codes. */
bool ib_language_is_valid(const char *code2);
/* English name of a language ("Polish"), NULL when unknown. */
const char *ib_language_name(const char *code2);

/* CEFR levels A0 (none) .. C2. */
typedef enum { IB_CEFR_A0, IB_CEFR_A1, IB_CEFR_A2, IB_CEFR_B1, IB_CEFR_B2,
               IB_CEFR_C1, IB_CEFR_C2, IB_CEFR_COUNT } ib_cefr;
int ib_cefr_parse(const char *s, size_t len, ib_cefr *out);
const char *ib_cefr_name(ib_cefr level);

/* KvK (Chamber of Commerce) number: exactly 8 digits. */
bool ib_kvk_is_valid(const char *s, size_t len);

/* -------------------------------------------------------- record linkage
 * How persons' names and birth dates are compared when the records of
 * several senders are linked into one person (docs/linkage.md). */

/* The normal form of a name: Unicode NFKD, combining marks removed, case
 * folded, and '-', '\'', '.' and runs of white space made one space,
 * trimmed ("Wójcik-Nowak " -> "wojcik nowak"). IB_EINVAL for text that is
 * not UTF-8, IB_ELIMIT when out (size bytes) is too small (out then holds
 * what fitted). */
#define IB_NAME_NORM_MAX 512
int ib_name_normalise(const char *in, char *out, size_t size);
/* Jaro-Winkler similarity (prefix scale 0.1, prefix up to 4) of two
 * normalised names, by code point: 1 equal, 0 nothing in common or empty. */
double ib_jaro_winkler(const char *a, const char *b);
/* Equal, day and month swapped, or one digit of YYYYMMDD different. */
bool ib_birth_dates_look_alike(ib_date a, ib_date b);
/* The dates that look alike d (d first), valid dates only; returns how many
 * were written (at most max; IB_BIRTH_VARIANTS_MAX holds them all). */
#define IB_BIRTH_VARIANTS_MAX 74
int ib_birth_date_variants(ib_date d, ib_date *out, int max);

/* Generic enum <-> text mapping used by the record code tables. */
typedef struct ib_code_name { int code; const char *name; } ib_code_name;
/* Looks up text (exact, case-sensitive) in a table ending with {0, NULL}. */
int ib_code_parse(const ib_code_name *table, const char *s, size_t len,
                  int *out);
/* The name of code; "" when the table does not hold it (so that printers
 * never get NULL). Use ib_code_is_known to tell an unknown code from a
 * code whose name is "" (the "unknown" value some tables have). */
const char *ib_code_text(const ib_code_name *table, int code);
/* Whether code is one of the table's codes. */
bool ib_code_is_known(const ib_code_name *table, int code);
/* "a, b, c": the names of a table, for error messages. */
const char *ib_code_list(const ib_code_name *table, char *buf, size_t size);

/* -------------------------------------------------------- small helpers */

/* Bounded copy that always terminates; returns false when truncated. */
bool ib_strlcpy(char *dst, const char *src, size_t size);

/* Files with personal data (private_file.c). ib_fopen_private opens path
 * for writing like fopen(path, "w"), with mode 0600 also when the file was
 * there with another mode; NULL with errno set on failure.
 * ib_create_private creates path as an empty file with mode 0600 unless it
 * exists (then it leaves it as it is): before SQLite opens a new database,
 * whose -wal and -shm files then take the same mode. 0, or -1 with errno. */
FILE *ib_fopen_private(const char *path);
int ib_create_private(const char *path);

/* Zeroed memory for a large hash table probed at random (table.c); NULL
 * when out of memory. Free with ib_table_free and the same size. */
void *ib_table_alloc(size_t bytes);
void ib_table_free(void *p, size_t bytes);

#endif
