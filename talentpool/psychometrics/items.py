"""Item parameters for a bank of mixed IRT items, in the logistic metric with D = 1.

Supported models (the ``model`` code of each item):

* ``"1pl"``, ``"2pl"``, ``"3pl"`` — right/wrong items,
  P(X = 1 | θ) = c + (1 − c) / (1 + exp(−a(θ − b))); 1PL keeps its slope ``a`` fixed during
  calibration, 2PL has c = 0.
* ``"grm"`` — graded response, K ordered categories 0..K−1 with increasing thresholds
  b_1 < … < b_{K−1}: P(X ≥ k | θ) = 1 / (1 + exp(−a(θ − b_k))).
* ``"gpcm"`` — generalized partial credit: P(X = k | θ) ∝ exp Σ_{v≤k} a(θ − b_v), where the empty
  sum (k = 0) is 0.

Thresholds are stored in one ``(n_items, max_categories − 1)`` array padded with NaN; for the
right/wrong models only column 0 (the difficulty b) is used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DICHOTOMOUS_MODELS = ("1pl", "2pl", "3pl")
POLYTOMOUS_MODELS = ("grm", "gpcm")
MODELS = DICHOTOMOUS_MODELS + POLYTOMOUS_MODELS


@dataclass(frozen=True)
class ItemParameters:
    """Parameters of ``n_items`` items; every array has the items on axis 0.

    Attributes:
        model: model code per item (see module docstring).
        a: slope (discrimination).
        b: thresholds, shape ``(n_items, max_categories − 1)``, NaN beyond an item's own count.
        c: lower asymptote (guessing); 0 except for 3PL items.
        n_categories: number of response categories (2 for right/wrong items).
    """

    model: np.ndarray
    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    n_categories: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.model)
        if not (len(self.a) == len(self.c) == len(self.n_categories) == self.b.shape[0] == n):
            raise ValueError("item parameter arrays must all have n_items rows")
        unknown = sorted(set(self.model.tolist()) - set(MODELS))
        if unknown:
            raise ValueError(f"unknown item model(s): {unknown}; expected one of {MODELS}")
        # Own read-only copies: a frozen bank must not change under the caller's feet.
        for name in ("model", "a", "b", "c", "n_categories"):
            array = np.array(getattr(self, name), copy=True)
            array.setflags(write=False)
            object.__setattr__(self, name, array)

    @property
    def n_items(self) -> int:
        return len(self.model)

    @property
    def max_categories(self) -> int:
        return int(self.n_categories.max()) if self.n_items else 2

    def subset(self, index: np.ndarray | slice) -> ItemParameters:
        """The items selected by ``index`` (an index array, boolean mask or slice)."""
        n_categories = self.n_categories[index]
        width = max(int(n_categories.max()) - 1, 1) if len(n_categories) else 1
        return ItemParameters(
            model=self.model[index].copy(),
            a=self.a[index].copy(),
            b=self.b[index][:, :width].copy(),
            c=self.c[index].copy(),
            n_categories=n_categories.copy(),
        )


def dichotomous_items(
    a: np.ndarray, b: np.ndarray, c: np.ndarray | None = None, model: str | None = None
) -> ItemParameters:
    """Right/wrong items; the model is ``"3pl"`` when any c > 0 unless ``model`` says otherwise."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    c = np.zeros_like(a) if c is None else np.asarray(c, dtype=float)
    if model is None:
        model = "3pl" if np.any(c > 0) else "2pl"
    if model not in DICHOTOMOUS_MODELS:
        raise ValueError(f"model must be one of {DICHOTOMOUS_MODELS}, not {model!r}")
    return ItemParameters(
        model=np.full(len(a), model, dtype="<U4"),
        a=a,
        b=b.reshape(-1, 1),
        c=c,
        n_categories=np.full(len(a), 2),
    )


def polytomous_items(a: np.ndarray, thresholds: np.ndarray, model: str) -> ItemParameters:
    """GRM or GPCM items; ``thresholds`` is ``(n_items, K − 1)``, NaN-padded where K is smaller."""
    if model not in POLYTOMOUS_MODELS:
        raise ValueError(f"model must be one of {POLYTOMOUS_MODELS}, not {model!r}")
    a = np.asarray(a, dtype=float)
    thresholds = np.atleast_2d(np.asarray(thresholds, dtype=float))
    n_categories = 1 + np.sum(~np.isnan(thresholds), axis=1)
    return ItemParameters(
        model=np.full(len(a), model, dtype="<U4"),
        a=a,
        b=thresholds,
        c=np.zeros_like(a),
        n_categories=n_categories,
    )


def concatenate_items(*banks: ItemParameters) -> ItemParameters:
    """One bank holding the items of ``banks`` in order (e.g. a mixed-format test)."""
    width = max(max(bank.max_categories for bank in banks) - 1, 1)
    padded = [
        np.pad(bank.b, ((0, 0), (0, width - bank.b.shape[1])), constant_values=np.nan)
        for bank in banks
    ]
    return ItemParameters(
        model=np.concatenate([bank.model for bank in banks]),
        a=np.concatenate([bank.a for bank in banks]),
        b=np.vstack(padded),
        c=np.concatenate([bank.c for bank in banks]),
        n_categories=np.concatenate([bank.n_categories for bank in banks]),
    )


def max_scores(items: ItemParameters) -> np.ndarray:
    """Highest category (K − 1) per item."""
    return items.n_categories - 1
