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
# # (c) 匹配阈值调优
#
# 阈值太低，不同的人会被并成一人（误报重复享受、活人被"死亡"）；太高，有噪声的记录又分开了
# （漏掉死亡后仍发放）。下面对 0.5 到 0.999 的每个阈值重新聚类、重新检测（不重新打分，不写文件），
# 看人数、关联数和各类疑点数怎样变化；有标注时（合成县的真值，或审核人员对关联的标注）再看
# 精确率与召回率。最后对选定的阈值做一次"试算"：与已发布的结果相比，哪些疑点会新增、哪些会消失。

# %%
import altair as alt
import pandas as pd

from models.case_types import CASE_LABELS
from models.evaluation.linking import truth_pair_labels
from models.evaluation.sweep import SWEEP_THRESHOLDS, sweep_thresholds
from models.evaluation.workbench import open_workbench
from models.tuning import what_if
from resolver.labels import current_labels, splink_labels
from resolver.link import review_model

bench = open_workbench()
con, configuration = bench.con, bench.configuration
tools = {"policy": configuration.policy, "settings": configuration.settings,
         "risk": configuration.risk}  # fmt: skip
print("当前阈值:", configuration.settings.threshold)

# %%
by_threshold, by_type = sweep_thresholds(con, SWEEP_THRESHOLDS, truth_dir=bench.truth_dir, **tools)
by_type["疑点类型"] = by_type["case_type"].map(CASE_LABELS)
by_threshold

# %%
alt.Chart(by_type, title="各阈值下的疑点数").mark_line(point=True).encode(
    x=alt.X("threshold:O", title="阈值"),
    y=alt.Y("cases:Q", title="疑点数"),
    color="疑点类型:N",
    tooltip=["threshold", "疑点类型", "cases"],
)

# %% [markdown]
# ## 精确率与召回率（有真值时）

# %%
if bench.truth_dir is not None:
    linking = by_threshold.melt(
        id_vars="threshold", value_vars=["link_precision", "link_recall"], var_name="指标"
    )
    scored = by_type.melt(
        id_vars=["threshold", "疑点类型"], value_vars=["precision", "recall"], var_name="指标"
    )
    display(
        alt.Chart(linking, title="人员关联（成对）")
        .mark_line(point=True)
        .encode(x="threshold:O", y=alt.Y("value:Q", scale=alt.Scale(zero=False)), color="指标:N")
    )
    display(
        alt.Chart(scored, title="各类疑点")
        .mark_line(point=True)
        .encode(
            x="threshold:O", y="value:Q", color="指标:N", facet=alt.Facet("疑点类型:N", columns=4)
        )
    )

# %% [markdown]
# ## 阈值选择图（Splink，按标注）
# 标注来自合成县的真值；真实数据上来自审核人员在案件中对关联的标注（"同一人"/"不是同一人"）。

# %%
labels = (
    truth_pair_labels(con, bench.truth_dir)
    if bench.truth_dir is not None
    else splink_labels(current_labels(con))
)
print("标注对数:", len(labels))
review = review_model(con)
if len(labels):
    display(review.accuracy_chart(labels, "precision_recall"))
review.accuracy_chart(labels) if len(labels) else "尚无标注"

# %% [markdown]
# ## 试算：选定阈值与已发布结果的差异（不改动已发布的运行）

# %%
CHOSEN = 0.99
change = what_if(con, bench.run_id, CHOSEN, **tools)
counts = pd.DataFrame(change.counts).T.rename(index=CASE_LABELS)
counts.columns = ["当前", "试算", "新增", "消失"]
counts

# %%
pd.DataFrame(
    [{"变化": "新增", "疑点": case.case_id, "类型": CASE_LABELS[case.case_type],
      "风险分": case.risk_score} for case in change.appear]
    + [{"变化": "消失", "疑点": case["case_id"], "类型": CASE_LABELS[case["case_type"]],
        "风险分": case["risk_score"]} for case in change.disappear],
    columns=["变化", "疑点", "类型", "风险分"],
)  # fmt: skip
