// name: graph_version
// zh: 图谱当前状态:最近一次成功导入的时间、导入次数和节点总数(应用据此判断缓存是否过期)
// en: The graph's state: when the last load finished, how many loads, how many nodes (the app's cache key)
OPTIONAL MATCH (r:LoadRun)
WHERE r.status = 'committed'
WITH max(r.finished) AS loaded, count(r) AS loads
OPTIONAL MATCH (n)
RETURN loaded, loads, count(n) AS nodes;
