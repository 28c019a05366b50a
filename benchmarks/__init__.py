"""Development tools outside the installed package: speed and load benchmarks, synthetic
corpora, and the in-process quality evaluation (`crosscheck bench`, `crosscheck eval`)."""
