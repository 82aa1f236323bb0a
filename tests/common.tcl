# common.tcl --
#
#	Helpers shared by the tcplab test files.

package require tcltest 2.5
namespace import ::tcltest::*
package require tcplab

namespace eval lab {
    variable lines {}
}

# lab::net ?profile? ?-seed n? ?-services list? ?-uptime {host d ...}?:
# svr4 and bsdi (the book's hosts) on one Ethernet with 1 ms of delay;
# bsdi runs discard and echo. -uptime gives hosts' uptimes (which fix
# 4.4BSD ISNs: 1 + 64000 per 500 ms, book 18.2).
proc lab::net {{profile bsd44} args} {
    set opts [dict merge {-seed 1 -services {discard echo} -uptime {}} $args]
    set net [tcplab::network create -seed [dict get $opts -seed]]
    set up [dict get $opts -uptime]
    foreach h {svr4 bsdi} {
	set $h [expr {[dict exists $up $h] ? [list -uptime [dict get $up $h]] : {}}]
    }
    $net host create svr4 -addr 140.252.13.34/27 -profile $profile {*}$svr4
    $net host create bsdi -addr 140.252.13.35/27 -profile $profile \
	-services [dict get $opts -services] {*}$bsdi
    $net lan create ether0 {svr4 bsdi} -delay 1ms
    return $net
}

# lab::trace net ?-absolute?: collect trace lines into lab::lines.
proc lab::trace {net args} {
    variable lines {}
    $net trace -format book {*}$args -command [list lappend ::lab::lines]
}

# The collected lines without their number and times: what a segment is.
proc lab::segments {} {
    variable lines
    set out {}
    foreach l $lines {
	regsub {^\d+ [0-9.]+( \([0-9.]+\))? } $l {} l
	lappend out $l
    }
    return $out
}

# The time column of each collected line, as numbers.
proc lab::times {} {
    variable lines
    set out {}
    foreach l $lines {
	lappend out [lindex $l 1]
    }
    return $out
}

proc lab::near {a b {eps 1e-6}} {
    expr {abs($a - $b) <= $eps}
}

# One's-complement sum of 16-bit words, written out as RFC 1071 4.1 does.
proc rfcSum {bytes} {
    if {[string length $bytes] % 2} {append bytes \0}
    binary scan $bytes Su* words
    set sum 0
    foreach w $words {incr sum $w}
    while {$sum >> 16} {set sum [expr {($sum & 0xffff) + ($sum >> 16)}]}
    return $sum
}

proc tcpSumsOk {file} {
    # Every TCP segment of an Ethernet pcap file (IPv4 frames; ARP is
    # skipped) sums to ffff with its
    # pseudo-header (RFC 9293 3.1); returns {segments bad}.
    set f [open $file rb]
    set d [read $f]
    close $f
    set n 0
    set bad 0
    for {set o 24} {$o < [string length $d]} {incr o [expr {16 + $cap}]} {
	binary scan $d @${o}x8iu cap
	binary scan $d @[expr {$o + 16 + 12}]Su type
	if {$type != 0x0800} continue
	set ip [string range $d [expr {$o + 16 + 14}] [expr {$o + 16 + $cap - 1}]]
	binary scan $ip cu@2Su@9cu@12IuIu vihl tot proto src dst
	if {$proto != 6} continue
	set seg [string range $ip [expr {($vihl & 15) * 4}] [expr {$tot - 1}]]
	set pseudo [binary format IIccS $src $dst 0 6 [string length $seg]]
	incr n
	if {[rfcSum $pseudo$seg] != 0xffff} {
	    incr bad
	}
    }
    list [expr {$n > 20}] $bad
}

proc fixTcpCksum {d} {
    # Recompute the TCP checksum after an edit, so that only the edit is bad.
    set seg [string replace [string range $d 20 end] 16 17 \0\0]
    binary scan $d @12Iu@16Iu src dst
    set pseudo [binary format IIccS $src $dst 0 6 [string length $seg]]
    set c [expr {~[rfcSum $pseudo$seg] & 0xffff}]
    return [string range $d 0 19][string replace $seg 16 17 [binary format S $c]]
}


# lab::summary net: the segments kept by "$net record" as records in the
# form of the Linux reference traces' summary.txt: time since the first
# segment, direction (">" from the host that sent the first segment, "<"
# back), flags (S F R P then A), seq and ack relative to the most recent
# SYN of each side ("-" when unknown), payload length and window field.
proc lab::summary {net} {
    set isn {}
    set out {}
    set t0 {}
    foreach s [$net record get] {
	dict with s {
	    set from $src.$sport
	    set to $dst.$dport
	    if {$t0 eq ""} {set t0 $time}
	    set fl ""
	    foreach f {S F R P} {
		if {[string match *$f* $flags]} {append fl $f}
	    }
	    set hasack [string match *A* $flags]
	    if {$hasack} {append fl A}
	    if {[string match *S* $flags]} {dict set isn $from $seq}
	    set rs [expr {[dict exists $isn $from]
		? ($seq - [dict get $isn $from]) & 0xffffffff : "-"}]
	    set ra [expr {$hasack && [dict exists $isn $to]
		? ($ack - [dict get $isn $to]) & 0xffffffff : "-"}]
	    if {![info exists client]} {set client $src}
	    lappend out [list [format %.3f [expr {$time - $t0}]] \
		[expr {$src eq $client ? ">" : "<"}] $fl $rs $ra $len $win]
	}
    }
    return $out
}

# lab::compare got expected ?slack?: the records must match one for one,
# in order across both directions (the interleaved sequence a user reads),
# in direction, flags, relative seq and ack (glob patterns: "*" where the
# value depends on a clock-based ISN) and length, with times within slack
# seconds plus 10%. The one freedom: among expected records printed at
# the same time (the reference summaries print milliseconds), the order
# between the two directions is not asserted, only the order within each
# (on the kernel's veth pair a segment is received within its sender's
# transmit call, so within one millisecond data and the ACKs for it
# alternate where a link with any delay lets a burst cross its ACKs).
# Returns "" or the first difference.
proc lab::compare {got expected {slack 0.05}} {
    if {[llength $got] != [llength $expected]} {
	return "[llength $got] segments, expected [llength $expected]:\n[join $got \n]"
    }
    set n [llength $expected]
    for {set i 0} {$i < $n} {set i $j} {
	# The group of expected records printed at the same time as record i.
	set t [lindex $expected $i 0]
	for {set j $i} {$j < $n && [lindex $expected $j 0] eq $t} {incr j} {}
	set e [lrange $expected $i $j-1]
	set g [lrange $got $i $j-1]
	foreach dir {> <} {
	    set ed [lsearch -all -inline -index 1 $e $dir]
	    set gd [lsearch -all -inline -index 1 $g $dir]
	    if {[llength $ed] != [llength $gd]} {
		return "segments $i-[expr {$j - 1}] {[join $g "} {"]},\
		    expected {[join $e "} {"]}:\n[join $got \n]"
	    }
	    foreach gr $gd er $ed {
		if {![Same $gr $er $slack]} {
		    return "segment {$gr}, expected {$er}:\n[join $got \n]"
		}
	    }
	}
    }
    return ""
}

proc lab::Same {gr er slack} {
    lassign $gr gt gd gf gs ga gl
    lassign $er et ed ef es ea el
    expr {$gd eq $ed && $gf eq $ef && [string match $es $gs]
	&& [string match $ea $ga] && $gl == $el
	&& abs($gt - $et) <= $slack + 0.1 * $et}
}

# lab::linux: the reference traces' setup: client 192.0.2.1, server
# 192.0.2.2 on a veth-like link, both with the linux profile.
proc lab::linux {{profile linux}} {
    set net [tcplab::network create -seed 1]
    $net host create client -addr 192.0.2.1/24 -profile $profile
    $net host create server -addr 192.0.2.2/24 -profile $profile
    $net lan create veth {client server} -delay 20us
    $net record start
    return $net
}
