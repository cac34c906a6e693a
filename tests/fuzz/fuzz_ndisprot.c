/*
 * fuzz_ndisprot.c - libFuzzer over ndisprot's user-mode input path: every
 * IOCTL (and unknown ones) with fuzzed buffers and lengths up to 1 MiB,
 * reads and writes of fuzzed lengths and frames, received frames, status
 * indications, cancellations, pauses - run against the driver's sources
 * under the host kernel, whose verifier counts any DDI misuse.
 *
 * Each input is a fresh driver: loaded, driven by the input's operations,
 * then every pending request cancelled, the handle closed and the driver
 * unloaded.  Any leak or verifier finding aborts (a crash for libFuzzer),
 * as does a request that returns more bytes than its buffer holds.
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

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

NTSTATUS FxDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath);

#define ADAPTER_NAME L"\\DEVICE\\{6E6B7072-F022-0000-0000-000000000001}"
#define MAX_PENDING 8
#define MAX_OPS 48
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

/* Fills Buffer from the input (the rest zero), optionally with the
 * adapter's MAC as the frame's source so that writes get through. */
static void Fill(INPUT *in, UCHAR *Buffer, ULONG Length)
{
    size_t avail = in->Size - in->Offset, n = Length < avail ? Length : avail;
    memcpy(Buffer, in->Data + in->Offset, n);
    memset(Buffer + n, 0, Length - n);
    in->Offset += n;
}

static NK_HOST_IO *Pending[MAX_PENDING];
static PVOID PendingBuffer[MAX_PENDING];
static ULONG PendingLength[MAX_PENDING];

static void Track(NK_HOST_IO *Io, PVOID Buffer, ULONG Length)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (Pending[i] == NULL) {
            Pending[i] = Io;
            PendingBuffer[i] = Buffer;
            PendingLength[i] = Length;
            return;
        }
    /* Full: wait for this one (cancelled) here. */
    ULONG n;
    NkHostCancelIo(Io);
    if (NkHostWaitIo(Io, MAXULONG, &n) != STATUS_CANCELLED && n > Length)
        abort();
    free(Buffer);
}

static void Finish(int i, BOOLEAN Cancel)
{
    ULONG n = 0;
    NTSTATUS status;
    if (Pending[i] == NULL)
        return;
    if (Cancel)
        NkHostCancelIo(Pending[i]);
    status = NkHostWaitIo(Pending[i], Cancel ? MAXULONG : 0, &n);
    if (status == STATUS_TIMEOUT)
        return;
    if (n > PendingLength[i]) {
        fprintf(stderr, "fuzz_ndisprot: %lu bytes returned into a %lu-byte buffer\n", (unsigned long)n,
                (unsigned long)PendingLength[i]);
        abort();
    }
    free(PendingBuffer[i]);
    Pending[i] = NULL;
}

static void Ioctl(HANDLE File, INPUT *in)
{
    uint8_t pick = Byte(in);
    ULONG code = pick < 12 * 16 ? Codes[pick % 12] : Bytes(in, 4);
    ULONG inLength = Length(in), outLength = Length(in), n = 0;
    UCHAR *input = malloc(inLength ? inLength : 1), *output = malloc(outLength ? outLength : 1);
    NK_HOST_IO *io;
    NTSTATUS status;

    Fill(in, input, inLength);
    memset(output, 0xA5, outLength);
    /* Async always: INDICATE_STATUS and READ_BATCH pend, anything may. */
    status = NkHostDeviceIoControlAsync(File, code, inLength ? input : NULL, inLength, outLength ? output : NULL,
                                        outLength, &io);
    free(input);
    if (status == STATUS_PENDING) {
        if (NkHostWaitIo(io, 0, &n) == STATUS_TIMEOUT) {
            Track(io, output, outLength);
            return;
        }
        if (n > outLength) {
            fprintf(stderr, "fuzz_ndisprot: IOCTL 0x%08lx returned %lu bytes into %lu\n", (unsigned long)code,
                    (unsigned long)n, (unsigned long)outLength);
            abort();
        }
    }
    free(output);
}

static void Write(HANDLE File, INPUT *in)
{
    ULONG length = Bytes(in, 2) % 2048, n;
    UCHAR *frame = malloc(length ? length : 1);
    NK_HOST_IO *io;
    Fill(in, frame, length);
    if (length >= 12 && (Byte(in) & 1))
        memcpy(frame + 6, Mac, 6);
    if (NkHostWriteFileAsync(File, frame, length, &io) == STATUS_PENDING) {
        if (NkHostWaitIo(io, 0, &n) == STATUS_TIMEOUT) {
            Track(io, frame, length);
            return;
        }
    }
    free(frame);
}

static void Read(HANDLE File, INPUT *in)
{
    ULONG length = Length(in) % 65536;
    UCHAR *buffer = malloc(length ? length : 1);
    NK_HOST_IO *io;
    ULONG n;
    if (NkHostReadFileAsync(File, buffer, length, &io) == STATUS_PENDING) {
        if (NkHostWaitIo(io, 0, &n) == STATUS_TIMEOUT) {
            Track(io, buffer, length);
            return;
        }
        if (n > length)
            abort();
    }
    free(buffer);
}

static void Inject(NK_HOST_ADAPTER *Adapter, INPUT *in)
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

int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size)
{
    UNICODE_STRING path = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\Ndisprot");
    INPUT in = {Data, Size, 0};
    DRIVER_OBJECT driver;
    NK_HOST_ADAPTER *adapter;
    HANDLE file;
    ULONG n;

    NkHostReset();
    memset(&driver, 0, sizeof(driver));
    if (NkHostAddAdapter(ADAPTER_NAME, Mac, 1500, &adapter) != STATUS_SUCCESS)
        abort();
    if (FxDriverEntry(&driver, &path) != STATUS_SUCCESS || NkHostCreateFile(L"\\\\.\\NdisProt", &file) != STATUS_SUCCESS)
        abort();
    for (int op = 0; op < MAX_OPS && in.Offset < in.Size; op++) {
        switch (Byte(&in) % 10) {
        case 0: case 1: Ioctl(file, &in); break;
        case 2: Write(file, &in); break;
        case 3: Read(file, &in); break;
        case 4: Inject(adapter, &in); break;
        case 5: {
            UCHAR status[64];
            ULONG length = Byte(&in) % sizeof(status);
            Fill(&in, status, length);
            NkHostIndicateStatus(adapter, (NTSTATUS)Bytes(&in, 4), length ? status : NULL, length);
            break;
        }
        case 6: Finish(Byte(&in) % MAX_PENDING, TRUE); break;
        case 7: /* the common start: the adapter opened on this handle */
            (void)NkHostDeviceIoControl(file, IOCTL_NDISPROT_OPEN_DEVICE, ADAPTER_NAME, sizeof(ADAPTER_NAME), NULL, 0,
                                        &n);
            break;
        case 8: NkHostSetAdapterPendSends(adapter, Byte(&in) & 1); break;
        case 9:
            if (NkHostPauseAdapter(adapter) == STATUS_SUCCESS)
                (void)NkHostRestartAdapter(adapter);
            break;
        }
        for (int i = 0; i < MAX_PENDING; i++)
            Finish(i, FALSE); /* collect what completed */
    }
    NkHostSetAdapterPendSends(adapter, FALSE);
    (void)NkHostCompleteSends(adapter);
    for (int i = 0; i < MAX_PENDING; i++)
        Finish(i, TRUE);
    NkHostCloseHandle(file);
    driver.DriverUnload(&driver);
    NkHostRemoveAdapter(adapter);
    if (NkHostCheckLeaks() != 0 || NkHostViolationCount() != 0) {
        fprintf(stderr, "fuzz_ndisprot: %s\n", NkHostViolationCount() ? NkHostLastViolation() : "leaks");
        abort();
    }
    return 0;
}
