#pragma once
// The notification receiver of the Net-SNMP engine: a server session on a UDP socket of its
// own, which reads TRAPs and INFORMs, answers INFORMs, checks each against the accepted
// credentials and turns it into a Notification (or a RejectedNotification).
//
// v1/v2c notifications are accepted by community; v3 ones by USM user at no less than the
// credential's security level. The listener owns USM users for each accepted v3 credential,
// under the receiver's own engine ID (INFORMs) and under the sender's (Credentials::engine_id,
// TRAPs); it installs them (snmp/usm_users.h) before every read. Messages Net-SNMP drops before
// any callback (bad digest, unknown user, ...) are counted from its USM statistics as `auth`
// rejections, unparsable ones from snmpInASNParseErrs as `decode`.
//
// The engine owns the one listener, polls fd() with its other sockets, calls read() when it
// is readable and deliver() to hand the results to the handlers outside the Net-SNMP lock.
//
// Thread safety: none. Engine thread only, with the Net-SNMP lock held (except deliver()'s
// calls, which the engine runs after releasing it).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "snmp/engine.h"
#include "snmp/netsnmp_library.h"
#include "snmp/usm_users.h"

struct snmp_pdu;
struct snmp_session;

namespace lw::snmp::detail {

class TrapListener {
 public:
  // Binds `address` ("host:port", "[v6]:port"; port 162 if not given) and asks the kernel for
  // a receive buffer of `receive_buffer` bytes (0: its default). Error (reason transport, or
  // auth for an unusable v3 credential) if it cannot.
  static Result<std::unique_ptr<TrapListener>> open(const std::string& address,
                                                    std::vector<std::shared_ptr<const Credentials>> accept,
                                                    NotificationHandlers handlers,
                                                    const std::string& app_name, int64_t receive_buffer);
  ~TrapListener();  // closes the socket; its USM users leave Net-SNMP's table
  TrapListener(const TrapListener&) = delete;
  TrapListener& operator=(const TrapListener&) = delete;

  int fd() const { return fd_; }

  // Reads up to `max_datagrams` waiting datagrams, answers INFORMs, judges what arrived.
  void read(int max_datagrams);

  // Queues the handlers' calls for what read() accepted and rejected since the last time.
  void deliver(std::vector<std::function<void()>>& calls);

  // The socket's receive buffer as the kernel reports it (0 if unknown).
  int64_t receive_buffer() const { return receive_buffer_; }
  // Datagrams the kernel dropped on the socket (buffer full); nullopt if it cannot say.
  std::optional<uint64_t> socket_drops() const;

 private:
  TrapListener() = default;

  // What the Net-SNMP callback saw, copied out of the PDU.
  struct Received {
    std::string source;
    int version = 0;
    int command = 0;
    std::string community;
    std::string user;
    int level = 0;
    Result<Notification> notification = Notification{};
  };

  static int on_notification(int op, snmp_session* session, int reqid, snmp_pdu* pdu, void* magic);
  void judge(Received r);

  OneFdSet fds_;
  void* sp_ = nullptr;
  int fd_ = -1;
  int64_t receive_buffer_ = 0;
  std::vector<std::shared_ptr<const Credentials>> accept_;
  NotificationHandlers handlers_;
  std::vector<UsmUserPtr> users_;
  std::vector<Received> received_;          // filled by on_notification
  std::vector<snmp_pdu*> inform_replies_;   // owned until sent
  std::vector<Notification> accepted_;
  std::vector<RejectedNotification> rejected_;
};

}  // namespace lw::snmp::detail
