-- Entry point for pytest collection: nn.test's suite lua/nn/test/modules.lua (it ships with lua/nn).
require 'nn'
dofile(assert(package.searchpath('nn.test.modules', package.path)))
