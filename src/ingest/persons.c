/* persons.c — persons.csv: columns, the row parser (values -> ib_person)
 * and the export formatter. Identity: (sender, person_ref). */
#include "ingest/ingest_internal.h"

#include <string.h>

enum { C_REF, C_BSN, C_FAMILY, C_GIVEN, C_BIRTH, C_SEX, C_NATIONALITY,
       C_LANGUAGE, C_CATEGORY, C_COUNT };

static const ib_column columns[C_COUNT] = {
    [C_REF] = {"person_ref", true, IB_REFTO_NONE},
    [C_BSN] = {"bsn", false, IB_REFTO_NONE},
    [C_FAMILY] = {"family_name", false, IB_REFTO_NONE},
    [C_GIVEN] = {"given_names", false, IB_REFTO_NONE},
    [C_BIRTH] = {"birth_date", true, IB_REFTO_NONE},
    [C_SEX] = {"sex", false, IB_REFTO_NONE},
    [C_NATIONALITY] = {"nationality", true, IB_REFTO_NONE},
    [C_LANGUAGE] = {"language", false, IB_REFTO_NONE},
    [C_CATEGORY] = {"category", false, IB_REFTO_NONE},
};

static const int key[] = {C_REF, -1};

static int parse(const ib_row_in *in, void *rec, ib_err *err)
{
    ib_person *p = rec;
    int sex, cat;
    memset(p, 0, sizeof *p);
    if (ib_val_text(in, C_REF, p->ref, sizeof p->ref, err) ||
        ib_val_bsn(in, C_BSN, p->bsn, err) ||
        ib_val_text(in, C_FAMILY, p->family_name, sizeof p->family_name, err) ||
        ib_val_text(in, C_GIVEN, p->given_names, sizeof p->given_names, err) ||
        ib_val_date(in, C_BIRTH, &p->birth_date, err) ||
        ib_val_code(in, C_SEX, ib_sex_codes, IB_SEX_UNKNOWN, &sex, err) ||
        ib_val_country(in, C_NATIONALITY, p->nationality, err) ||
        ib_val_language(in, C_LANGUAGE, p->language, err) ||
        ib_val_code(in, C_CATEGORY, ib_category_codes, IB_CAT_LABOUR, &cat,
                    err))
        return IB_EINVAL;
    p->sex = (ib_sex)sex;
    p->category = (ib_category)cat;
    return IB_OK;
}

static void format(const void *rec, ib_fmt_buf *b, const char **out)
{
    const ib_person *p = rec;
    out[C_REF] = p->ref;
    out[C_BSN] = p->bsn;
    out[C_FAMILY] = p->family_name;
    out[C_GIVEN] = p->given_names;
    out[C_BIRTH] = ib_date_format(p->birth_date, b->text[C_BIRTH]);
    out[C_SEX] = ib_code_text(ib_sex_codes, (int)p->sex);
    out[C_NATIONALITY] = p->nationality;
    out[C_LANGUAGE] = p->language;
    out[C_CATEGORY] = ib_code_text(ib_category_codes, (int)p->category);
}

IB_RECORD_ADAPTERS(ib_person, person)

const ib_record_type ib_person_type = {
    IB_KIND_PERSON, columns, C_COUNT, key, parse, put, format, each};
