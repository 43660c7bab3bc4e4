/* figures.h — the monitor's figures as documents, for `inbeeld monitor` and
 * the API alike: a small JSON writer, Dutch number formatting for the
 * readable tables, result tables (ib_mtable) as text, CSV or JSON
 * (out.c), the survival and Cox results (surv.c), and a CSV document as an
 * XLSX workbook (xlsx.c). Everything writes to a FILE the caller gives
 * (a terminal, a file, or memory from open_memstream); nothing here prints
 * on its own. */
#ifndef IB_FIGURES_H
#define IB_FIGURES_H

#include <stdio.h>

#include "monitor/monitor.h"

typedef enum { IB_MO_TABLE, IB_MO_CSV, IB_MO_JSON } ib_mo_format;

/* "table", "csv", "json". */
int ib_mo_format_parse(const char *s, ib_mo_format *out);

/* ------------------------------------------------------------ JSON */

/* Writes indented JSON. Keys are given in objects and NULL in arrays. Doubles
 * with 17 significant digits (they read back exactly), NaN as null and
 * infinities as ±1e999 (JSON has no Inf; every reader takes 1e999 as Inf). */
#define IB_JSON_DEPTH 16
typedef struct ib_json {
    FILE *f;
    int depth;
    bool has_items[IB_JSON_DEPTH];
    bool is_compact[IB_JSON_DEPTH];   /* array on one line */
    char closer[IB_JSON_DEPTH];       /* '}' or ']' */
} ib_json;

void ib_json_init(ib_json *j, FILE *f);
void ib_json_object(ib_json *j, const char *key);
void ib_json_array(ib_json *j, const char *key, bool compact);
void ib_json_end(ib_json *j);                 /* closes the innermost */
void ib_json_str(ib_json *j, const char *key, const char *v);
void ib_json_num(ib_json *j, const char *key, double v);
void ib_json_int(ib_json *j, const char *key, int64_t v);
void ib_json_bool(ib_json *j, const char *key, bool v);
void ib_json_null(ib_json *j, const char *key);
/* Ends the document with a newline. */
void ib_json_finish(ib_json *j);

/* ------------------------------------------------------------ numbers */

/* A number the Dutch way: decimal comma, thousands with a dot
 * (12.345,6); "–" for NaN. */
char *ib_mo_nl(double v, int decimals, char *buf, size_t size);
/* A count with thousands dots, or "<k" when 0 < k and v < k (suppressed). */
char *ib_mo_count(double v, int64_t k, char *buf, size_t size);
/* CSV field: the value with a dot and %.17g, "" for NaN, Inf/-Inf. */
char *ib_mo_csvnum(double v, char *buf, size_t size);
/* CSV text fields: ib_csv_put_field of core.h. */

/* ------------------------------------------------------------ tables */

/* A result table (typology, registration, housing): aligned text with the
 * title, keys, values (suppressed as "<k") and totals; CSV with one header
 * line; JSON as {"title", "suppressed_below", "columns", "rows": [{keys...,
 * values...}], "totals"}. with_shares adds, in text, a second block with each
 * count cell as a percentage of its row total. */
void ib_mo_table(FILE *f, const ib_mtable *t, ib_mo_format fmt,
                 bool with_shares);
/* The same table inside a JSON document being written (key in the parent). */
void ib_mo_table_json(ib_json *j, const char *key, const ib_mtable *t);

/* ------------------------------------------------------------ survival, Cox */

/* What the survival and Cox printers need besides the result. */
typedef struct ib_mo_opts {
    ib_mo_format fmt;
    int64_t k;               /* suppression threshold; 0: off */
    bool curve;              /* also the full Kaplan–Meier curve */
    ib_date at;
    int cohort;              /* 0: all */
    const char *by;          /* group name as asked */
    const char *reference;   /* cox --by: the reference level, or NULL */
} ib_mo_opts;

/* Kaplan–Meier per group: retention after 1/3/5/10 years with CI and
 * numbers at risk, restricted mean with SE, median, the log-rank test; with
 * o->curve the full curve. With suppression (k > 0) the counts (stays,
 * departures, numbers at risk after each retention year) are suppressed as
 * a table whose totals are the all group (spec "Suppression": fewer than k,
 * and secondary suppression so that none follows from the totals): a group
 * whose number of stays is hidden shows only "<k", a retention figure whose
 * number at risk is hidden is not shown, and the curve stops before the
 * first time with fewer than k at risk. */
void ib_mo_survival(FILE *f, const ib_msurv_result *r, const ib_mo_opts *o);
/* The Cox model: per covariate coefficient, HR, SE, z, p, 95 % CI of the HR;
 * LR, Wald and score tests; concordance; sizes; expected stay of the
 * profiles. */
void ib_mo_cox(FILE *f, const ib_mcox_result *r, const ib_mo_opts *o);

/* The covariate names of a Cox model: the comma-separated list (each name
 * non-empty; NULL gives SEO's binding factors and eu), then one dummy per
 * level of by unless IB_GROUP_ALL (its reference level into ref). names
 * has room for IB_MO_COVARIATES_MAX; *n names are malloc'ed, also on
 * error, and the caller frees them. */
#define IB_MO_COVARIATES_MAX 64
int ib_mo_cox_names(const ib_mdata *d, const ib_msurv_opts *so, const char *list,
                    ib_group by, char **names, size_t *n, char ref[IB_MLABEL_MAX],
                    ib_err *err);

/* ------------------------------------------------------------ XLSX */

/* The CSV document csv[0..len) (a header line, fields quoted as
 * ib_csv_put_field writes them) as an XLSX workbook with one worksheet named
 * sheet (at most 31 characters, none of []:*?/\): the header in bold,
 * every other field that is a finite number as a number, the rest ("<10",
 * labels, dates) as text, empty fields left blank. `guarded`: the CSV's
 * fields carry ib_csv_put_field's formula guard, which is taken off (an
 * XLSX text cell is never a formula); false for the exchange format's
 * exact values. *out receives *out_len bytes, malloc'ed; caller frees.
 * IB_EIO or IB_ENOMEM on failure. */
int ib_mo_csv_to_xlsx(const char *csv, size_t len, const char *sheet,
                      bool guarded, char **out, size_t *out_len, ib_err *err);

#endif
