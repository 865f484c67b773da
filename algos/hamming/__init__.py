"""Text-to-pattern Hamming distances: exact engines, k-mismatch search and approximation."""
