/*
 * object.c - NDIS objects a driver hands to NDIS (characteristics, open
 * and pool parameters, timer characteristics, OID requests, ...).
 *
 * NDIS reads each by its Header: the Type must be the structure's, the
 * Revision says which version of the structure the driver was built with,
 * and Size must cover at least that revision's fields.  A driver built for
 * NDIS 6.0 passes a smaller structure than the host (built for 6.80)
 * declares, so copying sizeof(host structure) would read past the
 * caller's object: NkNdisTakeObject copies exactly the bytes the caller's
 * revision defines and zeroes the rest, so fields of later revisions read
 * as absent (NULL handlers, zero flags).
 */
#include "ndis_internal.h"

#include <string.h>

/* The newest revision in Revisions (ascending) that is not newer than
 * Revision: a caller built for a newer NDIS than the table knows is read as
 * the newest revision the host understands, as NDIS does. */
static const NK_NDIS_REVISION *RevisionFor(UCHAR Revision, const NK_NDIS_REVISION *Revisions, ULONG Count)
{
    const NK_NDIS_REVISION *found = NULL;
    for (ULONG i = 0; i < Count; i++)
        if (Revisions[i].Revision <= Revision)
            found = &Revisions[i];
    return found;
}

BOOLEAN NkNdisCheckObject(const NDIS_OBJECT_HEADER *Header, UCHAR Type, const NK_NDIS_REVISION *Revisions,
                          ULONG Count, USHORT *Size, const char *Ddi)
{
    const NK_NDIS_REVISION *r;

    if (Header == NULL) {
        NkHostViolation("ndis.bad-object-header", "%s: NULL object", Ddi);
        return FALSE;
    }
    if (Header->Type != Type) {
        NkHostViolation("ndis.bad-object-header", "%s: Header.Type is 0x%02x, expected 0x%02x", Ddi,
                        (unsigned)Header->Type, (unsigned)Type);
        return FALSE;
    }
    r = RevisionFor(Header->Revision, Revisions, Count);
    if (r == NULL) {
        NkHostViolation("ndis.bad-object-header", "%s: Header.Revision %u is older than any revision NDIS knows", Ddi,
                        (unsigned)Header->Revision);
        return FALSE;
    }
    if (Header->Size < r->Size) {
        NkHostViolation("ndis.bad-object-header", "%s: Header.Size %u is smaller than revision %u's %u bytes", Ddi,
                        (unsigned)Header->Size, (unsigned)r->Revision, (unsigned)r->Size);
        return FALSE;
    }
    if (Size != NULL)
        *Size = r->Size;
    return TRUE;
}

BOOLEAN NkNdisTakeObject(const NDIS_OBJECT_HEADER *Header, UCHAR Type, const NK_NDIS_REVISION *Revisions,
                         ULONG Count, PVOID Out, SIZE_T OutSize, const char *Ddi)
{
    USHORT size;

    memset(Out, 0, OutSize);
    if (!NkNdisCheckObject(Header, Type, Revisions, Count, &size, Ddi))
        return FALSE;
    /* The host's structure is the newest; a table entry larger than it
     * would be a host bug, and copying it would overflow Out. */
    if (size > OutSize)
        size = (USHORT)OutSize;
    memcpy(Out, Header, size);
    return TRUE;
}
