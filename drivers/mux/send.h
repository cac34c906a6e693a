/*
 * send.h - VELAN sends (send.c): each NET_BUFFER is copied into a buffer
 * of the driver's own, tagged for the VELAN's VLAN, and sent on the lower
 * binding; the original NBL completes when all its copies have.
 */
#ifndef MUX_SEND_H
#define MUX_SEND_H

#include "mux.h"

/* MiniportSendNetBufferLists.  <= DISPATCH_LEVEL. */
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID MuxSendNbls(_In_ PMUX_VELAN Velan, _In_ PNET_BUFFER_LIST Nbls, _In_ ULONG SendFlags);

/* The lower binding's send completion of the copies.  <= DISPATCH_LEVEL. */
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID MuxSendComplete(_In_ PNK_BINDING Binding, _In_ PNET_BUFFER_LIST Nbls, _In_ ULONG Flags);

/* A frame copy's NBL (send or receive) and its MDL and buffer: allocated
 * from Velan's pool, Length bytes of data.  NULL if any allocation failed. */
_IRQL_requires_max_(DISPATCH_LEVEL)
PNET_BUFFER_LIST MuxCopyAllocate(_In_ PMUX_VELAN Velan, _In_ SIZE_T Length, _Out_ PUCHAR *Buffer);

_IRQL_requires_max_(DISPATCH_LEVEL)
VOID MuxCopyFree(_In_ PNET_BUFFER_LIST Nbl);

#endif
