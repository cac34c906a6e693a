#define NDIS680 1
#include <ndis.h>
