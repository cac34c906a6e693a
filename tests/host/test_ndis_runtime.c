/*
 * test_ndis_runtime.c - the NDIS support library on the host kernel:
 * memory, spin locks, events, timer objects, I/O work items, generic
 * objects, configuration over the in-memory registry, NET_BUFFER pools
 * and reshaping, time/version/error log, the edges the host does not have
 * (a finding, a failure, no crash), and the IRQL rules through the
 * verifier.  Waits are for conditions (events, counters with a bound),
 * never fixed sleeps.
 */
#define NDIS680 1
#include <ndis.h>
#include <nkhost.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "nullproto.h"

#define TAG ((ULONG)'t' | ((ULONG)'N' << 8) | ((ULONG)'d' << 16) | ((ULONG)'s' << 24))

static void Begin(void)
{
    NkHostReset();
}

static void End(void)
{
    assert_int_equal(NkHostCheckLeaks(), 0);
    assert_int_equal(NkHostViolationCount(), 0);
}

/* ---- memory ------------------------------------------------------------------------ */

static void test_memory(void **state)
{
    PVOID a, b, c;
    (void)state;
    Begin();
    a = NdisAllocateMemoryWithTagPriority(NULL, 64, TAG, NormalPoolPriority);
    assert_non_null(a);
    memset(a, 0xA5, 64);
    NdisFreeMemoryWithTagPriority(NULL, a, TAG);
    /* NdisFreeMemory takes memory under any tag NDIS allocated it with. */
    b = NdisAllocateMemoryWithTagPriority(NULL, 32, TAG, LowPoolPriority);
    assert_non_null(b);
    NdisFreeMemory(b, 32, 0);
    assert_int_equal(NdisAllocateMemoryWithTag(&c, 16, TAG), NDIS_STATUS_SUCCESS);
    assert_non_null(c);
    NdisFreeMemory(c, 16, 0);
    assert_int_equal(NdisAllocateMemoryWithTag(&c, 0, TAG), NDIS_STATUS_FAILURE);
    assert_null(c);
    End();
}

static void test_memory_leak_and_irql(void **state)
{
    PVOID a;
    KIRQL old;
    (void)state;
    Begin();
    NkHostExpectViolations();
    a = NdisAllocateMemoryWithTagPriority(NULL, 8, TAG, NormalPoolPriority);
    assert_non_null(a);
    assert_int_equal(NkHostCheckLeaks(), 1); /* never freed: the pool's leak report */
    KeRaiseIrql(HIGH_LEVEL, &old);
    assert_null(NdisAllocateMemoryWithTagPriority(NULL, 8, TAG, NormalPoolPriority));
    KeLowerIrql(old);
    assert_true(NkHostViolationCount() >= 2);
}

/* ---- spin locks and events ---------------------------------------------------------- */

static void test_spin_lock(void **state)
{
    NDIS_SPIN_LOCK l;
    (void)state;
    Begin();
    NdisAllocateSpinLock(&l);
    NdisAcquireSpinLock(&l);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    NdisReleaseSpinLock(&l);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL); /* the IRQL kept in the lock */
    {
        KIRQL old;
        KeRaiseIrql(DISPATCH_LEVEL, &old);
        NdisDprAcquireSpinLock(&l);
        NdisDprReleaseSpinLock(&l);
        assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
        KeLowerIrql(old);
    }
    NdisFreeSpinLock(&l);
    End();
}

static void test_spin_lock_misuse(void **state)
{
    NDIS_SPIN_LOCK l;
    (void)state;
    Begin();
    NkHostExpectViolations();
    NdisAllocateSpinLock(&l);
    NdisDprAcquireSpinLock(&l); /* at PASSIVE_LEVEL */
    assert_true(NkHostViolationCountOf("irql.below-dispatch") >= 1);
    NdisFreeSpinLock(&l); /* still held */
    assert_int_equal(NkHostViolationCountOf("ndis.free-held-spinlock"), 1);
}

typedef struct {
    NDIS_EVENT Event;
    volatile LONG Ran;
} WORK;

static VOID SetLater(PVOID Context, NDIS_HANDLE Item)
{
    WORK *w = Context;
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    InterlockedIncrement(&w->Ran);
    NdisFreeIoWorkItem(Item); /* allowed from its own routine */
    NdisSetEvent(&w->Event);
}

static void test_events_and_work_items(void **state)
{
    WORK w;
    NDIS_HANDLE item;
    (void)state;
    Begin();
    NdisInitializeEvent(&w.Event);
    w.Ran = 0;
    assert_false(NdisWaitEvent(&w.Event, 1)); /* not signalled: times out */
    item = NdisAllocateIoWorkItem((NDIS_HANDLE)&w);
    assert_non_null(item);
    NdisQueueIoWorkItem(item, SetLater, &w);
    assert_true(NdisWaitEvent(&w.Event, 0)); /* 0: until it is set */
    assert_int_equal(w.Ran, 1);
    assert_true(NdisWaitEvent(&w.Event, 5)); /* notification event: stays set */
    NdisResetEvent(&w.Event);
    assert_false(NdisWaitEvent(&w.Event, 1));
    End();
}

static void test_wait_above_passive(void **state)
{
    NDIS_EVENT e;
    KIRQL old;
    (void)state;
    Begin();
    NkHostExpectViolations();
    NdisInitializeEvent(&e);
    NdisSetEvent(&e);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    assert_false(NdisWaitEvent(&e, 10));
    KeLowerIrql(old);
    assert_true(NkHostViolationCount() >= 1);
}

/* ---- timer objects ------------------------------------------------------------------ */

typedef struct {
    volatile LONG Fired;
    NDIS_EVENT Done;
    LONG StopAfter;
    PVOID SeenContext;
    KIRQL SeenIrql;
} TICKS;

static VOID Tick(PVOID S1, PVOID Context, PVOID S2, PVOID S3)
{
    TICKS *t = Context;
    (void)S1;
    (void)S2;
    (void)S3;
    t->SeenContext = Context;
    t->SeenIrql = KeGetCurrentIrql();
    if (InterlockedIncrement(&t->Fired) == t->StopAfter)
        NdisSetEvent(&t->Done);
}

static NDIS_HANDLE NewTimer(TICKS *t)
{
    NDIS_TIMER_CHARACTERISTICS c;
    NDIS_HANDLE h = NULL;
    memset(&c, 0, sizeof(c));
    c.Header.Type = NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS;
    c.Header.Revision = NDIS_TIMER_CHARACTERISTICS_REVISION_1;
    c.Header.Size = NDIS_SIZEOF_TIMER_CHARACTERISTICS_REVISION_1;
    c.AllocationTag = TAG;
    c.TimerFunction = Tick;
    c.FunctionContext = t;
    assert_int_equal(NdisAllocateTimerObject((NDIS_HANDLE)t, &c, &h), NDIS_STATUS_SUCCESS);
    return h;
}

static void test_timer_object(void **state)
{
    TICKS t;
    NDIS_HANDLE h;
    LARGE_INTEGER due;
    (void)state;
    Begin();
    memset(&t, 0, sizeof(t));
    NdisInitializeEvent(&t.Done);
    t.StopAfter = 1;
    h = NewTimer(&t);
    due.QuadPart = -10000; /* 1 ms */
    assert_false(NdisSetTimerObject(h, due, 0, NULL));
    assert_true(NdisWaitEvent(&t.Done, 0));
    assert_int_equal(t.Fired, 1);
    assert_ptr_equal(t.SeenContext, &t);
    assert_int_equal(t.SeenIrql, DISPATCH_LEVEL);
    /* Periodic, until cancelled. */
    NdisResetEvent(&t.Done);
    t.StopAfter = 3;
    assert_false(NdisSetTimerObject(h, due, 1, NULL));
    assert_true(NdisWaitEvent(&t.Done, 0));
    (void)NdisCancelTimerObject(h);
    /* Armed far away, then cancelled: it was queued. */
    due.QuadPart = -10000000ll * 60;
    assert_false(NdisSetTimerObject(h, due, 0, NULL));
    assert_true(NdisSetTimerObject(h, due, 0, NULL)); /* re-armed */
    assert_true(NdisCancelTimerObject(h));
    assert_false(NdisCancelTimerObject(h));
    NdisFreeTimerObject(h);
    End();
}

static void test_timer_leak_and_bad_characteristics(void **state)
{
    TICKS t;
    NDIS_TIMER_CHARACTERISTICS c;
    NDIS_HANDLE h;
    (void)state;
    Begin();
    NkHostExpectViolations();
    memset(&t, 0, sizeof(t));
    h = NewTimer(&t);
    assert_non_null(h);
    assert_true(NkHostCheckLeaks() >= 1); /* NdisFreeTimerObject missing */
    memset(&c, 0, sizeof(c));
    c.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    c.Header.Revision = 1;
    c.Header.Size = sizeof(c);
    c.TimerFunction = Tick;
    assert_int_equal(NdisAllocateTimerObject((NDIS_HANDLE)&t, &c, &h), NDIS_STATUS_INVALID_PARAMETER);
    assert_null(h);
    assert_int_equal(NkHostViolationCountOf("ndis.bad-object-header"), 1);
}

/* ---- generic objects, time, version, error log ------------------------------------------ */

static void test_generic_object_time_version_log(void **state)
{
    PNDIS_GENERIC_OBJECT g;
    LARGE_INTEGER a, b;
    (void)state;
    Begin();
    g = NdisAllocateGenericObject(NULL, TAG, 32);
    assert_non_null(g);
    assert_null(g->DriverObject);
    NdisFreeGenericObject(g);
    NdisGetSystemUpTimeEx(&a);
    NdisMSleep(2000);
    NdisGetSystemUpTimeEx(&b);
    assert_true(b.QuadPart >= a.QuadPart + 2);
    assert_int_equal(NdisGetVersion(), NDIS_RUNTIME_VERSION_680);
    NdisWriteErrorLogEntry(NULL, 0xC0001234, 2, 7, 9);
    assert_true(NkHostLogContains("code 0xc0001234 0x00000007 0x00000009"));
    End();
}

static void test_generic_object_freed_twice(void **state)
{
    PNDIS_GENERIC_OBJECT g;
    (void)state;
    Begin();
    NkHostExpectViolations();
    g = NdisAllocateGenericObject(NULL, TAG, 0);
    NdisFreeGenericObject(g);
    NdisFreeGenericObject((PNDIS_GENERIC_OBJECT)&g); /* not one */
    assert_int_equal(NkHostViolationCountOf("ndis.invalid-generic-object"), 1);
}

/* ---- configuration ------------------------------------------------------------------ */

#define CFG_PARAMS L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\NkCfg\\Parameters"

static NDIS_HANDLE CfgProtocol;

/* A configuration handle on the NkCfg protocol's Parameters key (CFG_PARAMS). */
static NDIS_HANDLE OpenConfig(void)
{
    if (CfgProtocol == NULL)
        CfgProtocol = RegisterNullProtocol(L"NkCfg");
    return OpenConfigFor(CfgProtocol);
}

static void EndConfig(void)
{
    NdisDeregisterProtocolDriver(CfgProtocol);
    CfgProtocol = NULL;
}

static void test_configuration(void **state)
{
    NDIS_STRING mtu = RTL_CONSTANT_STRING(L"MTU"), hex = RTL_CONSTANT_STRING(L"Mask"),
                name = RTL_CONSTANT_STRING(L"FriendlyName"), missing = RTL_CONSTANT_STRING(L"Nope"),
                sub = RTL_CONSTANT_STRING(L"Ports"), written = RTL_CONSTANT_STRING(L"Written");
    PNDIS_CONFIGURATION_PARAMETER p;
    NDIS_CONFIGURATION_PARAMETER w;
    NDIS_HANDLE h, k;
    NDIS_STRING keyName;
    NDIS_STATUS s;
    (void)state;
    Begin();
    {
        static const ULONG mtu1400 = 1400, speed10 = 10;
        static const WCHAR mask[] = L"ff00", friendly[] = L"nk0";
        assert_int_equal(NkHostRegistrySetValue(CFG_PARAMS, L"mtu", REG_DWORD, &mtu1400, sizeof(ULONG)),
                         STATUS_SUCCESS);
        assert_int_equal(NkHostRegistrySetValue(CFG_PARAMS, L"Mask", REG_SZ, mask, sizeof(mask)), STATUS_SUCCESS);
        assert_int_equal(NkHostRegistrySetValue(CFG_PARAMS, L"FriendlyName", REG_SZ, friendly, sizeof(friendly)),
                         STATUS_SUCCESS);
        assert_int_equal(NkHostRegistrySetValue(CFG_PARAMS L"\\Ports\\0", L"Speed", REG_DWORD, &speed10,
                                                sizeof(ULONG)),
                         STATUS_SUCCESS);
    }
    h = OpenConfig();
    NdisReadConfiguration(&s, &p, h, &mtu, NdisParameterInteger); /* names are case-insensitive */
    assert_int_equal(s, NDIS_STATUS_SUCCESS);
    assert_int_equal(p->ParameterData.IntegerData, 1400);
    NdisReadConfiguration(&s, &p, h, &hex, NdisParameterHexInteger); /* a string read as hex */
    assert_int_equal(s, NDIS_STATUS_SUCCESS);
    assert_int_equal(p->ParameterData.IntegerData, 0xff00);
    NdisReadConfiguration(&s, &p, h, &name, NdisParameterString);
    assert_int_equal(s, NDIS_STATUS_SUCCESS);
    assert_int_equal(p->ParameterType, NdisParameterString);
    assert_true(RtlEqualUnicodeString(&p->ParameterData.StringData, &(UNICODE_STRING)RTL_CONSTANT_STRING(L"nk0"),
                                      FALSE));
    NdisReadConfiguration(&s, &p, h, &missing, NdisParameterInteger);
    assert_int_equal(s, NDIS_STATUS_FAILURE);
    assert_null(p);
    /* Written, then read back through another handle. */
    w.ParameterType = NdisParameterInteger;
    w.ParameterData.IntegerData = 77;
    NdisWriteConfiguration(&s, h, &written, &w);
    assert_int_equal(s, NDIS_STATUS_SUCCESS);
    /* Sub-keys, by name and by index. */
    NdisOpenConfigurationKeyByIndex(&s, h, 0, &keyName, &k);
    assert_int_equal(s, NDIS_STATUS_SUCCESS);
    assert_true(RtlEqualUnicodeString(&keyName, &sub, TRUE));
    NdisCloseConfiguration(k);
    NdisOpenConfigurationKeyByIndex(&s, h, 1, &keyName, &k);
    assert_int_equal(s, NDIS_STATUS_FAILURE);
    NdisOpenConfigurationKeyByName(&s, h, &sub, &k);
    assert_int_equal(s, NDIS_STATUS_SUCCESS);
    {
        NDIS_HANDLE port;
        NDIS_STRING speed = RTL_CONSTANT_STRING(L"Speed");
        NdisOpenConfigurationKeyByIndex(&s, k, 0, &keyName, &port);
        assert_int_equal(s, NDIS_STATUS_SUCCESS);
        NdisReadConfiguration(&s, &p, port, &speed, NdisParameterInteger);
        assert_int_equal(s, NDIS_STATUS_SUCCESS);
        assert_int_equal(p->ParameterData.IntegerData, 10);
        NdisCloseConfiguration(port);
    }
    NdisCloseConfiguration(k);
    NdisCloseConfiguration(h);
    h = OpenConfig();
    NdisReadConfiguration(&s, &p, h, &written, NdisParameterInteger);
    assert_int_equal(s, NDIS_STATUS_SUCCESS);
    assert_int_equal(p->ParameterData.IntegerData, 77);
    NdisCloseConfiguration(h);
    EndConfig();
    End();
}

/* A handle NDIS did not give (the host has protocol and binding handles
 * only: no miniport or filter edge) opens no key. */
static void test_configuration_unknown_handle(void **state)
{
    NDIS_CONFIGURATION_OBJECT o;
    NDIS_HANDLE h = (NDIS_HANDLE)1;
    (void)state;
    Begin();
    NkHostExpectViolations();
    memset(&o, 0, sizeof(o));
    o.Header.Type = NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT;
    o.Header.Revision = NDIS_CONFIGURATION_OBJECT_REVISION_1;
    o.Header.Size = NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1;
    o.NdisHandle = &o;
    assert_int_equal(NdisOpenConfigurationEx(&o, &h), NDIS_STATUS_INVALID_PARAMETER);
    assert_null(h);
    assert_int_equal(NkHostViolationCountOf("ndis.invalid-handle"), 1);
    assert_int_equal(NkHostCheckLeaks(), 0);
}

static void test_configuration_handle_leak(void **state)
{
    (void)state;
    Begin();
    NkHostExpectViolations();
    (void)OpenConfig();
    EndConfig();
    assert_int_equal(NkHostCheckLeaks(), 1); /* NdisCloseConfiguration missing */
}

/* ---- NET_BUFFERs ------------------------------------------------------------------- */

static NDIS_HANDLE NbPool(ULONG DataSize)
{
    NET_BUFFER_POOL_PARAMETERS p;
    memset(&p, 0, sizeof(p));
    p.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    p.Header.Revision = NET_BUFFER_POOL_PARAMETERS_REVISION_1;
    p.Header.Size = NDIS_SIZEOF_NET_BUFFER_POOL_PARAMETERS_REVISION_1;
    p.PoolTag = TAG;
    p.DataSize = DataSize;
    return NdisAllocateNetBufferPool(NULL, &p);
}

static NDIS_HANDLE NblPool(void)
{
    NET_BUFFER_LIST_POOL_PARAMETERS p;
    memset(&p, 0, sizeof(p));
    p.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    p.Header.Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1;
    p.Header.Size = NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1;
    p.PoolTag = TAG;
    return NdisAllocateNetBufferListPool(NULL, &p);
}

static void test_net_buffers(void **state)
{
    UCHAR a[10], b[20], copy[16];
    PMDL ma, mb;
    NDIS_HANDLE nbPool, nblPool;
    PNET_BUFFER nb;
    PNET_BUFFER_LIST nbl;
    PUCHAR p;
    (void)state;
    Begin();
    for (int i = 0; i < 10; i++)
        a[i] = (UCHAR)i;
    for (int i = 0; i < 20; i++)
        b[i] = (UCHAR)(10 + i);
    ma = NdisAllocateMdl(NULL, a, sizeof(a));
    mb = NdisAllocateMdl(NULL, b, sizeof(b));
    ma->Next = mb;
    nbPool = NbPool(0);
    nblPool = NblPool();
    assert_non_null(nbPool);
    assert_non_null(nblPool);
    nb = NdisAllocateNetBuffer(nbPool, ma, 4, 20); /* bytes 4..23 of 0..29 */
    assert_non_null(nb);
    assert_ptr_equal(NET_BUFFER_CURRENT_MDL(nb), ma);
    assert_int_equal(NET_BUFFER_CURRENT_MDL_OFFSET(nb), 4);
    /* Contiguous: a pointer into the MDL; across MDLs: a copy, or NULL. */
    p = NdisGetDataBuffer(nb, 4, NULL, 1, 0);
    assert_ptr_equal(p, a + 4);
    assert_null(NdisGetDataBuffer(nb, 10, NULL, 1, 0));
    p = NdisGetDataBuffer(nb, 10, copy, 1, 0);
    assert_ptr_equal(p, copy);
    for (int i = 0; i < 10; i++)
        assert_int_equal(copy[i], 4 + i);
    assert_null(NdisGetDataBuffer(nb, 21, copy, 1, 0)); /* more than there is */
    assert_int_equal(NdisQueryNetBufferPhysicalCount(nb), 2);
    /* Advance into the second MDL, retreat back into the unused space. */
    NdisAdvanceNetBufferDataStart(nb, 8, FALSE, NULL);
    assert_ptr_equal(NET_BUFFER_CURRENT_MDL(nb), mb);
    assert_int_equal(NET_BUFFER_CURRENT_MDL_OFFSET(nb), 2);
    assert_int_equal(NET_BUFFER_DATA_LENGTH(nb), 12);
    assert_int_equal(NdisRetreatNetBufferDataStart(nb, 12, 0, NULL), NDIS_STATUS_SUCCESS);
    assert_int_equal(NET_BUFFER_DATA_OFFSET(nb), 0);
    assert_int_equal(NET_BUFFER_DATA_LENGTH(nb), 24);
    /* Beyond the chain's start: NDIS puts an MDL of its own in front, and
     * the advance with FreeMdl takes it away again. */
    assert_int_equal(NdisRetreatNetBufferDataStart(nb, 6, 2, NULL), NDIS_STATUS_SUCCESS);
    assert_ptr_not_equal(NET_BUFFER_FIRST_MDL(nb), ma);
    assert_int_equal(NET_BUFFER_DATA_LENGTH(nb), 30);
    assert_int_equal(NET_BUFFER_DATA_OFFSET(nb), 2);
    p = NdisGetDataBuffer(nb, 6, NULL, 1, 0);
    assert_non_null(p);
    memset(p, 0xEE, 6);
    p = NdisGetDataBuffer(nb, 8, copy, 1, 0);
    assert_int_equal(copy[5], 0xEE);
    assert_int_equal(copy[6], 0);
    NdisAdvanceNetBufferDataStart(nb, 6, TRUE, NULL);
    assert_ptr_equal(NET_BUFFER_FIRST_MDL(nb), ma);
    assert_int_equal(NET_BUFFER_DATA_OFFSET(nb), 0);
    /* An NBL without its own NB, carrying ours; its context. */
    nbl = NdisAllocateNetBufferList(nblPool, 16, 16);
    assert_non_null(nbl);
    assert_null(NET_BUFFER_LIST_FIRST_NB(nbl));
    NET_BUFFER_LIST_FIRST_NB(nbl) = nb;
    NdisAdvanceNetBufferListDataStart(nbl, 4, FALSE, NULL);
    assert_int_equal(NdisRetreatNetBufferListDataStart(nbl, 4, 0, NULL, NULL), NDIS_STATUS_SUCCESS);
    assert_int_equal(NdisAllocateNetBufferListContext(nbl, 16, 0, TAG), NDIS_STATUS_SUCCESS); /* the back fill */
    assert_int_equal(NdisAllocateNetBufferListContext(nbl, 32, 16, TAG), NDIS_STATUS_SUCCESS); /* a new block */
    assert_int_equal(NET_BUFFER_LIST_CONTEXT_DATA_SIZE(nbl), 32);
    NdisFreeNetBufferListContext(nbl, 32);
    NdisFreeNetBufferListContext(nbl, 16);
    NET_BUFFER_LIST_FIRST_NB(nbl) = NULL;
    NdisFreeNetBufferList(nbl);
    NdisFreeNetBuffer(nb);
    /* NB, MDL and data in one. */
    {
        NDIS_HANDLE dataPool = NbPool(256);
        PNET_BUFFER d = NdisAllocateNetBufferMdlAndData(dataPool);
        assert_non_null(d);
        assert_int_equal(NET_BUFFER_DATA_LENGTH(d), 256);
        p = NdisGetDataBuffer(d, 256, NULL, 1, 0);
        assert_non_null(p);
        memset(p, 1, 256);
        NdisFreeNetBuffer(d);
        NdisFreeNetBufferPool(dataPool);
    }
    NdisFreeNetBufferPool(nbPool);
    NdisFreeNetBufferListPool(nblPool);
    ma->Next = NULL;
    NdisFreeMdl(ma);
    NdisFreeMdl(mb);
    End();
}

static void test_net_buffer_misuse(void **state)
{
    NDIS_HANDLE pool;
    PNET_BUFFER nb;
    (void)state;
    Begin();
    NkHostExpectViolations();
    pool = NbPool(0);
    nb = NdisAllocateNetBuffer(pool, NULL, 0, 0);
    assert_non_null(nb);
    NdisFreeNetBufferPool(pool); /* an NB still out */
    assert_int_equal(NkHostViolationCountOf("ndis.pool-freed-in-use"), 1);
    NdisFreeNetBuffer(nb);
    NdisFreeNetBuffer(nb); /* twice */
    assert_int_equal(NkHostViolationCountOf("ndis.free-unknown-nb"), 1);
    NdisFreeNetBufferPool(pool);
}

/* Clones describe the original's used data (with its MDLs or new ones
 * over the same bytes); the send information copies across. */
static void test_clones_and_nbl_info(void **state)
{
    UCHAR a[8], b[8], got[12];
    PMDL ma, mb;
    NDIS_HANDLE nblPool;
    PNET_BUFFER_LIST orig, clone;
    (void)state;
    Begin();
    for (int i = 0; i < 8; i++) {
        a[i] = (UCHAR)i;
        b[i] = (UCHAR)(8 + i);
    }
    ma = NdisAllocateMdl(NULL, a, sizeof(a));
    mb = NdisAllocateMdl(NULL, b, sizeof(b));
    ma->Next = mb;
    {
        NET_BUFFER_LIST_POOL_PARAMETERS p;
        memset(&p, 0, sizeof(p));
        p.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
        p.Header.Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1;
        p.Header.Size = NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1;
        p.fAllocateNetBuffer = TRUE;
        nblPool = NdisAllocateNetBufferListPool(NULL, &p);
    }
    orig = NdisAllocateNetBufferAndNetBufferList(nblPool, 0, 0, ma, 2, 12); /* bytes 2..13 */
    assert_non_null(orig);
    NET_BUFFER_LIST_INFO(orig, Ieee8021QNetBufferListInfo) = (PVOID)(ULONG_PTR)0x1234;
    for (ULONG flags = 0; flags <= NDIS_CLONE_FLAGS_USE_ORIGINAL_MDLS; flags += NDIS_CLONE_FLAGS_USE_ORIGINAL_MDLS) {
        PNET_BUFFER nb;
        clone = NdisAllocateCloneNetBufferList(orig, NULL, NULL, flags);
        assert_non_null(clone);
        nb = NET_BUFFER_LIST_FIRST_NB(clone);
        assert_non_null(nb);
        assert_null(nb->Next);
        assert_int_equal(NET_BUFFER_DATA_LENGTH(nb), 12);
        assert_ptr_equal(NdisGetDataBuffer(nb, 12, got, 1, 0), got);
        for (int i = 0; i < 12; i++)
            assert_int_equal(got[i], 2 + i);
        if (flags & NDIS_CLONE_FLAGS_USE_ORIGINAL_MDLS)
            assert_ptr_equal(NET_BUFFER_CURRENT_MDL(nb), ma);
        else
            assert_true(NET_BUFFER_FIRST_MDL(nb) != ma && NET_BUFFER_FIRST_MDL(nb) != mb);
        assert_int_equal(NdisCopySendNetBufferListInfo(clone, orig), NDIS_STATUS_SUCCESS);
        assert_ptr_equal(NET_BUFFER_LIST_INFO(clone, Ieee8021QNetBufferListInfo), (PVOID)(ULONG_PTR)0x1234);
        NdisFreeCloneNetBufferList(clone, flags);
    }
    assert_int_equal(NdisWriteEventLogEntry(NULL, 0xC0002222, 5, 2, L"first\0second", 0, NULL),
                     NDIS_STATUS_SUCCESS);
    assert_true(NkHostLogContains("event 0xc0002222 unique 0x00000005 data 0 bytes \"first\" \"second\""));
    NdisFreeNetBufferList(orig);
    NdisFreeNetBufferListPool(nblPool);
    ma->Next = NULL;
    NdisFreeMdl(ma);
    NdisFreeMdl(mb);
    End();
}

/* ---- the edges the host does not have ------------------------------------------------ */

static void test_unimplemented_edges_fail_cleanly(void **state)
{
    NDIS_HANDLE h = (NDIS_HANDLE)1;
    PDEVICE_OBJECT dev = (PDEVICE_OBJECT)1;
    (void)state;
    Begin();
    NkHostExpectViolations();
    assert_int_equal(NdisFRegisterFilterDriver(NULL, NULL, NULL, &h), NDIS_STATUS_NOT_SUPPORTED);
    assert_null(h);
    h = (NDIS_HANDLE)1;
    assert_int_equal(NdisRegisterDeviceEx(NULL, NULL, &dev, &h), NDIS_STATUS_NOT_SUPPORTED);
    assert_null(dev);
    assert_null(h);
    NdisFDirectOidRequestComplete(NULL, NULL, NDIS_STATUS_SUCCESS);
    NdisFSendNetBufferListsComplete(NULL, NULL, 0);
    NdisFPauseComplete(NULL);
    assert_int_equal(NkHostViolationCountOf("ndis.unimplemented"), 5);
    assert_string_equal(NkHostLastViolation(), "ndis.unimplemented");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memory),
        cmocka_unit_test(test_memory_leak_and_irql),
        cmocka_unit_test(test_spin_lock),
        cmocka_unit_test(test_spin_lock_misuse),
        cmocka_unit_test(test_events_and_work_items),
        cmocka_unit_test(test_wait_above_passive),
        cmocka_unit_test(test_timer_object),
        cmocka_unit_test(test_timer_leak_and_bad_characteristics),
        cmocka_unit_test(test_generic_object_time_version_log),
        cmocka_unit_test(test_generic_object_freed_twice),
        cmocka_unit_test(test_configuration),
        cmocka_unit_test(test_configuration_unknown_handle),
        cmocka_unit_test(test_configuration_handle_leak),
        cmocka_unit_test(test_net_buffers),
        cmocka_unit_test(test_net_buffer_misuse),
        cmocka_unit_test(test_clones_and_nbl_info),
        cmocka_unit_test(test_unimplemented_edges_fail_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
