/* files.c — the entry points of the import: recognising files by name,
 * expanding directories, ordering the files by dependency (organisations
 * before locations before persons ...) and running each as its own
 * transaction; plus the in-memory CSV/JSON variants and the check without
 * a database. */
#include "ingest/ingest_internal.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

typedef struct source {
    char *path;
    ib_kind kind;
    bool json;
    int order;                  /* for a stable sort */
} source;

typedef struct source_list {
    source *v;
    size_t n, cap;
} source_list;

static void sources_free(source_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].path);
    free(l->v);
}

static void expected_names(char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < IB_KIND_COUNT; k++) {
        int n = snprintf(buf + used, size - used, "%s%s.csv", k ? ", " : "",
                         ib_kind_file_stem((ib_kind)k));
        if (n < 0 || (size_t)n >= size - used)
            return;
        used += (size_t)n;
    }
}

int ib_import_kind_of_name(const char *path, ib_kind *kind, bool *is_json)
{
    const char *name = strrchr(path, '/');
    name = name ? name + 1 : path;
    const char *dot = strrchr(name, '.');
    if (!dot)
        return IB_EINVAL;
    bool json = strcasecmp(dot, ".json") == 0;
    if (!json && strcasecmp(dot, ".csv") != 0)
        return IB_EINVAL;
    size_t stem = (size_t)(dot - name);
    for (int k = 0; k < IB_KIND_COUNT; k++) {
        const char *s = ib_kind_file_stem((ib_kind)k);
        if (strlen(s) == stem && strncasecmp(s, name, stem) == 0) {
            *kind = (ib_kind)k;
            *is_json = json;
            return IB_OK;
        }
    }
    return IB_EINVAL;
}

static bool has_data_extension(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (strcasecmp(dot, ".csv") == 0 || strcasecmp(dot, ".json") == 0);
}

static int add_source(source_list *l, const char *path, ib_err *err)
{
    source s = {NULL, IB_KIND_PERSON, false, (int)l->n};
    if (ib_import_kind_of_name(path, &s.kind, &s.json) != IB_OK) {
        char names[200];
        expected_names(names, sizeof names);
        return ib_err_set(err, IB_EINVAL,
                          "onbekend bestand %s: verwacht %s (of .json)", path,
                          names);
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        source *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
        l->v = v;
        l->cap = cap;
    }
    if (!(s.path = strdup(path)))
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    l->v[l->n++] = s;
    return IB_OK;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* dir/name, or just name for ".". */
static char *join(const char *dir, const char *name)
{
    size_t dl = strlen(dir);
    if (strcmp(dir, ".") == 0)
        return strdup(name);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    size_t size = dl + strlen(name) + 2;
    char *p = malloc(size);
    if (p)
        snprintf(p, size, "%.*s/%s", (int)dl, dir, name);
    return p;
}

/* The .csv and .json files of a directory, by name. */
static int add_directory(source_list *l, const char *dir, ib_err *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return ib_err_set(err, IB_EIO, "kan map %s niet openen", dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = IB_OK;
    struct dirent *e;
    while (rc == IB_OK && (e = readdir(d))) {
        if (e->d_name[0] == '.' || !has_data_extension(e->d_name))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **p = realloc(names, cap * sizeof *p);
            if (!p) {
                rc = ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
                break;
            }
            names = p;
        }
        if (!(names[n] = join(dir, e->d_name)))
            rc = ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
        else
            n++;
    }
    closedir(d);
    if (rc == IB_OK && n > 0)
        qsort(names, n, sizeof *names, cmp_names);
    if (rc == IB_OK && n == 0)
        rc = ib_err_set(err, IB_EINVAL, "geen .csv- of .json-bestanden in map %s",
                        dir);
    for (size_t i = 0; i < n; i++) {
        if (rc == IB_OK)
            rc = add_source(l, names[i], err);
        free(names[i]);
    }
    free(names);
    return rc;
}

static int cmp_sources(const void *a, const void *b)
{
    const source *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int collect(const char *const *paths, int npaths, source_list *l,
                   ib_err *err)
{
    for (int i = 0; i < npaths; i++) {
        struct stat sb;
        if (stat(paths[i], &sb) != 0)
            return ib_err_set(err, IB_EIO, "%s bestaat niet of is niet te "
                              "lezen", paths[i]);
        int rc = S_ISDIR(sb.st_mode) ? add_directory(l, paths[i], err)
                                     : add_source(l, paths[i], err);
        if (rc != IB_OK)
            return rc;
    }
    if (l->n > 1)
        qsort(l->v, l->n, sizeof *l->v, cmp_sources);
    return IB_OK;
}

/* IB_EINVAL when some row was rejected, else IB_OK. */
static int outcome(const ib_import_report *rep, size_t first, ib_err *err)
{
    int64_t rejected = 0;
    size_t files = 0;
    for (size_t i = first; i < rep->nfiles; i++)
        if (rep->files[i].rejected) {
            rejected += rep->files[i].rejected;
            files++;
        }
    if (!rejected)
        return IB_OK;
    return ib_err_set(err, IB_EINVAL, "%lld %s afgewezen in %zu %s",
                      (long long)rejected, rejected == 1 ? "regel" : "regels",
                      files, files == 1 ? "bestand" : "bestanden");
}

/* Checks the options and applies the actor; nothing is read before. */
static int prepare(ib_store *st, const ib_import_options *opt,
                   ib_import_report *rep, ib_err *err)
{
    if (!st)
        return IB_OK;
    if (!opt || !opt->sender_ref || !opt->sender_ref[0])
        return ib_err_set(err, IB_EINVAL, "geen afzender opgegeven");
    if (opt->actor)
        ib_store_set_actor(st, opt->actor);
    if (opt->dry_run)
        rep->dry_run = true;
    return IB_OK;
}

int ib_import(ib_store *st, const char *const *paths, int npaths,
              const ib_import_options *opt, ib_import_report *rep,
              ib_err *err)
{
    source_list l = {NULL, 0, 0};
    size_t first = rep->nfiles;
    ib_err_clear(err);
    int rc = prepare(st, opt, rep, err);
    if (rc == IB_OK)
        rc = collect(paths, npaths, &l, err);
    if (rc == IB_OK && l.n == 0)
        rc = ib_err_set(err, IB_EINVAL, "geen bestanden opgegeven");
    /* A dry run checks every file as if the files before it were stored:
     * all of them run in one transaction that is rolled back at the end. */
    bool dry_tx = rc == IB_OK && st && opt->dry_run;
    if (dry_tx && (rc = ib_store_begin_bulk(st, err)) != IB_OK)
        dry_tx = false;
    for (size_t i = 0; rc == IB_OK && i < l.n; i++)
        rc = ib_import_one(st, opt, rep, l.v[i].kind, l.v[i].path, l.v[i].json,
                           NULL, 0, (int)i, (int)l.n, err);
    if (dry_tx) {
        ib_err rb;
        int rrc = ib_store_rollback(st, &rb);
        if (rrc != IB_OK && rc == IB_OK) {
            *err = rb;
            rc = rrc;
        }
    }
    /* Files after an abort are listed as not read. */
    for (size_t i = rep->nfiles - first; rc < 0 && rc != IB_EINVAL && i < l.n;
         i++)
        if (!ib_report_add_file(rep, l.v[i].path, l.v[i].kind, l.v[i].json))
            break;
    sources_free(&l);
    return rc == IB_OK ? outcome(rep, first, err) : rc;
}

int ib_import_csv_mem(ib_store *st, ib_kind kind, const char *name,
                      const char *data, size_t len,
                      const ib_import_options *opt, ib_import_report *rep,
                      ib_err *err)
{
    size_t first = rep->nfiles;
    ib_err_clear(err);
    int rc = prepare(st, opt, rep, err);
    if (rc != IB_OK)
        return rc;
    rc = ib_import_one(st, opt, rep, kind, name, false, data ? data : "",
                           data ? len : 0, 0, 1, err);
    return rc == IB_OK ? outcome(rep, first, err) : rc;
}

int ib_import_json(ib_store *st, ib_kind kind, const char *name,
                   const char *data, size_t len,
                   const ib_import_options *opt, ib_import_report *rep,
                   ib_err *err)
{
    size_t first = rep->nfiles;
    ib_err_clear(err);
    int rc = prepare(st, opt, rep, err);
    if (rc != IB_OK)
        return rc;
    rc = ib_import_one(st, opt, rep, kind, name, true, data ? data : "",
                           data ? len : 0, 0, 1, err);
    return rc == IB_OK ? outcome(rep, first, err) : rc;
}

int ib_check_csv_mem(ib_kind kind, const char *name, const char *data,
                     size_t len, ib_import_report *rep, ib_err *err)
{
    size_t first = rep->nfiles;
    ib_err_clear(err);
    int rc = ib_import_one(NULL, NULL, rep, kind, name, false,
                           data ? data : "", data ? len : 0, 0, 1, err);
    return rc == IB_OK ? outcome(rep, first, err) : rc;
}
