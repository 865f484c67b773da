"""SSumM sparse graph summarization (Lee, Jo, Ko, Lim and Shin, KDD 2020)."""
