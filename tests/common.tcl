# common.tcl --
#
#	Helpers shared by the tcplab test files.

package require tcltest 2.5
namespace import ::tcltest::*
package require tcplab

namespace eval lab {
    variable lines {}
}

# lab::net ?profile? ?-seed n? ?-services list?: svr4 and bsdi (the book's
# hosts) on one Ethernet with 1 ms of delay; bsdi runs discard and echo.
proc lab::net {{profile bsd44} args} {
    set opts [dict merge {-seed 1 -services {discard echo}} $args]
    set net [tcplab::network create -seed [dict get $opts -seed]]
    $net host create svr4 -addr 140.252.13.34/27 -profile $profile
    $net host create bsdi -addr 140.252.13.35/27 -profile $profile \
	-services [dict get $opts -services]
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

proc fixTcpCksum {d} {
    # Recompute the TCP checksum after an edit, so that only the edit is bad.
    set seg [string replace [string range $d 20 end] 16 17 \0\0]
    binary scan $d @12Iu@16Iu src dst
    set pseudo [binary format IIccS $src $dst 0 6 [string length $seg]]
    set c [expr {~[rfcSum $pseudo$seg] & 0xffff}]
    return [string range $d 0 19][string replace $seg 16 17 [binary format S $c]]
}

