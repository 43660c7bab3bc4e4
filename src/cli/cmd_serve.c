/* cmd_serve.c — `inbeeld serve`: runs the HTTP API and the web application
 * until SIGTERM or SIGINT, then stops gracefully (requests in progress
 * finish, accepted writes are kept). */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "http/http.h"

static void serve_help(FILE *out)
{
    fprintf(out,
        "Gebruik: inbeeld serve [--listen ADRES:POORT] [--static MAP] [OPTIES]\n\n"
        "Start de HTTP-server: de API onder /api/v1, /healthz en (met --static)\n"
        "de webapplicatie. Stopt netjes op SIGTERM of Ctrl-C. Elke aanvraag komt\n"
        "als één JSON-regel in het toegangslog op stderr.\n\n"
        "  --listen ADRES:POORT  standaard 127.0.0.1:8080 (poort 0: een vrije poort)\n"
        "  --static MAP          map met de bestanden van de webapplicatie\n"
        "  --threads N           werkthreads met elk een databaseverbinding, en zoveel\n"
        "                        threads voor de verbindingen (standaard 8)\n"
        "  --max-connections N   open verbindingen (standaard 256)\n"
        "  --max-per-client N    open verbindingen per clientadres (standaard 64;\n"
        "                        0: geen grens; achter een proxy: zie docs/admin.md)\n"
        "  --timeout SEC         een stille verbinding wordt na SEC seconden gesloten,\n"
        "                        en ook een die binnen SEC seconden na het openen of\n"
        "                        na het vorige antwoord geen volledige aanvraag (kop\n"
        "                        en inhoud) heeft gestuurd, hoe traag die ook\n"
        "                        binnendruppelt (standaard 30)\n"
        "  --health-listen ADRES:POORT\n"
        "                        een tweede poort die alleen GET /healthz beantwoordt,\n"
        "                        met eigen verbindingen (16) en databaseverbinding:\n"
        "                        een reserve voor de bewaking, ook als de gewone\n"
        "                        poort vol is (standaard: geen)\n"
        "  --max-body BYTES      grootste aanvraag, voor leveringen (standaard 32 MiB)\n"
        "  --session-hours N     geldigheid van een sessie (standaard 8)\n"
        "  --login-rate N        aanmeldpogingen per clientadres per minuut (10)\n"
        "  --secure-cookies      achter TLS: cookies met Secure en HSTS-header\n"
        "  --no-access-log       geen toegangslog\n"
        "  --no-snapshot         de monitorgegevens niet uit of naar de momentopname\n"
        "                        naast de database (<db>.monitor); ook met\n"
        "                        $INBEELD_SNAPSHOT=off\n"
        "  --db PAD, --key PAD\n");
}

static bool parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;
    if (!s || !*s || *s == '-')
        return false;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || v > max)
        return false;
    *out = v;
    return true;
}

static bool parse_listen(const char *s, char *addr, size_t size, uint16_t *port)
{
    const char *colon = strrchr(s, ':');
    unsigned long long p;
    if (!colon || (size_t)(colon - s) >= size || !parse_uint(colon + 1, 65535, &p))
        return false;
    memcpy(addr, s, (size_t)(colon - s));
    addr[colon - s] = '\0';
    *port = (uint16_t)p;
    return addr[0] != '\0';
}

static int serve_run(int argc, char **argv)
{
    static const struct option opts[] = {
        IB_CLI_DB_OPTIONS, {"listen", required_argument, NULL, 'l'},
        {"static", required_argument, NULL, 's'},
        {"threads", required_argument, NULL, 't'},
        {"max-connections", required_argument, NULL, 'c'},
        {"max-per-client", required_argument, NULL, 'P'},
        {"health-listen", required_argument, NULL, 'H'},
        {"timeout", required_argument, NULL, 'T'},
        {"max-body", required_argument, NULL, 'b'},
        {"session-hours", required_argument, NULL, 'h'},
        {"secure-cookies", no_argument, NULL, 'S'},
        {"login-rate", required_argument, NULL, 'L'},
        {"no-access-log", no_argument, NULL, 'n'},
        {"no-snapshot", no_argument, NULL, 'N'}, {0, 0, 0, 0}};
    ib_cli_db db;
    ib_cli_db_defaults(&db);
    ib_http_config cfg;
    ib_http_config_defaults(&cfg);
    cfg.access_log = stderr;
    char addr[64] = "127.0.0.1";
    char health_addr[64] = "";
    unsigned long long v;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db.path = optarg; break;
        case 'k': db.key = optarg; break;
        case 'l':
            if (!parse_listen(optarg, addr, sizeof addr, &cfg.port))
                return ib_cli_usage("serve", "--listen verwacht ADRES:POORT, zoals "
                                             "127.0.0.1:8080");
            break;
        case 's': cfg.static_dir = optarg; break;
        case 't':
            if (!parse_uint(optarg, 256, &v) || v == 0)
                return ib_cli_usage("serve", "--threads: 1 tot 256");
            cfg.threads = (unsigned)v;
            break;
        case 'c':
            if (!parse_uint(optarg, 100000, &v) || v == 0)
                return ib_cli_usage("serve", "--max-connections: 1 tot 100000");
            cfg.max_connections = (unsigned)v;
            break;
        case 'P':
            if (!parse_uint(optarg, 100000, &v))
                return ib_cli_usage("serve", "--max-per-client: 0 tot 100000");
            cfg.max_per_client = (unsigned)v;
            break;
        case 'H':
            if (!parse_listen(optarg, health_addr, sizeof health_addr, &cfg.health_port))
                return ib_cli_usage("serve", "--health-listen verwacht ADRES:POORT, zoals "
                                             "127.0.0.1:8081");
            cfg.health_address = health_addr;
            break;
        case 'T':
            if (!parse_uint(optarg, 3600, &v) || v == 0)
                return ib_cli_usage("serve", "--timeout: 1 tot 3600 seconden");
            cfg.timeout_s = (unsigned)v;
            break;
        case 'b':
            if (!parse_uint(optarg, 1ull << 32, &v) || v < 1024)
                return ib_cli_usage("serve", "--max-body: 1024 tot 4294967296 bytes");
            cfg.max_body = (size_t)v;
            break;
        case 'h':
            if (!parse_uint(optarg, 24 * 30, &v) || v == 0)
                return ib_cli_usage("serve", "--session-hours: 1 tot 720");
            cfg.session_ttl = (int64_t)v * 3600;
            break;
        case 'S': cfg.secure_cookies = true; break;
        case 'L':
            if (!parse_uint(optarg, 1000000, &v) || v == 0)
                return ib_cli_usage("serve", "--login-rate: 1 tot 1000000");
            cfg.login_per_minute = (unsigned)v;
            break;
        case 'n': cfg.access_log = NULL; break;
        case 'N': cfg.no_monitor_snapshot = true; break;
        default: return ib_cli_usage("serve", "onbekende optie");
        }
    }
    if (optind != argc)
        return ib_cli_usage("serve", "onverwacht argument '%s'", argv[optind]);
    cfg.address = addr;
    cfg.no_monitor_snapshot = !ib_cli_snapshot_enabled(cfg.no_monitor_snapshot);
    cfg.db_path = db.path;
    cfg.key_path = db.key;

    /* Block the stop signals before the worker threads start, so that they
     * inherit the mask and only sigwait below receives them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    ib_http_server *srv = NULL;
    ib_err err;
    if (ib_http_start(&srv, &cfg, &err) != IB_OK)
        return ib_cli_fail("serve", &err);
    ib_cli_warn_exposed_key("serve", ib_http_exposed_key(srv));
    fprintf(stderr, "inbeeld serve: luistert op http://%s:%u/ (stoppen: Ctrl-C)\n",
            addr, (unsigned)ib_http_port(srv));
    if (cfg.health_address)
        fprintf(stderr, "inbeeld serve: gezondheid op http://%s:%u/healthz\n",
                health_addr, (unsigned)ib_http_health_port(srv));
    fflush(stderr);
    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, "inbeeld serve: signaal %d ontvangen, stopt netjes\n", sig);
    ib_http_stop(srv);
    fprintf(stderr, "inbeeld serve: gestopt\n");
    return IB_EXIT_OK;
}

const ib_cli_command ib_cmd_serve = {
    "serve", "de HTTP-API en webapplicatie starten: serve --listen ADRES:POORT",
    serve_run, serve_help};
