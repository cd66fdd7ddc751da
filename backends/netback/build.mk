# SPDX-License-Identifier: GPL-2.0-only
# backends/netback: netif rings onto a tap vifD.N enslaved to a bridge.
netback-srcs := backends/netback/txslot.c backends/netback/netring.c
$(eval $(call unittest,test_netback,tests/unit/test_netback.c \
	$(netback-srcs) tests/unit/fake_hv.c toolstack/lib/log.c,-lpthread))
$(eval $(call fuzzer,fuzz_netback_ring,tests/fuzz/fuzz_netback_ring.c \
	backends/netback/txslot.c,))
