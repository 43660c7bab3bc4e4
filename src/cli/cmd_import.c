/* cmd_import.c — `inbeeld import --sender REF PATH...`: reads files of the
 * exchange format into the registry and reports every rejected row with its
 * line, column and reason (text, JSON or CSV). The validation itself lives
 * in src/ingest; this file handles options, the progress bar and output. */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "ingest/ingest.h"
#include "signals/signals.h"

typedef enum { REPORT_TEXT, REPORT_JSON, REPORT_CSV } report_format;

typedef struct import_args {
    ib_cli_db db;
    const char *sender;
    bool partial, dry_run, quiet, no_evaluate;
    report_format format;        /* of stdout */
    const char *report_path;     /* --report FILE: format from its extension */
} import_args;

typedef struct progress_state {
    bool draw;                   /* stderr is a terminal */
    int64_t kill_after;          /* test hook; 0 = off */
    bool drawn;
} progress_state;

static void import_help(FILE *out)
{
    fprintf(out,
        "Gebruik: inbeeld import --sender AFZENDER [OPTIES] PAD...\n\n"
        "Leest bestanden in het uitwisselformaat (docs/formats.md) in het\n"
        "register. PAD is een bestand (organisations.csv, persons.csv, ...,\n"
        "ook .json) of een map met zulke bestanden. De volgorde maakt niet uit:\n"
        "organisaties, locaties en personen gaan voor wat ernaar verwijst.\n"
        "Elk bestand is alles-of-niets: bij een afgekeurde rij wordt niets van\n"
        "dat bestand opgeslagen (tenzij --partial). Opnieuw inlezen is veilig:\n"
        "rijen worden bijgewerkt op (afzender, ref).\n\n"
        "  --sender AFZENDER  de organisatie die de bestanden aanlevert (verplicht);\n"
        "                     haar refs zijn de sleutels van de rijen\n"
        "  --partial          goede rijen opslaan, afgekeurde rijen melden\n"
        "  --dry-run          alleen controleren, niets opslaan\n"
        "  --report BESTAND   verslag ook naar BESTAND; .csv geeft één regel per\n"
        "                     afgekeurde rij, .json het volledige verslag\n"
        "  --format FORMAAT   verslag op het scherm: text (standaard) of json\n"
        "  --quiet            geen verslag op het scherm, alleen de afsluitcode\n"
        "  --no-evaluate      de signalen niet evalueren (zie hieronder)\n"
        "  --db PAD, --key PAD\n\n"
        "Heeft de database een inbox van signalen (ooit geëvalueerd) en is er\n"
        "iets veranderd, dan worden de signalen daarna op vandaag geëvalueerd\n"
        "(docs/inbox.md); een regel op stderr zegt wat dat deed.\n\n"
        "Afsluitcode: 0 alles opgeslagen, 2 rijen afgekeurd (het verslag zegt\n"
        "per rij regel, kolom en reden), 1 verkeerde opdracht, 4 bestands- of\n"
        "databasefout.\n");
}

/* ------------------------------------------------------------ progress */

static int on_progress(void *ctx, const ib_import_progress *p)
{
    progress_state *ps = ctx;
    /* Test hook for the kill test (tests/cli/kill_import.sh): die hard in
     * the middle of a file's transaction, as a power cut would. */
    if (ps->kill_after > 0 && p->rows >= ps->kill_after)
        raise(SIGKILL);
    if (!ps->draw)
        return 0;
    const char *name = strrchr(p->path, '/');
    name = name ? name + 1 : p->path;
    fprintf(stderr, "\r\033[K[%d/%d] %s ", p->file_index + 1, p->file_count, name);
    if (p->bytes_total > 0)
        fprintf(stderr, "%3d%% ", (int)(100.0 * (double)p->bytes_read /
                                         (double)p->bytes_total));
    fprintf(stderr, "%lld rijen", (long long)p->rows);
    if (p->rejected > 0)
        fprintf(stderr, ", %lld afgewezen", (long long)p->rejected);
    /* The file's commit can take seconds: say so until the next line. */
    if (p->phase == IB_IMPORT_PHASE_FINISH)
        fprintf(stderr, " — afronden…");
    ps->drawn = true;
    return 0;
}

/* ------------------------------------------------------------ reports */

static int write_report(const ib_import_report *rep, report_format f, FILE *out)
{
    switch (f) {
    case REPORT_JSON: return ib_import_report_write_json(rep, out);
    case REPORT_CSV: return ib_import_report_write_csv(rep, out);
    default: return ib_import_report_write_text(rep, out);
    }
}

static report_format format_of_path(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot && strcmp(dot, ".csv") == 0)
        return REPORT_CSV;
    if (dot && strcmp(dot, ".json") == 0)
        return REPORT_JSON;
    return REPORT_TEXT;
}

static int save_report(const ib_import_report *rep, const char *path)
{
    FILE *f = ib_fopen_private(path);     /* it quotes delivered values */
    if (!f) {
        fprintf(stderr, "inbeeld import: kan verslag %s niet schrijven\n", path);
        return IB_EXIT_FAILURE;
    }
    int rc = write_report(rep, format_of_path(path), f);
    if (fclose(f) != 0 || rc != IB_OK) {
        fprintf(stderr, "inbeeld import: fout bij schrijven van verslag %s\n", path);
        return IB_EXIT_FAILURE;
    }
    return IB_EXIT_OK;
}

/* ------------------------------------------------------------ run */

static int parse_args(int argc, char **argv, import_args *a)
{
    static const struct option opts[] = {
        IB_CLI_DB_OPTIONS,
        {"sender", required_argument, NULL, 's'},
        {"partial", no_argument, NULL, 'p'},
        {"dry-run", no_argument, NULL, 'n'},
        {"report", required_argument, NULL, 'r'},
        {"format", required_argument, NULL, 'f'},
        {"quiet", no_argument, NULL, 'q'},
        {"no-evaluate", no_argument, NULL, 'e'},
        {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': a->db.path = optarg; break;
        case 'k': a->db.key = optarg; break;
        case 's': a->sender = optarg; break;
        case 'p': a->partial = true; break;
        case 'n': a->dry_run = true; break;
        case 'r': a->report_path = optarg; break;
        case 'q': a->quiet = true; break;
        case 'e': a->no_evaluate = true; break;
        case 'f':
            if (strcmp(optarg, "text") == 0)
                a->format = REPORT_TEXT;
            else if (strcmp(optarg, "json") == 0)
                a->format = REPORT_JSON;
            else if (strcmp(optarg, "csv") == 0)
                a->format = REPORT_CSV;
            else
                return ib_cli_usage("import", "--format: kies text, json of csv");
            break;
        default: return ib_cli_usage("import", "onbekende optie");
        }
    }
    if (!a->sender || !*a->sender)
        return ib_cli_usage("import", "--sender AFZENDER is verplicht");
    if (optind >= argc)
        return ib_cli_usage("import", "geef minstens één bestand of map");
    return IB_EXIT_OK;
}

static int64_t kill_hook(void)
{
    const char *s = getenv("IB_TEST_KILL_AFTER_ROWS");
    return s && *s ? strtoll(s, NULL, 10) : 0;
}

static int exit_code_of(int rc, const ib_import_report *rep, const ib_err *err)
{
    if (rc == IB_OK)
        return IB_EXIT_OK;
    if (rc == IB_EINVAL && rep->nfiles > 0)
        return IB_EXIT_REJECTED;
    return ib_cli_fail("import", err);
}

/* ------------------------------------------------------------ the inbox */

/* Whether the inbox is in use (evaluated before) and the data version
 * before the import, to evaluate afterwards only when it changed. */
typedef struct inbox_before {
    bool in_use;
    char version[IB_DATA_VERSION_LEN];
} inbox_before;

static void inbox_look(ib_store *st, const import_args *a, inbox_before *b)
{
    ib_signal_evaluation last;
    ib_err err;
    b->in_use = false;
    if (a->dry_run || a->no_evaluate ||
        ib_store_signal_evaluation_last(st, &last, &b->in_use, &err) != IB_OK ||
        ib_store_data_version(st, b->version, &err) != IB_OK)
        b->in_use = false;
}

/* After an import that changed data: the signals on today. A failure is
 * a warning (the import is stored; the next evaluation catches up). */
static void inbox_evaluate(ib_store *st, const import_args *a, const inbox_before *b,
                           const char *actor)
{
    char now[IB_DATA_VERSION_LEN], day[IB_DATE_STRLEN];
    ib_err err;
    if (!b->in_use || ib_store_data_version(st, now, &err) != IB_OK ||
        strcmp(now, b->version) == 0)
        return;
    ib_inbox_report rep;
    ib_date today = ib_date_today();
    if (ib_inbox_evaluate(st, today, actor, &rep, &err) != IB_OK) {
        fprintf(stderr, "inbeeld import: waarschuwing: signalen niet geëvalueerd: %s\n",
                err.msg);
        return;
    }
    if (!a->quiet)
        fprintf(stderr, "inbeeld import: signalen op %s: %lld nieuw, %lld vervallen, "
                        "%lld heropend\n", ib_date_format(today, day),
                (long long)rep.opened, (long long)rep.lapsed, (long long)rep.reopened);
}

static int import_run(int argc, char **argv)
{
    import_args a = {0};
    ib_cli_db_defaults(&a.db);
    int rc = parse_args(argc, argv, &a);
    if (rc != IB_EXIT_OK)
        return rc;

    ib_store *st = ib_cli_open(&a.db, false);
    if (!st)
        return IB_EXIT_FAILURE;

    progress_state ps = {.draw = ib_cli_is_tty() && !a.quiet,
                         .kill_after = kill_hook()};
    const char *user = getenv("USER");
    char actor[80];
    snprintf(actor, sizeof actor, "cli:%s", user && *user ? user : "onbekend");
    ib_import_options opt = {
        .sender_ref = a.sender, .actor = actor, .partial = a.partial,
        .dry_run = a.dry_run, .progress = on_progress, .progress_ctx = &ps,
        .progress_rows = ps.kill_after};
    ib_import_report rep;
    ib_import_report_init(&rep);
    ib_err err;
    ib_err_clear(&err);
    inbox_before before;
    inbox_look(st, &a, &before);
    rc = ib_import(st, (const char *const *)argv + optind, argc - optind, &opt,
                   &rep, &err);
    if (ps.drawn)
        fprintf(stderr, "\r\033[K");
    inbox_evaluate(st, &a, &before, actor);

    int exit_code = exit_code_of(rc, &rep, &err);
    if (!a.quiet && rep.nfiles > 0 && write_report(&rep, a.format, stdout) != IB_OK)
        exit_code = IB_EXIT_FAILURE;
    if (a.report_path && save_report(&rep, a.report_path) != IB_EXIT_OK)
        exit_code = IB_EXIT_FAILURE;
    ib_import_report_free(&rep);
    ib_store_close(st);
    return exit_code;
}

const ib_cli_command ib_cmd_import = {
    "import", "bestanden in het uitwisselformaat inlezen", import_run,
    import_help};
