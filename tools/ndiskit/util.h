/*
 * util.h - file I/O and output helpers shared by the ndiskit commands.
 */
#ifndef NDISKIT_UTIL_H
#define NDISKIT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Largest file the tools read: far beyond any driver, small enough that a
 * mistaken argument (a disk image, /dev/zero) fails fast. */
#define UTIL_MAX_FILE (256u * 1024u * 1024u)

/* Read the whole regular file at `path` into a malloc'd buffer.  *mode
 * receives its permission bits.  Returns 0, or -1 with a message in err. */
int util_read_file(const char *path, uint8_t **data, size_t *size, unsigned *mode, char *err,
                   size_t errlen);

/* Replace `dest` with `size` bytes so that readers see either the old file
 * or the complete new one, never a half-written one: write a temporary file
 * in dest's directory, fsync it, rename it over dest, fsync the directory.
 * On failure the temporary file is removed and dest is untouched.  Returns
 * 0, or -1 with a message in err. */
int util_write_atomic(const char *dest, const uint8_t *data, size_t size, unsigned mode, char *err,
                      size_t errlen);

/* Write at most `max` bytes of s (stopping at NUL), escaping bytes that
 * are not printable ASCII as \xNN: names in a hostile image must not be
 * able to inject terminal control sequences. */
void util_print_escaped(FILE *f, const char *s, size_t max);

/* ---- command lines ------------------------------------------------------
 *
 * Every ndiskit command follows git's conventions:
 *  - a usage error (unknown command or option, missing value, missing
 *    operand) prints "ndiskit CMD: what is wrong", the command's short
 *    usage (a few lines) and "see 'ndiskit help TOPIC'" on stderr, exit 2;
 *  - --help, -h and `ndiskit help TOPIC` print the full help on stdout,
 *    exit 0.
 * A command walks its arguments with cli_next and asks cli_flag /
 * cli_value / cli_option what the current one is:
 *
 *     struct cli c = cli_start("ndiskit inf stamp", SHORT_USAGE, "inf", argc, argv);
 *     while (cli_next(&c)) {
 *         if (cli_help(&c)) { full_usage(stdout); return 0; }
 *         else if (cli_flag(&c, "-q", "--quiet")) quiet = true;
 *         else if ((r = cli_value(&c, "-o", "--output", &out)) != 0) { if (r < 0) return 2; }
 *         else if (cli_option(&c)) return cli_unknown_option(&c);
 *         else operand(c.arg);
 *     }
 */
struct cli {
    const char *prog;        /* "ndiskit image fix": prefixes messages */
    const char *usage;       /* the short usage, newline-terminated lines */
    const char *topic;       /* "image": see 'ndiskit help image' */
    int argc;
    char **argv;             /* the words after prog */
    /* state */
    int next;                /* index of the next word */
    bool opts_done;          /* after "--", everything is an operand */
    const char *arg;         /* the current word */
};

struct cli cli_start(const char *prog, const char *usage, const char *topic, int argc, char **argv);
/* Advances to the next word, skipping (and acting on) "--".  false at the end. */
bool cli_next(struct cli *c);
/* The current word is one of the names (short or long; either may be NULL). */
bool cli_flag(struct cli *c, const char *shrt, const char *lng);
/* -h or --help */
bool cli_help(struct cli *c);
/* An option taking a value: "-o V", "-oV", "--output V", "--output=V".
 * 1 with *value set, 0 when the current word is not this option, -1 when
 * its value is missing (the usage error is printed: return 2). */
int cli_value(struct cli *c, const char *shrt, const char *lng, const char **value);
/* The current word looks like an option ("-x", not "-" or an operand after "--"). */
bool cli_option(const struct cli *c);
/* Usage errors: print "PROG: MESSAGE", the short usage and the help hint
 * on stderr; return 2 (the exit status). */
int cli_error(const struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_unknown_option(const struct cli *c);   /* unknown option 'ARG' */
int cli_unknown_command(const struct cli *c);  /* unknown command 'ARG' */

#endif
