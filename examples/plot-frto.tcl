# plot-frto.tcl --
#
#	A spurious retransmission timeout detected by F-RTO (RFC 5682) and
#	the window reduction undone, the way Linux does it (net.ipv4.tcp_frto
#	2, its default): a linux host sends 4 MB to a linux receiver over a
#	10 Mbit/s link with 20 ms of delay each way; at 1 s the path's delay
#	for the ACKs jumps by 500 ms (a route change, or a link that holds
#	its frames) and stays there.
#
#	Nothing is lost, but no ACK comes for longer than the RTO, so the
#	retransmission timer fires: cwnd drops to one segment, ssthresh to
#	0.7 cwnd (CUBIC), every segment in flight is marked lost and the
#	first is sent again. Then the delayed ACKs arrive. Without timestamps
#	(turned off here on both hosts, so that F-RTO is what decides) an
#	ACK cannot say whether it answers the original or the
#	retransmission; but the first one also acknowledges a segment that
#	was never sent again, so that segment was not lost and the timeout
#	was spurious (RFC 5682 3.1, Linux tcp_process_loss():
#	FLAG_ORIG_SACK_ACKED): Linux undoes the reduction at once
#	(tcp_try_undo_loss()), cwnd back to what it was, and sends new data
#	instead of the rest of the window again.
#
#	The tail loss probe (sysctl tlp, Linux net.ipv4.tcp_early_retrans)
#	is turned off on the sender so that the timeout comes straight: with
#	it a probe of new data would go first, 2 SRTT after the last ACK.
#
#	Look at, in the cwnd plot: cwnd creeping up under CUBIC, the bytes in
#	flight (as the wire shows them) climbing to cwnd when the ACKs stop,
#	the drop to one segment at the timeout (rto marker), the jump back
#	(undo marker) when the first delayed ACK arrives, 180 ms later, and
#	ssthresh (dashed) ending higher than it was: the undo puts back
#	what tcp_current_ssthresh() gave at the timeout, the larger of
#	ssthresh and 3/4 cwnd.
#
#	tclsh plot-frto.tcl ?-file name.svg?
#
#	Writes the cwnd plot (plot-frto.svg in the current directory unless
#	-file says otherwise) and prints cwnd and ssthresh (in segments)
#	before the timeout, after it and after the undo, with the ACK that
#	proved it spurious (sequence numbers as offsets in the data: the
#	first byte is 0); then the same run with `sysctl tcp_frto 0`: the
#	whole window is sent again (go-back-N) and the reduction is undone
#	only when D-SACKs (RFC 2883) have shown every retransmission to be a
#	duplicate.

package require tcplab

set opts [dict merge {-file plot-frto.svg} $argv]
set file [dict get $opts -file]

# Runs the transfer to 2.5 s; returns the network and the connection.
proc transfer {frto} {
    set net [tcplab::network create -seed 1]
    $net host create a -addr 10.0.0.1/24 -profile linux
    $net host create b -addr 10.0.0.2/24 -profile linux -services discard
    foreach h {a b} {
	$h sysctl tcp_timestamps 0
    }
    a sysctl tlp 0
    # Autotuning grows b's buffer to at most 600000 bytes of memory: a
    # window that never limits the sender here, and a plot whose scale
    # shows cwnd.
    b sysctl tcp_rmem_max 600000
    a sysctl tcp_frto $frto
    $net link create path a b -delay 20ms -rate 10Mbit
    $net record start
    set c [a connect b discard]
    $net run -until {[$c state] eq "ESTABLISHED"} -timeout 10s
    $c source 4000000
    # At 1 s (the handshake took some time: $net after counts from now).
    $net after [expr {round((1.0 - [$net now]) * 1e6)}]us \
	[list $net filter add -on b -dir out -match tcp -action delay \
	-delay 500ms]
    $net run [expr {round((2.5 - [$net now]) * 1e6)}]us
    return [list $net $c]
}

proc segs {bytes} {
    global mss
    return [expr {$bytes / $mss}]
}

# Prints the story of one run from its record.
proc story {net c} {
    global mss
    set isn [expr {[dict get [$c info] iss] + 1}]
    set mss [dict get [$c info] mss]
    # a's events and b's ACKs (as they reach a), in time order; at one
    # instant the ACK comes before what it changed.
    set rows {}
    foreach s [$net record get] {
	if {[dict get $s from] eq "b" && [dict get $s arrive] ne ""} {
	    lappend rows [list [dict get $s arrive] 0 ack $s]
	} elseif {[dict get $s from] eq "a" && [dict get $s len] > 0} {
	    lappend rows [list [dict get $s time] 2 data $s]
	}
    }
    foreach e [$net record events] {
	if {[dict get $e host] eq "a"} {
	    lappend rows [list [dict get $e time] 1 event $e]
	}
    }
    set rows [lsort -real -index 0 [lsort -integer -index 1 $rows]]
    set high 0
    set again 0
    set rto {}
    set undone 0
    set last {}
    foreach r $rows {
	lassign $r t - what x
	switch $what {
	    data {
		set seq [expr {([dict get $x seq] - $isn) & 0xffffffff}]
		set end [expr {$seq + [dict get $x len]}]
		if {$end <= $high} {
		    incr again
		    if {$again == 1} {
			puts [format "%.6f s  %d:%d sent again" $t $seq $end]
		    }
		    set lastagain [list $t $seq $end]
		}
		set high [expr {max($high, $end)}]
	    }
	    ack {
		set ack [expr {([dict get $x ack] - $isn) & 0xffffffff}]
		if {$rto eq ""} {
		    set last [list $t $ack]
		} elseif {!$undone && $ack > $rto} {
		    if {![info exists first]} {
			set first 1
			puts [format "%.6f s  ack %d (the first after the timeout)" \
			    $t $ack]
		    }
		}
	    }
	    event {
		switch [dict get $x kind] {
		    rtt {
			if {$rto eq ""} {
			    set rtt $x
			}
		    }
		    cwnd {
			set why [dict get $x reason]
			set cw [segs [dict get $x cwnd]]
			set ss [segs [dict get $x ssthresh]]
			if {$why eq "retransmission timeout"} {
			    lassign $last tl ack
			    puts [format "%.6f s  ack %d, the last before the spike: srtt %.1f ms, rto %.0f ms" \
				$tl $ack [expr {[dict get $rtt srtt] * 1000}] \
				[expr {[dict get $rtt rto] * 1000}]]
			    puts [format "%.6f s  retransmission timeout: cwnd %d -> %d, ssthresh %d -> %d" \
				$t $cwnd $cw $ssthresh $ss]
			    set rto $ack
			} elseif {[string match undo* $why]} {
			    if {$again > 1} {
				lassign $lastagain ta seq end
				puts [format "%.6f s  %d:%d sent again, the last of %d" \
				    $ta $seq $end $again]
			    }
			    puts [format "%.6f s  %s: cwnd %d -> %d, ssthresh %d -> %d" \
				$t $why $cwnd $cw $ssthresh $ss]
			    set undone 1
			}
			set cwnd $cw
			set ssthresh $ss
		    }
		}
	    }
	}
    }
    puts "segments sent again by [format %.6f [$net now]] s: $again"
}

lassign [transfer 2] net c
puts "1.000000 s  b's ACKs take 520 ms from now on, 20 ms before"
story $net $c
tcplab::plot cwnd $net -file $file -from 0.9 -to 2.2 \
    -title "F-RTO: a spurious timeout undone, linux, tcp_frto 2"
$net destroy

lassign [transfer 0] net c
puts "with tcp_frto 0:"
story $net $c
$net destroy
puts "(cwnd plot written to [file tail $file])"
