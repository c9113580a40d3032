"""The ``release`` subcommand of ``python -m nnlib.course`` (arguments -> :func:`release`)."""
from __future__ import annotations

import argparse
import sys

from .bank import BankError
from .build import BuildError
from .release import ReleaseError, release
from .roster import RosterError, read_roster
from .variants import VariantError, read_secret

def run_release(args: argparse.Namespace) -> int:
    """0: released and the scan is clean; 1: an answer was found in a shipped file; 2: error."""
    try:
        roster = read_roster(args.roster) if args.roster else None
        result = release(args.bank, args.out, args.solutions, roster,
                         read_secret(args.secret_file, args.secret))
    except (ReleaseError, BankError, BuildError, RosterError, VariantError,
            FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if result.hits:
        for hit in result.hits:
            print(f"LEAK: {hit}", file=sys.stderr)
        print(f"release FAILED: {len(result.hits)} graded answer(s) found in files that would "
              "ship; do not hand out " + str(args.out), file=sys.stderr)
        return 1
    print(f"released {len(result.files)} files to {args.out}; scan clean")
    return 0
