/* users.c — the people who use inbeeld: accounts with argon2id passwords,
 * login with failure counting and lockout, sessions with CSRF tokens, and
 * long-lived API tokens. Secrets are random 256-bit values handed out once;
 * the store keeps only their BLAKE2b-256 hash. Every change is audited. */
#include "store/store_internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

const ib_code_name ib_role_codes[] = {
    {IB_ROLE_CASEWORKER, "caseworker"}, {IB_ROLE_INSPECTOR, "inspector"},
    {IB_ROLE_AGENCY, "agency"},         {IB_ROLE_ANALYST, "analyst"},
    {IB_ROLE_ADMIN, "admin"},           {0, NULL}};

#define PWHASH_MAX crypto_pwhash_STRBYTES
#define TOKEN_HASH_HEX (2 * crypto_generichash_BYTES + 1)

/* ------------------------------------------------------------ helpers */

/* Runs fn inside the caller's transaction or, when none is open, its own. */
int ib_store_in_tx(ib_store *st, int (*fn)(ib_store *, void *, ib_err *), void *arg,
                   ib_err *err)
{
    if (st->in_tx)
        return fn(st, arg, err);
    int rc = ib_store_begin(st, err);
    if (rc)
        return rc;
    rc = fn(st, arg, err);
    if (rc == IB_OK)
        return ib_store_commit(st, err);
    ib_err keep = err ? *err : (ib_err){0};
    ib_store_rollback(st, NULL);
    if (err)
        *err = keep;
    return rc;
}

static int audit_user(ib_store *st, const char *action, int64_t id,
                      const char *detail, ib_err *err)
{
    ib_audit_entry e = {.entity_id = id};
    ib_strlcpy(e.action, action, sizeof e.action);
    ib_strlcpy(e.entity, "user", sizeof e.entity);
    ib_strlcpy(e.detail, detail, sizeof e.detail);
    return ib_store_audit(st, &e, err);
}

static bool name_is_valid(const char *name)
{
    size_t n = name ? strnlen(name, IB_USERNAME_MAX + 1) : 0;
    if (n == 0 || n > IB_USERNAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' || c == '@'))
            return false;
    }
    return true;
}

static int hash_password(const char *pw, char out[PWHASH_MAX], ib_err *err)
{
    if (crypto_pwhash_str_alg(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen om het wachtwoord "
                                          "te versleutelen");
    return IB_OK;
}

/* A fresh 256-bit secret as 43 base64url characters. */
static void new_secret(char out[IB_TOKEN_STRLEN])
{
    uint8_t raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, IB_TOKEN_STRLEN, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

/* The stored form of a secret: hex of its BLAKE2b-256. */
static int secret_hash(const char *secret, char out[TOKEN_HASH_HEX], ib_err *err)
{
    size_t n = secret ? strnlen(secret, IB_TOKEN_STRLEN) : 0;
    if (n != IB_TOKEN_STRLEN - 1)
        return ib_err_set(err, IB_ENOTFOUND, "token onbekend");
    uint8_t h[crypto_generichash_BYTES];
    crypto_generichash(h, sizeof h, (const uint8_t *)secret, n, NULL, 0);
    sodium_bin2hex(out, TOKEN_HASH_HEX, h, sizeof h);
    return IB_OK;
}

/* ------------------------------------------------------------ users */

int ib_user_parse_municipalities(ib_user *u, const char *list, ib_err *err)
{
    u->nmunicipalities = 0;
    const char *p = list ? list : "";
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len && *p == ' ') {
            p++;
            len--;
        }
        if (!ib_municipality_is_valid(p, len))
            return ib_err_set(err, IB_EINVAL, "'%.*s' is geen CBS-gemeentecode "
                              "(GM + 4 cijfers)", (int)(len > 16 ? 16 : len), p);
        if (u->nmunicipalities == IB_USER_MUNIS_MAX)
            return ib_err_set(err, IB_ELIMIT, "hoogstens %d gemeenten per gebruiker",
                              IB_USER_MUNIS_MAX);
        memcpy(u->municipalities[u->nmunicipalities], p, 6);
        u->municipalities[u->nmunicipalities++][6] = '\0';
        if (!end)
            break;
        p = end + 1;
    }
    return IB_OK;
}

bool ib_user_has_municipality(const ib_user *u, const char *code)
{
    for (int i = 0; i < u->nmunicipalities; i++)
        if (strcmp(u->municipalities[i], code) == 0)
            return true;
    return false;
}

typedef struct add_arg {
    ib_user *u;
    const char *hash;
} add_arg;

static int add_tx(ib_store *st, void *argp, ib_err *err)
{
    add_arg *a = argp;
    ib_user existing;
    int rc = st->ops->user_get(st, a->u->name, 0, &existing, NULL, 0, err);
    if (rc == IB_OK)
        return ib_err_set(err, IB_ECONFLICT, "gebruiker '%s' bestaat al", a->u->name);
    if (rc != IB_ENOTFOUND)
        return rc;
    ib_err_clear(err);
    if ((rc = st->ops->user_insert(st, a->u, a->hash, err)) != IB_OK)
        return rc;
    char detail[160];
    snprintf(detail, sizeof detail, "gebruiker %s toegevoegd, rol %s, organisatie %s",
             a->u->name, ib_code_text(ib_role_codes, (int)a->u->role),
             a->u->organisation);
    return audit_user(st, "insert", a->u->id, detail, err);
}

int ib_user_add(ib_store *st, ib_user *u, const char *password, ib_err *err)
{
    ib_err_clear(err);
    if (!name_is_valid(u->name))
        return ib_err_set(err, IB_EINVAL, "gebruikersnaam: 1 tot %d letters, cijfers "
                          "of . - _ @", IB_USERNAME_MAX);
    if (!ib_code_text(ib_role_codes, (int)u->role)[0])
        return ib_err_set(err, IB_EINVAL, "onbekende rol");
    size_t olen = strnlen(u->organisation, sizeof u->organisation);
    if (olen == 0 || olen > IB_REF_MAX)
        return ib_err_set(err, IB_EINVAL, "organisatie ontbreekt (de afzendercode "
                          "van de organisatie, 1 tot %d tekens)", IB_REF_MAX);
    int rc = ib_password_check(password, u->name, err);
    if (rc)
        return rc;
    char hash[PWHASH_MAX];
    if ((rc = hash_password(password, hash, err)) != IB_OK)
        return rc;
    u->disabled = false;
    u->failed_logins = 0;
    u->locked_until = 0;
    ib_audit_now(u->created_at);
    add_arg a = {u, hash};
    return ib_store_in_tx(st, add_tx, &a, err);
}

int ib_user_get(ib_store *st, const char *name, ib_user *out, ib_err *err)
{
    ib_err_clear(err);
    if (!name_is_valid(name))
        return ib_err_set(err, IB_ENOTFOUND, "gebruiker bestaat niet");
    return st->ops->user_get(st, name, 0, out, NULL, 0, err);
}

int ib_user_get_by_id(ib_store *st, int64_t id, ib_user *out, ib_err *err)
{
    ib_err_clear(err);
    return st->ops->user_get(st, NULL, id, out, NULL, 0, err);
}

int ib_user_each(ib_store *st, ib_user_cb cb, void *ctx, ib_err *err)
{
    ib_err_clear(err);
    return st->ops->user_each(st, cb, ctx, err);
}

typedef struct change_arg {
    const char *name;
    bool disabled;
    const char *hash;          /* set password when not NULL */
} change_arg;

static int change_tx(ib_store *st, void *argp, ib_err *err)
{
    change_arg *a = argp;
    ib_user u;
    int rc = st->ops->user_get(st, a->name, 0, &u, NULL, 0, err);
    if (rc)
        return rc;
    int64_t n = 0;
    char detail[160];
    if (a->hash) {
        u.failed_logins = 0;
        u.locked_until = 0;
        snprintf(detail, sizeof detail, "wachtwoord van %s gewijzigd", u.name);
    } else {
        u.disabled = a->disabled;
        snprintf(detail, sizeof detail, "gebruiker %s %s", u.name,
                 a->disabled ? "geblokkeerd" : "vrijgegeven");
    }
    if ((rc = st->ops->user_update(st, &u, a->hash, err)) != IB_OK)
        return rc;
    /* A new password or a block ends every session; a block also revokes
     * the API tokens (enabling again does not bring them back). */
    if ((a->hash || a->disabled) &&
        (rc = st->ops->session_delete(st, NULL, u.id, 0, &n, err)) != IB_OK)
        return rc;
    if (!a->hash && a->disabled &&
        (rc = st->ops->token_revoke(st, u.id, 0, (int64_t)time(NULL), &n, err)) != IB_OK)
        return rc;
    return audit_user(st, a->hash ? "password" : a->disabled ? "disable" : "enable",
                      u.id, detail, err);
}

int ib_user_set_disabled(ib_store *st, const char *name, bool disabled, ib_err *err)
{
    ib_err_clear(err);
    if (!name_is_valid(name))
        return ib_err_set(err, IB_ENOTFOUND, "gebruiker bestaat niet");
    change_arg a = {name, disabled, NULL};
    return ib_store_in_tx(st, change_tx, &a, err);
}

int ib_user_set_password(ib_store *st, const char *name, const char *password,
                         ib_err *err)
{
    ib_err_clear(err);
    if (!name_is_valid(name))
        return ib_err_set(err, IB_ENOTFOUND, "gebruiker bestaat niet");
    int rc = ib_password_check(password, name, err);
    if (rc)
        return rc;
    char hash[PWHASH_MAX];
    if ((rc = hash_password(password, hash, err)) != IB_OK)
        return rc;
    change_arg a = {name, false, hash};
    return ib_store_in_tx(st, change_tx, &a, err);
}

typedef struct login_arg {
    ib_user *u;
    const char *action;
    const char *detail;
} login_arg;

static int login_tx(ib_store *st, void *argp, ib_err *err)
{
    login_arg *a = argp;
    int rc = st->ops->user_update(st, a->u, NULL, err);
    if (rc == IB_OK)
        rc = audit_user(st, a->action, a->u->id, a->detail, err);
    return rc;
}

/* Spends the time of a real password check on a constant hash (argon2id
 * with the parameters of hash_password, of a password nobody has), so that
 * an unknown or locked user answers as slowly as a wrong password: the
 * timing does not tell which user names exist. */
static void verify_dummy(const char *password, size_t pwlen)
{
    char dummy[PWHASH_MAX] = "$argon2id$v=19$m=65536,t=2,p=1$+BOKDQpW4p9TFk8qJ27gYg$"
                             "W6EKbgV1NJLxjtxOU5h30Kun0yLkhb/G4EJ03b1h4q4";
    int no_match = crypto_pwhash_str_verify(dummy, password, pwlen);
    (void)no_match;
}

int ib_user_authenticate(ib_store *st, const char *name, const char *password,
                         int64_t now, ib_user *out, bool *locked, ib_err *err)
{
    ib_err_clear(err);
    *locked = false;
    static const char denied[] = "gebruikersnaam of wachtwoord onjuist, of het "
                                 "account is geblokkeerd";
    size_t pwlen = password ? strnlen(password, IB_PASSWORD_MAX + 1) : 0;
    if (!name_is_valid(name) || pwlen == 0 || pwlen > IB_PASSWORD_MAX)
        return ib_err_set(err, IB_EDENIED, denied);
    char hash[PWHASH_MAX] = "";
    ib_user u;
    int rc = st->ops->user_get(st, name, 0, &u, hash, sizeof hash, err);
    if (rc == IB_ENOTFOUND) {
        verify_dummy(password, pwlen);
        return ib_err_set(err, IB_EDENIED, denied);
    }
    if (rc)
        return rc;
    if (u.locked_until > now) {
        verify_dummy(password, pwlen);
        sodium_memzero(hash, sizeof hash);
        *locked = true;
        return ib_err_set(err, IB_EDENIED, denied);
    }
    bool ok = crypto_pwhash_str_verify(hash, password, pwlen) == 0;
    sodium_memzero(hash, sizeof hash);
    login_arg a = {&u, "login", "aangemeld"};
    if (!ok || u.disabled) {
        if (!u.disabled && ++u.failed_logins >= IB_LOGIN_FAILS_MAX) {
            u.failed_logins = 0;
            u.locked_until = now + IB_LOCKOUT_SECONDS;
            *locked = true;
        }
        a.action = "login-failed";
        a.detail = u.disabled ? "aanmelding geweigerd: account geblokkeerd"
                   : *locked ? "aanmelding mislukt: account tijdelijk vergrendeld"
                             : "aanmelding mislukt: wachtwoord onjuist";
    } else {
        u.failed_logins = 0;
        u.locked_until = 0;
    }
    if ((rc = ib_store_in_tx(st, login_tx, &a, err)) != IB_OK)
        return rc;
    if (!ok || u.disabled)
        return ib_err_set(err, IB_EDENIED, denied);
    *out = u;
    return IB_OK;
}

/* ------------------------------------------------------------ sessions */

typedef struct session_arg {
    const char *hash;
    ib_session *s;
    int64_t now;
} session_arg;

static int session_tx(ib_store *st, void *argp, ib_err *err)
{
    session_arg *a = argp;
    int64_t n = 0;
    int rc = st->ops->session_delete(st, NULL, 0, a->now, &n, err);
    if (rc == IB_OK)
        rc = st->ops->session_insert(st, a->hash, a->s, a->now, err);
    return rc;
}

int ib_session_create(ib_store *st, int64_t user_id, int64_t now, int64_t ttl,
                      char token[IB_TOKEN_STRLEN], ib_session *out, ib_err *err)
{
    ib_err_clear(err);
    if (ttl <= 0)
        return ib_err_set(err, IB_EINVAL, "sessieduur moet positief zijn");
    char hash[TOKEN_HASH_HEX];
    new_secret(token);
    int rc = secret_hash(token, hash, err);
    if (rc)
        return rc;
    memset(out, 0, sizeof *out);
    out->user_id = user_id;
    out->expires_at = now + ttl;
    new_secret(out->csrf);
    session_arg a = {hash, out, now};
    return ib_store_in_tx(st, session_tx, &a, err);
}

int ib_session_find(ib_store *st, const char *token, int64_t now,
                    ib_session *out, ib_err *err)
{
    ib_err_clear(err);
    char hash[TOKEN_HASH_HEX];
    int rc = secret_hash(token, hash, err);
    if (rc)
        return rc;
    if ((rc = st->ops->session_get(st, hash, out, err)) != IB_OK)
        return rc;
    if (out->expires_at <= now)
        return ib_err_set(err, IB_ENOTFOUND, "sessie verlopen");
    return IB_OK;
}

typedef struct end_arg {
    const char *hash;
} end_arg;

static int end_tx(ib_store *st, void *argp, ib_err *err)
{
    end_arg *a = argp;
    int64_t n = 0;
    int rc = st->ops->session_delete(st, a->hash, 0, 0, &n, err);
    if (rc == IB_OK && n == 0)
        rc = ib_err_set(err, IB_ENOTFOUND, "sessie onbekend");
    return rc;
}

int ib_session_end(ib_store *st, const char *token, ib_err *err)
{
    ib_err_clear(err);
    char hash[TOKEN_HASH_HEX];
    int rc = secret_hash(token, hash, err);
    if (rc)
        return rc;
    end_arg a = {hash};
    return ib_store_in_tx(st, end_tx, &a, err);
}

/* ------------------------------------------------------------ API tokens */

typedef struct token_arg {
    const char *hash;
    ib_api_token *t;
    int64_t id;
} token_arg;

static int token_create_tx(ib_store *st, void *argp, ib_err *err)
{
    token_arg *a = argp;
    ib_user u;
    int rc = st->ops->user_get(st, NULL, a->t->user_id, &u, NULL, 0, err);
    if (rc == IB_OK && u.disabled)
        rc = ib_err_set(err, IB_EDENIED, "gebruiker %s is geblokkeerd", u.name);
    if (rc == IB_OK)
        rc = st->ops->token_insert(st, a->hash, a->t, err);
    if (rc == IB_OK) {
        char detail[160];
        snprintf(detail, sizeof detail, "API-token %lld '%s' voor %s aangemaakt",
                 (long long)a->t->id, a->t->label, u.name);
        rc = audit_user(st, "token-create", u.id, detail, err);
    }
    return rc;
}

int ib_api_token_create(ib_store *st, int64_t user_id, const char *label,
                        int64_t now, char token[IB_TOKEN_STRLEN],
                        ib_api_token *out, ib_err *err)
{
    ib_err_clear(err);
    size_t n = label ? strnlen(label, sizeof out->label) : 0;
    if (n == 0 || n >= sizeof out->label)
        return ib_err_set(err, IB_EINVAL, "omschrijving van het token: 1 tot %d tekens",
                          (int)sizeof out->label - 1);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)label[i] < 0x20)
            return ib_err_set(err, IB_EINVAL, "omschrijving bevat stuurtekens");
    char hash[TOKEN_HASH_HEX];
    new_secret(token);
    int rc = secret_hash(token, hash, err);
    if (rc)
        return rc;
    memset(out, 0, sizeof *out);
    out->user_id = user_id;
    out->created_at = now;
    memcpy(out->label, label, n);
    token_arg a = {hash, out, 0};
    rc = ib_store_in_tx(st, token_create_tx, &a, err);
    if (rc)
        sodium_memzero(token, IB_TOKEN_STRLEN);
    return rc;
}

int ib_api_token_find(ib_store *st, const char *token, ib_api_token *out,
                      ib_err *err)
{
    ib_err_clear(err);
    char hash[TOKEN_HASH_HEX];
    int rc = secret_hash(token, hash, err);
    if (rc)
        return rc;
    return st->ops->token_get(st, hash, out, err);
}

int ib_api_token_each(ib_store *st, int64_t user_id, ib_api_token_cb cb,
                      void *ctx, ib_err *err)
{
    ib_err_clear(err);
    return st->ops->token_each(st, user_id, cb, ctx, err);
}

static int token_revoke_tx(ib_store *st, void *argp, ib_err *err)
{
    token_arg *a = argp;
    int64_t n = 0;
    int rc = st->ops->token_revoke(st, a->t->user_id, a->id, (int64_t)time(NULL), &n,
                                   err);
    if (rc == IB_OK && n == 0)
        rc = ib_err_set(err, IB_ENOTFOUND, "API-token %lld bestaat niet of is al "
                        "ingetrokken", (long long)a->id);
    if (rc == IB_OK) {
        char detail[96];
        snprintf(detail, sizeof detail, "API-token %lld ingetrokken", (long long)a->id);
        rc = audit_user(st, "token-revoke", a->t->user_id, detail, err);
    }
    return rc;
}

int ib_api_token_revoke(ib_store *st, int64_t user_id, int64_t id, ib_err *err)
{
    ib_err_clear(err);
    if (id <= 0)
        return ib_err_set(err, IB_ENOTFOUND, "API-token bestaat niet");
    ib_api_token t = {.user_id = user_id};
    token_arg a = {NULL, &t, id};
    return ib_store_in_tx(st, token_revoke_tx, &a, err);
}
