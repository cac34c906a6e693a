/*
 * stub.c - ndiskit's KMDF entry stub: the image entry point of a KMDF
 * driver, in place of the WDK's WdfDriverEntry.lib.
 *
 * A KMDF driver does not import WdfDriverCreate and friends; it calls them
 * through WdfFunctions, a table the framework fills in.  Before the
 * driver's DriverEntry may run, this stub asks the KMDF loader
 * (wdfldr.sys) to bind it to the installed framework:
 *
 *   FxDriverEntry(DriverObject, RegistryPath)       <- /ENTRY of the image
 *     WdfVersionBind(.., &WdfBindInfo, &WdfDriverGlobals)
 *         the loader loads Wdf01000.sys, checks that it has at least
 *         WdfFunctionTableNumEntries DDIs (the count is the driver's
 *         minimum KMDF version), stores its table pointer in WdfFunctions
 *         and returns this driver's globals
 *     DriverEntry(DriverObject, RegistryPath)        <- the driver's own
 *     if the framework asks (DisplaceDriverUnload), put FxStubUnload in
 *     front of the driver's unload routine so unbinding happens last
 *
 * Compiled into each KMDF driver with that driver's KMDF_VERSION_MINOR
 * (ndiskit_add_driver(... KMDF 15)), because the table's symbol name and
 * size are per version.  The host kernel exports the same WdfVersionBind,
 * so this file runs unchanged in host tests.
 */
#include <ntddk.h>
#include <wdf.h>
#include <wdfldr.h>

/* Pool tag "NKsb" (bytes in memory order, as a pool dump shows it). */
#define NK_STUB_TAG ((ULONG)'N' | ((ULONG)'K' << 8) | ((ULONG)'s' << 16) | ((ULONG)'b' << 24))

/* The driver's own entry point, called once bound. */
DRIVER_INITIALIZE DriverEntry;
DRIVER_INITIALIZE FxDriverEntry;
static DRIVER_UNLOAD FxStubUnload;

/* The globals <wdf.h> references.  The loader writes WdfFunctions through
 * WdfBindInfo.FuncTable and fills WdfDriverGlobals. */
PWDF_DRIVER_GLOBALS WdfDriverGlobals;
const WDFFUNC *WdfFunctions;
ULONG WdfFunctionCount = WdfFunctionTableNumEntries;
ULONG WdfStructureCount = WDF_STRUCTURE_TABLE_NUM_ENTRIES;
BOOLEAN WdfClientVersionHigherThanFramework;

static WCHAR FxStubComponent[] = L"KmdfLibrary";

static WDF_BIND_INFO WdfBindInfo = {
    sizeof(WDF_BIND_INFO),
    FxStubComponent,
    {KMDF_VERSION_MAJOR, KMDF_VERSION_MINOR, 0},
    WdfFunctionTableNumEntries,
    (WDFFUNC *)&WdfFunctions,
    NULL,
};

/* WdfVersionUnbind needs the registry path again at unload, when the
 * I/O manager's copy is gone, so the stub keeps its own. */
static UNICODE_STRING FxStubRegistryPath;
static PDRIVER_UNLOAD FxStubOriginalUnload;

_IRQL_requires_(PASSIVE_LEVEL)
static NTSTATUS FxStubSaveRegistryPath(_In_ PCUNICODE_STRING RegistryPath)
{
    USHORT bytes = RegistryPath->Length;

    FxStubRegistryPath.Buffer = (PWCH)ExAllocatePoolWithTag(NonPagedPoolNx, (SIZE_T)bytes + sizeof(WCHAR),
                                                            NK_STUB_TAG);
    if (FxStubRegistryPath.Buffer == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    RtlCopyMemory(FxStubRegistryPath.Buffer, RegistryPath->Buffer, bytes);
    FxStubRegistryPath.Buffer[bytes / sizeof(WCHAR)] = L'\0';
    FxStubRegistryPath.Length = bytes;
    FxStubRegistryPath.MaximumLength = (USHORT)(bytes + sizeof(WCHAR));
    return STATUS_SUCCESS;
}

static VOID FxStubFreeRegistryPath(VOID)
{
    if (FxStubRegistryPath.Buffer != NULL)
        ExFreePoolWithTag(FxStubRegistryPath.Buffer, NK_STUB_TAG);
    RtlZeroMemory(&FxStubRegistryPath, sizeof(FxStubRegistryPath));
}

/* Runs the driver's unload (or the framework's, which calls the driver's
 * EvtDriverUnload), then unbinds: nothing may call a DDI after this. */
_IRQL_requires_(PASSIVE_LEVEL)
static VOID FxStubUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    if (FxStubOriginalUnload != NULL)
        FxStubOriginalUnload(DriverObject);
    WdfVersionUnbind(&FxStubRegistryPath, &WdfBindInfo, (PWDF_COMPONENT_GLOBALS)WdfDriverGlobals);
    FxStubFreeRegistryPath();
}

_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS FxDriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    NTSTATUS status;

    /* Loaded as a crash-dump or boot-time helper with no driver object:
     * there is nothing to bind, the driver handles it itself. */
    if (DriverObject == NULL)
        return DriverEntry(DriverObject, RegistryPath);

    status = FxStubSaveRegistryPath(RegistryPath);
    if (!NT_SUCCESS(status))
        return status;

    status = WdfVersionBind(DriverObject, &FxStubRegistryPath, &WdfBindInfo,
                            (PWDF_COMPONENT_GLOBALS *)&WdfDriverGlobals);
    if (!NT_SUCCESS(status)) {
        DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL,
                   "ndiskit: WdfVersionBind(KMDF 1.%u, %u DDIs) failed: 0x%08x\n",
                   (unsigned)KMDF_VERSION_MINOR, (unsigned)WdfFunctionTableNumEntries,
                   (unsigned)status);
        goto out_free;
    }

    status = DriverEntry(DriverObject, RegistryPath);
    if (!NT_SUCCESS(status))
        goto out_unbind;

    /* The stub unbinds after the driver's unload, whoever owns it: the
     * framework's (DisplaceDriverUnload), the driver's own, or - for an
     * NDIS miniport, whose WdfDriverInitNoDispatchOverride leaves the
     * dispatch table to NDIS - the one NdisMRegisterMiniportDriver
     * installed, which calls MiniportDriverUnload (and it
     * WdfDriverMiniportUnload).  Without this a miniport-mode driver never
     * unbinds and its copy of the registry path leaks at every unload.  A
     * driver left with no unload routine stays unloadable. */
    if (WdfDriverGlobals->DisplaceDriverUnload || DriverObject->DriverUnload != NULL) {
        FxStubOriginalUnload = DriverObject->DriverUnload;
        DriverObject->DriverUnload = FxStubUnload;
    }
    return STATUS_SUCCESS;

out_unbind:
    WdfVersionUnbind(&FxStubRegistryPath, &WdfBindInfo, (PWDF_COMPONENT_GLOBALS)WdfDriverGlobals);
out_free:
    FxStubFreeRegistryPath();
    return status;
}
