/*
 * main.c - `ndiskit <command> ...`: dispatch to the command families.
 *
 * Each family (`image`, `host`, `inf`) is one entry in the
 * table below with its own argument parsing, so adding one touches nothing
 * else.  Usage errors follow git's conventions at every level (util.h):
 * the short usage and "see 'ndiskit help ...'" on stderr, exit 2; full help
 * on stdout for --help and `ndiskit help [COMMAND]`, exit 0.  Exit status 2
 * also means "could not read the input" in every command.
 */
#include <stdio.h>
#include <string.h>

#include "host_cli.h"
#include "image.h"
#include "inf.h"
#include "util.h"

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

static const char short_usage[] =
    "usage: ndiskit <command> [arguments]    (commands: image, host, inf)\n"
    "       ndiskit help [command] | --help | --version\n";

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
    struct cli c = cli_start("ndiskit", short_usage, NULL, argc - 1, argv + 1);
    if (!cli_next(&c))
        return cli_error(&c, "missing command");
    if (cli_flag(&c, NULL, "--version")) {
        printf("ndiskit %s\n", NDISKIT_VERSION);
        return 0;
    }
    if (cli_help(&c)) {
        usage(stdout);
        return 0;
    }
    if (strcmp(c.arg, "help") == 0) {
        if (!cli_next(&c)) {
            usage(stdout);
            return 0;
        }
        const struct command *topic = find(c.arg);
        if (!topic)
            return cli_unknown_command(&c);
        topic->usage(stdout);
        return 0;
    }
    const struct command *cmd = find(c.arg);
    if (!cmd)
        return cli_option(&c) ? cli_unknown_option(&c) : cli_unknown_command(&c);
    return cmd->run(argc - c.next - 1, argv + c.next + 1);
}
