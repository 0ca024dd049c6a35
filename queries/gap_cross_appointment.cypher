// name: gap_cross_appointment
// zh: 覆盖规则·小区党组织与业委会交叉任职:有业委会的小区,至少一人在截至日期同时在小区党组织(小区党支部或楼栋党小组)班子和业委会任职;detail 注明“一肩挑”(书记或组长兼任业委会主任)或“交叉任职”
// en: Coverage rule · cross-appointment: in a compound with an owners' committee, someone serves on the as-of date both on its party org's committee (compound branch or building group) and on the owners' committee; detail says 一肩挑 (the secretary or group leader chairs the owners' committee) or 交叉任职
// param: as_of date -- 截至日期(协议、任期按此日判断)/ as-of date (agreements and terms are judged on it)
:param as_of => date()

// The compound's orgs are those the compound-org rule counts: a compound branch or building group covering it,
// or a building group covering one of its buildings. A post serves while since <= as_of <= until (a blank end:
// still serving). Branch posts are committee posts (书记 副书记 委员 兼职委员 组长); any post on the owners' committee.
MATCH (k:Compound)<-[:REPRESENTS]-(:OwnersCommittee)
WITH DISTINCT k
WITH k, [(k)<-[:REPRESENTS]-(:OwnersCommittee)<-[h:HOLDS_POST]-(p:Person)
         WHERE (h.since IS NULL OR h.since <= $as_of) AND (h.until IS NULL OR h.until >= $as_of) | [p.id, h.post]] AS board,
     [(k)<-[:COVERS]-(o:PartyOrg) WHERE o.kind IN ['小区党支部', '楼栋党小组'] | o]
       + [(k)<-[:PART_OF]-(:Building)<-[:COVERS]-(g:PartyOrg) WHERE g.kind = '楼栋党小组' | g] AS orgs
WITH k, board, size(orgs) AS orgs,
     [o IN orgs | [(o)<-[h:HOLDS_POST]-(p:Person)
                   WHERE h.post IN ['书记', '副书记', '委员', '兼职委员', '组长']
                     AND (h.since IS NULL OR h.since <= $as_of) AND (h.until IS NULL OR h.until >= $as_of)
                   | [p.id, h.post = CASE o.kind WHEN '楼栋党小组' THEN '组长' ELSE '书记' END]]] AS posts
WITH k, board, orgs, reduce(acc = [], x IN posts | acc + x) AS branch
WITH k, orgs, size(board) AS board, size(branch) AS branch,
     [x IN branch WHERE x[0] IN [b IN board | b[0]]] AS cross,
     [b IN board WHERE b[1] = '业委会主任' | b[0]] AS chairs
WITH k, size(cross) > 0 AS covered, any(x IN cross WHERE x[1] AND x[0] IN chairs) AS one,
     CASE
       WHEN size(cross) > 0 THEN null
       WHEN orgs = 0 THEN 'no_compound_org'
       WHEN board = 0 THEN 'board_posts_not_recorded'
       WHEN branch = 0 THEN 'branch_posts_not_recorded'
       ELSE 'no_cross_post' END AS reason
RETURN k.id AS id, k.name AS name, k.id AS place, covered, reason,
       CASE WHEN one THEN '一肩挑' WHEN covered THEN '交叉任职' END AS detail
ORDER BY id;
