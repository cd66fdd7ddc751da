# SPDX-License-Identifier: GPL-2.0-only
# toolstack/cfg: the xl/xm cfg parser and disk/vif spec parsers (library).
cfg-srcs := toolstack/cfg/cfg_stub.c
LIBCFG := $(B)/lib/libcfg.a
$(LIBCFG): $(patsubst %.c,$(OBJ)/%.o,$(cfg-srcs))
	@mkdir -p $(dir $@)
	$(Q)$(AR) rcs $@ $^
EXTRA_TARGETS += $(LIBCFG)
