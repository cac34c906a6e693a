#define NDIS630 1
#include <ndis.h>
