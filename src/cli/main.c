/* main.c — the inbeeld program: dispatches `inbeeld COMMAND ...` to the
 * subcommands and prints help. Every subcommand lives in cmd_<name>.c. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static int cmd_help_run(int argc, char **argv);
static void cmd_help_help(FILE *out);

static const ib_cli_command ib_cmd_help = {
    "help", "hulp bij een opdracht: inbeeld help OPDRACHT", cmd_help_run,
    cmd_help_help};

static const ib_cli_command *const commands[] = {
    &ib_cmd_init, &ib_cmd_import, &ib_cmd_export,
    &ib_cmd_status, &ib_cmd_person, &ib_cmd_location, &ib_cmd_demo,
    &ib_cmd_monitor, &ib_cmd_signals,
    &ib_cmd_user, &ib_cmd_audit, &ib_cmd_serve,
    &ib_cmd_version, &ib_cmd_help,
};

static const ib_cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

static void print_overview(FILE *out)
{
    fprintf(out,
            "inbeeld — arbeidsmigranten en nieuwkomers in beeld\n\n"
            "Gebruik: inbeeld OPDRACHT [OPTIES]\n\nOpdrachten:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(out,
            "\nDatabase: --db PAD (of $INBEELD_DB; standaard inbeeld.db),\n"
            "sleutel:  --key PAD (of $INBEELD_KEY; standaard <db>.key).\n"
            "Meer: inbeeld help OPDRACHT, en docs/cli.md.\n");
}

static int cmd_help_run(int argc, char **argv)
{
    if (argc < 2) {
        print_overview(stdout);
        return IB_EXIT_OK;
    }
    const ib_cli_command *c = find_command(argv[1]);
    if (!c)
        return ib_cli_usage("help", "onbekende opdracht '%s'", argv[1]);
    c->help(stdout);
    return IB_EXIT_OK;
}

static void cmd_help_help(FILE *out)
{
    fprintf(out, "Gebruik: inbeeld help [OPDRACHT]\n\n"
                 "Zonder opdracht: de lijst van opdrachten. Met opdracht: de\n"
                 "volledige uitleg van die opdracht.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_overview(stderr);
        return IB_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        print_overview(stdout);
        return IB_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0)
        return ib_cmd_version.run(1, argv + 1);
    const ib_cli_command *c = find_command(argv[1]);
    if (!c) {
        fprintf(stderr, "inbeeld: onbekende opdracht '%s'\n\n", argv[1]);
        print_overview(stderr);
        return IB_EXIT_USAGE;
    }
    /* `inbeeld CMD --help` anywhere in the arguments shows the help. */
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            c->help(stdout);
            return IB_EXIT_OK;
        }
    return c->run(argc - 1, argv + 1);
}
