/*
 * poppack.h - ends the packing the last <pshpackN.h> started.  No include
 * guard: one pop per include.
 */
#pragma pack(pop)
