"""Entry point: ``python -m etl …`` (see etl/cli.py).

Once the command has returned, every database connection and file it opened is closed and its report is
written; the process then ends without the interpreter's teardown of pandas, pyarrow and DuckDB, which
costs a tenth of a second on every command (issue 9's speed target).
"""

import os
import sys

from etl.cli import main


def run() -> None:
    """Run the command, flush its report, and end the process with its exit code."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, OSError, ValueError):  # a closed pipe: nothing more can be said
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
