#!/usr/bin/env tclsh
# fig18-09.tcl --
#
#	TCP/IP Illustrated Vol. 1, figures 18-8 and 18-9: the maximum segment
#	size over a SLIP link. slip (140.252.13.65) hangs off bsdi
#	(140.252.13.66) on a point-to-point link with an MTU of 296; sun
#	(140.252.13.33) reaches it through bsdi, which routes between the
#	Ethernet and the link. sun opens slip's discard service (the book's
#	ports and ISNs) and writes 1000 bytes.
#
#	What to look at: slip announces <mss 256> (its MTU 296 - 40). sun
#	announces what its own Ethernet interface allows, <mss 1460> as in
#	the book: the book's sun ran SunOS 4.1, whose tcp_mss() offers the
#	interface MTU - 40 without 4.4BSD's rounding down to a multiple of
#	1024 (MCLBYTES), so sun's MSS rule is set apart (sysctl mss_round 0;
#	a 4.4BSD host would announce 1024, counting the other subnets of its
#	class B network 140.252 as local). Whatever sun announces, it sends slip no segment with
#	more than 256 bytes of data: 1000 bytes go as 256+256+256+232, and
#	bsdi never has to drop a datagram too big for the link. The trace
#	is taken at sun (-on sun), so it shows each segment once.
#
#	tclsh examples/fig18-09.tcl ?-diagram ?file.svg??

package require tcplab

set net [tcplab::network create]
tcplab::example::diagram $net ;# -diagram: the time line at the end
$net host create sun -addr 140.252.13.33/27 -profile bsd44 \
    -gateway 140.252.13.35
$net host create bsdi -addr {140.252.13.35/27 140.252.13.66/27} \
    -profile bsd44 -forward 1
$net host create slip -addr 140.252.13.65/27 -profile bsd44 \
    -gateway 140.252.13.66 -services discard
# SunOS 4.1: the MSS offered is the MTU - 40, not rounded to MCLBYTES.
sun sysctl mss_round 0
$net lan create ether0 {sun bsdi} -delay 1ms -rate 10Mbit
$net link create slip0 bsdi slip -mtu 296 -delay 1ms

# Trace at sun: each segment once, as sun sends or receives it (without
# -on, a segment is printed on every link it crosses).
$net trace -format book -on sun
$net record start -on sun

slip isn 509556225
set c [sun connect slip discard -bind 1093 -isn 517312000]
$net run -until {[$c state] eq "ESTABLISHED"} -timeout 10s
$c send [string repeat "0123456789" 100]
$net run 10s

set s [lindex [slip connections] 0]
set ci [$c info]
set si [$s info]
puts ""
puts "sun.1093:     announced mss [dict get $ci mss_offer],\
    slip announced [dict get $ci peer_mss], sun sends at most\
    [dict get $ci mss] bytes"
puts "slip.discard: announced mss [dict get $si mss_offer],\
    sun announced [dict get $si peer_mss], slip sends at most\
    [dict get $si mss] bytes"
set sizes [lmap r [$net record get] {
    if {[dict get $r src] eq "140.252.13.33" && [dict get $r len] > 0} {
	dict get $r len
    } else continue
}]
puts "data segments from sun: $sizes\
    (largest [tcl::mathfunc::max {*}$sizes], total [tcl::mathop::+ {*}$sizes])"
puts "bytes slip received: [dict get $si bytes_in];\
    datagrams bsdi could not forward: [dict get [bsdi stats] ip_noroute]"
$net destroy
