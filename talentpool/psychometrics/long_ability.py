"""EAP abilities for long-format responses, block by block (no persons × items array).

θ̂_i = Σ_q θ_q W_iq and SE_i = √(Σ_q θ_q² W_iq − θ̂_i²), W_iq ∝ φ((θ_q − μ)/σ) Π_j P_j,x_ij(θ_q),
exactly as ``ability.eap`` computes them for a response matrix.
"""

from __future__ import annotations

import numpy as np

from .ability import EAP_QUADRATURE, AbilityEstimates
from .calibration import Quadrature, normal_log_weights
from .estep import column_log_probabilities, posterior_mean_sd
from .items import ItemParameters
from .responses import LongResponses, check_categories, indicator_matrix


def eap_long(
    responses: LongResponses,
    items: ItemParameters,
    *,
    mean: float = 0.0,
    sd: float = 1.0,
    quadrature: Quadrature = EAP_QUADRATURE,
) -> AbilityEstimates:
    """EAP θ and posterior SD for every person of ``responses``.

    Items without parameters (NaN slope, e.g. held out of a calibration) are skipped.
    """
    if responses.n_items != items.n_items:
        raise ValueError("responses and items disagree on the number of items")
    check_categories(responses, items.n_categories)
    indicator = indicator_matrix(responses, items.n_categories)
    nodes = quadrature.nodes
    log_probs = column_log_probabilities(nodes, items, indicator)
    log_probs[~np.isfinite(items.a)[indicator.col_item]] = 0.0
    theta, se = posterior_mean_sd(indicator, log_probs, normal_log_weights(nodes, mean, sd), nodes)
    return AbilityEstimates(theta, se, np.zeros(len(theta), dtype=bool))
