/*
 * ndis.h - the NDIS 6.x subset ndiskit supports (clean-room, written from the
 * NDIS DDI reference).  Names, values and x64 layouts are the WDK's, so a
 * protocol, filter, intermediate or miniport driver written against the real
 * WDK ndis.h builds against this one unchanged.  CI checks every layout and
 * constant in tests/abi/tables/ndis*_wdk.tbl against this header on both
 * targets (Windows x64 kernel and the x86_64 Linux host).
 *
 * Version selection
 * -----------------
 * As with the WDK, the driver defines exactly the NDIS version it is written
 * for before including this header (normally on the compiler command line):
 *
 *   protocol, filter and IM drivers:  NDIS60  NDIS61  NDIS620  NDIS630
 *                                     NDIS640 NDIS650 NDIS651  NDIS660
 *                                     NDIS670 NDIS680 ... NDIS689
 *   miniport drivers:                 NDIS60_MINIPORT ... NDIS689_MINIPORT
 *                                     (same list with a _MINIPORT suffix)
 *
 * An intermediate driver may define one of each; the higher one wins.  There
 * is no default: with none defined the header stops with #error, because
 * structure sizes (NET_BUFFER_LIST is 240 bytes for 6.0, 336 for 6.30, 368
 * for 6.80) and Header.Revision values depend on the choice and a silent
 * default would produce a driver NDIS rejects or misreads.
 *
 * From the choice this header derives, like the WDK:
 *   NDIS_MINIPORT_MAJOR_VERSION / NDIS_MINIPORT_MINOR_VERSION  (miniports)
 *   NDIS_PROTOCOL_MAJOR_VERSION / NDIS_PROTOCOL_MINOR_VERSION  (others; also
 *   NDIS_FILTER_MAJOR_VERSION / NDIS_FILTER_MINOR_VERSION)
 *   NDIS_SUPPORT_NDIS6, NDIS_SUPPORT_NDIS61, NDIS_SUPPORT_NDIS620,
 *   NDIS_SUPPORT_NDIS630, ... NDIS_SUPPORT_NDIS689: always defined, 1 when
 *   the selected version is at least that version, else 0 (test them with
 *   #if, as WDK sources do).
 * Structure members, REVISION_n / NDIS_SIZEOF_*_REVISION_n macros and
 * routines that appeared in a later NDIS version are declared only when the
 * corresponding NDIS_SUPPORT_NDISxxx is 1, as in the WDK.  NDIS 5.x
 * (legacy) interfaces are not provided: NDIS_LEGACY_DRIVER is 0.
 *
 * Routines are imported from ndis.sys on Windows (NDISAPI is
 * __declspec(dllimport)); on the host they are plain declarations that the
 * host kernel implements.
 *
 * The declarations are split by topic into the headers in include/ndis/;
 * include this file, not those.
 */
#ifndef NDISKIT_NDIS_H
#define NDISKIT_NDIS_H

#include <ntddk.h>

/* ------------------------------------------------------------------------
 * Version selection.  Versions are compared as major * 100 + minor
 * (6.0 -> 600, 6.1 -> 601, 6.20 -> 620, ... 6.89 -> 689), which orders the
 * WDK's minor numbers (0, 1, 20, 30, 40, 50, 51, 60, 70, 80 ... 89) correctly.
 */
#if defined(NDIS689_MINIPORT)
#define NDISKIT_MINIPORT_VERSION 689
#elif defined(NDIS688_MINIPORT)
#define NDISKIT_MINIPORT_VERSION 688
#elif defined(NDIS687_MINIPORT)
#define NDISKIT_MINIPORT_VERSION 687
#elif defined(NDIS686_MINIPORT)
#define NDISKIT_MINIPORT_VERSION 686
#elif defined(NDIS685_MINIPORT)
#define NDISKIT_MINIPORT_VERSION 685
#elif defined(NDIS684_MINIPORT)
#define NDISKIT_MINIPORT_VERSION 684
#elif defined(NDIS683_MINIPORT)
#define NDISKIT_MINIPORT_VERSION 683
#elif defined(NDIS682_MINIPORT)
#define NDISKIT_MINIPORT_VERSION 682
#elif defined(NDIS681_MINIPORT)
#define NDISKIT_MINIPORT_VERSION 681
#elif defined(NDIS680_MINIPORT)
#define NDISKIT_MINIPORT_VERSION 680
#elif defined(NDIS670_MINIPORT)
#define NDISKIT_MINIPORT_VERSION 670
#elif defined(NDIS660_MINIPORT)
#define NDISKIT_MINIPORT_VERSION 660
#elif defined(NDIS651_MINIPORT)
#define NDISKIT_MINIPORT_VERSION 651
#elif defined(NDIS650_MINIPORT)
#define NDISKIT_MINIPORT_VERSION 650
#elif defined(NDIS640_MINIPORT)
#define NDISKIT_MINIPORT_VERSION 640
#elif defined(NDIS630_MINIPORT)
#define NDISKIT_MINIPORT_VERSION 630
#elif defined(NDIS620_MINIPORT)
#define NDISKIT_MINIPORT_VERSION 620
#elif defined(NDIS61_MINIPORT)
#define NDISKIT_MINIPORT_VERSION 601
#elif defined(NDIS60_MINIPORT)
#define NDISKIT_MINIPORT_VERSION 600
#else
#define NDISKIT_MINIPORT_VERSION 0
#endif

#if defined(NDIS689)
#define NDISKIT_PROTOCOL_VERSION 689
#elif defined(NDIS688)
#define NDISKIT_PROTOCOL_VERSION 688
#elif defined(NDIS687)
#define NDISKIT_PROTOCOL_VERSION 687
#elif defined(NDIS686)
#define NDISKIT_PROTOCOL_VERSION 686
#elif defined(NDIS685)
#define NDISKIT_PROTOCOL_VERSION 685
#elif defined(NDIS684)
#define NDISKIT_PROTOCOL_VERSION 684
#elif defined(NDIS683)
#define NDISKIT_PROTOCOL_VERSION 683
#elif defined(NDIS682)
#define NDISKIT_PROTOCOL_VERSION 682
#elif defined(NDIS681)
#define NDISKIT_PROTOCOL_VERSION 681
#elif defined(NDIS680)
#define NDISKIT_PROTOCOL_VERSION 680
#elif defined(NDIS670)
#define NDISKIT_PROTOCOL_VERSION 670
#elif defined(NDIS660)
#define NDISKIT_PROTOCOL_VERSION 660
#elif defined(NDIS651)
#define NDISKIT_PROTOCOL_VERSION 651
#elif defined(NDIS650)
#define NDISKIT_PROTOCOL_VERSION 650
#elif defined(NDIS640)
#define NDISKIT_PROTOCOL_VERSION 640
#elif defined(NDIS630)
#define NDISKIT_PROTOCOL_VERSION 630
#elif defined(NDIS620)
#define NDISKIT_PROTOCOL_VERSION 620
#elif defined(NDIS61)
#define NDISKIT_PROTOCOL_VERSION 601
#elif defined(NDIS60)
#define NDISKIT_PROTOCOL_VERSION 600
#else
#define NDISKIT_PROTOCOL_VERSION 0
#endif

#if NDISKIT_MINIPORT_VERSION == 0 && NDISKIT_PROTOCOL_VERSION == 0
#error "ndis.h: no NDIS version selected. Define NDIS60, NDIS620, NDIS630, NDIS680 (or another NDIS6xx) for protocol/filter drivers, or NDIS60_MINIPORT, NDIS630_MINIPORT, ... for miniport drivers."
#endif

#if NDISKIT_MINIPORT_VERSION != 0
#define NDIS_MINIPORT_MAJOR_VERSION (NDISKIT_MINIPORT_VERSION / 100)
#define NDIS_MINIPORT_MINOR_VERSION (NDISKIT_MINIPORT_VERSION % 100)
#endif
#if NDISKIT_PROTOCOL_VERSION != 0
#define NDIS_PROTOCOL_MAJOR_VERSION (NDISKIT_PROTOCOL_VERSION / 100)
#define NDIS_PROTOCOL_MINOR_VERSION (NDISKIT_PROTOCOL_VERSION % 100)
#define NDIS_FILTER_MAJOR_VERSION   NDIS_PROTOCOL_MAJOR_VERSION
#define NDIS_FILTER_MINOR_VERSION   NDIS_PROTOCOL_MINOR_VERSION
#endif

#if NDISKIT_MINIPORT_VERSION > NDISKIT_PROTOCOL_VERSION
#define NDISKIT_NDIS_VERSION NDISKIT_MINIPORT_VERSION
#else
#define NDISKIT_NDIS_VERSION NDISKIT_PROTOCOL_VERSION
#endif

#if NDISKIT_NDIS_VERSION >= 600
#define NDIS_SUPPORT_NDIS6 1
#else
#define NDIS_SUPPORT_NDIS6 0
#endif
#if NDISKIT_NDIS_VERSION >= 601
#define NDIS_SUPPORT_NDIS61 1
#else
#define NDIS_SUPPORT_NDIS61 0
#endif
#if NDISKIT_NDIS_VERSION >= 620
#define NDIS_SUPPORT_NDIS620 1
#else
#define NDIS_SUPPORT_NDIS620 0
#endif
#if NDISKIT_NDIS_VERSION >= 630
#define NDIS_SUPPORT_NDIS630 1
#else
#define NDIS_SUPPORT_NDIS630 0
#endif
#if NDISKIT_NDIS_VERSION >= 640
#define NDIS_SUPPORT_NDIS640 1
#else
#define NDIS_SUPPORT_NDIS640 0
#endif
#if NDISKIT_NDIS_VERSION >= 650
#define NDIS_SUPPORT_NDIS650 1
#else
#define NDIS_SUPPORT_NDIS650 0
#endif
#if NDISKIT_NDIS_VERSION >= 651
#define NDIS_SUPPORT_NDIS651 1
#else
#define NDIS_SUPPORT_NDIS651 0
#endif
#if NDISKIT_NDIS_VERSION >= 660
#define NDIS_SUPPORT_NDIS660 1
#else
#define NDIS_SUPPORT_NDIS660 0
#endif
#if NDISKIT_NDIS_VERSION >= 670
#define NDIS_SUPPORT_NDIS670 1
#else
#define NDIS_SUPPORT_NDIS670 0
#endif
#if NDISKIT_NDIS_VERSION >= 680
#define NDIS_SUPPORT_NDIS680 1
#else
#define NDIS_SUPPORT_NDIS680 0
#endif
#if NDISKIT_NDIS_VERSION >= 681
#define NDIS_SUPPORT_NDIS681 1
#else
#define NDIS_SUPPORT_NDIS681 0
#endif
#if NDISKIT_NDIS_VERSION >= 682
#define NDIS_SUPPORT_NDIS682 1
#else
#define NDIS_SUPPORT_NDIS682 0
#endif
#if NDISKIT_NDIS_VERSION >= 683
#define NDIS_SUPPORT_NDIS683 1
#else
#define NDIS_SUPPORT_NDIS683 0
#endif
#if NDISKIT_NDIS_VERSION >= 684
#define NDIS_SUPPORT_NDIS684 1
#else
#define NDIS_SUPPORT_NDIS684 0
#endif
#if NDISKIT_NDIS_VERSION >= 685
#define NDIS_SUPPORT_NDIS685 1
#else
#define NDIS_SUPPORT_NDIS685 0
#endif
#if NDISKIT_NDIS_VERSION >= 686
#define NDIS_SUPPORT_NDIS686 1
#else
#define NDIS_SUPPORT_NDIS686 0
#endif
#if NDISKIT_NDIS_VERSION >= 687
#define NDIS_SUPPORT_NDIS687 1
#else
#define NDIS_SUPPORT_NDIS687 0
#endif
#if NDISKIT_NDIS_VERSION >= 688
#define NDIS_SUPPORT_NDIS688 1
#else
#define NDIS_SUPPORT_NDIS688 0
#endif
#if NDISKIT_NDIS_VERSION >= 689
#define NDIS_SUPPORT_NDIS689 1
#else
#define NDIS_SUPPORT_NDIS689 0
#endif

/* NDIS 5.x interfaces (NDIS_PACKET, NdisSend, ...) are not part of ndiskit. */
#define NDIS_LEGACY_MINIPORT 0
#define NDIS_LEGACY_PROTOCOL 0
#define NDIS_LEGACY_DRIVER   0
#define NDIS_SUPPORT_60_COMPATIBLE_API 1

/* Values NdisGetVersion returns: major in the high word, minor in the low. */
#define NDIS_RUNTIME_VERSION_60  ((6 << 16) | 0)
#define NDIS_RUNTIME_VERSION_61  ((6 << 16) | 1)
#define NDIS_RUNTIME_VERSION_620 ((6 << 16) | 20)
#define NDIS_RUNTIME_VERSION_630 ((6 << 16) | 30)
#define NDIS_RUNTIME_VERSION_640 ((6 << 16) | 40)
#define NDIS_RUNTIME_VERSION_650 ((6 << 16) | 50)
#define NDIS_RUNTIME_VERSION_651 ((6 << 16) | 51)
#define NDIS_RUNTIME_VERSION_660 ((6 << 16) | 60)
#define NDIS_RUNTIME_VERSION_670 ((6 << 16) | 70)
#define NDIS_RUNTIME_VERSION_680 ((6 << 16) | 80)
#define NDIS_RUNTIME_VERSION_681 ((6 << 16) | 81)
#define NDIS_RUNTIME_VERSION_682 ((6 << 16) | 82)
#define NDIS_RUNTIME_VERSION_683 ((6 << 16) | 83)
#define NDIS_RUNTIME_VERSION_684 ((6 << 16) | 84)
#define NDIS_RUNTIME_VERSION_685 ((6 << 16) | 85)
#define NDIS_RUNTIME_VERSION_686 ((6 << 16) | 86)
#define NDIS_RUNTIME_VERSION_687 ((6 << 16) | 87)

/* ------------------------------------------------------------------------
 * Linkage of the routines ndis.sys exports.
 */
#ifdef NDISKIT_WINDOWS
#define NDISAPI DECLSPEC_IMPORT
#else
#define NDISAPI
#endif
#define NDIS_EXPORTED_ROUTINE NDISAPI

#ifdef __cplusplus
extern "C" {
#endif

#include <ndis/status.h>
#include <ndis/oids.h>
#include <ndis/types.h>
#include <ndis/nbl.h>
#include <ndis/objects.h>
#include <ndis/protocol.h>
#include <ndis/miniport.h>
#include <ndis/filter.h>
#include <ndis/runtime.h>

#ifdef __cplusplus
}
#endif

#endif /* NDISKIT_NDIS_H */
