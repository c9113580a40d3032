"""PyTorch as an oracle: same numbers in, same outputs, losses and gradients out (float64).

Tolerance: rtol 1e-12 elementwise plus an absolute floor of 1e-12 times the array's
largest entry, since both libraries sum in different orders (an entry that cancels to
~1e-17 has no meaningful relative error).
"""
import numpy as np
import pytest

import nnlib as nl

pytestmark = pytest.mark.torch

RTOL = 1e-12

ACTIVATIONS = {
    "Identity": (nl.Identity, lambda nn: nn.Identity()),
    "Step": (nl.Step, None),  # torch.heaviside has no autograd; see _torch_step
    "Sigmoid": (nl.Sigmoid, lambda nn: nn.Sigmoid()),
    "Tanh": (nl.Tanh, lambda nn: nn.Tanh()),
    "ReLU": (nl.ReLU, lambda nn: nn.ReLU()),
    "LeakyReLU": (nl.LeakyReLU, lambda nn: nn.LeakyReLU(0.01)),
    "ELU": (nl.ELU, lambda nn: nn.ELU(1.0)),
    "Softplus": (nl.Softplus, lambda nn: nn.Softplus()),
}

# name -> (nnlib loss, torch loss builder, targets are class indices?)
LOSSES = {
    "MSELoss": (nl.MSELoss, lambda nn: nn.MSELoss(), False),
    "SumSquaredLoss": (nl.SumSquaredLoss, lambda nn: (lambda a, b: 0.5 * nn.MSELoss(reduction="sum")(a, b)), False),
    "SoftmaxCrossEntropyLoss": (nl.SoftmaxCrossEntropyLoss, lambda nn: nn.CrossEntropyLoss(), True),
    "HingeLoss": (nl.HingeLoss, lambda nn: nn.MultiMarginLoss(), True),
}


def _close(actual, expected):
    expected = np.asarray(expected)
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=RTOL * max(np.abs(expected).max(), 1e-300))


def _grad(t, like):
    """A torch tensor's .grad as numpy; None (no path to the loss, e.g. through a step) means zeros."""
    return np.zeros_like(like) if t.grad is None else t.grad.numpy()


def _torch_step(torch):
    class Step(torch.nn.Module):
        def forward(self, z):
            return torch.heaviside(z.detach(), torch.ones((), dtype=z.dtype))  # derivative 0

    return Step()


@pytest.mark.parametrize("loss_name", list(LOSSES))
@pytest.mark.parametrize("act_name", list(ACTIVATIONS))
def test_mlp_matches_pytorch(torch, act_name, loss_name):
    nn = torch.nn
    make_act, make_torch_act = ACTIVATIONS[act_name]
    make_loss, make_torch_loss, classes = LOSSES[loss_name]
    rng = np.random.default_rng(0)
    n, d, h, C = 6, 3, 5, 4
    X = rng.standard_normal((n, d))
    Y = rng.integers(0, C, n) if classes else rng.standard_normal((n, C))
    net = nl.Sequential(nl.Linear(d, h, rng=1), make_act(), nl.Linear(h, C, rng=2))
    tact = _torch_step(torch) if make_torch_act is None else make_torch_act(nn)
    tnet = nn.Sequential(nn.Linear(d, h), tact, nn.Linear(h, C)).double()
    with torch.no_grad():
        for ours, theirs in ((net[0], tnet[0]), (net[2], tnet[2])):
            theirs.weight.copy_(torch.from_numpy(ours.weight.data))
            theirs.bias.copy_(torch.from_numpy(ours.bias.data))
    tX = torch.from_numpy(X.copy()).requires_grad_(True)
    tY = torch.from_numpy(Y)

    loss = make_loss()
    out = net.forward(X)
    J = loss.forward(out, Y)
    dX = net.backward(loss.backward())
    tout = tnet(tX)
    tJ = make_torch_loss(nn)(tout, tY)
    tJ.backward()

    _close(out, tout.detach().numpy())
    _close(J, tJ.item())
    _close(dX, _grad(tX, X))
    for ours, theirs in ((net[0], tnet[0]), (net[2], tnet[2])):
        for p, tp in ((ours.weight, theirs.weight), (ours.bias, theirs.bias)):
            _close(p.grad, _grad(tp, p.grad))


def test_cross_entropy_with_one_hot_matches_pytorch_probability_targets(torch):
    rng = np.random.default_rng(1)
    Z = rng.standard_normal((5, 3)) * 10
    T = np.eye(3)[rng.integers(0, 3, 5)]
    tZ = torch.from_numpy(Z.copy()).requires_grad_(True)
    tJ = torch.nn.CrossEntropyLoss()(tZ, torch.from_numpy(T))
    tJ.backward()
    loss = nl.SoftmaxCrossEntropyLoss()
    _close(loss(Z, T), tJ.item())
    _close(loss.backward(), tZ.grad.numpy())


@pytest.mark.parametrize("act_name", [k for k, v in ACTIVATIONS.items() if v[1] is not None])
def test_activation_derivatives_at_kinks_and_extremes_match_pytorch(torch, act_name):
    make_act, make_torch_act = ACTIVATIONS[act_name]
    z = np.array([[-30.0, -1.0, 0.0, 1e-8, 1.0, 15.0]])
    tz = torch.from_numpy(z.copy()).requires_grad_(True)
    tout = make_torch_act(torch.nn)(tz)
    tout.sum().backward()
    act = make_act()
    _close(act.forward(z), tout.detach().numpy())
    _close(act.backward(np.ones_like(z)), tz.grad.numpy())
