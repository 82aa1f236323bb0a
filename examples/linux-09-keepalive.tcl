#!/usr/bin/env tclsh
# linux-09-keepalive.tcl --
#
#	Linux 6.18 keepalive on a dead peer (reference trace 09; seed 001):
#	TCP_KEEPIDLE 5, TCP_KEEPINTVL 2, TCP_KEEPCNT 3. Probes (seq =
#	snd_una - 1, no data) at 5, 7, 9 s; at 11 s the client gives up with
#	a RST and ETIMEDOUT. With the defaults (7200/75/9) the same takes
#	2 h 11 min 15 s, which a virtual clock runs in milliseconds.

package require tcplab

set net [tcplab::network create]
tcplab::example::diagram $net ;# -diagram: the time line at the end
$net host create client -addr 192.0.2.1/24 -profile linux
$net host create server -addr 192.0.2.2/24 -profile linux
$net lan create veth {client server} -delay 20us
$net trace -format book

set l [server listen 5001]
set c [client connect server 5001 -keepidle 5 -keepintvl 2 -keepcnt 3]
$net run 960ms
$net filter add -on server -dir in -match {src host 192.0.2.1} -action drop
$net run 12s
puts "client [$c state]: [$c error]"
$net destroy
