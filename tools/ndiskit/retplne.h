/*
 * retplne.h - decoder for the `.retplne` linker-input section.
 *
 * MSVC-compiled objects (and clang with import-call optimization) carry a
 * `.retplne` section, marked IMAGE_SCN_LNK_INFO, that tells the linker where
 * the indirect calls and jumps are so it can build the retpoline part of the
 * Dynamic Value Relocation Table.  link.exe consumes it; lld-link 14 and 19
 * copy it into the image with characteristics 0, which bugchecks the loader.
 * `ndiskit image dump` decodes what such a leftover says.
 *
 * Format (design notes, "DVRT & .retplne"; matches what LLVM emits):
 *   char magic[12] = "RetpolineV1\0";
 *   zero or more groups:
 *     uint32 size;          bytes of the whole group, this header included
 *     uint32 section;       COFF section number the offsets refer to
 *     { uint32 kind; uint32 offset; } entries[(size - 8) / 8];
 *
 * Section number base: 1-based.  LLVM writes the field with `.secnum`, the
 * COFF section-number relocation, and COFF section numbers are 1-based (0
 * means "no section").  The number is the *object file's* section index;
 * after linking it only names the right image section by coincidence, so
 * dump prints the number and, as a hint, the image section with that
 * 1-based index.
 */
#ifndef NDISKIT_RETPLNE_H
#define NDISKIT_RETPLNE_H

#include <stddef.h>
#include <stdint.h>

#define RETPLNE_MAGIC "RetpolineV1"
#define RETPLNE_MAGIC_SIZE 12u /* includes the NUL */

enum retplne_item_kind {
    RETPLNE_MAGIC_OK,  /* the magic matched */
    RETPLNE_GROUP,     /* a group header */
    RETPLNE_ENTRY,     /* one {kind, offset} of the current group */
    RETPLNE_PADDING,   /* trailing zero bytes */
    RETPLNE_ERROR,     /* malformed data; decoding stops after this */
};

struct retplne_item {
    enum retplne_item_kind kind;
    size_t offset;            /* offset within the section data */
    /* RETPLNE_GROUP */
    size_t group_index;       /* 0-based */
    uint32_t group_size;
    uint32_t section;         /* 1-based COFF section number */
    size_t entry_count;
    uint32_t trailing;        /* bytes after the last whole entry */
    /* RETPLNE_ENTRY */
    uint32_t entry_kind;
    uint32_t entry_offset;
    /* RETPLNE_PADDING */
    size_t pad_len;
    /* RETPLNE_ERROR */
    char message[160];
};

struct retplne_iter {
    const uint8_t *p;
    size_t len;
    size_t pos;
    size_t group_end;
    size_t groups;
    int state;
};

void retplne_begin(struct retplne_iter *it, const uint8_t *data, size_t len);
/* 1 with *item filled, 0 when done. */
int retplne_next(struct retplne_iter *it, struct retplne_item *item);
/* "IAT call", "switch table via rcx", "reserved(0x0c)", ...; buf >= 32 bytes. */
const char *retplne_kind_name(uint32_t kind, char *buf, size_t buflen);

#endif
