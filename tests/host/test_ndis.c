/*
 * test_ndis.c - the host kernel's NDIS 6 protocol side, driven by a small
 * protocol written only with WDK names (it uses ndiskit's MDL helpers to
 * copy frames): registration and binding to in-memory adapters, bind
 * parameters, OIDs, sends captured byte-exact, receives with and without
 * NDIS_RECEIVE_FLAGS_RESOURCES, pause/restart, unbind and deregistration,
 * and the verifier's NDIS rules.
 */
#define NDIS630 1
#include <ndis.h>
#include <ndiskit/mdl.h>
#include <nkhost.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#define TAG ((ULONG)'T' | ((ULONG)'p' << 8) | ((ULONG)'r' << 16) | ((ULONG)'t' << 24))

typedef struct _OPEN {
    NDIS_HANDLE Binding;
    NDIS_HANDLE Pool;
    UCHAR Mac[6];
    ULONG Mtu;
    ULONG Received;
    UCHAR LastFrame[1514];
    ULONG LastLength;
    PNET_BUFFER_LIST Kept;          /* a receive we hold on to */
    LONG SendsCompleted;
} OPEN;

static NDIS_HANDLE Protocol;
static OPEN *Open;
static BOOLEAN KeepReceives;

static NDIS_STATUS Oid(OPEN *o, NDIS_REQUEST_TYPE Type, NDIS_OID Id, PVOID Buffer, ULONG Length)
{
    NDIS_OID_REQUEST r;
    memset(&r, 0, sizeof(r));
    r.Header.Type = NDIS_OBJECT_TYPE_OID_REQUEST;
    r.Header.Revision = NDIS_OID_REQUEST_REVISION_1;
    r.Header.Size = NDIS_SIZEOF_OID_REQUEST_REVISION_1;
    r.RequestType = Type;
    r.DATA.QUERY_INFORMATION.Oid = Id;
    r.DATA.QUERY_INFORMATION.InformationBuffer = Buffer;
    r.DATA.QUERY_INFORMATION.InformationBufferLength = Length;
    return NdisOidRequest(o->Binding, &r);
}

static NDIS_STATUS BindAdapter(NDIS_HANDLE ProtocolDriverContext, NDIS_HANDLE BindContext,
                               PNDIS_BIND_PARAMETERS BindParameters)
{
    NDIS_MEDIUM medium = NdisMedium802_3;
    UINT selected;
    NDIS_OPEN_PARAMETERS op;
    NET_BUFFER_LIST_POOL_PARAMETERS pp;
    NDIS_STATUS status;
    OPEN *o;
    ULONG filter = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST;
    UCHAR mac[6];

    UNREFERENCED_PARAMETER(ProtocolDriverContext);
    o = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(*o), TAG);
    if (o == NULL)
        return NDIS_STATUS_RESOURCES;
    memset(o, 0, sizeof(*o));
    memcpy(o->Mac, BindParameters->CurrentMacAddress, 6);
    o->Mtu = BindParameters->MtuSize;
    memset(&pp, 0, sizeof(pp));
    pp.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    pp.Header.Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1;
    pp.Header.Size = NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1;
    pp.fAllocateNetBuffer = TRUE;
    pp.PoolTag = TAG;
    o->Pool = NdisAllocateNetBufferListPool(NULL, &pp);
    if (o->Pool == NULL) {
        status = NDIS_STATUS_RESOURCES;
        goto fail;
    }
    memset(&op, 0, sizeof(op));
    op.Header.Type = NDIS_OBJECT_TYPE_OPEN_PARAMETERS;
    op.Header.Revision = NDIS_OPEN_PARAMETERS_REVISION_1;
    op.Header.Size = NDIS_SIZEOF_OPEN_PARAMETERS_REVISION_1;
    op.AdapterName = BindParameters->AdapterName;
    op.MediumArray = &medium;
    op.MediumArraySize = 1;
    op.SelectedMediumIndex = &selected;
    status = NdisOpenAdapterEx(Protocol, o, &op, BindContext, &o->Binding);
    if (status != NDIS_STATUS_SUCCESS)
        goto fail;
    Open = o;
    if (Oid(o, NdisRequestQueryInformation, OID_802_3_CURRENT_ADDRESS, mac, sizeof(mac)) != NDIS_STATUS_SUCCESS ||
        memcmp(mac, o->Mac, 6) != 0 ||
        Oid(o, NdisRequestSetInformation, OID_GEN_CURRENT_PACKET_FILTER, &filter, sizeof(filter)) !=
            NDIS_STATUS_SUCCESS) {
        NdisCloseAdapterEx(o->Binding);
        Open = NULL;
        status = NDIS_STATUS_FAILURE;
        goto fail;
    }
    return NDIS_STATUS_SUCCESS;
fail:
    if (o->Pool)
        NdisFreeNetBufferListPool(o->Pool);
    ExFreePoolWithTag(o, TAG);
    return status;
}

static NDIS_STATUS UnbindAdapter(NDIS_HANDLE UnbindContext, NDIS_HANDLE ProtocolBindingContext)
{
    OPEN *o = ProtocolBindingContext;
    UNREFERENCED_PARAMETER(UnbindContext);
    if (o->Kept != NULL) {
        NdisReturnNetBufferLists(o->Binding, o->Kept, 0);
        o->Kept = NULL;
    }
    NdisCloseAdapterEx(o->Binding);
    NdisFreeNetBufferListPool(o->Pool);
    Open = NULL;
    ExFreePoolWithTag(o, TAG);
    return NDIS_STATUS_SUCCESS;
}

static VOID OpenComplete(NDIS_HANDLE c, NDIS_STATUS s) { (void)c; (void)s; }
static VOID CloseComplete(NDIS_HANDLE c) { (void)c; }
static VOID OidComplete(NDIS_HANDLE c, PNDIS_OID_REQUEST r, NDIS_STATUS s) { (void)c; (void)r; (void)s; }
static VOID Status(NDIS_HANDLE c, PNDIS_STATUS_INDICATION s) { (void)c; (void)s; }

static NDIS_STATUS PnpEvent(NDIS_HANDLE ProtocolBindingContext, PNET_PNP_EVENT_NOTIFICATION Notification)
{
    UNREFERENCED_PARAMETER(ProtocolBindingContext);
    UNREFERENCED_PARAMETER(Notification);
    return NDIS_STATUS_SUCCESS;
}

static VOID Receive(NDIS_HANDLE ProtocolBindingContext, PNET_BUFFER_LIST NetBufferLists, NDIS_PORT_NUMBER PortNumber,
                    ULONG NumberOfNetBufferLists, ULONG ReceiveFlags)
{
    OPEN *o = ProtocolBindingContext;
    NK_MDL_SPAN span = NkMdlSpanFromNb(NET_BUFFER_LIST_FIRST_NB(NetBufferLists));
    SIZE_T n;

    UNREFERENCED_PARAMETER(PortNumber);
    assert_int_equal(NumberOfNetBufferLists, 1);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    NkMdlCopySpanToFlat(o->LastFrame, sizeof(o->LastFrame), &span, &n);
    o->LastLength = (ULONG)n;
    o->Received++;
    if (NDIS_TEST_RECEIVE_CANNOT_PEND(ReceiveFlags))
        return;                                   /* copied: nothing to return */
    if (KeepReceives && o->Kept == NULL)
        o->Kept = NetBufferLists;                 /* returned later */
    else
        NdisReturnNetBufferLists(o->Binding, NetBufferLists, NDIS_RETURN_FLAGS_DISPATCH_LEVEL);
}

static VOID SendComplete(NDIS_HANDLE ProtocolBindingContext, PNET_BUFFER_LIST NetBufferLists, ULONG Flags)
{
    OPEN *o = ProtocolBindingContext;
    PNET_BUFFER_LIST nbl, next;
    UNREFERENCED_PARAMETER(Flags);
    for (nbl = NetBufferLists; nbl != NULL; nbl = next) {
        PMDL mdl = NET_BUFFER_FIRST_MDL(NET_BUFFER_LIST_FIRST_NB(nbl));
        PVOID va = MmGetMdlVirtualAddress(mdl);
        next = NET_BUFFER_LIST_NEXT_NBL(nbl);
        NdisFreeNetBufferList(nbl);
        NdisFreeMdl(mdl);
        ExFreePoolWithTag(va, TAG);
        o->SendsCompleted++;
    }
}

static void Register(void)
{
    NDIS_PROTOCOL_DRIVER_CHARACTERISTICS c;
    memset(&c, 0, sizeof(c));
    c.Header.Type = NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS;
    c.Header.Revision = NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_2;
    c.Header.Size = NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_2;
    c.MajorNdisVersion = 6;
    c.MinorNdisVersion = 30;
    RtlInitUnicodeString(&c.Name, L"NKTEST");
    c.BindAdapterHandlerEx = BindAdapter;
    c.UnbindAdapterHandlerEx = UnbindAdapter;
    c.OpenAdapterCompleteHandlerEx = OpenComplete;
    c.CloseAdapterCompleteHandlerEx = CloseComplete;
    c.NetPnPEventHandler = PnpEvent;
    c.OidRequestCompleteHandler = OidComplete;
    c.StatusHandlerEx = Status;
    c.ReceiveNetBufferListsHandler = Receive;
    c.SendNetBufferListsCompleteHandler = SendComplete;
    assert_int_equal(NdisRegisterProtocolDriver(NULL, &c, &Protocol), NDIS_STATUS_SUCCESS);
}

static void Send(const UCHAR *frame, ULONG length)
{
    PUCHAR buf = ExAllocatePoolWithTag(NonPagedPoolNx, length, TAG);
    PMDL mdl = NdisAllocateMdl(Open->Binding, buf, length);
    PNET_BUFFER_LIST nbl = NdisAllocateNetBufferAndNetBufferList(Open->Pool, 0, 0, mdl, 0, length);
    assert_non_null(nbl);
    memcpy(buf, frame, length);
    NdisSendNetBufferLists(Open->Binding, nbl, NDIS_DEFAULT_PORT_NUMBER, 0);
}

static const UCHAR Mac[6] = {0x02, 0x00, 0x5e, 0x10, 0x20, 0x30};

static int Setup(void **state)
{
    (void)state;
    NkHostReset();
    Open = NULL;
    KeepReceives = FALSE;
    return 0;
}

static void test_bind_oids_unbind(void **state)
{
    NK_HOST_ADAPTER *a;
    (void)state;

    Register();                                        /* no adapter yet: no bind */
    assert_null(Open);
    assert_int_equal(NkHostAddAdapter(L"\\DEVICE\\{NK-TEST-0}", Mac, 1500, &a), STATUS_SUCCESS);
    assert_non_null(Open);                             /* bound on arrival */
    assert_memory_equal(Open->Mac, Mac, 6);
    assert_int_equal(Open->Mtu, 1500);
    assert_int_equal(NkHostAdapterPacketFilter(a), NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST);
    {
        UCHAR small[2];
        assert_int_equal(Oid(Open, NdisRequestQueryInformation, OID_802_3_CURRENT_ADDRESS, small, 2),
                         NDIS_STATUS_BUFFER_TOO_SHORT);
    }
    NkHostRemoveAdapter(a);                            /* unbinds */
    assert_null(Open);
    NdisDeregisterProtocolDriver(Protocol);
    assert_int_equal(NkHostCheckLeaks(), 0);
}

static void test_send_and_receive(void **state)
{
    NK_HOST_ADAPTER *a;
    UCHAR frame[60], got[2000];
    (void)state;

    for (int i = 0; i < 60; i++)
        frame[i] = (UCHAR)(i + 1);
    assert_int_equal(NkHostAddAdapter(L"\\DEVICE\\{NK-TEST-1}", Mac, 1500, &a), STATUS_SUCCESS);
    Register();                                        /* binds to the existing adapter */
    assert_non_null(Open);

    Send(frame, 60);
    assert_int_equal(Open->SendsCompleted, 1);
    assert_int_equal(NkHostAdapterCapture(a, got, sizeof(got)), 60);
    assert_memory_equal(got, frame, 60);
    assert_int_equal(NkHostAdapterCapture(a, got, sizeof(got)), 0);

    assert_int_equal(NkHostAdapterInject(a, frame, 60, FALSE), STATUS_SUCCESS);
    assert_int_equal(Open->Received, 1);
    assert_int_equal(Open->LastLength, 60);
    assert_memory_equal(Open->LastFrame, frame, 60);
    assert_int_equal(NkHostAdapterInject(a, frame, 14, TRUE), STATUS_SUCCESS);  /* RESOURCES: copied only */
    assert_int_equal(Open->Received, 2);
    assert_int_equal(NkHostAdapterInject(a, frame, 13, FALSE), STATUS_INVALID_BUFFER_SIZE);

    KeepReceives = TRUE;                               /* keep one: returned at unbind */
    assert_int_equal(NkHostAdapterInject(a, frame, 60, FALSE), STATUS_SUCCESS);
    assert_non_null(Open->Kept);

    /* Paused: nothing is indicated. */
    assert_int_equal(NkHostPauseAdapter(a), NDIS_STATUS_SUCCESS);
    assert_int_equal(NkHostAdapterInject(a, frame, 60, FALSE), STATUS_SUCCESS);
    assert_int_equal(Open->Received, 3);
    assert_int_equal(NkHostRestartAdapter(a), NDIS_STATUS_SUCCESS);

    NdisDeregisterProtocolDriver(Protocol);            /* unbinds first */
    assert_null(Open);
    NkHostRemoveAdapter(a);
    assert_int_equal(NkHostCheckLeaks(), 0);
}

static void test_verifier_rules(void **state)
{
    NK_HOST_ADAPTER *a;
    UCHAR frame[60] = {0};
    PNET_BUFFER_LIST kept;
    (void)state;

    assert_int_equal(NkHostAddAdapter(L"\\DEVICE\\{NK-TEST-2}", Mac, 1500, &a), STATUS_SUCCESS);
    Register();
    NkHostExpectViolations();

    KeepReceives = TRUE;
    NkHostAdapterInject(a, frame, 60, FALSE);
    kept = Open->Kept;
    Open->Kept = NULL;
    NdisReturnNetBufferLists(Open->Binding, kept, 0);
    NdisReturnNetBufferLists(Open->Binding, kept, 0);  /* returned twice */
    assert_int_equal(NkHostViolationCountOf("ndis.return-not-owned"), 1);

    NkHostPauseAdapter(a);
    Send(frame, 60);                                   /* while paused */
    assert_int_equal(NkHostViolationCountOf("ndis.send-while-paused"), 1);
    NkHostRestartAdapter(a);

    NkHostCheckLeaks();                                /* still registered */
    assert_int_equal(NkHostViolationCountOf("ndis.protocol-leak"), 1);
    NdisDeregisterProtocolDriver(Protocol);
    NkHostRemoveAdapter(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_bind_oids_unbind, Setup),
        cmocka_unit_test_setup(test_send_and_receive, Setup),
        cmocka_unit_test_setup(test_verifier_rules, Setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
