# SPDX-License-Identifier: GPL-2.0-only
# toolstack/xm: the xm/xl CLI. build/bin/xl is a symlink to xm.
xm-srcs := toolstack/xm/main.c toolstack/xm/frame.c toolstack/xm/cmdtable.c \
	toolstack/xm/dominfo.c toolstack/xm/cmd_list.c \
	toolstack/xm/cmd_create.c toolstack/xm/cmd_attach.c
$(eval $(call program,xm,$(xm-srcs),$(LIBCFG) $(LIBPV) -lyajl))
$(BIN)/xm: $(LIBCFG) $(LIBPV)

$(BIN)/xl: $(BIN)/xm
	$(Q)ln -sf xm $@
EXTRA_TARGETS += $(BIN)/xl

$(eval $(call unittest,test_xm,tests/unit/test_xm.c $(filter-out toolstack/xm/main.c,$(xm-srcs)) $(cfg-srcs) toolstack/lib/parse.c,-lyajl))
