/*
 * json.h - a tiny streaming JSON writer.
 *
 * Enough for the tools' machine-readable output: objects, arrays, strings,
 * integers and booleans, written straight to a FILE with two-space
 * indentation.  Commas are inserted automatically.  Strings are escaped so
 * the output is always valid JSON and valid UTF-8, whatever bytes a file
 * name or a section name in a hostile image holds (bytes that are not valid
 * UTF-8 are written as \u00XX, i.e. read as Latin-1).
 */
#ifndef NDISKIT_JSON_H
#define NDISKIT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json {
    FILE *f;
    int depth;
    bool first[JSON_MAX_DEPTH]; /* nothing written yet at this depth */
    bool after_key;             /* a key was just written: no comma/newline */
};

void json_init(struct json *j, FILE *f);
void json_begin_object(struct json *j);
void json_end_object(struct json *j);
void json_begin_array(struct json *j);
void json_end_array(struct json *j);
void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s);
void json_string_n(struct json *j, const char *s, size_t n); /* at most n bytes, stops at NUL */
void json_uint(struct json *j, uint64_t v);
void json_int(struct json *j, int64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* Finish the document with a newline. */
void json_finish(struct json *j);

/* key + value shorthands */
void json_kv_string(struct json *j, const char *key, const char *s);
void json_kv_uint(struct json *j, const char *key, uint64_t v);
void json_kv_bool(struct json *j, const char *key, bool v);

#endif
