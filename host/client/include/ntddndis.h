/*
 * ntddndis.h - the NDIS definitions user-mode programs share with drivers:
 * OIDs, media, packet filters and their value types.  The values are the
 * kernel headers' own (include/ndis/oids.h, the ntddndis.h part of
 * <ndis.h>), included here rather than repeated, so a tool and a driver
 * built from this tree can never disagree about an OID.
 */
#ifndef NDISKIT_CLIENT_NTDDNDIS_H
#define NDISKIT_CLIENT_NTDDNDIS_H

#include <windows.h>

typedef ULONG NDIS_PORT_NUMBER, *PNDIS_PORT_NUMBER;

#include "../../../include/ndis/oids.h"

#endif
