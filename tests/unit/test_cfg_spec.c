/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_cfg_spec.c: disk specs (disk.c), vdev -> devid, vif specs, rates and
 * MACs (vif.c), and their libxl JSON (json.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka needs the headers above first */
#include <cmocka.h>
#include "unit.h"

#include "cfg/cfg.h"

static void disk_ok(const char *spec, const char *target, const char *vdev,
                    enum disk_format fmt, int rw, int cdrom, const char *script)
{
    struct disk_spec d;
    char eb[256];

    assert_int_equal(disk_spec_parse(spec, &d, eb, sizeof(eb)), 0);
    if (target)
        assert_string_equal(d.pdev_path, target);
    else
        assert_null(d.pdev_path);
    assert_string_equal(d.vdev, vdev);
    assert_int_equal(d.format, fmt);
    assert_int_equal(d.readwrite, rw);
    assert_int_equal(d.is_cdrom, cdrom);
    assert_int_equal(d.removable, cdrom);
    if (script)
        assert_string_equal(d.script, script);
    else
        assert_null(d.script);
    disk_spec_fini(&d);
}

static void disk_bad(const char *spec, const char *msg)
{
    struct disk_spec d;
    char eb[256];

    assert_int_equal(disk_spec_parse(spec, &d, eb, sizeof(eb)), -EINVAL);
    assert_string_equal(eb, msg);
    disk_spec_fini(&d);
}

static void test_disk_positional(void **state)
{
    (void)state;
    disk_ok("/dev/vg/guest-volume,,hda", "/dev/vg/guest-volume", "hda",
            DISK_FORMAT_RAW, 1, 0, NULL);
    disk_ok("/dev/vg/guest-volume,raw,hda,rw", "/dev/vg/guest-volume", "hda",
            DISK_FORMAT_RAW, 1, 0, NULL);
    disk_ok("/img.qcow2,qcow2,xvdb,ro", "/img.qcow2", "xvdb", DISK_FORMAT_QCOW2,
            0, 0, NULL);
    disk_ok("/root/image.iso,,hdc,cdrom", "/root/image.iso", "hdc",
            DISK_FORMAT_RAW, 0, 1, NULL);
    /* an empty target with vdev:cdrom in the format slot */
    disk_ok(",,hdc:cdrom,r", "", "hdc", DISK_FORMAT_EMPTY, 0, 1, NULL);
    disk_ok(",hdc:cdrom,r", "", "hdc", DISK_FORMAT_EMPTY, 0, 1, NULL);
    disk_ok("/x.img,,xvda,w,", "/x.img", "xvda", DISK_FORMAT_RAW, 1, 0, NULL);
    disk_bad("/x.img,,xvda,w,extra",
             "too many positional parameters: near `extra' in "
             "`/x.img,,xvda,w,extra'");
    disk_bad("/x.img,bogus,xvda",
             "unknown value for format: near `bogus' in `/x.img,bogus,xvda'");
    disk_bad("/x.img,,xvda,rx",
             "unknown value for access: near `rx' in `/x.img,,xvda,rx'");
    disk_bad("/x.img", "no vdev specified in `/x.img'");
    disk_bad("foo", "no vdev specified in `foo'");
}

static void test_disk_keys(void **state)
{
    struct disk_spec d;
    char eb[256];

    (void)state;
    disk_ok("format=raw, vdev=hda, access=rw, target=/dev/vg/guest-volume",
            "/dev/vg/guest-volume", "hda", DISK_FORMAT_RAW, 1, 0, NULL);
    disk_ok("vdev=hdc,access=r,devtype=cdrom", NULL, "hdc", DISK_FORMAT_EMPTY,
            0, 1, NULL);
    /* target= eats the rest, commas and all */
    disk_ok("vdev=xvda,target=/odd,name,x", "/odd,name,x", "xvda",
            DISK_FORMAT_RAW, 1, 0, NULL);
    disk_ok("vdev=xvda,script=block-iscsi,target=iqn.x:y", "iqn.x:y", "xvda",
            DISK_FORMAT_RAW, 1, 0, "block-iscsi");
    assert_int_equal(disk_spec_parse("backendtype=phy,backend=dd,vdev=xvdb,"
                                     "discard,untrusted,direct-io-safe,"
                                     "target=/dev/vg/v",
                                     &d, eb, sizeof(eb)),
                     0);
    assert_int_equal(d.backendtype, DISK_BACKEND_PHY);
    assert_string_equal(d.backend_domname, "dd");
    assert_int_equal(d.discard_enable, 1);
    assert_int_equal(d.trusted, 0);
    assert_int_equal(d.direct_io_safe, 1);
    assert_int_equal(d.devid, 51728);
    disk_spec_fini(&d);
    disk_bad(
        "vdev=xvda,vdev=xvdb,target=/x",
        "vdev respecified: near `xvdb' in `vdev=xvda,vdev=xvdb,target=/x'");
    disk_bad("format=raw,format=qcow2,vdev=xvda,target=/x",
             "format respecified: near `qcow2' in "
             "`format=raw,format=qcow2,vdev=xvda,target=/x'");
    disk_bad("devtype=floppy,vdev=xvda,target=/x",
             "unknown value for devtype: near `floppy' in "
             "`devtype=floppy,vdev=xvda,target=/x'");
    disk_bad("backendtype=nbd,vdev=xvda,target=/x",
             "unknown value for backendtype: near `nbd' in "
             "`backendtype=nbd,vdev=xvda,target=/x'");
    disk_bad("colour=red,vdev=xvda", "unknown parameter: near `colour=red' in "
                                     "`colour=red,vdev=xvda'");
    disk_bad("/a=b,,xvda", "bad disk syntax: near `=b' in `/a=b,,xvda'");
    disk_bad("vdev=xvda", "no target specified (and device not removable) "
                          "in `vdev=xvda'");
}

static void test_disk_prefixes(void **state)
{
    (void)state;
    /* stripped prefixes skip the format slot */
    disk_ok("phy:/dev/vg/lv,xvda1,w", "/dev/vg/lv", "xvda1", DISK_FORMAT_RAW, 1,
            0, NULL);
    disk_ok("file:/srv/x.img,xvda,w", "/srv/x.img", "xvda", DISK_FORMAT_RAW, 1,
            0, NULL);
    disk_ok("tap:aio:/srv/x.img,xvda,r", "/srv/x.img", "xvda", DISK_FORMAT_RAW,
            0, 0, NULL);
    disk_ok("tap:qcow2:/srv/x.qcow2,xvda,w", "/srv/x.qcow2", "xvda",
            DISK_FORMAT_QCOW2, 1, 0, NULL);
    disk_ok("aio:/srv/x.img,hda,w", "/srv/x.img", "hda", DISK_FORMAT_RAW, 1, 0,
            NULL);
    disk_ok("raw:/root/image.iso,hdc:cdrom,ro", "/root/image.iso", "hdc",
            DISK_FORMAT_RAW, 0, 1, NULL);
    disk_ok("drbd:app01,hda,w", "app01", "hda", DISK_FORMAT_RAW, 1, 0,
            "block-drbd");
    disk_ok("iscsi:iqn.2001-05.com.example:0-8a09,xvda,w",
            "iqn.2001-05.com.example:0-8a09", "xvda", DISK_FORMAT_RAW, 1, 0,
            "block-iscsi");
    disk_bad("weird:/x,xvda,w",
             "unknown deprecated disk prefix: near `weird:/x,xvda,w' in "
             "`weird:/x,xvda,w'");
    disk_bad("/x,,hdc:floppy",
             "unknown deprecated type: near `floppy' in `/x,,hdc:floppy'");
}

static void test_disk_argv_and_json(void **state)
{
    const char *words[] = {"format=raw", "vdev=hdc", "access=ro",
                           "devtype=cdrom", "target=/root/image.iso"};
    struct disk_spec d;
    char eb[256], *json;

    (void)state;
    assert_int_equal(disk_spec_parse_argv(5, words, &d, eb, sizeof(eb)), 0);
    assert_int_equal(disk_spec_to_json(&d, &json), 0);
    assert_string_equal(json, "{\n"
                              "    \"pdev_path\": \"/root/image.iso\",\n"
                              "    \"vdev\": \"hdc\",\n"
                              "    \"format\": \"raw\",\n"
                              "    \"removable\": 1,\n"
                              "    \"is_cdrom\": 1\n"
                              "}\n");
    free(json);
    disk_spec_fini(&d);
}

static void test_vdev_devid(void **state)
{
    (void)state;
    assert_int_equal(disk_vdev_to_devid("xvda"), 51712);
    assert_int_equal(disk_vdev_to_devid("xvda1"), 51713);
    assert_int_equal(disk_vdev_to_devid("xvdb"), 51728);
    assert_int_equal(disk_vdev_to_devid("xvdp15"), (202 << 8) | (15 << 4) | 15);
    assert_int_equal(disk_vdev_to_devid("xvdq"), (1 << 28) | (16 << 8));
    assert_int_equal(disk_vdev_to_devid("xvdaa"), (1 << 28) | (26 << 8));
    assert_int_equal(disk_vdev_to_devid("xvda16"), (1 << 28) | 16);
    assert_int_equal(disk_vdev_to_devid("hda"), 768);
    assert_int_equal(disk_vdev_to_devid("hdb1"), (3 << 8) | (1 << 6) | 1);
    assert_int_equal(disk_vdev_to_devid("hdc"), 22 << 8);
    assert_int_equal(disk_vdev_to_devid("sda"), 2048);
    assert_int_equal(disk_vdev_to_devid("sdb2"), (8 << 8) | (1 << 4) | 2);
    assert_int_equal(disk_vdev_to_devid("d0p1"), 51713);
    assert_int_equal(disk_vdev_to_devid("d3"), 51760);
    assert_int_equal(disk_vdev_to_devid("51712"), 51712);
    assert_int_equal(disk_vdev_to_devid("hde"), -EINVAL);
    assert_int_equal(disk_vdev_to_devid("sdq"), -EINVAL);
    assert_int_equal(disk_vdev_to_devid("xvda01"), -EINVAL);
    assert_int_equal(disk_vdev_to_devid("xvd"), -EINVAL);
    assert_int_equal(disk_vdev_to_devid("fd0"), -EINVAL);
    assert_int_equal(disk_vdev_to_devid(""), -EINVAL);
    /* found by fuzz_cfg: a long dN... name overflowed a stack buffer */
    assert_int_equal(disk_vdev_to_devid("d1irect--sasaect--sasfe"), -EINVAL);
    assert_int_equal(disk_vdev_to_devid("d1234567890123456789"), -EINVAL);
    assert_int_equal(disk_vdev_to_devid("d1p"), -EINVAL);
}

static void rate(const char *spec, uint64_t bytes, uint32_t us)
{
    struct vif_spec v;
    char eb[128];

    assert_int_equal(vif_spec_parse(spec, 0, &v, eb, sizeof(eb)), 0);
    assert_int_equal(v.rate_bytes_per_interval, bytes);
    assert_int_equal(v.rate_interval_usecs, us);
    vif_spec_fini(&v);
}

static void vif_bad(const char *spec, const char *msg)
{
    struct vif_spec v;
    char eb[160];

    assert_int_equal(vif_spec_parse(spec, 0, &v, eb, sizeof(eb)), -EINVAL);
    assert_string_equal(eb, msg);
    vif_spec_fini(&v);
}

static void test_vif_rate(void **state)
{
    (void)state;
    rate("rate=16000000b/s", 100000, 50000);
    rate("rate=2000000B/s@50ms", 100000, 50000);
    rate("rate=16Kb/s", 100, 50000);
    rate("rate=2MB/s", 100000, 50000);
    rate("rate=8Gb/s@50ms", 50000000, 50000);
    rate("rate=80Mb/s@1s", 10000000, 1000000);
    rate("rate=10MB/s@1000000us", 10000000, 1000000);
    rate("rate=10MB/s@2", 20000000, 2000000);
    vif_bad("rate=foo", "invalid rate `foo'");
    vif_bad("rate=10MB", "invalid rate `10MB'");
    vif_bad("rate=10ZB/s", "invalid rate `10ZB/s'");
    vif_bad("rate=4294967296b/s", "rate overflow `4294967296b/s'");
    vif_bad("rate=0B/s", "rate overflow `0B/s'");
    vif_bad("rate=10Mb/s@10h", "invalid replenishment interval `10h'");
    vif_bad("rate=1B/s@4294968ms",
            "replenishment interval overflow `4294968ms'");
    vif_bad("rate=1B/s@0us", "replenishment interval overflow `0us'");
    vif_bad("rate=4296MB/s@4294s", "rate overflow `4296MB/s@4294s'");
    vif_bad("rate=@", "no rate specified in `@'");
}

static void test_vif_keys(void **state)
{
    struct vif_spec v;
    char eb[160], *json;

    (void)state;
    assert_int_equal(vif_spec_parse("mac=00:16:3E:0a:0B:c, bridge=br0,ip=10.0."
                                    "0.2,script=vif-route,vifname=web,"
                                    "type=ioemu,model=e1000,backend=dd,"
                                    "gatewaydev=eth1,mtu=9000,devid=4,"
                                    "trusted,accel=x,,",
                                    -1, &v, eb, sizeof(eb)),
                     0);
    assert_true(v.has_mac);
    assert_memory_equal(v.mac, "\x00\x16\x3e\x0a\x0b\x0c", 6);
    assert_int_equal(v.devid, 4);
    assert_int_equal(v.type, NIC_TYPE_VIF_IOEMU);
    assert_int_equal(vif_spec_to_json(&v, &json), 0);
    assert_string_equal(json, "{\n"
                              "    \"backend_domname\": \"dd\",\n"
                              "    \"devid\": 4,\n"
                              "    \"mtu\": 9000,\n"
                              "    \"model\": \"e1000\",\n"
                              "    \"mac\": \"00:16:3e:0a:0b:0c\",\n"
                              "    \"ip\": \"10.0.0.2\",\n"
                              "    \"bridge\": \"br0\",\n"
                              "    \"ifname\": \"web\",\n"
                              "    \"script\": \"vif-route\",\n"
                              "    \"nictype\": \"vif_ioemu\",\n"
                              "    \"gatewaydev\": \"eth1\",\n"
                              "    \"trusted\": \"True\"\n"
                              "}\n");
    free(json);
    /* more words on top, as network-attach applies its arguments */
    assert_int_equal(vif_spec_parse_more("bogus", &v, eb, sizeof(eb)), -EINVAL);
    assert_int_equal(
        vif_spec_parse_more("bridge=br9,untrusted", &v, eb, sizeof(eb)), 0);
    assert_string_equal(v.bridge, "br9");
    assert_int_equal(v.trusted, 0);
    vif_spec_fini(&v);
    vif_bad("foo", "unrecognized argument `foo'");
    vif_bad("type=tap", "invalid type (vif or ioemu) `tap'");
    vif_bad("mtu=big", "invalid mtu `big'");
}

static void test_mac(void **state)
{
    uint8_t m[6];
    int i;

    (void)state;
    assert_int_equal(vif_mac_parse("00:16:3e:ff:00:01", m), 0);
    assert_memory_equal(m, "\x00\x16\x3e\xff\x00\x01", 6);
    assert_int_equal(vif_mac_parse("02:00:00:00:00:01", m), 0);
    assert_int_equal(vif_mac_parse("01:00:00:00:00:01", m), -EINVAL);
    assert_int_equal(vif_mac_parse("00:16:3e:00:00", m), -EINVAL);
    assert_int_equal(vif_mac_parse("00:16:3e:00:00:00:00", m), -EINVAL);
    assert_int_equal(vif_mac_parse("00:16:3e:00:00:100", m), -EINVAL);
    assert_int_equal(vif_mac_parse("00-16-3e-00-00-01", m), -EINVAL);
    assert_int_equal(vif_mac_parse("00:16:3e:00:00:0g", m), -EINVAL);
    for (i = 0; i < 32; i++) {
        assert_int_equal(vif_mac_random(m), 0);
        assert_memory_equal(m, "\x00\x16\x3e", 3);
        assert_int_equal(m[3] & 0x80, 0);
    }
}

UNIT_MAIN(cmocka_unit_test(test_disk_positional),
          cmocka_unit_test(test_disk_keys),
          cmocka_unit_test(test_disk_prefixes),
          cmocka_unit_test(test_disk_argv_and_json),
          cmocka_unit_test(test_vdev_devid), cmocka_unit_test(test_vif_rate),
          cmocka_unit_test(test_vif_keys), cmocka_unit_test(test_mac))
