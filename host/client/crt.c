/*
 * crt.c - the parts of Microsoft's C runtime that Windows tool sources
 * rely on and glibc does not have (windows.h maps the names here):
 *
 *  - printf and friends with MSVC's conversions: %ws, %S (a WCHAR string),
 *    %wc, %C (a WCHAR), %hs, %hc (narrow, whatever the case), and the
 *    I64, I32 and I size prefixes.  WCHAR text is printed as UTF-8; a
 *    precision counts UTF-16 units read and a width counts characters, as
 *    MSVC counts them.  Formats without any of these go to glibc as they are.
 *  - sscanf_s, whose %s, %c and %[ take the destination's size after the
 *    pointer.
 */
#include <windows.h>

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* The real ones from here on. */
#undef printf
#undef fprintf
#undef vprintf
#undef vfprintf
#undef sprintf
#undef snprintf
#undef vsprintf
#undef vsnprintf

enum { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_J, LEN_Z, LEN_T, LEN_BIGL };

typedef struct {
    char Flags[8];
    size_t FlagCount;
    int Width;     /* -1: none */
    int Precision; /* -1: none */
    int Length;    /* LEN_* as glibc spells it */
    int WideChars; /* a WCHAR string or character (MSVC) */
    int Microsoft; /* glibc would not read this one the same way */
    char Conversion;
    size_t Size; /* characters of the format after the '%' */
} SPEC;

/* Parses the conversion after a '%' at Format.  With Args, '*' widths and
 * precisions are fetched; without, they only mark the spec. */
static void ParseSpec(const char *Format, va_list *Args, SPEC *s)
{
    const char *p = Format;

    memset(s, 0, sizeof(*s));
    s->Width = -1;
    s->Precision = -1;
    while (*p != '\0' && strchr("-+ #0'", *p) != NULL) {
        if (s->FlagCount < sizeof(s->Flags) - 2)
            s->Flags[s->FlagCount++] = *p;
        p++;
    }
    if (*p == '*') {
        p++;
        if (Args != NULL) {
            int w = va_arg(*Args, int);
            if (w < 0) {
                if (s->FlagCount < sizeof(s->Flags) - 2)
                    s->Flags[s->FlagCount++] = '-';
                w = w == INT32_MIN ? INT32_MAX : -w;
            }
            s->Width = w;
        }
    } else if (isdigit((unsigned char)*p)) {
        long w = 0;
        while (isdigit((unsigned char)*p)) {
            w = w < 100000000 ? w * 10 + (*p - '0') : w;
            p++;
        }
        s->Width = (int)w;
    }
    if (*p == '.') {
        p++;
        s->Precision = 0;
        if (*p == '*') {
            p++;
            if (Args != NULL) {
                int v = va_arg(*Args, int);
                s->Precision = v < 0 ? -1 : v;
            }
        } else {
            long v = 0;
            while (isdigit((unsigned char)*p)) {
                v = v < 100000000 ? v * 10 + (*p - '0') : v;
                p++;
            }
            s->Precision = (int)v;
        }
    }
    if (p[0] == 'h' && p[1] == 'h') {
        s->Length = LEN_HH;
        p += 2;
    } else if (p[0] == 'l' && p[1] == 'l') {
        s->Length = LEN_LL;
        p += 2;
    } else if (p[0] == 'I' && p[1] == '6' && p[2] == '4') {
        s->Length = LEN_LL;
        s->Microsoft = 1;
        p += 3;
    } else if (p[0] == 'I' && p[1] == '3' && p[2] == '2') {
        s->Microsoft = 1;
        p += 3;
    } else if (*p != '\0' && strchr("hlLqjztIw", *p) != NULL) {
        switch (*p) {
        case 'h': s->Length = LEN_H; break;
        case 'l': s->Length = LEN_L; break;
        case 'L': s->Length = LEN_BIGL; break;
        case 'q': s->Length = LEN_LL; break;
        case 'j': s->Length = LEN_J; break;
        case 'z': s->Length = LEN_Z; break;
        case 't': s->Length = LEN_T; break;
        case 'I': s->Length = LEN_Z; s->Microsoft = 1; break;
        case 'w': s->WideChars = 1; s->Microsoft = 1; break;
        }
        p++;
    }
    s->Conversion = *p;
    if (*p != '\0')
        p++;
    if (s->Conversion == 'S' || s->Conversion == 'C') {
        s->Microsoft = 1;
        s->WideChars = s->Length != LEN_H;
        s->Conversion = s->Conversion == 'S' ? 's' : 'c';
        s->Length = LEN_NONE;
    } else if ((s->Conversion == 's' || s->Conversion == 'c') && s->Length == LEN_H) {
        s->Microsoft = 1; /* %hs, %hc: narrow */
        s->Length = LEN_NONE;
    } else if (s->WideChars && s->Conversion != 's' && s->Conversion != 'c') {
        s->WideChars = 0; /* 'w' means nothing else */
    }
    s->Size = (size_t)(p - Format);
}

static int NeedsUs(const char *Format)
{
    for (const char *p = Format; (p = strchr(p, '%')) != NULL;) {
        SPEC s;
        ParseSpec(p + 1, NULL, &s);
        if (s.Microsoft)
            return 1;
        p += 1 + s.Size;
    }
    return 0;
}

/* UTF-8 of one code point into Out (4 bytes); its length. */
static size_t Utf8(uint32_t c, char *Out)
{
    if (c < 0x80) {
        Out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        Out[0] = (char)(0xC0 | c >> 6);
        Out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        Out[0] = (char)(0xE0 | c >> 12);
        Out[1] = (char)(0x80 | (c >> 6 & 0x3F));
        Out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    Out[0] = (char)(0xF0 | c >> 18);
    Out[1] = (char)(0x80 | (c >> 12 & 0x3F));
    Out[2] = (char)(0x80 | (c >> 6 & 0x3F));
    Out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* The next code point of Units UTF-16 units at *p (lone surrogates are
 * U+FFFD); advances *p. */
static uint32_t NextCodePoint(const uint16_t **p, size_t *Units)
{
    uint32_t c = **p;
    (*p)++;
    (*Units)--;
    if (c >= 0xD800 && c <= 0xDBFF && *Units > 0 && **p >= 0xDC00 && **p <= 0xDFFF) {
        c = 0x10000 + ((c - 0xD800) << 10) + (uint32_t)(**p - 0xDC00);
        (*p)++;
        (*Units)--;
    } else if (c >= 0xD800 && c <= 0xDFFF) {
        c = 0xFFFD;
    }
    return c;
}

static int Pad(FILE *Stream, int Count)
{
    for (int i = 0; i < Count; i++)
        if (putc(' ', Stream) == EOF)
            return -1;
    return Count > 0 ? Count : 0;
}

/* A WCHAR string (Units of it) with width and '-'; bytes written or -1. */
static int PutWide(FILE *Stream, const SPEC *s, const uint16_t *Text, size_t Units)
{
    const uint16_t *p = Text;
    size_t left = Units, chars = 0;
    int written, pad, n, left_align = memchr(s->Flags, '-', s->FlagCount) != NULL;

    while (left > 0) {
        NextCodePoint(&p, &left);
        chars++;
    }
    pad = s->Width > 0 && (size_t)s->Width > chars ? s->Width - (int)chars : 0;
    if ((written = left_align ? 0 : Pad(Stream, pad)) < 0)
        return -1;
    for (p = Text, left = Units; left > 0;) {
        char u[4];
        size_t k = Utf8(NextCodePoint(&p, &left), u);
        if (fwrite(u, 1, k, Stream) != k)
            return -1;
        written += (int)k;
    }
    if (left_align) {
        if ((n = Pad(Stream, pad)) < 0)
            return -1;
        written += n;
    }
    return written;
}

static void StoreCount(void *Where, int Length, long long Count)
{
    switch (Length) {
    case LEN_HH: *(signed char *)Where = (signed char)Count; break;
    case LEN_H: *(short *)Where = (short)Count; break;
    case LEN_L: *(long *)Where = (long)Count; break;
    case LEN_LL: *(long long *)Where = Count; break;
    case LEN_J: *(intmax_t *)Where = Count; break;
    case LEN_Z: *(ssize_t *)Where = (ssize_t)Count; break;
    case LEN_T: *(ptrdiff_t *)Where = (ptrdiff_t)Count; break;
    default: *(int *)Where = (int)Count; break;
    }
}

/* One conversion other than the wide ones, through glibc. */
static int PutOne(FILE *Stream, const SPEC *s, va_list *Args, long long Done)
{
    static const char *const lengths[] = {"", "hh", "h", "l", "ll", "j", "z", "t", "L"};
    char f[48];
    int n = 0;

    n += snprintf(f + n, sizeof(f) - (size_t)n, "%%%.*s", (int)s->FlagCount, s->Flags);
    if (s->Width >= 0)
        n += snprintf(f + n, sizeof(f) - (size_t)n, "%d", s->Width);
    if (s->Precision >= 0)
        n += snprintf(f + n, sizeof(f) - (size_t)n, ".%d", s->Precision);
    snprintf(f + n, sizeof(f) - (size_t)n, "%s%c", lengths[s->Length], s->Conversion);

    switch (s->Conversion) {
    case 'd':
    case 'i':
        switch (s->Length) {
        case LEN_L: return fprintf(Stream, f, va_arg(*Args, long));
        case LEN_LL: return fprintf(Stream, f, va_arg(*Args, long long));
        case LEN_J: return fprintf(Stream, f, va_arg(*Args, intmax_t));
        case LEN_Z: return fprintf(Stream, f, va_arg(*Args, ssize_t));
        case LEN_T: return fprintf(Stream, f, va_arg(*Args, ptrdiff_t));
        default: return fprintf(Stream, f, va_arg(*Args, int));
        }
    case 'u':
    case 'o':
    case 'x':
    case 'X':
        switch (s->Length) {
        case LEN_L: return fprintf(Stream, f, va_arg(*Args, unsigned long));
        case LEN_LL: return fprintf(Stream, f, va_arg(*Args, unsigned long long));
        case LEN_J: return fprintf(Stream, f, va_arg(*Args, uintmax_t));
        case LEN_Z: return fprintf(Stream, f, va_arg(*Args, size_t));
        case LEN_T: return fprintf(Stream, f, va_arg(*Args, ptrdiff_t));
        default: return fprintf(Stream, f, va_arg(*Args, unsigned));
        }
    case 'c':
        if (s->Length == LEN_L)
            return fprintf(Stream, f, va_arg(*Args, wint_t));
        return fprintf(Stream, f, va_arg(*Args, int));
    case 's':
        if (s->Length == LEN_L)
            return fprintf(Stream, f, va_arg(*Args, const wchar_t *));
        return fprintf(Stream, f, va_arg(*Args, const char *));
    case 'p':
        return fprintf(Stream, f, va_arg(*Args, void *));
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G':
    case 'a':
    case 'A':
        if (s->Length == LEN_BIGL)
            return fprintf(Stream, f, va_arg(*Args, long double));
        return fprintf(Stream, f, va_arg(*Args, double));
    case 'n': {
        void *where = va_arg(*Args, void *);
        if (where != NULL)
            StoreCount(where, s->Length, Done);
        return 0;
    }
    case '%':
        return putc('%', Stream) == EOF ? -1 : 1;
    default:
        return -2; /* unknown: the caller prints it as written */
    }
}

int NkVfprintf(FILE *Stream, const char *Format, va_list Args)
{
    va_list ap;
    long long done = 0;
    const char *p = Format;

    if (Format == NULL)
        return -1;
    if (!NeedsUs(Format))
        return vfprintf(Stream, Format, Args);
    va_copy(ap, Args);
    while (*p != '\0') {
        const char *pct = strchr(p, '%');
        size_t literal = pct != NULL ? (size_t)(pct - p) : strlen(p);
        SPEC s;
        int n;

        if (literal != 0 && fwrite(p, 1, literal, Stream) != literal)
            goto fail;
        done += (long long)literal;
        if (pct == NULL)
            break;
        ParseSpec(pct + 1, &ap, &s);
        if (s.WideChars && s.Conversion == 's') {
            const uint16_t *text = va_arg(ap, const uint16_t *);
            size_t units = 0;
            if (text == NULL) {
                static const uint16_t null[] = {'(', 'n', 'u', 'l', 'l', ')'};
                text = null;
                units = 6;
            } else {
                while ((s.Precision < 0 || units < (size_t)s.Precision) && text[units] != 0)
                    units++;
            }
            n = PutWide(Stream, &s, text, units);
        } else if (s.WideChars && s.Conversion == 'c') {
            uint16_t unit = (uint16_t)va_arg(ap, int);
            n = PutWide(Stream, &s, &unit, 1);
        } else {
            n = PutOne(Stream, &s, &ap, done);
            if (n == -2) {
                /* Not a conversion anyone knows: printed as written. */
                n = (int)(1 + s.Size);
                if (fwrite(pct, 1, (size_t)n, Stream) != (size_t)n)
                    goto fail;
            }
        }
        if (n < 0)
            goto fail;
        done += n;
        p = pct + 1 + s.Size;
    }
    va_end(ap);
    return done > INT32_MAX ? -1 : (int)done;
fail:
    va_end(ap);
    return -1;
}

int NkVprintf(const char *Format, va_list Args)
{
    return NkVfprintf(stdout, Format, Args);
}

int NkFprintf(FILE *Stream, const char *Format, ...)
{
    va_list ap;
    int n;
    va_start(ap, Format);
    n = NkVfprintf(Stream, Format, ap);
    va_end(ap);
    return n;
}

int NkPrintf(const char *Format, ...)
{
    va_list ap;
    int n;
    va_start(ap, Format);
    n = NkVfprintf(stdout, Format, ap);
    va_end(ap);
    return n;
}

/* Into a buffer: the whole text is made in memory, then as much of it as
 * fits (and a terminator) copied; the length of the whole is returned, as
 * C's snprintf does. */
int NkVsnprintf(char *Buffer, size_t Size, const char *Format, va_list Args)
{
    char *text = NULL;
    size_t length = 0;
    FILE *f;
    int n;

    if (Format == NULL || (Buffer == NULL && Size != 0))
        return -1;
    if (!NeedsUs(Format))
        return vsnprintf(Buffer, Size, Format, Args);
    if ((f = open_memstream(&text, &length)) == NULL)
        return -1;
    n = NkVfprintf(f, Format, Args);
    if (fclose(f) != 0)
        n = -1;
    if (n >= 0 && Size != 0) {
        size_t k = (size_t)n < Size - 1 ? (size_t)n : Size - 1;
        memcpy(Buffer, text, k);
        Buffer[k] = '\0';
    }
    free(text);
    return n;
}

int NkVsprintf(char *Buffer, const char *Format, va_list Args)
{
    return NkVsnprintf(Buffer, SIZE_MAX, Format, Args); /* sprintf trusts the caller's buffer */
}

int NkSnprintf(char *Buffer, size_t Size, const char *Format, ...)
{
    va_list ap;
    int n;
    va_start(ap, Format);
    n = NkVsnprintf(Buffer, Size, Format, ap);
    va_end(ap);
    return n;
}

int NkSprintf(char *Buffer, const char *Format, ...)
{
    va_list ap;
    int n;
    va_start(ap, Format);
    n = NkVsnprintf(Buffer, SIZE_MAX, Format, ap);
    va_end(ap);
    return n;
}

/* Microsoft's sprintf_s: the text must fit with its terminator; if it does
 * not, the buffer is emptied and -1 returned (MSVC's default handler would
 * end the program instead). */
int sprintf_s(char *Buffer, size_t Size, const char *Format, ...)
{
    va_list ap;
    int n;

    if (Buffer == NULL || Size == 0 || Format == NULL)
        return -1;
    va_start(ap, Format);
    n = NkVsnprintf(Buffer, Size, Format, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= Size) {
        Buffer[0] = '\0';
        return -1;
    }
    return n;
}

/* ---- sscanf_s ---------------------------------------------------------------------- */

int sscanf_s(const char *Buffer, const char *Format, ...)
{
    const char *in = Buffer, *f = Format;
    int assigned = 0, converted = 0;
    va_list ap;

    if (Buffer == NULL || Format == NULL)
        return EOF;
    va_start(ap, Format);
    while (*f != '\0') {
        if (isspace((unsigned char)*f)) {
            while (isspace((unsigned char)*f))
                f++;
            while (isspace((unsigned char)*in))
                in++;
            continue;
        }
        if (*f != '%' || f[1] == '%') {
            if (*f == '%') {
                f++;
                while (isspace((unsigned char)*in))
                    in++;
            }
            if (*in == '\0')
                goto input_end;
            if (*in != *f)
                break;
            in++;
            f++;
            continue;
        }
        /* One conversion: %[*][width][length]conversion, scanned by
         * glibc's sscanf on its own with %n after it. */
        const char *spec = ++f, *mod;
        int suppress = 0, consumed = -1, r;
        unsigned long width = 0;
        char sub[64], conv;
        size_t setLength = 0;

        if (*f == '*') {
            suppress = 1;
            f++;
        }
        while (isdigit((unsigned char)*f)) {
            width = width < 100000000ul ? width * 10 + (unsigned long)(*f - '0') : width;
            f++;
        }
        mod = f;
        while (*f != '\0' && strchr("hlLqjzt", *f) != NULL)
            f++;
        conv = *f;
        if (conv == '\0')
            break;
        if (conv == '[') {
            const char *e = f + 1;
            if (*e == '^')
                e++;
            if (*e == ']')
                e++;
            while (*e != '\0' && *e != ']')
                e++;
            if (*e == '\0')
                break; /* an unterminated scanset */
            setLength = (size_t)(e - f) + 1;
        } else {
            setLength = 1;
        }
        if ((conv == 's' || conv == 'c' || conv == '[') && f > spec + suppress &&
            strchr("hlLqjzt", f[-1]) != NULL) {
            break; /* wide destinations are not offered */
        }
        if (conv == 'S' || conv == 'C')
            break;
        if (conv == 'n') {
            if (!suppress) {
                /* Stored at the size its length modifier names (%hhn: one byte). */
                size_t k = (size_t)(f - mod);
                int length = k == 2 && mod[0] == 'h'                            ? LEN_HH
                             : k == 2 && mod[0] == 'l'                          ? LEN_LL
                             : k == 1 && mod[0] == 'h'                          ? LEN_H
                             : k == 1 && mod[0] == 'l'                          ? LEN_L
                             : k == 1 && (mod[0] == 'L' || mod[0] == 'q')       ? LEN_LL
                             : k == 1 && mod[0] == 'j'                          ? LEN_J
                             : k == 1 && mod[0] == 'z'                          ? LEN_Z
                             : k == 1 && mod[0] == 't'                          ? LEN_T
                                                                                : LEN_NONE;
                void *where = va_arg(ap, void *);
                if (where != NULL)
                    StoreCount(where, length, (long long)(in - Buffer));
            }
            f++;
            continue;
        }
        if (!suppress && (conv == 's' || conv == 'c' || conv == '[')) {
            char *dst = va_arg(ap, char *);
            unsigned size = va_arg(ap, unsigned);
            unsigned long limit;
            char *tmp;

            if (dst == NULL || size == 0)
                break;
            if (conv == 'c') {
                /* The characters read must fit, not the width asked for:
                 * %5c of "abc" into 3 bytes is fine, as in msvcrt. */
                limit = width != 0 ? width : 1;
            } else {
                limit = width != 0 && width < size ? width : size; /* one more than fits: detects overflow */
            }
            if (setLength + 40 > sizeof(sub)) {
                char *big = malloc(setLength + 40);
                if (big == NULL)
                    break;
                snprintf(big, setLength + 40, "%%%lu%.*s%%n", limit, (int)setLength, f);
                tmp = malloc(limit + 1);
                r = tmp != NULL ? sscanf(in, big, tmp, &consumed) : 0;
                free(big);
            } else {
                snprintf(sub, sizeof(sub), "%%%lu%.*s%%n", limit, (int)setLength, f);
                tmp = malloc(limit + 1);
                r = tmp != NULL ? sscanf(in, sub, tmp, &consumed) : 0;
            }
            if (tmp == NULL)
                break;
            if (r == EOF || consumed < 0) {
                free(tmp);
                if (r == EOF)
                    goto input_end;
                break;
            }
            if (conv == 'c' ? (unsigned long)consumed > size : strlen(tmp) >= size) {
                dst[0] = '\0'; /* does not fit: emptied, and the scan ends */
                free(tmp);
                break;
            }
            memcpy(dst, tmp, conv == 'c' ? (size_t)consumed : strlen(tmp) + 1);
            free(tmp);
            assigned++;
        } else {
            void *dst = suppress ? NULL : va_arg(ap, void *);
            size_t specLength = (size_t)(f - spec) + setLength;
            char *big = NULL, *use = sub;

            if (specLength + 8 > sizeof(sub)) {
                if ((big = malloc(specLength + 8)) == NULL)
                    break;
                use = big;
            }
            snprintf(use, specLength + 8, "%%%.*s%%n", (int)specLength, spec);
            r = suppress ? sscanf(in, use, &consumed) : sscanf(in, use, dst, &consumed);
            free(big);
            if (r == EOF)
                goto input_end;
            if (consumed < 0)
                break;
            if (!suppress)
                assigned++;
        }
        converted++;
        in += consumed;
        f += setLength;
    }
    va_end(ap);
    return assigned;
input_end:
    va_end(ap);
    return converted == 0 && assigned == 0 ? EOF : assigned;
}
