/*
 * proto_sample.c - the smallest NDIS protocol driver on the binding layer
 * (<ndiskit/binding.h>): it binds to every Ethernet adapter, counts what it
 * receives, and logs each binding's coming and going; a binding's packet
 * filter comes from its configuration key if that sets one.  Built for Windows
 * (linking lib/ndis/binding.c into a checked image) and for the host, where
 * `ndiskit host run proto_sample.so --loopback wire0` runs it.
 */
#define NK_LOG_PREFIX "protosample: "
#include <ndiskit/binding.h>
#include <ndiskit/log.h>

DRIVER_INITIALIZE DriverEntry;

typedef struct {
    volatile LONG Received;
} SAMPLE_BINDING;

static NK_PROTOCOL Protocol;

/* The binding's PacketFilter setting (a DWORD, or a hex string, in its
 * key ...\Services\PROTOSAMPLE\Parameters\Adapters\<adapter>, where an
 * INF or `ndiskit host run --config` puts it), else Default. */
static ULONG ConfiguredFilter(PNK_BINDING Binding, ULONG Default)
{
    NDIS_STRING name = RTL_CONSTANT_STRING(L"PacketFilter");
    NDIS_CONFIGURATION_OBJECT object;
    PNDIS_CONFIGURATION_PARAMETER value;
    NDIS_HANDLE config;
    NDIS_STATUS status;
    ULONG filter = Default;

    RtlZeroMemory(&object, sizeof(object));
    object.Header.Type = NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT;
    object.Header.Revision = NDIS_CONFIGURATION_OBJECT_REVISION_1;
    object.Header.Size = NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1;
    object.NdisHandle = Binding->Handle;
    if (NdisOpenConfigurationEx(&object, &config) != NDIS_STATUS_SUCCESS)
        return Default;
    NdisReadConfiguration(&status, &value, config, &name, NdisParameterHexInteger);
    if (status == NDIS_STATUS_SUCCESS &&
        (value->ParameterType == NdisParameterInteger || value->ParameterType == NdisParameterHexInteger))
        filter = value->ParameterData.IntegerData;
    NdisCloseConfiguration(config);
    return filter;
}

static NTSTATUS SampleBound(PNK_BINDING Binding, PNDIS_BIND_PARAMETERS Parameters)
{
    ULONG filter = ConfiguredFilter(Binding, NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST);
    NDIS_STATUS status = NkBindingOid(Binding, NdisRequestSetInformation, OID_GEN_CURRENT_PACKET_FILTER, &filter,
                                      sizeof(filter), NULL);
    if (status != NDIS_STATUS_SUCCESS)
        return STATUS_UNSUCCESSFUL;
    NkLogInfo("bound to %wZ, MTU %lu, packet filter 0x%lx", Parameters->AdapterName, Binding->Mtu, filter);
    return STATUS_SUCCESS;
}

static VOID SampleUnbinding(PNK_BINDING Binding)
{
    SAMPLE_BINDING *s = NkBindingContext(Binding);
    NkLogInfo("unbinding after %ld frame(s)", (long)s->Received);
}

static VOID SampleReceive(PNK_BINDING Binding, PNET_BUFFER_LIST Nbls, ULONG Count, ULONG Flags)
{
    SAMPLE_BINDING *s = NkBindingContext(Binding);
    InterlockedAdd(&s->Received, (LONG)Count);
    if (!NDIS_TEST_RECEIVE_CANNOT_PEND(Flags))
        NkBindingReturn(Binding, Nbls, NDIS_TEST_RECEIVE_AT_DISPATCH_LEVEL(Flags) ? NDIS_RETURN_FLAGS_DISPATCH_LEVEL : 0);
}

static const NK_PROTOCOL_CALLBACKS Callbacks = {
    .BindingContextSize = sizeof(SAMPLE_BINDING),
    .Bound = SampleBound,
    .Unbinding = SampleUnbinding,
    .Receive = SampleReceive,
};

static VOID NTAPI DriverUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    NkProtocolDeregister(&Protocol); /* NDIS unbinds every binding first */
    NkLogInfo("unloaded");
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS status;
    UNREFERENCED_PARAMETER(RegistryPath);

    status = NkProtocolRegister(&Protocol, L"PROTOSAMPLE", 6, 30, &Callbacks, NULL);
    if (status != NDIS_STATUS_SUCCESS) {
        NkLogError("NdisRegisterProtocolDriver: 0x%08x", (unsigned)status);
        return STATUS_UNSUCCESSFUL;
    }
    DriverObject->DriverUnload = DriverUnload;
    return STATUS_SUCCESS;
}
