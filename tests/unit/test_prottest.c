/*
 * test_prottest.c - prottest's pure parts (tools/prottest/prottest.c built
 * with PROTTEST_NO_MAIN): options, MACs, UTF-16 names, frames, pcap files.
 * Its I/O against the driver is tested end to end by tests/e2e.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "prottest.h"

static int Parse(PT_OPTIONS *o, ...)
{
    char *argv[32] = {"prottest"};
    int argc = 1;
    va_list ap;
    va_start(ap, o);
    for (char *a; (a = va_arg(ap, char *)) != NULL;)
        argv[argc++] = a;
    va_end(ap);
    return pt_parse_args(argc, argv, o);
}

static void test_options(void **state)
{
    PT_OPTIONS o;
    (void)state;

    assert_int_equal(Parse(&o, "\\DEVICE\\{X}", NULL), 0);
    assert_int_equal(o.Mode, PT_WRITE_READ);
    assert_int_equal(o.Length, 100);
    assert_int_equal(o.Count, 0);
    assert_int_equal(o.TimeoutMs, 5000);
    assert_string_equal(o.Adapter, "\\DEVICE\\{X}");

    assert_int_equal(Parse(&o, "-r", "-l", "1514", "-n", "7", "-m", "02:aa:bb:cc:dd:0f", "-f", "-p", "-q", "64", "-b",
                           "32", "-s", "-x", "-t", "0x0800,0x86dd", "-o", "out.pcap", "-T", "0", "eth", NULL),
                     0);
    assert_int_equal(o.Mode, PT_READ);
    assert_int_equal(o.Length, 1514);
    assert_int_equal(o.Count, 7);
    assert_true(o.HaveDestination && o.FakeSource && o.Promiscuous && o.Statistics && o.HexDump);
    assert_int_equal(o.Destination[0], 0x02);
    assert_int_equal(o.Destination[5], 0x0f);
    assert_int_equal(o.QueueLength, 64);
    assert_int_equal(o.Batch, 32);
    assert_int_equal(o.TypeCount, 2);
    assert_int_equal(o.Types[1], 0x86dd);
    assert_string_equal(o.PcapOut, "out.pcap");
    assert_int_equal(o.TimeoutMs, 0);
    assert_int_equal(Parse(&o, "-M", "01:00:5e:00:00:fb,33:33:00:00:00:01", "-S", "a", NULL), 0);
    assert_int_equal(o.MulticastCount, 2);
    assert_int_equal(o.Multicast[0][5], 0xfb);
    assert_int_equal(o.Multicast[1][0], 0x33);
    assert_true(o.AdapterCounters);
    assert_int_equal(Parse(&o, "-t", "all", "-w", "-e", NULL), 0);
    assert_true(o.AllTypes && o.Enumerate);
    assert_int_equal(o.Mode, PT_WRITE);

    /* Each error names what is wrong. */
    assert_int_equal(Parse(&o, NULL), -1);
    assert_non_null(strstr(o.Error, "no adapter"));
    assert_int_equal(Parse(&o, "-l", "13", "a", NULL), -1);
    assert_non_null(strstr(o.Error, "-l"));
    assert_int_equal(Parse(&o, "-l", "a", NULL), -1);
    assert_int_equal(Parse(&o, "-n", "0", "a", NULL), -1);
    assert_int_equal(Parse(&o, "-m", "02:00:00:00:00", "a", NULL), -1);
    assert_non_null(strstr(o.Error, "MAC"));
    assert_int_equal(Parse(&o, "-m", "02:00:00:00:00:01:02", "a", NULL), -1);
    assert_int_equal(Parse(&o, "-M", "02:00:00:00:00:01", "a", NULL), -1); /* an individual address */
    assert_non_null(strstr(o.Error, "-M"));
    assert_int_equal(Parse(&o, "-M", "01:00:5e:00:00:01,", "a", NULL), -1);
    assert_int_equal(Parse(&o, "-M", ",01:00:5e:00:00:01", "a", NULL), -1);
    assert_int_equal(Parse(&o, "-M", "01:00:5e:00:00:01:02", "a", NULL), -1);
    {
        /* 33 addresses: one more than a list holds. */
        char list[33 * 18 + 1];
        size_t at = 0;
        for (int i = 0; i < 33; i++)
            at += (size_t)snprintf(list + at, sizeof(list) - at, "%s01:00:5e:00:00:%02x", i ? "," : "", i);
        assert_int_equal(Parse(&o, "-M", list, "a", NULL), -1);
        list[32 * 18 - 1] = 0; /* the first 32 */
        assert_int_equal(Parse(&o, "-M", list, "a", NULL), 0);
        assert_int_equal(o.MulticastCount, 32);
    }
    assert_int_equal(Parse(&o, "-t", "0x05ff", "a", NULL), -1); /* a length, not a type */
    assert_int_equal(Parse(&o, "-t", "0x0800,", "a", NULL), -1);
    assert_int_equal(Parse(&o, "-b", "1025", "a", NULL), -1);
    assert_int_equal(Parse(&o, "-q", "0", "a", NULL), -1);
    assert_int_equal(Parse(&o, "-z", "a", NULL), -1);
    assert_non_null(strstr(o.Error, "-z"));
    assert_int_equal(Parse(&o, "a", "b", NULL), -1);
    assert_int_equal(Parse(&o, "a", "-l", NULL), -1);
    assert_non_null(strstr(o.Error, "needs a value"));
    assert_int_equal(Parse(&o, "-r", "-i", "x.pcap", "a", NULL), -1);
    assert_int_equal(Parse(&o, "-h", NULL), 0);
    assert_true(o.Help);
    assert_int_equal(Parse(&o, "--help", NULL), 0);
    assert_true(o.Help);
    assert_int_equal(Parse(&o, "-z", "--help", NULL), -1); /* what comes first is judged first */
    assert_int_equal(Parse(&o, "--hel", "a", NULL), -1);
}

/* -r reads, -w writes: both together (in either order) or neither mean
 * the default, write a frame and read a frame. */
static void test_read_write_modes(void **state)
{
    PT_OPTIONS o;
    (void)state;

    assert_int_equal(Parse(&o, "-r", "a", NULL), 0);
    assert_int_equal(o.Mode, PT_READ);
    assert_int_equal(Parse(&o, "-w", "a", NULL), 0);
    assert_int_equal(o.Mode, PT_WRITE);
    assert_int_equal(Parse(&o, "-r", "-w", "a", NULL), 0);
    assert_int_equal(o.Mode, PT_WRITE_READ);
    assert_int_equal(Parse(&o, "-w", "-r", "a", NULL), 0);
    assert_int_equal(o.Mode, PT_WRITE_READ);
    assert_int_equal(Parse(&o, "-r", "-r", "a", NULL), 0);
    assert_int_equal(o.Mode, PT_READ);
    /* -i sends: with -r alone it is an error, with -r -w the frames are sent and read back. */
    assert_int_equal(Parse(&o, "-r", "-i", "x.pcap", "a", NULL), -1);
    assert_non_null(strstr(o.Error, "-i"));
    assert_int_equal(Parse(&o, "-r", "-w", "-i", "x.pcap", "a", NULL), 0);
    assert_int_equal(o.Mode, PT_WRITE_READ);
}

static void test_names_and_frames(void **state)
{
    uint16_t units[8];
    uint8_t bytes[16], frame[64];
    char ascii[8];
    static const uint8_t dst[6] = {1, 2, 3, 4, 5, 6}, src[6] = {7, 8, 9, 10, 11, 12};
    (void)state;

    assert_int_equal(pt_utf16_from_ascii("\\DEV", units, 8), 4);
    assert_int_equal(units[0], '\\');
    assert_int_equal(units[4], 0);
    assert_int_equal(pt_utf16_from_ascii("12345678", units, 8), 0); /* no room for the NUL */
    memcpy(bytes, "A\0b\0\x00\x01\0\0", 8);
    assert_int_equal(pt_ascii_from_utf16(bytes, 8, ascii, sizeof(ascii)), 3);
    assert_string_equal(ascii, "Ab?");
    assert_int_equal(pt_ascii_from_utf16(bytes, 3, ascii, sizeof(ascii)), 1); /* an odd byte is ignored */

    assert_int_equal(pt_build_frame(frame, 64, dst, src, 0x888E, 0x01020304), 64);
    assert_memory_equal(frame, dst, 6);
    assert_memory_equal(frame + 6, src, 6);
    assert_int_equal(frame[12], 0x88);
    assert_int_equal(frame[13], 0x8E);
    assert_int_equal(frame[14], 1);
    assert_int_equal(frame[17], 4);
    assert_int_equal(frame[18], 4);
    assert_int_equal(frame[63], 49);
}

static void test_pcap_round_trip(void **state)
{
    uint8_t frames[3][100], got[200];
    PT_PCAP_READER r;
    FILE *f = tmpfile();
    (void)state;

    assert_non_null(f);
    assert_int_equal(pt_pcap_write_header(f), 0);
    for (int i = 0; i < 3; i++) {
        memset(frames[i], i + 1, sizeof(frames[i]));
        assert_int_equal(pt_pcap_write_frame(f, 1764000000123456ull + (uint64_t)i, frames[i], 60 + (uint32_t)i * 10,
                                             100),
                         0);
    }
    rewind(f);
    assert_int_equal(pt_pcap_open(&r, f), 0);
    assert_int_equal(r.Swap, 0);
    assert_int_equal(r.Nanos, 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(pt_pcap_next(&r, got, sizeof(got)), 60 + i * 10);
        assert_memory_equal(got, frames[i], 60 + (size_t)i * 10);
    }
    assert_int_equal(pt_pcap_next(&r, got, sizeof(got)), 0);
    /* A record larger than the buffer, a cut file, a file that is not pcap. */
    rewind(f);
    assert_int_equal(pt_pcap_open(&r, f), 0);
    assert_int_equal(pt_pcap_next(&r, got, 10), -1);
    assert_non_null(strstr(r.Error, "offset 24: a frame of 60 bytes, more than 10"));
    fclose(f);

    f = tmpfile();
    assert_int_equal(pt_pcap_write_header(f), 0);
    assert_int_equal(pt_pcap_write_frame(f, 0, frames[0], 60, 60), 0);
    fflush(f);
    assert_int_equal(ftruncate(fileno(f), 24 + 16 + 30), 0);
    rewind(f);
    assert_int_equal(pt_pcap_open(&r, f), 0);
    assert_int_equal(pt_pcap_next(&r, got, sizeof(got)), -1);
    assert_non_null(strstr(r.Error, "offset 24: the file ends inside a frame"));
    fclose(f);

    f = tmpfile();
    fputs("0A0D0D0A not a classic pcap at all", f);
    rewind(f);
    assert_int_equal(pt_pcap_open(&r, f), -1);
    assert_non_null(strstr(r.Error, "magic"));
    fclose(f);
}

/* -T ends a run; it failed unless the run had done what it was asked. */
static void test_timeout_policy(void **state)
{
    PT_OPTIONS o;
    (void)state;

    /* An open-ended capture: ended by the traffic stopping, once it read something. */
    assert_int_equal(Parse(&o, "-r", "a", NULL), 0);
    assert_false(pt_timeout_is_error(&o, 0, 1));
    assert_false(pt_timeout_is_error(&o, 0, 1000));
    assert_true(pt_timeout_is_error(&o, 0, 0));
    /* With a count: done only when the count was reached, in each direction the mode uses. */
    assert_int_equal(Parse(&o, "-r", "-n", "5", "a", NULL), 0);
    assert_true(pt_timeout_is_error(&o, 0, 4));
    assert_false(pt_timeout_is_error(&o, 0, 5));
    assert_int_equal(Parse(&o, "-w", "-n", "5", "a", NULL), 0);
    assert_true(pt_timeout_is_error(&o, 4, 0));
    assert_false(pt_timeout_is_error(&o, 5, 0));
    assert_int_equal(Parse(&o, "-n", "5", "a", NULL), 0);
    assert_true(pt_timeout_is_error(&o, 5, 4));
    assert_true(pt_timeout_is_error(&o, 4, 5));
    assert_false(pt_timeout_is_error(&o, 5, 5));
    /* Open-ended writing (or write-and-read) that stalls: the adapter stopped taking or returning frames. */
    assert_int_equal(Parse(&o, "-w", "a", NULL), 0);
    assert_true(pt_timeout_is_error(&o, 100, 0));
    assert_int_equal(Parse(&o, "a", NULL), 0);
    assert_true(pt_timeout_is_error(&o, 100, 99));
}

static void test_progress_and_quiet(void **state)
{
    PT_OPTIONS o;
    PT_COUNTS before = {1000, 100000, 900, 90000}, now = {3000, 350000, 2900, 340000};
    char line[200], tiny[12];
    (void)state;

    pt_format_progress(line, sizeof(line), PT_WRITE_READ, 12.04, &now, &before, 2.0);
    assert_string_equal(line, "12.0 s: 3000 written (1000 pps, 1.0 Mbit/s), 2900 read (1000 pps, 1.0 Mbit/s)");
    pt_format_progress(line, sizeof(line), PT_READ, 1, &now, &before, 1.0);
    assert_string_equal(line, "1.0 s: 2900 read (2000 pps, 2.0 Mbit/s)");
    pt_format_progress(line, sizeof(line), PT_WRITE, 1, &now, &before, 0);
    assert_string_equal(line, "1.0 s: 3000 written (2000 pps, 2.0 Mbit/s)");
    assert_int_equal(pt_format_progress(tiny, sizeof(tiny), PT_WRITE, 1, &now, &before, 1), 11); /* cut, terminated */
    assert_int_equal(strlen(tiny), 11);

    assert_int_equal(Parse(&o, "a", NULL), 0);
    assert_false(o.Quiet || o.Verbose);
    assert_int_equal(Parse(&o, "-Q", "a", NULL), 0);
    assert_true(o.Quiet);
    assert_int_equal(Parse(&o, "--quiet", "a", NULL), 0);
    assert_true(o.Quiet);
    assert_int_equal(Parse(&o, "-v", "a", NULL), 0);
    assert_true(o.Verbose);
    assert_int_equal(Parse(&o, "--verbose", "a", NULL), 0);
    assert_true(o.Verbose);
    assert_int_equal(Parse(&o, "-Q", "-x", "a", NULL), -1);
    assert_non_null(strstr(o.Error, "-x"));
    assert_int_equal(Parse(&o, "-v", "--quiet", "a", NULL), -1);
    assert_non_null(strstr(o.Error, "-v"));
    assert_int_equal(Parse(&o, "-q", "a", NULL), -1); /* -q stays the queue length, with its value */
}

/* ---- pcap and pcapng files written here, byte by byte --------------------------------- */

typedef struct {
    uint8_t Bytes[4096];
    size_t Size;
    int Big; /* byte order of the numbers written */
} FILEBUF;

static void put8(FILEBUF *b, uint8_t v) { b->Bytes[b->Size++] = v; }
static void put16(FILEBUF *b, uint16_t v)
{
    put8(b, (uint8_t)(b->Big ? v >> 8 : v));
    put8(b, (uint8_t)(b->Big ? v : v >> 8));
}
static void put32(FILEBUF *b, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        put8(b, (uint8_t)(v >> (b->Big ? 24 - 8 * i : 8 * i)));
}
static void putbytes(FILEBUF *b, const uint8_t *p, size_t n)
{
    memcpy(b->Bytes + b->Size, p, n);
    b->Size += n;
}

/* A pcapng block: its type, length, Body, padding, length.  Returns its offset. */
static size_t block(FILEBUF *b, uint32_t Type, const FILEBUF *Body)
{
    size_t at = b->Size, padded = (Body->Size + 3) / 4 * 4;
    put32(b, Type);
    put32(b, (uint32_t)(12 + padded));
    putbytes(b, Body->Bytes, Body->Size);
    while (b->Size < at + 8 + padded)
        put8(b, 0);
    put32(b, (uint32_t)(12 + padded));
    return at;
}

static void section(FILEBUF *b, int Big)
{
    FILEBUF body = {.Big = Big};
    b->Big = Big;
    put32(&body, 0x1A2B3C4D);
    put16(&body, 1);
    put16(&body, 0);
    put32(&body, 0xFFFFFFFF); /* section length: unknown */
    put32(&body, 0xFFFFFFFF);
    put16(&body, 4); /* an option (shb_userappl), which the reader skips */
    put16(&body, 3);
    putbytes(&body, (const uint8_t *)"pt\0\0", 4);
    put16(&body, 0);
    put16(&body, 0);
    block(b, 0x0A0D0D0A, &body);
}

static void interface(FILEBUF *b, uint16_t LinkType, uint32_t SnapLength)
{
    FILEBUF body = {.Big = b->Big};
    put16(&body, LinkType);
    put16(&body, 0);
    put32(&body, SnapLength);
    put16(&body, 9); /* if_tsresol: nanoseconds */
    put16(&body, 1);
    put32(&body, 9);
    put16(&body, 0);
    put16(&body, 0);
    block(b, 1, &body);
}

static size_t enhanced(FILEBUF *b, uint32_t Interface, const uint8_t *Frame, uint32_t Length)
{
    FILEBUF body = {.Big = b->Big};
    put32(&body, Interface);
    put32(&body, 0x0005F1A2);
    put32(&body, 0x12345678);
    put32(&body, Length);
    put32(&body, Length + 4); /* the wire had more */
    putbytes(&body, Frame, Length);
    while (body.Size % 4 != 0)
        put8(&body, 0);
    put16(&body, 1); /* opt_comment */
    put16(&body, 2);
    putbytes(&body, (const uint8_t *)"hi\0\0", 4);
    put16(&body, 0);
    put16(&body, 0);
    return block(b, 6, &body);
}

static void simple(FILEBUF *b, const uint8_t *Frame, uint32_t Length)
{
    FILEBUF body = {.Big = b->Big};
    put32(&body, Length);
    putbytes(&body, Frame, Length);
    block(b, 3, &body);
}

static void other(FILEBUF *b, uint32_t Type, size_t Length)
{
    FILEBUF body = {.Big = b->Big};
    for (size_t i = 0; i < Length; i++)
        put8(&body, (uint8_t)i);
    block(b, Type, &body);
}

static FILE *file_of(const FILEBUF *b, size_t Size)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(fwrite(b->Bytes, 1, Size, f), Size);
    rewind(f);
    return f;
}

/* Reads a whole file: the frames' lengths into Lengths (their bytes
 * appended to Data), the count, or -1 on an error (r->Error). */
static int read_all(PT_PCAP_READER *r, const FILEBUF *b, size_t Size, long *Lengths, uint8_t *Data)
{
    FILE *f = file_of(b, Size);
    int n = 0;
    long k = 0;
    if (pt_pcap_open(r, f) != 0) {
        fclose(f);
        return -1;
    }
    while (n < 16 && (k = pt_pcap_next(r, Data, 200)) > 0) {
        Lengths[n++] = k;
        Data += k;
    }
    fclose(f);
    return k < 0 ? -1 : n;
}

static uint8_t Frames[5][100];

static void make_frames(void)
{
    for (int i = 0; i < 5; i++)
        for (int k = 0; k < 100; k++)
            Frames[i][k] = (uint8_t)(i * 40 + k);
}

/* Two sections (little- then big-endian, or the other way), two
 * interfaces, enhanced and simple packets, blocks to skip. */
static void sample_pcapng(FILEBUF *b, int Big, size_t *Boundaries, int *Count)
{
    int n = 0;
    memset(b, 0, sizeof(*b));
    section(b, Big);
    Boundaries[n++] = b->Size;
    interface(b, 1, 0);
    Boundaries[n++] = b->Size;
    interface(b, 1, 65535);
    Boundaries[n++] = b->Size;
    other(b, 4, 13); /* name resolution */
    Boundaries[n++] = b->Size;
    enhanced(b, 0, Frames[0], 60);
    Boundaries[n++] = b->Size;
    simple(b, Frames[1], 61);
    Boundaries[n++] = b->Size;
    enhanced(b, 1, Frames[2], 99);
    Boundaries[n++] = b->Size;
    other(b, 0x40000BAD, 7); /* a custom block */
    Boundaries[n++] = b->Size;
    section(b, !Big);
    Boundaries[n++] = b->Size;
    interface(b, 1, 64); /* the simple packet is cut to the snap length */
    Boundaries[n++] = b->Size;
    simple(b, Frames[3], 80);
    Boundaries[n++] = b->Size;
    *Count = n;
}

static void test_pcapng(void **state)
{
    static const long want[] = {60, 61, 99, 64};
    PT_PCAP_READER r;
    FILEBUF b;
    size_t boundaries[16];
    long lengths[16];
    uint8_t data[16 * 200];
    int nb;
    (void)state;

    make_frames();
    for (int big = 0; big < 2; big++) {
        sample_pcapng(&b, big, boundaries, &nb);
        assert_int_equal(read_all(&r, &b, b.Size, lengths, data), 4);
        assert_true(r.Ng);
        assert_memory_equal(lengths, want, sizeof(want));
        assert_memory_equal(data, Frames[0], 60);
        assert_memory_equal(data + 60, Frames[1], 61);
        assert_memory_equal(data + 121, Frames[2], 99);
        assert_memory_equal(data + 220, Frames[3], 64);

        /* Cut anywhere: at a block boundary a shorter file, elsewhere an error naming an offset. */
        for (size_t cut = 0; cut < b.Size; cut++) {
            int at_boundary = 0, n;
            for (int i = 0; i < nb; i++)
                at_boundary |= boundaries[i] == cut;
            n = read_all(&r, &b, cut, lengths, data);
            if (at_boundary) {
                assert_true(n >= 0);
            } else {
                assert_int_equal(n, -1);
                assert_non_null(strstr(r.Error, "offset "));
            }
        }
    }
}

/* Lengths that lie, blocks that point elsewhere, interfaces that do not
 * exist: each refused with a message naming the block's offset. */
static void test_pcapng_hostile(void **state)
{
    PT_PCAP_READER r;
    FILEBUF b, good;
    size_t boundaries[16], at;
    long lengths[16];
    uint8_t data[16 * 200];
    char want[64];
    int nb;
    (void)state;

    make_frames();
    sample_pcapng(&good, 0, boundaries, &nb);

    /* A block length under 12, or not a multiple of 4. */
    for (uint32_t bad = 0; bad < 16; bad++) {
        if (bad >= 12 && bad % 4 == 0)
            continue;
        b = good;
        memcpy(b.Bytes + boundaries[2] + 4, &bad, 4); /* the name resolution block */
        assert_int_equal(read_all(&r, &b, b.Size, lengths, data), -1);
        snprintf(want, sizeof(want), "offset %zu: a block of %u bytes ", boundaries[2], bad);
        assert_non_null(strstr(r.Error, want));
    }
    /* The length at the end differs from the one at the start. */
    b = good;
    b.Bytes[boundaries[3] - 4] ^= 4;
    assert_int_equal(read_all(&r, &b, b.Size, lengths, data), -1);
    snprintf(want, sizeof(want), "offset %zu: block length", boundaries[2]);
    assert_non_null(strstr(r.Error, want));
    /* A huge length: the file ends inside the block, nothing is allocated. */
    b = good;
    memcpy(b.Bytes + boundaries[2] + 4, &(uint32_t){0xFFFFFFF0u}, 4);
    assert_int_equal(read_all(&r, &b, b.Size, lengths, data), -1);
    assert_non_null(strstr(r.Error, "ends inside a block of 4294967280 bytes"));
    /* A packet's captured length past its block, or huge. */
    for (int i = 0; i < 3; i++) {
        static const uint32_t lies[] = {73, 0xFFFFFFFFu, 0xFFFFFFFDu};
        b = good;
        memcpy(b.Bytes + boundaries[3] + 8 + 12, &lies[i], 4);
        assert_int_equal(read_all(&r, &b, b.Size, lengths, data), -1);
        snprintf(want, sizeof(want), "offset %zu: a packet of %lu bytes in a block of 104", boundaries[3],
                 (unsigned long)lies[i]);
        assert_string_equal(r.Error, want);
    }
    /* A packet of an interface the section does not describe. */
    b = good;
    b.Bytes[boundaries[3] + 8] = 2;
    assert_int_equal(read_all(&r, &b, b.Size, lengths, data), -1);
    assert_non_null(strstr(r.Error, "interface 2, but the section describes 2"));
    /* A packet of a non-Ethernet interface (802.11). */
    b = good;
    b.Bytes[boundaries[0] + 8] = 105;
    assert_int_equal(read_all(&r, &b, b.Size, lengths, data), -1);
    assert_non_null(strstr(r.Error, "link type 105 is not Ethernet"));
    /* A simple packet before any interface. */
    memset(&b, 0, sizeof(b));
    section(&b, 1);
    simple(&b, Frames[0], 60);
    assert_int_equal(read_all(&r, &b, b.Size, lengths, data), -1);
    assert_non_null(strstr(r.Error, "but the section describes 0"));
    /* A section header whose byte-order magic is neither order, or of another version. */
    b = good;
    b.Bytes[8] ^= 0xFF;
    assert_int_equal(read_all(&r, &b, b.Size, lengths, data), -1);
    assert_non_null(strstr(r.Error, "offset 0: pcapng section header with byte-order magic"));
    b = good;
    b.Bytes[12] = 2;
    assert_int_equal(read_all(&r, &b, b.Size, lengths, data), -1);
    assert_non_null(strstr(r.Error, "version 2.0"));
    /* A frame larger than the caller's buffer. */
    memset(&b, 0, sizeof(b));
    section(&b, 0);
    interface(&b, 1, 0);
    at = enhanced(&b, 0, Frames[0], 100);
    {
        FILE *f = file_of(&b, b.Size);
        assert_int_equal(pt_pcap_open(&r, f), 0);
        assert_int_equal(pt_pcap_next(&r, data, 99), -1);
        snprintf(want, sizeof(want), "offset %zu: a frame of 100 bytes, more than 99", at);
        assert_string_equal(r.Error, want);
        fclose(f);
    }
    /* Any single byte changed: an answer, never a crash (ASan watches). */
    for (size_t i = 0; i < good.Size; i++) {
        static const uint8_t values[] = {0x00, 0x01, 0x7F, 0x80, 0xFF};
        for (size_t v = 0; v < sizeof(values); v++) {
            b = good;
            b.Bytes[i] = values[v];
            (void)read_all(&r, &b, b.Size, lengths, data);
        }
    }
}

/* Classic pcap: nanosecond timestamps and the other byte order are read too. */
static void test_pcap_nanos_and_byte_order(void **state)
{
    PT_PCAP_READER r;
    FILEBUF b;
    long lengths[16];
    uint8_t data[16 * 200];
    (void)state;

    make_frames();
    for (int nanos = 0; nanos < 2; nanos++) {
        for (int big = 0; big < 2; big++) {
            memset(&b, 0, sizeof(b));
            b.Big = big;
            put32(&b, nanos ? 0xA1B23C4D : 0xA1B2C3D4);
            put16(&b, 2);
            put16(&b, 4);
            put32(&b, 0);
            put32(&b, 0);
            put32(&b, 65535);
            put32(&b, 1);
            for (int i = 0; i < 2; i++) {
                put32(&b, 1764000000);
                put32(&b, nanos ? 999999999 : 999999);
                put32(&b, 70 + (uint32_t)i);
                put32(&b, 70 + (uint32_t)i);
                putbytes(&b, Frames[i], 70 + (size_t)i);
            }
            assert_int_equal(read_all(&r, &b, b.Size, lengths, data), 2);
            assert_int_equal(r.Nanos, nanos);
            assert_false(r.Ng);
            assert_int_equal(lengths[0], 70);
            assert_int_equal(lengths[1], 71);
            assert_memory_equal(data, Frames[0], 70);
            assert_memory_equal(data + 70, Frames[1], 71);
            /* Cut inside a record header: an error at its offset. */
            assert_int_equal(read_all(&r, &b, 24 + 16 + 70 + 5, lengths, data), -1);
            assert_string_equal(r.Error, "offset 110: the file ends inside a record header");
        }
    }
    /* Not Ethernet. */
    b.Bytes[b.Big ? 23 : 20] = 105;
    assert_int_equal(read_all(&r, &b, b.Size, lengths, data), -1);
    assert_non_null(strstr(r.Error, "link type 105 is not Ethernet"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_read_write_modes),
        cmocka_unit_test(test_timeout_policy),
        cmocka_unit_test(test_progress_and_quiet),
        cmocka_unit_test(test_names_and_frames),
        cmocka_unit_test(test_pcap_round_trip),
        cmocka_unit_test(test_pcapng),
        cmocka_unit_test(test_pcapng_hostile),
        cmocka_unit_test(test_pcap_nanos_and_byte_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
