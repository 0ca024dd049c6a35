// name: org_covers
// zh: 各地理单元由哪些党组织覆盖(一行,列表形式),用于为缺口推荐最近的可承接党组织
// en: Which party orgs cover each geography node (one row of lists), to suggest the nearest org that can take a gap in
MATCH (o:PartyOrg)-[:COVERS]->(x)
RETURN collect([x.id, o.id, o.name, o.kind]) AS covers;
