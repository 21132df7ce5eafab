#pragma once
// What each simulated device serves: a sorted OID layout per device and the value of every
// entry, computed at request time from the device's state and the sim clock.
//
// Layouts are shared by devices of the same shape (kind, interface count, tables present),
// so the whole province needs a few hundred of them. GET is a binary search, GETNEXT a
// lower bound. Recorded devices have a layout of literal values (recording.h).
//
// Thread safety: a Mib is immutable after construction; value_of() reads the World, so call
// it with World::mutex held.

#include <memory>
#include <string>
#include <vector>

#include "snmp/types.h"
#include "sim/world.h"

namespace lw::sim {

enum class Var : uint8_t {
  SysDescr, SysObjectID, SysUpTime, SysContact, SysName, SysLocation, SysServices,
  IfNumber,
  IfIndex, IfDescr, IfType, IfMtu, IfSpeed, IfPhysAddress, IfAdminStatus, IfOperStatus,
  IfLastChange, IfInOctets, IfInUcastPkts, IfInDiscards, IfInErrors, IfInUnknownProtos,
  IfOutOctets, IfOutUcastPkts, IfOutDiscards, IfOutErrors,
  IfName, IfHCInOctets, IfHCInUcastPkts, IfHCOutOctets, IfHCOutUcastPkts, IfHighSpeed, IfAlias,
  UpsManufacturer, UpsModel, UpsBatteryStatus, UpsSecondsOnBattery, UpsMinutesRemaining,
  UpsChargeRemaining, UpsBatteryVoltage, UpsInputNumLines, UpsInputVoltage, UpsOutputSource,
  RadioRxLevel, RadioSnr, RadioModulation, RadioCapacity, RadioErroredSeconds,
  RadioSeverelyErroredSeconds, RadioRxLevelThreshold, RadioSnrThreshold,
  RadioPlannedModulation, RadioPlannedRxLevel, RadioPlannedFadeMargin,
  Literal,
};

struct Entry {
  snmp::Oid oid;
  Var var = Var::Literal;
  uint32_t idx = 0;  // interface position (ifIndex - 1), or the literal's position
};

struct Layout {
  std::vector<Entry> entries;          // sorted by OID, unique
  std::vector<snmp::Value> literals;   // Var::Literal values

  const Entry* exact(const snmp::Oid& oid) const;
  const Entry* next(const snmp::Oid& oid) const;  // first entry strictly after oid, or null
  // True if some object (an entry's OID without its last arc) is a prefix of oid: a GET
  // that misses is then noSuchInstance rather than noSuchObject.
  bool object_exists(const snmp::Oid& oid) const;
};

// Builds a layout from a list of (OID, value) pairs, e.g. a recording; sorts, keeps the
// first of duplicate OIDs.
std::shared_ptr<const Layout> literal_layout(std::vector<snmp::VarBind> binds);

class Mib {
 public:
  // One layout per device of the province (recorded devices take theirs from `recorded`,
  // keyed by device index).
  explicit Mib(const Province& p,
               std::vector<std::pair<int, std::shared_ptr<const Layout>>> recorded = {});
  const Layout& layout(int dev) const { return *layouts_[static_cast<size_t>(dev)]; }
  size_t distinct_layouts() const { return distinct_; }

 private:
  std::vector<std::shared_ptr<const Layout>> layouts_;
  size_t distinct_ = 0;
};

// The layout a generated device of this shape serves.
std::shared_ptr<const Layout> build_layout(const Device& d);

// The value of entry `e` of device `dev` at sim time t. Counter32 values wrap modulo 2^32.
snmp::Value value_of(const World& w, int dev, const Layout& l, const Entry& e, double t);

}  // namespace lw::sim
