"""Reading what the user gave: files, captures, the hardened XML parser, encoding facts."""
