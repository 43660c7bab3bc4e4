/* test_csv.c — the CSV reader and writer of the ingest module: every rule
 * of the exchange format's CSV layer with exact lines and columns, errors
 * and resynchronisation, limits, files across buffer refills, garbage, and
 * the writer's round trip. Most cases run with several read sizes, which
 * must never change the result. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ingest/csv.h"

/* ------------------------------------------------------------ helpers */

static void append(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void append(char *buf, size_t cap, const char *fmt, ...)
{
    size_t used = strlen(buf);
    assert_true(used < cap);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + used, cap - used, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < cap - used);
}

/* A field shown with \n, \r and | escaped, so transcripts stay one line
 * per record. */
static void append_field(char *buf, size_t cap, const ib_csv_field *f)
{
    for (size_t i = 0; i < f->len; i++) {
        char ch = f->s[i];
        if (ch == '\n')
            append(buf, cap, "\\n");
        else if (ch == '\r')
            append(buf, cap, "\\r");
        else if (ch == '|' || ch == '\\')
            append(buf, cap, "\\%c", ch);
        else
            append(buf, cap, "%c", ch);
    }
}

/* Reads all of in and writes one line per call of ib_csv_next:
 *   "L<line> f1|f2|..."         a record
 *   "E<line>:<col> <message>"   an error
 * With columns true each field is followed by "@<column>". */
static void transcript(const char *in, size_t len, size_t read_size,
                       bool columns, char *out, size_t cap)
{
    ib_csv *c;
    ib_err err;
    ib_csv_row row;
    out[0] = '\0';
    assert_int_equal(ib_csv_open_mem(&c, in, len, &err), IB_OK);
    ib_csv_set_read_size(c, read_size);
    for (int calls = 0;; calls++) {
        assert_true(calls < 100000);
        int r = ib_csv_next(c, &row, &err);
        if (r == 0)
            break;
        if (r < 0) {
            append(out, cap, "E%ld:%d %s\n", err.line, err.column, err.msg);
            continue;
        }
        assert_int_equal(r, 1);
        append(out, cap, "L%ld ", row.line);
        for (int i = 0; i < row.count; i++) {
            if (i > 0)
                append(out, cap, "|");
            append_field(out, cap, &row.fields[i]);
            if (columns)
                append(out, cap, "@%d", row.fields[i].column);
            assert_int_equal(strlen(row.fields[i].s), row.fields[i].len);
        }
        append(out, cap, "\n");
    }
    /* the end is sticky */
    assert_int_equal(ib_csv_next(c, &row, &err), 0);
    assert_int_equal(ib_csv_bytes_read(c), len);
    ib_csv_close(c);
}

static const size_t read_sizes[] = { 0, 1, 2, 3, 5, 7, 16, 64 };

/* Checks the transcript of in (len bytes) under every read size. */
static void check_n(const char *in, size_t len, bool columns,
                    const char *expected)
{
    static char got[1 << 16];
    for (size_t i = 0; i < sizeof read_sizes / sizeof read_sizes[0]; i++) {
        transcript(in, len, read_sizes[i], columns, got, sizeof got);
        if (strcmp(got, expected) != 0)
            print_error("read size %zu:\n--- expected\n%s--- got\n%s",
                        read_sizes[i], expected, got);
        assert_string_equal(got, expected);
    }
}

static void check(const char *in, const char *expected)
{
    check_n(in, strlen(in), false, expected);
}

static void check_cols(const char *in, const char *expected)
{
    check_n(in, strlen(in), true, expected);
}

static char detect(const char *in)
{
    ib_csv *c;
    ib_err err;
    assert_int_equal(ib_csv_open_mem(&c, in, strlen(in), &err), IB_OK);
    char sep = ib_csv_separator(c);
    ib_csv_close(c);
    return sep;
}

/* ---------------------------------------------------- well-formed input */

static void test_basic(void **state)
{
    (void)state;
    check("a,b,c\n1,2,3\n", "L1 a|b|c\nL2 1|2|3\n");
    check("a,b,c\n1,2,3", "L1 a|b|c\nL2 1|2|3\n");
    check("a\n", "L1 a\n");
    check("", "");
    check("x", "L1 x\n");
}

static void test_crlf(void **state)
{
    (void)state;
    check("a,b\r\n1,2\r\n", "L1 a|b\nL2 1|2\n");
    check("a,b\r\n1,2", "L1 a|b\nL2 1|2\n");
    check("a,b\r\n1,2\n3,4\r\n", "L1 a|b\nL2 1|2\nL3 3|4\n");
    check_cols("ab,c\r\nd,ef\r\n", "L1 ab@1|c@4\nL2 d@1|ef@3\n");
}

static void test_blank_lines(void **state)
{
    (void)state;
    check("\n\na,b\n\r\n\nc,d\n\n", "L3 a|b\nL6 c|d\n");
    check("a\n\n\n", "L1 a\n");
    check("\r\n\r\n", "");
    check("\n", "");
    /* a line of spaces is a record, not a blank line */
    check("a\n \n", "L1 a\nL2  \n");
}

static void test_empty_fields(void **state)
{
    (void)state;
    check_cols(",,\n", "L1 @1|@2|@3\n");
    check_cols("a,,b\n", "L1 a@1|@3|b@4\n");
    check_cols("a,\n", "L1 a@1|@3\n");
    check_cols("a,", "L1 a@1|@3\n");
    check_cols("\"\",\"\"\n", "L1 @1|@4\n");
}

static void test_bom(void **state)
{
    (void)state;
    /* columns count from after the BOM */
    check_cols("\xEF\xBB\xBF" "a,b\nc,d", "L1 a@1|b@3\nL2 c@1|d@3\n");
    check_cols("\xEF\xBB\xBF", "");
    check_cols("\xEF\xBB\xBF\n\nx", "L3 x@1\n");
    check_cols("\xEF\xBB\xBF\"q\",r", "L1 q@1|r@5\n");
    /* only at the very start */
    check_cols("a\n\xEF\xBB\xBF" "b\n", "L1 a@1\nL2 \xEF\xBB\xBF" "b@1\n");
    assert_int_equal(detect("\xEF\xBB\xBF" "a;b\n"), ';');
}

static void test_semicolon(void **state)
{
    (void)state;
    assert_int_equal(detect("a;b;c\n1,5;2;3\n"), ';');
    check("a;b;c\n1,5;2;3\n", "L1 a|b|c\nL2 1,5|2|3\n");
    assert_int_equal(detect("a,b\n1;2\n"), ',');
    assert_int_equal(detect("a;b,c\n"), ',');        /* both: ',' */
    assert_int_equal(detect("\"a;b\",c\n"), ',');
    assert_int_equal(detect("\"a,b\";c\n"), ';');
    assert_int_equal(detect("\"a;b\"\n"), ',');
    assert_int_equal(detect("\"x\ny,z\";q\n"), ';');  /* quoted line break */
    assert_int_equal(detect("\n\r\na;b\n"), ';');     /* leading blank lines */
    assert_int_equal(detect("a\nb;c\n"), ',');        /* first line only */
    assert_int_equal(detect(""), ',');
    check("\"a,b\";c\n\"1;2\";3,4\n", "L1 a,b|c\nL2 1;2|3,4\n");
}

static void test_quoted(void **state)
{
    (void)state;
    check("\"a,b\",\"c\"\"d\",\"\"\n", "L1 a,b|c\"d|\n");
    check("\"\"\"\"\n", "L1 \"\n");
    check("\"\"\"\"\"\",x\n", "L1 \"\"|x\n");
    check("\"a\r\nb\",c\r\n", "L1 a\\r\\nb|c\n");
    check("\"a\rb\"\n", "L1 a\\rb\n");       /* a CR inside quotes is data */
    check("\"x\"", "L1 x\n");
    check("\"x\"\r\n", "L1 x\n");
}

static void test_multiline_field(void **state)
{
    (void)state;
    /* the next record's line number counts the line breaks in the field,
     * and columns restart on each physical line */
    check_cols("h1,h2\n\"x\ny\",z\nnext,row\n",
               "L1 h1@1|h2@4\nL2 x\\ny@1|z@4\nL4 next@1|row@6\n");
    check_cols("a,\"1\n\n\n2\",\"3\n4\"\nb\n",
               "L1 a@1|1\\n\\n\\n2@3|3\\n4@4\nL6 b@1\n");
    check_cols("\"\n\"\n\n\"\n\"\n", "L1 \\n@1\nL4 \\n@1\n");
}

static void test_utf8_columns(void **state)
{
    (void)state;
    /* columns are code points: Łódź is 4 characters in 7 bytes */
    check_cols("\xC5\x81\xC3\xB3" "d\xC5\xBA,b\n",
               "L1 \xC5\x81\xC3\xB3" "d\xC5\xBA@1|b@6\n");
    check_cols("\xE2\x82\xAC,\xF0\x9F\x98\x80,x\n",
               "L1 \xE2\x82\xAC@1|\xF0\x9F\x98\x80@3|x@5\n");
    check_cols("\"\xC5\x81\n\xC5\x81\",x\n",
               "L1 \xC5\x81\\n\xC5\x81@1|x@4\n");
    /* an error after multibyte characters */
    check("\xC5\x81\xC3\xB3" "d\xC5\xBA,\"x\"y\n",
          "E1:9 tekens na sluitend aanhalingsteken\n");
    check("\xC5\x81\xC3\xB3" "d\xC5\xBA,\xFF\n", "E1:6 ongeldige UTF-8\n");
}

/* ---------------------------------------------------------------- errors */

static void test_unterminated_quote(void **state)
{
    (void)state;
    /* reported where the input ends, naming where the quote opened */
    check("a,b\n1,\"abc\nxyz",
          "L1 a|b\nE3:4 aanhalingsteken niet gesloten (geopend op regel 2, "
          "kolom 3)\n");
    check("\"", "E1:2 aanhalingsteken niet gesloten (geopend op regel 1, "
                "kolom 1)\n");
    check("a\n\"b\"\"\n",
          "L1 a\nE3:1 aanhalingsteken niet gesloten (geopend op regel 2, "
          "kolom 1)\n");
}

static void test_stray_quote(void **state)
{
    (void)state;
    check("a,b\"c\n", "E1:4 aanhalingsteken in veld zonder aanhalingstekens\n");
    check("a,b\"c\nd,e\n",
          "E1:4 aanhalingsteken in veld zonder aanhalingstekens\nL2 d|e\n");
    check(" \"a\"\n", "E1:2 aanhalingsteken in veld zonder aanhalingstekens\n");
}

static void test_after_closing_quote(void **state)
{
    (void)state;
    check("\"ab\"x,y\nz\n", "E1:5 tekens na sluitend aanhalingsteken\nL2 z\n");
    check("a,\"b\" \n", "E1:6 tekens na sluitend aanhalingsteken\n");
    check("\"a\"\r", "E1:4 losse CR (regeleinde zonder LF)\n");
}

static void test_nul(void **state)
{
    (void)state;
    check_n("a,b\0c\nd\n", 8, false,
            "E1:4 binaire inhoud (NUL-byte)\nL2 d\n");
    check_n("a,\"b\0c\"\nd\n", 10, false,
            "E1:5 binaire inhoud (NUL-byte)\nL2 d\n");
    check_n("\0", 1, false, "E1:1 binaire inhoud (NUL-byte)\n");
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    check("a,\xC3(\n", "E1:3 ongeldige UTF-8\n");
    check("\xC0\xAF\n", "E1:1 ongeldige UTF-8\n");          /* overlong */
    check("\xE0\x80\x80\n", "E1:1 ongeldige UTF-8\n");      /* overlong */
    check("\xED\xA0\x80\n", "E1:1 ongeldige UTF-8\n");      /* surrogate */
    check("\xF4\x90\x80\x80\n", "E1:1 ongeldige UTF-8\n");  /* > U+10FFFF */
    check("\xF5\x80\x80\x80\n", "E1:1 ongeldige UTF-8\n");
    check("ab\x80\n", "E1:3 ongeldige UTF-8\n");            /* stray cont. */
    check("a,\xE2\x82", "E1:3 ongeldige UTF-8\n");          /* cut at EOF */
    check("a,\"\xE2\x82\n\"\nb\n", "E1:4 ongeldige UTF-8\nL3 b\n");
    check("a\nb,\"x\n\xFF\"\nc\n", "L1 a\nE3:1 ongeldige UTF-8\nL4 c\n");
    /* latin-1 files, the usual encoding accident */
    check("naam\nJos\xE9\nAnna\n", "L1 naam\nE2:4 ongeldige UTF-8\nL3 Anna\n");
}

static void test_lone_cr(void **state)
{
    (void)state;
    check("a\rb\nc\n", "E1:2 losse CR (regeleinde zonder LF)\nL2 c\n");
    check("a\r", "E1:2 losse CR (regeleinde zonder LF)\n");
    check("a,b\r\r\nc\n", "E1:4 losse CR (regeleinde zonder LF)\nL2 c\n");
    /* a file with old Mac line ends is one error, not one per line */
    check("a\rb\rc\r", "E1:2 losse CR (regeleinde zonder LF)\n");
    check("\r", "E1:1 losse CR (regeleinde zonder LF)\n");
}

static void test_open_errors(void **state)
{
    (void)state;
    ib_csv *c = (ib_csv *)1;
    ib_err err;
    ib_err_clear(&err);
    assert_int_equal(ib_csv_open_file(&c, "/nonexistent/dir/x.csv", &err),
                     IB_EIO);
    assert_null(c);
    assert_int_equal(err.code, IB_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/dir/x.csv"));
    assert_non_null(strstr(err.msg, "niet openen"));

    c = (ib_csv *)1;
    assert_int_equal(ib_csv_open_file(&c, "/tmp", &err), IB_EIO);
    assert_null(c);
    assert_non_null(strstr(err.msg, "map"));
}

/* ------------------------------------------------------------ limits */

static void test_field_max(void **state)
{
    (void)state;
    enum { M = IB_CSV_FIELD_MAX };
    static char in[4 * M + 64], exp[4 * M + 64];

    /* exactly at the limit: accepted, unquoted and quoted */
    memset(in, 0, sizeof in);
    memcpy(in, "a,", 2);
    memset(in + 2, 'x', M);
    memcpy(in + 2 + M, ",b\n", 4);
    memset(exp, 0, sizeof exp);
    memcpy(exp, "L1 a|", 5);
    memset(exp + 5, 'x', M);
    memcpy(exp + 5 + M, "|b\n", 4);
    check(in, exp);

    /* one over: an error at the column where the field starts */
    memset(in, 0, sizeof in);
    memcpy(in, "a,", 2);
    memset(in + 2, 'x', M + 1);
    memcpy(in + 3 + M, ",b\nc\n", 6);
    check(in, "E1:3 veld langer dan 4096 bytes\nL2 c\n");

    /* quoted: the content counts, a doubled quote is one byte */
    memset(in, 0, sizeof in);
    in[0] = '"';
    for (int i = 0; i < M; i++) {
        in[1 + 2 * i] = '"';
        in[2 + 2 * i] = '"';
    }
    memcpy(in + 1 + 2 * M, "\"\n", 3);
    ib_csv *c;
    ib_err err;
    ib_csv_row row;
    assert_int_equal(ib_csv_open_mem(&c, in, strlen(in), &err), IB_OK);
    assert_int_equal(ib_csv_next(c, &row, &err), 1);
    assert_int_equal(row.count, 1);
    assert_int_equal(row.fields[0].len, M);
    assert_int_equal(row.fields[0].s[M - 1], '"');
    assert_int_equal(ib_csv_next(c, &row, &err), 0);
    ib_csv_close(c);

    memset(in, 0, sizeof in);
    memcpy(in, "z\n\"", 3);
    memset(in + 3, 'y', M + 1);
    memcpy(in + 4 + M, "\nmore\"\nok\n", 11);
    check(in, "L1 z\nE2:1 veld langer dan 4096 bytes\nL4 ok\n");

    /* over the limit by one doubled quote */
    memset(in, 0, sizeof in);
    in[0] = '"';
    memset(in + 1, 'y', M - 1);
    memcpy(in + M, "\"\"\"\"\"\nok\n", 10);
    check(in, "E1:1 veld langer dan 4096 bytes\nL2 ok\n");
}

static void test_fields_max(void **state)
{
    (void)state;
    enum { N = IB_CSV_FIELDS_MAX };
    char in[4 * N + 16] = "", exp[4 * N + 16] = "L1 ";
    for (int i = 0; i < N; i++) {
        append(in, sizeof in, i ? ",%c" : "%c", 'a' + i % 26);
        append(exp, sizeof exp, i ? "|%c" : "%c", 'a' + i % 26);
    }
    append(in, sizeof in, "\n");
    append(exp, sizeof exp, "\n");
    check(in, exp);

    /* the 65th field starts at column 2 * 64 + 1 */
    in[strlen(in) - 1] = '\0';
    append(in, sizeof in, ",\"q\nq\",z\nnext\n");
    check(in, "E1:129 meer dan 64 velden\nL3 next\n");
}

/* ------------------------------------------------------ resynchronising */

static void test_resync(void **state)
{
    (void)state;
    const char *in =
        "h1,h2\n"
        "ok,1\n"
        "bad\"x,\"y\nstill in the bad record\"\n"      /* lines 3-4 */
        "ok,2\n"                                     /* line 5 */
        "\"multi\nline\" junk,\"q\n\nr\"\n"          /* lines 6-9 */
        "ok,3\n"                                     /* line 10 */
        "\"unclosed\xFF\n,\n\"\n"                    /* lines 11-13 */
        "ok,4\r\n"                                   /* line 14 */
        "a\rb,\"c\nd\"\n"                            /* lines 15-16 */
        "ok,5";                                      /* line 17 */
    check(in,
          "L1 h1|h2\n"
          "L2 ok|1\n"
          "E3:4 aanhalingsteken in veld zonder aanhalingstekens\n"
          "L5 ok|2\n"
          "E7:6 tekens na sluitend aanhalingsteken\n"
          "L10 ok|3\n"
          "E11:10 ongeldige UTF-8\n"
          "L14 ok|4\n"
          "E15:2 losse CR (regeleinde zonder LF)\n"
          "L17 ok|5\n");
}

/* After an error the row still says on which line the bad record starts,
 * while the error itself points at the offending character. */
static void test_error_row_line(void **state)
{
    (void)state;
    const char *in = "a\n\"x\ny\"z\nb\n";
    ib_csv *c;
    ib_err err;
    ib_csv_row row;
    assert_int_equal(ib_csv_open_mem(&c, in, strlen(in), &err), IB_OK);
    assert_int_equal(ib_csv_next(c, &row, &err), 1);
    assert_int_equal(ib_csv_next(c, &row, &err), IB_EINVAL);
    assert_int_equal(err.code, IB_EINVAL);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 3);
    assert_int_equal(row.line, 2);
    assert_int_equal(row.count, 0);
    assert_int_equal(ib_csv_next(c, &row, &err), 1);
    assert_int_equal(row.line, 4);
    assert_string_equal(row.fields[0].s, "b");
    ib_csv_close(c);
}

/* ---------------------------------------------------- files and refills */

static char *temp_file(const char *data, size_t len)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/test_csv_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        assert_true(n > 0);
        done += (size_t)n;
    }
    close(fd);
    return path;
}

/* A 3 MB file whose records, some with long quoted multi-line fields,
 * straddle the 1 MiB reads; read from disk and from memory alike. */
static void test_large_file(void **state)
{
    (void)state;
    size_t cap = 4u << 20, len = 0;
    char *data = malloc(cap);
    assert_non_null(data);
    len += (size_t)snprintf(data, cap, "\xEF\xBB\xBFid;text;n\r\n");
    long rows = 0, lines = 1;
    while (len < 3u << 20) {
        rows++;
        if (rows % 97 == 0) {
            /* 3000 bytes of content with 6 line breaks and doubled quotes */
            len += (size_t)snprintf(data + len, cap - len, "%ld;\"", rows);
            for (int i = 0; i < 3000; i++) {
                char ch = i % 500 == 499 ? '\n' : i % 7 ? 'q' : '"';
                data[len++] = ch;
                if (ch == '"')
                    data[len++] = ch;
            }
            lines += 6;
            len += (size_t)snprintf(data + len, cap - len, "\";x\r\n");
        } else {
            len += (size_t)snprintf(data + len, cap - len,
                                    "%ld;P\xC5\x82ock %ld;%ld\r\n", rows,
                                    rows * 7, rows % 10);
        }
        lines++;
    }
    const char *path = temp_file(data, len);
    for (int mode = 0; mode < 3; mode++) {
        ib_csv *c;
        ib_err err;
        ib_csv_row row;
        if (mode == 0)
            assert_int_equal(ib_csv_open_file(&c, path, &err), IB_OK);
        else
            assert_int_equal(ib_csv_open_mem(&c, data, len, &err), IB_OK);
        if (mode == 2)
            ib_csv_set_read_size(c, 4093);
        assert_int_equal(ib_csv_separator(c), ';');
        assert_int_equal(ib_csv_bytes_total(c), len);
        assert_int_equal(ib_csv_next(c, &row, &err), 1);
        assert_int_equal(row.count, 3);
        assert_string_equal(row.fields[0].s, "id");
        long n = 0, line = 1;
        uint64_t last = 0;
        int r;
        while ((r = ib_csv_next(c, &row, &err)) == 1) {
            n++;
            line++;
            assert_int_equal(row.line, line);
            assert_int_equal(row.count, 3);
            assert_int_equal(strtol(row.fields[0].s, NULL, 10), n);
            if (n % 97 == 0) {
                assert_int_equal(row.fields[1].len, 3000);
                assert_int_equal(row.fields[1].s[0], '"');
                assert_int_equal(row.fields[1].s[499], '\n');
                assert_int_equal(row.fields[2].column, 3);
                line += 6;
            } else {
                /* "Płock" holds one 2-byte character */
                assert_int_equal(row.fields[2].column,
                                 row.fields[1].column - 1 +
                                     (int)(row.fields[2].s - row.fields[1].s));
            }
            assert_true(ib_csv_bytes_read(c) >= last);
            last = ib_csv_bytes_read(c);
        }
        assert_int_equal(r, 0);
        assert_int_equal(n, rows);
        assert_int_equal(line, lines);
        assert_int_equal(ib_csv_bytes_read(c), len);
        ib_csv_close(c);
    }
    unlink(path);
    free(data);
}

static void test_empty_file(void **state)
{
    (void)state;
    const char *path = temp_file("", 0);
    ib_csv *c;
    ib_err err;
    ib_csv_row row;
    assert_int_equal(ib_csv_open_file(&c, path, &err), IB_OK);
    assert_int_equal(ib_csv_next(c, &row, &err), 0);
    assert_int_equal(ib_csv_bytes_total(c), 0);
    ib_csv_close(c);
    unlink(path);
    assert_int_equal(ib_csv_open_mem(&c, NULL, 0, &err), IB_OK);
    assert_int_equal(ib_csv_next(c, &row, &err), 0);
    ib_csv_close(c);
}

/* --------------------------------------------------------------- garbage */

static uint32_t rnd(uint64_t *s)
{
    *s = *s * 6364136223846793005u + 1442695040888963407u;
    return (uint32_t)(*s >> 33);
}

static bool is_utf8(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        unsigned char b = p[i];
        size_t n = b < 0x80 ? 1 : b < 0xC2 ? 0 : b < 0xE0 ? 2 : b < 0xF0 ? 3
                 : b < 0xF5 ? 4 : 0;
        if (n == 0 || i + n > len)
            return false;
        for (size_t k = 1; k < n; k++)
            if ((p[i + k] & 0xC0) != 0x80)
                return false;
        if ((b == 0xE0 && p[i + 1] < 0xA0) || (b == 0xED && p[i + 1] > 0x9F) ||
            (b == 0xF0 && p[i + 1] < 0x90) || (b == 0xF4 && p[i + 1] > 0x8F))
            return false;
        i += n;
    }
    return true;
}

/* Random bytes biased towards the characters that matter: the reader must
 * end, never crash, only return valid UTF-8 within the limits, and give
 * the same answers whatever its read size. */
static void test_garbage(void **state)
{
    (void)state;
    static const char alphabet[] = "ab,;\"\"\"\n\n\r \xC5\x81\xFF\x80\xE2\x82\xAC";
    static char in[3000], ref[1 << 16], got[1 << 16];
    uint64_t seed = 12345;
    for (int iter = 0; iter < 2000; iter++) {
        size_t len = rnd(&seed) % sizeof in;
        bool binary = iter % 10 == 0;
        for (size_t i = 0; i < len; i++)
            in[i] = binary ? (char)(rnd(&seed) & 0xFF)
                           : alphabet[rnd(&seed) % (sizeof alphabet - 1)];
        ib_csv *c;
        ib_err err;
        ib_csv_row row;
        assert_int_equal(ib_csv_open_mem(&c, in, len, &err), IB_OK);
        int r, calls = 0;
        long last_line = 0;
        while ((r = ib_csv_next(c, &row, &err)) != 0) {
            assert_true(++calls <= (int)len + 1);
            if (r < 0) {
                assert_true(err.line >= 1 && err.column >= 1);
                assert_true(err.msg[0] != '\0');
                continue;
            }
            assert_true(row.line > last_line);
            last_line = row.line;
            assert_true(row.count >= 1 && row.count <= IB_CSV_FIELDS_MAX);
            for (int i = 0; i < row.count; i++) {
                assert_true(row.fields[i].len <= IB_CSV_FIELD_MAX);
                assert_true(is_utf8(row.fields[i].s, row.fields[i].len));
                assert_true(row.fields[i].column >= 1);
            }
        }
        ib_csv_close(c);
        if (iter % 20 == 0) {
            transcript(in, len, 0, true, ref, sizeof ref);
            transcript(in, len, 1 + iter % 13, true, got, sizeof got);
            assert_string_equal(ref, got);
        }
    }
}

/* ---------------------------------------------------------------- writer */

static char *write_to_string(void (*fn)(FILE *), size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    assert_non_null(f);
    fn(f);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static void write_samples(FILE *f)
{
    const char *s[] = { "plain", "a b", " lead", "trail ", "a,b", "a;b",
                        "q\"uote", "\"", "cr\rx", "lf\ny", "", "\xC5\x81\xC3\xB3\x64\xC5\xBA" };
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        assert_int_equal(ib_csv_write_field(f, s[i], strlen(s[i]), ','), 0);
        fputc('|', f);
    }
}

static void test_writer_quoting(void **state)
{
    (void)state;
    size_t len;
    char *out = write_to_string(write_samples, &len);
    assert_string_equal(out,
                        "plain|a b|\" lead\"|\"trail \"|\"a,b\"|\"a;b\"|"
                        "\"q\"\"uote\"|\"\"\"\"|\"cr\rx\"|\"lf\ny\"||"
                        "\xC5\x81\xC3\xB3" "d\xC5\xBA|");
    free(out);
}

static const char *const rt_rows[][5] = {
    { "id", "naam", "opmerking", "bedrag", "plaats" },
    { "1", "Kowalski, Jan", "zegt \"hallo\"", "12,50", "\xC5\x81\xC3\xB3\x64\xC5\xBA" },
    { "2", "", "", "", "" },
    { "3", " spatie", "spatie ", "regel\neen\r\ntwee", "\"" },
    { "4", "a;b", "\r", "\n", "\"\"" },
};

static char rt_sep;

static void write_rt(FILE *f)
{
    for (size_t i = 0; i < sizeof rt_rows / sizeof rt_rows[0]; i++)
        assert_int_equal(ib_csv_write_row(f, rt_rows[i], 5, rt_sep), 0);
    const char *one[] = { "" };
    assert_int_equal(ib_csv_write_row(f, one, 1, rt_sep), 0);
    const char *lone[] = { "alleen" };
    assert_int_equal(ib_csv_write_row(f, lone, 1, rt_sep), 0);
}

static void test_writer_round_trip(void **state)
{
    (void)state;
    const char seps[] = { ',', ';' };
    for (int k = 0; k < 2; k++) {
        rt_sep = seps[k];
        size_t len;
        char *out = write_to_string(write_rt, &len);
        ib_csv *c;
        ib_err err;
        ib_csv_row row;
        assert_int_equal(ib_csv_open_mem(&c, out, len, &err), IB_OK);
        assert_int_equal(ib_csv_separator(c), rt_sep);
        size_t nrows = sizeof rt_rows / sizeof rt_rows[0];
        for (size_t i = 0; i < nrows; i++) {
            assert_int_equal(ib_csv_next(c, &row, &err), 1);
            assert_int_equal(row.count, 5);
            for (int j = 0; j < 5; j++)
                assert_string_equal(row.fields[j].s, rt_rows[i][j]);
        }
        assert_int_equal(ib_csv_next(c, &row, &err), 1);
        assert_int_equal(row.count, 1);
        assert_string_equal(row.fields[0].s, "");
        assert_int_equal(ib_csv_next(c, &row, &err), 1);
        assert_int_equal(row.count, 1);
        assert_string_equal(row.fields[0].s, "alleen");
        assert_int_equal(ib_csv_next(c, &row, &err), 0);
        ib_csv_close(c);
        free(out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_blank_lines),
        cmocka_unit_test(test_empty_fields),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_semicolon),
        cmocka_unit_test(test_quoted),
        cmocka_unit_test(test_multiline_field),
        cmocka_unit_test(test_utf8_columns),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_stray_quote),
        cmocka_unit_test(test_after_closing_quote),
        cmocka_unit_test(test_nul),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_lone_cr),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_field_max),
        cmocka_unit_test(test_fields_max),
        cmocka_unit_test(test_resync),
        cmocka_unit_test(test_error_row_line),
        cmocka_unit_test(test_large_file),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_writer_quoting),
        cmocka_unit_test(test_writer_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
