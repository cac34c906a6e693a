/*
 * image_cli.c - `ndiskit image <check|fix|dump>`: options, files, exit codes.
 *
 * The commands' logic is in image_check.c, image_fix.c and image_dump.c and
 * works on buffers; this file reads the files, writes results atomically
 * and maps outcomes to exit codes:
 *   check: 0 clean (info findings do not count), 1 warnings/errors,
 *          2 a file could not be read or parsed
 *   fix:   0 fixed or already fixed, 1 refused (problems fix must not or
 *          cannot repair; nothing written), 2 unreadable input or I/O error
 *          (nothing written, input unchanged)
 *   dump:  0, or 2 if a file could not be read or parsed
 * With several files the highest status wins.
 */
#define _XOPEN_SOURCE 700

#include "image.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void image_usage(FILE *out)
{
    fputs("usage: ndiskit image check [--json] [--strict] FILE...\n"
          "       ndiskit image fix [-o OUT] [--retpoline=strip|keep-discardable] [-q] FILE...\n"
          "       ndiskit image dump [--json] FILE...\n"
          "\n"
          "  check   lint Windows kernel images (Subsystem NATIVE) against the rules the kernel\n"
          "          loader and the paging rules impose; exit 0 clean, 1 findings, 2 unreadable.\n"
          "          --json     machine-readable output (schema in image_check.c)\n"
          "          --strict   a non-NATIVE image is an error instead of info\n"
          "  fix     repair what check marks fixable: NOT_PAGED on resident sections (and not on\n"
          "          PAGE*), INIT discardable, linker leftovers (.retplne, .00cfg, LNK_INFO)\n"
          "          neutralised, checksum; in place (atomically) unless -o OUT.\n"
          "          exit 0 fixed/already fixed, 1 refused, 2 unreadable or I/O error.\n"
          "          -o OUT     write the result to OUT (one FILE only); FILE is not touched\n"
          "          --retpoline=strip             remove leftovers that end the section table,\n"
          "                                        neutralise the others (default)\n"
          "          --retpoline=keep-discardable  neutralise every leftover in place\n"
          "                                        (discardable read-only initialized data)\n"
          "          -q         print nothing on success\n"
          "  dump    print headers, decoded section flags, imports, exports, relocations, load\n"
          "          config, debug directory, DVRT and .retplne contents.\n"
          "          --json     machine-readable output\n",
          out);
}

/* Shown with every usage error (util.h: git's conventions). */
static const char short_usage[] =
    "usage: ndiskit image check [--json] [--strict] FILE...\n"
    "   or: ndiskit image fix [-o OUT] [--retpoline=strip|keep-discardable] [-q] FILE...\n"
    "   or: ndiskit image dump [--json] FILE...\n";

static void print_parse_error(const char *file, const struct pe_error *e)
{
    fprintf(stderr, "%s: offset 0x%llx: %s\n", file, (unsigned long long)e->offset, e->message);
}

static void json_error(struct json *j, const char *file, bool has_offset, uint64_t offset, const char *msg)
{
    json_begin_object(j);
    json_kv_string(j, "file", file);
    json_kv_string(j, "status", "unreadable");
    json_key(j, "error");
    json_begin_object(j);
    json_key(j, "offset");
    if (has_offset)
        json_uint(j, offset);
    else
        json_null(j);
    json_kv_string(j, "message", msg);
    json_end_object(j);
    json_end_object(j);
}

static int max_rc(int a, int b)
{
    return a > b ? a : b;
}

/* Opens the top-level JSON report that check and dump print. */
static void json_open_report(struct json *j, const char *tool)
{
    json_init(j, stdout);
    json_begin_object(j);
    json_kv_string(j, "tool", tool);
    json_kv_uint(j, "schema", 1);
    json_key(j, "files");
    json_begin_array(j);
}

/* Reads and parses FILE.  On failure reports it (to stderr, and to J when
 * not NULL), frees what it read and returns 2; on success the caller owns
 * *data and *img. */
static int load_image(const char *file, struct json *j, uint8_t **data, struct pe_image *img)
{
    size_t size;
    unsigned mode;
    char err[300];

    *data = NULL;
    if (util_read_file(file, data, &size, &mode, err, sizeof err)) {
        *data = NULL;
        fprintf(stderr, "%s: %s\n", file, err);
        if (j)
            json_error(j, file, false, 0, err);
        return 2;
    }
    if (pe_parse(img, *data, size)) {
        print_parse_error(file, &img->error);
        if (j)
            json_error(j, file, true, img->error.offset, img->error.message);
        free(*data);
        *data = NULL;
        return 2;
    }
    return 0;
}

/* ---- check -------------------------------------------------------------------- */

static int cmd_check(int argc, char **argv)
{
    bool json = false;
    struct check_options opt = {false};
    int nfiles = 0;
    struct cli c = cli_start("ndiskit image check", short_usage, "image", argc, argv);
    while (cli_next(&c)) {
        if (cli_help(&c)) {
            image_usage(stdout);
            return 0;
        } else if (cli_flag(&c, NULL, "--json")) {
            json = true;
        } else if (cli_flag(&c, NULL, "--strict")) {
            opt.strict = true;
        } else if (cli_option(&c)) {
            return cli_unknown_option(&c);
        } else {
            argv[nfiles++] = (char *)c.arg;
        }
    }
    if (nfiles == 0)
        return cli_error(&c, "no FILE given");

    struct json j;
    if (json)
        json_open_report(&j, "ndiskit image check");
    int rc = 0;
    for (int i = 0; i < nfiles; i++) {
        const char *file = argv[i];
        uint8_t *data;
        struct pe_image img;
        if (load_image(file, json ? &j : NULL, &data, &img)) {
            rc = 2;
            continue;
        }
        struct findings f = {0};
        if (image_check(&img, &opt, &f)) {
            fprintf(stderr, "%s: out of memory\n", file);
            rc = 2;
        } else {
            if (json)
                image_check_json_file(&j, file, &img, &f);
            else
                image_check_print_text(stdout, file, &f);
            if (findings_count(&f, SEV_ERROR) + findings_count(&f, SEV_WARNING))
                rc = max_rc(rc, 1);
        }
        findings_free(&f);
        pe_free(&img);
        free(data);
    }
    if (json) {
        json_end_array(&j);
        json_kv_uint(&j, "exit", (uint64_t)rc);
        json_end_object(&j);
        json_finish(&j);
    }
    return rc;
}

/* ---- fix ------------------------------------------------------------------------ */

static int fix_one(const char *file, const char *out_path, const struct fix_options *opt, bool quiet)
{
    uint8_t *data;
    size_t size;
    unsigned mode;
    char err[300];
    if (util_read_file(file, &data, &size, &mode, err, sizeof err)) {
        fprintf(stderr, "%s: %s\n", file, err);
        return 2;
    }
    struct fix_result r;
    image_fix_buffer(data, size, opt, &r);
    int rc = 0;
    switch (r.status) {
    case FIX_ERROR:
        print_parse_error(file, &r.error);
        rc = 2;
        break;
    case FIX_REFUSED:
        if (r.blocking.n) {
            struct findings only = r.blocking;
            for (size_t i = 0; i < only.n; i++) {
                const struct finding *x = &only.v[i];
                fprintf(stderr, "%s: %s %s ", file, severity_name(x->severity), x->rule);
                util_print_escaped(stderr, x->where, sizeof x->where);
                fputs(": ", stderr);
                util_print_escaped(stderr, x->what, sizeof x->what);
                fprintf(stderr, "; %s\n", x->why);
            }
        }
        fprintf(stderr, "%s: not fixed: %s; nothing written\n", file, r.refusal);
        rc = 1;
        break;
    case FIX_CHANGED:
    case FIX_UNCHANGED: {
        /* In place: write next to the real file, not over a symlink. */
        char *real = NULL;
        const char *dest = out_path;
        if (!dest) {
            real = realpath(file, NULL);
            dest = real ? real : file;
        }
        bool write = r.status == FIX_CHANGED || out_path != NULL;
        if (write && util_write_atomic(dest, r.data, r.size, mode, err, sizeof err)) {
            fprintf(stderr, "%s: cannot write %s: %s; nothing written\n", file, out_path ? out_path : file, err);
            rc = 2;
        } else if (!quiet) {
            for (size_t i = 0; i < r.change_count; i++) {
                fprintf(stdout, "%s: ", file);
                util_print_escaped(stdout, r.changes[i], sizeof r.changes[i]);
                fputc('\n', stdout);
            }
            if (r.status == FIX_CHANGED)
                fprintf(stdout, "%s: fixed (%zu change%s), written to %s\n", file, r.change_count,
                        r.change_count == 1 ? "" : "s", out_path ? out_path : file);
            else if (out_path)
                fprintf(stdout, "%s: already fixed; copied unchanged to %s\n", file, out_path);
            else
                fprintf(stdout, "%s: already fixed; not rewritten\n", file);
        }
        for (size_t i = 0; rc == 0 && i < r.remaining.n; i++) {
            const struct finding *x = &r.remaining.v[i];
            fprintf(stderr, "%s: %s %s (not fixable, left for check) ", file, severity_name(x->severity), x->rule);
            util_print_escaped(stderr, x->where, sizeof x->where);
            fputs(": ", stderr);
            util_print_escaped(stderr, x->what, sizeof x->what);
            fputc('\n', stderr);
        }
        free(real);
        break;
    }
    }
    fix_result_free(&r);
    free(data);
    return rc;
}

static int cmd_fix(int argc, char **argv)
{
    struct fix_options opt = {RETPOLINE_STRIP};
    const char *out_path = NULL, *mode;
    bool quiet = false;
    int nfiles = 0, r;
    struct cli c = cli_start("ndiskit image fix", short_usage, "image", argc, argv);
    while (cli_next(&c)) {
        if (cli_help(&c)) {
            image_usage(stdout);
            return 0;
        } else if ((r = cli_value(&c, "-o", "--output", &out_path)) != 0) {
            if (r < 0)
                return 2;
        } else if ((r = cli_value(&c, NULL, "--retpoline", &mode)) != 0) {
            if (r < 0)
                return 2;
            if (strcmp(mode, "strip") == 0)
                opt.retpoline = RETPOLINE_STRIP;
            else if (strcmp(mode, "keep-discardable") == 0)
                opt.retpoline = RETPOLINE_KEEP_DISCARDABLE;
            else
                return cli_error(&c, "bad value '%s' for '--retpoline': want strip or keep-discardable", mode);
        } else if (cli_flag(&c, "-q", "--quiet")) {
            quiet = true;
        } else if (cli_option(&c)) {
            return cli_unknown_option(&c);
        } else {
            argv[nfiles++] = (char *)c.arg;
        }
    }
    if (nfiles == 0)
        return cli_error(&c, "no FILE given");
    if (out_path && nfiles != 1)
        return cli_error(&c, "'-o' takes exactly one FILE (%d given)", nfiles);
    int rc = 0;
    for (int i = 0; i < nfiles; i++)
        rc = max_rc(rc, fix_one(argv[i], out_path, &opt, quiet));
    return rc;
}

/* ---- dump ----------------------------------------------------------------------- */

static int cmd_dump(int argc, char **argv)
{
    bool json = false;
    int nfiles = 0;
    struct cli c = cli_start("ndiskit image dump", short_usage, "image", argc, argv);
    while (cli_next(&c)) {
        if (cli_help(&c)) {
            image_usage(stdout);
            return 0;
        } else if (cli_flag(&c, NULL, "--json")) {
            json = true;
        } else if (cli_option(&c)) {
            return cli_unknown_option(&c);
        } else {
            argv[nfiles++] = (char *)c.arg;
        }
    }
    if (nfiles == 0)
        return cli_error(&c, "no FILE given");
    struct json j;
    if (json)
        json_open_report(&j, "ndiskit image dump");
    int rc = 0;
    for (int i = 0; i < nfiles; i++) {
        const char *file = argv[i];
        uint8_t *data;
        struct pe_image img;
        if (load_image(file, json ? &j : NULL, &data, &img)) {
            rc = 2;
        } else {
            if (json)
                image_dump_json(&j, file, &img);
            else
                image_dump_text(stdout, file, &img);
            pe_free(&img);
        }
        free(data);
    }
    if (json) {
        json_end_array(&j);
        json_end_object(&j);
        json_finish(&j);
    }
    return rc;
}

int image_command(int argc, char **argv)
{
    struct cli c = cli_start("ndiskit image", short_usage, "image", argc, argv);
    if (!cli_next(&c))
        return cli_error(&c, "missing command (check, fix or dump)");
    if (cli_help(&c) || strcmp(c.arg, "help") == 0) {
        image_usage(stdout);
        return 0;
    }
    if (strcmp(c.arg, "check") == 0)
        return cmd_check(argc - c.next, argv + c.next);
    if (strcmp(c.arg, "fix") == 0)
        return cmd_fix(argc - c.next, argv + c.next);
    if (strcmp(c.arg, "dump") == 0)
        return cmd_dump(argc - c.next, argv + c.next);
    return cli_option(&c) ? cli_unknown_option(&c) : cli_unknown_command(&c);
}
