# SPDX-License-Identifier: GPL-2.0-only
# toolstack/dm: QEMU as the device model of HVM domains (libdm.a), and the
# pvstack-dm tool on it.
# hvm.c/hvm_run.c are xm's side (cfg, store): users of them also link
# $(LIBCFG) -lxenstore.
dm-srcs := toolstack/dm/argv.c toolstack/dm/qmp.c toolstack/dm/launch.c \
	toolstack/dm/ctl.c toolstack/dm/monitor.c \
	toolstack/dm/tap.c \
	toolstack/dm/hvm.c toolstack/dm/hvm_run.c toolstack/dm/state.c toolstack/dm/migrate.c
$(eval $(call library,LIBDM,$(dm-srcs)))

# The tool creates HVM domains from cfgs as xm does: their store entries,
# their removal and their monitor are the domain library's (libdm itself
# knows no domain library: it is handed domain_store_remove).
$(eval $(call program,pvstack-dm,toolstack/dm/main.c,$(LIBDOMAIN) $(LIBDM) \
	$(LIBDEVICE) $(LIBCFG) -lyajl $(LIBHV) $(LIBPV) -lxenstore -llzma \
	$(HV_LDLIBS)))

$(eval $(call unittest,test_dm_argv,tests/unit/test_dm_argv.c toolstack/dm/argv.c toolstack/dm/launch.c toolstack/dm/qmp.c,$(LIBPV) -lyajl))
$(eval $(call unittest,test_dm_qmp,tests/unit/test_dm_qmp.c,$(LIBDM) $(LIBCFG) $(LIBPV) -lyajl -lxenstore))
$(eval $(call unittest,test_dm_hvm,tests/unit/test_dm_hvm.c,$(LIBDM) $(LIBCFG) $(LIBPV) -lyajl -lxenstore))
