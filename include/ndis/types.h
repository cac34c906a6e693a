/*
 * ndis/types.h - the basic NDIS types: handles, strings, interface (IF)
 * types, the versioned object header, link and power structures, spin locks,
 * events, configuration and timer objects.  Part of <ndis.h>.
 */
#ifndef NDISKIT_NDIS_TYPES_H
#define NDISKIT_NDIS_TYPES_H

#ifndef NDISKIT_NDIS_H
#error "include <ndis.h>, not <ndis/types.h>"
#endif

/* ------------------------------------------------------------------------
 * Scalars and handles.  Every NDIS handle is an opaque pointer.
 */
typedef PVOID NDIS_HANDLE, *PNDIS_HANDLE;
typedef UNICODE_STRING NDIS_STRING, *PNDIS_STRING;
typedef STRING NDIS_ANSI_STRING, *PNDIS_ANSI_STRING;
typedef ULONG NDIS_PORT_NUMBER, *PNDIS_PORT_NUMBER;
typedef ULONG NDIS_ERROR_CODE, *PNDIS_ERROR_CODE;
typedef PHYSICAL_ADDRESS NDIS_PHYSICAL_ADDRESS, *PNDIS_PHYSICAL_ADDRESS;
typedef USHORT NET_FRAME_TYPE, *PNET_FRAME_TYPE;
typedef ULONG NDIS_NIC_SWITCH_ID, *PNDIS_NIC_SWITCH_ID;
typedef ULONG NDIS_NIC_SWITCH_VPORT_ID, *PNDIS_NIC_SWITCH_VPORT_ID;

/*
 * Context-type declarations for static analysis: a driver writes, for
 * example, NDIS_DECLARE_PROTOCOL_OPEN_CONTEXT(MY_OPEN); where it receives
 * its ProtocolBindingContext, naming the type behind that handle for code
 * analysis tools.  No compiler we use analyses them; they expand to
 * nothing, so the trailing semicolon is an empty statement or declaration.
 */
#define NDIS_DECLARE_MINIPORT_ADAPTER_CONTEXT(_Type)
#define NDIS_DECLARE_FILTER_MODULE_CONTEXT(_Type)
#define NDIS_DECLARE_PROTOCOL_OPEN_CONTEXT(_Type)

#define NDIS_DEFAULT_PORT_NUMBER ((NDIS_PORT_NUMBER)0)
#define NDIS_MAXIMUM_PORTS       0x1000000
#define NDIS_DEFAULT_SWITCH_ID   0 /* a plain int in the WDK */
#define NDIS_DEFAULT_VPORT_ID    0

/*
 * A counted UNICODE_STRING for a string literal:
 *   NDIS_STRING Name = NDIS_STRING_CONST("NDISPROT");
 * Length excludes the terminating NUL, MaximumLength includes it.
 */
#define NDIS_STRING_CONST(x) { sizeof(L##x) - sizeof(WCHAR), sizeof(L##x), (PWSTR)L##x }

/* ------------------------------------------------------------------------
 * Network interface (IF) types shared with the IP helper headers.
 */
typedef ULONG NET_IFINDEX, *PNET_IFINDEX;
typedef NET_IFINDEX IF_INDEX, *PIF_INDEX;
typedef UINT16 NET_IFTYPE, *PNET_IFTYPE;
typedef UINT32 NET_IF_COMPARTMENT_ID, *PNET_IF_COMPARTMENT_ID;
typedef GUID NET_IF_NETWORK_GUID, *PNET_IF_NETWORK_GUID;

#define NET_IFINDEX_UNSPECIFIED           ((NET_IFINDEX)0)
#define NET_IF_COMPARTMENT_ID_UNSPECIFIED ((NET_IF_COMPARTMENT_ID)0)
#define NET_IF_COMPARTMENT_ID_PRIMARY     ((NET_IF_COMPARTMENT_ID)1)
#define IF_MAX_PHYS_ADDRESS_LENGTH        32
#define IF_MAX_STRING_SIZE                256

/* IANA interface types (NET_IFTYPE values) NDIS drivers commonly report. */
#define IF_TYPE_OTHER               1
#define IF_TYPE_ETHERNET_CSMACD     6
#define IF_TYPE_ISO88025_TOKENRING  9
#define IF_TYPE_PPP                 23
#define IF_TYPE_SOFTWARE_LOOPBACK   24
#define IF_TYPE_ATM                 37
#define IF_TYPE_IEEE80211           71
#define IF_TYPE_TUNNEL              131
#define IF_TYPE_IEEE1394            144
#define IF_TYPE_IEEE80216_WMAN      237
#define IF_TYPE_WWANPP              243
#define IF_TYPE_WWANPP2             244

/*
 * The locally unique identifier of a network interface.  Info splits Value
 * into bit-fields, hence the Microsoft bit-field layout on the host too.
 */
typedef union NDISKIT_MS_STRUCT _NET_LUID_LH {
    ULONG64 Value;
    struct {
        ULONG64 Reserved : 24;
        ULONG64 NetLuidIndex : 24;
        ULONG64 IfType : 16;
    } Info;
} NET_LUID_LH, *PNET_LUID_LH;
typedef NET_LUID_LH NET_LUID, *PNET_LUID;
typedef NET_LUID IF_LUID, *PIF_LUID;

typedef enum _NET_IF_ACCESS_TYPE {
    NET_IF_ACCESS_LOOPBACK = 1,
    NET_IF_ACCESS_BROADCAST = 2,
    NET_IF_ACCESS_POINT_TO_POINT = 3,
    NET_IF_ACCESS_POINT_TO_MULTI_POINT = 4,
    NET_IF_ACCESS_MAXIMUM = 5
} NET_IF_ACCESS_TYPE, *PNET_IF_ACCESS_TYPE;

typedef enum _NET_IF_DIRECTION_TYPE {
    NET_IF_DIRECTION_SENDRECEIVE,
    NET_IF_DIRECTION_SENDONLY,
    NET_IF_DIRECTION_RECEIVEONLY,
    NET_IF_DIRECTION_MAXIMUM
} NET_IF_DIRECTION_TYPE, *PNET_IF_DIRECTION_TYPE;

typedef enum _NET_IF_CONNECTION_TYPE {
    NET_IF_CONNECTION_DEDICATED = 1,
    NET_IF_CONNECTION_PASSIVE = 2,
    NET_IF_CONNECTION_DEMAND = 3,
    NET_IF_CONNECTION_MAXIMUM = 4
} NET_IF_CONNECTION_TYPE, *PNET_IF_CONNECTION_TYPE;

typedef enum _NET_IF_MEDIA_CONNECT_STATE {
    MediaConnectStateUnknown,
    MediaConnectStateConnected,
    MediaConnectStateDisconnected
} NET_IF_MEDIA_CONNECT_STATE, *PNET_IF_MEDIA_CONNECT_STATE;
typedef NET_IF_MEDIA_CONNECT_STATE NDIS_MEDIA_CONNECT_STATE, *PNDIS_MEDIA_CONNECT_STATE;

typedef enum _NET_IF_MEDIA_DUPLEX_STATE {
    MediaDuplexStateUnknown,
    MediaDuplexStateHalf,
    MediaDuplexStateFull
} NET_IF_MEDIA_DUPLEX_STATE, *PNET_IF_MEDIA_DUPLEX_STATE;
typedef NET_IF_MEDIA_DUPLEX_STATE NDIS_MEDIA_DUPLEX_STATE, *PNDIS_MEDIA_DUPLEX_STATE;

typedef enum _NET_IF_OPER_STATUS {
    NET_IF_OPER_STATUS_UP = 1,
    NET_IF_OPER_STATUS_DOWN = 2,
    NET_IF_OPER_STATUS_TESTING = 3,
    NET_IF_OPER_STATUS_UNKNOWN = 4,
    NET_IF_OPER_STATUS_DORMANT = 5,
    NET_IF_OPER_STATUS_NOT_PRESENT = 6,
    NET_IF_OPER_STATUS_LOWER_LAYER_DOWN = 7
} NET_IF_OPER_STATUS, *PNET_IF_OPER_STATUS;

typedef enum _NET_IF_ADMIN_STATUS {
    NET_IF_ADMIN_STATUS_UP = 1,
    NET_IF_ADMIN_STATUS_DOWN = 2,
    NET_IF_ADMIN_STATUS_TESTING = 3
} NET_IF_ADMIN_STATUS, *PNET_IF_ADMIN_STATUS;

/* Physical addresses are at most IF_MAX_PHYS_ADDRESS_LENGTH bytes. */
#define NDIS_MAX_PHYS_ADDRESS_LENGTH IF_MAX_PHYS_ADDRESS_LENGTH

/* ------------------------------------------------------------------------
 * Versioned objects.  Every NDIS 6 structure passed across the interface
 * starts with this header; NDIS dispatches on Type and checks that Size is
 * at least the NDIS_SIZEOF_<X>_REVISION_<Revision> value, which is the size
 * through the last member of that revision (not sizeof, which includes tail
 * padding and later members).
 */
typedef struct _NDIS_OBJECT_HEADER {
    UCHAR Type;
    UCHAR Revision;
    USHORT Size;
} NDIS_OBJECT_HEADER, *PNDIS_OBJECT_HEADER;

#define NDIS_OBJECT_REVISION_1 1

/* NDIS_OBJECT_HEADER.Type values. */
#define NDIS_OBJECT_TYPE_DEFAULT                                     0x80
#define NDIS_OBJECT_TYPE_MINIPORT_INIT_PARAMETERS                    0x81
#define NDIS_OBJECT_TYPE_SG_DMA_DESCRIPTION                          0x83
#define NDIS_OBJECT_TYPE_MINIPORT_INTERRUPT                          0x84
#define NDIS_OBJECT_TYPE_DEVICE_OBJECT_ATTRIBUTES                    0x85
#define NDIS_OBJECT_TYPE_BIND_PARAMETERS                             0x86
#define NDIS_OBJECT_TYPE_OPEN_PARAMETERS                             0x87
#define NDIS_OBJECT_TYPE_RSS_CAPABILITIES                            0x88
#define NDIS_OBJECT_TYPE_RSS_PARAMETERS                              0x89
#define NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS             0x8A
#define NDIS_OBJECT_TYPE_FILTER_DRIVER_CHARACTERISTICS               0x8B
#define NDIS_OBJECT_TYPE_FILTER_PARTIAL_CHARACTERISTICS              0x8C
#define NDIS_OBJECT_TYPE_FILTER_ATTRIBUTES                           0x8D
#define NDIS_OBJECT_TYPE_CLIENT_CHIMNEY_OFFLOAD_GENERIC_CHARACTERISTICS 0x8E
#define NDIS_OBJECT_TYPE_PROVIDER_CHIMNEY_OFFLOAD_GENERIC_CHARACTERISTICS 0x8F
#define NDIS_OBJECT_TYPE_CO_PROTOCOL_CHARACTERISTICS                 0x90
#define NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS                 0x91
#define NDIS_OBJECT_TYPE_MINIPORT_PNP_CHARACTERISTICS                0x92
#define NDIS_OBJECT_TYPE_CLIENT_CHIMNEY_OFFLOAD_CHARACTERISTICS      0x93
#define NDIS_OBJECT_TYPE_PROVIDER_CHIMNEY_OFFLOAD_CHARACTERISTICS    0x94
#define NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS             0x95
#define NDIS_OBJECT_TYPE_REQUEST_EX                                  0x96
#define NDIS_OBJECT_TYPE_OID_REQUEST                                 0x96
#define NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS                       0x97
#define NDIS_OBJECT_TYPE_STATUS_INDICATION                           0x98
#define NDIS_OBJECT_TYPE_FILTER_ATTACH_PARAMETERS                    0x99
#define NDIS_OBJECT_TYPE_FILTER_PAUSE_PARAMETERS                     0x9A
#define NDIS_OBJECT_TYPE_FILTER_RESTART_PARAMETERS                   0x9B
#define NDIS_OBJECT_TYPE_PORT_CHARACTERISTICS                        0x9C
#define NDIS_OBJECT_TYPE_PORT_STATE                                  0x9D
#define NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES    0x9E
#define NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES         0x9F
#define NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES         0xA0
#define NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_NATIVE_802_11_ATTRIBUTES   0xA1
#define NDIS_OBJECT_TYPE_RESTART_GENERAL_ATTRIBUTES                  0xA2
#define NDIS_OBJECT_TYPE_PROTOCOL_RESTART_PARAMETERS                 0xA3
#define NDIS_OBJECT_TYPE_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES 0xA4
#define NDIS_OBJECT_TYPE_CO_CALL_MANAGER_OPTIONAL_HANDLERS           0xA5
#define NDIS_OBJECT_TYPE_CO_CLIENT_OPTIONAL_HANDLERS                 0xA6
#define NDIS_OBJECT_TYPE_OFFLOAD                                     0xA7
#define NDIS_OBJECT_TYPE_OFFLOAD_ENCAPSULATION                       0xA8
#define NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT                        0xA9
#define NDIS_OBJECT_TYPE_DRIVER_WRAPPER_OBJECT                       0xAA
#define NDIS_OBJECT_TYPE_HD_SPLIT_ATTRIBUTES                         0xAB
#define NDIS_OBJECT_TYPE_NSI_NETWORK_RW_STRUCT                       0xAC
#define NDIS_OBJECT_TYPE_NSI_COMPARTMENT_RW_STRUCT                   0xAD
#define NDIS_OBJECT_TYPE_NSI_INTERFACE_PERSIST_RW_STRUCT             0xAE
#define NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES 0xAF
#define NDIS_OBJECT_TYPE_SHARED_MEMORY_PROVIDER_CHARACTERISTICS      0xB0
#define NDIS_OBJECT_TYPE_RSS_PROCESSOR_INFO                          0xB1
#define NDIS_OBJECT_TYPE_NDK_PROVIDER_CHARACTERISTICS                0xB2
#define NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_NDK_ATTRIBUTES             0xB3
#define NDIS_OBJECT_TYPE_MINIPORT_SS_CHARACTERISTICS                 0xB4
#define NDIS_OBJECT_TYPE_QOS_CAPABILITIES                            0xB5
#define NDIS_OBJECT_TYPE_QOS_PARAMETERS                              0xB6
#define NDIS_OBJECT_TYPE_QOS_CLASSIFICATION_ELEMENT                  0xB7
#define NDIS_OBJECT_TYPE_SWITCH_OPTIONAL_HANDLERS                    0xB8
#define NDIS_OBJECT_TYPE_PD_TRANSMIT_QUEUE                           0xBE
#define NDIS_OBJECT_TYPE_PD_RECEIVE_QUEUE                            0xBF
#define NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_PACKET_DIRECT_ATTRIBUTES   0xC5
#define NDIS_OBJECT_TYPE_MINIPORT_DEVICE_POWER_NOTIFICATION          0xC6
#define NDIS_OBJECT_TYPE_RSS_PARAMETERS_V2                           0xC8
#define NDIS_OBJECT_TYPE_RSS_SET_INDIRECTION_ENTRIES                 0xC9

/* Revisions that go with some of the object types above. */
#define NDIS_OBJECT_TYPE_DRIVER_WRAPPER_REVISION_1              1
#define NDIS_OBJECT_TYPE_PCI_DEVICE_CUSTOM_PROPERTIES_REVISION_1 1
#define NDIS_OBJECT_TYPE_PCI_DEVICE_CUSTOM_PROPERTIES_REVISION_2 2

/* ------------------------------------------------------------------------
 * Structures ndiskit only passes by pointer.  Their contents (offload,
 * RSS, power-management, NIC switch and SR-IOV capabilities, ports) are not
 * declared; drivers that need them must not rely on this header.
 */
typedef struct _NDIS_OFFLOAD NDIS_OFFLOAD, *PNDIS_OFFLOAD;
typedef struct _NDIS_TCP_CONNECTION_OFFLOAD NDIS_TCP_CONNECTION_OFFLOAD, *PNDIS_TCP_CONNECTION_OFFLOAD;
typedef struct _NDIS_RECEIVE_SCALE_CAPABILITIES NDIS_RECEIVE_SCALE_CAPABILITIES, *PNDIS_RECEIVE_SCALE_CAPABILITIES;
typedef struct _NDIS_PM_CAPABILITIES NDIS_PM_CAPABILITIES, *PNDIS_PM_CAPABILITIES;
typedef struct _NDIS_HD_SPLIT_CURRENT_CONFIG NDIS_HD_SPLIT_CURRENT_CONFIG, *PNDIS_HD_SPLIT_CURRENT_CONFIG;
typedef struct _NDIS_RECEIVE_FILTER_CAPABILITIES NDIS_RECEIVE_FILTER_CAPABILITIES, *PNDIS_RECEIVE_FILTER_CAPABILITIES;
typedef struct _NDIS_NIC_SWITCH_CAPABILITIES NDIS_NIC_SWITCH_CAPABILITIES, *PNDIS_NIC_SWITCH_CAPABILITIES;
typedef struct _NDIS_NDK_CAPABILITIES NDIS_NDK_CAPABILITIES, *PNDIS_NDK_CAPABILITIES;
typedef struct _NDIS_SRIOV_CAPABILITIES NDIS_SRIOV_CAPABILITIES, *PNDIS_SRIOV_CAPABILITIES;
typedef struct _NDIS_NIC_SWITCH_INFO_ARRAY NDIS_NIC_SWITCH_INFO_ARRAY, *PNDIS_NIC_SWITCH_INFO_ARRAY;
typedef struct _NDIS_PCI_DEVICE_CUSTOM_PROPERTIES NDIS_PCI_DEVICE_CUSTOM_PROPERTIES, *PNDIS_PCI_DEVICE_CUSTOM_PROPERTIES;
typedef struct _NDIS_PORT NDIS_PORT, *PNDIS_PORT;
typedef struct _NDIS_PORT_ARRAY NDIS_PORT_ARRAY, *PNDIS_PORT_ARRAY;

/* The adapter's hardware resources (a CM_PARTIAL_RESOURCE_LIST). */
typedef struct _CM_PARTIAL_RESOURCE_LIST NDIS_RESOURCE_LIST, *PNDIS_RESOURCE_LIST;

/* ------------------------------------------------------------------------
 * Power management capabilities of the NDIS 6.0 kind (NDIS 6.20 drivers use
 * the opaque NDIS_PM_CAPABILITIES instead).
 */
typedef struct _NDIS_PM_WAKE_UP_CAPABILITIES {
    NDIS_DEVICE_POWER_STATE MinMagicPacketWakeUp;
    NDIS_DEVICE_POWER_STATE MinPatternWakeUp;
    NDIS_DEVICE_POWER_STATE MinLinkChangeWakeUp;
} NDIS_PM_WAKE_UP_CAPABILITIES, *PNDIS_PM_WAKE_UP_CAPABILITIES;

typedef struct _NDIS_PNP_CAPABILITIES {
    ULONG Flags;
    NDIS_PM_WAKE_UP_CAPABILITIES WakeUpCapabilities;
} NDIS_PNP_CAPABILITIES, *PNDIS_PNP_CAPABILITIES;

#define NDIS_DEVICE_WAKE_UP_ENABLE                0x00000001
#define NDIS_DEVICE_WAKE_ON_PATTERN_MATCH_ENABLE  0x00000002
#define NDIS_DEVICE_WAKE_ON_MAGIC_PACKET_ENABLE   0x00000004

/* ------------------------------------------------------------------------
 * Link state (NDIS_STATUS_LINK_STATE indications, OID_GEN_LINK_STATE).
 */
typedef enum _NDIS_SUPPORTED_PAUSE_FUNCTIONS {
    NdisPauseFunctionsUnsupported,
    NdisPauseFunctionsSendOnly,
    NdisPauseFunctionsReceiveOnly,
    NdisPauseFunctionsSendAndReceive,
    NdisPauseFunctionsUnknown
} NDIS_SUPPORTED_PAUSE_FUNCTIONS, *PNDIS_SUPPORTED_PAUSE_FUNCTIONS;

#define NDIS_LINK_STATE_XMIT_LINK_SPEED_AUTO_NEGOTIATED   0x00000001
#define NDIS_LINK_STATE_RCV_LINK_SPEED_AUTO_NEGOTIATED    0x00000002
#define NDIS_LINK_STATE_DUPLEX_AUTO_NEGOTIATED            0x00000004
#define NDIS_LINK_STATE_PAUSE_FUNCTIONS_AUTO_NEGOTIATED   0x00000008

/* Link speeds are in bits per second; this value means "unknown". */
#define NDIS_LINK_SPEED_UNKNOWN ((ULONG64)-1)

typedef struct _NDIS_LINK_STATE {
    NDIS_OBJECT_HEADER Header;
    NDIS_MEDIA_CONNECT_STATE MediaConnectState;
    NDIS_MEDIA_DUPLEX_STATE MediaDuplexState;
    ULONG64 XmitLinkSpeed;
    ULONG64 RcvLinkSpeed;
    NDIS_SUPPORTED_PAUSE_FUNCTIONS PauseFunctions;
    ULONG AutoNegotiationFlags;
} NDIS_LINK_STATE, *PNDIS_LINK_STATE;

#define NDIS_LINK_STATE_REVISION_1 1
#define NDIS_SIZEOF_LINK_STATE_REVISION_1 RTL_SIZEOF_THROUGH_FIELD(NDIS_LINK_STATE, AutoNegotiationFlags)

/*
 * OID_GEN_STATISTICS's answer.  SupportedStatistics says which counters
 * are valid (NDIS_STATISTICS_FLAGS_VALID_*); counters are 64-bit, the
 * if* names those of RFC 2863's interface table.
 */
#define NDIS_STATISTICS_FLAGS_VALID_DIRECTED_FRAMES_RCV    0x00000001
#define NDIS_STATISTICS_FLAGS_VALID_MULTICAST_FRAMES_RCV   0x00000002
#define NDIS_STATISTICS_FLAGS_VALID_BROADCAST_FRAMES_RCV   0x00000004
#define NDIS_STATISTICS_FLAGS_VALID_BYTES_RCV              0x00000008
#define NDIS_STATISTICS_FLAGS_VALID_RCV_DISCARDS           0x00000010
#define NDIS_STATISTICS_FLAGS_VALID_RCV_ERROR              0x00000020
#define NDIS_STATISTICS_FLAGS_VALID_DIRECTED_FRAMES_XMIT   0x00000040
#define NDIS_STATISTICS_FLAGS_VALID_MULTICAST_FRAMES_XMIT  0x00000080
#define NDIS_STATISTICS_FLAGS_VALID_BROADCAST_FRAMES_XMIT  0x00000100
#define NDIS_STATISTICS_FLAGS_VALID_BYTES_XMIT             0x00000200
#define NDIS_STATISTICS_FLAGS_VALID_XMIT_ERROR             0x00000400
#define NDIS_STATISTICS_FLAGS_VALID_XMIT_DISCARDS          0x00008000
#define NDIS_STATISTICS_FLAGS_VALID_DIRECTED_BYTES_RCV     0x00010000
#define NDIS_STATISTICS_FLAGS_VALID_MULTICAST_BYTES_RCV    0x00020000
#define NDIS_STATISTICS_FLAGS_VALID_BROADCAST_BYTES_RCV    0x00040000
#define NDIS_STATISTICS_FLAGS_VALID_DIRECTED_BYTES_XMIT    0x00080000
#define NDIS_STATISTICS_FLAGS_VALID_MULTICAST_BYTES_XMIT   0x00100000
#define NDIS_STATISTICS_FLAGS_VALID_BROADCAST_BYTES_XMIT   0x00200000

typedef struct _NDIS_STATISTICS_INFO {
    NDIS_OBJECT_HEADER Header;
    ULONG SupportedStatistics;
    ULONG64 ifInDiscards;
    ULONG64 ifInErrors;
    ULONG64 ifHCInOctets;
    ULONG64 ifHCInUcastPkts;
    ULONG64 ifHCInMulticastPkts;
    ULONG64 ifHCInBroadcastPkts;
    ULONG64 ifHCOutOctets;
    ULONG64 ifHCOutUcastPkts;
    ULONG64 ifHCOutMulticastPkts;
    ULONG64 ifHCOutBroadcastPkts;
    ULONG64 ifOutErrors;
    ULONG64 ifOutDiscards;
    ULONG64 ifHCInUcastOctets;
    ULONG64 ifHCInMulticastOctets;
    ULONG64 ifHCInBroadcastOctets;
    ULONG64 ifHCOutUcastOctets;
    ULONG64 ifHCOutMulticastOctets;
    ULONG64 ifHCOutBroadcastOctets;
} NDIS_STATISTICS_INFO, *PNDIS_STATISTICS_INFO;

#define NDIS_STATISTICS_INFO_REVISION_1 1
#define NDIS_SIZEOF_STATISTICS_INFO_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_STATISTICS_INFO, ifHCOutBroadcastOctets)


/* ------------------------------------------------------------------------
 * Ports and 802.1X port authentication.
 */
typedef enum _NDIS_PORT_CONTROL_STATE {
    NdisPortControlStateUnknown,
    NdisPortControlStateControlled,
    NdisPortControlStateUncontrolled
} NDIS_PORT_CONTROL_STATE, *PNDIS_PORT_CONTROL_STATE;

typedef enum _NDIS_PORT_AUTHORIZATION_STATE {
    NdisPortAuthorizationUnknown,
    NdisPortAuthorized,
    NdisPortUnauthorized,
    NdisPortReauthorizing
} NDIS_PORT_AUTHORIZATION_STATE, *PNDIS_PORT_AUTHORIZATION_STATE;

typedef struct _NDIS_PORT_AUTHENTICATION_PARAMETERS {
    NDIS_OBJECT_HEADER Header;
    NDIS_PORT_CONTROL_STATE SendControlState;
    NDIS_PORT_CONTROL_STATE RcvControlState;
    NDIS_PORT_AUTHORIZATION_STATE SendAuthorizationState;
    NDIS_PORT_AUTHORIZATION_STATE RcvAuthorizationState;
} NDIS_PORT_AUTHENTICATION_PARAMETERS, *PNDIS_PORT_AUTHENTICATION_PARAMETERS;

#define NDIS_PORT_AUTHENTICATION_PARAMETERS_REVISION_1 1
#define NDIS_SIZEOF_PORT_AUTHENTICATION_PARAMETERS_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_PORT_AUTHENTICATION_PARAMETERS, RcvAuthorizationState)

/* ------------------------------------------------------------------------
 * Bus type of a miniport adapter (registration attributes).
 */
typedef enum _NDIS_INTERFACE_TYPE {
    NdisInterfaceInternal = 0,
    NdisInterfaceIsa = 1,
    NdisInterfaceEisa = 2,
    NdisInterfaceMca = 3,
    NdisInterfaceTurboChannel = 4,
    NdisInterfacePci = 5,
    NdisInterfacePcMcia = 8,
    NdisInterfaceCBus = 9,
    NdisInterfaceMPIBus = 10,
    NdisInterfaceMPSABus = 11,
    NdisInterfaceProcessorInternal = 12,
    NdisInterfaceInternalPowerBus = 13,
    NdisInterfacePNPISABus = 14,
    NdisInterfacePNPBus = 15,
    NdisInterfaceUSB = 16,
    NdisInterfaceIrda = 17,
    NdisInterface1394 = 18,
    NdisMaximumInterfaceType
} NDIS_INTERFACE_TYPE, *PNDIS_INTERFACE_TYPE;

/* ------------------------------------------------------------------------
 * Spin locks, events and mutexes.  NDIS_SPIN_LOCK keeps the IRQL that
 * NdisAcquireSpinLock raised from, so NdisReleaseSpinLock can restore it.
 */
typedef struct _NDIS_SPIN_LOCK {
    KSPIN_LOCK SpinLock;
    KIRQL OldIrql;
} NDIS_SPIN_LOCK, *PNDIS_SPIN_LOCK;

typedef struct _NDIS_EVENT {
    KEVENT Event;
} NDIS_EVENT, *PNDIS_EVENT;

typedef KMUTEX NDIS_MUTEX, *PNDIS_MUTEX;

/* ------------------------------------------------------------------------
 * Registry configuration (NdisOpenConfigurationEx / NdisReadConfiguration).
 */
typedef enum _NDIS_PARAMETER_TYPE {
    NdisParameterInteger,
    NdisParameterHexInteger,
    NdisParameterString,
    NdisParameterMultiString,
    NdisParameterBinary
} NDIS_PARAMETER_TYPE, *PNDIS_PARAMETER_TYPE;

typedef struct _BINARY_DATA {
    USHORT Length;
    _Field_size_bytes_(Length) PVOID Buffer;
} BINARY_DATA;

typedef struct _NDIS_CONFIGURATION_PARAMETER {
    NDIS_PARAMETER_TYPE ParameterType;
    union {
        ULONG IntegerData;
        NDIS_STRING StringData;
        BINARY_DATA BinaryData;
    } ParameterData;
} NDIS_CONFIGURATION_PARAMETER, *PNDIS_CONFIGURATION_PARAMETER;

typedef struct _NDIS_CONFIGURATION_OBJECT {
    NDIS_OBJECT_HEADER Header;
    NDIS_HANDLE NdisHandle;
    ULONG Flags;
} NDIS_CONFIGURATION_OBJECT, *PNDIS_CONFIGURATION_OBJECT;

#define NDIS_CONFIGURATION_OBJECT_REVISION_1 1
#define NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_CONFIGURATION_OBJECT, Flags)

/* NDIS_CONFIGURATION_OBJECT.Flags: open a filter module's per-instance key. */
#define NDIS_CONFIG_FLAG_FILTER_INSTANCE_CONFIGURATION 0x00000001

/* ------------------------------------------------------------------------
 * Timer objects (NdisAllocateTimerObject).
 */
typedef _Function_class_(NDIS_TIMER_FUNCTION) _IRQL_requires_(DISPATCH_LEVEL)
VOID NDIS_TIMER_FUNCTION(_In_ PVOID SystemSpecific1, _In_ PVOID FunctionContext,
                         _In_ PVOID SystemSpecific2, _In_ PVOID SystemSpecific3);
typedef NDIS_TIMER_FUNCTION *PNDIS_TIMER_FUNCTION;

typedef struct _NDIS_TIMER_CHARACTERISTICS {
    NDIS_OBJECT_HEADER Header;
    ULONG AllocationTag;
    PNDIS_TIMER_FUNCTION TimerFunction;
    PVOID FunctionContext;
} NDIS_TIMER_CHARACTERISTICS, *PNDIS_TIMER_CHARACTERISTICS;

#define NDIS_TIMER_CHARACTERISTICS_REVISION_1 1
#define NDIS_SIZEOF_TIMER_CHARACTERISTICS_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_TIMER_CHARACTERISTICS, FunctionContext)

/* ------------------------------------------------------------------------
 * Generic object: an NDIS handle for drivers (or parts of drivers) that have
 * no other NDIS handle to allocate pools, work items or timers with.
 */
typedef struct _NDIS_GENERIC_OBJECT {
    NDIS_OBJECT_HEADER Header;
    PVOID Caller;
    PVOID CallersCaller;
    PDRIVER_OBJECT DriverObject;
} NDIS_GENERIC_OBJECT, *PNDIS_GENERIC_OBJECT;

/* ------------------------------------------------------------------------
 * Device objects a filter or miniport registers with NdisRegisterDeviceEx.
 */
typedef struct _NDIS_DEVICE_OBJECT_ATTRIBUTES {
    NDIS_OBJECT_HEADER Header;
    PNDIS_STRING DeviceName;
    PNDIS_STRING SymbolicName;
    PDRIVER_DISPATCH *MajorFunctions;
    ULONG ExtensionSize;
    PCUNICODE_STRING DefaultSDDLString;
    LPCGUID DeviceClassGuid;
} NDIS_DEVICE_OBJECT_ATTRIBUTES, *PNDIS_DEVICE_OBJECT_ATTRIBUTES;

#define NDIS_DEVICE_OBJECT_ATTRIBUTES_REVISION_1 1
#define NDIS_SIZEOF_DEVICE_OBJECT_ATTRIBUTES_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_DEVICE_OBJECT_ATTRIBUTES, DeviceClassGuid)

/* ------------------------------------------------------------------------
 * Restart attributes: a chain of OID/value pairs NDIS hands to Restart
 * handlers.  Data is 16-byte aligned so it can hold any OID structure.
 */
typedef struct _NDIS_RESTART_ATTRIBUTES NDIS_RESTART_ATTRIBUTES, *PNDIS_RESTART_ATTRIBUTES;
struct _NDIS_RESTART_ATTRIBUTES {
    PNDIS_RESTART_ATTRIBUTES Next;
    NDIS_OID Oid;
    ULONG DataLength;
    DECLSPEC_ALIGN(MEMORY_ALLOCATION_ALIGNMENT) UCHAR Data[1];
};

/* The OID_GEN_MINIPORT_RESTART_ATTRIBUTES entry of a restart attribute chain. */
typedef struct _NDIS_RESTART_GENERAL_ATTRIBUTES {
    NDIS_OBJECT_HEADER Header;
    ULONG MtuSize;
    ULONG64 MaxXmitLinkSpeed;
    ULONG64 MaxRcvLinkSpeed;
    ULONG LookaheadSize;
    ULONG MacOptions;
    ULONG SupportedPacketFilters;
    ULONG MaxMulticastListSize;
    PNDIS_RECEIVE_SCALE_CAPABILITIES RecvScaleCapabilities;
    NET_IF_ACCESS_TYPE AccessType;
    ULONG Flags;
    NET_IF_CONNECTION_TYPE ConnectionType;
    ULONG SupportedStatistics;
    ULONG DataBackFillSize;
    ULONG ContextBackFillSize;
    PNDIS_OID SupportedOidList;
    ULONG SupportedOidListLength;
#if NDIS_SUPPORT_NDIS620
    ULONG MaxLookaheadSizeAccessed;
#endif
} NDIS_RESTART_GENERAL_ATTRIBUTES, *PNDIS_RESTART_GENERAL_ATTRIBUTES;

#define NDIS_RESTART_GENERAL_ATTRIBUTES_REVISION_1 1
#define NDIS_SIZEOF_RESTART_GENERAL_ATTRIBUTES_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_RESTART_GENERAL_ATTRIBUTES, SupportedOidListLength)
#if NDIS_SUPPORT_NDIS620
#define NDIS_RESTART_GENERAL_ATTRIBUTES_REVISION_2 2
#define NDIS_SIZEOF_RESTART_GENERAL_ATTRIBUTES_REVISION_2 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_RESTART_GENERAL_ATTRIBUTES, MaxLookaheadSizeAccessed)
#define NDIS_MAX_LOOKAHEAD_SIZE_ACCESSED_UNDEFINED (-1)
#define NDIS_RESTART_GENERAL_ATTRIBUTES_MAX_LOOKAHEAD_ACCESSED_DEFINED 0x00000001
#endif

#endif /* NDISKIT_NDIS_TYPES_H */
