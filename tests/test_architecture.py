"""The rooms of the house and the doors between them (docs/architecture.md), checked on the
imports of every module: a change that breaks a rule fails here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("resolver", "models", "api")
# The measurement wing: synthetic counties, scoring, peers, stress, bench.
WING = ("resolver.synthetic", "models.evaluation", "api.loadtest")
# The one entry that may open the wing: `doudi run` without a drop writes a synthetic county
# first; `doudi evaluate`, `bench`, `stress`, `calibrate` measure.
WING_ENTRIES = ("api.cli",)
# The tables linking hands over (resolver.outputs): models reads them through its readers.
OUTPUT_TABLES = ("PERSONS", "ENTITIES", "PERSON_LINKS", "LINK_EXPLANATIONS", "POSSIBLE_MATCHES",
                 "LINK_MODEL")  # fmt: skip
OUTPUT_SQL = re.compile(
    r"\b(?:FROM|JOIN)\s+\{?(?:persons|entities|person_links|link_explanations|possible_matches"
    r"|link_model)\b"
)


def _modules() -> dict[str, ast.Module]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            found[name] = ast.parse(path.read_text(encoding="utf-8"))
    return found


MODULES = _modules()


def _imports(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return names


def _within(name: str, rooms: tuple[str, ...]) -> bool:
    return any(name == room or name.startswith(room + ".") for room in rooms)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_run_one_way_api_models_resolver(module):
    below = {"resolver": ("models", "api"), "models": ("api",), "api": ()}[module.split(".")[0]]
    assert not [name for name in _imports(MODULES[module]) if _within(name, below)]


@pytest.mark.parametrize(
    "module", sorted(m for m in MODULES if not _within(m, WING + WING_ENTRIES))
)
def test_no_product_module_imports_the_measurement_wing(module):
    assert not [name for name in _imports(MODULES[module]) if _within(name, WING)]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_only_the_backends_touch_splink(module):
    """Splink on DuckDB behind one door, Splink on Spark behind another."""
    touches = [name for name in _imports(MODULES[module]) if _within(name, ("splink",))]
    assert not touches or module in {"resolver.splink_backend", "resolver.spark_backend"}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_only_the_spark_backend_and_the_spark_search_touch_spark(module):
    touches = [name for name in _imports(MODULES[module]) if _within(name, ("pyspark",))]
    assert not touches or module in {"resolver.spark_backend", "models.spark_detection"}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_only_one_module_opens_duckdb(module):
    opens = [node for node in ast.walk(MODULES[module])
             if isinstance(node, ast.Attribute) and node.attr == "connect"
             and isinstance(node.value, ast.Name) and node.value.id == "duckdb"]  # fmt: skip
    assert not opens or module == "resolver.db"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("api.routers.")))
def test_routes_reach_the_core_only_through_the_api(module):
    """A router imports dependencies, schemas, the store's parts and the API's services; the
    core (``models``, ``resolver``) only through them."""
    assert not [name for name in _imports(MODULES[module]) if _within(name, ("models", "resolver"))]


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _within(m, ("models",))))
def test_models_read_the_resolvers_outputs_only_through_its_readers(module):
    """``models`` imports the readers of ``resolver.outputs``, never the names of its tables."""
    tree = MODULES[module]
    named = {f"resolver.outputs.{table}" for table in OUTPUT_TABLES}
    assert not [name for name in _imports(tree) if name in named]
    assert not [node.attr for node in ast.walk(tree)
                if isinstance(node, ast.Attribute) and node.attr in OUTPUT_TABLES]  # fmt: skip


@pytest.mark.parametrize(
    "module", sorted(m for m in MODULES if _within(m, ("models",)) and not _within(m, WING))
)
def test_models_write_no_sql_over_the_resolvers_outputs(module):
    """No SQL in a product module of ``models`` reads a table linking hands over (the wing
    compares linking methods on their own tables)."""
    texts = [node.value if isinstance(node, ast.Constant) else ast.unparse(node)
             for node in ast.walk(MODULES[module])
             if isinstance(node, ast.JoinedStr)
             or (isinstance(node, ast.Constant) and isinstance(node.value, str))]  # fmt: skip
    assert not [match.group() for text in texts for match in OUTPUT_SQL.finditer(text)]


def test_the_output_rules_see_the_readers_and_the_sql():
    """The two checks above are not vacuous: graph and publication import the readers, and
    the pattern finds SQL over the outputs, by name or through a table argument."""
    readers = {module for module, tree in MODULES.items()
               if any(_within(name, ("resolver.outputs",)) for name in _imports(tree))}  # fmt: skip
    assert {"models.graph", "models.publish"} <= readers
    written = ast.unparse(ast.parse('f"SELECT p.id18 FROM {registry} t JOIN {entities} e"'))
    assert OUTPUT_SQL.search(written)
    assert OUTPUT_SQL.search("SELECT id18 FROM persons WHERE id18 IS NOT NULL")
    assert not OUTPUT_SQL.search("the persons resolved FROM the registries")


def test_the_rules_see_the_wing_and_its_entries():
    """The checks above are not vacuous: the wing is imported, by its entries only."""
    importers = {module for module, tree in MODULES.items()
                 if any(_within(name, WING) for name in _imports(tree))}  # fmt: skip
    assert {"api.cli.job", "api.cli.measuring"} <= importers
    assert importers <= {m for m in MODULES if _within(m, WING + WING_ENTRIES)}
