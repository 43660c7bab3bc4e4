-- location.lua — wrk script: GET /api/v1/locations/{id} for a random
-- location id in [IB_LOC_MIN, IB_LOC_MAX] with the API token in IB_TOKEN:
-- a read that is not audited (no person-level data), for comparison with
-- the audited person look-ups. Prints one JSON line at the end.
local lo = tonumber(os.getenv("IB_LOC_MIN"))
local hi = tonumber(os.getenv("IB_LOC_MAX"))
wrk.headers["Authorization"] = "Bearer " .. os.getenv("IB_TOKEN")

function setup(thread)
  thread:set("seed", math.random(1, 2^30))
end

function init(args)
  math.randomseed(seed)
end

function request()
  return wrk.format("GET", "/api/v1/locations/" .. math.random(lo, hi))
end

dofile(os.getenv("IB_BENCH_DIR") .. "/summary.lua")
