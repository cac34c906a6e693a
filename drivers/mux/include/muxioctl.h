/*
 * muxioctl.h - the mux driver's control device, for user mode and tests.
 *
 * \Device\Mux (\\.\Mux from Win32) answers one IOCTL: the list of virtual
 * miniports (VELANs) the driver runs, one MUX_VELAN_INFO per VELAN, so a
 * test or an administrator can see what each lower adapter's UpperBindings
 * became: instance name, VLAN ID, MAC address, packet filter, multicast
 * count and counters.
 *
 * IOCTL_MUX_QUERY_VELANS (METHOD_BUFFERED, no input): the output buffer
 * receives a MUX_VELAN_LIST header followed by as many MUX_VELAN_INFO
 * records as fit.  Total is how many VELANs exist, Returned how many were
 * written; Returned < Total with STATUS_BUFFER_OVERFLOW means "call again
 * with a larger buffer" (the header alone is always written if it fits;
 * smaller than the header is STATUS_BUFFER_TOO_SMALL).
 */
#ifndef MUXIOCTL_H
#define MUXIOCTL_H

#define MUX_DEVICE_NAME_W  L"\\Device\\Mux"
#define MUX_LINK_NAME_W    L"\\DosDevices\\Mux"
#define MUX_WIN32_NAME_W   L"\\\\.\\Mux"

#ifndef FILE_DEVICE_NETWORK
#define FILE_DEVICE_NETWORK 0x00000012
#endif

/* CTL_CODE(FILE_DEVICE_NETWORK, 0x300, METHOD_BUFFERED, FILE_READ_ACCESS) */
#define IOCTL_MUX_QUERY_VELANS \
    (((ULONG)FILE_DEVICE_NETWORK << 16) | (0x0001 /* FILE_READ_ACCESS */ << 14) | (0x300 << 2) | 0 /* METHOD_BUFFERED */)

#define MUX_VELAN_LIST_VERSION 1
#define MUX_INSTANCE_NAME_CHARS 96      /* "\Device\{GUID}" is 46; longer names are refused */

/* MUX_VELAN_INFO.State */
#define MUX_VELAN_STATE_STARTING 1      /* NdisIMInitializeDeviceInstanceEx issued, not initialized yet */
#define MUX_VELAN_STATE_PAUSED   2
#define MUX_VELAN_STATE_RUNNING  3
#define MUX_VELAN_STATE_PAUSING  4
#define MUX_VELAN_STATE_FAILED   5      /* MiniportInitializeEx refused it (see the debug log) */
#define MUX_VELAN_STATE_HALTED   6

typedef struct _MUX_VELAN_INFO {
    WCHAR InstanceName[MUX_INSTANCE_NAME_CHARS];    /* NUL-terminated, "\Device\{GUID}" */
    WCHAR LowerName[MUX_INSTANCE_NAME_CHARS];       /* the lower adapter's name, truncated if longer */
    ULONG State;                                    /* MUX_VELAN_STATE_* */
    ULONG VlanId;                                   /* 0-4095 */
    UCHAR MacAddress[6];
    UCHAR Reserved[2];
    ULONG PacketFilter;                             /* NDIS_PACKET_TYPE_* the VELAN's protocols set */
    ULONG MulticastCount;                           /* entries in its multicast list (at most 32) */
    ULONG64 FramesXmitOk;
    ULONG64 FramesXmitError;
    ULONG64 BytesXmit;
    ULONG64 FramesRcvOk;
    ULONG64 BytesRcv;
    ULONG64 RcvNoBuffer;                            /* received for it, dropped for want of memory */
    ULONG64 FilteredOut;                            /* its VLAN's frames its filter refused */
    ULONG64 LowerUnknownVlanDrops;                  /* the lower adapter's frames for a VID no VELAN has */
} MUX_VELAN_INFO, *PMUX_VELAN_INFO;

typedef struct _MUX_VELAN_LIST {
    ULONG Version;                                  /* MUX_VELAN_LIST_VERSION */
    ULONG Total;
    ULONG Returned;
    ULONG Reserved;
    /* MUX_VELAN_INFO Velans[Returned] follow */
} MUX_VELAN_LIST, *PMUX_VELAN_LIST;

#endif
