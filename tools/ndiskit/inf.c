/*
 * inf.c - `ndiskit inf stamp`: what the WDK's stampinf does for the fields
 * ndiskit's packages use.
 *
 * From an INF template it writes the INF with
 *  - DriverVer = MM/DD/YYYY,W.X.Y.Z in [Version] (replaced if present,
 *    added at the end of the section if not);
 *  - $ARCH$ replaced by the architecture (amd64) and $KMDFVERSION$ by the
 *    KMDF version (1.15), wherever they appear.
 * Other $...$ text (Signature = "$Windows NT$") is kept as written, and so
 * is everything in `;` comments (a `;` inside a "quoted string" does not
 * start one).  The date is --date, else SOURCE_DATE_EPOCH (reproducible
 * builds), else today (UTC).  Line endings are kept as the template has
 * them (extra CRs at a line's end are dropped, so restamping is stable).  A malformed date, version, architecture (stampinf's -a values:
 * the INF platform extensions x86, amd64, arm, arm64, ia64) or KMDF
 * version (stampinf's -k MAJOR.MINOR), NUL bytes, or a template without
 * [Version] is an error that names the template, and the output is written
 * atomically: a failure leaves no file behind.
 */
#include "inf.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

typedef struct {
    char *data;
    size_t len, cap;
} BUF;

static int Put(BUF *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        char *p;
        while (cap < b->len + n + 1)
            cap *= 2;
        p = realloc(b->data, cap);
        if (p == NULL)
            return -1;
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

static int PutS(BUF *b, const char *s)
{
    return Put(b, s, strlen(s));
}

/* MM/DD/YYYY with a real calendar day, years 1980..2099. */
int inf_parse_date(const char *s, int *month, int *day, int *year)
{
    static const int days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int m, d, y;
    char tail;
    if (sscanf(s, "%2d/%2d/%4d%c", &m, &d, &y, &tail) != 3 || strlen(s) != 10)
        return -1;
    if (y < 1980 || y > 2099 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
        return -1;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return -1;
    *month = m;
    *day = d;
    *year = y;
    return 0;
}

/* W.X.Y.Z, each 0..65535 (the four 16-bit parts of a file version). */
int inf_parse_version(const char *s)
{
    int parts = 0;
    const char *p = s;
    while (*p) {
        unsigned long v = 0;
        int digits = 0;
        while (isdigit((unsigned char)*p)) {
            v = v * 10 + (unsigned long)(*p++ - '0');
            if (++digits > 5 || v > 65535)
                return -1;
        }
        if (digits == 0)
            return -1;
        parts++;
        if (*p == '.')
            p++;
        else if (*p != '\0')
            return -1;
        if (*p == '\0' && p[-1] == '.')
            return -1;
    }
    return parts == 4 ? 0 : -1;
}

/* What $ARCH$ may become: the platform extensions INF decorations use
 * (NTx86, NTamd64, NTarm, NTarm64, NTia64). */
static const char *const Arches[] = {"x86", "amd64", "arm", "arm64", "ia64"};

int inf_valid_arch(const char *s)
{
    for (size_t i = 0; i < sizeof(Arches) / sizeof(Arches[0]); i++)
        if (strcmp(s, Arches[i]) == 0)
            return 0;
    return -1;
}

/* MAJOR.MINOR as stampinf -k takes it: 1.15 (its coinstaller form, 01015,
 * bounds MAJOR to two digits and MINOR to three), no leading zeros. */
int inf_valid_kmdf(const char *s)
{
    const char *p = s;
    for (int part = 0; part < 2; part++) {
        int digits = 0;
        if (*p == '0' && isdigit((unsigned char)p[1]))
            return -1;
        while (isdigit((unsigned char)*p)) {
            p++;
            digits++;
        }
        if (digits == 0 || digits > (part == 0 ? 2 : 3))
            return -1;
        if (part == 0 && *p++ != '.')
            return -1;
    }
    return *p == '\0' && s[0] != '0' ? 0 : -1;
}

static int DefaultDate(char out[11], char *err, size_t errlen)
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    time_t t = time(NULL);
    struct tm tm;
    if (epoch != NULL && *epoch != '\0') {
        char *end;
        long long v = strtoll(epoch, &end, 10);
        if (*end != '\0' || v < 0) {
            snprintf(err, errlen, "SOURCE_DATE_EPOCH is not a number of seconds: '%s'", epoch);
            return -1;
        }
        t = (time_t)v;
    }
    if (gmtime_r(&t, &tm) == NULL) {
        snprintf(err, errlen, "cannot convert the date");
        return -1;
    }
    snprintf(out, 11, "%02d/%02d/%04d", tm.tm_mon + 1, tm.tm_mday, tm.tm_year + 1900);
    return 0;
}

/* Case-insensitive match of a section header line "[Name]" (spaces allowed). */
static int IsSection(const char *line, size_t n, const char **name, size_t *namelen)
{
    size_t i = 0, j;
    while (i < n && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i >= n || line[i] != '[')
        return 0;
    j = i + 1;
    while (j < n && line[j] != ']')
        j++;
    if (j >= n)
        return 0;
    *name = line + i + 1;
    *namelen = j - i - 1;
    return 1;
}

static int KeyIs(const char *line, size_t n, const char *key)
{
    size_t i = 0, k = strlen(key);
    while (i < n && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (n - i < k || strncasecmp(line + i, key, k) != 0)
        return 0;
    i += k;
    while (i < n && (line[i] == ' ' || line[i] == '\t'))
        i++;
    return i < n && line[i] == '=';
}

/* Replaces $ARCH$ and $KMDFVERSION$ in one line, up to a `;` comment
 * (outside "quoted strings"; "" inside one is an escaped quote, which the
 * toggling handles), which is copied as written. */
static int Substitute(BUF *out, const char *line, size_t n, const INF_STAMP *o)
{
    size_t i = 0;
    int quoted = 0;
    while (i < n) {
        if (line[i] == '"')
            quoted = !quoted;
        else if (line[i] == ';' && !quoted)
            return Put(out, line + i, n - i);
        if (line[i] == '$') {
            size_t j = i + 1;
            while (j < n && (isalnum((unsigned char)line[j]) || line[j] == '_'))
                j++;
            if (j < n && line[j] == '$' && j > i + 1) {
                size_t len = j - i - 1;
                if (len == 4 && strncmp(line + i + 1, "ARCH", 4) == 0) {
                    if (PutS(out, o->arch))
                        return -1;
                } else if (len == 11 && strncmp(line + i + 1, "KMDFVERSION", 11) == 0) {
                    if (PutS(out, o->kmdf))
                        return -1;
                } else if (Put(out, line + i, j - i + 1)) {
                    return -1; /* not ours ("$Chicago$" in Signature): kept as written */
                }
                i = j + 1;
                continue;
            }
        }
        if (Put(out, line + i, 1))
            return -1;
        i++;
    }
    return 0;
}

int inf_stamp(const char *text, size_t size, const INF_STAMP *o, char **result, size_t *result_len, char *err,
              size_t errlen)
{
    BUF out = {0};
    const char *p = text, *end = text + size;
    const char *eol = "\r\n";
    int inVersion = 0, sawVersion = 0, wroteDriverVer = 0;
    char driverVer[64];
    int m, d, y;

    *result = NULL;
    *result_len = 0;
    if (memchr(text, '\0', size) != NULL) {
        snprintf(err, errlen, "the template contains NUL bytes: not a text INF (UTF-16 INFs are not supported)");
        return -1;
    }
    if (inf_parse_date(o->date, &m, &d, &y) != 0) {
        snprintf(err, errlen, "bad date '%s': want MM/DD/YYYY, a real day, 1980-2099", o->date);
        return -1;
    }
    if (inf_parse_version(o->version) != 0) {
        snprintf(err, errlen, "bad version '%s': want W.X.Y.Z, each 0-65535", o->version);
        return -1;
    }
    if (inf_valid_arch(o->arch) != 0) {
        snprintf(err, errlen, "bad architecture '%s': want x86, amd64, arm, arm64 or ia64 (the INF platform "
                 "extensions NTx86, NTamd64, ...)%s", o->arch,
                 strcasecmp(o->arch, "x64") == 0 ? "; x64 is amd64 there" : "");
        return -1;
    }
    if (inf_valid_kmdf(o->kmdf) != 0) {
        snprintf(err, errlen, "bad KMDF version '%s': want MAJOR.MINOR, e.g. 1.15", o->kmdf);
        return -1;
    }
    snprintf(driverVer, sizeof(driverVer), "DriverVer = %s,%s", o->date, o->version);
    {
        const char *nl = memchr(text, '\n', size);
        if (nl != NULL && (nl == text || nl[-1] != '\r'))
            eol = "\n"; /* keep the template's line endings */
    }

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        size_t content = n;
        const char *name;
        size_t namelen;

        while (content > 0 && p[content - 1] == '\r')
            content--; /* CRs before the line end are line-end noise: "X\r\r\n" is "X" (stable restamping) */
        if (IsSection(p, content, &name, &namelen)) {
            if (inVersion && !wroteDriverVer) {
                if (PutS(&out, driverVer) || PutS(&out, eol))
                    goto oom;
                wroteDriverVer = 1;
            }
            inVersion = namelen == 7 && strncasecmp(name, "Version", 7) == 0;
            sawVersion |= inVersion;
        } else if (inVersion && KeyIs(p, content, "DriverVer")) {
            if (!wroteDriverVer && (PutS(&out, driverVer) || PutS(&out, eol)))
                goto oom;
            wroteDriverVer = 1;
            p += n + (nl ? 1 : 0);
            continue; /* the template's own DriverVer is replaced */
        }
        if (Substitute(&out, p, content, o) != 0)
            goto oom;
        if (PutS(&out, eol))
            goto oom;
        p += n + (nl ? 1 : 0);
    }
    if (!sawVersion) {
        snprintf(err, errlen, "no [Version] section: not an INF template");
        goto fail;
    }
    if (inVersion && !wroteDriverVer && (PutS(&out, driverVer) || PutS(&out, eol)))
        goto oom;
    *result = out.data;
    *result_len = out.len;
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
fail:
    free(out.data);
    return -1;
}

void inf_usage(FILE *out)
{
    fputs("usage: ndiskit inf stamp TEMPLATE -o OUTPUT [--date MM/DD/YYYY] [--version W.X.Y.Z]\n"
          "                         [--arch ARCH] [--kmdf MAJOR.MINOR]\n"
          "  Writes OUTPUT from the INF template: DriverVer in [Version] set to the date\n"
          "  (default: SOURCE_DATE_EPOCH, else today, UTC) and version (default 1.0.0.0),\n"
          "  $ARCH$ replaced by ARCH (x86, amd64, arm, arm64 or ia64; default amd64) and\n"
          "  $KMDFVERSION$ by the KMDF version (default 1.15), outside ; comments, as the\n"
          "  WDK's stampinf does.  Exit status 1 on a bad template or value (no output is\n"
          "  written), 2 on a usage error.\n",
          out);
}

static const char ShortUsage[] =
    "usage: ndiskit inf stamp TEMPLATE -o OUTPUT [--date MM/DD/YYYY] [--version W.X.Y.Z]\n"
    "                         [--arch ARCH] [--kmdf MAJOR.MINOR]\n";

static int Stamp(int argc, char **argv)
{
    const char *in = NULL, *outPath = NULL;
    INF_STAMP o = {NULL, "1.0.0.0", "amd64", "1.15"};
    char today[11], err[256];
    uint8_t *data;
    size_t size, outLen;
    unsigned mode;
    char *result;
    int r;
    struct cli c = cli_start("ndiskit inf stamp", ShortUsage, "inf", argc, argv);

    while (cli_next(&c)) {
        if (cli_help(&c)) {
            inf_usage(stdout);
            return 0;
        } else if ((r = cli_value(&c, "-o", "--output", &outPath)) != 0 ||
                   (r = cli_value(&c, NULL, "--date", &o.date)) != 0 ||
                   (r = cli_value(&c, NULL, "--version", &o.version)) != 0 ||
                   (r = cli_value(&c, NULL, "--arch", &o.arch)) != 0 ||
                   (r = cli_value(&c, NULL, "--kmdf", &o.kmdf)) != 0) {
            if (r < 0)
                return 2;
        } else if (cli_option(&c)) {
            return cli_unknown_option(&c);
        } else if (in == NULL) {
            in = c.arg;
        } else {
            return cli_error(&c, "unexpected argument '%s' (one TEMPLATE only)", c.arg);
        }
    }
    if (in == NULL)
        return cli_error(&c, "no TEMPLATE given");
    if (outPath == NULL)
        return cli_error(&c, "no OUTPUT given (-o OUTPUT)");
    if (o.date == NULL) {
        if (DefaultDate(today, err, sizeof(err)) != 0) {
            fprintf(stderr, "ndiskit inf stamp: %s: %s\n", in, err);
            return 1;
        }
        o.date = today;
    }
    if (util_read_file(in, &data, &size, &mode, err, sizeof(err)) != 0) {
        fprintf(stderr, "ndiskit inf stamp: %s: %s\n", in, err);
        return 1;
    }
    if (inf_stamp((const char *)data, size, &o, &result, &outLen, err, sizeof(err)) != 0) {
        fprintf(stderr, "ndiskit inf stamp: %s: %s\n", in, err);
        free(data);
        return 1;
    }
    free(data);
    if (util_write_atomic(outPath, (const uint8_t *)result, outLen, 0644, err, sizeof(err)) != 0) {
        fprintf(stderr, "ndiskit inf stamp: %s: cannot write %s: %s\n", in, outPath, err);
        free(result);
        return 1;
    }
    free(result);
    return 0;
}

int inf_command(int argc, char **argv)
{
    struct cli c = cli_start("ndiskit inf", ShortUsage, "inf", argc, argv);
    if (!cli_next(&c))
        return cli_error(&c, "missing command (stamp)");
    if (cli_help(&c) || strcmp(c.arg, "help") == 0) {
        inf_usage(stdout);
        return 0;
    }
    if (strcmp(c.arg, "stamp") == 0)
        return Stamp(argc - c.next, argv + c.next);
    return cli_option(&c) ? cli_unknown_option(&c) : cli_unknown_command(&c);
}
