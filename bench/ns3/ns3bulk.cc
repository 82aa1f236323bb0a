/*
 * ns3bulk.cc --
 *
 *	The bulk transfer of bench/bulk.tcl in ns-3: two nodes on a
 *	point-to-point link of 1 Gbit/s and 1 ms delay, n TCP flows from the
 *	first to a sink on the second, the bytes split evenly between them,
 *	TCP as near tcplab's linux profile as ns-3 allows (CUBIC or NewReno,
 *	SACK, timestamps, window scaling, MSS 1448, initial window 10, minimum
 *	RTO 200 ms, send and receive buffers of -buf bytes, default 4 MB).
 *	Optionally every lossth datagram the sender
 *	puts on the wire is lost (SYNs excepted), the loss model bulk.tcl applies
 *	to tcplab with a fault rule on the IP identification.
 *
 *	ns3bulk ?-bytes n? ?-flows n? ?-loss n? ?-buf n? ?-cc cubic|newreno?
 *
 *	Prints one line of name value pairs: flows, bytes, the simulated time
 *	until the last byte arrived, the wall seconds of the simulation, the
 *	peak resident set in kB and the frames lost.
 */

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/traffic-control-module.h"

using namespace ns3;

namespace {

/*
 * Every lossth datagram arriving from the sender is lost, counted in the
 * order the sender put them on the wire (a point-to-point link keeps it),
 * SYNs excepted: tcplab's host numbers its datagrams with one IP
 * identification counter, and bulk.tcl drops those whose identification
 * is a multiple of loss.
 */
class EveryNthLoss : public ErrorModel {
  public:
    uint64_t every = 0;
    uint64_t seen = 0;
    uint64_t dropped = 0;

  private:
    bool DoCorrupt(Ptr<Packet> p) override
    {
	Ptr<Packet> q = p->Copy();
	PppHeader ppp;
	Ipv4Header ip;
	TcpHeader tcp;

	q->RemoveHeader(ppp);
	q->RemoveHeader(ip);
	q->PeekHeader(tcp);
	if (every == 0 || (tcp.GetFlags() & TcpHeader::SYN)) {
	    return false;
	}
	if (++seen % every == 0) {
	    dropped++;
	    return true;
	}
	return false;
    }
    void DoReset() override {}
};

uint64_t received;
uint64_t wanted;
Time lastByte;

void
Received(Ptr<const Packet> p, const Address &)
{
    received += p->GetSize();
    if (received >= wanted) {
	lastByte = Simulator::Now();
	Simulator::Stop();
    }
}

long
PeakRssKb()
{
    std::ifstream f("/proc/self/status");
    std::string line;

    while (std::getline(f, line)) {
	if (line.compare(0, 6, "VmHWM:") == 0) {
	    return std::atol(line.c_str() + 6);
	}
    }
    return -1;
}

void
Usage()
{
    std::fprintf(stderr, "usage: ns3bulk ?-bytes n? ?-flows n? ?-loss n? "
	    "?-buf n? ?-cc cubic|newreno?\n");
    std::exit(2);
}

} // namespace

int
main(int argc, char *argv[])
{
    uint64_t bytes = 100000000;
    uint32_t flows = 1;
    uint64_t loss = 0;
    uint32_t buf = 4194304;
    std::string cc = "cubic";

    for (int i = 1; i < argc; i += 2) {
	if (i + 1 >= argc) {
	    Usage();
	}
	if (std::strcmp(argv[i], "-bytes") == 0) {
	    bytes = std::strtoull(argv[i + 1], nullptr, 10);
	} else if (std::strcmp(argv[i], "-flows") == 0) {
	    flows = (uint32_t) std::strtoul(argv[i + 1], nullptr, 10);
	} else if (std::strcmp(argv[i], "-loss") == 0) {
	    loss = std::strtoull(argv[i + 1], nullptr, 10);
	} else if (std::strcmp(argv[i], "-buf") == 0) {
	    buf = (uint32_t) std::strtoul(argv[i + 1], nullptr, 10);
	} else if (std::strcmp(argv[i], "-cc") == 0) {
	    cc = argv[i + 1];
	} else {
	    Usage();
	}
    }
    if (flows == 0 || bytes < flows) {
	Usage();
    }

    Config::SetDefault("ns3::TcpL4Protocol::SocketType", TypeIdValue(
	    cc == "newreno" ? TcpNewReno::GetTypeId() : TcpCubic::GetTypeId()));
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
    Config::SetDefault("ns3::TcpSocket::InitialCwnd", UintegerValue(10));
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(buf));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(buf));
    Config::SetDefault("ns3::TcpSocket::DelAckCount", UintegerValue(2));
    Config::SetDefault("ns3::TcpSocketBase::Sack", BooleanValue(true));
    Config::SetDefault("ns3::TcpSocketBase::Timestamp", BooleanValue(true));
    Config::SetDefault("ns3::TcpSocketBase::WindowScaling", BooleanValue(true));
    Config::SetDefault("ns3::TcpSocketBase::MinRto",
	    TimeValue(MilliSeconds(200)));

    NodeContainer nodes;
    nodes.Create(2);

    /* tcplab's links queue without limit: a queue no window fills. */
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue("1Gbps"));
    p2p.SetChannelAttribute("Delay", StringValue("1ms"));
    p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize",
	    QueueSizeValue(QueueSize("1000000p")));
    NetDeviceContainer devs = p2p.Install(nodes);

    InternetStackHelper stack;
    stack.Install(nodes);
    Ipv4AddressHelper addrs;
    addrs.SetBase("10.0.0.0", "255.255.255.0");
    Ipv4InterfaceContainer ifs = addrs.Assign(devs);
    TrafficControlHelper tch;
    tch.Uninstall(devs);

    Ptr<EveryNthLoss> em = CreateObject<EveryNthLoss>();
    em->every = loss;
    devs.Get(1)->SetAttribute("ReceiveErrorModel", PointerValue(em));

    uint16_t port = 9;
    PacketSinkHelper sinkHelper("ns3::TcpSocketFactory",
	    InetSocketAddress(Ipv4Address::GetAny(), port));
    ApplicationContainer sink = sinkHelper.Install(nodes.Get(1));
    sink.Start(Seconds(0));
    sink.Get(0)->TraceConnectWithoutContext("Rx", MakeCallback(&Received));

    wanted = bytes;
    for (uint32_t i = 0; i < flows; i++) {
	uint64_t share = bytes / flows + (i < bytes % flows ? 1 : 0);
	BulkSendHelper src("ns3::TcpSocketFactory",
		InetSocketAddress(ifs.GetAddress(1), port));
	src.SetAttribute("MaxBytes", UintegerValue(share));
	/* ns-3 refuses a write larger than the free buffer. */
	src.SetAttribute("SendSize", UintegerValue(std::min(65536u, buf / 4)));
	ApplicationContainer a = src.Install(nodes.Get(0));
	a.Start(Seconds(0));
    }

    auto t0 = std::chrono::steady_clock::now();
    Simulator::Run();
    auto t1 = std::chrono::steady_clock::now();
    double wall = std::chrono::duration<double>(t1 - t0).count();

    std::printf("flows %u bytes %llu received %llu sim %.6f wall %.6f "
	    "rss_kb %ld dropped %llu\n", flows, (unsigned long long) bytes,
	    (unsigned long long) received, lastByte.GetSeconds(), wall,
	    PeakRssKb(), (unsigned long long) em->dropped);
    Simulator::Destroy();
    return received >= wanted ? 0 : 1;
}
