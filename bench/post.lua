-- wrk script for the token service benchmarks: POST a form with HTTP Basic client
-- authentication (body and header from the environment), counting and reporting like report.lua.
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = os.getenv("BENCH_AUTHORIZATION")
dofile(os.getenv("BENCH_REPORT_LUA"))
