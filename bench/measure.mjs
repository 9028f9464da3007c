// Runs one gcsim command in this process and reports its peak resident memory on stderr,
// so the benchmark can time the whole process and still know its memory.
const { main } = await import("../dist/cli/main.js");
const code = await main(process.argv);
process.stderr.write(`\nBENCH ${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })}\n`);
process.exitCode = code;
