/*
 * capture.h --
 *
 *	Observers and matchers built on libpcap: BPF filter expressions
 *	compiled with pcap_compile and run on simulated frames with
 *	pcap_offline_filter, the scope of an observer or a fault rule (one
 *	host, one link, a direction), pcap capture files written with
 *	pcap_dump, and the extraction of TCP segments from frames of any
 *	link type read back from a file. No Tcl here (see DESIGN.md).
 */

#ifndef TCPLAB_CAPTURE_H
#define TCPLAB_CAPTURE_H

#include "net.h"
#include "wire.h"

/*
 * A compiled BPF filter. One program per link type of the simulated
 * network: Ethernet (LANs carry 14-byte Ethernet headers) and raw IPv4
 * (point-to-point links). An expression that only makes sense on one of
 * them (e.g. "ether src ...") matches nothing on the other.
 */
typedef struct tl_bpf tl_bpf;

#define CAPTURE_ERRLEN	512	/* Room for libpcap's messages and more. */

tl_bpf	       *bpf_new(tl_net *net, const char *expr, char *err, size_t errlen);
void		bpf_free(tl_bpf *f);
const char     *bpf_expr(const tl_bpf *f);
int		bpf_match(const tl_bpf *f, const uint8_t *frame, uint32_t len,
		    uint32_t valid, uint32_t l2len);

/* Which frames an observer sees or a fault rule acts on. */
typedef enum { WATCH_BOTH, WATCH_IN, WATCH_OUT } tl_watchdir;

typedef struct tl_watch {
    tl_bpf *filter;		/* NULL: every frame. */
    char *host;			/* Only frames this host sends or receives. */
    char *link;			/* Only frames on this link. */
    tl_watchdir dir;		/* With host: sent (out), received (in). */
} tl_watch;

void		watch_init(tl_watch *w);
void		watch_free(tl_watch *w);
int		watch_sees(const tl_watch *w, const tl_obsinfo *info);
int		watch_matches(const tl_watch *w, const tl_obsinfo *info);
tl_watch       *watch_new_fault(tl_watch *w);
tl_match_fn	watch_fault_match;
void		watch_fault_free(void *arg);

/* Link types a capture file can have (libpcap's DLT values). */
typedef enum { CAPTURE_ETHER, CAPTURE_RAW } tl_capkind;

typedef struct tl_capture {
    tl_net *net;
    struct pcap *pd;		/* A pcap_open_dead handle. */
    struct pcap_dumper *dumper;
    tl_capkind kind;
    tl_watch watch;
    int64_t epoch;		/* Seconds added to the network's clock. */
    uint32_t snaplen;
    uint64_t frames;		/* Frames written. */
} tl_capture;

tl_capkind	capture_kind_for(tl_net *net, const tl_watch *w);
tl_capture     *capture_open(tl_net *net, const char *path, tl_capkind kind,
		    uint32_t snaplen, int64_t epoch, tl_watch *w, char *err,
		    size_t errlen);
void		capture_close(tl_capture *c);

/* A TCP segment found in a captured frame (IPv4 or IPv6). */
typedef struct tl_pcapseg {
    int family;			/* 4 or 6. */
    uint8_t src[16], dst[16];	/* The first 4 bytes for IPv4. */
    tl_tcphdr th;		/* datalen from the IP length. */
} tl_pcapseg;

int		capture_segment(int dlt, const uint8_t *frame, uint32_t caplen,
		    tl_pcapseg *s);

/* Reading a pcap file, one TCP segment at a time. */
typedef struct tl_pcapreader tl_pcapreader;

tl_pcapreader  *pcapr_open(const char *path, char *err, size_t errlen);
int		pcapr_setfilter(tl_pcapreader *r, const char *expr, char *err,
		    size_t errlen);
int		pcapr_next(tl_pcapreader *r, int64_t *secPtr, long *usecPtr,
		    tl_pcapseg *s, char *err, size_t errlen);
void		pcapr_close(tl_pcapreader *r);

#endif /* TCPLAB_CAPTURE_H */
