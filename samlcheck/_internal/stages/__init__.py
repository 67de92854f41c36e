"""The stages of a SAMLResponse: decrypt, verify signatures (the signed view), read claims."""
