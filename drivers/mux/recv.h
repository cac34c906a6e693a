/*
 * recv.h - lower receives to VELANs (recv.c).
 */
#ifndef MUX_RECV_H
#define MUX_RECV_H

#include "mux.h"

/* The lower binding's receive: each frame goes, untagged, to every running
 * VELAN of its VLAN whose filter takes it.  <= DISPATCH_LEVEL. */
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID MuxReceive(_In_ PNK_BINDING Binding, _In_ PNET_BUFFER_LIST Nbls, _In_ ULONG Count, _In_ ULONG Flags);

/* MiniportReturnNetBufferLists: the VELAN's protocols are done with what it
 * indicated.  <= DISPATCH_LEVEL. */
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID MuxReturnNbls(_In_ PMUX_VELAN Velan, _In_ PNET_BUFFER_LIST Nbls, _In_ ULONG Flags);

#endif
