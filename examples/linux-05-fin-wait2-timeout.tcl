#!/usr/bin/env tclsh
# linux-05-fin-wait2-timeout.tcl --
#
#	Linux 6.18 (reference traces 05 and 05b; seed 001): the client closes,
#	the server never does. The orphaned FIN_WAIT_2 disappears after
#	tcp_fin_timeout (60 s) with nothing on the wire, while the server
#	stays in CLOSE_WAIT. When the server finally closes, its FIN finds no
#	connection and draws a RST.

package require tcplab

set net [tcplab::network create]
tcplab::example::diagram $net ;# -diagram: the time line at the end
$net host create client -addr 192.0.2.1/24 -profile linux
$net host create server -addr 192.0.2.2/24 -profile linux
$net lan create veth {client server} -delay 20us
$net trace -format book -events

set l [server listen 5001]
set c [client connect server 5001]
$net run 1s
set s [$l accept]
$c close
$net run 70s
puts "after 70 s: client [$c state], server [$s state]"
$s close
$net run 1s
puts "server after its late close: [$s state] [$s error]"
$net destroy
