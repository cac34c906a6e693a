/*
 * fuzz_ndisprot.c - libFuzzer over ndisprot's user-mode input path: every
 * IOCTL (and unknown ones) with fuzzed buffers and lengths up to 1 MiB,
 * reads and writes of fuzzed lengths and frames, batched writes whose
 * frames carry the adapter's MAC (so they get past the source-MAC check
 * and are sent), received frames, status indications, cancellations,
 * pauses - on three handles, with OIDs the miniport holds (pended OIDs:
 * the IOCTL or cleanup that issued one waits on a thread of its own), the
 * adapter unbound and back in the middle of all that, and bursts of NDIS
 * indications run by the interleaving explorer - against the driver's
 * sources under the host kernel, whose verifier counts any DDI misuse.
 *
 * Each input is a fresh driver: loaded, driven by the input's operations,
 * then every held OID completed, every pending request cancelled, the
 * handles closed and the driver unloaded.  Any leak or verifier finding
 * aborts (a crash for libFuzzer), as does a request that returns more
 * bytes than its buffer holds, or a thread stuck for seconds.
 *
 * Reproducible from the input: an operation that may wait for a held OID
 * runs on a worker thread, and the main thread goes on only once every
 * worker has finished or is waiting on a held OID (Settle), so at most one
 * thread runs driver code between operations except right after held OIDs
 * complete; explorer bursts take their seed from the input.
 *
 * Input: a sequence of operations, each an opcode byte and its arguments,
 * read from the input as far as it goes (missing bytes read as zero).
 */
#define NDIS630 1
#include <ntddk.h>
#include <wdf.h>
#include <ndis.h>
#include <nkhost.h>
#include "protuser.h"

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

NTSTATUS FxDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath);

#define ADAPTER_NAME L"\\DEVICE\\{6E6B7072-F022-0000-0000-000000000001}"
#define MAX_PENDING 8
#define MAX_OPS 48
#define MAX_FILES 3
#define MAX_WORKERS 4
#define STUCK_NS 5000000000ll      /* a worker neither done nor waiting on an OID this long: a hang */
#define MAX_LENGTH (1u << 20)

static const UCHAR Mac[6] = {0x02, 0x6e, 0x6b, 0x0f, 0x22, 0x01};

static const ULONG Codes[] = {
    IOCTL_NDISPROT_OPEN_DEVICE,     IOCTL_NDISPROT_QUERY_OID_VALUE,  IOCTL_NDISPROT_SET_OID_VALUE,
    IOCTL_NDISPROT_QUERY_BINDING,   IOCTL_NDISPROT_BIND_WAIT,        IOCTL_NDISPROT_INDICATE_STATUS,
    IOCTL_NDISPROT_SET_ETHERTYPES,  IOCTL_NDISPROT_SET_PROMISCUOUS,  IOCTL_NDISPROT_SET_QUEUE_LENGTH,
    IOCTL_NDISPROT_READ_BATCH,      IOCTL_NDISPROT_WRITE_BATCH,      IOCTL_NDISPROT_GET_STATISTICS,
};

typedef struct {
    const uint8_t *Data;
    size_t Size, Offset;
} INPUT;

static uint8_t Byte(INPUT *in)
{
    return in->Offset < in->Size ? in->Data[in->Offset++] : 0;
}

static uint32_t Bytes(INPUT *in, int n)
{
    uint32_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint32_t)Byte(in) << (8 * i);
    return v;
}

/* A length: mostly small, sometimes at the edges, sometimes huge. */
static ULONG Length(INPUT *in)
{
    uint8_t kind = Byte(in);
    switch (kind & 7) {
    case 0: return 0;
    case 1: return MAX_LENGTH - (Bytes(in, 2) & 0xFFF);
    case 2: return Bytes(in, 3) % MAX_LENGTH;
    default: return Bytes(in, 2) % 4096;
    }
}

/* Fills Buffer from the input (the rest zero). */
static void Fill(INPUT *in, UCHAR *Buffer, ULONG Length)
{
    size_t avail = in->Size - in->Offset, n = Length < avail ? Length : avail;
    memcpy(Buffer, in->Data + in->Offset, n);
    memset(Buffer + n, 0, Length - n);
    in->Offset += n;
}

/* ---- state of one run ------------------------------------------------------------ */

static NK_HOST_ADAPTER *Adapter;  /* NULL while unbound */
static HANDLE Files[MAX_FILES];
static BOOLEAN PendOids;            /* the adapter holds OIDs until CompleteOids */

/* I/O the driver pended, collected or cancelled later. */
static NK_HOST_IO *Pending[MAX_PENDING];
static PVOID PendingBuffer[MAX_PENDING];
static ULONG PendingLength[MAX_PENDING];

static void CheckBytes(ULONG Returned, ULONG Length, const char *What)
{
    if (Returned > Length) {
        fprintf(stderr, "fuzz_ndisprot: %s returned %lu bytes into %lu\n", What, (unsigned long)Returned,
                (unsigned long)Length);
        abort();
    }
}

static void Track(NK_HOST_IO *Io, PVOID Buffer, ULONG Length)
{
    ULONG n = 0;
    for (int i = 0; i < MAX_PENDING; i++)
        if (Pending[i] == NULL) {
            Pending[i] = Io;
            PendingBuffer[i] = Buffer;
            PendingLength[i] = Length;
            return;
        }
    /* Full: wait for this one (cancelled) here. */
    NkHostCancelIo(Io);
    if (NkHostWaitIo(Io, MAXULONG, &n) != STATUS_CANCELLED)
        CheckBytes(n, Length, "a cancelled request");
    free(Buffer);
}

static void Finish(int i, BOOLEAN Cancel)
{
    ULONG n = 0;
    if (Pending[i] == NULL)
        return;
    if (Cancel)
        NkHostCancelIo(Pending[i]);
    if (NkHostWaitIo(Pending[i], Cancel ? MAXULONG : 0, &n) == STATUS_TIMEOUT)
        return;
    CheckBytes(n, PendingLength[i], "a pended request");
    free(PendingBuffer[i]);
    Pending[i] = NULL;
}

/* An I/O just issued: collected now if done, else tracked. */
static void Issued(NTSTATUS Status, NK_HOST_IO *Io, PVOID Buffer, ULONG Length, const char *What)
{
    ULONG n = 0;
    if (Status == STATUS_PENDING) {
        if (NkHostWaitIo(Io, 0, &n) == STATUS_TIMEOUT) {
            Track(Io, Buffer, Length);
            return;
        }
        CheckBytes(n, Length, What);
    }
    free(Buffer);
}

/* ---- workers: operations that may wait for a held OID ------------------------------- */

typedef enum { WORK_IOCTL, WORK_CLOSE } WORK_KIND;

typedef struct {
    BOOLEAN Used;
    pthread_t Thread;
    volatile LONG Done;
    WORK_KIND Kind;
    HANDLE File;
    ULONG Code;
    UCHAR *Input, *Output;
    ULONG InLength, OutLength;
    NTSTATUS Status;
    NK_HOST_IO *Io;                 /* pended by the driver: tracked once the worker is reaped */
} WORKER;

static WORKER Workers[MAX_WORKERS];

static void *WorkerMain(void *Arg)
{
    WORKER *w = Arg;
    if (w->Kind == WORK_CLOSE) {
        w->Status = NkHostCloseHandle(w->File);
    } else {
        w->Status = NkHostDeviceIoControlAsync(w->File, w->Code, w->InLength ? w->Input : NULL, w->InLength,
                                               w->OutLength ? w->Output : NULL, w->OutLength, &w->Io);
    }
    __atomic_store_n(&w->Done, 1, __ATOMIC_RELEASE);
    return NULL;
}

static LONGLONG NowNs(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (LONGLONG)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* Reaps the finished workers (tracking what their I/O left pending). */
static void Reap(void)
{
    for (int i = 0; i < MAX_WORKERS; i++) {
        WORKER *w = &Workers[i];
        if (!w->Used || !__atomic_load_n(&w->Done, __ATOMIC_ACQUIRE))
            continue;
        pthread_join(w->Thread, NULL);
        free(w->Input);
        if (w->Kind == WORK_IOCTL && w->Status == STATUS_PENDING)
            Issued(w->Status, w->Io, w->Output, w->OutLength, "an IOCTL on a worker");
        else
            free(w->Output);
        w->Used = FALSE;
    }
}

static ULONG HeldOids(void)
{
    return Adapter != NULL ? NkHostAdapterHeldOids(Adapter) : 0;
}

/* Until every worker has finished or waits on an OID the adapter holds
 * (each waits on one at most: ndisprot issues OIDs one at a time). */
static void Settle(void)
{
    LONGLONG start = NowNs();
    for (;;) {
        ULONG live = 0;
        for (int i = 0; i < MAX_WORKERS; i++)
            live += Workers[i].Used && !__atomic_load_n(&Workers[i].Done, __ATOMIC_ACQUIRE);
        if (live == 0 || (PendOids && live == HeldOids()))
            break;
        if (NowNs() - start > STUCK_NS) {
            fprintf(stderr, "fuzz_ndisprot: %lu worker(s) stuck, %lu OID(s) held\n", (unsigned long)live,
                    (unsigned long)HeldOids());
            abort();
        }
        sched_yield();
    }
    Reap();
}

/* Starts a worker; FALSE if all are busy (the caller drops the operation). */
static BOOLEAN StartWorker(WORKER *Template)
{
    for (int i = 0; i < MAX_WORKERS; i++) {
        WORKER *w = &Workers[i];
        if (w->Used)
            continue;
        *w = *Template;
        w->Used = TRUE;
        w->Done = 0;
        if (pthread_create(&w->Thread, NULL, WorkerMain, w) != 0) {
            w->Used = FALSE;
            return FALSE;
        }
        Settle();
        return TRUE;
    }
    return FALSE;
}

/* ---- operations ------------------------------------------------------------------------ */

static HANDLE PickFile(INPUT *in)
{
    return Files[Byte(in) % MAX_FILES];
}

/* Walks WRITE_BATCH records in Buffer and gives each frame the adapter's
 * MAC as its source, so the batch gets past the source-MAC check. */
static void PatchBatch(UCHAR *Buffer, ULONG Length)
{
    ULONG offset = 0;
    while (offset <= Length && Length - offset >= sizeof(NDISPROT_FRAME_HEADER)) {
        PNDISPROT_FRAME_HEADER h = (PNDISPROT_FRAME_HEADER)(Buffer + offset);
        ULONG frame = h->Length;
        if (frame > Length - offset - sizeof(*h))
            break; /* runs past the end: left for the driver to refuse */
        if (frame >= 12)
            memcpy(NDISPROT_FRAME_DATA(h) + 6, Mac, 6);
        offset += NDISPROT_FRAME_RECORD_SIZE(frame);
    }
}

static void Ioctl(HANDLE File, INPUT *in)
{
    uint8_t pick = Byte(in);
    ULONG code = pick < 12 * 16 ? Codes[pick % 12] : Bytes(in, 4);
    ULONG inLength = Length(in), outLength = Length(in);
    UCHAR *input = malloc(inLength ? inLength : 1), *output = malloc(outLength ? outLength : 1);
    NK_HOST_IO *io;
    NTSTATUS status;

    Fill(in, input, inLength);
    if (code == IOCTL_NDISPROT_WRITE_BATCH && (Byte(in) & 1))
        PatchBatch(input, inLength);
    memset(output, 0xA5, outLength);
    if (PendOids) {
        /* It may wait for a held OID: on a worker. */
        WORKER w = {.Kind = WORK_IOCTL, .File = File, .Code = code, .Input = input, .Output = output,
                    .InLength = inLength, .OutLength = outLength};
        if (!StartWorker(&w)) {
            free(input);
            free(output);
        }
        return;
    }
    /* Async always: INDICATE_STATUS and READ_BATCH pend, anything may. */
    status = NkHostDeviceIoControlAsync(File, code, inLength ? input : NULL, inLength, outLength ? output : NULL,
                                        outLength, &io);
    free(input);
    Issued(status, io, output, outLength, "an IOCTL");
}

/* A well-formed batch of 1..8 frames from the input, each with the
 * adapter's MAC as its source unless the input says otherwise. */
static void WriteBatch(HANDLE File, INPUT *in)
{
    ULONG count = Byte(in) % 8 + 1, total = 0, lengths[8], outLength;
    uint8_t spoof = Byte(in);
    UCHAR *input, *output;
    NK_HOST_IO *io;

    for (ULONG i = 0; i < count; i++) {
        lengths[i] = Bytes(in, 2) % 1600; /* some too short, some too long */
        total += NDISPROT_FRAME_RECORD_SIZE(lengths[i]);
    }
    input = calloc(1, total);
    outLength = (Byte(in) & 1) ? count * sizeof(LONG) : Byte(in) % (count * sizeof(LONG) + 1);
    output = malloc(outLength ? outLength : 1);
    if (input == NULL || output == NULL)
        abort();
    for (ULONG i = 0, offset = 0; i < count; i++) {
        PNDISPROT_FRAME_HEADER h = (PNDISPROT_FRAME_HEADER)(input + offset);
        h->Length = lengths[i];
        Fill(in, NDISPROT_FRAME_DATA(h), lengths[i]);
        if (lengths[i] >= 12 && !(spoof & (1u << i)))
            memcpy(NDISPROT_FRAME_DATA(h) + 6, Mac, 6);
        offset += NDISPROT_FRAME_RECORD_SIZE(lengths[i]);
    }
    Issued(NkHostDeviceIoControlAsync(File, IOCTL_NDISPROT_WRITE_BATCH, input, total, outLength ? output : NULL,
                                      outLength, &io),
           io, output, outLength, "a batched write");
    free(input);
}

static void Write(HANDLE File, INPUT *in)
{
    ULONG length = Bytes(in, 2) % 2048;
    UCHAR *frame = malloc(length ? length : 1);
    NK_HOST_IO *io;
    Fill(in, frame, length);
    if (length >= 12 && (Byte(in) & 1))
        memcpy(frame + 6, Mac, 6);
    Issued(NkHostWriteFileAsync(File, frame, length, &io), io, frame, length, "a write");
}

static void Read(HANDLE File, INPUT *in)
{
    ULONG length = Length(in) % 65536;
    UCHAR *buffer = malloc(length ? length : 1);
    NK_HOST_IO *io;
    Issued(NkHostReadFileAsync(File, buffer, length, &io), io, buffer, length, "a read");
}

static void Inject(INPUT *in)
{
    UCHAR frame[1514 + 4];
    ULONG length = 14 + Bytes(in, 2) % (sizeof(frame) - 14);
    uint8_t how = Byte(in);
    Fill(in, frame, length);
    if (how & 1)
        memcpy(frame, Mac, 6);                       /* to us */
    if (how & 2) {
        frame[12] = 0x88, frame[13] = 0x8E;          /* the default EtherType */
    }
    if (how & 4 && length >= 18) {
        frame[12] = 0x81, frame[13] = 0x00;          /* behind a VLAN tag */
        frame[16] = 0x88, frame[17] = 0x8E;
    }
    (void)NkHostAdapterInject(Adapter, frame, length > 1514 ? 1514 : length, (how & 8) != 0);
}

static void OpenDevice(HANDLE File)
{
    if (PendOids) {
        /* Sets the packet filter: an OID, which may be held. */
        UCHAR *name = malloc(sizeof(ADAPTER_NAME));
        WORKER w = {.Kind = WORK_IOCTL, .File = File, .Code = IOCTL_NDISPROT_OPEN_DEVICE, .Input = name,
                    .InLength = sizeof(ADAPTER_NAME)};
        memcpy(name, ADAPTER_NAME, sizeof(ADAPTER_NAME));
        if (!StartWorker(&w))
            free(name);
        return;
    }
    (void)NkHostDeviceIoControl(File, IOCTL_NDISPROT_OPEN_DEVICE, ADAPTER_NAME, sizeof(ADAPTER_NAME), NULL, 0, NULL);
}

static void SetPendOids(BOOLEAN Pend)
{
    PendOids = Pend;
    NkHostSetAdapterPendOids(Adapter, Pend);
    if (!Pend) {
        (void)NkHostCompleteOids(Adapter);
        Settle();
    }
}

/* The handle closes (its cleanup sets OIDs) and a new one takes its place. */
static void Reopen(int i)
{
    HANDLE old = Files[i];
    BOOLEAN inUse = FALSE;
    for (int k = 0; k < MAX_WORKERS; k++)
        inUse |= Workers[k].Used && Workers[k].File == old;
    if (inUse)
        SetPendOids(FALSE); /* a worker is inside a request on it: let it end before the handle closes */
    if (NkHostCreateFile(L"\\\\.\\NdisProt", &Files[i]) != STATUS_SUCCESS)
        abort();
    if (PendOids) {
        WORKER w = {.Kind = WORK_CLOSE, .File = old};
        if (StartWorker(&w))
            return;
        SetPendOids(FALSE); /* no worker free: let the held OIDs go, then close here */
    }
    (void)NkHostCloseHandle(old);
}

/* The adapter goes away with I/O in flight - workers waiting on held OIDs,
 * reads and writes pending - and comes back. */
static void Unbind(void)
{
    NkHostRemoveAdapter(Adapter);
    Adapter = NULL;
    Settle(); /* the unbind cancelled the held OIDs: their workers end */
    PendOids = FALSE;
    if (NkHostAddAdapter(ADAPTER_NAME, Mac, 1500, &Adapter) != STATUS_SUCCESS)
        abort();
}

/* ---- bursts of NDIS indications under the explorer --------------------------------------- */

static UCHAR BurstFrame[64];
/* Set once the burst's unbind has removed the adapter: an action the
 * explorer starts after that finds it gone (checked with no schedule
 * point between the check and the call). */
static volatile LONG BurstGone;

static BOOLEAN Gone(void)
{
    return __atomic_load_n(&BurstGone, __ATOMIC_ACQUIRE) != 0;
}

static VOID BurstReceive(PVOID Context)
{
    (void)Context;
    for (int i = 0; i < 3 && !Gone(); i++)
        (void)NkHostAdapterInject(Adapter, BurstFrame, sizeof(BurstFrame), i & 1);
}

static VOID BurstStatus(PVOID Context)
{
    ULONG state = 1;
    (void)Context;
    for (int i = 0; i < 3 && !Gone(); i++)
        NkHostIndicateStatus(Adapter, NDIS_STATUS_LINK_STATE, &state, sizeof(state));
}

static VOID BurstCompleteSends(PVOID Context)
{
    (void)Context;
    if (!Gone())
        (void)NkHostCompleteSends(Adapter);
}

static VOID BurstCompleteOids(PVOID Context)
{
    (void)Context;
    if (!Gone())
        (void)NkHostCompleteOids(Adapter);
}

static VOID BurstUnbind(PVOID Context)
{
    (void)Context;
    NkHostRemoveAdapter(Adapter);
    __atomic_store_n(&BurstGone, 1, __ATOMIC_RELEASE);
}

static void Burst(INPUT *in)
{
    NK_HOST_ACTION *actions[5];
    ULONG count = 0;
    uint8_t pick = Byte(in);
    ULONG64 seed = Bytes(in, 4);
    BOOLEAN unbind = (pick & 16) != 0;

    memcpy(BurstFrame, Mac, 6);
    memcpy(BurstFrame + 6, Mac, 6);
    BurstFrame[12] = 0x88, BurstFrame[13] = 0x8E;
    BurstFrame[14] = pick;
    if (pick & 1)
        actions[count++] = BurstReceive;
    if (pick & 2)
        actions[count++] = BurstStatus;
    if (pick & 4)
        actions[count++] = BurstCompleteSends;
    if (pick & 8)
        actions[count++] = BurstCompleteOids;
    if (unbind)
        actions[count++] = BurstUnbind;
    if (count == 0)
        return;
    BurstGone = 0;
    NkHostRunInterleaved(seed, actions, NULL, count, NULL);
    if (unbind) {
        Adapter = NULL;
        Settle();
        PendOids = FALSE;
        if (NkHostAddAdapter(ADAPTER_NAME, Mac, 1500, &Adapter) != STATUS_SUCCESS)
            abort();
    } else {
        Settle();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size)
{
    UNICODE_STRING path = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\Ndisprot");
    INPUT in = {Data, Size, 0};
    DRIVER_OBJECT driver;

    NkHostReset();
    memset(&driver, 0, sizeof(driver));
    PendOids = FALSE;
    if (NkHostAddAdapter(ADAPTER_NAME, Mac, 1500, &Adapter) != STATUS_SUCCESS)
        abort();
    if (FxDriverEntry(&driver, &path) != STATUS_SUCCESS)
        abort();
    for (int i = 0; i < MAX_FILES; i++)
        if (NkHostCreateFile(L"\\\\.\\NdisProt", &Files[i]) != STATUS_SUCCESS)
            abort();
    for (int op = 0; op < MAX_OPS && in.Offset < in.Size; op++) {
        switch (Byte(&in) % 16) {
        case 0: case 1: Ioctl(PickFile(&in), &in); break;
        case 2: Write(PickFile(&in), &in); break;
        case 3: Read(PickFile(&in), &in); break;
        case 4: Inject(&in); break;
        case 5: {
            UCHAR status[64];
            ULONG length = Byte(&in) % sizeof(status);
            Fill(&in, status, length);
            NkHostIndicateStatus(Adapter, (NTSTATUS)Bytes(&in, 4), length ? status : NULL, length);
            break;
        }
        case 6: Finish(Byte(&in) % MAX_PENDING, TRUE); break;
        case 7: OpenDevice(PickFile(&in)); break; /* the common start: the adapter opened on a handle */
        case 8: NkHostSetAdapterPendSends(Adapter, Byte(&in) & 1); break;
        case 9:
            if (NkHostPauseAdapter(Adapter) == STATUS_SUCCESS)
                (void)NkHostRestartAdapter(Adapter);
            break;
        case 10: SetPendOids(Byte(&in) & 1); break;
        case 11:
            (void)NkHostCompleteOids(Adapter);
            Settle();
            break;
        case 12: Unbind(); break;
        case 13: Reopen(Byte(&in) % MAX_FILES); break;
        case 14: WriteBatch(PickFile(&in), &in); break;
        case 15: Burst(&in); break;
        }
        for (int i = 0; i < MAX_PENDING; i++)
            Finish(i, FALSE); /* collect what completed */
    }
    /* Let everything go: held OIDs and sends complete, workers end. */
    SetPendOids(FALSE);
    NkHostSetAdapterPendSends(Adapter, FALSE);
    (void)NkHostCompleteSends(Adapter);
    Settle();
    for (int i = 0; i < MAX_PENDING; i++)
        Finish(i, TRUE);
    for (int i = 0; i < MAX_FILES; i++)
        NkHostCloseHandle(Files[i]);
    driver.DriverUnload(&driver);
    NkHostRemoveAdapter(Adapter);
    if (NkHostCheckLeaks() != 0 || NkHostViolationCount() != 0) {
        fprintf(stderr, "fuzz_ndisprot: %s\n", NkHostViolationCount() ? NkHostLastViolation() : "leaks");
        abort();
    }
    return 0;
}
