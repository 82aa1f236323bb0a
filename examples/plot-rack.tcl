# plot-rack.tcl --
#
#	A tail loss repaired by a tail loss probe (RACK-TLP, RFC 8985), the
#	way Linux does it: a linux host writes 20 segments (28960 bytes) to a
#	linux receiver over a 10 Mbit/s link with 20 ms of delay each way,
#	and the last two segments are lost.
#
#	Nothing is sent after them, so no later segment can be SACKed and no
#	duplicate ACK comes back: neither RACK's time-based detection nor the
#	three duplicate ACKs of fast retransmit can see the loss, and a
#	stack without TLP waits for the retransmission timer. Linux arms a
#	probe timer instead (tcp_schedule_loss_probe()): 2 SRTT after the
#	last ACK (2 SRTT + 200 ms when only one segment is out, for the
#	peer's delayed ACK; never later than the RTO). When it fires, the
#	last segment goes again (there is no new data to send); the receiver
#	SACKs it; that SACK is a segment sent later than the first lost one
#	being delivered, so RACK marks that one lost and Linux retransmits it
#	in a SACK recovery (PRR, RFC 6937) one round trip after the probe.
#
#	Look at, in the time-sequence graph: the two brown crosses (the
#	losses) at the top of the second flight, the ACK line stopping below
#	them, the red bar of the probe at the top about 2 SRTT later, the
#	purple SACK block that answers it, the red bar of the retransmission
#	of the 19th segment, and the ACK line jumping to the end.
#
#	tclsh plot-rack.tcl ?-file name.svg?
#
#	Writes the time-sequence graph (plot-rack.svg in the current
#	directory unless -file says otherwise) and prints the steps of the
#	repair, sequence numbers relative to the ISN; then the same run with
#	`sysctl tlp 0` (no probe): the retransmission timer fires instead.

package require tcplab

set opts [dict merge {-file plot-rack.svg} $argv]
set file [dict get $opts -file]

# Runs the transfer; returns the network, the connection and its ISN.
proc transfer {tlp} {
    set net [tcplab::network create -seed 1]
    $net host create a -addr 10.0.0.1/24 -profile linux
    $net host create b -addr 10.0.0.2/24 -profile linux -services discard
    a sysctl tlp $tlp
    $net link create path a b -delay 20ms -rate 10Mbit
    $net record start
    set c [a connect b discard]
    $net run -until {[$c state] eq "ESTABLISHED"} -timeout 10s
    set i [$c info]
    set mss [dict get $i mss]
    set isn [expr {[dict get $i snd_nxt] - 1}]
    # The 19th and 20th data segments are lost.
    foreach k {18 19} {
	set lost [expr {($isn + 1 + $k * $mss) & 0xffffffff}]
	$net filter add -on b -dir in -match "tcp\[4:4\] = $lost" \
	    -action drop -count 1
    }
    $c send [string repeat x [expr {20 * $mss}]]
    $net run 2s
    return [list $net $c $isn]
}

# Sequence numbers as offsets in the data: the first data byte is 0.
proc rel {seq} {
    global isn
    return [expr {($seq - $isn - 1) & 0xffffffff}]
}

# The steps of the repair, from the record: a's segments as sent, b's
# ACKs as they reach a, and a's cwnd, rtt and timer events.
proc steps {net} {
    set out {}
    foreach s [$net record get] {
	if {[dict get $s len] == 0 && [dict get $s from] eq "b"} {
	    lappend out [list [dict get $s arrive] ack $s]
	} elseif {[dict get $s len] > 0 && [dict get $s from] eq "a"} {
	    lappend out [list [dict get $s time] data $s]
	}
    }
    foreach e [$net record events] {
	if {[dict get $e host] eq "a"} {
	    lappend out [list [dict get $e time] event $e]
	}
    }
    # At one instant: the ACK, what it changed, then what it let out
    # (lsort is stable).
    set out [lsort -command {apply {{x y} {
	set r {ack 0 event 1 data 2}
	expr {[dict get $r [lindex $x 1]] - [dict get $r [lindex $y 1]]}
    }}} $out]
    return [lsort -real -index 0 $out]
}

proc range {s} {
    set from [rel [dict get $s seq]]
    return "$from:[expr {$from + [dict get $s len]}]"
}

proc sack {s} {
    foreach o [dict get $s options] {
	if {[lindex $o 0] eq "sack"} {
	    set r {}
	    foreach {l h} [lindex $o 1] {
		lappend r "[rel $l]:[rel $h]"
	    }
	    return " SACK [join $r { }]"
	}
    }
    return ""
}

# --- With the tail loss probe (the linux profile's default) ---
lassign [transfer 1] net c isn
set mss [dict get [$c info] mss]
set high 0
set rows [steps $net]
foreach r $rows {
    lassign $r t what x
    if {$what eq "event" && [dict get $x kind] eq "timer-fire"} {
	break
    }
    if {$what eq "data" && [dict get $x drop] ne ""} {
	puts [format "%.6f s  data %s lost on the link" $t [range $x]]
    }
    if {$what eq "data"} {
	set high [expr {max($high, [rel [dict get $x seq]] + [dict get $x len])}]
    }
    if {$what eq "ack"} {
	set lastack [list $t $x]
    }
    if {$what eq "event" && [dict get $x kind] eq "rtt"} {
	set srtt [dict get $x srtt]
    }
}
# The last ACK before the probe (and srtt after its RTT sample): the
# probe timer is set from it.
lassign $lastack t x
set out [expr {($high - [rel [dict get $x ack]]) / $mss}]
puts [format "%.6f s  ack %d, the last: %d segments out, srtt %.3f ms, 2 srtt = %.3f ms" \
    $t [rel [dict get $x ack]] $out [expr {$srtt * 1000}] [expr {2 * $srtt * 1000}]]
# Prints what follows the first timer that fires: it, the data sent
# again, the ACKs, and (with cwnd 1) each change of cwnd.
proc show {rows fired cwnd} {
    global mss
    set after 0
    foreach r $rows {
	lassign $r t what x
	if {$what eq "event" && [dict get $x kind] eq "timer-fire"} {
	    set after 1
	    puts [format "%.6f s  %s timer fires: %s" $t [dict get $x timer] \
		$fired]
	}
	if {!$after} {
	    continue
	}
	switch $what {
	    data {
		puts [format "%.6f s  data %s again" $t [range $x]]
	    }
	    ack {
		puts [format "%.6f s  ack %d%s arrives" $t \
		    [rel [dict get $x ack]] [sack $x]]
	    }
	    event {
		if {$cwnd && [dict get $x kind] eq "cwnd"} {
		    puts [format "%.6f s  cwnd %.1f ssthresh %.1f segments: %s" \
			$t [expr {double([dict get $x cwnd]) / $mss}] \
			[expr {double([dict get $x ssthresh]) / $mss}] \
			[dict get $x reason]]
		}
	    }
	}
    }
}
# tcplab keeps the probe in the retransmission timer's slot (Linux:
# ICSK_TIME_LOSS_PROBE in icsk_retransmit_timer).
show $rows "the loss probe" 1
tcplab::plot tseq $net -file $file -from 0.035 -to 0.32 \
    -title "tail loss probe (RACK-TLP): the last two segments lost, linux"
$net destroy

# --- The same without the probe ---
lassign [transfer 0] net c isn
puts "with tlp 0:"
show [steps $net] "the retransmission timeout" 0
$net destroy
puts "(time-sequence graph written to [file tail $file])"
