# SPDX-License-Identifier: GPL-2.0-only
# backends/netback: netif rings onto a tap vifD.N enslaved to a bridge.
netback-srcs := backends/netback/txslot.c backends/netback/netring.c \
	backends/netback/vif.c
$(eval $(call program,netback,backends/netback/netback.c $(netback-srcs),\
	$(XENBUS_LDLIBS) -lpthread))
$(eval $(call unittest,test_netback,tests/unit/test_netback.c \
	backends/netback/txslot.c backends/netback/netring.c \
	tests/unit/fake_hv.c,$(LIBXENBUS) $(LIBPV) -lpthread))
$(eval $(call unittest,test_netback_vif,tests/unit/test_netback_vif.c \
	backends/netback/vif.c,))
$(eval $(call fuzzer,fuzz_netback_ring,tests/fuzz/fuzz_netback_ring.c \
	backends/netback/txslot.c,))
$(eval $(call bench,bench_net,bench/bench_net.c bench/results.c $(netback-srcs) \
	tests/unit/fake_hv.c,$(LIBXENBUS) $(LIBPV) -lpthread))
