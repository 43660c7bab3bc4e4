/* audit_reads.c — the read entries of the commands whose output holds
 * person-level data (export, location show, the monitor's lists): one
 * entry per person (or per record shown) in the read log, as the server
 * writes for its look-ups and downloads, so that the audit names every
 * person whose data left the system. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* Entries per commit of the read log: a group commit, as the server's. */
#define BATCH 1024

int ib_cli_reads_add(ib_cli_reads *r, int64_t entity_id, int64_t person_id)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 64;
        ib_cli_read *p = realloc(r->v, cap * sizeof *p);
        if (!p)
            return IB_ENOMEM;
        r->v = p;
        r->cap = cap;
    }
    r->v[r->n++] = (ib_cli_read){entity_id, person_id};
    return IB_OK;
}

void ib_cli_reads_free(ib_cli_reads *r)
{
    free(r->v);
    memset(r, 0, sizeof *r);
}

int ib_cli_audit_reads(ib_store *st, const char *entity, const ib_cli_reads *r,
                       const char *detail, ib_err *err)
{
    ib_err_clear(err);
    ib_audit_entry *batch = calloc(BATCH, sizeof *batch);
    if (!batch)
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    int rc = IB_OK;
    for (size_t done = 0; rc == IB_OK && done < r->n; done += BATCH) {
        size_t n = r->n - done < BATCH ? r->n - done : BATCH;
        for (size_t i = 0; i < n; i++) {
            ib_audit_entry *e = &batch[i];
            memset(e, 0, sizeof *e);
            e->entity_id = r->v[done + i].entity_id;
            e->person_id = r->v[done + i].person_id;
            ib_strlcpy(e->actor, "cli", sizeof e->actor);
            ib_strlcpy(e->action, "read", sizeof e->action);
            ib_strlcpy(e->entity, entity, sizeof e->entity);
            ib_strlcpy(e->detail, detail, sizeof e->detail);
        }
        rc = ib_store_audit_reads(st, batch, n, err);
    }
    free(batch);
    return rc;
}
