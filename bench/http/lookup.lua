-- lookup.lua — wrk script: GET /api/v1/persons/{id} for a random person
-- id in [IB_ID_MIN, IB_ID_MAX], with the API token in IB_TOKEN and a
-- purpose (every person read is audited). Prints one JSON line at the end.
local lo = tonumber(os.getenv("IB_ID_MIN"))
local hi = tonumber(os.getenv("IB_ID_MAX"))
wrk.headers["Authorization"] = "Bearer " .. os.getenv("IB_TOKEN")
wrk.headers["X-Purpose"] = "benchmark"

function setup(thread)
  thread:set("seed", math.random(1, 2^30))
end

function init(args)
  math.randomseed(seed)
end

function request()
  return wrk.format("GET", "/api/v1/persons/" .. math.random(lo, hi))
end

dofile(os.getenv("IB_BENCH_DIR") .. "/summary.lua")
