#include "snmp/usm_users.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

namespace lw::snmp::detail {
namespace {

// The user Net-SNMP's table holds for u's (engine ID, name), if any (never the "" default).
usmUser* in_table(const u_char* engine_id, size_t len, const char* name) {
  usmUser* there = usm_get_user(engine_id, len, name);
  return there && there->name && name && std::string_view(there->name) == name ? there : nullptr;
}

void take_out(usmUser* u) {
  usm_remove_user(u);
  // usm_add_user and usm_free_user follow these: a detached user must point nowhere.
  u->next = nullptr;
  u->prev = nullptr;
}

}  // namespace

void UsmUserFree::operator()(usmUser* u) const {
  if (!u) return;
  if (in_table(u->engineID, u->engineIDLen, u->name) == u) take_out(u);
  usm_free_user(u);  // wipes the keys
}

Result<UsmUserPtr> make_usm_user(snmp_session& session) {
  if (session.securityEngineIDLen == 0 || !session.securityName)
    return Error{kReasonAuth, "USM user without an engine ID or a name"};
  // usm_create_user_from_session reuses a user already in the table: step the present one
  // (another session's) aside, let Net-SNMP build ours, take ours out, put the other back.
  usmUser* other = in_table(session.securityEngineID, session.securityEngineIDLen, session.securityName);
  if (other) take_out(other);
  session.flags &= ~SNMP_FLAGS_USER_CREATED;
  const int rc = usm_create_user_from_session(&session);
  usmUser* made = in_table(session.securityEngineID, session.securityEngineIDLen, session.securityName);
  if (made) take_out(made);
  UsmUserPtr owned(made);
  if (other) usm_add_user(other);
  if (rc != SNMPERR_SUCCESS || !owned)
    return Error{kReasonAuth, std::string("user ") + session.securityName + ": cannot create the USM user"};
  return owned;
}

void install(usmUser* u) {
  if (!u) return;
  usmUser* there = in_table(u->engineID, u->engineIDLen, u->name);
  if (there == u) return;
  if (there) take_out(there);  // owned elsewhere; usm_add_user would free it
  usm_add_user(u);
}

}  // namespace lw::snmp::detail
