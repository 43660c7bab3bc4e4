/* sqlite_erase.c — the SQLite side of erasing a person: the episodes that
 * refer to the person first (foreign keys), then the person; the ref cache
 * is forgotten so that a later delivery of the same ref inserts anew. */
#include "store/sqlite_internal.h"

static int delete_where_person(ib_sqlite *s, const char *sql, int64_t person_id,
                               int64_t *removed, ib_err *err)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &q, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(q, 1, person_id);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(q);
    if (rc == SQLITE_DONE) {
        *removed = sqlite3_changes64(s->db);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(q);
    return rc == SQLITE_OK ? IB_OK : ib_sq_error(s, rc, err);
}

int ib_sq_erase_person(ib_store *st, int64_t person_id, int64_t removed[IB_KIND_COUNT],
                       ib_err *err)
{
    /* person_id is a person (docs/linkage.md): every record of every
     * sender that belongs to it goes, with its review pairs; the person's
     * id (and those merged into it) is never handed out again. */
#define RECORDS_OF "(SELECT id FROM persons WHERE people_id = ?1)"
    static const struct { ib_kind kind; const char *sql; } steps[] = {
        {IB_KIND_CONTACT, "DELETE FROM contacts WHERE person_id IN " RECORDS_OF},
        {IB_KIND_LIFE_EVENT, "DELETE FROM life_events WHERE person_id IN " RECORDS_OF},
        {IB_KIND_HOUSING, "DELETE FROM housings WHERE person_id IN " RECORDS_OF},
        {IB_KIND_EMPLOYMENT, "DELETE FROM employments WHERE person_id IN " RECORDS_OF},
        {IB_KIND_REGISTRATION, "DELETE FROM registrations WHERE person_id IN " RECORDS_OF},
        {IB_KIND_STAY, "DELETE FROM stays WHERE person_id IN " RECORDS_OF},
        {IB_KIND_COUNT, "DELETE FROM link_reviews WHERE record_a IN " RECORDS_OF
                        " OR record_b IN " RECORDS_OF},
        {IB_KIND_PERSON, "DELETE FROM persons WHERE people_id = ?1"},
        {IB_KIND_COUNT, "DELETE FROM people WHERE id = ?1 OR merged_into = ?1"},
    };
#undef RECORDS_OF
    int64_t ignored = 0;
    ib_sqlite *s = ib_sq(st);
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        int64_t *count = steps[i].kind == IB_KIND_COUNT ? &ignored : &removed[steps[i].kind];
        int rc = delete_where_person(s, steps[i].sql, person_id, count, err);
        if (rc)
            return rc;
    }
    ib_sq_refs_clear(s);
    return IB_OK;
}
