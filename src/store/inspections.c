/* inspections.c — housing inspections (date, inspector, findings, persons
 * found, outcome) with audited writes, and the scoped look-ups the API needs:
 * one page of persons within a sender and/or municipalities, and records by
 * their store id. */
#include "store/store_internal.h"

#include <stdio.h>
#include <string.h>

const ib_code_name ib_outcome_codes[] = {
    {IB_OUTCOME_COMPLIANT, "compliant"}, {IB_OUTCOME_DEFECTS, "defects"},
    {IB_OUTCOME_VIOLATION, "violation"}, {IB_OUTCOME_NO_ACCESS, "no_access"},
    {0, NULL}};

/* ------------------------------------------------------------ inspections */

static int audit_inspection(ib_store *st, const char *action, int64_t id,
                            int64_t location_id, ib_err *err)
{
    ib_audit_entry e = {.entity_id = id};
    ib_strlcpy(e.action, action, sizeof e.action);
    ib_strlcpy(e.entity, "inspection", sizeof e.entity);
    snprintf(e.detail, sizeof e.detail, "inspectie %lld van locatie %lld",
             (long long)id, (long long)location_id);
    return ib_store_audit(st, &e, err);
}

static int check_inspection(const ib_inspection *in, ib_err *err)
{
    if (in->date == IB_DATE_NONE)
        return ib_err_set_at(err, IB_EINVAL, 0, 0, "date", "datum ontbreekt");
    size_t n = strnlen(in->inspector, sizeof in->inspector);
    if (n == 0 || n == sizeof in->inspector)
        return ib_err_set_at(err, IB_EINVAL, 0, 0, "inspector",
                             "inspecteur ontbreekt of is te lang");
    if (strnlen(in->findings, sizeof in->findings) == sizeof in->findings)
        return ib_err_set_at(err, IB_EINVAL, 0, 0, "findings",
                             "bevindingen te lang (hoogstens %d tekens)",
                             IB_FINDINGS_MAX);
    if (in->persons_found < -1)
        return ib_err_set_at(err, IB_EINVAL, 0, 0, "persons_found",
                             "aantal aangetroffen personen kan niet negatief zijn");
    if (!ib_code_text(ib_outcome_codes, (int)in->outcome)[0])
        return ib_err_set_at(err, IB_EINVAL, 0, 0, "outcome", "onbekende uitkomst");
    return IB_OK;
}

static int inspection_put_tx(ib_store *st, ib_inspection *in, ib_err *err)
{
    ib_location l;
    int rc = ib_store_get_location_by_id(st, in->location_id, &l, err);
    if (rc)
        return rc;
    bool insert = in->id == 0;
    if ((rc = st->ops->inspection_write(st, in, err)) != IB_OK)
        return rc;
    return audit_inspection(st, insert ? "insert" : "update", in->id,
                            in->location_id, err);
}

int ib_inspection_put(ib_store *st, ib_inspection *in, ib_err *err)
{
    ib_err_clear(err);
    int rc = check_inspection(in, err);
    if (rc)
        return rc;
    if (st->in_tx)
        return inspection_put_tx(st, in, err);
    int64_t id_before = in->id;
    if ((rc = ib_store_begin(st, err)) != IB_OK)
        return rc;
    rc = inspection_put_tx(st, in, err);
    if (rc == IB_OK)
        return ib_store_commit(st, err);
    ib_err keep = err ? *err : (ib_err){0};
    ib_store_rollback(st, NULL);
    in->id = id_before;
    if (err)
        *err = keep;
    return rc;
}

int ib_inspection_get(ib_store *st, int64_t id, ib_inspection *out, ib_err *err)
{
    ib_err_clear(err);
    return st->ops->inspection_get(st, id, out, err);
}

static int inspection_delete_tx(ib_store *st, int64_t id, ib_err *err)
{
    int64_t n = 0;
    int rc = st->ops->inspection_delete(st, id, &n, err);
    if (rc == IB_OK && n == 0)
        rc = ib_err_set(err, IB_ENOTFOUND, "inspectie %lld bestaat niet", (long long)id);
    if (rc == IB_OK)
        rc = audit_inspection(st, "delete", id, 0, err);
    return rc;
}

int ib_inspection_delete(ib_store *st, int64_t id, ib_err *err)
{
    ib_err_clear(err);
    if (st->in_tx)
        return inspection_delete_tx(st, id, err);
    int rc = ib_store_begin(st, err);
    if (rc)
        return rc;
    rc = inspection_delete_tx(st, id, err);
    if (rc == IB_OK)
        return ib_store_commit(st, err);
    ib_err keep = err ? *err : (ib_err){0};
    ib_store_rollback(st, NULL);
    if (err)
        *err = keep;
    return rc;
}

int ib_inspection_each(ib_store *st, int64_t location_id, ib_inspection_cb cb,
                       void *ctx, ib_err *err)
{
    ib_err_clear(err);
    return st->ops->inspection_each(st, location_id, cb, ctx, err);
}

/* ------------------------------------------------------------ look-ups */

/* ["GM0518","GM0599"]: the scope as a bound JSON parameter. */
static int munis_json(const char (*munis)[7], int n, char *out, size_t size,
                      ib_err *err)
{
    size_t len = 0;
    out[len++] = '[';
    for (int i = 0; i < n; i++) {
        if (!ib_municipality_is_valid(munis[i], strnlen(munis[i], 7)))
            return ib_err_set(err, IB_EINVAL, "ongeldige gemeentecode in de scope");
        if (len + 12 >= size)
            return ib_err_set(err, IB_ELIMIT, "te veel gemeenten in de scope");
        len += (size_t)snprintf(out + len, size - len, "%s\"%s\"", i ? "," : "",
                                munis[i]);
    }
    out[len++] = ']';
    out[len] = '\0';
    return IB_OK;
}

int ib_store_query_persons(ib_store *st, const ib_person_query *q,
                           ib_person_cb cb, void *ctx, int64_t *total,
                           ib_err *err)
{
    ib_err_clear(err);
    *total = 0;
    char json[IB_USER_MUNIS_MAX * 10 + 4];
    if (q->municipalities) {
        if (q->nmunicipalities > IB_USER_MUNIS_MAX)
            return ib_err_set(err, IB_ELIMIT, "te veel gemeenten in de scope");
        int rc = munis_json(q->municipalities, q->nmunicipalities, json,
                            sizeof json, err);
        if (rc)
            return rc;
    }
    if (q->limit < 0 || q->offset < 0)
        return ib_err_set(err, IB_EINVAL, "limit en offset kunnen niet negatief zijn");
    return st->ops->query_persons(st, q, q->municipalities ? json : NULL, cb, ctx,
                                  total, err);
}

int ib_store_person_in_municipalities(ib_store *st, int64_t person_id,
                                      const char (*munis)[7], int n,
                                      bool *in, ib_err *err)
{
    *in = false;
    if (person_id <= 0)
        return IB_OK;
    ib_person_query q = {.person_id = person_id, .municipalities = munis,
                         .nmunicipalities = n};
    int64_t total = 0;
    int rc = ib_store_query_persons(st, &q, NULL, NULL, &total, err);
    *in = rc == IB_OK && total > 0;
    return rc;
}

typedef struct copy_ctx {
    void *out;
    size_t size;
    bool found;
} copy_ctx;

static int copy_location(void *ctx, const ib_location *l)
{
    copy_ctx *c = ctx;
    memcpy(c->out, l, sizeof *l);
    c->found = true;
    return 1;
}

int ib_store_get_location_by_id(ib_store *st, int64_t id, ib_location *out,
                                ib_err *err)
{
    ib_err_clear(err);
    if (id <= 0)
        return ib_err_set(err, IB_ENOTFOUND, "locatie %lld bestaat niet", (long long)id);
    ib_filter f = {.location_id = id};
    copy_ctx c = {out, sizeof *out, false};
    int rc = st->ops->each_location(st, &f, copy_location, &c, err);
    if (rc < 0)
        return rc;
    return c.found ? IB_OK
                   : ib_err_set(err, IB_ENOTFOUND, "locatie %lld bestaat niet",
                                (long long)id);
}

/* The record a person's fixed attributes come from (docs/linkage.md): one
 * with a BSN before one without, then the one updated last. */
typedef struct best_record {
    ib_person *out;
    ib_person_record best;
    bool found;
} best_record;

static int keep_best_record(void *ctx, const ib_person_record *r)
{
    best_record *b = ctx;
    bool has = r->p.bsn[0] != '\0', best_has = b->best.p.bsn[0] != '\0';
    if (!b->found || (has && !best_has) ||
        (has == best_has && (r->updated_at > b->best.updated_at ||
                             (r->updated_at == b->best.updated_at &&
                              r->p.meta.id > b->best.p.meta.id)))) {
        b->best = *r;
        b->found = true;
        *b->out = r->p;
    }
    return 0;
}

int ib_store_get_person_by_id(ib_store *st, int64_t id, ib_person *out,
                              ib_err *err)
{
    ib_err_clear(err);
    if (id <= 0)
        return ib_err_set(err, IB_ENOTFOUND, "persoon %lld bestaat niet", (long long)id);
    int64_t current;
    int rc = ib_store_resolve_person(st, id, &current, err);
    if (rc)
        return rc;
    best_record b = {.out = out};
    rc = ib_store_each_record(st, current, 0, keep_best_record, &b, err);
    sodium_memzero(b.best.p.bsn, sizeof b.best.p.bsn);
    return rc;
}
