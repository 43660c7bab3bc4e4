/* rate_limit.c — login attempts per client address, as a generic cell
 * rate algorithm (a token bucket kept as one time stamp per address).
 *
 * An address may make `per_minute` attempts at once; after that one more
 * each 60/per_minute seconds. Unlike a count per calendar minute, a burst
 * cannot be doubled by straddling the turn of a minute, and the answer does
 * not depend on when in the minute the attempts fall. */
#include "http/http_internal.h"

#include <string.h>

void ib_rate_init(ib_rate_limiter *rl, unsigned per_minute)
{
    memset(rl, 0, sizeof *rl);
    rl->per_minute = per_minute;
    pthread_mutex_init(&rl->lock, NULL);
}

void ib_rate_destroy(ib_rate_limiter *rl)
{
    pthread_mutex_destroy(&rl->lock);
}

/* The slot of `addr`, or the one whose allowance was used longest ago
 * (an idle or empty slot) taken over for it. */
static ib_rate_slot *slot_for(ib_rate_limiter *rl, const char *addr)
{
    ib_rate_slot *oldest = &rl->slots[0];
    for (size_t i = 0; i < IB_HTTP_RATE_SLOTS; i++) {
        ib_rate_slot *s = &rl->slots[i];
        if (s->addr[0] && strcmp(s->addr, addr) == 0)
            return s;
        if (s->tat_us < oldest->tat_us)
            oldest = s;
    }
    ib_strlcpy(oldest->addr, addr, sizeof oldest->addr);
    oldest->tat_us = 0;
    return oldest;
}

bool ib_rate_take(ib_rate_limiter *rl, const char *addr, int64_t now_us,
                  unsigned *retry_after)
{
    const int64_t interval = 60000000 / (int64_t)rl->per_minute;
    const int64_t burst = 60000000 - interval;   /* how far ahead tat may run */
    bool ok;
    pthread_mutex_lock(&rl->lock);
    ib_rate_slot *slot = slot_for(rl, addr);
    int64_t tat = slot->tat_us > now_us ? slot->tat_us : now_us;
    int64_t wait = tat - burst - now_us;
    ok = wait <= 0;
    if (ok)
        slot->tat_us = tat + interval;
    pthread_mutex_unlock(&rl->lock);
    /* Whole seconds, rounded up, and at least one when refused. */
    *retry_after = ok ? 0 : (unsigned)((wait + 999999) / 1000000);
    return ok;
}
