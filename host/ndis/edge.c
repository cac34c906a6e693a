/*
 * edge.c - the NDIS routines of edges the host kernel does not have yet:
 * filter drivers (NdisF*) and WDM device objects
 * registered through NDIS (NdisRegisterDeviceEx and friends: the host's
 * user-mode I/O reaches KMDF devices only).
 *
 * They are exported so a driver that imports them loads, and a call never
 * crashes: each reports the verifier finding "ndis.unimplemented" with its
 * name (fatal unless the test expects findings) and fails the documented
 * way - NDIS_STATUS_NOT_SUPPORTED for routines that return a status, NULL
 * handles and out pointers, and nothing done for VOID routines (NBLs
 * given to them are not completed or returned: the driver's edge is not
 * running, so nothing would have produced them).
 */
#include "ndis_internal.h"

VOID NkNdisUnimplemented(const char *Name)
{
    NkHostViolation("ndis.unimplemented", "%s: the host kernel has no %s edge yet", Name,
                    Name[4] == 'M' ? "miniport" : Name[4] == 'F' ? "filter" : Name[4] == 'I' ? "intermediate driver"
                                                                                             : "NDIS device object");
}

VOID NdisFCancelDirectOidRequest(NDIS_HANDLE NdisFilterHandle, PVOID RequestId)
{
    NkNdisUnimplemented("NdisFCancelDirectOidRequest");
    (void)NdisFilterHandle;
    (void)RequestId;
}

VOID NdisFCancelOidRequest(NDIS_HANDLE NdisFilterHandle, PVOID RequestId)
{
    NkNdisUnimplemented("NdisFCancelOidRequest");
    (void)NdisFilterHandle;
    (void)RequestId;
}

VOID NdisFCancelSendNetBufferLists(NDIS_HANDLE NdisFilterHandle, PVOID CancelId)
{
    NkNdisUnimplemented("NdisFCancelSendNetBufferLists");
    (void)NdisFilterHandle;
    (void)CancelId;
}

VOID NdisFDeregisterFilterDriver(NDIS_HANDLE NdisFilterDriverHandle)
{
    NkNdisUnimplemented("NdisFDeregisterFilterDriver");
    (void)NdisFilterDriverHandle;
}

VOID NdisFDevicePnPEventNotify(NDIS_HANDLE NdisFilterHandle, PNET_DEVICE_PNP_EVENT NetDevicePnPEvent)
{
    NkNdisUnimplemented("NdisFDevicePnPEventNotify");
    (void)NdisFilterHandle;
    (void)NetDevicePnPEvent;
}

NDIS_STATUS NdisFDirectOidRequest(NDIS_HANDLE NdisFilterHandle, PNDIS_OID_REQUEST OidRequest)
{
    NkNdisUnimplemented("NdisFDirectOidRequest");
    (void)NdisFilterHandle;
    (void)OidRequest;
    return NDIS_STATUS_NOT_SUPPORTED;
}

VOID NdisFDirectOidRequestComplete(NDIS_HANDLE NdisFilterHandle, PNDIS_OID_REQUEST OidRequest, NDIS_STATUS Status)
{
    NkNdisUnimplemented("NdisFDirectOidRequestComplete");
    (void)NdisFilterHandle;
    (void)OidRequest;
    (void)Status;
}

VOID NdisFIndicateReceiveNetBufferLists(NDIS_HANDLE NdisFilterHandle, PNET_BUFFER_LIST NetBufferLists, NDIS_PORT_NUMBER PortNumber, ULONG NumberOfNetBufferLists, ULONG ReceiveFlags)
{
    NkNdisUnimplemented("NdisFIndicateReceiveNetBufferLists");
    (void)NdisFilterHandle;
    (void)NetBufferLists;
    (void)PortNumber;
    (void)NumberOfNetBufferLists;
    (void)ReceiveFlags;
}

VOID NdisFIndicateStatus(NDIS_HANDLE NdisFilterHandle, PNDIS_STATUS_INDICATION StatusIndication)
{
    NkNdisUnimplemented("NdisFIndicateStatus");
    (void)NdisFilterHandle;
    (void)StatusIndication;
}

NDIS_STATUS NdisFNetPnPEvent(NDIS_HANDLE NdisFilterHandle, PNET_PNP_EVENT_NOTIFICATION NetPnPEventNotification)
{
    NkNdisUnimplemented("NdisFNetPnPEvent");
    (void)NdisFilterHandle;
    (void)NetPnPEventNotification;
    return NDIS_STATUS_NOT_SUPPORTED;
}

NDIS_STATUS NdisFOidRequest(NDIS_HANDLE NdisFilterHandle, PNDIS_OID_REQUEST OidRequest)
{
    NkNdisUnimplemented("NdisFOidRequest");
    (void)NdisFilterHandle;
    (void)OidRequest;
    return NDIS_STATUS_NOT_SUPPORTED;
}

VOID NdisFOidRequestComplete(NDIS_HANDLE NdisFilterHandle, PNDIS_OID_REQUEST OidRequest, NDIS_STATUS Status)
{
    NkNdisUnimplemented("NdisFOidRequestComplete");
    (void)NdisFilterHandle;
    (void)OidRequest;
    (void)Status;
}

VOID NdisFPauseComplete(NDIS_HANDLE NdisFilterHandle)
{
    NkNdisUnimplemented("NdisFPauseComplete");
    (void)NdisFilterHandle;
}

NDIS_STATUS NdisFRegisterFilterDriver(PDRIVER_OBJECT DriverObject, NDIS_HANDLE FilterDriverContext, PNDIS_FILTER_DRIVER_CHARACTERISTICS FilterDriverCharacteristics, PNDIS_HANDLE NdisFilterDriverHandle)
{
    *NdisFilterDriverHandle = NULL;
    NkNdisUnimplemented("NdisFRegisterFilterDriver");
    (void)DriverObject;
    (void)FilterDriverContext;
    (void)FilterDriverCharacteristics;
    (void)NdisFilterDriverHandle;
    return NDIS_STATUS_NOT_SUPPORTED;
}

VOID NdisFRestartComplete(NDIS_HANDLE NdisFilterHandle, NDIS_STATUS Status)
{
    NkNdisUnimplemented("NdisFRestartComplete");
    (void)NdisFilterHandle;
    (void)Status;
}

NDIS_STATUS NdisFRestartFilter(NDIS_HANDLE NdisFilterHandle)
{
    NkNdisUnimplemented("NdisFRestartFilter");
    (void)NdisFilterHandle;
    return NDIS_STATUS_NOT_SUPPORTED;
}

VOID NdisFReturnNetBufferLists(NDIS_HANDLE NdisFilterHandle, PNET_BUFFER_LIST NetBufferLists, ULONG ReturnFlags)
{
    NkNdisUnimplemented("NdisFReturnNetBufferLists");
    (void)NdisFilterHandle;
    (void)NetBufferLists;
    (void)ReturnFlags;
}

VOID NdisFSendNetBufferLists(NDIS_HANDLE NdisFilterHandle, PNET_BUFFER_LIST NetBufferList, NDIS_PORT_NUMBER PortNumber, ULONG SendFlags)
{
    NkNdisUnimplemented("NdisFSendNetBufferLists");
    (void)NdisFilterHandle;
    (void)NetBufferList;
    (void)PortNumber;
    (void)SendFlags;
}

VOID NdisFSendNetBufferListsComplete(NDIS_HANDLE NdisFilterHandle, PNET_BUFFER_LIST NetBufferList, ULONG SendCompleteFlags)
{
    NkNdisUnimplemented("NdisFSendNetBufferListsComplete");
    (void)NdisFilterHandle;
    (void)NetBufferList;
    (void)SendCompleteFlags;
}

NDIS_STATUS NdisFSetAttributes(NDIS_HANDLE NdisFilterHandle, NDIS_HANDLE FilterModuleContext, PNDIS_FILTER_ATTRIBUTES FilterAttributes)
{
    NkNdisUnimplemented("NdisFSetAttributes");
    (void)NdisFilterHandle;
    (void)FilterModuleContext;
    (void)FilterAttributes;
    return NDIS_STATUS_NOT_SUPPORTED;
}

NDIS_STATUS NdisRegisterDeviceEx(NDIS_HANDLE NdisHandle, PNDIS_DEVICE_OBJECT_ATTRIBUTES DeviceObjectAttributes, PDEVICE_OBJECT *pDeviceObject, PNDIS_HANDLE NdisDeviceHandle)
{
    *pDeviceObject = NULL;
    *NdisDeviceHandle = NULL;
    NkNdisUnimplemented("NdisRegisterDeviceEx");
    (void)NdisHandle;
    (void)DeviceObjectAttributes;
    (void)pDeviceObject;
    (void)NdisDeviceHandle;
    return NDIS_STATUS_NOT_SUPPORTED;
}

VOID NdisDeregisterDeviceEx(NDIS_HANDLE NdisDeviceHandle)
{
    NkNdisUnimplemented("NdisDeregisterDeviceEx");
    (void)NdisDeviceHandle;
}

PVOID NdisGetDeviceReservedExtension(PDEVICE_OBJECT DeviceObject)
{
    NkNdisUnimplemented("NdisGetDeviceReservedExtension");
    (void)DeviceObject;
    return NULL;
}
