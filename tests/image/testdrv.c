/*
 * testdrv.c - a small WDM driver whose image has every kind of section the
 * image tool must handle: .text/.rdata/.data (must be non-paged), a PAGE
 * code section (must stay pageable), an INIT section (must be discardable)
 * and, when linked with retplne.s, a .retplne linker-info section.  It is
 * built by tests/image/build_images.py with lld-link 14, 19 and 22; it is
 * never loaded.
 */
#include <ntddk.h>

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD TestUnload;

static volatile LONG TestCounter = 1;
static const char TestBanner[] = "ndiskit image test driver";

/* Non-paged: dispatch routines may run at DISPATCH_LEVEL. */
static NTSTATUS NTAPI TestDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = (ULONG_PTR)InterlockedIncrement(&TestCounter);
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

/* An absolute address in .data, so the image carries base relocations. */
static PDRIVER_DISPATCH volatile TestDispatchTable[] = { TestDispatch };

/* Pageable: runs only at PASSIVE_LEVEL. */
__declspec(code_seg("PAGE"))
static VOID NTAPI TestUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    InterlockedDecrement(&TestCounter);
}

/* Discardable: DriverEntry runs once. */
__declspec(code_seg("INIT"))
NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = TestUnload;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = TestDispatchTable[0];
    DbgPrint("%s\n", TestBanner);
    return InterlockedIncrement(&TestCounter) > 0 ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}
