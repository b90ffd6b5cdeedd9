-- torch.class, Timer, CmdLine, Tester/TestSuite, File/DiskFile/MemoryFile and the
-- paths/sys/xlua companions.
require 'torch'
local tester = torch.Tester()
local tests = torch.TestSuite()

function tests.class_system()
   local Animal = torch.class('testpkg.Animal')
   function Animal:__init(name) self.name = name end
   function Animal:speak() return 'generic ' .. self.name end
   local Dog, parent = torch.class('testpkg.Dog', 'testpkg.Animal')
   tester:asserteq(parent, torch.getmetatable('testpkg.Animal'))
   function Dog:__init(name) parent.__init(self, name); self.dog = true end
   function Dog:speak() return 'woof ' .. self.name end
   local d = testpkg.Dog('rex')
   tester:asserteq(d:speak(), 'woof rex')
   tester:asserteq(parent.speak(d), 'generic rex')
   tester:asserteq(torch.typename(d), 'testpkg.Dog')
   tester:assert(torch.isTypeOf(d, 'testpkg.Animal'))
   tester:assert(torch.isTypeOf(d, testpkg.Animal))
   tester:assert(torch.isTypeOf(d, 'testpkg.D.*'))
   tester:assert(not torch.isTypeOf(d, 'Dog'))
   tester:assert(not torch.isTypeOf(testpkg.Animal('a'), 'testpkg.Dog'))
   tester:asserteq(torch.type(d), 'testpkg.Dog')
   local m = {}
   local Cat = torch.class('Cat', m)
   tester:assert(m.Cat ~= nil)
   tester:asserteq(torch.typename(m.Cat()), 'Cat')
   local f = torch.factory('testpkg.Dog')()
   tester:asserteq(torch.typename(f), 'testpkg.Dog')
   tester:asserteq(f.dog, nil)
   tester:asserteq(tostring(d), 'testpkg.Dog')
   function Dog:__tostring__() return 'Dog(' .. self.name .. ')' end
   tester:asserteq(tostring(d), 'Dog(rex)')
   tester:asserteq(torch.getconstructortable('testpkg.Dog'), testpkg.Dog)
   tester:assertError(function() torch.class('testpkg.Bad', 'no.such.Parent') end)
end

function tests.timer()
   local t = torch.Timer()
   local x = 0
   for i = 1, 1e5 do x = x + i end
   local a = t:time()
   tester:assert(a.real >= 0 and a.user >= 0 and a.sys >= 0)
   t:stop()
   local s1 = t:time().real
   local s2 = t:time().real
   tester:asserteq(s1, s2)
   tester:asserteq(tostring(t), 'torch.Timer [status: stopped]')
   t:resume()
   tester:asserteq(tostring(t), 'torch.Timer [status: running]')
   t:reset()
   tester:assertlt(t:time().real, 1)
   local t0 = torch.tic()
   tester:assert(t0 > 1e9)
   local dt = torch.toc(t0)
   tester:assert(dt >= 0 and dt < 5)
end

function tests.cmdline()
   local cmd = torch.CmdLine()
   cmd:text('Options')
   cmd:option('-lr', 0.1, 'learning rate')
   cmd:option('-name', 'net', 'name')
   cmd:option('-gpu', false, 'use the gpu')
   cmd:argument('-data', 'data file')
   local p = cmd:parse({'d.t7', '-lr', '0.5', '-gpu'})
   tester:asserteq(p.lr, 0.5)
   tester:asserteq(p.gpu, true)
   tester:asserteq(p.name, 'net')
   tester:asserteq(p.data, 'd.t7')
   local def = cmd:default()
   tester:asserteq(def.lr, 0.1)
   tester:assertErrorPattern(function() cmd:option('-x', nil, 'h') end, 'no default')
   tester:assertErrorPattern(function() cmd:option('-y', 1, 'h', 'string') end, 'wrong default type')
   local oldprint = print
   print = function() end
   local s = cmd:string('exp', p, {})
   print = oldprint
   tester:asserteq(s, 'exp,data=d.t7,gpu=t,lr=0.5')
   cmd:addTime('run', '%Y')
   tester:asserteq(cmd.dateformat, '%Y[run]: ')
   cmd:silent()
   tester:assert(cmd.silentio)
   -- log(): print goes to the log file too (and, silenced, not to stdout)
   local name = os.tmpname()
   local oldprint = print
   cmd:log(name, {lr = 0.5})
   print('hello', 42)
   print = oldprint
   local f = io.open(name)
   local text = f:read('*a')
   f:close()
   os.remove(name)
   tester:assert(text:find('%[program started on') ~= nil)
   tester:assert(text:find('lr 0.5') ~= nil)
   tester:assert(text:find('hello 42') ~= nil)
   -- help lists options with their defaults
   local out = {}
   local saved = io.write
   io.write = function(...) for _, x in ipairs{...} do out[#out + 1] = x end end
   cmd:help({[0] = 'prog'})
   io.write = saved
   local help = table.concat(out)
   tester:assert(help:find('Usage: prog %[options%] <data>') ~= nil)
   tester:assert(help:find('%-lr%s+learning rate %[0.1%]') ~= nil)
end

function tests.tester_asserts()
   local inner = torch.Tester()
   local saved = io.write
   io.write = function() end
   local suite = torch.TestSuite()
   local results = {}
   function suite.t1()
      results[#results + 1] = inner:assert(true)
      results[#results + 1] = inner:assertlt(1, 2) and inner:assertgt(2, 1) and inner:assertle(1, 1) and inner:assertge(1, 1)
      results[#results + 1] = inner:asserteq(1, 1) and inner:assertne(1, 2)
      results[#results + 1] = inner:assertalmosteq(1, 1 + 1e-10, 1e-9)
      results[#results + 1] = inner:assertTensorEq(torch.Tensor{1, 2}, torch.Tensor{1, 2 + 1e-9}, 1e-8)
      results[#results + 1] = inner:assertTensorNe(torch.Tensor{1, 2}, torch.Tensor{1, 3})
      results[#results + 1] = inner:assertTableEq({1, {a = 2}}, {1, {a = 2}})
      results[#results + 1] = inner:assertTableNe({1}, {2})
      results[#results + 1] = inner:eq({x = torch.Tensor{1}}, {x = torch.Tensor{1}})
      results[#results + 1] = inner:ne(1, 2)
      results[#results + 1] = inner:assertError(function() error('x') end)
      results[#results + 1] = inner:assertNoError(function() end)
      results[#results + 1] = inner:assertErrorMsg(function() error('exact', 0) end, 'exact')
      results[#results + 1] = inner:assertErrorPattern(function() error('abc123') end, 'c1')
      results[#results + 1] = inner:assertErrorObj(function() error({code = 3}) end, function(e) return e.code == 3 end)
   end
   function suite.t2()
      results[#results + 1] = not inner:asserteq(1, 2)
      results[#results + 1] = not inner:assertTensorEq(torch.Tensor{1}, torch.Tensor{2})
      results[#results + 1] = not inner:assertTensorEq(torch.Tensor{1}, torch.FloatTensor{1})
      results[#results + 1] = not inner:assertError(function() end)
   end
   inner:add(suite)
   local ok, err = pcall(function() inner:run() end)
   io.write = saved
   tester:assert(not ok, 'run raises when a test failed')
   tester:assertErrorPattern(function() error(err, 0) end, 'An error was found while running tests')
   for i, r in ipairs(results) do tester:assert(r == true, 'inner assertion ' .. i) end
   tester:asserteq(#results, 19)
   tester:asserteq(inner.assertionPass.t1, 19)
   tester:asserteq(inner.assertionFail.t2, 4)
   tester:assertErrorPattern(function() inner:asserteq(1, 1, 'msg', 'extra') end, 'Unexpected arguments')
   local ts = torch.TestSuite()
   ts.a = function() end
   tester:assertErrorPattern(function() ts.a = function() end end, 'Test a is already defined')
   tester:assertErrorPattern(function() ts.b = {} end, 'Nested tables')
   local dup = torch.Tester()
   dup:add(function() end, 'x')
   tester:assertErrorPattern(function() dup:add(function() end, 'x') end, 'already exists')
end

function tests.files_binary_and_ascii()
   for _, mode in ipairs{'binary', 'ascii'} do
      local f = torch.MemoryFile()
      f[mode](f)
      tester:asserteq(f:isBinary(), mode == 'binary')
      f:writeInt(42); f:writeDouble(3.25); f:writeLong(torch.LongStorage{1, 2, 3})
      f:writeString('hi\n'); f:writeFloat(0.5); f:writeBool(true); f:writeByte(65)
      f:writeShort(-7); f:writeChar(torch.CharStorage():string('xy'))
      f:seek(1)
      tester:asserteq(f:readInt(), 42)
      tester:asserteq(f:readDouble(), 3.25)
      tester:assertTableEq(f:readLong(3):totable(), {1, 2, 3})
      tester:asserteq(f:readString('*l'), 'hi')
      tester:asserteq(f:readFloat(), 0.5)
      tester:asserteq(f:readBool(), true)
      tester:asserteq(f:readByte(), 65)
      tester:asserteq(f:readShort(), -7)
      tester:asserteq(f:readChar(2):string(), 'xy')
      tester:assertErrorPattern(function() f:readInt() end, 'read error')
      f:quiet()
      f:readInt()
      tester:assert(f:hasError())
      f:clearError()
      tester:assert(not f:hasError())
      tester:asserteq(torch.typename(f:storage()), 'torch.CharStorage')
   end
   local name = os.tmpname()
   local w = torch.DiskFile(name, 'w'):binary()
   w:writeDouble(torch.DoubleStorage{1.5, 2.5}); w:writeLong(7)
   tester:asserteq(w:position(), 25)
   w:close()
   local r = torch.DiskFile(name, 'r'):binary()
   tester:assertTableEq(r:readDouble(2):totable(), {1.5, 2.5})
   tester:asserteq(r:readLong(), 7)
   r:seek(9)
   tester:asserteq(r:readDouble(), 2.5)
   r:close()
   tester:assertErrorPattern(function() r:readDouble() end, 'closed')
   local a = torch.DiskFile(name, 'w')
   a:writeDouble(torch.DoubleStorage{0.1, 1e300})
   a:close()
   local rd = torch.DiskFile(name, 'r')
   tester:asserteq(rd:readString('*a'), '0.10000000000000001 1.0000000000000001e+300\n')
   rd:close()
   local l4 = torch.DiskFile(name, 'w'):binary():longSize(4)
   l4:writeLong(5); l4:close()
   local rl = torch.DiskFile(name, 'r'):binary():longSize(4)
   tester:asserteq(rl:readLong(), 5)
   tester:asserteq(rl:position(), 5)
   rl:close()
   local be = torch.DiskFile(name, 'w'):binary():bigEndianEncoding()
   be:writeInt(1); be:close()
   local raw = torch.DiskFile(name, 'r'):binary()
   tester:assertTableEq(raw:readByte(4):totable(), {0, 0, 0, 1})
   raw:close()
   os.remove(name)
   tester:assertErrorPattern(function() torch.DiskFile('/nonexistent/x', 'r') end, 'cannot open')
   tester:assertErrorPattern(function() torch.MemoryFile('q') end, 'invalid mode')
   local pipe = torch.PipeFile('echo 5 6', 'r')
   tester:asserteq(pipe:readInt(), 5)
   tester:asserteq(pipe:readInt(), 6)
   pipe:close()
   local ro = torch.MemoryFile(torch.CharStorage():string('12 34\0'), 'r')
   tester:asserteq(ro:readInt(), 12)
   tester:assertErrorPattern(function() ro:writeInt(1) end, 'read%-only')
end

function tests.companions()
   local paths = require 'paths'
   local sys = require 'sys'
   local xlua = require 'xlua'
   tester:assert(paths.dirp('/tmp'))
   tester:assert(not paths.filep('/tmp'))
   tester:asserteq(paths.concat('/a', 'b', 'c'), '/a/b/c')
   tester:asserteq(paths.dirname('/a/b/c.lua'), '/a/b')
   tester:asserteq(paths.basename('/a/b/c.lua'), 'c.lua')
   tester:asserteq(paths.basename('/a/b/c.lua', 'lua'), 'c')
   tester:asserteq(paths.home(), os.getenv('HOME'))
   tester:assert(paths.dirp(paths.cwd()))
   local dir = os.tmpname()
   os.remove(dir)
   tester:assert(paths.mkdir(dir))
   tester:assert(paths.dirp(dir))
   local f = io.open(paths.concat(dir, 'x.txt'), 'w'); f:write('x'); f:close()
   local found = {}
   for name in paths.files(dir) do found[name] = true end
   tester:assert(found['x.txt'])
   tester:assertTableEq(paths.dir(dir), {'.', '..', 'x.txt'})
   os.remove(paths.concat(dir, 'x.txt'))
   tester:assert(paths.rmdir(dir))
   tester:assert(type(paths.tmpname()) == 'string')
   local t0 = sys.clock()
   sys.tic()
   tester:assert(sys.toc() >= 0)
   tester:assert(sys.clock() >= t0)
   tester:asserteq(sys.execute('echo hello'), 'hello')
   tester:asserteq(sys.COLORS.red, '\27[0;31m')
   tester:asserteq(xlua.require('no_such_module_xyz'), nil)
   tester:asserteq(xlua.require('paths'), paths)
   local saved = io.write
   local out = {}
   io.write = function(...) for _, s in ipairs{...} do out[#out + 1] = s end end
   xlua.progress(5, 10)
   xlua.progress(10, 10)
   io.write = saved
   local s = table.concat(out)
   tester:assert(s:find('10/10') ~= nil)
   tester:assert(s:find('%[') ~= nil)
end

function tests.utils()
   local n = torch.getnumthreads()
   tester:assertgt(n, 0)
   torch.setnumthreads(1)
   tester:asserteq(torch.getnumthreads(), 1)
   torch.setnumthreads(n)
   local dok = require 'dok'
   local a, b = dok.unpack({5}, 'f', 'usage', {arg = 'x', type = 'number'}, {arg = 'y', default = 7})
   tester:asserteq(a, 5)
   tester:asserteq(b, 7)
   local a2, b2 = require('xlua').unpack({{x = 1, y = 2}}, 'f', 'usage', {arg = 'x'}, {arg = 'y'})
   tester:asserteq(a2 + b2, 3)
   tester:assertErrorPattern(function() dok.unpack({}, 'f', 'usage', {arg = 'x', req = true}) end, 'missing argument: x')
   tester:assertErrorPattern(function() torch.setnumthreads(0) end, "bad argument #1 to 'setnumthreads'")
   tester:asserteq(torch.type({}), 'table')
   tester:assert(torch.pointer(torch.Tensor(1)) > 0)
   tester:assert(torch.pointer({}) > 0)
end

tester:add(tests)
tester:run()
