/*
 * pe.h - a bounds-checked reader for PE32 and PE32+ images.
 *
 * The structures here are not the on-disk layouts: the parser reads every
 * field byte by byte (pe_rd16/32/64) at offsets taken from the Microsoft
 * PE/COFF specification, so nothing depends on host structure packing or
 * alignment, and every read is checked against the buffer length first.
 *
 * pe_parse() validates the headers, the section table and the data
 * directories the image tools rely on (imports, delay imports, exports, base
 * relocations, debug directory, load configuration).  Anything malformed
 * makes it fail with the file offset of the offending bytes and a one-line
 * description; it never reads outside [data, data + size).  The parsed
 * image points into the caller's buffer, which must outlive it.
 *
 * Linker leftovers (.retplne) and the Dynamic Value Relocation Table are
 * not validated here: they are decoded on demand by retplne.c and dvrt.c,
 * which report garbage inline instead of failing, because neither affects
 * whether the tools can read or repair the image.
 */
#ifndef NDISKIT_PE_H
#define NDISKIT_PE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- constants from the PE/COFF specification --------------------------- */

#define PE_DOS_MAGIC 0x5a4du /* "MZ" */
#define PE_NT_SIGNATURE 0x00004550u /* "PE\0\0" */
#define PE_OPT_MAGIC_PE32 0x10bu
#define PE_OPT_MAGIC_PE32PLUS 0x20bu

#define PE_DOS_HEADER_SIZE 64u
#define PE_FILE_HEADER_SIZE 20u
#define PE_SECTION_HEADER_SIZE 40u
#define PE_MAX_DATA_DIRS 16u

/* File header Characteristics */
#define PE_FILE_RELOCS_STRIPPED 0x0001u
#define PE_FILE_EXECUTABLE_IMAGE 0x0002u
#define PE_FILE_LARGE_ADDRESS_AWARE 0x0020u
#define PE_FILE_32BIT_MACHINE 0x0100u
#define PE_FILE_DEBUG_STRIPPED 0x0200u
#define PE_FILE_SYSTEM 0x1000u
#define PE_FILE_DLL 0x2000u

/* Machine */
#define PE_MACHINE_I386 0x014cu
#define PE_MACHINE_AMD64 0x8664u
#define PE_MACHINE_ARM64 0xaa64u
#define PE_MACHINE_ARMNT 0x01c4u

/* Subsystem */
#define PE_SUBSYSTEM_NATIVE 1u

/* DllCharacteristics */
#define PE_DLLCHAR_HIGH_ENTROPY_VA 0x0020u
#define PE_DLLCHAR_DYNAMIC_BASE 0x0040u
#define PE_DLLCHAR_FORCE_INTEGRITY 0x0080u
#define PE_DLLCHAR_NX_COMPAT 0x0100u
#define PE_DLLCHAR_NO_ISOLATION 0x0200u
#define PE_DLLCHAR_NO_SEH 0x0400u
#define PE_DLLCHAR_NO_BIND 0x0800u
#define PE_DLLCHAR_APPCONTAINER 0x1000u
#define PE_DLLCHAR_WDM_DRIVER 0x2000u
#define PE_DLLCHAR_GUARD_CF 0x4000u
#define PE_DLLCHAR_TERMINAL_SERVER_AWARE 0x8000u

/* Section Characteristics */
#define PE_SCN_CNT_CODE 0x00000020u
#define PE_SCN_CNT_INITIALIZED_DATA 0x00000040u
#define PE_SCN_CNT_UNINITIALIZED_DATA 0x00000080u
#define PE_SCN_LNK_INFO 0x00000200u
#define PE_SCN_LNK_REMOVE 0x00000800u
#define PE_SCN_LNK_COMDAT 0x00001000u
#define PE_SCN_GPREL 0x00008000u
#define PE_SCN_ALIGN_MASK 0x00f00000u
#define PE_SCN_LNK_NRELOC_OVFL 0x01000000u
#define PE_SCN_MEM_DISCARDABLE 0x02000000u
#define PE_SCN_MEM_NOT_CACHED 0x04000000u
#define PE_SCN_MEM_NOT_PAGED 0x08000000u
#define PE_SCN_MEM_SHARED 0x10000000u
#define PE_SCN_MEM_EXECUTE 0x20000000u
#define PE_SCN_MEM_READ 0x40000000u
#define PE_SCN_MEM_WRITE 0x80000000u

/* Data directory indexes */
enum pe_dir {
    PE_DIR_EXPORT = 0,
    PE_DIR_IMPORT = 1,
    PE_DIR_RESOURCE = 2,
    PE_DIR_EXCEPTION = 3,
    PE_DIR_SECURITY = 4, /* a file offset, not an RVA */
    PE_DIR_BASERELOC = 5,
    PE_DIR_DEBUG = 6,
    PE_DIR_ARCHITECTURE = 7,
    PE_DIR_GLOBALPTR = 8,
    PE_DIR_TLS = 9,
    PE_DIR_LOAD_CONFIG = 10,
    PE_DIR_BOUND_IMPORT = 11,
    PE_DIR_IAT = 12,
    PE_DIR_DELAY_IMPORT = 13,
    PE_DIR_CLR = 14,
    PE_DIR_RESERVED = 15,
};

/* Base relocation types (the high 4 bits of each block entry) */
#define PE_REL_BASED_ABSOLUTE 0u
#define PE_REL_BASED_HIGH 1u
#define PE_REL_BASED_LOW 2u
#define PE_REL_BASED_HIGHLOW 3u
#define PE_REL_BASED_HIGHADJ 4u
#define PE_REL_BASED_DIR64 10u

/* Debug directory types */
#define PE_DEBUG_TYPE_CODEVIEW 2u

/* Load configuration GuardFlags */
#define PE_GUARD_CF_INSTRUMENTED 0x00000100u
#define PE_GUARD_CFW_INSTRUMENTED 0x00000200u
#define PE_GUARD_CF_FUNCTION_TABLE_PRESENT 0x00000400u
#define PE_GUARD_SECURITY_COOKIE_UNUSED 0x00000800u
#define PE_GUARD_PROTECT_DELAYLOAD_IAT 0x00001000u
#define PE_GUARD_DELAYLOAD_IAT_IN_ITS_OWN_SECTION 0x00002000u
#define PE_GUARD_CF_EXPORT_SUPPRESSION_INFO_PRESENT 0x00004000u
#define PE_GUARD_CF_ENABLE_EXPORT_SUPPRESSION 0x00008000u
#define PE_GUARD_CF_LONGJUMP_TABLE_PRESENT 0x00010000u
#define PE_GUARD_RF_INSTRUMENTED 0x00020000u
#define PE_GUARD_RF_ENABLE 0x00040000u
#define PE_GUARD_RF_STRICT 0x00080000u
#define PE_GUARD_RETPOLINE_PRESENT 0x00100000u
#define PE_GUARD_EH_CONTINUATION_TABLE_PRESENT 0x00400000u
#define PE_GUARD_XFG_ENABLED 0x00800000u
#define PE_GUARD_CASTGUARD_PRESENT 0x01000000u
#define PE_GUARD_MEMCPY_PRESENT 0x02000000u
#define PE_GUARD_CF_FUNCTION_TABLE_SIZE_MASK 0xf0000000u
#define PE_GUARD_CF_FUNCTION_TABLE_SIZE_SHIFT 28

/* ---- little-endian readers (no alignment or aliasing assumptions) ------- */

static inline uint16_t pe_rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}

static inline uint32_t pe_rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t pe_rd64(const uint8_t *p)
{
    return (uint64_t)pe_rd32(p) | (uint64_t)pe_rd32(p + 4) << 32;
}

static inline void pe_wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void pe_wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* True when [off, off + len) lies inside a buffer of `size` bytes; written
 * so that no addition can wrap. */
static inline bool pe_range_ok(size_t size, uint64_t off, uint64_t len)
{
    return off <= size && len <= size - off;
}

/* ---- the parsed image ---------------------------------------------------- */

/* The first problem pe_parse() found: where it is and what is wrong. */
struct pe_error {
    uint64_t offset;
    char message[200];
};

struct pe_data_dir {
    uint32_t rva; /* a file offset for PE_DIR_SECURITY */
    uint32_t size;
};

struct pe_section {
    char name[9];           /* the 8 raw name bytes, NUL-terminated */
    const char *long_name;  /* "/123" names resolved through the COFF string table, or NULL */
    uint32_t virtual_size;
    uint32_t rva;
    uint32_t raw_size;
    uint32_t raw_ptr;
    uint32_t characteristics;
    size_t header_offset;   /* file offset of this section's 40-byte header */
};

struct pe_import_fn {
    bool by_ordinal;
    uint16_t ordinal;   /* when by_ordinal */
    uint16_t hint;      /* when by name */
    const char *name;   /* when by name: NUL-terminated inside the image buffer */
};

struct pe_import_module {
    const char *dll;    /* NUL-terminated inside the image buffer */
    uint32_t lookup_rva; /* import lookup (name) table; 0 when absent */
    uint32_t iat_rva;
    size_t descriptor_offset;
    size_t first_fn;    /* index into pe_image.import_fns / delay_fns */
    size_t fn_count;
};

struct pe_exports {
    bool present;
    const char *dll;    /* may be NULL if Name RVA is 0 */
    uint32_t ordinal_base;
    uint32_t function_count;
    uint32_t name_count;
    uint32_t functions_rva, names_rva, ordinals_rva;
};

struct pe_relocs {
    bool present;
    size_t block_count;
    size_t entry_count;          /* every entry, padding included */
    size_t by_type[16];
};

struct pe_debug_entry {
    size_t offset;               /* file offset of the 28-byte entry */
    uint32_t characteristics;
    uint32_t timestamp;
    uint16_t major, minor;
    uint32_t type;
    uint32_t data_size;
    uint32_t data_rva;
    uint32_t data_ptr;
    /* CodeView RSDS, when type is CODEVIEW and the data says "RSDS" */
    bool has_rsds;
    uint8_t rsds_guid[16];
    uint32_t rsds_age;
    const char *rsds_path;       /* NUL-terminated inside the image buffer */
};

struct pe_load_config {
    bool present;
    size_t offset;               /* file offset of the structure */
    uint32_t dir_size;           /* the data directory's size */
    uint32_t size;               /* the structure's own Size field (what the loader uses) */
    /* Fields below are valid only when `size` covers them (has_* says so). */
    bool has_cookie;
    uint64_t security_cookie;    /* VA */
    bool has_guard;
    uint64_t guard_cf_check_fn;  /* VAs */
    uint64_t guard_cf_dispatch_fn;
    uint64_t guard_cf_function_table;
    uint64_t guard_cf_function_count;
    uint32_t guard_flags;
    bool has_dvrt_va;
    uint64_t dvrt_va;            /* DynamicValueRelocTable (older images) */
    bool has_dvrt_offset;
    uint32_t dvrt_offset;        /* DynamicValueRelocTableOffset */
    uint16_t dvrt_section;       /* DynamicValueRelocTableSection (1-based) */
};

/* Sections by RVA range for O(log n) lookups: the distinct range ends,
 * sorted, cut the address space into intervals; each interval is owned by
 * the lowest-numbered section covering it (the one a linear scan of the
 * section table finds first, even when hostile sections overlap), or -1. */
struct pe_rva_map {
    uint32_t *coord;             /* m distinct ends, ascending */
    int32_t *owner;              /* owner[k]: [coord[k], coord[k + 1]); owner[m - 1] is -1 */
    size_t m;
};

struct pe_image {
    const uint8_t *data;
    size_t size;

    /* headers */
    uint32_t nt_offset;          /* e_lfanew */
    size_t file_header_offset;
    size_t opt_offset;
    uint16_t machine;
    uint16_t section_count_raw;  /* NumberOfSections as stored */
    uint32_t timestamp;
    uint32_t symtab_ptr;
    uint32_t symbol_count;
    uint16_t opt_size;           /* SizeOfOptionalHeader */
    uint16_t file_characteristics;

    bool pe32plus;
    uint16_t opt_magic;
    uint8_t linker_major, linker_minor;
    uint32_t size_of_code;
    uint32_t size_of_init_data;
    uint32_t size_of_uninit_data;
    uint32_t entry_rva;
    uint32_t base_of_code;
    uint64_t image_base;
    uint32_t section_alignment;
    uint32_t file_alignment;
    uint16_t os_major, os_minor, subsystem_major, subsystem_minor;
    uint32_t size_of_image;
    uint32_t size_of_headers;
    uint32_t checksum;
    size_t checksum_offset;      /* file offset of the CheckSum field */
    uint16_t subsystem;
    uint16_t dll_characteristics;
    size_t dll_characteristics_offset;
    uint32_t rva_count_raw;      /* NumberOfRvaAndSizes as stored */
    uint32_t dir_count;          /* directories actually used (<= 16) */
    struct pe_data_dir dirs[PE_MAX_DATA_DIRS];
    size_t size_of_image_offset;
    size_t size_of_init_data_offset;

    size_t section_table_offset;
    struct pe_section *sections;
    size_t section_count;

    struct pe_import_module *imports;
    size_t import_count;
    struct pe_import_fn *import_fns;
    size_t import_fn_count;

    struct pe_import_module *delay_imports;
    size_t delay_import_count;
    struct pe_import_fn *delay_fns;
    size_t delay_fn_count;

    struct pe_exports exports;
    struct pe_relocs relocs;

    struct pe_debug_entry *debug;
    size_t debug_count;

    struct pe_load_config load_config;

    /* Built by pe_parse for lookups that stay O(log n) however many
     * sections and relocations a hostile image has. */
    struct pe_rva_map file_map;  /* each section's file-backed bytes */
    struct pe_rva_map virt_map;  /* each section's [rva, rva + pe_section_vsize) */
    uint64_t header_end;         /* RVAs below it are the mapped headers */
    /* Per section, 1 when the entry point, a data directory, the load
     * config's pointers, debug data, import or export tables, a base
     * relocation target or the address stored at one lies in it
     * (image_section_referenced in image.h). */
    uint8_t *section_referenced;

    struct pe_error error;
};

/* Parse `size` bytes at `data`.  Returns 0, or -1 with img->error set (the
 * image is then freed internally, but error stays readable).  Out of memory
 * is reported as an error at offset 0. */
int pe_parse(struct pe_image *img, const uint8_t *data, size_t size);
void pe_free(struct pe_image *img);

/* The section's displayed name (long name if resolved). */
const char *pe_section_name(const struct pe_section *s);

/* The section whose virtual range [rva, rva + pe_section_vsize) contains
 * `rva` (the first in the table if several do), or -1.  O(log n). */
long pe_section_of_rva(const struct pe_image *img, uint32_t rva);

/* The section's size in memory: VirtualSize, or SizeOfRawData when
 * VirtualSize is 0 (as object-style linkers sometimes leave it). */
uint32_t pe_section_vsize(const struct pe_section *s);

/* Map an RVA to a file offset.  On success *off is the file offset and
 * *avail the number of file-backed bytes contiguous from there (to the end
 * of the section's raw data or of the headers).  O(log n). */
bool pe_rva_span(const struct pe_image *img, uint32_t rva, size_t *off, size_t *avail);

/* Map [rva, rva + len) to a file offset; all of it must be file-backed. */
bool pe_rva_range(const struct pe_image *img, uint32_t rva, uint64_t len, size_t *off);

/* The checksum the PE specification defines (see pe_checksum.c). */
uint32_t pe_checksum(const uint8_t *data, size_t size, size_t checksum_offset);

/* ---- base relocation walking (shared by the parser, check and dump) ----- */

struct pe_reloc_iter {
    const uint8_t *p;            /* start of the relocation data */
    size_t len;
    size_t pos;                  /* offset of the next block */
    size_t base_offset;          /* file offset of p, for messages */
};

struct pe_reloc_block {
    size_t offset;               /* file offset of the block header */
    uint32_t page_rva;
    uint32_t block_size;
    const uint8_t *entries;      /* (block_size - 8) / 2 little-endian uint16 */
    size_t entry_count;
};

/* Returns 1 with *b filled, 0 at the end, -1 on a malformed block (err set). */
int pe_reloc_next(struct pe_reloc_iter *it, struct pe_reloc_block *b, struct pe_error *err);

/* Elementary steps of the section lookups and the reference index
 * (section entries visited, binary-search probes, relocation entries
 * walked), summed over every image: tests assert on it to prove the
 * image commands stay O(n log n) on hostile input without timing them. */
extern uint64_t pe_work;

/* Names for display; never NULL. */
const char *pe_machine_name(uint16_t machine);
const char *pe_subsystem_name(uint16_t subsystem);
const char *pe_dir_name(unsigned index);
const char *pe_debug_type_name(uint32_t type);
const char *pe_reloc_type_name(unsigned type);

#endif
