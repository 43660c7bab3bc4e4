/* stays.c — stays.csv, presence in the Netherlands: columns, row parser
 * and export formatter. Identity: (sender, person_ref, arrival_date). The
 * store refuses overlapping stays of one person (IB_ECONFLICT). */
#include "ingest/ingest_internal.h"

#include <string.h>

enum { C_PERSON, C_ARRIVAL, C_DEPARTURE, C_COUNT };

static const ib_column columns[C_COUNT] = {
    [C_PERSON] = {"person_ref", true, IB_REFTO_PERSON},
    [C_ARRIVAL] = {"arrival_date", true, IB_REFTO_NONE},
    [C_DEPARTURE] = {"departure_date", false, IB_REFTO_NONE},
};

static const int key[] = {C_PERSON, C_ARRIVAL, -1};

static int parse(const ib_row_in *in, void *rec, ib_err *err)
{
    ib_stay *s = rec;
    memset(s, 0, sizeof *s);
    if (ib_val_text(in, C_PERSON, s->person_ref, sizeof s->person_ref, err) ||
        ib_val_date(in, C_ARRIVAL, &s->arrival, err) ||
        ib_val_date(in, C_DEPARTURE, &s->departure, err))
        return IB_EINVAL;
    /* The spec: the departure date "must be after arrival". */
    if (s->departure != IB_DATE_NONE && s->departure <= s->arrival) {
        char a[IB_DATE_STRLEN], d[IB_DATE_STRLEN];
        return ib_val_error(in, C_DEPARTURE, err,
                            "departure_date %s ligt niet na arrival_date %s",
                            ib_date_format(s->departure, d),
                            ib_date_format(s->arrival, a));
    }
    return IB_OK;
}

static void format(const void *rec, ib_fmt_buf *b, const char **out)
{
    const ib_stay *s = rec;
    out[C_PERSON] = s->person_ref;
    out[C_ARRIVAL] = ib_date_format(s->arrival, b->text[C_ARRIVAL]);
    out[C_DEPARTURE] = ib_date_format(s->departure, b->text[C_DEPARTURE]);
}

IB_RECORD_ADAPTERS(ib_stay, stay)

const ib_record_type ib_stay_type = {
    IB_KIND_STAY, columns, C_COUNT, key, parse, put, format, each};
