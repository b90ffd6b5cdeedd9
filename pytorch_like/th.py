"""The `th` command: Torch7's Lua interpreter (LuaJIT with the torch package loaded).

    th script.lua a b -lr 0.1      run a script; the global `arg` is set as Torch7 did
    th -e "print(torch.rand(2))"   run a statement
    th -l nn                       require a module first (repeatable)
    th                             interactive REPL (values are printed like trepl)
"""
import sys

USAGE = """Usage: th [options] [script.lua [arguments]]

Options:
  -e statement    execute statement
  -l name         require library name
  -i              enter the interactive REPL after running script/statements
  -h, --help      print this help
"""

_DRIVER = r"""
local mode, payload, scriptargs = ...
local function traceback(err)
   local msg = tostring(err)
   return debug.traceback(msg, 2)
end
local function report(ok, err)
   if not ok then
      io.stdout:flush()
      io.stderr:write(tostring(err), '\n')
      io.stderr:flush()
      return false
   end
   return true
end
if mode == 'require' then
   return report(xpcall(function()
      local m = require(payload)
      local short = payload:match('^[%w_]+$')
      if short and rawget(_G, short) == nil and m ~= nil then _G[short] = m end
   end, traceback))
elseif mode == 'exec' then
   local f, err = loadstring(payload, '=(command line)')
   if not f then return report(false, err) end
   return report(xpcall(f, traceback))
elseif mode == 'script' then
   local f, err = loadfile(payload)
   if not f then return report(false, err) end
   local n = scriptargs.n or #scriptargs
   return report(xpcall(function() return f(unpack(scriptargs, 1, n)) end, traceback))
end
"""

_REPL_STEP = r"""
local src = ...
local f, err = loadstring('return ' .. src, '=stdin')
if not f then
   f, err = loadstring(src, '=stdin')
   if not f then
      if err:match("<eof>") or err:match("'<eof>'") then return 'incomplete' end
      io.stderr:write(err, '\n'); io.stderr:flush()
      return 'error'
   end
end
local res = {xpcall(f, function(e) return debug.traceback(tostring(e), 2) end)}
if not res[1] then
   io.stdout:flush()
   io.stderr:write(tostring(res[2]), '\n'); io.stderr:flush()
   return 'error'
end
local n = table.maxn(res)
for i = 2, n do _trepl_print(res[i]) end
if n >= 2 then _G._ = res[2] end
io.stdout:flush()
return 'ok'
"""

_REPL_PRINT = r"""
function _trepl_print(v)
   local seen = {}
   local function fmt(x, indent)
      if type(x) == 'table' and not torch.typename(x) then
         if seen[x] then return tostring(x) end
         seen[x] = true
         local keys = {}
         for k in pairs(x) do keys[#keys + 1] = k end
         table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
         local lines = {'{'}
         for _, k in ipairs(keys) do
            local key = type(k) == 'number' and tostring(k) or k
            local val = x[k]
            local s
            if torch.isTensor(val) then
               s = torch.typename(val) .. ' - size: ' .. table.concat(val:size():totable(), 'x')
            else
               s = fmt(val, indent .. '  ')
            end
            lines[#lines + 1] = indent .. '  ' .. tostring(key) .. ' : ' .. s
         end
         lines[#lines + 1] = indent .. '}'
         return table.concat(lines, '\n')
      elseif type(x) == 'string' then
         return x
      end
      local s = tostring(x)
      return (s:gsub('\n$', ''))
   end
   print(fmt(v, ''))
end
"""


def _repl(session):
    rt = session.runtime
    rt.execute(_REPL_PRINT)
    step = rt.eval("function(...) " + _REPL_STEP + " end")
    buf = ""
    while True:
        try:
            line = input("th> " if not buf else ">> ")
        except EOFError:
            print()
            return 0
        except KeyboardInterrupt:
            print()
            buf = ""
            continue
        if not buf and line.strip() in ("exit", "os.exit()", "quit"):
            return 0
        buf = buf + "\n" + line if buf else line
        try:
            status = step(buf)
        except Exception as e:  # a Lua error escaping the protected call (should not happen)
            sys.stderr.write(str(e) + "\n")
            status = "error"
        if status != "incomplete":
            buf = ""


def main(argv=None):
    """Entry point of the `th` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    from .lua import LuaSession
    actions = []
    interactive = False
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("-h", "--help"):
            sys.stdout.write(USAGE)
            return 0
        if a == "-e" and i + 1 < len(argv):
            actions.append(("exec", argv[i + 1]))
            i += 2
            continue
        if a == "-l" and i + 1 < len(argv):
            actions.append(("require", argv[i + 1]))
            i += 2
            continue
        if a.startswith("-l") and len(a) > 2:
            actions.append(("require", a[2:]))
            i += 1
            continue
        if a == "-i":
            interactive = True
            i += 1
            continue
        break
    interp_opts = argv[:i]
    script = argv[i] if i < len(argv) else None
    script_args = argv[i + 1:] if script else []

    session = LuaSession()
    rt = session.runtime
    # the global `arg`: arg[0] the script, arg[1..] its arguments, arg[-1] 'th', and the
    # interpreter options before it at more negative indices
    arg = rt.table()
    arg[0] = script if script else "th"
    before = ["th"] + interp_opts
    for k, v in enumerate(reversed(before)):
        arg[-(k + 1)] = v
    for k, v in enumerate(script_args):
        arg[k + 1] = v
    rt.globals().arg = arg
    driver = rt.eval("function(...) " + _DRIVER + " end")
    for mode, payload in actions:
        if not driver(mode, payload, None):
            return 1
    if script:
        sargs = rt.table(*script_args)
        sargs["n"] = len(script_args)
        ok = driver("script", script, sargs)
        rt.execute("io.stdout:flush()")
        if not ok:
            return 1
    if interactive or (not script and not actions):
        return _repl(session)
    return 0


if __name__ == "__main__":
    sys.exit(main())
