# SPDX-License-Identifier: GPL-2.0-only
# toolstack/builder: domain builder (ELF + Xen notes, bzImage, gzip/xz/lzma/
# bzip2/zstd/lz4, layout).
builder-srcs := toolstack/builder/elf.c toolstack/builder/image.c \
	toolstack/builder/layout.c toolstack/builder/decomp.c \
	toolstack/builder/bzimage.c
BUILDER_LDLIBS := -llzma -lz -lbz2 -lzstd -llz4

$(eval $(call unittest,test_builder,tests/unit/test_builder.c $(builder-srcs),$(BUILDER_LDLIBS)))

# The kernel reader, ELF/notes parser and layout under libFuzzer.
$(eval $(call fuzzer,fuzz_builder,tests/fuzz/fuzz_builder.c $(builder-srcs),$(BUILDER_LDLIBS)))
