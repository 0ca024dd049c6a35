// name: gap_grid_branch
// zh: 覆盖规则·网格党支部:每个网格建有网格党支部
// en: Coverage rule · grid branch: every grid has a grid branch
// param: as_of date -- 截至日期(协议、任期按此日判断)/ as-of date (agreements and terms are judged on it)
:param as_of => date()

MATCH (g:Grid)
OPTIONAL MATCH (g)<-[:COVERS]-(o:PartyOrg {kind: '网格党支部'})
WITH g, count(o) AS branches
RETURN g.id AS id, g.name AS name, g.id AS place, branches > 0 AS covered,
       CASE WHEN branches = 0 THEN 'no_grid_branch' END AS reason, g.households AS detail
ORDER BY id;
