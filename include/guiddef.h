/*
 * guiddef.h - DEFINE_GUID and GUID comparison (the GUID type itself is in
 * ntdef.h).
 *
 * DEFINE_GUID(name, l, w1, w2, b1..b8) declares `const GUID name`.  In the
 * one translation unit that defines INITGUID before including the headers
 * that use it, the GUID is also defined - as a "select any" definition, so
 * two such units in one image do not collide (a weak definition on the
 * host, where ELF has no pick-any COMDAT for data).
 */
#ifndef NDISKIT_GUIDDEF_H
#define NDISKIT_GUIDDEF_H

#include <ntdef.h>

#ifdef DEFINE_GUID
#undef DEFINE_GUID
#endif
#ifdef INITGUID
/* A C file-scope const has external linkage without `extern` (which, with
 * an initializer, compilers warn about); C++ needs extern "C". */
#ifdef __cplusplus
#define NDISKIT_GUID_LINKAGE extern "C"
#else
#define NDISKIT_GUID_LINKAGE
#endif
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) \
    NDISKIT_GUID_LINKAGE DECLSPEC_SELECTANY const GUID name =        \
        {l, w1, w2, {b1, b2, b3, b4, b5, b6, b7, b8}}
#else
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) \
    EXTERN_C const GUID name
#endif

#ifndef NDISKIT_GUIDDEF_FUNCTIONS
#define NDISKIT_GUIDDEF_FUNCTIONS
/* Byte-wise equality (GUIDs have no padding: 4 + 2 + 2 + 8 bytes). */
FORCEINLINE int IsEqualGUID(_In_ const GUID *a, _In_ const GUID *b)
{
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
    for (unsigned i = 0; i < sizeof(GUID); i++)
        if (p[i] != q[i])
            return 0;
    return 1;
}
#define InlineIsEqualGUID(a, b) IsEqualGUID((a), (b))
#endif

#endif /* NDISKIT_GUIDDEF_H */
