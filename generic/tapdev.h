/*
 * tapdev.h --
 *
 *	The platform layer of TAP links (unix/tap.c): a Linux TAP device
 *	(IFF_TAP | IFF_NO_PI) created inside a network namespace, with the
 *	kernel's side of it addressed and up. No Tcl here; the Tcl glue
 *	(tclTap.c) owns the file descriptor and watches it.
 *
 *	With offload, the device also has IFF_VNET_HDR and the kernel's
 *	checksum and TCP segmentation offloads (TUNSETOFFLOAD): a virtio-net
 *	header comes before every frame, and a frame may be a TCP segment of
 *	up to 64 KiB standing for several (its gso size says how large each
 *	is on a wire).
 */

#ifndef TCPLAB_TAPDEV_H
#define TCPLAB_TAPDEV_H

#include "tlcore.h"

#define TAPDEV_NAMELEN	16	/* IFNAMSIZ */

typedef struct tl_tapcfg {
    const char *netns;		/* Name under /run/netns (ip netns add). */
    const char *ifname;		/* The device's name, up to 15 bytes. */
    uint32_t mtu;
    tl_addr kaddr;		/* The kernel's address on it... */
    int kprefix;		/* ...and prefix length. */
    int offload;		/* Checksum and segmentation offload. */
} tl_tapcfg;

#define TAPDEV_HDRLEN	10	/* struct virtio_net_hdr, with offload. */
#define TAPDEV_MAXFRAME	(TAPDEV_HDRLEN + 18 + 65535)	/* Ethernet, VLAN. */

int		tapdev_open(const tl_tapcfg *cfg, uint8_t kmac[6], char *err,
		    size_t errlen);
void		tapdev_close(int fd);
long		tapdev_read(int fd, int offload, uint8_t *buf, uint32_t cap,
		    uint32_t *gso, uint32_t *csumIp);
int		tapdev_write(int fd, int offload, const uint8_t *frame,
		    uint32_t len, uint32_t gso);

/* A device's writer thread (frames written in order, off the caller's
 * thread) and its counters. */
typedef struct tapdev_tx tapdev_tx;
typedef struct tapdev_txstats {
    uint64_t frames, bytes, gso, errors;
    int lastError;
} tapdev_txstats;

tapdev_tx *	tapdev_tx_start(int fd, int offload, char *err, size_t errlen);
void		tapdev_tx_put(tapdev_tx *q, const uint8_t *frame, uint32_t len,
		    uint32_t gso);
void		tapdev_tx_write(tapdev_tx *q, const uint8_t *frame,
		    uint32_t len, uint32_t gso);
int		tapdev_tx_busy(tapdev_tx *q);
void		tapdev_tx_flush(tapdev_tx *q, tapdev_txstats *st);
void		tapdev_tx_stop(tapdev_tx *q);

#endif /* TCPLAB_TAPDEV_H */
