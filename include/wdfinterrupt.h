/*
 * wdfinterrupt.h - framework interrupt objects.  Part of <wdf.h>.
 * Declared for completeness of the configuration ABI; ndiskit's drivers
 * have no hardware.
 */
#ifndef NDISKIT_WDFINTERRUPT_H
#define NDISKIT_WDFINTERRUPT_H

#ifndef NDISKIT_WDF_H
#error "include <wdf.h>, not <wdfinterrupt.h>"
#endif

typedef _Function_class_(EVT_WDF_INTERRUPT_ISR) _IRQL_requires_min_(DISPATCH_LEVEL + 1)
BOOLEAN EVT_WDF_INTERRUPT_ISR(_In_ WDFINTERRUPT Interrupt, _In_ ULONG MessageID);
typedef EVT_WDF_INTERRUPT_ISR *PFN_WDF_INTERRUPT_ISR;

typedef _Function_class_(EVT_WDF_INTERRUPT_DPC) _IRQL_requires_(DISPATCH_LEVEL)
VOID EVT_WDF_INTERRUPT_DPC(_In_ WDFINTERRUPT Interrupt, _In_ WDFOBJECT AssociatedObject);
typedef EVT_WDF_INTERRUPT_DPC *PFN_WDF_INTERRUPT_DPC;

typedef _Function_class_(EVT_WDF_INTERRUPT_ENABLE) _IRQL_requires_min_(DISPATCH_LEVEL + 1)
NTSTATUS EVT_WDF_INTERRUPT_ENABLE(_In_ WDFINTERRUPT Interrupt, _In_ WDFDEVICE AssociatedDevice);
typedef EVT_WDF_INTERRUPT_ENABLE *PFN_WDF_INTERRUPT_ENABLE;

typedef _Function_class_(EVT_WDF_INTERRUPT_DISABLE) _IRQL_requires_min_(DISPATCH_LEVEL + 1)
NTSTATUS EVT_WDF_INTERRUPT_DISABLE(_In_ WDFINTERRUPT Interrupt, _In_ WDFDEVICE AssociatedDevice);
typedef EVT_WDF_INTERRUPT_DISABLE *PFN_WDF_INTERRUPT_DISABLE;

typedef _Function_class_(EVT_WDF_INTERRUPT_WORKITEM) _IRQL_requires_(PASSIVE_LEVEL)
VOID EVT_WDF_INTERRUPT_WORKITEM(_In_ WDFINTERRUPT Interrupt, _In_ WDFOBJECT AssociatedObject);
typedef EVT_WDF_INTERRUPT_WORKITEM *PFN_WDF_INTERRUPT_WORKITEM;

typedef _Function_class_(EVT_WDF_INTERRUPT_SYNCHRONIZE) _IRQL_requires_min_(DISPATCH_LEVEL + 1)
BOOLEAN EVT_WDF_INTERRUPT_SYNCHRONIZE(_In_ WDFINTERRUPT Interrupt, _In_ WDFCONTEXT Context);
typedef EVT_WDF_INTERRUPT_SYNCHRONIZE *PFN_WDF_INTERRUPT_SYNCHRONIZE;

typedef struct _WDF_INTERRUPT_CONFIG {
    ULONG Size;
    WDFSPINLOCK SpinLock;
    WDF_TRI_STATE ShareVector;
    BOOLEAN FloatingSave;
    BOOLEAN AutomaticSerialization;
    PFN_WDF_INTERRUPT_ISR EvtInterruptIsr;
    PFN_WDF_INTERRUPT_DPC EvtInterruptDpc;
    PFN_WDF_INTERRUPT_ENABLE EvtInterruptEnable;
    PFN_WDF_INTERRUPT_DISABLE EvtInterruptDisable;
    PFN_WDF_INTERRUPT_WORKITEM EvtInterruptWorkItem;
    PCM_PARTIAL_RESOURCE_DESCRIPTOR InterruptRaw;
    PCM_PARTIAL_RESOURCE_DESCRIPTOR InterruptTranslated;
    WDFWAITLOCK WaitLock;
    BOOLEAN PassiveHandling;
    WDF_TRI_STATE ReportInactiveOnPowerDown;
    BOOLEAN CanWakeDevice;
} WDF_INTERRUPT_CONFIG, *PWDF_INTERRUPT_CONFIG;

FORCEINLINE VOID WDF_INTERRUPT_CONFIG_INIT(_Out_ PWDF_INTERRUPT_CONFIG Configuration,
                                           _In_ PFN_WDF_INTERRUPT_ISR EvtInterruptIsr,
                                           _In_opt_ PFN_WDF_INTERRUPT_DPC EvtInterruptDpc)
{
    RtlZeroMemory(Configuration, sizeof(WDF_INTERRUPT_CONFIG));
    Configuration->Size = sizeof(WDF_INTERRUPT_CONFIG);
    Configuration->ShareVector = WdfUseDefault;
    Configuration->EvtInterruptIsr = EvtInterruptIsr;
    Configuration->EvtInterruptDpc = EvtInterruptDpc;
    Configuration->ReportInactiveOnPowerDown = WdfUseDefault;
}

/* BEGIN GENERATED DDIs: scripts/gen-wdf-ddis from scripts/wdf-ddis.txt. */

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFINTERRUPTCREATE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFDEVICE Device,
    _In_ PWDF_INTERRUPT_CONFIG Configuration,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES Attributes,
    _Out_ WDFINTERRUPT *Interrupt);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfInterruptCreate(
    _In_ WDFDEVICE Device,
    _In_ PWDF_INTERRUPT_CONFIG Configuration,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES Attributes,
    _Out_ WDFINTERRUPT *Interrupt)
{
    return ((PFN_WDFINTERRUPTCREATE)WdfFunctions[WdfInterruptCreateTableIndex])(WdfDriverGlobals, Device, Configuration, Attributes, Interrupt);
}

typedef _IRQL_requires_max_(HIGH_LEVEL) WDFAPI BOOLEAN (NTAPI *PFN_WDFINTERRUPTQUEUEDPCFORISR)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFINTERRUPT Interrupt);

_IRQL_requires_max_(HIGH_LEVEL)
FORCEINLINE BOOLEAN WdfInterruptQueueDpcForIsr(
    _In_ WDFINTERRUPT Interrupt)
{
    return ((PFN_WDFINTERRUPTQUEUEDPCFORISR)WdfFunctions[WdfInterruptQueueDpcForIsrTableIndex])(WdfDriverGlobals, Interrupt);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI BOOLEAN (NTAPI *PFN_WDFINTERRUPTSYNCHRONIZE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFINTERRUPT Interrupt,
    _In_ PFN_WDF_INTERRUPT_SYNCHRONIZE Callback,
    _In_ WDFCONTEXT Context);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE BOOLEAN WdfInterruptSynchronize(
    _In_ WDFINTERRUPT Interrupt,
    _In_ PFN_WDF_INTERRUPT_SYNCHRONIZE Callback,
    _In_ WDFCONTEXT Context)
{
    return ((PFN_WDFINTERRUPTSYNCHRONIZE)WdfFunctions[WdfInterruptSynchronizeTableIndex])(WdfDriverGlobals, Interrupt, Callback, Context);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFINTERRUPTACQUIRELOCK)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFINTERRUPT Interrupt);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfInterruptAcquireLock(
    _In_ WDFINTERRUPT Interrupt)
{
    ((PFN_WDFINTERRUPTACQUIRELOCK)WdfFunctions[WdfInterruptAcquireLockTableIndex])(WdfDriverGlobals, Interrupt);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFINTERRUPTRELEASELOCK)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFINTERRUPT Interrupt);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfInterruptReleaseLock(
    _In_ WDFINTERRUPT Interrupt)
{
    ((PFN_WDFINTERRUPTRELEASELOCK)WdfFunctions[WdfInterruptReleaseLockTableIndex])(WdfDriverGlobals, Interrupt);
}

typedef _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFINTERRUPTENABLE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFINTERRUPT Interrupt);

_IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE VOID WdfInterruptEnable(
    _In_ WDFINTERRUPT Interrupt)
{
    ((PFN_WDFINTERRUPTENABLE)WdfFunctions[WdfInterruptEnableTableIndex])(WdfDriverGlobals, Interrupt);
}

typedef _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFINTERRUPTDISABLE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFINTERRUPT Interrupt);

_IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE VOID WdfInterruptDisable(
    _In_ WDFINTERRUPT Interrupt)
{
    ((PFN_WDFINTERRUPTDISABLE)WdfFunctions[WdfInterruptDisableTableIndex])(WdfDriverGlobals, Interrupt);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI WDFDEVICE (NTAPI *PFN_WDFINTERRUPTGETDEVICE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFINTERRUPT Interrupt);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE WDFDEVICE WdfInterruptGetDevice(
    _In_ WDFINTERRUPT Interrupt)
{
    return ((PFN_WDFINTERRUPTGETDEVICE)WdfFunctions[WdfInterruptGetDeviceTableIndex])(WdfDriverGlobals, Interrupt);
}

/* END GENERATED DDIs */

#endif /* NDISKIT_WDFINTERRUPT_H */
