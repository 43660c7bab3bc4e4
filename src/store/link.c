/* link.c — one person across the chain, the generic layer: arguments
 * checked, the transaction opened where the caller has none, then the
 * backend (docs/linkage.md). */
#include "store/store_internal.h"

#include <string.h>

const ib_code_name ib_link_rule_codes[] = {
    {IB_LINK_OWN, ""}, {IB_LINK_BSN, "bsn"}, {IB_LINK_IDENTITY, "identity"},
    {IB_LINK_MANUAL, "manual"}, {0, NULL}};

const ib_code_name ib_review_state_codes[] = {
    {IB_REVIEW_OPEN, "open"}, {IB_REVIEW_LINKED, "linked"},
    {IB_REVIEW_DIFFERENT, "different"}, {0, NULL}};

static bool has_text(const char *s)
{
    return s && s[strspn(s, " \t\r\n")];
}

const char *const ib_person_diff_names[IB_DIFF_COUNT] = {
    "birth_date", "sex", "nationality", "category", "names"};

static bool same_name(const char *a, const char *b)
{
    char na[IB_NAME_NORM_MAX], nb[IB_NAME_NORM_MAX];
    if (ib_name_normalise(a, na, sizeof na) != IB_OK ||
        ib_name_normalise(b, nb, sizeof nb) != IB_OK)
        return strcmp(a, b) == 0;
    return strcmp(na, nb) == 0;
}

unsigned ib_person_differences(const ib_person *a, const ib_person *b)
{
    unsigned d = 0;
    if (a->birth_date != b->birth_date)
        d |= IB_DIFF_BIRTH_DATE;
    if (a->sex != b->sex && a->sex != IB_SEX_UNKNOWN && b->sex != IB_SEX_UNKNOWN)
        d |= IB_DIFF_SEX;
    if (strcmp(a->nationality, b->nationality) != 0)
        d |= IB_DIFF_NATIONALITY;
    if (a->category != b->category)
        d |= IB_DIFF_CATEGORY;
    if (!same_name(a->family_name, b->family_name) ||
        !same_name(a->given_names, b->given_names))
        d |= IB_DIFF_NAMES;
    return d;
}

int ib_store_resolve_person(ib_store *st, int64_t id, int64_t *current, ib_err *err)
{
    ib_err_clear(err);
    if (id <= 0)
        return ib_err_set(err, IB_ENOTFOUND, "persoon %lld bestaat niet", (long long)id);
    return st->ops->resolve_person(st, id, current, err);
}

int ib_store_each_record(ib_store *st, int64_t person_id, int64_t sender_id,
                         ib_person_record_cb cb, void *ctx, ib_err *err)
{
    ib_err_clear(err);
    return st->ops->each_record(st, person_id, sender_id, cb, ctx, err);
}

int ib_store_person_of_record(ib_store *st, int64_t record_id, int64_t *person_id,
                              ib_err *err)
{
    ib_err_clear(err);
    return st->ops->person_of_record(st, record_id, person_id, err);
}

typedef struct link_args {
    int64_t a, b;
    const char *reason;
    int64_t *out;
    bool same;
} link_args;

static int do_link(ib_store *st, void *p, ib_err *err)
{
    link_args *a = p;
    return st->ops->link_persons(st, a->a, a->b, a->reason, a->out, err);
}

int ib_store_link_persons(ib_store *st, int64_t a, int64_t b, const char *reason,
                          int64_t *into, ib_err *err)
{
    ib_err_clear(err);
    if (!has_text(reason))
        return ib_err_set(err, IB_EINVAL, "geef de reden van het koppelen");
    link_args args = {a, b, reason, into, false};
    return ib_store_in_tx(st, do_link, &args, err);
}

static int do_unlink(ib_store *st, void *p, ib_err *err)
{
    link_args *a = p;
    return st->ops->unlink_record(st, a->a, a->reason, a->out, err);
}

int ib_store_unlink_record(ib_store *st, int64_t record_id, const char *reason,
                           int64_t *person_id, ib_err *err)
{
    ib_err_clear(err);
    if (!has_text(reason))
        return ib_err_set(err, IB_EINVAL, "geef de reden van het ontkoppelen");
    link_args args = {record_id, 0, reason, person_id, false};
    return ib_store_in_tx(st, do_unlink, &args, err);
}

int ib_store_each_review(ib_store *st, int state, ib_review_cb cb, void *ctx,
                         ib_err *err)
{
    ib_err_clear(err);
    return st->ops->each_review(st, state, 0, cb, ctx, err);
}

static int copy_review(void *ctx, const ib_link_review *r)
{
    *(ib_link_review *)ctx = *r;
    return 1;
}

int ib_store_get_review(ib_store *st, int64_t id, ib_link_review *out, ib_err *err)
{
    ib_err_clear(err);
    memset(out, 0, sizeof *out);
    int rc = id > 0 ? st->ops->each_review(st, -1, id, copy_review, out, err) : 0;
    if (rc < 0)
        return rc;
    if (rc == 0)
        return ib_err_set(err, IB_ENOTFOUND, "paar %lld bestaat niet", (long long)id);
    return IB_OK;
}

static int do_decide(ib_store *st, void *p, ib_err *err)
{
    link_args *a = p;
    ib_link_review r;
    int rc = ib_store_get_review(st, a->a, &r, err);
    if (rc)
        return rc;
    if (r.state != IB_REVIEW_OPEN)
        return ib_err_set(err, IB_ECONFLICT, "paar %lld is al beoordeeld (%s)",
                          (long long)r.id, ib_code_text(ib_review_state_codes, (int)r.state));
    return st->ops->decide_review(st, &r, a->same, a->reason, err);
}

int ib_store_decide_review(ib_store *st, int64_t id, bool same, const char *reason,
                           ib_err *err)
{
    ib_err_clear(err);
    if (!has_text(reason))
        return ib_err_set(err, IB_EINVAL, "geef de reden van het besluit");
    link_args args = {id, 0, reason, NULL, same};
    return ib_store_in_tx(st, do_decide, &args, err);
}
