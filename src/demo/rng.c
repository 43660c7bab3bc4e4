/* rng.c — the generator's random numbers: xoshiro256** seeded by
 * splitmix64 (both public domain, Blackman & Vigna), and the few
 * distributions the model draws from. Not rand(): the output must be the
 * same on every platform and C library. */
#include <math.h>

#include "demo/demo_internal.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

void drng_seed(drng *r, uint64_t seed, uint64_t stream)
{
    /* Mix the stream in through a second splitmix round so that streams of
     * neighbouring seeds do not overlap. */
    uint64_t x = seed;
    uint64_t k = splitmix64(&x) ^ (stream * 0xD1B54A32D192ED03u);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&k);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t drng_next(drng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double drng_unif(drng *r)
{
    return (double)(drng_next(r) >> 11) * 0x1.0p-53;
}

int32_t drng_int(drng *r, int32_t n)
{
    return (int32_t)(drng_unif(r) * (double)n);
}

int32_t drng_range(drng *r, int32_t lo, int32_t hi)
{
    return lo + drng_int(r, hi - lo + 1);
}

bool drng_chance(drng *r, double p)
{
    return drng_unif(r) < p;
}

size_t drng_pick(drng *r, const double *w, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += w[i];
    double u = drng_unif(r) * sum;
    for (size_t i = 0; i + 1 < n; i++) {
        if (u < w[i])
            return i;
        u -= w[i];
    }
    return n - 1;
}

size_t drng_pick_cum(drng *r, const double *cum, size_t n)
{
    double u = drng_unif(r) * cum[n - 1];
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (u < cum[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

double drng_exp(drng *r, double mean)
{
    return -mean * log(1.0 - drng_unif(r));
}
