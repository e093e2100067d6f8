-- wrk script (after the peer rig's wrk-post.lua): POST the JSON body in $BODY_FILE, with `Authorization: $AUTH`
-- when AUTH is set and `Accept-Encoding: $ACCEPT_ENCODING` when that is set; print one machine-readable RESULT line.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
local auth = os.getenv("AUTH")
if auth ~= nil and auth ~= "" then
  wrk.headers["Authorization"] = auth
end
local encoding = os.getenv("ACCEPT_ENCODING")
if encoding ~= nil and encoding ~= "" then
  wrk.headers["Accept-Encoding"] = encoding
end
local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.body = f:read("*a")
f:close()

done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d secs=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f mean_ms=%.2f " ..
    "bytes=%d err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000, latency.mean / 1000,
    summary.bytes, e.connect, e.read, e.write, e.status, e.timeout))
end
