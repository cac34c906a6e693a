/*
 * prottest.h - prottest's pure parts (option parsing, MAC and UTF-16
 * conversion, pcap files, frame building), tested by
 * tests/unit/test_prottest.c without a driver.
 */
#ifndef PROTTEST_H
#define PROTTEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PT_MAX_TYPES 16
#define PT_MAX_MULTICAST 32 /* OID_802_3_MAXIMUM_LIST_SIZE of most adapters (and of mux's VELANs) */

typedef enum { PT_WRITE_READ, PT_READ, PT_WRITE } PT_MODE;

typedef struct {
    const char *Adapter;        /* "\DEVICE\{GUID}" */
    PT_MODE Mode;
    int Enumerate, FakeSource, Promiscuous, Statistics, HexDump, Help, AllTypes, HaveDestination;
    int Quiet, Verbose;         /* -Q/--quiet: no per-frame lines, no progress; -v/--verbose: progress always */
    uint32_t Length, Count, QueueLength, Batch, TimeoutMs;
    uint8_t Destination[6];
    uint16_t Types[PT_MAX_TYPES];
    uint32_t TypeCount;
    uint8_t Multicast[PT_MAX_MULTICAST][6]; /* -M: the open's multicast list */
    uint32_t MulticastCount;
    int AdapterCounters;        /* -S: the adapter's own counters (OID_GEN_XMIT_OK, ...) at the end */
    const char *PcapOut, *PcapIn;
    char Error[160];            /* why pt_parse_args failed */
} PT_OPTIONS;

/* 0, or -1 with Options->Error set. */
int pt_parse_args(int Argc, char **Argv, PT_OPTIONS *Options);
int pt_parse_mac(const char *Text, uint8_t Mac[6]);

/* A run that -T ends (no frame written or read for TimeoutMs) failed
 * unless it had done what it was asked: reached its -n count, or, as an
 * open-ended capture (-r without -n), read at least one frame.  Written
 * counts the frames sent and refused. */
int pt_timeout_is_error(const PT_OPTIONS *Options, uint64_t Written, uint64_t Read);

typedef struct {
    uint64_t FramesWritten, BytesWritten, FramesRead, BytesRead;
} PT_COUNTS;
/* The progress line: totals at Seconds into the run, rates over the last
 * Interval seconds (Now - Before), for the directions the mode uses. */
size_t pt_format_progress(char *Out, size_t Size, PT_MODE Mode, double Seconds, const PT_COUNTS *Now,
                          const PT_COUNTS *Before, double Interval);
/* Text as UTF-16 units with a NUL; the units before it, or 0 if it does not fit. */
size_t pt_utf16_from_ascii(const char *Text, uint16_t *Out, size_t Capacity);
/* UTF-16 bytes (little-endian) to ASCII ('?' for the rest), NUL-terminated. */
size_t pt_ascii_from_utf16(const uint8_t *Units, size_t Bytes, char *Out, size_t Capacity);
/* dst, src, EtherType, then a 4-byte big-endian sequence number and bytes 4, 5, ... */
size_t pt_build_frame(uint8_t *Frame, size_t Length, const uint8_t Dst[6], const uint8_t Src[6], uint16_t Type,
                      uint32_t Sequence);

int pt_pcap_write_header(FILE *f);
int pt_pcap_write_frame(FILE *f, uint64_t UnixMicros, const uint8_t *Frame, uint32_t Length, uint32_t OriginalLength);
/* Reading classic pcap (microsecond or nanosecond timestamps, either byte
 * order) and pcapng (sections in either byte order, interface, enhanced
 * and simple packet blocks; other blocks skipped). */
#define PT_PCAPNG_MAX_INTERFACES 256
typedef struct {
    FILE *File;
    int Ng, Swap, Nanos;
    uint64_t Offset; /* of the next byte to read */
    uint32_t Interfaces; /* of the current pcapng section */
    uint16_t LinkType[PT_PCAPNG_MAX_INTERFACES];
    uint32_t SnapLength[PT_PCAPNG_MAX_INTERFACES];
    char Error[160]; /* "offset N: what is wrong" */
} PT_PCAP_READER;

/* 0, or -1 with Reader->Error set. */
int pt_pcap_open(PT_PCAP_READER *Reader, FILE *f);
/* The next frame's length, 0 at the end, or -1 with Reader->Error set. */
long pt_pcap_next(PT_PCAP_READER *Reader, uint8_t *Frame, size_t Capacity);

#endif
