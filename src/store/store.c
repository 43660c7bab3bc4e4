/* store.c — the public store functions: checks that do not depend on the
 * backend (transaction open, codes and dates sane), the content hashes and
 * BSN sealing, then dispatch through the backend's ops table. */
#include "store/store_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------ lifecycle */

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

int ib_store_open(ib_store **out, const char *location,
                  const ib_store_options *opt, ib_err *err)
{
    static const ib_store_options defaults = {NULL, false};
    ib_err_clear(err);
    *out = NULL;
    if (!location || !location[0])
        return ib_err_set(err, IB_EINVAL, "geen database opgegeven");
    if (sodium_init() < 0)
        return ib_err_set(err, IB_ECRYPTO, "libsodium kon niet worden gestart");
    if (has_prefix(location, "postgresql://") || has_prefix(location, "postgres://"))
        return ib_err_set(err, IB_EINVAL,
                          "PostgreSQL-ondersteuning is nog niet ingebouwd");
    return ib_sqlite_open(out, location, opt ? opt : &defaults, err);
}

void ib_store_close(ib_store *st)
{
    if (!st)
        return;
    if (st->in_tx)
        st->ops->rollback(st, NULL);
    if (st->in_read)
        st->ops->end_read(st, NULL);
    st->ops->close(st);
}

int ib_store_schema_version(ib_store *st)
{
    return st->schema_version;
}

int ib_store_schema_latest(void)
{
    return ib_migration_count();
}

void ib_store_set_actor(ib_store *st, const char *actor)
{
    ib_strlcpy(st->actor, actor && actor[0] ? actor : "inbeeld", sizeof st->actor);
}

/* ------------------------------------------------------------ transactions */

static int begin(ib_store *st, bool bulk, ib_err *err)
{
    ib_err_clear(err);
    if (st->in_tx || st->in_read)
        return ib_err_set(err, IB_EINVAL, "er loopt al een transactie");
    int rc = st->ops->begin(st, bulk, err);
    if (rc == IB_OK)
        st->in_tx = true;
    return rc;
}

int ib_store_begin(ib_store *st, ib_err *err)
{
    return begin(st, false, err);
}

int ib_store_begin_bulk(ib_store *st, ib_err *err)
{
    return begin(st, true, err);
}

void ib_store_prefetch_ref(ib_store *st, ib_kind kind, int64_t sender_id,
                           const char *ref, size_t len)
{
    if (st->ops->prefetch_ref)
        st->ops->prefetch_ref(st, kind, sender_id, ref, len);
}

/* After an erasure's commit: the monitor's snapshot holds person refs and
 * birth dates, so it goes now rather than at the next monitor run. */
static int remove_snapshot(ib_store *st, ib_err *err)
{
    char path[4096];
    if (ib_store_snapshot_path(st, path, sizeof path, NULL) != IB_OK)
        return IB_OK;                  /* no file beside the database */
    if (unlink(path) == 0 || errno == ENOENT)
        return IB_OK;
    return ib_err_set(err, IB_EIO, "gewist, maar de momentopname %s kon niet "
                      "worden verwijderd (%s); verwijder hem met de hand",
                      path, strerror(errno));
}

int ib_store_commit(ib_store *st, ib_err *err)
{
    ib_err_clear(err);
    if (!st->in_tx)
        return ib_err_set(err, IB_EINVAL, "geen transactie om vast te leggen");
    int rc = st->ops->commit(st, err);
    st->in_tx = false;                 /* a failed commit is rolled back */
    if (rc == IB_OK && st->erase_pending)
        rc = remove_snapshot(st, err);
    st->erase_pending = false;
    return rc;
}

bool ib_store_in_transaction(const ib_store *st)
{
    return st->in_tx;
}

int ib_store_begin_read(ib_store *st, ib_err *err)
{
    ib_err_clear(err);
    if (st->in_tx || st->in_read)
        return ib_err_set(err, IB_EINVAL, "er loopt al een transactie");
    int rc = st->ops->begin_read(st, err);
    if (rc == IB_OK)
        st->in_read = true;
    return rc;
}

int ib_store_end_read(ib_store *st, ib_err *err)
{
    ib_err_clear(err);
    if (!st->in_read)
        return ib_err_set(err, IB_EINVAL, "geen leestransactie om te beëindigen");
    st->in_read = false;
    return st->ops->end_read(st, err);
}

bool ib_store_in_read(const ib_store *st)
{
    return st->in_read;
}

const char *ib_store_exposed_key(const ib_store *st)
{
    return st->crypto.key_exposed ? st->crypto.key_path : NULL;
}

int ib_store_rollback(ib_store *st, ib_err *err)
{
    ib_err_clear(err);
    if (!st->in_tx)
        return ib_err_set(err, IB_EINVAL, "geen transactie om terug te draaien");
    st->in_tx = false;
    st->erase_pending = false;
    return st->ops->rollback(st, err);
}

int ib_store_manual_checkpoints(ib_store *st, ib_err *err)
{
    ib_err_clear(err);
    return st->ops->manual_checkpoints(st, err);
}

int ib_store_map_file(ib_store *st, int64_t bytes, ib_err *err)
{
    ib_err_clear(err);
    if (!st->ops->map_file)
        return IB_OK;                  /* nothing to map */
    return st->ops->map_file(st, bytes, err);
}

int ib_store_checkpoint(ib_store *st, unsigned files, ib_checkpoint_mode mode,
                        int64_t *wal_pages, bool *done, ib_err *err)
{
    ib_err_clear(err);
    *wal_pages = 0;
    *done = false;
    if (st->in_tx)
        return ib_err_set(err, IB_EINVAL, "een checkpoint kan niet binnen een "
                                          "transactie");
    return st->ops->checkpoint(st, files, mode, wal_pages, done, err);
}

int ib_store_sender(ib_store *st, const char *sender_ref, bool create,
                    int64_t *id, ib_err *err)
{
    ib_err_clear(err);
    *id = 0;
    if (!sender_ref || !sender_ref[0] || strlen(sender_ref) > IB_REF_MAX)
        return ib_err_set(err, IB_EINVAL, "afzender moet 1 tot %d tekens lang zijn",
                          IB_REF_MAX);
    return st->ops->sender(st, sender_ref, create, id, err);
}

/* ------------------------------------------------------------ checks */

static int put_prologue(ib_store *st, const ib_meta *m, ib_put_result *res,
                        ib_err *err)
{
    ib_err_clear(err);
    *res = IB_PUT_UNCHANGED;
    if (!st->in_tx)
        return ib_err_set(err, IB_EINVAL,
                          "schrijven kan alleen binnen een transactie");
    if (m->sender_id <= 0)
        return ib_err_set(err, IB_EINVAL, "afzender ontbreekt");
    return IB_OK;
}

static bool is_terminated(const char *s, size_t size)
{
    return memchr(s, '\0', size) != NULL;
}

#define TERMINATED(field) is_terminated((field), sizeof(field))

static int need_ref(const char *ref, size_t size, const char *field, ib_err *err)
{
    if (!is_terminated(ref, size) || !ref[0])
        return ib_err_set_at(err, IB_EINVAL, 0, 0, field, "%s ontbreekt", field);
    return IB_OK;
}

#define NEED_REF(field, name, err) need_ref((field), sizeof(field), (name), (err))

static int need_code(const ib_code_name *table, int code, const char *field,
                     ib_err *err)
{
    if (!ib_code_is_known(table, code))
        return ib_err_set_at(err, IB_EINVAL, 0, 0, field, "ongeldige code %d in %s",
                             code, field);
    return IB_OK;
}

static int need_period(ib_date start, ib_date end, const char *start_field,
                       ib_err *err)
{
    if (start == IB_DATE_NONE)
        return ib_err_set_at(err, IB_EINVAL, 0, 0, start_field, "%s ontbreekt",
                             start_field);
    if (end != IB_DATE_NONE && end < start)
        return ib_err_set_at(err, IB_EINVAL, 0, 0, "end_date",
                             "einddatum ligt voor de begindatum");
    return IB_OK;
}

/* ------------------------------------------------------------ puts */

int ib_store_put_organisation(ib_store *st, ib_organisation *o,
                              ib_put_result *res, ib_err *err)
{
    int rc = put_prologue(st, &o->meta, res, err);
    if (!rc) rc = NEED_REF(o->ref, "org_ref", err);
    if (!rc && (!TERMINATED(o->name) || !o->name[0]))
        rc = ib_err_set_at(err, IB_EINVAL, 0, 0, "name", "naam ontbreekt");
    if (!rc && !TERMINATED(o->kvk))
        rc = ib_err_set_at(err, IB_EINVAL, 0, 0, "kvk", "ongeldig KvK-nummer");
    if (!rc) rc = need_code(ib_org_kind_codes, (int)o->kind, "kind", err);
    if (!rc) rc = need_code(ib_cert_codes, (int)o->certified, "certified", err);
    if (rc)
        return rc;
    ib_put_info pi = {.content_hash = ib_hash_organisation(&st->crypto, o)};
    return st->ops->put_organisation(st, o, &pi, res, err);
}

int ib_store_put_location(ib_store *st, ib_location *l, ib_put_result *res,
                          ib_err *err)
{
    int rc = put_prologue(st, &l->meta, res, err);
    if (!rc) rc = NEED_REF(l->ref, "location_ref", err);
    if (!rc && (!TERMINATED(l->postcode) || !l->postcode[0]))
        rc = ib_err_set_at(err, IB_EINVAL, 0, 0, "postcode", "postcode ontbreekt");
    if (!rc && (!TERMINATED(l->house_number) || !l->house_number[0]))
        rc = ib_err_set_at(err, IB_EINVAL, 0, 0, "house_number", "huisnummer ontbreekt");
    if (!rc && (!TERMINATED(l->municipality) || !l->municipality[0]))
        rc = ib_err_set_at(err, IB_EINVAL, 0, 0, "municipality", "gemeente ontbreekt");
    if (!rc && !TERMINATED(l->provider_ref))
        rc = ib_err_set_at(err, IB_EINVAL, 0, 0, "provider_ref", "ongeldige provider_ref");
    if (!rc) rc = need_code(ib_location_kind_codes, (int)l->kind, "kind", err);
    if (rc)
        return rc;
    ib_put_info pi = {.content_hash = ib_hash_location(&st->crypto, l)};
    return st->ops->put_location(st, l, &pi, res, err);
}

static int check_person(const ib_person *p, ib_err *err)
{
    int rc = NEED_REF(p->ref, "person_ref", err);
    if (!rc && (!TERMINATED(p->bsn) ||
                (p->bsn[0] && !ib_bsn_is_valid(p->bsn, strlen(p->bsn)))))
        rc = ib_err_set_at(err, IB_EINVAL, 0, 0, "bsn", "ongeldig BSN");
    if (!rc && (!TERMINATED(p->family_name) || !TERMINATED(p->given_names)))
        rc = ib_err_set_at(err, IB_EINVAL, 0, 0, "family_name", "naam te lang");
    if (!rc && p->birth_date == IB_DATE_NONE)
        rc = ib_err_set_at(err, IB_EINVAL, 0, 0, "birth_date", "geboortedatum ontbreekt");
    if (!rc && (!TERMINATED(p->nationality) || strlen(p->nationality) != 2))
        rc = ib_err_set_at(err, IB_EINVAL, 0, 0, "nationality", "nationaliteit ontbreekt");
    if (!rc && !TERMINATED(p->language))
        rc = ib_err_set_at(err, IB_EINVAL, 0, 0, "language", "ongeldige taal");
    if (!rc) rc = need_code(ib_sex_codes, (int)p->sex, "sex", err);
    if (!rc) rc = need_code(ib_category_codes, (int)p->category, "category", err);
    return rc;
}

int ib_store_put_person(ib_store *st, ib_person *p, ib_put_result *res, ib_err *err)
{
    int rc = put_prologue(st, &p->meta, res, err);
    if (!rc) rc = check_person(p, err);
    if (rc)
        return rc;
    ib_put_info pi = {.content_hash = ib_hash_person(&st->crypto, p)};
    return st->ops->put_person(st, p, &pi, res, err);
}

int ib_store_put_stay(ib_store *st, ib_stay *s, ib_put_result *res, ib_err *err)
{
    int rc = put_prologue(st, &s->meta, res, err);
    if (!rc) rc = NEED_REF(s->person_ref, "person_ref", err);
    if (!rc && s->arrival == IB_DATE_NONE)
        rc = ib_err_set_at(err, IB_EINVAL, 0, 0, "arrival_date", "aankomstdatum ontbreekt");
    if (!rc && s->departure != IB_DATE_NONE && s->departure <= s->arrival)
        rc = ib_err_set_at(err, IB_EINVAL, 0, 0, "departure_date",
                           "vertrekdatum moet na de aankomstdatum liggen");
    if (rc)
        return rc;
    ib_put_info pi = {.content_hash = ib_hash_stay(&st->crypto, s)};
    return st->ops->put_stay(st, s, &pi, res, err);
}

int ib_store_put_registration(ib_store *st, ib_registration *r,
                              ib_put_result *res, ib_err *err)
{
    int rc = put_prologue(st, &r->meta, res, err);
    if (!rc) rc = NEED_REF(r->person_ref, "person_ref", err);
    if (!rc) rc = need_code(ib_reg_kind_codes, (int)r->kind, "kind", err);
    if (!rc && !TERMINATED(r->municipality))
        rc = ib_err_set_at(err, IB_EINVAL, 0, 0, "municipality", "ongeldige gemeente");
    if (!rc && r->kind == IB_REG_BRP && !r->municipality[0])
        rc = ib_err_set_at(err, IB_EINVAL, 0, 0, "municipality",
                           "gemeente is verplicht bij een BRP-inschrijving");
    if (!rc) rc = need_period(r->start, r->end, "start_date", err);
    if (rc)
        return rc;
    ib_put_info pi = {.content_hash = ib_hash_registration(&st->crypto, r)};
    return st->ops->put_registration(st, r, &pi, res, err);
}

int ib_store_put_employment(ib_store *st, ib_employment *e, ib_put_result *res,
                            ib_err *err)
{
    int rc = put_prologue(st, &e->meta, res, err);
    if (!rc) rc = NEED_REF(e->person_ref, "person_ref", err);
    if (!rc) rc = NEED_REF(e->employer_ref, "employer_ref", err);
    if (!rc && !TERMINATED(e->agency_ref))
        rc = ib_err_set_at(err, IB_EINVAL, 0, 0, "agency_ref", "ongeldige agency_ref");
    if (!rc) rc = need_code(ib_contract_codes, (int)e->contract, "contract", err);
    if (!rc && e->sector != 0 && (e->sector < 'A' || e->sector > 'U'))
        rc = ib_err_set_at(err, IB_EINVAL, 0, 0, "sector", "sector moet A t/m U zijn");
    if (!rc) rc = need_period(e->start, e->end, "start_date", err);
    if (rc)
        return rc;
    ib_put_info pi = {.content_hash = ib_hash_employment(&st->crypto, e)};
    return st->ops->put_employment(st, e, &pi, res, err);
}

int ib_store_put_housing(ib_store *st, ib_housing *h, ib_put_result *res,
                         ib_err *err)
{
    int rc = put_prologue(st, &h->meta, res, err);
    if (!rc) rc = NEED_REF(h->person_ref, "person_ref", err);
    if (!rc) rc = NEED_REF(h->location_ref, "location_ref", err);
    if (!rc && !TERMINATED(h->provided_by_ref))
        rc = ib_err_set_at(err, IB_EINVAL, 0, 0, "provided_by_ref",
                           "ongeldige provided_by_ref");
    if (!rc) rc = need_period(h->start, h->end, "start_date", err);
    if (rc)
        return rc;
    ib_put_info pi = {.content_hash = ib_hash_housing(&st->crypto, h)};
    return st->ops->put_housing(st, h, &pi, res, err);
}

int ib_store_put_life_event(ib_store *st, ib_life_event *ev, ib_put_result *res,
                            ib_err *err)
{
    int rc = put_prologue(st, &ev->meta, res, err);
    if (!rc) rc = NEED_REF(ev->person_ref, "person_ref", err);
    if (!rc) rc = need_code(ib_event_codes, (int)ev->event, "event", err);
    if (!rc && ev->date == IB_DATE_NONE)
        rc = ib_err_set_at(err, IB_EINVAL, 0, 0, "date", "datum ontbreekt");
    if (rc)
        return rc;
    ib_put_info pi = {.content_hash = ib_hash_life_event(&st->crypto, ev)};
    return st->ops->put_life_event(st, ev, &pi, res, err);
}

/* Topics as ib_topics_normalise writes them, so that a re-sent contact
 * hashes the same however its topics were spaced or ordered. */
static int need_topics(const char *topics, ib_err *err)
{
    char norm[IB_TOPICS_MAX + 1];
    size_t n = strnlen(topics, IB_TOPICS_MAX + 1);
    if (n > IB_TOPICS_MAX || ib_topics_normalise(topics, n, norm, NULL, 0) != IB_OK ||
        strcmp(norm, topics) != 0)
        return ib_err_set_at(err, IB_EINVAL, 0, 0, "topics",
                             "onderwerpen niet genormaliseerd");
    return IB_OK;
}

int ib_store_put_contact(ib_store *st, ib_contact *c, ib_put_result *res, ib_err *err)
{
    int rc = put_prologue(st, &c->meta, res, err);
    if (!rc) rc = NEED_REF(c->person_ref, "person_ref", err);
    if (!rc && c->date == IB_DATE_NONE)
        rc = ib_err_set_at(err, IB_EINVAL, 0, 0, "date", "datum ontbreekt");
    if (!rc) rc = need_code(ib_contact_kind_codes, (int)c->kind, "kind", err);
    if (!rc) rc = need_code(ib_channel_codes, (int)c->channel, "channel", err);
    if (!rc) rc = need_code(ib_understood_codes, (int)c->understood, "understood", err);
    if (!rc) rc = need_topics(c->topics, err);
    if (!rc && (!TERMINATED(c->language) ||
                (c->language[0] && !ib_language_is_valid(c->language))))
        rc = ib_err_set_at(err, IB_EINVAL, 0, 0, "language", "ongeldige taal");
    if (rc)
        return rc;
    ib_put_info pi = {.content_hash = ib_hash_contact(&st->crypto, c)};
    return st->ops->put_contact(st, c, &pi, res, err);
}

/* ------------------------------------------------------------ reading */

static const ib_filter no_filter = {0, 0, 0};
#define FILTER(f) ((f) ? (f) : &no_filter)

int ib_store_each_sender(ib_store *st, ib_sender_cb cb, void *ctx, ib_err *err)
{
    ib_err_clear(err);
    return st->ops->each_sender(st, cb, ctx, err);
}

int ib_store_each_person(ib_store *st, const ib_filter *f, ib_person_cb cb,
                         void *ctx, ib_err *err)
{
    ib_err_clear(err);
    return st->ops->each_person(st, FILTER(f), cb, ctx, err);
}

int ib_store_each_stay(ib_store *st, const ib_filter *f, ib_stay_cb cb,
                       void *ctx, ib_err *err)
{
    ib_err_clear(err);
    return st->ops->each_stay(st, FILTER(f), cb, ctx, err);
}

int ib_store_each_registration(ib_store *st, const ib_filter *f,
                               ib_registration_cb cb, void *ctx, ib_err *err)
{
    ib_err_clear(err);
    return st->ops->each_registration(st, FILTER(f), cb, ctx, err);
}

int ib_store_each_organisation(ib_store *st, const ib_filter *f,
                               ib_organisation_cb cb, void *ctx, ib_err *err)
{
    ib_err_clear(err);
    return st->ops->each_organisation(st, FILTER(f), cb, ctx, err);
}

int ib_store_each_employment(ib_store *st, const ib_filter *f,
                             ib_employment_cb cb, void *ctx, ib_err *err)
{
    ib_err_clear(err);
    return st->ops->each_employment(st, FILTER(f), cb, ctx, err);
}

int ib_store_each_location(ib_store *st, const ib_filter *f, ib_location_cb cb,
                           void *ctx, ib_err *err)
{
    ib_err_clear(err);
    return st->ops->each_location(st, FILTER(f), cb, ctx, err);
}

int ib_store_each_housing(ib_store *st, const ib_filter *f, ib_housing_cb cb,
                          void *ctx, ib_err *err)
{
    ib_err_clear(err);
    return st->ops->each_housing(st, FILTER(f), cb, ctx, err);
}

int ib_store_each_life_event(ib_store *st, const ib_filter *f,
                             ib_life_event_cb cb, void *ctx, ib_err *err)
{
    ib_err_clear(err);
    return st->ops->each_life_event(st, FILTER(f), cb, ctx, err);
}

int ib_store_each_contact(ib_store *st, const ib_filter *f, ib_contact_cb cb,
                          void *ctx, ib_err *err)
{
    ib_err_clear(err);
    return st->ops->each_contact(st, FILTER(f), cb, ctx, err);
}

int ib_store_scan(ib_store *st, int64_t sender_id, const ib_scan_handler *h,
                  ib_err *err)
{
    ib_err_clear(err);
    if (sender_id < 0)
        return ib_err_set(err, IB_EINVAL, "ongeldige afzender");
    return st->ops->scan(st, sender_id, h, err);
}

int ib_store_data_version(ib_store *st, char out[IB_DATA_VERSION_LEN],
                          ib_err *err)
{
    ib_err_clear(err);
    out[0] = '\0';
    return st->ops->data_version(st, out, err);
}

/* "<db><suffix>": a file that lives beside the database. */
static int beside_database(ib_store *st, const char *suffix, char *out, size_t size,
                           ib_err *err)
{
    ib_err_clear(err);
    const char *db = st->ops->file_path ? st->ops->file_path(st) : NULL;
    if (!db || !db[0])
        return ib_err_set(err, IB_ENOTFOUND, "de database is geen bestand");
    int n = snprintf(out, size, "%s%s", db, suffix);
    if (n < 0 || (size_t)n >= size)
        return ib_err_set(err, IB_ELIMIT, "pad van de database te lang");
    return IB_OK;
}

int ib_store_snapshot_path(ib_store *st, char *out, size_t size, ib_err *err)
{
    return beside_database(st, ".monitor", out, size, err);
}

int ib_store_reads_path(ib_store *st, char *out, size_t size, ib_err *err)
{
    return beside_database(st, ".reads", out, size, err);
}

void ib_store_cellkey_secret(const ib_store *st,
                             uint8_t out[IB_CELLKEY_SECRET_BYTES])
{
    _Static_assert(IB_CELLKEY_SECRET_BYTES == sizeof st->crypto.cellkey_key,
                   "cell-key secret size");
    memcpy(out, st->crypto.cellkey_key, IB_CELLKEY_SECRET_BYTES);
}

int ib_store_get_person(ib_store *st, int64_t sender_id, const char *ref,
                        ib_person *out, ib_err *err)
{
    ib_err_clear(err);
    memset(out, 0, sizeof *out);
    if (!ref || !ref[0] || strlen(ref) > IB_REF_MAX)
        return ib_err_set(err, IB_ENOTFOUND, "persoon '%.64s' niet gevonden",
                          ref ? ref : "");
    return st->ops->get_person(st, sender_id, ref, out, err);
}

int ib_store_get_location(ib_store *st, int64_t sender_id, const char *ref,
                          ib_location *out, ib_err *err)
{
    ib_err_clear(err);
    memset(out, 0, sizeof *out);
    if (!ref || !ref[0] || strlen(ref) > IB_REF_MAX)
        return ib_err_set(err, IB_ENOTFOUND, "locatie '%.64s' niet gevonden",
                          ref ? ref : "");
    return st->ops->get_location(st, sender_id, ref, out, err);
}

int ib_store_get_organisation_by_id(ib_store *st, int64_t id,
                                    ib_organisation *out, ib_err *err)
{
    ib_err_clear(err);
    memset(out, 0, sizeof *out);
    return st->ops->get_organisation_by_id(st, id, out, err);
}

/* Passes on only true matches: the look-up hash has 64 bits. */
typedef struct bsn_match {
    const char *bsn;
    ib_person_cb cb;
    void *ctx;
} bsn_match;

static int on_bsn_candidate(void *ctx, const ib_person *p)
{
    const bsn_match *m = ctx;
    return strcmp(p->bsn, m->bsn) == 0 ? m->cb(m->ctx, p) : 0;
}

int ib_store_find_person_by_bsn(ib_store *st, const char *bsn, ib_person_cb cb,
                                void *ctx, ib_err *err)
{
    ib_err_clear(err);
    if (!bsn || !ib_bsn_is_valid(bsn, strlen(bsn)))
        return ib_err_set_at(err, IB_EINVAL, 0, 0, "bsn",
                             "ongeldig BSN: 9 cijfers en de elfproef");
    bsn_match m = {bsn, cb, ctx};
    return st->ops->find_person_by_bsn_hash(st, ib_bsn_lookup_hash(&st->crypto, bsn),
                                            on_bsn_candidate, &m, err);
}

int ib_store_count(ib_store *st, ib_store_counts *out, ib_err *err)
{
    ib_err_clear(err);
    memset(out, 0, sizeof *out);
    return st->ops->count(st, out, err);
}
