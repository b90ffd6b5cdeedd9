-- nn.test(tests, seed): Torch7's built-in suite. It runs the torch.Tester tests of the Lua nn
-- test files shipped beside lua/ (tests/lua/test_nn*.lua), all of them or those whose names
-- match `tests` (a name, a Lua pattern or a list of them), seeded like Torch7's nn.test.
local function testDir()
   local init = package.searchpath('nn.init', package.path) or package.searchpath('nn', package.path)
   if not init then return nil end
   local root = init:gsub('[/\\]lua[/\\]nn[/\\][^/\\]*$', '')
   return root .. '/tests/lua'
end

local function testFiles(dir)
   local files = {}
   local p = io.popen('ls "' .. dir .. '"/test_nn*.lua 2>/dev/null')
   if p then
      for f in p:lines() do files[#files + 1] = f end
      p:close()
   end
   table.sort(files)
   return files
end

-- the Testers the files build, collected without running them
local function collect(files)
   local testers = {}
   for _, f in ipairs(files) do
      local prev = torch._testerCollect
      torch._testerCollect = {}
      local ok, err = pcall(dofile, f)
      local got = torch._testerCollect
      torch._testerCollect = prev
      if not ok then error('nn.test: loading ' .. f .. ' failed: ' .. tostring(err), 0) end
      for _, t in ipairs(got) do testers[#testers + 1] = t end
   end
   return testers
end

function nn.test(tests, seed)
   seed = seed or os.time()
   print('Seed: ', seed)
   math.randomseed(seed)
   torch.manualSeed(seed)
   local dir = testDir()
   local files = dir and testFiles(dir) or {}
   if #files == 0 then
      error('nn.test: no test files found (expected tests/lua/test_nn*.lua beside lua/nn, looked in '
            .. tostring(dir) .. ')', 2)
   end
   local nthreads = torch.getnumthreads and torch.getnumthreads()
   if torch.setnumthreads then torch.setnumthreads(1) end
   local deftype = torch.getdefaulttensortype()
   local testers = collect(files)
   if type(tests) == 'string' then tests = {tests} end
   local results = {}
   local ok, err = pcall(function()
      for _, tester in ipairs(testers) do
         -- each file's tester runs the requested tests it has (all when none are named)
         local names
         if tests then
            names = {}
            for _, pat in ipairs(tests) do
               for _, t in ipairs(tester.tests) do
                  if t.name == pat or t.name:find(pat) then names[#names + 1] = t.name end
               end
            end
         end
         if not names or #names > 0 then
            tester:run(names)
            results[#results + 1] = tester
         end
      end
   end)
   if nthreads and torch.setnumthreads then torch.setnumthreads(nthreads) end
   torch.setdefaulttensortype(deftype)
   if not ok then error(err, 0) end
   if tests and #results == 0 then error('nn.test: no test matches ' .. table.concat(tests, ', '), 2) end
   return results
end
