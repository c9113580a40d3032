"""nnlib: a small, readable numpy neural-network library for teaching how networks learn.

Core API (batch-first arrays of shape (n_samples, n_features), float64 by default;
``Linear(..., dtype=np.float32)`` builds float32 layers)::

    from nnlib import Sequential, Linear, ReLU, MSELoss, SGD
    net = Sequential(Linear(3, 4, rng=0), ReLU(), Linear(4, 1, rng=1))
    loss = MSELoss()
    J = loss.forward(net.forward(X), Y)
    net.backward(loss.backward())
    SGD(net.parameters(), lr=0.1).step()
    net.zero_grad()
"""
from . import autodiff
from .activations import (
    ACTIVATIONS,
    ELU,
    Activation,
    Identity,
    LeakyReLU,
    Range,
    ReLU,
    Sigmoid,
    Softplus,
    Step,
    Tanh,
    log_softmax,
    sigmoid,
    softmax,
)
from .gradcheck import GradcheckResult, gradcheck, numeric_gradient, rel_error
from .layers import Linear
from .losses import LOSSES, HingeLoss, Loss, MSELoss, SoftmaxCrossEntropyLoss, SumSquaredLoss, zero_one_error
from .module import Module, Parameter, Sequential
from .optim import SGD, minibatches
from .train import History, train

__all__ = [
    "ACTIVATIONS",
    "autodiff",
    "Activation",
    "ELU",
    "GradcheckResult",
    "History",
    "HingeLoss",
    "Identity",
    "LOSSES",
    "LeakyReLU",
    "Linear",
    "Loss",
    "MSELoss",
    "Module",
    "Parameter",
    "Range",
    "ReLU",
    "SGD",
    "Sequential",
    "Sigmoid",
    "SoftmaxCrossEntropyLoss",
    "Softplus",
    "Step",
    "SumSquaredLoss",
    "Tanh",
    "gradcheck",
    "log_softmax",
    "minibatches",
    "numeric_gradient",
    "rel_error",
    "sigmoid",
    "softmax",
    "train",
    "zero_one_error",
]

__version__ = "0.1.0"
