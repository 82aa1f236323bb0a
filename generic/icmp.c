/*
 * icmp.c --
 *
 *	ICMP input (RFC 792, RFC 1122 3.2.2): an echo request addressed to
 *	the host gets an echo reply with the same identifier, sequence number
 *	and data; an echo reply goes to the host's ping (echo_reply). Other
 *	messages are ignored. And echo requests sent by the host (ping).
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
    if (data[0] == ICMP_ECHOREPLY && data[1] == 0) {
	if (h->echo_reply) {
	    h->echo_reply(h->echo_arg, ip->src, get16(data + 4),
		    get16(data + 6), len - ICMP_HDRLEN);
	}
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

/*
 * icmp_echo --
 *	Sends an echo request (RFC 792) to dst with this identifier and
 *	sequence number and datalen bytes of data (0, 1, 2, ... as ping
 *	fills them), from the address of the interface that reaches dst.
 * Results:
 *	0, or -1 when there is no route to dst.
 */

int
icmp_echo(
    tl_host *h,
    tl_addr dst,
    uint16_t id,
    uint16_t seq,
    uint32_t datalen)
{
    uint32_t len = ICMP_HDRLEN + datalen, i;
    tl_pkt *p;
    uint8_t *m;

    if (datalen > ICMP_MAXDATA) {
	return -1;
    }
    p = host_pkt_alloc(h, IP_HDRLEN + len);
    m = p->data + IP_HDRLEN;
    m[0] = ICMP_ECHO;
    m[1] = 0;
    put16(m + 2, 0);
    put16(m + 4, id);
    put16(m + 6, seq);
    for (i = 0; i < datalen; i++) {
	m[ICMP_HDRLEN + i] = (uint8_t) i;
    }
    put16(m + 2, cksum_fold(cksum_add(0, m, len)));
    return host_ip_output(h, host_source_addr(h, dst), dst, IPPROTO_ICMP_, 0,
	    p, IP_HDRLEN + len);
}
