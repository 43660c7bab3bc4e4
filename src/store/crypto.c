/* crypto.c — the key file and what is derived from it: BSN encryption
 * (XChaCha20-Poly1305), the keyed BSN look-up hash (BLAKE2b), the row
 * content hashes (SipHash over a canonical serialisation) and the key check
 * that tells a wrong key file from the right one. Backend-neutral. */
#include "store/store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* crypto_kdf context (exactly 8 bytes) and subkey ids: never change them,
 * stored ciphertexts and hashes depend on them. */
static const char kdf_ctx[crypto_kdf_CONTEXTBYTES] = {'i', 'n', 'b', 'e',
                                                      'e', 'l', 'd', '1'};
enum { SUBKEY_BSN = 1, SUBKEY_LOOKUP = 2, SUBKEY_ROW = 3, SUBKEY_AUDIT = 4,
       SUBKEY_CHECK = 5, SUBKEY_READS = 6, SUBKEY_CELLKEY = 7,
       SUBKEY_HEAD = 8, SUBKEY_PURPOSE = 9 };

/* *exposed: whether others than the owner may access the file. */
static int read_key(const char *path, uint8_t key[IB_KEY_BYTES], bool *exposed,
                    ib_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? IB_ENOTFOUND
                               : ib_err_set(err, IB_ECRYPTO,
                                            "sleutelbestand %s niet te lezen: %s",
                                            path, strerror(errno));
    struct stat st;
    *exposed = fstat(fd, &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0;
    uint8_t buf[IB_KEY_BYTES + 1];
    size_t got = 0;
    while (got < sizeof buf) {
        ssize_t n = read(fd, buf + got, sizeof buf - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (got != IB_KEY_BYTES) {
        sodium_memzero(buf, sizeof buf);
        return ib_err_set(err, IB_ECRYPTO,
                          "sleutelbestand %s is beschadigd (verwacht %d bytes)",
                          path, IB_KEY_BYTES);
    }
    memcpy(key, buf, IB_KEY_BYTES);
    sodium_memzero(buf, sizeof buf);
    return IB_OK;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int create_key(const char *path, uint8_t key[IB_KEY_BYTES], ib_err *err)
{
    randombytes_buf(key, IB_KEY_BYTES);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return ib_err_set(err, IB_ECRYPTO, "sleutelbestand %s niet aan te maken: %s",
                          path, strerror(errno));
    if (fchmod(fd, 0600) != 0 || write_all(fd, key, IB_KEY_BYTES) != 0 ||
        fsync(fd) != 0) {
        int e = errno;
        close(fd);
        unlink(path);
        return ib_err_set(err, IB_ECRYPTO, "sleutelbestand %s niet te schrijven: %s",
                          path, strerror(e));
    }
    if (close(fd) != 0) {
        unlink(path);
        return ib_err_set(err, IB_ECRYPTO, "sleutelbestand %s niet te schrijven: %s",
                          path, strerror(errno));
    }
    return IB_OK;
}

static void derive(ib_crypto *c, const uint8_t key[IB_KEY_BYTES])
{
    crypto_kdf_derive_from_key(c->bsn_key, sizeof c->bsn_key, SUBKEY_BSN, kdf_ctx, key);
    crypto_kdf_derive_from_key(c->lookup_key, sizeof c->lookup_key, SUBKEY_LOOKUP,
                               kdf_ctx, key);
    crypto_kdf_derive_from_key(c->row_key, sizeof c->row_key, SUBKEY_ROW, kdf_ctx, key);
    crypto_kdf_derive_from_key(c->audit_key, sizeof c->audit_key, SUBKEY_AUDIT,
                               kdf_ctx, key);
    crypto_kdf_derive_from_key(c->reads_key, sizeof c->reads_key, SUBKEY_READS,
                               kdf_ctx, key);
    crypto_kdf_derive_from_key(c->cellkey_key, sizeof c->cellkey_key, SUBKEY_CELLKEY,
                               kdf_ctx, key);
    crypto_kdf_derive_from_key(c->head_key, sizeof c->head_key, SUBKEY_HEAD, kdf_ctx,
                               key);
    crypto_kdf_derive_from_key(c->purpose_key, sizeof c->purpose_key, SUBKEY_PURPOSE,
                               kdf_ctx, key);
    crypto_kdf_derive_from_key(c->keycheck, sizeof c->keycheck, SUBKEY_CHECK,
                               kdf_ctx, key);
    randombytes_buf(c->nonce_prefix, sizeof c->nonce_prefix);
    c->nonce_counter = 0;
    c->loaded = true;
}

int ib_crypto_load(ib_crypto *c, const char *path, bool may_create,
                   const char *hint, bool *created, ib_err *err)
{
    uint8_t key[IB_KEY_BYTES];
    *created = false;
    bool exposed = false;
    int rc = read_key(path, key, &exposed, err);
    if (rc == IB_ENOTFOUND) {
        if (!may_create)
            return ib_err_set(err, IB_ECRYPTO, "sleutelbestand ontbreekt: %s; %s",
                              path, hint);
        rc = create_key(path, key, err);
        *created = rc == IB_OK;
    }
    if (rc != IB_OK)
        return rc;
    derive(c, key);
    sodium_memzero(key, sizeof key);
    c->key_exposed = exposed;
    ib_strlcpy(c->key_path, path, sizeof c->key_path);
    return IB_OK;
}

void ib_crypto_wipe(ib_crypto *c)
{
    sodium_memzero(c, sizeof *c);
}

/* ------------------------------------------------------------ BSN */

static size_t bsn_ad(int64_t sender_id, const char *ref, uint8_t ad[8 + IB_REF_MAX])
{
    uint64_t s = (uint64_t)sender_id;
    for (int i = 0; i < 8; i++)
        ad[i] = (uint8_t)(s >> (8 * i));
    size_t n = strnlen(ref, IB_REF_MAX);
    memcpy(ad + 8, ref, n);
    return 8 + n;
}

int ib_bsn_seal(ib_crypto *c, const char *bsn, int64_t sender_id,
                const char *ref, ib_bsn_sealed *out, ib_err *err)
{
    size_t len = strnlen(bsn, 10);
    out->present = len > 0;
    out->enc_len = 0;
    if (!out->present)
        return IB_OK;
    if (len != 9)
        return ib_err_set_at(err, IB_EINVAL, 0, 0, "bsn",
                             "BSN moet uit 9 cijfers bestaan");
    uint8_t *nonce = out->enc;
    memcpy(nonce, c->nonce_prefix, sizeof c->nonce_prefix);
    uint64_t ctr = c->nonce_counter++;
    for (int i = 0; i < 8; i++)
        nonce[sizeof c->nonce_prefix + (size_t)i] = (uint8_t)(ctr >> (8 * i));
    uint8_t ad[8 + IB_REF_MAX];
    size_t adlen = bsn_ad(sender_id, ref, ad);
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        out->enc + IB_BSN_NONCE_BYTES, &clen, (const uint8_t *)bsn, 9, ad, adlen,
        NULL, nonce, c->bsn_key);
    out->enc_len = IB_BSN_NONCE_BYTES + (size_t)clen;
    out->hash = ib_bsn_lookup_hash(c, bsn);
    return IB_OK;
}

int ib_bsn_open(const ib_crypto *c, const uint8_t *enc, size_t len,
                int64_t sender_id, const char *ref, char out[10], ib_err *err)
{
    out[0] = '\0';
    if (len == 0)
        return IB_OK;
    uint8_t plain[16];
    unsigned long long plen = 0;
    uint8_t ad[8 + IB_REF_MAX];
    size_t adlen = bsn_ad(sender_id, ref, ad);
    if (len != IB_BSN_SEALED_MAX ||
        crypto_aead_xchacha20poly1305_ietf_decrypt(
            plain, &plen, NULL, enc + IB_BSN_NONCE_BYTES, len - IB_BSN_NONCE_BYTES,
            ad, adlen, enc, c->bsn_key) != 0 || plen != 9)
        return ib_err_set(err, IB_ECRYPTO,
                          "BSN van persoon '%s' niet te ontsleutelen: verkeerd "
                          "sleutelbestand of gewijzigde gegevens", ref);
    memcpy(out, plain, 9);
    out[9] = '\0';
    sodium_memzero(plain, sizeof plain);
    return IB_OK;
}

int64_t ib_bsn_lookup_hash(const ib_crypto *c, const char *bsn)
{
    uint8_t out[crypto_generichash_BYTES_MIN];
    crypto_generichash(out, sizeof out, (const uint8_t *)bsn, strnlen(bsn, 9),
                       c->lookup_key, sizeof c->lookup_key);
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u |= (uint64_t)out[i] << (8 * i);
    int64_t v;
    memcpy(&v, &u, sizeof v);
    return v;
}

/* ------------------------------------------------------------ row hashes */

/* Canonical serialisation: a kind tag, then every field as a 64-bit little
 * endian number or a 16-bit length followed by the bytes. Unambiguous, and
 * independent of struct layout and padding. */
typedef struct canon {
    uint8_t buf[2048];
    size_t n;
} canon;

static void canon_i64(canon *k, int64_t v)
{
    uint64_t u = (uint64_t)v;
    if (k->n + 8 > sizeof k->buf)
        return;
    for (int i = 0; i < 8; i++)
        k->buf[k->n++] = (uint8_t)(u >> (8 * i));
}

static void canon_str(canon *k, const char *s, size_t max)
{
    size_t len = strnlen(s, max);
    if (k->n + 2 + len > sizeof k->buf)
        return;                         /* cannot happen: fields are bounded */
    k->buf[k->n++] = (uint8_t)(len & 0xff);
    k->buf[k->n++] = (uint8_t)(len >> 8);
    memcpy(k->buf + k->n, s, len);
    k->n += len;
}

#define CANON_STR(k, field) canon_str((k), (field), sizeof(field))

static int64_t canon_hash(const ib_crypto *c, const canon *k)
{
    uint8_t out[crypto_shorthash_BYTES];
    crypto_shorthash(out, k->buf, k->n, c->row_key);
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u |= (uint64_t)out[i] << (8 * i);
    int64_t v;
    memcpy(&v, &u, sizeof v);
    return v;
}

int64_t ib_hash_organisation(const ib_crypto *c, const ib_organisation *o)
{
    canon k = {.n = 0};
    canon_i64(&k, IB_KIND_ORGANISATION);
    CANON_STR(&k, o->ref);
    CANON_STR(&k, o->name);
    CANON_STR(&k, o->kvk);
    canon_i64(&k, o->kind);
    canon_i64(&k, o->certified);
    return canon_hash(c, &k);
}

int64_t ib_hash_location(const ib_crypto *c, const ib_location *l)
{
    canon k = {.n = 0};
    canon_i64(&k, IB_KIND_LOCATION);
    CANON_STR(&k, l->ref);
    CANON_STR(&k, l->postcode);
    CANON_STR(&k, l->house_number);
    CANON_STR(&k, l->municipality);
    canon_i64(&k, l->kind);
    canon_i64(&k, l->capacity);
    canon_i64(&k, l->floor_area_m2);
    CANON_STR(&k, l->provider_ref);
    canon_i64(&k, l->certified_until);
    return canon_hash(c, &k);
}

int64_t ib_hash_person(const ib_crypto *c, const ib_person *p)
{
    canon k = {.n = 0};
    canon_i64(&k, IB_KIND_PERSON);
    CANON_STR(&k, p->ref);
    CANON_STR(&k, p->bsn);
    CANON_STR(&k, p->family_name);
    CANON_STR(&k, p->given_names);
    canon_i64(&k, p->birth_date);
    canon_i64(&k, p->sex);
    CANON_STR(&k, p->nationality);
    CANON_STR(&k, p->language);
    canon_i64(&k, p->category);
    return canon_hash(c, &k);
}

int64_t ib_hash_stay(const ib_crypto *c, const ib_stay *s)
{
    canon k = {.n = 0};
    canon_i64(&k, IB_KIND_STAY);
    CANON_STR(&k, s->person_ref);
    canon_i64(&k, s->arrival);
    canon_i64(&k, s->departure);
    return canon_hash(c, &k);
}

int64_t ib_hash_registration(const ib_crypto *c, const ib_registration *r)
{
    canon k = {.n = 0};
    canon_i64(&k, IB_KIND_REGISTRATION);
    CANON_STR(&k, r->person_ref);
    canon_i64(&k, r->kind);
    CANON_STR(&k, r->municipality);
    canon_i64(&k, r->start);
    canon_i64(&k, r->end);
    return canon_hash(c, &k);
}

int64_t ib_hash_employment(const ib_crypto *c, const ib_employment *e)
{
    canon k = {.n = 0};
    canon_i64(&k, IB_KIND_EMPLOYMENT);
    CANON_STR(&k, e->person_ref);
    CANON_STR(&k, e->employer_ref);
    CANON_STR(&k, e->agency_ref);
    canon_i64(&k, e->contract);
    canon_i64(&k, e->start);
    canon_i64(&k, e->end);
    canon_i64(&k, e->hours_per_week);
    canon_i64(&k, e->monthly_wage);
    canon_i64(&k, e->sector);
    return canon_hash(c, &k);
}

int64_t ib_hash_housing(const ib_crypto *c, const ib_housing *h)
{
    canon k = {.n = 0};
    canon_i64(&k, IB_KIND_HOUSING);
    CANON_STR(&k, h->person_ref);
    CANON_STR(&k, h->location_ref);
    CANON_STR(&k, h->provided_by_ref);
    canon_i64(&k, h->start);
    canon_i64(&k, h->end);
    return canon_hash(c, &k);
}

int64_t ib_hash_life_event(const ib_crypto *c, const ib_life_event *ev)
{
    canon k = {.n = 0};
    canon_i64(&k, IB_KIND_LIFE_EVENT);
    CANON_STR(&k, ev->person_ref);
    canon_i64(&k, ev->event);
    canon_i64(&k, ev->date);
    return canon_hash(c, &k);
}

int64_t ib_hash_contact(const ib_crypto *c, const ib_contact *ct)
{
    canon k = {.n = 0};
    canon_i64(&k, IB_KIND_CONTACT);
    CANON_STR(&k, ct->person_ref);
    canon_i64(&k, ct->date);
    canon_i64(&k, ct->kind);
    canon_i64(&k, ct->channel);
    CANON_STR(&k, ct->topics);
    CANON_STR(&k, ct->language);
    canon_i64(&k, ct->understood);
    return canon_hash(c, &k);
}

/* ------------------------------------------------------------ identity */

int64_t ib_identity_hash(const ib_crypto *c, const ib_person *p)
{
    char family[IB_NAME_NORM_MAX], given[IB_NAME_NORM_MAX];
    if (ib_name_normalise(p->family_name, family, sizeof family) != IB_OK ||
        ib_name_normalise(p->given_names, given, sizeof given) != IB_OK ||
        !family[0] || !given[0] || p->birth_date == IB_DATE_NONE)
        return 0;
    canon k = {.n = 0};
    canon_str(&k, "identity", 8);
    canon_str(&k, family, sizeof family);
    canon_str(&k, given, sizeof given);
    canon_i64(&k, p->birth_date);
    CANON_STR(&k, p->nationality);
    int64_t v = canon_hash(c, &k);
    return v ? v : 1;                   /* 0 means "no identity" */
}
