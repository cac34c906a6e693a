/*
 * nbl.c - NET_BUFFER_LIST pools and MDLs as NDIS allocates them.  Every
 * NBL records its pool and whether it is free; freeing one twice, or a
 * pool that still has NBLs out, is a verifier report.
 */
#include "ndis_internal.h"

#include <stdlib.h>
#include <string.h>

#define NK_POOL_MAGIC 0x4E4B4E424C504F4Full
#define NK_NB_POOL_MAGIC 0x4E4B4E42504F4F4Cull
#define NK_NBL_MAGIC 0x4E4B4E424C414C4Cull
#define NK_NB_MAGIC 0x4E4B4E4241414C4Cull
/* Pool tag "NkCx" of context blocks NdisAllocateNetBufferListContext adds,
 * "NkRt" of the buffers behind MDLs a retreat allocates. */
#define NK_CONTEXT_TAG ((ULONG)'N' | ((ULONG)'k' << 8) | ((ULONG)'C' << 16) | ((ULONG)'x' << 24))
#define NK_RETREAT_TAG ((ULONG)'N' | ((ULONG)'k' << 8) | ((ULONG)'R' << 16) | ((ULONG)'t' << 24))

typedef struct _NK_NBL_POOL {
    ULONG64 Magic;
    NET_BUFFER_LIST_POOL_PARAMETERS Params;
    LONG Outstanding;
} NK_NBL_POOL;

typedef struct _NK_NB_POOL {
    ULONG64 Magic;
    NET_BUFFER_POOL_PARAMETERS Params;
    LONG Outstanding;
} NK_NB_POOL;

/* Host bookkeeping in front of each NBL: [header][NBL][NB][context]. */
typedef struct _NK_NBL_HEADER {
    ULONG64 Magic;
    NK_NBL_POOL *Pool;
    BOOLEAN Free;
    BOOLEAN Clone;                  /* NdisAllocateCloneNetBufferList made it */
    USHORT ContextSize;
    ULONG CloneFlags;
} __attribute__((aligned(16))) NK_NBL_HEADER;

/* In front of each NB from a NET_BUFFER pool: [header][NB][MDL][data]. */
typedef struct _NK_NB_HEADER {
    LIST_ENTRY Link;                /* on LiveNbs: a free is looked up, never dereferenced blind */
    ULONG64 Magic;
    NK_NB_POOL *Pool;
    PMDL OwnMdl;                    /* NdisAllocateNetBufferMdlAndData: freed with the NB */
} __attribute__((aligned(16))) NK_NB_HEADER;

/* An MDL a retreat put at the head of an NB's chain is remembered in
 * NdisReserved (NDIS's own field), with who allocated it, so the advance
 * that gives the space back frees it the same way. */
#define NK_RETREAT_MDL(nb) ((nb)->NdisReserved[0])
#define NK_RETREAT_FREE(nb) ((nb)->NdisReserved[1])

static pthread_mutex_t NbLock = PTHREAD_MUTEX_INITIALIZER;
static LIST_ENTRY LiveNbs = {&LiveNbs, &LiveNbs};

/* NkHostReset: NBs still out went with their pools. */
VOID NkNdisNblReset(VOID)
{
    pthread_mutex_lock(&NbLock);
    while (!IsListEmpty(&LiveNbs))
        free(CONTAINING_RECORD(RemoveHeadList(&LiveNbs), NK_NB_HEADER, Link));
    pthread_mutex_unlock(&NbLock);
}

static const NK_NDIS_REVISION NblPoolRevisions[] = {
    {NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1, NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1},
};
static const NK_NDIS_REVISION NbPoolRevisions[] = {
    {NET_BUFFER_POOL_PARAMETERS_REVISION_1, NDIS_SIZEOF_NET_BUFFER_POOL_PARAMETERS_REVISION_1},
};

NDIS_HANDLE NdisAllocateNetBufferListPool(NDIS_HANDLE NdisHandle, PNET_BUFFER_LIST_POOL_PARAMETERS Parameters)
{
    NET_BUFFER_LIST_POOL_PARAMETERS params;
    NK_NBL_POOL *p;
    (void)NdisHandle;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisAllocateNetBufferListPool"))
        return NULL;
    if (!NkNdisTakeObject(Parameters ? &Parameters->Header : NULL, NDIS_OBJECT_TYPE_DEFAULT, NblPoolRevisions,
                          RTL_NUMBER_OF(NblPoolRevisions), &params, sizeof(params), "NdisAllocateNetBufferListPool"))
        return NULL;
    if (NkHostShouldFail(NkFaultPoolAllocation))
        return NULL;
    p = calloc(1, sizeof(*p));
    if (p == NULL)
        return NULL;
    p->Magic = NK_POOL_MAGIC;
    p->Params = params;
    return (NDIS_HANDLE)p;
}

VOID NdisFreeNetBufferListPool(NDIS_HANDLE PoolHandle)
{
    NK_NBL_POOL *p = (NK_NBL_POOL *)PoolHandle;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisFreeNetBufferListPool"))
        return;
    if (p == NULL || p->Magic != NK_POOL_MAGIC) {
        NkHostViolation("ndis.invalid-pool", "NdisFreeNetBufferListPool(%p): not a pool", PoolHandle);
        return;
    }
    if (p->Outstanding != 0) {
        NkHostViolation("ndis.pool-freed-in-use", "NdisFreeNetBufferListPool with %ld NBL(s) still allocated",
                        (long)p->Outstanding);
        return; /* keep it: the NBLs still point at it */
    }
    p->Magic = 0;
    free(p);
}

/* CurrentMdl/CurrentMdlOffset: the MDL holding byte DataOffset of the chain. */
static VOID SetCurrentMdl(PNET_BUFFER nb)
{
    PMDL mdl = nb->MdlChain;
    ULONG offset = nb->DataOffset;
    while (mdl != NULL && offset >= MmGetMdlByteCount(mdl) && mdl->Next != NULL) {
        offset -= MmGetMdlByteCount(mdl);
        mdl = mdl->Next;
    }
    nb->CurrentMdl = mdl;
    nb->CurrentMdlOffset = offset;
}

static VOID InitNb(PNET_BUFFER nb, NDIS_HANDLE Pool, PMDL MdlChain, ULONG DataOffset, SIZE_T DataLength)
{
    nb->NdisPoolHandle = Pool;
    nb->MdlChain = MdlChain;
    nb->DataOffset = DataOffset;
    nb->DataLength = (ULONG)DataLength;
    SetCurrentMdl(nb);
}

/* An NBL (with one NB if WithNb), its context area ContextSize bytes of
 * which are in use and ContextBackFill free in front of them. */
static PNET_BUFFER_LIST AllocateNbl(NDIS_HANDLE PoolHandle, USHORT ContextSize, USHORT ContextBackFill,
                                    BOOLEAN WithNb, const char *Ddi)
{
    NK_NBL_POOL *p = (NK_NBL_POOL *)PoolHandle;
    NK_NBL_HEADER *h;
    PNET_BUFFER_LIST nbl;
    SIZE_T size;
    ULONG context;

    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, Ddi))
        return NULL;
    if (p == NULL || p->Magic != NK_POOL_MAGIC) {
        NkHostViolation("ndis.invalid-pool", "%s(%p): not a pool", Ddi, PoolHandle);
        return NULL;
    }
    if (WithNb && !p->Params.fAllocateNetBuffer) {
        NkHostViolation("ndis.pool-without-nb", "%s: pool was created without fAllocateNetBuffer", Ddi);
        return NULL;
    }
    context = (ULONG)p->Params.ContextSize + ContextSize + ContextBackFill;
    if (context > MAXUSHORT) {
        NkHostViolation("ndis.bad-context-size", "%s: %lu bytes of context", Ddi, (unsigned long)context);
        return NULL;
    }
    if (NkHostShouldFail(NkFaultPoolAllocation))
        return NULL;
    size = sizeof(NK_NBL_HEADER) + sizeof(NET_BUFFER_LIST) + sizeof(NET_BUFFER) + sizeof(NET_BUFFER_LIST_CONTEXT) +
           context;
    h = aligned_alloc(16, (size + 15) & ~(SIZE_T)15);
    if (h == NULL)
        return NULL;
    memset(h, 0, size);
    h->Magic = NK_NBL_MAGIC;
    h->Pool = p;
    h->ContextSize = (USHORT)context;
    nbl = (PNET_BUFFER_LIST)(h + 1);
    if (context != 0) {
        /* The context area NET_BUFFER_LIST_CONTEXT_DATA_START reaches,
         * zeroed like the rest; the back fill is the free part in front. */
        nbl->Context = (PNET_BUFFER_LIST_CONTEXT)((PNET_BUFFER)(nbl + 1) + 1);
        nbl->Context->Size = (USHORT)context;
        nbl->Context->Offset = ContextBackFill;
    }
    nbl->NdisPoolHandle = PoolHandle;
    if (WithNb)
        nbl->FirstNetBuffer = (PNET_BUFFER)(nbl + 1);
    __atomic_add_fetch(&p->Outstanding, 1, __ATOMIC_SEQ_CST);
    return nbl;
}

PNET_BUFFER_LIST NdisAllocateNetBufferAndNetBufferList(NDIS_HANDLE PoolHandle, USHORT ContextSize,
                                                       USHORT ContextBackFill, PMDL MdlChain, ULONG DataOffset,
                                                       SIZE_T DataLength)
{
    PNET_BUFFER_LIST nbl = AllocateNbl(PoolHandle, ContextSize, ContextBackFill, TRUE,
                                       "NdisAllocateNetBufferAndNetBufferList");
    if (nbl != NULL)
        InitNb(nbl->FirstNetBuffer, PoolHandle, MdlChain, DataOffset, DataLength);
    return nbl;
}

/* An NBL with no NB: the caller chains NBs from a NET_BUFFER pool. */
PNET_BUFFER_LIST NdisAllocateNetBufferList(NDIS_HANDLE PoolHandle, USHORT ContextSize, USHORT ContextBackFill)
{
    return AllocateNbl(PoolHandle, ContextSize, ContextBackFill, FALSE, "NdisAllocateNetBufferList");
}

static NK_NBL_HEADER *NblHeaderOf(PNET_BUFFER_LIST NetBufferList, const char *Ddi)
{
    NK_NBL_HEADER *h = NetBufferList != NULL ? (NK_NBL_HEADER *)NetBufferList - 1 : NULL;
    if (h == NULL || h->Magic != NK_NBL_MAGIC) {
        NkHostViolation("ndis.free-unknown-nbl", "%s(%p): not an NBL NDIS allocated (or freed twice)", Ddi,
                        (void *)NetBufferList);
        return NULL;
    }
    return h;
}

static VOID FreeNbl(NK_NBL_HEADER *h, PNET_BUFFER_LIST NetBufferList);

/* Frees the NBL, its own NB and the context blocks added to it; NBs the
 * caller chained from a NET_BUFFER pool are the caller's to free. */
VOID NdisFreeNetBufferList(PNET_BUFFER_LIST NetBufferList)
{
    NK_NBL_HEADER *h;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisFreeNetBufferList"))
        return;
    h = NblHeaderOf(NetBufferList, "NdisFreeNetBufferList");
    if (h == NULL)
        return;
    if (h->Clone) {
        NkHostViolation("ndis.free-clone", "NdisFreeNetBufferList(%p) on a clone: use NdisFreeCloneNetBufferList",
                        (void *)NetBufferList);
        return;
    }
    FreeNbl(h, NetBufferList);
}

static VOID FreeNbl(NK_NBL_HEADER *h, PNET_BUFFER_LIST NetBufferList)
{
    /* Context blocks NdisAllocateNetBufferListContext added and the caller
     * did not free: NDIS frees them with the NBL. */
    while (NetBufferList->Context != NULL &&
           NetBufferList->Context != (PNET_BUFFER_LIST_CONTEXT)((PNET_BUFFER)(NetBufferList + 1) + 1)) {
        PNET_BUFFER_LIST_CONTEXT next = NetBufferList->Context->Next;
        ExFreePoolWithTag(NetBufferList->Context, NK_CONTEXT_TAG);
        NetBufferList->Context = next;
    }
    h->Magic = 0;
    __atomic_sub_fetch(&h->Pool->Outstanding, 1, __ATOMIC_SEQ_CST);
    free(h);
}

/* ---- NET_BUFFER pools ------------------------------------------------------------- */

NDIS_HANDLE NdisAllocateNetBufferPool(NDIS_HANDLE NdisHandle, PNET_BUFFER_POOL_PARAMETERS Parameters)
{
    NET_BUFFER_POOL_PARAMETERS params;
    NK_NB_POOL *p;
    (void)NdisHandle;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisAllocateNetBufferPool"))
        return NULL;
    if (!NkNdisTakeObject(Parameters ? &Parameters->Header : NULL, NDIS_OBJECT_TYPE_DEFAULT, NbPoolRevisions,
                          RTL_NUMBER_OF(NbPoolRevisions), &params, sizeof(params), "NdisAllocateNetBufferPool"))
        return NULL;
    if (NkHostShouldFail(NkFaultPoolAllocation))
        return NULL;
    p = calloc(1, sizeof(*p));
    if (p == NULL)
        return NULL;
    p->Magic = NK_NB_POOL_MAGIC;
    p->Params = params;
    return (NDIS_HANDLE)p;
}

VOID NdisFreeNetBufferPool(NDIS_HANDLE PoolHandle)
{
    NK_NB_POOL *p = (NK_NB_POOL *)PoolHandle;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisFreeNetBufferPool"))
        return;
    if (p == NULL || p->Magic != NK_NB_POOL_MAGIC) {
        NkHostViolation("ndis.invalid-pool", "NdisFreeNetBufferPool(%p): not a NET_BUFFER pool", PoolHandle);
        return;
    }
    if (p->Outstanding != 0) {
        NkHostViolation("ndis.pool-freed-in-use", "NdisFreeNetBufferPool with %ld NB(s) still allocated",
                        (long)p->Outstanding);
        return;
    }
    p->Magic = 0;
    free(p);
}

static NK_NB_POOL *NbPoolOf(NDIS_HANDLE PoolHandle, const char *Ddi)
{
    NK_NB_POOL *p = (NK_NB_POOL *)PoolHandle;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, Ddi))
        return NULL;
    if (p == NULL || p->Magic != NK_NB_POOL_MAGIC) {
        NkHostViolation("ndis.invalid-pool", "%s(%p): not a NET_BUFFER pool", Ddi, PoolHandle);
        return NULL;
    }
    return p;
}

static PNET_BUFFER AllocateNb(NK_NB_POOL *p, SIZE_T Extra)
{
    NK_NB_HEADER *h;
    SIZE_T size = sizeof(NK_NB_HEADER) + sizeof(NET_BUFFER) + Extra;
    if (NkHostShouldFail(NkFaultPoolAllocation))
        return NULL;
    h = aligned_alloc(16, (size + 15) & ~(SIZE_T)15);
    if (h == NULL)
        return NULL;
    memset(h, 0, size);
    h->Magic = NK_NB_MAGIC;
    h->Pool = p;
    __atomic_add_fetch(&p->Outstanding, 1, __ATOMIC_SEQ_CST);
    pthread_mutex_lock(&NbLock);
    InsertTailList(&LiveNbs, &h->Link);
    pthread_mutex_unlock(&NbLock);
    return (PNET_BUFFER)(h + 1);
}

PNET_BUFFER NdisAllocateNetBuffer(NDIS_HANDLE PoolHandle, PMDL MdlChain, ULONG DataOffset, SIZE_T DataLength)
{
    NK_NB_POOL *p = NbPoolOf(PoolHandle, "NdisAllocateNetBuffer");
    PNET_BUFFER nb;
    if (p == NULL)
        return NULL;
    if (p->Params.DataSize != 0) {
        NkHostViolation("ndis.pool-with-data", "NdisAllocateNetBuffer from a pool with DataSize %lu: use "
                        "NdisAllocateNetBufferMdlAndData", (unsigned long)p->Params.DataSize);
        return NULL;
    }
    if (MdlChain == NULL && (DataOffset != 0 || DataLength != 0)) {
        NkHostViolation("ndis.bad-net-buffer", "NdisAllocateNetBuffer without an MDL chain but with data");
        return NULL;
    }
    nb = AllocateNb(p, 0);
    if (nb != NULL)
        InitNb(nb, PoolHandle, MdlChain, DataOffset, DataLength);
    return nb;
}

/* One block: [header][NB][MDL][DataSize bytes]; the whole buffer is the
 * NB's data (DataOffset 0, DataLength DataSize). */
PNET_BUFFER NdisAllocateNetBufferMdlAndData(NDIS_HANDLE PoolHandle)
{
    NK_NB_POOL *p = NbPoolOf(PoolHandle, "NdisAllocateNetBufferMdlAndData");
    SIZE_T mdlSize;
    PNET_BUFFER nb;
    PMDL mdl;
    PUCHAR data;

    if (p == NULL)
        return NULL;
    if (p->Params.DataSize == 0) {
        NkHostViolation("ndis.pool-without-data", "NdisAllocateNetBufferMdlAndData from a pool with no DataSize");
        return NULL;
    }
    mdlSize = (MmSizeOfMdl(NULL, p->Params.DataSize) + 15) & ~(SIZE_T)15;
    nb = AllocateNb(p, mdlSize + p->Params.DataSize);
    if (nb == NULL)
        return NULL;
    mdl = (PMDL)(nb + 1);
    data = (PUCHAR)mdl + mdlSize;
    MmInitializeMdl(mdl, data, p->Params.DataSize);
    MmBuildMdlForNonPagedPool(mdl);
    ((NK_NB_HEADER *)nb - 1)->OwnMdl = mdl;
    InitNb(nb, PoolHandle, mdl, 0, p->Params.DataSize);
    return nb;
}

VOID NdisFreeNetBuffer(PNET_BUFFER NetBuffer)
{
    NK_NB_HEADER *h = NULL;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisFreeNetBuffer"))
        return;
    pthread_mutex_lock(&NbLock);
    for (PLIST_ENTRY e = LiveNbs.Flink; e != &LiveNbs; e = e->Flink)
        if ((PNET_BUFFER)(CONTAINING_RECORD(e, NK_NB_HEADER, Link) + 1) == NetBuffer) {
            h = CONTAINING_RECORD(e, NK_NB_HEADER, Link);
            RemoveEntryList(&h->Link);
            break;
        }
    pthread_mutex_unlock(&NbLock);
    if (h == NULL) {
        NkHostViolation("ndis.free-unknown-nb", "NdisFreeNetBuffer(%p): not an NB from a NET_BUFFER pool (or "
                        "freed twice)", (void *)NetBuffer);
        return;
    }
    h->Magic = 0;
    __atomic_sub_fetch(&h->Pool->Outstanding, 1, __ATOMIC_SEQ_CST);
    free(h);
}

/* ---- NBL context ------------------------------------------------------------------ */

/* ContextSize more bytes in front of NET_BUFFER_LIST_CONTEXT_DATA_START:
 * from the free space of the current block, else from a new block (with
 * ContextBackFill free bytes in front) linked in front of it. */
NDIS_STATUS NdisAllocateNetBufferListContext(PNET_BUFFER_LIST NetBufferList, USHORT ContextSize,
                                             USHORT ContextBackFill, ULONG PoolTag)
{
    PNET_BUFFER_LIST_CONTEXT c;
    ULONG size;
    (void)PoolTag; /* the block is NDIS's; it is freed by NDIS */
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisAllocateNetBufferListContext") ||
        NblHeaderOf(NetBufferList, "NdisAllocateNetBufferListContext") == NULL)
        return NDIS_STATUS_FAILURE;
    if (ContextSize == 0 || (ContextSize % MEMORY_ALLOCATION_ALIGNMENT) != 0) {
        NkHostViolation("ndis.bad-context-size", "NdisAllocateNetBufferListContext: ContextSize %u is not a "
                        "non-zero multiple of MEMORY_ALLOCATION_ALIGNMENT", (unsigned)ContextSize);
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    c = NetBufferList->Context;
    if (c != NULL && c->Offset >= ContextSize) {
        c->Offset = (USHORT)(c->Offset - ContextSize);
        memset(c->ContextData + c->Offset, 0, ContextSize);
        return NDIS_STATUS_SUCCESS;
    }
    size = (ULONG)ContextSize + ContextBackFill;
    if (size > MAXUSHORT)
        return NDIS_STATUS_RESOURCES;
    c = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*c) + size, NK_CONTEXT_TAG);
    if (c == NULL)
        return NDIS_STATUS_RESOURCES;
    c->Next = NetBufferList->Context;
    c->Size = (USHORT)size;
    c->Offset = ContextBackFill;
    NetBufferList->Context = c;
    return NDIS_STATUS_SUCCESS;
}

/* Gives back ContextSize bytes; a block NdisAllocateNetBufferListContext
 * added is freed once all of it is free again. */
VOID NdisFreeNetBufferListContext(PNET_BUFFER_LIST NetBufferList, USHORT ContextSize)
{
    PNET_BUFFER_LIST_CONTEXT c;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisFreeNetBufferListContext") ||
        NblHeaderOf(NetBufferList, "NdisFreeNetBufferListContext") == NULL)
        return;
    c = NetBufferList->Context;
    if (c == NULL || (ULONG)c->Offset + ContextSize > c->Size) {
        NkHostViolation("ndis.bad-context-size", "NdisFreeNetBufferListContext(%u): more than is allocated",
                        (unsigned)ContextSize);
        return;
    }
    c->Offset = (USHORT)(c->Offset + ContextSize);
    if (c->Offset == c->Size && c->Next != NULL) {
        NetBufferList->Context = c->Next;
        ExFreePoolWithTag(c, NK_CONTEXT_TAG);
    }
}

/* ---- data access and reshaping ---------------------------------------------------- */

PVOID NdisGetDataBuffer(PNET_BUFFER NetBuffer, ULONG BytesNeeded, PVOID Storage, UINT AlignMultiple,
                        UINT AlignOffset)
{
    PMDL mdl;
    ULONG offset, left;
    PUCHAR va, out = Storage;

    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisGetDataBuffer"))
        return NULL;
    if (NetBuffer == NULL || BytesNeeded == 0 || BytesNeeded > NetBuffer->DataLength)
        return NULL;
    if (AlignMultiple == 0 || (AlignMultiple & (AlignMultiple - 1)) != 0) {
        NkHostViolation("ndis.bad-alignment", "NdisGetDataBuffer: AlignMultiple %u is not a power of two",
                        AlignMultiple);
        return NULL;
    }
    mdl = NetBuffer->CurrentMdl;
    offset = NetBuffer->CurrentMdlOffset;
    /* Skip empty MDLs: the data starts in the first one with bytes left. */
    while (mdl != NULL && offset >= MmGetMdlByteCount(mdl)) {
        offset -= MmGetMdlByteCount(mdl);
        mdl = mdl->Next;
    }
    if (mdl == NULL)
        return NULL;
    va = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
    if (va == NULL)
        return NULL;
    if (offset + BytesNeeded <= MmGetMdlByteCount(mdl) &&
        (((ULONG_PTR)(va + offset) - AlignOffset) & (AlignMultiple - 1)) == 0)
        return va + offset; /* contiguous (and aligned) where it is */
    if (Storage == NULL)
        return NULL;
    for (left = BytesNeeded; left != 0 && mdl != NULL; mdl = mdl->Next, offset = 0) {
        ULONG avail = MmGetMdlByteCount(mdl) - offset, take = avail < left ? avail : left;
        va = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
        if (va == NULL)
            return NULL;
        memcpy(out, va + offset, take);
        out += take;
        left -= take;
    }
    return left == 0 ? Storage : NULL;
}

/* Frees an MDL a retreat added, the way it was allocated. */
static VOID FreeRetreatMdl(PMDL Mdl, NET_BUFFER_FREE_MDL_HANDLER Handler, BOOLEAN Ours)
{
    if (Ours) {
        PVOID va = MmGetMdlVirtualAddress(Mdl);
        IoFreeMdl(Mdl);
        ExFreePoolWithTag(va, NK_RETREAT_TAG);
    } else if (Handler != NULL) {
        Handler(Mdl);
    } else {
        NkHostViolation("ndis.retreat-mdl-leak", "an MDL a retreat allocated with the driver's handler is freed "
                        "without a FreeMdlHandler");
    }
}

VOID NdisAdvanceNetBufferDataStart(PNET_BUFFER NetBuffer, ULONG DataOffsetDelta, BOOLEAN FreeMdl,
                                   NET_BUFFER_FREE_MDL_HANDLER FreeMdlHandler)
{
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisAdvanceNetBufferDataStart"))
        return;
    if (DataOffsetDelta > NetBuffer->DataLength) {
        NkHostViolation("ndis.bad-advance", "NdisAdvanceNetBufferDataStart by %lu with %lu bytes of data",
                        (unsigned long)DataOffsetDelta, (unsigned long)NetBuffer->DataLength);
        return;
    }
    NetBuffer->DataOffset += DataOffsetDelta;
    NetBuffer->DataLength -= DataOffsetDelta;
    /* The MDL a retreat added goes once the data no longer reaches into it. */
    if (FreeMdl && NK_RETREAT_MDL(NetBuffer) != NULL && NetBuffer->MdlChain == NK_RETREAT_MDL(NetBuffer) &&
        NetBuffer->DataOffset >= MmGetMdlByteCount(NetBuffer->MdlChain)) {
        PMDL mdl = NetBuffer->MdlChain;
        NetBuffer->MdlChain = mdl->Next;
        NetBuffer->DataOffset -= MmGetMdlByteCount(mdl);
        mdl->Next = NULL;
        FreeRetreatMdl(mdl, FreeMdlHandler, NK_RETREAT_FREE(NetBuffer) != NULL);
        NK_RETREAT_MDL(NetBuffer) = NULL;
        NK_RETREAT_FREE(NetBuffer) = NULL;
    }
    SetCurrentMdl(NetBuffer);
}

/* Uses the unused space in front of the data if there is enough, else
 * puts a new MDL (DataBackFill bytes more than needed) at the head of the
 * chain: from AllocateMdlHandler if given, else NDIS's own. */
NDIS_STATUS NdisRetreatNetBufferDataStart(PNET_BUFFER NetBuffer, ULONG DataOffsetDelta, ULONG DataBackFill,
                                          NET_BUFFER_ALLOCATE_MDL_HANDLER AllocateMdlHandler)
{
    ULONG need, size;
    PMDL mdl;

    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisRetreatNetBufferDataStart"))
        return NDIS_STATUS_FAILURE;
    if (DataOffsetDelta <= NetBuffer->DataOffset) {
        NetBuffer->DataOffset -= DataOffsetDelta;
        NetBuffer->DataLength += DataOffsetDelta;
        SetCurrentMdl(NetBuffer);
        return NDIS_STATUS_SUCCESS;
    }
    if (NK_RETREAT_MDL(NetBuffer) != NULL)
        return NDIS_STATUS_RESOURCES; /* one NDIS-added MDL at a time */
    /* The data becomes [new MDL's tail][the whole old chain from byte 0]. */
    need = DataOffsetDelta - NetBuffer->DataOffset;
    size = need + DataBackFill;
    if (AllocateMdlHandler != NULL) {
        ULONG got = size;
        mdl = AllocateMdlHandler(&got);
        if (mdl == NULL || got < need || MmGetMdlByteCount(mdl) < need)
            return NDIS_STATUS_RESOURCES;
        size = MmGetMdlByteCount(mdl);
    } else {
        PVOID va = ExAllocatePool2(POOL_FLAG_NON_PAGED, size, NK_RETREAT_TAG);
        mdl = va != NULL ? IoAllocateMdl(va, size, FALSE, FALSE, NULL) : NULL;
        if (mdl == NULL) {
            if (va != NULL)
                ExFreePoolWithTag(va, NK_RETREAT_TAG);
            return NDIS_STATUS_RESOURCES;
        }
        MmBuildMdlForNonPagedPool(mdl);
    }
    mdl->Next = NetBuffer->MdlChain;
    NetBuffer->MdlChain = mdl;
    NetBuffer->DataLength += DataOffsetDelta;
    NetBuffer->DataOffset = size - need;
    NK_RETREAT_MDL(NetBuffer) = mdl;
    NK_RETREAT_FREE(NetBuffer) = AllocateMdlHandler == NULL ? (PVOID)1 : NULL;
    SetCurrentMdl(NetBuffer);
    return NDIS_STATUS_SUCCESS;
}

VOID NdisAdvanceNetBufferListDataStart(PNET_BUFFER_LIST NetBufferList, ULONG DataOffsetDelta, BOOLEAN FreeMdl,
                                       NET_BUFFER_FREE_MDL_HANDLER FreeMdlMdlHandler)
{
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisAdvanceNetBufferListDataStart"))
        return;
    for (PNET_BUFFER nb = NetBufferList->FirstNetBuffer; nb != NULL; nb = nb->Next)
        NdisAdvanceNetBufferDataStart(nb, DataOffsetDelta, FreeMdl, FreeMdlMdlHandler);
}

/* All NBs or none: a failure advances back the ones already retreated. */
NDIS_STATUS NdisRetreatNetBufferListDataStart(PNET_BUFFER_LIST NetBufferList, ULONG DataOffsetDelta,
                                              ULONG DataBackFill, NET_BUFFER_ALLOCATE_MDL_HANDLER AllocateMdlHandler,
                                              NET_BUFFER_FREE_MDL_HANDLER FreeMdlHandler)
{
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisRetreatNetBufferListDataStart"))
        return NDIS_STATUS_FAILURE;
    for (PNET_BUFFER nb = NetBufferList->FirstNetBuffer; nb != NULL; nb = nb->Next) {
        NDIS_STATUS status = NdisRetreatNetBufferDataStart(nb, DataOffsetDelta, DataBackFill, AllocateMdlHandler);
        if (status != NDIS_STATUS_SUCCESS) {
            for (PNET_BUFFER undo = NetBufferList->FirstNetBuffer; undo != nb; undo = undo->Next)
                NdisAdvanceNetBufferDataStart(undo, DataOffsetDelta, TRUE, FreeMdlHandler);
            return status;
        }
    }
    return NDIS_STATUS_SUCCESS;
}

/* ---- clones and NBL information ------------------------------------------------------ */

/* The pools NDIS uses when the caller gives none (never freed). */
static NK_NBL_POOL CloneNblPool = {NK_POOL_MAGIC, {{NDIS_OBJECT_TYPE_DEFAULT, 1, 0}, 0, FALSE, 0, 0, 0}, 0};
static NK_NB_POOL CloneNbPool = {NK_NB_POOL_MAGIC, {{NDIS_OBJECT_TYPE_DEFAULT, 1, 0}, 0, 0}, 0};

/* Frees a clone's NB and, if NDIS made them, the MDLs it describes. */
static VOID FreeCloneNb(PNET_BUFFER nb, BOOLEAN OwnMdls)
{
    if (OwnMdls) {
        while (nb->MdlChain != NULL) {
            PMDL next = nb->MdlChain->Next;
            IoFreeMdl(nb->MdlChain);
            nb->MdlChain = next;
        }
    }
    NdisFreeNetBuffer(nb);
}

/* One NB per original NB, each describing the original's used data only
 * (from CurrentMdl/CurrentMdlOffset, DataLength bytes). */
PNET_BUFFER_LIST NdisAllocateCloneNetBufferList(PNET_BUFFER_LIST OriginalNetBufferList,
                                                NDIS_HANDLE NetBufferListPoolHandle, NDIS_HANDLE NetBufferPoolHandle,
                                                ULONG AllocateCloneFlags)
{
    BOOLEAN original = (AllocateCloneFlags & NDIS_CLONE_FLAGS_USE_ORIGINAL_MDLS) != 0;
    NDIS_HANDLE nbPool = NetBufferPoolHandle != NULL ? NetBufferPoolHandle : (NDIS_HANDLE)&CloneNbPool;
    PNET_BUFFER_LIST clone;
    PNET_BUFFER *tail;

    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisAllocateCloneNetBufferList") ||
        NblHeaderOf(OriginalNetBufferList, "NdisAllocateCloneNetBufferList") == NULL)
        return NULL;
    clone = AllocateNbl(NetBufferListPoolHandle != NULL ? NetBufferListPoolHandle : (NDIS_HANDLE)&CloneNblPool, 0, 0,
                        FALSE, "NdisAllocateCloneNetBufferList");
    if (clone == NULL)
        return NULL;
    ((NK_NBL_HEADER *)clone - 1)->Clone = TRUE;
    ((NK_NBL_HEADER *)clone - 1)->CloneFlags = AllocateCloneFlags;
    clone->SourceHandle = OriginalNetBufferList->SourceHandle;
    tail = &clone->FirstNetBuffer;
    for (PNET_BUFFER o = OriginalNetBufferList->FirstNetBuffer; o != NULL; o = o->Next) {
        PNET_BUFFER nb;
        if (original) {
            nb = NdisAllocateNetBuffer(nbPool, o->CurrentMdl, o->CurrentMdlOffset, o->DataLength);
        } else {
            /* New MDLs over the same bytes, the first starting at the data. */
            PMDL first = NULL, *link = &first;
            ULONG left = o->DataLength, offset = o->CurrentMdlOffset;
            BOOLEAN failed = FALSE;
            for (PMDL m = o->CurrentMdl; m != NULL && left != 0 && !failed; m = m->Next, offset = 0) {
                ULONG avail = MmGetMdlByteCount(m) > offset ? MmGetMdlByteCount(m) - offset : 0;
                ULONG take = avail < left ? avail : left;
                PMDL copy;
                if (take == 0)
                    continue;
                copy = IoAllocateMdl((PUCHAR)MmGetMdlVirtualAddress(m) + offset, take, FALSE, FALSE, NULL);
                if (copy == NULL) {
                    failed = TRUE;
                    break;
                }
                MmBuildMdlForNonPagedPool(copy);
                *link = copy;
                link = &copy->Next;
                left -= take;
            }
            nb = failed ? NULL : NdisAllocateNetBuffer(nbPool, first, 0, o->DataLength - left);
            if (nb == NULL) {
                while (first != NULL) {
                    PMDL next = first->Next;
                    IoFreeMdl(first);
                    first = next;
                }
            }
        }
        if (nb == NULL) {
            NdisFreeCloneNetBufferList(clone, AllocateCloneFlags);
            return NULL;
        }
        *tail = nb;
        tail = &nb->Next;
    }
    return clone;
}

VOID NdisFreeCloneNetBufferList(PNET_BUFFER_LIST CloneNetBufferList, ULONG FreeCloneFlags)
{
    NK_NBL_HEADER *h;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisFreeCloneNetBufferList") ||
        (h = NblHeaderOf(CloneNetBufferList, "NdisFreeCloneNetBufferList")) == NULL)
        return;
    if (!h->Clone) {
        NkHostViolation("ndis.free-clone", "NdisFreeCloneNetBufferList(%p): not a clone", (void *)CloneNetBufferList);
        return;
    }
    if ((FreeCloneFlags & NDIS_CLONE_FLAGS_USE_ORIGINAL_MDLS) != (h->CloneFlags & NDIS_CLONE_FLAGS_USE_ORIGINAL_MDLS))
        NkHostViolation("ndis.free-clone", "NdisFreeCloneNetBufferList with flags 0x%lx, allocated with 0x%lx: they "
                        "must be the same", (unsigned long)FreeCloneFlags, (unsigned long)h->CloneFlags);
    while (CloneNetBufferList->FirstNetBuffer != NULL) {
        PNET_BUFFER nb = CloneNetBufferList->FirstNetBuffer;
        CloneNetBufferList->FirstNetBuffer = nb->Next;
        FreeCloneNb(nb, (h->CloneFlags & NDIS_CLONE_FLAGS_USE_ORIGINAL_MDLS) == 0);
    }
    FreeNbl(h, CloneNetBufferList);
}

/* Both NBLs are NDIS's (6.80-sized): every information entry is copied,
 * except the cancel ID, which belongs to the NBL's own sender. */
static NDIS_STATUS CopyInfo(PNET_BUFFER_LIST Dest, PNET_BUFFER_LIST Src, const char *Ddi)
{
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, Ddi) || NblHeaderOf(Dest, Ddi) == NULL || NblHeaderOf(Src, Ddi) == NULL)
        return NDIS_STATUS_FAILURE;
    for (ULONG i = 0; i < MaxNetBufferListInfo; i++)
        if (i != NetBufferListCancelId)
            Dest->NetBufferListInfo[i] = Src->NetBufferListInfo[i];
    return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS NdisCopySendNetBufferListInfo(PNET_BUFFER_LIST DestNetBufferList, PNET_BUFFER_LIST SrcNetBufferList)
{
    return CopyInfo(DestNetBufferList, SrcNetBufferList, "NdisCopySendNetBufferListInfo");
}

NDIS_STATUS NdisCopyReceiveNetBufferListInfo(PNET_BUFFER_LIST DestNetBufferList, PNET_BUFFER_LIST SrcNetBufferList)
{
    return CopyInfo(DestNetBufferList, SrcNetBufferList, "NdisCopyReceiveNetBufferListInfo");
}

/* The pages the NB's data spans, MDL by MDL. */
ULONG NdisQueryNetBufferPhysicalCount(PNET_BUFFER NetBuffer)
{
    ULONG pages = 0, left, offset;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisQueryNetBufferPhysicalCount"))
        return 0;
    left = NetBuffer->DataLength;
    offset = NetBuffer->CurrentMdlOffset;
    for (PMDL mdl = NetBuffer->CurrentMdl; mdl != NULL && left != 0; mdl = mdl->Next, offset = 0) {
        ULONG avail = MmGetMdlByteCount(mdl) > offset ? MmGetMdlByteCount(mdl) - offset : 0;
        ULONG take = avail < left ? avail : left;
        if (take != 0)
            pages += (ULONG)ADDRESS_AND_SIZE_TO_SPAN_PAGES((PUCHAR)MmGetMdlVirtualAddress(mdl) + offset, take);
        left -= take;
    }
    return pages;
}

PMDL NdisAllocateMdl(NDIS_HANDLE NdisHandle, PVOID VirtualAddress, UINT Length)
{
    PMDL mdl;
    (void)NdisHandle;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisAllocateMdl"))
        return NULL;
    mdl = IoAllocateMdl(VirtualAddress, Length, FALSE, FALSE, NULL);
    if (mdl != NULL)
        MmBuildMdlForNonPagedPool(mdl);
    return mdl;
}

VOID NdisFreeMdl(PMDL Mdl)
{
    IoFreeMdl(Mdl);
}
