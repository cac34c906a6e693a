/*
 * wdfglobals.h - the per-driver globals the framework hands a KMDF driver.
 * Part of <wdf.h>.
 */
#ifndef NDISKIT_WDFGLOBALS_H
#define NDISKIT_WDFGLOBALS_H

#ifndef NDISKIT_WDF_H
#error "include <wdf.h>, not <wdfglobals.h>"
#endif

#define WDF_DRIVER_GLOBALS_NAME_LEN 32

/*
 * Allocated by the framework when the driver binds; every DDI takes it as
 * its hidden first argument so the framework knows which driver is calling.
 */
typedef struct _WDF_DRIVER_GLOBALS {
    WDFDRIVER Driver;           /* set once WdfDriverCreate succeeded */
    ULONG DriverFlags;
    ULONG DriverTag;            /* pool tag derived from the driver's name */
    CHAR DriverName[WDF_DRIVER_GLOBALS_NAME_LEN];
    BOOLEAN DisplaceDriverUnload;
} WDF_DRIVER_GLOBALS, *PWDF_DRIVER_GLOBALS;

/* Defined by the KMDF entry stub; valid from before DriverEntry runs. */
extern PWDF_DRIVER_GLOBALS WdfDriverGlobals;

#endif /* NDISKIT_WDFGLOBALS_H */
