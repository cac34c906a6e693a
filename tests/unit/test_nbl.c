/*
 * test_nbl.c - <ndiskit/nbl.h>: counts, queues and classification, each
 * checked on fixed cases and, for classification, against a naive model on
 * thousands of random chains - independent keys and keys in runs, which
 * the classifiers append run by run (fixed seed, printed;
 * NDISKIT_TEST_SEED replays).  Every output chain is checked to be NULL-terminated and every
 * queue to keep its *Last == NULL invariant.
 */
#define NDIS630 1
#include <ndis.h>
#include <ndiskit/nbl.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#define MAX_NBLS 64

static NET_BUFFER_LIST Nbls[MAX_NBLS];
static NET_BUFFER Nbs[MAX_NBLS * 3];
static ULONG64 Rng;

static ULONG Rand(ULONG n)
{
    Rng ^= Rng >> 12;
    Rng ^= Rng << 25;
    Rng ^= Rng >> 27;
    return n ? (ULONG)((Rng * 2685821657736338717ull) >> 33) % n : 0;
}

/* Keys live in MiniportReserved[0] so the key functions are trivial. */
static ULONG_PTR KeyOf(PNET_BUFFER_LIST Nbl, PVOID Context)
{
    (void)Context;
    return (ULONG_PTR)Nbl->MiniportReserved[0];
}

static ULONG IndexOf(PNET_BUFFER_LIST Nbl)
{
    return (ULONG)(Nbl - Nbls);
}

/* Nbls[0..n-1] linked in order, key i % keys (or random when keys == 0). */
static PNET_BUFFER_LIST MakeChain(ULONG n, ULONG keys)
{
    memset(Nbls, 0, sizeof(Nbls));
    for (ULONG i = 0; i < n; i++) {
        Nbls[i].Next = i + 1 < n ? &Nbls[i + 1] : NULL;
        Nbls[i].MiniportReserved[0] = (PVOID)(ULONG_PTR)(keys ? i % keys : Rand(5));
    }
    return n ? &Nbls[0] : NULL;
}

/* Nbls[0..n-1] linked in order with the given keys. */
static PNET_BUFFER_LIST MakeChainWithKeys(ULONG n, const ULONG *keys)
{
    PNET_BUFFER_LIST chain = MakeChain(n, 1);
    for (ULONG i = 0; i < n; i++)
        Nbls[i].MiniportReserved[0] = (PVOID)(ULONG_PTR)keys[i];
    return chain;
}

static void AssertQueueInvariant(const NK_NBL_QUEUE *q)
{
    PNET_BUFFER_LIST last = NkNblChainLast(q->First);
    assert_null(*q->Last);
    if (last == NULL)
        assert_ptr_equal(q->Last, &q->First);
    else
        assert_ptr_equal(q->Last, &last->Next);
}

/* ---- chains ---------------------------------------------------------------- */

static void test_chain_counts(void **state)
{
    PNET_BUFFER_LIST chain = MakeChain(5, 1);
    SIZE_T count = 0;
    ULONG nb = 0;
    (void)state;

    /* NBL i carries i NBs of 100 * i bytes each. */
    memset(Nbs, 0, sizeof(Nbs));
    for (ULONG i = 0; i < 5; i++) {
        PNET_BUFFER *link = &Nbls[i].FirstNetBuffer;
        for (ULONG k = 0; k < i; k++, nb++) {
            Nbs[nb].DataLength = 100 * i;
            *link = &Nbs[nb];
            link = &Nbs[nb].Next;
        }
    }
    assert_int_equal(NkNblChainCount(chain), 5);
    assert_int_equal(NkNblChainCount(NULL), 0);
    assert_int_equal(NkNblChainCountNbs(chain), 0 + 1 + 2 + 3 + 4);
    assert_int_equal(NkNblChainDataBytes(chain), 100 * (1 + 4 + 9 + 16));
    assert_ptr_equal(NkNblChainLastWithCount(chain, &count), &Nbls[4]);
    assert_int_equal(count, 5);
    assert_null(NkNblChainLastWithCount(NULL, &count));
    assert_int_equal(count, 0);
    assert_ptr_equal(NkNblLastNb(&Nbls[3]), Nbls[3].FirstNetBuffer->Next->Next);
    assert_null(NkNblLastNb(&Nbls[0]));
    NkNblChainSetStatus(chain, NDIS_STATUS_PAUSED);
    for (ULONG i = 0; i < 5; i++)
        assert_int_equal(Nbls[i].Status, NDIS_STATUS_PAUSED);
}

static void test_iteration_macros(void **state)
{
    PNET_BUFFER_LIST chain = MakeChain(4, 1), nbl, next;
    NK_NBL_QUEUE q;
    ULONG seen = 0;
    (void)state;

    NK_FOR_EACH_NBL(nbl, chain)
        seen++;
    assert_int_equal(seen, 4);
    /* The SAFE form survives unlinking the current NBL. */
    NkNblQueueInit(&q);
    NK_FOR_EACH_NBL_SAFE(nbl, next, chain)
        NkNblQueueAppendOne(&q, nbl);
    assert_int_equal(NkNblChainCount(NkNblQueueGetChain(&q)), 4);
    AssertQueueInvariant(&q);
}

/* ---- queues ---------------------------------------------------------------- */

static void test_queue(void **state)
{
    NK_NBL_QUEUE a, b;
    (void)state;

    MakeChain(10, 1);
    for (ULONG i = 0; i < 10; i++)
        Nbls[i].Next = &Nbls[(i + 1) % 10];   /* garbage links: appends must cut them */
    NkNblQueueInit(&a);
    NkNblQueueInit(&b);
    assert_true(NkNblQueueIsEmpty(&a));
    assert_null(NkNblQueuePopFirst(&a));
    assert_null(NkNblQueuePopAll(&a));
    AssertQueueInvariant(&a);

    NkNblQueueAppendOne(&a, &Nbls[0]);
    AssertQueueInvariant(&a);
    Nbls[1].Next = &Nbls[2];
    NkNblQueueAppendChainWithTail(&a, &Nbls[1], &Nbls[2]);
    AssertQueueInvariant(&a);
    Nbls[3].Next = &Nbls[4];
    Nbls[4].Next = NULL;
    NkNblQueueAppendChain(&a, &Nbls[3]);
    NkNblQueueAppendChain(&a, NULL);
    AssertQueueInvariant(&a);
    assert_int_equal(NkNblChainCount(NkNblQueueGetChain(&a)), 5);

    NkNblQueueAppendOne(&b, &Nbls[5]);
    NkNblQueueAppendOne(&b, &Nbls[6]);
    NkNblQueueAppendQueue(&a, &b);          /* O(1); b left empty */
    assert_true(NkNblQueueIsEmpty(&b));
    AssertQueueInvariant(&a);
    AssertQueueInvariant(&b);
    NkNblQueueAppendQueue(&a, &b);          /* appending an empty queue */
    AssertQueueInvariant(&a);

    for (ULONG i = 0; i < 7; i++) {
        PNET_BUFFER_LIST nbl = NkNblQueuePopFirst(&a);
        assert_ptr_equal(nbl, &Nbls[i]);
        assert_null(nbl->Next);
        AssertQueueInvariant(&a);
    }
    assert_true(NkNblQueueIsEmpty(&a));
    NkNblQueueAppendOne(&a, &Nbls[7]);      /* usable again after draining */
    assert_ptr_equal(NkNblQueuePopAll(&a), &Nbls[7]);
    AssertQueueInvariant(&a);
}

static void test_counted_queue(void **state)
{
    NK_NBL_COUNTED_QUEUE a, b;
    SIZE_T count;
    (void)state;

    MakeChain(8, 1);
    NkNblCountedQueueInit(&a);
    NkNblCountedQueueInit(&b);
    Nbls[2].Next = NULL;
    NkNblCountedQueueAppendChain(&a, &Nbls[0]);                 /* 3, counted by walking */
    Nbls[4].Next = NULL;
    NkNblCountedQueueAppendChainWithTail(&a, &Nbls[3], &Nbls[4], 2);
    NkNblCountedQueueAppendOne(&b, &Nbls[5]);
    NkNblCountedQueueAppendQueue(&a, &b);
    assert_int_equal(a.Count, 6);
    assert_int_equal(b.Count, 0);
    assert_true(NkNblCountedQueueIsEmpty(&b));
    assert_ptr_equal(NkNblCountedQueuePopFirst(&a), &Nbls[0]);
    assert_int_equal(a.Count, 5);
    assert_ptr_equal(NkNblCountedQueueGetChain(&a), &Nbls[1]);
    assert_ptr_equal(NkNblCountedQueuePopAll(&a, &count), &Nbls[1]);
    assert_int_equal(count, 5);
    assert_int_equal(a.Count, 0);
    AssertQueueInvariant(&a.Queue);
}

/* ---- classification: fixed cases ---------------------------------------- */

static void test_ready_made_keys(void **state)
{
    NET_BUFFER_LIST nbl;
    (void)state;

    memset(&nbl, 0, sizeof(nbl));
    nbl.SourceHandle = (NDIS_HANDLE)(ULONG_PTR)0x1111;
    nbl.NdisPoolHandle = (NDIS_HANDLE)(ULONG_PTR)0x2222;
    NDIS_SET_NET_BUFFER_LIST_CANCEL_ID(&nbl, (PVOID)(ULONG_PTR)0x3333);
    assert_int_equal(NkNblKeySourceHandle(&nbl, NULL), 0x1111);
    assert_int_equal(NkNblKeyPoolHandle(&nbl, NULL), 0x2222);
    assert_int_equal(NkNblKeyCancelId(&nbl, NULL), 0x3333);
}

typedef struct _BATCHES {
    ULONG Count;
    ULONG_PTR Keys[MAX_NBLS];
    ULONG Sizes[MAX_NBLS];
    ULONG Order[MAX_NBLS];      /* NBL indices in delivery order */
    ULONG Delivered;
} BATCHES;

static VOID Collect(ULONG_PTR Key, PNET_BUFFER_LIST Chain, PNET_BUFFER_LIST Last, SIZE_T Count,
                    PVOID Context)
{
    BATCHES *b = Context;
    SIZE_T n = 0;
    PNET_BUFFER_LIST nbl;

    NK_FOR_EACH_NBL(nbl, Chain) {
        assert_int_equal(KeyOf(nbl, NULL), Key);
        b->Order[b->Delivered++] = IndexOf(nbl);
        n++;
        if (nbl->Next == NULL)
            assert_ptr_equal(nbl, Last);
    }
    assert_int_equal(n, Count);
    b->Keys[b->Count] = Key;
    b->Sizes[b->Count] = (ULONG)Count;
    b->Count++;
}

static void test_runs_and_batches(void **state)
{
    static const ULONG keys[] = {1, 1, 2, 1, 3, 3, 2};
    BATCHES b;
    PNET_BUFFER_LIST chain;
    (void)state;

    chain = MakeChain(7, 1);
    for (ULONG i = 0; i < 7; i++)
        Nbls[i].MiniportReserved[0] = (PVOID)(ULONG_PTR)keys[i];
    memset(&b, 0, sizeof(b));
    NkNblChainForEachRun(chain, KeyOf, Collect, &b);
    assert_int_equal(b.Count, 5);                   /* 11 2 1 33 2 */
    assert_int_equal(b.Sizes[0], 2);
    assert_int_equal(b.Sizes[3], 2);

    chain = MakeChain(7, 1);
    for (ULONG i = 0; i < 7; i++)
        Nbls[i].MiniportReserved[0] = (PVOID)(ULONG_PTR)keys[i];
    memset(&b, 0, sizeof(b));
    NkNblChainForEachBatch(chain, KeyOf, Collect, &b, 4);
    assert_int_equal(b.Count, 3);                   /* 111 22 33, opened in that order */
    assert_int_equal(b.Keys[0], 1);
    assert_int_equal(b.Sizes[0], 3);
    assert_int_equal(b.Keys[1], 2);
    assert_int_equal(b.Sizes[1], 2);
    assert_int_equal(b.Keys[2], 3);
}

static void test_pop_first_run(void **state)
{
    PNET_BUFFER_LIST chain = MakeChain(6, 0), run, last;
    ULONG_PTR key;
    SIZE_T count;
    (void)state;

    for (ULONG i = 0; i < 6; i++)
        Nbls[i].MiniportReserved[0] = (PVOID)(ULONG_PTR)(i < 3 ? 7 : 9);
    run = NkNblChainPopFirstRun(&chain, KeyOf, NULL, &key, &last, &count);
    assert_ptr_equal(run, &Nbls[0]);
    assert_ptr_equal(last, &Nbls[2]);
    assert_null(last->Next);
    assert_int_equal(key, 7);
    assert_int_equal(count, 3);
    assert_ptr_equal(chain, &Nbls[3]);
    run = NkNblChainPopFirstRun(&chain, KeyOf, NULL, &key, &last, &count);
    assert_int_equal(count, 3);
    assert_null(chain);
    assert_null(NkNblChainPopFirstRun(&chain, KeyOf, NULL, &key, &last, &count));
    assert_int_equal(count, 0);
}

/* ---- classification: random chains against the model ---------------------- */

static void AssertChainIs(PNET_BUFFER_LIST chain, const ULONG *expect, ULONG n)
{
    ULONG i = 0;
    PNET_BUFFER_LIST nbl;
    NK_FOR_EACH_NBL(nbl, chain) {
        assert_true(i < n);
        assert_int_equal(IndexOf(nbl), expect[i]);
        i++;
    }
    assert_int_equal(i, n);
}

/* Keys 0..4 for n NBLs in one of four distributions: independent (runs
 * only by chance), runs of random length 1..8 (one flow after another, as
 * a receive indication or a stack's send chain delivers them), runs of 2
 * of two alternating values (the worst case for run-appending code: a
 * run ends at every other NBL), and a few long runs of 1..n. */
static void RandomKeys(ULONG n, ULONG mode, ULONG *keys)
{
    ULONG i = 0, run = 0, key = 0;
    while (i < n) {
        switch (mode) {
        case 0:
            keys[i++] = Rand(5);
            continue;
        case 1:
            run = 1 + Rand(8);
            key = Rand(5);
            break;
        case 2:
            run = 2;
            key = (i / 2) & 1;
            break;
        default:
            run = 1 + Rand(n);
            key = Rand(5);
            break;
        }
        for (; run > 0 && i < n; run--)
            keys[i++] = key;
    }
}

static void test_random_classification(void **state)
{
    const char *e = getenv("NDISKIT_TEST_SEED");
    ULONG64 seed = e ? strtoull(e, NULL, 0) : 0xC0FFEE1234567ull;
    (void)state;

    fprintf(stderr, "test_nbl: random seed 0x%llx (set NDISKIT_TEST_SEED to replay)\n",
            (unsigned long long)seed);
    Rng = seed;
    for (ULONG iter = 0; iter < 8000; iter++) {
        ULONG n = Rand(MAX_NBLS + 1), nq = 1 + Rand(5), lookahead = Rand(NK_NBL_LOOKAHEAD_MAX + 2);
        ULONG keys[MAX_NBLS], expect[MAX_NBLS], m;
        NK_NBL_QUEUE q[6], overflow;
        BATCHES b;
        PNET_BUFFER_LIST chain;
        SIZE_T over;

        /* split: model = the indices with key 0 / non-0, in order. */
        RandomKeys(n, iter % 4, keys);
        chain = MakeChainWithKeys(n, keys);
        NkNblQueueInit(&q[0]);
        NkNblQueueInit(&q[1]);
        NkNblChainSplit(chain, KeyOf, NULL, &q[0], &q[1]);
        for (ULONG side = 0; side < 2; side++) {
            m = 0;
            for (ULONG i = 0; i < n; i++)
                if ((keys[i] != 0) == side)
                    expect[m++] = i;
            AssertChainIs(q[side].First, expect, m);
            AssertQueueInvariant(&q[side]);
        }

        /* partition into nq queues; keys >= nq overflow. */
        chain = MakeChainWithKeys(n, keys);
        for (ULONG i = 0; i < nq; i++)
            NkNblQueueInit(&q[i]);
        NkNblQueueInit(&overflow);
        over = NkNblChainPartition(chain, KeyOf, NULL, q, nq, &overflow);
        m = 0;
        for (ULONG i = 0; i < n; i++)
            if (keys[i] >= nq)
                expect[m++] = i;
        assert_int_equal(over, m);
        AssertChainIs(overflow.First, expect, m);
        AssertQueueInvariant(&overflow);
        for (ULONG k = 0; k < nq; k++) {
            m = 0;
            for (ULONG i = 0; i < n; i++)
                if (keys[i] == k)
                    expect[m++] = i;
            AssertChainIs(q[k].First, expect, m);
            AssertQueueInvariant(&q[k]);
        }

        /* runs: model = maximal runs of equal keys, in order. */
        chain = MakeChainWithKeys(n, keys);
        memset(&b, 0, sizeof(b));
        NkNblChainForEachRun(chain, KeyOf, Collect, &b);
        m = 0;
        for (ULONG i = 0; i < n; i++)
            if (i == 0 || keys[i] != keys[i - 1])
                m++;
        assert_int_equal(b.Count, m);
        assert_int_equal(b.Delivered, n);
        for (ULONG i = 0; i < n; i++)
            assert_int_equal(b.Order[i], i);

        /* batches: each NBL exactly once; per key in chain order; batch
         * count between #distinct keys and #runs; lookahead 1 == runs. */
        chain = MakeChainWithKeys(n, keys);
        memset(&b, 0, sizeof(b));
        NkNblChainForEachBatch(chain, KeyOf, Collect, &b, lookahead);
        assert_int_equal(b.Delivered, n);
        {
            BOOLEAN seen[MAX_NBLS] = {0};
            LONG lastOfKey[5] = {-1, -1, -1, -1, -1};
            ULONG distinct = 0;
            for (ULONG i = 0; i < n; i++) {
                ULONG x = b.Order[i];
                assert_false(seen[x]);
                seen[x] = TRUE;
                assert_true((LONG)x > lastOfKey[keys[x]]);
                if (lastOfKey[keys[x]] < 0)
                    distinct++;
                lastOfKey[keys[x]] = (LONG)x;
            }
            assert_true(b.Count >= distinct);
            assert_true(b.Count <= m);
            if (lookahead <= 1)
                assert_int_equal(b.Count, m);
            if (lookahead >= 5)
                assert_int_equal(b.Count, distinct);   /* 5 keys always fit */
        }
    }
}

/* The classifiers look for a run's end before appending it; the NBL that
 * ends one run must not be keyed again as the start of the next - a key
 * function may be costly (a header parse), and is documented to run once
 * per NBL. */
static ULONG_PTR CountingKey(PNET_BUFFER_LIST Nbl, PVOID Context)
{
    (*(ULONG *)Context)++;
    return (ULONG_PTR)Nbl->MiniportReserved[0];
}

static VOID IgnoreBatch(ULONG_PTR Key, PNET_BUFFER_LIST Chain, PNET_BUFFER_LIST Last, SIZE_T Count,
                        PVOID Context)
{
    (void)Key, (void)Chain, (void)Last, (void)Count, (void)Context;
}

static void test_key_once_per_nbl(void **state)
{
    static const ULONG keys[] = {0, 0, 1, 0, 2, 2, 2, 1, 1, 0, 3};
    const ULONG n = sizeof(keys) / sizeof(keys[0]);
    NK_NBL_QUEUE q[3], overflow;
    ULONG calls;
    (void)state;

    calls = 0;
    NkNblQueueInit(&q[0]);
    NkNblQueueInit(&q[1]);
    NkNblChainSplit(MakeChainWithKeys(n, keys), CountingKey, &calls, &q[0], &q[1]);
    assert_int_equal(calls, n);

    calls = 0;
    for (ULONG i = 0; i < 3; i++)
        NkNblQueueInit(&q[i]);
    NkNblQueueInit(&overflow);
    assert_int_equal(NkNblChainPartition(MakeChainWithKeys(n, keys), CountingKey, &calls, q, 3, &overflow), 1);
    assert_int_equal(calls, n);

    calls = 0;
    NkNblChainForEachBatch(MakeChainWithKeys(n, keys), CountingKey, IgnoreBatch, &calls, 2);
    assert_int_equal(calls, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain_counts),
        cmocka_unit_test(test_iteration_macros),
        cmocka_unit_test(test_queue),
        cmocka_unit_test(test_counted_queue),
        cmocka_unit_test(test_ready_made_keys),
        cmocka_unit_test(test_runs_and_batches),
        cmocka_unit_test(test_pop_first_run),
        cmocka_unit_test(test_random_classification),
        cmocka_unit_test(test_key_once_per_nbl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
