/* signals_inbox.c — the inbox at the command line (docs/inbox.md): the
 * stored signals (list --inbox), an evaluation, one signal with its
 * history, the steps people take (assign, close, release), the settings,
 * teams and routes. The command line acts for an operator, who sees every
 * signal; an owner must still be allowed the signal. Signals of persons
 * shown are audited as reads before anything is printed; every change is
 * audited by the store (actor cli:USER). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/signals_inbox.h"
#include "figures/figures.h"
#include "signals/signals.h"

#define CMD "signals"
#define WHY_LEN 512

/* ------------------------------------------------------------ shared */

static void actor_of(char *out, size_t size)
{
    const char *user = getenv("USER");
    snprintf(out, size, "cli:%s", user && *user ? user : "onbekend");
}

static ib_store *open_store(const ib_cli_db *db)
{
    ib_store *st = ib_cli_open(db, false);
    if (st) {
        char actor[80];
        actor_of(actor, sizeof actor);
        ib_store_set_actor(st, actor);
    }
    return st;
}

/* A step the table or the scope refuses is refused input (exit 2), as a
 * refused link is. */
static int fail_closing(ib_store *st, const ib_err *err)
{
    int code = ib_cli_fail(CMD, err);
    if (err->code == IB_ECONFLICT || err->code == IB_EDENIED)
        code = IB_EXIT_REJECTED;
    ib_store_close(st);
    return code;
}

static bool parse_signal_id(const char *s, int64_t *id)
{
    long v;
    if (!ib_parse_long(s, 1, 0x7fffffffL, &v))
        return false;
    *id = v;
    return true;
}

static const char *date_text(ib_date d, char buf[IB_DATE_STRLEN])
{
    return d == IB_DATE_NONE ? "-" : ib_date_format(d, buf);
}

/* ------------------------------------------------------------ list --inbox */

typedef enum { FMT_TABLE, FMT_CSV, FMT_JSON } out_format;

typedef struct inbox_args {
    ib_cli_db db;
    ib_signal_query q;
    out_format fmt;
    const char *owner;
} inbox_args;

static int parse_inbox(int argc, char **argv, inbox_args *a)
{
    enum { O_INBOX = 0x100, O_STATE, O_KIND, O_OWNER, O_MUNI, O_OVERDUE, O_FORMAT };
    static const struct option opts[] = {
        IB_CLI_DB_OPTIONS, {"inbox", no_argument, NULL, O_INBOX},
        {"state", required_argument, NULL, O_STATE},
        {"kind", required_argument, NULL, O_KIND},
        {"owner", required_argument, NULL, O_OWNER},
        {"municipality", required_argument, NULL, O_MUNI},
        {"overdue", no_argument, NULL, O_OVERDUE},
        {"format", required_argument, NULL, O_FORMAT}, {0, 0, 0, 0}};
    ib_cli_db_defaults(&a->db);
    a->q = (ib_signal_query){.persons = true, .locations = true,
                             .overdue_on = IB_DATE_NONE, .limit = INT64_MAX / 2};
    int c, code;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': a->db.path = optarg; break;
        case 'k': a->db.key = optarg; break;
        case O_INBOX: break;
        case O_STATE:
            if (ib_code_parse(ib_signal_state_codes, optarg, strlen(optarg), &code) != IB_OK)
                return ib_cli_usage(CMD, "--state: open, in_progress, done, unfounded of "
                                         "lapsed");
            a->q.states |= 1u << code;
            break;
        case O_KIND:
            if (ib_code_parse(ib_signal_kind_codes, optarg, strlen(optarg), &code) != IB_OK)
                return ib_cli_usage(CMD, "--kind: onbekende soort '%s'", optarg);
            a->q.kind = optarg;
            break;
        case O_OWNER: a->owner = optarg; break;
        case O_MUNI:
            if (!ib_municipality_is_valid(optarg, strlen(optarg)))
                return ib_cli_usage(CMD, "--municipality: een CBS-code GM0000");
            a->q.municipality = optarg;
            break;
        case O_OVERDUE: a->q.overdue_on = ib_date_today(); break;
        case O_FORMAT:
            if (strcmp(optarg, "table") == 0) a->fmt = FMT_TABLE;
            else if (strcmp(optarg, "csv") == 0) a->fmt = FMT_CSV;
            else if (strcmp(optarg, "json") == 0) a->fmt = FMT_JSON;
            else return ib_cli_usage(CMD, "--format: table, csv of json");
            break;
        default: return ib_cli_usage(CMD, "onbekende optie");
        }
    }
    if (optind != argc)
        return ib_cli_usage(CMD, "list --inbox verwacht geen argument '%s'", argv[optind]);
    return IB_EXIT_OK;
}

static int collect_read(void *ctx, const ib_signal_row *r)
{
    return r->location ? 0 : ib_cli_reads_add(ctx, r->id, r->subject_id);
}

typedef struct print_ctx {
    out_format fmt;
    ib_json j;
    ib_date today;
} print_ctx;

static void owner_text(const ib_signal_row *r, char *out, size_t size)
{
    ib_inbox_owner_text(&r->owner, out, size);
    if (!out[0])
        snprintf(out, size, "-");
}

static int print_row(void *ctx, const ib_signal_row *r)
{
    print_ctx *pc = ctx;
    char owner[IB_SIGNAL_OWNER_TEXT], d1[IB_DATE_STRLEN], d2[IB_DATE_STRLEN],
        d3[IB_DATE_STRLEN], d4[IB_DATE_STRLEN], d5[IB_DATE_STRLEN], why[WHY_LEN];
    owner_text(r, owner, sizeof owner);
    bool overdue = (r->state == IB_SIGNAL_OPEN || r->state == IB_SIGNAL_IN_PROGRESS) &&
                   r->due < pc->today;
    const char *state = ib_code_text(ib_signal_state_codes, (int)r->state);
    switch (pc->fmt) {
    case FMT_CSV:
        printf("%lld,%s,%s,%lld,", (long long)r->id, r->kind,
               r->location ? "location" : "person", (long long)r->subject_id);
        ib_csv_put_field(stdout, r->subject_sender);
        fputc(',', stdout);
        ib_csv_put_field(stdout, r->subject_ref);
        fputc(',', stdout);
        ib_csv_put_field(stdout, r->key);
        printf(",%s,%s,", r->municipality, state);
        ib_csv_put_field(stdout, owner[0] == '-' ? "" : owner);
        printf(",%s,%s,%s,%s,%s,%s\n", ib_date_format(r->since, d1),
               ib_date_format(r->due, d2), overdue ? "true" : "false",
               ib_date_format(r->first_found, d3), ib_date_format(r->last_found, d4),
               ib_date_format(r->closed_on, d5));
        break;
    case FMT_JSON:
        ib_inbox_explain(r, false, why, sizeof why, NULL, 0);
        ib_json_object(&pc->j, NULL);
        ib_json_int(&pc->j, "id", r->id);
        ib_json_str(&pc->j, "kind", r->kind);
        ib_json_str(&pc->j, "subject", r->location ? "location" : "person");
        ib_json_int(&pc->j, "subject_id", r->subject_id);
        ib_json_str(&pc->j, "subject_sender", r->subject_sender);
        ib_json_str(&pc->j, "subject_ref", r->subject_ref);
        ib_json_str(&pc->j, "key", r->key);
        ib_json_str(&pc->j, "municipality", r->municipality);
        ib_json_str(&pc->j, "state", state);
        ib_json_str(&pc->j, "owner", owner[0] == '-' ? "" : owner);
        ib_json_str(&pc->j, "since", ib_date_format(r->since, d1));
        ib_json_str(&pc->j, "due", ib_date_format(r->due, d2));
        ib_json_bool(&pc->j, "overdue", overdue);
        ib_json_str(&pc->j, "why", why);
        ib_json_end(&pc->j);
        break;
    default:
        printf("%7lld %-18s %-22s %-14s %-8s %-12s %-20s %s%s\n", (long long)r->id, r->kind,
               r->subject_sender, r->subject_ref, r->municipality[0] ? r->municipality : "-",
               state, owner, ib_date_format(r->due, d2), overdue ? " (verlopen)" : "");
    }
    return 0;
}

int ib_cli_signals_inbox(int argc, char **argv)
{
    inbox_args a = {0};
    int rc = parse_inbox(argc, argv, &a);
    if (rc != IB_EXIT_OK)
        return rc;
    ib_store *st = open_store(&a.db);
    if (!st)
        return IB_EXIT_FAILURE;
    ib_err err;
    if (a.owner) {
        if ((rc = ib_inbox_owner_parse(st, a.owner, &a.q.owner_is, &err)) != IB_OK)
            return fail_closing(st, &err);
        a.q.owner = IB_OWNERF_IS;
    }
    ib_cli_reads reads = {0};
    int64_t total = 0;
    rc = ib_store_signal_query(st, &a.q, collect_read, &reads, &total, &err);
    if (rc == IB_ENOMEM)
        rc = ib_err_set(&err, IB_ENOMEM, "onvoldoende geheugen");
    if (rc == IB_OK)
        rc = ib_cli_audit_reads(st, "signal", &reads, "inbeeld signals list --inbox", &err);
    ib_cli_reads_free(&reads);
    if (rc)
        return fail_closing(st, &err);
    print_ctx pc = {.fmt = a.fmt, .today = ib_date_today()};
    if (a.fmt == FMT_CSV)
        puts("id,kind,subject,subject_id,subject_sender,subject_ref,key,municipality,state,"
             "owner,since,due,overdue,first_found,last_found,closed_on");
    else if (a.fmt == FMT_JSON) {
        ib_json_init(&pc.j, stdout);
        ib_json_object(&pc.j, NULL);
        ib_json_int(&pc.j, "count", total);
        ib_json_array(&pc.j, "signals", false);
    } else {
        printf("Signalen in de inbox: %lld\n", (long long)total);
        if (total)
            printf("%7s %-18s %-22s %-14s %-8s %-12s %-20s %s\n", "id", "soort", "afzender",
                   "ref", "gemeente", "status", "eigenaar", "termijn");
    }
    rc = ib_store_signal_query(st, &a.q, print_row, &pc, &total, &err);
    if (a.fmt == FMT_JSON) {
        ib_json_end(&pc.j);
        ib_json_end(&pc.j);
        ib_json_finish(&pc.j);
    }
    if (rc)
        return fail_closing(st, &err);
    ib_store_close(st);
    return IB_EXIT_OK;
}

/* ------------------------------------------------------------ options of one signal */

/* --db, --key and the subcommand's own options (given as a table ending
 * in {0}); positional arguments left from optind. */
typedef struct sub_opts {
    ib_cli_db db;
    const char *user, *team, *outcome, *unfounded, *at, *kind, *municipality, *lang;
    bool remove;
} sub_opts;

enum { O_USER = 0x200, O_TEAM, O_OUTCOME, O_UNFOUNDED, O_AT, O_KIND, O_MUNI2, O_LANG,
       O_REMOVE };

static int parse_sub(int argc, char **argv, sub_opts *o)
{
    static const struct option opts[] = {
        IB_CLI_DB_OPTIONS, {"user", required_argument, NULL, O_USER},
        {"team", required_argument, NULL, O_TEAM},
        {"outcome", required_argument, NULL, O_OUTCOME},
        {"unfounded", required_argument, NULL, O_UNFOUNDED},
        {"at", required_argument, NULL, O_AT},
        {"kind", required_argument, NULL, O_KIND},
        {"municipality", required_argument, NULL, O_MUNI2},
        {"lang", required_argument, NULL, O_LANG},
        {"remove", no_argument, NULL, O_REMOVE}, {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    ib_cli_db_defaults(&o->db);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': o->db.path = optarg; break;
        case 'k': o->db.key = optarg; break;
        case O_USER: o->user = optarg; break;
        case O_TEAM: o->team = optarg; break;
        case O_OUTCOME: o->outcome = optarg; break;
        case O_UNFOUNDED: o->unfounded = optarg; break;
        case O_AT: o->at = optarg; break;
        case O_KIND: o->kind = optarg; break;
        case O_MUNI2: o->municipality = optarg; break;
        case O_LANG: o->lang = optarg; break;
        case O_REMOVE: o->remove = true; break;
        default: return ib_cli_usage(CMD, "onbekende optie");
        }
    }
    return IB_EXIT_OK;
}

/* Options that the subcommand does not take: a usage error. */
static int refuse_others(const sub_opts *o, const char *sub, const char *allowed)
{
    struct { const char *name; bool given; } given[] = {
        {"user", o->user}, {"team", o->team}, {"outcome", o->outcome},
        {"unfounded", o->unfounded}, {"at", o->at}, {"kind", o->kind},
        {"municipality", o->municipality}, {"lang", o->lang}, {"remove", o->remove}};
    for (size_t i = 0; i < sizeof given / sizeof *given; i++)
        if (given[i].given && !strstr(allowed, given[i].name))
            return ib_cli_usage(CMD, "%s kent geen --%s", sub, given[i].name);
    return IB_EXIT_OK;
}

/* ------------------------------------------------------------ evaluate */

int ib_cli_signals_evaluate(int argc, char **argv)
{
    sub_opts o;
    int rc = parse_sub(argc, argv, &o);
    if (rc == IB_EXIT_OK)
        rc = refuse_others(&o, "evaluate", "at");
    if (rc != IB_EXIT_OK)
        return rc;
    if (optind != argc)
        return ib_cli_usage(CMD, "evaluate verwacht geen argument '%s'", argv[optind]);
    ib_date today = ib_date_today(), at = today;
    ib_err err;
    if (o.at && ib_date_parse(o.at, strlen(o.at), &at, &err) != IB_OK)
        return ib_cli_usage(CMD, "--at: %s", err.msg);
    if (at > today)
        return ib_cli_usage(CMD, "--at: niet na vandaag (de inbox volgt de tijd; "
                                 "'signals list --at' kijkt vooruit)");
    ib_store *st = open_store(&o.db);
    if (!st)
        return IB_EXIT_FAILURE;
    char actor[80], day[IB_DATE_STRLEN];
    actor_of(actor, sizeof actor);
    ib_inbox_report rep;
    if ((rc = ib_inbox_evaluate(st, at, actor, &rep, &err)) != IB_OK)
        return fail_closing(st, &err);
    printf("Signalen geëvalueerd op %s: %lld actief, %lld nieuw, %lld vervallen, "
           "%lld heropend, %lld gevolgd, %lld bijgewerkt%s\n", ib_date_format(at, day),
           (long long)rep.found, (long long)rep.opened, (long long)rep.lapsed,
           (long long)rep.reopened, (long long)rep.moved, (long long)rep.updated,
           rep.written ? "" : " (niets gewijzigd)");
    ib_store_close(st);
    return IB_EXIT_OK;
}

/* ------------------------------------------------------------ show */

static int print_change(void *ctx, const ib_signal_change *c)
{
    bool en = *(bool *)ctx;
    char day[IB_DATE_STRLEN];
    printf("  %s  %-16s %-11s -> %-11s %-20s %s\n", ib_date_format(c->day, day), c->actor,
           c->from < 0 ? "-" : ib_code_text(ib_signal_state_codes, c->from),
           ib_code_text(ib_signal_state_codes, (int)c->to), c->owner[0] ? c->owner : "-",
           en && c->why_en[0] ? c->why_en : c->why);
    return 0;
}

static void print_steps(ib_signal_state from, bool en)
{
    printf("  %-14s ", en ? "Next steps" : "Mogelijk");
    unsigned bits = ib_inbox_allowed(from);
    if (!bits)
        printf("%s", en ? "none (closed or by the rules only)"
                        : "geen (afgesloten, of alleen door de regels)");
    for (size_t i = 0, n = 0; i < ib_inbox_ntransitions; i++) {
        const ib_inbox_transition *t = &ib_inbox_transitions[i];
        if (t->from != (int)from || t->by != IB_BY_PERSON)
            continue;
        printf("%s%s (%s)", n++ ? ", " : "", ib_code_text(ib_signal_state_codes, (int)t->to),
               en ? t->en : t->nl);
    }
    printf("\n");
}

static void print_signal(const ib_signal_row *r, bool en)
{
    char d1[IB_DATE_STRLEN], d2[IB_DATE_STRLEN], owner[IB_SIGNAL_OWNER_TEXT], why[WHY_LEN],
        todo[WHY_LEN];
    owner_text(r, owner, sizeof owner);
    ib_inbox_explain(r, en, why, sizeof why, todo, sizeof todo);
    bool overdue = (r->state == IB_SIGNAL_OPEN || r->state == IB_SIGNAL_IN_PROGRESS) &&
                   r->due < ib_date_today();
    printf("%s %lld — %s (%s)\n", en ? "Signal" : "Signaal", (long long)r->id, r->kind,
           ib_inbox_state_label(r->state, en));
    printf("  %-14s %s %lld: %s %s\n", en ? "Subject" : "Betreft",
           r->location ? (en ? "location" : "locatie") : (en ? "person" : "persoon"),
           (long long)r->subject_id, r->subject_sender, r->subject_ref);
    printf("  %-14s %s\n", en ? "Key" : "Sleutel", r->key[0] ? r->key : "-");
    printf("  %-14s %s\n", en ? "Municipality" : "Gemeente",
           r->municipality[0] ? r->municipality : "-");
    printf("  %-14s %s\n", en ? "Owner" : "Eigenaar", owner);
    printf("  %-14s %s\n", en ? "Since" : "Sinds", date_text(r->since, d1));
    printf("  %-14s %s%s\n", en ? "Due" : "Termijn", date_text(r->due, d1),
           overdue ? (en ? " (overdue)" : " (verlopen)") : "");
    printf("  %-14s %s – %s\n", en ? "Found" : "Gevonden", date_text(r->first_found, d1),
           date_text(r->last_found, d2));
    if (r->state == IB_SIGNAL_DONE)
        printf("  %-14s %s (%s), %s\n", en ? "Outcome" : "Uitkomst", r->outcome,
               ib_inbox_outcome_label(r->outcome, en), date_text(r->closed_on, d1));
    if (r->state == IB_SIGNAL_UNFOUNDED)
        printf("  %-14s %s, %s\n", en ? "Reason" : "Reden", r->reason,
               date_text(r->closed_on, d1));
    printf("  %-14s %s\n", en ? "Why" : "Waarom", why);
    printf("  %-14s %s\n", en ? "To do" : "Wat te doen", todo);
    print_steps(r->state, en);
}

int ib_cli_signals_show(int argc, char **argv)
{
    sub_opts o;
    int rc = parse_sub(argc, argv, &o);
    if (rc == IB_EXIT_OK)
        rc = refuse_others(&o, "show", "lang");
    if (rc != IB_EXIT_OK)
        return rc;
    int64_t id;
    if (optind + 1 != argc || !parse_signal_id(argv[optind], &id))
        return ib_cli_usage(CMD, "show ID: één signaalnummer");
    bool en = o.lang && strcmp(o.lang, "en") == 0;
    if (o.lang && !en && strcmp(o.lang, "nl") != 0)
        return ib_cli_usage(CMD, "--lang: nl of en");
    ib_store *st = open_store(&o.db);
    if (!st)
        return IB_EXIT_FAILURE;
    ib_err err;
    ib_signal_row r;
    ib_cli_reads reads = {0};
    rc = ib_store_signal_get(st, id, &r, &err);
    if (rc == IB_OK && !r.location) {
        if (ib_cli_reads_add(&reads, r.id, r.subject_id) != IB_OK)
            rc = ib_err_set(&err, IB_ENOMEM, "onvoldoende geheugen");
        else
            rc = ib_cli_audit_reads(st, "signal", &reads, "inbeeld signals show", &err);
    }
    ib_cli_reads_free(&reads);
    if (rc)
        return fail_closing(st, &err);
    print_signal(&r, en);
    printf("\n%s\n", en ? "History" : "Geschiedenis");
    rc = ib_store_signal_each_change(st, id, print_change, &en, &err);
    if (rc)
        return fail_closing(st, &err);
    ib_store_close(st);
    return IB_EXIT_OK;
}

/* ------------------------------------------------------------ assign, close, release */

int ib_cli_signals_assign(int argc, char **argv)
{
    sub_opts o;
    int rc = parse_sub(argc, argv, &o);
    if (rc == IB_EXIT_OK)
        rc = refuse_others(&o, "assign", "user team");
    if (rc != IB_EXIT_OK)
        return rc;
    if (!o.user == !o.team)
        return ib_cli_usage(CMD, "assign: geef --user NAAM of --team NAAM");
    size_t n = (size_t)(argc - optind);
    if (n == 0)
        return ib_cli_usage(CMD, "assign: geef een of meer signaalnummers");
    int64_t *ids = calloc(n, sizeof *ids);
    if (!ids)
        return IB_EXIT_FAILURE;
    for (size_t i = 0; i < n; i++)
        if (!parse_signal_id(argv[optind + (int)i], &ids[i])) {
            free(ids);
            return ib_cli_usage(CMD, "assign: '%s' is geen signaalnummer",
                                argv[optind + (int)i]);
        }
    ib_store *st = open_store(&o.db);
    if (!st) {
        free(ids);
        return IB_EXIT_FAILURE;
    }
    char text[IB_USERNAME_MAX + 8];
    snprintf(text, sizeof text, "%s:%s", o.user ? "user" : "team", o.user ? o.user : o.team);
    ib_signal_owner owner;
    ib_err err;
    int64_t failed = 0;
    rc = ib_inbox_owner_parse(st, text, &owner, &err);
    if (rc == IB_OK)
        rc = ib_inbox_assign(st, NULL, ids, n, &owner, ib_date_today(), &failed, &err);
    free(ids);
    if (rc)
        return fail_closing(st, &err);
    printf("%zu %s toegewezen aan %s\n", n, n == 1 ? "signaal" : "signalen", text);
    ib_store_close(st);
    return IB_EXIT_OK;
}

static int one_step(int argc, char **argv, const char *sub, const ib_inbox_change *c,
                    const sub_opts *given)
{
    int64_t id;
    if (optind + 1 != argc || !parse_signal_id(argv[optind], &id))
        return ib_cli_usage(CMD, "%s ID: één signaalnummer", sub);
    ib_store *st = open_store(&given->db);
    if (!st)
        return IB_EXIT_FAILURE;
    ib_err err;
    ib_signal_row r;
    int rc = ib_inbox_change_state(st, NULL, id, c, ib_date_today(), &r, &err);
    if (rc)
        return fail_closing(st, &err);
    char owner[IB_SIGNAL_OWNER_TEXT];
    owner_text(&r, owner, sizeof owner);
    printf("Signaal %lld: %s (eigenaar %s)\n", (long long)id,
           ib_inbox_state_label(r.state, false), owner);
    ib_store_close(st);
    return IB_EXIT_OK;
}

int ib_cli_signals_close(int argc, char **argv)
{
    sub_opts o;
    int rc = parse_sub(argc, argv, &o);
    if (rc == IB_EXIT_OK)
        rc = refuse_others(&o, "close", "outcome unfounded");
    if (rc != IB_EXIT_OK)
        return rc;
    if (!o.outcome == !o.unfounded)
        return ib_cli_usage(CMD, "close: geef --outcome CODE of --unfounded REDEN");
    ib_inbox_change c = {.to = o.outcome ? IB_SIGNAL_DONE : IB_SIGNAL_UNFOUNDED,
                         .outcome = o.outcome, .reason = o.unfounded};
    return one_step(argc, argv, "close", &c, &o);
}

int ib_cli_signals_release(int argc, char **argv)
{
    sub_opts o;
    int rc = parse_sub(argc, argv, &o);
    if (rc == IB_EXIT_OK)
        rc = refuse_others(&o, "release", "");
    if (rc != IB_EXIT_OK)
        return rc;
    ib_inbox_change c = {.to = IB_SIGNAL_OPEN};
    return one_step(argc, argv, "release", &c, &o);
}

/* ------------------------------------------------------------ settings */

static void print_settings(const ib_inbox_settings *s)
{
    printf("%-30s %-8s %-10s %s\n", "instelling", "waarde", "standaard", "betekenis");
    for (size_t i = 0; i < ib_inbox_nsettings; i++) {
        const ib_inbox_setting *d = &ib_inbox_setting_list[i];
        char v[24], def[24];
        ib_inbox_setting_format(i, ib_inbox_setting_get(s, i), v, sizeof v);
        ib_inbox_setting_format(i, d->def, def, sizeof def);
        printf("%-30s %-8s %-10s %s\n", d->name, v, def, d->about_nl);
    }
}

int ib_cli_signals_settings(int argc, char **argv)
{
    sub_opts o;
    int rc = parse_sub(argc, argv, &o);
    if (rc == IB_EXIT_OK)
        rc = refuse_others(&o, "settings", "");
    if (rc != IB_EXIT_OK)
        return rc;
    int nargs = argc - optind;
    bool set = nargs == 3 && strcmp(argv[optind], "set") == 0;
    if (nargs != 0 && !set)
        return ib_cli_usage(CMD, "settings [set NAAM WAARDE]");
    long i = set ? ib_inbox_setting_find(argv[optind + 1]) : 0;
    if (i < 0)
        return ib_cli_usage(CMD, "settings: onbekende instelling '%s'", argv[optind + 1]);
    ib_err err;
    int64_t value = 0;
    if (set && ib_inbox_setting_parse((size_t)i, argv[optind + 2], &value, &err) != IB_OK)
        return ib_cli_usage(CMD, "settings set %s: %s", argv[optind + 1], err.msg);
    ib_store *st = open_store(&o.db);
    if (!st)
        return IB_EXIT_FAILURE;
    ib_inbox_settings s;
    if (set && (rc = ib_inbox_setting_set(st, argv[optind + 1], value, &err)) != IB_OK)
        return fail_closing(st, &err);
    if ((rc = ib_inbox_settings_load(st, &s, &err)) != IB_OK)
        return fail_closing(st, &err);
    if (set)
        printf("%s = %s (de volgende evaluatie past het toe)\n", argv[optind + 1],
               argv[optind + 2]);
    else
        print_settings(&s);
    ib_store_close(st);
    return IB_EXIT_OK;
}

/* ------------------------------------------------------------ teams */

static int print_member(void *ctx, const ib_user *u)
{
    int *n = ctx;
    printf("%s%s", (*n)++ ? ", " : "", u->name);
    return 0;
}

typedef struct team_list {
    ib_team *v;
    size_t n, cap;
} team_list;

static int keep_team(void *ctx, const ib_team *t)
{
    team_list *l = ctx;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        ib_team *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return IB_ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = *t;
    return 0;
}

static int list_teams(ib_store *st, ib_err *err)
{
    team_list l = {0};
    int rc = ib_team_each(st, 0, keep_team, &l, err);
    if (rc == IB_ENOMEM)
        rc = ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    printf("%-24s %-6s %s\n", "team", "leden", "wie");
    for (size_t i = 0; rc == IB_OK && i < l.n; i++) {
        int n = 0;
        printf("%-24s %-6lld ", l.v[i].name, (long long)l.v[i].members);
        rc = ib_team_each_member(st, l.v[i].id, print_member, &n, err);
        printf("%s\n", n ? "" : "-");
    }
    free(l.v);
    return rc;
}

int ib_cli_signals_team(int argc, char **argv)
{
    sub_opts o;
    int rc = parse_sub(argc, argv, &o);
    if (rc == IB_EXIT_OK)
        rc = refuse_others(&o, "team", "remove");
    if (rc != IB_EXIT_OK)
        return rc;
    int nargs = argc - optind;
    const char *sub = nargs > 0 ? argv[optind] : "";
    bool add = strcmp(sub, "add") == 0 && nargs == 2,
         list = strcmp(sub, "list") == 0 && nargs == 1,
         member = strcmp(sub, "member") == 0 && nargs == 3;
    if (!add && !list && !member)
        return ib_cli_usage(CMD, "team add NAAM | team list | team member TEAM GEBRUIKER "
                                 "[--remove]");
    if (o.remove && !member)
        return ib_cli_usage(CMD, "--remove hoort bij team member");
    ib_store *st = open_store(&o.db);
    if (!st)
        return IB_EXIT_FAILURE;
    ib_err err;
    if (list) {
        rc = list_teams(st, &err);
    } else if (add) {
        ib_team t = {0};
        if (!ib_strlcpy(t.name, argv[optind + 1], sizeof t.name))
            rc = ib_err_set(&err, IB_EINVAL, "teamnaam te lang");
        else
            rc = ib_team_add(st, &t, &err);
        if (rc == IB_OK)
            printf("team %s toegevoegd\n", t.name);
    } else {
        ib_team t;
        ib_user u;
        rc = ib_team_get(st, argv[optind + 1], 0, &t, &err);
        if (rc == IB_OK)
            rc = ib_user_get(st, argv[optind + 2], &u, &err);
        if (rc == IB_OK)
            rc = ib_team_set_member(st, t.id, u.id, !o.remove, &err);
        if (rc == IB_OK)
            printf("team %s: %s %s\n", t.name, u.name, o.remove ? "verwijderd" : "toegevoegd");
    }
    if (rc)
        return fail_closing(st, &err);
    ib_store_close(st);
    return IB_EXIT_OK;
}

/* ------------------------------------------------------------ routes */

static int print_route(void *ctx, const ib_signal_route *r)
{
    (void)ctx;
    printf("%5lld %-20s %-10s %s\n", (long long)r->id, r->kind[0] ? r->kind : "*",
           r->municipality[0] ? r->municipality : "*", r->team);
    return 0;
}

int ib_cli_signals_route(int argc, char **argv)
{
    sub_opts o;
    int rc = parse_sub(argc, argv, &o);
    if (rc == IB_EXIT_OK)
        rc = refuse_others(&o, "route", "kind municipality team");
    if (rc != IB_EXIT_OK)
        return rc;
    int nargs = argc - optind;
    const char *sub = nargs > 0 ? argv[optind] : "";
    bool add = strcmp(sub, "add") == 0 && nargs == 1,
         list = strcmp(sub, "list") == 0 && nargs == 1,
         remove = strcmp(sub, "remove") == 0 && nargs == 2;
    int64_t id = 0;
    int code;
    if (!add && !list && !remove)
        return ib_cli_usage(CMD, "route add [--kind SOORT] [--municipality GM0000] --team "
                                 "NAAM | route list | route remove ID");
    if ((add && !o.team) || (!add && (o.team || o.kind || o.municipality)))
        return ib_cli_usage(CMD, "route add: --team NAAM (en eventueel --kind, "
                                 "--municipality); list en remove zonder opties");
    if (remove && !parse_signal_id(argv[optind + 1], &id))
        return ib_cli_usage(CMD, "route remove ID: het nummer uit route list");
    if (o.kind && ib_code_parse(ib_signal_kind_codes, o.kind, strlen(o.kind), &code) != IB_OK)
        return ib_cli_usage(CMD, "--kind: onbekende soort '%s'", o.kind);
    if (o.municipality && !ib_municipality_is_valid(o.municipality, strlen(o.municipality)))
        return ib_cli_usage(CMD, "--municipality: een CBS-code GM0000");
    ib_store *st = open_store(&o.db);
    if (!st)
        return IB_EXIT_FAILURE;
    ib_err err;
    if (list) {
        printf("%5s %-20s %-10s %s\n", "id", "soort", "gemeente", "team");
        rc = ib_signal_route_each(st, print_route, NULL, &err);
    } else if (remove) {
        rc = ib_signal_route_remove(st, id, &err);
        if (rc == IB_OK)
            printf("route %lld verwijderd\n", (long long)id);
    } else {
        ib_signal_route r = {0};
        ib_team t;
        ib_strlcpy(r.kind, o.kind ? o.kind : "", sizeof r.kind);
        ib_strlcpy(r.municipality, o.municipality ? o.municipality : "",
                   sizeof r.municipality);
        rc = ib_team_get(st, o.team, 0, &t, &err);
        if (rc == IB_OK) {
            r.team_id = t.id;
            rc = ib_signal_route_add(st, &r, &err);
        }
        if (rc == IB_OK)
            printf("route %lld: soort %s, gemeente %s -> team %s\n", (long long)r.id,
                   r.kind[0] ? r.kind : "*", r.municipality[0] ? r.municipality : "*",
                   t.name);
    }
    if (rc)
        return fail_closing(st, &err);
    ib_store_close(st);
    return IB_EXIT_OK;
}
