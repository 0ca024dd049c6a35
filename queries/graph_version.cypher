// name: graph_version
// zh: 图谱的导入状态:最近一次成功导入的时间和导入次数(应用据此和各类节点数判断缓存是否过期)
// en: The graph's load state: when the last load finished and how many loads (the app's cache key, with the node counts)
OPTIONAL MATCH (r:LoadRun)
WHERE r.status = 'committed'
RETURN max(r.finished) AS loaded, count(r) AS loads;
