/*
 * driver.c - mux's DriverEntry and unload.
 *
 * An NDIS intermediate driver is a miniport driver and a protocol driver
 * in one image, tied together by NdisIMAssociateMiniport so NDIS knows
 * which virtual miniports sit above which protocol's bindings.  The order:
 *
 *   1. WdfDriverCreate with WdfDriverInitNoDispatchOverride: KMDF for the
 *      control device only; NDIS owns the dispatch table and the unload
 *      (our MiniportDriverUnload calls WdfDriverMiniportUnload last);
 *   2. NdisMRegisterMiniportDriver (NDIS_INTERMEDIATE_DRIVER);
 *   3. the protocol (binding layer), then NdisIMAssociateMiniport;
 *   4. \Device\Mux, its IRPs taken from in front of NDIS's dispatch
 *      routines (control.c).
 *
 * Unload is the reverse: control-device requests leave, the device goes,
 * the protocol deregisters (every binding unbinds, halting its VELANs and
 * waiting for their traffic), then the miniport driver deregisters.
 */
#include "mux.h"
#include "control.h"
#include "miniport.h"
#include "protocol.h"
#include "velan.h"

DRIVER_INITIALIZE DriverEntry;

MUX_GLOBALS MuxGlobals;

static VOID Teardown(VOID)
{
    NkRundownWait(&MuxGlobals.Users, NK_WAIT_FOREVER);
    MuxControlDelete();
    if (MuxGlobals.ProtocolRegistered) {
        NkProtocolDeregister(&MuxGlobals.Protocol);
        MuxGlobals.ProtocolRegistered = FALSE;
    }
    if (MuxGlobals.MiniportDriver != NULL) {
        NdisMDeregisterMiniportDriver(MuxGlobals.MiniportDriver);
        MuxGlobals.MiniportDriver = NULL;
    }
    MuxVelanFreeAbandoned();    /* no MiniportInitializeEx can come any more */
}

VOID MuxDriverUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    Teardown();
    if (MuxGlobals.Driver != NULL)
        WdfDriverMiniportUnload(MuxGlobals.Driver);
    MuxGlobals.Driver = NULL;
    NkLogInfo("unloaded");
}

_Use_decl_annotations_
NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS chars;
    WDF_DRIVER_CONFIG config;
    NDIS_STATUS ndisStatus;
    NTSTATUS status;

    RtlZeroMemory(&MuxGlobals, sizeof(MuxGlobals));
    KeInitializeSpinLock(&MuxGlobals.Lock);
    InitializeListHead(&MuxGlobals.Adapters);
    InitializeListHead(&MuxGlobals.Abandoned);
    NkRundownInit(&MuxGlobals.Users);

    WDF_DRIVER_CONFIG_INIT(&config, WDF_NO_EVENT_CALLBACK);
    config.DriverInitFlags |= WdfDriverInitNonPnpDriver | WdfDriverInitNoDispatchOverride;
    status = WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config, &MuxGlobals.Driver);
    if (!NT_SUCCESS(status)) {
        NkLogError("WdfDriverCreate: 0x%08x", (unsigned)status);
        return status;
    }

    MuxMiniportCharacteristics(&chars, MuxDriverUnload);
    ndisStatus = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &chars, &MuxGlobals.MiniportDriver);
    if (ndisStatus != NDIS_STATUS_SUCCESS) {
        NkLogError("NdisMRegisterMiniportDriver: 0x%08x", (unsigned)ndisStatus);
        MuxGlobals.MiniportDriver = NULL;
        status = ndisStatus;
        goto fail;
    }
    MuxControlHookDispatch(DriverObject);
    ndisStatus = NkProtocolRegister(&MuxGlobals.Protocol, L"mux", MUX_MAJOR_NDIS, MUX_MINOR_NDIS,
                                    &MuxProtocolCallbacks, NULL);
    if (ndisStatus != NDIS_STATUS_SUCCESS) {
        NkLogError("NdisRegisterProtocolDriver: 0x%08x", (unsigned)ndisStatus);
        status = ndisStatus;
        goto fail;
    }
    MuxGlobals.ProtocolRegistered = TRUE;
    NdisIMAssociateMiniport(MuxGlobals.MiniportDriver, MuxGlobals.Protocol.Handle);

    status = MuxControlCreate(MuxGlobals.Driver);
    if (!NT_SUCCESS(status)) {
        NkLogError("control device: 0x%08x", (unsigned)status);
        goto fail;
    }
    return STATUS_SUCCESS;
fail:
    Teardown();
    WdfDriverMiniportUnload(MuxGlobals.Driver);
    MuxGlobals.Driver = NULL;
    return NT_SUCCESS(status) ? STATUS_UNSUCCESSFUL : status;
}
