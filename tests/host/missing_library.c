/*
 * missing_library.c - a driver linked against a library (nkgone, built
 * beside it with no run path to find it by) that is not there when it is
 * loaded: `ndiskit host run` must name the library, not a symbol
 * (tests/host/hostrun_load.py).
 */
int NkGoneFunction(void);

int DriverEntry(void *DriverObject, void *RegistryPath)
{
    (void)DriverObject;
    (void)RegistryPath;
    return NkGoneFunction();
}

#ifdef NK_GONE_LIBRARY
int NkGoneFunction(void)
{
    return 0;
}
#endif
