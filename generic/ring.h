/*
 * ring.h --
 *
 *	A byte ring: the send and receive buffers of a connection. Reads and
 *	writes copy with at most two memcpy calls; nothing is done per byte.
 */

#ifndef TCPLAB_RING_H
#define TCPLAB_RING_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct tl_ring {
    uint8_t *buf;
    uint32_t cap, head, len;	/* head: index of the oldest byte. */
} tl_ring;

static inline int
ring_init(tl_ring *r, uint32_t cap)
{
    r->buf = cap ? malloc(cap) : NULL;
    r->cap = r->buf ? cap : 0;
    r->head = r->len = 0;
    return cap == 0 || r->buf != NULL;
}

static inline void
ring_free(tl_ring *r)
{
    free(r->buf);
    r->buf = NULL;
    r->cap = r->len = r->head = 0;
}

static inline uint32_t
ring_space(const tl_ring *r)
{
    return r->cap - r->len;
}

/* Appends up to n bytes; returns how many fitted. */
static inline uint32_t
ring_write(tl_ring *r, const uint8_t *p, uint32_t n)
{
    uint32_t tail, first;

    if (n > r->cap - r->len) {
	n = r->cap - r->len;
    }
    if (n == 0) {
	return 0;
    }
    tail = (r->head + r->len) % r->cap;
    first = r->cap - tail < n ? r->cap - tail : n;
    if (p) {
	memcpy(r->buf + tail, p, first);
	memcpy(r->buf, p + first, n - first);
    }
    r->len += n;
    return n;
}

/* Writes n bytes at offset off from the oldest byte, within capacity. */
static inline void
ring_put_at(tl_ring *r, uint32_t off, const uint8_t *p, uint32_t n)
{
    uint32_t pos = (r->head + off) % r->cap;
    uint32_t first = r->cap - pos < n ? r->cap - pos : n;

    memcpy(r->buf + pos, p, first);
    memcpy(r->buf, p + first, n - first);
}

/* Copies n bytes starting off bytes after the oldest one, without removing. */
static inline void
ring_peek(const tl_ring *r, uint32_t off, uint8_t *out, uint32_t n)
{
    uint32_t pos = (r->head + off) % r->cap;
    uint32_t first = r->cap - pos < n ? r->cap - pos : n;

    memcpy(out, r->buf + pos, first);
    memcpy(out + first, r->buf, n - first);
}

/* Drops the n oldest bytes. */
static inline void
ring_drop(tl_ring *r, uint32_t n)
{
    if (n > r->len) {
	n = r->len;
    }
    r->head = r->cap ? (r->head + n) % r->cap : 0;
    r->len -= n;
    if (r->len == 0) {
	r->head = 0;
    }
}

#endif /* TCPLAB_RING_H */
