# SPDX-License-Identifier: GPL-2.0-only
# toolstack/lib: helpers every program links; knows no program.
lib-srcs := toolstack/lib/log.c toolstack/lib/parse.c toolstack/lib/paths.c
LIBPV := $(B)/lib/libpv.a
$(LIBPV): $(patsubst %.c,$(OBJ)/%.o,$(lib-srcs))
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^
EXTRA_TARGETS += $(LIBPV)

$(eval $(call unittest,test_lib,tests/unit/test_lib.c $(lib-srcs),))
