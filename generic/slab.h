/*
 * slab.h --
 *
 *	A cache of objects of one size, carved from pages of their own (4 to
 *	64 KiB, room for 64 objects or more; the idea of Bonwick's slab
 *	allocator, Linux's kmem_cache): no allocator header per object, and a
 *	page whose objects are all free goes back to the system (one empty
 *	page is kept against churn). So a burst of short-lived objects (the
 *	timer events of a hundred thousand handshakes, the frames in flight)
 *	leaves no holes behind among the long-lived ones. Allocation and
 *	freeing are O(1).
 *
 *	Under AddressSanitizer every object is its own malloc(), so that
 *	overruns and uses after free are still caught.
 */

#ifndef TCPLAB_SLAB_H
#define TCPLAB_SLAB_H

#include <stddef.h>

typedef struct tl_slabpage tl_slabpage;

typedef struct tl_slab {
    size_t size;		/* Object size (rounded to 8). */
    size_t pagesz;		/* Page size (a power of two). */
    size_t per;			/* Objects per page. */
    tl_slabpage *partial;	/* Pages with a free object. */
    tl_slabpage *full;		/* Pages without. */
    tl_slabpage *empty;		/* One page kept with none used, or NULL. */
    size_t inuse;		/* Objects allocated. */
} tl_slab;

void		slab_init(tl_slab *s, size_t size);
void	       *slab_alloc(tl_slab *s);
void		slab_free(tl_slab *s, void *p);
void		slab_destroy(tl_slab *s);

#endif /* TCPLAB_SLAB_H */
