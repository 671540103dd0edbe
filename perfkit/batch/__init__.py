"""Step 7: batch rendering of every department-year on warm kernels."""
