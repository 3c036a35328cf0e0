"""The ``tongda-voucher`` plugin: the offline voucher verifier page and the voucher
function's public files (DID document, status lists, checkpoint) in every built site."""
