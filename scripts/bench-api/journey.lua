-- BENCH ONLY. The applicant's journey for wrk: create a draft (POST
-- /applications), upload its project description (POST .../attachments),
-- submit it (POST .../submit), each with an Idempotency-Key and If-Match as
-- a client sends them. Every connection runs journeys one request at a
-- time; a response queues the journey's next request, which the thread's
-- next free connection sends. `done` prints the journeys completed per
-- second (a journey counts when its submit answers 201 with the case).
--
--   HDS_BENCH_TOKEN=<applicant token> wrk -t2 -c16 -d10s -s journey.lua http://127.0.0.1:18099

local token = os.getenv("HDS_BENCH_TOKEN") or ""
local auth = "Bearer " .. token

-- anonymous tables for a master's thesis: complete with one attachment
local content = [[{"project":{"title":"Fødselsvekt etter kjønn 2010–2020","summary":"Masteroppgave om fordelingen av fødselsvekt.","researchQuestions":["Hvordan fordeler fødselsvekten seg etter kjønn?"],"startDate":"2027-01-01","endDate":"2027-06-30"},"purpose":"HEALTH_ANALYSIS","dataKind":{"kind":"ANONYMOUS"},"dataSources":[{"code":"MFR","periodFrom":2010,"periodTo":2020}],"responsibility":{"institutionOrgnr":"974760673","institutionName":"Universitetet i Oslo","projectLeader":{"name":"Ola Student","email":"ola@student.uio.no"}},"fee":{"studentUpToMasters":true},"tableSpecifications":[{"title":"Fødselsvekt etter kjønn og år","dataSource":"MFR","variables":[{"name":"VEKT","categories":["under 2500 g","2500–3999 g","4000 g og mer"]},{"name":"KJONN","categories":["gutt","jente"]},{"name":"FAAR","categories":["2010–2014","2015–2020"]}]}]}]]
local pdf = "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"

local threads = {}
local queue = {}
local started = 0
local prefix = ""
journeys = 0
failures = 0

function setup(thread)
   thread:set("tid", #threads + 1)
   table.insert(threads, thread)
end

function init(args)
   -- keys unique across threads and runs
   prefix = string.format("%d-%d-%d", os.time(), tid, math.random(1, 1000000000))
end

local function key(kind, n)
   return prefix .. "-" .. kind .. "-" .. n
end

function request()
   local nxt = table.remove(queue)
   if nxt then
      return nxt
   end
   started = started + 1
   return wrk.format("POST", "/api/v1/applications", {
      ["Authorization"] = auth,
      ["Content-Type"] = "application/json",
      ["Idempotency-Key"] = key("c", started),
   }, content)
end

function response(status, headers, body)
   local location = headers["location"] or headers["Location"]
   if status ~= 201 or location == nil then
      failures = failures + 1
      return
   end
   local app = location:match("^/api/v1/applications/([%x%-]+)$")
   if app then
      queue[#queue + 1] = wrk.format("POST",
         "/api/v1/applications/" .. app
            .. "/attachments?kind=PROJECT_DESCRIPTION&title=Prosjektbeskrivelse&filename=prosjekt.pdf", {
         ["Authorization"] = auth,
         ["Content-Type"] = "application/octet-stream",
         ["If-Match"] = '"v1"',
         ["Idempotency-Key"] = key("u", app),
      }, pdf)
      return
   end
   app = location:match("^/api/v1/applications/([%x%-]+)/attachments/")
   if app then
      queue[#queue + 1] = wrk.format("POST", "/api/v1/applications/" .. app .. "/submit", {
         ["Authorization"] = auth,
         ["If-Match"] = '"v2"',
         ["Idempotency-Key"] = key("s", app),
      })
      return
   end
   if location:match("/case$") then
      journeys = journeys + 1
   end
end

function done(summary, latency, requests)
   local total, failed = 0, 0
   for _, thread in ipairs(threads) do
      total = total + thread:get("journeys")
      failed = failed + thread:get("failures")
   end
   local seconds = summary.duration / 1e6
   io.write(string.format("journeys: %d in %.2f s, %.2f journeys/s, failed requests: %d\n",
      total, seconds, total / seconds, failed))
end
