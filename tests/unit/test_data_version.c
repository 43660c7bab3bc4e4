/* test_data_version.c — the store's data version (ib_store_data_version):
 * a fresh random token in the commit of every transaction that changes a
 * registry table (insert, update, erasure, a new sender), none for
 * audit-only writes, users, inspections, a re-sent identical row or a
 * rolled-back transaction; the scan reports the version of what it reads;
 * an erasure deletes the monitor's snapshot beside the database, after its
 * commit only. */
#include "registry_fixture.h"

#include <sys/stat.h>

static void version_of(registry *r, char out[IB_DATA_VERSION_LEN])
{
    ib_err err;
    rf_ok(ib_store_data_version(r->st, out, &err), &err);
    assert_int_equal(strlen(out), IB_DATA_VERSION_LEN - 1);
    assert_int_equal(strspn(out, "0123456789abcdef"), IB_DATA_VERSION_LEN - 1);
}

/* Runs after every change below: the version before and after. */
static void assert_changed(registry *r, char before[IB_DATA_VERSION_LEN], bool changed)
{
    char now[IB_DATA_VERSION_LEN];
    version_of(r, now);
    if (changed)
        assert_string_not_equal(now, before);
    else
        assert_string_equal(now, before);
    memcpy(before, now, IB_DATA_VERSION_LEN);
}

static void test_registry_writes_change_it(void **state)
{
    (void)state;
    registry r;
    registry_open(&r, false);
    char v[IB_DATA_VERSION_LEN];
    version_of(&r, v);

    rf_begin(&r);
    rf_person(&r, r.s1, "E", "1991-01-01", IB_SEX_M, "PL", IB_CAT_LABOUR);
    rf_commit(&r);
    assert_changed(&r, v, true);

    /* The same person again: nothing written, nothing changed. */
    rf_begin(&r);
    rf_person(&r, r.s1, "E", "1991-01-01", IB_SEX_M, "PL", IB_CAT_LABOUR);
    rf_stay(&r, r.s1, "A", "2022-01-01", NULL);
    rf_commit(&r);
    assert_changed(&r, v, false);

    /* Another birth date: an update. */
    rf_begin(&r);
    rf_person(&r, r.s1, "E", "1991-01-02", IB_SEX_M, "PL", IB_CAT_LABOUR);
    rf_commit(&r);
    assert_changed(&r, v, true);

    rf_begin(&r);
    rf_stay(&r, r.s1, "E", "2023-05-01", NULL);
    rf_commit(&r);
    assert_changed(&r, v, true);

    /* A departure for that stay: an update of an episode. */
    rf_begin(&r);
    rf_stay(&r, r.s1, "E", "2023-05-01", "2023-09-01");
    rf_commit(&r);
    assert_changed(&r, v, true);

    /* A contact moment, re-sent (nothing), then with another outcome. */
    rf_begin(&r);
    rf_contact(&r, r.s1, "E", IB_CONTACT_INFORMATION, "2023-05-02", IB_CHANNEL_DESK,
               "registration", "pl", IB_UNDERSTOOD_UNKNOWN);
    rf_commit(&r);
    assert_changed(&r, v, true);
    rf_begin(&r);
    rf_contact(&r, r.s1, "E", IB_CONTACT_INFORMATION, "2023-05-02", IB_CHANNEL_DESK,
               "registration", "pl", IB_UNDERSTOOD_UNKNOWN);
    rf_commit(&r);
    assert_changed(&r, v, false);
    rf_begin(&r);
    rf_contact(&r, r.s1, "E", IB_CONTACT_INFORMATION, "2023-05-02", IB_CHANNEL_DESK,
               "registration", "pl", IB_UNDERSTOOD_YES);
    rf_commit(&r);
    assert_changed(&r, v, true);

    int64_t s3;
    ib_err err;
    rf_ok(ib_store_sender(r.st, "s3", true, &s3, &err), &err);
    assert_changed(&r, v, true);
    rf_ok(ib_store_sender(r.st, "s3", false, &s3, &err), &err);
    assert_changed(&r, v, false);

    /* Rolled back: the old version stays. */
    rf_begin(&r);
    rf_person(&r, r.s1, "F", "1980-01-01", IB_SEX_V, "RO", IB_CAT_LABOUR);
    rf_ok(ib_store_rollback(r.st, &err), &err);
    assert_changed(&r, v, false);
    registry_close(&r);
}

static void test_other_writes_leave_it(void **state)
{
    (void)state;
    registry r;
    registry_open(&r, false);
    char v[IB_DATA_VERSION_LEN];
    version_of(&r, v);
    ib_err err;

    /* An audited read, in its own transaction and in the caller's. */
    ib_audit_entry e = {.entity_id = 1, .person_id = 1};
    ib_strlcpy(e.actor, "user:test", sizeof e.actor);
    ib_strlcpy(e.action, "read", sizeof e.action);
    ib_strlcpy(e.entity, "person", sizeof e.entity);
    rf_ok(ib_store_audit(r.st, &e, &err), &err);
    assert_changed(&r, v, false);
    rf_begin(&r);
    rf_ok(ib_store_audit(r.st, &e, &err), &err);
    rf_commit(&r);
    assert_changed(&r, v, false);

    ib_user u = {.role = IB_ROLE_ANALYST};
    ib_strlcpy(u.name, "analist", sizeof u.name);
    ib_strlcpy(u.organisation, "s1", sizeof u.organisation);
    rf_ok(ib_user_add(r.st, &u, "geheim-wachtwoord-1", &err), &err);
    assert_changed(&r, v, false);

    ib_location loc;
    rf_ok(ib_store_get_location(r.st, r.s1, "L1", &loc, &err), &err);
    ib_inspection in = {.location_id = loc.meta.id, .date = rf_date("2024-01-01"),
                        .persons_found = 3, .outcome = IB_OUTCOME_COMPLIANT};
    ib_strlcpy(in.inspector, "inspecteur", sizeof in.inspector);
    rf_ok(ib_inspection_put(r.st, &in, &err), &err);
    assert_changed(&r, v, false);
    registry_close(&r);
}

static int on_version(void *ctx, const char *version)
{
    ib_strlcpy(ctx, version, IB_DATA_VERSION_LEN);
    return 0;
}

static void test_scan_reports_it(void **state)
{
    (void)state;
    registry r;
    registry_open(&r, false);
    char v[IB_DATA_VERSION_LEN];
    version_of(&r, v);
    char scanned[IB_DATA_VERSION_LEN] = "";
    ib_scan_handler h = {.ctx = scanned, .data_version = on_version};
    ib_err err;
    rf_ok(ib_store_scan(r.st, 0, &h, &err), &err);
    assert_string_equal(scanned, v);
    registry_close(&r);
}

static bool exists(const char *path)
{
    return access(path, F_OK) == 0;
}

static void touch(const char *path)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("snapshot", f);
    fclose(f);
}

static void test_erase_changes_it_and_removes_snapshot(void **state)
{
    (void)state;
    registry r;
    registry_open(&r, false);
    char v[IB_DATA_VERSION_LEN], path[256], want[256];
    ib_err err;
    rf_ok(ib_store_snapshot_path(r.st, path, sizeof path, &err), &err);
    snprintf(want, sizeof want, "%s.monitor", r.db);
    assert_string_equal(path, want);
    version_of(&r, v);

    ib_person p;
    rf_ok(ib_store_get_person(r.st, r.s1, "B", &p, &err), &err);
    touch(path);
    /* Inside the caller's transaction: the file goes at the commit ... */
    rf_begin(&r);
    rf_ok(ib_store_erase_person(r.st, p.meta.id, "test", "verzoek", NULL, &err), &err);
    assert_true(exists(path));
    rf_ok(ib_store_rollback(r.st, &err), &err);
    /* ... and stays when it is rolled back. */
    assert_true(exists(path));
    assert_changed(&r, v, false);

    rf_ok(ib_store_erase_person(r.st, p.meta.id, "test", "verzoek", NULL, &err), &err);
    assert_false(exists(path));
    assert_changed(&r, v, true);

    /* No snapshot to delete is no error. */
    rf_ok(ib_store_get_person(r.st, r.s1, "A", &p, &err), &err);
    rf_ok(ib_store_erase_person(r.st, p.meta.id, "test", "verzoek", NULL, &err), &err);
    assert_changed(&r, v, true);
    registry_close(&r);
}

/* Every database has a version from its creation (migration 3), and each
 * database its own. */
static void test_new_databases_differ(void **state)
{
    (void)state;
    registry a, b;
    registry_open(&a, false);
    registry_open(&b, false);
    char va[IB_DATA_VERSION_LEN], vb[IB_DATA_VERSION_LEN];
    version_of(&a, va);
    version_of(&b, vb);
    assert_string_not_equal(va, vb);
    registry_close(&a);
    registry_close(&b);
}

/* A database from before contact moments (schema 4) gets their table, and
 * a new data version: a copy made before lacks the kind. */
static void test_contacts_migration_changes_it(void **state)
{
    (void)state;
    registry r;
    registry_open(&r, false);
    ib_store_close(r.st);
    /* back to schema 4: without the contacts (5) and the inbox (6) */
    rf_sql(&r, "DROP TABLE signal_evaluations; DROP TABLE signal_history;"
               " DROP TABLE signals; DROP TABLE signal_settings;"
               " DROP TABLE signal_routes; DROP TABLE team_members;"
               " DROP TABLE teams; DROP TABLE contacts;"
               " DELETE FROM schema_migrations WHERE version >= 5;"
               " UPDATE store_meta SET value = '0123456789abcdef0123456789abcdef'"
               " WHERE name = 'data_version'");
    ib_store_options opt = {.key_path = NULL, .create = false};
    ib_err err;
    rf_ok(ib_store_open(&r.st, r.db, &opt, &err), &err);
    assert_int_equal(ib_store_schema_version(r.st), 6);
    char v[IB_DATA_VERSION_LEN];
    version_of(&r, v);
    assert_string_not_equal(v, "0123456789abcdef0123456789abcdef");
    rf_begin(&r);
    rf_contact(&r, r.s1, "A", IB_CONTACT_OTHER, "2022-01-03", IB_CHANNEL_OTHER, "",
               "", IB_UNDERSTOOD_UNKNOWN);
    rf_commit(&r);
    registry_close(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry_writes_change_it),
        cmocka_unit_test(test_other_writes_leave_it),
        cmocka_unit_test(test_scan_reports_it),
        cmocka_unit_test(test_erase_changes_it_and_removes_snapshot),
        cmocka_unit_test(test_new_databases_differ),
        cmocka_unit_test(test_contacts_migration_changes_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
