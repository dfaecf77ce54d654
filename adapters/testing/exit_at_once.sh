#!/bin/sh
# Hostile implementation: dies before the handshake with a message and status 3.
echo "exit_at_once: giving up" >&2
exit 3
