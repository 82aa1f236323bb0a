/*
 * lwipbench.c --
 *
 *	lwIP beside tcplab in bench/tap.tcl: Debian's liblwip (lwIP 2.1.3,
 *	built with fixed options: threads, a 64 KiB window and send buffer,
 *	MSS 1460) on a TAP device, one read() or write() per frame, with a
 *	discard service (RFC 863) on port 9 and a source that sends to the
 *	kernel on request. Built by tap.tcl only where pkg-config knows lwip
 *	(Debian: liblwip-dev).
 *
 *	The device glue is this file's, not the library's unix port (tapif):
 *	that one copies a frame into pool buffers of the size its core was
 *	not built with, and a frame longer than about 600 bytes corrupts the
 *	heap (valgrind: an invalid write in pbuf_take past a 616-byte block).
 *
 *	lwipbench device address netmask gateway
 *
 *	The device (a TAP device already made, or made now) is taken by name;
 *	whoever runs the program brings it up and gives the kernel's side its
 *	address. Lines on stdout:
 *	  ready                       the stack is up;
 *	  received <bytes> <us>       a discard connection ended (its FIN), at
 *	                              <us> microseconds of the system's clock;
 *	  start <us>                  a source connection is established;
 *	  done                        its bytes are all acknowledged.
 *	Lines on stdin: "send <address> <port> <bytes>"; end of input ends it.
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "lwip/tcpip.h"
#include "lwip/tcp.h"
#include "lwip/netif.h"
#include "lwip/ip4_addr.h"
#include "lwip/etharp.h"
#include "netif/ethernet.h"

static struct netif nif;
static int tapfd = -1;
static unsigned long long received;
static unsigned long long left;
static int closing;
static char chunk[65536];

static long long
Micros(void)
{
    struct timeval tv;

    gettimeofday(&tv, NULL);
    return (long long) tv.tv_sec * 1000000 + tv.tv_usec;
}

/* A frame to the kernel: one write(). */
static err_t
TapOutput(
    struct netif *netif,
    struct pbuf *p)
{
    static unsigned char frame[1518];
    u16_t n;

    (void) netif;
    if (p->tot_len > sizeof(frame)) {
	return ERR_BUF;
    }
    n = pbuf_copy_partial(p, frame, p->tot_len, 0);
    if (write(tapfd, frame, n) != (ssize_t) n) {
	return ERR_IF;
    }
    return ERR_OK;
}

static err_t
TapInit(
    struct netif *netif)
{
    static const u8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x71, 0x03};

    netif->name[0] = 't';
    netif->name[1] = 'p';
    netif->output = etharp_output;
    netif->linkoutput = TapOutput;
    netif->mtu = 1500;
    netif->hwaddr_len = 6;
    memcpy(netif->hwaddr, mac, 6);
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP
	    | NETIF_FLAG_ETHERNET;
    return ERR_OK;
}

/* Frames from the kernel: one read() each, handed to the stack's thread. */
static void *
TapReader(
    void *arg)
{
    static unsigned char frame[65536];

    (void) arg;
    for (;;) {
	ssize_t n = read(tapfd, frame, sizeof(frame));
	struct pbuf *p;

	if (n < 0 && errno == EINTR) {
	    continue;
	}
	if (n <= 0) {
	    break;
	}
	p = pbuf_alloc(PBUF_RAW, (u16_t) n, PBUF_RAM);
	if (p == NULL) {
	    continue;
	}
	pbuf_take(p, frame, (u16_t) n);
	if (nif.input(p, &nif) != ERR_OK) {
	    pbuf_free(p);
	}
    }
    return NULL;
}

/* Discard: count, open the window again, drop. */
static err_t
DiscardRecv(
    void *arg,
    struct tcp_pcb *pcb,
    struct pbuf *p,
    err_t err)
{
    (void) arg;
    (void) err;
    if (p == NULL) {
	printf("received %llu %lld\n", received, Micros());
	tcp_recv(pcb, NULL);
	tcp_close(pcb);
	return ERR_OK;
    }
    received += p->tot_len;
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
}

static err_t
DiscardAccept(
    void *arg,
    struct tcp_pcb *pcb,
    err_t err)
{
    (void) arg;
    if (err != ERR_OK || pcb == NULL) {
	return ERR_VAL;
    }
    received = 0;
    tcp_recv(pcb, DiscardRecv);
    return ERR_OK;
}

/* Source: queue what the send buffer takes (no copy: the bytes are one
 * constant block), then the FIN. */
static void
Fill(
    struct tcp_pcb *pcb)
{
    while (left > 0) {
	u32_t n = tcp_sndbuf(pcb);

	if (n > sizeof(chunk) - 1) {
	    n = sizeof(chunk) - 1;
	}
	if (n > left) {
	    n = (u32_t) left;
	}
	if (n == 0 || tcp_write(pcb, chunk, (u16_t) n, 0) != ERR_OK) {
	    break;
	}
	left -= n;
    }
    if (left == 0 && !closing && tcp_close(pcb) == ERR_OK) {
	closing = 1;
    }
    tcp_output(pcb);
}

static err_t
SourceSent(
    void *arg,
    struct tcp_pcb *pcb,
    u16_t len)
{
    (void) arg;
    (void) len;
    Fill(pcb);
    if (closing && pcb->unacked == NULL && pcb->unsent == NULL) {
	printf("done\n");
    }
    return ERR_OK;
}

static err_t
SourceConnected(
    void *arg,
    struct tcp_pcb *pcb,
    err_t err)
{
    (void) arg;
    if (err != ERR_OK) {
	printf("error %d\n", (int) err);
	return err;
    }
    printf("start %lld\n", Micros());
    tcp_sent(pcb, SourceSent);
    Fill(pcb);
    return ERR_OK;
}

static void
SourceErr(
    void *arg,
    err_t err)
{
    (void) arg;
    printf("error %d\n", (int) err);
}

int
main(
    int argc,
    char **argv)
{
    ip4_addr_t addr, mask, gw;
    struct tcp_pcb *l;
    char line[200];

    struct ifreq ifr;
    pthread_t reader;

    if (argc != 5 || !ip4addr_aton(argv[2], &addr)
	    || !ip4addr_aton(argv[3], &mask) || !ip4addr_aton(argv[4], &gw)) {
	fprintf(stderr, "usage: lwipbench device address netmask gateway\n");
	return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    memset(chunk, 'x', sizeof(chunk));
    if ((tapfd = open("/dev/net/tun", O_RDWR)) < 0) {
	perror("lwipbench: /dev/net/tun");
	return 1;
    }
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", argv[1]);
    if (ioctl(tapfd, TUNSETIFF, &ifr) < 0) {
	perror("lwipbench: TUNSETIFF");
	return 1;
    }
    tcpip_init(NULL, NULL);
    LOCK_TCPIP_CORE();
    netif_add(&nif, &addr, &mask, &gw, NULL, TapInit, tcpip_input);
    netif_set_default(&nif);
    netif_set_up(&nif);
    netif_set_link_up(&nif);
    l = tcp_new();
    if (l == NULL || tcp_bind(l, IP_ADDR_ANY, 9) != ERR_OK
	    || (l = tcp_listen(l)) == NULL) {
	UNLOCK_TCPIP_CORE();
	fprintf(stderr, "lwipbench: can't listen on port 9\n");
	return 1;
    }
    tcp_accept(l, DiscardAccept);
    UNLOCK_TCPIP_CORE();
    if (pthread_create(&reader, NULL, TapReader, NULL) != 0) {
	fprintf(stderr, "lwipbench: can't start the reader\n");
	return 1;
    }
    printf("ready\n");

    while (fgets(line, sizeof(line), stdin)) {
	char host[64];
	unsigned port;
	unsigned long long bytes;
	ip_addr_t to;
	struct tcp_pcb *pcb;

	if (sscanf(line, "send %63s %u %llu", host, &port, &bytes) != 3
		|| !ipaddr_aton(host, &to)) {
	    fprintf(stderr, "lwipbench: bad command: %s", line);
	    continue;
	}
	LOCK_TCPIP_CORE();
	left = bytes;
	closing = 0;
	pcb = tcp_new();
	tcp_err(pcb, SourceErr);
	tcp_connect(pcb, &to, (u16_t) port, SourceConnected);
	UNLOCK_TCPIP_CORE();
    }
    return 0;
}
