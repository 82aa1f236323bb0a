/*
 * icmp.h --
 *
 *	ICMP (RFC 792): echo replies, so that ping reaches a host, and the
 *	host's own echo requests (ping). No Tcl here.
 */

#ifndef TCPLAB_ICMP_H
#define TCPLAB_ICMP_H

#include "host.h"

#define ICMP_ECHOREPLY	0
#define ICMP_ECHO	8

#define ICMP_HDRLEN	8
#define ICMP_MAXDATA	(65535 - IP_HDRLEN - ICMP_HDRLEN)

void		icmp_input(tl_host *host, const tl_iphdr *ip,
		    const uint8_t *data, uint32_t len);
int		icmp_echo(tl_host *host, tl_addr dst, uint16_t id,
		    uint16_t seq, uint32_t datalen);

#endif /* TCPLAB_ICMP_H */
