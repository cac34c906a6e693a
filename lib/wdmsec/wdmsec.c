/*
 * wdmsec.lib: the SDDL_DEVOBJ_* security descriptor strings as a static
 * library of data, which is how the WDK ships them.  ndiskit's own
 * wdmsec.h defines each string itself ("select any"), so drivers built
 * with it need no library; this one is for link lines that name wdmsec.lib
 * (a WDK project's) and for objects compiled against headers that only
 * declare the strings extern.  Both definitions are COMDAT "any", so a
 * driver may have both without a duplicate-symbol error.
 */
#include <wdmsec.h>
