/*
 * nullproto.h - an NDIS 6 protocol that only registers: every handler is
 * there (NDIS requires them) and does nothing, and its binds decline.
 * For the tests that need a protocol driver handle - what
 * NdisOpenConfigurationEx opens the protocol's Parameters key for - and
 * nothing bound.  Include after <ndis.h> and <cmocka.h>.
 */
#ifndef NULLPROTO_H
#define NULLPROTO_H

static NDIS_STATUS NullBind(NDIS_HANDLE DriverContext, NDIS_HANDLE BindContext, PNDIS_BIND_PARAMETERS Parameters)
{
    (void)DriverContext, (void)BindContext, (void)Parameters;
    return NDIS_STATUS_NOT_SUPPORTED; /* binds nothing */
}

static NDIS_STATUS NullUnbind(NDIS_HANDLE UnbindContext, NDIS_HANDLE BindingContext)
{
    (void)UnbindContext, (void)BindingContext;
    return NDIS_STATUS_SUCCESS;
}

static VOID NullOpenComplete(NDIS_HANDLE BindingContext, NDIS_STATUS Status)
{
    (void)BindingContext, (void)Status;
}

static VOID NullCloseComplete(NDIS_HANDLE BindingContext)
{
    (void)BindingContext;
}

static NDIS_STATUS NullPnp(NDIS_HANDLE BindingContext, PNET_PNP_EVENT_NOTIFICATION Event)
{
    (void)BindingContext, (void)Event;
    return NDIS_STATUS_SUCCESS;
}

static VOID NullOidComplete(NDIS_HANDLE BindingContext, PNDIS_OID_REQUEST Request, NDIS_STATUS Status)
{
    (void)BindingContext, (void)Request, (void)Status;
}

static VOID NullStatus(NDIS_HANDLE BindingContext, PNDIS_STATUS_INDICATION Indication)
{
    (void)BindingContext, (void)Indication;
}

static VOID NullReceive(NDIS_HANDLE BindingContext, PNET_BUFFER_LIST Nbls, NDIS_PORT_NUMBER Port, ULONG Count,
                        ULONG Flags)
{
    (void)BindingContext, (void)Nbls, (void)Port, (void)Count, (void)Flags;
}

static VOID NullSendComplete(NDIS_HANDLE BindingContext, PNET_BUFFER_LIST Nbls, ULONG Flags)
{
    (void)BindingContext, (void)Nbls, (void)Flags;
}

/* Registers the protocol under Name (its service name: the registry key
 * its configuration is under) and returns its driver handle. */
static NDIS_HANDLE RegisterNullProtocol(PCWSTR Name)
{
    NDIS_PROTOCOL_DRIVER_CHARACTERISTICS c;
    NDIS_HANDLE handle = NULL;
    memset(&c, 0, sizeof(c));
    c.Header.Type = NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS;
    c.Header.Revision = NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1;
    c.Header.Size = NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1;
    c.MajorNdisVersion = 6;
    c.MinorNdisVersion = 0;
    RtlInitUnicodeString(&c.Name, Name);
    c.BindAdapterHandlerEx = NullBind;
    c.UnbindAdapterHandlerEx = NullUnbind;
    c.OpenAdapterCompleteHandlerEx = NullOpenComplete;
    c.CloseAdapterCompleteHandlerEx = NullCloseComplete;
    c.NetPnPEventHandler = NullPnp;
    c.OidRequestCompleteHandler = NullOidComplete;
    c.StatusHandlerEx = NullStatus;
    c.ReceiveNetBufferListsHandler = NullReceive;
    c.SendNetBufferListsCompleteHandler = NullSendComplete;
    assert_int_equal(NdisRegisterProtocolDriver(NULL, &c, &handle), NDIS_STATUS_SUCCESS);
    NkHostWaitBinds();
    return handle;
}

/* A configuration handle on NdisHandle's key. */
static NDIS_HANDLE OpenConfigFor(NDIS_HANDLE NdisHandle)
{
    NDIS_CONFIGURATION_OBJECT o;
    NDIS_HANDLE h = NULL;
    memset(&o, 0, sizeof(o));
    o.Header.Type = NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT;
    o.Header.Revision = NDIS_CONFIGURATION_OBJECT_REVISION_1;
    o.Header.Size = NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1;
    o.NdisHandle = NdisHandle;
    assert_int_equal(NdisOpenConfigurationEx(&o, &h), NDIS_STATUS_SUCCESS);
    return h;
}

#endif
