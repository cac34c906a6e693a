/*
 * miniport.c - the host kernel's miniport edge: miniport drivers
 * (NdisMRegisterMiniportDriver), their instances, and the data path
 * between an instance and the protocols bound to it.
 *
 * An instance is an NK_ADAPTER whose Miniport is set: protocols bind to it
 * as to any adapter, and datapath.c hands what they do to this file -
 * sends to MiniportSendNetBufferLists (completed through
 * NdisMSendNetBufferListsComplete, split by binding), OID requests to
 * MiniportOidRequest one at a time per instance (a queue behind the one
 * the driver has), returns of the driver's NBLs back to
 * MiniportReturnNetBufferLists once every open that was indicated them
 * has returned them.  Direct OID requests go to MiniportDirectOidRequest
 * at once, not queued.
 *
 * State, as NDIS keeps it: Initializing -> Paused -> Restarting ->
 * Running -> Pausing -> Paused ... -> Halted (from Paused only).  Sends
 * reach the driver only while Running (otherwise the host completes them
 * with NDIS_STATUS_PAUSED itself); the driver may indicate from the call
 * to its MiniportRestart (before it completes, as the DDI reference
 * allows) until its pause completes.
 *
 * Outstanding sends and indicated NBLs are kept in tables (NK_MINIPORT
 * Sent and Held), looked up before an NBL the driver hands back is
 * touched, so a double completion is a finding and never a use after free.
 *
 * A binding that goes away with work still here (reported at its close)
 * is forgotten (NkNdisMiniportForgetBinding), so nothing reaches freed
 * memory and the driver still gets its NBLs back.  NdisMNetPnPEvent passes
 * an event up to the bound protocols; NDIS takes the driver's
 * DRIVER_OBJECT unload to call MiniportDriverUnload.
 *
 * Verifier rules (ndis.miniport.*): indicate-while-paused,
 * nbl-indicated-twice, nbl-returned-twice (datapath.c), send-completed-twice,
 * send-never-completed, oid-completed-twice, pause-complete-early,
 * pause-complete-unexpected, restart-complete-unexpected,
 * reset-complete-unexpected, attributes-outside-initialize,
 * attributes-order, no-attributes, halt-not-paused; ndis.miniport-driver-leak
 * and ndis.invalid-miniport-handle / -driver; and ndis.bad-characteristics
 * / ndis.bad-object-header for what the driver passes.
 */
#include "ndis_internal.h"

#include <stdlib.h>
#include <string.h>

#define NK_MINIPORT_DRIVER_MAGIC 0x4E4B4D5044525652ull
#define NK_MINIPORT_MAGIC 0x4E4B4D494E495054ull

LIST_ENTRY NkMiniportDrivers = {&NkMiniportDrivers, &NkMiniportDrivers};
LIST_ENTRY NkMiniports = {&NkMiniports, &NkMiniports};

/* ---- handles ------------------------------------------------------------------------- */

NK_MINIPORT *NkNdisMiniportLocked(NDIS_HANDLE Handle)
{
    for (PLIST_ENTRY e = NkMiniports.Flink; e != &NkMiniports; e = e->Flink)
        if ((NDIS_HANDLE)CONTAINING_RECORD(e, NK_MINIPORT, Link) == Handle)
            return (NK_MINIPORT *)Handle;
    return NULL;
}

/* The instance an NdisMiniportHandle / MiniportAdapterHandle names; a
 * finding if NDIS gave no such handle (or its instance was halted). */
static NK_MINIPORT *MiniportOf(NDIS_HANDLE Handle, const char *Ddi)
{
    NK_MINIPORT *m;
    pthread_mutex_lock(&NkNdisLock);
    m = NkNdisMiniportLocked(Handle);
    pthread_mutex_unlock(&NkNdisLock);
    if (m == NULL)
        NkHostViolation("ndis.invalid-miniport-handle", "%s(%p): not a miniport adapter handle", Ddi, Handle);
    return m;
}

static NK_MINIPORT_DRIVER *DriverOf(NDIS_HANDLE Handle, const char *Ddi)
{
    NK_MINIPORT_DRIVER *d = NULL;
    pthread_mutex_lock(&NkNdisLock);
    for (PLIST_ENTRY e = NkMiniportDrivers.Flink; e != &NkMiniportDrivers; e = e->Flink)
        if ((NDIS_HANDLE)CONTAINING_RECORD(e, NK_MINIPORT_DRIVER, Link) == Handle)
            d = (NK_MINIPORT_DRIVER *)Handle;
    pthread_mutex_unlock(&NkNdisLock);
    if (d == NULL)
        NkHostViolation("ndis.invalid-miniport-driver", "%s(%p): not a miniport driver handle", Ddi, Handle);
    return d;
}

/* Case-insensitive comparison of two terminated names. */
static BOOLEAN NamesEqual(PCWSTR A, PCWSTR B)
{
    while (*A != 0 && NkNdisUpcase(*A) == NkNdisUpcase(*B))
        A++, B++;
    return *A == 0 && *B == 0;
}

/* ---- registration --------------------------------------------------------------------- */

/* NDIS_MINIPORT_DRIVER_CHARACTERISTICS: revision 1 (NDIS 6.0) through
 * CancelOidRequestHandler, 2 (6.1) adds the direct OID handlers, 3 (6.80)
 * the synchronous OID handler. */
static const NK_NDIS_REVISION MiniportCharsRevisions[] = {
    {NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1, NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1},
    {NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2, NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2},
    {NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_3, NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_3},
};

/* The DRIVER_OBJECT unload of a miniport driver: NDIS owns it and calls
 * the driver's MiniportDriverUnload (which deregisters - the driver's
 * record is not touched after the call). */
static VOID NTAPI MiniportDriverUnloadThunk(PDRIVER_OBJECT DriverObject)
{
    MINIPORT_DRIVER_UNLOAD unload = NULL;
    pthread_mutex_lock(&NkNdisLock);
    for (PLIST_ENTRY e = NkMiniportDrivers.Flink; e != &NkMiniportDrivers && unload == NULL; e = e->Flink) {
        NK_MINIPORT_DRIVER *d = CONTAINING_RECORD(e, NK_MINIPORT_DRIVER, Link);
        if (d->DriverObject == DriverObject)
            unload = d->Chars.UnloadHandler;
    }
    pthread_mutex_unlock(&NkNdisLock);
    if (unload != NULL)
        unload(DriverObject);
}

/* Reads the characteristics by their revision, requires the handlers NDIS
 * calls on every instance, and records the service name (the last
 * component of RegistryPath: what NkHostStartMiniport names the driver
 * by).  An intermediate driver (NDIS_INTERMEDIATE_DRIVER) gets its
 * instances from NdisIMInitializeDeviceInstanceEx.  As on Windows, NDIS
 * takes the DRIVER_OBJECT's DriverUnload: unloading the driver calls its
 * MiniportDriverUnload. */
NDIS_STATUS NdisMRegisterMiniportDriver(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath,
                                        NDIS_HANDLE MiniportDriverContext,
                                        PNDIS_MINIPORT_DRIVER_CHARACTERISTICS MiniportDriverCharacteristics,
                                        PNDIS_HANDLE NdisMiniportDriverHandle)
{
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS c;
    NK_MINIPORT_DRIVER *d;
    USHORT n, start = 0;

    if (NdisMiniportDriverHandle == NULL)
        return NDIS_STATUS_INVALID_PARAMETER;
    *NdisMiniportDriverHandle = NULL;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisMRegisterMiniportDriver"))
        return NDIS_STATUS_FAILURE;
    if (!NkNdisTakeObject(MiniportDriverCharacteristics ? &MiniportDriverCharacteristics->Header : NULL,
                          NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS, MiniportCharsRevisions,
                          RTL_NUMBER_OF(MiniportCharsRevisions), &c, sizeof(c), "NdisMRegisterMiniportDriver"))
        return NDIS_STATUS_BAD_VERSION;
    if (c.MajorNdisVersion != 6) {
        NkHostViolation("ndis.bad-characteristics", "miniport characteristics: NDIS major version %u, not 6",
                        (unsigned)c.MajorNdisVersion);
        return NDIS_STATUS_BAD_VERSION;
    }
    if (!c.InitializeHandlerEx || !c.HaltHandlerEx || !c.PauseHandler || !c.RestartHandler ||
        !c.OidRequestHandler || !c.SendNetBufferListsHandler || !c.ReturnNetBufferListsHandler ||
        !c.CancelSendHandler || !c.CancelOidRequestHandler) {
        NkHostViolation("ndis.bad-characteristics", "a required miniport handler is missing");
        return NDIS_STATUS_BAD_CHARACTERISTICS;
    }
    if (RegistryPath == NULL || RegistryPath->Length == 0)
        return NDIS_STATUS_INVALID_PARAMETER;
    n = RegistryPath->Length / sizeof(WCHAR);
    for (USHORT i = 0; i < n; i++)
        if (RegistryPath->Buffer[i] == L'\\')
            start = i + 1;
    if (n - start == 0 || n - start >= RTL_NUMBER_OF(d->ServiceName))
        return NDIS_STATUS_INVALID_PARAMETER;
    if (NkHostShouldFail(NkFaultPoolAllocation))
        return NDIS_STATUS_RESOURCES;
    d = calloc(1, sizeof(*d));
    if (d == NULL)
        return NDIS_STATUS_RESOURCES;
    d->Magic = NK_MINIPORT_DRIVER_MAGIC;
    d->Chars = c;
    d->Context = MiniportDriverContext;
    d->Intermediate = (c.Flags & NDIS_INTERMEDIATE_DRIVER) != 0;
    memcpy(d->ServiceName, RegistryPath->Buffer + start, (n - start) * sizeof(WCHAR));
    d->DriverObject = DriverObject;
    pthread_mutex_lock(&NkNdisLock);
    InsertTailList(&NkMiniportDrivers, &d->Link);
    pthread_mutex_unlock(&NkNdisLock);
    if (DriverObject != NULL && c.UnloadHandler != NULL)
        DriverObject->DriverUnload = MiniportDriverUnloadThunk;
    *NdisMiniportDriverHandle = (NDIS_HANDLE)d;
    return NDIS_STATUS_SUCCESS;
}

/* Halts the driver's instances first (their protocols unbound), as NDIS
 * does when the driver unloads with devices still started. */
VOID NdisMDeregisterMiniportDriver(NDIS_HANDLE NdisMiniportDriverHandle)
{
    NK_MINIPORT_DRIVER *d;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisMDeregisterMiniportDriver") ||
        (d = DriverOf(NdisMiniportDriverHandle, "NdisMDeregisterMiniportDriver")) == NULL)
        return;
    (void)NkNdisCancelInstanceStart(d, NULL); /* IM instances not started yet never will be */
    for (;;) {
        NK_MINIPORT *m = NULL;
        pthread_mutex_lock(&NkNdisLock);
        for (PLIST_ENTRY e = NkMiniports.Flink; e != &NkMiniports && m == NULL; e = e->Flink) {
            NK_MINIPORT *x = CONTAINING_RECORD(e, NK_MINIPORT, Link);
            if (x->Driver == d && x->Adapter != NULL)
                m = x;
        }
        pthread_mutex_unlock(&NkNdisLock);
        if (m == NULL)
            break;
        if (NkNdisMiniportRemove(m, NdisHaltDeviceDisabled) != NDIS_STATUS_SUCCESS)
            break; /* reported; leaving it beats looping on it */
    }
    pthread_mutex_lock(&NkNdisLock);
    RemoveEntryList(&d->Link);
    pthread_mutex_unlock(&NkNdisLock);
    d->Magic = 0;
    free(d);
}

/* ---- attributes --------------------------------------------------------------------------- */

static const NK_NDIS_REVISION RegistrationRevisions[] = {
    {NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1,
     NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1},
    {NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_2,
     NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_2},
};

static const NK_NDIS_REVISION GeneralRevisions[] = {
    {NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_1, NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_1},
    {NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2, NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2},
};

static const NK_NDIS_REVISION OffloadRevisions[] = {
    {NDIS_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES_REVISION_1, NDIS_SIZEOF_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES_REVISION_1},
};

/* Only from the instance's MiniportInitializeEx, registration attributes
 * first (they give NDIS the MiniportAdapterContext every later call
 * carries), then the general ones (medium, MTU, addresses).  Offload
 * attributes are accepted and not used: the host does no offload.  A type
 * that is no miniport attributes structure is a finding. */
NDIS_STATUS NdisMSetMiniportAttributes(NDIS_HANDLE NdisMiniportHandle,
                                       PNDIS_MINIPORT_ADAPTER_ATTRIBUTES MiniportAttributes)
{
    NK_MINIPORT *m;
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES reg;
    NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES gen;
    NDIS_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES off;

    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisMSetMiniportAttributes") ||
        (m = MiniportOf(NdisMiniportHandle, "NdisMSetMiniportAttributes")) == NULL)
        return NDIS_STATUS_FAILURE;
    if (!m->InInitialize || !pthread_equal(m->InitThread, pthread_self())) {
        NkHostViolation("ndis.miniport.attributes-outside-initialize",
                        "NdisMSetMiniportAttributes(%p) outside the instance's MiniportInitializeEx",
                        NdisMiniportHandle);
        return NDIS_STATUS_FAILURE;
    }
    if (MiniportAttributes == NULL)
        return NDIS_STATUS_INVALID_PARAMETER;
    switch (MiniportAttributes->RegistrationAttributes.Header.Type) {
    case NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES:
        if (!NkNdisTakeObject(&MiniportAttributes->RegistrationAttributes.Header,
                              NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES, RegistrationRevisions,
                              RTL_NUMBER_OF(RegistrationRevisions), &reg, sizeof(reg), "NdisMSetMiniportAttributes"))
            return NDIS_STATUS_INVALID_PARAMETER;
        m->Context = reg.MiniportAdapterContext;
        m->HaveRegistration = TRUE;
        return NDIS_STATUS_SUCCESS;
    case NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES:
        if (!m->HaveRegistration) {
            NkHostViolation("ndis.miniport.attributes-order",
                            "general attributes before the registration attributes");
            return NDIS_STATUS_FAILURE;
        }
        if (!NkNdisTakeObject(&MiniportAttributes->GeneralAttributes.Header,
                              NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES, GeneralRevisions,
                              RTL_NUMBER_OF(GeneralRevisions), &gen, sizeof(gen), "NdisMSetMiniportAttributes"))
            return NDIS_STATUS_INVALID_PARAMETER;
        /* The host's protocols bind to Ethernet only. */
        if (gen.MediaType != NdisMedium802_3 || gen.MacAddressLength != 6 || gen.MtuSize < 46 ||
            gen.MtuSize + 14 > NK_MAX_FRAME)
            return NDIS_STATUS_NOT_SUPPORTED;
        memcpy(m->Mac, gen.CurrentMacAddress, 6);
        m->Mtu = gen.MtuSize;
        m->HaveGeneral = TRUE;
        return NDIS_STATUS_SUCCESS;
    case NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES:
        if (!NkNdisTakeObject(&MiniportAttributes->OffloadAttributes.Header,
                              NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES, OffloadRevisions,
                              RTL_NUMBER_OF(OffloadRevisions), &off, sizeof(off), "NdisMSetMiniportAttributes"))
            return NDIS_STATUS_INVALID_PARAMETER;
        return NDIS_STATUS_SUCCESS;
    case NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_NATIVE_802_11_ATTRIBUTES:
    case NDIS_OBJECT_TYPE_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES:
        /* Attributes that exist, for media and PnP paths the host lacks
         * (no 802.11 medium, no MiniportAddDevice): declined, no finding. */
        return NDIS_STATUS_NOT_SUPPORTED;
    default:
        NkHostViolation("ndis.bad-object-header", "NdisMSetMiniportAttributes: attributes of type %#x",
                        (unsigned)MiniportAttributes->RegistrationAttributes.Header.Type);
        return NDIS_STATUS_INVALID_PARAMETER;
    }
}

/* ---- instances: start, pause, restart, halt -------------------------------------------------- */

static VOID FreeInstance(NK_MINIPORT *m)
{
    pthread_mutex_lock(&NkNdisLock);
    RemoveEntryList(&m->Link);
    pthread_mutex_unlock(&NkNdisLock);
    m->Magic = 0;
    free(m);
}

/* MiniportHaltEx, from Paused only.  Sends the driver never completed are
 * reported (their protocols are gone: nothing can be completed to them). */
static NDIS_STATUS Halt(NK_MINIPORT *m, NDIS_HALT_ACTION Action)
{
    LONG sent;
    pthread_mutex_lock(&NkNdisLock);
    if (m->State != NkMiniportPaused) {
        NK_MINIPORT_STATE state = m->State;
        pthread_mutex_unlock(&NkNdisLock);
        NkHostViolation("ndis.miniport.halt-not-paused", "instance %p would be halted in state %d: NDIS halts a "
                        "miniport only once it is paused", (void *)m, (int)state);
        return NDIS_STATUS_FAILURE;
    }
    m->State = NkMiniportHalted;
    sent = m->SentCount;
    memset(m->Sent, 0, sizeof(m->Sent));
    m->SentCount = 0;
    pthread_mutex_unlock(&NkNdisLock);
    if (sent != 0)
        NkHostViolation("ndis.miniport.send-never-completed",
                        "instance %p halted with %ld send(s) never completed (NdisMSendNetBufferListsComplete)",
                        (void *)m, (long)sent);
    NkSchedPoint();
    m->Driver->Chars.HaltHandlerEx(m->Context, Action);
    return NDIS_STATUS_SUCCESS;
}

/* Checks, when a pause completes, that the driver has nothing of the
 * protocols' left and they nothing of its.  NkNdisLock held. */
static BOOLEAN PauseCleanLocked(NK_MINIPORT *m, LONG *Sent, LONG *Held)
{
    *Sent = m->SentCount;
    *Held = m->HeldCount;
    return *Sent == 0 && *Held == 0;
}

static VOID ReportEarlyPause(NK_MINIPORT *m, LONG Sent, LONG Held)
{
    NkHostViolation("ndis.miniport.pause-complete-early",
                    "instance %p completed its pause with %ld send(s) not completed and %ld indicated NBL(s) not "
                    "returned", (void *)m, (long)Sent, (long)Held);
}

/* MiniportPause with Reason (NDIS_PAUSE_*), then waits for it to complete. */
static NTSTATUS PauseInstance(NK_MINIPORT *m, ULONG Reason)
{
    NDIS_MINIPORT_PAUSE_PARAMETERS pp;
    NDIS_STATUS status;
    LONG sent, held;
    BOOLEAN twice, clean;

    pthread_mutex_lock(&NkNdisLock);
    if (m->State != NkMiniportRunning) {
        NK_MINIPORT_STATE state = m->State;
        pthread_mutex_unlock(&NkNdisLock);
        return state == NkMiniportPaused ? STATUS_SUCCESS : STATUS_INVALID_DEVICE_STATE;
    }
    m->State = NkMiniportPausing;
    m->PauseCompleted = FALSE;
    KeResetEvent(&m->PauseDone);
    pthread_mutex_unlock(&NkNdisLock);
    /* Sends that passed the state check reach the driver before the pause. */
    while (__atomic_load_n(&m->SendsEntering, __ATOMIC_ACQUIRE) != 0)
        NkSchedPoll();
    memset(&pp, 0, sizeof(pp));
    pp.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    pp.Header.Revision = NDIS_MINIPORT_PAUSE_PARAMETERS_REVISION_1;
    pp.Header.Size = NDIS_SIZEOF_MINIPORT_PAUSE_PARAMETERS_REVISION_1;
    pp.PauseReason = Reason;
    NkSchedPoint();
    status = m->Driver->Chars.PauseHandler(m->Context, &pp);
    if (status == NDIS_STATUS_PENDING) {
        KeWaitForSingleObject(&m->PauseDone, Executive, KernelMode, FALSE, NULL);
    } else {
        /* Done synchronously (a pause cannot fail). */
        pthread_mutex_lock(&NkNdisLock);
        twice = m->PauseCompleted;
        m->PauseCompleted = TRUE;
        clean = PauseCleanLocked(m, &sent, &held);
        pthread_mutex_unlock(&NkNdisLock);
        if (twice)
            NkHostViolation("ndis.miniport.pause-complete-unexpected", "MiniportPauseEx returned %#x after calling "
                            "NdisMPauseComplete", (unsigned)status);
        else if (!clean)
            ReportEarlyPause(m, sent, held);
    }
    /* Indications that started before the pause completed finish first. */
    while (__atomic_load_n(&m->IndicationsEntering, __ATOMIC_ACQUIRE) != 0)
        NkSchedPoll();
    pthread_mutex_lock(&NkNdisLock);
    m->State = NkMiniportPaused;
    pthread_mutex_unlock(&NkNdisLock);
    return STATUS_SUCCESS;
}

NTSTATUS NkNdisMiniportPause(NK_MINIPORT *m)
{
    return PauseInstance(m, NDIS_PAUSE_NDIS_INTERNAL);
}

VOID NdisMPauseComplete(NDIS_HANDLE MiniportAdapterHandle)
{
    NK_MINIPORT *m;
    LONG sent, held;
    BOOLEAN expected, clean = TRUE;

    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisMPauseComplete") ||
        (m = MiniportOf(MiniportAdapterHandle, "NdisMPauseComplete")) == NULL)
        return;
    pthread_mutex_lock(&NkNdisLock);
    expected = m->State == NkMiniportPausing && !m->PauseCompleted;
    if (expected) {
        m->PauseCompleted = TRUE; /* no indication from here on */
        clean = PauseCleanLocked(m, &sent, &held);
    }
    pthread_mutex_unlock(&NkNdisLock);
    if (!expected) {
        NkHostViolation("ndis.miniport.pause-complete-unexpected",
                        "NdisMPauseComplete(%p) with no pause pending", MiniportAdapterHandle);
        return;
    }
    if (!clean)
        ReportEarlyPause(m, sent, held);
    KeSetEvent(&m->PauseDone, IO_NO_INCREMENT, FALSE);
}

NTSTATUS NkNdisMiniportRestart(NK_MINIPORT *m)
{
    NDIS_MINIPORT_RESTART_PARAMETERS rp;
    NDIS_STATUS status;

    pthread_mutex_lock(&NkNdisLock);
    if (m->State != NkMiniportPaused) {
        NK_MINIPORT_STATE state = m->State;
        pthread_mutex_unlock(&NkNdisLock);
        return state == NkMiniportRunning ? STATUS_SUCCESS : STATUS_INVALID_DEVICE_STATE;
    }
    m->State = NkMiniportRestarting;
    m->RestartCompleted = FALSE;
    KeResetEvent(&m->RestartDone);
    pthread_mutex_unlock(&NkNdisLock);
    memset(&rp, 0, sizeof(rp));
    rp.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    rp.Header.Revision = NDIS_MINIPORT_RESTART_PARAMETERS_REVISION_1;
    rp.Header.Size = NDIS_SIZEOF_MINIPORT_RESTART_PARAMETERS_REVISION_1;
    rp.RestartAttributes = NULL; /* nothing changed below the miniport: there is nothing below it */
    NkSchedPoint();
    status = m->Driver->Chars.RestartHandler(m->Context, &rp);
    if (status == NDIS_STATUS_PENDING) {
        KeWaitForSingleObject(&m->RestartDone, Executive, KernelMode, FALSE, NULL);
        status = m->RestartStatus;
    } else {
        pthread_mutex_lock(&NkNdisLock);
        m->RestartCompleted = TRUE;
        pthread_mutex_unlock(&NkNdisLock);
    }
    pthread_mutex_lock(&NkNdisLock);
    m->State = status == NDIS_STATUS_SUCCESS ? NkMiniportRunning : NkMiniportPaused;
    pthread_mutex_unlock(&NkNdisLock);
    return status == NDIS_STATUS_SUCCESS ? STATUS_SUCCESS : (NTSTATUS)status;
}

VOID NdisMRestartComplete(NDIS_HANDLE MiniportAdapterHandle, NDIS_STATUS Status)
{
    NK_MINIPORT *m;
    BOOLEAN expected;
    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisMRestartComplete") ||
        (m = MiniportOf(MiniportAdapterHandle, "NdisMRestartComplete")) == NULL)
        return;
    pthread_mutex_lock(&NkNdisLock);
    expected = m->State == NkMiniportRestarting && !m->RestartCompleted;
    if (expected) {
        m->RestartCompleted = TRUE;
        m->RestartStatus = Status;
    }
    pthread_mutex_unlock(&NkNdisLock);
    if (!expected) {
        NkHostViolation("ndis.miniport.restart-complete-unexpected",
                        "NdisMRestartComplete(%p) with no restart pending", MiniportAdapterHandle);
        return;
    }
    KeSetEvent(&m->RestartDone, IO_NO_INCREMENT, FALSE);
}

/* The host has no reset path (no MiniportCheckForHangEx timer): a
 * completion is always unexpected. */
VOID NdisMResetComplete(NDIS_HANDLE MiniportAdapterHandle, NDIS_STATUS Status, BOOLEAN AddressingReset)
{
    (void)Status;
    (void)AddressingReset;
    if (MiniportOf(MiniportAdapterHandle, "NdisMResetComplete") != NULL)
        NkHostViolation("ndis.miniport.reset-complete-unexpected",
                        "NdisMResetComplete(%p) with no reset pending", MiniportAdapterHandle);
}

NDIS_STATUS NkNdisStartInstance(NK_MINIPORT_DRIVER *Driver, PCWSTR Name, NDIS_HANDLE DeviceContext,
                                NK_MINIPORT **Instance)
{
    NDIS_MINIPORT_INIT_PARAMETERS ip;
    NK_MINIPORT *m;
    NK_ADAPTER *a;
    NDIS_STATUS status;
    BOOLEAN taken = FALSE;
    size_t n = 0;

    *Instance = NULL;
    while (Name[n] != 0)
        n++;
    if (n == 0 || n >= RTL_NUMBER_OF(m->Name))
        return NDIS_STATUS_INVALID_PARAMETER;
    if (NkHostShouldFail(NkFaultPoolAllocation))
        return NDIS_STATUS_RESOURCES;
    m = calloc(1, sizeof(*m));
    if (m == NULL)
        return NDIS_STATUS_RESOURCES;
    m->Magic = NK_MINIPORT_MAGIC;
    m->Driver = Driver;
    memcpy(m->Name, Name, (n + 1) * sizeof(WCHAR));
    m->DeviceContext = DeviceContext;
    m->State = NkMiniportInitializing;
    KeInitializeEvent(&m->PauseDone, NotificationEvent, FALSE);
    KeInitializeEvent(&m->RestartDone, NotificationEvent, FALSE);
    /* The name checked and claimed in one lock hold (two starts of one
     * name race); on the list from here, NdisOpenConfigurationEx takes the
     * handle. */
    pthread_mutex_lock(&NkNdisLock);
    for (PLIST_ENTRY e = NkAdapters.Flink; e != &NkAdapters && !taken; e = e->Flink)
        taken = NamesEqual(CONTAINING_RECORD(e, NK_ADAPTER, Link)->Name, Name);
    for (PLIST_ENTRY e = NkMiniports.Flink; e != &NkMiniports && !taken; e = e->Flink)
        taken = NamesEqual(CONTAINING_RECORD(e, NK_MINIPORT, Link)->Name, Name);
    if (!taken)
        InsertTailList(&NkMiniports, &m->Link);
    pthread_mutex_unlock(&NkNdisLock);
    if (taken) {
        m->Magic = 0;
        free(m);
        return STATUS_OBJECT_NAME_COLLISION;
    }

    memset(&ip, 0, sizeof(ip));
    ip.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_INIT_PARAMETERS;
    ip.Header.Revision = NDIS_MINIPORT_INIT_PARAMETERS_REVISION_1;
    ip.Header.Size = (USHORT)sizeof(ip);
    ip.IMDeviceInstanceContext = DeviceContext;
    m->InitThread = pthread_self();
    m->InInitialize = TRUE;
    NkSchedPoint();
    status = Driver->Chars.InitializeHandlerEx((NDIS_HANDLE)m, Driver->Context, &ip);
    m->InInitialize = FALSE;
    if (status == NDIS_STATUS_SUCCESS && (!m->HaveRegistration || !m->HaveGeneral)) {
        /* NDIS cannot run an adapter it knows nothing of: it halts it. */
        NkHostViolation("ndis.miniport.no-attributes", "MiniportInitializeEx succeeded without setting the %s "
                        "attributes", m->HaveRegistration ? "general" : "registration");
        if (m->HaveRegistration)
            Driver->Chars.HaltHandlerEx(m->Context, NdisHaltDeviceInitializationFailed);
        status = NDIS_STATUS_FAILURE;
    }
    if (status != NDIS_STATUS_SUCCESS)
        goto fail;
    m->State = NkMiniportPaused;
    /* The stack starts bottom up: the miniport runs before its protocols
     * are offered it (each binding restarts as its bind completes). */
    (void)NkNdisMiniportRestart(m);
    status = NkNdisCreateAdapterEx(m->Name, m->Mac, m->Mtu, -1, m, &a);
    if (!NT_SUCCESS(status)) {
        (void)PauseInstance(m, NDIS_PAUSE_MINIPORT_DEVICE_REMOVE);
        (void)Halt(m, NdisHaltDeviceInitializationFailed);
        status = NDIS_STATUS_RESOURCES;
        goto fail;
    }
    pthread_mutex_lock(&NkNdisLock);
    m->Adapter = a;
    pthread_mutex_unlock(&NkNdisLock);
    NkNdisBindAll(a);
    pthread_mutex_lock(&NkNdisLock);
    m->Started = TRUE; /* a removal waiting for the start may go on */
    pthread_mutex_unlock(&NkNdisLock);
    *Instance = m;
    return NDIS_STATUS_SUCCESS;
fail:
    FreeInstance(m);
    return status == NDIS_STATUS_PENDING ? NDIS_STATUS_FAILURE : status;
}

NDIS_STATUS NkNdisMiniportRemove(NK_MINIPORT *m, NDIS_HALT_ACTION Action)
{
    NK_ADAPTER *a;
    NK_MINIPORT_STATE state;
    BOOLEAN ownStart = pthread_equal(m->InitThread, pthread_self());

    /* NDIS serialises a device's PnP: a removal from another thread waits
     * for the start in progress (and fails if the start failed); from the
     * start's own thread (the driver's initialization, a bind the start
     * delivers) it cannot wait for itself. */
    for (;;) {
        BOOLEAN exists, started;
        pthread_mutex_lock(&NkNdisLock);
        exists = NkNdisMiniportLocked((NDIS_HANDLE)m) != NULL;
        started = exists && m->Started;
        pthread_mutex_unlock(&NkNdisLock);
        if (!exists)
            return NDIS_STATUS_FAILURE;
        if (started)
            break;
        if (ownStart) {
            NkHostViolation("ndis.miniport.halt-not-paused", "instance %p torn down from its own start (inside "
                            "MiniportInitializeEx or a bind it delivers)", (void *)m);
            return NDIS_STATUS_FAILURE;
        }
        NkSchedPoll();
    }
    a = m->Adapter;
    pthread_mutex_lock(&NkNdisLock);
    state = m->State;
    pthread_mutex_unlock(&NkNdisLock);
    if (state != NkMiniportRunning && state != NkMiniportPaused) {
        /* E.g. from the driver's own pause or restart handler: NDIS could
         * not halt it from there either. */
        NkHostViolation("ndis.miniport.halt-not-paused", "instance %p cannot be halted in state %d (a pause or "
                        "restart is in progress)", (void *)m, (int)state);
        return NDIS_STATUS_FAILURE;
    }
    /* Protocols first (each binding paused, then unbound), then the
     * miniport paused and halted. */
    NkNdisCancelAdapterBinds(a);
    while (!IsListEmpty(&a->Bindings))
        NkNdisUnbind(CONTAINING_RECORD(a->Bindings.Flink, NK_BINDING, Link));
    (void)PauseInstance(m, NDIS_PAUSE_MINIPORT_DEVICE_REMOVE);
    (void)Halt(m, Action);
    pthread_mutex_lock(&NkNdisLock);
    RemoveEntryList(&a->Link);
    m->Adapter = NULL;
    pthread_mutex_unlock(&NkNdisLock);
    NkNdisFreeAdapter(a);
    FreeInstance(m);
    return NDIS_STATUS_SUCCESS;
}

/* ---- sends ------------------------------------------------------------------------------------ */

/* Completes a chain to b's protocol at DISPATCH_LEVEL, as NDIS does. */
static VOID CompleteToProtocol(NK_BINDING *b, PNET_BUFFER_LIST Chain, LONG Count)
{
    KIRQL old;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    __atomic_sub_fetch(&b->SendsOutstanding, Count, __ATOMIC_SEQ_CST);
    b->Protocol->Chars.SendNetBufferListsCompleteHandler(b->ProtocolBindingContext, Chain,
                                                         NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL);
    KeLowerIrql(old);
}

VOID NkNdisMiniportSend(NK_BINDING *b, PNET_BUFFER_LIST Nbls, NDIS_PORT_NUMBER Port, ULONG SendFlags)
{
    NK_MINIPORT *m = b->Adapter->Miniport;
    PNET_BUFFER_LIST nbl;
    LONG count = 0;
    NDIS_STATUS refuse = NDIS_STATUS_SUCCESS;

    for (nbl = Nbls; nbl != NULL; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl)) {
        nbl->SourceHandle = (NDIS_HANDLE)b; /* where NDIS routes the completion */
        count++;
    }
    pthread_mutex_lock(&NkNdisLock);
    if (m->State != NkMiniportRunning)
        refuse = NDIS_STATUS_PAUSED;
    else if (m->SentCount + count > NK_MINIPORT_TRACK)
        refuse = NDIS_STATUS_RESOURCES;
    if (refuse == NDIS_STATUS_SUCCESS) {
        ULONG slot = 0;
        for (nbl = Nbls; nbl != NULL; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl)) {
            while (m->Sent[slot].Nbl != NULL)
                slot++;
            m->Sent[slot].Nbl = nbl;
            m->Sent[slot].Binding = b;
        }
        m->SentCount += count;
        __atomic_add_fetch(&m->SendsEntering, 1, __ATOMIC_SEQ_CST);
    }
    __atomic_add_fetch(&b->SendsOutstanding, count, __ATOMIC_SEQ_CST);
    pthread_mutex_unlock(&NkNdisLock);
    if (refuse != NDIS_STATUS_SUCCESS) {
        /* The miniport is not running: NDIS completes them itself. */
        for (nbl = Nbls; nbl != NULL; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl))
            NET_BUFFER_LIST_STATUS(nbl) = refuse;
        NkSchedPoint();
        CompleteToProtocol(b, Nbls, count);
        return;
    }
    NkSchedPoint();
    m->Driver->Chars.SendNetBufferListsHandler(m->Context, Nbls, Port, SendFlags);
    /* The NBLs may be completed already: not touched again. */
    __atomic_sub_fetch(&m->SendsEntering, 1, __ATOMIC_SEQ_CST);
}

/* Up to this many protocols' chains are gathered per completion call. */
#define NK_COMPLETE_GROUPS 16

VOID NdisMSendNetBufferListsComplete(NDIS_HANDLE MiniportAdapterHandle, PNET_BUFFER_LIST NetBufferLists,
                                     ULONG SendCompleteFlags)
{
    NK_MINIPORT *m;
    struct {
        NK_BINDING *Binding;
        PNET_BUFFER_LIST Head, *Tail;
        LONG Count;
    } groups[NK_COMPLETE_GROUPS];
    ULONG ng = 0;
    PNET_BUFFER_LIST nbl, next;

    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisMSendNetBufferListsComplete") ||
        (m = MiniportOf(MiniportAdapterHandle, "NdisMSendNetBufferListsComplete")) == NULL)
        return;
    if (NDIS_TEST_SEND_COMPLETE_AT_DISPATCH_LEVEL(SendCompleteFlags) && KeGetCurrentIrql() != DISPATCH_LEVEL)
        NkHostViolation("ndis.dispatch-flag-wrong", "NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL set at IRQL %u",
                        KeGetCurrentIrql());
    for (nbl = NetBufferLists; nbl != NULL; nbl = next) {
        NK_BINDING *b = NULL;
        BOOLEAN found = FALSE;
        ULONG g;
        pthread_mutex_lock(&NkNdisLock);
        for (ULONG i = 0; i < NK_MINIPORT_TRACK; i++)
            if (m->Sent[i].Nbl == nbl) {
                b = m->Sent[i].Binding;
                m->Sent[i].Nbl = NULL;
                m->Sent[i].Binding = NULL;
                m->SentCount--;
                found = TRUE;
                break;
            }
        pthread_mutex_unlock(&NkNdisLock);
        if (found && b == NULL) {
            /* Its binding was closed with it outstanding (reported then):
             * nobody to give it to, and its memory is not ours to touch. */
            break;
        }
        if (!found) {
            /* Not outstanding: completed already (or never sent here).  Its
             * Next cannot be trusted; what was gathered is still delivered. */
            NkHostViolation("ndis.miniport.send-completed-twice",
                            "NdisMSendNetBufferListsComplete(%p): NBL %p is not a send outstanding at this "
                            "miniport (completed twice?)", MiniportAdapterHandle, (void *)nbl);
            break;
        }
        next = NET_BUFFER_LIST_NEXT_NBL(nbl);
        NET_BUFFER_LIST_NEXT_NBL(nbl) = NULL;
        for (g = 0; g < ng && groups[g].Binding != b; g++)
            ;
        if (g == ng) {
            if (ng == NK_COMPLETE_GROUPS) {
                for (ULONG i = 0; i < ng; i++)
                    CompleteToProtocol(groups[i].Binding, groups[i].Head, groups[i].Count);
                ng = g = 0;
            }
            groups[g].Binding = b;
            groups[g].Head = NULL;
            groups[g].Tail = &groups[g].Head;
            groups[g].Count = 0;
            ng++;
        }
        *groups[g].Tail = nbl;
        groups[g].Tail = &NET_BUFFER_LIST_NEXT_NBL(nbl);
        groups[g].Count++;
    }
    NkSchedPoint();
    for (ULONG i = 0; i < ng; i++)
        CompleteToProtocol(groups[i].Binding, groups[i].Head, groups[i].Count);
}

/* ---- receives ---------------------------------------------------------------------------------- */

/* With NkNdisLock: the Held slot of Nbl, or -1. */
static LONG HeldSlotLocked(NK_MINIPORT *m, PNET_BUFFER_LIST Nbl)
{
    for (LONG i = 0; i < NK_MINIPORT_TRACK; i++)
        if (m->Held[i].Nbl == Nbl)
            return i;
    return -1;
}

/* Gives NBLs back to the driver (a chain it may take apart). */
static VOID ReturnToDriver(NK_MINIPORT *m, PNET_BUFFER_LIST Chain)
{
    if (Chain == NULL)
        return;
    NkSchedPoint();
    m->Driver->Chars.ReturnNetBufferListsHandler(
        m->Context, Chain, KeGetCurrentIrql() == DISPATCH_LEVEL ? NDIS_RETURN_FLAGS_DISPATCH_LEVEL : 0);
}

BOOLEAN NkNdisMiniportReturn(NK_BINDING *b, PNET_BUFFER_LIST Nbl)
{
    NK_MINIPORT *m = b->Adapter->Miniport;
    BOOLEAN last = FALSE;
    LONG slot;

    pthread_mutex_lock(&NkNdisLock);
    slot = HeldSlotLocked(m, Nbl);
    if (slot >= 0 && --m->Held[slot].Opens == 0) {
        m->Held[slot].Nbl = NULL;
        m->HeldCount--;
        last = TRUE;
    }
    pthread_mutex_unlock(&NkNdisLock);
    if (slot < 0)
        return FALSE;
    if (last) {
        NET_BUFFER_LIST_NEXT_NBL(Nbl) = NULL;
        ReturnToDriver(m, Nbl);
    }
    return TRUE;
}

VOID NkNdisMiniportForgetBinding(NK_BINDING *b)
{
    NK_MINIPORT *m = b->Adapter->Miniport;
    PNET_BUFFER_LIST back = NULL, *tail = &back;

    pthread_mutex_lock(&NkNdisLock);
    for (ULONG i = 0; i < NK_MINIPORT_TRACK; i++)
        if (m->Sent[i].Nbl != NULL && m->Sent[i].Binding == b)
            m->Sent[i].Binding = NULL; /* kept: a completion is still recognised */
    for (ULONG i = 0; i < m->OidQueued;)
        if (m->OidQueue[i].Binding == b) {
            memmove(&m->OidQueue[i], &m->OidQueue[i + 1], (m->OidQueued - i - 1) * sizeof(m->OidQueue[0]));
            m->OidQueued--;
        } else {
            i++;
        }
    if (m->OidActiveBinding == b)
        m->OidActiveBinding = NULL; /* its completion reaches nobody */
    for (ULONG i = 0; i < NK_MINIPORT_OID_QUEUE; i++)
        if (m->Direct[i].Binding == b)
            m->Direct[i].Binding = NULL;
    b->MiniportOids = 0;
    for (ULONG i = 0; i < RTL_NUMBER_OF(b->Indicated); i++) {
        PNET_BUFFER_LIST nbl = b->Indicated[i];
        LONG slot;
        if (nbl == NULL || (slot = HeldSlotLocked(m, nbl)) < 0)
            continue;
        b->Indicated[i] = NULL;
        if (--m->Held[slot].Opens == 0) {
            m->Held[slot].Nbl = NULL;
            m->HeldCount--;
            *tail = nbl;
            tail = &NET_BUFFER_LIST_NEXT_NBL(nbl);
        }
    }
    *tail = NULL;
    pthread_mutex_unlock(&NkNdisLock);
    ReturnToDriver(m, back); /* as if the protocol had returned them */
}

/* The most NBLs one indication may carry (the host's arrays). */
#define NK_MINIPORT_INDICATE_MAX 256
#define NK_MINIPORT_OPENS 16

VOID NdisMIndicateReceiveNetBufferLists(NDIS_HANDLE MiniportAdapterHandle, PNET_BUFFER_LIST NetBufferLists,
                                        NDIS_PORT_NUMBER PortNumber, ULONG NumberOfNetBufferLists,
                                        ULONG ReceiveFlags)
{
    NK_MINIPORT *m;
    PNET_BUFFER_LIST nbls[NK_MINIPORT_INDICATE_MAX], nobody = NULL, *nobodyTail = &nobody;
    UCHAR header[NK_MINIPORT_INDICATE_MAX][6];
    BOOLEAN headerOk[NK_MINIPORT_INDICATE_MAX];
    LONG opens[NK_MINIPORT_INDICATE_MAX];
    NK_BINDING *to[NK_MINIPORT_OPENS];
    /* Bit o of takenBy[i]: open to[o] takes NBL i (and it is tracked on it).
     * On the stack: a protocol may make the driver indicate again from
     * its receive handler (a loopback), on this same thread. */
    USHORT takenBy[NK_MINIPORT_INDICATE_MAX];
    ULONG n = 0, nto = 0, receivers = 0;
    BOOLEAN resources = NDIS_TEST_RECEIVE_CANNOT_PEND(ReceiveFlags), allowed, twice = FALSE;
    PNET_BUFFER_LIST nbl;
    (void)NumberOfNetBufferLists;

    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisMIndicateReceiveNetBufferLists") ||
        (m = MiniportOf(MiniportAdapterHandle, "NdisMIndicateReceiveNetBufferLists")) == NULL)
        return;
    if (NDIS_TEST_RECEIVE_AT_DISPATCH_LEVEL(ReceiveFlags) && KeGetCurrentIrql() != DISPATCH_LEVEL)
        NkHostViolation("ndis.dispatch-flag-wrong", "NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL set at IRQL %u",
                        KeGetCurrentIrql());
    for (nbl = NetBufferLists; nbl != NULL && n < NK_MINIPORT_INDICATE_MAX; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl)) {
        headerOk[n] = NkNdisPeekNb(NET_BUFFER_LIST_FIRST_NB(nbl), header[n], 6);
        opens[n] = 0;
        takenBy[n] = 0;
        nbls[n++] = nbl;
    }
    NkSchedPoint();
    pthread_mutex_lock(&NkNdisLock);
    /* From the moment MiniportRestartEx is called (before it completes,
     * as the DDI reference allows) until the pause completes. */
    allowed = m->State == NkMiniportRunning || m->State == NkMiniportRestarting ||
              (m->State == NkMiniportPausing && !m->PauseCompleted);
    for (ULONG i = 0; allowed && i < n && !twice; i++)
        twice = HeldSlotLocked(m, nbls[i]) >= 0;
    if (!allowed || twice) {
        NK_MINIPORT_STATE state = m->State;
        pthread_mutex_unlock(&NkNdisLock);
        if (twice) {
            /* Still held by protocols: not touched, not given back. */
            NkHostViolation("ndis.miniport.nbl-indicated-twice", "NdisMIndicateReceiveNetBufferLists(%p): an NBL "
                            "indicated earlier has not been returned yet", MiniportAdapterHandle);
            return;
        }
        NkHostViolation("ndis.miniport.indicate-while-paused",
                        "NdisMIndicateReceiveNetBufferLists(%p) in state %d: a miniport indicates only from its "
                        "restart until its pause completes", MiniportAdapterHandle, (int)state);
        if (!resources)
            ReturnToDriver(m, NetBufferLists); /* nobody gets them: back at once */
        return;
    }
    __atomic_add_fetch(&m->IndicationsEntering, 1, __ATOMIC_SEQ_CST);
    /* Which opens take which NBLs, decided and tracked in one lock hold. */
    if (m->Adapter != NULL) {
        for (PLIST_ENTRY e = m->Adapter->Bindings.Flink; e != &m->Adapter->Bindings && nto < NK_MINIPORT_OPENS;
             e = e->Flink) {
            NK_BINDING *b = CONTAINING_RECORD(e, NK_BINDING, Link);
            BOOLEAN any = FALSE;
            if (!b->Open || b->Paused || b->Pausing || b->Unbinding)
                continue;
            for (ULONG i = 0; i < n; i++) {
                BOOLEAN takes =
                    headerOk[i] && NkNdisFilterAcceptsLocked(b, header[i]) && NkNdisTrackLocked(b, nbls[i]);
                if (takes)
                    takenBy[i] |= (USHORT)(1u << nto);
                opens[i] += takes;
                any |= takes;
            }
            if (!any)
                continue;
            b->Users++;
            to[nto++] = b;
        }
    }
    /* Each NBL some open took is held until the last of them returns it
     * (with RESOURCES the driver has it back when this call returns). */
    for (ULONG i = 0; i < n; i++) {
        if (opens[i] != 0 && !resources) {
            ULONG slot = 0;
            while (slot < NK_MINIPORT_TRACK && m->Held[slot].Nbl != NULL)
                slot++;
            if (slot == NK_MINIPORT_TRACK) {
                /* No room to track it: no open gets it (a discard). */
                for (ULONG o = 0; o < nto; o++)
                    if (takenBy[i] & (1u << o))
                        (void)NkNdisUntrackLocked(to[o], nbls[i]);
                takenBy[i] = 0;
                opens[i] = 0;
            } else {
                m->Held[slot].Nbl = nbls[i];
                m->Held[slot].Opens = opens[i];
                m->HeldCount++;
            }
        }
        receivers += opens[i] != 0;
    }
    pthread_mutex_unlock(&NkNdisLock);
    (void)receivers;

    for (ULONG o = 0; o < nto; o++) {
        NK_BINDING *b = to[o];
        ULONG flags = (ReceiveFlags & ~NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL) | NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL;
        KIRQL old;
        /* One open: the NBLs it takes as one chain.  Several: one at a
         * time, as the opens share them and none may relink another's. */
        if (nto == 1) {
            PNET_BUFFER_LIST chain = NULL, *tail = &chain;
            ULONG count = 0;
            for (ULONG i = 0; i < n; i++)
                if (takenBy[i] & (1u << o)) {
                    *tail = nbls[i];
                    tail = &NET_BUFFER_LIST_NEXT_NBL(nbls[i]);
                    count++;
                }
            *tail = NULL;
            __atomic_add_fetch(&b->ReceivesOutstanding, (LONG)count, __ATOMIC_SEQ_CST);
            NkSchedPoint();
            KeRaiseIrql(DISPATCH_LEVEL, &old);
            b->Protocol->Chars.ReceiveNetBufferListsHandler(b->ProtocolBindingContext, chain, PortNumber, count,
                                                            flags);
            KeLowerIrql(old);
        } else {
            for (ULONG i = 0; i < n; i++) {
                if (!(takenBy[i] & (1u << o)))
                    continue;
                NET_BUFFER_LIST_NEXT_NBL(nbls[i]) = NULL;
                __atomic_add_fetch(&b->ReceivesOutstanding, 1, __ATOMIC_SEQ_CST);
                NkSchedPoint();
                KeRaiseIrql(DISPATCH_LEVEL, &old);
                b->Protocol->Chars.ReceiveNetBufferListsHandler(b->ProtocolBindingContext, nbls[i], PortNumber, 1,
                                                                flags);
                KeLowerIrql(old);
            }
        }
        if (resources) {
            /* The protocol had to copy what it wanted: reclaimed now. */
            for (ULONG i = 0; i < n; i++) {
                BOOLEAN still;
                if (!(takenBy[i] & (1u << o)))
                    continue;
                pthread_mutex_lock(&NkNdisLock);
                still = NkNdisUntrackLocked(b, nbls[i]);
                pthread_mutex_unlock(&NkNdisLock);
                if (!still)
                    NkHostViolation("ndis.resources-returned", "an NBL indicated with RESOURCES was returned");
                else
                    __atomic_sub_fetch(&b->ReceivesOutstanding, 1, __ATOMIC_SEQ_CST);
            }
        }
        pthread_mutex_lock(&NkNdisLock);
        b->Users--;
        pthread_mutex_unlock(&NkNdisLock);
    }
    if (resources) {
        /* The driver's chain, as it was: it owns it again. */
        for (ULONG i = 0; i < n; i++)
            NET_BUFFER_LIST_NEXT_NBL(nbls[i]) = i + 1 < n ? nbls[i + 1] : NULL;
    } else {
        /* What no open took goes straight back. */
        for (ULONG i = 0; i < n; i++)
            if (opens[i] == 0) {
                *nobodyTail = nbls[i];
                nobodyTail = &NET_BUFFER_LIST_NEXT_NBL(nbls[i]);
            }
        *nobodyTail = NULL;
        ReturnToDriver(m, nobody);
    }
    __atomic_sub_fetch(&m->IndicationsEntering, 1, __ATOMIC_SEQ_CST);
}

/* ---- OID requests -------------------------------------------------------------------------------- */

/* NDIS programs a miniport with the union of its opens' packet filters:
 * a filter one protocol sets reaches the driver or'ed with the other
 * opens', through a buffer of the host's (the active request is the only
 * one: requests are serialised).  The protocol's buffer goes back into its
 * request when the request is finished. */
static VOID UnionFilterIn(NK_MINIPORT *m, NK_BINDING *b, PNDIS_OID_REQUEST r)
{
    ULONG mine, others = 0;
    m->FilterSwapped = FALSE;
    if (b == NULL || r->RequestType != NdisRequestSetInformation ||
        r->DATA.SET_INFORMATION.Oid != OID_GEN_CURRENT_PACKET_FILTER ||
        r->DATA.SET_INFORMATION.InformationBufferLength < sizeof(ULONG) ||
        r->DATA.SET_INFORMATION.InformationBuffer == NULL)
        return;
    memcpy(&mine, r->DATA.SET_INFORMATION.InformationBuffer, sizeof(ULONG));
    pthread_mutex_lock(&NkNdisLock);
    for (PLIST_ENTRY e = b->Adapter->Bindings.Flink; e != &b->Adapter->Bindings; e = e->Flink) {
        NK_BINDING *x = CONTAINING_RECORD(e, NK_BINDING, Link);
        if (x != b)
            others |= x->PacketFilter;
    }
    pthread_mutex_unlock(&NkNdisLock);
    m->FilterUnion = mine | others;
    m->FilterSavedBuffer = r->DATA.SET_INFORMATION.InformationBuffer;
    m->FilterSavedLength = r->DATA.SET_INFORMATION.InformationBufferLength;
    r->DATA.SET_INFORMATION.InformationBuffer = &m->FilterUnion;
    r->DATA.SET_INFORMATION.InformationBufferLength = sizeof(ULONG);
    m->FilterSwapped = TRUE;
}

/* The protocol's buffer back into r (only while its binding lives: a
 * forgotten binding's request is not the host's to write). */
static VOID UnionFilterOut(NK_MINIPORT *m, PNDIS_OID_REQUEST r, BOOLEAN Write)
{
    if (m->FilterSwapped && Write) {
        r->DATA.SET_INFORMATION.InformationBuffer = m->FilterSavedBuffer;
        r->DATA.SET_INFORMATION.InformationBufferLength = m->FilterSavedLength;
    }
    m->FilterSwapped = FALSE;
}

/* A request the driver finished: the open's own receive filter and
 * multicast list follow what succeeded (the host filters per open).
 * Returns the binding whose protocol is to be told, NULL if that binding
 * went away meanwhile (NkNdisMiniportForgetBinding): then nobody is. */
static NK_BINDING *FinishOid(NK_MINIPORT *m, PNDIS_OID_REQUEST r, NDIS_STATUS Status)
{
    NK_BINDING *b;
    pthread_mutex_lock(&NkNdisLock);
    b = m->OidActiveBinding;
    pthread_mutex_unlock(&NkNdisLock);
    UnionFilterOut(m, r, b != NULL);
    if (b != NULL && Status == NDIS_STATUS_SUCCESS && r->RequestType == NdisRequestSetInformation &&
        (r->DATA.SET_INFORMATION.Oid == OID_GEN_CURRENT_PACKET_FILTER ||
         r->DATA.SET_INFORMATION.Oid == OID_802_3_MULTICAST_LIST)) {
        ULONG read = r->DATA.SET_INFORMATION.BytesRead;
        (void)NkNdisOidAnswer(b, r);
        r->DATA.SET_INFORMATION.BytesRead = read; /* the driver's answer stands */
    }
    pthread_mutex_lock(&NkNdisLock);
    b = m->OidActiveBinding;
    if (m->OidActive == r)
        m->OidActive = NULL;
    m->OidActiveBinding = NULL;
    if (b != NULL)
        b->MiniportOids--;
    pthread_mutex_unlock(&NkNdisLock);
    return b;
}

/* Tells b's protocol its request r is done (b from FinishOid). */
static VOID CompleteOidToProtocol(NK_BINDING *b, PNDIS_OID_REQUEST r, NDIS_STATUS Status)
{
    if (b == NULL)
        return;
    NkSchedPoint();
    b->Protocol->Chars.OidRequestCompleteHandler(b->ProtocolBindingContext, r, Status);
}

/* Hands the active request r to the driver.  TRUE with *Status and *Binding
 * (FinishOid's) if it was finished synchronously; FALSE if it pended (then
 * NdisMOidRequestComplete finishes it). */
static BOOLEAN IssueOid(NK_MINIPORT *m, NK_BINDING *Issuer, PNDIS_OID_REQUEST r, NDIS_STATUS *Status,
                        NK_BINDING **Binding)
{
    NDIS_STATUS s;
    BOOLEAN mine;

    UnionFilterIn(m, Issuer, r);
    NkSchedPoint();
    s = m->Driver->Chars.OidRequestHandler(m->Context, r);
    if (s == NDIS_STATUS_PENDING)
        return FALSE;
    pthread_mutex_lock(&NkNdisLock);
    mine = m->OidActive == r && !m->OidActiveCompleted;
    if (mine)
        m->OidActiveCompleted = TRUE;
    pthread_mutex_unlock(&NkNdisLock);
    if (!mine) {
        NkHostViolation("ndis.miniport.oid-completed-twice", "MiniportOidRequest returned %#x for request %p after "
                        "completing it with NdisMOidRequestComplete", (unsigned)s, (void *)r);
        return FALSE;
    }
    *Binding = FinishOid(m, r, s);
    *Status = s;
    return TRUE;
}

/* Issues queued requests, oldest first, until one pends.  Each was
 * pended to its protocol, so each completes through
 * ProtocolOidRequestComplete. */
static VOID RunOidQueue(NK_MINIPORT *m)
{
    for (;;) {
        PNDIS_OID_REQUEST r;
        NK_BINDING *b;
        NDIS_STATUS status;

        pthread_mutex_lock(&NkNdisLock);
        if (m->OidActive != NULL || m->OidQueued == 0) {
            pthread_mutex_unlock(&NkNdisLock);
            return;
        }
        r = m->OidQueue[0].Request;
        b = m->OidQueue[0].Binding;
        memmove(&m->OidQueue[0], &m->OidQueue[1], (m->OidQueued - 1) * sizeof(m->OidQueue[0]));
        m->OidQueued--;
        m->OidActive = r;
        m->OidActiveBinding = b;
        m->OidActiveCompleted = FALSE;
        pthread_mutex_unlock(&NkNdisLock);
        if (!IssueOid(m, b, r, &status, &b))
            return;
        CompleteOidToProtocol(b, r, status);
    }
}

NDIS_STATUS NkNdisMiniportOid(NK_BINDING *b, PNDIS_OID_REQUEST r)
{
    NK_MINIPORT *m = b->Adapter->Miniport;
    NK_BINDING *finished;
    NDIS_STATUS status;

    if (NkHostShouldFail(NkFaultNdisOid))
        return NDIS_STATUS_RESOURCES;
    pthread_mutex_lock(&NkNdisLock);
    if (m->OidActive != NULL || m->OidQueued != 0) {
        /* The driver has one: this one waits its turn. */
        if (m->OidQueued == NK_MINIPORT_OID_QUEUE) {
            pthread_mutex_unlock(&NkNdisLock);
            return NDIS_STATUS_RESOURCES;
        }
        m->OidQueue[m->OidQueued].Request = r;
        m->OidQueue[m->OidQueued].Binding = b;
        m->OidQueued++;
        b->MiniportOids++;
        pthread_mutex_unlock(&NkNdisLock);
        return NDIS_STATUS_PENDING;
    }
    m->OidActive = r;
    m->OidActiveBinding = b;
    m->OidActiveCompleted = FALSE;
    b->MiniportOids++;
    pthread_mutex_unlock(&NkNdisLock);
    if (!IssueOid(m, b, r, &status, &finished))
        return NDIS_STATUS_PENDING;
    RunOidQueue(m);
    return status;
}

VOID NdisMOidRequestComplete(NDIS_HANDLE MiniportAdapterHandle, PNDIS_OID_REQUEST OidRequest, NDIS_STATUS Status)
{
    NK_MINIPORT *m;
    NK_BINDING *b;
    BOOLEAN expected = FALSE;

    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisMOidRequestComplete") ||
        (m = MiniportOf(MiniportAdapterHandle, "NdisMOidRequestComplete")) == NULL)
        return;
    pthread_mutex_lock(&NkNdisLock);
    if (OidRequest != NULL && m->OidActive == OidRequest && !m->OidActiveCompleted) {
        m->OidActiveCompleted = TRUE;
        expected = TRUE;
    }
    pthread_mutex_unlock(&NkNdisLock);
    if (!expected) {
        NkHostViolation("ndis.miniport.oid-completed-twice", "NdisMOidRequestComplete(%p, %p): not the request the "
                        "miniport has pending (completed twice?)", MiniportAdapterHandle, (void *)OidRequest);
        return;
    }
    if (Status == NDIS_STATUS_PENDING) {
        NkHostViolation("ndis.miniport.oid-completed-twice", "NdisMOidRequestComplete with NDIS_STATUS_PENDING");
        Status = NDIS_STATUS_FAILURE;
    }
    b = FinishOid(m, OidRequest, Status);
    CompleteOidToProtocol(b, OidRequest, Status); /* b may be gone once this has run */
    RunOidQueue(m);
}

VOID NkNdisMiniportCancelOid(NK_BINDING *b, PVOID RequestId)
{
    NK_MINIPORT *m = b->Adapter->Miniport;
    PNDIS_OID_REQUEST r = NULL;
    BOOLEAN active = FALSE;

    pthread_mutex_lock(&NkNdisLock);
    for (ULONG i = 0; i < m->OidQueued; i++)
        if (m->OidQueue[i].Binding == b && m->OidQueue[i].Request->RequestId == RequestId) {
            r = m->OidQueue[i].Request;
            memmove(&m->OidQueue[i], &m->OidQueue[i + 1], (m->OidQueued - i - 1) * sizeof(m->OidQueue[0]));
            m->OidQueued--;
            b->MiniportOids--;
            break;
        }
    if (r == NULL)
        active = m->OidActive != NULL && m->OidActiveBinding == b && !m->OidActiveCompleted &&
                 m->OidActive->RequestId == RequestId;
    pthread_mutex_unlock(&NkNdisLock);
    if (r != NULL) {
        /* Never reached the driver: NDIS aborts it itself. */
        NkSchedPoint();
        b->Protocol->Chars.OidRequestCompleteHandler(b->ProtocolBindingContext, r, NDIS_STATUS_REQUEST_ABORTED);
    } else if (active) {
        NkSchedPoint();
        m->Driver->Chars.CancelOidRequestHandler(m->Context, RequestId);
    }
}

/* ---- direct OID requests ---------------------------------------------------------------------------- */

/* With NkNdisLock: takes r off the direct table; its binding, or NULL if
 * it was not there (*Found FALSE) or its binding went away. */
static NK_BINDING *TakeDirectLocked(NK_MINIPORT *m, PNDIS_OID_REQUEST r, BOOLEAN *Found)
{
    for (ULONG i = 0; i < NK_MINIPORT_OID_QUEUE; i++)
        if (m->Direct[i].Request == r) {
            NK_BINDING *b = m->Direct[i].Binding;
            m->Direct[i].Request = NULL;
            m->Direct[i].Binding = NULL;
            if (b != NULL)
                b->MiniportOids--;
            *Found = TRUE;
            return b;
        }
    *Found = FALSE;
    return NULL;
}

/* Direct requests are not queued (that is their point): each goes to the
 * driver at once, tracked so its completion finds its protocol. */
NDIS_STATUS NkNdisMiniportDirectOid(NK_BINDING *b, PNDIS_OID_REQUEST r)
{
    NK_MINIPORT *m = b->Adapter->Miniport;
    NDIS_STATUS status;
    BOOLEAN found;
    ULONG slot = 0;

    if (m->Driver->Chars.DirectOidRequestHandler == NULL)
        return NDIS_STATUS_NOT_SUPPORTED;
    if (NkHostShouldFail(NkFaultNdisOid))
        return NDIS_STATUS_RESOURCES;
    pthread_mutex_lock(&NkNdisLock);
    while (slot < NK_MINIPORT_OID_QUEUE && m->Direct[slot].Request != NULL)
        slot++;
    if (slot == NK_MINIPORT_OID_QUEUE) {
        pthread_mutex_unlock(&NkNdisLock);
        return NDIS_STATUS_RESOURCES;
    }
    m->Direct[slot].Request = r;
    m->Direct[slot].Binding = b;
    b->MiniportOids++;
    pthread_mutex_unlock(&NkNdisLock);
    NkSchedPoint();
    status = m->Driver->Chars.DirectOidRequestHandler(m->Context, r);
    if (status == NDIS_STATUS_PENDING)
        return status;
    pthread_mutex_lock(&NkNdisLock);
    (void)TakeDirectLocked(m, r, &found);
    pthread_mutex_unlock(&NkNdisLock);
    if (!found) {
        NkHostViolation("ndis.miniport.oid-completed-twice", "MiniportDirectOidRequest returned %#x for request %p "
                        "after completing it with NdisMDirectOidRequestComplete", (unsigned)status, (void *)r);
        return NDIS_STATUS_PENDING; /* its protocol was told already */
    }
    return status;
}

VOID NdisMDirectOidRequestComplete(NDIS_HANDLE MiniportAdapterHandle, PNDIS_OID_REQUEST OidRequest,
                                   NDIS_STATUS Status)
{
    NK_MINIPORT *m;
    NK_BINDING *b;
    BOOLEAN found;

    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisMDirectOidRequestComplete") ||
        (m = MiniportOf(MiniportAdapterHandle, "NdisMDirectOidRequestComplete")) == NULL)
        return;
    pthread_mutex_lock(&NkNdisLock);
    b = TakeDirectLocked(m, OidRequest, &found);
    pthread_mutex_unlock(&NkNdisLock);
    if (!found) {
        NkHostViolation("ndis.miniport.oid-completed-twice", "NdisMDirectOidRequestComplete(%p, %p): not a direct "
                        "request the miniport has pending (completed twice?)", MiniportAdapterHandle,
                        (void *)OidRequest);
        return;
    }
    if (b == NULL)
        return; /* its binding went away meanwhile */
    if (b->Protocol->Chars.DirectOidRequestCompleteHandler == NULL) {
        /* A 6.0 protocol (revision 1 characteristics) cannot be told. */
        NkHostViolation("ndis.bad-characteristics", "a direct OID request pended for a protocol without "
                        "ProtocolDirectOidRequestComplete");
        return;
    }
    NkSchedPoint();
    b->Protocol->Chars.DirectOidRequestCompleteHandler(b->ProtocolBindingContext, OidRequest, Status);
}

VOID NkNdisMiniportCancelDirectOid(NK_BINDING *b, PVOID RequestId)
{
    NK_MINIPORT *m = b->Adapter->Miniport;
    BOOLEAN pending = FALSE;
    pthread_mutex_lock(&NkNdisLock);
    for (ULONG i = 0; i < NK_MINIPORT_OID_QUEUE && !pending; i++)
        pending = m->Direct[i].Request != NULL && m->Direct[i].Binding == b &&
                  m->Direct[i].Request->RequestId == RequestId;
    pthread_mutex_unlock(&NkNdisLock);
    if (pending && m->Driver->Chars.CancelDirectOidRequestHandler != NULL) {
        NkSchedPoint();
        m->Driver->Chars.CancelDirectOidRequestHandler(m->Context, RequestId);
    }
}

/* ---- status ---------------------------------------------------------------------------------------- */

static const NK_NDIS_REVISION StatusRevisions[] = {
    {NDIS_STATUS_INDICATION_REVISION_1, NDIS_SIZEOF_STATUS_INDICATION_REVISION_1},
};

/* To every open binding, SourceHandle being the miniport's handle. */
VOID NdisMIndicateStatusEx(NDIS_HANDLE MiniportAdapterHandle, PNDIS_STATUS_INDICATION StatusIndication)
{
    NK_MINIPORT *m;
    NDIS_STATUS_INDICATION si;
    NK_ADAPTER *a;

    if (!NkHostCheckIrqlMax(DISPATCH_LEVEL, "NdisMIndicateStatusEx") ||
        (m = MiniportOf(MiniportAdapterHandle, "NdisMIndicateStatusEx")) == NULL)
        return;
    if (!NkNdisCheckObject(StatusIndication ? &StatusIndication->Header : NULL, NDIS_OBJECT_TYPE_STATUS_INDICATION,
                           StatusRevisions, RTL_NUMBER_OF(StatusRevisions), NULL, "NdisMIndicateStatusEx"))
        return;
    si = *StatusIndication;
    si.SourceHandle = MiniportAdapterHandle;
    pthread_mutex_lock(&NkNdisLock);
    a = m->Adapter;
    pthread_mutex_unlock(&NkNdisLock);
    if (a != NULL)
        NkNdisIndicateStatus(a, &si);
}

/* ---- network PnP events raised by the miniport ------------------------------------------------- */

static const NK_NDIS_REVISION PnpRevisions[] = {
    {NET_PNP_EVENT_NOTIFICATION_REVISION_1, NDIS_SIZEOF_NET_PNP_EVENT_NOTIFICATION_REVISION_1},
    {NET_PNP_EVENT_NOTIFICATION_REVISION_2, NDIS_SIZEOF_NET_PNP_EVENT_NOTIFICATION_REVISION_2},
};

/* An event the miniport raises (an IM passing one up, a port coming or
 * going) to every bound protocol above, which may pend it; the worst
 * status comes back.  The stack's own events - pause, restart, binds
 * complete, bind list - are NDIS's to raise, not a miniport's. */
NDIS_STATUS NdisMNetPnPEvent(NDIS_HANDLE MiniportAdapterHandle, PNET_PNP_EVENT_NOTIFICATION NetPnPEventNotification)
{
    NK_MINIPORT *m;
    NK_ADAPTER *a;
    NET_PNP_EVENT_CODE code;

    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "NdisMNetPnPEvent") ||
        (m = MiniportOf(MiniportAdapterHandle, "NdisMNetPnPEvent")) == NULL)
        return NDIS_STATUS_FAILURE;
    if (!NkNdisCheckObject(NetPnPEventNotification ? &NetPnPEventNotification->Header : NULL,
                           NDIS_OBJECT_TYPE_DEFAULT, PnpRevisions, RTL_NUMBER_OF(PnpRevisions), NULL,
                           "NdisMNetPnPEvent"))
        return NDIS_STATUS_INVALID_PARAMETER;
    code = NetPnPEventNotification->NetPnPEvent.NetEvent;
    if (code == NetEventPause || code == NetEventRestart || code == NetEventBindsComplete ||
        code == NetEventBindList)
        return NDIS_STATUS_INVALID_PARAMETER;
    pthread_mutex_lock(&NkNdisLock);
    a = m->Adapter;
    pthread_mutex_unlock(&NkNdisLock);
    if (a == NULL)
        return NDIS_STATUS_SUCCESS; /* nobody above yet */
    NkSchedPoint();
    return (NDIS_STATUS)NkHostIndicatePnpEvent((NK_HOST_ADAPTER *)a, (ULONG)code,
                                               NetPnPEventNotification->NetPnPEvent.Buffer,
                                               NetPnPEventNotification->NetPnPEvent.BufferLength);
}

/* ---- the host's side ------------------------------------------------------------------------------------ */

NTSTATUS NkHostStartMiniport(PCWSTR DriverName, PCWSTR InstanceName, NK_HOST_ADAPTER **Adapter)
{
    NK_MINIPORT_DRIVER *d = NULL;
    NK_MINIPORT *m;
    NDIS_STATUS status;

    *Adapter = NULL;
    pthread_mutex_lock(&NkNdisLock);
    for (PLIST_ENTRY e = NkMiniportDrivers.Flink; e != &NkMiniportDrivers && d == NULL; e = e->Flink) {
        NK_MINIPORT_DRIVER *x = CONTAINING_RECORD(e, NK_MINIPORT_DRIVER, Link);
        if (NamesEqual(x->ServiceName, DriverName))
            d = x;
    }
    pthread_mutex_unlock(&NkNdisLock);
    if (d == NULL)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    status = NkNdisStartInstance(d, InstanceName, NULL, &m);
    if (status != NDIS_STATUS_SUCCESS)
        return (NTSTATUS)status;
    *Adapter = (NK_HOST_ADAPTER *)m->Adapter;
    return STATUS_SUCCESS;
}

NK_HOST_ADAPTER *NkHostFindAdapter(PCWSTR Name)
{
    NK_ADAPTER *a = NULL;
    pthread_mutex_lock(&NkNdisLock);
    for (PLIST_ENTRY e = NkAdapters.Flink; e != &NkAdapters && a == NULL; e = e->Flink) {
        NK_ADAPTER *x = CONTAINING_RECORD(e, NK_ADAPTER, Link);
        if (NamesEqual(x->Name, Name))
            a = x;
    }
    pthread_mutex_unlock(&NkNdisLock);
    return (NK_HOST_ADAPTER *)a;
}

SIZE_T NkNdisMiniportReportLeaks(VOID)
{
    SIZE_T n = 0;
    pthread_mutex_lock(&NkNdisLock);
    for (PLIST_ENTRY e = NkMiniportDrivers.Flink; e != &NkMiniportDrivers; e = e->Flink) {
        n++;
        NkHostViolation("ndis.miniport-driver-leak", "a miniport driver is still registered "
                        "(NdisMDeregisterMiniportDriver missing from unload)");
    }
    for (PLIST_ENTRY e = NkMiniports.Flink; e != &NkMiniports; e = e->Flink) {
        NK_MINIPORT *m = CONTAINING_RECORD(e, NK_MINIPORT, Link);
        if (m->SentCount != 0) {
            n++;
            NkHostViolation("ndis.miniport.send-never-completed", "instance %p holds %ld send(s) never completed",
                            (void *)m, (long)m->SentCount);
        }
    }
    pthread_mutex_unlock(&NkNdisLock);
    return n;
}

/* NkHostReset: instances and drivers forgotten without callbacks (the
 * instances' adapters go with the adapter list). */
VOID NkNdisMiniportReset(VOID)
{
    pthread_mutex_lock(&NkNdisLock);
    while (!IsListEmpty(&NkMiniports)) {
        NK_MINIPORT *m = CONTAINING_RECORD(RemoveHeadList(&NkMiniports), NK_MINIPORT, Link);
        m->Magic = 0;
        free(m);
    }
    while (!IsListEmpty(&NkMiniportDrivers)) {
        NK_MINIPORT_DRIVER *d = CONTAINING_RECORD(RemoveHeadList(&NkMiniportDrivers), NK_MINIPORT_DRIVER, Link);
        d->Magic = 0;
        free(d);
    }
    pthread_mutex_unlock(&NkNdisLock);
}
