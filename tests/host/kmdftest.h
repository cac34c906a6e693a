/*
 * kmdftest.h - what the small KMDF test drivers share (kmdftest.c): a
 * non-PnP driver with one named control device and a default queue.
 */
#ifndef KMDFTEST_H
#define KMDFTEST_H

#include <ntddk.h>
#include <wdf.h>

/* WdfDriverCreate for a non-PnP driver (no EvtDriverDeviceAdd): what every
 * control-device test driver starts with. */
NTSTATUS KmdfTestCreateDriver(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath,
                              _Out_ WDFDRIVER *Driver);

/* KmdfTestCreateDriver, a control device named Name (admin-only
 * SDDL) with IoType, its default queue from QueueConfig, and
 * WdfControlFinishInitializing.  *Device and *Queue are optional. */
NTSTATUS KmdfTestCreateControlDevice(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath,
                                     _In_ PCUNICODE_STRING Name, _In_ WDF_DEVICE_IO_TYPE IoType,
                                     _In_ PWDF_IO_QUEUE_CONFIG QueueConfig, _Out_opt_ WDFDEVICE *Device,
                                     _Out_opt_ WDFQUEUE *Queue);

#endif
