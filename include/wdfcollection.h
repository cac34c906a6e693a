/*
 * wdfcollection.h - collections: ordered lists of framework objects that
 * hold a reference on each member.
 * Part of <wdf.h>.
 */
#ifndef NDISKIT_WDFCOLLECTION_H
#define NDISKIT_WDFCOLLECTION_H

#ifndef NDISKIT_WDF_H
#error "include <wdf.h>, not <wdfcollection.h>"
#endif

/* BEGIN GENERATED DDIs: scripts/gen-wdf-ddis from scripts/wdf-ddis.txt. */

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFCOLLECTIONCREATE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES CollectionAttributes,
    _Out_ WDFCOLLECTION *Collection);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfCollectionCreate(
    _In_opt_ PWDF_OBJECT_ATTRIBUTES CollectionAttributes,
    _Out_ WDFCOLLECTION *Collection)
{
    return ((PFN_WDFCOLLECTIONCREATE)WdfFunctions[WdfCollectionCreateTableIndex])(WdfDriverGlobals, CollectionAttributes, Collection);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI ULONG (NTAPI *PFN_WDFCOLLECTIONGETCOUNT)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFCOLLECTION Collection);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE ULONG WdfCollectionGetCount(
    _In_ WDFCOLLECTION Collection)
{
    return ((PFN_WDFCOLLECTIONGETCOUNT)WdfFunctions[WdfCollectionGetCountTableIndex])(WdfDriverGlobals, Collection);
}

typedef _Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFCOLLECTIONADD)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFCOLLECTION Collection,
    _In_ WDFOBJECT Object);

_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfCollectionAdd(
    _In_ WDFCOLLECTION Collection,
    _In_ WDFOBJECT Object)
{
    return ((PFN_WDFCOLLECTIONADD)WdfFunctions[WdfCollectionAddTableIndex])(WdfDriverGlobals, Collection, Object);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFCOLLECTIONREMOVE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFCOLLECTION Collection,
    _In_ WDFOBJECT Item);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfCollectionRemove(
    _In_ WDFCOLLECTION Collection,
    _In_ WDFOBJECT Item)
{
    ((PFN_WDFCOLLECTIONREMOVE)WdfFunctions[WdfCollectionRemoveTableIndex])(WdfDriverGlobals, Collection, Item);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFCOLLECTIONREMOVEITEM)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFCOLLECTION Collection,
    _In_ ULONG Index);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfCollectionRemoveItem(
    _In_ WDFCOLLECTION Collection,
    _In_ ULONG Index)
{
    ((PFN_WDFCOLLECTIONREMOVEITEM)WdfFunctions[WdfCollectionRemoveItemTableIndex])(WdfDriverGlobals, Collection, Index);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI WDFOBJECT (NTAPI *PFN_WDFCOLLECTIONGETITEM)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFCOLLECTION Collection,
    _In_ ULONG Index);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE WDFOBJECT WdfCollectionGetItem(
    _In_ WDFCOLLECTION Collection,
    _In_ ULONG Index)
{
    return ((PFN_WDFCOLLECTIONGETITEM)WdfFunctions[WdfCollectionGetItemTableIndex])(WdfDriverGlobals, Collection, Index);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI WDFOBJECT (NTAPI *PFN_WDFCOLLECTIONGETFIRSTITEM)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFCOLLECTION Collection);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE WDFOBJECT WdfCollectionGetFirstItem(
    _In_ WDFCOLLECTION Collection)
{
    return ((PFN_WDFCOLLECTIONGETFIRSTITEM)WdfFunctions[WdfCollectionGetFirstItemTableIndex])(WdfDriverGlobals, Collection);
}

typedef _IRQL_requires_max_(DISPATCH_LEVEL) WDFAPI WDFOBJECT (NTAPI *PFN_WDFCOLLECTIONGETLASTITEM)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFCOLLECTION Collection);

_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE WDFOBJECT WdfCollectionGetLastItem(
    _In_ WDFCOLLECTION Collection)
{
    return ((PFN_WDFCOLLECTIONGETLASTITEM)WdfFunctions[WdfCollectionGetLastItemTableIndex])(WdfDriverGlobals, Collection);
}

/* END GENERATED DDIs */

#endif /* NDISKIT_WDFCOLLECTION_H */
