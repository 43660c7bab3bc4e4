/* person_rights.h — internal to the inbeeld program: `person export` and
 * `person erase` (person_rights.c), called by cmd_person.c. */
#ifndef IB_CLI_PERSON_RIGHTS_H
#define IB_CLI_PERSON_RIGHTS_H

#include "cli/cli.h"

/* Everything stored about person REF and the audit entries about them, as
 * JSON to out_path (NULL or "-": standard output); audited. Exit code. */
int ib_cli_person_export(ib_store *st, const char *sender, const char *ref,
                         const char *out_path);
/* Erases person REF with every record of theirs; audited with the reason.
 * Exit code. */
int ib_cli_person_erase(ib_store *st, const char *sender, const char *ref,
                        const char *reason);

#endif
