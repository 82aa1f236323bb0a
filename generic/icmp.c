/*
 * icmp.c --
 *
 *	ICMP input (RFC 792, RFC 1122 3.2.2): an echo request addressed to
 *	the host gets an echo reply with the same identifier, sequence number
 *	and data. Other messages are ignored.
 */

#include <string.h>
#include "net.h"
#include "icmp.h"

/*
 * icmp_input --
 *	A datagram of protocol 1 for this host: data is the ICMP message, len
 *	its length. Messages with a bad checksum are dropped (RFC 1122
 *	3.2.2).
 */

void
icmp_input(
    tl_host *h,
    const tl_iphdr *ip,
    const uint8_t *data,
    uint32_t len)
{
    uint32_t iplen = IP_HDRLEN + len;
    tl_pkt *p;

    if (len < 8 || cksum_fold(cksum_add(0, data, len)) != 0) {
	return;
    }
    if (data[0] != ICMP_ECHO || data[1] != 0 || iplen > 65535) {
	return;
    }
    /* RFC 1122 3.2.2.6: the reply's source is the request's destination. */
    p = host_pkt_alloc(h, iplen);
    memcpy(p->data + IP_HDRLEN, data, len);
    p->data[IP_HDRLEN] = ICMP_ECHOREPLY;
    put16(p->data + IP_HDRLEN + 2, 0);
    put16(p->data + IP_HDRLEN + 2,
	    cksum_fold(cksum_add(0, p->data + IP_HDRLEN, len)));
    host_ip_output(h, ip->dst, ip->src, IPPROTO_ICMP_, ip->tos, p, iplen);
}
