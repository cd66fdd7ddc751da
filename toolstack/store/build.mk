# SPDX-License-Identifier: GPL-2.0-only
# toolstack/store: xenstored. The core (tree .. wire_domain) takes buffers;
# socket.c, domain.c and domain_hv.c (guest rings through the hv.h engine)
# are its transports.
store-core := toolstack/store/tree.c toolstack/store/perms.c \
	toolstack/store/quota.c toolstack/store/conn.c \
	toolstack/store/watch.c toolstack/store/transaction.c \
	toolstack/store/wire.c toolstack/store/wire_node.c \
	toolstack/store/wire_domain.c \
	toolstack/store/domain.c toolstack/store/ring.c \
	toolstack/store/persist.c toolstack/store/journal.c
store-lib := toolstack/lib/array.c toolstack/lib/parse.c toolstack/lib/paths.c toolstack/lib/log.c \
	toolstack/lib/fs.c

$(eval $(call program,xenstored,$(store-core) toolstack/store/socket.c \
	toolstack/store/domain_hv.c toolstack/store/dom0.c \
	toolstack/store/xenstored.c,\
	$(LIBHV) $(LIBPV) $(HV_LDLIBS)))

$(eval $(call unittest,test_store,tests/unit/test_store.c \
	tests/unit/test_store_harness.c $(store-core) $(store-lib),))
$(eval $(call unittest,test_store_quota,tests/unit/test_store_quota.c \
	tests/unit/test_store_harness.c $(store-core) $(store-lib),))
# dom0's ring: found on stand-in files, served as domain 0
$(eval $(call unittest,test_store_dom0,tests/unit/test_store_dom0.c \
	tests/unit/fake_ring.c tests/unit/test_store_harness.c toolstack/store/dom0.c $(store-core) \
	$(store-lib),))
$(eval $(call unittest,test_store_ring,tests/unit/test_store_ring.c \
	tests/unit/fake_ring.c tests/unit/test_store_harness.c $(store-core) $(store-lib),))
$(eval $(call fuzzer,fuzz_store,tests/fuzz/fuzz_store.c $(store-core) \
	$(store-lib),))
$(eval $(call bench,bench_store,bench/bench_store.c bench/results.c,$(LIBPV) -lpthread))
# libxenstore client test: needs build/bin/xenstored (it starts one)
$(eval $(call unittest,test_store_libxs,tests/unit/test_store_libxs.c,-lxenstore -lpthread))
$(B)/tests/test_store_libxs: $(BIN)/xenstored
# guest rings end to end through libhv's kvm engine and a fake VMM
$(eval $(call unittest,test_store_hv,tests/unit/test_store_hv.c,$(LIBPV) -lxenstore -lpthread))
$(B)/tests/test_store_hv: $(BIN)/xenstored
$(eval $(call fuzzer,fuzz_store_state,tests/fuzz/fuzz_store_state.c \
	$(store-core) $(store-lib),))
