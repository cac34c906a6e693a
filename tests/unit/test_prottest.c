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
    char err[160];
    FILE *f = tmpfile();
    int swap = -1;
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
    assert_int_equal(pt_pcap_open(f, &swap, err, sizeof(err)), 0);
    assert_int_equal(swap, 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(pt_pcap_next(f, swap, got, sizeof(got), err, sizeof(err)), 60 + i * 10);
        assert_memory_equal(got, frames[i], 60 + (size_t)i * 10);
    }
    assert_int_equal(pt_pcap_next(f, swap, got, sizeof(got), err, sizeof(err)), 0);
    /* A record larger than the buffer, a cut file, a file that is not pcap. */
    rewind(f);
    assert_int_equal(pt_pcap_open(f, &swap, err, sizeof(err)), 0);
    assert_int_equal(pt_pcap_next(f, swap, got, 10, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "larger"));
    fclose(f);

    f = tmpfile();
    assert_int_equal(pt_pcap_write_header(f), 0);
    assert_int_equal(pt_pcap_write_frame(f, 0, frames[0], 60, 60), 0);
    fflush(f);
    assert_int_equal(ftruncate(fileno(f), 24 + 16 + 30), 0);
    rewind(f);
    assert_int_equal(pt_pcap_open(f, &swap, err, sizeof(err)), 0);
    assert_int_equal(pt_pcap_next(f, swap, got, sizeof(got), err, sizeof(err)), -1);
    assert_non_null(strstr(err, "inside a frame"));
    fclose(f);

    f = tmpfile();
    fputs("0A0D0D0A not a classic pcap at all", f);
    rewind(f);
    assert_int_equal(pt_pcap_open(f, &swap, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "magic"));
    fclose(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_read_write_modes),
        cmocka_unit_test(test_names_and_frames),
        cmocka_unit_test(test_pcap_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
