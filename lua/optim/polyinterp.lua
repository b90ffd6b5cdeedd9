--[[ Minimum of the polynomial interpolating points (Torch7 optim.polyinterp, from minFunc).
ARGS: points (an n x 3 tensor of rows {x, f(x), f'(x)}), optional xmin/xmax bounds.
RETURN: the minimiser's position (and the polynomial's value there in the general case). ]]

-- Solves the square system A p = b by Gaussian elimination with partial pivoting (Lua
-- numbers; the systems here are at most a few rows).
local function solve(A, b)
   local n = #b
   for c = 1, n do
      local piv, best = c, math.abs(A[c][c])
      for r = c + 1, n do
         if math.abs(A[r][c]) > best then piv, best = r, math.abs(A[r][c]) end
      end
      A[c], A[piv] = A[piv], A[c]
      b[c], b[piv] = b[piv], b[c]
      local a = A[c][c]
      if a ~= 0 then
         for r = c + 1, n do
            local fct = A[r][c] / a
            if fct ~= 0 then
               for k = c, n do A[r][k] = A[r][k] - fct * A[c][k] end
               b[r] = b[r] - fct * b[c]
            end
         end
      end
   end
   local p = {}
   for r = n, 1, -1 do
      local s = b[r]
      for k = r + 1, n do s = s - A[r][k] * p[k] end
      p[r] = A[r][r] ~= 0 and s / A[r][r] or 0
   end
   return p
end

-- Value of the polynomial with coefficients p (highest degree first) at x.
local function polyval(p, x)
   local v = 0
   for i = 1, #p do v = v * x + p[i] end
   return v
end

-- Real roots of the polynomial p (highest degree first): closed form up to degree 2,
-- eigenvalues of the companion matrix beyond.
local function realroots(p)
   local q = {}
   local started = false
   for i = 1, #p do
      if started or math.abs(p[i]) > 1e-12 then started = true; q[#q + 1] = p[i] end
   end
   local n = #q - 1
   local out = {}
   if n < 1 then return out end
   if n == 1 then
      out[1] = -q[2] / q[1]
   elseif n == 2 then
      local a, b, c = q[1], q[2], q[3]
      local disc = b * b - 4 * a * c
      if disc >= 0 then
         local s = math.sqrt(disc)
         out[1] = (-b + s) / (2 * a)
         out[2] = (-b - s) / (2 * a)
      end
   else
      local C = torch.zeros(n, n)
      for j = 1, n do C[1][j] = -q[j + 1] / q[1] end
      for i = 2, n do C[i][i - 1] = 1 end
      local e = torch.eig(C)
      for i = 1, n do
         if math.abs(e[i][2]) < 1e-12 then out[#out + 1] = e[i][1] end
      end
   end
   return out
end

function optim.polyinterp(points, xminBound, xmaxBound)
   if not torch.isTensor(points) or points:dim() ~= 2 or points:size(2) ~= 3 then
      error("optim.polyinterp: argument #1 (points) must be an n x 3 tensor of {x, f, g} rows", 2)
   end
   local nPoints = points:size(1)
   local order = nPoints * 2 - 1

   -- the common case: cubic through 2 points with values and derivatives, no bounds
   if nPoints == 2 and order == 3 and not xminBound and not xmaxBound then
      local minPos = points[1][1] <= points[2][1] and 1 or 2
      local notMinPos = 3 - minPos
      local x1, f1, g1 = points[minPos][1], points[minPos][2], points[minPos][3]
      local x2, f2, g2 = points[notMinPos][1], points[notMinPos][2], points[notMinPos][3]
      local d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
      local d2 = d1 * d1 - g1 * g2
      if d2 >= 0 then
         d2 = math.sqrt(d2)
         local t = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
         return math.min(math.max(t, x1), x2)
      else
         return (x1 + x2) / 2
      end
   end

   -- general case: fit the Hermite polynomial and test its critical points and the bounds
   local xmin, xmax = math.huge, -math.huge
   for i = 1, nPoints do
      xmin = math.min(xmin, points[i][1]); xmax = math.max(xmax, points[i][1])
   end
   xminBound = xminBound or xmin
   xmaxBound = xmaxBound or xmax

   local A, b = {}, {}
   for i = 1, nPoints do
      local xi = points[i][1]
      local row = {}
      for j = order, 0, -1 do row[order - j + 1] = xi ^ j end
      A[#A + 1] = row; b[#b + 1] = points[i][2]
   end
   for i = 1, nPoints do
      local xi = points[i][1]
      local row = {}
      for j = 1, order do row[j] = (order - j + 1) * xi ^ (order - j) end
      row[order + 1] = 0
      A[#A + 1] = row; b[#b + 1] = points[i][3]
   end
   local params = solve(A, b)
   for i = 1, #params do if math.abs(params[i]) <= 1e-12 then params[i] = 0 end end

   local dParams = {}
   for i = 1, #params - 1 do dParams[i] = params[i] * (order - i + 1) end
   local nans = false
   for i = 1, #dParams do
      if dParams[i] ~= dParams[i] or math.abs(dParams[i]) == math.huge then nans = true end
   end

   local cp = {xminBound, xmaxBound}
   for i = 1, nPoints do cp[#cp + 1] = points[i][1] end
   if not nans then
      for _, r in ipairs(realroots(dParams)) do cp[#cp + 1] = r end
   end

   local fmin = math.huge
   local minPos = (xminBound + xmaxBound) / 2
   for _, x in ipairs(cp) do
      if x >= xminBound and x <= xmaxBound then
         local fx = polyval(params, x)
         if fx < fmin then minPos, fmin = x, fx end
      end
   end
   return minPos, fmin
end
