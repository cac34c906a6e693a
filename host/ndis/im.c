/*
 * im.c - intermediate drivers: the NdisIMXxx routines that tie an IM
 * driver's protocol edge (bindings to the adapters below it) to its
 * miniport edge (the virtual miniports above it, miniport.c).
 *
 * A virtual miniport is started the way PnP starts a device: not inside
 * NdisIMInitializeDeviceInstanceEx, but later on NDIS's own thread (the
 * bind thread, protocol.c), in order with the binds - so under the
 * interleaving explorer it is delivered where a scenario calls
 * NkHostWaitBinds, and the IM must cope with MiniportInitializeEx coming
 * before or after the call returns.  Until it starts it can be cancelled
 * (NdisIMCancelInitializeDeviceInstance).
 *
 * Verifier rules: ndis.im.not-intermediate (an IM routine from a driver
 * that did not register with NDIS_INTERMEDIATE_DRIVER).
 */
#include "ndis_internal.h"

/* The IM driver a DriverHandle names (NdisMRegisterMiniportDriver's). */
static NK_MINIPORT_DRIVER *ImDriverOf(NDIS_HANDLE Handle, const char *Ddi)
{
    NK_MINIPORT_DRIVER *d = NULL;
    pthread_mutex_lock(&NkNdisLock);
    for (PLIST_ENTRY e = NkMiniportDrivers.Flink; e != &NkMiniportDrivers; e = e->Flink)
        if ((NDIS_HANDLE)CONTAINING_RECORD(e, NK_MINIPORT_DRIVER, Link) == Handle)
            d = (NK_MINIPORT_DRIVER *)Handle;
    pthread_mutex_unlock(&NkNdisLock);
    if (d == NULL) {
        NkHostViolation("ndis.invalid-miniport-driver", "%s(%p): not a miniport driver handle", Ddi, Handle);
        return NULL;
    }
    if (!d->Intermediate) {
        NkHostViolation("ndis.im.not-intermediate", "%s: the driver did not register as an intermediate driver "
                        "(NDIS_INTERMEDIATE_DRIVER)", Ddi);
        return NULL;
    }
    return d;
}

/* Records which protocol is the IM's lower edge (NDIS uses it to order
 * the IM's binds and unloads; the host only keeps it). */
VOID NdisIMAssociateMiniport(NDIS_HANDLE DriverHandle, NDIS_HANDLE ProtocolHandle)
{
    NK_MINIPORT_DRIVER *d;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisIMAssociateMiniport") ||
        (d = ImDriverOf(DriverHandle, "NdisIMAssociateMiniport")) == NULL)
        return;
    pthread_mutex_lock(&NkNdisLock);
    d->Protocol = (NK_PROTOCOL *)ProtocolHandle;
    pthread_mutex_unlock(&NkNdisLock);
}

/* Queues the start of a virtual miniport named DriverInstance (its
 * adapter's name, "\Device\{GUID}"): MiniportInitializeEx runs on the bind
 * thread, where NdisIMGetDeviceContext gives it DeviceContext.  Success
 * means queued; an instance that then fails to initialize just never
 * appears, as on Windows. */
NDIS_STATUS NdisIMInitializeDeviceInstanceEx(NDIS_HANDLE DriverHandle, PNDIS_STRING DriverInstance,
                                             NDIS_HANDLE DeviceContext)
{
    NK_MINIPORT_DRIVER *d;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisIMInitializeDeviceInstanceEx") ||
        (d = ImDriverOf(DriverHandle, "NdisIMInitializeDeviceInstanceEx")) == NULL)
        return NDIS_STATUS_FAILURE;
    if (DriverInstance == NULL || DriverInstance->Buffer == NULL || DriverInstance->Length == 0)
        return NDIS_STATUS_INVALID_PARAMETER;
    NkSchedPoint(); /* the start may be delivered from here on */
    return NkNdisQueueInstanceStart(d, DriverInstance, DeviceContext);
}

/* Succeeds only while the start is still queued: once MiniportInitializeEx
 * has begun, the instance must be torn down with
 * NdisIMDeInitializeDeviceInstance instead. */
NDIS_STATUS NdisIMCancelInitializeDeviceInstance(NDIS_HANDLE DriverHandle, PNDIS_STRING DeviceInstance)
{
    NK_MINIPORT_DRIVER *d;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisIMCancelInitializeDeviceInstance") ||
        (d = ImDriverOf(DriverHandle, "NdisIMCancelInitializeDeviceInstance")) == NULL)
        return NDIS_STATUS_FAILURE;
    if (DeviceInstance == NULL || DeviceInstance->Buffer == NULL || DeviceInstance->Length == 0)
        return NDIS_STATUS_INVALID_PARAMETER;
    NkSchedPoint();
    return NkNdisCancelInstanceStart(d, DeviceInstance) ? NDIS_STATUS_SUCCESS : NDIS_STATUS_FAILURE;
}

/* Unbinds the protocols above the virtual miniport, pauses it if it is
 * running, halts it (NdisHaltDeviceInstanceDeInitialized) and removes its
 * adapter, all before returning; an instance still starting on NDIS's
 * thread is waited for first. */
NDIS_STATUS NdisIMDeInitializeDeviceInstance(NDIS_HANDLE NdisMiniportHandle)
{
    NK_MINIPORT *m;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisIMDeInitializeDeviceInstance"))
        return NDIS_STATUS_FAILURE;
    pthread_mutex_lock(&NkNdisLock);
    m = NkNdisMiniportLocked(NdisMiniportHandle);
    pthread_mutex_unlock(&NkNdisLock);
    if (m == NULL) {
        NkHostViolation("ndis.invalid-miniport-handle", "NdisIMDeInitializeDeviceInstance(%p): not a miniport "
                        "adapter handle", NdisMiniportHandle);
        return NDIS_STATUS_FAILURE;
    }
    if (!m->Driver->Intermediate) {
        NkHostViolation("ndis.im.not-intermediate", "NdisIMDeInitializeDeviceInstance on an instance of a "
                        "physical miniport");
        return NDIS_STATUS_FAILURE;
    }
    /* From another thread while the instance is still starting, this waits
     * for the start (NDIS serialises a device's PnP); from inside its own
     * start it is a finding (miniport.c). */
    NkSchedPoint();
    return NkNdisMiniportRemove(m, NdisHaltDeviceInstanceDeInitialized);
}

/* The device context the IM below gave the virtual miniport this binding
 * is to (NULL for an adapter that is no virtual miniport). */
NDIS_HANDLE NdisIMGetBindingContext(NDIS_HANDLE NdisBindingHandle)
{
    NK_BINDING *b;
    NDIS_HANDLE context = NULL;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisIMGetBindingContext") ||
        (b = NkNdisBindingOf(NdisBindingHandle, "NdisIMGetBindingContext")) == NULL)
        return NULL;
    pthread_mutex_lock(&NkNdisLock);
    if (b->Adapter->Miniport != NULL && b->Adapter->Miniport->Driver->Intermediate)
        context = b->Adapter->Miniport->DeviceContext;
    pthread_mutex_unlock(&NkNdisLock);
    return context;
}

PVOID NdisIMGetDeviceContext(NDIS_HANDLE MiniportAdapterHandle)
{
    NK_MINIPORT *m;
    pthread_mutex_lock(&NkNdisLock);
    m = NkNdisMiniportLocked(MiniportAdapterHandle);
    pthread_mutex_unlock(&NkNdisLock);
    if (m == NULL) {
        NkHostViolation("ndis.invalid-miniport-handle", "NdisIMGetDeviceContext(%p): not a miniport adapter handle",
                        MiniportAdapterHandle);
        return NULL;
    }
    return m->DeviceContext;
}
