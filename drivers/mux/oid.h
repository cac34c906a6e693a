/*
 * oid.h - the VELANs' OID requests and the lower adapter's receive
 * settings (oid.c).
 */
#ifndef MUX_OID_H
#define MUX_OID_H

#include "mux.h"

/* A VELAN's MiniportOidRequest: answered here when the VELAN owns the
 * answer, forwarded to the lower adapter otherwise (NDIS_STATUS_PENDING,
 * completed with NdisMOidRequestComplete).  <= DISPATCH_LEVEL. */
_IRQL_requires_max_(DISPATCH_LEVEL)
NDIS_STATUS MuxOidRequest(_In_ PMUX_VELAN Velan, _Inout_ PNDIS_OID_REQUEST Request);

/* MiniportCancelOidRequest: cancels a forwarded request below. */
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID MuxOidCancel(_In_ PMUX_VELAN Velan, _In_ PVOID RequestId);

/* Recomputes what the lower adapter must receive for its VELANs (the
 * union of their filters and multicast lists, promiscuous if any needs
 * frames for an address that is not the lower adapter's) and sets it if
 * it changed.  Asynchronous; <= DISPATCH_LEVEL. */
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID MuxAdapterUpdateReceive(_In_ PMUX_ADAPTER Adapter);

/* The OID list the VELANs answer for OID_GEN_SUPPORTED_LIST (and give in
 * their general attributes). */
extern const NDIS_OID MuxSupportedOids[];
extern const ULONG MuxSupportedOidCount;

#endif
