#!/usr/bin/env tclsh
# linux-03-synack-lost.tcl --
#
#	Linux 6.18, every SYN-ACK lost (reference trace 03; seed 001): both
#	ends retransmit. The server answers each retransmitted SYN with a
#	SYN-ACK and restarts its timer; its request expires after
#	tcp_synack_retries (5) timeouts, and the next SYN starts a new one.
#	The client gives up with ETIMEDOUT near 131 s.

package require tcplab

set net [tcplab::network create]
tcplab::example::diagram $net ;# -diagram: the time line at the end
$net host create client -addr 192.0.2.1/24 -profile linux
$net host create server -addr 192.0.2.2/24 -profile linux
$net lan create veth {client server} -delay 20us
$net trace -format book
$net filter add -on client -dir in -match {tcp[tcpflags] & tcp-syn != 0} -action drop

set l [server listen 5001]
set c [client connect server 5001]
$net run -until {[$c state] eq "CLOSED"} -timeout 300s
puts "client: [$c error] at [$net now] s; server SYN-ACKs sent: [dict get [server stats] tcp_out]"
$net destroy
