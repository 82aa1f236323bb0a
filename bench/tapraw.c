/*
 * tapraw.c --
 *
 *	The ceiling of a TAP device for bench/tap.tcl: how many frames per
 *	second a plain read() loop takes from the kernel and a plain write()
 *	loop gives it, one frame per call, on a TAP device of MTU 1500 without
 *	offloads. Run it as root inside the network namespace the benchmark
 *	made (nothing leaves it):
 *
 *	    tapraw device seconds
 *
 *	It makes the device, gives the kernel 203.0.113.1/24 on it and a
 *	neighbour 203.0.113.2 at a fixed MAC (documentation addresses), then
 *	  write: frames of 1514 bytes (a UDP datagram of 1472 bytes from
 *	         the neighbour to a socket of the kernel's that never reads,
 *	         so the kernel takes each frame up to the socket and drops it);
 *	  read:  a thread sends such datagrams to the neighbour as fast as
 *	         the kernel takes them, and the loop reads the frames.
 *	Each for half the time. Prints "write <frames/s> read <frames/s>".
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME	1514
#define PAYLOAD	1472

static volatile int stop;

static double
Now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
Die(const char *what)
{
    perror(what);
    exit(1);
}

static void
Run(const char *fmt, const char *dev)
{
    char cmd[256];

    snprintf(cmd, sizeof(cmd), fmt, dev);
    if (system(cmd) != 0) {
	fprintf(stderr, "tapraw: failed: %s\n", cmd);
	exit(1);
    }
}

static uint16_t
Cksum(const uint8_t *p, size_t n)
{
    uint32_t s = 0;
    size_t i;

    for (i = 0; i + 1 < n; i += 2) {
	s += (uint32_t) (p[i] << 8 | p[i + 1]);
    }
    while (s >> 16) {
	s = (s & 0xffff) + (s >> 16);
    }
    return (uint16_t) ~s;
}

/* Sends datagrams to the neighbour until told to stop. */
static void *
Sender(
    void *arg)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to;
    static char buf[PAYLOAD];

    (void) arg;
    if (s < 0) {
	Die("socket");
    }
    memset(&to, 0, sizeof(to));
    to.sin_family = AF_INET;
    to.sin_port = htons(9);
    inet_pton(AF_INET, "203.0.113.2", &to.sin_addr);
    while (!stop) {
	/* A full device queue answers ENOBUFS: the frame is not sent. */
	(void) sendto(s, buf, sizeof(buf), 0, (struct sockaddr *) &to,
		sizeof(to));
    }
    close(s);
    return NULL;
}

int
main(
    int argc,
    char **argv)
{
    struct ifreq ifr;
    struct sockaddr_in a;
    uint8_t frame[FRAME], mac[6], buf[65536];
    double half, t0, t;
    long nw = 0, nr = 0;
    int fd, sink;
    pthread_t th;

    if (argc != 3) {
	fprintf(stderr, "usage: tapraw device seconds\n");
	return 2;
    }
    half = atof(argv[2]) / 2;
    if ((fd = open("/dev/net/tun", O_RDWR)) < 0) {
	Die("/dev/net/tun");
    }
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", argv[1]);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
	Die("TUNSETIFF");
    }
    Run("ip link set %s mtu 1500 up", argv[1]);
    Run("ip addr add 203.0.113.1/24 dev %s", argv[1]);
    Run("ip neigh replace 203.0.113.2 lladdr 02:00:00:00:71:02 dev %s",
	    argv[1]);
    {
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	if (s < 0 || ioctl(s, SIOCGIFHWADDR, &ifr) < 0) {
	    Die("SIOCGIFHWADDR");
	}
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(s);
    }

    /* The kernel's socket, never read. */
    sink = socket(AF_INET, SOCK_DGRAM, 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(9);
    inet_pton(AF_INET, "203.0.113.1", &a.sin_addr);
    if (sink < 0 || bind(sink, (struct sockaddr *) &a, sizeof(a)) < 0) {
	Die("bind");
    }

    /* Ethernet, IPv4 (no options), UDP with no checksum (RFC 768). */
    memset(frame, 0, sizeof(frame));
    memcpy(frame, mac, 6);
    memcpy(frame + 6, "\x02\x00\x00\x00\x71\x02", 6);
    frame[12] = 0x08;
    frame[14] = 0x45;
    frame[16] = (FRAME - 14) >> 8;
    frame[17] = (FRAME - 14) & 0xff;
    frame[22] = 64;
    frame[23] = 17;
    memcpy(frame + 26, "\xcb\x00\x71\x02", 4);
    memcpy(frame + 30, "\xcb\x00\x71\x01", 4);
    {
	uint16_t c = Cksum(frame + 14, 20);

	frame[24] = c >> 8;
	frame[25] = c & 0xff;
    }
    frame[34] = 0;
    frame[35] = 9;
    frame[36] = 0;
    frame[37] = 9;
    frame[38] = (PAYLOAD + 8) >> 8;
    frame[39] = (PAYLOAD + 8) & 0xff;

    t0 = Now();
    do {
	int i;

	for (i = 0; i < 256; i++) {
	    if (write(fd, frame, sizeof(frame)) != (ssize_t) sizeof(frame)) {
		Die("write");
	    }
	}
	nw += 256;
    } while ((t = Now()) - t0 < half);
    nw = (long) (nw / (t - t0));

    /* Reading: what the kernel queued for the device meanwhile first. */
    fcntl(fd, F_SETFL, O_NONBLOCK);
    while (read(fd, buf, sizeof(buf)) > 0) {
    }
    if (pthread_create(&th, NULL, Sender, NULL) != 0) {
	Die("pthread_create");
    }
    t0 = Now();
    do {
	struct pollfd p = { fd, POLLIN, 0 };
	int i;

	for (i = 0; i < 256; i++) {
	    ssize_t n = read(fd, buf, sizeof(buf));

	    if (n > 0) {
		nr++;
	    } else if (n < 0 && errno == EAGAIN) {
		poll(&p, 1, 10);
	    } else {
		Die("read");
	    }
	}
    } while ((t = Now()) - t0 < half);
    stop = 1;
    pthread_join(th, NULL);
    printf("write %ld read %ld\n", nw, (long) (nr / (t - t0)));
    close(sink);
    close(fd);
    return 0;
}
