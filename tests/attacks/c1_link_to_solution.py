"""c1: the topic's file is a link to the course's own solution (on nbgrader: the notebook is a
link to the assignment's source notebook, which holds the solutions).

via: paths
class: 1
base: none
trick: link tensors.py solution
lose: all
mentions: is a link; links are not graded
"""
