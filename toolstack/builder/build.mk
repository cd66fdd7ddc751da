# SPDX-License-Identifier: GPL-2.0-only
# toolstack/builder: domain builder (ELF + Xen notes, gzip/xz/lzma, layout).
builder-srcs := toolstack/builder/elf.c toolstack/builder/image.c \
	toolstack/builder/layout.c
BUILDER_LDLIBS := -llzma -lz
