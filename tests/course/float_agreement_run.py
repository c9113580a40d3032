"""One float32 training run of lesson 11's classification setup, printed as JSON (used by test_float_agreement).

Run as a separate process so that the BLAS thread variables (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS)
the caller sets take effect before numpy and torch load their libraries.
"""
import json

import numpy as np

import nnlib
from nnlib.course.compare import make_mlp, side_by_side
from nnlib.datasets import load_digits, load_mnist_subset

SETTINGS = dict(epochs=2, batch_size=64, lr=0.1, seed=0)


def load():
    """(dataset, layer sizes): the MNIST subset with 784-256-128-10, or the 8x8 digits with 64-32-10."""
    try:
        return load_mnist_subset(test_size=0.2, seed=0), [784, 256, 128, 10]
    except ImportError:
        return load_digits(test_size=0.2, seed=0), [64, 32, 10]


def main() -> None:
    data, sizes = load()
    net = make_mlp(sizes, rng=0, dtype=np.float32)
    try:
        result = side_by_side(net, nnlib.SoftmaxCrossEntropyLoss(), data, **SETTINGS)
        runs = {"nnlib": result.nnlib_losses.tolist(), "torch": result.torch_losses.tolist()}
    except ImportError:  # no torch: nnlib alone
        data32 = data.astype(np.float32)
        history = nnlib.train(net, nnlib.SoftmaxCrossEntropyLoss(), data32.X_train, data32.y_train,
                              epochs=SETTINGS["epochs"], batch_size=SETTINGS["batch_size"], lr=SETTINGS["lr"],
                              rng=SETTINGS["seed"], progress=False)
        runs = {"nnlib": np.asarray(history.losses).tolist()}
    print(json.dumps(runs))


if __name__ == "__main__":
    main()
