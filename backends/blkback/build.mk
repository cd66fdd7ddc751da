# SPDX-License-Identifier: GPL-2.0-only
# backends/blkback: blkif rings onto image files and block devices.
blkback-srcs := backends/blkback/req.c backends/blkback/disk.c \
	backends/blkback/blkring.c
$(eval $(call program,blkback,backends/blkback/blkback.c \
	backends/blkback/vbdstats.c $(blkback-srcs),\
	$(XENBUS_LDLIBS) -luring -lpthread))
$(eval $(call unittest,test_blkback,tests/unit/test_blkback.c \
	$(blkback-srcs) backends/blkback/vbdstats.c tests/unit/fake_hv.c \
	tests/unit/fake_xs.c,$(LIBXENBUS) $(LIBPV) -luring -lpthread))
$(eval $(call fuzzer,fuzz_blkback_ring,tests/fuzz/fuzz_blkback_ring.c \
	backends/blkback/req.c,))
$(eval $(call bench,bench_blk,bench/bench_blk.c bench/results.c \
	$(blkback-srcs) tests/unit/fake_hv.c,$(LIBXENBUS) $(LIBPV) -luring -lpthread))
$(eval $(call bench,bench_evtchn,bench/bench_evtchn.c bench/results.c \
	$(blkback-srcs) tests/unit/fake_hv.c,$(LIBXENBUS) $(LIBPV) -luring -lpthread))
