/* number.c — whole-string number parses for command-line options and
 * query parameters, shared by the CLI and the API. */
#include "core/core.h"

#include <errno.h>
#include <stdlib.h>

bool ib_parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

bool ib_parse_positive(const char *s, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v > 0) || v > hi)
        return false;
    *out = v;
    return true;
}
