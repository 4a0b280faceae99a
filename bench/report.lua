-- wrk script: counts responses that are not 200 (a redirect to the login page must not pass for
-- a dashboard) and prints the figures bench/run.py reads as one JSON line.
local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   not_ok = 0
end

function response(status, headers, body)
   if status ~= 200 then
      not_ok = not_ok + 1
   end
end

function done(summary, latency, requests)
   local not_ok_total = 0
   for _, thread in ipairs(threads) do
      not_ok_total = not_ok_total + thread:get("not_ok")
   end
   local errors = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, '
         .. '"max_us": %d, "not_200": %d, "socket_errors": %d, "timeouts": %d}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max, not_ok_total,
      errors.connect + errors.read + errors.write, errors.timeout))
end
