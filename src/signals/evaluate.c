/* evaluate.c — the evaluation: the rules on a day against the stored
 * signals, in one transaction (docs/inbox.md). Both sides are sorted by
 * identity (kind, subject, key) and walked together: a signal found and
 * not stored is new (open, routed, due), one found and stored is brought up
 * to date (reopened when it had lapsed), one stored open or in progress and
 * not found lapses with the reason the rules give. The stored side is kept
 * compact (an identity and a hash of what an evaluation refreshes), so
 * that a national registry's signals fit in memory; full rows are read
 * only for those that change. */
#include "signals/sig_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACTOR_RULES "regels"
#define WHY_LEN 512

typedef struct stored {
    int64_t id, subject_id;
    uint64_t refresh;           /* hash of the fields an evaluation refreshes */
    uint32_t key;               /* offset in the key arena */
    const char *keyp;           /* the key, once the arena is complete */
    uint8_t kind;               /* ib_signal_kind; IB_SIG_KIND_COUNT: unknown */
    bool location;
    uint8_t state;              /* ib_signal_state */
    ib_date last_found;
    int64_t active;             /* index of its active signal; -1 none */
    int64_t moved_from;         /* a person linked into another: the old id */
} stored;

typedef struct eval {
    ib_store *st;
    ib_date at;
    ib_inbox_settings settings;
    ib_signal_data *data;
    ib_signal_list active;
    int64_t *paired;            /* per active signal: its stored row; -1 none */
    stored *rows;
    size_t n, cap;
    char *keys;
    size_t keys_len, keys_cap;
    ib_signal_route *routes;
    size_t nroutes, routes_cap;
    int64_t *found;             /* ids to mark found on `at` */
    size_t nfound;
    ib_inbox_report *rep;
} eval;

/* ------------------------------------------------------------ identity */

static const char *row_key(const stored *s)
{
    return s->keyp;
}

static int cmp_ident(int ka, bool la, int64_t sa, const char *keya, int kb, bool lb,
                     int64_t sb, const char *keyb)
{
    if (ka != kb)
        return ka < kb ? -1 : 1;
    if (la != lb)
        return la ? 1 : -1;
    if (sa != sb)
        return sa < sb ? -1 : 1;
    return strcmp(keya, keyb);
}

static int cmp_active(const void *a, const void *b)
{
    const ib_active_signal *x = a, *y = b;
    return cmp_ident((int)x->kind, x->location, x->subject_id, x->key, (int)y->kind,
                     y->location, y->subject_id, y->key);
}

static int cmp_stored(const void *a, const void *b)
{
    const stored *x = a, *y = b;
    return cmp_ident(x->kind, x->location, x->subject_id, row_key(x), y->kind,
                     y->location, y->subject_id, row_key(y));
}

/* FNV-1a over what an evaluation refreshes: equal hashes, nothing to
 * write but the day it was found. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211u;
    }
    return h;
}

static uint64_t refresh_hash(const char *municipality, int64_t sender, const char *ref,
                             int64_t record, ib_date since, ib_date date, int32_t occ,
                             int32_t cap, int64_t area)
{
    uint64_t h = 14695981039346656037u;
    h = fnv(h, municipality, strlen(municipality) + 1);
    h = fnv(h, &sender, sizeof sender);
    h = fnv(h, ref, strlen(ref) + 1);
    h = fnv(h, &record, sizeof record);
    h = fnv(h, &since, sizeof since);
    h = fnv(h, &date, sizeof date);
    h = fnv(h, &occ, sizeof occ);
    h = fnv(h, &cap, sizeof cap);
    return fnv(h, &area, sizeof area);
}

static uint64_t refresh_of_active(const ib_active_signal *a)
{
    return refresh_hash(a->municipality, a->subject_sender_id, a->subject_ref,
                        a->subject_record_id, a->since, a->date, a->occupancy,
                        a->capacity, a->floor_area);
}

static uint64_t refresh_of_row(const ib_signal_row *r)
{
    return refresh_hash(r->municipality, r->subject_sender_id, r->subject_ref,
                        r->subject_record_id, r->since, r->date, r->occupancy,
                        r->capacity, r->floor_area);
}

/* The fields of a that a stored row takes over. */
static void refresh_row(ib_signal_row *r, const ib_active_signal *a)
{
    r->subject_id = a->subject_id;
    r->subject_sender_id = a->subject_sender_id;
    ib_strlcpy(r->subject_sender, a->subject_sender, sizeof r->subject_sender);
    ib_strlcpy(r->subject_ref, a->subject_ref, sizeof r->subject_ref);
    r->subject_record_id = a->subject_record_id;
    ib_strlcpy(r->municipality, a->municipality, sizeof r->municipality);
    r->since = a->since;
    r->date = a->date;
    r->occupancy = a->occupancy;
    r->capacity = a->capacity;
    r->floor_area = a->floor_area;
}

/* ------------------------------------------------------------ loading */

static int add_stored(void *ctx, const ib_signal_row *r)
{
    eval *e = ctx;
    if (e->n == e->cap) {
        size_t cap = e->cap ? 2 * e->cap : 1024;
        stored *v = realloc(e->rows, cap * sizeof *v);
        if (!v)
            return IB_ENOMEM;
        e->rows = v;
        e->cap = cap;
    }
    size_t klen = strlen(r->key) + 1;
    if (e->keys_len + klen > e->keys_cap) {
        size_t cap = e->keys_cap ? 2 * e->keys_cap : 16384;
        while (cap < e->keys_len + klen)
            cap *= 2;
        char *k = realloc(e->keys, cap);
        if (!k)
            return IB_ENOMEM;
        e->keys = k;
        e->keys_cap = cap;
    }
    int kind = IB_SIG_KIND_COUNT;
    if (ib_code_parse(ib_signal_kind_codes, r->kind, strlen(r->kind), &kind) != IB_OK)
        kind = IB_SIG_KIND_COUNT;          /* another version's kind: left alone */
    memcpy(e->keys + e->keys_len, r->key, klen);
    e->rows[e->n++] = (stored){.id = r->id, .subject_id = r->subject_id,
                               .refresh = refresh_of_row(r), .key = (uint32_t)e->keys_len,
                               .kind = (uint8_t)kind, .location = r->location,
                               .state = (uint8_t)r->state, .last_found = r->last_found,
                               .active = -1};
    e->keys_len += klen;
    return 0;
}

static int add_route(void *ctx, const ib_signal_route *r)
{
    eval *e = ctx;
    if (e->nroutes == e->routes_cap) {
        size_t cap = e->routes_cap ? 2 * e->routes_cap : 16;
        ib_signal_route *v = realloc(e->routes, cap * sizeof *v);
        if (!v)
            return IB_ENOMEM;
        e->routes = v;
        e->routes_cap = cap;
    }
    e->routes[e->nroutes++] = *r;
    return 0;
}

static void route_of(const eval *e, ib_signal_kind kind, const char *municipality,
                     ib_signal_owner *team)
{
    int best = 0;
    memset(team, 0, sizeof *team);
    const char *code = ib_code_text(ib_signal_kind_codes, (int)kind);
    for (size_t i = 0; i < e->nroutes; i++) {
        int rank = sig_route_rank(&e->routes[i], code, municipality);
        if (rank > best) {
            best = rank;
            *team = (ib_signal_owner){.kind = IB_OWNER_TEAM, .id = e->routes[i].team_id};
            ib_strlcpy(team->name, e->routes[i].team, sizeof team->name);
        }
    }
}

static int nomem(int rc, ib_err *err)
{
    return rc == IB_ENOMEM ? ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen") : rc;
}

/* ------------------------------------------------------------ pairing */

static void pair_all(eval *e)
{
    size_t i = 0, j = 0;
    while (i < e->active.n && j < e->n) {
        const ib_active_signal *a = &e->active.v[i];
        const stored *s = &e->rows[j];
        int c = cmp_ident((int)a->kind, a->location, a->subject_id, a->key, s->kind,
                          s->location, s->subject_id, row_key(s));
        if (c == 0) {
            e->paired[i] = (int64_t)j;
            e->rows[j].active = (int64_t)i;
            i++, j++;
        } else if (c < 0) {
            i++;
        } else {
            j++;
        }
    }
}

/* The active signal with this identity, or -1. */
static int64_t find_active(const eval *e, int kind, int64_t subject, const char *key)
{
    ib_active_signal probe;
    memset(&probe, 0, sizeof probe);
    probe.kind = (ib_signal_kind)kind;
    probe.subject_id = subject;
    ib_strlcpy(probe.key, key, sizeof probe.key);
    const ib_active_signal *hit = e->active.n
        ? bsearch(&probe, e->active.v, e->active.n, sizeof probe, cmp_active)
        : NULL;
    return hit ? hit - e->active.v : -1;
}

static bool is_live(uint8_t state)
{
    return state == IB_SIGNAL_OPEN || state == IB_SIGNAL_IN_PROGRESS ||
           state == IB_SIGNAL_LAPSED;
}

/* A stored person's signal not found again, whose person was linked into
 * another since: the same condition of the person it joined, when found
 * and not stored on its own, is this signal (it follows the link). */
static int follow_links(eval *e, ib_err *err)
{
    for (size_t j = 0; j < e->n; j++) {
        stored *s = &e->rows[j];
        if (s->active >= 0 || s->location || !is_live(s->state) ||
            s->kind == IB_SIG_KIND_COUNT)
            continue;
        int64_t now = 0;
        int rc = ib_store_resolve_person(e->st, s->subject_id, &now, err);
        if (rc == IB_ENOTFOUND)
            continue;
        if (rc)
            return rc;
        if (now == s->subject_id)
            continue;
        int64_t i = find_active(e, s->kind, now, row_key(s));
        if (i < 0 || e->paired[i] >= 0)
            continue;
        e->paired[i] = (int64_t)j;
        s->active = i;
        s->moved_from = s->subject_id;
    }
    ib_err_clear(err);
    return IB_OK;
}

/* ------------------------------------------------------------ changes */

static void rules_change(ib_signal_change *ch, const eval *e, int from, ib_signal_state to,
                         const ib_signal_owner *owner)
{
    memset(ch, 0, sizeof *ch);
    ch->day = e->at;
    ch->from = from;
    ch->to = to;
    ib_strlcpy(ch->actor, ACTOR_RULES, sizeof ch->actor);
    ib_inbox_owner_text(owner, ch->owner, sizeof ch->owner);
}

static ib_date due_after(const eval *e, ib_signal_kind kind, ib_date from)
{
    return from + e->settings.due_days[kind];
}

static int open_new(eval *e, const ib_active_signal *a, ib_signal_row *r, ib_err *err)
{
    memset(r, 0, sizeof *r);
    ib_strlcpy(r->kind, ib_code_text(ib_signal_kind_codes, (int)a->kind), sizeof r->kind);
    r->location = a->location;
    ib_strlcpy(r->key, a->key, sizeof r->key);
    refresh_row(r, a);
    r->state = IB_SIGNAL_OPEN;
    route_of(e, a->kind, a->municipality, &r->owner);
    r->due = due_after(e, a->kind, a->since != IB_DATE_NONE ? a->since : e->at);
    r->first_found = r->last_found = e->at;
    r->closed_on = IB_DATE_NONE;
    ib_signal_change ch;
    rules_change(&ch, e, -1, IB_SIGNAL_OPEN, &r->owner);
    ib_signal_explain(a, false, ch.why, sizeof ch.why, NULL, 0);
    ib_signal_explain(a, true, ch.why_en, sizeof ch.why_en, NULL, 0);
    e->rep->opened++;
    return ib_store_signal_insert(e->st, r, &ch, err);
}

/* A stored signal found again: refreshed; reopened when it had lapsed; a
 * history line when it followed a link. */
static int found_again(eval *e, const ib_active_signal *a, stored *s, ib_signal_row *r,
                       ib_err *err)
{
    bool reopen = s->state == IB_SIGNAL_LAPSED, moved = s->moved_from != 0;
    if (!reopen && !moved && s->refresh == refresh_of_active(a)) {
        if (s->last_found != e->at) {
            e->found[e->nfound++] = s->id;
            e->rep->updated++;
        }
        return IB_OK;
    }
    int rc = ib_store_signal_get(e->st, s->id, r, err);
    if (rc)
        return rc;
    refresh_row(r, a);
    r->last_found = e->at;
    ib_signal_change ch, *chp = NULL;
    if (reopen) {
        /* Back in the queue of its team; due as if found today. */
        r->state = IB_SIGNAL_OPEN;
        route_of(e, a->kind, a->municipality, &r->owner);
        r->due = due_after(e, a->kind, e->at);
        rules_change(&ch, e, IB_SIGNAL_LAPSED, IB_SIGNAL_OPEN, &r->owner);
        char why[WHY_LEN];
        ib_signal_explain(a, false, why, sizeof why, NULL, 0);
        snprintf(ch.why, sizeof ch.why, "heropend: %s", why);
        ib_signal_explain(a, true, why, sizeof why, NULL, 0);
        snprintf(ch.why_en, sizeof ch.why_en, "reopened: %s", why);
        chp = &ch;
        e->rep->reopened++;
    } else if (moved) {
        rules_change(&ch, e, (int)r->state, r->state, &r->owner);
        snprintf(ch.why, sizeof ch.why, "gevolgd: persoon %lld is gekoppeld aan persoon %lld",
                 (long long)s->moved_from, (long long)a->subject_id);
        snprintf(ch.why_en, sizeof ch.why_en, "followed: person %lld was linked into "
                 "person %lld", (long long)s->moved_from, (long long)a->subject_id);
        chp = &ch;
        e->rep->moved++;
    } else {
        e->rep->updated++;
    }
    return ib_store_signal_update(e->st, r, chp, err);
}

static int lapse(eval *e, const stored *s, ib_signal_row *r, ib_err *err)
{
    int rc = ib_store_signal_get(e->st, s->id, r, err);
    if (rc)
        return rc;
    ib_active_signal was;
    ib_signal_change ch;
    rules_change(&ch, e, (int)r->state, IB_SIGNAL_LAPSED, &r->owner);
    ib_inbox_active_of(r, &was);
    rc = ib_signal_data_ended_why(e->data, &was, e->at, &e->settings.rules, ch.why,
                                  sizeof ch.why, ch.why_en, sizeof ch.why_en, err);
    if (rc == IB_ECONFLICT || !ch.why[0]) {
        /* The rules disagree with themselves: say no more than is known. */
        char day[SIG_DATE_TEXT];
        snprintf(ch.why, sizeof ch.why, "vervallen: de voorwaarde geldt niet meer op %s",
                 sig_date_text(e->at, false, day));
        snprintf(ch.why_en, sizeof ch.why_en, "lapsed: the condition no longer holds on %s",
                 sig_date_text(e->at, true, day));
        ib_err_clear(err);
    } else if (rc) {
        return rc;
    }
    r->state = IB_SIGNAL_LAPSED;
    e->rep->lapsed++;
    return ib_store_signal_update(e->st, r, &ch, err);
}

static int apply(eval *e, ib_err *err)
{
    ib_signal_row *r = malloc(sizeof *r);
    if (!r)
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    int rc = IB_OK;
    for (size_t i = 0; rc == IB_OK && i < e->active.n; i++) {
        const ib_active_signal *a = &e->active.v[i];
        rc = e->paired[i] < 0 ? open_new(e, a, r, err)
                              : found_again(e, a, &e->rows[e->paired[i]], r, err);
    }
    for (size_t j = 0; rc == IB_OK && j < e->n; j++) {
        const stored *s = &e->rows[j];
        if (s->active < 0 && s->kind != IB_SIG_KIND_COUNT &&
            (s->state == IB_SIGNAL_OPEN || s->state == IB_SIGNAL_IN_PROGRESS))
            rc = lapse(e, s, r, err);
    }
    free(r);
    if (rc == IB_OK)
        rc = ib_store_signal_mark_found(e->st, e->found, e->nfound, e->at, err);
    return rc;
}

/* ------------------------------------------------------------ the evaluation */

static int prepare(eval *e, ib_err *err)
{
    int rc = ib_signal_route_each(e->st, add_route, e, err);
    if (rc)
        return nomem(rc, err);
    if ((rc = ib_store_signal_each(e->st, add_stored, e, err)) != IB_OK)
        return nomem(rc, err);
    for (size_t j = 0; j < e->n; j++)
        e->rows[j].keyp = e->keys + e->rows[j].key;
    if (e->active.n > 1)
        qsort(e->active.v, e->active.n, sizeof *e->active.v, cmp_active);
    if (e->n > 1)
        qsort(e->rows, e->n, sizeof *e->rows, cmp_stored);
    e->paired = malloc((e->active.n + 1) * sizeof *e->paired);
    e->found = malloc((e->active.n + 1) * sizeof *e->found);
    if (!e->paired || !e->found)
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    for (size_t i = 0; i < e->active.n; i++)
        e->paired[i] = -1;
    pair_all(e);
    return follow_links(e, err);
}

static void eval_free(eval *e)
{
    ib_signal_data_free(e->data);
    ib_signal_list_free(&e->active);
    free(e->paired);
    free(e->rows);
    free(e->keys);
    free(e->routes);
    free(e->found);
}

/* The evaluation's record: written when it changed signals, or when it
 * read another day, data version or settings than the last one (so that
 * ib_inbox_evaluation_due says no more until something changes). */
static int record(eval *e, const char *actor, const char *version, const char *settings,
                  const ib_signal_evaluation *last, bool had_last, ib_err *err)
{
    ib_inbox_report *rep = e->rep;
    bool changed = rep->opened || rep->lapsed || rep->reopened || rep->moved ||
                   rep->updated;
    bool same = had_last && last->day == e->at &&
                strcmp(last->data_version, version) == 0 &&
                strcmp(last->settings, settings) == 0;
    if (!changed && same)
        return IB_OK;
    ib_signal_evaluation ev = {.day = e->at, .found = rep->found, .opened = rep->opened,
                               .lapsed = rep->lapsed, .reopened = rep->reopened,
                               .updated = rep->updated + rep->moved};
    ib_strlcpy(ev.actor, actor ? actor : "", sizeof ev.actor);
    ib_strlcpy(ev.data_version, version, sizeof ev.data_version);
    ib_strlcpy(ev.settings, settings, sizeof ev.settings);
    rep->written = true;
    return ib_store_signal_evaluation_add(e->st, &ev, err);
}

int ib_inbox_evaluate(ib_store *st, ib_date at, const char *actor, ib_inbox_report *rep,
                      ib_err *err)
{
    ib_err_clear(err);
    memset(rep, 0, sizeof *rep);
    rep->at = at;
    if (at == IB_DATE_NONE)
        return ib_err_set(err, IB_EINVAL, "evaluatie zonder datum");
    if (ib_store_in_transaction(st) || ib_store_in_read(st))
        return ib_err_set(err, IB_EINVAL, "een evaluatie loopt in een eigen transactie");
    eval e = {.st = st, .at = at, .rep = rep};
    ib_signal_evaluation last;
    bool had_last = false;
    char version[IB_DATA_VERSION_LEN], settings[IB_SIGNAL_SETTINGS_TEXT];
    int rc = ib_inbox_settings_load(st, &e.settings, err);
    if (!rc) rc = ib_store_signal_evaluation_last(st, &last, &had_last, err);
    if (!rc && had_last && at < last.day) {
        char a[IB_DATE_STRLEN], b[IB_DATE_STRLEN];
        rc = ib_err_set(err, IB_ECONFLICT, "de signalen zijn al geëvalueerd op %s; een "
                        "evaluatie op het eerdere %s zou de geschiedenis terugdraaien",
                        ib_date_format(last.day, b), ib_date_format(at, a));
    }
    /* The version before the data is read: a delivery in between makes
     * the next check evaluate again. */
    if (!rc) rc = ib_store_data_version(st, version, err);
    if (!rc) rc = ib_signal_data_load(st, &e.data, err);
    if (!rc) rc = ib_signal_data_active(e.data, at, &e.settings.rules, &e.active, err);
    if (rc) {
        eval_free(&e);
        return rc;
    }
    rep->found = (int64_t)e.active.n;
    ib_inbox_settings_text(&e.settings, settings, sizeof settings);
    if ((rc = ib_store_begin(st, err)) != IB_OK) {
        eval_free(&e);
        return rc;
    }
    rc = prepare(&e, err);
    if (!rc) rc = apply(&e, err);
    if (!rc) rc = record(&e, actor, version, settings, &last, had_last, err);
    if (rc == IB_OK) {
        rc = ib_store_commit(st, err);
    } else {
        ib_err keep = *err;
        ib_store_rollback(st, NULL);
        *err = keep;
    }
    if (rc)
        rep->written = false;
    eval_free(&e);
    return rc;
}

int ib_inbox_evaluation_due(ib_store *st, ib_date today, bool *due, ib_err *err)
{
    ib_err_clear(err);
    *due = true;
    ib_signal_evaluation last;
    bool had = false;
    ib_inbox_settings s;
    char version[IB_DATA_VERSION_LEN], settings[IB_SIGNAL_SETTINGS_TEXT];
    int rc = ib_store_signal_evaluation_last(st, &last, &had, err);
    if (rc || !had)
        return rc;
    if ((rc = ib_inbox_settings_load(st, &s, err)) != IB_OK ||
        (rc = ib_store_data_version(st, version, err)) != IB_OK)
        return rc;
    ib_inbox_settings_text(&s, settings, sizeof settings);
    /* Evaluated on a later day already (by hand): nothing until then. */
    if (last.day > today) {
        *due = false;
        return IB_OK;
    }
    *due = last.day < today || strcmp(last.data_version, version) != 0 ||
           strcmp(last.settings, settings) != 0;
    return IB_OK;
}
