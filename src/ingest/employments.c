/* employments.c — employments.csv: columns, row parser and export
 * formatter. Identity: (sender, person_ref, employer_ref, start_date). */
#include "ingest/ingest_internal.h"

#include <string.h>

enum { C_PERSON, C_EMPLOYER, C_AGENCY, C_CONTRACT, C_START, C_END, C_HOURS,
       C_WAGE, C_SECTOR, C_COUNT };

static const ib_column columns[C_COUNT] = {
    [C_PERSON] = {"person_ref", true, IB_REFTO_PERSON},
    [C_EMPLOYER] = {"employer_ref", true, IB_REFTO_ORGANISATION},
    [C_AGENCY] = {"agency_ref", false, IB_REFTO_ORGANISATION},
    [C_CONTRACT] = {"contract", true, IB_REFTO_NONE},
    [C_START] = {"start_date", true, IB_REFTO_NONE},
    [C_END] = {"end_date", false, IB_REFTO_NONE},
    [C_HOURS] = {"hours_per_week", false, IB_REFTO_NONE},
    [C_WAGE] = {"monthly_wage", false, IB_REFTO_NONE},
    [C_SECTOR] = {"sector", false, IB_REFTO_NONE},
};

static const int key[] = {C_PERSON, C_EMPLOYER, C_START, -1};

#define HOURS_MAX (168 * 100)   /* hours in a week, in hundredths */

static int parse(const ib_row_in *in, void *rec, ib_err *err)
{
    ib_employment *e = rec;
    int contract;
    memset(e, 0, sizeof *e);
    if (ib_val_text(in, C_PERSON, e->person_ref, sizeof e->person_ref, err) ||
        ib_val_text(in, C_EMPLOYER, e->employer_ref, sizeof e->employer_ref,
                    err) ||
        ib_val_text(in, C_AGENCY, e->agency_ref, sizeof e->agency_ref, err) ||
        ib_val_code(in, C_CONTRACT, ib_contract_codes, IB_CONTRACT_AGENCY,
                    &contract, err) ||
        ib_val_date(in, C_START, &e->start, err) ||
        ib_val_end_date(in, C_END, C_START, e->start, &e->end, err) ||
        ib_val_hundredths(in, C_HOURS, 0, true, HOURS_MAX,
                          "aantal uren per week (meer dan 0, hoogstens 168)",
                          &e->hours_per_week, err) ||
        ib_val_money(in, C_WAGE, &e->monthly_wage, err) ||
        ib_val_sector(in, C_SECTOR, &e->sector, err))
        return IB_EINVAL;
    e->contract = (ib_contract)contract;
    return IB_OK;
}

static void format(const void *rec, ib_fmt_buf *b, const char **out)
{
    const ib_employment *e = rec;
    out[C_PERSON] = e->person_ref;
    out[C_EMPLOYER] = e->employer_ref;
    out[C_AGENCY] = e->agency_ref;
    out[C_CONTRACT] = ib_code_text(ib_contract_codes, (int)e->contract);
    out[C_START] = ib_date_format(e->start, b->text[C_START]);
    out[C_END] = ib_date_format(e->end, b->text[C_END]);
    out[C_HOURS] = ib_fmt_hundredths(e->hours_per_week, b->text[C_HOURS],
                                     sizeof b->text[C_HOURS]);
    out[C_WAGE] = ib_money_format(e->monthly_wage, b->text[C_WAGE],
                                  sizeof b->text[C_WAGE]);
    b->text[C_SECTOR][0] = e->sector;
    b->text[C_SECTOR][1] = '\0';
    out[C_SECTOR] = b->text[C_SECTOR];
}

IB_RECORD_ADAPTERS(ib_employment, employment)

const ib_record_type ib_employment_type = {
    IB_KIND_EMPLOYMENT, columns, C_COUNT, key, parse, put, format, each};
