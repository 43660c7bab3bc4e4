/* api_monitor.c — GET /api/v1/monitor/{survival,cox,typology,registration,
 * housing}: the monitor figures of spec/monitor.md as JSON (the documents
 * `inbeeld monitor --format json` prints), CSV (`--format csv`) or XLSX (the
 * CSV's table in a workbook), with the CLI's options as query parameters.
 * Analysts get the counts of tables perturbed by the cell-key method, and
 * survival figures of fewer than k = 10 stays withheld (docs/monitor.md
 * "Disclosure control"); an administrator may ask detail=true (exact). A user with municipalities sees the
 * figures of the persons in those municipalities; `municipality=` narrows
 * that down. Aggregates are no person-level reads: not audited, as
 * /statistics. */
#include "http/http_internal.h"
#include "figures/figures.h"

#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SMALL_CELL 10

typedef enum { OUT_JSON, OUT_CSV, OUT_XLSX } out_format;

typedef struct mon_query {
    ib_date at;
    ib_group by;
    bool has_by;
    const char *by_name;
    int cohort;
    bool first_only;
    int64_t k;
    bool curve;
    double horizon_years;
    const char *covariates;
    ib_cox_ties ties;
    ib_mbasis basis;
    int32_t long_after;
    int view;
    int64_t m2_hundredths;
    const char *sender;
    int16_t munis[IB_USER_MUNIS_MAX];
    size_t nmunis;
    out_format fmt;
    const ib_mcellkey *cellkey;  /* set when counts are perturbed (k > 0) */
} mon_query;

/* ------------------------------------------------------------ parameters */

static int bad(hresp *resp, const char *nl, const char *en)
{
    ib_problem_bad_request(resp, nl, en);
    return IB_EINVAL;
}

static bool parse_flag(const char *s, bool *out)
{
    if (strcmp(s, "true") == 0)
        *out = true;
    else if (strcmp(s, "false") == 0)
        *out = false;
    else
        return false;
    return true;
}

/* format= wins; else the Accept header; else JSON. */
static int take_format(hreq *req, hresp *resp, mon_query *q)
{
    const char *f = ib_query(req, "format");
    if (!f) {
        const char *acc = ib_header(req, MHD_HTTP_HEADER_ACCEPT);
        q->fmt = acc && strstr(acc, "text/csv") ? OUT_CSV
                 : acc && strstr(acc, "spreadsheetml") ? OUT_XLSX
                                                     : OUT_JSON;
        return IB_OK;
    }
    if (strcmp(f, "json") == 0)
        q->fmt = OUT_JSON;
    else if (strcmp(f, "csv") == 0)
        q->fmt = OUT_CSV;
    else if (strcmp(f, "xlsx") == 0)
        q->fmt = OUT_XLSX;
    else
        return bad(resp, "format: json, csv of xlsx.", "format: json, csv or xlsx.");
    return IB_OK;
}

/* municipality=GM1783[,GM0344...] within the user's municipalities (when
 * the user has any; otherwise anywhere). Without it: the user's own. */
static int take_municipalities(hreq *req, hresp *resp, mon_query *q)
{
    const ib_user *u = &req->user;
    const char *m = ib_query(req, "municipality");
    q->nmunis = 0;
    if (!m) {
        for (int i = 0; i < u->nmunicipalities; i++)
            q->munis[q->nmunis++] = ib_muni_from_code(u->municipalities[i]);
        return IB_OK;
    }
    for (const char *s = m;; s++) {
        size_t n = strcspn(s, ",");
        char code[7];
        if (n != 6 || !ib_municipality_is_valid(s, n) || q->nmunis == IB_USER_MUNIS_MAX)
            return bad(resp, "municipality: een of meer CBS-codes (GM en 4 cijfers), "
                             "gescheiden door komma's.",
                       "municipality: one or more CBS codes (GM and 4 digits), "
                       "separated by commas.");
        memcpy(code, s, 6);
        code[6] = '\0';
        if (u->nmunicipalities > 0 && !ib_user_has_municipality(u, code)) {
            ib_problem(resp, 403, "Geen toegang", "Forbidden",
                       "Deze gemeente valt buiten uw gemeenten.",
                       "This municipality lies outside your municipalities.");
            return IB_EDENIED;
        }
        q->munis[q->nmunis++] = ib_muni_from_code(code);
        s += n;
        if (!*s)
            break;
    }
    return IB_OK;
}

static int take_common(hreq *req, hresp *resp, mon_query *q)
{
    ib_err err;
    const char *v;
    if ((v = ib_query(req, "at")) && ib_date_parse(v, strlen(v), &q->at, &err) != IB_OK)
        return bad(resp, "at: een datum JJJJ-MM-DD.", "at: a date YYYY-MM-DD.");
    if ((v = ib_query(req, "by"))) {
        if (ib_group_parse(v, &q->by, &err) != IB_OK)
            return bad(resp, "by: all, eu, cee, south, nationality, category, sex, age, "
                             "cohort, first_brp of municipality.",
                       "by: all, eu, cee, south, nationality, category, sex, age, "
                       "cohort, first_brp or municipality.");
        q->has_by = true;
        q->by_name = v;
    }
    bool detail = false;
    if ((v = ib_query(req, "detail")) && !parse_flag(v, &detail))
        return bad(resp, "detail: true of false.", "detail: true or false.");
    if (detail && req->user.role != IB_ROLE_ADMIN) {
        ib_problem(resp, 403, "Geen toegang", "Forbidden",
                   "Alleen een beheerder ziet kleine aantallen (detail=true).",
                   "Only an administrator sees small cells (detail=true).");
        return IB_EDENIED;
    }
    q->k = detail ? 0 : SMALL_CELL;
    if ((v = ib_query(req, "sender")) && (!v[0] || strlen(v) > IB_REF_MAX))
        return bad(resp, "sender: de afzender (1 tot 64 tekens).",
                   "sender: the sender (1 to 64 characters).");
    q->sender = v;
    int rc = take_format(req, resp, q);
    return rc ? rc : take_municipalities(req, resp, q);
}

/* cohort, stays, horizon, curve, covariates, ties, basis, long_after,
 * view, m2_per_person: each only where ib_query_only let it through. */
static int take_figure_options(hreq *req, hresp *resp, mon_query *q)
{
    const char *v;
    long n;
    if ((v = ib_query(req, "cohort"))) {
        if (!ib_parse_long(v, 1900, 2200, &n))
            return bad(resp, "cohort: een jaartal.", "cohort: a year.");
        q->cohort = (int)n;
    }
    if ((v = ib_query(req, "stays"))) {
        if (strcmp(v, "first") && strcmp(v, "all"))
            return bad(resp, "stays: first of all.", "stays: first or all.");
        q->first_only = strcmp(v, "first") == 0;
    }
    if ((v = ib_query(req, "horizon")) &&
        (!ib_parse_positive(v, 100, &q->horizon_years) || q->horizon_years * 365.25 < 1))
        return bad(resp, "horizon: een aantal jaren (groter dan 0, hooguit 100).",
                   "horizon: a number of years (above 0, at most 100).");
    if ((v = ib_query(req, "curve")) && !parse_flag(v, &q->curve))
        return bad(resp, "curve: true of false.", "curve: true or false.");
    if ((v = ib_query(req, "covariates"))) {
        if (!v[0] || strlen(v) > 1024)
            return bad(resp, "covariates: namen gescheiden door komma's.",
                       "covariates: names separated by commas.");
        q->covariates = v;
    }
    if ((v = ib_query(req, "ties"))) {
        if (strcmp(v, "efron") && strcmp(v, "breslow"))
            return bad(resp, "ties: efron of breslow.", "ties: efron or breslow.");
        q->ties = strcmp(v, "breslow") == 0 ? IB_COX_BRESLOW : IB_COX_EFRON;
    }
    ib_err err;
    if ((v = ib_query(req, "basis")) && ib_mbasis_parse(v, &q->basis, &err) != IB_OK)
        return bad(resp, "basis: point of all-months.", "basis: point or all-months.");
    if ((v = ib_query(req, "long_after"))) {
        if (!ib_parse_long(v, 1, 36525, &n))
            return bad(resp, "long_after: een aantal dagen (1 tot 36525).",
                       "long_after: a number of days (1 to 36525).");
        q->long_after = (int32_t)n;
    }
    if ((v = ib_query(req, "view"))) {
        static const char *const views[] = {"municipalities", "locations", "providers",
                                            "worklive"};
        q->view = -1;
        for (int i = 0; i < 4; i++)
            if (strcmp(v, views[i]) == 0)
                q->view = i;
        if (q->view < 0)
            return bad(resp, "view: municipalities, locations, providers of worklive.",
                       "view: municipalities, locations, providers or worklive.");
    }
    double x;
    if ((v = ib_query(req, "m2_per_person"))) {
        if (!ib_parse_positive(v, 1000, &x))
            return bad(resp, "m2_per_person: een oppervlak in m² (groter dan 0).",
                       "m2_per_person: a floor area in m² (above 0).");
        q->m2_hundredths = (int64_t)(x * 100 + 0.5);
    }
    return IB_OK;
}

static void query_defaults(mon_query *q)
{
    memset(q, 0, sizeof *q);
    q->at = ib_date_today();
    q->by = IB_GROUP_ALL;
    q->by_name = "all";
    q->curve = true;
    q->horizon_years = 10;
    q->ties = IB_COX_EFRON;
    q->basis = IB_BASIS_POINT;
    q->long_after = 730;
    q->m2_hundredths = 1200;
}

/* ------------------------------------------------------------ data */

/* The data a query works on: the server's shared copy of the whole
 * registry (read-only; the reference is released with release_data), or
 * data of the request's own (one sender's, or the persons of some
 * municipalities). */
typedef struct mon_data {
    const ib_mdata *d;
    ib_mdata own;
    const ib_mdata *all;
    ib_mcache_entry *shared;
} mon_data;

static void release_data(hreq *req, mon_data *m)
{
    if (m->shared)
        ib_monitor_cache_put(req->srv->monitor, m->shared);
    ib_mdata_free(&m->own);
    m->shared = NULL;
    m->all = m->d = NULL;
}

/* One sender's data, read from the store in one transaction (one state). */
static int load_sender(hreq *req, const mon_query *q, ib_mdata *d, ib_err *err)
{
    ib_filter f = {0};
    ib_mdata_init(d);
    int rc = ib_store_begin(req->st, err);
    if (!rc && q->sender)
        rc = ib_store_sender(req->st, q->sender, false, &f.sender_id, err);
    if (!rc)
        rc = ib_mdata_load(req->st, &f, d, err);
    if (rc) {
        ib_store_rollback(req->st, NULL);
        return rc;
    }
    return ib_store_commit(req->st, err);
}

/* The registry the query starts from: one sender's, or all (the shared
 * copy, current with the store's data version; m->shared holds it). */
static int load_base(hreq *req, const mon_query *q, mon_data *m, ib_err *err)
{
    memset(m, 0, sizeof *m);
    ib_mdata_init(&m->own);
    if (q->sender) {
        m->all = &m->own;
        return load_sender(req, q, &m->own, err);
    }
    return ib_monitor_cache_get(req->srv->monitor, req->st, &m->shared, &m->all, err);
}

/* Narrows the base down to the persons of the municipalities when named. */
static int narrow_data(const mon_query *q, mon_data *m, ib_err *err)
{
    m->d = m->all;
    if (q->nmunis == 0)
        return IB_OK;
    ib_mdata sub;
    int rc = ib_mdata_in_municipalities(m->all, q->munis, q->nmunis, &sub, err);
    if (rc)
        return rc;
    ib_mdata_free(&m->own);           /* a sender's base; the shared one stays */
    m->own = sub;
    m->d = &m->own;
    return IB_OK;
}

/* The key of an answer kept with the shared data: the figure and every
 * field of the resolved query (the municipalities of the user's scope
 * included), since the answer is a function of those and the data only.
 * False when it does not fit (then the answer is not kept). */
static bool answer_key(const char *name, const mon_query *q, char *key,
                       size_t size)
{
    int n = snprintf(key, size, "%s|%d|%d|%d|%s|%d|%d|%lld|%d|%.17g|%s|%d|%d|%d|%d|%lld|%d|",
                     name, (int)q->at, (int)q->by, (int)q->has_by, q->by_name,
                     q->cohort, (int)q->first_only, (long long)q->k, (int)q->curve,
                     q->horizon_years, q->covariates ? q->covariates : "-",
                     (int)q->ties, (int)q->basis, (int)q->long_after, q->view,
                     (long long)q->m2_hundredths, q->fmt == OUT_JSON ? 0 : 1);
    for (size_t i = 0; i < q->nmunis && n > 0 && (size_t)n < size; i++)
        n += snprintf(key + n, size - (size_t)n, "%d,", (int)q->munis[i]);
    return n > 0 && (size_t)n < size;
}

/* ------------------------------------------------------------ figures */

static double horizon_days(const mon_query *q)
{
    return floor(q->horizon_years * 365.25);
}

static ib_mo_opts out_opts(const mon_query *q)
{
    return (ib_mo_opts){q->fmt == OUT_JSON ? IB_MO_JSON : IB_MO_CSV, q->k, q->curve,
                        q->at, q->cohort, q->by_name, NULL};
}

static int fig_survival(const ib_mdata *d, const mon_query *q, FILE *out, ib_err *err)
{
    ib_msurv_opts so = {.at = q->at, .first_only = q->first_only, .cohort = q->cohort};
    ib_msurv_result r;
    int rc = ib_monitor_survival(d, &so, q->by, horizon_days(q), &r, err);
    if (rc)
        return rc;
    if (r.all.n == 0)
        rc = ib_err_set(err, IB_EINVAL, "geen verblijven in de selectie (peildatum, "
                                        "cohort, gemeente, afzender)");
    ib_mo_opts o = out_opts(q);
    if (!rc)
        ib_mo_survival(out, &r, &o);
    ib_msurv_result_free(&r);
    return rc;
}

static int fig_cox(const ib_mdata *d, const mon_query *q, FILE *out, ib_err *err)
{
    ib_msurv_opts so = {.at = q->at, .first_only = q->first_only, .cohort = q->cohort};
    char *names[IB_MO_COVARIATES_MAX] = {0}, ref[IB_MLABEL_MAX] = "";
    size_t p = 0;
    int rc = ib_mo_cox_names(d, &so, q->covariates, q->has_by ? q->by : IB_GROUP_ALL,
                             names, &p, ref, err);
    ib_cox_opts co;
    ib_cox_opts_init(&co);
    co.ties = q->ties;
    ib_mdesign x;
    ib_mcox_result r;
    if (!rc)
        rc = ib_monitor_design(d, &so, (const char *const *)names, p, &x, err);
    if (!rc)
        rc = ib_monitor_cox_design(&x, (const char *const *)names, p, &co,
                                   horizon_days(q), &r, err);
    if (!rc) {
        ib_mo_opts o = out_opts(q);
        o.k = 0;                  /* a model: no cell counts persons */
        o.reference = ref[0] ? ref : NULL;
        ib_mo_cox(out, &r, &o);
        ib_mcox_result_free(&r);
    }
    for (size_t i = 0; i < p; i++)
        free(names[i]);
    return rc;
}

/* Tables for those without detail: counts perturbed by their cell keys
 * (the builders were given q->cellkey). */
static int write_table(ib_mtable *t, const mon_query *q, FILE *out, ib_err *err)
{
    int rc = IB_OK;
    if (q->k > 0 && !q->cellkey)
        rc = ib_err_set(err, IB_EINVAL, "geen sleutel voor de verstoring");
    else if (q->k > 0)
        ib_mtable_perturb(t);
    if (!rc)
        ib_mo_table(out, t, q->fmt == OUT_JSON ? IB_MO_JSON : IB_MO_CSV, false);
    ib_mtable_free(t);
    return rc;
}

static int fig_typology(const ib_mdata *d, const mon_query *q, FILE *out, ib_err *err)
{
    ib_mtypology_opts o;
    ib_mtypology_opts_init(&o, q->at);
    o.long_after = q->long_after;
    o.basis = q->basis;
    o.cellkey = q->cellkey;
    ib_mtable t;
    int rc = ib_monitor_typology(d, &o, q->by, &t, err);
    return rc ? rc : write_table(&t, q, out, err);
}

static int fig_registration(const ib_mdata *d, const mon_query *q, FILE *out,
                            ib_err *err)
{
    ib_mtable t;
    /* as the CLI: by municipality unless another grouping is asked */
    ib_group g = q->has_by ? q->by : IB_GROUP_MUNICIPALITY;
    int rc = ib_monitor_registration_keyed(d, q->at, g, q->cellkey, &t, NULL, err);
    return rc ? rc : write_table(&t, q, out, err);
}

static int fig_housing(const ib_mdata *d, const mon_query *q, FILE *out, ib_err *err)
{
    ib_mhousing_opts o;
    ib_mhousing_opts_init(&o, q->at);
    o.m2_norm = q->m2_hundredths;
    o.cellkey = q->cellkey;
    ib_mtable t;
    int rc;
    switch (q->view) {
    case 1: rc = ib_monitor_housing_locations(d, &o, &t, err); break;
    case 2: rc = ib_monitor_housing_providers(d, &o, &t, err); break;
    case 3: rc = ib_monitor_worklive(d, &o, &t, err); break;
    default: rc = ib_monitor_housing_municipalities(d, &o, &t, err); break;
    }
    return rc ? rc : write_table(&t, q, out, err);
}

/* ------------------------------------------------------------ answering */

typedef int (*figure_fn)(const ib_mdata *d, const mon_query *q, FILE *out, ib_err *err);

typedef struct figure {
    const char *name;
    const char *const *params;   /* besides the common ones */
    figure_fn fn;
} figure;

static const char *const surv_params[] = {"cohort", "stays", "horizon", "curve", NULL};
static const char *const cox_params[] = {"cohort", "stays", "horizon", "covariates",
                                         "ties", NULL};
static const char *const typology_params[] = {"basis", "long_after", NULL};
static const char *const no_params[] = {NULL};
static const char *const housing_params[] = {"view", "m2_per_person", NULL};

static const figure figures[] = {
    {"survival", surv_params, fig_survival},
    {"cox", cox_params, fig_cox},
    {"typology", typology_params, fig_typology},
    {"registration", no_params, fig_registration},
    {"housing", housing_params, fig_housing},
};

/* The common parameters and the figure's own; IB_EINVAL (400 answered) on
 * any other. */
static int check_params(hreq *req, hresp *resp, const figure *fig)
{
    static const char *const common[] = {"at", "by", "municipality", "sender", "format",
                                         "detail", "purpose"};
    const char *allowed[16];
    size_t n = 0;
    for (size_t i = 0; i < sizeof common / sizeof *common; i++)
        allowed[n++] = common[i];
    for (const char *const *p = fig->params; *p && n + 1 < 16; p++)
        allowed[n++] = *p;
    allowed[n] = NULL;
    return ib_query_only(req, resp, allowed);
}

static int answer_document(hresp *resp, const figure *fig, const mon_query *q, char *text,
                           size_t len)
{
    char at[IB_DATE_STRLEN];
    ib_date_format(q->at, at);
    if (q->fmt == OUT_XLSX) {
        char *xlsx = NULL;
        size_t xlen = 0;
        ib_err err;
        int rc = ib_mo_csv_to_xlsx(text, len, fig->name, true, &xlsx, &xlen, &err);
        free(text);
        if (rc)
            return ib_problem_from_err(resp, &err);
        text = xlsx;
        len = xlen;
    }
    static const char *const types[] = {
        "application/json", "text/csv; charset=utf-8",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"};
    static const char *const ext[] = {"json", "csv", "xlsx"};
    free(resp->body);
    resp->body = text;
    resp->len = len;
    resp->status = 200;
    resp->content_type = types[q->fmt];
    resp->etag = true;
    if (q->fmt != OUT_JSON)
        snprintf(resp->disposition, sizeof resp->disposition,
                 "attachment; filename=\"inbeeld-%s-%s.%s\"", fig->name, at, ext[q->fmt]);
    return 0;
}

/* The figure's document for q from d, in *text (caller frees). */
static int compute_figure(const figure *fig, const ib_mdata *d, const mon_query *q,
                          char **text, size_t *len, ib_err *err)
{
    *text = NULL;
    *len = 0;
    FILE *mem = open_memstream(text, len);
    if (!mem)
        return ib_err_set(err, IB_ENOMEM, "geheugen vol");
    int rc = fig->fn(d, q, mem, err);
    if (fclose(mem) != 0 && !rc)
        rc = ib_err_set(err, IB_ENOMEM, "geheugen vol");
    return rc;
}

/* Whether the Prefer header (RFC 7240) holds the preference token, among
 * others separated by commas, each perhaps with parameters after ';'. */
static bool prefers(const hreq *req, const char *token)
{
    const char *v = ib_header(req, "Prefer");
    size_t tlen = strlen(token);
    for (const char *p = v; p && *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        size_t len = strcspn(p, ",;");
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len == tlen && strncasecmp(p, token, tlen) == 0)
            return true;
        p = strchr(p, ',');
    }
    return false;
}

/* The answer kept from before the store's latest change, for a request
 * that prefers it to waiting (Prefer: allow-stale) while the current one
 * is being loaded or computed; false when there is none (or the query is
 * not one kept with the shared data: a sender's own). */
static bool previous_answer(hreq *req, const figure *fig, const mon_query *q,
                            char **text, size_t *len)
{
    char key[1024], version[IB_DATA_VERSION_LEN];
    ib_err err;
    return !q->sender && prefers(req, "allow-stale") &&
           answer_key(fig->name, q, key, sizeof key) &&
           ib_store_data_version(req->st, version, &err) == IB_OK && version[0] &&
           ib_mcache_previous(req->srv->monitor, version, key, text, len);
}

static int monitor_figure(hreq *req, hresp *resp, const figure *fig)
{
    mon_query q;
    query_defaults(&q);
    if (check_params(req, resp, fig) || take_common(req, resp, &q) ||
        take_figure_options(req, resp, &q))
        return 0;
    ib_err err;
    ib_err_clear(&err);
    mon_data m;
    char *text = NULL, key[1024];
    size_t len = 0;
    if (previous_answer(req, fig, &q, &text, &len)) {
        resp->answered = "previous";
        resp->preference_applied = "allow-stale";
        return answer_document(resp, fig, &q, text, len);
    }
    if (load_base(req, &q, &m, &err)) {
        release_data(req, &m);
        return ib_problem_from_err(resp, &err);
    }
    /* XLSX is made from the CSV text: both keep the CSV. */
    bool keep = m.shared && answer_key(fig->name, &q, key, sizeof key);
    ib_mcache_found found = keep ? ib_mcache_doc_find(req->srv->monitor, m.shared, key,
                                                      &text, &len)
                                 : IB_MCACHE_ALONE;
    if (found == IB_MCACHE_KEPT || found == IB_MCACHE_WAITED) {
        release_data(req, &m);
        resp->answered = found == IB_MCACHE_KEPT ? "kept" : "waited";
        return answer_document(resp, fig, &q, text, len);
    }
    bool claimed = found == IB_MCACHE_CLAIMED;
    if (narrow_data(&q, &m, &err)) {
        if (claimed)
            ib_mcache_doc_drop(req->srv->monitor, m.shared, key);
        release_data(req, &m);
        return ib_problem_from_err(resp, &err);
    }
    resp->answered = "computed";
    ib_mcellkey ck;
    if (q.k > 0) {
        ib_store_cellkey_secret(req->st, ck.secret);
        q.cellkey = &ck;
    }
    int rc = compute_figure(fig, m.d, &q, &text, &len, &err);
    sodium_memzero(&ck, sizeof ck);
    if (claimed && !rc)
        ib_mcache_doc_put(req->srv->monitor, m.shared, key, text, len);
    else if (claimed)
        ib_mcache_doc_drop(req->srv->monitor, m.shared, key);
    release_data(req, &m);
    if (rc) {
        free(text);
        return ib_problem_from_err(resp, &err);
    }
    return answer_document(resp, fig, &q, text, len);
}

/* ------------------------------------------------------------ first questions */

/* What web/js/pages/dashboard.js asks on opening #/monitor with its
 * default filters (no at, no municipality, by=eu): survival and typology
 * with ?by=eu, the other three without parameters. Keep the two in step:
 * tests/api/test_monitor_cache.py asks the page's exact paths. */
static const struct {
    size_t figure;               /* index in figures[] */
    const char *by;              /* NULL: no by= */
} first_questions[IB_MONITOR_FIRST_N] = {
    {0, "eu"}, {2, "eu"}, {3, NULL}, {4, NULL}, {1, NULL},
};

/* The query those paths resolve to for a user without municipalities
 * and without detail=true, on the day at. */
static void first_query(size_t i, ib_date at, mon_query *q)
{
    ib_err err;
    query_defaults(q);
    q->at = at;
    q->k = SMALL_CELL;               /* and the caller's cell key */
    q->fmt = OUT_JSON;
    if (first_questions[i].by &&
        ib_group_parse(first_questions[i].by, &q->by, &err) == IB_OK) {
        q->has_by = true;
        q->by_name = first_questions[i].by;
    }
}

bool ib_monitor_first_key(size_t i, ib_date at, char *key, size_t size)
{
    mon_query q;
    first_query(i, at, &q);
    return answer_key(figures[first_questions[i].figure].name, &q, key, size);
}

int ib_monitor_first_answer(size_t i, ib_date at, const ib_mdata *d,
                            const ib_mcellkey *ck, char **text, size_t *len,
                            ib_err *err)
{
    mon_query q;
    first_query(i, at, &q);
    q.cellkey = ck;
    return compute_figure(&figures[first_questions[i].figure], d, &q, text, len, err);
}

int ib_api_monitor_survival(hreq *req, hresp *resp)
{
    return monitor_figure(req, resp, &figures[0]);
}
int ib_api_monitor_cox(hreq *req, hresp *resp)
{
    return monitor_figure(req, resp, &figures[1]);
}
int ib_api_monitor_typology(hreq *req, hresp *resp)
{
    return monitor_figure(req, resp, &figures[2]);
}
int ib_api_monitor_registration(hreq *req, hresp *resp)
{
    return monitor_figure(req, resp, &figures[3]);
}
int ib_api_monitor_housing(hreq *req, hresp *resp)
{
    return monitor_figure(req, resp, &figures[4]);
}
