// name: label_counts
// zh: 各类节点数量
// scope: region
// en: Number of nodes per label
MATCH (n)
RETURN labels(n)[0] AS label, count(*) AS nodes
ORDER BY nodes DESC, label;
