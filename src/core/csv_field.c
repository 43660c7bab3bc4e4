/* csv_field.c — one CSV field out, for every CSV that inbeeld writes
 * outside the exchange-format export (monitor intervals, figures, API). */
#include "core/core.h"

#include <string.h>

void ib_csv_put_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}
