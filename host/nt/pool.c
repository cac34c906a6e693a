/*
 * pool.c - ExAllocatePool*: every allocation tracked with its tag, size,
 * pool type and the caller's address, so misuse is caught at the call:
 * freeing an unknown or already-freed pointer, freeing with the wrong tag,
 * paged pool above APC_LEVEL, and allocations still live when the test
 * asks (NkHostCheckLeaks, after the driver unloaded).
 *
 * Live allocations are kept in a list (for leak reports) and in a hash
 * table by address, looked up before any byte of a freed pointer is
 * touched, so a double free is a verifier report, not heap corruption -
 * in constant time, so a driver holding thousands of buffers (a receive
 * queue) is not slowed down by its own bookkeeping.
 */
#include "nt_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NK_POOL_MAGIC 0x4E4B504F4F4C2121ull /* "NKPOOL!!" */

typedef struct _NK_POOL_HEADER {
    LIST_ENTRY Link;
    LIST_ENTRY BucketLink;          /* in Buckets[BucketOf(user pointer)] */
    ULONG64 Magic;
    SIZE_T Size;
    ULONG Tag;
    BOOLEAN Paged;
    PVOID Caller;
    /* 16-byte aligned user data follows, as MEMORY_ALLOCATION_ALIGNMENT says. */
} __attribute__((aligned(16))) NK_POOL_HEADER;

static pthread_mutex_t PoolLock = PTHREAD_MUTEX_INITIALIZER;
static LIST_ENTRY Live = {&Live, &Live};
static SIZE_T LiveCount;
#define NK_POOL_BUCKETS 4096
static LIST_ENTRY Buckets[NK_POOL_BUCKETS];

static PLIST_ENTRY BucketOf(PVOID P)
{
    ULONG_PTR x = (ULONG_PTR)P >> 4; /* allocations are 16-byte aligned */
    PLIST_ENTRY b = &Buckets[(x ^ (x >> 12) ^ (x >> 24)) & (NK_POOL_BUCKETS - 1)];
    if (b->Flink == NULL)
        InitializeListHead(b); /* PoolLock held: buckets start zeroed */
    return b;
}

static void TagString(ULONG Tag, char Out[5])
{
    for (int i = 0; i < 4; i++) {
        char c = (char)((Tag >> (8 * i)) & 0xff);
        Out[i] = c >= 0x20 && c < 0x7f ? c : '.';
    }
    Out[4] = '\0';
}

static PVOID Allocate(BOOLEAN Paged, SIZE_T Bytes, ULONG Tag, BOOLEAN Zero, PVOID Caller,
                      const char *Ddi)
{
    NK_POOL_HEADER *h;

    if (!NkHostCheckIrqlMax(Paged ? APC_LEVEL : DISPATCH_LEVEL, Ddi))
        return NULL;
    if (Tag == 0)
        NkHostViolation("pool.zero-tag", "%s with tag 0 (caller %p)", Ddi, Caller);
    if (NkHostShouldFail(NkFaultPoolAllocation))
        return NULL;
    if (Bytes > ((SIZE_T)1 << 40))
        return NULL;
    h = aligned_alloc(16, sizeof(*h) + ((Bytes + 15) & ~(SIZE_T)15));
    if (h == NULL)
        return NULL;
    h->Magic = NK_POOL_MAGIC;
    h->Size = Bytes;
    h->Tag = Tag;
    h->Paged = Paged;
    h->Caller = Caller;
    if (Zero)
        memset(h + 1, 0, Bytes);
    else
        memset(h + 1, 0xCD, Bytes); /* uninitialised pool is garbage, not zero */
    pthread_mutex_lock(&PoolLock);
    InsertTailList(&Live, &h->Link);
    InsertTailList(BucketOf(h + 1), &h->BucketLink);
    LiveCount++;
    pthread_mutex_unlock(&PoolLock);
    return h + 1;
}

PVOID NTAPI ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    BOOLEAN paged = (PoolType & 1) != 0; /* PagedPool and its variants are odd */
    return Allocate(paged, NumberOfBytes, Tag, FALSE, __builtin_return_address(0),
                    "ExAllocatePoolWithTag");
}

PVOID NTAPI ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag)
{
    BOOLEAN paged = (Flags & POOL_FLAG_PAGED) != 0;
    if (!(Flags & (POOL_FLAG_PAGED | POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE))) {
        NkHostViolation("pool.no-pool-type", "ExAllocatePool2 flags 0x%llx name no pool",
                        (unsigned long long)Flags);
        return NULL;
    }
    return Allocate(paged, NumberOfBytes, Tag, (Flags & POOL_FLAG_UNINITIALIZED) == 0,
                    __builtin_return_address(0), "ExAllocatePool2");
}

static NK_POOL_HEADER *FindLive(PVOID P)
{
    PLIST_ENTRY bucket = BucketOf(P);
    for (PLIST_ENTRY e = bucket->Flink; e != bucket; e = e->Flink) {
        NK_POOL_HEADER *h = CONTAINING_RECORD(e, NK_POOL_HEADER, BucketLink);
        if ((PVOID)(h + 1) == P)
            return h;
    }
    return NULL;
}

static VOID Free(PVOID P, BOOLEAN CheckTag, ULONG Tag, const char *Ddi)
{
    NK_POOL_HEADER *h;
    char want[5], have[5];

    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, Ddi))
        return;
    if (P == NULL) {
        NkHostViolation("pool.free-null", "%s(NULL)", Ddi);
        return;
    }
    pthread_mutex_lock(&PoolLock);
    h = FindLive(P);
    if (h != NULL && (!CheckTag || h->Tag == Tag)) {
        RemoveEntryList(&h->Link);
        RemoveEntryList(&h->BucketLink);
        LiveCount--;
    }
    pthread_mutex_unlock(&PoolLock);
    if (h == NULL) {
        NkHostViolation("pool.free-unknown", "%s(%p): not a live pool allocation "
                        "(freed twice, or never allocated)", Ddi, P);
        return;
    }
    if (CheckTag && h->Tag != Tag) {
        TagString(Tag, want);
        TagString(h->Tag, have);
        NkHostViolation("pool.wrong-tag", "%s(%p, '%s'): allocated with tag '%s'", Ddi, P, want, have);
        return; /* Windows would bugcheck; keep the allocation so nothing else breaks */
    }
    if (h->Paged && NkIrqlGet() > APC_LEVEL)
        NkHostViolation("pool.paged-above-apc", "%s of paged pool at IRQL %u", Ddi, NkIrqlGet());
    NkTimersCheckFree(h + 1, h->Size, Ddi);
    memset(h + 1, 0xDD, h->Size); /* a use after free reads garbage, as it would */
    h->Magic = 0;
    free(h);
}

VOID NTAPI ExFreePoolWithTag(PVOID P, ULONG Tag)
{
    Free(P, TRUE, Tag, "ExFreePoolWithTag");
}

VOID NTAPI ExFreePool(PVOID P)
{
    Free(P, FALSE, 0, "ExFreePool");
}

SIZE_T NkPoolReportLeaks(VOID)
{
    SIZE_T n = 0;
    char tag[5];

    pthread_mutex_lock(&PoolLock);
    for (PLIST_ENTRY e = Live.Flink; e != &Live; e = e->Flink) {
        NK_POOL_HEADER *h = CONTAINING_RECORD(e, NK_POOL_HEADER, Link);
        n++;
        TagString(h->Tag, tag);
        pthread_mutex_unlock(&PoolLock);
        NkHostViolation("pool.leak", "%llu bytes with tag '%s' allocated by code at %p still live",
                        (unsigned long long)h->Size, tag, h->Caller);
        pthread_mutex_lock(&PoolLock);
    }
    pthread_mutex_unlock(&PoolLock);
    return n;
}

VOID NkPoolReset(VOID)
{
    pthread_mutex_lock(&PoolLock);
    while (!IsListEmpty(&Live)) {
        NK_POOL_HEADER *h = CONTAINING_RECORD(RemoveHeadList(&Live), NK_POOL_HEADER, Link);
        free(h);
    }
    for (ULONG i = 0; i < NK_POOL_BUCKETS; i++)
        InitializeListHead(&Buckets[i]);
    LiveCount = 0;
    pthread_mutex_unlock(&PoolLock);
}
