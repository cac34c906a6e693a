/*
 * irql.c - the emulated IRQL.  Each host thread has its own, starting at
 * PASSIVE_LEVEL.  Nothing is masked by it; it exists so the verifier can
 * enforce the IRQL rules every DDI documents.
 */
#include "nt_internal.h"

static _Thread_local KIRQL CurrentIrql = PASSIVE_LEVEL;

KIRQL NkIrqlGet(VOID)
{
    return CurrentIrql;
}

VOID NkIrqlSet(KIRQL Irql)
{
    CurrentIrql = Irql;
}

KIRQL NTAPI KeGetCurrentIrql(VOID)
{
    return CurrentIrql;
}

KIRQL NTAPI KfRaiseIrql(KIRQL NewIrql)
{
    KIRQL old = CurrentIrql;
    if (NewIrql < old) {
        /* Windows bugchecks (IRQL_NOT_GREATER_OR_EQUAL); we report and
         * leave the IRQL as it was. */
        NkHostViolation("irql.raise-to-lower", "KeRaiseIrql to %u from %u", NewIrql, old);
        return old;
    }
    CurrentIrql = NewIrql;
    return old;
}

VOID NTAPI KeLowerIrql(KIRQL NewIrql)
{
    if (NewIrql > CurrentIrql) {
        NkHostViolation("irql.lower-to-higher", "KeLowerIrql to %u from %u", NewIrql, CurrentIrql);
        return;
    }
    CurrentIrql = NewIrql;
}
