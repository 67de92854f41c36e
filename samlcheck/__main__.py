"""`python -m samlcheck` runs the command line."""

from samlcheck.cli import main

main()
