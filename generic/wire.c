/*
 * wire.c --
 *
 *	IPv4 and TCP header codecs and the Internet checksum.
 */

#include <string.h>
#include "wire.h"

const char *const wire_errnames[WIRE_NERRORS] = {
    "ok", "short header", "not IPv4", "bad header length",
    "bad total length", "bad option", "bad checksum", "fragment"
};

/*
 * cksum_add --
 *	Adds len bytes to a running one's-complement sum of 16-bit words
 *	(RFC 1071 section 4.1). An odd final byte is padded with zero; callers
 *	that chain buffers must keep all but the last one of even length.
 *
 *	The 32-bit words, in the machine's byte order, are added into a 64-bit
 *	sum, which holds the carries of 2^32 of them (16 GB, far more than a
 *	datagram), folded at the end (end-around carry): the one's-complement
 *	sum commutes with byte swapping and can be taken in any word size (RFC
 *	1071 section 2(B), 2(C)), so the folded sum is swapped once at the end
 *	on a little-endian machine. The loop has no carry to test, so the
 *	compiler makes it a vector loop (RFC 1071 2(D), Linux's
 *	csum_partial() takes 64-bit words with add-with-carry to the same
 *	end); GCC vectorizes at -O2 only when asked.
 */

/* A sum of 32-bit words in the machine's order, as a 16-bit sum of the
 * bytes in network order. */
static inline uint32_t
FoldWords(
    uint64_t acc)
{
    acc = (acc & 0xffffffffu) + (acc >> 32);
    acc = (acc & 0xffffffffu) + (acc >> 32);
    acc = (acc & 0xffffu) + (acc >> 16);
    acc = (acc & 0xffffu) + (acc >> 16);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    acc = ((acc & 0xffu) << 8) | (acc >> 8);
#endif
    return (uint32_t) acc;
}

#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("tree-vectorize")))
#endif
uint32_t
cksum_add(
    uint32_t sum,
    const void *data,
    size_t len)
{
    const uint8_t *p = data;
    uint64_t acc = 0, total;
    size_t i, n = len / 4;

    for (i = 0; i < n; i++) {
	uint32_t w;

	memcpy(&w, p + 4 * i, 4);
	acc += w;
    }
    p += 4 * n;
    len -= 4 * n;
    total = (uint64_t) sum + FoldWords(acc);
    while (len >= 2) {
	total += get16(p);
	p += 2;
	len -= 2;
    }
    if (len) {
	total += (uint32_t) p[0] << 8;
    }
    while (total >> 32) {
	total = (total & 0xffffffffu) + (total >> 32);
    }
    return (uint32_t) total;
}

/* Folds a sum to 16 bits and complements it. */
uint16_t
cksum_fold(
    uint32_t sum)
{
    while (sum >> 16) {
	sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t) ~sum;
}

/* The TCP/UDP pseudo-header sum (RFC 9293 section 3.1). */
uint32_t
cksum_pseudo(
    tl_addr src,
    tl_addr dst,
    uint8_t proto,
    uint32_t len)
{
    return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff)
	    + proto + len;
}

wire_err
ip_parse(
    const uint8_t *p,
    size_t len,
    tl_iphdr *ip,
    int verify)
{
    if (len < IP_HDRLEN) {
	return WIRE_SHORT;
    }
    if ((p[0] >> 4) != 4) {
	return WIRE_BADVER;
    }
    ip->hlen = (uint8_t) ((p[0] & 0x0f) * 4);
    if (ip->hlen < IP_HDRLEN || ip->hlen > len) {
	return WIRE_BADHLEN;
    }
    ip_fields(p, ip);
    if (ip->len < ip->hlen || ip->len > len) {
	return WIRE_BADLEN;
    }
    if (verify && cksum_fold(cksum_add(0, p, ip->hlen)) != 0) {
	return WIRE_CKSUM;
    }
    if (ip->frag & (IP_MF | 0x1fff)) {
	return WIRE_FRAG;
    }
    return WIRE_OK;
}

/* Writes a 20-byte header, with its checksum if sum (else 0 there, for
 * ip_set_cksum() to fill). */
void
ip_build(
    uint8_t *p,
    const tl_iphdr *ip,
    int sum)
{
    p[0] = 0x45;
    p[1] = ip->tos;
    put16(p + 2, ip->len);
    put16(p + 4, ip->id);
    put16(p + 6, ip->frag);
    p[8] = ip->ttl;
    p[9] = ip->proto;
    put16(p + 10, 0);
    put32(p + 12, ip->src);
    put32(p + 16, ip->dst);
    if (sum) {
	put16(p + 10, cksum_fold(cksum_add(0, p, IP_HDRLEN)));
    }
}

/*
 * tcp_opts_parse --
 *	Parses TCP options (RFC 9293 section 3.2). Unknown kinds are skipped by
 *	their length; a length below 2 or past the end refuses the segment
 *	(RFC 9293 3.2: "a TCP implementation MUST be prepared to handle an
 *	illegal option length (e.g., zero)").
 */

wire_err
tcp_opts_parse(
    const uint8_t *p,
    size_t len,
    tl_tcpopts *o)
{
    size_t i = 0;

    memset(o, 0, sizeof(*o));
    while (i < len) {
	uint8_t kind = p[i], olen;

	if (kind == TCPOPT_EOL) {
	    break;
	}
	if (kind == TCPOPT_NOP) {
	    i++;
	    continue;
	}
	if (i + 1 >= len) {
	    return WIRE_BADOPT;
	}
	olen = p[i + 1];
	if (olen < 2 || i + olen > len) {
	    return WIRE_BADOPT;
	}
	switch (kind) {
	case TCPOPT_MSS:
	    if (olen == 4) {
		o->has_mss = 1;
		o->mss = get16(p + i + 2);
	    }
	    break;
	case TCPOPT_WSCALE:
	    if (olen == 3) {
		o->has_ws = 1;
		o->ws = p[i + 2];
	    }
	    break;
	case TCPOPT_SACK_PERM:
	    if (olen == 2) {
		o->sack_ok = 1;
	    }
	    break;
	case TCPOPT_TS:
	    if (olen == 10) {
		o->has_ts = 1;
		o->tsval = get32(p + i + 2);
		o->tsecr = get32(p + i + 6);
	    }
	    break;
	case TCPOPT_SACK:
	    if (olen >= 10 && (olen - 2) % 8 == 0) {
		int n = (olen - 2) / 8, k;

		for (k = 0; k < n && k < 4; k++) {
		    o->sack[k][0] = get32(p + i + 2 + 8 * k);
		    o->sack[k][1] = get32(p + i + 6 + 8 * k);
		}
		o->nsack = k;
	    }
	    break;
	case TCPOPT_FASTOPEN:
	case TCPOPT_EXP: {
	    /* Linux tcp_parse_options(), tcp_parse_fastopen_option(). */
	    int exp = kind == TCPOPT_EXP, clen = olen - (exp ? 4 : 2);

	    if ((exp && (olen < 4 || get16(p + i + 2) != TCPOPT_FASTOPEN_MAGIC))
		    || (clen & 1)) {
		break;
	    }
	    o->has_fo = 1;
	    o->fo_exp = (unsigned) exp;
	    if (clen >= TCP_FASTOPEN_COOKIE_MIN
		    && clen <= TCP_FASTOPEN_COOKIE_MAX) {
		memcpy(o->fo_cookie, p + i + (exp ? 4 : 2), (size_t) clen);
		o->fo_len = (int8_t) clen;
	    } else {
		o->fo_len = (int8_t) (clen == 0 ? 0 : -1);
	    }
	    break;
	}
	default:
	    break;
	}
	i += olen;
    }
    return WIRE_OK;
}

/*
 * tcp_parse --
 *	Parses and (verify) verifies a TCP segment of len bytes carried
 *	between src and dst. th->data points into p.
 */

wire_err
tcp_parse(
    const uint8_t *p,
    size_t len,
    tl_addr src,
    tl_addr dst,
    tl_tcphdr *th,
    int verify)
{
    wire_err err;

    if (len < TCP_HDRLEN) {
	return WIRE_SHORT;
    }
    th->off = (uint8_t) ((p[12] >> 4) * 4);
    if (th->off < TCP_HDRLEN || th->off > len) {
	return WIRE_BADHLEN;
    }
    if (verify && cksum_fold(cksum_add(cksum_pseudo(src, dst, IPPROTO_TCP_,
	    (uint32_t) len), p, len)) != 0) {
	return WIRE_CKSUM;
    }
    tcp_fields(p, th);
    th->optbytes = p + TCP_HDRLEN;
    th->optlen = (uint8_t) (th->off - TCP_HDRLEN);
    err = tcp_opts_parse(th->optbytes, th->optlen, &th->opt);
    if (err != WIRE_OK) {
	return err;
    }
    th->data = p + th->off;
    th->datalen = (uint32_t) (len - th->off);
    return WIRE_OK;
}

/*
 * tcp_build --
 *	Writes the header and options of th at p, where datalen bytes of data
 *	already follow the header space (20 + optlen bytes), and computes the
 *	checksum over all of it (tcp_build_header(): leaves it 0, for
 *	tcp_set_cksum() later).
 * Results:
 *	The segment's length.
 */

size_t
tcp_build(
    uint8_t *p,
    const tl_tcphdr *th,
    const uint8_t *opts,
    size_t optlen,
    size_t datalen,
    tl_addr src,
    tl_addr dst)
{
    size_t len = tcp_build_header(p, th, opts, optlen, datalen);

    put16(p + 16, cksum_fold(cksum_add(cksum_pseudo(src, dst, IPPROTO_TCP_,
	    (uint32_t) len), p, len)));
    return len;
}

size_t
tcp_build_header(
    uint8_t *p,
    const tl_tcphdr *th,
    const uint8_t *opts,
    size_t optlen,
    size_t datalen)
{
    size_t off = TCP_HDRLEN + ((optlen + 3) & ~(size_t) 3), len;

    put16(p, th->sport);
    put16(p + 2, th->dport);
    put32(p + 4, th->seq);
    put32(p + 8, th->ack);
    p[12] = (uint8_t) ((off / 4) << 4);
    p[13] = th->flags;
    put16(p + 14, th->win);
    put16(p + 16, 0);
    put16(p + 18, th->urp);
    if (optlen) {
	memcpy(p + TCP_HDRLEN, opts, optlen);
	memset(p + TCP_HDRLEN + optlen, TCPOPT_EOL, off - TCP_HDRLEN - optlen);
    }
    len = off + datalen;
    return len;
}

/* Every field of an IPv4 header of at least 20 bytes, unchecked. */
void
ip_fields(
    const uint8_t *p,
    tl_iphdr *ip)
{
    ip->hlen = (uint8_t) ip_hdrlen(p);
    ip->tos = p[1];
    ip->len = get16(p + 2);
    ip->id = get16(p + 4);
    ip->frag = get16(p + 6);
    ip->ttl = p[8];
    ip->proto = p[9];
    ip->src = get32(p + 12);
    ip->dst = get32(p + 16);
    ip->trusted = 0;
    ip->unwritten = NULL;
}

/* The header checksum of the IPv4 header at p, computed again. */
void
ip_set_cksum(
    uint8_t *p)
{
    put16(p + 10, 0);
    if (ip_hdrlen(p) == IP_HDRLEN) {
	/* The usual header, five words: no loop (a fault rule makes this
	 * sum for every frame it looks at). */
	uint32_t w[5];

	memcpy(w, p, sizeof(w));
	put16(p + 10, cksum_fold(FoldWords((uint64_t) w[0] + w[1] + w[2]
		+ w[3] + w[4])));
	return;
    }
    put16(p + 10, cksum_fold(cksum_add(0, p, ip_hdrlen(p))));
}

/* A new total length and ID (a piece of a larger datagram). */
void
ip_set_len_id(
    uint8_t *p,
    uint16_t len,
    uint16_t id)
{
    put16(p + 2, len);
    put16(p + 4, id);
    ip_set_cksum(p);
}

/* One hop fewer to live (RFC 791, RFC 1812 5.3.1). */
void
ip_dec_ttl(
    uint8_t *p)
{
    p[8]--;
    ip_set_cksum(p);
}

/* The fixed fields of a TCP header of at least 20 bytes, unchecked. */
void
tcp_fields(
    const uint8_t *p,
    tl_tcphdr *th)
{
    th->sport = get16(p);
    th->dport = get16(p + 2);
    th->seq = get32(p + 4);
    th->ack = get32(p + 8);
    th->off = (uint8_t) tcp_hdrlen(p);
    th->flags = p[13];
    th->win = get16(p + 14);
    th->csum = get16(p + 16);
    th->urp = get16(p + 18);
}

/*
 * tcp_peek --
 *	The TCP header at p as captured: avail bytes are there of a segment
 *	whose length (from IP) is seglen; the checksum is not verified and
 *	the data may be cut short (data is then NULL).
 * Results:
 *	1, or 0 when the header itself is not all there or is malformed.
 */

int
tcp_peek(
    const uint8_t *p,
    uint32_t avail,
    uint32_t seglen,
    tl_tcphdr *th)
{
    if (avail < TCP_HDRLEN || seglen < TCP_HDRLEN) {
	return 0;
    }
    memset(th, 0, sizeof(*th));
    tcp_fields(p, th);
    if (th->off < TCP_HDRLEN || th->off > seglen || th->off > avail) {
	return 0;
    }
    th->optbytes = p + TCP_HDRLEN;
    th->optlen = (uint8_t) (th->off - TCP_HDRLEN);
    tcp_opts_parse(th->optbytes, th->optlen, &th->opt);
    th->datalen = seglen - th->off;
    th->data = avail >= seglen ? p + th->off : NULL;
    return 1;
}

void
tcp_set_seq(
    uint8_t *p,
    uint32_t seq)
{
    put32(p + 4, seq);
}

void
tcp_clear_flags(
    uint8_t *p,
    uint8_t flags)
{
    p[13] &= (uint8_t) ~flags;
}

/* The checksum of the len-byte segment at p, computed again. */
void
tcp_set_cksum(
    uint8_t *p,
    uint32_t len,
    tl_addr src,
    tl_addr dst)
{
    put16(p + 16, 0);
    put16(p + 16, cksum_fold(cksum_add(cksum_pseudo(src, dst, IPPROTO_TCP_,
	    len), p, len)));
}

/*
 * ip_find_tcp --
 *	Finds the TCP header in an IPv4 or IPv6 datagram of which avail bytes
 *	are there (first fragments only; IPv6 extension headers are
 *	skipped), without verifying checksums. A total or payload length of
 *	0 (segmentation offload, jumbograms) is taken as what is there.
 * Results:
 *	1 with the family (4 or 6), the addresses as bytes, the offset of
 *	the TCP header and the TCP length from the IP header; 0 when it is
 *	not a TCP segment.
 */

int
ip_find_tcp(
    const uint8_t *p,
    uint32_t avail,
    int *familyPtr,
    uint8_t src[16],
    uint8_t dst[16],
    uint32_t *offPtr,
    uint32_t *seglenPtr)
{
    uint32_t hlen, total;

    if (avail < 1) {
	return 0;
    }
    if (ip_version(p) == 4) {
	if (avail < IP_HDRLEN) {
	    return 0;
	}
	hlen = ip_hdrlen(p);
	total = ip_totlen(p);
	if (total == 0) {
	    total = avail;		/* TCP segmentation offload. */
	}
	if (hlen < IP_HDRLEN || total < hlen || avail < hlen
		|| ip_proto(p) != IPPROTO_TCP_
		|| (get16(p + 6) & 0x1fff) != 0) {
	    return 0;
	}
	*familyPtr = 4;
	memcpy(src, p + 12, 4);
	memcpy(dst, p + 16, 4);
	*offPtr = hlen;
	*seglenPtr = total - hlen;
	return 1;
    }
    if (ip_version(p) == 6) {
	uint8_t next;
	uint32_t plen;

	if (avail < 40) {
	    return 0;
	}
	plen = get16(p + 4);
	if (plen == 0) {
	    plen = avail - 40;		/* Jumbogram or offload. */
	}
	next = p[6];
	*familyPtr = 6;
	memcpy(src, p + 8, 16);
	memcpy(dst, p + 24, 16);
	hlen = 40;
	/* Extension headers before TCP (RFC 8200 4). */
	while (next != IPPROTO_TCP_) {
	    uint32_t elen;

	    if (hlen + 8 > avail || hlen + 8 > plen + 40) {
		return 0;
	    }
	    switch (next) {
	    case 0:			/* Hop-by-hop options. */
	    case 43:			/* Routing. */
	    case 60:			/* Destination options. */
		elen = ((uint32_t) p[hlen + 1] + 1) * 8;
		break;
	    case 44:			/* Fragment: only the first. */
		if ((get16(p + hlen + 2) & 0xfff8) != 0) {
		    return 0;
		}
		elen = 8;
		break;
	    case 51:			/* Authentication header. */
		elen = ((uint32_t) p[hlen + 1] + 2) * 4;
		break;
	    default:
		return 0;
	    }
	    next = p[hlen];
	    hlen += elen;
	}
	if (hlen > avail || hlen > plen + 40) {
	    return 0;
	}
	*offPtr = hlen;
	*seglenPtr = plen + 40 - hlen;
	return 1;
    }
    return 0;
}

/* An Ethernet header (RFC 894). */
void
eth_build(
    uint8_t *p,
    const uint8_t dst[6],
    const uint8_t src[6],
    uint16_t type)
{
    memcpy(p, dst, 6);
    memcpy(p + 6, src, 6);
    put16(p + 12, type);
}
