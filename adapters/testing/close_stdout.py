#!/usr/bin/env python3
"""Hostile implementation: proxies to `sharesim serve` (argv[1]) for the first N call requests
(argv[2], default 5), then closes its standard output and hangs without exiting. The runner
must report the runs completed before, diagnose the closed output, and not wait forever."""
import os
import subprocess
import sys
import time

serve = subprocess.Popen([sys.argv[1], "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
budget = int(sys.argv[2]) if len(sys.argv) > 2 else 5
for line in sys.stdin:
    if '"type":"call"' in line.replace(" ", ""):
        if budget == 0:
            os.close(1)
            serve.kill()
            time.sleep(3600)
        budget -= 1
    serve.stdin.write(line)
    serve.stdin.flush()
    if '"type":"bye"' in line.replace(" ", ""):
        break
    sys.stdout.write(serve.stdout.readline())
    sys.stdout.flush()
