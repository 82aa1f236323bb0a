/*
 * tap.c --
 *
 *	Linux TAP devices inside network namespaces: the system calls behind
 *	TAP links (generic/tapdev.h). The calling thread enters the namespace
 *	(setns), opens /dev/net/tun, makes an IFF_TAP | IFF_NO_PI device,
 *	gives the kernel's side its address, MTU and IFF_UP with ioctls on a
 *	socket of that namespace (the connected route follows), and goes back
 *	to its own namespace. The descriptor stays bound to the device, so
 *	every frame stays in the namespace. No Tcl here, and no clock.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/if_tun.h>
#include "tapdev.h"

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
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    strncpy(ifr.ifr_name, cfg->ifname, IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
	Fail(err, errlen, "can't create TAP device", cfg->ifname, errno);
	goto fail;
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
 *	One frame from the device.
 * Results:
 *	Its length, 0 when none is waiting, -1 on error (errno set).
 */

long
tapdev_read(
    int fd,
    uint8_t *buf,
    uint32_t cap)
{
    ssize_t n = read(fd, buf, cap);

    if (n < 0) {
	return errno == EAGAIN || errno == EINTR ? 0 : -1;
    }
    return (long) n;
}

/*
 * tapdev_write --
 *	Hands one frame to the kernel.
 * Results:
 *	0, or an errno value (EAGAIN: the device's queue is full and the
 *	frame is lost, as on a busy wire).
 */

int
tapdev_write(
    int fd,
    const uint8_t *frame,
    uint32_t len)
{
    ssize_t n;

    do {
	n = write(fd, frame, len);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? errno : 0;
}
