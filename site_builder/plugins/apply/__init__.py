"""The ``tongda-apply`` plugin: application pages, the applications catalog and the policy pages' 在线申请 box."""
