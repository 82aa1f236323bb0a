#!/usr/bin/env tclsh
# linux-14-timewait-syn.tcl --
#
#	Linux 6.18 (reference trace 14; seed 003): the server closed first and
#	sits in TIME_WAIT; the client connects again from the same port with
#	newer timestamps. The TIME_WAIT connection takes the SYN as a new
#	incarnation at once, with ISN = old snd_nxt + 65537.

package require tcplab

set net [tcplab::network create]
tcplab::example::diagram $net ;# -diagram: the time line at the end
$net host create client -addr 192.0.2.1/24 -profile linux
$net host create server -addr 192.0.2.2/24 -profile linux
$net lan create veth {client server} -delay 20us
$net trace -format book -absolute

set l [server listen 5001]
set c [client connect server 5001 -bind 41014]
$net run 1ms
set s [$l accept]
$c on readable [list apply {{c} {$c recv; if {[$c eof]} {$c close}}}]
$s close
$net run -until {[$s state] eq "TIME_WAIT"}
set oldnxt [dict get [$s info] snd_nxt]
$net run 1s
set c2 [client connect server 5001 -bind 41014 -reuseaddr]
$net run 10ms
set s2 [$l accept]
puts "new ISN - old snd_nxt = [expr {([dict get [$s2 info] iss] - $oldnxt) & 0xffffffff}]"
$net destroy
