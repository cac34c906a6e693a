/*
 * debug.c - DbgPrint and DbgPrintEx into the host kernel's log.
 *
 * The kernel's printf differs from C's in the conversions drivers rely on:
 * %wZ takes a PUNICODE_STRING and %ws / %S / %ls a NUL-terminated UTF-16
 * string (WCHAR is 16-bit on both targets here, so glibc's %ls would read
 * them wrongly).  Format() below handles those itself and passes every
 * other conversion to snprintf one at a time.  Non-ASCII UTF-16 is shown
 * as '?': the log is for people and tests, not for round trips.
 */
#include "nt_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NK_LOG_MAX (1u << 20)

static pthread_mutex_t LogLock = PTHREAD_MUTEX_INITIALIZER;
static char *Log;
static size_t LogLength;

VOID NkLogAppend(const char *Line)
{
    size_t n = strlen(Line);
    pthread_mutex_lock(&LogLock);
    if (Log == NULL)
        Log = malloc(NK_LOG_MAX);
    if (Log != NULL) {
        if (LogLength + n + 1 > NK_LOG_MAX)
            LogLength = 0; /* a full log starts over: tests look at recent lines */
        memcpy(Log + LogLength, Line, n + 1);
        LogLength += n;
    }
    pthread_mutex_unlock(&LogLock);
}

VOID NkLogReset(VOID)
{
    pthread_mutex_lock(&LogLock);
    LogLength = 0;
    if (Log != NULL)
        Log[0] = '\0';
    pthread_mutex_unlock(&LogLock);
}

BOOLEAN NkHostLogContains(const char *Needle)
{
    BOOLEAN found;
    pthread_mutex_lock(&LogLock);
    found = Log != NULL && LogLength != 0 && strstr(Log, Needle) != NULL;
    pthread_mutex_unlock(&LogLock);
    return found;
}

typedef struct _NK_FMT_OUT {
    char *Buffer;
    size_t Size, Length;
} NK_FMT_OUT;

static void Put(NK_FMT_OUT *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (o->Length + 1 < o->Size)
            o->Buffer[o->Length] = s[i];
        o->Length++;
    }
    if (o->Size)
        o->Buffer[o->Length < o->Size ? o->Length : o->Size - 1] = '\0';
}

static void PutWide(NK_FMT_OUT *o, const WCHAR *s, size_t chars)
{
    for (size_t i = 0; i < chars; i++) {
        char c = s[i] < 0x80 ? (char)s[i] : '?';
        Put(o, &c, 1);
    }
}

static void Format(NK_FMT_OUT *o, const char *f, va_list ap)
{
    while (*f) {
        char spec[32], tmp[512];
        size_t n = 0;
        const char *start = f;
        int longs = 0, size = 0;

        if (*f != '%') {
            Put(o, f++, 1);
            continue;
        }
        f++;
        if (*f == '%') {
            Put(o, "%", 1);
            f++;
            continue;
        }
        /* flags, width, precision */
        while (*f && strchr("-+ #0", *f))
            f++;
        int star_width = 0, star_prec = 0;
        if (*f == '*') {
            star_width = 1;
            f++;
        } else {
            while (*f >= '0' && *f <= '9')
                f++;
        }
        if (*f == '.') {
            f++;
            if (*f == '*') {
                star_prec = 1;
                f++;
            } else {
                while (*f >= '0' && *f <= '9')
                    f++;
            }
        }
        /* length: h hh l ll z I64 w */
        const char *lenstart = f;
        if (*f == 'w' && f[1] == 'Z') {
            PCUNICODE_STRING u = va_arg(ap, PCUNICODE_STRING);
            if (u == NULL || u->Buffer == NULL)
                Put(o, "(null)", 6);
            else
                PutWide(o, u->Buffer, u->Length / sizeof(WCHAR));
            f += 2;
            continue;
        }
        if ((*f == 'w' && f[1] == 's') || (*f == 'l' && f[1] == 's') || *f == 'S') {
            const WCHAR *w = va_arg(ap, const WCHAR *);
            size_t len = 0;
            if (w == NULL) {
                Put(o, "(null)", 6);
            } else {
                while (w[len])
                    len++;
                PutWide(o, w, len);
            }
            f += *f == 'S' ? 1 : 2;
            continue;
        }
        if (f[0] == 'I' && f[1] == '6' && f[2] == '4') {
            size = 8;
            f += 3;
        } else {
            while (*f == 'h' || *f == 'l' || *f == 'z' || *f == 'j' || *f == 't') {
                if (*f == 'l')
                    longs++;
                if (*f == 'z' || *f == 'j' || *f == 't')
                    size = 8;
                f++;
            }
        }
        if (*f == '\0')
            break;
        /* Rebuild the spec from the flags, width and precision, with C's
         * length modifier.  ULONG is 32-bit on both targets, so "%lx" means
         * 32 bits here as on Windows: only ll, I64 and z/j/t are 64-bit. */
        n = (size_t)(lenstart - start);
        if (n > 20)
            n = 20;
        memcpy(spec, start, n);
        spec[n] = '\0';
        int width = star_width ? va_arg(ap, int) : 0;
        int prec = star_prec ? va_arg(ap, int) : 0;
        char conv = *f++;
        BOOLEAN wide = size == 8 || longs >= 2;
        size_t sl = strlen(spec);
        switch (conv) {
        case 'd': case 'i': case 'u': case 'x': case 'X': case 'o':
            if (wide) {
                memcpy(spec + sl, "ll", 2);
                sl += 2;
            }
            spec[sl++] = conv;
            spec[sl] = '\0';
            if (wide) {
                long long v = va_arg(ap, long long);
                if (star_width && star_prec) snprintf(tmp, sizeof tmp, spec, width, prec, v);
                else if (star_width || star_prec) snprintf(tmp, sizeof tmp, spec, star_width ? width : prec, v);
                else snprintf(tmp, sizeof tmp, spec, v);
            } else {
                int v = va_arg(ap, int);
                if (star_width && star_prec) snprintf(tmp, sizeof tmp, spec, width, prec, v);
                else if (star_width || star_prec) snprintf(tmp, sizeof tmp, spec, star_width ? width : prec, v);
                else snprintf(tmp, sizeof tmp, spec, v);
            }
            break;
        case 'c': {
            int v = va_arg(ap, int);
            spec[sl++] = 'c';
            spec[sl] = '\0';
            snprintf(tmp, sizeof tmp, spec, v);
            break;
        }
        case 's': {
            const char *v = va_arg(ap, const char *);
            spec[sl++] = 's';
            spec[sl] = '\0';
            if (star_width && star_prec) snprintf(tmp, sizeof tmp, spec, width, prec, v ? v : "(null)");
            else if (star_width || star_prec) snprintf(tmp, sizeof tmp, spec, star_width ? width : prec, v ? v : "(null)");
            else snprintf(tmp, sizeof tmp, spec, v ? v : "(null)");
            break;
        }
        case 'p': {
            void *v = va_arg(ap, void *);
            snprintf(tmp, sizeof tmp, "%016llX", (unsigned long long)(ULONG_PTR)v);
            break;
        }
        default:
            snprintf(tmp, sizeof tmp, "%%%c", conv);
            break;
        }
        Put(o, tmp, strlen(tmp));
    }
}

static ULONG Print(const char *Format_, va_list ap)
{
    char line[1024];
    NK_FMT_OUT o = {line, sizeof(line), 0};
    static int toStderr = -1;

    Format(&o, Format_, ap);
    NkLogAppend(line);
    if (toStderr < 0) {
        const char *e = getenv("NDISKIT_HOST_DBGPRINT");
        toStderr = e != NULL && e[0] == '1';
    }
    if (toStderr)
        fputs(line, stderr);
    return 0; /* STATUS_SUCCESS */
}

ULONG __cdecl DbgPrint(PCSTR Format_, ...)
{
    va_list ap;
    ULONG r;
    va_start(ap, Format_);
    r = Print(Format_, ap);
    va_end(ap);
    return r;
}

ULONG __cdecl DbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format_, ...)
{
    va_list ap;
    ULONG r;
    (void)ComponentId;
    (void)Level; /* the host logs every level; Windows filters by the debug filter mask */
    va_start(ap, Format_);
    r = Print(Format_, ap);
    va_end(ap);
    return r;
}
