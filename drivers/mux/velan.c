/*
 * velan.c - a VELAN's life and configuration.
 *
 * A MUX_VELAN exists from the moment its lower adapter's UpperBindings
 * names it until that name goes or the adapter is unbound.  Its miniport
 * comes and goes within that: NdisIMInitializeDeviceInstanceEx asks NDIS
 * to start it, MiniportInitializeEx (miniport.c) reads its configuration
 * here and marks it Initialized, MiniportHaltEx clears that.  The memory
 * is freed only by MuxVelanDestroy, after the miniport is down, so every
 * NDIS callback that carries the VELAN as its context finds it alive.
 */
#include "velan.h"

_Use_decl_annotations_
PMUX_VELAN MuxVelanFind(PMUX_ADAPTER Adapter, PCWSTR Name)
{
    PMUX_VELAN found = NULL;
    KIRQL irql;

    KeAcquireSpinLock(&Adapter->Lock, &irql);
    for (PLIST_ENTRY e = Adapter->Velans.Flink; e != &Adapter->Velans; e = e->Flink) {
        PMUX_VELAN v = CONTAINING_RECORD(e, MUX_VELAN, Link);
        if (MuxNameEqual(v->InstanceName, Name)) {
            found = v;
            break;
        }
    }
    KeReleaseSpinLock(&Adapter->Lock, irql);
    return found;
}

/* Adapter->Lock held. */
static BOOLEAN SlotUsed(PMUX_ADAPTER Adapter, ULONG Index)
{
    for (PLIST_ENTRY e = Adapter->Velans.Flink; e != &Adapter->Velans; e = e->Flink)
        if (CONTAINING_RECORD(e, MUX_VELAN, Link)->Index == Index)
            return TRUE;
    return FALSE;
}

_Use_decl_annotations_
ULONG MuxVelanFreeSlot(PMUX_ADAPTER Adapter)
{
    ULONG index;
    KIRQL irql;

    KeAcquireSpinLock(&Adapter->Lock, &irql);
    for (index = 0; index < MUX_MAX_VELANS; index++)
        if (!SlotUsed(Adapter, index))
            break;
    KeReleaseSpinLock(&Adapter->Lock, irql);
    return index;
}

_Use_decl_annotations_
NDIS_STATUS MuxVelanCreate(PMUX_ADAPTER Adapter, PCWSTR Name, ULONG Index)
{
    PMUX_VELAN velan;
    NDIS_STATUS status;
    SIZE_T len = 0;
    KIRQL irql;

    while (len < MUX_INSTANCE_NAME_CHARS && Name[len] != 0)
        len++;
    if (len == 0 || len >= MUX_INSTANCE_NAME_CHARS || Index >= MUX_MAX_VELANS)
        return NDIS_STATUS_INVALID_PARAMETER;
    velan = (PMUX_VELAN)ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*velan), MUX_TAG);
    if (velan == NULL)
        return NDIS_STATUS_RESOURCES;
    RtlZeroMemory(velan, sizeof(*velan));
    velan->Adapter = Adapter;
    velan->Index = Index;
    RtlCopyMemory(velan->InstanceName, Name, len * sizeof(WCHAR));
    velan->InstanceString.Buffer = velan->InstanceName;
    velan->InstanceString.Length = (USHORT)(len * sizeof(WCHAR));
    velan->InstanceString.MaximumLength = (USHORT)sizeof(velan->InstanceName);
    NkEventInit(&velan->InitDone, FALSE, FALSE);
    NkEventInit(&velan->Idle, FALSE, TRUE);
    NkEventInit(&velan->HaltDone, FALSE, FALSE);
    KeInitializeSpinLock(&velan->Lock);
    InitializeListHead(&velan->Oids);
    velan->State = MUX_VELAN_STATE_STARTING;

    KeAcquireSpinLock(&Adapter->Lock, &irql);
    if (Adapter->Unbinding || Adapter->VelanCount >= MUX_MAX_VELANS) {
        KeReleaseSpinLock(&Adapter->Lock, irql);
        status = Adapter->Unbinding ? NDIS_STATUS_CLOSING : NDIS_STATUS_RESOURCES;
        goto out;
    }
    InsertTailList(&Adapter->Velans, &velan->Link);
    Adapter->VelanCount++;
    KeReleaseSpinLock(&Adapter->Lock, irql);

    /* NDIS starts the miniport on a thread of its own; MiniportInitializeEx
     * finds the VELAN as its IMDeviceInstanceContext. */
    status = NdisIMInitializeDeviceInstanceEx(MuxGlobals.MiniportDriver, &velan->InstanceString, velan);
    if (status != NDIS_STATUS_SUCCESS) {
        NkLogError("NdisIMInitializeDeviceInstanceEx(%ws): 0x%08x", velan->InstanceName, (unsigned)status);
        KeAcquireSpinLock(&Adapter->Lock, &irql);
        RemoveEntryList(&velan->Link);
        Adapter->VelanCount--;
        KeReleaseSpinLock(&Adapter->Lock, irql);
        goto out;
    }
    return NDIS_STATUS_SUCCESS;
out:
    ExFreePoolWithTag(velan, MUX_TAG);
    return status;
}

_Use_decl_annotations_
VOID MuxVelanDestroy(PMUX_VELAN Velan)
{
    PMUX_ADAPTER adapter = Velan->Adapter;
    NDIS_HANDLE miniport = NULL;
    NDIS_STATUS status;
    KIRQL irql;

    /* Unlinked first: receives and status indications stop finding it. */
    KeAcquireSpinLock(&adapter->Lock, &irql);
    RemoveEntryList(&Velan->Link);
    adapter->VelanCount--;
    KeReleaseSpinLock(&adapter->Lock, irql);

    /* A start NDIS has not begun yet is simply withdrawn.  If the cancel
     * fails, the start is under way (or NDIS gave up on it before calling
     * us, which nothing reports): one that reached MiniportInitializeEx is
     * waited for; one that has not is abandoned - the VELAN is kept for a
     * late MiniportInitializeEx to find and fail, and freed at unload. */
    status = NdisIMCancelInitializeDeviceInstance(MuxGlobals.MiniportDriver, &Velan->InstanceString);
    if (status != NDIS_STATUS_SUCCESS) {
        BOOLEAN entered;
        KeAcquireSpinLock(&Velan->Lock, &irql);
        entered = Velan->InitEntered;
        if (!entered)
            Velan->Abandoned = TRUE;
        KeReleaseSpinLock(&Velan->Lock, irql);
        if (!entered) {
            KeAcquireSpinLock(&MuxGlobals.Lock, &irql);
            InsertTailList(&MuxGlobals.Abandoned, &Velan->Link);
            KeReleaseSpinLock(&MuxGlobals.Lock, irql);
            return;
        }
        (void)NkEventWait(&Velan->InitDone, NK_WAIT_FOREVER);
        KeAcquireSpinLock(&Velan->Lock, &irql);
        if (Velan->Initialized)
            miniport = Velan->MiniportHandle;
        KeReleaseSpinLock(&Velan->Lock, irql);
        if (miniport != NULL) {
            /* Pauses the VELAN (its sends and indications come back first)
             * and halts it. */
            status = NdisIMDeInitializeDeviceInstance(miniport);
            if (status == NDIS_STATUS_SUCCESS)
                (void)NkEventWait(&Velan->HaltDone, NK_WAIT_FOREVER);
            else
                NkLogError("NdisIMDeInitializeDeviceInstance(%ws): 0x%08x", Velan->InstanceName, (unsigned)status);
        }
    }
    MuxVelanWaitIdle(Velan);
    if (Velan->Initialized) {
        /* The halt never came (the DeInitialize failed, logged above): the
         * miniport may still be called, so the memory stays until unload. */
        KeAcquireSpinLock(&MuxGlobals.Lock, &irql);
        InsertTailList(&MuxGlobals.Abandoned, &Velan->Link);
        KeReleaseSpinLock(&MuxGlobals.Lock, irql);
        return;
    }
    ExFreePoolWithTag(Velan, MUX_TAG);
}

_Use_decl_annotations_
VOID MuxVelanFreeAbandoned(VOID)
{
    PLIST_ENTRY e;
    KIRQL irql;

    for (;;) {
        KeAcquireSpinLock(&MuxGlobals.Lock, &irql);
        e = IsListEmpty(&MuxGlobals.Abandoned) ? NULL : RemoveHeadList(&MuxGlobals.Abandoned);
        KeReleaseSpinLock(&MuxGlobals.Lock, irql);
        if (e == NULL)
            return;
        ExFreePoolWithTag(CONTAINING_RECORD(e, MUX_VELAN, Link), MUX_TAG);
    }
}

/* Reads one integer; *Present says whether the value exists. */
static NDIS_STATUS ReadInteger(NDIS_HANDLE Config, PCWSTR Keyword, PULONG Value, PBOOLEAN Present)
{
    PNDIS_CONFIGURATION_PARAMETER param = NULL;
    NDIS_STRING name;
    NDIS_STATUS status;

    RtlInitUnicodeString(&name, Keyword);
    NdisReadConfiguration(&status, &param, Config, &name, NdisParameterInteger);
    *Present = status == NDIS_STATUS_SUCCESS && param != NULL;
    if (!*Present)
        return NDIS_STATUS_SUCCESS;
    if (param->ParameterType != NdisParameterInteger && param->ParameterType != NdisParameterHexInteger)
        return NDIS_STATUS_INVALID_DATA;
    *Value = param->ParameterData.IntegerData;
    return NDIS_STATUS_SUCCESS;
}

_Use_decl_annotations_
NDIS_STATUS MuxVelanReadConfig(PMUX_VELAN Velan, NDIS_HANDLE MiniportHandle)
{
    NDIS_CONFIGURATION_OBJECT object;
    PNDIS_CONFIGURATION_PARAMETER param = NULL;
    NDIS_HANDLE config = NULL;
    NDIS_STRING name;
    NDIS_STATUS status;
    ULONG vid = 0;
    BOOLEAN present;
    PVOID address = NULL;
    UINT addressLength = 0;
    UCHAR mac[MUX_ETH_ADDRESS];

    /* Without a NetworkAddress: an address of the VELAN's own, derived from
     * the lower adapter's (see MuxDeriveMac). */
    MuxDeriveMac(Velan->Adapter->Mac, Velan->Index, Velan->PermanentMac);
    RtlCopyMemory(Velan->Mac, Velan->PermanentMac, MUX_ETH_ADDRESS);
    Velan->VlanId = 0;

    RtlZeroMemory(&object, sizeof(object));
    object.Header.Type = NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT;
    object.Header.Revision = NDIS_CONFIGURATION_OBJECT_REVISION_1;
    object.Header.Size = NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1;
    object.NdisHandle = MiniportHandle;
    status = NdisOpenConfigurationEx(&object, &config);
    if (status != NDIS_STATUS_SUCCESS) {
        NkLogError("%ws: NdisOpenConfigurationEx: 0x%08x", Velan->InstanceName, (unsigned)status);
        return status;
    }

    status = ReadInteger(config, L"VlanID", &vid, &present);
    if (status != NDIS_STATUS_SUCCESS || (present && vid > MUX_MAX_VLAN_ID)) {
        NkLogError("%ws: VlanID %lu is not a VLAN ID (0-4095): the VELAN does not start",
                   Velan->InstanceName, (unsigned long)vid);
        status = NDIS_STATUS_INVALID_DATA;
        goto out;
    }
    Velan->VlanId = vid;

    /* NetworkAddress: NdisReadNetworkAddress parses it.  It fails alike
     * for "absent" and "malformed"; the raw value tells them apart, so a
     * bad address fails this VELAN with a reason instead of silently
     * giving it the derived one.  The bytes are checked too: a VELAN
     * cannot own a group or all-zero address. */
    NdisReadNetworkAddress(&status, &address, &addressLength, config);
    if (status == NDIS_STATUS_SUCCESS && address != NULL && addressLength == MUX_ETH_ADDRESS) {
        RtlCopyMemory(mac, address, MUX_ETH_ADDRESS);
        if (MuxMacIsMulticast(mac) || (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0) {
            NkLogError("%ws: NetworkAddress %02x-%02x-%02x-%02x-%02x-%02x is not a unicast address: the VELAN "
                       "does not start", Velan->InstanceName, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
            status = NDIS_STATUS_INVALID_DATA;
            goto out;
        }
        RtlCopyMemory(Velan->Mac, mac, MUX_ETH_ADDRESS);
    } else {
        RtlInitUnicodeString(&name, L"NetworkAddress");
        NdisReadConfiguration(&status, &param, config, &name, NdisParameterString);
        if (status == NDIS_STATUS_SUCCESS && param != NULL &&
            !(param->ParameterType == NdisParameterString && param->ParameterData.StringData.Length == 0)) {
            NkLogError("%ws: NetworkAddress is not a MAC address (12 hex digits): the VELAN does not start",
                       Velan->InstanceName);
            status = NDIS_STATUS_INVALID_DATA;
            goto out;
        }
    }
    status = NDIS_STATUS_SUCCESS;
out:
    NdisCloseConfiguration(config);
    return status;
}

_Use_decl_annotations_
VOID MuxVelanOutstandingAdd(PMUX_VELAN Velan)
{
    KIRQL irql;
    KeAcquireSpinLock(&Velan->Lock, &irql);
    Velan->Outstanding++;
    KeReleaseSpinLock(&Velan->Lock, irql);
}

_Use_decl_annotations_
VOID MuxVelanOutstandingDone(PMUX_VELAN Velan)
{
    BOOLEAN complete = FALSE;
    NDIS_HANDLE miniport;
    KIRQL irql;

    KeAcquireSpinLock(&Velan->Lock, &irql);
    Velan->Outstanding--;
    if (Velan->Outstanding == 0 && Velan->PausePending) {
        Velan->PausePending = FALSE;
        Velan->State = MUX_VELAN_STATE_PAUSED;
        complete = TRUE;
    }
    miniport = Velan->MiniportHandle;
    KeReleaseSpinLock(&Velan->Lock, irql);
    if (complete)
        NdisMPauseComplete(miniport);
}

_Use_decl_annotations_
VOID MuxVelanWaitIdle(PMUX_VELAN Velan)
{
    KIRQL irql;
    LONG busy;

    for (;;) {
        KeAcquireSpinLock(&Velan->Lock, &irql);
        busy = Velan->Busy;
        KeReleaseSpinLock(&Velan->Lock, irql);
        if (busy == 0)
            return;
        (void)NkEventWait(&Velan->Idle, NK_WAIT_FOREVER);
    }
}

static VOID Unbusy(PMUX_VELAN Velan)
{
    KIRQL irql;
    KeAcquireSpinLock(&Velan->Lock, &irql);
    if (--Velan->Busy == 0)
        NkEventSet(&Velan->Idle);
    KeReleaseSpinLock(&Velan->Lock, irql);
}

_Use_decl_annotations_
VOID MuxVelanIndicateStatusAll(PMUX_ADAPTER Adapter, PNDIS_STATUS_INDICATION Indication)
{
    PMUX_VELAN targets[MUX_MAX_VELANS];
    NDIS_STATUS_INDICATION copy;
    ULONG n = 0, i;
    KIRQL irql;

    /* Marked busy under the locks, indicated after: NDIS is not called
     * with a spin lock held, and a halt waits for the busy count. */
    KeAcquireSpinLock(&Adapter->Lock, &irql);
    for (PLIST_ENTRY e = Adapter->Velans.Flink; e != &Adapter->Velans && n < MUX_MAX_VELANS; e = e->Flink) {
        PMUX_VELAN v = CONTAINING_RECORD(e, MUX_VELAN, Link);
        KeAcquireSpinLockAtDpcLevel(&v->Lock);
        if (v->Initialized) {
            if (v->Busy++ == 0)
                NkEventReset(&v->Idle);
            targets[n++] = v;
        }
        KeReleaseSpinLockFromDpcLevel(&v->Lock);
    }
    KeReleaseSpinLock(&Adapter->Lock, irql);

    for (i = 0; i < n; i++) {
        copy = *Indication;
        copy.Header.Type = NDIS_OBJECT_TYPE_STATUS_INDICATION;
        copy.Header.Revision = NDIS_STATUS_INDICATION_REVISION_1;
        copy.Header.Size = NDIS_SIZEOF_STATUS_INDICATION_REVISION_1;
        copy.SourceHandle = targets[i]->MiniportHandle;
        copy.PortNumber = 0;
        copy.DestinationHandle = NULL;
        copy.RequestId = NULL;
        NdisMIndicateStatusEx(targets[i]->MiniportHandle, &copy);
        Unbusy(targets[i]);
    }
}

_Use_decl_annotations_
VOID MuxVelanFillInfo(PMUX_VELAN Velan, PMUX_VELAN_INFO Info)
{
    PMUX_ADAPTER adapter = Velan->Adapter;
    const MUX_STATS *s = &Velan->Stats;

    RtlZeroMemory(Info, sizeof(*Info));
    RtlCopyMemory(Info->InstanceName, Velan->InstanceName, sizeof(Info->InstanceName));
    RtlCopyMemory(Info->LowerName, adapter->Name, sizeof(Info->LowerName));
    Info->InstanceName[MUX_INSTANCE_NAME_CHARS - 1] = 0;
    Info->LowerName[MUX_INSTANCE_NAME_CHARS - 1] = 0;
    KeAcquireSpinLockAtDpcLevel(&Velan->Lock);
    Info->State = (ULONG)Velan->State;
    Info->VlanId = Velan->VlanId;
    RtlCopyMemory(Info->MacAddress, Velan->Mac, MUX_ETH_ADDRESS);
    Info->PacketFilter = Velan->PacketFilter;
    Info->MulticastCount = Velan->Multicast.Count;
    KeReleaseSpinLockFromDpcLevel(&Velan->Lock);
    Info->FramesXmitOk = (ULONG64)s->XmitOk;
    Info->FramesXmitError = (ULONG64)(s->XmitError + s->XmitDiscards);
    Info->BytesXmit = (ULONG64)(s->XmitBytes[0] + s->XmitBytes[1] + s->XmitBytes[2]);
    Info->FramesRcvOk = (ULONG64)s->RcvOk;
    Info->BytesRcv = (ULONG64)(s->RcvBytes[0] + s->RcvBytes[1] + s->RcvBytes[2]);
    Info->RcvNoBuffer = (ULONG64)s->RcvNoBuffer;
    Info->FilteredOut = (ULONG64)s->FilteredOut;
    Info->LowerUnknownVlanDrops = (ULONG64)adapter->UnknownVlanDrops;
}
