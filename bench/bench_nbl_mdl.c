/*
 * bench_nbl_mdl.c - throughput of <ndiskit/mdl.h> copies and
 * <ndiskit/nbl.h> queues/classification, each as a ratio to a baseline
 * measured in the same run: memcpy of the same bytes for copies, a
 * hand-written linked-list loop for NBL work.  Ratio > 1 means faster than
 * the baseline.  Each figure is the median of ROUNDS timings.
 *
 *   bench_nbl_mdl            print the table
 *   bench_nbl_mdl --check    also exit 1 if a target from issue 4 is missed
 */
#define NDIS630 1
#include <ndis.h>
#include <ndiskit/mdl.h>
#include <ndiskit/nbl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FRAME (64 * 1024)
#define ROUNDS 9
#define NBLS 1024

static volatile ULONG_PTR Sink;

static double Now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int CompareDouble(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef void BENCH_FN(void *ctx, unsigned reps);

/* Median seconds of one call of fn(ctx, reps). */
static double Time(BENCH_FN *fn, void *ctx, unsigned reps)
{
    double t[ROUNDS];
    fn(ctx, reps / 8 + 1); /* warm caches and branch predictors */
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = Now();
        fn(ctx, reps);
        t[r] = Now() - t0;
    }
    qsort(t, ROUNDS, sizeof(t[0]), CompareDouble);
    return t[ROUNDS / 2];
}

/* ---- copies ------------------------------------------------------------------- */

typedef struct {
    PUCHAR Frame;       /* the chain's bytes, contiguous, described by Mdls */
    PUCHAR Flat;        /* the other side */
    PMDL Mdls;
    ULONG MdlCount;
    NK_MDL_SPAN Span;
} COPY_CTX;

static void SetupChain(COPY_CTX *c, ULONG mdlSize)
{
    c->Frame = aligned_alloc(4096, FRAME);
    c->Flat = aligned_alloc(4096, FRAME);
    c->MdlCount = (FRAME + mdlSize - 1) / mdlSize;
    c->Mdls = calloc(c->MdlCount, sizeof(MDL));
    for (ULONG i = 0; i < c->MdlCount; i++) {
        ULONG off = i * mdlSize, len = FRAME - off < mdlSize ? FRAME - off : mdlSize;
        MmInitializeMdl(&c->Mdls[i], c->Frame + off, len);
        c->Mdls[i].Next = i + 1 < c->MdlCount ? &c->Mdls[i + 1] : NULL;
    }
    memset(c->Frame, 0x11, FRAME);
    memset(c->Flat, 0x22, FRAME);
    c->Span = NkMdlSpan(&c->Mdls[0], 0, NK_MDL_TO_END);
}

static void FreeChain(COPY_CTX *c)
{
    free(c->Frame);
    free(c->Flat);
    free(c->Mdls);
}

static void MemcpyOut(void *ctx, unsigned reps)
{
    COPY_CTX *c = ctx;
    for (unsigned i = 0; i < reps; i++) {
        memcpy(c->Flat, c->Frame, FRAME);
        __asm__ __volatile__("" : : "r"(c->Flat) : "memory");
    }
}

static void ChainToFlat(void *ctx, unsigned reps)
{
    COPY_CTX *c = ctx;
    SIZE_T copied;
    for (unsigned i = 0; i < reps; i++) {
        NkMdlCopySpanToFlat(c->Flat, FRAME, &c->Span, &copied);
        __asm__ __volatile__("" : : "r"(c->Flat) : "memory");
    }
    Sink += copied;
}

static void FlatToChain(void *ctx, unsigned reps)
{
    COPY_CTX *c = ctx;
    SIZE_T copied;
    for (unsigned i = 0; i < reps; i++) {
        NkMdlCopyFlatToSpan(&c->Span, c->Flat, FRAME, &copied);
        __asm__ __volatile__("" : : "r"(c->Frame) : "memory");
    }
    Sink += copied;
}

/* The floor under any chain copy: the same pieces, their addresses and
 * lengths already in an array (no MDLs, no Next pointers to follow),
 * each copied with the library's small-copy routine.  With 60-byte
 * pieces this alone is what limits the chain copies. */
static void PiecesToFlat(void *ctx, unsigned reps)
{
    COPY_CTX *c = ctx;
    for (unsigned i = 0; i < reps; i++) {
        PUCHAR d = c->Flat;
        for (ULONG k = 0; k < c->MdlCount; k++) {
            ULONG n = MmGetMdlByteCount(&c->Mdls[k]);
            NkCopyBytes(d, c->Frame + (SIZE_T)k * MmGetMdlByteCount(&c->Mdls[0]), n);
            d += n;
        }
        __asm__ __volatile__("" : : "r"(c->Flat) : "memory");
    }
}

/* The bound under any chain copy: walk the Next pointers and copy each
 * 60-byte piece with four fixed 16-byte moves - no bounds, no clamps, no
 * size dispatch: every piece but the last is assumed to be exactly 60
 * bytes.  The gap between this and memcpy is the cost of following a
 * chain of MDLs at all. */
static void BareChainToFlat60(void *ctx, unsigned reps)
{
    COPY_CTX *c = ctx;
    for (unsigned i = 0; i < reps; i++) {
        PUCHAR d = c->Flat;
        PMDL m;
        for (m = &c->Mdls[0]; m->Next != NULL; m = m->Next) {
            const UCHAR *s = MmGetMdlVirtualAddress(m);
            __m128i a = _mm_loadu_si128((const __m128i *)(const void *)s);
            __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + 16));
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + 28));
            __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(s + 44));
            _mm_storeu_si128((__m128i *)(void *)d, a);
            _mm_storeu_si128((__m128i *)(void *)(d + 16), b);
            _mm_storeu_si128((__m128i *)(void *)(d + 28), x);
            _mm_storeu_si128((__m128i *)(void *)(d + 44), y);
            d += 60;
        }
        NkCopyBytes(d, MmGetMdlVirtualAddress(m), MmGetMdlByteCount(m)); /* the short last piece */
        __asm__ __volatile__("" : : "r"(c->Flat) : "memory");
    }
}

static void ChainToFlatNt(void *ctx, unsigned reps)
{
    COPY_CTX *c = ctx;
    SIZE_T copied;
    for (unsigned i = 0; i < reps; i++) {
        NkMdlCopySpanToFlatNonTemporal(c->Flat, FRAME, &c->Span, &copied);
        __asm__ __volatile__("" : : "r"(c->Flat) : "memory");
    }
    Sink += copied;
}

/* ---- NBLs ------------------------------------------------------------------------ */

static NET_BUFFER_LIST Nbls[NBLS];

static ULONG_PTR KeyLowBit(PNET_BUFFER_LIST Nbl, PVOID Context)
{
    (void)Context;
    return (ULONG_PTR)Nbl->MiniportReserved[0] & 1;
}

static ULONG_PTR KeyValue(PNET_BUFFER_LIST Nbl, PVOID Context)
{
    (void)Context;
    return (ULONG_PTR)Nbl->MiniportReserved[0];
}

static PNET_BUFFER_LIST Relink(void)
{
    for (ULONG i = 0; i < NBLS; i++)
        Nbls[i].Next = i + 1 < NBLS ? &Nbls[i + 1] : NULL;
    return &Nbls[0];
}

/* Queue: append every NBL one at a time, then pop them all one at a time. */
static void QueueOurs(void *ctx, unsigned reps)
{
    (void)ctx;
    for (unsigned r = 0; r < reps; r++) {
        NK_NBL_QUEUE q;
        PNET_BUFFER_LIST nbl;
        NkNblQueueInit(&q);
        for (ULONG i = 0; i < NBLS; i++)
            NkNblQueueAppendOne(&q, &Nbls[i]);
        while ((nbl = NkNblQueuePopFirst(&q)) != NULL)
            Sink += (ULONG_PTR)nbl;
    }
}

static void QueueNaive(void *ctx, unsigned reps)
{
    (void)ctx;
    for (unsigned r = 0; r < reps; r++) {
        PNET_BUFFER_LIST head = NULL, tail = NULL, nbl;
        for (ULONG i = 0; i < NBLS; i++) {
            nbl = &Nbls[i];
            nbl->Next = NULL;
            if (tail == NULL)
                head = nbl;
            else
                tail->Next = nbl;
            tail = nbl;
        }
        while (head != NULL) {
            nbl = head;
            head = head->Next;
            if (head == NULL)
                tail = NULL;
            nbl->Next = NULL;
            Sink += (ULONG_PTR)nbl;
        }
        Sink += (ULONG_PTR)tail;
    }
}

static void SplitOurs(void *ctx, unsigned reps)
{
    (void)ctx;
    for (unsigned r = 0; r < reps; r++) {
        NK_NBL_QUEUE a, b;
        NkNblQueueInit(&a);
        NkNblQueueInit(&b);
        NkNblChainSplit(Relink(), KeyLowBit, NULL, &a, &b);
        Sink += (ULONG_PTR)a.First + (ULONG_PTR)b.First;
    }
}

static void SplitNaive(void *ctx, unsigned reps)
{
    (void)ctx;
    for (unsigned r = 0; r < reps; r++) {
        PNET_BUFFER_LIST ah = NULL, at = NULL, bh = NULL, bt = NULL, nbl, next;
        for (nbl = Relink(); nbl != NULL; nbl = next) {
            next = nbl->Next;
            nbl->Next = NULL;
            if ((ULONG_PTR)nbl->MiniportReserved[0] & 1) {
                if (bt) bt->Next = nbl; else bh = nbl;
                bt = nbl;
            } else {
                if (at) at->Next = nbl; else ah = nbl;
                at = nbl;
            }
        }
        Sink += (ULONG_PTR)ah + (ULONG_PTR)bh;
    }
}

static VOID CountBatch(ULONG_PTR Key, PNET_BUFFER_LIST Chain, PNET_BUFFER_LIST Last, SIZE_T Count,
                       PVOID Context)
{
    (void)Chain;
    (void)Last;
    *(ULONG_PTR *)Context += Key + Count;
}

static void RunsOurs(void *ctx, unsigned reps)
{
    (void)ctx;
    ULONG_PTR acc = 0;
    for (unsigned r = 0; r < reps; r++)
        NkNblChainForEachRun(Relink(), KeyValue, CountBatch, &acc);
    Sink += acc;
}

static void RunsNaive(void *ctx, unsigned reps)
{
    (void)ctx;
    ULONG_PTR acc = 0;
    for (unsigned r = 0; r < reps; r++) {
        PNET_BUFFER_LIST nbl = Relink();
        while (nbl != NULL) {
            PNET_BUFFER_LIST first = nbl, last = nbl;
            ULONG_PTR key = KeyValue(nbl, NULL);
            SIZE_T count = 1;
            while (last->Next != NULL && KeyValue(last->Next, NULL) == key) {
                last = last->Next;
                count++;
            }
            nbl = last->Next;
            last->Next = NULL;
            CountBatch(key, first, last, count, &acc);
        }
    }
    Sink += acc;
}

/* ---- report ------------------------------------------------------------------------ */

static int Missed;

static void Row(const char *what, double base, double ours, double target, double gbytes)
{
    double ratio = base / ours;
    printf("%-44s %8.3f ms %8.3f ms  %5.2fx", what, base * 1e3, ours * 1e3, ratio);
    if (gbytes > 0)
        printf("  %6.2f GB/s", gbytes / ours);
    if (target > 0) {
        printf("  (target >= %.1fx%s)", target, ratio >= target ? "" : ", MISSED");
        if (ratio < target)
            Missed++;
    }
    printf("\n");
}

int main(int argc, char **argv)
{
    static const ULONG sizes[] = {1514, 4096, 60};
    static const double targets[] = {0.9, 0.9, 0.5};
    const unsigned copyReps = 2000, nblReps = 2000;

    printf("%-44s %11s %11s  %s\n", "operation (64 KiB frame / 1024 NBLs)", "baseline", "ndiskit",
           "ratio");
    for (int s = 0; s < 3; s++) {
        COPY_CTX c;
        char what[96];
        double gb = (double)FRAME * copyReps / 1e9;
        SetupChain(&c, sizes[s]);
        double base = Time(MemcpyOut, &c, copyReps);
        snprintf(what, sizeof what, "copy chain->flat, %u-byte MDLs vs memcpy", sizes[s]);
        Row(what, base, Time(ChainToFlat, &c, copyReps), targets[s], gb);
        snprintf(what, sizeof what, "copy flat->chain, %u-byte MDLs vs memcpy", sizes[s]);
        Row(what, base, Time(FlatToChain, &c, copyReps), targets[s], gb);
        snprintf(what, sizeof what, "  non-temporal chain->flat, %u-byte MDLs", sizes[s]);
        Row(what, base, Time(ChainToFlatNt, &c, copyReps), 0, gb);
        if (sizes[s] < 256) {
            snprintf(what, sizeof what, "  floor: %u-byte pieces, no chain", sizes[s]);
            Row(what, base, Time(PiecesToFlat, &c, copyReps), 0, gb);
        }
        if (sizes[s] == 60)
            Row("  bound: bare chain walk, fixed 60-byte moves", base,
                Time(BareChainToFlat60, &c, copyReps), 0, gb);
        FreeChain(&c);
    }
    for (ULONG i = 0; i < NBLS; i++)
        Nbls[i].MiniportReserved[0] = (PVOID)(ULONG_PTR)((i / 4) % 3); /* runs of 4 */
    Row("NBL queue append+pop vs naive list", Time(QueueNaive, NULL, nblReps),
        Time(QueueOurs, NULL, nblReps), 0, 0);
    Row("NBL split by predicate vs naive loop", Time(SplitNaive, NULL, nblReps),
        Time(SplitOurs, NULL, nblReps), 1.0, 0);
    Row("NBL for-each-run vs naive loop", Time(RunsNaive, NULL, nblReps),
        Time(RunsOurs, NULL, nblReps), 1.0, 0);
    if (argc > 1 && strcmp(argv[1], "--check") == 0 && Missed) {
        printf("%d target(s) missed\n", Missed);
        return 1;
    }
    return 0;
}
