/*
 * ndiskit/context.h - typed object context areas with a lifetime state.
 *
 * A KMDF context area is memory the framework attaches to an object; the
 * WDK's accessor hands out a pointer whenever asked, even while the area
 * is being set up or torn down.  An ndiskit context area carries a state -
 * uninitialised, initialising, live, dropping, dropped - and its accessor
 * returns NULL (or, checked, a status saying why) unless the area is live.
 * The type's drop function runs from EvtDestroyCallback, where the
 * framework guarantees nothing else holds the object.  That makes the
 * driver's own context safe to reach from anywhere - a device, a thread,
 * an NDIS callback - with WdfGetDriver: the answer may be "not any more".
 *
 *     typedef struct { WDFSPINLOCK Lock; ULONG Opens; } DRIVER_CTX;
 *     NK_CONTEXT_TYPE(DRIVER_CTX, DriverCtx)      // DriverCtxGet, ...Init, ...
 *     VOID DriverCtxDrop(WDFOBJECT Object, DRIVER_CTX *Ctx) { ... }
 *
 *     WDF_OBJECT_ATTRIBUTES a;
 *     DriverCtxAttributes(&a);                    // type info + callbacks
 *     status = WdfDriverCreate(DriverObject, RegistryPath, &a, &config, &driver);
 *     status = DriverCtxInit(driver, InitDriverCtx, NULL);   // -> live
 *     ...
 *     DRIVER_CTX *ctx = DriverCtxGet(WdfGetDriver());
 *     if (ctx == NULL)
 *         return STATUS_DELETE_PENDING;           // unloading: fail cleanly
 *
 * The initializer gets the object's handle, so it can create children
 * parented to it; anything it starts that looks the area up (a thread, a
 * timer) finds it not ready until the initializer has returned.  If it fails the area goes straight to dropped and the
 * drop function never runs: the initializer undoes its own partial work.
 * NK_CONTEXT_TYPE defines static functions, so use it once per type in
 * each source file that needs the type (the type info is shared, as with
 * WDF_DECLARE_CONTEXT_TYPE_WITH_NAME).
 */
#ifndef NDISKIT_CONTEXT_H
#define NDISKIT_CONTEXT_H

#include <ntddk.h>
#include <wdf.h>

/* A function whose address is handed to the framework: static, inline and
 * marked unused, so a file that declares a type but uses only part of it
 * gets no unused-function warnings. */
#if defined(__GNUC__) || defined(__clang__)
#define NK_UNUSED __attribute__((unused))
#else
#define NK_UNUSED
#endif
#define NK_CALLBACK static __inline__ NK_UNUSED
/* The per-type accessors: a file may use any subset of them. */
#define NK_CONTEXT_INLINE FORCEINLINE NK_UNUSED

typedef enum _NK_CONTEXT_STATE {
    NkContextUninitialized = 0,     /* zeroed by the framework at allocation */
    NkContextInitializing,
    NkContextLive,
    NkContextDropping,
    NkContextDropped
} NK_CONTEXT_STATE;

typedef struct _NK_CONTEXT_HEADER {
    volatile LONG State;            /* NK_CONTEXT_STATE, changed with interlocked operations */
    volatile LONG CleanedUp;        /* the object's EvtCleanupCallback has run: WDF deleted it */
} NK_CONTEXT_HEADER, *PNK_CONTEXT_HEADER;

/* STATUS_SUCCESS for a live area; otherwise why it may not be used:
 * STATUS_DEVICE_NOT_READY before it is live, STATUS_DELETE_PENDING once
 * it is being dropped.  Any IRQL. */
FORCEINLINE NTSTATUS NkContextStateStatus(_In_ LONG State)
{
    return State == NkContextLive ? STATUS_SUCCESS
           : State < NkContextLive ? STATUS_DEVICE_NOT_READY
                                   : STATUS_DELETE_PENDING;
}

/* ---- the state machine (used by the macro below) ------------------------ */

/* Uninitialised -> initialising, runs Init, then live (or dropped if Init
 * failed).  STATUS_INVALID_DEVICE_STATE if the area was initialised before. */
FORCEINLINE NTSTATUS NkContextRunInit(_Inout_ PNK_CONTEXT_HEADER Header, _In_ WDFOBJECT Object, _Inout_ PVOID Value,
                                      _In_ NTSTATUS (*Init)(WDFOBJECT, PVOID, PVOID), _In_opt_ PVOID Argument)
{
    NTSTATUS status;
    if (InterlockedCompareExchange(&Header->State, NkContextInitializing, NkContextUninitialized) !=
        NkContextUninitialized)
        return STATUS_INVALID_DEVICE_STATE;
    status = Init(Object, Value, Argument);
    WriteRelease(&Header->State, NT_SUCCESS(status) ? NkContextLive : NkContextDropped);
    return status;
}

/* From EvtDestroyCallback: live -> dropping, runs Drop, -> dropped.  An
 * area that never became live is only marked dropped. */
FORCEINLINE VOID NkContextRunDrop(_Inout_ PNK_CONTEXT_HEADER Header, _In_ WDFOBJECT Object, _Inout_ PVOID Value,
                                  _In_ VOID (*Drop)(WDFOBJECT, PVOID))
{
    if (InterlockedCompareExchange(&Header->State, NkContextDropping, NkContextLive) == NkContextLive)
        Drop(Object, Value);
    WriteRelease(&Header->State, NkContextDropped);
}

/* ---- the per-type declarations -------------------------------------------------------
 *
 * NK_CONTEXT_TYPE(Type, Name) declares, for a context holding a Type:
 *   VOID Name##Drop(WDFOBJECT, Type *)            - you define it
 *   VOID Name##Attributes(PWDF_OBJECT_ATTRIBUTES) - for creating an object with the area
 *   NTSTATUS Name##Allocate(WDFOBJECT)            - adds the area to an existing object
 *   NTSTATUS Name##Init(WDFOBJECT, NTSTATUS (*)(WDFOBJECT, Type *, PVOID), PVOID)
 *   Type *Name##Get(WDFOBJECT)                    - NULL unless live
 *   NTSTATUS Name##GetChecked(WDFOBJECT, Type **) - the reason when not live
 *   NK_CONTEXT_STATE Name##State(WDFOBJECT)
 * Get/GetChecked/State: IRQL <= DISPATCH_LEVEL; Init and Drop run at the
 * caller's and the framework's IRQL respectively.
 */
#define NK_CONTEXT_TYPE(Type, Name)                                                                          \
    typedef struct _##Name##_AREA {                                                                          \
        NK_CONTEXT_HEADER Header;                                                                            \
        Type Value;                                                                                          \
    } Name##_AREA;                                                                                           \
    WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(Name##_AREA, Name##Area)                                              \
    VOID Name##Drop(_In_ WDFOBJECT Object, _Inout_ Type *Value);                                             \
    NK_CALLBACK VOID Name##DropThunk(WDFOBJECT Object, PVOID Value)                                               \
    {                                                                                                        \
        Name##Drop(Object, (Type *)Value);                                                                   \
    }                                                                                                        \
    NK_CALLBACK VOID NTAPI Name##EvtCleanup(_In_ WDFOBJECT Object)                                                \
    {                                                                                                        \
        InterlockedExchange(&Name##Area(Object)->Header.CleanedUp, 1);                                       \
    }                                                                                                        \
    NK_CALLBACK VOID NTAPI Name##EvtDestroy(_In_ WDFOBJECT Object)                                                \
    {                                                                                                        \
        Name##_AREA *a = Name##Area(Object);                                                                 \
        NkContextRunDrop(&a->Header, Object, &a->Value, Name##DropThunk);                                    \
    }                                                                                                        \
    NK_CONTEXT_INLINE VOID Name##Attributes(_Out_ PWDF_OBJECT_ATTRIBUTES Attributes)                        \
    {                                                                                                        \
        WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(Attributes, Name##_AREA);                                    \
        Attributes->EvtCleanupCallback = Name##EvtCleanup;                                                   \
        Attributes->EvtDestroyCallback = Name##EvtDestroy;                                                   \
    }                                                                                                        \
    NK_CONTEXT_INLINE NTSTATUS Name##Allocate(_In_ WDFOBJECT Object)                                        \
    {                                                                                                        \
        WDF_OBJECT_ATTRIBUTES a;                                                                             \
        Name##Attributes(&a);                                                                                \
        return WdfObjectAllocateContext(Object, &a, NULL);                                                   \
    }                                                                                                        \
    typedef struct _##Name##_INIT_CALL {                                                                     \
        NTSTATUS (*Init)(WDFOBJECT, Type *, PVOID);                                                          \
        PVOID Argument;                                                                                      \
    } Name##_INIT_CALL;                                                                                      \
    NK_CALLBACK NTSTATUS Name##InitThunk(WDFOBJECT Object, PVOID Value, PVOID Call)                               \
    {                                                                                                        \
        Name##_INIT_CALL *c = (Name##_INIT_CALL *)Call;                                                      \
        return c->Init(Object, (Type *)Value, c->Argument);                                                  \
    }                                                                                                        \
    NK_CONTEXT_INLINE NTSTATUS Name##Init(_In_ WDFOBJECT Object,                                            \
                                           _In_ NTSTATUS (*Init)(WDFOBJECT, Type *, PVOID),                  \
                                           _In_opt_ PVOID Argument)                                          \
    {                                                                                                        \
        Name##_AREA *a = Name##Area(Object);                                                                 \
        Name##_INIT_CALL call = {Init, Argument};                                                            \
        if (a == NULL)                                                                                       \
            return STATUS_NOT_FOUND;                                                                         \
        return NkContextRunInit(&a->Header, Object, &a->Value, Name##InitThunk, &call);                      \
    }                                                                                                        \
    NK_CONTEXT_INLINE NK_CONTEXT_STATE Name##State(_In_opt_ WDFOBJECT Object)                               \
    {                                                                                                        \
        Name##_AREA *a = Object != NULL ? Name##Area(Object) : NULL;                                         \
        return a != NULL ? (NK_CONTEXT_STATE)ReadAcquire(&a->Header.State) : NkContextUninitialized;         \
    }                                                                                                        \
    NK_CONTEXT_INLINE NTSTATUS Name##GetChecked(_In_opt_ WDFOBJECT Object, _Out_ Type **Value)              \
    {                                                                                                        \
        Name##_AREA *a = Object != NULL ? Name##Area(Object) : NULL;                                         \
        NTSTATUS status = a != NULL ? NkContextStateStatus(ReadAcquire(&a->Header.State)) : STATUS_NOT_FOUND; \
        *Value = NT_SUCCESS(status) ? &a->Value : NULL;                                                      \
        return status;                                                                                       \
    }                                                                                                        \
    NK_CONTEXT_INLINE Type *Name##Get(_In_opt_ WDFOBJECT Object)                                            \
    {                                                                                                        \
        Type *v;                                                                                             \
        return NT_SUCCESS(Name##GetChecked(Object, &v)) ? v : NULL;                                          \
    }

#endif
