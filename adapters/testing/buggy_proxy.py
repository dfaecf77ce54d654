#!/usr/bin/env python3
"""A deliberately buggy implementation: proxies to `sharesim serve` (argv[1]) but lets
CreatePortfolioShare of a portfolio that does not exist succeed silently (as moto does) instead of failing
with ResourceNotFoundException. The runner must report the divergence at that step with a
minimal reproduction."""
import json
import subprocess
import sys

serve = subprocess.Popen([sys.argv[1], "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
for line in sys.stdin:
    request = json.loads(line)
    serve.stdin.write(line)
    serve.stdin.flush()
    if request.get("type") == "bye":
        break
    reply = json.loads(serve.stdout.readline())
    if request.get("type") == "hello":
        reply["implementation"] = {"name": "buggy-proxy", "version": "1"}
    if (
        request.get("type") == "call"
        and "CreatePortfolioShare" in request["call"]["op"]
        and reply.get("exception") == "ResourceNotFoundException"
    ):
        reply = {"type": "response", "response": "Empty"}
    print(json.dumps(reply), flush=True)
