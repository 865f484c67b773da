"""`toolbox balance` as a user runs it: formats, batch mode, errors and exit statuses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "balance"
KMNO4 = "KMnO4 + HCl -> KCl + MnCl2 + H2O + Cl2"


def test_single_equation_prints_balance(cli):
    result = cli(["balance", KMNO4])
    assert result.exit_code == 0
    assert result.stdout == "2 KMnO4 + 16 HCl -> 2 KCl + 2 MnCl2 + 8 H2O + 5 Cl2\n"
    assert result.stderr == ""


def test_verbose_reports_method(cli):
    result = cli(["balance", "-v", "H2 + O2 -> H2O"])
    assert result.exit_code == 0
    assert result.stderr == "toolbox: info: H2 + O2 -> H2O: nullity 1, rank 2, rule unique, total 5, 0 elementary reactions\n"


def test_several_reactions_warn_on_stderr(cli):
    result = cli(["balance", "Cu + HNO3 -> Cu(NO3)2 + NO + NO2 + H2O"])
    assert result.exit_code == 0
    assert result.stdout == "2 Cu + 6 HNO3 -> 2 Cu(NO3)2 + NO + NO2 + 3 H2O\n"
    assert "nullity 2" in result.stderr
    assert "elementary reaction: 3 Cu + 8 HNO3 -> 3 Cu(NO3)2 + 2 NO + 4 H2O" in result.stderr


def test_all_lists_elementary_reactions(cli):
    result = cli(["balance", "--all", "Cu + HNO3 -> Cu(NO3)2 + NO + NO2 + H2O"])
    assert result.stdout.splitlines() == [
        "Cu + 4 HNO3 -> Cu(NO3)2 + 2 NO2 + 2 H2O",
        "3 Cu + 8 HNO3 -> 3 Cu(NO3)2 + 2 NO + 4 H2O",
    ]
    # The warning about the smallest-total balance would describe a line not printed.
    assert result.stderr == ""


def test_all_respects_limit(cli):
    result = cli(["balance", "--all", "--limit", "3",
                  "NH4ClO4 + HNO3 + HCl -> HClO4 + NOCl + N2O + N2O3 + H2O + Cl2"])
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 3
    assert "printed 3 of 16 elementary reactions" in result.stderr


def test_tie_is_reported(cli):
    result = cli(["balance", "H2O2 + CO -> O2 + CH4 + H2O + C"])
    assert result.stdout == "3 H2O2 + 3 CO -> 4 O2 + CH4 + H2O + 2 C\n"
    assert "2 balances share the smallest total 14" in result.stderr


@pytest.mark.parametrize(("style", "expected"), [
    ("unicode", "Cr₂O₇²⁻ + 6 Fe²⁺ + 14 H⁺ → 2 Cr³⁺ + 6 Fe³⁺ + 7 H₂O\n"),
    ("latex", "\\ce{Cr2O7^{2-} + 6 Fe^{2+} + 14 H^{+} -> 2 Cr^{3+} + 6 Fe^{3+} + 7 H2O}\n"),
])
def test_typeset_formats(cli, style, expected):
    result = cli(["balance", "-f", style, "Cr2O7^2- + Fe^2+ + H+ -> Cr^3+ + Fe^3+ + H2O"])
    assert result.stdout == expected


def test_json_has_stable_keys(cli):
    result = cli(["balance", "-f", "json", "Cu + HNO3 -> Cu(NO3)2 + NO + NO2 + H2O"])
    record = json.loads(result.stdout)
    assert list(record) == ["input", "status", "balanced", "species", "nullity", "rank", "unique",
                            "canonical", "elementary", "elementary_count", "added_species",
                            "checks", "warnings"]
    assert record["canonical"] == {"rule": "min_total_then_lex", "total": 15, "ties": False,
                                   "optima": 1, "certified": True}
    assert record["checks"]["N"] == [6, 6]
    assert record["species"][0] == {"text": "Cu", "side": "reactant", "coefficient": 2,
                                    "composition": {"Cu": 1}, "charge": 0, "phase": None,
                                    "added": False}


def test_json_error_record_and_status(cli):
    result = cli(["balance", "-f", "json", "CO -> CO2"])
    assert result.exit_code == 1
    record = json.loads(result.stdout)
    assert record["status"] == "error"
    assert record["error"]["code"] == "E_NO_BALANCE"
    assert result.stderr.startswith("toolbox: error: only the all-zero solution")


@pytest.mark.parametrize(("equation", "status", "words"), [
    ("H2 + O2 H2O", 2, "no arrow"),
    ("H2 -> H -> H2", 2, "2 arrows"),
    ("H2O ->", 2, "product side"),
    ("Ch3OH + O2 -> CO2 + H2O", 2, "unknown element symbol 'Ch'"),
    ("ch3oh + O2 -> CO2 + H2O", 2, "lower-case"),
    ("[Fe(CN)6)^3- + e- -> [Fe(CN)6]^4-", 2, "closes '['"),
    ("Fe3+ + e- -> Fe2+", 2, "Fe^3+, Fe{3+} or Fe+3"),
    ("C + CO + CO2 -> C + CO", 2, "both sides"),
    ("H2 + CO -> H2O", 1, "C occurs only among the reactants"),
    ("Fe^3+ -> Fe^2+", 1, "charge cannot"),
    ("CO -> CO2", 1, "all-zero"),
    ("NaCl + H2O -> NaOH + HCl + O2", 1, "O2 must have coefficient 0"),
    ("H2O + O2 -> H2", 1, "2 H2O -> O2 + 2 H2"),
    ("H2O + C21H29N7O17P3 + C3H4O3 -> H + C2H2O4(CH2)2 + C21H30N7O17P3", 1, "negative"),
    ("H2 ++ O2 -> H2O", 2, "empty species between '+' signs"),
    ("(H2 + O2 -> H2O", 2, "never closed"),
    ("1/2 O2 + H2 -> H2O", 2, "fractional coefficient"),
    ("H2(x) + O2 -> H2O", 2, "unknown phase '(x)'"),
    ("0 O2 + H2 -> H2O", 2, "coefficient 0"),
    ("Fe^3+ + e- + e- -> Fe", 2, "listed twice"),
    ("H2 + O2 -> H2O^+-", 2, "unexpected character '^'"),
    ("(" * 2000 + "H" + ")2" * 2000 + " + O2 -> H2O", 2, "nested more than 100 levels"),
    ("CaCO3 -> CaO + CO2↑", 2, "write the phase as (s) or (g)"),
    ("¹⁴C -> ¹⁴N + e⁻", 2, "isotope mass numbers are not read"),
])
def test_errors_have_status_and_one_line(cli, equation, status, words):
    result = cli(["balance", equation])
    assert result.exit_code == status
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("toolbox: error: ")
    assert words in result.stderr


def test_medium_and_electrons(cli):
    basic = cli(["balance", "--medium", "basic", "MnO4- + I- -> MnO2 + I2"])
    assert basic.stdout == "2 MnO4- + 6 I- + 4 H2O -> 2 MnO2 + 3 I2 + 8 OH-\n"
    half = cli(["balance", "--electrons", "Zn -> Zn^2+"])
    assert half.stdout == "Zn -> Zn^2+ + 2 e-\n"


def test_medium_cannot_supply_elements(cli):
    result = cli(["balance", "--medium", "acidic", "Fe^3+ -> Cu^2+"])
    assert result.exit_code == 1
    assert "medium species cannot supply" in result.stderr


def test_groups_make_answer_unique(cli):
    result = cli(["balance", "--groups", "Ph=C6H5", "PhC2H5 + O2 -> PhOH + CO2 + H2O"])
    assert result.stdout == "2 PhC2H5 + 7 O2 -> 2 PhOH + 4 CO2 + 4 H2O\n"
    assert result.stderr == ""


def test_broken_group_names_fix(cli):
    result = cli(["balance", "--groups", "Ph=C6H5", "PhOH + O2 -> CO2 + H2O"])
    assert result.exit_code == 1
    assert "groups declared with --groups (Ph) are never split into atoms" in result.stderr


@pytest.mark.parametrize("spec", ["Ph", "ph=C6H5", "Ac=CH3CO", "Ph=C6H5,Ph=C6H5", "Ph=C6Xx5"])
def test_invalid_groups_rejected(cli, spec):
    result = cli(["balance", "--groups", spec, "PhOH -> PhOH"])
    assert result.exit_code == 2
    assert result.stderr.startswith("toolbox: error: --groups: ")


def test_check_accepts_and_rejects(cli):
    good = cli(["balance", "--check", "2 H2 + O2 -> 2 H2O"])
    assert good.exit_code == 0
    assert good.stdout == "2 H2 + O2 -> 2 H2O  [H 4=4, O 2=2]\n"
    bad = cli(["balance", "--check", "H2 + O2 -> H2O"])
    assert bad.exit_code == 1
    assert "O 2≠1" in bad.stderr
    assert "balanced form: 2 H2 + O2 -> 2 H2O" in bad.stderr


def test_check_rejects_medium(cli):
    result = cli(["balance", "--check", "--medium", "acidic", "H2 + O2 -> H2O"])
    assert result.exit_code == 2


def test_batch_from_stdin_goes_past_bad_lines(cli):
    text = "# comment\nH2 + O2 -> H2O\n\nCO -> CO2\nFe3+ -> Fe2+\nN2 + H2 -> NH3  # Haber\n"
    result = cli(["balance", "-"], input=text)
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        "2 H2 + O2 -> 2 H2O",
        "# error E_NO_BALANCE: CO -> CO2",
        "# error E_AMBIGUOUS_CHARGE: Fe3+ -> Fe2+",
        "N2 + 3 H2 -> 2 NH3",
    ]
    assert "<stdin>:4: only the all-zero solution" in result.stderr
    assert "2 of 4 equations failed (1 unreadable, 1 without a valid balance)" in result.stderr


def test_batch_goes_past_invalid_utf8_line(cli):
    data = b"H2 + O2 -> H2O\nNaCl \xb7 H2O -> NaCl + H2O\nN2 + H2 -> NH3\n"
    result = cli(["balance", "-"], input=data)
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        "2 H2 + O2 -> 2 H2O",
        "# error E_SYNTAX: NaCl \ufffd H2O -> NaCl + H2O",
        "N2 + 3 H2 -> 2 NH3",
    ]
    assert "<stdin>:2: invalid UTF-8 byte b'\\xb7' at column 6; convert the file to UTF-8" in result.stderr


def test_latex_batch_errors_are_comments(cli):
    result = cli(["balance", "-f", "latex", "-"], input="H2 + O2 -> H2O\nCO -> CO2\n")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "\\ce{2 H2 + O2 -> 2 H2O}",
        "% error E_NO_BALANCE: CO -> CO2",
    ]


def test_batch_without_unreadable_lines_exits_1(cli):
    result = cli(["balance", "-"], input="H2 + O2 -> H2O\nCO -> CO2\n")
    assert result.exit_code == 1


def test_batch_jsonl_and_json(cli):
    text = "H2 + O2 -> H2O\nCO -> CO2\n"
    lines = cli(["balance", "-", "-f", "jsonl"], input=text).stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["status"] for r in records] == ["ok", "error"]
    assert [r["line"] for r in records] == [1, 2]
    document = json.loads(cli(["balance", "-", "-f", "json"], input=text).stdout)
    assert document == records


def test_positional_file_and_input_option_agree(cli, tmp_path):
    path = tmp_path / "eqs.txt"
    path.write_text("H2 + O2 -> H2O\nN2 + H2 -> NH3\n", encoding="utf-8")
    positional = cli(["balance", str(path)])
    option = cli(["balance", "--input", str(path)])
    assert positional.exit_code == option.exit_code == 0
    assert positional.stdout == option.stdout == "2 H2 + O2 -> 2 H2O\nN2 + 3 H2 -> 2 NH3\n"


def test_mistyped_file_name_is_not_found(cli):
    result = cli(["balance", "fixtures/balance/no-such-file.txt"])
    assert result.exit_code == 2
    assert "file not found" in result.stderr


def test_demo_file_balances_completely(cli):
    result = cli(["balance", str(FIXTURES / "equations.txt")])
    assert result.exit_code == 0, result.stderr
    equations = [line for line in (FIXTURES / "equations.txt").read_text(encoding="utf-8")
                 .splitlines() if line.split("#")[0].strip()]
    assert len(result.stdout.splitlines()) == len(equations)


def test_output_file(cli, tmp_path):
    target = tmp_path / "out.txt"
    result = cli(["balance", "-o", str(target), "H2 + O2 -> H2O"])
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8") == "2 H2 + O2 -> 2 H2O\n"


@pytest.mark.parametrize("hydrate", ["MgCl2 * 6 H2O", "MgCl2·6 H2O", "MgCl2 · 6H2O"])
def test_spaced_hydrate_balances(cli, hydrate):
    result = cli(["balance", f"{hydrate} -> MgCl2 + H2O"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{hydrate} -> MgCl2 + 6 H2O\n"


@pytest.mark.parametrize(("equation", "expected"), [
    ("Fe(3+) + e(-) -> Fe(2+)", "Fe(3+) + e(-) -> Fe(2+)"),
    ("SO4(2-) + Ba(+2) -> BaSO4(s)", "SO4(2-) + Ba(+2) -> BaSO4(s)"),
    ("Fe(3+)(aq)+e-=Fe(2+)(aq)", "Fe(3+)(aq) + e- -> Fe(2+)(aq)"),
    ("H2 (g) + O2 (g) -> H2O (l)", "2 H2 (g) + O2 (g) -> 2 H2O (l)"),
])
def test_parenthesised_charge_and_spaced_phase(cli, equation, expected):
    result = cli(["balance", equation])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected + "\n"


@pytest.mark.parametrize("equation", ["H2O(l) -> H2O(g)", "NaCl(s) -> NaCl(aq)"])
def test_phase_change_is_no_duplicate(cli, equation):
    result = cli(["balance", equation])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == equation + "\n"


def test_same_phase_twice_is_duplicate(cli):
    result = cli(["balance", "C(s) + O2(g) -> CO2(g) + C(s)"])
    assert result.exit_code == 2
    assert "C(s) appears on both sides" in result.stderr


@pytest.mark.parametrize(("style", "expected"), [
    ("text", "N2 + 3 H2 <=> 2 NH3"),
    ("unicode", "N₂ + 3 H₂ ⇌ 2 NH₃"),
    ("latex", "\\ce{N2 + 3 H2 <=> 2 NH3}"),
])
def test_equilibrium_arrow_is_kept(cli, style, expected):
    result = cli(["balance", "-f", style, "N2 + H2 ⇌ NH3"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected + "\n"


def test_failed_equation_leaves_no_output_file(cli, tmp_path):
    target = tmp_path / "out.txt"
    result = cli(["balance", "-o", str(target), "CO -> CO2"])
    assert result.exit_code == 1
    assert not target.exists()
    json_target = tmp_path / "out.json"
    result = cli(["balance", "-f", "json", "-o", str(json_target), "CO -> CO2"])
    assert result.exit_code == 1
    assert json.loads(json_target.read_text(encoding="utf-8"))["status"] == "error"


@pytest.mark.parametrize(("args", "words"), [
    (["balance", "H2 + O2 -> H2O", "--input", "x.txt"], "not both"),
    (["balance", "--input", "/nonexistent/eqs.txt"], "file not found"),
    (["balance", "--limit", "0", "H2 + O2 -> H2O"], "--limit"),
    (["balance", "--medium", "neutral", "H2 + O2 -> H2O"], "--medium"),
    (["balance", "--format", "xml", "H2 + O2 -> H2O"], "--format"),
])
def test_usage_errors(cli, args, words):
    result = cli(args)
    assert result.exit_code == 2
    assert words in result.stderr


def test_empty_batch_is_an_error(cli):
    result = cli(["balance", "-"], input="# only a comment\n\n")
    assert result.exit_code == 2
    assert "no equations found" in result.stderr
    as_json = cli(["balance", "-f", "json", "-"], input="")
    assert as_json.exit_code == 2
    assert as_json.stdout == ""


def test_huge_number_is_rejected(cli):
    result = cli(["balance", "C" + "9" * 5000 + " + O2 -> CO2"])
    assert result.exit_code == 2
    assert "digits" in result.stderr


def test_help_and_balance_skip_heavy_imports():
    code = (
        "import sys\n"
        "from toolbox.cli.main import run\n"
        "run(['balance', '--help'])\n"
        "run(['balance', 'KMnO4 + HCl -> KCl + MnCl2 + H2O + Cl2'])\n"
        "heavy = [m for m in ('numpy', 'scipy', 'sympy', 'numba') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in done.stdout


def test_closed_pipe_exits_quietly(toolbox_script):
    lines = "\n".join(["H2 + O2 -> H2O"] * 20000) + "\n"
    done = subprocess.run(
        f"'{sys.executable}' -m toolbox.cli.main balance - | head -1",
        shell=True, input=lines.encode(), capture_output=True, timeout=300,
    )
    assert done.stdout == b"2 H2 + O2 -> 2 H2O\n"
    assert done.stderr == b""


def test_cold_call_is_deterministic(toolbox_script):
    first = toolbox_script(["balance", "-f", "json", "H2O2 + CO -> O2 + CH4 + H2O + C"])
    second = toolbox_script(["balance", "-f", "json", "H2O2 + CO -> O2 + CH4 + H2O + C"])
    assert first.returncode == 0
    assert first.stdout == second.stdout


def test_medium_with_several_reactions(cli):
    result = cli(["balance", "--medium", "acidic", "MnO4- + H2O2 -> Mn^2+ + O2"])
    assert result.exit_code == 0
    assert result.stdout == "2 MnO4- + H2O2 + 6 H+ -> 2 Mn^2+ + 3 O2 + 4 H2O\n"
    assert "nullity 2" in result.stderr
    listed = cli(["balance", "--medium", "acidic", "--all", "MnO4- + H2O2 -> Mn^2+ + O2"])
    assert listed.stdout.splitlines() == [
        "2 H2O2 -> O2 + 2 H2O",
        "4 MnO4- + 12 H+ -> 4 Mn^2+ + 5 O2 + 6 H2O",
    ]


@pytest.mark.parametrize(("medium", "expected"), [
    ("acidic", "H2O2 -> O2 + 2 H+ + 2 e-"),
    ("basic", "H2O2 + 2 OH- -> O2 + 2 H2O + 2 e-"),
])
def test_electrons_give_half_reaction(cli, medium, expected):
    # Without the electron rule the smaller disproportionation 2 H2O2 -> O2 + 2 H2O won.
    result = cli(["balance", "--medium", medium, "--electrons", "H2O2 -> O2"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected + "\n"
    assert "with a non-zero e- coefficient" in result.stderr


def test_json_names_electron_rule(cli):
    added = cli(["balance", "-f", "json", "--medium", "acidic", "--electrons", "H2O2 -> O2"])
    record = json.loads(added.stdout)
    assert record["canonical"]["rule"] == "electrons_then_min_total_then_lex"
    assert record["canonical"]["total"] == 6
    assert record["added_species"] == ["H+", "e-"]
    typed = cli(["balance", "-f", "json", "Fe^3+ + Cu + e- -> Fe^2+ + Cu^2+"])
    assert json.loads(typed.stdout)["canonical"]["rule"] == "electrons_then_min_total_then_lex"


def test_electrons_without_any_transfer_warn(cli):
    several = cli(["balance", "-f", "json", "--electrons", "C + O2 -> CO + CO2"])
    assert several.exit_code == 0
    record = json.loads(several.stdout)
    assert record["balanced"] == "3 C + 2 O2 -> 2 CO + CO2"
    assert record["canonical"]["rule"] == "min_total_then_lex"
    assert "W_NO_ELECTRONS" in [w["code"] for w in record["warnings"]]
    unique = cli(["balance", "--electrons", "H2 + O2 -> H2O"])
    assert unique.stdout == "2 H2 + O2 -> 2 H2O\n"
    assert "e- has coefficient 0 in every balance" in unique.stderr


def test_batch_all_marks_each_equation(cli):
    text = "C + O2 -> CO + CO2\nH2 + O2 -> H2O  # unique\nCO -> CO2\n"
    result = cli(["balance", "--all", "-"], input=text)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "# C + O2 -> CO + CO2",
        "C + O2 -> CO2",
        "2 C + O2 -> 2 CO",
        "# H2 + O2 -> H2O",
        "2 H2 + O2 -> 2 H2O",
        "# error E_NO_BALANCE: CO -> CO2",
    ]
    # The markers are comments, so the output is itself a valid equation file.
    again = cli(["balance", "-"], input=result.stdout)
    assert again.exit_code == 0, again.stderr


@pytest.mark.parametrize(("style", "expected"), [
    ("latex", ["% C + O2 -> CO + CO2", "\\ce{C + O2 -> CO2}", "\\ce{2 C + O2 -> 2 CO}",
               "% N2 + H2 -> NH3", "\\ce{N2 + 3 H2 -> 2 NH3}"]),
    ("unicode", ["# C + O2 -> CO + CO2", "C + O₂ → CO₂", "2 C + O₂ → 2 CO",
                 "# N2 + H2 -> NH3", "N₂ + 3 H₂ → 2 NH₃"]),
])
def test_batch_all_marks_in_typeset_formats(cli, style, expected):
    result = cli(["balance", "--all", "-f", style, "-"], input="C + O2 -> CO + CO2\nN2 + H2 -> NH3\n")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == expected


def test_single_equation_all_has_no_marker(cli):
    result = cli(["balance", "--all", "C + O2 -> CO + CO2"])
    assert result.stdout.splitlines() == ["C + O2 -> CO2", "2 C + O2 -> 2 CO"]
