/*
 * ntpath_check.c - compares the client library's Win32 -> NT path table
 * (host/client/ntpath_table.h) with Wine, whose path rules follow
 * Windows': every NT path with ntdll's RtlDosPathNameToNtPathName_U, every
 * early failure with the error kernelbase's CreateFileA sets (in an empty
 * scratch directory, so no relative name exists).
 */
#include <windows.h>
#include <stdio.h>

#include "ntpath_table.h"

typedef struct {
    USHORT Length;
    USHORT MaximumLength;
    PWSTR Buffer;
} NK_UNICODE_STRING;
typedef BOOLEAN(WINAPI *DOS_TO_NT)(PCWSTR, NK_UNICODE_STRING *, PWSTR *, void *);
typedef VOID(WINAPI *FREE_STRING)(NK_UNICODE_STRING *);

int main(void)
{
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    DOS_TO_NT convert = (DOS_TO_NT)(void *)GetProcAddress(ntdll, "RtlDosPathNameToNtPathName_U");
    FREE_STRING release = (FREE_STRING)(void *)GetProcAddress(ntdll, "RtlFreeUnicodeString");
    char dir[MAX_PATH];
    int rows = 0, checked = 0, bad = 0;

    if (convert == NULL || release == NULL) {
        printf("FAIL ntdll!RtlDosPathNameToNtPathName_U not found\n");
        return 1;
    }
    /* Relative names resolve in an empty directory of our own. */
    if (GetTempPathA(sizeof(dir), dir) == 0 || !SetCurrentDirectoryA(dir)) {
        printf("FAIL no temporary directory\n");
        return 1;
    }
    snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir), "ndiskit-ntpath-%lu", GetCurrentProcessId());
    if (!CreateDirectoryA(dir, NULL) || !SetCurrentDirectoryA(dir)) {
        printf("FAIL cannot make %s\n", dir);
        return 1;
    }

#define ROW(path, nt, error, wine) {path, nt, error, wine},
    static const struct {
        const char *Path;
        const char *Nt;
        DWORD Error;
        int Wine;
    } table[] = {NK_NTPATH_TABLE(ROW)};
#undef ROW

    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        rows++;
        if (!table[i].Wine)
            continue;
        checked++;
        if (table[i].Nt != NULL) {
            WCHAR w[256];
            char got[512] = "(conversion failed)";
            NK_UNICODE_STRING u = {0, 0, NULL};
            MultiByteToWideChar(CP_ACP, 0, table[i].Path, -1, w, 256);
            if (convert(w, &u, NULL, NULL)) {
                int k = WideCharToMultiByte(CP_ACP, 0, u.Buffer, u.Length / 2, got, 511, NULL, NULL);
                got[k] = '\0';
                release(&u);
            }
            if (strcmp(got, table[i].Nt) != 0) {
                printf("FAIL \"%s\": table says %s, ntdll says %s\n", table[i].Path, table[i].Nt, got);
                bad++;
            }
        } else {
            HANDLE h = CreateFileA(table[i].Path, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
            DWORD e = GetLastError();
            if (h != INVALID_HANDLE_VALUE) {
                CloseHandle(h);
                e = 0;
            }
            if (e != table[i].Error) {
                printf("FAIL \"%s\": table says error %lu, CreateFileA gives %lu\n", table[i].Path,
                       (unsigned long)table[i].Error, (unsigned long)e);
                bad++;
            }
        }
    }

    SetCurrentDirectoryA("..");
    RemoveDirectoryA(dir);
    printf("%d rows, %d checked against Wine, %d differ\n", rows, checked, bad);
    return bad != 0;
}
