/* static.c — the web application's files from one folder. The request path
 * (already percent-decoded by libmicrohttpd) may not contain "..", "\\" or
 * hidden segments, and the resolved real path must lie inside the folder,
 * so neither traversal nor a symbolic link leads outside it. */
#include "http/http_internal.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATIC_FILE_MAX (16u * 1024 * 1024)

static const char *content_type(const char *path)
{
    static const struct { const char *ext, *type; } types[] = {
        {".html", "text/html; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"}, {".mjs", "text/javascript; charset=utf-8"},
        {".json", "application/json"}, {".svg", "image/svg+xml"},
        {".png", "image/png"}, {".ico", "image/x-icon"}, {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"}};
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof *types; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

static bool segments_are_safe(const char *path)
{
    if (strchr(path, '\\') || strstr(path, "//"))
        return false;
    for (const char *p = path; (p = strchr(p, '/')) != NULL; p++)
        if (p[1] == '.')               /* "..", "." and hidden files */
            return false;
    return true;
}

bool ib_static_serve(hreq *req, hresp *resp)
{
    const ib_http_server *srv = req->srv;
    if (!srv->static_root[0] ||
        (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0))
        return false;
    if (!segments_are_safe(req->path))
        return false;
    char want[4096], real[PATH_MAX];
    const char *rel = strcmp(req->path, "/") == 0 ? "/index.html" : req->path;
    int n = snprintf(want, sizeof want, "%s%s", srv->static_root, rel);
    if (n < 0 || (size_t)n >= sizeof want || !realpath(want, real))
        return false;
    size_t rootlen = strlen(srv->static_root);
    if (strncmp(real, srv->static_root, rootlen) != 0 || real[rootlen] != '/')
        return false;
    int fd = open(real, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat sb;
    char *buf = NULL;
    bool ok = false;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size >= 0 &&
        (uint64_t)sb.st_size <= STATIC_FILE_MAX &&
        (buf = malloc((size_t)sb.st_size + 1)) != NULL) {
        size_t got = 0, want_len = (size_t)sb.st_size;
        while (got < want_len) {
            ssize_t r = read(fd, buf + got, want_len - got);
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        ok = got == want_len;
    }
    close(fd);
    if (!ok) {
        free(buf);
        return false;
    }
    free(resp->body);
    resp->body = buf;
    resp->len = (size_t)sb.st_size;
    resp->status = 200;
    resp->content_type = content_type(real);
    resp->etag = true;
    return true;
}
