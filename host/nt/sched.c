/*
 * sched.c - the interleaving explorer: run a scenario's concurrent actions
 * one at a time, switching between them where a seeded pseudo-random
 * generator says, so a test can explore many interleavings and replay the
 * one that failed.
 *
 * NkHostRunInterleaved starts one thread per action but lets only one run:
 * the "current" thread.  At each schedule point the current thread picks
 * the next one (possibly itself) from the seed's sequence.  Schedule points
 * are where the host kernel holds none of its own locks: spin lock acquire
 * and release, KeSetEvent, the NDIS DDIs a protocol calls, and just before
 * the host delivers each NDIS callback.  A thread that must wait (an event
 * not yet set, a spin lock another action holds) polls: it gives the turn
 * away and checks again when it gets it back.  If every live action is
 * polling and none makes progress, that is a deadlock, reported as
 * sched.deadlock with the seed.
 *
 * The same seed gives the same interleaving as long as only the actions'
 * threads touch the driver (in-memory adapters, no timers): the decision
 * sequence is hashed into a trace a test can compare.  Threads the host
 * kernel runs on its own (timers, work items, AF_PACKET receivers) are not
 * scheduled.
 */
#include "nt_internal.h"

#include <stdio.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>

#define NK_SCHED_MAX 16
/* A deadlock: this many consecutive fruitless polls and no progress for a second. */
#define NK_SCHED_SPIN_LIMIT 2000
#define NK_SCHED_STALL_NS 1000000000ll

typedef struct {
    pthread_t Thread;
    NK_HOST_ACTION *Action;
    PVOID Context;
    BOOLEAN Done;
} NK_SCHED_THREAD;

static pthread_mutex_t SchedLock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t SchedCond = PTHREAD_COND_INITIALIZER;
static NK_SCHED_THREAD Threads[NK_SCHED_MAX];
static ULONG ThreadCount;
static LONG Current = -1;
/* Active and ActiveSeed are written under SchedLock but read without it
 * by every schedule point and by the verifier: atomics. */
static BOOLEAN Active, Deadlocked;
static ULONG64 Rng, ActiveSeed, Decisions, Trace, FruitlessPolls;
static LONGLONG LastProgress; /* CLOCK_MONOTONIC ns of the last non-poll schedule point */
static _Thread_local LONG MyIndex = -1;

static ULONG64 NextRandom(VOID)
{
    /* xorshift64*: small, fast, and the same on every machine. */
    Rng ^= Rng >> 12;
    Rng ^= Rng << 25;
    Rng ^= Rng >> 27;
    return Rng * 0x2545F4914F6CDD1Dull;
}

/* With SchedLock held: hand the turn to a live thread chosen by the seed. */
static VOID PickLocked(VOID)
{
    ULONG live = 0, pick;
    for (ULONG i = 0; i < ThreadCount; i++)
        live += !Threads[i].Done;
    if (live == 0) {
        Current = -1;
    } else {
        pick = (ULONG)(NextRandom() % live);
        for (ULONG i = 0; i < ThreadCount; i++) {
            if (Threads[i].Done)
                continue;
            if (pick-- == 0) {
                Current = (LONG)i;
                break;
            }
        }
        Decisions++;
        Trace = Trace * 1099511628211ull ^ (ULONG64)(Current + 1);
    }
    pthread_cond_broadcast(&SchedCond);
}

static LONGLONG NowNs(VOID)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (LONGLONG)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static VOID ProgressLocked(VOID)
{
    FruitlessPolls = 0;
    LastProgress = NowNs();
}

static VOID WaitTurnLocked(VOID)
{
    while (Active && Current != MyIndex)
        pthread_cond_wait(&SchedCond, &SchedLock);
}

BOOLEAN NkSchedControlled(VOID)
{
    return MyIndex >= 0 && __atomic_load_n(&Active, __ATOMIC_ACQUIRE);
}

VOID NkSchedPoint(VOID)
{
    if (!NkSchedControlled())
        return;
    pthread_mutex_lock(&SchedLock);
    ProgressLocked();
    PickLocked();
    WaitTurnLocked();
    pthread_mutex_unlock(&SchedLock);
}

VOID NkSchedPoll(VOID)
{
    BOOLEAN deadlock = FALSE;

    if (!NkSchedControlled()) {
        sched_yield();
        return;
    }
    pthread_mutex_lock(&SchedLock);
    if (++FruitlessPolls > NK_SCHED_SPIN_LIMIT && NowNs() - LastProgress > NK_SCHED_STALL_NS && !Deadlocked) {
        /* Nobody got anywhere: every action waits for another.  Report it,
         * then let the threads run free so the test can end. */
        Deadlocked = TRUE;
        deadlock = TRUE;
        __atomic_store_n(&Active, FALSE, __ATOMIC_RELEASE);
        pthread_cond_broadcast(&SchedCond);
    } else {
        PickLocked();
        WaitTurnLocked();
    }
    pthread_mutex_unlock(&SchedLock);
    if (deadlock)
        NkHostViolation("sched.deadlock", "every action of the interleaving is waiting for another "
                        "(seed %llu: replay with NDISKIT_SEED=%llu)", (unsigned long long)ActiveSeed,
                        (unsigned long long)ActiveSeed);
}

ULONG64 NkSchedActiveSeed(VOID)
{
    return __atomic_load_n(&Active, __ATOMIC_ACQUIRE) ? __atomic_load_n(&ActiveSeed, __ATOMIC_RELAXED) : 0;
}

static void *ActionMain(void *Arg)
{
    LONG me = (LONG)(LONG_PTR)Arg;
    MyIndex = me;
    pthread_mutex_lock(&SchedLock);
    WaitTurnLocked();
    pthread_mutex_unlock(&SchedLock);

    Threads[me].Action(Threads[me].Context);

    pthread_mutex_lock(&SchedLock);
    Threads[me].Done = TRUE;
    ProgressLocked();
    if (Active)
        PickLocked();
    else
        pthread_cond_broadcast(&SchedCond);
    pthread_mutex_unlock(&SchedLock);
    MyIndex = -1;
    return NULL;
}

ULONG64 NkHostRunInterleaved(ULONG64 Seed, NK_HOST_ACTION *const *Actions, PVOID const *Contexts, ULONG Count,
                             ULONG64 *TraceOut)
{
    ULONG started = 0;
    ULONG64 decisions;

    if (Count == 0 || Count > NK_SCHED_MAX) {
        NkHostViolation("sched.bad-count", "NkHostRunInterleaved with %lu actions (1..%d)", (unsigned long)Count,
                        NK_SCHED_MAX);
        return 0;
    }
    pthread_mutex_lock(&SchedLock);
    if (Active || ThreadCount != 0) {
        pthread_mutex_unlock(&SchedLock);
        NkHostViolation("sched.nested", "NkHostRunInterleaved while another run is in progress");
        return 0;
    }
    ThreadCount = Count;
    Rng = Seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull; /* never 0 */
    if (Rng == 0)
        Rng = 1;
    __atomic_store_n(&ActiveSeed, Seed, __ATOMIC_RELAXED);
    Decisions = 0;
    Trace = 14695981039346656037ull;
    ProgressLocked();
    Deadlocked = FALSE;
    Current = -1;
    __atomic_store_n(&Active, TRUE, __ATOMIC_RELEASE);
    for (ULONG i = 0; i < Count; i++) {
        Threads[i].Action = Actions[i];
        Threads[i].Context = Contexts != NULL ? Contexts[i] : NULL;
        Threads[i].Done = FALSE;
    }
    for (ULONG i = 0; i < Count; i++) {
        if (pthread_create(&Threads[i].Thread, NULL, ActionMain, (void *)(LONG_PTR)i) != 0) {
            Threads[i].Done = TRUE; /* could not start: counts as finished */
            continue;
        }
        started |= 1u << i;
    }
    PickLocked();
    for (;;) {
        BOOLEAN all = TRUE;
        for (ULONG i = 0; i < Count; i++)
            all &= Threads[i].Done;
        if (all)
            break;
        pthread_cond_wait(&SchedCond, &SchedLock);
    }
    __atomic_store_n(&Active, FALSE, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&SchedLock);
    for (ULONG i = 0; i < Count; i++)
        if (started & (1u << i))
            pthread_join(Threads[i].Thread, NULL);
    pthread_mutex_lock(&SchedLock);
    ThreadCount = 0;
    decisions = Decisions;
    if (TraceOut != NULL)
        *TraceOut = Trace;
    pthread_mutex_unlock(&SchedLock);
    return decisions;
}

BOOLEAN NkHostNextSeed(ULONG64 *Seed, ULONG64 DefaultCount)
{
    const char *one = getenv("NDISKIT_SEED"), *many = getenv("NDISKIT_SEEDS");
    ULONG64 count = DefaultCount;

    if (one != NULL && *one != '\0') {
        ULONG64 s = strtoull(one, NULL, 0);
        if (*Seed == 0) {
            *Seed = s != 0 ? s : 1;
            return TRUE;
        }
        return FALSE;
    }
    if (many != NULL && *many != '\0')
        count = strtoull(many, NULL, 0);
    if (*Seed >= count)
        return FALSE;
    ++*Seed;
    return TRUE;
}
