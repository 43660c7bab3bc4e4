/* inbox.c — signals as work: the one table of transitions between states
 * (docs/inbox.md), the changes people make (take on, hand over, close,
 * release) with their checks, owners and their scope, and routing of new
 * signals to teams. The evaluation that makes the rules' changes is in
 * evaluate.c. */
#include "signals/sig_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ the table */

const ib_inbox_transition ib_inbox_transitions[] = {
    {-1, IB_SIGNAL_OPEN, IB_BY_RULES, 0, "gevonden", "found"},
    {IB_SIGNAL_OPEN, IB_SIGNAL_IN_PROGRESS, IB_BY_PERSON, IB_NEEDS_OWNER,
     "in behandeling nemen", "take on"},
    {IB_SIGNAL_IN_PROGRESS, IB_SIGNAL_IN_PROGRESS, IB_BY_PERSON, IB_NEEDS_OWNER,
     "overdragen", "hand over"},
    {IB_SIGNAL_IN_PROGRESS, IB_SIGNAL_DONE, IB_BY_PERSON, IB_NEEDS_OUTCOME,
     "afhandelen", "close as done"},
    {IB_SIGNAL_IN_PROGRESS, IB_SIGNAL_UNFOUNDED, IB_BY_PERSON, IB_NEEDS_REASON,
     "niet terecht", "close as unfounded"},
    {IB_SIGNAL_OPEN, IB_SIGNAL_UNFOUNDED, IB_BY_PERSON, IB_NEEDS_REASON,
     "niet terecht", "close as unfounded"},
    {IB_SIGNAL_IN_PROGRESS, IB_SIGNAL_OPEN, IB_BY_PERSON, 0, "vrijgeven", "release"},
    {IB_SIGNAL_OPEN, IB_SIGNAL_LAPSED, IB_BY_RULES, 0, "vervallen", "lapse"},
    {IB_SIGNAL_IN_PROGRESS, IB_SIGNAL_LAPSED, IB_BY_RULES, 0, "vervallen", "lapse"},
    {IB_SIGNAL_LAPSED, IB_SIGNAL_OPEN, IB_BY_RULES, 0, "heropenen", "reopen"},
};
const size_t ib_inbox_ntransitions = sizeof ib_inbox_transitions /
                                     sizeof *ib_inbox_transitions;

const ib_code_name ib_signal_outcome_codes[] = {
    {0, "contacted"}, {1, "informed"}, {2, "registered"}, {3, "offer_made"},
    {4, "housing_arranged"}, {5, "referred"}, {6, "enforcement"},
    {7, "left"}, {8, "other"}, {0, NULL}};

static const char *const outcome_labels[][2] = {
    {"contact gelegd", "contacted"},
    {"voorgelicht", "informed"},
    {"ingeschreven", "registered"},
    {"aanbod gedaan", "offer made"},
    {"huisvesting geregeld", "housing arranged"},
    {"doorverwezen", "referred"},
    {"handhaving ingezet", "enforcement started"},
    {"vertrokken", "left"},
    {"anders", "other"},
};

const char *ib_inbox_state_label(ib_signal_state s, bool english)
{
    static const char *const labels[IB_SIGNAL_STATE_COUNT][2] = {
        [IB_SIGNAL_OPEN] = {"open", "open"},
        [IB_SIGNAL_IN_PROGRESS] = {"in behandeling", "in progress"},
        [IB_SIGNAL_DONE] = {"afgehandeld", "done"},
        [IB_SIGNAL_UNFOUNDED] = {"niet terecht", "unfounded"},
        [IB_SIGNAL_LAPSED] = {"vervallen", "lapsed"}};
    return (unsigned)s < IB_SIGNAL_STATE_COUNT ? labels[s][english ? 1 : 0] : "";
}

const char *ib_inbox_outcome_label(const char *code, bool english)
{
    int i = 0;
    if (!code || ib_code_parse(ib_signal_outcome_codes, code, strlen(code), &i) != IB_OK)
        return "";
    return outcome_labels[i][english ? 1 : 0];
}

const ib_inbox_transition *ib_inbox_transition_find(int from, ib_signal_state to,
                                                    ib_transition_by by)
{
    for (size_t i = 0; i < ib_inbox_ntransitions; i++) {
        const ib_inbox_transition *t = &ib_inbox_transitions[i];
        if (t->from == from && t->to == to && t->by == by)
            return t;
    }
    return NULL;
}

unsigned ib_inbox_allowed(ib_signal_state from)
{
    unsigned bits = 0;
    for (size_t i = 0; i < ib_inbox_ntransitions; i++)
        if (ib_inbox_transitions[i].from == (int)from &&
            ib_inbox_transitions[i].by == IB_BY_PERSON)
            bits |= 1u << ib_inbox_transitions[i].to;
    return bits;
}

void ib_inbox_allowed_text(ib_signal_state from, char *out, size_t size)
{
    unsigned bits = ib_inbox_allowed(from);
    size_t n = 0;
    out[0] = '\0';
    for (int s = 0; s < IB_SIGNAL_STATE_COUNT && n < size; s++)
        if (bits & (1u << s))
            n += (size_t)snprintf(out + n, size - n, "%s%s", n ? ", " : "",
                                  ib_code_text(ib_signal_state_codes, s));
    if (!bits)
        snprintf(out, size, "geen");
}

/* ------------------------------------------------------------ owners */

void ib_inbox_owner_text(const ib_signal_owner *o, char *out, size_t size)
{
    if (o->kind == IB_OWNER_NONE)
        out[0] = '\0';
    else
        snprintf(out, size, "%s:%s", ib_code_text(ib_owner_kind_codes, (int)o->kind),
                 o->name);
}

int ib_inbox_owner_parse(ib_store *st, const char *text, ib_signal_owner *o, ib_err *err)
{
    memset(o, 0, sizeof *o);
    if (strncmp(text, "user:", 5) == 0) {
        ib_user u;
        int rc = ib_user_get(st, text + 5, &u, err);
        if (rc)
            return rc;
        *o = (ib_signal_owner){.kind = IB_OWNER_USER, .id = u.id};
        ib_strlcpy(o->name, u.name, sizeof o->name);
        return IB_OK;
    }
    if (strncmp(text, "team:", 5) == 0) {
        ib_team t;
        int rc = ib_team_get(st, text + 5, 0, &t, err);
        if (rc)
            return rc;
        *o = (ib_signal_owner){.kind = IB_OWNER_TEAM, .id = t.id};
        ib_strlcpy(o->name, t.name, sizeof o->name);
        return IB_OK;
    }
    return ib_err_set(err, IB_EINVAL, "eigenaar: user:NAAM of team:NAAM, niet '%.40s'",
                      text);
}

/* ------------------------------------------------------------ scope */

int ib_inbox_scope(ib_store *st, const ib_user *u, ib_signal_query *q, ib_err *err)
{
    q->persons = q->locations = false;
    q->municipalities = NULL;
    q->nmunicipalities = 0;
    q->scope_sender_id = 0;
    switch (u->role) {
    case IB_ROLE_ADMIN:
        q->persons = q->locations = true;
        return IB_OK;
    case IB_ROLE_CASEWORKER: {
        q->persons = true;
        q->municipalities = (const char(*)[7])u->municipalities;
        q->nmunicipalities = u->nmunicipalities;
        /* The persons its own organisation sent are in scope too. */
        int64_t sender = 0;
        int rc = u->organisation[0] ? ib_store_sender(st, u->organisation, false, &sender,
                                                      err)
                                    : IB_ENOTFOUND;
        if (rc != IB_OK && rc != IB_ENOTFOUND)
            return rc;
        q->scope_sender_id = rc == IB_OK ? sender : 0;
        ib_err_clear(err);
        return IB_OK;
    }
    case IB_ROLE_INSPECTOR:
        q->locations = true;
        q->municipalities = (const char(*)[7])u->municipalities;
        q->nmunicipalities = u->nmunicipalities;
        return IB_OK;
    default:
        return IB_OK;
    }
}

int ib_inbox_user_sees(ib_store *st, const ib_user *u, int64_t id, bool *sees, ib_err *err)
{
    *sees = false;
    ib_signal_query q = {.id = id, .overdue_on = IB_DATE_NONE};
    int rc = ib_inbox_scope(st, u, &q, err);
    int64_t total = 0;
    if (rc == IB_OK)
        rc = ib_store_signal_query(st, &q, NULL, NULL, &total, err);
    *sees = rc == IB_OK && total > 0;
    return rc;
}

/* May owner o own signal r: a user that is enabled and sees it; a team of
 * which an enabled member sees it. IB_EDENIED saying why not. */
typedef struct team_check {
    ib_store *st;
    int64_t signal;
    bool ok;
    int rc;
    ib_err err;
} team_check;

static int member_sees(void *ctx, const ib_user *u)
{
    team_check *tc = ctx;
    if (u->disabled)
        return 0;
    bool sees = false;
    tc->rc = ib_inbox_user_sees(tc->st, u, tc->signal, &sees, &tc->err);
    if (tc->rc)
        return tc->rc;
    tc->ok = sees;
    return sees ? 1 : 0;
}

static int check_owner(ib_store *st, const ib_signal_owner *o, const ib_signal_row *r,
                       ib_err *err)
{
    if (o->kind == IB_OWNER_USER) {
        ib_user u;
        bool sees = false;
        int rc = ib_user_get_by_id(st, o->id, &u, err);
        if (rc)
            return rc;
        if (u.disabled)
            return ib_err_set(err, IB_EDENIED, "gebruiker %s is geblokkeerd en kan geen "
                              "signalen krijgen", u.name);
        if ((rc = ib_inbox_user_sees(st, &u, r->id, &sees, err)) != IB_OK)
            return rc;
        if (!sees)
            return ib_err_set(err, IB_EDENIED, "gebruiker %s mag signaal %lld niet zien "
                              "(rol of gemeenten): toewijzen kan niet", u.name,
                              (long long)r->id);
        return IB_OK;
    }
    if (o->kind == IB_OWNER_TEAM) {
        team_check tc = {.st = st, .signal = r->id};
        ib_team t;
        int rc = ib_team_get(st, NULL, o->id, &t, err);
        if (rc)
            return rc;
        rc = ib_team_each_member(st, o->id, member_sees, &tc, err);
        if (tc.rc) {
            *err = tc.err;
            return tc.rc;
        }
        if (rc < 0)
            return rc;
        if (!tc.ok)
            return ib_err_set(err, IB_EDENIED, "geen lid van team %s mag signaal %lld "
                              "zien: toewijzen kan niet", t.name, (long long)r->id);
        return IB_OK;
    }
    return ib_err_set(err, IB_EINVAL, "geef een eigenaar (een gebruiker of een team)");
}

/* ------------------------------------------------------------ routing */

typedef struct route_pick {
    const char *kind, *municipality;
    int best;                     /* 4: kind and municipality ... 1: any; 0 none */
    ib_signal_owner team;
} route_pick;

/* How specific route r is for the signal; 0 when it does not apply. */
int sig_route_rank(const ib_signal_route *r, const char *kind, const char *municipality)
{
    bool k = r->kind[0] != '\0', m = r->municipality[0] != '\0';
    if ((k && strcmp(r->kind, kind) != 0) ||
        (m && strcmp(r->municipality, municipality) != 0))
        return 0;
    return k && m ? 4 : k ? 3 : m ? 2 : 1;
}

static int pick_route(void *ctx, const ib_signal_route *r)
{
    route_pick *p = ctx;
    int rank = sig_route_rank(r, p->kind, p->municipality);
    if (rank > p->best) {
        p->best = rank;
        p->team = (ib_signal_owner){.kind = IB_OWNER_TEAM, .id = r->team_id};
        ib_strlcpy(p->team.name, r->team, sizeof p->team.name);
    }
    return 0;
}

int ib_inbox_route(ib_store *st, const char *kind, const char *municipality,
                   ib_signal_owner *team, ib_err *err)
{
    route_pick p = {.kind = kind, .municipality = municipality};
    int rc = ib_signal_route_each(st, pick_route, &p, err);
    *team = p.team;
    return rc;
}

/* ------------------------------------------------------------ a person's change */

/* What the history says about the change, in Dutch and English ("in
 * behandeling bij user:jansen", "afgehandeld: ingeschreven", "niet
 * terecht: ..."). */
static void change_why(const ib_signal_row *before, const ib_inbox_change *c,
                       ib_signal_change *ch)
{
    const char *owner = ch->owner;
    char *nl = ch->why, *en = ch->why_en;
    size_t nn = sizeof ch->why, ne = sizeof ch->why_en;
    bool handover = before->state == IB_SIGNAL_IN_PROGRESS;
    switch (c->to) {
    case IB_SIGNAL_IN_PROGRESS:
        snprintf(nl, nn, "%s %s", handover ? "overgedragen aan" : "in behandeling bij",
                 owner);
        snprintf(en, ne, "%s %s", handover ? "handed over to" : "taken on by", owner);
        break;
    case IB_SIGNAL_DONE:
        snprintf(nl, nn, "afgehandeld: %s", ib_inbox_outcome_label(c->outcome, false));
        snprintf(en, ne, "done: %s", ib_inbox_outcome_label(c->outcome, true));
        break;
    case IB_SIGNAL_UNFOUNDED:
        snprintf(nl, nn, "niet terecht: %s", c->reason);
        snprintf(en, ne, "unfounded: %s", c->reason);
        break;
    case IB_SIGNAL_OPEN:
        snprintf(nl, nn, "vrijgegeven%s%s", owner[0] ? "; terug naar " : "", owner);
        snprintf(en, ne, "released%s%s", owner[0] ? "; back to " : "", owner);
        break;
    default:
        snprintf(nl, nn, "%s", ib_inbox_state_label(c->to, false));
        snprintf(en, ne, "%s", ib_inbox_state_label(c->to, true));
    }
}

static bool blank(const char *s)
{
    return !s || !s[strspn(s, " \t\r\n")];
}

/* Text for the history and the API: UTF-8 without control characters
 * (a reason is one line). */
static bool is_clean_text(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned char c = *p;
        size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (n == 0 || c < 0x20 || c == 0x7f)
            return false;
        for (size_t i = 1; i < n; i++)
            if ((p[i] & 0xc0) != 0x80)
                return false;
        if ((n == 2 && c < 0xc2) || (n == 3 && c == 0xe0 && p[1] < 0xa0) ||
            (n == 3 && c == 0xed && p[1] >= 0xa0) || (n == 4 && c == 0xf0 && p[1] < 0x90) ||
            (n == 4 && (c > 0xf4 || (c == 0xf4 && p[1] >= 0x90))))
            return false;                  /* overlong, surrogate, beyond U+10FFFF */
        p += n;
    }
    return true;
}

/* The checks of what the step asks for, then the signal after it in *r. */
static int apply_needs(ib_store *st, const ib_user *by, const ib_inbox_transition *t,
                       const ib_inbox_change *c, ib_date day, ib_signal_row *r,
                       ib_err *err)
{
    int rc;
    if (!(t->needs & IB_NEEDS_OWNER) && c->owner.kind != IB_OWNER_NONE)
        return ib_err_set_at(err, IB_EINVAL, 0, 0, "owner",
                             "naar %s gaat zonder eigenaar",
                             ib_code_text(ib_signal_state_codes, (int)c->to));
    if (!(t->needs & IB_NEEDS_OUTCOME) && c->outcome)
        return ib_err_set_at(err, IB_EINVAL, 0, 0, "outcome",
                             "alleen afgehandeld (done) heeft een uitkomst");
    if (!(t->needs & IB_NEEDS_REASON) && c->reason)
        return ib_err_set_at(err, IB_EINVAL, 0, 0, "reason",
                             "alleen niet terecht (unfounded) heeft een reden");
    if (t->needs & IB_NEEDS_OWNER) {
        ib_signal_owner o = c->owner;
        if (o.kind == IB_OWNER_NONE) {
            if (!by)
                return ib_err_set_at(err, IB_EINVAL, 0, 0, "owner",
                                     "geef een eigenaar: user:NAAM of team:NAAM");
            o = (ib_signal_owner){.kind = IB_OWNER_USER, .id = by->id};
            ib_strlcpy(o.name, by->name, sizeof o.name);
        }
        if ((rc = check_owner(st, &o, r, err)) != IB_OK)
            return rc;
        if (r->state == IB_SIGNAL_IN_PROGRESS && r->owner.kind == o.kind &&
            r->owner.id == o.id)
            return ib_err_set(err, IB_ECONFLICT, "signaal %lld is al in behandeling "
                              "bij %s", (long long)r->id, o.name);
        r->owner = o;
    }
    if (t->needs & IB_NEEDS_OUTCOME) {
        int code;
        char list[200];
        if (!c->outcome || ib_code_parse(ib_signal_outcome_codes, c->outcome,
                                         strlen(c->outcome), &code) != IB_OK)
            return ib_err_set_at(err, IB_EINVAL, 0, 0, "outcome", "geef de uitkomst: %s",
                                 ib_code_list(ib_signal_outcome_codes, list, sizeof list));
        ib_strlcpy(r->outcome, c->outcome, sizeof r->outcome);
    }
    if (t->needs & IB_NEEDS_REASON) {
        if (blank(c->reason))
            return ib_err_set_at(err, IB_EINVAL, 0, 0, "reason",
                                 "geef de reden waarom het signaal niet terecht is");
        if (!is_clean_text(c->reason))
            return ib_err_set_at(err, IB_EINVAL, 0, 0, "reason",
                                 "de reden is geen tekst op één regel (UTF-8, zonder "
                                 "stuurtekens)");
        if (!ib_strlcpy(r->reason, c->reason, sizeof r->reason))
            return ib_err_set_at(err, IB_EINVAL, 0, 0, "reason",
                                 "reden te lang (hoogstens %d tekens)",
                                 IB_SIGNAL_REASON_MAX);
    }
    if (c->to == IB_SIGNAL_DONE || c->to == IB_SIGNAL_UNFOUNDED)
        r->closed_on = day;
    if (c->to == IB_SIGNAL_OPEN)          /* released: back to its team's queue */
        return ib_inbox_route(st, r->kind, r->municipality, &r->owner, err);
    return IB_OK;
}

static int change_tx(ib_store *st, const ib_user *by, int64_t id, const ib_inbox_change *c,
                     ib_date day, ib_signal_row *out, ib_err *err)
{
    ib_signal_row before, r;
    bool sees = true;
    int rc = ib_store_signal_get(st, id, &before, err);
    if (rc == IB_OK && by)
        rc = ib_inbox_user_sees(st, by, id, &sees, err);
    if (rc)
        return rc;
    if (!sees)
        return ib_err_set(err, IB_ENOTFOUND, "signaal %lld bestaat niet", (long long)id);
    const ib_inbox_transition *t = ib_inbox_transition_find((int)before.state, c->to,
                                                            IB_BY_PERSON);
    if (!t) {
        char allowed[128];
        ib_inbox_allowed_text(before.state, allowed, sizeof allowed);
        return ib_err_set(err, IB_ECONFLICT, "signaal %lld is %s: van %s naar %s mag niet; "
                          "toegestaan: %s", (long long)id,
                          ib_inbox_state_label(before.state, false),
                          ib_code_text(ib_signal_state_codes, (int)before.state),
                          ib_code_text(ib_signal_state_codes, (int)c->to), allowed);
    }
    r = before;
    r.state = c->to;
    if ((rc = apply_needs(st, by, t, c, day, &r, err)) != IB_OK)
        return rc;
    ib_signal_change ch = {.day = day, .from = (int)before.state, .to = c->to};
    ib_inbox_owner_text(&r.owner, ch.owner, sizeof ch.owner);
    change_why(&before, c, &ch);
    if ((rc = ib_store_signal_update(st, &r, &ch, err)) != IB_OK)
        return rc;
    if (out)
        *out = r;
    return IB_OK;
}

/* Runs the caller's transaction or one of its own around fn's result. */
static int begin_own(ib_store *st, bool *own, ib_err *err)
{
    *own = !ib_store_in_transaction(st);
    return *own ? ib_store_begin(st, err) : IB_OK;
}

static int end_own(ib_store *st, bool own, int rc, ib_err *err)
{
    if (!own)
        return rc;
    if (rc == IB_OK)
        return ib_store_commit(st, err);
    ib_store_rollback(st, NULL);
    return rc;
}

int ib_inbox_change_state(ib_store *st, const ib_user *by, int64_t id,
                          const ib_inbox_change *c, ib_date day, ib_signal_row *out,
                          ib_err *err)
{
    ib_err_clear(err);
    if (!ib_code_is_known(ib_signal_state_codes, (int)c->to))
        return ib_err_set_at(err, IB_EINVAL, 0, 0, "to", "onbekende status");
    bool own;
    int rc = begin_own(st, &own, err);
    if (rc)
        return rc;
    rc = change_tx(st, by, id, c, day, out, err);
    return end_own(st, own, rc, err);
}

int ib_inbox_assign(ib_store *st, const ib_user *by, const int64_t *ids, size_t n,
                    const ib_signal_owner *owner, ib_date day, int64_t *failed,
                    ib_err *err)
{
    ib_err_clear(err);
    *failed = 0;
    if (owner->kind == IB_OWNER_NONE)
        return ib_err_set_at(err, IB_EINVAL, 0, 0, "owner",
                             "geef een eigenaar: user:NAAM of team:NAAM");
    bool own;
    int rc = begin_own(st, &own, err);
    if (rc)
        return rc;
    ib_inbox_change c = {.to = IB_SIGNAL_IN_PROGRESS, .owner = *owner};
    for (size_t i = 0; rc == IB_OK && i < n; i++) {
        ib_signal_row r;
        rc = ib_store_signal_get(st, ids[i], &r, err);
        /* Already this owner's: nothing to do, not a failure. */
        if (rc == IB_OK && r.state == IB_SIGNAL_IN_PROGRESS && r.owner.kind == owner->kind &&
            r.owner.id == owner->id) {
            bool sees = true;
            if (by && (rc = ib_inbox_user_sees(st, by, ids[i], &sees, err)) == IB_OK && !sees)
                rc = ib_err_set(err, IB_ENOTFOUND, "signaal %lld bestaat niet",
                                (long long)ids[i]);
            if (rc)
                *failed = ids[i];
            continue;
        }
        if (rc == IB_OK)
            rc = change_tx(st, by, ids[i], &c, day, NULL, err);
        if (rc)
            *failed = ids[i];
    }
    return end_own(st, own, rc, err);
}

/* ------------------------------------------------------------ explanations */

bool ib_inbox_active_of(const ib_signal_row *r, ib_active_signal *out)
{
    memset(out, 0, sizeof *out);
    int kind = 0;
    if (ib_code_parse(ib_signal_kind_codes, r->kind, strlen(r->kind), &kind) != IB_OK)
        return false;
    out->kind = (ib_signal_kind)kind;
    out->location = r->location;
    out->subject_id = r->subject_id;
    out->subject_sender_id = r->subject_sender_id;
    ib_strlcpy(out->subject_sender, r->subject_sender, sizeof out->subject_sender);
    ib_strlcpy(out->subject_ref, r->subject_ref, sizeof out->subject_ref);
    out->subject_record_id = r->subject_record_id;
    ib_strlcpy(out->key, r->key, sizeof out->key);
    ib_strlcpy(out->municipality, r->municipality, sizeof out->municipality);
    out->since = r->since;
    out->date = r->date;
    out->occupancy = r->occupancy;
    out->capacity = r->capacity;
    out->floor_area = r->floor_area;
    return true;
}

void ib_inbox_explain(const ib_signal_row *r, bool english, char *why, size_t why_len,
                      char *todo, size_t todo_len)
{
    ib_active_signal a;
    if (why_len)
        why[0] = '\0';
    if (todo_len)
        todo[0] = '\0';
    if (ib_inbox_active_of(r, &a))
        ib_signal_explain(&a, english, why, why_len, todo, todo_len);
}
