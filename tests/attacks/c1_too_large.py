"""c1: the topic's file is larger than any module or notebook may be (a sparse file: it costs
no disk, but reading it whole would cost the grader its memory).

via: paths
class: 1
base: none
trick: large tensors.py
lose: all
mentions: larger than
"""
