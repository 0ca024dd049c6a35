import fs from 'fs';
const B='./node_modules/@neo4j-cypher/language-support/dist/esm/project/language-support/src/';
const { createParsingResult } = await import(B+'cypherLanguageService.js');
const { wrappedSemanticAnalysis } = await import(B+'syntaxValidation/semanticAnalysisWrapper.js');
const items = JSON.parse(fs.readFileSync('/tmp/cl/s300.json','utf8'));
let tp=0, ts=0;
for (const it of items) { let s=performance.now(); const pr=createParsingResult(it.text,{consoleCommandsEnabled:false}); tp+=performance.now()-s;
 s=performance.now(); for (const st of pr.statementsParsing) wrappedSemanticAnalysis(st.command.statement, {}, undefined); ts+=performance.now()-s; }
console.log('parse', tp.toFixed(0), 'semantic', ts.toFixed(0));
