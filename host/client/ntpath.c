/*
 * ntpath.c - Win32 paths to NT paths, as CreateFile makes them before
 * opening (ntpath.h).
 */
#include "ntpath.h"

#include <string.h>

/* ---- Win32 paths -> NT paths ----------------------------------------------------- */

/* The rules are those of Windows' path normalisation (GetFullPathName,
 * RtlDosPathNameToNtPathName_U) for the paths that can name a device:
 *  - \\?\X (exactly, backslashes) is not normalised: \??\X as written;
 *  - \\.\X, \\?\X spelled with any separators (//./X, //?/X) and \\.\\X:
 *    '/' is '\', runs of separators are one, "." segments go, ".." drops
 *    the segment before it but never the \\.\ root, one trailing '.' of
 *    a segment goes, and the last segment (when the path does not end in
 *    a separator) loses all its trailing dots and spaces; \??\ replaces
 *    the prefix; nothing after it (\\.\, \\.\..) is ERROR_INVALID_NAME.
 *    \\.\Global\X is then \??\Global\X, which the host kernel resolves
 *    as the object manager does.
 * Every other path names a file, and there are no files here.  The table
 * in ntpath_table.h is checked against Wine's ntdll and kernelbase
 * (wine.ntpath_table), whose rules follow Windows'. */
static int IsSeparator(uint16_t c)
{
    return c == '\\' || c == '/';
}

static uint32_t NotAFile(const uint16_t *Path, size_t Units)
{
    size_t i = 0;

    if (Units >= 2 && IsSeparator(Path[0]) && IsSeparator(Path[1]))
        return NK_PATH_BAD_NETPATH; /* \\server\share: no network here */
    if (Units >= 2 && Path[1] == ':')
        i = 2; /* C:\x, C:x */
    while (i < Units && IsSeparator(Path[i]))
        i++; /* the root */
    /* A separator with a name after it: a directory is named too. */
    for (; i + 1 < Units; i++)
        if (IsSeparator(Path[i]) && !IsSeparator(Path[i + 1]))
            return NK_PATH_PATH_NOT_FOUND;
    return NK_PATH_FILE_NOT_FOUND;
}

uint32_t NkWin32PathToNt(const uint16_t *Path, size_t Units, uint16_t *Nt, size_t Capacity, size_t *NtUnits)
{
    static const uint16_t prefix[4] = {'\\', '?', '?', '\\'};
    size_t n = 4, root, i;

    *NtUnits = 0;
    if (Units == 0)
        return NK_PATH_PATH_NOT_FOUND;
    if (Capacity < 4)
        return NK_PATH_FILENAME_EXCED_RANGE;
    memcpy(Nt, prefix, sizeof(prefix));
    if (Units >= 4 && Path[0] == '\\' && Path[1] == '\\' && Path[2] == '?' && Path[3] == '\\') {
        if (Units == 4)
            return NK_PATH_INVALID_NAME; /* \??\ itself: the object manager refuses to open it */
        if (Units > Capacity)
            return NK_PATH_FILENAME_EXCED_RANGE;
        memcpy(Nt + 4, Path + 4, (Units - 4) * sizeof(uint16_t));
        *NtUnits = Units;
        return NK_PATH_OK;
    }
    if (!(Units >= 3 && IsSeparator(Path[0]) && IsSeparator(Path[1]) && (Path[2] == '.' || Path[2] == '?') &&
          (Units == 3 || IsSeparator(Path[3]))))
        return NotAFile(Path, Units);
    root = n;
    for (i = 3; i < Units;) {
        size_t start, end, k;
        while (i < Units && IsSeparator(Path[i]))
            i++;
        if (i == Units)
            break;
        start = i;
        while (i < Units && !IsSeparator(Path[i]))
            i++;
        end = i;
        if (end - start == 1 && Path[start] == '.')
            continue;
        if (end - start == 2 && Path[start] == '.' && Path[start + 1] == '.') {
            /* Back to the previous separator, never above the root. */
            while (n > root && Nt[n - 1] != '\\')
                n--;
            if (n > root)
                n--;
            continue;
        }
        if (i == Units) {
            while (end > start && (Path[end - 1] == '.' || Path[end - 1] == ' '))
                end--;
        } else if (Path[end - 1] == '.') {
            end--; /* one dot only: a... is a.. */
        }
        if (end == start)
            continue;
        if (n + (n > root) + (end - start) > Capacity)
            return NK_PATH_FILENAME_EXCED_RANGE;
        if (n > root)
            Nt[n++] = '\\';
        for (k = start; k < end; k++)
            Nt[n++] = Path[k];
    }
    if (n == root)
        return NK_PATH_INVALID_NAME; /* \\.\ alone is \??\ itself, as above */
    if (IsSeparator(Path[Units - 1])) {
        if (n + 1 > Capacity)
            return NK_PATH_FILENAME_EXCED_RANGE;
        Nt[n++] = '\\';
    }
    *NtUnits = n;
    return NK_PATH_OK;
}
