#!/usr/bin/env tclsh
# linux-08-first-fin-lost.tcl --
#
#	Linux 6.18, the first FIN lost (reference trace 08; seed 001): the FIN
#	is sent again about 0.21 s later (a tail loss probe), then the server
#	answers with its own FIN and the close completes.

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
$s on readable [list apply {{c} {if {[$c eof]} {$c close}}}]
$net filter add -on server -dir in -count 1 -action drop -match {tcp[tcpflags] & tcp-fin != 0}
$c close
$net run 2s
puts "client [$c states]"
puts "server [$s states]"
$net destroy
