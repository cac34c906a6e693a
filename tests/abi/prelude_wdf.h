#include <ntddk.h>
#include <wdf.h>
#include <wdfldr.h>
