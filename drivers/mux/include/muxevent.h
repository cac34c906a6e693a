/*
 * muxevent.h - what mux's notify object sends with NetEventReconfigure.
 *
 * The notify object (a later issue) adds or removes a VELAN by writing the
 * lower adapter's UpperBindings value and then asking NDIS to reconfigure
 * the mux binding to that adapter, passing a MUX_RECONFIG as the event's
 * buffer.  The registry stays the single source of truth: on any
 * reconfigure the driver rescans UpperBindings and creates the VELANs it
 * lists that do not exist yet and halts those it no longer lists.  The
 * payload says what the sender meant to change, so the driver can log it
 * and report a request the registry does not reflect; an event with no
 * buffer is a plain rescan.  A buffer that is present but malformed
 * (too short, unknown version or operation, a name that is empty or not
 * NUL-terminated within InstanceName) fails the event with
 * NDIS_STATUS_INVALID_DATA and changes nothing.
 */
#ifndef MUXEVENT_H
#define MUXEVENT_H

#define MUX_RECONFIG_VERSION 1

#define MUX_RECONFIG_ADD    1   /* InstanceName was added to UpperBindings */
#define MUX_RECONFIG_REMOVE 2   /* InstanceName was removed from UpperBindings */

#define MUX_RECONFIG_NAME_CHARS 96

typedef struct _MUX_RECONFIG {
    ULONG Version;                                  /* MUX_RECONFIG_VERSION */
    ULONG Operation;                                /* MUX_RECONFIG_ADD / _REMOVE */
    WCHAR InstanceName[MUX_RECONFIG_NAME_CHARS];    /* "\Device\{GUID}", NUL-terminated */
} MUX_RECONFIG, *PMUX_RECONFIG;

#endif
