/* locations.c — locations.csv, the housing register: columns, row parser
 * and export formatter. Identity: (sender, location_ref). */
#include "ingest/ingest_internal.h"

#include <stdio.h>
#include <string.h>

enum { C_REF, C_POSTCODE, C_HOUSENR, C_MUNICIPALITY, C_KIND, C_CAPACITY,
       C_AREA, C_PROVIDER, C_CERTIFIED_UNTIL, C_COUNT };

static const ib_column columns[C_COUNT] = {
    [C_REF] = {"location_ref", true, IB_REFTO_NONE},
    [C_POSTCODE] = {"postcode", true, IB_REFTO_NONE},
    [C_HOUSENR] = {"house_number", true, IB_REFTO_NONE},
    [C_MUNICIPALITY] = {"municipality", true, IB_REFTO_NONE},
    [C_KIND] = {"kind", true, IB_REFTO_NONE},
    [C_CAPACITY] = {"capacity", false, IB_REFTO_NONE},
    [C_AREA] = {"floor_area_m2", false, IB_REFTO_NONE},
    [C_PROVIDER] = {"provider_ref", false, IB_REFTO_ORGANISATION},
    [C_CERTIFIED_UNTIL] = {"certified_until", false, IB_REFTO_NONE},
};

static const int key[] = {C_REF, -1};

#define CAPACITY_MAX 100000              /* beds at one address */
#define AREA_MAX ((int64_t)1000000 * 100) /* m², in hundredths */

static int parse(const ib_row_in *in, void *rec, ib_err *err)
{
    ib_location *l = rec;
    int kind;
    memset(l, 0, sizeof *l);
    if (ib_val_text(in, C_REF, l->ref, sizeof l->ref, err) ||
        ib_val_postcode(in, C_POSTCODE, l->postcode, err) ||
        ib_val_house_number(in, C_HOUSENR, l->house_number, err) ||
        ib_val_municipality(in, C_MUNICIPALITY, l->municipality, err) ||
        ib_val_code(in, C_KIND, ib_location_kind_codes, IB_LOC_OTHER, &kind,
                    err) ||
        ib_val_count(in, C_CAPACITY, CAPACITY_MAX, &l->capacity, err) ||
        ib_val_hundredths(in, C_AREA, 0, true, AREA_MAX,
                          "vloeroppervlak in m² (meer dan 0, hoogstens "
                          "1000000)", &l->floor_area_m2, err) ||
        ib_val_text(in, C_PROVIDER, l->provider_ref, sizeof l->provider_ref,
                    err) ||
        ib_val_date(in, C_CERTIFIED_UNTIL, &l->certified_until, err))
        return IB_EINVAL;
    l->kind = (ib_location_kind)kind;
    return IB_OK;
}

static void format(const void *rec, ib_fmt_buf *b, const char **out)
{
    const ib_location *l = rec;
    out[C_REF] = l->ref;
    out[C_POSTCODE] = l->postcode;
    out[C_HOUSENR] = l->house_number;
    out[C_MUNICIPALITY] = l->municipality;
    out[C_KIND] = ib_code_text(ib_location_kind_codes, (int)l->kind);
    b->text[C_CAPACITY][0] = '\0';
    if (l->capacity >= 0)
        snprintf(b->text[C_CAPACITY], sizeof b->text[C_CAPACITY], "%d",
                 (int)l->capacity);
    out[C_CAPACITY] = b->text[C_CAPACITY];
    out[C_AREA] = ib_fmt_hundredths(l->floor_area_m2, b->text[C_AREA],
                                    sizeof b->text[C_AREA]);
    out[C_PROVIDER] = l->provider_ref;
    out[C_CERTIFIED_UNTIL] = ib_date_format(l->certified_until,
                                            b->text[C_CERTIFIED_UNTIL]);
}

IB_RECORD_ADAPTERS(ib_location, location)

const ib_record_type ib_location_type = {
    IB_KIND_LOCATION, columns, C_COUNT, key, parse, put, format, each};
