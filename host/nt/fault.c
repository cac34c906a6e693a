/*
 * fault.c - fault injection: "fail the Nth operation at this site".
 * Counts are global (all threads), so a sweep that fails site k for
 * k = 1..count exercises every failure path of a scenario in turn.
 */
#include "nt_internal.h"

static pthread_mutex_t FaultLock = PTHREAD_MUTEX_INITIALIZER;
static ULONG64 Seen[NkFaultSiteMax];
static ULONG64 FailAt[NkFaultSiteMax];

VOID NkHostFailNth(NK_FAULT_SITE Site, ULONG64 N)
{
    if ((ULONG)Site >= NkFaultSiteMax)
        return;
    pthread_mutex_lock(&FaultLock);
    FailAt[Site] = N == 0 ? 0 : Seen[Site] + N;
    pthread_mutex_unlock(&FaultLock);
}

BOOLEAN NkHostShouldFail(NK_FAULT_SITE Site)
{
    BOOLEAN fail;
    if ((ULONG)Site >= NkFaultSiteMax)
        return FALSE;
    pthread_mutex_lock(&FaultLock);
    Seen[Site]++;
    fail = FailAt[Site] != 0 && Seen[Site] == FailAt[Site];
    pthread_mutex_unlock(&FaultLock);
    return fail;
}

ULONG64 NkHostFaultSiteCount(NK_FAULT_SITE Site)
{
    ULONG64 n;
    if ((ULONG)Site >= NkFaultSiteMax)
        return 0;
    pthread_mutex_lock(&FaultLock);
    n = Seen[Site];
    pthread_mutex_unlock(&FaultLock);
    return n;
}

VOID NkFaultReset(VOID)
{
    pthread_mutex_lock(&FaultLock);
    for (ULONG i = 0; i < NkFaultSiteMax; i++)
        Seen[i] = FailAt[i] = 0;
    pthread_mutex_unlock(&FaultLock);
}
