/* test_snapshot.c — the monitor's snapshot (src/monitor/snapshot.c): what
 * is read back equals a fresh load in every array; the file is mode 0600;
 * a missing, stale, truncated or damaged file (every single byte flipped)
 * is refused; records made inconsistent before writing (so that the
 * checksums hold) are refused or, when accepted, every figure runs on them
 * without a crash (run under ASan/UBSan too); ib_mdata_load_snapshot
 * writes, uses, rebuilds after a change and keeps away when told. */
#include "registry_fixture.h"

#include <sys/stat.h>

#include "monitor/monitor.h"
#include "mdata_compare.h"

static void load_all(registry *r, ib_mdata *d)
{
    ib_err err;
    rf_ok(ib_mdata_load(r->st, NULL, d, &err), &err);
}

static void snap_path(const registry *r, char *out, size_t size)
{
    snprintf(out, size, "%s.monitor", r->db);
}

/* Everything, the strings arena and the version included. */
static void same_everything(const ib_mdata *a, const ib_mdata *b)
{
    same_data(a, b);
    assert_int_equal(a->strings_len, b->strings_len);
    if (a->strings_len)
        assert_memory_equal(a->strings, b->strings, a->strings_len);
    assert_string_equal(a->data_version, b->data_version);
}

static void test_round_trip(void **state)
{
    (void)state;
    registry r;
    registry_open(&r, true);
    ib_mdata d, back;
    load_all(&r, &d);
    char version[IB_DATA_VERSION_LEN], path[256];
    ib_err err;
    rf_ok(ib_store_data_version(r.st, version, &err), &err);
    assert_string_equal(d.data_version, version);
    snap_path(&r, path, sizeof path);
    rf_ok(ib_mdata_snapshot_write(&d, path, &err), &err);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    /* Both ways of reading give the same. */
    for (ib_msnap_mode mode = IB_MSNAP_COPY; mode <= IB_MSNAP_MAP; mode++) {
        rf_ok(ib_mdata_snapshot_read(path, version, mode, &back, &err), &err);
        assert_true(back.region != NULL);
        assert_int_equal(back.region_mapped, mode == IB_MSNAP_MAP);
        same_everything(&d, &back);
        ib_mdata_free(&back);
    }
    ib_mdata_free(&d);
    registry_close(&r);
}

static void test_empty_registry(void **state)
{
    (void)state;
    registry r;
    memset(&r, 0, sizeof r);
    snprintf(r.dir, sizeof r.dir, "/tmp/ib_snap_XXXXXX");
    assert_non_null(mkdtemp(r.dir));
    snprintf(r.db, sizeof r.db, "%s/t.db", r.dir);
    ib_store_options opt = {.create = true};
    ib_err err;
    rf_ok(ib_store_open(&r.st, r.db, &opt, &err), &err);
    ib_mdata d, back;
    load_all(&r, &d);
    char path[256];
    snap_path(&r, path, sizeof path);
    rf_ok(ib_mdata_snapshot_write(&d, path, &err), &err);
    rf_ok(ib_mdata_snapshot_read(path, d.data_version, IB_MSNAP_COPY, &back, &err), &err);
    same_everything(&d, &back);
    ib_mdata_free(&back);
    ib_mdata_free(&d);
    registry_close(&r);
}

static void test_missing_stale_unversioned(void **state)
{
    (void)state;
    registry r;
    registry_open(&r, false);
    char path[256];
    snap_path(&r, path, sizeof path);
    ib_mdata d, back;
    ib_err err;
    load_all(&r, &d);
    assert_int_equal(ib_mdata_snapshot_read(path, d.data_version, IB_MSNAP_COPY, &back, &err),
                     IB_ENOTFOUND);
    rf_ok(ib_mdata_snapshot_write(&d, path, &err), &err);
    assert_int_equal(ib_mdata_snapshot_read(path, "0123456789abcdef0123456789abcdef",
                                            IB_MSNAP_MAP, &back, &err), IB_ECONFLICT);
    assert_int_equal(back.n_persons, 0);
    assert_int_equal(ib_mdata_snapshot_read(path, "", IB_MSNAP_COPY, &back, &err), IB_ECONFLICT);
    ib_mdata_free(&d);

    /* One sender's data is not the registry: no version, not written. */
    ib_filter f = {r.s1, 0, 0};
    rf_ok(ib_mdata_load(r.st, &f, &d, &err), &err);
    assert_string_equal(d.data_version, "");
    assert_int_equal(ib_mdata_snapshot_write(&d, path, &err), IB_EINVAL);
    ib_mdata_free(&d);
    registry_close(&r);
}

/* ------------------------------------------------------------ damage */

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    assert_true(len > 0);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)len);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return buf;
}

static void spill(const char *path, const unsigned char *buf, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, n, f), n);
    fclose(f);
}

/* The file at path is refused both ways, and leaves nothing behind in *d. */
static void refused(const char *path, const char *version)
{
    for (ib_msnap_mode mode = IB_MSNAP_COPY; mode <= IB_MSNAP_MAP; mode++) {
        ib_mdata d;
        ib_err err;
        assert_int_not_equal(ib_mdata_snapshot_read(path, version, mode, &d, &err), IB_OK);
        assert_int_equal(d.n_persons, 0);
        assert_null(d.persons);
        assert_null(d.strings);
        assert_null(d.region);
    }
}

static void test_damaged_file_is_refused(void **state)
{
    (void)state;
    registry r;
    registry_open(&r, false);
    char path[256];
    snap_path(&r, path, sizeof path);
    ib_mdata d;
    ib_err err;
    load_all(&r, &d);
    rf_ok(ib_mdata_snapshot_write(&d, path, &err), &err);
    size_t n;
    unsigned char *good = slurp(path, &n);
    unsigned char *bad = malloc(n + 1);
    assert_non_null(bad);

    size_t cuts[] = {0, 1, 8, 255, 256, 257, n / 2, n - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
        spill(path, good, cuts[i]);
        refused(path, d.data_version);
    }
    memcpy(bad, good, n);
    bad[n] = 0;
    spill(path, bad, n + 1);                   /* one byte too many */
    refused(path, d.data_version);
    /* Every byte of the file, header and arrays, flipped in turn. */
    for (size_t i = 0; i < n; i++) {
        memcpy(bad, good, n);
        bad[i] ^= (unsigned char)(1u << (i % 8));
        spill(path, bad, n);
        refused(path, d.data_version);
    }
    spill(path, good, n);
    ib_mdata back;
    rf_ok(ib_mdata_snapshot_read(path, d.data_version, IB_MSNAP_COPY, &back, &err), &err);
    ib_mdata_free(&back);
    free(bad);
    free(good);
    ib_mdata_free(&d);
    registry_close(&r);
}

/* Every figure on d, for the sanitizers to watch; the results are not
 * checked (the data is nonsense), only that nothing crashes. */
static void run_every_figure(const ib_mdata *d)
{
    ib_err err;
    ib_date at = rf_date("2024-01-01");
    ib_msurv_opts so = {.at = at};
    for (int g = 0; g < IB_GROUP_COUNT; g++) {
        ib_msurv_result sr;
        if (ib_monitor_survival(d, &so, (ib_group)g, 3652, &sr, &err) == IB_OK)
            ib_msurv_result_free(&sr);
        ib_mtypology_opts to;
        ib_mtypology_opts_init(&to, at);
        ib_mtable t;
        if (ib_monitor_typology(d, &to, (ib_group)g, &t, &err) == IB_OK)
            ib_mtable_free(&t);
        ib_munreg_list un = {0};
        if (ib_monitor_registration(d, at, (ib_group)g, &t, &un, &err) == IB_OK) {
            ib_mtable_free(&t);
            ib_munreg_list_free(&un);
        }
    }
    ib_mhousing_opts ho;
    ib_mhousing_opts_init(&ho, at);
    ib_mtable t;
    if (ib_monitor_housing_locations(d, &ho, &t, &err) == IB_OK)
        ib_mtable_free(&t);
    if (ib_monitor_housing_municipalities(d, &ho, &t, &err) == IB_OK)
        ib_mtable_free(&t);
    if (ib_monitor_housing_providers(d, &ho, &t, &err) == IB_OK)
        ib_mtable_free(&t);
    FILE *sink = fopen("/dev/null", "w");
    assert_non_null(sink);
    ib_monitor_write_intervals(sink, d, &so, IB_TV_ALL, &err);
    fclose(sink);
    int16_t munis[] = {518, 983};
    ib_mdata sub;
    if (ib_mdata_in_municipalities(d, munis, 2, &sub, &err) == IB_OK)
        ib_mdata_free(&sub);
}

/* The arrays of d that a flip may hit, with their sizes in bytes. */
static size_t arrays_of(ib_mdata *d, unsigned char *arr[], size_t len[])
{
    size_t np = d->n_persons + 1, k = 0;
#define ARR(p, n) (arr[k] = (unsigned char *)(p), len[k++] = (n) * sizeof *(p))
    ARR(d->persons, d->n_persons);
    ARR(d->stays, d->n_stays);
    ARR(d->stay_off, np);
    ARR(d->regs, d->n_regs);
    ARR(d->reg_off, np);
    ARR(d->emps, d->n_emps);
    ARR(d->emp_off, np);
    ARR(d->housings, d->n_housings);
    ARR(d->housing_off, np);
    ARR(d->events, d->n_events);
    ARR(d->event_off, np);
    ARR(d->locations, d->n_locations);
    ARR(d->orgs, d->n_orgs);
    ARR(d->sender_ids, d->n_senders);
    ARR(d->strings, d->strings_len);
#undef ARR
    return k;
}

/* Writes d (changed by the caller, so its checksums hold) and reads it
 * back; returns the read's result, *back filled when IB_OK. */
static int rewrite_and_read(registry *r, ib_mdata *d, ib_msnap_mode mode,
                            ib_mdata *back)
{
    char path[256], version[IB_DATA_VERSION_LEN];
    ib_err err;
    snap_path(r, path, sizeof path);
    ib_strlcpy(version, d->data_version, sizeof version);
    rf_ok(ib_mdata_snapshot_write(d, path, &err), &err);
    int rc = ib_mdata_snapshot_read(path, version, mode, back, &err);
    assert_true(rc == IB_OK || err.code == IB_ESTORE);
    return rc;
}

/* One inconsistency of each kind the checks know, each refused. */
static void test_each_inconsistency_is_refused(void **state)
{
    (void)state;
    registry r;
    registry_open(&r, false);
    for (int c = 0; c < 9; c++) {
        ib_mdata d, back;
        load_all(&r, &d);
        assert_true(d.n_persons > 1 && d.n_stays && d.n_emps && d.n_housings);
        switch (c) {
        case 0: d.persons[0].sender = (uint32_t)d.n_senders; break;
        case 1: d.persons[1].sex = 9; break;
        case 2: d.housings[0].location = (int32_t)d.n_locations; break;
        case 3: d.emps[0].employer = (int32_t)d.n_orgs; break;
        case 4: d.stays[0].departure = d.stays[0].arrival; break;
        case 5: d.stay_off[d.n_persons] = (uint32_t)d.n_stays + 1; break;
        case 6: d.emp_off[1] = (uint32_t)d.n_emps + 5; break;
        case 7: d.strings[d.strings_len - 1] = 'x'; break;
        case 8: d.regs[0].municipality = 10000; break;
        }
        assert_int_not_equal(rewrite_and_read(&r, &d, IB_MSNAP_COPY, &back), IB_OK);
        ib_mdata_free(&d);
    }
    registry_close(&r);
}

/* Random flips in the records before writing, so the checksums hold and
 * only the consistency checks stand between the file and the figures:
 * refused, or accepted and every figure runs without a crash. */
static void test_random_flips_never_crash(void **state)
{
    (void)state;
    registry r;
    registry_open(&r, false);
    ib_mdata d, back;
    load_all(&r, &d);
    run_every_figure(&d);
    ib_mdata_free(&d);
    srand(20261201);
    int refused_n = 0, accepted = 0;
    for (int trial = 0; trial < 300; trial++) {
        load_all(&r, &d);
        unsigned char *arr[16];
        size_t len[16];
        size_t k = arrays_of(&d, arr, len);
        for (int f = 1 + rand() % 3; f > 0; f--) {
            size_t a = (size_t)rand() % k;
            if (len[a])
                arr[a][(size_t)rand() % len[a]] ^= (unsigned char)(1u << (rand() % 8));
        }
        ib_msnap_mode mode = trial % 2 ? IB_MSNAP_MAP : IB_MSNAP_COPY;
        if (rewrite_and_read(&r, &d, mode, &back) == IB_OK) {
            accepted++;
            run_every_figure(&back);
            ib_mdata_free(&back);
        } else {
            refused_n++;
        }
        ib_mdata_free(&d);
    }
    assert_true(refused_n > 0);
    assert_true(accepted > 0);
    registry_close(&r);
}

/* ------------------------------------------------------------ loading */

static void test_load_snapshot(void **state)
{
    (void)state;
    registry r;
    registry_open(&r, false);
    char path[256];
    snap_path(&r, path, sizeof path);
    ib_mdata d, fresh;
    ib_msnap_info info;
    ib_err err;

    rf_ok(ib_mdata_load_snapshot(r.st, IB_MSNAP_OFF, &d, &info, &err), &err);
    assert_false(info.used);
    assert_false(info.written);
    assert_int_not_equal(access(path, F_OK), 0);
    ib_mdata_free(&d);

    rf_ok(ib_mdata_load_snapshot(r.st, IB_MSNAP_MAP, &d, &info, &err), &err);
    assert_false(info.used);
    assert_true(info.written);
    ib_mdata_free(&d);
    rf_ok(ib_mdata_load_snapshot(r.st, IB_MSNAP_MAP, &d, &info, &err), &err);
    assert_true(info.used);
    load_all(&r, &fresh);
    same_everything(&d, &fresh);
    ib_mdata_free(&d);
    ib_mdata_free(&fresh);

    /* A change: the snapshot is stale, rebuilt, and then used again. */
    rf_begin(&r);
    rf_person(&r, r.s2, "G", "1999-09-09", IB_SEX_V, "HU", IB_CAT_LABOUR);
    rf_commit(&r);
    rf_ok(ib_mdata_load_snapshot(r.st, IB_MSNAP_MAP, &d, &info, &err), &err);
    assert_false(info.used);
    assert_true(info.written);
    load_all(&r, &fresh);
    same_everything(&d, &fresh);
    ib_mdata_free(&d);
    rf_ok(ib_mdata_load_snapshot(r.st, IB_MSNAP_MAP, &d, &info, &err), &err);
    assert_true(info.used);
    same_everything(&d, &fresh);
    ib_mdata_free(&d);
    ib_mdata_free(&fresh);

    /* A damaged one is rebuilt. */
    size_t n;
    unsigned char *buf = slurp(path, &n);
    buf[n - 1] ^= 1;
    spill(path, buf, n);
    free(buf);
    rf_ok(ib_mdata_load_snapshot(r.st, IB_MSNAP_MAP, &d, &info, &err), &err);
    assert_false(info.used);
    assert_true(info.written);
    ib_mdata_free(&d);

    /* An erasure takes it away. */
    ib_person p;
    rf_ok(ib_store_get_person(r.st, r.s2, "G", &p, &err), &err);
    rf_ok(ib_store_erase_person(r.st, p.meta.id, "test", "verzoek", NULL, &err), &err);
    assert_int_not_equal(access(path, F_OK), 0);
    registry_close(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_empty_registry),
        cmocka_unit_test(test_missing_stale_unversioned),
        cmocka_unit_test(test_damaged_file_is_refused),
        cmocka_unit_test(test_each_inconsistency_is_refused),
        cmocka_unit_test(test_random_flips_never_crash),
        cmocka_unit_test(test_load_snapshot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
