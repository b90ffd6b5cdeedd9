-- torch.Tester: registers tests, runs them with a progress line each and a summary, and
-- offers Torch7's assert family (each returns true/false and counts per test).
local torch = torch
local Tester = torch.class('torch.Tester')

local NCOLS = 80

function Tester:__init()
   self.errors = {}
   self.tests = {}
   self.warnings = {}
   self._warningCount = {}
   self.disabledTests = {}
   self._currentTestName = ''
   self._assertTensorEqIgnoresDims = true
   self.earlyAbort = false
   self.rethrowErrors = false
   self.summaryOnly = false
   self.assertionPass = {}
   self.assertionFail = {}
   self.testError = {}
end

function Tester:setEarlyAbort(v) self.earlyAbort = v and true or false; return self end
function Tester:setRethrowErrors(v) self.rethrowErrors = v and true or false; return self end
function Tester:setSummaryOnly(v) self.summaryOnly = v and true or false; return self end

function Tester:_warning(msg)
   local name = self._currentTestName
   self.warnings[#self.warnings + 1] = (name ~= '' and (name .. ': ') or '') .. msg
end

-- record one assertion; a failure keeps the message and the calling location
function Tester:_assert_sub(condition, message)
   local name = self._currentTestName
   if condition then
      self.assertionPass[name] = (self.assertionPass[name] or 0) + 1
   else
      self.assertionFail[name] = (self.assertionFail[name] or 0) + 1
      local where, lvl = '?', 2
      while true do
         local info = debug.getinfo(lvl, 'Sl')
         if not info then break end
         if info.what ~= 'C' and not info.short_src:find('Tester%.lua$') and info.currentline > 0 then
            where = info.short_src .. ':' .. info.currentline
            break
         end
         lvl = lvl + 1
      end
      local err = string.format('%s\n%s\n  at %s', name, message or '', where)
      self.errors[#self.errors + 1] = err
      if self.earlyAbort then error({__testerEarlyAbort = true, msg = err}) end
   end
   return condition
end

local function checkExtra(fname, nexpected, ...)
   if select('#', ...) > nexpected then
      error(string.format("Unexpected arguments to %s: got %d, expected at most %d",
                          fname, select('#', ...), nexpected), 3)
   end
end

-- tolerance and message may come in either order
local function tolmsg(a, b, default)
   if type(a) == 'string' or (a == nil and type(b) == 'number') then return b or default, a end
   return a or default, b
end

function Tester:assert(condition, message, ...)
   checkExtra('assert', 0, ...)
   if type(condition) ~= 'boolean' then
      self:_warning(" assert should only be used for boolean conditions. To check for non-nil variables, do this explicitly: assert(var ~= nil).")
   end
   return self:_assert_sub(condition, string.format('%s\n%s  condition=%s', message or '', '', tostring(condition)))
end

local function cmpmsg(message, a, op, b)
   return string.format('%s\n  %s %s %s', message or '', tostring(a), op, tostring(b))
end
function Tester:assertlt(a, b, message, ...) checkExtra('assertlt', 0, ...); return self:_assert_sub(a < b, cmpmsg(message, a, '<', b)) end
function Tester:assertgt(a, b, message, ...) checkExtra('assertgt', 0, ...); return self:_assert_sub(a > b, cmpmsg(message, a, '>', b)) end
function Tester:assertle(a, b, message, ...) checkExtra('assertle', 0, ...); return self:_assert_sub(a <= b, cmpmsg(message, a, '<=', b)) end
function Tester:assertge(a, b, message, ...) checkExtra('assertge', 0, ...); return self:_assert_sub(a >= b, cmpmsg(message, a, '>=', b)) end
function Tester:asserteq(a, b, message, ...) checkExtra('asserteq', 0, ...); return self:_assert_sub(a == b, cmpmsg(message, a, '==', b)) end
function Tester:assertne(a, b, message, ...)
   checkExtra('assertne', 0, ...)
   if type(a) == type(b) and (type(a) == 'table' or type(a) == 'userdata' or type(a) == 'cdata') then
      self:_warning(' assertne should only be used to compare basic lua objects (numbers, booleans, etc). Consider using either assertTableNe or assertTensorNe instead.')
   end
   return self:_assert_sub(a ~= b, cmpmsg(message, a, '~=', b))
end
function Tester:assertalmosteq(a, b, tolerance, message, ...)
   checkExtra('assertalmosteq', 0, ...)
   tolerance, message = tolmsg(tolerance, message, 1e-16)
   local diff = math.abs(a - b)
   return self:_assert_sub(diff <= tolerance,
      string.format('%s\n  %s ~= %s (difference %s > tolerance %s)', message or '', tostring(a), tostring(b), tostring(diff), tostring(tolerance)))
end

-- max |a - b| over two tensors with the same number of elements (compared as doubles, in
-- row-major order; NaN anywhere but at the same place in both counts as infinitely far)
local ffi = require 'ffi'
local function maxabsdiff(ta, tb)
   local n = ta:nElement()
   if n == 0 then return 0 end
   local a = ta:double():contiguous()
   local b = tb:double():contiguous()
   local pa, pb = ffi.cast('double *', a:data()), ffi.cast('double *', b:data())
   local m = 0
   for i = 0, n - 1 do
      local x, y = pa[i], pb[i]
      if x ~= y then
         local d = math.abs(x - y)
         if d ~= d then d = math.huge end
         if d > m then m = d end
      end
   end
   return m
end

-- max |a - b| of two tensors of the same type, or nil and a reason
local function tensordiff(self, ta, tb, negate)
   if not torch.isTensor(ta) then return nil, 'first argument is not a tensor' end
   if not torch.isTensor(tb) then return nil, 'second argument is not a tensor' end
   if torch.typename(ta) ~= torch.typename(tb) then
      return nil, string.format('tensors have different types (%s vs %s)', torch.typename(ta), torch.typename(tb))
   end
   if ta:nElement() ~= tb:nElement() then
      return nil, string.format('tensors have different numbers of elements (%d vs %d)', ta:nElement(), tb:nElement())
   end
   if not ta:isSameSizeAs(tb) then
      if self._assertTensorEqIgnoresDims then
         self:_warning(' assertTensorEq(' .. (negate and 'Ne' or 'Eq') .. '): ignoring differences in dimensions (tensors have the same number of elements)')
      else
         return nil, 'tensors have different sizes'
      end
   end
   if ta:nElement() == 0 then return 0 end
   return maxabsdiff(ta, tb)
end

function Tester:assertTensorEq(ta, tb, tolerance, message, ...)
   checkExtra('assertTensorEq', 0, ...)
   tolerance, message = tolmsg(tolerance, message, 0)
   local d, why = tensordiff(self, ta, tb, false)
   if d == nil then return self:_assert_sub(false, string.format('%s\n  %s', message or '', why)) end
   return self:_assert_sub(d <= tolerance,
      string.format('%s\n  max difference %s > tolerance %s', message or '', tostring(d), tostring(tolerance)))
end
function Tester:assertTensorNe(ta, tb, tolerance, message, ...)
   checkExtra('assertTensorNe', 0, ...)
   tolerance, message = tolmsg(tolerance, message, 0)
   local d, why = tensordiff(self, ta, tb, true)
   if d == nil then return self:_assert_sub(true, message) end
   return self:_assert_sub(d > tolerance,
      string.format('%s\n  max difference %s <= tolerance %s', message or '', tostring(d), tostring(tolerance)))
end

-- deep comparison: returns true or false and the path of the first difference
local function deepeq(a, b, tol, path)
   if type(a) ~= type(b) then return false, path .. ': types differ (' .. type(a) .. ' vs ' .. type(b) .. ')' end
   if torch.isTensor(a) or torch.isStorage(a) then
      if torch.typename(a) ~= torch.typename(b) then return false, path .. ': types differ' end
      local ta = torch.isTensor(a) and a or torch.Tensor():typeAs(torch[torch.typename(a):match('torch%.(%w+)Storage') .. 'Tensor']()):set(a)
      local tb = torch.isTensor(b) and b or torch[torch.typename(b):match('torch%.(%w+)Storage') .. 'Tensor']():set(b)
      if ta:nElement() ~= tb:nElement() then return false, path .. ': sizes differ' end
      if ta:nElement() == 0 then return true end
      local d = maxabsdiff(ta, tb)
      if d > tol then return false, path .. ': max difference ' .. d end
      return true
   end
   if type(a) == 'number' then
      if math.abs(a - b) <= tol or a == b then return true end
      return false, path .. ': ' .. tostring(a) .. ' vs ' .. tostring(b)
   end
   if type(a) == 'table' then
      -- breadth-first: compare this level's keys before descending
      for k in pairs(a) do if b[k] == nil then return false, path .. '.' .. tostring(k) .. ': missing in second' end end
      for k in pairs(b) do if a[k] == nil then return false, path .. '.' .. tostring(k) .. ': missing in first' end end
      for k, v in pairs(a) do
         if type(v) ~= 'table' then
            local ok, where = deepeq(v, b[k], tol, path .. '.' .. tostring(k))
            if not ok then return false, where end
         end
      end
      for k, v in pairs(a) do
         if type(v) == 'table' then
            local ok, where = deepeq(v, b[k], tol, path .. '.' .. tostring(k))
            if not ok then return false, where end
         end
      end
      return true
   end
   if a == b then return true end
   return false, path .. ': ' .. tostring(a) .. ' vs ' .. tostring(b)
end

function Tester:assertGeneralEq(got, expected, tolerance, message, ...)
   checkExtra('assertGeneralEq', 0, ...)
   tolerance, message = tolmsg(tolerance, message, 0)
   local ok, where = deepeq(got, expected, tolerance, 'val')
   return self:_assert_sub(ok, string.format('%s\n  %s', message or '', where or ''))
end
function Tester:assertGeneralNe(got, expected, tolerance, message, ...)
   checkExtra('assertGeneralNe', 0, ...)
   tolerance, message = tolmsg(tolerance, message, 0)
   local ok = deepeq(got, expected, tolerance, 'val')
   return self:_assert_sub(not ok, string.format('%s\n  values are equal', message or ''))
end
Tester.eq = Tester.assertGeneralEq
Tester.ne = Tester.assertGeneralNe

function Tester:assertTableEq(ta, tb, tolerance, message, ...)
   checkExtra('assertTableEq', 0, ...)
   tolerance, message = tolmsg(tolerance, message, 0)
   if type(ta) ~= 'table' or type(tb) ~= 'table' then
      return self:_assert_sub(false, string.format('%s\n  assertTableEq: both arguments must be tables', message or ''))
   end
   local ok, where = deepeq(ta, tb, tolerance, 'tbl')
   return self:_assert_sub(ok, string.format('%s\n  %s', message or '', where or ''))
end
function Tester:assertTableNe(ta, tb, tolerance, message, ...)
   checkExtra('assertTableNe', 0, ...)
   tolerance, message = tolmsg(tolerance, message, 0)
   if type(ta) ~= 'table' or type(tb) ~= 'table' then
      return self:_assert_sub(false, string.format('%s\n  assertTableNe: both arguments must be tables', message or ''))
   end
   local ok = deepeq(ta, tb, tolerance, 'tbl')
   return self:_assert_sub(not ok, string.format('%s\n  tables are equal', message or ''))
end

function Tester:assertError(f, message, ...)
   checkExtra('assertError', 0, ...)
   local status, err = pcall(f)
   return self:_assert_sub(status == false, string.format('%s\n  function did not throw an error', message or ''))
end
function Tester:assertNoError(f, message, ...)
   checkExtra('assertNoError', 0, ...)
   local status, err = pcall(f)
   return self:_assert_sub(status == true, string.format('%s\n  function threw an error: %s', message or '', tostring(err)))
end
function Tester:assertErrorMsg(f, errmsg, message, ...)
   checkExtra('assertErrorMsg', 0, ...)
   local status, err = pcall(f)
   return self:_assert_sub(status == false and err == errmsg,
      string.format('%s\n  expected error %q, got %s', message or '', tostring(errmsg), status and 'no error' or string.format('%q', tostring(err))))
end
function Tester:assertErrorPattern(f, errPattern, message, ...)
   checkExtra('assertErrorPattern', 0, ...)
   local status, err = pcall(f)
   return self:_assert_sub(status == false and tostring(err):find(errPattern) ~= nil,
      string.format('%s\n  expected an error matching %q, got %s', message or '', tostring(errPattern), status and 'no error' or string.format('%q', tostring(err))))
end
function Tester:assertErrorObj(f, errcomp, message, ...)
   checkExtra('assertErrorObj', 0, ...)
   local status, err = pcall(f)
   return self:_assert_sub(status == false and errcomp(err) == true,
      string.format('%s\n  error object did not satisfy the predicate', message or ''))
end

-- ------------------------------------------------------------------ registration
function Tester:add(f, name)
   if type(f) == 'table' then
      assert(name == nil, 'Name parameter is forbidden for a table of tests, since its use is ambiguous')
      if f.__isTestSuite then
         f = f.__tests
      else
         self:_warning(' Should use TestSuite rather than plain lua table')
      end
      local names = {}
      for k in pairs(f) do names[#names + 1] = k end
      table.sort(names, function(a, b) return tostring(a) < tostring(b) end)
      for _, k in ipairs(names) do self:add(f[k], k) end
      return self
   end
   assert(type(f) == 'function', 'Only tables of functions and functions supported')
   assert(type(name) == 'string', 'Name must be a string')
   if name == '_setUp' then
      assert(not self._setUp, 'Only one set-up function allowed')
      self._setUp = f
   elseif name == '_tearDown' then
      assert(not self._tearDown, 'Only one tear-down function allowed')
      self._tearDown = f
   else
      for _, t in ipairs(self.tests) do
         if t.name == name then error('Test with name ' .. name .. ' already exists!', 2) end
      end
      self.tests[#self.tests + 1] = {name = name, f = f}
   end
   return self
end

function Tester:disable(testNames)
   if type(testNames) == 'string' then testNames = {testNames} end
   assert(type(testNames) == 'table', 'Expecting name or list for disable')
   for _, name in ipairs(testNames) do
      local found = false
      for _, t in ipairs(self.tests) do if t.name == name then found = true end end
      assert(found, 'Cannot disable test, does not exist: ' .. name)
      self.disabledTests[name] = true
   end
   return self
end

-- run one test; returns 'pass' | 'fail' | 'error' and the error text
function Tester:_runTest(name, f)
   self._currentTestName = name
   self.assertionPass[name] = 0
   self.assertionFail[name] = 0
   local nerr = #self.errors
   local function handler(e)
      if type(e) == 'table' and e.__testerEarlyAbort then return e end
      return debug.traceback(tostring(e), 2)
   end
   local ok, err = true, nil
   if self._setUp then ok, err = xpcall(function() self._setUp(name) end, handler) end
   if ok then ok, err = xpcall(f, handler) end
   if self._tearDown then
      local ok2, err2 = xpcall(function() self._tearDown(name) end, handler)
      if ok and not ok2 then ok, err = ok2, err2 end
   end
   self._currentTestName = ''
   if not ok then
      if type(err) == 'table' and err.__testerEarlyAbort then return 'fail', err.msg end
      self.testError[name] = err
      self.errors[#self.errors + 1] = name .. '\n  Function call failed\n' .. tostring(err)
      if self.rethrowErrors then error(err, 0) end
      return 'error', err
   end
   if #self.errors > nerr then
      return 'fail', table.concat(self.errors, '\n', nerr + 1)
   end
   return 'pass'
end

-- names: nil (all), a Lua pattern, or a list of patterns
function Tester:_selected(testNames)
   if type(testNames) == 'string' then testNames = {testNames} end
   local sel = {}
   for _, t in ipairs(self.tests) do
      local want = testNames == nil
      if testNames then
         for _, pat in ipairs(testNames) do
            if t.name == pat or t.name:find(pat) then want = true end
         end
      end
      if want then sel[#sel + 1] = t end
   end
   if testNames then
      for _, pat in ipairs(testNames) do
         local any = false
         for _, t in ipairs(self.tests) do if t.name == pat or t.name:find(pat) then any = true end end
         if not any then error('Could not find test ' .. pat, 3) end
      end
   end
   return sel
end

function Tester:run(testNames)
   if torch._testerCollect then           -- pytest collection: register, do not run
      table.insert(torch._testerCollect, self)
      return self
   end
   local tests = self:_selected(testNames)
   local ntests = #tests
   local nfail, nerr, nasserts, ndisabled = 0, 0, 0, 0
   self.errors = {}
   if not self.summaryOnly then io.write('Running ' .. ntests .. ' test' .. (ntests == 1 and '' or 's') .. '\n') end
   for i, t in ipairs(tests) do
      local status
      if self.disabledTests[t.name] then
         status = 'disabled'; ndisabled = ndisabled + 1
      else
         status = self:_runTest(t.name, t.f)
         nasserts = nasserts + (self.assertionPass[t.name] or 0) + (self.assertionFail[t.name] or 0)
         if status == 'fail' then nfail = nfail + 1 elseif status == 'error' then nerr = nerr + 1 end
      end
      if not self.summaryOnly then
         local head = string.format('%d/%d %s ', i, ntests, t.name)
         local tag = ({pass = '[PASS]', fail = '[FAIL]', error = '[ERROR]', disabled = '[DISABLED]'})[status]
         local dots = math.max(1, NCOLS - #head - #tag - 1)
         io.write(head .. string.rep('.', dots) .. ' ' .. tag .. '\n')
      end
      io.stdout:flush()
      if self.earlyAbort and (status == 'fail' or status == 'error') then break end
   end
   io.write(string.format('Completed %d assert%s in %d test%s with %d failure%s and %d error%s%s\n',
      nasserts, nasserts == 1 and '' or 's', ntests - ndisabled, (ntests - ndisabled) == 1 and '' or 's',
      nfail, nfail == 1 and '' or 's', nerr, nerr == 1 and '' or 's',
      ndisabled > 0 and (' (' .. ndisabled .. ' disabled)') or ''))
   if #self.errors > 0 then
      io.write(string.rep('-', NCOLS) .. '\n')
      for _, e in ipairs(self.errors) do io.write(e .. '\n' .. string.rep('-', NCOLS) .. '\n') end
   end
   if #self.warnings > 0 then
      local seen = {}
      for _, w in ipairs(self.warnings) do
         if not seen[w] then io.write('Warning: ' .. w .. '\n'); seen[w] = true end
      end
   end
   io.stdout:flush()
   if nfail > 0 or nerr > 0 then
      error('An error was found while running tests!', 2)
   end
   return self
end

return Tester
