/*
 * wmistr.h - the common header of WMI data blocks (WNODE_XXX), from the
 * WMI reference.  ndiskit provides no WMI DDIs yet; drivers that include
 * this header for the types (as Microsoft's samples do from precomp.h)
 * compile unchanged.
 */
#ifndef NDISKIT_WMISTR_H
#define NDISKIT_WMISTR_H

#include <ntdef.h>

/* The first member of every WNODE_XXX block: 48 bytes on x64. */
typedef struct _WNODE_HEADER {
    ULONG BufferSize;           /* the whole block, this header included */
    ULONG ProviderId;           /* for event items: the provider's ID */
    union {
        ULONG64 HistoricalContext;
        struct {
            ULONG Version;
            ULONG Linkage;
        };
    };
    union {
        ULONG CountLost;
        HANDLE KernelHandle;
        LARGE_INTEGER TimeStamp;  /* 100 ns units since 1601 */
    };
    GUID Guid;                  /* the data block's GUID */
    ULONG ClientContext;
    ULONG Flags;                /* WNODE_FLAG_XXX: which WNODE_XXX follows */
} WNODE_HEADER, *PWNODE_HEADER;

C_ASSERT(sizeof(WNODE_HEADER) == 48);
C_ASSERT(FIELD_OFFSET(WNODE_HEADER, TimeStamp) == 16);
C_ASSERT(FIELD_OFFSET(WNODE_HEADER, Guid) == 24);
C_ASSERT(FIELD_OFFSET(WNODE_HEADER, Flags) == 44);

#define WNODE_FLAG_ALL_DATA            0x00000001
#define WNODE_FLAG_SINGLE_INSTANCE     0x00000002
#define WNODE_FLAG_SINGLE_ITEM         0x00000004
#define WNODE_FLAG_EVENT_ITEM          0x00000008
#define WNODE_FLAG_FIXED_INSTANCE_SIZE 0x00000010
#define WNODE_FLAG_TOO_SMALL           0x00000020
#define WNODE_FLAG_INSTANCES_SAME      0x00000040
#define WNODE_FLAG_STATIC_INSTANCE_NAMES 0x00000080
#define WNODE_FLAG_USE_TIMESTAMP       0x00000200
#define WNODE_FLAG_EVENT_REFERENCE     0x00002000
#define WNODE_FLAG_METHOD_ITEM         0x00008000
#define WNODE_FLAG_PDO_INSTANCE_NAMES  0x00010000

/* Returned instead of the data when the caller's buffer is too small. */
typedef struct tagWNODE_TOO_SMALL {
    WNODE_HEADER WnodeHeader;
    ULONG SizeNeeded;
} WNODE_TOO_SMALL, *PWNODE_TOO_SMALL;

#endif /* NDISKIT_WMISTR_H */
