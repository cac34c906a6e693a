/*
 * image.h - the `ndiskit image` library: section policy, check, fix, dump.
 *
 * Each command has an in-memory core that works on a parsed image or a
 * buffer (what the fuzzer drives) and a thin file/CLI layer in
 * image_cli.c.
 */
#ifndef NDISKIT_IMAGE_H
#define NDISKIT_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"
#include "pe.h"

/* ---- section policy (image_policy.c) ---------------------------------- */

/* What the kernel needs of a section, by name and flags. */
enum section_role {
    ROLE_RESIDENT,    /* must be IMAGE_SCN_MEM_NOT_PAGED */
    ROLE_PAGEABLE,    /* PAGE*: must stay pageable */
    ROLE_INIT,        /* INIT: must be discardable */
    ROLE_RESOURCE,    /* .rsrc: pageable or not, the loader does not care */
    ROLE_DISCARDABLE, /* already discardable: freed after DriverEntry */
    ROLE_LEFTOVER,    /* linker input that must not be loaded as is */
};

enum section_role image_section_role(const struct pe_image *img, size_t idx);
const char *image_role_name(enum section_role role);

/* A linker leftover: `.retplne`, a section flagged IMAGE_SCN_LNK_INFO or
 * IMAGE_SCN_LNK_REMOVE, or an unreferenced `.00cfg`/`.cfg00`. */
bool image_section_is_leftover(const struct pe_image *img, size_t idx);

/* Does anything the tools can see (entry point, data directories, load
 * config pointers, debug data, import tables, base relocation targets and
 * the addresses they hold) point into section idx? */
bool image_section_referenced(const struct pe_image *img, size_t idx);

/* Discardable, readable, neither writable nor executable, no LNK_* bits:
 * what `fix` turns a leftover into, and what check accepts. */
bool image_leftover_neutralised(uint32_t characteristics);

#define NEUTRALISED_FLAGS (PE_SCN_CNT_INITIALIZED_DATA | PE_SCN_MEM_READ | PE_SCN_MEM_DISCARDABLE)

/* Space-separated decoded section flags ("CODE EXEC READ NOT_PAGED"). */
void image_section_flags_str(uint32_t characteristics, char *buf, size_t len);
void image_dllchar_str(uint16_t dll_characteristics, char *buf, size_t len);
void image_filechar_str(uint16_t characteristics, char *buf, size_t len);
void image_guard_flags_str(uint32_t guard_flags, char *buf, size_t len);

/* ---- check (image_check.c) -------------------------------------------- */

enum severity { SEV_INFO, SEV_WARNING, SEV_ERROR };

struct finding {
    const char *rule;       /* stable ID, e.g. "SECTION-NOT-PAGED" */
    enum severity severity;
    bool fixable;           /* `ndiskit image fix` repairs it */
    char where[96];         /* section name, header field or module (raw bytes) */
    char what[200];         /* what is wrong in this image */
    const char *why;        /* why it matters: fixed text per rule */
};

struct findings {
    struct finding *v;
    size_t n, cap;
};

struct check_options {
    bool strict;            /* a non-NATIVE image is an error, not an info */
};

/* Run every rule; returns 0, or -1 when out of memory. */
int image_check(const struct pe_image *img, const struct check_options *opt, struct findings *out);
void findings_free(struct findings *f);
size_t findings_count(const struct findings *f, enum severity sev);
const char *severity_name(enum severity sev);

/* Output of one file's results. */
void image_check_print_text(FILE *out, const char *file, const struct findings *f);
void image_check_json_file(struct json *j, const char *file, const struct pe_image *img,
                           const struct findings *f);

/* ---- fix (image_fix.c) ------------------------------------------------- */

enum retpoline_mode {
    RETPOLINE_STRIP,            /* remove trailing leftovers, neutralise the rest (default) */
    RETPOLINE_KEEP_DISCARDABLE, /* always neutralise in place */
};

struct fix_options {
    enum retpoline_mode retpoline;
};

enum fix_status {
    FIX_CHANGED,    /* data holds the repaired image */
    FIX_UNCHANGED,  /* nothing to do; data holds a copy of the input */
    FIX_REFUSED,    /* problems fix must not or cannot repair; see refusal/blocking */
    FIX_ERROR,      /* unreadable image (error) or out of memory */
};

struct fix_result {
    enum fix_status status;
    uint8_t *data;
    size_t size;
    struct pe_error error;      /* FIX_ERROR */
    char refusal[200];          /* FIX_REFUSED: one-line reason */
    struct findings blocking;   /* FIX_REFUSED: the findings that stop it */
    struct findings remaining;  /* unfixable warnings left for check to report */
    char (*changes)[200];       /* one line per change */
    size_t change_count;
    bool stripped;              /* a section header was removed */
    bool truncated;             /* the file was shortened */
};

int image_fix_buffer(const uint8_t *in, size_t size, const struct fix_options *opt,
                     struct fix_result *res);
void fix_result_free(struct fix_result *res);

/* ---- dump (image_dump.c) ----------------------------------------------- */

void image_dump_text(FILE *out, const char *file, const struct pe_image *img);
void image_dump_json(struct json *j, const char *file, const struct pe_image *img);

/* Decode a `.retplne` / DVRT blob on its own (used for sections and by the
 * fuzzer on raw bytes). */
void image_dump_retplne_text(FILE *out, const struct pe_image *img, const uint8_t *data, size_t len);
void image_dump_dvrt_text(FILE *out, const uint8_t *data, size_t len, bool pe32plus);

/* ---- command line (image_cli.c) ---------------------------------------- */

int image_command(int argc, char **argv);
void image_usage(FILE *out);

#endif
