// name: commitments_without_projects
// zh: 所依托的共建协议下没有任何项目的承诺事项(承诺未落到项目清单),未完成的在前
// en: Commitments whose agreement has no project at all (promises not backed by the projects list), unfinished first
MATCH (m:Commitment)-[:UNDER]->(a:Agreement)
OPTIONAL MATCH (a)<-[:UNDER]-(p:Project)
WITH m, a, count(p) AS projects
WHERE projects = 0
OPTIONAL MATCH (m)-[:COMMITTED_BY]->(o:PartyOrg)
RETURN m.id AS id, m.name AS commitment, m.status AS status, m.due AS due, a.name AS agreement,
       o.name AS committed_by
ORDER BY CASE m.status WHEN '已完成' THEN 1 ELSE 0 END, due, id;
