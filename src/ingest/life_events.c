/* life_events.c — life_events.csv (partner, child, home): columns, row
 * parser and export formatter. Identity: (sender, person_ref, event,
 * date). */
#include "ingest/ingest_internal.h"

#include <string.h>

enum { C_PERSON, C_EVENT, C_DATE, C_COUNT };

static const ib_column columns[C_COUNT] = {
    [C_PERSON] = {"person_ref", true, IB_REFTO_PERSON},
    [C_EVENT] = {"event", true, IB_REFTO_NONE},
    [C_DATE] = {"date", true, IB_REFTO_NONE},
};

static const int key[] = {C_PERSON, C_EVENT, C_DATE, -1};

static int parse(const ib_row_in *in, void *rec, ib_err *err)
{
    ib_life_event *ev = rec;
    int event;
    memset(ev, 0, sizeof *ev);
    if (ib_val_text(in, C_PERSON, ev->person_ref, sizeof ev->person_ref,
                    err) ||
        ib_val_code(in, C_EVENT, ib_event_codes, IB_EVENT_PARTNER_START,
                    &event, err) ||
        ib_val_date(in, C_DATE, &ev->date, err))
        return IB_EINVAL;
    ev->event = (ib_event_kind)event;
    return IB_OK;
}

static void format(const void *rec, ib_fmt_buf *b, const char **out)
{
    const ib_life_event *ev = rec;
    out[C_PERSON] = ev->person_ref;
    out[C_EVENT] = ib_code_text(ib_event_codes, (int)ev->event);
    out[C_DATE] = ib_date_format(ev->date, b->text[C_DATE]);
}

IB_RECORD_ADAPTERS(ib_life_event, life_event)

const ib_record_type ib_life_event_type = {
    IB_KIND_LIFE_EVENT, columns, C_COUNT, key, parse, put, format, each};
