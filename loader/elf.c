// SPDX-License-Identifier: GPL-2.0-only
/*
 * The purgatory as a relocatable ELF object (ET_REL, ELF64 little endian,
 * machine ld_arch.elf_machine), loaded the way kexec-tools loads its
 * purgatory: every allocated section (except unwind tables) is laid out in
 * one block in section order, NOBITS zeroed, RELA relocations applied for
 * the block's physical address (each by the arch: ld_arch.elf_rela, as
 * kexec-tools' machine_apply_elf_rel), and parameters written by symbol
 * name.
 */
#include <elf.h>
#include <string.h>

#include "ld.h"

#define NOT_LOADED UINT64_MAX

static const Elf64_Shdr *sh(const struct ld_elf *e, unsigned int i)
{
	return (const Elf64_Shdr *)e->shdr + i;
}

static bool in_image(const struct ld_elf *e, uint64_t off, uint64_t len)
{
	return off <= e->size && len <= e->size - off;
}

static bool loaded(const struct ld_elf *e, const Elf64_Shdr *s,
		   unsigned int i)
{
	const Elf64_Shdr *strs = sh(e, ((const Elf64_Ehdr *)e->img)->e_shstrndx);
	const char *name;

	if (!(s->sh_flags & SHF_ALLOC) || !s->sh_size)
		return false;
	if (s->sh_name >= strs->sh_size)
		return false;
	name = (const char *)e->img + strs->sh_offset + s->sh_name;
	(void)i;
	/* Unwind tables are never used before the jump. */
	return strncmp(name, ".eh_frame", 9) != 0;
}

int ld_elf_open(struct ld_elf *e, const void *img, size_t size)
{
	const Elf64_Ehdr *eh = img;
	const Elf64_Shdr *strs;
	uint64_t off = 0;
	unsigned int i;

	if (!e || !img)
		return LD_ERR_INVAL;
	memset(e, 0, sizeof(*e));
	e->img = img;
	e->size = size;
	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_type != ET_REL ||
	    eh->e_machine != ld_arch.elf_machine || eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    !eh->e_shnum || eh->e_shnum > LD_ELF_MAX_SECTIONS ||
	    eh->e_shstrndx >= eh->e_shnum || (eh->e_shoff & 7) ||
	    !in_image(e, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr)))
		return LD_ERR_ELF;
	e->shnum = eh->e_shnum;
	e->shdr = e->img + eh->e_shoff;
	strs = sh(e, eh->e_shstrndx);
	if (strs->sh_type != SHT_STRTAB || !in_image(e, strs->sh_offset, strs->sh_size))
		return LD_ERR_ELF;
	e->align = ld_arch.page_size;
	for (i = 0; i < e->shnum; i++) {
		const Elf64_Shdr *s = sh(e, i);

		e->off[i] = NOT_LOADED;
		if (s->sh_type == SHT_SYMTAB) {
			const Elf64_Shdr *st;

			if (e->sym || s->sh_entsize != sizeof(Elf64_Sym) ||
			    s->sh_link >= e->shnum || (s->sh_offset & 7) ||
			    !in_image(e, s->sh_offset, s->sh_size))
				return LD_ERR_ELF;
			st = sh(e, s->sh_link);
			if (!in_image(e, st->sh_offset, st->sh_size) || !st->sh_size ||
			    e->img[st->sh_offset + st->sh_size - 1])
				return LD_ERR_ELF;
			e->sym = e->img + s->sh_offset;
			e->nsym = (uint32_t)(s->sh_size / sizeof(Elf64_Sym));
			e->strtab = (const char *)e->img + st->sh_offset;
			e->strtab_size = st->sh_size;
		}
		if (!loaded(e, s, i))
			continue;
		if (s->sh_addralign > (1u << 21) ||
		    (s->sh_addralign & (s->sh_addralign - 1)) ||
		    s->sh_size > (1ull << 30))
			return LD_ERR_ELF;
		if (s->sh_type != SHT_NOBITS && !in_image(e, s->sh_offset, s->sh_size))
			return LD_ERR_ELF;
		if (s->sh_addralign > 1)
			off = (off + s->sh_addralign - 1) & ~(s->sh_addralign - 1);
		if (s->sh_addralign > e->align)
			e->align = s->sh_addralign;
		e->off[i] = off;
		off += s->sh_size;
	}
	if (!e->sym || !off)
		return LD_ERR_ELF;
	e->memsz = (off + ld_arch.page_size - 1) & ~(ld_arch.page_size - 1);
	return LD_OK;
}

/* Value of symbol i in the loaded image at phys. */
static int sym_value(const struct ld_elf *e, uint32_t i, uint64_t phys,
		     uint64_t *val)
{
	const Elf64_Sym *s = (const Elf64_Sym *)e->sym + i;

	if (i >= e->nsym)
		return LD_ERR_ELF_RELOC;
	if (s->st_shndx == SHN_ABS) {
		*val = s->st_value;
		return 0;
	}
	if (s->st_shndx == SHN_UNDEF || s->st_shndx >= e->shnum ||
	    e->off[s->st_shndx] == NOT_LOADED)
		return LD_ERR_ELF_RELOC;	/* undefined: the link missed it */
	*val = phys + e->off[s->st_shndx] + s->st_value;
	return 0;
}

static int apply(const struct ld_elf *e, const Elf64_Shdr *rs, uint8_t *out,
		 uint64_t phys)
{
	const Elf64_Shdr *target = sh(e, rs->sh_info);
	const Elf64_Rela *r = (const void *)(e->img + rs->sh_offset);
	uint64_t n = rs->sh_size / sizeof(*r), k, toff = e->off[rs->sh_info];
	int err;

	for (k = 0; k < n; k++) {
		uint64_t s, p;
		uint8_t *where;

		if (r[k].r_offset > target->sh_size)
			return LD_ERR_ELF_RELOC;
		err = sym_value(e, ELF64_R_SYM(r[k].r_info), phys, &s);
		if (err)
			return err;
		where = out + toff + r[k].r_offset;
		p = phys + toff + r[k].r_offset;
		err = ld_arch.elf_rela((uint32_t)ELF64_R_TYPE(r[k].r_info), s + r[k].r_addend,
				       p, where, target->sh_size - r[k].r_offset);
		if (err)
			return err;
	}
	return 0;
}

int ld_elf_relocate(const struct ld_elf *e, void *out, uint64_t phys)
{
	uint8_t *o = out;
	unsigned int i;
	int err;

	if (!e || !out || (phys & (e->align - 1)))
		return LD_ERR_INVAL;
	memset(out, 0, e->memsz);
	for (i = 0; i < e->shnum; i++) {
		const Elf64_Shdr *s = sh(e, i);

		if (e->off[i] != NOT_LOADED && s->sh_type != SHT_NOBITS)
			memcpy(o + e->off[i], e->img + s->sh_offset, s->sh_size);
	}
	for (i = 0; i < e->shnum; i++) {
		const Elf64_Shdr *s = sh(e, i);

		if (s->sh_type == SHT_REL)
			return LD_ERR_ELF_RELOC;
		if (s->sh_type != SHT_RELA || s->sh_info >= e->shnum ||
		    e->off[s->sh_info] == NOT_LOADED)
			continue;
		if (s->sh_entsize != sizeof(Elf64_Rela) || (s->sh_offset & 7) ||
		    !in_image(e, s->sh_offset, s->sh_size))
			return LD_ERR_ELF;
		err = apply(e, s, o, phys);
		if (err)
			return err;
	}
	return LD_OK;
}

int ld_elf_symbol(const struct ld_elf *e, const char *name, uint64_t *off,
		  uint64_t *size)
{
	const Elf64_Sym *s = e->sym;
	uint32_t i;

	for (i = 1; i < e->nsym; i++) {
		if (s[i].st_name >= e->strtab_size ||
		    strcmp(e->strtab + s[i].st_name, name))
			continue;
		if (ELF64_ST_BIND(s[i].st_info) != STB_GLOBAL ||
		    s[i].st_shndx == SHN_UNDEF || s[i].st_shndx >= e->shnum ||
		    e->off[s[i].st_shndx] == NOT_LOADED ||
		    s[i].st_value + s[i].st_size > sh(e, s[i].st_shndx)->sh_size)
			return LD_ERR_ELF_SYMBOL;
		*off = e->off[s[i].st_shndx] + s[i].st_value;
		if (size)
			*size = s[i].st_size;
		return LD_OK;
	}
	return LD_ERR_ELF_SYMBOL;
}

int ld_elf_poke(const struct ld_elf *e, void *out, const char *name,
		const void *val, uint64_t len)
{
	uint64_t off, size;
	int err = ld_elf_symbol(e, name, &off, &size);

	if (err)
		return err;
	if (size < len)
		return LD_ERR_ELF_SYMBOL;
	memcpy((uint8_t *)out + off, val, len);
	return LD_OK;
}
