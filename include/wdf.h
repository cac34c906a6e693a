/*
 * wdf.h - the Kernel-Mode Driver Framework (KMDF) subset ndiskit declares.
 *
 * Include after <ntddk.h> (or <ndis.h>), exactly as with the WDK.  Every
 * WdfXxx DDI is a FORCEINLINE wrapper that calls through the framework's
 * function table, WdfFunctions[WdfXxxTableIndex], passing WdfDriverGlobals
 * first - the same code the WDK's inline wrappers produce, so a driver
 * built here binds to the real Wdf01000.sys through wdfldr.sys.
 *
 * Version: define KMDF_VERSION_MAJOR (1) and KMDF_VERSION_MINOR (15..33)
 * as the WDK's build does; the default is 1.15, the framework every
 * Windows 10 and later system has.  DDIs newer than the chosen version
 * are not declared.  Structure layouts are those of KMDF 1.33; the
 * structures ndiskit declares have not changed size since 1.15 (checked
 * by tests/abi against the 1.33 tables).
 *
 * Only the DDIs network drivers use have wrappers (see the README); the
 * function table enum is complete, so adding one is a line in
 * scripts/wdf-ddis.txt.
 */
#ifndef NDISKIT_WDF_H
#define NDISKIT_WDF_H

#include <ntddk.h>

#ifndef KMDF_VERSION_MAJOR
#define KMDF_VERSION_MAJOR 1
#endif
#ifndef KMDF_VERSION_MINOR
#define KMDF_VERSION_MINOR 15
#endif
#if KMDF_VERSION_MAJOR != 1 || KMDF_VERSION_MINOR < 15 || KMDF_VERSION_MINOR > 33
#error "ndiskit supports KMDF 1.15 to 1.33 (KMDF_VERSION_MAJOR/KMDF_VERSION_MINOR)"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#include <wdftypes.h>
#include <wdffuncenum.h>
#include <wdfglobals.h>
#include <wdfcore.h>
#include <wdfobject.h>
#include <wdfsync.h>
#include <wdfcollection.h>
#include <wdfmemory.h>
#include <wdfstring.h>
#include <wdfregistry.h>
#include <wdfdriver.h>
#include <wdfrequest.h>
#include <wdfio.h>
#include <wdffileobject.h>
#include <wdfdevice.h>
#include <wdfcontrol.h>
#include <wdfqueryinterface.h>
#include <wdfchildlist.h>
#include <wdfiotarget.h>
#include <wdftimer.h>
#include <wdfworkitem.h>
#include <wdfdpc.h>
#include <wdfinterrupt.h>
#include <wdfminiport.h>
#include <wdfverifier.h>
#include <wdfwmi.h>

#ifdef __cplusplus
}
#endif

#endif /* NDISKIT_WDF_H */
