"""samlcheck's internals: nothing here is public API (import from `samlcheck`).

The folders follow the pipeline: `inputs` (what the user gave) -> `trust` (what the IAM provider
holds) -> `stages` (decrypt, signature, claims) -> `rules` (findings) -> `report` (verdict) ->
`render`; `checks` holds the entry points that run them. Top-level modules are the vocabulary
every layer shares: AWS facts, rules and findings, the report model, options, words.
"""
