#!/bin/sh
# Writes the snmpwalk fixtures of sim/recording_test.cc: Debian's snmpwalk (Net-SNMP 5.9)
# against Debian's snmpd, once per output mode. Usage: make-fixtures.sh HOST:PORT (a snmpd with
# community "public", no MIBs loaded). Run from this directory; review and commit the output.
set -eu
agent=$1
export MIBS='' MIBDIRS=/nonexistent SNMPCONFPATH=/nonexistent
walk() {
  # system, ifTable, ifXTable, ipAddrTable, then two OIDs that are not there.
  for root in 1.3.6.1.2.1.1 1.3.6.1.2.1.2.2.1 1.3.6.1.2.1.31.1.1.1.6 1.3.6.1.2.1.4.20.1 1.3.6.1.2.1.1.99; do
    snmpwalk -v2c -c public "$@" "$agent" "$root"
  done
  snmpget -v2c -c public "$@" "$agent" 1.3.6.1.2.1.1.1.99
}
walk -On > On.txt
walk > default.txt
walk -Of > Of.txt
walk -On -Oe -Ot > Onet.txt
walk -Ot > Ot.txt
walk -On -OT > OnT.txt
walk -On -Ox > Onx.txt
walk -On -Oa > Ona.txt
walk -On -Oq > Onq.txt
walk -Oq > Oq.txt
walk -On -OQ > OnQ.txt
walk -On -Oqt > Onqt.txt
walk -On -OqT > OnqT.txt
walk -On -OU -Ob > OnUb.txt
snmpwalk -v1 -c public -On "$agent" 1.3.6.1.2.1.1 > v1-On.txt
