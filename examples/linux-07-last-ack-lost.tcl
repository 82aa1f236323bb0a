#!/usr/bin/env tclsh
# linux-07-last-ack-lost.tcl --
#
#	Linux 6.18, the last ACK lost (reference trace 07; seed 001): the
#	server in LAST_ACK sends its FIN again after a tail loss probe
#	(~0.2 s), then at 0.2, 0.4, 0.8, 1.6, 3.2 s; the client in TIME_WAIT
#	ACKs every one and restarts its 60 s timer.

package require tcplab

set net [tcplab::network create]
tcplab::example::diagram $net ;# -diagram: the time line at the end
$net host create client -addr 192.0.2.1/24 -profile linux
$net host create server -addr 192.0.2.2/24 -profile linux
$net lan create veth {client server} -delay 20us
$net trace -format book

set l [server listen 5001]
set c [client connect server 5001]
$net run 1ms
set s [$l accept]
$s on readable [list apply {{c} {if {[$c eof]} {$c close}}}]
$net run 2s
$net filter add -on server -dir in -count 6 -action drop \
    -match {tcp[tcpflags] & (tcp-syn|tcp-fin|tcp-rst|tcp-ack) == tcp-ack and ip[2:2] <= 60}
$c close
$net run 10s
puts "client [$c state] (2msl left [dict get [$c timers] 2msl] s), server [$s state]"
$net destroy
