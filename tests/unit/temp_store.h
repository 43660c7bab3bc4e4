/* temp_store.h — a store in a temporary folder of its own, for the unit
 * tests that open, reopen and remove one (test_store.c, test_store_wal.c,
 * test_users.c). Include after cmocka.h. */
#ifndef IB_TEST_TEMP_STORE_H
#define IB_TEST_TEMP_STORE_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

/* A new folder /tmp/ib_<name>_XXXXXX in dir (size bytes). */
static void ts_make_dir(char *dir, size_t size, const char *name)
{
    snprintf(dir, size, "/tmp/ib_%s_XXXXXX", name);
    assert_non_null(mkdtemp(dir));
}

/* Removes the folder and the files in it (the database, its -wal, -shm,
 * key and snapshot). */
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
