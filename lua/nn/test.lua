-- nn.test(tests, seed): Torch7's built-in suite. It runs the torch.Tester tests of the Lua nn
-- test files shipped beside lua/ (tests/lua/test_nn*.lua), all of them or those named in
-- `tests` (a name or a list; Lua patterns allowed), seeded like Torch7's nn.test.
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

-- the Testers a file builds, collected without running them
local function collect(file)
   local prev = torch._testerCollect
   torch._testerCollect = {}
   local ok, err = pcall(dofile, file)
   local got = torch._testerCollect
   torch._testerCollect = prev
   if not ok then error('nn.test: loading ' .. file .. ' failed: ' .. tostring(err), 0) end
   return got
end

-- the exact test names of a tester selected by `tests` (nil: all): a plain name selects that
-- test, one with pattern characters (^$()%.[]*+-?) is a Lua pattern
local function selected(tester, tests)
   if not tests then return nil end
   local names = {}
   for _, want in ipairs(tests) do
      local isPattern = want:find('[%^%$%(%)%%%.%[%]%*%+%-%?]') ~= nil
      for _, t in ipairs(tester.tests) do
         if t.name == want or (isPattern and t.name:find(want)) then
            names[#names + 1] = '^' .. t.name:gsub('%p', '%%%0') .. '$'
         end
      end
   end
   return names
end

-- returns the Testers that ran; raises at the end if any test failed
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
   if type(tests) == 'string' then tests = {tests} end
   local nthreads = torch.getnumthreads and torch.getnumthreads()
   if torch.setnumthreads then torch.setnumthreads(1) end
   local deftype = torch.getdefaulttensortype()
   local results, failures = {}, {}
   local ok, err = pcall(function()
      -- file by file, each run right after it loads (a file may change global state, e.g.
      -- requiring nngraph redefines Module.__call__)
      for _, file in ipairs(files) do
         for _, tester in ipairs(collect(file)) do
            local names = selected(tester, tests)
            if not names or #names > 0 then
               results[#results + 1] = tester
               local ran, msg = pcall(tester.run, tester, names)
               if not ran then failures[#failures + 1] = file .. ': ' .. tostring(msg) end
            end
         end
      end
   end)
   if nthreads and torch.setnumthreads then torch.setnumthreads(nthreads) end
   torch.setdefaulttensortype(deftype)
   if not ok then error(err, 0) end
   if tests and #results == 0 then error('nn.test: no test matches ' .. table.concat(tests, ', '), 2) end
   if #failures > 0 then error('nn.test: failures in\n' .. table.concat(failures, '\n'), 2) end
   return results
end
