"""The nn module classes."""
from .activation import (ELU, GELU, SELU, Hardtanh, LeakyReLU, LogSoftmax, PReLU, ReLU, ReLU6, Sigmoid, SiLU,
                         Softmax, Softplus, Tanh)
from .container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose2d, ConvTranspose3d
from .dropout import Dropout, Dropout2d
from .flatten import Flatten, Identity, Unflatten
from .linear import Bilinear, Linear
from .loss import (BCELoss, BCEWithLogitsLoss, CosineEmbeddingLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss,
                   MarginRankingLoss, MSELoss, NLLLoss, SmoothL1Loss, TripletMarginLoss)
from .module import Module
from .normalization import BatchNorm1d, BatchNorm2d, BatchNorm3d, GroupNorm, LayerNorm, LocalResponseNorm
from .pooling import (AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool2d, AvgPool3d, MaxPool1d, MaxPool2d, MaxPool3d,
                      MaxUnpool3d)
from .rnn import GRU, LSTM, RNN, RNNBase
from .sparse import Embedding, EmbeddingBag
from .upsampling import ReplicationPad3d, Upsample, ZeroPad2d

__all__ = ["Module", "Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict", "Identity",
           "Flatten", "Unflatten",
           "Linear", "Bilinear", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose2d", "ConvTranspose3d", "MaxPool1d", "MaxPool2d",
           "AvgPool2d", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d",
           "LayerNorm",
           "LocalResponseNorm",
           "GroupNorm", "Dropout", "Dropout2d", "Embedding", "EmbeddingBag", "RNNBase", "RNN", "LSTM", "GRU",
           "ReLU", "ReLU6", "LeakyReLU", "PReLU", "ELU", "SELU", "GELU", "SiLU", "Tanh", "Sigmoid", "Softplus",
           "Softmax", "LogSoftmax", "Hardtanh", "Upsample", "ZeroPad2d",
           "MaxPool3d", "AvgPool3d", "MaxUnpool3d", "ReplicationPad3d",
           "L1Loss", "MSELoss", "SmoothL1Loss", "HuberLoss", "BCELoss", "BCEWithLogitsLoss", "KLDivLoss", "NLLLoss",
           "CrossEntropyLoss", "MarginRankingLoss", "CosineEmbeddingLoss", "TripletMarginLoss"]
