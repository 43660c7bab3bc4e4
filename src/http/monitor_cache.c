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
 * answered without computing again until the data changes. */
#include "http/http_internal.h"
#include "monitor/monitor.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Answers kept per entry: at most DOCS_MAX, DOCS_BYTES in all; the least
 * recently used goes first. */
#define DOCS_MAX 32
#define DOCS_BYTES ((size_t)64 << 20)

typedef struct mcache_doc {
    char *key, *body;
    size_t len;
    uint64_t used;                 /* entry's clock at the last use */
} mcache_doc;

struct ib_mcache_entry {
    ib_mdata d;
    unsigned refs;                 /* the cache's own, one per request; lock */
    mcache_doc docs[DOCS_MAX];     /* guarded by the cache's lock */
    size_t ndocs, doc_bytes;
    uint64_t clock;
};

struct ib_monitor_cache {
    pthread_mutex_t lock;
    pthread_cond_t wake_loader;    /* a load is wanted, or stop */
    pthread_cond_t loaded;         /* a load ended */
    pthread_t thread;
    ib_store *st;                  /* the loader's own connection */
    bool use_snapshot;
    ib_mcache_entry *current;      /* NULL until the first load succeeds */
    uint64_t started;              /* loads begun; load n is the n-th */
    uint64_t current_load;         /* the load current came from */
    uint64_t failed_load;          /* the last load that failed; 0 none */
    ib_err failure;                /* and why */
    bool wanted, stop;
};

/* Drops one reference (lock held); true when e must now be freed. */
static bool unref_locked(ib_mcache_entry *e)
{
    return e && --e->refs == 0;
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

static void *loader_main(void *arg)
{
    ib_monitor_cache *c = arg;
    pthread_mutex_lock(&c->lock);
    for (;;) {
        /* The first load starts at once: the warm-up. */
        while (!c->stop && !c->wanted && c->started > 0)
            pthread_cond_wait(&c->wake_loader, &c->lock);
        if (c->stop)
            break;
        c->wanted = false;
        uint64_t n = ++c->started;
        pthread_mutex_unlock(&c->lock);
        ib_err err;
        ib_err_clear(&err);
        ib_mcache_entry *e = load_entry(c, &err), *old = NULL;
        pthread_mutex_lock(&c->lock);
        if (e) {
            old = c->current;
            c->current = e;
            c->current_load = n;
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
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

int ib_monitor_cache_start(ib_monitor_cache **out, const char *db_path,
                           const char *key_path, bool use_snapshot, ib_err *err)
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
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->wake_loader, NULL);
    pthread_cond_init(&c->loaded, NULL);
    if (pthread_create(&c->thread, NULL, loader_main, c) != 0) {
        pthread_cond_destroy(&c->loaded);
        pthread_cond_destroy(&c->wake_loader);
        pthread_mutex_destroy(&c->lock);
        ib_store_close(c->st);
        free(c);
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
     * sees at least that version (0: none asked for yet). A database
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
        if (!need) {
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
    pthread_mutex_lock(&c->lock);
    c->stop = true;
    pthread_cond_signal(&c->wake_loader);
    pthread_cond_broadcast(&c->loaded);
    pthread_mutex_unlock(&c->lock);
    pthread_join(c->thread, NULL);         /* after a load in progress */
    if (unref_locked(c->current))
        entry_free(c->current);
    pthread_cond_destroy(&c->loaded);
    pthread_cond_destroy(&c->wake_loader);
    pthread_mutex_destroy(&c->lock);
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

bool ib_mcache_doc_find(ib_monitor_cache *c, ib_mcache_entry *e, const char *key,
                        char **body, size_t *len)
{
    *body = NULL;
    *len = 0;
    pthread_mutex_lock(&c->lock);
    mcache_doc *doc = doc_of(e, key);
    if (doc && (*body = malloc(doc->len ? doc->len : 1)) != NULL) {
        memcpy(*body, doc->body, doc->len);
        *len = doc->len;
        doc->used = ++e->clock;
    }
    pthread_mutex_unlock(&c->lock);
    return *body != NULL;
}

/* Removes the least recently used answer (lock held, ndocs > 0). */
static void evict_one(ib_mcache_entry *e)
{
    size_t old = 0;
    for (size_t i = 1; i < e->ndocs; i++)
        if (e->docs[i].used < e->docs[old].used)
            old = i;
    e->doc_bytes -= e->docs[old].len;
    free(e->docs[old].key);
    free(e->docs[old].body);
    e->docs[old] = e->docs[--e->ndocs];
}

void ib_mcache_doc_put(ib_monitor_cache *c, ib_mcache_entry *e, const char *key,
                       const char *body, size_t len)
{
    if (len > DOCS_BYTES / 4)
        return;                          /* a rare giant: not worth the room */
    mcache_doc doc = {strdup(key), malloc(len ? len : 1), len, 0};
    if (!doc.key || !doc.body) {
        free(doc.key);
        free(doc.body);
        return;                          /* only a missed chance */
    }
    memcpy(doc.body, body, len);
    pthread_mutex_lock(&c->lock);
    if (doc_of(e, key)) {                /* another request was first */
        pthread_mutex_unlock(&c->lock);
        free(doc.key);
        free(doc.body);
        return;
    }
    while (e->ndocs > 0 && (e->ndocs == DOCS_MAX || e->doc_bytes + len > DOCS_BYTES))
        evict_one(e);
    doc.used = ++e->clock;
    e->docs[e->ndocs++] = doc;
    e->doc_bytes += len;
    pthread_mutex_unlock(&c->lock);
}
