/* sqlite_scan.c — the lean scan for statistics (ib_store_scan) on SQLite:
 * whole tables in rowid order (sequential pages, no index walk, no joins),
 * only the columns the monitor uses, one prepared statement per kind, all
 * inside one read transaction so that the kinds agree with each other. */
#include "sqlite_internal.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------ columns */

static const char *col_str(sqlite3_stmt *q, int i)
{
    const char *t = (const char *)sqlite3_column_text(q, i);
    return t ? t : "";
}

/* A code column, parsed against its table. Codes repeat from row to row,
 * so the previous text and its code are remembered (one memcmp instead of a
 * walk of the table). */
typedef struct code_col {
    const ib_code_name *table;
    bool has_last;
    char last[32];
    size_t last_len;
    int last_code;
} code_col;

static int col_code(sqlite3_stmt *q, int i, code_col *c, int *out, ib_err *err)
{
    const char *t = col_str(q, i);
    size_t n = (size_t)sqlite3_column_bytes(q, i);
    if (c->has_last && n == c->last_len && memcmp(t, c->last, n) == 0) {
        *out = c->last_code;
        return IB_OK;
    }
    if (ib_code_parse(c->table, t, n, out) != IB_OK)
        return ib_err_set(err, IB_ESTORE, "onbekende code '%.32s' in de database",
                          t);
    if (n < sizeof c->last) {
        memcpy(c->last, t, n);
        c->has_last = true;
        c->last_len = n;
        c->last_code = *out;
    }
    return IB_OK;
}

/* ------------------------------------------------------------ rows */

/* The state of one kind's scan: the handler and the code columns. */
typedef struct scan_ctx {
    const ib_scan_handler *h;
    code_col code[2];
} scan_ctx;

typedef int (*scan_row_fn)(sqlite3_stmt *q, scan_ctx *c, ib_err *err);

static int org_row(sqlite3_stmt *q, scan_ctx *c, ib_err *err)
{
    int kind;
    int rc = col_code(q, 4, &c->code[0], &kind, err);
    if (rc)
        return rc;
    ib_scan_org o = {sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
                     col_str(q, 2), col_str(q, 3), (ib_org_kind)kind, ""};
    IB_SQ_COL_STR(q, 5, o.kvk);
    return c->h->organisation(c->h->ctx, &o);
}

static int location_row(sqlite3_stmt *q, scan_ctx *c, ib_err *err)
{
    int kind;
    int rc = col_code(q, 4, &c->code[0], &kind, err);
    if (rc)
        return rc;
    ib_scan_location l = {
        .id = sqlite3_column_int64(q, 0),
        .sender_id = sqlite3_column_int64(q, 1),
        .ref = col_str(q, 2),
        .kind = (ib_location_kind)kind,
        .capacity = (int32_t)ib_sq_col_opt(q, 5, -1),
        .floor_area_m2 = ib_sq_col_opt(q, 6, IB_CENTS_NONE),
        .provider_id = ib_sq_col_opt(q, 7, 0),
    };
    IB_SQ_COL_STR(q, 3, l.municipality);
    IB_SQ_COL_STR(q, 8, l.postcode);
    IB_SQ_COL_STR(q, 9, l.house_number);
    return c->h->location(c->h->ctx, &l);
}

static int person_row(sqlite3_stmt *q, scan_ctx *c, ib_err *err)
{
    int sex, category;
    int rc = col_code(q, 4, &c->code[0], &sex, err);
    if (!rc)
        rc = col_code(q, 6, &c->code[1], &category, err);
    if (rc)
        return rc;
    ib_scan_person p = {
        .id = sqlite3_column_int64(q, 0),
        .sender_id = sqlite3_column_int64(q, 1),
        .ref = col_str(q, 2),
        .birth_date = ib_sq_col_date(q, 3),
        .sex = (ib_sex)sex,
        .category = (ib_category)category,
        .person_id = sqlite3_column_int64(q, 7),
        .has_bsn = sqlite3_column_type(q, 8) != SQLITE_NULL,
        .updated_at = sqlite3_column_int64(q, 9),
    };
    IB_SQ_COL_STR(q, 5, p.nationality);
    return c->h->person(c->h->ctx, &p);
}

static int stay_row(sqlite3_stmt *q, scan_ctx *c, ib_err *err)
{
    (void)err;
    ib_scan_stay s = {sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
                      ib_sq_col_date(q, 2), ib_sq_col_date(q, 3)};
    return c->h->stay(c->h->ctx, &s);
}

static int registration_row(sqlite3_stmt *q, scan_ctx *c, ib_err *err)
{
    int kind;
    int rc = col_code(q, 2, &c->code[0], &kind, err);
    if (rc)
        return rc;
    ib_scan_registration r = {
        .id = sqlite3_column_int64(q, 0),
        .person_id = sqlite3_column_int64(q, 1),
        .kind = (ib_reg_kind)kind,
        .start = ib_sq_col_date(q, 4),
        .end = ib_sq_col_date(q, 5),
    };
    IB_SQ_COL_STR(q, 3, r.municipality);
    return c->h->registration(c->h->ctx, &r);
}

static int employment_row(sqlite3_stmt *q, scan_ctx *c, ib_err *err)
{
    int contract;
    int rc = col_code(q, 4, &c->code[0], &contract, err);
    if (rc)
        return rc;
    ib_scan_employment e = {
        .id = sqlite3_column_int64(q, 0),
        .person_id = sqlite3_column_int64(q, 1),
        .employer_id = sqlite3_column_int64(q, 2),
        .agency_id = ib_sq_col_opt(q, 3, 0),
        .contract = (ib_contract)contract,
        .start = ib_sq_col_date(q, 5),
        .end = ib_sq_col_date(q, 6),
        .monthly_wage = ib_sq_col_opt(q, 7, IB_CENTS_NONE),
    };
    return c->h->employment(c->h->ctx, &e);
}

static int housing_row(sqlite3_stmt *q, scan_ctx *c, ib_err *err)
{
    (void)err;
    ib_scan_housing h = {
        .id = sqlite3_column_int64(q, 0),
        .person_id = sqlite3_column_int64(q, 1),
        .location_id = sqlite3_column_int64(q, 2),
        .provided_by_id = ib_sq_col_opt(q, 3, 0),
        .start = ib_sq_col_date(q, 4),
        .end = ib_sq_col_date(q, 5),
    };
    return c->h->housing(c->h->ctx, &h);
}

static int life_event_row(sqlite3_stmt *q, scan_ctx *c, ib_err *err)
{
    int event;
    int rc = col_code(q, 2, &c->code[0], &event, err);
    if (rc)
        return rc;
    ib_scan_life_event ev = {sqlite3_column_int64(q, 0),
                             sqlite3_column_int64(q, 1), (ib_event_kind)event,
                             ib_sq_col_date(q, 3)};
    return c->h->life_event(c->h->ctx, &ev);
}

static int contact_row(sqlite3_stmt *q, scan_ctx *c, ib_err *err)
{
    int kind;
    int rc = col_code(q, 2, &c->code[0], &kind, err);
    if (rc)
        return rc;
    ib_scan_contact ct = {sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
                          (ib_contact_kind)kind, ib_sq_col_date(q, 3)};
    return c->h->contact(c->h->ctx, &ct);
}

/* ------------------------------------------------------------ kinds */

typedef struct scan_kind {
    ib_kind kind;
    const char *select;               /* "columns FROM table" */
    scan_row_fn row;
    const ib_code_name *codes[2];     /* tables of the code columns, in order */
} scan_kind;

static const scan_kind scan_kinds[IB_KIND_COUNT] = {
    {IB_KIND_ORGANISATION, "id, sender_id, ref, name, kind, kvk FROM organisations",
     org_row, {ib_org_kind_codes, NULL}},
    {IB_KIND_LOCATION, "id, sender_id, ref, municipality, kind, capacity,"
     " floor_area, provider_id, postcode, house_number FROM locations",
     location_row, {ib_location_kind_codes, NULL}},
    {IB_KIND_PERSON, "id, sender_id, ref, birth_date, sex, nationality,"
     " category, people_id, bsn_hash, updated_at FROM persons",
     person_row, {ib_sex_codes, ib_category_codes}},
    {IB_KIND_STAY, "id, person_id, arrival, departure FROM stays",
     stay_row, {NULL, NULL}},
    {IB_KIND_REGISTRATION, "id, person_id, kind, municipality, start_date,"
     " end_date FROM registrations",
     registration_row, {ib_reg_kind_codes, NULL}},
    {IB_KIND_EMPLOYMENT, "id, person_id, employer_id, agency_id, contract,"
     " start_date, end_date, monthly_wage FROM employments",
     employment_row, {ib_contract_codes, NULL}},
    {IB_KIND_HOUSING, "id, person_id, location_id, provided_by_id, start_date,"
     " end_date FROM housings",
     housing_row, {NULL, NULL}},
    {IB_KIND_LIFE_EVENT, "id, person_id, event, event_date FROM life_events",
     life_event_row, {ib_event_codes, NULL}},
    {IB_KIND_CONTACT, "id, person_id, kind, contact_date FROM contacts",
     contact_row, {ib_contact_kind_codes, NULL}},
};

static bool is_wanted(const ib_scan_handler *h, ib_kind kind)
{
    switch (kind) {
    case IB_KIND_ORGANISATION: return h->organisation != NULL;
    case IB_KIND_LOCATION: return h->location != NULL;
    case IB_KIND_PERSON: return h->person != NULL;
    case IB_KIND_STAY: return h->stay != NULL;
    case IB_KIND_REGISTRATION: return h->registration != NULL;
    case IB_KIND_EMPLOYMENT: return h->employment != NULL;
    case IB_KIND_HOUSING: return h->housing != NULL;
    case IB_KIND_LIFE_EVENT: return h->life_event != NULL;
    case IB_KIND_CONTACT: return h->contact != NULL;
    case IB_KIND_COUNT: break;
    }
    return false;
}

/* Steps q to the end, handing every row to row(); returns the first
 * non-zero result (a callback's stop value or an error). */
static int scan_rows(ib_sqlite *s, sqlite3_stmt *q, scan_row_fn row,
                     scan_ctx *c, ib_err *err)
{
    int rc, stop = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        if ((stop = row(q, c, err)) != 0)
            return stop;
    return rc == SQLITE_DONE ? IB_OK : ib_sq_error(s, rc, err);
}

/* One kind: no ORDER BY, so that SQLite walks the table in rowid order;
 * the episode tables carry sender_id, so one sender needs no join either. */
static int scan_kind_rows(ib_sqlite *s, const scan_kind *k, int64_t sender_id,
                          const ib_scan_handler *h, ib_err *err)
{
    char sql[256];
    int n = snprintf(sql, sizeof sql, "SELECT %s%s", k->select,
                     sender_id ? " WHERE sender_id = ?1" : "");
    if (n < 0 || (size_t)n >= sizeof sql)
        return ib_err_set(err, IB_ELIMIT, "zoekvraag te lang");
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &q, NULL);
    if (rc != SQLITE_OK)
        return ib_sq_error(s, rc, err);
    if (sender_id)
        sqlite3_bind_int64(q, 1, sender_id);
    scan_ctx c = {.h = h};
    for (int i = 0; i < 2; i++)
        c.code[i].table = k->codes[i];
    rc = scan_rows(s, q, k->row, &c, err);
    sqlite3_finalize(q);
    if (rc == IB_OK && h->kind_done)
        rc = h->kind_done(h->ctx, k->kind);
    return rc;
}

static int scan_all(ib_sqlite *s, int64_t sender_id, const ib_scan_handler *h,
                    ib_err *err)
{
    int rc;
    if (h->data_version) {
        /* The first read of the transaction: the version of what follows. */
        char version[IB_DATA_VERSION_LEN];
        if ((rc = s->base.ops->data_version(&s->base, version, err)) ||
            (rc = h->data_version(h->ctx, version)))
            return rc;
    }
    if (h->sender && (rc = ib_sq_each_sender(&s->base, h->sender, h->ctx, err)))
        return rc;
    for (int k = 0; k < IB_KIND_COUNT; k++)
        if (is_wanted(h, scan_kinds[k].kind) &&
            (rc = scan_kind_rows(s, &scan_kinds[k], sender_id, h, err)))
            return rc;
    return IB_OK;
}

/* The integer a PRAGMA query answers. */
static int pragma_int(ib_sqlite *s, const char *sql, int64_t *out)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &q, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW)
        *out = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return rc == SQLITE_ROW ? IB_OK : IB_ESTORE;
}

/* A scan reads every page once: the connection's page cache (sized for the
 * upserts' index look-ups) would only cost memory and page faults, so a
 * scan of its own keeps it small (a sixth less CPU at 1 M persons). */
int ib_sq_scan(ib_store *st, int64_t sender_id, const ib_scan_handler *h,
               ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    /* A deferred BEGIN: the snapshot starts at the first read and takes no
     * write lock, so an import may go on beside the scan. */
    bool own_tx = !st->in_tx && sqlite3_get_autocommit(s->db);
    int rc;
    if (own_tx && (rc = ib_sq_exec(s, "BEGIN", err)) != IB_OK)
        return rc;
    int64_t cache = 0;
    bool small = own_tx &&
                 pragma_int(s, "PRAGMA cache_size", &cache) == IB_OK &&
                 ib_sq_exec(s, "PRAGMA cache_size = -4096", NULL) == IB_OK;
    rc = scan_all(s, sender_id, h, err);
    if (small) {
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA cache_size = %lld", (long long)cache);
        ib_sq_exec(s, sql, NULL);
    }
    if (own_tx) {
        int end = ib_sq_exec(s, rc ? "ROLLBACK" : "COMMIT", rc ? NULL : err);
        if (!rc)
            rc = end;
    }
    return rc;
}
