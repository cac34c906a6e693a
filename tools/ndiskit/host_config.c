/*
 * host_config.c - the `ndiskit host run --config FILE` format: the
 * registry values drivers read (a protocol's Parameters, its per-adapter
 * keys, a miniport instance's INF parameters), by the role of their key.
 *
 *     # a comment (';' too), alone or after anything outside a "string"
 *     [service mux]              ...\Services\mux\Parameters
 *     [binding mux veth0]        ...\Services\mux\Parameters\Adapters\<key of the adapter
 *                                   --adapter veth0 or --loopback veth0 names>
 *     [instance \Device\{A1}]    <network class key>\{A1}: a miniport instance's parameters
 *     [key \Registry\...]        that key, for anything else
 *     Name = 10                  REG_DWORD: 0 to 4294967295, decimal (no leading 0) or 0x + 1-8 hex digits
 *     Name = text                REG_SZ: bare text (no '"', ',', ';' or '#'; blanks around it dropped)
 *     Name = "text"              REG_SZ: "" inside is one '"'; "" alone is the empty string
 *     Name = multi: a, "b, c"    REG_MULTI_SZ: strings separated by commas (none: an empty list)
 *     Name = hex: 01,0a,ff       REG_BINARY: bytes, two hex digits each, separated by commas
 *
 * The file is UTF-8 (an initial BOM is skipped), lines end with LF or
 * CRLF and hold at most HOST_CONFIG_MAX_LINE bytes; no NUL or other control
 * character but tab.  Section kinds, hex: and multi: are lower case.
 * Names, keys and section arguments are printable ASCII; strings may hold
 * any UTF-8 (stored as UTF-16).  A value -5 or 010 is an error, not a
 * string: quote it.  A key may be named by several sections (its values
 * add up), but a value set twice for one key - by any sections - is an
 * error.  Every error names its line; the first one ends the parse.
 */
#include "host_config.h"
#include "util.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest file taken: far beyond any configuration. */
#define MAX_FILE (4u << 20)

typedef struct {
    unsigned line;
    char *err;
    size_t errlen;
} CTX;

static int Fail(CTX *c, const char *Format, ...) __attribute__((format(printf, 2, 3)));
static int Fail(CTX *c, const char *Format, ...)
{
    va_list ap;
    va_start(ap, Format);
    vsnprintf(c->err, c->errlen, Format, ap);
    va_end(ap);
    return -1;
}

static bool Blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

static void Trim(const char **s, const char **e)
{
    while (*s < *e && Blank(**s))
        (*s)++;
    while (*e > *s && Blank((*e)[-1]))
        (*e)--;
}

static char Fold(char ch)
{
    return ch >= 'a' && ch <= 'z' ? (char)(ch - 'a' + 'A') : ch;
}

static char *Dup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d != NULL) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* ---- bytes of a line ------------------------------------------------------------------ */

/* Length of the UTF-8 sequence at s (at most n bytes): 1-4, or 0 if it is
 * not well formed (overlong, surrogate, beyond U+10FFFF, cut short). */
static size_t Utf8Length(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t k;
    uint32_t v, min;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        k = 2, v = s[0] & 0x1F, min = 0x80;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        k = 3, v = s[0] & 0x0F, min = 0x800;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        k = 4, v = s[0] & 0x07, min = 0x10000;
    else
        return 0;
    if (n < k)
        return 0;
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return k;
}

/* A line's bytes: UTF-8, no control characters but tab. */
static int CheckBytes(CTX *c, const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char ch = (unsigned char)s[i];
        uint32_t cp;
        size_t k;
        if (ch == 0)
            return Fail(c, "NUL byte (column %zu)", i + 1);
        if ((ch < 0x20 && ch != '\t') || ch == 0x7F)
            return Fail(c, "control character 0x%02X (column %zu)", ch, i + 1);
        k = Utf8Length((const unsigned char *)s + i, n - i, &cp);
        if (k == 0)
            return Fail(c, "not UTF-8 (column %zu)", i + 1);
        i += k;
    }
    return 0;
}

/* Printable ASCII, none of Forbidden, no blanks unless Blanks. */
static bool Word(const char *s, size_t n, const char *Forbidden, bool Blanks)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20 || ch >= 0x7F || (!Blanks && Blank((char)ch)) || strchr(Forbidden, ch) != NULL)
            return false;
    }
    return true;
}

static bool ServiceName(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == '_' || s[i] == '-'))
            return false;
    return n != 0;
}

/* Where a comment starts in [s, e) (outside "strings"), or e. */
static const char *CommentStart(const char *s, const char *e)
{
    bool quoted = false;
    for (const char *p = s; p < e; p++) {
        if (*p == '"')
            quoted = !quoted; /* "" inside a string: out and in again */
        else if (!quoted && (*p == ';' || *p == '#'))
            return p;
    }
    return e;
}

/* ---- building values -------------------------------------------------------------------- */

typedef struct {
    uint8_t *data;
    size_t length, capacity;
} BUF;

static int Put(CTX *c, BUF *b, const void *p, size_t n)
{
    if (b->length + n > b->capacity) {
        size_t cap = b->capacity ? b->capacity * 2 : 64;
        while (cap < b->length + n)
            cap *= 2;
        uint8_t *d = realloc(b->data, cap);
        if (d == NULL)
            return Fail(c, "out of memory");
        b->data = d;
        b->capacity = cap;
    }
    memcpy(b->data + b->length, p, n);
    b->length += n;
    return 0;
}

static int PutUnit(CTX *c, BUF *b, uint32_t u)
{
    uint8_t le[2] = {(uint8_t)u, (uint8_t)(u >> 8)};
    return Put(c, b, le, 2);
}

/* Appends the UTF-8 text [s, e) as UTF-16LE, "" as " if Quoted, then a NUL. */
static int PutString(CTX *c, BUF *b, const char *s, const char *e, bool Quoted)
{
    while (s < e) {
        uint32_t cp;
        size_t k = Utf8Length((const unsigned char *)s, (size_t)(e - s), &cp); /* checked: never 0 */
        if (Quoted && cp == '"')
            k = 2; /* "" is one quote */
        if (cp >= 0x10000) {
            if (PutUnit(c, b, 0xD800 + ((cp - 0x10000) >> 10)) != 0 ||
                PutUnit(c, b, 0xDC00 + ((cp - 0x10000) & 0x3FF)) != 0)
                return -1;
        } else if (PutUnit(c, b, cp) != 0) {
            return -1;
        }
        s += k;
    }
    return PutUnit(c, b, 0);
}

/* A "string" at s (before e): sets *End past its closing quote. */
static int QuotedEnd(CTX *c, const char *s, const char *e, const char **End)
{
    for (const char *p = s + 1; p < e; p++) {
        if (*p != '"')
            continue;
        if (p + 1 < e && p[1] == '"') {
            p++;
            continue;
        }
        *End = p + 1;
        return 0;
    }
    return Fail(c, "unterminated \"string\"");
}

/* One string of a value, bare or quoted, [s, e) trimmed. */
static int PutItem(CTX *c, BUF *b, const char *s, const char *e, const char *What)
{
    if (s < e && *s == '"') {
        const char *end;
        if (QuotedEnd(c, s, e, &end) != 0)
            return -1;
        if (end != e)
            return Fail(c, "text after the closing quote of %s", What);
        return PutString(c, b, s + 1, e - 1, true);
    }
    if (memchr(s, '"', (size_t)(e - s)) != NULL)
        return Fail(c, "a quote inside unquoted %s (quote all of it; \"\" inside is one quote)", What);
    return PutString(c, b, s, e, false);
}

static bool Digits(const char *s, const char *e, bool Hex)
{
    if (s == e)
        return false;
    for (; s < e; s++)
        if (!((*s >= '0' && *s <= '9') || (Hex && ((*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F')))))
            return false;
    return true;
}

static unsigned HexDigit(char ch)
{
    return ch <= '9' ? (unsigned)(ch - '0') : (unsigned)(Fold(ch) - 'A' + 10);
}

/* The value [s, e) (trimmed, no comment): its type and data. */
static int ParseValue(CTX *c, const char *s, const char *e, uint32_t *Type, BUF *b)
{
    size_t n = (size_t)(e - s);
    if (n == 0)
        return Fail(c, "no value after '=' (\"\" is the empty string)");
    if (n >= 4 && memcmp(s, "hex:", 4) == 0) {
        const char *p = s + 4;
        *Type = HOST_CONFIG_REG_BINARY;
        Trim(&p, &e);
        while (p < e) {
            const char *comma = memchr(p, ',', (size_t)(e - p)), *ie = comma != NULL ? comma : e, *is = p;
            uint8_t byte;
            Trim(&is, &ie);
            if (ie - is != 2 || !Digits(is, ie, true))
                return Fail(c, "hex: wants bytes of two hex digits separated by commas, as hex: 01,0a,ff");
            byte = (uint8_t)(HexDigit(is[0]) << 4 | HexDigit(is[1]));
            if (Put(c, b, &byte, 1) != 0)
                return -1;
            if (comma == NULL)
                break;
            p = comma + 1;
            if (p == e)
                return Fail(c, "hex: ends with a comma");
        }
        return 0;
    }
    if (n >= 6 && memcmp(s, "multi:", 6) == 0) {
        const char *p = s + 6;
        *Type = HOST_CONFIG_REG_MULTI_SZ;
        Trim(&p, &e);
        while (p < e) {
            const char *ie = p, *is = p, *te;
            /* The item ends at a comma outside quotes. */
            while (ie < e && *ie != ',') {
                if (*ie != '"')
                    ie++;
                else if (QuotedEnd(c, ie, e, &ie) != 0)
                    return -1;
            }
            te = ie;
            Trim(&is, &te);
            if (is == te || (te - is == 2 && is[0] == '"' && is[1] == '"'))
                return Fail(c, ie == e && is == te ? "multi: ends with a comma"
                                                    : "an empty string in a multi: list (it would end the list)");
            if (PutItem(c, b, is, te, "a multi: string") != 0)
                return -1;
            if (ie == e)
                break;
            p = ie + 1;
            if (p == e)
                return Fail(c, "multi: ends with a comma");
        }
        return PutUnit(c, b, 0);
    }
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        uint32_t v = 0;
        if (!Digits(s + 2, e, true))
            return Fail(c, "bad hex number (0x and 1 to 8 hex digits; quote it for a string)");
        if (n - 2 > 8)
            return Fail(c, "out of range: a DWORD is 0x0 to 0xFFFFFFFF");
        for (const char *p = s + 2; p < e; p++)
            v = v << 4 | HexDigit(*p);
        *Type = HOST_CONFIG_REG_DWORD;
        uint8_t le[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
        return Put(c, b, le, 4);
    }
    if (Digits(s, e, false)) {
        uint64_t v = 0;
        if (n > 1 && s[0] == '0')
            return Fail(c, "leading zero: write %.*s as decimal without it or as 0x..., or quote it for a string",
                        (int)(n > 32 ? 32 : n), s);
        for (const char *p = s; p < e; p++) {
            v = v * 10 + (uint64_t)(*p - '0');
            if (v > 0xFFFFFFFFu)
                return Fail(c, "out of range: a DWORD is 0 to 4294967295 (quote it for a string)");
        }
        *Type = HOST_CONFIG_REG_DWORD;
        uint8_t le[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
        return Put(c, b, le, 4);
    }
    if (s[0] == '-' && Digits(s + 1, e, false))
        return Fail(c, "out of range: a DWORD is 0 to 4294967295 (0xFFFFFFFF for -1; quote it for a string)");
    *Type = HOST_CONFIG_REG_SZ;
    if (s[0] != '"' && memchr(s, ',', n) != NULL)
        return Fail(c, "a comma in an unquoted string: quote it, or write multi: for a list of strings");
    return PutItem(c, b, s, e, "a string");
}

/* ---- lines ------------------------------------------------------------------------------- */

static const struct {
    const char *word;
    enum host_config_kind kind;
    int args;
} Kinds[] = {
    {"service", HOST_CONFIG_SERVICE, 1},
    {"binding", HOST_CONFIG_BINDING, 2},
    {"instance", HOST_CONFIG_INSTANCE, 1},
    {"key", HOST_CONFIG_KEY, 1},
};

/* A key path: \Registry\..., printable ASCII, no empty component. */
static int CheckKeyPath(CTX *c, const char *s, size_t n)
{
    static const char root[] = "\\Registry\\";
    bool rooted = n >= sizeof(root) - 1;
    for (size_t i = 0; rooted && i < sizeof(root) - 1; i++)
        rooted = Fold(s[i]) == Fold(root[i]);
    if (!rooted)
        return Fail(c, "a key path starts with \\Registry\\");
    if (n > HOST_CONFIG_MAX_PATH)
        return Fail(c, "key path too long (%zu characters, at most %d)", n, HOST_CONFIG_MAX_PATH);
    if (s[n - 1] == '\\')
        return Fail(c, "a key path does not end with '\\'");
    for (size_t i = 1; i < n; i++)
        if (s[i] == '\\' && s[i - 1] == '\\')
            return Fail(c, "empty component in the key path");
    return 0;
}

static int Header(CTX *c, struct host_config *Config, const char *s, const char *e)
{
    const char *close = memchr(s, ']', (size_t)(e - s)), *rest, *words[4], *ends[4];
    int count = 0;
    struct host_config_section *sec;
    size_t k;

    if (close == NULL)
        return Fail(c, "no ']' closing the section header");
    rest = close + 1;
    Trim(&rest, &e);
    if (rest != e)
        return Fail(c, "text after the section header");
    for (const char *p = s + 1; p < close;) {
        while (p < close && Blank(*p))
            p++;
        if (p == close)
            break;
        if (count == 4)
            return Fail(c, "too many words in the section header");
        words[count] = p;
        while (p < close && !Blank(*p))
            p++;
        ends[count++] = p;
    }
    if (count == 0)
        return Fail(c, "empty section header (service, binding, instance or key)");
    for (k = 0; k < sizeof(Kinds) / sizeof(Kinds[0]); k++)
        if ((size_t)(ends[0] - words[0]) == strlen(Kinds[k].word) &&
            memcmp(words[0], Kinds[k].word, strlen(Kinds[k].word)) == 0)
            break;
    if (k == sizeof(Kinds) / sizeof(Kinds[0])) {
        if (!Word(words[0], (size_t)(ends[0] - words[0]), "", false))
            return Fail(c, "unknown section kind (service, binding, instance or key)");
        return Fail(c, "unknown section kind '%.*s' (service, binding, instance or key)",
                    (int)(ends[0] - words[0] > 64 ? 64 : ends[0] - words[0]), words[0]);
    }
    if (count - 1 != Kinds[k].args)
        return Fail(c, "[%s] takes %s", Kinds[k].word,
                    Kinds[k].kind == HOST_CONFIG_SERVICE   ? "a service name: [service NAME]"
                    : Kinds[k].kind == HOST_CONFIG_BINDING ? "a service and an adapter: [binding SERVICE ADAPTER]"
                    : Kinds[k].kind == HOST_CONFIG_INSTANCE
                        ? "a device instance name: [instance \\Device\\{GUID}]"
                        : "a key path: [key \\Registry\\...]");
    for (int i = 1; i < count; i++)
        if ((size_t)(ends[i] - words[i]) > (Kinds[k].kind == HOST_CONFIG_KEY ? HOST_CONFIG_MAX_PATH
                                                                            : HOST_CONFIG_MAX_NAME))
            return Fail(c, "%s too long (%zu characters, at most %d)",
                        Kinds[k].kind == HOST_CONFIG_KEY ? "key path" : "name", (size_t)(ends[i] - words[i]),
                        Kinds[k].kind == HOST_CONFIG_KEY ? HOST_CONFIG_MAX_PATH : HOST_CONFIG_MAX_NAME);
    switch (Kinds[k].kind) {
    case HOST_CONFIG_SERVICE:
    case HOST_CONFIG_BINDING:
        if (!ServiceName(words[1], (size_t)(ends[1] - words[1])))
            return Fail(c, "a service name is letters, digits, '_' and '-' (the driver's file name before its "
                           "first '.')");
        if (count == 3 && !Word(words[2], (size_t)(ends[2] - words[2]), "\\/[]\"", false))
            return Fail(c, "an adapter is named as to --adapter or --loopback: printable ASCII, no \\ / [ ] \"");
        break;
    case HOST_CONFIG_INSTANCE: {
        const char *last = words[1];
        if (!Word(words[1], (size_t)(ends[1] - words[1]), "[]\"", false))
            return Fail(c, "a device instance name is printable ASCII, as \\Device\\{GUID}");
        for (const char *p = words[1]; p < ends[1]; p++)
            if (*p == '\\')
                last = p + 1;
        if (last == ends[1])
            return Fail(c, "a device instance name ends with its instance, as \\Device\\{GUID}");
        break;
    }
    case HOST_CONFIG_KEY:
        if (!Word(words[1], (size_t)(ends[1] - words[1]), "[]\"", false))
            return Fail(c, "a key path is printable ASCII");
        if (CheckKeyPath(c, words[1], (size_t)(ends[1] - words[1])) != 0)
            return -1;
        break;
    }
    if (Config->count == Config->capacity) {
        size_t cap = Config->capacity ? Config->capacity * 2 : 8;
        struct host_config_section *d = realloc(Config->sections, cap * sizeof(*d));
        if (d == NULL)
            return Fail(c, "out of memory");
        Config->sections = d;
        Config->capacity = cap;
    }
    sec = &Config->sections[Config->count];
    memset(sec, 0, sizeof(*sec));
    sec->kind = Kinds[k].kind;
    sec->line = c->line;
    sec->name = Dup(words[1], (size_t)(ends[1] - words[1]));
    sec->adapter = count == 3 ? Dup(words[2], (size_t)(ends[2] - words[2])) : NULL;
    Config->count++; /* freed with the rest, even half-made */
    if (sec->name == NULL || (count == 3 && sec->adapter == NULL))
        return Fail(c, "out of memory");
    return 0;
}

static int Assignment(CTX *c, struct host_config *Config, const char *s, const char *e)
{
    const char *eq = memchr(s, '=', (size_t)(e - s)), *ns = s, *ne, *vs, *ve = e;
    struct host_config_section *sec;
    struct host_config_value *v;
    BUF b = {NULL, 0, 0};
    uint32_t type;

    if (eq == NULL)
        return Fail(c, "expected 'Name = value' or a [section]");
    ne = eq;
    Trim(&ns, &ne);
    if (ns == ne)
        return Fail(c, "no value name before '='");
    if ((size_t)(ne - ns) > HOST_CONFIG_MAX_VALUE_NAME)
        return Fail(c, "value name too long (%zu characters, at most %d)", (size_t)(ne - ns),
                    HOST_CONFIG_MAX_VALUE_NAME);
    if (!Word(ns, (size_t)(ne - ns), "[]\"=\\", true))
        return Fail(c, "a value name is printable ASCII, without [ ] \" \\");
    if (Config->count == 0)
        return Fail(c, "a value before any [section]");
    vs = eq + 1;
    Trim(&vs, &ve);
    if (ParseValue(c, vs, ve, &type, &b) != 0) {
        free(b.data);
        return -1;
    }
    sec = &Config->sections[Config->count - 1];
    if (sec->count == sec->capacity) {
        size_t cap = sec->capacity ? sec->capacity * 2 : 4;
        struct host_config_value *d = realloc(sec->values, cap * sizeof(*d));
        if (d == NULL) {
            free(b.data);
            return Fail(c, "out of memory");
        }
        sec->values = d;
        sec->capacity = cap;
    }
    v = &sec->values[sec->count];
    v->name = Dup(ns, (size_t)(ne - ns));
    if (v->name == NULL) {
        free(b.data);
        return Fail(c, "out of memory");
    }
    v->type = type;
    v->data = b.data;
    v->length = b.length;
    v->line = c->line;
    sec->count++;
    return 0;
}

int host_config_parse(const char *Text, size_t Size, struct host_config *Config, unsigned *Line, char *Err,
                      size_t ErrLength)
{
    CTX c = {0, Err, ErrLength};
    const char *p = Text, *end = Text + Size;

    memset(Config, 0, sizeof(*Config));
    *Line = 0;
    if (ErrLength != 0)
        Err[0] = '\0';
    if (Size >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl != NULL ? nl : end, *s = p, *e;
        c.line++;
        if (le > p && le[-1] == '\r' && nl != NULL)
            le--; /* CRLF */
        if ((size_t)(le - p) > HOST_CONFIG_MAX_LINE) {
            Fail(&c, "line too long (more than %d bytes)", HOST_CONFIG_MAX_LINE);
            goto fail;
        }
        if (CheckBytes(&c, p, (size_t)(le - p)) != 0)
            goto fail;
        e = CommentStart(s, le);
        Trim(&s, &e);
        if (s < e && (*s == '[' ? Header(&c, Config, s, e) : Assignment(&c, Config, s, e)) != 0)
            goto fail;
        p = nl != NULL ? nl + 1 : end;
    }
    return 0;
fail:
    *Line = c.line;
    host_config_free(Config);
    return -1;
}

/* ---- resolving ------------------------------------------------------------------------------ */

typedef struct {
    const char *path, *name;
    unsigned line;
} ENTRY;

static int CompareFolded(const char *a, const char *b)
{
    for (;; a++, b++) {
        char x = Fold(*a), y = Fold(*b);
        if (x != y || x == '\0')
            return (unsigned char)x - (unsigned char)y;
    }
}

static int CompareEntries(const void *A, const void *B)
{
    const ENTRY *a = A, *b = B;
    int r = CompareFolded(a->path, b->path);
    if (r == 0)
        r = CompareFolded(a->name, b->name);
    return r != 0 ? r : (a->line > b->line) - (a->line < b->line);
}

static char *Join(const char *a, const char *b, const char *c, const char *d)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + strlen(d);
    char *s = malloc(n + 1);
    if (s != NULL)
        snprintf(s, n + 1, "%s%s%s%s", a, b, c, d);
    return s;
}

int host_config_resolve(struct host_config *Config, const struct host_config_names *Names, unsigned *Line,
                        char *Err, size_t ErrLength)
{
    CTX c = {0, Err, ErrLength};
    ENTRY *all;
    size_t n = 0, at = 0;
    unsigned first = 0, again = 0;
    const char *dupName = NULL;

    *Line = 0;
    for (size_t i = 0; i < Config->count; i++) {
        struct host_config_section *s = &Config->sections[i];
        const char *key = NULL, *last = s->name;
        c.line = s->line;
        free(s->path);
        switch (s->kind) {
        case HOST_CONFIG_SERVICE:
            s->path = Join(HOST_CONFIG_SERVICES_KEY, s->name, "\\Parameters", "");
            break;
        case HOST_CONFIG_BINDING:
            for (size_t a = 0; a < Names->adapter_count && key == NULL; a++)
                if (strcmp(Names->adapters[a].arg, s->adapter) == 0)
                    key = Names->adapters[a].key;
            if (key == NULL) {
                s->path = NULL;
                *Line = c.line;
                return Fail(&c, "no --adapter or --loopback named '%s' in this run", s->adapter);
            }
            s->path = Join(HOST_CONFIG_SERVICES_KEY, s->name, "\\Parameters\\Adapters\\", key);
            break;
        case HOST_CONFIG_INSTANCE:
            for (const char *p = s->name; *p != '\0'; p++)
                if (*p == '\\')
                    last = p + 1;
            s->path = Join(Names->class_key, "\\", last, "");
            break;
        case HOST_CONFIG_KEY:
            s->path = Join(s->name, "", "", "");
            break;
        }
        if (s->path == NULL) {
            *Line = c.line;
            return Fail(&c, "out of memory");
        }
        if (strlen(s->path) > HOST_CONFIG_MAX_PATH) {
            *Line = c.line;
            return Fail(&c, "key path too long (%zu characters, at most %d): %s", strlen(s->path),
                        HOST_CONFIG_MAX_PATH, s->path);
        }
        n += s->count;
    }
    /* A value set twice for one key: sorted by key, name and line, the
     * first repeat in the file is reported. */
    if (n < 2)
        return 0;
    all = malloc(n * sizeof(*all));
    if (all == NULL)
        return Fail(&c, "out of memory");
    for (size_t i = 0; i < Config->count; i++)
        for (size_t j = 0; j < Config->sections[i].count; j++)
            all[at++] = (ENTRY){Config->sections[i].path, Config->sections[i].values[j].name,
                                Config->sections[i].values[j].line};
    qsort(all, n, sizeof(*all), CompareEntries);
    for (size_t i = 1; i < n; i++)
        if (CompareFolded(all[i].path, all[i - 1].path) == 0 && CompareFolded(all[i].name, all[i - 1].name) == 0 &&
            (again == 0 || all[i].line < again)) {
            size_t f = i - 1;
            while (f > 0 && CompareFolded(all[f - 1].path, all[i].path) == 0 &&
                   CompareFolded(all[f - 1].name, all[i].name) == 0)
                f--;
            first = all[f].line;
            again = all[i].line;
            dupName = all[i].name;
        }
    if (again != 0) {
        c.line = again;
        *Line = again;
        Fail(&c, "'%s' set again for this key (first at line %u)", dupName, first);
    }
    free(all);
    return again != 0 ? -1 : 0;
}

int host_config_load(const char *File, struct host_config *Config, unsigned *Line, char *Err, size_t ErrLength)
{
    uint8_t *data;
    size_t size;
    unsigned mode;
    int rc;

    memset(Config, 0, sizeof(*Config));
    *Line = 0;
    if (util_read_file(File, &data, &size, &mode, Err, ErrLength) != 0)
        return -1;
    if (size > MAX_FILE) {
        snprintf(Err, ErrLength, "file is %zu bytes, more than a configuration can be (%u)", size, MAX_FILE);
        free(data);
        return -1;
    }
    rc = host_config_parse((const char *)data, size, Config, Line, Err, ErrLength);
    free(data);
    return rc;
}

void host_config_free(struct host_config *Config)
{
    for (size_t i = 0; i < Config->count; i++) {
        struct host_config_section *s = &Config->sections[i];
        for (size_t j = 0; j < s->count; j++) {
            free(s->values[j].name);
            free(s->values[j].data);
        }
        free(s->values);
        free(s->name);
        free(s->adapter);
        free(s->path);
    }
    free(Config->sections);
    memset(Config, 0, sizeof(*Config));
}
