-- import.lua — wrk script: POST /api/v1/imports?kind=persons with a small
-- exchange-format file (IB_IMPORT_FILE) as the agency of IB_TOKEN: the
-- daily feed re-delivered (validated row by row, compared, audited).
local f = assert(io.open(os.getenv("IB_IMPORT_FILE"), "rb"))
wrk.method = "POST"
wrk.path = "/api/v1/imports?kind=persons"
wrk.body = f:read("*a")
f:close()
wrk.headers["Authorization"] = "Bearer " .. os.getenv("IB_TOKEN")
wrk.headers["Content-Type"] = "text/csv"

dofile(os.getenv("IB_BENCH_DIR") .. "/summary.lua")
