"""Outer-syntax keyword tables for Isabelle/Isar theories and Minilang scripts.

Isabelle decides where a command starts from a keyword table: each major
keyword (a command) has a kind, and minor keywords (``and``, ``where``, ``::``
...) only structure the arguments of a command. The built-in table below lists
the commands of Isabelle2022's Pure and HOL sessions and common AFP commands.
A theory header may declare more with ``keywords``, which
:func:`toolbox.algos.minilang.isar.header_keywords` reads.

Kinds follow Isabelle's names (``thy_goal``, ``prf_goal``, ``qed`` ...), with a
few groupings this package needs to drive the proof-structure parser.
"""

from __future__ import annotations

import functools

__all__ = [
    "CLAIM_COMMANDS",
    "DIAGNOSTIC_COMMANDS",
    "GOAL_COMMANDS",
    "MINILANG_MAJOR",
    "MINILANG_MINOR",
    "MINOR_KEYWORDS",
    "PROOF_COMMANDS",
    "TERMINAL_COMMANDS",
    "Keywords",
    "builtin_keywords",
    "words",
]


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Theory-level commands that state a goal and are followed by a proof.
GOAL_COMMANDS = frozenset(words("""
    lemma theorem corollary proposition schematic_goal
    interpretation global_interpretation sublocale subclass instance
    typedef termination function lift_definition quotient_type quotient_definition
    code_pred specification ax_specification free_constructors functor bnf lift_bnf
    primcorecursive corecursive friend_of_corec nominal_inductive nominal_inductive2
    nominal_function nominal_termination nominal_primrec sepref_definition sepref_thm
    rep_datatype old_rep_datatype
"""))

# Proof-level claims: each is followed by its own proof.
CLAIM_COMMANDS = frozenset(words("have hence show thus obtain consider interpret guess"))

# Commands that end a proof (qed-like steps).
TERMINAL_COMMANDS = frozenset(words(r"by . .. sorry \<proof> done"))

# Diagnostic commands, allowed between proof steps without changing the proof.
DIAGNOSTIC_COMMANDS = frozenset(words("""
    thm term prop typ value values find_theorems find_consts print_cases print_facts
    print_statement print_term_bindings print_context print_state print_simpset
    print_rules print_methods print_attributes print_theorems print_syntax
    print_abbrevs print_locales print_locale print_interps print_classes
    print_trans_rules print_induct_rules print_quotients print_bnfs print_record
    print_definitions print_defn_rules print_theory print_options print_commands
    sledgehammer nitpick quickcheck try try0 solve_direct nunchaku smt_status
    unused_thms thm_deps thm_oracles prf full_prf welcome help approximate
    ML_val ML_command txt text text_raw section subsection subsubsection paragraph
    subparagraph chapter
"""))

# Proof-level commands with the kind that drives the structure parser.
PROOF_COMMANDS: dict[str, str] = {
    **dict.fromkeys(CLAIM_COMMANDS, "prf_goal"),
    **dict.fromkeys(TERMINAL_COMMANDS, "qed"),
    "done": "qed_script",
    "oops": "qed_global",
    "proof": "prf_block",
    "qed": "qed_block",
    "next": "next_block",
    "{": "prf_open",
    "}": "prf_close",
    **dict.fromkeys(words("then from with finally ultimately"), "prf_chain"),
    **dict.fromkeys(words("""
        note using unfolding let write include including also moreover fix assume
        presume define def case ML_prf
    """), "prf_decl"),
    **dict.fromkeys(words("apply apply_end defer prefer back supply"), "prf_script"),
    "subgoal": "prf_script_goal",
}

# Theory-level commands that state no goal (declarations, definitions, document text).
_THEORY_COMMANDS = words("""
    theory end context notepad locale experiment class instantiation overloading bundle
    unbundle includes
    ML ML_file SML_file ML_export SML_import SML_export setup local_setup attribute_setup
    method_setup declaration syntax_declaration simproc_setup parse_ast_translation
    parse_translation print_translation typed_print_translation print_ast_translation
    oracle default_sort typedecl type_synonym nonterminal judgment consts syntax
    no_syntax translations no_translations axiomatization axioms alias type_alias
    definition abbreviation type_notation no_type_notation notation no_notation declare
    lemmas theorems named_theorems hide_class hide_type hide_const hide_fact
    code_datatype locale_deps class_deps thy_deps print_bundles
    datatype codatatype primrec primcorec fun inductive coinductive inductive_set
    coinductive_set inductive_cases inductive_simps record nominal_datatype export_code
    code_printing code_identifier code_reserved code_monad code_reflect code_thms
    code_deps code_const code_type code_class code_instance code_module code_modulename
    code_include code_abort code_reserved
    setup_lifting lifting_forget lifting_update partial_function corec old_datatype
    bnf_axiomatization copy_bnf adhoc_overloading no_adhoc_overloading simps_of_case
    case_of_simps derive statespace recdef defs constdefs types arities classes
    classrel hoarestate procedures nitpick_params sledgehammer_params quickcheck_params
    quickcheck_generator realizers extract extract_type generate_file
    export_generated_files compile_generated_files external_file
    concrete_definition prepare_code_thms sepref_register sepref_decl_op
    sepref_decl_impl sepref_decl_intf
    method find_unused_assms print_coercions fun_cases
    consts_code types_code text_raw
""")

# Minor keywords that the statement and header parsers look at. Other minor
# keywords of Pure and HOL are left as identifiers: they never start a command,
# so span splitting does not depend on them.
MINOR_KEYWORDS = frozenset(words(r"""
    and assumes shows fixes obtains defines notes includes constrains for if is
    when where in imports keywords begin premises overloaded
    ( ) [ ] , | : :: = == => ? ! + - ; \<equiv> \<rightleftharpoons>
    \<rightharpoonup> \<leftharpoondown> \<subseteq>
"""))

# Minilang: every operation starts a command span.
MINILANG_MAJOR = frozenset(words("""
    HAVE CONSIDER INTRO INTRO_ALL RULE CHOOSE SIMP CRUSH UNFOLD CASE_SPLIT INDUCT END
    NEXT HAMMER APPLY LET DEFINE NOTATION CONFIG OPEN_MODULE PRINT STEP
"""))

MINILANG_MINOR = frozenset(words(r"""
    where :: : , and in when if obtains shows fixes defines constrains assumes notes
    includes | ( ) [ ] ? = for WITH WITHOUT IN VARS PREMISES infix infixl infixr
    ; + - ! . .. { } == => \<equiv> \<rightleftharpoons> \<rightharpoonup>
    \<leftharpoondown> \<subseteq>
"""))


class Keywords:
    """A keyword table: command names with their kinds, and minor keywords."""

    __slots__ = ("commands", "minor", "symbolic")

    def __init__(self, commands: dict[str, str], minor: frozenset[str] | set[str]):
        self.commands = dict(commands)
        self.minor = frozenset(minor)
        # Keywords made of symbol characters compete with symbolic identifiers
        # by longest match, so the lexer needs them separately.
        self.symbolic = frozenset(
            word for word in (*self.commands, *self.minor) if not _is_word(word)
        )

    def kind(self, word: str) -> str | None:
        """Return the command kind of ``word``, ``"minor"`` or ``None``."""
        found = self.commands.get(word)
        if found is not None:
            return found
        return "minor" if word in self.minor else None

    def extended(self, commands: dict[str, str], minor: set[str]) -> Keywords:
        """Return a copy of this table with more commands and minor keywords."""
        merged = dict(self.commands)
        merged.update(commands)
        return Keywords(merged, self.minor | minor)


def _is_word(text: str) -> bool:
    return text[:1].isalpha() or text[:1] == "_" or text.startswith("\\<") and text[2:3].isalpha()


@functools.cache
def builtin_keywords() -> Keywords:
    """Return the built-in Pure/HOL table used for every theory file (shared, do not mutate)."""
    commands: dict[str, str] = dict.fromkeys(_THEORY_COMMANDS, "thy_decl")
    commands.update(dict.fromkeys(DIAGNOSTIC_COMMANDS, "diag"))
    commands.update(dict.fromkeys(GOAL_COMMANDS, "thy_goal"))
    commands.update(PROOF_COMMANDS)
    commands["theory"] = "thy_begin"
    commands["end"] = "thy_end"
    return Keywords(commands, MINOR_KEYWORDS)


@functools.cache
def minilang_keywords() -> Keywords:
    """Return the keyword table of Minilang scripts."""
    return Keywords(dict.fromkeys(MINILANG_MAJOR, "minilang"), MINILANG_MINOR)
