"""What the IAM provider holds and trusts: metadata, certificates, SP keys, its state, anchors."""
