#!/usr/bin/env tclsh
# linux-10-close-unread.tcl --
#
#	Linux 6.18 (reference trace 10; seed 001): the server closes with
#	1000 bytes it never read. Instead of a FIN it sends RST|ACK, whose
#	ack covers the unread bytes; the client's next read reports
#	ECONNRESET.

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
$c send [string repeat x 1000]
$net run 500ms
$s close
$net run 10ms
if {[catch {$c recv} err]} {
    puts "client: $err ($::errorCode)"
}
$net destroy
