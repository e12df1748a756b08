"""The measurement wing's scoring: how well a run did against a synthetic county's truth.

- ``linking``: pairwise and B-cubed scores of persons, recall per pair of registries;
- ``baselines``: the peers a run is measured beside (an exact-ID join, a stock Splink model);
- ``cases``: precision, recall, money and negative controls of cases; the risk model's fit;
- ``sweep``: what each of a range of matching thresholds gives;
- ``stress``: every variant county and the independent generator's, run and scored;
- ``bench``: time and peak memory per stage.

No product module imports this package (``tests/test_architecture.py``).
"""

__all__ = ["baselines", "bench", "cases", "linking", "stress", "sweep"]
