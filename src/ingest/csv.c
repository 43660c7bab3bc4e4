/* csv.c — the strict, streaming CSV reader and the quoting writer of the
 * exchange format (contract in csv.h). A record is parsed from one
 * contiguous window of a 1 MiB buffer; when it runs past the buffered bytes
 * the buffer is refilled and the record parsed again from its start, so the
 * hot loops keep no resumable state. A NUL sentinel after the buffered bytes
 * stops every scan, so the inner loops test one table entry per byte. */
#include "ingest/csv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A record can never need the whole buffer: 64 fields of at most 4096
 * bytes, each at most doubled by quoting, is about 513 KiB; every longer
 * record hits a limit error before the end of the window. */
#define BUF_SIZE ((size_t)1 << 20)
#define OUT_SIZE ((size_t)IB_CSV_FIELDS_MAX * (IB_CSV_FIELD_MAX + 1))

enum { NEED_MORE = 2 };                 /* internal result of parse_record */
enum { FILL_OK = 0, FILL_FULL = 1 };    /* results of fill (or IB_EIO) */

/* Byte classes; 0 is an ordinary byte the scanners step over. */
enum { K_SEP = 1, K_LF, K_CR, K_QUOTE, K_NUL, K_HIGH };

/* Resynchronisation after an error: where in the record the error left
 * the reader (the lexical state that decides whether a LF ends it). */
enum { SKIP_NONE, SKIP_FIELD_START, SKIP_UNQUOTED, SKIP_QUOTED,
       SKIP_QUOTE_SEEN };

struct ib_csv {
    int fd;                        /* -1 when reading from memory */
    const unsigned char *mem;
    size_t mem_len, mem_off;
    unsigned char *buf;            /* cap + 1 bytes; buf[end] is always 0 */
    size_t cap, pos, end;          /* pos: start of the unconsumed bytes */
    size_t read_size;
    uint64_t base;                 /* input offset of buf[0] */
    uint64_t total;
    bool eof;                      /* every input byte is in buf */
    int io_errno;                  /* sticky read error, 0 when none */
    char sep;
    int skip;                      /* SKIP_* still to do before next record */
    long line;                     /* line number of buf[pos] */
    char *out;                     /* OUT_SIZE bytes of NUL-terminated fields */
    unsigned char unq[256];        /* byte classes outside quotes */
    unsigned char quo[256];        /* byte classes inside quotes */
};

/* ------------------------------------------------------------ input */

/* Moves the unconsumed bytes to the front and reads more. Returns FILL_OK
 * (possibly having set eof), FILL_FULL when there is no room, or IB_EIO. */
static int fill(ib_csv *c)
{
    if (c->eof)
        return FILL_OK;
    if (c->pos > 0) {
        memmove(c->buf, c->buf + c->pos, c->end - c->pos);
        c->base += c->pos;
        c->end -= c->pos;
        c->pos = 0;
    }
    size_t room = c->cap - c->end;
    if (room == 0)
        return FILL_FULL;
    if (room > c->read_size)
        room = c->read_size;
    if (c->fd < 0) {
        size_t left = c->mem_len - c->mem_off;
        size_t n = left < room ? left : room;
        if (n > 0)
            memcpy(c->buf + c->end, c->mem + c->mem_off, n);
        c->mem_off += n;
        c->end += n;
        c->eof = c->mem_off == c->mem_len;
    } else {
        ssize_t n;
        do
            n = read(c->fd, c->buf + c->end, room);
        while (n < 0 && errno == EINTR);
        if (n < 0) {
            c->io_errno = errno ? errno : EIO;
            return IB_EIO;
        }
        if (n == 0)
            c->eof = true;
        c->end += (size_t)n;
    }
    c->buf[c->end] = 0;
    return FILL_OK;
}

static int io_error(const ib_csv *c, ib_err *err)
{
    return ib_err_set_at(err, IB_EIO, c->line, 0, NULL, "leesfout: %s",
                         strerror(c->io_errno));
}

/* Reads until at least n unconsumed bytes are buffered or the input ends. */
static int fill_to(ib_csv *c, size_t n)
{
    while (c->end - c->pos < n && !c->eof) {
        int r = fill(c);
        if (r != FILL_OK)
            return r < 0 ? r : FILL_OK;
    }
    return FILL_OK;
}

/* ';' when the first non-blank line holds a ';' outside quotes and no ','
 * outside quotes, else ','. Looks at the first buffer-full at most. */
static int detect_separator(ib_csv *c)
{
    bool in_quotes = false, semi = false, comma = false, content = false;
    size_t i = 0;                      /* offset from pos; fill keeps it */
    for (;;) {
        if (c->pos + i == c->end) {
            if (c->eof || (c->pos == 0 && c->end == c->cap))
                break;
            int r = fill(c);
            if (r < 0)
                return r;
            if (r == FILL_FULL)
                break;
            continue;
        }
        unsigned char ch = c->buf[c->pos + i++];
        if (ch == '\n' && !in_quotes) {
            if (content)
                break;
            continue;                  /* blank lines before the header */
        }
        if (ch == '"')
            in_quotes = !in_quotes;
        else if (ch == ';' && !in_quotes)
            semi = true;
        else if (ch == ',' && !in_quotes)
            comma = true;
        if (ch != '\r')
            content = true;
    }
    c->sep = semi && !comma ? ';' : ',';
    return FILL_OK;
}

static void build_classes(ib_csv *c)
{
    memset(c->unq, 0, sizeof c->unq);
    memset(c->unq + 0x80, K_HIGH, 0x80);
    c->unq[(unsigned char)c->sep] = K_SEP;
    c->unq['\n'] = K_LF;
    c->unq['\r'] = K_CR;
    c->unq['"'] = K_QUOTE;
    c->unq[0] = K_NUL;
    memset(c->quo, 0, sizeof c->quo);
    memset(c->quo + 0x80, K_HIGH, 0x80);
    c->quo['\n'] = K_LF;
    c->quo['"'] = K_QUOTE;
    c->quo[0] = K_NUL;
}

/* Shared tail of both open functions: BOM, separator, tables. */
static int start(ib_csv *c, ib_err *err)
{
    if (fill_to(c, 3) < 0)
        return io_error(c, err);
    if (c->end - c->pos >= 3 && c->buf[c->pos] == 0xEF &&
        c->buf[c->pos + 1] == 0xBB && c->buf[c->pos + 2] == 0xBF)
        c->pos += 3;
    if (detect_separator(c) < 0)
        return io_error(c, err);
    build_classes(c);
    return IB_OK;
}

static ib_csv *csv_new(size_t cap)
{
    ib_csv *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->fd = -1;
    c->cap = cap;
    c->read_size = cap;
    c->line = 1;
    c->buf = malloc(cap + 1);
    c->out = malloc(OUT_SIZE);
    if (!c->buf || !c->out) {
        free(c->buf);
        free(c->out);
        free(c);
        return NULL;
    }
    c->buf[0] = 0;
    return c;
}

int ib_csv_open_file(ib_csv **out, const char *path, ib_err *err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ib_err_set(err, IB_EIO, "kan %s niet openen: %s", path,
                          strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return ib_err_set(err, IB_EIO, "kan %s niet lezen: %s", path,
                          strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return ib_err_set(err, IB_EIO, "%s is een map, geen bestand", path);
    }
    ib_csv *c = csv_new(BUF_SIZE);
    if (!c) {
        close(fd);
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    }
    c->fd = fd;
    c->total = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    int rc = start(c, err);
    if (rc != IB_OK) {
        ib_csv_close(c);
        return rc;
    }
    *out = c;
    return IB_OK;
}

int ib_csv_open_mem(ib_csv **out, const char *data, size_t len, ib_err *err)
{
    *out = NULL;
    /* All of a small input fits, so no record can outgrow the buffer. */
    ib_csv *c = csv_new(len < BUF_SIZE ? (len > 64 ? len : 64) : BUF_SIZE);
    if (!c)
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    c->mem = (const unsigned char *)data;
    c->mem_len = data ? len : 0;
    c->total = c->mem_len;
    int rc = start(c, err);
    if (rc != IB_OK) {
        ib_csv_close(c);
        return rc;
    }
    *out = c;
    return IB_OK;
}

void ib_csv_close(ib_csv *c)
{
    if (!c)
        return;
    if (c->fd >= 0)
        close(c->fd);
    free(c->buf);
    free(c->out);
    free(c);
}

void ib_csv_set_read_size(ib_csv *c, size_t n)
{
    c->read_size = n == 0 ? c->cap : n;
}

char ib_csv_separator(const ib_csv *c) { return c->sep; }

uint64_t ib_csv_bytes_read(const ib_csv *c) { return c->base + c->pos; }

uint64_t ib_csv_bytes_total(const ib_csv *c) { return c->total; }

/* ---------------------------------------------------------- parsing */

/* Length (2..4) of the well-formed UTF-8 sequence starting with the byte
 * >= 0x80 at p; 0 when it is ill-formed (overlong forms, surrogates and
 * code points above U+10FFFF included); -1 when more input could decide. */
static int utf8_seq(const unsigned char *p, const unsigned char *end,
                    bool eof)
{
    unsigned char b = p[0], lo = 0x80, hi = 0xBF;
    int n;
    if (b >= 0xC2 && b <= 0xDF)
        n = 2;
    else if (b >= 0xE0 && b <= 0xEF) {
        n = 3;
        if (b == 0xE0)
            lo = 0xA0;
        else if (b == 0xED)
            hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        n = 4;
        if (b == 0xF0)
            lo = 0x90;
        else if (b == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    for (int i = 1; i < n; i++) {
        if (p + i >= end)
            return eof ? 0 : -1;
        if (p[i] < lo || p[i] > hi)
            return 0;
        lo = 0x80;
        hi = 0xBF;
    }
    return n;
}

/* First byte at or after p whose class in t is not 0. Terminates because
 * the sentinel after the buffered bytes is a NUL, which is never class 0. */
static inline const unsigned char *scan(const unsigned char *p,
                                        const unsigned char *t)
{
    for (;;) {
        if (t[p[0]])
            return p;
        if (t[p[1]])
            return p + 1;
        if (t[p[2]])
            return p + 2;
        if (t[p[3]])
            return p + 3;
        p += 4;
    }
}

/* Position bookkeeping while parsing one record: columns count code points
 * from the start of the physical line (after the BOM on line 1). */
typedef struct pos {
    long line;
    const unsigned char *ls;  /* start of the current physical line */
    size_t cont;              /* UTF-8 continuation bytes since ls */
} pos;

static int column_at(const pos *ps, const unsigned char *p)
{
    return (int)((size_t)(p - ps->ls) - ps->cont) + 1;
}

/* Records an error found at p: the reader continues from p in lexical
 * state skip, on the line ps->line. */
static int fail(ib_csv *c, ib_csv_row *row, const pos *ps,
                const unsigned char *p, int skip)
{
    c->pos = (size_t)(p - c->buf);
    c->line = ps->line;
    c->skip = skip;
    row->count = 0;
    return IB_EINVAL;
}

/* Parses one quoted field whose opening quote is at *pp into o; on success
 * *pp points just after the closing quote and *len holds the length. */
static int parse_quoted(ib_csv *c, ib_csv_row *row, ib_err *err, pos *ps,
                        const unsigned char **pp, char *o, size_t *len)
{
    const unsigned char *const end = c->buf + c->end;
    const unsigned char *p = *pp;
    const long open_line = ps->line;
    const int open_col = column_at(ps, p);
    const unsigned char *seg = ++p;    /* bytes not yet copied to o */
    size_t flen = 0;

    for (;;) {
        p = scan(p, c->quo);
        size_t sl = (size_t)(p - seg);
        /* a doubled quote adds one byte before the limit can be checked */
        size_t need = flen + sl + (*p == '"' && p + 1 < end && p[1] == '"');
        if (need > IB_CSV_FIELD_MAX) {
            ib_err_set_at(err, IB_ELIMIT, open_line, open_col, NULL,
                          "veld langer dan %d bytes", IB_CSV_FIELD_MAX);
            fail(c, row, ps, p, SKIP_QUOTED);
            return IB_ELIMIT;
        }
        switch (c->quo[*p]) {
        case K_HIGH: {
            int n = utf8_seq(p, end, c->eof);
            if (n < 0)
                return NEED_MORE;
            if (n == 0) {
                ib_err_set_at(err, IB_EINVAL, ps->line, column_at(ps, p),
                              NULL, "ongeldige UTF-8");
                return fail(c, row, ps, p, SKIP_QUOTED);
            }
            ps->cont += (size_t)n - 1;
            p += n;
            break;
        }
        case K_LF:
            ps->line++;
            ps->ls = ++p;
            ps->cont = 0;
            break;
        case K_QUOTE:
            if (p + 1 == end && !c->eof)
                return NEED_MORE;
            if (p[1] == '"') {         /* "" is one quote: copy it too */
                memcpy(o + flen, seg, sl + 1);
                flen += sl + 1;
                p += 2;
                seg = p;
                break;
            }
            memcpy(o + flen, seg, sl);
            *len = flen + sl;
            *pp = p + 1;
            return IB_OK;
        default:                       /* K_NUL */
            if (p < end) {
                ib_err_set_at(err, IB_EINVAL, ps->line, column_at(ps, p),
                              NULL, "binaire inhoud (NUL-byte)");
                return fail(c, row, ps, p, SKIP_QUOTED);
            }
            if (!c->eof)
                return NEED_MORE;
            /* found where the input ends; the message says where it began */
            ib_err_set_at(err, IB_EINVAL, ps->line, column_at(ps, p), NULL,
                          "aanhalingsteken niet gesloten (geopend op regel "
                          "%ld, kolom %d)", open_line, open_col);
            return fail(c, row, ps, p, SKIP_NONE);
        }
    }
}

/* Parses the record at buf[pos]. Returns 1 (row filled, pos after it),
 * 0 (end of input), NEED_MORE (the buffered bytes do not decide; nothing
 * consumed but blank lines) or a negative code (err set, skip state set). */
static int parse_record(ib_csv *c, ib_csv_row *row, ib_err *err)
{
    const unsigned char *const end = c->buf + c->end;
    const unsigned char *const unq = c->unq;
    const unsigned char *p = c->buf + c->pos;

    for (;;) {                         /* blank lines */
        if (p[0] == '\n')
            p += 1;
        else if (p[0] == '\r' && p[1] == '\n')
            p += 2;
        else
            break;
        c->pos = (size_t)(p - c->buf);
        c->line++;
    }
    if (p == end)
        return c->eof ? 0 : NEED_MORE;
    if (p[0] == '\r' && p + 1 == end && !c->eof)
        return NEED_MORE;

    pos ps = { c->line, p, 0 };
    char *o = c->out;
    int n = 0;
    row->line = c->line;

    for (;;) {                         /* one field per iteration */
        const unsigned char *fs = p;
        int col = column_at(&ps, fs);
        size_t len;
        if (n == IB_CSV_FIELDS_MAX) {
            ib_err_set_at(err, IB_ELIMIT, ps.line, col, NULL,
                          "meer dan %d velden", IB_CSV_FIELDS_MAX);
            fail(c, row, &ps, p, SKIP_FIELD_START);
            return IB_ELIMIT;
        }
        if (*p == '"') {
            int r = parse_quoted(c, row, err, &ps, &p, o, &len);
            if (r != IB_OK)
                return r;
        } else {
            for (;;) {
                p = scan(p, unq);
                if ((size_t)(p - fs) > IB_CSV_FIELD_MAX) {
                    ib_err_set_at(err, IB_ELIMIT, ps.line, col, NULL,
                                  "veld langer dan %d bytes",
                                  IB_CSV_FIELD_MAX);
                    fail(c, row, &ps, p, SKIP_UNQUOTED);
                    return IB_ELIMIT;
                }
                if (unq[*p] != K_HIGH)
                    break;
                int u = utf8_seq(p, end, c->eof);
                if (u < 0)
                    return NEED_MORE;
                if (u == 0) {
                    ib_err_set_at(err, IB_EINVAL, ps.line, column_at(&ps, p),
                                  NULL, "ongeldige UTF-8");
                    return fail(c, row, &ps, p, SKIP_UNQUOTED);
                }
                ps.cont += (size_t)u - 1;
                p += u;
            }
            len = (size_t)(p - fs);
            memcpy(o, fs, len);
        }
        o[len] = '\0';
        row->fields[n].s = o;
        row->fields[n].len = len;
        row->fields[n].column = col;
        n++;
        o += len + 1;

        /* p is on the byte after the field */
        switch (unq[*p]) {
        case K_SEP:
            p++;
            continue;
        case K_LF:
            p++;
            ps.line++;
            break;
        case K_CR:
            if (p + 1 == end && !c->eof)
                return NEED_MORE;
            if (p[1] != '\n') {
                ib_err_set_at(err, IB_EINVAL, ps.line, column_at(&ps, p),
                              NULL, "losse CR (regeleinde zonder LF)");
                return fail(c, row, &ps, p + 1, SKIP_UNQUOTED);
            }
            p += 2;
            ps.line++;
            break;
        case K_QUOTE:
            ib_err_set_at(err, IB_EINVAL, ps.line, column_at(&ps, p), NULL,
                          "aanhalingsteken in veld zonder aanhalingstekens");
            return fail(c, row, &ps, p + 1, SKIP_UNQUOTED);
        case K_NUL:
            if (p == end) {
                if (!c->eof)
                    return NEED_MORE;
                break;                 /* last record, no line end */
            }
            ib_err_set_at(err, IB_EINVAL, ps.line, column_at(&ps, p), NULL,
                          "binaire inhoud (NUL-byte)");
            return fail(c, row, &ps, p + 1, SKIP_UNQUOTED);
        default:                       /* only after a closing quote */
            ib_err_set_at(err, IB_EINVAL, ps.line, column_at(&ps, p), NULL,
                          "tekens na sluitend aanhalingsteken");
            return fail(c, row, &ps, p, SKIP_UNQUOTED);
        }
        break;
    }
    row->count = n;
    c->pos = (size_t)(p - c->buf);
    c->line = ps.line;
    return 1;
}

/* Discards the rest of a record after an error, up to and including the
 * next LF outside quotes, following the same quoting rules (a quote opens
 * a quoted section only at the start of a field). */
static int skip_rest(ib_csv *c)
{
    int st = c->skip;
    const unsigned char sep = (unsigned char)c->sep;
    for (;;) {
        const unsigned char *p = c->buf + c->pos, *end = c->buf + c->end;
        while (p < end) {
            unsigned char ch = *p++;
            switch (st) {
            case SKIP_FIELD_START:
            case SKIP_QUOTE_SEEN:
                if (ch == '"')          /* opens, or "" inside quotes */
                    st = SKIP_QUOTED;
                else if (ch == '\n')
                    goto done;
                else if (ch == sep)
                    st = SKIP_FIELD_START;
                else
                    st = SKIP_UNQUOTED;
                break;
            case SKIP_UNQUOTED:
                if (ch == sep)
                    st = SKIP_FIELD_START;
                else if (ch == '\n')
                    goto done;
                break;
            default:                   /* SKIP_QUOTED */
                if (ch == '"')
                    st = SKIP_QUOTE_SEEN;
                else if (ch == '\n')
                    c->line++;
                break;
            }
            continue;
        done:
            c->line++;
            c->pos = (size_t)(p - c->buf);
            c->skip = SKIP_NONE;
            return IB_OK;
        }
        c->pos = c->end;
        if (c->eof) {
            c->skip = SKIP_NONE;
            return IB_OK;
        }
        c->skip = st;
        if (fill(c) < 0)
            return IB_EIO;
    }
}

/* After an error in a record, row->line holds the line the bad record starts on
 * and row->count is 0. */
int ib_csv_next(ib_csv *c, ib_csv_row *row, ib_err *err)
{
    for (;;) {
        if (c->io_errno)
            return io_error(c, err);
        if (c->skip != SKIP_NONE && skip_rest(c) < 0)
            continue;
        int r = parse_record(c, row, err);
        if (r != NEED_MORE)
            return r;
        r = fill(c);
        if (r == FILL_FULL) {          /* cannot happen, see BUF_SIZE */
            ib_err_set_at(err, IB_ELIMIT, c->line, 1, NULL,
                          "regel te lang");
            c->skip = SKIP_FIELD_START;
            row->count = 0;
            return IB_ELIMIT;
        }
    }
}

/* ----------------------------------------------------------- writer */

static bool needs_quotes(const char *s, size_t len, char sep)
{
    if (len == 0)
        return false;
    if (s[0] == ' ' || s[len - 1] == ' ')
        return true;
    /* a leading BOM would be taken for the file's own on reading */
    if (len >= 3 && (unsigned char)s[0] == 0xEF &&
        (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF)
        return true;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        /* both separators, so that the header line of a written file is
         * always read back with the separator it was written with */
        if (ch == sep || ch == ',' || ch == ';' || ch == '"' || ch == '\r' ||
            ch == '\n')
            return true;
    }
    return false;
}

int ib_csv_write_field(FILE *f, const char *s, size_t len, char sep)
{
    if (sep == '"' || sep == '\r' || sep == '\n' || sep == '\0')
        return IB_EINVAL;
    if (!needs_quotes(s, len, sep))
        return len == 0 || fwrite(s, 1, len, f) == len ? IB_OK : IB_EIO;
    if (fputc('"', f) == EOF)
        return IB_EIO;
    const char *p = s, *end = s + len;
    while (p < end) {
        const char *q = memchr(p, '"', (size_t)(end - p));
        size_t n = (size_t)((q ? q + 1 : end) - p);   /* with the quote */
        if (fwrite(p, 1, n, f) != n)
            return IB_EIO;
        if (q && fputc('"', f) == EOF)
            return IB_EIO;
        p += n;
    }
    return fputc('"', f) == EOF ? IB_EIO : IB_OK;
}

int ib_csv_write_row(FILE *f, const char *const *fields, int n, char sep)
{
    /* a lone empty field would be a blank line, which readers skip */
    if (n == 1 && (!fields[0] || !fields[0][0]))
        return fputs("\"\"\n", f) == EOF ? IB_EIO : IB_OK;
    for (int i = 0; i < n; i++) {
        if (i > 0 && fputc(sep, f) == EOF)
            return IB_EIO;
        const char *s = fields[i] ? fields[i] : "";
        int rc = ib_csv_write_field(f, s, strlen(s), sep);
        if (rc != IB_OK)
            return rc;
    }
    return fputc('\n', f) == EOF ? IB_EIO : IB_OK;
}
