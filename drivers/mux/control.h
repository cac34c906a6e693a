/*
 * control.h - \Device\Mux (control.c).
 */
#ifndef MUX_CONTROL_H
#define MUX_CONTROL_H

#include "mux.h"

_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS MuxControlCreate(_In_ WDFDRIVER Driver);

/* Puts mux's WDM dispatch for \Device\Mux in front of NDIS's (after
 * NdisMRegisterMiniportDriver filled the driver object's table). */
_IRQL_requires_(PASSIVE_LEVEL)
VOID MuxControlHookDispatch(_Inout_ PDRIVER_OBJECT DriverObject);

/* Deletes the device; requests in progress have left (MuxGlobals.Users). */
_IRQL_requires_(PASSIVE_LEVEL)
VOID MuxControlDelete(VOID);

#endif
