/* server.c — the libmicrohttpd side: starting and stopping the daemon,
 * collecting request bodies within the size limit, handing each request to
 * the next free worker (work_queue.c), the workers' store connections (and
 * the audit writer and checkpointer beside them), dispatching to
 * the route table (deny by default: authentication, role and CSRF checks
 * before any handler), security headers on every answer, ETags and the
 * structured access log. */
#include "http/http_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

void ib_http_config_defaults(ib_http_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->address = "127.0.0.1";
    cfg->port = 8080;
    cfg->threads = 8;
    cfg->max_connections = 256;
    cfg->max_per_client = 64;
    cfg->timeout_s = 30;
    cfg->max_body = 32u * 1024 * 1024;
    cfg->session_ttl = 8 * 3600;
    cfg->login_per_minute = 10;
}

/* ------------------------------------------------------------ store pool */

/* The request workers' connections read the database through a memory
 * map (ib_store_map_file): their audit entries go to the read log, so the
 * database changes only at deliveries and other writes, and between those
 * every look-up reads pages where they lie instead of copying each into
 * its connection's own cache. SQLite maps no more than the file, and no
 * more than its compiled limit (2 GiB in Debian's build; the rest is read
 * as before). The import worker's connection reads without the map:
 * SQLite drops a connection's map whenever it finds the file changed,
 * which for imports committing one after the other is every time. */
#define REQUEST_MAP_BYTES ((int64_t)1 << 32)

/* Imports stored at once. An import writes its rows as it reads them, in
 * one transaction, and SQLite has one writer: a second import worker would
 * only wait for the write lock, in short sleeps (and for a delivery that
 * takes longer than the busy budget, give up with a 503), where the queue
 * lets it wait its turn. One worker stored three times as many small
 * deliveries a second as two, and than a thread per import, which cost
 * more than the import in thread starts and stack unmaps (bench/RESULTS.md,
 * HTTP). */
#define IMPORT_WORKERS 1

static ib_store *store_checkout(ib_store_pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        for (unsigned i = 0; i < pool->n; i++)
            if (!pool->in_use[i]) {
                pool->in_use[i] = true;
                pthread_mutex_unlock(&pool->lock);
                return pool->stores[i];
            }
        pthread_cond_wait(&pool->released, &pool->lock);
    }
}

static void store_checkin(ib_store_pool *pool, ib_store *st)
{
    pthread_mutex_lock(&pool->lock);
    for (unsigned i = 0; i < pool->n; i++)
        if (pool->stores[i] == st)
            pool->in_use[i] = false;
    pthread_cond_signal(&pool->released);
    pthread_mutex_unlock(&pool->lock);
}

static void pool_init(ib_store_pool *pool)
{
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->released, NULL);
}

static void pool_close(ib_store_pool *pool)
{
    for (unsigned i = 0; i < pool->n; i++)
        ib_store_close(pool->stores[i]);
    free(pool->stores);
    free(pool->in_use);
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->released);
}

/* n connections, checkpoints left to the checkpointer (checkpointer.c,
 * off the path of the requests' commits), each mapping at most map_bytes
 * of the file. */
static int pool_open(ib_store_pool *pool, const ib_http_config *cfg, unsigned n,
                     int64_t map_bytes, ib_err *err)
{
    pool->stores = calloc(n, sizeof *pool->stores);
    pool->in_use = calloc(n, sizeof *pool->in_use);
    if (!pool->stores || !pool->in_use)
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    ib_store_options opt = {.key_path = cfg->key_path, .create = false};
    for (; pool->n < n; pool->n++) {
        int rc = ib_store_open(&pool->stores[pool->n], cfg->db_path, &opt, err);
        if (rc)
            return rc;
        ib_store *st = pool->stores[pool->n];
        if ((rc = ib_store_manual_checkpoints(st, err)) != IB_OK ||
            (map_bytes && (rc = ib_store_map_file(st, map_bytes, err)) != IB_OK)) {
            ib_store_close(st);
            return rc;
        }
    }
    return IB_OK;
}

/* ------------------------------------------------------------ connection state */

typedef struct conn_state {
    char *body;
    size_t len, cap;
    bool too_large;
    struct timespec started;
    /* A request with its body in is handled apart from MHD's thread, its
     * connection suspended until the answer is ready, by the next free
     * worker (the queue links it through `work`); an import by an import
     * worker, so that a long import holds up no request worker (nor the
     * progress polls of the same client). */
    bool apart;
    ib_work work;
    hreq req;
    hresp resp;
} conn_state;

/* The end of a request (answered, or its connection gone): the next
 * request's deadline starts. */
static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    ib_http_server *srv = cls;
    (void)toe;
    ib_conn_guard_answered(c);
    conn_state *cs = *con_cls;
    if (cs) {
        free(cs->body);
        free(cs);
        *con_cls = NULL;
        atomic_fetch_sub(&srv->in_flight, 1);
    }
}

static bool body_append(conn_state *cs, const char *data, size_t n, size_t max)
{
    if (cs->too_large || n > max - cs->len) {
        cs->too_large = true;
        return false;
    }
    if (cs->len + n + 1 > cs->cap) {
        size_t cap = cs->cap ? cs->cap : 4096;
        while (cap < cs->len + n + 1)
            cap *= 2;
        char *p = realloc(cs->body, cap);
        if (!p) {
            cs->too_large = true;
            return false;
        }
        cs->body = p;
        cs->cap = cap;
    }
    memcpy(cs->body + cs->len, data, n);
    cs->len += n;
    cs->body[cs->len] = '\0';
    return true;
}

/* ------------------------------------------------------------ answering */

static void add_security_headers(const ib_http_server *srv, struct MHD_Response *r,
                                 bool api)
{
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; "
                            "object-src 'none'; base-uri 'none'; "
                            "form-action 'self'; frame-ancestors 'none'");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
    MHD_add_response_header(r, "Permissions-Policy",
                            "camera=(), microphone=(), geolocation=()");
    if (srv->cfg.secure_cookies)
        MHD_add_response_header(r, "Strict-Transport-Security",
                                "max-age=31536000; includeSubDomains");
    MHD_add_response_header(r, "Cache-Control", api ? "private, no-cache"
                                                    : "no-cache");
}

/* A quoted weak hash of the body: equal bodies, equal tags. */
static void make_etag(const char *body, size_t len, char out[24])
{
    uint8_t h[8];
    crypto_generichash(h, sizeof h, (const uint8_t *)body, len, NULL, 0);
    char hex[17];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    snprintf(out, 24, "\"%s\"", hex);
}

static bool etag_matches(const char *inm, const char *etag)
{
    if (!inm)
        return false;
    if (strcmp(inm, "*") == 0)
        return true;
    /* A list of tags, possibly weak (W/"..."). */
    size_t n = strlen(etag);
    for (const char *p = strstr(inm, etag); p; p = strstr(p + 1, etag))
        if ((p == inm || p[-1] == ' ' || p[-1] == ',' || p[-1] == '/') &&
            (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
            return true;
    return false;
}

static void log_access(hreq *req, unsigned status, size_t bytes, const char *answered,
                       const conn_state *cs)
{
    FILE *log = req->srv->cfg.access_log;
    if (!log)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double ms = (double)(now.tv_sec - cs->started.tv_sec) * 1e3 +
                (double)(now.tv_nsec - cs->started.tv_nsec) / 1e6;
    char at[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:I, s:f, s:s?, s:s*}", "ts", at,
                          "remote", req->remote, "method", req->method, "path",
                          req->path, "status", (int)status, "bytes",
                          (json_int_t)bytes, "ms", ms, "user",
                          req->auth != IB_AUTH_NONE ? req->user.name : NULL,
                          "answer", answered);
    char *line = o ? json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(4)) : NULL;
    if (line) {
        pthread_mutex_lock(&req->srv->log_lock);
        fprintf(log, "%s\n", line);
        fflush(log);
        pthread_mutex_unlock(&req->srv->log_lock);
    }
    free(line);
    json_decref(o);
}

static enum MHD_Result send_answer(hreq *req, hresp *resp, conn_state *cs)
{
    bool api = strncmp(req->path, "/api/", 5) == 0;
    char etag[24] = "";
    unsigned status = resp->status;
    size_t len = resp->len;
    if (resp->etag && status == 200) {
        make_etag(resp->body ? resp->body : "", len, etag);
        if (etag_matches(ib_header(req, "If-None-Match"), etag)) {
            status = 304;
            len = 0;
        }
    }
    bool head = strcmp(req->method, "HEAD") == 0;
    struct MHD_Response *r = MHD_create_response_from_buffer(
        head || status == 304 ? 0 : len, resp->body ? resp->body : (void *)"",
        MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    add_security_headers(req->srv, r, api);
    if (resp->content_type && status != 304)
        MHD_add_response_header(r, "Content-Type", resp->content_type);
    if (etag[0])
        MHD_add_response_header(r, "ETag", etag);
    if (resp->set_cookie[0])
        MHD_add_response_header(r, "Set-Cookie", resp->set_cookie);
    if (resp->allow[0])
        MHD_add_response_header(r, "Allow", resp->allow);
    if (resp->disposition[0] && status == 200)
        MHD_add_response_header(r, "Content-Disposition", resp->disposition);
    if (resp->retry_after) {
        char ra[16];
        snprintf(ra, sizeof ra, "%u", resp->retry_after);
        MHD_add_response_header(r, "Retry-After", ra);
    }
    if (status == 401)
        MHD_add_response_header(r, "WWW-Authenticate", "Bearer realm=\"inbeeld\"");
    /* A monitor figure's answer depends on Prefer: allow-stale. */
    if (resp->answered)
        MHD_add_response_header(r, "Vary", "Prefer");
    if (resp->preference_applied)
        MHD_add_response_header(r, "Preference-Applied", resp->preference_applied);
    if (resp->close)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result ok = MHD_queue_response(req->conn, status, r);
    MHD_destroy_response(r);
    log_access(req, status, len, status == 200 || status == 304 ? resp->answered : NULL, cs);
    return ok;
}

/* ------------------------------------------------------------ routing */

/* Matches path against pattern; {x} segments capture into params. */
static bool route_match(const char *pattern, const char *path, const char *params[2],
                        char bufs[2][72])
{
    int np = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p == '{') {
            const char *pe = strchr(p, '}');
            const char *se = strchr(s, '/');
            size_t n = se ? (size_t)(se - s) : strlen(s);
            if (!pe || n == 0 || n >= sizeof bufs[0] || np == 2)
                return false;
            memcpy(bufs[np], s, n);
            bufs[np][n] = '\0';
            params[np] = bufs[np];
            np++;
            p = pe + 1;
            s += n;
            continue;
        }
        if (*p != *s)
            return false;
        p++;
        s++;
    }
    return *p == '\0' && *s == '\0';
}

static bool is_unsafe(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
           strcmp(method, "OPTIONS") != 0;
}

static int dispatch(hreq *req, hresp *resp)
{
    char bufs[2][72];
    const ib_route *found = NULL;
    char allow[64] = "";
    bool path_known = false;
    for (size_t i = 0; i < ib_nroutes; i++) {
        const char *params[2] = {NULL, NULL};
        if (!route_match(ib_routes[i].pattern, req->path, params, bufs))
            continue;
        path_known = true;
        size_t al = strlen(allow);
        snprintf(allow + al, sizeof allow - al, "%s%s", al ? ", " : "",
                 ib_routes[i].method);
        const char *m = strcmp(req->method, "HEAD") == 0 ? "GET" : req->method;
        if (!found && strcmp(ib_routes[i].method, m) == 0) {
            found = &ib_routes[i];
            req->params[0] = params[0];
            req->params[1] = params[1];
        }
    }
    if (!found) {
        if (path_known) {
            ib_strlcpy(resp->allow, allow, sizeof resp->allow);
            return ib_problem(resp, 405, "Methode niet toegestaan", "Method not allowed",
                              "Deze methode kan niet op deze bron.",
                              "This method is not supported on this resource.");
        }
        if (strncmp(req->path, "/api/", 5) != 0 && ib_static_serve(req, resp))
            return 0;
        return ib_problem_not_found(resp);
    }
    if (found->roles == R_PUBLIC)
        return found->fn(req, resp);

    ib_err err;
    ib_err_clear(&err);
    if (ib_auth_identify(req, &err) != IB_OK)
        return ib_problem_from_err(resp, &err);
    if (req->auth == IB_AUTH_NONE)
        return ib_problem(resp, 401, "Niet aangemeld", "Not authenticated",
                          "Meld u aan of geef een geldig API-token.",
                          "Log in or present a valid API token.");
    if (!(found->roles & (1u << req->user.role)))
        return ib_problem_forbidden(resp);
    /* Authenticated, but with a credential that may not do this: 403, not
     * 401, since sending the same token again cannot help. */
    if ((found->roles & R_SESSION_ONLY) && req->auth != IB_AUTH_SESSION)
        return ib_problem(resp, 403, "Alleen na aanmelden", "Login required",
                          "API-tokens beheert u na aanmelden met uw wachtwoord, "
                          "niet met een API-token.",
                          "API tokens are managed after logging in with your "
                          "password, never with an API token.");
    /* A browser write must carry the session's CSRF token (API tokens are
     * not sent by browsers on their own, so they need none). */
    if (req->auth == IB_AUTH_SESSION && is_unsafe(req->method)) {
        const char *csrf = ib_header(req, "X-CSRF-Token");
        if (!csrf || strlen(csrf) != strlen(req->session.csrf) ||
            sodium_memcmp(csrf, req->session.csrf, strlen(req->session.csrf)) != 0)
            return ib_problem(resp, 403, "CSRF-token ontbreekt of klopt niet",
                              "Missing or wrong CSRF token",
                              "Stuur de header X-CSRF-Token uit de aanmelding mee.",
                              "Send the X-CSRF-Token header from the login.");
    }
    /* Why the data is looked at, for the audit trail. */
    const char *purpose = ib_header(req, "X-Purpose");
    if (!purpose)
        purpose = ib_query(req, "purpose");
    if (purpose) {
        size_t n = strlen(purpose);
        bool ok = n > 0 && n < sizeof req->purpose;
        for (size_t i = 0; ok && i < n; i++)
            ok = (unsigned char)purpose[i] >= 0x20 && purpose[i] != 0x7f;
        if (!ok)
            return ib_problem_bad_request(resp, "Doel (X-Purpose of purpose): 1 tot 127 "
                                                "tekens zonder stuurtekens.",
                                          "Purpose (X-Purpose or purpose): 1 to 127 "
                                          "characters without control characters.");
        ib_strlcpy(req->purpose, purpose, sizeof req->purpose);
    }
    char actor[64];
    snprintf(actor, sizeof actor, "user:%s", req->user.name);
    ib_store_set_actor(req->st, actor);
    return found->fn(req, resp);
}

/* A request whose body is complete: a store connection and the handler.
 * Its audit entries may still be on their way to the read log. */
static void handle_unaudited(hreq *req, hresp *resp)
{
    ib_store_pool *pool = req->import ? &req->srv->importing : &req->srv->reading;
    req->st = store_checkout(pool);
    dispatch(req, resp);
    if (ib_store_in_transaction(req->st))
        ib_store_rollback(req->st, NULL);
    if (ib_store_in_read(req->st))       /* no old snapshot kept */
        ib_store_end_read(req->st, NULL);
    store_checkin(pool, req->st);
    sodium_memzero(req->session_token, sizeof req->session_token);
}

/* A request is answered only once its audit entries are committed; when
 * that failed, its answer becomes a 503, so that nothing is answered as
 * audited that is not ("every access is audited"). */
static void settle_answer(hreq *req, hresp *resp)
{
    ib_err err;
    if (ib_audit_ticket_result(&req->audit, &err) == IB_OK)
        return;
    free(resp->body);
    memset(resp, 0, sizeof *resp);
    ib_problem_from_err(resp, &err);
}

/* handle_unaudited, then the wait for the audit entries. */
static void handle(hreq *req, hresp *resp)
{
    handle_unaudited(req, resp);
    ib_err err;
    if (req->srv->audit)
        ib_audit_queue_wait(req->srv->audit, &req->audit, &err);
    settle_answer(req, resp);
}

static bool is_import(const char *method, const char *url)
{
    return strcmp(method, "POST") == 0 && strcmp(url, "/api/v1/imports") == 0;
}

/* Gives a suspended connection back to MHD, whose thread sends the
 * answer (on_request), once the request's audit entries are settled. */
static void resume_audited(void *arg)
{
    conn_state *cs = arg;
    ib_http_server *srv = cs->req.srv;
    settle_answer(&cs->req, &cs->resp);
    MHD_resume_connection(cs->req.conn);  /* cs is MHD's again from here */
    atomic_fetch_sub(&srv->apart, 1);
}

/* Handles a request whose connection was suspended. The worker does not
 * wait for the audit entries: the audit writer resumes the connection
 * once they are committed, and the worker takes the next request. */
static void handle_apart(conn_state *cs)
{
    handle_unaudited(&cs->req, &cs->resp);
    ib_audit_queue *audit = cs->req.srv->audit;
    if (!audit || !ib_audit_queue_then(audit, &cs->req.audit, resume_audited, cs))
        resume_audited(cs);
}

static void suspend(conn_state *cs, const hreq *req)
{
    cs->req = *req;
    memset(&cs->resp, 0, sizeof cs->resp);
    cs->apart = true;
    atomic_fetch_add(&req->srv->apart, 1);
    MHD_suspend_connection(req->conn);
}

/* For a hand-over that failed: the request is handled in MHD's thread. */
static void unsuspend(conn_state *cs)
{
    MHD_resume_connection(cs->req.conn);
    atomic_fetch_sub(&cs->req.srv->apart, 1);
    cs->apart = false;
}

static void serve_queued(ib_work *w, void *ctx)
{
    (void)ctx;
    handle_apart((conn_state *)(void *)((char *)w - offsetof(conn_state, work)));
}

/* Queues req for the next free request or import worker; false once the
 * workers are stopping (the server is stopping). */
static bool hand_over(conn_state *cs, const hreq *req)
{
    suspend(cs, req);
    if (ib_work_queue_push(req->import ? req->srv->imports : req->srv->requests,
                           &cs->work))
        return true;
    unsuspend(cs);
    return false;
}

static void read_remote(struct MHD_Connection *c, char out[48])
{
    ib_strlcpy(out, "?", 48);
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
                  out, 48);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                  out, 48);
}

static bool path_is_sane(const char *url)
{
    size_t n = strlen(url);
    if (n == 0 || n > 2048 || url[0] != '/')
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)url[i] < 0x20 || url[i] == 0x7f)
            return false;
    return true;
}

/* Content-Length beside Transfer-Encoding: the two framings disagree on
 * where the body ends, so whatever follows could be a smuggled request
 * (RFC 9112 §6.1: such a message is answered 400 and the connection
 * closed). libmicrohttpd 0.9.75 would read the body as chunked and answer
 * the request after it. */
static bool has_two_framings(struct MHD_Connection *c)
{
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                       MHD_HTTP_HEADER_CONTENT_LENGTH) &&
           MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                       MHD_HTTP_HEADER_TRANSFER_ENCODING);
}

static enum MHD_Result answer_two_framings(hreq *req, conn_state *cs)
{
    hresp resp = {0};
    ib_problem_bad_request(&resp, "Content-Length en Transfer-Encoding samen: de "
                                  "verbinding wordt gesloten.",
                           "Content-Length together with Transfer-Encoding: the "
                           "connection is closed.");
    resp.close = true;
    enum MHD_Result r = send_answer(req, &resp, cs);
    free(resp.body);
    return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    ib_http_server *srv = cls;
    conn_state *cs = *con_cls;
    hreq req = {.srv = srv, .conn = c, .method = method, .path = url};
    hresp resp = {0};
    if (!cs) {
        if (!(cs = calloc(1, sizeof *cs)))
            return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &cs->started);
        *con_cls = cs;
        atomic_fetch_add(&srv->in_flight, 1);
        if (has_two_framings(c)) {
            ib_conn_guard_request_in(c);
            read_remote(c, req.remote);
            return answer_two_framings(&req, cs);
        }
        /* A declared body over the limit is refused before it is read. */
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl) {
            errno = 0;
            char *end;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno || *end || n > srv->cfg.max_body)
                cs->too_large = true;
        }
        if (!cs->too_large)
            return MHD_YES;
    } else if (cs->apart) {            /* resumed: the answer is ready */
        cs->apart = false;
        enum MHD_Result r = send_answer(&cs->req, &cs->resp, cs);
        free(cs->resp.body);
        return r;
    } else if (*upload_data_size) {
        body_append(cs, upload_data, *upload_data_size, srv->cfg.max_body);
        *upload_data_size = 0;
        if (!cs->too_large)
            return MHD_YES;
    }
    ib_conn_guard_request_in(c);      /* in, or refused: no deadline now */
    read_remote(c, req.remote);
    if (cs->too_large) {
        ib_problem(&resp, 413, "Verzoek te groot", "Request too large",
                   "De inhoud is groter dan de server aanneemt.",
                   "The body is larger than the server accepts.");
        enum MHD_Result r = send_answer(&req, &resp, cs);
        free(resp.body);
        return r;
    }
    req.body = cs->body ? cs->body : "";
    req.body_len = cs->len;
    if (!path_is_sane(url)) {
        ib_problem_bad_request(&resp, "Ongeldig pad.", "Invalid path.");
    } else {
        req.import = is_import(method, url);
        if (hand_over(cs, &req))
            return MHD_YES;
        handle(&req, &resp);
    }
    enum MHD_Result r = send_answer(&req, &resp, cs);
    free(resp.body);
    return r;
}

/* ------------------------------------------------------------ health listener */

/* The health listener's requests: GET (or HEAD) /healthz only, answered in
 * its own MHD thread with its own store connection, so that it answers
 * while every connection or worker of the main listener is taken. A body
 * is read and ignored. */
static enum MHD_Result on_health_request(void *cls, struct MHD_Connection *c,
                                         const char *url, const char *method,
                                         const char *version, const char *upload_data,
                                         size_t *upload_data_size, void **con_cls)
{
    (void)version;
    (void)upload_data;
    ib_http_server *srv = cls;
    conn_state *cs = *con_cls;
    hreq req = {.srv = srv, .conn = c, .method = method, .path = url,
                .st = srv->health_store};
    if (!cs) {
        if (!(cs = calloc(1, sizeof *cs)))
            return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &cs->started);
        *con_cls = cs;
        atomic_fetch_add(&srv->in_flight, 1);
        if (!has_two_framings(c))
            return MHD_YES;
        ib_conn_guard_request_in(c);
        read_remote(c, req.remote);
        return answer_two_framings(&req, cs);
    }
    if (*upload_data_size) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    ib_conn_guard_request_in(c);
    read_remote(c, req.remote);
    hresp resp = {0};
    if (strcmp(url, "/healthz") != 0) {
        ib_problem_not_found(&resp);
    } else if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        ib_strlcpy(resp.allow, "GET", sizeof resp.allow);
        ib_problem(&resp, 405, "Methode niet toegestaan", "Method not allowed", NULL, NULL);
    } else {
        ib_api_healthz(&req, &resp);
    }
    enum MHD_Result r = send_answer(&req, &resp, cs);
    free(resp.body);
    return r;
}

/* Connections of the health listener at most: a monitoring system asks
 * now and then, one request at a time. */
#define HEALTH_CONNECTIONS 16

static int start_health(ib_http_server *srv, ib_err *err)
{
    const ib_http_config *cfg = &srv->cfg;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(cfg->health_port)};
    if (inet_pton(AF_INET, cfg->health_address, &addr.sin_addr) != 1)
        return ib_err_set(err, IB_EINVAL, "'%s' is geen IPv4-adres", cfg->health_address);
    ib_store_options opt = {.key_path = cfg->key_path, .create = false};
    int rc = ib_store_open(&srv->health_store, cfg->db_path, &opt, err);
    if (rc != IB_OK)
        return rc;
    srv->health = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC | MHD_USE_ERROR_LOG,
        cfg->health_port, NULL, NULL, on_health_request, srv,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)HEALTH_CONNECTIONS,
        MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(16 * 1024),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_NOTIFY_CONNECTION, ib_conn_guard_notify, srv->guard,
        MHD_OPTION_END);
    if (!srv->health)
        return ib_err_set(err, IB_EIO, "kan niet luisteren op %s:%u (in gebruik?)",
                          cfg->health_address, cfg->health_port);
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->health,
                                                         MHD_DAEMON_INFO_BIND_PORT);
    srv->health_port = di ? di->port : cfg->health_port;
    return IB_OK;
}

/* ------------------------------------------------------------ start, stop */

static void free_server(ib_http_server *srv)
{
    if (!srv)
        return;
    if (srv->health)
        MHD_stop_daemon(srv->health);
    if (srv->daemon)                         /* a start that failed later */
        MHD_stop_daemon(srv->daemon);
    ib_conn_guard_stop(srv->guard);          /* after the daemons' last close */
    ib_store_close(srv->health_store);
    ib_work_queue_free(srv->requests);       /* serves what is queued */
    ib_work_queue_free(srv->imports);
    ib_audit_queue_stop(srv->audit);         /* writes what is queued */
    ib_checkpointer_stop(srv->checkpointer);
    ib_signal_evaluator_stop(srv->signals);
    ib_store_close(srv->signals_store);
    ib_store_close(srv->audit_store);
    ib_store_close(srv->checkpoint_store);
    pool_close(&srv->reading);
    pool_close(&srv->importing);
    ib_monitor_cache_stop(srv->monitor);
    ib_uploads_free(srv->uploads);
    ib_rate_destroy(&srv->login_rate);
    pthread_mutex_destroy(&srv->log_lock);
    free(srv);
}

static int open_stores(ib_http_server *srv, ib_err *err)
{
    int rc = pool_open(&srv->reading, &srv->cfg, srv->cfg.threads, REQUEST_MAP_BYTES, err);
    if (rc == IB_OK)
        rc = pool_open(&srv->importing, &srv->cfg, IMPORT_WORKERS, 0, err);
    if (rc != IB_OK)
        return rc;
    ib_store_options opt = {.key_path = srv->cfg.key_path, .create = false};
    rc = ib_store_open(&srv->audit_store, srv->cfg.db_path, &opt, err);
    if (rc == IB_OK)
        rc = ib_store_manual_checkpoints(srv->audit_store, err);
    if (rc == IB_OK)                      /* a missing read log: refuse to start */
        rc = ib_store_prepare_reads(srv->audit_store, err);
    if (rc == IB_OK)
        rc = ib_store_open(&srv->checkpoint_store, srv->cfg.db_path, &opt, err);
    if (rc == IB_OK) {
        ib_store_set_actor(srv->audit_store, "server");
        rc = ib_audit_queue_start(&srv->audit, srv->audit_store, err);
    }
    if (rc == IB_OK)
        rc = ib_checkpointer_start(&srv->checkpointer, srv->checkpoint_store, err);
    /* The inbox is evaluated at the start, and kept in step from then on. */
    if (rc == IB_OK)
        rc = ib_store_open(&srv->signals_store, srv->cfg.db_path, &opt, err);
    if (rc == IB_OK) {
        ib_store_set_actor(srv->signals_store, "server");
        rc = ib_store_manual_checkpoints(srv->signals_store, err);
    }
    if (rc == IB_OK)
        rc = ib_signal_evaluator_start(&srv->signals, srv->signals_store,
                                       srv->cfg.access_log, &srv->log_lock, err);
    return rc;
}

int ib_http_start(ib_http_server **out, const ib_http_config *cfg, ib_err *err)
{
    ib_err_clear(err);
    *out = NULL;
    if (!cfg->db_path || cfg->threads == 0 || cfg->threads > 256 ||
        cfg->max_connections == 0 || cfg->timeout_s == 0 || cfg->session_ttl <= 0)
        return ib_err_set(err, IB_EINVAL, "ongeldige serverinstellingen");
    ib_http_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    srv->cfg = *cfg;
    pool_init(&srv->reading);
    pool_init(&srv->importing);
    ib_rate_init(&srv->login_rate, cfg->login_per_minute);
    pthread_mutex_init(&srv->log_lock, NULL);
    int rc = IB_OK;
    if (cfg->static_dir) {
        if (!realpath(cfg->static_dir, srv->static_root)) {
            rc = ib_err_set(err, IB_ENOTFOUND, "map met webbestanden %s bestaat niet",
                            cfg->static_dir);
            goto fail;
        }
    }
    if ((rc = ib_conn_guard_new(&srv->guard, cfg->timeout_s, err)) != IB_OK ||
        (rc = ib_conn_guard_start(srv->guard, err)) != IB_OK ||
        (rc = open_stores(srv, err)) != IB_OK ||
        (rc = ib_uploads_new(&srv->uploads, err)) != IB_OK ||
        (rc = ib_work_queue_start(&srv->requests, cfg->threads, serve_queued, NULL,
                                  err)) != IB_OK ||
        (rc = ib_work_queue_start(&srv->imports, IMPORT_WORKERS, serve_queued, NULL,
                                  err)) != IB_OK)
        goto fail;
    /* The monitor's data loads in the background from now on. */
    if ((rc = ib_monitor_cache_start(&srv->monitor, cfg->db_path, cfg->key_path,
                                     !cfg->no_monitor_snapshot, cfg->access_log,
                                     &srv->log_lock, err)) != IB_OK)
        goto fail;

    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(cfg->port)};
    if (inet_pton(AF_INET, cfg->address ? cfg->address : "127.0.0.1",
                  &addr.sin_addr) != 1) {
        rc = ib_err_set(err, IB_EINVAL, "'%s' is geen IPv4-adres", cfg->address);
        goto fail;
    }
    srv->daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC |
            MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG,
        cfg->port, NULL, NULL, on_request, srv,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, cfg->threads,
        MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->max_per_client,
        MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_NOTIFY_CONNECTION, ib_conn_guard_notify, srv->guard,
        MHD_OPTION_END);
    if (!srv->daemon) {
        rc = ib_err_set(err, IB_EIO, "kan niet luisteren op %s:%u (in gebruik?)",
                        cfg->address ? cfg->address : "127.0.0.1", cfg->port);
        goto fail;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->daemon,
                                                         MHD_DAEMON_INFO_BIND_PORT);
    srv->port = di ? di->port : cfg->port;
    if (cfg->health_address && (rc = start_health(srv, err)) != IB_OK)
        goto fail;
    *out = srv;
    return IB_OK;
fail:
    free_server(srv);
    return rc;
}

uint16_t ib_http_port(const ib_http_server *srv)
{
    return srv->port;
}

uint16_t ib_http_health_port(const ib_http_server *srv)
{
    return srv->health ? srv->health_port : 0;
}

const char *ib_http_exposed_key(const ib_http_server *srv)
{
    return ib_store_exposed_key(srv->audit_store);
}

/* Lets the requests begun be answered, for at most the idle timeout. */
static void wait_in_flight(ib_http_server *srv)
{
    struct timespec pause = {0, 10 * 1000 * 1000};
    for (unsigned waited = 0; atomic_load(&srv->in_flight) > 0 &&
                              waited < srv->cfg.timeout_s * 100u; waited++)
        nanosleep(&pause, NULL);
}

void ib_http_stop(ib_http_server *srv)
{
    if (!srv)
        return;
    /* Stop accepting, then let the workers answer the requests they have
     * begun (an import being stored is committed and its report sent),
     * for at most the idle timeout; MHD_stop_daemon then closes the idle
     * keep-alive connections and joins the workers. The listening socket
     * is ours after quiescing: closed, so that new clients are refused
     * rather than left waiting in the backlog. */
    MHD_socket listening = MHD_quiesce_daemon(srv->daemon);
    if (listening != MHD_INVALID_SOCKET)
        close(listening);
    wait_in_flight(srv);
    /* The workers serve what is still queued (when the wait above ran out)
     * and end; a request on a kept-alive connection is from now on handled
     * in MHD's thread. */
    ib_work_queue_stop(srv->requests);
    ib_work_queue_stop(srv->imports);
    /* Every suspended connection is resumed before MHD stops: an import
     * under way is finished (committed), as MHD would wait for a request
     * in its own thread. */
    struct timespec pause = {0, 10 * 1000 * 1000};
    while (atomic_load(&srv->apart) > 0)
        nanosleep(&pause, NULL);
    /* Its answer is sent by MHD's thread after the resume: wait for that
     * too, or the client of a committed import would lose its report. */
    wait_in_flight(srv);
    MHD_stop_daemon(srv->daemon);
    srv->daemon = NULL;
    free_server(srv);
}
