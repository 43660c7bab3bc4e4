/* cmd_signals.c — `inbeeld signals SUBCOMMAND`: the signals of
 * docs/signals.md at the command line. `list` prints the signals active on
 * a date as a table, CSV or JSON (with --inbox: the stored signals of the
 * inbox); the inbox's subcommands (evaluate, show, assign, close, release,
 * settings, team, route) are in signals_inbox.c. Each subcommand is one
 * entry of the table below (name, usage line, explanation, function). A
 * list names persons: every person listed is a read, audited before
 * anything is printed. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/signals_inbox.h"
#include "figures/figures.h"
#include "signals/signals.h"

#define CMD "signals"

typedef struct signals_sub {
    const char *name;
    const char *usage;        /* after "inbeeld signals " */
    const char *about;        /* the explanation in the help */
    int (*run)(int argc, char **argv);   /* argv[0] is the subcommand */
} signals_sub;

static int sub_list(int argc, char **argv);

static const signals_sub subs[] = {
    {"list", "list [--at DATUM] [--format table|csv|json] [--timing]",
     "de signalen die op DATUM (standaard vandaag) actief zijn, volgens de\n"
     "         regels van docs/signals.md: soort, wie of welke locatie het\n"
     "         betreft (afzender en ref), sleutel, gemeente, sinds wanneer, en\n"
     "         (table, json) waarom en wat te doen. Elke genoemde persoon wordt\n"
     "         als inzage in het auditlog vastgelegd.",
     sub_list},
    {"list", "list --inbox [--state S] [--kind K] [--owner user:N|team:N]\n"
             "                       [--municipality GM0000] [--overdue] [--format table|csv|json]",
     "met --inbox: de opgeslagen signalen van de inbox (docs/inbox.md) met\n"
     "         nummer, status, eigenaar en termijn, dringendste eerst; --state\n"
     "         mag vaker.",
     sub_list},
    {"evaluate", "evaluate [--at DATUM]",
     "de regels nu evalueren (standaard vandaag, niet later) en de inbox\n"
     "         bijwerken: nieuwe signalen open, vervallen en heropend; nogmaals\n"
     "         evalueren verandert niets. De server doet dit zelf.",
     ib_cli_signals_evaluate},
    {"show", "show ID [--lang nl|en]",
     "een signaal met uitleg, mogelijke stappen en geschiedenis.",
     ib_cli_signals_show},
    {"assign", "assign ID... --user NAAM | --team NAAM",
     "signalen toewijzen (ze gaan in behandeling); alles of niets: een\n"
     "         eigenaar die een signaal niet mag zien, wordt geweigerd.",
     ib_cli_signals_assign},
    {"close", "close ID --outcome CODE | --unfounded REDEN",
     "afhandelen (uit behandeling, CODE: contacted, informed, registered,\n"
     "         offer_made, housing_arranged, referred, enforcement, left, other)\n"
     "         of niet terecht (open of in behandeling, met de reden).",
     ib_cli_signals_close},
    {"release", "release ID",
     "een signaal in behandeling vrijgeven: weer open, bij het team van\n"
     "         zijn route.",
     ib_cli_signals_release},
    {"settings", "settings [set NAAM WAARDE]",
     "de drempels van de regels en de termijnen per soort (due_days.SOORT)\n"
     "         tonen of wijzigen (in het auditlog).",
     ib_cli_signals_settings},
    {"team", "team add NAAM | team list | team member TEAM GEBRUIKER [--remove]",
     "teams die samen signalen behandelen.",
     ib_cli_signals_team},
    {"route", "route add [--kind SOORT] [--municipality GM0000] --team NAAM |\n"
              "                       route list | route remove ID",
     "nieuwe signalen naar een team sturen, op soort en gemeente (de meest\n"
     "         specifieke route wint: soort en gemeente, soort, gemeente, alles).",
     ib_cli_signals_route},
};
#define N_SUBS (sizeof subs / sizeof *subs)

static void signals_help(FILE *out)
{
    fprintf(out, "Gebruik:\n");
    for (size_t i = 0; i < N_SUBS; i++)
        fprintf(out, "  inbeeld signals %s\n", subs[i].usage);
    fprintf(out, "\nSignalen: werk waar de gegevens om vragen (docs/signals.md).\n"
                 "Soorten: not_registered (langer dan vier maanden hier, niet in\n"
                 "de BRP), overcrowded (meer bewoners dan bedden of minder dan\n"
                 "12 m² per bewoner), job_and_bed (werk kwijt, bed van dezelfde\n"
                 "werkgever), one_year_offer (een jaar hier zonder aanbod van\n"
                 "taalcursus en loopbaanbegeleiding), information_moment (een\n"
                 "aanleiding zonder informatiegesprek binnen 90 dagen), no_address\n"
                 "(30 dagen hier zonder huisvesting).\n\n");
    for (size_t i = 0; i < N_SUBS; i++)
        fprintf(out, "%-8s %s\n", i && strcmp(subs[i].name, subs[i - 1].name) == 0
                                       ? "" : subs[i].name, subs[i].about);
    fprintf(out, "\nOpties:\n"
                 "  --at JJJJ-MM-DD    peildatum (standaard vandaag); latere gegevens\n"
                 "                     tellen niet\n"
                 "  --format FORMAAT   table (standaard, leesbaar), csv of json\n"
                 "  --timing           tijd van laden en rekenen naar stderr\n"
                 "  --db PAD, --key PAD\n\n"
                 "CSV-kolommen: kind, subject_sender, subject_ref, key, municipality,\n"
                 "since. De sleutel: de aankomstdatum (JJJJ-MM-DD), werkgever|begin\n"
                 "(job_and_bed), aanleiding|datum (information_moment), leeg\n"
                 "(overcrowded).\n\n"
                 "Afsluitcode: 0 goed, 1 verkeerde opdracht, 4 database- of\n"
                 "bestandsfout.\n");
}

/* ------------------------------------------------------------ list */

typedef enum { FMT_TABLE, FMT_CSV, FMT_JSON } list_format;

typedef struct list_args {
    ib_cli_db db;
    ib_date at;
    list_format fmt;
    bool timing;
} list_args;

static int parse_list(int argc, char **argv, list_args *a)
{
    enum { O_AT = 0x100, O_FORMAT, O_TIMING };
    static const struct option opts[] = {
        IB_CLI_DB_OPTIONS, {"at", required_argument, NULL, O_AT},
        {"format", required_argument, NULL, O_FORMAT},
        {"timing", no_argument, NULL, O_TIMING}, {0, 0, 0, 0}};
    ib_cli_db_defaults(&a->db);
    a->at = ib_date_today();
    a->fmt = FMT_TABLE;
    a->timing = false;
    ib_err err;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': a->db.path = optarg; break;
        case 'k': a->db.key = optarg; break;
        case O_AT:
            if (ib_date_parse(optarg, strlen(optarg), &a->at, &err) != IB_OK)
                return ib_cli_usage(CMD, "--at: %s", err.msg);
            break;
        case O_FORMAT:
            if (strcmp(optarg, "table") == 0) a->fmt = FMT_TABLE;
            else if (strcmp(optarg, "csv") == 0) a->fmt = FMT_CSV;
            else if (strcmp(optarg, "json") == 0) a->fmt = FMT_JSON;
            else return ib_cli_usage(CMD, "--format: kies table, csv of json, niet '%s'",
                                     optarg);
            break;
        case O_TIMING: a->timing = true; break;
        default: return ib_cli_usage(CMD, "onbekende optie");
        }
    }
    if (optind != argc)
        return ib_cli_usage(CMD, "list verwacht geen argument '%s'", argv[optind]);
    return IB_EXIT_OK;
}

/* Every person named in the list is a read of personal data, recorded
 * (by the record that names the signal) before the list is written. */
static int audit_listed(ib_store *st, const ib_signal_list *l, ib_err *err)
{
    ib_cli_reads reads = {0};
    int rc = IB_OK;
    for (size_t i = 0; rc == IB_OK && i < l->n; i++) {
        const ib_active_signal *s = &l->v[i];
        if (!s->location && ib_cli_reads_add(&reads, s->subject_record_id,
                                             s->subject_id) != IB_OK)
            rc = ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    }
    if (rc == IB_OK)
        rc = ib_cli_audit_reads(st, "person", &reads, "inbeeld signals list", err);
    ib_cli_reads_free(&reads);
    return rc;
}

static const char *kind_code(ib_signal_kind k)
{
    return ib_code_text(ib_signal_kind_codes, (int)k);
}

static void print_csv(const ib_signal_list *l)
{
    char since[IB_DATE_STRLEN];
    fputs("kind,subject_sender,subject_ref,key,municipality,since\n", stdout);
    for (size_t i = 0; i < l->n; i++) {
        const ib_active_signal *s = &l->v[i];
        fputs(kind_code(s->kind), stdout);
        fputc(',', stdout);
        ib_csv_put_field(stdout, s->subject_sender);
        fputc(',', stdout);
        ib_csv_put_field(stdout, s->subject_ref);
        fputc(',', stdout);
        ib_csv_put_field(stdout, s->key);
        printf(",%s,%s\n", s->municipality, ib_date_format(s->since, since));
    }
}

static void print_json(const ib_signal_list *l, ib_date at)
{
    char day[IB_DATE_STRLEN], why[512], todo[512];
    ib_json j;
    ib_json_init(&j, stdout);
    ib_json_object(&j, NULL);
    ib_json_str(&j, "at", ib_date_format(at, day));
    ib_json_int(&j, "count", (int64_t)l->n);
    ib_json_array(&j, "signals", false);
    for (size_t i = 0; i < l->n; i++) {
        const ib_active_signal *s = &l->v[i];
        ib_json_object(&j, NULL);
        ib_json_str(&j, "kind", kind_code(s->kind));
        ib_json_str(&j, "subject", s->location ? "location" : "person");
        ib_json_int(&j, "subject_id", s->subject_id);
        ib_json_str(&j, "subject_sender", s->subject_sender);
        ib_json_str(&j, "subject_ref", s->subject_ref);
        ib_json_str(&j, "key", s->key);
        ib_json_str(&j, "municipality", s->municipality);
        ib_json_str(&j, "since", ib_date_format(s->since, day));
        ib_signal_explain(s, false, why, sizeof why, todo, sizeof todo);
        ib_json_str(&j, "why", why);
        ib_json_str(&j, "todo", todo);
        ib_signal_explain(s, true, why, sizeof why, todo, sizeof todo);
        ib_json_str(&j, "why_en", why);
        ib_json_str(&j, "todo_en", todo);
        ib_json_end(&j);
    }
    ib_json_end(&j);
    ib_json_end(&j);
    ib_json_finish(&j);
}

static void print_table(const ib_signal_list *l, ib_date at)
{
    char day[IB_DATE_STRLEN], why[512], todo[512];
    size_t per_kind[IB_SIG_KIND_COUNT] = {0};
    for (size_t i = 0; i < l->n; i++)
        per_kind[l->v[i].kind]++;
    printf("Signalen op %s: %zu\n", ib_date_format(at, day), l->n);
    for (int k = 0; k < IB_SIG_KIND_COUNT; k++)
        printf("  %-20s %zu\n", kind_code((ib_signal_kind)k), per_kind[k]);
    if (!l->n)
        return;
    printf("\n%-18s %-24s %-14s %-24s %-8s %s\n", "soort", "afzender", "ref", "sleutel",
           "gemeente", "sinds");
    for (size_t i = 0; i < l->n; i++) {
        const ib_active_signal *s = &l->v[i];
        ib_signal_explain(s, false, why, sizeof why, todo, sizeof todo);
        printf("%-18s %-24s %-14s %-24s %-8s %s\n    %s\n    Te doen: %s\n",
               kind_code(s->kind), s->subject_sender, s->subject_ref, s->key,
               s->municipality[0] ? s->municipality : "-", ib_date_format(s->since, day),
               why, todo);
    }
}

/* Wall and CPU seconds of one phase: on a shared machine the CPU seconds
 * are the figure to compare. */
typedef struct phase {
    struct timespec wall, cpu;
    double wall_s, cpu_s;
} phase;

static void phase_start(phase *p)
{
    clock_gettime(CLOCK_MONOTONIC, &p->wall);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &p->cpu);
}

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void phase_end(phase *p)
{
    struct timespec wall, cpu;
    clock_gettime(CLOCK_MONOTONIC, &wall);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
    p->wall_s = seconds_between(&p->wall, &wall);
    p->cpu_s = seconds_between(&p->cpu, &cpu);
}

static int sub_list(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--inbox") == 0)
            return ib_cli_signals_inbox(argc, argv);
    list_args a;
    int rc = parse_list(argc, argv, &a);
    if (rc != IB_EXIT_OK)
        return rc;
    ib_store *st = ib_cli_open(&a.db, false);
    if (!st)
        return IB_EXIT_FAILURE;
    ib_err err;
    /* The thresholds an administrator set (signals settings). */
    ib_inbox_settings stored;
    if ((rc = ib_inbox_settings_load(st, &stored, &err)) != IB_OK) {
        ib_store_close(st);
        return ib_cli_fail(CMD, &err);
    }
    ib_signal_settings settings = stored.rules;
    ib_signal_data *data = NULL;
    ib_signal_list list = {0};
    phase load, eval, audit;
    phase_start(&load);
    rc = ib_signal_data_load(st, &data, &err);
    phase_end(&load);
    phase_start(&eval);
    if (rc == IB_OK)
        rc = ib_signal_data_active(data, a.at, &settings, &list, &err);
    phase_end(&eval);
    ib_signal_data_free(data);
    phase_start(&audit);
    if (rc == IB_OK)
        rc = audit_listed(st, &list, &err);
    phase_end(&audit);
    if (rc != IB_OK) {
        ib_signal_list_free(&list);
        ib_store_close(st);
        return ib_cli_fail(CMD, &err);
    }
    if (a.timing)
        fprintf(stderr, "tijd: laden %.3f s (cpu %.3f s), signalen %.3f s (cpu %.3f s), "
                        "auditlog %.3f s (cpu %.3f s) (%zu signalen)\n",
                load.wall_s, load.cpu_s, eval.wall_s, eval.cpu_s, audit.wall_s,
                audit.cpu_s, list.n);
    switch (a.fmt) {
    case FMT_CSV: print_csv(&list); break;
    case FMT_JSON: print_json(&list, a.at); break;
    default: print_table(&list, a.at); break;
    }
    ib_signal_list_free(&list);
    ib_store_close(st);
    return IB_EXIT_OK;
}

/* ------------------------------------------------------------ dispatch */

static int signals_run(int argc, char **argv)
{
    if (argc < 2) {
        char names[128] = "";
        for (size_t i = 0; i < N_SUBS; i++)
            if (!i || strcmp(subs[i].name, subs[i - 1].name) != 0)
                snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
                         i ? ", " : "", subs[i].name);
        return ib_cli_usage(CMD, "geef een deelopdracht: %s", names);
    }
    for (size_t i = 0; i < N_SUBS; i++)
        if (strcmp(argv[1], subs[i].name) == 0)
            return subs[i].run(argc - 1, argv + 1);
    return ib_cli_usage(CMD, "onbekende deelopdracht '%s'", argv[1]);
}

const ib_cli_command ib_cmd_signals = {
    "signals", "signalen: werk waar de gegevens om vragen (list, evaluate, show, assign, ...)",
    signals_run, signals_help};
