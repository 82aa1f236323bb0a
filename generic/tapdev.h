/*
 * tapdev.h --
 *
 *	The platform layer of TAP links (unix/tap.c): a Linux TAP device
 *	(IFF_TAP | IFF_NO_PI) created inside a network namespace, with the
 *	kernel's side of it addressed and up. No Tcl here; the Tcl glue
 *	(tclTap.c) owns the file descriptor and watches it.
 */

#ifndef TCPLAB_TAPDEV_H
#define TCPLAB_TAPDEV_H

#include "tcplab.h"

#define TAPDEV_NAMELEN	16	/* IFNAMSIZ */

typedef struct tl_tapcfg {
    const char *netns;		/* Name under /run/netns (ip netns add). */
    const char *ifname;		/* The device's name, up to 15 bytes. */
    uint32_t mtu;
    tl_addr kaddr;		/* The kernel's address on it... */
    int kprefix;		/* ...and prefix length. */
} tl_tapcfg;

int		tapdev_open(const tl_tapcfg *cfg, uint8_t kmac[6], char *err,
		    size_t errlen);
void		tapdev_close(int fd);
long		tapdev_read(int fd, uint8_t *buf, uint32_t cap);
int		tapdev_write(int fd, const uint8_t *frame, uint32_t len);

#endif /* TCPLAB_TAPDEV_H */
