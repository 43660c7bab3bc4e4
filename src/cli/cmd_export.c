/* cmd_export.c — `inbeeld export DIR`: writes the registry back in the
 * exchange format, one folder per sender, so that importing those files
 * with --sender reproduces the same content. */
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "ingest/ingest.h"

static void export_help(FILE *out)
{
    fprintf(out,
        "Gebruik: inbeeld export MAP [--sender AFZENDER]\n\n"
        "Schrijft het register in het uitwisselformaat (docs/formats.md):\n"
        "MAP/<afzender>/<soort>.csv voor elke afzender en elke soort\n"
        "(organisations, locations, persons, stays, registrations,\n"
        "employments, housings, life_events, contacts). Inlezen met\n"
        "'inbeeld import --sender <afzender> MAP/<afzender>' geeft dezelfde\n"
        "inhoud terug. Let op: de bestanden bevatten persoonsgegevens en het\n"
        "BSN leesbaar; de export wordt in het auditlog vastgelegd, met een\n"
        "inzage per persoon die erin staat.\n\n"
        "  --sender AFZENDER  alleen de gegevens van deze afzender\n"
        "  --db PAD, --key PAD\n");
}

static const char *const kind_files[IB_KIND_COUNT] = {
    "organisations", "locations", "persons", "stays", "registrations",
    "employments", "housings", "life_events", "contacts"};

static void print_summary(const char *dir, const ib_export_summary *sum)
{
    int64_t total = 0;
    printf("Export naar %s: %d afzender%s\n", dir, sum->senders,
           sum->senders == 1 ? "" : "s");
    for (int k = 0; k < IB_KIND_COUNT; k++) {
        printf("  %-15s %10lld rijen\n", kind_files[k], (long long)sum->rows[k]);
        total += sum->rows[k];
    }
    printf("  %-15s %10lld rijen\n", "totaal", (long long)total);
}

static int add_person(void *ctx, const ib_person *p)
{
    return ib_cli_reads_add(ctx, p->meta.id, p->person_id);
}

/* The export holds every person's data in clear: record who took it before
 * a byte is written, and whose data it holds (one read entry per person,
 * as the server's downloads), so that each person's audit shows it. */
static int audit_export(ib_store *st, const char *dir, const char *sender,
                        int64_t sender_id, ib_err *err)
{
    ib_audit_entry a = {0};
    ib_strlcpy(a.actor, "cli", sizeof a.actor);
    ib_strlcpy(a.action, "export", sizeof a.action);
    ib_strlcpy(a.entity, "registry", sizeof a.entity);
    snprintf(a.detail, sizeof a.detail, "inbeeld export %.200s%s%.40s", dir,
             sender ? " --sender " : "", sender ? sender : "");
    ib_cli_reads persons = {0};
    ib_filter f = {.sender_id = sender_id};
    int rc = ib_store_audit_reads(st, &a, 1, err);
    if (rc == IB_OK)
        rc = ib_store_each_person(st, &f, add_person, &persons, err);
    if (rc == IB_ENOMEM)
        ib_err_set(err, rc, "onvoldoende geheugen");
    if (rc == IB_OK)
        rc = ib_cli_audit_reads(st, "person", &persons, a.detail, err);
    ib_cli_reads_free(&persons);
    return rc;
}

static int export_run(int argc, char **argv)
{
    static const struct option opts[] = {
        IB_CLI_DB_OPTIONS, {"sender", required_argument, NULL, 's'},
        {0, 0, 0, 0}};
    ib_cli_db db;
    ib_cli_db_defaults(&db);
    const char *sender = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db.path = optarg; break;
        case 'k': db.key = optarg; break;
        case 's': sender = optarg; break;
        default: return ib_cli_usage("export", "onbekende optie");
        }
    }
    if (argc - optind != 1)
        return ib_cli_usage("export", "geef precies één doelmap");
    const char *dir = argv[optind];

    ib_store *st = ib_cli_open(&db, false);
    if (!st)
        return IB_EXIT_FAILURE;
    ib_err err;
    ib_err_clear(&err);
    int64_t sender_id = 0;
    int rc = IB_OK;
    if (sender)
        rc = ib_store_sender(st, sender, false, &sender_id, &err);
    ib_export_summary sum;
    memset(&sum, 0, sizeof sum);
    if (rc == IB_OK)
        rc = audit_export(st, dir, sender, sender_id, &err);
    if (rc == IB_OK)
        rc = ib_export(st, dir, sender_id, &sum, &err);
    ib_store_close(st);
    if (rc != IB_OK)
        return ib_cli_fail("export", &err);
    print_summary(dir, &sum);
    return IB_EXIT_OK;
}

const ib_cli_command ib_cmd_export = {
    "export", "het register wegschrijven in het uitwisselformaat", export_run,
    export_help};
