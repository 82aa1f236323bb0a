# all.tcl -- run the whole tcplab test suite:
#     tclsh tests/all.tcl ?tcltest options, e.g. -file conn*.test -verbose bpe?
# Every *.test file runs in its own tclsh (tcltest's default).  Exits non-zero
# when a test fails or a test file errors out, and always ends with the line
# "N passed, N failed" (plus ", N skipped" when tests were skipped).

package require Tcl 8.6-
package require tcltest 2.5
namespace import ::tcltest::*

configure -testdir [file dirname [file normalize [info script]]] {*}$argv

# make test-valgrind runs each test file's tclsh through a wrapper script.
if {[info exists env(TCPLAB_TEST_SHELL)]} {
    interpreter $env(TCPLAB_TEST_SHELL)
}

# A test placed after its file's cleanupTests runs, but is in no total: it
# could fail unseen. Such a file fails the run.
set misplaced {}
foreach f [tcltest::GetMatchingFiles] {
    set fd [open $f]
    set text [read $fd]
    close $fd
    set ends [regexp -all -inline -indices -line \
	{^\s*(?:::)?(?:tcltest::)?cleanupTests\M} $text]
    if {[llength $ends] && [regexp -line {^\s*test\s} \
	    [string range $text [lindex $ends end 0] end]]} {
	lappend misplaced [file tail $f]
    }
}

# Each child's "file: Total N Passed N Skipped N Failed N" line adds to
# numTests(Total) once; count those writes so that a file which exits
# without reporting (no cleanupTests) is noticed.
set writes 0
trace add variable ::tcltest::numTests(Total) write {apply {args {incr ::writes}}}

# runAllTests prints the sums of those lines and resets them right after
# calling this hook: keep copies.
proc tcltest::cleanupTestsHook {} {
    variable numTests
    variable numTestFiles
    set ::totals [array get numTests]
    set ::nfiles $numTestFiles
    set ::reports $::writes
}

set bad [runAllTests]
# With -singleproc 1 the test files ran in this interpreter and may have
# left a variable of this name.
unset -nocomplain sum
array set sum $totals
if {$nfiles == 0} {
    puts "No test files were run."
    set bad 1
} elseif {![singleProcess] && $reports < $nfiles} {
    puts "[expr {$nfiles - $reports}] test file(s) did not report results (crashed or exited early)."
    set bad 1
}
if {[llength $misplaced]} {
    puts "Tests after cleanupTests (not counted) in: [join [lsort $misplaced] {, }]"
    set bad 1
}
if {$sum(Failed) > 0} {set bad 1}

set line "$sum(Passed) passed, $sum(Failed) failed"
if {$sum(Skipped) > 0} {append line ", $sum(Skipped) skipped"}
puts $line
exit [expr {$bad ? 1 : 0}]
