/*
 * json.c - the streaming JSON writer (see json.h).
 */
#include "json.h"

#include <inttypes.h>

void json_init(struct json *j, FILE *f)
{
    j->f = f;
    j->depth = 0;
    j->first[0] = true;
    j->after_key = false;
}

static void indent(struct json *j)
{
    fputc('\n', j->f);
    for (int i = 0; i < j->depth; i++)
        fputs("  ", j->f);
}

/* Called before every value or key: separators and indentation. */
static void before_item(struct json *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->depth == 0)
        return;
    if (!j->first[j->depth])
        fputc(',', j->f);
    j->first[j->depth] = false;
    indent(j);
}

static void open_container(struct json *j, char c)
{
    before_item(j);
    fputc(c, j->f);
    /* Deeper nesting than JSON_MAX_DEPTH is a programming error; clamp so
     * the output stays well-formed rather than overrunning the array. */
    if (j->depth < JSON_MAX_DEPTH - 1)
        j->depth++;
    j->first[j->depth] = true;
}

static void close_container(struct json *j, char c)
{
    bool empty = j->first[j->depth];
    if (j->depth > 0)
        j->depth--;
    if (!empty)
        indent(j);
    fputc(c, j->f);
}

void json_begin_object(struct json *j) { open_container(j, '{'); }
void json_end_object(struct json *j) { close_container(j, '}'); }
void json_begin_array(struct json *j) { open_container(j, '['); }
void json_end_array(struct json *j) { close_container(j, ']'); }

/* Length of a valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1fu;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        cp = c & 0x0fu;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07u;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3fu);
    }
    /* reject overlong forms, surrogates and values past U+10FFFF */
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || (cp >= 0xd800 && cp <= 0xdfff) ||
        cp > 0x10ffff)
        return 0;
    return len;
}

static void write_string(struct json *j, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    fputc('"', j->f);
    for (size_t i = 0; i < n && s[i]; i++) {
        unsigned char c = s[i];
        if (c == '"' || c == '\\') {
            fputc('\\', j->f);
            fputc(c, j->f);
        } else if (c == '\n') {
            fputs("\\n", j->f);
        } else if (c == '\t') {
            fputs("\\t", j->f);
        } else if (c < 0x20 || c == 0x7f) {
            fprintf(j->f, "\\u%04x", c);
        } else if (c < 0x80) {
            fputc(c, j->f);
        } else {
            size_t len = utf8_len(s + i, n - i);
            if (len) {
                fwrite(s + i, 1, len, j->f);
                i += len - 1;
            } else {
                fprintf(j->f, "\\u%04x", c);
            }
        }
    }
    fputc('"', j->f);
}

void json_key(struct json *j, const char *key)
{
    before_item(j);
    write_string(j, key, SIZE_MAX);
    fputs(": ", j->f);
    j->after_key = true;
}

void json_string(struct json *j, const char *s)
{
    before_item(j);
    write_string(j, s ? s : "", SIZE_MAX);
}

void json_string_n(struct json *j, const char *s, size_t n)
{
    before_item(j);
    write_string(j, s ? s : "", n);
}

void json_uint(struct json *j, uint64_t v)
{
    before_item(j);
    fprintf(j->f, "%" PRIu64, v);
}

void json_int(struct json *j, int64_t v)
{
    before_item(j);
    fprintf(j->f, "%" PRId64, v);
}

void json_bool(struct json *j, bool v)
{
    before_item(j);
    fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j)
{
    before_item(j);
    fputs("null", j->f);
}

void json_finish(struct json *j)
{
    fputc('\n', j->f);
}

void json_kv_string(struct json *j, const char *key, const char *s)
{
    json_key(j, key);
    json_string(j, s);
}

void json_kv_uint(struct json *j, const char *key, uint64_t v)
{
    json_key(j, key);
    json_uint(j, v);
}

void json_kv_bool(struct json *j, const char *key, bool v)
{
    json_key(j, key);
    json_bool(j, v);
}
