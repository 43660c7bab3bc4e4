/* cli.h — internal to the inbeeld program: the subcommand table, exit codes
 * and the helpers every subcommand shares (opening the store, printing
 * errors). Only this folder and src/http talk to people. */
#ifndef IB_CLI_H
#define IB_CLI_H

#include <stdio.h>
#include "store/store.h"

/* Exit codes, documented in docs/cli.md. */
enum {
    IB_EXIT_OK = 0,
    IB_EXIT_USAGE = 1,      /* wrong command line */
    IB_EXIT_REJECTED = 2,   /* input rejected (import: rows refused) */
    IB_EXIT_NOTFOUND = 3,   /* the person/location asked for does not exist */
    IB_EXIT_FAILURE = 4,    /* database, file or key problem */
};

typedef struct ib_cli_command {
    const char *name;
    const char *summary;                     /* one line for `inbeeld help` */
    int (*run)(int argc, char **argv);       /* argv[0] is the command name */
    void (*help)(FILE *out);                 /* full help text */
} ib_cli_command;

extern const ib_cli_command ib_cmd_init, ib_cmd_import, ib_cmd_export,
    ib_cmd_person, ib_cmd_location, ib_cmd_demo, ib_cmd_version, ib_cmd_status,
    ib_cmd_monitor, ib_cmd_signals, ib_cmd_user, ib_cmd_audit, ib_cmd_serve;

/* Global options shared by the commands that open the database. */
typedef struct ib_cli_db {
    const char *path;       /* --db, $INBEELD_DB, or "inbeeld.db" */
    const char *key;        /* --key, $INBEELD_KEY, or "<db>.key" */
} ib_cli_db;

/* Fills defaults from the environment. */
void ib_cli_db_defaults(ib_cli_db *db);
/* Whether the monitor's snapshot beside the database may be read and
 * written: not with --no-snapshot (no_flag), nor with $INBEELD_SNAPSHOT=off. */
bool ib_cli_snapshot_enabled(bool no_flag);
/* Opens the store for a command; prints the error and returns NULL on
 * failure. Warns on stderr when others may read the key file. */
ib_store *ib_cli_open(const ib_cli_db *db, bool create);
/* The warning about a key file others may read (key: its path; NULL: no
 * warning). */
void ib_cli_warn_exposed_key(const char *cmd, const char *key);
/* Prints "inbeeld CMD: message" (with line/column when set) to stderr and
 * returns the exit code that fits the error. */
int ib_cli_fail(const char *cmd, const ib_err *err);
/* Prints a usage error and the pointer to the command's help. */
int ib_cli_usage(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The ref of sender `id` into out ("?" when unknown). */
int ib_cli_sender_ref(ib_store *st, int64_t id, char out[IB_REF_MAX + 1]);
/* True when stderr is a terminal (progress bars are drawn only then). */
bool ib_cli_is_tty(void);

/* Records read from the store by a command whose output holds them
 * (audit_reads.c): the record's id and the person it is about. */
typedef struct ib_cli_read {
    int64_t entity_id, person_id;
} ib_cli_read;
typedef struct ib_cli_reads {
    ib_cli_read *v;
    size_t n, cap;
} ib_cli_reads;
/* Adds one (IB_ENOMEM when out of memory); frees them all. */
int ib_cli_reads_add(ib_cli_reads *r, int64_t entity_id, int64_t person_id);
void ib_cli_reads_free(ib_cli_reads *r);
/* Appends a `read` entry for each to the read log (actor `cli`, entity as
 * given, detail: the command), in group commits; before the output is
 * written, so that nothing leaves unrecorded. */
int ib_cli_audit_reads(ib_store *st, const char *entity, const ib_cli_reads *r,
                       const char *detail, ib_err *err);

/* Long options common to database commands; see cli.c. */
#define IB_CLI_DB_OPTIONS \
    {"db", required_argument, NULL, 'd'}, {"key", required_argument, NULL, 'k'}

#endif
