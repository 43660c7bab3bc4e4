/* audit_head.c — the heads of the audit logs and the anchor (see
 * store_internal.h and store.h): a head as one line of text with a keyed
 * BLAKE2b MAC over its fields, and the anchor's few lines of text that an
 * administrator keeps elsewhere. Backend-neutral. */
#include "store/store_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEAD_VERSION 1
#define MAC_HEX (2 * crypto_generichash_BYTES + 1)

static void mac_i64(crypto_generichash_state *h, int64_t v)
{
    uint8_t b[8];
    uint64_t u = (uint64_t)v;
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(u >> (8 * i));
    crypto_generichash_update(h, b, sizeof b);
}

static void mac_str(crypto_generichash_state *h, const char *s)
{
    size_t len = strlen(s);
    mac_i64(h, (int64_t)len);
    crypto_generichash_update(h, (const uint8_t *)s, len);
}

static void head_mac(const ib_crypto *c, const ib_audit_head *hd, char out[MAC_HEX])
{
    uint8_t mac[crypto_generichash_BYTES];
    crypto_generichash_state h;
    crypto_generichash_init(&h, c->head_key, sizeof c->head_key, sizeof mac);
    mac_i64(&h, HEAD_VERSION);
    mac_str(&h, hd->log);
    mac_i64(&h, hd->count);
    mac_str(&h, hd->hash);
    mac_str(&h, hd->link_log);
    mac_i64(&h, hd->link_count);
    mac_str(&h, hd->link_hash);
    crypto_generichash_final(&h, mac, sizeof mac);
    sodium_bin2hex(out, MAC_HEX, mac, sizeof mac);
}

/* Empty text is stored as "-", so that every field is one word. */
static const char *word(const char *s)
{
    return s[0] ? s : "-";
}

static void unword(char *s)
{
    if (strcmp(s, "-") == 0)
        s[0] = '\0';
}

void ib_audit_head_format(const ib_crypto *c, const ib_audit_head *h,
                          char out[IB_AUDIT_HEAD_TEXT])
{
    char mac[MAC_HEX];
    head_mac(c, h, mac);
    snprintf(out, IB_AUDIT_HEAD_TEXT, "%d %s %" PRId64 " %s %s %" PRId64 " %s %s",
             HEAD_VERSION, h->log, h->count, word(h->hash), word(h->link_log),
             h->link_count, word(h->link_hash), mac);
}

int ib_audit_head_parse(const ib_crypto *c, const char *text, const char *log,
                        ib_audit_head *h, ib_err *err)
{
    int version = 0;
    long long count = 0, link_count = 0;
    char mac[MAC_HEX + 1], want[MAC_HEX], tail;
    memset(h, 0, sizeof *h);
    int n = sscanf(text, "%d %32s %lld %64s %32s %lld %64s %65s %c", &version, h->log,
                   &count, h->hash, h->link_log, &link_count, h->link_hash, mac, &tail);
    if (n != 8 || version != HEAD_VERSION || count < 0 || link_count < 0)
        return ib_err_set(err, IB_ECONFLICT, "%s: de kop is onleesbaar (gewijzigd)", log);
    h->count = count;
    h->link_count = link_count;
    unword(h->hash);
    unword(h->link_log);
    unword(h->link_hash);
    head_mac(c, h, want);
    if (sodium_memcmp(want, mac, sizeof want) != 0)
        return ib_err_set(err, IB_ECONFLICT, "%s: de kop is gewijzigd (het kenmerk "
                                             "past er niet bij)", log);
    return IB_OK;
}

/* ------------------------------------------------------------ the anchor */

#define ANCHOR_MAGIC "inbeeld-auditanker 1"

void ib_audit_anchor_format(const ib_audit_anchor *a, char *out, size_t size)
{
    snprintf(out, size,
             ANCHOR_MAGIC "\n"
             "tijdstip %s\n"
             "wijzigingslog %" PRId64 " %s\n"
             "leeslog %s %" PRId64 " %s\n",
             word(a->at), a->changes, word(a->changes_hash), word(a->reads_log),
             a->reads, word(a->reads_hash));
}

static bool is_hex(const char *s, size_t len)
{
    if (strlen(s) != len)
        return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

/* One log's count and hash: the hash is "" exactly when the count is 0. */
static bool count_and_hash_fit(long long count, const char *hash)
{
    return count == 0 ? hash[0] == '\0' : count > 0 && is_hex(hash, 64);
}

static int parse_line(const char *line, int lineno, ib_audit_anchor *a, unsigned *seen,
                      ib_err *err)
{
    char key[16], v1[80], v2[80], v3[80], tail;
    int n = sscanf(line, "%15s %79s %79s %79s %c", key, v1, v2, v3, &tail);
    long long count;
    bool ok = false;
    if (n == 2 && strcmp(key, "tijdstip") == 0) {
        ok = strlen(v1) < sizeof a->at;
        ib_strlcpy(a->at, v1, sizeof a->at);
        *seen |= 1;
    } else if (n == 3 && strcmp(key, "wijzigingslog") == 0) {
        unword(v2);
        count = strtoll(v1, NULL, 10);
        ok = count_and_hash_fit(count, v2);
        a->changes = count;
        ib_strlcpy(a->changes_hash, v2, sizeof a->changes_hash);
        *seen |= 2;
    } else if (n == 4 && strcmp(key, "leeslog") == 0) {
        unword(v1);
        unword(v3);
        count = strtoll(v2, NULL, 10);
        ok = (v1[0] ? is_hex(v1, 32) : count == 0) && count_and_hash_fit(count, v3);
        ib_strlcpy(a->reads_log, v1, sizeof a->reads_log);
        a->reads = count;
        ib_strlcpy(a->reads_hash, v3, sizeof a->reads_hash);
        *seen |= 4;
    }
    return ok ? IB_OK
              : ib_err_set(err, IB_EINVAL, "anker, regel %d: '%.60s' is geen regel van "
                                           "een auditanker", lineno, line);
}

int ib_audit_anchor_parse(const char *text, ib_audit_anchor *out, ib_err *err)
{
    ib_err_clear(err);
    memset(out, 0, sizeof *out);
    size_t magic = strlen(ANCHOR_MAGIC);
    if (strncmp(text, ANCHOR_MAGIC, magic) != 0 ||
        (text[magic] != '\n' && text[magic] != '\r'))
        return ib_err_set(err, IB_EINVAL, "geen auditanker (de eerste regel hoort "
                                          "'" ANCHOR_MAGIC "' te zijn)");
    unsigned seen = 0;
    int lineno = 1;
    for (const char *p = strchr(text, '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
        char line[256];
        size_t len = strcspn(p + 1, "\r\n");
        lineno++;
        if (len == 0)
            continue;
        if (len >= sizeof line)
            return ib_err_set(err, IB_EINVAL, "anker, regel %d: te lang", lineno);
        memcpy(line, p + 1, len);
        line[len] = '\0';
        int rc = parse_line(line, lineno, out, &seen, err);
        if (rc)
            return rc;
    }
    return seen == 7 ? IB_OK
                     : ib_err_set(err, IB_EINVAL, "het anker is onvolledig (tijdstip, "
                                                  "wijzigingslog en leeslog horen erin)");
}
