/* person_rights.c — a person's GDPR rights on the command line: `inbeeld
 * person export REF` (right of access, art. 15: everything stored about
 * the person, BSN included, and who looked at them, as one JSON document)
 * and `inbeeld person erase REF --reason TEXT` (right to erasure, art. 17:
 * the person and every record of theirs removed in one transaction, the
 * erasure audited). */
#include <errno.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "cli/person_rights.h"
#include "figures/figures.h"

static void date_field(ib_json *j, const char *key, ib_date d)
{
    char buf[IB_DATE_STRLEN];
    if (d == IB_DATE_NONE)
        ib_json_null(j, key);
    else
        ib_json_str(j, key, ib_date_format(d, buf));
}

static void text_field(ib_json *j, const char *key, const char *s)
{
    if (s && s[0])
        ib_json_str(j, key, s);
    else
        ib_json_null(j, key);
}

/* Hundredths (money, hours) as a number with two decimals. */
static void hundredths_field(ib_json *j, const char *key, int64_t v)
{
    if (v == IB_CENTS_NONE)
        ib_json_null(j, key);
    else
        ib_json_num(j, key, (double)v / 100.0);
}

static void person_json(ib_json *j, const ib_person *p, const char *sender)
{
    ib_json_object(j, "person");
    ib_json_str(j, "sender", sender);
    ib_json_str(j, "person_ref", p->ref);
    text_field(j, "bsn", p->bsn);
    text_field(j, "family_name", p->family_name);
    text_field(j, "given_names", p->given_names);
    date_field(j, "birth_date", p->birth_date);
    text_field(j, "sex", ib_code_text(ib_sex_codes, (int)p->sex));
    ib_json_str(j, "nationality", p->nationality);
    text_field(j, "language", p->language);
    ib_json_str(j, "category", ib_code_text(ib_category_codes, (int)p->category));
    ib_json_end(j);
}

/* Every sender's record of the person (docs/linkage.md): what each of
 * them holds, for the right of access. */
static int record_json(void *ctx, const ib_person_record *r)
{
    ib_json *j = ctx;
    ib_json_object(j, NULL);
    ib_json_str(j, "sender", r->sender_ref);
    ib_json_str(j, "person_ref", r->p.ref);
    text_field(j, "bsn", r->p.bsn);
    text_field(j, "family_name", r->p.family_name);
    text_field(j, "given_names", r->p.given_names);
    date_field(j, "birth_date", r->p.birth_date);
    text_field(j, "sex", ib_code_text(ib_sex_codes, (int)r->p.sex));
    ib_json_str(j, "nationality", r->p.nationality);
    text_field(j, "language", r->p.language);
    ib_json_str(j, "category", ib_code_text(ib_category_codes, (int)r->p.category));
    text_field(j, "linked_by", ib_code_text(ib_link_rule_codes, (int)r->rule));
    ib_json_end(j);
    return 0;
}

static int stay_json(void *ctx, const ib_stay *s)
{
    ib_json *j = ctx;
    ib_json_object(j, NULL);
    date_field(j, "arrival_date", s->arrival);
    date_field(j, "departure_date", s->departure);
    ib_json_end(j);
    return 0;
}

static int registration_json(void *ctx, const ib_registration *r)
{
    ib_json *j = ctx;
    ib_json_object(j, NULL);
    ib_json_str(j, "kind", ib_code_text(ib_reg_kind_codes, (int)r->kind));
    text_field(j, "municipality", r->municipality);
    date_field(j, "start_date", r->start);
    date_field(j, "end_date", r->end);
    ib_json_end(j);
    return 0;
}

static int employment_json(void *ctx, const ib_employment *e)
{
    ib_json *j = ctx;
    char sector[2] = {e->sector, '\0'};
    ib_json_object(j, NULL);
    ib_json_str(j, "employer_ref", e->employer_ref);
    text_field(j, "agency_ref", e->agency_ref);
    ib_json_str(j, "contract", ib_code_text(ib_contract_codes, (int)e->contract));
    date_field(j, "start_date", e->start);
    date_field(j, "end_date", e->end);
    hundredths_field(j, "hours_per_week", e->hours_per_week);
    hundredths_field(j, "monthly_wage", e->monthly_wage);
    text_field(j, "sector", sector);
    ib_json_end(j);
    return 0;
}

static int housing_json(void *ctx, const ib_housing *h)
{
    ib_json *j = ctx;
    ib_json_object(j, NULL);
    ib_json_str(j, "location_ref", h->location_ref);
    text_field(j, "provided_by_ref", h->provided_by_ref);
    date_field(j, "start_date", h->start);
    date_field(j, "end_date", h->end);
    ib_json_end(j);
    return 0;
}

static int event_json(void *ctx, const ib_life_event *ev)
{
    ib_json *j = ctx;
    ib_json_object(j, NULL);
    ib_json_str(j, "event", ib_code_text(ib_event_codes, (int)ev->event));
    date_field(j, "date", ev->date);
    ib_json_end(j);
    return 0;
}

static int contact_json(void *ctx, const ib_contact *c)
{
    ib_json *j = ctx;
    ib_json_object(j, NULL);
    date_field(j, "date", c->date);
    ib_json_str(j, "kind", ib_code_text(ib_contact_kind_codes, (int)c->kind));
    text_field(j, "channel", ib_code_text(ib_channel_codes, (int)c->channel));
    text_field(j, "topics", c->topics);
    text_field(j, "language", c->language);
    text_field(j, "understood", ib_code_text(ib_understood_codes, (int)c->understood));
    ib_json_end(j);
    return 0;
}

static int audit_json(void *ctx, const ib_audit_entry *e)
{
    ib_json *j = ctx;
    ib_json_object(j, NULL);
    ib_json_str(j, "at", e->at);
    ib_json_str(j, "actor", e->actor);
    ib_json_str(j, "action", e->action);
    ib_json_str(j, "entity", e->entity);
    ib_json_str(j, "detail", e->detail);
    ib_json_end(j);
    return 0;
}

/* The person by REF (and sender when given); exit code on failure. */
static int find_person(ib_store *st, const char *sender, const char *ref, ib_person *p,
                       char sender_ref[IB_REF_MAX + 1], const char *cmd)
{
    ib_err err;
    ib_err_clear(&err);
    int64_t sender_id = 0;
    if (sender && ib_store_sender(st, sender, false, &sender_id, &err) != IB_OK)
        return ib_cli_fail(cmd, &err);
    if (ib_store_get_person(st, sender_id, ref, p, &err) != IB_OK)
        return ib_cli_fail(cmd, &err);
    ib_cli_sender_ref(st, p->meta.sender_id, sender_ref);
    return IB_EXIT_OK;
}

/* Writes the document; the export is audited first, so that it lists
 * itself among the look-ups. */
static int write_export(ib_store *st, const ib_person *p, const char *sender, FILE *out,
                        ib_err *err)
{
    ib_audit_entry a = {.entity_id = p->meta.id, .person_id = p->person_id};
    ib_strlcpy(a.actor, "cli", sizeof a.actor);
    ib_strlcpy(a.action, "export", sizeof a.action);
    ib_strlcpy(a.entity, "person", sizeof a.entity);
    ib_strlcpy(a.detail, "inbeeld person export (inzage, AVG art. 15)", sizeof a.detail);
    int rc = ib_store_audit_reads(st, &a, 1, err);
    if (rc)
        return rc;
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    ib_json j;
    ib_json_init(&j, out);
    ib_json_object(&j, NULL);
    ib_json_str(&j, "exported_at", now);
    person_json(&j, p, sender);
    ib_filter f = {.person_id = p->person_id};
    ib_json_array(&j, "records", false);
    rc = ib_store_each_record(st, p->person_id, 0, record_json, &j, err);
    ib_json_end(&j);
    ib_json_array(&j, "stays", false);
    if (!rc) rc = ib_store_each_stay(st, &f, stay_json, &j, err);
    ib_json_end(&j);
    ib_json_array(&j, "registrations", false);
    if (!rc) rc = ib_store_each_registration(st, &f, registration_json, &j, err);
    ib_json_end(&j);
    ib_json_array(&j, "employments", false);
    if (!rc) rc = ib_store_each_employment(st, &f, employment_json, &j, err);
    ib_json_end(&j);
    ib_json_array(&j, "housings", false);
    if (!rc) rc = ib_store_each_housing(st, &f, housing_json, &j, err);
    ib_json_end(&j);
    ib_json_array(&j, "life_events", false);
    if (!rc) rc = ib_store_each_life_event(st, &f, event_json, &j, err);
    ib_json_end(&j);
    ib_json_array(&j, "contacts", false);
    if (!rc) rc = ib_store_each_contact(st, &f, contact_json, &j, err);
    ib_json_end(&j);
    ib_json_array(&j, "audit", false);
    if (!rc) rc = ib_store_each_audit(st, p->person_id, audit_json, &j, err);
    ib_json_end(&j);
    ib_json_finish(&j);
    return rc;
}

int ib_cli_person_export(ib_store *st, const char *sender, const char *ref,
                         const char *out_path)
{
    ib_person p;
    char sender_ref[IB_REF_MAX + 1];
    int code = find_person(st, sender, ref, &p, sender_ref, "person export");
    if (code)
        return code;
    ib_err err;
    ib_err_clear(&err);
    FILE *out = stdout;
    int rc = IB_OK;
    if (out_path && strcmp(out_path, "-") != 0 && !(out = ib_fopen_private(out_path)))
        rc = ib_err_set(&err, IB_EIO, "%s: %s", out_path, strerror(errno));
    if (!rc)
        rc = write_export(st, &p, sender_ref, out, &err);
    sodium_memzero(p.bsn, sizeof p.bsn);
    if (out && out != stdout && fclose(out) != 0 && !rc)
        rc = ib_err_set(&err, IB_EIO, "%s: schrijven mislukt", out_path);
    if (!rc && out == stdout && fflush(stdout) != 0)
        rc = ib_err_set(&err, IB_EIO, "schrijven mislukt");
    return rc ? ib_cli_fail("person export", &err) : IB_EXIT_OK;
}

int ib_cli_person_erase(ib_store *st, const char *sender, const char *ref,
                        const char *reason)
{
    ib_person p;
    char sender_ref[IB_REF_MAX + 1];
    int code = find_person(st, sender, ref, &p, sender_ref, "person erase");
    sodium_memzero(p.bsn, sizeof p.bsn);
    if (code)
        return code;
    ib_err err;
    ib_err_clear(&err);
    ib_erase_report rep;
    if (ib_store_erase_person(st, p.person_id, "cli", reason, &rep, &err) != IB_OK)
        return ib_cli_fail("person erase", &err);
    printf("persoon %s (afzender %s) gewist: %lld verblijven, %lld inschrijvingen, "
           "%lld dienstverbanden, %lld huisvestingen, %lld levensgebeurtenissen, "
           "%lld contactmomenten; vastgelegd in het auditlog\n",
           ref, sender_ref, (long long)rep.removed[IB_KIND_STAY],
           (long long)rep.removed[IB_KIND_REGISTRATION],
           (long long)rep.removed[IB_KIND_EMPLOYMENT],
           (long long)rep.removed[IB_KIND_HOUSING],
           (long long)rep.removed[IB_KIND_LIFE_EVENT],
           (long long)rep.removed[IB_KIND_CONTACT]);
    return IB_EXIT_OK;
}
