/*
 * wdftypes.h - KMDF handle types and the small types every KMDF header uses.
 * Part of <wdf.h>.
 */
#ifndef NDISKIT_WDFTYPES_H
#define NDISKIT_WDFTYPES_H

#ifndef NDISKIT_WDF_H
#error "include <wdf.h>, not <wdftypes.h>"
#endif

/* Framework exports carry no decoration in the kernel-mode framework. */
#define WDFAPI

/*
 * Every framework object is reached through an opaque handle: a pointer to
 * a distinct incomplete struct, so passing a WDFQUEUE where a WDFDEVICE is
 * expected is a compile error, as with the WDK.
 */
#define NDISKIT_WDF_HANDLE(name) typedef struct name##__ *name
typedef HANDLE WDFOBJECT, *PWDFOBJECT;
NDISKIT_WDF_HANDLE(WDFDRIVER);
NDISKIT_WDF_HANDLE(WDFDEVICE);
NDISKIT_WDF_HANDLE(WDFWMIPROVIDER);
NDISKIT_WDF_HANDLE(WDFWMIINSTANCE);
NDISKIT_WDF_HANDLE(WDFQUEUE);
NDISKIT_WDF_HANDLE(WDFREQUEST);
NDISKIT_WDF_HANDLE(WDFFILEOBJECT);
NDISKIT_WDF_HANDLE(WDFDPC);
NDISKIT_WDF_HANDLE(WDFTIMER);
NDISKIT_WDF_HANDLE(WDFWORKITEM);
NDISKIT_WDF_HANDLE(WDFINTERRUPT);
NDISKIT_WDF_HANDLE(WDFWAITLOCK);
NDISKIT_WDF_HANDLE(WDFSPINLOCK);
NDISKIT_WDF_HANDLE(WDFMEMORY);
NDISKIT_WDF_HANDLE(WDFLOOKASIDE);
NDISKIT_WDF_HANDLE(WDFIOTARGET);
NDISKIT_WDF_HANDLE(WDFUSBDEVICE);
NDISKIT_WDF_HANDLE(WDFUSBINTERFACE);
NDISKIT_WDF_HANDLE(WDFUSBPIPE);
NDISKIT_WDF_HANDLE(WDFDMAENABLER);
NDISKIT_WDF_HANDLE(WDFDMATRANSACTION);
NDISKIT_WDF_HANDLE(WDFCOMMONBUFFER);
NDISKIT_WDF_HANDLE(WDFKEY);
NDISKIT_WDF_HANDLE(WDFSTRING);
NDISKIT_WDF_HANDLE(WDFCOLLECTION);
NDISKIT_WDF_HANDLE(WDFCHILDLIST);
NDISKIT_WDF_HANDLE(WDFIORESREQLIST);
NDISKIT_WDF_HANDLE(WDFIORESLIST);
NDISKIT_WDF_HANDLE(WDFCMRESLIST);
NDISKIT_WDF_HANDLE(WDFCOMPANIONTARGET);
#undef NDISKIT_WDF_HANDLE

/* Driver-defined context passed through a framework callback unchanged. */
typedef PVOID WDFCONTEXT;

/* Device initialization state; owned by the framework, opaque to drivers. */
typedef struct WDFDEVICE_INIT *PWDFDEVICE_INIT;

/* A setting that may be left to the framework's default. */
typedef enum _WDF_TRI_STATE {
    WdfFalse = FALSE,
    WdfTrue = TRUE,
    WdfUseDefault = 2
} WDF_TRI_STATE, *PWDF_TRI_STATE;

#define WDF_NO_OBJECT_ATTRIBUTES NULL
#define WDF_NO_EVENT_CALLBACK    NULL
#define WDF_NO_HANDLE            NULL
#define WDF_NO_CONTEXT           NULL
#define WDF_NO_SEND_OPTIONS      NULL

/* Bytes a structure occupies, for its Size field (WDK name). */
#define WDF_STRUCTURE_SIZE(s) ((ULONG)sizeof(s))

#endif /* NDISKIT_WDFTYPES_H */
