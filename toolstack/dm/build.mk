# SPDX-License-Identifier: GPL-2.0-only
# toolstack/dm: QEMU as the device model of HVM domains (libdm.a), and the
# pvstack-dm tool on it.
# hvm.c/hvm_run.c are xm's side (cfg, store): users of them also link
# $(LIBCFG) -lxenstore.
dm-srcs := toolstack/dm/argv.c toolstack/dm/qmp.c toolstack/dm/launch.c \
	toolstack/dm/ctl.c toolstack/dm/monitor.c toolstack/dm/ctlsrv.c \
	toolstack/dm/tap.c \
	toolstack/dm/hvm.c toolstack/dm/hvm_run.c
LIBDM := $(B)/lib/libdm.a
$(LIBDM): $(patsubst %.c,$(OBJ)/%.o,$(dm-srcs))
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^
EXTRA_TARGETS += $(LIBDM)

# libhv's build.mk is read after ours: name the archive, defer HV_LDLIBS.
$(eval $(call program,pvstack-dm,toolstack/dm/main.c,$(LIBDM) $(LIBCFG) \
	$(B)/lib/libhv.a $(B)/lib/libpv.a $$(HV_LDLIBS) -lxenstore -lyajl))

# The unit tests link the real sources (lib sources are spelled out: dm's
# build.mk is read before lib's).
dm-test-libs := toolstack/lib/log.c toolstack/lib/parse.c toolstack/lib/paths.c
$(eval $(call unittest,test_dm_argv,tests/unit/test_dm_argv.c toolstack/dm/argv.c toolstack/dm/launch.c toolstack/dm/qmp.c $(dm-test-libs),-lyajl))
$(eval $(call unittest,test_dm_qmp,tests/unit/test_dm_qmp.c $(dm-srcs) $(dm-test-libs) $(cfg-srcs),-lyajl -lxenstore))
$(eval $(call unittest,test_dm_hvm,tests/unit/test_dm_hvm.c $(dm-srcs) $(dm-test-libs) $(cfg-srcs),-lyajl -lxenstore))

$(BIN)/pvstack-dm: $(LIBDM) $(LIBCFG) $(B)/lib/libhv.a $(B)/lib/libpv.a
