/* fuzz_json.c — libFuzzer target: the first byte picks the record kind, the
 * rest is a JSON document for ib_import_json without a database (validation
 * only). Must never crash, leak or write invalid UTF-8 into a report. */
#include "fuzz_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    ib_kind kind = (ib_kind)(data[0] % IB_KIND_COUNT);
    ib_import_report rep;
    ib_err err;
    ib_import_report_init(&rep);
    int rc = ib_import_json(NULL, kind, "fuzz.json", (const char *)data + 1,
                            size - 1, NULL, &rep, &err);
    if (rc != IB_OK && rc != IB_EINVAL)
        abort();
    ib_fuzz_reports(&rep);
    ib_import_report_free(&rep);
    return 0;
}
