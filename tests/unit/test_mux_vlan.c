/*
 * test_mux_vlan.c - drivers/mux/vlan.h, mux's pure helpers.
 *
 * Tag insertion and stripping run on NET_BUFFERs whose data is spread over
 * MDL chains split at every pair of offsets (each MDL over its own heap
 * block of exactly its length, so a byte read or written past one is an
 * ASan report), with the NET_BUFFER starting a few bytes into its first
 * MDL, and must give the bytes a flat model gives.  Then the header parser
 * on runts and truncated tags, the receive filter bit by bit, the
 * multicast table, MAC derivation, and UpperBindings parsing with hostile
 * multi-strings.
 */
#define NDIS630 1
#include <ndis.h>
#include <ndiskit/mdl.h>

#include "vlan.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* ---- NET_BUFFERs over split chains --------------------------------------- */

#define MAX_PARTS 3
#define LEAD 3      /* bytes of the first MDL before the NET_BUFFER's data */

typedef struct _SPLIT_NB {
    NET_BUFFER Nb;
    MDL Mdls[MAX_PARTS];
    PUCHAR Blocks[MAX_PARTS];
    ULONG Parts;
} SPLIT_NB;

/* Frame (Length bytes) behind LEAD bytes of junk, cut at A and B (offsets
 * into the whole, A <= B); zero-length parts are kept as zero-length MDLs. */
static void SplitBuild(SPLIT_NB *s, const UCHAR *Frame, SIZE_T Length, SIZE_T A, SIZE_T B)
{
    SIZE_T total = Length + LEAD, cuts[MAX_PARTS + 1] = {0, A, B, total};
    UCHAR *whole = malloc(total);
    assert_non_null(whole);
    memset(whole, 0xEE, LEAD);
    memcpy(whole + LEAD, Frame, Length);
    memset(s, 0, sizeof(*s));
    s->Parts = MAX_PARTS;
    for (ULONG i = 0; i < MAX_PARTS; i++) {
        SIZE_T len = cuts[i + 1] - cuts[i];
        s->Blocks[i] = malloc(len ? len : 1);
        assert_non_null(s->Blocks[i]);
        memcpy(s->Blocks[i], whole + cuts[i], len);
        MmInitializeMdl(&s->Mdls[i], s->Blocks[i], len);
        s->Mdls[i].Next = i + 1 < MAX_PARTS ? &s->Mdls[i + 1] : NULL;
    }
    free(whole);
    NET_BUFFER_FIRST_MDL(&s->Nb) = &s->Mdls[0];
    NET_BUFFER_CURRENT_MDL(&s->Nb) = &s->Mdls[0];
    NET_BUFFER_CURRENT_MDL_OFFSET(&s->Nb) = LEAD;
    NET_BUFFER_DATA_OFFSET(&s->Nb) = LEAD;
    NET_BUFFER_DATA_LENGTH(&s->Nb) = (ULONG)Length;
}

static void SplitFree(SPLIT_NB *s)
{
    for (ULONG i = 0; i < s->Parts; i++)
        free(s->Blocks[i]);
}

static void MakeFrame(UCHAR *Frame, SIZE_T Length, BOOLEAN Tagged, ULONG Vid, ULONG Priority)
{
    static const UCHAR dst[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55}, src[6] = {0x02, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE};
    SIZE_T at = 12;
    memcpy(Frame, dst, 6);
    memcpy(Frame + 6, src, 6);
    if (Tagged) {
        USHORT tci = MuxTci(Vid, Priority);
        Frame[at++] = 0x81;
        Frame[at++] = 0x00;
        Frame[at++] = (UCHAR)(tci >> 8);
        Frame[at++] = (UCHAR)tci;
    }
    Frame[at++] = 0x08;
    Frame[at++] = 0x00;
    for (; at < Length; at++)
        Frame[at] = (UCHAR)(at * 7 + 1);
}

static void test_insert_every_split(void **state)
{
    UCHAR frame[64], expect[68], out[80];
    ULONG checked = 0;
    (void)state;

    MakeFrame(frame, sizeof(frame), FALSE, 0, 0);
    /* The model: addresses, 81 00, TCI (VID 0x123 = 291, priority 5), the rest. */
    memcpy(expect, frame, 12);
    expect[12] = 0x81;
    expect[13] = 0x00;
    expect[14] = (UCHAR)((5 << 5) | 0x01);
    expect[15] = 0x23;
    memcpy(expect + 16, frame + 12, sizeof(frame) - 12);

    for (SIZE_T a = 0; a <= sizeof(frame) + LEAD; a++) {
        for (SIZE_T b = a; b <= sizeof(frame) + LEAD; b++) {
            SPLIT_NB s;
            NK_MDL_SPAN span;
            SIZE_T written;
            SplitBuild(&s, frame, sizeof(frame), a, b);
            span = NkMdlSpanFromNb(&s.Nb);

            memset(out, 0x5A, sizeof(out));
            assert_int_equal(MuxVlanInsertCopy(&span, sizeof(frame), TRUE, MuxTci(0x123, 5), out, sizeof(out),
                                               &written), STATUS_SUCCESS);
            assert_int_equal(written, sizeof(expect));
            assert_memory_equal(out, expect, sizeof(expect));
            assert_int_equal(out[sizeof(expect)], 0x5A);    /* nothing past the frame */

            assert_int_equal(MuxVlanInsertCopy(&span, sizeof(frame), FALSE, 0, out, sizeof(out), &written),
                             STATUS_SUCCESS);
            assert_int_equal(written, sizeof(frame));
            assert_memory_equal(out, frame, sizeof(frame));

            /* A destination one byte short is refused, untouched. */
            memset(out, 0x5A, sizeof(out));
            assert_int_equal(MuxVlanInsertCopy(&span, sizeof(frame), TRUE, 0, out, sizeof(expect) - 1, &written),
                             STATUS_BUFFER_TOO_SMALL);
            assert_int_equal(written, 0);
            assert_int_equal(out[0], 0x5A);
            SplitFree(&s);
            checked++;
        }
    }
    assert_true(checked > 2000);
}

static void test_strip_every_split(void **state)
{
    UCHAR tagged[68], plain[64], out[80];
    (void)state;

    MakeFrame(plain, sizeof(plain), FALSE, 0, 0);
    MakeFrame(tagged, sizeof(tagged), TRUE, 4094, 7);
    /* The same payload after the type in both. */
    memcpy(tagged + 18, plain + 14, sizeof(plain) - 14);

    for (SIZE_T a = 0; a <= sizeof(tagged) + LEAD; a++) {
        for (SIZE_T b = a; b <= sizeof(tagged) + LEAD; b++) {
            SPLIT_NB s;
            NK_MDL_SPAN span;
            MUX_FRAME_HEADER h;
            SIZE_T written;
            SplitBuild(&s, tagged, sizeof(tagged), a, b);
            span = NkMdlSpanFromNb(&s.Nb);
            assert_int_equal(MuxVlanParse(&span, sizeof(tagged), &h), STATUS_SUCCESS);
            assert_true(h.Tagged);
            assert_int_equal(h.VlanId, 4094);
            assert_int_equal(h.Priority, 7);
            assert_int_equal(h.EtherType, 0x0800);
            assert_memory_equal(h.Destination, plain, 6);
            assert_memory_equal(h.Source, plain + 6, 6);
            memset(out, 0x5A, sizeof(out));
            assert_int_equal(MuxVlanStripCopy(&span, sizeof(tagged), &h, out, sizeof(out), &written),
                             STATUS_SUCCESS);
            assert_int_equal(written, sizeof(plain));
            assert_memory_equal(out, plain, sizeof(plain));
            assert_int_equal(out[sizeof(plain)], 0x5A);
            SplitFree(&s);

            if (b <= sizeof(plain) + LEAD) {
                SplitBuild(&s, plain, sizeof(plain), a, b);
                span = NkMdlSpanFromNb(&s.Nb);
                assert_int_equal(MuxVlanParse(&span, sizeof(plain), &h), STATUS_SUCCESS);
                assert_false(h.Tagged);
                assert_int_equal(h.VlanId, 0);
                assert_int_equal(MuxVlanStripCopy(&span, sizeof(plain), &h, out, sizeof(out), &written),
                                 STATUS_SUCCESS);
                assert_int_equal(written, sizeof(plain));
                assert_memory_equal(out, plain, sizeof(plain));
                SplitFree(&s);
            }
        }
    }
}

/* Runts, truncated tags, and a NET_BUFFER claiming more than its chain. */
static void test_parse_hostile(void **state)
{
    UCHAR tagged[18], out[32];
    MUX_FRAME_HEADER h;
    (void)state;

    MakeFrame(tagged, sizeof(tagged), TRUE, 10, 1);
    for (SIZE_T len = 0; len < sizeof(tagged); len++) {
        for (SIZE_T a = 0; a <= len + LEAD; a++) {
            SPLIT_NB s;
            NK_MDL_SPAN span;
            SIZE_T written;
            SplitBuild(&s, tagged, len, a, len + LEAD);
            span = NkMdlSpanFromNb(&s.Nb);
            /* Shorter than 14, or a tag cut short: never parsed. */
            assert_int_equal(MuxVlanParse(&span, len, &h), STATUS_BUFFER_TOO_SMALL);
            if (len < 14) {
                assert_int_equal(MuxVlanInsertCopy(&span, len, TRUE, 0, out, sizeof(out), &written),
                                 STATUS_BUFFER_TOO_SMALL);
            }
            /* The NET_BUFFER says 18 but the chain holds len bytes. */
            NET_BUFFER_DATA_LENGTH(&s.Nb) = sizeof(tagged);
            span = NkMdlSpanFromNb(&s.Nb);
            assert_int_not_equal(MuxVlanParse(&span, sizeof(tagged), &h), STATUS_SUCCESS);
            if (len >= 14) {
                /* An untagged header claiming 18 bytes on a shorter chain. */
                MUX_FRAME_HEADER plain = {0};
                assert_int_not_equal(MuxVlanStripCopy(&span, sizeof(tagged), &plain, out, sizeof(out), &written),
                                     STATUS_SUCCESS);
            }
            SplitFree(&s);
        }
    }
    /* A priority-only tag (VID 0) parses as tagged, VLAN 0. */
    MakeFrame(tagged, sizeof(tagged), TRUE, 0, 6);
    {
        SPLIT_NB s;
        NK_MDL_SPAN span;
        SplitBuild(&s, tagged, sizeof(tagged), 5, 9);
        span = NkMdlSpanFromNb(&s.Nb);
        assert_int_equal(MuxVlanParse(&span, sizeof(tagged), &h), STATUS_SUCCESS);
        assert_true(h.Tagged);
        assert_int_equal(h.VlanId, 0);
        assert_int_equal(h.Priority, 6);
        SplitFree(&s);
    }
}

/* ---- filter and multicast table ------------------------------------------- */

static void test_filter_bits(void **state)
{
    static const UCHAR own[6] = {0x02, 1, 2, 3, 4, 5}, other[6] = {0x02, 1, 2, 3, 4, 6};
    static const UCHAR bcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    static const UCHAR mc_in[6] = {0x01, 0x00, 0x5E, 0, 0, 1}, mc_out[6] = {0x01, 0x00, 0x5E, 0, 0, 2};
    const UCHAR *dests[] = {own, other, bcast, mc_in, mc_out};
    MUX_MULTICAST_TABLE table = {0};
    (void)state;

    assert_int_equal(MuxMulticastTableSet(&table, mc_in, 6), NDIS_STATUS_SUCCESS);
    /* Expected acceptance per filter bit, for own, other, broadcast, listed and unlisted multicast. */
    static const struct {
        ULONG Filter;
        BOOLEAN Accept[5];
    } cases[] = {
        {0, {0, 0, 0, 0, 0}},
        {NDIS_PACKET_TYPE_DIRECTED, {1, 0, 0, 0, 0}},
        {NDIS_PACKET_TYPE_BROADCAST, {0, 0, 1, 0, 0}},
        {NDIS_PACKET_TYPE_MULTICAST, {0, 0, 0, 1, 0}},
        {NDIS_PACKET_TYPE_ALL_MULTICAST, {0, 0, 0, 1, 1}},
        {NDIS_PACKET_TYPE_PROMISCUOUS, {1, 1, 1, 1, 1}},
        {NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST | NDIS_PACKET_TYPE_MULTICAST, {1, 0, 1, 1, 0}},
    };
    for (ULONG c = 0; c < RTL_NUMBER_OF(cases); c++)
        for (ULONG d = 0; d < 5; d++)
            assert_int_equal(MuxFilterAccepts(cases[c].Filter, own, &table, dests[d]), cases[c].Accept[d]);
}

static void test_multicast_table(void **state)
{
    UCHAR list[33 * 6];
    MUX_MULTICAST_TABLE table = {0};
    (void)state;

    for (ULONG i = 0; i < 33; i++) {
        UCHAR mac[6] = {0x01, 0x00, 0x5E, 0x00, 0x00, (UCHAR)i};
        memcpy(list + i * 6, mac, 6);
    }
    assert_int_equal(MuxMulticastTableSet(&table, list, 32 * 6), NDIS_STATUS_SUCCESS);
    assert_int_equal(table.Count, 32);
    assert_true(MuxMulticastTableContains(&table, list + 31 * 6));
    assert_false(MuxMulticastTableContains(&table, list + 32 * 6));
    /* Failures leave the table as it was. */
    assert_int_equal(MuxMulticastTableSet(&table, list, 33 * 6), NDIS_STATUS_MULTICAST_FULL);
    assert_int_equal(MuxMulticastTableSet(&table, list, 7), NDIS_STATUS_INVALID_LENGTH);
    list[6] = 0x02;     /* entry 1 unicast */
    assert_int_equal(MuxMulticastTableSet(&table, list, 3 * 6), NDIS_STATUS_INVALID_DATA);
    assert_int_equal(table.Count, 32);
    assert_int_equal(MuxMulticastTableSet(&table, NULL, 0), NDIS_STATUS_SUCCESS);
    assert_int_equal(table.Count, 0);
    assert_false(MuxMulticastTableContains(&table, list));
}

/* ---- addresses ------------------------------------------------------------- */

static void test_derive_mac(void **state)
{
    static const UCHAR lowers[][6] = {
        {0x00, 0x15, 0x5D, 0x01, 0x02, 0x03},   /* universal */
        {0x02, 0x00, 0x00, 0x00, 0x00, 0x01},   /* already locally administered */
        {0x03, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF},   /* hostile: a group address */
    };
    (void)state;

    for (ULONG l = 0; l < RTL_NUMBER_OF(lowers); l++) {
        UCHAR macs[MUX_MAX_VELANS][6];
        for (ULONG i = 0; i < MUX_MAX_VELANS; i++) {
            MuxDeriveMac(lowers[l], i, macs[i]);
            assert_true(macs[i][0] & 0x02);         /* locally administered */
            assert_false(MuxMacIsMulticast(macs[i]));
            assert_false(MuxMacEqual(macs[i], lowers[l]));
            assert_memory_equal(macs[i] + 2, lowers[l] + 2, 4);
            for (ULONG j = 0; j < i; j++)
                assert_false(MuxMacEqual(macs[i], macs[j]));
        }
    }
}

/* ---- UpperBindings ---------------------------------------------------------- */

/* A heap copy of exactly Chars characters, so reading past is an ASan report. */
static WCHAR *Exact(const WCHAR *Source, SIZE_T Chars)
{
    WCHAR *p = malloc(Chars ? Chars * sizeof(WCHAR) : 1);
    assert_non_null(p);
    memcpy(p, Source, Chars * sizeof(WCHAR));
    return p;
}

static SIZE_T WLen(const WCHAR *S)
{
    SIZE_T n = 0;
    while (S[n] != 0)
        n++;
    return n;
}

static void test_upper_bindings(void **state)
{
    MUX_NAME_LIST *list = malloc(sizeof(*list));
    WCHAR *p;
    (void)state;
    assert_non_null(list);

    /* Absent, empty, a lone terminator. */
    MuxParseUpperBindings(NULL, 5, list);
    assert_int_equal(list->Count, 0);
    p = Exact(L"", 0);
    MuxParseUpperBindings(p, 0, list);
    assert_int_equal(list->Count, 0);
    free(p);
    p = Exact(L"\0\0", 2);
    MuxParseUpperBindings(p, 2, list);
    assert_int_equal(list->Count, 0);
    free(p);

    /* Two names, properly terminated. */
    {
        static const WCHAR v[] = L"\\Device\\{A}\0\\Device\\{B}\0";
        p = Exact(v, RTL_NUMBER_OF(v));
        MuxParseUpperBindings(p, RTL_NUMBER_OF(v), list);
        assert_int_equal(list->Count, 2);
        assert_true(MuxNameEqual(list->Names[0], L"\\Device\\{A}"));
        assert_true(MuxNameEqual(list->Names[1], L"\\device\\{b}"));
        free(p);
    }
    /* Unterminated: the buffer's end ends the last name, nothing past it is read. */
    {
        static const WCHAR v[] = L"\\Device\\{A}\0\\Device\\{C}";
        p = Exact(v, RTL_NUMBER_OF(v) - 1);
        MuxParseUpperBindings(p, RTL_NUMBER_OF(v) - 1, list);
        assert_int_equal(list->Count, 2);
        assert_int_equal(WLen(list->Names[1]), 11);
        free(p);
    }
    /* An empty entry ends the list; repeats (any case) are skipped. */
    {
        static const WCHAR v[] = L"\\Device\\{A}\0\\DEVICE\\{a}\0\0\\Device\\{Z}\0";
        p = Exact(v, RTL_NUMBER_OF(v));
        MuxParseUpperBindings(p, RTL_NUMBER_OF(v), list);
        assert_int_equal(list->Count, 1);
        assert_int_equal(list->Skipped, 1);
        free(p);
    }
    /* Overlong: 95 characters fit, 96 do not; an overlong unterminated tail too. */
    {
        WCHAR v[300];
        SIZE_T at = 0;
        for (SIZE_T i = 0; i < MUX_INSTANCE_NAME_CHARS - 1; i++)
            v[at++] = L'a';
        v[at++] = 0;
        for (SIZE_T i = 0; i < MUX_INSTANCE_NAME_CHARS; i++)
            v[at++] = L'b';
        v[at++] = 0;
        v[at++] = L'c';
        v[at++] = 0;
        for (SIZE_T i = 0; i < MUX_INSTANCE_NAME_CHARS + 5; i++)
            v[at++] = L'd';
        p = Exact(v, at);
        MuxParseUpperBindings(p, at, list);
        assert_int_equal(list->Count, 2);
        assert_int_equal(WLen(list->Names[0]), MUX_INSTANCE_NAME_CHARS - 1);
        assert_true(MuxNameEqual(list->Names[1], L"c"));
        assert_int_equal(list->Skipped, 2);
        free(p);
    }
    /* Too many: the first 64 are kept, the rest ignored and flagged. */
    {
        WCHAR *v = malloc(100 * 16 * sizeof(WCHAR));
        SIZE_T at = 0;
        assert_non_null(v);
        for (ULONG i = 0; i < 100; i++) {
            char name[16];
            snprintf(name, sizeof(name), "\\Device\\%u", i);
            for (SIZE_T k = 0; name[k]; k++)
                v[at++] = (WCHAR)name[k];
            v[at++] = 0;
        }
        p = Exact(v, at);
        MuxParseUpperBindings(p, at, list);
        assert_int_equal(list->Count, MUX_MAX_VELANS);
        assert_true(list->Truncated);
        assert_true(MuxNameEqual(list->Names[63], L"\\Device\\63"));
        free(p);
        free(v);
    }
    free(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_insert_every_split),
        cmocka_unit_test(test_strip_every_split),
        cmocka_unit_test(test_parse_hostile),
        cmocka_unit_test(test_filter_bits),
        cmocka_unit_test(test_multicast_table),
        cmocka_unit_test(test_derive_mac),
        cmocka_unit_test(test_upper_bindings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
