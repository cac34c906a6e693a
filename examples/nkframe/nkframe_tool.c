/*
 * nkframe_tool.c - the user-mode side of examples/nkframe, written against
 * the Win32 API only: on Linux it links ndiskit_client and talks to the
 * driver under `ndiskit host run`; the same source is a Windows program.
 *
 * Writes one Ethernet frame to \\.\NkFrame and reads until the driver has
 * received it back (the adapter loops it back).  Exit 0 when the bytes
 * match, 1 otherwise.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#define FRAME_BYTES 60
#define TRIES 3000 /* x 10 ms: 30 s for a slow machine */

int main(void)
{
    static const char payload[] = "hello from nkframe_tool";
    unsigned char frame[FRAME_BYTES] = {0}, got[1514];
    DWORD n = 0;
    HANDLE h;
    int i;

    memset(frame, 0xff, 6);                                  /* broadcast */
    memcpy(frame + 6, "\x02\x00\x00\x00\x00\x01", 6);        /* a local address */
    frame[12] = 0x88;                                        /* EtherType 0x88B5: local experimental */
    frame[13] = 0xB5;
    memcpy(frame + 14, payload, sizeof(payload));

    h = CreateFileA("\\\\.\\NkFrame", GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                    FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        fprintf(stderr, "nkframe_tool: cannot open \\\\.\\NkFrame: error %lu\n", (unsigned long)GetLastError());
        return 1;
    }
    /* ERROR_NOT_READY until an adapter is bound and running. */
    for (i = 0; i < TRIES; i++) {
        if (WriteFile(h, frame, sizeof(frame), &n, NULL))
            break;
        if (GetLastError() != ERROR_NOT_READY) {
            fprintf(stderr, "nkframe_tool: WriteFile: error %lu\n", (unsigned long)GetLastError());
            CloseHandle(h);
            return 1;
        }
        Sleep(10);
    }
    if (i == TRIES || n != sizeof(frame)) {
        fprintf(stderr, "nkframe_tool: the frame was not sent (%lu bytes)\n", (unsigned long)n);
        CloseHandle(h);
        return 1;
    }
    /* The driver keeps the last frame it received: poll until it is ours. */
    for (i = 0; i < TRIES; i++) {
        if (!ReadFile(h, got, sizeof(got), &n, NULL)) {
            fprintf(stderr, "nkframe_tool: ReadFile: error %lu\n", (unsigned long)GetLastError());
            CloseHandle(h);
            return 1;
        }
        if (n == sizeof(frame) && memcmp(got, frame, n) == 0)
            break;
        Sleep(10);
    }
    CloseHandle(h);
    if (i == TRIES) {
        fprintf(stderr, "nkframe_tool: the frame did not come back (last read: %lu bytes)\n", (unsigned long)n);
        return 1;
    }
    printf("nkframe_tool: sent %d bytes and read them back\n", FRAME_BYTES);
    return 0;
}
