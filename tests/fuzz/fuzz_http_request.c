/* fuzz_http_request.c — libFuzzer target for the API's request mapping: the
 * first byte picks what to feed, the rest is the input. 0: an inspection
 * body (JSON → ib_inspection), 1: a path/query id. Must never crash or
 * leak, and an accepted inspection must satisfy the documented limits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *rest = (const char *)data + 1;
    size_t len = size - 1;
    if (data[0] % 2 == 0) {
        static ib_inspection in;
        ib_err err;
        int rc = ib_http_parse_inspection(rest, len, &in, &err);
        if (rc != IB_OK && rc != IB_EINVAL)
            abort();
        if (rc == IB_OK &&
            (in.location_id <= 0 || in.date == IB_DATE_NONE ||
             strlen(in.findings) > IB_FINDINGS_MAX || in.persons_found < -1 ||
             !ib_code_text(ib_outcome_codes, (int)in.outcome)[0]))
            abort();
    } else {
        char *s = malloc(len + 1);
        if (!s)
            return 0;
        memcpy(s, rest, len);
        s[len] = '\0';
        int64_t id = 0;
        if (ib_http_parse_id(s, &id) && id <= 0)
            abort();
        free(s);
    }
    return 0;
}
