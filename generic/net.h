/*
 * net.h --
 *
 *	The simulated network: a clock, hosts with IPv4 interfaces, and the
 *	links between them (point-to-point wires and shared LANs) with
 *	propagation delay, an optional rate and an MTU. Frames are delivered in
 *	time order by the clock. Observers (traces, captures) and fault filters
 *	wrap the links: TCP never knows it is watched or impaired.
 */

#ifndef TCPLAB_NET_H
#define TCPLAB_NET_H

#include "clock.h"
#include "slab.h"
#include "wire.h"

/* A frame on a link. The event delivers it; data points into buf. */
struct tl_pkt {
    tl_event ev;
    tl_pkt *next;		/* Free list; in flight or waiting for the
				 * transmitter, the next frame of the
				 * sending interface's line. */
    tl_net *net;
    tl_iface *from;		/* Sending interface. */
    tl_iface *to;		/* Receiving interface while in flight. */
    tl_host *lo;		/* Looping back to this host (no link). */
    uint32_t lo_crashes;	/* lo->crashes when it was sent. */
    uint32_t len;		/* Frame length (link header included). */
    uint32_t gso;		/* A TCP segment of several: their MSS, else 0. */
    int built;			/* A simulated host built it: its checksums
				 * are right (tunable cksum_trust). */
    int verified;		/* Its checksums are right whatever the
				 * host's cksum_trust: the kernel's own
				 * segment from a TAP device, the TCP
				 * checksum left to the device (tapdev.h),
				 * as Linux takes CHECKSUM_PARTIAL. */
    uint32_t csum_ip;		/* Not 0: the IP and TCP checksums of the
				 * datagram at buf + csum_ip are not
				 * computed yet;
				 * pkt_finish() does it before anyone reads
				 * the frame (an observer, a fault rule, a
				 * device, a host that checks or forwards
				 * it). */
    tl_unwritten unwritten;	/* Payload not written yet (wire.h), made
				 * by pkt_finish() at the same moments. */
    uint32_t cap;
    uint8_t *data;
    uint8_t buf[];
};

/* Frames are recycled in three sizes: up to PKT_TINY bytes (a segment
 * without data: SYN, ACK, FIN, RST, headers and options), up to PKT_SMALL,
 * and from PKT_BIG / 4 to PKT_BIG (a 64 KiB datagram and headers), of
 * which at most PKT_BIGKEEP are kept; the rest are allocated to measure.
 * Tiny frames live on pages of their own (slab.h): a burst of n
 * handshakes in flight takes n of them, given back when it is over. */
#define PKT_TINY	96
#define PKT_SMALL	2048
#define PKT_BIG		(65536 + 128)
#define PKT_BIGKEEP	64

/*
 * LINK_TAP: an Ethernet whose far side is a device outside the network (a
 * Linux TAP device, the kernel behind it). Frames for the far side go to
 * the link's output function; frames from it come in through
 * net_link_input. The far side is a stand-in interface (peer) of a
 * stand-in host that is not one of the network's hosts.
 */
typedef enum { LINK_P2P, LINK_LAN, LINK_TAP } tl_linkkind;

/* gso: the frame is a TCP segment larger than the link's MTU, to be cut
 * into segments of that many bytes (TCP segmentation offload), else 0. */
typedef void tl_output_fn(void *arg, const uint8_t *frame, uint32_t len,
		    uint32_t gso);

/* An open-addressing map from an address or a name to a pointer (net.c). */
typedef struct tl_map {
    size_t mask, count;		/* Slots - 1 (a power of two); used. */
    struct tl_mapslot *slots;
} tl_map;

struct tl_link {
    tl_net *net;
    char *name;
    tl_linkkind kind;
    tl_time delay;		/* Propagation delay. */
    uint64_t rate;		/* Bits per second, 0 = infinite. */
    uint32_t mtu;
    tl_iface **ifaces;
    int nifaces;
    tl_map byaddr;		/* ifaces by address: the first one. */
    tl_link *next;
    tl_iface *peer;		/* LINK_TAP: the far side. */
    tl_output_fn *output;	/* LINK_TAP: takes frames for the far side. */
    void *outputArg;
    uint32_t tso;		/* Largest TCP segment the far side takes in
				 * one frame (segmentation offload), else 0. */
};

struct tl_iface {
    tl_host *host;
    tl_link *link;
    tl_addr addr;
    int prefix;			/* Prefix length. */
    uint32_t mtu;		/* IP MTU: the link's. */
    uint8_t mac[6];
    int plugged;		/* 0 while the cable is out. */
    tl_time tx_free;		/* When the transmitter is next free. */
    tl_pkt *flight, *flightTail;/* Frames sent that arrive in the order
				 * sent: only the first is on the clock
				 * (Launch in net.c). */
    tl_pkt *waiting, *waitingTail;/* Frames waiting for the transmitter
				 * while someone observes or filters:
				 * only the first is on the clock
				 * (net_transmit in net.c). */
    struct tl_arp *arp;		/* ARP cache (TAP links), NULL when static. */
};

/* Frames on LANs and TAP links carry Ethernet headers. */
static inline int
link_is_ether(
    const tl_link *link)
{
    return link->kind != LINK_P2P;
}

/* What an observer is told about a frame. */
typedef enum {
    OBS_SEND,			/* Put on the wire by an interface. */
    OBS_DROP,			/* Dropped by a fault filter or unplugged cable. */
    OBS_DELIVER			/* Handed to the receiving interface. */
} tl_obskind;

typedef struct tl_obsinfo {
    tl_obskind kind;
    tl_time time;
    tl_link *link;
    tl_iface *from, *to;
    const uint8_t *frame;	/* Link header first. */
    uint32_t len;
    uint32_t valid;		/* The first valid bytes of the frame are
				 * final; a fault rule's match may answer
				 * -1 for a frame it cannot judge from
				 * them, and sees it again whole (Leave in
				 * net.c). Observers see whole frames. */
    uint32_t l2len;		/* Link header length: 14 on a LAN, 0 on a wire. */
    const char *reason;		/* For OBS_DROP. */
} tl_obsinfo;

typedef void tl_obs_fn(void *arg, const tl_obsinfo *info);

typedef struct tl_observer {
    tl_obs_fn *fn;
    void *arg;
    struct tl_observer *next;
} tl_observer;

/* A fault filter: matches frames and drops, delays or duplicates them. */
typedef enum { FAULT_DROP, FAULT_DELAY, FAULT_DUP } tl_faultaction;

typedef int tl_match_fn(void *arg, const tl_obsinfo *info);

typedef struct tl_fault {
    int id;
    tl_match_fn *match;
    void *matchArg;
    void (*freeArg)(void *arg);
    tl_faultaction action;
    tl_time delay;		/* For FAULT_DELAY. */
    long count;			/* Frames left to act on, -1 = unlimited. */
    long hits;
    struct tl_fault *next;
} tl_fault;

struct tl_net {
    tl_clock clock;
    uint64_t seed;
    tl_host **hosts;
    int nhosts;
    tl_map hostsbyname;		/* The first hostsbyname.count hosts. */
    tl_map hostsbyaddr;		/* The first host with each address. */
    tl_link *links;
    tl_slab tinyslab;		/* Frames of PKT_TINY (slab.h), */
    tl_pkt *freepkts;		/* of PKT_SMALL... */
    tl_pkt *freebig;		/* ...and PKT_BIG bytes, */
    int nfreebig;		/* this many. */
    tl_observer *observers;	/* Traces, captures, records: see every frame. */
    tl_fault *faults;
    int nextFaultId;
    int nextMac;
    void *user;			/* The driver's handle. */
    uint64_t nframes;		/* Frames put on a wire. */
};

tl_net	       *net_new(uint64_t seed);
void		net_free(tl_net *net);
tl_host	       *net_find_host(tl_net *net, const char *name);
tl_host	       *net_find_host_by_addr(tl_net *net, tl_addr addr);
tl_link	       *net_find_link(tl_net *net, const char *name);
tl_link	       *net_link_new(tl_net *net, const char *name, tl_linkkind kind,
		    tl_time delay, uint64_t rate, uint32_t mtu);
int		net_link_attach(tl_link *link, tl_host *host, tl_addr addr,
		    int prefix);
tl_link	       *net_tap_link_new(tl_net *net, const char *name, uint32_t mtu,
		    tl_output_fn *output, void *outputArg);
void		net_link_input(tl_link *link, const uint8_t *frame,
		    uint32_t len);
void		net_link_input_pkt(tl_link *link, tl_pkt *p);
tl_pkt	       *pkt_alloc(tl_net *net, uint32_t len);
void		pkt_free(tl_net *net, tl_pkt *pkt);
void		pkt_finish(tl_pkt *pkt);
void		net_transmit(tl_iface *ifc, tl_pkt *pkt);
void		net_loopback(tl_host *host, tl_pkt *pkt);
tl_iface       *link_resolve(tl_link *link, tl_addr addr);
void		net_observer_add(tl_net *net, tl_obs_fn *fn, void *arg);
void		net_observer_remove(tl_net *net, tl_obs_fn *fn, void *arg);
tl_fault       *net_fault_add(tl_net *net, tl_match_fn *match, void *arg,
		    void (*freeArg)(void *), tl_faultaction action,
		    tl_time delay, long count);
int		net_fault_remove(tl_net *net, int id);
uint64_t	net_random(tl_net *net, uint64_t key);

static inline tl_time
net_now(const tl_net *net)
{
    return net->clock.now;
}

#endif /* TCPLAB_NET_H */
