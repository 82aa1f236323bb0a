/*
 * apps.c --
 *
 *	Applications built into the stack (apps.h). They use the socket layer
 *	as a user process would: accept, recv, send, close.
 */

#include <string.h>
#include "apps.h"

/*
 * ServiceInput --
 *	A service's turn after data or the end of the stream came: discard
 *	(RFC 863) reads and drops, echo (RFC 862) sends back what it reads;
 *	both close at the end of the stream.
 */

static void
ServiceInput(
    tl_tcb *tp)
{
    uint8_t buf[4096];
    uint32_t n;

    /* Only what waits is read: a pending error stays for whoever asks. */
    if (tp->app == &app_discard) {
	if (so_inq(tp) > 0) {
	    so_recv(tp, NULL, UINT32_MAX, 0, &n);
	}
    } else {
	while (so_inq(tp) > 0 && so_recv(tp, buf, sizeof(buf), 0, &n) == 0) {
	    if (so_send(tp, buf, n, 0) != 0) {
		break;
	    }
	}
    }
    if (tp->state == TCPS_CLOSED) {
	return;
    }
    if ((tp->flags & TF_RCVD_FIN) && !(tp->flags & TF_CLOSED)) {
	so_close(tp);
    }
}

const tl_app app_discard = { "discard", ServiceInput, 1 };
const tl_app app_echo = { "echo", ServiceInput, 0 };

/* Starts the services a host has (as inetd does at boot). */
void
app_start_services(
    tl_host *h)
{
    static const struct {
	int svc;
	uint16_t port;
	const tl_app *app;
    } table[] = { {SVC_DISCARD, 9, &app_discard}, {SVC_ECHO, 7, &app_echo} };
    size_t i;

    for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
	if (h->services & (1 << table[i].svc)) {
	    so_listen_app(h, table[i].port, 5, table[i].app);
	}
    }
}

/* The source pattern: printable ASCII, as the sock program's source. */
static void
Pattern(
    void *arg,
    uint64_t pos,
    uint8_t *p,
    uint32_t n)
{
    static const char alpha[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    static uint8_t block[4096 + 36];
    uint32_t k;

    (void) arg;
    if (block[0] == 0) {
	for (k = 0; k < sizeof(block); k++) {
	    block[k] = (uint8_t) alpha[k % 36];
	}
    }
    /* Copy whole blocks that start at the right phase of the cycle. */
    while (n > 0) {
	uint32_t off = (uint32_t) (pos % 36), m = n < 4096 ? n : 4096;

	memmove(p, block + off, m);
	p += m;
	pos += m;
	n -= m;
    }
}

/* Queues nbytes of the source pattern (the sock program's -n/-w source). */
int
app_source(
    tl_tcb *tp,
    uint64_t nbytes)
{
    return so_send_gen(tp, nbytes, Pattern, NULL);
}
