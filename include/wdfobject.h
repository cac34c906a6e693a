/*
 * wdfobject.h - framework objects: attributes, typed context areas,
 * references and deletion.  Part of <wdf.h>.
 *
 * Every framework object can carry one or more context areas: driver-
 * defined structures the framework allocates with the object and frees
 * with it.  A context type is declared once with WDF_DECLARE_CONTEXT_TYPE
 * (or ..._WITH_NAME), which defines a type-info record and an accessor;
 * the framework keys contexts by the address of that record, so the
 * accessor returns NULL rather than the wrong type.
 */
#ifndef NDISKIT_WDFOBJECT_H
#define NDISKIT_WDFOBJECT_H

#ifndef NDISKIT_WDF_H
#error "include <wdf.h>, not <wdfobject.h>"
#endif

/* The highest IRQL at which the framework calls the object's callbacks. */
typedef enum _WDF_EXECUTION_LEVEL {
    WdfExecutionLevelInvalid = 0x00,
    WdfExecutionLevelInheritFromParent,
    WdfExecutionLevelPassive,
    WdfExecutionLevelDispatch
} WDF_EXECUTION_LEVEL;

/* Which callbacks the framework serializes against each other. */
typedef enum _WDF_SYNCHRONIZATION_SCOPE {
    WdfSynchronizationScopeInvalid = 0x00,
    WdfSynchronizationScopeInheritFromParent,
    WdfSynchronizationScopeDevice,
    WdfSynchronizationScopeQueue,
    WdfSynchronizationScopeNone
} WDF_SYNCHRONIZATION_SCOPE;

/* Cleanup runs when the object is deleted (or its parent is): release what
 * the context holds.  Destroy runs when the last reference is gone. */
typedef _Function_class_(EVT_WDF_OBJECT_CONTEXT_CLEANUP) _IRQL_requires_max_(DISPATCH_LEVEL)
VOID EVT_WDF_OBJECT_CONTEXT_CLEANUP(_In_ WDFOBJECT Object);
typedef EVT_WDF_OBJECT_CONTEXT_CLEANUP *PFN_WDF_OBJECT_CONTEXT_CLEANUP;

typedef _Function_class_(EVT_WDF_OBJECT_CONTEXT_DESTROY) _IRQL_requires_max_(DISPATCH_LEVEL)
VOID EVT_WDF_OBJECT_CONTEXT_DESTROY(_In_ WDFOBJECT Object);
typedef EVT_WDF_OBJECT_CONTEXT_DESTROY *PFN_WDF_OBJECT_CONTEXT_DESTROY;

typedef const struct _WDF_OBJECT_CONTEXT_TYPE_INFO *PCWDF_OBJECT_CONTEXT_TYPE_INFO;
typedef PCWDF_OBJECT_CONTEXT_TYPE_INFO (__cdecl *PFN_GET_UNIQUE_CONTEXT_TYPE)(VOID);

/* Describes one context type.  UniqueType points at the record that
 * identifies the type (itself, for types declared in this driver). */
typedef struct _WDF_OBJECT_CONTEXT_TYPE_INFO {
    ULONG Size;
    PCSTR ContextName;
    size_t ContextSize;
    PCWDF_OBJECT_CONTEXT_TYPE_INFO UniqueType;
    PFN_GET_UNIQUE_CONTEXT_TYPE EvtDriverGetUniqueContextType;
} WDF_OBJECT_CONTEXT_TYPE_INFO, *PWDF_OBJECT_CONTEXT_TYPE_INFO;

typedef struct _WDF_OBJECT_ATTRIBUTES {
    ULONG Size;
    PFN_WDF_OBJECT_CONTEXT_CLEANUP EvtCleanupCallback;
    PFN_WDF_OBJECT_CONTEXT_DESTROY EvtDestroyCallback;
    WDF_EXECUTION_LEVEL ExecutionLevel;
    WDF_SYNCHRONIZATION_SCOPE SynchronizationScope;
    WDFOBJECT ParentObject;
    size_t ContextSizeOverride;     /* >= ContextSize: variable-length context */
    PCWDF_OBJECT_CONTEXT_TYPE_INFO ContextTypeInfo;
} WDF_OBJECT_ATTRIBUTES, *PWDF_OBJECT_ATTRIBUTES;

/* Zero the attributes and inherit execution level and scope from the parent. */
FORCEINLINE VOID WDF_OBJECT_ATTRIBUTES_INIT(_Out_ PWDF_OBJECT_ATTRIBUTES Attributes)
{
    RtlZeroMemory(Attributes, sizeof(WDF_OBJECT_ATTRIBUTES));
    Attributes->Size = sizeof(WDF_OBJECT_ATTRIBUTES);
    Attributes->ExecutionLevel = WdfExecutionLevelInheritFromParent;
    Attributes->SynchronizationScope = WdfSynchronizationScopeInheritFromParent;
}

/* Names the per-type globals WDF_DECLARE_CONTEXT_TYPE defines. */
#define WDF_TYPE_NAME_TO_TYPE_INFO(_contexttype) _WDF_##_contexttype##_TYPE_INFO
#define WDF_TYPE_NAME_POINTER_TYPE(_contexttype) WDF_POINTER_TYPE_##_contexttype
#define WDF_GET_CONTEXT_TYPE_INFO(_contexttype) \
    (WDF_TYPE_NAME_TO_TYPE_INFO(_contexttype).UniqueType)

#define WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE(_attributes, _contexttype) \
    ((_attributes)->ContextTypeInfo = WDF_GET_CONTEXT_TYPE_INFO(_contexttype))

#define WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(_attributes, _contexttype) \
    (WDF_OBJECT_ATTRIBUTES_INIT(_attributes),                            \
     WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE(_attributes, _contexttype))

/*
 * Declares context type _contexttype: a pointer typedef, the type-info
 * record (one per image however many files include the declaration, hence
 * DECLSPEC_SELECTANY), and the accessor _castingfunction(Handle).
 */
#define WDF_DECLARE_TYPE_AND_GLOBALS(_contexttype, _UniqueType, _GetUniqueType,          \
                                     _castingfunction)                                  \
    typedef _contexttype *WDF_TYPE_NAME_POINTER_TYPE(_contexttype);                     \
    DECLSPEC_SELECTANY const WDF_OBJECT_CONTEXT_TYPE_INFO                               \
        WDF_TYPE_NAME_TO_TYPE_INFO(_contexttype) = {                                    \
            sizeof(WDF_OBJECT_CONTEXT_TYPE_INFO), #_contexttype, sizeof(_contexttype),  \
            _UniqueType, _GetUniqueType};                                               \
    WDF_DECLARE_CASTING_FUNCTION(_contexttype, _castingfunction)

#define WDF_DECLARE_CASTING_FUNCTION(_contexttype, _castingfunction)                  \
    __drv_aliasesMem FORCEINLINE WDF_TYPE_NAME_POINTER_TYPE(_contexttype)              \
    _castingfunction(_In_ WDFOBJECT Handle)                                            \
    {                                                                                  \
        return (WDF_TYPE_NAME_POINTER_TYPE(_contexttype))WdfObjectGetTypedContextWorker( \
            Handle, WDF_GET_CONTEXT_TYPE_INFO(_contexttype));                          \
    }

#define WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(_contexttype, _castingfunction)              \
    WDF_DECLARE_TYPE_AND_GLOBALS(_contexttype,                                          \
                                 &WDF_TYPE_NAME_TO_TYPE_INFO(_contexttype), NULL,       \
                                 _castingfunction)

#define WDF_DECLARE_CONTEXT_TYPE(_contexttype) \
    WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(_contexttype, WdfObjectGet_##_contexttype)

/* Shares another component's context type (its info record decides). */
#define WDF_DECLARE_SHARED_CONTEXT_TYPE_WITH_NAME(_contexttype, _castingfunction, _GetUniqueType) \
    WDF_DECLARE_TYPE_AND_GLOBALS(_contexttype, NULL, _GetUniqueType, _castingfunction)

/* BEGIN GENERATED DDIs: scripts/gen-wdf-ddis from scripts/wdf-ddis.txt. */

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI PVOID (NTAPI *PFN_WDFOBJECTGETTYPEDCONTEXTWORKER)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFOBJECT Handle,
    _In_ PCWDF_OBJECT_CONTEXT_TYPE_INFO TypeInfo);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE PVOID WdfObjectGetTypedContextWorker(
    _In_ WDFOBJECT Handle,
    _In_ PCWDF_OBJECT_CONTEXT_TYPE_INFO TypeInfo)
{
    return ((PFN_WDFOBJECTGETTYPEDCONTEXTWORKER)WdfFunctions[WdfObjectGetTypedContextWorkerTableIndex])(WdfDriverGlobals, Handle, TypeInfo);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFOBJECTALLOCATECONTEXT)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFOBJECT Handle,
    _In_ PWDF_OBJECT_ATTRIBUTES ContextAttributes,
    _Outptr_opt_ PVOID *Context);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfObjectAllocateContext(
    _In_ WDFOBJECT Handle,
    _In_ PWDF_OBJECT_ATTRIBUTES ContextAttributes,
    _Outptr_opt_ PVOID *Context)
{
    return ((PFN_WDFOBJECTALLOCATECONTEXT)WdfFunctions[WdfObjectAllocateContextTableIndex])(WdfDriverGlobals, Handle, ContextAttributes, Context);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI WDFOBJECT (NTAPI *PFN_WDFOBJECTCONTEXTGETOBJECT)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ PVOID ContextPointer);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE WDFOBJECT WdfObjectContextGetObject(
    _In_ PVOID ContextPointer)
{
    return ((PFN_WDFOBJECTCONTEXTGETOBJECT)WdfFunctions[WdfObjectContextGetObjectTableIndex])(WdfDriverGlobals, ContextPointer);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFOBJECTREFERENCEACTUAL)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFOBJECT Handle,
    _In_opt_ PVOID Tag,
    _In_ LONG Line,
    _In_z_ PCHAR File);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfObjectReferenceActual(
    _In_ WDFOBJECT Handle,
    _In_opt_ PVOID Tag,
    _In_ LONG Line,
    _In_z_ PCHAR File)
{
    ((PFN_WDFOBJECTREFERENCEACTUAL)WdfFunctions[WdfObjectReferenceActualTableIndex])(WdfDriverGlobals, Handle, Tag, Line, File);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFOBJECTDEREFERENCEACTUAL)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFOBJECT Handle,
    _In_opt_ PVOID Tag,
    _In_ LONG Line,
    _In_z_ PCHAR File);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfObjectDereferenceActual(
    _In_ WDFOBJECT Handle,
    _In_opt_ PVOID Tag,
    _In_ LONG Line,
    _In_z_ PCHAR File)
{
    ((PFN_WDFOBJECTDEREFERENCEACTUAL)WdfFunctions[WdfObjectDereferenceActualTableIndex])(WdfDriverGlobals, Handle, Tag, Line, File);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFOBJECTCREATE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES Attributes,
    _Out_ WDFOBJECT *Object);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfObjectCreate(
    _In_opt_ PWDF_OBJECT_ATTRIBUTES Attributes,
    _Out_ WDFOBJECT *Object)
{
    return ((PFN_WDFOBJECTCREATE)WdfFunctions[WdfObjectCreateTableIndex])(WdfDriverGlobals, Attributes, Object);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFOBJECTDELETE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFOBJECT Object);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfObjectDelete(
    _In_ WDFOBJECT Object)
{
    ((PFN_WDFOBJECTDELETE)WdfFunctions[WdfObjectDeleteTableIndex])(WdfDriverGlobals, Object);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFOBJECTQUERY)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFOBJECT Object,
    _In_ CONST GUID *Guid,
    _In_ ULONG QueryBufferLength,
    _Out_writes_bytes_(QueryBufferLength) PVOID QueryBuffer);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfObjectQuery(
    _In_ WDFOBJECT Object,
    _In_ CONST GUID *Guid,
    _In_ ULONG QueryBufferLength,
    _Out_writes_bytes_(QueryBufferLength) PVOID QueryBuffer)
{
    return ((PFN_WDFOBJECTQUERY)WdfFunctions[WdfObjectQueryTableIndex])(WdfDriverGlobals, Object, Guid, QueryBufferLength, QueryBuffer);
}

/* END GENERATED DDIs */

#define WdfObjectGetTypedContext(handle, type) \
    ((WDF_TYPE_NAME_POINTER_TYPE(type))WdfObjectGetTypedContextWorker( \
        (WDFOBJECT)(handle), WDF_GET_CONTEXT_TYPE_INFO(type)))

/* References record the caller's file and line so a leak report (the
 * framework's, or ndiskit's host verifier's) can name the taker. */
#define WdfObjectReferenceWithTag(Handle, Tag) \
    WdfObjectReferenceActual((WDFOBJECT)(Handle), (Tag), __LINE__, (PCHAR)__FILE__)
#define WdfObjectDereferenceWithTag(Handle, Tag) \
    WdfObjectDereferenceActual((WDFOBJECT)(Handle), (Tag), __LINE__, (PCHAR)__FILE__)
#define WdfObjectReference(Handle)   WdfObjectReferenceWithTag(Handle, NULL)
#define WdfObjectDereference(Handle) WdfObjectDereferenceWithTag(Handle, NULL)

#endif /* NDISKIT_WDFOBJECT_H */
