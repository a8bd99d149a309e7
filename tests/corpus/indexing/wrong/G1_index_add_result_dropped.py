"""I4/G1: out.index_add(...) without the underscore returns a new tensor; out stays zeros.

check: group_sums_accumulate
status: failed
mentions: accumulating with index_add_; differs from the expected values
"""


def group_sums(values, groups, num_groups):
    out = values.new_zeros(num_groups, values.shape[1])
    out.index_add(0, groups, values)
    return out
