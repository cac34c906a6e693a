/*
 * test_imports.c - NkHostListMissingImports: a driver .so importing
 * functions the host does not export is reported with every missing one,
 * by module; a driver the host can run (ndisprot) has none missing; files
 * that are absent, not ELF or truncated fail cleanly.
 *
 * Linked like `ndiskit` (the whole host kernel, exported), so the look-up
 * sees what a loaded driver would.
 */
#include <ntddk.h>
#include <nkhost.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

typedef struct {
    ULONG Count;
    char Lines[16][128];
} SEEN;

static VOID Collect(const char *Module, const char *Name, PVOID Context)
{
    SEEN *s = Context;
    if (s->Count < RTL_NUMBER_OF(s->Lines))
        snprintf(s->Lines[s->Count], sizeof(s->Lines[0]), "%s!%s", Module, Name);
    s->Count++;
}

static void test_missing_imports_listed_by_module(void **state)
{
    SEEN s;
    ULONG missing = 0;
    (void)state;
    memset(&s, 0, sizeof(s));
    assert_int_equal(NkHostListMissingImports(MISSING_SO, Collect, &s, &missing), STATUS_PROCEDURE_NOT_FOUND);
    assert_int_equal(missing, 3);
    assert_int_equal(s.Count, 3);
    /* Sorted by module, then name; the weak import and what exists are not listed. */
    assert_string_equal(s.Lines[0], "(unknown)!NdisAllocateFragmentNetBufferList");
    assert_string_equal(s.Lines[1], "ntoskrnl.exe!IoCreateDevice");
    assert_string_equal(s.Lines[2], "ntoskrnl.exe!IoDeleteDevice");
}

static void test_runnable_driver_has_none(void **state)
{
    SEEN s;
    ULONG missing = 99;
    (void)state;
    memset(&s, 0, sizeof(s));
    assert_int_equal(NkHostListMissingImports(NDISPROT_SO, Collect, &s, &missing), STATUS_SUCCESS);
    assert_int_equal(missing, 0);
    assert_int_equal(s.Count, 0);
}

static void test_bad_files(void **state)
{
    char path[] = "/tmp/nk-imports-XXXXXX";
    unsigned char head[96];
    FILE *in, *out;
    int fd;
    (void)state;
    assert_int_equal(NkHostListMissingImports("/nonexistent/driver.so", Collect, NULL, NULL),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(NkHostListMissingImports(__FILE__, Collect, NULL, NULL), STATUS_INVALID_IMAGE_FORMAT);
    /* The ELF header of a real .so with nothing after it. */
    in = fopen(MISSING_SO, "rb");
    assert_non_null(in);
    assert_int_equal(fread(head, 1, sizeof(head), in), sizeof(head));
    fclose(in);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    out = fdopen(fd, "wb");
    assert_non_null(out);
    assert_int_equal(fwrite(head, 1, sizeof(head), out), sizeof(head));
    fclose(out);
    assert_int_equal(NkHostListMissingImports(path, Collect, NULL, NULL), STATUS_INVALID_IMAGE_FORMAT);
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_missing_imports_listed_by_module),
        cmocka_unit_test(test_runnable_driver_has_none),
        cmocka_unit_test(test_bad_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
