/*
 * vlan.h - mux's pure helpers: 802.1Q tags on frames in MDL chains, the
 * per-VELAN receive filter and multicast table, VELAN MAC addresses, and
 * the parsing of a hostile registry value (UpperBindings).
 *
 * Nothing here allocates, takes a lock or calls NDIS: each routine works on
 * what it is given, so tests/unit/test_mux_vlan.c runs them on chains split
 * at every offset.  Frames are read through <ndiskit/mdl.h> spans, which
 * never touch a byte past the chain; a frame shorter than the header it
 * must have is refused with STATUS_BUFFER_TOO_SMALL, never read past.
 * Any IRQL (the buffers must be resident).
 */
#ifndef MUX_VLAN_H
#define MUX_VLAN_H

#include <ndis.h>
#include <ndiskit/mdl.h>

#include "muxioctl.h"

#define MUX_ETH_ADDRESS      6
#define MUX_ETH_HEADER       14
#define MUX_VLAN_TAG         4
#define MUX_TPID             0x8100
#define MUX_MAX_VLAN_ID      4095
#define MUX_MAX_MULTICAST    32
#define MUX_MAX_VELANS       64     /* per lower adapter */

/* ------------------------------------------------------------------------
 * Addresses.
 */
FORCEINLINE BOOLEAN MuxMacIsMulticast(_In_reads_(6) const UCHAR *Mac)
{
    return (Mac[0] & 0x01) != 0;
}

FORCEINLINE BOOLEAN MuxMacIsBroadcast(_In_reads_(6) const UCHAR *Mac)
{
    return (Mac[0] & Mac[1] & Mac[2] & Mac[3] & Mac[4] & Mac[5]) == 0xFF;
}

FORCEINLINE BOOLEAN MuxMacEqual(_In_reads_(6) const UCHAR *A, _In_reads_(6) const UCHAR *B)
{
    ULONG i;
    for (i = 0; i < MUX_ETH_ADDRESS; i++)
        if (A[i] != B[i])
            return FALSE;
    return TRUE;
}

/*
 * A VELAN's address when its NetworkAddress is not set: the lower
 * adapter's, made locally administered (bit 1 of the first byte) and
 * unicast, with the second byte XORed with Index + 1 (Index is the
 * VELAN's slot, 0 to MUX_MAX_VELANS - 1).  Two VELANs of one adapter
 * therefore never share an address and none equals the lower adapter's,
 * whatever the lower address is (if it is already locally administered,
 * only the second byte differs, and by a different non-zero value each).
 */
FORCEINLINE VOID MuxDeriveMac(_In_reads_(6) const UCHAR *Lower, _In_ ULONG Index, _Out_writes_(6) UCHAR *Out)
{
    ULONG i;
    for (i = 0; i < MUX_ETH_ADDRESS; i++)
        Out[i] = Lower[i];
    Out[0] = (UCHAR)((Out[0] | 0x02) & ~0x01);
    Out[1] = (UCHAR)(Out[1] ^ (UCHAR)((Index % MUX_MAX_VELANS) + 1));
}

/* ------------------------------------------------------------------------
 * The multicast table and the receive filter.
 */
typedef struct _MUX_MULTICAST_TABLE {
    ULONG Count;
    UCHAR Addresses[MUX_MAX_MULTICAST][MUX_ETH_ADDRESS];
} MUX_MULTICAST_TABLE, *PMUX_MULTICAST_TABLE;

/*
 * OID_802_3_MULTICAST_LIST's set: Length bytes of 6-byte addresses.  The
 * table changes only on success.  NDIS_STATUS_INVALID_LENGTH if Length is
 * not a multiple of 6, NDIS_STATUS_MULTICAST_FULL above 32 entries,
 * NDIS_STATUS_INVALID_DATA if an entry is not a multicast address.
 */
FORCEINLINE NDIS_STATUS MuxMulticastTableSet(_Inout_ PMUX_MULTICAST_TABLE Table,
                                             _In_reads_bytes_(Length) const VOID *Buffer, _In_ ULONG Length)
{
    const UCHAR *p = (const UCHAR *)Buffer;
    ULONG n, i, b;

    if (Length % MUX_ETH_ADDRESS != 0)
        return NDIS_STATUS_INVALID_LENGTH;
    n = Length / MUX_ETH_ADDRESS;
    if (n > MUX_MAX_MULTICAST)
        return NDIS_STATUS_MULTICAST_FULL;
    for (i = 0; i < n; i++)
        if (!MuxMacIsMulticast(p + i * MUX_ETH_ADDRESS))
            return NDIS_STATUS_INVALID_DATA;
    for (i = 0; i < n; i++)
        for (b = 0; b < MUX_ETH_ADDRESS; b++)
            Table->Addresses[i][b] = p[i * MUX_ETH_ADDRESS + b];
    Table->Count = n;
    return NDIS_STATUS_SUCCESS;
}

FORCEINLINE BOOLEAN MuxMulticastTableContains(_In_ const MUX_MULTICAST_TABLE *Table, _In_reads_(6) const UCHAR *Mac)
{
    ULONG i;
    for (i = 0; i < Table->Count && i < MUX_MAX_MULTICAST; i++)
        if (MuxMacEqual(Table->Addresses[i], Mac))
            return TRUE;
    return FALSE;
}

/* The filter bits a VELAN accepts in OID_GEN_CURRENT_PACKET_FILTER. */
#define MUX_SUPPORTED_FILTERS                                                                    \
    (NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_MULTICAST | NDIS_PACKET_TYPE_ALL_MULTICAST |   \
     NDIS_PACKET_TYPE_BROADCAST | NDIS_PACKET_TYPE_PROMISCUOUS)

/*
 * Whether a VELAN with address Own, packet filter Filter and multicast
 * table Table takes a frame sent to Destination: promiscuous takes
 * everything; broadcast needs BROADCAST; other group addresses need
 * ALL_MULTICAST, or MULTICAST and a table entry; a unicast needs DIRECTED
 * and the VELAN's own address.
 */
FORCEINLINE BOOLEAN MuxFilterAccepts(_In_ ULONG Filter, _In_reads_(6) const UCHAR *Own,
                                     _In_ const MUX_MULTICAST_TABLE *Table, _In_reads_(6) const UCHAR *Destination)
{
    if (Filter & NDIS_PACKET_TYPE_PROMISCUOUS)
        return TRUE;
    if (MuxMacIsBroadcast(Destination))
        return (Filter & NDIS_PACKET_TYPE_BROADCAST) != 0;
    if (MuxMacIsMulticast(Destination)) {
        if (Filter & NDIS_PACKET_TYPE_ALL_MULTICAST)
            return TRUE;
        return (Filter & NDIS_PACKET_TYPE_MULTICAST) != 0 && MuxMulticastTableContains(Table, Destination);
    }
    return (Filter & NDIS_PACKET_TYPE_DIRECTED) != 0 && MuxMacEqual(Own, Destination);
}

/* ------------------------------------------------------------------------
 * 802.1Q tags.
 */
FORCEINLINE USHORT MuxTci(_In_ ULONG VlanId, _In_ ULONG Priority)
{
    return (USHORT)(((Priority & 7) << 13) | (VlanId & 0xFFF));
}

typedef struct _MUX_FRAME_HEADER {
    UCHAR Destination[MUX_ETH_ADDRESS];
    UCHAR Source[MUX_ETH_ADDRESS];
    BOOLEAN Tagged;         /* an 802.1Q tag follows the addresses */
    ULONG VlanId;           /* the tag's, 0 if untagged */
    ULONG Priority;         /* the tag's PCP, 0 if untagged */
    USHORT EtherType;       /* the type after the tag, if any */
} MUX_FRAME_HEADER, *PMUX_FRAME_HEADER;

/*
 * Reads a frame's Ethernet header (and its 802.1Q tag) from the first
 * Length bytes of Span.  STATUS_BUFFER_TOO_SMALL for a frame shorter than
 * 14 bytes, or a tagged one shorter than 18 (a truncated tag is not
 * delivered as if it were untagged).
 */
FORCEINLINE NTSTATUS MuxVlanParse(_In_ PCNK_MDL_SPAN Span, _In_ SIZE_T Length, _Out_ PMUX_FRAME_HEADER Header)
{
    UCHAR storage[MUX_ETH_HEADER + MUX_VLAN_TAG];
    NK_MDL_SPAN span = *Span;
    PUCHAR p;
    NTSTATUS status;
    ULONG i;

    RtlZeroMemory(Header, sizeof(*Header));
    if (span.Length == NK_MDL_TO_END || span.Length > Length)
        span.Length = Length;
    if (span.Length < MUX_ETH_HEADER)
        return STATUS_BUFFER_TOO_SMALL;
    status = NkMdlSpanPeek(&span, MUX_ETH_HEADER, storage, (PVOID *)&p);
    if (!NT_SUCCESS(status))
        return status;
    for (i = 0; i < MUX_ETH_ADDRESS; i++) {
        Header->Destination[i] = p[i];
        Header->Source[i] = p[MUX_ETH_ADDRESS + i];
    }
    Header->EtherType = (USHORT)((p[12] << 8) | p[13]);
    if (Header->EtherType != MUX_TPID)
        return STATUS_SUCCESS;
    if (span.Length < MUX_ETH_HEADER + MUX_VLAN_TAG)
        return STATUS_BUFFER_TOO_SMALL;
    status = NkMdlSpanPeek(&span, MUX_ETH_HEADER + MUX_VLAN_TAG, storage, (PVOID *)&p);
    if (!NT_SUCCESS(status))
        return status;
    Header->Tagged = TRUE;
    Header->Priority = p[14] >> 5;
    Header->VlanId = ((ULONG)(p[14] & 0x0F) << 8) | p[15];
    Header->EtherType = (USHORT)((p[16] << 8) | p[17]);
    return STATUS_SUCCESS;
}

/* The span Offset bytes into Span (the rest of it). */
FORCEINLINE NK_MDL_SPAN MuxSpanFrom(_In_ PCNK_MDL_SPAN Span, _In_ SIZE_T Length, _In_ SIZE_T Offset)
{
    return NkMdlSpan(Span->Start.Mdl, Span->Start.Offset + Offset, Length - Offset);
}

/*
 * Copies the Length-byte frame in Source into Destination (DestinationLength
 * bytes), inserting an 802.1Q tag with Tci after the addresses when Tag is
 * set.  *Written gets the frame's new length.  STATUS_BUFFER_TOO_SMALL if
 * the frame is shorter than an Ethernet header, the chain holds fewer than
 * Length bytes, or Destination cannot take the result.
 */
FORCEINLINE NTSTATUS MuxVlanInsertCopy(_In_ PCNK_MDL_SPAN Source, _In_ SIZE_T Length, _In_ BOOLEAN Tag,
                                       _In_ USHORT Tci, _Out_writes_bytes_(DestinationLength) PUCHAR Destination,
                                       _In_ SIZE_T DestinationLength, _Out_ SIZE_T *Written)
{
    SIZE_T extra = Tag ? MUX_VLAN_TAG : 0;
    NK_MDL_SPAN rest;
    NTSTATUS status;

    *Written = 0;
    if (Length < MUX_ETH_HEADER || DestinationLength < Length + extra)
        return STATUS_BUFFER_TOO_SMALL;
    if (!Tag) {
        status = NkMdlCopySpanToFlat(Destination, Length, Source, NULL);
        goto out;
    }
    status = NkMdlCopySpanToFlat(Destination, 2 * MUX_ETH_ADDRESS, Source, NULL);
    if (!NT_SUCCESS(status))
        goto out;
    Destination[12] = (UCHAR)(MUX_TPID >> 8);
    Destination[13] = (UCHAR)(MUX_TPID & 0xFF);
    Destination[14] = (UCHAR)(Tci >> 8);
    Destination[15] = (UCHAR)(Tci & 0xFF);
    rest = MuxSpanFrom(Source, Length, 2 * MUX_ETH_ADDRESS);
    status = NkMdlCopySpanToFlat(Destination + 16, Length - 2 * MUX_ETH_ADDRESS, &rest, NULL);
out:
    if (NT_SUCCESS(status))
        *Written = Length + extra;
    return status;
}

/*
 * Copies the Length-byte frame in Source, parsed into Header, to
 * Destination without its 802.1Q tag (as it is, if untagged).  *Written
 * gets the new length.  STATUS_BUFFER_TOO_SMALL as MuxVlanInsertCopy.
 */
FORCEINLINE NTSTATUS MuxVlanStripCopy(_In_ PCNK_MDL_SPAN Source, _In_ SIZE_T Length,
                                      _In_ const MUX_FRAME_HEADER *Header,
                                      _Out_writes_bytes_(DestinationLength) PUCHAR Destination,
                                      _In_ SIZE_T DestinationLength, _Out_ SIZE_T *Written)
{
    SIZE_T out = Header->Tagged ? Length - MUX_VLAN_TAG : Length;
    NK_MDL_SPAN rest;
    NTSTATUS status;

    *Written = 0;
    if (Length < MUX_ETH_HEADER + (Header->Tagged ? MUX_VLAN_TAG : 0) || DestinationLength < out)
        return STATUS_BUFFER_TOO_SMALL;
    if (!Header->Tagged) {
        status = NkMdlCopySpanToFlat(Destination, Length, Source, NULL);
        goto out;
    }
    status = NkMdlCopySpanToFlat(Destination, 2 * MUX_ETH_ADDRESS, Source, NULL);
    if (!NT_SUCCESS(status))
        goto out;
    rest = MuxSpanFrom(Source, Length, 2 * MUX_ETH_ADDRESS + MUX_VLAN_TAG);
    status = NkMdlCopySpanToFlat(Destination + 2 * MUX_ETH_ADDRESS, out - 2 * MUX_ETH_ADDRESS, &rest, NULL);
out:
    if (NT_SUCCESS(status))
        *Written = out;
    return status;
}

/* ------------------------------------------------------------------------
 * UpperBindings: a REG_MULTI_SZ of "\Device\{GUID}" names.
 */
typedef struct _MUX_NAME_LIST {
    ULONG Count;
    ULONG Skipped;          /* entries refused: overlong or repeated */
    BOOLEAN Truncated;      /* more than MUX_MAX_VELANS names: the rest were ignored */
    WCHAR Names[MUX_MAX_VELANS][MUX_INSTANCE_NAME_CHARS];
} MUX_NAME_LIST, *PMUX_NAME_LIST;

/* Case-insensitive (ASCII letters, as device names are) equality of two
 * NUL-terminated names. */
FORCEINLINE BOOLEAN MuxNameEqual(_In_z_ PCWCH A, _In_z_ PCWCH B)
{
    for (;; A++, B++) {
        WCHAR a = *A, b = *B;
        if (a >= L'a' && a <= L'z')
            a = (WCHAR)(a - L'a' + L'A');
        if (b >= L'a' && b <= L'z')
            b = (WCHAR)(b - L'a' + L'A');
        if (a != b)
            return FALSE;
        if (a == 0)
            return TRUE;
    }
}

/*
 * Splits Chars characters of a multi-string into Out.  An entry ends at a
 * NUL or at the end of the buffer (a value whose last terminators were cut
 * off still names its last VELAN); an empty entry ends the list, as in a
 * REG_MULTI_SZ.  Entries of MUX_INSTANCE_NAME_CHARS characters or more and
 * repeats of an earlier entry are skipped and counted; past MUX_MAX_VELANS
 * names the rest is ignored and Truncated set.  Never reads past Chars.
 */
FORCEINLINE VOID MuxParseUpperBindings(_In_reads_opt_(Chars) PCWCH Buffer, _In_ SIZE_T Chars,
                                       _Out_ PMUX_NAME_LIST Out)
{
    SIZE_T at = 0, start, len, i;
    ULONG k;
    BOOLEAN repeated;

    Out->Count = 0;
    Out->Skipped = 0;
    Out->Truncated = FALSE;
    if (Buffer == NULL)
        return;
    while (at < Chars) {
        start = at;
        while (at < Chars && Buffer[at] != 0)
            at++;
        len = at - start;
        if (at < Chars)
            at++;           /* past the NUL */
        if (len == 0)
            break;
        if (len >= MUX_INSTANCE_NAME_CHARS) {
            Out->Skipped++;
            continue;
        }
        if (Out->Count == MUX_MAX_VELANS) {
            Out->Truncated = TRUE;
            break;
        }
        for (i = 0; i < len; i++)
            Out->Names[Out->Count][i] = Buffer[start + i];
        Out->Names[Out->Count][len] = 0;
        repeated = FALSE;
        for (k = 0; k < Out->Count && !repeated; k++)
            repeated = MuxNameEqual(Out->Names[k], Out->Names[Out->Count]);
        if (repeated)
            Out->Skipped++;
        else
            Out->Count++;
    }
}

#endif
