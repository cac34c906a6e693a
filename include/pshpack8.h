/*
 * pshpack8.h - structures declared after this header are packed to 8-byte
 * boundaries until the matching <poppack.h>.  No include guard: each
 * include pushes one packing level, and the pairs nest.  Both compilers we
 * build with (clang for the MSVC target and for Linux, gcc) implement
 * Microsoft's pack(push, n) / pack(pop) semantics.
 */
#pragma pack(push, 8)
