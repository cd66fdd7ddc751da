# SPDX-License-Identifier: GPL-2.0-only
# backends/netback: netif rings onto a tap vifD.N enslaved to a bridge.
netback-srcs := backends/netback/txslot.c backends/netback/netring.c \
	backends/netback/vif.c
# libhv's build.mk is read after ours: name the archive, defer HV_LDLIBS.
$(eval $(call program,netback,backends/netback/netback.c $(netback-srcs) \
	backends/xenbus/xenbus.c backends/xenbus/backend.c backends/xenbus/daemon.c toolstack/lib/log.c \
	toolstack/lib/parse.c toolstack/lib/paths.c,\
	$$(HV_LDLIBS) -lxenstore -lpthread))
$(BIN)/netback: $(B)/lib/libhv.a
$(eval $(call unittest,test_netback,tests/unit/test_netback.c \
	backends/netback/txslot.c backends/netback/netring.c \
	tests/unit/fake_hv.c toolstack/lib/log.c,-lpthread))
$(eval $(call unittest,test_netback_vif,tests/unit/test_netback_vif.c \
	backends/netback/vif.c,))
$(eval $(call fuzzer,fuzz_netback_ring,tests/fuzz/fuzz_netback_ring.c \
	backends/netback/txslot.c,))
$(eval $(call bench,bench_net,bench/bench_net.c $(netback-srcs) \
	tests/unit/fake_hv.c toolstack/lib/log.c,-lpthread))
