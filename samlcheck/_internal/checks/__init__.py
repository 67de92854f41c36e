"""The entry points: one module per thing samlcheck checks, each returning `Result`s.

`response` (a SAMLResponse, STS), `capture` (every response in a capture), `metadata` (an upload
to IAM), `keys` (AddPrivateKey), `provider` (CreateSAMLProvider / UpdateSAMLProvider plans).
"""
