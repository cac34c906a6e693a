/*
 * host_cli.h - the `ndiskit host` command family (host_cli.c).
 */
#ifndef NDISKIT_HOST_CLI_H
#define NDISKIT_HOST_CLI_H

#include <stdio.h>

int host_command(int argc, char **argv);
void host_usage(FILE *out);

#endif
