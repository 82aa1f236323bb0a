#!/usr/bin/env tclsh
# linux-11-linger0.tcl --
#
#	Linux 6.18, SO_LINGER {1, 0} (reference trace 11; seed 001): close
#	sends RST|ACK at snd_nxt; the peer reads what arrived, then
#	ECONNRESET; a send after that is EPIPE.

package require tcplab

set net [tcplab::network create]
tcplab::example::diagram $net ;# -diagram: the time line at the end
$net host create client -addr 192.0.2.1/24 -profile linux
$net host create server -addr 192.0.2.2/24 -profile linux
$net lan create veth {client server} -delay 20us
$net trace -format book

set l [server listen 5001]
set c [client connect server 5001 -linger 0]
$net run 1ms
set s [$l accept]
$c send 0123456789
$net run 500ms
$c close
$net run 10ms
puts "server read: [$s recv]"
catch {$s recv} e; puts "server recv: $e"
catch {$s send x} e; puts "server send: $e"
$net destroy
