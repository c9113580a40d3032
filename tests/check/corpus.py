"""Answer corpus drawn from the course material: (answer, expected verdict, diagnosis).

Data only, shared by tests/check/test_corpus.py and benchmarks/bench_check.py.
Each ``Question`` holds an expected answer and a list of ``(answer, diagnosis)``
pairs; ``diagnosis=None`` means the answer is a correct rewriting. An answer in derivative
notation (``d/dz sigma(z)``) equals the expected derivative but is not a result: where the
expected answer has no derivative, it is "other" (see ``nnlib.check.answer.unfinished``). Every expected
answer and every "correct" rewriting was derived by hand; the identities used are
stated next to each question (verify by differentiating / expanding).
"""
from __future__ import annotations

from dataclasses import dataclass, field

OK = None  # the answer is correct


@dataclass
class Question:
    name: str
    expected: str
    answers: list
    variables: str | None = None
    shapes: dict = field(default_factory=dict)
    rtol: float = 1e-9


SIG_Z = "sigma(z)*(1 - sigma(z))"
NEURON = "sigma(w*x + b)"
DL_DW = f"({NEURON} - c)*{NEURON}*(1 - {NEURON})*x"
LAYER = {"X": (5, 3), "W": (2, 3), "dY": (5, 2)}   # Y = X @ W.T + b, batch-first

QUESTIONS = [
    # sigma'(z) = sigma(z)(1 - sigma(z)) = e^-z/(1+e^-z)^2 = 1/(2+e^z+e^-z)
    #           = 1/(4 cosh^2(z/2)) = sech^2(z/2)/4 = (1 - tanh^2(z/2))/4
    Question("sigmoid'", SIG_Z, [
        ("exp(-z)/(1 + exp(-z))^2", OK),
        ("1/(2 + exp(z) + exp(-z))", OK),
        ("σ(z)(1 − σ(z))", OK),
        ("sigmoid(z) - sigmoid(z)^2", OK),
        ("sigma(z)*sigma(-z)", OK),
        ("exp(z)/(1 + exp(z))**2", OK),
        ("1/(4*cosh(z/2)^2)", OK),
        ("sech(z/2)^2/4", OK),
        ("(1 - tanh(z/2)^2)/4", OK),
        ("d/dz sigma(z)", "other"),  # restates the derivative: not a result
        ("1/(1+exp(-z)) * (1 - 1/(1+exp(-z)))", OK),
        ("exp(-z)/(exp(-z) + 1)**2", OK),
        ("sigma(z)(1-sigma(z))", OK),
        ("-sigma(z)*(1 - sigma(z))", "sign"),
        ("sigma(z)*(sigma(z) - 1)", "sign"),
        ("2*sigma(z)*(1 - sigma(z))", "factor"),
        ("sigma(z)*(1 - sigma(z))/2", "factor"),
        ("sigma(z)*(1 - sigma(z)) + 1", "extra_term"),
        ("-sigma(z)^2", "other"),
        ("sigma(z)*(1 + sigma(z))", "other"),
        ("sigma(z)", "other"),
        ("exp(-z)/(1 + exp(-z))", "other"),
        ("1 - sigma(z)", "other"),
        ("exp(z)/(1 + exp(-z))^2", "other"),
        ("sigma(x)*(1 - sigma(x))", "unparsable"),
        ("sigma(z)*(1 - sigma(z)", "unparsable"),
    ], variables="z"),
    # tanh' = 1 - tanh^2 = sech^2 = 4/(e^x + e^-x)^2 = 4 sigma'(2x)
    Question("tanh'", "1 - tanh(x)^2", [
        ("sech(x)^2", OK),
        ("1/cosh(x)^2", OK),
        ("4/(exp(x) + exp(-x))^2", OK),
        ("d/dx tanh(x)", "other"),  # restates the derivative: not a result
        ("(1 - tanh(x))(1 + tanh(x))", OK),
        ("4*sigma(2x)*(1 - sigma(2x))", OK),
        ("1 - (2*sigma(2*x) - 1)^2", OK),
        ("sech(x)**2", OK),
        ("tanh(x)^2 - 1", "sign"),
        ("-sech(x)^2", "sign"),
        ("2*(1 - tanh(x)^2)", "factor"),
        ("1/cosh(x)^2 + 1", "extra_term"),
        ("-tanh(x)^2", "missing_term"),
        ("1 + tanh(x)^2", "other"),
        ("1 - tanh(x)", "other"),
        ("sech(x)", "other"),
    ], variables="x"),
    # softplus(x) = log(1 + e^x); softplus' = e^x/(1 + e^x) = sigma(x) = 1 - sigma(-x)
    Question("softplus'", "sigma(x)", [
        ("d/dx softplus(x)", "other"),  # restates the derivative: not a result
        ("1/(1 + exp(-x))", OK),
        ("exp(x)/(1 + exp(x))", OK),
        ("1 - sigma(-x)", OK),
        ("d/dx log(1 + exp(x))", "other"),  # restates the derivative: not a result
        ("d/dx ln(1 + e^x)", "other"),  # restates the derivative: not a result
        ("sigmoid(x)", OK),
        ("-sigma(x)", "sign"),
        ("sigma(x)/2", "factor"),
        ("exp(x)/(1 + exp(-x))", "other"),
        ("sigma(-x)", "other"),
        ("softplus(x)", "other"),
        ("log(1 + exp(x))", "other"),
    ], variables="x"),
    # ReLU' = step (Heaviside); d/dx max(0, x) = H(x)
    Question("relu'", "Heaviside(x)", [
        ("step(x)", OK),
        ("d/dx relu(x)", "other"),  # restates the derivative: not a result
        ("d/dx Max(0, x)", "other"),  # restates the derivative: not a result
        ("heaviside(x)", OK),
        ("-Heaviside(x)", "sign"),
        ("2*step(x)", "factor"),
        ("Heaviside(-x)", "other"),
        ("relu(x)", "other"),
    ], variables="x"),
    Question("relu", "relu(x)", [
        ("max(0, x)", OK),
        ("Max(0, x)", OK),
        ("x*step(x)", OK),
        ("(x + abs(x))/2", OK),
        ("x*Heaviside(x)", OK),
        ("max(0, -x)", "other"),
        ("abs(x)", "other"),
        ("x", "other"),
    ], variables="x"),
    # one neuron, L = 1/2 (sigma(w x + b) - c)^2, dL/dw = (sigma - c) sigma (1 - sigma) x
    Question("one neuron dL/dw", DL_DW, [
        (f"x*{NEURON}*(1 - {NEURON})*({NEURON} - c)", OK),
        ("d/dw (1/2)*(sigma(w*x + b) - c)^2", "other"),  # restates the derivative: not a result
        ("(sigma(w x + b) - c) sigma(w x + b)(1 - sigma(w x + b)) x", OK),
        ("x*(sigma(w*x+b) - c)*exp(-(w*x+b))/(1 + exp(-(w*x+b)))^2", OK),
        ("(sigma(b + w*x) - c)*(sigma(b + w*x) - sigma(b + w*x)^2)*x", OK),
        ("d/dw 1/2 (σ(wx + b) − c)²", "other"),  # restates the derivative: not a result
        (f"2*{DL_DW}", "factor"),
        (f"(c - {NEURON})*{NEURON}*(1 - {NEURON})*x", "sign"),
        (f"({NEURON} - c)*{NEURON}*(1 - {NEURON})", "factor"),
        (f"({NEURON} - c)*x", "other"),
        (f"({NEURON} - c)*{NEURON}*(1 - {NEURON})*w", "other"),
        (f"({NEURON} - c)*{NEURON}*(1 - {NEURON})*x + c", "extra_term"),
        (f"({NEURON} - c)^2*x", "other"),
    ], variables="w x b c"),
    Question("one neuron dL/db", f"({NEURON} - c)*{NEURON}*(1 - {NEURON})", [
        ("d/db (1/2)*(sigma(w*x + b) - c)^2", "other"),  # restates the derivative: not a result
        (f"{NEURON}*(1 - {NEURON})*({NEURON} - c)", OK),
        (f"({NEURON} - c)*{NEURON}*(1 - {NEURON})*x", "factor"),
        (f"{NEURON}*(1 - {NEURON})*{NEURON}", "missing_term"),
    ], variables="w x b c"),
    # the same at x = c = 1, w = b = 0: sigma(0) = 1/2, (1/2 - 1) * 1/4 * 1 = -1/8
    Question("one neuron number", "-1/8", [
        ("-0.125", OK),
        ("-1/8", OK),
        ("-0.125000", OK),
        ("-1.25e-1", OK),
        ("(1/2 - 1)*(1/2)*(1/2)", OK),
        ("-2^-3", OK),
        ("-12.5e-2", OK),
        ("-1/(2*4)", OK),
        ("1/8", "sign"),
        ("0.125", "sign"),
        ("-1/4", "factor"),
        ("-0.25", "factor"),
        ("-1/16", "factor"),
        ("-0.12", "other"),
        ("0", "other"),
        ("-0.125001", "other"),
        ("-1/8 x", "unparsable"),
    ]),
    Question("thirds", "1/3", [
        ("0.3333333333", OK),
        ("2/6", OK),
        ("0.33", "other"),
        ("-1/3", "sign"),
    ]),
    # MSE over m samples: L = 1/m sum (Y_hat - Y)^2 -> dL/dY_hat = 2/m (Y_hat - Y)
    Question("MSE gradient", "2/m * (Y_hat - Y)", [
        ("(2/m)*(Y_hat - Y)", OK),
        ("2*(Y_hat - Y)/m", OK),
        ("-2/m*(Y - Y_hat)", OK),
        ("2/m*Y_hat - 2/m*Y", OK),
        ("(Y_hat - Y)*2/m", OK),
        ("2(Y_hat - Y)/m", OK),
        ("(Y_hat - Y)/m", "factor"),
        ("2/m*(Y - Y_hat)", "sign"),
        ("2*(Y_hat - Y)", "factor"),
        ("Y_hat - Y", "factor"),
        ("2/m*Y_hat", "missing_term"),
        ("2/m*(Y_hat - Y).T", "transpose"),
        ("2/m*(Y_hat - Y) + Y", "extra_term"),
        ("Y_hat @ Y.T", "shape"),
        ("Y_hat @ Y", "shape"),
        ("Y_hat.T @ Y", "shape"),
        ("2/m * (y_hat - y)", "unparsable"),
    ], variables="m", shapes={"Y_hat": (5, 1), "Y": (5, 1)}),
    # softmax + cross-entropy, mean over m rows: dL/dZ = (S - Y)/m
    Question("CE gradient", "(S - Y)/m", [
        ("1/m*(S - Y)", OK),
        ("(S - Y)*m^-1", OK),
        ("S/m - Y/m", OK),
        ("-(Y - S)/m", OK),
        ("(1/m)(S - Y)", OK),
        ("(S − Y)/m", OK),
        ("(Y - S)/m", "sign"),
        ("S - Y", "factor"),
        ("(S - Y)/m^2", "factor"),
        ("(S - Y).T/m", "transpose"),
        ("S/m", "missing_term"),
        ("(S - Y)/m + S", "extra_term"),
        ("hadamard(S - Y, S)/m", "other"),
        ("(S - Y) @ S.T / m", "shape"),
    ], variables="m", shapes={"S": (4, 3), "Y": (4, 3)}),
    # linear layer, Y = X @ W.T + b: dW = dY.T @ X (2, 3)
    Question("linear dW", "dY.T @ X", [
        ("(X.T @ dY).T", OK),
        ("transpose(X.T @ dY)", OK),
        ("dY^T X", OK),
        ("dY.T * X", OK),
        ("dYᵀ @ X", OK),
        ("Transpose(X.T*dY)", OK),
        ("X.T @ dY", "transpose"),
        ("dY @ X", "shape"),
        ("X @ dY.T", "shape"),
        ("-dY.T @ X", "sign"),
        ("2*dY.T @ X", "factor"),
        ("dY.T @ X / 5", "factor"),
        ("dY.T @ X + W", "extra_term"),
        ("W", "other"),
    ], shapes=LAYER),
    # dX = dY @ W (5, 3)
    Question("linear dX", "dY @ W", [
        ("(W.T @ dY.T).T", OK),
        ("dY*W", OK),
        ("dY W", OK),
        ("dY @ W.T", "shape"),
        ("W.T @ dY.T", "transpose"),
        ("X", "other"),
        ("-dY @ W", "sign"),
    ], shapes=LAYER),
    # db = column sums of dY, shape (1, 2)
    Question("linear db", "sum(dY, 0)", [
        ("ones(1, 5) @ dY", OK),
        ("(dY.T @ ones(5, 1)).T", OK),
        ("sum(dY, 1)", "shape"),
        ("sum(dY)", "shape"),
        ("dY", "shape"),
        ("dY.T @ ones(5, 1)", "transpose"),
        ("-ones(1, 5) @ dY", "sign"),
    ], shapes=LAYER),
    # the matrix example
    Question("W.T @ dY", "W.T @ dY", [
        ("(dY.T @ W).T", OK),
        ("W^T dY", OK),
        ("transpose(W) @ dY", OK),
        ("W.T*dY", OK),
        ("dY @ W.T", "shape"),
        ("dY.T @ W", "transpose"),
        ("W @ dY", "shape"),
        ("-W.T @ dY", "sign"),
    ], shapes={"W": (4, 3), "dY": (4, 5)}),
    # samples as columns (documents' notation): dW = dY @ X.T, dY (2, 5), X (3, 5)
    Question("dY @ X.T", "dY @ X.T", [
        ("(X @ dY.T).T", OK),
        ("dY X^T", OK),
        ("X @ dY.T", "transpose"),
        ("dY.T @ X", "shape"),
        ("dY @ X.T / 2", "factor"),
    ], shapes={"dY": (2, 5), "X": (3, 5)}),
    # sigmoid layer backward: dZ = dA ⊙ sigma(Z) ⊙ (1 - sigma(Z))
    Question("sigmoid layer dZ", "hadamard(dA, hadamard(sigma(Z), 1 - sigma(Z)))", [
        ("dA ⊙ sigma(Z) ⊙ (1 - sigma(Z))", OK),
        ("hadamard(dA, sigma(Z) - hadamard(sigma(Z), sigma(Z)))", OK),
        ("hadamard(dA, sigma(Z)) ∘ (1 - sigma(Z))", OK),
        ("dA ⊙ sigma(Z)", "other"),
        ("dA @ sigma(Z)", "shape"),
        ("-dA ⊙ sigma(Z) ⊙ (1 - sigma(Z))", "sign"),
        ("2 dA ⊙ sigma(Z) ⊙ (1 - sigma(Z))", "factor"),
    ], shapes={"Z": (4, 3), "dA": (4, 3)}),
    # ReLU layer backward: dZ = dA ⊙ step(Z)
    Question("relu layer dZ", "hadamard(dA, Heaviside(Z))", [
        ("dA ⊙ step(Z)", OK),
        ("hadamard(step(Z), dA)", OK),
        ("dA", "other"),
        ("dA ⊙ relu(Z)", "other"),
    ], shapes={"Z": (4, 3), "dA": (4, 3)}),
    # dE/dw_ij = delta_j a_i (weight from unit i to unit j)
    Question("dE/dw_ij", "delta_j * a_i", [
        ("a_i δ_j", OK),
        ("a_i*delta_j", OK),
        ("delta_j*a_j", "other"),
        ("-delta_j*a_i", "sign"),
        ("delta_i*a_i", "unparsable"),
    ], variables="delta_j a_i a_j"),
    # backprop to a hidden unit: delta_j = sigma'(z_j) sum_k w_jk delta_k (k = 1, 2)
    Question("hidden delta", "sigma(z_j)*(1 - sigma(z_j))*(w_j1*delta_1 + w_j2*delta_2)", [
        ("(w_j1 δ_1 + w_j2 δ_2) σ(z_j)(1 − σ(z_j))", OK),
        ("sigma(z_j)*(1-sigma(z_j))*w_j1*delta_1 + sigma(z_j)*(1-sigma(z_j))*w_j2*delta_2",
         OK),
        ("sigma(z_j)*(1 - sigma(z_j))*(w_1j*delta_1 + w_2j*delta_2)", "other"),
        ("(w_j1*delta_1 + w_j2*delta_2)*sigma(z_j)", "other"),
        ("sigma(z_j)*(1 - sigma(z_j))*w_j1*delta_1", "missing_term"),
        ("-sigma(z_j)*(1 - sigma(z_j))*(w_j1*delta_1 + w_j2*delta_2)", "sign"),
    ], variables="z_j w_j1 w_j2 w_1j w_2j delta_1 delta_2"),
    # L = 1/2 (y - t)^2 -> dL/dy = y - t
    Question("squared error dL/dy", "y - t", [
        ("d/dy (1/2)*(y - t)^2", "other"),  # restates the derivative: not a result
        ("-(t - y)", OK),
        ("t - y", "sign"),
        ("2*(y - t)", "factor"),
        ("y", "missing_term"),
        ("(y - t)^2", "other"),
        ("y - t + 1", "extra_term"),
    ], variables="y t"),
    # L2 regularization: d/dw [1/2 (w x - y)^2 + lambda/2 w^2] = (w x - y) x + lambda w
    Question("L2 gradient", "(w*x - y)*x + lambda*w", [
        ("d/dw ((1/2)*(w*x - y)^2 + (lambda/2)*w^2)", "other"),  # restates the derivative: not a result
        ("x(wx - y) + λw", OK),
        ("w*x^2 - x*y + lambda*w", OK),
        ("(w*x - y)*x", "missing_term"),
        ("(w*x - y)*x + lambda*w + y", "extra_term"),
        ("(w*x - y)*x + lambda*w^2/2", "other"),
        ("(y - w*x)*x + lambda*w", "other"),
        ("-(w*x - y)*x - lambda*w", "sign"),
    ], variables="w x y lambda"),
    # d/dx log sigma(x) = 1 - sigma(x) = sigma(-x)
    Question("log-sigmoid'", "1 - sigma(x)", [
        ("sigma(-x)", OK),
        ("d/dx log(sigma(x))", "other"),  # restates the derivative: not a result
        ("exp(-x)/(1 + exp(-x))", OK),
        ("1/(1 + exp(x))", OK),
        ("sigma(x)", "other"),
        ("-sigma(x)", "missing_term"),
        ("sigma(x) - 1", "sign"),
    ], variables="x"),
    # binary cross-entropy through a sigmoid: dL/dz = sigma(z) - y
    Question("BCE dL/dz", "sigma(z) - y", [
        ("d/dz (-(y*log(sigma(z)) + (1 - y)*log(1 - sigma(z))))", "other"),  # restates the derivative: not a result
        ("-(y - sigma(z))", OK),
        ("1/(1 + exp(-z)) - y", OK),
        ("y - sigma(z)", "sign"),
        ("sigma(z)", "missing_term"),
        ("sigma(z) - y + 1", "extra_term"),
        ("(sigma(z) - y)*sigma(z)*(1 - sigma(z))", "other"),
    ], variables="z y"),
    # softmax Jacobian entries: ds_i/dz_i = s_i (1 - s_i), ds_i/dz_j = -s_i s_j
    Question("softmax diag", "s_i*(1 - s_i)", [
        ("s_i - s_i^2", OK),
        ("s_i(1-s_i)", OK),
        ("-s_i*s_j", "other"),
        ("s_i", "other"),
    ], variables="s_i s_j"),
    Question("softmax off-diag", "-s_i*s_j", [
        ("-s_j*s_i", OK),
        ("s_i*s_j", "sign"),
        ("-2*s_i*s_j", "factor"),
    ], variables="s_i s_j"),
    # gradient descent step
    Question("gd update", "w - eta*g", [
        ("w - η g", OK),
        ("-(eta*g - w)", OK),
        ("w - eta g", OK),
        ("-eta*g", "missing_term"),
        ("w + eta*g", "other"),
        ("w - g", "other"),
    ], variables="w eta g"),
    # notation: the same formula written in the many ways students type it
    Question("notation power", "x**2 + 2*x", [
        ("x^2 + 2x", OK), ("x² + 2x", OK), ("x(x + 2)", OK), ("x·x + 2·x", OK),
        ("x×x + 2×x", OK), ("(x+1)^2 - 1", OK), ("x^2 + 2^x", "other"),
    ], variables="x"),
    Question("notation functions", "log(x) + exp(x) + sqrt(x)", [
        ("ln(x) + e^x + x^(1/2)", OK),
        ("sqrt(x) + exp(x) + log(x)", OK),
        ("ln x + e^x + sqrt(x)", OK),          # a bare argument: ln x = ln(x)
        ("ln x + 1 + e^x + sqrt(x)", "extra_term"),
        ("ln(x + e^x + sqrt(x)", "unparsable"),
        ("log(x) + exp(x)", "missing_term"),
    ], variables="x"),
    Question("notation greek", "alpha*eta + beta", [
        ("α η + β", OK), ("αη + β", OK), ("eta*alpha + beta", OK), ("alpha*eta", "missing_term"),
    ], variables="alpha beta eta"),
    Question("notation subscripts", "w_1*x1 + w_2*x2 + b", [
        ("b + w_1 x1 + w_2 x2", OK), ("w_1*x1 + w_2*x2", "missing_term"),
        ("w_1*x2 + w_2*x1 + b", "other"),
    ], variables="w_1 w_2 x1 x2 b"),
    Question("pythagoras", "1", [
        ("cos(x)^2 + sin(x)^2", OK), ("cos(x)^2 - sin(x)^2", "other"),
    ], variables="x"),
    Question("tanh definition", "(exp(x) - exp(-x))/(exp(x) + exp(-x))", [
        ("tanh(x)", OK), ("2*sigma(2x) - 1", OK), ("sinh(x)/cosh(x)", OK),
        ("sigma(x)", "other"),
    ], variables="x"),
    # typed notation (nnlib/check/notation.py): LaTeX as in the notebooks, |x|, the root sign,
    # f^2(x) for f(x)^2. Same identities as "sigmoid'", "tanh'" and "one neuron dL/dw" above.
    Question("latex sigmoid'", SIG_Z, [
        (r"\sigma(z)\left(1-\sigma(z)\right)", OK), (r"$\sigma(z)(1 - \sigma(z))$", OK),
        (r"\frac{e^{-z}}{(1+e^{-z})^2}", OK), (r"\frac{1}{2 + e^{z} + e^{-z}}", OK),
        (r"\sigma(z) - \sigma^2(z)", OK), (r"\frac{1}{4}\operatorname{sech}^2(z/2)", OK),
        (r"-\sigma(z)(1-\sigma(z))", "sign"), (r"\frac{1}{2}\sigma(z)(1-\sigma(z))", "factor"),
        (r"\sigma(z)\cdot(1+\sigma(z))", "other"), (r"\sigma'(z)", "unparsable"),
        (r"\sum_i \sigma(z)", "unparsable"), (r"\frac{1}{1+e^{-z}", "unparsable"),
    ], variables="z"),
    Question("latex tanh'", "1 - tanh(x)^2", [
        (r"1 - \tanh^2(x)", OK), ("1 - tanh^2(x)", OK), (r"\operatorname{sech}^{2}(x)", OK),
        (r"\frac{4}{(e^x + e^{-x})^2}", OK), (r"\tanh^2(x) - 1", "sign"),
    ], variables="x"),
    Question("latex one neuron dL/dw", DL_DW, [
        (r"\frac{d}{dw} \frac{1}{2}(\sigma(wx + b) - c)^2", "other"),  # restates the derivative: not a result
        (r"\frac{\partial}{\partial w}\left[\frac12\left(\sigma(w x+b)-c\right)^2\right]", "other"),  # restates the derivative: not a result
        (r"(\sigma(wx+b) - c)\,\sigma(wx+b)\,(1 - \sigma(wx+b))\,x", OK),
        (r"(\sigma(wx+b) - c)\,\sigma(wx+b)\,(1 - \sigma(wx+b))", "factor"),  # the inner x dropped
    ], variables="w x b c"),
    # derivative notation itself, where the expected answer is written with one (a derivation's
    # first step): the LaTeX and plain forms must mean the same derivative
    Question("derivative notation", "d/dw (1/2*(sigma(w*x + b) - c)^2)", [
        (r"\frac{d}{dw} \frac{1}{2}(\sigma(wx + b) - c)^2", OK),
        (r"\frac{\partial}{\partial w}\left[\frac12\left(\sigma(w x+b)-c\right)^2\right]", OK),
        (DL_DW, OK),
        (r"\frac{d}{db} \frac{1}{2}(\sigma(wx + b) - c)^2", "factor"),  # d/db lacks the inner x
    ], variables="w x b c"),
    Question("absolute value", "Abs(x - y) + sqrt(x)", [
        ("|x - y| + √x", OK), ("|y - x| + sqrt(x)", OK), (r"\left|x - y\right| + \sqrt{x}", OK),
        ("abs(x - y) + x^(1/2)", OK), ("(x - y) + √x", "other"), ("|x - y + √x", "unparsable"),
    ], variables="x y"),
    Question("matrix literal", "Matrix([[1, 2], [3, 4]])", [
        ("[[1, 2], [3, 4]]", OK), ("Matrix([[1, 2], [3, 4]])", OK),
        ("[[1, 3], [2, 4]]", "transpose"), ("[[-1, -2], [-3, -4]]", "sign"),
        ("[[2, 4], [6, 8]]", "factor"), ("[[1, 2], [3, 5]]", "other"),
        ("[[1, 2, 3], [4, 5, 6]]", "shape"), ("[[1, 2], [3]]", "shape"),
    ]),
    Question("hostile", "x", [
        ("__import__('os').system('ls')", "unsafe"), ("().__class__.__bases__", "unsafe"),
        ("lambda: 0", "unsafe"), ("9**9**9**9", "unsafe"), ("x**99999999", "unsafe"),
        ("exp(exp(exp(1000)))", "unsafe"), ("x +", "unparsable"), ("2*/x", "unparsable"),
        ("x[0]", "unparsable"), ("f(x)", "unparsable"), ("", "unparsable"),
        (r"\text{__import__}('os')", "unsafe"), (r"\frac{" * 80 + "1" + "}{2}" * 80, "unsafe"),
        (r"\foo(x)", "unparsable"), (r"\_\_class\_\_", "unparsable"),
        (None, "not_attempted"), (..., "not_attempted"),
    ], variables="x"),
]


def cases():
    """Flat list of (question, answer, diagnosis) triples."""
    return [(q, a, d) for q in QUESTIONS for a, d in q.answers]
