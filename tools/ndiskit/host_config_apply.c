/*
 * host_config_apply.c - the host kernel's side of `ndiskit host run
 * --config` (host_config.h): the names the host gives adapters and the
 * network class key, in the ASCII the parser resolves with, and storing a
 * resolved configuration in the host registry.  Built with the NT headers,
 * as host_cli.c.
 */
#include <ntddk.h>
#include <nkhost.h>

#include "host_config.h"

#include <stdio.h>
#include <string.h>

_Static_assert(HOST_CONFIG_REG_SZ == REG_SZ && HOST_CONFIG_REG_BINARY == REG_BINARY &&
                   HOST_CONFIG_REG_DWORD == REG_DWORD && HOST_CONFIG_REG_MULTI_SZ == REG_MULTI_SZ,
               "the parser's registry types are winnt.h's");

/* Wide to ASCII (Capacity bytes with the NUL); FALSE if it does not fit or is not ASCII. */
static BOOLEAN Narrow(PCWSTR In, char *Out, size_t Capacity)
{
    size_t n = 0;
    for (; In[n] != 0; n++) {
        if (n + 1 >= Capacity || In[n] >= 0x80)
            return FALSE;
        Out[n] = (char)In[n];
    }
    if (Capacity == 0)
        return FALSE;
    Out[n] = '\0';
    return TRUE;
}

/* ASCII to wide (Capacity WCHARs with the NUL); FALSE if it does not fit. */
static BOOLEAN Widen(const char *In, PWCHAR Out, size_t Capacity)
{
    size_t n = strlen(In);
    if (n + 1 > Capacity)
        return FALSE;
    for (size_t i = 0; i <= n; i++)
        Out[i] = (WCHAR)(UCHAR)In[i];
    return TRUE;
}

const char *host_config_class_key(void)
{
    static char key[sizeof(NK_HOST_NET_CLASS_KEY) / sizeof(WCHAR)];
    if (key[0] == '\0' && !Narrow(NK_HOST_NET_CLASS_KEY, key, sizeof(key)))
        return ""; /* cannot happen: the key is ASCII */
    return key;
}

int host_config_adapter_key(const char *Arg, int Loopback, char *Key, size_t Capacity)
{
    WCHAR name[HOST_CONFIG_MAX_NAME + 1];
    /* A loopback adapter is named as given (host_cli.c's AddAdapter). */
    if (Loopback ? !Widen(Arg, name, RTL_NUMBER_OF(name))
                 : !NT_SUCCESS(NkHostPacketAdapterName(Arg, name, RTL_NUMBER_OF(name))))
        return -1;
    return Narrow(NkHostAdapterKeyName(name), Key, Capacity) ? 0 : -1;
}

int host_config_apply(const struct host_config *Config, unsigned *Line, char *Err, size_t ErrLength)
{
    WCHAR path[HOST_CONFIG_MAX_PATH + 1], name[HOST_CONFIG_MAX_VALUE_NAME + 1];

    *Line = 0;
    for (size_t i = 0; i < Config->count; i++) {
        const struct host_config_section *s = &Config->sections[i];
        if (s->path == NULL || !Widen(s->path, path, RTL_NUMBER_OF(path))) {
            *Line = s->line;
            snprintf(Err, ErrLength, "the key is not resolved, or its path is too long");
            return -1;
        }
        for (size_t j = 0; j < s->count; j++) {
            const struct host_config_value *v = &s->values[j];
            NTSTATUS status;
            if (!Widen(v->name, name, RTL_NUMBER_OF(name)) || v->length > MAXULONG)
                status = STATUS_NAME_TOO_LONG;
            else
                status = NkHostRegistrySetValue(path, name, v->type, v->data, (ULONG)v->length);
            if (!NT_SUCCESS(status)) {
                *Line = v->line;
                snprintf(Err, ErrLength, "the host registry refused '%s': NTSTATUS 0x%08X", v->name,
                         (unsigned)status);
                return -1;
            }
        }
    }
    return 0;
}
