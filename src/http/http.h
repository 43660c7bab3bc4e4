/* http.h — inbeeld's HTTP server: the JSON API under /api/v1 (users and
 * sessions, the registry, inspections, imports), /healthz and the static
 * files of the web application, on GNU libmicrohttpd with a thread pool.
 * This module talks to people (HTTP clients); it is used by `inbeeld serve`
 * and by the tests. */
#ifndef IB_HTTP_H
#define IB_HTTP_H

#include <stdio.h>

#include "store/store.h"

typedef struct ib_http_config {
    const char *db_path;        /* the database; opened once per worker */
    const char *key_path;       /* NULL: "<db>.key" */
    const char *address;        /* IPv4 address to listen on, "127.0.0.1" */
    uint16_t port;              /* 0: any free port (see ib_http_port) */
    const char *static_dir;     /* web application files; NULL: none */
    unsigned threads;           /* workers that answer requests, each with a
                                   database connection; as many threads
                                   read requests and send answers */
    unsigned max_connections;   /* open connections at most */
    unsigned max_per_client;    /* open connections per client address at
                                   most; 0: no limit */
    unsigned timeout_s;         /* idle connection timeout, and the deadline
                                   of a whole request (head and body) since
                                   the connection opened or its previous
                                   answer */
    const char *health_address; /* the health listener (GET /healthz only),
                                   IPv4; NULL: none */
    uint16_t health_port;       /* its port; 0: any free port */
    size_t max_body;            /* largest request body (imports) in bytes */
    int64_t session_ttl;        /* session lifetime in seconds */
    bool secure_cookies;        /* behind TLS: cookies get Secure, HSTS sent */
    unsigned login_per_minute;  /* login attempts per client address a minute */
    FILE *access_log;           /* one JSON line per request; NULL: none */
    bool no_monitor_snapshot;   /* do not read or write <db>.monitor */
} ib_http_config;

/* Fills the defaults: 127.0.0.1:8080, 8 threads, 256 connections (64 per
 * client address), 30 s timeout, 32 MiB bodies, 8-hour sessions, 10 logins
 * a minute, no TLS, no health listener. */
void ib_http_config_defaults(ib_http_config *cfg);

typedef struct ib_http_server ib_http_server;

/* Opens the store connections and starts listening. On success *out owns
 * the running server; stop it with ib_http_stop. */
int ib_http_start(ib_http_server **out, const ib_http_config *cfg, ib_err *err);
/* The port the server listens on (the chosen one when cfg->port was 0). */
uint16_t ib_http_port(const ib_http_server *srv);
/* The port of the health listener (0: none). */
uint16_t ib_http_health_port(const ib_http_server *srv);
/* The key file's path when others than its owner may access it (see
 * ib_store_exposed_key), else NULL: the caller warns. */
const char *ib_http_exposed_key(const ib_http_server *srv);
/* Graceful stop: stops accepting (new clients are refused), lets requests
 * in progress finish and be answered for at most the idle timeout (an
 * accepted write is committed or rolled back, never cut), closes the
 * connections and the store, frees srv. */
void ib_http_stop(ib_http_server *srv);

/* ------------------------------------------------------------ request mapping
 * The JSON and query mapping of the API, exposed for the fuzz target. */

/* Maps an inspection body {"location_id", "date", "findings",
 * "persons_found", "outcome"} onto *out (inspector left to the caller).
 * Unknown fields, wrong types and bad values are IB_EINVAL with err->field
 * naming the field. */
int ib_http_parse_inspection(const char *json, size_t len, ib_inspection *out,
                             ib_err *err);
/* Parses a positive 63-bit decimal id ("12"); false for anything else. */
bool ib_http_parse_id(const char *s, int64_t *out);

#endif
