"""One list of every layer, activation and loss, shared by the core tests.

Adding a layer/activation/loss here puts it under the gradient, shape and bad-input tests.
"""
from __future__ import annotations

import numpy as np

from nnlib import (
    ELU,
    HingeLoss,
    Identity,
    LeakyReLU,
    Linear,
    MSELoss,
    ReLU,
    Sequential,
    Sigmoid,
    SoftmaxCrossEntropyLoss,
    Softplus,
    Step,
    SumSquaredLoss,
    Tanh,
)

# Activation factories (non-default parameters included, to exercise them).
ACTIVATION_FACTORIES = {
    "Identity": Identity,
    "Step": Step,
    "Sigmoid": Sigmoid,
    "Tanh": Tanh,
    "ReLU": ReLU,
    "LeakyReLU": LeakyReLU,
    "LeakyReLU(0.2)": lambda: LeakyReLU(0.2),
    "ELU": ELU,
    "ELU(0.5)": lambda: ELU(alpha=0.5),
    "Softplus": Softplus,
}

# Module factories: name -> (factory(n_in), output features given n_in)
MODULE_FACTORIES = {
    **{f"act:{k}": (lambda n_in, f=f: f(), lambda n_in: n_in) for k, f in ACTIVATION_FACTORIES.items()},
    "Linear": (lambda n_in: Linear(n_in, 2, rng=1), lambda n_in: 2),
    "Linear(bias=False)": (lambda n_in: Linear(n_in, 3, bias=False, rng=2), lambda n_in: 3),
    "Linear(absorb_bias)": (lambda n_in: Linear(n_in, 2, absorb_bias=True, rng=3), lambda n_in: 2),
    "Linear(out=1)": (lambda n_in: Linear(n_in, 1, rng=4), lambda n_in: 1),
    **{
        f"MLP:{k}": (lambda n_in, f=f: Sequential(Linear(n_in, 4, rng=5), f(), Linear(4, 2, rng=6)), lambda n_in: 2)
        for k, f in ACTIVATION_FACTORIES.items()
    },
}

# Input shapes (n_samples, n_features), including batch size 1 and a dimension of 1.
INPUT_SHAPES = [(4, 3), (1, 3), (5, 1), (1, 1)]

# Loss factories: name -> (factory, target maker(rng, n, C))
LOSS_FACTORIES = {
    "MSELoss": (MSELoss, lambda rng, n, C: rng.standard_normal((n, C))),
    "SumSquaredLoss": (SumSquaredLoss, lambda rng, n, C: rng.standard_normal((n, C))),
    "SoftmaxCrossEntropyLoss[indices]": (SoftmaxCrossEntropyLoss, lambda rng, n, C: rng.integers(0, C, n)),
    "SoftmaxCrossEntropyLoss[one-hot]": (SoftmaxCrossEntropyLoss, lambda rng, n, C: np.eye(C)[rng.integers(0, C, n)]),
    "HingeLoss": (HingeLoss, lambda rng, n, C: rng.integers(0, C, n)),
    "HingeLoss(margin=0.5)": (lambda: HingeLoss(0.5), lambda rng, n, C: rng.integers(0, C, n)),
}

LOSS_SHAPES = [(4, 3), (1, 3), (5, 1), (1, 1), (3, 2)]
