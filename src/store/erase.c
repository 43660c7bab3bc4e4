/* erase.c — the right to erasure (GDPR art. 17): one person and every
 * record of theirs removed in one transaction, with an audit entry that
 * says who did it, why, and how much was removed. */
#include <inttypes.h>
#include <string.h>

#include "store/store_internal.h"

/* "reden: ...; verwijderd: persoon, 2 verblijven, ..." within the detail. */
static void erase_detail(const char *reason, const int64_t removed[IB_KIND_COUNT],
                         char *out, size_t size)
{
    static const char *const what[IB_KIND_COUNT] = {
        [IB_KIND_STAY] = "verblijven", [IB_KIND_REGISTRATION] = "inschrijvingen",
        [IB_KIND_EMPLOYMENT] = "dienstverbanden", [IB_KIND_HOUSING] = "huisvestingen",
        [IB_KIND_LIFE_EVENT] = "levensgebeurtenissen", [IB_KIND_CONTACT] = "contactmomenten"};
    int n = snprintf(out, size, "reden: %.120s; verwijderd: persoon", reason);
    for (int k = 0; k < IB_KIND_COUNT && n > 0 && (size_t)n < size; k++)
        if (what[k])
            n += snprintf(out + n, size - (size_t)n, ", %" PRId64 " %s", removed[k],
                          what[k]);
}

static int erase_tx(ib_store *st, int64_t person_id, const char *actor,
                    const char *reason, ib_erase_report *rep, ib_err *err)
{
    memset(rep, 0, sizeof *rep);
    int rc = st->ops->erase_person(st, person_id, rep->removed, err);
    if (rc)
        return rc;
    if (rep->removed[IB_KIND_PERSON] == 0)
        return ib_err_set(err, IB_ENOTFOUND, "persoon %" PRId64 " bestaat niet",
                          person_id);
    st->erase_pending = true;          /* ib_store_commit removes the snapshot */
    /* The purposes of the person's reads are free text: blanked now, in
     * the read log's own commit just before this one (when this one then
     * fails, verify names the blanked entries of a person not erased;
     * the other order could leave them unseen). */
    if (st->ops->reads_erase_purposes &&
        (rc = st->ops->reads_erase_purposes(st, person_id, err)) != IB_OK)
        return rc;
    ib_audit_entry e = {.entity_id = person_id, .person_id = person_id};
    ib_strlcpy(e.actor, actor && actor[0] ? actor : "onbekend", sizeof e.actor);
    ib_strlcpy(e.action, "erase", sizeof e.action);
    ib_strlcpy(e.entity, "person", sizeof e.entity);
    erase_detail(reason, rep->removed, e.detail, sizeof e.detail);
    return ib_store_audit(st, &e, err);
}

int ib_store_erase_person(ib_store *st, int64_t person_id, const char *actor,
                          const char *reason, ib_erase_report *rep, ib_err *err)
{
    ib_erase_report local;
    ib_err_clear(err);
    if (!rep)
        rep = &local;
    if (!reason || !reason[strspn(reason, " \t\r\n")])
        return ib_err_set(err, IB_EINVAL, "geef de reden van het wissen");
    if (person_id <= 0)
        return ib_err_set(err, IB_ENOTFOUND, "persoon %" PRId64 " bestaat niet",
                          person_id);
    if (st->in_tx)
        return erase_tx(st, person_id, actor, reason, rep, err);
    int rc = ib_store_begin(st, err);
    if (rc)
        return rc;
    rc = erase_tx(st, person_id, actor, reason, rep, err);
    if (rc == IB_OK)
        return ib_store_commit(st, err);
    ib_err keep = err ? *err : (ib_err){0};
    ib_store_rollback(st, NULL);
    if (err)
        *err = keep;
    return rc;
}
