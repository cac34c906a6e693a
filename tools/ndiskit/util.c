/*
 * util.c - safe whole-file reads and atomic replacement.
 *
 * `ndiskit image fix` rewrites driver images in place and in the build's
 * packaging step; an interrupted or failed run must never leave a truncated
 * or half-patched image behind, so output always goes through a temporary
 * file in the destination directory (same file system, so rename(2) is
 * atomic) that is fsync'ed before it replaces the destination.
 */
#define _XOPEN_SOURCE 700

#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int util_read_file(const char *path, uint8_t **data, size_t *size, unsigned *mode, char *err,
                   size_t errlen)
{
    *data = NULL;
    *size = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(err, errlen, "cannot stat: %s", strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "not a regular file");
        close(fd);
        return -1;
    }
    if ((uint64_t)st.st_size > UTIL_MAX_FILE) {
        snprintf(err, errlen, "file is %lld bytes, larger than any driver image (limit %u)",
                 (long long)st.st_size, UTIL_MAX_FILE);
        close(fd);
        return -1;
    }
    size_t want = (size_t)st.st_size;
    /* +1 so an empty file still gets a non-NULL buffer */
    uint8_t *buf = malloc(want + 1);
    if (!buf) {
        snprintf(err, errlen, "out of memory");
        close(fd);
        return -1;
    }
    size_t got = 0;
    while (got < want) {
        ssize_t n = read(fd, buf + got, want - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, errlen, "read error: %s", strerror(errno));
            free(buf);
            close(fd);
            return -1;
        }
        if (n == 0)
            break; /* the file shrank under us: use what is there */
        got += (size_t)n;
    }
    close(fd);
    *data = buf;
    *size = got;
    *mode = (unsigned)(st.st_mode & 07777);
    return 0;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int util_write_atomic(const char *dest, const uint8_t *data, size_t size, unsigned mode, char *err,
                      size_t errlen)
{
    /* dirname/basename may modify their argument: work on copies. */
    char *dcopy = strdup(dest), *bcopy = strdup(dest);
    char *tmp = NULL;
    int fd = -1, rc = -1;
    if (!dcopy || !bcopy) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    const char *dir = dirname(dcopy), *base = basename(bcopy);
    size_t len = strlen(dir) + strlen(base) + 32;
    tmp = malloc(len);
    if (!tmp) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    snprintf(tmp, len, "%s/.%s.ndiskit-XXXXXX", dir, base);
    fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create a temporary file in %s: %s", dir, strerror(errno));
        free(tmp);
        tmp = NULL;
        goto out;
    }
    if (write_all(fd, data, size) != 0) {
        snprintf(err, errlen, "write error: %s", strerror(errno));
        goto out;
    }
    /* mkstemp creates 0600; give the result the mode the caller asked for. */
    if (fchmod(fd, (mode_t)(mode & 07777)) != 0) {
        snprintf(err, errlen, "cannot set mode: %s", strerror(errno));
        goto out;
    }
    if (fsync(fd) != 0) {
        snprintf(err, errlen, "fsync failed: %s", strerror(errno));
        goto out;
    }
    if (close(fd) != 0) {
        fd = -1;
        snprintf(err, errlen, "close failed: %s", strerror(errno));
        goto out;
    }
    fd = -1;
    if (rename(tmp, dest) != 0) {
        snprintf(err, errlen, "cannot rename into place: %s", strerror(errno));
        goto out;
    }
    free(tmp);
    tmp = NULL; /* renamed: nothing to clean up any more */
    /* Make the rename itself durable.  Failure here is not fatal: the new
     * file is complete either way. */
    int dfd = open(dir, O_RDONLY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    if (tmp) {
        unlink(tmp);
        free(tmp);
    }
    free(dcopy);
    free(bcopy);
    return rc;
}

void util_print_escaped(FILE *f, const char *s, size_t max)
{
    for (size_t i = 0; i < max && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            fputc(c, f);
        else
            fprintf(f, "\\x%02x", c);
    }
}

/* ---- command lines ------------------------------------------------------ */

struct cli cli_start(const char *prog, const char *usage, const char *topic, int argc, char **argv)
{
    struct cli c;
    memset(&c, 0, sizeof c);
    c.prog = prog;
    c.usage = usage;
    c.topic = topic;
    c.argc = argc;
    c.argv = argv;
    return c;
}

bool cli_next(struct cli *c)
{
    while (c->next < c->argc) {
        c->arg = c->argv[c->next++];
        if (!c->opts_done && strcmp(c->arg, "--") == 0) {
            c->opts_done = true;
            continue;
        }
        return true;
    }
    c->arg = NULL;
    return false;
}

bool cli_option(const struct cli *c)
{
    return !c->opts_done && c->arg[0] == '-' && c->arg[1] != '\0';
}

bool cli_flag(struct cli *c, const char *shrt, const char *lng)
{
    return cli_option(c) && ((shrt && strcmp(c->arg, shrt) == 0) || (lng && strcmp(c->arg, lng) == 0));
}

bool cli_help(struct cli *c)
{
    return cli_flag(c, "-h", "--help");
}

int cli_value(struct cli *c, const char *shrt, const char *lng, const char **value)
{
    if (!cli_option(c))
        return 0;
    const char *a = c->arg;
    size_t n;
    if ((shrt && strcmp(a, shrt) == 0) || (lng && strcmp(a, lng) == 0)) {
        if (c->next >= c->argc) {
            cli_error(c, "missing value for '%s'", a);
            return -1;
        }
        *value = c->argv[c->next++];
        return 1;
    }
    if (lng && strncmp(a, lng, n = strlen(lng)) == 0 && a[n] == '=') {
        *value = a + n + 1;
        return 1;
    }
    /* "-oFILE": single-letter short options only */
    if (shrt && strlen(shrt) == 2 && strncmp(a, shrt, 2) == 0 && a[2] != '\0') {
        *value = a + 2;
        return 1;
    }
    return 0;
}

int cli_error(const struct cli *c, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", c->prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (c->usage)
        fputs(c->usage, stderr);
    fprintf(stderr, "see 'ndiskit help%s%s'\n", c->topic ? " " : "", c->topic ? c->topic : "");
    return 2;
}

int cli_unknown_option(const struct cli *c)
{
    return cli_error(c, "unknown option '%s'", c->arg);
}

int cli_unknown_command(const struct cli *c)
{
    return cli_error(c, "unknown command '%s'", c->arg);
}
