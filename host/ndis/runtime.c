/*
 * runtime.c - NDIS runtime routines that are not part of a data path:
 * adapter instance names, NdisFreeMemory, partial cancel IDs.
 */
#include "ndis_internal.h"

#include <string.h>

#define NK_NDIS_MEMORY_TAG 'mdNN'

/* The friendly name: "Linux interface IFNAME" for an AF_PACKET adapter
 * (named \DEVICE\{NKPACKET-IFNAME}), "ndiskit in-memory adapter NAME"
 * otherwise.  NDIS allocates it; the caller frees it with NdisFreeMemory. */
NDIS_STATUS NdisQueryAdapterInstanceName(PNDIS_STRING pAdapterInstanceName, NDIS_HANDLE NdisBindingHandle)
{
    static const WCHAR packetPrefix[] = L"\\DEVICE\\{NKPACKET-";
    NK_BINDING *b = NkNdisBindingOf(NdisBindingHandle, "NdisQueryAdapterInstanceName");
    const char *lead;
    PCWSTR name;
    size_t leadLength, nameLength, total;
    PWCH buffer;

    if (pAdapterInstanceName == NULL)
        return NDIS_STATUS_INVALID_PARAMETER;
    RtlZeroMemory(pAdapterInstanceName, sizeof(*pAdapterInstanceName));
    if (b == NULL || !NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisQueryAdapterInstanceName"))
        return NDIS_STATUS_INVALID_PARAMETER;
    name = b->Adapter->Name;
    for (nameLength = 0; name[nameLength] != 0; nameLength++)
        ;
    if (b->Adapter->Socket >= 0 && nameLength > RTL_NUMBER_OF(packetPrefix) &&
        memcmp(name, packetPrefix, sizeof(packetPrefix) - sizeof(WCHAR)) == 0) {
        lead = "Linux interface ";
        name += RTL_NUMBER_OF(packetPrefix) - 1;
        nameLength -= RTL_NUMBER_OF(packetPrefix); /* and the closing brace */
    } else {
        lead = "ndiskit in-memory adapter ";
    }
    leadLength = strlen(lead);
    total = leadLength + nameLength;
    if (NkHostShouldFail(NkFaultPoolAllocation))
        return NDIS_STATUS_RESOURCES;
    buffer = ExAllocatePool2(POOL_FLAG_NON_PAGED, (total + 1) * sizeof(WCHAR), NK_NDIS_MEMORY_TAG);
    if (buffer == NULL)
        return NDIS_STATUS_RESOURCES;
    for (size_t i = 0; i < leadLength; i++)
        buffer[i] = (WCHAR)lead[i];
    memcpy(buffer + leadLength, name, nameLength * sizeof(WCHAR));
    buffer[total] = 0;
    pAdapterInstanceName->Buffer = buffer;
    pAdapterInstanceName->Length = (USHORT)(total * sizeof(WCHAR));
    pAdapterInstanceName->MaximumLength = (USHORT)((total + 1) * sizeof(WCHAR));
    return NDIS_STATUS_SUCCESS;
}

/* Memory NDIS allocated: for the caller (NdisQueryAdapterInstanceName,
 * ...) or by the caller (NdisAllocateMemoryWithTag[Priority]) under any
 * tag - NdisFreeMemory does not know the tag, so it does not check it.
 * The pool still reports a pointer it never gave out, or a double free. */
VOID NdisFreeMemory(PVOID VirtualAddress, UINT Length, UINT MemoryFlags)
{
    (void)Length;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisFreeMemory"))
        return;
    if (MemoryFlags != 0)
        NkHostViolation("ndis.bad-memory-flags", "NdisFreeMemory with MemoryFlags 0x%x: memory from "
                        "NdisAllocateMemoryWithTag[Priority] is freed with 0", MemoryFlags);
    ExFreePool(VirtualAddress);
}

/* One byte per caller, as NDIS hands out: 1, 2, ... (0 is never given, so
 * a zero cancel ID never matches a driver's). */
UCHAR NdisGeneratePartialCancelId(VOID)
{
    static volatile LONG next;
    LONG n = InterlockedIncrement(&next);
    return (UCHAR)(1 + (n - 1) % 255);
}
