/*
 * image_dump.c - print what an image contains, in the terms the kernel
 * rules care about: section flags decoded, header facts, imports, load
 * config (with the DVRT), debug directory, and the contents of a `.retplne`
 * leftover.
 *
 * Everything printed comes from the parsed image (pe.c) or from the
 * retplne/dvrt iterators, which bound-check their own walks; names from the
 * image are escaped before they reach the terminal.
 *
 * JSON (`--json`) mirrors the text, schema version 1:
 *   { "tool": "ndiskit image dump", "schema": 1,
 *     "files": [ { "file", "status": "ok"|"unreadable", "error"?,
 *                  "header": {...}, "data_directories": [...],
 *                  "sections": [...], "imports": [...], "delay_imports": [...],
 *                  "exports": {...}|null, "base_relocations": {...}|null,
 *                  "load_config": {...}|null, "debug": [...],
 *                  "retplne": [...], "dvrt": {...}|null } ] }
 * Numbers are JSON numbers (addresses included); flag sets are
 * space-separated strings as in the text output.
 */
#include "image.h"

#include <inttypes.h>
#include <string.h>

#include "dvrt.h"
#include "retplne.h"
#include "util.h"

/* An escaped copy of a name for fixed-width text columns. */
static const char *esc(const char *s, char *buf, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; s[i] && o + 5 < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            buf[o++] = (char)c;
        else
            o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
    }
    buf[o] = '\0';
    return buf;
}

static const char *section_label(const struct pe_image *img, uint64_t idx1, char *buf, size_t len)
{
    if (idx1 == 0 || idx1 > img->section_count)
        return "no such section";
    return esc(pe_section_name(&img->sections[idx1 - 1]), buf, len);
}

/* ---- .retplne -------------------------------------------------------------------- */

void image_dump_retplne_text(FILE *out, const struct pe_image *img, const uint8_t *data, size_t len)
{
    struct retplne_iter it;
    struct retplne_item x;
    char kb[32], nb[64];
    retplne_begin(&it, data, len);
    while (retplne_next(&it, &x)) {
        switch (x.kind) {
        case RETPLNE_MAGIC_OK:
            fprintf(out, "    magic RetpolineV1\n");
            break;
        case RETPLNE_GROUP:
            fprintf(out, "    group %zu at +0x%zx: size 0x%x, section %u (1-based COFF number; image section %u is %s), %zu entr%s%s\n",
                    x.group_index, x.offset, x.group_size, x.section, x.section,
                    img ? section_label(img, x.section, nb, sizeof nb) : "?", x.entry_count,
                    x.entry_count == 1 ? "y" : "ies", x.trailing ? " + trailing bytes" : "");
            break;
        case RETPLNE_ENTRY:
            fprintf(out, "      +0x%04zx  kind 0x%02x %-26s offset 0x%x\n", x.offset, x.entry_kind,
                    retplne_kind_name(x.entry_kind, kb, sizeof kb), x.entry_offset);
            break;
        case RETPLNE_PADDING:
            fprintf(out, "    +0x%zx: 0x%zx bytes of zero padding\n", x.offset, x.pad_len);
            break;
        case RETPLNE_ERROR:
            fprintf(out, "    +0x%zx: malformed: %s\n", x.offset, x.message);
            break;
        }
    }
}

static void retplne_json(struct json *j, const struct pe_image *img, const uint8_t *data, size_t len)
{
    struct retplne_iter it;
    struct retplne_item x;
    char kb[32];
    bool in_group = false;
    retplne_begin(&it, data, len);
    json_key(j, "groups");
    json_begin_array(j);
    const char *error = NULL;
    size_t error_at = 0;
    char msg[160];
    bool magic = false;
    while (retplne_next(&it, &x)) {
        if (x.kind != RETPLNE_ENTRY && in_group) {
            json_end_array(j);
            json_end_object(j);
            in_group = false;
        }
        switch (x.kind) {
        case RETPLNE_MAGIC_OK:
            magic = true;
            break;
        case RETPLNE_GROUP:
            json_begin_object(j);
            json_kv_uint(j, "offset", x.offset);
            json_kv_uint(j, "size", x.group_size);
            json_kv_uint(j, "section", x.section);
            if (x.section >= 1 && x.section <= img->section_count) {
                json_key(j, "image_section_name");
                json_string_n(j, pe_section_name(&img->sections[x.section - 1]), 256);
            }
            json_key(j, "entries");
            json_begin_array(j);
            in_group = true;
            break;
        case RETPLNE_ENTRY:
            json_begin_object(j);
            json_kv_uint(j, "kind", x.entry_kind);
            json_kv_string(j, "kind_name", retplne_kind_name(x.entry_kind, kb, sizeof kb));
            json_kv_uint(j, "offset", x.entry_offset);
            json_end_object(j);
            break;
        case RETPLNE_PADDING:
            break;
        case RETPLNE_ERROR:
            memcpy(msg, x.message, sizeof msg);
            error = msg;
            error_at = x.offset;
            break;
        }
    }
    if (in_group) {
        json_end_array(j);
        json_end_object(j);
    }
    json_end_array(j);
    json_kv_bool(j, "magic", magic);
    if (error) {
        json_key(j, "malformed");
        json_begin_object(j);
        json_kv_uint(j, "offset", error_at);
        json_kv_string(j, "message", error);
        json_end_object(j);
    }
}

/* The section's bytes that are in the file and in memory. */
static size_t section_data(const struct pe_image *img, const struct pe_section *s, const uint8_t **p)
{
    uint32_t len = pe_section_vsize(s) < s->raw_size ? pe_section_vsize(s) : s->raw_size;
    *p = img->data + s->raw_ptr;
    return len;
}

static bool is_retplne(const struct pe_section *s)
{
    return strcmp(pe_section_name(s), ".retplne") == 0;
}

/* ---- DVRT ------------------------------------------------------------------------ */

void image_dump_dvrt_text(FILE *out, const uint8_t *data, size_t len, bool pe32plus)
{
    struct dvrt_iter it;
    struct dvrt_item x;
    uint64_t symbol = 0;
    dvrt_begin(&it, data, len, pe32plus);
    while (dvrt_next(&it, &x)) {
        switch (x.kind) {
        case DVRT_TABLE:
            fprintf(out, "    version %u, size 0x%x\n", x.version, x.size);
            break;
        case DVRT_RELOC:
            symbol = x.symbol;
            if (x.header_size)
                fprintf(out, "    +0x%zx %s (symbol 0x%" PRIx64 "), v2: header 0x%x, fixup info 0x%x bytes, group 0x%x, flags 0x%x (not decoded)\n",
                        x.offset, dvrt_symbol_name(x.symbol), x.symbol, x.header_size, x.fixup_info_size,
                        x.symbol_group, x.flags);
            else
                fprintf(out, "    +0x%zx %s (symbol 0x%" PRIx64 "): 0x%x bytes of blocks\n", x.offset,
                        dvrt_symbol_name(x.symbol), x.symbol, x.base_reloc_size);
            break;
        case DVRT_BLOCK:
            fprintf(out, "      page 0x%x: %zu entr%s\n", x.page_rva, x.entry_count,
                    x.entry_count == 1 ? "y" : "ies");
            break;
        case DVRT_ENTRY:
            if (x.raw == 0) {
                fprintf(out, "        +0x%03x padding\n", x.page_offset);
            } else if (symbol == DVRT_SYM_IMPORT_CONTROL_TRANSFER) {
                fprintf(out, "        +0x%03x IAT index %u, %s\n", x.page_offset, x.iat_index,
                        x.indirect_call ? "call" : "jmp");
            } else if (symbol == DVRT_SYM_INDIR_CONTROL_TRANSFER) {
                fprintf(out, "        +0x%03x indirect %s%s%s\n", x.page_offset, x.indirect_call ? "call" : "jmp",
                        x.rex_w ? ", REX.W" : "", x.cfg_check ? ", CFG check" : "");
            } else if (symbol == DVRT_SYM_SWITCHABLE_BRANCH) {
                fprintf(out, "        +0x%03x switchable branch, register %u\n", x.page_offset, x.reg);
            } else {
                fprintf(out, "        +0x%03x type %u (raw 0x%04x)\n", x.page_offset, x.type, x.raw);
            }
            break;
        case DVRT_ERROR:
            fprintf(out, "    +0x%zx: malformed: %s\n", x.offset, x.message);
            break;
        }
    }
}

static void dvrt_json(struct json *j, const uint8_t *data, size_t len, bool pe32plus)
{
    struct dvrt_iter it;
    struct dvrt_item x;
    bool in_reloc = false, in_block = false;
    dvrt_begin(&it, data, len, pe32plus);
    json_key(j, "relocations");
    json_begin_array(j);
    while (dvrt_next(&it, &x)) {
        if (in_block && x.kind != DVRT_ENTRY) {
            json_end_array(j);
            json_end_object(j);
            in_block = false;
        }
        if (in_reloc && (x.kind == DVRT_RELOC || x.kind == DVRT_ERROR)) {
            json_end_array(j);
            json_end_object(j);
            in_reloc = false;
        }
        switch (x.kind) {
        case DVRT_TABLE:
            /* reported by the caller before the array; nothing here */
            break;
        case DVRT_RELOC:
            json_begin_object(j);
            json_kv_uint(j, "offset", x.offset);
            json_kv_uint(j, "symbol", x.symbol);
            json_kv_string(j, "symbol_name", dvrt_symbol_name(x.symbol));
            if (x.header_size) {
                json_kv_uint(j, "header_size", x.header_size);
                json_kv_uint(j, "fixup_info_size", x.fixup_info_size);
                json_kv_uint(j, "symbol_group", x.symbol_group);
                json_kv_uint(j, "flags", x.flags);
                json_end_object(j);
            } else {
                json_kv_uint(j, "base_reloc_size", x.base_reloc_size);
                json_key(j, "blocks");
                json_begin_array(j);
                in_reloc = true;
            }
            break;
        case DVRT_BLOCK:
            json_begin_object(j);
            json_kv_uint(j, "page_rva", x.page_rva);
            json_kv_uint(j, "size", x.block_size);
            json_key(j, "entries");
            json_begin_array(j);
            in_block = true;
            break;
        case DVRT_ENTRY:
            json_begin_object(j);
            json_kv_uint(j, "page_offset", x.page_offset);
            json_kv_uint(j, "raw", x.raw);
            json_end_object(j);
            break;
        case DVRT_ERROR:
            json_begin_object(j);
            json_kv_uint(j, "malformed_at", x.offset);
            json_kv_string(j, "message", x.message);
            json_end_object(j);
            break;
        }
    }
    if (in_block) {
        json_end_array(j);
        json_end_object(j);
    }
    if (in_reloc) {
        json_end_array(j);
        json_end_object(j);
    }
    json_end_array(j);
}

/* ---- text dump --------------------------------------------------------------------- */

static void dump_imports_text(FILE *out, const char *title, const struct pe_import_module *m, size_t n,
                              const struct pe_import_fn *fns)
{
    char b[600];
    if (n == 0) {
        fprintf(out, "  %s: none\n", title);
        return;
    }
    fprintf(out, "  %s:\n", title);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "    %s: %zu function%s (lookup table 0x%x, IAT 0x%x)\n", esc(m[i].dll, b, sizeof b),
                m[i].fn_count, m[i].fn_count == 1 ? "" : "s", m[i].lookup_rva, m[i].iat_rva);
        for (size_t k = 0; k < m[i].fn_count; k++) {
            const struct pe_import_fn *f = &fns[m[i].first_fn + k];
            if (f->by_ordinal)
                fprintf(out, "      #%u\n", f->ordinal);
            else
                fprintf(out, "      %s (hint %u)\n", esc(f->name, b, sizeof b), f->hint);
        }
    }
}

static void dump_exports_text(FILE *out, const struct pe_image *img)
{
    const struct pe_exports *e = &img->exports;
    char b[600];
    if (!e->present) {
        fprintf(out, "  exports: none\n");
        return;
    }
    fprintf(out, "  exports: %s, ordinal base %u, %u functions, %u names\n", e->dll ? esc(e->dll, b, sizeof b) : "(unnamed)",
            e->ordinal_base, e->function_count, e->name_count);
    size_t noff, ooff, foff;
    if (e->name_count && pe_rva_range(img, e->names_rva, 4u * (uint64_t)e->name_count, &noff) &&
        pe_rva_range(img, e->ordinals_rva, 2u * (uint64_t)e->name_count, &ooff) &&
        pe_rva_range(img, e->functions_rva, 4u * (uint64_t)e->function_count, &foff)) {
        for (uint32_t i = 0; i < e->name_count; i++) {
            uint32_t nr = pe_rd32(img->data + noff + 4u * i);
            uint16_t idx = pe_rd16(img->data + ooff + 2u * i);
            size_t so, avail;
            const char *name = "?";
            if (pe_rva_span(img, nr, &so, &avail) && memchr(img->data + so, 0, avail))
                name = (const char *)img->data + so;
            uint32_t fr = idx < e->function_count ? pe_rd32(img->data + foff + 4u * idx) : 0;
            fprintf(out, "    %s  ordinal %u  RVA 0x%x\n", esc(name, b, sizeof b), e->ordinal_base + idx, fr);
        }
    }
}

static void dump_load_config_text(FILE *out, const struct pe_image *img)
{
    const struct pe_load_config *lc = &img->load_config;
    char b[400];
    if (!lc->present) {
        fprintf(out, "  load config: none\n");
        return;
    }
    fprintf(out, "  load config: at file offset 0x%zx, Size 0x%x (directory says 0x%x)\n", lc->offset, lc->size,
            lc->dir_size);
    if (lc->has_cookie)
        fprintf(out, "    security cookie   0x%" PRIx64 "\n", lc->security_cookie);
    if (lc->has_guard) {
        image_guard_flags_str(lc->guard_flags, b, sizeof b);
        fprintf(out, "    guard flags       0x%08x [%s]\n", lc->guard_flags, b);
        fprintf(out, "    guard CF check    0x%" PRIx64 ", dispatch 0x%" PRIx64 "\n", lc->guard_cf_check_fn,
                lc->guard_cf_dispatch_fn);
        fprintf(out, "    guard CF table    0x%" PRIx64 ", %" PRIu64 " functions\n", lc->guard_cf_function_table,
                lc->guard_cf_function_count);
    }
    if (lc->has_dvrt_va)
        fprintf(out, "    DVRT VA           0x%" PRIx64 "\n", lc->dvrt_va);
    if (lc->has_dvrt_offset) {
        char nb[64];
        fprintf(out, "    DVRT              offset 0x%x in section %u (1-based: %s)\n", lc->dvrt_offset,
                lc->dvrt_section, lc->dvrt_section ? section_label(img, lc->dvrt_section, nb, sizeof nb) : "none");
    }
}

static void dump_debug_text(FILE *out, const struct pe_image *img)
{
    char b[600];
    if (img->debug_count == 0) {
        fprintf(out, "  debug directory: none\n");
        return;
    }
    fprintf(out, "  debug directory: %zu entr%s\n", img->debug_count, img->debug_count == 1 ? "y" : "ies");
    for (size_t i = 0; i < img->debug_count; i++) {
        const struct pe_debug_entry *d = &img->debug[i];
        fprintf(out, "    %-12s (type %u) size 0x%x RVA 0x%x file 0x%x\n", pe_debug_type_name(d->type), d->type,
                d->data_size, d->data_rva, d->data_ptr);
        if (d->has_rsds) {
            const uint8_t *g = d->rsds_guid;
            fprintf(out, "      RSDS {%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x} age %u\n",
                    g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13], g[14],
                    g[15], d->rsds_age);
            fprintf(out, "      pdb %s\n", esc(d->rsds_path, b, sizeof b));
        }
    }
}

void image_dump_text(FILE *out, const char *file, const struct pe_image *img)
{
    char b[400], nb[64];
    fprintf(out, "%s:\n", file);
    fprintf(out, "  format       %s (magic 0x%x), machine %s (0x%04x), %zu sections, 0x%zx bytes\n",
            img->pe32plus ? "PE32+" : "PE32", img->opt_magic, pe_machine_name(img->machine), img->machine,
            img->section_count, img->size);
    image_filechar_str(img->file_characteristics, b, sizeof b);
    fprintf(out, "  file flags   0x%04x [%s]\n", img->file_characteristics, b);
    fprintf(out, "  timestamp    0x%08x, linker %u.%u\n", img->timestamp, img->linker_major, img->linker_minor);
    fprintf(out, "  subsystem    %s (%u), subsystem version %u.%u, OS version %u.%u\n",
            pe_subsystem_name(img->subsystem), img->subsystem, img->subsystem_major, img->subsystem_minor,
            img->os_major, img->os_minor);
    image_dllchar_str(img->dll_characteristics, b, sizeof b);
    fprintf(out, "  dll flags    0x%04x [%s]\n", img->dll_characteristics, b);
    fprintf(out, "  image base   0x%" PRIx64 "\n", img->image_base);
    long es = pe_section_of_rva(img, img->entry_rva);
    if (es >= 0)
        fprintf(out, "  entry point  0x%x (%s+0x%x)\n", img->entry_rva,
                esc(pe_section_name(&img->sections[es]), nb, sizeof nb), img->entry_rva - img->sections[es].rva);
    else
        fprintf(out, "  entry point  0x%x (in no section)\n", img->entry_rva);
    uint32_t sum = pe_checksum(img->data, img->size, img->checksum_offset);
    fprintf(out, "  checksum     stored 0x%08x, computed 0x%08x (%s)\n", img->checksum, sum,
            img->checksum == sum ? "matches" : img->checksum == 0 ? "not set" : "WRONG");
    fprintf(out, "  sizes        image 0x%x, headers 0x%x, code 0x%x, initialized data 0x%x, uninitialized 0x%x\n",
            img->size_of_image, img->size_of_headers, img->size_of_code, img->size_of_init_data,
            img->size_of_uninit_data);
    fprintf(out, "  alignment    section 0x%x, file 0x%x\n", img->section_alignment, img->file_alignment);

    fprintf(out, "  data directories (%u of NumberOfRvaAndSizes %u):\n", img->dir_count, img->rva_count_raw);
    for (unsigned i = 0; i < img->dir_count; i++) {
        const struct pe_data_dir *d = &img->dirs[i];
        if (!d->rva && !d->size)
            continue;
        long s = i == PE_DIR_SECURITY ? -1 : pe_section_of_rva(img, d->rva);
        fprintf(out, "    %-13s %s 0x%x size 0x%x%s%s%s\n", pe_dir_name(i), i == PE_DIR_SECURITY ? "file" : "RVA ",
                d->rva, d->size, s >= 0 ? " (" : "", s >= 0 ? esc(pe_section_name(&img->sections[s]), nb, sizeof nb) : "",
                s >= 0 ? ")" : "");
    }

    fprintf(out, "  sections:\n");
    for (size_t i = 0; i < img->section_count; i++) {
        const struct pe_section *s = &img->sections[i];
        image_section_flags_str(s->characteristics, b, sizeof b);
        fprintf(out, "    %2zu %-8s RVA 0x%x VSize 0x%x Raw 0x%x+0x%x  0x%08x [%s]  %s\n", i + 1,
                esc(pe_section_name(s), nb, sizeof nb), s->rva, s->virtual_size, s->raw_ptr, s->raw_size,
                s->characteristics, b, image_role_name(image_section_role(img, i)));
    }

    dump_imports_text(out, "imports", img->imports, img->import_count, img->import_fns);
    if (img->delay_import_count)
        dump_imports_text(out, "delay imports", img->delay_imports, img->delay_import_count, img->delay_fns);
    dump_exports_text(out, img);

    if (img->relocs.present) {
        fprintf(out, "  base relocations: %zu block%s, %zu entr%s:", img->relocs.block_count,
                img->relocs.block_count == 1 ? "" : "s", img->relocs.entry_count,
                img->relocs.entry_count == 1 ? "y" : "ies");
        for (unsigned t = 0; t < 16; t++)
            if (img->relocs.by_type[t])
                fprintf(out, " %zu %s%s", img->relocs.by_type[t], pe_reloc_type_name(t),
                        strcmp(pe_reloc_type_name(t), "other") ? "" : "(type)");
        fputc('\n', out);
    } else {
        fprintf(out, "  base relocations: none\n");
    }
    dump_load_config_text(out, img);
    dump_debug_text(out, img);

    const uint8_t *dp;
    size_t dlen, doff;
    char err[200];
    int r = dvrt_locate(img, &dp, &dlen, &doff, err, sizeof err);
    if (r > 0) {
        fprintf(out, "  dynamic value relocation table at file offset 0x%zx:\n", doff);
        image_dump_dvrt_text(out, dp, dlen, img->pe32plus);
    } else if (r < 0) {
        fprintf(out, "  dynamic value relocation table: %s\n", err);
    }

    for (size_t i = 0; i < img->section_count; i++) {
        const struct pe_section *s = &img->sections[i];
        if (!is_retplne(s))
            continue;
        const uint8_t *p;
        size_t len = section_data(img, s, &p);
        fprintf(out, "  .retplne (section %zu, RVA 0x%x, 0x%zx bytes; linker input, not used at run time):\n", i + 1,
                s->rva, len);
        image_dump_retplne_text(out, img, p, len);
    }
}

/* ---- JSON dump --------------------------------------------------------------------- */

static void imports_json(struct json *j, const char *key, const struct pe_import_module *m, size_t n,
                         const struct pe_import_fn *fns)
{
    json_key(j, key);
    json_begin_array(j);
    for (size_t i = 0; i < n; i++) {
        json_begin_object(j);
        json_kv_string(j, "dll", m[i].dll);
        json_kv_uint(j, "lookup_table_rva", m[i].lookup_rva);
        json_kv_uint(j, "iat_rva", m[i].iat_rva);
        json_key(j, "functions");
        json_begin_array(j);
        for (size_t k = 0; k < m[i].fn_count; k++) {
            const struct pe_import_fn *f = &fns[m[i].first_fn + k];
            json_begin_object(j);
            if (f->by_ordinal) {
                json_kv_uint(j, "ordinal", f->ordinal);
            } else {
                json_kv_string(j, "name", f->name);
                json_kv_uint(j, "hint", f->hint);
            }
            json_end_object(j);
        }
        json_end_array(j);
        json_end_object(j);
    }
    json_end_array(j);
}

void image_dump_json(struct json *j, const char *file, const struct pe_image *img)
{
    char b[400];
    json_begin_object(j);
    json_kv_string(j, "file", file);
    json_kv_string(j, "status", "ok");

    json_key(j, "header");
    json_begin_object(j);
    json_kv_string(j, "format", img->pe32plus ? "PE32+" : "PE32");
    json_kv_uint(j, "machine", img->machine);
    json_kv_string(j, "machine_name", pe_machine_name(img->machine));
    json_kv_uint(j, "file_characteristics", img->file_characteristics);
    image_filechar_str(img->file_characteristics, b, sizeof b);
    json_kv_string(j, "file_characteristics_flags", b);
    json_kv_uint(j, "timestamp", img->timestamp);
    json_kv_uint(j, "subsystem", img->subsystem);
    json_kv_string(j, "subsystem_name", pe_subsystem_name(img->subsystem));
    json_kv_uint(j, "dll_characteristics", img->dll_characteristics);
    image_dllchar_str(img->dll_characteristics, b, sizeof b);
    json_kv_string(j, "dll_characteristics_flags", b);
    json_kv_uint(j, "image_base", img->image_base);
    json_kv_uint(j, "entry_point", img->entry_rva);
    json_kv_uint(j, "checksum", img->checksum);
    json_kv_uint(j, "checksum_computed", pe_checksum(img->data, img->size, img->checksum_offset));
    json_kv_uint(j, "size_of_image", img->size_of_image);
    json_kv_uint(j, "size_of_headers", img->size_of_headers);
    json_kv_uint(j, "section_alignment", img->section_alignment);
    json_kv_uint(j, "file_alignment", img->file_alignment);
    json_kv_uint(j, "file_size", img->size);
    json_end_object(j);

    json_key(j, "data_directories");
    json_begin_array(j);
    for (unsigned i = 0; i < img->dir_count; i++) {
        if (!img->dirs[i].rva && !img->dirs[i].size)
            continue;
        json_begin_object(j);
        json_kv_string(j, "name", pe_dir_name(i));
        json_kv_uint(j, i == PE_DIR_SECURITY ? "file_offset" : "rva", img->dirs[i].rva);
        json_kv_uint(j, "size", img->dirs[i].size);
        json_end_object(j);
    }
    json_end_array(j);

    json_key(j, "sections");
    json_begin_array(j);
    for (size_t i = 0; i < img->section_count; i++) {
        const struct pe_section *s = &img->sections[i];
        json_begin_object(j);
        json_kv_uint(j, "index", i + 1);
        json_kv_string(j, "name", pe_section_name(s));
        json_kv_uint(j, "rva", s->rva);
        json_kv_uint(j, "virtual_size", s->virtual_size);
        json_kv_uint(j, "raw_ptr", s->raw_ptr);
        json_kv_uint(j, "raw_size", s->raw_size);
        json_kv_uint(j, "characteristics", s->characteristics);
        image_section_flags_str(s->characteristics, b, sizeof b);
        json_kv_string(j, "flags", b);
        json_kv_string(j, "role", image_role_name(image_section_role(img, i)));
        json_end_object(j);
    }
    json_end_array(j);

    imports_json(j, "imports", img->imports, img->import_count, img->import_fns);
    imports_json(j, "delay_imports", img->delay_imports, img->delay_import_count, img->delay_fns);

    json_key(j, "exports");
    if (img->exports.present) {
        json_begin_object(j);
        if (img->exports.dll)
            json_kv_string(j, "dll", img->exports.dll);
        json_kv_uint(j, "ordinal_base", img->exports.ordinal_base);
        json_kv_uint(j, "functions", img->exports.function_count);
        json_kv_uint(j, "names", img->exports.name_count);
        json_end_object(j);
    } else {
        json_null(j);
    }

    json_key(j, "base_relocations");
    if (img->relocs.present) {
        json_begin_object(j);
        json_kv_uint(j, "blocks", img->relocs.block_count);
        json_kv_uint(j, "entries", img->relocs.entry_count);
        json_key(j, "by_type");
        json_begin_object(j);
        for (unsigned t = 0; t < 16; t++) {
            if (!img->relocs.by_type[t])
                continue;
            char key[32];
            snprintf(key, sizeof key, "%s", pe_reloc_type_name(t));
            if (strcmp(key, "other") == 0)
                snprintf(key, sizeof key, "type%u", t);
            json_kv_uint(j, key, img->relocs.by_type[t]);
        }
        json_end_object(j);
        json_end_object(j);
    } else {
        json_null(j);
    }

    const struct pe_load_config *lc = &img->load_config;
    json_key(j, "load_config");
    if (lc->present) {
        json_begin_object(j);
        json_kv_uint(j, "size", lc->size);
        json_kv_uint(j, "directory_size", lc->dir_size);
        if (lc->has_cookie)
            json_kv_uint(j, "security_cookie", lc->security_cookie);
        if (lc->has_guard) {
            json_kv_uint(j, "guard_flags", lc->guard_flags);
            image_guard_flags_str(lc->guard_flags, b, sizeof b);
            json_kv_string(j, "guard_flags_decoded", b);
            json_kv_uint(j, "guard_cf_check_function", lc->guard_cf_check_fn);
            json_kv_uint(j, "guard_cf_dispatch_function", lc->guard_cf_dispatch_fn);
            json_kv_uint(j, "guard_cf_function_table", lc->guard_cf_function_table);
            json_kv_uint(j, "guard_cf_function_count", lc->guard_cf_function_count);
        }
        if (lc->has_dvrt_va)
            json_kv_uint(j, "dvrt_va", lc->dvrt_va);
        if (lc->has_dvrt_offset) {
            json_kv_uint(j, "dvrt_offset", lc->dvrt_offset);
            json_kv_uint(j, "dvrt_section", lc->dvrt_section);
        }
        json_end_object(j);
    } else {
        json_null(j);
    }

    json_key(j, "debug");
    json_begin_array(j);
    for (size_t i = 0; i < img->debug_count; i++) {
        const struct pe_debug_entry *d = &img->debug[i];
        json_begin_object(j);
        json_kv_uint(j, "type", d->type);
        json_kv_string(j, "type_name", pe_debug_type_name(d->type));
        json_kv_uint(j, "size", d->data_size);
        json_kv_uint(j, "rva", d->data_rva);
        json_kv_uint(j, "file_offset", d->data_ptr);
        if (d->has_rsds) {
            json_kv_uint(j, "age", d->rsds_age);
            json_kv_string(j, "pdb", d->rsds_path);
        }
        json_end_object(j);
    }
    json_end_array(j);

    json_key(j, "retplne");
    json_begin_array(j);
    for (size_t i = 0; i < img->section_count; i++) {
        const struct pe_section *s = &img->sections[i];
        if (!is_retplne(s))
            continue;
        const uint8_t *p;
        size_t len = section_data(img, s, &p);
        json_begin_object(j);
        json_kv_uint(j, "section", i + 1);
        json_kv_uint(j, "size", len);
        retplne_json(j, img, p, len);
        json_end_object(j);
    }
    json_end_array(j);

    const uint8_t *dp;
    size_t dlen, doff;
    char err[200];
    int r = dvrt_locate(img, &dp, &dlen, &doff, err, sizeof err);
    json_key(j, "dvrt");
    if (r > 0) {
        json_begin_object(j);
        json_kv_uint(j, "file_offset", doff);
        if (dlen >= 8) {
            json_kv_uint(j, "version", pe_rd32(dp));
            json_kv_uint(j, "size", pe_rd32(dp + 4));
        }
        dvrt_json(j, dp, dlen, img->pe32plus);
        json_end_object(j);
    } else if (r < 0) {
        json_begin_object(j);
        json_kv_string(j, "error", err);
        json_end_object(j);
    } else {
        json_null(j);
    }
    json_end_object(j);
}
