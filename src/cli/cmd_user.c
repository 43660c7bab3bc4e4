/* cmd_user.c — `inbeeld user add|list|disable|enable|passwd`: the accounts
 * of the people who use inbeeld. A password is read from a file or from
 * standard input, never from the command line (which others can see in
 * the process list). */
#include <getopt.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

static void user_help(FILE *out)
{
    fprintf(out,
        "Gebruik:\n"
        "  inbeeld user add NAAM --role ROL --organisation ORG [--municipalities GM..]\n"
        "                   [--password-file BESTAND]\n"
        "  inbeeld user list\n"
        "  inbeeld user disable NAAM | inbeeld user enable NAAM\n"
        "  inbeeld user passwd NAAM [--password-file BESTAND]\n\n"
        "Beheert de gebruikers. ROL is caseworker, inspector, agency, analyst of\n"
        "admin. ORG is de afzendercode van de organisatie: een bureau (agency)\n"
        "ziet en levert alleen de gegevens van die afzender. --municipalities is\n"
        "een lijst CBS-codes met komma's (GM0518,GM1783): de gemeenten waarin een\n"
        "klantmanager personen en een inspecteur locaties ziet.\n\n"
        "Het wachtwoord (minstens %d tekens) komt uit --password-file of, zonder\n"
        "die optie, van de eerste regel van standaardinvoer; nooit als argument.\n"
        "Blokkeren beëindigt de sessies en trekt de API-tokens in; een nieuw\n"
        "wachtwoord beëindigt de sessies en heft een vergrendeling op.\n"
        "  --db PAD, --key PAD\n", IB_PASSWORD_MIN);
}

typedef enum { PW_READ, PW_NONE, PW_TOO_LONG, PW_NUL } pw_read;

/* First line of f without its line end into out. A NUL byte in it is an
 * error: as a C string the password would silently end there. */
static pw_read read_line(FILE *f, char *out, size_t size)
{
    size_t n = 0;
    int c;
    while ((c = getc(f)) != EOF && c != '\n') {
        if (c == '\0')
            return PW_NUL;
        if (n + 1 == size)
            return PW_TOO_LONG;
        out[n++] = (char)c;
    }
    if (n == 0 && c == EOF)
        return PW_NONE;
    while (n && out[n - 1] == '\r')
        n--;
    out[n] = '\0';
    return PW_READ;
}

/* The password from path ("-" or NULL: standard input); prints why not. */
static bool read_password(const char *path, char *out, size_t size)
{
    bool from_file = path && strcmp(path, "-") != 0;
    const char *where = from_file ? path : "standaardinvoer";
    FILE *f = from_file ? fopen(path, "r") : stdin;
    pw_read r = f ? read_line(f, out, size) : PW_NONE;
    if (f && f != stdin)
        fclose(f);
    if (r == PW_NONE)
        fprintf(stderr, "inbeeld user: geen wachtwoord gelezen uit %s\n", where);
    else if (r == PW_TOO_LONG)
        fprintf(stderr, "inbeeld user: wachtwoord in %s te lang: hoogstens %d tekens\n",
                where, IB_PASSWORD_MAX);
    else if (r == PW_NUL)
        fprintf(stderr, "inbeeld user: wachtwoord in %s bevat een NUL-byte; "
                        "schrijf het als gewone tekst, zonder NUL\n", where);
    return r == PW_READ;
}

static int print_user(void *ctx, const ib_user *u)
{
    (void)ctx;
    char munis[IB_USER_MUNIS_MAX * 7 + 1] = "";
    for (int i = 0; i < u->nmunicipalities; i++) {
        if (i)
            strcat(munis, ",");
        strcat(munis, u->municipalities[i]);
    }
    const char *state = u->disabled ? "geblokkeerd"
                        : u->locked_until > (int64_t)time(NULL) ? "vergrendeld"
                                                                 : "actief";
    printf("%-24s %-11s %-24s %-12s %s\n", u->name,
           ib_code_text(ib_role_codes, (int)u->role), u->organisation, state,
           munis[0] ? munis : "-");
    return 0;
}

static int user_run(int argc, char **argv)
{
    static const struct option opts[] = {
        IB_CLI_DB_OPTIONS, {"role", required_argument, NULL, 'r'},
        {"organisation", required_argument, NULL, 'o'},
        {"municipalities", required_argument, NULL, 'm'},
        {"password-file", required_argument, NULL, 'p'}, {0, 0, 0, 0}};
    ib_cli_db db;
    ib_cli_db_defaults(&db);
    const char *role = NULL, *org = NULL, *munis = "", *pwfile = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db.path = optarg; break;
        case 'k': db.key = optarg; break;
        case 'r': role = optarg; break;
        case 'o': org = optarg; break;
        case 'm': munis = optarg; break;
        case 'p': pwfile = optarg; break;
        default: return ib_cli_usage("user", "onbekende optie");
        }
    }
    int nargs = argc - optind;
    const char *sub = nargs > 0 ? argv[optind] : "";
    const char *name = nargs > 1 ? argv[optind + 1] : NULL;
    bool is_list = strcmp(sub, "list") == 0;
    if (!(is_list && nargs == 1) && !(nargs == 2 && (strcmp(sub, "add") == 0 ||
                                                     strcmp(sub, "disable") == 0 ||
                                                     strcmp(sub, "enable") == 0 ||
                                                     strcmp(sub, "passwd") == 0)))
        return ib_cli_usage("user", "gebruik: inbeeld user add|list|disable|enable|passwd");

    ib_user u;
    memset(&u, 0, sizeof u);
    ib_err err;
    ib_err_clear(&err);
    if (strcmp(sub, "add") == 0) {
        int code;
        if (!role || ib_code_parse(ib_role_codes, role, strlen(role), &code) != IB_OK)
            return ib_cli_usage("user", "--role: caseworker, inspector, agency, "
                                        "analyst of admin");
        if (!org)
            return ib_cli_usage("user", "--organisation ontbreekt");
        u.role = (ib_role)code;
        if (!ib_strlcpy(u.name, name, sizeof u.name) ||
            !ib_strlcpy(u.organisation, org, sizeof u.organisation))
            return ib_cli_usage("user", "naam of organisatie te lang");
        if (ib_user_parse_municipalities(&u, munis, &err) != IB_OK)
            return ib_cli_usage("user", "--municipalities: %s", err.msg);
    }
    char pw[IB_PASSWORD_MAX + 2];
    bool needs_pw = strcmp(sub, "add") == 0 || strcmp(sub, "passwd") == 0;
    if (needs_pw && !read_password(pwfile, pw, sizeof pw)) {
        sodium_memzero(pw, sizeof pw);
        return IB_EXIT_USAGE;
    }
    ib_store *st = ib_cli_open(&db, false);
    if (!st) {
        sodium_memzero(pw, sizeof pw);
        return IB_EXIT_FAILURE;
    }
    ib_store_set_actor(st, "cli:user");
    int rc;
    if (is_list) {
        printf("%-24s %-11s %-24s %-12s %s\n", "naam", "rol", "organisatie", "status",
               "gemeenten");
        rc = ib_user_each(st, print_user, NULL, &err);
    } else if (strcmp(sub, "add") == 0) {
        rc = ib_user_add(st, &u, pw, &err);
    } else if (strcmp(sub, "passwd") == 0) {
        rc = ib_user_set_password(st, name, pw, &err);
    } else {
        rc = ib_user_set_disabled(st, name, strcmp(sub, "disable") == 0, &err);
    }
    sodium_memzero(pw, sizeof pw);
    ib_store_close(st);
    if (rc != IB_OK)
        return ib_cli_fail("user", &err);
    if (!is_list)
        fprintf(stderr, "inbeeld user: %s %s: gedaan\n", sub, name);
    return IB_EXIT_OK;
}

const ib_cli_command ib_cmd_user = {
    "user", "gebruikers beheren: user add|list|disable|enable|passwd", user_run,
    user_help};
