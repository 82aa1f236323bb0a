static uint32_t new_add(
    uint32_t sum,
    const void *data,
    size_t len)
{
    const uint8_t *p = data;
    uint64_t acc = 0, total;
    uint32_t w[8];
    size_t i;

    /* Whole 32-bit words in the machine's byte order: the one's-complement
     * sum commutes with byte swapping (RFC 1071 section 2(B)), so the
     * folded sum is swapped once at the end on a little-endian machine. */
    while (len >= sizeof(w)) {
	memcpy(w, p, sizeof(w));
	for (i = 0; i < 8; i++) {
	    acc += w[i];
	}
	p += sizeof(w);
	len -= sizeof(w);
    }
    while (len >= 4) {
	memcpy(w, p, 4);
	acc += w[0];
	p += 4;
	len -= 4;
    }
    acc = (acc & 0xffffffffu) + (acc >> 32);
    acc = (acc & 0xffffffffu) + (acc >> 32);
    acc = (acc & 0xffffu) + (acc >> 16);
    acc = (acc & 0xffffu) + (acc >> 16);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    acc = ((acc & 0xffu) << 8) | (acc >> 8);
#endif
    total = (uint64_t) sum + acc;
    while (len >= 2) {
	total += get16(p);
	p += 2;
	len -= 2;
    }
    if (len) {
	total += (uint32_t) p[0] << 8;
    }
    while (total >> 32) {
	total = (total & 0xffffffffu) + (total >> 32);
    }
    return (uint32_t) total;
}
