/*
 * dvrt.c - walk a Dynamic Value Relocation Table (format in dvrt.h).
 *
 * Like retplne.c this is an iterator shared by the dumps and the fuzzer.
 * Every size read from the table is checked against the bytes that remain
 * in the enclosing structure (table, relocation, block) before it is used,
 * and the first inconsistency ends the walk with one DVRT_ERROR item.
 */
#include "dvrt.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { ST_TABLE, ST_RELOC, ST_BLOCK, ST_ENTRY, ST_DONE };

static int error(struct dvrt_iter *it, struct dvrt_item *item, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int error(struct dvrt_iter *it, struct dvrt_item *item, size_t at, const char *fmt, ...)
{
    va_list ap;
    item->kind = DVRT_ERROR;
    item->offset = at;
    va_start(ap, fmt);
    vsnprintf(item->message, sizeof item->message, fmt, ap);
    va_end(ap);
    it->state = ST_DONE;
    return 1;
}

int dvrt_locate(const struct pe_image *img, const uint8_t **data, size_t *len, size_t *file_off,
                char *err, size_t errlen)
{
    const struct pe_load_config *lc = &img->load_config;
    if (!lc->present)
        return 0;
    if (lc->has_dvrt_offset && lc->dvrt_section != 0) {
        /* DynamicValueRelocTableSection is 1-based, like COFF section numbers. */
        if (lc->dvrt_section > img->section_count) {
            snprintf(err, errlen, "DynamicValueRelocTableSection %u is beyond the %zu sections",
                     lc->dvrt_section, img->section_count);
            return -1;
        }
        const struct pe_section *s = &img->sections[lc->dvrt_section - 1];
        uint32_t backed = pe_section_vsize(s) < s->raw_size ? pe_section_vsize(s) : s->raw_size;
        if (lc->dvrt_offset >= backed) {
            snprintf(err, errlen, "DynamicValueRelocTableOffset 0x%x is past the file data of section %u (%.8s, 0x%x bytes)",
                     lc->dvrt_offset, lc->dvrt_section, s->name, backed);
            return -1;
        }
        *file_off = (size_t)s->raw_ptr + lc->dvrt_offset;
        *data = img->data + *file_off;
        *len = backed - lc->dvrt_offset;
        return 1;
    }
    if (lc->has_dvrt_va && lc->dvrt_va != 0) {
        uint64_t rva = lc->dvrt_va - img->image_base;
        size_t off, avail;
        if (lc->dvrt_va < img->image_base || rva > UINT32_MAX ||
            !pe_rva_span(img, (uint32_t)rva, &off, &avail)) {
            snprintf(err, errlen, "DynamicValueRelocTable VA 0x%llx is not in the file",
                     (unsigned long long)lc->dvrt_va);
            return -1;
        }
        *file_off = off;
        *data = img->data + off;
        *len = avail;
        return 1;
    }
    return 0;
}

void dvrt_begin(struct dvrt_iter *it, const uint8_t *data, size_t len, bool pe32plus)
{
    memset(it, 0, sizeof *it);
    it->p = data;
    it->len = len;
    it->pe32plus = pe32plus;
    it->state = ST_TABLE;
}

static void decode_entry(const struct dvrt_iter *it, struct dvrt_item *item, uint32_t v)
{
    item->raw = v;
    item->page_offset = v & 0xfffu;
    switch (it->symbol) {
    case DVRT_SYM_IMPORT_CONTROL_TRANSFER:
        item->indirect_call = (v >> 12) & 1u;
        item->iat_index = v >> 13;
        break;
    case DVRT_SYM_INDIR_CONTROL_TRANSFER:
        item->indirect_call = (v >> 12) & 1u;
        item->rex_w = (v >> 13) & 1u;
        item->cfg_check = (v >> 14) & 1u;
        break;
    case DVRT_SYM_SWITCHABLE_BRANCH:
        item->reg = (v >> 12) & 0xfu;
        break;
    default:
        item->type = (v >> 12) & 0xfu;
        break;
    }
}

int dvrt_next(struct dvrt_iter *it, struct dvrt_item *item)
{
    memset(item, 0, sizeof *item);
    size_t ptr_w = it->pe32plus ? 8 : 4;
    for (;;) {
        switch (it->state) {
        case ST_TABLE: {
            if (it->len < 8)
                return error(it, item, 0, "table header truncated (%zu bytes)", it->len);
            item->kind = DVRT_TABLE;
            item->version = pe_rd32(it->p);
            item->size = pe_rd32(it->p + 4);
            if (item->size > it->len - 8)
                return error(it, item, 4, "table Size 0x%x runs past the section data (0x%zx bytes)",
                             item->size, it->len - 8);
            it->version = item->version;
            it->pos = 8;
            it->table_end = 8 + (size_t)item->size;
            it->state = ST_RELOC;
            return 1;
        }
        case ST_RELOC: {
            if (it->pos >= it->table_end) {
                it->state = ST_DONE;
                return 0;
            }
            if (it->version != 1 && it->version != 2)
                return error(it, item, 0, "table version %u is not 1 or 2: entries not decoded", it->version);
            size_t left = it->table_end - it->pos;
            const uint8_t *r = it->p + it->pos;
            item->offset = it->pos;
            item->kind = DVRT_RELOC;
            if (it->version == 1) {
                size_t hdr = ptr_w + 4;
                if (left < hdr)
                    return error(it, item, it->pos, "relocation header truncated (%zu bytes left)", left);
                item->symbol = it->pe32plus ? pe_rd64(r) : pe_rd32(r);
                item->base_reloc_size = pe_rd32(r + ptr_w);
                if (item->base_reloc_size > left - hdr)
                    return error(it, item, it->pos + ptr_w,
                                 "BaseRelocSize 0x%x runs past the table (0x%zx bytes left)",
                                 item->base_reloc_size, left - hdr);
                it->symbol = item->symbol;
                it->pos += hdr;
                it->reloc_end = it->pos + item->base_reloc_size;
                it->state = ST_BLOCK;
                return 1;
            }
            size_t hdr = 16 + ptr_w; /* HeaderSize, FixupInfoSize, Symbol, SymbolGroup, Flags */
            if (left < hdr)
                return error(it, item, it->pos, "v2 relocation header truncated (%zu bytes left)", left);
            item->header_size = pe_rd32(r);
            item->fixup_info_size = pe_rd32(r + 4);
            item->symbol = it->pe32plus ? pe_rd64(r + 8) : pe_rd32(r + 8);
            item->symbol_group = pe_rd32(r + 8 + ptr_w);
            item->flags = pe_rd32(r + 12 + ptr_w);
            if (item->header_size < hdr || item->header_size > left ||
                item->fixup_info_size > left - item->header_size)
                return error(it, item, it->pos,
                             "v2 relocation HeaderSize 0x%x + FixupInfoSize 0x%x do not fit the table (0x%zx bytes left)",
                             item->header_size, item->fixup_info_size, left);
            /* v2 fixup records are not publicly documented: skip them. */
            it->pos += (size_t)item->header_size + item->fixup_info_size;
            return 1;
        }
        case ST_BLOCK: {
            if (it->pos >= it->reloc_end) {
                it->state = ST_RELOC;
                continue;
            }
            size_t left = it->reloc_end - it->pos;
            if (left < 8)
                return error(it, item, it->pos, "block header truncated (%zu bytes left)", left);
            item->kind = DVRT_BLOCK;
            item->offset = it->pos;
            item->page_rva = pe_rd32(it->p + it->pos);
            item->block_size = pe_rd32(it->p + it->pos + 4);
            if (item->block_size < 8 || item->block_size > left)
                return error(it, item, it->pos + 4,
                             "block for page 0x%x has SizeOfBlock 0x%x (0x%zx bytes left)",
                             item->page_rva, item->block_size, left);
            size_t w = it->symbol == DVRT_SYM_IMPORT_CONTROL_TRANSFER ? 4 : 2;
            item->entry_count = (item->block_size - 8) / w;
            it->block_end = it->pos + item->block_size;
            it->pos += 8;
            it->state = ST_ENTRY;
            return 1;
        }
        case ST_ENTRY: {
            size_t w = it->symbol == DVRT_SYM_IMPORT_CONTROL_TRANSFER ? 4 : 2;
            if (it->block_end - it->pos < w) {
                it->pos = it->block_end;
                it->state = ST_BLOCK;
                continue;
            }
            item->kind = DVRT_ENTRY;
            item->offset = it->pos;
            decode_entry(it, item, w == 4 ? pe_rd32(it->p + it->pos) : pe_rd16(it->p + it->pos));
            it->pos += w;
            return 1;
        }
        default:
            return 0;
        }
    }
}

const char *dvrt_symbol_name(uint64_t symbol)
{
    switch (symbol) {
    case DVRT_SYM_GUARD_RF_PROLOGUE: return "GUARD_RF_PROLOGUE";
    case DVRT_SYM_GUARD_RF_EPILOGUE: return "GUARD_RF_EPILOGUE";
    case DVRT_SYM_IMPORT_CONTROL_TRANSFER: return "IMPORT_CONTROL_TRANSFER";
    case DVRT_SYM_INDIR_CONTROL_TRANSFER: return "INDIR_CONTROL_TRANSFER";
    case DVRT_SYM_SWITCHABLE_BRANCH: return "SWITCHABLE_BRANCH";
    default: return "unknown";
    }
}
