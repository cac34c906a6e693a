/*
 * kernel_modules.c - which DLL names a kernel image may import from.
 *
 * The kernel loader resolves a driver's imports only against modules loaded
 * in kernel space: the kernel itself, the HAL and kernel-mode export
 * drivers.  A user-mode DLL named in a driver's import table (usually
 * dragged in by a CRT or a wrong import library) cannot be resolved, and
 * the driver fails to load.  The tables below are what `check` judges
 * imports by; names compare case-insensitively, as the loader does.
 */
#include "kernel_modules.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

/* Kernel-mode modules that export functions drivers link against. */
static const char *const kernel_modules[] = {
    "ntoskrnl.exe", /* the kernel: Ke/Io/Mm/Ex/Rtl/Zw/Ob/Ps/Se... */
    "ntkrnlpa.exe", /* 32-bit PAE kernel (x86 drivers) */
    "ntkrnlmp.exe", /* multiprocessor kernel name in some x86 builds */
    "hal.dll",      /* hardware abstraction layer */
    "ndis.sys",     /* NDIS: miniport, protocol, filter drivers */
    "wdfldr.sys",   /* KMDF loader: WdfVersionBind and friends */
    "netio.sys",    /* NetIO: NSI, WSK helpers, NET_BUFFER utilities */
    "fwpkclnt.sys", /* Windows Filtering Platform kernel client */
    "ksecdd.sys",   /* kernel security support provider interface */
    "cng.sys",      /* kernel cryptography (BCrypt*) */
    "tdi.sys",      /* legacy Transport Driver Interface */
    "wmilib.sys",   /* WMI library for WDM drivers */
    "msrpc.sys",    /* kernel RPC */
    "ci.dll",       /* code integrity */
    "clfs.sys",     /* common log file system */
    "storport.sys", /* storage miniports */
    "scsiport.sys", /* legacy SCSI miniports */
    "ataport.sys",  /* ATA miniports */
    "classpnp.sys", /* storage class drivers */
    "usbd.sys",     /* USB client helpers */
    "hidclass.sys", /* HID minidrivers */
    "hidparse.sys", /* HID report parsing */
    "ks.sys",       /* kernel streaming */
    "portcls.sys",  /* audio port class */
    "videoprt.sys", /* video miniports */
    "dxgkrnl.sys",  /* display miniports (WDDM) */
    "fltmgr.sys",   /* file system minifilters */
    "wpprecorder.sys", /* WPP in-flight recorder */
    "werkernel.sys", /* kernel Windows Error Reporting */
    "tbs.sys",      /* TPM base services */
    "pshed.dll",    /* platform-specific hardware error driver */
    "bootvid.dll",  /* boot video */
    "kdcom.dll",    /* kernel debugger transport */
    "ucx01000.sys", /* USB host controller extension */
    "acpi.sys",     /* ACPI (a few exports) */
    "pci.sys",      /* PCI bus driver (a few exports) */
    "spaceport.sys", /* storage spaces */
    "volmgr.sys",   /* volume manager */
    "ndistapi.sys", /* NDIS TAPI */
    "ndiswan.sys",  /* NDIS WAN */
    "ndisuio.sys",  /* NDIS usermode I/O protocol (legacy) */
    "tcpip.sys",    /* TCP/IP (WSK and a few exports) */
    "afd.sys",      /* ancillary function driver */
    "netadaptercx.sys", /* NetAdapter class extension (via wdfldr normally) */
};

/* DLLs that only exist in user mode. */
static const char *const user_dlls[] = {
    "kernel32.dll", "kernelbase.dll", "ntdll.dll", "user32.dll", "gdi32.dll",
    "advapi32.dll", "msvcrt.dll", "ucrtbase.dll", "ucrtbased.dll", "shell32.dll",
    "ole32.dll", "oleaut32.dll", "combase.dll", "rpcrt4.dll", "ws2_32.dll",
    "setupapi.dll", "shlwapi.dll", "crypt32.dll", "bcrypt.dll", "secur32.dll",
    "iphlpapi.dll", "winhttp.dll", "wininet.dll", "cfgmgr32.dll", "version.dll",
    "libgcc_s_seh-1.dll", "libgcc_s_dw2-1.dll", "libwinpthread-1.dll",
    "libstdc++-6.dll",
};

/* Prefixes of user-mode runtime and API-set names (msvcr120.dll,
 * vcruntime140.dll, msvcp140.dll, api-ms-win-crt-*.dll, ...). */
static const char *const user_prefixes[] = {
    "msvcr", "msvcp", "vcruntime", "api-ms-win-", "ext-ms-win-", "concrt", "libc++",
};

static bool ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    return *a == *b;
}

static bool iprefix(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++)
        if (!*s || tolower((unsigned char)*s) != tolower((unsigned char)*prefix))
            return false;
    return true;
}

enum module_kind kernel_module_kind(const char *dll)
{
    for (size_t i = 0; i < sizeof kernel_modules / sizeof kernel_modules[0]; i++)
        if (ieq(dll, kernel_modules[i]))
            return MODULE_KERNEL;
    for (size_t i = 0; i < sizeof user_dlls / sizeof user_dlls[0]; i++)
        if (ieq(dll, user_dlls[i]))
            return MODULE_USER;
    for (size_t i = 0; i < sizeof user_prefixes / sizeof user_prefixes[0]; i++)
        if (iprefix(dll, user_prefixes[i]))
            return MODULE_USER;
    return MODULE_UNKNOWN;
}
