/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check.h: value checks shared by xen-create-image and its companions.
 * Each returns 0 or -EINVAL.
 */
#ifndef XT_XCI_CHECK_H
#define XT_XCI_CHECK_H

/* RFC 1123: dot-separated labels of [A-Za-z0-9-], 1-63 long, no leading
 * or trailing '-', at most 253 in all. */
int xci_check_hostname(const char *h);
/* Dotted-quad IPv4 (inet_pton). */
int xci_check_ipv4(const char *ip);
/* An IPv4 netmask with contiguous one bits. */
int xci_check_netmask(const char *mask);
/* Parse "aa:bb:cc:dd:ee:ff" (any case), refuse multicast; lower-case out. */
int xci_check_mac(const char *mac, char out[18]);
/* Names used in paths and cfg specs: no '/', ',', quotes, spaces. */
int xci_check_name(const char *v);
/* Absolute paths that can be quoted into a cfg and a disk spec. */
int xci_check_path(const char *v);

#endif
