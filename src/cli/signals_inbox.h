/* signals_inbox.h — the inbox's subcommands of `inbeeld signals`
 * (signals_inbox.c), for the table of subcommands in cmd_signals.c. Each
 * takes the subcommand's arguments (argv[0] is its name) and returns the
 * exit code. */
#ifndef IB_CLI_SIGNALS_INBOX_H
#define IB_CLI_SIGNALS_INBOX_H

int ib_cli_signals_inbox(int argc, char **argv);     /* list --inbox */
int ib_cli_signals_evaluate(int argc, char **argv);
int ib_cli_signals_show(int argc, char **argv);
int ib_cli_signals_assign(int argc, char **argv);
int ib_cli_signals_close(int argc, char **argv);
int ib_cli_signals_release(int argc, char **argv);
int ib_cli_signals_settings(int argc, char **argv);
int ib_cli_signals_team(int argc, char **argv);
int ib_cli_signals_route(int argc, char **argv);

#endif
