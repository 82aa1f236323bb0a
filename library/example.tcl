# example.tcl --
#
#	Helpers for the scripts in examples/: every example takes -diagram
#	to print the time-line diagram (tcplab::diagram) of the segments its
#	network carried, or -diagram file.svg to write it as SVG.

namespace eval ::tcplab::example {
    variable parsed 0
    variable wanted 0
    variable file {}
}

# tcplab::example::diagram ?net? --
#	Takes -diagram ?file.svg? out of ::argv (so that the example's own
#	arguments stay where it expects them). With a network: when -diagram
#	was given, records its segments and prints (or writes) the diagram
#	as the network is destroyed.
proc ::tcplab::example::diagram {{net {}}} {
    variable parsed
    variable wanted
    variable file
    if {!$parsed && [info exists ::argv]} {
	set parsed 1
	set i [lsearch -exact $::argv -diagram]
	if {$i >= 0} {
	    set wanted 1
	    set next [lindex $::argv [expr {$i + 1}]]
	    if {[string match -nocase *.svg $next]} {
		set file $next
		set ::argv [lreplace $::argv $i [expr {$i + 1}]]
	    } else {
		set ::argv [lreplace $::argv $i $i]
	    }
	    set ::argc [llength $::argv]
	}
    }
    if {$net eq "" || !$wanted} {
	return
    }
    $net record start
    trace add execution $net enter [list ::tcplab::example::Finish $net]
}

proc ::tcplab::example::Finish {net cmd op} {
    variable file
    if {[lindex $cmd 1] ne "destroy"} {
	return
    }
    if {$file ne ""} {
	tcplab::diagram -format svg -file $file $net
	puts "\n(time-line diagram written to $file)"
    } else {
	puts ""
	puts -nonewline [tcplab::diagram $net]
    }
}
