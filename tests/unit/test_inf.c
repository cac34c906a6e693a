/*
 * test_inf.c - `ndiskit inf stamp` (tools/ndiskit/inf.c): DriverVer set or
 * replaced in [Version] whatever its case and spacing, $ARCH$ and
 * $KMDFVERSION$ replaced everywhere, other $...$ kept, line endings kept,
 * stamping twice is stable, `;` comments (outside quoted strings) kept as
 * written, bad dates, versions, architectures, KMDF versions and templates
 * refused; and through the command: SOURCE_DATE_EPOCH, no output on
 * failure, and every error naming the template.
 */
#include "inf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

static const INF_STAMP Stamp = {"11/24/2026", "1.2.3.4", "amd64", "1.15"};

static char *Run(const char *template, const INF_STAMP *s)
{
    char *out = NULL, err[256];
    size_t len;
    if (inf_stamp(template, strlen(template), s, &out, &len, err, sizeof(err)) != 0)
        return NULL;
    assert_int_equal(strlen(out), len);
    return out;
}

static void test_replaces_and_adds_driver_ver(void **state)
{
    char *out;
    (void)state;

    out = Run("; comment\n[version]\nSignature = \"$Windows NT$\"\n  driverver=01/01/2000,0.0.0.1\nClass=Net\n"
              "[Install.NT$ARCH$]\nKmdfLibraryVersion = $KMDFVERSION$\n",
              &Stamp);
    assert_non_null(out);
    assert_string_equal(out, "; comment\n[version]\nSignature = \"$Windows NT$\"\nDriverVer = 11/24/2026,1.2.3.4\n"
                             "Class=Net\n[Install.NTamd64]\nKmdfLibraryVersion = 1.15\n");
    free(out);

    /* No DriverVer: added at the end of [Version] (here, before the next section). */
    out = Run("[Version]\r\nClass=Net\r\n\r\n[Other]\r\nX=$ARCH$\r\n", &Stamp);
    assert_string_equal(out, "[Version]\r\nClass=Net\r\n\r\nDriverVer = 11/24/2026,1.2.3.4\r\n[Other]\r\nX=amd64\r\n");
    free(out);

    /* [Version] last, no final newline. */
    out = Run("[Version]\nClass=Net", &Stamp);
    assert_string_equal(out, "[Version]\nClass=Net\nDriverVer = 11/24/2026,1.2.3.4\n");
    free(out);
}

static void test_stamping_twice_is_stable(void **state)
{
    char *once, *twice;
    (void)state;
    once = Run("[Version]\r\nSignature=\"$Windows NT$\"\r\n[S.NT$ARCH$]\r\n", &Stamp);
    twice = Run(once, &Stamp);
    assert_string_equal(once, twice);
    free(once);
    free(twice);

    /* Extra CRs before a line end (found by fuzz_inf) are dropped, not
     * peeled off one per stamping. */
    once = Run("[Version]\r\r\r\nX=1\r\r\nY=2\r\r", &Stamp);
    assert_string_equal(once, "[Version]\r\nX=1\r\nY=2\r\nDriverVer = 11/24/2026,1.2.3.4\r\n");
    twice = Run(once, &Stamp);
    assert_string_equal(once, twice);
    free(once);
    free(twice);
}

static void test_refusals(void **state)
{
    static const char *badDates[] = {"1/2/2026", "13/01/2026", "02/29/2027", "04/31/2026", "11/24/1979",
                                     "11-24-2026", "11/24/2026x", ""};
    static const char *badVersions[] = {"1.2.3", "1.2.3.4.5", "1.2.3.65536", "1..3.4", "1.2.3.", "a.b.c.d", ""};
    char *out = (char *)1, err[256];
    size_t len;
    (void)state;

    for (size_t i = 0; i < sizeof(badDates) / sizeof(badDates[0]); i++) {
        INF_STAMP s = Stamp;
        s.date = badDates[i];
        assert_int_equal(inf_stamp("[Version]\n", 10, &s, &out, &len, err, sizeof(err)), -1);
        assert_null(out);
        assert_non_null(strstr(err, "bad date"));
    }
    {
        INF_STAMP s = Stamp;
        int m, d, y;
        s.date = "02/29/2024"; /* a leap day is fine */
        out = Run("[Version]\n", &s);
        assert_non_null(out);
        free(out);
        assert_int_equal(inf_parse_date("12/31/2099", &m, &d, &y), 0);
    }
    for (size_t i = 0; i < sizeof(badVersions) / sizeof(badVersions[0]); i++) {
        INF_STAMP s = Stamp;
        s.version = badVersions[i];
        assert_int_equal(inf_stamp("[Version]\n", 10, &s, &out, &len, err, sizeof(err)), -1);
        assert_non_null(strstr(err, "bad version"));
    }
    assert_int_equal(inf_stamp("[Strings]\nA=b\n", 14, &Stamp, &out, &len, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "no [Version]"));
    assert_int_equal(inf_stamp("[Version]\n\0x", 12, &Stamp, &out, &len, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "NUL"));
}

/* stampinf's -a values (the INF platform extensions) and -k MAJOR.MINOR. */
static void test_arch_and_kmdf(void **state)
{
    static const char *goodArches[] = {"x86", "amd64", "arm", "arm64", "ia64"};
    static const char *badArches[] = {"x64", "AMD64", "amd64 ", "", "$ARCH$", "mips"};
    static const char *goodKmdf[] = {"1.15", "1.0", "1.33", "2.0", "10.999"};
    static const char *badKmdf[] = {"1", "1.", ".15", "1.15.0", "01.15", "1.015", "0.1", "1.1234", "123.1", "a.b", "",
                                    "1.15 "};
    char *out = (char *)1, err[256];
    size_t len;
    (void)state;

    for (size_t i = 0; i < sizeof(goodArches) / sizeof(goodArches[0]); i++) {
        INF_STAMP s = Stamp;
        char want[64];
        s.arch = goodArches[i];
        out = Run("[Version]\nX=NT$ARCH$\n", &s);
        assert_non_null(out);
        snprintf(want, sizeof(want), "[Version]\nX=NT%s\nDriverVer = 11/24/2026,1.2.3.4\n", goodArches[i]);
        assert_string_equal(out, want);
        free(out);
    }
    for (size_t i = 0; i < sizeof(badArches) / sizeof(badArches[0]); i++) {
        INF_STAMP s = Stamp;
        s.arch = badArches[i];
        assert_int_equal(inf_stamp("[Version]\n", 10, &s, &out, &len, err, sizeof(err)), -1);
        assert_null(out);
        assert_non_null(strstr(err, "bad architecture"));
        if (i == 0)
            assert_non_null(strstr(err, "x64 is amd64"));
    }
    for (size_t i = 0; i < sizeof(goodKmdf) / sizeof(goodKmdf[0]); i++)
        assert_int_equal(inf_valid_kmdf(goodKmdf[i]), 0);
    for (size_t i = 0; i < sizeof(badKmdf) / sizeof(badKmdf[0]); i++) {
        INF_STAMP s = Stamp;
        s.kmdf = badKmdf[i];
        assert_int_equal(inf_stamp("[Version]\n", 10, &s, &out, &len, err, sizeof(err)), -1);
        assert_non_null(strstr(err, "bad KMDF version"));
    }
}

/* A `;` starts a comment unless it is inside a "quoted string" (where ""
 * is an escaped quote); tokens in comments stay as written. */
static void test_comments_kept(void **state)
{
    char *out;
    (void)state;

    out = Run("; $ARCH$ at the start\n[Version]\nX=$ARCH$ ; was $ARCH$\nD=\"a;$ARCH$\" ; $KMDFVERSION$\n"
              "S=\"say \"\"hi;\"\" $ARCH$\";$ARCH$\n  ;DriverVer=01/01/2000,1.0.0.0\n",
              &Stamp);
    assert_string_equal(out, "; $ARCH$ at the start\n[Version]\nX=amd64 ; was $ARCH$\nD=\"a;amd64\" ; $KMDFVERSION$\n"
                             "S=\"say \"\"hi;\"\" amd64\";$ARCH$\n  ;DriverVer=01/01/2000,1.0.0.0\n"
                             "DriverVer = 11/24/2026,1.2.3.4\n");
    free(out);
}

/* Runs CMD with stderr in a file; returns the exit status and the first
 * line of stderr in line. */
static int RunCommand(const char *cmd, const char *dir, char *line, size_t n)
{
    char full[1536], errPath[300];
    FILE *f;
    int rc;
    snprintf(errPath, sizeof(errPath), "%s/stderr", dir);
    snprintf(full, sizeof(full), "%s 2>%s", cmd, errPath);
    rc = system(full);
    f = fopen(errPath, "r");
    assert_non_null(f);
    if (fgets(line, (int)n, f) == NULL)
        line[0] = '\0';
    fclose(f);
    unlink(errPath);
    return WEXITSTATUS(rc);
}

/* Every error of the command names the template; bad values exit 1. */
static void test_command_errors_name_the_file(void **state)
{
    char dir[] = "/tmp/ndiskit-inf-XXXXXX", in[256], out[256], cmd[1024], line[512];
    FILE *f;
    (void)state;

    assert_non_null(mkdtemp(dir));
    snprintf(in, sizeof(in), "%s/t.inx", dir);
    snprintf(out, sizeof(out), "%s/t.inf", dir);
    f = fopen(in, "w");
    fputs("[Version]\nClass=Net\n", f);
    fclose(f);
    static const char *bad[] = {"--arch x64", "--kmdf 1", "--date 13/01/2026", "--version 1.2.3"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(cmd, sizeof(cmd), "%s inf stamp %s -o %s %s", NDISKIT_TOOL, in, out, bad[i]);
        assert_int_equal(RunCommand(cmd, dir, line, sizeof(line)), 1);
        assert_non_null(strstr(line, in));
        assert_int_equal(access(out, F_OK), -1);
    }
    snprintf(cmd, sizeof(cmd), "%s inf stamp %s/missing.inx -o %s", NDISKIT_TOOL, dir, out);
    assert_int_equal(RunCommand(cmd, dir, line, sizeof(line)), 1);
    assert_non_null(strstr(line, "missing.inx: cannot open"));
    snprintf(cmd, sizeof(cmd), "%s inf stamp %s -o %s/no/such/dir.inf", NDISKIT_TOOL, in, dir);
    assert_int_equal(RunCommand(cmd, dir, line, sizeof(line)), 1);
    assert_non_null(strstr(line, in));
    assert_non_null(strstr(line, "cannot write"));
    snprintf(cmd, sizeof(cmd), "SOURCE_DATE_EPOCH=soon %s inf stamp %s -o %s", NDISKIT_TOOL, in, out);
    assert_int_equal(RunCommand(cmd, dir, line, sizeof(line)), 1);
    assert_non_null(strstr(line, in));
    unlink(in);
    rmdir(dir);
}

/* The command: SOURCE_DATE_EPOCH sets the date; a refused template leaves
 * no output file behind (and an existing one untouched). */
static void test_command(void **state)
{
    char dir[] = "/tmp/ndiskit-inf-XXXXXX", in[256], out[256], cmd[1024], text[512];
    FILE *f;
    size_t n;
    (void)state;

    assert_non_null(mkdtemp(dir));
    snprintf(in, sizeof(in), "%s/t.inx", dir);
    snprintf(out, sizeof(out), "%s/t.inf", dir);
    f = fopen(in, "w");
    fputs("[Version]\nClass=Net\n", f);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "SOURCE_DATE_EPOCH=1764000000 %s inf stamp %s -o %s --version 2.0.0.7", NDISKIT_TOOL,
             in, out);
    assert_int_equal(system(cmd), 0);
    f = fopen(out, "r");
    n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    assert_string_equal(text, "[Version]\nClass=Net\nDriverVer = 11/24/2025,2.0.0.7\n");

    snprintf(cmd, sizeof(cmd), "%s inf stamp %s -o %s --date 02/30/2026 2>/dev/null", NDISKIT_TOOL, in, out);
    assert_int_not_equal(system(cmd), 0);
    f = fopen(out, "r");
    n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    assert_non_null(strstr(text, "2.0.0.7"));          /* the old output, untouched */
    unlink(out);
    assert_int_not_equal(system(cmd), 0);
    assert_int_equal(access(out, F_OK), -1);           /* and none written */
    unlink(in);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replaces_and_adds_driver_ver),
        cmocka_unit_test(test_stamping_twice_is_stable),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_command),
        cmocka_unit_test(test_arch_and_kmdf),
        cmocka_unit_test(test_comments_kept),
        cmocka_unit_test(test_command_errors_name_the_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
