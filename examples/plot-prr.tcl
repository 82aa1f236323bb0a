# plot-prr.tcl --
#
#	Proportional rate reduction (PRR, RFC 6937), the way Linux brings
#	cwnd down in a SACK recovery: a linux host sends 300 kB over a
#	10 Mbit/s link with 20 ms of delay each way, and three segments of
#	one window (the 61st, 64th and 67th) are lost.
#
#	RACK (RFC 8985) starts the recovery when the SACKs prove the first
#	segment lost; CUBIC sets ssthresh to 0.7 of cwnd. Reno would halve
#	cwnd at once and send nothing until half the window had drained. PRR
#	instead lets out, for every segment the receiver reports delivered,
#	ssthresh / RecoverFS of a segment (about 0.7: the retransmissions
#	first, then new data), so the sending never stops and cwnd (set to
#	pipe + what may be sent, on every ACK) slides down step by step to
#	ssthresh, where the recovery ends.
#
#	tclsh plot-prr.tcl ?-file name.svg?
#
#	Writes the cwnd plot of the recovery (plot-prr.svg in the current
#	directory unless -file says otherwise) and prints each step of cwnd
#	in segments with the number of ACKs since the step before (in a
#	recovery the receiver ACKs every segment at once, so each ACK
#	reports one segment delivered).

package require tcplab

set opts [dict merge {-file plot-prr.svg} $argv]
set file [dict get $opts -file]

set net [tcplab::network create -seed 1]
$net host create a -addr 10.0.0.1/24 -profile linux
$net host create b -addr 10.0.0.2/24 -profile linux -services discard
# Buffers that never limit the window in this run.
foreach h {a b} {
    $h sysctl rcvbuf 1000000
    $h sysctl sndbuf 1000000
}
$net link create path a b -delay 20ms -rate 10Mbit
$net record start

set c [a connect b discard]
$net run -until {[$c state] eq "ESTABLISHED"} -timeout 10s
set i [$c info]
set mss [dict get $i mss]
set isn [expr {[dict get $i snd_nxt] - 1}]
foreach k {60 63 66} {
    set lost [expr {($isn + 1 + $k * $mss) & 0xffffffff}]
    $net filter add -on b -dir in -match "tcp\[4:4\] = $lost" -action drop \
	-count 1
}
$c source 300000
$c close
$net run 5s

proc segs {bytes} {
    global mss
    return [format %.1f [expr {double($bytes) / $mss}]]
}
set from {}
set last {}
set acks 0
foreach e [$net record events] {
    if {[dict get $e host] ne "a" || [dict get $e kind] ne "cwnd"} {
	continue
    }
    set why [dict get $e reason]
    set t [dict get $e time]
    if {[string match "SACK loss recovery*" $why]} {
	set from $t
    } elseif {[string match PRR* $why]} {
	# PRR sets cwnd on every ACK of the recovery, changed or not.
	incr acks
    }
    set end [string match "recovery ends*" $why]
    if {$from eq "" || ([dict get $e cwnd] eq $last && !$end)} {
	continue
    }
    set last [dict get $e cwnd]
    set line [format "%.6f s  cwnd %5s  ssthresh %5s  %s" $t \
	[segs $last] [segs [dict get $e ssthresh]] $why]
    if {$acks} {
	set line [format "%-72s ACKs: %d" $line $acks]
    }
    puts $line
    set acks 0
    if {$end} {
	set to $t
	break
    }
}
tcplab::plot cwnd $net -file $file -from [expr {$from - 0.05}] \
    -to [expr {$to + 0.05}] \
    -title "PRR: three losses in one window, 10 Mbit/s, 40 ms RTT"
puts "(cwnd plot written to [file tail $file])"
$net destroy
