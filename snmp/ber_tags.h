#pragma once
// BER tags of SNMP messages and two of Net-SNMP's limits, shared by the request encoder
// (snmp/ber_request.h) and the response decoder (snmp/ber_response.h). They are the values
// of Net-SNMP's ASN_*, SNMP_MSG_* and length constants; neither file includes Net-SNMP, so
// that both stay pure functions.
//
// Thread safety: constants.

#include <cstddef>

namespace lw::snmp::detail::ber {

inline constexpr unsigned char kSequence = 0x30;
inline constexpr unsigned char kInteger = 0x02;
inline constexpr unsigned char kOctetString = 0x04;
inline constexpr unsigned char kNull = 0x05;
inline constexpr unsigned char kObjectId = 0x06;
inline constexpr unsigned char kIpAddress = 0x40;
inline constexpr unsigned char kCounter32 = 0x41;
inline constexpr unsigned char kGauge32 = 0x42;
inline constexpr unsigned char kTimeTicks = 0x43;
inline constexpr unsigned char kNsap = 0x45;
inline constexpr unsigned char kCounter64 = 0x46;
inline constexpr unsigned char kUInteger32 = 0x47;
inline constexpr unsigned char kNoSuchObject = 0x80;
inline constexpr unsigned char kNoSuchInstance = 0x81;
inline constexpr unsigned char kEndOfMibView = 0x82;
inline constexpr unsigned char kGetResponse = 0xA2;

inline constexpr size_t kMaxCommunity = 255;  // Net-SNMP keeps < COMMUNITY_MAX_LEN (256) intact
inline constexpr size_t kMaxArcs = 128;       // Net-SNMP's MAX_OID_LEN

}  // namespace lw::snmp::detail::ber
