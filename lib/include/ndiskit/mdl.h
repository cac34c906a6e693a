/*
 * ndiskit/mdl.h - MDL chains: positions, spans, iteration, copy, fill,
 * compare and header peeking, safe on every chain shape.
 *
 * A chain's data is the concatenation of each MDL's ByteCount bytes
 * (zero-length MDLs allowed anywhere).  Two small types name places in it:
 *
 *   NK_MDL_OFFSET  an MDL and a byte offset from the start of that MDL's
 *                  data.  The offset may run past that MDL; normalising
 *                  moves to the MDL that holds the byte, or to the end
 *                  position {NULL, 0}.
 *   NK_MDL_SPAN    an offset and a length, or NK_MDL_TO_END for "the rest
 *                  of the chain".  A NET_BUFFER's data is the span
 *                  {CurrentMdl, CurrentMdlOffset} + DataLength
 *                  (NkMdlSpanFromNb) - not the start of its first MDL.
 *
 * Nothing here reads or writes past the chain: an operation that runs out
 * of chain does the bytes that exist and returns STATUS_BUFFER_TOO_SMALL
 * (with the count done where the routine reports one).  A buffer the
 * system cannot map gives STATUS_INSUFFICIENT_RESOURCES.  Every MDL's
 * buffer is reached through NkMdlMap, the one place that differs between
 * the Windows kernel (system address of the MDL) and the host (the
 * address the MDL describes).
 *
 * Header-only, no allocation; callable at IRQL <= DISPATCH_LEVEL on
 * non-paged, locked MDLs.  Costs: O(MDLs walked) plus the bytes touched.
 * Include after <ndis.h> (or <ntddk.h>).
 */
#ifndef NDISKIT_MDL_H
#define NDISKIT_MDL_H

#include <ntddk.h>
#include <emmintrin.h>
#include <ndiskit/target.h>

/* ------------------------------------------------------------------------
 * Mapping and counting.
 */

/* The virtual address of Mdl's data, or NULL if it cannot be mapped. */
FORCEINLINE PUCHAR NkMdlMap(_In_ PMDL Mdl)
{
#if NK_TARGET_WINDOWS
    return (PUCHAR)MmGetSystemAddressForMdlSafe(Mdl, NormalPagePriority | MdlMappingNoExecute);
#else
    return (PUCHAR)MmGetMdlVirtualAddress(Mdl);
#endif
}

/* Number of MDLs in the chain.  O(MDLs). */
FORCEINLINE SIZE_T NkMdlChainCount(_In_opt_ PMDL Mdl)
{
    SIZE_T n = 0;
    for (; Mdl != NULL; Mdl = Mdl->Next)
        n++;
    return n;
}

/* Total data bytes of the chain.  O(MDLs). */
FORCEINLINE SIZE_T NkMdlChainByteCount(_In_opt_ PMDL Mdl)
{
    SIZE_T n = 0;
    for (; Mdl != NULL; Mdl = Mdl->Next)
        n += MmGetMdlByteCount(Mdl);
    return n;
}

/* Number of physical pages the chain's buffers touch (what a DMA or
 * scatter-gather list needs).  O(MDLs). */
FORCEINLINE SIZE_T NkMdlChainPageCount(_In_opt_ PMDL Mdl)
{
    SIZE_T n = 0;
    for (; Mdl != NULL; Mdl = Mdl->Next)
        n += ADDRESS_AND_SIZE_TO_SPAN_PAGES(MmGetMdlVirtualAddress(Mdl), MmGetMdlByteCount(Mdl));
    return n;
}

/* ------------------------------------------------------------------------
 * Offsets and spans.
 */
typedef struct _NK_MDL_OFFSET {
    PMDL Mdl;
    SIZE_T Offset;
} NK_MDL_OFFSET, *PNK_MDL_OFFSET;
typedef const NK_MDL_OFFSET *PCNK_MDL_OFFSET;

#define NK_MDL_TO_END ((SIZE_T)-1)

typedef struct _NK_MDL_SPAN {
    NK_MDL_OFFSET Start;
    SIZE_T Length;      /* bytes, or NK_MDL_TO_END */
} NK_MDL_SPAN, *PNK_MDL_SPAN;
typedef const NK_MDL_SPAN *PCNK_MDL_SPAN;

FORCEINLINE NK_MDL_SPAN NkMdlSpan(_In_opt_ PMDL Mdl, _In_ SIZE_T Offset, _In_ SIZE_T Length)
{
    NK_MDL_SPAN span = {{Mdl, Offset}, Length};
    return span;
}

/* With <ndis.h> (ndiskit's or the WDK's: tested by a macro it documents). */
#ifdef NET_BUFFER_CURRENT_MDL
/* The bytes a NET_BUFFER carries: DataLength bytes starting CurrentMdlOffset
 * into CurrentMdl (which already accounts for DataOffset). */
FORCEINLINE NK_MDL_SPAN NkMdlSpanFromNb(_In_ PNET_BUFFER Nb)
{
    return NkMdlSpan(NET_BUFFER_CURRENT_MDL(Nb), NET_BUFFER_CURRENT_MDL_OFFSET(Nb),
                     NET_BUFFER_DATA_LENGTH(Nb));
}
#endif

/* Moves Position to the MDL that holds its byte, skipping zero-length
 * MDLs; the end of the chain is {NULL, 0}.  Past the end: returns
 * STATUS_BUFFER_TOO_SMALL and leaves Position as it was.  O(MDLs skipped). */
FORCEINLINE NTSTATUS NkMdlOffsetNormalize(_Inout_ PNK_MDL_OFFSET Position)
{
    PMDL mdl = Position->Mdl;
    SIZE_T offset = Position->Offset;

    while (mdl != NULL && offset >= MmGetMdlByteCount(mdl)) {
        offset -= MmGetMdlByteCount(mdl);
        mdl = mdl->Next;
    }
    if (mdl == NULL && offset != 0)
        return STATUS_BUFFER_TOO_SMALL;
    Position->Mdl = mdl;
    Position->Offset = offset;
    return STATUS_SUCCESS;
}

/* Moves Position forward by Bytes and normalises it.  Past the end (or an
 * offset that would overflow): an error and Position unchanged. */
FORCEINLINE NTSTATUS NkMdlOffsetAdvance(_Inout_ PNK_MDL_OFFSET Position, _In_ SIZE_T Bytes)
{
    NK_MDL_OFFSET p = *Position;
    NTSTATUS status;

    if (p.Offset + Bytes < p.Offset)
        return STATUS_INTEGER_OVERFLOW;
    p.Offset += Bytes;
    status = NkMdlOffsetNormalize(&p);
    if (NT_SUCCESS(status))
        *Position = p;
    return status;
}

/* ------------------------------------------------------------------------
 * Iterating the buffers of a span.
 *
 *     NK_MDL_ITERATOR it;
 *     PUCHAR va; SIZE_T len;
 *     NkMdlIteratorInit(&it, &span);
 *     while (NkMdlIteratorNext(&it, &va, &len))
 *         ... len > 0 bytes at va ...
 *     if (!NT_SUCCESS(it.Status)) ... ran out of chain, or could not map
 */
typedef struct _NK_MDL_ITERATOR {
    PMDL Mdl;
    SIZE_T Offset;
    SIZE_T Remaining;   /* bytes still to produce, or NK_MDL_TO_END */
    NTSTATUS Status;    /* final status once Next returned FALSE */
} NK_MDL_ITERATOR, *PNK_MDL_ITERATOR;

FORCEINLINE VOID NkMdlIteratorInit(_Out_ PNK_MDL_ITERATOR It, _In_ PCNK_MDL_SPAN Span)
{
    It->Mdl = Span->Start.Mdl;
    It->Offset = Span->Start.Offset;
    It->Remaining = Span->Length;
    It->Status = STATUS_SUCCESS;
}

/* The next non-empty buffer of the span.  FALSE when done; then Status is
 * STATUS_SUCCESS if the span was produced entirely. */
FORCEINLINE BOOLEAN NkMdlIteratorNext(_Inout_ PNK_MDL_ITERATOR It, _Out_ PUCHAR *Buffer,
                                      _Out_ SIZE_T *Length)
{
    PMDL mdl = It->Mdl;
    SIZE_T offset = It->Offset;
    SIZE_T available, take;
    PUCHAR va;

    if (It->Remaining == 0)
        return FALSE;
    while (mdl != NULL && offset >= MmGetMdlByteCount(mdl)) {
        offset -= MmGetMdlByteCount(mdl);
        mdl = mdl->Next;
    }
    if (mdl == NULL) {
        /* Out of chain: fine for "to the end" only if the start was in it. */
        if (It->Remaining != NK_MDL_TO_END || offset != 0)
            It->Status = STATUS_BUFFER_TOO_SMALL;
        It->Mdl = NULL;
        It->Remaining = 0;
        return FALSE;
    }
    va = NkMdlMap(mdl);
    if (va == NULL) {
        It->Status = STATUS_INSUFFICIENT_RESOURCES;
        It->Remaining = 0;
        return FALSE;
    }
    available = MmGetMdlByteCount(mdl) - offset;
    take = available < It->Remaining ? available : It->Remaining;
    *Buffer = va + offset;
    *Length = take;
    if (It->Remaining != NK_MDL_TO_END)
        It->Remaining -= take;
    if (take == available) {
        It->Mdl = mdl->Next;
        It->Offset = 0;
    } else {
        It->Mdl = mdl;
        It->Offset = offset + take;
    }
    return TRUE;
}

/*
 * Two spans walked together in chunks that never cross a buffer boundary
 * of either: each chunk is the largest piece contiguous in both.  Stops at
 * the end of the shorter span (that is not an error).
 */
typedef struct _NK_MDL_PAIR_ITERATOR {
    NK_MDL_ITERATOR A, B;
    PUCHAR BufferA, BufferB;
    SIZE_T LengthA, LengthB;
    NTSTATUS Status;
} NK_MDL_PAIR_ITERATOR, *PNK_MDL_PAIR_ITERATOR;

FORCEINLINE VOID NkMdlPairIteratorInit(_Out_ PNK_MDL_PAIR_ITERATOR It, _In_ PCNK_MDL_SPAN A,
                                       _In_ PCNK_MDL_SPAN B)
{
    NkMdlIteratorInit(&It->A, A);
    NkMdlIteratorInit(&It->B, B);
    It->LengthA = 0;
    It->LengthB = 0;
    It->BufferA = NULL;
    It->BufferB = NULL;
    It->Status = STATUS_SUCCESS;
}

FORCEINLINE BOOLEAN NkMdlPairIteratorNext(_Inout_ PNK_MDL_PAIR_ITERATOR It, _Out_ PUCHAR *A,
                                          _Out_ PUCHAR *B, _Out_ SIZE_T *Length)
{
    SIZE_T n;

    if (It->LengthA == 0 && !NkMdlIteratorNext(&It->A, &It->BufferA, &It->LengthA)) {
        It->Status = It->A.Status;
        return FALSE;
    }
    if (It->LengthB == 0 && !NkMdlIteratorNext(&It->B, &It->BufferB, &It->LengthB)) {
        It->Status = It->B.Status;
        return FALSE;
    }
    n = It->LengthA < It->LengthB ? It->LengthA : It->LengthB;
    *A = It->BufferA;
    *B = It->BufferB;
    *Length = n;
    It->BufferA += n;
    It->LengthA -= n;
    It->BufferB += n;
    It->LengthB -= n;
    return TRUE;
}

/* ------------------------------------------------------------------------
 * Copying one buffer's worth.  Chains of small MDLs (60-byte headers, a
 * frame split per cache line) would spend more time calling memcpy than
 * copying, so pieces up to 64 bytes are copied inline with at most four
 * overlapping 16-byte moves; larger ones go to memcpy.
 */
FORCEINLINE VOID NkCopyBytes(_Out_writes_bytes_(Length) PUCHAR Destination,
                             _In_reads_bytes_(Length) const UCHAR *Source, _In_ SIZE_T Length)
{
    if (Length <= 16) {
        if (Length >= 8) {
            ULONG64 a, b;
            RtlCopyMemory(&a, Source, 8);
            RtlCopyMemory(&b, Source + Length - 8, 8);
            RtlCopyMemory(Destination, &a, 8);
            RtlCopyMemory(Destination + Length - 8, &b, 8);
        } else if (Length >= 4) {
            ULONG a, b;
            RtlCopyMemory(&a, Source, 4);
            RtlCopyMemory(&b, Source + Length - 4, 4);
            RtlCopyMemory(Destination, &a, 4);
            RtlCopyMemory(Destination + Length - 4, &b, 4);
        } else if (Length > 0) {
            UCHAR a = Source[0], b = Source[Length / 2], c = Source[Length - 1];
            Destination[0] = a;
            Destination[Length / 2] = b;
            Destination[Length - 1] = c;
        }
        return;
    }
    if (Length <= 64) {
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)Source);
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(Source + Length - 16));
        if (Length > 32) {
            __m128i c = _mm_loadu_si128((const __m128i *)(const void *)(Source + 16));
            __m128i d = _mm_loadu_si128((const __m128i *)(const void *)(Source + Length - 32));
            _mm_storeu_si128((__m128i *)(void *)(Destination + 16), c);
            _mm_storeu_si128((__m128i *)(void *)(Destination + Length - 32), d);
        }
        _mm_storeu_si128((__m128i *)(void *)Destination, a);
        _mm_storeu_si128((__m128i *)(void *)(Destination + Length - 16), b);
        return;
    }
    RtlCopyMemory(Destination, Source, Length);
}

/* ------------------------------------------------------------------------
 * Streaming (non-temporal) stores, for buffers the CPU will not read
 * again soon (a frame handed to hardware or to another core): they bypass
 * the cache instead of evicting useful lines.  Below NK_NT_THRESHOLD
 * bytes ordinary stores win.  Callers issue one _mm_sfence() at the end.
 */
#define NK_NT_THRESHOLD 256
C_ASSERT(NK_NT_THRESHOLD > 64); /* the span copies' small-piece loop relies on it */

FORCEINLINE VOID NkNtCopy(_Out_writes_bytes_(Length) PUCHAR Destination,
                          _In_reads_bytes_(Length) const UCHAR *Source, _In_ SIZE_T Length)
{
    SIZE_T head;

    if (Length < NK_NT_THRESHOLD) {
        NkCopyBytes(Destination, Source, Length);
        return;
    }
    head = (16 - ((ULONG_PTR)Destination & 15)) & 15;
    RtlCopyMemory(Destination, Source, head);
    Destination += head;
    Source += head;
    Length -= head;
    for (; Length >= 64; Length -= 64, Destination += 64, Source += 64) {
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)Source);
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(Source + 16));
        __m128i c = _mm_loadu_si128((const __m128i *)(const void *)(Source + 32));
        __m128i d = _mm_loadu_si128((const __m128i *)(const void *)(Source + 48));
        _mm_stream_si128((__m128i *)(void *)Destination, a);
        _mm_stream_si128((__m128i *)(void *)(Destination + 16), b);
        _mm_stream_si128((__m128i *)(void *)(Destination + 32), c);
        _mm_stream_si128((__m128i *)(void *)(Destination + 48), d);
    }
    RtlCopyMemory(Destination, Source, Length);
}

FORCEINLINE VOID NkNtFill(_Out_writes_bytes_(Length) PUCHAR Destination, _In_ UCHAR Value,
                          _In_ SIZE_T Length)
{
    SIZE_T head;
    __m128i v;

    if (Length < NK_NT_THRESHOLD) {
        RtlFillMemory(Destination, Length, Value);
        return;
    }
    v = _mm_set1_epi8((char)Value);
    head = (16 - ((ULONG_PTR)Destination & 15)) & 15;
    RtlFillMemory(Destination, head, Value);
    Destination += head;
    Length -= head;
    for (; Length >= 16; Length -= 16, Destination += 16)
        _mm_stream_si128((__m128i *)(void *)Destination, v);
    RtlFillMemory(Destination, Length, Value);
}

/* ------------------------------------------------------------------------
 * Zero and fill.  Each returns STATUS_SUCCESS when the whole span was
 * written; on a span longer than the chain, the bytes that exist are
 * written and STATUS_BUFFER_TOO_SMALL returned.
 */
FORCEINLINE NTSTATUS NkMdlSpanFill(_In_ PCNK_MDL_SPAN Span, _In_ UCHAR Value)
{
    NK_MDL_ITERATOR it;
    PUCHAR va;
    SIZE_T len;

    NkMdlIteratorInit(&it, Span);
    while (NkMdlIteratorNext(&it, &va, &len))
        RtlFillMemory(va, len, Value);
    return it.Status;
}

FORCEINLINE NTSTATUS NkMdlSpanFillNonTemporal(_In_ PCNK_MDL_SPAN Span, _In_ UCHAR Value)
{
    NK_MDL_ITERATOR it;
    PUCHAR va;
    SIZE_T len;

    NkMdlIteratorInit(&it, Span);
    while (NkMdlIteratorNext(&it, &va, &len))
        NkNtFill(va, Value, len);
    _mm_sfence();
    return it.Status;
}

FORCEINLINE NTSTATUS NkMdlSpanZero(_In_ PCNK_MDL_SPAN Span)
{
    return NkMdlSpanFill(Span, 0);
}

FORCEINLINE NTSTATUS NkMdlSpanZeroNonTemporal(_In_ PCNK_MDL_SPAN Span)
{
    return NkMdlSpanFillNonTemporal(Span, 0);
}

/* Zeroes secrets (keys, a user's frame in a recycled buffer): the stores
 * are kept even if the compiler sees no later read. */
FORCEINLINE NTSTATUS NkMdlSpanZeroSecure(_In_ PCNK_MDL_SPAN Span)
{
    NK_MDL_ITERATOR it;
    PUCHAR va;
    SIZE_T len;

    NkMdlIteratorInit(&it, Span);
    while (NkMdlIteratorNext(&it, &va, &len)) {
        RtlFillMemory(va, len, 0);
        __asm__ __volatile__("" : : "r"(va) : "memory");
    }
    return it.Status;
}

/* ------------------------------------------------------------------------
 * Copies.  Each copies Length bytes (clamped to the span, and for
 * span-to-span to both spans), reports the bytes copied in *Copied, and
 * returns STATUS_BUFFER_TOO_SMALL when that is fewer than Length.
 * Overlapping source and destination are not supported.
 */
/*
 * The copy loop between a span and a flat buffer.  It walks the chain
 * itself instead of through NK_MDL_ITERATOR: with 60-byte MDLs the
 * per-MDL bookkeeping is most of the cost, and here the remaining count
 * can never be "to the end".  ToChain selects the direction.
 */
FORCEINLINE NTSTATUS NkMdlCopyFlatSpanEx(_In_ PCNK_MDL_SPAN Span, _Inout_updates_bytes_(Length) PUCHAR Flat,
                                         _In_ SIZE_T Length, _Out_opt_ SIZE_T *Copied,
                                         _In_ BOOLEAN ToChain, _In_ BOOLEAN NonTemporal)
{
    PMDL mdl = Span->Start.Mdl;
    SIZE_T offset = Span->Start.Offset;
    SIZE_T want = Span->Length != NK_MDL_TO_END && Span->Length < Length ? Span->Length : Length;
    SIZE_T left = want;
    NTSTATUS status = STATUS_SUCCESS;

    /* Only the first MDL can start at an offset: skip to it once, so the
     * loop below has no offset arithmetic. */
    while (mdl != NULL && offset >= MmGetMdlByteCount(mdl)) {
        offset -= MmGetMdlByteCount(mdl);
        mdl = mdl->Next;
    }
    while (left != 0) {
        SIZE_T count, n;
        PUCHAR va;

        /* Runs of small whole MDLs (the chain of 60-byte pieces) take a
         * tighter loop while at least 64 bytes remain: every piece is
         * copied whole, so there is no offset and no clamp, and the next
         * MDL's length is loaded before this one's stores are issued, so
         * the walk down the chain runs ahead of the copy instead of
         * queueing behind it (7% on the 60-byte benchmark).  Pieces this
         * small are below NK_NT_THRESHOLD, so non-temporal copies take
         * the same ordinary moves here. */
        if (offset == 0 && left >= 64 && mdl != NULL) {
            PUCHAR limit = Flat + left - 64;

            count = MmGetMdlByteCount(mdl);
            while (count - 1 < 64) {
                PMDL next;
                SIZE_T nextCount = 0;

                va = NkMdlMap(mdl);
                if (va == NULL)
                    break;
                next = mdl->Next;
                if (next != NULL)
                    nextCount = MmGetMdlByteCount(next);
                if (ToChain)
                    NkCopyBytes(va, Flat, count);
                else
                    NkCopyBytes(Flat, va, count);
                Flat += count;
                left -= count;
                mdl = next;
                if (mdl == NULL || Flat > limit)
                    break;
                count = nextCount;
            }
            if (left == 0)
                break;
        }
        if (mdl == NULL) {
            status = STATUS_BUFFER_TOO_SMALL;
            break;
        }
        count = MmGetMdlByteCount(mdl);
        if (count == 0) {           /* nothing to map: an empty MDL may not be mappable */
            mdl = mdl->Next;
            continue;
        }
        va = NkMdlMap(mdl);
        if (va == NULL) {
            status = STATUS_INSUFFICIENT_RESOURCES;
            break;
        }
        va += offset;
        count -= offset;
        n = count < left ? count : left;
        if (NonTemporal) {
            if (ToChain)
                NkNtCopy(va, Flat, n);
            else
                NkNtCopy(Flat, va, n);
        } else {
            if (ToChain)
                NkCopyBytes(va, Flat, n);
            else
                NkCopyBytes(Flat, va, n);
        }
        Flat += n;
        left -= n;
        offset = 0;
        mdl = mdl->Next;
    }
    if (NonTemporal)
        _mm_sfence();
    if (Copied != NULL)
        *Copied = want - left;
    if (!NT_SUCCESS(status))
        return status;
    return want == Length ? STATUS_SUCCESS : STATUS_BUFFER_TOO_SMALL;
}

FORCEINLINE NTSTATUS NkMdlCopyFlatToSpanEx(_In_ PCNK_MDL_SPAN Destination,
                                           _In_reads_bytes_(Length) const VOID *Source,
                                           _In_ SIZE_T Length, _Out_opt_ SIZE_T *Copied,
                                           _In_ BOOLEAN NonTemporal)
{
    return NkMdlCopyFlatSpanEx(Destination, (PUCHAR)(ULONG_PTR)Source, Length, Copied, TRUE,
                               NonTemporal);
}

FORCEINLINE NTSTATUS NkMdlCopySpanToFlatEx(_Out_writes_bytes_(Length) VOID *Destination,
                                           _In_ SIZE_T Length, _In_ PCNK_MDL_SPAN Source,
                                           _Out_opt_ SIZE_T *Copied, _In_ BOOLEAN NonTemporal)
{
    return NkMdlCopyFlatSpanEx(Source, (PUCHAR)Destination, Length, Copied, FALSE, NonTemporal);
}

FORCEINLINE NTSTATUS NkMdlCopySpanToSpanEx(_In_ PCNK_MDL_SPAN Destination, _In_ PCNK_MDL_SPAN Source,
                                           _In_ SIZE_T Length, _Out_opt_ SIZE_T *Copied,
                                           _In_ BOOLEAN NonTemporal)
{
    NK_MDL_SPAN d = *Destination, s = *Source;
    NK_MDL_PAIR_ITERATOR it;
    PUCHAR pd, ps;
    SIZE_T done = 0, len;

    if (d.Length == NK_MDL_TO_END || d.Length > Length)
        d.Length = Length;
    if (s.Length == NK_MDL_TO_END || s.Length > Length)
        s.Length = Length;
    NkMdlPairIteratorInit(&it, &d, &s);
    while (NkMdlPairIteratorNext(&it, &pd, &ps, &len)) {
        if (NonTemporal)
            NkNtCopy(pd, ps, len);
        else
            NkCopyBytes(pd, ps, len);
        done += len;
    }
    if (NonTemporal)
        _mm_sfence();
    if (Copied != NULL)
        *Copied = done;
    if (!NT_SUCCESS(it.Status))
        return it.Status;
    return done == Length ? STATUS_SUCCESS : STATUS_BUFFER_TOO_SMALL;
}

/* Flat buffer -> span. */
FORCEINLINE NTSTATUS NkMdlCopyFlatToSpan(_In_ PCNK_MDL_SPAN Destination,
                                         _In_reads_bytes_(Length) const VOID *Source,
                                         _In_ SIZE_T Length, _Out_opt_ SIZE_T *Copied)
{
    return NkMdlCopyFlatToSpanEx(Destination, Source, Length, Copied, FALSE);
}

FORCEINLINE NTSTATUS NkMdlCopyFlatToSpanNonTemporal(_In_ PCNK_MDL_SPAN Destination,
                                                    _In_reads_bytes_(Length) const VOID *Source,
                                                    _In_ SIZE_T Length, _Out_opt_ SIZE_T *Copied)
{
    return NkMdlCopyFlatToSpanEx(Destination, Source, Length, Copied, TRUE);
}

/* Span -> flat buffer. */
FORCEINLINE NTSTATUS NkMdlCopySpanToFlat(_Out_writes_bytes_(Length) VOID *Destination,
                                         _In_ SIZE_T Length, _In_ PCNK_MDL_SPAN Source,
                                         _Out_opt_ SIZE_T *Copied)
{
    return NkMdlCopySpanToFlatEx(Destination, Length, Source, Copied, FALSE);
}

FORCEINLINE NTSTATUS NkMdlCopySpanToFlatNonTemporal(_Out_writes_bytes_(Length) VOID *Destination,
                                                    _In_ SIZE_T Length, _In_ PCNK_MDL_SPAN Source,
                                                    _Out_opt_ SIZE_T *Copied)
{
    return NkMdlCopySpanToFlatEx(Destination, Length, Source, Copied, TRUE);
}

/* Span -> span (two chains, or two places in one chain that do not overlap). */
FORCEINLINE NTSTATUS NkMdlCopySpanToSpan(_In_ PCNK_MDL_SPAN Destination, _In_ PCNK_MDL_SPAN Source,
                                         _In_ SIZE_T Length, _Out_opt_ SIZE_T *Copied)
{
    return NkMdlCopySpanToSpanEx(Destination, Source, Length, Copied, FALSE);
}

FORCEINLINE NTSTATUS NkMdlCopySpanToSpanNonTemporal(_In_ PCNK_MDL_SPAN Destination,
                                                    _In_ PCNK_MDL_SPAN Source, _In_ SIZE_T Length,
                                                    _Out_opt_ SIZE_T *Copied)
{
    return NkMdlCopySpanToSpanEx(Destination, Source, Length, Copied, TRUE);
}

/* ------------------------------------------------------------------------
 * Compare and peek.
 */

/* *Equal = whether the first Length bytes of A and B are the same.  Both
 * spans must hold Length bytes (else STATUS_BUFFER_TOO_SMALL, *Equal FALSE). */
FORCEINLINE NTSTATUS NkMdlSpanEqual(_In_ PCNK_MDL_SPAN A, _In_ PCNK_MDL_SPAN B, _In_ SIZE_T Length,
                                    _Out_ BOOLEAN *Equal)
{
    NK_MDL_SPAN a = *A, b = *B;
    NK_MDL_PAIR_ITERATOR it;
    PUCHAR pa, pb;
    SIZE_T done = 0, len;

    *Equal = FALSE;
    if (a.Length == NK_MDL_TO_END || a.Length > Length)
        a.Length = Length;
    if (b.Length == NK_MDL_TO_END || b.Length > Length)
        b.Length = Length;
    NkMdlPairIteratorInit(&it, &a, &b);
    while (NkMdlPairIteratorNext(&it, &pa, &pb, &len)) {
        if (!RtlEqualMemory(pa, pb, len))
            return STATUS_SUCCESS;     /* a difference is an answer, not an error */
        done += len;
    }
    if (!NT_SUCCESS(it.Status))
        return it.Status;
    if (done != Length)
        return STATUS_BUFFER_TOO_SMALL;
    *Equal = TRUE;
    return STATUS_SUCCESS;
}

/*
 * The first Length bytes of Span as one contiguous buffer: a pointer into
 * the MDL when they lie in one MDL (no copy), otherwise a copy in Storage
 * (Length bytes, caller's).  The way to read a protocol header that may
 * straddle MDLs, as NdisGetDataBuffer does.  Treat *Data as read-only: it
 * may point at the packet.  STATUS_BUFFER_TOO_SMALL if the span is shorter.
 */
FORCEINLINE NTSTATUS NkMdlSpanPeek(_In_ PCNK_MDL_SPAN Span, _In_ SIZE_T Length,
                                   _Out_writes_bytes_(Length) PVOID Storage, _Out_ PVOID *Data)
{
    NK_MDL_OFFSET start = Span->Start;
    NTSTATUS status;
    PUCHAR va;

    *Data = NULL;
    if (Span->Length != NK_MDL_TO_END && Span->Length < Length)
        return STATUS_BUFFER_TOO_SMALL;
    status = NkMdlOffsetNormalize(&start);
    if (!NT_SUCCESS(status))
        return status;
    if (Length == 0) {
        *Data = Storage;
        return STATUS_SUCCESS;
    }
    if (start.Mdl == NULL)
        return STATUS_BUFFER_TOO_SMALL;
    if (MmGetMdlByteCount(start.Mdl) - start.Offset >= Length) {
        va = NkMdlMap(start.Mdl);
        if (va == NULL)
            return STATUS_INSUFFICIENT_RESOURCES;
        *Data = va + start.Offset;
        return STATUS_SUCCESS;
    }
    status = NkMdlCopySpanToFlat(Storage, Length, Span, NULL);
    if (NT_SUCCESS(status))
        *Data = Storage;
    return status;
}

#endif /* NDISKIT_MDL_H */
