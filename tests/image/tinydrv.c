/*
 * tinydrv.c - a driver with no absolute address anywhere, so lld-link
 * (14, 19, 22) writes no base relocation directory at all, RELOCS_STRIPPED
 * clear: the Vista+ loader loads it anywhere (image_check.c, RELOCS-NONE).
 * Built by tests/image/build_images.py; never loaded.
 */
#include <ntddk.h>

DRIVER_INITIALIZE DriverEntry;

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    return STATUS_SUCCESS;
}
