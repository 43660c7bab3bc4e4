/* cmd_links.c — one person across the chain at the command line
 * (docs/linkage.md): `person links ID` shows the senders' records of a
 * person and where their fixed attributes disagree; `person link` and
 * `person unlink` join and part records by hand (rule 5); `person review`
 * lists the pairs that may be one person (rule 4) and decides them. Every
 * list is a read of personal data and audited before it is printed; every
 * decision is audited by the store. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli/person_links.h"

#define CMD "person"

bool ib_cli_is_link_command(const char *sub)
{
    return strcmp(sub, "links") == 0 || strcmp(sub, "link") == 0 ||
           strcmp(sub, "unlink") == 0 || strcmp(sub, "review") == 0;
}

static bool parse_id(const char *s, int64_t *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || v <= 0)
        return false;
    *out = (int64_t)v;
    return true;
}

static bool has_text(const char *s)
{
    return s && s[strspn(s, " \t\r\n")];
}

/* A refusal by the rules (two BSNs, a shared BSN, decided already) is a
 * rejected request, not a failure of the database. */
static int refuse_or_fail(const ib_err *err)
{
    if (err->code != IB_ECONFLICT)
        return ib_cli_fail(CMD, err);
    fprintf(stderr, "inbeeld %s: %s\n", CMD, err->msg);
    return IB_EXIT_REJECTED;
}

static const char *rule_text(ib_link_rule r)
{
    switch (r) {
    case IB_LINK_BSN: return "zelfde BSN (regel 1)";
    case IB_LINK_IDENTITY: return "zelfde naam, geboortedatum en nationaliteit (regel 3)";
    case IB_LINK_MANUAL: return "met de hand (regel 5)";
    default: return "eerste record van de persoon";
    }
}

static const char *diff_text(int bit)
{
    static const char *const nl[IB_DIFF_COUNT] = {"geboortedatum", "geslacht",
                                                  "nationaliteit", "categorie", "naam"};
    return nl[bit];
}

static const char *sex_text(ib_sex s)
{
    return s == IB_SEX_UNKNOWN ? "onbekend" : ib_code_text(ib_sex_codes, (int)s);
}

static const char *mark(unsigned diff, unsigned bit)
{
    return diff & bit ? "   <- wijkt af" : "";
}

/* ------------------------------------------------------------ person links ID */

typedef struct records_ctx {
    ib_person_record *v;
    size_t n, cap;
} records_ctx;

static int keep_record(void *ctx, const ib_person_record *r)
{
    records_ctx *c = ctx;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 8;
        ib_person_record *p = realloc(c->v, cap * sizeof *p);
        if (!p)
            return IB_ENOMEM;
        c->v = p;
        c->cap = cap;
    }
    c->v[c->n++] = *r;
    return 0;
}

static void records_free(records_ctx *c)
{
    for (size_t i = 0; i < c->n; i++)
        memset(c->v[i].p.bsn, 0, sizeof c->v[i].p.bsn);
    free(c->v);
}

static void print_record(const ib_person_record *r, unsigned diff, bool source)
{
    const ib_person *p = &r->p;
    char bd[IB_DATE_STRLEN];
    printf("Record %" PRId64 " (afzender %s, ref %s)%s\n", p->meta.id, r->sender_ref,
           p->ref, source ? ", bron van de vaste gegevens" : "");
    printf("  Gekoppeld       %s\n", rule_text(r->rule));
    printf("  Naam            %s%s%s%s\n", p->family_name, p->given_names[0] ? ", " : "",
           p->given_names, mark(diff, IB_DIFF_NAMES));
    printf("  Geboren         %s%s\n", ib_date_format(p->birth_date, bd),
           mark(diff, IB_DIFF_BIRTH_DATE));
    printf("  Geslacht        %s%s\n", sex_text(p->sex), mark(diff, IB_DIFF_SEX));
    printf("  Nationaliteit   %s%s\n", p->nationality, mark(diff, IB_DIFF_NATIONALITY));
    printf("  Categorie       %s%s\n", ib_code_text(ib_category_codes, (int)p->category),
           mark(diff, IB_DIFF_CATEGORY));
    if (p->bsn[0])
        printf("  BSN             *****%s\n", p->bsn + 5);
    else
        printf("  BSN             onbekend\n");
}

static int person_links(ib_store *st, const char *idtext)
{
    int64_t id;
    if (!parse_id(idtext, &id))
        return ib_cli_usage(CMD, "links verwacht het nummer van een persoon, niet '%s'",
                            idtext);
    ib_err err;
    ib_person shown;
    records_ctx c = {0};
    ib_cli_reads reads = {0};
    int rc = ib_store_get_person_by_id(st, id, &shown, &err);
    if (rc == IB_OK)
        rc = ib_store_each_record(st, shown.person_id, 0, keep_record, &c, &err);
    memset(shown.bsn, 0, sizeof shown.bsn);
    if (rc == IB_ENOMEM)
        ib_err_set(&err, IB_ENOMEM, "onvoldoende geheugen");
    for (size_t i = 0; rc == IB_OK && i < c.n; i++)
        if (ib_cli_reads_add(&reads, c.v[i].p.meta.id, shown.person_id) != IB_OK)
            rc = ib_err_set(&err, IB_ENOMEM, "onvoldoende geheugen");
    if (rc == IB_OK)
        rc = ib_cli_audit_reads(st, "person", &reads, "inbeeld person links", &err);
    ib_cli_reads_free(&reads);
    if (rc) {
        records_free(&c);
        return ib_cli_fail(CMD, &err);
    }
    unsigned all = 0;
    for (size_t i = 0; i < c.n; i++)
        all |= ib_person_differences(&c.v[i].p, &shown);
    printf("Persoon %" PRId64 ": %zu record%s\n", shown.person_id, c.n, c.n == 1 ? "" : "s");
    if (all) {
        printf("Verschillen tussen de records:");
        for (int b = 0, first = 1; b < IB_DIFF_COUNT; b++)
            if (all & (1u << b)) {
                printf("%s %s", first ? "" : ",", diff_text(b));
                first = 0;
            }
        printf("\n");
    } else {
        printf("De records zijn het eens over de vaste gegevens.\n");
    }
    for (size_t i = 0; i < c.n; i++) {
        printf("\n");
        print_record(&c.v[i], ib_person_differences(&c.v[i].p, &shown),
                     c.v[i].p.meta.id == shown.meta.id);
    }
    records_free(&c);
    return IB_EXIT_OK;
}

/* ------------------------------------------------------------ link, unlink */

static int person_link(ib_store *st, const char *a_text, const char *b_text,
                       const char *reason)
{
    int64_t a, b, into = 0;
    if (!parse_id(a_text, &a) || !parse_id(b_text, &b))
        return ib_cli_usage(CMD, "link verwacht twee nummers van personen");
    ib_err err;
    if (ib_store_link_persons(st, a, b, reason, &into, &err) != IB_OK)
        return refuse_or_fail(&err);
    printf("persoon %" PRId64 " en %" PRId64 " gekoppeld: nu persoon %" PRId64
           " (vastgelegd in het auditlog)\n", a, b, into);
    return IB_EXIT_OK;
}

static int person_unlink(ib_store *st, const char *what, const char *sender,
                         const char *reason)
{
    int64_t record = 0, was = 0, now = 0;
    ib_err err;
    if (sender) {
        int64_t sender_id;
        ib_person p;
        if (ib_store_sender(st, sender, false, &sender_id, &err) != IB_OK ||
            ib_store_get_person(st, sender_id, what, &p, &err) != IB_OK)
            return ib_cli_fail(CMD, &err);
        memset(p.bsn, 0, sizeof p.bsn);
        record = p.meta.id;
    } else if (!parse_id(what, &record)) {
        return ib_cli_usage(CMD, "unlink verwacht het nummer van een record, of "
                                 "--sender AFZENDER REF");
    }
    if (ib_store_person_of_record(st, record, &was, &err) != IB_OK)
        return ib_cli_fail(CMD, &err);
    if (ib_store_unlink_record(st, record, reason, &now, &err) != IB_OK)
        return refuse_or_fail(&err);
    printf("record %" PRId64 " ontkoppeld uit persoon %" PRId64 ": nu persoon %" PRId64
           " (vastgelegd in het auditlog)\n", record, was, now);
    return IB_EXIT_OK;
}

/* ------------------------------------------------------------ review */

/* The record record_id with its person's id and its sender's ref. */
typedef struct find_ctx {
    int64_t id;
    ib_person_record *out;
} find_ctx;

static int find_record_cb(void *ctx, const ib_person_record *r)
{
    find_ctx *f = ctx;
    if (r->p.meta.id != f->id)
        return 0;
    *f->out = *r;
    return 1;
}

static int get_record(ib_store *st, int64_t record_id, ib_person_record *out, ib_err *err)
{
    int64_t person;
    memset(out, 0, sizeof *out);
    int rc = ib_store_person_of_record(st, record_id, &person, err);
    if (rc)
        return rc;
    find_ctx f = {record_id, out};
    rc = ib_store_each_record(st, person, 0, find_record_cb, &f, err);
    if (rc < 0)
        return rc;
    if (out->p.meta.id != record_id)
        return ib_err_set(err, IB_ENOTFOUND, "record %" PRId64 " bestaat niet", record_id);
    return IB_OK;
}

typedef struct reviews_ctx {
    ib_link_review *v;
    size_t n, cap;
} reviews_ctx;

static int keep_review(void *ctx, const ib_link_review *r)
{
    reviews_ctx *c = ctx;
    /* An open pair whose records another link made one person has nothing
     * left to decide (the server leaves it out too). */
    if (r->state == IB_REVIEW_OPEN && r->person_a == r->person_b)
        return 0;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        ib_link_review *p = realloc(c->v, cap * sizeof *p);
        if (!p)
            return IB_ENOMEM;
        c->v = p;
        c->cap = cap;
    }
    c->v[c->n++] = *r;
    return 0;
}

static const char *reason_text(const char *reason)
{
    if (strcmp(reason, "look-alike") == 0)
        return "lijken op elkaar (regel 4)";
    if (strcmp(reason, "ambiguous") == 0)
        return "meer dan één persoon past (regel 3)";
    if (strcmp(reason, "same-sender") == 0)
        return "de persoon heeft al een record van deze afzender (regel 3)";
    return reason;
}

static const char *state_text(ib_review_state s)
{
    switch (s) {
    case IB_REVIEW_LINKED: return "zelfde persoon";
    case IB_REVIEW_DIFFERENT: return "niet dezelfde persoon";
    default: return "open";
    }
}

static void side_by_side(const char *label, const char *a, const char *b, bool differ)
{
    printf("  %-15s %-32s %s%s\n", label, a, b, differ ? "   <- wijkt af" : "");
}

static void print_pair(const ib_link_review *r, const ib_person_record *a,
                       const ib_person_record *b)
{
    unsigned d = ib_person_differences(&a->p, &b->p);
    char x[2 * IB_NAME_MAX + 8], y[2 * IB_NAME_MAX + 8];
    printf("Paar %" PRId64 ": %s, gelijkenis %d.%03d, %s\n", r->id, reason_text(r->reason),
           r->score / 1000, r->score % 1000, state_text(r->state));
    snprintf(x, sizeof x, "%" PRId64, a->p.meta.id);
    snprintf(y, sizeof y, "%" PRId64, b->p.meta.id);
    side_by_side("record", x, y, false);
    snprintf(x, sizeof x, "%" PRId64, r->person_a);
    snprintf(y, sizeof y, "%" PRId64, r->person_b);
    side_by_side("persoon", x, y, false);
    side_by_side("afzender", a->sender_ref, b->sender_ref, false);
    side_by_side("ref", a->p.ref, b->p.ref, false);
    snprintf(x, sizeof x, "%s, %s", a->p.family_name, a->p.given_names);
    snprintf(y, sizeof y, "%s, %s", b->p.family_name, b->p.given_names);
    side_by_side("naam", x, y, d & IB_DIFF_NAMES);
    char bx[IB_DATE_STRLEN], by[IB_DATE_STRLEN];
    side_by_side("geboren", ib_date_format(a->p.birth_date, bx),
                 ib_date_format(b->p.birth_date, by), d & IB_DIFF_BIRTH_DATE);
    side_by_side("geslacht", sex_text(a->p.sex), sex_text(b->p.sex), d & IB_DIFF_SEX);
    side_by_side("nationaliteit", a->p.nationality, b->p.nationality,
                 d & IB_DIFF_NATIONALITY);
    side_by_side("BSN", a->p.bsn[0] ? "bekend" : "onbekend",
                 b->p.bsn[0] ? "bekend" : "onbekend", false);
    if (r->state != IB_REVIEW_OPEN)
        printf("  besluit         %s door %s op %s: %s\n", state_text(r->state),
               r->decided_by, r->decided_at, r->decision_reason);
}

static int review_list(ib_store *st, const char *state)
{
    int code = IB_REVIEW_OPEN;
    if (state && strcmp(state, "all") == 0)
        code = -1;
    else if (state && ib_code_parse(ib_review_state_codes, state, strlen(state), &code))
        return ib_cli_usage(CMD, "--state is open, linked, different of all");
    ib_err err;
    reviews_ctx c = {0};
    ib_person_record *recs = NULL;
    ib_cli_reads reads = {0};
    int rc = ib_store_each_review(st, code, keep_review, &c, &err);
    if (rc == IB_ENOMEM)
        ib_err_set(&err, IB_ENOMEM, "onvoldoende geheugen");
    if (rc == IB_OK && c.n && !(recs = calloc(2 * c.n, sizeof *recs)))
        rc = ib_err_set(&err, IB_ENOMEM, "onvoldoende geheugen");
    for (size_t i = 0; rc == IB_OK && i < c.n; i++) {
        rc = get_record(st, c.v[i].record_a, &recs[2 * i], &err);
        if (!rc) rc = get_record(st, c.v[i].record_b, &recs[2 * i + 1], &err);
        if (!rc && (ib_cli_reads_add(&reads, c.v[i].record_a, c.v[i].person_a) ||
                    ib_cli_reads_add(&reads, c.v[i].record_b, c.v[i].person_b)))
            rc = ib_err_set(&err, IB_ENOMEM, "onvoldoende geheugen");
    }
    if (rc == IB_OK)
        rc = ib_cli_audit_reads(st, "person", &reads, "inbeeld person review", &err);
    ib_cli_reads_free(&reads);
    if (rc == IB_OK) {
        for (size_t i = 0; i < c.n; i++) {
            if (i)
                printf("\n");
            print_pair(&c.v[i], &recs[2 * i], &recs[2 * i + 1]);
        }
        printf("%s%zu %s\n", c.n ? "\n" : "", c.n, c.n == 1 ? "paar" : "paren");
    }
    for (size_t i = 0; recs && i < 2 * c.n; i++)
        memset(recs[i].p.bsn, 0, sizeof recs[i].p.bsn);
    free(recs);
    free(c.v);
    return rc ? ib_cli_fail(CMD, &err) : IB_EXIT_OK;
}

static int review_decide(ib_store *st, const char *idtext, bool same, const char *reason)
{
    int64_t id;
    if (!parse_id(idtext, &id))
        return ib_cli_usage(CMD, "review verwacht het nummer van een paar, niet '%s'",
                            idtext);
    ib_err err;
    if (ib_store_decide_review(st, id, same, reason, &err) != IB_OK)
        return refuse_or_fail(&err);
    ib_link_review r;
    int64_t now = 0;
    if (ib_store_get_review(st, id, &r, &err) != IB_OK)
        return ib_cli_fail(CMD, &err);
    if (same)
        ib_store_resolve_person(st, r.person_a, &now, &err);
    if (same)
        printf("paar %" PRId64 ": zelfde persoon, nu persoon %" PRId64
               " (vastgelegd in het auditlog)\n", id, now ? now : r.person_a);
    else
        printf("paar %" PRId64 ": niet dezelfde persoon; dit paar wordt niet opnieuw "
               "voorgesteld (vastgelegd in het auditlog)\n", id);
    return IB_EXIT_OK;
}

/* ------------------------------------------------------------ dispatch */

int ib_cli_person_linkage(const ib_cli_db *db, const char *sub, int nargs, char **args,
                          const ib_cli_link_opts *o)
{
    bool links = strcmp(sub, "links") == 0, link = strcmp(sub, "link") == 0,
         unlink = strcmp(sub, "unlink") == 0, review = strcmp(sub, "review") == 0;
    bool decide = review && nargs == 1;
    if ((links && nargs != 1) || (link && nargs != 2) || (unlink && nargs != 1) ||
        (review && nargs > 1))
        return ib_cli_usage(CMD, "gebruik: inbeeld person links ID | link ID1 ID2 "
                                 "--reason TEKST | unlink RECORD --reason TEKST | "
                                 "review [ID --same|--different --reason TEKST]");
    if (o->sender && !unlink)
        return ib_cli_usage(CMD, "--sender hoort hier bij unlink (of show, export, erase)");
    if (o->state && !(review && !decide))
        return ib_cli_usage(CMD, "--state hoort bij review zonder ID");
    if (o->decision && !decide)
        return ib_cli_usage(CMD, "--same en --different horen bij review ID");
    if (decide && !o->decision)
        return ib_cli_usage(CMD, "review ID heeft --same of --different nodig");
    bool writes = link || unlink || decide;
    if (o->reason && !writes)
        return ib_cli_usage(CMD, "--reason hoort bij link, unlink en review ID");
    if (writes && !has_text(o->reason))
        return ib_cli_usage(CMD, "%s heeft --reason TEKST nodig (komt in het auditlog)",
                            sub);
    ib_store *st = ib_cli_open(db, false);
    if (!st)
        return IB_EXIT_FAILURE;
    ib_store_set_actor(st, "cli");
    int rc = links    ? person_links(st, args[0])
             : link   ? person_link(st, args[0], args[1], o->reason)
             : unlink ? person_unlink(st, args[0], o->sender, o->reason)
             : decide ? review_decide(st, args[0], o->decision > 0, o->reason)
                      : review_list(st, o->state);
    ib_store_close(st);
    return rc;
}
