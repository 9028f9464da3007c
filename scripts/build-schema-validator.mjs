// Build step: compile schema/workload.schema.json once into a standalone validation module
// (ajv's standalone code generation), so gcsim does not compile the schema at every start.
import { readFileSync, writeFileSync } from "node:fs";
import { Ajv } from "ajv";
import standaloneCode from "ajv/dist/standalone/index.js";

const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, code: { source: true, esm: true } });
const validate = ajv.compile(JSON.parse(readFileSync("schema/workload.schema.json", "utf8")));
// The generated module requires ajv's small runtime helpers; give it a require() inside ESM.
const prelude = 'import { createRequire } from "node:module";\nconst require = createRequire(import.meta.url);\n';
writeFileSync("dist/workload/schema-validator.js", prelude + standaloneCode.default(ajv, validate));
