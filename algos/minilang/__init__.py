"""Translation of Isabelle/Isar proofs into Minilang (Xu et al., 2025)."""
