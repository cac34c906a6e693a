/*
 * test_kmdf_ddis.c - the KMDF function table as a whole: every slot the
 * host kernel does not implement reports itself by name and fails the
 * call the documented way (the process survives, under UBSan's
 * -fsanitize=function too, because each stub has its DDI's own type), and
 * the coverage record counts what the driver called.
 *
 * Run with NDISKIT_DDI_TABLE=1 it also prints the README's table of
 * implemented slots per area.
 */
#include <ntddk.h>
#include <wdf.h>
#include <nkhost.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hosttest.h"

DRIVER_INITIALIZE DriverEntry;
DRIVER_INITIALIZE FxDriverEntry;

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;
    WDF_DRIVER_CONFIG_INIT(&config, WDF_NO_EVENT_CALLBACK);
    config.DriverInitFlags |= WdfDriverInitNonPnpDriver;
    return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config, WDF_NO_HANDLE);
}

static DRIVER_OBJECT Drv;

static void Load(void)
{
    UNICODE_STRING path = RTL_CONSTANT_STRING(L"\\Registry\\Machine\\System\\NkDdis");
    memset(&Drv, 0, sizeof(Drv));
    assert_int_equal(FxDriverEntry(&Drv, &path), STATUS_SUCCESS);
}

static void Unload(void)
{
    Drv.DriverUnload(&Drv);
}

/* Interrupts stay unimplemented on a host without hardware: three slots
 * with three return types, each reported by name. */
static void test_unimplemented_slots_report_by_name(void **state)
{
    WDF_INTERRUPT_CONFIG config;
    WDFINTERRUPT interrupt = (WDFINTERRUPT)(ULONG_PTR)0x1234;
    (void)state;

    Load();
    NkHostExpectViolations();
    memset(&config, 0, sizeof(config));
    assert_int_equal(WdfInterruptCreate(NULL, &config, WDF_NO_OBJECT_ATTRIBUTES, &interrupt), STATUS_NOT_IMPLEMENTED);
    assert_false(WdfInterruptQueueDpcForIsr(interrupt));
    WdfInterruptEnable(interrupt);
    assert_null(WdfInterruptGetDevice(interrupt));
    assert_int_equal(NkHostViolationCountOf("wdf.unimplemented"), 4);
    assert_string_equal(NkHostLastViolation(), "wdf.unimplemented");
    assert_true(NkHostLogContains("WdfInterruptCreate: KMDF DDI not implemented"));
    assert_true(NkHostLogContains("WdfInterruptQueueDpcForIsr: KMDF DDI not implemented"));
    assert_true(NkHostLogContains("WdfInterruptEnable: KMDF DDI not implemented"));
    assert_true(NkHostLogContains("WdfInterruptGetDevice: KMDF DDI not implemented"));
    Unload();
    assert_int_equal(NkHostCheckLeaks(), 0);
}

/* Every slot's stub, called directly with no arguments where the slot has
 * no declaration: named, never a crash. */
static void test_undeclared_slot_reports_by_name(void **state)
{
    (void)state;
    Load();
    NkHostExpectViolations();
    WdfFunctions[WdfChildListCreateTableIndex]();
    assert_int_equal(NkHostViolationCountOf("wdf.unimplemented"), 1);
    assert_true(NkHostLogContains("WdfChildListCreate: KMDF DDI not implemented"));
    Unload();
    assert_int_equal(NkHostCheckLeaks(), 0);
}

typedef struct _COUNTS {
    ULONG Slots, Implemented;
    ULONG64 DriverCreate, InterruptEnable, Unnamed;
    BOOLEAN DriverCreateImplemented, InterruptEnableImplemented;
} COUNTS;

static VOID Count(const NK_HOST_DDI_COVERAGE *Ddi, PVOID Context)
{
    COUNTS *c = Context;
    c->Slots++;
    c->Implemented += Ddi->Implemented;
    if (Ddi->Name == NULL || Ddi->Area == NULL || strncmp(Ddi->Name, "Wdf", 3) != 0)
        c->Unnamed++;
    if (strcmp(Ddi->Name, "WdfDriverCreate") == 0) {
        c->DriverCreate = Ddi->Calls;
        c->DriverCreateImplemented = Ddi->Implemented;
    }
    if (strcmp(Ddi->Name, "WdfInterruptEnable") == 0) {
        c->InterruptEnable = Ddi->Calls;
        c->InterruptEnableImplemented = Ddi->Implemented;
    }
}

static void test_coverage_counts_calls(void **state)
{
    COUNTS c;
    (void)state;

    memset(&c, 0, sizeof(c));
    /* The host's table is the newest KMDF's; this driver's (1.15) is a prefix. */
    assert_int_equal(NkHostDdiCoverage(Count, &c), c.Slots);
    assert_true(c.Slots >= WdfFunctionTableNumEntries);
    assert_int_equal(c.Unnamed, 0);
    assert_int_equal(c.DriverCreate, 0);
    assert_true(c.DriverCreateImplemented);
    assert_false(c.InterruptEnableImplemented);
    assert_true(c.Implemented > 0 && c.Implemented < c.Slots);

    Load();
    NkHostExpectViolations();
    WdfInterruptEnable(NULL);
    WdfInterruptEnable(NULL);
    memset(&c, 0, sizeof(c));
    NkHostDdiCoverage(Count, &c);
    assert_int_equal(c.DriverCreate, 1);
    assert_int_equal(c.InterruptEnable, 2);
    Unload();

    NkHostReset(); /* the record counts since the last reset */
    memset(&c, 0, sizeof(c));
    NkHostDdiCoverage(Count, &c);
    assert_int_equal(c.DriverCreate, 0);
}

/* ---- the README table ------------------------------------------------------- */

#define MAX_AREAS 48

typedef struct _AREA {
    const char *Name;
    ULONG Implemented15, Total15, Implemented, Total;
} AREA;

typedef struct _TABLE {
    AREA Areas[MAX_AREAS];
    ULONG Count;
} TABLE;

static VOID Tally(const NK_HOST_DDI_COVERAGE *Ddi, PVOID Context)
{
    TABLE *t = Context;
    AREA *a = NULL;
    for (ULONG i = 0; i < t->Count; i++)
        if (strcmp(t->Areas[i].Name, Ddi->Area) == 0)
            a = &t->Areas[i];
    if (a == NULL) {
        assert_true(t->Count < MAX_AREAS);
        a = &t->Areas[t->Count++];
        a->Name = Ddi->Area;
    }
    a->Total++;
    a->Implemented += Ddi->Implemented;
    if (Ddi->Since <= 15) {
        a->Total15++;
        a->Implemented15 += Ddi->Implemented;
    }
}

static int ByName(const void *x, const void *y)
{
    return strcmp(((const AREA *)x)->Name, ((const AREA *)y)->Name);
}

static void test_area_table(void **state)
{
    TABLE t;
    AREA sum = {"all", 0, 0, 0, 0};
    BOOLEAN print = getenv("NDISKIT_DDI_TABLE") != NULL;
    (void)state;

    memset(&t, 0, sizeof(t));
    NkHostDdiCoverage(Tally, &t);
    qsort(t.Areas, t.Count, sizeof(t.Areas[0]), ByName);
    if (print)
        printf("| Area | KMDF 1.15 slots implemented | all slots (1.33) implemented |\n|---|---|---|\n");
    for (ULONG i = 0; i < t.Count; i++) {
        AREA *a = &t.Areas[i];
        sum.Implemented15 += a->Implemented15;
        sum.Total15 += a->Total15;
        sum.Implemented += a->Implemented;
        sum.Total += a->Total;
        if (print)
            printf("| %s | %lu / %lu | %lu / %lu |\n", a->Name, (unsigned long)a->Implemented15,
                   (unsigned long)a->Total15, (unsigned long)a->Implemented, (unsigned long)a->Total);
    }
    if (print)
        printf("| **total** | **%lu / %lu** | **%lu / %lu** |\n", (unsigned long)sum.Implemented15,
               (unsigned long)sum.Total15, (unsigned long)sum.Implemented, (unsigned long)sum.Total);
    assert_true(sum.Total > WdfFunctionTableNumEntries);
    assert_int_equal(sum.Total15, WdfFunctionTableNumEntries); /* this test is built for KMDF 1.15 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_unimplemented_slots_report_by_name, Setup, NULL),
        cmocka_unit_test_setup_teardown(test_undeclared_slot_reports_by_name, Setup, NULL),
        cmocka_unit_test_setup_teardown(test_coverage_counts_calls, Setup, NULL),
        cmocka_unit_test_setup_teardown(test_area_table, Setup, TeardownNoLeaks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
