/*
 * test_ndis60.c - a protocol built for NDIS 6.0 (-DNDIS60) against the
 * host kernel, which is built for 6.80: NDIS must read what the driver
 * passes by the structure's Header.Revision/Size, never by the host's
 * sizeof.  The characteristics, pool parameters and OID request live in
 * heap blocks of exactly the 6.0 size, so ASan reports any read past them.
 *
 * Also: the restart parameters the binding is restarted with, and headers
 * that are wrong (type, revision, size) reported as findings.
 */
#define NDIS60 1
#include <ndis.h>
#include <nkhost.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static const UCHAR Mac[6] = {0x02, 0x6e, 0x6b, 0x00, 0x60, 0x01};

static NDIS_HANDLE Protocol, Binding;
static NDIS_MEDIUM Medium = NdisMedium802_3;
static UINT SelectedMedium;
static volatile LONG Restarts, RestartsWithParameters, Pauses;
static ULONG LastPauseReason;
static NDIS_PROTOCOL_RESTART_PARAMETERS LastRestart;
static NDIS_RESTART_GENERAL_ATTRIBUTES LastGeneral;
static BOOLEAN LastGeneralSeen;

static NDIS_STATUS BindAdapter(NDIS_HANDLE Ctx, NDIS_HANDLE BindContext, PNDIS_BIND_PARAMETERS Params)
{
    NDIS_OPEN_PARAMETERS op;
    (void)Ctx;
    memset(&op, 0, sizeof(op));
    op.Header.Type = NDIS_OBJECT_TYPE_OPEN_PARAMETERS;
    op.Header.Revision = NDIS_OPEN_PARAMETERS_REVISION_1;
    op.Header.Size = NDIS_SIZEOF_OPEN_PARAMETERS_REVISION_1;
    op.AdapterName = Params->AdapterName;
    op.MediumArray = &Medium;
    op.MediumArraySize = 1;
    op.SelectedMediumIndex = &SelectedMedium;
    return NdisOpenAdapterEx(Protocol, NULL, &op, BindContext, &Binding);
}

static NDIS_STATUS UnbindAdapter(NDIS_HANDLE UnbindContext, NDIS_HANDLE ProtocolBindingContext)
{
    (void)UnbindContext;
    (void)ProtocolBindingContext;
    assert_int_equal(NdisCloseAdapterEx(Binding), NDIS_STATUS_SUCCESS);
    Binding = NULL;
    return NDIS_STATUS_SUCCESS;
}

static VOID OpenComplete(NDIS_HANDLE c, NDIS_STATUS s)
{
    (void)c;
    (void)s;
}

static VOID CloseComplete(NDIS_HANDLE c)
{
    (void)c;
}

static NDIS_STATUS PnpEvent(NDIS_HANDLE Ctx, PNET_PNP_EVENT_NOTIFICATION n)
{
    (void)Ctx;
    if (n->NetPnPEvent.NetEvent == NetEventPause) {
        PNDIS_PROTOCOL_PAUSE_PARAMETERS p = n->NetPnPEvent.Buffer;
        assert_non_null(p);
        assert_int_equal(n->NetPnPEvent.BufferLength, sizeof(*p));
        assert_int_equal(p->Header.Type, NDIS_OBJECT_TYPE_DEFAULT);
        assert_int_equal(p->Header.Revision, NDIS_PROTOCOL_PAUSE_PARAMETERS_REVISION_1);
        LastPauseReason = p->PauseReason;
        InterlockedIncrement(&Pauses);
    }
    if (n->NetPnPEvent.NetEvent == NetEventRestart) {
        PNDIS_PROTOCOL_RESTART_PARAMETERS r = n->NetPnPEvent.Buffer;
        InterlockedIncrement(&Restarts);
        if (r != NULL && n->NetPnPEvent.BufferLength >= sizeof(*r)) {
            LastRestart = *r;
            if (r->RestartAttributes != NULL && r->RestartAttributes->Oid == OID_GEN_MINIPORT_RESTART_ATTRIBUTES &&
                r->RestartAttributes->DataLength >= NDIS_SIZEOF_RESTART_GENERAL_ATTRIBUTES_REVISION_1) {
                memcpy(&LastGeneral, r->RestartAttributes->Data, NDIS_SIZEOF_RESTART_GENERAL_ATTRIBUTES_REVISION_1);
                LastGeneralSeen = TRUE;
            }
            InterlockedIncrement(&RestartsWithParameters);
        }
    }
    return NDIS_STATUS_SUCCESS;
}

static VOID OidComplete(NDIS_HANDLE c, PNDIS_OID_REQUEST r, NDIS_STATUS s)
{
    (void)c;
    (void)r;
    (void)s;
}

static VOID Status(NDIS_HANDLE c, PNDIS_STATUS_INDICATION s)
{
    (void)c;
    (void)s;
}

static VOID Receive(NDIS_HANDLE c, PNET_BUFFER_LIST l, NDIS_PORT_NUMBER p, ULONG n, ULONG f)
{
    (void)c;
    (void)p;
    (void)n;
    (void)f;
    NdisReturnNetBufferLists(Binding, l, 0);
}

static VOID SendComplete(NDIS_HANDLE c, PNET_BUFFER_LIST l, ULONG f)
{
    (void)c;
    (void)l;
    (void)f;
}

/* The 6.0 characteristics in a block of exactly their size. */
static PNDIS_PROTOCOL_DRIVER_CHARACTERISTICS NewCharacteristics(void)
{
    PNDIS_PROTOCOL_DRIVER_CHARACTERISTICS c = malloc(NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1);
    assert_non_null(c);
    memset(c, 0, NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1);
    c->Header.Type = NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS;
    c->Header.Revision = NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1;
    c->Header.Size = NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1;
    c->MajorNdisVersion = 6;
    c->MinorNdisVersion = 0;
    RtlInitUnicodeString(&c->Name, L"NKNDIS60");
    c->BindAdapterHandlerEx = BindAdapter;
    c->UnbindAdapterHandlerEx = UnbindAdapter;
    c->OpenAdapterCompleteHandlerEx = OpenComplete;
    c->CloseAdapterCompleteHandlerEx = CloseComplete;
    c->NetPnPEventHandler = PnpEvent;
    c->OidRequestCompleteHandler = OidComplete;
    c->StatusHandlerEx = Status;
    c->ReceiveNetBufferListsHandler = Receive;
    c->SendNetBufferListsCompleteHandler = SendComplete;
    return c;
}

static void test_sizes_are_ndis60(void **state)
{
    (void)state;
    /* What this file is about: the 6.0 structures are smaller than 6.80's. */
    assert_int_equal(sizeof(NDIS_PROTOCOL_DRIVER_CHARACTERISTICS),
                     NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1);
    assert_int_equal(NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1, 120);
    assert_int_equal(sizeof(NET_BUFFER_LIST), 240);
}

/* Registers, binds (from NDIS's thread), restarts with parameters, sends
 * an OID of the 6.0 size, and unbinds: no overflow, no finding. */
static void test_ndis60_protocol_lifecycle(void **state)
{
    PNDIS_PROTOCOL_DRIVER_CHARACTERISTICS c = NewCharacteristics();
    PNET_BUFFER_LIST_POOL_PARAMETERS pp;
    PNDIS_OID_REQUEST oid;
    NK_HOST_ADAPTER *a;
    NDIS_HANDLE pool;
    ULONG mtu = 0;
    (void)state;

    NkHostReset();
    Restarts = RestartsWithParameters = Pauses = 0;
    LastGeneralSeen = FALSE;
    assert_int_equal(NkHostAddAdapter(L"\\DEVICE\\{NK-NDIS60}", Mac, 1500, &a), STATUS_SUCCESS);
    assert_int_equal(NdisRegisterProtocolDriver(NULL, c, &Protocol), NDIS_STATUS_SUCCESS);
    free(c); /* NDIS keeps its own copy */
    NkHostWaitBinds();
    assert_non_null(Binding);
    assert_int_equal(Restarts, 1);
    assert_int_equal(RestartsWithParameters, 1);
    assert_int_equal(LastRestart.Header.Type, NDIS_OBJECT_TYPE_PROTOCOL_RESTART_PARAMETERS);
    assert_int_equal(LastRestart.Header.Revision, NDIS_PROTOCOL_RESTART_PARAMETERS_REVISION_1);
    assert_int_equal(LastRestart.Header.Size, NDIS_SIZEOF_PROTOCOL_RESTART_PARAMETERS_REVISION_1);
    assert_null(LastRestart.FilterModuleNameBuffer); /* no filters under us */
    assert_int_equal(LastRestart.FilterModuleNameBufferLength, 0);
    assert_int_not_equal(LastRestart.BoundIfIndex, 0);
    assert_true(LastGeneralSeen);
    assert_int_equal(LastGeneral.MtuSize, 1500);
    /* A later restart carries them too. */
    assert_int_equal(NkHostPauseAdapter(a), STATUS_SUCCESS);
    assert_int_equal(NkHostRestartAdapter(a), STATUS_SUCCESS);
    assert_int_equal(RestartsWithParameters, 2);
    assert_int_equal(Pauses, 1);
    assert_int_equal(LastPauseReason, NDIS_PAUSE_NDIS_INTERNAL);

    pp = malloc(NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1);
    assert_non_null(pp);
    memset(pp, 0, NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1);
    pp->Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    pp->Header.Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1;
    pp->Header.Size = NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1;
    pp->fAllocateNetBuffer = TRUE;
    pool = NdisAllocateNetBufferListPool(Protocol, pp);
    free(pp);
    assert_non_null(pool);
    NdisFreeNetBufferListPool(pool);

    oid = malloc(sizeof(*oid)); /* a request is validated in place, never copied */
    assert_non_null(oid);
    memset(oid, 0, sizeof(*oid));
    oid->Header.Type = NDIS_OBJECT_TYPE_OID_REQUEST;
    oid->Header.Revision = NDIS_OID_REQUEST_REVISION_1;
    oid->Header.Size = NDIS_SIZEOF_OID_REQUEST_REVISION_1;
    oid->RequestType = NdisRequestQueryInformation;
    oid->DATA.QUERY_INFORMATION.Oid = OID_GEN_MAXIMUM_FRAME_SIZE;
    oid->DATA.QUERY_INFORMATION.InformationBuffer = &mtu;
    oid->DATA.QUERY_INFORMATION.InformationBufferLength = sizeof(mtu);
    assert_int_equal(NdisOidRequest(Binding, oid), NDIS_STATUS_SUCCESS);
    free(oid);
    assert_int_equal(mtu, 1500);

    NdisDeregisterProtocolDriver(Protocol);
    assert_null(Binding);
    assert_int_equal(Pauses, 2);                       /* paused before the unbind, */
    assert_int_equal(LastPauseReason, NDIS_PAUSE_UNBIND_PROTOCOL); /* saying why (a 6.0 driver) */
    NkHostRemoveAdapter(a);
    assert_int_equal(NkHostCheckLeaks(), 0);
    assert_int_equal(NkHostViolationCount(), 0);
}

/* Wrong type, a revision older than any, a size short of the revision:
 * each a finding and a failure, nothing registered. */
static void test_bad_headers_are_found(void **state)
{
    PNDIS_PROTOCOL_DRIVER_CHARACTERISTICS c = NewCharacteristics();
    (void)state;

    NkHostReset();
    NkHostExpectViolations();
    c->Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    assert_int_equal(NdisRegisterProtocolDriver(NULL, c, &Protocol), NDIS_STATUS_BAD_VERSION);
    assert_null(Protocol);
    c->Header.Type = NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS;
    c->Header.Revision = 0;
    assert_int_equal(NdisRegisterProtocolDriver(NULL, c, &Protocol), NDIS_STATUS_BAD_VERSION);
    c->Header.Revision = NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1;
    c->Header.Size = NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1 - 8;
    assert_int_equal(NdisRegisterProtocolDriver(NULL, c, &Protocol), NDIS_STATUS_BAD_VERSION);
    /* A revision-2 header on a 6.0-sized block: the size says it is short. */
    c->Header.Revision = 2;
    c->Header.Size = NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1;
    assert_int_equal(NdisRegisterProtocolDriver(NULL, c, &Protocol), NDIS_STATUS_BAD_VERSION);
    assert_int_equal(NkHostViolationCountOf("ndis.bad-object-header"), 4);
    free(c);
    assert_int_equal(NkHostCheckLeaks(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes_are_ndis60),
        cmocka_unit_test(test_ndis60_protocol_lifecycle),
        cmocka_unit_test(test_bad_headers_are_found),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
