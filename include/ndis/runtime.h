/*
 * ndis/runtime.h - the NDIS support library every driver type uses: memory,
 * configuration, spin locks, events, mutexes, timers, work items, device
 * objects, time and version.  Part of <ndis.h>.
 */
#ifndef NDISKIT_NDIS_RUNTIME_H
#define NDISKIT_NDIS_RUNTIME_H

#ifndef NDISKIT_NDIS_H
#error "include <ndis.h>, not <ndis/runtime.h>"
#endif

/* ------------------------------------------------------------------------
 * Memory.
 */

/* MemoryFlags of NdisFreeMemory (how NdisAllocateMemory allocated it). */
#define NDIS_MEMORY_CONTIGUOUS 0x00000001
#define NDIS_MEMORY_NONCACHED  0x00000002

/* Non-paged pool; NULL on failure. */
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI PVOID NdisAllocateMemoryWithTagPriority(
    _In_ NDIS_HANDLE NdisHandle, _In_ UINT Length, _In_ ULONG Tag,
    _In_ EX_POOL_PRIORITY Priority);

/* The older form: non-paged pool into *VirtualAddress (NULL on failure),
 * NDIS_STATUS_SUCCESS or NDIS_STATUS_FAILURE.  Free with
 * NdisFreeMemory(p, 0, 0). */
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI NDIS_STATUS NdisAllocateMemoryWithTag(_At_(*VirtualAddress, __drv_allocatesMem(Mem))
                                              _Outptr_result_bytebuffer_(Length) PVOID *VirtualAddress,
                                              _In_ UINT Length, _In_ ULONG Tag);

/* MemoryFlags is 0 for memory from NdisAllocateMemoryWithTag[Priority]. */
_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI VOID NdisFreeMemory(_In_ PVOID VirtualAddress, _In_ UINT Length, _In_ UINT MemoryFlags);

#if NDIS_SUPPORT_NDIS620
_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI VOID NdisFreeMemoryWithTagPriority(_In_ NDIS_HANDLE NdisHandle,
                                           _In_ PVOID VirtualAddress, _In_ ULONG Tag);
#endif

#define NdisZeroMemory(Destination, Length)          RtlZeroMemory((Destination), (Length))
#define NdisFillMemory(Destination, Length, Fill)    RtlFillMemory((Destination), (Length), (Fill))
#define NdisMoveMemory(Destination, Source, Length)  RtlCopyMemory((Destination), (Source), (Length))
#define NdisEqualMemory(Source1, Source2, Length)    RtlEqualMemory((Source1), (Source2), (Length))

#define NdisInitUnicodeString(Destination, Source)   RtlInitUnicodeString((Destination), (Source))
#define NdisEqualUnicodeString(String1, String2, CaseInsensitive) \
    RtlEqualUnicodeString((String1), (String2), (CaseInsensitive))

/* ------------------------------------------------------------------------
 * Interlocked helpers.
 */
#define NdisInterlockedIncrement(Addend)        InterlockedIncrement(Addend)
#define NdisInterlockedDecrement(Addend)        InterlockedDecrement(Addend)

/* ------------------------------------------------------------------------
 * Generic objects.
 */
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI PNDIS_GENERIC_OBJECT NdisAllocateGenericObject(
    _In_opt_ PDRIVER_OBJECT DriverObject, _In_ ULONG Tag, _In_ USHORT Size);

_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI VOID NdisFreeGenericObject(_In_ PNDIS_GENERIC_OBJECT NdisObject);

/* ------------------------------------------------------------------------
 * Configuration (the driver's or adapter's registry parameters).
 */
_Must_inspect_result_ _IRQL_requires_(PASSIVE_LEVEL)
NDISAPI NDIS_STATUS NdisOpenConfigurationEx(_In_ PNDIS_CONFIGURATION_OBJECT ConfigObject,
                                            _Out_ PNDIS_HANDLE ConfigurationHandle);

_IRQL_requires_(PASSIVE_LEVEL)
NDISAPI VOID NdisOpenConfigurationKeyByName(_Out_ PNDIS_STATUS Status,
                                            _In_ NDIS_HANDLE ConfigurationHandle,
                                            _In_ PNDIS_STRING SubKeyName,
                                            _Out_ PNDIS_HANDLE SubKeyHandle);

_IRQL_requires_(PASSIVE_LEVEL)
NDISAPI VOID NdisOpenConfigurationKeyByIndex(_Out_ PNDIS_STATUS Status,
                                             _In_ NDIS_HANDLE ConfigurationHandle,
                                             _In_ ULONG Index, _Out_ PNDIS_STRING KeyName,
                                             _Out_ PNDIS_HANDLE KeyHandle);

/* *ParameterValue stays valid until NdisCloseConfiguration. */
_IRQL_requires_(PASSIVE_LEVEL)
NDISAPI VOID NdisReadConfiguration(_Out_ PNDIS_STATUS Status,
                                   _Out_ PNDIS_CONFIGURATION_PARAMETER *ParameterValue,
                                   _In_ NDIS_HANDLE ConfigurationHandle,
                                   _In_ PNDIS_STRING Keyword,
                                   _In_ NDIS_PARAMETER_TYPE ParameterType);

_IRQL_requires_(PASSIVE_LEVEL)
NDISAPI VOID NdisWriteConfiguration(_Out_ PNDIS_STATUS Status,
                                    _In_ NDIS_HANDLE WrapperConfigurationContext,
                                    _In_ PNDIS_STRING Keyword,
                                    _In_ PNDIS_CONFIGURATION_PARAMETER ParameterValue);

_IRQL_requires_(PASSIVE_LEVEL)
NDISAPI VOID NdisCloseConfiguration(_In_ NDIS_HANDLE ConfigurationHandle);

/* A miniport's NetworkAddress parameter (the address an administrator set
 * to override the permanent one), as bytes valid until the handle is
 * closed; NDIS_STATUS_FAILURE if there is none or it is malformed. */
_IRQL_requires_(PASSIVE_LEVEL)
NDISAPI VOID NdisReadNetworkAddress(_Out_ PNDIS_STATUS Status, _Outptr_ PVOID *NetworkAddress,
                                    _Out_ PUINT NetworkAddressLength,
                                    _In_ NDIS_HANDLE ConfigurationHandle);

/* ------------------------------------------------------------------------
 * Spin locks.  NdisAcquireSpinLock raises to DISPATCH_LEVEL and saves the
 * previous IRQL in the lock; the Dpr variants are for callers already at
 * DISPATCH_LEVEL and leave the IRQL alone.
 */
_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI VOID NdisAllocateSpinLock(_Out_ PNDIS_SPIN_LOCK SpinLock);

_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI VOID NdisFreeSpinLock(_In_ PNDIS_SPIN_LOCK SpinLock);

_IRQL_requires_max_(DISPATCH_LEVEL) _IRQL_raises_(DISPATCH_LEVEL)
NDISAPI VOID NdisAcquireSpinLock(_Inout_ PNDIS_SPIN_LOCK SpinLock);

_IRQL_requires_(DISPATCH_LEVEL)
NDISAPI VOID NdisReleaseSpinLock(_Inout_ PNDIS_SPIN_LOCK SpinLock);

_IRQL_requires_(DISPATCH_LEVEL)
NDISAPI VOID NdisDprAcquireSpinLock(_Inout_ PNDIS_SPIN_LOCK SpinLock);

_IRQL_requires_(DISPATCH_LEVEL)
NDISAPI VOID NdisDprReleaseSpinLock(_Inout_ PNDIS_SPIN_LOCK SpinLock);

/* ------------------------------------------------------------------------
 * Events (notification events; waiting requires PASSIVE_LEVEL).
 */
_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI VOID NdisInitializeEvent(_Out_ PNDIS_EVENT Event);

_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI VOID NdisSetEvent(_Inout_ PNDIS_EVENT Event);

_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI VOID NdisResetEvent(_Inout_ PNDIS_EVENT Event);

/* MsToWait 0 waits forever; returns TRUE if the event was signalled. */
_When_(MsToWait != 0, _Check_return_) _IRQL_requires_(PASSIVE_LEVEL)
NDISAPI BOOLEAN NdisWaitEvent(_In_ PNDIS_EVENT Event, _In_ UINT MsToWait);

/* ------------------------------------------------------------------------
 * Mutexes: kernel mutexes, waited for without a timeout at PASSIVE_LEVEL.
 */
#define NDIS_INIT_MUTEX(_M)     KeInitializeMutex((_M), 0xFFFF)
#define NDIS_WAIT_FOR_MUTEX(_M) \
    KeWaitForSingleObject((PVOID)(_M), Executive, KernelMode, FALSE, (PLARGE_INTEGER)NULL)
#define NDIS_RELEASE_MUTEX(_M)  KeReleaseMutex((_M), FALSE)

/* ------------------------------------------------------------------------
 * Timer objects.  DueTime is in 100 ns units, negative for relative time;
 * a non-zero MillisecondsPeriod makes the timer periodic.
 */
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI NDIS_STATUS NdisAllocateTimerObject(
    _In_ NDIS_HANDLE NdisHandle, _In_ PNDIS_TIMER_CHARACTERISTICS TimerCharacteristics,
    _Out_ PNDIS_HANDLE pTimerObject);

/* Returns TRUE if the timer was already queued (and is now re-armed). */
_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI BOOLEAN NdisSetTimerObject(_In_ NDIS_HANDLE TimerObject, _In_ LARGE_INTEGER DueTime,
                                   _In_opt_ LONG MillisecondsPeriod,
                                   _In_opt_ PVOID FunctionContext);

/* Returns TRUE if the timer was queued and has been removed from the queue. */
_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI BOOLEAN NdisCancelTimerObject(_In_ NDIS_HANDLE TimerObject);

_IRQL_requires_(PASSIVE_LEVEL)
NDISAPI VOID NdisFreeTimerObject(_In_ NDIS_HANDLE TimerObject);

/* ------------------------------------------------------------------------
 * Work items (run at PASSIVE_LEVEL in a system thread).
 */
typedef _IRQL_requires_(PASSIVE_LEVEL) _Function_class_(NDIS_IO_WORKITEM_FUNCTION)
VOID NDIS_IO_WORKITEM_FUNCTION(_In_opt_ PVOID WorkItemContext, _In_ NDIS_HANDLE NdisIoWorkItemHandle);
typedef NDIS_IO_WORKITEM_FUNCTION *NDIS_IO_WORKITEM_ROUTINE;

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI NDIS_HANDLE NdisAllocateIoWorkItem(_In_ NDIS_HANDLE NdisObjectHandle);

_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI VOID NdisQueueIoWorkItem(_In_ NDIS_HANDLE NdisIoWorkItemHandle,
                                 _In_ NDIS_IO_WORKITEM_ROUTINE Routine,
                                 _In_opt_ PVOID WorkItemContext);

_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI VOID NdisFreeIoWorkItem(_In_ NDIS_HANDLE NdisIoWorkItemHandle);

/* ------------------------------------------------------------------------
 * Device objects for user-mode access (filters, miniports and, through
 * a generic object handle, protocols).
 */
_Must_inspect_result_ _IRQL_requires_(PASSIVE_LEVEL)
NDISAPI NDIS_STATUS NdisRegisterDeviceEx(
    _In_ NDIS_HANDLE NdisHandle, _In_ PNDIS_DEVICE_OBJECT_ATTRIBUTES DeviceObjectAttributes,
    _Out_ PDEVICE_OBJECT *pDeviceObject, _Out_ PNDIS_HANDLE NdisDeviceHandle);

_IRQL_requires_(PASSIVE_LEVEL)
NDISAPI VOID NdisDeregisterDeviceEx(_In_ NDIS_HANDLE NdisDeviceHandle);

/* The ExtensionSize bytes reserved for the driver in such a device object. */
_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI PVOID NdisGetDeviceReservedExtension(_In_ PDEVICE_OBJECT DeviceObject);

/* ------------------------------------------------------------------------
 * Time, delays, error log and version.
 */

/* Milliseconds since boot, as a LARGE_INTEGER. */
_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI VOID NdisGetSystemUpTimeEx(_Out_ PLARGE_INTEGER pSystemUpTime);

/* Sleeps (PASSIVE_LEVEL only); the resolution is the system clock tick. */
_IRQL_requires_(PASSIVE_LEVEL)
NDISAPI VOID NdisMSleep(_In_ ULONG MicrosecondsToSleep);

/* Busy-waits; keep it to a few tens of microseconds. */
#define NdisStallExecution(MicroSecondsToStall) KeStallExecutionProcessor(MicroSecondsToStall)

_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI VOID __cdecl NdisWriteErrorLogEntry(_In_ NDIS_HANDLE NdisAdapterHandle,
                                            _In_ NDIS_ERROR_CODE ErrorCode,
                                            _In_ ULONG NumberOfErrorValues, ...);

/* An entry in the system event log: EventCode (an NDIS_STATUS or the
 * driver's message ID), NumStrings NUL-terminated WCHAR strings one after
 * another in StringsList, DataSize bytes of binary data.  LogHandle is the
 * driver object or a miniport adapter handle. */
_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI NDIS_STATUS NdisWriteEventLogEntry(_In_ PVOID LogHandle, _In_ NDIS_STATUS EventCode,
                                           _In_ ULONG UniqueEventValue, _In_ USHORT NumStrings,
                                           _In_opt_ PVOID StringsList, _In_ ULONG DataSize,
                                           _In_reads_bytes_opt_(DataSize) PVOID Data);

/* The running NDIS version: major in the high word (see NDIS_RUNTIME_VERSION_*). */
_IRQL_requires_max_(DISPATCH_LEVEL)
NDISAPI UINT NdisGetVersion(VOID);

#endif /* NDISKIT_NDIS_RUNTIME_H */
