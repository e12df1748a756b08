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
# # (b) 人员关联模型（Splink）
#
# 本次运行训练出的 Splink 模型：各比较项的匹配权重、m/u 概率、几对记录的瀑布图（每个比较项如何
# 推高或压低匹配权重），以及各分块规则产生的比较对数。数据来源同笔记本 (a)。

# %%
import pandas as pd

from models.evaluation.workbench import open_workbench
from resolver.link import review_model

bench = open_workbench()
con = bench.con
review = review_model(con)

# %% [markdown]
# ## 匹配权重

# %%
review.match_weights_chart()

# %% [markdown]
# ## m 与 u 概率

# %%
review.m_u_parameters_chart()

# %% [markdown]
# ## 瀑布图：最强的关联、最接近阈值的关联和未合并的可能匹配

# %%
threshold = bench.configuration.settings.threshold
strongest = con.sql(
    "SELECT unique_id_l, unique_id_r FROM person_links ORDER BY match_probability DESC, unique_id_l, unique_id_r LIMIT 1"
).fetchall()
borderline = con.execute(
    "SELECT unique_id_l, unique_id_r FROM scored_pairs ORDER BY abs(match_probability - ?), unique_id_l, unique_id_r "
    "LIMIT 2",
    [threshold],
).fetchall()
refused = con.sql(
    "SELECT unique_id_l, unique_id_r FROM possible_matches ORDER BY match_probability DESC, unique_id_l, unique_id_r "
    "LIMIT 1"
).fetchall()
review.waterfall_chart(strongest + borderline + refused)

# %% [markdown]
# ## 分块规则
# 每条规则在前面规则之外新增的比较对数（所有行）。

# %%
review.blocking_rules_chart()

# %%
pd.DataFrame(
    con.sql(
        "SELECT reason, count(*) AS pairs FROM possible_matches GROUP BY ALL ORDER BY 2 DESC"
    ).fetchall(),
    columns=["未合并原因", "对数"],
)
