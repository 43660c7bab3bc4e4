/* person_links.h — internal to the inbeeld program: `person links`,
 * `person link`, `person unlink` and `person review` (cmd_links.c): the
 * records of one person and the decisions of rule 4 and 5 of
 * docs/linkage.md, called by cmd_person.c. */
#ifndef IB_CLI_PERSON_LINKS_H
#define IB_CLI_PERSON_LINKS_H

#include "cli/cli.h"

typedef struct ib_cli_link_opts {
    const char *sender;     /* unlink --sender S REF */
    const char *reason;     /* link, unlink, review ID */
    const char *state;      /* review: open (default), linked, different, all */
    int decision;           /* review ID: 1 --same, -1 --different, 0 none */
} ib_cli_link_opts;

/* Whether sub is one of links, link, unlink, review. */
bool ib_cli_is_link_command(const char *sub);
/* Runs `person SUB ARGS...` (nargs positional arguments after SUB) on the
 * database db; checks its own arguments. Exit code. */
int ib_cli_person_linkage(const ib_cli_db *db, const char *sub, int nargs, char **args,
                          const ib_cli_link_opts *o);

#endif
