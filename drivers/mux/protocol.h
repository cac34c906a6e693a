/*
 * protocol.h - the binding to the lower adapters (protocol.c).
 */
#ifndef MUX_PROTOCOL_H
#define MUX_PROTOCOL_H

#include "mux.h"

/* The binding layer's callbacks for mux's protocol edge. */
extern const NK_PROTOCOL_CALLBACKS MuxProtocolCallbacks;

#endif
