"""Tests of the Isar-to-Minilang translator: hand-checked translations, sample coverage, claim accounting."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolbox.algos.minilang import translate as translate_module
from toolbox.algos.minilang.corpus import translate_source
from toolbox.algos.minilang.isar import parse_theory
from toolbox.algos.minilang.lang import check_blocks, parse_script, print_script
from toolbox.algos.minilang.translate import (
    APPROXIMATIONS,
    REASONS,
    STATUSES,
    Options,
    translate_goal,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "minilang"
THEORY_FILES = sorted(FIXTURES.rglob("*.thy"))


def translate_one(source: str, **options):
    theory = parse_theory(f"theory T imports Main begin\n{source}\nend\n")
    assert len(theory.goals) == 1
    return translate_goal(theory.goals[0], Options(**options))


# Each case: Isar proof, options, expected status, expected Minilang (checked by hand
# against the translation rules in toolbox.algos.minilang.translate).
EXPECTED = {
    "terminal_hammer": (
        'lemma foo: "x = x" by auto', {}, "translated",
        "END\n",
    ),
    "terminal_facts": (
        'lemma "P" using c by (simp add: a b del: d)', {}, "translated",
        "END WITH c a b WITHOUT d\n",
    ),
    "terminal_keep": (
        'lemma "P" using c by (metis a b)', {"tactics": "keep"}, "translated",
        "APPLY (metis a b) WITH c\nEND\n",
    ),
    "assume_then_show": (
        'lemma "A ⟹ C"\nproof -\n  assume a: "A"\n  then have "B" by (rule ab)\n'
        '  then show "C" using bc by blast\nqed', {}, "translated",
        'INTRO\nCONFIG a = assm0\nHAVE fact0: "B" END WITH assm0 ab\nEND WITH fact0 bc\n',
    ),
    "also_finally_dots": (
        'lemma "a = d"\nproof -\n  have "a = b" by simp\n  also have "… = c" by (simp add: bc)\n'
        '  also have "\\<dots> = d" by simp\n  finally show ?thesis .\nqed', {}, "approximate",
        'HAVE fact0: "a = b" END\nHAVE fact1: "b = c" END WITH bc\nHAVE fact2: "c = d" END\n'
        "END WITH fact0 fact1 fact2\n",
    ),
    "moreover_ultimately": (
        'lemma "P"\nproof -\n  have "A" by simp\n  moreover have "B" by auto\n'
        "  ultimately show ?thesis by (simp add: foo)\nqed", {}, "translated",
        'HAVE fact0: "A" END\nHAVE fact1: "B" END\nEND WITH fact0 fact1 foo\n',
    ),
    "induct_cases": (
        'lemma "f n = g n"\nproof (induct n)\n  case 0\n  show ?case by simp\nnext\n'
        "  case (Suc n)\n  then show ?case by (simp add: Suc.IH)\nqed", {}, "translated",
        "INDUCT n\nNEXT VARS n\nEND WITH Suc Suc.IH\n",
    ),
    "case_split": (
        'lemma "P x"\nproof (cases "x = 0")\n  case True\n  then show ?thesis by simp\nnext\n'
        "  case False\n  then show ?thesis using pos by auto\nqed", {}, "translated",
        'CASE_SPLIT "x = 0"\nNEXT WITH True\nEND WITH False pos\n',
    ),
    "obtain": (
        'lemma "Q"\nproof -\n  obtain k where "m = 2 * k" using even by blast\n'
        "  then show ?thesis by simp\nqed", {}, "translated",
        'CONSIDER k where fact0: "m = 2 * k" END WITH even\nEND WITH fact0\n',
    ),
    "consider_cases": (
        'lemma "P n"\nproof -\n  consider (zero) "n = 0" | (pos) "n > 0" by blast\n'
        "  then show ?thesis\n  proof cases\n    case zero\n    then show ?thesis by simp\n"
        "  next\n    case pos\n    then show ?thesis by auto\n  qed\nqed", {}, "translated",
        'CONSIDER zero: "n = 0" | pos: "n > 0" END\nNEXT WITH zero\nEND WITH pos\n',
    ),
    "braces_block": (
        'lemma "Q"\nproof -\n  {\n    fix x\n    assume a: "x ∈ S"\n    then have "P x" by auto\n'
        "  }\n  then show ?thesis by blast\nqed", {}, "translated",
        'HAVE fact0: "P x" if a: "x ∈ S" for x END WITH a\nEND WITH fact0\n',
    ),
    "apply_faithful": (
        'lemma "A ∧ B ⟶ B ∧ A"\n  apply (rule impI)\n  apply (erule conjE)\n  apply (rule conjI)\n'
        "   apply assumption\n  apply assumption\n  done", {}, "translated",
        "APPLY (rule impI)\nAPPLY (erule conjE)\nAPPLY (rule conjI)\nAPPLY (assumption)\n"
        "APPLY (assumption)\nEND\n",
    ),
    "apply_structured": (
        'lemma "length (rev xs) = length xs"\n  apply (induct xs)\n   apply simp\n'
        "  apply (simp add: foo)\n  done", {"scripts": "structured"}, "approximate",
        "INDUCT xs\nEND WITH foo\n",
    ),
    "subgoals": (
        'lemma "A ∧ B"\n  apply (rule conjI)\n  subgoal by (simp add: a)\n  subgoal for x by auto\n  done',
        {}, "translated",
        "APPLY (rule conjI)\nNEXT WITH a\nINTRO VARS x\nEND\n",
    ),
    "define_let_note": (
        'lemma "P"\nproof -\n  define y where "y = x + 1"\n  let ?z = "y * 2"\n  note h = foo bar\n'
        "  show ?thesis using h y_def by simp\nqed", {}, "translated",
        'DEFINE y where "y = x + 1"\nLET ?z = "y * 2"\nCONFIG h = foo bar\nEND WITH h y_def\n',
    ),
    "interpret": (
        'lemma "P"\nproof -\n  interpret g: group G by (rule grp)\n  show ?thesis by simp\nqed',
        {}, "translated",
        "OPEN_MODULE g: group G END WITH grp\nEND\n",
    ),
    "rule_branches": (
        'lemma "A ∧ B"\nproof (rule conjI)\n  show "A" by (rule a)\nnext\n  show "B" by (rule b)\nqed',
        {}, "approximate",
        "RULE conjI\nNEXT WITH a\nEND WITH b\n",
    ),
    "thesis_in_have": (
        'lemma "A"\nproof -\n  have "A" by simp\n  then have ?thesis by simp\n  then show ?thesis .\nqed',
        {}, "translated",
        'HAVE fact0: "A" END\nHAVE fact1: "A" END WITH fact0\nEND WITH fact1\n',
    ),
    "prefer_as_tactic": (
        'lemma "A ∧ B"\n  apply (rule conjI)\n  prefer 2\n  apply simp\n  defer\n  apply auto\n  done',
        {}, "approximate",
        "APPLY (rule conjI)\nAPPLY (tactic ‹prefer_tac 2›)\nAPPLY (simp)\nAPPLY (tactic ‹defer_tac 1›)\n"
        "APPLY (auto)\nEND\n",
    ),
    "cases_without_next": (
        'lemma "P n"\nproof (induct n)\n  case 0 show ?case by simp\n'
        '  case (Suc m) then show ?case by (simp add: s)\nqed', {}, "translated",
        "INDUCT n\nNEXT VARS m\nEND WITH Suc s\n",
    ),
    "consider_in_have": (
        'lemma "Q"\nproof -\n  consider "A" | "B" by blast\n  then have "C"\n  proof cases\n'
        '    assume a: "A"\n    then show ?thesis by simp\n  next\n    assume "B"\n'
        '    then show ?thesis by auto\n  qed\n  then show ?thesis by blast\nqed', {}, "translated",
        'HAVE fact2: "C"\n  CONSIDER fact0: "A" | fact1: "B" END\n  CONFIG a = fact0\n  NEXT WITH fact0\n'
        "END WITH fact1\nEND WITH fact2\n",
    ),
    "braces_with_next": (
        'lemma "Q"\nproof -\n  {\n    assume "A"\n    then have "B" by simp\n  next\n'
        '    fix y\n    have "C y" by auto\n  }\n  then show ?thesis by blast\nqed', {}, "translated",
        'HAVE fact1: "B" if fact0: "A" END WITH fact0\nHAVE fact2: "C y" for y END\nEND WITH fact2\n',
    ),
    "two_shows_become_haves": (
        'lemma "A ∧ B"\nproof (rule conjI)\n  have h: "C" by simp\n  show "A" using h by auto\n'
        '  show "B" by (simp add: b)\nqed', {}, "translated",
        'RULE conjI\nHAVE h: "C" END\nHAVE fact0: "A" END WITH h\nHAVE fact1: "B" END WITH b\n'
        "END WITH fact0 fact1\n",
    ),
    "dots_and_this_bindings": (
        'lemma "f x = z"\nproof -\n  have "f x = g x + 1" by simp\n  also have "?this ⟷ True" by simp\n'
        '  have "… = y" by simp\n  show ?thesis sorry\nqed', {}, "approximate",
        'HAVE fact0: "f x = g x + 1" END\nHAVE fact1: "(f x = g x + 1) ⟷ True" END\n'
        'HAVE fact2: "True = y" END\nEND\n',
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_expected_translation(name):
    source, options, status, minilang = EXPECTED[name]
    result = translate_one(source, **options)
    assert result.status == status
    assert result.minilang == minilang


@pytest.mark.parametrize(("source", "reason"), [
    ('lemma "False" oops', "oops"),
    ('lemma "P"\nproof -\n  guess x by auto\n  show ?thesis by simp\nqed', "guess"),
    ('lemma "P"\n  apply simp\n  back\n  done', "back"),
    ('lemma "P"\nproof -\n  { have "A" by simp note this }\n  show ?thesis by simp\nqed',
     "braces_not_ending_in_claim"),
    ('lemma "P"\nproof (induct x)\n  case (Suc n)\n  have ?case by simp\n  then show ?case .\nqed',
     "case_goal_not_closing"),
    ('lemma "P"\nproof -\n  ML_prf ‹1›\n  show ?thesis by simp\nqed', "ml_in_proof"),
    ('lemma "P"\nproof -\n  have "… = x" by simp\n  show ?thesis by simp\nqed', "dots_unresolved"),
    ('lemma "P"\nproof (nominal_induct x rule: foo)\n  case a\n  show ?case by simp\nqed', "nominal_induct"),
    ('lemma "P"\nproof -\n  consider "A" | "B" by blast\n  then have "C" by auto\n'
     "  show ?thesis by simp\nqed", "consider_fact_reused"),
    ('lemma "P"\nproof -\n  consider "A" | "B" by blast\n  then show ?thesis\n  proof cases\n'
     "    show ?thesis sorry\n  qed\nqed", "consider_fact_reused"),
])
def test_unsupported_reasons(source, reason):
    result = translate_one(source)
    assert result.status == "unsupported"
    assert result.reasons == [reason]
    assert result.minilang is None


def test_strict_rejects_approximations():
    source = EXPECTED["also_finally_dots"][0]
    result = translate_one(source, strict=True)
    assert result.status == "unsupported"
    assert result.reasons == ["approximation_rejected"]
    assert result.approximations == ["dots_heuristic"]


def test_structured_scripts_drop_prefer():
    result = translate_one('lemma "P"\n  apply (rule conjI)\n  prefer 2\n  apply simp\n  done',
                           scripts="structured")
    assert result.status == "approximate"
    assert "defer_prefer_dropped" in result.approximations


def test_internal_error_is_isolated_to_one_proof(monkeypatch):
    text = "theory T imports Main begin\nlemma a: \"P\" by simp\nlemma b: \"Q\" by auto\nend\n"
    original = translate_module._Translator.run

    def failing_run(self):
        if self.goal.name == "a":
            message = "simulated failure"
            raise RuntimeError(message)
        return original(self)

    monkeypatch.setattr(translate_module._Translator, "run", failing_run)
    results = translate_source(text.encode(), "T.thy").results
    assert [r.status for r in results] == ["unsupported", "translated"]
    assert results[0].reasons == ["internal_error"]
    assert "simulated failure" in results[0].detail


@pytest.fixture(scope="module")
def sample_results():
    results = []
    for path in THEORY_FILES:
        results += translate_source(path.read_bytes(), path.name, path=str(path)).results
    return results


def test_sample_coverage_target(sample_results):
    statuses = Counter(result.status for result in sample_results)
    covered = statuses["translated"] + statuses["approximate"]
    assert covered / len(sample_results) >= 0.90


def test_every_failure_has_a_known_reason(sample_results):
    for result in sample_results:
        assert set(result.approximations) <= set(APPROXIMATIONS)
        if result.status in ("translated", "approximate"):
            assert result.reasons == []
            assert result.minilang is not None
        else:
            assert len(result.reasons) == 1
            assert result.reasons[0] in REASONS
            assert result.reasons[0] not in ("internal_error", "output_check_failed")


def test_every_output_is_canonical_and_well_formed(sample_results):
    for result in sample_results:
        if result.minilang is None:
            continue
        ops = parse_script(result.minilang)
        assert ops == result.ops
        assert print_script(ops) == result.minilang
        assert check_blocks(ops) == []


_CLAIMS = ("have", "hence", "show", "thus", "obtain", "consider", "interpret")


def test_every_claim_is_accounted_for(sample_results):
    for result in sample_results:
        if result.minilang is None:
            continue
        isar_claims = Counter(span.line for span in result.goal.spans if span.command in _CLAIMS)
        ledger = Counter(line for line, _, _ in result.claims)
        assert ledger == isar_claims, result.goal.line
        outcomes = Counter(outcome for _, _, outcome in result.claims)
        ops = Counter(op.name for op in result.ops)
        assert ops["HAVE"] + ops["CONSIDER"] == outcomes["have"] + outcomes["consider"]
        assert ops["OPEN_MODULE"] == outcomes["open_module"]


def test_claim_statements_appear_in_have(sample_results):
    for result in sample_results:
        if result.minilang is None:
            continue
        spans = {span.line: span for span in result.goal.spans if span.command in _CLAIMS}
        have_args = [op.args for op in result.ops if op.name in ("HAVE", "CONSIDER")]
        for line, _, outcome in result.claims:
            if outcome != "have":
                continue
            props = [t.text for t in spans[line].argument_tokens() if t.kind in ("string", "cartouche")]
            # '…', '?thesis' and '?this' are replaced by the text they stand for.
            if not props or any(d in props[0] for d in ("…", "\\<dots>", "...", "?thesis", "?this")):
                continue
            assert any(props[0] in args for args in have_args), (result.goal.line, line)


def test_translation_is_deterministic():
    path = FIXTURES / "afp-2022" / "thys" / "FFT" / "FFT.thy"
    first = [r.minilang for r in translate_source(path.read_bytes(), "FFT.thy").results]
    second = [r.minilang for r in translate_source(path.read_bytes(), "FFT.thy").results]
    assert first == second


def test_keep_and_structured_policies_on_sample(sample_results):
    path = FIXTURES / "afp-2022" / "thys" / "Group-Ring-Module" / "Algebra8.thy"
    keep = translate_source(path.read_bytes(), "Algebra8.thy",
                            options=Options(tactics="keep", scripts="structured")).results
    assert any("APPLY" in (r.minilang or "") for r in keep)
    assert any("apply_script_structured" in r.approximations for r in keep)
    assert all(r.reasons[0] in REASONS for r in keep if r.reasons)


_PROOF_WORDS = [
    'lemma "P"', 'theorem t: "A ⟹ B"', "proof", "proof -", "proof (induct n)", "proof (cases x)",
    "proof (rule conjI)", "proof cases", "qed", "qed auto", "next", "{", "}", 'have "A"',
    'have a: "B" if "C" for x', 'show "A"', "show ?thesis", "show ?case", "then", "hence \"X\"",
    "thus ?thesis", "from a", "with b", "also", "finally", "moreover", "ultimately", 'have "… = y"',
    "case (Suc n)", "case True", "fix x", 'assume a: "A"', 'obtain x where "P x"',
    'consider (a) "A" | (b) "B"', "by simp", "by (simp add: foo)", ".", "..", "sorry", "oops",
    "apply (rule impI)", "apply auto", "done", "subgoal", "subgoal for x", "using a", "unfolding d",
    'define y where "y = 1"', 'let ?x = "1"', "note n = a b", "interpret g: group G", "txt ‹x›",
    "prefer 2", "defer", "back", "guess x", "ML_prf ‹›", "(* c *)", "\\<comment> ‹c›", "end",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PROOF_WORDS), max_size=30))
def test_random_command_sequences_never_crash(words):
    text = "theory T imports Main begin\n" + "\n".join(words) + "\nend\n"
    file = translate_source(text.encode(), "T.thy")
    assert file.theory is not None
    for result in file.results:
        assert result.status in STATUSES
        assert result.reasons == [] or result.reasons[0] in REASONS
        assert "internal_error" not in result.reasons, result.detail
        assert "output_check_failed" not in result.reasons, result.detail
        if result.minilang is not None:
            assert check_blocks(parse_script(result.minilang)) == []


_TERMINALS = st.sampled_from(["by simp", "by (auto simp: a)", ".", "..", "sorry", "by (induct x) auto",
                              "by (metis a b)", "using a by blast"])
_METHODS = st.sampled_from(["proof", "proof -", "proof (induct n)", "proof (cases x)", "proof cases",
                            "proof (rule conjI)", "proof (intro allI)", "proof auto", "proof goal_cases"])
_CLAIM_TEXTS = st.sampled_from(['have "A"', 'have a: "x = y"', 'show "A"', "show ?thesis", "show ?case",
                           "hence ?thesis", 'thus "B"', 'have "… = z"', 'obtain x where "P x"',
                           'consider (a) "A" | (b) "B"', 'have "?this"', "interpret g: group G"])
_PLAIN = st.sampled_from(["then", "from a", "with b c", "also", "finally", "moreover", "ultimately",
                          "case (Suc n)", "case True", "case 1", "fix x", 'assume a: "A"', "next",
                          'define y where "y = 1"', 'let ?x = "1"', "note n = a b", "note a",
                          "txt ‹x›"])


@st.composite
def isar_proofs(draw, depth=0):
    choice = draw(st.integers(0, 3 if depth < 3 else 0))
    prefix = draw(st.lists(st.sampled_from(["using a", "unfolding d", "apply simp", "apply (rule r)"]),
                           max_size=2))
    if choice == 0:
        return "\n".join([*prefix, draw(_TERMINALS)])
    if choice == 1:
        steps = ["apply (rule conjI)"] + [f"subgoal {draw(_TERMINALS)}" for _ in range(draw(st.integers(1, 2)))]
        return "\n".join([*prefix, *steps, "done"])
    lines = [*prefix, draw(_METHODS)]
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.integers(0, 2))
        if kind == 0:
            lines += [draw(_CLAIM_TEXTS), draw(isar_proofs(depth + 1))]
        elif kind == 1:
            lines += ["{", draw(_CLAIM_TEXTS), draw(isar_proofs(depth + 1)), "}"]
        else:
            lines.append(draw(_PLAIN))
    lines.append(draw(st.sampled_from(["qed", "qed simp", "qed (auto intro: x)"])))
    return "\n".join(lines)


@settings(max_examples=400, deadline=None)
@given(isar_proofs())
def test_generated_structured_proofs_translate_cleanly(proof):
    text = f'theory T imports Main begin\nlemma "P x"\n{proof}\nend\n'
    results = translate_source(text.encode(), "T.thy").results
    assert len(results) == 1
    result = results[0]
    assert result.goal.segmented
    assert result.status in STATUSES
    assert "internal_error" not in result.reasons, result.detail
    assert "output_check_failed" not in result.reasons, result.detail
    if result.minilang is not None:
        assert check_blocks(parse_script(result.minilang)) == []


def test_man_page_lists_every_reason_and_approximation():
    page = (Path(__file__).resolve().parent.parent / "man" / "extra" / "toolbox-minilang.roff").read_text()
    for word in [*REASONS, *APPROXIMATIONS]:
        assert re.search(rf"^\.BR? {word}( |$)", page, re.MULTILINE), word
