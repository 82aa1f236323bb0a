#!/usr/bin/env tclsh
# linux-13-timewait-rst.tcl --
#
#	Linux 6.18 (reference trace 13; seed 003; RFC 1337): a RST with
#	exactly the right sequence number kills a TIME_WAIT connection unless
#	tcp_rfc1337 is 1; a RST elsewhere in the window is ignored without a
#	reply.

package require tcplab

foreach {rfc1337 offset} {0 0 1 0 0 1} {
    set net [tcplab::network create]
    tcplab::example::diagram $net ;# -diagram: the time line at the end
    $net host create client -addr 192.0.2.1/24 -profile linux
    $net host create server -addr 192.0.2.2/24 -profile linux
    $net lan create veth {client server} -delay 20us
    client sysctl tcp_rfc1337 $rfc1337
    set l [server listen 5001]
    set c [client connect server 5001 -bind 41001]
    $net run 1ms
    set s [$l accept]
    $s on readable [list apply {{c} {$c recv; if {[$c eof]} {$c close}}}]
    $c close
    $net run 1s
    set rcvnxt [dict get [$c info] rcv_nxt]
    server inject [tcplab::wire build -src 192.0.2.2 -dst 192.0.2.1 \
	-sport 5001 -dport 41001 -flags R -seq [expr {($rcvnxt + $offset) & 0xffffffff}]]
    $net run 500ms
    puts "tcp_rfc1337 $rfc1337, RST at rcv_nxt+$offset: TIME_WAIT -> [$c state]"
    $net destroy
}
