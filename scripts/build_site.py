"""Build the site into site/: content check, MkDocs, Pagefind, swap (see tebiki.build)."""

import sys

from tebiki.build import main

if __name__ == "__main__":
    sys.exit(main())
