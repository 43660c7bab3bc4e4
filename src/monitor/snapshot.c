/* snapshot.c — the monitor's data as a binary file beside the database (see
 * "snapshot of the data" in monitor.h): written atomically from a loaded
 * ib_mdata, read back with one read per array, and trusted only once the
 * header, a checksum and a consistency pass over every record agree, so
 * that a damaged or foreign file is ignored, never crashes a reader. */
#include "monitor/monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------ layout */

#define SNAP_MAGIC "IBMSNAP\n"
#define SNAP_FORMAT 1u
#define SNAP_ENDIAN 0x01020304u   /* reads otherwise on another byte order */

/* The arrays of an ib_mdata, in file order. */
enum { S_PERSONS, S_STAYS, S_STAY_OFF, S_REGS, S_REG_OFF, S_EMPS, S_EMP_OFF,
       S_HOUSINGS, S_HOUSING_OFF, S_EVENTS, S_EVENT_OFF, S_LOCATIONS, S_ORGS,
       S_SENDERS, S_STRINGS, S_COUNT };

/* Fixed size, no padding; checksums are of the bytes as written. */
typedef struct snap_header {
    char magic[8];
    uint32_t format, endian;
    uint64_t count[S_COUNT];          /* elements of each array */
    uint32_t elem[S_COUNT];           /* bytes per element (the ABI's sizes) */
    uint32_t reserved;
    char data_version[40];
    uint64_t payload_sum;             /* of the arrays, in order */
    uint64_t header_sum;              /* of every byte above */
} snap_header;
_Static_assert(sizeof(snap_header) == 256, "snapshot header has no padding");

/* Copies one record with its padding bytes zeroed, so that the file (and
 * its checksum) depends on the values only. NULL: no padding, written as
 * it is in memory. */
typedef void (*pack_fn)(void *dst, const void *src);

static void pack_person(void *dst, const void *src)
{
    const ib_mperson *s = src;
    ib_mperson *o = dst;
    o->ref = s->ref;
    o->sender = s->sender;
    o->birth = s->birth;
    memcpy(o->nationality, s->nationality, sizeof o->nationality);
    o->sex = s->sex;
    o->category = s->category;
    o->flags = s->flags;
}

static void pack_reg(void *dst, const void *src)
{
    const ib_mreg *s = src;
    ib_mreg *o = dst;
    o->start = s->start;
    o->end = s->end;
    o->municipality = s->municipality;
    o->kind = s->kind;
}

static void pack_emp(void *dst, const void *src)
{
    const ib_memp *s = src;
    ib_memp *o = dst;
    o->start = s->start;
    o->end = s->end;
    o->wage = s->wage;
    o->employer = s->employer;
    o->agency = s->agency;
    o->contract = s->contract;
}

static void pack_event(void *dst, const void *src)
{
    const ib_mevent *s = src;
    ib_mevent *o = dst;
    o->date = s->date;
    o->kind = s->kind;
}

static void pack_location(void *dst, const void *src)
{
    const ib_mlocation *s = src;
    ib_mlocation *o = dst;
    o->ref = s->ref;
    o->floor_area = s->floor_area;
    o->capacity = s->capacity;
    o->provider = s->provider;
    o->municipality = s->municipality;
    o->kind = s->kind;
}

static void pack_org(void *dst, const void *src)
{
    const ib_morg *s = src;
    ib_morg *o = dst;
    o->ref = s->ref;
    o->name = s->name;
    o->kind = s->kind;
}

typedef struct section {
    void **arr;
    size_t elem;
    pack_fn pack;
} section;

/* The arrays of d with their element sizes, in file order. */
static void sections_of(ib_mdata *d, section s[S_COUNT])
{
    section all[S_COUNT] = {
        [S_PERSONS] = {(void **)&d->persons, sizeof *d->persons, pack_person},
        [S_STAYS] = {(void **)&d->stays, sizeof *d->stays, NULL},
        [S_STAY_OFF] = {(void **)&d->stay_off, sizeof *d->stay_off, NULL},
        [S_REGS] = {(void **)&d->regs, sizeof *d->regs, pack_reg},
        [S_REG_OFF] = {(void **)&d->reg_off, sizeof *d->reg_off, NULL},
        [S_EMPS] = {(void **)&d->emps, sizeof *d->emps, pack_emp},
        [S_EMP_OFF] = {(void **)&d->emp_off, sizeof *d->emp_off, NULL},
        [S_HOUSINGS] = {(void **)&d->housings, sizeof *d->housings, NULL},
        [S_HOUSING_OFF] = {(void **)&d->housing_off, sizeof *d->housing_off, NULL},
        [S_EVENTS] = {(void **)&d->events, sizeof *d->events, pack_event},
        [S_EVENT_OFF] = {(void **)&d->event_off, sizeof *d->event_off, NULL},
        [S_LOCATIONS] = {(void **)&d->locations, sizeof *d->locations, pack_location},
        [S_ORGS] = {(void **)&d->orgs, sizeof *d->orgs, pack_org},
        [S_SENDERS] = {(void **)&d->sender_ids, sizeof *d->sender_ids, NULL},
        [S_STRINGS] = {(void **)&d->strings, 1, NULL},
    };
    memcpy(s, all, sizeof all);
}

/* The number of elements of each array of a finished d. */
static void counts_of(const ib_mdata *d, uint64_t n[S_COUNT])
{
    uint64_t off = (uint64_t)d->n_persons + 1;
    uint64_t all[S_COUNT] = {
        [S_PERSONS] = d->n_persons, [S_STAYS] = d->n_stays, [S_STAY_OFF] = off,
        [S_REGS] = d->n_regs, [S_REG_OFF] = off, [S_EMPS] = d->n_emps,
        [S_EMP_OFF] = off, [S_HOUSINGS] = d->n_housings, [S_HOUSING_OFF] = off,
        [S_EVENTS] = d->n_events, [S_EVENT_OFF] = off,
        [S_LOCATIONS] = d->n_locations, [S_ORGS] = d->n_orgs,
        [S_SENDERS] = d->n_senders, [S_STRINGS] = d->strings_len,
    };
    memcpy(n, all, sizeof all);
}

/* Sets the n_* fields of d from the counts (the reverse of counts_of). */
static void set_counts(ib_mdata *d, const uint64_t n[S_COUNT])
{
    d->n_persons = (size_t)n[S_PERSONS];
    d->n_stays = (size_t)n[S_STAYS];
    d->n_regs = (size_t)n[S_REGS];
    d->n_emps = (size_t)n[S_EMPS];
    d->n_housings = (size_t)n[S_HOUSINGS];
    d->n_events = (size_t)n[S_EVENTS];
    d->n_locations = (size_t)n[S_LOCATIONS];
    d->n_orgs = (size_t)n[S_ORGS];
    d->n_senders = (size_t)n[S_SENDERS];
    d->strings_len = d->strings_cap = (size_t)n[S_STRINGS];
}

/* ------------------------------------------------------------ checksum */

/* A 64-bit checksum against damage (not an attacker: the file has the
 * database's own protection), four independent lanes in the manner of
 * xxHash64 so that it runs at memory speed. Fed in pieces whose sizes are
 * multiples of 32 bytes, except the last piece of each array. */
#define PR1 0x9E3779B185EBCA87ull
#define PR2 0xC2B2AE3D27D4EB4Full
#define PR3 0x165667B19E3779F9ull

typedef struct sum64 {
    uint64_t v[4];
    uint64_t len;
} sum64;

static uint64_t rotl64(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

static uint64_t sum_round(uint64_t acc, uint64_t in)
{
    return rotl64(acc + in * PR2, 31) * PR1;
}

static void sum_init(sum64 *s)
{
    *s = (sum64){{PR1 + PR2, PR2, 0, 0 - PR1}, 0};
}

static void sum_add(sum64 *s, const void *p, size_t n)
{
    const unsigned char *b = p;
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        uint64_t w[4];
        memcpy(w, b + i, sizeof w);
        s->v[0] = sum_round(s->v[0], w[0]);
        s->v[1] = sum_round(s->v[1], w[1]);
        s->v[2] = sum_round(s->v[2], w[2]);
        s->v[3] = sum_round(s->v[3], w[3]);
    }
    for (; i < n; i++)
        s->v[i & 3] = sum_round(s->v[i & 3], b[i]);
    s->len += n;
}

static uint64_t sum_final(const sum64 *s)
{
    uint64_t h = rotl64(s->v[0], 1) + rotl64(s->v[1], 7) + rotl64(s->v[2], 12) +
                 rotl64(s->v[3], 18) + s->len * PR3;
    h ^= h >> 33;
    h *= PR2;
    h ^= h >> 29;
    h *= PR3;
    return h ^ (h >> 32);
}

static uint64_t header_sum(const snap_header *h)
{
    sum64 s;
    sum_init(&s);
    sum_add(&s, h, offsetof(snap_header, header_sum));
    return sum_final(&s);
}

/* ------------------------------------------------------------ writing */

static int write_all(int fd, const void *p, size_t n)
{
    const char *b = p;
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

#define PACK_RECORDS 4096u        /* a multiple of 32 bytes whatever the size */

/* Writes count elements of s, packed through a buffer when the records
 * have padding. */
static int write_section(int fd, const section *s, uint64_t count, sum64 *sum)
{
    const char *src = *s->arr;
    size_t bytes = (size_t)count * s->elem;
    if (!s->pack) {
        sum_add(sum, src, bytes);
        return bytes ? write_all(fd, src, bytes) : 0;
    }
    char *buf = malloc(PACK_RECORDS * s->elem);
    if (!buf)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < count && !rc; i += PACK_RECORDS) {
        size_t n = count - i < PACK_RECORDS ? (size_t)(count - i) : PACK_RECORDS;
        memset(buf, 0, n * s->elem);
        for (size_t j = 0; j < n; j++)
            s->pack(buf + j * s->elem, src + (i + j) * s->elem);
        sum_add(sum, buf, n * s->elem);
        rc = write_all(fd, buf, n * s->elem);
    }
    free(buf);
    return rc;
}

/* Syncs the folder of path, so that a rename in it is on disk. */
static int sync_folder(const char *path)
{
    char dir[4096] = ".";
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 0;
    if (n >= sizeof dir)
        return -1;
    if (slash) {
        memcpy(dir, path, n ? n : 1);          /* "/x": the root */
        dir[n ? n : 1] = '\0';
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static int write_file(const ib_mdata *d, int fd, ib_err *err)
{
    snap_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, SNAP_MAGIC, sizeof h.magic);
    h.format = SNAP_FORMAT;
    h.endian = SNAP_ENDIAN;
    ib_strlcpy(h.data_version, d->data_version, sizeof h.data_version);
    section s[S_COUNT];
    ib_mdata view = *d;              /* sections_of points into it; no writes */
    sections_of(&view, s);
    counts_of(d, h.count);
    for (int i = 0; i < S_COUNT; i++)
        h.elem[i] = (uint32_t)s[i].elem;
    sum64 sum;
    sum_init(&sum);
    /* The header last, when the checksum is known: until then the file
     * starts with zeros and reads as no snapshot. */
    if (lseek(fd, (off_t)sizeof h, SEEK_SET) < 0)
        return ib_err_set(err, IB_EIO, "%s", strerror(errno));
    for (int i = 0; i < S_COUNT; i++)
        if (write_section(fd, &s[i], h.count[i], &sum))
            return ib_err_set(err, IB_EIO, "%s", errno ? strerror(errno)
                                                     : "geheugen vol");
    h.payload_sum = sum_final(&sum);
    h.header_sum = header_sum(&h);
    if (pwrite(fd, &h, sizeof h, 0) != (ssize_t)sizeof h || fsync(fd) != 0)
        return ib_err_set(err, IB_EIO, "%s", strerror(errno));
    return IB_OK;
}

int ib_mdata_snapshot_write(const ib_mdata *d, const char *path, ib_err *err)
{
    ib_err_clear(err);
    if (!d->data_version[0] || d->build)
        return ib_err_set(err, IB_EINVAL, "momentopname: gegevens zonder "
                          "dataversie of niet afgerond");
    char tmp[4096];
    int n = snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
    if (n < 0 || (size_t)n >= sizeof tmp)
        return ib_err_set(err, IB_ELIMIT, "momentopname: pad te lang");
    int fd = mkstemp(tmp);                      /* mode 0600 */
    if (fd < 0)
        return ib_err_set(err, IB_EIO, "momentopname %s: %s", path, strerror(errno));
    errno = 0;
    int rc = fchmod(fd, S_IRUSR | S_IWUSR) == 0
                 ? write_file(d, fd, err)
                 : ib_err_set(err, IB_EIO, "%s", strerror(errno));
    if (close(fd) != 0 && !rc)
        rc = ib_err_set(err, IB_EIO, "%s", strerror(errno));
    if (!rc && rename(tmp, path) != 0)
        rc = ib_err_set(err, IB_EIO, "%s", strerror(errno));
    if (rc) {
        unlink(tmp);
        char why[200];
        ib_strlcpy(why, err ? err->msg : "", sizeof why);
        return ib_err_set(err, IB_EIO, "momentopname %s: %s", path, why);
    }
    sync_folder(path);              /* the rename survives a crash, mostly */
    return IB_OK;
}

/* ------------------------------------------------------------ reading */

/* Reads n bytes; -1 on an error, -2 when the file ends first. */
static int read_all(int fd, void *p, size_t n)
{
    char *b = p;
    while (n) {
        /* Pieces of at most 1 GiB: some kernels cap a read near 2 GiB. */
        ssize_t r = read(fd, b, n < (1u << 30) ? n : (1u << 30));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            return -2;
        b += r;
        n -= (size_t)r;
    }
    return 0;
}

static int damaged(ib_err *err, const char *what)
{
    return ib_err_set(err, IB_ESTORE, "momentopname beschadigd of onbruikbaar: %s",
                      what);
}

/* The header's own checks; *payload receives the bytes after it. */
static int check_header(const snap_header *h, const char *version,
                        uint64_t *payload, ib_err *err)
{
    if (memcmp(h->magic, SNAP_MAGIC, sizeof h->magic) != 0)
        return damaged(err, "geen momentopname");
    if (h->format != SNAP_FORMAT || h->endian != SNAP_ENDIAN)
        return damaged(err, "andere versie of ander soort computer");
    if (h->header_sum != header_sum(h))
        return damaged(err, "kop klopt niet");
    ib_mdata probe;
    memset(&probe, 0, sizeof probe);
    section s[S_COUNT];
    sections_of(&probe, s);
    for (int i = 0; i < S_COUNT; i++)
        if (h->elem[i] != s[i].elem)
            return damaged(err, "andere recordindeling");
    if (memchr(h->data_version, '\0', sizeof h->data_version) == NULL)
        return damaged(err, "dataversie");
    if (strcmp(h->data_version, version) != 0)
        return ib_err_set(err, IB_ECONFLICT, "momentopname is van een eerdere "
                          "stand van de gegevens");
    const uint64_t *n = h->count;
    uint64_t rec_max = UINT32_MAX - 1, idx_max = INT32_MAX;
    if (n[S_PERSONS] > idx_max || n[S_LOCATIONS] > idx_max || n[S_ORGS] > idx_max ||
        n[S_SENDERS] > idx_max || n[S_STRINGS] > rec_max)
        return damaged(err, "aantallen");
    uint64_t total = 0;
    for (int i = 0; i < S_COUNT; i++) {
        bool is_off = i == S_STAY_OFF || i == S_REG_OFF || i == S_EMP_OFF ||
                      i == S_HOUSING_OFF || i == S_EVENT_OFF;
        if ((is_off && n[i] != n[S_PERSONS] + 1) || n[i] > rec_max)
            return damaged(err, "aantallen");
        total += n[i] * h->elem[i];      /* each below 2^32 * 64: no overflow */
    }
    *payload = total;
    return IB_OK;
}

/* Allocates and reads the arrays (counts from h) into d. */
static int read_arrays(int fd, const snap_header *h, ib_mdata *d, ib_err *err)
{
    section s[S_COUNT];
    sections_of(d, s);
    set_counts(d, h->count);
    sum64 sum;
    sum_init(&sum);
    for (int i = 0; i < S_COUNT; i++) {
        size_t bytes = (size_t)h->count[i] * s[i].elem;
        if (!bytes)
            continue;
        if (!(*s[i].arr = malloc(bytes)))
            return ib_err_set(err, IB_ENOMEM, "geheugen vol bij het lezen van "
                                              "de momentopname");
        int rc = read_all(fd, *s[i].arr, bytes);
        if (rc == -2)
            return damaged(err, "afgebroken");
        if (rc)
            return ib_err_set(err, IB_EIO, "momentopname: %s", strerror(errno));
        sum_add(&sum, *s[i].arr, bytes);
    }
    if (sum_final(&sum) != h->payload_sum)
        return damaged(err, "controlegetal klopt niet");
    return IB_OK;
}

/* ------------------------------------------------------------ consistency */

/* 0000-01-01 and 9999-12-31 (ib_date_from_ymd), the years the exchange
 * format can write; test_snapshot checks the numbers. */
#define DATE_LO (-719528)
#define DATE_HI 2932896

static bool date_ok(ib_date x, bool may_be_none)
{
    if (x == IB_DATE_NONE)
        return may_be_none;
    return x >= DATE_LO && x <= DATE_HI;
}

static bool muni_ok(int16_t m)
{
    return m == IB_MUNI_NONE || (m >= 0 && m <= 9999);
}

static bool str_ok(const ib_mdata *d, uint32_t off)
{
    return off == IB_MREF_NONE || off < d->strings_len;
}

static bool idx_ok(int32_t i, size_t n, bool may_be_none)
{
    return (i == IB_MIDX_NONE && may_be_none) || (i >= 0 && (size_t)i < n);
}

/* off[0] = 0, never decreasing, off[n_persons] = n. */
static bool offsets_ok(const uint32_t *off, size_t np, size_t n)
{
    if (!off || off[0] != 0 || off[np] != n)
        return false;
    for (size_t p = 0; p < np; p++)
        if (off[p] > off[p + 1])
            return false;
    return true;
}

static const char *persons_bad(const ib_mdata *d)
{
    for (size_t i = 0; i < d->n_persons; i++) {
        const ib_mperson *p = &d->persons[i];
        if (!str_ok(d, p->ref) || p->sender >= d->n_senders ||
            !date_ok(p->birth, true) || p->nationality[2] != '\0' ||
            p->sex > IB_SEX_X || p->category > IB_CAT_OTHER || p->flags > 7)
            return "persoon";
    }
    return NULL;
}

static const char *episodes_bad(const ib_mdata *d)
{
    for (size_t i = 0; i < d->n_stays; i++) {
        const ib_mstay_rec *s = &d->stays[i];
        if (!date_ok(s->arrival, false) || !date_ok(s->departure, true) ||
            (s->departure != IB_DATE_NONE && s->departure <= s->arrival))
            return "verblijf";
    }
    for (size_t i = 0; i < d->n_regs; i++) {
        const ib_mreg *r = &d->regs[i];
        if (!date_ok(r->start, true) || !date_ok(r->end, true) ||
            !muni_ok(r->municipality) || r->kind > IB_REG_RNI)
            return "inschrijving";
    }
    for (size_t i = 0; i < d->n_emps; i++) {
        const ib_memp *e = &d->emps[i];
        if (!date_ok(e->start, true) || !date_ok(e->end, true) || e->wage < -1 ||
            !idx_ok(e->employer, d->n_orgs, true) ||
            !idx_ok(e->agency, d->n_orgs, true) || e->contract > IB_CONTRACT_SELF_EMPLOYED)
            return "dienstverband";
    }
    for (size_t i = 0; i < d->n_housings; i++) {
        const ib_mhousing *h = &d->housings[i];
        if (!date_ok(h->start, true) || !date_ok(h->end, true) ||
            !idx_ok(h->location, d->n_locations, false) ||
            !idx_ok(h->provided_by, d->n_orgs, true))
            return "huisvesting";
    }
    for (size_t i = 0; i < d->n_events; i++) {
        const ib_mevent *e = &d->events[i];
        if (!date_ok(e->date, true) ||
            (e->kind != IB_EVENT_PARTNER_START && e->kind != IB_EVENT_PARTNER_END &&
             e->kind != IB_EVENT_CHILD_BIRTH))
            return "gebeurtenis";
    }
    return NULL;
}

static const char *places_bad(const ib_mdata *d)
{
    for (size_t i = 0; i < d->n_locations; i++) {
        const ib_mlocation *l = &d->locations[i];
        if (!str_ok(d, l->ref) || !idx_ok(l->provider, d->n_orgs, true) ||
            !muni_ok(l->municipality) || l->kind > IB_LOC_OTHER || l->capacity < -1)
            return "locatie";
    }
    for (size_t i = 0; i < d->n_orgs; i++) {
        const ib_morg *o = &d->orgs[i];
        if (!str_ok(d, o->ref) || !str_ok(d, o->name) || o->kind > IB_ORG_OTHER)
            return "organisatie";
    }
    return NULL;
}

/* Everything the figures rely on without checking: indexes in range,
 * offsets ordered, codes known, strings terminated, dates in range. */
static int check_consistent(const ib_mdata *d, ib_err *err)
{
    size_t np = d->n_persons;
    if (d->strings_len && d->strings[d->strings_len - 1] != '\0')
        return damaged(err, "tekst");
    if (!offsets_ok(d->stay_off, np, d->n_stays) ||
        !offsets_ok(d->reg_off, np, d->n_regs) ||
        !offsets_ok(d->emp_off, np, d->n_emps) ||
        !offsets_ok(d->housing_off, np, d->n_housings) ||
        !offsets_ok(d->event_off, np, d->n_events))
        return damaged(err, "indeling per persoon");
    const char *bad = persons_bad(d);
    if (!bad) bad = episodes_bad(d);
    if (!bad) bad = places_bad(d);
    return bad ? damaged(err, bad) : IB_OK;
}

int ib_mdata_snapshot_read(const char *path, const char *version, ib_mdata *d,
                           ib_err *err)
{
    ib_err_clear(err);
    ib_mdata_init(d);
    if (!version || !version[0])
        return ib_err_set(err, IB_ECONFLICT, "de database heeft geen dataversie");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT
            ? ib_err_set(err, IB_ENOTFOUND, "geen momentopname")
            : ib_err_set(err, IB_EIO, "momentopname %s: %s", path, strerror(errno));
    snap_header h;
    struct stat sb;
    uint64_t payload = 0;
    int rc = IB_OK;
    if (fstat(fd, &sb) != 0)
        rc = ib_err_set(err, IB_EIO, "momentopname %s: %s", path, strerror(errno));
    else if ((uint64_t)sb.st_size < sizeof h || read_all(fd, &h, sizeof h) != 0)
        rc = damaged(err, "te kort");
    if (!rc)
        rc = check_header(&h, version, &payload, err);
    if (!rc && (uint64_t)sb.st_size != sizeof h + payload)
        rc = damaged(err, "lengte klopt niet");
    if (!rc)
        rc = read_arrays(fd, &h, d, err);
    close(fd);
    if (!rc)
        rc = check_consistent(d, err);
    if (rc) {
        ib_mdata_free(d);
        return rc;
    }
    ib_strlcpy(d->data_version, version, sizeof d->data_version);
    return IB_OK;
}

/* ------------------------------------------------------------ load */

/* Writes d as the snapshot unless the data changed meanwhile; and when it
 * changed during the rename, removes it again, since an erasure may have
 * deleted the file just before (see ib_store_erase_person). */
static void write_current(ib_store *st, const ib_mdata *d, const char *path,
                          ib_msnap_info *info)
{
    char now[IB_DATA_VERSION_LEN];
    ib_err e;
    if (ib_store_data_version(st, now, &e) != IB_OK ||
        strcmp(now, d->data_version) != 0) {
        ib_strlcpy(info->why, "niet geschreven: de gegevens veranderden tijdens "
                              "het laden", sizeof info->why);
        return;
    }
    if (ib_mdata_snapshot_write(d, path, &e) != IB_OK) {
        ib_strlcpy(info->why, e.msg, sizeof info->why);
        return;
    }
    if (ib_store_data_version(st, now, &e) != IB_OK ||
        strcmp(now, d->data_version) != 0) {
        unlink(path);
        ib_strlcpy(info->why, "niet bewaard: de gegevens veranderden tijdens "
                              "het schrijven", sizeof info->why);
        return;
    }
    info->written = true;
}

int ib_mdata_load_snapshot(ib_store *st, bool use_snapshot, ib_mdata *d,
                           ib_msnap_info *info, ib_err *err)
{
    ib_msnap_info local;
    if (!info)
        info = &local;
    memset(info, 0, sizeof *info);
    ib_err_clear(err);
    char path[4096], version[IB_DATA_VERSION_LEN];
    bool have_path = use_snapshot &&
                     ib_store_snapshot_path(st, path, sizeof path, NULL) == IB_OK;
    if (!use_snapshot)
        ib_strlcpy(info->why, "uitgeschakeld", sizeof info->why);
    if (have_path) {
        ib_err why;
        int rc = ib_store_data_version(st, version, err);
        if (rc)
            return rc;
        if (ib_mdata_snapshot_read(path, version, d, &why) == IB_OK) {
            info->used = true;
            return IB_OK;
        }
        ib_strlcpy(info->why, why.msg, sizeof info->why);
    }
    int rc = ib_mdata_load(st, NULL, d, err);
    if (rc == IB_OK && have_path)
        write_current(st, d, path, info);
    return rc;
}
