/*
 * kmdftest.c - the control-device set-up the KMDF test drivers share.
 */
#include "kmdftest.h"

#include <wdmsec.h>

NTSTATUS KmdfTestCreateDriver(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath, WDFDRIVER *Driver)
{
    WDF_DRIVER_CONFIG config;

    WDF_DRIVER_CONFIG_INIT(&config, WDF_NO_EVENT_CALLBACK);
    config.DriverInitFlags |= WdfDriverInitNonPnpDriver;
    return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config, Driver);
}

NTSTATUS KmdfTestCreateControlDevice(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath, PCUNICODE_STRING Name,
                                     WDF_DEVICE_IO_TYPE IoType, PWDF_IO_QUEUE_CONFIG QueueConfig, WDFDEVICE *Device,
                                     WDFQUEUE *Queue)
{
    WDFDRIVER driver;
    PWDFDEVICE_INIT init;
    WDFDEVICE device;
    WDFQUEUE queue;
    NTSTATUS status;

    status = KmdfTestCreateDriver(DriverObject, RegistryPath, &driver);
    if (!NT_SUCCESS(status))
        return status;
    init = WdfControlDeviceInitAllocate(driver, &SDDL_DEVOBJ_SYS_ALL_ADM_ALL);
    if (init == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    WdfDeviceInitSetIoType(init, IoType);
    status = WdfDeviceInitAssignName(init, Name);
    if (NT_SUCCESS(status))
        status = WdfDeviceCreate(&init, WDF_NO_OBJECT_ATTRIBUTES, &device);
    if (init != NULL)
        WdfDeviceInitFree(init);
    if (!NT_SUCCESS(status))
        return status;
    status = WdfIoQueueCreate(device, QueueConfig, WDF_NO_OBJECT_ATTRIBUTES, &queue);
    if (!NT_SUCCESS(status))
        return status;
    if (Device != NULL)
        *Device = device;
    if (Queue != NULL)
        *Queue = queue;
    WdfControlFinishInitializing(device);
    return STATUS_SUCCESS;
}
