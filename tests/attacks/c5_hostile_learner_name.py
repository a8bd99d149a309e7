"""c5: the learner's folder (a batch) or student id (nbgrader) is named with a spreadsheet
formula, terminal escapes and rich markup; the submission itself is correct.

via: paths
class: 5
base: solution
lose: none
learner: =HYPERLINK("x")\x1b]0;t\x07[bold red]B
paths: batch nbgrader
"""
