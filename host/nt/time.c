/*
 * time.c - system time, interrupt time, the performance counter, stalls
 * and delays.  System time is 100 ns units since 1601-01-01 UTC.
 */
#include "nt_internal.h"

#include <time.h>
#include <unistd.h>

#define NK_1601_TO_1970_100NS 116444736000000000ll

VOID NTAPI KeQuerySystemTimePrecise(PLARGE_INTEGER CurrentTime)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    CurrentTime->QuadPart = NK_1601_TO_1970_100NS + ts.tv_sec * 10000000ll + ts.tv_nsec / 100;
}

ULONGLONG NTAPI KeQueryInterruptTime(VOID)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (ULONGLONG)ts.tv_sec * 10000000ull + (ULONGLONG)ts.tv_nsec / 100;
}

LARGE_INTEGER NTAPI KeQueryPerformanceCounter(PLARGE_INTEGER PerformanceFrequency)
{
    struct timespec ts;
    LARGE_INTEGER v;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    if (PerformanceFrequency != NULL)
        PerformanceFrequency->QuadPart = 1000000000ll;
    v.QuadPart = ts.tv_sec * 1000000000ll + ts.tv_nsec;
    return v;
}

VOID NTAPI KeStallExecutionProcessor(ULONG MicroSeconds)
{
    /* A busy wait, allowed at any IRQL; Windows asks for <= 50 us. */
    ULONGLONG end = KeQueryInterruptTime() + (ULONGLONG)MicroSeconds * 10;
    if (MicroSeconds > 50)
        NkHostViolation("stall.too-long", "KeStallExecutionProcessor(%lu): more than 50 us",
                        (unsigned long)MicroSeconds);
    while (KeQueryInterruptTime() < end)
        ;
}

NTSTATUS NTAPI KeDelayExecutionThread(KPROCESSOR_MODE WaitMode, BOOLEAN Alertable, PLARGE_INTEGER Interval)
{
    LONGLONG rel;
    struct timespec ts;
    (void)WaitMode;
    (void)Alertable;
    if (NkIrqlGet() > APC_LEVEL) {
        NkHostViolation("irql.wait-above-apc", "KeDelayExecutionThread at IRQL %u", NkIrqlGet());
        return STATUS_SUCCESS;
    }
    if (Interval->QuadPart < 0) {
        rel = -Interval->QuadPart;
    } else {
        LARGE_INTEGER now;
        KeQuerySystemTimePrecise(&now);
        rel = Interval->QuadPart > now.QuadPart ? Interval->QuadPart - now.QuadPart : 0;
    }
    ts.tv_sec = rel / 10000000;
    ts.tv_nsec = (rel % 10000000) * 100;
    while (nanosleep(&ts, &ts) != 0)
        ;
    return STATUS_SUCCESS;
}

ULONG NTAPI KeQueryActiveProcessorCount(PKAFFINITY ActiveProcessors)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    if (n > 64)
        n = 64;
    if (ActiveProcessors != NULL)
        *ActiveProcessors = n == 64 ? ~(KAFFINITY)0 : (((KAFFINITY)1 << n) - 1);
    return (ULONG)n;
}
