/*
 * The checked-build macros compile warning-free with DBG=1 (active, calling
 * RtlAssert/DbgPrint) and without DBG (ASSERT and friends vanish; NT_VERIFY
 * still evaluates), on every compiler.  Also #pragma alloc_text under
 * ALLOC_PRAGMA, which only the Windows target defines.
 */
#include <ntddk.h>

NTSTATUS CheckedUse(PLONG Counter, BOOLEAN Flag);

#ifdef ALLOC_PRAGMA
#pragma alloc_text(PAGE, CheckedUse)
#endif

NTSTATUS CheckedUse(PLONG Counter, BOOLEAN Flag)
{
    UNREFERENCED_PARAMETER(Flag);  /* used only by the checks, which vanish without DBG */
    PAGED_CODE();
    ASSERT(Counter != NULL);
    ASSERTMSG("the counter is never negative", *Counter >= 0);
    NT_ASSERT(Flag == TRUE || Flag == FALSE);
    NT_ASSERTMSG("flag is a BOOLEAN", Flag <= 1);
    KdPrint(("CheckedUse %ld\n", *Counter));
    KdPrintEx((DPFLTR_IHVNETWORK_ID, DPFLTR_INFO_LEVEL, "flag %u\n", Flag));
    if (!NT_VERIFY(InterlockedIncrement(Counter) > 0))
        return STATUS_UNSUCCESSFUL;
    if (!NT_VERIFYMSG("still positive", *Counter > 0))
        return STATUS_UNSUCCESSFUL;
    return min(max(*Counter, 0), 1) ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}
