/*
 * image_check.c - the rules a Windows kernel image must meet.
 *
 * Each rule has a stable ID, a severity and one fixed sentence saying why
 * it matters; a finding adds where (section, header field, module) and what
 * exactly is wrong.  Errors are things that stop the driver loading or make
 * it crash; warnings are things that are wrong but survivable; info
 * findings are facts worth knowing and never fail the check.
 *
 * Non-kernel images (Subsystem other than NATIVE) get a single
 * NOT-KERNEL-IMAGE finding: info, so `check` exits 0 on them, or error with
 * --strict, for build steps where a non-kernel image is itself the mistake.
 *
 * Text output, one line per finding, then a summary line:
 *   FILE: SEVERITY RULE-ID WHERE: WHAT; WHY
 *   FILE: N errors, N warnings, N info
 *
 * JSON output (`--json`), schema version 1, stable: fields are only ever
 * added, never renamed or removed:
 *   {
 *     "tool": "ndiskit image check", "schema": 1,
 *     "files": [
 *       { "file": "hello.sys",
 *         "status": "clean" | "findings" | "unreadable",
 *         "error": { "offset": 376, "message": "..." },      (unreadable only;
 *                                                     offset null for I/O errors)
 *         "kernel_image": true, "subsystem": 1,
 *         "findings": [ { "rule": "SECTION-NOT-PAGED", "severity": "error",
 *                         "fixable": true, "where": ".text",
 *                         "what": "...", "why": "..." } ],
 *         "summary": { "errors": 1, "warnings": 0, "info": 1 } } ],
 *     "exit": 1
 *   }
 * Exit status: 0 clean (info findings do not count), 1 warnings or errors,
 * 2 some file unreadable.
 */
#include "image.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_modules.h"
#include "util.h"

/* ---- rules ------------------------------------------------------------------ */

struct rule {
    const char *id;
    enum severity severity;
    bool fixable;
    const char *why;
};

enum rule_index {
    R_NOT_KERNEL,
    R_NOT_PAGED,
    R_PAGE_RESIDENT,
    R_INIT_DISCARD,
    R_NO_ACCESS,
    R_LEFTOVER,
    R_LEFTOVER_OK,
    R_WX,
    R_CHECKSUM_ZERO,
    R_CHECKSUM_WRONG,
    R_ENTRY,
    R_RELOCS,
    R_RELOCS_NONE,
    R_DYNAMIC_BASE,
    R_NX_COMPAT,
    R_IMPORT_USER,
    R_IMPORT_UNKNOWN,
    R_DELAY_IMPORT,
    R_FORCE_INTEGRITY,
    R_SIGNED,
};

static const struct rule rules[] = {
    [R_NOT_KERNEL] = {"NOT-KERNEL-IMAGE", SEV_INFO, false,
        "the kernel-image rules apply only to Subsystem NATIVE images"},
    [R_NOT_PAGED] = {"SECTION-NOT-PAGED", SEV_ERROR, true,
        "pageable code or data touched at DISPATCH_LEVEL or above bugchecks (IRQL_NOT_LESS_OR_EQUAL); "
        "lld-link never sets IMAGE_SCN_MEM_NOT_PAGED"},
    [R_PAGE_RESIDENT] = {"SECTION-PAGE-RESIDENT", SEV_WARNING, true,
        "PAGE* sections hold PASSIVE_LEVEL code and data meant to be paged out; non-paged they waste "
        "non-paged memory"},
    [R_INIT_DISCARD] = {"INIT-NOT-DISCARDABLE", SEV_WARNING, true,
        "INIT holds code used only during DriverEntry; without IMAGE_SCN_MEM_DISCARDABLE it stays "
        "resident for the driver's lifetime"},
    [R_NO_ACCESS] = {"SECTION-NO-ACCESS", SEV_ERROR, false,
        "a section without IMAGE_SCN_MEM_READ maps an inaccessible page; loading it bugchecks with "
        "MEMORY_MANAGEMENT (0x1a)"},
    [R_LEFTOVER] = {"LINKER-LEFTOVER", SEV_ERROR, true,
        "linker input, not image data: lld-link 14/19 copy .retplne into the image with "
        "characteristics 0, an inaccessible page that bugchecks the loader with MEMORY_MANAGEMENT (0x1a)"},
    [R_LEFTOVER_OK] = {"LINKER-LEFTOVER-NEUTRALISED", SEV_INFO, false,
        "kept as discardable read-only data: mapped readable, freed after DriverEntry, harmless"},
    [R_WX] = {"SECTION-WX", SEV_ERROR, false,
        "writable and executable memory turns any write bug into code execution, and memory "
        "integrity (HVCI) refuses to load such drivers"},
    [R_CHECKSUM_ZERO] = {"CHECKSUM-ZERO", SEV_ERROR, true,
        "Windows 7 refuses to load kernel drivers whose checksum is 0"},
    [R_CHECKSUM_WRONG] = {"CHECKSUM-WRONG", SEV_ERROR, true,
        "the kernel loader may verify driver checksums and reject a mismatch "
        "(STATUS_IMAGE_CHECKSUM_MISMATCH)"},
    [R_ENTRY] = {"ENTRY-POINT", SEV_ERROR, false,
        "the loader calls DriverEntry at AddressOfEntryPoint; outside executable code it faults"},
    [R_RELOCS] = {"RELOCS-MISSING", SEV_ERROR, false,
        "RELOCS_STRIPPED says the image can only run at its preferred base, and the kernel loads every "
        "driver at an address of its choosing: the loader refuses it (STATUS_CONFLICTING_ADDRESSES); "
        "link without /FIXED"},
    [R_RELOCS_NONE] = {"RELOCS-NONE", SEV_INFO, false,
        "with RELOCS_STRIPPED clear, no base relocations means no absolute addresses to fix up: the "
        "Vista and later loader relocates such an image by doing nothing (lld-link emits no .reloc for "
        "drivers without absolute addresses); Windows Server 2003 and earlier refused it"},
    [R_DYNAMIC_BASE] = {"NO-DYNAMIC-BASE", SEV_WARNING, false,
        "the kernel rebases every driver; without DYNAMIC_BASE (/DYNAMICBASE) the image claims a fixed "
        "address it will not get"},
    [R_NX_COMPAT] = {"NO-NX-COMPAT", SEV_WARNING, false,
        "NX_COMPAT (/NXCOMPAT) declares the image safe with non-executable data; memory integrity "
        "(HVCI) compatibility expects it"},
    [R_IMPORT_USER] = {"IMPORT-USER-MODE", SEV_ERROR, false,
        "user-mode DLL: the kernel loader cannot resolve it, so the driver fails to load"},
    [R_IMPORT_UNKNOWN] = {"IMPORT-UNKNOWN", SEV_WARNING, false,
        "not in ndiskit's table of kernel modules; unless it is a kernel export driver that is "
        "loaded first, the driver fails to load"},
    [R_DELAY_IMPORT] = {"DELAY-IMPORT", SEV_WARNING, false,
        "delay-load imports need a helper from the user-mode CRT (delayimp.lib); nothing resolves "
        "them in the kernel"},
    [R_FORCE_INTEGRITY] = {"FORCE-INTEGRITY", SEV_INFO, false,
        "with FORCE_INTEGRITY (/INTEGRITYCHECK) the kernel loads the image only with a valid "
        "signature"},
    [R_SIGNED] = {"SIGNED-IMAGE", SEV_INFO, false,
        "the image carries an Authenticode certificate; fix refuses it because any change "
        "invalidates the signature: fix first, then sign"},
};

const char *severity_name(enum severity sev)
{
    switch (sev) {
    case SEV_INFO: return "info";
    case SEV_WARNING: return "warning";
    case SEV_ERROR: return "error";
    }
    return "?";
}

static int add(struct findings *f, enum rule_index r, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int add(struct findings *f, enum rule_index r, const char *where, const char *fmt, ...)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 16;
        struct finding *nv = realloc(f->v, cap * sizeof *nv);
        if (!nv)
            return -1;
        f->v = nv;
        f->cap = cap;
    }
    struct finding *x = &f->v[f->n++];
    memset(x, 0, sizeof *x);
    x->rule = rules[r].id;
    x->severity = rules[r].severity;
    x->fixable = rules[r].fixable;
    x->why = rules[r].why;
    snprintf(x->where, sizeof x->where, "%s", where);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->what, sizeof x->what, fmt, ap);
    va_end(ap);
    return 0;
}

void findings_free(struct findings *f)
{
    free(f->v);
    f->v = NULL;
    f->n = f->cap = 0;
}

size_t findings_count(const struct findings *f, enum severity sev)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        n += f->v[i].severity == sev;
    return n;
}

/* ---- the checks ---------------------------------------------------------------- */

static int check_sections(const struct pe_image *img, struct findings *f)
{
    for (size_t i = 0; i < img->section_count; i++) {
        const struct pe_section *s = &img->sections[i];
        const char *name = pe_section_name(s);
        uint32_t c = s->characteristics;
        char flags[160];
        image_section_flags_str(c, flags, sizeof flags);
        enum section_role role = image_section_role(img, i);

        if (role == ROLE_LEFTOVER) {
            if (image_leftover_neutralised(c)) {
                if (add(f, R_LEFTOVER_OK, name, "linker leftover, characteristics 0x%08x [%s]", c, flags))
                    return -1;
            } else {
                bool referenced = image_section_referenced(img, i);
                if (add(f, R_LEFTOVER, name, "linker leftover with characteristics 0x%08x [%s]%s", c,
                        flags, referenced ? "; something in the image refers to it, so fix cannot remove it" : ""))
                    return -1;
                f->v[f->n - 1].fixable = !referenced;
            }
            continue; /* fix rewrites its flags wholesale: no other section rule applies */
        }
        if (!(c & PE_SCN_MEM_READ) &&
            add(f, R_NO_ACCESS, name, "characteristics 0x%08x [%s] lack MEM_READ", c, flags))
            return -1;
        if ((c & PE_SCN_MEM_WRITE) && (c & PE_SCN_MEM_EXECUTE) &&
            add(f, R_WX, name, "characteristics 0x%08x [%s] are both WRITE and EXEC", c, flags))
            return -1;
        switch (role) {
        case ROLE_RESIDENT:
            if (!(c & PE_SCN_MEM_NOT_PAGED) &&
                add(f, R_NOT_PAGED, name, "characteristics 0x%08x [%s] lack MEM_NOT_PAGED", c, flags))
                return -1;
            break;
        case ROLE_PAGEABLE:
            if ((c & PE_SCN_MEM_NOT_PAGED) &&
                add(f, R_PAGE_RESIDENT, name, "PAGE section marked MEM_NOT_PAGED (0x%08x)", c))
                return -1;
            break;
        case ROLE_INIT:
            if (!(c & PE_SCN_MEM_DISCARDABLE) &&
                add(f, R_INIT_DISCARD, name, "characteristics 0x%08x [%s] lack MEM_DISCARDABLE", c, flags))
                return -1;
            break;
        default:
            break;
        }
    }
    return 0;
}

static int check_headers(const struct pe_image *img, struct findings *f)
{
    uint32_t computed = pe_checksum(img->data, img->size, img->checksum_offset);
    if (img->checksum == 0) {
        if (add(f, R_CHECKSUM_ZERO, "OptionalHeader.CheckSum", "stored checksum is 0 (computed 0x%08x)", computed))
            return -1;
    } else if (img->checksum != computed) {
        if (add(f, R_CHECKSUM_WRONG, "OptionalHeader.CheckSum", "stored 0x%08x, computed 0x%08x",
                img->checksum, computed))
            return -1;
    }

    if (img->entry_rva == 0) {
        if (add(f, R_ENTRY, "OptionalHeader.AddressOfEntryPoint", "AddressOfEntryPoint is 0"))
            return -1;
    } else {
        long s = pe_section_of_rva(img, img->entry_rva);
        if (s < 0) {
            if (add(f, R_ENTRY, "OptionalHeader.AddressOfEntryPoint",
                    "entry point 0x%x is in no section", img->entry_rva))
                return -1;
        } else if (!(img->sections[s].characteristics & PE_SCN_MEM_EXECUTE)) {
            char where[64];
            snprintf(where, sizeof where, "OptionalHeader.AddressOfEntryPoint");
            if (add(f, R_ENTRY, where, "entry point 0x%x is in non-executable section %.40s", img->entry_rva,
                    pe_section_name(&img->sections[s])))
                return -1;
        }
    }

    /* Base relocations, as the kernel's loader decides (MmLoadSystemImage
     * relocates every driver through LdrRelocateImageWithBias, returning
     * STATUS_CONFLICTING_ADDRESSES as its "Conflict"):
     *  - IMAGE_FILE_RELOCS_STRIPPED set: per the PE/COFF specification the
     *    image "must be loaded at its preferred base address"; the loader
     *    checks the flag before the directory and returns Conflict, so the
     *    driver does not load, directory or not: an error nothing but a
     *    relink (without /FIXED) repairs.
     *  - flag clear, no BASERELOC directory (RVA or size 0): Vista and later
     *    (NT 6+) return Success when the directory is absent and the flag is
     *    clear - there is nothing to fix up - as the reimplementations of
     *    that loader show (ReactOS sdk/lib/rtl/image.c and TinyKRNL's
     *    LdrRelocateImageWithBias, Vista's boot loader as reimplemented by
     *    tiamo's peloader).  NT 5.x's rtl/ldrreloc.c (Windows 2000 to Server
     *    2003) returned Conflict for a missing directory whatever the flag.
     *    NDIS 6 and KMDF drivers need Vista or later, and lld-link 14/19
     *    emit no .reloc for a tiny driver without absolute addresses: info. */
    if (img->file_characteristics & PE_FILE_RELOCS_STRIPPED) {
        if (add(f, R_RELOCS, "FileHeader.Characteristics", "IMAGE_FILE_RELOCS_STRIPPED is set%s",
                img->relocs.present ? " (the image has base relocations, but the loader goes by the flag)"
                                    : " and the image has no base relocation directory"))
            return -1;
    } else if (!img->relocs.present) {
        if (add(f, R_RELOCS_NONE, "DataDirectory[BASERELOC]",
                "no base relocation directory and RELOCS_STRIPPED clear: nothing to relocate"))
            return -1;
    }
    if (!(img->dll_characteristics & PE_DLLCHAR_DYNAMIC_BASE) &&
        add(f, R_DYNAMIC_BASE, "OptionalHeader.DllCharacteristics", "DYNAMIC_BASE (0x40) not set (0x%04x)",
            img->dll_characteristics))
        return -1;
    if (!(img->dll_characteristics & PE_DLLCHAR_NX_COMPAT) &&
        add(f, R_NX_COMPAT, "OptionalHeader.DllCharacteristics", "NX_COMPAT (0x100) not set (0x%04x)",
            img->dll_characteristics))
        return -1;
    if (add(f, R_FORCE_INTEGRITY, "OptionalHeader.DllCharacteristics", "FORCE_INTEGRITY (0x80) is %s",
            img->dll_characteristics & PE_DLLCHAR_FORCE_INTEGRITY ? "set" : "not set"))
        return -1;
    if (img->dir_count > PE_DIR_SECURITY && img->dirs[PE_DIR_SECURITY].size &&
        add(f, R_SIGNED, "DataDirectory[SECURITY]", "certificate table of 0x%x bytes at file offset 0x%x",
            img->dirs[PE_DIR_SECURITY].size, img->dirs[PE_DIR_SECURITY].rva))
        return -1;
    return 0;
}

static int check_modules(const struct pe_import_module *mods, size_t n, bool delay, struct findings *f)
{
    for (size_t i = 0; i < n; i++) {
        const char *dll = mods[i].dll;
        char where[96];
        snprintf(where, sizeof where, "%s%.80s", delay ? "delay-imports:" : "imports:", dll);
        enum module_kind kind = kernel_module_kind(dll);
        if (kind == MODULE_USER &&
            add(f, R_IMPORT_USER, where, "imports %zu function%s from %.80s", mods[i].fn_count,
                mods[i].fn_count == 1 ? "" : "s", dll))
            return -1;
        if (kind == MODULE_UNKNOWN &&
            add(f, R_IMPORT_UNKNOWN, where, "imports %zu function%s from %.80s", mods[i].fn_count,
                mods[i].fn_count == 1 ? "" : "s", dll))
            return -1;
        if (delay && add(f, R_DELAY_IMPORT, where, "delay-loads %.80s", dll))
            return -1;
    }
    return 0;
}

int image_check(const struct pe_image *img, const struct check_options *opt, struct findings *out)
{
    if (img->subsystem != PE_SUBSYSTEM_NATIVE) {
        if (add(out, R_NOT_KERNEL, "OptionalHeader.Subsystem", "subsystem is %s (%u), not NATIVE (1)",
                pe_subsystem_name(img->subsystem), img->subsystem))
            return -1;
        if (opt && opt->strict)
            out->v[out->n - 1].severity = SEV_ERROR;
        return 0;
    }
    if (check_sections(img, out) || check_headers(img, out) ||
        check_modules(img->imports, img->import_count, false, out) ||
        check_modules(img->delay_imports, img->delay_import_count, true, out))
        return -1;
    return 0;
}

/* ---- output -------------------------------------------------------------------- */

void image_check_print_text(FILE *out, const char *file, const struct findings *f)
{
    for (size_t i = 0; i < f->n; i++) {
        const struct finding *x = &f->v[i];
        fprintf(out, "%s: %s %s ", file, severity_name(x->severity), x->rule);
        util_print_escaped(out, x->where, sizeof x->where);
        fputs(": ", out);
        util_print_escaped(out, x->what, sizeof x->what);
        fprintf(out, "; %s\n", x->why);
    }
    size_t e = findings_count(f, SEV_ERROR), w = findings_count(f, SEV_WARNING), n = findings_count(f, SEV_INFO);
    fprintf(out, "%s: %zu error%s, %zu warning%s, %zu info%s\n", file, e, e == 1 ? "" : "s", w,
            w == 1 ? "" : "s", n, e + w ? "" : " - clean");
}

void image_check_json_file(struct json *j, const char *file, const struct pe_image *img,
                           const struct findings *f)
{
    size_t e = findings_count(f, SEV_ERROR), w = findings_count(f, SEV_WARNING), n = findings_count(f, SEV_INFO);
    json_begin_object(j);
    json_kv_string(j, "file", file);
    json_kv_string(j, "status", e + w ? "findings" : "clean");
    json_kv_bool(j, "kernel_image", img->subsystem == PE_SUBSYSTEM_NATIVE);
    json_kv_uint(j, "subsystem", img->subsystem);
    json_key(j, "findings");
    json_begin_array(j);
    for (size_t i = 0; i < f->n; i++) {
        const struct finding *x = &f->v[i];
        json_begin_object(j);
        json_kv_string(j, "rule", x->rule);
        json_kv_string(j, "severity", severity_name(x->severity));
        json_kv_bool(j, "fixable", x->fixable);
        json_key(j, "where");
        json_string_n(j, x->where, sizeof x->where);
        json_key(j, "what");
        json_string_n(j, x->what, sizeof x->what);
        json_kv_string(j, "why", x->why);
        json_end_object(j);
    }
    json_end_array(j);
    json_key(j, "summary");
    json_begin_object(j);
    json_kv_uint(j, "errors", e);
    json_kv_uint(j, "warnings", w);
    json_kv_uint(j, "info", n);
    json_end_object(j);
    json_end_object(j);
}
