"""The UTF-8 byte-order mark, which may open a file: every reader strips it before parsing."""

UTF8_BOM = b"\xef\xbb\xbf"
