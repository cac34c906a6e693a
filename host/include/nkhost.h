/*
 * nkhost.h - the host kernel's own interface: what tests and the
 * `ndiskit host run` process use to start it, inspect it and provoke
 * faults, and what the host kernel's parts (NT core, KMDF, NDIS) share.
 * Driver code never includes this; it sees only the WDK-named DDIs.
 *
 * Verifier: a misuse the documentation forbids (a wait at DISPATCH_LEVEL,
 * a double free, an NBL returned twice, a leak at unload, ...) is reported
 * through NkHostViolation.  By default a violation is fatal to the test
 * (it prints the message with the caller and aborts); a test that
 * provokes a misuse on purpose arms NkHostExpectViolations() first and then
 * checks NkHostViolationCount() and NkHostLastViolation().  Host kernel
 * code never continues into undefined behaviour after reporting: it returns
 * the failure status Windows would (or a safe no-op) instead.
 */
#ifndef NDISKIT_NKHOST_H
#define NDISKIT_NKHOST_H

#include <ntddk.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- lifetime ---------------------------------------------------------- */

/* Resets all host-kernel state (pool, verifier, fault injection, log). */
VOID NkHostReset(VOID);

/* Reports leaks (pool allocations, objects, handles) still live, as
 * violations; returns how many there were.  Call after the driver unloaded. */
SIZE_T NkHostCheckLeaks(VOID);

/* ---- verifier ---------------------------------------------------------- */

/* Reports a misuse.  Rule is a short stable identifier tests match on
 * (e.g. "irql.wait-above-apc", "pool.double-free", "ndis.nbl-returned-twice"). */
VOID NkHostViolation(_In_z_ const char *Rule, _In_z_ _Printf_format_string_ const char *Format, ...)
    __attribute__((format(printf, 2, 3)));

/* Makes violations non-fatal and counted until the next NkHostReset. */
VOID NkHostExpectViolations(VOID);
SIZE_T NkHostViolationCount(VOID);
/* The Rule of the most recent violation, or NULL. */
const char *NkHostLastViolation(VOID);
/* Number of violations of one rule since the last reset. */
SIZE_T NkHostViolationCountOf(_In_z_ const char *Rule);

/* IRQL checks used at the top of host DDIs: report "irql.*" and return
 * FALSE when the calling thread's emulated IRQL is above Max. */
BOOLEAN NkHostCheckIrqlMax(_In_ KIRQL Max, _In_z_ const char *Ddi);

/* Object-manager references the host kernel holds on Object (a device or
 * driver object passed to IoCreateSystemThread, a thread object, ...). */
LONG NkHostObjectReferences(_In_ PVOID Object);

/* ---- interleaving explorer ---------------------------------------------------
 *
 * NkHostRunInterleaved runs Count actions (at most 16) on their own threads
 * but one at a time: at each schedule point (spin lock acquire/release,
 * waits, the NDIS DDIs a protocol calls, each NDIS callback the host
 * delivers) the running action hands over to one the seed chooses.  The
 * same seed replays the same interleaving; *Trace (optional) is a hash of
 * its decisions.  Returns the number of decisions.  A violation during a
 * run names the seed.  Every action waiting on another is reported as
 * sched.deadlock.
 *
 *     for (ULONG64 seed = 0; NkHostNextSeed(&seed, 32);)
 *         NkHostRunInterleaved(seed, actions, contexts, 3, NULL);
 *
 * NkHostNextSeed steps through seeds 1..N: N is DefaultCount, or
 * $NDISKIT_SEEDS (`make stress` raises it); $NDISKIT_SEED=S runs only S. */
typedef VOID NK_HOST_ACTION(_In_opt_ PVOID Context);
ULONG64 NkHostRunInterleaved(_In_ ULONG64 Seed, _In_reads_(Count) NK_HOST_ACTION *const *Actions,
                             _In_reads_opt_(Count) PVOID const *Contexts, _In_ ULONG Count,
                             _Out_opt_ ULONG64 *Trace);
BOOLEAN NkHostNextSeed(_Inout_ ULONG64 *Seed, _In_ ULONG64 DefaultCount);

/* ---- fault injection --------------------------------------------------- */

/* Fault sites, counted separately. */
typedef enum _NK_FAULT_SITE {
    NkFaultPoolAllocation = 0,  /* ExAllocatePool*, WDF object/memory creation */
    NkFaultNdisOpen,            /* NdisOpenAdapterEx */
    NkFaultNdisOid,             /* OID requests */
    NkFaultSiteMax
} NK_FAULT_SITE;

/* Fail the Nth (1-based) operation at Site from now on; 0 disarms. */
VOID NkHostFailNth(_In_ NK_FAULT_SITE Site, _In_ ULONG64 N);
/* Called by the host kernel at each site: TRUE means "fail this one". */
BOOLEAN NkHostShouldFail(_In_ NK_FAULT_SITE Site);
/* How many operations happened at Site since the last reset (for sweeps). */
ULONG64 NkHostFaultSiteCount(_In_ NK_FAULT_SITE Site);

/* ---- user-mode I/O against the loaded driver's devices -------------------
 *
 * What a user-mode program does with CreateFile/DeviceIoControl/ReadFile/
 * WriteFile/CancelIo/CloseHandle, as the I/O manager would deliver it to a
 * KMDF driver: buffered I/O (one system buffer, copied in before and out
 * after, Information bytes at most).  Names: L"\\Device\\X" or the
 * symbolic link L"\\\\.\\X".  The synchronous calls block until the
 * driver completes the request; the ...Async ones return an NK_HOST_IO to
 * wait on or cancel.  Statuses are the NTSTATUS the driver completed with.
 */
typedef struct _NK_HOST_IO NK_HOST_IO;

NTSTATUS NkHostCreateFile(_In_z_ PCWSTR Name, _Out_ HANDLE *Handle);
NTSTATUS NkHostCloseHandle(_In_ HANDLE Handle);
NTSTATUS NkHostDeviceIoControl(_In_ HANDLE Handle, _In_ ULONG IoControlCode,
                               _In_reads_bytes_opt_(InputLength) const VOID *Input, _In_ ULONG InputLength,
                               _Out_writes_bytes_opt_(OutputLength) PVOID Output, _In_ ULONG OutputLength,
                               _Out_opt_ ULONG *BytesReturned);
NTSTATUS NkHostReadFile(_In_ HANDLE Handle, _Out_writes_bytes_(Length) PVOID Buffer, _In_ ULONG Length,
                        _Out_opt_ ULONG *BytesRead);
NTSTATUS NkHostWriteFile(_In_ HANDLE Handle, _In_reads_bytes_(Length) const VOID *Buffer, _In_ ULONG Length,
                         _Out_opt_ ULONG *BytesWritten);
NTSTATUS NkHostDeviceIoControlAsync(_In_ HANDLE Handle, _In_ ULONG IoControlCode,
                                    _In_reads_bytes_opt_(InputLength) const VOID *Input, _In_ ULONG InputLength,
                                    _Out_writes_bytes_opt_(OutputLength) PVOID Output, _In_ ULONG OutputLength,
                                    _Out_ NK_HOST_IO **Io);
NTSTATUS NkHostReadFileAsync(_In_ HANDLE Handle, _Out_writes_bytes_(Length) PVOID Buffer, _In_ ULONG Length,
                             _Out_ NK_HOST_IO **Io);
NTSTATUS NkHostWriteFileAsync(_In_ HANDLE Handle, _In_reads_bytes_(Length) const VOID *Buffer, _In_ ULONG Length,
                              _Out_ NK_HOST_IO **Io);
/* Waits up to TimeoutMs (MAXULONG: forever) for Io.  STATUS_TIMEOUT: still
 * pending (Io stays valid); otherwise Io is finished and freed. */
NTSTATUS NkHostWaitIo(_In_ NK_HOST_IO *Io, _In_ ULONG TimeoutMs, _Out_opt_ ULONG *Bytes);
/* Requests cancellation of Io (as CancelIoEx); wait for it afterwards. */
VOID NkHostCancelIo(_In_ NK_HOST_IO *Io);

/* ---- NDIS: in-memory Ethernet adapters ------------------------------------
 *
 * Adding an adapter binds every registered protocol to it before it
 * returns (and a protocol registered later is bound to every adapter from
 * a host thread: NkHostWaitBinds).  What protocols send on it is
 * captured, oldest first, for NkHostAdapterCapture; NkHostAdapterInject
 * indicates a received frame to every open, running binding (with
 * Resources, NDIS_RECEIVE_FLAGS_RESOURCES: the protocol must copy it
 * before returning).  Removing an adapter unbinds everything from it.
 */
typedef struct _NK_HOST_ADAPTER NK_HOST_ADAPTER;

NTSTATUS NkHostAddAdapter(_In_z_ PCWSTR Name, _In_reads_(6) const UCHAR *Mac, _In_ ULONG Mtu,
                          _Out_ NK_HOST_ADAPTER **Adapter);
/* An adapter backed by the Linux interface IfName (an AF_PACKET socket;
 * needs CAP_NET_RAW): STATUS_ACCESS_DENIED without it. */
NTSTATUS NkHostAddPacketAdapter(_In_z_ PCSTR IfName, _Out_ NK_HOST_ADAPTER **Adapter);
/* The name NkHostAddPacketAdapter gives IfName's adapter,
 * "\DEVICE\{NKPACKET-IfName}", in Name (Capacity WCHARs);
 * STATUS_NAME_TOO_LONG if it does not fit. */
NTSTATUS NkHostPacketAdapterName(_In_z_ PCSTR IfName, _Out_writes_(Capacity) PWCHAR Name, _In_ ULONG Capacity);
/* An adapter's key below a protocol's Parameters\Adapters (where
 * NdisOpenConfigurationEx opens a binding's configuration): the last
 * component of its name, "{GUID}" of "\DEVICE\{GUID}"; a pointer into
 * AdapterName. */
PCWSTR NkHostAdapterKeyName(_In_z_ PCWSTR AdapterName);
VOID NkHostRemoveAdapter(_In_ NK_HOST_ADAPTER *Adapter);
NTSTATUS NkHostAdapterInject(_In_ NK_HOST_ADAPTER *Adapter, _In_reads_bytes_(Length) const VOID *Frame,
                             _In_ ULONG Length, _In_ BOOLEAN Resources);
/* Joins two in-memory adapters with a wire: what is sent on one is
 * received on the other (A == B: a loopback), delivered asynchronously by
 * a host thread, as from the receive path of a real NIC.  Frames on a wire
 * are not captured.  Removing either adapter cuts the wire. */
NTSTATUS NkHostConnectAdapters(_In_ NK_HOST_ADAPTER *A, _In_ NK_HOST_ADAPTER *B);
/* Waits until every frame sent on Adapter's wire so far has been delivered
 * (the wire's receive indications included), so a test can tell what
 * arrived from what is still on its way. */
VOID NkHostWaitWire(_In_ NK_HOST_ADAPTER *Adapter);
/* Copies the oldest captured frame into Buffer; returns its length (0: none). */
ULONG NkHostAdapterCapture(_In_ NK_HOST_ADAPTER *Adapter, _Out_writes_bytes_(Length) PVOID Buffer, _In_ ULONG Length);
/* Binds are delivered as on Windows: NdisRegisterProtocolDriver queues a
 * bind to every adapter (then NetEventBindsComplete) for a host thread,
 * and may return before or after they run.  NkHostWaitBinds waits until
 * every queued bind has been delivered (a bind the protocol pended
 * included).  Called from an interleaving-explorer action, it delivers
 * the binds that actions queued on the calling thread: so a scenario puts
 * NkHostWaitBinds in its own action to explore registration racing the
 * first bind.  (NkHostAddAdapter binds before it returns.) */
VOID NkHostWaitBinds(VOID);
/* Holds the bind thread (Hold TRUE) until NkHostHoldBinds(FALSE) or
 * NkHostWaitBinds: binds a registration queues meanwhile wait.  `ndiskit
 * host run` holds them while the driver's entry point runs, the order
 * Windows shows in practice (NDIS's bind worker starts after the loading
 * thread has left DriverEntry), although NDIS documents that binds may come
 * at once - the explorer still delivers them in both orders.  Microsoft's
 * ndisprot sample, for one, initialises its list of opens after
 * NdisRegisterProtocolDriver returns.  NkHostReset releases the hold. */
VOID NkHostHoldBinds(_In_ BOOLEAN Hold);
NTSTATUS NkHostPauseAdapter(_In_ NK_HOST_ADAPTER *Adapter);
NTSTATUS NkHostRestartAdapter(_In_ NK_HOST_ADAPTER *Adapter);
NTSTATUS NkHostBindsComplete(_In_ NK_HOST_ADAPTER *Adapter);
/* Any other network PnP event (NetEventSetPower with a
 * NET_DEVICE_POWER_STATE, NetEventQueryRemoveDevice, ...) to every bound
 * binding of the adapter, Buffer passed as NET_PNP_EVENT.Buffer; the
 * worst status the protocols returned (pended events are waited for). */
NTSTATUS NkHostIndicatePnpEvent(_In_ NK_HOST_ADAPTER *Adapter, _In_ ULONG Code /* a NET_PNP_EVENT_CODE */,
                                _In_reads_bytes_opt_(Length) PVOID Buffer, _In_ ULONG Length);
/* Pend-OIDs mode: NdisOidRequest returns NDIS_STATUS_PENDING; the requests
 * complete (through ProtocolOidRequestComplete) when the test calls
 * NkHostCompleteOids, which returns how many it completed. */
VOID NkHostSetAdapterPendOids(_In_ NK_HOST_ADAPTER *Adapter, _In_ BOOLEAN Pend);
/* Pend-opens mode: NdisOpenAdapterEx and NdisCloseAdapterEx on this adapter
 * return NDIS_STATUS_PENDING and complete (ProtocolOpenAdapterCompleteEx,
 * ProtocolCloseAdapterCompleteEx) on another thread, as NDIS does when it
 * must wait for the miniport. */
VOID NkHostSetAdapterPendOpens(_In_ NK_HOST_ADAPTER *Adapter, _In_ BOOLEAN Pend);
ULONG NkHostCompleteOids(_In_ NK_HOST_ADAPTER *Adapter);
/* How many OID requests the adapter holds now (pend-OIDs mode). */
ULONG NkHostAdapterHeldOids(_In_ NK_HOST_ADAPTER *Adapter);
/* Pend-sends mode: NdisSendNetBufferLists holds the NBLs (a busy NIC);
 * NkHostCompleteSends transmits and completes them (returns how many),
 * NdisCancelSendNetBufferLists completes those with the cancel ID with
 * NDIS_STATUS_SEND_ABORTED, and a pause of the binding aborts the rest. */
VOID NkHostSetAdapterPendSends(_In_ NK_HOST_ADAPTER *Adapter, _In_ BOOLEAN Pend);
ULONG NkHostCompleteSends(_In_ NK_HOST_ADAPTER *Adapter);
/* A status indication (e.g. NDIS_STATUS_LINK_STATE) to every open binding. */
VOID NkHostIndicateStatus(_In_ NK_HOST_ADAPTER *Adapter, _In_ NTSTATUS StatusCode /* an NDIS_STATUS */,
                          _In_reads_bytes_opt_(Length) PVOID Buffer, _In_ ULONG Length);
/* The packet filter protocols last set (OID_GEN_CURRENT_PACKET_FILTER). */
ULONG NkHostAdapterPacketFilter(_In_ NK_HOST_ADAPTER *Adapter);

/* ---- miniport drivers ------------------------------------------------------
 *
 * The host kernel's miniport edge.  A miniport instance is an adapter like
 * the ones above: protocols bind to it, its sends reach the driver's
 * MiniportSendNetBufferLists, and what the driver indicates with
 * NdisMIndicateReceiveNetBufferLists reaches every open whose filter
 * accepts it.  Instances come from two places:
 *   - an intermediate driver's virtual miniports: the driver calls
 *     NdisIMInitializeDeviceInstanceEx with a device instance name
 *     ("\Device\{GUID}", as in its UpperBindings) and the host starts the
 *     instance (MiniportInitializeEx) on its own thread, as PnP would;
 *   - a physical (non-IM) miniport driver: a test or `ndiskit host run`
 *     starts an instance with NkHostStartMiniport, as PnP does for a device.
 * Either way the adapter's name is the device instance name, and what
 * NdisOpenConfigurationEx opens for the NdisMiniportHandle is the
 * instance's key in the network class:
 *     NK_HOST_NET_CLASS_KEY L"\\" <last component of the instance name>
 * (e.g. ...\{4d36e972-...}\{GUID} for "\Device\{GUID}"), where its INF's
 * parameters (VlanID, NetworkAddress, ...) live.
 *
 * On a miniport adapter NkHostPauseAdapter pauses the bindings first, then
 * the miniport (MiniportPause; it completes once every NBL the driver
 * indicated is returned and every send completed); NkHostRestartAdapter
 * restarts the miniport first, then the bindings; NkHostRemoveAdapter
 * unbinds the protocols, pauses and halts the driver (MiniportHaltEx with
 * NdisHaltDeviceDisabled).  The pend-OIDs/sends/opens modes and the
 * capture ring are the in-memory adapter's: a miniport adapter's sends
 * and OIDs go to its driver, one OID at a time.  Misuse by the driver is
 * reported under "ndis.miniport.*" (host/ndis/miniport.c lists the rules).
 */
#define NK_HOST_NET_CLASS_KEY \
    L"\\Registry\\Machine\\System\\CurrentControlSet\\Control\\Class\\{4d36e972-e325-11ce-bfc1-08002be10318}"
/* Starts an instance of the registered miniport driver whose service name
 * (the last component of the RegistryPath it registered with) is
 * DriverName, named InstanceName; returns once MiniportInitializeEx has
 * succeeded (the instance is then Paused), the host has restarted it
 * (MiniportRestart: a stack starts bottom up, so the miniport runs before
 * any binding does) and offered it to the registered protocols (binds
 * follow as for any adapter).  STATUS_OBJECT_NAME_NOT_FOUND: no such driver;
 * STATUS_OBJECT_NAME_COLLISION: an adapter of that name exists; otherwise the
 * status MiniportInitializeEx failed with. */
NTSTATUS NkHostStartMiniport(_In_z_ PCWSTR DriverName, _In_z_ PCWSTR InstanceName, _Out_ NK_HOST_ADAPTER **Adapter);
/* The adapter named Name (any kind; case-insensitive), or NULL. */
NK_HOST_ADAPTER *NkHostFindAdapter(_In_z_ PCWSTR Name);

/* ---- loading drivers --------------------------------------------------------
 *
 * Before dlopen: every function the driver .so imports (its undefined,
 * non-weak dynamic symbols) that this process does not export, reported
 * once each through Callback, sorted by module ("ntoskrnl.exe", "hal.dll",
 * "ndis.sys", "wdfldr.sys" from the lib/imports .def files; "(unknown)" for a name
 * in none of them) and then by name.  Returns STATUS_SUCCESS if nothing is
 * missing, STATUS_PROCEDURE_NOT_FOUND (with *MissingCount) if something
 * is, STATUS_OBJECT_NAME_NOT_FOUND / STATUS_INVALID_IMAGE_FORMAT if the
 * file is absent or not an x86-64 ELF shared object.  The look-up is
 * dlsym(RTLD_DEFAULT): the caller must export the host kernel (as
 * `ndiskit` does: whole archive, -rdynamic).  Module is a static string;
 * Name is valid only during the callback (copy it to keep it).  To print a
 * heading first, call once with a NULL Callback for the count. */
typedef VOID NK_HOST_MISSING_IMPORT(_In_z_ const char *Module, _In_z_ const char *Name, _In_opt_ PVOID Context);
NTSTATUS NkHostListMissingImports(_In_z_ const char *SoPath, _In_opt_ NK_HOST_MISSING_IMPORT *Callback,
                                  _In_opt_ PVOID Context, _Out_opt_ ULONG *MissingCount);

/* ---- registry -------------------------------------------------------------
 *
 * The host kernel's registry is in memory and empty after NkHostReset.  A
 * test seeds what the driver will read (e.g. its Parameters key,
 * L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\X\\Parameters",
 * below the RegistryPath it passes to DriverEntry) and checks what it wrote.
 * KMDF's WDFKEYs and NDIS configuration handles are keys of this one
 * registry: NdisOpenConfigurationEx opens
 * ...\Services\<Protocol>\Parameters for a protocol driver handle and
 * ...\Services\<Protocol>\Parameters\Adapters\<last component of the
 * adapter name, e.g. {GUID}> for a binding handle.
 * Types are the REG_* values; keys are created as needed.  Query returns
 * STATUS_BUFFER_OVERFLOW (with *ResultLength) if Length is too small.
 */
NTSTATUS NkHostRegistrySetValue(_In_z_ PCWSTR KeyPath, _In_z_ PCWSTR ValueName, _In_ ULONG Type,
                                _In_reads_bytes_opt_(Length) const VOID *Data, _In_ ULONG Length);
NTSTATUS NkHostRegistryQueryValue(_In_z_ PCWSTR KeyPath, _In_z_ PCWSTR ValueName, _Out_opt_ ULONG *Type,
                                  _Out_writes_bytes_opt_(Length) PVOID Data, _In_ ULONG Length,
                                  _Out_opt_ ULONG *ResultLength);

/* ---- KMDF DDI coverage ----------------------------------------------------
 *
 * NkHostDdiCoverage calls Callback once per KMDF function-table slot, in
 * table order, with what the host knows of it: its name, its area (the WDK
 * header that declares it), the KMDF 1.x version that added it, whether the
 * host kernel implements it, and how many times drivers called it since
 * the last NkHostReset (calls to unimplemented slots count too: each was
 * also reported as wdf.unimplemented).  Returns the number of slots.
 */
typedef struct _NK_HOST_DDI_COVERAGE {
    const char *Name;
    const char *Area;
    ULONG Since;
    BOOLEAN Implemented;
    ULONG64 Calls;
} NK_HOST_DDI_COVERAGE;
typedef VOID NK_HOST_DDI_COVERAGE_CALLBACK(_In_ const NK_HOST_DDI_COVERAGE *Ddi, _In_opt_ PVOID Context);
ULONG NkHostDdiCoverage(_In_ NK_HOST_DDI_COVERAGE_CALLBACK *Callback, _In_opt_ PVOID Context);

/* ---- log ----------------------------------------------------------------- */

/* DbgPrint/DbgPrintEx output goes to the log (and to stderr when the
 * environment variable NDISKIT_HOST_DBGPRINT=1).  Returns TRUE if a line
 * containing Needle was logged since the last reset. */
BOOLEAN NkHostLogContains(_In_z_ const char *Needle);

#ifdef __cplusplus
}
#endif

#endif /* NDISKIT_NKHOST_H */
