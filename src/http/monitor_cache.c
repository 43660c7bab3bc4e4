/* monitor_cache.c — the server's copy of the monitor's data: the whole
 * registry loaded once (from the snapshot beside the database when it is
 * current) and shared read-only by the requests, keyed by the store's data
 * version, which every request reads afresh. A loader thread of its own,
 * with its own connection, warms it at startup and reloads it when a
 * request finds the version changed; requests that arrive meanwhile wait
 * for that one load instead of each loading. A reload never frees data a
 * request still uses: every entry is reference-counted. Each entry also
 * keeps the last answers computed from it (a figure is a function of the
 * data and the resolved query), so the dashboard's same few questions are
 * answered without computing again until the data changes; a request
 * that finds an answer being computed waits for it instead of computing
 * it too. The loader checks the data version every second, so an import
 * from anywhere is loaded without waiting for a request, and a preparer
 * thread then computes the dashboard's first answers (ib_monitor_first_*)
 * on each new load, so the first visit after a change finds them kept.
 * The loader's own reloads are spaced so that they take at most a fifth
 * of the time (RELOAD_QUIET); a request for current data loads at once.
 * The answers of the entry a load replaces are kept too, for requests
 * that would rather have the answer from before the change than wait
 * while the new data loads (Prefer: allow-stale, ib_mcache_previous). */
#include "http/http_internal.h"
#include "monitor/monitor.h"

#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Answers kept per entry: at most DOCS_MAX, DOCS_BYTES in all; the least
 * recently used goes first. */
#define DOCS_MAX 32
#define DOCS_BYTES ((size_t)64 << 20)
/* How often the loader reads the data version; how often the preparer
 * looks whether the day (the figures' default reference date) changed. */
#define POLL_MS 1000
#define DAY_CHECK_MS 60000
/* The loader reloads by itself after a change for at most a fifth of the
 * time: when a load and the answers prepared after it took T, the next
 * load nobody asked for waits until RELOAD_QUIET × T have passed since
 * that load ended. At national size (a load and five figures, about 20 s
 * of CPU) a stream of small imports then costs a fifth of a core instead
 * of a whole one; a request that needs the current data (no Prefer:
 * allow-stale) still has it loaded at once. */
#define RELOAD_QUIET 4

typedef enum {
    DOC_QUEUED,                    /* for the preparer, unless a request
                                    * claims it first */
    DOC_COMPUTING,                 /* claimed: others wait for it */
    DOC_DONE,                      /* body holds the answer */
} doc_state;

typedef struct mcache_doc {
    char *key, *body;
    size_t len;
    uint64_t used;                 /* entry's clock at the last use */
    doc_state state;
} mcache_doc;

struct ib_mcache_entry {
    ib_mdata d;
    unsigned refs;                 /* the cache's own, one per request; lock */
    mcache_doc docs[DOCS_MAX];     /* guarded by the cache's lock */
    size_t ndocs, doc_bytes;
    uint64_t clock;
    ib_date prepared_at;           /* the day its first answers were queued
                                    * for (0: not yet); lock */
};

/* The answers kept with the entry the last load replaced: a request that
 * accepts answers from before the latest change gets one of these while
 * the new one is being computed (ib_mcache_previous). */
typedef struct previous_answers {
    mcache_doc docs[DOCS_MAX];     /* all DOC_DONE */
    size_t ndocs;
} previous_answers;

struct ib_monitor_cache {
    pthread_mutex_t lock;
    pthread_cond_t wake_loader;    /* a load is wanted, or stop */
    pthread_cond_t loaded;         /* a load ended */
    pthread_cond_t wake_preparer;  /* answers were queued, or stop */
    pthread_cond_t doc_done;       /* an answer being computed was kept or
                                    * dropped */
    pthread_t thread, preparer;
    bool has_preparer;
    ib_store *st;                  /* the loader's own connection */
    bool use_snapshot;
    FILE *log;                     /* the server's log (NULL: none) */
    pthread_mutex_t *log_lock;
    ib_mcache_entry *current;      /* NULL until the first load succeeds */
    uint64_t started;              /* loads begun; load n is the n-th */
    uint64_t current_load;         /* the load current came from */
    uint64_t failed_load;          /* the last load that failed; 0 none */
    ib_err failure;                /* and why */
    char failed_version[IB_DATA_VERSION_LEN]; /* of a load the loader began
                                               * itself and that failed:
                                               * not tried again unasked */
    char loading_version[IB_DATA_VERSION_LEN]; /* the data version that made
                                                * the loader begin the load in
                                                * progress ("" none, or a
                                                * request asked); lock */
    previous_answers previous;     /* lock */
    struct timespec loaded_at;     /* when the last load ended; lock */
    double load_s, prepare_s;      /* what the last load and the last
                                    * answers prepared took; lock */
    bool deferral_said;            /* the log says the next load waits */
    unsigned load_delay_ms;        /* tests: each reload takes this long
                                    * more (INBEELD_TEST_MONITOR_LOAD_DELAY_MS) */
    bool wanted, stop;
};

/* Drops one reference (lock held); true when e must now be freed. */
static bool unref_locked(ib_mcache_entry *e)
{
    return e && --e->refs == 0;
}

static void previous_clear(previous_answers *p)
{
    for (size_t i = 0; i < p->ndocs; i++) {
        free(p->docs[i].key);
        free(p->docs[i].body);
    }
    p->ndocs = 0;
}

static const mcache_doc *doc_in(const mcache_doc *docs, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(docs[i].key, key) == 0)
            return &docs[i];
    return NULL;
}

/* The previous answers from now on, until the next load (lock held):
 * copies of those e has, then those kept before that e has not (yet)
 * got, as when loads follow each other faster than the preparer, up to
 * DOCS_MAX and DOCS_BYTES. What does not fit in memory is left out. */
static void previous_keep(previous_answers *p, const ib_mcache_entry *e)
{
    previous_answers next = {.ndocs = 0};
    size_t bytes = 0;
    for (size_t i = 0; i < e->ndocs; i++) {
        const mcache_doc *doc = &e->docs[i];
        if (doc->state != DOC_DONE)
            continue;
        char *key = strdup(doc->key), *body = malloc(doc->len ? doc->len : 1);
        if (!key || !body) {
            free(key);
            free(body);
            continue;
        }
        memcpy(body, doc->body, doc->len);
        next.docs[next.ndocs++] = (mcache_doc){key, body, doc->len, 0, DOC_DONE};
        bytes += doc->len;
    }
    for (size_t i = 0; i < p->ndocs; i++) {
        mcache_doc *older = &p->docs[i];
        if (next.ndocs < DOCS_MAX && bytes + older->len <= DOCS_BYTES &&
            !doc_in(next.docs, next.ndocs, older->key)) {
            next.docs[next.ndocs++] = *older;      /* moved, not copied */
            bytes += older->len;
            *older = (mcache_doc){0};
        }
    }
    previous_clear(p);
    *p = next;
}

static void entry_free(ib_mcache_entry *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->ndocs; i++) {
        free(e->docs[i].key);
        free(e->docs[i].body);
    }
    ib_mdata_free(&e->d);
    free(e);
}

/* One load of the registry into a new entry; NULL with *err on failure. */
static ib_mcache_entry *load_entry(ib_monitor_cache *c, ib_err *err)
{
    ib_mcache_entry *e = calloc(1, sizeof *e);
    if (!e) {
        ib_err_set(err, IB_ENOMEM, "geheugen vol bij het laden van de monitorgegevens");
        return NULL;
    }
    /* Kept for long: a copy of our own, never a mapping of the file. */
    ib_msnap_mode mode = c->use_snapshot ? IB_MSNAP_COPY : IB_MSNAP_OFF;
    if (ib_mdata_load_snapshot(c->st, mode, &e->d, NULL, err) != IB_OK) {
        free(e);
        return NULL;
    }
    e->refs = 1;
    return e;
}

/* Waits on cond (lock held, cond on the monotonic clock) for at most ms. */
static void wait_ms(pthread_cond_t *cond, pthread_mutex_t *lock, long ms)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(cond, lock, &until);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A line in the server's log, beside its other messages. */
__attribute__((format(printf, 2, 3))) static void say(ib_monitor_cache *c,
                                                      const char *fmt, ...)
{
    if (!c->log)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(c->log_lock);
    fprintf(c->log, "inbeeld serve: monitor: %s\n", line);
    fflush(c->log);
    pthread_mutex_unlock(c->log_lock);
}

/* One load into a new current entry (lock held; released meanwhile);
 * wakes the requests waiting for it and the preparer. polled: the data
 * version that made the loader itself load (NULL: a request asked). */
static void load_once(ib_monitor_cache *c, const char *polled)
{
    c->wanted = false;
    uint64_t n = ++c->started;
    ib_strlcpy(c->loading_version, polled ? polled : "", sizeof c->loading_version);
    pthread_mutex_unlock(&c->lock);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ib_err err;
    ib_err_clear(&err);
    if (c->load_delay_ms && n > 1) {
        struct timespec pause = {c->load_delay_ms / 1000,
                                 (long)(c->load_delay_ms % 1000) * 1000000L};
        nanosleep(&pause, NULL);
    }
    ib_mcache_entry *e = load_entry(c, &err), *old = NULL;
    double took = seconds_since(&t0);
    if (e)
        say(c, "gegevens geladen (versie %.8s, %.1f s)", e->d.data_version, took);
    else if (polled)
        ib_strlcpy(c->failed_version, polled, sizeof c->failed_version);
    pthread_mutex_lock(&c->lock);
    c->loading_version[0] = '\0';
    clock_gettime(CLOCK_MONOTONIC, &c->loaded_at);
    c->load_s = took;
    c->deferral_said = false;
    if (e) {
        old = c->current;
        if (old)
            previous_keep(&c->previous, old);
        c->current = e;
        c->current_load = n;
        pthread_cond_signal(&c->wake_preparer);
    } else {
        c->failed_load = n;
        c->failure = err;
    }
    pthread_cond_broadcast(&c->loaded);
    if (unref_locked(old)) {
        pthread_mutex_unlock(&c->lock);
        entry_free(old);                /* 100s of MB: not under the lock */
        pthread_mutex_lock(&c->lock);
    }
}

/* Whether the store's data version (read with the loader's connection)
 * differs from have, and is not one whose load the loader already began
 * and failed (a request may still ask for that). A read error: no. */
static bool is_stale(ib_monitor_cache *c, const char *have,
                     char version[IB_DATA_VERSION_LEN])
{
    ib_err err;
    if (ib_store_data_version(c->st, version, &err) != IB_OK || !version[0])
        return false;
    return strcmp(version, have) != 0 && strcmp(version, c->failed_version) != 0;
}

/* Whether the loader may reload by itself now (lock held): RELOAD_QUIET
 * times what the last load and its answers took has passed since it
 * ended. Says so in the log, once, when the change must wait. */
static bool quiet_enough(ib_monitor_cache *c, const char *version)
{
    double wait = RELOAD_QUIET * (c->load_s + c->prepare_s) - seconds_since(&c->loaded_at);
    if (wait <= 0)
        return true;
    if (!c->deferral_said) {
        c->deferral_said = true;
        say(c, "gegevens gewijzigd (versie %.8s): opnieuw laden over %.0f s, eerder "
               "als een verzoek de nieuwe gegevens vraagt", version, wait + 0.5);
    }
    return false;
}

static void *loader_main(void *arg)
{
    ib_monitor_cache *c = arg;
    pthread_mutex_lock(&c->lock);
    if (!c->stop)
        load_once(c, NULL);                 /* the warm-up */
    while (!c->stop) {
        if (!c->wanted)
            wait_ms(&c->wake_loader, &c->lock, POLL_MS);
        if (c->stop)
            break;
        if (c->wanted) {
            load_once(c, NULL);
            continue;
        }
        /* Only this thread replaces current: it stays while unlocked. */
        if (!c->current)
            continue;                       /* the next request retries */
        const char *have = c->current->d.data_version;
        char version[IB_DATA_VERSION_LEN];
        pthread_mutex_unlock(&c->lock);
        bool stale = is_stale(c, have, version);
        pthread_mutex_lock(&c->lock);
        if (stale && !c->stop && quiet_enough(c, version))
            load_once(c, version);
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

/* ------------------------------------------------------------ preparer */

static mcache_doc *doc_of(ib_mcache_entry *e, const char *key);
static mcache_doc *add_doc(ib_mcache_entry *e, const char *key, doc_state state);

/* Claims a queued answer of e for the preparer; false when a request was
 * first, e is no longer current (a newer load came) or the server stops. */
static bool claim_queued(ib_monitor_cache *c, ib_mcache_entry *e, const char *key)
{
    pthread_mutex_lock(&c->lock);
    mcache_doc *doc = c->stop || e != c->current ? NULL : doc_of(e, key);
    bool mine = doc && doc->state == DOC_QUEUED;
    if (mine)
        doc->state = DOC_COMPUTING;
    pthread_mutex_unlock(&c->lock);
    return mine;
}

/* Queues the dashboard's first answers for the day at on e and computes
 * those no request has claimed meanwhile, survival first. */
static void prepare_first(ib_monitor_cache *c, ib_mcache_entry *e, ib_date at)
{
    char keys[IB_MONITOR_FIRST_N][IB_MONITOR_KEY_MAX];
    for (size_t i = 0; i < IB_MONITOR_FIRST_N; i++)
        if (!ib_monitor_first_key(i, at, keys[i], sizeof keys[i]))
            keys[i][0] = '\0';
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_mutex_lock(&c->lock);
    e->prepared_at = at;
    for (size_t i = 0; i < IB_MONITOR_FIRST_N; i++)
        if (keys[i][0] && !doc_of(e, keys[i]))
            add_doc(e, keys[i], DOC_QUEUED);
    pthread_mutex_unlock(&c->lock);
    size_t done = 0, failed = 0;
    ib_mcellkey ck;
    ib_store_cellkey_secret(c->st, ck.secret);
    for (size_t i = 0; i < IB_MONITOR_FIRST_N; i++) {
        if (!keys[i][0] || !claim_queued(c, e, keys[i]))
            continue;
        char *text = NULL;
        size_t len = 0;
        ib_err err;
        ib_err_clear(&err);
        if (ib_monitor_first_answer(i, at, &e->d, &ck, &text, &len, &err) == IB_OK) {
            ib_mcache_doc_put(c, e, keys[i], text, len);
            done++;
        } else {
            ib_mcache_doc_drop(c, e, keys[i]);  /* e.g. no stays at all */
            failed++;
        }
        free(text);
    }
    sodium_memzero(&ck, sizeof ck);
    double took = seconds_since(&t0);
    say(c, "antwoorden voor het dashboard klaar (versie %.8s: %zu berekend, %zu "
           "mislukt, %.1f s)", e->d.data_version, done, failed, took);
    pthread_mutex_lock(&c->lock);
    c->prepare_s = took;
    pthread_mutex_unlock(&c->lock);
}

/* Computes the first answers of each new load, and again for a new day
 * (the figures' default reference date is today). */
static void *preparer_main(void *arg)
{
    ib_monitor_cache *c = arg;
    pthread_mutex_lock(&c->lock);
    while (!c->stop) {
        ib_date today = ib_date_today();
        ib_mcache_entry *e = c->current;
        if (!e || e->prepared_at == today) {
            wait_ms(&c->wake_preparer, &c->lock, DAY_CHECK_MS);
            continue;
        }
        e->refs++;
        pthread_mutex_unlock(&c->lock);
        prepare_first(c, e, today);
        ib_monitor_cache_put(c, e);
        pthread_mutex_lock(&c->lock);
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

static void init_monotonic_cond(pthread_cond_t *cond)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(cond, &a);
    pthread_condattr_destroy(&a);
}

static void destroy_sync(ib_monitor_cache *c)
{
    pthread_cond_destroy(&c->doc_done);
    pthread_cond_destroy(&c->wake_preparer);
    pthread_cond_destroy(&c->loaded);
    pthread_cond_destroy(&c->wake_loader);
    pthread_mutex_destroy(&c->lock);
}

/* Tells both threads to stop and waits for them (the preparer after the
 * figure it computes). */
static void stop_threads(ib_monitor_cache *c)
{
    pthread_mutex_lock(&c->lock);
    c->stop = true;
    pthread_cond_signal(&c->wake_loader);
    pthread_cond_signal(&c->wake_preparer);
    pthread_cond_broadcast(&c->loaded);
    pthread_cond_broadcast(&c->doc_done);
    pthread_mutex_unlock(&c->lock);
    pthread_join(c->thread, NULL);         /* after a load in progress */
    if (c->has_preparer)
        pthread_join(c->preparer, NULL);
}

int ib_monitor_cache_start(ib_monitor_cache **out, const char *db_path,
                           const char *key_path, bool use_snapshot, FILE *log,
                           pthread_mutex_t *log_lock, ib_err *err)
{
    *out = NULL;
    ib_monitor_cache *c = calloc(1, sizeof *c);
    if (!c)
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    ib_store_options opt = {.key_path = key_path, .create = false};
    int rc = ib_store_open(&c->st, db_path, &opt, err);
    if (rc) {
        free(c);
        return rc;
    }
    c->use_snapshot = use_snapshot;
    /* Lets the tests see the time while a reload runs, which takes seconds
     * at national size and milliseconds on their data. */
    const char *delay = getenv("INBEELD_TEST_MONITOR_LOAD_DELAY_MS");
    c->load_delay_ms = delay ? (unsigned)strtoul(delay, NULL, 10) % 60000 : 0;
    c->log = log_lock ? log : NULL;
    c->log_lock = log_lock;
    pthread_mutex_init(&c->lock, NULL);
    init_monotonic_cond(&c->wake_loader);
    pthread_cond_init(&c->loaded, NULL);
    init_monotonic_cond(&c->wake_preparer);
    pthread_cond_init(&c->doc_done, NULL);
    if (pthread_create(&c->thread, NULL, loader_main, c) != 0) {
        destroy_sync(c);
        ib_store_close(c->st);
        free(c);
        return ib_err_set(err, IB_ENOMEM, "kan de monitorlader niet starten");
    }
    c->has_preparer = pthread_create(&c->preparer, NULL, preparer_main, c) == 0;
    if (!c->has_preparer) {
        ib_monitor_cache_stop(c);
        return ib_err_set(err, IB_ENOMEM, "kan de monitorlader niet starten");
    }
    *out = c;
    return IB_OK;
}

int ib_monitor_cache_get(ib_monitor_cache *c, ib_store *st, ib_mcache_entry **e,
                         const struct ib_mdata **d, ib_err *err)
{
    *e = NULL;
    *d = NULL;
    char version[IB_DATA_VERSION_LEN];
    int rc = ib_store_data_version(st, version, err);
    if (rc)
        return rc;
    pthread_mutex_lock(&c->lock);
    /* need: the first load that begins after the version was read, which
     * sees at least that version, or the loader's load in progress when it
     * began after reading the same version (0: none asked for yet). A database
     * without a version ("") matches nothing: every request loads. */
    uint64_t need = 0;
    for (;;) {
        ib_mcache_entry *cur = c->current;
        if (cur && ((version[0] && strcmp(cur->d.data_version, version) == 0) ||
                    (need && c->current_load >= need))) {
            cur->refs++;
            *e = cur;
            *d = &cur->d;
            break;
        }
        if (need && c->failed_load >= need) {
            ib_err_set(err, c->failure.code ? c->failure.code : IB_ESTORE, "%s",
                       c->failure.msg);
            rc = err ? err->code : IB_ESTORE;
            break;
        }
        if (c->stop) {
            rc = ib_err_set(err, IB_ESTORE, "de server stopt");
            break;
        }
        if (!need && version[0] && strcmp(c->loading_version, version) == 0) {
            /* The loader began a load after it read this very version:
             * that load sees at least it. */
            need = c->started;
        } else if (!need) {
            need = c->started + 1;
            c->wanted = true;
            pthread_cond_signal(&c->wake_loader);
        }
        pthread_cond_wait(&c->loaded, &c->lock);
    }
    pthread_mutex_unlock(&c->lock);
    return rc;
}

void ib_monitor_cache_put(ib_monitor_cache *c, ib_mcache_entry *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&c->lock);
    bool last = unref_locked(e);
    pthread_mutex_unlock(&c->lock);
    if (last)
        entry_free(e);
}

void ib_monitor_cache_stop(ib_monitor_cache *c)
{
    if (!c)
        return;
    stop_threads(c);
    if (unref_locked(c->current))
        entry_free(c->current);
    previous_clear(&c->previous);
    destroy_sync(c);
    ib_store_close(c->st);
    free(c);
}

/* ------------------------------------------------------------ answers */

static mcache_doc *doc_of(ib_mcache_entry *e, const char *key)
{
    for (size_t i = 0; i < e->ndocs; i++)
        if (strcmp(e->docs[i].key, key) == 0)
            return &e->docs[i];
    return NULL;
}

/* Removes doc from e (lock held); the last one takes its place. */
static void remove_doc(ib_mcache_entry *e, mcache_doc *doc)
{
    e->doc_bytes -= doc->len;
    free(doc->key);
    free(doc->body);
    *doc = e->docs[--e->ndocs];
}

/* Removes the least recently used kept answer (lock held); false when
 * none is kept (the others are being computed). */
static bool evict_one(ib_mcache_entry *e)
{
    mcache_doc *old = NULL;
    for (size_t i = 0; i < e->ndocs; i++)
        if (e->docs[i].state == DOC_DONE && (!old || e->docs[i].used < old->used))
            old = &e->docs[i];
    if (old)
        remove_doc(e, old);
    return old != NULL;
}

/* A new answer without a body in the given state (lock held); NULL when
 * there is no room or memory. Pointers into docs move: look up again. */
static mcache_doc *add_doc(ib_mcache_entry *e, const char *key, doc_state state)
{
    if (e->ndocs == DOCS_MAX && !evict_one(e))
        return NULL;
    char *k = strdup(key);
    if (!k)
        return NULL;
    mcache_doc *doc = &e->docs[e->ndocs++];
    *doc = (mcache_doc){k, NULL, 0, ++e->clock, state};
    return doc;
}

/* A copy of doc's body in *body (lock held); false without memory. */
static bool copy_body(const mcache_doc *doc, char **body, size_t *len)
{
    *body = malloc(doc->len ? doc->len : 1);
    if (!*body)
        return false;
    memcpy(*body, doc->body, doc->len);
    *len = doc->len;
    return true;
}

ib_mcache_found ib_mcache_doc_find(ib_monitor_cache *c, ib_mcache_entry *e,
                                   const char *key, char **body, size_t *len)
{
    *body = NULL;
    *len = 0;
    bool waited = false;
    ib_mcache_found r;
    pthread_mutex_lock(&c->lock);
    for (;;) {
        mcache_doc *doc = doc_of(e, key);
        if (doc && doc->state == DOC_COMPUTING && !c->stop) {
            waited = true;
            pthread_cond_wait(&c->doc_done, &c->lock);
            continue;
        }
        if (doc && doc->state == DOC_DONE) {
            if (copy_body(doc, body, len))
                doc->used = ++e->clock;
            r = !*body ? IB_MCACHE_ALONE : waited ? IB_MCACHE_WAITED : IB_MCACHE_KEPT;
        } else if (waited || (doc && doc->state == DOC_COMPUTING)) {
            r = IB_MCACHE_ALONE;     /* its computation failed, or not kept */
        } else if (doc) {
            doc->state = DOC_COMPUTING;  /* queued for the preparer: ours */
            r = IB_MCACHE_CLAIMED;
        } else {
            r = add_doc(e, key, DOC_COMPUTING) ? IB_MCACHE_CLAIMED : IB_MCACHE_ALONE;
        }
        break;
    }
    pthread_mutex_unlock(&c->lock);
    return r;
}

void ib_mcache_doc_drop(ib_monitor_cache *c, ib_mcache_entry *e, const char *key)
{
    pthread_mutex_lock(&c->lock);
    mcache_doc *doc = doc_of(e, key);
    if (doc && doc->state != DOC_DONE)
        remove_doc(e, doc);
    pthread_cond_broadcast(&c->doc_done);
    pthread_mutex_unlock(&c->lock);
}

void ib_mcache_doc_put(ib_monitor_cache *c, ib_mcache_entry *e, const char *key,
                       const char *body, size_t len)
{
    char *copy = len <= DOCS_BYTES / 4 ? malloc(len ? len : 1) : NULL;
    if (!copy) {                         /* a rare giant, or no memory: */
        ib_mcache_doc_drop(c, e, key);   /* only a missed chance */
        return;
    }
    memcpy(copy, body, len);
    pthread_mutex_lock(&c->lock);
    mcache_doc *doc = doc_of(e, key);
    if (doc && doc->state == DOC_DONE) { /* another was first */
        pthread_mutex_unlock(&c->lock);
        free(copy);
        return;
    }
    /* Room first (never evicting this claim: it is not kept yet); after
     * evicting every kept answer a quarter of DOCS_BYTES always fits. */
    while (e->doc_bytes + len > DOCS_BYTES && evict_one(e))
        ;
    doc = doc_of(e, key);
    if (!doc)
        doc = add_doc(e, key, DOC_COMPUTING);
    if (doc) {
        doc->body = copy;
        doc->len = len;
        doc->state = DOC_DONE;
        doc->used = ++e->clock;
        e->doc_bytes += len;
        copy = NULL;
    }
    pthread_cond_broadcast(&c->doc_done);
    pthread_mutex_unlock(&c->lock);
    free(copy);
}

bool ib_mcache_previous(ib_monitor_cache *c, const char *version, const char *key,
                        char **body, size_t *len)
{
    *body = NULL;
    *len = 0;
    bool found = false;
    pthread_mutex_lock(&c->lock);
    ib_mcache_entry *cur = c->current;
    if (cur) {
        const mcache_doc *doc = doc_of(cur, key);
        if (strcmp(cur->d.data_version, version) != 0) {
            /* A load is due or under way: the loaded copy's own answer is
             * the newest there is, else the one before it. */
            if (!doc || doc->state != DOC_DONE)
                doc = doc_in(c->previous.docs, c->previous.ndocs, key);
            found = doc && copy_body(doc, body, len);
        } else if (doc && doc->state != DOC_DONE) {
            /* Current data, its answer queued or being computed. */
            doc = doc_in(c->previous.docs, c->previous.ndocs, key);
            found = doc && copy_body(doc, body, len);
        }
    }
    pthread_mutex_unlock(&c->lock);
    return found;
}
