--[[ optim.Logger(filename [, timestamp]): a tab-separated log of named values.
Without a file name it logs to stdout. setNames{...} or add{name = value} (the first add writes
the header row); numbers are written as %11.4e, strings as they are. style{name = '-'},
setlogscale, display and plot (needs gnuplot; without it plot() prints a notice once). ]]
local Logger = torch.class('optim.Logger')

local function dirname(p)
   return p:match('^(.*)/[^/]*$')
end

function Logger:__init(filename, timestamp)
   if filename then
      if type(filename) ~= 'string' then
         error("optim.Logger: argument #1 (filename) must be a string, got " .. type(filename), 2)
      end
      self.name = filename
      local dir = dirname(filename)
      if dir and dir ~= '' then
         if paths and paths.mkdir then
            if not paths.dirp(dir) then os.execute('mkdir -p "' .. dir .. '"') end
         else
            os.execute('mkdir -p "' .. dir .. '"')
         end
      end
      if timestamp then
         filename = filename .. '-' .. os.date("%Y_%m_%d_%X")
      end
      local f, err = io.open(filename, 'w')
      if not f then
         error("optim.Logger: cannot open log file '" .. filename .. "' for writing: " .. tostring(err), 2)
      end
      self.file = f
      self.epsfile = self.name .. '.eps'
   else
      self.file = io.stdout
      self.name = 'stdout'
      print('<Logger> warning: no path provided, logging to std out')
   end
   self.empty = true
   self.symbols = {}
   self.styles = {}
   self.names = {}
   self.idx = {}
   self.figure = nil
   self.showPlot = true
   self.plotRawCmd = nil
   self.defaultStyle = '+'
   self.logscale = false
end

function Logger:setNames(names)
   if type(names) ~= 'table' then
      error("optim.Logger.setNames: argument #1 (names) must be a table of strings", 2)
   end
   self.names = names
   self.empty = false
   self.nsymbols = #names
   for k, key in ipairs(names) do
      self.file:write(key .. '\t')
      self.symbols[k] = {}
      self.styles[k] = {self.defaultStyle}
      self.idx[key] = k
   end
   self.file:write('\n')
   self.file:flush()
   return self
end

local function fmt(val)
   if type(val) == 'number' then
      return string.format('%11.4e', val)
   elseif type(val) == 'string' then
      return val
   end
   error("optim.Logger.add: can only log numbers and strings, got " .. type(val), 3)
end

function Logger:add(symbols)
   if type(symbols) ~= 'table' then
      error("optim.Logger.add: argument #1 (symbols) must be a table", 2)
   end
   for _, val in pairs(symbols) do fmt(val) end      -- refuse bad values before writing
   if self.empty then
      -- first row: the header (keys in sorted order; later rows follow it)
      self.empty = false
      local keys = {}
      for k in pairs(symbols) do keys[#keys + 1] = k end
      table.sort(keys, function(a, b)
         if type(a) == type(b) then return a < b end
         return type(a) == 'number'
      end)
      self.nsymbols = #keys
      for i, k in ipairs(keys) do
         self.file:write(tostring(k) .. '\t')
         self.symbols[k] = {}
         self.styles[k] = {self.defaultStyle}
         self.names[i] = k
         self.idx[k] = k
      end
      self.file:write('\n')
   end
   -- setNames keys symbols by column index; a named first add keys them by name
   for i, name in ipairs(self.names) do
      local key = self.symbols[name] and name or i
      local val = symbols[name]
      if val == nil then val = symbols[i] end
      if val ~= nil then
         self.file:write(fmt(val) .. '\t')
         self.symbols[key] = self.symbols[key] or {}
         table.insert(self.symbols[key], val)
      end
   end
   self.file:write('\n')
   self.file:flush()
   return self
end

function Logger:style(symbols)
   for name, style in pairs(symbols) do
      local key = self.idx[name] or name
      if type(style) == 'string' then
         self.styles[key] = {style}
      elseif type(style) == 'table' then
         self.styles[key] = style
      else
         error("optim.Logger.style: style should be a string or a table of strings", 2)
      end
   end
   return self
end

function Logger:setlogscale(state)
   self.logscale = state
   return self
end

function Logger:display(state)
   self.showPlot = state
   return self
end

function Logger:plot(...)
   local ok, gnuplot = pcall(require, 'gnuplot')
   if not ok or type(gnuplot) ~= 'table' then
      if not self.warned then
         print('<Logger> warning: cannot plot: gnuplot is not available')
         self.warned = true
      end
      return self
   end
   local plotit = false
   local plots = {}
   local plotsymbol = function(name, list)
      if #list > 1 then
         local nelts = #list
         local plot_y = torch.Tensor(nelts)
         for i = 1, nelts do plot_y[i] = list[i] end
         for _, style in ipairs(self.styles[name]) do
            table.insert(plots, {self.names[name] or tostring(name), plot_y, style})
         end
         plotit = true
      end
   end
   local args = {...}
   if not args[1] then
      for name, list in pairs(self.symbols) do plotsymbol(name, list) end
   else
      for _, name in ipairs(args) do
         local key = self.idx[name] or name
         if self.symbols[key] then plotsymbol(key, self.symbols[key]) end
      end
   end
   if plotit then
      if self.showPlot then
         self.figure = gnuplot.figure(self.figure)
         if self.logscale then gnuplot.logscale('on') end
         gnuplot.plot(plots)
         if self.plotRawCmd then gnuplot.raw(self.plotRawCmd) end
         gnuplot.grid('on')
         gnuplot.title('<Logger::' .. self.name .. '>')
      end
      if self.epsfile then
         os.execute('rm -f "' .. self.epsfile .. '"')
         local epsfig = gnuplot.epsfigure(self.epsfile)
         if self.logscale then gnuplot.logscale('on') end
         gnuplot.plot(plots)
         if self.plotRawCmd then gnuplot.raw(self.plotRawCmd) end
         gnuplot.grid('on')
         gnuplot.title('<Logger::' .. self.name .. '>')
         gnuplot.plotflush()
         gnuplot.close(epsfig)
      end
   end
   return self
end

-- Closes the log file (Torch7 relied on the collector for this).
function Logger:close()
   if self.file and self.file ~= io.stdout then
      self.file:close()
      self.file = nil
   end
end
