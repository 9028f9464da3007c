// Takes a heap snapshot of a real program: the TypeScript compiler type-checking gcsim's sources.
// Usage: node bench/snapshot-tsc.cjs OUT.heapsnapshot
const ts = require("typescript");
const v8 = require("v8");
const config = ts.getParsedCommandLineOfConfigFile("tsconfig.json", {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
const program = ts.createProgram(config.fileNames, config.options);
const diagnostics = ts.getPreEmitDiagnostics(program);
globalThis.keep = { program, checker: program.getTypeChecker(), diagnostics };
console.log(`type-checked ${config.fileNames.length} files, ${diagnostics.length} diagnostics; writing ${v8.writeHeapSnapshot(process.argv[2])}`);
