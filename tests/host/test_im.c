/*
 * test_im.c - intermediate drivers' virtual miniports (host/ndis/im.c): the
 * test miniport (nkminiport.c) registered with NDIS_INTERMEDIATE_DRIVER,
 * its instances started with NdisIMInitializeDeviceInstanceEx on NDIS's
 * thread (and cancelled before they start), the device context reaching
 * MiniportInitializeEx and the protocols above (NdisIMGetBindingContext),
 * NdisIMDeInitializeDeviceInstance, the instance's configuration, the
 * verifier's rules, an explorer scenario (registration, instance start
 * and its cancellation racing) and an allocation-failure sweep.
 */
#include "nkminiport.h"
#include "mpproto.h"
#include <nkhost.h>

#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#define VELAN L"\\Device\\{NK-VELAN-1}"

/* Seeds per explorer scenario in `make check` (make stress raises it):
 * fewer under ThreadSanitizer, whose runs of these stacks are ~5x slower,
 * so each test stays within seconds. */
#if defined(__SANITIZE_THREAD__)
#define IM_SEEDS 80
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define IM_SEEDS 80
#endif
#endif
#ifndef IM_SEEDS
#define IM_SEEDS 200
#endif

static MP_PROTO P1;
static int ImContext; /* the IM's device context: its address is what matters */
static NDIS_STRING Velan = RTL_CONSTANT_STRING(VELAN);
static const UCHAR Broadcast[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x09, 0x08, 0x00};

static int Setup(void **state)
{
    (void)state;
    NkHostReset();
    NkmReset();
    memset(&P1, 0, sizeof(P1));
    return 0;
}

static void test_instance_lifecycle(void **state)
{
    static const WCHAR address[] = L"02:aa:bb:cc:dd:01";
    static const UCHAR want[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x01};
    NK_HOST_ADAPTER *a;
    (void)state;
    assert_int_equal(NkHostRegistrySetValue(NK_HOST_NET_CLASS_KEY L"\\{NK-VELAN-1}", L"NetworkAddress", REG_SZ,
                                            address, sizeof(address)),
                     STATUS_SUCCESS);
    NkmReadNetworkAddress = TRUE;
    assert_int_equal(NkmRegister(L"NKIM", NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2, TRUE),
                     NDIS_STATUS_SUCCESS);
    assert_int_equal(MpRegister(&P1, L"MPA", NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST),
                     NDIS_STATUS_SUCCESS);
    NdisIMAssociateMiniport(NkmDriver, P1.Handle);
    assert_int_equal(NdisIMInitializeDeviceInstanceEx(NkmDriver, &Velan, &ImContext), NDIS_STATUS_SUCCESS);
    NkHostWaitBinds(); /* the start is NDIS's, on its own thread */
    a = NkHostFindAdapter(VELAN);
    assert_non_null(a);
    assert_non_null(NkmLast);
    assert_ptr_equal(NkmLast->DeviceContext, &ImContext);
    assert_memory_equal(NkmLast->Mac, want, 6);
    /* The protocol above sees the IM's context for its binding. */
    assert_non_null(P1.Open);
    assert_ptr_equal(P1.Open->ImContext, &ImContext);
    assert_memory_equal(P1.Open->Mac, want, 6);
    assert_true(MpSend(&P1, Broadcast, sizeof(Broadcast)));
    assert_int_equal(P1.Open->SendsCompleted, 1);
    assert_true(NkmIndicate(NkmLast, Broadcast, sizeof(Broadcast), 2, FALSE));
    assert_int_equal(P1.Open->Received, 2);
    /* A second instance name that is taken never starts. */
    assert_int_equal(NdisIMInitializeDeviceInstanceEx(NkmDriver, &Velan, NULL), NDIS_STATUS_SUCCESS);
    NkHostWaitBinds();
    assert_ptr_equal(NkHostFindAdapter(VELAN), a);
    /* Torn down: the protocol unbound, the miniport paused and halted. */
    assert_int_equal(NdisIMDeInitializeDeviceInstance(NkmLast->Handle), NDIS_STATUS_SUCCESS);
    assert_null(P1.Open);
    assert_int_equal(NkmHalts, 1);
    assert_int_equal(NkmLastHaltAction, NdisHaltDeviceInstanceDeInitialized);
    assert_null(NkHostFindAdapter(VELAN));
    MpDeregister(&P1);
    NkmDeregister();
    assert_int_equal(NkHostCheckLeaks(), 0);
}

static void test_cancel_before_start(void **state)
{
    (void)state;
    assert_int_equal(NkmRegister(L"NKIM", NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1, TRUE),
                     NDIS_STATUS_SUCCESS);
    NkHostHoldBinds(TRUE); /* NDIS's thread busy elsewhere: the start waits */
    assert_int_equal(NdisIMInitializeDeviceInstanceEx(NkmDriver, &Velan, &ImContext), NDIS_STATUS_SUCCESS);
    assert_null(NkHostFindAdapter(VELAN));
    assert_int_equal(NdisIMCancelInitializeDeviceInstance(NkmDriver, &Velan), NDIS_STATUS_SUCCESS);
    assert_int_equal(NdisIMCancelInitializeDeviceInstance(NkmDriver, &Velan), NDIS_STATUS_FAILURE);
    NkHostHoldBinds(FALSE);
    NkHostWaitBinds();
    assert_null(NkHostFindAdapter(VELAN));
    assert_null(NkmLast);
    /* Once started it can no longer be cancelled. */
    assert_int_equal(NdisIMInitializeDeviceInstanceEx(NkmDriver, &Velan, &ImContext), NDIS_STATUS_SUCCESS);
    NkHostWaitBinds();
    assert_non_null(NkHostFindAdapter(VELAN));
    assert_int_equal(NdisIMCancelInitializeDeviceInstance(NkmDriver, &Velan), NDIS_STATUS_FAILURE);
    /* Deregistration halts it, and drops a start still queued. */
    NkHostHoldBinds(TRUE);
    {
        NDIS_STRING other = RTL_CONSTANT_STRING(L"\\Device\\{NK-VELAN-2}");
        assert_int_equal(NdisIMInitializeDeviceInstanceEx(NkmDriver, &other, NULL), NDIS_STATUS_SUCCESS);
    }
    NkmDeregister();
    NkHostHoldBinds(FALSE);
    NkHostWaitBinds();
    assert_int_equal(NkmHalts, 1);
    assert_null(NkHostFindAdapter(L"\\Device\\{NK-VELAN-2}"));
    assert_int_equal(NkHostCheckLeaks(), 0);
}

static void test_rules(void **state)
{
    NK_HOST_ADAPTER *a, *plain;
    static const UCHAR mac[6] = {0x02, 0, 0, 0, 0, 0x77};
    (void)state;
    NkHostExpectViolations();
    /* A physical miniport has no IM routines. */
    assert_int_equal(NkmRegister(L"NKMP", NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2, FALSE),
                     NDIS_STATUS_SUCCESS);
    assert_int_equal(NdisIMInitializeDeviceInstanceEx(NkmDriver, &Velan, NULL), NDIS_STATUS_FAILURE);
    assert_int_equal(NkHostViolationCountOf("ndis.im.not-intermediate"), 1);
    assert_int_equal(MpRegister(&P1, L"MPA", NDIS_PACKET_TYPE_BROADCAST), NDIS_STATUS_SUCCESS);
    assert_int_equal(NkHostStartMiniport(L"NKMP", VELAN, &a), STATUS_SUCCESS);
    assert_null(P1.Open->ImContext); /* not a virtual miniport */
    assert_int_equal(NdisIMDeInitializeDeviceInstance(NkmLast->Handle), NDIS_STATUS_FAILURE);
    assert_int_equal(NkHostViolationCountOf("ndis.im.not-intermediate"), 2);
    NkHostRemoveAdapter(a);
    assert_int_equal(NkHostAddAdapter(L"\\Device\\{NK-PLAIN}", mac, 1500, &plain), STATUS_SUCCESS);
    assert_null(P1.Open->ImContext);
    assert_null(NdisIMGetBindingContext(P1.Open->Binding));
    NkHostRemoveAdapter(plain);
    NkmDeregister();

    /* An IM tearing its instance down from its own initialization. */
    assert_int_equal(NkmRegister(L"NKIM", NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2, TRUE),
                     NDIS_STATUS_SUCCESS);
    NkmDeinitInInit = TRUE;
    assert_int_equal(NdisIMInitializeDeviceInstanceEx(NkmDriver, &Velan, NULL), NDIS_STATUS_SUCCESS);
    NkHostWaitBinds();
    assert_int_equal(NkmDeinitStatus, NDIS_STATUS_FAILURE);
    assert_int_equal(NkHostViolationCountOf("ndis.miniport.halt-not-paused"), 1);
    assert_non_null(NkHostFindAdapter(VELAN)); /* nothing was torn down */
    NkmDeinitInInit = FALSE;
    assert_int_equal(NdisIMDeInitializeDeviceInstance(NkmLast->Handle), NDIS_STATUS_SUCCESS);
    MpDeregister(&P1);
    NkmDeregister();
    assert_int_equal(NkHostCheckLeaks(), 0);
}

/* NdisIMDeInitializeDeviceInstance from another thread while the
 * instance is still in its MiniportInitializeEx (on NDIS's thread) waits
 * for the start to finish, then tears the instance down: no finding. */
static KEVENT Gate;
static NDIS_STATUS DeinitStatus;

static void *DeinitThread(void *Arg)
{
    DeinitStatus = NdisIMDeInitializeDeviceInstance((NDIS_HANDLE)Arg);
    return NULL;
}

static void test_deinit_waits_for_a_start_in_progress(void **state)
{
    pthread_t t;
    NDIS_HANDLE h;
    (void)state;
    assert_int_equal(NkmRegister(L"NKIM", NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2, TRUE),
                     NDIS_STATUS_SUCCESS);
    assert_int_equal(MpRegister(&P1, L"MPA", NDIS_PACKET_TYPE_BROADCAST), NDIS_STATUS_SUCCESS);
    KeInitializeEvent(&Gate, NotificationEvent, FALSE);
    NkmInitGate = &Gate;
    assert_int_equal(NdisIMInitializeDeviceInstanceEx(NkmDriver, &Velan, &ImContext), NDIS_STATUS_SUCCESS);
    while ((h = InterlockedCompareExchangePointer((PVOID volatile *)&NkmInitHandle, NULL, NULL)) == NULL)
        sched_yield(); /* the start has reached MiniportInitializeEx */
    DeinitStatus = NDIS_STATUS_PENDING;
    assert_int_equal(pthread_create(&t, NULL, DeinitThread, h), 0);
    KeSetEvent(&Gate, IO_NO_INCREMENT, FALSE);
    pthread_join(t, NULL);
    assert_int_equal(DeinitStatus, NDIS_STATUS_SUCCESS);
    NkHostWaitBinds();
    assert_int_equal(NkmHalts, 1);
    assert_null(NkHostFindAdapter(VELAN));
    assert_null(P1.Open);
    MpDeregister(&P1);
    NkmDeregister();
    assert_int_equal(NkHostCheckLeaks(), 0);
}

/* ---- a small pass-through intermediate driver ----------------------------------------------- */

/*
 * What the mux driver does, reduced: its protocol edge binds to the
 * adapter below and, from that bind, asks for one virtual miniport above
 * it; the virtual miniport sends down what the protocols above send,
 * indicates up what the adapter below receives, forwards OIDs down and
 * status up, and is torn down from the unbind below.  The same NBLs and
 * OID requests travel both ways (a real IM would clone them).
 */
#define IM_UPPER L"\\Device\\{NK-VELAN-UP}"
#define IM_TAG ((ULONG)'T' | ((ULONG)'i' << 8) | ((ULONG)'m' << 16) | ((ULONG)'d' << 24))

typedef struct _IM_ADAPTER {
    NDIS_HANDLE Lower;              /* the binding below */
    UCHAR Mac[6];
    NDIS_HANDLE Miniport;           /* the virtual miniport above, once initialized */
    KSPIN_LOCK Lock;
    BOOLEAN Running;
    LONG Outstanding;               /* sends down and receives up not yet back */
    BOOLEAN PausePending;
    KEVENT CloseDone;
} IM_ADAPTER;

static NDIS_HANDLE ImProtocol, ImDriver;
static IM_ADAPTER *ImLast;
static NDIS_STRING ImUpperName = RTL_CONSTANT_STRING(IM_UPPER);

/* One forwarded NBL or request came back: a pending pause may finish. */
static VOID ImDone(IM_ADAPTER *im, LONG Count)
{
    BOOLEAN pause;
    KIRQL irql;
    KeAcquireSpinLock(&im->Lock, &irql);
    im->Outstanding -= Count;
    pause = im->PausePending && im->Outstanding == 0;
    if (pause)
        im->PausePending = FALSE;
    KeReleaseSpinLock(&im->Lock, irql);
    if (pause)
        NdisMPauseComplete(im->Miniport);
}

/* -- the protocol edge, below -- */

static NDIS_STATUS ImBind(NDIS_HANDLE DriverContext, NDIS_HANDLE BindContext, PNDIS_BIND_PARAMETERS Params)
{
    NDIS_MEDIUM medium = NdisMedium802_3;
    UINT selected;
    NDIS_OPEN_PARAMETERS op;
    NDIS_STATUS status;
    IM_ADAPTER *im;
    (void)DriverContext;
    static const WCHAR own[] = L"\\Device\\{NK-VELAN";
    if (Params->AdapterName->Length >= sizeof(own) - sizeof(WCHAR) &&
        memcmp(Params->AdapterName->Buffer, own, sizeof(own) - sizeof(WCHAR)) == 0)
        return NDIS_STATUS_NOT_SUPPORTED; /* not onto its own virtual miniports */
    im = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(*im), IM_TAG);
    if (im == NULL)
        return NDIS_STATUS_RESOURCES;
    memset(im, 0, sizeof(*im));
    KeInitializeSpinLock(&im->Lock);
    KeInitializeEvent(&im->CloseDone, NotificationEvent, FALSE);
    memcpy(im->Mac, Params->CurrentMacAddress, 6);
    memset(&op, 0, sizeof(op));
    op.Header.Type = NDIS_OBJECT_TYPE_OPEN_PARAMETERS;
    op.Header.Revision = NDIS_OPEN_PARAMETERS_REVISION_1;
    op.Header.Size = NDIS_SIZEOF_OPEN_PARAMETERS_REVISION_1;
    op.AdapterName = Params->AdapterName;
    op.MediumArray = &medium;
    op.MediumArraySize = 1;
    op.SelectedMediumIndex = &selected;
    status = NdisOpenAdapterEx(ImProtocol, im, &op, BindContext, &im->Lower);
    if (status != NDIS_STATUS_SUCCESS) {
        ExFreePoolWithTag(im, IM_TAG);
        return status;
    }
    ImLast = im;
    /* The virtual miniport comes later, on NDIS's thread, with im as its context. */
    status = NdisIMInitializeDeviceInstanceEx(ImDriver, &ImUpperName, im);
    if (status != NDIS_STATUS_SUCCESS) {
        (void)NdisCloseAdapterEx(im->Lower);
        ImLast = NULL;
        ExFreePoolWithTag(im, IM_TAG);
    }
    return status;
}

static NDIS_STATUS ImUnbind(NDIS_HANDLE UnbindContext, NDIS_HANDLE Context)
{
    IM_ADAPTER *im = Context;
    KSPIN_LOCK yield;
    (void)UnbindContext;
    /* The virtual miniport goes first (its protocols unbound, it halted),
     * or, not started yet, never starts; one being started is waited for
     * (its MiniportInitializeEx is using im). */
    KeInitializeSpinLock(&yield);
    if (InterlockedCompareExchangePointer((PVOID volatile *)&im->Miniport, NULL, NULL) == NULL &&
        NdisIMCancelInitializeDeviceInstance(ImDriver, &ImUpperName) != NDIS_STATUS_SUCCESS) {
        while (InterlockedCompareExchangePointer((PVOID volatile *)&im->Miniport, NULL, NULL) == NULL) {
            KIRQL irql;
            KeAcquireSpinLock(&yield, &irql); /* hands the turn over under the explorer */
            KeReleaseSpinLock(&yield, irql);
        }
    }
    if (im->Miniport != NULL)
        assert_int_equal(NdisIMDeInitializeDeviceInstance(im->Miniport), NDIS_STATUS_SUCCESS);
    (void)NdisCloseAdapterEx(im->Lower);
    if (ImLast == im)
        ImLast = NULL;
    ExFreePoolWithTag(im, IM_TAG);
    return NDIS_STATUS_SUCCESS;
}

static VOID ImOpenComplete(NDIS_HANDLE Context, NDIS_STATUS Status)
{
    (void)Context, (void)Status;
}

static VOID ImCloseComplete(NDIS_HANDLE Context)
{
    (void)Context;
}

static NDIS_STATUS ImPnp(NDIS_HANDLE Context, PNET_PNP_EVENT_NOTIFICATION Event)
{
    (void)Context, (void)Event;
    return NDIS_STATUS_SUCCESS;
}

static VOID ImOidComplete(NDIS_HANDLE Context, PNDIS_OID_REQUEST Request, NDIS_STATUS Status)
{
    IM_ADAPTER *im = Context;
    NdisMOidRequestComplete(im->Miniport, Request, Status); /* up, as it came */
}

static VOID ImStatus(NDIS_HANDLE Context, PNDIS_STATUS_INDICATION Indication)
{
    IM_ADAPTER *im = Context;
    NDIS_STATUS_INDICATION up = *Indication;
    if (im->Miniport == NULL)
        return;
    up.SourceHandle = im->Miniport;
    NdisMIndicateStatusEx(im->Miniport, &up);
}

static VOID ImReceive(NDIS_HANDLE Context, PNET_BUFFER_LIST Nbls, NDIS_PORT_NUMBER Port, ULONG Count, ULONG Flags)
{
    IM_ADAPTER *im = Context;
    BOOLEAN up;
    KIRQL irql;
    KeAcquireSpinLock(&im->Lock, &irql);
    up = im->Running;
    if (up && !NDIS_TEST_RECEIVE_CANNOT_PEND(Flags))
        im->Outstanding += (LONG)Count;
    KeReleaseSpinLock(&im->Lock, irql);
    if (!up) {
        /* Paused above: dropped, given straight back below. */
        if (!NDIS_TEST_RECEIVE_CANNOT_PEND(Flags))
            NdisReturnNetBufferLists(im->Lower, Nbls, NDIS_RETURN_FLAGS_DISPATCH_LEVEL);
        return;
    }
    NdisMIndicateReceiveNetBufferLists(im->Miniport, Nbls, Port, Count, Flags);
}

static VOID ImSendComplete(NDIS_HANDLE Context, PNET_BUFFER_LIST Nbls, ULONG Flags)
{
    IM_ADAPTER *im = Context;
    LONG n = 0;
    for (PNET_BUFFER_LIST nbl = Nbls; nbl != NULL; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl))
        n++;
    NdisMSendNetBufferListsComplete(im->Miniport, Nbls, Flags); /* up, to whichever protocol sent each */
    ImDone(im, n);
}

/* -- the miniport edge, above -- */

static NDIS_STATUS VelanInitialize(NDIS_HANDLE Handle, NDIS_HANDLE DriverContext, PNDIS_MINIPORT_INIT_PARAMETERS Params)
{
    IM_ADAPTER *im = NdisIMGetDeviceContext(Handle);
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES reg;
    NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES gen;
    NDIS_STATUS status;
    (void)DriverContext;
    assert_ptr_equal(Params->IMDeviceInstanceContext, im);
    memset(&reg, 0, sizeof(reg));
    reg.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES;
    reg.Header.Revision = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1;
    reg.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1;
    reg.MiniportAdapterContext = im;
    reg.InterfaceType = NdisInterfaceInternal;
    status = NdisMSetMiniportAttributes(Handle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&reg);
    if (status != NDIS_STATUS_SUCCESS)
        return status;
    memset(&gen, 0, sizeof(gen));
    gen.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES;
    gen.Header.Revision = NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_1;
    gen.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_1;
    gen.MediaType = NdisMedium802_3;
    gen.MtuSize = 1500;
    gen.MacAddressLength = 6;
    memcpy(gen.CurrentMacAddress, im->Mac, 6);
    memcpy(gen.PermanentMacAddress, im->Mac, 6);
    status = NdisMSetMiniportAttributes(Handle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&gen);
    if (status == NDIS_STATUS_SUCCESS)
        InterlockedExchangePointer((PVOID volatile *)&im->Miniport, Handle);
    return status;
}

static VOID VelanHalt(NDIS_HANDLE Context, NDIS_HALT_ACTION Action)
{
    IM_ADAPTER *im = Context;
    assert_int_equal(Action, NdisHaltDeviceInstanceDeInitialized);
    assert_int_equal(im->Outstanding, 0);
    (void)im; /* im->Miniport stays: the unbind that asked for this halt still reads it */
}

static NDIS_STATUS VelanPause(NDIS_HANDLE Context, PNDIS_MINIPORT_PAUSE_PARAMETERS Params)
{
    IM_ADAPTER *im = Context;
    NDIS_STATUS status = NDIS_STATUS_SUCCESS;
    KIRQL irql;
    (void)Params;
    KeAcquireSpinLock(&im->Lock, &irql);
    im->Running = FALSE;
    if (im->Outstanding != 0) {
        im->PausePending = TRUE;
        status = NDIS_STATUS_PENDING;
    }
    KeReleaseSpinLock(&im->Lock, irql);
    return status;
}

static NDIS_STATUS VelanRestart(NDIS_HANDLE Context, PNDIS_MINIPORT_RESTART_PARAMETERS Params)
{
    IM_ADAPTER *im = Context;
    KIRQL irql;
    (void)Params;
    KeAcquireSpinLock(&im->Lock, &irql);
    im->Running = TRUE;
    KeReleaseSpinLock(&im->Lock, irql);
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS VelanOid(NDIS_HANDLE Context, PNDIS_OID_REQUEST Request)
{
    IM_ADAPTER *im = Context;
    return NdisOidRequest(im->Lower, Request); /* pended below: ImOidComplete completes it above */
}

static VOID VelanCancelOid(NDIS_HANDLE Context, PVOID RequestId)
{
    IM_ADAPTER *im = Context;
    NdisCancelOidRequest(im->Lower, RequestId);
}

static VOID VelanSend(NDIS_HANDLE Context, PNET_BUFFER_LIST Nbls, NDIS_PORT_NUMBER Port, ULONG Flags)
{
    IM_ADAPTER *im = Context;
    LONG n = 0;
    KIRQL irql;
    for (PNET_BUFFER_LIST nbl = Nbls; nbl != NULL; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl))
        n++;
    KeAcquireSpinLock(&im->Lock, &irql);
    im->Outstanding += n;
    KeReleaseSpinLock(&im->Lock, irql);
    NdisSendNetBufferLists(im->Lower, Nbls, Port, Flags & NDIS_SEND_FLAGS_DISPATCH_LEVEL);
}

static VOID VelanReturn(NDIS_HANDLE Context, PNET_BUFFER_LIST Nbls, ULONG Flags)
{
    IM_ADAPTER *im = Context;
    LONG n = 0;
    for (PNET_BUFFER_LIST nbl = Nbls; nbl != NULL; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl))
        n++;
    NdisReturnNetBufferLists(im->Lower, Nbls, Flags); /* back below, where they came from */
    ImDone(im, n);
}

static VOID VelanCancelSend(NDIS_HANDLE Context, PVOID CancelId)
{
    (void)Context, (void)CancelId;
}

static VOID RegisterIm(VOID)
{
    UNICODE_STRING path = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\NKIMD");
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS m;
    NDIS_PROTOCOL_DRIVER_CHARACTERISTICS p;
    memset(&m, 0, sizeof(m));
    m.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS;
    m.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1;
    m.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1;
    m.MajorNdisVersion = 6;
    m.MinorNdisVersion = 0;
    m.Flags = NDIS_INTERMEDIATE_DRIVER;
    m.InitializeHandlerEx = VelanInitialize;
    m.HaltHandlerEx = VelanHalt;
    m.PauseHandler = VelanPause;
    m.RestartHandler = VelanRestart;
    m.OidRequestHandler = VelanOid;
    m.SendNetBufferListsHandler = VelanSend;
    m.ReturnNetBufferListsHandler = VelanReturn;
    m.CancelSendHandler = VelanCancelSend;
    m.CancelOidRequestHandler = VelanCancelOid;
    assert_int_equal(NdisMRegisterMiniportDriver(NULL, &path, NULL, &m, &ImDriver), NDIS_STATUS_SUCCESS);
    memset(&p, 0, sizeof(p));
    p.Header.Type = NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS;
    p.Header.Revision = NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1;
    p.Header.Size = NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1;
    p.MajorNdisVersion = 6;
    p.MinorNdisVersion = 0;
    RtlInitUnicodeString(&p.Name, L"NKIMD");
    p.BindAdapterHandlerEx = ImBind;
    p.UnbindAdapterHandlerEx = ImUnbind;
    p.OpenAdapterCompleteHandlerEx = ImOpenComplete;
    p.CloseAdapterCompleteHandlerEx = ImCloseComplete;
    p.NetPnPEventHandler = ImPnp;
    p.OidRequestCompleteHandler = ImOidComplete;
    p.StatusHandlerEx = ImStatus;
    p.ReceiveNetBufferListsHandler = ImReceive;
    p.SendNetBufferListsCompleteHandler = ImSendComplete;
    assert_int_equal(NdisRegisterProtocolDriver(NULL, &p, &ImProtocol), NDIS_STATUS_SUCCESS);
    NdisIMAssociateMiniport(ImDriver, ImProtocol);
    NkHostWaitBinds();
}

static VOID DeregisterIm(VOID)
{
    NdisDeregisterProtocolDriver(ImProtocol); /* unbinds below: the virtual miniports go with them */
    NdisMDeregisterMiniportDriver(ImDriver);
}

static void test_pass_through_im(void **state)
{
    static const UCHAR lowerMac[6] = {0x02, 0x10, 0x20, 0x30, 0x40, 0x50};
    NK_HOST_ADAPTER *lower;
    UCHAR frame[60], captured[64], mac[6];
    NDIS_OID_REQUEST r;
    (void)state;
    RegisterIm();
    P1.Only = IM_UPPER;
    assert_int_equal(MpRegister(&P1, L"MPA", NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST),
                     NDIS_STATUS_SUCCESS);
    /* The adapter below arrives: the IM binds, asks for its virtual
     * miniport, NDIS starts it on its own thread, the protocol above binds. */
    assert_int_equal(NkHostAddAdapter(L"\\Device\\{NK-LOWER}", lowerMac, 1500, &lower), STATUS_SUCCESS);
    NkHostWaitBinds();
    assert_non_null(ImLast);
    assert_non_null(ImLast->Miniport);
    assert_non_null(NkHostFindAdapter(IM_UPPER));
    assert_non_null(P1.Open);
    assert_ptr_equal(P1.Open->ImContext, ImLast);
    assert_memory_equal(P1.Open->Mac, lowerMac, 6);
    /* Down: sent through the IM onto the adapter below, completed up. */
    memcpy(frame, Broadcast, sizeof(frame));
    frame[20] = 0x5d;
    assert_true(MpSend(&P1, frame, sizeof(frame)));
    assert_int_equal(NkHostAdapterCapture(lower, captured, sizeof(captured)), 60);
    assert_int_equal(captured[20], 0x5d);
    assert_int_equal(P1.Open->SendsCompleted, 1);
    assert_int_equal(P1.Open->LastSendStatus, NDIS_STATUS_SUCCESS);
    /* Up: received below, indicated above, returned down again. */
    frame[20] = 0x7e;
    P1.Keep = TRUE;
    assert_int_equal(NkHostAdapterInject(lower, frame, sizeof(frame), FALSE), STATUS_SUCCESS);
    assert_int_equal(P1.Open->Received, 1);
    assert_int_equal(P1.Open->LastFrame[20], 0x7e);
    assert_int_equal(ImLast->Outstanding, 1);
    assert_int_equal(MpReturnKept(&P1), 1);
    assert_int_equal(ImLast->Outstanding, 0);
    assert_int_equal(NkHostAdapterInject(lower, frame, sizeof(frame), TRUE), STATUS_SUCCESS);
    assert_int_equal(P1.Open->Received, 2);
    /* OIDs forwarded down, pended there, completed up. */
    assert_int_equal(MpOid(&P1, NdisRequestQueryInformation, OID_802_3_CURRENT_ADDRESS, mac, 6),
                     NDIS_STATUS_SUCCESS);
    assert_memory_equal(mac, lowerMac, 6);
    NkHostSetAdapterPendOids(lower, TRUE);
    assert_int_equal(MpOidAsync(&P1, &r, NdisRequestQueryInformation, OID_802_3_CURRENT_ADDRESS, mac, 6),
                     NDIS_STATUS_PENDING);
    assert_int_equal(NkHostCompleteOids(lower), 1);
    assert_int_equal(P1.Open->LastOidStatus, NDIS_STATUS_SUCCESS);
    NkHostSetAdapterPendOids(lower, FALSE);
    /* Status up. */
    NkHostIndicateStatus(lower, NDIS_STATUS_LINK_STATE, NULL, 0);
    assert_int_equal(P1.Open->LastStatusCode, NDIS_STATUS_LINK_STATE);
    /* Pause and restart of the stack above, with a receive kept meanwhile. */
    assert_int_equal(NkHostPauseAdapter(NkHostFindAdapter(IM_UPPER)), STATUS_SUCCESS);
    assert_int_equal(NkHostAdapterInject(lower, frame, sizeof(frame), FALSE), STATUS_SUCCESS);
    assert_int_equal(P1.Open->Received, 2); /* paused: dropped by the IM */
    assert_int_equal(NkHostRestartAdapter(NkHostFindAdapter(IM_UPPER)), STATUS_SUCCESS);
    /* The adapter below goes: the IM tears its virtual miniport down from
     * its unbind, the protocol above is unbound first. */
    NkHostRemoveAdapter(lower);
    assert_null(P1.Open);
    assert_null(NkHostFindAdapter(IM_UPPER));
    assert_null(ImLast);
    MpDeregister(&P1);
    DeregisterIm();
    assert_int_equal(NkHostCheckLeaks(), 0);
}

/* Through the IM: sends from above, receives from below and a pause /
 * restart of the virtual miniport racing - the IM's pause waits for what
 * it forwarded, nothing is lost, nothing found. */
static NK_HOST_ADAPTER *ExLower;
static LONG ExSent;

static VOID NTAPI ImSendSome(PVOID Context)
{
    (void)Context;
    for (int i = 0; i < 3; i++)
        ExSent += MpSend(&P1, Broadcast, sizeof(Broadcast));
}

static VOID NTAPI ImReceiveSome(PVOID Context)
{
    (void)Context;
    for (int i = 0; i < 3; i++)
        (void)NkHostAdapterInject(ExLower, Broadcast, sizeof(Broadcast), (i & 1) != 0);
}

static VOID NTAPI ImPauseRestart(PVOID Context)
{
    NK_HOST_ADAPTER *upper = NkHostFindAdapter(IM_UPPER);
    (void)Context;
    assert_int_equal(NkHostPauseAdapter(upper), STATUS_SUCCESS);
    assert_int_equal(NkHostRestartAdapter(upper), STATUS_SUCCESS);
}

static void test_explore_through_the_im(void **state)
{
    static const UCHAR lowerMac[6] = {0x02, 0x10, 0x20, 0x30, 0x40, 0x51};
    NK_HOST_ACTION *const actions[] = {ImSendSome, ImReceiveSome, ImPauseRestart};
    UCHAR captured[64];
    (void)state;
    for (ULONG64 seed = 0; NkHostNextSeed(&seed, IM_SEEDS);) {
        LONG frames = 0;
        Setup(NULL);
        RegisterIm();
        P1.Only = IM_UPPER;
        assert_int_equal(MpRegister(&P1, L"MPA", NDIS_PACKET_TYPE_BROADCAST), NDIS_STATUS_SUCCESS);
        assert_int_equal(NkHostAddAdapter(L"\\Device\\{NK-LOWER}", lowerMac, 1500, &ExLower), STATUS_SUCCESS);
        NkHostWaitBinds();
        assert_non_null(P1.Open);
        ExSent = 0;
        NkHostRunInterleaved(seed, actions, NULL, 3, NULL);
        while (NkHostAdapterCapture(ExLower, captured, sizeof(captured)) != 0)
            frames++;
        assert_int_equal(frames, ExSent);
        assert_int_equal(P1.Open->SendsCompleted, ExSent);
        assert_int_equal(ImLast->Outstanding, 0);
        NkHostRemoveAdapter(ExLower);
        MpDeregister(&P1);
        DeregisterIm();
        assert_int_equal(NkHostCheckLeaks(), 0);
        assert_int_equal(NkHostViolationCount(), 0);
    }
}

/* The IM's lifecycle racing: the adapter below arrives and leaves at once
 * (the IM's bind queues its virtual miniport, its unbind cancels it or,
 * started, tears it down), a protocol above registers, and another
 * action delivers NDIS's queued work.  Whatever the order, nothing is left
 * and nothing is found. */
static VOID NTAPI RegisterProtocol(PVOID Context);

static VOID NTAPI LowerComesAndGoes(PVOID Context)
{
    static const UCHAR lowerMac[6] = {0x02, 0x10, 0x20, 0x30, 0x40, 0x52};
    NK_HOST_ADAPTER *lower;
    (void)Context;
    assert_int_equal(NkHostAddAdapter(L"\\Device\\{NK-LOWER}", lowerMac, 1500, &lower), STATUS_SUCCESS);
    NkHostRemoveAdapter(lower);
}

static VOID NTAPI DeliverQueued(PVOID Context)
{
    (void)Context;
    NkHostWaitBinds();
}

static void test_explore_im_lifecycle(void **state)
{
    NK_HOST_ACTION *const actions[] = {LowerComesAndGoes, RegisterProtocol, DeliverQueued};
    (void)state;
    for (ULONG64 seed = 0; NkHostNextSeed(&seed, IM_SEEDS);) {
        Setup(NULL);
        RegisterIm();
        P1.Only = IM_UPPER;
        NkHostRunInterleaved(seed, actions, NULL, 3, NULL);
        NkHostWaitBinds();
        assert_null(NkHostFindAdapter(IM_UPPER));
        assert_null(NkHostFindAdapter(L"\\Device\\{NK-LOWER}"));
        assert_null(P1.Open);
        assert_null(ImLast);
        MpDeregister(&P1);
        DeregisterIm();
        assert_int_equal(NkHostCheckLeaks(), 0);
        assert_int_equal(NkHostViolationCount(), 0);
    }
}

/* ---- the explorer: registration, instance start and cancel racing ---------------------------- */

static NDIS_STATUS CancelStatus;

static VOID NTAPI StartInstance(PVOID Context)
{
    (void)Context;
    assert_int_equal(NdisIMInitializeDeviceInstanceEx(NkmDriver, &Velan, &ImContext), NDIS_STATUS_SUCCESS);
    NkHostWaitBinds(); /* delivered here, or by another action's wait */
}

static VOID NTAPI RegisterProtocol(PVOID Context)
{
    (void)Context;
    assert_int_equal(MpRegister(&P1, L"MPA", NDIS_PACKET_TYPE_BROADCAST), NDIS_STATUS_SUCCESS);
}

static VOID NTAPI CancelInstance(PVOID Context)
{
    (void)Context;
    CancelStatus = NdisIMCancelInitializeDeviceInstance(NkmDriver, &Velan);
}

static void test_explore_start_racing_registration_and_cancel(void **state)
{
    NK_HOST_ACTION *const actions[] = {StartInstance, RegisterProtocol, CancelInstance};
    ULONG cancelled = 0, started = 0;
    (void)state;
    for (ULONG64 seed = 0; NkHostNextSeed(&seed, 300);) {
        NK_HOST_ADAPTER *a;
        Setup(NULL);
        assert_int_equal(NkmRegister(L"NKIM", NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2, TRUE),
                         NDIS_STATUS_SUCCESS);
        CancelStatus = NDIS_STATUS_PENDING;
        NkHostRunInterleaved(seed, actions, NULL, 3, NULL);
        NkHostWaitBinds(); /* what the actions left queued */
        a = NkHostFindAdapter(VELAN);
        if (CancelStatus == NDIS_STATUS_SUCCESS) {
            /* Cancelled while queued: it never started. */
            assert_null(a);
            assert_null(P1.Open);
            cancelled++;
        } else {
            /* Started: the protocol is bound to it whichever came first. */
            assert_int_equal(CancelStatus, NDIS_STATUS_FAILURE);
            assert_non_null(a);
            assert_non_null(P1.Open);
            assert_ptr_equal(P1.Open->ImContext, &ImContext);
            assert_int_equal(NdisIMDeInitializeDeviceInstance(NkmLast->Handle), NDIS_STATUS_SUCCESS);
            started++;
        }
        MpDeregister(&P1);
        NkmDeregister();
        assert_int_equal(NkHostCheckLeaks(), 0);
        assert_int_equal(NkHostViolationCount(), 0);
    }
    /* Both outcomes happen (unless a single seed was replayed). */
    if (cancelled + started > 1) {
        assert_true(cancelled > 0);
        assert_true(started > 0);
    }
}

/* ---- allocation failures over instance start ------------------------------------------------ */

static void test_start_allocation_failure_sweep(void **state)
{
    ULONG64 n;
    ULONG failed = 0;
    (void)state;
    for (n = 1;; n++) {
        NDIS_STATUS status;
        ULONG64 before;
        NK_HOST_ADAPTER *a;
        Setup(NULL);
        assert_int_equal(NkmRegister(L"NKIM", NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2, TRUE),
                         NDIS_STATUS_SUCCESS);
        assert_int_equal(MpRegister(&P1, L"MPA", NDIS_PACKET_TYPE_BROADCAST), NDIS_STATUS_SUCCESS);
        before = NkHostFaultSiteCount(NkFaultPoolAllocation);
        NkHostFailNth(NkFaultPoolAllocation, n);
        status = NdisIMInitializeDeviceInstanceEx(NkmDriver, &Velan, &ImContext);
        NkHostWaitBinds();
        NkHostFailNth(NkFaultPoolAllocation, 0);
        a = NkHostFindAdapter(VELAN);
        if (status != NDIS_STATUS_SUCCESS || a == NULL) {
            failed++;
            assert_null(a);
        } else {
            assert_int_equal(NdisIMDeInitializeDeviceInstance(NkmLast->Handle), NDIS_STATUS_SUCCESS);
        }
        MpDeregister(&P1);
        NkmDeregister();
        assert_int_equal(NkHostCheckLeaks(), 0);
        if (NkHostFaultSiteCount(NkFaultPoolAllocation) - before < n)
            break;
    }
    assert_true(failed > 0);
    assert_true(n > 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_instance_lifecycle, Setup),
        cmocka_unit_test_setup(test_cancel_before_start, Setup),
        cmocka_unit_test_setup(test_rules, Setup),
        cmocka_unit_test_setup(test_deinit_waits_for_a_start_in_progress, Setup),
        cmocka_unit_test_setup(test_pass_through_im, Setup),
        cmocka_unit_test_setup(test_explore_through_the_im, Setup),
        cmocka_unit_test_setup(test_explore_im_lifecycle, Setup),
        cmocka_unit_test_setup(test_explore_start_racing_registration_and_cancel, Setup),
        cmocka_unit_test_setup(test_start_allocation_failure_sweep, Setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
