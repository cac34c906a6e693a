/*
 * wdfstring.h - string objects: a UNICODE_STRING whose buffer the framework
 * owns, used to receive names of unknown length.
 * Part of <wdf.h>.
 */
#ifndef NDISKIT_WDFSTRING_H
#define NDISKIT_WDFSTRING_H

#ifndef NDISKIT_WDF_H
#error "include <wdf.h>, not <wdfstring.h>"
#endif

/* BEGIN GENERATED DDIs: scripts/gen-wdf-ddis from scripts/wdf-ddis.txt. */

typedef _Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI NTSTATUS (NTAPI *PFN_WDFSTRINGCREATE)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_opt_ PCUNICODE_STRING UnicodeString,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES StringAttributes,
    _Out_ WDFSTRING *String);

_Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE NTSTATUS WdfStringCreate(
    _In_opt_ PCUNICODE_STRING UnicodeString,
    _In_opt_ PWDF_OBJECT_ATTRIBUTES StringAttributes,
    _Out_ WDFSTRING *String)
{
    return ((PFN_WDFSTRINGCREATE)WdfFunctions[WdfStringCreateTableIndex])(WdfDriverGlobals, UnicodeString, StringAttributes, String);
}

typedef _IRQL_requires_max_(PASSIVE_LEVEL) WDFAPI VOID (NTAPI *PFN_WDFSTRINGGETUNICODESTRING)(
    _In_ PWDF_DRIVER_GLOBALS DriverGlobals,
    _In_ WDFSTRING String,
    _Out_ PUNICODE_STRING UnicodeString);

_IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE VOID WdfStringGetUnicodeString(
    _In_ WDFSTRING String,
    _Out_ PUNICODE_STRING UnicodeString)
{
    ((PFN_WDFSTRINGGETUNICODESTRING)WdfFunctions[WdfStringGetUnicodeStringTableIndex])(WdfDriverGlobals, String, UnicodeString);
}

/* END GENERATED DDIs */

#endif /* NDISKIT_WDFSTRING_H */
