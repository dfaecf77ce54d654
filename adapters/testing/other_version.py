#!/usr/bin/env python3
"""Hostile implementation: speaks protocol version 99."""
import json
import sys

sys.stdin.readline()
print(json.dumps({"type": "hello", "protocol": 99, "capabilities": {"ops": []}}), flush=True)
sys.stdin.readline()
