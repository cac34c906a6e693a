/*
 * main.c - `ndiskit <command> ...`: dispatch to the command families.
 *
 * Each family (`image`, `host`, `inf`) is one entry in the
 * table below with its own argument parsing, so adding one touches nothing
 * else.  Exit status 2 means a usage error here, as it does for "could not
 * read the input" in every command.
 */
#include <stdio.h>
#include <string.h>

#include "host_cli.h"
#include "image.h"
#include "inf.h"

#ifndef NDISKIT_VERSION
#define NDISKIT_VERSION "0.1.0"
#endif

struct command {
    const char *name;
    int (*run)(int argc, char **argv); /* argv[0] is the first word after the command */
    void (*usage)(FILE *out);
    const char *summary;
};

static const struct command commands[] = {
    {"image", image_command, image_usage, "check, fix and dump Windows kernel images (PE32/PE32+)"},
    {"host", host_command, host_usage, "run a driver under the host kernel and serve its devices"},
    {"inf", inf_command, inf_usage, "stamp INF templates (DriverVer, $ARCH$, $KMDFVERSION$)"},
};

static void usage(FILE *out)
{
    fputs("usage: ndiskit <command> [arguments]\n"
          "       ndiskit help [command] | --help | --version\n\ncommands:\n",
          out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fputc('\n', out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        commands[i].usage(out);
}

static const struct command *find(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0) {
        printf("ndiskit %s\n", NDISKIT_VERSION);
        return 0;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        const struct command *c = argc > 2 ? find(argv[2]) : NULL;
        if (c)
            c->usage(stdout);
        else
            usage(stdout);
        return 0;
    }
    const struct command *c = find(cmd);
    if (!c) {
        fprintf(stderr, "ndiskit: unknown command '%s'\n", cmd);
        usage(stderr);
        return 2;
    }
    return c->run(argc - 2, argv + 2);
}
