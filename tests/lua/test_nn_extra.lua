-- Entry point for pytest collection: nn.test's suite lua/nn/test/extra.lua (it ships with lua/nn).
require 'nn'
dofile(assert(package.searchpath('nn.test.extra', package.path)))
