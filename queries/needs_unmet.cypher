// name: needs_unmet
// zh: 未满足的需求:没有项目对接、也未完成,按类别和提出日期排列
// en: Unmet needs: no project fulfils them and they are not done, by category and date raised
MATCH (n:Need)
WHERE coalesce(n.status, '待认领') <> '已完成'
OPTIONAL MATCH (n)<-[:FULFILLS]-(p:Project)
WITH n, count(p) AS projects
WHERE projects = 0
OPTIONAL MATCH (n)-[:RAISED_BY]->(r)
RETURN n.id AS id, n.name AS need, n.category AS category, n.status AS status, n.raised AS raised,
       min(r.name) AS raised_by
ORDER BY category, raised, id;
