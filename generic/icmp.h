/*
 * icmp.h --
 *
 *	ICMP (RFC 792): echo replies, so that ping reaches a host. No Tcl
 *	here.
 */

#ifndef TCPLAB_ICMP_H
#define TCPLAB_ICMP_H

#include "host.h"

#define ICMP_ECHOREPLY	0
#define ICMP_ECHO	8

void		icmp_input(tl_host *host, const tl_iphdr *ip,
		    const uint8_t *data, uint32_t len);

#endif /* TCPLAB_ICMP_H */
