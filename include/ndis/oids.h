/*
 * ndis/oids.h - media types, OIDs, packet filters and the other values that
 * travel in OID requests (the ntddndis.h part of ndis.h).  Part of <ndis.h>,
 * and of the client library's user-mode <ntddndis.h> (host/client/include),
 * which defines ULONG and includes it: only ULONG may be used here.
 */
#ifndef NDISKIT_NDIS_OIDS_H
#define NDISKIT_NDIS_OIDS_H

#if !defined(NDISKIT_NDIS_H) && !defined(NDISKIT_CLIENT_NTDDNDIS_H)
#error "include <ndis.h> (or, in a user-mode tool, <ntddndis.h>), not <ndis/oids.h>"
#endif

typedef ULONG NDIS_OID, *PNDIS_OID;

/* The medium a miniport exposes (NDIS_OPEN_PARAMETERS.MediumArray, bind parameters). */
typedef enum _NDIS_MEDIUM {
    NdisMedium802_3 = 0,
    NdisMedium802_5 = 1,
    NdisMediumFddi = 2,
    NdisMediumWan = 3,
    NdisMediumLocalTalk = 4,
    NdisMediumDix = 5,
    NdisMediumArcnetRaw = 6,
    NdisMediumArcnet878_2 = 7,
    NdisMediumAtm = 8,
    NdisMediumWirelessWan = 9,
    NdisMediumIrda = 10,
    NdisMediumBpc = 11,
    NdisMediumCoWan = 12,
    NdisMedium1394 = 13,
    NdisMediumInfiniBand = 14,
    NdisMediumTunnel = 15,
    NdisMediumNative802_11 = 16,
    NdisMediumLoopback = 17,
    NdisMediumWiMAX = 18,
    NdisMediumIP = 19,
    NdisMediumMax
} NDIS_MEDIUM, *PNDIS_MEDIUM;

/* The physical medium underneath (OID_GEN_PHYSICAL_MEDIUM). */
typedef enum _NDIS_PHYSICAL_MEDIUM {
    NdisPhysicalMediumUnspecified = 0,
    NdisPhysicalMediumWirelessLan = 1,
    NdisPhysicalMediumCableModem = 2,
    NdisPhysicalMediumPhoneLine = 3,
    NdisPhysicalMediumPowerLine = 4,
    NdisPhysicalMediumDSL = 5,
    NdisPhysicalMediumFibreChannel = 6,
    NdisPhysicalMedium1394 = 7,
    NdisPhysicalMediumWirelessWan = 8,
    NdisPhysicalMediumNative802_11 = 9,
    NdisPhysicalMediumBluetooth = 10,
    NdisPhysicalMediumInfiniband = 11,
    NdisPhysicalMediumWiMax = 12,
    NdisPhysicalMediumUWB = 13,
    NdisPhysicalMedium802_3 = 14,
    NdisPhysicalMedium802_5 = 15,
    NdisPhysicalMediumIrda = 16,
    NdisPhysicalMediumWiredWAN = 17,
    NdisPhysicalMediumWiredCoWan = 18,
    NdisPhysicalMediumOther = 19,
    NdisPhysicalMediumNative802_15_4 = 20,
    NdisPhysicalMediumMax
} NDIS_PHYSICAL_MEDIUM, *PNDIS_PHYSICAL_MEDIUM;

/* NDIS_OID_REQUEST.RequestType. */
typedef enum _NDIS_REQUEST_TYPE {
    NdisRequestQueryInformation = 0,
    NdisRequestSetInformation = 1,
    NdisRequestQueryStatistics = 2,
    NdisRequestOpen = 3,
    NdisRequestClose = 4,
    NdisRequestSend = 5,
    NdisRequestTransferData = 6,
    NdisRequestReset = 7,
    NdisRequestGeneric1 = 8,
    NdisRequestGeneric2 = 9,
    NdisRequestGeneric3 = 10,
    NdisRequestGeneric4 = 11,
    NdisRequestMethod = 12
} NDIS_REQUEST_TYPE, *PNDIS_REQUEST_TYPE;

/* OID_GEN_HARDWARE_STATUS. */
typedef enum _NDIS_HARDWARE_STATUS {
    NdisHardwareStatusReady,
    NdisHardwareStatusInitializing,
    NdisHardwareStatusReset,
    NdisHardwareStatusClosing,
    NdisHardwareStatusNotReady
} NDIS_HARDWARE_STATUS, *PNDIS_HARDWARE_STATUS;

/* OID_GEN_MEDIA_CONNECT_STATUS (the NDIS 5 form of the link state). */
typedef enum _NDIS_MEDIA_STATE {
    NdisMediaStateConnected,
    NdisMediaStateDisconnected
} NDIS_MEDIA_STATE, *PNDIS_MEDIA_STATE;

/* Device power states (OID_PNP_SET_POWER, NDIS_PM_WAKE_UP_CAPABILITIES). */
typedef enum _NDIS_DEVICE_POWER_STATE {
    NdisDeviceStateUnspecified = 0,
    NdisDeviceStateD0,
    NdisDeviceStateD1,
    NdisDeviceStateD2,
    NdisDeviceStateD3,
    NdisDeviceStateMaximum
} NDIS_DEVICE_POWER_STATE, *PNDIS_DEVICE_POWER_STATE;

/* Receive filter bits for OID_GEN_CURRENT_PACKET_FILTER. */
#define NDIS_PACKET_TYPE_DIRECTED       0x00000001
#define NDIS_PACKET_TYPE_MULTICAST      0x00000002
#define NDIS_PACKET_TYPE_ALL_MULTICAST  0x00000004
#define NDIS_PACKET_TYPE_BROADCAST      0x00000008
#define NDIS_PACKET_TYPE_SOURCE_ROUTING 0x00000010
#define NDIS_PACKET_TYPE_PROMISCUOUS    0x00000020
#define NDIS_PACKET_TYPE_SMT            0x00000040
#define NDIS_PACKET_TYPE_ALL_LOCAL      0x00000080
#define NDIS_PACKET_TYPE_GROUP          0x00001000
#define NDIS_PACKET_TYPE_ALL_FUNCTIONAL 0x00002000
#define NDIS_PACKET_TYPE_FUNCTIONAL     0x00004000
#define NDIS_PACKET_TYPE_MAC_FRAME      0x00008000
#define NDIS_PACKET_TYPE_NO_LOCAL       0x00010000

/* OID_GEN_MAC_OPTIONS bits. */
#define NDIS_MAC_OPTION_COPY_LOOKAHEAD_DATA            0x00000001
#define NDIS_MAC_OPTION_RECEIVE_SERIALIZED             0x00000002
#define NDIS_MAC_OPTION_TRANSFERS_NOT_PEND             0x00000004
#define NDIS_MAC_OPTION_NO_LOOPBACK                    0x00000008
#define NDIS_MAC_OPTION_FULL_DUPLEX                    0x00000010
#define NDIS_MAC_OPTION_EOTX_INDICATION                0x00000020
#define NDIS_MAC_OPTION_8021P_PRIORITY                 0x00000040
#define NDIS_MAC_OPTION_SUPPORTS_MAC_ADDRESS_OVERWRITE 0x00000080
#define NDIS_MAC_OPTION_RECEIVE_AT_DPC                 0x00000100
#define NDIS_MAC_OPTION_8021Q_VLAN                     0x00000200
#define NDIS_MAC_OPTION_RESERVED                       0x80000000

/* Common Ethernet types, in host order. */
#define NDIS_ETH_TYPE_IPV4          0x0800
#define NDIS_ETH_TYPE_ARP           0x0806
#define NDIS_ETH_TYPE_IPV6          0x86DD
#define NDIS_ETH_TYPE_802_1X        0x888E
#define NDIS_ETH_TYPE_802_1Q        0x8100
#define NDIS_ETH_TYPE_SLOW_PROTOCOL 0x8809

/* General objects, required and optional. */
#define OID_GEN_SUPPORTED_LIST              0x00010101
#define OID_GEN_HARDWARE_STATUS             0x00010102
#define OID_GEN_MEDIA_SUPPORTED             0x00010103
#define OID_GEN_MEDIA_IN_USE                0x00010104
#define OID_GEN_MAXIMUM_LOOKAHEAD           0x00010105
#define OID_GEN_MAXIMUM_FRAME_SIZE          0x00010106
#define OID_GEN_LINK_SPEED                  0x00010107
#define OID_GEN_TRANSMIT_BUFFER_SPACE       0x00010108
#define OID_GEN_RECEIVE_BUFFER_SPACE        0x00010109
#define OID_GEN_TRANSMIT_BLOCK_SIZE         0x0001010A
#define OID_GEN_RECEIVE_BLOCK_SIZE          0x0001010B
#define OID_GEN_VENDOR_ID                   0x0001010C
#define OID_GEN_VENDOR_DESCRIPTION          0x0001010D
#define OID_GEN_CURRENT_PACKET_FILTER       0x0001010E
#define OID_GEN_CURRENT_LOOKAHEAD           0x0001010F
#define OID_GEN_DRIVER_VERSION              0x00010110
#define OID_GEN_MAXIMUM_TOTAL_SIZE          0x00010111
#define OID_GEN_PROTOCOL_OPTIONS            0x00010112
#define OID_GEN_MAC_OPTIONS                 0x00010113
#define OID_GEN_MEDIA_CONNECT_STATUS        0x00010114
#define OID_GEN_MAXIMUM_SEND_PACKETS        0x00010115
#define OID_GEN_VENDOR_DRIVER_VERSION       0x00010116
#define OID_GEN_SUPPORTED_GUIDS             0x00010117
#define OID_GEN_NETWORK_LAYER_ADDRESSES     0x00010118
#define OID_GEN_TRANSPORT_HEADER_OFFSET     0x00010119
#define OID_GEN_MEDIA_CAPABILITIES          0x00010201
#define OID_GEN_PHYSICAL_MEDIUM             0x00010202
#define OID_GEN_RECEIVE_SCALE_CAPABILITIES  0x00010203
#define OID_GEN_RECEIVE_SCALE_PARAMETERS    0x00010204
#define OID_GEN_MAC_ADDRESS                 0x00010205
#define OID_GEN_MAX_LINK_SPEED              0x00010206
#define OID_GEN_LINK_STATE                  0x00010207
#define OID_GEN_LINK_PARAMETERS             0x00010208
#define OID_GEN_INTERRUPT_MODERATION        0x00010209
#define OID_GEN_NDIS_RESERVED_3             0x0001020A
#define OID_GEN_NDIS_RESERVED_4             0x0001020B
#define OID_GEN_NDIS_RESERVED_5             0x0001020C
#define OID_GEN_ENUMERATE_PORTS             0x0001020D
#define OID_GEN_PORT_STATE                  0x0001020E
#define OID_GEN_PORT_AUTHENTICATION_PARAMETERS 0x0001020F
#define OID_GEN_TIMEOUT_DPC_REQUEST_CAPABILITIES 0x00010210
#define OID_GEN_PCI_DEVICE_CUSTOM_PROPERTIES 0x00010211
#define OID_GEN_NDIS_RESERVED_6             0x00010212
#define OID_GEN_PHYSICAL_MEDIUM_EX          0x00010213
#define OID_GEN_RECEIVE_SCALE_PARAMETERS_V2 0x00010214
#define OID_GEN_MACHINE_NAME                0x0001021A
#define OID_GEN_RNDIS_CONFIG_PARAMETER      0x0001021B
#define OID_GEN_VLAN_ID                     0x0001021C
#define OID_GEN_MINIPORT_RESTART_ATTRIBUTES 0x0001021D
#define OID_GEN_HD_SPLIT_PARAMETERS         0x0001021E
#define OID_GEN_RECEIVE_HASH                0x0001021F
#define OID_GEN_HD_SPLIT_CURRENT_CONFIG     0x00010220
#define OID_GEN_PROMISCUOUS_MODE            0x00010280
#define OID_GEN_LAST_CHANGE                 0x00010281
#define OID_GEN_DISCONTINUITY_TIME          0x00010282
#define OID_GEN_OPERATIONAL_STATUS          0x00010283
#define OID_GEN_XMIT_LINK_SPEED             0x00010284
#define OID_GEN_RCV_LINK_SPEED              0x00010285
#define OID_GEN_UNKNOWN_PROTOS              0x00010286
#define OID_GEN_INTERFACE_INFO              0x00010287
#define OID_GEN_ADMIN_STATUS                0x00010288
#define OID_GEN_ALIAS                       0x00010289
#define OID_GEN_MEDIA_CONNECT_STATUS_EX     0x0001028A
#define OID_GEN_LINK_SPEED_EX               0x0001028B
#define OID_GEN_MEDIA_DUPLEX_STATE          0x0001028C
#define OID_GEN_IP_OPER_STATUS              0x0001028D

/* General statistics. */
#define OID_GEN_XMIT_OK                     0x00020101
#define OID_GEN_RCV_OK                      0x00020102
#define OID_GEN_XMIT_ERROR                  0x00020103
#define OID_GEN_RCV_ERROR                   0x00020104
#define OID_GEN_RCV_NO_BUFFER               0x00020105
#define OID_GEN_STATISTICS                  0x00020106
#define OID_GEN_DIRECTED_BYTES_XMIT         0x00020201
#define OID_GEN_DIRECTED_FRAMES_XMIT        0x00020202
#define OID_GEN_MULTICAST_BYTES_XMIT        0x00020203
#define OID_GEN_MULTICAST_FRAMES_XMIT       0x00020204
#define OID_GEN_BROADCAST_BYTES_XMIT        0x00020205
#define OID_GEN_BROADCAST_FRAMES_XMIT       0x00020206
#define OID_GEN_DIRECTED_BYTES_RCV          0x00020207
#define OID_GEN_DIRECTED_FRAMES_RCV         0x00020208
#define OID_GEN_MULTICAST_BYTES_RCV         0x00020209
#define OID_GEN_MULTICAST_FRAMES_RCV        0x0002020A
#define OID_GEN_BROADCAST_BYTES_RCV         0x0002020B
#define OID_GEN_BROADCAST_FRAMES_RCV        0x0002020C
#define OID_GEN_RCV_CRC_ERROR               0x0002020D
#define OID_GEN_TRANSMIT_QUEUE_LENGTH       0x0002020E
#define OID_GEN_GET_TIME_CAPS               0x0002020F
#define OID_GEN_GET_NETCARD_TIME            0x00020210
#define OID_GEN_NETCARD_LOAD                0x00020211
#define OID_GEN_DEVICE_PROFILE              0x00020212
#define OID_GEN_INIT_TIME_MS                0x00020213
#define OID_GEN_RESET_COUNTS                0x00020214
#define OID_GEN_MEDIA_SENSE_COUNTS          0x00020215
#define OID_GEN_FRIENDLY_NAME               0x00020216
#define OID_GEN_NDIS_RESERVED_1             0x00020217
#define OID_GEN_NDIS_RESERVED_2             0x00020218
#define OID_GEN_BYTES_RCV                   0x00020219
#define OID_GEN_BYTES_XMIT                  0x0002021A
#define OID_GEN_RCV_DISCARDS                0x0002021B
#define OID_GEN_XMIT_DISCARDS               0x0002021C

/* Ethernet (802.3). */
#define OID_802_3_PERMANENT_ADDRESS         0x01010101
#define OID_802_3_CURRENT_ADDRESS           0x01010102
#define OID_802_3_MULTICAST_LIST            0x01010103
#define OID_802_3_MAXIMUM_LIST_SIZE         0x01010104
#define OID_802_3_MAC_OPTIONS               0x01010105
#define NDIS_802_3_MAC_OPTION_PRIORITY      0x00000001
#define OID_802_3_ADD_MULTICAST_ADDRESS     0x01010208
#define OID_802_3_DELETE_MULTICAST_ADDRESS  0x01010209
#define OID_802_3_RCV_ERROR_ALIGNMENT       0x01020101
#define OID_802_3_XMIT_ONE_COLLISION        0x01020102
#define OID_802_3_XMIT_MORE_COLLISIONS      0x01020103
#define OID_802_3_XMIT_DEFERRED             0x01020201
#define OID_802_3_XMIT_MAX_COLLISIONS       0x01020202
#define OID_802_3_RCV_OVERRUN               0x01020203
#define OID_802_3_XMIT_UNDERRUN             0x01020204
#define OID_802_3_XMIT_HEARTBEAT_FAILURE    0x01020205
#define OID_802_3_XMIT_TIMES_CRS_LOST       0x01020206
#define OID_802_3_XMIT_LATE_COLLISIONS      0x01020207

/* Wireless LAN, 802.11 (the legacy set user-mode supplicants use through ndisprot). */
#define OID_802_11_BSSID                    0x0D010101
#define OID_802_11_SSID                     0x0D010102
#define OID_802_11_INFRASTRUCTURE_MODE      0x0D010108
#define OID_802_11_ADD_WEP                  0x0D010113
#define OID_802_11_REMOVE_WEP               0x0D010114
#define OID_802_11_DISASSOCIATE             0x0D010115
#define OID_802_11_AUTHENTICATION_MODE      0x0D010118
#define OID_802_11_PRIVACY_FILTER           0x0D010119
#define OID_802_11_BSSID_LIST_SCAN          0x0D01011A
#define OID_802_11_WEP_STATUS               0x0D01011B
#define OID_802_11_ENCRYPTION_STATUS        OID_802_11_WEP_STATUS
#define OID_802_11_RELOAD_DEFAULTS          0x0D01011C
#define OID_802_11_ADD_KEY                  0x0D01011D
#define OID_802_11_REMOVE_KEY               0x0D01011E
#define OID_802_11_ASSOCIATION_INFORMATION  0x0D01011F
#define OID_802_11_TEST                     0x0D010120
#define OID_802_11_MEDIA_STREAM_MODE        0x0D010121
#define OID_802_11_CAPABILITY               0x0D010122
#define OID_802_11_PMKID                    0x0D010123
#define OID_802_11_NON_BCAST_SSID_LIST      0x0D010124
#define OID_802_11_RADIO_STATUS             0x0D010125
#define OID_802_11_NETWORK_TYPES_SUPPORTED  0x0D010203
#define OID_802_11_NETWORK_TYPE_IN_USE      0x0D010204
#define OID_802_11_TX_POWER_LEVEL           0x0D010205
#define OID_802_11_RSSI                     0x0D010206
#define OID_802_11_RSSI_TRIGGER             0x0D010207
#define OID_802_11_FRAGMENTATION_THRESHOLD  0x0D010209
#define OID_802_11_RTS_THRESHOLD            0x0D01020A
#define OID_802_11_NUMBER_OF_ANTENNAS       0x0D01020B
#define OID_802_11_RX_ANTENNA_SELECTED      0x0D01020C
#define OID_802_11_TX_ANTENNA_SELECTED      0x0D01020D
#define OID_802_11_SUPPORTED_RATES          0x0D01020E
#define OID_802_11_DESIRED_RATES            0x0D010210
#define OID_802_11_CONFIGURATION            0x0D010211
#define OID_802_11_POWER_MODE               0x0D010216
#define OID_802_11_BSSID_LIST               0x0D010217
#define OID_802_11_STATISTICS               0x0D020212

/* Power management. */
#define OID_PNP_CAPABILITIES                0xFD010100
#define OID_PNP_SET_POWER                   0xFD010101
#define OID_PNP_QUERY_POWER                 0xFD010102
#define OID_PNP_ADD_WAKE_UP_PATTERN         0xFD010103
#define OID_PNP_REMOVE_WAKE_UP_PATTERN      0xFD010104
#define OID_PNP_WAKE_UP_PATTERN_LIST        0xFD010105
#define OID_PNP_ENABLE_WAKE_UP              0xFD010106
#define OID_PM_CURRENT_CAPABILITIES         0xFD010107
#define OID_PM_HARDWARE_CAPABILITIES        0xFD010108
#define OID_PM_PARAMETERS                   0xFD010109
#define OID_PM_ADD_WOL_PATTERN              0xFD01010A
#define OID_PM_REMOVE_WOL_PATTERN           0xFD01010B
#define OID_PM_WOL_PATTERN_LIST             0xFD01010C
#define OID_PM_ADD_PROTOCOL_OFFLOAD         0xFD01010D
#define OID_PM_GET_PROTOCOL_OFFLOAD         0xFD01010E
#define OID_PM_REMOVE_PROTOCOL_OFFLOAD      0xFD01010F
#define OID_PM_PROTOCOL_OFFLOAD_LIST        0xFD010110
#define OID_PNP_WAKE_UP_OK                  0xFD020200
#define OID_PNP_WAKE_UP_ERROR               0xFD020201

/* OID_PNP_ENABLE_WAKE_UP bits. */
#define NDIS_PNP_WAKE_UP_MAGIC_PACKET       0x00000001
#define NDIS_PNP_WAKE_UP_PATTERN_MATCH      0x00000002
#define NDIS_PNP_WAKE_UP_LINK_CHANGE        0x00000004

/*
 * Bits of NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES.SupportedStatistics: which
 * counters of OID_GEN_STATISTICS the miniport maintains.
 */
#define NDIS_STATISTICS_XMIT_OK_SUPPORTED                0x00000001
#define NDIS_STATISTICS_RCV_OK_SUPPORTED                 0x00000002
#define NDIS_STATISTICS_XMIT_ERROR_SUPPORTED             0x00000004
#define NDIS_STATISTICS_RCV_ERROR_SUPPORTED              0x00000008
#define NDIS_STATISTICS_RCV_NO_BUFFER_SUPPORTED          0x00000010
#define NDIS_STATISTICS_DIRECTED_BYTES_XMIT_SUPPORTED    0x00000020
#define NDIS_STATISTICS_DIRECTED_FRAMES_XMIT_SUPPORTED   0x00000040
#define NDIS_STATISTICS_MULTICAST_BYTES_XMIT_SUPPORTED   0x00000080
#define NDIS_STATISTICS_MULTICAST_FRAMES_XMIT_SUPPORTED  0x00000100
#define NDIS_STATISTICS_BROADCAST_BYTES_XMIT_SUPPORTED   0x00000200
#define NDIS_STATISTICS_BROADCAST_FRAMES_XMIT_SUPPORTED  0x00000400
#define NDIS_STATISTICS_DIRECTED_BYTES_RCV_SUPPORTED     0x00000800
#define NDIS_STATISTICS_DIRECTED_FRAMES_RCV_SUPPORTED    0x00001000
#define NDIS_STATISTICS_MULTICAST_BYTES_RCV_SUPPORTED    0x00002000
#define NDIS_STATISTICS_MULTICAST_FRAMES_RCV_SUPPORTED   0x00004000
#define NDIS_STATISTICS_BROADCAST_BYTES_RCV_SUPPORTED    0x00008000
#define NDIS_STATISTICS_BROADCAST_FRAMES_RCV_SUPPORTED   0x00010000
#define NDIS_STATISTICS_RCV_CRC_ERROR_SUPPORTED          0x00020000
#define NDIS_STATISTICS_TRANSMIT_QUEUE_LENGTH_SUPPORTED  0x00040000
#define NDIS_STATISTICS_BYTES_RCV_SUPPORTED              0x00080000
#define NDIS_STATISTICS_BYTES_XMIT_SUPPORTED             0x00100000
#define NDIS_STATISTICS_RCV_DISCARDS_SUPPORTED           0x00200000
#define NDIS_STATISTICS_GEN_STATISTICS_SUPPORTED         0x00400000
#define NDIS_STATISTICS_XMIT_DISCARDS_SUPPORTED          0x08000000

#endif /* NDISKIT_NDIS_OIDS_H */
