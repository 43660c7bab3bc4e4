/* organisations.c — organisations.csv (agencies, employers, housing
 * providers, ...): columns, row parser and export formatter. Identity:
 * (sender, org_ref). */
#include "ingest/ingest_internal.h"

#include <string.h>

enum { C_REF, C_NAME, C_KVK, C_KIND, C_CERTIFIED, C_COUNT };

static const ib_column columns[C_COUNT] = {
    [C_REF] = {"org_ref", true, IB_REFTO_NONE},
    [C_NAME] = {"name", true, IB_REFTO_NONE},
    [C_KVK] = {"kvk", false, IB_REFTO_NONE},
    [C_KIND] = {"kind", true, IB_REFTO_NONE},
    [C_CERTIFIED] = {"certified", false, IB_REFTO_NONE},
};

static const int key[] = {C_REF, -1};

static int parse(const ib_row_in *in, void *rec, ib_err *err)
{
    ib_organisation *o = rec;
    int kind, cert;
    memset(o, 0, sizeof *o);
    if (ib_val_text(in, C_REF, o->ref, sizeof o->ref, err) ||
        ib_val_text(in, C_NAME, o->name, sizeof o->name, err) ||
        ib_val_kvk(in, C_KVK, o->kvk, err) ||
        ib_val_code(in, C_KIND, ib_org_kind_codes, IB_ORG_OTHER, &kind, err) ||
        ib_val_code(in, C_CERTIFIED, ib_cert_codes, IB_CERT_NONE, &cert, err))
        return IB_EINVAL;
    o->kind = (ib_org_kind)kind;
    o->certified = (ib_cert)cert;
    return IB_OK;
}

static void format(const void *rec, ib_fmt_buf *b, const char **out)
{
    const ib_organisation *o = rec;
    (void)b;
    out[C_REF] = o->ref;
    out[C_NAME] = o->name;
    out[C_KVK] = o->kvk;
    out[C_KIND] = ib_code_text(ib_org_kind_codes, (int)o->kind);
    out[C_CERTIFIED] = ib_code_text(ib_cert_codes, (int)o->certified);
}

IB_RECORD_ADAPTERS(ib_organisation, organisation)

const ib_record_type ib_organisation_type = {
    IB_KIND_ORGANISATION, columns, C_COUNT, key, parse, put, format, each};
