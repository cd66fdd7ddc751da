# SPDX-License-Identifier: GPL-2.0-only
# Shared build rules. A build.mk uses:
#   $(eval $(call program,NAME,SOURCES,LDLIBS))   -> build/bin/NAME
#   $(eval $(call unittest,NAME,SOURCES,LDLIBS))  -> build/tests/NAME (ASan+UBSan)
#   $(eval $(call tsantest,NAME,SOURCES,LDLIBS)) -> build/tests/NAME (TSan)
#   $(eval $(call fuzzer,NAME,SOURCES,LDLIBS))    -> build/fuzz/NAME (clang libFuzzer)
#   $(eval $(call bench,NAME,SOURCES,LDLIBS))     -> build/bench/NAME
#   $(eval $(call library,VAR,SOURCES))           -> the archive $(VAR), named
#                                                    in mk/libs.mk
# Programs and benches link archives: name them ($(LIBPV) ...) in LDLIBS,
# users first, as the linker wants. Unit tests get the same names and link
# the sanitizer build of each archive instead.

B := build
BIN := $(B)/bin
OBJ := $(B)/obj

WARN := -Wall -Wextra -Werror -Wmissing-prototypes -Wshadow -Wpointer-arith \
	-Wcast-qual -Wsign-compare -Wimplicit-fallthrough -Wno-unused-parameter
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -MMD -MP \
	-Iinclude -Itoolstack -Ibackends
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZCC ?= clang
FUZZFLAGS := -fsanitize=fuzzer,address,undefined -g -O1

# The xen engine is a build variant: built when libxen-dev's tool headers
# are there. HAVE_LIBXEN=0 builds without it even where they are (CI
# builds both; make check does it in $(B)/nolibxen).
HAVE_LIBXEN ?= $(if $(wildcard /usr/include/xenctrl.h),1,0)

PROGRAMS :=
UNIT_TESTS :=
FUZZERS :=
BENCHES :=
EXTRA_TARGETS :=

ifeq ($(V),1)
Q :=
else
Q := @
endif

$(OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Archives among LDLIBS are also prerequisites (relinked when they change).
archives = $(filter %.a,$(1))
san_archives = $(patsubst $(B)/lib/%,$(B)/san/lib/%,$(1))

define program
PROGRAMS += $(BIN)/$(1)
$(BIN)/$(1): $(patsubst %.c,$(OBJ)/%.o,$(2)) $(call archives,$(3))
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  LD      $$@")
	$$(Q)$$(CC) $$(CFLAGS) -o $$@ $(patsubst %.c,$(OBJ)/%.o,$(2)) $(3)
endef

# Objects for the sanitizer build of an archive (unit tests link those).
SAN_OBJ := $(B)/san/obj
$(SAN_OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC-SAN  $<")
	$(Q)$(CC) $(ALL_CFLAGS) -O1 $(SANFLAGS) -c -o $@ $<

define library
$($(1)): $(patsubst %.c,$(OBJ)/%.o,$(2))
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  AR      $$@")
	$$(Q)rm -f $$@ && $$(AR) rcs $$@ $$^
$(call san_archives,$($(1))): $(patsubst %.c,$(SAN_OBJ)/%.o,$(2))
	@mkdir -p $$(dir $$@)
	$$(Q)rm -f $$@ && $$(AR) rcs $$@ $$^
EXTRA_TARGETS += $($(1))
endef

# Unit tests compile their sources afresh with the sanitizers: no shared
# objects, so no .d files either: any header change rebuilds them.
TREE_HDRS := $(shell find include toolstack backends guest tests/unit -name '*.h' 2>/dev/null)
define unittest
UNIT_TESTS += $(B)/tests/$(1)
$(B)/tests/$(1): $(2) $$(TREE_HDRS) $(call san_archives,$(call archives,$(3)))
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  TEST-LD $$@")
	$$(Q)$$(CC) $$(filter-out -MMD -MP,$$(ALL_CFLAGS)) -O1 $$(SANFLAGS) -o $$@ $(2) -lcmocka $(call san_archives,$(3))
endef

# The same, under ThreadSanitizer (which cannot share a binary with ASan):
# for code whose threads share state.
define tsantest
UNIT_TESTS += $(B)/tests/$(1)
$(B)/tests/$(1): $(2) $$(TREE_HDRS)
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  TEST-LD $$@")
	$$(Q)$$(CC) $$(filter-out -MMD -MP,$$(ALL_CFLAGS)) -O1 -fsanitize=thread -o $$@ $(2) -lcmocka $(3)
endef

define fuzzer
FUZZERS += $(B)/fuzz/$(1)
$(B)/fuzz/$(1): $(2)
	@mkdir -p $$(dir $$@)
	$$(Q)$$(FUZZCC) -std=c11 -D_GNU_SOURCE -Iinclude -Itoolstack -Ibackends $$(FUZZFLAGS) -o $$@ $(2) $(3)
endef

define bench
BENCHES += $(B)/bench/$(1)
$(B)/bench/$(1): $(patsubst %.c,$(OBJ)/%.o,$(2)) $(call archives,$(3))
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CC) $$(CFLAGS) -o $$@ $(patsubst %.c,$(OBJ)/%.o,$(2)) $(3)
endef

include mk/libs.mk

-include $(shell find $(OBJ) $(SAN_OBJ) -name '*.d' 2>/dev/null)
