/*
 * verifier.c - how the host kernel reports misuse, and NkHostReset.
 *
 * A violation prints "ndiskit verifier: RULE: message" to stderr and, unless
 * the test armed NkHostExpectViolations, aborts: a test that misuses a DDI
 * must fail at the misuse, not later in a confusing way.
 */
#include "nt_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NK_MAX_RULES 64

static pthread_mutex_t VerifierLock = PTHREAD_MUTEX_INITIALIZER;
static BOOLEAN Expecting;
static SIZE_T Total;
static char LastRule[64];
static struct {
    char Rule[64];
    SIZE_T Count;
} Rules[NK_MAX_RULES];
static ULONG RuleCount;

VOID NkHostViolation(const char *Rule, const char *Format, ...)
{
    char message[512];
    va_list ap;
    BOOLEAN fatal;

    va_start(ap, Format);
    vsnprintf(message, sizeof(message), Format, ap);
    va_end(ap);

    pthread_mutex_lock(&VerifierLock);
    Total++;
    snprintf(LastRule, sizeof(LastRule), "%s", Rule);
    for (ULONG i = 0; i <= RuleCount && i < NK_MAX_RULES; i++) {
        if (i == RuleCount) {
            snprintf(Rules[i].Rule, sizeof(Rules[i].Rule), "%s", Rule);
            Rules[i].Count = 0;
            RuleCount++;
        }
        if (strcmp(Rules[i].Rule, Rule) == 0) {
            Rules[i].Count++;
            break;
        }
    }
    fatal = !Expecting;
    pthread_mutex_unlock(&VerifierLock);

    if (NkSchedActiveSeed() != 0 && strcmp(Rule, "sched.deadlock") != 0)
        fprintf(stderr, "ndiskit verifier: %s: %s (interleaving seed %llu: replay with NDISKIT_SEED=%llu)\n",
                Rule, message, (unsigned long long)NkSchedActiveSeed(), (unsigned long long)NkSchedActiveSeed());
    else
        fprintf(stderr, "ndiskit verifier: %s: %s\n", Rule, message);
    if (fatal)
        abort();
}

VOID NkHostExpectViolations(VOID)
{
    pthread_mutex_lock(&VerifierLock);
    Expecting = TRUE;
    pthread_mutex_unlock(&VerifierLock);
}

SIZE_T NkHostViolationCount(VOID)
{
    SIZE_T n;
    pthread_mutex_lock(&VerifierLock);
    n = Total;
    pthread_mutex_unlock(&VerifierLock);
    return n;
}

const char *NkHostLastViolation(VOID)
{
    return Total ? LastRule : NULL;
}

SIZE_T NkHostViolationCountOf(const char *Rule)
{
    SIZE_T n = 0;
    pthread_mutex_lock(&VerifierLock);
    for (ULONG i = 0; i < RuleCount; i++)
        if (strcmp(Rules[i].Rule, Rule) == 0)
            n = Rules[i].Count;
    pthread_mutex_unlock(&VerifierLock);
    return n;
}

VOID NkHostReset(VOID)
{
    pthread_mutex_lock(&VerifierLock);
    Expecting = FALSE;
    Total = 0;
    LastRule[0] = '\0';
    RuleCount = 0;
    pthread_mutex_unlock(&VerifierLock);
    NkNdisDrainBinds(); /* no bind may run into a driver being forgotten */
    NkWdfReset();
    NkNdisReset();
    NkTimersReset();
    NkRegReset();
    NkPoolReset();
    NkFaultReset();
    NkLogReset();
    NkIrqlSet(PASSIVE_LEVEL);
}


SIZE_T NkHostCheckLeaks(VOID)
{
    return NkNdisReportLeaks() + NkWdfReportLeaks() + NkTimersReportLeaks() + NkPoolReportLeaks() +
           NkThreadsReportLeaks();
}

BOOLEAN NkHostCheckIrqlMax(KIRQL Max, const char *Ddi)
{
    KIRQL irql = NkIrqlGet();
    if (irql <= Max)
        return TRUE;
    NkHostViolation(Max == PASSIVE_LEVEL ? "irql.above-passive"
                    : Max == APC_LEVEL   ? "irql.above-apc"
                                         : "irql.above-dispatch",
                    "%s called at IRQL %u; it requires IRQL <= %u", Ddi, irql, Max);
    return FALSE;
}
