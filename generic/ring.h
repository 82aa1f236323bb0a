/*
 * ring.h --
 *
 *	A byte ring: the send and receive buffers of a connection. Reads and
 *	writes copy with at most two memcpy calls; nothing is done per byte.
 *	The memory is taken when the first byte comes, grows by doubling up
 *	to the ring's capacity and, past its first RING_MINSIZE bytes, is
 *	given back whenever the ring is empty, so an idle connection holds at
 *	most that small buffer (as Linux holds skbs only while they carry
 *	data) and one that never carried data holds none.
 *
 *	A ring may also hold a run of a generated stream instead of bytes
 *	(ring_gen(): the source application's data, a pure function of the
 *	stream offset, as a file that sendfile() reads): while every byte it
 *	holds comes from one generator, in order, it stores none and makes
 *	them when they are read (ring_peek()). Anything else written to it
 *	makes them first and stores them as any bytes.
 */

#ifndef TCPLAB_RING_H
#define TCPLAB_RING_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A generated run: the generator and the stream offset of the oldest byte. */
typedef struct tl_ringgen {
    void (*fn)(void *arg, uint64_t off, uint8_t *buf, uint32_t n);
    void *arg;
    uint64_t off;
} tl_ringgen;

typedef struct tl_ring {
    union {
	uint8_t *buf;		/* NULL while empty. */
	tl_ringgen *gen;	/* Not NULL with size 0: a generated run. */
    };
    uint32_t cap;		/* What it may hold (SO_SNDBUF, SO_RCVBUF). */
    uint32_t size;		/* What buf holds now: grows up to cap. */
    uint32_t head, len;		/* head: index of the oldest byte. */
} tl_ring;

#define RING_MINSIZE	2048u

/* A ring of cap bytes; its memory comes with the first byte. */
static inline int
ring_init(tl_ring *r, uint32_t cap)
{
    r->buf = NULL;
    r->cap = cap;
    r->size = r->head = r->len = 0;
    return 1;
}

static inline void
ring_free(tl_ring *r)
{
    free(r->buf);
    r->buf = NULL;
    r->cap = r->size = r->len = r->head = 0;
}

/* Does r hold a generated run (no stored bytes)? */
static inline int
ring_is_gen(const tl_ring *r)
{
    return r->size == 0 && r->buf != NULL;
}

static inline uint32_t
ring_space(const tl_ring *r)
{
    return r->cap - r->len;
}

/* Copies n bytes starting off bytes after the oldest one, without removing. */
static inline void
ring_peek(const tl_ring *r, uint32_t off, uint8_t *out, uint32_t n)
{
    uint32_t pos, first;

    if (n == 0) {
	return;
    }
    if (ring_is_gen(r)) {
	r->gen->fn(r->gen->arg, r->gen->off + off, out, n);
	return;
    }
    pos = (r->head + off) % r->size;
    first = r->size - pos < n ? r->size - pos : n;
    memcpy(out, r->buf + pos, first);
    memcpy(out + first, r->buf, n - first);
}

/*
 * Makes room for n more bytes (n <= ring_space()): the memory doubles,
 * from RING_MINSIZE up to cap (by half at least, past a cap that grew).
 * A generated run becomes stored bytes. Returns 0 if there is no memory
 * to be had.
 */
static inline int
ring_reserve(tl_ring *r, uint32_t n)
{
    uint32_t need = r->len + n, size = r->size ? r->size : RING_MINSIZE;
    uint8_t *b;

    if (need <= r->size) {
	return 1;
    }
    while (size < need && size < r->cap) {
	size = size > r->cap / 2 ? r->cap : 2 * size;
    }
    if (size > r->cap) {
	size = r->cap;
    }
    /* A capacity that grows by small steps (the send buffer's, with the
     * window: tcp_cc.c) grows the memory by half at least, so that the
     * ring is not copied whole at each step. */
    if (size < r->size + r->size / 2 && r->size <= UINT32_MAX / 3 * 2) {
	size = r->size + r->size / 2;
    }
    b = malloc(size);
    if (b == NULL) {
	return 0;
    }
    ring_peek(r, 0, b, r->len);
    free(r->buf);
    r->buf = b;
    r->size = size;
    r->head = 0;
    return 1;
}

/* Appends up to n bytes (p NULL: the caller wrote them in place); returns
 * how many fitted. */
static inline uint32_t
ring_write(tl_ring *r, const uint8_t *p, uint32_t n)
{
    uint32_t tail, first;

    if (n > r->cap - r->len) {
	n = r->cap - r->len;
    }
    if (n == 0 || !ring_reserve(r, n)) {
	return 0;
    }
    tail = (r->head + r->len) % r->size;
    first = r->size - tail < n ? r->size - tail : n;
    if (p) {
	memcpy(r->buf + tail, p, first);
	memcpy(r->buf, p + first, n - first);
    }
    r->len += n;
    return n;
}

/* Appends up to n bytes that nobody will read, only drop: counted, not
 * stored, and no memory taken (a ring that has memory already takes them
 * unwritten); returns how many fitted. A counted ring must never be
 * peeked at. */
static inline uint32_t
ring_count(tl_ring *r, uint32_t n)
{
    if (r->buf != NULL) {
	return ring_write(r, NULL, n);
    }
    if (n > r->cap - r->len) {
	n = r->cap - r->len;
    }
    r->len += n;
    return n;
}

/* Drops the n oldest bytes. An empty ring gives back memory grown past
 * RING_MINSIZE; the smallest buffer, once taken, is kept, so a connection
 * that reads each segment as it comes does not allocate per segment. */
static inline void
ring_drop(tl_ring *r, uint32_t n)
{
    if (n > r->len) {
	n = r->len;
    }
    if (ring_is_gen(r)) {
	r->gen->off += n;
	r->len -= n;
	if (r->len == 0) {
	    free(r->gen);
	    r->gen = NULL;
	}
	return;
    }
    r->head = r->size ? (r->head + n) % r->size : 0;
    r->len -= n;
    if (r->len == 0 && r->size > RING_MINSIZE) {
	free(r->buf);
	r->buf = NULL;
	r->size = r->head = 0;
    }
}

/*
 * Appends up to n bytes of a generated stream, the first of them at
 * stream offset off, without storing them: into an empty ring, or after
 * a run of the same stream that ends at off. Returns how many were taken;
 * 0 when the ring holds other bytes (the caller then stores them).
 */
static inline uint32_t
ring_gen(tl_ring *r, void (*fn)(void *, uint64_t, uint8_t *, uint32_t),
	void *arg, uint64_t off, uint32_t n)
{
    if (n > r->cap - r->len) {
	n = r->cap - r->len;
    }
    if (n == 0) {
	return 0;
    }
    if (r->len == 0 && !ring_is_gen(r)) {
	tl_ringgen *g = malloc(sizeof(*g));

	if (g == NULL) {
	    return 0;
	}
	free(r->buf);		/* The smallest buffer, empty. */
	g->fn = fn;
	g->arg = arg;
	g->off = off;
	r->gen = g;
	r->size = r->head = 0;
    } else if (!ring_is_gen(r) || r->gen->fn != fn || r->gen->arg != arg
	    || r->gen->off + r->len != off) {
	return 0;
    }
    r->len += n;
    return n;
}

#endif /* TCPLAB_RING_H */
