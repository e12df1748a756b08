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
# # (a) 登记表概况与数据质量
#
# 读取一次运行的 DuckDB 文件（环境变量 `DOUDI_DB`，合成县的真值目录 `DOUDI_TRUTH`）；
# 未设置时先在临时目录中生成并运行一个小型合成县。本笔记本只读，不改动文件。
#
# Registries read, rows, ID numbers by status, filled share of every column, and the
# data-quality findings of ingest.

# %%
import altair as alt
import pandas as pd

from models.evaluation.workbench import open_workbench
from resolver.quality import completeness, findings_by_problem, problem_label, quality_summary

bench = open_workbench()
con = bench.con
print("运行:", bench.run_id)

# %% [markdown]
# ## 各登记表行数与身份证号状态

# %%
summary = quality_summary(con)
registries = pd.DataFrame(
    [
        {"登记表": item.registry, "文件": item.file_name, "行数": item.rows,
         "日期无法识别": item.dates_unparsed, "其他问题": item.other_problems}
        for item in summary
    ]
)  # fmt: skip
registries

# %%
ids = pd.DataFrame(
    [
        {"登记表": item.registry, "身份证号状态": status, "行数": count}
        for item in summary
        for status, count in item.ids.items()
    ]
)
alt.Chart(ids, title="身份证号状态").mark_bar().encode(
    x=alt.X("行数:Q", stack="normalize", title="占比"),
    y=alt.Y("登记表:N"),
    color="身份证号状态:N",
    tooltip=["登记表", "身份证号状态", "行数"],
)

# %% [markdown]
# ## 各列填写率

# %%
filled = pd.DataFrame(completeness(con), columns=["登记表", "列", "填写率"])
alt.Chart(filled, title="各列填写率").mark_rect().encode(
    x=alt.X("列:N", sort=None),
    y="登记表:N",
    color=alt.Color("填写率:Q", scale=alt.Scale(domain=[0, 1])),
    tooltip=["登记表", "列", alt.Tooltip("填写率:Q", format=".1%")],
)

# %% [markdown]
# ## 数据质量问题（按出现次数）

# %%
findings = pd.DataFrame(findings_by_problem(con), columns=["登记表", "列", "问题", "条数"])
findings["说明"] = findings["问题"].map(problem_label)
findings.head(30)

# %%
alt.Chart(findings.head(20), title="最常见的问题").mark_bar().encode(
    x="条数:Q", y=alt.Y("说明:N", sort="-x"), color="登记表:N", tooltip=["登记表", "列", "条数"]
)
