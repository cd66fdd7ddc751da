/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * elf.c: ELF64 header, program header and Xen ELF note parsing. Every
 * offset and size from the file is bounds-checked before use: the kernel
 * file is input we do not trust.
 */
#include "builder/builder.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <xen/elfnote.h>

static int elf_err(char *err, size_t errlen, const char *name, int rc,
                   const char *what)
{
    if (err && errlen)
        snprintf(err, errlen, "%s: %s", name, what);
    return rc;
}

/* Is [off, off+len) inside a buffer of size total? Overflow-safe. */
static int in_buf(uint64_t off, uint64_t len, size_t total)
{
    return off <= total && len <= total - off;
}

static uint64_t note_num(const unsigned char *d, uint32_t sz)
{
    uint64_t v = 0;

    if (sz == 8)
        memcpy(&v, d, 8);
    else if (sz == 4) {
        uint32_t w;
        memcpy(&w, d, 4);
        v = w;
    }
    return v;
}

static void note_str(char *dst, size_t dlen, const unsigned char *d,
                     uint32_t sz)
{
    size_t n = strnlen((const char *)d, sz);

    if (n >= dlen)
        n = dlen - 1;
    memcpy(dst, d, n);
    dst[n] = '\0';
}

/* Walk one note area; returns how many Xen notes it held. */
static int elf_notes(const unsigned char *p, uint64_t len,
                     struct builder_elf *out)
{
    uint64_t off = 0;
    int found = 0;

    while (len - off >= sizeof(Elf64_Nhdr)) {
        Elf64_Nhdr nh;
        uint64_t nsz, dsz;
        memcpy(&nh, p + off, sizeof(nh));
        nsz = ((uint64_t)nh.n_namesz + 3) & ~3ull;
        dsz = ((uint64_t)nh.n_descsz + 3) & ~3ull;
        off += sizeof(nh);
        if (nsz > len - off || dsz > len - off - nsz)
            break;
        const unsigned char *name = p + off, *d = p + off + nsz;
        off += nsz + dsz;
        if (nh.n_namesz != 4 || memcmp(name, "Xen", 4) != 0)
            continue;
        found++;
        switch (nh.n_type) {
        case XEN_ELFNOTE_ENTRY:
            out->entry = note_num(d, nh.n_descsz);
            break;
        case XEN_ELFNOTE_HYPERCALL_PAGE:
            out->hypercall_page = note_num(d, nh.n_descsz);
            break;
        case XEN_ELFNOTE_VIRT_BASE:
            out->virt_base = note_num(d, nh.n_descsz);
            break;
        case XEN_ELFNOTE_GUEST_OS:
            note_str(out->guest_os, sizeof(out->guest_os), d, nh.n_descsz);
            break;
        case XEN_ELFNOTE_XEN_VERSION:
            note_str(out->xen_version, sizeof(out->xen_version), d,
                     nh.n_descsz);
            break;
        case XEN_ELFNOTE_FEATURES:
            note_str(out->features, sizeof(out->features), d, nh.n_descsz);
            break;
        default:
            break;
        }
    }
    return found;
}

static int elf_load_phdrs(const char *name, const unsigned char *b, size_t len,
                          const Elf64_Ehdr *eh, struct builder_elf *out,
                          int *notes_out, char *err, size_t errlen)
{
    unsigned i;

    if (eh->e_phentsize != sizeof(Elf64_Phdr) ||
        !in_buf(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr), len))
        return elf_err(err, errlen, name, -ENOEXEC,
                       "program headers outside the file");
    out->lo = UINT64_MAX;
    for (i = 0; i < eh->e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, b + eh->e_phoff + i * sizeof(ph), sizeof(ph));
        if (!in_buf(ph.p_offset, ph.p_filesz, len))
            return elf_err(err, errlen, name, -ENOEXEC,
                           "segment outside the file (truncated?)");
        if (ph.p_type == PT_NOTE)
            *notes_out += elf_notes(b + ph.p_offset, ph.p_filesz, out);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (ph.p_filesz > ph.p_memsz || out->nsegs == BUILDER_MAX_SEGS ||
            ph.p_vaddr + ph.p_memsz < ph.p_vaddr)
            return elf_err(err, errlen, name, -ENOEXEC, "bad PT_LOAD segment");
        out->segs[out->nsegs++] = (struct builder_seg){
            .paddr = ph.p_vaddr, /* virt_base is checked to be 0 */
            .filesz = ph.p_filesz,
            .memsz = ph.p_memsz,
            .offset = ph.p_offset,
        };
        if (ph.p_vaddr < out->lo)
            out->lo = ph.p_vaddr;
        if (ph.p_vaddr + ph.p_memsz > out->hi)
            out->hi = ph.p_vaddr + ph.p_memsz;
    }
    return 0;
}

int builder_elf_parse(const char *name, const void *buf, size_t len,
                      struct builder_elf *out, char *err, size_t errlen)
{
    const unsigned char *b = buf;
    Elf64_Ehdr eh;
    int notes = 0, rc;
    unsigned i;

    memset(out, 0, sizeof(*out));
    if (len < EI_NIDENT || memcmp(b, ELFMAG, SELFMAG) != 0)
        return elf_err(err, errlen, name, -ENOEXEC, "not an ELF file");
    if (len < sizeof(eh))
        return elf_err(err, errlen, name, -ENOEXEC, "truncated ELF header");
    memcpy(&eh, b, sizeof(eh));
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64 ||
        eh.e_ident[EI_DATA] != ELFDATA2LSB)
        return elf_err(err, errlen, name, -ENOEXEC,
                       "not a 64-bit x86 ELF (x86_64 PV kernels only)");
    if (eh.e_type != ET_EXEC)
        return elf_err(err, errlen, name, -ENOEXEC,
                       "not an executable ELF (ET_EXEC)");
    rc = elf_load_phdrs(name, b, len, &eh, out, &notes, err, errlen);
    if (rc < 0)
        return rc;
    /* Notes may also sit in SHT_NOTE sections only. */
    if (notes == 0 && eh.e_shentsize == sizeof(Elf64_Shdr) &&
        in_buf(eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr), len)) {
        for (i = 0; i < eh.e_shnum; i++) {
            Elf64_Shdr sh;
            memcpy(&sh, b + eh.e_shoff + i * sizeof(sh), sizeof(sh));
            if (sh.sh_type == SHT_NOTE && in_buf(sh.sh_offset, sh.sh_size, len))
                notes += elf_notes(b + sh.sh_offset, sh.sh_size, out);
        }
    }
    if (notes == 0)
        return elf_err(err, errlen, name, -ENOEXEC,
                       "no Xen ELF notes (not a Xen PV kernel)");
    /*
     * A stock Linux (Debian's vmlinuz) gets here: its notes are Xen's, but
     * it expects Xen's PV MMU, which the kvm engine does not provide.
     */
    if (out->virt_base != 0 && !strcmp(out->guest_os, "linux"))
        return elf_err(err, errlen, name, -ENOEXEC,
                       "a Linux kernel for Xen's PV MMU (VIRT_BASE is not 0): "
                       "the kvm engine runs only pvstack's own PV kernel; "
                       "boot it on real Xen (the xen engine) or with "
                       "type = \"hvm\"");
    if (out->virt_base != 0)
        return elf_err(err, errlen, name, -ENOEXEC,
                       "VIRT_BASE is not 0 (the kvm engine maps 1:1): "
                       "boot it on real Xen (the xen engine)");
    if (out->nsegs == 0)
        return elf_err(err, errlen, name, -ENOEXEC, "no loadable segments");
    if (out->entry == 0)
        out->entry = eh.e_entry;
    if (out->entry < out->lo || out->entry >= out->hi)
        return elf_err(err, errlen, name, -ENOEXEC,
                       "entry point outside the loaded image");
    if (out->hypercall_page &&
        (out->hypercall_page & 0xfff || out->hypercall_page < out->lo ||
         out->hypercall_page + 4096 > out->hi))
        return elf_err(err, errlen, name, -ENOEXEC,
                       "HYPERCALL_PAGE not a page inside the image");
    return 0;
}
