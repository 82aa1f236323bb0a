/*
 * tcp_fastopen.c --
 *
 *	TCP Fast Open (RFC 7413), the client's side, as Linux 6.18 has it:
 *	the cookies a host keeps per destination with the peer's MSS (Linux
 *	tcp_metrics.c tcp_fastopen_cache_get() and _set()), what a SYN
 *	carries (tcp_fastopen.c tcp_fastopen_cookie_check(), tcp_output.c
 *	tcp_send_syn_data()), and what the SYN-ACK tells (tcp_input.c
 *	tcp_rcv_fastopen_synack()). The server's side (cookies made and
 *	checked, data taken from a SYN) is not modelled. Tunable
 *	tcp_fastopen holds Linux's TFO_* bits.
 */

#include <stdlib.h>
#include <string.h>
#include "tcp.h"

#define TFO_CLIENT_ENABLE	1
#define TFO_CLIENT_NO_COOKIE	4
#define MAX_TCP_OPTION_SPACE	40

static tl_fo_entry *
Find(
    const tl_host *h,
    tl_addr raddr)
{
    int i;

    for (i = 0; i < h->nfo; i++) {
	if (h->fo[i].raddr == raddr) {
	    return &h->fo[i];
	}
    }
    return NULL;
}

/* The entry for raddr, made (empty) if there is none; NULL without memory
 * (Linux tcp_get_metrics(..., true)). */
static tl_fo_entry *
Get(
    tl_host *h,
    tl_addr raddr)
{
    tl_fo_entry *e = Find(h, raddr), *n;

    if (e) {
	return e;
    }
    n = realloc(h->fo, (size_t) (h->nfo + 1) * sizeof(*n));
    if (n == NULL) {
	return NULL;
    }
    h->fo = n;
    e = &n[h->nfo++];
    memset(e, 0, sizeof(*e));
    e->raddr = raddr;
    return e;
}

const tl_fo_entry *
tcp_fastopen_cache(
    const tl_host *h,
    int *nPtr)
{
    *nPtr = h->nfo;
    return h->fo;
}

/* `ip tcp_metrics flush all`. */
void
tcp_fastopen_flush(
    tl_host *h)
{
    free(h->fo);
    h->fo = NULL;
    h->nfo = 0;
}

/* Whether a cookie for raddr is cached, so that connect() with
 * TCP_FASTOPEN_CONNECT defers the SYN to the first write (Linux
 * tcp_fastopen_defer_connect(): tcp_fastopen_cookie_check() true, which
 * TFO_CLIENT_NO_COOKIE makes true without a cookie). */
int
tcp_fastopen_cached(
    const tl_host *h,
    tl_addr raddr)
{
    const tl_fo_entry *e = Find(h, raddr);

    if (h->tun.tcp_fastopen & TFO_CLIENT_NO_COOKIE) {
	return 1;
    }
    return e && e->len > 0;
}

/*
 * tcp_fastopen_connect --
 *	Prepares the first SYN of a connection that asked for Fast Open
 *	(sendto() with MSG_FASTOPEN of size bytes, or the first write after
 *	a deferred connect()), as Linux tcp_send_syn_data(): with a cookie
 *	cached (or TFO_CLIENT_NO_COOKIE), the SYN carries it and up to the
 *	cached MSS (else our own), TCP_MAXSEG and the path MTU allow, less
 *	the 40 bytes of MAX_TCP_OPTION_SPACE kept for middleboxes that add
 *	options; without one, or when the user's buffer cannot be read
 *	(nobuf: copy_page_from_iter() copies nothing), a plain SYN that asks
 *	for a cookie (an empty option, in kind 254 when the last request in
 *	kind 34 went unanswered: try_exp). The caller puts the data in the
 *	send buffer before the SYN goes.
 * Results:
 *	The bytes of data the SYN will carry.
 */

int
tcp_fastopen_connect(
    tl_tcb *tp,
    uint32_t size,
    int nobuf)
{
    tl_host *h = tp->host;
    tl_fo_entry *e = Find(h, tp->raddr);
    tl_tcbx *x = tcp_xw(tp);
    uint32_t clamp = tp->mss_offer, space;
    tl_tcp_route r;
    int cookie;

    x->fo_opt = 1;
    x->fo_len = 0;
    x->fo_exp = 0;
    x->fo_syn_len = 0;
    /* tcp_fastopen_cache_get(): the cached MSS and cookie; a request
     * goes in kind 254 while try_exp is 1. */
    if (e) {
	if (e->mss) {
	    clamp = e->mss;
	}
	if (e->len > 0) {
	    x->fo_len = (uint8_t) e->len;
	    x->fo_exp = e->exp;
	    memcpy(x->fo_cookie, e->cookie, (size_t) e->len);
	} else if (e->try_exp == 1) {
	    x->fo_exp = 1;
	}
    }
    x->fo_mss = (uint16_t) clamp;
    if (h->tun.tcp_fastopen & TFO_CLIENT_NO_COOKIE) {
	/* tcp_fastopen_no_cookie(): data, and no option at all. */
	x->fo_opt = 0;
	cookie = 1;
    } else {
	cookie = tp->x->fo_len > 0;
    }
    if (!cookie || nobuf) {
	/* The fallback: a regular SYN with a cookie request. */
	x->fo_len = 0;
	return 0;
    }
    /* tcp_mss_clamp(): TCP_MAXSEG; __tcp_mtu_to_mss(): the path MTU less
     * the IP and TCP headers, at most mss_clamp. */
    if (tp->x->user_mss && tp->x->user_mss < clamp) {
	clamp = tp->x->user_mss;
    }
    x->fo_mss = (uint16_t) clamp;
    space = (h->tcp.ops->route(h->tcp.ctx, tp->raddr, &r) ? r.mtu : 576) - 40;
    if (space > clamp) {
	space = clamp;
    }
    space = space > MAX_TCP_OPTION_SPACE ? space - MAX_TCP_OPTION_SPACE : 0;
    if (space > size) {
	space = size;
    }
    x->fo_syn_len = (uint16_t) space;
    return (int) space;
}

/*
 * tcp_fastopen_synack --
 *	The SYN-ACK of a connection whose SYN carried the option or data
 *	(Linux tcp_rcv_fastopen_synack()), after it was established: the
 *	peer's MSS (as its option said, not cut by TCP_MAXSEG) and its
 *	cookie are kept, a cookie only when our SYN asked (an unsolicited one
 *	is ignored) and only a valid one (4 to 16 bytes, even); a request
 *	that got no cookie makes the next request use the other kind
 *	(try_exp). Data of the SYN left unacknowledged is sent again at once
 *	(tcp_mark_skb_lost(), tcp_non_congestion_loss_retransmit(): CA_LOSS
 *	without a cwnd reduction).
 * Results:
 *	1 when data is sent again (Linux: no separate ACK), else 0.
 */

int
tcp_fastopen_synack(
    tl_tcb *tp,
    const tl_tcphdr *th)
{
    tl_host *h = tp->host;
    tl_fo_entry *e;
    int cookie = th->opt.has_fo ? th->opt.fo_len : -1, try_exp = 0;
    uint16_t mss = th->opt.has_mss ? th->opt.mss : tp->x->fo_mss;

    if (!tp->x->syn_fastopen) {
	cookie = -1;		/* Unsolicited. */
    } else if (tp->retrans == 0 && cookie < 0 && !tp->x->syn_data) {
	try_exp = tp->x->syn_fastopen_exp ? 2 : 1;
    }
    e = Get(h, tp->raddr);
    if (e) {
	if (mss) {
	    e->mss = mss;
	}
	if (cookie > 0) {
	    e->len = (int8_t) cookie;
	    e->exp = th->opt.fo_exp;
	    memcpy(e->cookie, th->opt.fo_cookie, (size_t) cookie);
	} else if (try_exp > e->try_exp && e->len <= 0 && !e->exp) {
	    e->try_exp = (uint8_t) try_exp;
	}
    }
    if (tp->x->syn_data && SEQ_LT(tp->snd_una, tp->snd_max)) {
	tp->snd_nxt = tp->snd_una;
	if (tp->ca_state != CA_LOSS) {
	    tp->undo_on = 0;
	    tp->loss_high = tp->snd_max;
	    tcp_cc_state(tp, CA_LOSS);
	}
	return 1;
    }
    if (tp->x->syn_data) {
	tcp_xw(tp)->syn_data_acked = 1;
    }
    return 0;
}
