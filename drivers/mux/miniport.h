/*
 * miniport.h - the VELANs' miniport edge (miniport.c).
 */
#ifndef MUX_MINIPORT_H
#define MUX_MINIPORT_H

#include "mux.h"

/* The IM miniport characteristics, UnloadHandler the driver's unload. */
_IRQL_requires_(PASSIVE_LEVEL)
VOID MuxMiniportCharacteristics(_Out_ PNDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars, _In_ MINIPORT_DRIVER_UNLOAD Unload);

#endif
