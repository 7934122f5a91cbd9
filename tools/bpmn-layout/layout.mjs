// Usage: node layout.mjs <file.bpmn>...  Rewrites each file with a generated diagram (DI).
import { layoutProcess } from 'bpmn-auto-layout';
import fs from 'fs';

for (const path of process.argv.slice(2)) {
  const xml = fs.readFileSync(path, 'utf8');
  fs.writeFileSync(path, await layoutProcess(xml));
  console.log(`laid out ${path}`);
}
