-- torch.TestSuite(): a table that only accepts new test functions.
local torch = torch
function torch.TestSuite()
   local obj = {__tests = {}, __isTestSuite = true}
   local mt = {}
   function mt:__index(key) return self.__tests[key] end
   function mt:__newindex(key, value)
      if self.__tests[key] ~= nil then
         error('Test ' .. tostring(key) .. ' is already defined.', 2)
      end
      if type(value) ~= 'function' then
         if type(value) == 'table' then
            error('Nested tables of tests are not supported', 2)
         else
            error('Only functions are supported as members of a TestSuite', 2)
         end
      end
      self.__tests[key] = value
   end
   return setmetatable(obj, mt)
end
return torch.TestSuite
