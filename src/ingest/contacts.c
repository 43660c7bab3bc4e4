/* contacts.c — contacts.csv (contact moments: information, offers of a
 * language course or career advice): columns, row parser and export
 * formatter. Identity: (sender, person_ref, date, kind). No free text:
 * every column is a date, a code or a list of codes. */
#include "ingest/ingest_internal.h"

#include <string.h>

enum { C_PERSON, C_DATE, C_KIND, C_CHANNEL, C_TOPICS, C_LANGUAGE, C_UNDERSTOOD,
       C_COUNT };

static const ib_column columns[C_COUNT] = {
    [C_PERSON] = {"person_ref", true, IB_REFTO_PERSON},
    [C_DATE] = {"date", true, IB_REFTO_NONE},
    [C_KIND] = {"kind", true, IB_REFTO_NONE},
    [C_CHANNEL] = {"channel", false, IB_REFTO_NONE},
    [C_TOPICS] = {"topics", false, IB_REFTO_NONE},
    [C_LANGUAGE] = {"language", false, IB_REFTO_NONE},
    [C_UNDERSTOOD] = {"understood", false, IB_REFTO_NONE},
};

static const int key[] = {C_PERSON, C_DATE, C_KIND, -1};

/* Topic codes separated by spaces, in any order and spacing: stored as the
 * catalogue orders them, each once (ib_topics_normalise). */
static int val_topics(const ib_row_in *in, char out[IB_TOPICS_MAX + 1], ib_err *err)
{
    const ib_value *v = &in->v[C_TOPICS];
    char bad[64], shown[64], list[256];
    if (ib_topics_normalise(v->s, v->len, out, bad, sizeof bad) == IB_OK)
        return IB_OK;
    return ib_val_error(in, C_TOPICS, err,
                        "'%s' is geen onderwerp; kies uit: %s (gescheiden door "
                        "spaties)", ib_show(bad, strlen(bad), shown, sizeof shown),
                        ib_code_list(ib_topic_codes, list, sizeof list));
}

static int parse(const ib_row_in *in, void *rec, ib_err *err)
{
    ib_contact *c = rec;
    int kind, channel, understood;
    memset(c, 0, sizeof *c);
    if (ib_val_text(in, C_PERSON, c->person_ref, sizeof c->person_ref, err) ||
        ib_val_date(in, C_DATE, &c->date, err) ||
        ib_val_code(in, C_KIND, ib_contact_kind_codes, IB_CONTACT_INFORMATION,
                    &kind, err) ||
        ib_val_code(in, C_CHANNEL, ib_channel_codes, IB_CHANNEL_NONE, &channel,
                    err) ||
        val_topics(in, c->topics, err) ||
        ib_val_language(in, C_LANGUAGE, c->language, err) ||
        ib_val_code(in, C_UNDERSTOOD, ib_understood_codes, IB_UNDERSTOOD_UNKNOWN,
                    &understood, err))
        return IB_EINVAL;
    c->kind = (ib_contact_kind)kind;
    c->channel = (ib_channel)channel;
    c->understood = (ib_understood)understood;
    return IB_OK;
}

static void format(const void *rec, ib_fmt_buf *b, const char **out)
{
    const ib_contact *c = rec;
    out[C_PERSON] = c->person_ref;
    out[C_DATE] = ib_date_format(c->date, b->text[C_DATE]);
    out[C_KIND] = ib_code_text(ib_contact_kind_codes, (int)c->kind);
    out[C_CHANNEL] = ib_code_text(ib_channel_codes, (int)c->channel);
    out[C_TOPICS] = c->topics;
    out[C_LANGUAGE] = c->language;
    out[C_UNDERSTOOD] = ib_code_text(ib_understood_codes, (int)c->understood);
}

IB_RECORD_ADAPTERS(ib_contact, contact)

const ib_record_type ib_contact_type = {
    IB_KIND_CONTACT, columns, C_COUNT, key, parse, put, format, each};
