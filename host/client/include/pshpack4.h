/*
 * pshpack4.h - packs the structures that follow to 4-byte boundaries until
 * the matching <poppack.h>.  No include guard: the pairs nest.  Changing
 * the packing across an #include is the point of these headers, so clang's
 * warning about it (-Wpragma-pack) is turned off for the includer.
 */
#ifdef __clang__
#pragma clang diagnostic ignored "-Wpragma-pack"
#endif
#pragma pack(push, 4)
