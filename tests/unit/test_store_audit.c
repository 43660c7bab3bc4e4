/* test_store_audit.c — the heads of the audit logs and the anchor: removing
 * the last entries of either log (or all of them), putting back an older
 * read log, or an older head with its log, shows in verify; a head that no
 * longer fits is not made anew by later commits; and an anchor taken
 * earlier catches even a consistent older copy of both files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "temp_store.h"

typedef struct fixture {
    char dir[64];
    char db[128];
    char reads[160];
    ib_store *st;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    ts_make_dir(fx->dir, sizeof fx->dir, "audit");
    snprintf(fx->db, sizeof fx->db, "%s/t.db", fx->dir);
    snprintf(fx->reads, sizeof fx->reads, "%s.reads", fx->db);
    fx->st = ts_open(fx->db, NULL, true);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    ib_store_close(fx->st);
    ts_remove_dir(fx->dir);
    free(fx);
    return 0;
}

static void add_change(ib_store *st, const char *detail)
{
    ib_audit_entry e = {0};
    ib_strlcpy(e.action, "update", sizeof e.action);
    ib_strlcpy(e.entity, "person", sizeof e.entity);
    ib_strlcpy(e.detail, detail, sizeof e.detail);
    ib_err err;
    assert_int_equal(ib_store_audit(st, &e, &err), IB_OK);
}

static void add_reads(ib_store *st, int n, int64_t person)
{
    ib_audit_entry e[8] = {{0}};
    assert_true(n <= 8);
    for (int i = 0; i < n; i++) {
        e[i].person_id = e[i].entity_id = person;
        ib_strlcpy(e[i].action, "read", sizeof e[i].action);
        ib_strlcpy(e[i].entity, "person", sizeof e[i].entity);
        ib_strlcpy(e[i].detail, "GET /api/v1/persons/1; doel: controle", sizeof e[i].detail);
    }
    ib_err err;
    assert_int_equal(ib_store_audit_reads(st, e, (size_t)n, &err), IB_OK);
}

/* Some of each: 4 changes and 6 reads, interleaved, so both heads link. */
static void fill(fixture *fx)
{
    add_change(fx->st, "een");
    add_reads(fx->st, 3, 1);
    add_change(fx->st, "twee");
    add_reads(fx->st, 3, 2);
    add_change(fx->st, "drie");
    add_change(fx->st, "vier");
}

/* verify's outcome; its message when it fails contains `says`. */
static void expect_verify(fixture *fx, int want, const char *says)
{
    ib_err err;
    int64_t checked;
    int rc = ib_store_audit_verify(fx->st, &checked, &err);
    if (rc != want)
        print_error("verify: %d (%s), expected %d\n", rc, rc ? err.msg : "", want);
    assert_int_equal(rc, want);
    if (says && !strstr(err.msg, says))
        print_error("'%s' lacks '%s'\n", err.msg, says);
    assert_true(!says || strstr(err.msg, says));
}

/* Runs sql on a file behind the store's back, with the store closed. */
static void tamper(fixture *fx, const char *file, const char *sql)
{
    ib_store_close(fx->st);
    raw_sql(file, sql);
    fx->st = ts_open(fx->db, NULL, false);
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

/* Closes the store (its last connection folds the write-ahead logs into
 * the files), copies db and read log with the suffix, and reopens. */
static void save_copy(fixture *fx, const char *suffix)
{
    char to[200];
    ib_store_close(fx->st);
    snprintf(to, sizeof to, "%s%s", fx->db, suffix);
    copy_file(fx->db, to);
    snprintf(to, sizeof to, "%s%s", fx->reads, suffix);
    copy_file(fx->reads, to);
    fx->st = ts_open(fx->db, NULL, false);
}

static void put_back(fixture *fx, const char *suffix, bool db, bool reads)
{
    char from[200];
    ib_store_close(fx->st);
    snprintf(from, sizeof from, "%s%s", fx->db, suffix);
    if (db)
        copy_file(from, fx->db);
    snprintf(from, sizeof from, "%s%s", fx->reads, suffix);
    if (reads)
        copy_file(from, fx->reads);
    fx->st = ts_open(fx->db, NULL, false);
}

static void test_untouched_logs_verify(void **state)
{
    fixture *fx = *state;
    expect_verify(fx, IB_OK, NULL);             /* a new database: empty, headed */
    fill(fx);
    expect_verify(fx, IB_OK, NULL);
    assert_int_equal(raw_count(fx->db, "SELECT count(*) FROM store_meta"
                                       " WHERE name = 'audit_head'"), 1);
    assert_int_equal(raw_count(fx->reads, "SELECT count(*) FROM reads_meta"
                                          " WHERE name = 'head'"), 1);
}

static void test_last_changes_removed(void **state)
{
    fixture *fx = *state;
    fill(fx);
    tamper(fx, fx->db, "DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)");
    expect_verify(fx, IB_ECONFLICT, "wijzigingslog ingekort");
    /* Later changes do not make a head for the shortened log. */
    add_change(fx->st, "na het inkorten");
    add_reads(fx->st, 1, 3);
    expect_verify(fx, IB_ECONFLICT, "wijzigingslog");
}

static void test_all_changes_removed(void **state)
{
    fixture *fx = *state;
    fill(fx);
    tamper(fx, fx->db, "DELETE FROM audit");
    expect_verify(fx, IB_ECONFLICT, "wijzigingslog ingekort");
    add_change(fx->st, "opnieuw begonnen");
    expect_verify(fx, IB_ECONFLICT, "wijzigingslog");
}

static void test_last_reads_removed(void **state)
{
    fixture *fx = *state;
    fill(fx);
    tamper(fx, fx->reads, "DELETE FROM audit WHERE id > 4");
    expect_verify(fx, IB_ECONFLICT, "leeslog ingekort");
    add_reads(fx->st, 2, 4);
    expect_verify(fx, IB_ECONFLICT, "leeslog");
}

static void test_all_reads_removed(void **state)
{
    fixture *fx = *state;
    fill(fx);
    tamper(fx, fx->reads, "DELETE FROM audit");
    expect_verify(fx, IB_ECONFLICT, "leeslog ingekort");
}

static void test_head_changed_or_removed(void **state)
{
    fixture *fx = *state;
    fill(fx);
    tamper(fx, fx->db, "UPDATE store_meta SET value = replace(value, 'changes 4 ',"
                       " 'changes 3 ') WHERE name = 'audit_head'");
    expect_verify(fx, IB_ECONFLICT, "de kop is gewijzigd");
    tamper(fx, fx->db, "DELETE FROM store_meta WHERE name = 'audit_head'");
    expect_verify(fx, IB_ECONFLICT, "de kop (hoeveel regels er zijn) ontbreekt");
    add_change(fx->st, "zonder kop");           /* no new head over the gap */
    expect_verify(fx, IB_ECONFLICT, "ontbreekt");
    tamper(fx, fx->reads, "DELETE FROM reads_meta WHERE name = 'head'");
    add_reads(fx->st, 1, 1);
    assert_int_equal(raw_count(fx->reads, "SELECT count(*) FROM reads_meta"
                                          " WHERE name = 'head'"), 0);
}

/* An older copy of the read log, with the head it had then, is caught by
 * the change log's link once a change was committed after the reads. */
static void test_older_read_log_put_back(void **state)
{
    fixture *fx = *state;
    fill(fx);
    save_copy(fx, ".old");
    add_reads(fx->st, 4, 5);
    add_change(fx->st, "na de inzage");
    expect_verify(fx, IB_OK, NULL);
    put_back(fx, ".old", false, true);
    expect_verify(fx, IB_ECONFLICT, "leeslog ingekort: volgens het wijzigingslog");
}

/* And an older change log with its old head (the database put back) by
 * the read log's link. */
static void test_older_change_log_put_back(void **state)
{
    fixture *fx = *state;
    fill(fx);
    save_copy(fx, ".old");
    add_change(fx->st, "nieuw");
    add_reads(fx->st, 1, 5);
    put_back(fx, ".old", true, false);
    expect_verify(fx, IB_ECONFLICT, "wijzigingslog ingekort: volgens het leeslog");
}

static void test_anchor_catches_an_older_copy_of_both(void **state)
{
    fixture *fx = *state;
    ib_err err;
    fill(fx);
    save_copy(fx, ".old");
    add_change(fx->st, "vijf");
    add_reads(fx->st, 2, 7);
    ib_audit_anchor now, parsed;
    assert_int_equal(ib_store_audit_verify_anchor(fx->st, NULL, &now, NULL, &err), IB_OK);
    assert_int_equal(now.changes, 5);
    assert_int_equal(now.reads, 8);
    assert_int_equal(strlen(now.reads_log), 32);
    char text[512];
    ib_audit_anchor_format(&now, text, sizeof text);
    assert_int_equal(ib_audit_anchor_parse(text, &parsed, &err), IB_OK);
    assert_memory_equal(&parsed, &now, sizeof now);
    assert_int_equal(ib_store_audit_verify_anchor(fx->st, &parsed, NULL, NULL, &err), IB_OK);

    /* Both files put back: consistent in themselves, not with the anchor. */
    put_back(fx, ".old", true, true);
    expect_verify(fx, IB_OK, NULL);
    assert_int_equal(ib_store_audit_verify_anchor(fx->st, &parsed, NULL, NULL, &err),
                     IB_ECONFLICT);
    assert_non_null(strstr(err.msg, "volgens het anker"));
}

static void test_anchor_text_is_checked(void **state)
{
    (void)state;
    ib_audit_anchor a;
    ib_err err;
    const char *good = "inbeeld-auditanker 1\ntijdstip 2026-01-02T03:04:05.678Z\n"
                       "wijzigingslog 0 -\nleeslog - 0 -\n";
    assert_int_equal(ib_audit_anchor_parse(good, &a, &err), IB_OK);
    assert_int_equal(ib_audit_anchor_parse("iets anders\n", &a, &err), IB_EINVAL);
    assert_int_equal(ib_audit_anchor_parse("inbeeld-auditanker 1\nwijzigingslog 0 -\n",
                                           &a, &err), IB_EINVAL);
    assert_non_null(strstr(err.msg, "onvolledig"));
    assert_int_equal(ib_audit_anchor_parse("inbeeld-auditanker 1\ntijdstip x\n"
                                           "wijzigingslog 3 abc\nleeslog - 0 -\n",
                                           &a, &err), IB_EINVAL);
    assert_non_null(strstr(err.msg, "regel 3"));
}

/* A lost read log, forgotten on record, leaves a trail that verifies. */
static void test_forgotten_read_log_verifies(void **state)
{
    fixture *fx = *state;
    ib_err err;
    fill(fx);
    ib_store_close(fx->st);
    assert_int_equal(remove(fx->reads), 0);
    fx->st = ts_open(fx->db, NULL, false);
    assert_int_equal(ib_store_forget_reads(fx->st, "schijf kapot", &err), IB_OK);
    expect_verify(fx, IB_OK, NULL);
    add_reads(fx->st, 2, 1);
    add_change(fx->st, "daarna");
    expect_verify(fx, IB_OK, NULL);
}

/* A database from before the heads gets them once, on record; a head
 * that is there but does not fit is left for verify to report. */
static void test_heads_adopted_only_where_missing(void **state)
{
    fixture *fx = *state;
    ib_err err;
    bool adopted = true;
    fill(fx);
    assert_int_equal(ib_store_audit_adopt_heads(fx->st, &adopted, &err), IB_OK);
    assert_false(adopted);
    tamper(fx, fx->db, "DELETE FROM store_meta WHERE name = 'audit_head'");
    tamper(fx, fx->reads, "DELETE FROM reads_meta WHERE name = 'head'");
    expect_verify(fx, IB_ECONFLICT, "ontbreekt");
    assert_int_equal(ib_store_audit_adopt_heads(fx->st, &adopted, &err), IB_OK);
    assert_true(adopted);
    expect_verify(fx, IB_OK, NULL);
    assert_int_equal(raw_count(fx->db, "SELECT count(*) FROM audit"
                                       " WHERE action = 'adopt-heads'"), 1);

    tamper(fx, fx->db, "DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)");
    assert_int_equal(ib_store_audit_adopt_heads(fx->st, &adopted, &err), IB_OK);
    assert_false(adopted);
    expect_verify(fx, IB_ECONFLICT, "wijzigingslog ingekort");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_untouched_logs_verify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_last_changes_removed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_all_changes_removed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_last_reads_removed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_all_reads_removed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_head_changed_or_removed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_older_read_log_put_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_older_change_log_put_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_anchor_catches_an_older_copy_of_both, setup,
                                        teardown),
        cmocka_unit_test(test_anchor_text_is_checked),
        cmocka_unit_test_setup_teardown(test_forgotten_read_log_verifies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_heads_adopted_only_where_missing, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
