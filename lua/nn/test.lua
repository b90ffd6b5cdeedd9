-- nn.test(tests, seed): Torch7's built-in suite. It runs the torch.Tester tests of the nn test
-- files shipped in lua/nn/test/ (found on package.path, so it works from an installed package),
-- all of them or those named in `tests` (a name or a list; Lua patterns allowed), seeded like
-- Torch7's nn.test.
local suites = {'modules', 'coverage', 'extra', 'train'}

local function testFiles()
   local files, missing = {}, {}
   for _, name in ipairs(suites) do
      local f = package.searchpath('nn.test.' .. name, package.path)
      if f then files[#files + 1] = f else missing[#missing + 1] = 'nn/test/' .. name .. '.lua' end
   end
   if #missing > 0 then
      error('nn.test: test files not found on package.path: ' .. table.concat(missing, ', '), 3)
   end
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
   local files = testFiles()
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
