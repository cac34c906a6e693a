# A .retplne section as MSVC-compiled objects carry it (format: design notes,
# "DVRT & .retplne"): the magic, then one group of {size, section, entries}.
# build_images.py patches the section characteristics to what a real one has,
# IMAGE_SCN_LNK_INFO | IMAGE_SCN_ALIGN_1BYTES, which the assembler cannot say.
    .section .retplne,"dr"
    .ascii "RetpolineV1\0"
    .long 32          # group size: 8 + 3 entries * 8
    .long 1           # target section (.text)
    .long 3           # IAT call
    .long 0x10
    .long 5           # indirect call
    .long 0x24
    .long 0x11        # switch table via rcx
    .long 0x40
