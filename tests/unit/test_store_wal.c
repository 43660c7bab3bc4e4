/* test_store_wal.c — what the server's audit writer and checkpointer use
 * from the store: a group of reads' audit entries in one transaction of
 * the read log (all or none, its chain intact beside the change log's
 * writers), the read log bound to its database, commits that leave the
 * write-ahead logs to the caller, and passive and truncating checkpoints
 * that keep both log files bounded; and that the statements a connection
 * keeps for its look-ups hold no snapshot between uses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "temp_store.h"

typedef struct fixture {
    char dir[64];
    char db[128];
    char wal[160];
    char reads[160];
    char reads_wal[192];
    ib_store *st;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    ts_make_dir(fx->dir, sizeof fx->dir, "wal");
    snprintf(fx->db, sizeof fx->db, "%s/t.db", fx->dir);
    snprintf(fx->wal, sizeof fx->wal, "%s-wal", fx->db);
    snprintf(fx->reads, sizeof fx->reads, "%s.reads", fx->db);
    snprintf(fx->reads_wal, sizeof fx->reads_wal, "%s-wal", fx->reads);
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

static ib_audit_entry entry(const char *actor, int64_t person)
{
    ib_audit_entry e = {.entity_id = person, .person_id = person};
    ib_strlcpy(e.actor, actor, sizeof e.actor);
    ib_strlcpy(e.action, "read", sizeof e.action);
    ib_strlcpy(e.entity, "person", sizeof e.entity);
    snprintf(e.detail, sizeof e.detail, "GET /api/v1/persons/%lld", (long long)person);
    return e;
}

static long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

static void test_reads_chain_beside_changes(void **state)
{
    fixture *fx = *state;
    ib_store *other = ts_open(fx->db, NULL, false);
    ib_err err;
    ib_audit_entry batch[50];
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < 50; i++)
            batch[i] = entry("user:a", round * 50 + i + 1);
        assert_int_equal(ib_store_audit_reads(fx->st, batch, 50, &err), IB_OK);
        /* Another connection appends to the change log between the groups,
         * in a transaction of its own (an import's entry). */
        ib_audit_entry e = entry("user:b", 0);
        ib_strlcpy(e.action, "import", sizeof e.action);
        assert_int_equal(ib_store_begin(other, &err), IB_OK);
        assert_int_equal(ib_store_audit(other, &e, &err), IB_OK);
        assert_int_equal(ib_store_commit(other, &err), IB_OK);
    }
    int64_t checked = 0;
    assert_int_equal(ib_store_audit_verify(other, &checked, &err), IB_OK);
    assert_int_equal(checked, 204);
    /* The reads in the read log, the changes in the database. */
    assert_int_equal(raw_count(fx->reads, "SELECT count(*) FROM audit WHERE actor = 'user:a'"
                                          " AND action = 'read'"), 200);
    assert_int_equal(raw_count(fx->db, "SELECT count(*) FROM audit"), 4);
    /* In the order given: the group's entries are consecutive. */
    assert_int_equal(raw_count(fx->reads, "SELECT max(id) - min(id) FROM audit"
                                          " WHERE person_id BETWEEN 51 AND 100"), 49);
    ib_store_counts n;
    assert_int_equal(ib_store_count(other, &n, &err), IB_OK);
    assert_int_equal(n.audit_entries, 4);
    assert_int_equal(n.audit_reads, 200);
    ib_store_close(other);
}

static void test_reads_all_or_none(void **state)
{
    fixture *fx = *state;
    ib_err err;
    ib_audit_entry batch[3] = {entry("user:a", 1), entry("user:a", 2), entry("user:a", 3)};
    batch[2].entity[0] = '\0';             /* not an entry: none is stored */
    assert_int_equal(ib_store_audit_reads(fx->st, batch, 3, &err), IB_EINVAL);
    assert_int_equal(access(fx->reads, F_OK), -1);     /* not even made */

    /* A log that refuses the insert: the group is rolled back. */
    ib_strlcpy(batch[2].entity, "person", sizeof batch[2].entity);
    assert_int_equal(ib_store_audit_reads(fx->st, batch, 1, &err), IB_OK);
    raw_sql(fx->reads, "CREATE TRIGGER full BEFORE INSERT ON audit WHEN NEW.person_id = 2"
                       " BEGIN SELECT RAISE(FAIL, 'disk full'); END");
    assert_int_not_equal(ib_store_audit_reads(fx->st, batch, 3, &err), IB_OK);
    assert_int_equal(raw_count(fx->reads, "SELECT count(*) FROM audit"), 1);
    raw_sql(fx->reads, "DROP TRIGGER full");
    assert_int_equal(ib_store_audit_reads(fx->st, batch, 3, &err), IB_OK);
    assert_int_equal(raw_count(fx->reads, "SELECT count(*) FROM audit"), 4);

    /* Independent of a transaction of the caller's on the database: the
     * read is recorded even when that transaction is rolled back. */
    assert_int_equal(ib_store_begin(fx->st, &err), IB_OK);
    assert_int_equal(ib_store_audit_reads(fx->st, batch, 1, &err), IB_OK);
    assert_int_equal(ib_store_rollback(fx->st, &err), IB_OK);
    assert_int_equal(raw_count(fx->reads, "SELECT count(*) FROM audit"), 5);
    int64_t checked = 0;
    assert_int_equal(ib_store_audit_verify(fx->st, &checked, &err), IB_OK);
    assert_int_equal(checked, 5);
}

/* The database remembers its read log: removing the log, or putting
 * another database's log in its place, is refused with a message, and the
 * log is not started anew; a database without reads has no log at all. */
static void test_reads_bound_to_database(void **state)
{
    fixture *fx = *state;
    ib_err err;
    int64_t checked = 0;
    assert_int_equal(ib_store_audit_verify(fx->st, &checked, &err), IB_OK);
    assert_int_equal(access(fx->reads, F_OK), -1);
    assert_int_equal(ib_store_prepare_reads(fx->st, &err), IB_OK);   /* made now */
    assert_int_equal(access(fx->reads, F_OK), 0);
    ib_audit_entry e = entry("user:a", 7);
    assert_int_equal(ib_store_audit_reads(fx->st, &e, 1, &err), IB_OK);
    ib_store_close(fx->st);

    char moved[200];
    snprintf(moved, sizeof moved, "%s.moved", fx->reads);
    assert_int_equal(rename(fx->reads, moved), 0);
    unlink(fx->reads_wal);
    fx->st = ts_open(fx->db, NULL, false);
    assert_int_equal(ib_store_audit_verify(fx->st, &checked, &err), IB_ECONFLICT);
    assert_non_null(strstr(err.msg, "ontbreekt"));
    assert_int_equal(ib_store_audit_reads(fx->st, &e, 1, &err), IB_ECONFLICT);
    assert_int_equal(ib_store_prepare_reads(fx->st, &err), IB_ECONFLICT);
    assert_int_equal(access(fx->reads, F_OK), -1);
    ib_store_close(fx->st);

    /* Another database's read log. */
    char other_db[160];
    snprintf(other_db, sizeof other_db, "%s/other.db", fx->dir);
    ib_store *other = ts_open(other_db, NULL, true);
    assert_int_equal(ib_store_audit_reads(other, &e, 1, &err), IB_OK);
    ib_store_close(other);
    char other_reads[200];
    snprintf(other_reads, sizeof other_reads, "%s.reads", other_db);
    assert_int_equal(rename(other_reads, fx->reads), 0);
    fx->st = ts_open(fx->db, NULL, false);
    assert_int_equal(ib_store_audit_verify(fx->st, &checked, &err), IB_ECONFLICT);
    assert_non_null(strstr(err.msg, "andere database"));
    ib_store_close(fx->st);

    /* Its own one back: all is well. */
    assert_int_equal(rename(moved, fx->reads), 0);
    fx->st = ts_open(fx->db, NULL, false);
    assert_int_equal(ib_store_audit_verify(fx->st, &checked, &err), IB_OK);
    assert_int_equal(checked, 1);
}

typedef struct trail {
    int n;
    char order[16];             /* 'c' change, 'r' read */
    char last_at[32];
    bool in_order;
} trail;

static int on_trail(void *ctx, const ib_audit_entry *e)
{
    trail *t = ctx;
    if (strcmp(e->at, t->last_at) < 0)
        t->in_order = false;
    ib_strlcpy(t->last_at, e->at, sizeof t->last_at);
    if (t->n < (int)sizeof t->order - 1)
        t->order[t->n] = strcmp(e->action, "read") == 0 ? 'r' : 'c';
    t->n++;
    return 0;
}

/* A person's trail merges both logs in time order; changing a read log
 * entry behind the store's back breaks its chain there. */
static void test_trail_merged_and_reads_tamper(void **state)
{
    fixture *fx = *state;
    ib_err err;
    ib_audit_entry read = entry("user:a", 9), change = entry("user:b", 9);
    ib_strlcpy(change.action, "update", sizeof change.action);
    const char *steps = "crrcr";
    for (const char *p = steps; *p; p++) {
        if (*p == 'c')
            assert_int_equal(ib_store_audit(fx->st, &change, &err), IB_OK);
        else
            assert_int_equal(ib_store_audit_reads(fx->st, &read, 1, &err), IB_OK);
        struct timespec ms = {0, 2 * 1000 * 1000};   /* distinct timestamps */
        nanosleep(&ms, NULL);
    }
    trail t = {.in_order = true};
    assert_int_equal(ib_store_each_audit(fx->st, 9, on_trail, &t, &err), IB_OK);
    assert_int_equal(t.n, 5);
    assert_string_equal(t.order, steps);
    assert_true(t.in_order);
    trail changes = {.in_order = true};
    assert_int_equal(ib_store_each_audit_change(fx->st, 9, on_trail, &changes, &err),
                     IB_OK);
    assert_string_equal(changes.order, "cc");

    ib_store_close(fx->st);
    raw_sql(fx->reads, "UPDATE audit SET actor = 'user:x' WHERE id = 2");
    fx->st = ts_open(fx->db, NULL, false);
    int64_t checked = 0;
    assert_int_equal(ib_store_audit_verify(fx->st, &checked, &err), IB_ECONFLICT);
    assert_non_null(strstr(err.msg, "leeslog"));
    assert_non_null(strstr(err.msg, "regel 2"));
}

typedef struct person_trail {
    int64_t person;
    long n;
    int64_t last_id;
    bool ok;                    /* the person's, in id order */
} person_trail;

static int on_person_entry(void *ctx, const ib_audit_entry *e)
{
    person_trail *t = ctx;
    if (e->person_id != t->person || e->id <= t->last_id)
        t->ok = false;
    t->last_id = e->id;
    t->n++;
    return 0;
}

/* The read log indexes its entries by person in runs of 8,192 or more: a person's
 * entries are found in the runs and in the entries after the last one,
 * each once and in order. */
static void test_reads_found_by_person_across_runs(void **state)
{
    fixture *fx = *state;
    ib_err err;
    ib_audit_entry batch[500];
    for (int round = 0; round < 40; round++) {          /* 20,000 entries */
        for (int i = 0; i < 500; i++)
            batch[i] = entry("user:a", (round * 500 + i) % 97 + 1);
        assert_int_equal(ib_store_audit_reads(fx->st, batch, 500, &err), IB_OK);
    }
    /* A run once 8,192 are waiting, after the group that made them so:
     * entries 1-8,500 and 8,501-17,000; 17,001-20,000 wait. */
    assert_int_equal(raw_count(fx->reads, "SELECT count(*) FROM reads_runs"), 2);
    assert_int_equal(raw_count(fx->reads, "SELECT count(*) FROM person_runs"), 17000);
    assert_int_equal(raw_count(fx->reads, "SELECT CAST(value AS INTEGER) FROM reads_meta"
                                          " WHERE name = 'indexed_to'"), 17000);
    for (int64_t person = 1; person <= 97; person += 24) {
        person_trail t = {.person = person, .ok = true};
        assert_int_equal(ib_store_each_audit(fx->st, person, on_person_entry, &t, &err),
                         IB_OK);
        assert_true(t.ok);
        long want = 20000 / 97 + ((20000 % 97) >= person ? 1 : 0);
        assert_int_equal(t.n, want);
    }
    int64_t checked = 0;
    assert_int_equal(ib_store_audit_verify(fx->st, &checked, &err), IB_OK);
    assert_int_equal(checked, 20000);

    /* The runs are outside the chain; verify checks them: a removed row
     * (a read hidden from the person's report) or one moved to another
     * run is found. */
    ib_store_close(fx->st);
    raw_sql(fx->reads, "CREATE TABLE kept AS SELECT * FROM person_runs WHERE id = 100;"
                       "DELETE FROM person_runs WHERE id = 100");
    fx->st = ts_open(fx->db, NULL, false);
    assert_int_equal(ib_store_audit_verify(fx->st, &checked, &err), IB_ECONFLICT);
    assert_non_null(strstr(err.msg, "index per persoon"));
    raw_sql(fx->reads, "INSERT INTO person_runs SELECT 17000, person_id, id FROM kept");
    assert_int_equal(ib_store_audit_verify(fx->st, &checked, &err), IB_ECONFLICT);
    raw_sql(fx->reads, "DELETE FROM person_runs WHERE id = 100;"
                       "INSERT INTO person_runs SELECT * FROM kept; DROP TABLE kept");
    assert_int_equal(ib_store_audit_verify(fx->st, &checked, &err), IB_OK);
}

/* Commits with manual checkpoints leave every page in the log; a passive
 * checkpoint copies them; a truncating one empties the file. */
static void test_manual_checkpoints(void **state)
{
    fixture *fx = *state;
    ib_err err;
    assert_int_equal(ib_store_manual_checkpoints(fx->st, &err), IB_OK);
    int64_t pages = 0;
    bool done = false;
    assert_int_equal(ib_store_checkpoint(fx->st, IB_WAL_BOTH, IB_CHECKPOINT_TRUNCATE,
                                         &pages, &done, &err), IB_OK);
    assert_true(done);
    assert_int_equal(file_size(fx->wal), 0);

    /* The read log follows once it is made (here by the first append). */
    ib_audit_entry batch[100];
    for (int i = 0; i < 100; i++)
        batch[i] = entry("user:a", i + 1);
    for (int i = 0; i < 1500; i++)           /* 1,500 commits, a page or more each */
        assert_int_equal(ib_store_audit_reads(fx->st, &batch[i % 100], 1, &err), IB_OK);
    /* SQLite's automatic checkpoint would have started the log over after
     * 1,000 pages; here they all stay until the caller checkpoints. */
    assert_int_equal(ib_store_checkpoint(fx->st, IB_WAL_BOTH, IB_CHECKPOINT_PASSIVE,
                                         &pages, &done, &err), IB_OK);
    assert_true(done);
    assert_true(pages >= 1500);                    /* copied, the file kept */
    assert_true(file_size(fx->reads_wal) >= 1500L * 4096);

    /* A reader holding an old snapshot: a truncate waits at most
     * IB_CHECKPOINT_WAIT_MS and gives up; the next one succeeds. */
    ib_store *reader = ts_open(fx->db, NULL, false);
    assert_int_equal(ib_store_audit_reads(fx->st, batch, 1, &err), IB_OK);
    sqlite3 *h;
    assert_int_equal(sqlite3_open(fx->reads, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "BEGIN; SELECT count(*) FROM audit;", NULL, NULL,
                                  NULL), SQLITE_OK);
    assert_int_equal(ib_store_audit_reads(fx->st, batch, 1, &err), IB_OK);
    assert_int_equal(ib_store_checkpoint(fx->st, IB_WAL_BOTH, IB_CHECKPOINT_TRUNCATE,
                                         &pages, &done, &err), IB_OK);
    assert_false(done);
    assert_int_equal(sqlite3_exec(h, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    assert_int_equal(ib_store_checkpoint(fx->st, IB_WAL_BOTH, IB_CHECKPOINT_TRUNCATE,
                                         &pages, &done, &err), IB_OK);
    assert_true(done);
    assert_int_equal(pages, 0);
    assert_int_equal(file_size(fx->wal), 0);
    assert_int_equal(file_size(fx->reads_wal), 0);
    int64_t checked = 0;
    assert_int_equal(ib_store_audit_verify(reader, &checked, &err), IB_OK);
    assert_int_equal(checked, 1502);
    ib_store_close(reader);

    /* Not inside a transaction. */
    assert_int_equal(ib_store_begin(fx->st, &err), IB_OK);
    assert_int_equal(ib_store_checkpoint(fx->st, IB_WAL_BOTH, IB_CHECKPOINT_PASSIVE,
                                         &pages, &done, &err), IB_EINVAL);
    assert_int_equal(ib_store_rollback(fx->st, &err), IB_OK);
}

static int count_entry(void *ctx, const ib_audit_entry *e)
{
    (void)e;
    (*(long *)ctx)++;
    return 0;
}

static long audit_entries(ib_store *st)
{
    long n = 0;
    ib_err err;
    assert_int_equal(ib_store_each_audit(st, 0, count_entry, &n, &err), IB_OK);
    return n;
}

/* A read transaction reads beside a writer that holds the write lock, sees
 * one snapshot until it ends, and refuses writes (audit entries too). */
static void test_read_transaction(void **state)
{
    fixture *fx = *state;
    ib_err err;
    ib_audit_entry e = entry("user:a", 1);
    assert_int_equal(ib_store_audit(fx->st, &e, &err), IB_OK);
    sqlite3 *h;
    assert_int_equal(sqlite3_open(fx->db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "BEGIN IMMEDIATE; DELETE FROM senders;", NULL,
                                  NULL, NULL), SQLITE_OK);
    assert_int_equal(ib_store_begin_read(fx->st, &err), IB_OK);
    assert_true(ib_store_in_read(fx->st));
    assert_false(ib_store_in_transaction(fx->st));
    assert_int_equal(audit_entries(fx->st), 1);
    assert_int_equal(sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);

    /* Another connection's commit is not seen until the read ends. */
    ib_store *other = ts_open(fx->db, NULL, false);
    assert_int_equal(ib_store_audit(other, &e, &err), IB_OK);
    assert_int_equal(audit_entries(fx->st), 1);
    assert_int_equal(ib_store_audit(fx->st, &e, &err), IB_EINVAL);
    assert_int_equal(ib_store_begin(fx->st, &err), IB_EINVAL);
    assert_int_equal(ib_store_begin_read(fx->st, &err), IB_EINVAL);
    assert_int_equal(ib_store_end_read(fx->st, &err), IB_OK);
    assert_false(ib_store_in_read(fx->st));
    assert_int_equal(audit_entries(fx->st), 2);
    assert_int_equal(ib_store_end_read(fx->st, &err), IB_EINVAL);

    /* Not inside a write transaction. */
    assert_int_equal(ib_store_begin(fx->st, &err), IB_OK);
    assert_int_equal(ib_store_begin_read(fx->st, &err), IB_EINVAL);
    assert_int_equal(ib_store_rollback(fx->st, &err), IB_OK);
    ib_store_close(other);
    sqlite3_close(h);
}

static int count_sender(void *ctx, int64_t id, const char *ref)
{
    (void)id;
    (void)ref;
    (*(long *)ctx)++;
    return 0;
}

/* An outer loop over the senders that runs the same look-up inside: the
 * kept statement is busy, so the inner one is a fresh one. */
static int nested_senders(void *ctx, int64_t id, const char *ref)
{
    (void)id;
    (void)ref;
    ib_store *st = ((void **)ctx)[0];
    long *inner = ((void **)ctx)[1];
    ib_err err;
    return ib_store_each_sender(st, count_sender, inner, &err);
}

/* The statements a connection keeps for its look-ups (token, user, senders,
 * BEGIN and COMMIT of a read) are reset after each use: the next use sees
 * other connections' commits, and none holds a read snapshot that would
 * keep a truncating checkpoint from emptying the log. */
static void test_kept_statements_hold_no_snapshot(void **state)
{
    fixture *fx = *state;
    ib_err err;
    ib_user u = {.role = IB_ROLE_AGENCY};
    ib_strlcpy(u.name, "bureau", sizeof u.name);
    ib_strlcpy(u.organisation, "bureau-a", sizeof u.organisation);
    assert_int_equal(ib_user_add(fx->st, &u, "geheim-wachtwoord-1", &err), IB_OK);
    char token[IB_TOKEN_STRLEN];
    ib_api_token t, found;
    assert_int_equal(ib_api_token_create(fx->st, u.id, "feed", 1000, token, &t, &err),
                     IB_OK);
    ib_store *other = ts_open(fx->db, NULL, false);
    for (int i = 0; i < 3; i++)                  /* kept after the first use */
        assert_int_equal(ib_api_token_find(fx->st, token, &found, &err), IB_OK);
    assert_int_equal(found.id, t.id);
    assert_int_equal(ib_api_token_revoke(other, u.id, t.id, &err), IB_OK);
    assert_int_equal(ib_api_token_find(fx->st, token, &found, &err), IB_ENOTFOUND);

    int64_t id;
    assert_int_equal(ib_store_sender(other, "bureau-a", true, &id, &err), IB_OK);
    assert_int_equal(ib_store_sender(other, "bureau-b", true, &id, &err), IB_OK);
    long outer = 0, inner = 0;
    assert_int_equal(ib_store_each_sender(fx->st, count_sender, &outer, &err), IB_OK);
    assert_int_equal(outer, 2);
    void *ctx[] = {fx->st, &inner};
    assert_int_equal(ib_store_each_sender(fx->st, nested_senders, ctx, &err), IB_OK);
    assert_int_equal(inner, 4);

    /* A read transaction after another connection's commit sees it. */
    ib_audit_entry e = entry("user:a", 1);
    long before = audit_entries(fx->st);
    for (long i = 1; i <= 3; i++) {
        assert_int_equal(ib_store_audit(other, &e, &err), IB_OK);
        assert_int_equal(ib_store_begin_read(fx->st, &err), IB_OK);
        assert_int_equal(audit_entries(fx->st), before + i);
        assert_int_equal(ib_store_end_read(fx->st, &err), IB_OK);
    }
    ib_user got;
    assert_int_equal(ib_user_get(fx->st, "bureau", &got, &err), IB_OK);

    int64_t pages = 0;
    bool done = false;
    assert_int_equal(ib_store_audit(other, &e, &err), IB_OK);
    assert_int_equal(ib_store_checkpoint(other, IB_WAL_BOTH, IB_CHECKPOINT_TRUNCATE,
                                         &pages, &done, &err), IB_OK);
    assert_true(done);
    assert_int_equal(file_size(fx->wal), 0);
    ib_store_close(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reads_chain_beside_changes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_reads_all_or_none, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reads_bound_to_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trail_merged_and_reads_tamper, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_reads_found_by_person_across_runs, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_manual_checkpoints, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kept_statements_hold_no_snapshot, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
