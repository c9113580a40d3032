"""Reference implementations and input cases for code exercises (bank ``kind = "code"``).

One module per lesson topic; the bank names them as ``"module:function"``.
"""
