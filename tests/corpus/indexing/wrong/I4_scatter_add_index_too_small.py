"""I4: scatter_add_ with a (N, 1) index scatters only the first column of values.

check: group_sums_accumulate
status: failed
mentions: accumulating with index_add_; differs from the expected values; one column
"""


def group_sums(values, groups, num_groups):
    out = values.new_zeros(num_groups, values.shape[1])
    return out.scatter_add_(0, groups.unsqueeze(1), values)
