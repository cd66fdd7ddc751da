/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cfg.h: the xl.cfg(5)/xm cfg language (libxlu semantics) parsed into a typed
 * struct domain_config; disk (xl-disk-configuration(5)) and vif
 * (xl-network-configuration(5)) spec parsers; libxl-shaped JSON emitters.
 * The library never prints except to the caller's FILE *err.
 * Link: $(LIBCFG) $(LIBPV) -lyajl.
 */
#ifndef XT_CFG_CFG_H
#define XT_CFG_CFG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <yajl/yajl_gen.h>

/* Values as libxl_domain_type. */
enum domain_type {
    DOMAIN_TYPE_HVM = 1,
    DOMAIN_TYPE_PV = 2,
    DOMAIN_TYPE_PVH = 3,
};

/* Values as libxl_action_on_shutdown; cfg words "destroy", "rename-restart". */
enum action_on_shutdown {
    ACTION_DESTROY = 1,
    ACTION_RESTART = 2,
    ACTION_RESTART_RENAME = 3,
    ACTION_PRESERVE = 4,
    ACTION_COREDUMP_DESTROY = 5,
    ACTION_COREDUMP_RESTART = 6,
    ACTION_SOFT_RESET = 7,
};

/* Values as libxl_disk_format. */
enum disk_format {
    DISK_FORMAT_UNKNOWN = 0,
    DISK_FORMAT_QCOW = 1,
    DISK_FORMAT_QCOW2 = 2,
    DISK_FORMAT_VHD = 3,
    DISK_FORMAT_RAW = 4,
    DISK_FORMAT_EMPTY = 5,
    DISK_FORMAT_QED = 6,
};

/* Values as libxl_disk_backend. */
enum disk_backend {
    DISK_BACKEND_UNKNOWN = 0,
    DISK_BACKEND_PHY = 1,
    DISK_BACKEND_TAP = 2,
    DISK_BACKEND_QDISK = 3,
    DISK_BACKEND_STANDALONE = 4,
};

/* Values as libxl_nic_type. */
enum nic_type {
    NIC_TYPE_UNKNOWN = 0,
    NIC_TYPE_VIF_IOEMU = 1,
    NIC_TYPE_VIF = 2,
};

/* One disk, as libxl_device_disk. Strings are heap-owned (NULL = unset). */
struct disk_spec {
    char *pdev_path; /* target; NULL for an empty cdrom */
    char *vdev;      /* "xvda", "hda", ... */
    int devid;       /* disk_vdev_to_devid(vdev); < 0: unknown name */
    enum disk_format format;
    int readwrite; /* 1 = w (default), 0 = r */
    int is_cdrom;
    int removable;         /* 1 for cdroms, as libxl */
    char *backend_domname; /* backend= */
    enum disk_backend backendtype;
    char *script; /* script=, or block-<x> from iscsi:/nbd:... */
    int direct_io_safe;
    int discard_enable; /* -1 default, 0 no-discard, 1 discard */
    int trusted;        /* -1 default, 0 untrusted, 1 trusted */
};

/* One vif, as libxl_device_nic. Strings are heap-owned (NULL = unset). */
struct vif_spec {
    int devid; /* index in the vif list, or devid= */
    uint8_t mac[6];
    int has_mac; /* 0: create picks one (vif_mac_random) */
    char *bridge;
    char *ip;
    char *script;
    char *vifname;
    enum nic_type type;
    char *model;
    uint64_t rate_bytes_per_interval; /* 0 = unlimited */
    uint32_t rate_interval_usecs;
    char *backend_domname; /* backend= */
    char *gatewaydev;
    int mtu;     /* 0 = default (1500) */
    int trusted; /* -1 default, 0 untrusted, 1 trusted */
};

/* A string list (serial, device_model_args, bootloader_args). */
struct cfg_strv {
    char **v; /* NULL-terminated when n > 0 */
    size_t n;
};

/*
 * Keys that are one boolean, number, string or list of strings, each
 * kept in one field and in one JSON key. One row here is the struct field,
 * the cfg key and its place in libxl's JSON: the parser (config.c), the
 * JSON writer (json.c) and reader (json_read.c) go through the rows, so a
 * new such key is one row here plus its user (the engine or the device
 * model).
 *   X(field, "cfg key", section, "JSON key", kind, min, max)
 * section: CFG_B_INFO (b_info), CFG_B_HVM (b_info."type.hvm", HVM only) or
 * CFG_B_SCHED (b_info.sched_params).
 * kind: CFG_DEFBOOL (int field, -1 unset, JSON "True"/"False", as
 * libxl_defbool), CFG_NUM (long long field in [min, max], 0 unset),
 * CFG_STR (char *, NULL unset) or CFG_STRV (struct cfg_strv: a string or
 * a list in the cfg, a list in JSON). A section's rows are written in
 * their order here, which is libxl's (libxl_types.idl) within a section.
 */
#define CFG_SIMPLE_KEYS(X)                                                     \
    /* the PV kernel and its boot; cmdline is xl's parse_cmdline() of          \
     * cmdline=, root= and extra= (config.c read_boot) */                      \
    X(kernel, "kernel", CFG_B_INFO, "kernel", CFG_STR, 0, 0)                   \
    X(cmdline, "cmdline", CFG_B_INFO, "cmdline", CFG_STR, 0, 0)                \
    X(ramdisk, "ramdisk", CFG_B_INFO, "ramdisk", CFG_STR, 0, 0)                \
    X(bootloader, "bootloader", CFG_B_INFO, "bootloader", CFG_STR, 0, 0)       \
    X(bootloader_args, "bootloader_args", CFG_B_INFO, "bootloader_args",       \
      CFG_STRV, 0, 0)                                                          \
    /* xl.cfg hpet=BOOLEAN: the HVM guest's HPET (default on) */               \
    X(hpet, "hpet", CFG_B_HVM, "hpet", CFG_DEFBOOL, 0, 1)                      \
    /* xl.cfg cpu_weight, cap: the credit scheduler's share (sched.c) */       \
    X(cpu_weight, "cpu_weight", CFG_B_SCHED, "weight", CFG_NUM, 1, 65535)      \
    X(cap, "cap", CFG_B_SCHED, "cap", CFG_NUM, 0, 6400)

enum cfg_key_section { CFG_B_INFO, CFG_B_HVM, CFG_B_SCHED };
enum cfg_key_kind { CFG_DEFBOOL, CFG_NUM, CFG_STR, CFG_STRV };
#define CFG_TYPE_CFG_DEFBOOL int
#define CFG_TYPE_CFG_NUM long long
#define CFG_TYPE_CFG_STR char *
#define CFG_TYPE_CFG_STRV struct cfg_strv
#define CFG_SIMPLE_FIELD(f, k, sec, j, kind, min, max) CFG_TYPE_##kind f;

/* One row of CFG_SIMPLE_KEYS, as the parser and the JSON code see it. */
struct cfg_simple_key {
    const char *key; /* NULL ends the table */
    enum cfg_key_section section;
    const char *json;
    enum cfg_key_kind kind;
    long long min, max;
    size_t off; /* offsetof(struct domain_config, field) */
};
extern const struct cfg_simple_key cfg_simple_keys[];

/*
 * A parsed guest cfg. Tri-state ints (vnc, sdl, localtime, usb, vncunused)
 * are -1 when the file does not set them. 0 / NULL means unset otherwise.
 */
struct domain_config {
    char *name;
    uint8_t uuid[16];
    int has_uuid;
    enum domain_type type; /* default PV; builder="hvm" -> HVM */
    uint64_t memory_mb;    /* default 32 when unset (libxl) */
    uint64_t maxmem_mb;    /* default = memory_mb */
    unsigned vcpus;        /* default 1 */
    unsigned maxvcpus;     /* default = vcpus */
    char *cpus;            /* cpus= string; a list is joined by ',' */
    char *cpus_soft;       /* cpus_soft=, the same way */
    char *extra;
    char *root;
    enum action_on_shutdown on_poweroff; /* default destroy */
    enum action_on_shutdown on_reboot;   /* default restart */
    enum action_on_shutdown on_crash;    /* default destroy */
    enum action_on_shutdown on_watchdog; /* default destroy */
    struct disk_spec *disks;
    size_t nr_disks;
    struct vif_spec *vifs;
    size_t nr_vifs;
    int vnc;
    char *vnclisten;
    int vncdisplay; /* -1 unset */
    int vncunused;
    char *vncpasswd;
    int sdl;
    struct cfg_strv serial;
    char *boot; /* HVM boot order, e.g. "cd" */
    int localtime;
    int usb;
    struct cfg_strv device_model_args;
    char *device_model_accel; /* ours: "kvm" or "tcg" (HVM qemu) */
    /* kernel, cmdline, ramdisk, bootloader(_args), hpet, cpu_weight, cap */
    CFG_SIMPLE_KEYS(CFG_SIMPLE_FIELD)
};

/*
 * Parse the cfg file at path, then each "KEY=VALUE" of extra_kv (NULL-
 * terminated, may be NULL) as extra statements, as `xl create FILE k=v`.
 * On success returns 0 and a new config in *cfg_out (free with
 * domain_config_free). On failure returns -EINVAL (bad input; one line
 * "<prog>: FILE:LINE:COL: message" written to err) or -errno (I/O, ENOMEM).
 * Warnings (unknown keys) also go to err. err may be NULL (silence).
 */
int cfg_parse_file(const char *path, char *const *extra_kv,
                   struct domain_config **cfg_out, FILE *err);
/* As cfg_parse_file on an in-memory buffer; fname is used in messages. */
int cfg_parse_buf(const char *buf, size_t len, const char *fname,
                  char *const *extra_kv, struct domain_config **cfg_out,
                  FILE *err);
/* Frees everything the config owns, then the config. NULL is fine. */
void domain_config_free(struct domain_config *cfg);

/*
 * Parse one disk spec string into *out (zeroed first; release with
 * disk_spec_fini, also on failure). Returns 0, or -EINVAL with a one-line
 * reason naming the bad field in errbuf (errlen bytes), or -ENOMEM.
 */
int disk_spec_parse(const char *spec, struct disk_spec *out, char *errbuf,
                    size_t errlen);
/*
 * As disk_spec_parse over several words parsed as one spec, the way
 * `xl block-attach DOM WORD...` reads its arguments (positional state and
 * "respecified" checks carry across words).
 */
int disk_spec_parse_argv(int n, const char *const *specs, struct disk_spec *out,
                         char *errbuf, size_t errlen);
void disk_spec_fini(struct disk_spec *d);
/*
 * vdev name -> virtual device number (libxl__device_disk_dev_number):
 * xvdX[N], hdX[N], sdX[N], dNpM or a plain number. Returns >= 0 or -EINVAL.
 */
int disk_vdev_to_devid(const char *vdev);

/*
 * Parse one vif spec ("mac=..,bridge=..") into *out (zeroed first; devid set
 * to devid (-1: unset, left out of the JSON); release with vif_spec_fini,
 * also on failure). Returns 0, or
 * -EINVAL with the reason in errbuf, or -ENOMEM.
 */
int vif_spec_parse(const char *spec, int devid, struct vif_spec *out,
                   char *errbuf, size_t errlen);
/*
 * Parse one more comma-separated spec into an already-initialised *v (xl
 * network-attach applies each argument in turn). Same returns.
 */
int vif_spec_parse_more(const char *spec, struct vif_spec *v, char *errbuf,
                        size_t errlen);
void vif_spec_fini(struct vif_spec *v);
/* "aa:bb:cc:dd:ee:ff" -> mac. Rejects wrong length and multicast. 0/-EINVAL. */
int vif_mac_parse(const char *s, uint8_t mac_out[6]);
/* 00:16:3e + 3 random bytes, 4th byte top bit clear (libxl). 0 or -errno. */
int vif_mac_random(uint8_t mac_out[6]);

/*
 * libxl-shaped JSON (yajl, 4-space indent, fields at their default left
 * out). On success *json_out is a malloc'd NUL-terminated string the caller
 * frees. Return 0 or -ENOMEM.
 */
int disk_spec_to_json(const struct disk_spec *d, char **json_out);
int vif_spec_to_json(const struct vif_spec *v, char **json_out);
/* {"c_info": ..., "b_info": ..., "disks": [...], "nics": [...], ...} */
int domain_config_to_json(const struct domain_config *cfg, char **json_out);

/*
 * The inverse of domain_config_to_json: a config back from libxl's JSON (a
 * domain's kept config). Returns 0 and *cfg_out (domain_config_free), or
 * -EINVAL with the reason in err, or -ENOMEM.
 */
int domain_config_from_json(const char *json, struct domain_config **cfg_out,
                            char *err, size_t errlen);

/*
 * The same map as domain_config_to_json, written into the caller's open
 * generator (xm list -l nests it as {"domid": N, "config": {...}}).
 */
void domain_config_gen_json(yajl_gen g, const struct domain_config *cfg);

/*
 * The one rule for domain names, name= here and `xm rename` alike: not
 * empty, at most CFG_NAME_MAX bytes, no '/', no control characters.
 * Returns NULL when name is fine, else why not (static text).
 */
#define CFG_NAME_MAX 63
const char *cfg_name_invalid(const char *name);

/* Names used in cfgs and JSON. Never NULL. */
const char *cfg_action_name(enum action_on_shutdown a);
const char *cfg_type_name(enum domain_type t);
const char *cfg_disk_format_name(enum disk_format f);

#endif
