"""The site: the MkDocs side, the build and what it writes around MkDocs."""
