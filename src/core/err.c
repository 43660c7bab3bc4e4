/* err.c — the one error type: set, clear and name error codes. */
#include "core/core.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void ib_err_clear(ib_err *err)
{
    /* Not all ~330 bytes: every put of a bulk import clears one or two. */
    if (!err)
        return;
    err->code = IB_OK;
    err->line = 0;
    err->column = 0;
    err->field[0] = '\0';
    err->msg[0] = '\0';
}

static int err_vset(ib_err *err, int code, long line, int column,
                    const char *field, const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));

static int err_vset(ib_err *err, int code, long line, int column,
                    const char *field, const char *fmt, va_list ap)
{
    if (!err)
        return code;
    err->code = code;
    err->line = line;
    err->column = column;
    ib_strlcpy(err->field, field ? field : "", sizeof err->field);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    return code;
}

int ib_err_set(ib_err *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(err, code, 0, 0, NULL, fmt, ap);
    va_end(ap);
    return code;
}

int ib_err_set_at(ib_err *err, int code, long line, int column,
                  const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(err, code, line, column, field, fmt, ap);
    va_end(ap);
    return code;
}

const char *ib_err_code_name(int code)
{
    switch (code) {
    case IB_OK: return "ok";
    case IB_EINVAL: return "ongeldige invoer";
    case IB_ENOMEM: return "onvoldoende geheugen";
    case IB_EIO: return "lees- of schrijffout";
    case IB_ESTORE: return "databasefout";
    case IB_ENOTFOUND: return "niet gevonden";
    case IB_ECONFLICT: return "conflict met opgeslagen gegevens";
    case IB_ECRYPTO: return "sleutel- of versleutelingsfout";
    case IB_ELIMIT: return "limiet overschreden";
    case IB_EDENIED: return "geen toegang";
    case IB_EVERSION: return "databaseversie te nieuw";
    default: return "onbekende fout";
    }
}

bool ib_strlcpy(char *dst, const char *src, size_t size)
{
    if (size == 0)
        return false;
    size_t n = strlen(src);
    if (n >= size) {
        memcpy(dst, src, size - 1);
        dst[size - 1] = '\0';
        return false;
    }
    memcpy(dst, src, n + 1);
    return true;
}
