/* cli.c — helpers shared by the subcommands: database options, opening the
 * store with a helpful message, error printing and exit codes. */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void ib_cli_db_defaults(ib_cli_db *db)
{
    const char *env = getenv("INBEELD_DB");
    db->path = env && *env ? env : "inbeeld.db";
    env = getenv("INBEELD_KEY");
    db->key = env && *env ? env : NULL;
}

bool ib_cli_snapshot_enabled(bool no_flag)
{
    const char *env = getenv("INBEELD_SNAPSHOT");
    return !no_flag && !(env && strcmp(env, "off") == 0);
}

ib_store *ib_cli_open(const ib_cli_db *db, bool create)
{
    ib_store_options opt = {.key_path = db->key, .create = create};
    ib_store *st = NULL;
    ib_err err;
    ib_err_clear(&err);
    if (ib_store_open(&st, db->path, &opt, &err) != IB_OK) {
        fprintf(stderr, "inbeeld: database %s: %s\n", db->path, err.msg);
        return NULL;
    }
    ib_cli_warn_exposed_key(NULL, ib_store_exposed_key(st));
    return st;
}

void ib_cli_warn_exposed_key(const char *cmd, const char *key)
{
    if (!key)
        return;
    fprintf(stderr, "inbeeld%s%s: waarschuwing: sleutelbestand %s is leesbaar of "
                    "schrijfbaar voor anderen dan de eigenaar; wie het leest, kan "
                    "met een kopie van de database alle BSN's lezen. Maak het "
                    "alleen voor de eigenaar: chmod 600 %s\n",
            cmd ? " " : "", cmd ? cmd : "", key, key);
}

int ib_cli_fail(const char *cmd, const ib_err *err)
{
    if (err->line > 0)
        fprintf(stderr, "inbeeld %s: regel %ld, kolom %d%s%s%s: %s\n", cmd,
                err->line, err->column, err->field[0] ? " (" : "", err->field,
                err->field[0] ? ")" : "", err->msg);
    else
        fprintf(stderr, "inbeeld %s: %s\n", cmd, err->msg);
    switch (err->code) {
    case IB_EINVAL: return IB_EXIT_REJECTED;
    case IB_ENOTFOUND: return IB_EXIT_NOTFOUND;
    default: return IB_EXIT_FAILURE;
    }
}

int ib_cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "inbeeld %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nZie 'inbeeld help %s'.\n", cmd);
    return IB_EXIT_USAGE;
}

bool ib_cli_is_tty(void)
{
    return isatty(STDERR_FILENO) == 1;
}

typedef struct sender_lookup {
    int64_t id;
    char *out;
} sender_lookup;

static int sender_lookup_cb(void *ctx, int64_t id, const char *ref)
{
    sender_lookup *sl = ctx;
    if (id != sl->id)
        return 0;
    ib_strlcpy(sl->out, ref, IB_REF_MAX + 1);
    return 1;                              /* found: stop */
}

int ib_cli_sender_ref(ib_store *st, int64_t id, char out[IB_REF_MAX + 1])
{
    ib_err err;
    sender_lookup sl = {id, out};
    ib_strlcpy(out, "?", IB_REF_MAX + 1);
    int rc = ib_store_each_sender(st, sender_lookup_cb, &sl, &err);
    return rc < 0 ? rc : IB_OK;
}
