/*
 * util.h - file I/O and output helpers shared by the ndiskit commands.
 */
#ifndef NDISKIT_UTIL_H
#define NDISKIT_UTIL_H

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

#endif
