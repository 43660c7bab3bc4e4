/* table.c — zeroed memory for large hash tables probed at random (the
 * import's key set, the store's ref caches). From 2 MiB on it is an
 * anonymous mapping aligned to 2 MiB and marked for transparent huge pages:
 * a probe into a table of tens of megabytes then costs a cache miss but no
 * TLB miss with its page walk, and the first touch of every 4 KiB no page
 * fault. Smaller tables come from calloc. */
#include "core/core.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#define HUGE_PAGE ((size_t)2 << 20)

static size_t mapped_size(size_t bytes)
{
    return (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
}

void *ib_table_alloc(size_t bytes)
{
    if (bytes < HUGE_PAGE)
        return calloc(1, bytes ? bytes : 1);
    size_t len = mapped_size(bytes);
    if (len < bytes || len + HUGE_PAGE < len)
        return NULL;
    /* One huge page more than needed, to cut an aligned range out of it. */
    char *p = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    size_t head = (HUGE_PAGE - (uintptr_t)p % HUGE_PAGE) % HUGE_PAGE;
    if (head > 0)
        munmap(p, head);
    if (HUGE_PAGE - head > 0)
        munmap(p + head + len, HUGE_PAGE - head);
#ifdef MADV_HUGEPAGE
    madvise(p + head, len, MADV_HUGEPAGE);  /* a hint; refused is no error */
#endif
    return p + head;
}

void ib_table_free(void *p, size_t bytes)
{
    if (!p)
        return;
    if (bytes < HUGE_PAGE)
        free(p);
    else
        munmap(p, mapped_size(bytes));
}
