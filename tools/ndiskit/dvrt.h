/*
 * dvrt.h - decoder for the Dynamic Value Relocation Table (DVRT).
 *
 * The DVRT is what link.exe builds from `.retplne` (and from RF guard
 * data): the load configuration points at it with
 * DynamicValueRelocTableSection (a 1-based section index) and
 * DynamicValueRelocTableOffset (an offset into that section), or, in older
 * images, with the DynamicValueRelocTable VA.  Layout, as far as Microsoft's
 * public headers describe it:
 *
 *   IMAGE_DYNAMIC_RELOCATION_TABLE { uint32 Version; uint32 Size; }
 *   then Size bytes of relocations; Version 1:
 *     { uintptr Symbol; uint32 BaseRelocSize; }    (12 bytes PE32+, 8 PE32)
 *     then BaseRelocSize bytes of base-relocation style blocks
 *       { uint32 PageRVA; uint32 SizeOfBlock; entries... }
 *   Version 2:
 *     { uint32 HeaderSize; uint32 FixupInfoSize; uintptr Symbol;
 *       uint32 SymbolGroup; uint32 Flags; ... } then FixupInfoSize bytes
 *
 * Symbols: 1 GUARD_RF_PROLOGUE, 2 GUARD_RF_EPILOGUE,
 * 3 IMPORT_CONTROL_TRANSFER (32-bit entries: PageRelativeOffset:12,
 * IndirectCall:1, IATIndex:19), 4 INDIR_CONTROL_TRANSFER (16-bit:
 * PageRelativeOffset:12, IndirectCall:1, RexWPrefix:1, CfgCheck:1),
 * 5 SWITCHABLE_BRANCH (16-bit: PageRelativeOffset:12, RegisterNumber:4).
 * Other symbols' entries are shown as generic 16-bit {offset:12, type:4};
 * version 2 fixup data is not decoded.
 */
#ifndef NDISKIT_DVRT_H
#define NDISKIT_DVRT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pe.h"

#define DVRT_SYM_GUARD_RF_PROLOGUE 1u
#define DVRT_SYM_GUARD_RF_EPILOGUE 2u
#define DVRT_SYM_IMPORT_CONTROL_TRANSFER 3u
#define DVRT_SYM_INDIR_CONTROL_TRANSFER 4u
#define DVRT_SYM_SWITCHABLE_BRANCH 5u

enum dvrt_item_kind {
    DVRT_TABLE,   /* the table header */
    DVRT_RELOC,   /* one symbol's relocation header */
    DVRT_BLOCK,   /* a base-relocation style block (version 1) */
    DVRT_ENTRY,   /* one entry of the current block */
    DVRT_ERROR,   /* malformed; decoding stops after this */
};

struct dvrt_item {
    enum dvrt_item_kind kind;
    size_t offset;            /* offset from the table start */
    /* DVRT_TABLE */
    uint32_t version, size;
    /* DVRT_RELOC */
    uint64_t symbol;
    uint32_t base_reloc_size; /* v1 */
    uint32_t header_size, fixup_info_size, symbol_group, flags; /* v2 */
    /* DVRT_BLOCK */
    uint32_t page_rva, block_size;
    size_t entry_count;
    /* DVRT_ENTRY: raw value and the fields that apply to the symbol */
    uint32_t raw;
    uint32_t page_offset;     /* PageRelativeOffset */
    bool indirect_call;       /* symbols 3, 4 */
    uint32_t iat_index;       /* symbol 3 */
    bool rex_w, cfg_check;    /* symbol 4 */
    uint32_t reg;             /* symbol 5 */
    uint32_t type;            /* other symbols: the top 4 bits */
    /* DVRT_ERROR */
    char message[160];
};

struct dvrt_iter {
    const uint8_t *p;
    size_t len;
    bool pe32plus;
    int state;
    uint32_t version;
    size_t pos, table_end, reloc_end, block_end;
    uint64_t symbol;
};

/* Find the table through the load configuration.  Returns 1 with *data,
 * *len (bytes available to the end of the section's file data) and *file_off
 * set; 0 if the image has no DVRT; -1 if the pointers lead nowhere, with a
 * message in err. */
int dvrt_locate(const struct pe_image *img, const uint8_t **data, size_t *len, size_t *file_off,
                char *err, size_t errlen);

void dvrt_begin(struct dvrt_iter *it, const uint8_t *data, size_t len, bool pe32plus);
/* 1 with *item filled, 0 when done. */
int dvrt_next(struct dvrt_iter *it, struct dvrt_item *item);
const char *dvrt_symbol_name(uint64_t symbol);

#endif
