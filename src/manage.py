#!/usr/bin/env python
"""Same as the installed `ocop` command."""

from ocop.__main__ import main

if __name__ == "__main__":
    main()
