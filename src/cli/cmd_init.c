/* cmd_init.c — `inbeeld init`: create the database and its key file, or
 * bring an existing database's schema up to date. */
#include <getopt.h>
#include <sys/stat.h>

#include "cli/cli.h"

static void init_help(FILE *out)
{
    fprintf(out,
        "Gebruik: inbeeld init [--db PAD] [--key PAD]\n\n"
        "Maakt de database (SQLite, één bestand) en het sleutelbestand voor de\n"
        "versleuteling van BSN's aan, of werkt het schema van een bestaande\n"
        "database bij. Veilig om vaker uit te voeren. Een database van vóór\n"
        "de koppen van het auditlog krijgt ze hier (in het wijzigingslog\n"
        "vastgelegd); een kop die er is maar niet klopt, blijft staan.\n\n"
        "  --db PAD    database (standaard $INBEELD_DB of inbeeld.db)\n"
        "  --key PAD   sleutelbestand (standaard $INBEELD_KEY of <db>.key);\n"
        "              bewaar een kopie buiten de server: zonder sleutel zijn\n"
        "              de BSN's niet meer te lezen.\n");
}

static int init_run(int argc, char **argv)
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
        default: return ib_cli_usage("init", "onbekende optie");
        }
    }
    if (optind < argc)
        return ib_cli_usage("init", "onverwacht argument '%s'", argv[optind]);
    struct stat sb;
    bool existed = stat(db.path, &sb) == 0;
    ib_store *st = ib_cli_open(&db, true);
    if (!st)
        return IB_EXIT_FAILURE;
    printf("%s %s (schemaversie %d)\n",
           existed ? "Database bijgewerkt:" : "Database aangemaakt:", db.path,
           ib_store_schema_version(st));
    /* A database from before the audit logs' heads gets them now. */
    bool adopted = false;
    ib_err err;
    int rc = existed ? ib_store_audit_adopt_heads(st, &adopted, &err) : IB_OK;
    ib_store_close(st);
    if (rc != IB_OK)        /* the schema is up to date; the audit is verify's */
        fprintf(stderr, "inbeeld init: auditlog: %s\n", err.msg);
    if (adopted)
        printf("Auditlog: kop vastgelegd voor een log zonder kop (database van vóór "
               "de koppen; vastgelegd in het wijzigingslog)\n");
    return IB_EXIT_OK;
}

const ib_cli_command ib_cmd_init = {
    "init", "database en sleutel aanmaken of bijwerken", init_run, init_help};
