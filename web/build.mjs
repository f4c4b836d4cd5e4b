// Bundles the console for the CMake build (cmake/Console.cmake):
//   node web/build.mjs OUT_DIR  ->  OUT_DIR/app.js, OUT_DIR/style.css
// Through esbuild's JavaScript API, which finds its native binary the same
// way whether or not npm ran esbuild's install script.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const out = process.argv[2];
if (!out) {
  console.error('usage: node build.mjs OUT_DIR');
  process.exit(2);
}
const src = join(dirname(fileURLToPath(import.meta.url)), 'src');
const common = {
  bundle: true,
  minify: true,
  // The bundle holds only this directory's code: no licence comments to keep.
  legalComments: 'none',
  // Non-ASCII characters become escapes: the embedded text is ASCII.
  charset: 'ascii',
  logLevel: 'warning',
};
await build({
  ...common,
  entryPoints: [join(src, 'main.js')],
  format: 'esm',
  // ES2020 modules run in every browser of the last five years.
  target: 'es2020',
  outfile: join(out, 'app.js'),
});
await build({ ...common, entryPoints: [join(src, 'style.css')], outfile: join(out, 'style.css') });
