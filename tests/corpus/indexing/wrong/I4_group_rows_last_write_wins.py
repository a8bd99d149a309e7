"""I4: out[groups] += values keeps one row per repeated group instead of adding them all.

check: group_sums_accumulate
status: failed
mentions: accumulating with index_add_; differs from the expected values; adds every row
"""


def group_sums(values, groups, num_groups):
    out = values.new_zeros(num_groups, values.shape[1])
    out[groups] += values
    return out
