// sim-loadgen: how many SNMP requests per second linkwatch-sim answers.
//
// Sends SNMPv2c GET and GETNEXT requests for sysUpTime, alternately, round-robin to every
// address in a targets file (one host:port per line), keeping a fixed window of requests
// outstanding, and counts the responses for a fixed time. Prints one JSON line on stdout.
//
// The two request packets are encoded once by Net-SNMP's library (snmp_build) and then sent
// as they are: the point is to load the simulator, not to measure BER encoding here. One
// response in every --check-every is decoded by Net-SNMP (snmp_parse) and must be a
// Response PDU without error holding one TimeTicks varbind; any that is not is counted as
// bad, so a simulator answering with errors cannot pass for a fast one.
//
// A window that sees no answer for --stall-ms is counted as lost and refilled (UDP drops
// under overload: a full receive buffer at the simulator); everything is bounded by
// --seconds. Single-threaded. measure.py pins the simulator to one core with taskset.

#include <arpa/inet.h>
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

struct Options {
  std::string targets_file;
  double seconds = 10;
  int window = 4096;
  int check_every = 64;
  int stall_ms = 10;
  std::string community = "public";
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "sim-loadgen: %s\nusage: sim-loadgen --targets FILE [--seconds S] [--window W] "
               "[--check-every K] [--stall-ms MS] [--community C]\n",
               why);
  std::exit(2);
}

Options parse_args(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage(("missing value after " + a).c_str());
    const char* v = argv[++i];
    if (a == "--targets") o.targets_file = v;
    else if (a == "--seconds") o.seconds = std::atof(v);
    else if (a == "--window") o.window = std::atoi(v);
    else if (a == "--check-every") o.check_every = std::atoi(v);
    else if (a == "--stall-ms") o.stall_ms = std::atoi(v);
    else if (a == "--community") o.community = v;
    else usage(("unknown option " + a).c_str());
  }
  if (o.targets_file.empty()) usage("--targets is required");
  if (o.seconds <= 0 || o.seconds > 600) usage("--seconds must be in (0, 600]");
  if (o.window < 1 || o.window > 65536) usage("--window must be in [1, 65536]");
  if (o.check_every < 1) usage("--check-every must be >= 1");
  if (o.stall_ms < 1) usage("--stall-ms must be >= 1");
  return o;
}

std::vector<sockaddr_in> read_targets(const std::string& path) {
  std::vector<sockaddr_in> out;
  std::ifstream in(path);
  if (!in) usage(("cannot read " + path).c_str());
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto colon = line.rfind(':');
    if (colon == std::string::npos) usage(("no port in target " + line).c_str());
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<uint16_t>(std::atoi(line.c_str() + colon + 1)));
    if (inet_pton(AF_INET, line.substr(0, colon).c_str(), &sa.sin_addr) != 1)
      usage(("not an IPv4 address: " + line).c_str());
    // Loopback only: this tool must never load a real network.
    if ((ntohl(sa.sin_addr.s_addr) >> 24) != 127) usage(("not a 127/8 address: " + line).c_str());
    out.push_back(sa);
  }
  if (out.empty()) usage(("no targets in " + path).c_str());
  return out;
}

// One v2c request for sysUpTime(.0), encoded by Net-SNMP.
std::vector<unsigned char> encode(netsnmp_session& session, int command, const std::string& community) {
  static const oid kSysUpTime0[] = {1, 3, 6, 1, 2, 1, 1, 3, 0};
  const size_t oid_len = command == SNMP_MSG_GET ? 9 : 8;  // GETNEXT asks for what follows sysUpTime
  netsnmp_pdu* pdu = snmp_pdu_create(command);
  pdu->version = SNMP_VERSION_2c;
  pdu->community = static_cast<u_char*>(std::malloc(community.size()));
  std::memcpy(pdu->community, community.data(), community.size());
  pdu->community_len = community.size();
  snmp_add_null_var(pdu, kSysUpTime0, oid_len);

  size_t buf_len = 512, offset = 0;
  auto* buf = static_cast<u_char*>(std::malloc(buf_len));
  if (snmp_build(&buf, &buf_len, &offset, &session, pdu) != 0) {
    std::fprintf(stderr, "sim-loadgen: snmp_build failed\n");
    std::exit(1);
  }
  // Net-SNMP on Debian encodes backwards: the packet is the last `offset` bytes of the buffer.
  std::vector<unsigned char> pkt(buf + buf_len - offset, buf + buf_len);
  std::free(buf);
  snmp_free_pdu(pdu);
  if (pkt.empty() || pkt[0] != 0x30) {
    std::fprintf(stderr, "sim-loadgen: encoded packet is not a BER SEQUENCE\n");
    std::exit(1);
  }
  return pkt;
}

// True if `data` is a Response without error carrying one TimeTicks varbind.
bool good_response(netsnmp_session& session, unsigned char* data, size_t len) {
  netsnmp_pdu* pdu = snmp_pdu_create(0);
  const bool parsed = snmp_parse(nullptr, &session, pdu, data, len) == 0;
  const bool ok = parsed && pdu->command == SNMP_MSG_RESPONSE && pdu->errstat == 0 && pdu->variables != nullptr &&
                  pdu->variables->type == ASN_TIMETICKS && pdu->variables->next_variable == nullptr;
  snmp_free_pdu(pdu);
  return ok;
}

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

int main(int argc, char** argv) {
  const Options opt = parse_args(argc, argv);
  const std::vector<sockaddr_in> targets = read_targets(opt.targets_file);

  // Net-SNMP only encodes and decodes here: no config files, no persistent state, no MIBs.
  snmp_disable_log();
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
  setenv("MIBS", "", 1);
  init_snmp("sim-loadgen");
  netsnmp_session session;
  snmp_sess_init(&session);
  session.version = SNMP_VERSION_2c;

  const std::vector<unsigned char> packets[2] = {encode(session, SNMP_MSG_GET, opt.community),
                                                 encode(session, SNMP_MSG_GETNEXT, opt.community)};

  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    std::perror("sim-loadgen: socket");
    return 1;
  }
  const int bufsize = 8 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof bufsize);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof bufsize);

  constexpr int kBatch = 64;
  mmsghdr send_msgs[kBatch]{};
  iovec send_iov[kBatch]{};
  sockaddr_in send_addr[kBatch]{};
  mmsghdr recv_msgs[kBatch]{};
  iovec recv_iov[kBatch]{};
  static unsigned char recv_buf[kBatch][2048];
  for (int i = 0; i < kBatch; ++i) {
    recv_iov[i] = {recv_buf[i], sizeof recv_buf[i]};
    recv_msgs[i].msg_hdr.msg_iov = &recv_iov[i];
    recv_msgs[i].msg_hdr.msg_iovlen = 1;
  }

  long long sent = 0, received = 0, lost = 0, checked = 0, bad = 0, send_errors = 0;
  long long in_flight = 0;
  size_t next_target = 0;
  const double start = now_seconds();
  const double deadline = start + opt.seconds;
  double now = start;
  while (now < deadline) {
    // Fill the window.
    while (in_flight < opt.window) {
      const int n = static_cast<int>(std::min<long long>(kBatch, opt.window - in_flight));
      for (int i = 0; i < n; ++i) {
        const auto& pkt = packets[(sent + i) & 1];
        send_addr[i] = targets[next_target];
        next_target = (next_target + 1) % targets.size();
        send_iov[i] = {const_cast<unsigned char*>(pkt.data()), pkt.size()};
        send_msgs[i].msg_hdr = {};
        send_msgs[i].msg_hdr.msg_name = &send_addr[i];
        send_msgs[i].msg_hdr.msg_namelen = sizeof send_addr[i];
        send_msgs[i].msg_hdr.msg_iov = &send_iov[i];
        send_msgs[i].msg_hdr.msg_iovlen = 1;
      }
      const int done = sendmmsg(fd, send_msgs, static_cast<unsigned>(n), 0);
      if (done <= 0) {
        ++send_errors;  // socket buffer full: drain answers first
        break;
      }
      sent += done;
      in_flight += done;
    }
    // Drain answers; wait a little when there are none.
    const int got = recvmmsg(fd, recv_msgs, kBatch, MSG_DONTWAIT, nullptr);
    if (got > 0) {
      for (int i = 0; i < got; ++i) {
        if ((received + i) % opt.check_every == 0) {
          ++checked;
          if (!good_response(session, recv_buf[i], recv_msgs[i].msg_len)) ++bad;
        }
      }
      received += got;
      in_flight = std::max<long long>(0, in_flight - got);
    } else {
      pollfd p{fd, POLLIN, 0};
      const double left_ms = (deadline - now_seconds()) * 1000;
      const int wait_ms = static_cast<int>(std::max(0.0, std::min<double>(opt.stall_ms, left_ms)));
      if (poll(&p, 1, wait_ms) == 0 && in_flight > 0) {
        lost += in_flight;  // nothing for a whole stall period: those are gone
        in_flight = 0;
      }
    }
    now = now_seconds();
  }
  const double elapsed = now_seconds() - start;
  close(fd);
  std::printf(
      "{\"seconds\": %.3f, \"targets\": %zu, \"window\": %d, \"sent\": %lld, \"responses\": %lld, "
      "\"responses_per_second\": %.1f, \"lost\": %lld, \"checked\": %lld, \"bad\": %lld, \"send_stalls\": %lld}\n",
      elapsed, targets.size(), opt.window, sent, received, static_cast<double>(received) / elapsed, lost, checked,
      bad, send_errors);
  return bad == 0 && received > 0 ? 0 : 1;
}
