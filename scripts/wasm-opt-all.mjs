// binaryen's `wasm-opt -Oz --strip-debug` for many modules in one Node process: the npm
// wasm-opt command compiles binaryen (itself WASM) at each start, about 2 s, and the SPA has
// hundreds of lazily loaded modules. Same passes, same output bytes as the command.
// Usage: node wasm-opt-all.mjs BINARYEN_PACKAGE_DIR IN OUT [IN OUT ...]
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const [packageDir, ...files] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const binaryen = (await import(require.resolve("binaryen", { paths: [packageDir] }))).default;

// What the command enables with --enable-bulk-memory (which implies bulk-memory-opt),
// --enable-reference-types (call-indirect-overlong), --enable-nontrapping-float-to-int,
// --enable-sign-ext, --enable-mutable-globals and --enable-multivalue: the features
// wasm-bindgen's output relies on (Rust's default wasm32 target enables them).
const F = binaryen.Features;
const features = F.BulkMemory | F.BulkMemoryOpt | F.CallIndirectOverlong | F.ReferenceTypes |
  F.NontrappingFPToInt | F.SignExt | F.MutableGlobals | F.Multivalue;
// -Oz; the command also optimises Stack IR when it writes an optimised module.
binaryen.setOptimizeLevel(2);
binaryen.setShrinkLevel(2);
binaryen.setDebugInfo(false);
binaryen.setGenerateStackIR(true);
binaryen.setOptimizeStackIR(true);

for (let i = 0; i + 1 < files.length; i += 2) {
  const module = binaryen.readBinary(readFileSync(files[i]));
  module.setFeatures(features);
  module.optimize();
  module.runPasses(["strip-debug"]);
  writeFileSync(files[i + 1], module.emitBinary());
  module.dispose();
}
