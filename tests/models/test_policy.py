"""Policy files: the contract's defaults and one profile per source document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.policy import POLICY_DIR, RULE_LABELS, load_policy, policy_from_dict
from resolver.errors import DoudiError

PROFILES = {"大姚县": "dayao", "梁平区回龙镇": "liangping_huilong", "沙坡头区": "shapotou",
            "兴安盟": "xinganmeng"}  # fmt: skip
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


@pytest.mark.parametrize(("name", "stem"), PROFILES.items())
def test_a_profile_loads_by_its_name_or_file(name, stem):
    by_name, by_stem = load_policy(name), load_policy(stem)
    assert by_name == by_stem and by_name.name == name
    assert set(by_name.sources) <= set(RULE_LABELS)
    assert not set(by_name.sources) & set(by_name.defaults)


@pytest.mark.parametrize("name", PROFILES)
def test_what_a_document_does_not_state_is_an_inherited_default(name):
    profile, default = load_policy(name), load_policy()
    assert "dibao_standard_year" in profile.defaults
    for rule in profile.defaults:
        assert getattr(profile, rule) == getattr(default, rule)
    assert not default.defaults


def test_the_documents_differ_where_they_differ():
    exits = {name: load_policy(name).gradual_exit_months for name in PROFILES}
    assert exits == {"大姚县": 12, "梁平区回龙镇": 6, "沙坡头区": 6, "兴安盟": 24}
    assert "gradual_exit_months" in load_policy("沙坡头区").defaults
    assert load_policy("沙坡头区").bc_min_covered == 2
    assert load_policy("大姚县").bc_min_covered is None


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the source documents are not beside the checkout")
@pytest.mark.parametrize("name", PROFILES)
def test_every_cited_sentence_is_in_its_document(name):
    texts = "\n".join(path.read_text(encoding="utf-8") for path in SEEDS.glob("*.txt"))
    for rule, sentences in load_policy(name).sources.items():
        for sentence in sentences:
            assert sentence in texts, (rule, sentence)


def test_liangping_checks_its_key_groups_and_shapotou_compares_rural_cases():
    assert load_policy("梁平区回龙镇").key_groups == ("not_lifted", "relapsed", "marginal")
    assert load_policy("沙坡头区").roster_comparison_areas == ("rural",)
    assert load_policy().roster_comparison_areas == ()


def test_gradual_exit_is_for_poverty_households_where_the_documents_say_so():
    scopes = {name: load_policy(name).gradual_exit_scope for name in PROFILES}
    assert scopes == {"大姚县": "poverty_households", "梁平区回龙镇": "poverty_households",
                      "沙坡头区": "all", "兴安盟": "poverty_households"}  # fmt: skip
    assert load_policy().gradual_exit_scope == "all"  # the contract is silent: as before
    assert "gradual_exit_scope" in load_policy("沙坡头区").defaults
    assert load_policy("兴安盟").covered_after_exit == ("not_lifted", "relapsed", "monitored")
    assert all(not load_policy(name).covered_after_exit for name in PROFILES if name != "兴安盟")


def test_a_policy_record_without_the_gradual_exit_scope_reads_as_before():
    values = json.loads((POLICY_DIR / "default.json").read_text(encoding="utf-8"))
    del values["gradual_exit_scope"], values["covered_after_exit"]
    policy = policy_from_dict(values, source="an older run")
    assert policy.gradual_exit_scope == "all" and policy.covered_after_exit == ()


def test_a_bad_policy_names_what_is_wrong(tmp_path):
    broken = tmp_path / "broken.json"
    values = json.loads((POLICY_DIR / "default.json").read_text(encoding="utf-8"))
    del values["gradual_exit_months"]
    broken.write_text(json.dumps(values | {"colour": "red"}), encoding="utf-8")
    with pytest.raises(DoudiError, match=r"gradual_exit_months.*colour"):
        load_policy(broken)
    with pytest.raises(DoudiError, match="已有的政策为"):
        load_policy("火星县")
    values = json.loads((POLICY_DIR / "default.json").read_text(encoding="utf-8"))
    broken.write_text(json.dumps(values | {"roster_comparison_areas": ["城市"]}), encoding="utf-8")
    with pytest.raises(DoudiError, match="roster_comparison_areas"):
        load_policy(broken)
    broken.write_text(json.dumps(values | {"gradual_exit_scope": "建档立卡"}), encoding="utf-8")
    with pytest.raises(DoudiError, match="gradual_exit_scope"):
        load_policy(broken)


@pytest.mark.parametrize(("amounts", "said"), [
    ({"a": {"2025-01": 455}}, "类别 'a' 无法识别"),  # would be ignored: the ledger's taken
    ({"低保B类": {"2025-01": 455}}, "类别 '低保B类' 无法识别"),
    ({"A": {"2025-1": 455}}, "'2025-1' 应写作 年-月"),  # "2025-1" > "2025-10" as text
    ({"A": {"2025-01": "455元"}}, "金额 '455元' 应为不小于 0 的数"),
    ({"tekun": {"2025-01": -880}}, "金额 -880 应为不小于 0 的数"),
])  # fmt: skip
def test_class_amounts_the_policy_would_read_wrong_are_refused(tmp_path, amounts, said):
    values = json.loads((POLICY_DIR / "default.json").read_text(encoding="utf-8"))
    broken = tmp_path / "amounts.json"
    broken.write_text(json.dumps(values | {"monthly_amounts": amounts}), encoding="utf-8")
    with pytest.raises(DoudiError, match=said):
        load_policy(broken)
    fine = {"A": {"2025-01": 455, "2026-01": 480.5}, "tekun": {"2025-01": 880}}
    broken.write_text(json.dumps(values | {"monthly_amounts": fine}), encoding="utf-8")
    assert load_policy(broken).monthly_amounts == fine


def test_single_person_conditions_and_group_three_are_profile_data():
    assert load_policy().single_person_conditions == ()
    assert load_policy("梁平区回龙镇").single_person_conditions == ("not_lifted",)
    dayao = load_policy("大姚县")
    assert dayao.single_person_conditions[-1] == "application"
    assert "severely_disabled_member" in dayao.key_groups
    assert "single_person_conditions" in load_policy("沙坡头区").defaults
