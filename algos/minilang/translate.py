"""Syntactic translation of Isar proofs into Minilang.

Each theory-level proof is translated on its own, following these rules:

* terminal steps (``by m``, ``.``, ``..``, ``sorry``) become the closer of the
  block (``END``/``NEXT``) carrying the facts the step used. With
  ``tactics="eliminate"``, hammer-like methods (auto, simp, blast, metis ...)
  are dropped in favour of those facts, and other methods stay as ``APPLY (m)``;
* ``have``/``hence`` and ``show``/``thus`` that do not close their branch become
  ``HAVE`` blocks (anonymous facts are named ``factN``); the ``show`` that
  closes a branch is inlined; ``obtain`` becomes a one-branch ``CONSIDER``;
  ``consider`` followed by ``proof cases`` becomes a multi-branch ``CONSIDER``;
* ``then``/``from``/``with``/``using``/``this`` become explicit fact lists;
  ``also``/``finally`` and ``moreover``/``ultimately`` collect their facts for
  the final claim; ``…`` is replaced by the right-hand side of the previous
  statement (a heuristic, reported as an approximation);
* ``proof (induct ...)``, ``(induction ...)``, ``(cases ...)`` become
  ``INDUCT``/``CASE_SPLIT`` with ``VARS`` from the ``case`` blocks and ``NEXT``
  between branches; ``proof (rule r)``, ``proof`` and other methods become
  ``RULE``/``APPLY`` with one branch per ``next`` block (approximate when there
  are several, because the subgoal order is not known without a prover);
* ``fix``/``assume`` become ``INTRO`` (named assumptions are rebound with
  ``CONFIG``), ``{ fix; assume; ...; have P }`` becomes ``HAVE P if ... for ...``,
  define/let/note/write/include/interpret become DEFINE/LET/CONFIG/NOTATION/
  CONFIG/OPEN_MODULE;
* apply scripts stay as ``APPLY`` lines (``scripts="faithful"``) or keep only a
  leading structural step (``scripts="structured"``, approximate).

Every proof ends as ``translated``, ``approximate`` (with its approximations)
or ``unsupported`` (with a reason from :data:`REASONS`); an unexpected error is
reported for that proof only. Every output is re-parsed, re-printed and checked
for block discipline before it is accepted.
"""

from __future__ import annotations

import hashlib
import re
import traceback
from dataclasses import dataclass, field
from typing import Literal

from toolbox.algos.minilang.isar import Goal, Proof, Span, Step, Theory
from toolbox.algos.minilang.keywords import MINILANG_MAJOR, minilang_keywords
from toolbox.algos.minilang.lang import (
    MinilangSyntaxError,
    Op,
    check_blocks,
    parse_script,
    print_script,
)
from toolbox.algos.minilang.lexer import Token, tokenize
from toolbox.algos.minilang.methods import (
    HAMMER_METHODS,
    Method,
    fact_refs,
    join_tokens,
    method_facts,
    method_units,
    parse_methods,
)
from toolbox.algos.minilang.statements import (
    TERM_BINDING,
    and_parts,
    consider_branches,
    dots_in,
    goal_thesis,
    has_dots,
    inner_text,
    labelled_branch,
    last_prop,
    main_end,
    part_name,
    replace_dots,
    right_hand_side,
    single_prop,
    statement_parts,
)

__all__ = [
    "APPROXIMATIONS",
    "REASONS",
    "STATUSES",
    "Options",
    "ProofResult",
    "translate_goal",
    "translate_theory",
]

TRANSLATOR_VERSION = "1"

STATUSES = ("translated", "approximate", "unsupported", "parse_error", "no_proof")

# Reasons for a proof that could not be translated: the fixed vocabulary of ``reasons``.
REASONS = {
    "oops": "the proof is abandoned with 'oops'",
    "not_segmented": "the proof's command spans could not be grouped (see detail)",
    "no_proof": "the goal command has no proof",
    "notepad": "a notepad has no goal to translate",
    "unknown_command": "a proof command without a Minilang rule (see detail)",
    "guess": "'guess' has no Minilang counterpart",
    "back": "'back' has no Minilang counterpart",
    "consider_fact_reused": "a 'consider' fact is used other than by the closing 'proof cases'",
    "subgoal_named_result": "a 'subgoal' binds its result to a name",
    "braces_not_ending_in_claim": "a '{ ... }' block does not end with a claim",
    "nominal_induct": "nominal_induct has no Minilang counterpart",
    "case_goal_not_closing": "'?case' is used by a claim that does not close its branch",
    "thesis_not_closing": "'?thesis' of a goal with several or 'obtains' conclusions is used "
    "by a claim that does not close its branch",
    "dots_unresolved": "'…' follows no statement with a top-level relation",
    "this_unresolved": "'?this' inside a statement follows no single-proposition statement",
    "ml_in_proof": "ML code inside the proof",
    "next_without_split": "'next' separates branches after 'proof -', which keeps one goal",
    "nesting_too_deep": "the proof nests too many blocks",
    "keyword_clash": "a name used by the proof is a Minilang keyword (such as a case named LET)",
    "output_check_failed": "the Minilang output failed its own syntax or block check",
    "approximation_rejected": "--strict rejects approximate translations",
    "internal_error": "an unexpected error in the translator (see detail)",
}

# Changes made by an approximate translation: the fixed vocabulary of ``approximations``.
APPROXIMATIONS = {
    "rule_branching_unknown": "branches of a rule or method step are matched to subgoals in text order",
    "apply_script_structured": "apply steps after the leading structural step became hammer hints",
    "dots_heuristic": "'…' was replaced by the right-hand side of the previous statement",
    "sorry": "the Isar proof contains 'sorry'",
    "goal_cases_kept": "goal_cases case names and facts are kept as written",
    "subgoal_premises": "'subgoal premises' names are not carried over",
    "presume": "'presume' was translated like 'assume'",
    "defer_prefer_dropped": "'defer'/'prefer' were dropped",
    "defer_prefer_as_tactic": "'defer'/'prefer' became APPLY (tactic ‹defer_tac n›) or "
    "(tactic ‹prefer_tac n›), which assumes APPLY acts on all open subgoals",
    "qed_method_as_hints": "the non-hammer method after 'qed' became hammer hints",
}

_STRUCTURAL = {"induct": "INDUCT", "induction": "INDUCT", "induct_tac": "INDUCT",
               "cases": "CASE_SPLIT", "case_tac": "CASE_SPLIT"}
_RULE_METHODS = frozenset({"rule", "intro", "standard", "unfold_locales", "intro_locales"})
_CLOSING_CLAIMS = frozenset({"show", "thus"})
_CHAINED_CLAIMS = frozenset({"hence", "thus"})


@dataclass(frozen=True, slots=True)
class Options:
    """Translation policies.

    ``tactics``: ``eliminate`` turns terminal steps made only of hammer-like
    methods into closer hints, ``keep`` keeps every method as ``APPLY``.
    ``scripts``: ``faithful`` keeps apply scripts as ``APPLY`` lines,
    ``structured`` keeps only a leading induct/cases/rule step.
    ``strict``: report approximate translations as unsupported.
    """

    tactics: Literal["eliminate", "keep"] = "eliminate"
    scripts: Literal["faithful", "structured"] = "faithful"
    strict: bool = False


@dataclass(slots=True)
class ProofResult:
    """The translation of one theory-level proof."""

    goal: Goal
    status: str
    ops: list[Op] = field(default_factory=list)
    minilang: str | None = None
    reasons: list[str] = field(default_factory=list)
    approximations: list[str] = field(default_factory=list)
    features: list[str] = field(default_factory=list)
    claims: list[tuple[int, str, str]] = field(default_factory=list)
    detail: str = ""
    proof_class: str = ""


class Unsupported(Exception):
    """Raised by a translation rule that cannot handle a construct."""

    def __init__(self, reason: str, span: Span | None = None, detail: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.span = span
        self.detail = detail


@dataclass
class _Closer:
    """Facts for the END/NEXT that closes a block: WITH and WITHOUT lists."""

    with_facts: list[str] = field(default_factory=list)
    without: list[str] = field(default_factory=list)

    def merge(self, other: _Closer) -> None:
        self.with_facts += other.with_facts
        self.without += other.without

    def render(self, name: str, vars_: str = "") -> Op:
        parts = []
        if vars_:
            parts.append(f"VARS {vars_}")
        with_facts = _unique(self.with_facts)
        if with_facts:
            parts.append("WITH " + " ".join(with_facts))
        without = _unique(self.without)
        if without:
            parts.append("WITHOUT " + " ".join(without))
        return Op(name, " ".join(parts))


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


@dataclass
class _Frame:
    """Goal information of a block: the text that '?thesis' abbreviates, if known."""

    thesis: str | None


@dataclass
class _Body:
    """Per-block state while translating a proof body."""

    last_facts: list[str] = field(default_factory=list)
    pending: list[str] | None = None
    calculation: list[str] = field(default_factory=list)
    last_statement: str = ""


def classify(goal: Goal) -> str:
    """Classify a proof as ``one-liner``, ``apply`` (script) or ``structured``."""
    if any(span.command == "proof" for span in goal.spans):
        return "structured"
    if any(span.command in ("apply", "apply_end", "subgoal", "done") for span in goal.spans):
        return "apply"
    return "one-liner"


class _Translator:
    def __init__(self, goal: Goal, options: Options):
        self.last_prop = ""
        self.goal = goal
        self.options = options
        self.fact_counter = 0
        self.assumption_counter = 0
        self.approximations: list[str] = []
        self.features: list[str] = []
        self.claims: list[tuple[int, str, str]] = []
        # Branch count of a multi-branch 'consider' whose 'proof cases' comes next.
        # Branch count and operations of a multi-branch 'consider' whose
        # 'proof cases' comes next; the operations open that proof's goal.
        self._pending_consider: tuple[list[str], list[Op]] | None = None

    # ------------------------------------------------------------------ helpers
    def approximate(self, what: str) -> None:
        if what not in self.approximations:
            self.approximations.append(what)

    def feature(self, what: str) -> None:
        if what not in self.features:
            self.features.append(what)

    def fresh_fact(self) -> str:
        name = f"fact{self.fact_counter}"
        self.fact_counter += 1
        return name

    def resolve(self, refs: list[str], state: _Body) -> list[str]:
        resolved: list[str] = []
        for ref in refs:
            if ref == "this":
                resolved += state.last_facts or ["this"]
            elif ref.startswith(("this[", "this(")) and len(state.last_facts) == 1:
                # 'this[unfolded d]' with one current fact is that fact with the attribute.
                resolved.append(state.last_facts[0] + ref[len("this"):])
            elif ref == "calculation" and state.calculation:
                resolved += state.calculation
            else:
                resolved.append(ref)
        return resolved

    # -------------------------------------------------------------- entry point
    def run(self) -> tuple[list[Op], _Closer]:
        proof = self.goal.proof
        assert proof is not None
        thesis = goal_thesis(self.goal.span)
        ops, closer = self.proof(proof, _Frame(thesis), [], _Body())
        return ops, closer

    # ------------------------------------------------------------------ proofs
    def proof(self, proof: Proof, frame: _Frame, chained: list[str], state: _Body) -> tuple[list[Op], _Closer]:
        """Translate a proof; return its operations and the closer facts (the closer itself is the caller's)."""
        if proof.kind == "oops":
            raise Unsupported(reason="oops", span=proof.terminal)
        ops: list[Op] = []
        closer = _Closer()
        using = list(chained)
        script = [step for step in proof.prefix if step.command in ("apply", "apply_end", "subgoal", "defer", "prefer", "back")]
        terminal = proof.terminal
        if script or (terminal is not None and terminal.command == "done"):
            return self.script(proof, frame, using, state)
        for step in proof.prefix:
            self.prefix_step(step, ops, using, state)
        if proof.kind == "terminal":
            assert terminal is not None
            more_ops, closer = self.terminal(terminal, using)
            ops += more_ops
            return ops, closer
        return self.block(proof, frame, using, ops)

    def prefix_step(self, step: Step, ops: list[Op], using: list[str], state: _Body) -> None:
        command = step.command
        span = step.span
        if command == "using":
            using += self.resolve(fact_refs(span.argument_tokens()), state)
        elif command == "unfolding":
            ops.append(Op("UNFOLD", span.arguments()))
        elif command in ("supply", "including"):
            ops.append(Op("CONFIG", span.arguments()))
        elif step.kind == "diag":
            self.feature("diagnostic_dropped")
        else:
            raise Unsupported(reason="unknown_command", span=span, detail=command)

    def terminal(self, span: Span, using: list[str]) -> tuple[list[Op], _Closer]:
        command = span.command
        closer = _Closer()
        ops: list[Op] = []
        if command in ("sorry", "\\<proof>"):
            self.approximate("sorry")
            closer.with_facts += using
            return ops, closer
        if command == ".":
            closer.with_facts += using
            return ops, closer
        if command == "..":
            if self.options.tactics == "keep":
                ops.append(Op("RULE", _with(using)))
            else:
                closer.with_facts += using
            return ops, closer
        units = method_units(span.argument_tokens())
        first = True
        for unit in units:
            self.method_step(unit, ops, closer, using if first else [], terminal=True)
            first = False
        return ops, closer

    def method_step(self, unit: list[Token], ops: list[Op], closer: _Closer, using: list[str], *, terminal: bool) -> None:
        """Translate one method unit of a terminal step or of ``proof``/``apply``."""
        methods = parse_methods(unit)
        names = [method.name for method in methods]
        structural = _structural(methods)
        if structural is not None:
            op, method = structural
            if method.name == "nominal_induct":
                raise Unsupported(reason="nominal_induct")
            ops.append(Op(op, _join_args(join_tokens(method.args), _with(using))))
            rest = methods[1:]
            if rest and all(m.name in HAMMER_METHODS for m in rest) and self.options.tactics == "eliminate":
                for other in rest:
                    added, deleted = method_facts(other)
                    closer.with_facts += added
                    closer.without += deleted
            elif rest:
                self.feature("structural_method_kept_whole")
                ops[-1] = Op("APPLY", _join_args(_parenthesised(unit), _with(using)))
            return
        if self.options.tactics == "eliminate" and terminal and names and all(n in HAMMER_METHODS for n in names):
            closer.with_facts += using
            for method in methods:
                added, deleted = method_facts(method)
                closer.with_facts += added
                closer.without += deleted
            self.feature("tactics_eliminated")
            return
        if any(name == "nominal_induct" for name in names):
            raise Unsupported(reason="nominal_induct")
        ops.append(Op("APPLY", _join_args(_parenthesised(unit), _with(using))))

    # ----------------------------------------------------------------- scripts
    def script(self, proof: Proof, frame: _Frame, using: list[str], state: _Body) -> tuple[list[Op], _Closer]:
        ops: list[Op] = []
        closer = _Closer()
        structured = self.options.scripts == "structured"
        self.feature(f"scripts_{self.options.scripts}")
        first_apply = True
        dropped = False
        terminal = proof.terminal
        for step in proof.prefix:
            command = step.command
            span = step.span
            if command in ("apply", "apply_end"):
                unit = span.argument_tokens()
                if structured:
                    methods = parse_methods(unit)
                    if first_apply and _structural(methods) is not None:
                        self.method_step(unit, ops, closer, using, terminal=False)
                    elif first_apply and methods and methods[0].name in ("rule", "intro", "rule_tac", "unfold"):
                        ops.append(_structured_rule(methods[0], using))
                    else:
                        for method in methods:
                            added, deleted = method_facts(method)
                            closer.with_facts += added
                            closer.without += deleted
                        if first_apply:
                            closer.with_facts += using
                        dropped = True
                else:
                    ops.append(Op("APPLY", _join_args(_parenthesised(unit), _with(using if first_apply else []))))
                first_apply = False
            elif command == "subgoal":
                last = step is proof.prefix[-1] and terminal is not None and terminal.command == "done"
                closer.merge(self.subgoal(step, ops, last=last))
            elif command in ("defer", "prefer"):
                if structured:
                    self.approximate("defer_prefer_dropped")
                else:
                    ops.append(_reorder_subgoals(command, span))
                    self.approximate("defer_prefer_as_tactic")
            elif command == "back":
                raise Unsupported(reason="back", span=span)
            else:
                self.prefix_step(step, ops, using if first_apply else [], state)
        if dropped:
            self.approximate("apply_script_structured")
        terminal = proof.terminal
        if proof.kind == "block":
            block_ops, block_closer = self.block(proof, frame, [], [])
            ops += block_ops
            closer.merge(block_closer)
        elif terminal is not None and terminal.command != "done":
            more_ops, more_closer = self.terminal(terminal, using if first_apply else [])
            ops += more_ops
            closer.merge(more_closer)
        return ops, closer

    def subgoal(self, step: Step, ops: list[Op], *, last: bool) -> _Closer:
        """Translate ``subgoal [premises p] [for x]`` as one branch.

        The branch ends with NEXT, except the last one before ``done``, whose
        closer facts are returned for the script's END.
        """
        tokens = step.span.argument_tokens()
        if len(tokens) >= 2 and tokens[1].text == ":" or tokens and tokens[0].text not in ("premises", "for"):
            raise Unsupported(reason="subgoal_named_result", span=step.span)
        variables: list[str] = []
        texts = [token.text for token in tokens]
        if "premises" in texts:
            self.approximate("subgoal_premises")
        if "for" in texts:
            variables = _fixed_variables(tokens[texts.index("for") + 1:])
        if variables or "premises" in texts:
            ops.append(Op("INTRO", f"VARS {' '.join(variables)}" if variables else ""))
        assert step.proof is not None
        inner_ops, inner_closer = self.proof(step.proof, _Frame(None), [], _Body())
        ops += inner_ops
        self.feature("subgoal")
        if last:
            return inner_closer
        ops.append(inner_closer.render("NEXT"))
        return _Closer()

    # ------------------------------------------------------------------ blocks
    def block(self, proof: Proof, frame: _Frame, using: list[str], ops: list[Op]) -> tuple[list[Op], _Closer]:
        """Translate ``proof m ... qed m'``: the initial method, then one branch per ``next`` block."""
        assert proof.method is not None
        ops = list(ops)
        method_tokens = proof.method.argument_tokens()
        methods = parse_methods(method_tokens)
        branches = _split_branches(proof.body)
        kind = "rule"
        goal_cases = any(method.name == "goal_cases" for method in methods)
        if goal_cases:
            self.approximate("goal_cases_kept")
            methods = [method for method in methods if method.name != "goal_cases"]
            method_tokens = _drop_goal_cases(method_tokens)
        closer = _Closer()
        if len(methods) == 1 and methods[0].name == "-":
            kind = "same_goal"
            closer.with_facts += using
        elif methods and methods[0].name == "cases" and not methods[0].args and len(methods) == 1 and self._pending_consider:
            kind = "consider"
        else:
            structural = _structural(methods)
            if structural is not None and len(methods) == 1:
                op, method = structural
                if method.name == "nominal_induct":
                    raise Unsupported(reason="nominal_induct", span=proof.method)
                kind = "split"
                variables = _case_variables(branches[0]) if branches else ""
                ops.append(Op(op, _join_args(join_tokens(method.args), f"VARS {variables}" if variables else "", _with(using))))
            elif methods and methods[0].name in _RULE_METHODS and len(methods) == 1:
                facts = method_facts(methods[0])[0] if methods[0].name in ("rule", "intro") else []
                ops.append(Op("RULE", _join_args(" ".join(facts), _with(using))))
            elif not method_tokens or not methods:
                ops.append(Op("RULE", _with(using)))
            else:
                ops.append(Op("APPLY", _join_args(_parenthesised(method_tokens), _with(using))))
        if kind in ("split", "consider"):
            branches = _split_at_cases(branches)
        if kind in ("rule",) and len(branches) > 1:
            self.approximate("rule_branching_unknown")
        if kind == "same_goal" and len(branches) > 1:
            raise Unsupported(reason="next_without_split", span=proof.method)
        consider = self._pending_consider if kind == "consider" else None
        self._pending_consider = None
        branch_facts: list[str] = []
        if consider is not None:
            branch_facts, consider_ops = consider
            if len(branches) != len(branch_facts):
                raise Unsupported(reason="consider_fact_reused", span=proof.method,
                                  detail="branch count differs from 'consider'")
            ops += consider_ops
        for index, branch in enumerate(branches):
            branch_frame = _Frame(frame.thesis)
            branch_fact = branch_facts[index] if branch_facts else ""
            branch_ops, branch_closer = self.body(branch, branch_frame, split=kind in ("split", "consider"),
                                                  branch_fact=branch_fact)
            ops += branch_ops
            if index + 1 < len(branches):
                variables = _case_variables(branches[index + 1]) if kind == "split" else ""
                ops.append(branch_closer.render("NEXT", variables))
            else:
                closer.merge(branch_closer)
        if proof.qed is not None and proof.qed.command == "qed":
            qed_tokens = proof.qed.argument_tokens()
            if qed_tokens:
                qed_methods = parse_methods(qed_tokens)
                for method in qed_methods:
                    added, deleted = method_facts(method)
                    closer.with_facts += added
                    closer.without += deleted
                if not all(method.name in HAMMER_METHODS for method in qed_methods):
                    self.approximate("qed_method_as_hints")
        return ops, closer

    # -------------------------------------------------------------------- body
    def body(self, steps: list[Step], frame: _Frame, *, split: bool = False, state: _Body | None = None,
             closing: int | None = None, branch_fact: str = "") -> tuple[list[Op], _Closer]:
        """Translate the steps of one branch (no ``next`` inside).

        ``closing`` is the index of the claim to inline; by default the show or
        thus that closes the branch. ``branch_fact`` names the fact of a
        CONSIDER branch, which an ``assume`` in the branch refers to.
        """
        ops: list[Op] = []
        closer = _Closer()
        state = state or _Body()
        if closing is None:
            closing = _closing_claim(steps)
        position = 0
        intro_vars: list[str] = []
        intro_configs: list[Op] = []
        while position < len(steps):
            step = steps[position]
            kind = step.kind
            command = step.command
            span = step.span
            if branch_fact and command == "assume":
                # The CONSIDER branch already put this fact into the context.
                ops += self.branch_assumption(step, branch_fact, state)
                position += 1
                continue
            if command in ("fix", "assume", "presume") or (command == "case" and not split):
                self.intro(step, state, intro_vars, intro_configs, is_case=command == "case")
                position += 1
                if position == len(steps) or steps[position].command not in ("fix", "assume", "presume"):
                    ops.append(Op("INTRO", f"VARS {' '.join(intro_vars)}" if intro_vars else ""))
                    ops += intro_configs
                    intro_vars, intro_configs = [], []
                continue
            if command == "case":
                # A '_' among the case variables is passed on: VARS keeps the default name for it.
                case_name = _case_name(span)
                state.last_facts = [case_name] if case_name else []
                self.feature("case_names_kept")
            elif kind == "claim":
                inline = position == closing
                more_ops, more_closer = self.claim(step, steps, position, frame, state, inline=inline)
                ops += more_ops
                if inline:
                    closer.merge(more_closer)
                elif command in _CLOSING_CLAIMS:
                    # A show that is not inlined still solves a subgoal: the closer uses its fact.
                    closer.with_facts += state.last_facts
            elif kind == "braces":
                ops += self.braces(step, frame, state)
            elif kind == "chain":
                refs = self.resolve(fact_refs(span.argument_tokens()), state)
                if command == "then":
                    state.pending = list(state.last_facts)
                elif command == "from":
                    state.pending = refs
                else:
                    state.pending = refs + state.last_facts
            elif kind == "calc":
                state.calculation += state.last_facts
                if command in ("finally", "ultimately"):
                    state.pending = state.calculation
                    state.calculation = []
                self.feature("calculation")
            elif kind == "decl":
                ops += self.declaration(step, state)
            elif kind == "diag":
                self.feature("diagnostic_dropped")
            elif kind == "oops":
                raise Unsupported(reason="oops", span=span)
            elif command in ("using", "unfolding"):
                raise Unsupported(reason="unknown_command", span=span, detail=command)
            else:
                raise Unsupported(reason="unknown_command", span=span, detail=command or span.tokens[0].text)
            position += 1
        return ops, closer

    def branch_assumption(self, step: Step, branch_fact: str, state: _Body) -> list[Op]:
        parts = statement_parts(step.span.argument_tokens())
        state.last_facts = [branch_fact]
        return [Op("CONFIG", f"{name} = {branch_fact}") for name, _ in parts if name]

    def intro(self, step: Step, state: _Body, variables: list[str], configs: list[Op], *, is_case: bool) -> None:
        span = step.span
        if is_case:
            variables += _case_variables([step]).split()
            self.feature("case_names_kept")
            return
        if step.command == "fix":
            variables += _fixed_variables(span.argument_tokens())
            return
        if step.command == "presume":
            self.approximate("presume")
        self.feature("assume_as_intro")
        parts = statement_parts(span.argument_tokens())
        facts: list[str] = []
        for name, props in parts:
            # NOTE: assumes Minilang numbers the premises that INTRO moves into the
            # context assm0, assm1, ... through the whole script; not checked by a prover.
            premises = [f"assm{self.assumption_counter + i}" for i in range(max(len(props), 1))]
            self.assumption_counter += len(premises)
            if name:
                configs.append(Op("CONFIG", f"{name} = {' '.join(premises)}"))
            facts += premises
        state.last_facts = facts

    def declaration(self, step: Step, state: _Body) -> list[Op]:
        command = step.command
        span = step.span
        tokens = span.argument_tokens()
        text = join_tokens(tokens)
        if command == "note":
            if any(token.text == "=" for token in tokens):
                equals = next(i for i, t in enumerate(tokens) if t.text == "=")
                name = join_tokens(tokens[:equals])
                refs = self.resolve(fact_refs(tokens[equals + 1:]), state)
                # 'note foo[simp] = bar' binds the name foo.
                state.last_facts = [tokens[0].text] if equals > 0 else refs
                return [Op("CONFIG", f"{name} = {' '.join(refs)}")]
            state.last_facts = self.resolve(fact_refs(tokens), state)
            return []
        if command == "let":
            return [Op("LET", text)]
        if command in ("define", "def"):
            variables = _fixed_variables(tokens)
            state.last_facts = [f"{variables[0]}_def"] if variables else []
            return [Op("DEFINE", text)]
        if command == "write":
            return [Op("NOTATION", text)]
        if command in ("include", "including", "supply"):
            return [Op("CONFIG", text)]
        if command == "ML_prf":
            raise Unsupported(reason="ml_in_proof", span=span)
        raise Unsupported(reason="unknown_command", span=span, detail=command)

    # ------------------------------------------------------------------ claims
    def claim(self, step: Step, steps: list[Step], position: int, frame: _Frame, state: _Body,
              *, inline: bool) -> tuple[list[Op], _Closer]:
        command = step.command
        span = step.span
        assert step.proof is not None
        chained = state.pending or []
        if command in _CHAINED_CLAIMS and state.pending is None:
            chained = list(state.last_facts)
        state.pending = None
        if command == "guess":
            raise Unsupported(reason="guess", span=span)
        tokens = span.argument_tokens()
        if command == "interpret":
            inner_ops, inner_closer = self.proof(step.proof, _Frame(None), chained, _Body())
            self.claims.append((span.line, command, "open_module"))
            return [Op("OPEN_MODULE", join_tokens(tokens)), *inner_ops, inner_closer.render("END")], _Closer()
        if command == "consider":
            return self.consider(step, steps, position, frame, state, chained), _Closer()
        if command == "obtain":
            text, names = self.name_statement(tokens, state, obtain=True)
            inner_ops, inner_closer = self.proof(step.proof, _Frame(None), chained, _Body())
            self.claims.append((span.line, command, "consider"))
            state.last_facts = names
            state.last_statement = last_prop(tokens)
            return [Op("CONSIDER", text), *inner_ops, inner_closer.render("END")], _Closer()
        if inline:
            self.claims.append((span.line, command, "inlined"))
            statement = last_prop(tokens)
            if dots_in(tokens):
                self.feature("dots_in_closing_claim")
            inner_ops, inner_closer = self.proof(step.proof, _Frame(frame.thesis), chained, state)
            state.last_statement = statement
            return inner_ops, inner_closer
        text, names = self.name_statement(tokens, state, frame=frame)
        inner_frame = _Frame(self.last_prop if single_prop(tokens) else None)
        claim_prop = self.last_prop
        inner_ops, inner_closer = self.proof(step.proof, inner_frame, chained, _Body())
        self.claims.append((span.line, command, "have"))
        state.last_facts = names
        state.last_statement = claim_prop
        return [Op("HAVE", text), *inner_ops, inner_closer.render("END")], _Closer()

    def name_statement(self, tokens: list[Token], state: _Body, *, obtain: bool = False,
                       frame: _Frame | None = None) -> tuple[str, list[str]]:
        """Return the statement text with ``factN:`` names for unnamed parts, and the fact names."""
        pieces: list[str] = []
        names: list[str] = []
        statement_prop = ""
        start = 0
        if obtain:
            where = next((i for i, t in enumerate(tokens) if t.kind == "keyword" and t.text == "where"), None)
            if where is None:
                where = -1
            start = where + 1
            pieces.append(join_tokens(tokens[:start]))
        statement_end = main_end(tokens, start)
        for part_start, part_end in and_parts(tokens, start, statement_end):
            part = tokens[part_start:part_end]
            name = part_name(part)
            text, prop = self.expand(part, state, frame)
            statement_prop = prop or statement_prop
            if name is None:
                name = self.fresh_fact()
                # 'have [simp]: "P"' keeps its attributes: 'fact3[simp]: "P"'.
                text = f"{name}{text}" if part[0].text == "[" else f"{name}: {text}"
            names.append(name)
            if pieces and pieces[-1] and part_start > start:
                pieces.append("and")
            pieces.append(text)
        rest = join_tokens(tokens[statement_end:])
        if rest:
            pieces.append(rest)
        self.last_prop = statement_prop
        return " ".join(piece for piece in pieces if piece), names

    def expand(self, part: list[Token], state: _Body, frame: _Frame | None) -> tuple[str, str]:
        """Return a statement part with '…' and '?thesis' replaced, and its last proposition."""
        texts = []
        part_prop = ""
        for token in part:
            text = token.text
            if token.kind in ("string", "cartouche") and has_dots(text):
                rhs = right_hand_side(inner_text(state.last_statement)) if state.last_statement else None
                if rhs is None or token.kind == "string" and '"' in rhs:
                    raise Unsupported(reason="dots_unresolved")
                text = replace_dots(text, rhs)
                self.approximate("dots_heuristic")
            if token.kind in ("string", "cartouche") and "?" in text:
                text = self.expand_bindings(text, token.kind, state, frame)
            elif token.kind == "term_var" and text == "?thesis":
                if frame is None or frame.thesis is None:
                    raise Unsupported(reason="thesis_not_closing")
                text = frame.thesis
                self.feature("thesis_expanded")
            elif token.kind == "term_var" and text == "?case":
                raise Unsupported(reason="case_goal_not_closing")
            if token.kind in ("string", "cartouche") or text is not token.text:
                part_prop = text
            texts.append(text)
        pieces: list[str] = []
        for position, token in enumerate(part):
            if position and part[position - 1].end != token.offset:
                pieces.append(" ")
            pieces.append(texts[position])
        return "".join(pieces), part_prop

    def expand_bindings(self, text: str, kind: str, state: _Body, frame: _Frame | None) -> str:
        """Replace ``?thesis`` and ``?this`` inside a proposition by the text they stand for."""

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name == "case":
                raise Unsupported(reason="case_goal_not_closing")
            if name == "thesis":
                bound = frame.thesis if frame is not None else None
                reason = "thesis_not_closing"
            else:
                bound = state.last_statement or None
                reason = "this_unresolved"
            inner = inner_text(bound) if bound else None
            if inner is None or kind == "string" and '"' in inner:
                raise Unsupported(reason=reason)
            self.feature("term_bindings_expanded")
            return f"({inner})"

        return TERM_BINDING.sub(replace, text)

    def consider(self, step: Step, steps: list[Step], position: int, frame: _Frame, state: _Body,
                 chained: list[str]) -> list[Op]:
        span = step.span
        tokens = span.argument_tokens()
        branches = consider_branches(tokens)
        assert step.proof is not None
        inner_ops, inner_closer = self.proof(step.proof, _Frame(None), chained, _Body())
        self.claims.append((span.line, "consider", "consider"))
        if len(branches) == 1:
            text, names = self.name_statement(branches[0][1], state, obtain=True)
            state.last_facts = names
            return [Op("CONSIDER", text), *inner_ops, inner_closer.render("END")]
        # The case analysis must be the next claim's 'proof cases'; the CONSIDER
        # then opens that claim's proof, whether the claim is inlined or a HAVE.
        following = steps[position + 1:]
        uses = [s for s in following if s.kind in ("claim", "chain", "calc", "braces")]
        consumer = uses[0] if uses else None
        if consumer is not None and consumer.kind == "chain" and consumer.command == "then" and len(uses) > 1:
            consumer = uses[1]
        if consumer is None or not _uses_proof_cases(consumer):
            raise Unsupported(reason="consider_fact_reused", span=span)
        texts: list[str] = []
        names: list[str] = []
        for label, branch in branches:
            text, name = labelled_branch(label, branch)
            if not name:
                name = self.fresh_fact()
                text, _ = labelled_branch(name, branch)
            texts.append(text)
            names.append(name)
        consider_ops = [Op("CONSIDER", " | ".join(texts)), *inner_ops, inner_closer.render("END")]
        self._pending_consider = (names, consider_ops)
        state.last_facts = []
        return []

    def braces(self, step: Step, frame: _Frame, state: _Body) -> list[Op]:
        """Translate ``{ fix x assume a: A ... have P }`` into ``HAVE P if a: A for x``.

        ``next`` inside braces closes the block and opens a new one, so each
        part becomes its own HAVE.
        """
        if any(inner.kind == "next" for inner in step.body):
            ops: list[Op] = []
            for part in _split_branches(step.body):
                ops += self.braces(Step("braces", step.span, body=part, close=step.close), frame, state)
            return ops
        body = [s for s in step.body if s.kind != "diag"]
        claims = [i for i, s in enumerate(body) if s.kind in ("claim", "braces")]
        if not claims or body[claims[-1]].kind != "claim" or claims[-1] != len(body) - 1:
            raise Unsupported(reason="braces_not_ending_in_claim", span=step.span)
        final = body[-1]
        if final.command not in ("have", "show", "hence", "thus"):
            raise Unsupported(reason="braces_not_ending_in_claim", span=final.span,
                              detail=f"the block ends with '{final.command}'")
        variables: list[str] = []
        premises: list[str] = []
        inner_state = _Body()
        rest: list[Step] = []
        for inner in body[:-1]:
            if inner.command == "fix":
                # The 'for' clause takes the fixed variables as written, with their types.
                variables.append(join_tokens(inner.span.argument_tokens()))
            elif inner.command in ("assume", "presume"):
                if inner.command == "presume":
                    self.approximate("presume")
                text, names = self.name_statement(inner.span.argument_tokens(), inner_state, frame=frame)
                premises.append(text)
                inner_state.last_facts = names
            else:
                rest.append(inner)
        final_tokens = final.span.argument_tokens()
        if any(t.kind == "keyword" and t.text in ("if", "for") for t in final_tokens):
            raise Unsupported(reason="braces_not_ending_in_claim", span=final.span,
                              detail="the final claim has its own if/for")
        text, names = self.name_statement(final_tokens, state, frame=frame)
        final_prop = self.last_prop
        if premises:
            text += " if " + " and ".join(premises)
        if variables:
            text += " for " + " and ".join(variables)
        # The body runs with the final claim inlined: its proof is the HAVE's proof.
        inner_steps = [*rest, final]
        first_entry = len(self.claims)
        ops, closer = self.body(inner_steps, frame, state=inner_state, closing=len(inner_steps) - 1)
        entry = (final.span.line, final.command, "inlined")
        position = self.claims.index(entry, first_entry)
        self.claims[position] = (final.span.line, final.command, "have")
        state.last_facts = names
        state.last_statement = final_prop
        return [Op("HAVE", text), *ops, closer.render("END")]


# ---------------------------------------------------------------- token helpers
def _with(facts: list[str]) -> str:
    facts = _unique(facts)
    return "WITH " + " ".join(facts) if facts else ""


def _join_args(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def _parenthesised(unit: list[Token]) -> str:
    text = join_tokens(unit)
    if unit and unit[0].text == "(" and _matching_paren(unit) == len(unit) - 1:
        return text
    return f"({text})"


def _matching_paren(tokens: list[Token]) -> int:
    depth = 0
    for position, token in enumerate(tokens):
        depth += token.text == "("
        depth -= token.text == ")"
        if depth == 0:
            return position
    return -1


def _structural(methods: list[Method]) -> tuple[str, Method] | None:
    if methods and (methods[0].name in _STRUCTURAL or methods[0].name == "nominal_induct"):
        method = methods[0]
        return _STRUCTURAL.get(method.name, "INDUCT"), method
    return None


def _structured_rule(method: Method, using: list[str]) -> Op:
    """Map a leading rule/intro/rule_tac/unfold apply step to RULE, CHOOSE or UNFOLD."""
    texts = [token.text for token in method.args]
    if method.name == "unfold":
        return Op("UNFOLD", join_tokens(method.args))
    if method.name == "rule_tac" and "in" in texts:
        split = texts.index("in")
        rule = texts[split + 1] if split + 1 < len(texts) else ""
        if rule in ("exI", "bexI", "ex1I") and len(method.args) >= 3 and texts[1] == "=":
            return Op("CHOOSE", join_tokens(method.args[2:split]))
        return Op("RULE", _join_args(" ".join(fact_refs(method.args[split + 1:])), _with(using)))
    facts, _ = method_facts(method)
    return Op("RULE", _join_args(" ".join(facts), _with(using)))


def _reorder_subgoals(command: str, span: Span) -> Op:
    """Express ``defer [n]`` or ``prefer n`` as an APPLY of Isabelle's defer_tac or prefer_tac."""
    tokens = span.argument_tokens()
    number = tokens[0].text if tokens and tokens[0].kind == "nat" else "1"
    return Op("APPLY", f"(tactic ‹{command}_tac {number}›)")


def _split_branches(body: list[Step]) -> list[list[Step]]:
    branches: list[list[Step]] = [[]]
    for step in body:
        if step.kind == "next":
            branches.append([])
        else:
            branches[-1].append(step)
    return branches


def _split_at_cases(branches: list[list[Step]]) -> list[list[Step]]:
    """Start a new branch at every ``case`` that follows a claim in the same branch.

    Old proofs write ``case A show ?case ... case B show ?case ...`` without
    ``next``; each ``case`` still opens the next subgoal.
    """
    result: list[list[Step]] = []
    for branch in branches:
        current: list[Step] = []
        for step in branch:
            if step.command == "case" and any(s.kind == "claim" for s in current):
                result.append(current)
                current = []
            current.append(step)
        result.append(current)
    return result


def _closing_claim(steps: list[Step]) -> int | None:
    """Index of the show/thus that closes the branch: the last claim, with only diagnostics after it.

    A branch with several show/thus claims has none: each of them may solve a
    different subgoal, so they all become HAVEs whose facts go to the closer.
    """
    if sum(step.kind == "claim" and step.command in _CLOSING_CLAIMS for step in steps) > 1:
        return None
    for position in range(len(steps) - 1, -1, -1):
        step = steps[position]
        if step.kind == "diag":
            continue
        if step.kind == "claim" and step.command in _CLOSING_CLAIMS:
            return position
        return None
    return None


def _case_name(span: Span) -> str:
    tokens = span.argument_tokens()
    if not tokens:
        return ""
    if tokens[0].text == "(" and len(tokens) > 1:
        return tokens[1].text
    return tokens[0].text


def _case_variables(branch: list[Step]) -> str:
    """VARS of a branch: the variables of its leading ``case (C x y)``."""
    for step in branch:
        if step.kind == "diag":
            continue
        if step.command != "case":
            return ""
        tokens = step.span.argument_tokens()
        if len(tokens) >= 3 and tokens[0].text == "(":
            inner = tokens[2:_matching_paren(tokens)]
            return " ".join(token.text for token in inner)
        return ""
    return ""


def _fixed_variables(tokens: list[Token]) -> list[str]:
    """Names of ``fix x y :: 'a and z`` (type constraints and ``where`` clauses skipped)."""
    names: list[str] = []
    skip = False
    for token in tokens:
        text = token.text
        if token.kind == "keyword" and text in ("where", "if", "for"):
            break
        if text == "::":
            skip = True
        elif text == "and":
            skip = False
        elif not skip and token.kind in ("ident", "sym_ident") and text != "_":
            names.append(text)
        elif not skip and token.kind == "keyword" and text == "(":
            continue
    return names


def _uses_proof_cases(step: Step) -> bool:
    proof = step.proof
    if step.kind != "claim" or proof is None or proof.kind != "block" or proof.prefix:
        return False
    assert proof.method is not None
    texts = [token.text for token in proof.method.argument_tokens()]
    return texts == ["cases"]


def _drop_goal_cases(tokens: list[Token]) -> list[Token]:
    texts = [token.text for token in tokens]
    if texts == ["goal_cases"]:
        return []
    if len(texts) >= 4 and texts[0] == "(" and texts[-2] == "goal_cases" and texts[-3] in (",", ";"):
        inner = tokens[1:-3]
        return inner if len(inner) == 1 or inner[0].text == "(" else [tokens[0], *inner, tokens[-1]]
    return tokens


def _keyword_clash(ops: list[Op]) -> str:
    """Return the first argument word that Minilang would read as an operation, or ''."""
    keywords = minilang_keywords()
    for op in ops:
        for token in tokenize(op.args, keywords):
            if token.kind == "keyword" and token.text in MINILANG_MAJOR:
                return token.text
    return ""


# ------------------------------------------------------------------ public API
def translate_goal(goal: Goal, options: Options | None = None) -> ProofResult:
    """Translate one theory-level proof.

    Never raises: translation errors, recursion limits and unexpected
    exceptions become an ``unsupported`` result for this proof only.
    """
    options = options or Options()
    proof_class = classify(goal) if goal.spans else ""
    if goal.command == "notepad":
        return ProofResult(goal, "unsupported", reasons=["notepad"], proof_class=proof_class)
    if not goal.spans:
        return ProofResult(goal, "no_proof", reasons=["no_proof"], detail=goal.problem)
    if not goal.segmented:
        return ProofResult(goal, "parse_error", reasons=["not_segmented"], detail=goal.problem,
                           proof_class=proof_class)
    if goal.abandoned:
        return ProofResult(goal, "unsupported", reasons=["oops"], proof_class=proof_class)
    if goal.proof is None:
        reason = "nesting_too_deep" if "nesting" in goal.problem else "not_segmented"
        status = "unsupported" if reason == "nesting_too_deep" else "parse_error"
        return ProofResult(goal, status, reasons=[reason], detail=goal.problem, proof_class=proof_class)
    translator = _Translator(goal, options)
    try:
        ops, closer = translator.run()
        ops.append(closer.render("END"))
    except Unsupported as problem:
        where = f"line {problem.span.line}" if problem.span is not None else ""
        detail = ", ".join(part for part in (problem.detail, where) if part)
        return ProofResult(goal, "unsupported", reasons=[problem.reason], detail=detail,
                           approximations=translator.approximations, features=translator.features,
                           proof_class=proof_class)
    except RecursionError:
        return ProofResult(goal, "unsupported", reasons=["nesting_too_deep"], proof_class=proof_class)
    except Exception as error:  # one proof's failure must not stop the file
        digest = hashlib.sha1(traceback.format_exc().encode()).hexdigest()[:10]
        return ProofResult(goal, "unsupported", reasons=["internal_error"],
                           detail=f"{type(error).__name__}: {error} (traceback {digest})",
                           proof_class=proof_class)
    text = print_script(ops)
    problems = _check_output(ops, text)
    result = ProofResult(goal, "translated", ops, text, approximations=translator.approximations,
                         features=translator.features, claims=translator.claims,
                         proof_class=proof_class)
    if problems:
        clash = _keyword_clash(ops)
        result.status = "unsupported"
        result.reasons = ["keyword_clash" if clash else "output_check_failed"]
        if clash:
            problems.insert(0, f"'{clash}' is an operation keyword")
        result.detail = "; ".join(problems)
        result.minilang = None
    elif result.approximations:
        result.status = "approximate"
        if options.strict:
            result.status = "unsupported"
            result.reasons = ["approximation_rejected"]
            result.minilang = None
    return result


def _check_output(ops: list[Op], text: str) -> list[str]:
    """Re-parse printed Minilang and check its block discipline; return the problems found."""
    problems: list[str] = []
    try:
        reparsed = parse_script(text)
    except MinilangSyntaxError as error:
        return [str(error)]
    if reparsed != ops or print_script(reparsed) != text:
        problems.append("the printed script does not parse back to the same operations")
    problems += check_blocks(reparsed)
    return problems


def translate_theory(theory: Theory, options: Options | None = None) -> list[ProofResult]:
    """Translate every theory-level proof of a theory, one result per goal."""
    return [translate_goal(goal, options) for goal in theory.goals]
