/*
 * profile.c --
 *
 *	The tunables table and the profiles. One row per tunable, one column
 *	per profile: bsd44 (4.4BSD as in TCP/IP Illustrated Vol. 1), linux
 *	(Linux 6.18 as traced in reference/linux-6.18), linux-3.6 (the kernel
 *	of seed 000) and rfc9293 (the standards alone). Each row cites where
 *	its values come from.
 */

#include <string.h>
#include "profile.h"

const char *const tl_profile_names[] = {
    "bsd44", "linux", "linux-3.6", "rfc9293", NULL
};
#define NPROFILES 4

typedef struct {
    tl_tunable_def def;
    int values[NPROFILES];	/* bsd44, linux, linux-3.6, rfc9293 */
} Row;

#define T(field)	#field, offsetof(tl_tunables, field)
#define BIG		2147483647

static const Row rows[] = {
    /* 4.4BSD: TCP_MAXRXTSHIFT 12, but the 75 s keep timer ends a connect
     * first (tcp_timer.h). Linux: sysctl default 6 (trace 02); 3.6: 5
     * (seed 000). RFC 1122 4.2.3.5: R2 for a SYN at least 3 minutes. */
    {{T(tcp_syn_retries), 0, 127, "SYN retransmissions before connect fails"},
	{12, 6, 5, 7}},
    {{T(tcp_synack_retries), 0, 127, "SYN-ACK retransmissions in SYN_RCVD"},
	{12, 5, 5, 5}},
    /* Threshold for asking the network layer for a new route (RFC 1122
     * 4.2.3.5 R1); recorded in events, no route change is simulated. */
    {{T(tcp_retries1), 0, 255, "retransmissions before negative advice (R1)"},
	{3, 3, 3, 3}},
    /* 4.4BSD TCP_MAXRXTSHIFT 12; Linux tcp_retries2 15 (sysctl-defaults). */
    {{T(tcp_retries2), 0, 255, "data retransmissions before ETIMEDOUT (R2)"},
	{12, 15, 15, 15}},
    /* Linux 0 means 8 (tcp_orphan_retries() in tcp_timer.c). */
    {{T(tcp_orphan_retries), 0, 255, "retransmissions for an orphaned connection (0 = orphan_retries_default)"},
	{12, 0, 0, 0}},
    /* What tcp_orphan_retries 0 stands for: Linux tcp_orphan_retries()
     * returns 8; 4.4BSD has no separate count and gives up after
     * TCP_MAXRXTSHIFT 12, as for any connection (tcp_timer.c). */
    {{T(orphan_retries_default), 1, 255, "retransmissions for an orphaned connection when tcp_orphan_retries is 0"},
	{12, 8, 8, 8}},
    /* Linux tcp_fin_timeout 60 s (trace 05). 4.4BSD: tcp_maxidle =
     * TCPTV_KEEPCNT 8 x TCPTV_KEEPINTVL 75 s = 600 s, then re-armed for
     * 75 s while the peer was heard from (tcp_timer.c, TCPT_2MSL).
     * RFC 9293 has no FIN_WAIT_2 timer. */
    {{T(tcp_fin_timeout), 0, 86400, "seconds an orphaned FIN_WAIT_2 lives (0 = forever)"},
	{600, 60, 60, 0}},
    /* RFC 1122 4.2.3.6: at least two hours. Linux 7200/75/9
     * (sysctl-defaults); 4.4BSD TCPTV_KEEP_IDLE 2 h, TCPTV_KEEPINTVL 75 s,
     * TCPTV_KEEPCNT 8. */
    {{T(tcp_keepalive_time), 1, 32767*60, "idle seconds before the first keepalive probe"},
	{7200, 7200, 7200, 7200}},
    {{T(tcp_keepalive_intvl), 1, 32767, "seconds between keepalive probes"},
	{75, 75, 75, 75}},
    {{T(tcp_keepalive_probes), 1, 127, "unanswered probes before the connection is dropped"},
	{8, 9, 9, 9}},
    /* RFC 1337 TIME_WAIT assassination protection; Linux default 0
     * (trace 13). */
    {{T(tcp_rfc1337), 0, 1, "ignore RSTs in TIME_WAIT (RFC 1337)"},
	{0, 0, 0, 0}},
    /* RFC 7323 timestamps and window scaling, RFC 2018 SACK: on in Linux
     * (sysctl-defaults; every SYN of the traces carries mss, sackOK, TS,
     * nop, wscale 10); the book's hosts (BSD/386, SVR4) sent only the MSS
     * option (fig. 18-1); RFC 9293 alone has none of them. */
    {{T(tcp_timestamps), 0, 1, "send and accept RFC 7323 timestamps"},
	{0, 1, 1, 0}},
    {{T(tcp_window_scaling), 0, 1, "negotiate RFC 7323 window scaling"},
	{0, 1, 1, 0}},
    {{T(tcp_sack), 0, 1, "negotiate RFC 2018 selective acknowledgments"},
	{0, 1, 1, 0}},
    /* Linux 6.18 announces wscale 10 with tcp_rmem[2] 32 MB (traces). */
    {{T(rcv_wscale), 0, 14, "window scale shift we announce"},
	{0, 10, 7, 0}},
    /* Linux: a buffer set by SO_RCVBUF before the SYN clamps the window
     * to its tcp_full_space() (tcp_connect_init(),
     * tcp_openreq_init_rwin()), and tcp_select_initial_window() takes the
     * scale from the clamp, ilog2 less 15, when that is below the one of
     * tcp_rmem[2]: on the 6.18 kernel a listener with SO_RCVBUF 65536
     * (131072 bytes of memory, a window of 65536 at the default 50%)
     * announces wscale 1 where the default is 10. */
    {{T(rcv_wscale_buf), 0, 1, "a buffer set by SO_RCVBUF before the SYN lowers the window scale announced to the smallest that covers its window, as Linux"},
	{0, 1, 0, 0}},
    {{T(option_layout), 0, 1, "SYN option layout: 0 = 4.4BSD, 1 = Linux"},
	{OPTS_BSD, OPTS_LINUX, OPTS_LINUX, OPTS_LINUX}},
    /* Linux tcp_select_initial_window(): the SYN window is a multiple of
     * the MSS (64240 = 44 x 1460, 65160 = 45 x 1448: traces); later
     * windows are rounded up to the scale unit (tcp_select_window(): win
     * 63 = 64512 / 1024). */
    {{T(rcv_win_mss_round), 0, 1, "initial window is a multiple of the MSS and caps later ones"},
	{0, 1, 1, 0}},
    {{T(rcv_win_roundup), 0, 1, "round the scaled window up to the scale unit"},
	{0, 1, 1, 0}},
    /* Linux __tcp_select_window() on a connection without window
     * scaling: the window last offered while the free space is less than
     * a segment (icsk_ack.rcv_mss) above it, else the free space rounded
     * down to whole segments of rcv_mss, rcv_mss taken as at most the
     * full space (a buffer smaller than a segment). Linux 6.18, SO_RCVBUF 8192
     * (a window of 7104 at a tun device's ratio), 1000-byte segments:
     * the read that empties the buffer offers 7000. */
    {{T(rcv_win_unscaled_mss), 0, 1, "an unscaled window is offered in whole segments of the size the peer sends (at most the buffer's full space), and kept while the free space is within a segment above it, as Linux"},
	{0, 1, 0, 0}},
    /* Linux tcp_event_data_recv() -> tcp_grow_window(): each in-order
     * segment of 128 bytes or more raises rcv_ssthresh, the cap on the
     * window, by 2 x advmss (the MSS we announced), up to what the buffer
     * holds. Trace 12: the client's window after each 1448-byte segment
     * is 64240 + k x 2920 rounded up to 1024: 66, 69, 72, 75, 77, then
     * 79 where the buffer stops it; trace 10: 65160 + 2920 -> 67 after
     * 1000 bytes; trace 11: no growth after 10 bytes (win 64). */
    {{T(rcv_win_grow), 0, 1, "each in-order segment of 128 bytes or more raises the window cap by 2 MSS, as Linux"},
	{0, 1, 0, 0}},
    /* Linux tcp_select_initial_window() works from tcp_full_space() at
     * TCP_DEFAULT_SCALING_RATIO (half of tcp_rmem[1] 131072: 65536),
     * while the window later grows into what the measured ratio of
     * payload to buffer memory allows (see rcvbuf). */
    {{T(rcv_space_init), 0, 1 << 30, "buffer space the initial window is computed from (0 = rcvbuf)"},
	{0, 65536, 0, 0}},
    /* Linux 6.x counts the receive buffer in memory and converts it to
     * window with tp->scaling_ratio (tcp_win_from_space(), include/net/
     * tcp.h: space x ratio / 256, TCP_RMEM_TO_WIN_SCALE 8), which starts
     * at TCP_DEFAULT_SCALING_RATIO 128 and is set from the first
     * segment's skb->len / skb->truesize (tcp_measure_rcv_mss()). The
     * ratio the linux profile takes is trace 12's: its window stops
     * growing at 79 x 1024 = 80896 = 131072 x 158 / 256, so that rcvbuf
     * (80896) is the window of tcp_rmem[1] 131072 bytes. 4.4BSD, Linux
     * 3.6 (tcp_adv_win_scale) and the RFC: 0, windows are buffer bytes. */
    {{T(rcv_scaling_ratio), 0, 255, "payload bytes per 256 bytes of receive buffer memory after the first full segment, as Linux's scaling_ratio (0 = windows are buffer bytes)"},
	{0, 158, 0, 0}},
    /* skb->truesize, the memory a segment is charged: 0 = its payload at
     * rcv_scaling_ratio (one ratio whatever the length); 1 = what Linux
     * 6.18's tun driver allocates for a frame from a TAP device (as
     * packetdrill's tun0 and tcplab's TAP give the kernel): one kmalloc
     * of NET_SKB_PAD 64 + the Ethernet frame + skb_shared_info 320
     * bytes, a power of two, plus the sk_buff 256. Measured with ss -tm
     * over tcplab's TAP: 1000 and 1448 bytes cost 2304 (ratios 111 and
     * 160: rcv_ssthresh 56832 after a 1000-byte segment), 500 bytes
     * 1280. */
    {{T(rcv_truesize), 0, 1, "memory a received segment costs: 0 = payload at rcv_scaling_ratio, 1 = a Linux tun driver's kmalloc'd frame"},
	{RCVTS_RATIO, RCVTS_RATIO, RCVTS_RATIO, RCVTS_RATIO}},
    /* Linux net.ipv4.tcp_moderate_rcvbuf 1: tcp_rcv_space_adjust()
     * measures each receive RTT (tcp_rcv_rtt_measure(), _ts()) the bytes
     * the application read, and tcp_rcvbuf_grow() makes sk_rcvbuf room
     * for twice that plus the sender's slow-start growth, up to
     * tcp_rmem[2], window_clamp following. Off once SO_RCVBUF is set
     * (SOCK_RCVBUF_LOCK). 4.4BSD and the RFC keep the buffer as set;
     * Linux 3.6's tcp_rcv_space_adjust() (another formula) is not
     * modelled. */
    {{T(tcp_moderate_rcvbuf), 0, 1, "receive-buffer autotuning: the buffer grows with what the application reads per RTT, as Linux's tcp_rcv_space_adjust()"},
	{0, 1, 0, 0}},
    /* Linux tcp_rmem[2] (sysctl-defaults: 33554432), the largest buffer
     * autotuning makes (bytes of memory). */
    {{T(tcp_rmem_max), 0, 1 << 30, "largest receive buffer autotuning makes, bytes of memory (Linux tcp_rmem[2])"},
	{0, 33554432, 0, 0}},
    /* Linux tcp_grow_window() sets icsk_ack.quick |= 1 when it raises
     * rcv_ssthresh: while the window grows every segment is ACKed at
     * once (tcplab's TAP run of tests/pkt/linux-rcvbuf-autotune.pkt: each
     * segment after autotuning has its ACK). Only with quickack on. */
    {{T(rcv_grow_quickack), 0, 1, "a segment that raises the window cap is ACKed at once, as Linux's tcp_grow_window()"},
	{0, 1, 0, 0}},
    /* After the application reads: 4.4BSD tcp_output() sends a window
     * update when the window opened by two segments or half the buffer
     * (RFC 1122 4.2.3.3, RFC 9293 3.8.6.2.2); Linux tcp_cleanup_rbuf()
     * only when the window it announced had fallen to half the clamp and
     * would at least double. */
    {{T(win_update_double), 0, 1, "window updates only when the window fell to half and would double, as Linux"},
	{0, 1, 1, 0}},
    /* Linux tcp_event_data_recv(): the first data of a connection starts
     * "quickack" mode, up to TCP_MAX_QUICKACKS 16 ACKs sent at once (trace
     * 12: every segment ACKed; tcp_incr_quickack(): no more than half the
     * window offered holds segments of rcv_mss, 2 when none), and again
     * after data that came twice (tcp_send_dupack(), tcp_data_queue() ->
     * tcp_enter_quickack_mode(), which also leaves pingpong mode). 4.4BSD
     * delays every ACK to the 200 ms tick unless two segments are
     * waiting. */
    {{T(quickack), 0, 1000, "most ACKs sent at once after a connection's first data (fewer when half the window holds fewer segments), and after data that came again"},
	{0, 16, 16, 0}},
    /* Linux tcp_fin(): a FIN in ESTABLISHED enters pingpong mode and its
     * ACK is delayed (inet_csk_schedule_ack(); trace 12: +41 ms). 4.4BSD
     * tcp_input() sets TF_ACKNOW for a FIN, and RFC 9293 3.10.7.4 (eighth
     * step) says to send an acknowledgment for it. */
    {{T(fin_delack), 0, 1, "the ACK of a FIN received in ESTABLISHED is delayed, as Linux"},
	{0, 1, 1, 0}},
    /* Linux tcp_event_data_sent(): data sent less than ato (the delayed-
     * ACK timeout: the estimator's with delack_ato, else 40 ms once data
     * came) after the last data received
     * is a reply, and the connection enters pingpong mode
     * (inet_csk_inc_pingpong_cnt(); tcp_pingpong_thresh 1, 3.6's
     * icsk_ack.pingpong = 1): no quick ACKs, so that an ACK waits to ride
     * on the next reply (__tcp_ack_snd_check()); a delayed ACK that had
     * to go alone leaves it (tcp_delack_timer_handler()). 4.4BSD and the
     * RFC have no such mode. */
    /* Linux __tcp_ack_snd_check(): outside quickack mode an ACK goes at
     * once when more than one segment's worth (icsk_ack.rcv_mss, the
     * peer's segment size as tcp_measure_rcv_mss() guesses it) arrived
     * since the last ACK, so that small segments wait for the delayed-ACK
     * timer however many there are (the rule's second half, the window
     * check, is tunable ack_rcv_wnd). RFC 1122 4.2.3.2 and 4.4BSD: every
     * second segment. Linux 3.6 has the rule too, but its profile does
     * not guess rcv_mss (0). */
    {{T(ack_rcv_mss), 0, 1, "a delayed ACK goes at once when more than one segment's worth of bytes is unacknowledged, not at every second segment, as Linux"},
	{0, 1, 0, 0}},
    /* Linux __tcp_ack_snd_check(): the ACK for size (more than rcv_mss
     * since the last) goes at once only if the application has read
     * everything (tp->rcv_nxt - tp->copied_seq < sk_rcvlowat, 1) or the
     * window free space allows now is not smaller than the last one
     * offered (__tcp_select_window() >= tp->rcv_wnd); otherwise it
     * waits for the delayed-ACK timer or the read that frees the space
     * (tcp_cleanup_rbuf()). Linux 6.18, SO_RCVBUF 8192 (16384 bytes of
     * memory, a window of 7104 at a tun device's ratio), nothing read:
     * after 4000 bytes two 1000-byte segments 1 ms apart get no ACK
     * until the timer, 65 ms later, since the free space would offer
     * less than the edge announced before. Linux 3.6 has the rule too,
     * beside its rcv_mss rule (see ack_rcv_mss). */
    {{T(ack_rcv_wnd), 0, 1, "the ACK for more than a segment's worth waits while the application leaves data unread and the window would shrink, as Linux"},
	{0, 1, 0, 0}},
    /* Linux tcp_measure_rcv_mss() marks a segment shorter than rcv_mss
     * (unless it shows a new, smaller segment size: two in a row of the
     * same length) and, since 6.6, one of rcv_mss or more with PSH as
     * pushed (ICSK_ACK_PUSHED, a second one ICSK_ACK_PUSHED2) until an ACK
     * goes; tcp_cleanup_rbuf() sends the waiting ACK when a read leaves
     * nothing queued (sk_rmem_alloc 0), outside pingpong mode, or in it
     * after two such segments. Linux 6.18, after the quick ACKs: a pushed
     * 100-byte segment read 10 ms after it came is ACKed by the read, not
     * 40 ms later by the timer. 4.4BSD and the RFC ACK a read only for
     * the window; Linux 3.6 has the rule for short segments, but its
     * profile does not guess rcv_mss. */
    {{T(ack_pushed_read), 0, 1, "a read that leaves nothing queued sends the ACK that waits for a short or pushed segment, as Linux"},
	{0, 1, 0, 0}},
    /* Linux __tcp_select_window(): when the free space is less than half
     * the full space, quickack mode ends (icsk_ack.quick = 0), whatever
     * quick ACKs were left. Linux 6.18, SO_RCVBUF 1152 (2304 bytes of
     * memory): a 1000-byte segment fills it (free 0 of 999 at 111/256),
     * so the next, 152 bytes, waits for the delayed-ACK timer though two
     * quick ACKs were given. Linux 3.6 has the rule too, but its profile
     * does not model the buffer's memory. */
    {{T(quickack_low_space), 0, 1, "quick ACKs end when less than half the buffer's window is free, as Linux"},
	{0, 1, 0, 0}},
    {{T(pingpong_reply), 0, 1, "data sent soon after data received makes the connection interactive: later ACKs are delayed to ride on replies, as Linux"},
	{0, 1, 1, 0}},
    /* Linux: icsk_ack.ato is 0 until the first data sets it to
     * TCP_ATO_MIN (tcp_event_data_recv(), tcp_send_delayed_ack()), so an
     * ACK delayed before any data (a FIN's) goes at the next tick (traces
     * 05, 06: 1-7 ms). 4.4BSD and RFC 1122 4.2.3.2: the delayed-ACK
     * time. */
    {{T(delack_ato_zero), 0, 1, "before a connection's first data a delayed ACK waits only for the next tick, as Linux"},
	{0, 1, 1, 0}},
    /* Linux's delayed-ACK estimator, icsk_ack.ato in jiffies: TCP_ATO_MIN
     * (the delayed-ACK time) from the first data; each in-order segment
     * after a gap m moves it (tcp_event_data_recv(): m <= ATO_MIN/2:
     * ato/2 + ATO_MIN/2; m < ato: ato/2 + m, at most the RTO), a gap
     * longer than the RTO gives the quick ACKs back, and a delayed ACK
     * that had to go alone doubles it (tcp_delack_timer_handler(), at
     * most the RTO; in pingpong mode it goes back to ATO_MIN). An ACK
     * waits ato, above TCP_DELACK_MIN at most max(srtt, TCP_DELACK_MIN),
     * and never more than TCP_DELACK_MAX 200 ms (tcp_send_delayed_ack(),
     * tcp_delack_max()); an ACK already waiting goes at once when its
     * time is within ato/4, and otherwise keeps the earlier of the two
     * times. tcpi_ato reports min(ato, 200 ms). Linux 3.6 has the
     * estimator without the 200 ms bound (its profile keeps the fixed
     * time); 4.4BSD and RFC 1122 4.2.3.2 a fixed delay. */
    {{T(delack_ato), 0, 1, "the delayed-ACK time adapts to the gaps between data segments and grows when a delayed ACK had to go alone, as Linux's ato"},
	{0, 1, 0, 0}},
    /* Linux 3.6 tcp_event_ack_sent(): every segment sent with an ACK uses
     * up as many quick ACKs as it holds segments (tcp_dec_quickack_mode(sk,
     * pkts)); 6.x only an ACK of data or a FIN that came since the last
     * (inet_csk_ack_scheduled()), one each. Leaving quickack mode sets ato
     * back to TCP_ATO_MIN in both. */
    {{T(quickack_all_acks), 0, 1, "every segment sent with an ACK uses up quick ACKs, by its segment count, as Linux 3.6 (else one per ACK of new data)"},
	{0, 0, 1, 0}},
    /* Linux tcp_rcv_synsent_state_process(): when a writer waits for the
     * connection (sk_write_pending; here: data written and not sent yet)
     * or pingpong mode holds, the SYN-ACK's ACK is "saved": quickack mode
     * (tcp_enter_quickack_mode(): ato TCP_ATO_MIN) and the ACK waits up
     * to TCP_DELACK_MAX 200 ms for that data to carry it. Data sent then,
     * within ato of the connection's start, makes the connection
     * interactive (tcp_event_data_sent()), so the peer's first reply is
     * not ACKed at once (packetdrill's fastopen/client blocking-sendto).
     * 3.6 has it too, but its profile keeps no ato (delack_ato 0); 4.4BSD
     * and RFC 9293 3.10.7.3 ACK the SYN-ACK at once. */
    {{T(synack_ack_wait), 0, 1, "the ACK of a SYN-ACK waits (up to 200 ms) for data already written, in quickack mode, as Linux"},
	{0, 1, 0, 0}},
    /* Linux tcp_rtt_estimator()/tcp_set_rto(): rttvar is kept at least
     * tcp_rto_min, so RTO = SRTT + max(4 RTTVAR, 200 ms): 204 ms on a
     * fast link (ss rto:204, trace 07). RFC 6298 2.4 and 4.4BSD clamp
     * SRTT + 4 RTTVAR from below instead. */
    {{T(rto_min_in_var), 0, 1, "RTO = SRTT + max(4 RTTVAR, minimum), as Linux"},
	{0, 1, 1, 0}},
    /* Where an ACK's RTT sample comes from. RFC 7323 4.1 (RTTM) and
     * 4.4BSD tcp_input(): the echoed timestamp of every ACK of new data
     * (the timestamp clock's granularity: 1 ms in Linux, so a LAN's round
     * trip reads 0), else one timed segment. Linux since 3.13
     * (tcp_clean_rtx_queue(), tcp_ack_update_rtt()): the send time of the
     * oldest newly acknowledged segment never sent again, in microseconds;
     * the echoed timestamp only when retransmitted data is acknowledged.
     * Linux 3.6 took the timestamp first (tcp_ack_saw_tstamp()). */
    {{T(rtt_from_send_time), 0, 1, "RTT samples from the send time of the oldest newly acknowledged segment, as Linux"},
	{0, 1, 0, 0}},
    /* PSH on a retransmission. 4.4BSD tcp_output(): worked out again, set
     * when the segment reaches the end of the send buffer. Linux: the
     * skb's own PSH (tcp_push() at the end of a write; tcp_fragment()
     * leaves it on the tail piece), or forced on every packet of two
     * segments or more (__tcp_transmit_skb()); an skb goes again whole
     * when it can: its packet as first sent, less what was acknowledged,
     * cut at SACKed segments (tests/pkt/linux-rexmit-psh.pkt). */
    {{T(rexmit_psh), 0, 1, "PSH on a retransmission: the segment's own from the end of a write, or forced on a whole packet of two segments or more, as Linux"},
	{0, 1, 1, 0}},
    /* Linux tail loss probe (RFC 8985 7, tcp_schedule_loss_probe() with
     * tcp_early_retrans 3, on connections with SACK: tcp_is_sack(); the
     * kernel here sends none without, tests/pkt/linux-mtu-blackhole.pkt):
     * before the first RTO, the last segment is
     * sent again after PTO = 2 SRTT + 200 ms (TCP_RTO_MIN) when it is the
     * only one in flight, 2 SRTT + 2 ms (TCP_TIMEOUT_MIN_US) otherwise, or
     * when the RTO would fire if
     * that is sooner; then the RTO runs unchanged (traces
     * 07, 08: FIN again after 0.205-0.210 s, then 0.212 s, then
     * doubling; tests/pkt/linux-tlp-at-rto.pkt). Linux 3.6 had none:
     * the probe came with 3.10 (tcp_early_retrans 3). */
    {{T(tlp), 0, 1, "tail loss probe before the first retransmission timeout (with SACK)"},
	{0, 1, 0, 0}},
    /* Linux tcp_check_req(): a retransmitted SYN in SYN_RCVD draws a
     * SYN-ACK and restarts the request's timer with the current backoff
     * (trace 03). 4.4BSD answers it without touching the timer. */
    {{T(dupsyn_restart), 0, 1, "a duplicate SYN in SYN_RCVD restarts the SYN-ACK timer"},
	{0, 1, 1, 0}},
    /* shutdown(SHUT_RD): 4.4BSD soshutdown() calls sorflush(), dropping
     * what is queued, and later data is thrown away (still ACKed). Linux
     * 6.18 keeps queued and later data readable; a read with nothing
     * queued returns EOF (measured; seed 001 claims otherwise). */
    {{T(shutrd_discard), 0, 1, "shutdown read discards queued and later data"},
	{1, 0, 0, 0}},
    /* shutdown() of a connection still in SYN_SENT. Linux
     * inet_shutdown() disconnects a connecting socket whatever it shuts
     * down (tcp_disconnect(): CLOSE, no segment, sk_err ECONNRESET), so
     * the next read or write fails with ECONNRESET, later reads with
     * ENOTCONN (tcp_recvmsg(): CLOSE without SOCK_DONE) and writes with
     * EPIPE; measured on 6.18 (shut down for writing, reading or both).
     * 4.4BSD soshutdown(): reading only flushes (the connection goes on);
     * writing closes it (tcp_usrclosed(): SYN_SENT -> CLOSED,
     * soisdisconnected()), and reads give EOF. */
    /* A pass of tcp_output() that sends only an ACK or a window update
     * while data waits on a window too small to use, with nothing in
     * flight. 4.4BSD tcp_output() goes to send for TF_ACKNOW before it
     * looks at the persist timer (Vol. 2 fig. 26.7, 26.8), so the timer
     * stays off until a later pass sends nothing; a lost window update
     * then leaves the connection stuck. Linux sends the ACK apart
     * (tcp_ack_snd_check()) and tcp_data_snd_check() ->
     * tcp_check_probe_timer() starts the probe timer whatever else
     * went; RFC 9293 3.8.6.1 wants the window probed. */
    /* A segment without data whose sequence number is the right edge of
     * the window (SEG.SEQ = RCV.NXT + RCV.WND): an ACK from a peer that
     * has filled the window while a hole keeps RCV.NXT back. RFC 9293
     * 3.10.7.4 wants SEG.SEQ < RCV.NXT + RCV.WND and drops it with an
     * ACK, its acknowledgment unread. 4.4BSD tcp_input() drops only what
     * ends past the window (todrop = 0 here) and Linux tcp_sequence()
     * only a sequence number after rcv_nxt + tcp_receive_window(): both
     * take it, and its ACK. */
    {{T(seq_right_edge), 0, 1, "a segment without data at the right edge of the receive window is acceptable, as 4.4BSD and Linux; else it is dropped with an ACK, as RFC 9293 says"},
	{1, 1, 1, 0}},
    {{T(persist_on_ack), 0, 1, "an output pass that sends only an ACK still starts the persist timer for data the window holds back, as Linux; else only a pass that sends nothing does, as 4.4BSD"},
	{0, 1, 1, 1}},
    {{T(shutdown_connecting), 0, 1, "shutdown in SYN_SENT, for reading or writing, disconnects: the next read or write fails with ECONNRESET, later reads with ENOTCONN, as Linux; else shutting down writing closes and reads give EOF"},
	{0, 1, 1, 0}},
    /* Linux 6.18: four extra 1 s SYN retransmissions before backoff
     * (trace 02 vs 02b). */
    {{T(tcp_syn_linear_timeouts), 0, 127, "SYN retransmissions at the initial RTO before backing off"},
	{0, 4, 0, 0}},
    /* 4.4BSD TCPTV_MIN 2 ticks = 1 s; Linux TCP_RTO_MIN 200 ms; RFC 6298
     * 2.4: 1 s. */
    {{T(tcp_rto_min_us), 1000, 600000000, "minimum RTO, microseconds"},
	{1000000, 200000, 200000, 1000000}},
    /* Maximum segment lifetime. 4.4BSD TCPTV_MSL 30 s; Linux TIME_WAIT is
     * TCP_TIMEWAIT_LEN 60 s = 2 x 30 s; RFC 9293 3.4.2: 2 minutes. */
    {{T(msl), 1, 3600000, "maximum segment lifetime, ms (TIME_WAIT is 2 MSL)"},
	{30000, 30000, 30000, 120000}},
    /* 4.4BSD slow timer PR_SLOWHZ 2 (500 ms); Linux HZ 250 (4 ms jiffies,
     * reference kernel.txt). */
    {{T(timer_tick), 0, 10000, "timer granularity, ms (0 = exact)"},
	{500, 4, 4, 0}},
    /* 4.4BSD fast timer PR_FASTHZ 5 (200 ms). */
    {{T(delack_tick), 0, 10000, "delayed-ACK timer granularity, ms (0 = exact)"},
	{200, 4, 4, 0}},
    /* Linux timers sit in the timer wheel (kernel/time/timer.c
     * calc_index()): an expiry n jiffies ahead is rounded up to the next
     * bucket of its level (1, 8, 64, 512 ... jiffies), so timers fire late:
     * 1 s timers by 4-32 ms, 60 s timers by up to 2 s (reference README).
     * 4.4BSD counts n ticks from the next tick, so timers fire up to one
     * tick early (book fig. 18-7: 5.8 s instead of 6). */
    {{T(timer_wheel), 0, 1, "round expiries as the Linux timer wheel does (else count BSD ticks)"},
	{0, 1, 1, 0}},
    /* Linux TCP_DELACK_MIN 40 ms (trace 12: ACK +41 ms); RFC 9293 3.8.6.3
     * and RFC 1122 4.2.3.2: under 500 ms, 200 ms typical. */
    {{T(delack_time), 1, 500, "delayed-ACK time, ms"},
	{200, 40, 40, 200}},
    /* 4.4BSD t_rxtcur starts at ((0) + (3 s << 2)) >> 1 = 6 s
     * (tcp_newtcpcb); Linux TCP_TIMEOUT_INIT 1 s; RFC 6298 2.1: 1 s. */
    {{T(rto_initial), 1, 600000, "first RTO before any RTT sample, ms"},
	{6000, 1000, 1000, 1000}},
    /* The RTO that backoff multiplies after a timeout with no RTT sample:
     * 4.4BSD srtt 0 + rttvar 3 s x 4 = 12 s (SYNs at 0, 6, 30 s: book
     * fig. 18-6); 1 s elsewhere. */
    {{T(rto_base), 1, 600000, "RTO before any RTT sample, that backoff multiplies, ms"},
	{12000, 1000, 1000, 1000}},
    /* 4.4BSD TCPTV_REXMTMAX 64 s; Linux TCP_RTO_MAX 120 s; RFC 6298 2.5:
     * at least 60 s. */
    {{T(rto_max), 1000, 3600000, "maximum RTO, ms"},
	{64000, 120000, 120000, 60000}},
    /* 4.4BSD tcp_backoff[] = {1,2,4,8,16,32,64,64,...}; others double. */
    {{T(rto_backoff), 0, 1, "backoff: 0 = BSD table, 1 = doubling"},
	{BACKOFF_BSD, BACKOFF_DOUBLE, BACKOFF_DOUBLE, BACKOFF_DOUBLE}},
    /* Nagle's rule (RFC 896, RFC 1122 4.2.3.4; 4.4BSD tcp_output()) holds
     * a small segment while any data is unacknowledged; Linux uses
     * Minshall's variant (tcp_nagle_check(), tcp_minshall_check()): only
     * while an earlier small segment is unacknowledged, so the tail of a
     * write leaves with the full segments before it. */
    {{T(nagle_minshall), 0, 1, "Nagle holds a small segment only while an earlier small one is unacknowledged (Minshall, as Linux)"},
	{0, 1, 1, 0}},
    /* Where the minimum comes in a timeout's backoff. RFC 6298 5.5 doubles
     * the RTO of 2.4, already rounded up to the minimum (1 s), and Linux
     * tcp_retransmit_timer() doubles icsk_rto, which holds its minimum;
     * 4.4BSD tcp_timers() multiplies TCP_REXMTVAL() by tcp_backoff[] and
     * only then applies TCPT_RANGESET's t_rttmin. */
    {{T(rto_backoff_after_min), 0, 1, "a timeout backs off the RTO after the minimum is applied (RFC 6298 5.5), not before (4.4BSD)"},
	{0, 1, 1, 1}},
    /* 4.4BSD measures the RTT in slow-timer ticks: t_rtt = 1 when the
     * segment is sent, +1 at each 500 ms tick (tcp_slowtimo()), and
     * tcp_xmit_timer() keeps srtt x 8 and rttvar x 4 in ticks: the first
     * sample sets srtt = rtt, rttvar = rtt / 2, so RTO = srtt + 4 rttvar =
     * 3 ticks (1.5 s) on a LAN, where the sample is 1 tick (book 21.2:
     * retransmissions 1.5, 3, 6, 12, 24, 48, then 64 s apart); after
     * TCP_MAXRXTSHIFT / 4 timeouts srtt is folded into rttvar and
     * cleared (tcp_timers()). Others measure in real time (RFC 6298). */
    {{T(rtt_ticks), 0, 1, "measure the RTT in timer ticks with 4.4BSD's fixed-point estimator"},
	{1, 0, 0, 0}},
    /* Linux counts retries as elapsed time (retransmits_timed_out()). */
    {{T(retries_by_time), 0, 1, "turn retry counts into a time limit, as Linux does"},
	{0, 1, 1, 0}},
    /* 4.4BSD tcp_timers() gives up through tcp_drop(), which sends a RST;
     * Linux tcp_write_err() just closes; RFC 9293 3.10.8: "flush all
     * queues", no RST. */
    {{T(rst_on_timeout), 0, 1, "send a RST when retransmission gives up"},
	{1, 0, 0, 0}},
    /* 4.4BSD TCPTV_PERSMIN 5 s, TCPTV_PERSMAX 60 s; Linux probes on the
     * RTO (tcp_probe_timer) within TCP_RTO_MIN..TCP_RTO_MAX. */
    {{T(persist_min), 1, 3600000, "smallest persist (zero-window probe) interval, ms"},
	{5000, 200, 200, 1000}},
    {{T(persist_max), 1, 3600000, "largest persist interval, ms"},
	{60000, 120000, 120000, 60000}},
    /* A zero-window probe: 4.4BSD (and RFC 9293 3.8.6.1, "at least one
     * octet of new data") send one byte past the window; Linux
     * tcp_write_wakeup() -> tcp_xmit_probe_skb() sends an empty segment
     * one below snd_una (seen against the kernel: seq snd_una - 1, len 0,
     * at 206, 412, 832, 1664 ms). */
    {{T(zwp_empty), 0, 1, "zero-window probes are empty segments below snd_una, given up after tcp_retries2 unanswered, as Linux"},
	{0, 1, 1, 0}},
    /* A segment the host's device queue refuses (`host qdisc drop`, the
     * qdisc's NET_XMIT_DROP). Linux __tcp_transmit_skb() returns the error
     * and enters CWR (tcp_enter_cwr()); tcp_write_xmit() stops with the
     * segment still unsent and, nothing in flight, arms the probe timer
     * (tcp_check_probe_timer()); tcp_send_probe0() counts the probe
     * (icsk_probes_out) without backing off and tries again after
     * TCP_RESOURCE_PROBE_INTERVAL, 500 ms, clamped to TCP_USER_TIMEOUT
     * (tcp_clamp_probe0_to_user_timeout()); a failed retransmission
     * (__tcp_retransmit_skb()) is not marked or counted in retrans_out and
     * ends tcp_xmit_retransmit_queue(); a failed timeout retransmission
     * tries again after the same 500 ms without backing off
     * (tcp_retransmit_timer()); 3.6 the same (tcp_send_probe0(),
     * tcp_retransmit_timer(): min(RTO, 500 ms)). 4.4BSD tcp_output()
     * answers ip_output()'s ENOBUFS with tcp_quench() (not modelled): 0
     * here, the segment counts as sent and lost after leaving. */
    {{T(resource_probe_interval), 0, 60000, "ms before a segment the device's queue refused is sent again, not counted as sent (0 = it counts as sent and lost)"},
	{0, 500, 500, 0}},
    /* 4.4BSD TCPTV_KEEP_INIT 75 s connection-establishment timer. */
    {{T(conn_timeout), 0, 3600000, "connection-establishment timer, ms (0 = none)"},
	{75000, 0, 0, 0}},
    /* 4.4BSD: re-arm the FIN_WAIT_2 timer for TCPTV_KEEPINTVL 75 s while
     * the peer was heard from within tcp_maxidle (10 min + 75 s total). */
    {{T(finwait2_idle_rearm), 0, 3600000, "FIN_WAIT_2 re-arm while the peer is alive, ms"},
	{75000, 0, 0, 0}},
    /* 4.4BSD tcp_iss: +TCP_ISSINCR/PR_SLOWHZ = 64000 each 500 ms and
     * +64000 per connection (book 18.2). Linux and RFC 6528: a keyed hash
     * of the 4-tuple plus a clock of 64 ns (Linux) or 4 us (RFC 793). */
    {{T(isn_generator), 0, 1, "ISN: 0 = BSD counter, 1 = hashed (RFC 6528)"},
	{ISN_BSD, ISN_HASHED, ISN_HASHED, ISN_HASHED}},
    {{T(isn_tick_incr), 0, BIG, "BSD ISN counter: added per 500 ms"},
	{64000, 0, 0, 0}},
    {{T(isn_conn_incr), 0, BIG, "BSD ISN counter: added per connection"},
	{64000, 0, 0, 0}},
    /* Linux secure_tcp_seq(): ns >> 6; RFC 793 3.3: a 4 us clock. */
    {{T(isn_clock_ns), 1, 1000000, "hashed ISN: ns per clock increment"},
	{4000, 64, 64, 4000}},
    /* MSS assumed when the peer sends none: 4.4BSD tcp_mssdflt 512;
     * RFC 9293 3.7.1 and Linux TCP_MSS_DEFAULT 536. */
    {{T(mss_default), 64, 65535, "MSS when the peer announces none"},
	{512, 536, 536, 536}},
    /* 4.4BSD announces tcp_mssdflt 512 to non-local destinations
     * (in_localaddr() in tcp_mss(); book fig. 18-18). */
    {{T(mss_nonlocal), 0, 65535, "MSS announced to non-local destinations (0 = as local)"},
	{512, 0, 0, 0}},
    /* 4.4BSD rounds MTU - 40 down to a multiple of MCLBYTES (1024) when
     * larger (tcp_mss(); both ends announce 1024 in fig. 18-1). */
    {{T(mss_round), 0, 65535, "round the local MSS down to a multiple of this (0 = no)"},
	{1024, 0, 0, 0}},
    /* 4.4BSD sonewconn: qlen + q0len > 3b/2 refuses (fig. 18-23);
     * Linux: accept queue full when more than backlog (b + 1);
     * RFC: the backlog itself. */
    {{T(backlog_formula), 0, 2, "listen queue limit: 0 = 3b/2+1, 1 = b+1, 2 = b"},
	{BACKLOG_BSD, BACKLOG_LINUX, BACKLOG_LINUX, BACKLOG_PLAIN}},
    /* Linux tcp_conn_request() (net/ipv4/tcp_input.c, 6.13 and later:
     * inet_csk_reqsk_queue_is_full() is "more than the backlog" since
     * commit 3479c7549fb1): a SYN while the SYN queue holds more than
     * the listen backlog gets a syncookie, or is dropped without them;
     * one while the accept queue is full is dropped (ListenOverflows);
     * without syncookies the last quarter of tcp_max_syn_backlog is kept
     * for proven peers. A third ACK the full accept queue refuses is
     * dropped (tcp_check_req(), listen_overflow); while the requests
     * are more than half of max(8, backlog), old ones lose SYN-ACK
     * retries (reqsk_timer_handler()). 4.4BSD counts the
     * embryonic connections in the listen queue's own limit (sonewconn,
     * fig. 18-23); linux-3.6's max_qlen_log rules are not modelled. */
    {{T(syn_queue), 0, 1, "half-open connection limits: 0 = the listen queue formula alone, 1 = Linux 6.13+ SYN queue"},
	{SYNQ_NONE, SYNQ_LINUX, SYNQ_NONE, SYNQ_NONE}},
    /* Linux sysctl default 2048 in a fresh namespace of the 6.18 machine
     * (sysctl-all-fresh-netns; the kernel scales it with memory, at least
     * 128). tcplab keeps no tcp_metrics cache, so no peer is "proven"
     * (tcp_peer_is_proven()). Used with syn_queue 1 only. */
    {{T(tcp_max_syn_backlog), 0, BIG, "half-open connections before SYNs are dropped without syncookies (a quarter kept back)"},
	{0, 2048, 0, 0}},
    /* Linux tcp_syncookies 1 (sysctl-defaults): cookies only when the SYN
     * queue overflows; 2: always; 0: never (syncookies.c). Used with
     * syn_queue 1 only. */
    {{T(tcp_syncookies), 0, 2, "SYN cookies: 0 = never, 1 = when the SYN queue overflows, 2 = always"},
	{0, 1, 1, 0}},
    /* Linux tcp_abort_on_overflow 0 (sysctl-all-fresh-netns): a third ACK
     * the full accept queue cannot take is dropped and the request
     * stays, so the SYN-ACK is sent again; 1: it is answered by a RST
     * and the request goes (tcp_check_req(), embryonic_reset). */
    /* Fast Open (RFC 7413), client side only: Linux net.ipv4.tcp_fastopen
     * (include/net/tcp.h TFO_*), default TFO_CLIENT_ENABLE 1 since 3.13
     * (sysctl-all-fresh-netns: 1). Bit 1: connect() with
     * TCP_FASTOPEN_CONNECT and sendto(MSG_FASTOPEN) ask for a cookie and
     * put data in the SYN once one is cached (tcp_fastopen.c
     * tcp_fastopen_cookie_check(), tcp_output.c tcp_send_syn_data()); bit
     * 4 (TFO_CLIENT_NO_COOKIE): data in the SYN without a cookie. The
     * server bits (2, 0x200, 0x400) are accepted and not modelled. Linux
     * 3.6 had the client behind the sysctl, default 0
     * (net/ipv4/tcp_fastopen.c: int sysctl_tcp_fastopen;); 4.4BSD and
     * the standard alone have none. */
    {{T(tcp_fastopen), 0, 0x7fffffff, "Fast Open bits (Linux TFO_*): 1 = client, 4 = data in the SYN without a cookie; server bits not modelled"},
	{0, 1, 0, 0}},
    {{T(tcp_abort_on_overflow), 0, 1, "RST a third ACK the full accept queue refuses (0 = drop it, SYN-ACK resent)"},
	{0, 0, 0, 0}},
    /* A SYN in TIME_WAIT. 4.4BSD tcp_input() (seed 003): only a SYN
     * beyond the window with seq > rcv_nxt reopens, with ISS = old
     * rcv_nxt + TCP_ISSINCR (128000); with no listener it draws a RST.
     * Linux tcp_timewait_state_process(): seq > rcv_nxt or a newer
     * timestamp, ISN = tw_snd_nxt + 65535 + 2 (trace 14), ACKed when no
     * listener. RFC 1122 4.2.2.13: seq > rcv_nxt, a fresh ISN. */
    {{T(tw_syn), 0, 3, "SYN in TIME_WAIT: 0 = refuse, 1 = 4.4BSD, 2 = Linux, 3 = RFC 1122"},
	{TWSYN_BSD, TWSYN_LINUX, TWSYN_LINUX, TWSYN_RFC1122}},
    {{T(tw_isn_incr), 0, BIG, "new incarnation's ISN above old rcv_nxt (4.4BSD) or snd_nxt (Linux) (0 = generator)"},
	{128000, 65537, 65537, 0}},
    /* RFC 9293 3.4.3: after a crash, create no segment for one MSL.
     * Neither 4.4BSD nor Linux does this. */
    {{T(quiet_time), 0, 3600000, "ms after a reboot during which TCP sends nothing"},
	{0, 0, 0, 120000}},
    /* Book: BSD/386 and SVR4 announce win 4096 (fig. 18-1). Linux:
     * tcp_rmem[1] 131072 bytes of buffer memory, of which the window may
     * use tcp_win_from_space(): the ratio of payload to memory measured
     * on the segments received, about 0.62 on the reference veth, where
     * trace 12's growing window stops at 79 x 1024 = 80896 (the initial
     * window comes from rcv_space_init). */
    {{T(rcvbuf), 512, 1 << 30, "receive buffer (window space), bytes"},
	{4096, 80896, 65536, 65535}},
    {{T(sndbuf), 512, 1 << 30, "send buffer, bytes"},
	{4096, 16384, 16384, 65535}},
    /* 4.4BSD slow start from 1 segment; Linux IW10 (RFC 6928); RFC 5681
     * 3.1 formula when 0. */
    {{T(initial_cwnd), 0, 1000, "initial congestion window, segments (0 = RFC 5681)"},
	{1, 10, 10, 0}},
    /* 4.4BSD tcp_newtcpcb(): TCP_MAXWIN << TCP_MAX_WINSHIFT = 65535 x
     * 2^14; Linux tcp_init_sock(): TCP_INFINITE_SSTHRESH 0x7fffffff;
     * RFC 5681 3.1: "arbitrarily high". */
    {{T(initial_ssthresh), 2, BIG, "initial slow start threshold, bytes"},
	{1073725440, BIG, BIG, BIG}},
    /* Linux tcp_close(): unread data means RST (trace 10); RFC 1122
     * 4.2.2.13 and RFC 2525 2.17. 4.4BSD sends a FIN. */
    {{T(rst_on_close_unread), 0, 1, "close with unread data sends RST"},
	{0, 1, 1, 1}},
    /* RFC 5961 (and RFC 9293 3.10.7.4): a RST in the window but not at
     * RCV.NXT, or a SYN in a synchronized state, draws a challenge ACK
     * instead of a reset (Linux tcp_validate_incoming(), traces 04, 06).
     * 4.4BSD resets on any in-window RST or SYN. */
    {{T(challenge_ack), 0, 1, "RFC 5961 challenge ACKs"},
	{0, 1, 1, 1}},
    /* A RST in the window but not at RCV.NXT in TIME_WAIT: Linux
     * tcp_timewait_state_process() acts only on an exact one and ignores
     * the others without a reply (trace 13 C); 4.4BSD tcp_input() closes
     * on any RST in the window. RFC 5961 3.2 would answer with a
     * challenge ACK; the rfc9293 profile ignores it, as Linux does. */
    {{T(tw_rst_exact), 0, 1, "in TIME_WAIT, a RST not at RCV.NXT is ignored without a reply, as Linux"},
	{0, 1, 1, 1}},
    /* RFC 5961 7: challenge ACKs are throttled. Linux 6.18: per socket
     * at most one per tcp_invalid_ratelimit (500 ms), like other
     * out-of-window ACKs (tcp_oow_rate_limited()), and per host
     * tcp_challenge_ack_limit per second (INT_MAX since 6.x; 100 in 3.6,
     * where the limit was introduced, without the per-socket one). */
    {{T(tcp_challenge_ack_limit), 0, BIG, "challenge ACKs per second and host"},
	{0, BIG, 100, 100}},
    {{T(tcp_invalid_ratelimit), 0, 60000, "ms between ACKs for out-of-window segments of one connection"},
	{0, 500, 0, 0}},
    /* A segment whose ACK acknowledges data never sent (SEG.ACK >
     * SND.NXT). 4.4BSD tcp_input(): tcps_rcvacktoomuch, "goto
     * dropafterack", an ACK each time, as RFC 9293 3.10.7.4 says. Linux
     * 6.18 answers with a challenge ACK under the per-socket
     * tcp_invalid_ratelimit and the host's tcp_challenge_ack_limit
     * (tcp_send_challenge_ack(); measured over TAP: one ACK, the next
     * four within 500 ms counted as TcpExtTCPACKSkippedChallenge).
     * Linux 3.6 tcp_ack(): "goto invalid_ack", return -1, and
     * tcp_rcv_established() discards the segment without a reply. */
    {{T(unsent_ack), 0, 2, "an ACK of data never sent: 0 = ACK it, 1 = rate-limited challenge ACK, 2 = drop silently"},
	{UNSENTACK_ACK, UNSENTACK_CHALLENGE, UNSENTACK_DROP, UNSENTACK_ACK}},
    /* Linux tcp_twsk_unique(): connect() may take over a TIME_WAIT
     * 4-tuple whose last timestamp is a second old, with ISN = its
     * snd_nxt + 65537; 2 (the default) allows it for loopback only. */
    {{T(tcp_tw_reuse), 0, 2, "connect over a TIME_WAIT 4-tuple: 0 no, 1 yes, 2 loopback only"},
	{0, 2, 0, 0}},
    /* The ISN of a connect() that takes over a TIME_WAIT 4-tuple (used
     * only with tcp_tw_reuse): Linux tcp_twsk_unique() sets write_seq =
     * tw_snd_nxt + 65535 + 2; the same in every profile, as none but
     * Linux reuses. */
    {{T(tw_reuse_isn_incr), 0, BIG, "ISN of a connect over a TIME_WAIT 4-tuple above its snd_nxt (0 = generator)"},
	{65537, 65537, 65537, 65537}},
    /* Linux tcp_reset(): a RST in CLOSE_WAIT sets EPIPE, not ECONNRESET
     * (trace 06). */
    {{T(closewait_rst_epipe), 0, 1, "a RST in CLOSE_WAIT reports EPIPE"},
	{0, 1, 1, 0}},
    /* Linux 6.x re-sends the SYN at TCP_TIMEOUT_MIN after answering a bad
     * ACK in SYN_SENT with a RST: TCP_TIMEOUT_MIN, 2 jiffies, which the
     * timer wheel files in the bucket after jiffies + 2 (calc_index()), so
     * 8 to 12 ms later depending on where in the jiffy the RST went (38
     * runs against the kernel over TAP: 8.0-14.2 ms as tcplab's real-time
     * recording saw them; trace 06: 10.4, 11.0 and 16 ms); 3.6 waits for
     * the ordinary retransmission (seed 000: about 1 s). */
    {{T(synsent_quick_retry), 0, 10000, "ms before the SYN is re-sent after a RST for a bad ACK (0 = normal timer)"},
	{0, 8, 0, 0}},
    /* The congestion-control module of new connections (Linux sysctl
     * net.ipv4.tcp_congestion_control; FreeBSD net.inet.tcp.cc.algorithm):
     * Linux 6.18: CUBIC with HyStart (tcp_cubic.c, RFC 9438), the
     * kernel's built-in default (CONFIG_DEFAULT_TCP_CONG "cubic" since
     * 2.6.19); NewReno (RFC 5681, RFC 6582) in the others for now; 4.4BSD's
     * Reno (tcp_input.c) is there to choose. Names as tcp_cc_modules[]. */
    {{T(tcp_congestion_control), 0, 2, "congestion control of new connections: newreno, reno or cubic"},
	{0, 2, 0, 0}},
    /* Ephemeral ports: 4.4BSD 1024-5000 (IPPORT_RESERVED to
     * IPPORT_USERRESERVED); Linux ip_local_port_range 32768-60999;
     * RFC 6335 49152-65535. */
    {{T(port_lo), 1, 65535, "lowest ephemeral port"},
	{1024, 32768, 32768, 49152}},
    {{T(port_hi), 1, 65535, "highest ephemeral port"},
	{5000, 60999, 60999, 65535}},
    /* 4.4BSD IPDEFTTL 64; Linux ip_default_ttl 64. */
    {{T(ttl), 1, 255, "IP time to live"},
	{64, 64, 64, 64}},
    /* When an ACK may grow cwnd. 4.4BSD tcp_input() and RFC 5681 as
     * written: every ACK of new data. Linux 3.6 tcp_is_cwnd_limited(sk,
     * in_flight): only while the segments in flight before the ACK were
     * within tcp_max_burst (reordering, 3) of cwnd, or within a third of
     * it with segmentation offload. Linux 6.18 tcp_cwnd_validate() and
     * tcp_is_cwnd_limited(): only when the window was full at some send
     * of the current window, or in slow start while cwnd is below twice
     * the most segments out (packetdrill slow-start-app-limited-9-
     * packets-out: 9 out, cwnd 10 grows to 18 and stops). */
    {{T(cwnd_validate), 0, 2, "when an ACK may grow cwnd: 0 = always, 1 = Linux 3.6 (flight near cwnd), 2 = Linux (window used, or slow start below twice the segments out)"},
	{CWV_ALWAYS, CWV_LINUX, CWV_LINUX36, CWV_ALWAYS}},
    /* Linux 6.18 sends new data in GSO packets of tcp_tso_autosize()
     * segments (a millisecond of the pacing rate, more on short paths, at
     * least 2), cut further by cwnd and the peer's window, and every such
     * packet of two segments or more carries PSH, seen on its last
     * segment when the device cuts it: traced on the 6.18 kernel here
     * (tests/pkt/kernel/gso-psh.pkt: a 30000-byte write to a 100 ms peer
     * leaves as 2000-byte packets, each with PSH; a single segment
     * PRR or limited transmit sends has none). 4.4BSD, Linux 3.6 and the
     * RFC set PSH where the data in the buffer ends (4.4BSD tcp_output()
     * "if (off + len == so->so_snd.sb_cc) flags |= TH_PUSH"). */
    {{T(gso_psh), 0, 1, "PSH on every GSO packet of two segments or more of new data, as Linux 6.18 sends it"},
	{0, 1, 0, 0}},
    /* Slow start after idle: 4.4BSD tcp_output() sets cwnd to one
     * segment when nothing was received for an RTO (t_idle >= t_rxtcur);
     * RFC 5681 4.1: min(IW, cwnd) after an RTO without sending; Linux
     * net.ipv4.tcp_slow_start_after_idle (1 by default) tcp_cwnd_restart():
     * halved per RTO idle, not below min(IW, cwnd), checked as data leaves
     * in 3.6 (tcp_event_data_sent()) and in 6.18 when a write queues data
     * or the peer's window changes (tcp_slow_start_after_idle_check()). */
    {{T(slow_start_after_idle), 0, 4, "cwnd after an idle period: 0 = kept, 1 = 4.4BSD (one segment), 2 = RFC 5681 (initial window), 3 = Linux 3.6, 4 = Linux (halved per RTO idle)"},
	{SSAI_BSD, SSAI_LINUX, SSAI_LINUX36, SSAI_RFC}},
    /* New data on the duplicate ACKs before loss recovery: none in 4.4BSD
     * (tcp_input() counts them and waits for tcprexmtthresh); RFC 3042
     * (limited transmit, RFC 5681 3.2 SHOULD): one segment on each of the
     * first two; Linux (3.6 and 6.18) has no rule of its own: its flight
     * (tcp_packets_in_flight()) leaves out what the receiver SACKed, or
     * one segment per duplicate ACK without SACK (tcp_add_reno_sack()), so
     * cwnd lets that much new data go. */
    {{T(limited_transmit), 0, 2, "new data on duplicate ACKs: 0 = none, 1 = RFC 3042, 2 = Linux (what the receiver SACKed leaves the flight)"},
	{LT_NONE, LT_LINUX, LT_LINUX, LT_RFC3042}},
    /* What an ACK of new data grows cwnd by. RFC 5681 3.1: the bytes it
     * newly acknowledges. Linux 6.18 tcp_cong_control() passes
     * acked_sacked, the segments newly acknowledged or SACKed, and a SACK
     * alone does not raise cwnd (tcp_may_raise_cwnd(): FLAG_DATA_ACKED),
     * so what the receiver SACKed before never counts (packetdrill
     * limited-transmit-sack: the ACK of 3 segments, 2 SACKed earlier,
     * takes cwnd 10 -> 11; without SACK the duplicate ACKs stand for
     * segments, tcp_remove_reno_sacks()). 4.4BSD has no SACK; Linux 3.6
     * grows slow start
     * per ACK, not modelled (0). */
    {{T(acked_sacked), 0, 1, "an ACK grows cwnd only by what the receiver had not SACKed before, as Linux"},
	{0, 1, 0, 0}},
    /* SACK loss recovery. RFC 6675: it begins on the third duplicate ACK
     * (a changed window makes an ACK no duplicate, RFC 5681 2) with cwnd
     * = ssthresh, and each ACK sends while pipe is below cwnd. Linux 6.18
     * (tcp_recovery 1, RACK, RFC 8985): once tcp_reordering (3) segments
     * are SACKed, RACK's reordering window is 0 and whatever was sent
     * before the last SACKed segment is lost (tcp_rack_reo_wnd(),
     * tcp_rack_detect_loss()), whatever the window said, and recovery
     * begins; PRR (RFC 6937, tcp_cwnd_reduction()) then sets cwnd on each
     * ACK to the flight plus what may go: at first one retransmission.
     * Linux 3.6 counted FACK's segments: not modelled (RFC 6675's). */
    {{T(sack_recovery), 0, 1, "SACK loss recovery: 0 = RFC 6675 (third duplicate ACK, pipe), 1 = Linux (three segments SACKed, PRR)"},
	{SACKREC_RFC6675, SACKREC_LINUX, SACKREC_RFC6675, SACKREC_RFC6675}},
    /* Loss recovery on a connection without SACK. 4.4BSD tcp_input() and
     * RFC 6582 (NewReno): the congestion module's own, the window inflated
     * by a segment per duplicate ACK, deflated at the end (tcp_cc_reno.c,
     * tcp_cc_newreno.c). Linux 6.18 runs its SACK state machine on counted
     * duplicate ACKs instead (tcp_input.c): each one stands for a segment
     * the receiver holds (tcp_add_reno_sack(): sacked_out, at most the
     * flight less one hole, more meaning reordering,
     * tcp_check_reno_reordering()); as many as tp->reordering (3) mark
     * the first unacknowledged segment lost (tcp_newreno_mark_lost()) and
     * recovery begins with PRR (RFC 6937), each duplicate ACK delivering
     * one segment; a partial ACK stands for max(acked - sacked_out, 1)
     * (tcp_remove_reno_sacks()) and marks the next first segment lost; a
     * timestamp echoed from before the retransmission undoes the reduction
     * (tcp_try_undo_partial(), tcp_try_undo_recovery(), with tunable
     * spurious_undo); an ACK of exactly the recovery point keeps
     * CA_Recovery until something above it is acknowledged
     * (tcp_is_non_sack_preventing_reopen(), RFC 6582's "avoid multiple
     * fast retransmits"), and leaving it sets cwnd to ssthresh
     * (tcp_end_cwnd_reduction()). Linux 3.6 did the same (PRR from 3.2),
     * not modelled here. A timeout on such a connection is handled as the
     * module's, except that duplicate ACKs in CA_Loss start nothing and
     * CA_Loss too is held at exactly its end (tcp_process_loss()). */
    {{T(reno_recovery), 0, 1, "loss recovery without SACK: 0 = the congestion module's (RFC 6582 NewReno, 4.4BSD Reno), 1 = Linux (duplicate ACKs counted as SACKed segments, PRR, undo by timestamps)"},
	{0, 1, 0, 0}},
    /* Whether a FIN on a segment of its own needs room in cwnd. 4.4BSD
     * tcp_output() sends it whatever the window ("if (flags & TH_FIN &&
     * ...) goto send"), and Linux 3.6 tcp_cwnd_test() let "the final FIN"
     * through ("Don't be strict about the congestion window"); Linux 6.10
     * removed that exemption (commit "tcp: remove dubious FIN exception
     * from tcp_cwnd_test()"), so in 6.18 a FIN queued while cwnd is full
     * waits for an ACK, or goes as the tail loss probe (tcp_send_loss_probe()
     * sends it as new data): packetdrill shutdown-rdwr-write-queue-close,
     * the kernel's FIN ~16 ms after the shutdown. */
    {{T(fin_cwnd), 0, 1, "a FIN on a segment of its own waits for room in cwnd, as Linux since 6.10 (tcp_cwnd_test())"},
	{0, 1, 0, 0}},
    /* ECN (RFC 3168), Linux net.ipv4.tcp_ecn: 0 never, 1 asked for on
     * active opens and granted on passive ones, 2 granted when asked (the
     * default since 2.6.31, in 3.6 and 6.18). 4.4BSD predates it; RFC 9293
     * leaves it out of the base protocol. */
    {{T(tcp_ecn), 0, 2, "ECN (RFC 3168): 0 = off, 1 = ask and accept, 2 = accept when asked, Linux net.ipv4.tcp_ecn"},
	{TCPECN_OFF, TCPECN_PASSIVE, TCPECN_PASSIVE, TCPECN_OFF}},
    /* RFC 2883 D-SACK sent by a receiver, Linux net.ipv4.tcp_dsack (1 in
     * 3.6 and 6.18): a segment whose data it already has (below rcv_nxt,
     * or already queued out of order) is reported in the first SACK block
     * of the next segment (tcp_dsack_set(), tcp_dsack_extend(): from
     * tcp_send_dupack() for an old segment, tcp_data_queue() for the part
     * below rcv_nxt, tcp_data_queue_ofo() and tcp_ofo_queue() for
     * overlaps). 4.4BSD has no SACK; RFC 9293 leaves SACK's extensions out
     * of the base protocol. */
    {{T(tcp_dsack), 0, 1, "D-SACK (RFC 2883): a duplicate segment is reported in the first SACK block, Linux net.ipv4.tcp_dsack"},
	{0, 1, 1, 0}},
    /* The undo of a window reduction proven spurious (Linux 6.18
     * tcp_input.c; RFC 2883 4, RFC 3522 Eifel, RFC 4015): each episode
     * (recovery, timeout) remembers snd_una, the windows before it
     * (prior_ssthresh, prior_cwnd) and counts its retransmissions
     * (tcp_init_undo(), undo_retrans); a D-SACK for each of them
     * (tcp_check_dsack()), or an echoed timestamp older than the first of
     * them (tcp_packet_delayed()), proves them needless, and the windows
     * come back (tcp_undo_cwnd_reduction(): cwnd from the module's
     * undo_cwnd, max(cwnd, prior_cwnd) for Reno and CUBIC; ssthresh =
     * prior_ssthresh): tcp_try_undo_dsack(), tcp_try_undo_recovery(),
     * tcp_try_undo_partial(), tcp_try_undo_loss(). Modelled on Linux's
     * SACK recovery (tunable sack_recovery 1) and on its recovery without
     * SACK (tunable reno_recovery 1: by timestamps, the fast recovery
     * only), not for linux-3.6 (whose SACK recovery here is RFC 6675's).
     * 4.4BSD and RFC 5681 keep a reduction made. */
    {{T(spurious_undo), 0, 1, "undo a window reduction that D-SACKs or timestamps prove spurious, as Linux does (SACK connections with sack_recovery 1, others with reno_recovery 1)"},
	{0, 1, 0, 0}},
    /* F-RTO (RFC 5682), Linux net.ipv4.tcp_frto (2 by default): after a
     * timeout, if the ACKs that follow the first retransmission
     * acknowledge or SACK data that was never sent again, the timeout was
     * spurious and the reduction is undone (tcp_enter_loss() sets frto;
     * tcp_process_loss(): step 2.b sends new data rather than
     * retransmitting, step 3.b undoes with tcp_try_undo_loss(), a SACK or
     * duplicate ACK after new data (3.a) falls back to the conventional
     * recovery). 6.18 runs the SACK-enhanced algorithm (3.1) for 1 and 2
     * alike. Needs tunable spurious_undo; not modelled for linux-3.6. */
    {{T(tcp_frto), 0, 2, "F-RTO (RFC 5682): 0 = off, 1 or 2 = detect spurious timeouts and undo them (with spurious_undo), Linux net.ipv4.tcp_frto"},
	{0, 2, 0, 0}},
    /* Not a stack's behaviour but the simulator's economy: a host may
     * skip checking the IP and TCP checksums of datagrams that another
     * simulated host built (and so computed right); captures and traces
     * still show the true sums, and frames from a TAP device are always
     * checked. The IP and TCP checksums, and the payload of a source
     * (`$c source`), are made when something first reads the datagram
     * (net.c pkt_finish()), so between two trusting hosts that nothing
     * observes or filters none is computed, and a source's bytes are made
     * only for a receiver that reads them (not for the discard service).
     * Off (every sum checked, as a stack does) in all profiles. */
    {{T(cksum_trust), 0, 1, "skip checking the checksums of datagrams a simulated host built (benchmarks)"},
	{0, 0, 0, 0}},
    /* Linux net.ipv4.tcp_min_tso_segs (tcp_tso_autosize()): the fewest
     * segments a GSO packet is given however slow the pacing rate, 2 by
     * default; it sizes packets for tunable gso_psh. */
    {{T(tcp_min_tso_segs), 1, 255, "fewest segments in a GSO packet of new data, Linux net.ipv4.tcp_min_tso_segs"},
	{2, 2, 2, 2}},
    /* Linux 6.18 tcp_write_xmit() asks tcp_tso_should_defer() ("a kind
     * of TSO Nagle test", John Heffner's) before it cuts an skb of more
     * than one segment to what cwnd and the peer's window allow, and
     * waits for the next ACK or write, with no timer, unless: the
     * connection is in Recovery or Loss; nothing left the socket in the
     * last millisecond (tcp_wstamp_ns); what may go fills a packet of
     * tcp_tso_autosize() segments, or the whole skb where more follow it,
     * or a tcp_tso_win_divisor part of min(snd_wnd, cwnd); the oldest
     * unacknowledged segment left less than srtt/2 ago (the next ACK is
     * far); or, not limited by cwnd or the window, the skb carries the
     * FIN or MSG_EOR. Linux 3.6 has an older form of the rule (not
     * modelled); 4.4BSD and the RFC have no such wait. */
    {{T(tso_defer), 0, 1, "hold back a GSO packet that cwnd or the peer's window would cut short until the next ACK, as Linux 6.18 tcp_tso_should_defer() does"},
	{0, 1, 0, 0}},
    /* Linux net.ipv4.tcp_tso_win_divisor (3 by default): with tunable
     * tso_defer, a packet goes at once when it may take this part of
     * min(snd_wnd, cwnd) (0: when more than 3 segments may go,
     * tcp_max_tso_deferred_mss()). */
    {{T(tcp_tso_win_divisor), 0, 255, "with tso_defer, a packet goes at once when it may take this part of the window, Linux net.ipv4.tcp_tso_win_divisor"},
	{3, 3, 3, 3}},
    /* setsockopt(SO_SNDBUF, v): Linux sk_setsockopt() caps v at
     * net.core.wmem_max (212992) and sets sk_sndbuf = max(2 v,
     * SOCK_MIN_SNDBUF 4608), room for struct sk_buff overhead, which
     * getsockopt then reads (packetdrill blocking-write: 21000 reads
     * 42000); 4.4BSD sbreserve() and the RFC's model take v as it is. */
    {{T(sndbuf_double), 0, 1, "SO_SNDBUF sets a send buffer of twice the value, at least 4608 and at most 425984 bytes, as Linux does"},
	{0, 1, 1, 0}},
    /* Linux tcp_init_buffer_space() and tcp_new_space() grow a send buffer
     * not set by SO_SNDBUF to 2 x max(10, cwnd) segments of truesize
     * (tcp_sndbuf_expand(): per segment max(mss_clamp, mss) +
     * MAX_TCP_HEADER + skb_shared_info, rounded up to a power of two, +
     * sk_buff), at most tcp_wmem[2] 4 MiB. The 6.18 kernel here reads
     * SO_SNDBUF 16384 before connect() and, with CUBIC, 46080 after it
     * over a veth of MTU 1500 (2 x 10 x (2048 + 256)) and 2626560 on the
     * loopback (2 x 10 x (131072 + 256)). 4.4BSD and the RFC keep the
     * buffer as set; Linux 3.6's tcp_fixup_sndbuf() has another formula,
     * not modelled (0). */
    {{T(sndbuf_expand), 0, 1, "the send buffer grows to twice the congestion window's worth of segments, as Linux's tcp_sndbuf_expand()"},
	{0, 1, 0, 0}},
    /* What a write may queue, Linux's send-buffer memory (6.18
     * tcp_sendmsg_locked()): data goes into skbs of tcp_xmit_size_goal()
     * bytes; the unsent last skb fills up unchecked, but a new one is
     * begun only while sk_wmem_queued < sk_sndbuf
     * (sk_stream_memory_free()), else a non-blocking write returns what it
     * copied (EAGAIN with none). sk_wmem_queued adds up the skbs' truesize:
     * each data byte (copied into page frags) and, per skb of the write
     * and retransmission queues, its head, SKB_TRUESIZE() of what
     * tcp_stream_alloc_skb() allocates for MAX_TCP_HEADER: this value.
     * On the 6.18 kernel here 832 (MAX_TCP_HEADER 256, whose 46080-byte
     * tcp_sndbuf_expand() over MTU 1500 shows: 576 bytes of the small-head
     * cache, SKB_HEAD_ALIGN(256), less skb_shared_info's 320 gives
     * skb_end_offset 256, + sk_buff 256 + skb_shared_info 320),
     * measured with SO_MEMINFO as 932 for an skb of 100 bytes. An skb
     * leaves with the ACK of its last byte (tcp_clean_rtx_queue()), the
     * bytes of a partly acknowledged one as they are acknowledged
     * (tcp_trim_head()); a GSO packet sent is one skb (tso_fragment()
     * splits one, tcp_grow_skb() joins the next into it). poll() says
     * POLLOUT only while sk_wmem_queued < sk_sndbuf and a third of it is
     * free (__sk_stream_is_writeable()). Linux 3.6 had the same test but
     * copied data into a 2 KB linear head first (select_size()) and sized
     * its buffer with tcp_fixup_sndbuf() (not modelled, see
     * sndbuf_expand): its skbs cost another amount, left off (0) rather
     * than given 6.18's; 4.4BSD (sosend() reserves bytes, sbspace()) and
     * the RFC refuse nothing for memory. 0: a write takes everything. */
    {{T(skb_truesize), 0, 65536, "a write takes what Linux's tcp_sendmsg_locked() would: a new skb is begun only while the send buffer's memory (each skb's data plus this many bytes for its head, 0 = off) is below its size"},
	{0, 832, 0, 0}},
    /* Linux tcp_sendmsg_locked(): before the handshake completes a write
     * waits for it (sk_stream_wait_connect()), so a non-blocking one
     * takes nothing, EAGAIN (3.6 and 6.18 alike; Fast Open's deferred
     * connect excepted: its first write sends the SYN). RFC 9293 3.10.2
     * SEND in SYN-SENT and SYN-RECEIVED queues the data; so does tcplab
     * for 4.4BSD, whose sosend() would refuse a socket not yet connected
     * with ENOTCONN (not modelled). */
    {{T(send_wait_connect), 0, 1, "a non-blocking send before the handshake completes takes nothing (EAGAIN), as Linux; else the data is queued"},
	{0, 1, 1, 0}},
    /* Datagrams to the host's own addresses and to 127/8 go through its
     * loopback, whose MTU sets the MSS: 4.4BSD-Lite2 net/if_loop.c LOMTU
     * (1024 + 512) = 1536 (as BSD/386's, the book's bsdi); Linux
     * drivers/net/loopback.c 64 KiB (since 3.6; 16436 before). RFC 1122
     * 3.2.1.3 asks for the loopback, not its MTU: Linux's here. */
    {{T(loopback_mtu), 576, 65536, "MTU of the loopback that carries datagrams to the host's own addresses, bytes"},
	{1536, 65536, 65536, 65536}},
    /* Packetization-layer path MTU discovery (RFC 4821), Linux
     * net.ipv4.tcp_mtu_probing: 0 off (the default), 1 on once a black
     * hole is suspected (tcp_timer.c tcp_mtu_probing(), after
     * tcp_retries1 timeouts), 2 from the start (tcp_mtup_init()); probes
     * are sent by tcp_output.c tcp_mtu_probe(). Linux 3.6 had the same
     * sysctl and default. 4.4BSD and RFC 9293 have none (RFC 4821 is
     * optional): 0. */
    {{T(tcp_mtu_probing), 0, 2, "packetization-layer path MTU discovery (RFC 4821): 0 = off, 1 = after a black hole is detected, 2 = always, Linux net.ipv4.tcp_mtu_probing"},
	{0, 0, 0, 0}},
    /* Linux net.ipv4.tcp_base_mss (TCP_BASE_MSS 1024, include/net/tcp.h):
     * tcp_mtup_init() starts the search (search_low) at this MSS, and a
     * black hole lowers the MSS to it first (tcp_mtu_probing()); Linux
     * 3.6's TCP_BASE_MSS was 512. The others: Linux's, used only with
     * tcp_mtu_probing set. */
    {{T(tcp_base_mss), 48, 65495, "MSS the MTU probing search starts from and a black hole first falls back to, Linux net.ipv4.tcp_base_mss"},
	{1024, 1024, 512, 1024}},
    /* Linux net.ipv4.tcp_probe_threshold (TCP_PROBE_THRESHOLD 8):
     * tcp_mtu_probe() stops searching when search_high - search_low is
     * below it (RFC 4821 7.2 "search_high - search_low is small"). */
    {{T(tcp_probe_threshold), 0, 65535, "bytes between the MTU search's bounds below which probing stops, Linux net.ipv4.tcp_probe_threshold"},
	{8, 8, 8, 8}},
    /* Linux net.ipv4.tcp_probe_interval (TCP_PROBE_INTERVAL 600 s):
     * tcp_mtu_check_reprobe() restarts a finished search after this long
     * (RFC 4821 7.7: probe again for a larger MTU after 10 minutes). */
    {{T(tcp_probe_interval), 0, 2147483, "seconds after which a finished MTU search starts again, Linux net.ipv4.tcp_probe_interval"},
	{600, 600, 600, 600}},
    /* Linux net.ipv4.tcp_mtu_probe_floor (TCP_MIN_SND_MSS 48, 5.x): the
     * MSS repeated black holes never push tcp_mtu_probing() below. */
    {{T(tcp_mtu_probe_floor), 48, 65495, "smallest MSS black-hole detection lowers to, Linux net.ipv4.tcp_mtu_probe_floor"},
	{48, 48, 48, 48}},
};

const int tl_ntunables = (int) (sizeof(rows) / sizeof(rows[0]));

static int
ProfileIndex(
    const char *name)
{
    int i;

    for (i = 0; i < NPROFILES; i++) {
	if (strcmp(tl_profile_names[i], name) == 0) {
	    return i;
	}
    }
    return -1;
}

int
tunable_find(
    const char *name)
{
    int i;

    for (i = 0; i < tl_ntunables; i++) {
	if (strcmp(rows[i].def.name, name) == 0) {
	    return i;
	}
    }
    return -1;
}

const tl_tunable_def *
tunable_def(
    int idx)
{
    return &rows[idx].def;
}

int
tunable_get(
    const tl_tunables *t,
    int idx)
{
    return *(const int *) ((const char *) t + rows[idx].def.offset);
}

void
tunable_set(
    tl_tunables *t,
    int idx,
    int value)
{
    *(int *) ((char *) t + rows[idx].def.offset) = value;
}

/* Tunables whose values are names (min, min + 1, ...), as in Linux. */
static const char *const ccNames[] = { "newreno", "reno", "cubic", NULL };
static const struct {
    const char *tunable;
    const char *const *names;
} named[] = {
    {"tcp_congestion_control", ccNames}	/* tcp_cc_modules[] order */
};

/* The names of a tunable's values, or NULL when they are numbers. */
const char *const *
tunable_names(
    int idx)
{
    size_t i;

    for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
	if (strcmp(named[i].tunable, rows[idx].def.name) == 0) {
	    return named[i].names;
	}
    }
    return NULL;
}

/* The name of a tunable's value, or NULL when its values have none. */
const char *
tunable_value_name(
    int idx,
    int value)
{
    const char *const *names = tunable_names(idx);

    return names && value >= rows[idx].def.min && value <= rows[idx].def.max
	    ? names[value - rows[idx].def.min] : NULL;
}

/* The value of a tunable with that name, or -1. */
int
tunable_value_find(
    int idx,
    const char *name)
{
    const char *const *names = tunable_names(idx);
    int i;

    for (i = 0; names && names[i]; i++) {
	if (strcmp(names[i], name) == 0) {
	    return rows[idx].def.min + i;
	}
    }
    return -1;
}

/* Loads every tunable of a profile; returns 0 for an unknown name. */
int
profile_load(
    tl_tunables *t,
    const char *name)
{
    int p = ProfileIndex(name), i;

    if (p < 0) {
	return 0;
    }
    memset(t, 0, sizeof(*t));
    for (i = 0; i < tl_ntunables; i++) {
	tunable_set(t, i, rows[i].values[p]);
    }
    return 1;
}

int
profile_value(
    const char *profile,
    int idx,
    int *valuePtr)
{
    int p = ProfileIndex(profile);

    if (p < 0 || idx < 0 || idx >= tl_ntunables) {
	return 0;
    }
    *valuePtr = rows[idx].values[p];
    return 1;
}
