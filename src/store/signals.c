/* signals.c — the store's side of the inbox of signals: checks of what is
 * written, the transactions and the audit entries of every write (a signal
 * made or changed, a setting, an evaluation, a team, a member, a route).
 * What the states mean and which changes are allowed is src/signals'. */
#include "store/store_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const ib_code_name ib_signal_state_codes[] = {
    {IB_SIGNAL_OPEN, "open"}, {IB_SIGNAL_IN_PROGRESS, "in_progress"},
    {IB_SIGNAL_DONE, "done"}, {IB_SIGNAL_UNFOUNDED, "unfounded"},
    {IB_SIGNAL_LAPSED, "lapsed"}, {0, NULL}};

const ib_code_name ib_owner_kind_codes[] = {
    {IB_OWNER_NONE, ""}, {IB_OWNER_USER, "user"}, {IB_OWNER_TEAM, "team"}, {0, NULL}};

#define TEAM_MEMBERS_MAX 4096

/* ------------------------------------------------------------ checks */

/* A code: 1 to IB_SIGNAL_CODE_MAX of a-z, 0-9 and '_' (empty allowed when
 * may_be_empty). */
static bool code_is_valid(const char *s, bool may_be_empty)
{
    size_t n = strnlen(s, IB_SIGNAL_CODE_MAX + 1);
    if (n > IB_SIGNAL_CODE_MAX || (n == 0 && !may_be_empty))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    return true;
}

static bool municipality_or_empty(const char *m)
{
    return m[0] == '\0' || ib_municipality_is_valid(m, strnlen(m, 7));
}

static int check_row(const ib_signal_row *r, ib_err *err)
{
    if (!code_is_valid(r->kind, false))
        return ib_err_set_at(err, IB_EINVAL, 0, 0, "kind", "ongeldige soort van signaal");
    if (r->subject_id <= 0 || r->subject_sender_id <= 0 || !r->subject_ref[0])
        return ib_err_set_at(err, IB_EINVAL, 0, 0, "subject", "onderwerp ontbreekt");
    if (strnlen(r->key, sizeof r->key) == sizeof r->key)
        return ib_err_set_at(err, IB_EINVAL, 0, 0, "key", "sleutel te lang");
    if (!municipality_or_empty(r->municipality))
        return ib_err_set_at(err, IB_EINVAL, 0, 0, "municipality",
                             "ongeldige gemeentecode");
    if (!ib_code_is_known(ib_signal_state_codes, (int)r->state))
        return ib_err_set_at(err, IB_EINVAL, 0, 0, "state", "onbekende status");
    if (!ib_code_is_known(ib_owner_kind_codes, (int)r->owner.kind) ||
        (r->owner.kind == IB_OWNER_NONE) != (r->owner.id == 0))
        return ib_err_set_at(err, IB_EINVAL, 0, 0, "owner", "ongeldige eigenaar");
    if (!code_is_valid(r->outcome, true))
        return ib_err_set_at(err, IB_EINVAL, 0, 0, "outcome", "ongeldige uitkomst");
    if (strnlen(r->reason, sizeof r->reason) == sizeof r->reason)
        return ib_err_set_at(err, IB_EINVAL, 0, 0, "reason", "reden te lang");
    if (r->since == IB_DATE_NONE || r->due == IB_DATE_NONE ||
        r->first_found == IB_DATE_NONE || r->last_found == IB_DATE_NONE)
        return ib_err_set_at(err, IB_EINVAL, 0, 0, "date", "datum ontbreekt");
    return IB_OK;
}

/* ------------------------------------------------------------ audit */

static int audit(ib_store *st, const char *actor, const char *action, const char *entity,
                 int64_t id, int64_t person_id, const char *detail, ib_err *err)
{
    ib_audit_entry e = {.entity_id = id, .person_id = person_id};
    if (actor)
        ib_strlcpy(e.actor, actor, sizeof e.actor);
    ib_strlcpy(e.action, action, sizeof e.action);
    ib_strlcpy(e.entity, entity, sizeof e.entity);
    ib_strlcpy(e.detail, detail, sizeof e.detail);
    return ib_store_audit(st, &e, err);
}

/* "signaal 12 (not_registered): open -> in_progress; eigenaar user:jansen":
 * ids and codes only (a reason is free text about a person). */
static int audit_change(ib_store *st, const ib_signal_row *r, const ib_signal_change *c,
                        ib_err *err)
{
    char detail[256];
    snprintf(detail, sizeof detail, "signaal %" PRId64 " (%s): %s -> %s%s%s", r->id,
             r->kind, c->from < 0 ? "nieuw" : ib_code_text(ib_signal_state_codes, c->from),
             ib_code_text(ib_signal_state_codes, (int)c->to),
             c->owner[0] ? "; eigenaar " : "", c->owner);
    return audit(st, c->actor, c->from < 0 ? "insert" : "update", "signal", r->id,
                 r->location ? 0 : r->subject_id, detail, err);
}

/* ------------------------------------------------------------ signals */

typedef struct write_arg {
    ib_signal_row *row;
    const ib_signal_change *ch;
    bool insert;
} write_arg;

static int write_tx(ib_store *st, void *argp, ib_err *err)
{
    write_arg *a = argp;
    int rc = st->ops->signal_write(st, a->row, a->insert, err);
    if (rc || !a->ch)
        return rc;
    ib_signal_change c = *a->ch;
    c.signal_id = a->row->id;
    ib_audit_now(c.at);
    if (!c.actor[0])
        ib_strlcpy(c.actor, st->actor, sizeof c.actor);
    if ((rc = st->ops->signal_change_add(st, &c, err)) != IB_OK)
        return rc;
    return audit_change(st, a->row, &c, err);
}

static int check_change(const ib_signal_change *ch, ib_err *err)
{
    if (ch->day == IB_DATE_NONE || !ch->why[0] ||
        !ib_code_is_known(ib_signal_state_codes, (int)ch->to) ||
        (ch->from != -1 && !ib_code_is_known(ib_signal_state_codes, ch->from)))
        return ib_err_set(err, IB_EINVAL, "onvolledige regel voor de geschiedenis");
    return IB_OK;
}

int ib_store_signal_insert(ib_store *st, ib_signal_row *row, const ib_signal_change *ch,
                           ib_err *err)
{
    ib_err_clear(err);
    int rc = check_row(row, err);
    if (rc)
        return rc;
    if (!ch || ch->from != -1)
        return ib_err_set(err, IB_EINVAL, "een nieuw signaal begint zijn geschiedenis");
    if ((rc = check_change(ch, err)) != IB_OK)
        return rc;
    write_arg a = {row, ch, true};
    int64_t id_before = row->id;
    row->id = 0;
    rc = ib_store_in_tx(st, write_tx, &a, err);
    if (rc)
        row->id = id_before;
    return rc;
}

int ib_store_signal_update(ib_store *st, const ib_signal_row *row,
                           const ib_signal_change *ch, ib_err *err)
{
    ib_err_clear(err);
    int rc = check_row(row, err);
    if (rc)
        return rc;
    if (row->id <= 0)
        return ib_err_set(err, IB_ENOTFOUND, "signaal bestaat niet");
    if (ch && (rc = check_change(ch, err)) != IB_OK)
        return rc;
    ib_signal_row copy = *row;
    write_arg a = {&copy, ch, false};
    return ib_store_in_tx(st, write_tx, &a, err);
}

/* The ids as JSON arrays of at most MARK_CHUNK, one statement each. */
#define MARK_CHUNK 8192

typedef struct mark_arg {
    const int64_t *ids;
    size_t n;
    ib_date day;
} mark_arg;

static int mark_tx(ib_store *st, void *argp, ib_err *err)
{
    mark_arg *a = argp;
    size_t size = MARK_CHUNK * 21 + 3;
    char *json = malloc(size);
    if (!json)
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    int rc = IB_OK;
    for (size_t at = 0; rc == IB_OK && at < a->n; at += MARK_CHUNK) {
        size_t len = 0, end = at + MARK_CHUNK < a->n ? at + MARK_CHUNK : a->n;
        json[len++] = '[';
        for (size_t i = at; i < end; i++)
            len += (size_t)snprintf(json + len, size - len, "%s%" PRId64, i > at ? "," : "",
                                    a->ids[i]);
        json[len++] = ']';
        json[len] = '\0';
        rc = st->ops->signal_mark_found(st, json, a->day, err);
    }
    free(json);
    return rc;
}

int ib_store_signal_mark_found(ib_store *st, const int64_t *ids, size_t n, ib_date day,
                               ib_err *err)
{
    ib_err_clear(err);
    if (day == IB_DATE_NONE)
        return ib_err_set(err, IB_EINVAL, "geen datum");
    if (n == 0)
        return IB_OK;
    mark_arg a = {ids, n, day};
    return ib_store_in_tx(st, mark_tx, &a, err);
}

typedef struct copy_row {
    ib_signal_row *out;
    bool found;
} copy_row;

static int copy_one(void *ctx, const ib_signal_row *r)
{
    copy_row *c = ctx;
    *c->out = *r;
    c->found = true;
    return 1;
}

int ib_store_signal_get(ib_store *st, int64_t id, ib_signal_row *out, ib_err *err)
{
    ib_err_clear(err);
    if (id <= 0)
        return ib_err_set(err, IB_ENOTFOUND, "signaal %" PRId64 " bestaat niet", id);
    ib_signal_query q = {.persons = true, .locations = true, .id = id, .limit = 1,
                         .overdue_on = IB_DATE_NONE};
    copy_row c = {out, false};
    int64_t total = 0;
    int rc = st->ops->signal_query(st, &q, NULL, copy_one, &c, &total, err);
    if (rc < 0)
        return rc;
    return c.found ? IB_OK
                   : ib_err_set(err, IB_ENOTFOUND, "signaal %" PRId64 " bestaat niet", id);
}

int ib_store_signal_each(ib_store *st, ib_signal_row_cb cb, void *ctx, ib_err *err)
{
    ib_err_clear(err);
    return st->ops->signal_each(st, cb, ctx, err);
}

int ib_store_signal_each_change(ib_store *st, int64_t signal_id, ib_signal_change_cb cb,
                                void *ctx, ib_err *err)
{
    ib_err_clear(err);
    return st->ops->signal_each_change(st, signal_id, cb, ctx, err);
}

/* ["GM0518","GM0599"]: the scope as a bound JSON parameter. */
static int munis_json(const char (*munis)[7], int n, char *out, size_t size, ib_err *err)
{
    size_t len = 0;
    out[len++] = '[';
    for (int i = 0; i < n; i++) {
        if (!ib_municipality_is_valid(munis[i], strnlen(munis[i], 7)))
            return ib_err_set(err, IB_EINVAL, "ongeldige gemeentecode in de scope");
        if (len + 12 >= size)
            return ib_err_set(err, IB_ELIMIT, "te veel gemeenten in de scope");
        len += (size_t)snprintf(out + len, size - len, "%s\"%s\"", i ? "," : "", munis[i]);
    }
    out[len++] = ']';
    out[len] = '\0';
    return IB_OK;
}

int ib_store_signal_query(ib_store *st, const ib_signal_query *q, ib_signal_row_cb cb,
                          void *ctx, int64_t *total, ib_err *err)
{
    ib_err_clear(err);
    *total = 0;
    char json[IB_USER_MUNIS_MAX * 10 + 4];
    if (q->municipalities) {
        if (q->nmunicipalities < 0 || q->nmunicipalities > IB_USER_MUNIS_MAX)
            return ib_err_set(err, IB_ELIMIT, "te veel gemeenten in de scope");
        int rc = munis_json(q->municipalities, q->nmunicipalities, json, sizeof json, err);
        if (rc)
            return rc;
    }
    if (q->limit < 0 || q->offset < 0)
        return ib_err_set(err, IB_EINVAL, "limit en offset kunnen niet negatief zijn");
    if (!q->persons && !q->locations)
        return IB_OK;
    return st->ops->signal_query(st, q, q->municipalities ? json : NULL, cb, ctx, total,
                                 err);
}

/* ------------------------------------------------------------ settings */

int ib_store_signal_settings_each(ib_store *st, ib_setting_cb cb, void *ctx, ib_err *err)
{
    ib_err_clear(err);
    return st->ops->signal_settings_each(st, cb, ctx, err);
}

typedef struct setting_arg {
    const char *name;
    int64_t value;
} setting_arg;

static int setting_tx(ib_store *st, void *argp, ib_err *err)
{
    setting_arg *a = argp;
    int64_t old = 0;
    bool had = false;
    int rc = st->ops->signal_setting_put(st, a->name, a->value, &old, &had, err);
    if (rc)
        return rc;
    char detail[128], was[24] = "standaard";
    if (had)
        snprintf(was, sizeof was, "%" PRId64, old);
    snprintf(detail, sizeof detail, "%s: %s -> %" PRId64, a->name, was, a->value);
    return audit(st, NULL, "update", "signal_setting", 0, 0, detail, err);
}

int ib_store_signal_setting_set(ib_store *st, const char *name, int64_t value, ib_err *err)
{
    ib_err_clear(err);
    size_t n = name ? strnlen(name, 64) : 0;
    if (n == 0 || n == 64)
        return ib_err_set(err, IB_EINVAL, "naam van de instelling ontbreekt of is te lang");
    setting_arg a = {name, value};
    return ib_store_in_tx(st, setting_tx, &a, err);
}

/* ------------------------------------------------------------ evaluations */

static int evaluation_tx(ib_store *st, void *argp, ib_err *err)
{
    ib_signal_evaluation *ev = argp;
    int rc = st->ops->signal_evaluation_add(st, ev, err);
    if (rc)
        return rc;
    char day[IB_DATE_STRLEN], detail[256];
    snprintf(detail, sizeof detail,
             "evaluatie op %s: %" PRId64 " actief, %" PRId64 " nieuw, %" PRId64
             " vervallen, %" PRId64 " heropend, %" PRId64 " bijgewerkt",
             ib_date_format(ev->day, day), ev->found, ev->opened, ev->lapsed,
             ev->reopened, ev->updated);
    return audit(st, ev->actor, "evaluate", "signals", ev->id, 0, detail, err);
}

int ib_store_signal_evaluation_add(ib_store *st, ib_signal_evaluation *ev, ib_err *err)
{
    ib_err_clear(err);
    if (ev->day == IB_DATE_NONE)
        return ib_err_set(err, IB_EINVAL, "evaluatie zonder datum");
    ib_audit_now(ev->at);
    if (!ev->actor[0])
        ib_strlcpy(ev->actor, st->actor, sizeof ev->actor);
    return ib_store_in_tx(st, evaluation_tx, ev, err);
}

int ib_store_signal_evaluation_last(ib_store *st, ib_signal_evaluation *out, bool *found,
                                    ib_err *err)
{
    ib_err_clear(err);
    return st->ops->signal_evaluation_last(st, out, found, err);
}

/* ------------------------------------------------------------ teams */

/* As user names: 1-64 letters, digits, '.', '-', '_' or '@'. */
static bool team_name_is_valid(const char *name)
{
    size_t n = name ? strnlen(name, IB_USERNAME_MAX + 1) : 0;
    if (n == 0 || n > IB_USERNAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_' || c == '@'))
            return false;
    }
    return true;
}

static int team_add_tx(ib_store *st, void *argp, ib_err *err)
{
    ib_team *t = argp;
    int rc = st->ops->team_insert(st, t, err);
    if (rc)
        return rc;
    char detail[128];
    snprintf(detail, sizeof detail, "team %s", t->name);
    return audit(st, NULL, "insert", "team", t->id, 0, detail, err);
}

int ib_team_add(ib_store *st, ib_team *t, ib_err *err)
{
    ib_err_clear(err);
    if (!team_name_is_valid(t->name))
        return ib_err_set(err, IB_EINVAL, "ongeldige teamnaam: 1 tot %d letters, "
                          "cijfers, '.', '-', '_' of '@'", IB_USERNAME_MAX);
    ib_audit_now(t->created_at);
    t->members = 0;
    return ib_store_in_tx(st, team_add_tx, t, err);
}

int ib_team_get(ib_store *st, const char *name, int64_t id, ib_team *out, ib_err *err)
{
    ib_err_clear(err);
    if (name && !team_name_is_valid(name))
        return ib_err_set(err, IB_ENOTFOUND, "team bestaat niet");
    return st->ops->team_get(st, name, id, out, err);
}

int ib_team_each(ib_store *st, int64_t user_id, ib_team_cb cb, void *ctx, ib_err *err)
{
    ib_err_clear(err);
    return st->ops->team_each(st, user_id, cb, ctx, err);
}

typedef struct member_arg {
    int64_t team, user;
    bool member;
} member_arg;

static int member_tx(ib_store *st, void *argp, ib_err *err)
{
    member_arg *a = argp;
    ib_team t;
    ib_user u;
    int rc = st->ops->team_get(st, NULL, a->team, &t, err);
    if (!rc)
        rc = st->ops->user_get(st, NULL, a->user, &u, NULL, 0, err);
    int64_t changed = 0;
    if (!rc)
        rc = st->ops->team_member_set(st, a->team, a->user, a->member, &changed, err);
    if (rc)
        return rc;
    if (changed == 0)
        return ib_err_set(err, IB_ECONFLICT, "%s is %s lid van team %s", u.name,
                          a->member ? "al" : "geen", t.name);
    char detail[200];
    snprintf(detail, sizeof detail, "team %s: gebruiker %s %s", t.name, u.name,
             a->member ? "toegevoegd" : "verwijderd");
    return audit(st, NULL, a->member ? "member-add" : "member-remove", "team", t.id, 0,
                 detail, err);
}

int ib_team_set_member(ib_store *st, int64_t team_id, int64_t user_id, bool member,
                       ib_err *err)
{
    ib_err_clear(err);
    member_arg a = {team_id, user_id, member};
    return ib_store_in_tx(st, member_tx, &a, err);
}

int ib_team_each_member(ib_store *st, int64_t team_id, ib_user_cb cb, void *ctx,
                        ib_err *err)
{
    ib_err_clear(err);
    int64_t *ids = malloc(TEAM_MEMBERS_MAX * sizeof *ids);
    if (!ids)
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    size_t n = 0;
    int rc = st->ops->team_each_member(st, team_id, ids, TEAM_MEMBERS_MAX, &n, err);
    ib_user u;
    for (size_t i = 0; rc == IB_OK && i < n; i++)
        if ((rc = st->ops->user_get(st, NULL, ids[i], &u, NULL, 0, err)) == IB_OK)
            rc = cb(ctx, &u);
    free(ids);
    return rc;
}

/* ------------------------------------------------------------ routes */

static int route_add_tx(ib_store *st, void *argp, ib_err *err)
{
    ib_signal_route *r = argp;
    ib_team t;
    int rc = st->ops->team_get(st, NULL, r->team_id, &t, err);
    if (!rc)
        rc = st->ops->route_insert(st, r, err);
    if (rc)
        return rc;
    ib_strlcpy(r->team, t.name, sizeof r->team);
    char detail[200];
    snprintf(detail, sizeof detail, "route soort %s, gemeente %s -> team %s",
             r->kind[0] ? r->kind : "*", r->municipality[0] ? r->municipality : "*",
             t.name);
    return audit(st, NULL, "insert", "signal_route", r->id, 0, detail, err);
}

int ib_signal_route_add(ib_store *st, ib_signal_route *r, ib_err *err)
{
    ib_err_clear(err);
    if (!code_is_valid(r->kind, true))
        return ib_err_set_at(err, IB_EINVAL, 0, 0, "kind", "ongeldige soort");
    if (!municipality_or_empty(r->municipality))
        return ib_err_set_at(err, IB_EINVAL, 0, 0, "municipality",
                             "'%.8s' is geen CBS-gemeentecode (GM + 4 cijfers)",
                             r->municipality);
    return ib_store_in_tx(st, route_add_tx, r, err);
}

static int route_remove_tx(ib_store *st, void *argp, ib_err *err)
{
    int64_t id = *(int64_t *)argp, n = 0;
    int rc = st->ops->route_delete(st, id, &n, err);
    if (rc)
        return rc;
    if (n == 0)
        return ib_err_set(err, IB_ENOTFOUND, "route %" PRId64 " bestaat niet", id);
    char detail[64];
    snprintf(detail, sizeof detail, "route %" PRId64 " verwijderd", id);
    return audit(st, NULL, "delete", "signal_route", id, 0, detail, err);
}

int ib_signal_route_remove(ib_store *st, int64_t id, ib_err *err)
{
    ib_err_clear(err);
    return ib_store_in_tx(st, route_remove_tx, &id, err);
}

int ib_signal_route_each(ib_store *st, ib_signal_route_cb cb, void *ctx, ib_err *err)
{
    ib_err_clear(err);
    return st->ops->route_each(st, cb, ctx, err);
}
