#pragma once
// UsmUsers: SNMPv3 USM users owned per session, so two targets naming the same user on the
// same agent (same engine ID) never share keys.
//
// Net-SNMP 5.9 keeps one process-wide USM user table, searched by (engine ID, user name) when
// a v3 message is built (send, resend) or parsed (read). Two sessions with the same user name
// and different passwords towards one agent would overwrite each other's keys there: a wrong
// password could poll `up`, a right one `auth`. Here every session owns its own user (keys
// localized to the agent's engine ID) outside that table, and `install()` puts it in, in place
// of whichever user of the same (engine ID, name) is there, right before Net-SNMP builds or
// parses that session's messages. (Net-SNMP 5.10 has per-session users, `sessUser`; 5.9 does not.)
//
// Thread safety: none. Engine thread only, with the Net-SNMP lock held (every call touches
// Net-SNMP's global user table).

#include <memory>
#include <string>

#include "common/result.h"
#include "snmp/engine.h"

struct usmUser;
struct snmp_session;

namespace lw::snmp::detail {

// Removes the user from Net-SNMP's table if it is there, then frees it (keys wiped).
struct UsmUserFree {
  void operator()(usmUser* u) const;
};
using UsmUserPtr = std::unique_ptr<usmUser, UsmUserFree>;

// A user for `c` (v3) with keys localized to `engine_id` (raw bytes), not in the table yet.
// Error (reason auth) if the credentials cannot be used (unknown protocol, short password).
Result<UsmUserPtr> make_usm_user(const Credentials& c, const std::string& engine_id);

// The same from an open session whose securityEngineID is set (its master keys are used).
Result<UsmUserPtr> make_usm_user(snmp_session& session);

// Makes `u` the user Net-SNMP finds for its (engine ID, name). Whichever user stood there
// is taken out of the table, not freed: it belongs to another session and comes back with
// that session's next install(). Cheap when `u` is already in place.
void install(usmUser* u);

}  // namespace lw::snmp::detail
