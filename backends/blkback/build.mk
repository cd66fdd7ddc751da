# SPDX-License-Identifier: GPL-2.0-only
# backends/blkback: blkif rings onto image files and block devices.
blkback-srcs := backends/blkback/req.c backends/blkback/disk.c \
	backends/blkback/blkring.c
# libhv's build.mk is read after ours: name the archive, defer HV_LDLIBS.
$(eval $(call program,blkback,backends/blkback/blkback.c $(blkback-srcs) \
	backends/xenbus/xenbus.c backends/xenbus/backend.c backends/xenbus/daemon.c toolstack/lib/log.c toolstack/lib/parse.c \
	toolstack/lib/paths.c,$$(HV_LDLIBS) -lxenstore -luring -lpthread))
$(BIN)/blkback: $(B)/lib/libhv.a
$(eval $(call unittest,test_blkback,tests/unit/test_blkback.c \
	$(blkback-srcs) tests/unit/fake_hv.c toolstack/lib/log.c,\
	-luring -lpthread))
$(eval $(call fuzzer,fuzz_blkback_ring,tests/fuzz/fuzz_blkback_ring.c \
	backends/blkback/req.c,))
$(eval $(call bench,bench_blk,bench/bench_blk.c $(blkback-srcs) \
	tests/unit/fake_hv.c toolstack/lib/log.c,-luring -lpthread))
