/*
 * test_image.c - `ndiskit image` on images crafted here, byte by byte:
 *  - scale: thousands of sections and tens of thousands of relocations
 *    (what used to take check and fix minutes) stay within an O(n log n)
 *    budget of lookup steps (pe_work), a deterministic bound, not a timing;
 *  - which sections count as referenced (relocation targets, addresses
 *    stored at them, overlapping sections) and which section an RVA maps to;
 *  - the base relocation rule: no directory with RELOCS_STRIPPED clear
 *    loads (info), RELOCS_STRIPPED set does not (error, fix refuses).
 */
#include "image.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#define IMAGE_BASE UINT64_C(0x140000000)
#define OPT_SIZE 240u /* PE32+ with 16 data directories */
#define SECTION_TABLE (0x58u + OPT_SIZE)

/* A relocation whose target holds `value` (written only when the target
 * is in .text, the one section with file data besides .reloc). */
typedef struct {
    uint32_t target;
    uint64_t value;
} TARGET;

typedef struct {
    unsigned sections;        /* .text, then leftovers (.retplne, characteristics 0), then .reloc */
    unsigned relocs;          /* DIR64 entries aimed at pages past every section */
    const TARGET *targets;    /* and these, one block each */
    size_t target_count;
    int no_reloc_dir;         /* no .reloc section and an empty BASERELOC directory */
    int relocs_stripped;      /* IMAGE_FILE_RELOCS_STRIPPED */
} CRAFT;

static uint32_t AlignUp(uint32_t v, uint32_t a)
{
    return (v + a - 1) / a * a;
}

static void Put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void Put32(uint8_t *p, uint32_t v)
{
    Put16(p, (uint16_t)v);
    Put16(p + 2, (uint16_t)(v >> 16));
}

static void Put64(uint8_t *p, uint64_t v)
{
    Put32(p, (uint32_t)v);
    Put32(p + 4, (uint32_t)(v >> 32));
}

static void Section(uint8_t *b, unsigned i, const char *name, uint32_t vsize, uint32_t rva, uint32_t rawSize,
                    uint32_t rawPtr, uint32_t flags)
{
    uint8_t *h = b + SECTION_TABLE + 40u * i;
    memcpy(h, name, strlen(name));
    Put32(h + 8, vsize);
    Put32(h + 12, rva);
    Put32(h + 16, rawSize);
    Put32(h + 20, rawPtr);
    Put32(h + 36, flags);
}

/* A PE32+ NATIVE image: section i at RVA 0x1000 * (i + 1); .text (0x1000
 * bytes, non-paged, a `ret` at the entry point); leftovers without file
 * data; .reloc last (discardable).  The checksum is right, so the only
 * errors are the leftovers and what the CRAFT asks for. */
static uint8_t *Craft(const CRAFT *c, size_t *size)
{
    unsigned n = c->sections, lastLeftover = c->no_reloc_dir ? n - 1 : n - 2;
    uint32_t hdrEnd = AlignUp(SECTION_TABLE + 40u * n, 0x200), textRaw = hdrEnd, relocRaw = hdrEnd + 0x1000;
    uint32_t relocRva = 0x1000u * n, relocBytes = 0;
    unsigned blocks = (c->relocs + 2047) / 2048;
    uint8_t *b;

    assert_true(n >= 2);
    if (!c->no_reloc_dir)
        relocBytes = (uint32_t)(8u * blocks + 2u * (c->relocs + blocks) + 12u * c->target_count);
    *size = relocRaw + AlignUp(relocBytes, 0x200);
    b = calloc(1, *size);
    assert_non_null(b);

    b[0] = 'M';
    b[1] = 'Z';
    Put32(b + 0x3c, 0x40);
    memcpy(b + 0x40, "PE\0\0", 4);
    Put16(b + 0x44, 0x8664);
    Put16(b + 0x46, (uint16_t)n);
    Put16(b + 0x54, OPT_SIZE);
    Put16(b + 0x56, (uint16_t)(0x22u | (c->relocs_stripped ? 1u : 0u))); /* EXECUTABLE, LARGE_ADDRESS_AWARE */
    uint8_t *o = b + 0x58;
    Put16(o, 0x20b);
    Put32(o + 16, 0x1000);                /* AddressOfEntryPoint */
    Put64(o + 24, IMAGE_BASE);
    Put32(o + 32, 0x1000);
    Put32(o + 36, 0x200);
    Put32(o + 56, AlignUp(relocRva + (relocBytes ? relocBytes : 1), 0x1000)); /* SizeOfImage */
    Put32(o + 60, hdrEnd);
    Put16(o + 68, 1);                     /* NATIVE */
    Put16(o + 70, 0x140);                 /* DYNAMIC_BASE, NX_COMPAT */
    Put32(o + 108, 16);

    Section(b, 0, ".text", 0x1000, 0x1000, 0x1000, textRaw, 0x68000020);
    b[textRaw] = 0xc3;
    for (unsigned i = 1; i <= lastLeftover; i++)
        Section(b, i, ".retplne", 0x10, 0x1000u * (i + 1), 0, 0, 0);
    if (!c->no_reloc_dir) {
        uint8_t *r = b + relocRaw;
        unsigned left = c->relocs;
        Section(b, n - 1, ".reloc", relocBytes, relocRva, AlignUp(relocBytes, 0x200), relocRaw, 0x42000040);
        Put32(o + 112 + 8 * 5, relocRva);
        Put32(o + 112 + 8 * 5 + 4, relocBytes);
        for (unsigned k = 0; k < blocks; k++) {
            unsigned count = left < 2048 ? left : 2048, slots = count + 1;
            Put32(r, 0x7fff0000u + 0x1000u * k); /* past every section */
            Put32(r + 4, 8 + 2 * slots);
            for (unsigned i = 0; i < count; i++)
                Put16(r + 8 + 2 * i, (uint16_t)(0xa000u | ((8u * i) & 0xff8u)));
            Put16(r + 8 + 2 * count, 0); /* ABSOLUTE padding (slots may be odd: blocks stay even-sized) */
            r += 8 + 2 * slots;
            left -= count;
        }
        for (size_t t = 0; t < c->target_count; t++) {
            uint32_t target = c->targets[t].target;
            Put32(r, target & ~0xfffu);
            Put32(r + 4, 12);
            Put16(r + 8, (uint16_t)(0xa000u | (target & 0xfffu)));
            Put16(r + 10, 0);
            r += 12;
            if (target >= 0x1000 && target + 8 <= 0x2000)
                Put64(b + textRaw + (target - 0x1000), c->targets[t].value);
        }
        assert_int_equal((size_t)(r - (b + relocRaw)), relocBytes);
    }
    Put32(o + 64, pe_checksum(b, *size, 0x58 + 64));
    return b;
}

static size_t Count(const struct findings *f, const char *rule, enum severity sev)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        n += strcmp(f->v[i].rule, rule) == 0 && f->v[i].severity == sev;
    return n;
}

/* 1000 sections, 24000 relocations, 89 KB: check and fix took minutes
 * when every leftover walked every relocation and every lookup scanned the
 * section table.  The budget is 40 steps per section or relocation per
 * log2 of their number, over one check and one fix (which parses, checks
 * and verifies several times). */
static void test_scale(void **state)
{
    CRAFT c = {1000, 24000, NULL, 0, 0, 0};
    struct pe_image img;
    struct findings f = {0};
    struct fix_result r;
    size_t size;
    uint8_t *b = Craft(&c, &size);
    double n = c.sections + c.relocs, budget = 40 * n * log2(n);
    (void)state;

    pe_work = 0;
    assert_int_equal(pe_parse(&img, b, size), 0);
    assert_int_equal(image_check(&img, NULL, &f), 0);
    assert_int_equal(Count(&f, "LINKER-LEFTOVER", SEV_ERROR), c.sections - 2);
    assert_int_equal(findings_count(&f, SEV_ERROR), c.sections - 2);
    findings_free(&f);
    pe_free(&img);
    image_fix_buffer(b, size, NULL, &r);
    assert_int_equal(r.status, FIX_CHANGED);
    print_message("scale: %u sections, %u relocations, %zu bytes: %llu steps (budget %.0f)\n", c.sections,
                  c.relocs, size, (unsigned long long)pe_work, budget);
    assert_true((double)pe_work < budget);
    fix_result_free(&r);
    free(b);
}

static bool Referenced(const uint8_t *b, size_t size, size_t idx)
{
    struct pe_image img;
    assert_int_equal(pe_parse(&img, b, size), 0);
    bool ref = image_section_referenced(&img, idx);
    pe_free(&img);
    return ref;
}

/* Leftover 1 holds a relocation target, leftover 2 is where an address
 * stored at a target points, leftovers 3 and 4 are unreferenced; then
 * leftover 4 is moved over leftover 2 (a hostile overlap) and is
 * referenced too, while RVAs there still map to the lower section. */
static void test_references(void **state)
{
    const TARGET targets[] = {
        {0x2008, 0},                                /* in leftover 1 */
        {0x1010, IMAGE_BASE + 0x3004},              /* .text holds an address in leftover 2 */
        {0x1020, IMAGE_BASE - 0x1000},              /* below the image: nothing */
        {0x1030, IMAGE_BASE + UINT64_C(0x200000000)}, /* beyond 4 GiB: nothing */
    };
    CRAFT c = {6, 0, targets, sizeof targets / sizeof targets[0], 0, 0};
    struct pe_image img;
    size_t size;
    uint8_t *b = Craft(&c, &size);
    (void)state;

    assert_true(Referenced(b, size, 0)); /* the entry point */
    assert_true(Referenced(b, size, 1));
    assert_true(Referenced(b, size, 2));
    assert_false(Referenced(b, size, 3));
    assert_false(Referenced(b, size, 4));
    assert_true(Referenced(b, size, 5)); /* .reloc: the BASERELOC directory */

    Put32(b + SECTION_TABLE + 40 * 4 + 12, 0x3000); /* leftover 4 over leftover 2 */
    assert_true(Referenced(b, size, 4));
    assert_false(Referenced(b, size, 3));
    assert_int_equal(pe_parse(&img, b, size), 0);
    assert_int_equal(pe_section_of_rva(&img, 0x3004), 2);
    assert_int_equal(pe_section_of_rva(&img, 0x4004), 3);
    assert_int_equal(pe_section_of_rva(&img, 0x4010), -1);
    assert_int_equal(pe_section_of_rva(&img, 0x1fff), 0);
    size_t off, avail;
    assert_true(pe_rva_span(&img, 0x1010, &off, &avail));
    assert_int_equal(avail, 0x1000 - 0x10);
    assert_false(pe_rva_span(&img, 0x3004, &off, &avail)); /* no file data */
    assert_true(pe_rva_span(&img, 0x10, &off, &avail));    /* the headers */
    assert_int_equal(off, 0x10);
    pe_free(&img);
    free(b);
}

static void CheckOne(const CRAFT *c, struct findings *f, struct fix_result *r)
{
    struct pe_image img;
    size_t size;
    uint8_t *b = Craft(c, &size);
    assert_int_equal(pe_parse(&img, b, size), 0);
    memset(f, 0, sizeof *f);
    assert_int_equal(image_check(&img, NULL, f), 0);
    pe_free(&img);
    image_fix_buffer(b, size, NULL, r);
    free(b);
}

/* The loader's rule (image_check.c): without a BASERELOC directory and
 * with RELOCS_STRIPPED clear there is nothing to relocate - info, check
 * clean, fix goes ahead (before, an unrepairable error); RELOCS_STRIPPED
 * set is an error with or without a directory, and fix refuses. */
static void test_relocation_rule(void **state)
{
    struct findings f;
    struct fix_result r;
    (void)state;

    CRAFT none = {3, 0, NULL, 0, 1, 0};
    CheckOne(&none, &f, &r);
    assert_int_equal(Count(&f, "RELOCS-NONE", SEV_INFO), 1);
    assert_int_equal(Count(&f, "RELOCS-MISSING", SEV_ERROR), 0);
    assert_int_equal(findings_count(&f, SEV_ERROR), 2); /* the two leftovers only */
    assert_int_equal(r.status, FIX_CHANGED);
    assert_int_equal(r.blocking.n, 0);
    findings_free(&f);
    fix_result_free(&r);

    CRAFT stripped = {3, 0, NULL, 0, 1, 1};
    CheckOne(&stripped, &f, &r);
    assert_int_equal(Count(&f, "RELOCS-MISSING", SEV_ERROR), 1);
    assert_int_equal(Count(&f, "RELOCS-NONE", SEV_INFO), 0);
    assert_int_equal(r.status, FIX_REFUSED);
    assert_int_equal(r.blocking.n, 1);
    assert_string_equal(r.blocking.v[0].rule, "RELOCS-MISSING");
    findings_free(&f);
    fix_result_free(&r);

    CRAFT flagged = {3, 10, NULL, 0, 0, 1}; /* a directory, but the flag wins */
    CheckOne(&flagged, &f, &r);
    assert_int_equal(Count(&f, "RELOCS-MISSING", SEV_ERROR), 1);
    assert_int_equal(r.status, FIX_REFUSED);
    findings_free(&f);
    fix_result_free(&r);

    CRAFT normal = {3, 10, NULL, 0, 0, 0};
    CheckOne(&normal, &f, &r);
    assert_int_equal(Count(&f, "RELOCS-MISSING", SEV_ERROR) + Count(&f, "RELOCS-NONE", SEV_INFO), 0);
    assert_int_equal(r.status, FIX_CHANGED);
    findings_free(&f);
    fix_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scale),
        cmocka_unit_test(test_references),
        cmocka_unit_test(test_relocation_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
