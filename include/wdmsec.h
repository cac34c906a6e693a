/*
 * wdmsec.h - security descriptors for device objects, as SDDL strings
 * (IoCreateDeviceSecure, WdfControlDeviceInitAllocate).
 *
 * Each SDDL_DEVOBJ_XXX is a const UNICODE_STRING, passed by address:
 *     WdfControlDeviceInitAllocate(Driver, &SDDL_DEVOBJ_SYS_ALL_ADM_ALL);
 * The WDK defines them in a static library; here each is a "select any"
 * definition in the header, so nothing extra is linked.
 *
 * Reading them: D:P is a protected DACL (no inherited entries); each
 * (A;;RIGHTS;;;SID) allows RIGHTS (GA all, GR/GW/GX read/write/execute)
 * to SID (SY LocalSystem, BA Administrators, WD Everyone, RC restricted).
 */
#ifndef NDISKIT_WDMSEC_H
#define NDISKIT_WDMSEC_H

#include <ntddk.h>

#define NDISKIT_SDDL(_name, _sddl) \
    DECLSPEC_SELECTANY const UNICODE_STRING _name = RTL_CONSTANT_STRING(_sddl)

/* Only kernel-mode callers may open the device. */
NDISKIT_SDDL(SDDL_DEVOBJ_KERNEL_ONLY, L"D:P");
NDISKIT_SDDL(SDDL_DEVOBJ_SYS_ALL, L"D:P(A;;GA;;;SY)");
/* SYSTEM and Administrators: the usual choice for a control device
 * that sends raw frames (ndisprot uses it). */
NDISKIT_SDDL(SDDL_DEVOBJ_SYS_ALL_ADM_ALL, L"D:P(A;;GA;;;SY)(A;;GA;;;BA)");
NDISKIT_SDDL(SDDL_DEVOBJ_SYS_ALL_ADM_RX, L"D:P(A;;GA;;;SY)(A;;GRGX;;;BA)");
NDISKIT_SDDL(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R, L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)");
NDISKIT_SDDL(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R,
             L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GRGW;;;WD)(A;;GR;;;RC)");
NDISKIT_SDDL(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RWX_RES_RWX,
             L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GRGWGX;;;WD)(A;;GRGWGX;;;RC)");

#undef NDISKIT_SDDL

#endif /* NDISKIT_WDMSEC_H */
