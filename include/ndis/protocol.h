/*
 * ndis/protocol.h - protocol drivers: the ProtocolXxx callback types, the
 * driver characteristics, and the NdisXxx routines a protocol (or the
 * protocol edge of an intermediate driver) calls.  Part of <ndis.h>.
 *
 * Each callback has a function type named as in the WDK (declare your
 * function with it, e.g. "PROTOCOL_BIND_ADAPTER_EX MyBindAdapter;") and a
 * pointer type used by the characteristics structure.
 */
#ifndef NDISKIT_NDIS_PROTOCOL_H
#define NDISKIT_NDIS_PROTOCOL_H

#ifndef NDISKIT_NDIS_H
#error "include <ndis.h>, not <ndis/protocol.h>"
#endif

/* ------------------------------------------------------------------------
 * Optional-services registration, shared by protocols, filters and
 * miniports: NDIS calls it during registration so the driver can call
 * NdisSetOptionalHandlers.
 */
typedef _IRQL_requires_(PASSIVE_LEVEL) _Function_class_(SET_OPTIONS)
NDIS_STATUS SET_OPTIONS(_In_ NDIS_HANDLE NdisDriverHandle, _In_ NDIS_HANDLE DriverContext);
typedef SET_OPTIONS *SET_OPTIONS_HANDLER;
typedef SET_OPTIONS MINIPORT_SET_OPTIONS;
typedef SET_OPTIONS PROTOCOL_SET_OPTIONS;
typedef SET_OPTIONS FILTER_SET_OPTIONS;

/* ------------------------------------------------------------------------
 * Protocol callbacks.
 */
typedef _IRQL_requires_(PASSIVE_LEVEL) _Function_class_(PROTOCOL_BIND_ADAPTER_EX)
NDIS_STATUS PROTOCOL_BIND_ADAPTER_EX(_In_ NDIS_HANDLE ProtocolDriverContext,
                                     _In_ NDIS_HANDLE BindContext,
                                     _In_ PNDIS_BIND_PARAMETERS BindParameters);
typedef PROTOCOL_BIND_ADAPTER_EX *BIND_HANDLER_EX;

typedef _IRQL_requires_(PASSIVE_LEVEL) _Function_class_(PROTOCOL_UNBIND_ADAPTER_EX)
NDIS_STATUS PROTOCOL_UNBIND_ADAPTER_EX(_In_ NDIS_HANDLE UnbindContext,
                                       _In_ NDIS_HANDLE ProtocolBindingContext);
typedef PROTOCOL_UNBIND_ADAPTER_EX *UNBIND_HANDLER_EX;

typedef _IRQL_requires_(PASSIVE_LEVEL) _Function_class_(PROTOCOL_OPEN_ADAPTER_COMPLETE_EX)
VOID PROTOCOL_OPEN_ADAPTER_COMPLETE_EX(_In_ NDIS_HANDLE ProtocolBindingContext,
                                       _In_ NDIS_STATUS Status);
typedef PROTOCOL_OPEN_ADAPTER_COMPLETE_EX *OPEN_ADAPTER_COMPLETE_HANDLER_EX;

typedef _IRQL_requires_(PASSIVE_LEVEL) _Function_class_(PROTOCOL_CLOSE_ADAPTER_COMPLETE_EX)
VOID PROTOCOL_CLOSE_ADAPTER_COMPLETE_EX(_In_ NDIS_HANDLE ProtocolBindingContext);
typedef PROTOCOL_CLOSE_ADAPTER_COMPLETE_EX *CLOSE_ADAPTER_COMPLETE_HANDLER_EX;

/* ProtocolBindingContext is NULL for events that concern all bindings. */
typedef _IRQL_requires_(PASSIVE_LEVEL) _Function_class_(PROTOCOL_NET_PNP_EVENT)
NDIS_STATUS PROTOCOL_NET_PNP_EVENT(_In_opt_ NDIS_HANDLE ProtocolBindingContext,
                                   _In_ PNET_PNP_EVENT_NOTIFICATION NetPnPEventNotification);
typedef PROTOCOL_NET_PNP_EVENT *NET_PNP_EVENT_HANDLER;

typedef _IRQL_requires_(PASSIVE_LEVEL) _Function_class_(PROTOCOL_UNINSTALL)
VOID PROTOCOL_UNINSTALL(VOID);
typedef PROTOCOL_UNINSTALL *UNINSTALL_PROTOCOL_HANDLER;

typedef _IRQL_requires_max_(DISPATCH_LEVEL) _Function_class_(PROTOCOL_OID_REQUEST_COMPLETE)
VOID PROTOCOL_OID_REQUEST_COMPLETE(_In_ NDIS_HANDLE ProtocolBindingContext,
                                   _In_ PNDIS_OID_REQUEST OidRequest, _In_ NDIS_STATUS Status);
typedef PROTOCOL_OID_REQUEST_COMPLETE *OID_REQUEST_COMPLETE_HANDLER;

typedef _IRQL_requires_max_(DISPATCH_LEVEL) _Function_class_(PROTOCOL_DIRECT_OID_REQUEST_COMPLETE)
VOID PROTOCOL_DIRECT_OID_REQUEST_COMPLETE(_In_ NDIS_HANDLE ProtocolBindingContext,
                                          _In_ PNDIS_OID_REQUEST OidRequest,
                                          _In_ NDIS_STATUS Status);
typedef PROTOCOL_DIRECT_OID_REQUEST_COMPLETE *DIRECT_OID_REQUEST_COMPLETE_HANDLER;

typedef _IRQL_requires_max_(DISPATCH_LEVEL) _Function_class_(PROTOCOL_STATUS_EX)
VOID PROTOCOL_STATUS_EX(_In_ NDIS_HANDLE ProtocolBindingContext,
                        _In_ PNDIS_STATUS_INDICATION StatusIndication);
typedef PROTOCOL_STATUS_EX *STATUS_HANDLER_EX;

/*
 * Received data.  Unless ReceiveFlags has NDIS_RECEIVE_FLAGS_RESOURCES, the
 * protocol owns the NBLs until it passes them to NdisReturnNetBufferLists.
 */
typedef _IRQL_requires_max_(DISPATCH_LEVEL) _Function_class_(PROTOCOL_RECEIVE_NET_BUFFER_LISTS)
VOID PROTOCOL_RECEIVE_NET_BUFFER_LISTS(_In_ NDIS_HANDLE ProtocolBindingContext,
                                       _In_ PNET_BUFFER_LIST NetBufferLists,
                                       _In_ NDIS_PORT_NUMBER PortNumber,
                                       _In_ ULONG NumberOfNetBufferLists,
                                       _In_ ULONG ReceiveFlags);
typedef PROTOCOL_RECEIVE_NET_BUFFER_LISTS *RECEIVE_NET_BUFFER_LISTS_HANDLER;

typedef _IRQL_requires_max_(DISPATCH_LEVEL) _Function_class_(PROTOCOL_SEND_NET_BUFFER_LISTS_COMPLETE)
VOID PROTOCOL_SEND_NET_BUFFER_LISTS_COMPLETE(_In_ NDIS_HANDLE ProtocolBindingContext,
                                             _In_ PNET_BUFFER_LIST NetBufferList,
                                             _In_ ULONG SendCompleteFlags);
typedef PROTOCOL_SEND_NET_BUFFER_LISTS_COMPLETE *SEND_NET_BUFFER_LISTS_COMPLETE_HANDLER;

/* ------------------------------------------------------------------------
 * Protocol driver characteristics (NdisRegisterProtocolDriver).
 */
#define NDIS_PROTOCOL_DRIVER_SUPPORTS_CURRENT_MAC_ADDRESS_CHANGE 0x00000002
#define NDIS_PROTOCOL_DRIVER_SUPPORTS_L2_MTU_SIZE_CHANGE         0x00000004

typedef struct _NDIS_PROTOCOL_DRIVER_CHARACTERISTICS {
    NDIS_OBJECT_HEADER Header;
    UCHAR MajorNdisVersion;
    UCHAR MinorNdisVersion;
    UCHAR MajorDriverVersion;
    UCHAR MinorDriverVersion;
    ULONG Flags;
    NDIS_STRING Name;
    SET_OPTIONS_HANDLER SetOptionsHandler;
    BIND_HANDLER_EX BindAdapterHandlerEx;
    UNBIND_HANDLER_EX UnbindAdapterHandlerEx;
    OPEN_ADAPTER_COMPLETE_HANDLER_EX OpenAdapterCompleteHandlerEx;
    CLOSE_ADAPTER_COMPLETE_HANDLER_EX CloseAdapterCompleteHandlerEx;
    NET_PNP_EVENT_HANDLER NetPnPEventHandler;
    UNINSTALL_PROTOCOL_HANDLER UninstallHandler;
    OID_REQUEST_COMPLETE_HANDLER OidRequestCompleteHandler;
    STATUS_HANDLER_EX StatusHandlerEx;
    RECEIVE_NET_BUFFER_LISTS_HANDLER ReceiveNetBufferListsHandler;
    SEND_NET_BUFFER_LISTS_COMPLETE_HANDLER SendNetBufferListsCompleteHandler;
#if NDIS_SUPPORT_NDIS61
    DIRECT_OID_REQUEST_COMPLETE_HANDLER DirectOidRequestCompleteHandler;
#endif
} NDIS_PROTOCOL_DRIVER_CHARACTERISTICS, *PNDIS_PROTOCOL_DRIVER_CHARACTERISTICS;

#define NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1 1
#define NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_PROTOCOL_DRIVER_CHARACTERISTICS, SendNetBufferListsCompleteHandler)
#if NDIS_SUPPORT_NDIS61
#define NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_2 2
#define NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_2 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_PROTOCOL_DRIVER_CHARACTERISTICS, DirectOidRequestCompleteHandler)
#endif

/* ------------------------------------------------------------------------
 * Routines: registration and bindings.
 */
_Must_inspect_result_ _IRQL_requires_(PASSIVE_LEVEL)
NDISAPI NDIS_STATUS NdisRegisterProtocolDriver(
    _In_opt_ NDIS_HANDLE ProtocolDriverContext,
    _In_ PNDIS_PROTOCOL_DRIVER_CHARACTERISTICS ProtocolCharacteristics,
    _Out_ PNDIS_HANDLE NdisProtocolHandle);

_IRQL_requires_(PASSIVE_LEVEL)
NDISAPI VOID NdisDeregisterProtocolDriver(_In_ NDIS_HANDLE NdisProtocolHandle);

/* Returns NDIS_STATUS_PENDING when ProtocolOpenAdapterCompleteEx will follow. */
_Must_inspect_result_ _IRQL_requires_(PASSIVE_LEVEL)
NDISAPI NDIS_STATUS NdisOpenAdapterEx(
    _In_ NDIS_HANDLE NdisProtocolHandle, _In_ NDIS_HANDLE ProtocolBindingContext,
    _In_ PNDIS_OPEN_PARAMETERS OpenParameters, _In_ NDIS_HANDLE BindContext,
    _Out_ PNDIS_HANDLE NdisBindingHandle);

/* Returns NDIS_STATUS_PENDING when ProtocolCloseAdapterCompleteEx will follow. */
_IRQL_requires_(PASSIVE_LEVEL)
NDISAPI NDIS_STATUS NdisCloseAdapterEx(_In_ NDIS_HANDLE NdisBindingHandle);

_IRQL_requires_(PASSIVE_LEVEL)
NDISAPI VOID NdisCompleteBindAdapterEx(_In_ NDIS_HANDLE BindAdapterContext,
                                       _In_ NDIS_STATUS Status);

_IRQL_requires_(PASSIVE_LEVEL)
NDISAPI VOID NdisCompleteUnbindAdapterEx(_In_ NDIS_HANDLE UnbindContext);

_IRQL_requires_(PASSIVE_LEVEL)
NDISAPI NDIS_STATUS NdisUnbindAdapter(_In_ NDIS_HANDLE NdisBindingHandle);

_IRQL_requires_(PASSIVE_LEVEL)
NDISAPI VOID NdisReEnumerateProtocolBindings(_In_ NDIS_HANDLE NdisProtocolHandle);

/* Completes a NetPnPEvent the protocol returned NDIS_STATUS_PENDING for. */
_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI VOID NdisCompleteNetPnPEvent(
    _In_ NDIS_HANDLE NdisBindingHandle,
    _In_ PNET_PNP_EVENT_NOTIFICATION NetPnPEventNotification, _In_ NDIS_STATUS Status);

/* ------------------------------------------------------------------------
 * Routines: OID requests.  NDIS_STATUS_PENDING means
 * ProtocolOidRequestComplete (or ...DirectOidRequestComplete) will follow.
 */
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI NDIS_STATUS NdisOidRequest(_In_ NDIS_HANDLE NdisBindingHandle,
                                   _In_ PNDIS_OID_REQUEST OidRequest);

_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI VOID NdisCancelOidRequest(_In_ NDIS_HANDLE NdisBindingHandle, _In_ PVOID RequestId);

#if NDIS_SUPPORT_NDIS61
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI NDIS_STATUS NdisDirectOidRequest(_In_ NDIS_HANDLE NdisBindingHandle,
                                         _In_ PNDIS_OID_REQUEST OidRequest);

_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI VOID NdisCancelDirectOidRequest(_In_ NDIS_HANDLE NdisBindingHandle,
                                        _In_ PVOID RequestId);
#endif

/* ------------------------------------------------------------------------
 * Routines: data path.  Every NBL sent must have SourceHandle set to the
 * binding handle; NDIS gives them back through
 * ProtocolSendNetBufferListsComplete.
 */
_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI VOID NdisSendNetBufferLists(
    _In_ NDIS_HANDLE NdisBindingHandle, _In_ __drv_aliasesMem PNET_BUFFER_LIST NetBufferLists,
    _In_ NDIS_PORT_NUMBER PortNumber, _In_ ULONG SendFlags);

_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI VOID NdisReturnNetBufferLists(
    _In_ NDIS_HANDLE NdisBindingHandle, _In_ PNET_BUFFER_LIST NetBufferLists,
    _In_ ULONG ReturnFlags);

_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI VOID NdisCancelSendNetBufferLists(_In_ NDIS_HANDLE NdisBindingHandle,
                                          _In_ PVOID CancelId);

/*
 * The high byte of a cancel ID is the sender's partial ID (unique per
 * driver), so cancel IDs of different drivers do not collide.
 */
_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI UCHAR NdisGeneratePartialCancelId(VOID);

/*
 * The adapter's friendly name (its interface description, e.g. "Intel(R)
 * Ethernet Connection"), in a buffer NDIS allocates and the caller frees
 * with NdisFreeMemory(Name->Buffer, 0, 0).
 */
_IRQL_requires_(PASSIVE_LEVEL)
NDISAPI NDIS_STATUS NdisQueryAdapterInstanceName(_Out_ PNDIS_STRING pAdapterInstanceName,
                                                 _In_ NDIS_HANDLE NdisBindingHandle);

/* ------------------------------------------------------------------------
 * Routines: intermediate drivers (linking the protocol and miniport edges).
 */
_IRQL_requires_(PASSIVE_LEVEL)
NDISAPI VOID NdisIMAssociateMiniport(_In_ NDIS_HANDLE DriverHandle,
                                     _In_ NDIS_HANDLE ProtocolHandle);

_Must_inspect_result_ _IRQL_requires_(PASSIVE_LEVEL)
NDISAPI NDIS_STATUS NdisIMInitializeDeviceInstanceEx(
    _In_ NDIS_HANDLE DriverHandle, _In_ PNDIS_STRING DriverInstance,
    _In_opt_ NDIS_HANDLE DeviceContext);

_IRQL_requires_(PASSIVE_LEVEL)
NDISAPI NDIS_STATUS NdisIMCancelInitializeDeviceInstance(_In_ NDIS_HANDLE DriverHandle,
                                                         _In_ PNDIS_STRING DeviceInstance);

_IRQL_requires_(PASSIVE_LEVEL)
NDISAPI NDIS_STATUS NdisIMDeInitializeDeviceInstance(_In_ NDIS_HANDLE NdisMiniportHandle);

/* For a binding to an intermediate driver's virtual miniport: the device
 * context that driver passed to NdisIMInitializeDeviceInstanceEx for it
 * (NULL for any other adapter). */
_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI NDIS_HANDLE NdisIMGetBindingContext(_In_ NDIS_HANDLE NdisBindingHandle);

/* Inside MiniportInitializeEx of a virtual miniport: the DeviceContext its
 * NdisIMInitializeDeviceInstanceEx call passed. */
_IRQL_requires_(PASSIVE_LEVEL)
NDISAPI PVOID NdisIMGetDeviceContext(_In_ NDIS_HANDLE MiniportAdapterHandle);

#endif /* NDISKIT_NDIS_PROTOCOL_H */
