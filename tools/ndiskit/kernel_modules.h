/*
 * kernel_modules.h - classify an imported DLL name (table in kernel_modules.c).
 */
#ifndef NDISKIT_KERNEL_MODULES_H
#define NDISKIT_KERNEL_MODULES_H

#include <stdbool.h>

enum module_kind {
    MODULE_KERNEL,  /* a kernel-mode module drivers may import from */
    MODULE_USER,    /* a user-mode DLL: the kernel loader cannot resolve it */
    MODULE_UNKNOWN, /* not in either table (perhaps a third-party export driver) */
};

enum module_kind kernel_module_kind(const char *dll);

#endif
