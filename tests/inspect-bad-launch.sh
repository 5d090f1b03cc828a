#!/bin/bash
# Broken inputs that are only found out inside the appliance (blank
# disk, encrypted root): see tests/inspect-bad.sh.
exec "$top_srcdir/tests/inspect-bad.sh" yes
