/*
 * apps.h --
 *
 *	Applications built into the stack, on the socket layer: the discard
 *	(RFC 863) and echo (RFC 862) services a host starts at boot, as
 *	4.4BSD's inetd ran them, and the sock program's source of generated
 *	data.
 */

#ifndef TCPLAB_APPS_H
#define TCPLAB_APPS_H

#include "socket.h"

extern const tl_app app_discard, app_echo;

void		app_start_services(tl_host *host);
int		app_source(tl_tcb *tp, uint64_t nbytes);

#endif /* TCPLAB_APPS_H */
