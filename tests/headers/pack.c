/*
 * pshpackN.h / poppack.h: each pair packs what lies between, nests, and
 * restores the previous packing.  Compiled with -Wno-pragma-pack: clang
 * warns whenever an included file changes the packing, which is what
 * these headers are for (the WDK's do the same).
 */
#include <ntdef.h>

#include <pshpack1.h>
typedef struct { UCHAR a; ULONG b; } P1;
#include <pshpack4.h>
typedef struct { UCHAR a; ULONGLONG b; } P4;
#include <poppack.h>
typedef struct { UCHAR a; USHORT b; } P1B;   /* back to 1 */
#include <poppack.h>
typedef struct { UCHAR a; ULONGLONG b; } PDEF; /* default again */
#include <pshpack2.h>
typedef struct { UCHAR a; ULONG b; } P2;
#include <poppack.h>
#include <pshpack8.h>
typedef struct { UCHAR a; ULONGLONG b; } P8;
#include <poppack.h>

C_ASSERT(sizeof(P1) == 5);
C_ASSERT(sizeof(P4) == 12);
C_ASSERT(sizeof(P1B) == 3);
C_ASSERT(sizeof(PDEF) == 16);
C_ASSERT(sizeof(P2) == 6);
C_ASSERT(sizeof(P8) == 16);

/* UNALIGNED pointers to packed members, as Microsoft's samples use them. */
#include <pshpack1.h>
typedef struct { UCHAR Dst[6]; UCHAR Src[6]; USHORT Type; } ETH;
typedef ETH UNALIGNED *PETH;
#include <poppack.h>
C_ASSERT(sizeof(ETH) == 14);

USHORT PackReadType(PETH p);
USHORT PackReadType(PETH p) { return p->Type; }
