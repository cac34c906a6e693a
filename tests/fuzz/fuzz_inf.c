/*
 * fuzz_inf.c - libFuzzer harness over `ndiskit inf stamp`'s core
 * (inf_stamp): the first byte picks the date, version, architecture and
 * KMDF version from good and bad ones, the rest is the template.  A
 * refusal must leave no result and say why; a stamped INF must be text
 * (no NUL), carry a DriverVer, and stamp to itself.  Any crash, sanitizer
 * report or broken invariant is a finding.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inf.h"

static void Invariant(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_inf: invariant broken: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const dates[] = {"11/24/2026", "02/29/2024", "02/30/2026", "1/2/2026"};
    static const char *const versions[] = {"1.2.3.4", "65535.0.0.1", "1.2.3", "1.2.3.4"};
    static const char *const arches[] = {"amd64", "arm64", "x86", "x64"};
    static const char *const kmdfs[] = {"1.15", "1.33", "1.", "01.15"};
    char *out, *again, err[256];
    size_t len, againLen;

    if (size == 0)
        return 0;
    INF_STAMP s = {dates[data[0] & 3], versions[(data[0] >> 2) & 3], arches[(data[0] >> 4) & 3],
                   kmdfs[(data[0] >> 6) & 3]};
    const char *text = (const char *)data + 1;
    size_t n = size - 1;

    err[0] = '\0';
    out = (char *)1;
    if (inf_stamp(text, n, &s, &out, &len, err, sizeof(err)) != 0) {
        Invariant(out == NULL, "a refusal leaves no result");
        Invariant(err[0] != '\0', "a refusal says why");
        return 0;
    }
    Invariant(strlen(out) == len, "the stamped INF is text");
    Invariant(strstr(out, "DriverVer = ") != NULL, "the stamped INF has a DriverVer");
    Invariant(inf_stamp(out, len, &s, &again, &againLen, err, sizeof(err)) == 0, "the stamped INF stamps again");
    Invariant(againLen == len && memcmp(again, out, len) == 0, "stamping twice changes nothing");
    free(again);
    free(out);
    return 0;
}
