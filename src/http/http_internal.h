/* http_internal.h — private to the http module: the request and response
 * that handlers see, the route table, authentication and the helpers for
 * problem+json answers and JSON bodies. */
#ifndef IB_HTTP_INTERNAL_H
#define IB_HTTP_INTERNAL_H

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>

#include "http/http.h"
#include "ingest/ingest.h"

#define IB_HTTP_JSON_BODY_MAX (64 * 1024)   /* bodies other than imports */
#define IB_HTTP_PAGE_SIZE_MAX 100
#define IB_HTTP_SESSION_COOKIE "ib_session"
#define IB_HTTP_RATE_SLOTS 256

/* Login attempts of one client address (rate_limit.c): the theoretical
 * time, in µs of the monotonic clock, at which its allowance is whole again
 * plus one interval. */
typedef struct ib_rate_slot {
    char addr[48];
    int64_t tat_us;
} ib_rate_slot;

typedef struct ib_rate_limiter {
    ib_rate_slot slots[IB_HTTP_RATE_SLOTS];
    unsigned per_minute;
    pthread_mutex_t lock;
} ib_rate_limiter;

void ib_rate_init(ib_rate_limiter *rl, unsigned per_minute);
void ib_rate_destroy(ib_rate_limiter *rl);
/* Whether another attempt from `addr` is allowed at now_us (monotonic);
 * counts it when so. When refused, *retry_after says in how many whole
 * seconds the next attempt will be allowed. */
bool ib_rate_take(ib_rate_limiter *rl, const char *addr, int64_t now_us,
                  unsigned *retry_after);

/* ------------------------------------------------------------ audit writer
 * (audit_queue.c) and checkpoints (checkpointer.c) */

/* A request's entries in the audit queue: how many are not yet committed,
 * whether one failed, and what to call once none is pending (see
 * ib_audit_queue_then). Guarded by the queue. */
typedef struct ib_audit_ticket {
    unsigned pending;
    bool failed;
    void (*then)(void *arg);
    void *then_arg;
} ib_audit_ticket;

typedef struct ib_audit_queue ib_audit_queue;
/* Starts the writer thread on st (used by that thread only from now on). */
int ib_audit_queue_start(ib_audit_queue **out, ib_store *st, ib_err *err);
/* Queues e (actor filled) for the next group commit, counted on t. */
int ib_audit_queue_add(ib_audit_queue *q, const ib_audit_entry *e, ib_audit_ticket *t,
                       ib_err *err);
/* Waits until every entry counted on t is committed; IB_ESTORE when one
 * could not be (the request must not be answered as if audited). */
int ib_audit_queue_wait(ib_audit_queue *q, ib_audit_ticket *t, ib_err *err);
/* Instead of waiting: has the writer thread call fn(arg) once every entry
 * counted on t is settled, and returns true; false when none is pending
 * (the caller goes on itself). Either way, ib_audit_ticket_result then
 * says whether they were committed. */
bool ib_audit_queue_then(ib_audit_queue *q, ib_audit_ticket *t, void (*fn)(void *arg),
                         void *arg);
/* IB_OK when every entry counted on a settled ticket was committed, else
 * IB_ESTORE with the message for the answer. */
int ib_audit_ticket_result(const ib_audit_ticket *t, ib_err *err);
/* Writes what is queued, then ends the thread and frees q (not the store). */
void ib_audit_queue_stop(ib_audit_queue *q);

/* ------------------------------------------------------------ request workers
 * (work_queue.c): items served oldest first by a fixed set of threads. */

/* Embedded in the caller's item; the queue links items through it. */
typedef struct ib_work {
    struct ib_work *next;
} ib_work;

typedef void (*ib_work_fn)(ib_work *w, void *ctx);
typedef struct ib_work_queue ib_work_queue;
/* Starts `workers` threads that call fn(item, ctx) for each item pushed. */
int ib_work_queue_start(ib_work_queue **out, unsigned workers, ib_work_fn fn,
                        void *ctx, ib_err *err);
/* Queues w for the next free worker; false once the queue is stopping
 * (the caller serves w itself). */
bool ib_work_queue_push(ib_work_queue *q, ib_work *w);
/* Lets the workers serve every item already queued, then ends them; from
 * then on every push is refused. Called by one thread; again, it does
 * nothing. */
void ib_work_queue_stop(ib_work_queue *q);
/* Stops q as above, then frees it. NULL is ignored. */
void ib_work_queue_free(ib_work_queue *q);

typedef struct ib_checkpointer ib_checkpointer;
/* Starts checkpointing st's write-ahead log from a thread of its own. */
int ib_checkpointer_start(ib_checkpointer **out, ib_store *st, ib_err *err);
/* Ends the thread and frees c (not the store). */
void ib_checkpointer_stop(ib_checkpointer *c);

/* ------------------------------------------------------------ signals
 * (signal_evaluator.c): the inbox kept in step with the registry. */

typedef struct ib_signal_evaluator ib_signal_evaluator;
struct ib_inbox_report;
/* Starts the thread that evaluates the rules on st (its own connection,
 * used by that thread only) at once, after every change of the data
 * version or the settings, and nightly; log as the monitor cache's. */
int ib_signal_evaluator_start(ib_signal_evaluator **out, ib_store *st, FILE *log,
                              pthread_mutex_t *log_lock, ib_err *err);
/* Look now (after a delivery or a change of settings); NULL: nothing. */
void ib_signal_evaluator_poke(ib_signal_evaluator *e);
/* An evaluation on demand with the caller's store, after the thread's
 * own when one runs (e NULL: at once). */
int ib_signal_evaluator_run(ib_signal_evaluator *e, ib_store *st, ib_date at,
                            const char *actor, struct ib_inbox_report *rep, ib_err *err);
/* Ends the thread (after an evaluation under way) and frees e. */
void ib_signal_evaluator_stop(ib_signal_evaluator *e);

/* ------------------------------------------------------------ uploads
 * (uploads.c): the progress of running imports, by the client's name for
 * its upload, for GET /api/v1/imports/progress/{id}. */

#define IB_UPLOAD_ID_MAX 64

typedef struct ib_upload_state {
    char id[IB_UPLOAD_ID_MAX + 1];
    int64_t user_id;            /* who started it: the only one who sees it */
    ib_kind kind;
    ib_import_phase phase;
    uint64_t position, size;    /* CSV: bytes, JSON: elements; size 0 unknown */
    int64_t rows, stored, rejected;
    bool finished;
    unsigned status;            /* finished: the import's HTTP status */
} ib_upload_state;

typedef struct ib_uploads ib_uploads;
int ib_uploads_new(ib_uploads **out, ib_err *err);
void ib_uploads_free(ib_uploads *u);
/* 1 to IB_UPLOAD_ID_MAX letters, digits, '-' or '_'. */
bool ib_upload_id_is_valid(const char *id);
/* Starts keeping the progress of upload id of user_id in *slot.
 * IB_ECONFLICT when id is taken (running, or another user's kept one),
 * IB_ELIMIT when every slot holds a running or recent import. */
int ib_uploads_begin(ib_uploads *u, const char *id, int64_t user_id, ib_kind kind,
                     int *slot, ib_err *err);
void ib_uploads_update(ib_uploads *u, int slot, const ib_import_progress *p);
/* Marks it finished with the answer's status; kept a minute, then gone. */
void ib_uploads_end(ib_uploads *u, int slot, unsigned status);
/* A copy of the state of id when user_id started it; false otherwise. */
bool ib_uploads_get(ib_uploads *u, const char *id, int64_t user_id,
                    ib_upload_state *out);

/* Store connections handed out one request at a time (server.c). */
typedef struct ib_store_pool {
    ib_store **stores;
    bool *in_use;
    unsigned n;
    pthread_mutex_t lock;
    pthread_cond_t released;
} ib_store_pool;

/* ------------------------------------------------------------ request deadline
 * (conn_guard.c): a connection that has not delivered a complete request
 * within the timeout since it opened or since its previous answer is shut
 * down, however often it sends a byte. */

typedef struct ib_conn_guard ib_conn_guard;
typedef struct ib_conn_watch ib_conn_watch;
/* A guard with deadline timeout_s (> 0); its watcher runs from
 * ib_conn_guard_start on, sweeping four times a second. */
int ib_conn_guard_new(ib_conn_guard **out, unsigned timeout_s, ib_err *err);
int ib_conn_guard_start(ib_conn_guard *g, ib_err *err);
/* Ends the watcher (when started) and frees g and the watches left. */
void ib_conn_guard_stop(ib_conn_guard *g);
/* Watches socket fd, waiting for its request from now; NULL when out of
 * memory (the connection goes unguarded). */
ib_conn_watch *ib_conn_guard_add(ib_conn_guard *g, int fd);
/* Forgets w (NULL: nothing) before its socket is closed; frees it. */
void ib_conn_guard_remove(ib_conn_guard *g, ib_conn_watch *w);
/* The request is in: no deadline until it is answered. */
void ib_conn_watch_request_in(ib_conn_watch *w);
/* The answer is sent: the next request's deadline starts now. */
void ib_conn_watch_answered(ib_conn_watch *w);
/* Shuts down (shutdown(2), read and write) every watched socket past its
 * deadline at now_ms (ib_conn_guard_now_ms's clock); returns how many. */
unsigned ib_conn_guard_sweep(ib_conn_guard *g, int64_t now_ms);
/* Connections shut down so far. */
unsigned ib_conn_guard_dropped(ib_conn_guard *g);
/* The monotonic clock in ms (never 0). */
int64_t ib_conn_guard_now_ms(void);
/* Whether a connection waiting since waiting_since_ms (0: a request is in)
 * is past its deadline of timeout_s at now_ms. */
bool ib_conn_deadline_passed(int64_t waiting_since_ms, int64_t now_ms,
                             unsigned timeout_s);
/* MHD_OPTION_NOTIFY_CONNECTION callback (cls: the guard): watches each
 * connection from its start to its close. */
void ib_conn_guard_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code);
/* The same as ib_conn_watch_request_in / _answered for c's watch. */
void ib_conn_guard_request_in(struct MHD_Connection *c);
void ib_conn_guard_answered(struct MHD_Connection *c);

struct ib_http_server {
    ib_http_config cfg;
    char db_path[4096];
    char key_path[4096];
    char static_root[4096];     /* realpath of cfg.static_dir, "" none */
    struct MHD_Daemon *daemon;
    uint16_t port;
    /* The health listener (cfg.health_port set): GET /healthz only, in its
     * own thread with its own store connection (server.c). */
    struct MHD_Daemon *health;
    uint16_t health_port;
    ib_store *health_store;
    ib_conn_guard *guard;       /* request deadlines of both listeners */
    /* Store connections, one per worker, checked out per request: the
     * request workers' read the database through a map, the import
     * worker's without (server.c). */
    ib_store_pool reading, importing;
    ib_rate_limiter login_rate;
    struct ib_monitor_cache *monitor;  /* monitor data shared by requests */
    pthread_mutex_t log_lock;
    atomic_uint in_flight;      /* requests begun and not yet answered */
    atomic_uint apart;          /* requests handed to a worker, their
                                   connections suspended (server.c) */
    ib_work_queue *requests;    /* requests waiting for a worker (server.c) */
    ib_work_queue *imports;     /* imports waiting for an import worker */
    /* The audit writer and the checkpointer, each with its own connection. */
    ib_store *audit_store;
    ib_audit_queue *audit;
    ib_store *checkpoint_store;
    ib_checkpointer *checkpointer;
    /* The inbox's evaluations, with a connection of their own. */
    ib_store *signals_store;
    ib_signal_evaluator *signals;
    ib_uploads *uploads;        /* progress of running imports */
};

/* Who is asking. */
typedef enum { IB_AUTH_NONE, IB_AUTH_SESSION, IB_AUTH_TOKEN } ib_auth_kind;

/* ------------------------------------------------------------ monitor cache
 * (monitor_cache.c): the whole registry's monitor data, shared read-only
 * between requests, current with the store's data version. */

typedef struct ib_monitor_cache ib_monitor_cache;
typedef struct ib_mcache_entry ib_mcache_entry;
struct ib_mdata;
struct ib_mcellkey;
/* Opens a connection of its own and starts loading at once (from the
 * snapshot when use_snapshot and current); from then on the loader checks
 * the data version every second and reloads after a change, and a second
 * thread computes the dashboard's first answers for each load (see
 * ib_monitor_first_*). log (NULL: none), guarded by log_lock, gets a line
 * for each load and each round of prepared answers. */
int ib_monitor_cache_start(ib_monitor_cache **out, const char *db_path,
                           const char *key_path, bool use_snapshot, FILE *log,
                           pthread_mutex_t *log_lock, ib_err *err);
/* The data of the current data version, read with st: the loaded copy,
 * or, after a change, the next load's (waited for). *d stays valid until
 * ib_monitor_cache_put(c, *e). */
int ib_monitor_cache_get(ib_monitor_cache *c, ib_store *st, ib_mcache_entry **e,
                         const struct ib_mdata **d, ib_err *err);
void ib_monitor_cache_put(ib_monitor_cache *c, ib_mcache_entry *e);
/* How ib_mcache_doc_find went. */
typedef enum {
    IB_MCACHE_KEPT,      /* *body: the kept answer */
    IB_MCACHE_WAITED,    /* *body: the answer another was computing, waited for */
    IB_MCACHE_CLAIMED,   /* none: the caller computes it, then calls
                          * ib_mcache_doc_put or ib_mcache_doc_drop; others
                          * asking for it meanwhile wait */
    IB_MCACHE_ALONE,     /* none, and not to be kept: the caller computes it
                          * and calls neither */
} ib_mcache_found;
/* The answer kept with entry e under key (the figure and its resolved
 * query): a copy in *body (caller frees), or the claim to compute it.
 * While another request or the preparer computes it, waits for that. */
ib_mcache_found ib_mcache_doc_find(ib_monitor_cache *c, ib_mcache_entry *e,
                                   const char *key, char **body, size_t *len);
/* Keeps a copy of an answer computed from e's data under key (after
 * IB_MCACHE_CLAIMED); waiters get it. */
void ib_mcache_doc_put(ib_monitor_cache *c, ib_mcache_entry *e, const char *key,
                       const char *body, size_t len);
/* Gives up a claim (the computation failed); waiters compute it alone. */
void ib_mcache_doc_drop(ib_monitor_cache *c, ib_mcache_entry *e, const char *key);
/* For a request that accepts an answer from before the latest change
 * (Prefer: allow-stale) rather than wait: a copy in *body (caller frees)
 * of the newest answer kept under key from data older than the store's
 * data version `version`, when the current answer is not at hand: the
 * data of version is still being loaded, or the answer from it is queued
 * or being computed. false: none such (ask as usual). Only answers once
 * computed and kept are served this way, never new ones from old data. */
bool ib_mcache_previous(ib_monitor_cache *c, const char *version, const char *key,
                        char **body, size_t *len);

/* The dashboard's first questions (api_monitor.c): what web/js/pages/
 * dashboard.js asks on opening #/monitor with its default filters, as a
 * user without municipalities and without detail=true (an analyst or an
 * administrator) asks them, survival first. The monitor cache computes
 * them after every load, so the first visit after a change finds them
 * kept. IB_MONITOR_FIRST_N of them; the key of the i-th for the date at
 * (false when it does not fit size), and its answer with the cell keys of
 * ck (ib_store_cellkey_secret; caller frees *text). */
#define IB_MONITOR_FIRST_N 5
#define IB_MONITOR_KEY_MAX 1024
bool ib_monitor_first_key(size_t i, ib_date at, char *key, size_t size);
int ib_monitor_first_answer(size_t i, ib_date at, const struct ib_mdata *d,
                            const struct ib_mcellkey *ck, char **text, size_t *len,
                            ib_err *err);
/* Waits for a load in progress, frees everything (no request may hold an
 * entry any more). */
void ib_monitor_cache_stop(ib_monitor_cache *c);

typedef struct hreq {
    ib_http_server *srv;
    struct MHD_Connection *conn;
    const char *method;
    const char *path;
    const char *body;
    size_t body_len;
    char remote[48];
    ib_store *st;
    ib_auth_kind auth;
    ib_user user;
    ib_session session;
    char session_token[IB_TOKEN_STRLEN];
    int64_t sender_scope;       /* agency, caseworker: its organisation's sender
                                 * id (-1: none yet); else 0 */
    char purpose[128];          /* X-Purpose header or ?purpose= */
    const char *params[2];      /* {id} values of the matched route */
    ib_audit_ticket audit;      /* its entries in the audit queue */
    bool import;                /* an import: an import worker's store */
} hreq;

typedef struct hresp {
    unsigned status;
    char *body;                 /* malloc'ed; freed by the server */
    size_t len;
    const char *content_type;
    bool etag;                  /* add an ETag (GET answers) */
    char set_cookie[512];
    char allow[64];             /* 405: the allowed methods */
    unsigned retry_after;       /* 429: seconds */
    char disposition[128];      /* Content-Disposition of a download, "" none */
    const char *answered;       /* a monitor figure: "kept", "waited",
                                 * "computed" or "previous" (the access
                                 * log's "answer") */
    const char *preference_applied; /* Preference-Applied header, NULL none */
    bool close;                 /* Connection: close: no further request is
                                 * read from this connection */
} hresp;

/* A handler fills resp and returns 0; the route's role check and CSRF
 * check have already passed. */
typedef int (*ib_handler)(hreq *req, hresp *resp);

/* Role bits for the route table. */
#define R_CASEWORKER (1u << IB_ROLE_CASEWORKER)
#define R_INSPECTOR (1u << IB_ROLE_INSPECTOR)
#define R_AGENCY (1u << IB_ROLE_AGENCY)
#define R_ANALYST (1u << IB_ROLE_ANALYST)
#define R_ADMIN (1u << IB_ROLE_ADMIN)
#define R_ANY (R_CASEWORKER | R_INSPECTOR | R_AGENCY | R_ANALYST | R_ADMIN)
#define R_PUBLIC 0u                 /* no login needed */
/* Not a role: the route needs a login (session); an API token gets 403. */
#define R_SESSION_ONLY (1u << 16)

typedef struct ib_route {
    const char *method;
    const char *pattern;        /* "/api/v1/persons/{id}" */
    unsigned roles;             /* R_PUBLIC or the roles allowed */
    ib_handler fn;
} ib_route;

/* The route table (routes.c) and its size. */
extern const ib_route ib_routes[];
extern const size_t ib_nroutes;

/* ------------------------------------------------------------ answers */

/* A problem+json answer: status, a Dutch and an English title and detail
 * (detail may be NULL). Returns 0 so handlers can `return problem(...)`. */
int ib_problem(hresp *resp, unsigned status, const char *title_nl,
               const char *title_en, const char *detail_nl, const char *detail_en);
/* Problem answers for common cases. */
int ib_problem_bad_request(hresp *resp, const char *detail_nl, const char *detail_en);
int ib_problem_not_found(hresp *resp);
int ib_problem_forbidden(hresp *resp);
int ib_problem_from_err(hresp *resp, const ib_err *err);
/* A JSON answer; takes ownership of (decrefs) body. etag: add an ETag. */
int ib_json_answer(hresp *resp, unsigned status, json_t *body, bool etag);

/* ------------------------------------------------------------ requests */

/* A query parameter (NULL when absent). */
const char *ib_query(const hreq *req, const char *name);
/* A request header (NULL when absent). */
const char *ib_header(const hreq *req, const char *name);
/* IB_EINVAL (with a problem answered) when the query has a parameter not
 * in the NULL-terminated list `allowed`. */
int ib_query_only(hreq *req, hresp *resp, const char *const *allowed);
/* Page and page size from ?page=&pageSize=; false (400 answered) when bad. */
bool ib_query_page(hreq *req, hresp *resp, int64_t *page, int64_t *size);
/* The scope rules (scope.c), one place for every endpoint. ib_person_scope
 * fills the scope fields of a person query for the user of req; false when
 * the role sees no persons. ib_person_visible: whether the user may see
 * person p (store errors returned). ib_location_visible: the same for a
 * location. */
bool ib_person_scope(const hreq *req, ib_person_query *q);
int ib_person_visible(hreq *req, const ib_person *p, bool *ok, ib_err *err);
bool ib_location_visible(const hreq *req, const ib_location *l);
/* Loads location {id} of the path when the user may see it; otherwise
 * answers (404 for absent and out of scope alike, so existence does not
 * leak; the store's problem on failure) and returns false. */
bool ib_load_location(hreq *req, hresp *resp, ib_location *l);
/* The organisations of a person's jobs and beds in an answer (api_ties.c):
 * each job's JSON object (NULL: used for the rule only) gets employer_name,
 * agency_name and agency_certified, each bed's provided_by_name and
 * whether it is tied to the job by the monitor's rule (ib_tied_on; the
 * records of one KvK number are one organisation): with a day, "tied" on
 * that day; with IB_DATE_NONE, "tied" on at least one day of the episode
 * and "tied_periods", the days on which it is. A bed is compared with the
 * jobs of its own person only. ib_ties_finish reads the organisations
 * from the store and fills the objects; store errors returned. */
typedef struct ib_ties ib_ties;
ib_ties *ib_ties_new(ib_date day);          /* NULL when out of memory */
int ib_ties_add_job(ib_ties *t, json_t *o, const ib_employment *e);
int ib_ties_add_bed(ib_ties *t, json_t *o, const ib_housing *h);
int ib_ties_finish(hreq *req, ib_ties *t, ib_err *err);
void ib_ties_free(ib_ties *t);

/* Parses the JSON body (content type application/json required, size at
 * most IB_HTTP_JSON_BODY_MAX); NULL with a problem answered otherwise. */
json_t *ib_json_body(hreq *req, hresp *resp);

/* Writes an audit entry for a person-level read or a write by the request's
 * user, with its purpose. A read ("read") goes to the read log, queued for
 * the audit writer's next group commit (the server answers only once it is
 * committed); anything else to the change log, inside the request's
 * transaction when one is open. */
int ib_audit_request(hreq *req, const char *action, const char *entity,
                     int64_t entity_id, int64_t person_id, ib_err *err);
/* Waits until the request's queued audit entries are committed (for a
 * handler that reads the audit log and must see its own entry). */
int ib_audit_request_flush(hreq *req, ib_err *err);
/* Ends the request's read transaction (ib_store_begin_read; none open: a
 * no-op) after reads that returned rc: returns rc, or the end's error when
 * rc was IB_OK. A list reads in one, so that it neither takes nor waits for
 * the write lock; its audit entries go to the audit writer's queue and the
 * answer waits for their commit (server.c). */
int ib_request_end_read(hreq *req, int rc, ib_err *err);

/* ------------------------------------------------------------ auth (auth.c) */

/* Finds the user from the Authorization header or the session cookie;
 * leaves req->auth IB_AUTH_NONE when neither (or an invalid one) is given. */
int ib_auth_identify(hreq *req, ib_err *err);

/* ------------------------------------------------------------ static files */

/* Serves GET/HEAD of a file under the static root; false when the path is
 * not a static file (the caller answers 404). */
bool ib_static_serve(hreq *req, hresp *resp);

/* The OpenAPI document (generated from src/http/openapi.json at build). */
extern const unsigned char ib_openapi_json[];
extern const size_t ib_openapi_json_len;

/* ------------------------------------------------------------ handlers */

json_t *ib_api_user_json(const ib_user *u);
int ib_api_healthz(hreq *req, hresp *resp);
int ib_api_openapi(hreq *req, hresp *resp);
int ib_api_login(hreq *req, hresp *resp);
int ib_api_me(hreq *req, hresp *resp);
int ib_api_logout(hreq *req, hresp *resp);
int ib_api_tokens_list(hreq *req, hresp *resp);
int ib_api_tokens_create(hreq *req, hresp *resp);
int ib_api_tokens_revoke(hreq *req, hresp *resp);
int ib_api_persons_list(hreq *req, hresp *resp);
int ib_api_persons_get(hreq *req, hresp *resp);
int ib_api_stays(hreq *req, hresp *resp);
int ib_api_registrations(hreq *req, hresp *resp);
int ib_api_employments(hreq *req, hresp *resp);
int ib_api_housings(hreq *req, hresp *resp);
int ib_api_life_events(hreq *req, hresp *resp);
int ib_api_contacts(hreq *req, hresp *resp);
int ib_api_locations_list(hreq *req, hresp *resp);
int ib_api_locations_get(hreq *req, hresp *resp);
int ib_api_organisations_list(hreq *req, hresp *resp);
int ib_api_organisations_get(hreq *req, hresp *resp);
int ib_api_statistics(hreq *req, hresp *resp);
int ib_api_inspections_list(hreq *req, hresp *resp);
int ib_api_inspections_create(hreq *req, hresp *resp);
int ib_api_inspections_get(hreq *req, hresp *resp);
int ib_api_inspections_put(hreq *req, hresp *resp);
int ib_api_inspections_delete(hreq *req, hresp *resp);
int ib_api_imports(hreq *req, hresp *resp);
int ib_api_import_progress(hreq *req, hresp *resp);
int ib_api_monitor_survival(hreq *req, hresp *resp);
int ib_api_monitor_cox(hreq *req, hresp *resp);
int ib_api_monitor_typology(hreq *req, hresp *resp);
int ib_api_monitor_registration(hreq *req, hresp *resp);
int ib_api_monitor_housing(hreq *req, hresp *resp);
int ib_api_exports(hreq *req, hresp *resp);
int ib_api_imports_history(hreq *req, hresp *resp);
int ib_api_person_audit(hreq *req, hresp *resp);
int ib_api_occupancy(hreq *req, hresp *resp);
int ib_api_location_residents(hreq *req, hresp *resp);
int ib_api_duplicates_list(hreq *req, hresp *resp);
int ib_api_duplicates_get(hreq *req, hresp *resp);
int ib_api_duplicates_decide(hreq *req, hresp *resp);
int ib_api_person_link(hreq *req, hresp *resp);
int ib_api_person_unlink(hreq *req, hresp *resp);
int ib_api_signals_list(hreq *req, hresp *resp);
int ib_api_signals_get(hreq *req, hresp *resp);
int ib_api_signals_transition(hreq *req, hresp *resp);
int ib_api_signals_assign(hreq *req, hresp *resp);
int ib_api_signals_evaluate(hreq *req, hresp *resp);
int ib_api_signals_counts(hreq *req, hresp *resp);
int ib_api_signals_over_time(hreq *req, hresp *resp);
int ib_api_signal_settings_get(hreq *req, hresp *resp);
int ib_api_signal_settings_put(hreq *req, hresp *resp);
int ib_api_teams_list(hreq *req, hresp *resp);

#endif
