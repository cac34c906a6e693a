/*
 * muxtest.h - what test_mux.c and test_mux_explore.c share: drivers/mux
 * loaded through the KMDF stub over an in-memory lower adapter, the
 * registry seeded (UpperBindings, per-VELAN VlanID / NetworkAddress), and
 * UP, the tests' protocol bound to each VELAN as TCP/IP would be.  The
 * definitions are in muxtest.c.
 */
#ifndef NDISKIT_TESTS_MUXTEST_H
#define NDISKIT_TESTS_MUXTEST_H

#include "mux.h"    /* the driver's types and MuxGlobals */
#include <nkhost.h>

NTSTATUS FxDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath);

#define LOWER_GUID L"{6E6B6D78-0000-0000-0000-000000000001}"
#define LOWER_NAME L"\\DEVICE\\" LOWER_GUID
#define SERVICE L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\mux"
#define LOWER_KEY SERVICE L"\\Parameters\\Adapters\\" LOWER_GUID
#define VELAN_GUID(n) L"{6E6B6D78-0000-0000-0001-00000000000" n L"}"
#define VELAN(n) L"\\Device\\" VELAN_GUID(n)

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define TAG ((ULONG)'U' | ((ULONG)'p' << 8) | ((ULONG)'r' << 16) | ((ULONG)'t' << 24))

extern const UCHAR LowerMac[6], Peer[6], Broadcast[6];

/* ---- UP: the protocol above the VELANs ----------------------------------- */

typedef struct _UPB {
    LIST_ENTRY Link;
    WCHAR Name[MUX_INSTANCE_NAME_CHARS];
    NDIS_HANDLE Binding;
    NDIS_HANDLE Pool;
    UCHAR Mac[6];
    KSPIN_LOCK Lock;
    BOOLEAN Paused;
    LONG SendsInFlight;
    LONG OidsInFlight;              /* requests issued; the unbind cancels them and waits */
    LIST_ENTRY Oids;                /* UP_OID.Link, those in flight */
    PNET_PNP_EVENT_NOTIFICATION PendingPause;
    KEVENT OpenDone, CloseDone, OidsDone;
    NDIS_STATUS OpenStatus;
    volatile LONG Received;
    UCHAR LastFrame[1600];
    ULONG LastLength;
    ULONG LastPriority;
    volatile LONG SendsCompleted;
    volatile LONG SendsFailed;      /* of those, completed with a failure status */
    NDIS_STATUS LastSendStatus;
    volatile LONG StatusCount;
    NDIS_STATUS LastStatusCode;
    PNET_BUFFER_LIST Kept;          /* a receive held (UpKeep), returned by the test or the unbind */
} UPB;

/* One OID request of UP's: completed through its own event, so whoever
 * issued it can read the outcome after the binding is gone. */
typedef struct _UP_OID {
    NDIS_OID_REQUEST Request;
    LIST_ENTRY Link;                /* UPB.Oids while in flight */
    KEVENT Done;
    NDIS_STATUS Status;
    volatile LONG Completions;      /* ProtocolOidRequestComplete calls: at most one */
} UP_OID;

/* Set: the next receive a binding gets is held rather than returned. */
extern volatile LONG UpKeep;
extern NDIS_HANDLE UpHandle;

UPB *UpFind(PCWSTR Name);
ULONG UpCount(void);
/* A request on u, waited for; *Bytes (optional) what it read or wrote. */
NDIS_STATUS UpOid(UPB *u, NDIS_REQUEST_TYPE Type, NDIS_OID Id, PVOID Buffer, ULONG Length, ULONG *Bytes);
/* Issues Request on the binding to the VELAN named Name if UP is bound to
 * it (FALSE if not), looked up and counted under UP's lock so the binding
 * outlives the request: its unbind waits for it.  Then the caller waits on
 * Request->Done unless it returned other than NDIS_STATUS_PENDING
 * (*Status). */
BOOLEAN UpOidStart(PCWSTR Name, UP_OID *Request, NDIS_REQUEST_TYPE Type, NDIS_OID Id, PVOID Buffer, ULONG Length,
                   NDIS_STATUS *Status);
/* Registers UP and waits for its binds; with MayFail (the allocation
 * sweep) a refused registration is returned, not asserted. */
NDIS_STATUS UpRegisterEx(BOOLEAN MayFail);
#define UpRegister() ((void)UpRegisterEx(FALSE))
/* One frame from u's VELAN, with 802.1Q priority Priority in its NBL.
 * FALSE if an allocation failed or the binding is paused. */
BOOLEAN UpSend(UPB *u, const UCHAR *Frame, ULONG Length, ULONG Priority);

/* ---- the fixture ----------------------------------------------------------- */

typedef struct {
    PCWSTR Guid;            /* VELAN_GUID(n) */
    LONG VlanId;            /* -1: no value */
    PCWSTR NetworkAddress;  /* NULL: no value */
} VELAN_SPEC;

typedef struct {
    DRIVER_OBJECT Driver;
    NK_HOST_ADAPTER *Lower;
    BOOLEAN Loaded;
} FIXTURE;

extern FIXTURE F;

/* Three VELANs: VLAN 0 with a derived address, VLAN 10 with its own, and
 * VLAN 20 with a derived address. */
extern const VELAN_SPEC Three[3];
extern const UCHAR Velan10Mac[6];

void SeedVelan(const VELAN_SPEC *v);
void SeedUpperBindings(const VELAN_SPEC *Specs, ULONG Count);
void NameOf(const VELAN_SPEC *v, WCHAR *Out);
/* Waits up to 5 s for the adapter to exist (Present) or be gone. */
BOOLEAN WaitAdapter(PCWSTR Name, BOOLEAN Present);
/* Waits up to 5 s for *Counter to reach Value. */
BOOLEAN WaitCount(volatile LONG *Counter, LONG Value);
/* The driver loaded over one lower adapter with the given VELANs; those
 * with Up set are waited for, and UP is bound to them. */
void Load(const VELAN_SPEC *Specs, ULONG Count, const BOOLEAN *Up);
/* UP deregistered, mux unloaded, the lower adapter (if still there) removed. */
void Unload(void);
ULONG VelanStateTry(PCWSTR Name);
BOOLEAN WaitStartSettled(PCWSTR Name);
ULONG QueryVelans(MUX_VELAN_INFO *Out, ULONG Max);
const MUX_VELAN_INFO *InfoOf(const MUX_VELAN_INFO *Infos, ULONG Count, PCWSTR Name);
ULONG Frame(UCHAR *Out, const UCHAR *Dst, const UCHAR *Src, BOOLEAN Tagged, ULONG Vid, ULONG Priority,
            ULONG Length, UCHAR Seed);
/* Nothing leaked and nothing reported. */
void CheckLeaks(void);

#endif /* NDISKIT_TESTS_MUXTEST_H */
