/*
 * missing_imports_driver.c - a driver .so for test_imports: it imports
 * what the host kernel exports (NdisOpenAdapterEx, memcpy), what it does
 * not (IoCreateDevice and IoDeleteDevice from ntoskrnl.exe; a name in no
 * module's .def), and one weak symbol (optional: never reported).
 * Built without sanitizers, so its imports are only these.
 */
#include <stddef.h>

typedef long NTSTATUS;

extern NTSTATUS NdisOpenAdapterEx(void *, void *, void *, void *, void **);
extern NTSTATUS IoCreateDevice(void *, unsigned long, void *, unsigned long, unsigned long, unsigned char, void **);
extern void IoDeleteDevice(void *);
extern void *NdisAllocateFragmentNetBufferList(void *, void *, void *, unsigned long);
extern void *memcpy(void *, const void *, size_t);
extern void NkOptionalHook(void) __attribute__((weak));

NTSTATUS DriverEntry(void *DriverObject, void *RegistryPath)
{
    void *device = NULL;
    char a[4] = {0}, b[4];
    (void)RegistryPath;
    memcpy(b, a, sizeof(a));
    if (NkOptionalHook != NULL)
        NkOptionalHook();
    if (DriverObject == NULL)
        return NdisOpenAdapterEx(NULL, NULL, NULL, NULL, NULL) + (NTSTATUS)(size_t)NdisAllocateFragmentNetBufferList(NULL, NULL, NULL, 0);
    if (IoCreateDevice(DriverObject, 0, NULL, 0, 0, 0, &device) == 0)
        IoDeleteDevice(device);
    return b[0];
}
