/* fuzz_record.h — shared body of the per-kind fuzz targets: arbitrary bytes
 * as a CSV file of one kind through the reader, header matching, the row
 * parser, duplicate-key detection and all three report writers, without a
 * database. Must never crash, leak or write invalid UTF-8 into a report. */
#ifndef IB_FUZZ_RECORD_H
#define IB_FUZZ_RECORD_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ingest/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes the report in every format; the JSON writer refuses invalid
 * UTF-8, so a failure there means a message was not sanitised. */
static inline void ib_fuzz_reports(const ib_import_report *rep)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return;
    if (ib_import_report_write_text(rep, f) != IB_OK ||
        ib_import_report_write_csv(rep, f) != IB_OK ||
        ib_import_report_write_json(rep, f) != IB_OK)
        abort();
    fclose(f);
    free(buf);
}

static inline int ib_fuzz_record(ib_kind kind, const uint8_t *data, size_t size)
{
    ib_import_report rep;
    ib_err err;
    ib_import_report_init(&rep);
    int rc = ib_check_csv_mem(kind, "fuzz.csv", (const char *)data, size,
                              &rep, &err);
    if (rc != IB_OK && rc != IB_EINVAL)
        abort();
    if (rep.nfiles != 1 || rep.files[0].rejected < (int64_t)rep.files[0].nrejections)
        abort();
    ib_fuzz_reports(&rep);
    ib_import_report_free(&rep);
    return 0;
}

#endif
