"""Personal data vouchers (个人数据资产云凭证): W3C Verifiable Credentials on a transparency log.

The domain lives in small modules without HTTP: :mod:`.merkle` (RFC 9162 trees and proofs),
:mod:`.note` (C2SP signed notes and checkpoints), :mod:`.integrity` (the ``eddsa-jcs-2022``
Data Integrity cryptosuite), :mod:`.statuslist` (W3C Bitstring Status List), :mod:`.did`
(the ``did:web`` document), :mod:`.verify` (the offline verifier) and :mod:`.service` (the
flow). :mod:`.app` wraps them in the shared runtime.
"""
