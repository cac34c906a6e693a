/*
 * ntddk.h - the ntddk.h view of the kernel: everything in wdm.h plus the few
 * ntddk-only routines ndiskit uses.
 */
#ifndef NDISKIT_NTDDK_H
#define NDISKIT_NTDDK_H

#include <wdm.h>

#endif /* NDISKIT_NTDDK_H */
