/* housings.c — housings.csv, who lives where: columns, row parser and
 * export formatter. Identity: (sender, person_ref, location_ref,
 * start_date). */
#include "ingest/ingest_internal.h"

#include <string.h>

enum { C_PERSON, C_LOCATION, C_START, C_END, C_PROVIDED_BY, C_COUNT };

static const ib_column columns[C_COUNT] = {
    [C_PERSON] = {"person_ref", true, IB_REFTO_PERSON},
    [C_LOCATION] = {"location_ref", true, IB_REFTO_LOCATION},
    [C_START] = {"start_date", true, IB_REFTO_NONE},
    [C_END] = {"end_date", false, IB_REFTO_NONE},
    [C_PROVIDED_BY] = {"provided_by_ref", false, IB_REFTO_ORGANISATION},
};

static const int key[] = {C_PERSON, C_LOCATION, C_START, -1};

static int parse(const ib_row_in *in, void *rec, ib_err *err)
{
    ib_housing *h = rec;
    memset(h, 0, sizeof *h);
    if (ib_val_text(in, C_PERSON, h->person_ref, sizeof h->person_ref, err) ||
        ib_val_text(in, C_LOCATION, h->location_ref, sizeof h->location_ref,
                    err) ||
        ib_val_date(in, C_START, &h->start, err) ||
        ib_val_end_date(in, C_END, C_START, h->start, &h->end, err) ||
        ib_val_text(in, C_PROVIDED_BY, h->provided_by_ref,
                    sizeof h->provided_by_ref, err))
        return IB_EINVAL;
    return IB_OK;
}

static void format(const void *rec, ib_fmt_buf *b, const char **out)
{
    const ib_housing *h = rec;
    out[C_PERSON] = h->person_ref;
    out[C_LOCATION] = h->location_ref;
    out[C_START] = ib_date_format(h->start, b->text[C_START]);
    out[C_END] = ib_date_format(h->end, b->text[C_END]);
    out[C_PROVIDED_BY] = h->provided_by_ref;
}

IB_RECORD_ADAPTERS(ib_housing, housing)

const ib_record_type ib_housing_type = {
    IB_KIND_HOUSING, columns, C_COUNT, key, parse, put, format, each};
