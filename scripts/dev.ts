// The no-build development loop: `npm run dev -- <gcsim arguments>` runs the CLI from src/ through tsx.
import { main } from "../src/cli/main.js";

process.exitCode = await main(process.argv);
