/*
 * nt_internal.h - what the host kernel's NT core files share.  Not for
 * driver code (drivers see <ntddk.h>) nor for tests (they see <nkhost.h>).
 */
#ifndef NDISKIT_HOST_NT_INTERNAL_H
#define NDISKIT_HOST_NT_INTERNAL_H

#define _GNU_SOURCE 1
#include <ntddk.h>
#include <nkhost.h>

#include <pthread.h>

/* The emulated IRQL of the calling thread (PASSIVE_LEVEL for new threads). */
KIRQL NkIrqlGet(VOID);
VOID NkIrqlSet(KIRQL Irql);

/*
 * Dispatcher objects (events, mutexes, threads) share one lock and one
 * condition variable: every signal broadcasts and every waiter rechecks
 * its own object.  Simple and obviously correct, which matters more here
 * than the throughput of a real scheduler.
 */
extern pthread_mutex_t NkDispatcherLock;
extern pthread_cond_t NkDispatcherCond;

/* Called with NkDispatcherLock held: TRUE if Object is signalled for the
 * calling thread, consuming the signal where the object type says so. */
BOOLEAN NkDispatcherTryAcquire(PDISPATCHER_HEADER Object);

/* Dispatcher Type values (DISPATCHER_HEADER.Type), as the NT kernel uses. */
#define NK_OBJ_NOTIFICATION_EVENT   0
#define NK_OBJ_SYNCHRONIZATION_EVENT 1
#define NK_OBJ_MUTANT               2
#define NK_OBJ_THREAD               6
#define NK_OBJ_TIMER_NOTIFICATION   8
#define NK_OBJ_TIMER_SYNCHRONIZATION 9

/* Appends one line to the DbgPrint log. */
VOID NkLogAppend(_In_z_ const char *Line);
VOID NkLogReset(VOID);

/* Pool and thread state resets, for NkHostReset. */
VOID NkPoolReset(VOID);
SIZE_T NkPoolReportLeaks(VOID);
VOID NkFaultReset(VOID);
SIZE_T NkThreadsReportLeaks(VOID);

/* Timers, DPCs and work items (timer.c): the leak report, the reset, and
 * the check every free of driver memory makes that it holds no armed
 * timer or queued DPC (What names the freeing DDI). */
SIZE_T NkTimersReportLeaks(VOID);
VOID NkTimersReset(VOID);
VOID NkTimersCheckFree(PVOID Base, SIZE_T Size, const char *What);

/* The KMDF part's state (kmdf/): leak report and reset. */
/* registry.c: the in-memory registry the framework layers open keys in.
 * Name is relative to Parent, or absolute ("\\Registry\\...") without one. */
#ifndef STATUS_KEY_DELETED
#define STATUS_KEY_DELETED ((NTSTATUS)0xC000017CL)
#endif
#ifndef STATUS_CANNOT_DELETE
#define STATUS_CANNOT_DELETE ((NTSTATUS)0xC0000121L)
#endif
typedef struct _NK_REG_KEY NK_REG_KEY;
NTSTATUS NkRegOpenKey(_In_opt_ NK_REG_KEY *Parent, _In_ PCUNICODE_STRING Name, _In_ BOOLEAN Create,
                      _Out_ NK_REG_KEY **Key, _Out_opt_ BOOLEAN *Created);
VOID NkRegCloseKey(_In_ NK_REG_KEY *Key);
NTSTATUS NkRegDeleteKey(_In_ NK_REG_KEY *Key);
NTSTATUS NkRegSetValue(_In_ NK_REG_KEY *Key, _In_ PCUNICODE_STRING Name, _In_ ULONG Type,
                       _In_reads_bytes_opt_(Length) const VOID *Data, _In_ ULONG Length);
/* STATUS_BUFFER_OVERFLOW (with *Needed, *Type) when Length is too small. */
NTSTATUS NkRegQueryValue(_In_ NK_REG_KEY *Key, _In_ PCUNICODE_STRING Name, _Out_opt_ ULONG *Type,
                         _Out_writes_bytes_opt_(Length) PVOID Data, _In_ ULONG Length, _Out_opt_ ULONG *Needed);
NTSTATUS NkRegDeleteValue(_In_ NK_REG_KEY *Key, _In_ PCUNICODE_STRING Name);
/* The Index-th (0-based) direct sub-key's name (NUL-terminated) into Name;
 * STATUS_NO_MORE_ENTRIES past the last, STATUS_BUFFER_OVERFLOW if it does
 * not fit in NameChars. */
NTSTATUS NkRegEnumerateKey(_In_ NK_REG_KEY *Key, _In_ ULONG Index, _Out_writes_(NameChars) WCHAR *Name,
                           _In_ ULONG NameChars);
VOID NkRegReset(VOID);

SIZE_T NkWdfReportLeaks(VOID);
VOID NkWdfReset(VOID);
/* The NDIS part's (ndis/). */
SIZE_T NkNdisReportLeaks(VOID);
VOID NkNdisReset(VOID);
/* NDIS's bind thread quiet (queued binds dropped, one in progress
 * finished): first in NkHostReset, before the driver's objects go. */
VOID NkNdisDrainBinds(VOID);

/* The interleaving explorer (sched.c).  NkSchedPoint: a place where the
 * running action may hand over to another - call it only where the host
 * kernel holds none of its own locks.  NkSchedPoll: "I cannot proceed yet"
 * (a wait or a contended spin lock) - gives the turn away, or yields the
 * CPU when no exploration is running.  NkSchedActiveSeed: the seed being
 * explored, 0 if none. */
VOID NkSchedPoint(VOID);
VOID NkSchedPoll(VOID);
BOOLEAN NkSchedControlled(VOID);
ULONG64 NkSchedActiveSeed(VOID);

/* The critical-region depth of the calling thread (KeEnterCriticalRegion). */
LONG NkCriticalRegionDepth(VOID);

#endif
