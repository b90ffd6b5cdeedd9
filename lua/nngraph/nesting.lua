-- Operations on nested tables of tensors (gradients of table-valued nodes).
local nesting = {}
nngraph.nesting = nesting

local function istable(x)
   return type(x) == 'table' and not torch.typename(x)
end

function nesting.cloneNested(obj)
   if istable(obj) then
      local r = {}
      for k, v in pairs(obj) do r[k] = nesting.cloneNested(v) end
      return r
   end
   return obj:clone()
end

function nesting.resizeNestedAs(output, input)
   if istable(input) then
      for k, v in pairs(input) do
         if output[k] == nil then output[k] = nesting.cloneNested(v) end
         nesting.resizeNestedAs(output[k], v)
      end
      for k in pairs(output) do
         if input[k] == nil then output[k] = nil end
      end
   else
      output:resizeAs(input)
   end
end

function nesting.copyNested(output, input)
   if istable(input) then
      for k, v in pairs(input) do nesting.copyNested(output[k], v) end
   else
      output:copy(input)
   end
end

function nesting.addNestedTo(output, input)
   if istable(input) then
      for k, v in pairs(input) do nesting.addNestedTo(output[k], v) end
   else
      output:add(input)
   end
end

function nesting.fillNested(output, value)
   if istable(output) then
      for _, v in pairs(output) do nesting.fillNested(v, value) end
   else
      output:fill(value)
   end
end

return nesting
