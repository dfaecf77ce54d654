#!/usr/bin/env python3
"""Hostile implementation: never answers (not even the hello). The runner must time out."""
import time

while True:
    time.sleep(3600)
