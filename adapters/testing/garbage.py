#!/usr/bin/env python3
"""Hostile implementation: answers the hello with a line that is not JSON."""
import sys

sys.stdin.readline()
print("Traceback (most recent call last): this is not a protocol message", flush=True)
sys.stdin.readline()
