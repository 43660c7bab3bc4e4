/* password.c — whether a new password may be used: IB_PASSWORD_MIN to
 * IB_PASSWORD_MAX bytes, and not weak by libpwquality's checks (all spaces
 * or one repeated character, the user name in it, a word of the cracklib
 * dictionary — English and, with Debian's wdutch, Dutch — or too simple or
 * systematic), told in Dutch. */
#include "store/store_internal.h"

#include <pthread.h>
#include <pwquality.h>
#include <string.h>

/* cracklib's dictionary look-up keeps state of its own between calls: one
 * check at a time. */
static pthread_mutex_t check_lock = PTHREAD_MUTEX_INITIALIZER;

typedef struct cracklib_reason {
    const char *english;        /* FascistCheck's message */
    const char *dutch;
} cracklib_reason;

static const cracklib_reason reasons[] = {
    {"it is based on a dictionary word", "het is (een vorm van) een woord uit het woordenboek"},
    {"it is based on a (reversed) dictionary word",
     "het is (een vorm van) een achterstevoren geschreven woord uit het woordenboek"},
    {"it is too simplistic/systematic", "het is te eenvoudig of te systematisch (zoals 123456 of abcdef)"},
    {"it does not contain enough DIFFERENT characters", "het heeft te weinig verschillende tekens"},
    {"it is all whitespace", "het bestaat alleen uit spaties"},
    {"it is based on your username", "het is gemaakt van de gebruikersnaam"},
    {"it is based upon your password entry", "het is gemaakt van de gebruikersnaam"},
};

static const char *dictionary_reason(const char *english)
{
    for (size_t i = 0; i < sizeof reasons / sizeof *reasons; i++)
        if (english && strcmp(english, reasons[i].english) == 0)
            return reasons[i].dutch;
    return NULL;
}

/* The Dutch message for libpwquality's verdict `code` (< 0). */
static int refuse(int code, void *aux, ib_err *err)
{
    /* pwquality_strerror also frees what aux owns for some codes; for the
     * dictionary's, aux is cracklib's constant text and stays. */
    char text[PWQ_MAX_ERROR_MESSAGE_LEN];
    pwquality_strerror(text, sizeof text, code, aux);
    static const char advice[] = "; kies een langer wachtwoord, bijvoorbeeld "
                                 "een zin van vier losse woorden of willekeurige tekens";
    switch (code) {
    case PWQ_ERROR_MEM_ALLOC:
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen voor de wachtwoordcontrole");
    case PWQ_ERROR_PALINDROME:
        return ib_err_set(err, IB_EINVAL, "wachtwoord te zwak: het leest achterstevoren "
                          "hetzelfde (zoals alleen spaties of één herhaald teken)%s", advice);
    case PWQ_ERROR_USER_CHECK:
        return ib_err_set(err, IB_EINVAL, "wachtwoord te zwak: het bevat de "
                          "gebruikersnaam%s", advice);
    case PWQ_ERROR_CRACKLIB_CHECK: {
        const char *why = dictionary_reason(aux);
        if (aux && strcmp(aux, "error loading dictionary") == 0)
            return ib_err_set(err, IB_EIO, "wachtwoordcontrole: het woordenboek is niet "
                              "te laden (installeer cracklib-runtime)");
        if (why)
            return ib_err_set(err, IB_EINVAL, "wachtwoord te zwak: %s%s", why, advice);
        return ib_err_set(err, IB_EINVAL, "wachtwoord te zwak (woordenboektest: %s)%s",
                          aux ? (const char *)aux : "?", advice);
    }
    default:
        return ib_err_set(err, IB_EINVAL, "wachtwoord te zwak (%s)%s", text, advice);
    }
}

/* libpwquality's defaults, not /etc/security/pwquality.conf (the rules
 * must not depend on the machine), with our minimum length. */
static int quality_check(const char *pw, const char *user, ib_err *err)
{
    pwquality_settings_t *s = pwquality_default_settings();
    if (!s || pwquality_set_int_value(s, PWQ_SETTING_MIN_LENGTH, IB_PASSWORD_MIN) != 0) {
        pwquality_free_settings(s);
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen voor de wachtwoordcontrole");
    }
    void *aux = NULL;
    pthread_mutex_lock(&check_lock);
    int score = pwquality_check(s, pw, NULL, user, &aux);
    pthread_mutex_unlock(&check_lock);
    pwquality_free_settings(s);
    return score < 0 ? refuse(score, aux, err) : IB_OK;
}

int ib_password_check(const char *pw, const char *user, ib_err *err)
{
    size_t n = pw ? strnlen(pw, IB_PASSWORD_MAX + 1) : 0;
    if (n < IB_PASSWORD_MIN)
        return ib_err_set(err, IB_EINVAL, "wachtwoord te kort: minstens %d tekens",
                          IB_PASSWORD_MIN);
    if (n > IB_PASSWORD_MAX)
        return ib_err_set(err, IB_EINVAL, "wachtwoord te lang: hoogstens %d tekens",
                          IB_PASSWORD_MAX);
    return quality_check(pw, user, err);
}
