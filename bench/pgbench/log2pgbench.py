#!/usr/bin/env python3
"""Turns PostgreSQL `log_statement = all` output (LOG: execute … / DETAIL: parameters: …) into a pgbench script that
sends the same statements with the same parameters as bind variables, for `pgbench -M prepared`.

    ALTER DATABASE acegate_bench SET log_statement = 'all';   -- then (re)start the server, send one request
    python3 bench/pgbench/log2pgbench.py /var/log/postgresql/postgresql-15-main.log.part "title" > acegate-pipeline.sql
    ALTER DATABASE acegate_bench RESET log_statement;
    pgbench -n -M prepared -c 32 -j 2 -T 15 -f acegate-pipeline.sql acegate_bench

Integer parameters become `\\set` variables (so that PostgreSQL plans them as parameters, like the server's own
prepared statements); other parameters are inlined as literals. Colons inside literals would be read by pgbench as
variables: write them as E'\\072'.
"""
import re
import sys

lines = open(sys.argv[1]).read().split("\n")
title = sys.argv[2] if len(sys.argv) > 2 else "statements captured with log_statement = all"
statements = []
current = None
for line in lines:
    m = re.search(r"LOG:  execute [^:]+: (.*)$", line)
    if m:
        current = {"sql": m.group(1), "params": {}}
        statements.append(current)
        continue
    m = re.search(r"DETAIL:  parameters: (.*)$", line)
    if m and current is not None:
        for k, v in re.findall(r"\$(\d+) = '((?:[^']|'')*)'", m.group(1)):
            current["params"][int(k)] = v
        continue
    if current is not None and line.startswith("\t"):
        current["sql"] += "\n" + line[1:]
        continue
    current = None if not line.startswith("\t") and "DETAIL" not in line else current

out = ["-- " + title]
n = 0
for s in statements:
    sql = s["sql"]
    for k in sorted(s["params"], reverse=True):
        v = s["params"][k]
        if re.fullmatch(r"-?\d+", v):
            n += 1
            out.append(f"\\set v{n} {v}")
            sql = re.sub(r"\$%d(?!\d)" % k, f":v{n}", sql)
        else:
            sql = re.sub(r"\$%d(?!\d)" % k, "'" + v.replace("'", "''") + "'", sql)
    out.append(sql.rstrip().rstrip(";") + ";")
print("\n".join(out))
