/*
 * bench_nbl_mdl.c - throughput of <ndiskit/mdl.h> copies and
 * <ndiskit/nbl.h> queues/classification, each as a ratio to a baseline
 * measured in the same run.  Copies are judged against the floor - glibc
 * memcpy of the same pieces at the same offsets with no chain - and shown
 * against one contiguous memcpy for context; NBL work against the
 * per-NBL loop a driver would write by hand.  Ratio > 1 means faster
 * than the baseline.  Baseline and ndiskit alternate within each of
 * ROUNDS rounds; a ratio is the median of the per-round ratios.  The
 * header names the CPU, since ratios move between CPUs.
 *
 *   bench_nbl_mdl            print the table
 *   bench_nbl_mdl --check    also exit 1 if a target is missed
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
#define ROUNDS 31
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

static double TimeOnce(BENCH_FN *fn, void *ctx, unsigned reps)
{
    double t0 = Now();
    fn(ctx, reps);
    return Now() - t0;
}

typedef struct {
    double Base, Ours;  /* median seconds of one round */
    double Ratio;       /* median over rounds of base / ours */
} COMPARISON;

/* Times base and ours in alternating order within each round, so both see
 * the same load (this machine is shared; a neighbour's build can halve
 * the speed of either for a few milliseconds), and reports the median of
 * the per-round ratios rather than a ratio of medians taken at different
 * times. */
static COMPARISON Compare(BENCH_FN *base, BENCH_FN *ours, void *ctx, unsigned reps)
{
    double tb[ROUNDS], to[ROUNDS], ratio[ROUNDS];
    COMPARISON c;

    base(ctx, reps / 4 + 1); /* warm caches and branch predictors */
    ours(ctx, reps / 4 + 1);
    for (int r = 0; r < ROUNDS; r++) {
        if (r & 1) {
            to[r] = TimeOnce(ours, ctx, reps);
            tb[r] = TimeOnce(base, ctx, reps);
        } else {
            tb[r] = TimeOnce(base, ctx, reps);
            to[r] = TimeOnce(ours, ctx, reps);
        }
        ratio[r] = tb[r] / to[r];
    }
    qsort(tb, ROUNDS, sizeof(tb[0]), CompareDouble);
    qsort(to, ROUNDS, sizeof(to[0]), CompareDouble);
    qsort(ratio, ROUNDS, sizeof(ratio[0]), CompareDouble);
    c.Base = tb[ROUNDS / 2];
    c.Ours = to[ROUNDS / 2];
    c.Ratio = ratio[ROUNDS / 2];
    return c;
}

/* ---- copies ------------------------------------------------------------------- */

#define MAX_PIECES (FRAME / 14 + 1)

typedef struct {
    PUCHAR Frame;       /* the chain's bytes, contiguous, described by Mdls */
    PUCHAR Flat;        /* the other side */
    PMDL Mdls;
    ULONG MdlCount;
    ULONG *Offset;      /* piece k is Frame/Flat + Offset[k], Length[k] bytes */
    ULONG *Length;
    NK_MDL_SPAN Span;
} COPY_CTX;

/*
 * The chain shapes measured.  Each repeats its pattern of MDL lengths
 * until 64 KiB are described (the last piece clipped).  The uniform ones
 * bracket what a driver sees: 60-byte minimum frames, 1514-byte full
 * frames, one page per MDL.  The mixed ones are what the Windows stack
 * actually hands a miniport:
 *   tcp frames  - a send without LSO: NDIS's backfill holds the 14-byte
 *                 Ethernet header, the stack's header buffer the 40 bytes
 *                 of IPv4 + TCP, and the payload MDL points into the
 *                 socket's send buffer (1460 bytes);
 *   tcp lso     - a 16 KiB large send: one 54-byte header MDL, then the
 *                 payload over the application's pages, starting 1234
 *                 bytes into a page (so a short first piece), whole pages,
 *                 and a partial last page.
 */
typedef struct {
    const char *Name;
    ULONG Count;
    ULONG Lengths[8];
} LAYOUT;

static void SetupChain(COPY_CTX *c, const LAYOUT *l)
{
    ULONG off = 0, k = 0;
    c->Frame = aligned_alloc(4096, FRAME);
    c->Flat = aligned_alloc(4096, FRAME);
    c->Mdls = calloc(MAX_PIECES, sizeof(MDL));
    c->Offset = calloc(MAX_PIECES, sizeof(ULONG));
    c->Length = calloc(MAX_PIECES, sizeof(ULONG));
    for (ULONG p = 0; off < FRAME; p = (p + 1) % l->Count, k++) {
        ULONG len = FRAME - off < l->Lengths[p] ? FRAME - off : l->Lengths[p];
        MmInitializeMdl(&c->Mdls[k], c->Frame + off, len);
        c->Mdls[k].Next = NULL;
        if (k != 0)
            c->Mdls[k - 1].Next = &c->Mdls[k];
        c->Offset[k] = off;
        c->Length[k] = len;
        off += len;
    }
    c->MdlCount = k;
    memset(c->Frame, 0x11, FRAME);
    memset(c->Flat, 0x22, FRAME);
    c->Span = NkMdlSpan(&c->Mdls[0], 0, NK_MDL_TO_END);
}

static void FreeChain(COPY_CTX *c)
{
    free(c->Frame);
    free(c->Flat);
    free(c->Mdls);
    free(c->Offset);
    free(c->Length);
}

static void MemcpyOut(void *ctx, unsigned reps)
{
    COPY_CTX *c = ctx;
    for (unsigned i = 0; i < reps; i++) {
        memcpy(c->Flat, c->Frame, FRAME);
        __asm__ __volatile__("" : : "r"(c->Flat) : "memory");
    }
}

/* The floor: glibc memcpy of the same pieces, from and to the same
 * offsets, their addresses and lengths already in arrays - no MDLs, no
 * Next pointers, no offsets to normalise.  No chain copy can do less work
 * than this, so ndiskit is judged against it; a contiguous memcpy is not a
 * target at all (per-piece call overhead alone kept plain memcpy over
 * 1514-byte pieces at 0.44x of it on an AMD EPYC). */
static void FloorOut(void *ctx, unsigned reps)
{
    COPY_CTX *c = ctx;
    for (unsigned i = 0; i < reps; i++) {
        for (ULONG k = 0; k < c->MdlCount; k++)
            memcpy(c->Flat + c->Offset[k], c->Frame + c->Offset[k], c->Length[k]);
        __asm__ __volatile__("" : : "r"(c->Flat) : "memory");
    }
}

static void FloorIn(void *ctx, unsigned reps)
{
    COPY_CTX *c = ctx;
    for (unsigned i = 0; i < reps; i++) {
        for (ULONG k = 0; k < c->MdlCount; k++)
            memcpy(c->Frame + c->Offset[k], c->Flat + c->Offset[k], c->Length[k]);
        __asm__ __volatile__("" : : "r"(c->Frame) : "memory");
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

/* The same pieces as the floor, each copied with the library's own
 * small-copy routine instead of memcpy: with 60-byte pieces, the best any
 * loop over them does before following a chain costs anything. */
static void PiecesToFlat(void *ctx, unsigned reps)
{
    COPY_CTX *c = ctx;
    for (unsigned i = 0; i < reps; i++) {
        for (ULONG k = 0; k < c->MdlCount; k++)
            NkCopyBytes(c->Flat + c->Offset[k], c->Frame + c->Offset[k], c->Length[k]);
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

/* Partition into 4 queues by index and batch with a lookahead of 4, as
 * a miniport spreads a receive chain over its queues or a filter gathers
 * a send chain by source: keys (i / run) % 4, so runs of the given length. */
#define PARTS 4

static void PartitionOurs(void *ctx, unsigned reps)
{
    (void)ctx;
    for (unsigned r = 0; r < reps; r++) {
        NK_NBL_QUEUE q[PARTS], overflow;
        for (ULONG k = 0; k < PARTS; k++)
            NkNblQueueInit(&q[k]);
        NkNblQueueInit(&overflow);
        Sink += NkNblChainPartition(Relink(), KeyValue, NULL, q, PARTS, &overflow);
        Sink += (ULONG_PTR)q[0].First + (ULONG_PTR)q[PARTS - 1].First;
    }
}

/* The per-NBL loop a driver writes by hand: each NBL stored at its
 * queue's tail. */
static void PartitionNaive(void *ctx, unsigned reps)
{
    (void)ctx;
    for (unsigned r = 0; r < reps; r++) {
        PNET_BUFFER_LIST head[PARTS + 1] = {0}, tail[PARTS + 1] = {0}, nbl, next;
        SIZE_T overflowed = 0;
        for (nbl = Relink(); nbl != NULL; nbl = next) {
            ULONG_PTR i = KeyValue(nbl, NULL);
            next = nbl->Next;
            nbl->Next = NULL;
            if (i >= PARTS) {
                i = PARTS;
                overflowed++;
            }
            if (tail[i]) tail[i]->Next = nbl; else head[i] = nbl;
            tail[i] = nbl;
        }
        Sink += overflowed + (ULONG_PTR)head[0] + (ULONG_PTR)head[PARTS - 1];
    }
}

static void BatchOurs(void *ctx, unsigned reps)
{
    (void)ctx;
    ULONG_PTR acc = 0;
    for (unsigned r = 0; r < reps; r++)
        NkNblChainForEachBatch(Relink(), KeyValue, CountBatch, &acc, PARTS);
    Sink += acc;
}

/* Lookahead batching by hand: per NBL, find its key's open batch (newest
 * first) and store the NBL at that batch's tail; open a batch, flushing
 * the oldest when all are in use. */
static void BatchNaive(void *ctx, unsigned reps)
{
    (void)ctx;
    ULONG_PTR acc = 0;
    for (unsigned r = 0; r < reps; r++) {
        struct { ULONG_PTR Key; PNET_BUFFER_LIST First, Last; SIZE_T Count; } open[PARTS];
        ULONG used = 0, j;
        PNET_BUFFER_LIST nbl, next;
        for (nbl = Relink(); nbl != NULL; nbl = next) {
            ULONG_PTR key = KeyValue(nbl, NULL);
            next = nbl->Next;
            nbl->Next = NULL;
            for (j = used; j > 0; j--) {
                if (open[j - 1].Key == key)
                    break;
            }
            if (j > 0) {
                open[j - 1].Last->Next = nbl;
                open[j - 1].Last = nbl;
                open[j - 1].Count++;
                continue;
            }
            if (used == PARTS) {
                CountBatch(open[0].Key, open[0].First, open[0].Last, open[0].Count, &acc);
                memmove(&open[0], &open[1], sizeof(open[0]) * (PARTS - 1));
                used--;
            }
            open[used].Key = key;
            open[used].First = open[used].Last = nbl;
            open[used].Count = 1;
            used++;
        }
        for (j = 0; j < used; j++)
            CountBatch(open[j].Key, open[j].First, open[j].Last, open[j].Count, &acc);
    }
    Sink += acc;
}

/* Keys (i / Run) % PARTS: runs of Run equal keys, the split predicate
 * (low bit) alternating every run. */
static void SetRuns(ULONG Run)
{
    for (ULONG i = 0; i < NBLS; i++)
        Nbls[i].MiniportReserved[0] = (PVOID)(ULONG_PTR)((i / Run) % PARTS);
}

/* ---- report ------------------------------------------------------------------------ */

static int Missed;

static void Row(const char *what, COMPARISON c, double target, double gbytes)
{
    printf("%-48s %8.3f ms %8.3f ms  %5.2fx", what, c.Base * 1e3, c.Ours * 1e3, c.Ratio);
    if (gbytes > 0)
        printf("  %6.2f GB/s", gbytes / c.Ours);
    if (target > 0) {
        printf("  (target >= %.1fx%s)", target, c.Ratio >= target ? "" : ", MISSED");
        if (c.Ratio < target)
            Missed++;
    }
    printf("\n");
}

/* The "model name" line of /proc/cpuinfo: ratios differ between CPUs
 * (memcpy's per-call cost above all), so a table names the one it ran on. */
static void PrintCpu(void)
{
    char line[256];
    FILE *f = fopen("/proc/cpuinfo", "r");
    const char *model = "unknown";
    while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
            model = colon + 2;
            line[strcspn(line, "\n")] = 0;
            break;
        }
    }
    printf("cpu: %s\n", model);
    if (f != NULL)
        fclose(f);
}

int main(int argc, char **argv)
{
    static const LAYOUT layouts[] = {
        {"60-byte MDLs", 1, {60}},
        {"1514-byte MDLs", 1, {1514}},
        {"4096-byte MDLs", 1, {4096}},
        {"tcp frames 14+40+1460", 3, {14, 40, 1460}},
        {"tcp lso 54+2862+3x4096+1180", 6, {54, 2862, 4096, 4096, 4096, 1180}},
    };
    static const ULONG runs[] = {1, 2, 8};
    const unsigned copyReps = 400, nblReps = 400;

    PrintCpu();
    printf("%-48s %11s %11s  %s\n", "operation (64 KiB frame / 1024 NBLs)", "baseline", "ndiskit",
           "ratio");
    for (size_t s = 0; s < sizeof(layouts) / sizeof(layouts[0]); s++) {
        const LAYOUT *l = &layouts[s];
        COPY_CTX c;
        double gb = (double)FRAME * copyReps / 1e9;

        SetupChain(&c, l);
        printf("%s (%u MDLs):\n", l->Name, c.MdlCount);
        Row("  copy chain->flat vs floor (memcpy per piece)", Compare(FloorOut, ChainToFlat, &c, copyReps),
            0.9, gb);
        Row("  copy flat->chain vs floor (memcpy per piece)", Compare(FloorIn, FlatToChain, &c, copyReps),
            0.9, gb);
        Row("  context: floor vs one contiguous memcpy", Compare(MemcpyOut, FloorOut, &c, copyReps), 0, gb);
        Row("  context: chain->flat vs contiguous memcpy", Compare(MemcpyOut, ChainToFlat, &c, copyReps), 0,
            gb);
        Row("  context: flat->chain vs contiguous memcpy", Compare(MemcpyOut, FlatToChain, &c, copyReps), 0,
            gb);
        Row("  context: non-temporal chain->flat vs memcpy", Compare(MemcpyOut, ChainToFlatNt, &c, copyReps),
            0, gb);
        if (l->Count == 1 && l->Lengths[0] == 60) {
            Row("  context: pieces with NkCopyBytes, no chain", Compare(MemcpyOut, PiecesToFlat, &c, copyReps),
                0, gb);
            Row("  context: bare chain walk, fixed 60-byte moves",
                Compare(MemcpyOut, BareChainToFlat60, &c, copyReps), 0, gb);
        }
        FreeChain(&c);
    }
    SetRuns(4);
    Row("NBL queue append+pop vs naive list", Compare(QueueNaive, QueueOurs, NULL, nblReps), 0, 0);
    Row("NBL for-each-run vs naive loop (runs of 4)", Compare(RunsNaive, RunsOurs, NULL, nblReps), 1.0, 0);
    for (size_t r = 0; r < sizeof(runs) / sizeof(runs[0]); r++) {
        char what[96];
        SetRuns(runs[r]);
        snprintf(what, sizeof what, "NBL split, runs of %u, vs per-NBL loop", runs[r]);
        Row(what, Compare(SplitNaive, SplitOurs, NULL, nblReps), 1.0, 0);
        snprintf(what, sizeof what, "NBL partition/4, runs of %u, vs per-NBL loop", runs[r]);
        Row(what, Compare(PartitionNaive, PartitionOurs, NULL, nblReps), 1.0, 0);
        snprintf(what, sizeof what, "NBL lookahead 4, runs of %u, vs per-NBL loop", runs[r]);
        Row(what, Compare(BatchNaive, BatchOurs, NULL, nblReps), 1.0, 0);
    }
    if (argc > 1 && strcmp(argv[1], "--check") == 0 && Missed) {
        printf("%d target(s) missed\n", Missed);
        return 1;
    }
    return 0;
}
