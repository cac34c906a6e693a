/*
 * imports.c - what a driver .so imports that the host kernel does not
 * export, found before the driver is loaded, so loading fails with the
 * complete list (by module) instead of dlopen's first unresolved symbol or,
 * with lazy binding, a crash at the first call.
 *
 * The .so's imports are its undefined, non-weak dynamic symbols (the ELF
 * .dynsym table; weak ones are optional by definition).  Each is looked up
 * in the running process (dlsym(RTLD_DEFAULT): the host kernel is linked
 * into `ndiskit` whole and exported, with libc and the sanitizer runtime).
 * The module a missing name belongs to comes from the lib/imports .def files, the
 * table of what ntoskrnl.exe, hal.dll, ndis.sys and wdfldr.sys export
 * (generated at build time into nk_import_modules.h); names in none of
 * them are reported under "(unknown)".
 *
 * The file is read with bounds checks on every table: a malformed or
 * truncated image is STATUS_INVALID_IMAGE_FORMAT, never a crash.
 */
#define _GNU_SOURCE 1
#include <ntddk.h>
#include <nkhost.h>

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nk_import_modules.h" /* NK_IMPORT_MODULES: {name, module} pairs, generated */

typedef struct {
    const char *Name;
    const char *Module;
} NK_IMPORT_MODULE;

static const NK_IMPORT_MODULE ImportModules[] = {NK_IMPORT_MODULES};

static const char *ModuleOf(const char *Name)
{
    for (size_t i = 0; i < RTL_NUMBER_OF(ImportModules); i++)
        if (strcmp(ImportModules[i].Name, Name) == 0)
            return ImportModules[i].Module;
    return "(unknown)";
}

typedef struct {
    const char *Module;
    const char *Name;
} NK_MISSING;

static int CompareMissing(const void *A, const void *B)
{
    const NK_MISSING *a = A, *b = B;
    int c = strcmp(a->Module, b->Module);
    return c != 0 ? c : strcmp(a->Name, b->Name);
}

/* TRUE if [Offset, Offset + Size) lies inside a file of Length bytes. */
static BOOLEAN Inside(ULONG64 Offset, ULONG64 Size, size_t Length)
{
    return Offset <= Length && Size <= Length - Offset;
}

/* The undefined symbols of the image at Base (Length bytes), missing from
 * the process, into *Out (malloc'ed; *Count entries). */
static NTSTATUS Scan(const unsigned char *Base, size_t Length, NK_MISSING **Out, ULONG *Count)
{
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)Base;
    const Elf64_Shdr *sh;
    NK_MISSING *missing = NULL;
    ULONG n = 0, capacity = 0;

    *Out = NULL;
    *Count = 0;
    if (Length < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_type != ET_DYN || eh->e_shentsize != sizeof(Elf64_Shdr) ||
        !Inside(eh->e_shoff, (ULONG64)eh->e_shnum * sizeof(Elf64_Shdr), Length))
        return STATUS_INVALID_IMAGE_FORMAT;
    sh = (const Elf64_Shdr *)(Base + eh->e_shoff);
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        const Elf64_Shdr *sym = &sh[i], *str;
        if (sym->sh_type != SHT_DYNSYM)
            continue;
        if (sym->sh_link >= eh->e_shnum || sym->sh_entsize != sizeof(Elf64_Sym) ||
            !Inside(sym->sh_offset, sym->sh_size, Length))
            goto bad;
        str = &sh[sym->sh_link];
        if (str->sh_type != SHT_STRTAB || !Inside(str->sh_offset, str->sh_size, Length) || str->sh_size == 0 ||
            Base[str->sh_offset + str->sh_size - 1] != 0)
            goto bad;
        for (ULONG64 k = 1; k < sym->sh_size / sizeof(Elf64_Sym); k++) { /* entry 0 is the null symbol */
            const Elf64_Sym *s = (const Elf64_Sym *)(Base + sym->sh_offset) + k;
            const char *name;
            if (s->st_shndx != SHN_UNDEF || ELF64_ST_BIND(s->st_info) != STB_GLOBAL || s->st_name == 0)
                continue; /* defined here, local, or weak (optional) */
            if (s->st_name >= str->sh_size)
                goto bad;
            name = (const char *)Base + str->sh_offset + s->st_name;
            if (dlsym(RTLD_DEFAULT, name) != NULL)
                continue;
            if (n == capacity) {
                ULONG grown = capacity == 0 ? 16 : capacity * 2;
                NK_MISSING *m = realloc(missing, grown * sizeof(*m));
                if (m == NULL) {
                    free(missing);
                    return STATUS_INSUFFICIENT_RESOURCES;
                }
                missing = m;
                capacity = grown;
            }
            missing[n].Module = ModuleOf(name);
            missing[n].Name = name;
            n++;
        }
    }
    *Out = missing;
    *Count = n;
    return STATUS_SUCCESS;
bad:
    free(missing);
    return STATUS_INVALID_IMAGE_FORMAT;
}

NTSTATUS NkHostListMissingImports(const char *SoPath, NK_HOST_MISSING_IMPORT *Callback, PVOID Context,
                                  ULONG *MissingCount)
{
    struct stat st;
    NK_MISSING *missing = NULL;
    ULONG count = 0;
    NTSTATUS status;
    void *map;
    int fd;

    if (MissingCount != NULL)
        *MissingCount = 0;
    if (SoPath == NULL)
        return STATUS_INVALID_PARAMETER;
    fd = open(SoPath, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? STATUS_OBJECT_NAME_NOT_FOUND : STATUS_ACCESS_DENIED;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
        close(fd);
        return STATUS_INVALID_IMAGE_FORMAT;
    }
    map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = Scan(map, (size_t)st.st_size, &missing, &count);
    if (NT_SUCCESS(status)) {
        /* By module, then by name: the loader prints one block per module. */
        if (count != 0)
            qsort(missing, count, sizeof(*missing), CompareMissing);
        for (ULONG i = 0; i < count && Callback != NULL; i++)
            Callback(missing[i].Module, missing[i].Name, Context);
        if (MissingCount != NULL)
            *MissingCount = count;
        if (count != 0)
            status = STATUS_PROCEDURE_NOT_FOUND;
    }
    free(missing);
    munmap(map, (size_t)st.st_size);
    return status;
}
