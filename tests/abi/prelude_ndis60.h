#define NDIS60 1
#include <ndis.h>
