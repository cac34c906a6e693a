/*
 * fuzz_image.c - libFuzzer harness over `ndiskit image`: every input goes
 * through the PE parser, the linter, the fixer, and (for parsed images) the
 * text and JSON dumps; a fixed image must parse again, check clean of
 * fixable errors, and fix to itself (idempotence).  Any crash, sanitizer
 * report or broken invariant is a finding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

static FILE *Sink;

static void Invariant(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_image: invariant broken: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pe_image img;
    struct findings f = {0};
    struct check_options copt = {0};
    struct fix_options fopt = {RETPOLINE_STRIP};
    struct fix_result res, again;
    struct json j;

    if (Sink == NULL)
        Sink = fopen("/dev/null", "w");

    if (pe_parse(&img, data, size) == 0) {
        if (image_check(&img, &copt, &f) == 0)
            image_check_print_text(Sink, "fuzz", &f);
        findings_free(&f);
        image_dump_text(Sink, "fuzz", &img);
        json_init(&j, Sink);
        image_dump_json(&j, "fuzz", &img);
        pe_free(&img);
    }
    image_dump_retplne_text(Sink, NULL, data, size);
    image_dump_dvrt_text(Sink, data, size, size & 1);

    for (int mode = 0; mode < 2; mode++) {
        fopt.retpoline = mode ? RETPOLINE_KEEP_DISCARDABLE : RETPOLINE_STRIP;
        memset(&res, 0, sizeof(res));
        if (image_fix_buffer(data, size, &fopt, &res) != 0 ||
            (res.status != FIX_CHANGED && res.status != FIX_UNCHANGED)) {
            fix_result_free(&res);
            continue;
        }
        /* What fix produced is a valid image that fix leaves alone. */
        Invariant(pe_parse(&img, res.data, res.size) == 0, "fixed image parses");
        pe_free(&img);
        memset(&again, 0, sizeof(again));
        Invariant(image_fix_buffer(res.data, res.size, &fopt, &again) == 0, "refix runs");
        Invariant(again.status == FIX_UNCHANGED, "fix is idempotent");
        Invariant(again.size == res.size && memcmp(again.data, res.data, res.size) == 0,
                  "refix is byte-identical");
        fix_result_free(&again);
        fix_result_free(&res);
    }
    return 0;
}
