#!/usr/bin/env tclsh
# linux-12-half-close.tcl --
#
#	Linux 6.18 half-close (reference trace 12; seed 001; book 18.5):
#	shutdown(SHUT_WR) sends a FIN and the receive side keeps working: the
#	client reads 10240 bytes in FIN_WAIT_2, then the server's FIN, and
#	ends in TIME_WAIT.

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
set got 0
$c on readable [list apply {{c} {incr ::got [string length [$c recv]]}}]
$s on readable [list apply {{c} {$c recv}}]
$c send 1234567
$net run 299ms
$c shutdown write
$net run 301ms
$s source 10240
$net run 300ms
$s close
$net run 100ms
puts "client read $got bytes; states [$c states]"
$net destroy
