/*
 * image_policy.c - what a kernel image's sections must look like.
 *
 * `check` and `fix` must agree exactly on which section needs what, or fix
 * would leave findings behind (or fight check forever), so the decision
 * lives here once:
 *
 *  - PAGE* sections hold code/data written for PASSIVE_LEVEL: pageable.
 *  - INIT holds DriverEntry-time code: discardable.
 *  - .rsrc and sections that are already discardable: no requirement.
 *  - Linker leftovers (.retplne, LNK_INFO/LNK_REMOVE sections, unreferenced
 *    .00cfg/.cfg00): never meant to be loaded; neutralised or removed.
 *  - Everything else: IMAGE_SCN_MEM_NOT_PAGED, because any of it may be
 *    touched at DISPATCH_LEVEL or above, where a page fault bugchecks.
 *    (This is the rule MSVC's link.exe /DRIVER and ReactOS's post-link
 *    fixer apply, and the one lld-link never does.)
 */
#include "image.h"

#include <stdio.h>
#include <string.h>

static bool name_is(const struct pe_image *img, size_t idx, const char *name)
{
    return strcmp(pe_section_name(&img->sections[idx]), name) == 0;
}

bool image_section_is_leftover(const struct pe_image *img, size_t idx)
{
    const struct pe_section *s = &img->sections[idx];
    if (name_is(img, idx, ".retplne"))
        return true;
    if (s->characteristics & (PE_SCN_LNK_INFO | PE_SCN_LNK_REMOVE))
        return true;
    /* MSVC images keep the CFG function pointers (__guard_check_icall_fptr
     * and friends) in a real .00cfg section the load config points at; only
     * a .00cfg nothing refers to is a leftover. */
    if (name_is(img, idx, ".00cfg") || name_is(img, idx, ".cfg00"))
        return !image_section_referenced(img, idx);
    return false;
}

enum section_role image_section_role(const struct pe_image *img, size_t idx)
{
    const struct pe_section *s = &img->sections[idx];
    const char *name = pe_section_name(s);
    if (image_section_is_leftover(img, idx))
        return ROLE_LEFTOVER;
    if (strncmp(name, "PAGE", 4) == 0)
        return ROLE_PAGEABLE;
    if (strcmp(name, "INIT") == 0)
        return ROLE_INIT;
    if (strcmp(name, ".rsrc") == 0)
        return ROLE_RESOURCE;
    if (s->characteristics & PE_SCN_MEM_DISCARDABLE)
        return ROLE_DISCARDABLE;
    return ROLE_RESIDENT;
}

const char *image_role_name(enum section_role role)
{
    switch (role) {
    case ROLE_RESIDENT: return "resident";
    case ROLE_PAGEABLE: return "pageable";
    case ROLE_INIT: return "init";
    case ROLE_RESOURCE: return "resource";
    case ROLE_DISCARDABLE: return "discardable";
    case ROLE_LEFTOVER: return "leftover";
    }
    return "?";
}

bool image_leftover_neutralised(uint32_t c)
{
    return (c & (PE_SCN_MEM_DISCARDABLE | PE_SCN_MEM_READ)) ==
               (PE_SCN_MEM_DISCARDABLE | PE_SCN_MEM_READ) &&
           !(c & (PE_SCN_MEM_WRITE | PE_SCN_MEM_EXECUTE | PE_SCN_LNK_INFO | PE_SCN_LNK_REMOVE));
}

/* ---- references ----------------------------------------------------------- */

/* pe_parse indexes the references once (pe.c, index_references), in
 * O((sections + relocations) log sections): asking here per section used
 * to walk every relocation for every leftover, cubic on hostile images. */
bool image_section_referenced(const struct pe_image *img, size_t idx)
{
    return idx < img->section_count && img->section_referenced && img->section_referenced[idx];
}

/* ---- flag names ------------------------------------------------------------ */

struct flag_name {
    uint32_t bit;
    const char *name;
};

static void flags_str(uint32_t v, const struct flag_name *names, size_t n, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    uint32_t known = 0;
    for (size_t i = 0; i < n; i++) {
        known |= names[i].bit;
        if (v & names[i].bit) {
            int w = snprintf(buf + used, len - used, "%s%s", used ? " " : "", names[i].name);
            if (w < 0 || (size_t)w >= len - used)
                return;
            used += (size_t)w;
        }
    }
    if (v & ~known)
        snprintf(buf + used, len - used, "%s0x%x", used ? " " : "", v & ~known);
}

void image_section_flags_str(uint32_t c, char *buf, size_t len)
{
    static const struct flag_name names[] = {
        {PE_SCN_CNT_CODE, "CODE"},
        {PE_SCN_CNT_INITIALIZED_DATA, "IDATA"},
        {PE_SCN_CNT_UNINITIALIZED_DATA, "UDATA"},
        {PE_SCN_LNK_INFO, "LNK_INFO"},
        {PE_SCN_LNK_REMOVE, "LNK_REMOVE"},
        {PE_SCN_LNK_COMDAT, "COMDAT"},
        {PE_SCN_GPREL, "GPREL"},
        {PE_SCN_LNK_NRELOC_OVFL, "NRELOC_OVFL"},
        {PE_SCN_MEM_DISCARDABLE, "DISCARDABLE"},
        {PE_SCN_MEM_NOT_CACHED, "NOT_CACHED"},
        {PE_SCN_MEM_SHARED, "SHARED"},
        {PE_SCN_MEM_EXECUTE, "EXEC"},
        {PE_SCN_MEM_READ, "READ"},
        {PE_SCN_MEM_WRITE, "WRITE"},
        {PE_SCN_MEM_NOT_PAGED, "NOT_PAGED"},
    };
    if (c == 0) {
        snprintf(buf, len, "none");
        return;
    }
    /* Alignment is a 4-bit number, not a flag (object files only). */
    uint32_t align = (c & PE_SCN_ALIGN_MASK) >> 20;
    flags_str(c & ~PE_SCN_ALIGN_MASK, names, sizeof names / sizeof names[0], buf, len);
    if (align) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%sALIGN_%uBYTES", used ? " " : "", 1u << (align - 1));
    }
}

void image_dllchar_str(uint16_t v, char *buf, size_t len)
{
    static const struct flag_name names[] = {
        {PE_DLLCHAR_HIGH_ENTROPY_VA, "HIGH_ENTROPY_VA"},
        {PE_DLLCHAR_DYNAMIC_BASE, "DYNAMIC_BASE"},
        {PE_DLLCHAR_FORCE_INTEGRITY, "FORCE_INTEGRITY"},
        {PE_DLLCHAR_NX_COMPAT, "NX_COMPAT"},
        {PE_DLLCHAR_NO_ISOLATION, "NO_ISOLATION"},
        {PE_DLLCHAR_NO_SEH, "NO_SEH"},
        {PE_DLLCHAR_NO_BIND, "NO_BIND"},
        {PE_DLLCHAR_APPCONTAINER, "APPCONTAINER"},
        {PE_DLLCHAR_WDM_DRIVER, "WDM_DRIVER"},
        {PE_DLLCHAR_GUARD_CF, "GUARD_CF"},
        {PE_DLLCHAR_TERMINAL_SERVER_AWARE, "TERMINAL_SERVER_AWARE"},
    };
    if (v == 0)
        snprintf(buf, len, "none");
    else
        flags_str(v, names, sizeof names / sizeof names[0], buf, len);
}

void image_filechar_str(uint16_t v, char *buf, size_t len)
{
    static const struct flag_name names[] = {
        {PE_FILE_RELOCS_STRIPPED, "RELOCS_STRIPPED"},
        {PE_FILE_EXECUTABLE_IMAGE, "EXECUTABLE_IMAGE"},
        {PE_FILE_LARGE_ADDRESS_AWARE, "LARGE_ADDRESS_AWARE"},
        {PE_FILE_32BIT_MACHINE, "32BIT_MACHINE"},
        {PE_FILE_DEBUG_STRIPPED, "DEBUG_STRIPPED"},
        {PE_FILE_SYSTEM, "SYSTEM"},
        {PE_FILE_DLL, "DLL"},
    };
    if (v == 0)
        snprintf(buf, len, "none");
    else
        flags_str(v, names, sizeof names / sizeof names[0], buf, len);
}

void image_guard_flags_str(uint32_t v, char *buf, size_t len)
{
    static const struct flag_name names[] = {
        {PE_GUARD_CF_INSTRUMENTED, "CF_INSTRUMENTED"},
        {PE_GUARD_CFW_INSTRUMENTED, "CFW_INSTRUMENTED"},
        {PE_GUARD_CF_FUNCTION_TABLE_PRESENT, "CF_FUNCTION_TABLE_PRESENT"},
        {PE_GUARD_SECURITY_COOKIE_UNUSED, "SECURITY_COOKIE_UNUSED"},
        {PE_GUARD_PROTECT_DELAYLOAD_IAT, "PROTECT_DELAYLOAD_IAT"},
        {PE_GUARD_DELAYLOAD_IAT_IN_ITS_OWN_SECTION, "DELAYLOAD_IAT_IN_ITS_OWN_SECTION"},
        {PE_GUARD_CF_EXPORT_SUPPRESSION_INFO_PRESENT, "CF_EXPORT_SUPPRESSION_INFO_PRESENT"},
        {PE_GUARD_CF_ENABLE_EXPORT_SUPPRESSION, "CF_ENABLE_EXPORT_SUPPRESSION"},
        {PE_GUARD_CF_LONGJUMP_TABLE_PRESENT, "CF_LONGJUMP_TABLE_PRESENT"},
        {PE_GUARD_RF_INSTRUMENTED, "RF_INSTRUMENTED"},
        {PE_GUARD_RF_ENABLE, "RF_ENABLE"},
        {PE_GUARD_RF_STRICT, "RF_STRICT"},
        {PE_GUARD_RETPOLINE_PRESENT, "RETPOLINE_PRESENT"},
        {PE_GUARD_EH_CONTINUATION_TABLE_PRESENT, "EH_CONTINUATION_TABLE_PRESENT"},
        {PE_GUARD_XFG_ENABLED, "XFG_ENABLED"},
        {PE_GUARD_CASTGUARD_PRESENT, "CASTGUARD_PRESENT"},
        {PE_GUARD_MEMCPY_PRESENT, "MEMCPY_PRESENT"},
    };
    uint32_t stride = (v & PE_GUARD_CF_FUNCTION_TABLE_SIZE_MASK) >> PE_GUARD_CF_FUNCTION_TABLE_SIZE_SHIFT;
    v &= ~PE_GUARD_CF_FUNCTION_TABLE_SIZE_MASK;
    if (v == 0 && stride == 0) {
        snprintf(buf, len, "none");
        return;
    }
    flags_str(v, names, sizeof names / sizeof names[0], buf, len);
    if (stride) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%sCF_TABLE_STRIDE=%u", used ? " " : "", stride);
    }
}
