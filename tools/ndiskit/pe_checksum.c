/*
 * pe_checksum.c - the image checksum of the PE specification.
 *
 * The optional header's CheckSum is a 16-bit one's-complement style sum of
 * the whole file taken as little-endian 16-bit words (an odd last byte is a
 * word with a zero high byte), with the CheckSum field itself counted as
 * zero and carries folded back in, plus the file length.  Windows 7 refuses
 * kernel drivers whose CheckSum is 0 and the kernel loader may verify it, so
 * `fix` recomputes it last, after every other byte is final.
 */
#include "pe.h"

uint32_t pe_checksum(const uint8_t *data, size_t size, size_t checksum_offset)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < size; i += 2) {
        uint32_t lo = data[i];
        uint32_t hi = i + 1 < size ? data[i + 1] : 0;
        /* Bytes of the CheckSum field count as zero.  The field need not be
         * word-aligned in a hostile file, so test each byte. */
        if (i >= checksum_offset && i - checksum_offset < 4)
            lo = 0;
        if (i + 1 >= checksum_offset && i + 1 - checksum_offset < 4)
            hi = 0;
        sum += lo | hi << 8;
        sum = (sum & 0xffffu) + (sum >> 16);
    }
    sum = (sum & 0xffffu) + (sum >> 16);
    return (uint32_t)(sum & 0xffffu) + (uint32_t)size;
}
