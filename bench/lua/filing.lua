-- wrk script for the filing scenario (acegate only: PostGraphile has no equivalent of the validation, the eligibility
-- checklist, idempotency and the audit trail behind these mutations).
--
-- Each cycle, as the partner user whose token is in $AUTH:
--   1. createOpportunity  for one of the firm's customers (a DRAFT, with a unique idempotency key),
--   2. submitOpportunity  with the version step 1 returned (runs the checklist; SUBMITTED),
--   3. withdrawOpportunity with the version step 2 returned (WITHDRAWN), which frees the customer's live slot.
-- Step 3 keeps the load sustainable for any duration on a fixed data set: a customer has at most one live record
-- per funding source, and every cycle files BUILD_FOR_STARTUPS. Requests of all three kinds are mixed on all
-- connections: a response queues the next step of its cycle, which the next free connection of the thread sends.
--
-- Environment: AUTH ("Bearer <token>"), SLOTS_FILE (customer global IDs, one a line, none with a live
-- BUILD_FOR_STARTUPS record), THREADS (wrk's -t, so that each thread takes its own share of the customers and two
-- threads never file for the same one), RUN_ID (with the start time, makes idempotency keys unique across runs).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = os.getenv("AUTH")

local CREATE = '{"query":"mutation File($input: CreateOpportunityInput!) { createOpportunity(input: $input) '
  .. '{ opportunity { id version status } userErrors { code } } }","variables":{"input":{"customerId":"%s",'
  .. '"fundingSource":"BUILD_FOR_STARTUPS","engagementType":"BUILD","workloadName":"Bench workload %s-%d-%d",'
  .. '"useCase":"The team is building its production platform on AWS: containers behind a load balancer, a managed '
  .. 'relational database and object storage, with steady growth expected as it signs its first customers.",'
  .. '"scopeOfWork":"Architecture review, landing zone, infrastructure as code, CI/CD and a production go-live.",'
  .. '"projectedConsumption":[{"service":"ECS","monthlyUsd":900},{"service":"RDS","monthlyUsd":400}],'
  .. '"estimatedAnnualDealUsd":24000,"requestedAmountUsd":15000,"partnerReference":"BENCH-%d-%d",'
  .. '"idempotencyKey":"bench-%s-%d-%d"}}}'
local SUBMIT = '{"query":"mutation Submit($input: SubmitOpportunityInput!) { submitOpportunity(input: $input) '
  .. '{ opportunity { id version status } userErrors { code } } }","variables":{"input":{"id":"%s","expectedVersion":%d}}}'
local WITHDRAW = '{"query":"mutation Withdraw($input: WithdrawOpportunityInput!) { withdrawOpportunity(input: $input) '
  .. '{ opportunity { id version status } userErrors { code } } }","variables":{"input":{"id":"%s","expectedVersion":%d}}}'

local threads = {}

setup = function(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

init = function(args)
  local count = tonumber(os.getenv("THREADS") or "2")
  slots = {}
  local n = 0
  for line in io.lines(os.getenv("SLOTS_FILE")) do
    if line ~= "" then
      if n % count == thread_index then
        table.insert(slots, line)
      end
      n = n + 1
    end
  end
  assert(#slots > 0, "no customers in SLOTS_FILE for this thread")
  -- The start time keeps keys unique across wrk invocations that share RUN_ID (a warm-up and its measured run):
  -- a replayed key would return the earlier, already withdrawn record, as idempotency demands.
  run_id = (os.getenv("RUN_ID") or "run") .. "-" .. tostring(os.time())
  queue, head, tail = {}, 1, 0
  counter = 0
  created, submitted, refused, withdrawn, failed = 0, 0, 0, 0, 0
end

local function push(body)
  tail = tail + 1
  queue[tail] = body
end

request = function()
  if head <= tail then
    local body = queue[head]
    queue[head] = nil
    head = head + 1
    return wrk.format(nil, nil, nil, body)
  end
  counter = counter + 1
  local customer = slots[((counter - 1) % #slots) + 1]
  return wrk.format(nil, nil, nil, string.format(CREATE, customer, run_id, thread_index, counter,
    thread_index, counter, run_id, thread_index, counter))
end

response = function(status, headers, body)
  if status ~= 200 or body:find('"errors"', 1, true) then
    failed = failed + 1
    return
  end
  local id = body:match('"id":"([^"]+)"')
  local version = tonumber(body:match('"version":(%d+)'))
  if body:find('"createOpportunity"', 1, true) then
    if id and version then
      created = created + 1
      push(string.format(SUBMIT, id, version))
    else
      failed = failed + 1
    end
  elseif body:find('"submitOpportunity"', 1, true) then
    if body:find('"status":"SUBMITTED"', 1, true) and id and version then
      submitted = submitted + 1
      push(string.format(WITHDRAW, id, version))
    else
      refused = refused + 1
    end
  elseif body:find('"withdrawOpportunity"', 1, true) and body:find('"status":"WITHDRAWN"', 1, true) then
    withdrawn = withdrawn + 1
  else
    failed = failed + 1
  end
end

done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  local c, s, r, w, f = 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + (t:get("created") or 0)
    s = s + (t:get("submitted") or 0)
    r = r + (t:get("refused") or 0)
    w = w + (t:get("withdrawn") or 0)
    f = f + (t:get("failed") or 0)
  end
  io.write(string.format(
    "RESULT requests=%d secs=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f mean_ms=%.2f " ..
    "bytes=%d err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000, latency.mean / 1000,
    summary.bytes, e.connect, e.read, e.write, e.status, e.timeout))
  io.write(string.format("FILING created=%d submitted=%d refused=%d withdrawn=%d failed=%d cycles_per_s=%.1f\n",
    c, s, r, w, f, w / secs))
end
