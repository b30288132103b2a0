"""Reform actions and sub-index movement: the model ladder of IMPACT-METHOD §2 behind one call.

``estimate(scores, actions, outcome=..., action_type=..., method=...) -> ImpactResult``. The package:
``design`` (window, cohorts, placebo family), ``rungs`` (one class per rung: estimation, sentence,
card fields, diagnostics), ``verdict`` (§4 rules), ``wording`` (number and p formatting), ``estimators``
(numerics), ``exposure`` (register → cohorts), ``charts`` (plotly), ``view`` (the page's view model)
and ``cli`` (``python -m provindex.impact``). No Streamlit import anywhere in the package.
"""

from provindex.impact.cli import main, read_actions_csv, read_scores_csv
from provindex.impact.design import Design, DesignSpec, build_design, registered_targets
from provindex.impact.ladder import METHODS, ONE_UNIT_METHODS, estimate, warm_up
from provindex.impact.result import VERDICTS, Details, ImpactError, ImpactResult, Message
from provindex.impact.verdict import ALPHA, placebo_fails, verdict_d
from provindex.impact.wording import action_phrase, p_value

__all__ = ["ALPHA", "METHODS", "ONE_UNIT_METHODS", "VERDICTS", "Design", "DesignSpec", "Details", "ImpactError",
           "ImpactResult", "Message", "action_phrase", "build_design", "estimate", "main", "p_value",
           "placebo_fails", "read_actions_csv", "read_scores_csv", "registered_targets", "verdict_d", "warm_up"]
