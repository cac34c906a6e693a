/*
 * DEFINE_GUID with INITGUID defines the GUIDs (select any / weak), warning-
 * free on every compiler; without it, it only declares them.
 */
#define INITGUID
#include <wdmguid.h>

int IsArrival(const GUID *g);
int IsArrival(const GUID *g)
{
    return IsEqualGUID(g, &GUID_DEVICE_INTERFACE_ARRIVAL);
}

C_ASSERT(sizeof(GUID) == 16);
