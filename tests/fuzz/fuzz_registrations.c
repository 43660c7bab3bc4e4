/* fuzz_registrations.c — libFuzzer target: arbitrary bytes as registrations.csv through
 * header matching and the row parser (see fuzz_record.h). */
#include "fuzz_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return ib_fuzz_record(IB_KIND_REGISTRATION, data, size);
}
