#!/usr/bin/env tclsh
# linux-04-third-ack-lost.tcl --
#
#	Linux 6.18, the handshake's third ACK lost (reference trace 04; seed
#	001): the client is ESTABLISHED, the server stays in SYN_RCVD and
#	retransmits its SYN-ACK (1, 2, 4 s); the client answers each with an
#	ACK (a challenge ACK: tcp_validate_incoming); the first that gets
#	through completes the server's handshake.

package require tcplab

set net [tcplab::network create]
tcplab::example::diagram $net ;# -diagram: the time line at the end
$net host create client -addr 192.0.2.1/24 -profile linux
$net host create server -addr 192.0.2.2/24 -profile linux
$net lan create veth {client server} -delay 20us
$net trace -format book
# Drop the next three pure ACKs arriving at the server.
$net filter add -on server -dir in -count 3 -action drop \
    -match {tcp[tcpflags] & (tcp-syn|tcp-fin|tcp-rst|tcp-ack) == tcp-ack and ip[2:2] <= 60}

set l [server listen 5001]
set c [client connect server 5001]
$net run 5s
puts "at 5 s: client [$c state], server [lindex [server netstat] 0 3]"
$net run 5s
puts "at 10 s: server has [$l pending] connection(s) to accept"
$net destroy
