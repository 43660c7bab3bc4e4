/* cmd_status.c — `inbeeld status`: what the database holds, per record kind,
 * and whether the audit chain is intact. */
#include <getopt.h>

#include "cli/cli.h"

static void status_help(FILE *out)
{
    fprintf(out,
        "Gebruik: inbeeld status [--db PAD] [--key PAD]\n\n"
        "Toont de database, de schemaversie, het aantal afzenders en rijen per\n"
        "soort gegevens, en controleert de hashketen van het auditlog.\n");
}

static int print_sender(void *ctx, int64_t id, const char *ref)
{
    (void)ctx;
    printf("  afzender %-20s (id %lld)\n", ref, (long long)id);
    return 0;
}

static int status_show(ib_store *st, const char *path)
{
    ib_store_counts n;
    ib_err err;
    ib_err_clear(&err);
    if (ib_store_count(st, &n, &err) != IB_OK)
        return ib_cli_fail("status", &err);
    printf("Database %s, schemaversie %d\n", path, ib_store_schema_version(st));
    if (ib_store_each_sender(st, print_sender, NULL, &err) < 0)
        return ib_cli_fail("status", &err);
    for (int k = 0; k < IB_KIND_COUNT; k++)
        printf("  %-15s %10lld\n", ib_kind_file_stem((ib_kind)k),
               (long long)n.rows[k]);
    int64_t checked = 0;
    int rc = ib_store_audit_verify(st, &checked, &err);
    printf("  %-15s %10lld  wijzigingen\n", "auditregels", (long long)n.audit_entries);
    printf("  %-15s %10lld  inzage (leeslog)  %s\n", "", (long long)n.audit_reads,
           rc == IB_OK ? "ketens intact" : err.msg);
    return rc == IB_OK ? IB_EXIT_OK : IB_EXIT_FAILURE;
}

static int status_run(int argc, char **argv)
{
    static const struct option opts[] = {IB_CLI_DB_OPTIONS, {0, 0, 0, 0}};
    ib_cli_db db;
    ib_cli_db_defaults(&db);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db.path = optarg; break;
        case 'k': db.key = optarg; break;
        default: return ib_cli_usage("status", "onbekende optie");
        }
    }
    ib_store *st = ib_cli_open(&db, false);
    if (!st)
        return IB_EXIT_FAILURE;
    int rc = status_show(st, db.path);
    ib_store_close(st);
    return rc;
}

const ib_cli_command ib_cmd_status = {
    "status", "inhoud van de database en controle van het auditlog",
    status_run, status_help};
