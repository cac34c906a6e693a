/*
 * host_config.h - `ndiskit host run --config FILE`: the registry values the
 * drivers will read, in a small INI-like text format (the grammar is in
 * host_config.c and `ndiskit help host`).
 *
 * Plain C11, no NT headers: the file is read and checked here completely -
 * every section resolved to its key path, every value converted to the
 * bytes the registry stores - before the host kernel sees any of it, so a
 * bad file applies nothing.  host_cli.c then stores each value with
 * NkHostRegistrySetValue.
 *
 *     struct host_config cfg;
 *     if (host_config_parse(text, size, &cfg, &line, err, sizeof err) != 0 ||
 *         host_config_resolve(&cfg, &names, &line, err, sizeof err) != 0)
 *         fprintf(stderr, "%s:%u: %s\n", file, line, err);
 */
#ifndef NDISKIT_HOST_CONFIG_H
#define NDISKIT_HOST_CONFIG_H

#include <stddef.h>
#include <stdint.h>

/* Where a driver's service key lives: its RegistryPath is this + its
 * service name. */
#define HOST_CONFIG_SERVICES_KEY "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\"

/* Limits: a line's bytes (without its end), a key path's and a value
 * name's characters (the host registry's), a service, adapter or instance
 * name's characters. */
#define HOST_CONFIG_MAX_LINE 4096
#define HOST_CONFIG_MAX_PATH 511
#define HOST_CONFIG_MAX_VALUE_NAME 127
#define HOST_CONFIG_MAX_NAME 255

/* The registry types (winnt.h's REG_* numbers). */
#define HOST_CONFIG_REG_SZ 1u
#define HOST_CONFIG_REG_BINARY 3u
#define HOST_CONFIG_REG_DWORD 4u
#define HOST_CONFIG_REG_MULTI_SZ 7u

enum host_config_kind {
    HOST_CONFIG_SERVICE,  /* [service NAME]: Services\NAME\Parameters */
    HOST_CONFIG_BINDING,  /* [binding NAME ADAPTER]: ...\Parameters\Adapters\<adapter key> */
    HOST_CONFIG_INSTANCE, /* [instance \Device\{GUID}]: <net class key>\{GUID} */
    HOST_CONFIG_KEY,      /* [key \Registry\...]: that key */
};

struct host_config_value {
    char *name;             /* printable ASCII */
    uint32_t type;          /* HOST_CONFIG_REG_* */
    uint8_t *data;          /* as the registry stores it: DWORD little-endian, strings UTF-16LE, NUL-terminated */
    size_t length;
    unsigned line;
};

struct host_config_section {
    enum host_config_kind kind;
    char *name;             /* the service, the instance, or the key path */
    char *adapter;          /* [binding]: the --adapter / --loopback name; otherwise NULL */
    char *path;             /* the key's full path, once resolved; otherwise NULL */
    unsigned line;          /* of its header */
    struct host_config_value *values;
    size_t count, capacity;
};

struct host_config {
    struct host_config_section *sections; /* in file order; a key named twice is two sections */
    size_t count, capacity;
};

/* Parses the Size bytes at Text (not NUL-terminated; any bytes at all).
 * 0 with *Config filled (free it with host_config_free), or -1 with
 * *Config empty, *Line the line at fault (0: none) and the reason in Err. */
int host_config_parse(const char *Text, size_t Size, struct host_config *Config, unsigned *Line, char *Err,
                      size_t ErrLength);

/* What resolving needs from the run: the network class key (ASCII), and
 * the key of each adapter - the last component of its NDIS name - by the
 * name given to --adapter or --loopback. */
struct host_config_adapter {
    const char *arg;        /* as on the command line */
    const char *key;        /* e.g. "{NKPACKET-veth0}" */
};
struct host_config_names {
    const char *class_key;
    const struct host_config_adapter *adapters;
    size_t adapter_count;
};

/* Sets every section's path, checks its length, and refuses a value set
 * twice for one key, whatever the sections that named it.  0, or -1 with
 * *Line and Err as for host_config_parse. */
int host_config_resolve(struct host_config *Config, const struct host_config_names *Names, unsigned *Line,
                        char *Err, size_t ErrLength);

/* Reads File whole and parses it: as host_config_parse, the errors of
 * reading it included (with *Line 0). */
int host_config_load(const char *File, struct host_config *Config, unsigned *Line, char *Err, size_t ErrLength);

void host_config_free(struct host_config *Config);

/* ---- the host kernel's side (host_config_apply.c, linked with it) ----------- */

/* NK_HOST_NET_CLASS_KEY in ASCII, for host_config_names.class_key. */
const char *host_config_class_key(void);

/* The key of the adapter `--adapter Arg` (Loopback false) or `--loopback
 * Arg` adds - the last component of the NDIS name the host gives it - in
 * Key (Capacity bytes).  0, or -1 if Arg makes no adapter name. */
int host_config_adapter_key(const char *Arg, int Loopback, char *Key, size_t Capacity);

/* Stores every value of the resolved Config with NkHostRegistrySetValue,
 * in file order.  0, or -1 with the line and the reason (the host
 * registry refused a value) in *Line and Err. */
int host_config_apply(const struct host_config *Config, unsigned *Line, char *Err, size_t ErrLength);

#endif
