# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # (d) 风险分校准
#
# 风险分是"疑点属实"的概率：在风险分约 0.9 的疑点中，应有约九成属实。下面按风险分分段，
# 比较每段的平均风险分与实际属实比例（合成县按真值；真实数据上按审核结论"属实/不属实"，
# 审核结论足够多后可用 API `/api/triage` 重新排序待核查疑点）。

# %%
import altair as alt
import pandas as pd

from models.case_types import CASE_LABELS
from models.evaluation.cases import calibration_bins, case_labels, load_truth_cases
from models.evaluation.workbench import open_workbench
from models.tuning import cases_at

bench = open_workbench()
con, configuration = bench.con, bench.configuration
cases = cases_at(
    con, configuration.settings.threshold, policy=configuration.policy,
    settings=configuration.settings, risk=configuration.risk,
).cases  # fmt: skip
print("疑点数:", len(cases))

# %%
scores = pd.DataFrame(
    {"疑点类型": [CASE_LABELS[case.case_type] for case in cases],
     "风险分": [case.risk_score for case in cases]}
)  # fmt: skip
alt.Chart(scores, title="风险分分布").mark_bar().encode(
    x=alt.X("风险分:Q", bin=alt.Bin(step=0.05)), y="count():Q", color="疑点类型:N"
)

# %% [markdown]
# ## 校准表与可靠性图（有真值时）

# %%
if bench.truth_dir is not None:
    truth = load_truth_cases(bench.truth_dir, configuration.policy)
    bins = pd.DataFrame(
        [item.as_dict() for item in calibration_bins(cases, case_labels(cases, truth))]
    )
    bins["属实比例"] = bins["true"] / bins["cases"]
    display(bins)
    diagonal = (
        alt.Chart(pd.DataFrame({"x": [0, 1], "y": [0, 1]}))
        .mark_line(strokeDash=[4, 4], color="gray")
        .encode(x="x:Q", y="y:Q")
    )
    points = (
        alt.Chart(bins, title="可靠性图")
        .mark_circle()
        .encode(
            x=alt.X("mean_score:Q", title="平均风险分", scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("属实比例:Q", scale=alt.Scale(domain=[0, 1])),
            size="cases:Q",
            tooltip=["low", "high", "cases", "true", "mean_score"],
        )
    )
    display(diagonal + points)
