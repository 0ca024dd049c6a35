// name: org_tree
// zh: 全部党组织及其上级、所在地、党员数和在任书记(一行,列表形式),用于按区域显示组织架构树;书记姓名为敏感信息,应用中默认隐去
// en: Every party org with its superiors, places, members and serving secretary (one row of lists), for the hierarchy tree of an area; secretary names are sensitive and masked in the app by default
// param: as_of date -- 截至日期(书记任期按此日判断)/ as-of date (secretaries' terms are judged on it)
// person: orgs[*][7][*][1]
:param as_of => date()

// places: what the org covers, else where its unit (own or joint branch) is located.
// leaders: [person id, name] of the serving 书记 (组长 for a building group).
MATCH (o:PartyOrg)
WITH o, [(o)-[:COVERS]->(x) | x.id] AS covers
WITH o, CASE WHEN size(covers) > 0 THEN covers
             ELSE [(o)<-[:HAS_ORG|COVERED_BY]-(:Unit)-[:LOCATED_IN]->(y) | y.id] END AS places,
     [(o)<-[:LEADS]-(s:PartyOrg) | s.id] AS superiors,
     [(o)-[:MEMBER_OF]->(j:PartyOrg) | j.id] AS joined,
     [(o)<-[h:HOLDS_POST]-(p:Person)
      WHERE h.post = CASE o.kind WHEN '楼栋党小组' THEN '组长' ELSE '书记' END
        AND (h.since IS NULL OR h.since <= $as_of) AND (h.until IS NULL OR h.until >= $as_of) | [p.id, p.name]] AS leaders
RETURN collect([o.id, o.name, o.kind, o.members, places, superiors, joined, leaders]) AS orgs;
