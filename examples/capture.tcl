#!/usr/bin/env tclsh
# capture.tcl --
#
#	Figure 18-1 of TCP/IP Illustrated Vol. 1 once more, with libpcap: the
#	first SYN is lost (a BPF fault rule), the run is written to a pcap file
#	that tcpdump, tshark or Wireshark can open, printed the way tcpdump 4.99
#	prints it, and read back segment by segment.
#
#	tclsh examples/capture.tcl ?file.pcap? ?-diagram ?file.svg??
#	    file.pcap	where to write the capture (default: a file in $TMPDIR
#			or /tmp); then compare with
#			TZ=UTC tcpdump -nn -r file.pcap

package require tcplab

tcplab::example::diagram          ;# takes -diagram out of argv
set file [lindex $argv 0]
if {$file eq ""} {
    set dir [expr {[info exists env(TMPDIR)] ? $env(TMPDIR) : "/tmp"}]
    set file [file join $dir tcplab-fig18-01.pcap]
}

set net [tcplab::network create]
tcplab::example::diagram $net ;# -diagram: the time line at the end
$net host create svr4 -addr 140.252.13.34/27 -profile bsd44
$net host create bsdi -addr 140.252.13.35/27 -profile bsd44 -services discard
$net lan create ether0 {svr4 bsdi} -delay 1ms -rate 10Mbit

# Host names stand for their addresses in filter expressions.
$net filter add -match {tcp[tcpflags] & tcp-syn != 0 and src host svr4} \
    -action drop -count 1
set id [$net trace -file $file]
$net trace -format tcpdump

bsdi isn 1823083521
set c [svr4 connect bsdi discard -bind 1037 -isn 1415531521]
$net run -until {[$c state] eq "ESTABLISHED"} -timeout 30s
$net run 4s
$c close
$net run 5s
$net trace off

# Only the file's name: where it is depends on the machine.
puts "\n[file tail $file]:"
foreach seg [tcplab::pcap read $file] {
    dict with seg {
	puts [format "%10s %s.%s > %s.%s %-2s seq %u ack %u len %u %s" \
	    $time $src $sport $dst $dport $flags $seq $ack $len $options]
    }
}
$net destroy
