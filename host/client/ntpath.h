/*
 * ntpath.h - the Win32 -> NT path conversion CreateFileA/W do before
 * opening (RtlDosPathNameToNtPathName's rules for the paths a device is
 * opened by).  The one implementation: the client library converts with
 * it before sending a name, and the host kernel (host/kmdf/userio.c) with
 * it when an in-process caller opens a Win32 path.  Plain C with no
 * Windows headers, so both sides build it; tests call it directly.
 */
#ifndef NDISKIT_CLIENT_NTPATH_H
#define NDISKIT_CLIENT_NTPATH_H

#include <stddef.h>
#include <stdint.h>

/* The Win32 errors it returns (winerror.h's values). */
#define NK_PATH_OK 0u
#define NK_PATH_FILE_NOT_FOUND 2u
#define NK_PATH_PATH_NOT_FOUND 3u
#define NK_PATH_BAD_NETPATH 53u
#define NK_PATH_INVALID_NAME 123u
#define NK_PATH_FILENAME_EXCED_RANGE 206u

/* Path: Units UTF-16 units (no terminator).  On success ERROR_SUCCESS and
 * the NT path in Nt (*NtUnits units, no terminator); else the Win32 error
 * CreateFile fails with.  Capacity is Nt's size in units. */
uint32_t NkWin32PathToNt(const uint16_t *Path, size_t Units, uint16_t *Nt, size_t Capacity, size_t *NtUnits);

#endif
