/* temp_store.h — a store in a temporary folder of its own, for the unit
 * tests that open, reopen and remove one (test_store.c, test_store_wal.c,
 * test_users.c). Include after cmocka.h. */
#ifndef IB_TEST_TEMP_STORE_H
#define IB_TEST_TEMP_STORE_H

#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

/* Runs SQL on a database file behind the store's back (tampering, a
 * trigger that fails, a look at what is stored). */
static inline void raw_sql(const char *db, const char *sql)
{
    sqlite3 *h;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(h, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        print_error("%s: %s\n", sql, msg ? msg : "?");
    sqlite3_free(msg);
    assert_int_equal(rc, SQLITE_OK);
    sqlite3_close(h);
}

/* The first column of the first row of a query, as a number. */
static inline long raw_count(const char *db, const char *sql)
{
    sqlite3 *h;
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    long n = (long)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(h);
    return n;
}

/* A new folder /tmp/ib_<name>_XXXXXX in dir (size bytes). */
static void ts_make_dir(char *dir, size_t size, const char *name)
{
    snprintf(dir, size, "/tmp/ib_%s_XXXXXX", name);
    assert_non_null(mkdtemp(dir));
}

/* Removes the folder and the files in it (the database, its -wal, -shm,
 * key, snapshot and read log). */
static void ts_remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char path[512];
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

/* Opens (create: and creates) the store at db with the key file key (NULL:
 * the default beside it); fails the test with the store's message. */
static ib_store *ts_open(const char *db, const char *key, bool create)
{
    ib_store_options opt = {.key_path = key, .create = create};
    ib_store *st = NULL;
    ib_err err;
    int rc = ib_store_open(&st, db, &opt, &err);
    if (rc != IB_OK)
        print_error("open %s: %s\n", db, err.msg);
    assert_int_equal(rc, IB_OK);
    return st;
}

#endif
