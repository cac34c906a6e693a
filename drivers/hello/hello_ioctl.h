/*
 * hello_ioctl.h - the user-mode interface of the hello driver: one control
 * device and one buffered IOCTL that returns its input unchanged.  Shared by
 * the driver and by user-mode clients (it needs only CTL_CODE's definition).
 */
#ifndef HELLO_IOCTL_H
#define HELLO_IOCTL_H

#define HELLO_DEVICE_NAME     L"\\Device\\NdiskitHello"
#define HELLO_DOS_DEVICE_NAME L"\\DosDevices\\NdiskitHello"
#define HELLO_WIN32_PATH      "\\\\.\\NdiskitHello"

/* Largest input the echo accepts; larger requests fail with STATUS_INVALID_BUFFER_SIZE. */
#define HELLO_ECHO_MAX_BYTES 4096

/* FILE_DEVICE_UNKNOWN, function 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS. */
#define IOCTL_HELLO_ECHO CTL_CODE(0x00000022, 0x800, 0, 0)

#endif /* HELLO_IOCTL_H */
