-- random_get.lua — wrk script: GET IB_GET_PATH followed by a random id in
-- [IB_GET_MIN, IB_GET_MAX], with the API token in IB_TOKEN and, when
-- IB_PURPOSE is set, that purpose in X-Purpose (person reads are audited
-- with it). Used for person look-ups (/api/v1/persons/) and, for
-- comparison, location look-ups (/api/v1/locations/, not audited).
-- Prints one JSON line at the end.
local path = os.getenv("IB_GET_PATH")
local lo = tonumber(os.getenv("IB_GET_MIN"))
local hi = tonumber(os.getenv("IB_GET_MAX"))
wrk.headers["Authorization"] = "Bearer " .. os.getenv("IB_TOKEN")
if os.getenv("IB_PURPOSE") then
  wrk.headers["X-Purpose"] = os.getenv("IB_PURPOSE")
end

function setup(thread)
  thread:set("seed", math.random(1, 2^30))
end

function init(args)
  math.randomseed(seed)
end

function request()
  return wrk.format("GET", path .. math.random(lo, hi))
end

dofile(os.getenv("IB_BENCH_DIR") .. "/summary.lua")
