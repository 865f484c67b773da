"""Chemical equation balancing in the integer-nullspace (vector) formulation."""
