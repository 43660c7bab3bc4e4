/* cmd_version.c — `inbeeld version`: program, schema and library versions. */
#include <sqlite3.h>
#include <sodium.h>

#include "cli/cli.h"

static void version_help(FILE *out)
{
    fprintf(out, "Gebruik: inbeeld version\n\n"
                 "Toont de versie van inbeeld, het databaseschema en de\n"
                 "gebruikte bibliotheken.\n");
}

static int version_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("inbeeld %s\n", IB_VERSION);
    printf("databaseschema %d\n", ib_store_schema_latest());
    printf("SQLite %s, libsodium %s\n", sqlite3_libversion(),
           sodium_version_string());
    return IB_EXIT_OK;
}

const ib_cli_command ib_cmd_version = {
    "version", "versie van inbeeld en zijn bibliotheken", version_run,
    version_help};
