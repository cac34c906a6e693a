/*
 * missing_helper.c - a driver whose own helper was left out of its build:
 * `ndiskit host run` must blame the driver's build, not the host kernel
 * (tests/host/hostrun_load.py).
 */
#include <ntddk.h>

NTSTATUS NkTestHelperLeftOut(PDRIVER_OBJECT DriverObject);

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    return NkTestHelperLeftOut(DriverObject);
}
