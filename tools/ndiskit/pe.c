/*
 * pe.c - the PE32/PE32+ parser behind every `ndiskit image` command.
 *
 * Offsets and sizes are from the Microsoft PE/COFF specification.  Every
 * read goes through pe_range_ok() or pe_rva_range() first, all arithmetic on
 * values taken from the file is done in uint64_t (file values are at most 32
 * bits wide, so sums cannot wrap), and every loop is bounded by the file
 * size or by an explicit cap, because the parser is fuzzed under ASan/UBSan
 * and must never read outside the buffer, overflow, or run away.
 */
#include "pe.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Caps that no real driver comes near; they bound time and memory on
 * hostile input (many descriptors sharing one huge thunk table would
 * otherwise be quadratic). */
#define MAX_IMPORT_MODULES 4096u
#define MAX_IMPORT_FNS 65536u
#define MAX_EXPORT_NAMES 65536u
#define MAX_NAME 512u /* longest DLL / function / PDB name accepted */

/* Optional header field offsets that differ between PE32 and PE32+. */
struct opt_layout {
    size_t fixed_size;      /* bytes before the data directories */
    size_t nrva_offset;     /* NumberOfRvaAndSizes */
};

static const struct opt_layout layout_pe32 = {96, 92};
static const struct opt_layout layout_pe32plus = {112, 108};

uint64_t pe_work;

static int fail(struct pe_image *img, uint64_t offset, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct pe_image *img, uint64_t offset, const char *fmt, ...)
{
    va_list ap;
    img->error.offset = offset;
    va_start(ap, fmt);
    vsnprintf(img->error.message, sizeof img->error.message, fmt, ap);
    va_end(ap);
    return -1;
}

static bool is_pow2(uint32_t v)
{
    return v != 0 && (v & (v - 1)) == 0;
}

const char *pe_section_name(const struct pe_section *s)
{
    return s->long_name ? s->long_name : s->name;
}

uint32_t pe_section_vsize(const struct pe_section *s)
{
    return s->virtual_size ? s->virtual_size : s->raw_size;
}

/* ---- lookups by RVA ---------------------------------------------------------- */

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    pe_work++;
    return x < y ? -1 : x > y;
}

/* How many coordinates are <= x (strict: < x). */
static size_t map_count(const struct pe_rva_map *map, uint64_t x, bool strict)
{
    size_t lo = 0, hi = map->m;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        pe_work++;
        if (strict ? map->coord[mid] < x : map->coord[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Union-find over the intervals: the first one at or after k that no
 * section owns yet (path halving keeps it near-constant). */
static size_t next_free(size_t *next, size_t k)
{
    while (next[k] != k) {
        pe_work++;
        next[k] = next[next[k]];
        k = next[k];
    }
    return k;
}

/* Builds map from the ranges [lo[i], hi[i]) of sections i < n (empty ones
 * own nothing): sort the ends once, then hand each interval to the first
 * section covering it, skipping owned intervals, in O(n log n). */
static int map_build(struct pe_image *img, struct pe_rva_map *map, size_t n, const uint32_t *lo,
                     const uint32_t *hi)
{
    size_t m = 0;
    map->coord = malloc((2 * n + 1) * sizeof *map->coord);
    if (!map->coord)
        return fail(img, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (lo[i] < hi[i]) {
            map->coord[m++] = lo[i];
            map->coord[m++] = hi[i];
        }
    }
    qsort(map->coord, m, sizeof *map->coord, cmp_u32);
    size_t u = 0;
    for (size_t i = 0; i < m; i++)
        if (u == 0 || map->coord[u - 1] != map->coord[i])
            map->coord[u++] = map->coord[i];
    map->m = u;
    map->owner = malloc((u + 1) * sizeof *map->owner);
    size_t *next = malloc((u + 1) * sizeof *next);
    if (!map->owner || !next) {
        free(next);
        return fail(img, 0, "out of memory");
    }
    for (size_t k = 0; k < u; k++) {
        map->owner[k] = -1;
        next[k] = k;
    }
    for (size_t i = 0; i < n; i++) {
        if (lo[i] >= hi[i])
            continue;
        size_t a = map_count(map, lo[i], true), b = map_count(map, hi[i], true);
        /* b <= u - 1: the last interval, past every range, is never owned. */
        for (size_t k = next_free(next, a); k < b; k = next_free(next, k + 1)) {
            map->owner[k] = (int32_t)i;
            next[k] = k + 1;
        }
    }
    free(next);
    return 0;
}

static long map_find(const struct pe_rva_map *map, uint64_t x)
{
    size_t c = map_count(map, x, false);
    return c == 0 || c >= map->m ? -1 : map->owner[c - 1];
}

static void map_free(struct pe_rva_map *map)
{
    free(map->coord);
    free(map->owner);
    memset(map, 0, sizeof *map);
}

/* Both maps, and where the mapped headers end: SizeOfHeaders, but sections
 * may start earlier than that in odd images, so no later than the first
 * section (and never past the file). */
static int index_sections(struct pe_image *img)
{
    size_t n = img->section_count;
    uint32_t *lo = malloc((n + 1) * sizeof *lo), *hi = malloc((n + 1) * sizeof *hi);
    uint32_t *blo = malloc((n + 1) * sizeof *blo), *bhi = malloc((n + 1) * sizeof *bhi);
    int rc = -1;
    if (!lo || !hi || !blo || !bhi) {
        fail(img, 0, "out of memory");
        goto out;
    }
    uint64_t end = img->size_of_headers;
    for (size_t i = 0; i < n; i++) {
        const struct pe_section *s = &img->sections[i];
        uint32_t backed = pe_section_vsize(s);
        if (backed > s->raw_size)
            backed = s->raw_size; /* the rest is zero-fill, not in the file */
        /* parse_sections checked that rva + size fits in 32 bits */
        lo[i] = blo[i] = s->rva;
        hi[i] = s->rva + pe_section_vsize(s);
        bhi[i] = s->rva + backed;
        if (s->rva < end)
            end = s->rva;
        pe_work++;
    }
    img->header_end = end < img->size ? end : img->size;
    rc = map_build(img, &img->virt_map, n, lo, hi) || map_build(img, &img->file_map, n, blo, bhi) ? -1 : 0;
out:
    free(lo);
    free(hi);
    free(blo);
    free(bhi);
    return rc;
}

long pe_section_of_rva(const struct pe_image *img, uint32_t rva)
{
    return map_find(&img->virt_map, rva);
}

bool pe_rva_span(const struct pe_image *img, uint32_t rva, size_t *off, size_t *avail)
{
    long i = map_find(&img->file_map, rva);
    if (i >= 0) {
        const struct pe_section *s = &img->sections[i];
        uint64_t backed = pe_section_vsize(s);
        if (backed > s->raw_size)
            backed = s->raw_size;
        uint64_t delta = (uint64_t)rva - s->rva;
        /* raw data was range-checked against the file size at parse */
        *off = (size_t)(s->raw_ptr + delta);
        *avail = (size_t)(backed - delta);
        return true;
    }
    if (rva < img->header_end) {
        *off = rva;
        *avail = (size_t)(img->header_end - rva);
        return true;
    }
    return false;
}

bool pe_rva_range(const struct pe_image *img, uint32_t rva, uint64_t len, size_t *off)
{
    size_t avail;
    if (!pe_rva_span(img, rva, off, &avail))
        return false;
    return len <= avail;
}

/* A NUL-terminated string at `rva` that lies wholly in file-backed bytes. */
static const char *rva_string(const struct pe_image *img, uint32_t rva)
{
    size_t off, avail;
    if (rva == 0 || !pe_rva_span(img, rva, &off, &avail))
        return NULL;
    if (avail > MAX_NAME)
        avail = MAX_NAME;
    if (!memchr(img->data + off, 0, avail))
        return NULL;
    return (const char *)img->data + off;
}

/* ---- headers ------------------------------------------------------------- */

static void resolve_long_name(struct pe_image *img, struct pe_section *s)
{
    /* "/123" means: the name is at byte 123 of the COFF string table, which
     * follows the symbol table (18 bytes per symbol).  Images only have one
     * when linked with DWARF debug info; failure just keeps the short name. */
    if (s->name[0] != '/' || img->symtab_ptr == 0)
        return;
    uint64_t index = 0;
    for (int i = 1; i < 8 && s->name[i]; i++) {
        if (s->name[i] < '0' || s->name[i] > '9')
            return;
        index = index * 10 + (uint64_t)(s->name[i] - '0');
    }
    uint64_t off = (uint64_t)img->symtab_ptr + (uint64_t)img->symbol_count * 18u + index;
    if (!pe_range_ok(img->size, off, 1))
        return;
    size_t avail = img->size - (size_t)off;
    if (avail > MAX_NAME)
        avail = MAX_NAME;
    if (memchr(img->data + off, 0, avail))
        s->long_name = (const char *)img->data + off;
}

static int parse_headers(struct pe_image *img)
{
    const uint8_t *d = img->data;
    size_t size = img->size;

    if (size < PE_DOS_HEADER_SIZE)
        return fail(img, 0, "DOS header runs past end of file (file is 0x%zx bytes)", size);
    if (pe_rd16(d) != PE_DOS_MAGIC)
        return fail(img, 0, "no DOS signature (MZ): not a PE image");
    img->nt_offset = pe_rd32(d + 0x3c);
    if (!pe_range_ok(size, img->nt_offset, 4))
        return fail(img, 0x3c, "e_lfanew 0x%x points past end of file", img->nt_offset);
    if (pe_rd32(d + img->nt_offset) != PE_NT_SIGNATURE)
        return fail(img, img->nt_offset, "no PE signature (PE\\0\\0) at e_lfanew");

    uint64_t fh = (uint64_t)img->nt_offset + 4;
    if (!pe_range_ok(size, fh, PE_FILE_HEADER_SIZE))
        return fail(img, fh, "file header runs past end of file");
    img->file_header_offset = (size_t)fh;
    const uint8_t *f = d + fh;
    img->machine = pe_rd16(f);
    img->section_count_raw = pe_rd16(f + 2);
    img->timestamp = pe_rd32(f + 4);
    img->symtab_ptr = pe_rd32(f + 8);
    img->symbol_count = pe_rd32(f + 12);
    img->opt_size = pe_rd16(f + 16);
    img->file_characteristics = pe_rd16(f + 18);

    uint64_t opt = fh + PE_FILE_HEADER_SIZE;
    img->opt_offset = (size_t)opt;
    if (img->opt_size < 2)
        return fail(img, fh + 16, "SizeOfOptionalHeader 0x%x is too small for an image",
                    img->opt_size);
    if (!pe_range_ok(size, opt, img->opt_size))
        return fail(img, opt, "optional header (0x%x bytes) runs past end of file",
                    img->opt_size);
    const uint8_t *o = d + opt;
    img->opt_magic = pe_rd16(o);
    const struct opt_layout *lay;
    if (img->opt_magic == PE_OPT_MAGIC_PE32) {
        lay = &layout_pe32;
        img->pe32plus = false;
    } else if (img->opt_magic == PE_OPT_MAGIC_PE32PLUS) {
        lay = &layout_pe32plus;
        img->pe32plus = true;
    } else {
        return fail(img, opt, "optional header magic 0x%x is neither PE32 (0x10b) nor PE32+ (0x20b)",
                    img->opt_magic);
    }
    if (img->opt_size < lay->fixed_size)
        return fail(img, fh + 16, "SizeOfOptionalHeader 0x%x is smaller than the %s optional header (0x%zx)",
                    img->opt_size, img->pe32plus ? "PE32+" : "PE32", lay->fixed_size);

    img->linker_major = o[2];
    img->linker_minor = o[3];
    img->size_of_code = pe_rd32(o + 4);
    img->size_of_init_data = pe_rd32(o + 8);
    img->size_of_init_data_offset = (size_t)opt + 8;
    img->size_of_uninit_data = pe_rd32(o + 12);
    img->entry_rva = pe_rd32(o + 16);
    img->base_of_code = pe_rd32(o + 20);
    img->image_base = img->pe32plus ? pe_rd64(o + 24) : pe_rd32(o + 28);
    img->section_alignment = pe_rd32(o + 32);
    img->file_alignment = pe_rd32(o + 36);
    img->os_major = pe_rd16(o + 40);
    img->os_minor = pe_rd16(o + 42);
    img->subsystem_major = pe_rd16(o + 48);
    img->subsystem_minor = pe_rd16(o + 50);
    img->size_of_image = pe_rd32(o + 56);
    img->size_of_image_offset = (size_t)opt + 56;
    img->size_of_headers = pe_rd32(o + 60);
    img->checksum = pe_rd32(o + 64);
    img->checksum_offset = (size_t)opt + 64;
    img->subsystem = pe_rd16(o + 68);
    img->dll_characteristics = pe_rd16(o + 70);
    img->dll_characteristics_offset = (size_t)opt + 70;
    img->rva_count_raw = pe_rd32(o + lay->nrva_offset);

    /* Windows uses at most 16 directories whatever NumberOfRvaAndSizes says;
     * the ones it uses must fit in the optional header. */
    img->dir_count = img->rva_count_raw < PE_MAX_DATA_DIRS ? img->rva_count_raw : PE_MAX_DATA_DIRS;
    uint64_t need = lay->fixed_size + 8u * (uint64_t)img->dir_count;
    if (need > img->opt_size)
        return fail(img, opt + lay->nrva_offset,
                    "NumberOfRvaAndSizes %u needs 0x%llx bytes of optional header but SizeOfOptionalHeader is 0x%x",
                    img->rva_count_raw, (unsigned long long)need, img->opt_size);
    for (uint32_t i = 0; i < img->dir_count; i++) {
        img->dirs[i].rva = pe_rd32(o + lay->fixed_size + 8u * i);
        img->dirs[i].size = pe_rd32(o + lay->fixed_size + 8u * i + 4);
    }

    if (!is_pow2(img->section_alignment))
        return fail(img, opt + 32, "SectionAlignment 0x%x is not a power of two",
                    img->section_alignment);
    if (!is_pow2(img->file_alignment))
        return fail(img, opt + 36, "FileAlignment 0x%x is not a power of two",
                    img->file_alignment);
    return 0;
}

static int parse_sections(struct pe_image *img)
{
    uint64_t table = (uint64_t)img->opt_offset + img->opt_size;
    uint64_t n = img->section_count_raw;
    img->section_table_offset = (size_t)table;
    if (!pe_range_ok(img->size, table, n * PE_SECTION_HEADER_SIZE))
        return fail(img, table, "section table (%llu sections) runs past end of file",
                    (unsigned long long)n);
    if (n == 0)
        return index_sections(img);
    img->sections = calloc((size_t)n, sizeof *img->sections);
    if (!img->sections)
        return fail(img, 0, "out of memory");
    img->section_count = (size_t)n;
    for (size_t i = 0; i < n; i++) {
        size_t h = (size_t)table + i * PE_SECTION_HEADER_SIZE;
        const uint8_t *p = img->data + h;
        struct pe_section *s = &img->sections[i];
        memcpy(s->name, p, 8);
        s->name[8] = '\0';
        s->virtual_size = pe_rd32(p + 8);
        s->rva = pe_rd32(p + 12);
        s->raw_size = pe_rd32(p + 16);
        s->raw_ptr = pe_rd32(p + 20);
        s->characteristics = pe_rd32(p + 36);
        s->header_offset = h;
        resolve_long_name(img, s);
        if ((uint64_t)s->rva + pe_section_vsize(s) > UINT32_MAX)
            return fail(img, h + 8, "section %zu (%.8s): RVA 0x%x + size 0x%x overflows the address space",
                        i + 1, s->name, s->rva, pe_section_vsize(s));
        if (s->raw_size != 0 && !pe_range_ok(img->size, s->raw_ptr, s->raw_size))
            return fail(img, h + 16, "section %zu (%.8s): raw data 0x%x+0x%x runs past end of file (0x%zx bytes)",
                        i + 1, s->name, s->raw_ptr, s->raw_size, img->size);
    }
    return index_sections(img);
}

static int parse_security(struct pe_image *img)
{
    if (img->dir_count <= PE_DIR_SECURITY)
        return 0;
    const struct pe_data_dir *d = &img->dirs[PE_DIR_SECURITY];
    if (d->size == 0)
        return 0;
    /* The certificate table is addressed by file offset, not RVA. */
    if (!pe_range_ok(img->size, d->rva, d->size))
        return fail(img, img->opt_offset, "certificate table 0x%x+0x%x runs past end of file",
                    d->rva, d->size);
    return 0;
}

/* File offset of data directory `i`'s RVA field, for messages. */
static size_t dir_field_offset(const struct pe_image *img, unsigned i)
{
    return img->opt_offset + (img->pe32plus ? layout_pe32plus.fixed_size : layout_pe32.fixed_size) +
           8u * i;
}

/* ---- imports --------------------------------------------------------------- */

struct fn_vec {
    struct pe_import_fn *v;
    size_t n, cap;
};

static int fn_push(struct pe_image *img, struct fn_vec *fv, const struct pe_import_fn *fn)
{
    if (fv->n == fv->cap) {
        size_t cap = fv->cap ? fv->cap * 2 : 64;
        struct pe_import_fn *nv = realloc(fv->v, cap * sizeof *nv);
        if (!nv)
            return fail(img, 0, "out of memory");
        fv->v = nv;
        fv->cap = cap;
    }
    fv->v[fv->n++] = *fn;
    return 0;
}

/* Walk one import lookup table (ILT/INT) at `table_rva`, appending to fv.
 * `where` is the file offset of the field that pointed here. */
static int walk_thunks(struct pe_image *img, struct fn_vec *fv, uint32_t table_rva, size_t where,
                       const char *dll)
{
    size_t width = img->pe32plus ? 8 : 4;
    for (uint64_t j = 0;; j++) {
        uint64_t rva = (uint64_t)table_rva + j * width;
        size_t off;
        if (rva > UINT32_MAX || !pe_rva_range(img, (uint32_t)rva, width, &off))
            return fail(img, where, "import table of %s: entry %llu at RVA 0x%llx is not in the file",
                        dll, (unsigned long long)j, (unsigned long long)rva);
        uint64_t v = img->pe32plus ? pe_rd64(img->data + off) : pe_rd32(img->data + off);
        if (v == 0)
            return 0;
        if (fv->n >= MAX_IMPORT_FNS)
            return fail(img, off, "more than %u imported functions", MAX_IMPORT_FNS);
        struct pe_import_fn fn = {0};
        uint64_t ord_flag = img->pe32plus ? UINT64_C(1) << 63 : UINT64_C(1) << 31;
        if (v & ord_flag) {
            fn.by_ordinal = true;
            fn.ordinal = (uint16_t)v;
        } else {
            uint32_t hn = (uint32_t)(v & 0x7fffffffu);
            size_t hoff;
            if (!pe_rva_range(img, hn, 2, &hoff))
                return fail(img, off, "import of %s: hint/name at RVA 0x%x is not in the file", dll, hn);
            fn.hint = pe_rd16(img->data + hoff);
            fn.name = rva_string(img, hn + 2);
            if (!fn.name)
                return fail(img, off, "import of %s: name at RVA 0x%x is not a NUL-terminated string in the file",
                            dll, hn + 2);
        }
        if (fn_push(img, fv, &fn))
            return -1;
        where = off;
    }
}

static int mod_push(struct pe_image *img, struct pe_import_module **v, size_t *n,
                    const struct pe_import_module *m)
{
    /* Capacity is implicit: the array is (re)allocated whenever n is zero
     * or a power of two, to max(8, 2n) entries, which always leaves room. */
    if (*n == 0 || (*n & (*n - 1)) == 0) {
        size_t cap = *n < 4 ? 8 : *n * 2;
        struct pe_import_module *nv = realloc(*v, cap * sizeof *nv);
        if (!nv)
            return fail(img, 0, "out of memory");
        *v = nv;
    }
    (*v)[(*n)++] = *m;
    return 0;
}

static int parse_imports(struct pe_image *img)
{
    if (img->dir_count <= PE_DIR_IMPORT)
        return 0;
    const struct pe_data_dir *d = &img->dirs[PE_DIR_IMPORT];
    if (d->rva == 0 || d->size == 0)
        return 0;
    struct fn_vec fv = {0};
    size_t where = dir_field_offset(img, PE_DIR_IMPORT);
    int rc = 0;
    for (uint64_t i = 0;; i++) {
        uint64_t rva = (uint64_t)d->rva + i * 20u;
        size_t off;
        if (rva > UINT32_MAX || !pe_rva_range(img, (uint32_t)rva, 20, &off)) {
            rc = fail(img, where, "import descriptor %llu at RVA 0x%llx is not in the file (no null terminator?)",
                      (unsigned long long)i, (unsigned long long)rva);
            break;
        }
        const uint8_t *p = img->data + off;
        uint32_t ilt = pe_rd32(p), name = pe_rd32(p + 12), iat = pe_rd32(p + 16);
        bool all_zero = true;
        for (int k = 0; k < 20; k++)
            if (p[k])
                all_zero = false;
        if (all_zero)
            break;
        if (i >= MAX_IMPORT_MODULES) {
            rc = fail(img, off, "more than %u import descriptors", MAX_IMPORT_MODULES);
            break;
        }
        struct pe_import_module m = {0};
        m.descriptor_offset = off;
        m.lookup_rva = ilt;
        m.iat_rva = iat;
        m.dll = rva_string(img, name);
        if (!m.dll) {
            rc = fail(img, off + 12, "import descriptor %llu: DLL name at RVA 0x%x is not a NUL-terminated string in the file",
                      (unsigned long long)i, name);
            break;
        }
        uint32_t table = ilt ? ilt : iat;
        if (table == 0) {
            rc = fail(img, off + 16, "import descriptor for %s has neither lookup table nor IAT", m.dll);
            break;
        }
        m.first_fn = fv.n;
        if ((rc = walk_thunks(img, &fv, table, ilt ? off : off + 16, m.dll)))
            break;
        m.fn_count = fv.n - m.first_fn;
        if ((rc = mod_push(img, &img->imports, &img->import_count, &m)))
            break;
        where = off;
    }
    img->import_fns = fv.v;
    img->import_fn_count = fv.n;
    return rc;
}

static int parse_delay_imports(struct pe_image *img)
{
    if (img->dir_count <= PE_DIR_DELAY_IMPORT)
        return 0;
    const struct pe_data_dir *d = &img->dirs[PE_DIR_DELAY_IMPORT];
    if (d->rva == 0 || d->size == 0)
        return 0;
    struct fn_vec fv = {0};
    size_t where = dir_field_offset(img, PE_DIR_DELAY_IMPORT);
    int rc = 0;
    for (uint64_t i = 0;; i++) {
        uint64_t rva = (uint64_t)d->rva + i * 32u;
        size_t off;
        if (rva > UINT32_MAX || !pe_rva_range(img, (uint32_t)rva, 32, &off)) {
            rc = fail(img, where, "delay-import descriptor %llu at RVA 0x%llx is not in the file",
                      (unsigned long long)i, (unsigned long long)rva);
            break;
        }
        const uint8_t *p = img->data + off;
        uint32_t attrs = pe_rd32(p), name = pe_rd32(p + 4), iat = pe_rd32(p + 12), intab = pe_rd32(p + 16);
        if (name == 0)
            break; /* the terminating descriptor */
        if (i >= MAX_IMPORT_MODULES) {
            rc = fail(img, off, "more than %u delay-import descriptors", MAX_IMPORT_MODULES);
            break;
        }
        /* Version 1 descriptors (attribute bit 0 clear) hold VAs, not RVAs. */
        if (!(attrs & 1)) {
            uint64_t base = img->image_base;
            if (name < base || name - base > UINT32_MAX || (intab && (intab < base || intab - base > UINT32_MAX))) {
                rc = fail(img, off, "delay-import descriptor %llu holds addresses outside the image",
                          (unsigned long long)i);
                break;
            }
            name = (uint32_t)(name - base);
            if (intab)
                intab = (uint32_t)(intab - base);
            if (iat >= base)
                iat = (uint32_t)(iat - base);
        }
        struct pe_import_module m = {0};
        m.descriptor_offset = off;
        m.lookup_rva = intab;
        m.iat_rva = iat;
        m.dll = rva_string(img, name);
        if (!m.dll) {
            rc = fail(img, off + 4, "delay-import descriptor %llu: DLL name at RVA 0x%x is not a NUL-terminated string in the file",
                      (unsigned long long)i, name);
            break;
        }
        m.first_fn = fv.n;
        if (intab && (rc = walk_thunks(img, &fv, intab, off + 16, m.dll)))
            break;
        m.fn_count = fv.n - m.first_fn;
        if ((rc = mod_push(img, &img->delay_imports, &img->delay_import_count, &m)))
            break;
        where = off;
    }
    img->delay_fns = fv.v;
    img->delay_fn_count = fv.n;
    return rc;
}

/* ---- exports --------------------------------------------------------------- */

static int parse_exports(struct pe_image *img)
{
    if (img->dir_count <= PE_DIR_EXPORT)
        return 0;
    const struct pe_data_dir *d = &img->dirs[PE_DIR_EXPORT];
    if (d->rva == 0 || d->size == 0)
        return 0;
    size_t off;
    if (!pe_rva_range(img, d->rva, 40, &off))
        return fail(img, dir_field_offset(img, PE_DIR_EXPORT),
                    "export directory at RVA 0x%x is not in the file", d->rva);
    const uint8_t *p = img->data + off;
    struct pe_exports *e = &img->exports;
    e->present = true;
    uint32_t name = pe_rd32(p + 12);
    e->ordinal_base = pe_rd32(p + 16);
    e->function_count = pe_rd32(p + 20);
    e->name_count = pe_rd32(p + 24);
    e->functions_rva = pe_rd32(p + 28);
    e->names_rva = pe_rd32(p + 32);
    e->ordinals_rva = pe_rd32(p + 36);
    if (name) {
        e->dll = rva_string(img, name);
        if (!e->dll)
            return fail(img, off + 12, "export directory: name at RVA 0x%x is not a NUL-terminated string in the file",
                        name);
    }
    size_t foff, noff, ooff;
    if (e->function_count &&
        !pe_rva_range(img, e->functions_rva, 4u * (uint64_t)e->function_count, &foff))
        return fail(img, off + 28, "export address table (%u entries at RVA 0x%x) is not in the file",
                    e->function_count, e->functions_rva);
    if (e->name_count > MAX_EXPORT_NAMES)
        return fail(img, off + 24, "more than %u exported names", MAX_EXPORT_NAMES);
    if (e->name_count) {
        if (!pe_rva_range(img, e->names_rva, 4u * (uint64_t)e->name_count, &noff))
            return fail(img, off + 32, "export name table (%u entries at RVA 0x%x) is not in the file",
                        e->name_count, e->names_rva);
        if (!pe_rva_range(img, e->ordinals_rva, 2u * (uint64_t)e->name_count, &ooff))
            return fail(img, off + 36, "export ordinal table (%u entries at RVA 0x%x) is not in the file",
                        e->name_count, e->ordinals_rva);
        for (uint32_t i = 0; i < e->name_count; i++) {
            uint32_t nr = pe_rd32(img->data + noff + 4u * i);
            if (!rva_string(img, nr))
                return fail(img, noff + 4u * i, "exported name %u at RVA 0x%x is not a NUL-terminated string in the file",
                            i, nr);
            uint16_t ord = pe_rd16(img->data + ooff + 2u * i);
            if (ord >= e->function_count)
                return fail(img, ooff + 2u * i, "exported name %u has ordinal index %u beyond the %u functions",
                            i, ord, e->function_count);
        }
    }
    return 0;
}

/* ---- base relocations ------------------------------------------------------ */

int pe_reloc_next(struct pe_reloc_iter *it, struct pe_reloc_block *b, struct pe_error *err)
{
    if (it->pos >= it->len)
        return 0;
    size_t left = it->len - it->pos;
    size_t at = it->base_offset + it->pos;
    if (left < 8) {
        err->offset = at;
        snprintf(err->message, sizeof err->message,
                 "base relocation block header truncated (%zu bytes left in the directory)", left);
        return -1;
    }
    const uint8_t *p = it->p + it->pos;
    b->offset = at;
    b->page_rva = pe_rd32(p);
    b->block_size = pe_rd32(p + 4);
    if (b->block_size < 8 || b->block_size > left || (b->block_size & 1)) {
        err->offset = at + 4;
        snprintf(err->message, sizeof err->message,
                 "base relocation block for page 0x%x has SizeOfBlock 0x%x (%s)", b->page_rva,
                 b->block_size,
                 b->block_size < 8 ? "smaller than its header"
                 : b->block_size > left ? "runs past the directory end"
                                        : "odd");
        return -1;
    }
    b->entries = p + 8;
    b->entry_count = (b->block_size - 8) / 2;
    it->pos += b->block_size;
    return 1;
}

static int parse_relocs(struct pe_image *img)
{
    if (img->dir_count <= PE_DIR_BASERELOC)
        return 0;
    const struct pe_data_dir *d = &img->dirs[PE_DIR_BASERELOC];
    if (d->rva == 0 || d->size == 0)
        return 0;
    size_t off;
    if (!pe_rva_range(img, d->rva, d->size, &off))
        return fail(img, dir_field_offset(img, PE_DIR_BASERELOC),
                    "base relocation directory (RVA 0x%x, 0x%x bytes) is not in the file", d->rva, d->size);
    img->relocs.present = true;
    struct pe_reloc_iter it = {img->data + off, d->size, 0, off};
    struct pe_reloc_block b;
    int r;
    while ((r = pe_reloc_next(&it, &b, &img->error)) > 0) {
        img->relocs.block_count++;
        img->relocs.entry_count += b.entry_count;
        for (size_t i = 0; i < b.entry_count; i++)
            img->relocs.by_type[pe_rd16(b.entries + 2 * i) >> 12]++;
    }
    return r < 0 ? -1 : 0;
}

/* ---- debug directory ------------------------------------------------------- */

static int parse_debug(struct pe_image *img)
{
    if (img->dir_count <= PE_DIR_DEBUG)
        return 0;
    const struct pe_data_dir *d = &img->dirs[PE_DIR_DEBUG];
    if (d->rva == 0 || d->size == 0)
        return 0;
    if (d->size % 28u)
        return fail(img, dir_field_offset(img, PE_DIR_DEBUG) + 4,
                    "debug directory size 0x%x is not a multiple of 28", d->size);
    size_t off;
    if (!pe_rva_range(img, d->rva, d->size, &off))
        return fail(img, dir_field_offset(img, PE_DIR_DEBUG),
                    "debug directory (RVA 0x%x, 0x%x bytes) is not in the file", d->rva, d->size);
    size_t n = d->size / 28u;
    img->debug = calloc(n, sizeof *img->debug);
    if (!img->debug)
        return fail(img, 0, "out of memory");
    img->debug_count = n;
    for (size_t i = 0; i < n; i++) {
        size_t eo = off + 28u * i;
        const uint8_t *p = img->data + eo;
        struct pe_debug_entry *e = &img->debug[i];
        e->offset = eo;
        e->characteristics = pe_rd32(p);
        e->timestamp = pe_rd32(p + 4);
        e->major = pe_rd16(p + 8);
        e->minor = pe_rd16(p + 10);
        e->type = pe_rd32(p + 12);
        e->data_size = pe_rd32(p + 16);
        e->data_rva = pe_rd32(p + 20);
        e->data_ptr = pe_rd32(p + 24);
        if (e->data_ptr == 0 || e->data_size == 0)
            continue; /* data not in the file (allowed) */
        if (!pe_range_ok(img->size, e->data_ptr, e->data_size))
            return fail(img, eo + 24, "debug entry %zu: data 0x%x+0x%x runs past end of file", i,
                        e->data_ptr, e->data_size);
        const uint8_t *q = img->data + e->data_ptr;
        if (e->type == PE_DEBUG_TYPE_CODEVIEW && e->data_size >= 24 && memcmp(q, "RSDS", 4) == 0) {
            if (!memchr(q + 24, 0, e->data_size - 24))
                return fail(img, e->data_ptr + 24u, "CodeView RSDS record: PDB path is not NUL-terminated");
            e->has_rsds = true;
            memcpy(e->rsds_guid, q + 4, 16);
            e->rsds_age = pe_rd32(q + 20);
            e->rsds_path = (const char *)q + 24;
        }
    }
    return 0;
}

/* ---- load configuration ---------------------------------------------------- */

/* Field offsets inside IMAGE_LOAD_CONFIG_DIRECTORY{32,64}; the two layouts
 * differ in pointer width and in the order of ProcessHeapFlags and
 * ProcessAffinityMask, so every field the tools use has its own pair. */
struct lc_layout {
    size_t cookie, cookie_w;
    size_t cf_check, cf_dispatch, cf_table, cf_count, ptr_w;
    size_t guard_flags;
    size_t dvrt_va;
    size_t dvrt_offset, dvrt_section;
};

static const struct lc_layout lc32 = {60, 4, 72, 76, 80, 84, 4, 88, 120, 136, 140};
static const struct lc_layout lc64 = {88, 8, 112, 120, 128, 136, 8, 144, 192, 224, 228};

static uint64_t rd_ptr(const uint8_t *p, size_t w)
{
    return w == 8 ? pe_rd64(p) : pe_rd32(p);
}

static int parse_load_config(struct pe_image *img)
{
    if (img->dir_count <= PE_DIR_LOAD_CONFIG)
        return 0;
    const struct pe_data_dir *d = &img->dirs[PE_DIR_LOAD_CONFIG];
    if (d->rva == 0 || d->size == 0)
        return 0;
    size_t off;
    if (!pe_rva_range(img, d->rva, 4, &off))
        return fail(img, dir_field_offset(img, PE_DIR_LOAD_CONFIG),
                    "load config at RVA 0x%x is not in the file", d->rva);
    struct pe_load_config *lc = &img->load_config;
    lc->present = true;
    lc->offset = off;
    lc->dir_size = d->size;
    /* The loader trusts the structure's own Size field, which grows with
     * each Windows release; fields past it do not exist in this image. */
    lc->size = pe_rd32(img->data + off);
    if (lc->size < 4)
        return fail(img, off, "load config Size field 0x%x is smaller than the field itself", lc->size);
    if (!pe_rva_range(img, d->rva, lc->size, &off))
        return fail(img, lc->offset, "load config Size 0x%x runs past the file-backed data of its section", lc->size);
    const struct lc_layout *L = img->pe32plus ? &lc64 : &lc32;
    const uint8_t *p = img->data + off;
    uint32_t n = lc->size;
    if (n >= L->cookie + L->cookie_w) {
        lc->has_cookie = true;
        lc->security_cookie = rd_ptr(p + L->cookie, L->cookie_w);
    }
    if (n >= L->guard_flags + 4) {
        lc->has_guard = true;
        lc->guard_cf_check_fn = rd_ptr(p + L->cf_check, L->ptr_w);
        lc->guard_cf_dispatch_fn = rd_ptr(p + L->cf_dispatch, L->ptr_w);
        lc->guard_cf_function_table = rd_ptr(p + L->cf_table, L->ptr_w);
        lc->guard_cf_function_count = rd_ptr(p + L->cf_count, L->ptr_w);
        lc->guard_flags = pe_rd32(p + L->guard_flags);
    }
    if (n >= L->dvrt_va + L->ptr_w) {
        lc->has_dvrt_va = true;
        lc->dvrt_va = rd_ptr(p + L->dvrt_va, L->ptr_w);
    }
    if (n >= L->dvrt_section + 2) {
        lc->has_dvrt_offset = true;
        lc->dvrt_offset = pe_rd32(p + L->dvrt_offset);
        lc->dvrt_section = pe_rd16(p + L->dvrt_section);
    }
    return 0;
}

/* ---- what refers to which section ------------------------------------------ */

/* Every reference (a point is a range of one byte) adds one to the first
 * interval of img->virt_map it overlaps and takes one off after the last,
 * so a prefix sum says which intervals something points into: one pass
 * over the references, one over the intervals, one binary search each. */
struct ref_index {
    const struct pe_rva_map *map;
    int64_t *diff;               /* map->m + 1 entries */
};

static void ref_range(struct ref_index *r, uint64_t a, uint64_t len)
{
    const struct pe_rva_map *map = r->map;
    if (len == 0 || map->m == 0 || a > UINT32_MAX)
        return; /* nothing, or past every section */
    uint64_t b = len > UINT64_MAX - a ? UINT64_MAX : a + len;
    size_t at = map_count(map, a, false);
    /* for one byte, the ends < a + 1 are the ends <= a: no second search */
    size_t first = at ? at - 1 : 0, end = len == 1 ? at : map_count(map, b, true);
    if (end > map->m - 1)
        end = map->m - 1;
    if (first < end) {
        r->diff[first]++;
        r->diff[end]--;
    }
}

static void ref_va(struct ref_index *r, const struct pe_image *img, uint64_t va)
{
    if (va >= img->image_base)
        ref_range(r, va - img->image_base, 1);
}

static void ref_modules(struct ref_index *r, const struct pe_import_module *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (m[i].lookup_rva)
            ref_range(r, m[i].lookup_rva, 1);
        if (m[i].iat_rva)
            ref_range(r, m[i].iat_rva, 1);
    }
}

/* Base relocation targets (the section holds addresses: real data), and
 * the addresses stored at them (code or data refers to the section they
 * point into).  The directory was validated by parse_relocs. */
static void ref_relocs(struct ref_index *r, const struct pe_image *img)
{
    const struct pe_data_dir *d = &img->dirs[PE_DIR_BASERELOC];
    size_t off;
    if (!img->relocs.present || !pe_rva_range(img, d->rva, d->size, &off))
        return;
    struct pe_reloc_iter it = {img->data + off, d->size, 0, off};
    struct pe_reloc_block b;
    struct pe_error err;
    while (pe_reloc_next(&it, &b, &err) > 0) {
        for (size_t i = 0; i < b.entry_count; i++) {
            uint16_t e = pe_rd16(b.entries + 2 * i);
            unsigned type = e >> 12;
            uint64_t target = (uint64_t)b.page_rva + (e & 0xfffu);
            size_t width = type == PE_REL_BASED_DIR64 ? 8 : type == PE_REL_BASED_HIGHLOW ? 4 : 0, at;
            pe_work++;
            if (width == 0)
                continue;
            ref_range(r, target, 1);
            if (target <= UINT32_MAX && pe_rva_range(img, (uint32_t)target, width, &at))
                ref_va(r, img, width == 8 ? pe_rd64(img->data + at) : pe_rd32(img->data + at));
        }
    }
}

static int index_references(struct pe_image *img)
{
    const struct pe_rva_map *map = &img->virt_map;
    struct ref_index r = {map, calloc(map->m + 1, sizeof *r.diff)};
    size_t *hits = calloc(map->m + 1, sizeof *hits);
    img->section_referenced = calloc(img->section_count + 1, 1);
    if (!r.diff || !hits || !img->section_referenced) {
        free(r.diff);
        free(hits);
        return fail(img, 0, "out of memory");
    }
    if (img->entry_rva)
        ref_range(&r, img->entry_rva, 1);
    for (unsigned i = 0; i < img->dir_count; i++)
        if (i != PE_DIR_SECURITY && img->dirs[i].rva)
            ref_range(&r, img->dirs[i].rva, img->dirs[i].size);
    const struct pe_load_config *lc = &img->load_config;
    if (lc->present && lc->has_cookie)
        ref_va(&r, img, lc->security_cookie);
    if (lc->present && lc->has_guard) {
        ref_va(&r, img, lc->guard_cf_check_fn);
        ref_va(&r, img, lc->guard_cf_dispatch_fn);
        ref_va(&r, img, lc->guard_cf_function_table);
    }
    if (lc->present && lc->has_dvrt_va)
        ref_va(&r, img, lc->dvrt_va);
    for (size_t i = 0; i < img->debug_count; i++)
        if (img->debug[i].data_rva)
            ref_range(&r, img->debug[i].data_rva, img->debug[i].data_size);
    ref_modules(&r, img->imports, img->import_count);
    ref_modules(&r, img->delay_imports, img->delay_import_count);
    const struct pe_exports *e = &img->exports;
    if (e->present && e->functions_rva)
        ref_range(&r, e->functions_rva, 1);
    if (e->present && e->names_rva)
        ref_range(&r, e->names_rva, 1);
    if (e->present && e->ordinals_rva)
        ref_range(&r, e->ordinals_rva, 1);
    ref_relocs(&r, img);

    /* hits[k]: how many of the intervals before k something points into */
    int64_t depth = 0;
    for (size_t k = 0; k < map->m; k++) {
        depth += r.diff[k];
        hits[k + 1] = hits[k] + (depth > 0);
    }
    for (size_t i = 0; i < img->section_count; i++) {
        const struct pe_section *s = &img->sections[i];
        uint64_t lo = s->rva, hi = lo + pe_section_vsize(s);
        bool ref = false;
        if (lo < hi) {
            size_t a = map_count(map, lo, true), b = map_count(map, hi, true);
            ref = hits[b] > hits[a];
        }
        /* the load config names the DVRT's section by number */
        if (lc->present && lc->has_dvrt_offset && lc->dvrt_section == i + 1 && lo < hi)
            ref = true;
        img->section_referenced[i] = ref;
    }
    free(r.diff);
    free(hits);
    return 0;
}

/* ---- entry points ---------------------------------------------------------- */

void pe_free(struct pe_image *img)
{
    free(img->sections);
    free(img->imports);
    free(img->import_fns);
    free(img->delay_imports);
    free(img->delay_fns);
    free(img->debug);
    free(img->section_referenced);
    map_free(&img->file_map);
    map_free(&img->virt_map);
    img->section_referenced = NULL;
    img->sections = NULL;
    img->imports = img->delay_imports = NULL;
    img->import_fns = img->delay_fns = NULL;
    img->debug = NULL;
    img->section_count = img->import_count = img->import_fn_count = 0;
    img->delay_import_count = img->delay_fn_count = img->debug_count = 0;
}

int pe_parse(struct pe_image *img, const uint8_t *data, size_t size)
{
    memset(img, 0, sizeof *img);
    img->data = data;
    img->size = size;
    if (parse_headers(img) || parse_sections(img) || parse_security(img) ||
        parse_imports(img) || parse_delay_imports(img) || parse_exports(img) ||
        parse_relocs(img) || parse_debug(img) || parse_load_config(img) || index_references(img)) {
        struct pe_error keep = img->error;
        pe_free(img);
        img->error = keep;
        return -1;
    }
    return 0;
}

/* ---- names ----------------------------------------------------------------- */

const char *pe_machine_name(uint16_t machine)
{
    switch (machine) {
    case PE_MACHINE_I386: return "I386";
    case PE_MACHINE_AMD64: return "AMD64";
    case PE_MACHINE_ARM64: return "ARM64";
    case PE_MACHINE_ARMNT: return "ARMNT";
    case 0: return "UNKNOWN";
    default: return "other";
    }
}

const char *pe_subsystem_name(uint16_t subsystem)
{
    static const char *const names[] = {
        "UNKNOWN", "NATIVE", "WINDOWS_GUI", "WINDOWS_CUI", "other", "OS2_CUI", "other",
        "POSIX_CUI", "NATIVE_WINDOWS", "WINDOWS_CE_GUI", "EFI_APPLICATION",
        "EFI_BOOT_SERVICE_DRIVER", "EFI_RUNTIME_DRIVER", "EFI_ROM", "XBOX", "other",
        "WINDOWS_BOOT_APPLICATION",
    };
    return subsystem < sizeof names / sizeof names[0] ? names[subsystem] : "other";
}

const char *pe_dir_name(unsigned index)
{
    static const char *const names[PE_MAX_DATA_DIRS] = {
        "EXPORT", "IMPORT", "RESOURCE", "EXCEPTION", "SECURITY", "BASERELOC", "DEBUG",
        "ARCHITECTURE", "GLOBALPTR", "TLS", "LOAD_CONFIG", "BOUND_IMPORT", "IAT",
        "DELAY_IMPORT", "CLR_RUNTIME", "RESERVED",
    };
    return index < PE_MAX_DATA_DIRS ? names[index] : "?";
}

const char *pe_debug_type_name(uint32_t type)
{
    static const char *const names[] = {
        "UNKNOWN", "COFF", "CODEVIEW", "FPO", "MISC", "EXCEPTION", "FIXUP",
        "OMAP_TO_SRC", "OMAP_FROM_SRC", "BORLAND", "RESERVED10", "CLSID", "VC_FEATURE",
        "POGO", "ILTCG", "MPX", "REPRO", "other", "other", "other", "EX_DLLCHARACTERISTICS",
    };
    return type < sizeof names / sizeof names[0] ? names[type] : "other";
}

const char *pe_reloc_type_name(unsigned type)
{
    switch (type) {
    case PE_REL_BASED_ABSOLUTE: return "ABSOLUTE";
    case PE_REL_BASED_HIGH: return "HIGH";
    case PE_REL_BASED_LOW: return "LOW";
    case PE_REL_BASED_HIGHLOW: return "HIGHLOW";
    case PE_REL_BASED_HIGHADJ: return "HIGHADJ";
    case PE_REL_BASED_DIR64: return "DIR64";
    default: return "other";
    }
}
