/*
 * wdfmemory.h - memory objects (a buffer with a length and an owner),
 * lookaside lists, and the memory descriptors synchronous I/O takes.
 * Part of <wdf.h>.
 */
#ifndef NDISKIT_WDFMEMORY_H
#define NDISKIT_WDFMEMORY_H

#ifndef NDISKIT_WDF_H
#error "include <wdf.h>, not <wdfmemory.h>"
#endif

/* A window into a memory object's buffer. */
typedef struct _WDFMEMORY_OFFSET {
    size_t BufferOffset;
    size_t BufferLength;
} WDFMEMORY_OFFSET, *PWDFMEMORY_OFFSET;

typedef enum _WDF_MEMORY_DESCRIPTOR_TYPE {
    WdfMemoryDescriptorTypeInvalid = 0,
    WdfMemoryDescriptorTypeBuffer,
    WdfMemoryDescriptorTypeMdl,
    WdfMemoryDescriptorTypeHandle
} WDF_MEMORY_DESCRIPTOR_TYPE;

/* Names a buffer three ways - raw pointer, MDL chain or memory object -
 * for the WdfIoTargetSendXxxSynchronously DDIs. */
typedef struct _WDF_MEMORY_DESCRIPTOR {
    WDF_MEMORY_DESCRIPTOR_TYPE Type;
    union {
        struct {
            PVOID Buffer;
            ULONG Length;
        } BufferType;
        struct {
            PMDL Mdl;
            ULONG BufferLength;
        } MdlType;
        struct {
            WDFMEMORY Memory;
            PWDFMEMORY_OFFSET Offsets;
        } HandleType;
    } u;
} WDF_MEMORY_DESCRIPTOR, *PWDF_MEMORY_DESCRIPTOR;

FORCEINLINE VOID WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(_Out_ PWDF_MEMORY_DESCRIPTOR Descriptor,
                                                   _In_ PVOID Buffer, _In_ ULONG BufferLength)
{
    RtlZeroMemory(Descriptor, sizeof(WDF_MEMORY_DESCRIPTOR));
    Descriptor->Type = WdfMemoryDescriptorTypeBuffer;
    Descriptor->u.BufferType.Buffer = Buffer;
    Descriptor->u.BufferType.Length = BufferLength;
}

FORCEINLINE VOID WDF_MEMORY_DESCRIPTOR_INIT_MDL(_Out_ PWDF_MEMORY_DESCRIPTOR Descriptor,
                                                _In_ PMDL Mdl, _In_ ULONG BufferLength)
{
    RtlZeroMemory(Descriptor, sizeof(WDF_MEMORY_DESCRIPTOR));
    Descriptor->Type = WdfMemoryDescriptorTypeMdl;
    Descriptor->u.MdlType.Mdl = Mdl;
    Descriptor->u.MdlType.BufferLength = BufferLength;
}

FORCEINLINE VOID WDF_MEMORY_DESCRIPTOR_INIT_HANDLE(_Out_ PWDF_MEMORY_DESCRIPTOR Descriptor,
                                                   _In_ WDFMEMORY Memory,
                                                   _In_opt_ PWDFMEMORY_OFFSET Offsets)
{
    RtlZeroMemory(Descriptor, sizeof(WDF_MEMORY_DESCRIPTOR));
    Descriptor->Type = WdfMemoryDescriptorTypeHandle;
    Descriptor->u.HandleType.Memory = Memory;
    Descriptor->u.HandleType.Offsets = Offsets;
}

/* BEGIN GENERATED DDIs: scripts/gen-wdf-ddis from scripts/wdf-ddis.txt. */

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFMEMORYCREATE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES Attributes,
    _In_ POOL_TYPE PoolType,
    _In_opt_ ULONG PoolTag,
    _In_ size_t BufferSize,
    _Out_ WDFMEMORY *Memory,
    _Outptr_opt_result_bytebuffer_(BufferSize) PVOID *Buffer);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfMemoryCreate(
    _In_opt_ PWDF_OBJECT_ATTRIBUTES Attributes,
    _In_ POOL_TYPE PoolType,
    _In_opt_ ULONG PoolTag,
    _In_ size_t BufferSize,
    _Out_ WDFMEMORY *Memory,
    _Outptr_opt_result_bytebuffer_(BufferSize) PVOID *Buffer)
{
    return ((PFN_WDFMEMORYCREATE)WdfFunctions[WdfMemoryCreateTableIndex])(WdfDriverGlobals, Attributes, PoolType, PoolTag, BufferSize, Memory, Buffer);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFMEMORYCREATEPREALLOCATED)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES Attributes,
    _In_ PVOID Buffer,
    _In_ size_t BufferSize,
    _Out_ WDFMEMORY *Memory);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfMemoryCreatePreallocated(
    _In_opt_ PWDF_OBJECT_ATTRIBUTES Attributes,
    _In_ PVOID Buffer,
    _In_ size_t BufferSize,
    _Out_ WDFMEMORY *Memory)
{
    return ((PFN_WDFMEMORYCREATEPREALLOCATED)WdfFunctions[WdfMemoryCreatePreallocatedTableIndex])(WdfDriverGlobals, Attributes, Buffer, BufferSize, Memory);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI PVOID (NTAPI *PFN_WDFMEMORYGETBUFFER)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFMEMORY Memory,
    _Out_opt_ size_t *BufferSize);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE PVOID WdfMemoryGetBuffer(
    _In_ WDFMEMORY Memory,
    _Out_opt_ size_t *BufferSize)
{
    return ((PFN_WDFMEMORYGETBUFFER)WdfFunctions[WdfMemoryGetBufferTableIndex])(WdfDriverGlobals, Memory, BufferSize);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFMEMORYASSIGNBUFFER)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFMEMORY Memory,
    _Pre_notnull_ PVOID Buffer,
    _In_ size_t BufferSize);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfMemoryAssignBuffer(
    _In_ WDFMEMORY Memory,
    _Pre_notnull_ PVOID Buffer,
    _In_ size_t BufferSize)
{
    return ((PFN_WDFMEMORYASSIGNBUFFER)WdfFunctions[WdfMemoryAssignBufferTableIndex])(WdfDriverGlobals, Memory, Buffer, BufferSize);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFMEMORYCOPYTOBUFFER)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFMEMORY SourceMemory,
    _In_ size_t SourceOffset,
    _Out_writes_bytes_(NumBytesToCopyTo) PVOID Buffer,
    _In_ size_t NumBytesToCopyTo);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfMemoryCopyToBuffer(
    _In_ WDFMEMORY SourceMemory,
    _In_ size_t SourceOffset,
    _Out_writes_bytes_(NumBytesToCopyTo) PVOID Buffer,
    _In_ size_t NumBytesToCopyTo)
{
    return ((PFN_WDFMEMORYCOPYTOBUFFER)WdfFunctions[WdfMemoryCopyToBufferTableIndex])(WdfDriverGlobals, SourceMemory, SourceOffset, Buffer, NumBytesToCopyTo);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFMEMORYCOPYFROMBUFFER)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFMEMORY DestinationMemory,
    _In_ size_t DestinationOffset,
    _In_ PVOID Buffer,
    _In_ size_t NumBytesToCopyFrom);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfMemoryCopyFromBuffer(
    _In_ WDFMEMORY DestinationMemory,
    _In_ size_t DestinationOffset,
    _In_ PVOID Buffer,
    _In_ size_t NumBytesToCopyFrom)
{
    return ((PFN_WDFMEMORYCOPYFROMBUFFER)WdfFunctions[WdfMemoryCopyFromBufferTableIndex])(WdfDriverGlobals, DestinationMemory, DestinationOffset, Buffer, NumBytesToCopyFrom);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFLOOKASIDELISTCREATE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES LookasideAttributes,
    _In_ size_t BufferSize,
    _In_ POOL_TYPE PoolType,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES MemoryAttributes,
    _In_opt_ ULONG PoolTag,
    _Out_ WDFLOOKASIDE *Lookaside);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfLookasideListCreate(
    _In_opt_ PWDF_OBJECT_ATTRIBUTES LookasideAttributes,
    _In_ size_t BufferSize,
    _In_ POOL_TYPE PoolType,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES MemoryAttributes,
    _In_opt_ ULONG PoolTag,
    _Out_ WDFLOOKASIDE *Lookaside)
{
    return ((PFN_WDFLOOKASIDELISTCREATE)WdfFunctions[WdfLookasideListCreateTableIndex])(WdfDriverGlobals, LookasideAttributes, BufferSize, PoolType, MemoryAttributes, PoolTag, Lookaside);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFMEMORYCREATEFROMLOOKASIDE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFLOOKASIDE Lookaside,
    _Out_ WDFMEMORY *Memory);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfMemoryCreateFromLookaside(
    _In_ WDFLOOKASIDE Lookaside,
    _Out_ WDFMEMORY *Memory)
{
    return ((PFN_WDFMEMORYCREATEFROMLOOKASIDE)WdfFunctions[WdfMemoryCreateFromLookasideTableIndex])(WdfDriverGlobals, Lookaside, Memory);
}

/* END GENERATED DDIs */

#endif /* NDISKIT_WDFMEMORY_H */
