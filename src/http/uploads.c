/* uploads.c — the progress of running imports, kept in memory so that the
 * client that named its upload (POST /api/v1/imports?upload=ID) can follow
 * it from another connection (GET /api/v1/imports/progress/{id}) while the
 * server reads, checks and stores the rows. Bounded: a fixed number of
 * slots; a finished import is kept a minute for the last look, then its
 * slot is reused. */
#include "http/http_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define UPLOADS_MAX 64
#define KEEP_AFTER_END_S 60

typedef struct upload_slot {
    bool used;
    int64_t ended_at;           /* monotonic seconds; 0 while running */
    ib_upload_state state;
} upload_slot;

struct ib_uploads {
    pthread_mutex_t lock;
    upload_slot slots[UPLOADS_MAX];
};

static int64_t now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec;
}

int ib_uploads_new(ib_uploads **out, ib_err *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    pthread_mutex_init(&(*out)->lock, NULL);
    return IB_OK;
}

void ib_uploads_free(ib_uploads *u)
{
    if (!u)
        return;
    pthread_mutex_destroy(&u->lock);
    free(u);
}

bool ib_upload_id_is_valid(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > IB_UPLOAD_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    }
    return true;
}

static bool is_expired(const upload_slot *s, int64_t now)
{
    return s->ended_at > 0 && now - s->ended_at >= KEEP_AFTER_END_S;
}

/* The slot for id: the one holding it (reusable when it is the same
 * user's finished upload), else a free or expired one. */
static int find_slot(ib_uploads *u, const char *id, int64_t user_id, int64_t now,
                     ib_err *err)
{
    int free_slot = -1;
    for (int i = 0; i < UPLOADS_MAX; i++) {
        upload_slot *s = &u->slots[i];
        if (s->used && !is_expired(s, now) && strcmp(s->state.id, id) == 0) {
            if (s->ended_at > 0 && s->state.user_id == user_id)
                return i;
            return ib_err_set(err, IB_ECONFLICT, "upload %s is al in gebruik", id);
        }
        if (free_slot < 0 && (!s->used || is_expired(s, now)))
            free_slot = i;
    }
    if (free_slot < 0)
        return ib_err_set(err, IB_ELIMIT, "te veel leveringen tegelijk");
    return free_slot;
}

int ib_uploads_begin(ib_uploads *u, const char *id, int64_t user_id, ib_kind kind,
                     int *slot, ib_err *err)
{
    ib_err_clear(err);
    pthread_mutex_lock(&u->lock);
    int i = find_slot(u, id, user_id, now_s(), err);
    if (i >= 0) {
        upload_slot *s = &u->slots[i];
        memset(s, 0, sizeof *s);
        s->used = true;
        ib_strlcpy(s->state.id, id, sizeof s->state.id);
        s->state.user_id = user_id;
        s->state.kind = kind;
        *slot = i;
    }
    pthread_mutex_unlock(&u->lock);
    return i >= 0 ? IB_OK : i;
}

void ib_uploads_update(ib_uploads *u, int slot, const ib_import_progress *p)
{
    pthread_mutex_lock(&u->lock);
    ib_upload_state *st = &u->slots[slot].state;
    st->phase = p->phase;
    st->position = p->bytes_read;
    st->size = p->bytes_total;
    st->rows = p->rows;
    st->stored = p->stored;
    st->rejected = p->rejected;
    pthread_mutex_unlock(&u->lock);
}

void ib_uploads_end(ib_uploads *u, int slot, unsigned status)
{
    pthread_mutex_lock(&u->lock);
    upload_slot *s = &u->slots[slot];
    s->state.finished = true;
    s->state.status = status;
    s->ended_at = now_s();
    if (s->ended_at == 0)       /* 0 means running */
        s->ended_at = 1;
    pthread_mutex_unlock(&u->lock);
}

bool ib_uploads_get(ib_uploads *u, const char *id, int64_t user_id, ib_upload_state *out)
{
    bool found = false;
    int64_t now = now_s();
    pthread_mutex_lock(&u->lock);
    for (int i = 0; i < UPLOADS_MAX && !found; i++) {
        const upload_slot *s = &u->slots[i];
        if (s->used && !is_expired(s, now) && strcmp(s->state.id, id) == 0 &&
            s->state.user_id == user_id) {
            *out = s->state;
            found = true;
        }
    }
    pthread_mutex_unlock(&u->lock);
    return found;
}
