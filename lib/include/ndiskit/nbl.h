/*
 * ndiskit/nbl.h - NET_BUFFER_LIST and NET_BUFFER chains: counting, queues
 * and classification.
 *
 * Header-only on purpose: every routine is a short loop over Next pointers
 * that is called per send or receive batch, and the classification
 * routines take the key and flush functions as parameters - inlined, the
 * compiler turns those indirect calls into direct ones (or into the
 * comparison itself), which a separately compiled library cannot do.  It
 * also means the same code builds for the Windows kernel and the host with
 * no link-time dependency.
 *
 * Rules that hold for everything here: no allocation, no locks, no
 * recursion; callable at any IRQL <= DISPATCH_LEVEL (most at any IRQL,
 * they only touch the NBLs passed in); every routine that builds a chain
 * leaves its last Next pointer NULL; and classification preserves the
 * relative order of the NBLs within each output.  Costs are given per
 * call; n is the number of NBLs walked.
 *
 * Include after <ndis.h>.
 */
#ifndef NDISKIT_NBL_H
#define NDISKIT_NBL_H

/* NET_BUFFER_LIST_NEXT_NBL is a documented ndis.h macro: present with the
 * WDK's ndis.h as with ndiskit's. */
#ifndef NET_BUFFER_LIST_NEXT_NBL
#error "include <ndis.h> before <ndiskit/nbl.h>"
#endif

/* ------------------------------------------------------------------------
 * Iteration.
 */

/* for (Nbl = Chain; Nbl; Nbl = Next) - Nbl must not be unlinked in the body. */
#define NK_FOR_EACH_NBL(_Nbl, _Chain) \
    for ((_Nbl) = (_Chain); (_Nbl) != NULL; (_Nbl) = NET_BUFFER_LIST_NEXT_NBL(_Nbl))

/* As NK_FOR_EACH_NBL, but reads Next before the body, so the body may
 * unlink, complete or requeue Nbl. */
#define NK_FOR_EACH_NBL_SAFE(_Nbl, _Next, _Chain)                                          \
    for ((_Nbl) = (_Chain); (_Nbl) != NULL && (((_Next) = NET_BUFFER_LIST_NEXT_NBL(_Nbl)), 1); \
         (_Nbl) = (_Next))

/* Every NET_BUFFER of one NBL. */
#define NK_FOR_EACH_NB(_Nb, _Nbl) \
    for ((_Nb) = NET_BUFFER_LIST_FIRST_NB(_Nbl); (_Nb) != NULL; (_Nb) = NET_BUFFER_NEXT_NB(_Nb))

/* ------------------------------------------------------------------------
 * Pools.
 */

/* Fills Parameters for NdisAllocateNetBufferListPool: NBLs that each come
 * with one NET_BUFFER and no context or data area - the driver supplies
 * the MDLs, as one that copies frames into buffers of its own does.  Only
 * initialises (the allocation stays the caller's call).  Any IRQL. */
FORCEINLINE VOID NkNblPoolParametersInit(_Out_ PNET_BUFFER_LIST_POOL_PARAMETERS Parameters, _In_ ULONG PoolTag)
{
    RtlZeroMemory(Parameters, sizeof(*Parameters));
    Parameters->Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    Parameters->Header.Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1;
    Parameters->Header.Size = NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1;
    Parameters->ProtocolId = NDIS_PROTOCOL_ID_DEFAULT;
    Parameters->fAllocateNetBuffer = TRUE;
    Parameters->PoolTag = PoolTag;
}

/* ------------------------------------------------------------------------
 * Chains.
 */

/* Number of NBLs in Chain (NULL: 0).  Any IRQL; O(n). */
FORCEINLINE SIZE_T NkNblChainCount(_In_opt_ PNET_BUFFER_LIST Chain)
{
    SIZE_T count = 0;
    for (; Chain != NULL; Chain = NET_BUFFER_LIST_NEXT_NBL(Chain))
        count++;
    return count;
}

/* Number of NET_BUFFERs in all NBLs of Chain.  Any IRQL; O(NBLs + NBs). */
FORCEINLINE SIZE_T NkNblChainCountNbs(_In_opt_ PNET_BUFFER_LIST Chain)
{
    SIZE_T count = 0;
    for (; Chain != NULL; Chain = NET_BUFFER_LIST_NEXT_NBL(Chain))
        for (PNET_BUFFER nb = NET_BUFFER_LIST_FIRST_NB(Chain); nb != NULL; nb = NET_BUFFER_NEXT_NB(nb))
            count++;
    return count;
}

/* Sum of DataLength over every NB of Chain: the bytes the chain carries.
 * 64-bit so a long chain of large NBs cannot wrap.  Any IRQL; O(NBLs + NBs). */
FORCEINLINE ULONG64 NkNblChainDataBytes(_In_opt_ PNET_BUFFER_LIST Chain)
{
    ULONG64 bytes = 0;
    for (; Chain != NULL; Chain = NET_BUFFER_LIST_NEXT_NBL(Chain))
        for (PNET_BUFFER nb = NET_BUFFER_LIST_FIRST_NB(Chain); nb != NULL; nb = NET_BUFFER_NEXT_NB(nb))
            bytes += NET_BUFFER_DATA_LENGTH(nb);
    return bytes;
}

/* The last NBL of Chain (NULL for an empty chain), and optionally how many
 * NBLs the chain has - one walk gives both.  Any IRQL; O(n). */
FORCEINLINE PNET_BUFFER_LIST NkNblChainLastWithCount(_In_opt_ PNET_BUFFER_LIST Chain,
                                                     _Out_opt_ SIZE_T *Count)
{
    SIZE_T count = 0;
    PNET_BUFFER_LIST last = NULL;
    for (; Chain != NULL; Chain = NET_BUFFER_LIST_NEXT_NBL(Chain)) {
        last = Chain;
        count++;
    }
    if (Count != NULL)
        *Count = count;
    return last;
}

/* The last NBL of Chain (NULL for an empty chain).  Any IRQL; O(n). */
FORCEINLINE PNET_BUFFER_LIST NkNblChainLast(_In_opt_ PNET_BUFFER_LIST Chain)
{
    return NkNblChainLastWithCount(Chain, NULL);
}

/* The last NET_BUFFER of an NBL (NULL if it has none).  Any IRQL; O(NBs). */
FORCEINLINE PNET_BUFFER NkNblLastNb(_In_ PNET_BUFFER_LIST Nbl)
{
    PNET_BUFFER last = NULL;
    for (PNET_BUFFER nb = NET_BUFFER_LIST_FIRST_NB(Nbl); nb != NULL; nb = NET_BUFFER_NEXT_NB(nb))
        last = nb;
    return last;
}

/* Sets Status on every NBL of Chain, as a completion path does before
 * returning the chain.  Any IRQL; O(n). */
FORCEINLINE VOID NkNblChainSetStatus(_In_opt_ PNET_BUFFER_LIST Chain, _In_ NDIS_STATUS Status)
{
    for (; Chain != NULL; Chain = NET_BUFFER_LIST_NEXT_NBL(Chain))
        NET_BUFFER_LIST_STATUS(Chain) = Status;
}

/* ------------------------------------------------------------------------
 * Queues.
 *
 * An NBL queue is the chain's first NBL plus a pointer to the Next field
 * that ends it (&First when empty), so appending is O(1) without a
 * "last NBL" that might be NULL.  Invariant: *Last == NULL.  A queue is
 * not thread-safe; protect it with the lock that protects its owner.
 * The counted queue also keeps the number of NBLs.
 */
typedef struct _NK_NBL_QUEUE {
    PNET_BUFFER_LIST First;
    PNET_BUFFER_LIST *Last;
} NK_NBL_QUEUE, *PNK_NBL_QUEUE;

typedef struct _NK_NBL_COUNTED_QUEUE {
    NK_NBL_QUEUE Queue;
    SIZE_T Count;
} NK_NBL_COUNTED_QUEUE, *PNK_NBL_COUNTED_QUEUE;

/* Makes Queue empty (forgetting what it held).  O(1). */
FORCEINLINE VOID NkNblQueueInit(_Out_ PNK_NBL_QUEUE Queue)
{
    Queue->First = NULL;
    Queue->Last = &Queue->First;
}

/* TRUE if Queue holds no NBL.  O(1). */
FORCEINLINE BOOLEAN NkNblQueueIsEmpty(_In_ const NK_NBL_QUEUE *Queue)
{
    return Queue->First == NULL ? TRUE : FALSE;
}

/* The queued chain, still owned by Queue (a peek).  O(1). */
FORCEINLINE PNET_BUFFER_LIST NkNblQueueGetChain(_In_ const NK_NBL_QUEUE *Queue)
{
    return Queue->First;
}

/* Appends the chain First..Last (Last is its final NBL) in O(1).  Last's
 * Next is cleared, so a chain cut out of a longer one can be passed. */
FORCEINLINE VOID NkNblQueueAppendChainWithTail(_Inout_ PNK_NBL_QUEUE Queue,
                                               _In_ PNET_BUFFER_LIST First,
                                               _In_ PNET_BUFFER_LIST Last)
{
    NET_BUFFER_LIST_NEXT_NBL(Last) = NULL;
    *Queue->Last = First;
    Queue->Last = &NET_BUFFER_LIST_NEXT_NBL(Last);
}

/* Appends a NULL-terminated chain of unknown tail (NULL: no-op).  O(n). */
FORCEINLINE VOID NkNblQueueAppendChain(_Inout_ PNK_NBL_QUEUE Queue, _In_opt_ PNET_BUFFER_LIST Chain)
{
    if (Chain != NULL)
        NkNblQueueAppendChainWithTail(Queue, Chain, NkNblChainLast(Chain));
}

/* Appends one NBL (its Next is cleared).  O(1). */
FORCEINLINE VOID NkNblQueueAppendOne(_Inout_ PNK_NBL_QUEUE Queue, _In_ PNET_BUFFER_LIST Nbl)
{
    NkNblQueueAppendChainWithTail(Queue, Nbl, Nbl);
}

/* Moves all of Source to the end of Destination; Source is left empty.  O(1). */
FORCEINLINE VOID NkNblQueueAppendQueue(_Inout_ PNK_NBL_QUEUE Destination, _Inout_ PNK_NBL_QUEUE Source)
{
    if (Source->First == NULL)
        return;
    *Destination->Last = Source->First;
    Destination->Last = Source->Last;
    NkNblQueueInit(Source);
}

/* Takes the whole queued chain (NULL if empty); Queue is left empty.  O(1). */
FORCEINLINE PNET_BUFFER_LIST NkNblQueuePopAll(_Inout_ PNK_NBL_QUEUE Queue)
{
    PNET_BUFFER_LIST chain = Queue->First;
    NkNblQueueInit(Queue);
    return chain;
}

/* Takes the first NBL (NULL if empty), unlinked from the rest.  O(1). */
FORCEINLINE PNET_BUFFER_LIST NkNblQueuePopFirst(_Inout_ PNK_NBL_QUEUE Queue)
{
    PNET_BUFFER_LIST nbl = Queue->First;
    if (nbl == NULL)
        return NULL;
    Queue->First = NET_BUFFER_LIST_NEXT_NBL(nbl);
    if (Queue->First == NULL)
        Queue->Last = &Queue->First;
    NET_BUFFER_LIST_NEXT_NBL(nbl) = NULL;
    return nbl;
}

/* Counted queue: the same operations, keeping Count exact.  Appending a
 * chain of unknown length walks it (O(n)); pass the count when known. */
FORCEINLINE VOID NkNblCountedQueueInit(_Out_ PNK_NBL_COUNTED_QUEUE Queue)
{
    NkNblQueueInit(&Queue->Queue);
    Queue->Count = 0;
}

FORCEINLINE BOOLEAN NkNblCountedQueueIsEmpty(_In_ const NK_NBL_COUNTED_QUEUE *Queue)
{
    return NkNblQueueIsEmpty(&Queue->Queue);
}

FORCEINLINE PNET_BUFFER_LIST NkNblCountedQueueGetChain(_In_ const NK_NBL_COUNTED_QUEUE *Queue)
{
    return Queue->Queue.First;
}

FORCEINLINE VOID NkNblCountedQueueAppendChainWithTail(_Inout_ PNK_NBL_COUNTED_QUEUE Queue,
                                                      _In_ PNET_BUFFER_LIST First,
                                                      _In_ PNET_BUFFER_LIST Last, _In_ SIZE_T Count)
{
    NkNblQueueAppendChainWithTail(&Queue->Queue, First, Last);
    Queue->Count += Count;
}

FORCEINLINE VOID NkNblCountedQueueAppendChain(_Inout_ PNK_NBL_COUNTED_QUEUE Queue,
                                              _In_opt_ PNET_BUFFER_LIST Chain)
{
    SIZE_T count;
    PNET_BUFFER_LIST last = NkNblChainLastWithCount(Chain, &count);
    if (last != NULL)
        NkNblCountedQueueAppendChainWithTail(Queue, Chain, last, count);
}

FORCEINLINE VOID NkNblCountedQueueAppendOne(_Inout_ PNK_NBL_COUNTED_QUEUE Queue,
                                            _In_ PNET_BUFFER_LIST Nbl)
{
    NkNblCountedQueueAppendChainWithTail(Queue, Nbl, Nbl, 1);
}

FORCEINLINE VOID NkNblCountedQueueAppendQueue(_Inout_ PNK_NBL_COUNTED_QUEUE Destination,
                                              _Inout_ PNK_NBL_COUNTED_QUEUE Source)
{
    Destination->Count += Source->Count;
    NkNblQueueAppendQueue(&Destination->Queue, &Source->Queue);
    Source->Count = 0;
}

FORCEINLINE PNET_BUFFER_LIST NkNblCountedQueuePopAll(_Inout_ PNK_NBL_COUNTED_QUEUE Queue,
                                                     _Out_opt_ SIZE_T *Count)
{
    if (Count != NULL)
        *Count = Queue->Count;
    Queue->Count = 0;
    return NkNblQueuePopAll(&Queue->Queue);
}

FORCEINLINE PNET_BUFFER_LIST NkNblCountedQueuePopFirst(_Inout_ PNK_NBL_COUNTED_QUEUE Queue)
{
    PNET_BUFFER_LIST nbl = NkNblQueuePopFirst(&Queue->Queue);
    if (nbl != NULL)
        Queue->Count--;
    return nbl;
}

/* ------------------------------------------------------------------------
 * Classification.
 *
 * Each routine consumes Chain: every NBL ends up in exactly one output,
 * in its original order relative to the other NBLs of that output.
 */

/* Key or predicate of one NBL. */
typedef ULONG_PTR NK_NBL_KEY_FN(_In_ PNET_BUFFER_LIST Nbl, _In_opt_ PVOID Context);
typedef NK_NBL_KEY_FN *PNK_NBL_KEY_FN;

/* Receives one batch: a NULL-terminated chain of Count NBLs sharing Key.
 * It owns the chain from then on. */
typedef VOID NK_NBL_BATCH_FN(_In_ ULONG_PTR Key, _In_ PNET_BUFFER_LIST Chain,
                             _In_ PNET_BUFFER_LIST Last, _In_ SIZE_T Count, _In_opt_ PVOID Context);
typedef NK_NBL_BATCH_FN *PNK_NBL_BATCH_FN;

/* Ready-made keys. */
FORCEINLINE ULONG_PTR NkNblKeyCancelId(_In_ PNET_BUFFER_LIST Nbl, _In_opt_ PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    return (ULONG_PTR)NDIS_GET_NET_BUFFER_LIST_CANCEL_ID(Nbl);
}

FORCEINLINE ULONG_PTR NkNblKeySourceHandle(_In_ PNET_BUFFER_LIST Nbl, _In_opt_ PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    return (ULONG_PTR)Nbl->SourceHandle;
}

FORCEINLINE ULONG_PTR NkNblKeyPoolHandle(_In_ PNET_BUFFER_LIST Nbl, _In_opt_ PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    return (ULONG_PTR)Nbl->NdisPoolHandle;
}

/* Splits Chain in two: NBLs for which Predicate returns 0 are appended to
 * False, the others to True.  Any IRQL the predicate allows; O(n).
 *
 * Keys arrive in runs (one flow, one source, one receive queue), so the
 * walk appends whole runs, as NDL does: a run is linked to its side with
 * one store, the walk then finds where the predicate changes, and the
 * side's tail moves to the run's last NBL.  NBLs inside a run keep the
 * Next pointers they came with, so per NBL there is a load, the predicate
 * and a compare but no store; a per-NBL loop stores every Next.  The
 * order (link first, walk after) matters: linking after the walk put the
 * store in front of the next run's loads and halved the speed on the
 * bench's Xeon.  Alternating keys (runs of 1) cost about what a per-NBL
 * loop does. */
FORCEINLINE VOID NkNblChainSplit(_In_opt_ PNET_BUFFER_LIST Chain, _In_ PNK_NBL_KEY_FN Predicate,
                                 _In_opt_ PVOID Context, _Inout_ PNK_NBL_QUEUE False,
                                 _Inout_ PNK_NBL_QUEUE True)
{
    /* Tails live in locals (registers) during the walk and are terminated
     * once at the end (the last run's last NBL may still point on). */
    PNET_BUFFER_LIST *lastFalse = False->Last, *lastTrue = True->Last;
    PNET_BUFFER_LIST first = Chain, last, next;
    BOOLEAN side, nextSide = FALSE;

    if (first == NULL)
        goto out;
    side = Predicate(first, Context) != 0;
    for (;;) {
        /* The run is linked on before its end is found, so the walk's
         * loads are not queued behind this store; the NBL that ends the
         * run was classified while looking for the end and starts the
         * next run, so Predicate runs once per NBL, as before. */
        if (side)
            *lastTrue = first;
        else
            *lastFalse = first;
        for (last = first; (next = NET_BUFFER_LIST_NEXT_NBL(last)) != NULL; last = next) {
            nextSide = Predicate(next, Context) != 0;
            if (nextSide != side)
                break;
        }
        if (side)
            lastTrue = &NET_BUFFER_LIST_NEXT_NBL(last);
        else
            lastFalse = &NET_BUFFER_LIST_NEXT_NBL(last);
        if (next == NULL)
            break;
        first = next;
        side = nextSide;
    }
out:
    *lastFalse = NULL;
    *lastTrue = NULL;
    False->Last = lastFalse;
    True->Last = lastTrue;
}

/* Distributes Chain over Queues[0..NumQueues-1] by Index(nbl).  An index
 * past the end is not trusted: those NBLs go to Overflow, and the return
 * value is how many did (0 when every index was valid).  Appends whole
 * runs of equal indices with one tail update each, as NkNblChainSplit
 * does.  O(n). */
FORCEINLINE SIZE_T NkNblChainPartition(_In_opt_ PNET_BUFFER_LIST Chain, _In_ PNK_NBL_KEY_FN Index,
                                       _In_opt_ PVOID Context,
                                       _Inout_updates_(NumQueues) PNK_NBL_QUEUE Queues,
                                       _In_ SIZE_T NumQueues, _Inout_ PNK_NBL_QUEUE Overflow)
{
    SIZE_T overflowed = 0;
    PNET_BUFFER_LIST first = Chain, last, next;
    ULONG_PTR index, nextIndex = 0;

    if (first == NULL)
        goto out;
    index = Index(first, Context);
    for (;;) {
        PNK_NBL_QUEUE q = index < NumQueues ? &Queues[index] : Overflow;
        SIZE_T count = 1;
        /* The run is linked on before its end is known (the tail's address
         * is then a plain load, not one queued behind the walk's loads);
         * Index runs once per NBL: the one that ends a run starts the next. */
        *q->Last = first;
        for (last = first; (next = NET_BUFFER_LIST_NEXT_NBL(last)) != NULL; last = next, count++) {
            nextIndex = Index(next, Context);
            if (nextIndex != index)
                break;
        }
        q->Last = &NET_BUFFER_LIST_NEXT_NBL(last);
        if (q == Overflow)
            overflowed += count;
        if (next == NULL)
            break;
        first = next;
        index = nextIndex;
    }
out:
    for (SIZE_T i = 0; i < NumQueues; i++)
        *Queues[i].Last = NULL;
    *Overflow->Last = NULL;
    return overflowed;
}

/* Detaches the leading run of NBLs sharing one key from *Chain and returns
 * it (NULL-terminated); *Chain is left at the rest.  Reports the run's key,
 * last NBL and length.  The inline building block of the batchers below,
 * for callers that want to handle the first batch themselves.  O(run). */
FORCEINLINE PNET_BUFFER_LIST NkNblChainPopFirstRun(_Inout_ PNET_BUFFER_LIST *Chain,
                                                   _In_ PNK_NBL_KEY_FN Key, _In_opt_ PVOID Context,
                                                   _Out_ ULONG_PTR *RunKey,
                                                   _Out_ PNET_BUFFER_LIST *RunLast,
                                                   _Out_ SIZE_T *RunCount)
{
    PNET_BUFFER_LIST first = *Chain, last = first, next;
    SIZE_T count = 1;
    ULONG_PTR key;

    if (first == NULL) {
        *RunKey = 0;
        *RunLast = NULL;
        *RunCount = 0;
        return NULL;
    }
    key = Key(first, Context);
    for (next = NET_BUFFER_LIST_NEXT_NBL(first); next != NULL && Key(next, Context) == key;
         next = NET_BUFFER_LIST_NEXT_NBL(next)) {
        last = next;
        count++;
    }
    NET_BUFFER_LIST_NEXT_NBL(last) = NULL;
    *Chain = next;
    *RunKey = key;
    *RunLast = last;
    *RunCount = count;
    return first;
}

/* Hands each maximal run of consecutive NBLs with equal keys to Flush, in
 * chain order.  Does not reorder: A A B A gives three batches.  O(n). */
FORCEINLINE VOID NkNblChainForEachRun(_In_opt_ PNET_BUFFER_LIST Chain, _In_ PNK_NBL_KEY_FN Key,
                                      _In_ PNK_NBL_BATCH_FN Flush, _In_opt_ PVOID Context)
{
    while (Chain != NULL) {
        ULONG_PTR key;
        PNET_BUFFER_LIST last;
        SIZE_T count;
        PNET_BUFFER_LIST run = NkNblChainPopFirstRun(&Chain, Key, Context, &key, &last, &count);
        Flush(key, run, last, count, Context);
    }
}

/* The most batches NkNblChainForEachBatch keeps open at once. */
#define NK_NBL_LOOKAHEAD_MAX 8

/*
 * As NkNblChainForEachRun, but gathers NBLs with equal keys that are not
 * adjacent, so A B A B gives two batches: up to Lookahead (at most
 * NK_NBL_LOOKAHEAD_MAX) batches stay open; an NBL whose key has no open
 * batch opens one, flushing the oldest open batch first when all are in
 * use; at the end the open batches are flushed oldest first.  NBLs of
 * one key therefore reach Flush in chain order, though batches of
 * different keys may be flushed in a different order than their NBLs
 * arrived.  Stack: NK_NBL_LOOKAHEAD_MAX small entries; O(n * Lookahead).
 */
FORCEINLINE VOID NkNblChainForEachBatch(_In_opt_ PNET_BUFFER_LIST Chain, _In_ PNK_NBL_KEY_FN Key,
                                        _In_ PNK_NBL_BATCH_FN Flush, _In_opt_ PVOID Context,
                                        _In_ ULONG Lookahead)
{
    struct {
        ULONG_PTR Key;
        PNET_BUFFER_LIST First;
        PNET_BUFFER_LIST Last;
        SIZE_T Count;
    } open[NK_NBL_LOOKAHEAD_MAX];
    ULONG used = 0, oldest = 0;  /* open[] is a ring: oldest .. oldest+used-1 */
    PNET_BUFFER_LIST first, next;
    ULONG_PTR key, nextKey = 0;

    if (Lookahead == 0)
        Lookahead = 1;
    if (Lookahead > NK_NBL_LOOKAHEAD_MAX)
        Lookahead = NK_NBL_LOOKAHEAD_MAX;

    /* Whole runs of equal keys are appended to their batch as a unit: one
     * probe and one tail update per run, not per NBL (see
     * NkNblChainSplit).  The batch is found and the run linked on before
     * the walk finds the run's end, so the walk's loads do not wait behind
     * the batch's stores. */
    for (first = Chain, key = first != NULL ? Key(first, Context) : 0; first != NULL;
         first = next, key = nextKey) {
        PNET_BUFFER_LIST last;
        SIZE_T count = 1;
        ULONG j, slot;

        /* Newest batch first: keys that alternate between a few values
         * hit on an early probe. */
        for (j = used; j > 0; j--) {
            slot = (oldest + j - 1) % Lookahead;
            if (open[slot].Key == key) {
                NET_BUFFER_LIST_NEXT_NBL(open[slot].Last) = first;
                goto walk;
            }
        }
        if (used == Lookahead) {
            Flush(open[oldest].Key, open[oldest].First, open[oldest].Last, open[oldest].Count,
                  Context);
            oldest = (oldest + 1) % Lookahead;
            used--;
        }
        slot = (oldest + used) % Lookahead;
        open[slot].Key = key;
        open[slot].First = first;
        open[slot].Count = 0;
        used++;
    walk:
        /* Key runs once per NBL: the one that ends a run starts the next. */
        for (last = first; (next = NET_BUFFER_LIST_NEXT_NBL(last)) != NULL; last = next, count++) {
            nextKey = Key(next, Context);
            if (nextKey != key)
                break;
        }
        NET_BUFFER_LIST_NEXT_NBL(last) = NULL;
        open[slot].Last = last;
        open[slot].Count += count;
    }
    for (; used > 0; used--) {
        Flush(open[oldest].Key, open[oldest].First, open[oldest].Last, open[oldest].Count, Context);
        oldest = (oldest + 1) % Lookahead;
    }
}

#endif /* NDISKIT_NBL_H */
