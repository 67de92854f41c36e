"""`samlcheck serve`: the same checks as the CLI in a page on this machine (server.py: HTTP and
its safety; api.py: the three checks the page asks for; static/: the page, no build step)."""
