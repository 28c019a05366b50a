"""The terminal front end: the `crosscheck` command line, the REPL and plain-text answers."""
