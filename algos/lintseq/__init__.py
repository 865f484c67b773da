"""LintSeq synthetic edit sequences (Piterbarg, Pinto and Fergus, 2024)."""
