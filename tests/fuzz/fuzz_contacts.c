/* fuzz_contacts.c — libFuzzer target: arbitrary bytes as contacts.csv through
 * header matching and the row parser (see fuzz_record.h). */
#include "fuzz_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return ib_fuzz_record(IB_KIND_CONTACT, data, size);
}
