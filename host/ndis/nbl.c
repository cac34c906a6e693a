/*
 * nbl.c - NET_BUFFER_LIST pools and MDLs as NDIS allocates them.  Every
 * NBL records its pool and whether it is free; freeing one twice, or a
 * pool that still has NBLs out, is a verifier report.
 */
#include "ndis_internal.h"

#include <stdlib.h>
#include <string.h>

#define NK_POOL_MAGIC 0x4E4B4E424C504F4Full
#define NK_NBL_MAGIC 0x4E4B4E424C414C4Cull

typedef struct _NK_NBL_POOL {
    ULONG64 Magic;
    NET_BUFFER_LIST_POOL_PARAMETERS Params;
    LONG Outstanding;
} NK_NBL_POOL;

/* Host bookkeeping in front of each NBL: [header][NBL][NB][context]. */
typedef struct _NK_NBL_HEADER {
    ULONG64 Magic;
    NK_NBL_POOL *Pool;
    BOOLEAN Free;
    USHORT ContextSize;
} __attribute__((aligned(16))) NK_NBL_HEADER;

NDIS_HANDLE NdisAllocateNetBufferListPool(NDIS_HANDLE NdisHandle, PNET_BUFFER_LIST_POOL_PARAMETERS Parameters)
{
    NK_NBL_POOL *p;
    (void)NdisHandle;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisAllocateNetBufferListPool"))
        return NULL;
    if (Parameters->Header.Type != NDIS_OBJECT_TYPE_DEFAULT ||
        Parameters->Header.Revision != NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1) {
        NkHostViolation("ndis.bad-pool-parameters", "NET_BUFFER_LIST_POOL_PARAMETERS header is wrong");
        return NULL;
    }
    if (NkHostShouldFail(NkFaultPoolAllocation))
        return NULL;
    p = calloc(1, sizeof(*p));
    if (p == NULL)
        return NULL;
    p->Magic = NK_POOL_MAGIC;
    p->Params = *Parameters;
    return (NDIS_HANDLE)p;
}

VOID NdisFreeNetBufferListPool(NDIS_HANDLE PoolHandle)
{
    NK_NBL_POOL *p = (NK_NBL_POOL *)PoolHandle;
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

PNET_BUFFER_LIST NdisAllocateNetBufferAndNetBufferList(NDIS_HANDLE PoolHandle, USHORT ContextSize,
                                                       USHORT ContextBackFill, PMDL MdlChain, ULONG DataOffset,
                                                       SIZE_T DataLength)
{
    NK_NBL_POOL *p = (NK_NBL_POOL *)PoolHandle;
    NK_NBL_HEADER *h;
    PNET_BUFFER_LIST nbl;
    PNET_BUFFER nb;
    SIZE_T size;
    PMDL mdl;
    ULONG offset;

    (void)ContextBackFill;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisAllocateNetBufferAndNetBufferList"))
        return NULL;
    if (p == NULL || p->Magic != NK_POOL_MAGIC) {
        NkHostViolation("ndis.invalid-pool", "NdisAllocateNetBufferAndNetBufferList(%p): not a pool", PoolHandle);
        return NULL;
    }
    if (!p->Params.fAllocateNetBuffer) {
        NkHostViolation("ndis.pool-without-nb", "pool was created without fAllocateNetBuffer");
        return NULL;
    }
    if (NkHostShouldFail(NkFaultPoolAllocation))
        return NULL;
    size = sizeof(NK_NBL_HEADER) + sizeof(NET_BUFFER_LIST) + sizeof(NET_BUFFER) + sizeof(NET_BUFFER_LIST_CONTEXT) +
           p->Params.ContextSize + ContextSize;
    h = aligned_alloc(16, (size + 15) & ~(SIZE_T)15);
    if (h == NULL)
        return NULL;
    memset(h, 0, size);
    h->Magic = NK_NBL_MAGIC;
    h->Pool = p;
    h->ContextSize = (USHORT)(p->Params.ContextSize + ContextSize);
    nbl = (PNET_BUFFER_LIST)(h + 1);
    nb = (PNET_BUFFER)(nbl + 1);
    nbl->FirstNetBuffer = nb;
    if (h->ContextSize != 0) {
        /* The context area the protocol reaches with
         * NET_BUFFER_LIST_CONTEXT_DATA_START, zeroed like the rest. */
        nbl->Context = (PNET_BUFFER_LIST_CONTEXT)(nb + 1);
        nbl->Context->Size = h->ContextSize;
        nbl->Context->Offset = 0;
    }
    nbl->NdisPoolHandle = PoolHandle;
    nb->MdlChain = MdlChain;
    nb->DataOffset = DataOffset;
    nb->DataLength = (ULONG)DataLength;
    /* CurrentMdl/CurrentMdlOffset: the MDL holding byte DataOffset. */
    mdl = MdlChain;
    offset = DataOffset;
    while (mdl != NULL && offset >= MmGetMdlByteCount(mdl) && mdl->Next != NULL) {
        offset -= MmGetMdlByteCount(mdl);
        mdl = mdl->Next;
    }
    nb->CurrentMdl = mdl;
    nb->CurrentMdlOffset = offset;
    __atomic_add_fetch(&p->Outstanding, 1, __ATOMIC_SEQ_CST);
    return nbl;
}

VOID NdisFreeNetBufferList(PNET_BUFFER_LIST NetBufferList)
{
    NK_NBL_HEADER *h = (NK_NBL_HEADER *)NetBufferList - 1;
    if (NetBufferList == NULL || h->Magic != NK_NBL_MAGIC) {
        NkHostViolation("ndis.free-unknown-nbl", "NdisFreeNetBufferList(%p): not an NBL NDIS allocated (or "
                        "freed twice)", (void *)NetBufferList);
        return;
    }
    h->Magic = 0;
    __atomic_sub_fetch(&h->Pool->Outstanding, 1, __ATOMIC_SEQ_CST);
    free(h);
}

PMDL NdisAllocateMdl(NDIS_HANDLE NdisHandle, PVOID VirtualAddress, UINT Length)
{
    PMDL mdl;
    (void)NdisHandle;
    mdl = IoAllocateMdl(VirtualAddress, Length, FALSE, FALSE, NULL);
    if (mdl != NULL)
        MmBuildMdlForNonPagedPool(mdl);
    return mdl;
}

VOID NdisFreeMdl(PMDL Mdl)
{
    IoFreeMdl(Mdl);
}
