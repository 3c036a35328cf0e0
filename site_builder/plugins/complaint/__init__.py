"""The ``tongda-complaint`` plugin: the 随手拍 pages of the portal."""
