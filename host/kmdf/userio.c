/*
 * userio.c - the user-mode side of device I/O: open, I/O calls, cancel and
 * close, turned into framework requests the way the I/O manager and KMDF
 * turn IRPs into them.
 *
 * Open: the device must be initialised (WdfControlFinishInitializing) and,
 * if exclusive, not open already; a file object is created (with the
 * driver's file-object context) and EvtDeviceFileCreate decides.
 * Close: EvtFileCleanup; then every request of this handle still pending is
 * canceled - what Windows does when the last handle of a thread goes - and
 * waited for; then EvtFileClose and the file object is deleted.
 */
#include "kmdf_internal.h"

#include "../client/ntpath.h"

#include <stdlib.h>
#include <string.h>

struct _NK_HOST_IO {
    NK_WDF_REQUEST *Request;
    PVOID UserOutput;
    ULONG UserOutputLength;
};

static NK_WDF_FILE *FileOf(HANDLE Handle)
{
    NK_WDF_OBJECT *o = NkWdfLookup((WDFOBJECT)Handle, "NkHost I/O");
    return o != NULL && o->Type == NkWdfTypeFileObject ? (NK_WDF_FILE *)o : NULL;
}

static NTSTATUS NewRequest(NK_WDF_FILE *File, WDF_REQUEST_TYPE Type, SIZE_T InLength, SIZE_T OutLength,
                           const VOID *Input, NK_WDF_REQUEST **Out)
{
    NK_WDF_OBJECT *o;
    NK_WDF_REQUEST *r;
    SIZE_T size = InLength > OutLength ? InLength : OutLength;
    WDF_OBJECT_ATTRIBUTES a;
    NTSTATUS status;

    WDF_OBJECT_ATTRIBUTES_INIT(&a);
    a.ParentObject = (WDFOBJECT)File->Device;
    status = NkWdfCreate(sizeof(NK_WDF_REQUEST), NkWdfTypeRequest, &a, NULL, &o);
    if (!NT_SUCCESS(status))
        return status;
    r = (NK_WDF_REQUEST *)o;
    KeInitializeEvent(&r->Done, NotificationEvent, FALSE);
    InitializeListHead(&r->QueueLink);
    r->File = File;
    r->InputLength = InLength;
    r->OutputLength = OutLength;
    if (size != 0) {
        r->SystemBuffer = malloc(size);
        if (r->SystemBuffer == NULL) {
            NkWdfDelete(o);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        /* The I/O manager's system buffer is not zeroed past the input:
         * fill it with a pattern so a driver returning bytes it did not
         * write is visible in tests. */
        if (InLength != 0)
            memcpy(r->SystemBuffer, Input, InLength);
        memset((PUCHAR)r->SystemBuffer + InLength, 0xBD, size - InLength);
        r->SystemBufferLength = size;
    }
    WDF_REQUEST_PARAMETERS_INIT(&r->Parameters);
    r->Parameters.Type = Type;
    *Out = r;
    return STATUS_SUCCESS;
}

static VOID FreeRequest(NK_WDF_REQUEST *r)
{
    free(r->SystemBuffer);
    r->SystemBuffer = NULL;
    free(r->DirectMdl);
    r->DirectMdl = NULL;
    free(r->SystemBufferMdl);
    r->SystemBufferMdl = NULL;
    NkWdfDelete(&r->Object);
}

static NTSTATUS Finish(NK_HOST_IO *io, ULONG *Bytes)
{
    NK_WDF_REQUEST *r = io->Request;
    NTSTATUS status = r->Status;
    ULONG_PTR n = r->Information;

    /* Buffered I/O copies Information bytes back, never more than the
     * caller's buffer: a larger Information is a driver bug Windows would
     * turn into memory corruption. */
    if (NT_SUCCESS(status) || NT_WARNING(status)) {
        if (n > io->UserOutputLength && r->Parameters.Type != WdfRequestTypeWrite) {
            NkHostViolation("io.information-too-large", "request completed with Information %llu > output "
                            "buffer %lu", (unsigned long long)n, (unsigned long)io->UserOutputLength);
            n = io->UserOutputLength;
        }
        /* Direct output is already in the caller's buffer. */
        if (io->UserOutput != NULL && n != 0 && r->Parameters.Type != WdfRequestTypeWrite &&
            r->DirectMdl == NULL)
            memcpy(io->UserOutput, r->SystemBuffer, n);
    } else {
        n = 0;
    }
    if (Bytes != NULL)
        *Bytes = (ULONG)n;
    FreeRequest(r);
    free(io);
    return status;
}

/* An MDL for the caller's buffer, as the I/O manager builds for direct
 * I/O (the host's user buffers are always resident: no probe and lock). */
static PMDL DescribeUserBuffer(const VOID *Buffer, SIZE_T Length)
{
    PMDL mdl = malloc(MmSizeOfMdl((PVOID)(ULONG_PTR)Buffer, Length));
    if (mdl == NULL)
        return NULL;
    MmInitializeMdl(mdl, (PVOID)(ULONG_PTR)Buffer, Length);
    MmBuildMdlForNonPagedPool(mdl);
    return mdl;
}

/* Which side of r, if any, is direct, from the device's I/O type (reads
 * and writes) or the control code's transfer method (IOCTLs). */
static NTSTATUS SetUpDirect(NK_WDF_FILE *File, NK_WDF_REQUEST *r, WDF_REQUEST_TYPE Type, ULONG Code,
                            const VOID *Input, ULONG InLength, PVOID Output, ULONG OutLength)
{
    BOOLEAN direct = File->Device->IoType == WdfDeviceIoDirect;
    const VOID *buffer = NULL;
    ULONG length = 0;

    switch (Type) {
    case WdfRequestTypeRead:
        if (direct) {
            buffer = Output;
            length = OutLength;
        }
        break;
    case WdfRequestTypeWrite:
        if (direct) {
            buffer = Input;
            length = InLength;
            r->DirectIsInput = TRUE;
        }
        break;
    default:
        switch (METHOD_FROM_CTL_CODE(Code)) {
        case METHOD_IN_DIRECT:
        case METHOD_OUT_DIRECT:
            buffer = Output; /* the input is still buffered */
            length = OutLength;
            break;
        case METHOD_NEITHER:
            r->Neither = TRUE;
            break;
        default:
            break;
        }
    }
    if (buffer == NULL || length == 0)
        return STATUS_SUCCESS;
    r->DirectMdl = DescribeUserBuffer(buffer, length);
    return r->DirectMdl != NULL ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

static NTSTATUS Submit(HANDLE Handle, WDF_REQUEST_TYPE Type, ULONG Code, const VOID *Input, ULONG InLength,
                       PVOID Output, ULONG OutLength, NK_HOST_IO **Io)
{
    NK_WDF_FILE *f = FileOf(Handle);
    NK_WDF_REQUEST *r;
    NK_HOST_IO *io;
    NTSTATUS status;

    *Io = NULL;
    if (f == NULL)
        return STATUS_INVALID_HANDLE;
    io = calloc(1, sizeof(*io));
    if (io == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = NewRequest(f, Type, InLength, OutLength, Input, &r);
    if (!NT_SUCCESS(status)) {
        free(io);
        return status;
    }
    status = SetUpDirect(f, r, Type, Code, Input, InLength, Output, OutLength);
    if (!NT_SUCCESS(status)) {
        FreeRequest(r);
        free(io);
        return status;
    }
    switch (Type) {
    case WdfRequestTypeRead:
        r->Parameters.Parameters.Read.Length = OutLength;
        break;
    case WdfRequestTypeWrite:
        r->Parameters.Parameters.Write.Length = InLength;
        break;
    default:
        r->Parameters.Parameters.DeviceIoControl.IoControlCode = Code;
        r->Parameters.Parameters.DeviceIoControl.InputBufferLength = InLength;
        r->Parameters.Parameters.DeviceIoControl.OutputBufferLength = OutLength;
        break;
    }
    io->Request = r;
    io->UserOutput = Output;
    io->UserOutputLength = OutLength;
    NkWdfDispatchRequest(f->Device, r);
    *Io = io;
    return STATUS_PENDING;
}

NTSTATUS NkHostWaitIo(NK_HOST_IO *Io, ULONG TimeoutMs, ULONG *Bytes)
{
    LARGE_INTEGER t;
    if (Bytes != NULL)
        *Bytes = 0;
    t.QuadPart = -(LONGLONG)TimeoutMs * 10000;
    if (KeWaitForSingleObject(&Io->Request->Done, Executive, UserMode, FALSE,
                              TimeoutMs == MAXULONG ? NULL : &t) == STATUS_TIMEOUT)
        return STATUS_TIMEOUT;
    return Finish(Io, Bytes);
}

VOID NkHostCancelIo(NK_HOST_IO *Io)
{
    NkWdfCancelRequest(Io->Request);
}

NTSTATUS NkHostDeviceIoControlAsync(HANDLE Handle, ULONG IoControlCode, const VOID *Input, ULONG InputLength,
                                    PVOID Output, ULONG OutputLength, NK_HOST_IO **Io)
{
    return Submit(Handle, WdfRequestTypeDeviceControl, IoControlCode, Input, InputLength, Output,
                  OutputLength, Io);
}

NTSTATUS NkHostReadFileAsync(HANDLE Handle, PVOID Buffer, ULONG Length, NK_HOST_IO **Io)
{
    return Submit(Handle, WdfRequestTypeRead, 0, NULL, 0, Buffer, Length, Io);
}

static NTSTATUS Sync(NTSTATUS Submitted, NK_HOST_IO *Io, ULONG *Bytes)
{
    if (Bytes != NULL)
        *Bytes = 0;
    if (Submitted != STATUS_PENDING)
        return Submitted;
    return NkHostWaitIo(Io, MAXULONG, Bytes);
}

NTSTATUS NkHostDeviceIoControl(HANDLE Handle, ULONG IoControlCode, const VOID *Input, ULONG InputLength,
                               PVOID Output, ULONG OutputLength, ULONG *BytesReturned)
{
    NK_HOST_IO *io;
    NTSTATUS s = NkHostDeviceIoControlAsync(Handle, IoControlCode, Input, InputLength, Output, OutputLength, &io);
    return Sync(s, io, BytesReturned);
}

NTSTATUS NkHostReadFile(HANDLE Handle, PVOID Buffer, ULONG Length, ULONG *BytesRead)
{
    NK_HOST_IO *io;
    NTSTATUS s = NkHostReadFileAsync(Handle, Buffer, Length, &io);
    return Sync(s, io, BytesRead);
}

NTSTATUS NkHostWriteFileAsync(HANDLE Handle, const VOID *Buffer, ULONG Length, NK_HOST_IO **Io)
{
    return Submit(Handle, WdfRequestTypeWrite, 0, Buffer, Length, NULL, 0, Io);
}

NTSTATUS NkHostWriteFile(HANDLE Handle, const VOID *Buffer, ULONG Length, ULONG *BytesWritten)
{
    NK_HOST_IO *io;
    NTSTATUS s = NkHostWriteFileAsync(Handle, Buffer, Length, &io);
    return Sync(s, io, BytesWritten);
}

/* Name with Prefix (ASCII, matched case-blind as the object manager
 * matches names) removed, or NULL. */
static PCWSTR AfterPrefix(PCWSTR Name, const char *Prefix)
{
    for (; *Prefix != '\0'; Name++, Prefix++) {
        WCHAR c = *Name >= 'a' && *Name <= 'z' ? (WCHAR)(*Name - 32) : *Name;
        char p = *Prefix >= 'a' && *Prefix <= 'z' ? (char)(*Prefix - 32) : *Prefix;
        if (c != (WCHAR)(unsigned char)p)
            return NULL;
    }
    return Name;
}

/* The object manager's part of an NT path's lookup that the host's one
 * namespace needs: \??\GLOBALROOT is the root, and the global DOS-device
 * directory (\GLOBAL??\, reached from \??\ and \DosDevices\ through their
 * Global link) is \??\ itself.  What is left, \??\X or \Device\X, is the
 * device table's to find.  A Win32 path (\\.\X: in-process callers such as
 * tests open by those) is first made an NT path by the conversion the
 * client library's CreateFile uses (host/client/ntpath.c), so there is one
 * set of rules for both; the wire only carries NT paths from the library. */
static NTSTATUS ResolveName(PCWSTR Name, WCHAR *Buffer, size_t Capacity, PCWSTR *Resolved)
{
    PCWSTR rest;

    if ((Name[0] == '\\' || Name[0] == '/') && (Name[1] == '\\' || Name[1] == '/')) {
        size_t units = 0, ntUnits;
        uint32_t e;
        while (Name[units] != 0)
            units++;
        e = NkWin32PathToNt((const uint16_t *)Name, units, (uint16_t *)Buffer, Capacity - 1, &ntUnits);
        switch (e) {
        case NK_PATH_OK:
            break;
        case NK_PATH_FILE_NOT_FOUND:
            return STATUS_OBJECT_NAME_NOT_FOUND;
        case NK_PATH_PATH_NOT_FOUND:
        case NK_PATH_BAD_NETPATH:
            return STATUS_OBJECT_PATH_NOT_FOUND;
        case NK_PATH_FILENAME_EXCED_RANGE:
            return STATUS_NAME_TOO_LONG;
        default:
            return STATUS_OBJECT_NAME_INVALID;
        }
        Buffer[ntUnits] = 0;
        Name = Buffer;
    }
    for (int hops = 0; hops < 8; hops++) {
        if ((rest = AfterPrefix(Name, "\\??\\GLOBALROOT")) != NULL && (*rest == '\\' || *rest == 0)) {
            Name = rest;
        } else if ((rest = AfterPrefix(Name, "\\??\\Global\\")) != NULL ||
                   (rest = AfterPrefix(Name, "\\DosDevices\\Global\\")) != NULL ||
                   (rest = AfterPrefix(Name, "\\GLOBAL??\\")) != NULL) {
            size_t n = 0;
            while (rest[n] != 0)
                n++;
            if (n + 5 > Capacity)
                return STATUS_OBJECT_NAME_INVALID;
            memmove(Buffer + 4, rest, (n + 1) * sizeof(WCHAR));
            Buffer[0] = '\\';
            Buffer[1] = '?';
            Buffer[2] = '?';
            Buffer[3] = '\\';
            Name = Buffer;
        } else {
            break;
        }
    }
    /* An empty component (\??\\X, \Device\X\\Y) is no name to the object
     * manager. */
    for (PCWSTR p = Name; *p != 0; p++)
        if (*p == '\\' && p != Name && p[-1] == '\\')
            return STATUS_OBJECT_NAME_INVALID;
    *Resolved = Name;
    return STATUS_SUCCESS;
}

NTSTATUS NkHostCreateFile(PCWSTR Name, HANDLE *Handle)
{
    WCHAR resolved[1024];
    NK_WDF_DEVICE *d;
    NK_WDF_OBJECT *o;
    NK_WDF_FILE *f;
    NK_WDF_REQUEST *r;
    WDF_OBJECT_ATTRIBUTES a;
    NTSTATUS status;

    *Handle = NULL;
    status = ResolveName(Name, resolved, RTL_NUMBER_OF(resolved), &Name);
    if (!NT_SUCCESS(status))
        return status;
    d = NkWdfFindDevice(Name);
    if (d == NULL)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    if (!d->Initialized)
        return STATUS_DEVICE_NOT_READY; /* still DO_DEVICE_INITIALIZING */
    if (d->Exclusive && d->Opens > 0)
        return STATUS_ACCESS_DENIED;
    if (d->HasFileAttributes)
        a = d->FileAttributes;
    else
        WDF_OBJECT_ATTRIBUTES_INIT(&a);
    a.ParentObject = (WDFOBJECT)d;
    status = NkWdfCreate(sizeof(NK_WDF_FILE), NkWdfTypeFileObject, &a, NULL, &o);
    if (!NT_SUCCESS(status))
        return status;
    f = (NK_WDF_FILE *)o;
    f->Device = d;
    if (d->HasFileConfig && d->FileConfig.EvtDeviceFileCreate != NULL) {
        status = NewRequest(f, WdfRequestTypeCreate, 0, 0, NULL, &r);
        if (!NT_SUCCESS(status)) {
            NkWdfDelete(o);
            return status;
        }
        d->FileConfig.EvtDeviceFileCreate((WDFDEVICE)d, (WDFREQUEST)r, (WDFFILEOBJECT)f);
        KeWaitForSingleObject(&r->Done, Executive, UserMode, FALSE, NULL);
        status = r->Status;
        FreeRequest(r);
        if (!NT_SUCCESS(status)) {
            NkWdfDelete(o);
            return status;
        }
    }
    d->Opens++;
    *Handle = (HANDLE)f;
    return STATUS_SUCCESS;
}

/* With the lock held: some request of File still on any queue of its device. */
static NK_WDF_REQUEST *PendingOfFile(NK_WDF_FILE *File)
{
    NK_WDF_DEVICE *d = File->Device;
    for (PLIST_ENTRY c = d->Object.Children.Flink; c != &d->Object.Children; c = c->Flink) {
        NK_WDF_OBJECT *o = CONTAINING_RECORD(c, NK_WDF_OBJECT, Sibling);
        if (o->Type != NkWdfTypeQueue)
            continue;
        NK_WDF_QUEUE *q = (NK_WDF_QUEUE *)o;
        for (PLIST_ENTRY e = q->Requests.Flink; e != &q->Requests; e = e->Flink) {
            NK_WDF_REQUEST *r = CONTAINING_RECORD(e, NK_WDF_REQUEST, QueueLink);
            if (r->File == File && !r->CancelRequested)
                return r;
        }
    }
    return NULL;
}

NTSTATUS NkHostCloseHandle(HANDLE Handle)
{
    NK_WDF_FILE *f = FileOf(Handle);
    NK_WDF_DEVICE *d;
    NK_WDF_REQUEST *r;

    if (f == NULL)
        return STATUS_INVALID_HANDLE;
    d = f->Device;
    if (d->HasFileConfig && d->FileConfig.EvtFileCleanup != NULL)
        d->FileConfig.EvtFileCleanup((WDFFILEOBJECT)f);
    for (;;) {
        NkWdfLock();
        r = PendingOfFile(f);
        NkWdfUnlock();
        if (r == NULL)
            break;
        NkWdfCancelRequest(r);
    }
    if (d->HasFileConfig && d->FileConfig.EvtFileClose != NULL)
        d->FileConfig.EvtFileClose((WDFFILEOBJECT)f);
    d->Opens--;
    NkWdfDelete(&f->Object);
    return STATUS_SUCCESS;
}
