/*
 * thread.c - system threads and the object references that keep things
 * alive while they run.
 *
 * A thread object is a dispatcher object (signalled when the thread has
 * exited, so KeWaitForSingleObject on it joins) with a reference count:
 * the handle PsCreateSystemThread returns holds one, the running thread
 * holds one, and ObReferenceObjectByHandle adds more.  IoCreateSystemThread
 * additionally references the driver or device object it is given until
 * the thread exits - the guarantee that lets a driver's unload wait for
 * its threads instead of being unmapped under them.
 *
 * References on objects the host kernel did not create (a test's device
 * object) are kept in a side table; NkHostObjectReferences reads it.
 */
#include "nt_internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NK_THREAD_MAGIC 0x4E4B544852454144ull /* "NKTHREAD" */

typedef struct _NK_THREAD {
    DISPATCHER_HEADER Header;   /* first: the object is waitable */
    ULONG64 Magic;
    LONG References;
    BOOLEAN HandleOpen;
    PKSTART_ROUTINE Start;
    PVOID Context;
    PVOID IoObject;             /* referenced until exit (IoCreateSystemThread) */
    LIST_ENTRY Link;
} NK_THREAD;

static pthread_mutex_t ObLock = PTHREAD_MUTEX_INITIALIZER;
static LIST_ENTRY Threads = {&Threads, &Threads};

/* Side table of references on foreign objects. */
#define NK_MAX_FOREIGN 256
static struct {
    PVOID Object;
    LONG References;
} Foreign[NK_MAX_FOREIGN];

static _Thread_local NK_THREAD *CurrentThread;

static NK_THREAD *FindThread(PVOID Object)
{
    for (PLIST_ENTRY e = Threads.Flink; e != &Threads; e = e->Flink)
        if (CONTAINING_RECORD(e, NK_THREAD, Link) == Object)
            return (NK_THREAD *)Object;
    return NULL;
}

/* With ObLock held: drop one reference; frees the thread object at 0. */
static VOID ThreadDereferenceLocked(NK_THREAD *t)
{
    if (--t->References == 0) {
        RemoveEntryList(&t->Link);
        t->Magic = 0;
        free(t);
    }
}

static LONG_PTR ForeignAdjust(PVOID Object, LONG Delta, const char *Ddi)
{
    LONG_PTR result = -1;
    ULONG freeSlot = NK_MAX_FOREIGN;

    for (ULONG i = 0; i < NK_MAX_FOREIGN; i++) {
        if (Foreign[i].Object == Object) {
            if (Foreign[i].References + Delta < 0) {
                pthread_mutex_unlock(&ObLock);
                NkHostViolation("ob.dereference-unreferenced", "%s(%p): no reference to drop", Ddi, Object);
                pthread_mutex_lock(&ObLock);
                return 0;
            }
            Foreign[i].References += Delta;
            result = Foreign[i].References;
            if (Foreign[i].References == 0)
                Foreign[i].Object = NULL;
            return result;
        }
        if (Foreign[i].Object == NULL && freeSlot == NK_MAX_FOREIGN)
            freeSlot = i;
    }
    if (Delta < 0) {
        pthread_mutex_unlock(&ObLock);
        NkHostViolation("ob.dereference-unreferenced", "%s(%p): no reference to drop", Ddi, Object);
        pthread_mutex_lock(&ObLock);
        return 0;
    }
    if (freeSlot == NK_MAX_FOREIGN)
        return -1;
    Foreign[freeSlot].Object = Object;
    Foreign[freeSlot].References = Delta;
    return Delta;
}

LONG_PTR FASTCALL ObfReferenceObject(PVOID Object)
{
    LONG_PTR n;
    NK_THREAD *t;
    pthread_mutex_lock(&ObLock);
    t = FindThread(Object);
    n = t != NULL ? ++t->References : ForeignAdjust(Object, +1, "ObReferenceObject");
    pthread_mutex_unlock(&ObLock);
    return n;
}

LONG_PTR FASTCALL ObfDereferenceObject(PVOID Object)
{
    LONG_PTR n;
    NK_THREAD *t;
    NkHostCheckIrqlMax(DISPATCH_LEVEL, "ObDereferenceObject");
    pthread_mutex_lock(&ObLock);
    t = FindThread(Object);
    if (t != NULL) {
        n = t->References - 1;
        ThreadDereferenceLocked(t);
    } else {
        n = ForeignAdjust(Object, -1, "ObDereferenceObject");
    }
    pthread_mutex_unlock(&ObLock);
    return n;
}

LONG NkHostObjectReferences(PVOID Object)
{
    LONG n = 0;
    NK_THREAD *t;
    pthread_mutex_lock(&ObLock);
    t = FindThread(Object);
    if (t != NULL) {
        n = t->References;
    } else {
        for (ULONG i = 0; i < NK_MAX_FOREIGN; i++)
            if (Foreign[i].Object == Object)
                n = Foreign[i].References;
    }
    pthread_mutex_unlock(&ObLock);
    return n;
}

/* Runs when the thread's start routine returns or it calls
 * PsTerminateSystemThread: check it left things as it found them, signal
 * waiters, release what it held. */
static VOID ThreadExit(NK_THREAD *t)
{
    PVOID io;

    if (NkIrqlGet() != PASSIVE_LEVEL)
        NkHostViolation("thread.exit-irql", "system thread exited at IRQL %u", NkIrqlGet());
    if (NkCriticalRegionDepth() != 0)
        NkHostViolation("thread.exit-critical-region", "system thread exited inside %ld critical region(s)",
                        (long)NkCriticalRegionDepth());
    /* Signal, release the I/O object and drop the thread's own reference
     * as one step under ObLock: a waiter that wakes on the signal and then
     * dereferences, or checks for leaks, takes ObLock and so sees all three
     * done - never a thread object or device reference still "in flight". */
    pthread_mutex_lock(&ObLock);
    pthread_mutex_lock(&NkDispatcherLock);
    t->Header.SignalState = 1;
    pthread_cond_broadcast(&NkDispatcherCond);
    pthread_mutex_unlock(&NkDispatcherLock);
    io = t->IoObject;
    t->IoObject = NULL;
    if (io != NULL)
        ForeignAdjust(io, -1, "IoCreateSystemThread exit");
    ThreadDereferenceLocked(t); /* the running thread's own reference */
    pthread_mutex_unlock(&ObLock);
}

static void *ThreadMain(void *Arg)
{
    NK_THREAD *t = Arg;
    CurrentThread = t;
    NkIrqlSet(PASSIVE_LEVEL);
    t->Start(t->Context);
    ThreadExit(t);
    return NULL;
}

static NTSTATUS CreateThread(PVOID IoObject, PHANDLE ThreadHandle, PKSTART_ROUTINE StartRoutine,
                             PVOID StartContext, PCLIENT_ID ClientId, const char *Ddi)
{
    NK_THREAD *t;
    pthread_t tid;
    pthread_attr_t attr;

    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, Ddi))
        return STATUS_INVALID_DEVICE_STATE;
    if (NkHostShouldFail(NkFaultPoolAllocation))
        return STATUS_INSUFFICIENT_RESOURCES;
    t = calloc(1, sizeof(*t));
    if (t == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    t->Header.Type = NK_OBJ_THREAD;
    InitializeListHead(&t->Header.WaitListHead);
    t->Magic = NK_THREAD_MAGIC;
    t->References = 2; /* the handle, and the running thread */
    t->HandleOpen = TRUE;
    t->Start = StartRoutine;
    t->Context = StartContext;
    t->IoObject = IoObject;
    if (IoObject != NULL)
        ObfReferenceObject(IoObject);
    pthread_mutex_lock(&ObLock);
    InsertTailList(&Threads, &t->Link);
    pthread_mutex_unlock(&ObLock);

    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&tid, &attr, ThreadMain, t) != 0) {
        pthread_attr_destroy(&attr);
        if (IoObject != NULL)
            ObfDereferenceObject(IoObject);
        pthread_mutex_lock(&ObLock);
        RemoveEntryList(&t->Link);
        pthread_mutex_unlock(&ObLock);
        free(t);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    pthread_attr_destroy(&attr);
    if (ClientId != NULL) {
        ClientId->UniqueProcess = (HANDLE)(ULONG_PTR)4; /* the System process */
        ClientId->UniqueThread = (HANDLE)t;
    }
    *ThreadHandle = (HANDLE)t;
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI PsCreateSystemThread(PHANDLE ThreadHandle, ULONG DesiredAccess,
                                    POBJECT_ATTRIBUTES ObjectAttributes, HANDLE ProcessHandle,
                                    PCLIENT_ID ClientId, PKSTART_ROUTINE StartRoutine, PVOID StartContext)
{
    (void)DesiredAccess;
    (void)ObjectAttributes;
    (void)ProcessHandle;
    return CreateThread(NULL, ThreadHandle, StartRoutine, StartContext, ClientId, "PsCreateSystemThread");
}

NTSTATUS NTAPI IoCreateSystemThread(PVOID IoObject, PHANDLE ThreadHandle, ULONG DesiredAccess,
                                    POBJECT_ATTRIBUTES ObjectAttributes, HANDLE ProcessHandle,
                                    PCLIENT_ID ClientId, PKSTART_ROUTINE StartRoutine, PVOID StartContext)
{
    (void)DesiredAccess;
    (void)ObjectAttributes;
    (void)ProcessHandle;
    if (IoObject == NULL) {
        NkHostViolation("thread.no-io-object", "IoCreateSystemThread without a driver or device object");
        return STATUS_INVALID_PARAMETER;
    }
    return CreateThread(IoObject, ThreadHandle, StartRoutine, StartContext, ClientId,
                        "IoCreateSystemThread");
}

NTSTATUS NTAPI PsTerminateSystemThread(NTSTATUS ExitStatus)
{
    (void)ExitStatus;
    if (CurrentThread == NULL) {
        NkHostViolation("thread.terminate-foreign", "PsTerminateSystemThread outside a system thread");
        return STATUS_INVALID_PARAMETER;
    }
    ThreadExit(CurrentThread);
    pthread_exit(NULL);
}

NTSTATUS NTAPI ObReferenceObjectByHandle(HANDLE Handle, ACCESS_MASK DesiredAccess, POBJECT_TYPE ObjectType,
                                         KPROCESSOR_MODE AccessMode, PVOID *Object,
                                         PVOID HandleInformation)
{
    NK_THREAD *t;
    (void)DesiredAccess;
    (void)ObjectType;
    (void)AccessMode;
    (void)HandleInformation;
    *Object = NULL;
    pthread_mutex_lock(&ObLock);
    t = FindThread(Handle);
    if (t == NULL || !t->HandleOpen) {
        pthread_mutex_unlock(&ObLock);
        return STATUS_INVALID_HANDLE;
    }
    t->References++;
    pthread_mutex_unlock(&ObLock);
    *Object = t;
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI ZwClose(HANDLE Handle)
{
    NK_THREAD *t;
    if (!NkHostCheckIrqlMax(PASSIVE_LEVEL, "ZwClose"))
        return STATUS_INVALID_DEVICE_STATE;
    pthread_mutex_lock(&ObLock);
    t = FindThread(Handle);
    if (t == NULL || !t->HandleOpen) {
        pthread_mutex_unlock(&ObLock);
        NkHostViolation("handle.invalid", "ZwClose(%p): not an open handle", Handle);
        return STATUS_INVALID_HANDLE;
    }
    t->HandleOpen = FALSE;
    ThreadDereferenceLocked(t);
    pthread_mutex_unlock(&ObLock);
    return STATUS_SUCCESS;
}

HANDLE NTAPI PsGetCurrentThreadId(VOID)
{
    return (HANDLE)(ULONG_PTR)syscall(SYS_gettid);
}

HANDLE NTAPI PsGetCurrentProcessId(VOID)
{
    return (HANDLE)(ULONG_PTR)getpid();
}

PEPROCESS NTAPI IoGetCurrentProcess(VOID)
{
    /* One process: an opaque, stable, non-NULL identity. */
    static char process;
    return (PEPROCESS)(PVOID)&process;
}

static POBJECT_TYPE ThreadTypeObject = (POBJECT_TYPE)(ULONG_PTR)0x7;
POBJECT_TYPE *PsThreadType = &ThreadTypeObject;

SIZE_T NkThreadsReportLeaks(VOID)
{
    SIZE_T n = 0;
    pthread_mutex_lock(&ObLock);
    for (PLIST_ENTRY e = Threads.Flink; e != &Threads; e = e->Flink) {
        NK_THREAD *t = CONTAINING_RECORD(e, NK_THREAD, Link);
        n++;
        NkHostViolation("thread.leak", "thread object %p still has %ld reference(s)%s%s", (void *)t,
                        (long)t->References, t->Header.SignalState ? "" : ", still running",
                        t->HandleOpen ? ", handle not closed" : "");
    }
    pthread_mutex_unlock(&ObLock);
    return n;
}
