/*
 * test_host_config.c - `ndiskit host run --config` (tools/ndiskit/host_config.c
 * and host_config_apply.c): every value type and the bytes the registry
 * gets; comments, blanks, CRLF, a BOM, an empty file; every error with its
 * line (unknown sections, bad and out-of-range values, overlong lines and
 * paths, NUL and control bytes, broken UTF-8, a value set twice for one
 * key through any sections); a megabyte of garbage and a megabyte of
 * values; the keys each section resolves to; and a configuration stored
 * in the host registry, read back as a driver would find it.
 */
#include <ntddk.h>
#include <nkhost.h>

#include "host_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#define SERVICES HOST_CONFIG_SERVICES_KEY

static const struct host_config_adapter Adapters[] = {{"veth0", "{NKPACKET-veth0}"}, {"wire0", "wire0"}};
static const struct host_config_names Names = {"\\Registry\\Machine\\Class", Adapters, 2};

/* Parses and resolves Text: 0, or -1 with *Line and Err. */
static int Parse(const char *Text, size_t Size, struct host_config *Config, unsigned *Line, char *Err)
{
    if (host_config_parse(Text, Size, Config, Line, Err, 256) != 0)
        return -1;
    if (host_config_resolve(Config, &Names, Line, Err, 256) != 0) {
        host_config_free(Config);
        return -1;
    }
    return 0;
}

static void ParseOk(const char *Text, struct host_config *Config)
{
    char err[256];
    unsigned line;
    if (Parse(Text, strlen(Text), Config, &line, err) != 0)
        fail_msg("refused at line %u: %s\n%s", line, err, Text);
}

/* Text is refused at Line, saying Needle. */
static void Refused(const char *Text, size_t Size, unsigned Line, const char *Needle)
{
    struct host_config cfg;
    char err[256];
    unsigned line = 12345;
    if (Parse(Text, Size, &cfg, &line, err) == 0) {
        host_config_free(&cfg);
        fail_msg("accepted: %.*s", (int)(Size > 200 ? 200 : Size), Text);
    }
    assert_null(cfg.sections);
    assert_int_equal(cfg.count, 0);
    if (line != Line || strstr(err, Needle) == NULL)
        fail_msg("%.*s\nwant line %u: '%s'; got line %u: '%s'", (int)(Size > 200 ? 200 : Size), Text, Line, Needle,
                 line, err);
}

#define REFUSED(text, line, needle) Refused(text, sizeof(text) - 1, line, needle)

static const struct host_config_value *Value(const struct host_config *Config, size_t Section, const char *Name)
{
    assert_true(Section < Config->count);
    for (size_t i = 0; i < Config->sections[Section].count; i++)
        if (strcmp(Config->sections[Section].values[i].name, Name) == 0)
            return &Config->sections[Section].values[i];
    fail_msg("no value %s in section %zu", Name, Section);
    return NULL;
}

static void ExpectValue(const struct host_config *Config, size_t Section, const char *Name, uint32_t Type,
                        const void *Data, size_t Length)
{
    const struct host_config_value *v = Value(Config, Section, Name);
    assert_int_equal(v->type, Type);
    assert_int_equal(v->length, Length);
    if (Length != 0)
        assert_memory_equal(v->data, Data, Length);
}

#define DWORD_LE(v) (uint8_t[]){(uint8_t)(v), (uint8_t)((v) >> 8), (uint8_t)((v) >> 16), (uint8_t)((v) >> 24)}

static void test_value_types(void **state)
{
    struct host_config cfg;
    (void)state;

    ParseOk("[service mux]\n"
            "Zero = 0\n"
            "Ten = 10\n"
            "Max = 4294967295\n"
            "Hex = 0x1F\n"
            "HexMax = 0XffffFFFF\n"
            "Padded = 0x0000000a\n"
            "Bare = 02-00-00-00-00-0A\n"
            "Path = \\Device\\{A1}\n"
            "Spaced =   some text here   \n"
            "Quoted = \"a, b; c # d\"\n"
            "Quote = \"say \"\"hi\"\"\"\n"
            "Empty = \"\"\n"
            "NumberText = \"010\"\n"
            "Utf8 = h\xC3\xA9\xF0\x9F\x98\x80\n"
            "Multi = multi: \\Device\\{A1}, \"b, c\" ,d\n"
            "One = multi: only\n"
            "None = multi:\n"
            "Blob = hex: 01,0a, FF\n"
            "NoBytes = hex:\n",
            &cfg);
    assert_int_equal(cfg.count, 1);
    assert_string_equal(cfg.sections[0].path, SERVICES "mux\\Parameters");
    ExpectValue(&cfg, 0, "Zero", HOST_CONFIG_REG_DWORD, DWORD_LE(0u), 4);
    ExpectValue(&cfg, 0, "Ten", HOST_CONFIG_REG_DWORD, DWORD_LE(10u), 4);
    ExpectValue(&cfg, 0, "Max", HOST_CONFIG_REG_DWORD, DWORD_LE(0xFFFFFFFFu), 4);
    ExpectValue(&cfg, 0, "Hex", HOST_CONFIG_REG_DWORD, DWORD_LE(0x1Fu), 4);
    ExpectValue(&cfg, 0, "HexMax", HOST_CONFIG_REG_DWORD, DWORD_LE(0xFFFFFFFFu), 4);
    ExpectValue(&cfg, 0, "Padded", HOST_CONFIG_REG_DWORD, DWORD_LE(10u), 4);
    ExpectValue(&cfg, 0, "Bare", HOST_CONFIG_REG_SZ, L"02-00-00-00-00-0A", sizeof(L"02-00-00-00-00-0A"));
    ExpectValue(&cfg, 0, "Path", HOST_CONFIG_REG_SZ, L"\\Device\\{A1}", sizeof(L"\\Device\\{A1}"));
    ExpectValue(&cfg, 0, "Spaced", HOST_CONFIG_REG_SZ, L"some text here", sizeof(L"some text here"));
    ExpectValue(&cfg, 0, "Quoted", HOST_CONFIG_REG_SZ, L"a, b; c # d", sizeof(L"a, b; c # d"));
    ExpectValue(&cfg, 0, "Quote", HOST_CONFIG_REG_SZ, L"say \"hi\"", sizeof(L"say \"hi\""));
    ExpectValue(&cfg, 0, "Empty", HOST_CONFIG_REG_SZ, L"", sizeof(L""));
    ExpectValue(&cfg, 0, "NumberText", HOST_CONFIG_REG_SZ, L"010", sizeof(L"010"));
    /* U+00E9, then U+1F600 as a surrogate pair. */
    ExpectValue(&cfg, 0, "Utf8", HOST_CONFIG_REG_SZ, (uint8_t[]){'h', 0, 0xE9, 0, 0x3D, 0xD8, 0x00, 0xDE, 0, 0}, 10);
    ExpectValue(&cfg, 0, "Multi", HOST_CONFIG_REG_MULTI_SZ, L"\\Device\\{A1}\0b, c\0d\0",
                sizeof(L"\\Device\\{A1}\0b, c\0d\0"));
    ExpectValue(&cfg, 0, "One", HOST_CONFIG_REG_MULTI_SZ, L"only\0", sizeof(L"only\0"));
    ExpectValue(&cfg, 0, "None", HOST_CONFIG_REG_MULTI_SZ, L"", sizeof(L""));
    ExpectValue(&cfg, 0, "Blob", HOST_CONFIG_REG_BINARY, (uint8_t[]){0x01, 0x0A, 0xFF}, 3);
    ExpectValue(&cfg, 0, "NoBytes", HOST_CONFIG_REG_BINARY, NULL, 0);
    host_config_free(&cfg);
}

static void test_sections_resolve(void **state)
{
    struct host_config cfg;
    (void)state;

    ParseOk("[service mux]\nA = 1\n"
            "[binding mux veth0]\nB = 2\n"
            "[binding mux wire0]\nB = 3\n"
            "[instance \\Device\\{A1B2}]\nVlanID = 10\n"
            "[key \\Registry\\Machine\\Software\\X]\nC = 4\n"
            "[service empty]\n",
            &cfg);
    assert_int_equal(cfg.count, 6);
    assert_string_equal(cfg.sections[0].path, SERVICES "mux\\Parameters");
    assert_string_equal(cfg.sections[1].path, SERVICES "mux\\Parameters\\Adapters\\{NKPACKET-veth0}");
    assert_string_equal(cfg.sections[2].path, SERVICES "mux\\Parameters\\Adapters\\wire0");
    assert_string_equal(cfg.sections[3].path, "\\Registry\\Machine\\Class\\{A1B2}");
    assert_string_equal(cfg.sections[4].path, "\\Registry\\Machine\\Software\\X");
    assert_int_equal(cfg.sections[5].count, 0);
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(cfg.sections[i].line, 2 * i + 1);
    assert_int_equal(Value(&cfg, 3, "VlanID")->line, 8);
    host_config_free(&cfg);

    /* A key named twice: its values add up. */
    ParseOk("[service mux]\nA = 1\n[service other]\nA = 1\n[service MUX]\nB = 2\n", &cfg);
    assert_int_equal(cfg.count, 3);
    assert_string_equal(cfg.sections[2].path, SERVICES "MUX\\Parameters");
    host_config_free(&cfg);
}

static void test_layout(void **state)
{
    struct host_config cfg;
    char err[256];
    unsigned line;
    (void)state;

    /* Empty, blank, comment-only. */
    assert_int_equal(Parse("", 0, &cfg, &line, err), 0);
    assert_int_equal(cfg.count, 0);
    host_config_free(&cfg);
    ParseOk("\n\n  \t \n# only a comment\n; another\n", &cfg);
    assert_int_equal(cfg.count, 0);
    host_config_free(&cfg);

    /* CRLF, a BOM, comments after anything, blanks everywhere, no final newline. */
    ParseOk("\xEF\xBB\xBF# header\r\n\r\n  [ service   mux ]  ; a comment\r\n\tA\t=\t1 # one\r\n B = x;y\r\n"
            "C = \"#;\"  ;after\r\nD = 2",
            &cfg);
    assert_int_equal(cfg.count, 1);
    assert_string_equal(cfg.sections[0].name, "mux");
    ExpectValue(&cfg, 0, "A", HOST_CONFIG_REG_DWORD, DWORD_LE(1u), 4);
    ExpectValue(&cfg, 0, "B", HOST_CONFIG_REG_SZ, L"x", sizeof(L"x"));
    ExpectValue(&cfg, 0, "C", HOST_CONFIG_REG_SZ, L"#;", sizeof(L"#;"));
    ExpectValue(&cfg, 0, "D", HOST_CONFIG_REG_DWORD, DWORD_LE(2u), 4);
    assert_int_equal(Value(&cfg, 0, "D")->line, 7);
    host_config_free(&cfg);

    /* Value names with blanks inside; the longest line and names taken. */
    {
        static char text[HOST_CONFIG_MAX_LINE + 64];
        int n = snprintf(text, sizeof(text), "[service s]\nMy Value = 1\n");
        memset(text + n, 'N', HOST_CONFIG_MAX_VALUE_NAME);
        n += HOST_CONFIG_MAX_VALUE_NAME;
        n += snprintf(text + n, sizeof(text) - (size_t)n, " = ");
        memset(text + n, 'v', HOST_CONFIG_MAX_LINE - HOST_CONFIG_MAX_VALUE_NAME - 3);
        n += HOST_CONFIG_MAX_LINE - HOST_CONFIG_MAX_VALUE_NAME - 3;
        text[n++] = '\n';
        assert_int_equal(Parse(text, (size_t)n, &cfg, &line, err), 0);
        ExpectValue(&cfg, 0, "My Value", HOST_CONFIG_REG_DWORD, DWORD_LE(1u), 4);
        host_config_free(&cfg);
        /* One byte more is too long, CRLF or not. */
        memmove(text + n, text + n - 1, 1);
        text[n - 1] = 'v';
        Refused(text, (size_t)n + 1, 3, "line too long (more than 4096 bytes)");
    }
}

static void test_errors_name_their_line(void **state)
{
    (void)state;
    REFUSED("[service a]\n[bogus x]\n", 2, "unknown section kind 'bogus'");
    REFUSED("[Service a]\n", 1, "unknown section kind 'Service'");
    REFUSED("[]\n", 1, "empty section header");
    REFUSED("[service a\n", 1, "no ']'");
    REFUSED("[service a] x\n", 1, "text after the section header");
    REFUSED("[service]\n", 1, "[service] takes a service name");
    REFUSED("[service a b]\n", 1, "[service] takes a service name");
    REFUSED("[binding a]\n", 1, "[binding] takes a service and an adapter");
    REFUSED("[instance]\n", 1, "[instance] takes a device instance name");
    REFUSED("[key]\n", 1, "[key] takes a key path");
    REFUSED("[service a.b]\n", 1, "a service name is letters");
    REFUSED("[binding a x\\y]\n", 1, "an adapter is named as to --adapter");
    REFUSED("[binding a veth1]\n", 1, "no --adapter or --loopback named 'veth1'");
    REFUSED("[instance \\Device\\]\n", 1, "ends with its instance");
    REFUSED("[key \\Software\\X]\n", 1, "a key path starts with \\Registry\\");
    REFUSED("[key \\Registry\\\\X]\n", 1, "empty component");
    REFUSED("[key \\Registry\\X\\]\n", 1, "does not end with '\\'");
    REFUSED("A = 1\n", 1, "a value before any [section]");
    REFUSED("[service a]\njust words\n", 2, "expected 'Name = value'");
    REFUSED("[service a]\n = 1\n", 2, "no value name before '='");
    REFUSED("[service a]\nA\\B = 1\n", 2, "a value name is printable ASCII");
    REFUSED("[service a]\nA =\n", 2, "no value after '='");
    REFUSED("[service a]\nA = # nothing\n", 2, "no value after '='");
    REFUSED("[service a]\n\nA = 4294967296\n", 3, "out of range");
    REFUSED("[service a]\nA = 99999999999999999999999\n", 2, "out of range");
    REFUSED("[service a]\nA = 0x100000000\n", 2, "out of range");
    REFUSED("[service a]\nA = -1\n", 2, "out of range");
    REFUSED("[service a]\nA = 010\n", 2, "leading zero");
    REFUSED("[service a]\nA = 0x\n", 2, "bad hex number");
    REFUSED("[service a]\nA = 0x1G\n", 2, "bad hex number");
    REFUSED("[service a]\nA = a, b\n", 2, "a comma in an unquoted string");
    REFUSED("[service a]\nA = say \"hi\"\n", 2, "a quote inside unquoted");
    REFUSED("[service a]\nA = \"open\n", 2, "unterminated");
    REFUSED("[service a]\nA = \"x\" y\n", 2, "text after the closing quote");
    REFUSED("[service a]\nA = multi: a,\n", 2, "multi: ends with a comma");
    REFUSED("[service a]\nA = multi: a,,b\n", 2, "an empty string in a multi: list");
    REFUSED("[service a]\nA = multi: a, \"\"\n", 2, "an empty string in a multi: list");
    REFUSED("[service a]\nA = multi: \"a\" b\n", 2, "text after the closing quote");
    REFUSED("[service a]\nA = hex: 1,2\n", 2, "two hex digits");
    REFUSED("[service a]\nA = hex: 0102\n", 2, "two hex digits");
    REFUSED("[service a]\nA = hex: zz\n", 2, "two hex digits");
    REFUSED("[service a]\nA = hex: 01,\n", 2, "hex: ends with a comma");
    /* A value set twice for one key: in one section, in a repeated
     * section, whatever the case, or through [key] naming a role's key. */
    REFUSED("[service a]\nA = 1\nB = 2\na = 3\n", 4, "'a' set again for this key (first at line 2)");
    REFUSED("[service a]\nA = 1\n[service b]\nA = 1\n[service A]\nA = 2\n", 6, "first at line 2");
    REFUSED("[binding m wire0]\nX = 1\n[key " SERVICES "m\\Parameters\\Adapters\\WIRE0]\nX = 2\n", 4,
            "'X' set again for this key (first at line 2)");
    /* The first repeat in the file is the one reported. */
    REFUSED("[service a]\nZ = 1\nA = 1\nA = 2\nZ = 3\n", 4, "'A' set again");
    /* Bytes: NUL, control characters, a stray CR, broken UTF-8. */
    REFUSED("[service a]\nA = x\0y\n", 2, "NUL byte (column 6)");
    REFUSED("\0", 1, "NUL byte");
    REFUSED("[service a]\nA = \x1b[31m\n", 2, "control character 0x1B");
    REFUSED("[service a]\rA = 1\n", 1, "control character 0x0D");
    REFUSED("[service a]\nA = 1\r", 2, "control character 0x0D");
    REFUSED("[service a]\nA = \xC3\n", 2, "not UTF-8");
    REFUSED("[service a]\nA = \xC0\xAF\n", 2, "not UTF-8");           /* overlong '/' */
    REFUSED("[service a]\nA = \xED\xA0\x80\n", 2, "not UTF-8");       /* a surrogate */
    REFUSED("[service a]\nA = \xF4\x90\x80\x80\n", 2, "not UTF-8");   /* beyond U+10FFFF */
    REFUSED("[service a]\nA\xC3\xA9 = 1\n", 2, "a value name is printable ASCII");
    REFUSED("[service \xC3\xA9]\n", 1, "a service name is letters");
}

static void test_long_names_and_paths(void **state)
{
    static char text[8192];
    char name[HOST_CONFIG_MAX_NAME + 2];
    int n;
    (void)state;

    memset(name, 'x', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    n = snprintf(text, sizeof(text), "[service %s]\n", name);
    Refused(text, (size_t)n, 1, "name too long (256 characters, at most 255)");
    name[HOST_CONFIG_MAX_NAME] = '\0';
    n = snprintf(text, sizeof(text), "\n[instance \\Device\\%s]\n", name);
    Refused(text, (size_t)n, 2, "name too long (263 characters, at most 255)");
    n = snprintf(text, sizeof(text), "[key \\Registry\\%0*d]\n", HOST_CONFIG_MAX_PATH - 9, 0);
    Refused(text, (size_t)n, 1, "key path too long (512 characters, at most 511)");
    n = snprintf(text, sizeof(text), "[service a]\n%0*d = 1\n", HOST_CONFIG_MAX_VALUE_NAME + 1, 0);
    Refused(text, (size_t)n, 2, "value name too long (128 characters, at most 127)");
}

static void test_megabyte_inputs(void **state)
{
    const size_t size = 1 << 20;
    char *text = malloc(size), err[256];
    struct host_config cfg;
    unsigned line, seed = 12345;
    size_t n = 0;
    (void)state;

    /* Garbage: refused, early, whatever the bytes. */
    assert_non_null(text);
    for (int round = 0; round < 8; round++) {
        for (size_t i = 0; i < size; i++) {
            seed = seed * 1103515245u + 12345u;
            text[i] = (char)(seed >> 16);
        }
        assert_int_equal(Parse(text, size, &cfg, &line, err), -1);
        assert_true(line >= 1);
    }
    /* Printable garbage without newlines: one overlong line. */
    memset(text, 'a', size);
    Refused(text, size, 1, "line too long");

    /* A megabyte of values, each set once, then one set again at the end. */
    n = (size_t)snprintf(text, size, "[service big]\n");
    for (unsigned i = 0; n + 64 < size; i++)
        n += (size_t)snprintf(text + n, size - n, "Value%u = %u\n", i, i);
    assert_int_equal(Parse(text, n, &cfg, &line, err), 0);
    assert_true(cfg.sections[0].count > 50000);
    host_config_free(&cfg);
    n += (size_t)snprintf(text + n, size - n, "value7 = 1\n");
    assert_int_equal(Parse(text, n, &cfg, &line, err), -1);
    assert_non_null(strstr(err, "'value7' set again for this key (first at line 9)"));
    free(text);
}

static void test_load_names_the_file_problem(void **state)
{
    struct host_config cfg;
    char err[256], path[] = "/tmp/ndiskit-test-config-XXXXXX";
    unsigned line = 7;
    int fd;
    (void)state;

    assert_int_equal(host_config_load("/nonexistent/ndiskit.cfg", &cfg, &line, err, sizeof(err)), -1);
    assert_int_equal(line, 0);
    assert_non_null(strstr(err, "No such file or directory"));
    assert_int_equal(host_config_load("/tmp", &cfg, &line, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "not a regular file"));
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "[service a]\r\nA = 1\r\nB = 0x\r\n", 28), 28);
    close(fd);
    assert_int_equal(host_config_load(path, &cfg, &line, err, sizeof(err)), -1);
    assert_int_equal(line, 3);
    assert_non_null(strstr(err, "bad hex number"));
    unlink(path);
}

/* ---- the host's side: names, and the values stored -------------------------------------- */

static void test_host_names(void **state)
{
    char key[64];
    (void)state;

    assert_int_equal(host_config_adapter_key("veth0", 0, key, sizeof(key)), 0);
    assert_string_equal(key, "{NKPACKET-veth0}");
    assert_int_equal(host_config_adapter_key("wire0", 1, key, sizeof(key)), 0);
    assert_string_equal(key, "wire0");
    assert_int_equal(host_config_adapter_key("veth0", 0, key, 8), -1);
    assert_string_equal(host_config_class_key(),
                        "\\Registry\\Machine\\System\\CurrentControlSet\\Control\\Class\\"
                        "{4d36e972-e325-11ce-bfc1-08002be10318}");
}

static void ExpectStored(PCWSTR Key, PCWSTR Name, ULONG Type, const void *Data, ULONG Length)
{
    UCHAR buffer[256];
    ULONG type = 0, length = 0;
    assert_int_equal(NkHostRegistryQueryValue(Key, Name, &type, buffer, sizeof(buffer), &length), STATUS_SUCCESS);
    assert_int_equal(type, Type);
    assert_int_equal(length, Length);
    assert_memory_equal(buffer, Data, Length);
}

static void test_apply_stores_what_drivers_read(void **state)
{
    static const char text[] = "[service mux]\nMode = 3\n"
                               "[binding mux veth0]\nUpperBindings = multi: \\Device\\{A1}, \\Device\\{B2}\n"
                               "[instance \\Device\\{A1}]\nVlanID = 10\nNetworkAddress = 02-00-00-00-00-0A\n"
                               "[key \\Registry\\Machine\\Software\\Nk]\nBlob = hex: de,ad\n";
    char key[64], err[256];
    struct host_config_adapter adapters[1] = {{"veth0", key}};
    struct host_config_names names = {host_config_class_key(), adapters, 1};
    struct host_config cfg;
    unsigned line;
    (void)state;

    assert_int_equal(host_config_adapter_key("veth0", 0, key, sizeof(key)), 0);
    assert_int_equal(host_config_parse(text, sizeof(text) - 1, &cfg, &line, err, sizeof(err)), 0);
    assert_int_equal(host_config_resolve(&cfg, &names, &line, err, sizeof(err)), 0);
    NkHostReset();
    assert_int_equal(host_config_apply(&cfg, &line, err, sizeof(err)), 0);
    host_config_free(&cfg);

    ExpectStored(L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\mux\\Parameters", L"Mode", REG_DWORD,
                 DWORD_LE(3u), 4);
    /* Where NdisOpenConfigurationEx opens mux's binding to the adapter --adapter veth0 adds. */
    {
        WCHAR path[256], adapter[64];
        const WCHAR prefix[] = L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\mux\\Parameters\\Adapters\\";
        size_t n = sizeof(prefix) / sizeof(WCHAR) - 1, k = 0;
        PCWSTR last;
        assert_int_equal(NkHostPacketAdapterName("veth0", adapter, 64), STATUS_SUCCESS);
        last = NkHostAdapterKeyName(adapter);
        memcpy(path, prefix, n * sizeof(WCHAR));
        while (last[k] != 0)
            path[n++] = last[k++];
        path[n] = 0;
        ExpectStored(path, L"UpperBindings", REG_MULTI_SZ, L"\\Device\\{A1}\0\\Device\\{B2}\0",
                     sizeof(L"\\Device\\{A1}\0\\Device\\{B2}\0"));
    }
    ExpectStored(NK_HOST_NET_CLASS_KEY L"\\{A1}", L"VlanID", REG_DWORD, DWORD_LE(10u), 4);
    ExpectStored(NK_HOST_NET_CLASS_KEY L"\\{a1}", L"networkaddress", REG_SZ, L"02-00-00-00-00-0A",
                 sizeof(L"02-00-00-00-00-0A"));
    ExpectStored(L"\\Registry\\Machine\\Software\\Nk", L"Blob", REG_BINARY, (UCHAR[]){0xDE, 0xAD}, 2);
    NkHostReset();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_value_types),
        cmocka_unit_test(test_sections_resolve),
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_errors_name_their_line),
        cmocka_unit_test(test_long_names_and_paths),
        cmocka_unit_test(test_megabyte_inputs),
        cmocka_unit_test(test_load_names_the_file_problem),
        cmocka_unit_test(test_host_names),
        cmocka_unit_test(test_apply_stores_what_drivers_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
