/*
 * image_fix.c - make lld-link's kernel images loadable.
 *
 * The in-memory core (image_fix_buffer) takes the input bytes and returns a
 * new buffer; it never modifies the input, so the file layer can write the
 * result atomically or throw it away, and the fuzzer can run it directly.
 *
 * What it changes, and nothing else:
 *  - resident sections (see image_policy.c) get IMAGE_SCN_MEM_NOT_PAGED;
 *    PAGE* sections lose it;
 *  - INIT gets IMAGE_SCN_MEM_DISCARDABLE;
 *  - linker leftovers (.retplne, LNK_INFO/LNK_REMOVE sections, unreferenced
 *    .00cfg/.cfg00):
 *      --retpoline=strip (the default): leftovers at the end of the section
 *        table are removed: NumberOfSections shrinks, their 40-byte headers
 *        are zeroed, SizeOfImage shrinks to the new last section's aligned
 *        end, SizeOfInitializedData loses their raw size if they counted as
 *        initialized data.  If their raw data is the tail of the file and
 *        nothing else (other sections, headers, debug data, COFF symbols,
 *        certificates) lives at or after it, the file is truncated there;
 *        otherwise the bytes stay as unreferenced overlay, which loaders
 *        ignore.  Leftovers followed by a real section (the usual case: lld
 *        puts .reloc last) cannot be removed without moving sections, so
 *        they are neutralised as below.
 *      --retpoline=keep-discardable: every leftover is neutralised in place:
 *        characteristics become CNT_INITIALIZED_DATA|MEM_READ|MEM_DISCARDABLE
 *        (mapped readable, freed after DriverEntry).
 *    A leftover something in the image refers to is not touched: check
 *    reports it as unfixable and fix refuses the image.
 *  - the checksum is recomputed last.
 *
 * It refuses (FIX_REFUSED, nothing produced) images that are not NATIVE,
 * signed images (any change would invalidate the signature), and images
 * with error findings it cannot repair (W+X sections, a bad entry point,
 * missing relocations, user-mode imports, ...): those are reported by
 * check and need a source or link change, not a patch.  Unfixable warnings
 * do not stop it; they are returned in `remaining`.
 *
 * Idempotent: every change is conditional on the state it repairs, so
 * fixing a fixed image produces the same bytes (FIX_UNCHANGED).
 */
#include "image.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int note(struct fix_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int note(struct fix_result *r, const char *fmt, ...)
{
    /* grow at powers of two (capacity implicit, as in pe.c) */
    if (r->change_count == 0 || (r->change_count & (r->change_count - 1)) == 0) {
        size_t cap = r->change_count < 4 ? 8 : r->change_count * 2;
        char(*nv)[200] = realloc(r->changes, cap * sizeof *nv);
        if (!nv)
            return -1;
        r->changes = nv;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->changes[r->change_count++], sizeof r->changes[0], fmt, ap);
    va_end(ap);
    return 0;
}

void fix_result_free(struct fix_result *r)
{
    free(r->data);
    free(r->changes);
    findings_free(&r->blocking);
    findings_free(&r->remaining);
    memset(r, 0, sizeof *r);
}

static int oom(struct fix_result *r)
{
    free(r->data);
    r->data = NULL;
    r->status = FIX_ERROR;
    r->error.offset = 0;
    snprintf(r->error.message, sizeof r->error.message, "out of memory");
    return -1;
}

static int push_finding(struct findings *f, const struct finding *x)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 8;
        struct finding *nv = realloc(f->v, cap * sizeof *nv);
        if (!nv)
            return -1;
        f->v = nv;
        f->cap = cap;
    }
    f->v[f->n++] = *x;
    return 0;
}

static uint32_t sat_add(uint32_t a, uint32_t b)
{
    return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}

/* The new characteristics for section idx, or the old ones if it is fine. */
static uint32_t wanted_flags(const struct pe_image *img, size_t idx)
{
    uint32_t c = img->sections[idx].characteristics;
    switch (image_section_role(img, idx)) {
    case ROLE_RESIDENT: return c | PE_SCN_MEM_NOT_PAGED;
    case ROLE_PAGEABLE: return c & ~PE_SCN_MEM_NOT_PAGED;
    case ROLE_INIT: return c | PE_SCN_MEM_DISCARDABLE;
    case ROLE_LEFTOVER: return image_leftover_neutralised(c) ? c : NEUTRALISED_FLAGS;
    default: return c;
    }
}

/* Can the file be cut at `cut` without losing anything but the stripped
 * sections' raw data (indexes [keep, n))? */
static bool can_truncate(const struct pe_image *img, size_t keep, uint64_t cut)
{
    if (cut < img->size_of_headers || cut < img->section_table_offset + (uint64_t)img->section_count * 40u ||
        cut < img->checksum_offset + 4)
        return false;
    if (img->symtab_ptr != 0)
        return false; /* COFF symbols + string table run to an unknown end */
    if (img->dir_count > PE_DIR_SECURITY && img->dirs[PE_DIR_SECURITY].size)
        return false;
    for (size_t i = 0; i < keep; i++) {
        const struct pe_section *s = &img->sections[i];
        if (s->raw_size && (uint64_t)s->raw_ptr + s->raw_size > cut)
            return false;
    }
    for (size_t i = 0; i < img->debug_count; i++) {
        const struct pe_debug_entry *d = &img->debug[i];
        if (d->data_ptr && d->data_size && (uint64_t)d->data_ptr + d->data_size > cut)
            return false;
    }
    return true;
}

/* Remove section headers [keep, n) from the image in out (see the top of
 * the file); *size may shrink. */
static int strip_tail(const struct pe_image *img, size_t keep, uint8_t *out, size_t *size, struct fix_result *r)
{
    size_t n = img->section_count;
    uint32_t init_data = pe_rd32(out + img->size_of_init_data_offset);
    uint64_t cut = UINT64_MAX, tail = 0;
    for (size_t i = keep; i < n; i++) {
        const struct pe_section *s = &img->sections[i];
        memset(out + s->header_offset, 0, PE_SECTION_HEADER_SIZE);
        if (s->characteristics & PE_SCN_CNT_INITIALIZED_DATA)
            init_data = init_data > s->raw_size ? init_data - s->raw_size : 0;
        if (s->raw_size) {
            if (s->raw_ptr < cut)
                cut = s->raw_ptr;
            if ((uint64_t)s->raw_ptr + s->raw_size > tail)
                tail = (uint64_t)s->raw_ptr + s->raw_size;
        }
        if (note(r, "section %.40s: removed (linker leftover at the end of the section table)",
                 pe_section_name(s)))
            return -1;
    }
    pe_wr16(out + img->file_header_offset + 2, (uint16_t)keep);
    pe_wr32(out + img->size_of_init_data_offset, init_data);

    /* SizeOfImage: the end of the highest remaining section, aligned. */
    uint64_t end = img->size_of_headers;
    for (size_t i = 0; i < keep; i++) {
        const struct pe_section *s = &img->sections[i];
        uint64_t e = (uint64_t)s->rva + pe_section_vsize(s);
        if (e > end)
            end = e;
    }
    uint64_t a = img->section_alignment;
    end = (end + a - 1) / a * a;
    if (end < img->size_of_image) {
        pe_wr32(out + img->size_of_image_offset, (uint32_t)end);
        if (note(r, "SizeOfImage: 0x%x -> 0x%llx", img->size_of_image, (unsigned long long)end))
            return -1;
    }

    if (cut != UINT64_MAX && tail == *size && cut < *size && can_truncate(img, keep, cut)) {
        if (note(r, "file truncated from 0x%zx to 0x%llx bytes (the removed sections' data)", *size,
                 (unsigned long long)cut))
            return -1;
        *size = (size_t)cut;
        r->truncated = true;
    }
    r->stripped = true;
    return 0;
}

/* One attempt with the given mode.  Returns 0 with r->data set, or -1 with
 * r->status set (REFUSED or ERROR). */
static int fix_once(const struct pe_image *img, const uint8_t *in, size_t size, enum retpoline_mode mode,
                    struct fix_result *r)
{
    size_t n = img->section_count;
    r->data = malloc(size ? size : 1);
    if (!r->data)
        return oom(r);
    memcpy(r->data, in, size);
    size_t out_size = size;

    /* Leftovers at the tail of the section table can go entirely. */
    size_t keep = n;
    if (mode == RETPOLINE_STRIP)
        while (keep > 0 && image_section_role(img, keep - 1) == ROLE_LEFTOVER &&
               !image_section_referenced(img, keep - 1))
            keep--;

    uint32_t init_data = img->size_of_init_data;
    for (size_t i = 0; i < keep; i++) {
        const struct pe_section *s = &img->sections[i];
        uint32_t want = wanted_flags(img, i);
        if (want == s->characteristics)
            continue;
        char from[160], to[160];
        image_section_flags_str(s->characteristics, from, sizeof from);
        image_section_flags_str(want, to, sizeof to);
        pe_wr32(r->data + s->header_offset + 36, want);
        if (!(s->characteristics & PE_SCN_CNT_INITIALIZED_DATA) && (want & PE_SCN_CNT_INITIALIZED_DATA))
            init_data = sat_add(init_data, s->raw_size);
        if (note(r, "section %.40s: 0x%08x -> 0x%08x [%s] -> [%s]", pe_section_name(s), s->characteristics,
                 want, from, to))
            return oom(r);
    }
    if (init_data != img->size_of_init_data) {
        pe_wr32(r->data + img->size_of_init_data_offset, init_data);
        if (note(r, "SizeOfInitializedData: 0x%x -> 0x%x", img->size_of_init_data, init_data))
            return oom(r);
    }
    if (keep < n && strip_tail(img, keep, r->data, &out_size, r))
        return oom(r);

    uint32_t sum = pe_checksum(r->data, out_size, img->checksum_offset);
    if (sum != img->checksum || out_size != size) {
        pe_wr32(r->data + img->checksum_offset, sum);
        if (sum != img->checksum && note(r, "CheckSum: 0x%08x -> 0x%08x", img->checksum, sum))
            return oom(r);
    }
    r->size = out_size;
    return 0;
}

/* The output must parse and have no fixable finding left; otherwise the
 * fix is wrong and must not be used. */
static bool verify(const uint8_t *data, size_t size)
{
    struct pe_image img;
    if (pe_parse(&img, data, size))
        return false;
    struct findings f = {0};
    bool ok = image_check(&img, NULL, &f) == 0;
    for (size_t i = 0; ok && i < f.n; i++)
        if (f.v[i].fixable && f.v[i].severity != SEV_INFO)
            ok = false;
    findings_free(&f);
    pe_free(&img);
    return ok;
}

static int fix_core(const uint8_t *in, size_t size, const struct fix_options *opt, struct fix_result *r,
                    bool check_stable)
{
    memset(r, 0, sizeof *r);
    struct pe_image img;
    if (pe_parse(&img, in, size)) {
        r->status = FIX_ERROR;
        r->error = img.error;
        return -1;
    }
    int rc = -1;
    struct findings f = {0};
    if (img.subsystem != PE_SUBSYSTEM_NATIVE) {
        r->status = FIX_REFUSED;
        snprintf(r->refusal, sizeof r->refusal,
                 "not a kernel image (subsystem %s, %u): fix only applies to NATIVE images",
                 pe_subsystem_name(img.subsystem), img.subsystem);
        goto out;
    }
    if (img.dir_count > PE_DIR_SECURITY && img.dirs[PE_DIR_SECURITY].size) {
        r->status = FIX_REFUSED;
        snprintf(r->refusal, sizeof r->refusal,
                 "the image is signed; any change would invalidate the signature (fix before signing)");
        goto out;
    }
    if (image_check(&img, NULL, &f)) {
        oom(r);
        goto out;
    }
    for (size_t i = 0; i < f.n; i++) {
        const struct finding *x = &f.v[i];
        if (x->fixable || x->severity == SEV_INFO)
            continue;
        if (push_finding(x->severity == SEV_ERROR ? &r->blocking : &r->remaining, x)) {
            oom(r);
            goto out;
        }
    }
    if (r->blocking.n) {
        r->status = FIX_REFUSED;
        snprintf(r->refusal, sizeof r->refusal, "%zu error%s that fix cannot repair", r->blocking.n,
                 r->blocking.n == 1 ? "" : "s");
        goto out;
    }

    enum retpoline_mode mode = opt ? opt->retpoline : RETPOLINE_STRIP;
    if (fix_once(&img, in, size, mode, r))
        goto out;
    if (!verify(r->data, r->size) && mode == RETPOLINE_STRIP) {
        /* Removing a section can break references the policy cannot see
         * (a hostile image keeping a name string in .retplne, say): fall
         * back to neutralising in place. */
        free(r->data);
        free(r->changes);
        r->data = NULL;
        r->changes = NULL;
        r->change_count = 0;
        r->size = 0;
        r->stripped = r->truncated = false;
        if (fix_once(&img, in, size, RETPOLINE_KEEP_DISCARDABLE, r))
            goto out;
        if (!verify(r->data, r->size))
            goto internal;
    } else if (!verify(r->data, r->size)) {
        goto internal;
    }
    r->status = r->size == size && memcmp(r->data, in, size) == 0 ? FIX_UNCHANGED : FIX_CHANGED;
    if (r->status == FIX_CHANGED && check_stable) {
        /* Fixing the result must change nothing.  It always does for sane
         * images; it can fail only when image metadata overlaps the header
         * bytes fix rewrites (an import table laid over the section table,
         * say), and such an image is refused rather than half-understood. */
        struct fix_result again;
        fix_core(r->data, r->size, opt, &again, false);
        bool stable = again.status == FIX_UNCHANGED;
        fix_result_free(&again);
        if (!stable) {
            free(r->data);
            r->data = NULL;
            r->size = 0;
            r->status = FIX_REFUSED;
            snprintf(r->refusal, sizeof r->refusal,
                     "fixing is not stable on this image (its metadata overlaps the headers fix rewrites)");
            goto out;
        }
    }
    rc = 0;
    goto out;

internal:
    free(r->data);
    r->data = NULL;
    r->status = FIX_ERROR;
    r->error.offset = 0;
    snprintf(r->error.message, sizeof r->error.message,
             "internal error: the repaired image does not pass its own check; nothing written");
out:
    findings_free(&f);
    pe_free(&img);
    return rc;
}

int image_fix_buffer(const uint8_t *in, size_t size, const struct fix_options *opt, struct fix_result *r)
{
    return fix_core(in, size, opt, r, true);
}
