/*
 * retplne.c - walk a `.retplne` section (format in retplne.h).
 *
 * An iterator rather than a printer so the text dump, the JSON dump and the
 * fuzzer share one bounds-checked walk.  Garbage ends the walk with one
 * RETPLNE_ERROR item instead of failing the whole dump: the section is
 * linker input the kernel never uses, so its contents are informational.
 */
#include "retplne.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "pe.h"

enum { ST_MAGIC, ST_GROUP, ST_ENTRY, ST_DONE };

void retplne_begin(struct retplne_iter *it, const uint8_t *data, size_t len)
{
    memset(it, 0, sizeof *it);
    it->p = data;
    it->len = len;
    it->state = ST_MAGIC;
}

static int error(struct retplne_iter *it, struct retplne_item *item, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int error(struct retplne_iter *it, struct retplne_item *item, size_t at, const char *fmt, ...)
{
    va_list ap;
    item->kind = RETPLNE_ERROR;
    item->offset = at;
    va_start(ap, fmt);
    vsnprintf(item->message, sizeof item->message, fmt, ap);
    va_end(ap);
    it->state = ST_DONE;
    return 1;
}

int retplne_next(struct retplne_iter *it, struct retplne_item *item)
{
    memset(item, 0, sizeof *item);
    switch (it->state) {
    case ST_MAGIC:
        if (it->len < RETPLNE_MAGIC_SIZE || memcmp(it->p, RETPLNE_MAGIC, RETPLNE_MAGIC_SIZE) != 0)
            return error(it, item, 0, "no RetpolineV1 magic (%zu bytes of data)", it->len);
        item->kind = RETPLNE_MAGIC_OK;
        it->pos = RETPLNE_MAGIC_SIZE;
        it->state = ST_GROUP;
        return 1;
    case ST_GROUP: {
        if (it->pos >= it->len) {
            it->state = ST_DONE;
            return 0;
        }
        size_t left = it->len - it->pos;
        bool zeros = true;
        for (size_t i = 0; i < left && zeros; i++)
            zeros = it->p[it->pos + i] == 0;
        if (zeros) {
            item->kind = RETPLNE_PADDING;
            item->offset = it->pos;
            item->pad_len = left;
            it->state = ST_DONE;
            return 1;
        }
        if (left < 8)
            return error(it, item, it->pos, "group header truncated (%zu bytes left)", left);
        const uint8_t *g = it->p + it->pos;
        uint32_t size = pe_rd32(g);
        if (size < 8)
            return error(it, item, it->pos, "group size 0x%x is smaller than its header", size);
        if (size > left)
            return error(it, item, it->pos, "group size 0x%x runs past the section data (0x%zx bytes left)",
                         size, left);
        item->kind = RETPLNE_GROUP;
        item->offset = it->pos;
        item->group_index = it->groups++;
        item->group_size = size;
        item->section = pe_rd32(g + 4);
        item->entry_count = (size - 8) / 8;
        item->trailing = (size - 8) % 8;
        it->group_end = it->pos + size;
        it->pos += 8;
        it->state = ST_ENTRY;
        return 1;
    }
    case ST_ENTRY:
        if (it->group_end - it->pos >= 8) {
            item->kind = RETPLNE_ENTRY;
            item->offset = it->pos;
            item->entry_kind = pe_rd32(it->p + it->pos);
            item->entry_offset = pe_rd32(it->p + it->pos + 4);
            it->pos += 8;
            return 1;
        }
        it->pos = it->group_end;
        it->state = ST_GROUP;
        return retplne_next(it, item);
    default:
        return 0;
    }
}

const char *retplne_kind_name(uint32_t kind, char *buf, size_t buflen)
{
    static const char *const regs[16] = {
        "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
        "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15",
    };
    switch (kind) {
    case 0x02: return "IAT jmp";
    case 0x03: return "IAT call";
    case 0x04: return "indirect jmp";
    case 0x05: return "indirect call";
    case 0x06: return "indirect jmp (REX.W)";
    case 0x07: return "indirect call (REX.W)";
    case 0x08: return "CFG indirect jmp";
    case 0x09: return "CFG indirect call";
    case 0x0a: return "CFG indirect jmp (REX.W)";
    case 0x0b: return "CFG indirect call (REX.W)";
    default:
        if (kind >= 0x10 && kind <= 0x1f)
            snprintf(buf, buflen, "switch table via %s", regs[kind - 0x10]);
        else
            snprintf(buf, buflen, "reserved(0x%02x)", kind);
        return buf;
    }
}
