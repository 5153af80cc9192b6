"""Content YAML is read by libyaml where PyYAML has it, and by PyYAML's own
parser otherwise: the two must read every file alike, down to the lines that
messages name, and a text nested too deeply for libyaml is left to PyYAML."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator import yamlfile

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(yamlfile._Fast is yamlfile._Loader,
                                reason="PyYAML is built without libyaml here")


def texts() -> list[tuple[str, str, int]]:
    """Every YAML text of the project's content and tests: its files, and
    the front matter of its summaries (which starts on line 2)."""
    found = []
    for folder in ("content", "tests"):
        for path in sorted((ROOT / folder).rglob("*.yml")):
            found.append((str(path.relative_to(ROOT)), path.read_text("utf-8-sig"), 1))
        for path in sorted((ROOT / folder).rglob("summaries/*.md")):
            text = path.read_text("utf-8-sig")
            if text.startswith("---\n") and "\n---\n" in text[4:]:
                found.append((str(path.relative_to(ROOT)), text[4:text.index("\n---\n", 4)], 2))
    return found


def described(value) -> object:
    """A value with all that the reader records of it: lines, duplicates,
    the text each scalar was written as, the source of each number."""
    if isinstance(value, yamlfile.LineDict):
        return ("map", value.line, sorted(value.key_lines.items(), key=repr), value.duplicates,
                sorted(value.written.items(), key=repr),
                [(described(k), described(v)) for k, v in value.items()])
    if isinstance(value, yamlfile.LineList):
        return ("list", value.line, value.item_lines, [described(v) for v in value])
    if isinstance(value, yamlfile.SourceFloat):
        return ("float", float(value), value.source)
    return (type(value).__name__, value)


def read(kind: type, text: str, first_line: int) -> object:
    try:
        return described(yamlfile._load(kind, text, "f.yml", first_line))
    except yamlfile.ContentError as err:
        return ("error", [str(p) for p in err.problems])


def test_the_project_has_yaml_texts_of_every_kind():
    found = texts()
    assert len(found) > 30
    assert any(first == 2 for _, _, first in found)


def read_as_the_survey_does(text: str, first_line: int) -> object:
    try:
        return described(yamlfile.load_yaml(text, "f.yml", first_line))
    except yamlfile.ContentError as err:
        return ("error", [str(p) for p in err.problems])


def alike(text: str, first_line: int) -> None:
    """libyaml reads the text as PyYAML does; where libyaml refuses it, the
    survey gives PyYAML's message."""
    own, fast = read(yamlfile._Loader, text, first_line), read(yamlfile._Fast, text, first_line)
    if own[0] != "error":
        assert fast == own
    assert read_as_the_survey_does(text, first_line) == (own if fast[0] == "error" else fast)


@pytest.mark.parametrize(("name", "text", "first_line"), texts(), ids=lambda v: str(v)[:60])
def test_libyaml_and_pyyaml_read_each_text_alike(name, text, first_line):
    alike(text, first_line)


@pytest.mark.parametrize("text", [
    "a: 1\na: 2\n",  # a key given twice
    "n: 2401.01230\ndate: 2024-02-30\nwhen: 2024-02-03\n",  # numbers and dates as written
    "- [a, b]\n- {c: d}\n-\n  - e\n",
    "a: &x [one, two]\nb: *x\n",
    "text: \"\\ud800\"\n",  # a lone surrogate: an error either way
])
def test_small_texts_read_alike(text):
    alike(text, 1)


def test_a_tab_inside_a_value_is_read_as_yaml_reads_it():
    # PyYAML's own parser refused this text; libyaml reads it as YAML says.
    assert read(yamlfile._Loader, "a: b\tc\n", 1)[0] == "error"
    assert yamlfile.load_yaml("a: b\tc\n", "f.yml") == {"a": "b\tc"}


@pytest.mark.parametrize(("text", "line", "code"), [
    ("a: 1\nb: \"bell\x07\"\n", 2, "0007"),
    ("a: x\x7f\n", 1, "007F"),
    ("a: 1\n\nb: [\ufffe]\n", 3, "FFFE"),
])
def test_a_character_no_yaml_holds_is_named_with_its_line(text, line, code):
    with pytest.raises(yamlfile.ContentError) as raised:
        yamlfile.load_yaml(text, "f.yml", 5)
    assert [str(p) for p in raised.value.problems] == [
        f"f.yml:{line + 4}: not valid YAML: character U+{code} is not allowed in a YAML file: "
        f"remove it (in a double-quoted value, write it as \\u{code.lower()})"]


def test_a_text_libyaml_refuses_gets_pyyamls_message():
    problems = []
    try:
        yamlfile.load_yaml("title: a: b\n", "f.yml")
    except yamlfile.ContentError as err:
        problems = [str(p) for p in err.problems]
    assert problems == ['f.yml:1: not valid YAML: mapping values are not allowed here; a value '
                        'holding \': \' must be in quotes: write title: "a: b"']


@pytest.mark.parametrize("depth", [yamlfile.DEEP, yamlfile.DEEP + 1])
def test_nesting_up_to_the_limit_is_read_by_libyaml_and_deeper_by_pyyaml(depth):
    text = "[" * depth + "]" * depth
    assert yamlfile._shallow(text) is (depth <= yamlfile.DEEP)
    value = yamlfile.load_yaml(text, "f.yml")
    for _ in range(depth - 1):
        value = value[0]
    assert value == []


def test_a_text_nested_a_hundred_thousand_deep_is_refused_not_a_crash():
    # In a process of its own: libyaml's composer would end it with a crash.
    code = ("from generator.yamlfile import load_yaml\n"
            "from generator.errors import ContentError\n"
            "try:\n    load_yaml('[' * 100000 + ']' * 100000, 'f.yml')\n"
            "except ContentError as err:\n    print(err.problems[0])\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert (run.returncode, run.stdout) == (0, "f.yml: not valid content: nested too deeply\n")


def test_libyaml_is_what_reads_the_survey(monkeypatch):
    # The point of it: the survey's largest file is read by libyaml, once.
    used = []
    load = yamlfile._load
    monkeypatch.setattr(yamlfile, "_load", lambda kind, *rest: used.append(kind) or load(kind, *rest))
    yamlfile.read_yaml(ROOT / "content" / "metadata.yml", "content/metadata.yml")
    assert used == [yamlfile._Fast]
    assert issubclass(yamlfile._Fast, yaml.CSafeLoader)
