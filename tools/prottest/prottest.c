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
 * names the call and the Win32 error) or the run ended unfinished (-T).
 * Ctrl-C or SIGTERM ends a run normally (0): the capture so far is kept.
 *
 * Threads: the main thread does the work, holding Lock except while it
 * waits in a call on the device.  The stopper (Ctrl-C, SIGTERM) and the
 * monitor (-T, the progress line) ask it to stop; if it stays inside a
 * call (a read that no frame answers), they take Lock and end the run in
 * its place: the summary, the capture closed and renamed, the exit.
 */
#ifndef _WIN32
#define _GNU_SOURCE 1 /* clock_gettime, usleep */
#endif
#include <windows.h>
#include <winioctl.h>
#include <ntddndis.h> /* OIDs */

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
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
#include <io.h> /* _isatty */
#define PT_THREAD DWORD WINAPI
#else
#include <pthread.h>
#include <semaphore.h>
#include <unistd.h>
#define PT_THREAD void *
#endif

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

/* -M: comma-separated group addresses (the I/G bit set), up to PT_MAX_MULTICAST. */
static int parse_multicast(PT_OPTIONS *o, const char *Text)
{
    const char *p = Text;
    o->MulticastCount = 0;
    while (*p != 0) {
        char item[24];
        size_t n = strcspn(p, ",");
        if (n == 0 || n >= sizeof(item) || o->MulticastCount == PT_MAX_MULTICAST)
            return -1;
        memcpy(item, p, n);
        item[n] = 0;
        if (pt_parse_mac(item, o->Multicast[o->MulticastCount]) != 0 || (o->Multicast[o->MulticastCount][0] & 1) == 0)
            return -1;
        o->MulticastCount++;
        p += n;
        if (*p == ',' && *++p == 0)
            return -1; /* a trailing comma */
    }
    return o->MulticastCount != 0 ? 0 : -1;
}

int pt_parse_args(int Argc, char **Argv, PT_OPTIONS *o)
{
    memset(o, 0, sizeof(*o));
    o->Length = 100;
    o->TimeoutMs = 5000;
    int reads = 0, writes = 0;
    o->Mode = PT_WRITE_READ;
    for (int i = 1; i < Argc; i++) {
        const char *a = Argv[i];
        unsigned long v;
        if (strcmp(a, "--help") == 0) {
            o->Help = 1;
            return 0;
        }
        if (strcmp(a, "--quiet") == 0)
            a = "-Q";
        else if (strcmp(a, "--verbose") == 0)
            a = "-v";
        /* options that take a value */
        const char *value = NULL;
        if (a[0] == '-' && a[1] != 0 && a[2] == 0 && strchr("lnmMtqbToi", a[1]) != NULL) {
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
        case 'r': reads = 1; break;
        case 'w': writes = 1; break;
        case 'f': o->FakeSource = 1; break;
        case 'p': o->Promiscuous = 1; break;
        case 's': o->Statistics = 1; break;
        case 'S': o->AdapterCounters = 1; break;
        case 'x': o->HexDump = 1; break;
        case 'Q': o->Quiet = 1; break;
        case 'v': o->Verbose = 1; break;
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
        case 'M':
            if (parse_multicast(o, value) != 0) {
                usage_error(o, "-M: up to %d multicast MAC addresses like 01:00:5e:00:00:01,33:33:00:00:00:01, not '%s'",
                            PT_MAX_MULTICAST, value);
                return -1;
            }
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
    /* -r reads, -w writes; both, or neither, write a frame and read a frame.
     * (Microsoft's sample takes the last of -r and -w, and its -w is this
     * default; an order that changes the meaning would surprise.) */
    o->Mode = reads && !writes ? PT_READ : writes && !reads ? PT_WRITE : PT_WRITE_READ;
    if (o->Adapter == NULL && !o->Enumerate) {
        usage_error(o, "no adapter name (-e lists them)");
        return -1;
    }
    if (o->Quiet && (o->HexDump || o->Verbose)) {
        usage_error(o, "-Q (quiet) contradicts %s", o->HexDump ? "-x (hex-dump every frame)" : "-v (progress)");
        return -1;
    }
    if (o->PcapIn != NULL && o->Mode == PT_READ) {
        usage_error(o, "-i sends frames: not with -r alone (-r -w sends them and reads)");
        return -1;
    }
    return 0;
}

/* ---- writing classic pcap files (LINKTYPE_ETHERNET, microseconds) -------------------- */

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

int pt_timeout_is_error(const PT_OPTIONS *o, uint64_t Written, uint64_t Read)
{
    if (o->Count != 0)
        return !((o->Mode == PT_READ || Written >= o->Count) && (o->Mode == PT_WRITE || Read >= o->Count));
    return o->Mode != PT_READ || Read == 0;
}

static int append(char *Out, size_t Size, size_t *At, const char *Format, ...)
{
    va_list ap;
    int n;
    if (*At >= Size)
        return -1;
    va_start(ap, Format);
    n = vsnprintf(Out + *At, Size - *At, Format, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    *At = *At + (size_t)n < Size ? *At + (size_t)n : Size - 1;
    return 0;
}

size_t pt_format_progress(char *Out, size_t Size, PT_MODE Mode, double Seconds, const PT_COUNTS *Now,
                          const PT_COUNTS *Before, double Interval)
{
    size_t at = 0;
    double s = Interval > 0 ? Interval : 1;
    if (Size == 0)
        return 0;
    Out[0] = 0;
    append(Out, Size, &at, "%.1f s:", Seconds);
    if (Mode != PT_READ)
        append(Out, Size, &at, " %llu written (%.0f pps, %.1f Mbit/s)%s", (unsigned long long)Now->FramesWritten,
               (double)(Now->FramesWritten - Before->FramesWritten) / s,
               (double)(Now->BytesWritten - Before->BytesWritten) * 8 / 1e6 / s, Mode == PT_WRITE ? "" : ",");
    if (Mode != PT_WRITE)
        append(Out, Size, &at, " %llu read (%.0f pps, %.1f Mbit/s)", (unsigned long long)Now->FramesRead,
               (double)(Now->FramesRead - Before->FramesRead) / s,
               (double)(Now->BytesRead - Before->BytesRead) * 8 / 1e6 / s);
    return at;
}

/* ---- reading pcap and pcapng files (LINKTYPE_ETHERNET) --------------------------------
 * Our own reader: the Windows build has no libpcap.  Classic pcap with
 * microsecond (0xA1B2C3D4) or nanosecond (0xA1B23C4D) timestamps, in either
 * byte order; pcapng sections in either byte order, their interfaces
 * (IDB), Enhanced and Simple Packet Blocks, every other block skipped by
 * its length.  Lengths are checked before anything is read into a buffer,
 * so a truncated or hostile file ends with a message naming the offset. */

#define PCAP_MAGIC_NANOS 0xA1B23C4Du
#define PCAPNG_SHB 0x0A0D0D0Au
#define PCAPNG_IDB 1u
#define PCAPNG_SPB 3u
#define PCAPNG_EPB 6u
#define PCAPNG_BYTE_ORDER 0x1A2B3C4Du

static uint32_t swap32(uint32_t v)
{
    return (v >> 24) | ((v >> 8) & 0xFF00u) | ((v << 8) & 0xFF0000u) | (v << 24);
}

static uint16_t get16(const uint8_t *p, int Swap)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return Swap ? (uint16_t)(v >> 8 | v << 8) : v;
}

static int reader_error(PT_PCAP_READER *r, uint64_t Offset, const char *Format, ...)
{
    va_list ap;
    int n = snprintf(r->Error, sizeof(r->Error), "offset %llu: ", (unsigned long long)Offset);
    va_start(ap, Format);
    if (n > 0 && (size_t)n < sizeof(r->Error))
        vsnprintf(r->Error + n, sizeof(r->Error) - (size_t)n, Format, ap);
    va_end(ap);
    return -1;
}

/* Reads Length bytes: their count (less only at the end of the file). */
static size_t reader_read(PT_PCAP_READER *r, void *Buffer, size_t Length)
{
    size_t got = fread(Buffer, 1, Length, r->File);
    r->Offset += got;
    return got;
}

/* Skips Length bytes of the block that starts at Block: 0, or -1 at the end of the file. */
static int reader_skip(PT_PCAP_READER *r, uint64_t Length, uint64_t Block, uint32_t BlockLength)
{
    uint8_t scratch[4096];
    while (Length != 0) {
        size_t want = Length < sizeof(scratch) ? (size_t)Length : sizeof(scratch);
        if (reader_read(r, scratch, want) != want)
            return reader_error(r, Block, "the file ends inside a block of %lu bytes", (unsigned long)BlockLength);
        Length -= want;
    }
    return 0;
}

/* A pcapng block's trailing copy of its length. */
static int reader_trailer(PT_PCAP_READER *r, uint64_t Block, uint32_t BlockLength)
{
    uint8_t t[4];
    if (reader_read(r, t, 4) != 4)
        return reader_error(r, Block, "the file ends inside a block of %lu bytes", (unsigned long)BlockLength);
    if (get32(t, r->Swap) != BlockLength)
        return reader_error(r, Block, "block length %lu, but %lu at its end", (unsigned long)BlockLength,
                            (unsigned long)get32(t, r->Swap));
    return 0;
}

/* A Section Header Block, its type already read (at Block). */
static int reader_section(PT_PCAP_READER *r, uint64_t Block)
{
    uint8_t h[20]; /* length, byte-order magic, version, section length */
    uint32_t length, order;
    if (reader_read(r, h, sizeof(h)) != sizeof(h))
        return reader_error(r, Block, "the file ends inside a pcapng section header");
    memcpy(&order, h + 4, 4);
    if (order == PCAPNG_BYTE_ORDER)
        r->Swap = 0;
    else if (order == swap32(PCAPNG_BYTE_ORDER))
        r->Swap = 1;
    else
        return reader_error(r, Block, "pcapng section header with byte-order magic 0x%08lx", (unsigned long)order);
    length = get32(h, r->Swap);
    if (length < 28 || length % 4 != 0)
        return reader_error(r, Block, "pcapng section header of %lu bytes", (unsigned long)length);
    if (get16(h + 8, r->Swap) != 1)
        return reader_error(r, Block, "pcapng version %u.%u (only 1.x is read)", get16(h + 8, r->Swap),
                            get16(h + 10, r->Swap));
    r->Interfaces = 0; /* interfaces belong to their section */
    if (reader_skip(r, length - 28u, Block, length) != 0)
        return -1;
    return reader_trailer(r, Block, length);
}

int pt_pcap_open(PT_PCAP_READER *r, FILE *f)
{
    uint8_t h[24];
    uint32_t magic;
    memset(r, 0, sizeof(*r));
    r->File = f;
    if (reader_read(r, h, 4) != 4)
        return reader_error(r, 0, "not a pcap file: shorter than its header");
    memcpy(&magic, h, 4);
    if (magic == PCAPNG_SHB) {
        r->Ng = 1;
        return reader_section(r, 0);
    }
    if (magic == PCAP_MAGIC || magic == PCAP_MAGIC_NANOS)
        r->Swap = 0;
    else if (magic == swap32(PCAP_MAGIC) || magic == swap32(PCAP_MAGIC_NANOS))
        r->Swap = 1;
    else
        return reader_error(r, 0, "neither pcap nor pcapng (magic 0x%08lx)", (unsigned long)magic);
    r->Nanos = (r->Swap ? swap32(magic) : magic) == PCAP_MAGIC_NANOS;
    if (reader_read(r, h + 4, 20) != 20)
        return reader_error(r, 0, "not a pcap file: shorter than its header");
    if (get32(h + 20, r->Swap) != 1)
        return reader_error(r, 20, "pcap link type %lu is not Ethernet", (unsigned long)get32(h + 20, r->Swap));
    return 0;
}

/* Reads a frame of Length bytes (at Record) into Frame. */
static long reader_frame(PT_PCAP_READER *r, uint64_t Record, uint8_t *Frame, size_t Capacity, uint32_t Length)
{
    if (Length == 0)
        return reader_error(r, Record, "a record without data");
    if (Length > Capacity)
        return reader_error(r, Record, "a frame of %lu bytes, more than %zu", (unsigned long)Length, Capacity);
    if (reader_read(r, Frame, Length) != Length)
        return reader_error(r, Record, "the file ends inside a frame of %lu bytes", (unsigned long)Length);
    return (long)Length;
}

static long classic_next(PT_PCAP_READER *r, uint8_t *Frame, size_t Capacity)
{
    uint8_t h[16];
    uint64_t record = r->Offset;
    size_t got = reader_read(r, h, sizeof(h));
    if (got == 0)
        return 0;
    if (got != sizeof(h))
        return reader_error(r, record, "the file ends inside a record header");
    return reader_frame(r, record, Frame, Capacity, get32(h + 8, r->Swap));
}

/* A packet's interface must be one of the section's, and Ethernet. */
static int reader_interface(PT_PCAP_READER *r, uint64_t Block, uint32_t Interface)
{
    if (Interface >= r->Interfaces)
        return reader_error(r, Block, "a packet of interface %lu, but the section describes %lu",
                            (unsigned long)Interface, (unsigned long)r->Interfaces);
    if (r->LinkType[Interface] != 1)
        return reader_error(r, Block, "a packet of interface %lu, whose link type %u is not Ethernet",
                            (unsigned long)Interface, r->LinkType[Interface]);
    return 0;
}

static long ng_next(PT_PCAP_READER *r, uint8_t *Frame, size_t Capacity)
{
    for (;;) {
        uint8_t h[20];
        uint64_t block = r->Offset;
        uint32_t type, length, captured, ifid;
        size_t got = reader_read(r, h, 4);
        long n;
        if (got == 0)
            return 0;
        if (got != 4)
            return reader_error(r, block, "the file ends inside a block header");
        memcpy(&type, h, 4);
        if (type == PCAPNG_SHB) {
            if (reader_section(r, block) != 0)
                return -1;
            continue;
        }
        if (reader_read(r, h, 4) != 4)
            return reader_error(r, block, "the file ends inside a block header");
        type = r->Swap ? swap32(type) : type;
        length = get32(h, r->Swap);
        if (length < 12 || length % 4 != 0)
            return reader_error(r, block, "a block of %lu bytes (at least 12, a multiple of 4)",
                                (unsigned long)length);
        switch (type) {
        case PCAPNG_IDB:
            if (length < 20)
                return reader_error(r, block, "an interface block of %lu bytes", (unsigned long)length);
            if (r->Interfaces == PT_PCAPNG_MAX_INTERFACES)
                return reader_error(r, block, "more than %d interfaces in a section", PT_PCAPNG_MAX_INTERFACES);
            if (reader_read(r, h, 8) != 8)
                return reader_error(r, block, "the file ends inside a block of %lu bytes", (unsigned long)length);
            r->LinkType[r->Interfaces] = get16(h, r->Swap);
            r->SnapLength[r->Interfaces++] = get32(h + 4, r->Swap);
            if (reader_skip(r, length - 20u, block, length) != 0 || reader_trailer(r, block, length) != 0)
                return -1;
            continue;
        case PCAPNG_EPB:
            if (length < 32)
                return reader_error(r, block, "a packet block of %lu bytes", (unsigned long)length);
            if (reader_read(r, h, 20) != 20)
                return reader_error(r, block, "the file ends inside a block of %lu bytes", (unsigned long)length);
            ifid = get32(h, r->Swap);
            captured = get32(h + 12, r->Swap);
            if (captured > length - 32u || (captured + 3u) / 4u * 4u > length - 32u)
                return reader_error(r, block, "a packet of %lu bytes in a block of %lu", (unsigned long)captured,
                                    (unsigned long)length);
            if (reader_interface(r, block, ifid) != 0)
                return -1;
            n = reader_frame(r, block, Frame, Capacity, captured);
            if (n < 0 || reader_skip(r, length - 32u - captured, block, length) != 0 ||
                reader_trailer(r, block, length) != 0)
                return -1;
            return n;
        case PCAPNG_SPB:
            if (length < 16)
                return reader_error(r, block, "a simple packet block of %lu bytes", (unsigned long)length);
            if (reader_interface(r, block, 0) != 0)
                return -1;
            if (reader_read(r, h, 4) != 4)
                return reader_error(r, block, "the file ends inside a block of %lu bytes", (unsigned long)length);
            /* What was captured: the original length, cut to the snap length and to the block. */
            captured = get32(h, r->Swap);
            if (r->SnapLength[0] != 0 && captured > r->SnapLength[0])
                captured = r->SnapLength[0];
            if (captured > length - 16u)
                captured = length - 16u;
            n = reader_frame(r, block, Frame, Capacity, captured);
            if (n < 0 || reader_skip(r, length - 16u - captured, block, length) != 0 ||
                reader_trailer(r, block, length) != 0)
                return -1;
            return n;
        default: /* name resolution, statistics, comments, custom blocks ... */
            if (reader_skip(r, length - 8u - 4u, block, length) != 0 || reader_trailer(r, block, length) != 0)
                return -1;
            continue;
        }
    }
}

long pt_pcap_next(PT_PCAP_READER *r, uint8_t *Frame, size_t Capacity)
{
    return r->Ng ? ng_next(r, Frame, Capacity) : classic_next(r, Frame, Capacity);
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
/* Counted by the main thread, read by the monitor. */
static _Atomic uint64_t FramesWritten, BytesWritten, FramesRead, BytesRead, WriteFailures;

/* The capture (-o): whole records into PcapTemp (FILE.partial), renamed to
 * FILE when the run ends, however it ends, unless a record could not be
 * written (PcapBroken: then it is removed). */
static FILE *PcapOut;
static char *PcapTemp;
static int PcapBroken;

/* Stopping: the first reason wins. */
enum { STOP_NONE, STOP_SIGNAL, STOP_TIMEOUT };
#define PT_STOPPED (-1) /* a run's status: a call ended because the run was told to stop */
static _Atomic int StopReason;
static volatile sig_atomic_t StopSignal;
static int Finishing; /* under Lock: someone is ending the run; no one else may */

static const char *error_meaning(DWORD Error)
{
    switch (Error) {
    case 2: return "not found";
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
    if (StopReason != STOP_NONE)
        return PT_STOPPED; /* cancelled because we stop: not a failure */
    fprintf(stderr, "prottest: %s failed: error %lu %s\n", Call, (unsigned long)e, error_meaning(e));
    return 2;
}

/* ---- the lock, the stopper and the monitor --------------------------------------------- */

#ifdef _WIN32
static CRITICAL_SECTION Lock;
static CONDITION_VARIABLE FinishingChanged;
static void lock_init(void)
{
    InitializeCriticalSection(&Lock);
    InitializeConditionVariable(&FinishingChanged);
}
static void lock(void) { EnterCriticalSection(&Lock); }
static void unlock(void) { LeaveCriticalSection(&Lock); }
static void wait_finishing(uint64_t Ms) { SleepConditionVariableCS(&FinishingChanged, &Lock, (DWORD)Ms); }
static void finishing_changed(void) { WakeAllConditionVariable(&FinishingChanged); }
static uint64_t now_ms(void) { return GetTickCount64(); }
#else
static pthread_mutex_t Lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t FinishingChanged;
static void lock_init(void)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&FinishingChanged, &a);
    pthread_condattr_destroy(&a);
}
static void lock(void) { pthread_mutex_lock(&Lock); }
static void unlock(void) { pthread_mutex_unlock(&Lock); }
static void wait_finishing(uint64_t Ms)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_sec += (time_t)(Ms / 1000);
    t.tv_nsec += (long)(Ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&FinishingChanged, &Lock, &t);
}
static void finishing_changed(void) { pthread_cond_broadcast(&FinishingChanged); }
static uint64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}
#endif

static int start_thread(PT_THREAD (*Body)(void *))
{
#ifdef _WIN32
    HANDLE t = CreateThread(NULL, 0, Body, NULL, 0, NULL);
    if (t == NULL)
        return -1;
    CloseHandle(t);
#else
    pthread_t t;
    if (pthread_create(&t, NULL, Body, NULL) != 0)
        return -1;
    pthread_detach(t);
#endif
    return 0;
}

/* Calls on the device, made without Lock (they may wait for a frame). */
static BOOL dev_ioctl(DWORD Code, const void *In, DWORD InLength, void *Out, DWORD OutLength, DWORD *Bytes)
{
    BOOL ok;
    DWORD e;
    unlock();
    ok = DeviceIoControl(Device, Code, (LPVOID)In, InLength, Out, OutLength, Bytes, NULL);
    e = GetLastError();
    lock();
    SetLastError(e);
    return ok;
}

static BOOL dev_read(void *Buffer, DWORD Length, DWORD *Bytes)
{
    BOOL ok;
    DWORD e;
    unlock();
    ok = ReadFile(Device, Buffer, Length, Bytes, NULL);
    e = GetLastError();
    lock();
    SetLastError(e);
    return ok;
}

static BOOL dev_write(const void *Buffer, DWORD Length, DWORD *Bytes)
{
    BOOL ok;
    DWORD e;
    unlock();
    ok = WriteFile(Device, Buffer, Length, Bytes, NULL);
    e = GetLastError();
    lock();
    SetLastError(e);
    return ok;
}

static int finish(int Rc, int FromMain);

/* Asks the main thread to stop and gives it a moment to end the run
 * itself (with -s, its statistics need the handle); if it stays inside a
 * call on the device, ends the run in its place and exits. */
static void request_stop(int Reason)
{
    int none = STOP_NONE;
    uint64_t deadline;
    if (!atomic_compare_exchange_strong(&StopReason, &none, Reason))
        return;
#ifdef _WIN32
    if (Device != INVALID_HANDLE_VALUE)
        CancelIoEx(Device, NULL); /* a waiting read returns (ERROR_OPERATION_ABORTED) */
#endif
    lock();
    deadline = now_ms() + 500;
    while (!Finishing && now_ms() < deadline)
        wait_finishing(deadline - now_ms());
    if (Finishing) {
        unlock();
        return;
    }
    Finishing = 1; /* the main thread waits for Lock or inside a call: it never comes back */
    exit(finish(PT_STOPPED, 0));
}

#ifdef _WIN32
static BOOL WINAPI on_console_event(DWORD Event)
{
    if ((Event != CTRL_C_EVENT && Event != CTRL_BREAK_EVENT) || StopReason != STOP_NONE)
        return FALSE; /* the default: end the process (a second Ctrl-C ends it at once) */
    StopSignal = Event == CTRL_C_EVENT ? SIGINT : 21 /* SIGBREAK */;
    request_stop(STOP_SIGNAL);
    return TRUE;
}

static void catch_stop_signals(void)
{
    SetConsoleCtrlHandler(on_console_event, TRUE);
}
#else
static sem_t StopPosted;

static void on_signal(int Signal)
{
    StopSignal = Signal;
    sem_post(&StopPosted); /* async-signal-safe; the stopper thread does the rest */
}

static PT_THREAD stopper(void *Arg)
{
    (void)Arg;
    while (sem_wait(&StopPosted) != 0)
        ;
    request_stop(STOP_SIGNAL);
    return NULL;
}

static void catch_stop_signals(void)
{
    struct sigaction a;
    if (sem_init(&StopPosted, 0, 0) != 0 || start_thread(stopper) != 0)
        return; /* then Ctrl-C ends prottest the default way */
    memset(&a, 0, sizeof(a));
    a.sa_handler = on_signal;
    sigemptyset(&a.sa_mask);
    a.sa_flags = SA_RESETHAND; /* a second Ctrl-C ends prottest at once */
    sigaction(SIGINT, &a, NULL);
    sigaction(SIGTERM, &a, NULL);
}
#endif

static int ShowProgress;

static PT_COUNTS counts(void)
{
    PT_COUNTS c = {FramesWritten, BytesWritten, FramesRead, BytesRead};
    return c;
}

/* -T (no frame written or read for TimeoutMs) and the progress line (once a second). */
static PT_THREAD monitor(void *Arg)
{
    uint64_t start = now_ms(), lastChange = start, nextLine = start + 1000, lineAt = start;
    uint64_t seen = FramesWritten + WriteFailures + FramesRead;
    PT_COUNTS before = counts();
    (void)Arg;
    for (;;) {
        uint64_t t = now_ms(), pulse = FramesWritten + WriteFailures + FramesRead, wake;
        if (pulse != seen) {
            seen = pulse;
            lastChange = t;
        }
        if (Options.TimeoutMs != 0 && t - lastChange >= Options.TimeoutMs) {
            request_stop(STOP_TIMEOUT);
            break;
        }
        if (ShowProgress && t >= nextLine) {
            char line[200];
            PT_COUNTS now = counts();
            pt_format_progress(line, sizeof(line), Options.Mode, (double)(t - start) / 1000, &now, &before,
                               (double)(t - lineAt) / 1000);
            fprintf(stderr, "prottest: %s\n", line);
            before = now;
            lineAt = t;
            while (nextLine <= t)
                nextLine += 1000;
        }
        /* Wake for the next line or the deadline, and at least every 100 ms to see progress. */
        wake = t + 100;
        if (ShowProgress && nextLine < wake)
            wake = nextLine;
        if (Options.TimeoutMs != 0 && lastChange + Options.TimeoutMs < wake)
            wake = lastChange + Options.TimeoutMs;
        Sleep((DWORD)(wake > t ? wake - t : 1));
    }
    return 0;
}

static void start_monitor(void)
{
    ShowProgress = !Options.Quiet && (Options.Verbose ||
#ifdef _WIN32
                                      _isatty(_fileno(stderr))
#else
                                      isatty(STDERR_FILENO)
#endif
                                     );
    if (Options.TimeoutMs != 0 || ShowProgress)
        start_thread(monitor);
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
    BytesRead += Length;
    if (!Options.Quiet)
        show_frame(Frame, Length, Original);
    if (PcapOut != NULL && pt_pcap_write_frame(PcapOut, Micros, Frame, Length, Original) != 0) {
        fprintf(stderr, "prottest: writing %s: %s\n", PcapTemp, strerror(errno));
        PcapBroken = 1;
        return 2;
    }
    return 0;
}

static int pt_ioctl(DWORD Code, const void *In, DWORD InLength, void *Out, DWORD OutLength, DWORD *Bytes, const char *Name)
{
    DWORD n = 0;
    if (!dev_ioctl(Code, In, InLength, Out, OutLength, &n))
        return fail(Name);
    if (Bytes != NULL)
        *Bytes = n;
    return 0;
}

/* Lists the adapters ndisprot is bound to on Out: 0, or 2 after a failed call. */
static int enumerate(FILE *Out)
{
    union {
        NDISPROT_QUERY_BINDING q;
        uint8_t bytes[1024];
    } b;
    ULONG i;
    for (i = 0;; i++) {
        char name[256], descr[256];
        DWORD n = 0;
        memset(&b, 0, sizeof(b));
        b.q.BindingIndex = i;
        if (!dev_ioctl(IOCTL_NDISPROT_QUERY_BINDING, &b, sizeof(b.q), &b, sizeof(b), &n)) {
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
        fprintf(Out, "%2lu. %s\n    - %s\n", (unsigned long)i, name, descr);
    }
    if (i == 0)
        fprintf(Out, "    (none: ndisprot is bound to no adapter yet)\n");
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
    if (!dev_ioctl(IOCTL_NDISPROT_OPEN_DEVICE, name, (DWORD)(units * 2), NULL, 0, &n)) {
        /* ndisprot answers and the name is wrong: say so, and show the right ones. */
        DWORD e = GetLastError();
        if (e == 2) { /* STATUS_OBJECT_NAME_NOT_FOUND */
            fprintf(stderr, "prottest: OPEN_DEVICE failed for adapter '%s': error 2, no such adapter; "
                            "ndisprot is bound to:\n", Options.Adapter);
            enumerate(stderr);
        } else {
            fprintf(stderr, "prottest: OPEN_DEVICE failed for adapter '%s': error %lu %s\n", Options.Adapter,
                    (unsigned long)e, error_meaning(e));
        }
        return 2;
    }
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
    if (rc == 0 && Options.MulticastCount != 0) {
        /* The open's multicast list: NDIS keeps one per open and programs the
         * adapter (or an intermediate driver's virtual miniport) with the union. */
        union {
            NDISPROT_SET_OID s;
            uint8_t bytes[sizeof(NDISPROT_SET_OID) + sizeof(Options.Multicast)];
        } m;
        memset(&m, 0, sizeof(m));
        m.s.Oid = OID_802_3_MULTICAST_LIST;
        memcpy(m.s.Data, Options.Multicast, Options.MulticastCount * 6u);
        rc = pt_ioctl(IOCTL_NDISPROT_SET_OID_VALUE, &m, (DWORD)(offsetof(NDISPROT_SET_OID, Data) + Options.MulticastCount * 6u),
                      NULL, 0, NULL, "DeviceIoControl(IOCTL_NDISPROT_SET_OID_VALUE, OID_802_3_MULTICAST_LIST)");
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
        if (!dev_read(Buffer, MAX_FRAME, &n))
            return fail("ReadFile");
        return record_frame(Buffer, n, n, now_micros());
    }
    if (!dev_ioctl(IOCTL_NDISPROT_READ_BATCH, NULL, 0, Buffer, (DWORD)Capacity, &n))
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
        if (!dev_write(NDISPROT_FRAME_DATA(h), h->Length, &n)) {
            int rc = fail("WriteFile");
            if (rc != PT_STOPPED)
                WriteFailures++;
            return rc;
        }
        FramesWritten++;
        BytesWritten += h->Length;
        return 0;
    }
    if (!dev_ioctl(IOCTL_NDISPROT_WRITE_BATCH, Records, (DWORD)Size, results, Count * sizeof(LONG), &n)) {
        int rc = fail("DeviceIoControl(IOCTL_NDISPROT_WRITE_BATCH)");
        if (rc != PT_STOPPED)
            WriteFailures += Count;
        return rc;
    }
    for (size_t i = 0, off = 0; i < Count && i < n / sizeof(LONG); i++) {
        const NDISPROT_FRAME_HEADER *h = (const NDISPROT_FRAME_HEADER *)(Records + off);
        off += NDISPROT_FRAME_RECORD_SIZE(h->Length);
        if (results[i] == 0) {
            FramesWritten++;
            BytesWritten += h->Length;
        } else {
            WriteFailures++;
            fprintf(stderr, "prottest: batched frame %zu refused: NTSTATUS 0x%08lx\n", i, (unsigned long)results[i]);
        }
    }
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

/* -S: the adapter's own counters, each queried through ndisprot (what the
 * miniport - or an intermediate driver's virtual miniport - reports for
 * itself, not for this open).  A counter the adapter does not answer is
 * shown as such. */
static int adapter_counters(void)
{
    static const struct {
        uint32_t Oid;
        const char *Name;
    } counters[] = {
        {OID_GEN_XMIT_OK, "sent"},
        {OID_GEN_RCV_OK, "received"},
        {OID_GEN_XMIT_ERROR, "send errors"},
        {OID_GEN_RCV_DISCARDS, "receive discards"},
    };
    printf("adapter:");
    for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
        union {
            NDISPROT_QUERY_OID q;
            uint8_t bytes[sizeof(NDISPROT_QUERY_OID) + 8];
        } oid;
        DWORD n = 0;
        uint64_t v = 0;
        memset(&oid, 0, sizeof(oid));
        oid.q.Oid = counters[i].Oid;
        /* 4 or 8 bytes, as NDIS allows for the OID_GEN_* counters. */
        if (!dev_ioctl(IOCTL_NDISPROT_QUERY_OID_VALUE, &oid, sizeof(oid), &oid, sizeof(oid), &n) ||
            n < offsetof(NDISPROT_QUERY_OID, Data) + 4) {
            printf("%s %s n/a", i ? "," : "", counters[i].Name);
            continue;
        }
        memcpy(&v, oid.q.Data, n >= offsetof(NDISPROT_QUERY_OID, Data) + 8 ? 8 : 4);
        printf("%s %s %llu", i ? "," : "", counters[i].Name, (unsigned long long)v);
    }
    printf("\n");
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: prottest [options] <adapter device name>\n"
            "  -e          list the adapters ndisprot is bound to\n"
            "  -r          read only     -w  write only  (neither, or both: write a frame, read a frame)\n"
            "  -l LEN      frame length, 14..%d (default 100)\n"
            "  -n COUNT    frames to write/read (default: until stopped)\n"
            "  -m MAC      destination, aa:bb:cc:dd:ee:ff (default: the adapter's own, so frames loop back)\n"
            "  -f          fake (zero) source MAC: ndisprot must refuse it\n"
            "  -t TYPES    EtherTypes to read, e.g. 0x0800,0x86dd, or 'all' (default 0x888E);\n"
            "              frames written use the first (default 0x888E)\n"
            "  -p          promiscuous           -q N  receive queue length (frames)\n"
            "  -b N        batched I/O: N frames per write, reads of up to N frames\n"
            "  -s          print the open's statistics at the end\n"
            "  -S          print the adapter's own counters at the end (sent, received, errors, discards)\n"
            "  -M LIST     multicast addresses to receive, e.g. 01:00:5e:00:00:fb,33:33:00:00:00:01 (up to %d)\n"
            "  -x          hex-dump every frame read\n"
            "  -o FILE     save the frames read as pcap (as FILE.partial, renamed to FILE when the run ends)\n"
            "  -i FILE     send the frames of a pcap or pcapng file instead of generated ones\n"
            "  -T MS       end after MS ms without a frame (default 5000; 0: never): a failure (exit 2)\n"
            "              unless the -n count was reached or, without -n, -r had read a frame\n"
            "  -v, --verbose  a progress line (pps, Mbit/s) every second, also when stderr is no terminal\n"
            "  -Q, --quiet    no line per frame, no progress line\n"
            "  -h, --help  this text\n"
            "Ctrl-C (SIGINT, SIGTERM) ends a run normally: the summary, the capture kept, exit 0.\n",
            MAX_FRAME, PT_MAX_MULTICAST);
}

static int replace_file(const char *From, const char *To)
{
#ifdef _WIN32
    return MoveFileExA(From, To, MOVEFILE_REPLACE_EXISTING) ? 0 : -1;
#else
    return rename(From, To);
#endif
}

/* Creates the capture file (FILE.partial until the run ends): 0 or 2. */
static int open_capture(void)
{
    size_t n = strlen(Options.PcapOut);
    PcapTemp = malloc(n + sizeof(".partial"));
    if (PcapTemp == NULL) {
        fprintf(stderr, "prottest: out of memory\n");
        return 2;
    }
    memcpy(PcapTemp, Options.PcapOut, n);
    memcpy(PcapTemp + n, ".partial", sizeof(".partial"));
    PcapOut = fopen(PcapTemp, "wb");
    if (PcapOut == NULL || pt_pcap_write_header(PcapOut) != 0) {
        fprintf(stderr, "prottest: %s: %s\n", PcapTemp, strerror(errno));
        if (PcapOut != NULL) {
            fclose(PcapOut);
            PcapOut = NULL;
            remove(PcapTemp);
        }
        return 2;
    }
    return 0;
}

/* Closes the capture and gives it its name: 0, or 2 (it could not be written whole: removed). */
static int close_capture(void)
{
    int broken = PcapBroken;
    if (PcapOut == NULL)
        return 0;
    if (fclose(PcapOut) != 0) {
        fprintf(stderr, "prottest: %s: %s\n", PcapTemp, strerror(errno));
        broken = 1;
    }
    PcapOut = NULL;
    if (broken) {
        fprintf(stderr, "prottest: %s was not written whole: removed\n", PcapTemp);
        remove(PcapTemp);
        return 2;
    }
    if (replace_file(PcapTemp, Options.PcapOut) != 0) {
        fprintf(stderr, "prottest: cannot rename %s to %s: %s (the capture stays in the first)\n", PcapTemp,
                Options.PcapOut, strerror(errno));
        return 2;
    }
    return 0;
}

/* Ends the run, with Lock held: why it stopped, the summary, the statistics
 * (FromMain: the handle is free for them), the capture.  The exit status. */
static int finish(int Rc, int FromMain)
{
    int reason = StopReason;
    uint64_t attempted = FramesWritten + WriteFailures, read = FramesRead;
    if (Rc == PT_STOPPED)
        Rc = 0;
    if (reason == STOP_SIGNAL) {
        fprintf(stderr, "prottest: stopped by %s\n", StopSignal == SIGINT ? "SIGINT (Ctrl-C)" :
                                                      StopSignal == SIGTERM ? "SIGTERM" : "Ctrl-Break");
    } else if (reason == STOP_TIMEOUT) {
        int error = pt_timeout_is_error(&Options, attempted, read);
        fprintf(stderr, "prottest: no frame for %lu ms (-T): %s\n", (unsigned long)Options.TimeoutMs,
                !error ? "the capture ends"
                : Options.Count != 0 ? "the run ends before its count (-n)"
                : Options.Mode == PT_READ ? "nothing was read"
                : "the run ends unfinished");
        if (error && Rc == 0)
            Rc = 2;
    }
    printf("%llu frame(s) written, %llu refused, %llu read\n", (unsigned long long)FramesWritten,
           (unsigned long long)WriteFailures, (unsigned long long)FramesRead);
    if (Options.Statistics && FromMain && Rc == 0)
        Rc = statistics();
    if (Options.AdapterCounters && FromMain && Rc == 0)
        Rc = adapter_counters();
    else if (Options.Statistics && !FromMain)
        fprintf(stderr, "prottest: no statistics: the handle is still inside a call\n");
    if (close_capture() != 0 && Rc == 0)
        Rc = 2;
    if (Rc == 0 && WriteFailures != 0)
        Rc = 2;
    fflush(stdout);
    return Rc;
}

static int run(void)
{
    static uint8_t records[NDISPROT_MAX_BATCH_FRAMES * (sizeof(NDISPROT_FRAME_HEADER) + 1600)];
    static uint8_t readBuffer[NDISPROT_MAX_BATCH_FRAMES * (sizeof(NDISPROT_FRAME_HEADER) + 1600)];
    size_t readCapacity = Options.Batch ? Options.Batch * (sizeof(NDISPROT_FRAME_HEADER) + 1600) : MAX_FRAME;
    uint8_t mac[6], dst[6];
    uint16_t type = Options.TypeCount ? Options.Types[0] : NDISPROT_DEFAULT_ETHERTYPE;
    static PT_PCAP_READER reader;
    FILE *in = NULL;
    int rc;
    unsigned long sequence = 0;
    DWORD n;

    lock_init();
    lock(); /* held but inside calls on the device */
    catch_stop_signals();
    Device = CreateFileA("\\\\.\\NdisProt", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                         FILE_ATTRIBUTE_NORMAL, NULL);
    if (Device == INVALID_HANDLE_VALUE) {
        DWORD e = GetLastError();
        fprintf(stderr, "prottest: cannot open \\\\.\\NdisProt: CreateFile failed: error %lu %s\n", (unsigned long)e,
                e == 2 ? "(not found): is ndisprot loaded? (on Linux: is `ndiskit host run` serving it, "
                         "on the socket $NDISKIT_HOST_SOCKET names?)"
                       : error_meaning(e));
        return 2;
    }
    rc = pt_ioctl(IOCTL_NDISPROT_BIND_WAIT, NULL, 0, NULL, 0, &n, "DeviceIoControl(IOCTL_NDISPROT_BIND_WAIT)");
    if (rc == 0 && Options.Enumerate)
        rc = enumerate(stdout);
    if (rc == PT_STOPPED)
        goto out;
    if (rc != 0 || Options.Adapter == NULL)
        return rc;
    rc = open_adapter(mac);
    if (rc == 0)
        rc = configure();
    if (rc == PT_STOPPED)
        goto out;
    if (rc != 0)
        return rc;
    memcpy(dst, Options.HaveDestination ? Options.Destination : mac, 6);
    if (Options.FakeSource)
        memset(mac, 0, 6);
    if (Options.PcapIn != NULL) {
        in = fopen(Options.PcapIn, "rb");
        if (in == NULL) {
            fprintf(stderr, "prottest: %s: %s\n", Options.PcapIn, strerror(errno));
            return 2;
        }
        if (pt_pcap_open(&reader, in) != 0) {
            fprintf(stderr, "prottest: %s: %s\n", Options.PcapIn, reader.Error);
            fclose(in);
            return 2;
        }
    }
    if (Options.PcapOut != NULL && open_capture() != 0) {
        if (in != NULL)
            fclose(in);
        return 2;
    }
    start_monitor();

    for (;;) {
        unsigned batch = Options.Batch ? Options.Batch : 1, built = 0;
        size_t size = 0;
        if (StopReason != STOP_NONE)
            break;
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
                    length = pt_pcap_next(&reader, NDISPROT_FRAME_DATA(h), 1600);
                    if (length < 0) {
                        fprintf(stderr, "prottest: %s: %s\n", Options.PcapIn, reader.Error);
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
                rc = read_some(readBuffer, readCapacity,
                               Options.Count ? (unsigned long)(Options.Count - FramesRead) : (unsigned long)-1);
                if (rc != 0)
                    goto out;
            } while (Options.Mode == PT_WRITE_READ && FramesRead < FramesWritten &&
                     (Options.Count == 0 || FramesRead < Options.Count) && StopReason == STOP_NONE);
        }
    }
out:
    Finishing = 1; /* from here on, the stopper and the monitor leave the end to us */
    finishing_changed();
    rc = finish(rc, 1);
    if (in != NULL)
        fclose(in);
    CloseHandle(Device);
    unlock();
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
