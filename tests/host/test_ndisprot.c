/*
 * test_ndisprot.c - drivers/ndisprot (the source of dist/ndisprot/ndisprot.sys)
 * under the host kernel, driven the way a user-mode client drives it:
 * CreateFile on \\.\NdisProt, the sample's IOCTLs and ndiskit's extensions,
 * ReadFile/WriteFile, against in-memory adapters whose traffic the test
 * injects and captures.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>
#include <cmocka.h>

#include "ndisprot.h" /* the driver's types: a few tests look at its state */
#include <nkhost.h>

NTSTATUS FxDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath);

#define ADAPTER_NAME L"\\DEVICE\\{6E6B7072-0000-0000-0000-000000000001}"
static const UCHAR Mac[6] = {0x02, 0x6e, 0x6b, 0x00, 0x00, 0x01};
static const UCHAR Peer[6] = {0x02, 0x6e, 0x6b, 0x00, 0x00, 0x02};

typedef struct {
    DRIVER_OBJECT Driver;
    NK_HOST_ADAPTER *Adapter;
    HANDLE File;
} FIXTURE;

static FIXTURE F;

/* The driver loaded with one adapter bound, and a handle opened on it as
 * prottest does: BIND_WAIT, then OPEN_DEVICE with the adapter's name. */
static void Load(BOOLEAN OpenDevice)
{
    UNICODE_STRING path = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\Ndisprot");
    ULONG n;

    NkHostReset();
    memset(&F, 0, sizeof(F));
    assert_int_equal(NkHostAddAdapter(ADAPTER_NAME, Mac, 1500, &F.Adapter), STATUS_SUCCESS);
    assert_int_equal(FxDriverEntry(&F.Driver, &path), STATUS_SUCCESS);
    assert_int_equal(NkHostCreateFile(L"\\\\.\\NdisProt", &F.File), STATUS_SUCCESS);
    assert_int_equal(NkHostDeviceIoControl(F.File, IOCTL_NDISPROT_BIND_WAIT, NULL, 0, NULL, 0, &n), STATUS_SUCCESS);
    if (OpenDevice)
        assert_int_equal(NkHostDeviceIoControl(F.File, IOCTL_NDISPROT_OPEN_DEVICE, ADAPTER_NAME,
                                               sizeof(ADAPTER_NAME) - sizeof(WCHAR), NULL, 0, &n),
                         STATUS_SUCCESS);
}

static void Unload(void)
{
    if (F.File != NULL)
        assert_int_equal(NkHostCloseHandle(F.File), STATUS_SUCCESS);
    F.Driver.DriverUnload(&F.Driver);
    NkHostRemoveAdapter(F.Adapter);
    assert_int_equal(NkHostCheckLeaks(), 0);
    assert_int_equal(NkHostViolationCount(), 0);
}

/* A read that fails the test instead of hanging it: 5 s at most. */
static NTSTATUS Read(PVOID Buffer, ULONG Length, ULONG *Bytes)
{
    NK_HOST_IO *io;
    NTSTATUS status = NkHostReadFileAsync(F.File, Buffer, Length, &io);
    if (status != STATUS_PENDING)
        return status;
    status = NkHostWaitIo(io, 5000, Bytes);
    if (status == STATUS_TIMEOUT) {
        NkHostCancelIo(io);
        assert_int_equal(NkHostWaitIo(io, MAXULONG, Bytes), STATUS_CANCELLED);
        fail_msg("read still pending after 5 s");
    }
    return status;
}

static ULONG MakeFrame(UCHAR *Frame, const UCHAR *Dst, const UCHAR *Src, USHORT Type, ULONG Length, UCHAR Seed)
{
    memcpy(Frame, Dst, 6);
    memcpy(Frame + 6, Src, 6);
    Frame[12] = (UCHAR)(Type >> 8);
    Frame[13] = (UCHAR)Type;
    for (ULONG i = 14; i < Length; i++)
        Frame[i] = (UCHAR)(Seed + i);
    return Length;
}

static NTSTATUS Ioctl(ULONG Code, const VOID *In, ULONG InLength, PVOID Out, ULONG OutLength, ULONG *Bytes)
{
    ULONG n = 0xDEADBEEF;
    NTSTATUS status = NkHostDeviceIoControl(F.File, Code, In, InLength, Out, OutLength, &n);
    assert_true(n <= OutLength || n == 0xDEADBEEF); /* never more than the buffer */
    if (Bytes != NULL)
        *Bytes = n;
    return status;
}

static NDISPROT_STATISTICS Stats(void)
{
    NDISPROT_STATISTICS s;
    ULONG n;
    assert_int_equal(Ioctl(IOCTL_NDISPROT_GET_STATISTICS, NULL, 0, &s, sizeof(s), &n), STATUS_SUCCESS);
    assert_int_equal(n, sizeof(s));
    return s;
}

static void Inject(USHORT Type, ULONG Length, UCHAR Seed, UCHAR *Frame)
{
    UCHAR local[2048];
    if (Frame == NULL)
        Frame = local;
    MakeFrame(Frame, Mac, Peer, Type, Length, Seed);
    assert_int_equal(NkHostAdapterInject(F.Adapter, Frame, Length, Seed & 1), STATUS_SUCCESS);
}

/* ---- the sample's interface ----------------------------------------------------------- */

static void test_write_goes_on_the_wire(void **state)
{
    UCHAR frame[100], got[2048];
    NDISPROT_STATISTICS s;
    ULONG n;
    (void)state;

    Load(TRUE);
    /* The packet filter OPEN_DEVICE sets, as the sample does. */
    assert_int_equal(NkHostAdapterPacketFilter(F.Adapter),
                     NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_MULTICAST | NDIS_PACKET_TYPE_BROADCAST);
    MakeFrame(frame, Peer, Mac, 0x888E, sizeof(frame), 7);
    assert_int_equal(NkHostWriteFile(F.File, frame, sizeof(frame), &n), STATUS_SUCCESS);
    assert_int_equal(n, sizeof(frame));
    assert_int_equal(NkHostAdapterCapture(F.Adapter, got, sizeof(got)), sizeof(frame));
    assert_memory_equal(got, frame, sizeof(frame));
    /* The largest frame: MTU + header. */
    MakeFrame(frame, Peer, Mac, 0x888E, 14, 0);
    {
        static UCHAR big[1514];
        MakeFrame(big, Peer, Mac, 0x0800, sizeof(big), 3);
        assert_int_equal(NkHostWriteFile(F.File, big, sizeof(big), &n), STATUS_SUCCESS);
        assert_int_equal(NkHostAdapterCapture(F.Adapter, got, sizeof(got)), sizeof(big));
        assert_memory_equal(got, big, sizeof(big));
    }
    s = Stats();
    assert_int_equal(s.FramesSent, 2);
    assert_int_equal(s.BytesSent, 100 + 1514);
    Unload();
}

static void test_write_checks(void **state)
{
    static UCHAR frame[1600];
    ULONG n;
    (void)state;

    Load(FALSE);
    MakeFrame(frame, Peer, Mac, 0x888E, 60, 0);
    assert_int_equal(NkHostWriteFile(F.File, frame, 60, &n), STATUS_INVALID_HANDLE); /* no OPEN_DEVICE yet */
    assert_int_equal(NkHostDeviceIoControl(F.File, IOCTL_NDISPROT_OPEN_DEVICE, ADAPTER_NAME,
                                           sizeof(ADAPTER_NAME) - sizeof(WCHAR), NULL, 0, &n),
                     STATUS_SUCCESS);
    assert_int_equal(NkHostWriteFile(F.File, frame, 13, &n), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(NkHostWriteFile(F.File, frame, 1515, &n), STATUS_INVALID_BUFFER_SIZE);
    MakeFrame(frame, Peer, Peer, 0x888E, 60, 0); /* a spoofed source MAC from user mode */
    assert_int_equal(NkHostWriteFile(F.File, frame, 60, &n), STATUS_INVALID_PARAMETER);
    memset(frame + 6, 0, 6); /* prottest -f */
    assert_int_equal(NkHostWriteFile(F.File, frame, 60, &n), STATUS_INVALID_PARAMETER);
    assert_int_equal(NkHostAdapterCapture(F.Adapter, frame, sizeof(frame)), 0); /* nothing went out */
    assert_int_equal(Stats().SendErrors, 4);
    Unload();
}

static void test_write_loops_back_to_read(void **state)
{
    UCHAR frame[100], got[2048];
    ULONG n;
    (void)state;

    Load(TRUE);
    /* Frames to our own MAC come back: ndisprot sends with
     * NDIS_SEND_FLAGS_CHECK_FOR_LOOPBACK, and NDIS loops back what the
     * open's filter accepts - prottest's default run. */
    for (UCHAR i = 0; i < 8; i++) {
        MakeFrame(frame, Mac, Mac, 0x888E, sizeof(frame), i);
        assert_int_equal(NkHostWriteFile(F.File, frame, sizeof(frame), &n), STATUS_SUCCESS);
        assert_int_equal(Read(got, sizeof(got), &n), STATUS_SUCCESS);
        assert_int_equal(n, sizeof(frame));
        assert_memory_equal(got, frame, sizeof(frame));
    }
    Unload();
}

/* On a loopback adapter (ndiskit host run --loopback: a wire from the
 * adapter to itself) each frame a handle writes is read back once - the
 * wire's echo - not once more through NDIS's own loopback.  Frames are read
 * in the order written, none twice, and nothing else arrives. */
static void test_loopback_adapter_delivers_once(void **state)
{
    UCHAR frame[60], got[256];
    ULONG n;
    (void)state;

    Load(TRUE);
    assert_int_equal(NkHostConnectAdapters(F.Adapter, F.Adapter), STATUS_SUCCESS);
    for (UCHAR i = 0; i < 16; i++) {
        MakeFrame(frame, Mac, Mac, 0x888E, sizeof(frame), i);
        assert_int_equal(NkHostWriteFile(F.File, frame, sizeof(frame), &n), STATUS_SUCCESS);
        NkHostWaitWire(F.Adapter); /* every copy there is to be is in */
        assert_int_equal(Read(got, sizeof(got), &n), STATUS_SUCCESS);
        assert_int_equal(n, sizeof(frame));
        assert_memory_equal(got, frame, sizeof(frame));
        assert_int_equal(Stats().QueuedFrames, 0);
    }
    assert_int_equal(Stats().FramesReceived, 16);
    Unload();
}

static void test_read_truncates_and_filters(void **state)
{
    UCHAR frame[2048], got[2048];
    NDISPROT_STATISTICS s;
    ULONG n;
    (void)state;

    Load(TRUE);
    Inject(0x0800, 64, 1, NULL);                 /* IPv4: not for us by default */
    Inject(0x888E, 64, 2, frame);                /* EAPOL: ours */
    assert_int_equal(Read(got, sizeof(got), &n), STATUS_SUCCESS);
    assert_int_equal(n, 64);
    assert_memory_equal(got, frame, 64);
    /* Behind one 802.1Q tag. */
    MakeFrame(frame, Mac, Peer, 0x8100, 68, 5);
    frame[16] = 0x88;
    frame[17] = 0x8E;
    assert_int_equal(NkHostAdapterInject(F.Adapter, frame, 68, FALSE), STATUS_SUCCESS);
    /* A short buffer gets the start of the frame. */
    assert_int_equal(Read(got, 20, &n), STATUS_SUCCESS);
    assert_int_equal(n, 20);
    assert_memory_equal(got, frame, 20);
    /* A zero-length read never reaches ndisprot: KMDF completes it with
     * STATUS_SUCCESS (its queue does not set AllowZeroLengthRequests). */
    assert_int_equal(NkHostReadFile(F.File, got, 0, &n), STATUS_SUCCESS);
    assert_int_equal(n, 0);
    s = Stats();
    assert_int_equal(s.FramesReceived, 2);
    assert_int_equal(s.BytesReceived, 64 + 68);
    assert_int_equal(s.FramesRead, 2);
    assert_int_equal(s.DroppedFilter, 1);
    assert_int_equal(s.QueuedFrames, 0);
    assert_int_equal(s.QueueLength, NDISPROT_DEFAULT_QUEUE_LENGTH);
    Unload();
}

static void test_open_device(void **state)
{
    static const WCHAR lower[] = L"\\device\\{6e6b7072-0000-0000-0000-000000000001}";
    HANDLE second;
    UCHAR odd[3] = {'a', 0, 'b'};
    ULONG n;
    (void)state;

    Load(FALSE);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_OPEN_DEVICE, NULL, 0, NULL, 0, &n), STATUS_INVALID_PARAMETER);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_OPEN_DEVICE, L"\\DEVICE\\{NOPE}", 28, NULL, 0, &n),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_OPEN_DEVICE, odd, sizeof(odd), NULL, 0, &n), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_OPEN_DEVICE, L"\0\0", 4, NULL, 0, &n), STATUS_INVALID_PARAMETER);
    /* Any case, with the trailing NUL. */
    assert_int_equal(Ioctl(IOCTL_NDISPROT_OPEN_DEVICE, lower, sizeof(lower), NULL, 0, &n), STATUS_SUCCESS);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_OPEN_DEVICE, lower, sizeof(lower), NULL, 0, &n), STATUS_DEVICE_BUSY);
    /* One handle per adapter. */
    assert_int_equal(NkHostCreateFile(L"\\\\.\\NdisProt", &second), STATUS_SUCCESS);
    assert_int_equal(NkHostDeviceIoControl(second, IOCTL_NDISPROT_OPEN_DEVICE, lower, sizeof(lower), NULL, 0, &n),
                     STATUS_DEVICE_BUSY);
    /* Closing the first frees the adapter, and its filter goes back to 0. */
    assert_int_equal(NkHostCloseHandle(F.File), STATUS_SUCCESS);
    F.File = second;
    assert_int_equal(NkHostAdapterPacketFilter(F.Adapter), 0);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_OPEN_DEVICE, lower, sizeof(lower), NULL, 0, &n), STATUS_SUCCESS);
    assert_int_not_equal(NkHostAdapterPacketFilter(F.Adapter), 0);
    Unload();
}

static void test_query_binding(void **state)
{
    UCHAR buffer[1024];
    NDISPROT_QUERY_BINDING *q = (NDISPROT_QUERY_BINDING *)buffer;
    const WCHAR *name, *descr;
    ULONG n;
    (void)state;

    Load(FALSE);
    memset(buffer, 0xCC, sizeof(buffer));
    q->BindingIndex = 0;
    assert_int_equal(Ioctl(IOCTL_NDISPROT_QUERY_BINDING, q, sizeof(*q), buffer, sizeof(buffer), &n), STATUS_SUCCESS);
    assert_int_equal(q->DeviceNameOffset, sizeof(*q));
    assert_int_equal(q->DeviceNameLength, sizeof(ADAPTER_NAME) - sizeof(WCHAR));
    name = (const WCHAR *)(buffer + q->DeviceNameOffset);
    assert_memory_equal(name, ADAPTER_NAME, sizeof(ADAPTER_NAME)); /* NUL-terminated */
    assert_true(q->DeviceDescrLength > 0);
    assert_true(q->DeviceDescrOffset >= q->DeviceNameOffset + q->DeviceNameLength + sizeof(WCHAR));
    assert_true(q->DeviceDescrOffset + q->DeviceDescrLength + sizeof(WCHAR) <= n);
    descr = (const WCHAR *)(buffer + q->DeviceDescrOffset);
    assert_int_equal(descr[q->DeviceDescrLength / sizeof(WCHAR)], 0);
    assert_int_equal(n, q->DeviceDescrOffset + q->DeviceDescrLength + sizeof(WCHAR));

    q->BindingIndex = 1;
    assert_int_equal(Ioctl(IOCTL_NDISPROT_QUERY_BINDING, q, sizeof(*q), buffer, sizeof(buffer), &n),
                     STATUS_NO_MORE_ENTRIES);
    q->BindingIndex = 0;
    assert_int_equal(Ioctl(IOCTL_NDISPROT_QUERY_BINDING, q, sizeof(*q), buffer, sizeof(*q) + 4, &n),
                     STATUS_BUFFER_OVERFLOW);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_QUERY_BINDING, q, 4, buffer, sizeof(buffer), &n), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_QUERY_BINDING, NULL, 0, NULL, 0, &n), STATUS_BUFFER_TOO_SMALL);
    Unload();
}

static void test_oids(void **state)
{
    UCHAR buffer[64];
    NDISPROT_QUERY_OID *q = (NDISPROT_QUERY_OID *)buffer;
    NDISPROT_SET_OID *s = (NDISPROT_SET_OID *)buffer;
    ULONG n;
    (void)state;

    Load(FALSE);
    q->Oid = OID_802_3_CURRENT_ADDRESS;
    q->PortNumber = 0;
    assert_int_equal(Ioctl(IOCTL_NDISPROT_QUERY_OID_VALUE, q, 8, buffer, sizeof(buffer), &n),
                     STATUS_DEVICE_NOT_CONNECTED); /* the sample's status */
    assert_int_equal(Ioctl(IOCTL_NDISPROT_OPEN_DEVICE, ADAPTER_NAME, sizeof(ADAPTER_NAME), NULL, 0, &n),
                     STATUS_SUCCESS);
    memset(buffer + 8, 0xCC, sizeof(buffer) - 8);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_QUERY_OID_VALUE, q, 8, buffer, sizeof(buffer), &n), STATUS_SUCCESS);
    assert_int_equal(n, 8 + 6); /* what the adapter wrote, no more */
    assert_memory_equal(q->Data, Mac, 6);
    /* A data area too small for a MAC. */
    assert_int_equal(Ioctl(IOCTL_NDISPROT_QUERY_OID_VALUE, q, 8, buffer, 12, &n), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_QUERY_OID_VALUE, q, 4, buffer, 4, &n), STATUS_BUFFER_TOO_SMALL);
    q->Oid = 0x7F7F7F7F;
    assert_int_equal(Ioctl(IOCTL_NDISPROT_QUERY_OID_VALUE, q, 8, buffer, sizeof(buffer), &n), STATUS_NOT_SUPPORTED);
    q->Oid = OID_802_3_CURRENT_ADDRESS;
    q->PortNumber = 3;
    assert_int_equal(Ioctl(IOCTL_NDISPROT_QUERY_OID_VALUE, q, 8, buffer, sizeof(buffer), &n), STATUS_NOT_SUPPORTED);

    /* Sets: 802.11 and the multicast list only - never the packet filter. */
    s->Oid = OID_GEN_CURRENT_PACKET_FILTER;
    s->PortNumber = 0;
    memset(s->Data, 0xFF, 4);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_SET_OID_VALUE, s, 12, NULL, 0, &n), STATUS_INVALID_PARAMETER);
    assert_int_equal(NkHostAdapterPacketFilter(F.Adapter),
                     NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_MULTICAST | NDIS_PACKET_TYPE_BROADCAST);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_SET_OID_VALUE, s, 7, NULL, 0, &n), STATUS_BUFFER_TOO_SMALL);
    /* The multicast list is the user's: a group address joined is received,
     * another is not; a list of partial addresses is refused. */
    {
        static const UCHAR group[6] = {0x01, 0x80, 0xC2, 0x00, 0x00, 0x03}, other[6] = {0x01, 0x00, 0x5E, 0, 0, 1};
        UCHAR frame[60], got[256];
        s->Oid = OID_802_3_MULTICAST_LIST;
        memcpy(s->Data, group, 6);
        assert_int_equal(Ioctl(IOCTL_NDISPROT_SET_OID_VALUE, s, 8 + 6, NULL, 0, &n), STATUS_SUCCESS);
        assert_int_equal(Ioctl(IOCTL_NDISPROT_SET_OID_VALUE, s, 8 + 5, NULL, 0, &n), STATUS_BUFFER_TOO_SMALL);
        MakeFrame(frame, other, Peer, 0x888E, sizeof(frame), 1);
        assert_int_equal(NkHostAdapterInject(F.Adapter, frame, sizeof(frame), FALSE), STATUS_SUCCESS);
        MakeFrame(frame, group, Peer, 0x888E, sizeof(frame), 2);
        assert_int_equal(NkHostAdapterInject(F.Adapter, frame, sizeof(frame), FALSE), STATUS_SUCCESS);
        assert_int_equal(Read(got, sizeof(got), &n), STATUS_SUCCESS);
        assert_memory_equal(got, frame, sizeof(frame));
        assert_int_equal(Stats().FramesReceived, 1);
        q->Oid = OID_802_3_MULTICAST_LIST;
        q->PortNumber = 0;
        assert_int_equal(Ioctl(IOCTL_NDISPROT_QUERY_OID_VALUE, q, 8, buffer, sizeof(buffer), &n), STATUS_SUCCESS);
        assert_int_equal(n, 8 + 6);
        assert_memory_equal(q->Data, group, 6);
    }
    Unload();
}

static void test_indicate_status(void **state)
{
    UCHAR out[64];
    NDISPROT_INDICATE_STATUS *st = (NDISPROT_INDICATE_STATUS *)out;
    NDIS_LINK_STATE link;
    NK_HOST_IO *io;
    ULONG n;
    (void)state;

    Load(TRUE);
    memset(&link, 0, sizeof(link));
    link.MediaConnectState = MediaConnectStateDisconnected;
    assert_int_equal(NkHostDeviceIoControlAsync(F.File, IOCTL_NDISPROT_INDICATE_STATUS, NULL, 0, out, sizeof(out), &io),
                     STATUS_PENDING);
    assert_int_equal(NkHostWaitIo(io, 20, &n), STATUS_TIMEOUT); /* until the adapter says something */
    NkHostIndicateStatus(F.Adapter, NDIS_STATUS_LINK_STATE, &link, sizeof(link));
    assert_int_equal(NkHostWaitIo(io, 5000, &n), STATUS_SUCCESS);
    assert_int_equal(st->IndicatedStatus, (ULONG)NDIS_STATUS_LINK_STATE);
    assert_int_equal(st->StatusBufferOffset, sizeof(*st));
    assert_int_equal(st->StatusBufferLength, sizeof(link));
    assert_int_equal(n, sizeof(*st) + sizeof(link));
    assert_memory_equal(out + sizeof(*st), &link, sizeof(link));
    /* Too small for the status buffer: as much as fits, STATUS_BUFFER_OVERFLOW. */
    assert_int_equal(NkHostDeviceIoControlAsync(F.File, IOCTL_NDISPROT_INDICATE_STATUS, NULL, 0, out, sizeof(*st) + 4,
                                                &io),
                     STATUS_PENDING);
    NkHostIndicateStatus(F.Adapter, NDIS_STATUS_LINK_STATE, &link, sizeof(link));
    assert_int_equal(NkHostWaitIo(io, 5000, &n), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_INDICATE_STATUS, NULL, 0, out, 8, &n), STATUS_BUFFER_TOO_SMALL);
    /* A waiting request is cancelled when the handle closes. */
    assert_int_equal(NkHostDeviceIoControlAsync(F.File, IOCTL_NDISPROT_INDICATE_STATUS, NULL, 0, out, sizeof(out), &io),
                     STATUS_PENDING);
    assert_int_equal(NkHostCloseHandle(F.File), STATUS_SUCCESS);
    F.File = NULL;
    assert_int_equal(NkHostWaitIo(io, 5000, &n), STATUS_CANCELLED);
    Unload();
}

/* ---- ndiskit's extensions ------------------------------------------------------------- */

static void test_queue_overflow_drops_oldest(void **state)
{
    UCHAR got[256];
    ULONG four = 4, n;
    NDISPROT_STATISTICS s;
    (void)state;

    Load(TRUE);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_SET_QUEUE_LENGTH, &four, sizeof(four), NULL, 0, &n), STATUS_SUCCESS);
    for (UCHAR i = 0; i < 10; i++)
        Inject(0x888E, 60, i, NULL);
    s = Stats();
    assert_int_equal(s.FramesReceived, 10);
    assert_int_equal(s.DroppedQueueFull, 6);
    assert_int_equal(s.QueuedFrames, 4);
    for (UCHAR i = 6; i < 10; i++) { /* the newest four, oldest first */
        assert_int_equal(Read(got, sizeof(got), &n), STATUS_SUCCESS);
        assert_int_equal(n, 60);
        assert_int_equal(got[14], (UCHAR)(i + 14));
    }
    /* Shrinking drops the oldest beyond the new length. */
    for (UCHAR i = 0; i < 4; i++)
        Inject(0x888E, 60, i, NULL);
    four = 1;
    assert_int_equal(Ioctl(IOCTL_NDISPROT_SET_QUEUE_LENGTH, &four, sizeof(four), NULL, 0, &n), STATUS_SUCCESS);
    assert_int_equal(Stats().QueuedFrames, 1);
    assert_int_equal(Read(got, sizeof(got), &n), STATUS_SUCCESS);
    assert_int_equal(got[14], (UCHAR)(3 + 14));
    four = 0;
    assert_int_equal(Ioctl(IOCTL_NDISPROT_SET_QUEUE_LENGTH, &four, sizeof(four), NULL, 0, &n), STATUS_INVALID_PARAMETER);
    four = NDISPROT_MAX_QUEUE_LENGTH + 1;
    assert_int_equal(Ioctl(IOCTL_NDISPROT_SET_QUEUE_LENGTH, &four, sizeof(four), NULL, 0, &n), STATUS_INVALID_PARAMETER);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_SET_QUEUE_LENGTH, &four, 2, NULL, 0, &n), STATUS_BUFFER_TOO_SMALL);
    Unload();
}

/* The per-stage counters appended to NDISPROT_STATISTICS: every frame
 * indicated is counted once, and lands in exactly one of filtered, no
 * memory, queued; frames NDIS could not indicate at all are the
 * adapter's discards.  A client built against the first version's
 * 72-byte structure still gets exactly that. */
static void test_statistics_stages(void **state)
{
    union {
        NDISPROT_STATISTICS s;
        UCHAR bytes[sizeof(NDISPROT_STATISTICS) + 16];
    } big;
    NDISPROT_STATISTICS s, t;
    UCHAR old[NDISPROT_STATISTICS_V1_SIZE];
    ULONG two = 2, n, hitAdapter = 0, hitCopy = 0;
    (void)state;

    assert_int_equal(FIELD_OFFSET(NDISPROT_STATISTICS, FramesIndicated), NDISPROT_STATISTICS_V1_SIZE);
    Load(TRUE);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_SET_QUEUE_LENGTH, &two, sizeof(two), NULL, 0, &n), STATUS_SUCCESS);
    Inject(0x0800, 64, 1, NULL);                 /* filtered */
    for (UCHAR i = 0; i < 3; i++)
        Inject(0x888E, 64, i, NULL);             /* the oldest is pushed out */
    s = Stats();
    assert_int_equal(s.FramesIndicated, 4);
    assert_int_equal(s.DroppedFilter, 1);
    assert_int_equal(s.FramesReceived, 3);
    assert_int_equal(s.DroppedQueueFull, 1);
    assert_int_equal(s.DroppedNoResources, 0);
    assert_int_equal(s.AdapterReceiveDiscards, 0); /* the host's adapters report OID_GEN_RCV_DISCARDS */

    /* The first version's size: its 72 bytes, the same values. */
    memset(old, 0xCC, sizeof(old));
    assert_int_equal(Ioctl(IOCTL_NDISPROT_GET_STATISTICS, NULL, 0, old, sizeof(old), &n), STATUS_SUCCESS);
    assert_int_equal(n, NDISPROT_STATISTICS_V1_SIZE);
    assert_memory_equal(old, &s, NDISPROT_STATISTICS_V1_SIZE);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_GET_STATISTICS, NULL, 0, old, sizeof(old) - 1, &n),
                     STATUS_BUFFER_TOO_SMALL);
    /* A larger buffer: the whole structure, no more. */
    assert_int_equal(Ioctl(IOCTL_NDISPROT_GET_STATISTICS, NULL, 0, &big, sizeof(big), &n), STATUS_SUCCESS);
    assert_int_equal(n, sizeof(NDISPROT_STATISTICS));
    assert_int_equal(big.s.FramesIndicated, 4);

    /* Fail each allocation along the receive path in turn: NDIS's copy,
     * MDL and NBL (the adapter discards the frame) or ndisprot's queued
     * copy (no memory); otherwise the frame is queued.  One stage, once. */
    for (ULONG64 k = 1; k <= 8; k++) {
        s = Stats();
        NkHostFailNth(NkFaultPoolAllocation, k);
        Inject(0x888E, 64, 9, NULL);
        NkHostFailNth(NkFaultPoolAllocation, 0);
        t = Stats();
        assert_int_equal((t.AdapterReceiveDiscards - s.AdapterReceiveDiscards) +
                             (t.DroppedNoResources - s.DroppedNoResources) + (t.FramesReceived - s.FramesReceived),
                         1);
        assert_int_equal(t.FramesIndicated - s.FramesIndicated, t.AdapterReceiveDiscards == s.AdapterReceiveDiscards);
        hitAdapter += t.AdapterReceiveDiscards != s.AdapterReceiveDiscards;
        hitCopy += t.DroppedNoResources != s.DroppedNoResources;
        assert_int_equal(t.FramesIndicated, t.DroppedFilter + t.DroppedNoResources + t.FramesReceived);
    }
    assert_true(hitAdapter >= 1);
    assert_int_equal(hitCopy, 1);
    Unload();
}

static void test_ethertype_filter(void **state)
{
    UCHAR buffer[128], got[256];
    NDISPROT_ETHERTYPE_FILTER *f = (NDISPROT_ETHERTYPE_FILTER *)buffer;
    ULONG n;
    (void)state;

    Load(TRUE);
    memset(buffer, 0, sizeof(buffer));
    f->Count = 2;
    f->EtherTypes[0] = 0x0800;
    f->EtherTypes[1] = 0x86DD;
    assert_int_equal(Ioctl(IOCTL_NDISPROT_SET_ETHERTYPES, f, NDISPROT_ETHERTYPE_FILTER_SIZE(2), NULL, 0, &n),
                     STATUS_SUCCESS);
    Inject(0x888E, 60, 1, NULL);
    Inject(0x86DD, 60, 2, NULL);
    Inject(0x0806, 60, 3, NULL);
    Inject(0x0800, 60, 4, NULL);
    assert_int_equal(Read(got, sizeof(got), &n), STATUS_SUCCESS);
    assert_int_equal(got[13], 0xDD);
    assert_int_equal(Read(got, sizeof(got), &n), STATUS_SUCCESS);
    assert_int_equal(got[12], 0x08);
    assert_int_equal(Stats().DroppedFilter, 2);
    /* Every frame. */
    f->Flags = NDISPROT_ETHERTYPES_ALL;
    f->Count = 0;
    assert_int_equal(Ioctl(IOCTL_NDISPROT_SET_ETHERTYPES, f, 8, NULL, 0, &n), STATUS_SUCCESS);
    Inject(0x0806, 60, 5, NULL);
    assert_int_equal(Read(got, sizeof(got), &n), STATUS_SUCCESS);
    assert_int_equal(got[13], 0x06);
    /* Refused: no types, too many, a short list, unknown flags. */
    f->Flags = 0;
    f->Count = 0;
    assert_int_equal(Ioctl(IOCTL_NDISPROT_SET_ETHERTYPES, f, 8, NULL, 0, &n), STATUS_INVALID_PARAMETER);
    f->Count = NDISPROT_MAX_ETHERTYPES + 1;
    assert_int_equal(Ioctl(IOCTL_NDISPROT_SET_ETHERTYPES, f, sizeof(buffer), NULL, 0, &n), STATUS_INVALID_PARAMETER);
    f->Count = 3;
    assert_int_equal(Ioctl(IOCTL_NDISPROT_SET_ETHERTYPES, f, NDISPROT_ETHERTYPE_FILTER_SIZE(2), NULL, 0, &n),
                     STATUS_BUFFER_TOO_SMALL);
    f->Flags = 0x80;
    f->Count = 1;
    assert_int_equal(Ioctl(IOCTL_NDISPROT_SET_ETHERTYPES, f, sizeof(buffer), NULL, 0, &n), STATUS_INVALID_PARAMETER);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_SET_ETHERTYPES, f, 4, NULL, 0, &n), STATUS_BUFFER_TOO_SMALL);
    Unload();
}

static void test_promiscuous(void **state)
{
    UCHAR frame[60], got[256];
    ULONG on = 1, n;
    (void)state;

    Load(TRUE);
    /* A frame to another station: not ours until promiscuous. */
    MakeFrame(frame, Peer, Peer, 0x888E, sizeof(frame), 1);
    assert_int_equal(NkHostAdapterInject(F.Adapter, frame, sizeof(frame), FALSE), STATUS_SUCCESS);
    assert_int_equal(Stats().FramesReceived, 0);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_SET_PROMISCUOUS, &on, sizeof(on), NULL, 0, &n), STATUS_SUCCESS);
    assert_true(NkHostAdapterPacketFilter(F.Adapter) & NDIS_PACKET_TYPE_PROMISCUOUS);
    assert_int_equal(NkHostAdapterInject(F.Adapter, frame, sizeof(frame), FALSE), STATUS_SUCCESS);
    assert_int_equal(Read(got, sizeof(got), &n), STATUS_SUCCESS);
    assert_memory_equal(got, frame, sizeof(frame));
    on = 0;
    assert_int_equal(Ioctl(IOCTL_NDISPROT_SET_PROMISCUOUS, &on, sizeof(on), NULL, 0, &n), STATUS_SUCCESS);
    assert_false(NkHostAdapterPacketFilter(F.Adapter) & NDIS_PACKET_TYPE_PROMISCUOUS);
    on = 2;
    assert_int_equal(Ioctl(IOCTL_NDISPROT_SET_PROMISCUOUS, &on, sizeof(on), NULL, 0, &n), STATUS_INVALID_PARAMETER);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_SET_PROMISCUOUS, &on, 1, NULL, 0, &n), STATUS_BUFFER_TOO_SMALL);
    Unload();
}

static void test_batched_read(void **state)
{
    UCHAR frames[5][200], out[4096];
    NDISPROT_FRAME_HEADER *h;
    ULONG n, count;
    LARGE_INTEGER before;
    (void)state;

    Load(TRUE);
    KeQuerySystemTimePrecise(&before);
    for (UCHAR i = 0; i < 5; i++)
        Inject(0x888E, 100 + i * 20, i, frames[i]);
    memset(out, 0xCC, sizeof(out));
    assert_int_equal(Ioctl(IOCTL_NDISPROT_READ_BATCH, NULL, 0, out, sizeof(out), &n), STATUS_SUCCESS);
    count = 0;
    for (h = (NDISPROT_FRAME_HEADER *)out; (PUCHAR)h + sizeof(*h) <= out + n; h = NDISPROT_FRAME_NEXT(h)) {
        assert_int_equal(h->Length, 100 + count * 20);
        assert_int_equal(h->OriginalLength, h->Length);
        assert_int_equal(h->Flags, 0);
        assert_true(h->Timestamp >= before.QuadPart);
        assert_memory_equal(NDISPROT_FRAME_DATA(h), frames[count], h->Length);
        count++;
    }
    assert_int_equal(count, 5);
    /* Only whole frames after the first: room for two records of 100+. */
    for (UCHAR i = 0; i < 3; i++)
        Inject(0x888E, 100, i, frames[i]);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_READ_BATCH, NULL, 0, out, 2 * NDISPROT_FRAME_RECORD_SIZE(100), &n),
                     STATUS_SUCCESS);
    assert_int_equal(n, NDISPROT_FRAME_RECORD_SIZE(100) + sizeof(*h) + 100);
    /* The first frame alone does not fit: it comes truncated, flagged. */
    assert_int_equal(Ioctl(IOCTL_NDISPROT_READ_BATCH, NULL, 0, out, sizeof(*h) + 50, &n), STATUS_SUCCESS);
    h = (NDISPROT_FRAME_HEADER *)out;
    assert_int_equal(n, sizeof(*h) + 50);
    assert_int_equal(h->Length, 50);
    assert_int_equal(h->OriginalLength, 100);
    assert_int_equal(h->Flags, NDISPROT_FRAME_TRUNCATED);
    assert_memory_equal(NDISPROT_FRAME_DATA(h), frames[2], 50);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_READ_BATCH, NULL, 0, out, sizeof(*h), &n), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(Stats().FramesRead, 8);
    Unload();
}

/* Builds a batched write of Count frames of Length bytes; returns its size. */
static ULONG BuildBatch(UCHAR *Buffer, ULONG Count, ULONG Length, const UCHAR *Src)
{
    ULONG offset = 0;
    for (ULONG i = 0; i < Count; i++) {
        NDISPROT_FRAME_HEADER *h = (NDISPROT_FRAME_HEADER *)(Buffer + offset);
        memset(h, 0, sizeof(*h));
        h->Length = Length;
        MakeFrame(NDISPROT_FRAME_DATA(h), Peer, Src, 0x888E, Length, (UCHAR)i);
        offset += NDISPROT_FRAME_RECORD_SIZE(Length);
    }
    return offset;
}

static void test_batched_write(void **state)
{
    static UCHAR batch[64 * 1024];
    UCHAR got[2048];
    LONG results[16];
    NDISPROT_FRAME_HEADER *h;
    ULONG size, n;
    (void)state;

    Load(TRUE);
    size = BuildBatch(batch, 3, 100, Mac);
    h = NDISPROT_FRAME_NEXT((NDISPROT_FRAME_HEADER *)batch);
    memcpy(NDISPROT_FRAME_DATA(h) + 6, Peer, 6); /* the second one spoofs its source */
    assert_int_equal(Ioctl(IOCTL_NDISPROT_WRITE_BATCH, batch, size, results, sizeof(results), &n), STATUS_SUCCESS);
    assert_int_equal(n, 3 * sizeof(LONG));
    assert_int_equal(results[0], STATUS_SUCCESS);
    assert_int_equal(results[1], STATUS_INVALID_PARAMETER);
    assert_int_equal(results[2], STATUS_SUCCESS);
    assert_int_equal(NkHostAdapterCapture(F.Adapter, got, sizeof(got)), 100);
    assert_int_equal(got[14], 14);
    assert_int_equal(NkHostAdapterCapture(F.Adapter, got, sizeof(got)), 100);
    assert_int_equal(got[14], 2 + 14);
    assert_int_equal(NkHostAdapterCapture(F.Adapter, got, sizeof(got)), 0);
    assert_int_equal(Stats().FramesSent, 2);
    assert_int_equal(Stats().SendErrors, 1);

    /* Framing errors refuse the whole batch before anything is sent. */
    size = BuildBatch(batch, 2, 60, Mac);
    ((NDISPROT_FRAME_HEADER *)batch)->Reserved = 1;
    assert_int_equal(Ioctl(IOCTL_NDISPROT_WRITE_BATCH, batch, size, results, sizeof(results), &n),
                     STATUS_INVALID_PARAMETER);
    size = BuildBatch(batch, 2, 60, Mac);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_WRITE_BATCH, batch, size - 8, results, sizeof(results), &n),
                     STATUS_INVALID_PARAMETER);                    /* the last record runs past the end */
    ((NDISPROT_FRAME_HEADER *)batch)->Length = 0xFFFFFFF0u;
    assert_int_equal(Ioctl(IOCTL_NDISPROT_WRITE_BATCH, batch, size, results, sizeof(results), &n),
                     STATUS_INVALID_PARAMETER);                    /* a huge length */
    size = BuildBatch(batch, 2, 60, Mac);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_WRITE_BATCH, batch, size, results, 4, &n), STATUS_BUFFER_TOO_SMALL);
    size = BuildBatch(batch, NDISPROT_MAX_BATCH_FRAMES + 1, 14, Mac);
    assert_true(size <= sizeof(batch));
    assert_int_equal(Ioctl(IOCTL_NDISPROT_WRITE_BATCH, batch, size, batch, size, &n), STATUS_INVALID_PARAMETER);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_WRITE_BATCH, batch, 8, results, sizeof(results), &n), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(NkHostAdapterCapture(F.Adapter, got, sizeof(got)), 0);
    /* All refused: the request fails with the (last) frame's status. */
    size = BuildBatch(batch, 2, 60, Peer);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_WRITE_BATCH, batch, size, results, sizeof(results), &n),
                     STATUS_INVALID_PARAMETER);
    Unload();
}

static void test_ioctl_without_open_and_unknown(void **state)
{
    UCHAR buffer[64];
    ULONG n;
    static const ULONG needOpen[] = {IOCTL_NDISPROT_QUERY_OID_VALUE, IOCTL_NDISPROT_SET_OID_VALUE,
                                     IOCTL_NDISPROT_INDICATE_STATUS, IOCTL_NDISPROT_SET_ETHERTYPES,
                                     IOCTL_NDISPROT_SET_PROMISCUOUS, IOCTL_NDISPROT_SET_QUEUE_LENGTH,
                                     IOCTL_NDISPROT_GET_STATISTICS, IOCTL_NDISPROT_READ_BATCH,
                                     IOCTL_NDISPROT_WRITE_BATCH};
    (void)state;

    Load(FALSE);
    memset(buffer, 0, sizeof(buffer));
    for (ULONG i = 0; i < sizeof(needOpen) / sizeof(needOpen[0]); i++)
        assert_int_equal(Ioctl(needOpen[i], buffer, sizeof(buffer), buffer, sizeof(buffer), &n),
                         i < 2 ? STATUS_DEVICE_NOT_CONNECTED : STATUS_INVALID_HANDLE); /* the two OID IOCTLs first */
    assert_int_equal(Ioctl(_NDISPROT_CTL_CODE(0x2FF, METHOD_BUFFERED, FILE_READ_ACCESS | FILE_WRITE_ACCESS), buffer,
                           sizeof(buffer), buffer, sizeof(buffer), &n),
                     STATUS_NOT_SUPPORTED);
    assert_int_equal(Read(buffer, sizeof(buffer), &n), STATUS_INVALID_HANDLE);
    Unload();
}

/* ---- lifetime: cancellation, pause, power, unbind, unload ---------------------------- */

static void test_pending_read_cancelled(void **state)
{
    UCHAR got[256];
    NK_HOST_IO *io;
    ULONG n;
    (void)state;

    Load(TRUE);
    assert_int_equal(NkHostReadFileAsync(F.File, got, sizeof(got), &io), STATUS_PENDING);
    NkHostCancelIo(io);
    assert_int_equal(NkHostWaitIo(io, 5000, &n), STATUS_CANCELLED);
    /* The next frame goes to the next read, not to the cancelled one. */
    Inject(0x888E, 60, 1, NULL);
    assert_int_equal(Read(got, sizeof(got), &n), STATUS_SUCCESS);
    assert_int_equal(n, 60);
    Unload();
}

static void test_write_cancel_and_pended_sends(void **state)
{
    static UCHAR batch[4096];
    UCHAR frame[60], got[256];
    LONG results[4];
    NK_HOST_IO *io, *io2;
    ULONG n, size;
    (void)state;

    Load(TRUE);
    NkHostSetAdapterPendSends(F.Adapter, TRUE);  /* a busy NIC: sends wait */
    MakeFrame(frame, Peer, Mac, 0x888E, sizeof(frame), 1);
    /* Cancelled while the adapter holds it: NdisCancelSendNetBufferLists
     * aborts it, and the write completes STATUS_CANCELLED, nothing sent. */
    assert_int_equal(NkHostWriteFileAsync(F.File, frame, sizeof(frame), &io), STATUS_PENDING);
    assert_int_equal(NkHostWaitIo(io, 20, &n), STATUS_TIMEOUT);
    NkHostCancelIo(io);
    assert_int_equal(NkHostWaitIo(io, 5000, &n), STATUS_CANCELLED);
    assert_int_equal(NkHostCompleteSends(F.Adapter), 0);
    assert_int_equal(NkHostAdapterCapture(F.Adapter, got, sizeof(got)), 0);
    /* Two in flight: cancelling one leaves the other alone. */
    assert_int_equal(NkHostWriteFileAsync(F.File, frame, sizeof(frame), &io), STATUS_PENDING);
    size = (ULONG)BuildBatch(batch, 2, 60, Mac);
    assert_int_equal(NkHostDeviceIoControlAsync(F.File, IOCTL_NDISPROT_WRITE_BATCH, batch, size, results,
                                                sizeof(results), &io2),
                     STATUS_PENDING);
    NkHostCancelIo(io2);
    assert_int_equal(NkHostWaitIo(io2, 5000, &n), STATUS_CANCELLED);
    assert_int_equal(NkHostWaitIo(io, 20, &n), STATUS_TIMEOUT);
    assert_int_equal(NkHostCompleteSends(F.Adapter), 1);
    assert_int_equal(NkHostWaitIo(io, 5000, &n), STATUS_SUCCESS);
    assert_int_equal(n, sizeof(frame));
    assert_int_equal(NkHostAdapterCapture(F.Adapter, got, sizeof(got)), sizeof(frame));
    /* Completed first, cancelled after: the cancel finds nothing, no harm. */
    assert_int_equal(NkHostWriteFileAsync(F.File, frame, sizeof(frame), &io), STATUS_PENDING);
    assert_int_equal(NkHostCompleteSends(F.Adapter), 1);
    NkHostCancelIo(io);
    assert_int_equal(NkHostWaitIo(io, 5000, &n), STATUS_SUCCESS);
    /* A pause while writes are held: the miniport returns them aborted
     * (STATUS_CANCELLED), the pause completes, and after the restart writes
     * go out again. */
    assert_int_equal(NkHostWriteFileAsync(F.File, frame, sizeof(frame), &io), STATUS_PENDING);
    size = (ULONG)BuildBatch(batch, 2, 60, Mac);
    assert_int_equal(NkHostDeviceIoControlAsync(F.File, IOCTL_NDISPROT_WRITE_BATCH, batch, size, results,
                                                sizeof(results), &io2),
                     STATUS_PENDING);
    assert_int_equal(NkHostPauseAdapter(F.Adapter), STATUS_SUCCESS);
    assert_int_equal(NkHostWaitIo(io, 5000, &n), STATUS_CANCELLED);
    assert_int_equal(NkHostWaitIo(io2, 5000, &n), STATUS_CANCELLED);
    assert_int_equal(NkHostWriteFile(F.File, frame, sizeof(frame), &n), STATUS_DEVICE_NOT_READY);
    assert_int_equal(NkHostRestartAdapter(F.Adapter), STATUS_SUCCESS);
    assert_int_equal(NkHostWriteFileAsync(F.File, frame, sizeof(frame), &io), STATUS_PENDING);
    assert_int_equal(NkHostCompleteSends(F.Adapter), 1);
    assert_int_equal(NkHostWaitIo(io, 5000, &n), STATUS_SUCCESS);
    (void)NkHostAdapterCapture(F.Adapter, got, sizeof(got));
    /* The adapter goes away with a write held: the pause before the unbind
     * aborts it, and the unbind (which waits for it) finishes. */
    assert_int_equal(NkHostWriteFileAsync(F.File, frame, sizeof(frame), &io), STATUS_PENDING);
    NkHostRemoveAdapter(F.Adapter);
    assert_int_equal(NkHostWaitIo(io, 5000, &n), STATUS_CANCELLED);
    assert_int_equal(NkHostAddAdapter(ADAPTER_NAME, Mac, 1500, &F.Adapter), STATUS_SUCCESS);
    Unload();
}

static void test_pause_and_power(void **state)
{
    UCHAR frame[60];
    NET_DEVICE_POWER_STATE power;
    ULONG n;
    (void)state;

    Load(TRUE);
    MakeFrame(frame, Peer, Mac, 0x888E, sizeof(frame), 0);
    assert_int_equal(NkHostPauseAdapter(F.Adapter), STATUS_SUCCESS);
    assert_int_equal(NkHostWriteFile(F.File, frame, sizeof(frame), &n), STATUS_DEVICE_NOT_READY);
    assert_int_equal(NkHostRestartAdapter(F.Adapter), STATUS_SUCCESS);
    assert_int_equal(NkHostWriteFile(F.File, frame, sizeof(frame), &n), STATUS_SUCCESS);
    /* Low power fails writes; back in D0 they work again (the sample's
     * port never reset its power flag). */
    power = NetDeviceStateD3;
    assert_int_equal(NkHostIndicatePnpEvent(F.Adapter, NetEventSetPower, &power, sizeof(power)), STATUS_SUCCESS);
    assert_int_equal(NkHostWriteFile(F.File, frame, sizeof(frame), &n), STATUS_DEVICE_NOT_READY);
    power = NetDeviceStateD0;
    assert_int_equal(NkHostIndicatePnpEvent(F.Adapter, NetEventSetPower, &power, sizeof(power)), STATUS_SUCCESS);
    assert_int_equal(NkHostWriteFile(F.File, frame, sizeof(frame), &n), STATUS_SUCCESS);
    Unload();
}

static void test_unbind_with_io_pending(void **state)
{
    UCHAR got[256], out[64], frame[60];
    NK_HOST_IO *read, *status;
    ULONG n;
    (void)state;

    Load(TRUE);
    Inject(0x888E, 60, 1, NULL);
    Inject(0x888E, 60, 2, NULL); /* queued frames are freed with the binding */
    assert_int_equal(Read(got, sizeof(got), &n), STATUS_SUCCESS);
    assert_int_equal(Read(got, 1, &n), STATUS_SUCCESS); /* one was still queued */
    assert_int_equal(NkHostReadFileAsync(F.File, got, sizeof(got), &read), STATUS_PENDING);
    assert_int_equal(NkHostDeviceIoControlAsync(F.File, IOCTL_NDISPROT_INDICATE_STATUS, NULL, 0, out, sizeof(out),
                                                &status),
                     STATUS_PENDING);
    Inject(0x888E, 60, 3, NULL);
    assert_int_equal(NkHostWaitIo(read, 5000, &n), STATUS_SUCCESS);
    assert_int_equal(NkHostReadFileAsync(F.File, got, sizeof(got), &read), STATUS_PENDING);
    /* The adapter goes away: what waits is cancelled, the handle stays but
     * has no adapter any more. */
    NkHostRemoveAdapter(F.Adapter);
    assert_int_equal(NkHostWaitIo(read, 5000, &n), STATUS_CANCELLED);
    assert_int_equal(NkHostWaitIo(status, 5000, &n), STATUS_CANCELLED);
    MakeFrame(frame, Peer, Mac, 0x888E, sizeof(frame), 0);
    assert_int_equal(NkHostWriteFile(F.File, frame, sizeof(frame), &n), STATUS_INVALID_HANDLE);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_GET_STATISTICS, NULL, 0, out, sizeof(out), &n), STATUS_INVALID_HANDLE);
    /* It comes back: QUERY_BINDING finds it, and OPEN_DEVICE on the same handle works. */
    assert_int_equal(NkHostAddAdapter(ADAPTER_NAME, Mac, 1500, &F.Adapter), STATUS_SUCCESS);
    assert_int_equal(Ioctl(IOCTL_NDISPROT_OPEN_DEVICE, ADAPTER_NAME, sizeof(ADAPTER_NAME), NULL, 0, &n),
                     STATUS_SUCCESS);
    assert_int_equal(NkHostWriteFile(F.File, frame, sizeof(frame), &n), STATUS_SUCCESS);
    Unload();
}

typedef struct {
    UCHAR Buffer[64];
    NTSTATUS Status;
    ULONG Bytes;
} OID_CALL;

static void *QueryOidThread(void *Arg)
{
    OID_CALL *c = Arg;
    NDISPROT_QUERY_OID *q = (NDISPROT_QUERY_OID *)c->Buffer;
    q->Oid = OID_802_3_CURRENT_ADDRESS;
    q->PortNumber = 0;
    c->Status = NkHostDeviceIoControl(F.File, IOCTL_NDISPROT_QUERY_OID_VALUE, q, 8, c->Buffer, sizeof(c->Buffer),
                                      &c->Bytes);
    return NULL;
}

static void test_unbind_with_oid_pending(void **state)
{
    OID_CALL calls[2];
    pthread_t t[2];
    (void)state;

    Load(TRUE);
    /* A slow miniport: two queries wait inside the driver (user threads in
     * the IOCTL, each holding the open) when the adapter goes away.  The
     * unbind cancels the OIDs first, so the IOCTLs end and the unbind can
     * finish. */
    NkHostSetAdapterPendOids(F.Adapter, TRUE);
    memset(calls, 0, sizeof(calls));
    for (int i = 0; i < 2; i++) {
        calls[i].Status = STATUS_PENDING;
        assert_int_equal(pthread_create(&t[i], NULL, QueryOidThread, &calls[i]), 0);
    }
    while (NkHostAdapterHeldOids(F.Adapter) != 2) /* both queries are waiting on the miniport */
        usleep(1000);
    NkHostRemoveAdapter(F.Adapter);
    for (int i = 0; i < 2; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(calls[i].Status, STATUS_CANCELLED);
    }
    assert_int_equal(NkHostAddAdapter(ADAPTER_NAME, Mac, 1500, &F.Adapter), STATUS_SUCCESS);
    Unload();
}

static void *CloseThread(void *Arg)
{
    assert_int_equal(NkHostCloseHandle((HANDLE)Arg), STATUS_SUCCESS);
    return NULL;
}

/* One handle closes while another opens the same adapter: the closing
 * handle's cleanup (filter back to 0, queues purged, settings reset) is
 * held in its filter OID by a slow miniport, and the other handle's
 * OPEN_DEVICE comes right then.  The adapter is not free until that
 * cleanup is done: the newcomer is told it is busy, and once the cleanup
 * has finished it opens the adapter with its filter intact - never a
 * filter zeroed, or reads purged, by the previous handle's cleanup. */
static void test_open_device_during_cleanup(void **state)
{
    const ULONG open = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_MULTICAST | NDIS_PACKET_TYPE_BROADCAST;
    UCHAR frame[60], got[256];
    HANDLE second;
    NTSTATUS opened;
    pthread_t t;
    ULONG n;
    (void)state;

    Load(TRUE);
    assert_int_equal(NkHostCreateFile(L"\\\\.\\NdisProt", &second), STATUS_SUCCESS);
    NkHostSetAdapterPendOids(F.Adapter, TRUE);
    assert_int_equal(pthread_create(&t, NULL, CloseThread, F.File), 0);
    F.File = second;
    /* The cleanup waits in its filter OID once the adapter holds it: the
     * binding counts the OID in flight a moment before NDIS sees it, and
     * turning pending off in that moment would let it complete at once. */
    while (NkHostAdapterHeldOids(F.Adapter) == 0)
        usleep(1000);
    NkHostSetAdapterPendOids(F.Adapter, FALSE);
    opened = Ioctl(IOCTL_NDISPROT_OPEN_DEVICE, ADAPTER_NAME, sizeof(ADAPTER_NAME), NULL, 0, &n);
    assert_true(opened == STATUS_DEVICE_BUSY || opened == STATUS_SUCCESS);
    assert_int_equal(NkHostCompleteOids(F.Adapter), 1); /* the cleanup goes on, and ends */
    pthread_join(t, NULL);
    if (opened == STATUS_DEVICE_BUSY)
        assert_int_equal(Ioctl(IOCTL_NDISPROT_OPEN_DEVICE, ADAPTER_NAME, sizeof(ADAPTER_NAME), NULL, 0, &n),
                         STATUS_SUCCESS);
    assert_int_equal(NkHostAdapterPacketFilter(F.Adapter), open);
    Inject(0x888E, 60, 4, frame);
    assert_int_equal(Read(got, sizeof(got), &n), STATUS_SUCCESS);
    assert_memory_equal(got, frame, 60);
    Unload();
}

/* A multicast list a user joined is the handle's: cleanup leaves the
 * adapter's list empty for the next handle, and an unbind takes it with
 * the binding (NDIS drops an open's list at its close). */
static void test_multicast_list_cleared(void **state)
{
    static const UCHAR group[6] = {0x01, 0x80, 0xC2, 0x00, 0x00, 0x03};
    UCHAR buffer[64], frame[60];
    NDISPROT_SET_OID *s = (NDISPROT_SET_OID *)buffer;
    NDISPROT_QUERY_OID *q = (NDISPROT_QUERY_OID *)buffer;
    ULONG n;
    (void)state;

    Load(TRUE);
    for (int round = 0; round < 2; round++) {
        s->Oid = OID_802_3_MULTICAST_LIST;
        s->PortNumber = 0;
        memcpy(s->Data, group, 6);
        assert_int_equal(Ioctl(IOCTL_NDISPROT_SET_OID_VALUE, s, 8 + 6, NULL, 0, &n), STATUS_SUCCESS);
        if (round == 0) {
            /* The handle closes; a new one opens the adapter. */
            assert_int_equal(NkHostCloseHandle(F.File), STATUS_SUCCESS);
            assert_int_equal(NkHostCreateFile(L"\\\\.\\NdisProt", &F.File), STATUS_SUCCESS);
        } else {
            /* The adapter goes and comes back; the handle opens it again. */
            NkHostRemoveAdapter(F.Adapter);
            assert_int_equal(NkHostAddAdapter(ADAPTER_NAME, Mac, 1500, &F.Adapter), STATUS_SUCCESS);
        }
        assert_int_equal(Ioctl(IOCTL_NDISPROT_OPEN_DEVICE, ADAPTER_NAME, sizeof(ADAPTER_NAME), NULL, 0, &n),
                         STATUS_SUCCESS);
        q->Oid = OID_802_3_MULTICAST_LIST;
        q->PortNumber = 0;
        assert_int_equal(Ioctl(IOCTL_NDISPROT_QUERY_OID_VALUE, q, 8, buffer, sizeof(buffer), &n), STATUS_SUCCESS);
        assert_int_equal(n, 8); /* empty */
        /* A frame to the group the previous user joined is not indicated. */
        MakeFrame(frame, group, Peer, 0x888E, sizeof(frame), 5);
        assert_int_equal(NkHostAdapterInject(F.Adapter, frame, sizeof(frame), FALSE), STATUS_SUCCESS);
        assert_int_equal(Stats().FramesReceived, 0);
    }
    Unload();
}

static void test_unload_with_reads_pending(void **state)
{
    UCHAR got[256];
    NK_HOST_IO *read;
    ULONG n;
    (void)state;

    Load(TRUE);
    assert_int_equal(NkHostReadFileAsync(F.File, got, sizeof(got), &read), STATUS_PENDING);
    /* The process exits: the handle closes and the read is cancelled, then the unload. */
    assert_int_equal(NkHostCloseHandle(F.File), STATUS_SUCCESS);
    F.File = NULL;
    assert_int_equal(NkHostWaitIo(read, 5000, &n), STATUS_CANCELLED);
    Unload();
}

/* ---- the interleaving explorer --------------------------------------------------------- *
 *
 * The NDIS side of ndisprot - receives, send completions, status
 * indications, a pause and the unbind - in every order the seeds choose,
 * against reads, a held write and a status request the user issued before.
 * (User I/O is issued outside the explored actions: the host runs KMDF
 * callbacks under its object lock, which is not a schedule point.)
 */

/* Set once the unbind has removed the adapter: an action the explorer
 * starts only after that must not touch it (checked with no schedule
 * point between the check and the call). */
static volatile LONG ExploreUnbound;

static VOID ExploreInject(PVOID Context)
{
    UCHAR frame[60];
    (void)Context;
    MakeFrame(frame, Mac, Peer, 0x888E, sizeof(frame), 3);
    for (int i = 0; i < 2 && !InterlockedCompareExchange(&ExploreUnbound, 0, 0); i++)
        (void)NkHostAdapterInject(F.Adapter, frame, sizeof(frame), i & 1);
}

static VOID ExploreCompleteSends(PVOID Context)
{
    (void)Context;
    if (!InterlockedCompareExchange(&ExploreUnbound, 0, 0))
        (void)NkHostCompleteSends(F.Adapter);
}

/* Link-state indications for as long as the unbind takes (bounded): NDIS
 * may indicate status to a binding until its close completes. */
static VOID ExploreStatus(PVOID Context)
{
    ULONG state = 1;
    (void)Context;
    for (int i = 0; i < 64 && !InterlockedCompareExchange(&ExploreUnbound, 0, 0); i++)
        NkHostIndicateStatus(F.Adapter, NDIS_STATUS_LINK_STATE, &state, sizeof(state));
}

static VOID ExploreUnbind(PVOID Context)
{
    (void)Context;
    NkHostRemoveAdapter(F.Adapter);
    InterlockedExchange(&ExploreUnbound, 1);
}

static void test_explored_unbind(void **state)
{
    NK_HOST_ACTION *const actions[] = {ExploreInject, ExploreCompleteSends, ExploreStatus, ExploreUnbind};
    UCHAR frame[60], got[2][128], out[64];
    ULONG64 runs = 0;
    (void)state;

    MakeFrame(frame, Peer, Mac, 0x888E, sizeof(frame), 1);
    for (ULONG64 seed = 0; NkHostNextSeed(&seed, 32);) {
        NK_HOST_IO *reads[2], *write, *status;
        ULONG n;
        Load(TRUE);
        NkHostSetAdapterPendSends(F.Adapter, TRUE);
        ExploreUnbound = 0;
        for (int i = 0; i < 2; i++)
            assert_int_equal(NkHostReadFileAsync(F.File, got[i], sizeof(got[i]), &reads[i]), STATUS_PENDING);
        assert_int_equal(NkHostWriteFileAsync(F.File, frame, sizeof(frame), &write), STATUS_PENDING);
        assert_int_equal(NkHostDeviceIoControlAsync(F.File, IOCTL_NDISPROT_INDICATE_STATUS, NULL, 0, out, sizeof(out),
                                                    &status),
                         STATUS_PENDING);
        NkHostRunInterleaved(seed, actions, NULL, 4, NULL);
        /* Everything the user issued has ended, one way or the other. */
        for (int i = 0; i < 2; i++) {
            NTSTATUS s = NkHostWaitIo(reads[i], 5000, &n);
            assert_true(s == STATUS_SUCCESS || s == STATUS_CANCELLED);
        }
        {
            NTSTATUS s = NkHostWaitIo(write, 5000, &n);
            assert_true(s == STATUS_SUCCESS || s == STATUS_CANCELLED);
            s = NkHostWaitIo(status, 5000, &n);
            assert_true(s == STATUS_SUCCESS || s == STATUS_CANCELLED);
        }
        assert_int_equal(NkHostAddAdapter(ADAPTER_NAME, Mac, 1500, &F.Adapter), STATUS_SUCCESS);
        Unload();
        runs++;
    }
    printf("%llu interleavings of receives, send completions, a status and an unbind explored\n",
           (unsigned long long)runs);
}

/* Every pool allocation the whole life cycle makes fails in turn: each run
 * ends without a leak, a crash or a verifier finding. */
static void test_allocation_failure_sweep(void **state)
{
    UNICODE_STRING path = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\Ndisprot");
    UCHAR frame[60], got[256];
    ULONG64 sites = 0;
    ULONG failed = 0;
    (void)state;

    for (ULONG64 nth = 1;; nth++) {
        NTSTATUS status;
        ULONG n;
        NkHostReset();
        memset(&F, 0, sizeof(F));
        assert_int_equal(NkHostAddAdapter(ADAPTER_NAME, Mac, 1500, &F.Adapter), STATUS_SUCCESS);
        NkHostFailNth(NkFaultPoolAllocation, nth);
        status = FxDriverEntry(&F.Driver, &path);
        if (NT_SUCCESS(status) && NT_SUCCESS(NkHostCreateFile(L"\\\\.\\NdisProt", &F.File))) {
            if (NT_SUCCESS(NkHostDeviceIoControl(F.File, IOCTL_NDISPROT_OPEN_DEVICE, ADAPTER_NAME,
                                                 sizeof(ADAPTER_NAME), NULL, 0, &n))) {
                MakeFrame(frame, Peer, Mac, 0x888E, sizeof(frame), 0);
                (void)NkHostWriteFile(F.File, frame, sizeof(frame), &n);
                Inject(0x888E, 60, 0, NULL);
                {   /* the frame, unless its allocation was the one that failed */
                    NK_HOST_IO *io;
                    if (NkHostReadFileAsync(F.File, got, sizeof(got), &io) == STATUS_PENDING &&
                        NkHostWaitIo(io, 200, &n) == STATUS_TIMEOUT) {
                        NkHostCancelIo(io);
                        (void)NkHostWaitIo(io, MAXULONG, &n);
                    }
                }
            }
            NkHostCloseHandle(F.File);
        }
        if (NT_SUCCESS(status))
            F.Driver.DriverUnload(&F.Driver);
        else
            failed++;
        NkHostRemoveAdapter(F.Adapter);
        sites = NkHostFaultSiteCount(NkFaultPoolAllocation);
        NkHostFailNth(NkFaultPoolAllocation, 0);
        assert_int_equal(NkHostCheckLeaks(), 0);
        assert_int_equal(NkHostViolationCount(), 0);
        if (nth > sites)
            break; /* the whole life cycle ran without reaching the Nth allocation */
    }
    printf("allocation sweep: %llu sites, %lu made DriverEntry fail cleanly\n", (unsigned long long)sites,
           (unsigned long)failed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_goes_on_the_wire),
        cmocka_unit_test(test_write_checks),
        cmocka_unit_test(test_write_loops_back_to_read),
        cmocka_unit_test(test_loopback_adapter_delivers_once),
        cmocka_unit_test(test_read_truncates_and_filters),
        cmocka_unit_test(test_open_device),
        cmocka_unit_test(test_query_binding),
        cmocka_unit_test(test_oids),
        cmocka_unit_test(test_indicate_status),
        cmocka_unit_test(test_queue_overflow_drops_oldest),
        cmocka_unit_test(test_statistics_stages),
        cmocka_unit_test(test_ethertype_filter),
        cmocka_unit_test(test_promiscuous),
        cmocka_unit_test(test_batched_read),
        cmocka_unit_test(test_batched_write),
        cmocka_unit_test(test_ioctl_without_open_and_unknown),
        cmocka_unit_test(test_pending_read_cancelled),
        cmocka_unit_test(test_write_cancel_and_pended_sends),
        cmocka_unit_test(test_pause_and_power),
        cmocka_unit_test(test_unbind_with_io_pending),
        cmocka_unit_test(test_unbind_with_oid_pending),
        cmocka_unit_test(test_open_device_during_cleanup),
        cmocka_unit_test(test_multicast_list_cleared),
        cmocka_unit_test(test_unload_with_reads_pending),
        cmocka_unit_test(test_explored_unbind),
        cmocka_unit_test(test_allocation_failure_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
