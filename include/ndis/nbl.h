/*
 * ndis/nbl.h - NET_BUFFER / NET_BUFFER_LIST, their pools, per-NBL
 * out-of-band information, send/receive flags, the accessor macros and the
 * routines that allocate and reshape them.  Part of <ndis.h>.
 *
 * Packet data is a chain of MDLs.  A NET_BUFFER describes one frame within
 * such a chain (DataOffset bytes into the first MDL, DataLength bytes long;
 * CurrentMdl/CurrentMdlOffset cache the MDL holding the first used byte).
 * A NET_BUFFER_LIST groups NET_BUFFERs that share out-of-band data, and NBLs
 * are linked through Next into the chains passed to send/receive handlers.
 */
#ifndef NDISKIT_NDIS_NBL_H
#define NDISKIT_NDIS_NBL_H

#ifndef NDISKIT_NDIS_H
#error "include <ndis.h>, not <ndis/nbl.h>"
#endif

typedef struct _NET_BUFFER NET_BUFFER, *PNET_BUFFER;
typedef struct _NET_BUFFER_LIST NET_BUFFER_LIST, *PNET_BUFFER_LIST;
typedef struct _NET_BUFFER_LIST_CONTEXT NET_BUFFER_LIST_CONTEXT, *PNET_BUFFER_LIST_CONTEXT;
struct _SCATTER_GATHER_LIST;

/* ------------------------------------------------------------------------
 * Index of NET_BUFFER_LIST.NetBufferListInfo[] entries.  The array length,
 * MaxNetBufferListInfo, grows with the NDIS version and determines
 * sizeof(NET_BUFFER_LIST): 11 entries (240 bytes) for 6.0/6.1, 18 for 6.20,
 * 24 (336 bytes) for 6.30 to 6.70, 27 (368 bytes) from 6.80.
 */
typedef enum _NDIS_NET_BUFFER_LIST_INFO {
    TcpIpChecksumNetBufferListInfo,
    TcpOffloadBytesTransferred = TcpIpChecksumNetBufferListInfo,
    IPsecOffloadV1NetBufferListInfo,
#if NDIS_SUPPORT_NDIS61
    IPsecOffloadV2NetBufferListInfo = IPsecOffloadV1NetBufferListInfo,
#endif
    TcpLargeSendNetBufferListInfo,
    TcpReceiveNoPush = TcpLargeSendNetBufferListInfo,
    ClassificationHandleNetBufferListInfo,
    Ieee8021QNetBufferListInfo,
    NetBufferListCancelId,
    MediaSpecificInformation,
    NetBufferListFrameType,
    NetBufferListProtocolId = NetBufferListFrameType,
    NetBufferListHashValue,
    NetBufferListHashInfo,
    WfpNetBufferListInfo,
#if NDIS_SUPPORT_NDIS61
    IPsecOffloadV2TunnelNetBufferListInfo,
    IPsecOffloadV2HeaderNetBufferListInfo,
#endif
#if NDIS_SUPPORT_NDIS620
    NetBufferListCorrelationId,
    NetBufferListFilteringInfo,
    MediaSpecificInformationEx,
    NblOriginalInterfaceIfIndex,
    NblReAuthWfpFlowContext = NblOriginalInterfaceIfIndex,
    TcpReceiveBytesTransferred,
    NrtNameResolutionId = TcpReceiveBytesTransferred,
#endif
#if NDIS_SUPPORT_NDIS630
    SwitchForwardingReserved,
    SwitchForwardingDetail,
    VirtualSubnetInfo,
    IMReserved,
    TcpRecvSegCoalesceInfo,
    RscTcpTimestampDelta,
    TcpSendOffloadsSupplementalNetBufferListInfo = RscTcpTimestampDelta,
#endif
#if NDIS_SUPPORT_NDIS680
    GftOffloadInformation,
    GftFlowEntryId,
    NetBufferListInfoReserved3,
#endif
    MaxNetBufferListInfo
} NDIS_NET_BUFFER_LIST_INFO, *PNDIS_NET_BUFFER_LIST_INFO;

/* ------------------------------------------------------------------------
 * NET_BUFFER.
 */

/* Describes the shared memory a NET_BUFFER's data lives in (VM queues). */
typedef struct _NET_BUFFER_SHARED_MEMORY NET_BUFFER_SHARED_MEMORY, *PNET_BUFFER_SHARED_MEMORY;
struct _NET_BUFFER_SHARED_MEMORY {
    PNET_BUFFER_SHARED_MEMORY NextSharedMemorySegment;
    ULONG SharedMemoryFlags;
    NDIS_HANDLE SharedMemoryHandle;
    ULONG SharedMemoryOffset;
    ULONG SharedMemoryLength;
};

/* The part of a NET_BUFFER that describes the data. */
typedef struct _NET_BUFFER_DATA {
    PNET_BUFFER Next;
    PMDL CurrentMdl;
    ULONG CurrentMdlOffset;
    union {
        ULONG DataLength;
        SIZE_T stDataLength;
    };
    PMDL MdlChain;
    ULONG DataOffset;
} NET_BUFFER_DATA, *PNET_BUFFER_DATA;

/*
 * The same fields overlaid with an SLIST link (NDIS keeps free NET_BUFFERs
 * on interlocked lists).  The members are an anonymous struct so they can be
 * named directly (NetBufferHeader.Next), as with the WDK's C declaration.
 */
typedef union _NET_BUFFER_HEADER {
    struct {
        PNET_BUFFER Next;
        PMDL CurrentMdl;
        ULONG CurrentMdlOffset;
        union {
            ULONG DataLength;
            SIZE_T stDataLength;
        };
        PMDL MdlChain;
        ULONG DataOffset;
    };
    SLIST_HEADER Link;
} NET_BUFFER_HEADER, *PNET_BUFFER_HEADER;

/*
 * 176 bytes, 16-byte aligned (the SLIST_HEADER and the aligned reserved
 * arrays force it).  SharedMemoryInfo/ScatterGatherList exist from 6.20;
 * the size does not change because they fill what was tail padding.
 */
struct _NET_BUFFER {
    union {
        struct {
            PNET_BUFFER Next;
            PMDL CurrentMdl;
            ULONG CurrentMdlOffset;
            union {
                ULONG DataLength;
                SIZE_T stDataLength;
            };
            PMDL MdlChain;
            ULONG DataOffset;
        };
        SLIST_HEADER Link;
        NET_BUFFER_HEADER NetBufferHeader;
    };
    USHORT ChecksumBias;
    USHORT Reserved;
    NDIS_HANDLE NdisPoolHandle;
    DECLSPEC_ALIGN(MEMORY_ALLOCATION_ALIGNMENT) PVOID NdisReserved[2];
    DECLSPEC_ALIGN(MEMORY_ALLOCATION_ALIGNMENT) PVOID ProtocolReserved[6];
    DECLSPEC_ALIGN(MEMORY_ALLOCATION_ALIGNMENT) PVOID MiniportReserved[4];
    NDIS_PHYSICAL_ADDRESS DataPhysicalAddress;
#if NDIS_SUPPORT_NDIS620
    union {
        PNET_BUFFER_SHARED_MEMORY SharedMemoryInfo;
        struct _SCATTER_GATHER_LIST *ScatterGatherList;
    };
#endif
};

/* ------------------------------------------------------------------------
 * NET_BUFFER_LIST.
 */

/*
 * Context space a driver reserves in front of data it owns
 * (NdisAllocateNetBufferListContext); Offset is where the used part starts.
 */
struct _NET_BUFFER_LIST_CONTEXT {
    PNET_BUFFER_LIST_CONTEXT Next;
    USHORT Size;
    USHORT Offset;
    DECLSPEC_ALIGN(MEMORY_ALLOCATION_ALIGNMENT) UCHAR ContextData[];
};

typedef struct _NET_BUFFER_LIST_DATA {
    PNET_BUFFER_LIST Next;
    PNET_BUFFER FirstNetBuffer;
} NET_BUFFER_LIST_DATA, *PNET_BUFFER_LIST_DATA;

typedef union _NET_BUFFER_LIST_HEADER {
    struct {
        PNET_BUFFER_LIST Next;
        PNET_BUFFER FirstNetBuffer;
    };
    SLIST_HEADER Link;
} NET_BUFFER_LIST_HEADER, *PNET_BUFFER_LIST_HEADER;

/*
 * The common members keep their offsets in every version (FirstNetBuffer 8,
 * Context 16, ProtocolReserved 64, MiniportReserved 96, SourceHandle 120,
 * Flags 136, Status 140, NetBufferListInfo 144); only the length of
 * NetBufferListInfo changes.
 */
struct _NET_BUFFER_LIST {
    union {
        struct {
            PNET_BUFFER_LIST Next;
            PNET_BUFFER FirstNetBuffer;
        };
        SLIST_HEADER Link;
        NET_BUFFER_LIST_HEADER NetBufferListHeader;
    };
    PNET_BUFFER_LIST_CONTEXT Context;
    PNET_BUFFER_LIST ParentNetBufferList;
    NDIS_HANDLE NdisPoolHandle;
    DECLSPEC_ALIGN(MEMORY_ALLOCATION_ALIGNMENT) PVOID NdisReserved[2];
    DECLSPEC_ALIGN(MEMORY_ALLOCATION_ALIGNMENT) PVOID ProtocolReserved[4];
    DECLSPEC_ALIGN(MEMORY_ALLOCATION_ALIGNMENT) PVOID MiniportReserved[2];
    PVOID Scratch;
    NDIS_HANDLE SourceHandle;
    ULONG NblFlags;
    LONG ChildRefCount;
    ULONG Flags;
    union {
        NDIS_STATUS Status;
        ULONG NdisReserved2;
    };
    PVOID NetBufferListInfo[MaxNetBufferListInfo];
};

/* ------------------------------------------------------------------------
 * NET_BUFFER_LIST.Flags: the protocol, miniport and NDIS each own a range.
 */
#if NDIS_SUPPORT_NDIS630   /* NDIS 6.30 gave the protocol two of NDIS's bits */
#define NBL_FLAGS_PROTOCOL_RESERVED 0xFFF00003
#define NBL_FLAGS_NDIS_RESERVED     0x00000FFC
#else
#define NBL_FLAGS_PROTOCOL_RESERVED 0xFFF00000
#define NBL_FLAGS_NDIS_RESERVED     0x00000FFF
#endif
#define NBL_FLAGS_MINIPORT_RESERVED 0x0000F000
#define NBL_FLAGS_SCRATCH           0x000F0000
#define NBL_PROT_RSVD_FLAGS         NBL_FLAGS_PROTOCOL_RESERVED

#define NBL_TEST_FLAG(_NBL, _F)  (((_NBL)->Flags & (_F)) != 0)
#define NBL_SET_FLAG(_NBL, _F)   ((_NBL)->Flags |= (_F))
#define NBL_CLEAR_FLAG(_NBL, _F) ((_NBL)->Flags &= ~(_F))
#define NBL_TEST_PROT_RSVD_FLAG(_NBL, _F)  NBL_TEST_FLAG((_NBL), (_F) & NBL_FLAGS_PROTOCOL_RESERVED)
#define NBL_SET_PROT_RSVD_FLAG(_NBL, _F)   NBL_SET_FLAG((_NBL), (_F) & NBL_FLAGS_PROTOCOL_RESERVED)
#define NBL_CLEAR_PROT_RSVD_FLAG(_NBL, _F) NBL_CLEAR_FLAG((_NBL), (_F) & NBL_FLAGS_PROTOCOL_RESERVED)

/* NET_BUFFER_LIST.NblFlags: attributes of the NBL set by its creator. */
#define NDIS_NBL_FLAGS_SEND_READ_ONLY                         0x00000001
#define NDIS_NBL_FLAGS_RECV_READ_ONLY                         0x00000002
#define NDIS_NBL_FLAGS_HD_SPLIT                               0x00000100
#define NDIS_NBL_FLAGS_IS_IPV4                                0x00000200
#define NDIS_NBL_FLAGS_IS_IPV6                                0x00000400
#define NDIS_NBL_FLAGS_IS_TCP                                 0x00000800
#define NDIS_NBL_FLAGS_IS_UDP                                 0x00001000
#define NDIS_NBL_FLAGS_SPLIT_AT_UPPER_LAYER_PROTOCOL_HEADER   0x00002000
#define NDIS_NBL_FLAGS_SPLIT_AT_UPPER_LAYER_PROTOCOL_PAYLOAD  0x00004000
#define NDIS_NBL_FLAGS_IS_LOOPBACK_PACKET                     0x00008000
#define NDIS_NBL_FLAGS_CAPTURE_TIMESTAMP_ON_TRANSMIT          0x00010000

#define NdisTestNblFlag(_NBL, _F)   (((_NBL)->NblFlags & (_F)) != 0)
#define NdisTestNblFlags(_NBL, _F)  (((_NBL)->NblFlags & (_F)) == (_F))
#define NdisSetNblFlag(_NBL, _F)    ((_NBL)->NblFlags |= (_F))
#define NdisClearNblFlag(_NBL, _F)  ((_NBL)->NblFlags &= ~(_F))

/* ------------------------------------------------------------------------
 * Accessors.
 */
#define NET_BUFFER_NEXT_NB(_NB)               ((_NB)->Next)
#define NET_BUFFER_FIRST_MDL(_NB)             ((_NB)->MdlChain)
#define NET_BUFFER_DATA_LENGTH(_NB)           ((_NB)->DataLength)
#define NET_BUFFER_DATA_OFFSET(_NB)           ((_NB)->DataOffset)
#define NET_BUFFER_CURRENT_MDL(_NB)           ((_NB)->CurrentMdl)
#define NET_BUFFER_CURRENT_MDL_OFFSET(_NB)    ((_NB)->CurrentMdlOffset)
#define NET_BUFFER_CHECKSUM_BIAS(_NB)         ((_NB)->ChecksumBias)
#define NET_BUFFER_PROTOCOL_RESERVED(_NB)     ((_NB)->ProtocolReserved)
#define NET_BUFFER_MINIPORT_RESERVED(_NB)     ((_NB)->MiniportReserved)
#define NET_BUFFER_DATA_PHYSICAL_ADDRESS(_NB) ((_NB)->DataPhysicalAddress)
#if NDIS_SUPPORT_NDIS620
#define NET_BUFFER_FIRST_SHARED_MEM_INFO(_NB)     ((_NB)->SharedMemoryInfo)
#define NET_BUFFER_SHARED_MEM_NEXT_SEGMENT(_SHI)  ((_SHI)->NextSharedMemorySegment)
#define NET_BUFFER_SHARED_MEM_FLAGS(_SHI)         ((_SHI)->SharedMemoryFlags)
#define NET_BUFFER_SHARED_MEM_HANDLE(_SHI)        ((_SHI)->SharedMemoryHandle)
#define NET_BUFFER_SHARED_MEM_OFFSET(_SHI)        ((_SHI)->SharedMemoryOffset)
#define NET_BUFFER_SHARED_MEM_LENGTH(_SHI)        ((_SHI)->SharedMemoryLength)
#define NET_BUFFER_SCATTER_GATHER_LIST(_NB)       ((_NB)->ScatterGatherList)
#endif

#define NET_BUFFER_LIST_NEXT_NBL(_NBL)          ((_NBL)->Next)
#define NET_BUFFER_LIST_FIRST_NB(_NBL)          ((_NBL)->FirstNetBuffer)
#define NET_BUFFER_LIST_FLAGS(_NBL)             ((_NBL)->Flags)
#define NET_BUFFER_LIST_NBL_FLAGS(_NBL)         ((_NBL)->NblFlags)
#define NET_BUFFER_LIST_STATUS(_NBL)            ((_NBL)->Status)
#define NET_BUFFER_LIST_PROTOCOL_RESERVED(_NBL) ((_NBL)->ProtocolReserved)
#define NET_BUFFER_LIST_MINIPORT_RESERVED(_NBL) ((_NBL)->MiniportReserved)
#define NET_BUFFER_LIST_CONTEXT_DATA_START(_NBL) \
    ((PUCHAR)(_NBL)->Context->ContextData + (_NBL)->Context->Offset)
#define NET_BUFFER_LIST_CONTEXT_DATA_SIZE(_NBL) \
    ((USHORT)((_NBL)->Context->Size - (_NBL)->Context->Offset))
#define NET_BUFFER_LIST_INFO(_NBL, _Id)         ((_NBL)->NetBufferListInfo[(_Id)])

#define NdisGetPoolFromNetBuffer(_NB)      ((_NB)->NdisPoolHandle)
#define NdisGetPoolFromNetBufferList(_NBL) ((_NBL)->NdisPoolHandle)

/* Cancel IDs: NdisCancelSendNetBufferLists cancels every NBL carrying the ID. */
#define NDIS_SET_NET_BUFFER_LIST_CANCEL_ID(_NBL, _CancelId) \
    (NET_BUFFER_LIST_INFO((_NBL), NetBufferListCancelId) = (PVOID)(_CancelId))
#define NDIS_GET_NET_BUFFER_LIST_CANCEL_ID(_NBL) \
    (NET_BUFFER_LIST_INFO((_NBL), NetBufferListCancelId))

/* The protocol ID NBL info entry holds an NDIS_PROTOCOL_ID_* value. */
#define NdisGetNetBufferListProtocolId(_NBL) \
    ((UCHAR)(ULONG_PTR)NET_BUFFER_LIST_INFO((_NBL), NetBufferListProtocolId))
#define NdisSetNetBufferListProtocolId(_NBL, _ProtocolId) \
    (NET_BUFFER_LIST_INFO((_NBL), NetBufferListProtocolId) = (PVOID)(ULONG_PTR)(_ProtocolId))

/* ------------------------------------------------------------------------
 * Per-NBL out-of-band information stored in NetBufferListInfo[] slots.
 * Each is pointer-sized and bit-field based, hence NDISKIT_MS_STRUCT.
 */

/* TcpIpChecksumNetBufferListInfo: checksum offload requests and results. */
typedef struct NDISKIT_MS_STRUCT _NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO {
    union {
        struct {
            ULONG IsIPv4 : 1;
            ULONG IsIPv6 : 1;
            ULONG TcpChecksum : 1;
            ULONG UdpChecksum : 1;
            ULONG IpHeaderChecksum : 1;
            ULONG Reserved : 11;
            ULONG TcpHeaderOffset : 10;
        } Transmit;
        struct {
            ULONG TcpChecksumFailed : 1;
            ULONG UdpChecksumFailed : 1;
            ULONG IpChecksumFailed : 1;
            ULONG TcpChecksumSucceeded : 1;
            ULONG UdpChecksumSucceeded : 1;
            ULONG IpChecksumSucceeded : 1;
            ULONG Loopback : 1;
            ULONG TcpChecksumValueInvalid : 1;
            ULONG IpChecksumValueInvalid : 1;
        } Receive;
        PVOID Value;
    };
} NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO, *PNDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO;

/* TcpLargeSendNetBufferListInfo: LSO parameters and the completion result. */
#define NDIS_TCP_LARGE_SEND_OFFLOAD_V1_TYPE 0
#define NDIS_TCP_LARGE_SEND_OFFLOAD_V2_TYPE 1
#define NDIS_TCP_LARGE_SEND_OFFLOAD_IPv4    0
#define NDIS_TCP_LARGE_SEND_OFFLOAD_IPv6    1

typedef struct NDISKIT_MS_STRUCT _NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO {
    union {
        struct {
            ULONG Unused : 30;
            ULONG Type : 1;
            ULONG Reserved2 : 1;
        } Transmit;
        struct {
            ULONG MSS : 20;
            ULONG TcpHeaderOffset : 10;
            ULONG Type : 1;
            ULONG Reserved2 : 1;
        } LsoV1Transmit;
        struct {
            ULONG TcpPayload : 30;
            ULONG Type : 1;
            ULONG Reserved2 : 1;
        } LsoV1TransmitComplete;
        struct {
            ULONG MSS : 20;
            ULONG TcpHeaderOffset : 10;
            ULONG Type : 1;
            ULONG Reserved2 : 1;
            ULONG IPVersion : 2;
            ULONG Reserved3 : 30;
        } LsoV2Transmit;
        struct {
            ULONG Reserved : 30;
            ULONG Type : 1;
            ULONG Reserved2 : 1;
        } LsoV2TransmitComplete;
        PVOID Value;
    };
} NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO, *PNDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO;

/* Ieee8021QNetBufferListInfo: the 802.1Q tag, kept out of band. */
typedef struct NDISKIT_MS_STRUCT _NDIS_NET_BUFFER_LIST_8021Q_INFO {
    union {
        struct {
            UINT32 UserPriority : 3;
            UINT32 CanonicalFormatId : 1;
            UINT32 VlanId : 12;
            UINT32 Reserved : 16;
        } TagHeader;
        struct {
            UINT32 UserPriority : 3;
            UINT32 CanonicalFormatId : 1;
            UINT32 VlanId : 12;
            UINT32 WMMInfo : 4;
            UINT32 Reserved : 12;
        } WLanTagHeader;
        PVOID Value;
    };
} NDIS_NET_BUFFER_LIST_8021Q_INFO, *PNDIS_NET_BUFFER_LIST_8021Q_INFO;

#define NDIS_GET_NET_BUFFER_LIST_VLAN_ID(_NBL) \
    (((PNDIS_NET_BUFFER_LIST_8021Q_INFO)&NET_BUFFER_LIST_INFO((_NBL), Ieee8021QNetBufferListInfo))->TagHeader.VlanId)
#define NDIS_SET_NET_BUFFER_LIST_VLAN_ID(_NBL, _VlanId) \
    (((PNDIS_NET_BUFFER_LIST_8021Q_INFO)&NET_BUFFER_LIST_INFO((_NBL), Ieee8021QNetBufferListInfo))->TagHeader.VlanId = (_VlanId))
#define NDIS_GET_NET_BUFFER_LIST_USER_PRIORITY(_NBL) \
    (((PNDIS_NET_BUFFER_LIST_8021Q_INFO)&NET_BUFFER_LIST_INFO((_NBL), Ieee8021QNetBufferListInfo))->TagHeader.UserPriority)

/* ------------------------------------------------------------------------
 * Pools.  NBLs and NBs come from pools, which fix their context and data
 * sizes; ProtocolId is one of NDIS_PROTOCOL_ID_*.
 */
#define NDIS_PROTOCOL_ID_DEFAULT 0x00
#define NDIS_PROTOCOL_ID_TCP_IP  0x02
#define NDIS_PROTOCOL_ID_IP6     0x03
#define NDIS_PROTOCOL_ID_IPX     0x06
#define NDIS_PROTOCOL_ID_NBF     0x07
#define NDIS_PROTOCOL_ID_MAX     0x0F
#define NDIS_PROTOCOL_ID_MASK    0x0F

typedef struct _NET_BUFFER_LIST_POOL_PARAMETERS {
    NDIS_OBJECT_HEADER Header;
    UCHAR ProtocolId;
    BOOLEAN fAllocateNetBuffer;
    USHORT ContextSize;
    ULONG PoolTag;
    ULONG DataSize;
} NET_BUFFER_LIST_POOL_PARAMETERS, *PNET_BUFFER_LIST_POOL_PARAMETERS;

#define NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1 1
#define NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NET_BUFFER_LIST_POOL_PARAMETERS, DataSize)

typedef struct _NET_BUFFER_POOL_PARAMETERS {
    NDIS_OBJECT_HEADER Header;
    ULONG PoolTag;
    ULONG DataSize;
} NET_BUFFER_POOL_PARAMETERS, *PNET_BUFFER_POOL_PARAMETERS;

#define NET_BUFFER_POOL_PARAMETERS_REVISION_1 1
#define NDIS_SIZEOF_NET_BUFFER_POOL_PARAMETERS_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NET_BUFFER_POOL_PARAMETERS, DataSize)

/* ------------------------------------------------------------------------
 * Send, send-complete, return and receive flags.  The DISPATCH_LEVEL flag
 * tells the callee the caller already runs at DISPATCH_LEVEL, so it can use
 * the Dpr spin lock variants.
 */
#define NDIS_SEND_FLAGS_DISPATCH_LEVEL              0x00000001
#define NDIS_SEND_FLAGS_CHECK_FOR_LOOPBACK          0x00000002
#define NDIS_SEND_FLAGS_SINGLE_QUEUE                0x00000004
#define NDIS_SEND_FLAGS_SWITCH_DESTINATION_GROUP    0x00000010
#define NDIS_SEND_FLAGS_SWITCH_SINGLE_SOURCE        0x00000020

#define NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL        0x00000001
#define NDIS_SEND_COMPLETE_FLAGS_SINGLE_QUEUE          0x00000002
#define NDIS_SEND_COMPLETE_FLAGS_SWITCH_SINGLE_SOURCE  0x00000004

#define NDIS_RETURN_FLAGS_DISPATCH_LEVEL               0x00000001
#define NDIS_RETURN_FLAGS_SINGLE_QUEUE                 0x00000002
#define NDIS_RETURN_FLAGS_SWITCH_SINGLE_SOURCE         0x00000004

/*
 * RESOURCES: the indicating driver needs the NBLs back at once; the receiver
 * must copy what it keeps and may not retain (pend) them.
 */
#define NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL              0x00000001
#define NDIS_RECEIVE_FLAGS_RESOURCES                   0x00000002
#define NDIS_RECEIVE_FLAGS_SINGLE_ETHER_TYPE           0x00000100
#define NDIS_RECEIVE_FLAGS_SINGLE_VLAN                 0x00000200
#define NDIS_RECEIVE_FLAGS_PERFECT_FILTERED            0x00000400
#define NDIS_RECEIVE_FLAGS_SINGLE_QUEUE                0x00000800
#define NDIS_RECEIVE_FLAGS_SHARED_MEMORY_INFO_VALID    0x00001000
#define NDIS_RECEIVE_FLAGS_MORE_NBLS                   0x00002000
#define NDIS_RECEIVE_FLAGS_SWITCH_DESTINATION_GROUP    0x00004000
#define NDIS_RECEIVE_FLAGS_SWITCH_SINGLE_SOURCE        0x00008000

#define NDIS_TEST_SEND_FLAG(_Flags, _Fl)            (((_Flags) & (_Fl)) == (_Fl))
#define NDIS_SET_SEND_FLAG(_Flags, _Fl)             ((_Flags) |= (_Fl))
#define NDIS_TEST_SEND_AT_DISPATCH_LEVEL(_Flags) \
    NDIS_TEST_SEND_FLAG((_Flags), NDIS_SEND_FLAGS_DISPATCH_LEVEL)

#define NDIS_TEST_SEND_COMPLETE_FLAG(_Flags, _Fl)   (((_Flags) & (_Fl)) == (_Fl))
#define NDIS_SET_SEND_COMPLETE_FLAG(_Flags, _Fl)    ((_Flags) |= (_Fl))
#define NDIS_TEST_SEND_COMPLETE_AT_DISPATCH_LEVEL(_Flags) \
    NDIS_TEST_SEND_COMPLETE_FLAG((_Flags), NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL)

#define NDIS_TEST_RETURN_FLAG(_Flags, _Fl)          (((_Flags) & (_Fl)) == (_Fl))
#define NDIS_SET_RETURN_FLAG(_Flags, _Fl)           ((_Flags) |= (_Fl))
#define NDIS_TEST_RETURN_AT_DISPATCH_LEVEL(_Flags) \
    NDIS_TEST_RETURN_FLAG((_Flags), NDIS_RETURN_FLAGS_DISPATCH_LEVEL)

#define NDIS_TEST_RECEIVE_FLAG(_Flags, _Fl)         (((_Flags) & (_Fl)) == (_Fl))
#define NDIS_SET_RECEIVE_FLAG(_Flags, _Fl)          ((_Flags) |= (_Fl))
#define NDIS_TEST_RECEIVE_AT_DISPATCH_LEVEL(_Flags) \
    NDIS_TEST_RECEIVE_FLAG((_Flags), NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL)
#define NDIS_TEST_RECEIVE_CANNOT_PEND(_Flags) \
    NDIS_TEST_RECEIVE_FLAG((_Flags), NDIS_RECEIVE_FLAGS_RESOURCES)
/* The receiver may keep the NBLs (return them later) unless the miniport
 * is short of resources and needs them back when the indication returns. */
#define NDIS_TEST_RECEIVE_CAN_PEND(_Flags) \
    (((_Flags) & NDIS_RECEIVE_FLAGS_RESOURCES) == 0)

/* NumberOfNetBufferLists value meaning "count them yourself". */
#define NDIS_ANY_NUMBER_OF_NBLS ((ULONG)0xFFFFFFFF)

/* ------------------------------------------------------------------------
 * MDL helpers.
 */

/* System address (mapping the MDL if needed; NULL if that fails) and length. */
#define NdisQueryMdl(_Mdl, _VirtualAddress, _Length, _Priority)                 \
    do {                                                                        \
        if ((_VirtualAddress) != NULL)                                          \
            *(PVOID *)(_VirtualAddress) =                                       \
                MmGetSystemAddressForMdlSafe((_Mdl), (ULONG)(_Priority));       \
        *(_Length) = MmGetMdlByteCount(_Mdl);                                   \
    } while (0)

#define NdisQueryMdlOffset(_Mdl, _Offset, _Length)                              \
    do {                                                                        \
        *(_Offset) = MmGetMdlByteOffset(_Mdl);                                  \
        *(_Length) = MmGetMdlByteCount(_Mdl);                                   \
    } while (0)

#define NdisGetNextMdl(_CurrentMdl, _NextMdl) (*(_NextMdl) = (_CurrentMdl)->Next)
#define NDIS_MDL_LINKAGE(_Mdl)                ((_Mdl)->Next)
#define NdisAdjustMdlLength(_Mdl, _Length)    ((_Mdl)->ByteCount = (ULONG)(_Length))

/* Pages spanned by the buffer an MDL describes (at least one). */
#define NDIS_MDL_TO_SPAN_PAGES(_Mdl)                                            \
    ((_Mdl)->ByteCount == 0 ? 1 :                                               \
     (ULONG)ADDRESS_AND_SIZE_TO_SPAN_PAGES(MmGetMdlVirtualAddress(_Mdl), (_Mdl)->ByteCount))
#define NdisGetMdlPhysicalArraySize(_Mdl, _ArraySize) \
    (*(_ArraySize) = NDIS_MDL_TO_SPAN_PAGES(_Mdl))

/* ------------------------------------------------------------------------
 * MDL allocation callbacks for the Retreat/Advance routines: NDIS calls them
 * when it needs more room in front of the data or frees what it added.
 */
typedef _IRQL_requires_max_(DISPATCH_LEVEL) _Function_class_(NET_BUFFER_ALLOCATE_MDL)
PMDL NET_BUFFER_ALLOCATE_MDL(_Inout_ PULONG BufferSize);
typedef NET_BUFFER_ALLOCATE_MDL *NET_BUFFER_ALLOCATE_MDL_HANDLER;

typedef _IRQL_requires_max_(DISPATCH_LEVEL) _Function_class_(NET_BUFFER_FREE_MDL)
VOID NET_BUFFER_FREE_MDL(_In_ PMDL Mdl);
typedef NET_BUFFER_FREE_MDL *NET_BUFFER_FREE_MDL_HANDLER;

/* ------------------------------------------------------------------------
 * Routines: pools and allocation.
 */
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI NDIS_HANDLE NdisAllocateNetBufferListPool(
    _In_opt_ NDIS_HANDLE NdisHandle, _In_ PNET_BUFFER_LIST_POOL_PARAMETERS Parameters);

_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI VOID NdisFreeNetBufferListPool(_In_ NDIS_HANDLE PoolHandle);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI NDIS_HANDLE NdisAllocateNetBufferPool(
    _In_opt_ NDIS_HANDLE NdisHandle, _In_ PNET_BUFFER_POOL_PARAMETERS Parameters);

_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI VOID NdisFreeNetBufferPool(_In_ NDIS_HANDLE PoolHandle);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI PNET_BUFFER_LIST NdisAllocateNetBufferList(
    _In_ NDIS_HANDLE PoolHandle, _In_ USHORT ContextSize, _In_ USHORT ContextBackFill);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI PNET_BUFFER_LIST NdisAllocateNetBufferAndNetBufferList(
    _In_ NDIS_HANDLE PoolHandle, _In_ USHORT ContextSize, _In_ USHORT ContextBackFill,
    _In_opt_ PMDL MdlChain, _In_ ULONG DataOffset, _In_ SIZE_T DataLength);

_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI VOID NdisFreeNetBufferList(_In_ PNET_BUFFER_LIST NetBufferList);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI PNET_BUFFER NdisAllocateNetBuffer(
    _In_ NDIS_HANDLE PoolHandle, _In_opt_ PMDL MdlChain, _In_ ULONG DataOffset,
    _In_ SIZE_T DataLength);

/* From a pool created with a non-zero DataSize: the NB comes with its own MDL and buffer. */
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI PNET_BUFFER NdisAllocateNetBufferMdlAndData(_In_ NDIS_HANDLE PoolHandle);

_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI VOID NdisFreeNetBuffer(_In_ PNET_BUFFER NetBuffer);

/* Context space in front of NET_BUFFER_LIST_CONTEXT_DATA_START. */
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI NDIS_STATUS NdisAllocateNetBufferListContext(
    _In_ PNET_BUFFER_LIST NetBufferList, _In_ USHORT ContextSize, _In_ USHORT ContextBackFill,
    _In_ ULONG PoolTag);

_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI VOID NdisFreeNetBufferListContext(
    _In_ PNET_BUFFER_LIST NetBufferList, _In_ USHORT ContextSize);

/* ------------------------------------------------------------------------
 * Routines: data access and reshaping.
 */

/*
 * A pointer to BytesNeeded contiguous bytes at the start of the NB's data:
 * into the MDL when they are contiguous there (and suitably aligned),
 * otherwise copied to Storage; NULL if Storage is NULL and a copy is needed.
 */
_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI PVOID NdisGetDataBuffer(
    _In_ PNET_BUFFER NetBuffer, _In_ ULONG BytesNeeded,
    _Out_writes_bytes_opt_(BytesNeeded) PVOID Storage, _In_ UINT AlignMultiple,
    _In_ UINT AlignOffset);

_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI VOID NdisAdvanceNetBufferDataStart(
    _In_ PNET_BUFFER NetBuffer, _In_ ULONG DataOffsetDelta, _In_ BOOLEAN FreeMdl,
    _In_opt_ NET_BUFFER_FREE_MDL_HANDLER FreeMdlHandler);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI NDIS_STATUS NdisRetreatNetBufferDataStart(
    _In_ PNET_BUFFER NetBuffer, _In_ ULONG DataOffsetDelta, _In_ ULONG DataBackFill,
    _In_opt_ NET_BUFFER_ALLOCATE_MDL_HANDLER AllocateMdlHandler);

_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI VOID NdisAdvanceNetBufferListDataStart(
    _In_ PNET_BUFFER_LIST NetBufferList, _In_ ULONG DataOffsetDelta, _In_ BOOLEAN FreeMdl,
    _In_opt_ NET_BUFFER_FREE_MDL_HANDLER FreeMdlMdlHandler);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI NDIS_STATUS NdisRetreatNetBufferListDataStart(
    _In_ PNET_BUFFER_LIST NetBufferList, _In_ ULONG DataOffsetDelta, _In_ ULONG DataBackFill,
    _In_opt_ NET_BUFFER_ALLOCATE_MDL_HANDLER AllocateMdlHandler,
    _In_opt_ NET_BUFFER_FREE_MDL_HANDLER FreeMdlHandler);

/* Clones: a new NBL (and NBs) describing the original's used data, for
 * sending the same data down another path.  With USE_ORIGINAL_MDLS the
 * clone's NBs point into the original MDL chain; otherwise NDIS allocates
 * MDLs for the same buffers.  Free with the same flags.  The driver sets
 * ParentNetBufferList and ChildRefCount if it wants them. */
#define NDIS_CLONE_FLAGS_RESERVED           0x00000001
#define NDIS_CLONE_FLAGS_USE_ORIGINAL_MDLS  0x00000002

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI PNET_BUFFER_LIST NdisAllocateCloneNetBufferList(
    _In_ PNET_BUFFER_LIST OriginalNetBufferList, _In_opt_ NDIS_HANDLE NetBufferListPoolHandle,
    _In_opt_ NDIS_HANDLE NetBufferPoolHandle, _In_ ULONG AllocateCloneFlags);

_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI VOID NdisFreeCloneNetBufferList(_In_ PNET_BUFFER_LIST CloneNetBufferList, _In_ ULONG FreeCloneFlags);

/* The per-NBL send (checksum, LSO, IPsec, 802.1Q, ...) or receive
 * information of Source copied to Destination. */
_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI NDIS_STATUS NdisCopySendNetBufferListInfo(_In_ PNET_BUFFER_LIST DestNetBufferList,
                                                  _In_ PNET_BUFFER_LIST SrcNetBufferList);

_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI NDIS_STATUS NdisCopyReceiveNetBufferListInfo(_In_ PNET_BUFFER_LIST DestNetBufferList,
                                                     _In_ PNET_BUFFER_LIST SrcNetBufferList);

/* Number of physical pages the NB's data spans. */
_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI ULONG NdisQueryNetBufferPhysicalCount(_In_ PNET_BUFFER NetBuffer);

/* ------------------------------------------------------------------------
 * Routines: MDLs.
 */
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI PMDL NdisAllocateMdl(
    _In_ NDIS_HANDLE NdisHandle, _In_reads_bytes_(Length) PVOID VirtualAddress, _In_ UINT Length);

_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI VOID NdisFreeMdl(_In_ PMDL Mdl);

#endif /* NDISKIT_NDIS_NBL_H */
