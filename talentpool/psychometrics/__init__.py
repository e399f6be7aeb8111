"""Psychometrics: IRT models, MML calibration, ability estimation, item analysis, adaptive tests,
and the many-facet Rasch model and inter-rater agreement for rater-scored answers.

Pure numpy/scipy: importing this package never imports Flask or SQLAlchemy. Arrays go in,
frozen dataclasses come out; responses are ``(n_persons, n_items)`` with NaN for items not
administered; randomness comes through an ``rng`` argument. See ``docs/psychometrics.md``.
"""

from .ability import AbilityEstimates, eap, map_estimate, mle
from .adaptive import (
    AdaptiveBank,
    Blueprint,
    EAPEstimator,
    WLEEstimator,
    ExamState,
    ExposureCounts,
    MaxInformationSelector,
    PretestPlan,
    StoppingRule,
    adaptive_bank,
)
from .adaptive_session import (
    AdaptiveTest,
    SimulationResult,
    next_item,
    passes,
    record_response,
    simulate_adaptive_tests,
    start,
    sympson_hetter_parameters,
)
from .agreement import (
    AgreementSummary,
    ICCResult,
    adjacent_agreement,
    exact_agreement,
    icc,
    one_way_icc,
    rater_agreement,
    weighted_kappa,
)
from .calibration import CalibrationResult, ConvergenceReport, Quadrature, calibrate
from .facets import (
    FacetsResult,
    RatingDesign,
    fit_facets,
    inconsistent_raters,
    rating_design_connected,
)
from .item_analysis import FlagThresholds, ItemStatistics, item_analysis
from .item_problems import ItemProblem
from .items import (
    ItemParameters,
    concatenate_items,
    dichotomous_items,
    polytomous_items,
)
from .long_ability import eap_long
from .models import (
    expected_scores,
    item_information,
    log_likelihood,
    probabilities,
    test_information,
)
from .mstep import NO_PRIORS, OPERATIONAL_PRIORS, RECOMMENDED_3PL_PRIORS, Priors
from .responses import LongResponses
from .simulate import random_dichotomous_items, random_polytomous_items, simulate_responses
from .standard_errors import ItemStandardErrors, design_standard_errors

__all__ = [
    "NO_PRIORS",
    "OPERATIONAL_PRIORS",
    "RECOMMENDED_3PL_PRIORS",
    "AbilityEstimates",
    "AdaptiveBank",
    "AdaptiveTest",
    "AgreementSummary",
    "Blueprint",
    "CalibrationResult",
    "ConvergenceReport",
    "EAPEstimator",
    "ExamState",
    "ExposureCounts",
    "FacetsResult",
    "FlagThresholds",
    "ICCResult",
    "ItemParameters",
    "ItemProblem",
    "ItemStandardErrors",
    "ItemStatistics",
    "LongResponses",
    "MaxInformationSelector",
    "PretestPlan",
    "Priors",
    "Quadrature",
    "RatingDesign",
    "SimulationResult",
    "StoppingRule",
    "WLEEstimator",
    "adaptive_bank",
    "adjacent_agreement",
    "calibrate",
    "concatenate_items",
    "design_standard_errors",
    "dichotomous_items",
    "eap",
    "eap_long",
    "exact_agreement",
    "expected_scores",
    "fit_facets",
    "icc",
    "inconsistent_raters",
    "item_analysis",
    "item_information",
    "log_likelihood",
    "map_estimate",
    "mle",
    "next_item",
    "one_way_icc",
    "passes",
    "polytomous_items",
    "probabilities",
    "random_dichotomous_items",
    "random_polytomous_items",
    "rater_agreement",
    "rating_design_connected",
    "record_response",
    "simulate_adaptive_tests",
    "simulate_responses",
    "start",
    "sympson_hetter_parameters",
    "test_information",
    "weighted_kappa",
]
