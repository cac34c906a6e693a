/*
 * inf.h - `ndiskit inf stamp` (inf.c): stamping INF templates.
 */
#ifndef NDISKIT_INF_H
#define NDISKIT_INF_H

#include <stddef.h>
#include <stdio.h>

typedef struct {
    const char *date;     /* MM/DD/YYYY */
    const char *version;  /* W.X.Y.Z */
    const char *arch;     /* replaces $ARCH$ */
    const char *kmdf;     /* replaces $KMDFVERSION$ */
} INF_STAMP;

/* Stamps the template text into a malloc'd *result.  0, or -1 with a
 * message in err (nothing allocated). */
int inf_stamp(const char *text, size_t size, const INF_STAMP *stamp, char **result, size_t *result_len, char *err,
              size_t errlen);
int inf_parse_date(const char *s, int *month, int *day, int *year);
int inf_parse_version(const char *s);
int inf_valid_arch(const char *s);  /* 0: x86, amd64, arm, arm64 or ia64 */
int inf_valid_kmdf(const char *s);  /* 0: MAJOR.MINOR (1-2 and 1-3 digits) */

int inf_command(int argc, char **argv);
void inf_usage(FILE *out);

#endif
