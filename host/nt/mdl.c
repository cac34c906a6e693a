/*
 * mdl.c - the MDL routines.  Host memory is always resident, so "locking"
 * and "mapping" only move MdlFlags through the states Windows enforces,
 * and the verifier checks the order: map only locked or non-paged MDLs,
 * unlock only locked ones, free only what IoAllocateMdl returned.
 */
#include "nt_internal.h"

#define NK_MDL_TAG ((ULONG)'N' | ((ULONG)'K' << 8) | ((ULONG)'m' << 16) | ((ULONG)'d' << 24))

SIZE_T NTAPI MmSizeOfMdl(PVOID Base, SIZE_T Length)
{
    return sizeof(MDL) + sizeof(ULONG_PTR) * ADDRESS_AND_SIZE_TO_SPAN_PAGES(Base, Length);
}

PMDL NTAPI IoAllocateMdl(PVOID VirtualAddress, ULONG Length, BOOLEAN SecondaryBuffer, BOOLEAN ChargeQuota,
                         PIRP Irp)
{
    PMDL mdl;
    (void)ChargeQuota;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "IoAllocateMdl"))
        return NULL;
    mdl = ExAllocatePoolWithTag(NonPagedPoolNx, MmSizeOfMdl(VirtualAddress, Length), NK_MDL_TAG);
    if (mdl == NULL)
        return NULL;
    MmInitializeMdl(mdl, VirtualAddress, Length);
    mdl->MdlFlags |= MDL_ALLOCATED_FIXED_SIZE;
    if (Irp != NULL) {
        if (!SecondaryBuffer || Irp->MdlAddress == NULL) {
            Irp->MdlAddress = mdl;
        } else {
            PMDL last = Irp->MdlAddress;
            while (last->Next != NULL)
                last = last->Next;
            last->Next = mdl;
        }
    }
    return mdl;
}

VOID NTAPI IoFreeMdl(PMDL Mdl)
{
    if (Mdl->MdlFlags & MDL_PAGES_LOCKED)
        NkHostViolation("mdl.free-locked", "IoFreeMdl(%p) of an MDL whose pages are still locked",
                        (void *)Mdl);
    ExFreePoolWithTag(Mdl, NK_MDL_TAG);
}

VOID NTAPI MmBuildMdlForNonPagedPool(PMDL MemoryDescriptorList)
{
    MemoryDescriptorList->MdlFlags |= MDL_SOURCE_IS_NONPAGED_POOL;
    MemoryDescriptorList->MappedSystemVa = MmGetMdlVirtualAddress(MemoryDescriptorList);
}

PVOID NTAPI MmMapLockedPagesSpecifyCache(PMDL MemoryDescriptorList, KPROCESSOR_MODE AccessMode,
                                         MEMORY_CACHING_TYPE CacheType, PVOID RequestedAddress,
                                         ULONG BugCheckOnFailure, ULONG Priority)
{
    PMDL m = MemoryDescriptorList;
    (void)AccessMode;
    (void)CacheType;
    (void)RequestedAddress;
    (void)BugCheckOnFailure;
    (void)Priority;
    if (!(m->MdlFlags & (MDL_PAGES_LOCKED | MDL_SOURCE_IS_NONPAGED_POOL | MDL_PARTIAL))) {
        NkHostViolation("mdl.map-unlocked", "MmMapLockedPagesSpecifyCache(%p): pages not locked", (void *)m);
        return NULL;
    }
    if (NkHostShouldFail(NkFaultPoolAllocation))
        return NULL; /* mapping can fail under PTE pressure */
    m->MappedSystemVa = MmGetMdlVirtualAddress(m);
    m->MdlFlags |= MDL_MAPPED_TO_SYSTEM_VA;
    return m->MappedSystemVa;
}

VOID NTAPI MmUnmapLockedPages(PVOID BaseAddress, PMDL MemoryDescriptorList)
{
    (void)BaseAddress;
    MemoryDescriptorList->MdlFlags &= ~MDL_MAPPED_TO_SYSTEM_VA;
}

VOID NTAPI MmProbeAndLockPages(PMDL MemoryDescriptorList, KPROCESSOR_MODE AccessMode, LOCK_OPERATION Operation)
{
    (void)AccessMode;
    (void)Operation;
    NkHostCheckIrqlMax(DISPATCH_LEVEL, "MmProbeAndLockPages");
    MemoryDescriptorList->MdlFlags |= MDL_PAGES_LOCKED;
}

VOID NTAPI MmUnlockPages(PMDL MemoryDescriptorList)
{
    if (!(MemoryDescriptorList->MdlFlags & MDL_PAGES_LOCKED)) {
        NkHostViolation("mdl.unlock-unlocked", "MmUnlockPages(%p): pages not locked",
                        (void *)MemoryDescriptorList);
        return;
    }
    MemoryDescriptorList->MdlFlags &= ~(MDL_PAGES_LOCKED | MDL_MAPPED_TO_SYSTEM_VA);
}
