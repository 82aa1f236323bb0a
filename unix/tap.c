/*
 * tap.c --
 *
 *	Linux TAP devices inside network namespaces: the system calls behind
 *	TAP links (generic/tapdev.h). The calling thread enters the namespace
 *	(setns), opens /dev/net/tun, makes an IFF_TAP | IFF_NO_PI device,
 *	gives the kernel's side its address, MTU and IFF_UP with ioctls on a
 *	socket of that namespace (the connected route follows), and goes back
 *	to its own namespace. The descriptor stays bound to the device, so
 *	every frame stays in the namespace. Frames for the kernel may be
 *	written by a thread of the device's own (below). No Tcl here, and no
 *	clock.
 *
 *	With offload the device has IFF_VNET_HDR too, and TUNSETOFFLOAD
 *	lets the kernel hand over TCP segments of up to 64 KiB with their
 *	checksums left for the device to fill in (TUN_F_TSO4, TUN_F_CSUM).
 *	Reading completes those checksums, so the rest of tcplab only ever
 *	sees whole, checksummed segments; writing marks segments larger
 *	than the MTU for the kernel to take as several (GSO). The header's
 *	fields are in the machine's byte order (the device's default, legacy
 *	virtio). Such a device also gives every frame written a buffer of
 *	its own (TUNSETSNDBUF), as packetdrill's tun device does.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include "tapdev.h"
#include "wire.h"

static void
Fail(
    char *err,
    size_t errlen,
    const char *what,
    const char *name,
    int e)
{
    snprintf(err, errlen, "%s \"%s\": %s", what, name, strerror(e));
}

/* Best effort: no IPv6 on the device (no router solicitations, no DAD). */
static void
NoIpv6(
    const char *ifname)
{
    char path[96];
    int fd;

    snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6",
	    ifname);
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
	if (write(fd, "1\n", 2) < 0) {
	    /* Without IPv6 in the kernel there is nothing to disable. */
	}
	close(fd);
    }
}

static int
SetAddr(
    int s,
    const char *ifname,
    unsigned long req,
    tl_addr a)
{
    struct ifreq ifr;
    struct sockaddr_in sin;

    memset(&ifr, 0, sizeof(ifr));
    memset(&sin, 0, sizeof(sin));
    strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(a);
    memcpy(&ifr.ifr_addr, &sin, sizeof(sin));
    return ioctl(s, req, &ifr);
}

static int
Up(
    int s,
    const char *ifname)
{
    struct ifreq ifr;

    memset(&ifr, 0, sizeof(ifr));
    strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
	return -1;
    }
    ifr.ifr_flags |= IFF_UP;
    return ioctl(s, SIOCSIFFLAGS, &ifr);
}

/*
 * Configure --
 *	Inside the namespace: creates the device and sets up the kernel's
 *	side of it.
 * Results:
 *	The device's descriptor, or -1 with a message in err.
 */

static int
Configure(
    const tl_tapcfg *cfg,
    uint8_t kmac[6],
    char *err,
    size_t errlen)
{
    struct ifreq ifr;
    int fd, s = -1, e;

    fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
	Fail(err, errlen, "can't open", "/dev/net/tun", errno);
	return -1;
    }
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (cfg->offload ? IFF_VNET_HDR : 0);
    strncpy(ifr.ifr_name, cfg->ifname, IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
	Fail(err, errlen, "can't create TAP device", cfg->ifname, errno);
	goto fail;
    }
    if (cfg->offload) {
	int hdrlen = TAPDEV_HDRLEN;

	if (ioctl(fd, TUNSETVNETHDRSZ, &hdrlen) < 0
		|| ioctl(fd, TUNSETOFFLOAD, (unsigned long) (TUN_F_CSUM
		| TUN_F_TSO4)) < 0) {
	    Fail(err, errlen, "can't turn on offloads of", cfg->ifname, errno);
	    goto fail;
	}
	/*
	 * Each frame written gets a buffer of its own, as on packetdrill's
	 * tun device and most NICs: with the default send buffer (INT_MAX)
	 * a non-blocking TAP builds small frames in page fragments
	 * (tun_can_build_skb, tun_build_skb), whose smaller truesize makes
	 * the kernel's receive window (tcp_measure_rcv_mss scaling_ratio)
	 * and so its ACK decisions differ from packetdrill's.
	 */
	int sndbuf = INT_MAX - 1;

	if (ioctl(fd, TUNSETSNDBUF, &sndbuf) < 0) {
	    Fail(err, errlen, "can't set the send buffer of", cfg->ifname,
		    errno);
	    goto fail;
	}
    }
    NoIpv6(cfg->ifname);
    s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) {
	Fail(err, errlen, "can't configure", cfg->ifname, errno);
	goto fail;
    }
    memset(&ifr, 0, sizeof(ifr));
    strncpy(ifr.ifr_name, cfg->ifname, IFNAMSIZ - 1);
    ifr.ifr_mtu = (int) cfg->mtu;
    if (ioctl(s, SIOCSIFMTU, &ifr) < 0) {
	Fail(err, errlen, "can't set the MTU of", cfg->ifname, errno);
	goto fail;
    }
    if (ioctl(s, SIOCGIFHWADDR, &ifr) < 0) {
	Fail(err, errlen, "can't read the MAC address of", cfg->ifname, errno);
	goto fail;
    }
    memcpy(kmac, ifr.ifr_hwaddr.sa_data, 6);
    if (SetAddr(s, cfg->ifname, SIOCSIFADDR, cfg->kaddr) < 0
	    || SetAddr(s, cfg->ifname, SIOCSIFNETMASK, cfg->kprefix
	    ? ~(tl_addr) 0 << (32 - cfg->kprefix) : 0) < 0) {
	Fail(err, errlen, "can't set the address of", cfg->ifname, errno);
	goto fail;
    }
    if (Up(s, cfg->ifname) < 0) {
	Fail(err, errlen, "can't bring up", cfg->ifname, errno);
	goto fail;
    }
    /* The namespace's loopback, for programs that use 127.0.0.1 there. */
    Up(s, "lo");
    close(s);
    return fd;
  fail:
    e = errno;
    if (s >= 0) {
	close(s);
    }
    close(fd);
    errno = e;
    return -1;
}

/*
 * tapdev_open --
 *	Creates the TAP device cfg->ifname in the network namespace
 *	cfg->netns (made by `ip netns add`), addresses the kernel's side and
 *	brings it up. kmac gets the kernel's MAC address. The device goes
 *	away when the descriptor is closed.
 * Results:
 *	A non-blocking descriptor, or -1 with a message in err.
 */

int
tapdev_open(
    const tl_tapcfg *cfg,
    uint8_t kmac[6],
    char *err,
    size_t errlen)
{
    char path[256];
    int nsfd, selffd, fd;

    if (cfg->ifname[0] == '\0' || strlen(cfg->ifname) >= IFNAMSIZ
	    || strchr(cfg->ifname, '/') || strchr(cfg->ifname, ' ')) {
	snprintf(err, errlen, "bad device name \"%s\": 1 to %d characters, "
		"no \"/\" or spaces", cfg->ifname, IFNAMSIZ - 1);
	return -1;
    }
    if (cfg->netns[0] == '\0' || strchr(cfg->netns, '/')
	    || strcmp(cfg->netns, ".") == 0 || strcmp(cfg->netns, "..") == 0
	    || strlen(cfg->netns) > 200) {
	snprintf(err, errlen, "bad network namespace name \"%s\"",
		cfg->netns);
	return -1;
    }
    snprintf(path, sizeof(path), "/run/netns/%s", cfg->netns);
    nsfd = open(path, O_RDONLY | O_CLOEXEC);
    if (nsfd < 0) {
	snprintf(err, errlen, "no network namespace \"%s\" (%s): create it "
		"with tcplab::netns create or ip netns add", cfg->netns,
		strerror(errno));
	return -1;
    }
    selffd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (selffd < 0) {
	Fail(err, errlen, "can't open", "/proc/thread-self/ns/net", errno);
	close(nsfd);
	return -1;
    }
    if (setns(nsfd, CLONE_NEWNET) < 0) {
	Fail(err, errlen, "can't enter network namespace", cfg->netns, errno);
	close(nsfd);
	close(selffd);
	return -1;
    }
    fd = Configure(cfg, kmac, err, errlen);
    if (setns(selffd, CLONE_NEWNET) < 0) {
	/* Stuck in the namespace: nothing this thread opens is safe. */
	Fail(err, errlen, "can't leave network namespace", cfg->netns, errno);
	if (fd >= 0) {
	    close(fd);
	}
	fd = -1;
    }
    close(nsfd);
    close(selffd);
    return fd;
}

void
tapdev_close(
    int fd)
{
    if (fd >= 0) {
	close(fd);
    }
}

/*
 * tapdev_read --
 *	One frame from the device into buf. With offload, buf gets the
 *	virtio-net header first and the frame after it (at TAPDEV_HDRLEN); a
 *	checksum the kernel left to the device is filled in, except a TCP
 *	segment's over IPv4: that one is left, and *csumIp gets the offset
 *	of its IP header in the frame (else 0; the field holds the
 *	pseudo-header's sum). *gso gets the segment size of a TCP segment
 *	that stands for several (else 0).
 * Results:
 *	The frame's length, 0 when none is waiting, -1 on error (errno set).
 */

long
tapdev_read(
    int fd,
    int offload,
    uint8_t *buf,
    uint32_t cap,
    uint32_t *gso,
    uint32_t *csumIp)
{
    struct virtio_net_hdr vh;
    ssize_t n = read(fd, buf, cap);
    uint8_t *frame = buf + TAPDEV_HDRLEN;
    uint32_t len, start, off;

    *gso = 0;
    *csumIp = 0;
    if (n < 0) {
	return errno == EAGAIN || errno == EINTR ? 0 : -1;
    }
    if (!offload) {
	return (long) n;
    }
    if (n <= TAPDEV_HDRLEN) {
	return 0;			/* Nothing after the header: skip it. */
    }
    len = (uint32_t) n - TAPDEV_HDRLEN;
    memcpy(&vh, buf, sizeof(vh));
    if (vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
	/* The kernel summed the pseudo-header into the checksum field;
	 * the rest is the device's job (virtio 1.1, 5.1.6.2). */
	start = vh.csum_start;
	off = vh.csum_offset;
	if (len > ETH_HDRLEN + IP_HDRLEN && get16(frame + 12) == ETHERTYPE_IP
		&& frame[ETH_HDRLEN + 9] == IPPROTO_TCP_ && off == 16
		&& start == ETH_HDRLEN + (frame[ETH_HDRLEN] & 15u) * 4
		&& start + TCP_HDRLEN <= len) {
	    *csumIp = ETH_HDRLEN;
	} else if (start + off + 2 <= len) {
	    put16(frame + start + off, cksum_fold(cksum_add(0, frame + start,
		    len - start)));
	}
    }
    if ((vh.gso_type & ~VIRTIO_NET_HDR_GSO_ECN) == VIRTIO_NET_HDR_GSO_TCPV4) {
	*gso = vh.gso_size;
    }
    return (long) len;
}

/*
 * tapdev_write --
 *	Hands one frame to the kernel. With offload, a TCP segment larger
 *	than the MTU goes as one GSO frame of segments of gso bytes, its
 *	checksum left to the kernel (which, delivering it locally, need not
 *	compute it).
 * Results:
 *	0, or an errno value (EAGAIN: the device's queue is full and the
 *	frame is lost, as on a busy wire).
 */

int
tapdev_write(
    int fd,
    int offload,
    const uint8_t *frame,
    uint32_t len,
    uint32_t gso)
{
    struct virtio_net_hdr vh;
    uint8_t head[ETH_HDRLEN + 60 + 60];
    struct iovec iov[3];
    int iovcnt = 0;
    ssize_t n;

    if (offload) {
	memset(&vh, 0, sizeof(vh));
	iov[iovcnt].iov_base = &vh;
	iov[iovcnt++].iov_len = sizeof(vh);
    }
    iov[iovcnt].iov_base = (void *) frame;
    iov[iovcnt++].iov_len = len;
    if (offload && gso && len > ETH_HDRLEN + IP_HDRLEN + TCP_HDRLEN
	    && get16(frame + 12) == ETHERTYPE_IP
	    && frame[ETH_HDRLEN + 9] == IPPROTO_TCP_) {
	const uint8_t *ip = frame + ETH_HDRLEN;
	uint32_t ihl = (ip[0] & 15u) * 4, hlen = len;

	if (ETH_HDRLEN + ihl + TCP_HDRLEN < len) {
	    hlen = ETH_HDRLEN + ihl + (uint32_t) (ip[ihl + 12] >> 4) * 4;
	}
	if (hlen <= sizeof(head) && hlen < len) {
	    /* The checksum field holds the pseudo-header's sum only. */
	    memcpy(head, frame, hlen);
	    put16(head + ETH_HDRLEN + ihl + 16, (uint16_t) ~cksum_fold(
		    cksum_pseudo(get32(ip + 12), get32(ip + 16), IPPROTO_TCP_,
		    get16(ip + 2) - ihl)));
	    vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	    vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	    vh.gso_size = (uint16_t) gso;
	    vh.hdr_len = (uint16_t) hlen;
	    vh.csum_start = (uint16_t) (ETH_HDRLEN + ihl);
	    vh.csum_offset = 16;
	    iov[1].iov_base = head;
	    iov[1].iov_len = hlen;
	    iov[2].iov_base = (void *) (frame + hlen);
	    iov[2].iov_len = len - hlen;
	    iovcnt = 3;
	}
    }
    do {
	n = writev(fd, iov, iovcnt);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? errno : 0;
}

/*
 * The writer thread --
 *	A write() to a TAP device runs the kernel's receive path for the
 *	frame in the writer's own system call (tun_get_user() ->
 *	netif_receive_skb() -> tcp_v4_rcv(), the receiver's wake-up
 *	included): more than half of what a sending tcplab spends per
 *	segment. Frames may therefore go through a ring to a thread of their
 *	own that writes them in order (tapdev_tx_put()), so the stack goes
 *	on with the next segment while the kernel takes the last, or be
 *	written at once after those (tapdev_tx_write()). One producer (the
 *	thread that owns the network), one consumer; positions only grow. A
 *	record is its length and gso size (8 bytes) and the frame, padded to
 *	8; a record that would cross the end leaves a wrap marker there
 *	instead.
 *	Either side sleeps on a condition variable only after saying so in
 *	a flag the other reads after moving its position (both sequentially
 *	consistent), so no wake-up is lost.
 */

#define TX_RING		(2u << 20)	/* Bytes: 32 largest GSO frames. */
#define TX_WRAP		UINT32_MAX
#define TX_SPIN		100		/* Polls of an empty ring first. */

struct tapdev_tx {
    int fd, offload;
    uint8_t *ring;
    atomic_uint_fast64_t head;		/* Consumed up to here... */
    atomic_uint_fast64_t tail;		/* ...produced up to here. */
    atomic_int writerSleeps, ownerWaits, stop;
    atomic_uint_fast64_t want;		/* Free bytes the waiting owner
					 * is woken for. */
    pthread_mutex_t mu;
    pthread_cond_t work, room;
    pthread_t thread;
    atomic_uint_fast64_t frames, bytes, gso, errors;
    atomic_int lastError;
};

static inline uint32_t
TxPad(
    uint32_t len)
{
    return (len + 7u) & ~7u;
}

/* One frame to the device, counted. */
static void
TxWrite(
    tapdev_tx *q,
    const uint8_t *frame,
    uint32_t len,
    uint32_t gso)
{
    int err = tapdev_write(q->fd, q->offload, frame, len, gso);

    if (err) {
	atomic_fetch_add(&q->errors, 1);
	atomic_store(&q->lastError, err);
    } else {
	atomic_fetch_add_explicit(&q->frames, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&q->bytes, len, memory_order_relaxed);
	if (gso) {
	    atomic_fetch_add_explicit(&q->gso, 1, memory_order_relaxed);
	}
    }
}

static void *
TxThread(
    void *arg)
{
    tapdev_tx *q = arg;

    for (;;) {
	uint64_t h = atomic_load_explicit(&q->head, memory_order_relaxed);
	uint64_t t = atomic_load_explicit(&q->tail, memory_order_acquire);
	uint32_t off, hdr[2];
	int i;

	if (h == t) {
	    if (atomic_load(&q->stop)) {
		break;
	    }
	    for (i = 0; i < TX_SPIN && h == t; i++) {
		sched_yield();
		t = atomic_load_explicit(&q->tail, memory_order_acquire);
	    }
	    if (h != t) {
		continue;
	    }
	    pthread_mutex_lock(&q->mu);
	    atomic_store(&q->writerSleeps, 1);
	    while (atomic_load(&q->tail) == h && !atomic_load(&q->stop)) {
		pthread_cond_wait(&q->work, &q->mu);
	    }
	    atomic_store(&q->writerSleeps, 0);
	    pthread_mutex_unlock(&q->mu);
	    continue;
	}
	off = (uint32_t) (h % TX_RING);
	memcpy(hdr, q->ring + off, sizeof(hdr));
	if (hdr[0] == TX_WRAP) {
	    h += TX_RING - off;
	} else {
	    TxWrite(q, q->ring + off + 8, hdr[0], hdr[1]);
	    h += 8 + TxPad(hdr[0]);
	}
	atomic_store(&q->head, h);
	if (atomic_load(&q->ownerWaits) && TX_RING - (atomic_load(&q->tail)
		- h) >= atomic_load(&q->want)) {
	    pthread_mutex_lock(&q->mu);
	    pthread_cond_signal(&q->room);
	    pthread_mutex_unlock(&q->mu);
	}
    }
    return NULL;
}

/*
 * WaitRoom --
 *	The owner waits until at most TX_RING - need bytes are queued. A full
 *	ring waits until half of it is free: woken for every frame written,
 *	the owner would switch with the writer once a frame.
 */

static void
WaitRoom(
    tapdev_tx *q,
    uint64_t need)
{
    uint64_t t = atomic_load_explicit(&q->tail, memory_order_relaxed);

    if (TX_RING - (t - atomic_load(&q->head)) >= need) {
	return;
    }
    if (need < TX_RING / 2) {
	need = TX_RING / 2;
    }
    pthread_mutex_lock(&q->mu);
    atomic_store(&q->want, need);
    atomic_store(&q->ownerWaits, 1);
    while (TX_RING - (t - atomic_load(&q->head)) < need) {
	pthread_cond_wait(&q->room, &q->mu);
    }
    atomic_store(&q->ownerWaits, 0);
    pthread_mutex_unlock(&q->mu);
}

/*
 * tapdev_tx_start --
 *	Starts the writer thread of a device.
 * Results:
 *	The queue, or NULL with the reason in err.
 */

tapdev_tx *
tapdev_tx_start(
    int fd,
    int offload,
    char *err,
    size_t errlen)
{
    tapdev_tx *q = calloc(1, sizeof(*q));
    sigset_t all, old;
    int e;

    if (q == NULL || (q->ring = malloc(TX_RING)) == NULL) {
	free(q);
	snprintf(err, errlen, "can't start the device's writer: %s",
		strerror(ENOMEM));
	return NULL;
    }
    q->fd = fd;
    q->offload = offload;
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->work, NULL);
    pthread_cond_init(&q->room, NULL);
    /* Signals stay with the threads that expect them. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    e = pthread_create(&q->thread, NULL, TxThread, q);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (e != 0) {
	pthread_cond_destroy(&q->room);
	pthread_cond_destroy(&q->work);
	pthread_mutex_destroy(&q->mu);
	free(q->ring);
	free(q);
	snprintf(err, errlen, "can't start the device's writer: %s",
		strerror(e));
	return NULL;
    }
    return q;
}

/*
 * tapdev_tx_put --
 *	Queues a copy of one frame for the device (tapdev_write()'s
 *	arguments); waits while the ring is full.
 */

void
tapdev_tx_put(
    tapdev_tx *q,
    const uint8_t *frame,
    uint32_t len,
    uint32_t gso)
{
    uint64_t t = atomic_load_explicit(&q->tail, memory_order_relaxed);
    uint32_t off = (uint32_t) (t % TX_RING), hdr[2];
    uint64_t need = 8 + TxPad(len);

    if (len > TAPDEV_MAXFRAME) {
	return;				/* No device takes it. */
    }
    if (off + need > TX_RING) {
	/* Not before the end: a wrap marker, and the frame at the start. */
	WaitRoom(q, TX_RING - off + need);
	hdr[0] = TX_WRAP;
	hdr[1] = 0;
	memcpy(q->ring + off, hdr, sizeof(hdr));
	t += TX_RING - off;
	off = 0;
    } else {
	WaitRoom(q, need);
    }
    hdr[0] = len;
    hdr[1] = gso;
    memcpy(q->ring + off, hdr, sizeof(hdr));
    memcpy(q->ring + off + 8, frame, len);
    atomic_store(&q->tail, t + need);
    if (atomic_load(&q->writerSleeps)) {
	pthread_mutex_lock(&q->mu);
	pthread_cond_signal(&q->work);
	pthread_mutex_unlock(&q->mu);
    }
}

/*
 * tapdev_tx_write --
 *	Writes one frame now, in the caller's thread, after those queued
 *	(tapdev_tx_put()'s arguments), counting it as the thread does.
 */

void
tapdev_tx_write(
    tapdev_tx *q,
    const uint8_t *frame,
    uint32_t len,
    uint32_t gso)
{
    tapdev_tx_flush(q, NULL);
    TxWrite(q, frame, len, gso);
}

/*
 * tapdev_tx_busy --
 *	Whether frames queued are still to be written.
 */

int
tapdev_tx_busy(
    tapdev_tx *q)
{
    return atomic_load(&q->head) != atomic_load_explicit(&q->tail,
	    memory_order_relaxed);
}

/*
 * tapdev_tx_flush --
 *	Waits until every frame queued has been written; then the counters
 *	(frames and bytes written, GSO frames among them, failed writes and
 *	the last one's errno) are final for what was queued.
 */

void
tapdev_tx_flush(
    tapdev_tx *q,
    tapdev_txstats *st)
{
    WaitRoom(q, TX_RING);
    if (st) {
	st->frames = atomic_load(&q->frames);
	st->bytes = atomic_load(&q->bytes);
	st->gso = atomic_load(&q->gso);
	st->errors = atomic_load(&q->errors);
	st->lastError = atomic_load(&q->lastError);
    }
}

/*
 * tapdev_tx_stop --
 *	Writes what is queued, ends the thread and frees the queue (before
 *	the device is closed).
 */

void
tapdev_tx_stop(
    tapdev_tx *q)
{
    if (q == NULL) {
	return;
    }
    tapdev_tx_flush(q, NULL);
    pthread_mutex_lock(&q->mu);
    atomic_store(&q->stop, 1);
    pthread_cond_signal(&q->work);
    pthread_mutex_unlock(&q->mu);
    pthread_join(q->thread, NULL);
    pthread_cond_destroy(&q->room);
    pthread_cond_destroy(&q->work);
    pthread_mutex_destroy(&q->mu);
    free(q->ring);
    free(q);
}
