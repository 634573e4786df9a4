"""Configuration: finding pyproject.toml, keys and errors, selection, globs, inputs, noqa, pre-commit manifest."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cnnlint import rules
from cnnlint.config import (
    ALL,
    DEFAULT_EXCLUDE,
    ConfigError,
    Settings,
    discover_settings,
    enabled_codes,
    expand_selector,
    find_config,
    glob_match,
    inputs_for,
    is_enabled,
    is_excluded,
    is_suppressed,
    load_settings,
    parse_noqa,
)

ROOT = Path(__file__).resolve().parent.parent
ALL_CODES = frozenset(rules.RULES)


def write_pyproject(directory: Path, body: str, *, header: str = "[tool.cnnlint]\n") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "pyproject.toml"
    path.write_text(header + body, encoding="utf-8")
    return path


def settings_from(tmp_path: Path, body: str, **cli) -> Settings:
    return load_settings(write_pyproject(tmp_path, body), **cli)


# ------------------------------------------------------------------------------------------ finding


def test_find_config_walks_upwards(tmp_path):
    config = write_pyproject(tmp_path, 'select = ["CNL001"]\n')
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    (nested / "net.py").write_text("", encoding="utf-8")
    assert find_config(nested / "net.py") == config
    assert find_config(nested) == config
    assert find_config(tmp_path) == config


def test_find_config_skips_a_pyproject_without_our_table(tmp_path):
    config = write_pyproject(tmp_path, 'ignore = ["CNL003"]\n')
    write_pyproject(tmp_path / "sub", "line-length = 100\n", header="[tool.ruff]\n")
    assert find_config(tmp_path / "sub" / "model.py") == config


def test_find_config_mentioning_cnnlint_elsewhere_is_skipped(tmp_path):
    write_pyproject(tmp_path / "sub", 'name = "cnnlint-plugin"\n', header="[project]\n")
    found = find_config(tmp_path / "sub" / "x.py")
    assert found is None or not str(found).startswith(str(tmp_path))


def test_find_config_none_without_any(tmp_path):
    found = find_config(tmp_path / "x.py")
    # a pyproject with [tool.cnnlint] above the temporary directory is not ours; there should be none
    assert found is None or not str(found).startswith(str(tmp_path))


def test_find_config_for_a_file_that_does_not_exist(tmp_path):
    config = write_pyproject(tmp_path, "")
    assert find_config(tmp_path / "pkg" / "stdin_name.py") == config


def test_find_config_broken_toml_mentioning_us_is_an_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.cnnlint\nselect = [", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid TOML"):
        find_config(tmp_path / "x.py")


def test_load_defaults_without_config(tmp_path):
    settings = load_settings(None, cwd=tmp_path)
    assert settings.select == ALL_CODES
    assert settings.root == tmp_path
    assert settings.source is None
    assert settings.exclude == DEFAULT_EXCLUDE
    assert settings.inputs == {}


def test_load_records_root_and_source(tmp_path):
    config = write_pyproject(tmp_path / "proj", 'ignore = ["CNL003"]\n')
    settings = load_settings(config)
    assert settings.root == tmp_path / "proj"
    assert settings.source == config
    assert "CNL003" not in settings.select and "CNL003" in settings.ignore


def test_explicit_config_with_other_name_reads_top_level_keys(tmp_path):
    path = tmp_path / "cnnlint.toml"
    path.write_text('select = ["CNL001"]\n', encoding="utf-8")
    assert load_settings(path).select == {"CNL001"}


def test_explicit_config_with_tool_table(tmp_path):
    path = tmp_path / "custom.toml"
    path.write_text('[tool.cnnlint]\nselect = ["CNL002"]\n', encoding="utf-8")
    assert load_settings(path).select == {"CNL002"}


def test_pyproject_without_table_gives_defaults(tmp_path):
    path = write_pyproject(tmp_path, "line-length = 88\n", header="[tool.black]\n")
    settings = load_settings(path)
    assert settings.select == ALL_CODES and settings.root == tmp_path


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml")


def test_discover_settings(tmp_path):
    write_pyproject(tmp_path, 'select = ["CNL001"]\n')
    assert discover_settings(tmp_path / "m.py").select == {"CNL001"}
    assert discover_settings(tmp_path / "m.py", cli_select=["CNL002"]).select == {"CNL002"}


# ------------------------------------------------------------------------------------------ errors


def test_unknown_key_names_the_key(tmp_path):
    with pytest.raises(ConfigError) as err:
        settings_from(tmp_path, 'selct = ["CNL001"]\n')
    assert "tool.cnnlint.selct" in str(err.value)
    assert "select" in str(err.value)  # suggestion
    assert str(tmp_path / "pyproject.toml") in str(err.value)


def test_underscore_key_suggests_kebab_case(tmp_path):
    with pytest.raises(ConfigError, match="per-file-ignores"):
        settings_from(tmp_path, 'per_file_ignores = {"a.py" = ["CNL001"]}\n')


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ('select = "CNL001"\n', "select"),
        ("select = [1]\n", "select"),
        ('ignore = {"a" = 1}\n', "ignore"),
        ("exclude = 3\n", "exclude"),
        ('extend-exclude = "build"\n', "extend-exclude"),
        ('per-file-ignores = ["a.py"]\n', "per-file-ignores"),
        ('per-file-ignores = {"a.py" = "CNL001"}\n', "per-file-ignores"),
        ('inputs = ["net"]\n', "inputs"),
        ('inputs = {"m.py::net" = "1,3,224,224"}\n', "inputs"),
        ('inputs = {"m.py::net" = []}\n', "inputs"),
        ('inputs = {"m.py::net" = [1, 0, 3]}\n', "inputs"),
        ('inputs = {"m.py::net" = [1, true]}\n', "inputs"),
        ('inputs = {"m.py::net" = [1, 3.5]}\n', "inputs"),
        ('inputs = {"m.py::net" = [1, "3x"]}\n', "inputs"),
        ('inputs = {"m.py::" = [1, 3]}\n', "inputs"),
        ('inputs = {"::net" = [1, 3]}\n', "inputs"),
    ],
)
def test_bad_values_name_the_key(tmp_path, body, key):
    with pytest.raises(ConfigError) as err:
        settings_from(tmp_path, body)
    assert f"tool.cnnlint.{key}" in str(err.value)


def test_section_that_is_not_a_table(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text('[tool]\ncnnlint = "yes"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="must be a table"):
        load_settings(path)


def test_invalid_toml(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.cnnlint]\nselect = [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_settings(path)


def test_unknown_code_in_file_names_key_and_code(tmp_path):
    with pytest.raises(ConfigError) as err:
        settings_from(tmp_path, 'ignore = ["CNL0011"]\n')
    assert "tool.cnnlint.ignore" in str(err.value) and "CNL0011" in str(err.value)


def test_unknown_code_in_per_file_ignores(tmp_path):
    with pytest.raises(ConfigError, match="E501"):
        settings_from(tmp_path, 'per-file-ignores = {"a.py" = ["E501"]}\n')


@pytest.mark.parametrize("option", ["cli_select", "cli_ignore", "cli_extend_select"])
def test_unknown_code_on_the_command_line_names_it(tmp_path, option):
    with pytest.raises(ConfigError) as err:
        load_settings(None, cwd=tmp_path, **{option: ["CNL001", "XYZ9"]})
    flag = "--" + option[4:].replace("_", "-")
    assert flag in str(err.value) and "XYZ9" in str(err.value)


def test_expand_selector():
    assert expand_selector("CNL0") == {c for c in rules.RULES if c.startswith("CNL0")}
    assert {"CNL001", "CNL007"} <= expand_selector("CNL0")
    assert "CNL100" not in expand_selector("CNL0")
    assert expand_selector("ALL") == ALL_CODES
    assert expand_selector("cnl001") == {"CNL001"}
    with pytest.raises(ConfigError, match="did you mean `CNL002`"):
        expand_selector("CNL0022")


# ------------------------------------------------------------------------------------------ selection


def test_select_prefix_and_ignore(tmp_path):
    settings = settings_from(tmp_path, 'select = ["CNL0"]\nignore = ["CNL003"]\n')
    assert settings.select == expand_selector("CNL0") - {"CNL003"}


def test_more_specific_select_beats_broader_ignore(tmp_path):
    settings = settings_from(tmp_path, 'ignore = ["CNL0"]\nextend-select = ["CNL003"]\n')
    assert "CNL003" in settings.select and "CNL001" not in settings.select
    assert "CNL100" in settings.select


def test_equal_specificity_ignore_wins(tmp_path):
    settings = settings_from(tmp_path, 'select = ["CNL001"]\nignore = ["CNL001"]\n')
    assert settings.select == frozenset()


def test_extend_select_adds_to_select(tmp_path):
    settings = settings_from(tmp_path, 'select = ["CNL001"]\nextend-select = ["CNL100"]\n')
    assert settings.select == {"CNL001", "CNL100"}


def test_cli_select_overrides_file(tmp_path):
    settings = settings_from(tmp_path, 'select = ["CNL001"]\nignore = ["CNL002"]\n', cli_select=["CNL002", "CNL003"])
    assert settings.select == {"CNL002", "CNL003"}


def test_cli_ignore_and_extend_select_adjust_file(tmp_path):
    body = 'select = ["CNL001", "CNL002"]\n'
    assert settings_from(tmp_path, body, cli_ignore=["CNL001"]).select == {"CNL002"}
    assert settings_from(tmp_path, body, cli_extend_select=["CNL005"]).select == {"CNL001", "CNL002", "CNL005"}


def test_cli_codes_split_on_commas(tmp_path):
    settings = load_settings(None, cwd=tmp_path, cli_select=["CNL001,CNL002", " CNL003 "])
    assert settings.select == {"CNL001", "CNL002", "CNL003"}


def test_cli_select_all(tmp_path):
    settings = settings_from(tmp_path, 'select = ["CNL001"]\n', cli_select=["ALL"])
    assert settings.select == ALL_CODES


def test_internal_and_syntax_errors_cannot_be_turned_off(tmp_path):
    settings = settings_from(tmp_path, 'select = ["CNL001"]\nignore = ["CNL9"]\n')
    path = tmp_path / "a.py"
    assert is_enabled(settings, "CNL999", path) and is_enabled(settings, "CNL998", path)
    assert not is_enabled(settings, "CNL002", path)
    assert {"CNL001", "CNL998", "CNL999"} == enabled_codes(settings, path)


def test_per_file_ignores(tmp_path):
    settings = settings_from(
        tmp_path,
        'per-file-ignores = { "tests/**" = ["CNL005"], "__init__.py" = ["ALL"], "legacy/*.py" = ["CNL0"], '
        '"!models/**" = ["CNL100"] }\n',
    )
    assert not is_enabled(settings, "CNL005", tmp_path / "tests" / "unit" / "test_a.py")
    assert is_enabled(settings, "CNL001", tmp_path / "tests" / "unit" / "test_a.py")
    assert is_enabled(settings, "CNL005", tmp_path / "src" / "tests.py")
    assert not is_enabled(settings, "CNL001", tmp_path / "pkg" / "deep" / "__init__.py")
    assert is_enabled(settings, "CNL999", tmp_path / "pkg" / "__init__.py")
    assert not is_enabled(settings, "CNL003", tmp_path / "legacy" / "old.py")
    assert is_enabled(settings, "CNL003", tmp_path / "src" / "legacy" / "old.py")  # anchored at the config dir
    assert not is_enabled(settings, "CNL100", tmp_path / "src" / "x.py")  # negated pattern
    assert is_enabled(settings, "CNL100", tmp_path / "models" / "x.py")


def test_per_file_ignores_relative_to_config_dir_not_cwd(tmp_path, monkeypatch):
    settings = settings_from(tmp_path / "proj", 'per-file-ignores = { "gen/*.py" = ["CNL001"] }\n')
    monkeypatch.chdir(tmp_path)
    assert not is_enabled(settings, "CNL001", tmp_path / "proj" / "gen" / "a.py")
    assert not is_enabled(settings, "CNL001", Path("proj/gen/a.py"))
    assert is_enabled(settings, "CNL001", tmp_path / "gen" / "a.py")


# ------------------------------------------------------------------------------------------ exclude


def test_default_excludes(tmp_path):
    settings = load_settings(None, cwd=tmp_path)
    assert is_excluded(settings, tmp_path / ".venv" / "lib" / "torch" / "nn.py")
    assert is_excluded(settings, tmp_path / "a" / "build" / "x.py")
    assert is_excluded(settings, tmp_path / "node_modules")
    assert not is_excluded(settings, tmp_path / "src" / "builder.py")
    assert not is_excluded(settings, tmp_path / "models" / "net.py")


def test_exclude_replaces_defaults_and_extend_exclude_adds(tmp_path):
    settings = settings_from(tmp_path, 'exclude = ["generated"]\nextend-exclude = ["tests/data/**", "*_pb2.py"]\n')
    assert settings.exclude == ("generated", "tests/data/**", "*_pb2.py")
    assert not is_excluded(settings, tmp_path / "build" / "x.py")
    assert is_excluded(settings, tmp_path / "pkg" / "generated" / "x.py")
    assert is_excluded(settings, tmp_path / "tests" / "data" / "x.py")
    assert is_excluded(settings, tmp_path / "tests" / "data")  # the directory itself, so a walk can skip it
    assert not is_excluded(settings, tmp_path / "tests" / "test_data.py")
    assert not is_excluded(settings, tmp_path / "src" / "tests" / "data" / "x.py")
    assert is_excluded(settings, tmp_path / "src" / "msg_pb2.py")


def test_extend_exclude_keeps_defaults(tmp_path):
    settings = settings_from(tmp_path, 'extend-exclude = ["legacy"]\n')
    assert is_excluded(settings, tmp_path / ".git" / "hooks" / "x.py")
    assert is_excluded(settings, tmp_path / "legacy" / "x.py")


def test_is_excluded_accepts_either_argument_order(tmp_path):
    settings = load_settings(None, cwd=tmp_path)
    assert is_excluded(tmp_path / "build" / "x.py", settings)


def test_excludes_only_apply_under_root_for_anchored_patterns(tmp_path):
    settings = settings_from(tmp_path / "proj", 'exclude = ["data/**", "build"]\n')
    assert not is_excluded(settings, tmp_path / "data" / "x.py")
    # a directory above the root called "build" does not exclude everything below it
    assert not is_excluded(settings, tmp_path / "build" / "other" / "x.py")
    assert is_excluded(settings, tmp_path / "elsewhere" / "build")  # its own name still matches


def test_cli_exclude_overrides(tmp_path):
    settings = settings_from(tmp_path, 'exclude = ["a"]\n', cli_exclude=["b"], cli_extend_exclude=["c"])
    assert settings.exclude == ("b", "c")


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("build", "build", True),
        ("build", "x/build/y.py", True),
        ("build", "x/builder.py", False),
        ("*.py", "a/b.py", True),
        ("a/*.py", "a/b.py", True),
        ("a/*.py", "a/c/b.py", False),
        ("a/**/b.py", "a/b.py", True),
        ("a/**/b.py", "a/x/y/b.py", True),
        ("**/gen", "x/y/gen/z.py", True),
        ("./src/legacy", "src/legacy/x.py", True),
        ("/src", "src/x.py", True),
        ("src/", "src/x.py", True),
        ("m?del.py", "model.py", True),
        ("m[ao]del.py", "madel.py", True),
        ("m[!o]del.py", "model.py", False),
        ("data/**", "data", True),
        ("tests/data/**", "tests/data/x/y.py", True),
    ],
)
def test_glob_match(tmp_path, pattern, path, expected):
    assert glob_match(pattern, tmp_path / path, tmp_path) is expected


# ------------------------------------------------------------------------------------------ inputs


def test_inputs_parsed_and_looked_up(tmp_path):
    settings = settings_from(
        tmp_path,
        '[tool.cnnlint.inputs]\n"models/alexnet.py::net" = [1, 3, 224, 224]\n'
        '"models/resnet.py::ResNet" = ["B", 3, 224, 224]\n'
        '"models/resnet.py::self.features" = [1, 64, 56, 56]\n',
    )
    assert settings.inputs["models/alexnet.py::net"] == (1, 3, 224, 224)
    assert inputs_for(settings, tmp_path / "models" / "alexnet.py") == {"net": (1, 3, 224, 224)}
    assert inputs_for(settings, tmp_path / "models" / "resnet.py") == {
        "ResNet": ("B", 3, 224, 224),
        "self.features": (1, 64, 56, 56),
    }
    assert inputs_for(settings, tmp_path / "other.py") == {}
    assert inputs_for(settings, tmp_path / "sub" / "models" / "alexnet.py") == {}


def test_inputs_globs_and_bare_names_with_precedence(tmp_path):
    settings = settings_from(
        tmp_path,
        '[tool.cnnlint.inputs]\n"net" = [1, 1, 28, 28]\n"models/*.py::net" = [1, 3, 32, 32]\n'
        '"models/big.py::net" = [1, 3, 224, 224]\n"lenet.py::net" = [1, 1, 32, 32]\n',
    )
    assert inputs_for(settings, tmp_path / "x.py") == {"net": (1, 1, 28, 28)}
    assert inputs_for(settings, tmp_path / "models" / "small.py") == {"net": (1, 3, 32, 32)}
    assert inputs_for(settings, tmp_path / "models" / "big.py") == {"net": (1, 3, 224, 224)}
    assert inputs_for(settings, tmp_path / "deep" / "lenet.py") == {"net": (1, 1, 32, 32)}


def test_inputs_relative_filename_against_cwd(tmp_path, monkeypatch):
    settings = settings_from(tmp_path, '[tool.cnnlint.inputs]\n"m.py::net" = [1, 3]\n')
    monkeypatch.chdir(tmp_path)
    assert inputs_for(settings, Path("m.py")) == {"net": (1, 3)}


# ------------------------------------------------------------------------------------------ noqa


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("x = 1", None),
        ("nn.Linear(9216, 4096),  # noqa", ALL),
        ("nn.Linear(9216, 4096),  # NOQA", ALL),
        ("nn.Linear(9216, 4096),  #noqa", ALL),
        ("nn.Linear(9216, 4096),  # noqa:", ALL),
        ("nn.Linear(9216, 4096),  # noqa: CNL001", frozenset({"CNL001"})),
        ("nn.Linear(9216, 4096),  # noqa:CNL001", frozenset({"CNL001"})),
        ("nn.Linear(9216, 4096),  # NOQA:CNL001", frozenset({"CNL001"})),
        ("nn.Linear(9216, 4096),  # noqa: CNL001,CNL002", frozenset({"CNL001", "CNL002"})),
        ("nn.Linear(9216, 4096),  # noqa: CNL001, CNL002", frozenset({"CNL001", "CNL002"})),
        ("nn.Linear(9216, 4096),  # noqa: CNL001 CNL002", frozenset({"CNL001", "CNL002"})),
        ("nn.Linear(9216, 4096),  # noqa: cnl001", frozenset({"CNL001"})),
        ("nn.Linear(9216, 4096),  # noqa: E501", frozenset({"E501"})),
        ("nn.Linear(9216, 4096),  # noqa: CNL001 -- the size is set later", frozenset({"CNL001"})),
        ("nn.Linear(9216, 4096),  # type: ignore  # noqa: CNL001", frozenset({"CNL001"})),
        ("nn.Linear(9216, 4096),  # noqa-foo", None),
        ("snoqa = 1", None),
    ],
)
def test_parse_noqa(line, expected):
    assert parse_noqa(line) == expected if expected is not ALL else parse_noqa(line) is ALL


def test_noqa_membership():
    assert "CNL001" in parse_noqa("x  # noqa")
    assert "CNL001" not in parse_noqa("x  # noqa: E501")
    assert is_suppressed("CNL001", "x  # noqa: CNL001")
    assert not is_suppressed("CNL002", "x  # noqa: CNL001")
    assert not is_suppressed("CNL001", "x  # noqa: E501")
    assert is_suppressed("CNL003", "x  # noqa")
    assert not is_suppressed("CNL003", "x = 1")
    assert repr(ALL) == "ALL"


# ------------------------------------------------------------------------------------------ pre-commit


def test_pre_commit_manifest():
    yaml = pytest.importorskip("yaml")
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"cnnlint", "cnnlint-fix"}
    assert hooks["cnnlint"]["entry"] == "cnnlint check --force-exclude"
    assert hooks["cnnlint-fix"]["entry"] == "cnnlint check --force-exclude --fix"
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types_or"] == ["python", "pyi", "jupyter"]
        assert hook["require_serial"] is True
        assert hook["description"]


def test_pre_commit_manifest_validates():
    pytest.importorskip("pre_commit")
    exe = shutil.which("pre-commit") or None
    cmd = [exe] if exe else [sys.executable, "-m", "pre_commit"]
    result = subprocess.run(
        [*cmd, "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_is_excluded_agrees_with_matching_each_pattern_alone() -> None:
    """is_excluded matches all name patterns in one regex; the answer must be glob_match's, pattern by pattern."""
    import itertools

    from cnnlint.config import Settings, glob_match, is_excluded

    root = Path("/proj")
    patterns = ["build", "*.pyc", "tests/data/**", "src/legacy", "/proj/gen/*.py", "a?c", "[ab]*", "**/deep", "x/**/y"]
    paths = ["/proj/build/x.py", "/proj/src/legacy/m.py", "/proj/tests/data/a/b.py", "/other/build", "/other/abc"]
    paths += ["/proj/gen/k.py", "/proj/q/deep/z.py", "/proj/x/1/2/y/z.py", "/proj/bcd.py", "/proj", "rel/build/x.py"]
    for size in (0, 1, 2, len(patterns)):
        for chosen in itertools.islice(itertools.combinations(patterns, size), 40):
            settings = Settings(exclude=chosen, root=root)
            for path in paths:
                expected = any(glob_match(pattern, path, root) for pattern in chosen)
                assert is_excluded(settings, path) == expected, (chosen, path)


def test_finding_and_reading_the_configuration_parse_it_once(tmp_path, monkeypatch):
    """A hook call finds the file (does it hold [tool.cnnlint]?) then reads the table: one TOML parse (2 ms
    of a 140 ms call); a changed file is parsed again."""
    import tomllib

    parses = []
    real = tomllib.loads
    monkeypatch.setattr(tomllib, "loads", lambda text: parses.append(text) or real(text))
    write_pyproject(tmp_path, 'ignore = ["CNL003"]\n')
    settings = load_settings(find_config(tmp_path / "net.py"))
    net = tmp_path / "net.py"
    assert not is_enabled(settings, "CNL003", net) and len(parses) == 1
    write_pyproject(tmp_path, 'ignore = ["CNL004"]\n')
    settings = load_settings(find_config(tmp_path / "net.py"))
    assert not is_enabled(settings, "CNL004", net) and is_enabled(settings, "CNL003", net) and len(parses) == 2
