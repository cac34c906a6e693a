/*
 * test_wdm_inline.c - the inline routines and macros ndiskit's NT headers
 * define themselves (lists, interlocked operations, CTL_CODE, status
 * classes, strings, MDL and IRP helpers), run on the host under ASan/UBSan.
 */
#include <ntddk.h>

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

typedef struct _ITEM {
    ULONG Value;
    LIST_ENTRY Link;
} ITEM;

static ULONG ListValues(PLIST_ENTRY Head, ULONG *Out, ULONG Max)
{
    ULONG n = 0;
    for (PLIST_ENTRY e = Head->Flink; e != Head && n < Max; e = e->Flink)
        Out[n++] = CONTAINING_RECORD(e, ITEM, Link)->Value;
    return n;
}

static void test_lists(void **state)
{
    LIST_ENTRY head;
    ITEM items[4];
    ULONG v[8];
    (void)state;

    InitializeListHead(&head);
    assert_true(IsListEmpty(&head));
    for (ULONG i = 0; i < 4; i++)
        items[i].Value = i;
    InsertTailList(&head, &items[1].Link);
    InsertTailList(&head, &items[2].Link);
    InsertHeadList(&head, &items[0].Link);
    InsertTailList(&head, &items[3].Link);
    assert_int_equal(ListValues(&head, v, 8), 4);
    for (ULONG i = 0; i < 4; i++)
        assert_int_equal(v[i], i);

    /* RemoveEntryList reports whether the list became empty. */
    assert_false(RemoveEntryList(&items[2].Link));
    assert_ptr_equal(RemoveHeadList(&head), &items[0].Link);
    assert_ptr_equal(RemoveTailList(&head), &items[3].Link);
    assert_int_equal(ListValues(&head, v, 8), 1);
    assert_int_equal(v[0], 1);
    assert_true(RemoveEntryList(&items[1].Link));
    assert_true(IsListEmpty(&head));
}

/* ndisprot's IOCTL codes (shared/reference.md section 1) are the canonical check. */
static void test_ctl_code(void **state)
{
    const ULONG rw = FILE_READ_ACCESS | FILE_WRITE_ACCESS;
    (void)state;

    assert_int_equal(CTL_CODE(FILE_DEVICE_NETWORK, 0x200, METHOD_BUFFERED, rw), 0x12C800);
    assert_int_equal(CTL_CODE(FILE_DEVICE_NETWORK, 0x201, METHOD_BUFFERED, rw), 0x12C804);
    assert_int_equal(CTL_CODE(FILE_DEVICE_NETWORK, 0x203, METHOD_BUFFERED, rw), 0x12C80C);
    assert_int_equal(CTL_CODE(FILE_DEVICE_NETWORK, 0x204, METHOD_BUFFERED, rw), 0x12C810);
    assert_int_equal(CTL_CODE(FILE_DEVICE_NETWORK, 0x205, METHOD_BUFFERED, rw), 0x12C814);
    assert_int_equal(CTL_CODE(FILE_DEVICE_NETWORK, 0x206, METHOD_BUFFERED, rw), 0x12C818);
    assert_int_equal(DEVICE_TYPE_FROM_CTL_CODE(0x12C818), FILE_DEVICE_NETWORK);
    assert_int_equal(METHOD_FROM_CTL_CODE(CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_OUT_DIRECT, 0)),
                     METHOD_OUT_DIRECT);
}

static void test_status_classes(void **state)
{
    (void)state;
    assert_true(NT_SUCCESS(STATUS_SUCCESS));
    assert_true(NT_SUCCESS(STATUS_PENDING));          /* pending is a success code */
    assert_true(NT_SUCCESS(STATUS_OBJECT_NAME_EXISTS));
    assert_true(NT_INFORMATION(STATUS_OBJECT_NAME_EXISTS));
    assert_false(NT_SUCCESS(STATUS_BUFFER_OVERFLOW)); /* warnings are not success */
    assert_true(NT_WARNING(STATUS_BUFFER_OVERFLOW));
    assert_true(NT_WARNING(STATUS_DEVICE_BUSY));
    assert_true(NT_WARNING(STATUS_NO_MORE_ENTRIES));
    assert_true(NT_ERROR(STATUS_UNSUCCESSFUL));
    assert_true(NT_ERROR(STATUS_INSUFFICIENT_RESOURCES));
    assert_false(NT_ERROR(STATUS_PENDING));
    assert_true(STATUS_UNSUCCESSFUL < 0); /* NTSTATUS is signed 32-bit on both targets */
    assert_int_equal(sizeof(NTSTATUS), 4);
}

static void test_strings(void **state)
{
    static const WCHAR expect[] = { '\\', 'D', 'e', 'v', 'i', 'c', 'e', 0 };
    UNICODE_STRING s = RTL_CONSTANT_STRING(L"\\Device");
    (void)state;

    assert_int_equal(sizeof(WCHAR), 2);
    assert_int_equal(s.Length, 7 * sizeof(WCHAR));
    assert_int_equal(s.MaximumLength, 8 * sizeof(WCHAR));
    assert_memory_equal(s.Buffer, expect, sizeof(expect));
}

static void test_field_macros(void **state)
{
    ITEM item;
    (void)state;

    assert_int_equal(FIELD_OFFSET(ITEM, Link), offsetof(ITEM, Link));
    assert_ptr_equal(CONTAINING_RECORD(&item.Link, ITEM, Link), &item);
    assert_int_equal(RTL_FIELD_SIZE(ITEM, Link), sizeof(LIST_ENTRY));
    assert_int_equal(RTL_SIZEOF_THROUGH_FIELD(ITEM, Link), sizeof(ITEM));
    assert_int_equal(ALIGN_UP_BY(17, 16), 32);
    assert_int_equal(ALIGN_UP_BY(32, 16), 32);
    assert_int_equal(ALIGN_DOWN_BY(31, 16), 16);
    assert_int_equal(BYTES_TO_PAGES(0), 0);
    assert_int_equal(BYTES_TO_PAGES(1), 1);
    assert_int_equal(BYTES_TO_PAGES(PAGE_SIZE), 1);
    assert_int_equal(BYTES_TO_PAGES(PAGE_SIZE + 1), 2);
}

/* An MDL built over a buffer that straddles a page boundary. */
static void test_mdl_init(void **state)
{
    static UCHAR pages[3 * 4096] __attribute__((aligned(4096)));
    PUCHAR va = pages + 4096 - 0x10;
    struct {
        MDL Mdl;
        ULONG_PTR Pfn[4];
    } m;
    (void)state;

    MmInitializeMdl(&m.Mdl, va, 0x20);
    assert_null(m.Mdl.Next);
    assert_int_equal(m.Mdl.MdlFlags, 0);
    assert_int_equal(m.Mdl.ByteOffset, 4096 - 0x10);
    assert_ptr_equal(m.Mdl.StartVa, pages);
    assert_int_equal(MmGetMdlByteCount(&m.Mdl), 0x20);
    assert_ptr_equal(MmGetMdlVirtualAddress(&m.Mdl), va);
    assert_int_equal(ADDRESS_AND_SIZE_TO_SPAN_PAGES(va, 0x20), 2);
    assert_int_equal(m.Mdl.Size, sizeof(MDL) + 2 * sizeof(ULONG_PTR));

    /* A mapped MDL hands back its system address without mapping again. */
    m.Mdl.MdlFlags |= MDL_SOURCE_IS_NONPAGED_POOL;
    m.Mdl.MappedSystemVa = va;
    assert_ptr_equal(MmGetSystemAddressForMdlSafe(&m.Mdl, NormalPagePriority), va);
}

static DRIVER_CANCEL DummyCancel;
static VOID NTAPI DummyCancel(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    (void)DeviceObject;
    (void)Irp;
}

static void test_irp_helpers(void **state)
{
    IRP irp;
    IO_STACK_LOCATION stack[2];
    (void)state;

    memset(&irp, 0, sizeof(irp));
    memset(stack, 0, sizeof(stack));
    irp.Tail.Overlay.CurrentStackLocation = &stack[1];
    assert_ptr_equal(IoGetCurrentIrpStackLocation(&irp), &stack[1]);
    assert_ptr_equal(IoGetNextIrpStackLocation(&irp), &stack[0]);
    IoMarkIrpPending(&irp);
    assert_int_equal(stack[1].Control & SL_PENDING_RETURNED, SL_PENDING_RETURNED);
    assert_null(IoSetCancelRoutine(&irp, DummyCancel));
    assert_ptr_equal(IoSetCancelRoutine(&irp, NULL), DummyCancel);
    assert_null(irp.CancelRoutine);
}

#define RACE_ITERATIONS 100000
static volatile LONG Counter;
static volatile LONG64 Counter64;

static void *Racer(void *arg)
{
    (void)arg;
    for (int i = 0; i < RACE_ITERATIONS; i++) {
        InterlockedIncrement(&Counter);
        InterlockedAdd64(&Counter64, 2);
    }
    return NULL;
}

static void test_interlocked(void **state)
{
    pthread_t t[2];
    LONG v = 5;
    PVOID p = NULL;
    int x, y;
    (void)state;

    Counter = 0;
    Counter64 = 0;
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, Racer, NULL), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(Counter, 2 * RACE_ITERATIONS);
    assert_int_equal(Counter64, 4 * RACE_ITERATIONS);

    /* CompareExchange returns the old value and swaps only on a match. */
    assert_int_equal(InterlockedCompareExchange(&v, 9, 4), 5);
    assert_int_equal(v, 5);
    assert_int_equal(InterlockedCompareExchange(&v, 9, 5), 5);
    assert_int_equal(v, 9);
    assert_int_equal(InterlockedExchangeAdd(&v, 1), 9);
    assert_int_equal(InterlockedDecrement(&v), 9);
    assert_int_equal(InterlockedOr(&v, 0x10), 9);
    assert_int_equal(InterlockedAnd(&v, 0x10), 0x19);
    assert_int_equal(InterlockedExchange(&v, -1), 0x10);
    assert_int_equal(v, -1);

    assert_null(InterlockedExchangePointer(&p, &x));
    assert_ptr_equal(InterlockedCompareExchangePointer(&p, &y, &y), &x);
    assert_ptr_equal(InterlockedCompareExchangePointer(&p, &y, &x), &x);
    assert_ptr_equal(p, &y);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_ctl_code),
        cmocka_unit_test(test_status_classes),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_field_macros),
        cmocka_unit_test(test_mdl_init),
        cmocka_unit_test(test_irp_helpers),
        cmocka_unit_test(test_interlocked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
