"""Build the site into site/: content check, MkDocs, Pagefind, swap (see tebiki.build)."""

import sys

from tebiki.site.build import main

if __name__ == "__main__":
    sys.exit(main())
