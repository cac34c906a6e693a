/*
 * nkecho_ioctl.h - the user-mode interface of nkecho (drivers/nkecho).
 */
#ifndef NKECHO_IOCTL_H
#define NKECHO_IOCTL_H

/* Echo: the output buffer receives the input buffer (at least as large). */
#define IOCTL_NKECHO_ECHO CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)

#endif
