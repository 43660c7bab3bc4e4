/* sqlite_read.c — readers for the SQLite backend: the filtered, ordered
 * iterators (refs joined in, BSN decrypted), look-ups by ref and BSN,
 * counts and the audit scan. Iterator statements are cached per kind and
 * filter shape. */
#include "sqlite_internal.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------ queries */

enum { F_SENDER = 1, F_PERSON = 2, F_LOCATION = 4 };

typedef struct read_spec {
    const char *select;           /* columns FROM ... JOIN ... */
    const char *by_sender, *by_person, *by_location; /* NULL: not applicable */
    const char *order;
    const char *order_by_location;                   /* when only :l is given */
} read_spec;

/* The person condition names the sender too, so that the unique index led by
 * (sender_id, person_id) serves it. */
#define EP_SENDER "x.sender_id = :s"
/* :p is a person (docs/linkage.md): the episodes of all its records. */
#define EP_PERSON "(x.sender_id, x.person_id) IN" \
                  " (SELECT sender_id, id FROM persons WHERE people_id = :p)"

static const read_spec read_specs[IB_KIND_COUNT] = {
    [IB_KIND_ORGANISATION] = {
        "x.id, x.sender_id, x.ref, x.name, x.kvk, x.kind, x.certified"
        " FROM organisations x",
        EP_SENDER, NULL, NULL, "x.sender_id, x.id", NULL},
    [IB_KIND_LOCATION] = {
        "x.id, x.sender_id, x.ref, x.postcode, x.house_number, x.municipality,"
        " x.kind, x.capacity, x.floor_area, x.provider_id, o.ref, x.certified_until"
        " FROM locations x LEFT JOIN organisations o ON o.id = x.provider_id",
        EP_SENDER, NULL, "x.id = :l", "x.sender_id, x.id", NULL},
    [IB_KIND_PERSON] = {
        "x.id, x.sender_id, x.ref, x.bsn_enc, x.family_name, x.given_names,"
        " x.birth_date, x.sex, x.nationality, x.language, x.category, x.people_id"
        " FROM persons x",
        EP_SENDER, "x.people_id = :p", NULL, "x.sender_id, x.id", NULL},
    [IB_KIND_STAY] = {
        "x.id, x.sender_id, p.people_id, p.ref, x.arrival, x.departure"
        " FROM stays x JOIN persons p ON p.id = x.person_id",
        EP_SENDER, EP_PERSON, NULL, "x.sender_id, x.person_id, x.arrival", NULL},
    [IB_KIND_REGISTRATION] = {
        "x.id, x.sender_id, p.people_id, p.ref, x.kind, x.municipality,"
        " x.start_date, x.end_date"
        " FROM registrations x JOIN persons p ON p.id = x.person_id",
        EP_SENDER, EP_PERSON, NULL,
        "x.sender_id, x.person_id, x.start_date, x.kind", NULL},
    [IB_KIND_EMPLOYMENT] = {
        "x.id, x.sender_id, p.people_id, x.employer_id, x.agency_id, p.ref, e.ref,"
        " a.ref, x.contract, x.start_date, x.end_date, x.hours_per_week,"
        " x.monthly_wage, x.sector FROM employments x"
        " JOIN persons p ON p.id = x.person_id"
        " JOIN organisations e ON e.id = x.employer_id"
        " LEFT JOIN organisations a ON a.id = x.agency_id",
        EP_SENDER, EP_PERSON, NULL,
        "x.sender_id, x.person_id, x.start_date, x.employer_id", NULL},
    [IB_KIND_HOUSING] = {
        "x.id, x.sender_id, p.people_id, x.location_id, x.provided_by_id, p.ref,"
        " l.ref, o.ref, x.start_date, x.end_date FROM housings x"
        " JOIN persons p ON p.id = x.person_id"
        " JOIN locations l ON l.id = x.location_id"
        " LEFT JOIN organisations o ON o.id = x.provided_by_id",
        EP_SENDER, EP_PERSON, "x.location_id = :l",
        "x.sender_id, x.person_id, x.start_date, x.location_id",
        "x.sender_id, x.location_id, x.start_date, x.person_id"},
    [IB_KIND_LIFE_EVENT] = {
        "x.id, x.sender_id, p.people_id, p.ref, x.event, x.event_date"
        " FROM life_events x JOIN persons p ON p.id = x.person_id",
        EP_SENDER, EP_PERSON, NULL,
        "x.sender_id, x.person_id, x.event_date, x.event", NULL},
    [IB_KIND_CONTACT] = {
        "x.id, x.sender_id, p.people_id, p.ref, x.contact_date, x.kind, x.channel,"
        " x.topics, x.language, x.understood"
        " FROM contacts x JOIN persons p ON p.id = x.person_id",
        EP_SENDER, EP_PERSON, NULL,
        "x.sender_id, x.person_id, x.contact_date, x.kind", NULL},
};

/* The filters that apply to a kind, as a mask. */
static int filter_mask(const read_spec *rs, const ib_filter *f)
{
    int mask = 0;
    if (f->sender_id && rs->by_sender) mask |= F_SENDER;
    if (f->person_id && rs->by_person) mask |= F_PERSON;
    if (f->location_id && rs->by_location) mask |= F_LOCATION;
    return mask;
}

static int build_sql(const read_spec *rs, int mask, char *buf, size_t size)
{
    const char *conds[3] = {
        mask & F_SENDER ? rs->by_sender : NULL,
        mask & F_PERSON ? rs->by_person : NULL,
        mask & F_LOCATION ? rs->by_location : NULL};
    const char *order = mask == F_LOCATION || mask == (F_SENDER | F_LOCATION)
                            ? rs->order_by_location : rs->order;
    size_t n = (size_t)snprintf(buf, size, "SELECT %s", rs->select);
    const char *glue = " WHERE ";
    for (int i = 0; i < 3 && n < size; i++) {
        if (!conds[i])
            continue;
        n += (size_t)snprintf(buf + n, size - n, "%s%s", glue, conds[i]);
        glue = " AND ";
    }
    if (n < size)
        n += (size_t)snprintf(buf + n, size - n, " ORDER BY %s",
                              order ? order : rs->order);
    return n < size ? IB_OK : IB_ELIMIT;
}

static int bind_filter(sqlite3_stmt *q, const ib_filter *f)
{
    int i, rc = SQLITE_OK;
    if ((i = sqlite3_bind_parameter_index(q, ":s")) > 0)
        rc |= sqlite3_bind_int64(q, i, f->sender_id);
    if ((i = sqlite3_bind_parameter_index(q, ":p")) > 0)
        rc |= sqlite3_bind_int64(q, i, f->person_id);
    if ((i = sqlite3_bind_parameter_index(q, ":l")) > 0)
        rc |= sqlite3_bind_int64(q, i, f->location_id);
    return rc;
}

/* The iterator statement for kind and filter shape: the cached one, or a
 * fresh one (*own set) when the cached one is busy in an outer iteration. */
static int each_stmt(ib_sqlite *s, ib_kind kind, int mask, sqlite3_stmt **out,
                     bool *own, ib_err *err)
{
    sqlite3_stmt **slot = &s->each[kind][mask];
    *own = false;
    if (*slot && !sqlite3_stmt_busy(*slot)) {
        *out = *slot;
        return IB_OK;
    }
    char sql[1024];
    if (build_sql(&read_specs[kind], mask, sql, sizeof sql) != IB_OK)
        return ib_err_set(err, IB_ELIMIT, "zoekvraag te lang");
    int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL);
    if (rc != SQLITE_OK)
        return ib_sq_error(s, rc, err);
    if (*slot)
        *own = true;
    else
        *slot = *out;
    return IB_OK;
}

/* Decodes the current row into the iterator's record and calls back. */
typedef int (*row_fn)(ib_sqlite *s, sqlite3_stmt *q, void *it, ib_err *err);

static int run_rows(ib_sqlite *s, sqlite3_stmt *q, row_fn row, void *it, ib_err *err)
{
    int rc, stop = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        if ((stop = row(s, q, it, err)) != 0)
            break;
    if (!stop && rc != SQLITE_DONE)
        stop = ib_sq_error(s, rc, err);
    sqlite3_reset(q);
    return stop;
}

static int iterate(ib_sqlite *s, ib_kind kind, const ib_filter *f, row_fn row,
                   void *it, ib_err *err)
{
    sqlite3_stmt *q = NULL;
    bool own;
    int rc = each_stmt(s, kind, filter_mask(&read_specs[kind], f), &q, &own, err);
    if (rc)
        return rc;
    if ((rc = bind_filter(q, f)) != SQLITE_OK)
        rc = ib_sq_error(s, rc, err);
    else
        rc = run_rows(s, q, row, it, err);
    if (own)
        sqlite3_finalize(q);
    return rc;
}

void ib_sq_read_close(ib_sqlite *s)
{
    for (int k = 0; k < IB_KIND_COUNT; k++)
        for (int m = 0; m < SQ_FILTER_MASKS; m++)
            sqlite3_finalize(s->each[k][m]);
}

/* ------------------------------------------------------------ decoding */

static int col_code(sqlite3_stmt *q, int i, const ib_code_name *table, int *out,
                    ib_err *err)
{
    const char *t = (const char *)sqlite3_column_text(q, i);
    size_t n = t ? (size_t)sqlite3_column_bytes(q, i) : 0;
    if (ib_code_parse(table, t ? t : "", n, out) != IB_OK)
        return ib_err_set(err, IB_ESTORE, "onbekende code '%.32s' in de database",
                          t ? t : "");
    return IB_OK;
}

#define COL_CODE(q, i, table, field, err)                                       \
    do {                                                                        \
        int code_;                                                              \
        int rc_ = col_code((q), (i), (table), &code_, (err));                   \
        if (rc_)                                                                \
            return rc_;                                                         \
        (field) = code_;                                                        \
    } while (0)

int ib_sq_decode_org(sqlite3_stmt *q, ib_organisation *o, ib_err *err)
{
    memset(o, 0, sizeof *o);
    o->meta.id = sqlite3_column_int64(q, 0);
    o->meta.sender_id = sqlite3_column_int64(q, 1);
    IB_SQ_COL_STR(q, 2, o->ref);
    IB_SQ_COL_STR(q, 3, o->name);
    IB_SQ_COL_STR(q, 4, o->kvk);
    COL_CODE(q, 5, ib_org_kind_codes, o->kind, err);
    COL_CODE(q, 6, ib_cert_codes, o->certified, err);
    return IB_OK;
}

int ib_sq_decode_loc(sqlite3_stmt *q, ib_location *l, ib_err *err)
{
    memset(l, 0, sizeof *l);
    l->meta.id = sqlite3_column_int64(q, 0);
    l->meta.sender_id = sqlite3_column_int64(q, 1);
    IB_SQ_COL_STR(q, 2, l->ref);
    IB_SQ_COL_STR(q, 3, l->postcode);
    IB_SQ_COL_STR(q, 4, l->house_number);
    IB_SQ_COL_STR(q, 5, l->municipality);
    COL_CODE(q, 6, ib_location_kind_codes, l->kind, err);
    l->capacity = (int32_t)ib_sq_col_opt(q, 7, -1);
    l->floor_area_m2 = ib_sq_col_opt(q, 8, IB_CENTS_NONE);
    l->provider_id = ib_sq_col_opt(q, 9, 0);
    IB_SQ_COL_STR(q, 10, l->provider_ref);
    l->certified_until = ib_sq_col_date(q, 11);
    return IB_OK;
}

int ib_sq_decode_person(ib_sqlite *s, sqlite3_stmt *q, ib_person *p, ib_err *err)
{
    memset(p, 0, sizeof *p);
    p->meta.id = sqlite3_column_int64(q, 0);
    p->meta.sender_id = sqlite3_column_int64(q, 1);
    IB_SQ_COL_STR(q, 2, p->ref);
    const uint8_t *enc = sqlite3_column_blob(q, 3);
    size_t len = enc ? (size_t)sqlite3_column_bytes(q, 3) : 0;
    int rc = ib_bsn_open(&s->base.crypto, enc, len, p->meta.sender_id, p->ref,
                         p->bsn, err);
    if (rc)
        return rc;
    IB_SQ_COL_STR(q, 4, p->family_name);
    IB_SQ_COL_STR(q, 5, p->given_names);
    p->birth_date = ib_sq_col_date(q, 6);
    COL_CODE(q, 7, ib_sex_codes, p->sex, err);
    IB_SQ_COL_STR(q, 8, p->nationality);
    IB_SQ_COL_STR(q, 9, p->language);
    COL_CODE(q, 10, ib_category_codes, p->category, err);
    p->person_id = sqlite3_column_count(q) > 11 ? sqlite3_column_int64(q, 11) : p->meta.id;
    return IB_OK;
}

/* The columns every person-keyed episode starts with. */
static void decode_episode_head(sqlite3_stmt *q, ib_meta *m, int64_t *person_id)
{
    m->id = sqlite3_column_int64(q, 0);
    m->sender_id = sqlite3_column_int64(q, 1);
    *person_id = sqlite3_column_int64(q, 2);
}

static int decode_stay(sqlite3_stmt *q, ib_stay *st)
{
    memset(st, 0, sizeof *st);
    decode_episode_head(q, &st->meta, &st->person_id);
    IB_SQ_COL_STR(q, 3, st->person_ref);
    st->arrival = ib_sq_col_date(q, 4);
    st->departure = ib_sq_col_date(q, 5);
    return IB_OK;
}

static int decode_reg(sqlite3_stmt *q, ib_registration *r, ib_err *err)
{
    memset(r, 0, sizeof *r);
    decode_episode_head(q, &r->meta, &r->person_id);
    IB_SQ_COL_STR(q, 3, r->person_ref);
    COL_CODE(q, 4, ib_reg_kind_codes, r->kind, err);
    IB_SQ_COL_STR(q, 5, r->municipality);
    r->start = ib_sq_col_date(q, 6);
    r->end = ib_sq_col_date(q, 7);
    return IB_OK;
}

static int decode_emp(sqlite3_stmt *q, ib_employment *e, ib_err *err)
{
    memset(e, 0, sizeof *e);
    decode_episode_head(q, &e->meta, &e->person_id);
    e->employer_id = sqlite3_column_int64(q, 3);
    e->agency_id = ib_sq_col_opt(q, 4, 0);
    IB_SQ_COL_STR(q, 5, e->person_ref);
    IB_SQ_COL_STR(q, 6, e->employer_ref);
    IB_SQ_COL_STR(q, 7, e->agency_ref);
    COL_CODE(q, 8, ib_contract_codes, e->contract, err);
    e->start = ib_sq_col_date(q, 9);
    e->end = ib_sq_col_date(q, 10);
    e->hours_per_week = ib_sq_col_opt(q, 11, IB_CENTS_NONE);
    e->monthly_wage = ib_sq_col_opt(q, 12, IB_CENTS_NONE);
    char sector[2];
    IB_SQ_COL_STR(q, 13, sector);
    e->sector = sector[0];
    return IB_OK;
}

static int decode_hou(sqlite3_stmt *q, ib_housing *h)
{
    memset(h, 0, sizeof *h);
    decode_episode_head(q, &h->meta, &h->person_id);
    h->location_id = sqlite3_column_int64(q, 3);
    h->provided_by_id = ib_sq_col_opt(q, 4, 0);
    IB_SQ_COL_STR(q, 5, h->person_ref);
    IB_SQ_COL_STR(q, 6, h->location_ref);
    IB_SQ_COL_STR(q, 7, h->provided_by_ref);
    h->start = ib_sq_col_date(q, 8);
    h->end = ib_sq_col_date(q, 9);
    return IB_OK;
}

static int decode_evt(sqlite3_stmt *q, ib_life_event *ev, ib_err *err)
{
    memset(ev, 0, sizeof *ev);
    decode_episode_head(q, &ev->meta, &ev->person_id);
    IB_SQ_COL_STR(q, 3, ev->person_ref);
    COL_CODE(q, 4, ib_event_codes, ev->event, err);
    ev->date = ib_sq_col_date(q, 5);
    return IB_OK;
}

static int decode_con(sqlite3_stmt *q, ib_contact *c, ib_err *err)
{
    memset(c, 0, sizeof *c);
    decode_episode_head(q, &c->meta, &c->person_id);
    IB_SQ_COL_STR(q, 3, c->person_ref);
    c->date = ib_sq_col_date(q, 4);
    COL_CODE(q, 5, ib_contact_kind_codes, c->kind, err);
    COL_CODE(q, 6, ib_channel_codes, c->channel, err);
    IB_SQ_COL_STR(q, 7, c->topics);
    IB_SQ_COL_STR(q, 8, c->language);
    COL_CODE(q, 9, ib_understood_codes, c->understood, err);
    return IB_OK;
}

/* ------------------------------------------------------------ iterators */

/* One iterator context and row function per kind: decode, then call back. */
#define ITERATOR(name, type, cbtype, decode_call)                               \
    typedef struct name##_it {                                                  \
        cbtype cb;                                                              \
        void *ctx;                                                              \
        type rec;                                                               \
    } name##_it;                                                                \
    static int name##_row(ib_sqlite *s, sqlite3_stmt *q, void *itp, ib_err *err) \
    {                                                                           \
        (void)s;                                                                \
        (void)err;                                                              \
        name##_it *it = itp;                                                    \
        int rc_ = decode_call;                                                  \
        return rc_ ? rc_ : it->cb(it->ctx, &it->rec);                           \
    }

ITERATOR(org, ib_organisation, ib_organisation_cb, ib_sq_decode_org(q, &it->rec, err))
ITERATOR(loc, ib_location, ib_location_cb, ib_sq_decode_loc(q, &it->rec, err))
ITERATOR(person, ib_person, ib_person_cb, ib_sq_decode_person(s, q, &it->rec, err))
ITERATOR(stay, ib_stay, ib_stay_cb, decode_stay(q, &it->rec))
ITERATOR(reg, ib_registration, ib_registration_cb, decode_reg(q, &it->rec, err))
ITERATOR(emp, ib_employment, ib_employment_cb, decode_emp(q, &it->rec, err))
ITERATOR(hou, ib_housing, ib_housing_cb, decode_hou(q, &it->rec))
ITERATOR(evt, ib_life_event, ib_life_event_cb, decode_evt(q, &it->rec, err))
ITERATOR(con, ib_contact, ib_contact_cb, decode_con(q, &it->rec, err))

int ib_sq_each_organisation(ib_store *st, const ib_filter *f, ib_organisation_cb cb,
                            void *ctx, ib_err *err)
{
    org_it it = {.cb = cb, .ctx = ctx};
    return iterate(ib_sq(st), IB_KIND_ORGANISATION, f, org_row, &it, err);
}

int ib_sq_each_location(ib_store *st, const ib_filter *f, ib_location_cb cb,
                        void *ctx, ib_err *err)
{
    loc_it it = {.cb = cb, .ctx = ctx};
    return iterate(ib_sq(st), IB_KIND_LOCATION, f, loc_row, &it, err);
}

int ib_sq_each_person(ib_store *st, const ib_filter *f, ib_person_cb cb, void *ctx,
                      ib_err *err)
{
    person_it it = {.cb = cb, .ctx = ctx};
    int rc = iterate(ib_sq(st), IB_KIND_PERSON, f, person_row, &it, err);
    sodium_memzero(it.rec.bsn, sizeof it.rec.bsn);
    return rc;
}

int ib_sq_each_stay(ib_store *st, const ib_filter *f, ib_stay_cb cb, void *ctx,
                    ib_err *err)
{
    stay_it it = {.cb = cb, .ctx = ctx};
    return iterate(ib_sq(st), IB_KIND_STAY, f, stay_row, &it, err);
}

int ib_sq_each_registration(ib_store *st, const ib_filter *f, ib_registration_cb cb,
                            void *ctx, ib_err *err)
{
    reg_it it = {.cb = cb, .ctx = ctx};
    return iterate(ib_sq(st), IB_KIND_REGISTRATION, f, reg_row, &it, err);
}

int ib_sq_each_employment(ib_store *st, const ib_filter *f, ib_employment_cb cb,
                          void *ctx, ib_err *err)
{
    emp_it it = {.cb = cb, .ctx = ctx};
    return iterate(ib_sq(st), IB_KIND_EMPLOYMENT, f, emp_row, &it, err);
}

int ib_sq_each_housing(ib_store *st, const ib_filter *f, ib_housing_cb cb, void *ctx,
                       ib_err *err)
{
    hou_it it = {.cb = cb, .ctx = ctx};
    return iterate(ib_sq(st), IB_KIND_HOUSING, f, hou_row, &it, err);
}

int ib_sq_each_life_event(ib_store *st, const ib_filter *f, ib_life_event_cb cb,
                          void *ctx, ib_err *err)
{
    evt_it it = {.cb = cb, .ctx = ctx};
    return iterate(ib_sq(st), IB_KIND_LIFE_EVENT, f, evt_row, &it, err);
}

int ib_sq_each_contact(ib_store *st, const ib_filter *f, ib_contact_cb cb, void *ctx,
                       ib_err *err)
{
    con_it it = {.cb = cb, .ctx = ctx};
    return iterate(ib_sq(st), IB_KIND_CONTACT, f, con_row, &it, err);
}

int ib_sq_each_sender(ib_store *st, ib_sender_cb cb, void *ctx, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q = NULL;
    int rc = ib_sq_cached(s, "SELECT id, ref FROM senders ORDER BY id", &q, err);
    if (rc)
        return rc;
    int stop = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        char ref[IB_REF_MAX + 1];
        ib_sq_col_text(q, 1, ref, sizeof ref);
        if ((stop = cb(ctx, sqlite3_column_int64(q, 0), ref)) != 0)
            break;
    }
    if (!stop && rc != SQLITE_DONE)
        stop = ib_sq_error(s, rc, err);
    ib_sq_release(s, q);
    return stop;
}

/* ------------------------------------------------------------ look-ups */

/* Runs `sql` (one row type, decoded by row) with :s, :r, :i bound, for the
 * look-ups below. */
static int lookup(ib_sqlite *s, const char *sql, int64_t sender_id, const char *ref,
                  int64_t id, row_fn row, void *it, ib_err *err)
{
    sqlite3_stmt *q = NULL;
    int rc = ib_sq_cached(s, sql, &q, err);
    if (rc)
        return rc;
    int i;
    if ((i = sqlite3_bind_parameter_index(q, ":s")) > 0)
        sqlite3_bind_int64(q, i, sender_id);
    if ((i = sqlite3_bind_parameter_index(q, ":r")) > 0)
        sqlite3_bind_text(q, i, ref, -1, SQLITE_STATIC);
    if ((i = sqlite3_bind_parameter_index(q, ":i")) > 0)
        sqlite3_bind_int64(q, i, id);
    rc = run_rows(s, q, row, it, err);
    ib_sq_release(s, q);
    return rc;
}

/* Keeps the first match and counts them all (at most 2 are asked for). */
typedef struct first_it {
    void *out;
    size_t size;
    int matches;
    int (*decode)(ib_sqlite *s, sqlite3_stmt *q, void *rec, ib_err *err);
} first_it;

static int first_row(ib_sqlite *s, sqlite3_stmt *q, void *itp, ib_err *err)
{
    first_it *it = itp;
    if (it->matches++ > 0)
        return 0;
    return it->decode(s, q, it->out, err);
}

static int dec_person(ib_sqlite *s, sqlite3_stmt *q, void *rec, ib_err *err)
{
    return ib_sq_decode_person(s, q, rec, err);
}

static int dec_loc(ib_sqlite *s, sqlite3_stmt *q, void *rec, ib_err *err)
{
    (void)s;
    return ib_sq_decode_loc(q, rec, err);
}

static int dec_org(ib_sqlite *s, sqlite3_stmt *q, void *rec, ib_err *err)
{
    (void)s;
    return ib_sq_decode_org(q, rec, err);
}

/* By ref within one sender, or (sender 0) within every sender: the IN list
 * lets the (sender_id, ref) index serve both. */
static int get_by_ref(ib_sqlite *s, ib_kind kind, int64_t sender_id, const char *ref,
                      first_it *it, const char *noun, ib_err *err)
{
    char sql[1024];
    int n = snprintf(sql, sizeof sql, "SELECT %s WHERE %s AND x.ref = :r"
                     " ORDER BY x.sender_id LIMIT 2", read_specs[kind].select,
                     sender_id ? "x.sender_id = :s"
                               : "x.sender_id IN (SELECT id FROM senders)");
    if (n < 0 || (size_t)n >= sizeof sql)
        return ib_err_set(err, IB_ELIMIT, "zoekvraag te lang");
    int rc = lookup(s, sql, sender_id, ref, 0, first_row, it, err);
    if (rc)
        return rc;
    if (it->matches == 0)
        return ib_err_set(err, IB_ENOTFOUND, "%s '%s' niet gevonden", noun, ref);
    if (it->matches > 1)
        return ib_err_set(err, IB_ECONFLICT, "%s '%s' komt bij meer afzenders voor; "
                          "kies de afzender met --sender", noun, ref);
    return IB_OK;
}

int ib_sq_get_person(ib_store *st, int64_t sender_id, const char *ref,
                     ib_person *out, ib_err *err)
{
    first_it it = {out, sizeof *out, 0, dec_person};
    return get_by_ref(ib_sq(st), IB_KIND_PERSON, sender_id, ref, &it, "persoon", err);
}

int ib_sq_get_location(ib_store *st, int64_t sender_id, const char *ref,
                       ib_location *out, ib_err *err)
{
    first_it it = {out, sizeof *out, 0, dec_loc};
    return get_by_ref(ib_sq(st), IB_KIND_LOCATION, sender_id, ref, &it, "locatie",
                      err);
}

int ib_sq_get_organisation_by_id(ib_store *st, int64_t id, ib_organisation *out,
                                 ib_err *err)
{
    first_it it = {out, sizeof *out, 0, dec_org};
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT %s WHERE x.id = :i",
             read_specs[IB_KIND_ORGANISATION].select);
    int rc = lookup(ib_sq(st), sql, 0, "", id, first_row, &it, err);
    if (rc == IB_OK && it.matches == 0)
        rc = ib_err_set(err, IB_ENOTFOUND, "organisatie %lld niet gevonden",
                        (long long)id);
    return rc;
}

int ib_sq_find_person_by_bsn_hash(ib_store *st, int64_t hash, ib_person_cb cb,
                                  void *ctx, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT %s WHERE x.bsn_hash = ?1 AND x.bsn_hash"
             " IS NOT NULL ORDER BY x.sender_id, x.id",
             read_specs[IB_KIND_PERSON].select);
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &q, NULL);
    if (rc != SQLITE_OK)
        return ib_sq_error(s, rc, err);
    sqlite3_bind_int64(q, 1, hash);
    person_it it = {.cb = cb, .ctx = ctx};
    rc = run_rows(s, q, person_row, &it, err);
    sqlite3_finalize(q);
    sodium_memzero(it.rec.bsn, sizeof it.rec.bsn);
    return rc;
}

/* ------------------------------------------------------------ counts, audit */

int ib_sq_count(ib_store *st, ib_store_counts *out, ib_err *err)
{
    static const char *const sql =
        "SELECT (SELECT count(*) FROM senders), (SELECT count(*) FROM organisations),"
        " (SELECT count(*) FROM locations), (SELECT count(*) FROM persons),"
        " (SELECT count(*) FROM stays), (SELECT count(*) FROM registrations),"
        " (SELECT count(*) FROM employments), (SELECT count(*) FROM housings),"
        " (SELECT count(*) FROM life_events), (SELECT count(*) FROM contacts),"
        " (SELECT count(*) FROM audit)";
    ib_sqlite *s = ib_sq(st);
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &q, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        out->senders = sqlite3_column_int64(q, 0);
        for (int k = 0; k < IB_KIND_COUNT; k++)   /* columns in ib_kind order */
            out->rows[k] = sqlite3_column_int64(q, 1 + k);
        out->audit_entries = sqlite3_column_int64(q, 1 + IB_KIND_COUNT);
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_ROW)
        return ib_sq_error(s, rc, err);
    bool present;
    int found = ib_sq_reads_existing(s, &present, err);
    if (found != IB_OK || !present)
        return found;
    rc = sqlite3_prepare_v2(s->reads, "SELECT count(*) FROM audit", -1, &q, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW)
        out->audit_reads = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return rc == SQLITE_ROW ? IB_OK : ib_sq_reads_error(s, rc, err);
}

int ib_sq_audit_scan(ib_store *st, ib_audit_log log, int64_t person_id,
                     ib_audit_row_cb cb, void *ctx, ib_err *err)
{
    ib_sqlite *s = ib_sq(st);
    sqlite3 *db = s->db;
    if (log == IB_AUDIT_READS) {
        bool present;
        int found = ib_sq_reads_existing(s, &present, err);
        if (found != IB_OK || !present)
            return found;
        db = s->reads;
    }
    sqlite3_stmt *q = NULL;
    const char *sql =
        log == IB_AUDIT_READS
            ? (person_id ? ib_sq_reads_by_person
                         : "SELECT id, at, actor, action, entity, entity_id, person_id,"
                           " detail, hash, purpose_hash FROM audit ORDER BY id")
        : person_id ? "SELECT id, at, actor, action, entity, entity_id, person_id,"
                      " detail, hash, NULL FROM audit WHERE person_id = ?1 ORDER BY id"
                    : "SELECT id, at, actor, action, entity, entity_id, person_id,"
                      " detail, hash, NULL FROM audit ORDER BY id";
    int rc = sqlite3_prepare_v2(db, sql, -1, &q, NULL);
    if (rc != SQLITE_OK)
        return db == s->db ? ib_sq_error(s, rc, err) : ib_sq_reads_error(s, rc, err);
    if (person_id)
        sqlite3_bind_int64(q, 1, person_id);
    int stop = 0;
    ib_audit_row row;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        memset(&row, 0, sizeof row);
        row.e.id = sqlite3_column_int64(q, 0);
        IB_SQ_COL_STR(q, 1, row.e.at);
        IB_SQ_COL_STR(q, 2, row.e.actor);
        IB_SQ_COL_STR(q, 3, row.e.action);
        IB_SQ_COL_STR(q, 4, row.e.entity);
        row.e.entity_id = sqlite3_column_int64(q, 5);
        row.e.person_id = sqlite3_column_int64(q, 6);
        IB_SQ_COL_STR(q, 7, row.e.detail);
        IB_SQ_COL_STR(q, 8, row.hash);
        IB_SQ_COL_STR(q, 9, row.purpose_hash);
        if ((stop = cb(ctx, &row, err)) != 0)
            break;
    }
    if (!stop && rc != SQLITE_DONE)
        stop = db == s->db ? ib_sq_error(s, rc, err) : ib_sq_reads_error(s, rc, err);
    sqlite3_finalize(q);
    return stop;
}
