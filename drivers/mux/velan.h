/*
 * velan.h - a VELAN's life (velan.c): created when its lower adapter's
 * UpperBindings names it, configured in MiniportInitializeEx, destroyed
 * when the name goes or the lower adapter is unbound.
 */
#ifndef MUX_VELAN_H
#define MUX_VELAN_H

#include "mux.h"

/* Links a new VELAN named Name (slot Index) to Adapter and asks NDIS to
 * start its miniport (NdisIMInitializeDeviceInstanceEx).  A failure leaves
 * nothing behind.  PASSIVE_LEVEL, Adapter->ConfigLock held. */
_IRQL_requires_(PASSIVE_LEVEL)
NDIS_STATUS MuxVelanCreate(_In_ PMUX_ADAPTER Adapter, _In_z_ PCWSTR Name, _In_ ULONG Index);

/* Unlinks Velan and takes its miniport down (cancelling a start that has
 * not run, or NdisIMDeInitializeDeviceInstance and waiting for the halt),
 * then frees it.  PASSIVE_LEVEL, Adapter->ConfigLock held. */
_IRQL_requires_(PASSIVE_LEVEL)
VOID MuxVelanDestroy(_In_ PMUX_VELAN Velan);

/* Frees the VELANs MuxVelanDestroy had to keep (see MUX_GLOBALS).  Only
 * once NdisMDeregisterMiniportDriver has returned.  PASSIVE_LEVEL. */
_IRQL_requires_(PASSIVE_LEVEL)
VOID MuxVelanFreeAbandoned(VOID);

/* The VELAN named Name on Adapter, or NULL.  The pointer stays valid while
 * the caller holds Adapter->ConfigLock.  <= DISPATCH_LEVEL. */
_IRQL_requires_max_(DISPATCH_LEVEL)
PMUX_VELAN MuxVelanFind(_In_ PMUX_ADAPTER Adapter, _In_z_ PCWSTR Name);

/* A free slot number on Adapter (for the derived MAC), or MUX_MAX_VELANS. */
_IRQL_requires_max_(DISPATCH_LEVEL)
ULONG MuxVelanFreeSlot(_In_ PMUX_ADAPTER Adapter);

/* Reads VlanID and NetworkAddress (NdisReadNetworkAddress) from the VELAN's
 * configuration.  Invalid values fail with NDIS_STATUS_INVALID_DATA after
 * logging why; an empty NetworkAddress counts as none.  PASSIVE. */
_IRQL_requires_(PASSIVE_LEVEL)
NDIS_STATUS MuxVelanReadConfig(_Inout_ PMUX_VELAN Velan, _In_ NDIS_HANDLE MiniportHandle);

/* One more NBL of Velan's out (a send copy below, an indication above). */
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID MuxVelanOutstandingAdd(_Inout_ PMUX_VELAN Velan);

/* One came back: the last one while pausing completes the pause. */
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID MuxVelanOutstandingDone(_Inout_ PMUX_VELAN Velan);

/* Indicates a lower status (e.g. NDIS_STATUS_LINK_STATE) on every
 * initialized VELAN of Adapter.  <= DISPATCH_LEVEL. */
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID MuxVelanIndicateStatusAll(_In_ PMUX_ADAPTER Adapter, _In_ PNDIS_STATUS_INDICATION Indication);

/* Waits until no status indication is using Velan (after Initialized was
 * cleared).  PASSIVE_LEVEL. */
_IRQL_requires_(PASSIVE_LEVEL)
VOID MuxVelanWaitIdle(_Inout_ PMUX_VELAN Velan);

/* Velan's report for IOCTL_MUX_QUERY_VELANS.  Adapter->Lock held. */
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID MuxVelanFillInfo(_In_ PMUX_VELAN Velan, _Out_ PMUX_VELAN_INFO Info);

#endif
