/*
 * slab.c --
 *
 *	Caches of fixed-size objects on pages of their own (slab.h).
 */

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "slab.h"

#if defined(__SANITIZE_ADDRESS__)
#define SLAB_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLAB_MALLOC 1
#endif
#endif

#define SLAB_PAGE	((size_t) 65536)	/* The largest page. */

/* At the start of each page, which is aligned to its size. Pages with a
 * free object are in the cache's partial list, the others in full. */
struct tl_slabpage {
    tl_slab *slab;
    tl_slabpage *next, **pprev;
    void *free;			/* Freed objects, chained through their first
				 * word. */
    size_t nfree;		/* Objects free (freed or not yet carved). */
    size_t carved;		/* Objects handed out at least once. */
};

#define SLAB_HDR	((sizeof(tl_slabpage) + 15) & ~(size_t) 15)

void
slab_init(
    tl_slab *s,
    size_t size)
{
    s->size = (size + 7) & ~(size_t) 7;
    if (s->size < sizeof(void *)) {
	s->size = sizeof(void *);
    }
    /* Pages of 64 objects at least, 4 KiB at least, up to SLAB_PAGE: a
     * few objects do not take a large page. */
    s->pagesz = 4096;
    while (s->pagesz < SLAB_PAGE && s->pagesz < SLAB_HDR + 64 * s->size) {
	s->pagesz *= 2;
    }
    s->per = (s->pagesz - SLAB_HDR) / s->size;
    s->partial = s->empty = s->full = NULL;
    s->inuse = 0;
}

#ifndef SLAB_MALLOC
static void
Link(
    tl_slabpage **head,
    tl_slabpage *p)
{
    p->next = *head;
    if (*head) {
	(*head)->pprev = &p->next;
    }
    *head = p;
    p->pprev = head;
}

static void
Unlink(
    tl_slabpage *p)
{
    *p->pprev = p->next;
    if (p->next) {
	p->next->pprev = p->pprev;
    }
}

/* A fresh page, aligned to its size (mapped twice as large, the rest
 * given back), or NULL. */
static tl_slabpage *
NewPage(
    tl_slab *s)
{
    size_t sz = s->pagesz, head;
    uint8_t *m = mmap(NULL, 2 * sz, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *a;
    tl_slabpage *p;

    if (m == MAP_FAILED) {
	return NULL;
    }
    a = (uint8_t *) (((uintptr_t) m + sz - 1) & ~(uintptr_t) (sz - 1));
    head = (size_t) (a - m);
    if (head) {
	munmap(m, head);
    }
    munmap(a + sz, sz - head);
    p = (tl_slabpage *) (void *) a;
    p->slab = s;
    p->free = NULL;
    p->nfree = s->per;
    p->carved = 0;
    return p;
}
#endif

void *
slab_alloc(
    tl_slab *s)
{
#ifdef SLAB_MALLOC
    void *o = malloc(s->size);

    if (o) {
	s->inuse++;
    }
    return o;
#else
    tl_slabpage *p = s->partial;
    void *o;

    if (p == NULL) {
	p = s->empty;
	s->empty = NULL;
	if (p == NULL && (p = NewPage(s)) == NULL) {
	    return NULL;
	}
	Link(&s->partial, p);
    }
    if (p->free) {
	o = p->free;
	p->free = *(void **) o;
    } else {
	o = (uint8_t *) p + SLAB_HDR + p->carved++ * s->size;
    }
    if (--p->nfree == 0) {
	Unlink(p);
	Link(&s->full, p);
    }
    s->inuse++;
    return o;
#endif
}

void
slab_free(
    tl_slab *s,
    void *o)
{
#ifdef SLAB_MALLOC
    if (o) {
	s->inuse--;
	free(o);
    }
#else
    tl_slabpage *p;

    if (o == NULL) {
	return;
    }
    p = (tl_slabpage *) (void *) ((uintptr_t) o & ~(uintptr_t)
	    (s->pagesz - 1));
    *(void **) o = p->free;
    p->free = o;
    s->inuse--;
    if (p->nfree++ == 0) {
	Unlink(p);
	Link(&s->partial, p);
    }
    if (p->nfree == s->per) {
	/* All free: kept as the one spare page, or given back. */
	Unlink(p);
	if (s->empty == NULL) {
	    s->empty = p;
	} else {
	    munmap(p, s->pagesz);
	}
    }
#endif
}

/* Gives back every page, objects still allocated included. */
void
slab_destroy(
    tl_slab *s)
{
#ifndef SLAB_MALLOC
    tl_slabpage **lists[2] = { &s->partial, &s->full };
    int i;

    for (i = 0; i < 2; i++) {
	while (*lists[i]) {
	    tl_slabpage *p = *lists[i];

	    Unlink(p);
	    munmap(p, s->pagesz);
	}
    }
    if (s->empty) {
	munmap(s->empty, s->pagesz);
	s->empty = NULL;
    }
#endif
    s->inuse = 0;
}
