"""Syntactic translation of Isabelle/Isar proofs into Minilang, without Isabelle.

Minilang is a proof language of about ten operations (HAVE, CONSIDER, INTRO,
RULE, CHOOSE, UNFOLD, CASE_SPLIT, INDUCT, END/NEXT ...) in which every block is
closed by a hammer call. The modules, in pipeline order:

* :mod:`~toolbox.algos.minilang.lexer`: lossless outer-syntax tokenizer;
* :mod:`~toolbox.algos.minilang.isar`: command spans, theory-level goals and
  proof trees;
* :mod:`~toolbox.algos.minilang.statements` and
  :mod:`~toolbox.algos.minilang.methods`: claim statements, method
  expressions and fact lists;
* :mod:`~toolbox.algos.minilang.translate`: the translation rules, with a
  status and reasons per proof;
* :mod:`~toolbox.algos.minilang.lang`: Minilang parser, printer and
  block-discipline check;
* :mod:`~toolbox.algos.minilang.corpus`: whole files, JSONL records and the
  corpus report.

References
----------
Qiyuan Xu, Renxi Wang, Peixin Wang, Haonan Li and Conrad Watt. "A Minimalist
Proof Language for Neural Theorem Proving over Isabelle/HOL." arXiv:2507.18885,
2025.
"""
