/*
 * test_mdl.c - <ndiskit/mdl.h> checked against a deliberately naive model.
 *
 * Every chain here is a list of MDLs, each over its own heap block of
 * exactly ByteCount bytes, so a read or write one byte past any MDL is an
 * ASan report.  The model is the chain flattened into one array; each
 * operation is also done on the model byte by byte and the results (data,
 * status, counts, where a peek points) must agree.  The random part draws
 * thousands of shapes - zero-length and one-byte MDLs, starts in the middle
 * of any MDL, offsets at and past every boundary, spans to the end and
 * past it - from a fixed seed that a failure prints (NDISKIT_TEST_SEED
 * overrides it).
 */
#define NDIS630 1
#include <ndis.h>
#include <ndiskit/mdl.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

/* ---- chains and the model ---------------------------------------------- */

#define MAX_MDLS 24

typedef struct _CHAIN {
    ULONG Count;
    MDL Mdls[MAX_MDLS];
    PUCHAR Blocks[MAX_MDLS];
    SIZE_T Base[MAX_MDLS + 1];  /* chain offset where MDL i starts; Base[Count] = total */
} CHAIN;

static ULONG64 Rng;

static ULONG Rand(ULONG n)
{
    /* xorshift64*: reproducible across libcs, unlike rand(). */
    Rng ^= Rng >> 12;
    Rng ^= Rng << 25;
    Rng ^= Rng >> 27;
    return n ? (ULONG)((Rng * 2685821657736338717ull) >> 33) % n : 0;
}

static void ChainBuild(CHAIN *c, const ULONG *lengths, ULONG count)
{
    assert_true(count >= 1 && count <= MAX_MDLS);
    c->Count = count;
    c->Base[0] = 0;
    for (ULONG i = 0; i < count; i++) {
        /* Misalign some blocks so page counts and non-temporal heads vary. */
        ULONG skew = Rand(3) == 0 ? Rand(16) : 0;
        PUCHAR raw = malloc(lengths[i] + skew + 1);
        assert_non_null(raw);
        c->Blocks[i] = raw;
        for (ULONG b = 0; b < lengths[i]; b++)
            raw[skew + b] = (UCHAR)Rand(256);
        MmInitializeMdl(&c->Mdls[i], raw + skew, lengths[i]);
        c->Mdls[i].Next = i + 1 < count ? &c->Mdls[i + 1] : NULL;
        c->Base[i + 1] = c->Base[i] + lengths[i];
    }
}

static void ChainFree(CHAIN *c)
{
    for (ULONG i = 0; i < c->Count; i++)
        free(c->Blocks[i]);
}

static SIZE_T ChainTotal(const CHAIN *c)
{
    return c->Base[c->Count];
}

/* The model: the chain's bytes in one array (caller frees). */
static PUCHAR ChainFlatten(const CHAIN *c)
{
    PUCHAR flat = malloc(ChainTotal(c) + 1);
    assert_non_null(flat);
    for (ULONG i = 0; i < c->Count; i++)
        memcpy(flat + c->Base[i], MmGetMdlVirtualAddress(&c->Mdls[i]), MmGetMdlByteCount(&c->Mdls[i]));
    return flat;
}

static void RandomChain(CHAIN *c)
{
    ULONG lengths[MAX_MDLS];
    ULONG count = 1 + Rand(MAX_MDLS);
    /* One chain in three is all small pieces around 64 bytes: the shape
     * the flat<->span copies take a separate loop for, entered and left
     * at every remaining-length boundary. */
    BOOLEAN small = Rand(3) == 0;
    for (ULONG i = 0; i < count; i++) {
        if (small) {
            switch (Rand(4)) {
            case 0: lengths[i] = 0; break;
            case 1: lengths[i] = 63 + Rand(3); break;
            default: lengths[i] = 1 + Rand(64); break;
            }
            continue;
        }
        switch (Rand(6)) {
        case 0: lengths[i] = 0; break;
        case 1: lengths[i] = 1; break;
        case 2: lengths[i] = 2 + Rand(15); break;
        case 3: lengths[i] = 60; break;
        case 4: lengths[i] = 1514; break;
        default: lengths[i] = Rand(700); break;
        }
    }
    ChainBuild(c, lengths, count);
}

/* A random span: starts Offset bytes into MDL Index (possibly past it, or
 * past the whole chain), Length bytes long or to the end. */
typedef struct _SPAN_CASE {
    NK_MDL_SPAN Span;
    SIZE_T AbsStart;    /* chain offset of the first byte */
    SIZE_T Length;      /* NK_MDL_TO_END or bytes */
} SPAN_CASE;

static SPAN_CASE RandomSpan(const CHAIN *c)
{
    SPAN_CASE s;
    ULONG i = Rand(c->Count);
    SIZE_T rest = ChainTotal(c) - c->Base[i];
    SIZE_T off;

    switch (Rand(4)) {
    case 0: off = 0; break;
    case 1: off = rest; break;                          /* exactly at the end */
    case 2: off = rest + 1 + Rand(3); break;            /* past the end */
    default: off = Rand((ULONG)rest + 1); break;
    }
    s.AbsStart = c->Base[i] + off;
    if (Rand(4) == 0) {
        s.Length = NK_MDL_TO_END;
    } else {
        SIZE_T avail = s.AbsStart <= ChainTotal(c) ? ChainTotal(c) - s.AbsStart : 0;
        s.Length = Rand(3) == 0 ? avail + Rand(4) : Rand((ULONG)avail + 1);
    }
    s.Span = NkMdlSpan((PMDL)&c->Mdls[i], off, s.Length);
    return s;
}

/* Bytes the model says the span really covers. */
static SIZE_T ModelAvail(const CHAIN *c, const SPAN_CASE *s)
{
    SIZE_T avail = s->AbsStart <= ChainTotal(c) ? ChainTotal(c) - s->AbsStart : 0;
    if (s->Length != NK_MDL_TO_END && s->Length < avail)
        avail = s->Length;
    return avail;
}

/* Status the iterator must end with. */
static NTSTATUS ModelIterStatus(const CHAIN *c, const SPAN_CASE *s)
{
    if (s->Length == 0)
        return STATUS_SUCCESS;
    if (s->AbsStart > ChainTotal(c))
        return STATUS_BUFFER_TOO_SMALL;
    if (s->Length == NK_MDL_TO_END)
        return STATUS_SUCCESS;
    return s->Length <= ChainTotal(c) - s->AbsStart ? STATUS_SUCCESS : STATUS_BUFFER_TOO_SMALL;
}

static ULONG64 SeedFromEnv(void)
{
    const char *e = getenv("NDISKIT_TEST_SEED");
    return e ? strtoull(e, NULL, 0) : 0x9E3779B97F4A7C15ull;
}

/* ---- fixed cases ---------------------------------------------------------- */

static void test_counts(void **state)
{
    CHAIN c;
    ULONG lengths[] = {0, 10, 0, 4096, 1};
    (void)state;

    Rng = 1;
    ChainBuild(&c, lengths, 5);
    assert_int_equal(NkMdlChainCount(&c.Mdls[0]), 5);
    assert_int_equal(NkMdlChainByteCount(&c.Mdls[0]), 4107);
    assert_int_equal(NkMdlChainCount(NULL), 0);
    {
        SIZE_T pages = 0;
        for (ULONG i = 0; i < 5; i++) {
            ULONG_PTR va = (ULONG_PTR)MmGetMdlVirtualAddress(&c.Mdls[i]);
            pages += ((va & 4095) + lengths[i] + 4095) / 4096;
        }
        assert_int_equal(NkMdlChainPageCount(&c.Mdls[0]), pages);
    }
    ChainFree(&c);
}

static void test_normalize_and_advance(void **state)
{
    CHAIN c;
    ULONG lengths[] = {0, 3, 0, 0, 5, 0};
    NK_MDL_OFFSET p;
    (void)state;

    Rng = 2;
    ChainBuild(&c, lengths, 6);
    p.Mdl = &c.Mdls[0];
    p.Offset = 0;
    assert_int_equal(NkMdlOffsetNormalize(&p), STATUS_SUCCESS);
    assert_ptr_equal(p.Mdl, &c.Mdls[1]);            /* skips the empty first MDL */
    assert_int_equal(p.Offset, 0);
    assert_int_equal(NkMdlOffsetAdvance(&p, 3), STATUS_SUCCESS);
    assert_ptr_equal(p.Mdl, &c.Mdls[4]);            /* and the two empty ones after */
    assert_int_equal(p.Offset, 0);
    assert_int_equal(NkMdlOffsetAdvance(&p, 4), STATUS_SUCCESS);
    assert_ptr_equal(p.Mdl, &c.Mdls[4]);
    assert_int_equal(p.Offset, 4);
    assert_int_equal(NkMdlOffsetAdvance(&p, 1), STATUS_SUCCESS);
    assert_null(p.Mdl);                             /* the end position */
    assert_int_equal(p.Offset, 0);
    p.Mdl = &c.Mdls[1];
    p.Offset = 2;
    assert_int_equal(NkMdlOffsetAdvance(&p, 7), STATUS_BUFFER_TOO_SMALL);
    assert_ptr_equal(p.Mdl, &c.Mdls[1]);            /* unchanged on failure */
    assert_int_equal(p.Offset, 2);
    assert_int_equal(NkMdlOffsetAdvance(&p, (SIZE_T)-1), STATUS_INTEGER_OVERFLOW);
    ChainFree(&c);
}

static void test_span_from_nb(void **state)
{
    CHAIN c;
    ULONG lengths[] = {14, 100, 50};
    NET_BUFFER nb;
    UCHAR out[40];
    SIZE_T copied;
    PUCHAR flat;
    NK_MDL_SPAN span;
    (void)state;

    Rng = 3;
    ChainBuild(&c, lengths, 3);
    flat = ChainFlatten(&c);
    /* DataOffset 20: the data starts 6 bytes into the second MDL, which is
     * where CurrentMdl/CurrentMdlOffset point - not at the first MDL. */
    memset(&nb, 0, sizeof(nb));
    nb.MdlChain = &c.Mdls[0];
    nb.DataOffset = 20;
    nb.CurrentMdl = &c.Mdls[1];
    nb.CurrentMdlOffset = 6;
    nb.DataLength = 40;
    span = NkMdlSpanFromNb(&nb);
    assert_int_equal(NkMdlCopySpanToFlat(out, sizeof(out), &span, &copied), STATUS_SUCCESS);
    assert_int_equal(copied, 40);
    assert_memory_equal(out, flat + 20, 40);
    free(flat);
    ChainFree(&c);
}

static void test_peek(void **state)
{
    CHAIN c;
    ULONG lengths[] = {10, 4, 20};
    UCHAR storage[16];
    PVOID data;
    PUCHAR flat;
    NK_MDL_SPAN span;
    (void)state;

    Rng = 4;
    ChainBuild(&c, lengths, 3);
    flat = ChainFlatten(&c);
    /* Contiguous: a pointer into the MDL, no copy. */
    span = NkMdlSpan(&c.Mdls[0], 2, NK_MDL_TO_END);
    assert_int_equal(NkMdlSpanPeek(&span, 8, storage, &data), STATUS_SUCCESS);
    assert_ptr_equal(data, (PUCHAR)MmGetMdlVirtualAddress(&c.Mdls[0]) + 2);
    /* Straddling three MDLs: copied into storage. */
    assert_int_equal(NkMdlSpanPeek(&span, 14, storage, &data), STATUS_SUCCESS);
    assert_ptr_equal(data, storage);
    assert_memory_equal(storage, flat + 2, 14);
    /* Span shorter than asked. */
    span.Length = 5;
    assert_int_equal(NkMdlSpanPeek(&span, 6, storage, &data), STATUS_BUFFER_TOO_SMALL);
    assert_null(data);
    span = NkMdlSpan(&c.Mdls[2], 10, NK_MDL_TO_END);
    assert_int_equal(NkMdlSpanPeek(&span, 11, storage, &data), STATUS_BUFFER_TOO_SMALL);
    free(flat);
    ChainFree(&c);
}

static void test_nontemporal_large(void **state)
{
    CHAIN c;
    ULONG lengths[] = {1, 4093, 70000, 3};
    PUCHAR src, dst;
    SIZE_T total, copied;
    NK_MDL_SPAN span;
    (void)state;

    Rng = 5;
    ChainBuild(&c, lengths, 4);
    total = ChainTotal(&c);
    src = malloc(total);
    dst = malloc(total);
    for (SIZE_T i = 0; i < total; i++)
        src[i] = (UCHAR)(i * 7 + 3);
    span = NkMdlSpan(&c.Mdls[0], 0, NK_MDL_TO_END);
    assert_int_equal(NkMdlCopyFlatToSpanNonTemporal(&span, src, total, &copied), STATUS_SUCCESS);
    assert_int_equal(copied, total);
    assert_int_equal(NkMdlCopySpanToFlatNonTemporal(dst, total, &span, &copied), STATUS_SUCCESS);
    assert_memory_equal(src, dst, total);
    assert_int_equal(NkMdlSpanFillNonTemporal(&span, 0xA5), STATUS_SUCCESS);
    assert_int_equal(NkMdlCopySpanToFlat(dst, total, &span, NULL), STATUS_SUCCESS);
    for (SIZE_T i = 0; i < total; i++)
        assert_int_equal(dst[i], 0xA5);
    assert_int_equal(NkMdlSpanZeroSecure(&span), STATUS_SUCCESS);
    assert_int_equal(NkMdlCopySpanToFlat(dst, total, &span, NULL), STATUS_SUCCESS);
    for (SIZE_T i = 0; i < total; i++)
        assert_int_equal(dst[i], 0);
    free(src);
    free(dst);
    ChainFree(&c);
}

/* ---- the differential test -------------------------------------------------- */

#define ITERATIONS 4000

static void CheckIterate(const CHAIN *c, const UCHAR *flat, const SPAN_CASE *s)
{
    NK_MDL_ITERATOR it;
    PUCHAR va;
    SIZE_T len, done = 0, avail = ModelAvail(c, s);

    NkMdlIteratorInit(&it, &s->Span);
    while (NkMdlIteratorNext(&it, &va, &len)) {
        assert_true(len > 0);
        assert_true(done + len <= avail);
        assert_memory_equal(va, flat + s->AbsStart + done, len);
        done += len;
    }
    assert_int_equal(it.Status, ModelIterStatus(c, s));
    if (NT_SUCCESS(it.Status))
        assert_int_equal(done, avail);
}

static void CheckCopyOut(const CHAIN *c, const UCHAR *flat, const SPAN_CASE *s, BOOLEAN nt)
{
    SIZE_T want = Rand(3) == 0 ? ModelAvail(c, s) + Rand(5) : Rand((ULONG)ModelAvail(c, s) + 1);
    SIZE_T n = ModelAvail(c, s) < want ? ModelAvail(c, s) : want;
    PUCHAR out = malloc(want + 1);
    SIZE_T copied = (SIZE_T)-1;
    NTSTATUS st = nt ? NkMdlCopySpanToFlatNonTemporal(out, want, &s->Span, &copied)
                     : NkMdlCopySpanToFlat(out, want, &s->Span, &copied);

    assert_int_equal(copied, n);
    assert_memory_equal(out, flat + (n ? s->AbsStart : 0), n);
    assert_int_equal(st, n == want ? STATUS_SUCCESS : STATUS_BUFFER_TOO_SMALL);
    free(out);
}

static void CheckCopyIn(CHAIN *c, PUCHAR flat, const SPAN_CASE *s, BOOLEAN nt)
{
    SIZE_T avail = ModelAvail(c, s);
    SIZE_T want = Rand(3) == 0 ? avail + Rand(5) : Rand((ULONG)avail + 1);
    SIZE_T n = avail < want ? avail : want;
    PUCHAR in = malloc(want + 1), after;
    SIZE_T copied = (SIZE_T)-1;
    NTSTATUS st;

    for (SIZE_T i = 0; i < want; i++)
        in[i] = (UCHAR)Rand(256);
    st = nt ? NkMdlCopyFlatToSpanNonTemporal(&s->Span, in, want, &copied)
            : NkMdlCopyFlatToSpan(&s->Span, in, want, &copied);
    assert_int_equal(copied, n);
    assert_int_equal(st, n == want ? STATUS_SUCCESS : STATUS_BUFFER_TOO_SMALL);
    memcpy(flat + (n ? s->AbsStart : 0), in, n);      /* the model's version */
    after = ChainFlatten(c);
    assert_memory_equal(after, flat, ChainTotal(c));   /* and nothing else moved */
    free(after);
    free(in);
}

static void CheckFill(CHAIN *c, PUCHAR flat, const SPAN_CASE *s)
{
    SIZE_T n = ModelAvail(c, s);
    UCHAR v = (UCHAR)Rand(256);
    PUCHAR after;
    NTSTATUS st;

    switch (Rand(5)) {
    case 0: st = NkMdlSpanFill(&s->Span, v); break;
    case 1: st = NkMdlSpanFillNonTemporal(&s->Span, v); break;
    case 2: v = 0; st = NkMdlSpanZero(&s->Span); break;
    case 3: v = 0; st = NkMdlSpanZeroNonTemporal(&s->Span); break;
    default: v = 0; st = NkMdlSpanZeroSecure(&s->Span); break;
    }
    assert_int_equal(st, ModelIterStatus(c, s));
    if (n)
        memset(flat + s->AbsStart, v, n);
    after = ChainFlatten(c);
    assert_memory_equal(after, flat, ChainTotal(c));
    free(after);
}

static void CheckPeek(const CHAIN *c, const UCHAR *flat, const SPAN_CASE *s)
{
    SIZE_T avail = ModelAvail(c, s);
    SIZE_T want = Rand(2) ? Rand(64) : Rand((ULONG)avail + 2);
    PUCHAR storage = malloc(want + 1);
    PVOID data = (PVOID)1;
    NTSTATUS st = NkMdlSpanPeek(&s->Span, want, storage, &data);
    BOOLEAN ok = s->AbsStart <= ChainTotal(c) && want <= avail;

    if (!ok) {
        assert_int_equal(st, STATUS_BUFFER_TOO_SMALL);
        assert_null(data);
    } else {
        assert_int_equal(st, STATUS_SUCCESS);
        assert_memory_equal(data, flat + (want ? s->AbsStart : 0), want);
        if (want > 0) {
            /* No copy exactly when the bytes lie in one MDL. */
            ULONG i = 0;
            while (i < c->Count && c->Base[i + 1] <= s->AbsStart)
                i++;
            BOOLEAN contiguous = i < c->Count && s->AbsStart + want <= c->Base[i + 1];
            assert_int_equal(data != (PVOID)storage, contiguous);
        }
    }
    free(storage);
}

static void CheckEqualAndSpanCopy(void)
{
    CHAIN a, b;
    PUCHAR fa, fb, after;
    SPAN_CASE sa, sb;
    SIZE_T avail, want, n, copied;
    BOOLEAN equal;
    NTSTATUS st;

    RandomChain(&a);
    RandomChain(&b);
    fa = ChainFlatten(&a);
    fb = ChainFlatten(&b);
    sa = RandomSpan(&a);
    sb = RandomSpan(&b);
    avail = ModelAvail(&a, &sa) < ModelAvail(&b, &sb) ? ModelAvail(&a, &sa) : ModelAvail(&b, &sb);
    want = Rand(3) == 0 ? avail + Rand(4) : Rand((ULONG)avail + 1);
    n = avail < want ? avail : want;

    /* span -> span: B's bytes into A. */
    st = Rand(2) ? NkMdlCopySpanToSpan(&sa.Span, &sb.Span, want, &copied)
                 : NkMdlCopySpanToSpanNonTemporal(&sa.Span, &sb.Span, want, &copied);
    assert_int_equal(copied, n);
    assert_int_equal(st, n == want ? STATUS_SUCCESS : STATUS_BUFFER_TOO_SMALL);
    if (n)
        memcpy(fa + sa.AbsStart, fb + sb.AbsStart, n);
    after = ChainFlatten(&a);
    assert_memory_equal(after, fa, ChainTotal(&a));
    free(after);

    /* Now the first n bytes are equal; sometimes make one differ. */
    if (n && Rand(2)) {
        SIZE_T k = Rand((ULONG)n);
        NK_MDL_SPAN one = sa.Span;
        UCHAR x = (UCHAR)(fa[sa.AbsStart + k] ^ 0x5A);
        assert_int_equal(NkMdlOffsetAdvance(&one.Start, k), STATUS_SUCCESS);
        one.Length = 1;
        assert_int_equal(NkMdlCopyFlatToSpan(&one, &x, 1, NULL), STATUS_SUCCESS);
        fa[sa.AbsStart + k] = x;
    }
    st = NkMdlSpanEqual(&sa.Span, &sb.Span, want, &equal);
    {
        BOOLEAN differs = n && memcmp(fa + sa.AbsStart, fb + sb.AbsStart, n) != 0;
        if (differs) {
            assert_int_equal(st, STATUS_SUCCESS);
            assert_false(equal);
        } else if (n < want) {
            assert_int_equal(st, STATUS_BUFFER_TOO_SMALL);
            assert_false(equal);
        } else {
            assert_int_equal(st, STATUS_SUCCESS);
            assert_true(equal);
        }
    }
    free(fa);
    free(fb);
    ChainFree(&a);
    ChainFree(&b);
}

static void CheckNormalize(const CHAIN *c, const SPAN_CASE *s)
{
    NK_MDL_OFFSET p = s->Span.Start;
    NTSTATUS st = NkMdlOffsetNormalize(&p);

    if (s->AbsStart > ChainTotal(c)) {
        assert_int_equal(st, STATUS_BUFFER_TOO_SMALL);
        assert_memory_equal(&p, &s->Span.Start, sizeof(p));
        return;
    }
    assert_int_equal(st, STATUS_SUCCESS);
    if (s->AbsStart == ChainTotal(c)) {
        assert_null(p.Mdl);
        assert_int_equal(p.Offset, 0);
    } else {
        ULONG i = (ULONG)(p.Mdl - (PMDL)&c->Mdls[0]);
        assert_true(i < c->Count);
        assert_true(p.Offset < MmGetMdlByteCount(p.Mdl));
        assert_int_equal(c->Base[i] + p.Offset, s->AbsStart);
    }
}

static void test_random_differential(void **state)
{
    ULONG64 seed = SeedFromEnv();
    (void)state;

    Rng = seed;
    for (ULONG iter = 0; iter < ITERATIONS; iter++) {
        CHAIN c;
        PUCHAR flat;
        SPAN_CASE s;

        RandomChain(&c);
        flat = ChainFlatten(&c);
        s = RandomSpan(&c);
        CheckNormalize(&c, &s);
        CheckIterate(&c, flat, &s);
        CheckCopyOut(&c, flat, &s, (BOOLEAN)(iter & 1));
        CheckPeek(&c, flat, &s);
        CheckCopyIn(&c, flat, &s, (BOOLEAN)(iter & 2));
        CheckFill(&c, flat, &s);
        free(flat);
        ChainFree(&c);
        CheckEqualAndSpanCopy();
    }
}

static int PrintSeed(void **state)
{
    (void)state;
    fprintf(stderr, "test_mdl: random seed 0x%llx (set NDISKIT_TEST_SEED to replay)\n",
            (unsigned long long)SeedFromEnv());
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_normalize_and_advance),
        cmocka_unit_test(test_span_from_nb),
        cmocka_unit_test(test_peek),
        cmocka_unit_test(test_nontemporal_large),
        cmocka_unit_test(test_random_differential),
    };
    return cmocka_run_group_tests(tests, PrintSeed, NULL);
}
