/*
 * winsock.h - the byte-order helpers (htons, ntohs, htonl, ntohl) that
 * driver test tools take from Winsock to build and read frames.  Sockets
 * themselves are not offered: a Linux tool uses the platform's.
 */
#ifndef NDISKIT_CLIENT_WINSOCK_H
#define NDISKIT_CLIENT_WINSOCK_H

#include <windows.h>

#include <arpa/inet.h>

#endif
