/*
 * ntpath.h - the Win32 -> NT path conversion CreateFileA/W do before
 * opening (RtlDosPathNameToNtPathName's rules for the paths a device is
 * opened by).  Internal to the client library; tests call it directly.
 */
#ifndef NDISKIT_CLIENT_NTPATH_H
#define NDISKIT_CLIENT_NTPATH_H

#include <stddef.h>
#include <stdint.h>

/* Path: Units UTF-16 units (no terminator).  On success ERROR_SUCCESS and
 * the NT path in Nt (*NtUnits units, no terminator); else the Win32 error
 * CreateFile fails with.  Capacity is Nt's size in units. */
uint32_t NkWin32PathToNt(const uint16_t *Path, size_t Units, uint16_t *Nt, size_t Capacity, size_t *NtUnits);

#endif
