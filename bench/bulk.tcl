#!/usr/bin/env tclsh
# bulk.tcl --
#
#	Benchmark (not a test): 100 MB from one host to another over a
#	point-to-point link of 1 Gbit/s and 1 ms delay, in virtual time.
#	Prints wall seconds, simulated payload Mbit per wall second, segments
#	per wall second and peak RSS.
#
#	TCLLIBPATH=. tclsh bench/bulk.tcl ?megabytes? ?profile? ?congestion-control?
#
#	The third argument sets tcp_congestion_control on both hosts (for
#	example newreno, to compare with a build whose profile defaulted to it).

package require tcplab

set mb [expr {[llength $argv] > 0 ? [lindex $argv 0] : 100}]
set profile [expr {[llength $argv] > 1 ? [lindex $argv 1] : "linux"}]
set cc [expr {[llength $argv] > 2 ? [lindex $argv 2] : ""}]
set bytes [expr {$mb * 1000000}]

set net [tcplab::network create]
$net host create a -addr 10.0.0.1/24 -profile $profile
$net host create b -addr 10.0.0.2/24 -profile $profile -services discard
$net link create wire a b -rate 1Gbit -delay 1ms
# A window large enough for 1 Gbit/s x 2 ms (250 kB) in flight.
foreach h {a b} {
    $h sysctl rcvbuf 4194304
    $h sysctl sndbuf 4194304
    if {$cc ne ""} {
        $h sysctl tcp_congestion_control $cc
    }
}

set c [a connect b discard]
$net run -until {[$c state] eq "ESTABLISHED"}
set t0 [clock microseconds]
set v0 [$net now]
$c source $bytes
$c close                ;# the FIN follows the last byte
$net run -until {[$c state] ne "FIN_WAIT_1"} -timeout 1h
set wall [expr {([clock microseconds] - $t0) / 1e6}]
set sim [expr {[$net now] - $v0}]
set segs [dict get [$c info] segs_out]

proc rss {} {
    set f [open /proc/self/status]
    set s [read $f]
    close $f
    regexp {VmHWM:\s+(\d+) kB} $s -> kb
    return [expr {$kb / 1024.0}]
}

puts [format "transfer          %d MB (%s profile%s)" $mb $profile \
    [expr {$cc eq "" ? "" : ", $cc"}]]
puts [format "simulated time    %.3f s (%.1f Mbit/s on the wire)" $sim [expr {$bytes * 8 / $sim / 1e6}]]
puts [format "wall time         %.3f s" $wall]
puts [format "payload rate      %.0f simulated Mbit per wall second" [expr {$bytes * 8 / $wall / 1e6}]]
puts [format "segments          %.0f per wall second (%d data segments)" [expr {$segs / $wall}] $segs]
puts [format "peak RSS          %.1f MB" [rss]]
puts "reference         ns-3 3.37: about 320 Mbit/s; target ten times that"
$net destroy
