/* registrations.c — registrations.csv, BRP/RNI episodes: columns, row
 * parser and export formatter. Identity: (sender, person_ref, kind,
 * start_date). A brp registration needs its municipality. */
#include "ingest/ingest_internal.h"

#include <string.h>

enum { C_PERSON, C_KIND, C_MUNICIPALITY, C_START, C_END, C_COUNT };

static const ib_column columns[C_COUNT] = {
    [C_PERSON] = {"person_ref", true, IB_REFTO_PERSON},
    [C_KIND] = {"kind", true, IB_REFTO_NONE},
    [C_MUNICIPALITY] = {"municipality", false, IB_REFTO_NONE},
    [C_START] = {"start_date", true, IB_REFTO_NONE},
    [C_END] = {"end_date", false, IB_REFTO_NONE},
};

static const int key[] = {C_PERSON, C_KIND, C_START, -1};

static int parse(const ib_row_in *in, void *rec, ib_err *err)
{
    ib_registration *r = rec;
    int kind;
    memset(r, 0, sizeof *r);
    if (ib_val_text(in, C_PERSON, r->person_ref, sizeof r->person_ref, err) ||
        ib_val_code(in, C_KIND, ib_reg_kind_codes, IB_REG_BRP, &kind, err) ||
        ib_val_municipality(in, C_MUNICIPALITY, r->municipality, err))
        return IB_EINVAL;
    r->kind = (ib_reg_kind)kind;
    if (r->kind == IB_REG_BRP && r->municipality[0] == '\0')
        return ib_val_error(in, C_MUNICIPALITY, err,
                            "verplicht bij kind brp: de gemeente van "
                            "inschrijving (CBS-code, zoals GM0518)");
    if (ib_val_date(in, C_START, &r->start, err) ||
        ib_val_end_date(in, C_END, C_START, r->start, &r->end, err))
        return IB_EINVAL;
    return IB_OK;
}

static void format(const void *rec, ib_fmt_buf *b, const char **out)
{
    const ib_registration *r = rec;
    out[C_PERSON] = r->person_ref;
    out[C_KIND] = ib_code_text(ib_reg_kind_codes, (int)r->kind);
    out[C_MUNICIPALITY] = r->municipality;
    out[C_START] = ib_date_format(r->start, b->text[C_START]);
    out[C_END] = ib_date_format(r->end, b->text[C_END]);
}

IB_RECORD_ADAPTERS(ib_registration, registration)

const ib_record_type ib_registration_type = {
    IB_KIND_REGISTRATION, columns, C_COUNT, key, parse, put, format, each};
