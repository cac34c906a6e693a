/*
 * protuser.h - the user-mode interface of ndisprot: raw Ethernet frames to
 * and from any 802.3 adapter through \\.\NdisProt.
 *
 * Part one is Microsoft's ndisprot sample interface, unchanged: the same
 * names, IOCTL codes and structure layouts, so a program written for the
 * sample builds and runs against ndiskit's ndisprot as it is.  Part two is
 * ndiskit's extensions, on function codes above the sample's (0x207 and
 * up): EtherType lists, promiscuous mode, the receive queue length, batched
 * reads and writes, and statistics.
 *
 * Include it after <windows.h> and <winioctl.h> in user mode (ndiskit's
 * Linux client library provides both), or after <ntddk.h> in a driver.
 *
 * The usual sequence (see tools/prottest/prottest.c):
 *
 *     h = CreateFileA("\\\\.\\NdisProt", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
 *     DeviceIoControl(h, IOCTL_NDISPROT_BIND_WAIT, ...);        // up to 5 s for the initial binds
 *     DeviceIoControl(h, IOCTL_NDISPROT_QUERY_BINDING, ...);    // 0, 1, ... until ERROR_NO_MORE_ITEMS
 *     DeviceIoControl(h, IOCTL_NDISPROT_OPEN_DEVICE, name, ...);// UTF-16 adapter device name
 *     WriteFile(h, frame, len, ...); ReadFile(h, buf, sizeof(buf), ...);   // one frame each
 *
 * One handle is bound to at most one adapter, and one adapter to at most one
 * handle at a time.  Everything configured on a handle (EtherTypes,
 * promiscuous mode, queue length, statistics) belongs to that open and is
 * reset when it is closed.
 */
#ifndef NDISPROT_PROTUSER_H
#define NDISPROT_PROTUSER_H

/* ---- Part one: the sample's interface ------------------------------------------------ */

#define FSCTL_NDISPROT_BASE FILE_DEVICE_NETWORK

#define _NDISPROT_CTL_CODE(_Function, _Method, _Access) CTL_CODE(FSCTL_NDISPROT_BASE, _Function, _Method, _Access)

/* in: the adapter's device name in UTF-16 ("\DEVICE\{GUID}" as QUERY_BINDING
 * reports it; a trailing NUL is optional; matched without regard to case). */
#define IOCTL_NDISPROT_OPEN_DEVICE \
    _NDISPROT_CTL_CODE(0x200, METHOD_BUFFERED, FILE_READ_ACCESS | FILE_WRITE_ACCESS)
/* in/out: NDISPROT_QUERY_OID; Data is the rest of the buffer. */
#define IOCTL_NDISPROT_QUERY_OID_VALUE \
    _NDISPROT_CTL_CODE(0x201, METHOD_BUFFERED, FILE_READ_ACCESS | FILE_WRITE_ACCESS)
/* in: NDISPROT_SET_OID; 802.11 OIDs and OID_802_3_MULTICAST_LIST only. */
#define IOCTL_NDISPROT_SET_OID_VALUE \
    _NDISPROT_CTL_CODE(0x205, METHOD_BUFFERED, FILE_READ_ACCESS | FILE_WRITE_ACCESS)
/* in/out: NDISPROT_QUERY_BINDING followed by the two UTF-16 strings. */
#define IOCTL_NDISPROT_QUERY_BINDING \
    _NDISPROT_CTL_CODE(0x203, METHOD_BUFFERED, FILE_READ_ACCESS | FILE_WRITE_ACCESS)
/* Waits (up to 5 s) until NDIS has offered every adapter present at boot. */
#define IOCTL_NDISPROT_BIND_WAIT \
    _NDISPROT_CTL_CODE(0x204, METHOD_BUFFERED, FILE_READ_ACCESS | FILE_WRITE_ACCESS)
/* out: NDISPROT_INDICATE_STATUS + status buffer; pends until the adapter's
 * next status indication. */
#define IOCTL_NDISPROT_INDICATE_STATUS \
    _NDISPROT_CTL_CODE(0x206, METHOD_BUFFERED, FILE_READ_ACCESS | FILE_WRITE_ACCESS)

typedef struct _NDISPROT_QUERY_OID {
    ULONG Oid;                  /* an NDIS_OID */
    ULONG PortNumber;           /* an NDIS_PORT_NUMBER */
    UCHAR Data[sizeof(ULONG)];  /* really: the rest of the buffer */
} NDISPROT_QUERY_OID, *PNDISPROT_QUERY_OID;

typedef struct _NDISPROT_SET_OID {
    ULONG Oid;
    ULONG PortNumber;
    UCHAR Data[sizeof(ULONG)];
} NDISPROT_SET_OID, *PNDISPROT_SET_OID;

/* Offsets are from the start of this structure, lengths in bytes. */
typedef struct _NDISPROT_QUERY_BINDING {
    ULONG BindingIndex;         /* in: 0, 1, ... */
    ULONG DeviceNameOffset;
    ULONG DeviceNameLength;
    ULONG DeviceDescrOffset;
    ULONG DeviceDescrLength;
} NDISPROT_QUERY_BINDING, *PNDISPROT_QUERY_BINDING;

typedef struct _NDISPROT_INDICATE_STATUS {
    ULONG IndicatedStatus;      /* the NDIS_STATUS code */
    ULONG StatusBufferOffset;   /* from the start of this structure */
    ULONG StatusBufferLength;
} NDISPROT_INDICATE_STATUS, *PNDISPROT_INDICATE_STATUS;

/* ---- Part two: ndiskit's extensions -------------------------------------------------- */

/* in: NDISPROT_ETHERTYPE_FILTER.  Which frames reach this handle's reads:
 * those whose EtherType (after at most one 802.1Q tag) is in the list, or
 * every frame.  The default, as the sample's, is { 0x888E }. */
#define IOCTL_NDISPROT_SET_ETHERTYPES \
    _NDISPROT_CTL_CODE(0x207, METHOD_BUFFERED, FILE_READ_ACCESS | FILE_WRITE_ACCESS)
/* in: ULONG, 0 or 1.  Adds NDIS_PACKET_TYPE_PROMISCUOUS to the open's packet
 * filter (DIRECTED | MULTICAST | BROADCAST) or takes it away again. */
#define IOCTL_NDISPROT_SET_PROMISCUOUS \
    _NDISPROT_CTL_CODE(0x208, METHOD_BUFFERED, FILE_READ_ACCESS | FILE_WRITE_ACCESS)
/* in: ULONG frames, 1..NDISPROT_MAX_QUEUE_LENGTH.  A full queue drops its
 * oldest frame; shrinking drops the oldest frames beyond the new length. */
#define IOCTL_NDISPROT_SET_QUEUE_LENGTH \
    _NDISPROT_CTL_CODE(0x209, METHOD_BUFFERED, FILE_READ_ACCESS | FILE_WRITE_ACCESS)
/* out: NDISPROT_FRAME_HEADER records.  Pends until at least one frame is
 * queued, then returns as many whole frames as fit (the first one truncated
 * if it alone does not fit).  Information is the end of the last record's
 * frame bytes; walk the records with NDISPROT_FRAME_NEXT. */
#define IOCTL_NDISPROT_READ_BATCH \
    _NDISPROT_CTL_CODE(0x20A, METHOD_OUT_DIRECT, FILE_READ_ACCESS | FILE_WRITE_ACCESS)
/* in: NDISPROT_FRAME_HEADER records (Length set, the rest zero), each frame
 * checked as a WriteFile would check it; out: one LONG NTSTATUS per record,
 * in order.  Completes when every frame has been sent or failed; the
 * request's own status is STATUS_SUCCESS if any frame was sent. */
#define IOCTL_NDISPROT_WRITE_BATCH \
    _NDISPROT_CTL_CODE(0x20B, METHOD_BUFFERED, FILE_READ_ACCESS | FILE_WRITE_ACCESS)
/* out: NDISPROT_STATISTICS of this open. */
#define IOCTL_NDISPROT_GET_STATISTICS \
    _NDISPROT_CTL_CODE(0x20C, METHOD_BUFFERED, FILE_READ_ACCESS | FILE_WRITE_ACCESS)

#define NDISPROT_DEFAULT_ETHERTYPE 0x888E       /* EAPOL, the sample's */
#define NDISPROT_MAX_ETHERTYPES 32
#define NDISPROT_DEFAULT_QUEUE_LENGTH 256       /* frames; the sample's is 4 */
#define NDISPROT_MAX_QUEUE_LENGTH 4096
#define NDISPROT_MAX_BATCH_FRAMES 1024          /* per IOCTL_NDISPROT_WRITE_BATCH */

#define NDISPROT_ETHERTYPES_ALL 0x00000001      /* every frame; Count and the list are ignored */

typedef struct _NDISPROT_ETHERTYPE_FILTER {
    ULONG Flags;                /* NDISPROT_ETHERTYPES_* */
    ULONG Count;                /* 1..NDISPROT_MAX_ETHERTYPES unless NDISPROT_ETHERTYPES_ALL */
    USHORT EtherTypes[1];       /* Count of them, host byte order (0x0800 is IPv4) */
} NDISPROT_ETHERTYPE_FILTER, *PNDISPROT_ETHERTYPE_FILTER;

#define NDISPROT_ETHERTYPE_FILTER_SIZE(Count) \
    ((ULONG)(sizeof(ULONG) * 2 + sizeof(USHORT) * ((Count) > 1 ? (Count) : 1)))

#define NDISPROT_FRAME_TRUNCATED 0x00000001     /* read: Length < OriginalLength */

/* One frame in a batched read or write.  The frame's bytes follow the
 * header; the next record starts at the next 8-byte boundary. */
typedef struct _NDISPROT_FRAME_HEADER {
    ULONG Length;               /* frame bytes following (read: as copied) */
    ULONG OriginalLength;       /* read: the frame's length on the wire; write: 0 */
    LONGLONG Timestamp;         /* read: receive time, 100 ns units since 1601 (UTC); write: 0 */
    ULONG Flags;                /* read: NDISPROT_FRAME_*; write: 0 */
    ULONG Reserved;             /* 0 */
} NDISPROT_FRAME_HEADER, *PNDISPROT_FRAME_HEADER;

#define NDISPROT_FRAME_ALIGNMENT 8
#define NDISPROT_FRAME_RECORD_SIZE(Length) \
    (((ULONG)sizeof(NDISPROT_FRAME_HEADER) + (ULONG)(Length) + (NDISPROT_FRAME_ALIGNMENT - 1)) & \
     ~(ULONG)(NDISPROT_FRAME_ALIGNMENT - 1))
/* The frame bytes of a record, and the record after it. */
#define NDISPROT_FRAME_DATA(Header) ((PUCHAR)(Header) + sizeof(NDISPROT_FRAME_HEADER))
#define NDISPROT_FRAME_NEXT(Header) \
    ((PNDISPROT_FRAME_HEADER)((PUCHAR)(Header) + NDISPROT_FRAME_RECORD_SIZE((Header)->Length)))

/* Counters of one open, from its OPEN_DEVICE on.  A received frame passes
 * these stages, each with its own count of what it dropped:
 *
 *   adapter   AdapterReceiveDiscards: arrived at the NIC but never indicated
 *             (its receive ring overflowed, no memory in NDIS)
 *   indicate  FramesIndicated: indicated to this open
 *   filter    DroppedFilter: not an accepted EtherType (or a runt)
 *   copy      DroppedNoResources: accepted, but no memory to queue a copy
 *   queue     FramesReceived: queued; DroppedQueueFull: later pushed out
 *             as the oldest of a full queue
 *   read      FramesRead: handed to reads
 *
 * so FramesIndicated = DroppedFilter + DroppedNoResources + FramesReceived,
 * and FramesReceived = FramesRead + DroppedQueueFull + QueuedFrames (less
 * frames flushed by a shrinking queue, which count as DroppedQueueFull too,
 * and those lost when a frame arrives as the handle closes).
 *
 * The fields up to QueueLength are the first version's (72 bytes,
 * NDISPROT_STATISTICS_V1_SIZE); IOCTL_NDISPROT_GET_STATISTICS fills as
 * much of the structure as the output buffer holds, at least that much,
 * and returns the bytes filled as Information.  Fields are only ever
 * appended. */
typedef struct _NDISPROT_STATISTICS {
    ULONGLONG FramesReceived;   /* passed the filters and were queued */
    ULONGLONG BytesReceived;
    ULONGLONG FramesRead;       /* handed to reads */
    ULONGLONG FramesSent;       /* completed by the adapter with success */
    ULONGLONG BytesSent;
    ULONGLONG SendErrors;       /* refused or completed with failure */
    ULONGLONG DroppedQueueFull; /* queued, then dropped as the oldest of a full queue */
    ULONGLONG DroppedFilter;    /* indicated, but not an accepted EtherType */
    ULONG QueuedFrames;         /* in the queue now */
    ULONG QueueLength;          /* the queue's limit */
    /* Version 2 (appended). */
    ULONGLONG FramesIndicated;  /* indicated to this open, before any filter */
    ULONGLONG DroppedNoResources; /* accepted, but no memory for the queued copy */
    ULONGLONG AdapterReceiveDiscards; /* the adapter's OID_GEN_RCV_DISCARDS since OPEN_DEVICE,
                                         all opens' frames; NDISPROT_STATISTIC_UNKNOWN if it
                                         does not report it */
} NDISPROT_STATISTICS, *PNDISPROT_STATISTICS;

#define NDISPROT_STATISTICS_V1_SIZE 72u  /* through QueueLength */
#define NDISPROT_STATISTIC_UNKNOWN (~(ULONGLONG)0)

#endif
