/*
 * fuzz_host_config.c - libFuzzer harness over `ndiskit host run --config`'s
 * parser and resolver (tools/ndiskit/host_config.c): the first byte's low
 * bit picks whether the run has adapters veth0 and wire0 (what [binding]
 * sections may name), the rest is the file, any bytes.  A refusal
 * must leave nothing and name a line within the file with a reason; an
 * accepted file's values must be well formed (a DWORD is 4 bytes, strings
 * are whole UTF-16 units ending in a NUL, paths within the limit).  Any
 * crash, leak, sanitizer report or broken invariant is a finding.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_config.h"

static void Invariant(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_host_config: invariant broken: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct host_config_adapter adapters[] = {{"veth0", "{NKPACKET-veth0}"}, {"wire0", "wire0"}};
    static struct host_config_names names = {
        "\\Registry\\Machine\\System\\CurrentControlSet\\Control\\Class\\{4d36e972-e325-11ce-bfc1-08002be10318}",
        adapters, 2};
    struct host_config cfg;
    char err[256];
    unsigned line, lines = 1;

    if (size == 0)
        return 0;
    names.adapter_count = (data[0] & 1) ? 0 : 2;
    data++;
    size--;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    err[0] = '\0';
    if (host_config_parse((const char *)data, size, &cfg, &line, err, sizeof(err)) != 0) {
        Invariant(cfg.count == 0 && cfg.sections == NULL, "a refusal leaves nothing");
        Invariant(line >= 1 && line <= lines, "a refusal names a line of the file");
        Invariant(err[0] != '\0', "a refusal says why");
        return 0;
    }
    if (host_config_resolve(&cfg, &names, &line, err, sizeof(err)) == 0) {
        for (size_t i = 0; i < cfg.count; i++) {
            const struct host_config_section *s = &cfg.sections[i];
            Invariant(s->path != NULL && strlen(s->path) <= HOST_CONFIG_MAX_PATH, "paths are resolved and fit");
            for (size_t j = 0; j < s->count; j++) {
                const struct host_config_value *v = &s->values[j];
                Invariant(v->name[0] != '\0' && strlen(v->name) <= HOST_CONFIG_MAX_VALUE_NAME, "names fit");
                if (v->type == HOST_CONFIG_REG_DWORD)
                    Invariant(v->length == 4, "a DWORD is 4 bytes");
                else if (v->type == HOST_CONFIG_REG_SZ || v->type == HOST_CONFIG_REG_MULTI_SZ)
                    Invariant(v->length >= 2 && v->length % 2 == 0 && v->data[v->length - 1] == 0 &&
                                  v->data[v->length - 2] == 0,
                              "strings are UTF-16 ending in a NUL");
                else
                    Invariant(v->type == HOST_CONFIG_REG_BINARY, "a known type");
            }
        }
    } else {
        Invariant(line >= 1 && line <= lines && err[0] != '\0', "a resolve refusal names a line and says why");
    }
    host_config_free(&cfg);
    return 0;
}
