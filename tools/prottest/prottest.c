/*
 * prottest - raw Ethernet frames through ndisprot (\\.\NdisProt).
 *
 * One source for two targets: a Windows console program (mingw-w64, into
 * dist/ndisprot/prottest.exe) and a Linux program linked with ndiskit's
 * client library, which carries the same Win32 calls to a driver running
 * under `ndiskit host run`.  The options of Microsoft's sample client
 * (-e -r -w -l -n -m -f) behave as there; the others drive ndiskit's
 * extensions (protuser.h part two).  Plain C11.
 *
 * Exit status: 0 done, 1 usage error, 2 an I/O call failed (the message
 * names the call and the Win32 error).
 */
#ifndef _WIN32
#define _GNU_SOURCE 1 /* clock_gettime, usleep */
#endif
#include <windows.h>
#include <winioctl.h>

#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "protuser.h"
#include "prottest.h"

#ifdef _WIN32
#define PT_THREAD DWORD WINAPI
#else
#include <pthread.h>
#include <unistd.h>
#define PT_THREAD void *
#endif

#define OID_802_3_CURRENT_ADDRESS 0x01010102u
#define MAX_FRAME 16384

/* ---- the pure parts (tests/unit/test_prottest.c) ------------------------------------ */

int pt_parse_mac(const char *Text, uint8_t Mac[6])
{
    unsigned v[6];
    char tail;
    if (sscanf(Text, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail) != 6)
        return -1;
    for (int i = 0; i < 6; i++)
        Mac[i] = (uint8_t)v[i];
    return 0;
}

size_t pt_utf16_from_ascii(const char *Text, uint16_t *Out, size_t Capacity)
{
    size_t n = strlen(Text);
    if (n + 1 > Capacity)
        return 0;
    for (size_t i = 0; i <= n; i++)
        Out[i] = (uint16_t)(unsigned char)Text[i];
    return n; /* units, without the NUL */
}

size_t pt_ascii_from_utf16(const uint8_t *Units, size_t Bytes, char *Out, size_t Capacity)
{
    size_t n = 0;
    for (size_t i = 0; i + 1 < Bytes && n + 1 < Capacity; i += 2) {
        unsigned c = Units[i] | (unsigned)Units[i + 1] << 8;
        if (c == 0)
            break;
        Out[n++] = c < 0x80 ? (char)c : '?';
    }
    Out[n] = 0;
    return n;
}

static void usage_error(PT_OPTIONS *o, const char *Format, ...)
{
    va_list ap;
    va_start(ap, Format);
    vsnprintf(o->Error, sizeof(o->Error), Format, ap);
    va_end(ap);
}

static int parse_ulong(const char *Text, unsigned long Min, unsigned long Max, unsigned long *Value)
{
    char *end;
    unsigned long v;
    errno = 0;
    v = strtoul(Text, &end, 0);
    if (errno != 0 || end == Text || *end != 0 || v < Min || v > Max)
        return -1;
    *Value = v;
    return 0;
}

static int parse_types(PT_OPTIONS *o, const char *Text)
{
    const char *p = Text;
    if (strcmp(Text, "all") == 0) {
        o->AllTypes = 1;
        return 0;
    }
    while (*p != 0) {
        char item[16];
        size_t n = strcspn(p, ",");
        unsigned long v;
        if (n == 0 || n >= sizeof(item) || o->TypeCount == PT_MAX_TYPES)
            return -1;
        memcpy(item, p, n);
        item[n] = 0;
        if (parse_ulong(item, 0x600, 0xFFFF, &v) != 0)
            return -1;
        o->Types[o->TypeCount++] = (uint16_t)v;
        p += n;
        if (*p == ',' && *++p == 0)
            return -1; /* a trailing comma */
    }
    return o->TypeCount != 0 ? 0 : -1;
}

int pt_parse_args(int Argc, char **Argv, PT_OPTIONS *o)
{
    memset(o, 0, sizeof(*o));
    o->Length = 100;
    o->TimeoutMs = 5000;
    o->Mode = PT_WRITE_READ;
    for (int i = 1; i < Argc; i++) {
        const char *a = Argv[i];
        unsigned long v;
        /* options that take a value */
        const char *value = NULL;
        if (a[0] == '-' && a[1] != 0 && a[2] == 0 && strchr("lnmtqbToi", a[1]) != NULL) {
            if (i + 1 >= Argc) {
                usage_error(o, "option %s needs a value", a);
                return -1;
            }
            value = Argv[++i];
        }
        if (a[0] != '-') {
            if (o->Adapter != NULL) {
                usage_error(o, "one adapter name only (got '%s' and '%s')", o->Adapter, a);
                return -1;
            }
            o->Adapter = a;
            continue;
        }
        switch (a[2] == 0 ? a[1] : '?') {
        case 'e': o->Enumerate = 1; break;
        case 'r': o->Mode = PT_READ; break;
        case 'w': o->Mode = PT_WRITE; break;
        case 'f': o->FakeSource = 1; break;
        case 'p': o->Promiscuous = 1; break;
        case 's': o->Statistics = 1; break;
        case 'x': o->HexDump = 1; break;
        case 'h': o->Help = 1; return 0;
        case 'l':
            if (parse_ulong(value, 14, MAX_FRAME, &v) != 0) {
                usage_error(o, "-l: frame length must be 14..%d, not '%s'", MAX_FRAME, value);
                return -1;
            }
            o->Length = (uint32_t)v;
            break;
        case 'n':
            if (parse_ulong(value, 1, 0xFFFFFFFFul, &v) != 0) {
                usage_error(o, "-n: a frame count of at least 1, not '%s'", value);
                return -1;
            }
            o->Count = (uint32_t)v;
            break;
        case 'm':
            if (pt_parse_mac(value, o->Destination) != 0) {
                usage_error(o, "-m: a MAC address like 02:00:00:00:00:01, not '%s'", value);
                return -1;
            }
            o->HaveDestination = 1;
            break;
        case 't':
            if (parse_types(o, value) != 0) {
                usage_error(o, "-t: 'all' or up to %d EtherTypes like 0x0800,0x86dd, not '%s'", PT_MAX_TYPES, value);
                return -1;
            }
            break;
        case 'q':
            if (parse_ulong(value, 1, NDISPROT_MAX_QUEUE_LENGTH, &v) != 0) {
                usage_error(o, "-q: a queue length of 1..%d frames, not '%s'", NDISPROT_MAX_QUEUE_LENGTH, value);
                return -1;
            }
            o->QueueLength = (uint32_t)v;
            break;
        case 'b':
            if (parse_ulong(value, 1, NDISPROT_MAX_BATCH_FRAMES, &v) != 0) {
                usage_error(o, "-b: a batch of 1..%d frames, not '%s'", NDISPROT_MAX_BATCH_FRAMES, value);
                return -1;
            }
            o->Batch = (uint32_t)v;
            break;
        case 'T':
            if (parse_ulong(value, 0, 3600000, &v) != 0) {
                usage_error(o, "-T: a timeout in milliseconds (0: none), not '%s'", value);
                return -1;
            }
            o->TimeoutMs = (uint32_t)v;
            break;
        case 'o': o->PcapOut = value; break;
        case 'i': o->PcapIn = value; break;
        default:
            usage_error(o, "unknown option '%s' (-h for help)", a);
            return -1;
        }
    }
    if (o->Adapter == NULL && !o->Enumerate) {
        usage_error(o, "no adapter name (-e lists them)");
        return -1;
    }
    if (o->PcapIn != NULL && o->Mode == PT_READ) {
        usage_error(o, "-i sends frames: not with -r");
        return -1;
    }
    return 0;
}

/* ---- classic pcap files (LINKTYPE_ETHERNET) ------------------------------------------ */

#define PCAP_MAGIC 0xA1B2C3D4u

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static uint32_t get32(const uint8_t *p, int Swap)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return Swap ? (v >> 24) | ((v >> 8) & 0xFF00u) | ((v << 8) & 0xFF0000u) | (v << 24) : v;
}

int pt_pcap_write_header(FILE *f)
{
    uint8_t h[24];
    put32(h, PCAP_MAGIC);
    h[4] = 2, h[5] = 0, h[6] = 4, h[7] = 0; /* version 2.4, little-endian as written */
    put32(h + 8, 0);
    put32(h + 12, 0);
    put32(h + 16, 65535);
    put32(h + 20, 1);
    return fwrite(h, 1, sizeof(h), f) == sizeof(h) ? 0 : -1;
}

int pt_pcap_write_frame(FILE *f, uint64_t UnixMicros, const uint8_t *Frame, uint32_t Length, uint32_t OriginalLength)
{
    uint8_t h[16];
    put32(h, (uint32_t)(UnixMicros / 1000000));
    put32(h + 4, (uint32_t)(UnixMicros % 1000000));
    put32(h + 8, Length);
    put32(h + 12, OriginalLength);
    return fwrite(h, 1, sizeof(h), f) == sizeof(h) && fwrite(Frame, 1, Length, f) == Length ? 0 : -1;
}

/* Opens a pcap for reading: 0, or -1 with a message. */
int pt_pcap_open(FILE *f, int *Swap, char *Error, size_t ErrorSize)
{
    uint8_t h[24];
    uint32_t magic;
    if (fread(h, 1, sizeof(h), f) != sizeof(h)) {
        snprintf(Error, ErrorSize, "not a pcap file: shorter than its header");
        return -1;
    }
    memcpy(&magic, h, 4);
    if (magic == PCAP_MAGIC)
        *Swap = 0;
    else if (magic == 0xD4C3B2A1u)
        *Swap = 1;
    else {
        snprintf(Error, ErrorSize, "not a classic pcap file (magic 0x%08x; pcapng is not read)", magic);
        return -1;
    }
    if (get32(h + 20, *Swap) != 1) {
        snprintf(Error, ErrorSize, "pcap link type %u is not Ethernet", get32(h + 20, *Swap));
        return -1;
    }
    return 0;
}

/* The next frame: its length (0 at the end), or -1 with a message. */
long pt_pcap_next(FILE *f, int Swap, uint8_t *Frame, size_t Capacity, char *Error, size_t ErrorSize)
{
    uint8_t h[16];
    size_t got = fread(h, 1, sizeof(h), f);
    uint32_t length;
    if (got == 0)
        return 0;
    if (got != sizeof(h)) {
        snprintf(Error, ErrorSize, "pcap file ends inside a record header");
        return -1;
    }
    length = get32(h + 8, Swap);
    if (length > Capacity) {
        snprintf(Error, ErrorSize, "pcap record of %u bytes is larger than %zu", length, Capacity);
        return -1;
    }
    if (fread(Frame, 1, length, f) != length) {
        snprintf(Error, ErrorSize, "pcap file ends inside a frame");
        return -1;
    }
    return (long)length;
}

size_t pt_build_frame(uint8_t *Frame, size_t Length, const uint8_t Dst[6], const uint8_t Src[6], uint16_t Type,
                      uint32_t Sequence)
{
    memcpy(Frame, Dst, 6);
    memcpy(Frame + 6, Src, 6);
    Frame[12] = (uint8_t)(Type >> 8);
    Frame[13] = (uint8_t)Type;
    for (size_t i = 14; i < Length; i++)
        Frame[i] = (uint8_t)(i - 14);
    for (size_t i = 0; i < 4 && 14 + i < Length; i++)
        Frame[14 + i] = (uint8_t)(Sequence >> (24 - 8 * i)); /* big-endian sequence number first */
    return Length;
}

#ifndef PROTTEST_NO_MAIN

/* ---- the program ---------------------------------------------------------------------- */

static PT_OPTIONS Options;
static HANDLE Device = INVALID_HANDLE_VALUE;
static FILE *PcapOut;
static volatile long Progress; /* bumped by every completed read or write: the watchdog's pulse */
static unsigned long FramesWritten, FramesRead, WriteFailures;

static const char *error_meaning(DWORD Error)
{
    switch (Error) {
    case 2: return "no such device: is ndisprot loaded (on Linux: is `ndiskit host run` serving it)?";
    case 5: return "access denied: ndisprot admits only Administrators and SYSTEM";
    case 6: return "invalid handle: no adapter opened on this handle, or it was unbound";
    case 21: return "device not ready: the adapter is paused or in low power";
    case 31: return "the driver refused the request";
    case 50: return "not supported by the adapter";
    case 87: return "invalid parameter (a user-mode frame must carry the adapter's own source MAC)";
    case 122: return "buffer too small";
    case 170: return "busy: another handle has this adapter open";
    case 234: return "more data than the buffer holds";
    case 259: return "no more bindings";
    case 995: return "cancelled";
    case 121: return "timed out waiting for the initial binds";
    case 1617: return "the adapter went away (unbound)";
    case 1784: return "frame length out of range (14 to MTU + 14)";
    default: return "";
    }
}

static int fail(const char *Call)
{
    DWORD e = GetLastError();
    fprintf(stderr, "prottest: %s failed: error %lu %s\n", Call, (unsigned long)e, error_meaning(e));
    return 2;
}

static PT_THREAD watchdog(void *Arg)
{
    (void)Arg;
    for (;;) {
        long before = Progress;
#ifdef _WIN32
        Sleep(Options.TimeoutMs);
#else
        usleep((useconds_t)Options.TimeoutMs * 1000u);
#endif
        if (Progress == before) {
            fprintf(stderr, "prottest: no frame for %lu ms (-T); %lu written, %lu read\n",
                    (unsigned long)Options.TimeoutMs, FramesWritten, FramesRead);
            if (PcapOut != NULL)
                fflush(PcapOut);
            exit(2);
        }
    }
#ifndef _WIN32
    return NULL;
#endif
}

static void start_watchdog(void)
{
    if (Options.TimeoutMs == 0)
        return;
#ifdef _WIN32
    HANDLE t = CreateThread(NULL, 0, watchdog, NULL, 0, NULL);
    if (t != NULL)
        CloseHandle(t);
#else
    pthread_t t;
    if (pthread_create(&t, NULL, watchdog, NULL) == 0)
        pthread_detach(t);
#endif
}

static uint64_t unix_micros_from_filetime(int64_t FileTime)
{
    return FileTime > 116444736000000000LL ? (uint64_t)(FileTime - 116444736000000000LL) / 10u : 0;
}

static uint64_t now_micros(void)
{
#ifdef _WIN32
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    return unix_micros_from_filetime((int64_t)((uint64_t)ft.dwHighDateTime << 32 | ft.dwLowDateTime));
#else
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
#endif
}

static void show_frame(const uint8_t *Frame, uint32_t Length, uint32_t Original)
{
    uint32_t shown = Options.HexDump ? Length : (Length < 32 ? Length : 32);
    printf("read %u bytes%s:", Length, Length < Original ? " (truncated)" : "");
    for (uint32_t i = 0; i < shown; i++)
        printf("%s%02x", i % 16 == 0 && Options.HexDump ? "\n  " : " ", Frame[i]);
    printf("%s\n", shown < Length ? " ..." : "");
}

static int record_frame(const uint8_t *Frame, uint32_t Length, uint32_t Original, uint64_t Micros)
{
    FramesRead++;
    Progress++;
    show_frame(Frame, Length, Original);
    if (PcapOut != NULL && pt_pcap_write_frame(PcapOut, Micros, Frame, Length, Original) != 0) {
        fprintf(stderr, "prottest: writing %s: %s\n", Options.PcapOut, strerror(errno));
        return 2;
    }
    return 0;
}

static int pt_ioctl(DWORD Code, const void *In, DWORD InLength, void *Out, DWORD OutLength, DWORD *Bytes, const char *Name)
{
    DWORD n = 0;
    if (!DeviceIoControl(Device, Code, (LPVOID)In, InLength, Out, OutLength, &n, NULL))
        return fail(Name);
    if (Bytes != NULL)
        *Bytes = n;
    return 0;
}

static int enumerate(void)
{
    union {
        NDISPROT_QUERY_BINDING q;
        uint8_t bytes[1024];
    } b;
    for (ULONG i = 0;; i++) {
        char name[256], descr[256];
        DWORD n = 0;
        memset(&b, 0, sizeof(b));
        b.q.BindingIndex = i;
        if (!DeviceIoControl(Device, IOCTL_NDISPROT_QUERY_BINDING, &b, sizeof(b.q), &b, sizeof(b), &n, NULL)) {
            DWORD e = GetLastError();
            if (e == 259) /* ERROR_NO_MORE_ITEMS: STATUS_NO_MORE_ENTRIES */
                break;
            return fail("DeviceIoControl(IOCTL_NDISPROT_QUERY_BINDING)");
        }
        if (b.q.DeviceNameOffset + (uint64_t)b.q.DeviceNameLength > n ||
            b.q.DeviceDescrOffset + (uint64_t)b.q.DeviceDescrLength > n) {
            fprintf(stderr, "prottest: QUERY_BINDING returned offsets past its %lu bytes\n", (unsigned long)n);
            return 2;
        }
        pt_ascii_from_utf16(b.bytes + b.q.DeviceNameOffset, b.q.DeviceNameLength, name, sizeof(name));
        pt_ascii_from_utf16(b.bytes + b.q.DeviceDescrOffset, b.q.DeviceDescrLength, descr, sizeof(descr));
        printf("%2lu. %s\n    - %s\n", (unsigned long)i, name, descr);
    }
    return 0;
}

static int open_adapter(uint8_t Mac[6])
{
    uint16_t name[512];
    union {
        NDISPROT_QUERY_OID q;
        uint8_t bytes[sizeof(NDISPROT_QUERY_OID) + 8];
    } oid;
    size_t units = pt_utf16_from_ascii(Options.Adapter, name, sizeof(name) / sizeof(name[0]));
    DWORD n;
    int rc;

    if (units == 0) {
        fprintf(stderr, "prottest: adapter name too long\n");
        return 1;
    }
    rc = pt_ioctl(IOCTL_NDISPROT_OPEN_DEVICE, name, (DWORD)(units * 2), NULL, 0, NULL, "DeviceIoControl(IOCTL_NDISPROT_OPEN_DEVICE)");
    if (rc != 0)
        return rc;
    memset(&oid, 0, sizeof(oid));
    oid.q.Oid = OID_802_3_CURRENT_ADDRESS;
    rc = pt_ioctl(IOCTL_NDISPROT_QUERY_OID_VALUE, &oid, sizeof(oid), &oid, sizeof(oid), &n,
               "DeviceIoControl(IOCTL_NDISPROT_QUERY_OID_VALUE, OID_802_3_CURRENT_ADDRESS)");
    if (rc != 0)
        return rc;
    if (n < offsetof(NDISPROT_QUERY_OID, Data) + 6) {
        fprintf(stderr, "prottest: the adapter returned %lu bytes for its MAC address\n", (unsigned long)n);
        return 2;
    }
    memcpy(Mac, oid.q.Data, 6);
    printf("opened %s, MAC %02x:%02x:%02x:%02x:%02x:%02x\n", Options.Adapter, Mac[0], Mac[1], Mac[2], Mac[3], Mac[4],
           Mac[5]);
    return 0;
}

static int configure(void)
{
    int rc = 0;
    if (Options.AllTypes || Options.TypeCount != 0) {
        union {
            NDISPROT_ETHERTYPE_FILTER f;
            uint8_t bytes[NDISPROT_ETHERTYPE_FILTER_SIZE(PT_MAX_TYPES)];
        } f;
        memset(&f, 0, sizeof(f));
        f.f.Flags = Options.AllTypes ? NDISPROT_ETHERTYPES_ALL : 0;
        f.f.Count = Options.TypeCount;
        memcpy(f.f.EtherTypes, Options.Types, Options.TypeCount * sizeof(uint16_t));
        rc = pt_ioctl(IOCTL_NDISPROT_SET_ETHERTYPES, &f,
                   NDISPROT_ETHERTYPE_FILTER_SIZE(Options.TypeCount ? Options.TypeCount : 1), NULL, 0, NULL,
                   "DeviceIoControl(IOCTL_NDISPROT_SET_ETHERTYPES)");
    }
    if (rc == 0 && Options.Promiscuous) {
        ULONG on = 1;
        rc = pt_ioctl(IOCTL_NDISPROT_SET_PROMISCUOUS, &on, sizeof(on), NULL, 0, NULL,
                   "DeviceIoControl(IOCTL_NDISPROT_SET_PROMISCUOUS)");
    }
    if (rc == 0 && Options.QueueLength != 0) {
        ULONG q = Options.QueueLength;
        rc = pt_ioctl(IOCTL_NDISPROT_SET_QUEUE_LENGTH, &q, sizeof(q), NULL, 0, NULL,
                   "DeviceIoControl(IOCTL_NDISPROT_SET_QUEUE_LENGTH)");
    }
    return rc;
}

/* Reads up to Want frames (one read, or one batched read). */
static int read_some(uint8_t *Buffer, size_t Capacity, unsigned long Want)
{
    DWORD n = 0;
    if (Options.Batch == 0) {
        if (!ReadFile(Device, Buffer, MAX_FRAME, &n, NULL))
            return fail("ReadFile");
        return record_frame(Buffer, n, n, now_micros());
    }
    if (!DeviceIoControl(Device, IOCTL_NDISPROT_READ_BATCH, NULL, 0, Buffer, (DWORD)Capacity, &n, NULL))
        return fail("DeviceIoControl(IOCTL_NDISPROT_READ_BATCH)");
    for (size_t off = 0; off + sizeof(NDISPROT_FRAME_HEADER) <= n && Want != 0; Want--) {
        const NDISPROT_FRAME_HEADER *h = (const NDISPROT_FRAME_HEADER *)(Buffer + off);
        if (off + sizeof(*h) + h->Length > n) {
            fprintf(stderr, "prottest: a batched read record runs past the %lu bytes returned\n", (unsigned long)n);
            return 2;
        }
        int rc = record_frame(NDISPROT_FRAME_DATA(h), h->Length, h->OriginalLength,
                              unix_micros_from_filetime(h->Timestamp));
        if (rc != 0)
            return rc;
        off += NDISPROT_FRAME_RECORD_SIZE(h->Length);
    }
    return 0;
}

/* Sends Count frames from Frames (records laid out as a batch). */
static int write_batch(uint8_t *Records, size_t Size, unsigned Count)
{
    LONG results[NDISPROT_MAX_BATCH_FRAMES];
    DWORD n = 0;
    if (Options.Batch == 0) {
        const NDISPROT_FRAME_HEADER *h = (const NDISPROT_FRAME_HEADER *)Records;
        if (!WriteFile(Device, NDISPROT_FRAME_DATA(h), h->Length, &n, NULL)) {
            WriteFailures++;
            return fail("WriteFile");
        }
        FramesWritten++;
        Progress++;
        return 0;
    }
    if (!DeviceIoControl(Device, IOCTL_NDISPROT_WRITE_BATCH, Records, (DWORD)Size, results, Count * sizeof(LONG), &n,
                         NULL)) {
        WriteFailures += Count;
        return fail("DeviceIoControl(IOCTL_NDISPROT_WRITE_BATCH)");
    }
    for (unsigned i = 0; i < Count && i < n / sizeof(LONG); i++) {
        if (results[i] == 0) {
            FramesWritten++;
        } else {
            WriteFailures++;
            fprintf(stderr, "prottest: batched frame %u refused: NTSTATUS 0x%08lx\n", i, (unsigned long)results[i]);
        }
    }
    Progress++;
    return 0;
}

static int statistics(void)
{
    NDISPROT_STATISTICS s;
    DWORD n = 0;
    int rc = pt_ioctl(IOCTL_NDISPROT_GET_STATISTICS, NULL, 0, &s, sizeof(s), &n,
                   "DeviceIoControl(IOCTL_NDISPROT_GET_STATISTICS)");
    if (rc != 0)
        return rc;
    printf("statistics: received %llu frames (%llu bytes), read %llu, sent %llu (%llu bytes), send errors %llu,\n"
           "            dropped %llu (queue full) %llu (EtherType), queued %lu of %lu\n",
           (unsigned long long)s.FramesReceived, (unsigned long long)s.BytesReceived,
           (unsigned long long)s.FramesRead, (unsigned long long)s.FramesSent, (unsigned long long)s.BytesSent,
           (unsigned long long)s.SendErrors, (unsigned long long)s.DroppedQueueFull,
           (unsigned long long)s.DroppedFilter, (unsigned long)s.QueuedFrames, (unsigned long)s.QueueLength);
    if (n >= sizeof(s)) { /* a driver with the appended per-stage counters */
        printf("            indicated %llu, dropped %llu (no memory), adapter discards ",
               (unsigned long long)s.FramesIndicated, (unsigned long long)s.DroppedNoResources);
        if (s.AdapterReceiveDiscards == NDISPROT_STATISTIC_UNKNOWN)
            printf("not reported\n");
        else
            printf("%llu\n", (unsigned long long)s.AdapterReceiveDiscards);
    }
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: prottest [options] <adapter device name>\n"
            "  -e          list the adapters ndisprot is bound to\n"
            "  -r          read only          -w  write only   (default: write a frame, read a frame)\n"
            "  -l LEN      frame length, 14..%d (default 100)\n"
            "  -n COUNT    frames to write/read (default: until stopped)\n"
            "  -m MAC      destination, aa:bb:cc:dd:ee:ff (default: the adapter's own, so frames loop back)\n"
            "  -f          fake (zero) source MAC: ndisprot must refuse it\n"
            "  -t TYPES    EtherTypes to read, e.g. 0x0800,0x86dd, or 'all' (default 0x888E);\n"
            "              frames written use the first (default 0x888E)\n"
            "  -p          promiscuous           -q N  receive queue length (frames)\n"
            "  -b N        batched I/O: N frames per write, reads of up to N frames\n"
            "  -s          print the open's statistics at the end\n"
            "  -x          hex-dump every frame read   -o FILE  save frames read as pcap\n"
            "  -i FILE     send the frames of a pcap file instead of generated ones\n"
            "  -T MS       give up after MS ms without progress (default 5000; 0: never)\n",
            MAX_FRAME);
}

static int run(void)
{
    static uint8_t records[NDISPROT_MAX_BATCH_FRAMES * (sizeof(NDISPROT_FRAME_HEADER) + 1600)];
    static uint8_t readBuffer[NDISPROT_MAX_BATCH_FRAMES * (sizeof(NDISPROT_FRAME_HEADER) + 1600)];
    size_t readCapacity = Options.Batch ? Options.Batch * (sizeof(NDISPROT_FRAME_HEADER) + 1600) : MAX_FRAME;
    uint8_t mac[6], dst[6];
    uint16_t type = Options.TypeCount ? Options.Types[0] : NDISPROT_DEFAULT_ETHERTYPE;
    FILE *in = NULL;
    int swap = 0, rc;
    unsigned long sequence = 0;
    DWORD n;

    Device = CreateFileA("\\\\.\\NdisProt", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                         FILE_ATTRIBUTE_NORMAL, NULL);
    if (Device == INVALID_HANDLE_VALUE)
        return fail("CreateFile(\\\\.\\NdisProt)");
    rc = pt_ioctl(IOCTL_NDISPROT_BIND_WAIT, NULL, 0, NULL, 0, &n, "DeviceIoControl(IOCTL_NDISPROT_BIND_WAIT)");
    if (rc == 0 && Options.Enumerate)
        rc = enumerate();
    if (rc != 0 || Options.Adapter == NULL)
        return rc;
    rc = open_adapter(mac);
    if (rc == 0)
        rc = configure();
    if (rc != 0)
        return rc;
    memcpy(dst, Options.HaveDestination ? Options.Destination : mac, 6);
    if (Options.FakeSource)
        memset(mac, 0, 6);
    if (Options.PcapIn != NULL) {
        char err[160];
        in = fopen(Options.PcapIn, "rb");
        if (in == NULL) {
            fprintf(stderr, "prottest: %s: %s\n", Options.PcapIn, strerror(errno));
            return 2;
        }
        if (pt_pcap_open(in, &swap, err, sizeof(err)) != 0) {
            fprintf(stderr, "prottest: %s: %s\n", Options.PcapIn, err);
            fclose(in);
            return 2;
        }
    }
    if (Options.PcapOut != NULL) {
        PcapOut = fopen(Options.PcapOut, "wb");
        if (PcapOut == NULL || pt_pcap_write_header(PcapOut) != 0) {
            fprintf(stderr, "prottest: %s: %s\n", Options.PcapOut, strerror(errno));
            return 2;
        }
    }
    start_watchdog();

    for (;;) {
        unsigned batch = Options.Batch ? Options.Batch : 1, built = 0;
        size_t size = 0;
        if (Options.Mode != PT_READ) {
            if (Options.Count != 0 && FramesWritten + WriteFailures >= Options.Count)
                break;
            if (Options.Count != 0 && batch > Options.Count - FramesWritten - WriteFailures)
                batch = (unsigned)(Options.Count - FramesWritten - WriteFailures);
            while (built < batch) {
                NDISPROT_FRAME_HEADER *h = (NDISPROT_FRAME_HEADER *)(records + size);
                long length;
                memset(h, 0, sizeof(*h));
                if (in != NULL) {
                    char err[160];
                    length = pt_pcap_next(in, swap, NDISPROT_FRAME_DATA(h), 1600, err, sizeof(err));
                    if (length < 0) {
                        fprintf(stderr, "prottest: %s: %s\n", Options.PcapIn, err);
                        rc = 2;
                        goto out;
                    }
                    if (length == 0)
                        break;
                } else {
                    length = (long)pt_build_frame(NDISPROT_FRAME_DATA(h), Options.Length, dst, mac, type,
                                                  (uint32_t)sequence++);
                }
                h->Length = (ULONG)length;
                size += NDISPROT_FRAME_RECORD_SIZE(h->Length);
                built++;
            }
            if (built == 0)
                break; /* the pcap is done */
            rc = write_batch(records, size, built);
            if (rc != 0)
                goto out;
        }
        if (Options.Mode != PT_WRITE) {
            if (Options.Count != 0 && FramesRead >= Options.Count)
                break;
            do {
                rc = read_some(readBuffer, readCapacity, Options.Count ? Options.Count - FramesRead : (unsigned long)-1);
                if (rc != 0)
                    goto out;
            } while (Options.Mode == PT_WRITE_READ && FramesRead < FramesWritten &&
                     (Options.Count == 0 || FramesRead < Options.Count));
        }
    }
out:
    printf("%lu frame(s) written, %lu refused, %lu read\n", FramesWritten, WriteFailures, FramesRead);
    if (rc == 0 && Options.Statistics)
        rc = statistics();
    if (in != NULL)
        fclose(in);
    if (PcapOut != NULL && fclose(PcapOut) != 0 && rc == 0) {
        fprintf(stderr, "prottest: %s: %s\n", Options.PcapOut, strerror(errno));
        rc = 2;
    }
    CloseHandle(Device);
    if (rc == 0 && WriteFailures != 0)
        rc = 2;
    return rc;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (pt_parse_args(argc, argv, &Options) != 0) {
        fprintf(stderr, "prottest: %s\n", Options.Error);
        usage(stderr);
        return 1;
    }
    if (Options.Help) {
        usage(stdout);
        return 0;
    }
    return run();
}

#endif /* PROTTEST_NO_MAIN */
