/*
 * protocol.c - mux's protocol edge: one binding per lower 802.3 adapter.
 *
 * Built on the binding layer (<ndiskit/binding.h>) rather than raw NDIS:
 * an IM driver's lower edge is an ordinary protocol binding, and the
 * layer already keeps what mux needs of it - sends refused unless the
 * binding runs and counted until they complete (so a lower pause waits for
 * the VELANs' copies), receives counted until returned, asynchronous OIDs
 * with cancellation, and status and PnP events delivered only between a
 * successful bind and the unbind, never racing it.
 *
 * Bound: reads the adapter's UpperBindings (its per-binding configuration)
 * and starts a VELAN for each name.  NetEventReconfigure rescans it,
 * starting new names and halting those that went.  Unbinding halts every
 * VELAN first (NdisIMDeInitializeDeviceInstance: each is paused, its
 * sends and indications come back, then it halts) before the layer closes
 * the adapter.  NDIS_STATUS_LINK_STATE from below is remembered and passed
 * to every VELAN.
 */
#include "protocol.h"
#include "oid.h"
#include "recv.h"
#include "send.h"
#include "velan.h"

/* Reads UpperBindings into List (empty if the value is absent or not a
 * multi-string). */
static VOID ReadUpperBindings(PMUX_ADAPTER Adapter, PMUX_NAME_LIST List)
{
    NDIS_CONFIGURATION_OBJECT object;
    PNDIS_CONFIGURATION_PARAMETER param = NULL;
    NDIS_HANDLE config = NULL;
    NDIS_STRING name;
    NDIS_STATUS status;

    MuxParseUpperBindings(NULL, 0, List);
    RtlZeroMemory(&object, sizeof(object));
    object.Header.Type = NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT;
    object.Header.Revision = NDIS_CONFIGURATION_OBJECT_REVISION_1;
    object.Header.Size = NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1;
    object.NdisHandle = Adapter->Binding->Handle;
    status = NdisOpenConfigurationEx(&object, &config);
    if (status != NDIS_STATUS_SUCCESS) {
        NkLogWarning("%ws: no configuration (0x%08x): no VELANs", Adapter->Name, (unsigned)status);
        return;
    }
    RtlInitUnicodeString(&name, L"UpperBindings");
    NdisReadConfiguration(&status, &param, config, &name, NdisParameterMultiString);
    if (status == NDIS_STATUS_SUCCESS && param != NULL &&
        (param->ParameterType == NdisParameterMultiString || param->ParameterType == NdisParameterString))
        MuxParseUpperBindings(param->ParameterData.StringData.Buffer,
                              param->ParameterData.StringData.Length / sizeof(WCHAR), List);
    NdisCloseConfiguration(config);
    if (List->Skipped != 0)
        NkLogWarning("%ws: UpperBindings: %lu entries skipped (overlong or repeated)", Adapter->Name,
                     (unsigned long)List->Skipped);
    if (List->Truncated)
        NkLogWarning("%ws: UpperBindings names more than %u VELANs: the rest are ignored", Adapter->Name,
                     MUX_MAX_VELANS);
}

/* Makes the VELAN set match UpperBindings.  PASSIVE, ConfigLock held. */
static VOID Rescan(PMUX_ADAPTER Adapter)
{
    PMUX_VELAN stale[MUX_MAX_VELANS];
    PMUX_NAME_LIST list;
    ULONG n = 0, i, k, slot;
    NDIS_STATUS status;
    KIRQL irql;

    list = (PMUX_NAME_LIST)ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*list), MUX_TAG);
    if (list == NULL) {
        NkLogError("%ws: no memory to read UpperBindings", Adapter->Name);
        return;
    }
    ReadUpperBindings(Adapter, list);

    KeAcquireSpinLock(&Adapter->Lock, &irql);
    for (PLIST_ENTRY e = Adapter->Velans.Flink; e != &Adapter->Velans && n < MUX_MAX_VELANS; e = e->Flink) {
        PMUX_VELAN v = CONTAINING_RECORD(e, MUX_VELAN, Link);
        BOOLEAN listed = FALSE;
        for (k = 0; k < list->Count && !listed; k++)
            listed = MuxNameEqual(list->Names[k], v->InstanceName);
        if (!listed)
            stale[n++] = v;
    }
    KeReleaseSpinLock(&Adapter->Lock, irql);
    for (i = 0; i < n; i++) {
        NkLogInfo("%ws: VELAN %ws removed", Adapter->Name, stale[i]->InstanceName);
        MuxVelanDestroy(stale[i]);
    }

    for (k = 0; k < list->Count; k++) {
        if (MuxVelanFind(Adapter, list->Names[k]) != NULL)
            continue;
        slot = MuxVelanFreeSlot(Adapter);
        status = slot < MUX_MAX_VELANS ? MuxVelanCreate(Adapter, list->Names[k], slot) : NDIS_STATUS_RESOURCES;
        if (status != NDIS_STATUS_SUCCESS)
            NkLogError("%ws: VELAN %ws not started: 0x%08x", Adapter->Name, list->Names[k], (unsigned)status);
    }
    ExFreePoolWithTag(list, MUX_TAG);
}

/* Whether Name is one of mux's own VELANs (on any adapter). */
static BOOLEAN IsOwnVelan(PCWSTR Name)
{
    BOOLEAN own = FALSE;
    KIRQL irql;

    KeAcquireSpinLock(&MuxGlobals.Lock, &irql);
    for (PLIST_ENTRY a = MuxGlobals.Adapters.Flink; a != &MuxGlobals.Adapters && !own; a = a->Flink) {
        PMUX_ADAPTER adapter = CONTAINING_RECORD(a, MUX_ADAPTER, Link);
        KeAcquireSpinLockAtDpcLevel(&adapter->Lock);
        for (PLIST_ENTRY e = adapter->Velans.Flink; e != &adapter->Velans && !own; e = e->Flink)
            own = MuxNameEqual(CONTAINING_RECORD(e, MUX_VELAN, Link)->InstanceName, Name);
        KeReleaseSpinLockFromDpcLevel(&adapter->Lock);
    }
    KeReleaseSpinLock(&MuxGlobals.Lock, irql);
    return own;
}

static NTSTATUS Bound(PNK_BINDING Binding, PNDIS_BIND_PARAMETERS Parameters)
{
    PMUX_ADAPTER adapter = (PMUX_ADAPTER)NkBindingContext(Binding);
    USHORT chars;
    KIRQL irql;

    if (Parameters->MediaType != NdisMedium802_3)
        return STATUS_NOT_SUPPORTED;    /* VLANs are an 802.3 matter */

    adapter->Binding = Binding;
    KeInitializeSpinLock(&adapter->Lock);
    InitializeListHead(&adapter->Velans);
    NkWaitLockInit(&adapter->ConfigLock);
    if (Parameters->AdapterName != NULL && Parameters->AdapterName->Buffer != NULL) {
        chars = Parameters->AdapterName->Length / sizeof(WCHAR);
        if (chars >= MUX_INSTANCE_NAME_CHARS)
            chars = MUX_INSTANCE_NAME_CHARS - 1;
        RtlCopyMemory(adapter->Name, Parameters->AdapterName->Buffer, chars * sizeof(WCHAR));
    }
    /* Never below one of our own VELANs: VLANs of a VLAN would loop
     * frames through mux (Windows' binding rules and the notify object
     * prevent it there; a host that binds everything to everything does
     * not). */
    if (IsOwnVelan(adapter->Name))
        return STATUS_NOT_SUPPORTED;
    RtlCopyMemory(adapter->Mac, Binding->Mac, MUX_ETH_ADDRESS);
    adapter->Mtu = Binding->Mtu != 0 ? Binding->Mtu : Parameters->MtuSize;
    adapter->LowerMaxMulticast = Parameters->MaxMulticastListSize;
    adapter->LinkState.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    adapter->LinkState.Header.Revision = NDIS_LINK_STATE_REVISION_1;
    adapter->LinkState.Header.Size = NDIS_SIZEOF_LINK_STATE_REVISION_1;
    adapter->LinkState.MediaConnectState = Parameters->MediaConnectState;
    adapter->LinkState.MediaDuplexState = Parameters->MediaDuplexState;
    adapter->LinkState.XmitLinkSpeed = Parameters->XmitLinkSpeed;
    adapter->LinkState.RcvLinkSpeed = Parameters->RcvLinkSpeed;

    KeAcquireSpinLock(&MuxGlobals.Lock, &irql);
    InsertTailList(&MuxGlobals.Adapters, &adapter->Link);
    adapter->Listed = TRUE;
    KeReleaseSpinLock(&MuxGlobals.Lock, irql);

    (void)NkWaitLockAcquire(&adapter->ConfigLock, NK_WAIT_FOREVER);
    Rescan(adapter);
    (void)NkWaitLockRelease(&adapter->ConfigLock);
    return STATUS_SUCCESS;
}

static VOID Unbinding(PNK_BINDING Binding)
{
    PMUX_ADAPTER adapter = (PMUX_ADAPTER)NkBindingContext(Binding);
    PMUX_VELAN velan;
    KIRQL irql;

    KeAcquireSpinLock(&adapter->Lock, &irql);
    adapter->Unbinding = TRUE;      /* no new VELANs, no more lower filter requests */
    KeReleaseSpinLock(&adapter->Lock, irql);

    /* The VELANs first: each halt waits for its sends, which need the
     * lower binding still open. */
    (void)NkWaitLockAcquire(&adapter->ConfigLock, NK_WAIT_FOREVER);
    for (;;) {
        KeAcquireSpinLock(&adapter->Lock, &irql);
        velan = IsListEmpty(&adapter->Velans) ? NULL : CONTAINING_RECORD(adapter->Velans.Flink, MUX_VELAN, Link);
        KeReleaseSpinLock(&adapter->Lock, irql);
        if (velan == NULL)
            break;
        MuxVelanDestroy(velan);
    }
    (void)NkWaitLockRelease(&adapter->ConfigLock);

    KeAcquireSpinLock(&MuxGlobals.Lock, &irql);
    if (adapter->Listed) {
        RemoveEntryList(&adapter->Link);
        adapter->Listed = FALSE;
    }
    KeReleaseSpinLock(&MuxGlobals.Lock, irql);
}

static VOID Status(PNK_BINDING Binding, PNDIS_STATUS_INDICATION Indication)
{
    PMUX_ADAPTER adapter = (PMUX_ADAPTER)NkBindingContext(Binding);
    KIRQL irql;

    if (Indication->StatusCode != NDIS_STATUS_LINK_STATE || Indication->StatusBuffer == NULL ||
        Indication->StatusBufferSize < NDIS_SIZEOF_LINK_STATE_REVISION_1)
        return;     /* only the link state concerns the VELANs */
    KeAcquireSpinLock(&adapter->Lock, &irql);
    RtlCopyMemory(&adapter->LinkState, Indication->StatusBuffer, NDIS_SIZEOF_LINK_STATE_REVISION_1);
    KeReleaseSpinLock(&adapter->Lock, irql);
    MuxVelanIndicateStatusAll(adapter, Indication);
}

/* NDIS_STATUS_SUCCESS for no payload or a well-formed MUX_RECONFIG. */
static NDIS_STATUS CheckReconfig(PMUX_ADAPTER Adapter, PNET_PNP_EVENT Event)
{
    const MUX_RECONFIG *r = (const MUX_RECONFIG *)Event->Buffer;
    ULONG i;

    if (Event->Buffer == NULL || Event->BufferLength == 0)
        return NDIS_STATUS_SUCCESS;
    if (Event->BufferLength < sizeof(MUX_RECONFIG) || r->Version != MUX_RECONFIG_VERSION ||
        (r->Operation != MUX_RECONFIG_ADD && r->Operation != MUX_RECONFIG_REMOVE))
        goto bad;
    for (i = 0; i < MUX_RECONFIG_NAME_CHARS && r->InstanceName[i] != 0; i++)
        ;
    if (i == 0 || i == MUX_RECONFIG_NAME_CHARS)
        goto bad;
    NkLogInfo("%ws: reconfigure: %s %ws", Adapter->Name, r->Operation == MUX_RECONFIG_ADD ? "add" : "remove",
              r->InstanceName);
    return NDIS_STATUS_SUCCESS;
bad:
    NkLogError("%ws: reconfigure with a malformed MUX_RECONFIG (%lu bytes): ignored", Adapter->Name,
               (unsigned long)Event->BufferLength);
    return NDIS_STATUS_INVALID_DATA;
}

static NDIS_STATUS PnpEvent(PNK_BINDING Binding, PNET_PNP_EVENT_NOTIFICATION Event)
{
    PMUX_ADAPTER adapter;
    NDIS_STATUS status;

    if (Binding == NULL || Event->NetPnPEvent.NetEvent != NetEventReconfigure)
        return NDIS_STATUS_SUCCESS;
    adapter = (PMUX_ADAPTER)NkBindingContext(Binding);
    status = CheckReconfig(adapter, &Event->NetPnPEvent);
    if (status != NDIS_STATUS_SUCCESS)
        return status;
    (void)NkWaitLockAcquire(&adapter->ConfigLock, NK_WAIT_FOREVER);
    Rescan(adapter);
    (void)NkWaitLockRelease(&adapter->ConfigLock);
    return NDIS_STATUS_SUCCESS;
}

const NK_PROTOCOL_CALLBACKS MuxProtocolCallbacks = {
    .BindingContextSize = sizeof(MUX_ADAPTER),
    .Bound = Bound,
    .Unbinding = Unbinding,
    .Receive = MuxReceive,
    .SendComplete = MuxSendComplete,
    .Status = Status,
    .PnpEvent = PnpEvent,
};
