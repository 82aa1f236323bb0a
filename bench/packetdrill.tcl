#!/usr/bin/env tclsh
# packetdrill.tcl --
#
#	Runs packetdrill scripts with tcplab::packetdrill and prints one line
#	per script (pass|fail|error path: message) and a table per directory.
#	A directory holding kernel-*-results.tsv (the verdicts of a real kernel
#	on its scripts) also gets that kernel's verdict next to each script's
#	and an agreement count.
#
#	TCLLIBPATH=. tclsh bench/packetdrill.tcl ?-profile name? ?-kernel?
#	    ?-tolerance usecs? file-or-directory ...

package require tcplab

set profile linux
set kernel 0
set tolerance {}
set paths {}
for {set i 0} {$i < [llength $argv]} {incr i} {
    set a [lindex $argv $i]
    switch -- $a {
	-profile {set profile [lindex $argv [incr i]]}
	-tolerance {set tolerance [lindex $argv [incr i]]}
	-kernel {set kernel 1}
	default {lappend paths $a}
    }
}
if {![llength $paths]} {
    puts stderr "usage: tclsh bench/packetdrill.tcl ?-profile name? ?-kernel?\
	    ?-tolerance usecs? file-or-directory ..."
    exit 2
}

proc scripts {dir} {
    set out {}
    foreach f [lsort [glob -nocomplain -directory $dir *]] {
	if {[file isdirectory $f]} {
	    lappend out {*}[scripts $f]
	} elseif {[string match *.pkt $f]} {
	    lappend out $f
	}
    }
    return $out
}

# The kernel's verdicts: a results file in the directory or above it.
proc verdicts {dir} {
    set d [file normalize $dir]
    while 1 {
	set f [lindex [glob -nocomplain -directory $d kernel-*-results.tsv] 0]
	if {$f ne ""} {
	    set v [dict create]
	    set ch [open $f]
	    gets $ch
	    while {[gets $ch line] >= 0} {
		set cols [split $line \t]
		dict set v [file join $d [lindex $cols 0]] [lindex $cols 1]
	    }
	    close $ch
	    return $v
	}
	set up [file dirname $d]
	if {$up eq $d} {return {}}
	set d $up
    }
}

set opts [list -profile $profile]
if {$kernel} {lappend opts -kernel}
if {$tolerance ne ""} {lappend opts -tolerance $tolerance}
# Scripts of the corpus expect packetdrill's usual definitions.
lappend opts -define {TFO_COOKIE 3021b9d889017eeb CODE host_unreachable
    CMSG_LEVEL_IP SOL_IP CMSG_TYPE_RECVERR IP_RECVERR}

foreach path $paths {
    if {[file isdirectory $path]} {
	set files [scripts $path]
	set kv [verdicts $path]
    } else {
	set files [list $path]
	set kv [verdicts [file dirname $path]]
    }
    set table [dict create]
    foreach f $files {
	set t0 [clock milliseconds]
	if {[catch {tcplab::packetdrill run $f {*}$opts} r]} {
	    set r [dict create result error line 0 message $r]
	}
	# Timing failures on the wall clock are run again once.
	if {$kernel && [string match "timing error*" [dict get $r message]]} {
	    if {[catch {tcplab::packetdrill run $f {*}$opts} r]} {
		set r [dict create result error line 0 message $r]
	    }
	}
	set verdict [dict get $r result]
	set msg [lindex [split [dict get $r message] \n] 0]
	if {[dict get $r line]} {set msg "line [dict get $r line]: $msg"}
	set k [expr {[dict exists $kv [file normalize $f]]
	    ? [dict get $kv [file normalize $f]] : ""}]
	# The directory below the one given (fastopen/client, ...).
	set dir [file dirname $f]
	if {[file isdirectory $path]} {
	    set dir [string trimleft [string range [file normalize $dir] \
		    [string length [file normalize $path]] end] /]
	}
	if {$dir eq ""} {set dir .}
	set rel [file normalize $f]
	if {$k ne ""} {
	    puts [format "%-5s (kernel %-5s) %s: %s" $verdict $k $f $msg]
	} else {
	    puts [format "%-5s %s: %s" $verdict $f $msg]
	}
	flush stdout
	if {$k eq "flaky"} {set k pass}
	if {![dict exists $table $dir]} {
	    dict set table $dir {n 0 pass 0 fail 0 error 0 kpass 0 both 0 agree 0}
	}
	set t [dict get $table $dir]
	dict incr t n
	dict incr t $verdict
	if {$k eq "pass"} {
	    dict incr t kpass
	    if {$verdict eq "pass"} {dict incr t both}
	}
	if {$k in {pass fail} && (($k eq "pass") == ($verdict eq "pass"))} {
	    dict incr t agree
	}
	dict set table $dir $t
    }
    puts ""
    puts [format "%-22s %7s %5s %5s %5s %12s %12s %7s" directory scripts \
	    pass fail error "kernel pass" "both pass" agree]
    set tot {n 0 pass 0 fail 0 error 0 kpass 0 both 0 agree 0}
    dict for {dir t} $table {
	puts [format "%-22s %7d %5d %5d %5d %12d %12d %7d" $dir \
		[dict get $t n] [dict get $t pass] [dict get $t fail] \
		[dict get $t error] [dict get $t kpass] [dict get $t both] \
		[dict get $t agree]]
	dict for {k v} $t {dict incr tot $k $v}
    }
    puts [format "%-22s %7d %5d %5d %5d %12d %12d %7d" total \
	    [dict get $tot n] [dict get $tot pass] [dict get $tot fail] \
	    [dict get $tot error] [dict get $tot kpass] [dict get $tot both] \
	    [dict get $tot agree]]
}
