#!/usr/bin/env tclsh
# tunables.tcl --
#
#	Rewrites the list of tunables in doc/tcplab.n (between the BEGIN and
#	END TUNABLES comments) from the profiles themselves, so the page says
#	what the code does. Run after changing generic/profile.c:
#	    TCLLIBPATH=. tclsh doc/tunables.tcl

package require tcplab

set page [file join [file dirname [info script]] tcplab.n]
set f [open $page]
set text [read $f]
close $f

set list ""
set show {}
foreach p [tcplab::profile names] {
    dict set show $p [tcplab::profile show $p]
}
foreach name [dict keys [dict get $show bsd44]] {
    set values {}
    foreach p [tcplab::profile names] {
	lappend values [dict get $show $p $name]
    }
    append list ".TP\n\\fB$name\\fR ([join $values {, }])\n"
    append list "[tcplab::profile describe $name].\n"
}
set begin "'\\\" BEGIN TUNABLES (written by doc/tunables.tcl)\n"
set end "'\\\" END TUNABLES\n"
set a [string first $begin $text]
set b [string first $end $text]
if {$a < 0 || $b < $a} {
    error "no BEGIN/END TUNABLES markers in $page"
}
set text [string range $text 0 [expr {$a + [string length $begin] - 1}]]$list[string range $text $b end]
set f [open $page w]
puts -nonewline $f $text
close $f
