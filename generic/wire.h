/*
 * wire.h --
 *
 *	Wire formats: the IPv4 header (RFC 791), the TCP header and its options
 *	(RFC 9293 section 3.1, RFC 7323, RFC 2018) and the Internet checksum
 *	(RFC 1071). Bytes in, structs out, and back; nothing here trusts a length
 *	it has not checked.
 */

#ifndef TCPLAB_WIRE_H
#define TCPLAB_WIRE_H

#include "tlcore.h"

/*
 * Payload bytes not written yet: len bytes at at, which fn makes from the
 * offset off of a generated stream (the source application's: ring.h's
 * ring_gen(); fn is a pure function of arg and the offset, and arg lives
 * as long as the network). A sending host leaves a source's payload so
 * (tcp_env.h seg_unwritten), writes it before anything reads the frame
 * (net.c pkt_finish()), and a receiver that only counts the bytes (an
 * application that drops them unread) never has them written.
 */
typedef struct tl_unwritten {
    void (*fn)(void *arg, uint64_t off, uint8_t *buf, uint32_t n);
    void *arg;
    uint64_t off;
    uint8_t *at;
    uint32_t len;
} tl_unwritten;

static inline void
unwritten_fill(
    tl_unwritten *u)
{
    if (u->len) {
	u->fn(u->arg, u->off, u->at, u->len);
	u->len = 0;
    }
}

#define IP_HDRLEN	20
#define IP_MAXPACKET	65535	/* The largest datagram (its 16-bit length). */
#define TCP_HDRLEN	20
#define TCP_MAXOPTLEN	40
#define ETH_HDRLEN	14
#define ETHERTYPE_IP	0x0800
#define ETHERTYPE_ARP	0x0806
#define IPPROTO_TCP_	6
#define IPPROTO_ICMP_	1

/* TCP flags (RFC 9293 section 3.1). */
#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PUSH	0x08
#define TH_ACK	0x10
#define TH_URG	0x20
#define TH_ECE	0x40
#define TH_CWR	0x80

/* TCP option kinds. */
#define TCPOPT_EOL	0
#define TCPOPT_NOP	1
#define TCPOPT_MSS	2
#define TCPOPT_WSCALE	3
#define TCPOPT_SACK_PERM 4
#define TCPOPT_SACK	5
#define TCPOPT_TS	8
#define TCPOPT_FASTOPEN	34	/* RFC 7413 4.1.1 */
#define TCPOPT_EXP	254	/* RFC 6994 experimental, */
#define TCPOPT_FASTOPEN_MAGIC 0xF989	/* with Fast Open's ExID. */
#define TCP_FASTOPEN_COOKIE_MIN 4	/* RFC 7413 4.1.1 */
#define TCP_FASTOPEN_COOKIE_MAX 16

/* Why a header was refused; each has a counter on the receiving host. */
typedef enum {
    WIRE_OK = 0,
    WIRE_SHORT,		/* Fewer bytes than the header needs. */
    WIRE_BADVER,	/* Not IPv4. */
    WIRE_BADHLEN,	/* IHL or data offset out of range. */
    WIRE_BADLEN,	/* Total length disagrees with the frame. */
    WIRE_BADOPT,	/* Option length 0, 1 or past the end. */
    WIRE_CKSUM,		/* Checksum does not verify. */
    WIRE_FRAG,		/* A fragment (not reassembled). */
    WIRE_NERRORS
} wire_err;

extern const char *const wire_errnames[WIRE_NERRORS];

typedef struct tl_iphdr {
    uint8_t hlen;		/* Header length in bytes. */
    uint8_t tos;
    uint16_t len;		/* Total length. */
    uint16_t id;
    uint16_t frag;		/* Flags and fragment offset. */
    uint8_t ttl;
    uint8_t proto;
    uint8_t trusted;		/* Its checksums need no check (tunable
				 * cksum_trust), set by the receiver. */
    tl_addr src, dst;
    tl_unwritten *unwritten;	/* Set by the receiver: payload a trusted
				 * sender has not written, else NULL. */
} tl_iphdr;

#define IP_DF	0x4000
#define IP_MF	0x2000

typedef struct tl_tcpopts {
    unsigned has_mss:1, has_ws:1, sack_ok:1, has_ts:1;
    uint16_t mss;
    uint8_t ws;
    uint32_t tsval, tsecr;
    int nsack;			/* SACK blocks. */
    uint32_t sack[4][2];
    /* Fast Open (kind 34, or 254 with magic 0xF989), as Linux
     * tcp_parse_fastopen_option() takes it: the last one counts; fo_len
     * is -1 for a cookie of a length RFC 7413 refuses (2 to 3 or over 16
     * bytes), 0 for a request; an odd length is ignored. */
    unsigned has_fo:1, fo_exp:1;
    int8_t fo_len;
    uint8_t fo_cookie[TCP_FASTOPEN_COOKIE_MAX];
} tl_tcpopts;

typedef struct tl_tcphdr {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t off;		/* Header length in bytes. */
    uint8_t flags;
    uint16_t win, csum, urp;
    tl_tcpopts opt;
    const uint8_t *optbytes;	/* The raw options, for printing. */
    uint8_t optlen;
    const uint8_t *data;
    uint32_t datalen;
} tl_tcphdr;

uint32_t	cksum_add(uint32_t sum, const void *data, size_t len);
uint16_t	cksum_fold(uint32_t sum);
uint32_t	cksum_pseudo(tl_addr src, tl_addr dst, uint8_t proto, uint32_t len);

wire_err	ip_parse(const uint8_t *p, size_t len, tl_iphdr *ip, int verify);
void		ip_build(uint8_t *p, const tl_iphdr *ip, int sum);

wire_err	tcp_parse(const uint8_t *p, size_t len, tl_addr src, tl_addr dst,
		    tl_tcphdr *th, int verify);
wire_err	tcp_opts_parse(const uint8_t *p, size_t len, tl_tcpopts *o);
size_t		tcp_build(uint8_t *p, const tl_tcphdr *th, const uint8_t *opts,
		    size_t optlen, size_t datalen, tl_addr src, tl_addr dst);
size_t		tcp_build_header(uint8_t *p, const tl_tcphdr *th,
		    const uint8_t *opts, size_t optlen, size_t datalen);

/* Headers read without verifying them (traces, captures: what was on the
 * wire) and datagrams edited in place (forwarding, segmentation). */
void		ip_fields(const uint8_t *p, tl_iphdr *ip);
void		ip_set_cksum(uint8_t *p);
void		ip_set_len_id(uint8_t *p, uint16_t len, uint16_t id);
void		ip_dec_ttl(uint8_t *p);
void		tcp_fields(const uint8_t *p, tl_tcphdr *th);
int		tcp_peek(const uint8_t *p, uint32_t avail, uint32_t seglen,
		    tl_tcphdr *th);
void		tcp_set_seq(uint8_t *p, uint32_t seq);
void		tcp_clear_flags(uint8_t *p, uint8_t flags);
void		tcp_set_cksum(uint8_t *p, uint32_t len, tl_addr src,
		    tl_addr dst);
int		ip_find_tcp(const uint8_t *p, uint32_t avail, int *familyPtr,
		    uint8_t src[16], uint8_t dst[16], uint32_t *offPtr,
		    uint32_t *seglenPtr);
void		eth_build(uint8_t *p, const uint8_t dst[6],
		    const uint8_t src[6], uint16_t type);

/* Big-endian loads and stores. */
static inline uint16_t
get16(const uint8_t *p)
{
    return (uint16_t) ((p[0] << 8) | p[1]);
}

static inline uint32_t
get32(const uint8_t *p)
{
    return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16)
	    | ((uint32_t) p[2] << 8) | p[3];
}

static inline void
put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t) (v >> 8);
    p[1] = (uint8_t) v;
}

static inline void
put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t) (v >> 24);
    p[1] = (uint8_t) (v >> 16);
    p[2] = (uint8_t) (v >> 8);
    p[3] = (uint8_t) v;
}

/* Fields read often enough to stay inline. */
static inline uint32_t
ip_hdrlen(const uint8_t *p)
{
    return (uint32_t) (p[0] & 15) * 4;
}

static inline unsigned
ip_version(const uint8_t *p)
{
    return p[0] >> 4;
}

static inline uint16_t
ip_totlen(const uint8_t *p)
{
    return get16(p + 2);
}

static inline uint16_t
ip_id(const uint8_t *p)
{
    return get16(p + 4);
}

static inline uint8_t
ip_ttl(const uint8_t *p)
{
    return p[8];
}

static inline uint8_t
ip_proto(const uint8_t *p)
{
    return p[9];
}

static inline tl_addr
ip_src(const uint8_t *p)
{
    return get32(p + 12);
}

static inline tl_addr
ip_dst(const uint8_t *p)
{
    return get32(p + 16);
}

static inline uint32_t
tcp_hdrlen(const uint8_t *p)
{
    return (uint32_t) (p[12] >> 4) * 4;
}

static inline uint32_t
tcp_seq(const uint8_t *p)
{
    return get32(p + 4);
}

/* The EtherType of an Ethernet frame (at least ETH_HDRLEN bytes). */
static inline uint16_t
eth_type(const uint8_t *p)
{
    return get16(p + 12);
}

/* The EtherType after an 802.1Q/802.1ad tag whose TCI is at tci (IEEE
 * 802.1Q 9.6). */
static inline uint16_t
vlan_type(const uint8_t *tci)
{
    return get16(tci + 2);
}

/* The protocol of a Linux cooked capture header, SLL and SLL2 (libpcap's
 * LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2). */
static inline uint16_t
sll_protocol(const uint8_t *p)
{
    return get16(p + 14);
}

static inline uint16_t
sll2_protocol(const uint8_t *p)
{
    return get16(p);
}

#endif /* TCPLAB_WIRE_H */
