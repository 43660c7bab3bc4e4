/* snapshot.c — the monitor's data as a binary file beside the database (see
 * "snapshot of the data" in monitor.h): written atomically from a loaded
 * ib_mdata, read back whole (mapped, or into one region of our own) with
 * the arrays left where they lie, and trusted only once the header, a
 * checksum and a consistency pass over every record agree, so that a
 * damaged or foreign file is ignored, never crashes a reader. */
#include "monitor/monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------ layout */

#define SNAP_MAGIC "IBMSNAP\n"
/* 2: persons are linked records (docs/linkage.md); locations and
 * organisations carry their merged flag. */
#define SNAP_FORMAT 2u
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
    o->merged = s->merged;
}

static void pack_org(void *dst, const void *src)
{
    const ib_morg *s = src;
    ib_morg *o = dst;
    o->ref = s->ref;
    o->name = s->name;
    o->kind = s->kind;
    o->merged = s->merged;
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
 * database's own protection): Fletcher's two running sums, on 64-bit words
 * in four lanes, which costs two additions a word and so runs at memory
 * speed. The second sum weighs every word by its position: a changed,
 * swapped or shifted word changes the result. Blocks of 32 bytes, then
 * the tail (under 32 bytes) byte by byte. */
#define PR1 0x9E3779B185EBCA87ull
#define PR2 0xC2B2AE3D27D4EB4Full

typedef struct sum64 {
    uint64_t a[4], b[4];
    uint64_t len;
} sum64;

static void sum_init(sum64 *s)
{
    memset(s, 0, sizeof *s);
}

/* n a multiple of 32 */
static void sum_blocks(sum64 *s, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i + 32 <= n; i += 32) {
        uint64_t w[4];
        memcpy(w, c + i, sizeof w);
        for (int k = 0; k < 4; k++) {
            s->a[k] += w[k];
            s->b[k] += s->a[k];
        }
    }
    s->len += n;
}

static void sum_tail(sum64 *s, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) {
        s->a[i & 3] += c[i];
        s->b[i & 3] += s->a[i & 3];
    }
    s->len += n;
}

static uint64_t sum_final(const sum64 *s)
{
    uint64_t h = s->len * PR1;
    for (int k = 0; k < 4; k++) {
        h = (h ^ s->a[k]) * PR2;
        h = (h ^ (h >> 29) ^ s->b[k]) * PR1;
    }
    return h ^ (h >> 32);
}

static uint64_t header_sum(const snap_header *h)
{
    sum64 s;
    sum_init(&s);
    size_t n = offsetof(snap_header, header_sum);
    sum_blocks(&s, h, n & ~(size_t)31);
    sum_tail(&s, (const char *)h + (n & ~(size_t)31), n & 31);
    return sum_final(&s);
}

/* ------------------------------------------------------------ places */

/* Each array starts at a multiple of 64 bytes of the arrays' part of the
 * file, so that the reader can keep them where they lie in one region. */
#define SNAP_ALIGN 64u

static uint64_t aligned(uint64_t n)
{
    return (n + SNAP_ALIGN - 1) & ~(uint64_t)(SNAP_ALIGN - 1);
}

/* off[i]: where array i starts; off[S_COUNT]: the size of the whole part.
 * Counts below 2^32 and elements below 2^16 bytes: no overflow. */
static void offsets_of(const uint64_t count[S_COUNT], const uint32_t elem[S_COUNT],
                       uint64_t off[S_COUNT + 1])
{
    off[0] = 0;
    for (int i = 0; i < S_COUNT; i++)
        off[i + 1] = aligned(off[i] + count[i] * elem[i]);
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

/* Writes the arrays' part as one stream and sums it the way the reader
 * will, in 32-byte blocks however the pieces fall. */
typedef struct emitter {
    int fd;
    sum64 sum;
    unsigned char carry[32];
    size_t ncarry;
    int failed;
} emitter;

static void emit(emitter *e, const void *p, size_t n)
{
    const unsigned char *b = p;
    if (!n || e->failed)
        return;
    if (write_all(e->fd, b, n)) {
        e->failed = -1;
        return;
    }
    if (e->ncarry) {
        size_t take = n < 32 - e->ncarry ? n : 32 - e->ncarry;
        memcpy(e->carry + e->ncarry, b, take);
        e->ncarry += take;
        b += take;
        n -= take;
        if (e->ncarry < 32)
            return;
        sum_blocks(&e->sum, e->carry, 32);
        e->ncarry = 0;
    }
    size_t whole = n & ~(size_t)31;
    sum_blocks(&e->sum, b, whole);
    memcpy(e->carry, b + whole, n - whole);
    e->ncarry = n - whole;
}

#define PACK_RECORDS 4096u

/* Emits count elements of s, packed through a buffer when the records
 * have padding, then zeros up to the next array's place. */
static void write_section(emitter *e, const section *s, uint64_t count)
{
    static const unsigned char zeros[SNAP_ALIGN];
    const char *src = *s->arr;
    size_t bytes = (size_t)count * s->elem;
    if (!s->pack) {
        emit(e, src, bytes);
    } else if (count) {
        char *buf = malloc(PACK_RECORDS * s->elem);
        if (!buf) {
            e->failed = -1;
            return;
        }
        for (size_t i = 0; i < count; i += PACK_RECORDS) {
            size_t n = count - i < PACK_RECORDS ? (size_t)(count - i) : PACK_RECORDS;
            memset(buf, 0, n * s->elem);
            for (size_t j = 0; j < n; j++)
                s->pack(buf + j * s->elem, src + (i + j) * s->elem);
            emit(e, buf, n * s->elem);
        }
        free(buf);
    }
    emit(e, zeros, (size_t)(aligned(bytes) - bytes));
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
    emitter e = {.fd = fd};
    sum_init(&e.sum);
    /* The header last, when the checksum is known: until then the file
     * starts with zeros and reads as no snapshot. */
    if (lseek(fd, (off_t)sizeof h, SEEK_SET) < 0)
        return ib_err_set(err, IB_EIO, "%s", strerror(errno));
    for (int i = 0; i < S_COUNT; i++)
        write_section(&e, &s[i], h.count[i]);
    if (e.failed)
        return ib_err_set(err, IB_EIO, "%s", errno ? strerror(errno) : "geheugen vol");
    sum_tail(&e.sum, e.carry, e.ncarry);      /* none: every array ends aligned */
    h.payload_sum = sum_final(&e.sum);
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
    for (int i = 0; i < S_COUNT; i++) {
        bool is_off = i == S_STAY_OFF || i == S_REG_OFF || i == S_EMP_OFF ||
                      i == S_HOUSING_OFF || i == S_EVENT_OFF;
        if ((is_off && n[i] != n[S_PERSONS] + 1) || n[i] > rec_max)
            return damaged(err, "aantallen");
    }
    uint64_t off[S_COUNT + 1];
    offsets_of(h->count, h->elem, off);
    *payload = off[S_COUNT];
    return IB_OK;
}

/* The arrays' part in memory of our own: one region (huge pages where the
 * system gives them, ib_table_alloc) filled by one read. */
static int copy_arrays(int fd, uint64_t payload, ib_mdata *d, char **arrays,
                       ib_err *err)
{
    char *region = ib_table_alloc((size_t)payload);
    if (!region)
        return ib_err_set(err, IB_ENOMEM, "geheugen vol bij het lezen van de "
                                          "momentopname");
    d->region = region;
    d->region_len = (size_t)payload;
    int rc = read_all(fd, region, (size_t)payload);
    if (rc == -2)
        return damaged(err, "afgebroken");
    if (rc)
        return ib_err_set(err, IB_EIO, "momentopname: %s", strerror(errno));
    *arrays = region;
    return IB_OK;
}

/* The whole file mapped read-only and populated at once; the arrays' part
 * starts after the header (page-aligned mapping + 256: 64-byte aligned). */
static int map_arrays(int fd, uint64_t payload, ib_mdata *d, char **arrays,
                      ib_err *err)
{
    size_t len = sizeof(snap_header) + (size_t)payload;
    char *base = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (base == MAP_FAILED)
        return ib_err_set(err, IB_EIO, "momentopname: %s", strerror(errno));
    d->region = base;
    d->region_len = len;
    d->region_mapped = true;
    *arrays = base + sizeof(snap_header);
    return IB_OK;
}

/* Reads the arrays' part (as h describes it) into one region, which d's
 * arrays then point into (ib_mdata_free releases it), and checks its sum. */
static int read_arrays(int fd, const snap_header *h, uint64_t payload,
                       ib_msnap_mode mode, ib_mdata *d, ib_err *err)
{
    if (payload > SIZE_MAX / 2)
        return damaged(err, "te groot");
    char *region = NULL;
    int rc = mode == IB_MSNAP_MAP ? map_arrays(fd, payload, d, &region, err)
                                  : copy_arrays(fd, payload, d, &region, err);
    if (rc)
        return rc;
    sum64 sum;
    sum_init(&sum);
    sum_blocks(&sum, region, (size_t)payload);      /* a multiple of 64 */
    if (sum_final(&sum) != h->payload_sum)
        return damaged(err, "controlegetal klopt niet");
    section s[S_COUNT];
    uint64_t off[S_COUNT + 1];
    sections_of(d, s);
    offsets_of(h->count, h->elem, off);
    set_counts(d, h->count);
    for (int i = 0; i < S_COUNT; i++)
        *s[i].arr = h->count[i] ? region + off[i] : NULL;
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

int ib_mdata_snapshot_read(const char *path, const char *version,
                           ib_msnap_mode mode, ib_mdata *d, ib_err *err)
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
        rc = read_arrays(fd, &h, payload, mode, d, err);
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

int ib_mdata_load_snapshot(ib_store *st, ib_msnap_mode mode, ib_mdata *d,
                           ib_msnap_info *info, ib_err *err)
{
    bool use_snapshot = mode != IB_MSNAP_OFF;
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
        if (ib_mdata_snapshot_read(path, version, mode, d, &why) == IB_OK) {
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
