#!/usr/bin/env tclsh
# seed000-closewait-reuse.tcl --
#
#	Seed 000 (reference trace 06): the client closes; its FIN_WAIT_2
#	times out (tcp_fin_timeout 5) while the server stays in CLOSE_WAIT.
#	The client connects again from the same port. The server answers the
#	SYN with a challenge ACK carrying its old numbers; the client, in
#	SYN_SENT, sends a RST with seq = that ACK's ack; the CLOSE_WAIT
#	connection is reset (EPIPE for its owner); the SYN goes again and
#	connects: about 10-16 ms later on Linux 6.18, about 1 s later on the
#	seed's Linux 3.6.
#
#	tclsh examples/seed000-closewait-reuse.tcl ?linux|linux-3.6? ?-diagram ?file.svg??

package require tcplab

tcplab::example::diagram          ;# takes -diagram out of argv
set profile [expr {[llength $argv] ? [lindex $argv 0] : "linux"}]
set net [tcplab::network create]
tcplab::example::diagram $net ;# -diagram: the time line at the end
$net host create client -addr 192.0.2.1/24 -profile $profile
$net host create server -addr 192.0.2.2/24 -profile $profile
$net lan create veth {client server} -delay 20us
client sysctl tcp_fin_timeout 5
$net trace -format book -absolute

set l [server listen 5001]
set c [client connect server 5001 -bind 40006]
$net run 1s
set old [$l accept]
$c close
$net run 7s
puts "client [$c state], server [$old state]"
set c2 [client connect server 5001 -bind 40006]
$net run -until {[$c2 state] eq "ESTABLISHED"} -timeout 5s
puts "reconnected at [$net now] s; the old server connection: [$old state], [$old error]"
$net destroy
